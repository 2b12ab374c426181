"""CUDA template for pointwise (1x1) stages: a GEMM over channels.

Per thread block a tile of (output channels x pixels); the channel reduction
steps through shared-memory tiles of the input (rc_i channels x pixels) and of
the weight (output channels x rc_i), both filled cooperatively; each thread
accumulates a register tile of output channels x rows.  Knobs: the tiles of
every output axis, the reduction step rc_i, the unroll step.
"""
from __future__ import annotations

from ..registry import register
from .common import schedule_single

FAMILY = "cuda"


@register("pointwise", FAMILY)
def schedule_pointwise(sch, ctx) -> None:
    schedule_single(sch, ctx)
