"""A lone 1-D pass along one axis (grouped): vectorized along the innermost axis."""
from ..knobs import Knobs
from ..registry import register
from .common import ConvDefaults, schedule_conv_part, unroll_knob


def defaults(part, target) -> ConvDefaults:
    single = part.geom.in_channels // part.geom.groups == 1
    return ConvDefaults(oc_tile=1 if single else 4, row_tile=4, vec_lanes=target.vector_lanes_f32)


@register("axis_pass", "cpu")
def axis_pass_cpu(sch, ctx) -> None:
    knobs = Knobs(sch, ctx.tune)
    schedule_conv_part(sch, ctx.stage, knobs, defaults(ctx.stage, ctx.target))
    unroll_knob(sch, knobs)
