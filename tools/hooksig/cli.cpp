// hooksig command-line tool: option parsing, input helpers, and main().
#include "cli.hpp"
#include "../common/secret_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace hooksig::cli {

options::options(const std::vector<std::string>& args, const std::vector<std::string>& valued,
                 const std::vector<std::string>& switches, std::size_t max_positional) {
    const auto is = [](const std::vector<std::string>& list, const std::string& f) {
        return std::find(list.begin(), list.end(), f) != list.end();
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i];
        if (flag == "--help" || flag == "-h") throw help_request("");
        if (flag.size() < 2 || flag.compare(0, 2, "--") != 0 || flag == "--") {
            if (positional_.size() >= max_positional)
                throw usage_error("unexpected argument #" + std::to_string(i + 1) + " " + printable_argument(flag));
            positional_.push_back(flag);
            continue;
        }
        std::string value;
        bool inline_value = false;
        if (const auto eq = flag.find('='); eq != std::string::npos) {
            value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
            inline_value = true;
        }
        if (is(switches, flag)) {
            if (inline_value) throw usage_error(flag + " takes no value");
            values_[flag].emplace_back();
        } else if (is(valued, flag)) {
            if (!inline_value) {
                if (i + 1 >= args.size()) throw usage_error(flag + " needs a value");
                value = args[++i];
            }
            values_[flag].push_back(value);
        } else {
            // Print only the flag's name: a mistyped flag may be followed by a secret.
            throw usage_error("unknown option #" + std::to_string(i + 1) + " " + printable_argument(flag));
        }
    }
}

const std::vector<std::string>& options::all(const std::string& flag) const {
    static const std::vector<std::string> none;
    const auto found = values_.find(flag);
    return found == values_.end() ? none : found->second;
}

std::string options::one(const std::string& flag, const std::string& fallback) const {
    const auto& values = all(flag);
    if (values.empty()) return fallback;
    if (values.size() > 1) throw usage_error(flag + " given more than once");
    return values.front();
}

bool looks_like_secret(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* prefix : {"whsec_", "whsk_", "whpk_"})
        if (lower.find(prefix) != std::string::npos) return true;
    // A keyring file line: 12 hex digits, a space, a kind.
    if (text.size() > 18 && text.substr(0, 12).find_first_not_of("0123456789abcdef") == std::string_view::npos &&
        (text.substr(12, 7) == " whsec " || text.substr(12, 6) == " text " || text.substr(12, 6) == " whsk " ||
         text.substr(12, 6) == " whpk "))
        return true;
    // Long base64 (standard or URL alphabet) or hex: a run of 16 or more, mixing
    // letters with digits or both cases (a lower-case path like /srv/app/keys is not).
    std::size_t run = 0;
    bool upper = false, lower_case = false, digit = false;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        const unsigned char c = i < text.size() ? static_cast<unsigned char>(text[i]) : 0;
        if (std::isalnum(c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_') {
            ++run;
            upper = upper || std::isupper(c);
            lower_case = lower_case || std::islower(c);
            digit = digit || std::isdigit(c);
            continue;
        }
        if (run >= 16 && ((upper && lower_case) || (digit && (upper || lower_case)))) return true;
        run = 0;
        upper = lower_case = digit = false;
    }
    return false;
}

std::string printable_argument(std::string_view text) {
    if (looks_like_secret(text)) return "(not shown: it looks like a secret)";
    std::string out = "'";
    for (const char c : text) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
    return out + "'";
}

std::string read_file(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw usage_error(what + " " + printable_argument(path) + ": cannot be read");
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw usage_error(what + " " + printable_argument(path) + ": cannot be read");
    return data;
}

namespace {
/// The lines of a --secret-file: `-` is standard input; otherwise the rules of
/// tools/common/secret_file.hpp (a regular file others may read or write is refused).
std::vector<secret_text> read_secret_file(const std::string& path) {
    std::string data;
    if (path == "-") {
        data = read_stdin();
    } else {
        if (const std::string refused = hooksig_tools::secret_file_refusal(path); !refused.empty())
            throw usage_error("--secret-file " + printable_argument(path) + ": " + refused);
        data = read_file(path, "--secret-file");
    }
    std::vector<secret_text> out;
    for (hooksig_tools::secret_line& line : hooksig_tools::secret_file_lines(data))
        out.push_back({"--secret-file line " + std::to_string(line.number), std::move(line.text)});
    hooksig::ct::wipe(data.data(), data.size());
    if (out.empty()) throw usage_error("--secret-file " + printable_argument(path) + ": holds no secret");
    return out;
}
} // namespace

bool has_secret_source(const options& opts) {
    const char* env = std::getenv("HOOKSIG_SECRET");
    return opts.has("--secret") || opts.has("--secret-file") || (env != nullptr && *env != '\0');
}

std::vector<secret_text> secret_texts(const options& opts, bool body_on_stdin) {
    std::vector<secret_text> out;
    std::size_t position = 0;
    for (const std::string& text : opts.all("--secret")) out.push_back({"--secret #" + std::to_string(++position), text});
    if (opts.has("--secret-file")) {
        const bool body_is_stdin = !opts.has("--body-file") || opts.one("--body-file") == "-";
        if (opts.one("--secret-file") == "-" && body_on_stdin && body_is_stdin && !opts.has("--event"))
            throw usage_error("--secret-file - reads standard input: give the body with --body-file");
        for (secret_text& s : read_secret_file(opts.one("--secret-file"))) out.push_back(std::move(s));
    }
    if (out.empty())
        if (const char* env = std::getenv("HOOKSIG_SECRET"); env != nullptr && *env != '\0')
            out.push_back({"HOOKSIG_SECRET", env});
    return out;
}

std::string read_stdin() {
    std::ios::sync_with_stdio(false);
    std::cin >> std::noskipws;
    std::ostringstream data;
    data << std::cin.rdbuf();
    return data.str();
}

std::string read_body(const options& opts) {
    const bool from_stdin = !opts.has("--body-file") || opts.one("--body-file") == "-";
    return from_stdin ? read_stdin() : read_file(opts.one("--body-file"), "--body-file");
}

void stream_body(const options& opts, const std::function<void(std::string_view)>& piece) {
    const bool from_stdin = !opts.has("--body-file") || opts.one("--body-file") == "-";
    std::FILE* in = from_stdin ? stdin : std::fopen(opts.one("--body-file").c_str(), "rb");
    if (in == nullptr) throw usage_error("--body-file " + printable_argument(opts.one("--body-file")) + ": cannot be read");
    std::vector<char> buffer(64 * 1024);
    std::size_t got = 0;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), in)) != 0) piece(std::string_view(buffer.data(), got));
    const bool failed = std::ferror(in) != 0;
    if (!from_stdin) std::fclose(in);
    if (failed) throw usage_error("the body cannot be read");
}

unix_seconds parse_seconds(const std::string& flag, const std::string& text) {
    unix_seconds value = 0;
    if (parse_timestamp(text, value)) throw usage_error(flag + " needs whole seconds (digits only)");
    return value;
}

std::pair<std::string, std::string> parse_header_line(const std::string& line) {
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) throw usage_error("a header needs the form 'Name: value'");
    const auto trim = [](std::string s) {
        const char* space = " \t\r\n";
        const auto first = s.find_first_not_of(space);
        if (first == std::string::npos) return std::string();
        return s.substr(first, s.find_last_not_of(space) - first + 1);
    };
    std::string name = trim(line.substr(0, colon));
    if (name.empty() || name.find_first_of(" \t") != std::string::npos)
        throw usage_error("a header needs the form 'Name: value'");
    return {name, trim(line.substr(colon + 1))};
}

std::vector<std::pair<std::string, std::string>> read_headers(const options& opts) {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const std::string& path : opts.all("--headers-file")) {
        std::istringstream lines(read_file(path, "--headers-file"));
        for (std::string line; std::getline(lines, line);) {
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            headers.push_back(parse_header_line(line));
        }
    }
    for (const std::string& line : opts.all("--header")) headers.push_back(parse_header_line(line));
    return headers;
}

std::vector<command>& commands() {
    static std::vector<command> all;
    return all;
}

} // namespace hooksig::cli

namespace {
void print_usage(std::FILE* to) {
    std::fprintf(to, "hooksig %s — sign and verify webhooks\n\nusage:\n", HOOKSIG_VERSION_STRING);
    auto sorted = hooksig::cli::commands();
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    for (const auto& c : sorted) std::fprintf(to, "  hooksig %s\n", c.usage.c_str());
    std::fprintf(to, "\nsecrets: --secret-file F (one a line; - = stdin) or the environment variable HOOKSIG_SECRET;\n"
                     "  --secret S works too but shows the secret to every local user (ps, /proc)\n"
                     "keys: whsec_ (HMAC, v1), whsk_ (Ed25519 secret key: signs v1a) and whpk_ (its public key:\n"
                     "  verifies v1a); `hooksig keypair` makes a pair, `keyring public` a receiver's keyring\n"
                     "exit codes: 0 success/valid, 1 invalid delivery, 2 usage error (nothing written),\n"
                     "  3 keyring written but not confirmed durable (directory sync failed; the secret is printed)\n"
                     "hooksig COMMAND --help prints that command's usage\n");
}
} // namespace

int main(int argc, char** argv) {
    using namespace hooksig::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        print_usage(stderr);
        return exit_usage;
    }
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_usage(stdout);
        return exit_valid;
    }
    if (args[0] == "--version") {
        std::printf("hooksig %s\n", HOOKSIG_VERSION_STRING);
        return exit_valid;
    }
    for (const auto& c : commands()) {
        if (c.name != args[0]) continue;
        try {
            return c.run(std::vector<std::string>(args.begin() + 1, args.end()));
        } catch (const help_request& h) {
            std::printf("usage: hooksig %s\n", *h.what() != '\0' ? h.what() : c.usage.c_str());
            return std::fflush(stdout) == 0 ? exit_valid : exit_usage;
        } catch (const usage_error& e) {
            std::fprintf(stderr, "hooksig %s: %s\nusage: hooksig %s\n", c.name.c_str(), e.what(), c.usage.c_str());
            return exit_usage;
        } catch (const hooksig::error& e) {
            std::fprintf(stderr, "hooksig %s: %s\n", c.name.c_str(), e.code().message().c_str());
            return exit_usage;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "hooksig %s: %s\n", c.name.c_str(), e.what());
            return exit_usage;
        }
    }
    std::fprintf(stderr, "hooksig: unknown command %s\n", printable_argument(args[0]).c_str());
    print_usage(stderr);
    return exit_usage;
}
