"""Machine peaks for roofline figures: memory bandwidth measured at the working-set size, FLOP peak
measured with an FMA-throughput kernel.

A peak is what the machine *can* do, and a busy or shared machine only ever measures less (on this
project's 2-vCPU VM a measurement sometimes sees one core's worth).  So every measurement is kept in a
small per-machine cache (``$SEPGEN_CACHE_DIR``, default ``~/.cache/sepgen``, ``machine_peaks.json``,
keyed by the host's target key) and the best one seen is used.

A convolution whose input and output fit in the caches is not bound by DRAM bandwidth, so the
bandwidth used for a roofline is measured with a copy of about the stage's own working set
(warm, all cores), bucketed by powers of two and cached per process.
"""
from __future__ import annotations

import math
import time
from functools import lru_cache

from ..ir.stages import Stage


def cache_dir():
    """sepgen's per-user cache: ``$SEPGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/sepgen`` or ``~/.cache/sepgen``."""
    import os
    from pathlib import Path

    d = os.environ.get("SEPGEN_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sepgen"
    return Path(d)


def _cache_file():
    return cache_dir() / "machine_peaks.json"


def _best_seen(name: str, measured: float | None) -> float | None:
    """max(``measured``, the best earlier measurement of ``name`` on this machine); records a new best.

    An unreadable or malformed cache is ignored (and replaced); an unwritable one only loses the record."""
    import json
    import os

    from ..targets.registry import host_preset

    key = host_preset().key()
    path = _cache_file()
    data: dict = {}
    try:
        data = json.loads(path.read_text())
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    mine = data.get(key) if isinstance(data.get(key), dict) else {}
    old = mine.get(name)
    old = float(old) if isinstance(old, (int, float)) and math.isfinite(old) and old > 0 else None
    if measured is None or (old is not None and old >= measured):
        return old if old is not None else measured
    mine[name] = measured
    data[key] = mine
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        os.replace(tmp, path)
    except OSError:
        pass
    return measured


@lru_cache(maxsize=None)
def measured_bandwidth_gbs(nbytes: int = 64 << 20, reps: int = 15) -> float:
    """The best copy bandwidth (read + write) seen on this machine for a working set of ``nbytes``:
    this process's measurement (:func:`_measure_bandwidth_gbs`) or an earlier one, GB/s."""
    return _best_seen(f"copy_gbs_{nbytes}", _measure_bandwidth_gbs(nbytes, reps))


def _measure_bandwidth_gbs(nbytes: int, reps: int) -> float:
    """Copy bandwidth (read + write) for a working set of ``nbytes``, all cores, warm, GB/s.

    The best of ``reps`` runs: a roofline is what the machine can do, and a busy machine only
    ever makes a copy slower.
    """
    import torch

    from ..targets.registry import host_cores

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


# An FMA-throughput kernel: independent vector accumulators (more than the FMA latency x pipes), so the
# loop is bound by the FMA units alone.  GNU vector extensions compiled with -march=native use the
# widest registers the host has; the FLOPs counted do not depend on how the compiler splits them.
_FMA_SRC = r"""
#include <pthread.h>
#include <time.h>
typedef float v16 __attribute__((vector_size(64)));
#define NACC 12
typedef struct { long iters; float out; } job_t;
static void *work(void *p) {
    job_t *j = (job_t *)p;
    volatile float bs = 0.9999999f, cs = 1e-7f;
    v16 b, c;
    for (int l = 0; l < 16; l++) { b[l] = bs; c[l] = cs; }
    v16 a0 = b, a1 = b + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c,
        a6 = a5 + c, a7 = a6 + c, a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
    for (long i = 0; i < j->iters; i++) {
        a0 = a0 * b + c; a1 = a1 * b + c; a2 = a2 * b + c; a3 = a3 * b + c;
        a4 = a4 * b + c; a5 = a5 * b + c; a6 = a6 * b + c; a7 = a7 * b + c;
        a8 = a8 * b + c; a9 = a9 * b + c; a10 = a10 * b + c; a11 = a11 * b + c;
    }
    v16 s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    float t = 0; for (int l = 0; l < 16; l++) t += s[l];
    j->out = t; return 0;
}
/* GFLOP/s of `threads` threads, each running `iters` iterations of NACC 16-lane FMAs */
double fma_gflops(int threads, long iters) {
    pthread_t t[256]; job_t j[256]; struct timespec t0, t1;
    if (threads > 256) threads = 256;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < threads; i++) { j[i].iters = iters; pthread_create(&t[i], 0, work, &j[i]); }
    for (int i = 0; i < threads; i++) pthread_join(t[i], 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
    return threads * (double)iters * NACC * 16 * 2 / s / 1e9;
}
"""


def _formula_gflops() -> float:
    """cores x float32 lanes x 2 FMA pipes x 2 flops x 3 GHz: an upper estimate (a core that splits its
    widest vectors in two, like Zen 4 with AVX-512, does half of this per cycle)."""
    from ..targets.registry import host_preset

    h = host_preset()
    return h.num_cores * h.vector_lanes_f32 * 2 * 2 * 3.0


@lru_cache(maxsize=None)
def measured_peak_gflops(reps: int = 7) -> float | None:
    """float32 FMA throughput of all cores, measured with a compiled kernel (best of ``reps``), or None
    when no C compiler is at hand."""
    import ctypes
    import os
    import shutil
    import subprocess
    import tempfile

    from ..targets.registry import host_cores

    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="sepgen-peak-") as d:
            src, lib = os.path.join(d, "fma.c"), os.path.join(d, "fma.so")
            with open(src, "w") as f:
                f.write(_FMA_SRC)
            r = subprocess.run([cc, "-O2", "-march=native", "-ffp-contract=fast", "-shared", "-fPIC", "-pthread",
                                src, "-o", lib], capture_output=True, timeout=60)
            if r.returncode != 0:
                return None
            fn = ctypes.CDLL(lib).fma_gflops
            fn.restype, fn.argtypes = ctypes.c_double, [ctypes.c_int, ctypes.c_long]
            threads = host_cores()
            time.sleep(0.1)                            # thread pools that just ran stop spinning
            fn(threads, 2_000_000)                     # warm-up: clocks ramp up, every core gets busy
            best = max(fn(threads, 1_000_000) for _ in range(reps))   # ~15 ms a run here
    except (OSError, subprocess.SubprocessError):   # no usable compiler, or a library it can not load
        return None
    return best


@lru_cache(maxsize=None)
def peak_gflops() -> float:
    """float32 FLOP peak of the host: the best FMA throughput measured on it (this process's measurement
    or an earlier one), else the vector-width formula."""
    m = _best_seen("fma_gflops", measured_peak_gflops())
    return m if m else _formula_gflops()


def machine_peaks() -> tuple[float, float]:
    """(DRAM-sized copy bandwidth GB/s, peak GFLOP/s) of this machine."""
    return measured_bandwidth_gbs(), peak_gflops()


def roofline_us(stage: Stage, dtype: str, bandwidth_gbs: float | None = None,
                peak_gflops: float | None = None) -> float:
    """Lower bound on the stage's time: its bytes at the bandwidth measured for a working set of that
    size (cache-resident stages get cache bandwidth), its FLOPs at the measured FLOP peak."""
    nbytes = stage.bytes_moved(dtype)
    bw = bandwidth_gbs or bandwidth_for(nbytes)
    peak = peak_gflops or _peak()
    return max(nbytes / (bw * 1e3), stage.flops() / (peak * 1e3))


def _peak() -> float:
    return peak_gflops()
