// `hooksig keyring new|rotate|add|show FILE ...`: keyring files for secret
// rotation with grace periods (see include/hooksig/keyring/keyring_file.hpp).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "cli.hpp"

namespace hooksig::cli {

unix_seconds now_from_options(const options& opts) {
    return opts.has("--now") ? parse_seconds("--now", opts.one("--now")) : wall_clock{}.now();
}

void load_keyring_file(const std::string& path, keyring<fixed_clock>& ring) {
    const keyring_file_result loaded = load_keyring(path, ring);
    if (!loaded) throw usage_error("keyring '" + path + "': " + loaded.message());
}

namespace {

const char* const keyring_usage =
    "keyring new FILE [--bytes N] | keyring rotate FILE --grace DURATION [--bytes N] | "
    "keyring add FILE --secret S [--kind whsec|text | --scheme NAME] [--grace DURATION | --not-before T] [--not-after T] | "
    "keyring show FILE   (each takes --now UNIX_SECONDS; DURATION: 0, 90s, 15m, 24h, 7d)";

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

/// Turns a keyring writer's error into a usage error a person can act on.
void check_change(std::error_code failed) {
    if (!failed) return;
    if (failed == errc::duplicate_key) throw usage_error("that secret is in the keyring already");
    if (failed == errc::keyring_full)
        throw usage_error("keyring full (" + std::to_string(keyring_max_keys) +
                          " live keys): rotate with grace 0 or wait for old keys to expire");
    if (failed == errc::invalid_argument) throw usage_error("the key's window is empty or already over");
    throw error(failed);
}

void save(const std::string& path, const keyring<fixed_clock>& ring, keyring_write mode) {
    const keyring_file_result saved = save_keyring(path, ring, mode);
    if (!saved) throw usage_error("keyring '" + path + "': " + saved.message());
}

/// Prints a new secret on stdout (its only showing) and its key id on stderr.
int show_secret_once(const secret& made) {
    {
        const exposed_secret text = made.expose();
        std::fwrite(text.view().data(), 1, text.view().size(), stdout);
        std::fputc('\n', stdout);
    }
    std::fprintf(stderr, "key %s\n", made.key_id().c_str());
    return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
}

int run_new(const std::vector<std::string>& args) {
    const options opts(args, {"--bytes", "--now"}, {}, 1);
    const std::string path = path_argument(opts);
    const std::size_t bytes = bytes_from_options(opts);
    struct stat existing {};
    if (::lstat(path.c_str(), &existing) == 0) throw usage_error("'" + path + "' exists; refusing to overwrite it");
    keyring<fixed_clock> ring(fixed_clock{now_from_options(opts)});
    const secret made = secret::generate(bytes);
    check_change(ring.rotate(made, std::chrono::seconds(0)));
    save(path, ring, keyring_write::create_new); // fails with EEXIST if the file appeared meanwhile
    return show_secret_once(made);
}

int run_rotate(const std::vector<std::string>& args) {
    const options opts(args, {"--grace", "--bytes", "--now"}, {}, 1);
    const std::string path = path_argument(opts);
    if (!opts.has("--grace")) throw usage_error("give --grace DURATION (0 ends the old keys at once)");
    const std::chrono::seconds grace = parse_duration("--grace", opts.one("--grace"));
    const std::size_t bytes = bytes_from_options(opts);
    keyring<fixed_clock> ring(fixed_clock{now_from_options(opts)});
    load_keyring_file(path, ring);
    const secret made = secret::generate(bytes);
    check_change(ring.rotate(made, grace));
    save(path, ring, keyring_write::replace);
    return show_secret_once(made);
}

int run_add(const std::vector<std::string>& args) {
    const options opts(args, {"--secret", "--kind", "--scheme", "--header-name", "--grace", "--not-before", "--not-after",
                              "--now"},
                       {}, 1);
    const std::string path = path_argument(opts);
    if (!opts.has("--secret")) throw usage_error("give --secret S");
    if (opts.has("--kind") && opts.has("--scheme")) throw usage_error("give --kind or --scheme, not both");
    const std::string kind = opts.one("--kind", "whsec");
    secret added;
    std::error_code parsed;
    if (opts.has("--scheme")) // the kind that scheme keys its MAC with
        with_scheme(opts, [&](const auto& scheme) {
            parsed = scheme.make_secret(opts.one("--secret"), added);
            return 0;
        });
    else if (kind == "whsec")
        parsed = secret::parse(opts.one("--secret"), added);
    else if (kind == "text")
        parsed = secret::from_text(opts.one("--secret"), added);
    else
        throw usage_error("--kind needs whsec or text");
    if (parsed) throw usage_error("--secret: " + parsed.message());
    if (opts.has("--grace") && (opts.has("--not-before") || opts.has("--not-after")))
        throw usage_error("--grace makes the secret primary now; it takes no --not-before or --not-after");

    const unix_seconds now = now_from_options(opts);
    keyring<fixed_clock> ring(fixed_clock{now});
    load_keyring_file(path, ring);
    if (opts.has("--grace")) {
        check_change(ring.rotate(added, parse_duration("--grace", opts.one("--grace"))));
    } else {
        key_window window{now, std::nullopt};
        if (opts.has("--not-before")) window.not_before = parse_seconds("--not-before", opts.one("--not-before"));
        if (opts.has("--not-after")) window.not_after = parse_seconds("--not-after", opts.one("--not-after"));
        check_change(ring.add(added, window));
    }
    save(path, ring, keyring_write::replace);
    std::printf("added key %s\n", added.key_id().c_str());
    return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
}

int run_show(const std::vector<std::string>& args) {
    const options opts(args, {"--now"}, {}, 1);
    const std::string path = path_argument(opts);
    const unix_seconds now = now_from_options(opts);
    std::vector<key_entry> entries;
    const keyring_file_result read = read_keyring_file(path, entries);
    if (!read) throw usage_error("keyring '" + path + "': " + read.message());
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

int run_keyring(const std::vector<std::string>& args) {
    if (args.empty()) throw usage_error("give a subcommand: new, rotate, add or show");
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "new") return run_new(rest);
    if (args[0] == "rotate") return run_rotate(rest);
    if (args[0] == "add") return run_add(rest);
    if (args[0] == "show") return run_show(rest);
    throw usage_error("unknown keyring subcommand (known: new, rotate, add, show)");
}

const register_command registered{{"keyring", keyring_usage, run_keyring}};

} // namespace
} // namespace hooksig::cli
