"""CUDA template for a single 1-D pass along one spatial axis.

Scheduled as a depthwise stage (one input channel per output channel) or as a
direct stage (a channel reduction), with the tile long along the pass' axis.
Chains of passes use :mod:`schedules.cuda.separable`.
"""
from __future__ import annotations

from ..registry import register
from .common import schedule_single

FAMILY = "cuda"


@register("axis_pass", FAMILY)
def schedule_axis_pass(sch, ctx) -> None:
    schedule_single(sch, ctx)
