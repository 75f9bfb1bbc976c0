// Sender: sign a delivery; during a rotation pass both secrets, newest first.
// Build: part of the project (examples/); run: ./example_send
#include <hooksig/hooksig.hpp>

#include <cstdio>
#include <string>

int main() {
    const hooksig::secret endpoint_secret = hooksig::secret::generate(); // store it; show it to the customer once
    const hooksig::signer<hooksig::standard_webhooks> signer({endpoint_secret});

    const std::string body = R"({"type":"payment.succeeded","amount":4200})";
    for (const hooksig::header& h : signer.sign(body)) // generates webhook-id, reads the clock
        std::printf("%s: %s\n", h.name.c_str(), h.value.c_str());
    std::printf("signed with %s (key id %s)\n", endpoint_secret.redacted().c_str(), endpoint_secret.key_id().c_str());
    return 0;
}
