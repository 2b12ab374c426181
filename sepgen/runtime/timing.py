"""Timing callables in alternating blocks whose first calls are not counted, so that spinning thread pools do not bill each other."""
from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np

# ---- timing ------------------------------------------------------------------------------------

def _warm(fn, min_calls: int = 3, max_s: float = 0.5):
    """Call ``fn`` until ``min_calls`` calls or ``max_s`` seconds; returns (first output, first call seconds)."""
    t0 = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t0
    n = 1
    while n < min_calls and time.perf_counter() - t0 < max_s:
        fn()
        n += 1
    return out, first


#: calls per timed block; untimed calls before each block (at least this many, for at least this long).
#: The time is twice the ~24 ms that a TVM kernel here ran 2x slower after PyTorch calls (libgomp's
#: workers still spinning: 1x112x112 depthwise, 126 -> 66 us once they stop); the 10 ms used before
#: timed whatever followed a PyTorch block (MetaSchedule's peer, in suite order) partly against them
BLOCK, BLOCK_DISCARD, BLOCK_DISCARD_S = 10, 2, 0.05


def time_rounds(fns: Sequence[tuple[str, Callable]], reps: int, block: int = BLOCK,
                discard: int = BLOCK_DISCARD, discard_s: float = BLOCK_DISCARD_S) -> dict[str, float]:
    """Median seconds per call of each function: ``reps`` timed calls each, in alternating blocks.

    Blocks, not single calls, alternate, and the first calls of a block (``discard`` calls and at least
    ``discard_s`` seconds) are not timed: PyTorch's OpenMP workers and TVM's pool both spin-wait for
    milliseconds after they return, so a call timed right after the other library's would be billed for
    its spinning (measured here: TVM kernels 40x slower right after torch calls under libgomp's default
    policy).  Each implementation is thus
    timed as a user calling it in a loop gets it, in the process's own OpenMP settings, while
    alternation still spreads machine noise over all of them.
    """
    times = {name: [] for name, _ in fns}
    while any(len(ts) < reps for ts in times.values()):
        for name, fn in fns:
            ts = times[name]
            if len(ts) >= reps:
                continue
            t_end = time.perf_counter() + discard_s
            n = 0
            while n < discard or time.perf_counter() < t_end:
                fn()
                n += 1
            for _ in range(min(block, reps - len(ts))):
                t0 = time.perf_counter()
                fn()
                ts.append(time.perf_counter() - t0)
    return {name: float(np.median(ts)) for name, ts in times.items()}
