#!/usr/bin/env bash
# Runs the interop suite: ./run.sh PATH/TO/hooksig [--cases N] [--seed S] [--scheme NAME] ...
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 PATH/TO/hooksig [interop.mjs options]" >&2
  exit 2
fi
cli=$(realpath "$1")
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
exec node interop.mjs --cli "$cli" "${@:2}"
