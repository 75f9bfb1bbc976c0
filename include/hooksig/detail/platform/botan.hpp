// hooksig — webhook signing and verification. MIT License.
#pragma once

/// The crypto platform: the only header in hooksig that includes Botan (a CI
/// step greps for others). Everything hooksig takes from it, for Botan 2.19
/// and Botan 3.x alike: zeroizing memory, the locked memory pool, scrubbing,
/// byte comparison, and the OS random generator. Internal.

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <new>
#include <system_error>

#include <botan/mem_ops.h>
#include <botan/secmem.h>

// Random bytes come from the OS CSPRNG: getentropy() where POSIX has it (what
// Botan's system_rng calls on Linux too, but <botan/system_rng.h> cost more to
// parse than the rest of hooksig's includes), else Botan's system_rng.
#if defined(__linux__) || defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
#define HOOKSIG_GETENTROPY 1
#include <sys/random.h>
#include <unistd.h>
#else
#define HOOKSIG_GETENTROPY 0
#include <botan/system_rng.h>
#endif
#if BOTAN_VERSION_MAJOR >= 3
#include <botan/allocator.h> // allocate_memory moved here from mem_ops.h
#endif

#if BOTAN_VERSION_MAJOR < 2 || (BOTAN_VERSION_MAJOR == 2 && BOTAN_VERSION_MINOR < 19)
#error "hooksig needs Botan 2.19 or Botan 3"
#endif

namespace hooksig {

/// A vector in zeroizing memory: Botan's secure allocator (its mlock'd pool
/// where available), wiped when freed. Every secret byte hooksig holds lives
/// in one.
template <class T>
using secure_vector = Botan::secure_vector<T>;

namespace detail::platform {

/// Fills `out` with `size` bytes from the operating system's CSPRNG
/// (getentropy, or Botan::system_rng elsewhere). Throws std::system_error.
inline void random_bytes(std::uint8_t* out, std::size_t size) {
#if HOOKSIG_GETENTROPY
    while (size != 0) {
        const std::size_t chunk = size < 256 ? size : 256; // getentropy's limit per call
        if (::getentropy(out, chunk) != 0) throw std::system_error(errno, std::generic_category(), "getentropy");
        out += chunk;
        size -= chunk;
    }
#else
    Botan::system_rng().randomize(out, size);
#endif
}

/// Overwrites `size` bytes in a way the compiler cannot remove.
inline void scrub(void* data, std::size_t size) noexcept { Botan::secure_scrub_memory(data, size); }

/// Byte-wise equality in time that depends only on `size`.
inline bool constant_time_equal(const std::uint8_t* a, const std::uint8_t* b, std::size_t size) noexcept {
    return Botan::constant_time_compare(a, b, size);
}

/// `count` zeroed elements of `size` bytes from Botan's secure allocator (the
/// locked pool when available). Throws std::bad_alloc.
inline void* allocate_secure(std::size_t count, std::size_t size) { return Botan::allocate_memory(count, size); }

/// Returns memory from allocate_secure, zeroizing it first.
inline void deallocate_secure(void* memory, std::size_t count, std::size_t size) noexcept {
    Botan::deallocate_memory(memory, count, size);
}

} // namespace detail::platform
} // namespace hooksig
