// `hooksig keyring new|rotate|add|show FILE ...`: keyring files for secret
// rotation with grace periods (see include/hooksig/keyring/keyring_file.hpp).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "cli.hpp"

namespace hooksig::cli {

unix_seconds now_from_options(const options& opts) {
    return opts.has("--now") ? parse_seconds("--now", opts.one("--now")) : wall_clock{}.now();
}

std::string describe_keyring_error(const std::string& flag, const std::string& path, const keyring_file_result& r) {
    std::string text = flag + " " + printable_argument(path) + ": ";
    if (!r.path.empty() && looks_like_secret(r.path)) { // message() would show the path
        keyring_file_result hidden = r;
        hidden.path = "(a path not shown)";
        return text + hidden.message();
    }
    return text + r.message();
}

void load_keyring_file(const std::string& path, keyring<fixed_clock>& ring) {
    const keyring_file_result loaded = load_keyring(path, ring);
    if (!loaded) throw usage_error(describe_keyring_error("--keyring", path, loaded));
}

namespace {

const char* const new_usage =
    "keyring new FILE [--kind whsec|ed25519] [--bytes N] [--now UNIX_SECONDS]   (prints the new whsec_ or whsk_ once)";
const char* const rotate_usage =
    "keyring rotate FILE --grace DURATION [--kind whsec|ed25519] [--bytes N] [--now UNIX_SECONDS]   "
    "(without --kind: ed25519 when the newest key is a whsk, else whsec)";
const char* const add_usage =
    "keyring add FILE (--secret-file F | HOOKSIG_SECRET in the environment | --secret S) "
    "[--kind whsec|text|whsk|whpk|ed25519 | --scheme NAME] [--grace DURATION | --not-before T] [--not-after T] "
    "[--now UNIX_SECONDS]   (without --kind: any whsec_, whsk_ or whpk_ key)";
const char* const show_usage = "keyring show FILE [--now UNIX_SECONDS]";
const char* const public_usage =
    "keyring public FILE OUT   (writes OUT, a receiver's keyring: the whpk_ public keys of FILE's Ed25519 keys, same "
    "ids and windows, mode 0600; MAC secrets are left out; an existing OUT is replaced only if it holds public keys only)";
const char* const keyring_usage =
    "keyring new FILE [--kind whsec|ed25519] [--bytes N] | keyring rotate FILE --grace DURATION [--kind whsec|ed25519] "
    "[--bytes N] | keyring add FILE (--secret-file F | HOOKSIG_SECRET=S | --secret S) "
    "[--kind whsec|text|whsk|whpk|ed25519 | --scheme NAME] [--grace DURATION | --not-before T] [--not-after T] | "
    "keyring show FILE | keyring public FILE OUT   (new, rotate, add and show take --now UNIX_SECONDS; DURATION: 0, "
    "90s, 15m, 24h, 7d; writers lock FILE's .NAME.lock; exit 3: written but not confirmed durable)";

/// `0`, or digits followed by s, m, h or d; at most keyring_max_grace.
std::chrono::seconds parse_duration(const std::string& flag, const std::string& text) {
    const std::string wrong = flag + " needs 0 or a whole number with a unit s, m, h or d (90s, 15m, 24h, 7d)";
    if (text == "0") return std::chrono::seconds(0);
    if (text.size() < 2) throw usage_error(wrong);
    unix_seconds unit = 0;
    switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: throw usage_error(wrong);
    }
    unix_seconds count = 0;
    if (parse_timestamp(text.substr(0, text.size() - 1), count)) throw usage_error(wrong);
    if (count > keyring_max_grace.count() / unit)
        throw usage_error(flag + " may be at most 7d (an old secret must not live forever)");
    return std::chrono::seconds(count * unit);
}

/// The kind of key `new` and `rotate` generate (--kind).
enum class new_kind { whsec, ed25519 };

/// --kind for `new` and `rotate`: `whsec` or `ed25519`; `fallback` when absent.
/// --bytes sizes whsec secrets only (an Ed25519 seed is always 32 bytes).
new_kind new_kind_from_options(const options& opts, new_kind fallback) {
    new_kind kind = fallback;
    if (opts.has("--kind")) {
        const std::string text = opts.one("--kind");
        if (text == "whsec") kind = new_kind::whsec;
        else if (text == "ed25519") kind = new_kind::ed25519;
        else throw usage_error("--kind needs whsec or ed25519");
    }
    if (kind == new_kind::ed25519 && opts.has("--bytes"))
        throw usage_error("--bytes sizes whsec secrets; an Ed25519 key is always 32 bytes");
    return kind;
}

/// A new key of `kind` (`bytes` for whsec) from the system CSPRNG.
/// @return the generator's error (errc::rng_failure, not_enough_memory).
std::error_code generate_key(new_kind kind, std::size_t bytes, secret& out) noexcept {
    return kind == new_kind::ed25519 ? secret::generate_ed25519(out) : secret::generate(out, bytes);
}

/// --bytes N for a generated secret: 24..64, default 32.
std::size_t bytes_from_options(const options& opts) {
    if (!opts.has("--bytes")) return secret_default_bytes;
    const std::string text = opts.one("--bytes");
    unix_seconds value = 0;
    if (parse_timestamp(text, value) || value < static_cast<unix_seconds>(secret_min_bytes) ||
        value > static_cast<unix_seconds>(secret_max_bytes))
        throw usage_error("--bytes needs a number from 24 to 64");
    return static_cast<std::size_t>(value);
}

/// The one FILE argument.
std::string path_argument(const options& opts) {
    if (opts.positional().size() != 1) throw usage_error("give the keyring FILE");
    return opts.positional().front();
}

/// `2024-11-25T16:00:00Z (1732550400)`; just the number when out of range.
std::string describe_time(unix_seconds t) {
    const std::time_t when = static_cast<std::time_t>(t);
    std::tm parts{};
    char text[64];
    if (::gmtime_r(&when, &parts) == nullptr || std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts) == 0)
        return std::to_string(t);
    return std::string(text) + " (" + std::to_string(t) + ")";
}

/// Set by a change that would write a time the reader cannot take back.
constexpr int beyond_file_times = -1;

/// Turns a keyring change's error into a usage error a person can act on.
void check_change(std::error_code failed, unix_seconds latest = 0) {
    if (!failed) return;
    if (failed == errc::duplicate_key) throw usage_error("that secret is in the keyring already");
    if (failed == errc::keyring_full)
        throw usage_error("keyring full (" + std::to_string(keyring_max_keys) +
                          " live keys): rotate with grace 0 or wait for old keys to expire");
    if (failed == std::error_code(beyond_file_times, std::generic_category()))
        throw usage_error("a key's window would end at " + std::to_string(latest) +
                          ", past the latest time a keyring file holds (" + std::to_string(keyring_file_max_time) +
                          "); nothing written");
    if (failed == errc::invalid_argument) throw usage_error("the key's window is empty or already over");
    throw error(failed);
}

/// Applies `change` to the keyring file at `path` under its writers' lock,
/// with a ring judged at `now` (keys expired at now are dropped). Returns the
/// write's result; a usage error (nothing written) when the change fails.
template <class Change>
keyring_file_result change_keyring(const std::string& path, unix_seconds now, Change&& change) {
    std::error_code refused;
    unix_seconds latest = 0;
    const keyring_file_result result = update_keyring_file(path, [&](std::vector<key_entry>& entries) noexcept {
        try {
            keyring<fixed_clock> ring(fixed_clock{now});
            if ((refused = ring.assign(entries))) return refused;
            if ((refused = change(ring))) return refused;
            std::vector<key_entry> changed = ring.entries();
            for (const key_entry& e : changed)
                if (!fits_keyring_file(e.window)) {
                    latest = e.window.not_after.value_or(e.window.not_before);
                    return refused = std::error_code(beyond_file_times, std::generic_category());
                }
            entries = std::move(changed);
            return std::error_code();
        } catch (const std::bad_alloc&) {
            return refused = std::make_error_code(std::errc::not_enough_memory);
        }
    });
    if (refused) check_change(refused, latest);
    if (!result.in_place()) throw usage_error(describe_keyring_error("keyring", path, result) + "; nothing written");
    return result;
}

/// After a write that is in place: exit 0, or (directory sync failed) warn and exit 3.
int finish_write(const std::string& path, const keyring_file_result& written) {
    if (std::fflush(stdout) != 0) {
        std::fprintf(stderr, "hooksig keyring: the file was written but standard output failed\n");
        return exit_usage;
    }
    if (written) return exit_valid;
    std::fprintf(stderr,
                 "hooksig keyring: warning: %s: the new file is in place (the output above is what it holds) but "
                 "syncing its directory failed (%s): a crash now could bring the old file back. Check it before "
                 "relying on the change.\n",
                 printable_argument(path).c_str(), written.os_error.message().c_str());
    return exit_not_durable;
}

/// Prints a new secret on stdout (its only showing) and its key id on stderr.
void show_secret_once(const secret& made) {
    {
        const exposed_secret text = made.expose();
        std::fwrite(text.view().data(), 1, text.view().size(), stdout);
        std::fputc('\n', stdout);
    }
    std::fprintf(stderr, "key %s\n", made.key_id().c_str());
}

/// `keyring new FILE`: a new file holding one new key, printed once.
int run_new(const std::vector<std::string>& args) {
    const options opts(args, {"--bytes", "--now", "--kind"}, {}, 1);
    const std::string path = path_argument(opts);
    const new_kind kind = new_kind_from_options(opts, new_kind::whsec);
    const std::size_t bytes = bytes_from_options(opts);
    struct stat existing {};
    if (::lstat(path.c_str(), &existing) == 0)
        throw usage_error("keyring " + printable_argument(path) + " exists; refusing to overwrite it");
    keyring<fixed_clock> ring(fixed_clock{now_from_options(opts)});
    secret made;
    if (const std::error_code failed = generate_key(kind, bytes, made)) throw error(failed);
    check_change(ring.rotate(made, std::chrono::seconds(0)));
    // create_new: fails with EEXIST if the file appeared meanwhile (another `new` won).
    const keyring_file_result saved = save_keyring(path, ring, keyring_write::create_new);
    if (!saved.in_place()) throw usage_error(describe_keyring_error("keyring", path, saved) + "; nothing written");
    show_secret_once(made); // only once the file holds it
    return finish_write(path, saved);
}

/// `keyring rotate FILE`: a new primary key, the old ones ending after the grace.
/// Without --kind the new key is Ed25519 when the ring's newest key is a
/// `whsk_` (a sender that moved to v1a stays there), else whsec as always.
int run_rotate(const std::vector<std::string>& args) {
    const options opts(args, {"--grace", "--bytes", "--now", "--kind"}, {}, 1);
    const std::string path = path_argument(opts);
    if (!opts.has("--grace")) throw usage_error("give --grace DURATION (0 ends the old keys at once)");
    const std::chrono::seconds grace = parse_duration("--grace", opts.one("--grace"));
    const std::optional<new_kind> asked =
        opts.has("--kind") ? std::optional<new_kind>(new_kind_from_options(opts, new_kind::whsec)) : std::nullopt;
    const std::size_t bytes = bytes_from_options(opts);
    secret made;
    bool bytes_for_ed25519 = false;
    std::optional<keyring_file_result> saved;
    try {
        saved = change_keyring(path, now_from_options(opts), [&](keyring<fixed_clock>& ring) {
            const std::vector<key_entry> entries = ring.entries();
            const bool newest_ed25519 = !entries.empty() && entries.front().key.key_kind() == secret::kind::ed25519_secret;
            const new_kind kind = asked ? *asked : newest_ed25519 ? new_kind::ed25519 : new_kind::whsec;
            bytes_for_ed25519 = kind == new_kind::ed25519 && opts.has("--bytes");
            if (bytes_for_ed25519) return make_error_code(errc::key_cannot_sign); // any error: nothing is written
            if (const std::error_code failed = generate_key(kind, bytes, made)) return failed;
            return ring.rotate(made, grace);
        });
    } catch (const error&) {
        if (bytes_for_ed25519)
            throw usage_error("the newest key is a whsk, so rotate makes an Ed25519 key, which --bytes cannot size "
                              "(give --kind whsec for a whsec secret); nothing written");
        throw;
    }
    show_secret_once(made); // the file holds it now: print it, never before
    return finish_write(path, *saved);
}

/// The one secret `keyring add` stores: --secret, one --secret-file line, or HOOKSIG_SECRET.
secret_text one_secret(const options& opts) {
    if (!has_secret_source(opts)) throw usage_error("give the secret: --secret-file F, HOOKSIG_SECRET, or --secret S");
    if (opts.has("--secret") && opts.has("--secret-file")) throw usage_error("give --secret or --secret-file, not both");
    std::vector<secret_text> given = secret_texts(opts, false); // no body: standard input is free for the secret
    if (given.size() != 1) throw usage_error("keyring add stores one secret; " + std::to_string(given.size()) + " given");
    return std::move(given.front());
}

/// `keyring add FILE`: stores a given key (any kind) with a window or a grace rotation.
int run_add(const std::vector<std::string>& args) {
    const options opts(args, {"--secret", "--secret-file", "--kind", "--scheme", "--header-name", "--grace",
                              "--not-before", "--not-after", "--now"},
                       {}, 1);
    const std::string path = path_argument(opts);
    if (opts.has("--kind") && opts.has("--scheme")) throw usage_error("give --kind or --scheme, not both");
    if (opts.has("--grace") && (opts.has("--not-before") || opts.has("--not-after")))
        throw usage_error("--grace makes the secret primary now; it takes no --not-before or --not-after");
    const std::string kind = opts.one("--kind", "");
    if (opts.has("--kind") && kind != "whsec" && kind != "text" && kind != "whsk" && kind != "whpk" && kind != "ed25519")
        throw usage_error("--kind needs whsec, text, whsk, whpk or ed25519");
    const secret_text given = one_secret(opts);
    secret added;
    std::error_code parsed;
    if (opts.has("--scheme")) // the kind that scheme keys its MAC with
        with_scheme(opts, [&](const auto& scheme) {
            parsed = scheme.make_secret(given.text, added);
            return 0;
        });
    else if (kind == "text")
        parsed = secret::from_text(given.text, added);
    else // whsec_, whsk_ or whpk_ by its prefix; a --kind given must match it
        parsed = secret::parse(given.text, added);
    if (parsed) throw usage_error(given.where + ": " + parsed.message());
    const bool ed25519 = added.algorithm() == algorithm_id::ed25519;
    if ((kind == "ed25519" && !ed25519) || (kind != "ed25519" && kind != "text" && !kind.empty() &&
                                            kind != keyring_file_kind(added.key_kind())))
        throw usage_error(given.where + ": is a " + kind_name(added.key_kind()) + " key, not --kind " + kind);

    const unix_seconds now = now_from_options(opts);
    std::optional<std::chrono::seconds> grace;
    if (opts.has("--grace")) grace = parse_duration("--grace", opts.one("--grace"));
    key_window window{now, std::nullopt};
    if (opts.has("--not-before")) window.not_before = parse_seconds("--not-before", opts.one("--not-before"));
    if (opts.has("--not-after")) window.not_after = parse_seconds("--not-after", opts.one("--not-after"));
    const keyring_file_result saved = change_keyring(path, now, [&](keyring<fixed_clock>& ring) {
        return grace ? ring.rotate(added, *grace) : ring.add(added, window);
    });
    std::printf("added key %s\n", added.key_id().c_str());
    return finish_write(path, saved);
}

/// `keyring show FILE`: one line a key, secrets redacted.
int run_show(const std::vector<std::string>& args) {
    const options opts(args, {"--now"}, {}, 1);
    const std::string path = path_argument(opts);
    const unix_seconds now = now_from_options(opts);
    std::vector<key_entry> entries;
    const keyring_file_result read = read_keyring_file(path, entries);
    if (!read) throw usage_error(describe_keyring_error("keyring", path, read));
    static const char* const state_name[] = {"pending", "active", "expired"};
    std::printf("%-12s  %-7s  %-5s  %-33s  %-33s  %s\n", "KEY", "STATE", "KIND", "NOT BEFORE", "NOT AFTER", "SECRET");
    bool primary_seen = false;
    for (const key_entry& e : entries) {
        const key_state state = state_at(e.window, now);
        const bool primary = state == key_state::active && !primary_seen;
        primary_seen = primary_seen || primary;
        std::printf("%-12s  %-7s  %-5s  %-33s  %-33s  %s%s\n", e.key.key_id().c_str(),
                    state_name[static_cast<int>(state)], kind_name(e.key.key_kind()).c_str(),
                    describe_time(e.window.not_before).c_str(),
                    e.window.not_after ? describe_time(*e.window.not_after).c_str() : "never", e.key.redacted().c_str(),
                    primary ? "  primary" : "");
    }
    return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
}

/// True when `a` and `b` name the same existing file (after symbolic links).
bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/// `keyring public FILE OUT`: writes a receiver's keyring holding the `whpk_`
/// public keys of FILE's Ed25519 keys (same ids, same windows, same order)
/// with the library's atomic, locked writers (mode 0600 for a new file). MAC
/// secrets are left out (named on stderr): a public keyring must be safe to
/// hand to anyone who verifies. OUT may not be FILE, and an existing OUT is
/// replaced only when, read under the writers' lock, it is a keyring holding
/// public keys only, so a signing key cannot be lost to swapped arguments.
int run_public(const std::vector<std::string>& args) {
    const options opts(args, {}, {}, 2);
    if (opts.positional().size() != 2) throw usage_error("give the keyring FILE and the OUT file to write");
    const std::string& path = opts.positional()[0];
    const std::string& out_path = opts.positional()[1];
    std::vector<key_entry> entries;
    const keyring_file_result read = read_keyring_file(path, entries);
    if (!read) throw usage_error(describe_keyring_error("keyring", path, read));
    if (same_file(path, out_path)) throw usage_error("OUT is the keyring FILE itself; nothing written");
    std::vector<key_entry> public_entries;
    std::vector<std::string> left_out, repeated;
    for (const key_entry& e : entries) {
        if (e.key.algorithm() != algorithm_id::ed25519) {
            left_out.push_back(e.key.key_id());
            continue;
        }
        key_entry copy{e.key.public_key(), e.window};
        bool seen = false;
        for (const key_entry& p : public_entries) seen = seen || p.key == copy.key;
        if (seen) { // a whsk and its whpk both in FILE: the newer line's window wins
            repeated.push_back(e.key.key_id());
            continue;
        }
        public_entries.push_back(std::move(copy));
    }
    if (public_entries.empty())
        throw usage_error("keyring " + printable_argument(path) + " holds no Ed25519 key; nothing written");

    keyring_file_result saved;
    struct stat existing {};
    if (::lstat(out_path.c_str(), &existing) != 0) {
        // create_new: fails with EEXIST if OUT appeared meanwhile; nothing is replaced unread.
        saved = write_keyring_file(out_path, public_entries, keyring_write::create_new);
    } else {
        std::optional<key_entry> refused; // the first key that is not public, when OUT holds one
        saved = update_keyring_file(out_path, [&](std::vector<key_entry>& old) noexcept {
            try {
                for (const key_entry& e : old)
                    if (e.key.key_kind() != secret::kind::ed25519_public) {
                        refused = e;
                        return make_error_code(errc::invalid_argument);
                    }
                old = public_entries;
                return std::error_code();
            } catch (const std::bad_alloc&) {
                return std::make_error_code(std::errc::not_enough_memory);
            }
        });
        if (refused)
            throw usage_error("OUT " + printable_argument(out_path) + " holds a " + kind_name(refused->key.key_kind()) +
                              " key (" + refused->key.key_id() + "); refusing to replace it; nothing written");
        if (!saved.in_place())
            throw usage_error(describe_keyring_error("OUT", out_path, saved) +
                              "; an existing OUT must be a keyring of public keys; nothing written");
    }
    if (!saved.in_place()) throw usage_error(describe_keyring_error("OUT", out_path, saved) + "; nothing written");
    for (const key_entry& e : public_entries) std::printf("public key %s\n", e.key.key_id().c_str());
    for (const std::string& id : left_out)
        std::fprintf(stderr, "left out key %s: a MAC secret, not a public key (add it to the receiver with keyring add "
                             "if it must still verify v1)\n", id.c_str());
    for (const std::string& id : repeated)
        std::fprintf(stderr, "left out a second line for key %s (the newer line's window is kept)\n", id.c_str());
    return finish_write(out_path, saved);
}

/// Runs `sub`; `--help` prints its own usage.
int run_sub(int (*sub)(const std::vector<std::string>&), const char* usage, const std::vector<std::string>& args) {
    try {
        return sub(args);
    } catch (const help_request&) {
        throw help_request(usage);
    }
}

int run_keyring(const std::vector<std::string>& args) {
    if (args.empty()) throw usage_error("give a subcommand: new, rotate, add, show or public");
    if (args[0] == "--help" || args[0] == "-h") throw help_request(keyring_usage);
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "new") return run_sub(run_new, new_usage, rest);
    if (args[0] == "rotate") return run_sub(run_rotate, rotate_usage, rest);
    if (args[0] == "add") return run_sub(run_add, add_usage, rest);
    if (args[0] == "show") return run_sub(run_show, show_usage, rest);
    if (args[0] == "public") return run_sub(run_public, public_usage, rest);
    throw usage_error("unknown keyring subcommand " + printable_argument(args[0]) +
                      " (known: new, rotate, add, show, public)");
}

const register_command registered{{"keyring", keyring_usage, run_keyring}};

} // namespace
} // namespace hooksig::cli
