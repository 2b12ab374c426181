#!/bin/sh
# Runs scripts/dw_loads_microbench.c (see its header): the depthwise 3x3 inner loop with shifted
# unaligned loads (what TVM emits), aligned loads, and aligned loads + valignd, one core, GFLOPS.
# Compare with the per-core FMA peak: sepgen.tuning.roofline.measured_peak_gflops() / cores.
set -e
cd "$(dirname "$0")"
out="${TMPDIR:-/tmp}/dw_loads_microbench"
cc -O3 -mavx512f -mfma -o "$out" dw_loads_microbench.c -lm
"$out"
PY="$( [ -x ../.venv/bin/python ] && echo ../.venv/bin/python || echo python3 )"
"$PY" - <<'PY' 2>/dev/null || true
import sys; sys.path.insert(0, "..")
from sepgen.tuning.roofline import measured_peak_gflops
from sepgen.targets import host_cores
print(f"FMA peak: {measured_peak_gflops() / host_cores():.1f} GFLOPS per core (sepgen.tuning.roofline)")
PY
