// `hooksig verify`: exit 0 and print `valid`, or exit 1 with `invalid: <reason>` on stderr.
#include <chrono>
#include <cstdio>

#include "cli.hpp"

namespace hooksig::cli {
namespace {

/// Reads the body in pieces into a verification whose headers passed; a
/// delivery the headers condemn is decided without reading the body.
keyring_verify_result verify_streaming(const options& opts, verification&& started) {
    verification& v = started;
    if (!v.error()) stream_body(opts, [&v](std::string_view piece) { v.update(piece); });
    return v.finish();
}

/// True when a key is Ed25519: those verify only whole bodies (the library's
/// streaming verification carries HMAC keys only), so the body is read whole.
bool has_ed25519(const std::vector<secret>& keys) {
    for (const secret& k : keys)
        if (k.algorithm() == algorithm_id::ed25519) return true;
    return false;
}

/// `hooksig verify`: exit 0 and `valid`, exit 1 and `invalid: REASON`, exit 2 on usage errors.
int run_verify(const std::vector<std::string>& args) {
    const options opts(args, {"--secret", "--secret-file", "--keyring", "--header", "--headers-file", "--tolerance", "--now",
                              "--body-file", "--scheme", "--header-name", "--url"});
    if (opts.has("--keyring") && (opts.has("--secret") || opts.has("--secret-file")))
        throw usage_error("give --secret-file / --secret or --keyring, not both");
    if (!opts.has("--keyring") && !has_secret_source(opts))
        throw usage_error("give --secret-file F, HOOKSIG_SECRET in the environment, --secret S, or --keyring FILE");
    if (!opts.has("--header") && !opts.has("--headers-file")) throw usage_error("give --header or --headers-file");
    return with_scheme(opts, [&](const auto& scheme) {
        using scheme_type = std::decay_t<decltype(scheme)>;
        verify_options policy;
        if (opts.has("--tolerance"))
            policy.tolerance = std::chrono::seconds(parse_seconds("--tolerance", opts.one("--tolerance")));
        if (opts.has("--keyring")) {
            // Keys judged at --now (default: the wall clock's now); the matching key's id goes to stderr.
            keyring<fixed_clock> ring(fixed_clock{now_from_options(opts)});
            load_keyring_file(opts.one("--keyring"), ring);
            check_keyring_kinds(scheme, ring);
            const keyring_verifier<scheme_type, fixed_clock> check(ring, policy, scheme);
            const auto headers = read_headers(opts);
            std::vector<secret> ring_keys;
            for (const key_entry& e : ring.entries()) ring_keys.push_back(e.key);
            const keyring_verify_result result =
                has_ed25519(ring_keys) ? check.verify(headers, read_body(opts)) : verify_streaming(opts, check.begin(headers));
            if (!result) {
                std::fprintf(stderr, "invalid: %s\n", result.error.message().c_str());
                return exit_invalid;
            }
            std::printf("valid\n");
            std::fprintf(stderr, "key %.*s\n", static_cast<int>(result.key_id().size()), result.key_id().data());
            return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
        }
        const std::vector<secret> keys = secrets_from_options(scheme, opts);
        const verifier<scheme_type> check(keys, policy, scheme);
        const auto headers = read_headers(opts);
        const unix_seconds now = opts.has("--now") ? parse_seconds("--now", opts.one("--now")) : wall_clock{}.now();
        const verify_result result = has_ed25519(keys) ? check.verify(headers, read_body(opts), now)
                                                       : verify_streaming(opts, check.begin(headers, now));
        if (!result) {
            std::fprintf(stderr, "invalid: %s\n", result.error.message().c_str());
            return exit_invalid;
        }
        std::printf("valid\n");
        return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
    });
}

const register_command registered{
    {"verify",
     "verify (--secret-file F | HOOKSIG_SECRET=S | --secret S [--secret S2 ...] | --keyring FILE) --header 'Name: value' [--header ...] [--headers-file F] "
     "[--tolerance SECONDS] [--now UNIX_SECONDS] [--body-file F] [--scheme NAME] [--header-name NAME] [--url URL]   "
     "(whsec_ checks v1 entries, whpk_/whsk_ check v1a; --scheme discord takes the 64-hex public key or a whpk_; "
     "with an Ed25519 key the body is read whole, else it streams)",
     run_verify}};

} // namespace
} // namespace hooksig::cli
