"""CUDA template for separable stages: a chain of 1-D axis passes as one kernel.

The last pass is tiled over thread blocks; each earlier pass computes the
tile (+ the halo the next pass needs) of its output into shared memory at the
last pass' block loop, bound to the same threads, and the next pass reads it
from there: the intermediates never go to global memory.  The first pass reads
its input tile (+ halo, padding fused) from a shared-memory copy.
"""
from __future__ import annotations

from ..registry import register
from .common import schedule_chain

FAMILY = "cuda"


@register("separable", FAMILY)
def schedule_separable(sch, ctx) -> None:
    schedule_chain(sch, ctx)
