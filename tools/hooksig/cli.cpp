// hooksig command-line tool: option parsing, input helpers, and main().
#include "cli.hpp"

#include <algorithm>
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
        if (flag.size() < 2 || flag.compare(0, 2, "--") != 0 || flag == "--") {
            if (positional_.size() >= max_positional) throw usage_error("unexpected argument '" + flag + "'");
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
            throw usage_error("unknown option '" + flag + "'");
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

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw usage_error("cannot read '" + path + "'");
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw usage_error("cannot read '" + path + "'");
    return data;
}

std::string read_stdin() {
    std::ios::sync_with_stdio(false);
    std::cin >> std::noskipws;
    std::ostringstream data;
    data << std::cin.rdbuf();
    return data.str();
}

std::string read_body(const options& opts) {
    return opts.has("--body-file") ? read_file(opts.one("--body-file")) : read_stdin();
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
        std::istringstream lines(read_file(path));
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
    std::fprintf(to, "\nexit codes: 0 success/valid, 1 invalid delivery, 2 usage error\n");
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
    std::fprintf(stderr, "hooksig: unknown command '%s'\n", args[0].c_str());
    print_usage(stderr);
    return exit_usage;
}
