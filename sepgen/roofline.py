"""Machine peaks for roofline figures: measured memory bandwidth, estimated FLOP peak."""
from __future__ import annotations

import time
from functools import lru_cache


@lru_cache(maxsize=None)
def measured_bandwidth_gbs(mib: int = 64, reps: int = 5) -> float:
    """Copy bandwidth (read + write) of a ``mib`` MiB numpy copy, median of ``reps``, in GB/s."""
    import numpy as np

    a = np.ones(mib * (1 << 20) // 8)
    b = np.empty_like(a)
    np.copyto(b, a)
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        np.copyto(b, a)
        ts.append(time.perf_counter() - t0)
    t = sorted(ts)[len(ts) // 2]
    return 2 * a.nbytes / t / 1e9


@lru_cache(maxsize=None)
def machine_peaks() -> tuple[float, float]:
    """(bandwidth GB/s, peak GFLOP/s) of this machine (FLOP peak: cores x lanes x 2 FMA pipes x 2 x 3 GHz)."""
    from .targets import host_preset

    h = host_preset()
    lanes = h.vector_lanes_f32
    peak = h.num_cores * lanes * 2 * 2 * 3.0
    return measured_bandwidth_gbs(), peak
