// Helpers shared by the unit tests: vector files and hex.
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace test_support {

/// Loads tests/vectors/<name> as JSON.
inline nlohmann::json load_vectors(const std::string& name) {
    std::ifstream in(std::string(HOOKSIG_VECTORS_DIR) + "/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open vector file " + name);
    return nlohmann::json::parse(in);
}

/// Decodes lower/upper-case hex to raw bytes (test data only).
inline std::string unhex(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

/// Lower-case hex of raw bytes.
inline std::string tohex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

} // namespace test_support
