// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Ed25519 (RFC 8032, pure) as a signature algorithm: Standard Webhooks `v1a`
/// and Discord. The curve arithmetic is the platform's (libsodium or Botan,
/// detail/platform/ed25519.hpp); what is hooksig's own are the checks those
/// libraries do not all make: a signature's S must be below the group order
/// (Botan 2.19 accepts S + L), a public key must not be a small-order point
/// (with one, a fixed forged signature verifies for every message), and a
/// 64-byte secret key's public half must be its seed's.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <system_error>

#include "../ct.hpp"
#include "../detail/ctgrind.hpp"
#include "../detail/platform/botan.hpp"
#include "../detail/platform/ed25519.hpp"
#include "../error.hpp"
#include "algorithm.hpp"

namespace hooksig {

/// Bytes of an Ed25519 signature (R then S).
inline constexpr std::size_t ed25519_signature_size = 64;
/// Bytes of an Ed25519 public key.
inline constexpr std::size_t ed25519_public_key_size = 32;
/// Bytes of an Ed25519 seed (the secret from which the key pair is derived).
inline constexpr std::size_t ed25519_seed_size = 32;

namespace algorithms {
struct ed25519;
} // namespace algorithms

namespace detail {

/// The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
inline constexpr std::uint8_t ed25519_group_order[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

/// True when the little-endian scalar `s` (a signature's second half) is
/// below L, as RFC 8032 section 5.1.7 requires. Signatures are public: not
/// constant time.
constexpr bool ed25519_scalar_canonical(const std::uint8_t s[32]) noexcept {
    for (std::size_t i = 32; i-- > 0;) {
        if (s[i] != ed25519_group_order[i]) return s[i] < ed25519_group_order[i];
    }
    return false; // s == L
}

/// The y coordinates (sign bit cleared) of the eight small-order points —
/// 0, 1, p - 1 and the two of order 8 — and the non-canonical p and p + 1
/// (libsodium's list). A key with one of these, or any y >= p, is refused.
inline constexpr std::uint8_t ed25519_small_order_y[7][32] = {
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
    {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
     0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
     0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}};

/// True when `key` encodes a small-order point or a y coordinate >= p (a
/// non-canonical encoding). Public keys are public: not constant time.
constexpr bool ed25519_public_key_weak(const std::uint8_t key[32]) noexcept {
    std::uint8_t y[32] = {};
    for (std::size_t i = 0; i < 32; ++i) y[i] = key[i];
    y[31] &= 0x7f; // the sign of x
    for (const auto& bad : ed25519_small_order_y) {
        bool same = true;
        for (std::size_t i = 0; i < 32; ++i) same = same && y[i] == bad[i];
        if (same) return true;
    }
    // y >= p = 2^255 - 19: 0x7f, thirty 0xff, then a low byte >= 0xed.
    if (y[31] != 0x7f) return false;
    for (std::size_t i = 30; i > 0; --i)
        if (y[i] != 0xff) return false;
    return y[0] >= 0xed;
}

/// The signed content's parts laid end to end, as Ed25519 needs one message:
/// on the stack up to 4 KiB, else in one heap block (nothrow).
class joined_message {
public:
    joined_message() = default;
    joined_message(const joined_message&) = delete;
    joined_message& operator=(const joined_message&) = delete;

    /// Copies `parts` in order; false when the heap block could not be had.
    template <class... Parts>
    bool join(const Parts&... parts) noexcept {
        size_ = (std::size_t{0} + ... + std::string_view(parts).size());
        std::uint8_t* at = stack_;
        if (size_ > sizeof stack_) {
            heap_.reset(new (std::nothrow) std::uint8_t[size_]);
            if (!heap_) return false;
            at = heap_.get();
        }
        data_ = at;
        const auto copy = [&at](std::string_view part) {
            if (!part.empty()) std::memcpy(at, part.data(), part.size());
            at += part.size();
        };
        (copy(std::string_view(parts)), ...);
        return true;
    }

    /// The joined bytes (valid after a successful join()).
    const std::uint8_t* data() const noexcept { return data_; }
    /// Their number.
    std::size_t size() const noexcept { return size_; }

private:
    std::uint8_t stack_[4096];
    std::unique_ptr<std::uint8_t[]> heap_;
    const std::uint8_t* data_ = stack_;
    std::size_t size_ = 0;
};

} // namespace detail

/// An Ed25519 public key that verifies: 32 bytes, never a small-order point.
/// Public data; copyable; building and using it allocate nothing.
class ed25519_public_key {
public:
    /// The signature algorithm this key belongs to.
    using algorithm = algorithms::ed25519;

    /// An all-zero placeholder; make() fills one.
    ed25519_public_key() = default;

    /// Makes a key from 32 raw bytes.
    /// @return errc::invalid_secret_length unless `size` is 32; errc::weak_public_key
    ///         for a small-order point or a non-canonical encoding.
    [[nodiscard]] static std::error_code make(const std::uint8_t* bytes, std::size_t size,
                                              ed25519_public_key& out) noexcept {
        if (size != ed25519_public_key_size) return errc::invalid_secret_length;
        if (detail::ed25519_public_key_weak(bytes)) return errc::weak_public_key;
        std::memcpy(out.bytes_, bytes, ed25519_public_key_size);
        return {};
    }

    /// The 32 key bytes.
    const std::uint8_t* data() const noexcept { return bytes_; }

    /// True when `signature` (64 bytes) signs `message` under this key. S must
    /// be below the group order; then the platform verifies. Never throws.
    bool verify(const std::uint8_t signature[ed25519_signature_size], const std::uint8_t* message,
                std::size_t size) const noexcept {
        if (!detail::ed25519_scalar_canonical(signature + 32)) return false;
        return detail::platform::ed25519_verify(signature, message, size, bytes_);
    }

    /// Byte equality (public data).
    friend bool operator==(const ed25519_public_key& a, const ed25519_public_key& b) noexcept {
        return std::memcmp(a.bytes_, b.bytes_, ed25519_public_key_size) == 0;
    }

private:
    std::uint8_t bytes_[ed25519_public_key_size] = {};
};

/// An Ed25519 secret key that signs: the seed and its public key, in
/// zeroizing memory. Move-only in effect (copying copies the secret into
/// another zeroizing buffer).
class ed25519_secret_key {
public:
    /// The signature algorithm this key belongs to.
    using algorithm = algorithms::ed25519;

    /// An empty key; from_bytes or generate fill one.
    ed25519_secret_key() = default;

    /// Makes a key from a 32-byte seed, or 64 bytes of seed then public key
    /// (svix-server's form), whose public half must be the seed's.
    /// @return errc::invalid_secret_length unless 32 or 64 bytes;
    ///         errc::key_pair_mismatch when the public half is not the seed's
    ///         (signing with it would leak the key); errc::weak_public_key
    ///         (never for a real seed); std::errc::not_enough_memory.
    [[nodiscard]] static std::error_code from_bytes(const std::uint8_t* bytes, std::size_t size,
                                                    ed25519_secret_key& out) noexcept {
        if (size != ed25519_seed_size && size != ed25519_seed_size + ed25519_public_key_size)
            return errc::invalid_secret_length;
        try {
            ed25519_secret_key made;
            made.key_.assign(bytes, bytes + ed25519_seed_size);
            made.key_.resize(ed25519_seed_size + ed25519_public_key_size);
            std::uint8_t* derived = made.key_.data() + ed25519_seed_size;
            detail::platform::ed25519_public_from_seed(made.key_.data(), derived);
            detail::ctgrind::unpoison(derived, ed25519_public_key_size); // a public key is public
            if (size == ed25519_seed_size + ed25519_public_key_size &&
                std::memcmp(derived, bytes + ed25519_seed_size, ed25519_public_key_size) != 0)
                return errc::key_pair_mismatch;
            if (const std::error_code weak = ed25519_public_key::make(derived, ed25519_public_key_size, made.public_))
                return weak;
            out = std::move(made);
            return {};
        } catch (const std::bad_alloc&) {
            return std::make_error_code(std::errc::not_enough_memory);
        } catch (...) {
            return errc::invalid_secret_encoding;
        }
    }

    /// Makes a new key from a 32-byte seed of the operating system's CSPRNG.
    /// @return errc::rng_failure, std::errc::not_enough_memory.
    [[nodiscard]] static std::error_code generate(ed25519_secret_key& out) noexcept {
        std::uint8_t seed[ed25519_seed_size];
        try {
            detail::platform::random_bytes(seed, sizeof seed);
        } catch (...) {
            return errc::rng_failure;
        }
        const std::error_code made = from_bytes(seed, sizeof seed, out);
        ct::wipe(seed, sizeof seed);
        return made;
    }

    /// True when no key is held.
    bool empty() const noexcept { return key_.empty(); }
    /// The public key that verifies this key's signatures.
    const ed25519_public_key& public_key() const noexcept { return public_; }
    /// Seed then public key, 64 bytes (secret).
    const std::uint8_t* seed_and_public() const noexcept { return key_.data(); }

    /// Signs the concatenation of `parts` into `out` (64 bytes). Allocates
    /// for messages over 4 KiB (and on Botan's PK API). Throws
    /// std::bad_alloc, or std::runtime_error when the platform fails.
    template <class... Parts>
    void sign(std::uint8_t out[ed25519_signature_size], const Parts&... parts) const {
        detail::joined_message message;
        if (!message.join(parts...)) throw std::bad_alloc();
        detail::platform::ed25519_sign(out, message.data(), message.size(), key_.data());
        detail::ctgrind::unpoison(out, ed25519_signature_size); // a signature is public
    }

private:
    secure_vector<std::uint8_t> key_; // seed then public key
    ed25519_public_key public_;
};

namespace algorithms {

/// Ed25519 as a signature algorithm (see algorithms/algorithm.hpp): a key is
/// an ed25519_public_key, a signature 64 bytes, checked by the platform after
/// hooksig's S < L check. Each check is one Ed25519 verification (tens of
/// microseconds): the verifier caps them per delivery (verify_options).
struct ed25519 {
    /// Its registry value.
    static constexpr algorithm_id id = algorithm_id::ed25519;
    /// "ed25519".
    static constexpr std::string_view name = "ed25519";
    /// A signature is 64 bytes.
    static constexpr std::size_t signature_size = ed25519_signature_size;
    /// The verifying key.
    using key = ed25519_public_key;

    /// Signs the concatenation of `parts` with `k` into `out`. Throws as
    /// ed25519_secret_key::sign.
    template <class... Parts>
    static void sign(const ed25519_secret_key& k, std::uint8_t* out, const Parts&... parts) {
        k.sign(out, parts...);
    }

    /// Verifies each Ed25519 entry of `entries` against `key`, in order,
    /// stopping at the first valid one. Before any curve work it counts the
    /// entries: more than the delivery's remaining budget
    /// (signature_list::asymmetric_checks_left) is key_check::over_limit.
    template <class List, class Content>
    static key_check check(const ed25519_public_key& key, List& entries, Content&& content) noexcept {
        entries.decode_pending();
        std::size_t count = 0;
        for (std::size_t s = 0; s < entries.size; ++s) count += entries.algorithm[s] == id ? 1 : 0;
        if (count == 0) return key_check::no_match;
        if (count > entries.asymmetric_checks_left) return key_check::over_limit;
        detail::joined_message message;
        bool joined = false;
        content([&](const auto&... parts) { joined = message.join(parts...); });
        if (!joined) return key_check::out_of_memory;
        for (std::size_t s = 0; s < entries.size; ++s) {
            if (entries.algorithm[s] != id) continue;
            --entries.asymmetric_checks_left;
            if (key.verify(entries.mac[s], message.data(), message.size())) return key_check::first;
        }
        return key_check::no_match;
    }
};

static_assert(ed25519::signature_size <= max_signature_size);

} // namespace algorithms
} // namespace hooksig
