// hooksig — webhook signing and verification. MIT License.
#pragma once
/// Moved to <hooksig/keyring/keyring_file.hpp> in 0.2.0; this forwarding header goes at 1.0 (CHANGELOG.md).
#include "keyring/keyring_file.hpp"
