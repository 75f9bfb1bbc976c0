// redis_store against a real redis-server started by the test on a free
// loopback port: first seen, duplicate, expiry, two guards on one server,
// Redis killed or hung mid-run (fail-closed vs fail-open), recovery.
#include <catch2/catch.hpp> // the runner: hooksig_catch_main (tests/unit/main.cpp)

#include <hooksig/replay/redis_store.hpp>
#include <hooksig/replay/replay_guard.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis_server.hpp"

using namespace hooksig;
using namespace std::chrono_literals;

namespace {

redis_options options_for(int port) {
    redis_options options;
    options.port = port;
    options.connect_timeout = 500ms;
    options.command_timeout = 500ms;
    options.reconnect_interval = 0ms;
    return options;
}

/// Runs one raw command on the test's own connection; returns the reply's integer.
long long integer_reply(int port, const std::string& command, const std::string& key) {
    redisContext* c = redisConnect("127.0.0.1", port);
    REQUIRE(c != nullptr);
    REQUIRE(c->err == 0);
    auto* r = static_cast<redisReply*>(redisCommand(c, "%s %b", command.c_str(), key.data(), key.size()));
    REQUIRE(r != nullptr);
    REQUIRE(r->type == REDIS_REPLY_INTEGER);
    const long long value = r->integer;
    freeReplyObject(r);
    redisFree(c);
    return value;
}

} // namespace

TEST_CASE("redis: the first delivery is first seen, its replay a duplicate", "[redis]") {
    redis_test::server server;
    redis_store store(options_for(server.port()));
    REQUIRE_FALSE(store.ping());
    replay_guard<redis_store> guard(store);
    const replay_result first = guard.check("msg_redis_1");
    CHECK(first.first_seen());
    CHECK_FALSE(first.error);
    CHECK(guard.check("msg_redis_1").duplicate());
    CHECK(guard.check("msg_redis_2").first_seen());

    SECTION("the key carries the prefix and the guard's TTL (SET NX EX)") {
        const long long ttl = integer_reply(server.port(), "TTL", "hooksig:id:msg_redis_1");
        CHECK(ttl > default_replay_ttl.count() - 60);
        CHECK(ttl <= default_replay_ttl.count());
    }
    SECTION("release deletes the key") {
        REQUIRE_FALSE(guard.release("msg_redis_1"));
        CHECK(integer_reply(server.port(), "EXISTS", "hooksig:id:msg_redis_1") == 0);
        CHECK(guard.check("msg_redis_1").first_seen());
    }
    SECTION("long ids are stored hashed, within the key bound") {
        const std::string long_id(300, 'z');
        CHECK(guard.check(long_id).first_seen());
        CHECK(guard.check(long_id).duplicate());
        std::string key;
        REQUIRE_FALSE(make_replay_key("hooksig:", long_id, key));
        CHECK(integer_reply(server.port(), "EXISTS", key) == 1);
    }
}

TEST_CASE("redis: an id expires after its TTL", "[redis]") {
    redis_test::server server;
    redis_store store(options_for(server.port()));
    replay_options options;
    options.ttl = 1s;
    replay_guard<redis_store> guard(store, options);
    REQUIRE(guard.check("msg_short").first_seen());
    REQUIRE(guard.check("msg_short").duplicate());
    std::this_thread::sleep_for(1500ms);
    CHECK(guard.check("msg_short").first_seen());
    CHECK(guard.check("msg_short").duplicate());
}

TEST_CASE("redis: a reservation runs out unless committed, a commit keeps the full TTL", "[redis][reserve]") {
    redis_test::server server;
    redis_store store(options_for(server.port()));
    static_assert(replay_guard<redis_store>::reserves_briefly, "redis_store has extend()");
    replay_guard<redis_store> guard(store); // full TTL: 9 h

    REQUIRE(guard.reserve("msg_crash", 1s).first_seen());
    REQUIRE(guard.reserve("msg_done", 1s).first_seen());
    REQUIRE(guard.reserve("msg_late", 1s).first_seen());
    CHECK(integer_reply(server.port(), "TTL", "hooksig:id:msg_crash") <= 1);
    CHECK(guard.reserve("msg_crash", 1s).duplicate()); // reserved: never processed twice at once
    CHECK(guard.check("msg_crash").duplicate());
    REQUIRE_FALSE(guard.commit("msg_done"));
    const long long ttl = integer_reply(server.port(), "TTL", "hooksig:id:msg_done");
    CHECK(ttl > default_replay_ttl.count() - 60);
    CHECK(ttl <= default_replay_ttl.count());

    // msg_crash is neither committed nor released (its receiver died): it runs out.
    std::this_thread::sleep_for(1500ms);
    CHECK(integer_reply(server.port(), "EXISTS", "hooksig:id:msg_crash") == 0);
    CHECK(guard.reserve("msg_crash", 1s).first_seen());
    CHECK(guard.reserve("msg_done", 1s).duplicate());

    // msg_late's forward outlived its reservation: the commit records it again.
    REQUIRE_FALSE(guard.commit("msg_late"));
    CHECK(integer_reply(server.port(), "TTL", "hooksig:id:msg_late") > default_replay_ttl.count() - 60);
    CHECK(guard.check("msg_late").duplicate());
    // A released reservation is first seen at once.
    REQUIRE_FALSE(guard.release("msg_crash"));
    CHECK(guard.reserve("msg_crash", 1s).first_seen());
    // A bad TTL is refused before any round trip; Redis gone: commit is store_unavailable.
    CHECK(store.extend("hooksig:id:x", 0s) == errc::invalid_argument);
    server.kill();
    CHECK(guard.commit("msg_crash") == errc::store_unavailable);
}

TEST_CASE("redis: two guards on two connections share one server", "[redis]") {
    redis_test::server server;
    redis_store store_a(options_for(server.port())), store_b(options_for(server.port()));
    replay_guard<redis_store> a(store_a), b(store_b);
    CHECK(a.check("msg_shared").first_seen());
    CHECK(b.check("msg_shared").duplicate());
    CHECK(b.check("msg_other").first_seen());
    CHECK(a.check("msg_other").duplicate());

    SECTION("racing receivers see each id first exactly once") {
        constexpr int ids = 300;
        std::atomic<int> first{0}, duplicate{0}, failed{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                replay_guard<redis_store>& guard = t % 2 == 0 ? a : b;
                for (int i = 0; i < ids; ++i) {
                    const replay_result r = guard.check("race_" + std::to_string((i + t * 37) % ids));
                    if (r.first_seen()) ++first;
                    else if (r.duplicate()) ++duplicate;
                    else ++failed;
                }
            });
        }
        for (auto& t : threads) t.join();
        CHECK(first == ids);
        CHECK(duplicate == 3 * ids);
        CHECK(failed == 0);
    }
    SECTION("different prefixes do not meet") {
        replay_options other;
        other.prefix = "tenant-2:";
        replay_guard<redis_store> c(store_a, other);
        CHECK(c.check("msg_shared").first_seen());
    }
}

TEST_CASE("redis: Redis killed mid-run gives store_unavailable, and the policy decides", "[redis]") {
    redis_test::server server;
    redis_store store(options_for(server.port()));
    replay_guard<redis_store> closed(store);
    replay_options open_options;
    open_options.on_store_failure = store_failure_policy::fail_open;
    replay_guard<redis_store> open(store, open_options);
    REQUIRE(closed.check("msg_before").first_seen());

    server.kill();
    const replay_result rejected = closed.check("msg_during");
    CHECK(rejected.error == errc::store_unavailable);
    CHECK_FALSE(rejected.first_seen());
    CHECK_FALSE(rejected.duplicate());
    CHECK(rejected.error.message() == "replay store unavailable");

    const replay_result let_through = open.check("msg_during");
    CHECK_FALSE(let_through.error);
    CHECK(let_through.first_seen());
    CHECK(let_through.store_failure == errc::store_unavailable);
    CHECK(store.ping() == errc::store_unavailable);
    bool inserted = true;
    CHECK(store.insert("k", 10s, inserted) == errc::store_unavailable);
    CHECK_FALSE(inserted);
    CHECK(store.erase("k") == errc::store_unavailable);

    SECTION("it reconnects when Redis is back (an empty Redis: earlier ids are gone)") {
        REQUIRE(server.start());
        CHECK(closed.check("msg_after").first_seen());
        CHECK(closed.check("msg_after").duplicate());
        CHECK(closed.check("msg_before").first_seen());
    }
}

TEST_CASE("redis: reconnect attempts are spaced by reconnect_interval", "[redis]") {
    redis_test::server server;
    redis_options options = options_for(server.port());
    options.reconnect_interval = 60s;
    redis_store store(options);
    replay_guard<redis_store> guard(store);
    REQUIRE(guard.check("msg_1").first_seen());
    server.kill();
    CHECK(guard.check("msg_2").error == errc::store_unavailable);
    REQUIRE(server.start());
    // Within the interval the store does not try again: failing fast while Redis is down.
    CHECK(guard.check("msg_3").error == errc::store_unavailable);
}

TEST_CASE("redis: a hung Redis times out with store_unavailable", "[redis]") {
    redis_test::server server;
    redis_options options = options_for(server.port());
    options.command_timeout = 200ms;
    redis_store store(options);
    replay_guard<redis_store> guard(store);
    REQUIRE(guard.check("msg_1").first_seen());
    server.pause();
    const auto start = std::chrono::steady_clock::now();
    const replay_result r = guard.check("msg_2");
    const auto waited = std::chrono::steady_clock::now() - start;
    server.resume();
    CHECK(r.error == errc::store_unavailable);
    CHECK(waited >= 150ms);
    CHECK(waited < 3s);
    // The dropped connection is re-made once Redis answers again.
    CHECK(guard.check("msg_1").duplicate());
}

TEST_CASE("redis: nothing listening is store_unavailable, an error reply is store_error", "[redis]") {
    redis_store nowhere(options_for(redis_test::free_port()));
    CHECK(nowhere.ping() == errc::store_unavailable);
    replay_guard<redis_store> guard(nowhere);
    CHECK(guard.check("msg").error == errc::store_unavailable);

    redis_test::server server;
    redis_options wrong = options_for(server.port());
    wrong.password = "not-configured-on-this-server";
    redis_store refused(wrong);
    CHECK(refused.ping() == errc::store_error);
    replay_guard<redis_store> refused_guard(refused);
    CHECK(refused_guard.check("msg").error == errc::store_error);
    CHECK(refused_guard.check("msg").error.message() == "replay store error");
}
