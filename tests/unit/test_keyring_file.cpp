// Keyring files: round trip, mode 0600, permission and format errors with line
// numbers, secrets never in messages, atomic writes.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <dirent.h>
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
        for (const std::string& f : files()) ::unlink((path + "/" + f).c_str());
        ::rmdir(path.c_str());
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
    CHECK(dir.files() == std::vector<std::string>{"ring"});

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
    CHECK(dir.files() == std::vector<std::string>{"ring"});
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

    const keyring_file_result prefix = parse_keyring_text("hooksig-keyring 1\n0123456789ab whsec 0 - whsk_abcd\n", out);
    CHECK(prefix.error == errc::invalid_secret_prefix);
    CHECK(prefix.line == 2);
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
