// Builds against an installed hooksig; exits 0 when the docs vector verifies.
#include <hooksig/hooksig.hpp>

#include <cstdio>
#include <map>
#include <string>

int main() {
    const auto key = hooksig::secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    const hooksig::verifier<hooksig::standard_webhooks> verifier({key});
    const std::map<std::string, std::string> headers = {
        {"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
        {"webhook-timestamp", "1614265330"},
        {"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}};
    const auto result = verifier.verify(headers, R"({"test": 2432232314})", 1614265330);
    std::printf("consumer: %s\n", result ? "valid" : result.error.message().c_str());
    return result ? 0 : 1;
}
