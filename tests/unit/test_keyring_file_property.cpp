// Property: the keyring file writer never produces a file its reader rejects.
// Random sequences of new / rotate / add (grace 0..7 d, now up to the largest
// time a file holds) through the library API; every write is read back.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <ftw.h>
#include <unistd.h>

#include <hooksig/keyring/keyring_file.hpp>

using namespace hooksig;

TEST_CASE("property: every keyring file the writer writes reads back equal, and refused writes leave the file", "[keyring_file]") {
    char name[] = "/tmp/hooksig-keyring-property.XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    const std::string dir = name, file = dir + "/ring";
    std::mt19937_64 random(20241127);
    const auto pick = [&](unix_seconds lo, unix_seconds hi) {
        return std::uniform_int_distribution<unix_seconds>(lo, hi)(random);
    };
    std::size_t written = 0, refused = 0;
    for (int sequence = 0; sequence < 40; ++sequence) {
        ::unlink(file.c_str());
        // Start near 0, near today, or near the largest time a file holds.
        const unix_seconds bases[] = {0, 1'700'000'000, keyring_file_max_time - 30 * 86400};
        unix_seconds now = bases[sequence % 3] + pick(0, 86400);
        if (now > keyring_file_max_time) now = keyring_file_max_time;
        keyring<fixed_clock> first(fixed_clock{now});
        REQUIRE_FALSE(first.rotate(secret::generate(), std::chrono::seconds(0)));
        REQUIRE(save_keyring(file, first, keyring_write::create_new));
        for (int step = 0; step < 12; ++step) {
            now = std::min(keyring_file_max_time, now + pick(0, 3 * 86400));
            const int op = static_cast<int>(pick(0, 2));
            const std::chrono::seconds grace(pick(0, keyring_max_grace.count()));
            secret key = op == 2 ? secret::from_text("text secret " + std::to_string(random())) : secret::generate();
            unix_seconds not_before = now, not_after = 0;
            if (op == 1) {
                not_before = pick(now > 86400 ? now - 86400 : 0, std::min(keyring_file_max_time, now + 86400));
                not_after = pick(not_before, not_before + 2 * keyring_max_grace.count()) + 1;
            }
            std::vector<key_entry> expected;
            std::error_code change_error;
            const keyring_file_result r = update_keyring_file(file, [&](std::vector<key_entry>& entries) noexcept {
                keyring<fixed_clock> ring(fixed_clock{now});
                if ((change_error = ring.assign(entries))) return change_error;
                if (op == 1)
                    change_error = ring.add(key, {not_before, not_after});
                else
                    change_error = ring.rotate(key, grace);
                if (change_error) return change_error;
                entries = ring.entries();
                expected = entries;
                return std::error_code();
            });
            std::vector<key_entry> back;
            const keyring_file_result read = read_keyring_file(file, back);
            REQUIRE(read); // the property: whatever happened, the reader takes the file
            if (change_error) continue; // keyring_full, a window already over: nothing written
            if (!r) {
                // Only a time the file cannot hold may be refused, and then nothing changed.
                CHECK(r.error == errc::invalid_argument);
                bool beyond = false;
                for (const key_entry& e : expected) beyond = beyond || !fits_keyring_file(e.window);
                CHECK(beyond);
                ++refused;
                continue;
            }
            ++written;
            REQUIRE(back.size() == expected.size());
            for (std::size_t i = 0; i < back.size(); ++i) {
                CHECK(back[i].key == expected[i].key);
                CHECK(back[i].window.not_before == expected[i].window.not_before);
                CHECK(back[i].window.not_after == expected[i].window.not_after);
            }
        }
    }
    ::nftw(dir.c_str(), [](const char* p, const struct stat*, int, FTW*) { return ::remove(p); }, 8, FTW_DEPTH | FTW_PHYS);
    CHECK(written > 200);
    CHECK(refused > 0); // the sequences near the largest time do reach it
    WARN("property: " << written << " writes read back, " << refused << " refused at write time");
}
