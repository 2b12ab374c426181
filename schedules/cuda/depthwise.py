"""CUDA template for depthwise stages (one spatial filter per channel).

A thread block computes an output tile of (channels x rows x cols); the input
tile plus its halo is copied cooperatively (coalesced: consecutive threads,
consecutive columns) into shared memory, with the zero padding computed by the
copy; each thread keeps the taps of its channel in registers and accumulates a
register tile of rows in ``local`` scope.  Knobs: the (block, thread,
per-thread) split of every output axis (tile sizes and threads per block) and
the unroll step.  See :mod:`schedules.cuda.common`.
"""
from __future__ import annotations

from ..registry import register
from .common import schedule_single

FAMILY = "cuda"


@register("depthwise", FAMILY)
def schedule_depthwise(sch, ctx) -> None:
    schedule_single(sch, ctx)
