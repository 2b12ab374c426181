"""Depthwise convolution on CPUs.

Parallel over (channel, row tile); the padded input rows of a tile (the halo
included) are computed once per task and reused by all its output rows; the
output row segment is a vector, the 3x3 (or k x k) taps and the row tile are
unrolled around it.
"""
from .. import register
from ..knobs import Knobs
from .common import ConvDefaults, schedule_conv_part, unroll_knob


def defaults(part, target, variant: int = 0) -> ConvDefaults:
    w = part.geom.out_shape[-1]
    # small planes: a task takes more rows, so the per-task work (and halo reuse) stays worthwhile
    rows = max(4, 256 // max(1, w))
    return ConvDefaults(oc_tile=1, row_tile=rows, vec_lanes=target.vector_lanes_f32,
                        reduce_inside=variant == 1, split_pad_rows=True)


@register("depthwise", "cpu")
def depthwise_cpu(sch, ctx) -> None:
    knobs = Knobs(sch, ctx.tune)
    schedule_conv_part(sch, ctx.stage, knobs, defaults(ctx.stage, ctx.target, ctx.variant))
    unroll_knob(sch, knobs)


# variant 0: taps outside the register tile (each input vector reused by all rows of the tile);
# variant 1: taps inside (one output vector finished at a time)
depthwise_cpu.VARIANTS = 2
