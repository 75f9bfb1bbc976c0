// The keyring's verify table (a seqlock over atomic words) and its reader:
// retired keys leave the table at once, a reader never uses a key from a ring
// that changed under it, and keyring_verifier starts over (and, if writers keep
// publishing, falls back to a snapshot) instead of returning a mixed result.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <hooksig/keyring/keyring.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>

using namespace hooksig;

namespace {

constexpr unix_seconds T0 = 1'700'000'000;

detail::keyring_slot slot_for(const secret& key, key_window window = {0, std::nullopt}) {
    return {std::make_shared<const detail::keyring_material>(key), window};
}

/// The 8 table words a key's prepared states occupy.
std::vector<std::uint64_t> state_words(const detail::keyring_slot& slot) {
    std::vector<std::uint64_t> words(8);
    std::memcpy(words.data(), detail::hmac_key_states::inner(*slot.material->prepared.hmac), 32);
    std::memcpy(words.data() + 4, detail::hmac_key_states::outer(*slot.material->prepared.hmac), 32);
    return words;
}

bool table_holds(const detail::keyring_verify_table& table, std::uint64_t word) {
    for (const detail::keyring_verify_slot& s : table.slots)
        for (const auto& w : s.states)
            if (w.load() == word) return true;
    return false;
}

/// Standard Webhooks headers for `body` signed by `key` at T0.
std::vector<header> signed_by(const secret& key, std::string_view body) {
    const signer<standard_webhooks, fixed_clock> sign_with({key}, {}, fixed_clock{T0});
    sign_options choices;
    choices.id = "msg_table";
    return sign_with.sign(body, choices);
}

/// Standard Webhooks, except that computing the signed content first makes
/// the ring publish (prune() always republishes), `publishes` times in all:
/// a writer racing every verification step that follows a key lookup.
struct racing_scheme : standard_webhooks {
    keyring<fixed_clock>* ring = nullptr;
    int* publishes = nullptr;
    template <class F>
    void signed_content(const delivery& d, std::string_view body, F&& f) const noexcept {
        if (*publishes > 0) {
            --*publishes;
            (void)ring->prune();
        }
        standard_webhooks::signed_content(d, body, f);
    }
};

} // namespace

TEST_CASE("the verify table holds the published keys and zeroes a dropped key's states at once", "[keyring][table]") {
    const auto a = slot_for(secret::generate());
    const auto b = slot_for(secret::generate(), {T0, T0 + 60});
    const auto table = detail::make_keyring_verify_table();
    CHECK(table->count.load() == 0);

    detail::publish_verify_table(*table, {a, b});
    CHECK(table->count.load() == 2);
    CHECK(table->sequence.load() == 2);
    for (std::size_t w = 0; w < 8; ++w) {
        CHECK(table->slots[0].states[w].load() == state_words(a)[w]);
        CHECK(table->slots[1].states[w].load() == state_words(b)[w]);
    }
    CHECK(table->slots[1].not_before.load() == T0);
    CHECK(table->slots[1].has_not_after.load() == 1);
    CHECK(table->slots[1].not_after.load() == T0 + 60);
    CHECK(table->slots[0].has_not_after.load() == 0);

    detail::publish_verify_table(*table, {b}); // a retired
    CHECK(table->count.load() == 1);
    CHECK(table->sequence.load() == 4);
    for (const std::uint64_t word : state_words(a)) CHECK_FALSE(table_holds(*table, word));
    for (std::size_t i = 1; i < keyring_max_keys; ++i) {
        const detail::keyring_verify_slot& s = table->slots[i];
        for (const auto& w : s.states) CHECK(w.load() == 0);
        CHECK(s.id[0].load() == 0);
        CHECK(s.not_before.load() == 0);
    }
}

TEST_CASE("a table reader computes the same MAC as the key, and declines once a writer has published",
          "[keyring][table]") {
    const secret key = secret::generate();
    const auto a = slot_for(key);
    const auto table = detail::make_keyring_verify_table();
    detail::publish_verify_table(*table, {a});
    const hmac_key reference(key.key_data(), key.key_size());
    std::uint8_t expected[mac_size], got[mac_size];
    reference.mac(expected, std::string_view("msg_1"), std::string_view("."), std::string_view("{}"));

    {
        detail::keyring_table_reader reader(*table, T0);
        const auto* k = reader.key_at(0, T0);
        REQUIRE(k != nullptr);
        CHECK(k->mac(got, std::string_view("msg_1"), std::string_view("."), std::string_view("{}")));
        CHECK(std::equal(got, got + mac_size, expected));
        CHECK(reader.key_at(1, T0) == nullptr); // the end, from the same state
        CHECK_FALSE(reader.stale());
        CHECK(reader.ring_index(0) == 0);
        char id[key_id_size];
        reader.copy_id(0, id);
        CHECK(std::string(id, key_id_size) == key.key_id());
    }
    {
        detail::keyring_table_reader reader(*table, T0);
        const auto* k = reader.key_at(0, T0);
        REQUIRE(k != nullptr);
        detail::publish_verify_table(*table, {a}); // same keys, but a new state
        CHECK_FALSE(k->mac(got, std::string_view("x")));
        CHECK(reader.stale());
    }
    {
        // "No more keys" is checked against the starting state too.
        detail::keyring_table_reader reader(*table, T0);
        REQUIRE(reader.key_at(0, T0) != nullptr);
        detail::publish_verify_table(*table, {});
        CHECK(reader.key_at(1, T0) == nullptr);
        CHECK(reader.stale());
    }
}

TEST_CASE("a table reader skips keys not usable for the delivery and reports ring positions", "[keyring][table]") {
    const auto pending = slot_for(secret::generate(), {T0 + 100, std::nullopt});
    const auto ended = slot_for(secret::generate(), {0, T0 - 1});
    const auto live = slot_for(secret::generate(), {0, std::nullopt});
    const auto table = detail::make_keyring_verify_table();
    detail::publish_verify_table(*table, {pending, ended, live});
    detail::keyring_table_reader reader(*table, T0);
    REQUIRE(reader.key_at(0, T0) != nullptr);
    CHECK(reader.ring_index(0) == 2);
    CHECK(reader.key_at(1, T0) == nullptr);
    CHECK_FALSE(reader.stale());
}

TEST_CASE("keyring_verifier starts over when the ring changes under it, and falls back to a snapshot",
          "[keyring][table]") {
    keyring<fixed_clock> ring(fixed_clock{T0 - 600});
    const secret old_key = secret::generate();
    const secret new_key = secret::generate();
    REQUIRE_FALSE(ring.rotate(old_key, std::chrono::seconds(0)));
    ring.clock().at = T0 - 60;
    REQUIRE_FALSE(ring.rotate(new_key, std::chrono::hours(1)));
    ring.clock().at = T0;

    const std::string body = "{\"amount\":1}";
    const std::vector<header> by_old = signed_by(old_key, body);
    int publishes = 0;
    racing_scheme scheme;
    scheme.ring = &ring;
    scheme.publishes = &publishes;
    const keyring_verifier<racing_scheme, fixed_clock> check(ring, {}, scheme);

    // 0: no race; 1: the first attempt is void; 2: both are, the snapshot decides;
    // 9: writers keep publishing through the snapshot's verification too.
    for (const int races : {0, 1, 2, 9}) {
        CAPTURE(races);
        publishes = races;
        const keyring_verify_result r = check.verify(by_old, body, T0);
        CHECK(r);
        CHECK(r.key_index == 1);
        CHECK(r.key_id() == old_key.key_id());

        publishes = races;
        const keyring_verify_result forged = check.verify(signed_by(secret::generate(), body), body, T0);
        CHECK(forged.error == errc::no_matching_signature);
        CHECK(forged.key_id().empty());
    }
}
