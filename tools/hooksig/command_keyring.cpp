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

const char* const new_usage = "keyring new FILE [--bytes N] [--now UNIX_SECONDS]";
const char* const rotate_usage = "keyring rotate FILE --grace DURATION [--bytes N] [--now UNIX_SECONDS]";
const char* const add_usage =
    "keyring add FILE (--secret-file F | HOOKSIG_SECRET in the environment | --secret S) "
    "[--kind whsec|text | --scheme NAME] [--grace DURATION | --not-before T] [--not-after T] [--now UNIX_SECONDS]";
const char* const show_usage = "keyring show FILE [--now UNIX_SECONDS]";
const char* const keyring_usage =
    "keyring new FILE [--bytes N] | keyring rotate FILE --grace DURATION [--bytes N] | "
    "keyring add FILE (--secret-file F | HOOKSIG_SECRET=S | --secret S) [--kind whsec|text | --scheme NAME] "
    "[--grace DURATION | --not-before T] [--not-after T] | "
    "keyring show FILE   (each takes --now UNIX_SECONDS; DURATION: 0, 90s, 15m, 24h, 7d; "
    "writers lock FILE's .NAME.lock; exit 3: written but not confirmed durable)";

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

int run_new(const std::vector<std::string>& args) {
    const options opts(args, {"--bytes", "--now"}, {}, 1);
    const std::string path = path_argument(opts);
    const std::size_t bytes = bytes_from_options(opts);
    struct stat existing {};
    if (::lstat(path.c_str(), &existing) == 0)
        throw usage_error("keyring " + printable_argument(path) + " exists; refusing to overwrite it");
    keyring<fixed_clock> ring(fixed_clock{now_from_options(opts)});
    const secret made = secret::generate(bytes);
    check_change(ring.rotate(made, std::chrono::seconds(0)));
    // create_new: fails with EEXIST if the file appeared meanwhile (another `new` won).
    const keyring_file_result saved = save_keyring(path, ring, keyring_write::create_new);
    if (!saved.in_place()) throw usage_error(describe_keyring_error("keyring", path, saved) + "; nothing written");
    show_secret_once(made); // only once the file holds it
    return finish_write(path, saved);
}

int run_rotate(const std::vector<std::string>& args) {
    const options opts(args, {"--grace", "--bytes", "--now"}, {}, 1);
    const std::string path = path_argument(opts);
    if (!opts.has("--grace")) throw usage_error("give --grace DURATION (0 ends the old keys at once)");
    const std::chrono::seconds grace = parse_duration("--grace", opts.one("--grace"));
    const std::size_t bytes = bytes_from_options(opts);
    const secret made = secret::generate(bytes);
    const keyring_file_result saved = change_keyring(path, now_from_options(opts), [&](keyring<fixed_clock>& ring) {
        return ring.rotate(made, grace);
    });
    show_secret_once(made); // the file holds it now: print it, never before
    return finish_write(path, saved);
}

/// The one secret `keyring add` stores: --secret, one --secret-file line, or HOOKSIG_SECRET.
secret_text one_secret(const options& opts) {
    if (!has_secret_source(opts)) throw usage_error("give the secret: --secret-file F, HOOKSIG_SECRET, or --secret S");
    if (opts.has("--secret") && opts.has("--secret-file")) throw usage_error("give --secret or --secret-file, not both");
    std::vector<secret_text> given = secret_texts(opts, false); // no body: standard input is free for the secret
    if (given.size() != 1) throw usage_error("keyring add stores one secret; " + std::to_string(given.size()) + " given");
    return std::move(given.front());
}

int run_add(const std::vector<std::string>& args) {
    const options opts(args, {"--secret", "--secret-file", "--kind", "--scheme", "--header-name", "--grace",
                              "--not-before", "--not-after", "--now"},
                       {}, 1);
    const std::string path = path_argument(opts);
    if (opts.has("--kind") && opts.has("--scheme")) throw usage_error("give --kind or --scheme, not both");
    if (opts.has("--grace") && (opts.has("--not-before") || opts.has("--not-after")))
        throw usage_error("--grace makes the secret primary now; it takes no --not-before or --not-after");
    const std::string kind = opts.one("--kind", "whsec");
    if (!opts.has("--scheme") && kind != "whsec" && kind != "text") throw usage_error("--kind needs whsec or text");
    const secret_text given = one_secret(opts);
    secret added;
    std::error_code parsed;
    if (opts.has("--scheme")) // the kind that scheme keys its MAC with
        with_scheme(opts, [&](const auto& scheme) {
            parsed = scheme.make_secret(given.text, added);
            return 0;
        });
    else if (kind == "whsec")
        parsed = secret::parse(given.text, added);
    else
        parsed = secret::from_text(given.text, added);
    if (parsed) throw usage_error(given.where + ": " + parsed.message());

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
                    state_name[static_cast<int>(state)], e.key.key_kind() == secret::kind::whsec ? "whsec" : "text",
                    describe_time(e.window.not_before).c_str(),
                    e.window.not_after ? describe_time(*e.window.not_after).c_str() : "never", e.key.redacted().c_str(),
                    primary ? "  primary" : "");
    }
    return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
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
    if (args.empty()) throw usage_error("give a subcommand: new, rotate, add or show");
    if (args[0] == "--help" || args[0] == "-h") throw help_request(keyring_usage);
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "new") return run_sub(run_new, new_usage, rest);
    if (args[0] == "rotate") return run_sub(run_rotate, rotate_usage, rest);
    if (args[0] == "add") return run_sub(run_add, add_usage, rest);
    if (args[0] == "show") return run_sub(run_show, show_usage, rest);
    throw usage_error("unknown keyring subcommand " + printable_argument(args[0]) + " (known: new, rotate, add, show)");
}

const register_command registered{{"keyring", keyring_usage, run_keyring}};

} // namespace
} // namespace hooksig::cli
