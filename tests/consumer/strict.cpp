// A consumer's translation unit, compiled by .ci/steps/40-install-consumer.sh with
// -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
// -Wold-style-cast -Werror, g++ and clang++, C++17/20/23, through find_package,
// add_subdirectory(SYSTEM), FetchContent and pkg-config. Uses the umbrella's
// verifier, signer, keyrings and replay guard; exits 0 when all verify.
#include <hooksig/hooksig.hpp>
#include <map>
#include <string>
int main() {
    const hooksig::secret s = hooksig::secret::generate();
    const hooksig::signer<hooksig::standard_webhooks> sign({s});
    const std::string body = "{}";
    std::map<std::string, std::string> headers;
    for (const auto& h : sign.sign(body)) headers[h.name] = h.value;
    const hooksig::verifier<hooksig::standard_webhooks> verify({s});
    hooksig::keyring<> ring;
    (void)ring.rotate(s, std::chrono::seconds(0));
    const hooksig::keyring_verifier<hooksig::standard_webhooks> kv(ring);
    const hooksig::keyring_signer<hooksig::stripe> ks(ring);
    (void)ks;
    hooksig::memory_store<> store;
    hooksig::replay_guard<hooksig::memory_store<>> guard(store);
    (void)guard.check("x");
    (void)guard.reserve("y", std::chrono::seconds(15));
    (void)guard.commit("y");
    return verify.verify(headers, body) && kv.verify(headers, body) ? 0 : 1;
}
