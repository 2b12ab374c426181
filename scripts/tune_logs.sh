#!/usr/bin/env bash
# Re-create the committed tuning logs for this machine: sepgen's own (every workload of the
# benchmark suites) and MetaSchedule's default auto-schedule peers (same trial budget).
#   scripts/tune_logs.sh [TRIALS] [PEER_SUITES...]
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-64}
shift || true
PEER_SUITES=${*:-dw-mobilenet}
SEPGEN=.venv/bin/sepgen
for wl in $($SEPGEN workloads | awk '{print $1}'); do
  echo "== $wl"
  $SEPGEN tune-and-compile "$wl" --trials "$TRIALS" --out "out/tuned/$wl" --reps 20 --roofline-stop 0 --patience 0
done
for suite in $PEER_SUITES; do
  echo "== MetaSchedule peers: $suite"
  $SEPGEN bench "$suite" --tune-peers 0
done
$SEPGEN logs verify
