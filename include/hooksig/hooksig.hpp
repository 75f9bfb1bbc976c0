// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Umbrella header: everything hooksig offers.
///
///   version.hpp      HOOKSIG_VERSION_*
///   error.hpp        hooksig::errc, its error category, hooksig::error
///   ct.hpp           constant-time compare, wipe, valgrind markers
///   encoding.hpp     strict base64 and hex; fast decoders for public input
///   secret.hpp       whsec_ and text secrets: generate, parse, redact
///   hmac.hpp         HMAC-SHA256 with prepared key states
///   clock.hpp        wall_clock, fixed_clock
///   timestamp.hpp    timestamp parsing and the freshness window
///   headers.hpp      case-insensitive lookup over any header container
///   scheme.hpp       the wire-scheme interface and its shared types
///   verifier.hpp     receiving: verifier<Scheme, Clock>
///   signer.hpp       sending: signer<Scheme, Clock>
///   replay_guard.hpp replay and duplicate guard: replay_guard<Store>, delivery_replay_id
///   memory_store.hpp bounded, thread-safe in-memory store for replay_guard
///   (redis_store.hpp, the shared Redis store, is not included: link hooksig::redis)
///   keyring.hpp      rotation with grace periods: keyring, keyring_verifier, keyring_signer
///   keyring_file.hpp keyring files: parse, read, write atomically with mode 0600 (POSIX)
///   schemes/         standard_webhooks (Svix), and the providers' schemes:
///                    stripe, github, slack, shopify, raw_hex / raw_base64 (BitGo),
///                    paddle, square
///   detail/          internals: the SHA-256 engine (Botan's compression or
///                    SHA-NI, chosen by CPUID), CPU feature detection, config

#include "version.hpp"
#include "error.hpp"
#include "ct.hpp"
#include "encoding.hpp"
#include "secret.hpp"
#include "algorithms/hmac_sha256.hpp"
#include "algorithms/ed25519.hpp"
#include "clock.hpp"
#include "timestamp.hpp"
#include "headers.hpp"
#include "schemes/scheme.hpp"
#include "verifier.hpp"
#include "signer.hpp"
#include "replay/replay_guard.hpp"
#include "replay/memory_store.hpp"
#include "keyring/keyring.hpp"
#include "keyring/keyring_file.hpp"
#include "schemes/standard_webhooks.hpp"
#include "schemes/stripe.hpp"
#include "schemes/github.hpp"
#include "schemes/slack.hpp"
#include "schemes/shopify.hpp"
#include "schemes/raw.hpp"
#include "schemes/paddle.hpp"
#include "schemes/square.hpp"
#include "schemes/discord.hpp"
