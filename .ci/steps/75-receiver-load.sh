# hooksig-receiver under load and abuse on loopback (issue #18), beside a minimal
# Node receiver: throughput and p50/p99, 256 slow connections, 4 x 512 MiB bodies,
# forward mode with a failing upstream (exactly once), Redis killed mid-load.
# Short mode: fails on correctness and on RSS/deadline bounds, reports the
# throughput targets (the CI machine is shared). Builds nothing: uses the
# default build of 10-default.sh. Budget < 3 min (measured ~1 min).
set -euo pipefail
if [ ! -x build/default/tools/hooksig-receiver/hooksig-receiver ] || [ ! -x build/default/tests/load/hooksig-load ]; then
  echo "receiver-load: build/default lacks hooksig-receiver or hooksig-load; 10-default.sh builds them" >&2
  exit 1
fi
timeout 180 bash tests/load/run.sh --short build/default
