"""Machine peaks for roofline figures: memory bandwidth measured at the working-set size, FLOP peak.

A convolution whose input and output fit in the caches is not bound by DRAM bandwidth, so the
bandwidth used for a roofline is measured with a copy of about the stage's own working set
(warm, all cores), bucketed by powers of two and cached per process.
"""
from __future__ import annotations

import math
import time
from functools import lru_cache


@lru_cache(maxsize=None)
def measured_bandwidth_gbs(nbytes: int = 64 << 20, reps: int = 15) -> float:
    """Copy bandwidth (read + write) for a working set of ``nbytes``, all cores, warm, GB/s.

    The best of ``reps`` runs: a roofline is what the machine can do, and a busy machine only
    ever makes a copy slower.
    """
    import torch

    from .targets import host_cores

    n = max(1 << 12, nbytes // 8)   # two float32 arrays of nbytes/2 each
    prev = torch.get_num_threads()
    torch.set_num_threads(host_cores())
    try:
        a = torch.ones(n, dtype=torch.float32)
        b = torch.empty_like(a)
        number = max(1, int(2e6 // n))
        b.copy_(a)
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            for _ in range(number):
                b.copy_(a)
            ts.append((time.perf_counter() - t0) / number)
    finally:
        torch.set_num_threads(prev)
    t = min(ts)
    return 2 * a.numel() * 4 / t / 1e9


def bandwidth_for(nbytes: int) -> float:
    """Bandwidth (GB/s) for a working set of ``nbytes`` (bucketed to a power of two)."""
    bucket = 1 << max(16, min(30, math.ceil(math.log2(max(1, nbytes)))))
    return measured_bandwidth_gbs(bucket)


@lru_cache(maxsize=None)
def peak_gflops() -> float:
    """FLOP peak estimate: cores x float32 lanes x 2 FMA pipes x 2 flops x 3 GHz."""
    from .targets import host_preset

    h = host_preset()
    return h.num_cores * h.vector_lanes_f32 * 2 * 2 * 3.0


def machine_peaks() -> tuple[float, float]:
    """(DRAM-sized copy bandwidth GB/s, peak GFLOP/s) of this machine."""
    return measured_bandwidth_gbs(), peak_gflops()
