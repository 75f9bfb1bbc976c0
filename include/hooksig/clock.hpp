// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Clocks. Verifiers and keyrings take the clock as a template parameter so
/// tests (and replays of recorded traffic) can inject time: any type with a
/// `unix_seconds now() const` member works.

#include <chrono>
#include <cstdint>

namespace hooksig {

/// Seconds since the Unix epoch, UTC.
using unix_seconds = std::int64_t;

/// The default clock: the system's wall clock.
struct wall_clock {
    /// Current Unix time in whole seconds.
    unix_seconds now() const noexcept {
        using namespace std::chrono;
        return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
    }
};

/// A clock that always reads the same time; set `at` to move it.
struct fixed_clock {
    unix_seconds at = 0; ///< the time now() returns
    /// Returns `at`.
    unix_seconds now() const noexcept { return at; }
};

} // namespace hooksig
