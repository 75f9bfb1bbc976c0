// hooksig-receiver: a small webhook receiver on cpp-httplib, as a payment
// backend would run one. It verifies each POST against a keyring file, drops
// replays and retries of deliveries it already processed (replay_guard over
// an in-memory store, or Redis shared by several receivers), and logs one line
// per delivery without secrets or signatures. SIGHUP reloads the keyring while
// requests keep flowing; SIGINT / SIGTERM stop it.
//
//   hooksig-receiver --listen 127.0.0.1:PORT --keyring FILE [--scheme NAME]
//                    [--redis HOST:PORT] [--fail-open] [--tolerance SECONDS]
//                    [--ttl SECONDS] [--capacity N]
//
// Answers: 200 `accepted` (first delivery, processed), 200 `duplicate` (seen
// before: not processed again; a 2xx stops the provider's retries), 400
// `invalid: <reason>` (malformed headers), 401 `invalid: <reason>` (bad or
// stale signature, no active key), 503 `store unavailable` (replay store down
// and --fail-open not given: the provider retries later).
#include <httplib.h>

#include <hooksig/hooksig.hpp>
#include <hooksig/schemes/registry.hpp>
#ifdef HOOKSIG_RECEIVER_REDIS
#include <hooksig/replay/redis_store.hpp>
#endif

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace hooksig;

/// Bad command line: print the message and usage, exit 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const char* const usage_text =
    "usage: hooksig-receiver --listen HOST:PORT --keyring FILE [--scheme NAME] [--header-name NAME] [--url URL]\n"
    "                        [--redis HOST:PORT] [--fail-open] [--tolerance SECONDS] [--ttl SECONDS]\n"
    "                        [--capacity N]\n"
    "  --listen HOST:PORT   address to serve on (PORT 0: any free port; the chosen one is logged)\n"
    "  --keyring FILE       hooksig keyring file (mode 0600); SIGHUP reloads it\n"
    "  --scheme NAME        standard (default), svix, stripe, github, slack, shopify, paddle, square,\n"
    "                       raw-hex, raw-base64\n"
    "  --header-name NAME   signature header of raw-hex / raw-base64 (default x-signature-sha256)\n"
    "  --url URL            square: the notification URL Square signs\n"
    "  --redis HOST:PORT    share the replay store with other receivers (default: in memory)\n"
    "  --fail-open          when the replay store is down, accept deliveries (default: answer 503)\n"
    "  --tolerance SECONDS  timestamp window (default 300)\n"
    "  --ttl SECONDS        how long delivery ids are remembered (default 32400 = 9 h)\n"
    "  --capacity N         most ids the in-memory store holds (default 100000)\n";

struct config {
    std::string listen_host;
    int listen_port = 0;
    std::string keyring_path;
    std::string scheme = "standard";
    std::string header_name;
    std::string url;
    std::string redis_host;
    int redis_port = 0;
    bool fail_open = false;
    long tolerance = 300;
    long ttl = static_cast<long>(default_replay_ttl.count());
    long capacity = static_cast<long>(memory_store<>::default_capacity);
};

long parse_number(const std::string& flag, const std::string& text, long min, long max) {
    if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos)
        throw usage_error(flag + " needs a whole number");
    const long value = std::stol(text);
    if (value < min || value > max)
        throw usage_error(flag + " needs a number from " + std::to_string(min) + " to " + std::to_string(max));
    return value;
}

void split_host_port(const std::string& flag, const std::string& text, std::string& host, int& port, int min_port) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) throw usage_error(flag + " needs HOST:PORT");
    host = text.substr(0, colon);
    port = static_cast<int>(parse_number(flag + " port", text.substr(colon + 1), min_port, 65535));
}

config parse_args(int argc, char** argv) {
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
        } else {
            throw usage_error("argument #" + std::to_string(i - 1) + ": unknown option");
        }
    }
    if (!have_listen) throw usage_error("give --listen HOST:PORT");
    if (c.keyring_path.empty()) throw usage_error("give --keyring FILE");
    return c;
}

/// The store interface of replay_guard.hpp behind a virtual call, so the
/// handler is written once for the in-memory and the Redis store.
struct any_store {
    virtual ~any_store() = default;
    virtual std::error_code insert(std::string_view key, std::chrono::seconds ttl, bool& inserted) noexcept = 0;
    virtual std::error_code erase(std::string_view key) noexcept = 0;
    /// Capacity figures of a bounded store (memory); empty figures for Redis, which expires keys itself.
    virtual replay_store_stats stats() const noexcept = 0;
};

template <class Store>
struct store_adapter final : any_store {
    template <class... Args>
    explicit store_adapter(Args&&... args) : store(std::forward<Args>(args)...) {}
    std::error_code insert(std::string_view key, std::chrono::seconds ttl, bool& inserted) noexcept override {
        return store.insert(key, ttl, inserted);
    }
    std::error_code erase(std::string_view key) noexcept override { return store.erase(key); }
    replay_store_stats stats() const noexcept override {
        if constexpr (detail::has_store_stats<Store>::value) return store.stats();
        else return {};
    }
    Store store;
};

/// Writes one log line per call (stdout, flushed: a pipe reader sees it at once).
template <class... Args>
void log_line(const char* format, Args... args) {
    static std::mutex mutex;
    const std::lock_guard<std::mutex> lock(mutex);
    std::printf(format, args...);
    std::fflush(stdout);
}

/// An untrusted header value made safe to log: visible ASCII only, at most 64 characters.
std::string loggable(std::string_view value) {
    std::string out;
    for (const char c : value.substr(0, 64)) out.push_back(c > 0x20 && c < 0x7F && c != '"' ? c : '?');
    if (value.size() > 64) out += "...";
    return out.empty() ? "-" : out;
}

/// The id to show in the log: the scheme's message id, else the idempotency
/// key, else a prefix of the body hash. Shown for invalid deliveries too, so it
/// is sanitised, never trusted.
template <class Scheme, class Headers>
std::string log_id(const Scheme& scheme, const Headers& headers, const std::string& body) {
    if (scheme.signs_id()) {
        delivery d;
        if (!scheme.parse(headers, d)) return loggable(d.id);
        static constexpr std::string_view names[] = {"webhook-id", "svix-id"};
        const auto found = find_headers(headers, names);
        return loggable(found.count[0] ? found.value(0) : found.value(1));
    }
    if (const std::string_view key = find_idempotency_key(headers); !key.empty()) return loggable(key);
    return "body:" + body_sha256_hex(body).substr(0, 16);
}

/// Logs, at most once per 10 s, that the replay store dropped ids before their
/// TTL ran out (each re-opens a replay window for that id): the operator
/// should raise --capacity above delivery rate x TTL.
class eviction_reporter {
public:
    void check(const std::optional<replay_store_stats>& stats) noexcept {
        if (!stats || stats->early_evictions <= reported_.load(std::memory_order_relaxed)) return;
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now().time_since_epoch()).count();
        long long last = last_log_.load(std::memory_order_relaxed);
        if (now - last < 10 || !last_log_.compare_exchange_strong(last, now)) return;
        reported_.store(stats->early_evictions, std::memory_order_relaxed);
        log_line("warning: replay store evicted %llu unexpired ids (the last after %lld s; oldest entry %lld s old; "
                 "%zu of %zu held): raise --capacity above deliveries per second x --ttl\n",
                 static_cast<unsigned long long>(stats->early_evictions),
                 static_cast<long long>(stats->last_early_eviction_age.count()),
                 static_cast<long long>(stats->oldest_age.count()), stats->size, stats->capacity);
    }

private:
    std::atomic<std::uint64_t> reported_{0};
    std::atomic<long long> last_log_{-1000};
};

/// 400 for deliveries whose headers are unusable, 401 for failed authentication.
int status_for(const std::error_code& error) {
    if (error == errc::missing_header || error == errc::malformed_header || error == errc::header_too_large ||
        error == errc::invalid_timestamp || error == errc::too_many_signatures)
        return 400;
    return 401;
}

/// Reads the keyring file and, when every key is of the kind `scheme` keys its
/// MAC with (whsec_ bytes or text), swaps it into `ring` at once (readers see
/// the old keys or the new ones). Returns an empty string on success, else the
/// reason (never a secret); the ring is then unchanged.
template <class Scheme>
std::string load_checked(const std::string& path, const Scheme& scheme, keyring<>& ring) {
    std::vector<key_entry> entries;
    if (const keyring_file_result read = read_keyring_file(path, entries); !read) return read.message();
    for (const key_entry& e : entries) {
        secret as_scheme;
        const exposed_secret text = e.key.expose();
        if (scheme.make_secret(text.view(), as_scheme) || as_scheme.key_kind() != e.key.key_kind())
            return "key " + e.key.key_id() + " is not a " + std::string(scheme.name()) + " secret (wrong kind)";
    }
    if (const std::error_code failed = ring.assign(entries)) return failed.message();
    return {};
}

/// Serves until SIGINT / SIGTERM. Returns the process exit code.
template <class Scheme>
int serve(const config& cfg, const Scheme& scheme) {
    keyring<> ring;
    if (const std::string failed = load_checked(cfg.keyring_path, scheme, ring); !failed.empty()) {
        std::fprintf(stderr, "hooksig-receiver: %s: %s\n", cfg.keyring_path.c_str(), failed.c_str());
        return 2;
    }
    verify_options policy;
    policy.tolerance = std::chrono::seconds(cfg.tolerance);
    const keyring_verifier<Scheme> verifier_(ring, policy, scheme);

    std::unique_ptr<any_store> store;
    std::string store_name;
    if (!cfg.redis_host.empty()) {
#ifdef HOOKSIG_RECEIVER_REDIS
        redis_options redis;
        redis.host = cfg.redis_host;
        redis.port = cfg.redis_port;
        auto shared = std::make_unique<store_adapter<redis_store>>(redis);
        if (const std::error_code down = shared->store.ping())
            log_line("warning: redis %s:%d: %s (answering 503 until it is back)\n", cfg.redis_host.c_str(),
                     cfg.redis_port, down.message().c_str());
        store = std::move(shared);
        store_name = "redis " + cfg.redis_host + ":" + std::to_string(cfg.redis_port);
#else
        throw usage_error("--redis: this hooksig-receiver was built without hiredis");
#endif
    } else {
        store = std::make_unique<store_adapter<memory_store<>>>(static_cast<std::size_t>(cfg.capacity));
        store_name = "memory (" + std::to_string(cfg.capacity) + " ids)";
    }
    replay_options guard_options;
    guard_options.ttl = std::chrono::seconds(cfg.ttl);
    guard_options.on_store_failure = cfg.fail_open ? store_failure_policy::fail_open : store_failure_policy::fail_closed;
    replay_guard<any_store> guard(*store, guard_options);
    eviction_reporter evictions;

    httplib::Server server;
    server.Post(".*", [&](const httplib::Request& request, httplib::Response& response) {
        const auto start = std::chrono::steady_clock::now();
        const keyring_verify_result verified = verifier_.verify(request.headers, request.body);
        const char* verdict = "";
        std::string reason = "-";
        std::string key_id = "-";
        if (!verified) {
            response.status = status_for(verified.error);
            response.set_content("invalid: " + verified.error.message() + "\n", "text/plain");
            verdict = "invalid";
            reason = verified.error.message();
        } else {
            key_id = std::string(verified.key_id());
            const replay_result seen = guard.check_delivery(scheme, request.headers, request.body);
            evictions.check(guard.store_stats());
            if (seen.error) {
                response.status = 503;
                response.set_content("store unavailable\n", "text/plain");
                verdict = "unavailable";
                reason = seen.error.message();
            } else if (seen.duplicate()) {
                response.status = 200;
                response.set_content("duplicate\n", "text/plain");
                verdict = "duplicate";
            } else {
                // A real receiver processes the event here; if that fails it
                // calls guard.release(id) and answers 5xx so the retry is processed.
                response.status = 200;
                response.set_content("accepted\n", "text/plain");
                verdict = "accepted";
                if (seen.store_failure) reason = "fail-open: " + seen.store_failure.message();
            }
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        log_line("delivery id=%s verdict=%s status=%d key=%s latency_ms=%.3f reason=\"%s\"\n",
                 log_id(scheme, request.headers, request.body).c_str(), verdict, response.status, key_id.c_str(), ms,
                 reason.c_str());
    });
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
        response.set_content("ok\n", "text/plain");
    });

    int port = cfg.listen_port;
    if (port == 0) port = server.bind_to_any_port(cfg.listen_host);
    else if (!server.bind_to_port(cfg.listen_host, port)) port = -1;
    if (port <= 0) {
        std::fprintf(stderr, "hooksig-receiver: cannot listen on %s:%d\n", cfg.listen_host.c_str(), cfg.listen_port);
        return 1;
    }

    // Signals are handled by one thread with sigwait(): SIGHUP swaps in the
    // reloaded keyring (keyring::assign publishes it atomically; verifications
    // in flight finish on the old keys), SIGINT / SIGTERM stop the server.
    std::thread signals([&] {
        sigset_t wanted;
        sigemptyset(&wanted);
        sigaddset(&wanted, SIGHUP);
        sigaddset(&wanted, SIGINT);
        sigaddset(&wanted, SIGTERM);
        for (;;) {
            int received = 0;
            if (sigwait(&wanted, &received) != 0) continue;
            if (received != SIGHUP) {
                log_line("stopping on signal %d\n", received);
                server.stop();
                return;
            }
            if (const std::string failed = load_checked(cfg.keyring_path, scheme, ring); !failed.empty()) {
                log_line("keyring reload failed, keeping the previous keys: %s\n", failed.c_str());
                continue;
            }
            std::string ids;
            for (const key_entry& e : ring.entries()) ids += (ids.empty() ? "" : ",") + e.key.key_id();
            log_line("keyring reloaded: %zu keys [%s]\n", ring.size(), ids.c_str());
        }
    });
    std::string ids;
    for (const key_entry& e : ring.entries()) ids += (ids.empty() ? "" : ",") + e.key.key_id();
    log_line("listening %s:%d scheme=%s keys=[%s] store=%s on_store_failure=%s ttl=%lds\n", cfg.listen_host.c_str(),
             port, std::string(scheme.name()).c_str(), ids.c_str(), store_name.c_str(),
             cfg.fail_open ? "open" : "closed", cfg.ttl);
    const bool served = server.listen_after_bind();
    if (!served) { // the accept loop failed: wake the signal thread so it can exit
        pthread_kill(signals.native_handle(), SIGTERM);
    }
    signals.join();
    return served ? 0 : 1;
}

template <class F>
int with_scheme(const config& cfg, F&& f) {
    scheme_config options;
    if (!cfg.header_name.empty()) options.header_name = cfg.header_name;
    if (!cfg.url.empty()) options.url = cfg.url;
    int result = 2;
    const scheme_choice_error chosen = hooksig::with_scheme(cfg.scheme, options, [&](const auto& scheme) { result = f(scheme); });
    if (!chosen)
        throw usage_error(chosen.reason == "unknown scheme" ? "unknown --scheme (known: " + scheme_names() + ")"
                                                            : std::string(chosen.reason));
    return result;
}

} // namespace

int main(int argc, char** argv) {
    // Block the signals before any thread starts, so every server thread
    // inherits the mask and only the sigwait() thread receives them.
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGHUP);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a client hanging up mid-response must not kill the server
    try {
        const config cfg = parse_args(argc, argv);
        return with_scheme(cfg, [&](const auto& scheme) { return serve(cfg, scheme); });
    } catch (const usage_error& e) {
        std::fprintf(stderr, "hooksig-receiver: %s\n%s", e.what(), usage_text);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hooksig-receiver: %s\n", e.what());
        return 1;
    }
}
