"""Fused separable passes on CPUs (2-D and 3-D, any rank).

The last pass is scheduled as a lone pass (parallel over channel x row tiles);
every earlier pass is computed *at that parallel loop*: a row tile of the first
pass (with the halo the next pass needs) goes into a small buffer that the next
pass consumes while it is in cache.  The intermediate image never goes to memory.
Earlier passes are register-blocked (a knob-sized block of rows x one vector, the
taps unrolled inside), and an input padded only along outer axes is read through
its bounds check instead of being copied into a padded tile.
"""
from ..knobs import Knobs
from ..registry import register
from .common import ConvDefaults, compute_producer_at, schedule_conv_part, unroll_knob


def schedule_chain(sch, ctx, last_defaults: ConvDefaults, producer_rows: int = 0) -> None:
    """The last part as a lone pass, every earlier part computed at its parallel loop.

    ``producer_rows``: register-block the earlier parts' tiles (that many rows by default, a knob),
    see :func:`compute_producer_at`; 0 keeps their plain vector loops."""
    knobs = Knobs(sch, ctx.tune)
    parts = ctx.stage.parts
    par = schedule_conv_part(sch, parts[-1], knobs, last_defaults)
    for part in reversed(parts[:-1]):
        compute_producer_at(sch, part, par, ctx.target.vector_lanes_f32, knobs, producer_rows)
    unroll_knob(sch, knobs)


@register("separable", "cpu")
def separable_cpu(sch, ctx) -> None:
    last = ctx.stage.parts[-1]
    rows = 16 if last.geom.ndim >= 2 else 1
    # earlier passes register-blocked, 6 rows by default: a 7-tap pass along H loads 12 input rows for 6
    # output rows instead of 42, and keeps its sums in registers.  Default knobs, 7x7 Gaussian at 1080p:
    # 1145 -> 675 us; 7x7x7 at 128^3: 2442 -> 1646 us (tuned, 64 trials: 869 -> 475 us, 2081 -> 852 us)
    schedule_chain(sch, ctx, ConvDefaults(oc_tile=1, row_tile=rows, vec_lanes=ctx.target.vector_lanes_f32),
                   producer_rows=6)
