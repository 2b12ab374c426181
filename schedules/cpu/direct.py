"""Direct (dense or grouped) convolution on CPUs: register tile of output channels x rows x vector.

Two structural variants for a dense (or grouped, several input channels per group) layer:

* 0: parallel over row tiles, output channels inside the task.  The padded input tile (all input
  channels, the rows of the tile and their halo) is made once per task and read by every output
  channel tile.  For a dense 3x3 64->128 layer at 56x56 this is 2.0 ms against 2.5 ms for variant 1
  at the same register tile: variant 1 copies each input tile once per output-channel tile.
* 1: parallel over (output-channel tile, row tile), the padded input tile made per task: more
  parallel tasks, for layers with few rows.

A layer with one input channel per group (a depthwise loop) reads only its own channel, so its
variant 0 is the per-(channel, row tile) task and variant 1 the row task.
"""
from ..knobs import Knobs
from ..registry import register
from .common import ConvDefaults, schedule_conv_part, unroll_knob


def defaults(part, target, variant: int = 0) -> ConvDefaults:
    if part.geom.in_channels // part.geom.groups == 1:   # one input channel per output: depthwise loop
        # a task's input tile is its own channel's rows: variant 0 keeps channels in the parallel loop
        return ConvDefaults(oc_tile=1, row_tile=4, vec_lanes=target.vector_lanes_f32,
                            parallel_channels=variant == 0)
    if variant == 1:
        return ConvDefaults(oc_tile=4, row_tile=2, vec_lanes=target.vector_lanes_f32)
    # 4 channels x 4 rows x one vector: 16 accumulators, each input vector feeds 4 FMAs
    return ConvDefaults(oc_tile=4, row_tile=4, vec_lanes=target.vector_lanes_f32, parallel_channels=False)


@register("direct", "cpu")
def direct_cpu(sch, ctx) -> None:
    knobs = Knobs(sch, ctx.tune)
    schedule_conv_part(sch, ctx.stage, knobs, defaults(ctx.stage, ctx.target, ctx.variant))
    unroll_knob(sch, knobs)


direct_cpu.VARIANTS = 2
