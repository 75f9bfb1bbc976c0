// hooksig — webhook signing and verification. MIT License.
//
// Replays inputs through a fuzz target where libFuzzer is not linked (g++ or a
// default clang build): each argument is a file, or a directory whose regular
// files are replayed in name order. Arguments starting with '-' (libFuzzer
// flags) are ignored. Exits 0 after replaying at least one input; a property
// failure inside the target aborts the process. Exits 1 when an argument
// cannot be read or nothing was replayed, so an empty or missing corpus fails
// its ctest test instead of passing silently.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool replay_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
        return false;
    }
    const std::vector<char> content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Copy into an exactly-sized heap buffer so AddressSanitizer sees reads past the end.
    std::vector<std::uint8_t> data(content.begin(), content.end());
    LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (!arg.empty() && arg[0] == '-') continue;
        std::error_code ec;
        if (std::filesystem::is_directory(arg, ec)) {
            std::vector<std::filesystem::path> files;
            for (const auto& entry : std::filesystem::directory_iterator(arg, ec))
                if (entry.is_regular_file()) files.push_back(entry.path());
            if (ec) {
                std::fprintf(stderr, "replay: cannot list %s: %s\n", arg.c_str(), ec.message().c_str());
                return 1;
            }
            std::sort(files.begin(), files.end());
            for (const auto& file : files) {
                if (!replay_file(file)) return 1;
                ++replayed;
            }
        } else {
            if (!replay_file(arg)) return 1;
            ++replayed;
        }
    }
    std::printf("replayed %zu input%s\n", replayed, replayed == 1 ? "" : "s");
    return replayed == 0 ? 1 : 0;
}
