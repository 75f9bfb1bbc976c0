// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Replay and duplicate guard: remembers the ids of deliveries that verified,
/// so a receiver processes each delivery once.
///
/// A valid signature does not stop a captured delivery from being replayed
/// inside the timestamp tolerance, and providers retry on purpose: BitGo up to
/// 7 times over 7 h 46 min (1, 5, 10, 30, 60, 120, 240 minutes), Svix / Standard
/// Webhooks over about a day, always with the same message id. The guard
/// records a delivery's id with a time to live and answers `first_seen` (process
/// it) or `duplicate` (answer 2xx, do not process it again).
///
/// Call it only AFTER the delivery verified. Recording unverified ids would let
/// anyone pre-register the id of a future delivery and have it dropped.
///
/// Which id to record:
/// - a scheme that signs a message id (Standard Webhooks / Svix `webhook-id`):
///   that id (check_delivery() does this);
/// - a scheme that signs only the body (GitHub, Shopify, BitGo, ...): the
///   body's SHA-256 (check_delivery() does this too). BitGo's `idempotency-key`
///   header is NOT covered by its signature: an attacker holding one valid
///   delivery could replay it under a new key, or send it under the key of a
///   future delivery to have that one dropped. Use it only where the header is
///   authenticated some other way;
/// - anything else the caller trusts: check(key).
///
/// Stores (see the store interface below): memory_store.hpp (one process),
/// redis_store.hpp (several receivers behind a load balancer; hooksig::redis).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>

#include "../detail/sha256/sha256.hpp"
#include "../encoding.hpp"
#include "../error.hpp"
#include "../headers.hpp"
#include "../schemes/scheme.hpp"

/// THE STORE INTERFACE. A store is any type with these two members, safe to
/// call from several threads at once:
///
/// ```
/// struct my_store {
///     // Records `key` for `ttl` (>= 1 s) unless it is recorded and unexpired,
///     // atomically. Sets `inserted` to true when this call recorded it.
///     // Errors: errc::store_unavailable (unreachable), errc::store_error.
///     std::error_code insert(std::string_view key, std::chrono::seconds ttl, bool& inserted) noexcept;
///     // Forgets `key`; success when it was absent.
///     std::error_code erase(std::string_view key) noexcept;
/// };
/// ```
/// Keys given to a store are at most replay_key_max_size bytes of visible ASCII.
///
/// Optionally, a bounded store reports what it dropped early with
/// `replay_store_stats stats() const noexcept;` (memory_store does; Redis
/// expires keys itself and need not): replay_guard::store_stats() finds it.
///
/// Optionally, a store can re-time a record, which replay_guard::reserve() and
/// commit() need to hold an uncommitted id only briefly (memory_store and
/// redis_store have it):
///
/// ```
///     // Records `key` for `ttl` (>= 1 s) from now, whether or not it is held
///     // (a reservation that ran out is recorded again). Errors as insert().
///     std::error_code extend(std::string_view key, std::chrono::seconds ttl) noexcept;
/// ```
/// Without it, reserve() records for the guard's full TTL and commit() does
/// nothing: the behaviour of check() (replay_guard::reserves_briefly is false).

namespace hooksig {

/// Whether a delivery was seen before.
enum class replay_verdict {
    first_seen, ///< recorded now: process the delivery
    duplicate,  ///< recorded earlier and unexpired: answer 2xx, do not process again
};

/// What the guard answers when its store fails (unreachable, or an error reply).
enum class store_failure_policy {
    fail_closed, ///< report the store's error: the receiver rejects (503) and the provider retries
    fail_open,   ///< treat the delivery as first seen (and flag it): availability over exactly-once
};

/// Default time a delivery id is remembered: 9 hours. It covers BitGo's whole
/// retry schedule (1+5+10+30+60+120+240 min = 7 h 46 min after the first
/// attempt) plus the 5-minute timestamp tolerance, with about an hour to spare
/// for the sender's queueing delays and clock skew. Svix / Standard Webhooks
/// retry for about 28 h and Stripe for 3 days: raise `ttl` for those when
/// duplicates (not just replays) must be caught across the whole schedule.
/// A replay of a timestamped delivery fails verification after the tolerance
/// anyway; the TTL matters for retries, which carry fresh timestamps.
inline constexpr std::chrono::seconds default_replay_ttl{9 * 60 * 60};

/// Longest key prefix (the namespace, e.g. "hooksig:shop-a:").
inline constexpr std::size_t replay_prefix_max_size = 64;

/// Longest key handed to a store: prefix + "sha256:" + 64 hex digits fits.
inline constexpr std::size_t replay_key_max_size = 160;

/// What a bounded store reports about its capacity (see replay_guard::store_stats()).
/// An early eviction re-opens a replay window for that id: keep the count at zero by
/// sizing the capacity above delivery rate x TTL.
struct replay_store_stats {
    std::uint64_t early_evictions = 0;                ///< entries dropped to make room before their TTL ran out
    std::chrono::seconds last_early_eviction_age{0};  ///< how long the last early-evicted entry had been held (0: none yet)
    std::chrono::seconds oldest_age{0};               ///< age of the oldest entry held (0 when empty): the time the store covers when full
    std::size_t size = 0;                             ///< entries held
    std::size_t capacity = 0;                         ///< most entries held at once
};

namespace detail {
/// Whether Store has `replay_store_stats stats() const`.
template <class Store, class = void>
struct has_store_stats : std::false_type {};
template <class Store>
struct has_store_stats<Store, std::enable_if_t<std::is_same_v<
                                  decltype(std::declval<const Store&>().stats()), replay_store_stats>>>
    : std::true_type {};

/// Whether Store has `std::error_code extend(std::string_view, std::chrono::seconds)`.
template <class Store, class = void>
struct has_store_extend : std::false_type {};
template <class Store>
struct has_store_extend<Store, std::enable_if_t<std::is_same_v<
                                   decltype(std::declval<Store&>().extend(std::declval<std::string_view>(),
                                                                          std::declval<std::chrono::seconds>())),
                                   std::error_code>>> : std::true_type {};
} // namespace detail

/// Guard policy, set once per guard.
struct replay_options {
    /// How long an id is remembered. Default default_replay_ttl (9 h). At least 1 s.
    std::chrono::seconds ttl = default_replay_ttl;
    /// Namespace of every key: lets several endpoints or apps share one store.
    /// Visible ASCII, at most replay_prefix_max_size bytes.
    std::string prefix = "hooksig:";
    /// What a store failure means. Default fail_closed.
    store_failure_policy on_store_failure = store_failure_policy::fail_closed;
};

/// The outcome of one check.
struct replay_result {
    /// Empty when `verdict` holds. Otherwise errc::store_unavailable or
    /// errc::store_error (fail_closed), or errc::invalid_argument (empty id).
    std::error_code error = errc::store_unavailable;
    /// first_seen or duplicate; meaningful only when `error` is empty.
    replay_verdict verdict = replay_verdict::first_seen;
    /// Under fail_open: the store's error that was ignored (verdict is then
    /// first_seen). Log it; the delivery may be a duplicate.
    std::error_code store_failure;

    /// True when the delivery should be processed: no error and first seen.
    bool first_seen() const noexcept { return !error && verdict == replay_verdict::first_seen; }
    /// True when the delivery was seen before (answer 2xx without processing).
    bool duplicate() const noexcept { return !error && verdict == replay_verdict::duplicate; }
};

namespace detail {
/// SHA-256 of `data` into `out`. No allocation after the calling thread's
/// first call.
inline void sha256(std::string_view data, std::uint8_t out[sha256_digest_size]) noexcept {
    sha256_engine engine;
    engine.update(data);
    engine.finish(out);
}
} // namespace detail

/// Lower-case hex SHA-256 of `body` (64 characters): the replay id of a
/// delivery whose scheme signs no message id. Allocates the returned string.
inline std::string body_sha256_hex(std::string_view body) {
    std::uint8_t digest[detail::sha256_digest_size];
    detail::sha256(body, digest);
    return hex_encode(digest, sizeof digest);
}

/// The `idempotency-key` header's value (BitGo), or an empty view when it is
/// absent, repeated, longer than message_id_max_size or not visible ASCII.
/// Unauthenticated under BitGo's scheme: see the file comment before using it.
template <class Headers>
std::string_view find_idempotency_key(const Headers& headers) noexcept {
    static constexpr header_name_set<1> names({"idempotency-key"});
    const header_matches<1> found = find_headers(headers, names);
    if (found.count[0] != 1 || !is_valid_message_id(found.value(0))) return {};
    return found.value(0);
}

/// Builds the store key for `id` under `prefix`: `{prefix}id:{id}` when `id`
/// is visible ASCII and the key fits replay_key_max_size, otherwise
/// `{prefix}sha256:{hex of SHA-256(id)}`. The two forms cannot collide.
/// @return errc::invalid_argument for an empty id or an unusable prefix.
[[nodiscard]] inline std::error_code make_replay_key(std::string_view prefix, std::string_view id,
                                                     std::string& out) noexcept {
    if (id.empty() || prefix.size() > replay_prefix_max_size || !is_visible_ascii(prefix)) return errc::invalid_argument;
    try {
        static constexpr std::string_view raw = "id:", hashed = "sha256:";
        bool printable = true;
        for (const char c : id)
            if (c < 0x21 || c > 0x7E) printable = false;
        out.clear();
        out.reserve(replay_key_max_size);
        out.append(prefix);
        if (printable && prefix.size() + raw.size() + id.size() <= replay_key_max_size) {
            out.append(raw);
            out.append(id);
        } else {
            std::uint8_t digest[detail::sha256_digest_size];
            detail::sha256(id, digest);
            char text[2 * detail::sha256_digest_size];
            hex_encode(digest, sizeof digest, text);
            out.append(hashed);
            out.append(text, sizeof text);
        }
        return {};
    } catch (...) {
        return errc::store_error; // allocation failure: treated like any store failure
    }
}

/// The id check_delivery() records for a verified delivery: the scheme's
/// signed message id when it signs one, otherwise `body:` + the body's
/// SHA-256 in hex (so a body hash never meets a message id). Pass the same id
/// to replay_guard::release().
/// @return errc::invalid_argument when the scheme signs an id but the headers
///         hold no usable one; errc::store_error when allocation fails.
template <class Scheme, class Headers>
[[nodiscard]] std::error_code delivery_replay_id(const Scheme& scheme, const Headers& headers, std::string_view body,
                                                 std::string& out) noexcept {
    try {
        if (scheme.signs_id()) {
            delivery d;
            if (scheme.parse(headers, d) || d.id.empty()) return errc::invalid_argument;
            out.assign(d.id.data(), d.id.size());
            return {};
        }
        std::uint8_t digest[detail::sha256_digest_size];
        detail::sha256(body, digest);
        out.assign("body:");
        out.resize(5 + 2 * detail::sha256_digest_size);
        hex_encode(digest, sizeof digest, out.data() + 5);
        return {};
    } catch (...) {
        return errc::store_error;
    }
}

/// Records verified deliveries in a Store and reports duplicates.
///
/// Holds a reference to the store: several guards (threads, endpoints with
/// different prefixes) may share one. check() is thread-safe when the store is.
///
/// If processing a first-seen delivery fails, call release() and answer 5xx so
/// the provider's retry is processed instead of being reported as a duplicate.
/// The record is made before processing, so a copy arriving while the first is
/// still being processed is answered `duplicate` at once; should that first
/// processing then fail, the provider retries only the copy it saw fail.
///
/// check() records for the full TTL at once: if the process dies while
/// processing (or release() fails), the id stays recorded and every retry is a
/// duplicate, so the delivery is lost. Where processing can take a while
/// (forwarding to an application), use reserve / commit / release instead:
/// reserve(id, short_ttl) records the id only for `short_ttl` (longer than
/// processing can take), commit(id) extends it to the full TTL once processing
/// succeeded, release(id) forgets it when it failed. A crash in between leaves
/// at most the short reservation; the provider's retry after it runs out is
/// processed. While reserved, the id is a duplicate like a committed one, so
/// two concurrent copies are never both processed.
///
/// @tparam Store see THE STORE INTERFACE above (memory_store, redis_store)
template <class Store>
class replay_guard {
public:
    /// Uses `store` (which must outlive the guard) with `options`.
    /// Throws hooksig::error(errc::invalid_argument) for a ttl under 1 s or a
    /// prefix longer than replay_prefix_max_size or not visible ASCII.
    explicit replay_guard(Store& store, replay_options options = {}) : store_(store), options_(std::move(options)) {
        if (options_.ttl.count() < 1 || options_.prefix.size() > replay_prefix_max_size ||
            !is_visible_ascii(options_.prefix))
            throw error(errc::invalid_argument);
    }

    /// True when reserve() holds an uncommitted id only for its reservation
    /// TTL (the store has `extend`); false when it records for the full TTL.
    static constexpr bool reserves_briefly = detail::has_store_extend<Store>::value;

    /// Records `id` (any bytes; long or non-printable ids are hashed) and
    /// reports whether it was seen before. Allocates the key.
    /// @return see replay_result; errors only per the store-failure policy.
    [[nodiscard]] replay_result check(std::string_view id) noexcept { return record(id, options_.ttl); }

    /// Like check(), but records `id` only for `reservation_ttl` (make it
    /// longer than processing can take): commit() it when processing succeeded,
    /// release() it when it failed. Until then the id is a duplicate, as a
    /// committed one is. A reservation neither committed nor released (the
    /// process died) runs out after `reservation_ttl`, and the id is first seen
    /// again. When the store has no `extend` (reserves_briefly is false), the
    /// id is recorded for the full TTL, as check() does. Allocates the key.
    /// @return as check(); errc::invalid_argument for a reservation_ttl under 1 s.
    [[nodiscard]] replay_result reserve(std::string_view id, std::chrono::seconds reservation_ttl) noexcept {
        if (reservation_ttl.count() < 1) {
            replay_result result;
            result.error = errc::invalid_argument;
            return result;
        }
        if constexpr (reserves_briefly) return record(id, reservation_ttl);
        else return record(id, options_.ttl);
    }

    /// Keeps a reserved `id` (as given to reserve()) for the guard's full TTL
    /// from now: call it once processing succeeded. Records the id even when
    /// its reservation already ran out. Does nothing when the store has no
    /// `extend` (reserve() recorded for the full TTL). Allocates the key.
    /// @return the store's error (the id then stays recorded only until its
    ///         reservation runs out), or errc::invalid_argument for an empty id.
    [[nodiscard]] std::error_code commit(std::string_view id) noexcept {
        std::string key;
        if (const std::error_code bad = make_replay_key(options_.prefix, id, key)) return bad;
        if constexpr (reserves_briefly) return store_.extend(key, options_.ttl);
        else return {};
    }

    /// Checks a delivery that already verified under `scheme`, by
    /// delivery_replay_id(). Allocates the id and the key.
    /// @return as check(); errc::invalid_argument when the headers carry no
    ///         usable id although the scheme signs one (the delivery did not verify).
    template <class Scheme, class Headers>
    [[nodiscard]] replay_result check_delivery(const Scheme& scheme, const Headers& headers,
                                               std::string_view body) noexcept {
        std::string id;
        if (const std::error_code bad = delivery_replay_id(scheme, headers, body, id)) {
            replay_result result;
            result.error = bad;
            return result;
        }
        return check(id);
    }

    /// Forgets `id` (as given to check() or reserve()), so its next delivery
    /// counts as first seen: call it when processing a first-seen delivery failed.
    /// @return the store's error, or errc::invalid_argument for an empty id.
    [[nodiscard]] std::error_code release(std::string_view id) noexcept {
        std::string key;
        if (const std::error_code bad = make_replay_key(options_.prefix, id, key)) return bad;
        return store_.erase(key);
    }

    /// The policy this guard applies.
    const replay_options& options() const noexcept { return options_; }

    /// The store's eviction report when it has one (memory_store), else
    /// std::nullopt (redis_store, or any store without `stats()`). Log it
    /// when early_evictions grows: an id dropped before its TTL can be replayed.
    std::optional<replay_store_stats> store_stats() const noexcept {
        if constexpr (detail::has_store_stats<Store>::value)
            return store_.stats();
        else
            return std::nullopt;
    }

private:
    /// Records `id` for `ttl`: check() and reserve().
    replay_result record(std::string_view id, std::chrono::seconds ttl) noexcept {
        replay_result result;
        std::string key;
        if (const std::error_code bad = make_replay_key(options_.prefix, id, key)) {
            result.error = bad;
            return result;
        }
        bool inserted = false;
        if (const std::error_code failed = store_.insert(key, ttl, inserted)) {
            if (options_.on_store_failure == store_failure_policy::fail_open) {
                result.store_failure = failed;
                result.verdict = replay_verdict::first_seen;
                result.error = std::error_code();
            } else {
                result.error = failed;
            }
            return result;
        }
        result.verdict = inserted ? replay_verdict::first_seen : replay_verdict::duplicate;
        result.error = std::error_code();
        return result;
    }

    Store& store_;
    replay_options options_;
};

} // namespace hooksig
