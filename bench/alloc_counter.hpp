// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Heap allocation counting for the benchmarks: alloc_counter.cpp replaces every
/// global operator new / new[] (plain, aligned, nothrow) in this binary.

#include <cstdint>

namespace hooksig_bench {

/// Number of heap allocations made through operator new / new[] so far, all threads.
std::uint64_t allocations() noexcept;

} // namespace hooksig_bench
