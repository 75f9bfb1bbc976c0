// `hooksig secret [--bytes N]`: print one new whsec_ secret.
#include <cstdio>

#include "cli.hpp"

namespace hooksig::cli {
namespace {

int run_secret(const std::vector<std::string>& args) {
    const options opts(args, {"--bytes"});
    std::size_t bytes = secret_default_bytes;
    if (opts.has("--bytes")) {
        const std::string text = opts.one("--bytes");
        if (text.empty() || text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos)
            throw usage_error("--bytes needs a number from 24 to 64");
        bytes = std::stoul(text);
    }
    secret made;
    if (const auto failed = secret::generate(made, bytes)) {
        if (failed == errc::invalid_secret_length) throw usage_error("--bytes needs a number from 24 to 64");
        throw error(failed);
    }
    const exposed_secret text = made.expose();
    std::fwrite(text.view().data(), 1, text.view().size(), stdout);
    std::fputc('\n', stdout);
    return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
}

const register_command registered{{"secret", "secret [--bytes N]", run_secret}};

} // namespace
} // namespace hooksig::cli
