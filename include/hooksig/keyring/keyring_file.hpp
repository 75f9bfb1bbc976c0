// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Keyring files: a plain-text format for a keyring's secrets and windows,
/// read with a permission check and written atomically with mode 0600 (POSIX).
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
/// - `kind`: `whsec` (secret is `whsec_` + base64, key = the decoded bytes) or
///   `text` (key = the secret's text itself: Stripe, GitHub, Slack, Shopify).
/// - `not_before`: Unix seconds (canonical decimal); the key is active from it.
/// - `not_after`: Unix seconds, the first second the key is dead, or `-` for
///   no end; must be greater than not_before.
/// - `secret`: the rest of the line, verbatim; bytes 0x20..0x7E only.
/// - No carriage returns, no trailing spaces other than a text secret's own,
///   no duplicate secrets, at most keyring_file_max_size bytes.

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
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

/// The outcome of reading or writing a keyring file. Never holds secret bytes.
struct keyring_file_result {
    std::error_code error;    ///< empty on success, else a hooksig::errc (or a secret's parse error)
    std::size_t line = 0;     ///< 1-based line of the problem; 0 when it is not about one line
    std::error_code os_error; ///< for errc::keyring_file_io: the operating system's reason

    /// True on success.
    explicit operator bool() const noexcept { return !error; }

    /// A one-line description, e.g. "line 3: invalid secret encoding". Allocates.
    std::string message() const {
        std::string text;
        if (line != 0) text = "line " + std::to_string(line) + ": ";
        text += error.message();
        if (os_error) text += " (" + os_error.message() + ")";
        return text;
    }
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
            if (kind == "whsec")
                parsed = secret::parse(secret_text, entry.key);
            else if (kind == "text")
                parsed = secret::from_text(secret_text, entry.key);
            else
                return fail(errc::keyring_file_malformed, number);
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

/// Formats entries (newest first) as keyring file text, in zeroizing memory.
/// @return errc::invalid_argument when an entry has an empty secret or window,
///         or a text secret holds bytes the format cannot store (outside
///         0x20..0x7E); std::errc::not_enough_memory.
[[nodiscard]] inline std::error_code format_keyring_text(const std::vector<key_entry>& entries,
                                                         secure_vector<char>& out) noexcept {
    try {
        secure_vector<char> text;
        const auto append = [&text](std::string_view s) { text.insert(text.end(), s.begin(), s.end()); };
        append(keyring_file_header);
        append("\n# key_id kind not_before not_after secret  (newest first; Unix seconds; active while\n"
               "# not_before <= now < not_after; '-' = no end). Keep this file mode 0600.\n");
        for (const key_entry& e : entries) {
            if (e.key.empty() || e.window.empty() || e.window.not_before < 0) return errc::invalid_argument;
            const exposed_secret shown = e.key.expose();
            if (shown.view().empty() || !is_visible_ascii(shown.view())) return errc::invalid_argument;
            append(e.key.key_id());
            append(e.key.key_kind() == secret::kind::whsec ? " whsec " : " text ");
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

} // namespace detail

/// Reads and parses a keyring file. Refuses a file that is not a regular file
/// or whose mode grants anything to group or others.
/// @return errc::keyring_file_io (with os_error), errc::keyring_file_permissions,
///         or the errors of parse_keyring_text (with the line). Reads into
///         zeroizing memory; never reports secret bytes.
[[nodiscard]] inline keyring_file_result read_keyring_file(const std::string& path, std::vector<key_entry>& out) noexcept {
    try {
        // O_NONBLOCK: a FIFO in its place must not hang the reader (refused below as not a regular file).
        detail::fd_closer file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
        if (file.fd < 0) return detail::keyring_io_error(errno);
        struct stat info {};
        if (::fstat(file.fd, &info) != 0) return detail::keyring_io_error(errno);
        if (!S_ISREG(info.st_mode)) return detail::keyring_io_error(EINVAL);
        if ((info.st_mode & 077) != 0) {
            keyring_file_result r;
            r.error = errc::keyring_file_permissions;
            return r;
        }
        secure_vector<char> text(keyring_file_max_size + 1);
        std::size_t size = 0;
        while (size < text.size()) {
            const ssize_t got = ::read(file.fd, text.data() + size, text.size() - size);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) return detail::keyring_io_error(errno);
            if (got == 0) break;
            size += static_cast<std::size_t>(got);
        }
        return parse_keyring_text(std::string_view(text.data(), size), out);
    } catch (const std::bad_alloc&) {
        keyring_file_result r;
        r.error = std::make_error_code(std::errc::not_enough_memory);
        return r;
    }
}

/// Writes entries (newest first) to `path` atomically: a temporary file in the
/// same directory (mode 0600), fsync, rename over `path` (or link, for
/// keyring_write::create_new, which never replaces an existing file), then
/// fsync of the directory. Readers see the old file or the new one, never a
/// part; no temporary file is left behind on success or failure.
/// @return errc::keyring_file_io (with os_error; EEXIST for create_new over an
///         existing file), or the errors of format_keyring_text.
[[nodiscard]] inline keyring_file_result write_keyring_file(const std::string& path, const std::vector<key_entry>& entries,
                                                            keyring_write mode = keyring_write::replace) noexcept {
    keyring_file_result result;
    try {
        secure_vector<char> text;
        if (const std::error_code failed = format_keyring_text(entries, text)) {
            result.error = failed;
            return result;
        }
        const std::size_t slash = path.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
        const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
        if (name.empty()) return detail::keyring_io_error(EISDIR);
        std::string temp = (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + "." + name + ".tmp.XXXXXX";

        detail::fd_closer file{::mkstemp(&temp[0])};
        if (file.fd < 0) return detail::keyring_io_error(errno);
        bool placed = false;
        const auto give_up = [&](int os_errno) {
            if (!placed) ::unlink(temp.c_str());
            return detail::keyring_io_error(os_errno);
        };
        if (::fchmod(file.fd, S_IRUSR | S_IWUSR) != 0) return give_up(errno);
        for (std::size_t done = 0; done < text.size();) {
            const ssize_t put = ::write(file.fd, text.data() + done, text.size() - done);
            if (put < 0 && errno == EINTR) continue;
            if (put < 0) return give_up(errno);
            done += static_cast<std::size_t>(put);
        }
        if (::fsync(file.fd) != 0) return give_up(errno);
        const int closed = ::close(file.fd);
        file.fd = -1;
        if (closed != 0) return give_up(errno);

        if (mode == keyring_write::create_new) {
            if (::link(temp.c_str(), path.c_str()) != 0) return give_up(errno);
            placed = true;
            ::unlink(temp.c_str());
        } else {
            if (::rename(temp.c_str(), path.c_str()) != 0) return give_up(errno);
            placed = true;
        }
        detail::fd_closer directory{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
        if (directory.fd < 0 || ::fsync(directory.fd) != 0) return detail::keyring_io_error(errno);
        return result;
    } catch (const std::bad_alloc&) {
        result.error = std::make_error_code(std::errc::not_enough_memory);
        return result;
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
                                               keyring_write mode = keyring_write::replace) noexcept {
    try {
        return write_keyring_file(path, ring.entries(), mode);
    } catch (const std::bad_alloc&) {
        keyring_file_result result;
        result.error = std::make_error_code(std::errc::not_enough_memory);
        return result;
    }
}

} // namespace hooksig
