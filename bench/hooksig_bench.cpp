// hooksig — webhook signing and verification. MIT License.
//
// Benchmarks of the verification hot path against its floor: the SHA-256 of the
// signed content (`id.timestamp.body`) with Botan, which no HMAC can beat by
// more than one compression. Every benchmark runs at body sizes 64 B, 1 KiB,
// 16 KiB and 1 MiB, reports bytes processed (the body's size, so throughputs
// compare across benchmarks) and `allocs_per_op` (heap allocations per
// iteration, counted by alloc_counter.cpp). See bench/README.md.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <botan/hash.h>
#include <botan/mac.h>
#include <botan/version.h>

#include <hooksig/keyring/keyring.hpp>
#include <hooksig/schemes/github.hpp>
#include <hooksig/schemes/paddle.hpp>
#include <hooksig/schemes/raw.hpp>
#include <hooksig/schemes/shopify.hpp>
#include <hooksig/schemes/slack.hpp>
#include <hooksig/schemes/square.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>
#include <hooksig/schemes/stripe.hpp>
#include <hooksig/signer.hpp>
#include <hooksig/verifier.hpp>

#include "alloc_counter.hpp"
#include "bench_support.hpp"

namespace {

using hooksig_bench::alloc_scope;
using hooksig_bench::fixed_id;
using hooksig_bench::fixed_now;
using hooksig_bench::headers_t;
using hooksig_bench::make_body;
using hooksig_bench::run_verify;

/// Three distinct fixed `whsec_` secrets (values do not affect timing; fixed so
/// runs are reproducible).
hooksig::secret secret_number(int n) {
    static const char* const texts[] = {
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_dGhpcyBpcyB0aGUgc2Vjb25kIGtleSBvZiB0aHJlZQ==",
        "whsec_YW5kIHRoaXMgb25lIGlzIHRoZSB0aGlyZCBrZXkhIQ==",
    };
    return hooksig::secret::parse(texts[n]);
}

/// The headers an HTTP server hands the receiver: the scheme's signed headers
/// plus a few ordinary ones, so header lookup does realistic work.
headers_t receiver_headers(const std::vector<hooksig::header>& signed_headers, std::size_t body_size) {
    headers_t headers = {{"Host", "hooks.example.com"},
                         {"User-Agent", "Svix-Webhooks/1.20"},
                         {"Content-Type", "application/json"},
                         {"Content-Length", std::to_string(body_size)}};
    for (const hooksig::header& h : signed_headers) headers.emplace_back(h.name, h.value);
    return headers;
}

/// Headers of a Standard Webhooks delivery of `body` signed with `secrets` (one
/// signature per secret), at fixed id and time.
headers_t standard_delivery(const std::string& body, std::vector<hooksig::secret> secrets) {
    const hooksig::signer<hooksig::standard_webhooks> signer(secrets);
    hooksig::sign_options options;
    options.id = std::string(fixed_id);
    options.timestamp = fixed_now;
    return receiver_headers(signer.sign(body, options), body.size());
}

// --- floor and reference ----------------------------------------------------

void BM_floor_sha256(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const std::string content = std::string(fixed_id) + "." + std::to_string(fixed_now) + "." + body;
    const std::unique_ptr<Botan::HashFunction> sha256 = Botan::HashFunction::create_or_throw("SHA-256");
    std::uint8_t digest[32];
    alloc_scope allocs(state);
    for (auto _ : state) {
        sha256->update(reinterpret_cast<const std::uint8_t*>(content.data()), content.size());
        sha256->final(digest);
        benchmark::DoNotOptimize(digest);
        benchmark::ClobberMemory();
    }
}

void BM_botan_hmac(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const std::string content = std::string(fixed_id) + "." + std::to_string(fixed_now) + "." + body;
    const hooksig::secret key = secret_number(0);
    const std::unique_ptr<Botan::MessageAuthenticationCode> hmac =
        Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    hmac->set_key(key.key_data(), key.key_size());
    std::uint8_t tag[32];
    alloc_scope allocs(state);
    for (auto _ : state) {
        hmac->update(reinterpret_cast<const std::uint8_t*>(content.data()), content.size());
        hmac->final(tag);
        benchmark::DoNotOptimize(tag);
        benchmark::ClobberMemory();
    }
}

// --- Standard Webhooks --------------------------------------------------------

void BM_verify_standard(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const headers_t headers = standard_delivery(body, {secret_number(0)});
    const hooksig::verifier<hooksig::standard_webhooks> verifier({secret_number(0)});
    run_verify(state, verifier, headers, body, 0);
}

// The same verification with the portable compression function forced: what
// CPUs without SHA instructions (and valgrind) run.
void BM_verify_standard_portable(benchmark::State& state) {
    using hooksig::detail::sha256_backend;
    hooksig::detail::set_sha256_backend(sha256_backend::portable);
    BM_verify_standard(state);
    hooksig::detail::set_sha256_backend(sha256_backend::undecided);
}

// The SHA-256 floor through the portable compression function (hooksig's
// engine, no HMAC): the floor BM_verify_standard_portable is compared with.
void BM_floor_sha256_portable(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const std::string content = std::string(fixed_id) + "." + std::to_string(fixed_now) + "." + body;
    hooksig::detail::set_sha256_backend(hooksig::detail::sha256_backend::portable);
    std::uint8_t digest[32];
    {
        alloc_scope allocs(state);
        for (auto _ : state) {
            hooksig::detail::sha256_engine engine;
            engine.update(content);
            engine.finish(digest);
            benchmark::DoNotOptimize(digest);
            benchmark::ClobberMemory();
        }
    }
    hooksig::detail::set_sha256_backend(hooksig::detail::sha256_backend::undecided);
}

void BM_sign_standard(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const hooksig::signer<hooksig::standard_webhooks> signer({secret_number(0)});
    hooksig::sign_options options;
    options.id = std::string(fixed_id);
    options.timestamp = fixed_now;
    std::vector<hooksig::header> out;
    alloc_scope allocs(state);
    for (auto _ : state) {
        const std::error_code failed = signer.sign(body, options, out);
        benchmark::DoNotOptimize(failed);
        benchmark::DoNotOptimize(out.data());
    }
}

// Rotation's grace period, through a keyring: the receiver's ring holds key 0
// (newest, tried first) and key 1 (older, in its grace period), both active.
const hooksig::keyring<hooksig::fixed_clock>& rotation_ring() {
    static hooksig::keyring<hooksig::fixed_clock> ring(hooksig::fixed_clock{fixed_now - 7200});
    static const bool filled = [] {
        hooksig::detail::throw_if(ring.rotate(secret_number(1), std::chrono::seconds(0)));
        ring.clock().at = fixed_now - 600;
        hooksig::detail::throw_if(ring.rotate(secret_number(0), std::chrono::hours(24)));
        ring.clock().at = fixed_now;
        return true;
    }();
    (void)filled;
    return ring;
}

// Worst case: the delivery carries signatures by keys {2, 1} (the sender has
// moved to a key this receiver lacks and still signs with the old one), so key
// 0's MAC matches nothing and key 1's matches the second entry: two MACs.
void BM_verify_rotation(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const headers_t headers = standard_delivery(body, {secret_number(2), secret_number(1)});
    const hooksig::keyring_verifier<hooksig::standard_webhooks, hooksig::fixed_clock> verifier(rotation_ring());
    run_verify(state, verifier, headers, body, 1);
}

// Best case: signatures by {0, 1} (the sender signs with both during the grace
// period); key 0's MAC matches the first entry. One MAC, two decoded entries.
void BM_verify_rotation_first_match(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const headers_t headers = standard_delivery(body, {secret_number(0), secret_number(1)});
    const hooksig::keyring_verifier<hooksig::standard_webhooks, hooksig::fixed_clock> verifier(rotation_ring());
    run_verify(state, verifier, headers, body, 0);
}

// One ring verified from several threads at once (->Threads(n)): what a
// receiver's worker pool does. Reported per verification and as verifications
// per second over all threads; the ring's readers share no written cache line,
// so throughput should grow with the threads (this machine has 2 cores).
void BM_verify_keyring_shared(benchmark::State& state) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    const headers_t headers = standard_delivery(body, {secret_number(0), secret_number(1)});
    const hooksig::keyring_verifier<hooksig::standard_webhooks, hooksig::fixed_clock> verifier(rotation_ring());
    for (auto _ : state) {
        auto result = verifier.verify(headers, body, fixed_now);
        benchmark::DoNotOptimize(result);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// --- the providers' schemes -----------------------------------------------------

// One verification of a delivery signed by hooksig's signer for Scheme, under a
// text secret (whsec_-prefixed as Stripe issues them; the others take any text).
// Schemes without a default constructor (Square: the notification URL) pass one.
template <class Scheme>
void verify_scheme(benchmark::State& state, const Scheme& scheme = {}) {
    const std::string body = make_body(static_cast<std::size_t>(state.range(0)));
    hooksig::secret key;
    hooksig::detail::throw_if(scheme.make_secret("whsec_bench_text_secret_0123456789abcdef", key));
    const hooksig::signer<Scheme> signer({key}, scheme);
    hooksig::sign_options options;
    options.id = std::string(fixed_id);
    options.timestamp = fixed_now;
    const headers_t headers = receiver_headers(signer.sign(body, options), body.size());
    const hooksig::verifier<Scheme> verifier({key}, {}, scheme);
    run_verify(state, verifier, headers, body, 0);
}

void BM_verify_stripe(benchmark::State& state) { verify_scheme<hooksig::stripe>(state); }
void BM_verify_github(benchmark::State& state) { verify_scheme<hooksig::github>(state); }
void BM_verify_slack(benchmark::State& state) { verify_scheme<hooksig::slack>(state); }
void BM_verify_shopify(benchmark::State& state) { verify_scheme<hooksig::shopify>(state); }
void BM_verify_raw_hex(benchmark::State& state) { verify_scheme<hooksig::raw_hex>(state); }
void BM_verify_raw_base64(benchmark::State& state) { verify_scheme<hooksig::raw_base64>(state); }
void BM_verify_paddle(benchmark::State& state) { verify_scheme<hooksig::paddle>(state); }
void BM_verify_square(benchmark::State& state) {
    verify_scheme(state, hooksig::square("https://hooks.example.com/square/notifications"));
}

void body_sizes(benchmark::internal::Benchmark* b) { b->Arg(64)->Arg(1024)->Arg(16384)->Arg(1048576); }

} // namespace

BENCHMARK(BM_floor_sha256)->Apply(body_sizes);
BENCHMARK(BM_botan_hmac)->Apply(body_sizes);
BENCHMARK(BM_verify_standard)->Apply(body_sizes);
BENCHMARK(BM_floor_sha256_portable)->Apply(body_sizes);
BENCHMARK(BM_verify_standard_portable)->Apply(body_sizes);
BENCHMARK(BM_sign_standard)->Apply(body_sizes);
BENCHMARK(BM_verify_rotation)->Apply(body_sizes);
BENCHMARK(BM_verify_rotation_first_match)->Apply(body_sizes);
BENCHMARK(BM_verify_keyring_shared)->Arg(64)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_verify_stripe)->Apply(body_sizes);
BENCHMARK(BM_verify_github)->Apply(body_sizes);
BENCHMARK(BM_verify_slack)->Apply(body_sizes);
BENCHMARK(BM_verify_shopify)->Apply(body_sizes);
BENCHMARK(BM_verify_raw_hex)->Apply(body_sizes);
BENCHMARK(BM_verify_raw_base64)->Apply(body_sizes);
BENCHMARK(BM_verify_paddle)->Apply(body_sizes);
BENCHMARK(BM_verify_square)->Apply(body_sizes);

namespace {

/// The CPU model as /proc/cpuinfo names it (Linux), or "unknown".
std::string cpu_model() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.rfind("model name", 0) != 0) continue;
        const std::size_t colon = line.find(':');
        if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
    }
    return "unknown";
}

} // namespace

// BENCHMARK_MAIN plus the facts a results table needs (they land in the JSON
// output's "context", where bench/report.py reads them).
int main(int argc, char** argv) {
    benchmark::AddCustomContext("cpu_model", cpu_model());
#if defined(__clang__)
    benchmark::AddCustomContext("compiler", std::string("clang++ ") + __clang_version__);
#elif defined(__GNUC__)
    benchmark::AddCustomContext("compiler", std::string("g++ ") + __VERSION__);
#endif
    benchmark::AddCustomContext("botan", Botan::short_version_string());
    benchmark::AddCustomContext("ed25519_backend", hooksig::detail::platform::ed25519_backend());
    benchmark::AddCustomContext("sha256_provider",
                                Botan::HashFunction::create_or_throw("SHA-256")->provider());
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
