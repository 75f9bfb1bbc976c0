// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Keyring files: a plain-text format for a keyring's secrets and windows,
/// read with ownership and permission checks (like OpenSSH's StrictModes) and
/// written atomically, under a lock, with mode 0600 (POSIX; Linux for
/// O_TMPFILE, with a portable fallback).
///
/// Format (version 1), UTF-8/ASCII text, lines ending in `\n`:
///
/// ```
/// hooksig-keyring 1
/// # comment lines (starting with '#') and empty lines are ignored
/// <key_id> <kind> <not_before> <not_after> <secret>
/// ```
///
/// - The first line is exactly `hooksig-keyring 1`.
/// - One line per key, newest (primary) first; fields separated by one space.
/// - `key_id`: the key's 12 lower-case hex characters (secret::key_id()); must
///   match the secret, so a hand edit of either is caught.
/// - `kind`: `whsec` (secret is `whsec_` + base64, key = the decoded bytes),
///   `text` (key = the secret's text itself: Stripe, GitHub, Slack, Shopify),
///   `whsk` (an Ed25519 secret key, `whsk_` + base64 of seed and public key)
///   or `whpk` (an Ed25519 public key, `whpk_` + base64: a receiver's ring);
///   the secret must be of the kind named. An Ed25519 key's id is its public
///   key's, so a sender's `whsk` line and a receiver's `whpk` line share it.
/// - `not_before`: Unix seconds (canonical decimal); the key is active from it.
/// - `not_after`: Unix seconds, the first second the key is dead, or `-` for
///   no end; must be greater than not_before.
/// - `secret`: the rest of the line, verbatim; bytes 0x20..0x7E only.
/// - No carriage returns, no trailing spaces other than a text secret's own,
///   no duplicate secrets, at most keyring_file_max_size bytes.
/// - Times are at most keyring_file_max_time (12 digits); writers refuse later ones.
///
/// Trust (checked on every read, and on the directory of every write):
/// - the file is a regular file with no group or other permission bits;
/// - it is owned by the effective user or by root. As root, a file owned by
///   another user U is accepted as OpenSSH accepts U's authorized_keys: then
///   the file's directory and every directory above it must be owned by root
///   or U, and the file's own directory writable by neither group nor others,
///   sticky or not (so root can rotate the receiver's own keyring, and another
///   user's file dropped in /tmp is refused);
/// - otherwise every directory from the file's up to `/` is owned by root or
///   the effective user, and not writable by group or others unless it has
///   the sticky bit (like /tmp).
/// Symbolic links are followed: the target is what is checked and what a
/// write replaces (in the target's directory, keeping its owner, group and
/// mode), so a link stays a link (Kubernetes mounts secrets through links).
///
/// Writers (write_keyring_file, update_keyring_file) serialize on an advisory
/// flock(2) of a lock file beside the target, `.NAME.lock` (mode 0600, never
/// deleted: deleting it would let two writers lock different inodes). The
/// keyring itself cannot carry the lock: each write replaces its inode.

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../detail/platform/botan.hpp"
#include "../error.hpp"
#include "keyring.hpp"
#include "../secret.hpp"
#include "../timestamp.hpp"

namespace hooksig {

/// The first line of a keyring file.
inline constexpr std::string_view keyring_file_header = "hooksig-keyring 1";

/// Largest keyring file read (errc::keyring_file_malformed beyond it, line 0).
inline constexpr std::size_t keyring_file_max_size = 64 * 1024;

/// Largest time a keyring file holds (the 12 digits parse_timestamp reads, year 33658).
/// Writers refuse a window reaching beyond it (errc::invalid_argument).
inline constexpr unix_seconds keyring_file_max_time = 999'999'999'999;

/// How long a writer waits for another writer's lock by default.
inline constexpr std::chrono::milliseconds keyring_file_default_lock_wait{10'000};

/// The outcome of reading or writing a keyring file. Never holds secret bytes.
struct keyring_file_result {
    std::error_code error;    ///< empty on success, else a hooksig::errc (or a secret's parse error)
    std::size_t line = 0;     ///< 1-based line of the problem; 0 when it is not about one line
    std::error_code os_error; ///< for keyring_file_io / keyring_file_not_durable: the operating system's reason
    std::string path;         ///< for keyring_file_untrusted: the file or directory refused
    std::string reason;       ///< for keyring_file_untrusted: why, e.g. "is writable by others without the sticky bit"

    /// True on success.
    explicit operator bool() const noexcept { return !error; }

    /// True when the new file is in place: success, or errc::keyring_file_not_durable
    /// (replaced, but the directory sync failed, so a crash might bring the old file back).
    bool in_place() const noexcept { return !error || error == errc::keyring_file_not_durable; }

    /// A one-line description, e.g. "line 3: invalid secret encoding" or
    /// "keyring file not trusted: '/srv' is writable by others without the sticky bit". Allocates.
    std::string message() const {
        std::string text;
        if (line != 0) text = "line " + std::to_string(line) + ": ";
        text += error.message();
        if (!path.empty()) text += ": '" + path + "' " + reason;
        if (os_error) text += " (" + os_error.message() + ")";
        return text;
    }
};

/// Writer settings for write_keyring_file and update_keyring_file.
struct keyring_file_options {
    /// How long to wait for another writer's lock before errc::keyring_file_busy.
    std::chrono::milliseconds lock_wait = keyring_file_default_lock_wait;
};

/// Whether write_keyring_file may replace an existing file.
enum class keyring_write {
    replace,    ///< atomically replace the file (or create it)
    create_new, ///< fail with errc::keyring_file_io / EEXIST when the file exists
};

/// Parses keyring file text into entries (newest first). Validates every line:
/// the header, field count, key id (must match the secret), kind, times, window
/// and secret.
/// @return success, or the line and one of errc::keyring_file_malformed,
///         errc::duplicate_key, or the secret's own error
///         (errc::invalid_secret_prefix / invalid_secret_encoding /
///         invalid_secret_length). Never reports secret bytes.
[[nodiscard]] inline keyring_file_result parse_keyring_text(std::string_view text, std::vector<key_entry>& out) noexcept {
    keyring_file_result result;
    const auto fail = [&](std::error_code code, std::size_t line) {
        result.error = code;
        result.line = line;
        return result;
    };
    if (text.size() > keyring_file_max_size) return fail(errc::keyring_file_malformed, 0);
    try {
        std::vector<key_entry> entries;
        std::size_t number = 0;
        bool seen_header = false;
        for (std::size_t pos = 0; pos < text.size();) {
            std::size_t end = text.find('\n', pos);
            if (end == std::string_view::npos) end = text.size();
            const std::string_view line = text.substr(pos, end - pos);
            pos = end + 1;
            ++number;
            if (!seen_header) {
                if (line != keyring_file_header) return fail(errc::keyring_file_malformed, number);
                seen_header = true;
                continue;
            }
            if (line.empty() || line.front() == '#') continue;

            // Four fields, then the secret (the rest of the line).
            std::string_view field[4];
            std::string_view rest = line;
            for (std::string_view& f : field) {
                const std::size_t space = rest.find(' ');
                if (space == std::string_view::npos) return fail(errc::keyring_file_malformed, number);
                f = rest.substr(0, space);
                rest.remove_prefix(space + 1);
            }
            const std::string_view id = field[0], kind = field[1], secret_text = rest;
            if (id.size() != key_id_size || id.find_first_not_of("0123456789abcdef") != std::string_view::npos)
                return fail(errc::keyring_file_malformed, number);
            key_entry entry;
            if (parse_timestamp(field[2], entry.window.not_before)) return fail(errc::keyring_file_malformed, number);
            if (field[3] != "-") {
                unix_seconds not_after = 0;
                if (parse_timestamp(field[3], not_after)) return fail(errc::keyring_file_malformed, number);
                entry.window.not_after = not_after;
            }
            if (entry.window.empty()) return fail(errc::keyring_file_malformed, number);
            if (secret_text.empty() || !is_visible_ascii(secret_text)) return fail(errc::keyring_file_malformed, number);
            std::error_code parsed;
            if (kind == "text") {
                parsed = secret::from_text(secret_text, entry.key);
            } else {
                secret::kind expected;
                if (kind == "whsec") expected = secret::kind::whsec;
                else if (kind == "whsk") expected = secret::kind::ed25519_secret;
                else if (kind == "whpk") expected = secret::kind::ed25519_public;
                else return fail(errc::keyring_file_malformed, number);
                parsed = secret::parse(secret_text, entry.key);
                if (!parsed && entry.key.key_kind() != expected) parsed = errc::invalid_secret_prefix;
            }
            if (parsed) return fail(parsed, number);
            if (entry.key.key_id() != id) return fail(errc::keyring_file_malformed, number);
            for (const key_entry& earlier : entries)
                if (earlier.key == entry.key) return fail(errc::duplicate_key, number);
            entries.push_back(std::move(entry));
        }
        if (!seen_header) return fail(errc::keyring_file_malformed, 1);
        out = std::move(entries);
        return result;
    } catch (const std::bad_alloc&) {
        return fail(std::make_error_code(std::errc::not_enough_memory), 0);
    }
}

/// The `kind` field a keyring file gives a secret of kind `k`.
constexpr std::string_view keyring_file_kind(secret::kind k) noexcept {
    switch (k) {
    case secret::kind::whsec: return "whsec";
    case secret::kind::text: return "text";
    case secret::kind::ed25519_secret: return "whsk";
    case secret::kind::ed25519_public: return "whpk";
    }
    return "text";
}

/// True when a keyring file can hold `window`: both times within 0..keyring_file_max_time.
inline bool fits_keyring_file(const key_window& window) noexcept {
    return window.not_before >= 0 && window.not_before <= keyring_file_max_time &&
           (!window.not_after || (*window.not_after >= 0 && *window.not_after <= keyring_file_max_time));
}

/// Formats entries (newest first) as keyring file text, in zeroizing memory.
/// @return errc::invalid_argument when an entry has an empty secret or window,
///         a time outside 0..keyring_file_max_time (the reader could not take
///         it back), or a text secret holds bytes the format cannot store
///         (outside 0x20..0x7E); std::errc::not_enough_memory.
[[nodiscard]] inline std::error_code format_keyring_text(const std::vector<key_entry>& entries,
                                                         secure_vector<char>& out) noexcept {
    try {
        secure_vector<char> text;
        const auto append = [&text](std::string_view s) { text.insert(text.end(), s.begin(), s.end()); };
        append(keyring_file_header);
        append("\n# key_id kind not_before not_after secret  (newest first; Unix seconds; active while\n"
               "# not_before <= now < not_after; '-' = no end). Keep this file mode 0600.\n");
        for (const key_entry& e : entries) {
            if (e.key.empty() || e.window.empty() || !fits_keyring_file(e.window)) return errc::invalid_argument;
            const exposed_secret shown = e.key.expose();
            if (shown.view().empty() || !is_visible_ascii(shown.view())) return errc::invalid_argument;
            append(e.key.key_id());
            append(" ");
            append(keyring_file_kind(e.key.key_kind()));
            append(" ");
            append(std::to_string(e.window.not_before));
            append(" ");
            append(e.window.not_after ? std::to_string(*e.window.not_after) : std::string("-"));
            append(" ");
            append(shown.view());
            append("\n");
        }
        out = std::move(text);
        return {};
    } catch (const std::bad_alloc&) {
        return std::make_error_code(std::errc::not_enough_memory);
    }
}

namespace detail {

/// Closes a file descriptor on scope exit.
struct fd_closer {
    int fd = -1; ///< the descriptor, or -1
    fd_closer() = default;
    /// Owns `descriptor`.
    explicit fd_closer(int descriptor) noexcept : fd(descriptor) {}
    fd_closer(const fd_closer&) = delete;
    fd_closer& operator=(const fd_closer&) = delete;
    ~fd_closer() {
        if (fd >= 0) ::close(fd);
    }
};

/// A keyring_file_io result carrying the OS error `os_errno`.
inline keyring_file_result keyring_io_error(int os_errno) noexcept {
    keyring_file_result r;
    r.error = errc::keyring_file_io;
    r.os_error = std::error_code(os_errno, std::generic_category());
    return r;
}

/// A keyring_file_untrusted result naming `path` and `reason`. Allocates.
inline keyring_file_result keyring_untrusted(std::string path, std::string reason) {
    keyring_file_result r;
    r.error = errc::keyring_file_untrusted;
    r.path = std::move(path);
    r.reason = std::move(reason);
    return r;
}

/// `path` up to its last '/' ("/" for a file at the root, "." without a slash).
inline std::string parent_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : slash == 0 ? std::string("/") : path.substr(0, slash);
}

/// Checks the directories from `dir` (absolute, no symbolic links) up to `/`
/// (see the trust rules in the file comment). `owner` is the keyring's owner;
/// as root, a foreign owner is trusted along with root, but then the file's own
/// directory may not be writable by group or others, sticky or not.
inline keyring_file_result check_directories(std::string dir, uid_t owner) {
    const uid_t me = ::geteuid();
    const bool foreign = owner != me && owner != 0; // possible for root only (checked by the caller)
    for (bool first = true;; first = false) {
        struct stat info {};
        if (::lstat(dir.c_str(), &info) != 0) return keyring_io_error(errno);
        if (info.st_uid != 0 && info.st_uid != me && !(foreign && info.st_uid == owner))
            return keyring_untrusted(dir, "is owned by uid " + std::to_string(info.st_uid) +
                                              ", who could replace the keyring (trusted: root and the keyring's owner)");
        // The sticky bit keeps others from replacing OUR entries; it does not stop another
        // user from putting their own keyring in a shared directory like /tmp.
        const bool sticky = (info.st_mode & S_ISVTX) != 0 && !(foreign && first);
        if ((info.st_mode & S_IWOTH) != 0 && !sticky)
            return keyring_untrusted(dir, foreign ? "is writable by others: a keyring owned by another user is trusted "
                                                    "only where no one else can write"
                                                  : "is writable by others without the sticky bit");
        if ((info.st_mode & S_IWGRP) != 0 && !sticky)
            return keyring_untrusted(dir, "is writable by group " + std::to_string(info.st_gid) +
                                              " (without the sticky bit), whose members could replace the keyring");
        if (dir == "/") return {};
        dir = parent_of(dir);
    }
}

/// Checks an open keyring file (`info` from fstat of the file at `real_path`):
/// a regular file, mode without group/other bits, a trusted owner, and
/// trusted directories up to `/`.
inline keyring_file_result check_keyring_trust(const std::string& real_path, const struct stat& info) {
    if (!S_ISREG(info.st_mode)) return keyring_io_error(EINVAL);
    if ((info.st_mode & 077) != 0) {
        keyring_file_result r;
        r.error = errc::keyring_file_permissions;
        return r;
    }
    const uid_t me = ::geteuid();
    if (info.st_uid != me && info.st_uid != 0 && me != 0)
        return keyring_untrusted(real_path, "is owned by uid " + std::to_string(info.st_uid) + ", not by you or root");
    return check_directories(parent_of(real_path), info.st_uid);
}

/// Where a keyring write lands: the symbolic link at `path` resolved.
struct keyring_target {
    std::string dir;  ///< the target's directory (absolute, no links)
    std::string name; ///< the target's name in it
    bool exists = false;
    struct stat info {}; ///< the target's status when it exists
};

/// Resolves `path` for writing: an existing file (through any symbolic links)
/// or, when absent, the name in its directory's real path. A dangling link is
/// ENOENT (the writer does not create files at a link's far end).
inline keyring_file_result resolve_keyring_target(const std::string& path, keyring_target& out) {
    char real[PATH_MAX];
    struct stat link_info {};
    const bool present = ::lstat(path.c_str(), &link_info) == 0;
    if (present) {
        if (::realpath(path.c_str(), real) == nullptr) return keyring_io_error(errno);
        const std::string full(real);
        if (::stat(real, &out.info) != 0) return keyring_io_error(errno);
        out.exists = true;
        out.dir = parent_of(full);
        out.name = full.substr(full.rfind('/') + 1);
        return {};
    }
    if (errno != ENOENT) return keyring_io_error(errno);
    const std::size_t slash = path.rfind('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (name.empty() || name == "." || name == "..") return keyring_io_error(EISDIR);
    if (::realpath(parent_of(path).c_str(), real) == nullptr) return keyring_io_error(errno);
    out.dir = real;
    out.name = name;
    out.exists = false;
    return {};
}

/// `dir/name` without doubling the root's slash.
inline std::string join_path(const std::string& dir, const std::string& name) {
    return dir == "/" ? "/" + name : dir + "/" + name;
}

/// Holds the writers' lock of one keyring (an flock on `.NAME.lock` beside it).
struct keyring_lock {
    fd_closer file; ///< the lock file, locked while open
};

/// Takes the writers' lock of `target`, polling up to `wait`. As root, hands
/// a lock file it creates to the keyring's owner, so that user can lock later.
inline keyring_file_result lock_keyring(const keyring_target& target, std::chrono::milliseconds wait,
                                        keyring_lock& lock) {
    const std::string lock_path = join_path(target.dir, "." + target.name + ".lock");
    lock.file.fd = ::open(lock_path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK,
                          S_IRUSR | S_IWUSR);
    if (lock.file.fd < 0) return keyring_io_error(errno);
    struct stat info {};
    if (::fstat(lock.file.fd, &info) != 0) return keyring_io_error(errno);
    if (!S_ISREG(info.st_mode)) return keyring_io_error(EINVAL);
    if (target.exists && ::geteuid() == 0 && info.st_uid != target.info.st_uid)
        (void)::fchown(lock.file.fd, target.info.st_uid, target.info.st_gid); // best effort: only lets the owner lock later
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (unsigned attempt = 0;; ++attempt) {
        if (::flock(lock.file.fd, LOCK_EX | LOCK_NB) == 0) return {};
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK) return keyring_io_error(errno);
        if (std::chrono::steady_clock::now() >= deadline) {
            keyring_file_result r;
            r.error = errc::keyring_file_busy;
            return r;
        }
        // 1..8 ms, growing: short holds (two fsyncs) are the common case.
        const long ms = attempt < 3 ? 1 : attempt < 10 ? 4 : 8;
        const timespec pause{0, ms * 1'000'000L};
        ::nanosleep(&pause, nullptr);
    }
}

/// The prefix of this keyring's temporary names: `.NAME.tmp.` (6 characters follow).
inline std::string temp_prefix(const keyring_target& target) { return "." + target.name + ".tmp."; }

/// Removes temporary files a crashed writer of THIS keyring left (`.NAME.tmp.`
/// + 6 characters, regular files only). Call with the lock held. Best effort:
/// an unreadable directory is skipped.
inline void remove_stale_temps(const keyring_target& target) {
    DIR* listing = ::opendir(target.dir.c_str());
    if (listing == nullptr) return;
    const std::string prefix = temp_prefix(target);
    while (const dirent* entry = ::readdir(listing)) {
        const std::string_view name(entry->d_name);
        if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) continue;
        struct stat info {};
        if (::fstatat(::dirfd(listing), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(info.st_mode))
            (void)::unlinkat(::dirfd(listing), entry->d_name, 0);
    }
    ::closedir(listing);
}

/// A fresh temporary name for `target`: temp_prefix + 6 random [A-Za-z0-9].
inline std::string temp_name(const keyring_target& target) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char random[6] = {};
    if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
        const auto mix = static_cast<unsigned long>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                         static_cast<unsigned long>(::getpid());
        for (std::size_t i = 0; i < sizeof random; ++i) random[i] = static_cast<unsigned char>(mix >> (8 * i));
    }
    std::string name = temp_prefix(target);
    for (const unsigned char r : random) name.push_back(alphabet[r % 62]);
    return name;
}

/// Gives the anonymous file `fd` the name `name` in `dir_fd`: linkat with
/// AT_EMPTY_PATH (needs CAP_DAC_READ_SEARCH), else through /proc/self/fd.
inline int link_anonymous(int fd, int dir_fd, const char* name) noexcept {
    if (::linkat(fd, "", dir_fd, name, AT_EMPTY_PATH) == 0) return 0;
    if (errno == EEXIST) return -1;
    char proc[64];
    std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    return ::linkat(AT_FDCWD, proc, dir_fd, name, AT_SYMLINK_FOLLOW);
}

/// Writes `text` as `target` with the writers' lock held (see write_keyring_file).
inline keyring_file_result write_locked(const keyring_target& target, const secure_vector<char>& text,
                                        keyring_write mode) {
    if (const keyring_file_result trusted = check_directories(target.dir, target.exists ? target.info.st_uid : ::geteuid());
        !trusted)
        return trusted;
    fd_closer dir{::open(target.dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
    if (dir.fd < 0) return keyring_io_error(errno);
    remove_stale_temps(target);

    // Linux: an anonymous file (O_TMPFILE) holds the secrets until it is complete,
    // so a crash before it is named leaves nothing. Elsewhere, or on a file system
    // without O_TMPFILE, a named temporary file that the next write removes.
    std::string temp;
    bool anonymous = true;
    fd_closer file{::open(target.dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, S_IRUSR | S_IWUSR)};
    if (file.fd < 0) {
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return keyring_io_error(errno);
        anonymous = false;
        for (int tries = 0; file.fd < 0 && tries < 16; ++tries) {
            temp = temp_name(target);
            file.fd = ::openat(dir.fd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                               S_IRUSR | S_IWUSR);
            if (file.fd < 0 && errno != EEXIST) return keyring_io_error(errno);
        }
        if (file.fd < 0) return keyring_io_error(EEXIST);
    }
    bool named = !anonymous; // a temporary name exists in the directory
    const auto give_up = [&](int os_errno) {
        if (named) (void)::unlinkat(dir.fd, temp.c_str(), 0);
        return keyring_io_error(os_errno);
    };
    // Keep the replaced file's mode (owner bits only: readers refuse others) and,
    // as root, its owner and group: the receiver's user must still read it.
    const mode_t keep = target.exists ? (target.info.st_mode & S_IRWXU) : (S_IRUSR | S_IWUSR);
    if (::fchmod(file.fd, keep) != 0) return give_up(errno);
    if (target.exists && (target.info.st_uid != ::geteuid() || target.info.st_gid != ::getegid())) {
        if (::fchown(file.fd, target.info.st_uid, target.info.st_gid) != 0) {
            if (::geteuid() == 0) return give_up(errno);
            (void)::fchown(file.fd, static_cast<uid_t>(-1), target.info.st_gid); // a group we belong to; else ours
        }
    }
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t put = ::write(file.fd, text.data() + done, text.size() - done);
        if (put < 0 && errno == EINTR) continue;
        if (put < 0) return give_up(errno);
        done += static_cast<std::size_t>(put);
    }
    if (::fsync(file.fd) != 0) return give_up(errno);

    if (mode == keyring_write::create_new) {
        const int linked = anonymous ? link_anonymous(file.fd, dir.fd, target.name.c_str())
                                     : ::linkat(dir.fd, temp.c_str(), dir.fd, target.name.c_str(), 0);
        if (linked != 0) return give_up(errno);
        if (named) (void)::unlinkat(dir.fd, temp.c_str(), 0);
        named = false;
    } else {
        if (anonymous) {
            // rename() cannot take an anonymous file: name it, then rename at once.
            // A crash between the two leaves a `.NAME.tmp.*` file the next write removes.
            int linked = -1;
            for (int tries = 0; linked != 0 && tries < 16; ++tries) {
                temp = temp_name(target);
                linked = link_anonymous(file.fd, dir.fd, temp.c_str());
                if (linked != 0 && errno != EEXIST) return give_up(errno);
            }
            if (linked != 0) return give_up(EEXIST);
            named = true;
        }
        if (::renameat(dir.fd, temp.c_str(), dir.fd, target.name.c_str()) != 0) return give_up(errno);
        named = false;
    }
    const int closed = ::close(file.fd);
    file.fd = -1;
    (void)closed; // the data was fsync'ed; a close error cannot lose it now

    fd_closer sync{::open(target.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (sync.fd < 0 || ::fsync(sync.fd) != 0) {
        keyring_file_result r = keyring_io_error(errno);
        r.error = errc::keyring_file_not_durable;
        return r;
    }
    return {};
}

/// Reads the keyring file at `path` (following links) after the trust checks;
/// `info` receives the file's status.
inline keyring_file_result read_keyring(const std::string& path, std::vector<key_entry>& out, struct stat& info) {
    char real[PATH_MAX];
    if (::realpath(path.c_str(), real) == nullptr) return keyring_io_error(errno);
    // O_NONBLOCK: a FIFO in its place must not hang the reader (refused as not a regular file).
    // O_NOFOLLOW: `real` has no links; one appearing meanwhile is refused (ELOOP).
    fd_closer file{::open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW)};
    if (file.fd < 0) return keyring_io_error(errno);
    if (::fstat(file.fd, &info) != 0) return keyring_io_error(errno);
    if (keyring_file_result trusted = check_keyring_trust(real, info); !trusted) return trusted;
    secure_vector<char> text(keyring_file_max_size + 1);
    std::size_t size = 0;
    while (size < text.size()) {
        const ssize_t got = ::read(file.fd, text.data() + size, text.size() - size);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return keyring_io_error(errno);
        if (got == 0) break;
        size += static_cast<std::size_t>(got);
    }
    return parse_keyring_text(std::string_view(text.data(), size), out);
}

/// std::errc::not_enough_memory as a keyring_file_result.
inline keyring_file_result keyring_out_of_memory() noexcept {
    keyring_file_result r;
    r.error = std::make_error_code(std::errc::not_enough_memory);
    return r;
}

} // namespace detail

/// Reads and parses a keyring file, following symbolic links. Refuses a
/// target that is not a regular file, whose mode grants anything to group or
/// others, or that fails the trust rules of the file comment (owner, and
/// every directory up to `/`).
/// @return errc::keyring_file_io (with os_error), errc::keyring_file_permissions,
///         errc::keyring_file_untrusted (with path and reason), or the errors
///         of parse_keyring_text (with the line). Reads into zeroizing memory;
///         never reports secret bytes.
[[nodiscard]] inline keyring_file_result read_keyring_file(const std::string& path, std::vector<key_entry>& out) noexcept {
    try {
        struct stat info {};
        return detail::read_keyring(path, out, info);
    } catch (const std::bad_alloc&) {
        return detail::keyring_out_of_memory();
    }
}

/// Writes entries (newest first) to `path` atomically, under the writers'
/// lock (`.NAME.lock` beside the target, waiting up to options.lock_wait).
/// A symbolic link is followed: its target is replaced in the target's
/// directory, keeping its mode and (as root) its owner and group; the link
/// stays. The directory chain must pass the trust rules (so the reader will
/// take the file). The new file is written as an anonymous O_TMPFILE file
/// (Linux; else a `.NAME.tmp.XXXXXX` file), fsync'ed, then renamed over the
/// target (or linked, for keyring_write::create_new, which never replaces),
/// then the directory is fsync'ed. Readers see the old file or the new one,
/// never a part; a crash leaves at most a `.NAME.tmp.*` file, which the next
/// write removes.
/// @return errc::keyring_file_io (with os_error; EEXIST for create_new over
///         an existing file or link), errc::keyring_file_untrusted,
///         errc::keyring_file_busy, errc::keyring_file_not_durable (the file
///         IS replaced; only the directory sync failed: see in_place()), or
///         the errors of format_keyring_text (before anything is written).
[[nodiscard]] inline keyring_file_result write_keyring_file(const std::string& path, const std::vector<key_entry>& entries,
                                                            keyring_write mode = keyring_write::replace,
                                                            const keyring_file_options& options = {}) noexcept {
    try {
        secure_vector<char> text;
        if (const std::error_code failed = format_keyring_text(entries, text)) {
            keyring_file_result r;
            r.error = failed;
            return r;
        }
        detail::keyring_target target;
        if (keyring_file_result resolved = detail::resolve_keyring_target(path, target); !resolved) return resolved;
        if (mode == keyring_write::create_new && target.exists) return detail::keyring_io_error(EEXIST);
        detail::keyring_lock lock;
        if (keyring_file_result locked = detail::lock_keyring(target, options.lock_wait, lock); !locked) return locked;
        return detail::write_locked(target, text, mode);
    } catch (const std::bad_alloc&) {
        return detail::keyring_out_of_memory();
    }
}

/// Changes an existing keyring file under the writers' lock, held across the
/// read, `change` and the write, so concurrent updates serialize and none is
/// lost. Reads the file as read_keyring_file does (through links, with the
/// trust checks), calls `change(entries)`, and writes the result as
/// write_keyring_file(replace) does (target replaced, owner/group/mode kept).
/// @param change `std::error_code(std::vector<key_entry>&)`, must not throw;
///        an error it returns is returned and nothing is written.
/// @return the errors of read_keyring_file, of `change` (nothing written), of
///         format_keyring_text (nothing written), or of write_keyring_file.
template <class Change>
[[nodiscard]] keyring_file_result update_keyring_file(const std::string& path, Change&& change,
                                                      const keyring_file_options& options = {}) noexcept {
    try {
        detail::keyring_target target;
        if (keyring_file_result resolved = detail::resolve_keyring_target(path, target); !resolved) return resolved;
        if (!target.exists) return detail::keyring_io_error(ENOENT);
        detail::keyring_lock lock;
        if (keyring_file_result locked = detail::lock_keyring(target, options.lock_wait, lock); !locked) return locked;
        std::vector<key_entry> entries;
        const std::string real = detail::join_path(target.dir, target.name);
        if (keyring_file_result read = detail::read_keyring(real, entries, target.info); !read) return read;
        keyring_file_result result;
        if (const std::error_code failed = change(entries)) {
            result.error = failed;
            return result;
        }
        secure_vector<char> text;
        if (const std::error_code failed = format_keyring_text(entries, text)) {
            result.error = failed;
            return result;
        }
        return detail::write_locked(target, text, keyring_write::replace);
    } catch (const std::bad_alloc&) {
        return detail::keyring_out_of_memory();
    }
}

/// Reads a keyring file into `ring` (replacing its keys; keys expired at the
/// ring's now are dropped). The ring is unchanged on error.
/// @return the errors of read_keyring_file, then of keyring::assign (line 0).
template <class Clock>
[[nodiscard]] keyring_file_result load_keyring(const std::string& path, keyring<Clock>& ring) noexcept {
    std::vector<key_entry> entries;
    keyring_file_result result = read_keyring_file(path, entries);
    if (result) result.error = ring.assign(entries);
    return result;
}

/// Writes `ring`'s keys to `path` (see write_keyring_file).
template <class Clock>
[[nodiscard]] keyring_file_result save_keyring(const std::string& path, const keyring<Clock>& ring,
                                               keyring_write mode = keyring_write::replace,
                                               const keyring_file_options& options = {}) noexcept {
    try {
        return write_keyring_file(path, ring.entries(), mode, options);
    } catch (const std::bad_alloc&) {
        return detail::keyring_out_of_memory();
    }
}

} // namespace hooksig
