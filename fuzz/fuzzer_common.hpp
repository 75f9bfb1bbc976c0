// hooksig — webhook signing and verification. MIT License.
#pragma once

// Shared helpers for hooksig's fuzz targets (libFuzzer entry point
// LLVMFuzzerTestOneInput; see fuzz/README.md). Built by libFuzzer with clang,
// or linked with replay_main.cpp, which replays corpus files.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <botan/base64.h>
#include <botan/hex.h>
#include <botan/mac.h>

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

/// Headers as the verify targets hand them to hooksig.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// A delivery read from a fuzz input laid out as
///
///     <now: decimal Unix seconds>\n
///     <name>: <value>\n        (any number of header lines)
///     \n
///     <body: raw bytes to the end>
///
/// A first line that is not 1..12 digits leaves `now` at its default. A header
/// line without ':' is a name with an empty value; one space after ':' is dropped.
struct delivery_input {
    long long now = 0;
    header_list headers;
    std::string_view body;
};

/// Splits `text` into now, headers and body (layout above).
inline delivery_input parse_delivery(std::string_view text, long long default_now) {
    delivery_input out;
    out.now = default_now;
    std::size_t eol = text.find('\n');
    const std::string_view first = text.substr(0, eol);
    if (!first.empty() && first.size() <= 12 && first.find_first_not_of("0123456789") == std::string_view::npos)
        out.now = std::stoll(std::string(first));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    while (!text.empty()) {
        eol = text.find('\n');
        const std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
        if (line.empty()) break;
        const std::size_t colon = line.find(':');
        std::string_view name = line.substr(0, colon), value;
        if (colon != std::string_view::npos) {
            value = line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        }
        out.headers.emplace_back(std::string(name), std::string(value));
    }
    out.body = text;
    return out;
}

/// Reference lookup with hooksig's alias rule: the first of `names` present
/// (case-insensitively) is picked; `repeated` when it appears more than once.
/// @return the picked value, or nullptr when none is present.
inline const std::string* pick_header(const header_list& headers, std::initializer_list<std::string_view> names,
                                      bool& repeated) {
    repeated = false;
    for (const std::string_view name : names) {
        const std::string* found = nullptr;
        int count = 0;
        for (const auto& h : headers)
            if (lower(h.first) == name) {
                found = &h.second;
                ++count;
            }
        if (count != 0) {
            repeated = count > 1;
            return found;
        }
    }
    return nullptr;
}

/// True for a canonical timestamp (1..12 digits, no leading zero) within
/// `tolerance` seconds of `now`; `canonical` says whether the text parsed.
inline bool fresh_timestamp(std::string_view text, long long now, long long tolerance, bool& canonical) {
    canonical = !text.empty() && text.size() <= 12 && text.find_first_not_of("0123456789") == std::string_view::npos &&
                (text.size() == 1 || text[0] != '0');
    if (!canonical) return false;
    const long long t = std::stoll(std::string(text));
    return (t > now ? t - now : now - t) <= tolerance;
}

/// HMAC-SHA256 by Botan's own MessageAuthenticationCode: the independent reference.
inline Botan::secure_vector<std::uint8_t> reference_hmac(const std::uint8_t* key, std::size_t key_size,
                                                         std::string_view content) {
    const auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(key, key_size);
    mac->update(bytes(content), content.size());
    return mac->final();
}

/// Lower-case hex of a reference MAC.
inline std::string reference_hex(const Botan::secure_vector<std::uint8_t>& mac) {
    return Botan::hex_encode(mac.data(), mac.size(), false);
}

/// Padded standard base64 of a reference MAC.
inline std::string reference_base64(const Botan::secure_vector<std::uint8_t>& mac) {
    return Botan::base64_encode(mac.data(), mac.size());
}

} // namespace hooksig_fuzz
