"""Pointwise (1x1) convolution on CPUs: a GEMM over channels, register-blocked.

Spatial axes are flattened into one long vectorizable axis; a register tile of
``oc_tile`` output channels x ``vec`` pixels accumulates over input channels.
"""
from ..knobs import Knobs
from ..registry import register
from .common import ConvDefaults, schedule_conv_part, unroll_knob


def defaults(part, target) -> ConvDefaults:
    return ConvDefaults(oc_tile=8, row_tile=1, vec_lanes=target.vector_lanes_f32, flatten_spatial=True)


@register("pointwise", "cpu")
def pointwise_cpu(sch, ctx) -> None:
    knobs = Knobs(sch, ctx.tune)
    schedule_conv_part(sch, ctx.stage, knobs, defaults(ctx.stage, ctx.target))
    unroll_knob(sch, knobs)
