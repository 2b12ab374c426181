"""CUDA template for direct (dense or grouped) convolutions.

A generic tiled convolution: per channel-reduction step the input tile + halo
(rc_i channels) and the weight tile go to shared memory; kernel taps and the
per-thread register tile are unrolled.  A direct stage with one input channel
per group is scheduled like a depthwise stage.
"""
from __future__ import annotations

from ..registry import register
from .common import schedule_single

FAMILY = "cuda"


@register("direct", FAMILY)
def schedule_direct(sch, ctx) -> None:
    schedule_single(sch, ctx)
