# Interop: the hooksig CLI against the providers' own npm packages and documented
# recipes (tests/interop/: standardwebhooks, svix, stripe, @octokit/webhooks-methods,
# node:crypto), 200 seeded random cases per scheme; the seed is printed to reproduce.
# Builds nothing: uses the default build's binary from 10-default.sh.
# Budget <= 4 minutes: measured 2m04-3m15 for 1,607 cases on 2 busy cores (load 8-11; since
# then +400 Ed25519 cases, v1a and Discord: +29 s),
# RelWithDebInfo CLI; a clean clone adds `npm ci` (run.sh) for the pinned packages.
set -euo pipefail
cli=build/default/tools/hooksig/hooksig
if [ ! -x "$cli" ]; then
  echo "interop: $cli is missing; 10-default.sh builds it" >&2
  exit 1
fi
bash tests/interop/run.sh "$cli"
