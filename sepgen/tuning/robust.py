"""Timing a kernel as its callers will see it: at several depths of the calling thread's stack.

A CPU kernel's parallel loop runs its first task on the *calling* thread, on that thread's stack.  A
kernel whose unrolled register tile spills keeps those spill slots (vectors, masks) on the stack, and
whether their addresses collide, modulo 4 KiB, with the input and output streams it reads and writes
depends on where the caller's stack happens to be: on this machine (2-core EPYC) the spilling best
record of the 128x56x56 depthwise layer ran anywhere from 42.4 to 89 us depending on how many frames
the caller had on its stack, in one process; its neighbour in the log, which does not spill (21 stack
accesses against 1239), ran 43.0-47.4 us at the same depths.  The tuner measures every candidate from
one stack position (its runner's), so its fastest record is partly the one that was luckiest there:
the kernel a user then gets ran 20-35% slower in the benchmarks than the tuner had measured.

:func:`measure_at_depths` times kernels from :data:`STACK_DEPTHS` stack depths, each made by nesting
the call under that many builtin ``map`` calls (every level adds C frames to the thread's stack), in
alternating blocks, and :func:`robust_us` averages a kernel's medians over the depths: the time a
caller at an arbitrary stack position can expect.  :func:`sepgen.tuning.rerank.rerank_stage` uses it to choose
among a log's best records; replay then builds the record it chose (``robust_best`` in ``meta.json``).
"""
from __future__ import annotations

import functools
import statistics
import time
from typing import Callable, Sequence

#: how many of a log's fastest (tuner-measured) records are re-measured
RERANK_TOP = 4
#: caller stack depths each is timed at (0 .. STACK_DEPTHS-1 nested calls)
STACK_DEPTHS = 8
#: rounds over all (depth, kernel) blocks; the medians pool every round's calls
ROUNDS = 3
#: seconds of timed calls per block, between MIN_CALLS and MAX_CALLS calls
BLOCK_S = 0.002
MIN_CALLS, MAX_CALLS = 3, 50


def _call(f):
    return f()


def _via_map(f):
    for r in map(_call, (f,)):   # the builtin map calls back into Python: C frames on the stack
        return r
    return None


def at_depth(fn: Callable, depth: int) -> Callable:
    """``fn`` called from ``depth`` extra levels of nested calls (each a ``partial`` and a builtin
    ``map``, so each level puts C frames, not only interpreter frames, on the thread's stack)."""
    for _ in range(depth):
        fn = functools.partial(_via_map, fn)
    return fn


def measure_at_depths(calls: Sequence[Callable], est_s: Sequence[float], depths: int = STACK_DEPTHS,
                      rounds: int = ROUNDS, clock=time.perf_counter) -> list[list[float]]:
    """Median seconds of each of ``calls`` at each stack depth: ``[call][depth]``.

    For every depth, each call in turn runs a block (two untimed calls, then about :data:`BLOCK_S`
    seconds of timed ones, ``est_s`` being its expected time), so machine drift spreads over all."""
    if len(calls) != len(est_s):
        raise ValueError("one time estimate per call")
    nested = [[at_depth(c, d) for d in range(depths)] for c in calls]
    counts = [max(MIN_CALLS, min(MAX_CALLS, int(BLOCK_S / max(float(e), 1e-7)))) for e in est_s]
    times: list[list[list[float]]] = [[[] for _ in range(depths)] for _ in calls]
    for _ in range(rounds):
        for d in range(depths):
            for i, per_depth in enumerate(nested):
                f = per_depth[d]
                f()
                f()
                ts = times[i][d]
                for _ in range(counts[i]):
                    t0 = clock()
                    f()
                    ts.append(clock() - t0)
    return [[statistics.median(ts) for ts in per] for per in times]


def robust_us(medians_s: Sequence[float]) -> float:
    """A kernel's expected time over the caller stack depths (mean of its per-depth medians), in us."""
    return statistics.fmean(medians_s) * 1e6
