// hooksig-receiver: the verifying, de-duplicating webhook sidecar. It verifies
// each POST against a keyring (or secret file), drops replays and retries of
// deliveries it already processed (replay_guard over an in-memory store, or
// Redis shared by several receivers), optionally forwards first-seen
// deliveries to the application, and logs one line per delivery without
// secrets or signatures. SIGHUP reloads the keys while requests keep flowing;
// SIGINT / SIGTERM drain the requests in flight and exit 0.
//
// Answers: 200 `accepted` (first delivery, processed), 200 `duplicate` (seen
// before: not processed again; a 2xx stops the provider's retries), 400
// `invalid: <reason>` (malformed headers), 401 `invalid: <reason>` (bad or
// stale signature, no active key), 413 (body over --max-body), 431 (request
// head over its limits), 503 `store unavailable` (replay store down and
// --fail-open not given) or `upstream unavailable` (--forward failed): the
// provider retries later. With --forward, the upstream's 2xx is answered.
// A forwarded id is reserved only for --forward-timeout + 5 s until the
// upstream's 2xx commits it for --ttl, so a receiver killed mid-forward does
// not turn the provider's retries into duplicates for the whole TTL.
//
// HTTP is Boost.Beast over one io_context run by a fixed pool of threads;
// each connection's work runs on its own strand.
#include "gate.hpp"
#include "metrics.hpp"
#include "options.hpp"

#include <hooksig/hooksig.hpp>
#include <hooksig/schemes/registry.hpp>
#ifdef HOOKSIG_RECEIVER_REDIS
#include <hooksig/replay/redis_store.hpp>
#endif

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace receiver {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

/// Writes one log line (stdout, flushed: a pipe reader sees it at once).
void log_line(const char* format, ...) __attribute__((format(printf, 1, 2)));
void log_line(const char* format, ...) {
    static std::mutex mutex;
    char text[2048];
    va_list args;
    va_start(args, format);
    const int n = std::vsnprintf(text, sizeof text, format, args);
    va_end(args);
    if (n < 0) return;
    const std::lock_guard<std::mutex> lock(mutex);
    std::fwrite(text, 1, std::min(static_cast<std::size_t>(n), sizeof text - 1), stdout);
    std::fflush(stdout);
}

/// Added to --forward-timeout for the reservation of a forwarded id: covers the
/// time between the reservation and the start of the forward, and the commit.
constexpr std::chrono::seconds reservation_margin{5};

/// The store interface of replay_guard.hpp behind a virtual call, so the
/// handler is written once for the in-memory and the Redis store.
struct any_store {
    virtual ~any_store() = default;
    /// As the store interface's insert().
    virtual std::error_code insert(std::string_view key, std::chrono::seconds ttl, bool& inserted) noexcept = 0;
    /// As the store interface's optional extend() (both stores have it).
    virtual std::error_code extend(std::string_view key, std::chrono::seconds ttl) noexcept = 0;
    /// As the store interface's erase().
    virtual std::error_code erase(std::string_view key) noexcept = 0;
    /// Capacity figures of a bounded store (memory); empty figures for Redis, which expires keys itself.
    virtual hooksig::replay_store_stats stats() const noexcept = 0;
    /// Whether the store answers now (Redis: PING; memory: always).
    virtual std::error_code ping() noexcept = 0;
};

/// any_store over a concrete store.
template <class Store>
struct store_adapter final : any_store {
    /// Constructs the store from `args`.
    template <class... Args>
    explicit store_adapter(Args&&... args) : store(std::forward<Args>(args)...) {}
    std::error_code insert(std::string_view key, std::chrono::seconds ttl, bool& inserted) noexcept override {
        return store.insert(key, ttl, inserted);
    }
    std::error_code extend(std::string_view key, std::chrono::seconds ttl) noexcept override {
        return store.extend(key, ttl);
    }
    std::error_code erase(std::string_view key) noexcept override { return store.erase(key); }
    hooksig::replay_store_stats stats() const noexcept override {
        if constexpr (hooksig::detail::has_store_stats<Store>::value) return store.stats();
        else return {};
    }
    std::error_code ping() noexcept override {
        if constexpr (std::is_same_v<Store, hooksig::memory_store<>>) return {};
        else return store.ping();
    }
    Store store;
};

/// Logs, at most once per 10 s, that the replay store dropped ids before their
/// TTL ran out (each re-opens a replay window for that id): the operator
/// should raise --capacity above delivery rate x TTL.
class eviction_reporter {
public:
    /// Logs when `stats` shows early evictions not yet reported.
    void check(const std::optional<hooksig::replay_store_stats>& stats) noexcept {
        if (!stats || stats->early_evictions <= reported_.load(std::memory_order_relaxed)) return;
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_type::now().time_since_epoch()).count();
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
    using hooksig::errc;
    if (error == errc::missing_header || error == errc::malformed_header || error == errc::header_too_large ||
        error == errc::invalid_timestamp || error == errc::too_many_signatures)
        return 400;
    return 401;
}

/// Whether a header is hop-by-hop (or recomputed) and so not forwarded as is.
bool hop_by_hop(std::string_view name) {
    static constexpr std::string_view names[] = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                                                 "te", "trailer", "upgrade", "expect", "host", "content-length",
                                                 "hooksig-key-id"};
    for (const std::string_view n : names)
        if (hooksig::header_name_equal(name, n)) return true;
    return false;
}

class server;

/// One client connection: reads requests one at a time, answers each.
/// Every handler runs on the connection's strand.
class session : public std::enable_shared_from_this<session> {
public:
    /// Takes over `socket` for `srv`.
    session(server& srv, tcp::socket&& socket);
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    /// Starts reading the first request.
    void run();
    /// On shutdown: closes the connection when it waits for a request (called on the strand).
    void close_if_idle();
    /// The connection's strand.
    net::any_io_executor executor() { return stream_.get_executor(); }

private:
    /// Where the connection stands: waiting for a request, receiving one, or answering it.
    enum class phase { idle, reading, busy };

    /// Waits (idle timeout) for the next request's first byte.
    void read_request();
    /// The first byte arrived (or the wait failed: close).
    void on_first_bytes(beast::error_code ec, std::size_t n);
    /// Reads the head under the whole-request deadline.
    void start_request();
    /// Routes on the head: limits, GET endpoints, early rejection, then the body.
    void on_header(beast::error_code ec, std::size_t);
    /// Reads the body (bounded by --max-body, under the same deadline).
    void read_body();
    /// The body arrived: verify and deliver, or answer an early rejection.
    void on_body(beast::error_code ec, std::size_t);
    /// Verifies the buffered delivery, checks the replay store, answers or forwards.
    void deliver();
    /// Sends a verified first-seen delivery upstream (connecting when needed).
    void forward(std::string id, std::string key_id);
    /// Writes the prepared upstream request and reads its answer.
    void send_upstream();
    /// Passes an upstream 2xx back (committing the id), or releases the id and answers 503.
    void on_forwarded(beast::error_code ec);
    /// Writes one response; closes afterwards unless `keep_alive` (and not draining).
    void answer(int status, std::string body, bool keep_alive, std::string_view content_type = "text/plain");
    /// The response is out: next request, or close.
    void on_written(bool close, beast::error_code ec, std::size_t);
    /// Ends the request's bookkeeping (in-flight gauge, parser).
    void finish_request();
    /// Closes the client connection (and the upstream one).
    void close();
    /// Logs one delivery line; the id comes from the body only when `with_body`.
    void log_delivery(const char* verdict, int status, const std::string& key_id, const std::string& reason,
                      bool with_body);

    server& srv_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    header_views headers_;
    phase phase_ = phase::idle;
    bool in_flight_ = false;
    bool early_reject_ = false;
    clock_type::time_point started_;
    // Forwarding: one upstream connection per client connection, reused while fresh.
    std::optional<beast::tcp_stream> upstream_;
    clock_type::time_point upstream_used_;
    beast::flat_buffer upstream_buffer_;
    std::optional<http::request<http::string_body>> upstream_request_;
    std::optional<http::response_parser<http::string_body>> upstream_response_;
    std::string forward_id_;     ///< replay id of the delivery being forwarded
    std::string forward_key_id_; ///< its key id
};

/// The listening socket, the shared state of every session, signals and shutdown.
class server {
public:
    /// Sets up everything but the listening socket.
    server(const config& cfg, gate& keys, any_store& store, std::string store_name)
        : cfg_(cfg), keys_(keys), store_(store), store_name_(std::move(store_name)),
          guard_(store_, guard_options(cfg)), acceptor_(net::make_strand(ioc_)), signals_(ioc_, SIGHUP, SIGINT, SIGTERM),
          drain_timer_(ioc_) {}

    /// Binds and listens; returns the port, or -1 (logged on stderr).
    int listen() {
        beast::error_code ec;
        net::ip::address address = net::ip::make_address(cfg_.listen_host, ec);
        if (ec) {
            tcp::resolver resolver(ioc_);
            const auto found = resolver.resolve(cfg_.listen_host, std::to_string(cfg_.listen_port), ec);
            if (ec || found.empty()) return fail_listen(ec);
            address = found.begin()->endpoint().address();
        }
        const tcp::endpoint endpoint(address, static_cast<unsigned short>(cfg_.listen_port));
        acceptor_.open(endpoint.protocol(), ec);
        if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
        if (!ec) acceptor_.bind(endpoint, ec);
        if (!ec) acceptor_.listen(cfg_.backlog, ec);
        if (ec) return fail_listen(ec);
        if (!cfg_.forward_host.empty()) {
            tcp::resolver resolver(ioc_);
            const auto found = resolver.resolve(cfg_.forward_host, std::to_string(cfg_.forward_port), ec);
            if (ec || found.empty()) {
                std::fprintf(stderr, "hooksig-receiver: --forward: cannot resolve the host (%s)\n", ec.message().c_str());
                return -1;
            }
            upstream_ = found.begin()->endpoint();
        }
        return acceptor_.local_endpoint().port();
    }

    /// Serves on `threads` threads until a stop signal drains the server. Returns the exit code.
    int run(unsigned threads) {
        wait_signal();
        // main() blocked the signals until the signal_set existed; the pool inherits this mask.
        sigset_t handled;
        sigemptyset(&handled);
        sigaddset(&handled, SIGHUP);
        sigaddset(&handled, SIGINT);
        sigaddset(&handled, SIGTERM);
        pthread_sigmask(SIG_UNBLOCK, &handled, nullptr);
        do_accept();
        std::vector<std::thread> pool;
        for (unsigned i = 1; i < threads; ++i) pool.emplace_back([this] { run_loop(); });
        run_loop();
        for (std::thread& t : pool) t.join();
        return 0;
    }

    /// The command line.
    const config& cfg() const noexcept { return cfg_; }
    /// Keys and verification.
    gate& keys() noexcept { return keys_; }
    /// The counters of /metrics.
    metrics& stats() noexcept { return metrics_; }
    /// The replay guard over the store.
    hooksig::replay_guard<any_store>& guard() noexcept { return guard_; }
    /// The early-eviction warning's rate limiter.
    eviction_reporter& evictions() noexcept { return evictions_; }
    /// True once a stop signal arrived.
    bool draining() const noexcept { return draining_.load(std::memory_order_acquire); }
    /// The --forward address, resolved at start.
    const std::optional<tcp::endpoint>& upstream() const noexcept { return upstream_; }
    /// How long a forwarded id stays reserved before the upstream's 2xx commits
    /// it: --forward-timeout (rounded up to whole seconds) + reservation_margin.
    std::chrono::seconds reservation_ttl() const noexcept {
        return std::chrono::ceil<std::chrono::seconds>(cfg_.forward_timeout) + reservation_margin;
    }

    /// Records a new session (for shutdown).
    void add(session* s, const std::weak_ptr<session>& weak) {
        const std::lock_guard<std::mutex> lock(sessions_mutex_);
        sessions_.emplace(s, weak);
    }
    /// Forgets a session that ends.
    void remove(session* s) {
        const std::lock_guard<std::mutex> lock(sessions_mutex_);
        sessions_.erase(s);
    }

    /// Whether deliveries can be verified and recorded now; `why` says what fails.
    bool healthy(std::string& why) {
        if (!keys_.usable_now()) {
            why = "no usable key";
            return false;
        }
        if (const std::error_code down = store_.ping()) {
            why = down.message();
            return false;
        }
        return true;
    }

    /// The /metrics page.
    std::string metrics_text() {
        std::string why;
        const bool ok = healthy(why);
        return metrics_.render(store_.stats().early_evictions, keys_.key_count(), ok);
    }

private:
    /// The replay policy of the command line.
    static hooksig::replay_options guard_options(const config& cfg) {
        hooksig::replay_options o;
        o.ttl = std::chrono::seconds(cfg.ttl);
        o.on_store_failure = cfg.fail_open ? hooksig::store_failure_policy::fail_open
                                           : hooksig::store_failure_policy::fail_closed;
        return o;
    }

    /// Logs why listening failed; returns -1.
    int fail_listen(const beast::error_code& ec) {
        std::fprintf(stderr, "hooksig-receiver: cannot listen on %s:%d (%s)\n", cfg_.listen_host.c_str(),
                     cfg_.listen_port, ec.message().c_str());
        return -1;
    }

    /// Runs the io_context; a handler's exception is logged and the loop resumes.
    void run_loop() {
        for (;;) {
            try {
                ioc_.run();
                return;
            } catch (const std::exception& e) {
                log_line("error: %s\n", e.what());
            }
        }
    }

    /// Accepts the next connection (TCP_NODELAY; refused beyond --max-connections).
    void do_accept() {
        acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
            if (ec) { // out of descriptors, say: retry shortly instead of spinning
                auto timer = std::make_shared<net::steady_timer>(acceptor_.get_executor(), std::chrono::milliseconds(20));
                timer->async_wait([this, timer](beast::error_code) { if (acceptor_.is_open()) do_accept(); });
                return;
            }
            socket.set_option(tcp::no_delay(true), ec);
            if (static_cast<std::size_t>(metrics_.connections.load()) >= cfg_.max_connections) {
                metrics_.connections_refused.fetch_add(1, std::memory_order_relaxed);
                socket.close(ec);
            } else {
                std::make_shared<session>(*this, std::move(socket))->run();
            }
            do_accept();
        });
    }

    /// Waits for SIGHUP (reload) or SIGINT / SIGTERM (drain).
    void wait_signal() {
        signals_.async_wait([this](beast::error_code ec, int signal) {
            if (ec) return;
            if (signal == SIGHUP) {
                reload();
                wait_signal();
                return;
            }
            log_line("stopping on signal %d\n", signal);
            drain();
        });
    }

    /// SIGHUP: swaps in the reloaded keys (published atomically; verifications
    /// in flight finish on the old ones), or keeps the old keys and says why.
    void reload() {
        if (const std::string failed = keys_.reload(); !failed.empty()) {
            metrics_.reload_failures.fetch_add(1, std::memory_order_relaxed);
            log_line("keyring reload failed, keeping the previous keys: %s\n", failed.c_str());
            return;
        }
        metrics_.reloads.fetch_add(1, std::memory_order_relaxed);
        log_line("keyring reloaded: %zu keys [%s]\n", keys_.key_count(), keys_.key_ids().c_str());
    }

    /// Stops accepting, closes idle connections, lets requests in flight
    /// finish, then stops the threads (at the latest after the longest a
    /// request may take).
    void drain() {
        draining_.store(true, std::memory_order_release);
        net::post(acceptor_.get_executor(), [this] {
            beast::error_code ignored;
            acceptor_.close(ignored);
        });
        signals_.cancel();
        std::vector<std::shared_ptr<session>> open;
        {
            const std::lock_guard<std::mutex> lock(sessions_mutex_);
            for (auto& [raw, weak] : sessions_)
                if (auto s = weak.lock()) open.push_back(std::move(s));
        }
        for (auto& s : open) net::post(s->executor(), [s] { s->close_if_idle(); });
        drain_deadline_ = clock_type::now() + cfg_.request_timeout + cfg_.forward_timeout + std::chrono::seconds(1);
        wait_drained();
    }

    /// Polls every 20 ms until no connection is left or the drain deadline passed.
    void wait_drained() {
        drain_timer_.expires_after(std::chrono::milliseconds(20));
        drain_timer_.async_wait([this](beast::error_code) {
            std::size_t open = 0;
            {
                const std::lock_guard<std::mutex> lock(sessions_mutex_);
                open = sessions_.size();
            }
            if (open == 0 || clock_type::now() >= drain_deadline_) {
                if (open != 0) log_line("drain deadline passed: closing %zu connections\n", open);
                ioc_.stop();
                return;
            }
            wait_drained();
        });
    }

    const config& cfg_;
    gate& keys_;
    any_store& store_;
    std::string store_name_;
    hooksig::replay_guard<any_store> guard_;
    eviction_reporter evictions_;
    metrics metrics_;
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    net::signal_set signals_;
    net::steady_timer drain_timer_;
    clock_type::time_point drain_deadline_;
    std::atomic<bool> draining_{false};
    std::optional<tcp::endpoint> upstream_;
    std::mutex sessions_mutex_;
    std::unordered_map<session*, std::weak_ptr<session>> sessions_;
};

/// Counts the connection; the buffer holds one head plus one read.
session::session(server& srv, tcp::socket&& socket)
    : srv_(srv), stream_(std::move(socket)), buffer_(srv.cfg().max_header_bytes + 64 * 1024) {
    srv_.stats().connections.fetch_add(1, std::memory_order_relaxed);
}

/// Uncounts the connection (and its request, if unanswered).
session::~session() {
    if (in_flight_) srv_.stats().in_flight.fetch_sub(1, std::memory_order_relaxed);
    srv_.stats().connections.fetch_sub(1, std::memory_order_relaxed);
    srv_.remove(this);
}

/// Registers for shutdown, then reads on the strand.
void session::run() {
    srv_.add(this, weak_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_request(); });
}

/// Closes a connection that waits for a request; others finish theirs first.
void session::close_if_idle() {
    if (phase_ == phase::idle) close();
}

/// Waits for the first byte of the next request under the idle timeout: the
/// request deadline starts only when a request starts.
void session::read_request() {
    if (srv_.draining()) return close();
    phase_ = phase::idle;
    if (buffer_.size() != 0) return start_request(); // pipelined bytes already here
    stream_.expires_after(srv_.cfg().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->on_first_bytes(ec, n);
    });
}

void session::on_first_bytes(beast::error_code ec, std::size_t n) {
    if (ec) return close(); // idle timeout, client gone, or shut down
    buffer_.commit(n);
    start_request();
}

/// Reads the request head under the whole-request deadline (--request-timeout).
void session::start_request() {
    phase_ = phase::reading;
    started_ = clock_type::now();
    const config& cfg = srv_.cfg();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(cfg.max_header_bytes));
    parser_->body_limit(cfg.max_body);
    stream_.expires_after(cfg.request_timeout);
    http::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->on_header(ec, n);
    });
}

void session::on_header(beast::error_code ec, std::size_t) {
    metrics& m = srv_.stats();
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
        m.header_too_large.fetch_add(1, std::memory_order_relaxed);
        return answer(431, "request header fields too large\n", false);
    }
    if (ec == http::error::body_limit) { // Content-Length over --max-body: refused before the body
        m.too_large.fetch_add(1, std::memory_order_relaxed);
        log_line("delivery id=- verdict=too_large status=413 key=- latency_ms=0.000 reason=\"body over %zu bytes\"\n",
                 srv_.cfg().max_body);
        return answer(413, "payload too large\n", false);
    }
    if (ec == beast::error::timeout) {
        m.timed_out.fetch_add(1, std::memory_order_relaxed);
        return close();
    }
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset)
        return close();
    if (ec) {
        m.bad_request.fetch_add(1, std::memory_order_relaxed);
        return answer(400, "bad request\n", false);
    }
    phase_ = phase::busy;
    in_flight_ = true;
    m.in_flight.fetch_add(1, std::memory_order_relaxed);

    const auto& request = parser_->get();
    headers_.clear();
    for (const auto& field : request) {
        if (headers_.size() >= srv_.cfg().max_headers) {
            m.header_too_large.fetch_add(1, std::memory_order_relaxed);
            return answer(431, "too many header fields\n", false);
        }
        headers_.emplace_back(field.name_string(), field.value());
    }
    const std::string_view target = request.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (request.method() == http::verb::get || request.method() == http::verb::head) {
        if (!parser_->is_done()) return answer(400, "a GET has no body\n", false);
        if (path == "/healthz") {
            std::string why;
            if (srv_.healthy(why)) return answer(200, "ok\n", request.keep_alive());
            return answer(503, "unhealthy: " + why + "\n", request.keep_alive());
        }
        if (path == "/metrics")
            return answer(200, srv_.metrics_text(), request.keep_alive(), "text/plain; version=0.0.4");
        return answer(404, "not found\n", request.keep_alive());
    }
    if (request.method() != http::verb::post) return answer(405, "method not allowed\n", false);

    // Early rejection from the headers alone: the body is not read.
    if (const std::error_code early = srv_.keys().early(headers_)) {
        m.count_invalid(early);
        log_delivery("invalid", status_for(early), "-", early.message(), false);
        early_reject_ = true;
        // A small announced body is read and dropped to keep the connection; anything else closes it.
        const auto length = parser_->content_length();
        const bool expects_continue = hooksig::header_name_equal(request[http::field::expect], "100-continue");
        const bool drain = !parser_->is_done() && !expects_continue && !parser_->chunked() && length && *length <= 65536;
        if (drain) return read_body();
        return answer(status_for(early), "invalid: " + early.message() + "\n", parser_->is_done() && request.keep_alive());
    }
    early_reject_ = false;
    if (parser_->is_done()) return deliver();
    if (hooksig::header_name_equal(request[http::field::expect], "100-continue")) {
        static const std::string continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
        return net::async_write(stream_, net::buffer(continue_line),
                                [self = shared_from_this()](beast::error_code e, std::size_t) {
                                    if (e) return self->close();
                                    self->read_body();
                                });
    }
    read_body();
}

void session::read_body() {
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->on_body(ec, n);
    });
}

void session::on_body(beast::error_code ec, std::size_t) {
    metrics& m = srv_.stats();
    if (ec == http::error::body_limit) { // chunked body over --max-body
        m.too_large.fetch_add(1, std::memory_order_relaxed);
        log_delivery("too_large", 413, "-", "body over " + std::to_string(srv_.cfg().max_body) + " bytes", false);
        return answer(413, "payload too large\n", false);
    }
    if (ec == beast::error::timeout) m.timed_out.fetch_add(1, std::memory_order_relaxed);
    if (ec) return close();
    if (early_reject_) { // the verdict was given from the headers; the body was only drained
        const std::error_code early = srv_.keys().early(headers_);
        const int status = early ? status_for(early) : 401;
        return answer(status, "invalid: " + (early ? early.message() : std::string("rejected")) + "\n",
                      parser_->get().keep_alive());
    }
    deliver();
}

/// Verifies the buffered delivery, checks the replay store, answers or forwards.
void session::deliver() {
    metrics& m = srv_.stats();
    const auto& request = parser_->get();
    const std::string& body = request.body();
    const auto t0 = clock_type::now();
    const verdict verified = srv_.keys().verify(headers_, body);
    const auto took = clock_type::now() - t0;
    m.observe_verify(took);
    const bool keep = request.keep_alive();
    if (verified.error) {
        m.count_invalid(verified.error);
        log_delivery("invalid", status_for(verified.error), "-", verified.error.message(), true);
        return answer(status_for(verified.error), "invalid: " + verified.error.message() + "\n", keep);
    }
    // With --forward the id is only reserved until the upstream answers (commit
    // on its 2xx, release otherwise): a crash mid-forward leaves a reservation
    // that runs out, so the provider's retry is processed rather than lost.
    std::string id;
    hooksig::replay_result seen;
    if (const std::error_code bad = srv_.keys().replay_id(headers_, body, id)) seen.error = bad;
    else if (srv_.upstream()) seen = srv_.guard().reserve(id, srv_.reservation_ttl());
    else seen = srv_.guard().check(id);
    srv_.evictions().check(srv_.guard().store_stats());
    if (seen.error) {
        m.store_unavailable.fetch_add(1, std::memory_order_relaxed);
        log_delivery("unavailable", 503, verified.key_id, seen.error.message(), true);
        return answer(503, "store unavailable\n", keep);
    }
    if (seen.duplicate()) {
        m.duplicate.fetch_add(1, std::memory_order_relaxed);
        log_delivery("duplicate", 200, verified.key_id, "-", true);
        return answer(200, "duplicate\n", keep);
    }
    if (srv_.upstream()) return forward(std::move(id), verified.key_id);
    m.accepted.fetch_add(1, std::memory_order_relaxed);
    log_delivery("accepted", 200, verified.key_id,
                 seen.store_failure ? "fail-open: " + seen.store_failure.message() : std::string("-"), true);
    answer(200, "accepted\n", keep);
}

/// Sends the delivery upstream with its headers plus hooksig-key-id, on this
/// connection's upstream connection (reconnecting when it is older than 2 s
/// idle, so a server's idle close is not mistaken for a failure).
void session::forward(std::string id, std::string key_id) {
    const config& cfg = srv_.cfg();
    const auto& request = parser_->get();
    upstream_request_.emplace(http::verb::post, cfg.forward_target, 11);
    for (const auto& field : request)
        if (!hop_by_hop(field.name_string())) upstream_request_->insert(field.name_string(), field.value());
    upstream_request_->set(http::field::host, cfg.forward_host + ":" + std::to_string(cfg.forward_port));
    upstream_request_->set("hooksig-key-id", key_id);
    upstream_request_->keep_alive(true);
    upstream_request_->body() = request.body();
    upstream_request_->prepare_payload();
    upstream_response_.emplace();
    upstream_response_->body_limit(1024 * 1024);

    forward_id_ = std::move(id);
    forward_key_id_ = std::move(key_id);
    const bool fresh = upstream_ && clock_type::now() - upstream_used_ < std::chrono::seconds(2);
    if (!fresh) {
        upstream_.emplace(stream_.get_executor());
        upstream_buffer_.clear();
    }
    upstream_->expires_after(cfg.forward_timeout); // covers connect, send and answer
    if (fresh) return send_upstream();
    upstream_->async_connect(*srv_.upstream(), [self = shared_from_this()](beast::error_code ec) {
        if (ec) return self->on_forwarded(ec);
        beast::error_code ignored;
        self->upstream_->socket().set_option(tcp::no_delay(true), ignored);
        self->send_upstream();
    });
}

/// Writes the prepared upstream request, then reads the answer.
void session::send_upstream() {
    http::async_write(*upstream_, *upstream_request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->on_forwarded(ec);
        http::async_read(*self->upstream_, self->upstream_buffer_, *self->upstream_response_,
                         [self](beast::error_code e, std::size_t) { self->on_forwarded(e); });
    });
}

/// The upstream answered (or failed): a 2xx is passed back and commits the
/// reserved id (full --ttl); anything else releases it so the provider's retry
/// is processed.
void session::on_forwarded(beast::error_code ec) {
    const std::string id = std::move(forward_id_);
    const std::string key_id = std::move(forward_key_id_);
    metrics& m = srv_.stats();
    const bool keep = parser_->get().keep_alive();
    std::string reason; // why the forward failed
    if (!ec) {
        auto& upstream = upstream_response_->get();
        const unsigned status = upstream.result_int();
        if (upstream.keep_alive()) upstream_used_ = clock_type::now();
        else upstream_.reset();
        if (status >= 200 && status < 300) {
            // The upstream processed it: its 2xx is answered whatever the commit gives.
            if (const std::error_code failed = srv_.guard().commit(id)) {
                m.commit_failed.fetch_add(1, std::memory_order_relaxed);
                log_line("error: could not commit id after the upstream's %u (%s): a retry after the reservation "
                         "runs out may be forwarded again\n",
                         status, failed.message().c_str());
            }
            m.forwarded.fetch_add(1, std::memory_order_relaxed);
            log_delivery("forwarded", static_cast<int>(status), key_id, "-", true);
            const std::string type(upstream[http::field::content_type]);
            return answer(static_cast<int>(status), std::move(upstream.body()), keep, type.empty() ? "text/plain" : type);
        }
        reason = "upstream: HTTP " + std::to_string(status);
    } else {
        upstream_.reset();
        reason = "upstream: " + ec.message();
    }
    if (const std::error_code released = srv_.guard().release(id)) {
        m.release_failed.fetch_add(1, std::memory_order_relaxed);
        log_line("error: could not release id after a failed forward (%s): its retries are duplicates until "
                 "its reservation runs out (%lld s)\n",
                 released.message().c_str(), static_cast<long long>(srv_.reservation_ttl().count()));
    }
    m.upstream_failed.fetch_add(1, std::memory_order_relaxed);
    log_delivery("upstream_failed", 503, key_id, reason, true);
    answer(503, "upstream unavailable\n", keep);
}

/// Writes the answer; closes afterwards unless `keep_alive` (and not draining).
void session::answer(int status, std::string body, bool keep_alive, std::string_view content_type) {
    phase_ = phase::busy;
    const bool keep = keep_alive && !srv_.draining();
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(status));
    response_.set(http::field::content_type, content_type);
    response_.body() = std::move(body);
    response_.keep_alive(keep);
    response_.prepare_payload();
    stream_.expires_after(srv_.cfg().request_timeout); // a client that does not read its answer is cut too
    http::async_write(stream_, response_, [self = shared_from_this(), keep](beast::error_code ec, std::size_t n) {
        self->on_written(!keep, ec, n);
    });
}

void session::on_written(bool close_after, beast::error_code ec, std::size_t) {
    finish_request();
    if (ec || close_after) return close();
    read_request();
}

void session::finish_request() {
    if (in_flight_) srv_.stats().in_flight.fetch_sub(1, std::memory_order_relaxed);
    in_flight_ = false;
    parser_.reset();
    headers_.clear();
}

void session::close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
    if (upstream_) upstream_->close();
}

void session::log_delivery(const char* verdict, int status, const std::string& key_id, const std::string& reason,
                           bool with_body) {
    const std::string id = srv_.keys().log_id(headers_, with_body ? &parser_->get().body() : nullptr);
    const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - started_).count();
    log_line("delivery id=%s verdict=%s status=%d key=%s latency_ms=%.3f reason=\"%s\"\n", id.c_str(), verdict, status,
             key_id.empty() ? "-" : key_id.c_str(), ms, reason.c_str());
}

/// Builds the store, the gate and the server for `scheme`, then serves.
template <class Scheme>
int serve(const config& cfg, const Scheme& scheme) {
    scheme_gate<Scheme> keys(cfg, scheme);
    if (const std::string failed = keys.reload(); !failed.empty()) {
        const std::string& source = !cfg.keyring_path.empty() ? cfg.keyring_path
                                    : !cfg.secret_file.empty() ? cfg.secret_file : std::string("HOOKSIG_SECRET");
        std::fprintf(stderr, "hooksig-receiver: %s: %s\n", source.c_str(), failed.c_str());
        return 2;
    }
    std::unique_ptr<any_store> store;
    std::string store_name;
    if (!cfg.redis_host.empty()) {
#ifdef HOOKSIG_RECEIVER_REDIS
        hooksig::redis_options redis;
        redis.host = cfg.redis_host;
        redis.port = cfg.redis_port;
        redis.reconnect_interval = std::chrono::milliseconds(200); // back within 1 s of Redis returning
        auto shared = std::make_unique<store_adapter<hooksig::redis_store>>(redis);
        if (const std::error_code down = shared->store.ping())
            log_line("warning: redis %s:%d: %s (answering 503 until it is back)\n", cfg.redis_host.c_str(),
                     cfg.redis_port, down.message().c_str());
        store = std::move(shared);
        store_name = "redis " + cfg.redis_host + ":" + std::to_string(cfg.redis_port);
#else
        throw usage_error("--redis: this hooksig-receiver was built without hiredis");
#endif
    } else {
        store = std::make_unique<store_adapter<hooksig::memory_store<>>>(static_cast<std::size_t>(cfg.capacity));
        store_name = "memory (" + std::to_string(cfg.capacity) + " ids)";
    }
    server srv(cfg, keys, *store, store_name);
    const int port = srv.listen();
    if (port <= 0) return 1;
    const unsigned threads = cfg.threads != 0 ? cfg.threads : std::max(1u, std::thread::hardware_concurrency());
    std::string forward = "-";
    if (!cfg.forward_host.empty())
        forward = "http://" + cfg.forward_host + ":" + std::to_string(cfg.forward_port) + cfg.forward_target;
    log_line("listening %s:%d scheme=%s keys=[%s] store=%s on_store_failure=%s ttl=%lds forward=%s threads=%u "
             "max_body=%zu\n",
             cfg.listen_host.c_str(), port, keys.scheme_name().c_str(), keys.key_ids().c_str(), store_name.c_str(),
             cfg.fail_open ? "open" : "closed", cfg.ttl, forward.c_str(), threads, cfg.max_body);
    return srv.run(threads);
}

/// Calls `f` with the scheme --scheme names.
template <class F>
int with_scheme(const config& cfg, F&& f) {
    hooksig::scheme_config options;
    if (!cfg.header_name.empty()) options.header_name = cfg.header_name;
    if (!cfg.url.empty()) options.url = cfg.url;
    int result = 2;
    const hooksig::scheme_choice_error chosen =
        hooksig::with_scheme(cfg.scheme, options, [&](const auto& scheme) { result = f(scheme); });
    if (!chosen)
        throw usage_error(chosen.reason == "unknown scheme" ? "unknown --scheme (known: " + hooksig::scheme_names() + ")"
                                                            : std::string(chosen.reason));
    return result;
}

} // namespace
} // namespace receiver

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN); // a client hanging up mid-response must not kill the server
    // SIGHUP / SIGTERM / SIGINT are handled by the io_context's signal_set; block
    // them until it exists so an early one is not fatal.
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGHUP);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
    try {
        const receiver::config cfg = receiver::parse_args(argc, argv);
        return receiver::with_scheme(cfg, [&](const auto& scheme) { return receiver::serve(cfg, scheme); });
    } catch (const receiver::usage_error& e) {
        std::fprintf(stderr, "hooksig-receiver: %s\n%s", e.what(), receiver::usage_text);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hooksig-receiver: %s\n", e.what());
        return 1;
    }
}
