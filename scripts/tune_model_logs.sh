#!/bin/bash
# Re-create the committed whole-model logs (tuning_logs/models/blocked/<target>/) of this machine: each model of
# `sepgen bench models` tuned at 224x224 with a time budget; each run stops early once every knob setting of its
# kernels is on record (about 6 minutes for the six on the 2-core znver3 host; 8.5 minutes on the 2-core znver4
# host: V2 101 s, V3 79 s, EfficientNet 61 s, ConvNeXt 84 s, RegNet 49 s, V1 34 s; session 35 re-ran RegNet for its
# grouped kernels, 29 s, and ConvNeXt for its blocked MLP projections, about 20 s). BUDGET (default 20m) bounds each.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET="${1:-20m}"
SEPGEN="${SEPGEN:-.venv/bin/sepgen}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for m in mobilenet_v2 mobilenet_v3_large efficientnet_b0 convnext_tiny regnet_y_400mf mobilenet_v1; do
  "$SEPGEN" compile-model "$m" --time-budget "$BUDGET" --log-dir tuning_logs/models --out "$out/$m" --no-timing \
    | grep -E "tuned for|same top-1"
done
