"""Load a sepgen artifact and call it from PyTorch, checking it against F.conv*d.

    python examples/demo_torch.py out/demo
"""
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

import sepgen
from sepgen.ir.workloads import WORKLOADS

path = sys.argv[1] if len(sys.argv) > 1 else "out/demo"
op = sepgen.load(path)          # checks sha256, schema and architecture before loading
print(op)
print(op.plan.summary())

spec = op.spec
# the demo artifacts come from the named workloads: rebuild the same weights to check the result
wl = next((w for w in WORKLOADS.values() if w.spec == spec), None)
x = torch.randn(spec.input_shape)
y = op(x)
if wl is not None:
    w, b = wl.weights(seed=0)
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[spec.ndim]
    pad = spec.torch_padding()
    ref = conv(x, torch.from_numpy(w), None if b is None else torch.from_numpy(b), spec.stride, pad,
               spec.dilation, spec.groups)
    err = float((y - ref).abs().max() / ref.abs().max())
    print(f"max relative error against torch.nn.functional: {err:.2e}")
    assert err < 1e-4, "sepgen disagrees with PyTorch"

torch.set_num_threads(op.target.num_cores)
# PyTorch's OpenMP workers keep spinning for about 25 ms after its last parallel call (the reference
# above) and would share the cores with the kernel's threads (measured: 87 us a call instead of 48 on
# the demo's layer): let them go idle, and warm up, before timing
time.sleep(0.1)
for _ in range(20):
    op(x)
ts = []
for _ in range(50):
    t0 = time.perf_counter()
    op(x)
    ts.append(time.perf_counter() - t0)
print(f"sepgen from PyTorch: {np.median(ts) * 1e6:.1f} us per call (median of 50)")
