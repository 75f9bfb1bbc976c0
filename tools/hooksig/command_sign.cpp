// `hooksig sign`: sign a body and print the headers to send, `Name: value` per line.
#include <cstdio>

#include "cli.hpp"

namespace hooksig::cli {
namespace {

int run_sign(const std::vector<std::string>& args) {
    const options opts(args, {"--secret", "--secret-file", "--keyring", "--now", "--id", "--timestamp", "--body-file", "--scheme",
                              "--header-name", "--url"});
    if (opts.has("--keyring") && (opts.has("--secret") || opts.has("--secret-file")))
        throw usage_error("give --secret-file / --secret or --keyring, not both");
    if (!opts.has("--keyring") && !has_secret_source(opts))
        throw usage_error("give --secret-file F, HOOKSIG_SECRET in the environment, --secret S, or --keyring FILE");
    return with_scheme(opts, [&](const auto& scheme) {
        using scheme_type = std::decay_t<decltype(scheme)>;
        // --keyring: the keys active at --now (default: the wall clock's now).
        keyring<fixed_clock> ring(fixed_clock{now_from_options(opts)});
        if (opts.has("--keyring")) {
            load_keyring_file(opts.one("--keyring"), ring);
            check_keyring_kinds(scheme, ring);
            check_keyring_signs(ring);
        }
        const std::vector<secret> secrets = opts.has("--keyring") ? std::vector<secret>() : secrets_from_options(scheme, opts, true);
        sign_options choices;
        choices.id = opts.one("--id");
        if (opts.has("--id") && !is_valid_message_id(choices.id))
            throw usage_error("--id needs 1 to 256 visible ASCII characters");
        if (opts.has("--timestamp")) choices.timestamp = parse_seconds("--timestamp", opts.one("--timestamp"));
        else if (opts.has("--now")) choices.timestamp = ring.clock().now();
        // The body streams through in 64 KiB reads: any size in constant memory.
        const auto sign_streaming = [&](signing<scheme_type>&& started) {
            signing<scheme_type>& s = started;
            if (s.error()) throw error(s.error());
            stream_body(opts, [&s](std::string_view piece) { s.update(piece); });
            std::vector<header> out;
            detail::throw_if(s.finish(out));
            return out;
        };
        const std::vector<header> headers =
            opts.has("--keyring") ? sign_streaming(keyring_signer<scheme_type, fixed_clock>(ring, scheme).begin(choices))
                                  : sign_streaming(signer<scheme_type>(secrets, scheme).begin(choices));
        for (const header& h : headers) std::printf("%s: %s\n", h.name.c_str(), h.value.c_str());
        return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
    });
}

const register_command registered{
    {"sign", "sign (--secret-file F | HOOKSIG_SECRET=S | --secret S [--secret S2 ...] | --keyring FILE) [--now T] [--id ID] [--timestamp T] [--body-file F] "
             "[--scheme NAME] [--header-name NAME] [--url URL]   (whsec_ signs v1, whsk_ signs v1a, both: one header; "
             "--scheme discord takes a whsk_)",
     run_sign}};

} // namespace
} // namespace hooksig::cli
