#include <hooksig/hooksig.hpp>

int second_unit_main() {
    const auto s = hooksig::secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    return s.key_size() == 24 ? 0 : 1;
}
