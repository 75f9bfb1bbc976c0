// hooksig-receiver: the command line.
#pragma once

#include <hooksig/hooksig.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace receiver {

/// Bad command line: print the message and usage, exit 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline const char* const usage_text =
    "usage: hooksig-receiver --listen HOST:PORT (--keyring FILE | --secret-file FILE | HOOKSIG_SECRET=S)\n"
    "                        [--scheme NAME] [--header-name NAME] [--url URL] [--redis HOST:PORT] [--fail-open]\n"
    "                        [--forward http://HOST:PORT/PATH] [--forward-timeout SECONDS] [--max-body BYTES]\n"
    "                        [--request-timeout SECONDS] [--idle-timeout SECONDS] [--threads N] ...\n"
    "  --listen HOST:PORT       address to serve on (PORT 0: any free port; the chosen one is logged)\n"
    "  --keyring FILE           hooksig keyring file (mode 0600); SIGHUP reloads it\n"
    "  --secret-file FILE       secrets, one a line (mode 0600 or 0640), instead of a keyring; SIGHUP reloads it.\n"
    "                           Without either, the environment variable HOOKSIG_SECRET holds one secret\n"
    "  --scheme NAME            standard (default), svix, stripe, github, slack, shopify, paddle, square,\n"
    "                           raw-hex, raw-base64\n"
    "  --header-name NAME       signature header of raw-hex / raw-base64 (default x-signature-sha256)\n"
    "  --url URL                square: the notification URL Square signs\n"
    "  --redis HOST:PORT        share the replay store with other receivers (default: in memory)\n"
    "  --fail-open              when the replay store is down, accept deliveries (default: answer 503)\n"
    "  --tolerance SECONDS      timestamp window (default 300)\n"
    "  --ttl SECONDS            how long delivery ids are remembered (default 32400 = 9 h)\n"
    "  --capacity N             most ids the in-memory store holds (default 100000)\n"
    "  --forward URL            pass verified first-seen deliveries to http://HOST:PORT/PATH; the id is\n"
    "                           reserved for --forward-timeout + 5 s, its 2xx is answered and keeps the id\n"
    "                           for --ttl, anything else releases the id and answers 503\n"
    "  --forward-timeout S      limit on one forward: connect, send, answer (default 10)\n"
    "  --max-body BYTES         largest body accepted (default 1048576); larger: 413\n"
    "  --max-header-bytes N     largest request head (default 16384); larger: 431\n"
    "  --max-headers N          most header fields (default 100); more: 431\n"
    "  --request-timeout S      deadline to receive a whole request from its first byte (default 10)\n"
    "  --idle-timeout S         how long an idle keep-alive connection stays open (default 30)\n"
    "  --threads N              I/O threads (default: one per core)\n"
    "  --backlog N              listen backlog (default 1024)\n"
    "  --max-connections N      open connections at most; beyond, new ones are closed (default 10000)\n";

/// Everything the command line sets.
struct config {
    std::string listen_host;
    int listen_port = 0;
    std::string keyring_path;   ///< --keyring
    std::string secret_file;    ///< --secret-file
    std::string scheme = "standard";
    std::string header_name;
    std::string url;
    std::string redis_host;
    int redis_port = 0;
    bool fail_open = false;
    long tolerance = 300;
    long ttl = static_cast<long>(hooksig::default_replay_ttl.count());
    long capacity = static_cast<long>(hooksig::memory_store<>::default_capacity);
    std::string forward_host;   ///< empty: no forwarding
    int forward_port = 80;
    std::string forward_target; ///< path and query sent upstream
    std::chrono::milliseconds forward_timeout{10000};
    std::size_t max_body = 1024 * 1024;
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_headers = 100;
    std::chrono::milliseconds request_timeout{10000};
    std::chrono::milliseconds idle_timeout{30000};
    unsigned threads = 0; ///< 0: one per core
    int backlog = 1024;
    std::size_t max_connections = 10000;
};

/// A whole number in [min, max]; usage_error otherwise (the value is never echoed).
inline long parse_number(const std::string& flag, const std::string& text, long min, long max) {
    if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos)
        throw usage_error(flag + " needs a whole number");
    const long value = std::stol(text);
    if (value < min || value > max)
        throw usage_error(flag + " needs a number from " + std::to_string(min) + " to " + std::to_string(max));
    return value;
}

/// Seconds, fractions allowed ("0.5"), from 1 ms to one hour.
inline std::chrono::milliseconds parse_seconds(const std::string& flag, const std::string& text) {
    if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789.") != std::string::npos)
        throw usage_error(flag + " needs seconds (e.g. 10 or 0.5)");
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !(value >= 0.001 && value <= 3600))
        throw usage_error(flag + " needs seconds from 0.001 to 3600");
    return std::chrono::milliseconds(static_cast<long long>(std::llround(value * 1000)));
}

/// Splits HOST:PORT; the port must lie in [min_port, 65535].
inline void split_host_port(const std::string& flag, const std::string& text, std::string& host, int& port,
                            int min_port) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) throw usage_error(flag + " needs HOST:PORT");
    host = text.substr(0, colon);
    port = static_cast<int>(parse_number(flag + " port", text.substr(colon + 1), min_port, 65535));
}

/// Parses http://HOST[:PORT][/PATH] into the forward fields of `c`.
inline void parse_forward_url(const std::string& text, config& c) {
    static const std::string scheme = "http://";
    if (text.compare(0, scheme.size(), scheme) != 0) throw usage_error("--forward needs http://HOST:PORT/PATH");
    const std::string rest = text.substr(scheme.size());
    const std::size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    c.forward_target = slash == std::string::npos ? "/" : rest.substr(slash);
    if (authority.empty()) throw usage_error("--forward needs a host");
    if (authority.find(':') == std::string::npos) c.forward_host = authority;
    else split_host_port("--forward", authority, c.forward_host, c.forward_port, 1);
    for (const char ch : c.forward_target)
        if (ch <= 0x20 || ch >= 0x7F) throw usage_error("--forward: the path must be visible ASCII");
}

/// Parses argv; throws usage_error. --help prints the usage and exits 0.
inline config parse_args(int argc, char** argv) {
    config c;
    bool have_listen = false;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--fail-open") {
            c.fail_open = true;
            continue;
        }
        if (flag == "--help" || flag == "-h") {
            std::fputs(usage_text, stdout);
            std::exit(0);
        }
        // Arguments are named by position, never echoed: a misplaced one may be a secret.
        if (i + 1 >= argc) throw usage_error("argument #" + std::to_string(i) + ": unknown option or missing value");
        const std::string value = argv[++i];
        if (flag == "--listen") {
            split_host_port(flag, value, c.listen_host, c.listen_port, 0);
            have_listen = true;
        } else if (flag == "--keyring") {
            c.keyring_path = value;
        } else if (flag == "--secret-file") {
            c.secret_file = value;
        } else if (flag == "--scheme") {
            c.scheme = value;
        } else if (flag == "--header-name") {
            c.header_name = value;
        } else if (flag == "--url") {
            c.url = value;
        } else if (flag == "--redis") {
            split_host_port(flag, value, c.redis_host, c.redis_port, 1);
        } else if (flag == "--tolerance") {
            c.tolerance = parse_number(flag, value, 0, 86400);
        } else if (flag == "--ttl") {
            c.ttl = parse_number(flag, value, 1, 30L * 86400);
        } else if (flag == "--capacity") {
            c.capacity = parse_number(flag, value, 1, 100000000);
        } else if (flag == "--forward") {
            parse_forward_url(value, c);
        } else if (flag == "--forward-timeout") {
            c.forward_timeout = parse_seconds(flag, value);
        } else if (flag == "--max-body") {
            c.max_body = static_cast<std::size_t>(parse_number(flag, value, 0, 1L << 30));
        } else if (flag == "--max-header-bytes") {
            c.max_header_bytes = static_cast<std::size_t>(parse_number(flag, value, 1024, 1L << 20));
        } else if (flag == "--max-headers") {
            c.max_headers = static_cast<std::size_t>(parse_number(flag, value, 8, 10000));
        } else if (flag == "--request-timeout") {
            c.request_timeout = parse_seconds(flag, value);
        } else if (flag == "--idle-timeout") {
            c.idle_timeout = parse_seconds(flag, value);
        } else if (flag == "--threads") {
            c.threads = static_cast<unsigned>(parse_number(flag, value, 1, 256));
        } else if (flag == "--backlog") {
            c.backlog = static_cast<int>(parse_number(flag, value, 1, 65535));
        } else if (flag == "--max-connections") {
            c.max_connections = static_cast<std::size_t>(parse_number(flag, value, 1, 1000000));
        } else {
            throw usage_error("argument #" + std::to_string(i - 1) + ": unknown option");
        }
    }
    if (!have_listen) throw usage_error("give --listen HOST:PORT");
    const char* env = std::getenv("HOOKSIG_SECRET");
    const bool have_env = env != nullptr && *env != '\0';
    if (!c.keyring_path.empty() && !c.secret_file.empty()) throw usage_error("give --keyring or --secret-file, not both");
    if (c.keyring_path.empty() && c.secret_file.empty() && !have_env)
        throw usage_error("give --keyring FILE, --secret-file FILE or HOOKSIG_SECRET in the environment");
    return c;
}

} // namespace receiver
