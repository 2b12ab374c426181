"""Schedules of the graph level's blocked-layout kernels (``N, C/B, H, W, B``, ``B`` = the vector width).

* pointwise, a GEMM micro-kernel: a tile of ``pt`` pixels x ``obt`` channel blocks of accumulators kept in
  registers (a local cache), the ``B`` output channels of a block one vector, the input channel a
  broadcast scalar; reduction over input blocks and their lanes inside; tiles of (channel blocks,
  pixels) parallel; the epilogue (bias, activation, residual) applied at the tile.
* depthwise: a row tile of ``jt`` output columns, each one vector over the channel block; taps unrolled;
  rows of channel blocks parallel; the zero padding read inline (its test is the same for every lane,
  so the loads stay vector loads).
"""
from __future__ import annotations

#: pixels of a pointwise register tile, in order of preference (tile = pixels x channel-block vectors)
PIXEL_TILES = (6, 7, 8, 4, 5, 3, 2)
#: output columns of a depthwise register tile
COLUMN_TILES = (8, 7, 6, 4, 5, 3, 2)
#: most accumulator vectors a tile may hold (AVX2 and NEON have 16 / 32 vector registers)
MAX_ACCUMULATORS = 12


def _extent(sch, loop) -> int:
    return int(sch.get(loop).extent)


def _first_divisor(n: int, prefs) -> int:
    return next((t for t in prefs if n % t == 0), 1)


def _epilogue_at(sch, acc, loop, lanes: int) -> None:
    """The epilogue applied as the accumulators are written back (no intermediate tensor), or, where TIR
    refuses that, at the tile."""
    ob = sch.get_sblock("conv_out")
    try:
        sch.reverse_compute_inline(ob)
    except Exception:  # noqa: BLE001 - not inlinable: its own loop nest at the tile
        sch.reverse_compute_at(ob, loop, preserve_unit_loops=True)
        inner = sch.get_loops(ob)[-1]
        if _extent(sch, inner) == lanes:
            sch.vectorize(inner)


def schedule_blocked(sch, kind: str, lanes: int, cores: int) -> None:
    blk = sch.get_sblock("conv")
    if kind == "pointwise":
        n, ob, h, w, oi, rcb, rci = sch.get_loops(blk)
        p = sch.fuse(h, w)
        pixels = _extent(sch, p)
        pt = _first_divisor(pixels, PIXEL_TILES)
        n_ob = _extent(sch, ob)
        obt = 2 if n_ob % 2 == 0 and 2 * pt <= MAX_ACCUMULATORS else 1
        po, pi = sch.split(p, [None, pt])
        obo, obi = sch.split(ob, [None, obt])
        sch.reorder(n, obo, po, rcb, rci, pi, obi, oi)
        par = sch.fuse(n, obo, po)
        sch.parallel(par)
        acc = sch.cache_write(blk, 0, "local")
        sch.reverse_compute_at(acc, par, preserve_unit_loops=True)
        sch.vectorize(sch.get_loops(acc)[-1])
        _epilogue_at(sch, acc, par, lanes)
        sch.vectorize(oi)
        sch.unroll(obi)
        sch.unroll(pi)
        sch.unroll(rci)
        sch.decompose_reduction(blk, rcb)
        return
    if kind == "depthwise":
        try:
            sch.compute_inline(sch.get_sblock("conv_pad"))
        except Exception:  # noqa: BLE001 - no padding: no pad block
            pass
        n, cb, i, j, ci, rh, rw = sch.get_loops(blk)
        jt = _first_divisor(_extent(sch, j), COLUMN_TILES)
        jo, ji = sch.split(j, [None, jt])
        sch.reorder(n, cb, i, jo, rh, rw, ji, ci)
        par = sch.fuse(n, cb, i)
        sch.parallel(par)
        acc = sch.cache_write(blk, 0, "local")
        sch.reverse_compute_at(acc, jo, preserve_unit_loops=True)
        sch.vectorize(sch.get_loops(acc)[-1])
        _epilogue_at(sch, acc, jo, lanes)
        sch.vectorize(ci)
        sch.unroll(ji)
        sch.unroll(rw)
        sch.unroll(rh)
        sch.decompose_reduction(blk, rh)
        return
    raise ValueError(f"no blocked schedule for {kind!r}")
