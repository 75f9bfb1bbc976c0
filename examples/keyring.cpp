// Rotation with a grace period: a keyring signs with every active key and
// verifies against any of them, naming the key that matched; a keyring file
// persists it (mode 0600, written atomically).
// Build: part of the project (examples/); run: ./example_keyring
#include <hooksig/hooksig.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

int main() {
    using namespace std::chrono_literals;
    hooksig::keyring<> ring; // wall clock; any clock type can be injected

    // The first key, then a rotation: the old key keeps working for 24 hours.
    const hooksig::secret first = hooksig::secret::generate();
    if (ring.rotate(first, 0s) || ring.rotate(hooksig::secret::generate(), 24h)) return 1;

    // Sender: one `v1,` signature per active key, newest first.
    const hooksig::keyring_signer<hooksig::standard_webhooks> signer(ring);
    const std::string body = R"({"type":"payment.succeeded"})";
    const std::vector<hooksig::header> headers = signer.sign(body);

    // Receiver: rotations on other threads take effect without blocking it.
    const hooksig::keyring_verifier<hooksig::standard_webhooks> verifier(ring);
    const hooksig::keyring_verify_result result = verifier.verify(headers, body);
    if (!result) return std::printf("rejected: %s\n", result.error.message().c_str()), 1;
    std::printf("valid, key %.*s\n", static_cast<int>(result.key_id().size()), result.key_id().data());

    // A receiver that only has the old secret still verifies during the grace period.
    const hooksig::verifier<hooksig::standard_webhooks> old_only({first});
    std::printf("old key alone: %s\n", old_only.verify(headers, body) ? "valid" : "invalid");

    // Persist and reload (e.g. on SIGHUP): readers see the old ring or the new one.
    char dir[] = "/tmp/hooksig-example.XXXXXX";
    if (::mkdtemp(dir) == nullptr) return 1;
    const std::string path = std::string(dir) + "/keyring";
    const hooksig::keyring_file_result saved = hooksig::save_keyring(path, ring);
    const hooksig::keyring_file_result loaded = hooksig::load_keyring(path, ring);
    std::printf("save: %s, load: %s\n", saved ? "ok" : saved.message().c_str(), loaded ? "ok" : loaded.message().c_str());
    ::unlink(path.c_str());
    ::rmdir(dir);
    return saved && loaded ? 0 : 1;
}
