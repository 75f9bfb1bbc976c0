// hooksig-receiver: the keys and the verification of one scheme, behind a
// virtual interface so the HTTP server is compiled once, not once per scheme.
#pragma once

#include "options.hpp"
#include "../common/secret_file.hpp"

#include <hooksig/hooksig.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace receiver {

/// Request headers as views into the HTTP parser's storage.
using header_views = std::vector<std::pair<std::string_view, std::string_view>>;

/// What verify() decided.
struct verdict {
    std::error_code error; ///< empty when the delivery verified
    std::string key_id;    ///< the matching key's id when it verified
};

/// The scheme-specific half of the receiver: keys, verification, replay ids.
/// Thread-safe: verifications run while reload() swaps keys.
class gate {
public:
    virtual ~gate() = default;
    /// The failure the headers alone decide (missing or malformed headers,
    /// stale timestamp, no usable key), or empty.
    virtual std::error_code early(const header_views& headers) const noexcept = 0;
    /// The final verdict over the whole body.
    virtual verdict verify(const header_views& headers, std::string_view body) const = 0;
    /// The replay id of a verified delivery (see hooksig::delivery_replay_id).
    virtual std::error_code replay_id(const header_views& headers, std::string_view body, std::string& out) const noexcept = 0;
    /// The id to log: message id, idempotency key or body hash prefix, sanitised;
    /// "-" when only the body could name it and `body` is null.
    virtual std::string log_id(const header_views& headers, const std::string* body) const = 0;
    /// Re-reads the key source; on failure keeps the current keys and returns why.
    virtual std::string reload() = 0;
    /// Key ids, newest first, comma-separated.
    virtual std::string key_ids() const = 0;
    /// Keys held.
    virtual std::size_t key_count() const noexcept = 0;
    /// Whether some key is active now (false: every delivery would fail).
    virtual bool usable_now() const = 0;
    /// The scheme's name.
    virtual std::string scheme_name() const = 0;
};

/// An untrusted header value made safe to log: visible ASCII only, at most 64 characters.
inline std::string loggable(std::string_view value) {
    std::string out;
    for (const char c : value.substr(0, 64)) out.push_back(c > 0x20 && c < 0x7F && c != '"' ? c : '?');
    if (value.size() > 64) out += "...";
    return out.empty() ? "-" : out;
}

/// The secrets of a --secret-file (tools/common/secret_file.hpp: the CLI's rules).
/// Returns an empty string or the reason (never a secret); the file's bytes are
/// wiped once split.
inline std::string read_secret_lines(const std::string& path, std::vector<hooksig_tools::secret_line>& out) {
    if (std::string refused = hooksig_tools::secret_file_refusal(path); !refused.empty())
        return "--secret-file: " + refused;
    std::ifstream in(path, std::ios::binary);
    if (!in) return "--secret-file: cannot be read";
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const bool bad = in.bad();
    if (!bad) out = hooksig_tools::secret_file_lines(data);
    hooksig::ct::wipe(data.data(), data.size());
    return bad ? "--secret-file: cannot be read" : std::string();
}

/// gate for one scheme type.
template <class Scheme>
class scheme_gate final : public gate {
public:
    /// Keys from `cfg` (keyring file, secret file or HOOKSIG_SECRET); call reload() to load them.
    scheme_gate(const config& cfg, const Scheme& scheme)
        : cfg_(cfg), scheme_(scheme), verifier_(ring_, policy(cfg), scheme_) {}

    std::error_code early(const header_views& headers) const noexcept override {
        const hooksig::verification v = verifier_.begin(headers);
        return v.error();
    }

    verdict verify(const header_views& headers, std::string_view body) const override {
        const hooksig::keyring_verify_result r = verifier_.verify(headers, body);
        verdict out;
        out.error = r.error;
        if (!r.error) out.key_id = std::string(r.key_id());
        return out;
    }

    std::error_code replay_id(const header_views& headers, std::string_view body, std::string& out) const noexcept override {
        return hooksig::delivery_replay_id(scheme_, headers, body, out);
    }

    std::string log_id(const header_views& headers, const std::string* body) const override {
        if (scheme_.signs_id()) {
            hooksig::delivery d;
            if (!scheme_.parse(headers, d)) return loggable(d.id);
            static constexpr std::string_view names[] = {"webhook-id", "svix-id"};
            const auto found = hooksig::find_headers(headers, names);
            return loggable(found.count[0] ? found.value(0) : found.value(1));
        }
        if (const std::string_view key = hooksig::find_idempotency_key(headers); !key.empty()) return loggable(key);
        if (body == nullptr) return "-";
        return "body:" + hooksig::body_sha256_hex(*body).substr(0, 16);
    }

    std::string reload() override {
        std::vector<hooksig::key_entry> entries;
        if (std::string failed = read_keys(entries); !failed.empty()) return failed;
        const hooksig::unix_seconds now = ring_.clock().now();
        bool active = false;
        for (const hooksig::key_entry& e : entries) active = active || e.window.contains(now);
        if (entries.empty()) return "no key usable by scheme " + scheme_name() + " (the source holds no key)";
        if (!active)
            return "no key usable by scheme " + scheme_name() + " now (" + std::to_string(entries.size()) +
                   " keys, none active at " + std::to_string(now) + ")";
        if (const std::error_code failed = ring_.assign(entries)) return failed.message();
        return {};
    }

    std::string key_ids() const override {
        std::string ids;
        for (const hooksig::key_entry& e : ring_.entries()) ids += (ids.empty() ? "" : ",") + e.key.key_id();
        return ids;
    }

    std::size_t key_count() const noexcept override { return ring_.size(); }

    bool usable_now() const override {
        const hooksig::unix_seconds now = ring_.clock().now();
        for (const hooksig::key_entry& e : ring_.entries())
            if (e.window.contains(now)) return true;
        return false;
    }

    std::string scheme_name() const override { return std::string(scheme_.name()); }

private:
    /// The verification policy of the command line.
    static hooksig::verify_options policy(const config& cfg) {
        hooksig::verify_options p;
        p.tolerance = std::chrono::seconds(cfg.tolerance);
        return p;
    }

    /// Checks that `text` is a secret of this scheme's kind; the reason otherwise.
    std::string scheme_secret(std::string_view text, const std::string& where, hooksig::secret& out) const {
        if (const std::error_code bad = scheme_.make_secret(text, out)) return where + ": " + bad.message();
        return {};
    }

    /// Reads every key from the configured source, each checked against the
    /// scheme (the kind its MAC is keyed with). Returns the reason on failure.
    std::string read_keys(std::vector<hooksig::key_entry>& entries) const {
        if (!cfg_.keyring_path.empty()) {
            if (const hooksig::keyring_file_result read = hooksig::read_keyring_file(cfg_.keyring_path, entries); !read)
                return read.message();
            for (const hooksig::key_entry& e : entries) {
                hooksig::secret as_scheme;
                const hooksig::exposed_secret text = e.key.expose();
                if (scheme_.make_secret(text.view(), as_scheme) || as_scheme.key_kind() != e.key.key_kind())
                    return "key " + e.key.key_id() + " is not a " + scheme_name() + " secret (wrong kind)";
            }
            return {};
        }
        if (!cfg_.secret_file.empty()) {
            std::vector<hooksig_tools::secret_line> lines;
            if (std::string failed = read_secret_lines(cfg_.secret_file, lines); !failed.empty()) return failed;
            std::string failed;
            for (const auto& [number, text] : lines) {
                hooksig::secret s;
                failed = scheme_secret(text, "--secret-file line " + std::to_string(number), s);
                if (!failed.empty()) break;
                entries.push_back({std::move(s), {}});
            }
            for (auto& line : lines) hooksig::ct::wipe(line.text.data(), line.text.size());
            return failed;
        }
        const char* env = std::getenv("HOOKSIG_SECRET");
        if (env == nullptr || *env == '\0') return "HOOKSIG_SECRET is empty";
        hooksig::secret s;
        if (std::string failed = scheme_secret(env, "HOOKSIG_SECRET", s); !failed.empty()) return failed;
        entries.push_back({std::move(s), {}});
        return {};
    }

    const config& cfg_;
    Scheme scheme_;
    hooksig::keyring<> ring_;
    hooksig::keyring_verifier<Scheme> verifier_;
};

} // namespace receiver
