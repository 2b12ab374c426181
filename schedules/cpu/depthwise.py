"""Depthwise convolution on CPUs.

Parallel over (channel, row tile); the output row segment is a vector, the 3x3
(or k x k) taps and the row tile are unrolled around it.  Variants 0 and 1 copy
the padded input rows of a tile (the halo included) once per task and compute
from that copy; variant 2 (W stride 1, the default there) makes no copy: the
padding is inlined and the border lanes are read with masked vector loads
(``inline_masked_pad``; the copy was a third to a half of a layer's time).
"""
from ..knobs import Knobs, best_divisor
from ..registry import register
from .common import ConvDefaults, schedule_conv_part, unroll_knob

#: variant 2: the most (output channel, row) pairs the search may unroll in one register tile
MAX_TILE_ROWS = 112


def defaults(part, target, variant: int = 0) -> ConvDefaults:
    w = part.geom.out_shape[-1]
    # small planes: a task takes more rows, so the per-task work (and halo reuse) stays worthwhile
    rows = max(4, 256 // max(1, w))
    if variant == 2:
        # no tile to fill: tasks of up to 28 rows (more rows per task measured faster), a row of up to two
        # vectors is one vector (AVX-512: 28 lanes measured 1.7x faster than 14 on 256x28x28).  A row of up to
        # 32 whose best split is under half a vector is one vector too: on AVX2 a 17-wide row otherwise
        # runs serially (96x17x17 34.2 -> 12.6 us, template defaults, medians, 2 threads), while 28 keeps
        # its 7-lane split (as fast or faster here than 28 lanes)
        v = target.vector_lanes_f32
        lanes = w if w <= 2 * v or (w <= 32 and best_divisor(w, v) < v // 2) else v
        h = part.geom.out_shape[-2] if part.geom.ndim > 1 else 1
        # the unrolled body is channels x rows x taps x vectors: at most MAX_TILE_ROWS channel-rows, so
        # no candidate takes seconds to build (8 channels x 56 rows took 5-8.5 s each, and a 64-trial
        # search 103 s, 69 of them building) or spills its tile to the stack (see sepgen.tuning.robust)
        max_rows = 56
        return ConvDefaults(oc_tile=1, row_tile=min(h, 28), vec_lanes=lanes, reduce_inside=True,
                            inline_pad=True, max_rows=max_rows,
                            max_oc=max(1, min(8, MAX_TILE_ROWS // max(1, min(h, max_rows)))))
    return ConvDefaults(oc_tile=1, row_tile=rows, vec_lanes=target.vector_lanes_f32,
                        reduce_inside=variant == 1, split_pad_rows=True)


@register("depthwise", "cpu")
def depthwise_cpu(sch, ctx) -> None:
    knobs = Knobs(sch, ctx.tune)
    schedule_conv_part(sch, ctx.stage, knobs, defaults(ctx.stage, ctx.target, ctx.variant))
    unroll_knob(sch, knobs)


def _variants(stage) -> int:
    """0: taps outside the register tile (each input vector reused by all rows of the tile);
    1: taps inside (one output vector finished at a time); both from a padded tile of the input.
    2: taps inside, no tile: the input read directly with masked vector loads at the borders
    (``inline_masked_pad``), for a W stride of 1 or 2 (a stride-2 read: two contiguous masked loads
    and a shuffle; larger strides keep the de-interleaved tile)."""
    return 3 if int(stage.geom.stride[-1]) in (1, 2) else 2


depthwise_cpu.VARIANTS = _variants
def _default_variant(stage, target) -> int:
    """Untuned: the direct variant where it applies and the target has masked vector loads (at the
    default knobs, same process, medians: 32x112x112 36.2 vs 51.4 us for variant 0, 128x56x56 42.7 vs
    52.3, 256x28x28 20.1 vs 38.5, 1024x7x7 7.8 vs 15.5); on NEON LLVM makes a masked load a branch
    per lane, so there the tuner, not the default, decides."""
    masked = target is None or target.masked_vector_loads
    return 2 if _variants(stage) == 3 and masked else 0


depthwise_cpu.DEFAULT_VARIANT = _default_variant
