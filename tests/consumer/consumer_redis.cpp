// Builds against an installed hooksig::redis; with nothing listening on the
// port it must report store_unavailable (no server is needed to prove linkage).
#include <hooksig/replay/redis_store.hpp>

#include <cstdio>

int main() {
    hooksig::redis_options options;
    options.port = 1; // nothing listens on TCP port 1
    hooksig::redis_store store(options);
    bool inserted = true;
    const std::error_code failed = store.insert("hooksig:consumer", std::chrono::seconds(60), inserted);
    std::printf("consumer_redis: %s\n", failed.message().c_str());
    return failed == hooksig::errc::store_unavailable && !inserted ? 0 : 1;
}
