// HMAC-SHA256 against RFC 4231 and Wycheproof, and the prepared-state fast path
// against Botan's own HMAC object.
#include <catch2/catch.hpp>

#include <hooksig/algorithms/hmac_sha256.hpp>

#include <botan/mac.h>

#include <cstring>
#include <random>

#include "test_support.hpp"

using namespace hooksig;
using test_support::unhex;

namespace {
std::string mac_of(const std::string& key, const std::string& message) {
    std::uint8_t tag[mac_size];
    hmac_sha256_once(key, message, tag);
    return std::string(reinterpret_cast<char*>(tag), mac_size);
}
} // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 test cases 1 to 7", "[hmac][vectors]") {
    const auto cases = test_support::load_vectors("rfc4231_hmac_sha256.json");
    REQUIRE(cases.size() == 7);
    for (const auto& c : cases) {
        INFO("RFC 4231 case " << c["case"].get<int>());
        const std::string tag = mac_of(unhex(c["key_hex"]), unhex(c["data_hex"]));
        std::string expected = unhex(c["mac_hex"]);
        const std::size_t compare = c.contains("truncate_bits") ? c["truncate_bits"].get<std::size_t>() / 8 : mac_size;
        CHECK(tag.substr(0, compare) == expected.substr(0, compare));
    }
}

TEST_CASE("HMAC-SHA256 agrees with every Wycheproof verdict", "[hmac][vectors]") {
    const auto file = test_support::load_vectors("wycheproof/hmac_sha256_test.json");
    std::size_t valid = 0, invalid = 0;
    for (const auto& group : file["testGroups"]) {
        const std::size_t tag_bytes = group["tagSize"].get<std::size_t>() / 8;
        for (const auto& t : group["tests"]) {
            INFO("Wycheproof tcId " << t["tcId"].get<int>());
            const std::string tag = mac_of(unhex(t["key"]), unhex(t["msg"])).substr(0, tag_bytes);
            const std::string expected = unhex(t["tag"]);
            REQUIRE(expected.size() == tag_bytes);
            const bool equal = ct::equal(reinterpret_cast<const std::uint8_t*>(tag.data()),
                                         reinterpret_cast<const std::uint8_t*>(expected.data()), tag_bytes);
            if (t["result"] == "valid") {
                CHECK(equal);
                ++valid;
            } else {
                CHECK_FALSE(equal);
                ++invalid;
            }
        }
    }
    CHECK(valid == 66);
    CHECK(invalid == 108);
}

TEST_CASE("hmac_key::mac over parts equals the MAC of their concatenation", "[hmac]") {
    const std::string key = "key";
    const hmac_key prepared(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
    std::uint8_t parts_tag[mac_size];
    prepared.mac(parts_tag, std::string_view("msg_1"), std::string_view("."), std::string_view("1614265330"),
                 std::string_view("."), std::string_view("{}"));
    CHECK(std::string(reinterpret_cast<char*>(parts_tag), mac_size) == mac_of(key, "msg_1.1614265330.{}"));
}

TEST_CASE("streaming hmac_sha256 equals Botan's HMAC across block boundaries", "[hmac]") {
    std::mt19937 rng(11);
    auto botan = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    for (std::size_t key_size : {0, 1, 32, 63, 64, 65, 128, 200}) {
        std::string key(key_size, '\0');
        for (auto& b : key) b = static_cast<char>(rng());
        const hmac_key prepared(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
        botan->set_key(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
        for (std::size_t size : {0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4096}) {
            std::string message(size, '\0');
            for (auto& b : message) b = static_cast<char>(rng());
            botan->update(reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
            const auto expected = botan->final();
            hmac_sha256 stream(prepared);
            for (std::size_t at = 0; at < size;) {
                const std::size_t step = std::min<std::size_t>(size - at, 1 + rng() % 97);
                stream.update(std::string_view(message).substr(at, step));
                at += step;
            }
            std::uint8_t tag[mac_size];
            stream.finish(tag);
            INFO("key " << key_size << " bytes, message " << size << " bytes");
            CHECK(std::memcmp(tag, expected.data(), mac_size) == 0);
        }
    }
}
