// hooksig — webhook signing and verification. MIT License.
#pragma once

// Shared helpers for hooksig's fuzz targets (libFuzzer entry point
// LLVMFuzzerTestOneInput; see fuzz/README.md). Built by libFuzzer with clang,
// or linked with replay_main.cpp, which replays corpus files.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace hooksig_fuzz {

/// Reports a broken property and aborts, so libFuzzer (and the replayer, and
/// ctest) see a crash. Unlike assert(), it is active in release builds.
[[noreturn]] inline void fail(const char* what, const char* file, int line) noexcept {
    std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", file, line, what);
    std::fflush(stderr);
    std::abort();
}

/// Checks a property of the code under test on every build type.
#define HOOKSIG_FUZZ_CHECK(condition)                                                                                  \
    do {                                                                                                               \
        if (!(condition)) ::hooksig_fuzz::fail(#condition, __FILE__, __LINE__);                                        \
    } while (0)

/// Consumes a fuzz input front to back: small integers from the front, the
/// rest as text. Running out of bytes yields zeros and empty strings, never an
/// error, so every input is a valid test case.
class input {
public:
    /// Views `size` bytes at `data` (not copied; the caller keeps them alive).
    input(const std::uint8_t* data, std::size_t size) noexcept
        : rest_(reinterpret_cast<const char*>(data), size) {}

    /// The next byte, or 0 when none is left.
    std::uint8_t byte() noexcept {
        if (rest_.empty()) return 0;
        const auto b = static_cast<std::uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return b;
    }

    /// A value in [0, bound) taken from one or two bytes (bound > 0).
    std::size_t below(std::size_t bound) noexcept {
        const std::size_t raw = bound > 256 ? (std::size_t{byte()} << 8 | byte()) : byte();
        return raw % bound;
    }

    /// The next `size` bytes (fewer if the input ends first).
    std::string_view take(std::size_t size) noexcept {
        const std::string_view part = rest_.substr(0, size);
        rest_.remove_prefix(part.size());
        return part;
    }

    /// Everything not yet consumed.
    std::string_view rest() noexcept {
        const std::string_view all = rest_;
        rest_ = {};
        return all;
    }

    /// Bytes not yet consumed.
    std::size_t remaining() const noexcept { return rest_.size(); }

private:
    std::string_view rest_;
};

/// Views text as bytes.
inline const std::uint8_t* bytes(std::string_view text) noexcept {
    return reinterpret_cast<const std::uint8_t*>(text.data());
}

/// ASCII lower case, for reference header-name matching.
inline std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace hooksig_fuzz
