// `hooksig keypair`: print one new Ed25519 key pair, the `whsk_` secret key
// (the sender signs `v1a` with it) then its `whpk_` public key (receivers).
#include <cstdio>

#include "cli.hpp"

namespace hooksig::cli {
namespace {

/// Writes `text` and a newline to standard output.
void print_line(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
}

/// Generates a key pair from the system CSPRNG and prints both keys, the
/// secret key first: the one place (with `keyring new`) a whole secret is shown.
int run_keypair(const std::vector<std::string>& args) {
    const options opts(args, {});
    secret made;
    if (const std::error_code failed = secret::generate_ed25519(made)) throw error(failed);
    secret pub;
    if (const std::error_code failed = made.public_key(pub)) throw error(failed);
    {
        const exposed_secret text = made.expose();
        print_line(text.view());
    }
    {
        const exposed_secret text = pub.expose();
        print_line(text.view());
    }
    return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
}

const register_command registered{
    {"keypair", "keypair   (prints a new whsk_ secret key, then its whpk_ public key)", run_keypair}};

} // namespace
} // namespace hooksig::cli
