// hooksig command-line tool: shared plumbing for the subcommands.
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <hooksig/hooksig.hpp>
#include <hooksig/keyring/keyring_file.hpp>
#include <hooksig/schemes/registry.hpp>

namespace hooksig::cli {

/// Exit codes, a contract for scripts.
enum exit_code : int {
    exit_valid = 0,   ///< success; for verify: the delivery is valid
    exit_invalid = 1, ///< verify: the delivery is invalid (reason on stderr)
    exit_usage = 2,   ///< bad arguments, unreadable files, unusable secrets, nothing written
    exit_not_durable = 3, ///< keyring new/rotate/add: the file WAS replaced (and the secret printed), but
                          ///< syncing its directory failed, so a crash could still bring the old file back
};

/// Thrown for anything that should exit 2 with a message; never holds secrets.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Thrown by the option parser for `--help` / `-h`: print the usage (the
/// text given, else the command's) on stdout and exit 0.
struct help_request : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// True when `text` may be a secret: it holds `whsec_`, `whsk_` or `whpk_`
/// (any case), is a keyring file line, or holds a run of 16 or more base64 /
/// hex characters mixing letters with digits or both cases.
bool looks_like_secret(std::string_view text);

/// How a message shows an argument a person typed: `'text'`, or, when it
/// looks like a secret (looks_like_secret), a note that it is not shown.
/// Every message that echoes an argument goes through this.
std::string printable_argument(std::string_view text);

/// Parsed `--name value` options. Flags listed as repeatable may appear several
/// times; unknown flags and missing values are usage errors.
class options {
public:
    /// Parses `args` given the flags that take a value and those that do not.
    options(const std::vector<std::string>& args, const std::vector<std::string>& valued,
            const std::vector<std::string>& switches = {}, std::size_t max_positional = 0);

    /// The value(s) of a flag, in order given.
    const std::vector<std::string>& all(const std::string& flag) const;
    /// True when the flag was given.
    bool has(const std::string& flag) const { return values_.count(flag) != 0; }
    /// The single value of a flag; usage error when given twice.
    std::string one(const std::string& flag, const std::string& fallback = "") const;
    /// Positional arguments.
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positional_;
};

/// Reads a whole file (binary). Usage error naming `what` (e.g. "--body-file")
/// and the path (printable_argument) when it cannot be read.
std::string read_file(const std::string& path, const std::string& what = "file");
/// Reads standard input to its end (binary).
std::string read_stdin();
/// The body: --body-file F, or standard input.
std::string read_body(const options& opts);
/// Streams the body (--body-file F, `-` or no flag: standard input) to `piece`
/// in 64 KiB reads, for verification that never holds the whole body.
void stream_body(const options& opts, const std::function<void(std::string_view)>& piece);
/// Parses canonical decimal Unix seconds (for --timestamp, --now); usage error otherwise.
unix_seconds parse_seconds(const std::string& flag, const std::string& text);
/// Parses `Name: value` (value without surrounding spaces, tabs or CR).
std::pair<std::string, std::string> parse_header_line(const std::string& line);
/// Collects --header values and --headers-file lines.
std::vector<std::pair<std::string, std::string>> read_headers(const options& opts);
/// The time for --now (Unix seconds), or the wall clock's when it is absent.
unix_seconds now_from_options(const options& opts);
/// Loads a keyring file into `ring`, dropping keys expired at the ring's clock;
/// usage error naming the file, the line and the reason, never a secret.
/// (Both defined in command_keyring.cpp.)
void load_keyring_file(const std::string& path, keyring<fixed_clock>& ring);
/// A keyring file error for a person: `--keyring 'PATH': REASON`, with paths
/// shown through printable_argument.
std::string describe_keyring_error(const std::string& flag, const std::string& path, const keyring_file_result& r);

/// One secret's text and where it came from ("--secret #2",
/// "--secret-file line 3", "HOOKSIG_SECRET"): what messages name instead of the text.
struct secret_text {
    std::string where; ///< the position, for messages
    std::string text;  ///< the secret itself: never printed
};

/// The secrets given by --secret (repeatable), --secret-file F (one secret a
/// line, blank lines ignored, `-` = standard input; a regular file readable or
/// writable by others is refused) or, when neither is given, the environment
/// variable HOOKSIG_SECRET (one secret; unset or empty: none). When
/// `body_on_stdin` and no --body-file / --event is given, `--secret-file -`
/// is a usage error (standard input carries the body).
std::vector<secret_text> secret_texts(const options& opts, bool body_on_stdin = true);
/// True when --secret or --secret-file is given, or HOOKSIG_SECRET is set and not empty.
bool has_secret_source(const options& opts);

/// A subcommand: `hooksig NAME ...`.
struct command {
    std::string name;                                         ///< the word after `hooksig`
    std::string usage;                                        ///< one-line synopsis
    std::function<int(const std::vector<std::string>&)> run;  ///< gets the arguments after NAME
};

/// All subcommands, registered by their translation units.
std::vector<command>& commands();

/// Registers a subcommand at static-initialisation time.
struct register_command {
    explicit register_command(command c) { commands().push_back(std::move(c)); }
};

/// Calls `f(scheme)` with the scheme named by --scheme (default "standard"),
/// chosen from the registry (hooksig/schemes/registry.hpp) with --header-name
/// and --url as its configuration. Usage error for an unknown name, a bad
/// value, or an option the scheme does not take.
template <class F>
int with_scheme(const options& opts, F&& f) {
    const std::string name = opts.one("--scheme", "standard");
    scheme_config config;
    if (opts.has("--header-name")) config.header_name = opts.one("--header-name");
    if (opts.has("--url")) config.url = opts.one("--url");
    int result = exit_usage;
    const scheme_choice_error chosen = hooksig::with_scheme(name, config, [&](const auto& scheme) { result = f(scheme); });
    if (!chosen) {
        if (chosen.reason == "unknown scheme")
            throw usage_error("unknown scheme " + printable_argument(name) + " (known: " + scheme_names() + ")");
        throw usage_error(std::string(chosen.reason));
    }
    return result;
}

/// The name a person reads for a key's kind: the keyring file's kind field
/// (`whsec`, `text`, `whsk`, `whpk`).
inline std::string kind_name(secret::kind k) { return std::string(keyring_file_kind(k)); }

/// Usage error when a key of `ring` is not of the kind `scheme` keys its MAC
/// with (a Stripe `whsec_...` text secret stored as a whsec key would never
/// verify, and the reverse), or is an Ed25519 key the scheme cannot carry (or
/// a MAC key given to an Ed25519-only scheme such as discord); names the key
/// id, never the secret.
template <class Scheme>
void check_keyring_kinds(const Scheme& scheme, const keyring<fixed_clock>& ring) {
    for (const key_entry& e : ring.entries()) {
        secret as_scheme;
        const exposed_secret text = e.key.expose();
        if (!scheme.make_secret(text.view(), as_scheme) && as_scheme.key_kind() == e.key.key_kind()) continue;
        const secret::kind k = e.key.key_kind();
        if (k == secret::kind::whsec || k == secret::kind::text) {
            if (!detail::scheme_supports(scheme, algorithm_id::hmac_sha256))
                throw usage_error("keyring key " + e.key.key_id() + " is a " + kind_name(k) + " secret; --scheme " +
                                  std::string(scheme.name()) + " takes Ed25519 keys (whsk/whpk) only");
            const bool whsec = k == secret::kind::whsec;
            throw usage_error("keyring key " + e.key.key_id() + " is a " + (whsec ? "whsec" : "text") + " secret; --scheme " +
                              std::string(scheme.name()) + " takes " + (whsec ? "text" : "whsec") + " secrets");
        }
        throw usage_error("keyring key " + e.key.key_id() + " is an Ed25519 " + kind_name(k) + " key; --scheme " +
                          std::string(scheme.name()) + " cannot use Ed25519 keys");
    }
}

/// Usage error when `ring` holds keys but none that can sign (a receiver's
/// keyring of `whpk_` public keys given to a signing command).
inline void check_keyring_signs(const keyring<fixed_clock>& ring) {
    const std::vector<key_entry> entries = ring.entries();
    for (const key_entry& e : entries)
        if (e.key.can_sign()) return;
    if (!entries.empty())
        throw usage_error("the keyring holds public keys only (whpk): sign with the sender's keyring of whsk keys");
}

/// Makes the scheme's secrets from secret_texts(); usage error naming the
/// position (never the text) of an unusable one. With `for_signing`, a key
/// that cannot sign (a `whpk_` public key) or whose algorithm the scheme
/// cannot carry is a usage error too.
template <class Scheme>
std::vector<secret> secrets_from_options(const Scheme& scheme, const options& opts, bool for_signing = false) {
    std::vector<secret> out;
    for (const secret_text& given : secret_texts(opts, true)) {
        secret s;
        if (const std::error_code failed = scheme.make_secret(given.text, s))
            throw usage_error(given.where + ": " + failed.message());
        if (for_signing && !s.can_sign())
            throw usage_error(given.where + ": " + make_error_code(errc::key_cannot_sign).message() +
                              " (sign with the whsk_ secret key; whpk_ is for receivers)");
        if (!detail::scheme_supports(scheme, s.algorithm()))
            throw usage_error(given.where + ": " + make_error_code(errc::unsupported_key).message() + " (--scheme " +
                              std::string(scheme.name()) + ")");
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace hooksig::cli
