// hooksig — webhook signing and verification. MIT License.
#pragma once
/// Moved to <hooksig/algorithms/hmac_sha256.hpp> in 0.2.0; this forwarding header goes at 1.0 (CHANGELOG.md).
#include "algorithms/hmac_sha256.hpp"
