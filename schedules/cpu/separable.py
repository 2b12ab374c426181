"""Fused separable passes on CPUs (2-D and 3-D, any rank).

The last pass is scheduled as a lone pass (parallel over channel x row tiles);
every earlier pass is computed *at that parallel loop*: a row tile of the first
pass (with the halo the next pass needs) goes into a small buffer that the next
pass consumes while it is in cache.  The intermediate image never goes to memory.
"""
from .. import register
from ..knobs import Knobs
from .common import ConvDefaults, compute_producer_at, schedule_conv_part, unroll_knob


def schedule_chain(sch, ctx, last_defaults: ConvDefaults) -> None:
    knobs = Knobs(sch, ctx.tune)
    parts = ctx.stage.parts
    par = schedule_conv_part(sch, parts[-1], knobs, last_defaults)
    for part in reversed(parts[:-1]):
        compute_producer_at(sch, part, par, ctx.target.vector_lanes_f32)
    unroll_knob(sch, knobs)


@register("separable", "cpu")
def separable_cpu(sch, ctx) -> None:
    last = ctx.stage.parts[-1]
    rows = 16 if last.geom.ndim >= 2 else 1
    schedule_chain(sch, ctx, ConvDefaults(oc_tile=1, row_tile=rows, vec_lanes=ctx.target.vector_lanes_f32))
