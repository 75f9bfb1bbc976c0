// Receiver: verify a Standard Webhooks delivery before trusting its body.
// Build: part of the project (examples/); run: ./example_receive
#include <hooksig/hooksig.hpp>

#include <cstdio>
#include <map>
#include <string>

int main() {
    // Once, at startup: the endpoint's secret from configuration.
    const hooksig::verifier<hooksig::standard_webhooks> verifier(
        {hooksig::secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")});

    // Per request: the headers as your server has them, and the raw body bytes.
    const std::map<std::string, std::string> headers = {
        {"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
        {"webhook-timestamp", "1614265330"},
        {"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}};
    const std::string body = R"({"test": 2432232314})";

    // verify(headers, body) uses the wall clock; this example pins the time.
    const hooksig::verify_result result = verifier.verify(headers, body, 1614265330);
    if (!result) {
        switch (static_cast<hooksig::errc>(result.error.value())) {
        case hooksig::errc::timestamp_too_old:
        case hooksig::errc::timestamp_too_new: std::puts("stale or future delivery: 400"); break;
        default: std::printf("rejected (%s): 401\n", result.error.message().c_str()); break;
        }
        return 1;
    }
    std::puts("verified: process the event, answer 2xx");
    return 0;
}
