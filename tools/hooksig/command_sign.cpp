// `hooksig sign`: sign a body and print the headers to send, `Name: value` per line.
#include <cstdio>

#include "cli.hpp"

namespace hooksig::cli {
namespace {

int run_sign(const std::vector<std::string>& args) {
    const options opts(args, {"--secret", "--id", "--timestamp", "--body-file", "--scheme", "--header-name"});
    if (opts.all("--secret").empty()) throw usage_error("give at least one --secret");
    return with_scheme(opts, [&](const auto& scheme) {
        using scheme_type = std::decay_t<decltype(scheme)>;
        const signer<scheme_type> sign_with(secrets_from_options(scheme, opts), scheme);
        sign_options choices;
        choices.id = opts.one("--id");
        if (opts.has("--id") && !is_valid_message_id(choices.id))
            throw usage_error("--id needs 1 to 256 visible ASCII characters");
        if (opts.has("--timestamp")) choices.timestamp = parse_seconds("--timestamp", opts.one("--timestamp"));
        const std::string body = read_body(opts);
        for (const header& h : sign_with.sign(body, choices)) std::printf("%s: %s\n", h.name.c_str(), h.value.c_str());
        return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
    });
}

const register_command registered{
    {"sign", "sign --secret S [--secret S2 ...] [--id ID] [--timestamp T] [--body-file F] [--scheme NAME] [--header-name NAME]", run_sign}};

} // namespace
} // namespace hooksig::cli
