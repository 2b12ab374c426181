"""Loop-nest building blocks shared by the CPU templates.

The loop nest of one convolution part (``d`` spatial axes, ``W`` the innermost)::

    parallel  n, o_outer, s_0..s_{d-3}, h_outer     (fused; channels outside or inside the parallel loop)
      [producers computed here: the padded input tile, or a whole earlier chain part's tile]
      for w_outer
        for reductions (channels in group, kernel taps)
          unrolled   o_inner, h_inner
            vector   w_inner
      [epilogue of the tile: bias, cast]

Knobs: the inner tiles of output channels, rows and the vector width, as
perfect tilings (so no tail predicate spoils the vector loop), and the unroll
depth.  Chains compute each earlier part *at the parallel loop of the last
part*: the intermediate tile lives in cache, never in a full-size buffer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from tvm.s_tir.schedule import ScheduleError
from tvm.tirx import ForKind

from ..knobs import Knobs, best_divisor


@dataclass(frozen=True)
class ConvDefaults:
    oc_tile: int = 1                 # output channels per register tile
    row_tile: int = 1                # output rows per register tile (and per parallel task)
    vec_lanes: int = 16              # target vector width (elements)
    flatten_spatial: bool = False    # pointwise alone: treat all spatial axes as one
    parallel_channels: bool = True   # False: channels loop inside the parallel row loop (fused consumers)
    reduce_inside: bool = False      # True: taps inside the register tile, around the vector loop only
    flatten_rows: bool = False       # the row tile and W as one vectorized axis (pointwise consumers of a
                                     # row tile: 2 rows x 56 is 7 vectors of 16, 56 alone 7 of 8)
    split_pad_rows: bool = False     # the padded tile's copy split at the W padding (see ``split_pad_rows``);
                                     # single-part stages only: TVM's ``compute_at`` of a producer does not
                                     # see the reads inside a partitioned block, so a chain could order wrongly
    max_rows: int = 8                # largest row tile the search may sample
    max_oc: int = 8                  # largest output-channel tile the search may sample
    inline_pad: bool = False         # no padded tile: the padding inlined into the arithmetic, read with
                                     # masked vector loads (see ``inline_masked_pad``); W stride 1 or 2


def has_block(sch, name: str) -> bool:
    try:
        sch.get_sblock(name)
        return True
    except Exception:  # noqa: BLE001 - TVM raises its own error type
        return False


def unroll_knob(sch, knobs: Knobs, default_index: int = 1) -> None:
    """Explicit-unroll depth of the root block, applied by MetaSchedule's postprocessor."""
    root = sch.get_sblock("root")
    v = knobs.choice([0, 16, 64], default_index)
    if knobs.tune:
        sch.annotate(root, "meta_schedule.unroll_explicit", v)


def schedule_conv_part(sch, part, knobs: Knobs, d: ConvDefaults):
    """Schedule the blocks of one conv part; returns the parallel loop (producers go there)."""
    g = part.geom
    nd = g.ndim
    out_sp = g.out_shape[2:]
    blk = sch.get_sblock(part.name)
    loops = sch.get_loops(blk)
    n_loop, o_loop = loops[0], loops[1]
    sp_loops = list(loops[2:2 + nd])
    red = list(loops[2 + nd:])
    n_sp = len(loops) - 2 - _n_red(part)
    at_root = n_sp == 1 and (nd > 1 or _extent(sch, loops[2]) != math.prod(int(v) for v in out_sp))
    if at_root:
        # lowered with its pixels already flattened and padded to whole vectors (a lone pointwise part,
        # ``sepgen.codegen.lowering.padded_pixels``): one spatial loop.  The padded input is made once, before the
        # GEMM, and the epilogue that crops the padded pixels runs after it: placed at the GEMM's tile, its
        # region would be inferred through the flat pixel index, and TVM infers a wrong (row, column) one
        sp_loops, red = [loops[2]], list(loops[3:])
        for name in (f"{part.name}_pad", f"{part.name}_out"):
            _schedule_at_root(sch, sch.get_sblock(name), d.vec_lanes)
        w_loop, w_ext = sp_loops[0], _extent(sch, sp_loops[0])
        outer_sp, h_loop, h_ext = [], None, 1
    elif d.flatten_spatial and nd > 1:
        w_loop = sch.fuse(*sp_loops)
        w_ext = 1
        for s in out_sp:
            w_ext *= s
        outer_sp, h_loop, h_ext = [], None, 1
    else:
        w_loop, w_ext = sp_loops[-1], out_sp[-1]
        if nd >= 2:
            h_loop, h_ext = sp_loops[-2], out_sp[-2]
            outer_sp = sp_loops[:-2]
        else:
            h_loop, h_ext, outer_sp = None, 1, []

    oc = best_divisor(g.out_channels, d.oc_tile)
    if d.flatten_rows and h_loop is not None:
        rt = best_divisor(h_ext, d.row_tile)
        ho, hi = knobs.split(h_loop, h_ext, [rt], max_innermost=8)
        flat = sch.fuse(hi, w_loop)
        f_ext = int(sch.get(flat).extent)
        vec = best_divisor(f_ext, d.vec_lanes, prefer_multiple_of=8 if f_ext % 8 == 0 else 1)
        wo, wi = knobs.split(flat, f_ext, [vec], max_innermost=64)
        oo, oi = knobs.split(o_loop, g.out_channels, [oc], max_innermost=8)
        outer = [n_loop, oo, *outer_sp, ho] if d.parallel_channels else [n_loop, *outer_sp, ho, oo]
        sch.reorder(*outer, wo, *red, oi, wi)
        par = sch.fuse(*outer) if d.parallel_channels else sch.fuse(n_loop, *outer_sp, ho)
        return _finish_part(sch, part, blk, par, red, oi, None, wi, d, at_root)
    vec = best_divisor(w_ext, d.vec_lanes, prefer_multiple_of=8 if w_ext % 8 == 0 else 1)
    wo, wi = knobs.split(w_loop, w_ext, [vec], max_innermost=64)
    oo, oi = knobs.split(o_loop, g.out_channels, [oc], max_innermost=d.max_oc)
    if h_loop is not None:
        rt = best_divisor(h_ext, d.row_tile)
        ho, hi = knobs.split(h_loop, h_ext, [rt], max_innermost=d.max_rows)
        outer = [n_loop, oo, *outer_sp, ho] if d.parallel_channels else [n_loop, *outer_sp, ho, oo]
        if d.reduce_inside:
            sch.reorder(*outer, wo, oi, hi, *red, wi)
        else:
            sch.reorder(*outer, wo, *red, oi, hi, wi)
        par = sch.fuse(*outer) if d.parallel_channels else sch.fuse(n_loop, *outer_sp, ho)
    else:
        hi = None
        inner = [oi, *red, wi] if d.reduce_inside else [*red, oi, wi]
        if d.parallel_channels:
            sch.reorder(n_loop, oo, wo, *inner)
            par = sch.fuse(n_loop, oo)
        else:
            # 1-D consumer of a fused tile: parallel over w tiles, channels inside
            sch.reorder(n_loop, wo, oo, *inner)
            par = sch.fuse(n_loop, wo)
    return _finish_part(sch, part, blk, par, red, oi, hi, wi, d, at_root)


def _schedule_at_root(sch, block, lanes: int) -> None:
    """A (batch, channel, pixels...) block on its own: parallel over (batch, channel), pixels vectorized."""
    n, c, *sp = sch.get_loops(block)
    sch.parallel(sch.fuse(n, c))
    if len(sp) > 1:
        sch.fuse(*sp)
    _vectorize_inner(sch, block, lanes)


def _finish_part(sch, part, blk, par, red, oi, hi, wi, d: ConvDefaults, at_root: bool = False):
    """Parallel loop, the pad and epilogue blocks at it (unless ``at_root``: scheduled on their own),
    vector and unrolled register tile, reduction init."""
    sch.parallel(par)
    pad = f"{part.name}_pad"
    split_pad = False
    inline_pad = d.inline_pad and has_block(sch, pad) and not at_root
    if inline_pad:
        sch.compute_inline(sch.get_sblock(pad))
    elif has_block(sch, pad) and not at_root:
        sch.compute_at(sch.get_sblock(pad), par, preserve_unit_loops=True)
        split_pad = d.split_pad_rows and _pad_row_split_applies(sch, sch.get_sblock(pad), part)
        if not split_pad:
            _vectorize_inner(sch, sch.get_sblock(pad), d.vec_lanes)
    out = f"{part.name}_out"
    if has_block(sch, out) and not at_root:
        ob = sch.get_sblock(out)
        sch.reverse_compute_at(ob, par, preserve_unit_loops=True)
        _vectorize_inner(sch, ob, d.vec_lanes)
    sch.vectorize(wi)
    if inline_pad:
        inline_masked_pad(sch, wi)
        for r in red:        # taps inside, around the vector only: all unrolled, the masks constants
            sch.unroll(r)
    sch.unroll(oi)
    if hi is not None:
        sch.unroll(hi)
    if red:
        sch.decompose_reduction(blk, red[0])
    if split_pad:   # last: the partition hides the copy's accesses from later dependence analysis
        split_pad_rows(sch, sch.get_sblock(pad), part)
    return par


def inline_masked_pad(sch, vector_loop) -> None:
    """Mark ``vector_loop``, whose body reads an inlined padding (``x if inside else 0``), for
    :mod:`sepgen.codegen.tirpasses`: the read becomes a select that TVM vectorizes (an ``if_then_else``
    whose test differs between lanes it scalarizes), then a masked load, so no lane reads outside
    the input.  Only for a vector loop whose input index has stride 1 or 2 (the W stride): another
    strided read is not made a masked load, and the build then fails
    (see :func:`sepgen.codegen.tirpasses.masked_vector_loads`).

    This removes the padded copy, a third to a half of a depthwise layer's time (see the README).
    Measured at hand-picked knobs against the committed tuned kernels, same process, alternating,
    medians, 2 threads: 32x112x112 37.7 vs 50.3 us, 128x56x56 44.0 vs 56.5, 256x28x28 22.4 vs 34.9."""
    from ..pragmas import MASKED_PAD_PRAGMA

    if _extent(sch, vector_loop) != 1:     # a sampled extent of 1 is handled by the pass (made serial)
        sch.annotate(vector_loop, MASKED_PAD_PRAGMA, 1)


def pad_row_interior(part) -> tuple[int, int, int]:
    """``(a, b, extent)``: columns ``[a, b)`` of the innermost axis of ``part``'s padded tile (as
    :func:`sepgen.codegen.lowering.lower_stage` lays it out for CPUs: de-interleaved by the stride, see
    ``PHASE_SPLIT_FAMILIES``) hold input for every phase; the others hold (some) padding."""
    g = part.geom
    s = max(1, int(g.stride[-1]))
    lo, hi = (int(v) for v in g.padding[-1])
    w = int(part.in_shape[-1])
    padded = w + lo + hi
    extent = -(-padded // s) if s > 1 else padded
    a = -(-lo // s)
    b = (w + lo - s) // s + 1
    return a, min(b, extent), extent


def _pad_row_split_applies(sch, block, part) -> bool:
    """The copy's innermost loop is a whole padded row with W padding at one end at least."""
    loops = sch.get_loops(block)
    if not loops:
        return False
    a, b, extent = pad_row_interior(part)
    inner = loops[-1]
    return (_extent(sch, inner) == extent and sch.get(inner).kind == ForKind.SERIAL
            and not (a == 0 and b == extent) and b - a >= 2)


def split_pad_rows(sch, block, part) -> None:
    """The copy into ``part``'s padded tile, its rows split where the W bounds check changes.

    The copy's value is ``x if inside else 0``.  Along W that test differs between the lanes of a
    vector, so TVM's vectorizer scalarizes the loop, and LLVM makes of it a copy in 8-, 4-, 2- and
    1-element pieces around per-row branches.  Split into the left padding, the interior and the
    right padding (``loop_partition``), the interior's W test is true by its bounds and simplified
    away; that loop is left to LLVM's loop vectorizer, which copies whole registers (or, for a strided
    conv's de-interleaved tile, wide loads and permutes).  TVM vectorizing the interior itself (one
    <112 x float> operation) was measured slower.  The tile's rows are aligned to 16 elements.

    Measured on the committed MobileNetV1 depthwise traces with only the copy changed (2 threads,
    medians, one process): 32x112x112 62.2 -> 52.5 us, 128x56x56 71.8 -> 66.2, 256x28x28 38.1 -> 37.1,
    512x14x14 19.2 -> 19.1; the stride-2 layers unchanged."""
    a, b, extent = pad_row_interior(part)
    inner = sch.get_loops(block)[-1]
    factors = ([a, b - a, None] if b < extent else [a, None]) if a else [b, None]
    loops = sch.loop_partition(inner, factors)
    leaf = sch.get_child_blocks(loops[1 if a else 0])[0]
    n_axes = len(sch.get(leaf).writes[0].region)
    if n_axes >= 2:
        sch.storage_align(leaf, 0, n_axes - 2, 16, 0)


def _vectorize_inner(sch, block, lanes: int, n_outer: int = 0) -> None:
    """Vectorize the innermost loop of ``block`` when its extent is a small multiple of the lanes."""
    loops = sch.get_loops(block)
    if not loops:
        return
    inner = loops[-1]
    ext = _extent(sch, inner)
    if ext is None or ext <= 1:
        return
    if sch.get(inner).kind != ForKind.SERIAL:
        # unit inner loops were dropped by compute_at: ``inner`` is the parallel loop the block sits in,
        # and vectorizing it would vectorize (and miscompile) the whole tile
        return
    if ext <= 64:
        sch.vectorize(inner)
    else:
        # a tail (ext % lanes != 0) becomes a predicated last vector
        _, vi = sch.split(inner, [None, lanes])
        sch.vectorize(vi)


def _extent(sch, loop) -> Optional[int]:
    try:
        return int(sch.get(loop).extent)
    except (TypeError, ValueError):
        return None


def compute_producer_at(sch, part, loop, lanes: int, knobs: Optional[Knobs] = None, row_block: int = 0) -> None:
    """Compute an earlier chain part (and its padded input) at ``loop`` of its consumer.

    Its spatial tile is whatever the consumer's tile needs (halo included).  By default the
    reductions go outside the innermost spatial loop, which is vectorized.  With ``row_block``
    (and ``knobs``) the tile is *register-blocked*: a knob-sized block of rows times one vector,
    the taps unrolled inside it, so the accumulators stay in registers and an input row loaded for
    one output row serves the next rows' taps (a 7-tap pass along H over a block of 6 rows loads
    12 input rows instead of 42).  The padded input is then inlined when it pads no innermost axis:
    its bounds check depends on the row alone, the same for every lane, and no tile copy is made.
    """
    blk = sch.get_sblock(part.name)
    sch.compute_at(blk, loop, preserve_unit_loops=True)
    loops = sch.get_loops(blk)
    target = sch.get_sref(loop)
    pos = next(i for i, lp in enumerate(loops) if sch.get_sref(lp).same_as(target))
    inner = loops[pos + 1:]
    n_red = _n_red(part)
    sp, red = (inner[:-n_red], inner[-n_red:]) if n_red else (inner, [])
    blocked = bool(row_block) and knobs is not None and part.geom.ndim >= 2 and len(sp) >= 2
    # no spatial loop left (all unit extents): nothing to tile, but the pad block below must still
    # move under ``loop``, or computing the next producer there fails
    if sp:
        try:
            if not (blocked and _tile_producer_blocked(sch, blk, sp, red, lanes, knobs, row_block, part)):
                _tile_producer(sch, blk, sp, red, lanes)
        except ScheduleError:
            # with unit axes dropped, the loops left can be the halo'd row loop, whose overlapping
            # (non-affine) binding TVM refuses to reorder/vectorize/decompose: leave the loops as
            # compute_at made them (every primitive preserves the result)
            pass
    pad = f"{part.name}_pad"
    if has_block(sch, pad):
        if blocked and tuple(part.geom.padding[-1]) == (0, 0) and int(part.geom.stride[-1]) == 1:
            sch.compute_inline(sch.get_sblock(pad))
        else:
            sch.compute_at(sch.get_sblock(pad), loop, preserve_unit_loops=True)
            _vectorize_inner(sch, sch.get_sblock(pad), lanes)


def _tile_producer_blocked(sch, blk, sp, red, lanes: int, knobs: Knobs, row_block: int, part) -> bool:
    """rows / row block, W / vector, taps, row block (unrolled), vector: accumulators in registers.

    Returns False (nothing changed) when the tile's extents are not static."""
    h, w = sp[-2], sp[-1]
    h_ext, w_ext = _extent(sch, h), _extent(sch, w)
    if h_ext is None or w_ext is None:
        return False
    ho, hi = knobs.split(h, h_ext, [best_divisor(h_ext, row_block)], max_innermost=12)
    if w_ext <= 64:
        wo, wi = [], w
    else:
        # a tail (w_ext % lanes != 0) becomes a predicated last vector
        w_o, wi = sch.split(w, [None, lanes])
        wo = [w_o]
    sch.reorder(*sp[:-2], ho, *wo, *red, hi, wi)
    g = part.geom
    if g.in_channels // g.groups == 1:   # taps only (a channel reduction stays a loop)
        for t in red:
            sch.unroll(t)
    sch.unroll(hi)
    if w_ext > 1:
        sch.vectorize(wi)
    if red:
        sch.decompose_reduction(blk, red[0])
    return True


def _tile_producer(sch, blk, sp, red, lanes: int) -> None:
    """Reductions outside the innermost spatial loop, which is vectorized; then decompose."""
    if red:
        sch.reorder(*sp[:-1], *red, sp[-1])
    ext = _extent(sch, sp[-1])
    vi = None
    if ext is not None and ext > 1:
        if ext <= 64:
            vi = sp[-1]
        elif ext % lanes == 0:
            _, vi = sch.split(sp[-1], [None, lanes])
        if vi is not None:
            sch.vectorize(vi)
    if red:
        sch.decompose_reduction(blk, red[0])


def _n_red(part) -> int:
    g = part.geom
    return (1 if g.in_channels // g.groups > 1 else 0) + sum(1 for k in g.kernel if k > 1)
