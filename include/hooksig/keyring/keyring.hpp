// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Rotation with grace periods: a keyring of secrets, each valid for a window
/// of time, that senders sign with and receivers verify against.
///
/// Rules (times are Unix seconds from the ring's clock):
/// - A key is *active at t* when `not_before <= t < not_after` (no `not_after`:
///   no end). `not_after` is the first second the key is dead.
/// - A receiver accepts a delivery under a key active both at the delivery's
///   signed timestamp and at now (schemes without a timestamp: at now). The
///   key that matched is reported by its key id; the newest key is tried first.
///   When no key is active for the delivery the error is errc::no_active_key;
///   when some key is active but none matches, errc::no_matching_signature.
/// - A sender signs with the keys active at the timestamp it signs and at now:
///   every one (newest first) for schemes that carry several signatures, the
///   newest one (the primary) for schemes with room for one.
/// - rotate(new, grace) puts `new` first with `not_before = now` and gives every
///   older key `not_after = min(its not_after, now + grace)`: never extended;
///   grace 0 ends them at once. Keys expired at now are dropped (their bytes
///   are zeroized when the last snapshot holding them goes away).
///
/// Concurrency: writers (rotate, add, assign, prune) build the new ring under a
/// writers-only mutex and publish it twice:
/// - as an immutable snapshot (a shared_ptr swapped under the ring's own
///   spinlock, held for the copy or swap only) that keyring_signer and
///   entries() take: the keys' material is zeroized when the last snapshot
///   holding it goes away;
/// - into the ring's verify table, a fixed array of atomic words (each key's
///   prepared HMAC states, window and id) under a sequence counter, a seqlock.
///   keyring_verifier copies the keys a delivery may use out of it with plain
///   loads, retrying if a writer was publishing meanwhile, and wipes each copy
///   after its MAC. Verifiers make no atomic read-modify-write, so
///   they do not contend with each other on a shared cache line, and a
///   retired key's states leave the table the moment the writer publishes.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>


#include "../clock.hpp"
#include "../ct.hpp"
#include "../error.hpp"
#include "../headers.hpp"
#include "../algorithms/hmac_sha256.hpp"
#include "../detail/prepared_key.hpp"
#include "../schemes/scheme.hpp"
#include "../secret.hpp"
#include "../signer.hpp"
#include "../timestamp.hpp"
#include "../verifier.hpp"

namespace hooksig {

/// Most keys a ring holds at once (after dropping expired ones). Bounds the
/// MACs one verification may compute; errc::keyring_full beyond it.
inline constexpr std::size_t keyring_max_keys = 8;

/// Longest grace rotate() accepts: 7 days, the longest any provider offers
/// (Svix, Revolut). An old secret must not live forever.
inline constexpr std::chrono::seconds keyring_max_grace{7 * 24 * 3600};

/// When a key may be used: from `not_before` (inclusive) to `not_after`
/// (exclusive; none means no end), in Unix seconds.
struct key_window {
    unix_seconds not_before = 0;           ///< first second the key is active
    std::optional<unix_seconds> not_after; ///< first second the key is dead; empty: never

    /// True when the key is active at `t`: not_before <= t < not_after.
    constexpr bool contains(unix_seconds t) const noexcept {
        return not_before <= t && (!not_after || t < *not_after);
    }
    /// True when no second lies in the window (not_after <= not_before).
    constexpr bool empty() const noexcept { return not_after && *not_after <= not_before; }
};

/// Where a key stands at some moment.
enum class key_state {
    pending, ///< not yet active (now < not_before)
    active,  ///< active now
    expired, ///< dead (not_after <= now)
};

/// The state of a key with window `w` at time `now`.
constexpr key_state state_at(const key_window& w, unix_seconds now) noexcept {
    if (w.not_after && *w.not_after <= now) return key_state::expired;
    if (now < w.not_before) return key_state::pending;
    return key_state::active;
}

/// A secret with its window: what add() and assign() take and entries() and
/// the keyring file hold.
struct key_entry {
    secret key;        ///< the key (whsec_ or text secret, whsk_ or whpk_ Ed25519 key)
    key_window window; ///< when it is active
};

namespace detail {

/// Tells the CPU this thread is spinning on a value another thread will change.
inline void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
    __asm__ __volatile__("yield");
#endif
}

/// Holds a spinlock for a few instructions (a shared_ptr copy or swap).
class spin_guard {
public:
    explicit spin_guard(std::atomic_flag& lock) noexcept : lock_(lock) {
        while (lock_.test_and_set(std::memory_order_acquire)) spin_pause();
    }
    ~spin_guard() { lock_.clear(std::memory_order_release); }
    spin_guard(const spin_guard&) = delete;
    spin_guard& operator=(const spin_guard&) = delete;

private:
    std::atomic_flag& lock_;
};

/// A key's immutable material, shared by every snapshot that holds the key.
/// The secret and its prepared form live in zeroizing memory.
struct keyring_material {
    explicit keyring_material(const secret& s) : key(s), prepared(s) {
        const std::string text = s.key_id();
        std::memcpy(id, text.data(), key_id_size);
    }
    secret key;            ///< the secret itself (for saving the ring)
    prepared_key prepared; ///< prepared for its algorithm (HMAC states for the hot path)
    char id[key_id_size];  ///< its key id
};

/// One key of a snapshot: shared material plus this snapshot's window.
struct keyring_slot {
    std::shared_ptr<const keyring_material> material; ///< never null
    key_window window;                                ///< when it is active
};

/// An immutable state of a ring, newest key first.
struct keyring_state {
    std::vector<keyring_slot> slots; ///< newest (primary) first
};

/// One key in the verify table: its prepared states, window and id, as atomic
/// words so that readers may copy them while a writer republishes (see
/// keyring_verify_table).
struct keyring_verify_slot {
    std::atomic<std::uint64_t> states[8];      ///< inner then outer chaining state, two 32-bit words each
    std::atomic<std::int64_t> not_before;      ///< key_window::not_before
    std::atomic<std::int64_t> not_after;       ///< key_window::not_after, when has_not_after
    std::atomic<std::uint64_t> has_not_after;  ///< 1 when the window has an end
    std::atomic<std::uint64_t> id[2];          ///< the key id's 12 bytes, zero-padded
    std::atomic<std::uint64_t> algorithm;      ///< algorithm_id of the key (HMAC-SHA256 keys are read from here)
};

/// The verify path's view of a ring: a seqlock over fixed slots. A writer
/// (holding the ring's writers' mutex) makes `sequence` odd, rewrites every
/// slot (zeroing those past `count`), and makes it even again; a reader copies
/// what it needs between two reads of an even, unchanged `sequence`. Every
/// shared word is atomic (relaxed loads and stores ordered by the fences of
/// the seqlock pattern), so there is no data race for TSan to report.
/// Lives in the platform's secure memory (Botan's locked pool when
/// available), zeroized when the ring is destroyed.
struct keyring_verify_table {
    std::atomic<std::uint64_t> sequence{0}; ///< odd while a writer publishes
    std::atomic<std::uint64_t> count{0};    ///< slots in use, newest first
    keyring_verify_slot slots[keyring_max_keys];
};

/// Frees a keyring_verify_table through the platform, which zeroizes it first.
struct keyring_verify_table_deleter {
    void operator()(keyring_verify_table* table) const noexcept {
        table->~keyring_verify_table();
        platform::deallocate_secure(table, 1, sizeof(keyring_verify_table));
    }
};

/// A zeroed verify table in the platform's secure memory. Throws std::bad_alloc.
inline std::unique_ptr<keyring_verify_table, keyring_verify_table_deleter> make_keyring_verify_table() {
    void* memory = platform::allocate_secure(1, sizeof(keyring_verify_table));
    if (reinterpret_cast<std::uintptr_t>(memory) % alignof(keyring_verify_table) != 0) {
        platform::deallocate_secure(memory, 1, sizeof(keyring_verify_table));
        throw std::bad_alloc();
    }
    return std::unique_ptr<keyring_verify_table, keyring_verify_table_deleter>(new (memory) keyring_verify_table());
}

/// Whether a key may sign or verify a delivery signed at `signed_at`, at `now`.
constexpr bool key_usable(const key_window& w, unix_seconds signed_at, unix_seconds now) noexcept {
    return w.contains(signed_at) && w.contains(now);
}

/// `now + grace` without overflow (saturates at the largest value).
constexpr unix_seconds add_saturating(unix_seconds now, std::chrono::seconds grace) noexcept {
    const auto g = static_cast<unix_seconds>(grace.count());
    return now > std::numeric_limits<unix_seconds>::max() - g ? std::numeric_limits<unix_seconds>::max() : now + g;
}

/// Writes `slots` into `table` (see keyring_verify_table): every slot is
/// rewritten and those past the end zeroed, so a dropped key's states are gone
/// from the table once this returns. One writer at a time (the keyring calls
/// it under its writers' mutex); readers may run meanwhile.
inline void publish_verify_table(keyring_verify_table& table, const std::vector<keyring_slot>& slots) noexcept {
    const std::uint64_t sequence = table.sequence.load(std::memory_order_relaxed);
    table.sequence.store(sequence + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release); // the odd value is seen before any new word
    for (std::size_t i = 0; i < keyring_max_keys; ++i) {
        keyring_verify_slot& slot = table.slots[i];
        std::uint64_t words[8] = {};
        std::uint64_t id[2] = {};
        key_window window;
        std::uint64_t algorithm = 0;
        if (i < slots.size()) {
            const prepared_key& prepared = slots[i].material->prepared;
            algorithm = static_cast<std::uint64_t>(prepared.algorithm());
            if (prepared.hmac) { // other algorithms' keys are read from a snapshot
                std::memcpy(words, hmac_key_states::inner(*prepared.hmac), 8 * sizeof(std::uint32_t));
                std::memcpy(words + 4, hmac_key_states::outer(*prepared.hmac), 8 * sizeof(std::uint32_t));
            }
            std::memcpy(id, slots[i].material->id, key_id_size);
            window = slots[i].window;
        }
        for (std::size_t w = 0; w < 8; ++w) slot.states[w].store(words[w], std::memory_order_relaxed);
        slot.not_before.store(window.not_before, std::memory_order_relaxed);
        slot.not_after.store(window.not_after.value_or(0), std::memory_order_relaxed);
        slot.has_not_after.store(window.not_after ? 1 : 0, std::memory_order_relaxed);
        slot.id[0].store(id[0], std::memory_order_relaxed);
        slot.id[1].store(id[1], std::memory_order_relaxed);
        slot.algorithm.store(algorithm, std::memory_order_relaxed);
        ct::wipe(words, sizeof words);
    }
    table.count.store(std::min(slots.size(), keyring_max_keys), std::memory_order_relaxed);
    table.sequence.store(sequence + 2, std::memory_order_release);
}

/// One verification's reader of a ring's verify table (see
/// keyring_verify_table), handed to verify_delivery as its source of keys.
///
/// It reads the sequence once, at the first key asked for, then walks the
/// slots for keys usable for the delivery, newest first. A key's window, id
/// and states are all read before the check that the sequence is unchanged,
/// and its MAC is computed only after that check passes, so every key used
/// and the end of the list come from that one state of the ring. If a writer
/// published meanwhile, the reader declines (mac() returns false, stale()
/// turns true) and the caller verifies again. The states are copied from the
/// table's atomic words into this frame only for the MAC (as vectors for the
/// SHA-NI kernel, as words for the portable path) and wiped after it.
class keyring_table_reader {
public:
    /// A key of the table, as verify_delivery uses it.
    class key {
    public:
        /// Table keys are HMAC-SHA256 keys.
        using algorithm = algorithms::hmac_sha256;

        /// HMAC-SHA256 of `parts` under this key, into `out`; false (nothing
        /// computed) when the ring changed since the reader started.
        template <class... Parts>
        HOOKSIG_ALWAYS_INLINE bool mac(std::uint8_t out[mac_size], const Parts&... parts) const noexcept {
            const keyring_verify_slot* slots[1] = {slot_};
            std::uint8_t* const outs[1] = {out};
            return reader_->macs(slots, outs, parts...);
        }

        /// This key's MAC into `out` and `other`'s into `other_out`, in one
        /// pass (see hmac_key::mac_pair); false as for mac().
        template <class... Parts>
        HOOKSIG_ALWAYS_INLINE bool mac_pair(const key& other, std::uint8_t out[mac_size],
                                            std::uint8_t other_out[mac_size], const Parts&... parts) const noexcept {
            const keyring_verify_slot* slots[2] = {slot_, other.slot_};
            std::uint8_t* const outs[2] = {out, other_out};
            return reader_->macs(slots, outs, parts...);
        }

    private:
        friend class keyring_table_reader;
        // Set by key_at before a key is handed out; left uninitialized so a
        // reader costs nothing to create (bench/README.md).
        const keyring_table_reader* reader_;
        const keyring_verify_slot* slot_;
    };

    /// Reads `table` for deliveries verified at `now`.
    keyring_table_reader(const keyring_verify_table& table, unix_seconds now) noexcept : table_(table), now_(now) {}
    keyring_table_reader(const keyring_table_reader&) = delete;
    keyring_table_reader& operator=(const keyring_table_reader&) = delete;

    /// The i-th key usable for a delivery signed at `signed_at`, or nullptr
    /// when there are no more. verify_delivery asks for i = 0, 1, 2, ... in order,
    /// and may ask again for an i that returned nullptr.
    const key* key_at(std::size_t i, unix_seconds signed_at) noexcept {
        if (!started_) start();
        if (i != found_) return nullptr;
        while (next_slot_ < count_) {
            const std::size_t at = next_slot_++;
            const keyring_verify_slot& slot = table_.slots[at];
            key_window window;
            window.not_before = slot.not_before.load(std::memory_order_relaxed);
            if (slot.has_not_after.load(std::memory_order_relaxed) != 0)
                window.not_after = slot.not_after.load(std::memory_order_relaxed);
            if (!key_usable(window, signed_at, now_)) continue;
            if (slot.algorithm.load(std::memory_order_relaxed) != static_cast<std::uint64_t>(algorithm_id::hmac_sha256)) {
                other_algorithm_ = true; // an Ed25519 key: the caller verifies from a snapshot
                return nullptr;
            }
            ring_index_[found_] = at;
            ids_[found_][0] = slot.id[0].load(std::memory_order_relaxed);
            ids_[found_][1] = slot.id[1].load(std::memory_order_relaxed);
            key& found = keys_[found_++];
            found.reader_ = this;
            found.slot_ = &slot;
            return &found;
        }
        if (!unchanged()) stale_ = true; // "no more keys" must hold for the state read at start
        return nullptr;
    }

    /// True when a writer published while this reader was in use: its
    /// results are void and the verification must be repeated.
    bool stale() const noexcept { return stale_; }

    /// True when key_at met a key of another algorithm than HMAC-SHA256 (the
    /// table holds only HMAC states): the caller verifies from a snapshot.
    bool other_algorithm() const noexcept { return other_algorithm_; }

    /// The position in the ring of the i-th key key_at returned.
    std::size_t ring_index(std::size_t i) const noexcept { return ring_index_[i]; }

    /// Copies the prepared states of the i-th key key_at returned (8 words
    /// each). The copy belongs to one state of the ring only if consistent()
    /// holds after it.
    void copy_states(std::size_t i, std::uint32_t inner[8], std::uint32_t outer[8]) const noexcept {
        const keyring_verify_slot& slot = *keys_[i].slot_;
        for (std::size_t w = 0; w < 4; ++w) {
            const std::uint64_t in = slot.states[w].load(std::memory_order_relaxed);
            const std::uint64_t out = slot.states[4 + w].load(std::memory_order_relaxed);
            std::memcpy(inner + 2 * w, &in, sizeof in);
            std::memcpy(outer + 2 * w, &out, sizeof out);
        }
    }

    /// True when no writer has published since the reader started and key_at
    /// found nothing stale: everything copied so far is one state of the ring.
    bool consistent() const noexcept { return !stale_ && unchanged(); }

    /// Copies the id of the i-th key key_at returned (key_id_size bytes) to `out`.
    void copy_id(std::size_t i, char* out) const noexcept {
        char bytes[sizeof ids_[i]];
        std::memcpy(bytes, ids_[i], sizeof bytes);
        std::memcpy(out, bytes, key_id_size);
    }

private:
    void start() noexcept {
        for (;;) {
            sequence_ = table_.sequence.load(std::memory_order_acquire);
            if ((sequence_ & 1) == 0) break;
            spin_pause(); // a writer is publishing (a few hundred bytes of stores)
        }
        // A torn count is caught by the sequence check, but must not index past the slots first.
        count_ = static_cast<std::size_t>(
            std::min<std::uint64_t>(table_.count.load(std::memory_order_relaxed), keyring_max_keys));
        started_ = true;
    }

    /// True when no writer has published since start(): everything loaded
    /// before this call belongs to the state start() saw.
    bool unchanged() const noexcept {
        std::atomic_thread_fence(std::memory_order_acquire);
        return table_.sequence.load(std::memory_order_relaxed) == sequence_;
    }

    /// The MACs of `parts` under the N keys in `slots`, into `out`: the states
    /// are loaded, the sequence checked, and only then anything computed.
    template <std::size_t N, class... Parts>
    HOOKSIG_ALWAYS_INLINE bool macs(const keyring_verify_slot* const (&slots)[N], std::uint8_t* const (&out)[N],
                                    const Parts&... parts) const noexcept {
        const auto word = [&slots](std::size_t c, std::size_t w) {
            return slots[c]->states[w].load(std::memory_order_relaxed);
        };
        const auto ready = [this] { return unchanged(); };
        const bool whole = sha256_hmac_loaded<N>(word, ready, out, parts...);
        if (!whole) stale_ = true;
        return whole;
    }

    const keyring_verify_table& table_;
    unix_seconds now_;
    bool started_ = false;
    mutable bool stale_ = false;
    bool other_algorithm_ = false;
    std::uint64_t sequence_ = 0;
    std::size_t count_ = 0;     // slots in the table at start()
    std::size_t next_slot_ = 0; // the next slot key_at looks at
    std::size_t found_ = 0;     // keys key_at has returned
    key keys_[keyring_max_keys]; // the keys key_at returned, in order
    std::size_t ring_index_[keyring_max_keys];
    std::uint64_t ids_[keyring_max_keys][2];
};

} // namespace detail

/// A keyring: secrets with validity windows, rotated with grace periods.
///
/// Build one, fill it with rotate(), add() or assign() (or load_keyring() from
/// keyring_file.hpp), and hand it to keyring_verifier / keyring_signer. Writers
/// may run on any thread while verifications run on others (see the file
/// comment). Not copyable: share it by reference.
///
/// @tparam Clock anything with `unix_seconds now() const` (thread-safe when
///         writers and readers run on different threads); wall_clock by default.
template <class Clock = wall_clock>
class keyring {
public:
    /// An empty ring reading time from `clock`.
    explicit keyring(Clock clock = {})
        : clock_(std::move(clock)), state_(std::make_shared<const detail::keyring_state>()),
          verify_table_(detail::make_keyring_verify_table()) {}
    keyring(const keyring&) = delete;
    keyring& operator=(const keyring&) = delete;

    /// Makes `key` the primary now (`not_before = now`, no end) and ends every
    /// older key at `min(its not_after, now + grace)`; grace 0 ends them at
    /// once. Drops keys expired at now. Allocates.
    /// @return errc::no_keys for an empty secret; errc::invalid_argument for a
    ///         grace below 0 or above keyring_max_grace; errc::duplicate_key when
    ///         the ring holds this secret already; errc::keyring_full when the
    ///         ring would exceed keyring_max_keys live keys.
    [[nodiscard]] std::error_code rotate(const secret& key, std::chrono::seconds grace) noexcept {
        if (key.empty()) return errc::no_keys;
        if (grace.count() < 0 || grace > keyring_max_grace) return errc::invalid_argument;
        return update([&](unix_seconds now, std::vector<detail::keyring_slot>& slots) -> std::error_code {
            if (const auto failed = check_duplicate(key, slots)) return failed;
            const unix_seconds end = detail::add_saturating(now, grace);
            for (detail::keyring_slot& s : slots)
                if (!s.window.not_after || *s.window.not_after > end) s.window.not_after = end;
            drop_expired(slots, now); // grace 0 frees room before the cap is checked
            if (slots.size() >= keyring_max_keys) return errc::keyring_full;
            slots.insert(slots.begin(), {std::make_shared<const detail::keyring_material>(key), {now, std::nullopt}});
            return {};
        });
    }

    /// Adds `key` with its own window (a secret received from a provider, or
    /// one staged to start later) as the newest key; other keys are unchanged.
    /// Drops keys expired at now. Allocates.
    /// @return errc::no_keys for an empty secret; errc::invalid_argument for an
    ///         empty window or one already over at now; errc::duplicate_key;
    ///         errc::keyring_full.
    [[nodiscard]] std::error_code add(const secret& key, key_window window) noexcept {
        if (key.empty()) return errc::no_keys;
        if (window.empty()) return errc::invalid_argument;
        return update([&](unix_seconds now, std::vector<detail::keyring_slot>& slots) -> std::error_code {
            if (state_at(window, now) == key_state::expired) return errc::invalid_argument;
            if (const auto failed = check_duplicate(key, slots)) return failed;
            if (slots.size() >= keyring_max_keys) return errc::keyring_full;
            slots.insert(slots.begin(), {std::make_shared<const detail::keyring_material>(key), window});
            return {};
        });
    }

    /// Replaces the whole ring with `entries` (newest first), as when reloading
    /// a keyring file; entries expired at now are dropped. Readers see either the
    /// old ring or the new one. Allocates.
    /// @return errc::no_keys for an empty secret; errc::invalid_argument for an
    ///         empty window; errc::duplicate_key; errc::keyring_full. The ring is
    ///         unchanged on error.
    [[nodiscard]] std::error_code assign(const std::vector<key_entry>& entries) noexcept {
        return update([&](unix_seconds now, std::vector<detail::keyring_slot>& slots) -> std::error_code {
            std::vector<detail::keyring_slot> fresh;
            for (const key_entry& e : entries) {
                if (e.key.empty()) return errc::no_keys;
                if (e.window.empty()) return errc::invalid_argument;
                for (const key_entry& other : entries)
                    if (&other != &e && other.key == e.key) return errc::duplicate_key;
                if (state_at(e.window, now) == key_state::expired) continue;
                if (fresh.size() == keyring_max_keys) return errc::keyring_full;
                fresh.push_back({std::make_shared<const detail::keyring_material>(e.key), e.window});
            }
            slots = std::move(fresh);
            return {};
        });
    }

    /// Drops the keys expired at now. Allocates when something is dropped.
    /// @return success, or std::errc::not_enough_memory.
    [[nodiscard]] std::error_code prune() noexcept {
        return update([](unix_seconds, std::vector<detail::keyring_slot>&) { return std::error_code(); });
    }

    /// A copy of the keys (secrets included), newest first, without dropping
    /// expired ones: for saving or listing the ring. Allocates.
    std::vector<key_entry> entries() const {
        const auto state = snapshot();
        std::vector<key_entry> out;
        out.reserve(state->slots.size());
        for (const detail::keyring_slot& s : state->slots) out.push_back({s.material->key, s.window});
        return out;
    }

    /// Number of keys held (expired ones not yet dropped included).
    std::size_t size() const noexcept { return snapshot()->slots.size(); }

    /// The ring's clock. Changing a clock's time is not synchronised with
    /// other threads; inject a thread-safe clock for concurrent use.
    Clock& clock() noexcept { return clock_; }
    /// The ring's clock.
    const Clock& clock() const noexcept { return clock_; }

    /// The current immutable state, for keyring_verifier and keyring_signer.
    /// A shared_ptr copy under the ring's spinlock; never waits for a writer's
    /// work (only for its pointer swap); no allocation.
    std::shared_ptr<const detail::keyring_state> snapshot() const noexcept {
        const detail::spin_guard guard(state_lock_);
        return state_;
    }

private:
    /// Returns errc::duplicate_key when `slots` hold `key` already.
    static std::error_code check_duplicate(const secret& key, const std::vector<detail::keyring_slot>& slots) noexcept {
        for (const detail::keyring_slot& s : slots)
            if (s.material->key == key) return errc::duplicate_key;
        return {};
    }

    /// Whether a slot can still be active at or after `now`.
    static bool live(const detail::keyring_slot& s, unix_seconds now) noexcept {
        return state_at(s.window, now) != key_state::expired && !s.window.empty();
    }

    /// Removes the slots that can never be active again.
    static void drop_expired(std::vector<detail::keyring_slot>& slots, unix_seconds now) noexcept {
        slots.erase(std::remove_if(slots.begin(), slots.end(), [now](const auto& s) { return !live(s, now); }),
                    slots.end());
    }

    /// The one write path: under the writers' mutex, copy the slots minus the
    /// keys expired at now, let `change` edit them, drop what expired again,
    /// and publish the result. Nothing is published when `change` fails.
    template <class Change>
    std::error_code update(Change&& change) noexcept {
        try {
            const std::lock_guard<std::mutex> lock(writers_);
            const unix_seconds now = clock_.now();
            // Only writers change state_, and they hold writers_: read it directly.
            const std::shared_ptr<const detail::keyring_state> current = state_;
            std::vector<detail::keyring_slot> slots;
            slots.reserve(current->slots.size() + 1);
            for (const detail::keyring_slot& s : current->slots)
                if (live(s, now)) slots.push_back(s);
            if (const std::error_code failed = change(now, slots)) return failed;
            drop_expired(slots, now);
            auto next = std::make_shared<detail::keyring_state>();
            next->slots = std::move(slots);
            detail::publish_verify_table(*verify_table_, next->slots); // nothing below can fail
            std::shared_ptr<const detail::keyring_state> previous(std::move(next));
            {
                const detail::spin_guard guard(state_lock_);
                state_.swap(previous);
            }
            return {}; // `previous` (and `current`) released here, outside the spinlock
        } catch (const std::bad_alloc&) {
            return std::make_error_code(std::errc::not_enough_memory);
        } catch (const std::system_error& e) { // std::mutex::lock
            return e.code();
        }
    }

    template <class Scheme, class RingClock>
    friend class keyring_verifier; // reads verify_table_

    Clock clock_;
    std::mutex writers_;
    mutable std::atomic_flag state_lock_ = ATOMIC_FLAG_INIT; // guards copies and swaps of state_
    std::shared_ptr<const detail::keyring_state> state_;
    std::unique_ptr<detail::keyring_verify_table, detail::keyring_verify_table_deleter> verify_table_;
};

/// Verifies deliveries of one wire scheme against a keyring's keys at the
/// moment of each call: rotations on other threads take effect for the next
/// verification without blocking this one. verify() is const, noexcept, and
/// makes no heap allocation and no atomic read-modify-write (it copies the
/// keys it may use from the ring's verify table; see the file comment).
/// The ring must outlive the verifier.
template <class Scheme, class Clock = wall_clock>
class keyring_verifier {
public:
    /// Verifies against `ring` with `options` for `scheme`.
    explicit keyring_verifier(const keyring<Clock>& ring, verify_options options = {}, Scheme scheme = {})
        : ring_(ring), scheme_(std::move(scheme)), options_(options) {
    }

    /// Verifies `body` (the raw request bytes) against `headers` at the ring's now.
    /// @return success with key_id() / key_index of the matching key, or the
    ///         errors of verifier::verify, or errc::no_active_key when no key of
    ///         the ring is active at both the delivery's timestamp and now.
    template <class Headers>
    [[nodiscard]] keyring_verify_result verify(const Headers& headers, std::string_view body) const noexcept {
        return verify(headers, body, ring_.clock().now());
    }

    /// Verifies as if the time were `now` (Unix seconds).
    template <class Headers>
    [[nodiscard]] keyring_verify_result verify(const Headers& headers, std::string_view body,
                                               unix_seconds now) const noexcept {
        keyring_verify_result result;
        // Keys are read from the ring's verify table, after the headers parsed
        // (a malformed delivery reads nothing). A rotation publishing meanwhile
        // voids the attempt (see detail::keyring_table_reader); rotations are
        // rare, so a second attempt almost always stands.
        for (int attempt = 0; attempt < 2; ++attempt) {
            detail::keyring_table_reader reader(*ring_.verify_table_, now);
            detail::verify_delivery(
                scheme_, headers, body, now, options_, keyring_max_keys,
                [&reader](std::size_t i, unix_seconds signed_at) { return reader.key_at(i, signed_at); }, result);
            if (reader.other_algorithm() && result.error) break; // an Ed25519 key next: the snapshot has it
            if (reader.stale()) continue;
            if (!result.error) {
                reader.copy_id(result.key_index, result.matched_id);
                result.key_index = reader.ring_index(result.key_index);
            }
            return result;
        }
        // Writers published during both attempts, or the ring holds Ed25519
        // keys: verify against a snapshot, which is always whole (one atomic
        // shared_ptr copy) and holds every algorithm's keys.
        const auto state = ring_.snapshot();
        const std::vector<detail::keyring_slot>& slots = state->slots;
        detail::verify_delivery(
            scheme_, headers, body, now, options_, slots.size(),
            [&](std::size_t i, unix_seconds signed_at) -> const detail::prepared_key* {
                return detail::key_usable(slots[i].window, signed_at, now) ? &slots[i].material->prepared : nullptr;
            },
            result);
        if (!result.error) std::memcpy(result.matched_id, slots[result.key_index].material->id, key_id_size);
        return result;
    }

    /// Starts a streaming verification at the ring's now (see
    /// hooksig::verification and verifier::begin): the keys usable for this
    /// delivery are copied from the ring once, so a rotation meanwhile does
    /// not change what this verification uses. The headers (and the ring)
    /// must outlive the result.
    template <class Headers>
    [[nodiscard]] verification begin(const Headers& headers) const noexcept {
        return begin(headers, ring_.clock().now());
    }

    /// begin() as if the time were `now`.
    template <class Headers>
    [[nodiscard]] verification begin(const Headers& headers, unix_seconds now) const noexcept {
        return verification(detail::verification_start{}, [&](verification& v) noexcept {
            if (!v.read_headers(scheme_, headers, now, options_)) return;
            std::uint32_t inner[8], outer[8];
            char id[key_id_size];
            bool whole = false;
            // As verify(): the table, started over if a writer publishes meanwhile;
            // after two void attempts a snapshot, which is always whole.
            for (int attempt = 0; attempt < 2 && !whole; ++attempt) {
                v.clear_keys();
                detail::keyring_table_reader reader(*ring_.verify_table_, now);
                for (std::size_t i = 0; reader.key_at(i, v.delivered_at()) != nullptr; ++i) {
                    reader.copy_states(i, inner, outer);
                    reader.copy_id(i, id);
                    v.add_key(inner, outer, reader.ring_index(i), id);
                }
                whole = reader.consistent() && !reader.other_algorithm();
            }
            ct::wipe(inner, sizeof inner);
            ct::wipe(outer, sizeof outer);
            if (!whole) {
                v.clear_keys();
                const auto state = ring_.snapshot();
                for (std::size_t i = 0; i < state->slots.size(); ++i) {
                    const detail::keyring_slot& slot = state->slots[i];
                    if (!detail::key_usable(slot.window, v.delivered_at(), now)) continue;
                    const std::optional<hmac_key>& hmac = slot.material->prepared.hmac;
                    if (!hmac) continue; // Ed25519: verify() only
                    v.add_key(detail::hmac_key_states::inner(*hmac), detail::hmac_key_states::outer(*hmac), i,
                              slot.material->id);
                }
            }
            v.start_content(scheme_);
        });
    }

    /// The scheme this verifier reads.
    const Scheme& scheme() const noexcept { return scheme_; }

private:
    const keyring<Clock>& ring_;
    Scheme scheme_;
    verify_options options_;
};

/// Signs deliveries of one wire scheme with a keyring's keys at the moment of
/// each call: with every key active at the signed timestamp and at now (newest
/// first) when the scheme carries several signatures, else with the newest
/// such key (the primary). The ring must outlive the signer.
template <class Scheme, class Clock = wall_clock>
class keyring_signer {
public:
    /// Signs with `ring`'s keys for `scheme`.
    explicit keyring_signer(const keyring<Clock>& ring, Scheme scheme = {}) : ring_(ring), scheme_(std::move(scheme)) {}

    /// Signs `body` (raw bytes) at the ring's now and writes the headers to send.
    /// @return errc::no_active_key when no key is active; errc::invalid_argument
    ///         for an unusable id or timestamp; errc::rng_failure.
    [[nodiscard]] std::error_code sign(std::string_view body, const sign_options& options,
                                       std::vector<header>& out) const {
        return sign(body, options, out, ring_.clock().now());
    }

    /// Signs as if the time were `now`; the signed timestamp defaults to `now`.
    [[nodiscard]] std::error_code sign(std::string_view body, const sign_options& options, std::vector<header>& out,
                                       unix_seconds now) const {
        const auto state = ring_.snapshot();
        return detail::sign_delivery(scheme_, body, options, now, state->slots.size(),
                                     [&](std::size_t i, unix_seconds signed_at) -> const detail::prepared_key* {
                                         const detail::keyring_slot& s = state->slots[i];
                                         return detail::key_usable(s.window, signed_at, now) ? &s.material->prepared
                                                                                             : nullptr;
                                     },
                                     out);
    }

    /// Starts signing a body produced in pieces at the ring's now (see
    /// hooksig::signing), with the keys sign() would use; a rotation
    /// meanwhile does not change them.
    [[nodiscard]] signing<Scheme> begin(const sign_options& options = {}) const {
        return begin(options, ring_.clock().now());
    }

    /// begin() as if the time were `now`.
    [[nodiscard]] signing<Scheme> begin(const sign_options& options, unix_seconds now) const {
        return signing<Scheme>(detail::signing_start{}, scheme_, [&](signing<Scheme>& s) {
            if (!s.fix_fields(options, now)) return;
            const auto state = ring_.snapshot();
            for (const detail::keyring_slot& slot : state->slots)
                if (detail::key_usable(slot.window, s.signed_at(), now)) s.add_key(slot.material->prepared);
            s.keep_alive(state); // the Ed25519 keys it points to
            s.start_content();
        });
    }

    /// Throwing form of sign() at the ring's now, for code that prefers exceptions.
    std::vector<header> sign(std::string_view body, const sign_options& options = {}) const {
        std::vector<header> out;
        detail::throw_if(sign(body, options, out));
        return out;
    }

    /// The scheme this signer writes.
    const Scheme& scheme() const noexcept { return scheme_; }

private:
    const keyring<Clock>& ring_;
    Scheme scheme_;
};

} // namespace hooksig
