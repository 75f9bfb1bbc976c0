// hooksig — webhook signing and verification. MIT License.
//
// The keyring file loader (parse_keyring_text) on arbitrary text.
// Properties: no crash or exception; a failure names a line within the text
// and its message is built from fixed texts only (no byte of the file); a success yields only usable entries
// (non-empty key, non-empty window, the key id written in the file), which
// format_keyring_text writes back to text that parses to the same entries;
// keyring::assign takes them or refuses with a named error.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <hooksig/keyring/keyring.hpp>
#include <hooksig/keyring/keyring_file.hpp>

#include "fuzzer_common.hpp"

namespace {

bool same(const hooksig::key_entry& a, const hooksig::key_entry& b) {
    return a.key == b.key && a.key.key_kind() == b.key.key_kind() && a.window.not_before == b.window.not_before &&
           a.window.not_after == b.window.not_after;
}

std::size_t count_lines(std::string_view text) {
    std::size_t lines = 0;
    for (std::size_t pos = 0; pos < text.size(); ++lines) {
        const std::size_t end = text.find('\n', pos);
        pos = end == std::string_view::npos ? text.size() : end + 1;
    }
    return lines;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<hooksig::key_entry> entries;
    const hooksig::keyring_file_result result = hooksig::parse_keyring_text(text, entries);
    if (!result) {
        HOOKSIG_FUZZ_CHECK(entries.empty());
        HOOKSIG_FUZZ_CHECK(result.line <= count_lines(text) + 1);
        // The message is built from the line number and the error code's fixed
        // text only, so no byte of the file (secret or not) can reach it.
        HOOKSIG_FUZZ_CHECK(!result.os_error);
        const std::string expected =
            (result.line != 0 ? "line " + std::to_string(result.line) + ": " : std::string()) + result.error.message();
        HOOKSIG_FUZZ_CHECK(result.message() == expected);
        HOOKSIG_FUZZ_CHECK(result.error.category() == hooksig::error_category() ||
                           result.error == std::errc::not_enough_memory);
        return 0;
    }
    HOOKSIG_FUZZ_CHECK(text.substr(0, hooksig::keyring_file_header.size()) == hooksig::keyring_file_header);
    for (const hooksig::key_entry& e : entries) {
        HOOKSIG_FUZZ_CHECK(!e.key.empty() && !e.window.empty());
        HOOKSIG_FUZZ_CHECK(text.find(e.key.key_id() + (e.key.key_kind() == hooksig::secret::kind::whsec ? " whsec " : " text ")) !=
                           std::string_view::npos);
    }

    // Written back and read again: the same keys, kinds and windows, in order.
    Botan::secure_vector<char> written;
    HOOKSIG_FUZZ_CHECK(!hooksig::format_keyring_text(entries, written));
    std::vector<hooksig::key_entry> again;
    HOOKSIG_FUZZ_CHECK(static_cast<bool>(hooksig::parse_keyring_text({written.data(), written.size()}, again)));
    HOOKSIG_FUZZ_CHECK(again.size() == entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) HOOKSIG_FUZZ_CHECK(same(entries[i], again[i]));

    hooksig::keyring<hooksig::fixed_clock> ring(hooksig::fixed_clock{1700000000});
    const std::error_code assigned = ring.assign(entries);
    HOOKSIG_FUZZ_CHECK(!assigned || assigned == hooksig::errc::keyring_full);
    if (!assigned) HOOKSIG_FUZZ_CHECK(ring.size() <= entries.size());
    return 0;
}
