// The prepared-state HMAC fast path (hmac_key::mac one-shot over parts, and the
// hmac_sha256 stream) against Botan's own HMAC(SHA-256), exhaustively over key
// lengths 0..200 and message lengths 0..300: every block-boundary case of the
// key (short, exactly one block, hashed first) and of the message (buffered
// tails, padding spilling into a second final block) is covered. Also the
// table-driven decoder Standard Webhooks uses for received signatures against
// the strict constant-time base64_decode.
#include <catch2/catch.hpp>

#include <hooksig/encoding.hpp>
#include <hooksig/algorithms/hmac_sha256.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>

#include <botan/mac.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

#include "test_support.hpp"

namespace {

constexpr std::size_t max_key_size = 200;
constexpr std::size_t max_message_size = 300;

std::string random_bytes(std::mt19937_64& rng, std::size_t size) {
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    return bytes;
}

/// Splits [0, size) at `cuts` random points (sorted, repeats allowed, so empty
/// pieces occur too).
template <std::size_t Cuts>
std::array<std::size_t, Cuts + 2> random_cuts(std::mt19937_64& rng, std::size_t size) {
    std::array<std::size_t, Cuts + 2> at{};
    for (std::size_t i = 1; i <= Cuts; ++i) at[i] = static_cast<std::size_t>(rng() % (size + 1));
    at[Cuts + 1] = size;
    std::sort(at.begin() + 1, at.end() - 1);
    return at;
}

/// Runs the enclosing test on one SHA-256 backend and restores the automatic
/// choice afterwards; `active` is false where this machine cannot run it.
class backend_scope {
public:
    explicit backend_scope(hooksig::detail::sha256_backend backend)
        : active(hooksig::detail::set_sha256_backend(backend)) {
        if (!active) WARN("SHA-256 backend " << hooksig::detail::sha256_backend_name(backend) << " cannot run here");
    }
    ~backend_scope() { hooksig::detail::set_sha256_backend(hooksig::detail::sha256_backend::undecided); }
    backend_scope(const backend_scope&) = delete;
    backend_scope& operator=(const backend_scope&) = delete;
    const bool active; ///< the backend runs for this scope
};

const char* backend_name(hooksig::detail::sha256_backend backend) { return hooksig::detail::sha256_backend_name(backend); }

} // namespace

TEST_CASE("The SHA-256 backend is the CPU's SHA instructions exactly where it has them", "[hmac][fastpath]") {
    using hooksig::detail::sha256_backend;
    REQUIRE(hooksig::detail::set_sha256_backend(sha256_backend::undecided));
    const bool x86 = HOOKSIG_HAS_SHA_NI && hooksig::detail::cpu_has_sha_ni();
    const bool arm = HOOKSIG_HAS_ARM_SHA2 && hooksig::detail::cpu_has_arm_sha2();
    const sha256_backend expected = x86 ? sha256_backend::x86_sha_ni : arm ? sha256_backend::arm_sha2 : sha256_backend::portable;
    CHECK(hooksig::detail::current_sha256_backend() == expected);
    WARN("SHA-256 backend on this machine: " << backend_name(hooksig::detail::current_sha256_backend()));
    {
        const backend_scope forced(sha256_backend::portable);
        CHECK(forced.active);
        CHECK(hooksig::detail::current_sha256_backend() == sha256_backend::portable);
    }
    CHECK(hooksig::detail::current_sha256_backend() == expected);
    // A backend the CPU lacks is refused and changes nothing.
    for (const sha256_backend b : hooksig::detail::sha256_backends) {
        if (hooksig::detail::sha256_backend_available(b)) continue;
        CHECK_FALSE(hooksig::detail::set_sha256_backend(b));
        CHECK(hooksig::detail::current_sha256_backend() == expected);
    }
}

TEST_CASE("The HMAC fast path equals Botan's HMAC(SHA-256) for every key length 0..200 and message length 0..300",
          "[hmac][fastpath]") {
    const auto backend = GENERATE(hooksig::detail::sha256_backend::portable, hooksig::detail::sha256_backend::x86_sha_ni,
                                  hooksig::detail::sha256_backend::arm_sha2);
    const backend_scope scope(backend);
    if (!scope.active) return;
    INFO("backend " << backend_name(hooksig::detail::current_sha256_backend()));
    std::mt19937_64 rng(0x686f6f6b736967); // fixed: a failure names a reproducible case
    const auto botan = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    std::size_t compared = 0;
    for (std::size_t key_size = 0; key_size <= max_key_size; ++key_size) {
        const std::string key = random_bytes(rng, key_size);
        const auto* key_bytes = reinterpret_cast<const std::uint8_t*>(key.data());
        botan->set_key(key_bytes, key.size());
        const hooksig::hmac_key prepared(key_bytes, key.size());
        for (std::size_t size = 0; size <= max_message_size; ++size) {
            const std::string message = random_bytes(rng, size);
            const std::string_view m(message);
            std::uint8_t expected[hooksig::mac_size];
            botan->update(reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
            botan->final(expected);

            // One-shot over the whole message, and over five parts (the shape of
            // Standard Webhooks' id "." timestamp "." body) cut at random points.
            std::uint8_t whole[hooksig::mac_size];
            prepared.mac(whole, m);
            const auto c = random_cuts<4>(rng, size);
            std::uint8_t parts[hooksig::mac_size];
            prepared.mac(parts, m.substr(c[0], c[1] - c[0]), m.substr(c[1], c[2] - c[1]), m.substr(c[2], c[3] - c[2]),
                         m.substr(c[3], c[4] - c[3]), m.substr(c[4], c[5] - c[4]));

            // Streaming, split into three updates at random points.
            const auto s = random_cuts<2>(rng, size);
            hooksig::hmac_sha256 stream(prepared);
            for (std::size_t i = 0; i + 1 < s.size(); ++i) stream.update(m.substr(s[i], s[i + 1] - s[i]));
            std::uint8_t streamed[hooksig::mac_size];
            stream.finish(streamed);

            // One assertion per failure keeps 60,000 cases fast; the message names the case.
            if (std::memcmp(whole, expected, sizeof expected) != 0)
                FAIL_CHECK(backend_name(backend) << ": one-shot mac differs: key " << key_size << " B, message " << size << " B");
            if (std::memcmp(parts, expected, sizeof expected) != 0)
                FAIL_CHECK(backend_name(backend) << ": five-part mac differs: key " << key_size << " B, message " << size << " B, cuts " << c[1]
                                                         << "," << c[2] << "," << c[3] << "," << c[4]);
            if (std::memcmp(streamed, expected, sizeof expected) != 0)
                FAIL_CHECK(backend_name(backend) << ": streamed mac differs: key " << key_size << " B, message " << size << " B, cuts " << s[1]
                                                        << "," << s[2]);
            ++compared;
        }
    }
    CHECK(compared == (max_key_size + 1) * (max_message_size + 1));
}

TEST_CASE("mac_pair computes both keys' MACs as mac does, for keys of every length 0..200 and messages 0..300",
          "[hmac][fastpath]") {
    const auto backend = GENERATE(hooksig::detail::sha256_backend::portable, hooksig::detail::sha256_backend::x86_sha_ni,
                                  hooksig::detail::sha256_backend::arm_sha2);
    const backend_scope scope(backend);
    if (!scope.active) return;
    INFO("backend " << backend_name(hooksig::detail::current_sha256_backend()));
    std::mt19937_64 rng(0x70616972); // fixed: a failure names a reproducible case
    const auto botan = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    std::size_t compared = 0;
    for (std::size_t key_size = 0; key_size <= max_key_size; ++key_size) {
        // The second key has another length, so the two chains never start alike.
        const std::string first_key = random_bytes(rng, key_size);
        const std::string second_key = random_bytes(rng, (key_size * 7 + 13) % (max_key_size + 1));
        const auto bytes = [](const std::string& k) { return reinterpret_cast<const std::uint8_t*>(k.data()); };
        const hooksig::hmac_key first(bytes(first_key), first_key.size());
        const hooksig::hmac_key second(bytes(second_key), second_key.size());
        for (std::size_t size = 0; size <= max_message_size; size += 1 + size / 64) {
            const std::string message = random_bytes(rng, size);
            const std::string_view m(message);
            std::uint8_t expected[2][hooksig::mac_size];
            botan->set_key(bytes(first_key), first_key.size());
            botan->update(bytes(message), message.size());
            botan->final(expected[0]);
            botan->set_key(bytes(second_key), second_key.size());
            botan->update(bytes(message), message.size());
            botan->final(expected[1]);

            const auto c = random_cuts<4>(rng, size);
            std::uint8_t got[2][hooksig::mac_size];
            first.mac_pair(second, got[0], got[1], m.substr(c[0], c[1] - c[0]), m.substr(c[1], c[2] - c[1]),
                           m.substr(c[2], c[3] - c[2]), m.substr(c[3], c[4] - c[3]), m.substr(c[4], c[5] - c[4]));
            for (int i = 0; i < 2; ++i)
                if (std::memcmp(got[i], expected[i], hooksig::mac_size) != 0)
                    FAIL_CHECK(backend_name(backend) << ": mac_pair key " << i << " differs: keys " << first_key.size()
                                                     << "/" << second_key.size() << " B, message " << size << " B");
            ++compared;
        }
    }
    CHECK(compared > 3000);
}

TEST_CASE("hmac_sha256 fed one byte at a time equals Botan's HMAC(SHA-256)", "[hmac][fastpath]") {
    const auto backend = GENERATE(hooksig::detail::sha256_backend::portable, hooksig::detail::sha256_backend::x86_sha_ni,
                                  hooksig::detail::sha256_backend::arm_sha2);
    const backend_scope scope(backend);
    if (!scope.active) return;
    std::mt19937_64 rng(0x62797465);
    const auto botan = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    for (const std::size_t key_size : {0, 1, 32, 63, 64, 65, 200}) {
        const std::string key = random_bytes(rng, key_size);
        const auto* key_bytes = reinterpret_cast<const std::uint8_t*>(key.data());
        botan->set_key(key_bytes, key.size());
        const hooksig::hmac_key prepared(key_bytes, key.size());
        for (const std::size_t size : {0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300}) {
            INFO("key " << key_size << " B, message " << size << " B");
            const std::string message = random_bytes(rng, size);
            std::uint8_t expected[hooksig::mac_size], streamed[hooksig::mac_size];
            botan->update(reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
            botan->final(expected);
            hooksig::hmac_sha256 stream(prepared);
            for (const char byte : message) stream.update(std::string_view(&byte, 1));
            stream.finish(streamed);
            CHECK(std::memcmp(streamed, expected, sizeof expected) == 0);
        }
    }
}

TEST_CASE("The received-signature base64 decoder accepts and decodes exactly what base64_decode does",
          "[encoding][fastpath]") {
    // Both paths of the table decoder: SSSE3 blocks (where the CPU has SSSE3)
    // and the scalar loop (cpu_has_ssse3() is false off x86).
    const bool ssse3 = GENERATE(true, false) && hooksig::detail::cpu_has_ssse3();
    INFO("ssse3 " << ssse3);
    const auto agree = [ssse3](const std::string& text) {
        std::uint8_t strict[128], fast[128];
        std::size_t strict_size = 99, fast_size = 99;
        const std::error_code strict_error = hooksig::base64_decode(text, strict, sizeof strict, strict_size);
        const std::error_code fast_error =
            hooksig::detail::base64_decode_public_with(text, fast, sizeof fast, fast_size, ssse3);
        if (fast_error != strict_error || fast_size != strict_size ||
            (!strict_error && std::memcmp(fast, strict, strict_size) != 0))
            FAIL("input \"" << text << "\": strict " << strict_error.message() << " " << strict_size << ", fast "
                             << fast_error.message() << " " << fast_size);
        return !strict_error;
    };
    SECTION("every byte value in every position of valid encodings of 1..90 bytes") {
        std::mt19937_64 rng(0x6279746573);
        std::size_t cases = 0;
        for (std::size_t size = 1; size <= 90; size += (size < 40 ? 1 : 7)) {
            const std::string bytes = random_bytes(rng, size);
            const std::string text = hooksig::base64_encode(reinterpret_cast<const std::uint8_t*>(bytes.data()), size);
            REQUIRE(agree(text));
            for (std::size_t pos = 0; pos < text.size(); ++pos) {
                for (unsigned byte = 0; byte < 256; ++byte) {
                    std::string mutated = text;
                    mutated[pos] = static_cast<char>(byte);
                    agree(mutated);
                    ++cases;
                }
            }
        }
        CHECK(cases > 100000);
    }
    SECTION("every base64 vector in encoding.json") {
        std::size_t cases = 0;
        for (const auto& v : test_support::load_vectors("encoding.json")) {
            if (v["kind"] != "base64") continue;
            agree(v["input"].get<std::string>());
            ++cases;
        }
        CHECK(cases > 20);
    }
    SECTION("random strings over the alphabet, '=', and bytes outside it") {
        static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \x80\xff";
        std::mt19937_64 rng(0x7369676e);
        std::size_t accepted = 0;
        for (int i = 0; i < 20000; ++i) {
            std::string text(rng() % 101, '\0');
            // Mostly valid alphabet characters, so long inputs are often
            // well-formed up to the last, padding-sensitive quantum.
            for (char& c : text) c = alphabet[rng() % 8 == 0 ? rng() % (sizeof alphabet - 1) : rng() % 64];
            if (!text.empty() && rng() % 2 == 0) text.back() = '=';
            if (text.size() > 1 && rng() % 4 == 0) text[text.size() - 2] = '=';
            accepted += agree(text) ? 1 : 0;
        }
        CHECK(accepted > 500); // both outcomes are exercised
        CHECK(accepted < 19500);
    }
    SECTION("the encoding of every MAC-sized value round-trips") {
        std::mt19937_64 rng(0x6d6163);
        for (int i = 0; i < 1000; ++i) {
            const std::string bytes = random_bytes(rng, i % 40);
            agree(hooksig::base64_encode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
        }
    }
}
