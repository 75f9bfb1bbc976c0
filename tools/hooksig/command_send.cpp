// `hooksig send URL`: sign one delivery and POST it (a provider's "simulate
// webhook" button), optionally retrying on a provider-like schedule.
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"

namespace hooksig::cli {
namespace {

/// BitGo's documented retry delays after the first attempt, in minutes.
const std::vector<double> default_schedule_minutes{1, 5, 10, 30, 60, 120, 240};

/// An http:// URL split for httplib.
struct target {
    std::string host;
    int port = 80;
    std::string path = "/";
};

target parse_url(const std::string& url) {
    const std::string http = "http://";
    if (url.compare(0, 8, "https://") == 0)
        throw usage_error("https:// is not supported: hooksig send speaks plain http (use a local TLS proxy)");
    if (url.compare(0, http.size(), http) != 0) throw usage_error("the URL must start with http://");
    const std::string rest = url.substr(http.size());
    const std::size_t slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    target t;
    if (slash != std::string::npos) t.path = rest.substr(slash);
    std::string port_text;
    if (!authority.empty() && authority[0] == '[') { // [IPv6]:port
        const std::size_t close = authority.find(']');
        if (close == std::string::npos) throw usage_error("bad host in URL");
        t.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') throw usage_error("bad host in URL");
            port_text = authority.substr(close + 2);
        }
    } else {
        const std::size_t colon = authority.rfind(':');
        t.host = authority.substr(0, colon);
        if (colon != std::string::npos) port_text = authority.substr(colon + 1);
    }
    if (t.host.empty() || t.host.find_first_of(" @\t") != std::string::npos) throw usage_error("bad host in URL");
    if (!port_text.empty() || authority.find(':') != std::string::npos) {
        if (port_text.empty() || port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(port_text) < 1 || std::stoi(port_text) > 65535)
            throw usage_error("bad port in URL");
        t.port = std::stoi(port_text);
    }
    return t;
}

/// A positive decimal number (for --time-scale, --timeout), at most `max`.
double parse_positive(const std::string& flag, const std::string& text, double max) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) || value <= 0 || value > max ||
        text.find_first_not_of("0123456789.eE-+") != std::string::npos)
        throw usage_error(flag + " needs a positive number (at most " + std::to_string(static_cast<long>(max)) + ")");
    return value;
}

/// `{"type":TYPE,"id":ID,"created":NOW,"data":{}}`; TYPE is restricted so no escaping is needed.
std::string event_body(const std::string& type, const std::string& id) {
    if (type.empty() || type.size() > 100 ||
        type.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") != std::string::npos)
        throw usage_error("--event needs 1 to 100 of A-Z a-z 0-9 . _ : -");
    return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"created\":" + std::to_string(wall_clock{}.now()) +
           ",\"data\":{}}";
}

/// The response body's first line, at most 120 characters, non-printables as '?'.
std::string summary(const std::string& body) {
    std::string out;
    for (const char c : body) {
        if (c == '\n' || c == '\r' || out.size() == 120) break;
        out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return out;
}

/// Signs and posts once per attempt; each attempt gets a fresh timestamp (unless
/// --timestamp pins one) and the same message id.
template <class Sign>
int deliver(const options& opts, const target& to, const std::string& body, const std::string& id,
            bool scheme_signs_id, Sign&& sign) {
    const bool retry = opts.has("--retry");
    const double scale = opts.has("--time-scale") ? parse_positive("--time-scale", opts.one("--time-scale"), 1000) : 1;
    const double timeout = opts.has("--timeout") ? parse_positive("--timeout", opts.one("--timeout"), 3600) : 10;
    const std::string content_type = opts.one("--content-type", "application/json");
    sign_options choices;
    choices.id = id;
    if (opts.has("--timestamp")) choices.timestamp = parse_seconds("--timestamp", opts.one("--timestamp"));

    httplib::Client client(to.host, to.port);
    const auto timeout_us = static_cast<long long>(timeout * 1e6);
    client.set_connection_timeout(static_cast<time_t>(timeout_us / 1000000), static_cast<time_t>(timeout_us % 1000000));
    client.set_read_timeout(static_cast<time_t>(timeout_us / 1000000), static_cast<time_t>(timeout_us % 1000000));
    client.set_write_timeout(static_cast<time_t>(timeout_us / 1000000), static_cast<time_t>(timeout_us % 1000000));

    const std::size_t attempts = retry ? default_schedule_minutes.size() + 1 : 1;
    for (std::size_t attempt = 1; attempt <= attempts; ++attempt) {
        std::vector<header> signed_headers;
        if (const std::error_code failed = sign(body, choices, signed_headers)) throw error(failed);
        httplib::Headers headers;
        for (const header& h : signed_headers) headers.emplace(h.name, h.value);
        if (!scheme_signs_id) headers.emplace("idempotency-key", id);
        for (const auto& [name, value] : read_headers(opts)) headers.emplace(name, value);

        const auto start = std::chrono::steady_clock::now();
        const httplib::Result result = client.Post(to.path, headers, body, content_type);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        bool delivered = false;
        if (result) {
            delivered = result->status >= 200 && result->status < 300;
            std::printf("attempt %zu: HTTP %d in %.1f ms: %s\n", attempt, result->status, ms,
                        summary(result->body).c_str());
        } else {
            std::printf("attempt %zu: no response (%s error) after %.1f ms\n", attempt,
                        httplib::to_string(result.error()).c_str(), ms);
        }
        if (delivered) {
            std::printf("delivered %s\n", id.c_str());
            return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
        }
        if (attempt < attempts) {
            const double wait_s = default_schedule_minutes[attempt - 1] * 60 * scale;
            std::printf("retrying in %.3f s\n", wait_s);
            std::fflush(stdout);
            std::this_thread::sleep_for(std::chrono::duration<double>(wait_s));
        }
    }
    std::printf("failed %s after %zu attempt%s\n", id.c_str(), attempts, attempts == 1 ? "" : "s");
    std::fflush(stdout);
    return exit_invalid;
}

int run_send(const std::vector<std::string>& args) {
    const options opts(args,
                       {"--secret", "--secret-file", "--keyring", "--scheme", "--header-name", "--body-file", "--event", "--id",
                        "--timestamp", "--header", "--time-scale", "--timeout", "--content-type", "--url"},
                       {"--retry"}, 1);
    if (opts.positional().size() != 1) throw usage_error("give the URL to post to");
    const target to = parse_url(opts.positional()[0]);
    if (opts.has("--keyring") && (opts.has("--secret") || opts.has("--secret-file")))
        throw usage_error("give --secret-file / --secret or --keyring, not both");
    if (!opts.has("--keyring") && !has_secret_source(opts))
        throw usage_error("give --secret-file F, HOOKSIG_SECRET in the environment, --secret S, or --keyring FILE");
    if (opts.has("--event") && opts.has("--body-file")) throw usage_error("give --event or --body-file, not both");
    if (opts.has("--time-scale") && !opts.has("--retry")) throw usage_error("--time-scale needs --retry");
    std::signal(SIGPIPE, SIG_IGN);

    std::string id = opts.one("--id");
    if (opts.has("--id")) {
        if (!is_valid_message_id(id)) throw usage_error("--id needs 1 to 256 visible ASCII characters");
    } else if (const std::error_code failed = generate_message_id(id)) {
        throw error(failed);
    }
    const std::string body = opts.has("--event") ? event_body(opts.one("--event"), id) : read_body(opts);

    return with_scheme(opts, [&](const auto& scheme) {
        using scheme_type = std::decay_t<decltype(scheme)>;
        if (opts.has("--keyring")) {
            // Each attempt signs with the keys active at that attempt's time.
            keyring<fixed_clock> ring(fixed_clock{wall_clock{}.now()});
            load_keyring_file(opts.one("--keyring"), ring);
            check_keyring_kinds(scheme, ring);
            check_keyring_signs(ring);
            const keyring_signer<scheme_type, fixed_clock> signer_(ring, scheme);
            return deliver(opts, to, body, id, scheme.signs_id(),
                           [&](std::string_view b, const sign_options& o, std::vector<header>& out) {
                               ring.clock().at = wall_clock{}.now();
                               return signer_.sign(b, o, out);
                           });
        }
        const signer<scheme_type> signer_(secrets_from_options(scheme, opts, true), scheme);
        return deliver(opts, to, body, id, scheme.signs_id(),
                       [&](std::string_view b, const sign_options& o, std::vector<header>& out) {
                           return signer_.sign(b, o, out);
                       });
    });
}

const register_command registered{
    {"send",
     "send http://HOST[:PORT]/PATH (--secret-file F | HOOKSIG_SECRET=S | --secret S [--secret S2 ...] | --keyring F) [--scheme NAME] [--header-name NAME] "
     "[--url URL] "
     "[--body-file F | --event TYPE] [--id ID] [--timestamp T] [--header 'Name: value' ...] [--content-type T] "
     "[--timeout SECONDS] [--retry [--time-scale X]]  (http:// only; --retry: 1, 5, 10, 30, 60, 120, 240 min x X; "
     "whsk_ signs v1a; --scheme discord takes a whsk_)",
     run_send}};

} // namespace
} // namespace hooksig::cli
