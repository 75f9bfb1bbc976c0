// hooksig-receiver: counters for GET /metrics (Prometheus text format 0.0.4).
#pragma once

#include <hooksig/error.hpp>

#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

namespace receiver {

/// Every counter the receiver exports; lock-free, updated from any thread.
struct metrics {
    using counter = std::atomic<std::uint64_t>;

    counter accepted{0};          ///< first seen, answered 200 (no --forward)
    counter duplicate{0};         ///< seen before, answered 200
    counter too_large{0};         ///< body over --max-body: 413
    counter forwarded{0};         ///< first seen, upstream answered 2xx
    counter upstream_failed{0};   ///< first seen, upstream failed: released, 503
    counter store_unavailable{0}; ///< replay store down: 503
    counter release_failed{0};    ///< an id could not be released after a failed forward
    counter commit_failed{0};     ///< an id could not be committed after the upstream's 2xx
    counter header_too_large{0};  ///< request head over the limits: 431
    counter bad_request{0};       ///< unparsable HTTP: 400
    counter timed_out{0};         ///< requests cut at --request-timeout
    counter connections_refused{0}; ///< connections closed at --max-connections
    counter reloads{0};           ///< key reloads that took effect
    counter reload_failures{0};   ///< key reloads refused (old keys kept)
    std::atomic<std::int64_t> in_flight{0};   ///< requests whose head arrived and that are not answered yet
    std::atomic<std::int64_t> connections{0}; ///< open client connections

    /// Invalid deliveries by hooksig::errc value (index 0: any other error).
    static constexpr std::size_t errc_slots = 64;
    std::array<counter, errc_slots> invalid{};

    /// Verify time histogram: upper bounds in seconds, then +Inf.
    static constexpr std::array<double, 11> bounds{1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2, 1e-1};
    std::array<counter, bounds.size() + 1> verify_buckets{};
    counter verify_count{0};
    counter verify_nanoseconds{0};

    /// Counts one invalid delivery under its errc.
    void count_invalid(const std::error_code& e) noexcept {
        const bool ours = e.category() == hooksig::error_category() && e.value() > 0 &&
                          static_cast<std::size_t>(e.value()) < errc_slots;
        invalid[ours ? static_cast<std::size_t>(e.value()) : 0].fetch_add(1, std::memory_order_relaxed);
    }

    /// Records one verification that took `took`.
    void observe_verify(std::chrono::nanoseconds took) noexcept {
        const double seconds = static_cast<double>(took.count()) * 1e-9;
        std::size_t i = 0;
        while (i < bounds.size() && seconds > bounds[i]) ++i;
        verify_buckets[i].fetch_add(1, std::memory_order_relaxed);
        verify_count.fetch_add(1, std::memory_order_relaxed);
        verify_nanoseconds.fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
    }

    /// The errc's name as a label value: its message in snake case
    /// ("no matching signature" -> no_matching_signature), "other" for index 0.
    static std::string errc_label(std::size_t value) {
        if (value == 0) return "other";
        std::string out;
        for (const char c : hooksig::error_category().message(static_cast<int>(value))) {
            if (c == '(') break;
            if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
            else if (!out.empty() && out.back() != '_') out.push_back('_');
        }
        while (!out.empty() && out.back() == '_') out.pop_back();
        return out.empty() ? "errc_" + std::to_string(value) : out;
    }

    /// The Prometheus text; `early_evictions` and `keys` come from the store and the ring.
    std::string render(std::uint64_t early_evictions, std::size_t keys, bool healthy) const {
        std::string out;
        const auto load = [](const counter& c) { return std::to_string(c.load(std::memory_order_relaxed)); };
        const auto line = [&out](const std::string& name, const std::string& labels, const std::string& value) {
            out += name;
            if (!labels.empty()) out += "{" + labels + "}";
            out += " " + value + "\n";
        };
        const auto head = [&out](const char* name, const char* type, const char* help) {
            out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
        };
        const std::string d = "hooksig_receiver_deliveries_total";
        head(d.c_str(), "counter", "Deliveries answered, by outcome (invalid ones by hooksig errc).");
        line(d, "outcome=\"accepted\"", load(accepted));
        line(d, "outcome=\"duplicate\"", load(duplicate));
        line(d, "outcome=\"too_large\"", load(too_large));
        line(d, "outcome=\"forwarded\"", load(forwarded));
        line(d, "outcome=\"upstream_failed\"", load(upstream_failed));
        line(d, "outcome=\"store_unavailable\"", load(store_unavailable));
        for (std::size_t i = 0; i < errc_slots; ++i) {
            const std::uint64_t n = invalid[i].load(std::memory_order_relaxed);
            if (n != 0 || i == 0) line(d, "outcome=\"invalid\",errc=\"" + errc_label(i) + "\"", std::to_string(n));
        }
        const std::string r = "hooksig_receiver_requests_rejected_total";
        head(r.c_str(), "counter", "Requests refused before they were deliveries, by reason.");
        line(r, "reason=\"header_too_large\"", load(header_too_large));
        line(r, "reason=\"bad_request\"", load(bad_request));
        line(r, "reason=\"timeout\"", load(timed_out));
        line(r, "reason=\"connection_limit\"", load(connections_refused));
        head("hooksig_receiver_release_failures_total", "counter",
             "Ids that stayed reserved after a failed forward (the store refused the release) until the reservation ran out.");
        line("hooksig_receiver_release_failures_total", "", load(release_failed));
        head("hooksig_receiver_commit_failures_total", "counter",
             "Forwarded ids left reserved after the upstream's 2xx (the store refused the commit): "
             "a retry after the reservation runs out is forwarded again.");
        line("hooksig_receiver_commit_failures_total", "", load(commit_failed));
        const std::string v = "hooksig_receiver_verify_seconds";
        head(v.c_str(), "histogram", "Time to verify one delivery's signature over its whole body.");
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < verify_buckets.size(); ++i) {
            cumulative += verify_buckets[i].load(std::memory_order_relaxed);
            char le[32];
            if (i < bounds.size()) std::snprintf(le, sizeof le, "%g", bounds[i]);
            else std::snprintf(le, sizeof le, "+Inf");
            line(v + "_bucket", std::string("le=\"") + le + "\"", std::to_string(cumulative));
        }
        char sum[48];
        std::snprintf(sum, sizeof sum, "%.9f", static_cast<double>(verify_nanoseconds.load(std::memory_order_relaxed)) * 1e-9);
        line(v + "_sum", "", sum);
        line(v + "_count", "", load(verify_count));
        head("hooksig_receiver_replay_early_evictions_total", "counter",
             "Ids the memory store dropped before their TTL (raise --capacity when this grows).");
        line("hooksig_receiver_replay_early_evictions_total", "", std::to_string(early_evictions));
        head("hooksig_receiver_keyring_reloads_total", "counter", "Key reloads that took effect.");
        line("hooksig_receiver_keyring_reloads_total", "", load(reloads));
        head("hooksig_receiver_keyring_reload_failures_total", "counter", "Key reloads refused; the previous keys stay.");
        line("hooksig_receiver_keyring_reload_failures_total", "", load(reload_failures));
        head("hooksig_receiver_keys", "gauge", "Keys held.");
        line("hooksig_receiver_keys", "", std::to_string(keys));
        head("hooksig_receiver_requests_in_flight", "gauge", "Requests received and not yet answered.");
        line("hooksig_receiver_requests_in_flight", "", std::to_string(in_flight.load(std::memory_order_relaxed)));
        head("hooksig_receiver_connections", "gauge", "Open client connections.");
        line("hooksig_receiver_connections", "", std::to_string(connections.load(std::memory_order_relaxed)));
        head("hooksig_receiver_healthy", "gauge", "1 when a key is usable and the replay store answers.");
        line("hooksig_receiver_healthy", "", healthy ? "1" : "0");
        return out;
    }
};

} // namespace receiver
