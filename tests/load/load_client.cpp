// hooksig-load: a small HTTP/1.1 load client for hooksig-receiver (and the Node
// receiver beside it), loopback only. Signs Standard Webhooks deliveries with
// hooksig's signer, sends them from N connections (keep-alive or a new
// connection per request) and prints one JSON line: requests per second,
// latency percentiles, the largest latency and the count of each status.
//
//   hooksig-load --port P --secret-file F [--mode valid|duplicate|invalid] [--connections 8]
//                [--seconds 5 | --requests N] [--new-connection] [--body-bytes 1024]
//                [--retry] [--ids-out FILE] [--timeline FILE] [--slow N]
//
// --retry: send each delivery (one id) until it gets a 2xx, re-signing each
// attempt; --ids-out lists the ids delivered. --timeline writes "unix_ms status"
// per request. --slow N: N more connections sending one header byte every 2 s,
// reported by when the server cut them.
#include <hooksig/hooksig.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

/// Command-line settings.
struct settings {
    int port = 0;
    std::string secret_file;
    std::string mode = "valid";
    int connections = 8;
    double seconds = 5;
    long requests = 0; ///< when > 0: total deliveries instead of a duration
    bool new_connection = false;
    std::size_t body_bytes = 1024;
    bool retry = false;
    std::string ids_out;
    std::string timeline;
    int slow = 0;
};

/// Connects to 127.0.0.1:port with TCP_NODELAY; -1 on failure.
int connect_local(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<unsigned short>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval limit{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    return fd;
}

/// Sends all of `data`; false on error.
bool send_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

/// Reads one response; returns its status (0 on error) and whether the server closes.
int read_response(int fd, std::string& buffer, bool& server_closes) {
    std::size_t head_end;
    char chunk[16384];
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return 0;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
    const std::string head = buffer.substr(0, head_end);
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const int status = head.size() > 12 ? std::atoi(head.c_str() + 9) : 0;
    std::size_t length = 0;
    if (const auto at = lower.find("\r\ncontent-length:"); at != std::string::npos)
        length = static_cast<std::size_t>(std::strtoul(lower.c_str() + at + 17, nullptr, 10));
    server_closes = lower.find("\r\nconnection: close") != std::string::npos || head.compare(0, 8, "HTTP/1.0") == 0;
    while (buffer.size() < head_end + 4 + length) {
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return 0;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
    buffer.erase(0, head_end + 4 + length);
    return status;
}

/// The request bytes for `body` with `headers`.
std::string make_request(const std::vector<hooksig::header>& headers, const std::string& body, bool close) {
    std::string r = "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    if (close) r += "Connection: close\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    for (const hooksig::header& h : headers) r += h.name + ": " + h.value + "\r\n";
    return r + "\r\n" + body;
}

/// What one worker measured.
struct tally {
    std::vector<double> latency_ms;
    std::map<int, long> statuses;
    std::vector<std::pair<long long, int>> timeline;
    std::vector<std::string> delivered;
    long retries = 0;
};

/// The slow connections' report.
struct slow_report {
    int opened = 0, cut = 0;
    std::vector<double> cut_after_s;
};

/// Opens `n` connections that send one header byte every 2 s until `stop`;
/// records when the server closes each.
void run_slow(int port, int n, const std::atomic<bool>& stop, slow_report& out) {
    const std::string head = "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nx-slow: " + std::string(4096, 'a');
    struct conn { int fd; std::size_t sent; clock_type::time_point opened; bool open; };
    std::vector<conn> conns;
    for (int i = 0; i < n; ++i) {
        const int fd = connect_local(port);
        if (fd >= 0) conns.push_back({fd, 0, clock_type::now(), true});
    }
    out.opened = static_cast<int>(conns.size());
    // Every 100 ms: notice connections the server closed; every 2 s: one more byte on each.
    for (long tick = 0; !stop.load(); ++tick) {
        for (conn& c : conns) {
            if (!c.open) continue;
            char probe;
            const ssize_t peek = ::recv(c.fd, &probe, 1, MSG_DONTWAIT | MSG_PEEK);
            bool closed = peek >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
            if (!closed && tick % 20 == 0)
                closed = ::send(c.fd, head.data() + (c.sent++ % head.size()), 1, MSG_NOSIGNAL) <= 0;
            if (closed) {
                c.open = false;
                ++out.cut;
                out.cut_after_s.push_back(std::chrono::duration<double>(clock_type::now() - c.opened).count());
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (conn& c : conns) ::close(c.fd);
}

/// Percentile `p` (0..1) of sorted `v`.
double percentile(const std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    for (int i = 1; i < argc; ++i) {
        const std::string f = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) { std::fprintf(stderr, "hooksig-load: %s needs a value\n", f.c_str()); std::exit(2); }
            return argv[++i];
        };
        if (f == "--port") s.port = std::atoi(value().c_str());
        else if (f == "--secret-file") s.secret_file = value();
        else if (f == "--mode") s.mode = value();
        else if (f == "--connections") s.connections = std::atoi(value().c_str());
        else if (f == "--seconds") s.seconds = std::atof(value().c_str());
        else if (f == "--requests") s.requests = std::atol(value().c_str());
        else if (f == "--new-connection") s.new_connection = true;
        else if (f == "--body-bytes") s.body_bytes = static_cast<std::size_t>(std::atol(value().c_str()));
        else if (f == "--retry") s.retry = true;
        else if (f == "--ids-out") s.ids_out = value();
        else if (f == "--timeline") s.timeline = value();
        else if (f == "--slow") s.slow = std::atoi(value().c_str());
        else { std::fprintf(stderr, "hooksig-load: unknown argument #%d\n", i); return 2; }
    }
    std::ifstream in(s.secret_file);
    std::string secret_text;
    std::getline(in, secret_text);
    if (s.port <= 0 || secret_text.empty() || s.connections < 1) {
        std::fprintf(stderr, "usage: hooksig-load --port P --secret-file F [options]\n");
        return 2;
    }
    const hooksig::signer<hooksig::standard_webhooks> signer({hooksig::secret::parse(secret_text)});
    const hooksig::signer<hooksig::standard_webhooks> wrong({hooksig::secret::generate()});
    std::string body = "{\"type\":\"load.test\",\"data\":\"";
    body += std::string(s.body_bytes > body.size() + 3 ? s.body_bytes - body.size() - 3 : 0, 'x') + "\"}";
    const std::vector<hooksig::header> duplicate_headers = signer.sign(body);

    std::atomic<bool> stop{false};
    std::atomic<long> next{0};
    slow_report slow;
    std::thread slow_thread;
    if (s.slow > 0) {
        slow_thread = std::thread([&] { run_slow(s.port, s.slow, stop, slow); });
        std::this_thread::sleep_for(std::chrono::milliseconds(500)); // let them connect first
    }
    std::vector<tally> tallies(static_cast<std::size_t>(s.connections));
    const auto start = clock_type::now();
    const auto deadline = start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s.seconds));
    std::vector<std::thread> workers;
    for (int w = 0; w < s.connections; ++w) {
        workers.emplace_back([&, w] {
            tally& t = tallies[static_cast<std::size_t>(w)];
            int fd = -1;
            std::string buffer;
            for (;;) {
                if (s.requests > 0 ? next.fetch_add(1) >= s.requests : clock_type::now() >= deadline) break;
                hooksig::sign_options options;
                const bool fresh_id = s.mode == "valid";
                std::vector<hooksig::header> headers =
                    s.mode == "duplicate" ? duplicate_headers : (s.mode == "invalid" ? wrong : signer).sign(body);
                std::string id;
                for (const auto& h : headers) if (h.name == "webhook-id") id = h.value;
                for (int attempt = 0;; ++attempt) {
                    if (attempt > 0) { // a retry: same id, fresh timestamp and signature
                        options.id = id;
                        headers = signer.sign(body, options);
                        ++t.retries;
                        std::this_thread::sleep_for(std::chrono::milliseconds(5));
                    }
                    const auto t0 = clock_type::now();
                    if (fd < 0) fd = connect_local(s.port), buffer.clear();
                    int status = 0;
                    bool closes = true;
                    if (fd >= 0 && send_all(fd, make_request(headers, body, s.new_connection)))
                        status = read_response(fd, buffer, closes);
                    const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
                    if (status == 0 || closes || s.new_connection) { if (fd >= 0) ::close(fd); fd = -1; }
                    t.latency_ms.push_back(ms);
                    ++t.statuses[status];
                    if (!s.timeline.empty())
                        t.timeline.emplace_back(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    std::chrono::system_clock::now().time_since_epoch()).count(), status);
                    const bool ok = status >= 200 && status < 300;
                    if (ok && fresh_id) t.delivered.push_back(id);
                    if (ok || !s.retry || attempt >= 1000) break;
                }
            }
            if (fd >= 0) ::close(fd);
        });
    }
    for (std::thread& w : workers) w.join();
    const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    stop = true;
    if (slow_thread.joinable()) slow_thread.join();

    tally all;
    for (tally& t : tallies) {
        all.latency_ms.insert(all.latency_ms.end(), t.latency_ms.begin(), t.latency_ms.end());
        for (auto& [k, v] : t.statuses) all.statuses[k] += v;
        all.timeline.insert(all.timeline.end(), t.timeline.begin(), t.timeline.end());
        all.delivered.insert(all.delivered.end(), t.delivered.begin(), t.delivered.end());
        all.retries += t.retries;
    }
    std::sort(all.latency_ms.begin(), all.latency_ms.end());
    std::string statuses;
    for (auto& [k, v] : all.statuses) statuses += (statuses.empty() ? "" : ",") + ("\"" + std::to_string(k) + "\":" + std::to_string(v));
    long over_100ms = 0;
    for (const double ms : all.latency_ms) over_100ms += ms > 100 ? 1 : 0;
    std::printf("{\"mode\":\"%s\",\"connections\":%d,\"new_connection\":%s,\"requests\":%zu,\"seconds\":%.2f,"
                "\"rps\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"over_100ms\":%ld,\"retries\":%ld,"
                "\"statuses\":{%s}",
                s.mode.c_str(), s.connections, s.new_connection ? "true" : "false", all.latency_ms.size(), elapsed,
                static_cast<double>(all.latency_ms.size()) / elapsed, percentile(all.latency_ms, 0.5),
                percentile(all.latency_ms, 0.99), all.latency_ms.empty() ? 0.0 : all.latency_ms.back(), over_100ms,
                all.retries, statuses.c_str());
    if (s.slow > 0) {
        std::sort(slow.cut_after_s.begin(), slow.cut_after_s.end());
        std::printf(",\"slow_opened\":%d,\"slow_cut\":%d,\"slow_cut_median_s\":%.1f,\"slow_cut_max_s\":%.1f", slow.opened,
                    slow.cut, percentile(slow.cut_after_s, 0.5), slow.cut_after_s.empty() ? 0.0 : slow.cut_after_s.back());
    }
    std::printf("}\n");
    if (!s.ids_out.empty()) {
        std::ofstream out(s.ids_out);
        for (const std::string& id : all.delivered) out << id << "\n";
    }
    if (!s.timeline.empty()) {
        std::sort(all.timeline.begin(), all.timeline.end());
        std::ofstream out(s.timeline);
        for (auto& [ms, status] : all.timeline) out << ms << " " << status << "\n";
    }
    return 0;
}
