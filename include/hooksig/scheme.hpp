// hooksig — webhook signing and verification. MIT License.
#pragma once
/// Moved to <hooksig/schemes/scheme.hpp> in 0.2.0; this forwarding header goes at 1.0 (CHANGELOG.md).
#include "schemes/scheme.hpp"
