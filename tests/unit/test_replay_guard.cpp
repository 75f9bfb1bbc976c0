// The replay guard over the in-memory store: keys, verdicts, TTL expiry,
// bounded capacity (oldest evicted first), store-failure policy, threads.
#include <catch2/catch.hpp>

#include <hooksig/replay/memory_store.hpp>
#include <hooksig/replay/replay_guard.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>
#include <hooksig/signer.hpp>
#include <hooksig/verifier.hpp>

#include <botan/hash.h>
#include <botan/hex.h>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace hooksig;

namespace {

/// A clock the test moves: reads the time through a pointer.
struct manual_clock {
    const unix_seconds* at;
    unix_seconds now() const noexcept { return *at; }
};

std::string botan_sha256_hex(const std::string& data) {
    auto hash = Botan::HashFunction::create_or_throw("SHA-256");
    return Botan::hex_encode(hash->process(data), false);
}

/// A store that fails every call with `failure`, counting calls.
struct failing_store {
    std::error_code failure = errc::store_unavailable;
    int calls = 0;
    std::error_code insert(std::string_view, std::chrono::seconds, bool& inserted) noexcept {
        ++calls;
        inserted = true; // must be ignored: the call failed
        return failure;
    }
    std::error_code erase(std::string_view) noexcept { return failure; }
};

/// A scheme that signs only the body (as GitHub, Shopify or BitGo do).
struct body_only_scheme {
    bool signs_id() const noexcept { return false; }
    template <class Headers>
    std::error_code parse(const Headers&, delivery&) const noexcept {
        return errc::missing_header; // never called for a body-only scheme
    }
};

} // namespace

TEST_CASE("replay keys are the prefixed id, or its SHA-256 when long or unprintable", "[replay]") {
    std::string key;
    REQUIRE_FALSE(make_replay_key("hooksig:", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", key));
    CHECK(key == "hooksig:id:msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");

    const std::string long_id(200, 'a');
    REQUIRE_FALSE(make_replay_key("hooksig:", long_id, key));
    CHECK(key == "hooksig:sha256:" + botan_sha256_hex(long_id));
    CHECK(key.size() <= replay_key_max_size);

    const std::string spaced = "msg 1";
    REQUIRE_FALSE(make_replay_key("p:", spaced, key));
    CHECK(key == "p:sha256:" + botan_sha256_hex(spaced));

    const std::string binary("a\0b\xff", 4);
    REQUIRE_FALSE(make_replay_key("p:", binary, key));
    CHECK(key == "p:sha256:" + botan_sha256_hex(binary));

    SECTION("the longest raw id that fits stays raw, one more byte is hashed") {
        const std::string prefix = "hooksig:";
        const std::string fits(replay_key_max_size - prefix.size() - 3, 'x');
        REQUIRE_FALSE(make_replay_key(prefix, fits, key));
        CHECK(key == prefix + "id:" + fits);
        REQUIRE_FALSE(make_replay_key(prefix, fits + "x", key));
        CHECK(key == prefix + "sha256:" + botan_sha256_hex(fits + "x"));
    }
    SECTION("empty ids and unusable prefixes are invalid arguments") {
        CHECK(make_replay_key("hooksig:", "", key) == errc::invalid_argument);
        CHECK(make_replay_key(std::string(replay_prefix_max_size + 1, 'p'), "id", key) == errc::invalid_argument);
        CHECK(make_replay_key("bad\nprefix", "id", key) == errc::invalid_argument);
    }
}

TEST_CASE("body_sha256_hex matches Botan's SHA-256", "[replay]") {
    CHECK(body_sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    for (const std::size_t size : {0u, 55u, 56u, 63u, 64u, 65u, 1000u}) {
        const std::string body(size, static_cast<char>('a' + size % 26));
        CHECK(body_sha256_hex(body) == botan_sha256_hex(body));
    }
}

TEST_CASE("the memory store reports first seen, then duplicate until the TTL runs out", "[replay][memory_store]") {
    unix_seconds now = 1700000000;
    memory_store<manual_clock> store(16, manual_clock{&now});
    replay_options options;
    options.ttl = std::chrono::seconds(60);
    replay_guard<memory_store<manual_clock>> guard(store, options);

    const replay_result first = guard.check("msg_1");
    CHECK(first.first_seen());
    CHECK_FALSE(first.duplicate());
    CHECK_FALSE(first.error);
    CHECK(guard.check("msg_1").duplicate());
    CHECK(guard.check("msg_2").first_seen());
    now += 59;
    CHECK(guard.check("msg_1").duplicate());
    now += 1; // exactly ttl seconds later: expired
    CHECK(guard.check("msg_1").first_seen());
    CHECK(guard.check("msg_1").duplicate());
    CHECK(store.early_evictions() == 0);
}

TEST_CASE("the default TTL covers BitGo's retry schedule plus the timestamp tolerance", "[replay]") {
    const long retries_minutes = 1 + 5 + 10 + 30 + 60 + 120 + 240;
    CHECK(default_replay_ttl >= std::chrono::minutes(retries_minutes) + std::chrono::minutes(5));
    CHECK(replay_options{}.ttl == default_replay_ttl);
    CHECK(replay_options{}.on_store_failure == store_failure_policy::fail_closed);

    unix_seconds now = 1700000000;
    memory_store<manual_clock> store(16, manual_clock{&now});
    replay_guard<memory_store<manual_clock>> guard(store);
    REQUIRE(guard.check("bitgo-delivery").first_seen());
    for (const long minutes : {1, 5, 10, 30, 60, 120, 240}) {
        now += minutes * 60;
        CHECK(guard.check("bitgo-delivery").duplicate());
    }
}

TEST_CASE("a full memory store evicts the oldest entry first", "[replay][memory_store]") {
    unix_seconds now = 1000;
    memory_store<manual_clock> store(3, manual_clock{&now});
    replay_guard<memory_store<manual_clock>> guard(store);
    for (const char* id : {"a", "b", "c"}) REQUIRE(guard.check(id).first_seen());
    CHECK(store.size() == 3);
    REQUIRE(guard.check("d").first_seen()); // evicts a
    CHECK(store.size() == 3);
    CHECK(store.early_evictions() == 1);
    CHECK(guard.check("d").duplicate());
    CHECK(guard.check("c").duplicate());
    CHECK(guard.check("b").duplicate());
    CHECK(guard.check("a").first_seen()); // a was gone; recording it evicts b
    CHECK(guard.check("b").first_seen()); // evicts c
    CHECK(guard.check("d").duplicate());
    CHECK(store.early_evictions() == 3);
}

TEST_CASE("an expired entry recorded again moves to the newest position", "[replay][memory_store]") {
    unix_seconds now = 1000;
    memory_store<manual_clock> store(2, manual_clock{&now});
    bool inserted = false;
    REQUIRE_FALSE(store.insert("a", std::chrono::seconds(10), inserted));
    CHECK(inserted);
    REQUIRE_FALSE(store.insert("b", std::chrono::seconds(100), inserted));
    CHECK(inserted);
    now += 20; // a expired, b not
    REQUIRE_FALSE(store.insert("a", std::chrono::seconds(100), inserted));
    CHECK(inserted);
    REQUIRE_FALSE(store.insert("c", std::chrono::seconds(100), inserted)); // evicts b, the oldest live entry
    CHECK(inserted);
    CHECK(store.early_evictions() == 1);
    REQUIRE_FALSE(store.insert("a", std::chrono::seconds(100), inserted));
    CHECK_FALSE(inserted);
    REQUIRE_FALSE(store.insert("c", std::chrono::seconds(100), inserted));
    CHECK_FALSE(inserted);
    CHECK(store.size() == 2);
}

TEST_CASE("the memory store never holds more than its capacity and remembers the newest entries",
          "[replay][memory_store]") {
    unix_seconds now = 1000;
    memory_store<manual_clock> store(1000, manual_clock{&now});
    bool inserted = false;
    for (int i = 0; i < 10000; ++i) {
        REQUIRE_FALSE(store.insert("k" + std::to_string(i), std::chrono::seconds(3600), inserted));
        REQUIRE(inserted);
        REQUIRE(store.size() <= 1000);
    }
    CHECK(store.size() == 1000);
    CHECK(store.early_evictions() == 9000);
    for (int i = 9000; i < 10000; ++i) {
        REQUIRE_FALSE(store.insert("k" + std::to_string(i), std::chrono::seconds(3600), inserted));
        REQUIRE_FALSE(inserted);
    }
    CHECK(store.memory_bytes() == 1000 * 32 + 1024 * 4);
}

TEST_CASE("erase and release forget an id", "[replay][memory_store]") {
    memory_store<> store(8);
    replay_guard<memory_store<>> guard(store);
    REQUIRE(guard.check("msg_x").first_seen());
    REQUIRE(guard.check("msg_x").duplicate());
    REQUIRE_FALSE(guard.release("msg_x"));
    CHECK(store.size() == 0);
    CHECK(guard.check("msg_x").first_seen());
    CHECK_FALSE(guard.release("never-seen"));
    CHECK(guard.release("") == errc::invalid_argument);
}

TEST_CASE("guards with different prefixes share a store without meeting", "[replay][memory_store]") {
    memory_store<> store(64);
    replay_options a_options, b_options;
    a_options.prefix = "shop-a:";
    b_options.prefix = "shop-b:";
    replay_guard<memory_store<>> a(store, a_options), b(store, b_options), a_again(store, a_options);
    CHECK(a.check("msg_1").first_seen());
    CHECK(b.check("msg_1").first_seen());
    CHECK(a_again.check("msg_1").duplicate());
    CHECK(b.check("msg_1").duplicate());
}

TEST_CASE("guard options are validated", "[replay]") {
    memory_store<> store(4);
    replay_options options;
    options.ttl = std::chrono::seconds(0);
    CHECK_THROWS_AS(replay_guard<memory_store<>>(store, options), hooksig::error);
    options.ttl = std::chrono::seconds(1);
    options.prefix = std::string(replay_prefix_max_size + 1, 'p');
    CHECK_THROWS_AS(replay_guard<memory_store<>>(store, options), hooksig::error);
    options.prefix = "tab\there";
    CHECK_THROWS_AS(replay_guard<memory_store<>>(store, options), hooksig::error);
    CHECK_THROWS_AS(memory_store<>(0), hooksig::error);
    bool inserted = true;
    CHECK(store.insert("k", std::chrono::seconds(0), inserted) == errc::invalid_argument);
    CHECK_FALSE(inserted);

    replay_guard<memory_store<>> guard(store);
    const replay_result empty = guard.check("");
    CHECK(empty.error == errc::invalid_argument);
    CHECK_FALSE(empty.first_seen());
    CHECK_FALSE(empty.duplicate());
}

TEST_CASE("a failing store is an error when failing closed, and flagged first seen when failing open", "[replay]") {
    for (const errc failure : {errc::store_unavailable, errc::store_error}) {
        failing_store store;
        store.failure = failure;
        SECTION("fail closed (the default)") {
            replay_guard<failing_store> guard(store);
            const replay_result result = guard.check("msg_1");
            CHECK(result.error == failure);
            CHECK_FALSE(result.first_seen());
            CHECK_FALSE(result.duplicate());
            CHECK(store.calls == 1);
        }
        SECTION("fail open") {
            replay_options options;
            options.on_store_failure = store_failure_policy::fail_open;
            replay_guard<failing_store> guard(store, options);
            const replay_result result = guard.check("msg_1");
            CHECK_FALSE(result.error);
            CHECK(result.first_seen());
            CHECK(result.store_failure == failure);
        }
    }
}

TEST_CASE("check_delivery records a verified Standard Webhooks delivery by its signed id", "[replay]") {
    const secret key = secret::generate();
    const signer<standard_webhooks> sign({key});
    const verifier<standard_webhooks> verify({key});
    sign_options choices;
    choices.id = "msg_replayed";
    const std::vector<header> headers = sign.sign("{\"n\":1}", choices);
    REQUIRE(verify.verify(headers, "{\"n\":1}"));

    memory_store<> store(16);
    replay_guard<memory_store<>> guard(store);
    std::string id;
    REQUIRE_FALSE(delivery_replay_id(standard_webhooks{}, headers, "{\"n\":1}", id));
    CHECK(id == "msg_replayed");
    CHECK(guard.check_delivery(standard_webhooks{}, headers, "{\"n\":1}").first_seen());
    CHECK(guard.check_delivery(standard_webhooks{}, headers, "{\"n\":1}").duplicate());
    // A retry: same id, fresh timestamp and signature.
    choices.timestamp = wall_clock{}.now() + 60;
    const std::vector<header> retry = sign.sign("{\"n\":1}", choices);
    CHECK(guard.check_delivery(standard_webhooks{}, retry, "{\"n\":1}").duplicate());
    // Without the id header the delivery cannot have verified.
    const std::vector<header> no_id(headers.begin() + 1, headers.end());
    CHECK(guard.check_delivery(standard_webhooks{}, no_id, "{\"n\":1}").error == errc::invalid_argument);
    // release() takes the same id.
    REQUIRE_FALSE(guard.release(id));
    CHECK(guard.check_delivery(standard_webhooks{}, headers, "{\"n\":1}").first_seen());
}

TEST_CASE("check_delivery records a body-only scheme's delivery by the body's SHA-256", "[replay]") {
    memory_store<> store(16);
    replay_guard<memory_store<>> guard(store);
    const std::map<std::string, std::string> headers{{"x-signature-sha256", "irrelevant here"}};
    std::string id;
    REQUIRE_FALSE(delivery_replay_id(body_only_scheme{}, headers, "abc", id));
    CHECK(id == "body:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(guard.check_delivery(body_only_scheme{}, headers, "abc").first_seen());
    CHECK(guard.check_delivery(body_only_scheme{}, headers, "abc").duplicate());
    CHECK(guard.check_delivery(body_only_scheme{}, headers, "abd").first_seen());
    // The body hash lives in its own namespace: the bare hex as an id is new.
    CHECK(guard.check(body_sha256_hex("abc")).first_seen());
}

TEST_CASE("find_idempotency_key reads one visible-ASCII idempotency-key header", "[replay]") {
    using list = std::vector<std::pair<std::string, std::string>>;
    CHECK(find_idempotency_key(list{{"Idempotency-Key", "7c9e6679"}}) == "7c9e6679");
    CHECK(find_idempotency_key(list{}).empty());
    CHECK(find_idempotency_key(list{{"idempotency-key", "a"}, {"idempotency-key", "b"}}).empty());
    CHECK(find_idempotency_key(list{{"idempotency-key", "has space"}}).empty());
    CHECK(find_idempotency_key(list{{"idempotency-key", std::string(message_id_max_size + 1, 'k')}}).empty());
}

TEST_CASE("concurrent checks of the same ids see each id first exactly once", "[replay][memory_store][threads]") {
    memory_store<> store(100000);
    replay_guard<memory_store<>> guard(store);
    constexpr int threads = 4, ids = 5000;
    std::atomic<int> first{0}, duplicate{0}, failed{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < ids; ++i) {
                const int n = (i * 7 + t * 13) % ids; // each thread in its own order
                const replay_result r = guard.check("msg_" + std::to_string(n));
                if (r.first_seen()) ++first;
                else if (r.duplicate()) ++duplicate;
                else ++failed;
            }
        });
    }
    for (auto& w : workers) w.join();
    CHECK(first == ids);
    CHECK(duplicate == (threads - 1) * ids);
    CHECK(failed == 0);
    CHECK(store.size() == static_cast<std::size_t>(ids));
}

TEST_CASE("an unexpired id evicted early is reported with its age, through the guard (row 11)", "[replay][memory_store]") {
    unix_seconds now = 1'700'000'000;
    memory_store<manual_clock> store(1000, manual_clock{&now});
    replay_guard<memory_store<manual_clock>> guard(store); // TTL 9 h
    CHECK(guard.store_stats()->early_evictions == 0);
    CHECK(guard.store_stats()->oldest_age == std::chrono::seconds(0));
    REQUIRE(guard.check("X").first_seen());
    for (int i = 0; i < 1000; ++i) {
        if (i % 100 == 0) now += 6; // 1,000 deliveries over a minute
        REQUIRE(guard.check("other-" + std::to_string(i)).first_seen());
    }
    // X was dropped to make room 60 s after it was recorded, 8 h 59 min before its TTL ran out:
    const std::optional<replay_store_stats> stats = guard.store_stats();
    REQUIRE(stats);
    CHECK(stats->early_evictions == 1);
    CHECK(stats->last_early_eviction_age == std::chrono::seconds(60));
    CHECK(stats->oldest_age == std::chrono::seconds(54)); // other-0, at +6: the store covers under a minute, the TTL is 9 h
    CHECK(stats->size == 1000);
    CHECK(stats->capacity == 1000);
    CHECK(guard.check("X").first_seen()); // the replay the report warns about
    CHECK(store.early_evictions() == 2);
    now += 30;
    CHECK(store.stats().oldest_age == std::chrono::seconds(84)); // other-1 recorded at +6
}

TEST_CASE("the oldest age skips erased entries, and stores without stats() report nothing", "[replay][memory_store]") {
    unix_seconds now = 5000;
    memory_store<manual_clock> store(4, manual_clock{&now});
    replay_guard<memory_store<manual_clock>> guard(store);
    REQUIRE(guard.check("a").first_seen());
    now += 10;
    REQUIRE(guard.check("b").first_seen());
    now += 5;
    CHECK(store.stats().oldest_age == std::chrono::seconds(15));
    REQUIRE_FALSE(guard.release("a"));
    CHECK(store.stats().oldest_age == std::chrono::seconds(5));
    REQUIRE_FALSE(guard.release("b"));
    CHECK(store.stats().oldest_age == std::chrono::seconds(0));
    CHECK(store.stats().early_evictions == 0);

    failing_store other;
    const replay_guard<failing_store> plain(other);
    CHECK_FALSE(plain.store_stats().has_value());
    static_assert(detail::has_store_stats<memory_store<>>::value, "memory_store reports evictions");
    static_assert(!detail::has_store_stats<failing_store>::value, "a store without stats() is fine");
}

namespace {

/// memory_store without `extend`: what reserve() and commit() do over a store
/// that cannot re-time a record.
struct insert_only_store {
    memory_store<manual_clock> inner;
    std::error_code insert(std::string_view key, std::chrono::seconds ttl, bool& inserted) noexcept {
        return inner.insert(key, ttl, inserted);
    }
    std::error_code erase(std::string_view key) noexcept { return inner.erase(key); }
};

/// A store whose insert and erase work and whose extend fails with `failure`.
struct failing_extend_store {
    memory_store<> inner{16};
    std::error_code failure = errc::store_unavailable;
    std::error_code insert(std::string_view key, std::chrono::seconds ttl, bool& inserted) noexcept {
        return inner.insert(key, ttl, inserted);
    }
    std::error_code extend(std::string_view, std::chrono::seconds) noexcept { return failure; }
    std::error_code erase(std::string_view key) noexcept { return inner.erase(key); }
};

} // namespace

TEST_CASE("reserve holds an id briefly, commit keeps it for the full TTL", "[replay][memory_store][reserve]") {
    unix_seconds now = 1700000000;
    memory_store<manual_clock> store(16, manual_clock{&now});
    replay_options options;
    options.ttl = std::chrono::seconds(3600);
    replay_guard<memory_store<manual_clock>> guard(store, options);
    static_assert(replay_guard<memory_store<manual_clock>>::reserves_briefly, "memory_store has extend()");
    const std::chrono::seconds reservation(15);

    SECTION("a reservation is a duplicate while it lasts, for reserve() and check() alike") {
        const replay_result first = guard.reserve("msg_r", reservation);
        CHECK(first.first_seen());
        CHECK_FALSE(first.error);
        CHECK(guard.reserve("msg_r", reservation).duplicate());
        CHECK(guard.check("msg_r").duplicate());
        now += 14;
        CHECK(guard.reserve("msg_r", reservation).duplicate());
    }
    SECTION("an uncommitted reservation runs out (the process died): the retry is first seen") {
        REQUIRE(guard.reserve("msg_r", reservation).first_seen());
        now += 15;
        CHECK(guard.reserve("msg_r", reservation).first_seen());
        CHECK(guard.reserve("msg_r", reservation).duplicate());
    }
    SECTION("a committed id is a duplicate for the full TTL, counted from the commit") {
        REQUIRE(guard.reserve("msg_r", reservation).first_seen());
        now += 10;
        REQUIRE_FALSE(guard.commit("msg_r"));
        now += 3599;
        CHECK(guard.reserve("msg_r", reservation).duplicate());
        CHECK(guard.check("msg_r").duplicate());
        now += 1;
        CHECK(guard.reserve("msg_r", reservation).first_seen());
        CHECK(store.size() == 1); // re-timed in place, never a second entry
    }
    SECTION("a commit after the reservation ran out records the id again") {
        REQUIRE(guard.reserve("msg_r", reservation).first_seen());
        now += 20;
        REQUIRE_FALSE(guard.commit("msg_r"));
        now += 3599;
        CHECK(guard.check("msg_r").duplicate());
    }
    SECTION("a released reservation is first seen at once") {
        REQUIRE(guard.reserve("msg_r", reservation).first_seen());
        REQUIRE_FALSE(guard.release("msg_r"));
        CHECK(guard.reserve("msg_r", reservation).first_seen());
    }
    SECTION("bad arguments") {
        CHECK(guard.reserve("msg_r", std::chrono::seconds(0)).error == errc::invalid_argument);
        CHECK(guard.reserve("", reservation).error == errc::invalid_argument);
        CHECK(guard.commit("") == errc::invalid_argument);
        CHECK(store.extend("k", std::chrono::seconds(0)) == errc::invalid_argument);
        CHECK(store.size() == 0);
    }
    CHECK(store.early_evictions() == 0);
}

TEST_CASE("extend on a full memory store evicts like insert", "[replay][memory_store][reserve]") {
    unix_seconds now = 100;
    memory_store<manual_clock> store(2, manual_clock{&now});
    bool inserted = false;
    REQUIRE_FALSE(store.insert("a", std::chrono::seconds(60), inserted));
    REQUIRE_FALSE(store.insert("b", std::chrono::seconds(60), inserted));
    REQUIRE_FALSE(store.extend("c", std::chrono::seconds(60))); // absent: recorded, "a" evicted early
    CHECK(store.size() == 2);
    CHECK(store.early_evictions() == 1);
    REQUIRE_FALSE(store.insert("c", std::chrono::seconds(60), inserted));
    CHECK_FALSE(inserted);
    REQUIRE_FALSE(store.insert("a", std::chrono::seconds(60), inserted));
    CHECK(inserted);
}

TEST_CASE("without extend(), reserve records for the full TTL and commit does nothing", "[replay][reserve]") {
    unix_seconds now = 1700000000;
    insert_only_store store{memory_store<manual_clock>(16, manual_clock{&now})};
    replay_options options;
    options.ttl = std::chrono::seconds(3600);
    replay_guard<insert_only_store> guard(store, options);
    static_assert(!replay_guard<insert_only_store>::reserves_briefly, "no extend(): full TTL at reserve");
    static_assert(!detail::has_store_extend<failing_store>::value, "failing_store has no extend()");
    static_assert(detail::has_store_extend<failing_extend_store>::value, "detected");
    REQUIRE(guard.reserve("msg_r", std::chrono::seconds(15)).first_seen());
    now += 15;
    CHECK(guard.reserve("msg_r", std::chrono::seconds(15)).duplicate()); // as check() would
    CHECK_FALSE(guard.commit("msg_r"));
    now += 3584;
    CHECK(guard.check("msg_r").duplicate());
    now += 1;
    CHECK(guard.check("msg_r").first_seen());
}

TEST_CASE("reserve follows the store-failure policy, commit reports the store's error", "[replay][reserve]") {
    SECTION("a failing store") {
        failing_store store;
        replay_guard<failing_store> closed(store);
        CHECK(closed.reserve("msg_1", std::chrono::seconds(15)).error == errc::store_unavailable);
        replay_options options;
        options.on_store_failure = store_failure_policy::fail_open;
        replay_guard<failing_store> open(store, options);
        const replay_result r = open.reserve("msg_1", std::chrono::seconds(15));
        CHECK(r.first_seen());
        CHECK(r.store_failure == errc::store_unavailable);
    }
    SECTION("a failing extend: the reservation stays as it was") {
        failing_extend_store store;
        replay_guard<failing_extend_store> guard(store);
        REQUIRE(guard.reserve("msg_1", std::chrono::seconds(15)).first_seen());
        CHECK(guard.commit("msg_1") == errc::store_unavailable);
        store.failure = errc::store_error;
        CHECK(guard.commit("msg_1") == errc::store_error);
        CHECK(guard.check("msg_1").duplicate());
    }
}

TEST_CASE("concurrent reservations of the same ids see each id first exactly once",
          "[replay][memory_store][reserve][threads]") {
    memory_store<> store(4096);
    replay_guard<memory_store<>> guard(store);
    constexpr int ids = 500;
    std::atomic<int> first{0}, duplicate{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < ids; ++i) {
                const std::string id = "res_" + std::to_string((i + t * 97) % ids);
                const replay_result r = guard.reserve(id, std::chrono::seconds(30));
                if (r.first_seen()) {
                    ++first;
                    if (i % 2 == 0) (void)guard.commit(id);
                } else if (r.duplicate()) {
                    ++duplicate;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(first == ids);
    CHECK(duplicate == 3 * ids);
}
