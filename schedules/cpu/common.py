"""The CPU schedule of one convolution part, shared by every CPU template.

Loop nest it builds (``d`` spatial axes, ``W`` the innermost one)::

    parallel  n, o_outer, s_0..s_{d-3}, h_outer          (fused)
      [pad tile computed here: halo rows reused by the whole tile]
      for w_outer
        for reductions (channels in group, kernel taps)
          unrolled   o_inner, h_inner
            vector   w_inner
      [epilogue of the whole parallel tile: bias, cast]

Knobs: the inner tiles of output channels, rows and the vector width.  The
defaults are perfect divisors of the extents, so no tail predicate spoils the
vectorized loop.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..knobs import Knobs, best_divisor


@dataclass(frozen=True)
class ConvDefaults:
    oc_tile: int = 1          # output channels per register tile
    row_tile: int = 1         # output rows per register tile
    vec_lanes: int = 16       # target vector width (elements)
    flatten_spatial: bool = False  # pointwise: treat all spatial axes as one


def _has_block(sch, name: str) -> bool:
    try:
        sch.get_sblock(name)
        return True
    except Exception:  # noqa: BLE001 - TVM raises its own ScheduleError type
        return False


def schedule_conv_part(sch, part, knobs: Knobs, d: ConvDefaults) -> None:
    """Schedule the blocks of one conv part (``part.name`` and its pad/epilogue blocks)."""
    g = part.geom
    nd = g.ndim
    out_sp = g.out_shape[2:]
    blk = sch.get_sblock(part.name)
    loops = sch.get_loops(blk)
    n_loop, o_loop = loops[0], loops[1]
    sp_loops = list(loops[2:2 + nd])
    red = list(loops[2 + nd:])
    pointwise_flat = d.flatten_spatial and nd > 1
    if pointwise_flat:
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

    vec = best_divisor(w_ext, d.vec_lanes, prefer_multiple_of=8 if w_ext % 8 == 0 else 1)
    wo, wi = knobs.split(w_loop, w_ext, [vec], max_innermost=64)
    oc = best_divisor(g.out_channels, d.oc_tile)
    oo, oi = knobs.split(o_loop, g.out_channels, [oc], max_innermost=16)
    if h_loop is not None:
        rt = best_divisor(h_ext, d.row_tile)
        ho, hi = knobs.split(h_loop, h_ext, [rt], max_innermost=8)
        sch.reorder(n_loop, oo, *outer_sp, ho, wo, *red, oi, hi, wi)
        par = sch.fuse(n_loop, oo, *outer_sp, ho)
    else:
        hi = None
        sch.reorder(n_loop, oo, wo, *red, oi, wi)
        par = sch.fuse(n_loop, oo)
    sch.parallel(par)
    pad = f"{part.name}_pad"
    if _has_block(sch, pad):
        sch.compute_at(sch.get_sblock(pad), par)
    out = f"{part.name}_out"
    if _has_block(sch, out):
        ob = sch.get_sblock(out)
        sch.reverse_compute_at(ob, par)
        ob_loops = sch.get_loops(ob)
        # when the tile's inner extents are all 1, reverse_compute_at leaves the epilogue directly under
        # the parallel loop; vectorizing ``par`` itself would miscompile the whole tile
        if len(ob_loops) > 1:
            sch.vectorize(ob_loops[-1])
    sch.vectorize(wi)
    sch.unroll(oi)
    if hi is not None:
        sch.unroll(hi)
    if red:
        sch.decompose_reduction(blk, red[0])
