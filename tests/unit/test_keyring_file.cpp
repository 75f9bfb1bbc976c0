// Keyring files: round trip, mode 0600, permission and format errors with line
// numbers, secrets never in messages, atomic writes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <atomic>
#include <thread>
#include <sys/file.h>
#include <fcntl.h>

#include <dirent.h>
#include <ftw.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hooksig/keyring/keyring_file.hpp>

using namespace hooksig;

namespace {

constexpr unix_seconds T0 = 1'700'000'000;
const std::string good_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A fresh directory, removed with its files at scope exit.
struct temp_dir {
    std::string path;
    temp_dir() {
        char name[] = "/tmp/hooksig-keyring-test.XXXXXX";
        REQUIRE(::mkdtemp(name) != nullptr);
        path = name;
    }
    ~temp_dir() {
        // Depth first, links not followed: removes subdirectories the tests make.
        ::chmod(path.c_str(), 0700);
        ::nftw(path.c_str(), [](const char* p, const struct stat*, int, FTW*) { return ::remove(p); }, 16,
               FTW_DEPTH | FTW_PHYS);
    }
    std::vector<std::string> files() const {
        std::vector<std::string> out;
        if (DIR* d = ::opendir(path.c_str())) {
            while (const dirent* e = ::readdir(d))
                if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") out.push_back(e->d_name);
            ::closedir(d);
        }
        return out;
    }
    std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) const {
        const std::string file = path + "/" + name;
        std::ofstream(file, std::ios::binary) << text;
        ::chmod(file.c_str(), mode);
        return file;
    }
};

std::vector<std::string> sorted(std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    return names;
}

mode_t mode_of(const std::string& file) {
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

std::string slurp(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string line_for(const secret& s, const std::string& kind, const std::string& window, const std::string& text) {
    return s.key_id() + " " + kind + " " + window + " " + text + "\n";
}

} // namespace

TEST_CASE("a keyring file round-trips whsec and text secrets with their windows, mode 0600, no temp file left") {
    temp_dir dir;
    const std::string file = dir.path + "/ring";
    const secret a = secret::parse(good_secret);
    const secret b = secret::generate(64);
    const secret stripe = secret::from_text("whsec_stripe style text secret 1234");
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE_FALSE(ring.rotate(a, std::chrono::seconds(0)));
    REQUIRE_FALSE(ring.add(stripe, {T0 - 5, T0 + 86400}));
    ring.clock().at = T0 + 10;
    REQUIRE_FALSE(ring.rotate(b, std::chrono::seconds(3600)));

    const keyring_file_result saved = save_keyring(file, ring);
    REQUIRE(saved);
    CHECK(mode_of(file) == 0600);
    CHECK(sorted(dir.files()) == std::vector<std::string>{".ring.lock", "ring"}); // the writers' lock file stays

    std::vector<key_entry> back;
    REQUIRE(read_keyring_file(file, back));
    const auto original = ring.entries();
    REQUIRE(back.size() == original.size());
    for (std::size_t i = 0; i < back.size(); ++i) {
        CHECK(back[i].key == original[i].key);
        CHECK(back[i].key.key_kind() == original[i].key.key_kind());
        CHECK(back[i].window.not_before == original[i].window.not_before);
        CHECK(back[i].window.not_after == original[i].window.not_after);
    }
    CHECK(back[1].key.key_kind() == secret::kind::text);

    keyring<fixed_clock> loaded(fixed_clock{T0 + 10});
    REQUIRE(load_keyring(file, loaded));
    CHECK(loaded.size() == 3);

    // The text is the documented format (b's rotation cut the text key's end to T0 + 10 + 3600).
    const std::string text = slurp(file);
    CHECK(text.rfind("hooksig-keyring 1\n", 0) == 0);
    CHECK(text.find(line_for(b, "whsec", std::to_string(T0 + 10) + " -", std::string(b.expose().view()))) != std::string::npos);
    CHECK(text.find(line_for(stripe, "text", std::to_string(T0 - 5) + " " + std::to_string(T0 + 3610),
                             "whsec_stripe style text secret 1234")) != std::string::npos);
}

TEST_CASE("replacing a keyring file keeps mode 0600 even under a permissive umask") {
    temp_dir dir;
    const mode_t old_mask = ::umask(0);
    const std::string file = dir.write("ring", "old", 0600);
    const keyring_file_result saved = write_keyring_file(file, {{secret::generate(), {T0, std::nullopt}}});
    ::umask(old_mask);
    REQUIRE(saved);
    CHECK(mode_of(file) == 0600);
    CHECK(slurp(file).rfind("hooksig-keyring 1\n", 0) == 0);
    CHECK(sorted(dir.files()) == std::vector<std::string>{".ring.lock", "ring"});
    CHECK(mode_of(dir.path + "/.ring.lock") == 0600);
}

TEST_CASE("create_new never replaces an existing keyring file") {
    temp_dir dir;
    const std::string file = dir.write("ring", "keep me", 0600);
    const keyring_file_result r = write_keyring_file(file, {{secret::generate(), {T0, std::nullopt}}}, keyring_write::create_new);
    CHECK(r.error == errc::keyring_file_io);
    CHECK(r.os_error == std::errc::file_exists);
    CHECK(slurp(file) == "keep me");
    CHECK(dir.files() == std::vector<std::string>{"ring"});
    REQUIRE(write_keyring_file(dir.path + "/other", {{secret::generate(), {T0, std::nullopt}}}, keyring_write::create_new));
    CHECK(mode_of(dir.path + "/other") == 0600);
}

TEST_CASE("a keyring file readable or writable by group or others is refused") {
    temp_dir dir;
    const std::string text = "hooksig-keyring 1\n" + line_for(secret::parse(good_secret), "whsec", "0 -", good_secret);
    const mode_t mode = GENERATE(as<mode_t>{}, 0640, 0604, 0620, 0602, 0644, 0660, 0666);
    const std::string file = dir.write("ring", text, mode);
    std::vector<key_entry> out;
    const keyring_file_result r = read_keyring_file(file, out);
    CHECK(r.error == errc::keyring_file_permissions);
    CHECK(out.empty());
    ::chmod(file.c_str(), 0600);
    CHECK(read_keyring_file(file, out));
    ::chmod(file.c_str(), 0400);
    CHECK(read_keyring_file(file, out));
}

TEST_CASE("a missing keyring file, a directory or a FIFO is an I/O error with the OS reason") {
    temp_dir dir;
    std::vector<key_entry> out;
    const keyring_file_result missing = read_keyring_file(dir.path + "/absent", out);
    CHECK(missing.error == errc::keyring_file_io);
    CHECK(missing.os_error == std::errc::no_such_file_or_directory);
    CHECK(read_keyring_file(dir.path, out).error == errc::keyring_file_io);
    REQUIRE(::mkfifo((dir.path + "/fifo").c_str(), 0600) == 0); // must not block waiting for a writer
    CHECK(read_keyring_file(dir.path + "/fifo", out).error == errc::keyring_file_io);
    const keyring_file_result no_dir = write_keyring_file(dir.path + "/absent/ring", {{secret::generate(), {T0, std::nullopt}}});
    CHECK(no_dir.error == errc::keyring_file_io);
}

TEST_CASE("a malformed keyring line is reported with its number") {
    const secret s = secret::parse(good_secret);
    const std::string id = s.key_id();
    const std::string head = "hooksig-keyring 1\n# comment\n\n" + line_for(s, "whsec", "100 200", good_secret);
    // Each bad line sits on line 5, after the header, a comment, a blank line and a good entry.
    const std::string bad = GENERATE_COPY(
        std::string("garbage\n"),
        id + " whsec 100 -\n",                                   // no secret field
        id + " whsec 100 - \n",                                  // empty secret
        "ABCDEF012345 whsec 100 - " + good_secret + "\n",        // upper-case id
        "0123456789ab whsec 300 - " + good_secret + "\n",        // id of another secret
        id + " base64 300 - " + good_secret + "\n",              // unknown kind
        id + " whsec 0300 - " + good_secret + "\n",              // non-canonical time
        id + " whsec -1 - " + good_secret + "\n",                // negative time
        id + " whsec 300 300 " + good_secret + "\n",             // empty window
        id + " whsec 300 200 " + good_secret + "\n",             // end before start
        id + " whsec 300 none " + good_secret + "\n",            // bad end
        id + " whsec 300 - " + good_secret + "\r\n",             // carriage return
        id + "  whsec 300 - " + good_secret + "\n");             // two spaces
    // (the duplicate of line 4 is tested below; this line repeats no secret)
    std::vector<key_entry> out;
    const keyring_file_result r = parse_keyring_text(head + bad, out);
    INFO(bad);
    CHECK(r.error == errc::keyring_file_malformed);
    CHECK(r.line == 5);
    CHECK(out.empty());
    CHECK(r.message().find("line 5: ") == 0);
}

TEST_CASE("the keyring header line is required and exact") {
    std::vector<key_entry> out;
    for (const std::string text : {"", "\n", "hooksig-keyring 2\n", "hooksig-keyring 1 \n", "# hooksig-keyring 1\n"}) {
        const keyring_file_result r = parse_keyring_text(text, out);
        CHECK(r.error == errc::keyring_file_malformed);
        CHECK(r.line == 1);
    }
    CHECK(parse_keyring_text("hooksig-keyring 1", out));
    CHECK(out.empty());
    CHECK(parse_keyring_text(std::string(keyring_file_max_size + 1, '#'), out).error == errc::keyring_file_malformed);
}

TEST_CASE("an invalid secret in a keyring file is reported by line and error, never by its text") {
    temp_dir dir;
    const std::string leaked = "whsec_AAAAsecretAAAAAAAAAAAAAAAA";
    const std::string text = "hooksig-keyring 1\n" + line_for(secret::parse(good_secret), "whsec", "0 -", good_secret) +
                             "0123456789ab whsec 0 - " + leaked + "\n";
    const std::string file = dir.write("ring", text);
    std::vector<key_entry> out;
    const keyring_file_result r = read_keyring_file(file, out);
    CHECK(r.error == errc::invalid_secret_encoding);
    CHECK(r.line == 3);
    CHECK(r.message().find("secretAAAA") == std::string::npos);
    CHECK(r.message().find("MfKQ9r8G") == std::string::npos);

    const keyring_file_result prefix = parse_keyring_text("hooksig-keyring 1\n0123456789ab whsec 0 - whsx_abcd\n", out);
    CHECK(prefix.error == errc::invalid_secret_prefix);
    CHECK(prefix.line == 2);
    // A valid key of another kind than the line names.
    const std::string pk = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    const std::string id = secret::parse(pk).key_id();
    const keyring_file_result kind = parse_keyring_text("hooksig-keyring 1\n" + id + " whsec 0 - " + pk + "\n", out);
    CHECK(kind.error == errc::invalid_secret_prefix);
    CHECK(parse_keyring_text("hooksig-keyring 1\n" + id + " whsk 0 - " + pk + "\n", out).error == errc::invalid_secret_prefix);
    CHECK_FALSE(parse_keyring_text("hooksig-keyring 1\n" + id + " whpk 0 - " + pk + "\n", out).error);
}

TEST_CASE("a secret listed twice in a keyring file is a duplicate_key at the second line") {
    const std::string line = line_for(secret::parse(good_secret), "whsec", "0 -", good_secret);
    std::vector<key_entry> out;
    const keyring_file_result r = parse_keyring_text("hooksig-keyring 1\n" + line + line, out);
    CHECK(r.error == errc::duplicate_key);
    CHECK(r.line == 3);
}

TEST_CASE("loading a keyring file drops expired keys and refuses an overfull ring") {
    temp_dir dir;
    const secret live = secret::generate(), dead = secret::generate();
    const std::string file = dir.path + "/ring";
    REQUIRE(write_keyring_file(file, {{live, {T0, std::nullopt}}, {dead, {T0 - 100, T0}}}));
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE(load_keyring(file, ring));
    REQUIRE(ring.size() == 1);
    CHECK(ring.entries()[0].key == live);

    std::vector<key_entry> many;
    for (std::size_t i = 0; i <= keyring_max_keys; ++i) many.push_back({secret::generate(), {T0, std::nullopt}});
    REQUIRE(write_keyring_file(file, many));
    const keyring_file_result full = load_keyring(file, ring);
    CHECK(full.error == errc::keyring_full);
    CHECK(ring.size() == 1); // unchanged
}

TEST_CASE("a text secret the format cannot store is refused when writing") {
    temp_dir dir;
    const secret newline = secret::from_text("line one\nline two secret");
    const keyring_file_result r = write_keyring_file(dir.path + "/ring", {{newline, {T0, std::nullopt}}});
    CHECK(r.error == errc::invalid_argument);
    CHECK(dir.files().empty());
}

namespace {

std::vector<key_entry> one_key(unix_seconds not_before = T0) { return {{secret::generate(), {not_before, std::nullopt}}}; }

/// The owner and group of `file` (not following links).
std::pair<uid_t, gid_t> owner_of(const std::string& file) {
    struct stat info {};
    REQUIRE(::lstat(file.c_str(), &info) == 0);
    return {info.st_uid, info.st_gid};
}

} // namespace

TEST_CASE("a keyring file in a directory writable by others without the sticky bit is untrusted, naming the directory") {
    temp_dir dir;
    const std::string open_dir = dir.path + "/shared";
    REQUIRE(::mkdir(open_dir.c_str(), 0700) == 0);
    REQUIRE(write_keyring_file(open_dir + "/ring", one_key()));
    REQUIRE(::chmod(open_dir.c_str(), 0777) == 0); // row 4: anyone may replace app.ring
    std::vector<key_entry> out;
    const keyring_file_result r = read_keyring_file(open_dir + "/ring", out);
    CHECK(r.error == errc::keyring_file_untrusted);
    CHECK(r.path == open_dir);
    CHECK(r.message() == "keyring file not trusted: '" + open_dir + "' is writable by others without the sticky bit");
    // Writers refuse it too: the reader would refuse what they wrote.
    CHECK(write_keyring_file(open_dir + "/ring", one_key()).error == errc::keyring_file_untrusted);

    REQUIRE(::chmod(open_dir.c_str(), 0770) == 0);
    const keyring_file_result group = read_keyring_file(open_dir + "/ring", out);
    CHECK(group.error == errc::keyring_file_untrusted);
    CHECK(group.path == open_dir);
    CHECK(group.reason.find("writable by group") != std::string::npos);

    REQUIRE(::chmod(open_dir.c_str(), 01777) == 0); // like /tmp: the sticky bit protects our own file
    CHECK(read_keyring_file(open_dir + "/ring", out));
}

TEST_CASE("a directory higher up that others may write makes the keyring untrusted") {
    temp_dir dir;
    const std::string upper = dir.path + "/a", lower = dir.path + "/a/b";
    REQUIRE(::mkdir(upper.c_str(), 0700) == 0);
    REQUIRE(::mkdir(lower.c_str(), 0700) == 0);
    REQUIRE(write_keyring_file(lower + "/ring", one_key()));
    REQUIRE(::chmod(upper.c_str(), 0757) == 0); // others could rename b away and put their own in its place
    std::vector<key_entry> out;
    const keyring_file_result r = read_keyring_file(lower + "/ring", out);
    CHECK(r.error == errc::keyring_file_untrusted);
    CHECK(r.path == upper);
}

TEST_CASE("keyring ownership: another user's file or directory is untrusted unless, as root, the file's owner holds the path") {
    if (::geteuid() != 0) {
        WARN("needs root to chown");
        return;
    }
    temp_dir dir;
    std::vector<key_entry> out;
    // A directory owned by another user above a root-owned keyring: that user could swap the file.
    const std::string theirs = dir.path + "/theirs";
    REQUIRE(::mkdir(theirs.c_str(), 0700) == 0);
    REQUIRE(write_keyring_file(theirs + "/ring", one_key()));
    REQUIRE(::chown(theirs.c_str(), 65534, 65534) == 0);
    const keyring_file_result r = read_keyring_file(theirs + "/ring", out);
    CHECK(r.error == errc::keyring_file_untrusted);
    CHECK(r.path == theirs);
    CHECK(r.reason.find("owned by uid 65534") != std::string::npos);

    // Another user's keyring in a shared sticky directory (another user's file in /tmp): refused for root.
    const std::string shared = dir.path + "/shared";
    REQUIRE(::mkdir(shared.c_str(), 0700) == 0);
    REQUIRE(write_keyring_file(shared + "/ring", one_key()));
    REQUIRE(::chown((shared + "/ring").c_str(), 65534, 65534) == 0);
    REQUIRE(::chmod(shared.c_str(), 01777) == 0);
    const keyring_file_result planted = read_keyring_file(shared + "/ring", out);
    CHECK(planted.error == errc::keyring_file_untrusted);
    CHECK(planted.path == shared);

    // The receiver's own keyring in a directory only root and it control: root may read and rotate it (row 7).
    REQUIRE(::chmod(shared.c_str(), 0700) == 0);
    CHECK(read_keyring_file(shared + "/ring", out));
}

TEST_CASE("root rotating a keyring owned by another user keeps its owner, group and mode (row 7)") {
    if (::geteuid() != 0) {
        WARN("needs root to chown");
        return;
    }
    temp_dir dir;
    const std::string file = dir.path + "/ring";
    REQUIRE(write_keyring_file(file, one_key()));
    REQUIRE(::chown(file.c_str(), 65534, 65534) == 0);
    REQUIRE(::chmod(file.c_str(), 0400) == 0);
    const keyring_file_result r = update_keyring_file(file, [](std::vector<key_entry>& entries) {
        entries.insert(entries.begin(), key_entry{secret::generate(), {T0 + 1, std::nullopt}});
        return std::error_code();
    });
    REQUIRE(r);
    CHECK(owner_of(file) == std::pair<uid_t, gid_t>(65534, 65534));
    CHECK(mode_of(file) == 0400);
    std::vector<key_entry> out;
    REQUIRE(read_keyring_file(file, out));
    CHECK(out.size() == 2);
}

TEST_CASE("writing through a symbolic link replaces the target in its directory, and the link stays a link (row 9)") {
    temp_dir dir;
    const std::string real_dir = dir.path + "/data", target = dir.path + "/data/target.ring", link = dir.path + "/link.ring";
    REQUIRE(::mkdir(real_dir.c_str(), 0700) == 0);
    REQUIRE(write_keyring_file(target, one_key()));
    REQUIRE(::symlink("data/target.ring", link.c_str()) == 0);
    const secret added = secret::generate();
    REQUIRE(update_keyring_file(link, [&](std::vector<key_entry>& entries) {
        entries.insert(entries.begin(), key_entry{added, {T0 + 1, std::nullopt}});
        return std::error_code();
    }));
    struct stat info {};
    REQUIRE(::lstat(link.c_str(), &info) == 0);
    CHECK(S_ISLNK(info.st_mode));
    std::vector<key_entry> out;
    REQUIRE(read_keyring_file(target, out)); // the target's readers see the new key
    REQUIRE(out.size() == 2);
    CHECK(out[0].key == added);
    // Nothing was created beside the link; the lock lives beside the target.
    std::vector<std::string> top;
    for (const std::string& f : dir.files()) top.push_back(f);
    CHECK(sorted(top) == std::vector<std::string>{"data", "link.ring"});
    // Reading follows the link; a dangling link is ENOENT, and never written through.
    CHECK(read_keyring_file(link, out));
    REQUIRE(::symlink("data/absent.ring", (dir.path + "/dangling").c_str()) == 0);
    const keyring_file_result dangling = write_keyring_file(dir.path + "/dangling", one_key());
    CHECK(dangling.error == errc::keyring_file_io);
    CHECK(dangling.os_error == std::errc::no_such_file_or_directory);
}

TEST_CASE("update_keyring_file serializes writers: no update is lost (threads, each with its own lock)") {
    temp_dir dir;
    const std::string file = dir.path + "/ring";
    const secret key = secret::generate();
    REQUIRE(write_keyring_file(file, {{key, {0, std::nullopt}}}));
    // Each update reads not_before and writes not_before + 1: a lost update leaves the count short.
    constexpr int threads = 6, rounds = 20;
    std::vector<std::thread> workers;
    std::atomic<int> failures{0};
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            for (int i = 0; i < rounds; ++i) {
                const keyring_file_result r = update_keyring_file(file, [](std::vector<key_entry>& entries) {
                    entries.front().window.not_before += 1;
                    return std::error_code();
                });
                if (!r) ++failures;
            }
        });
    for (std::thread& w : workers) w.join();
    CHECK(failures == 0);
    std::vector<key_entry> out;
    REQUIRE(read_keyring_file(file, out));
    CHECK(out.front().window.not_before == threads * rounds);
}

TEST_CASE("a writer gives up with keyring_file_busy when another holds the lock past the wait") {
    temp_dir dir;
    const std::string file = dir.path + "/ring";
    REQUIRE(write_keyring_file(file, one_key()));
    const int held = ::open((dir.path + "/.ring.lock").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(held >= 0);
    REQUIRE(::flock(held, LOCK_EX) == 0);
    keyring_file_options quick;
    quick.lock_wait = std::chrono::milliseconds(50);
    const std::string before = slurp(file);
    const keyring_file_result r = update_keyring_file(
        file, [](std::vector<key_entry>&) { return std::error_code(); }, quick);
    CHECK(r.error == errc::keyring_file_busy);
    CHECK(slurp(file) == before);
    ::close(held);
    CHECK(update_keyring_file(file, [](std::vector<key_entry>&) { return std::error_code(); }, quick));
}

TEST_CASE("an error from the change writes nothing") {
    temp_dir dir;
    const std::string file = dir.path + "/ring";
    REQUIRE(write_keyring_file(file, one_key()));
    const std::string before = slurp(file);
    const keyring_file_result r =
        update_keyring_file(file, [](std::vector<key_entry>&) { return std::error_code(errc::keyring_full); });
    CHECK(r.error == errc::keyring_full);
    CHECK(slurp(file) == before);
}

TEST_CASE("the next write removes temporary files a crashed writer of this keyring left, and only those") {
    temp_dir dir;
    const std::string file = dir.path + "/ring";
    REQUIRE(write_keyring_file(file, one_key()));
    dir.write(".ring.tmp.AbC123", "hooksig-keyring 1\nsecrets", 0600);   // a crash between link and rename
    dir.write(".other.tmp.AbC123", "another keyring's", 0600);           // not ours
    dir.write(".ring.tmp.toolongname", "not our pattern", 0600);
    REQUIRE(write_keyring_file(file, one_key()));
    CHECK(sorted(dir.files()) ==
          std::vector<std::string>{".other.tmp.AbC123", ".ring.lock", ".ring.tmp.toolongname", "ring"});
}

TEST_CASE("times a reader cannot take are refused at write time (row 6)") {
    temp_dir dir;
    const std::string file = dir.path + "/ring";
    const unix_seconds now = keyring_file_max_time; // --now 999999999999
    keyring<fixed_clock> ring(fixed_clock{now});
    REQUIRE_FALSE(ring.rotate(secret::generate(), std::chrono::seconds(0)));
    REQUIRE(save_keyring(file, ring));
    const std::string before = slurp(file);
    REQUIRE_FALSE(ring.rotate(secret::generate(), std::chrono::hours(24 * 7))); // old key ends at now + 7 d: 13 digits
    const keyring_file_result r = save_keyring(file, ring);
    CHECK(r.error == errc::invalid_argument);
    CHECK(slurp(file) == before);
    std::vector<key_entry> out;
    CHECK(read_keyring_file(file, out));
    CHECK(fits_keyring_file({keyring_file_max_time - 1, keyring_file_max_time}));
    CHECK_FALSE(fits_keyring_file({0, keyring_file_max_time + 1}));
}

TEST_CASE("a replaced keyring whose directory cannot be synced reports keyring_file_not_durable, file in place (row 8)") {
    if (::geteuid() != 0) {
        WARN("needs root to act as another user");
        return;
    }
    temp_dir dir;
    const std::string sub = dir.path + "/nosync";
    REQUIRE(::mkdir(sub.c_str(), 0700) == 0);
    REQUIRE(::chown(sub.c_str(), 65534, 65534) == 0);
    REQUIRE(::chmod(dir.path.c_str(), 0711) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // As uid 65534 in a directory it may write and search but not read (so not open to fsync).
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
        const std::string file = sub + "/ring";
        if (!write_keyring_file(file, one_key())) ::_exit(11);
        if (::chmod(sub.c_str(), 0300) != 0) ::_exit(12);
        const keyring_file_result r = update_keyring_file(file, [](std::vector<key_entry>& entries) {
            entries.front().window.not_before += 1;
            return std::error_code();
        });
        if (r.error != errc::keyring_file_not_durable || !r.in_place() || !r.os_error) ::_exit(13);
        std::vector<key_entry> out;
        if (!read_keyring_file(file, out) || out.front().window.not_before != T0 + 1) ::_exit(14);
        ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
