"""Depthwise convolution on CPUs.

Parallel over (channel, row tile); the padded input rows of a tile (the halo
included) are computed once per task and reused by all its output rows; the
output row segment is a vector, the 3x3 (or k x k) taps and the row tile are
unrolled around it.
"""
from .. import register
from ..knobs import Knobs
from .common import ConvDefaults, schedule_conv_part, unroll_knob


def defaults(part, target) -> ConvDefaults:
    return ConvDefaults(oc_tile=1, row_tile=4, vec_lanes=target.vector_lanes_f32)


@register("depthwise", "cpu")
def depthwise_cpu(sch, ctx) -> None:
    knobs = Knobs(sch, ctx.tune)
    schedule_conv_part(sch, ctx.stage, knobs, defaults(ctx.stage, ctx.target))
    unroll_knob(sch, knobs)
