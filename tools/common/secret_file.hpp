// hooksig — webhook signing and verification. MIT License.
//
// --secret-file, read the same way by the hooksig CLI and hooksig-receiver:
// a regular file others may read or write is refused, blank lines and a
// trailing CR are ignored, each secret keeps its line number for messages.
#pragma once

#include <sys/stat.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace hooksig_tools {

/// One secret of a --secret-file and the line it was on (1-based).
struct secret_line {
    std::size_t number = 0;
    std::string text;
};

/// Why `path` must not be read as a --secret-file, or an empty string: it
/// cannot be stat()ed, or it is a regular file readable or writable by others.
/// Never holds file contents.
inline std::string secret_file_refusal(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return "cannot be read (" + std::error_code(errno, std::generic_category()).message() + ")";
    if (S_ISREG(info.st_mode) && (info.st_mode & (S_IROTH | S_IWOTH)) != 0)
        return "readable or writable by others; chmod o-rwx it (mode 0600 or 0640)";
    return {};
}

/// The non-blank lines of a --secret-file's contents, trailing CR removed.
inline std::vector<secret_line> secret_file_lines(std::string_view data) {
    std::vector<secret_line> out;
    std::size_t number = 0;
    for (std::size_t pos = 0; pos < data.size();) {
        std::size_t end = data.find('\n', pos);
        if (end == std::string_view::npos) end = data.size();
        std::string_view line = data.substr(pos, end - pos);
        pos = end + 1;
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        out.push_back({number, std::string(line)});
    }
    return out;
}

} // namespace hooksig_tools
