// hooksig — webhook signing and verification. MIT License.
#pragma once
/// Moved to <hooksig/replay/memory_store.hpp> in 0.2.0; this forwarding header goes at 1.0 (CHANGELOG.md).
#include "replay/memory_store.hpp"
