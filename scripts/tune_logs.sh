#!/usr/bin/env bash
# Re-create the committed tuning logs for this machine: sepgen's own (every workload of the
# benchmark suites) and MetaSchedule's default auto-schedule peers (same trial budget).
#   scripts/tune_logs.sh [TRIALS] [PEER_SUITES...]
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-64}
shift || true
PEER_SUITES=${*:-all}
SEPGEN=.venv/bin/sepgen
for wl in $($SEPGEN workloads | awk '{print $1}'); do
  n=$TRIALS
  # the fused depthwise+pointwise and the direct templates have two structural variants (two design spaces):
  # twice the budget
  # (the committed dwpw_64_128_56 and dense3x3_64_128_56 logs hold 128 records)
  case "$wl" in dwpw_*|dense3x3_*) n=$((2 * TRIALS)) ;; esac
  echo "== $wl ($n trials)"
  $SEPGEN tune-and-compile "$wl" --trials "$n" --out "out/tuned/$wl" --reps 20 --roofline-stop 0 --patience 0
done
for suite in $PEER_SUITES; do
  echo "== MetaSchedule peers: $suite"
  $SEPGEN bench "$suite" --tune-peers 0
done
$SEPGEN logs verify
