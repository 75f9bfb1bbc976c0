// Smoke test for the Botan 3 built by .ci/lib/build-botan3.sh: exercises
// exactly the Botan API hooksig uses (or will use) and checks known answers.
//
// Build (either compiler; Botan 3 needs C++20):
//   export PKG_CONFIG_PATH=PREFIX/lib/pkgconfig
//   g++ -std=c++20 -Wall -Wextra -Wpedantic -Werror .ci/lib/botan3-smoke.cpp
//       $(pkg-config --cflags --libs --static botan-3) -o botan3-smoke
//   (clang++ 14 with Debian's libstdc++ 12 works the same way.)
//
// Prints one line per check and "N passed, N failed"; exits non-zero on failure.

#include <botan/allocator.h>  // allocate_memory, deallocate_memory (Botan 2: <botan/mem_ops.h>)
#include <botan/base64.h>
#include <botan/build.h>  // BOTAN_VERSION_MAJOR, BOTAN_HAS_* module macros
#include <botan/ed25519.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>  // secure_scrub_memory, constant_time_compare
#include <botan/pubkey.h>   // PK_Signer, PK_Verifier
#include <botan/secmem.h>   // secure_vector
#include <botan/system_rng.h>
#include <botan/version.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if BOTAN_VERSION_MAJOR != 3
    #error "botan3-smoke.cpp expects Botan 3 headers"
#endif

#if !defined(BOTAN_HAS_SYSTEM_RNG) || !defined(BOTAN_HAS_HMAC) || !defined(BOTAN_HAS_SHA2_32) || \
    !defined(BOTAN_HAS_SHA2_64) || !defined(BOTAN_HAS_ED25519) || !defined(BOTAN_HAS_BASE64_CODEC) || \
    !defined(BOTAN_HAS_HEX_CODEC) || !defined(BOTAN_HAS_LOCKING_ALLOCATOR)
    #error "Botan 3 was built without a module hooksig needs"
#endif

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, std::string_view what) {
    std::printf("%s %.*s\n", ok ? "ok  " : "FAIL", static_cast<int>(what.size()), what.data());
    (ok ? passed : failed) += 1;
}

std::vector<std::uint8_t> bytes(std::string_view text) {
    return std::vector<std::uint8_t>(text.begin(), text.end());
}

bool all_zero(std::span<const std::uint8_t> data) {
    for (std::uint8_t b : data) {
        if (b != 0) return false;
    }
    return true;
}

// RFC 8032 section 7.1, TEST 1 (empty message).
constexpr std::string_view rfc8032_seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr std::string_view rfc8032_public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr std::string_view rfc8032_signature =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

void test_version() {
    const std::string version = Botan::version_string();
    std::printf("     version_string(): %s\n", version.c_str());
    check(version.find("Botan 3.") != std::string::npos, "version_string() names Botan 3");
    check(Botan::short_version_string().starts_with("3."), "short_version_string() starts with 3.");
    check(Botan::version_major() == 3, "version_major() == 3 (library matches headers)");
}

void test_rng_and_memory() {
    Botan::RandomNumberGenerator& rng = Botan::system_rng();
    std::uint8_t buf[32] = {};
    rng.randomize(buf, sizeof buf);  // pointer + length overload
    check(!all_zero(buf), "system_rng().randomize(uint8_t*, size_t)");

    Botan::secure_vector<std::uint8_t> sv(64);
    rng.randomize(sv);  // std::span<uint8_t> overload (Botan 3 only)
    check(sv.size() == 64 && !all_zero(sv), "system_rng().randomize(std::span) into secure_vector");

    // allocate_memory returns zeroed memory from the mlock'd pool (or the heap).
    void* raw = Botan::allocate_memory(48, sizeof(std::uint8_t));
    auto* p = static_cast<std::uint8_t*>(raw);
    check(p != nullptr && all_zero({p, 48}), "allocate_memory returns zeroed memory");
    rng.randomize(p, 48);
    Botan::secure_scrub_memory(p, 48);
    check(all_zero({p, 48}), "secure_scrub_memory(void*, size_t) zeroes");
    Botan::deallocate_memory(raw, 48, sizeof(std::uint8_t));
    check(true, "deallocate_memory");

    const std::uint8_t a[4] = {1, 2, 3, 4};
    const std::uint8_t b[4] = {1, 2, 3, 4};
    const std::uint8_t c[4] = {1, 2, 3, 5};
    check(Botan::constant_time_compare(a, b, 4) && !Botan::constant_time_compare(a, c, 4),
          "constant_time_compare(const uint8_t*, const uint8_t*, size_t)");
    check(Botan::constant_time_compare(std::span<const std::uint8_t>(a), std::span<const std::uint8_t>(b)) &&
              !Botan::constant_time_compare(std::span<const std::uint8_t>(a), std::span<const std::uint8_t>(a, 3)),
          "constant_time_compare(span, span) (length-checked, Botan 3.3+)");
}

void test_hash_and_mac() {
    // FIPS 180-2 "abc" vectors.
    auto sha256 = Botan::HashFunction::create_or_throw("SHA-256");
    const auto abc = bytes("abc");
    check(Botan::hex_encode(sha256->process(abc), false) ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
          "HashFunction SHA-256(\"abc\")");
    auto sha512 = Botan::HashFunction::create_or_throw("SHA-512");
    check(Botan::hex_encode(sha512->process(abc), false) ==
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
          "HashFunction SHA-512(\"abc\")");

    // RFC 4231 test case 2, fed in two updates.
    auto hmac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    const auto key = bytes("Jefe");
    hmac->set_key(key);
    hmac->update(bytes("what do ya "));
    hmac->update(bytes("want for nothing?"));
    const Botan::secure_vector<std::uint8_t> tag = hmac->final();
    check(tag.size() == 32 && Botan::hex_encode(tag, false) ==
                                  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
          "MessageAuthenticationCode HMAC(SHA-256) RFC 4231 #2");
}

void test_codecs() {
    const auto data = bytes("hooksig\xff");
    const std::string b64 = Botan::base64_encode(data.data(), data.size());
    check(b64 == "aG9va3NpZ/8=", "base64_encode");
    const Botan::secure_vector<std::uint8_t> back = Botan::base64_decode(b64);
    check(std::vector<std::uint8_t>(back.begin(), back.end()) == data, "base64_decode(std::string_view)");
    check(Botan::hex_encode(data.data(), data.size(), false) == "686f6f6b736967ff", "hex_encode lower case");
    check(Botan::hex_decode("686F6F6B736967FF") == data, "hex_decode(std::string_view)");
}

void test_ed25519() {
    auto& rng = Botan::system_rng();
    const std::vector<std::uint8_t> seed_bytes = Botan::hex_decode(rfc8032_seed);
    // A 32-byte secure_vector is taken as the RFC 8032 seed (64 bytes: seed || public).
    const Botan::secure_vector<std::uint8_t> seed(seed_bytes.begin(), seed_bytes.end());
    const Botan::Ed25519_PrivateKey key(seed);
    check(Botan::hex_encode(key.get_public_key(), false) == rfc8032_public, "Ed25519_PrivateKey(seed) public key");
    check(Botan::hex_encode(key.raw_public_key_bits(), false) == rfc8032_public, "raw_public_key_bits()");

    Botan::PK_Signer signer(key, rng, "Pure");
    const std::vector<std::uint8_t> empty;
    const std::vector<std::uint8_t> sig = signer.sign_message(empty, rng);
    check(Botan::hex_encode(sig, false) == rfc8032_signature, "PK_Signer(key, rng, \"Pure\") RFC 8032 test 1");

    const std::vector<std::uint8_t> pub_bytes = Botan::hex_decode(rfc8032_public);
    const Botan::Ed25519_PublicKey pub(pub_bytes.data(), pub_bytes.size());
    const Botan::Ed25519_PublicKey pub_span{std::span<const std::uint8_t>(pub_bytes)};
    Botan::PK_Verifier verifier(pub, "Pure");
    check(verifier.verify_message(empty, sig), "PK_Verifier(pub, \"Pure\").verify_message accepts");
    std::vector<std::uint8_t> bad = sig;
    bad[0] ^= 0x01;
    check(!verifier.verify_message(empty, bad), "verify_message rejects a flipped bit");
    Botan::PK_Verifier verifier2(pub_span, "Pure");
    check(!verifier2.verify_message(bytes("x"), sig), "verify_message rejects another message");
}

}  // namespace

int main() {
    try {
        test_version();
        test_rng_and_memory();
        test_hash_and_mac();
        test_codecs();
        test_ed25519();
    } catch (const std::exception& e) {
        std::printf("FAIL exception: %s\n", e.what());
        ++failed;
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
