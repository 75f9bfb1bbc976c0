// The eight-bytes-at-a-time header name comparison and byte-range checks of the
// verify hot path against plain one-byte-at-a-time references: every byte
// value, in every position of names and values of every length that exercises
// the word loop, its overlapping last word and the short-string path.
#include <catch2/catch.hpp>

#include <hooksig/encoding.hpp>
#include <hooksig/headers.hpp>
#include <hooksig/schemes/scheme.hpp>
#include <hooksig/timestamp.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

bool reference_name_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; };
        if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i]))) return false;
    }
    return true;
}

bool reference_in_range(std::string_view s, unsigned lo, unsigned hi) {
    for (const char c : s)
        if (static_cast<unsigned char>(c) < lo || static_cast<unsigned char>(c) > hi) return false;
    return true;
}

std::string random_name(std::mt19937& rng, std::size_t size) {
    static constexpr char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    std::string s(size, 'a');
    for (char& c : s) c = chars[rng() % (sizeof chars - 1)];
    return s;
}

constexpr std::size_t lengths[] = {1, 2, 7, 8, 9, 10, 15, 16, 17, 23, 24, 25, 31, 32, 33, 40, 47, 48, 49, 100};

} // namespace

// The word-at-a-time path, which constant evaluation takes (at run time on x86
// the sixteen-byte path does): every byte value in every position of a
// 24-byte text, against the byte-wise rule, at compile time.
constexpr bool swar_range_agrees(std::size_t first, std::size_t last) {
    char text[24] = {};
    for (std::size_t i = 0; i < 24; ++i) text[i] = static_cast<char>('a' + i);
    for (std::size_t at = first; at < last; ++at) {
        for (unsigned x = 0; x < 256; ++x) {
            text[at] = static_cast<char>(x);
            const bool expected = x >= 0x21 && x <= 0x7E;
            if (hooksig::detail::all_bytes_in_range(std::string_view(text, 24), 0x21, 0x7E) != expected) return false;
        }
        text[at] = static_cast<char>('a' + at);
    }
    return true;
}
// In slices: clang bounds the steps of one constant evaluation.
static_assert(swar_range_agrees(0, 6));
static_assert(swar_range_agrees(6, 12));
static_assert(swar_range_agrees(12, 18));
static_assert(swar_range_agrees(18, 24));

// Still usable in constant expressions.
static_assert(hooksig::header_name_equal("Webhook-Signature", "webhook-signature"));
static_assert(!hooksig::header_name_equal("webhook-signaturE", "webhook-signaturf"));
static_assert(hooksig::is_valid_message_id("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
static_assert(!hooksig::is_visible_ascii("v1,abc\x7f"));

TEST_CASE("header_name_equal agrees with a byte-wise comparison for every pair of bytes in every position",
          "[headers][fastpath]") {
    std::mt19937 rng(7);
    std::size_t equal = 0, compared = 0;
    for (const std::size_t size : lengths) {
        const std::string base = random_name(rng, size);
        for (const std::size_t at : {std::size_t{0}, size / 2, size - 1}) {
            // The other bytes in random case: case never decides equality.
            std::string a = base, b = base;
            for (std::size_t i = 0; i < size; ++i)
                if ((rng() & 1) && b[i] >= 'a' && b[i] <= 'z') b[i] = static_cast<char>(b[i] - 32);
            for (unsigned x = 0; x < 256; ++x) {
                for (unsigned y = 0; y < 256; ++y) {
                    a[at] = static_cast<char>(x);
                    b[at] = static_cast<char>(y);
                    const bool expected = reference_name_equal(a, b);
                    if (hooksig::header_name_equal(a, b) != expected)
                        FAIL_CHECK("size " << size << ", byte " << at << ": " << x << " vs " << y);
                    equal += expected ? 1 : 0;
                    ++compared;
                }
            }
        }
    }
    CHECK(equal > 0);
    CHECK(equal < compared);
    CHECK_FALSE(hooksig::header_name_equal("webhook-id", "webhook-i"));
}

TEST_CASE("is_valid_message_id and is_visible_ascii agree with byte-wise checks for every byte in every position",
          "[scheme][fastpath]") {
    std::mt19937 rng(11);
    std::size_t accepted = 0;
    for (const std::size_t size : lengths) {
        const std::string base = random_name(rng, size);
        for (std::size_t at = 0; at < size; ++at) {
            for (unsigned x = 0; x < 256; ++x) {
                std::string s = base;
                s[at] = static_cast<char>(x);
                const bool id_ok = reference_in_range(s, 0x21, 0x7E);
                const bool visible_ok = reference_in_range(s, 0x20, 0x7E);
                if (hooksig::is_valid_message_id(s) != id_ok)
                    FAIL_CHECK("is_valid_message_id: size " << size << ", byte " << at << " = " << x);
                if (hooksig::is_visible_ascii(s) != visible_ok)
                    FAIL_CHECK("is_visible_ascii: size " << size << ", byte " << at << " = " << x);
                accepted += id_ok ? 1 : 0;
            }
        }
    }
    CHECK(accepted > 0);
    SECTION("two bad bytes, one high bit carrying into the next byte") {
        for (unsigned x = 0x80; x < 256; ++x) {
            std::string s = "abcdefghijklmnop";
            s[3] = static_cast<char>(x);
            s[4] = '\x7f';
            CHECK_FALSE(hooksig::is_visible_ascii(s));
            CHECK_FALSE(hooksig::is_valid_message_id(s));
        }
    }
    CHECK_FALSE(hooksig::is_valid_message_id(""));
    CHECK_FALSE(hooksig::is_valid_message_id(std::string(hooksig::message_id_max_size + 1, 'a')));
    CHECK(hooksig::is_valid_message_id(std::string(hooksig::message_id_max_size, 'a')));
    CHECK(hooksig::is_visible_ascii(""));
}

TEST_CASE("find_byte agrees with string_view::find for every length, start and needle position", "[headers][fastpath]") {
    std::size_t found = 0;
    for (std::size_t size = 0; size <= 70; ++size) {
        std::string base(size, 'x');
        for (std::size_t i = 0; i < size; ++i) base[i] = static_cast<char>('a' + i % 23); // no ' '
        // No needle, one needle at every position, and two (the first wins).
        std::vector<std::string> texts = {base};
        for (std::size_t at = 0; at < size; ++at) {
            std::string one = base;
            one[at] = ' ';
            texts.push_back(one);
            if (at + 5 < size) {
                one[at + 5] = ' ';
                texts.push_back(one);
            }
        }
        for (const std::string& text : texts) {
            const std::string_view view(text);
            for (std::size_t pos = 0; pos <= size + 1; ++pos) {
                const std::size_t expected = view.find(' ', pos);
                if (hooksig::detail::find_byte(view, pos, ' ') != expected)
                    FAIL_CHECK("size " << size << ", start " << pos << ": \"" << text << "\"");
                found += expected != std::string_view::npos ? 1 : 0;
            }
        }
    }
    CHECK(found > 0);
    SECTION("bytes with the high bit set are not the needle") {
        const std::string text(40, '\xa0');
        CHECK(hooksig::detail::find_byte(text, 0, ' ') == std::string_view::npos);
        CHECK(hooksig::detail::find_byte(text, 0, '\xa0') == 0);
    }
}

TEST_CASE("find_headers skips headers by length and still matches long names and counts repeats", "[headers][fastpath]") {
    const std::string long_name(70, 'x');
    const std::string long_upper(70, 'X');
    const std::string_view names[] = {"webhook-id", long_name, "svix-id", "x"};
    const std::vector<std::pair<std::string, std::string>> headers = {
        {"Host", "example.com"}, {"WEBHOOK-ID", "first"}, {long_upper, "long"},   {"Accept", "*/*"},
        {"webhook-id", "second"}, {"svix-id", "svix"},   {std::string(69, 'x'), "shorter"}, {"X", "one"},
    };
    const hooksig::header_matches<4> found = hooksig::find_headers(headers, names);
    CHECK(found.count[0] == 2);
    CHECK(found.value(0) == "second");
    CHECK(found.count[1] == 1);
    CHECK(found.value(1) == "long");
    CHECK(found.count[2] == 1);
    CHECK(found.value(2) == "svix");
    CHECK(found.count[3] == 1);
    CHECK(found.value(3) == "one");

    const std::string_view short_only[] = {"webhook-id"};
    const std::vector<std::pair<std::string, std::string>> only_long = {{long_name, "v"}};
    CHECK(hooksig::find_headers(only_long, short_only).count[0] == 0);
}

TEST_CASE("find_headers with a prepared name set agrees with a byte-wise reference for one-byte changes in every position",
          "[headers][fastpath]") {
    // Names of every length class the matcher treats differently: under 4
    // bytes, 4..7 (two 4-byte words), 8..16 (two 8-byte words), over 16 (end
    // words, then the full comparison).
    static constexpr std::string_view raw[] = {"ab", "svix-id", "webhook-id", "webhook-signature", "x-a-rather-long-header-name"};
    static constexpr hooksig::header_name_set<5> names(raw);
    std::size_t checked = 0;
    for (std::size_t n = 0; n < 5; ++n) {
        const std::string original(raw[n]);
        for (std::size_t pos = 0; pos < original.size(); ++pos) {
            for (unsigned byte = 0; byte < 256; ++byte) {
                std::string candidate = original;
                candidate[pos] = static_cast<char>(byte);
                const std::vector<std::pair<std::string, std::string>> headers = {{"Host", "h"}, {candidate, "v"}};
                const hooksig::header_matches<5> found = hooksig::find_headers(headers, names);
                for (std::size_t i = 0; i < 5; ++i) {
                    const bool expected = reference_name_equal(candidate, raw[i]);
                    if ((found.count[i] == 1) != expected)
                        FAIL_CHECK("name " << i << " vs '" << candidate << "' (byte " << byte << " at " << pos << ")");
                    if (expected && found.value(i) != "v") FAIL_CHECK("wrong value for name " << i);
                }
                ++checked;
            }
        }
    }
    CHECK(checked == 256 * (2 + 7 + 10 + 17 + 27));
    // A value is empty where its name did not appear.
    const std::vector<std::pair<std::string, std::string>> none = {{"Host", "h"}};
    CHECK(hooksig::find_headers(none, names).value(3).empty());
}

TEST_CASE("signature_list keeps decoder entries for later and decodes other callables at once", "[scheme][fastpath]") {
    const std::string good = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    hooksig::signature_list list;
    CHECK(list.add_encoded(good, &hooksig::base64_decode_public));
    CHECK(list.add_encoded("not base64!", &hooksig::base64_decode_public));
    CHECK(list.add_encoded("AAAA", &hooksig::base64_decode_public)); // decodes, but to 3 bytes
    CHECK(list.candidates() == 3);
    CHECK(list.size == 0); // nothing decoded yet
    list.decode_pending();
    CHECK(list.size == 1); // only the 32-byte MAC is kept
    CHECK(list.candidates() == 1);
    list.decode_pending(); // idempotent
    CHECK(list.size == 1);
    std::uint8_t expected[hooksig::mac_size];
    std::size_t n = 0;
    REQUIRE_FALSE(hooksig::base64_decode(good, expected, sizeof expected, n));
    CHECK(std::equal(expected, expected + hooksig::mac_size, list.mac[0]));

    // A capturing callable is not a decoder: it runs at once.
    int calls = 0;
    CHECK(list.add_encoded(good, [&calls](auto&&... a) {
        ++calls;
        return hooksig::base64_decode(a...);
    }));
    CHECK(calls == 1);
    CHECK(list.size == 2);

    // Full: max_signatures entries, decoded or not.
    hooksig::signature_list full;
    for (std::size_t i = 0; i < hooksig::max_signatures; ++i) CHECK(full.add_encoded(good, &hooksig::base64_decode_public));
    CHECK_FALSE(full.add_encoded(good, &hooksig::base64_decode_public));
    full.decode_pending();
    CHECK(full.size == hooksig::max_signatures);
}

TEST_CASE("signature_list::decode_through decodes in order, once, and only as far as asked", "[scheme][fastpath]") {
    const std::string first = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    const std::string second = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    int calls = 0;
    // A counting decoder must be a plain function to be kept for later.
    static int* counter = nullptr;
    counter = &calls;
    const hooksig::signature_list::decoder counting = [](std::string_view text, std::uint8_t* out, std::size_t capacity,
                                                         std::size_t& written) noexcept {
        ++*counter;
        return hooksig::base64_decode_public(text, out, capacity, written);
    };
    hooksig::signature_list list;
    REQUIRE(list.add_encoded(first, counting));
    REQUIRE(list.add_encoded("not base64!", counting));
    REQUIRE(list.add_encoded(second, counting));
    CHECK(list.candidates() == 3);

    CHECK(list.decode_through(0)); // the first entry only
    CHECK(calls == 1);
    CHECK(list.size == 1);
    CHECK(list.candidates() == 3);
    CHECK(list.decode_through(0)); // already decoded: no call
    CHECK(calls == 1);

    CHECK(list.decode_through(1)); // the bad entry is dropped on the way to the next good one
    CHECK(calls == 3);
    CHECK(list.size == 2);
    CHECK(list.candidates() == 2);
    for (std::size_t i = 0; i < hooksig::mac_size; ++i) CHECK(list.mac[1][i] == i);

    CHECK_FALSE(list.decode_through(2)); // nothing left
    CHECK(calls == 3);
    list.decode_pending();
    CHECK(calls == 3);
    CHECK(list.size == 2);
}

TEST_CASE("parse_timestamp agrees with a digit-by-digit reference on random and edge-case texts", "[timestamp][fastpath]") {
    // Reference: canonical decimal, 1..12 digits, no leading zero.
    auto reference = [](std::string_view t, hooksig::unix_seconds& v) {
        if (t.empty() || t.size() > hooksig::timestamp_max_digits) return false;
        if (t.size() > 1 && t[0] == '0') return false;
        hooksig::unix_seconds x = 0;
        for (const char c : t) {
            if (c < '0' || c > '9') return false;
            x = x * 10 + (c - '0');
        }
        v = x;
        return true;
    };
    auto agree = [&](const std::string& text) {
        hooksig::unix_seconds a = -1, b = -1;
        const bool ok = reference(text, a);
        const std::error_code parsed = hooksig::parse_timestamp(text, b);
        if (ok != !parsed || (ok && a != b)) FAIL_CHECK("'" << text << "': reference " << ok << " " << a << ", got " << b);
        if (parsed && parsed != hooksig::errc::invalid_timestamp) FAIL_CHECK("'" << text << "': wrong error");
    };
    for (const char* text : {"0", "1", "9", "10", "00", "01", "1614265330", "99999999", "100000000", "999999999999",
                             "1000000000000", "161426533O", "1614265330 ", " 1614265330", "+1614265330", "1614265330.0",
                             "161426:330", "161426/330", "16142653\x80", "", "1e9", "0x10"})
        agree(text);
    // Every byte in every position of a 10- and a 12-digit timestamp.
    for (const std::string base : {"1614265330", "123456789012"}) {
        for (std::size_t pos = 0; pos < base.size(); ++pos) {
            for (unsigned byte = 0; byte < 256; ++byte) {
                std::string text = base;
                text[pos] = static_cast<char>(byte);
                agree(text);
            }
        }
    }
    std::mt19937 rng(0x7473);
    static constexpr char alphabet[] = "0123456789 +-./:a\x7f";
    for (int i = 0; i < 200000; ++i) {
        std::string text(rng() % 15, '0');
        for (char& c : text) c = rng() % 6 == 0 ? alphabet[rng() % (sizeof alphabet - 1)] : static_cast<char>('0' + rng() % 10);
        agree(text);
    }
}
