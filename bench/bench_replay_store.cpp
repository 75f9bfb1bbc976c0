// Throughput and memory per entry of the replay guard's in-memory store, in the
// same binary as the verify benchmarks (hooksig_bench; main() is in hooksig_bench.cpp).
#include <benchmark/benchmark.h>

#include <hooksig/replay/memory_store.hpp>
#include <hooksig/replay/replay_guard.hpp>

#include <malloc.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

using namespace hooksig;

/// Keys as the guard makes them for Standard Webhooks ids: "hooksig:id:msg_" + 32 hex.
std::vector<std::string> make_keys(std::size_t n) {
    std::vector<std::string> keys;
    keys.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        char id[64];
        std::snprintf(id, sizeof id, "hooksig:id:msg_%032llx", i * 0x9E3779B97F4A7C15ull);
        keys.emplace_back(id);
    }
    return keys;
}

const std::vector<std::string>& keys() {
    static const std::vector<std::string> all = make_keys(1 << 20);
    return all;
}

/// Floor: the SHA-256 fingerprint every check computes.
void BM_fingerprint_floor(benchmark::State& state) {
    const auto& k = keys();
    std::size_t i = 0;
    std::uint8_t digest[32];
    for (auto _ : state) {
        detail::sha256(k[i++ & (k.size() - 1)], digest);
        benchmark::DoNotOptimize(digest);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_fingerprint_floor);

/// New ids into a full store (steady state: every insert evicts the oldest).
void BM_insert_first_seen(benchmark::State& state) {
    static memory_store<> store(static_cast<std::size_t>(state.range(0)));
    const auto& k = keys();
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
    bool inserted = false;
    for (auto _ : state) {
        (void)store.insert(k[i++ & (k.size() - 1)], std::chrono::seconds(32400), inserted);
        benchmark::DoNotOptimize(inserted);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_insert_first_seen)->Arg(100000)->Threads(1)->Threads(2);

/// Ids already held: every check answers duplicate.
void BM_insert_duplicate(benchmark::State& state) {
    static memory_store<> store(1 << 16);
    static const bool filled = [] {
        bool inserted = false;
        for (std::size_t i = 0; i < (1 << 16); ++i) (void)store.insert(keys()[i], std::chrono::seconds(32400), inserted);
        return true;
    }();
    benchmark::DoNotOptimize(filled);
    const auto& k = keys();
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
    bool inserted = true;
    for (auto _ : state) {
        (void)store.insert(k[i++ & ((1 << 16) - 1)], std::chrono::seconds(32400), inserted);
        benchmark::DoNotOptimize(inserted);
    }
    if (inserted) state.SkipWithError("a held id was reported first seen");
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_insert_duplicate)->Threads(1)->Threads(2);

/// The whole guard: key building (prefix + id) and the store.
void BM_guard_check(benchmark::State& state) {
    static memory_store<> store(100000);
    static replay_guard<memory_store<>> guard(store);
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
    char id[40];
    for (auto _ : state) {
        std::snprintf(id, sizeof id, "msg_%032llx", (i++) * 0x9E3779B97F4A7C15ull);
        const replay_result r = guard.check(id);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_guard_check)->Threads(1)->Threads(2);

/// Memory per entry: heap growth (mallinfo2) to build and fill a store of N.
void BM_memory_per_entry(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    double per_entry = 0, reserved_per_entry = 0;
    (void)keys(); // build the key list before measuring
    for (auto _ : state) {
        const std::size_t before = mallinfo2().uordblks + mallinfo2().hblkhd;
        {
            memory_store<> store(n);
            bool inserted = false;
            for (std::size_t i = 0; i < n; ++i) (void)store.insert(keys()[i], std::chrono::seconds(60), inserted);
            const std::size_t after = mallinfo2().uordblks + mallinfo2().hblkhd;
            per_entry = static_cast<double>(after - before) / static_cast<double>(n);
            reserved_per_entry = static_cast<double>(store.memory_bytes()) / static_cast<double>(n);
        }
    }
    state.counters["heap_bytes_per_entry"] = per_entry;
    state.counters["reserved_bytes_per_entry"] = reserved_per_entry;
}
BENCHMARK(BM_memory_per_entry)->Arg(100000)->Arg(1 << 20)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

} // namespace

