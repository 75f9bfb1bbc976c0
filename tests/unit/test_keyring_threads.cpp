// Verification and signing run while another thread rotates: no torn ring, no
// data race (run under the tsan preset), no blocked reader.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <hooksig/keyring/keyring.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>

using namespace hooksig;

namespace {

/// A clock other threads may read while the test moves it.
struct shared_clock {
    std::atomic<unix_seconds>* at; ///< the time now() returns
    unix_seconds now() const noexcept { return at->load(std::memory_order_relaxed); }
};

} // namespace

TEST_CASE("verifiers and signers on several threads while another thread rotates see whole rings only") {
    constexpr unix_seconds T0 = 1'700'000'000;
    std::atomic<unix_seconds> time{T0};
    keyring<shared_clock> ring(shared_clock{&time});
    // `anchor` stays active in every ring the writer publishes, so every
    // verification must succeed and name it: a half-updated ring would not.
    const secret anchor = secret::generate();
    const std::string anchor_id = anchor.key_id();
    REQUIRE_FALSE(ring.assign({{anchor, {0, std::nullopt}}}));

    const std::string body = "{\"amount\":100}";
    const signer<standard_webhooks> sign_anchor({anchor});
    sign_options choices;
    choices.id = "msg_threads";
    choices.timestamp = T0;
    const std::vector<header> delivery = sign_anchor.sign(body, choices);

    std::atomic<bool> stop{false};
    std::atomic<int> failures{0};
    std::atomic<long> verified{0}; // verifications so far, all readers together
    const auto reader = [&] {
        const keyring_verifier<standard_webhooks, shared_clock> check(ring);
        const keyring_signer<standard_webhooks, shared_clock> sign_with(ring);
        const verifier<standard_webhooks> anchor_only({anchor});
        std::vector<header> out;
        long n = 0;
        while (!stop.load() || n < 200) {
            const keyring_verify_result r = check.verify(delivery, body, T0);
            if (!r || r.key_id() != anchor_id) failures.fetch_add(1);
            if ((n & 15) == 0) {
                if (sign_with.sign(body, choices, out, T0) || !anchor_only.verify(out, body, T0)) failures.fetch_add(1);
            }
            ++n;
            verified.fetch_add(1, std::memory_order_relaxed);
        }
    };

    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i) readers.emplace_back(reader);

    int rotations = 0, resets = 0, writer_failures = 0; // no REQUIRE while readers run: it would skip the joins
    // Keep rotating until the readers have verified a good number of times
    // against rings this loop published (and at least 300 rounds).
    for (int round = 0; round < 300 || verified.load() < 3000; ++round) {
        const std::error_code rotated = ring.rotate(secret::generate(), std::chrono::seconds(3600));
        if (rotated == errc::keyring_full) {
            if (ring.assign({{anchor, {0, std::nullopt}}})) ++writer_failures;
            ++resets;
        } else {
            if (rotated) ++writer_failures;
            ++rotations;
        }
        if (round % 7 == 0 && ring.prune()) ++writer_failures;
        time.fetch_add(1); // new keys start later; verifications pin now = T0
    }
    stop.store(true);
    for (std::thread& t : readers) t.join();

    CHECK(failures.load() == 0);
    CHECK(writer_failures == 0);
    CHECK(rotations > 0);
    CHECK(resets > 0);
    CHECK(verified.load() >= 3000);
}
