"""Direct (dense or grouped) convolution on CPUs: register tile of output channels x rows x vector."""
from .. import register
from ..knobs import Knobs
from .common import ConvDefaults, schedule_conv_part, unroll_knob


def defaults(part, target) -> ConvDefaults:
    if part.geom.in_channels // part.geom.groups == 1:   # one input channel per output: depthwise loop
        return ConvDefaults(oc_tile=1, row_tile=4, vec_lanes=target.vector_lanes_f32)
    return ConvDefaults(oc_tile=4, row_tile=2, vec_lanes=target.vector_lanes_f32)


@register("direct", "cpu")
def direct_cpu(sch, ctx) -> None:
    knobs = Knobs(sch, ctx.tune)
    schedule_conv_part(sch, ctx.stage, knobs, defaults(ctx.stage, ctx.target))
    unroll_knob(sch, knobs)
