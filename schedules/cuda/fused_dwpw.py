"""CUDA template for depthwise + pointwise fused into one kernel.

The pointwise part is the GEMM of :mod:`schedules.cuda.pointwise`; at each
step of its channel reduction the depthwise part computes the (rc_i channels x
pixel tile) it needs into shared memory, from a shared copy of the input tile
+ halo, so the depthwise result never goes to global memory.
"""
from __future__ import annotations

from ..registry import register
from .common import schedule_chain

FAMILY = "cuda"


@register("fused_dwpw", FAMILY)
def schedule_fused_dwpw(sch, ctx) -> None:
    schedule_chain(sch, ctx)
