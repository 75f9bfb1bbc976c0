// hooksig — webhook signing and verification. MIT License.
#pragma once

/// What the benchmark sources share: fixed id and time, bodies, the
/// allocation counter's scope and the verify loop.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <hooksig/clock.hpp>
#include <hooksig/verifier.hpp>

#include "alloc_counter.hpp"

namespace hooksig_bench {

using headers_t = std::vector<std::pair<std::string, std::string>>;

inline constexpr hooksig::unix_seconds fixed_now = 1700000000;
inline constexpr std::string_view fixed_id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";

/// A JSON-looking body of exactly `size` bytes.
inline std::string make_body(std::size_t size) {
    static constexpr std::string_view chunk = R"({"type":"invoice.paid","data":{"id":"in_1NqXyZ","amount":4200}},)";
    std::string body;
    body.reserve(size);
    while (body.size() < size) body.append(chunk.substr(0, std::min(chunk.size(), size - body.size())));
    return body;
}

/// Measures allocations over the timed loop and publishes the common counters.
class alloc_scope {
public:
    /// Starts counting for `state`'s timed loop.
    explicit alloc_scope(benchmark::State& state) : state_(state), start_(allocations()) {}
    ~alloc_scope() {
        const auto made = static_cast<double>(allocations() - start_);
        const auto iterations = static_cast<double>(state_.iterations());
        state_.counters["allocs_per_op"] = iterations > 0 ? made / iterations : 0;
        state_.SetBytesProcessed(static_cast<std::int64_t>(state_.iterations()) * state_.range(0));
    }
    alloc_scope(const alloc_scope&) = delete;
    alloc_scope& operator=(const alloc_scope&) = delete;

private:
    benchmark::State& state_;
    std::uint64_t start_;
};

/// Runs a verifier over headers in the timed loop; a failed verification
/// aborts the benchmark (it would measure an error path).
template <class Verifier>
void run_verify(benchmark::State& state, const Verifier& verifier, const headers_t& headers, const std::string& body,
                std::size_t expected_key) {
    {
        const hooksig::verify_result check = verifier.verify(headers, body, fixed_now);
        if (!check || check.key_index != expected_key) {
            state.SkipWithError("fixture does not verify with the expected key");
            return;
        }
    }
    alloc_scope allocs(state);
    for (auto _ : state) {
        auto result = verifier.verify(headers, body, fixed_now); // as callers write it: no slicing copy
        benchmark::DoNotOptimize(result);
    }
}

} // namespace hooksig_bench
