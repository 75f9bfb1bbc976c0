// Two keys' MACs in one pass (mac_pair): verifiers with several keys use it for
// bodies of mac_pair_min_body_size and more. The outcome must be exactly that of
// trying the keys one by one: the newer key wins when both match, the older one
// is found when only it matches, a forgery matches neither.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <hooksig/keyring/keyring.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>
#include <hooksig/verifier.hpp>

using namespace hooksig;

namespace {

constexpr unix_seconds T0 = 1'700'000'000;

/// Selects a SHA-256 backend for one test and restores the automatic choice.
struct backend_scope {
    explicit backend_scope(detail::sha256_backend backend) : active(detail::set_sha256_backend(backend)) {}
    ~backend_scope() { detail::set_sha256_backend(detail::sha256_backend::undecided); }
    const bool active; ///< false where this machine cannot run the backend
    backend_scope(const backend_scope&) = delete;
    backend_scope& operator=(const backend_scope&) = delete;
};

std::vector<header> signed_by(const std::vector<secret>& keys, const std::string& body) {
    const signer<standard_webhooks, fixed_clock> sign_with(keys, {}, fixed_clock{T0});
    sign_options choices;
    choices.id = "msg_pairs";
    return sign_with.sign(body, choices);
}

} // namespace

TEST_CASE("verifiers with several keys find the same key with and without the paired pass", "[verify][pairs]") {
    const auto backend = GENERATE(detail::sha256_backend::portable, detail::sha256_backend::x86_sha_ni, detail::sha256_backend::arm_sha2);
    const backend_scope scope(backend);
    if (!scope.active) return;
    const std::vector<secret> keys = {secret::generate(), secret::generate(), secret::generate()};
    const verifier<standard_webhooks> check(keys);
    // Sizes on both sides of the threshold, and one that is not a whole number of blocks.
    for (const std::size_t size : {std::size_t{64}, detail::mac_pair_min_body_size - 1, detail::mac_pair_min_body_size,
                                   std::size_t{5000}}) {
        CAPTURE(size);
        const std::string body(size, 'x');
        for (std::size_t k = 0; k < keys.size(); ++k) {
            const verify_result r = check.verify(signed_by({keys[k]}, body), body, T0);
            CHECK(r);
            CHECK(r.key_index == k);
        }
        // Signed with keys 1 and 0 (entries in that order): key 0 is tried first and wins.
        const verify_result both = check.verify(signed_by({keys[1], keys[0]}, body), body, T0);
        CHECK(both.key_index == 0);
        // A key the verifier lacks, alone and next to a wrong-body signature.
        CHECK(check.verify(signed_by({secret::generate()}, body), body, T0).error == errc::no_matching_signature);
        const std::string other(size, 'y');
        CHECK(check.verify(signed_by({keys[2]}, other), body, T0).error == errc::no_matching_signature);
    }
}

TEST_CASE("a keyring pairs its usable keys and reports the one that matched", "[keyring][pairs]") {
    const auto backend = GENERATE(detail::sha256_backend::portable, detail::sha256_backend::x86_sha_ni, detail::sha256_backend::arm_sha2);
    const backend_scope scope(backend);
    if (!scope.active) return;
    keyring<fixed_clock> ring(fixed_clock{T0 - 600});
    const secret oldest = secret::generate(), older = secret::generate(), newest = secret::generate();
    REQUIRE_FALSE(ring.rotate(oldest, std::chrono::seconds(0)));
    ring.clock().at = T0 - 300;
    REQUIRE_FALSE(ring.rotate(older, std::chrono::hours(1)));
    ring.clock().at = T0 - 60;
    REQUIRE_FALSE(ring.rotate(newest, std::chrono::hours(1)));
    ring.clock().at = T0;
    const keyring_verifier<standard_webhooks, fixed_clock> check(ring);
    const std::string body(6000, 'b');
    const secret* order[] = {&newest, &older, &oldest};
    for (std::size_t k = 0; k < 3; ++k) {
        const keyring_verify_result r = check.verify(signed_by({*order[k]}, body), body, T0);
        CHECK(r);
        CHECK(r.key_index == k);
        CHECK(r.key_id() == order[k]->key_id());
    }
    CHECK(check.verify(signed_by({secret::generate()}, body), body, T0).error == errc::no_matching_signature);
}
