// hooksig — webhook signing and verification. MIT License.
//
// Ed25519 (Standard Webhooks `v1a`) against its floor: libsodium's
// crypto_sign_verify_detached of the same contiguous signed content, key
// prepared once (floor_sodium.cpp, its own translation unit: <sodium.h> and
// Botan's libsodium-compatible header cannot share one). Built twice: into
// hooksig_bench with the build's Ed25519 backend, and into
// hooksig_bench_ed25519_botan with Botan's, whose names end in `_botan`, so
// both backends' ratios come from one machine (bench/README.md).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <hooksig/schemes/standard_webhooks.hpp>
#include <hooksig/signer.hpp>
#include <hooksig/verifier.hpp>

#include "bench_support.hpp"
#include "floor_sodium.hpp"

namespace {

using hooksig_bench::alloc_scope;
using hooksig_bench::fixed_id;
using hooksig_bench::fixed_now;
using hooksig_bench::headers_t;
using hooksig_bench::make_body;
using hooksig_bench::run_verify;

// RFC 8032 test 1's seed: fixed so runs are reproducible.
const char* const fixed_whsk = "whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
const char* const fixed_whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

headers_t signed_headers(const std::string& body, const std::vector<hooksig::secret>& keys) {
    const hooksig::signer<hooksig::standard_webhooks> signer(keys);
    hooksig::sign_options options;
    options.id = std::string(fixed_id);
    options.timestamp = fixed_now;
    headers_t headers = {{"Host", "hooks.example.com"}, {"Content-Type", "application/json"}};
    for (const hooksig::header& h : signer.sign(body, options)) headers.emplace_back(h.name, h.value);
    return headers;
}

void BM_floor_ed25519_verify(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const std::string content = std::string(fixed_id) + "." + std::to_string(fixed_now) + "." + body;
    const hooksig::secret key = hooksig::secret::parse(fixed_whsk);
    std::uint8_t signature[64];
    hooksig_bench::floor_sign(signature, content, key.key_data());
    const std::uint8_t* public_key = key.key_data() + 32;
    if (!hooksig_bench::floor_verify(signature, content, public_key)) {
        state.SkipWithError("floor signature does not verify");
        return;
    }
    alloc_scope allocs(state);
    for (auto _ : state) {
        bool ok = hooksig_bench::floor_verify(signature, content, public_key);
        benchmark::DoNotOptimize(ok);
    }
}

// A v1a delivery verified by a verifier holding the key's whpk_.
void BM_verify_v1a(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const hooksig::secret key = hooksig::secret::parse(fixed_whsk);
    const headers_t headers = signed_headers(body, {key});
    const hooksig::verifier<hooksig::standard_webhooks> verifier({key.public_key()});
    run_verify(state, verifier, headers, body, 0);
}

// Signing one v1a delivery (headers formatted: allocates, as every signer does).
void BM_sign_v1a(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const hooksig::signer<hooksig::standard_webhooks> signer({hooksig::secret::parse(fixed_whsk)});
    hooksig::sign_options options;
    options.id = std::string(fixed_id);
    options.timestamp = fixed_now;
    alloc_scope allocs(state);
    for (auto _ : state) {
        std::vector<hooksig::header> out;
        const std::error_code failed = signer.sign(body, options, out);
        benchmark::DoNotOptimize(failed);
        benchmark::DoNotOptimize(out);
    }
}

// A header with a v1 entry (another secret's) and a v1a entry; the verifier
// holds a whsec_ (not the signer's) and the whpk_, which matches.
void BM_verify_mixed(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const hooksig::secret key = hooksig::secret::parse(fixed_whsk);
    const headers_t headers = signed_headers(body, {hooksig::secret::generate(), key});
    const hooksig::verifier<hooksig::standard_webhooks> verifier(
        {hooksig::secret::parse(fixed_whsec), key.public_key()});
    run_verify(state, verifier, headers, body, 1);
}

// A v1 delivery verified by a verifier that also holds an Ed25519 key: the
// HMAC path, which must stay allocation-free.
void BM_verify_v1_with_ed25519_keys(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const hooksig::secret mac = hooksig::secret::parse(fixed_whsec);
    const headers_t headers = signed_headers(body, {mac});
    const hooksig::verifier<hooksig::standard_webhooks> verifier(
        {mac, hooksig::secret::parse(fixed_whsk).public_key()});
    run_verify(state, verifier, headers, body, 0);
}

void body_sizes(benchmark::internal::Benchmark* b) { b->Arg(64)->Arg(1024)->Arg(16384)->Arg(1048576); }

#ifndef HOOKSIG_BENCH_SUFFIX
#define HOOKSIG_BENCH_SUFFIX ""
#endif

// Registered by name so the Botan-backend binary's names carry its suffix.
const bool registered = [] {
    const std::string suffix = HOOKSIG_BENCH_SUFFIX;
    benchmark::RegisterBenchmark("BM_floor_ed25519_verify", BM_floor_ed25519_verify)->Apply(body_sizes);
    benchmark::RegisterBenchmark(("BM_verify_v1a" + suffix).c_str(), BM_verify_v1a)->Apply(body_sizes);
    benchmark::RegisterBenchmark(("BM_sign_v1a" + suffix).c_str(), BM_sign_v1a)->Apply(body_sizes);
    benchmark::RegisterBenchmark(("BM_verify_mixed" + suffix).c_str(), BM_verify_mixed)->Apply(body_sizes);
    benchmark::RegisterBenchmark(("BM_verify_v1_with_ed25519_keys" + suffix).c_str(), BM_verify_v1_with_ed25519_keys)
        ->Apply(body_sizes);
    return true;
}();

} // namespace

#ifdef HOOKSIG_BENCH_OWN_MAIN
int main(int argc, char** argv) {
    benchmark::AddCustomContext("ed25519_backend", hooksig::detail::platform::ed25519_backend());
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
#endif
