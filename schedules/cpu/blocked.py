"""Schedules of the graph level's blocked-layout kernels (``N, C/B, H, W, B``, ``B`` = the vector width).

* pointwise, a GEMM micro-kernel: a tile of ``pt`` pixels x ``obt`` channel blocks of accumulators kept in
  registers (a local cache), the ``B`` output channels of a block one vector, the input channel a
  broadcast scalar; reduction over input blocks and their lanes inside; tiles of (channel blocks,
  pixels) parallel; the epilogue (bias, activation, residual) applied at the tile.
* direct (any other convolution, groups 1 or one block per group): the pointwise micro-kernel with the
  taps and the input block inside the reduction (with several groups in a block, each group's lanes a
  vector of the group's width, its reduction the group's channels); each parallel row of tiles first copies the padded
  input rows it reads into a buffer (``pad`` "row": stem 3->32 s2 at 224x224 232 -> 141 us, RegNet's
  grouped 3x3s up to 3x faster) or reads the padding inline (``pad`` "inline", the search tries both).
* dense (a linear layer, ``x [M, C] @ W``): the pointwise micro-kernel with ``mt`` rows for pixels, ``kt``
  reduction steps unrolled; tiles of (rows, channel blocks) parallel in the order of ``order``.
* expand_dw (an inverted-residual block's expansion and depthwise layer in one kernel): parallel over
  (channel block, tiles of ``rt`` output rows); per tile, the expansion computed for the input rows the
  tile needs (its micro-kernel ``tw`` pixels x one channel block, the epilogue at the tile) into a tile
  buffer, then the depthwise row tiles of ``jt`` columns read it.  Rows shared by two tiles are computed
  twice (``kh - stride`` per tile): a larger ``rt`` computes less twice, a smaller one keeps the buffer
  in L1 and gives more parallel tasks.
* depthwise: a row tile of ``jt`` output columns, each one vector over the channel block; taps unrolled.
  With ``rt`` > 0, tiles of ``rt`` output rows of a channel block are the parallel tasks and each first
  copies the padded input rows it reads into a buffer, so the taps load without a bounds test (planes up
  to 28x28 by default: 1.4-2.8x faster there); with ``rt`` 0, rows of channel blocks are parallel and the
  zero padding is read inline (its test is the same for every lane, so the loads stay vector loads).
"""
from __future__ import annotations

#: pixels of a pointwise register tile, in order of preference (tile = pixels x channel-block vectors)
PIXEL_TILES = (6, 7, 8, 4, 5, 3, 2)
#: output columns of a depthwise register tile
COLUMN_TILES = (8, 7, 6, 4, 5, 3, 2)
#: most accumulator vectors a tile may hold with 16 vector registers (AVX2; NEON's 32 are kept to this too)
MAX_ACCUMULATORS = 12
#: ... and with AVX-512's 32 (measured here, 16 lanes: 96->576 at 14x14 57 -> 52 us with 7 pixels x 3 blocks,
#: 24->144 at 56x56 74 -> 66 us with 8 x 3, 160->960 at 7x7 44 -> 35 us with 7 x 3)
MAX_ACCUMULATORS_AVX512 = 24


def accumulators_for(vector_bits: int) -> int:
    """The most accumulator vectors a register tile may hold on a target of ``vector_bits``-wide vectors."""
    return MAX_ACCUMULATORS_AVX512 if vector_bits >= 512 else MAX_ACCUMULATORS


def _extent(sch, loop) -> int:
    return int(sch.get(loop).extent)


def _has_block(sch, name: str) -> bool:
    try:
        sch.get_sblock(name)
        return True
    except Exception:  # noqa: BLE001 - no such block
        return False


def _first_divisor(n: int, prefs) -> int:
    return next((t for t in prefs if n % t == 0), 1)


def _epilogue_at(sch, acc, loop, lanes: int, name: str = "conv_out") -> None:
    """The epilogue (block ``name``) applied as the accumulators are written back (no intermediate tensor),
    or, where TIR refuses that, at the tile."""
    ob = sch.get_sblock(name)
    try:
        sch.reverse_compute_inline(ob)
    except Exception:  # noqa: BLE001 - not inlinable: its own loop nest at the tile
        sch.reverse_compute_at(ob, loop, preserve_unit_loops=True)
        inner = sch.get_loops(ob)[-1]
        if _extent(sch, inner) == lanes:
            sch.vectorize(inner)


def _register_tile(sch, blk, outer, red, tile, oi, lanes: int, unroll_red, pad=None, keep: int = 0) -> None:
    """The GEMM micro-kernel shared by pointwise, direct and dense: ``outer`` loops fused and parallel, the
    reduction ``red`` inside, a register tile ``tile`` x the vector ``oi`` of accumulators in a local cache
    written back through the epilogue; the tile and ``unroll_red`` unrolled.  With a ``pad`` block, the last
    ``keep`` outer loops stay serial inside the parallel one, under which the padded input the tiles read
    is copied into a buffer first (no bounds test in the reduction)."""
    sch.reorder(*outer, *red, *tile, oi)
    head = outer[:len(outer) - keep]
    par = sch.fuse(*head) if len(head) > 1 else head[0]
    anchor = par if keep == 0 else outer[-1]
    sch.parallel(par)
    if pad is not None:
        sch.compute_at(pad, par)
        inner = sch.get_loops(pad)[-1]
        if _extent(sch, inner) == lanes:
            sch.vectorize(inner)
    acc = sch.cache_write(blk, 0, "local")
    sch.reverse_compute_at(acc, anchor, preserve_unit_loops=True)
    sch.vectorize(sch.get_loops(acc)[-1])
    _epilogue_at(sch, acc, anchor, lanes)
    sch.vectorize(oi)
    for loop in reversed(tile):
        sch.unroll(loop)
    for loop in unroll_red:
        sch.unroll(loop)
    sch.decompose_reduction(blk, red[0])


#: depthwise: output planes up to this many pixels pad each tile of rows into a buffer first (``rt`` rows per
#: task, default the whole plane of one channel block), larger ones read the input with the padding
#: inlined as a bounds check (``rt`` 0).  Measured here, 3x3: 960@7x7 32 -> 11.5 us, 576@14x14 29 -> 19,
#: 384@14x14 32 -> 12.7, 192@28x28 29 -> 27; 32@112x112 and 144@56x56 s2 no better or worse
DW_PAD_PLANE = 28 * 28

#: bump when a change to these schedules makes recorded knob choices meaningless
TEMPLATE_VERSION = 2


def _pixel_tile(oh: int, ow: int, want: int) -> tuple[int, int]:
    """(rows, columns) of a pixel tile of about ``want`` pixels that divides the plane (a tile never spans
    a partial row: TVM 0.27 infers a wrong region for a tile of a fused row x column index)."""
    for tw in (want, *COLUMN_TILES):
        if tw <= want and ow % tw == 0:
            th = next((t for t in (want // tw, 2, 1) if t >= 1 and oh % t == 0 and t * tw <= want), 1)
            return th, tw
    return 1, 1


#: rows of a dense register tile, in order of preference
ROW_TILES = (4, 6, 7, 8, 3, 5, 2, 1)


def _dense_default(in_channels: int, out_blocks: int, rows: int, acc: int = MAX_ACCUMULATORS) -> dict:
    mt = _first_divisor(rows, ROW_TILES)
    obt = next(o for o in (3, 2, 1) if out_blocks % o == 0 and mt * o <= acc)
    return {"mt": mt, "obt": obt, "kt": _first_divisor(in_channels, (8, 4, 2)),
            "order": "px" if rows >= out_blocks * 8 else "co"}


#: output rows of an expand_dw tile, in order of preference
ROW_TILES_BLOCK = (14, 8, 7, 16, 4, 6, 5, 3, 2)
#: pixels of an expand_dw expansion tile
EXPAND_TILES = (8, 7, 4, 6, 5, 3, 2)


def _block_default(out_blocks: int, oh: int, ow: int, iw: int, cores: int = 2) -> dict:
    rt = next((t for t in ROW_TILES_BLOCK if oh % t == 0 and out_blocks * (oh // t) >= 4 * cores),
              next((t for t in ROW_TILES_BLOCK if oh % t == 0), oh))
    return {"rt": rt, "jt": _first_divisor(ow, COLUMN_TILES), "tw": _first_divisor(iw, EXPAND_TILES)}


#: an mbconv task's tile buffers (the expanded rows it filters and the filtered rows it projects) are kept
#: to about this many bytes (L2 is 1.25-2 MB a core on the x86 hosts measured here)
MBCONV_TILE_BYTES = 1 << 20


def _mbconv_rows(oh: int, ih: int, iw: int, ow: int, stride: int, kh: int, expanded: int, cores: int,
                 limit: int = MBCONV_TILE_BYTES, expand: bool = True) -> list[int]:
    """Output rows per mbconv task that divide the plane, give every core a task and whose tile buffers fit
    ``limit`` bytes, largest first (fewer rows computed twice); at least the smallest divisor.  Without an
    expansion the only buffer is the filtered rows'."""
    def nbytes(rt):
        return ((min(ih, (rt - 1) * stride + kh) * iw if expand else 0) + rt * ow) * expanded * 4
    divs = [t for t in range(oh, 0, -1) if oh % t == 0]
    ok = [t for t in divs if oh // t >= cores and nbytes(t) <= limit]
    even = [t for t in ok if (oh // t) % cores == 0]
    return even + [t for t in ok if t not in even] or [divs[-1]]


def _register_pair(cols: int, blocks: int, acc: int, prefs=(8, 7, 6, 4, 5, 3, 2)) -> tuple[int, int]:
    """(pixels, channel blocks) of a one-row register tile: the most pixels dividing ``cols``, then the most
    blocks (3, 2, 1) dividing ``blocks`` within ``acc`` accumulators."""
    tw = _first_divisor(cols, prefs)
    return tw, next(o for o in (3, 2, 1) if blocks % o == 0 and tw * o <= acc)


def _mbconv_default(out_blocks: int, oh: int, ow: int, ih: int, iw: int, stride: int, kh: int,
                    expanded: int, eblk: int, cores: int = 2, acc: int = MAX_ACCUMULATORS, expand: bool = True) -> dict:
    tw, obt = _register_pair(ow, out_blocks, acc)
    out = {"rt": _mbconv_rows(oh, ih, iw, ow, stride, kh, expanded, cores, expand=expand)[0], "tw": tw, "obt": obt,
           "jt": _first_divisor(ow, COLUMN_TILES)}
    if expand:
        out["etw"], out["eobt"] = _register_pair(iw, expanded // eblk, acc)
    return out


def mbconv_candidates(out_blocks: int, oh: int, ow: int, ih: int, iw: int, stride: int, kh: int, expanded: int,
                      eblk: int, cores: int = 2, acc: int = MAX_ACCUMULATORS, expand: bool = True) -> list[dict]:
    """Every knob setting of an mbconv block a search measures, the default first: up to three row tiles
    x two projection tiles x two expansion tiles (with an expansion) x two depthwise column tiles."""
    d = _mbconv_default(out_blocks, oh, ow, ih, iw, stride, kh, expanded, eblk, cores, acc, expand)
    out = [d]
    tiles = [(d["tw"], d["obt"])] + [(tw, o) for tw in (4, 7, 8) for o in (1, 2, 3)
                                     if ow % tw == 0 and out_blocks % o == 0 and 4 <= tw * o <= acc][:1]
    etiles = [(d["etw"], d["eobt"])] + [(tw, o) for tw in (4, 7, 8) for o in (2, 1, 3)
                                        if iw % tw == 0 and (expanded // eblk) % o == 0 and 4 <= tw * o <= acc
                                        and (tw, o) != (d["etw"], d["eobt"])][:1] if expand else [None]
    jts = dict.fromkeys([d["jt"], *(j for j in (7, 4, 8) if ow % j == 0)][:2])
    for rt in _mbconv_rows(oh, ih, iw, ow, stride, kh, expanded, cores, expand=expand)[:3]:
        for tw, obt in dict.fromkeys(tiles):
            for et in dict.fromkeys(etiles):
                for jt in jts:
                    k = {"rt": rt, "tw": tw, "obt": obt, "jt": jt}
                    if et is not None:
                        k["etw"], k["eobt"] = et
                    if k not in out:
                        out.append(k)
    return out


def default_knobs(kind: str, in_channels: int, out_blocks: int, oh: int, ow: int, iw: int = 0,
                  acc: int = MAX_ACCUMULATORS) -> dict:
    """The knobs used without a recorded search (``acc``: :func:`accumulators_for` the target).  Pointwise
    with 12 accumulators: 4 pixels x 2 channel blocks where the reduction is long (C >= 64) and the channel
    blocks pair up (measured on AVX2: 96->576 at 14x14 251 -> 155 us, 512->512 720 -> 611 us), else about
    7-8 pixels x 1 block (a short reduction is bound by its stores: 16->96 at 112x112 630 us against 786
    with 4 x 2); with 24 (AVX-512): 7-8 pixels x 3 blocks, or 2 or 1 where 3 do not divide."""
    if kind in ("pointwise", "direct"):
        pad = {"pad": "row"} if kind == "direct" else {}
        if acc >= MAX_ACCUMULATORS_AVX512:
            th, tw = _pixel_tile(oh, ow, 8)
            obt = next(o for o in (3, 2, 1) if out_blocks % o == 0 and th * tw * o <= acc)
            return {"th": th, "tw": tw, "obt": obt, "order": "co", **pad}
        if in_channels >= 64 and out_blocks % 2 == 0:
            th, tw = _pixel_tile(oh, ow, 4)
            if th * tw >= 3:
                return {"th": th, "tw": tw, "obt": 2, "order": "co", **pad}
        th, tw = _pixel_tile(oh, ow, 8)
        obt = 2 if out_blocks % 2 == 0 and 2 * th * tw <= MAX_ACCUMULATORS else 1
        return {"th": th, "tw": tw, "obt": obt, "order": "co", **pad}
    if kind == "dense":
        return _dense_default(in_channels, out_blocks, oh, acc)
    if kind == "expand_dw":
        return _block_default(out_blocks, oh, ow, iw or ow)
    return {"jt": _first_divisor(ow, COLUMN_TILES), "rt": oh if oh * ow <= DW_PAD_PLANE else 0}


def candidate_knobs(kind: str, in_channels: int, out_blocks: int, oh: int, ow: int, iw: int = 0,
                    padded: bool = True, acc: int = MAX_ACCUMULATORS) -> list[dict]:
    """Every knob setting a search measures (the default first); ``iw``: the input's width (expand_dw);
    ``padded``: whether a direct convolution pads its input (else its ``pad`` knob means nothing); ``acc``:
    the most accumulators a register tile may hold (:func:`accumulators_for`)."""
    out = [default_knobs(kind, in_channels, out_blocks, oh, ow, iw, acc)]
    if kind == "direct" and not padded:
        out[0]["pad"] = "inline"
    if kind == "expand_dw":
        jt = out[0]["jt"]
        for rt in (*ROW_TILES_BLOCK, oh):
            for tw in EXPAND_TILES[:3]:
                k = {"rt": rt, "jt": jt, "tw": tw}
                if oh % rt == 0 and (iw or ow) % tw == 0 and k not in out:
                    out.append(k)
        return out
    if kind in ("pointwise", "direct"):
        for tw in (4, 7, 8, 2, 6, 3, 5, 1):
            for th in (1, 2, 3, 4):
                for obt in (1, 2, 3, 4, 6):
                    for pad in (("row", "inline") if padded else ("inline",)) if kind == "direct" else (None,):
                        k = {"th": th, "tw": tw, "obt": obt, "order": "co"}
                        if pad is not None:
                            k["pad"] = pad
                        if ow % tw == 0 and oh % th == 0 and out_blocks % obt == 0 and th * tw <= 8 \
                                and 4 <= th * tw * obt <= acc and k not in out:
                            out.append(k)
        if kind == "pointwise" and acc >= MAX_ACCUMULATORS_AVX512:
            # with 32 registers, tiles of 9-16 pixels, for channel counts whose blocks pair badly (RegNet's
            # 208 = 13 x 16: 208->208 at 14x14 89 -> 70 us with 14 pixels x 1 block)
            for tw in (14, 7, 8, 4, 16, 6, 12):
                for th in (1, 2, 3, 4):
                    for obt in (1, 2):
                        k = {"th": th, "tw": tw, "obt": obt, "order": "co"}
                        if ow % tw == 0 and oh % th == 0 and out_blocks % obt == 0 and 8 < th * tw <= 16 \
                                and th * tw * obt <= acc and k not in out:
                            out.append(k)
    elif kind == "dense":
        kt = out[0]["kt"]
        for mt in ROW_TILES:
            for obt in (3, 2, 4, 6, 1):
                for order in ("px", "co"):
                    k = {"mt": mt, "obt": obt, "kt": kt, "order": order}
                    if oh % mt == 0 and out_blocks % obt == 0 and mt * obt <= acc \
                            and (mt * obt >= 4 or oh < 4) and k not in out:
                        out.append(k)
    else:
        rts = [0, oh] + [t for t in ROW_TILES_BLOCK if oh % t == 0 and t < oh and out_blocks * (oh // t) >= 8][:2]
        for jt in (4, 7, 8, 6, 5, 3, 2):
            for rt in dict.fromkeys(rts):
                k = {"jt": jt, "rt": rt}
                if ow % jt == 0 and k not in out:
                    out.append(k)
    return out


def schedule_blocked(sch, kind: str, lanes: int, cores: int, knobs: dict | None = None,
                     acc: int = MAX_ACCUMULATORS) -> dict:
    """Schedule the blocked kernel in ``sch``; returns the knobs used (``knobs``, or the defaults for a
    target whose register tiles hold ``acc`` accumulators)."""
    blk = sch.get_sblock("conv")
    if kind == "pointwise" and _has_block(sch, "conv_scale"):
        # the weights scaled per input channel (a squeeze-excitation's gate), parallel over output blocks
        sn, sob, sc, soi = sch.get_loops(sch.get_sblock("conv_scale"))
        sch.parallel(sch.fuse(sn, sob))
        sch.vectorize(soi)
    if kind in ("pointwise", "direct"):
        try:
            pad = sch.get_sblock("conv_pad")
        except Exception:  # noqa: BLE001 - no padding: no pad block
            pad = None
        if pad is not None and (knobs or {}).get("pad", "row" if knobs is None else "inline") == "inline":
            sch.compute_inline(pad)      # (records from before the knob: inline)
            pad = None
        loops = sch.get_loops(blk)
        n, ob, h, w, oi = loops[:5]
        red = loops[5:]           # pointwise: rcb, rci; direct: (rcb,) rh, rw, rci
        n_red = 1
        for r in red:
            n_red *= _extent(sch, r)
        # a grouped direct convolution with several groups per block (rh, rw and a group's channels, shorter
        # than the block): each group's output lanes one vector of its width, the input lane it multiplies a
        # broadcast (RegNet's groups of 8 in blocks of 16: half the multiply-adds of the block-diagonal taps)
        split = _extent(sch, red[-1]) if kind == "direct" and len(red) == 3 and _extent(sch, red[-1]) < lanes \
            and lanes % _extent(sch, red[-1]) == 0 else 0
        if split:
            acc //= lanes // split
        knobs = knobs or default_knobs(kind, n_red, _extent(sch, ob), _extent(sch, h), _extent(sch, w), acc=acc)
        th, tw, obt = int(knobs["th"]), int(knobs["tw"]), int(knobs["obt"])
        order = knobs.get("order", "co")
        ho, hi = sch.split(h, [None, th])
        wo, wi = sch.split(w, [None, tw])
        obo, obi = sch.split(ob, [None, obt])
        tile = (hi, wi, obi)
        if split:
            og, oi = sch.split(oi, [None, split])
            tile = (*tile, og)
        unroll = [red[-1]]
        if len(red) > 2 and _extent(sch, red[-1]) * _extent(sch, red[-2]) <= 32:   # a short row of taps
            unroll.append(red[-2])
        _register_tile(sch, blk, (n, ho, wo, obo) if order == "px" else (n, obo, ho, wo), red, tile, oi,
                       lanes, unroll, pad, (2 if order == "px" else 1) if pad is not None else 0)
        used = {"th": th, "tw": tw, "obt": obt, "order": order}
        if "pad" in knobs:
            used["pad"] = knobs["pad"]
        return used
    if kind == "dense":
        m, ob, oi, rk = sch.get_loops(blk)
        if sch.get(blk).iter_vars[0].var.name.endswith("ob"):    # the output [O/B, M, B] (out_blocked)
            ob, m = m, ob
            sch.reorder(m, ob, oi, rk)
        knobs = knobs or default_knobs(kind, _extent(sch, rk), _extent(sch, ob), _extent(sch, m), 1, acc=acc)
        mt, obt, kt, order = int(knobs["mt"]), int(knobs["obt"]), int(knobs["kt"]), knobs["order"]
        mo, mi = sch.split(m, [None, mt])
        obo, obi = sch.split(ob, [None, obt])
        ko, ki = sch.split(rk, [None, kt])
        _register_tile(sch, blk, (mo, obo) if order == "px" else (obo, mo), (ko, ki), (mi, obi), oi, lanes, [ki])
        return {"mt": mt, "obt": obt, "kt": kt, "order": order}
    if kind == "expand_dw":
        return _schedule_expand_dw(sch, lanes, cores, knobs)
    if kind == "mbconv":
        return _schedule_mbconv(sch, lanes, cores, knobs, acc)
    if kind == "depthwise":
        try:
            pad = sch.get_sblock("conv_pad")
        except Exception:  # noqa: BLE001 - no padding: no pad block
            pad = None
        n, cb, i, j, ci, rh, rw = sch.get_loops(blk)
        knobs = knobs or default_knobs(kind, 0, _extent(sch, cb), _extent(sch, i), _extent(sch, j))
        jt = int(knobs["jt"])
        rt = int(knobs.get("rt", 0))     # logs from before the knob: the padding inlined
        jo, ji = sch.split(j, [None, jt])
        if rt and pad is not None:
            io, ii = sch.split(i, [None, rt])
            sch.reorder(n, cb, io, ii, jo, rh, rw, ji, ci)
            par = sch.fuse(n, cb, io)
            sch.parallel(par)
            sch.compute_at(pad, par)
            sch.vectorize(sch.get_loops(pad)[-1])
        else:
            sch.reorder(n, cb, i, jo, rh, rw, ji, ci)
            par = sch.fuse(n, cb, i)
            sch.parallel(par)
            if pad is not None:
                sch.compute_inline(pad)
        acc = sch.cache_write(blk, 0, "local")
        sch.reverse_compute_at(acc, jo, preserve_unit_loops=True)
        sch.vectorize(sch.get_loops(acc)[-1])
        _epilogue_at(sch, acc, jo, lanes)
        sch.vectorize(ci)
        sch.unroll(ji)
        sch.unroll(rw)
        sch.unroll(rh)
        sch.decompose_reduction(blk, rh)
        return {"jt": jt, "rt": rt}
    raise ValueError(f"no blocked schedule for {kind!r}")


def _schedule_expand_dw(sch, lanes: int, cores: int, knobs: dict | None) -> dict:
    blk = sch.get_sblock("conv")
    try:
        sch.compute_inline(sch.get_sblock("conv_pad"))
    except Exception:  # noqa: BLE001 - no padding: no pad block
        pass
    n, cb, i, j, ci, rh, rw = sch.get_loops(blk)
    ex = sch.get_sblock("expand")
    iw = _extent(sch, sch.get_loops(ex)[3])
    knobs = knobs or _block_default(_extent(sch, cb), _extent(sch, i), _extent(sch, j), iw, cores)
    rt, jt, tw = int(knobs["rt"]), int(knobs["jt"]), int(knobs["tw"])
    io, ii = sch.split(i, [None, rt])
    jo, ji = sch.split(j, [None, jt])
    sch.reorder(n, cb, io, ii, jo, rh, rw, ji, ci)
    par = sch.fuse(n, cb, io)
    sch.parallel(par)
    # the expansion's rows for this tile, into a tile buffer (TIR compacts it to the rows the tile reads)
    sch.compute_at(sch.get_sblock("expand_out"), par, preserve_unit_loops=True)
    sch.compute_at(ex, par, preserve_unit_loops=True)
    # the depthwise register tile, as in the depthwise schedule
    acc = sch.cache_write(blk, 0, "local")
    sch.reverse_compute_at(acc, jo, preserve_unit_loops=True)
    sch.vectorize(sch.get_loops(acc)[-1])
    _epilogue_at(sch, acc, jo, lanes)
    sch.vectorize(ci)
    sch.unroll(ji)
    sch.unroll(rw)
    sch.unroll(rh)
    sch.decompose_reduction(blk, rh)
    # the expansion's micro-kernel: tw pixels x one channel block of accumulators
    h, w, eci, rcb, rci = sch.get_loops(ex)[-5:]
    wo, wi = sch.split(w, [None, tw])
    sch.reorder(h, wo, rcb, rci, wi, eci)
    eacc = sch.cache_write(ex, 0, "local")
    sch.reverse_compute_at(eacc, wo, preserve_unit_loops=True)
    sch.vectorize(sch.get_loops(eacc)[-1])
    eo = sch.get_sblock("expand_out")
    try:
        sch.reverse_compute_inline(eo)
    except Exception:  # noqa: BLE001 - its own loop nest at the tile
        sch.reverse_compute_at(eo, wo, preserve_unit_loops=True)
        sch.vectorize(sch.get_loops(eo)[-1])
    sch.vectorize(eci)
    sch.unroll(wi)
    sch.unroll(rci)
    sch.decompose_reduction(ex, rcb)
    return {"rt": rt, "jt": jt, "tw": tw}


def _mbconv_shape(sch) -> dict:
    """The sizes :func:`mbconv_candidates` needs, read from an mbconv PrimFunc's blocks."""
    n, ob, h, w, oi, rcb, rci = sch.get_loops(sch.get_sblock("conv"))
    dn, dcb, di, dj, dci, rh, rw = sch.get_loops(sch.get_sblock("dw"))
    expand = _has_block(sch, "expand")
    if expand:
        en, ecb, eh, ew, eci = sch.get_loops(sch.get_sblock("expand"))[:5]
        ih, iw = _extent(sch, eh), _extent(sch, ew)
    else:                  # the depthwise layer reads the kernel's input
        reader = sch.get(sch.get_sblock("dw_pad" if _has_block(sch, "dw_pad") else "dw"))
        x = next(r.source for r in reader.reads if r.source.name == "x")
        ih, iw = (int(d) for d in x.shape[2:4])
    oh = _extent(sch, h)
    return {"out_blocks": _extent(sch, ob), "oh": oh, "ow": _extent(sch, w), "ih": ih, "iw": iw,
            "stride": max(1, round(ih / oh)), "kh": _extent(sch, rh),
            "expanded": _extent(sch, dcb) * _extent(sch, dci), "eblk": _extent(sch, dci), "expand": expand}


def _schedule_mbconv(sch, lanes: int, cores: int, knobs: dict | None, acc: int) -> dict:
    """Parallel over tiles of ``rt`` output rows; per tile, the expansion's rows (micro-kernel ``etw`` pixels x
    ``eobt`` channel blocks) into one tile buffer, the depthwise rows (``jt`` columns a register tile) into
    another, then the projection's micro-kernel (``tw`` pixels x ``obt`` blocks) reading it, its epilogue
    (bias, residual) at the tile.  Rows two tiles share are expanded twice (``kh - stride`` a tile)."""
    try:
        sch.compute_inline(sch.get_sblock("dw_pad"))
    except Exception:  # noqa: BLE001 - no padding: no pad block
        pass
    expand = _has_block(sch, "expand")
    knobs = knobs or _mbconv_default(**_mbconv_shape(sch), cores=cores, acc=acc)
    rt, tw, obt, jt = int(knobs["rt"]), int(knobs["tw"]), int(knobs["obt"]), int(knobs["jt"])
    blk = sch.get_sblock("conv")
    n, ob, h, w, oi, rcb, rci = sch.get_loops(blk)
    io, ii = sch.split(h, [None, rt])
    wo, wi = sch.split(w, [None, tw])
    obo, obi = sch.split(ob, [None, obt])
    sch.reorder(n, io, ii, wo, obo, rcb, rci, wi, obi, oi)
    par = sch.fuse(n, io)
    sch.parallel(par)
    # the depthwise rows of this tile, and the expanded rows they read, into tile buffers
    for name in ("dw_out", "dw", *(("expand_out", "expand") if expand else ())):
        sch.compute_at(sch.get_sblock(name), par, preserve_unit_loops=True)
    # the projection: pointwise micro-kernel over the filtered tile
    pacc = sch.cache_write(blk, 0, "local")
    sch.reverse_compute_at(pacc, obo, preserve_unit_loops=True)
    sch.vectorize(sch.get_loops(pacc)[-1])
    _epilogue_at(sch, pacc, obo, lanes)
    sch.vectorize(oi)
    sch.unroll(obi)
    sch.unroll(wi)
    sch.unroll(rci)
    sch.decompose_reduction(blk, rcb)
    # the depthwise register tile, as in the depthwise schedule
    dwb = sch.get_sblock("dw")
    cb, i, j, ci, rh, rw = sch.get_loops(dwb)[-6:]
    jo, ji = sch.split(j, [None, jt])
    sch.reorder(cb, i, jo, rh, rw, ji, ci)
    dacc = sch.cache_write(dwb, 0, "local")
    sch.reverse_compute_at(dacc, jo, preserve_unit_loops=True)
    sch.vectorize(sch.get_loops(dacc)[-1])
    _epilogue_at(sch, dacc, jo, lanes, "dw_out")
    sch.vectorize(ci)
    sch.unroll(ji)
    sch.unroll(rw)
    sch.unroll(rh)
    sch.decompose_reduction(dwb, rh)
    if not expand:
        return {"rt": rt, "tw": tw, "obt": obt, "jt": jt}
    # the expansion's micro-kernel: etw pixels x eobt channel blocks
    etw, eobt = int(knobs["etw"]), int(knobs["eobt"])
    ex = sch.get_sblock("expand")
    ecb, eh, ew, eci, ercb, erci = sch.get_loops(ex)[-6:]
    ewo, ewi = sch.split(ew, [None, etw])
    eco, eci_b = sch.split(ecb, [None, eobt])
    sch.reorder(eco, eh, ewo, ercb, erci, ewi, eci_b, eci)
    eacc = sch.cache_write(ex, 0, "local")
    sch.reverse_compute_at(eacc, ewo, preserve_unit_loops=True)
    sch.vectorize(sch.get_loops(eacc)[-1])
    _epilogue_at(sch, eacc, ewo, lanes, "expand_out")
    sch.vectorize(eci)
    sch.unroll(eci_b)
    sch.unroll(ewi)
    sch.unroll(erci)
    sch.decompose_reduction(ex, ercb)
    return {"rt": rt, "tw": tw, "obt": obt, "jt": jt, "etw": etw, "eobt": eobt}
