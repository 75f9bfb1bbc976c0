// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Library version, as numbers a preprocessor can compare.
#define HOOKSIG_VERSION_MAJOR 0
#define HOOKSIG_VERSION_MINOR 1
#define HOOKSIG_VERSION_PATCH 0
/// Library version as a string, "MAJOR.MINOR.PATCH".
#define HOOKSIG_VERSION_STRING "0.1.0"
