"""A default CPU schedule for any PrimFunc the graph level does not generate itself.

Whole-model compilation legalizes the operators sepgen has no template for (pooling,
layer norm, matmul, the elementwise ops Relax fused together) into plain TIR loop
nests.  Built as they come they would run single-threaded scalar loops.  This schedule
gives every such function:

* producers inlined into their consumers where TIR allows it (a fused chain of
  elementwise ops becomes one loop nest),
* for a spatial block: its loops fused, split into whole vectors, the outer part
  parallel across cores (small blocks stay serial: a parallel launch costs more),
* for a reduction with two or more spatial axes whose innermost is at least a
  vector wide (matmul, the linear layers): a register tile, rows x 2 vectors, the
  vectors inside the reduction, the outer tiles parallel,
* a row normalization (layer norm: per-row reductions over the last axis, then an elementwise
  block): one loop nest over tasks of rows, the reductions split into vector-wide partial sums,
* a global pooling of a blocked tensor (a plane into vectors of channels): partial sums in registers,
  the channel blocks parallel,
* other reductions: their spatial loops fused and parallel,
* a conversion NCHW -> NCHW[x]c: iterated in the output's order, the block a vector.

MetaSchedule tunes these functions when the user gives trials; this is what runs at 0.
"""
from __future__ import annotations

#: rows of a GEMM register tile, in order of preference (rows x 2 vectors of accumulators)
ROW_TILES = (6, 4, 7, 5, 8, 3, 2)
#: below this many output elements a block runs serially (a parallel launch costs a few microseconds)
PARALLEL_MIN_ELEMENTS = 4096


def _blocks(sch):
    """The names of the blocks under the root, in order."""
    root = sch.get_sblock("root")
    return [sch.get(b).name_hint for b in sch.get_child_blocks(root)]


def _extent(sch, loop) -> int:
    return int(sch.get(loop).extent)


def _divisor(n: int, at_most: int) -> int:
    for d in range(min(n, at_most), 0, -1):
        if n % d == 0:
            return d
    return 1


def _inline_all(sch) -> None:
    for _ in range(3):
        changed = False
        for name in _blocks(sch):
            try:
                sch.compute_inline(sch.get_sblock(name))
                changed = True
            except Exception:  # noqa: BLE001 - not inlinable (an output, a reduction): keep it
                pass
        if not changed:
            return


def _reads_follow_write(sch, blk) -> bool:
    """Whether every input of a spatial block is read at the output's own indices or a broadcast of them
    (each index an iteration variable of the block, in the output's order, or a constant): an
    elementwise block, whose loops fused into one stay contiguous in every buffer.  A transpose or a
    reshape reads at other indices (``x[(h * 14 + w) % 196, c // 16, c % 16]``)."""
    from tvm import tirx

    block = sch.get(blk)
    ivs = [iv.var for iv in block.iter_vars]
    for rd in block.reads:
        last = -1
        for rg in rd.region:
            m = rg.min
            if isinstance(m, tirx.IntImm):
                continue
            pos = next((i for i, v in enumerate(ivs) if m.same_as(v)), None)
            if pos is None or pos <= last:
                return False
            last = pos
    return True


def _spatial_block(sch, blk, loops, lanes: int, cores: int) -> None:
    total = 1
    for lp in loops:
        total *= _extent(sch, lp)
    inner = _extent(sch, loops[-1])
    # whole vectors along the innermost axis: no index arithmetic across rows inside a vector; or, for a
    # transpose or reshape whose rows are not whole vectors, vectors within a row (14 of a 14- or 56-wide
    # one), so no lane needs the division and modulo a vector across rows costs in its transposed read
    # (ConvNeXt-T's layer scale + residual + NHWC -> NCHW at 14x14x384: 111 -> 33 us, at 56x56x96 357 -> 129;
    # its NHWC -> NCHW at 56x56x96 229 -> 92)
    vec = lanes if inner % lanes == 0 else _divisor(inner, lanes)
    if len(loops) > 1 and (vec == lanes or (2 * vec >= lanes and not _reads_follow_write(sch, blk))):
        io, ii = sch.split(loops[-1], [None, vec])
        sch.vectorize(ii)
        outer = sch.fuse(*loops[:-1], io)
        if total >= PARALLEL_MIN_ELEMENTS and cores > 1:
            sch.parallel(outer)
        return
    fused = sch.fuse(*loops) if len(loops) > 1 else loops[0]
    vec = _divisor(total, lanes) if total >= lanes else 1
    if vec > 1 and vec * 2 <= lanes and total % lanes:   # a poor vector: keep the scalar loop
        vec = 1
    if vec > 1:
        outer, inner = sch.split(fused, [None, vec])
        sch.vectorize(inner)
    else:
        outer = fused
    if total >= PARALLEL_MIN_ELEMENTS and cores > 1:
        sch.parallel(outer)


def _reduction_block(sch, blk, spatial, red, lanes: int, cores: int, done: set) -> None:
    total = 1
    for lp in spatial:
        total *= _extent(sch, lp)
    n_ext = _extent(sch, spatial[-1]) if spatial else 1
    if len(spatial) >= 2 and n_ext >= lanes and n_ext % lanes == 0:
        # a GEMM-like tile: rows x (1-2 vectors) accumulated in registers (a local cache), the
        # vectors inside the reduction; outer tiles parallel, the epilogue computed at each tile
        i_ext = _extent(sch, spatial[-2])
        k_ext = 1
        for lp in red:
            k_ext *= _extent(sch, lp)
        jv = lanes * 2 if n_ext % (lanes * 2) == 0 else lanes
        ti = next((t for t in ROW_TILES if i_ext % t == 0), 1)
        jo, ji = sch.split(spatial[-1], [None, jv])
        io, ii = sch.split(spatial[-2], [None, ti])
        # the larger operand is read once: columns outer when the weight (k x n) outweighs the rows (m x k)
        outer = [*spatial[:-2], jo, io] if n_ext > total // n_ext else [*spatial[:-2], io, jo]
        sch.reorder(*outer, *red, ii, ji)
        par = sch.fuse(*outer)
        if total >= PARALLEL_MIN_ELEMENTS // 4 and cores > 1:
            sch.parallel(par)
        consumers = list(sch.get_consumers(blk))
        acc = sch.cache_write(blk, 0, "local")
        sch.reverse_compute_at(acc, par, preserve_unit_loops=True)
        _vectorize_tile(sch, acc, lanes)
        for c in consumers:
            try:
                sch.reverse_compute_at(c, par, preserve_unit_loops=True)
                _vectorize_tile(sch, c, lanes)
                done.add(sch.get(c).name_hint)
            except Exception:  # noqa: BLE001 - a consumer that cannot follow the tile stays a loop nest
                pass
        sch.vectorize(ji)
        sch.unroll(ii)
        sch.decompose_reduction(blk, red[0])
        return
    if spatial:
        par = sch.fuse(*spatial) if len(spatial) > 1 else spatial[0]
        if total >= 16 and cores > 1:
            sch.parallel(par)


def _vectorize_tile(sch, blk, lanes: int) -> None:
    loops = sch.get_loops(blk)
    inner = loops[-1]
    ext = _extent(sch, inner)
    if ext % lanes == 0 and ext <= 4 * lanes:
        sch.vectorize(inner)


#: rows of a row-wise normalization (layer norm) per task of its fused schedule
NORM_ROWS = 8


def _row_norm(sch, lanes: int, cores: int) -> bool:
    """A normalization over each row's last axis (layer norm: a sum and a sum of squared deviations per row,
    then an elementwise block over the rows) as one loop nest: tasks of :data:`NORM_ROWS` rows in
    parallel, each row's reductions computed there, split in ``lanes`` partial sums (an ``rfactor``) so
    they are not one serial chain of adds, each partial sum a vector over ``lanes`` steps of the row, the
    elementwise block vectorized (ConvNeXt's layer norm at 56x56x96: 196 -> 127 us; with the partial sums
    vectors, on the znver4 host, 159 -> 57 us, at 14x14x384 41.5 -> 9.8 us).  True when ``sch`` has that
    shape and was so scheduled."""
    names = _blocks(sch)
    if len(names) < 2:
        return False
    last = sch.get_sblock(names[-1])
    loops = sch.get_loops(last)
    ivs = sch.get(last).iter_vars
    if len(loops) < 2 or len(ivs) != len(loops) or any(int(iv.iter_type) != 0 for iv in ivs):
        return False
    c = _extent(sch, loops[-1])
    lead = [_extent(sch, lp) for lp in loops[:-1]]
    reds = []
    for name in names[:-1]:
        blk = sch.get_sblock(name)
        bl = sch.get_loops(blk)
        types = [int(iv.iter_type) for iv in sch.get(blk).iter_vars]
        if types != [0] * len(lead) + [2] or [_extent(sch, lp) for lp in bl[:-1]] != lead or _extent(sch, bl[-1]) != c:
            return False
        reds.append(name)
    if c % lanes or c < 2 * lanes:
        return False
    rows = 1
    for e in lead:
        rows *= e
    par = sch.fuse(*loops[:-1]) if len(loops) > 2 else loops[0]
    po, pi = sch.split(par, [None, _divisor(rows, NORM_ROWS)])
    if cores > 1 and rows * c >= PARALLEL_MIN_ELEMENTS:
        sch.parallel(po)
    for name in reversed(reds):      # consumers first: each reduction moves under the rows that read it
        blk = sch.get_sblock(name)
        _, ki = sch.split(sch.get_loops(blk)[-1], [None, lanes])
        rf = sch.rfactor(ki, len(lead))
        sch.compute_at(blk, pi)
        sch.compute_at(rf, pi)
        # the partial sums one vector: lanes inside, the steps over the row outside
        rki, rko = sch.get_loops(rf)[-2:]
        sch.reorder(rko, rki)
        sch.vectorize(rki)
        init = sch.decompose_reduction(rf, rko)
        sch.vectorize(sch.get_loops(init)[-1])
    _, ci = sch.split(sch.get_loops(last)[-1], [None, lanes])
    sch.vectorize(ci)
    return True


#: a reduction of at least this many elements per output vector (a global pooling over a plane) is
#: split into partial sums: one serial chain of vector adds waits on the add's latency at each element
POOL_MIN_REDUCTION = 64
#: partial sums of a pooling (a divisor of its reduction, at most this many): vector registers
POOL_PARTIALS = 8


def _global_pool(sch, lanes: int, cores: int) -> bool:
    """A reduction over a plane into vectors of channels (the global pooling of a blocked tensor,
    ``[N, C/B, H, W, B] -> [N, C/B, 1, 1, B]``), then at most elementwise blocks: the reduction's loops
    fused and split in :data:`POOL_PARTIALS` partial sums (an ``rfactor``) held in registers, the blocks
    of channels parallel, the partial sums added and the epilogue (the mean's division) at each block.
    The general rule made it one chain of dependent adds per block, run serially (the plane has few
    outputs); measured alone here, EfficientNet-B0's squeeze-excitation means at 144x56x56 27.6 -> 7.3 us,
    32x112x112 24.3 -> 5.9, all of them 107 -> 41 us (5.55 -> 5.46 ms a model; MobileNetV3 2.93 -> 2.86).
    True when ``sch`` has that shape and was so scheduled."""
    names = _blocks(sch)
    reds = [n for n in names if any(int(iv.iter_type) != 0 for iv in sch.get(sch.get_sblock(n)).iter_vars)]
    if len(reds) != 1 or names[0] != reds[0]:
        return False
    blk = sch.get_sblock(reds[0])
    loops = sch.get_loops(blk)
    types = [int(iv.iter_type) for iv in sch.get(blk).iter_vars]
    ns = types.index(2) if 2 in types else len(types)
    if len(loops) != len(types) or any(t != 2 for t in types[ns:]) or any(t != 0 for t in types[:ns]) or ns < 2:
        return False
    spatial, red = loops[:ns], loops[ns:]
    k = 1
    for lp in red:
        k *= _extent(sch, lp)
    vec = _extent(sch, spatial[-1])
    if vec % lanes or vec > 4 * lanes or k < POOL_MIN_REDUCTION:
        return False
    outer = 1
    for lp in spatial[:-1]:
        outer *= _extent(sch, lp)
    rest = [sch.get_sblock(n) for n in names[1:]]
    for b in rest:     # elementwise over the reduction's output only
        bl = sch.get_loops(b)
        if [_extent(sch, lp) for lp in bl] != [_extent(sch, lp) for lp in spatial] \
                or any(int(iv.iter_type) != 0 for iv in sch.get(b).iter_vars):
            return False
    r = sch.fuse(*red) if len(red) > 1 else red[0]
    _, rp = sch.split(r, [None, _divisor(k, POOL_PARTIALS)])
    rf = sch.rfactor(rp, ns - 1)              # partials [..., P, B]: a vector each
    rloops = sch.get_loops(rf)                # spatial..., ro, rp (now spatial)
    sp, ro, rpl = rloops[:ns], rloops[ns], rloops[ns + 1]
    sch.reorder(*sp[:-1], ro, rpl, sp[-1])
    par = sch.fuse(*sp[:-1]) if ns > 2 else sp[0]
    if cores > 1 and outer >= 2:
        sch.parallel(par)
    acc = sch.cache_write(rf, 0, "local")
    sch.reverse_compute_at(acc, par, preserve_unit_loops=True)
    for b in [blk, *rest]:      # the partials' sum, then the epilogue, at each block of channels
        sch.reverse_compute_at(b, par, preserve_unit_loops=True)
    sch.unroll(rpl)
    sch.vectorize(sp[-1])
    init = sch.decompose_reduction(rf, ro)
    _vectorize_tile(sch, init, lanes)
    for b in [acc, *rest]:
        _vectorize_tile(sch, b, lanes)
    return True


def _to_blocked(sch, lanes: int, cores: int) -> bool:
    """A conversion NCHW -> NCHW[x]c (a legalized ``layout_transform``, which loops over its input and
    scatters each row into the blocked output) iterated in the output's order instead: channels split by
    the block, the block innermost and vectorized (its loads a gather across channel planes, its stores
    contiguous), rows of channel blocks parallel (ConvNeXt's 96 x 56 x 56: 229 -> 40 us).  True when
    ``sch`` has that shape and was so scheduled."""
    names = _blocks(sch)
    if len(names) != 1:
        return False
    blk = sch.get_sblock(names[0])
    block = sch.get(blk)
    loops = sch.get_loops(blk)
    if len(loops) != 4 or len(block.writes) != 1 or len(block.reads) != 1:
        return False
    out = block.writes[0].source      # (TVM 0.27: a TensorRegion of a buffer Var)
    src = block.reads[0].source
    if len(out.shape) != 5 or len(src.shape) != 4:
        return False
    n, c, h, w = (int(d) for d in src.shape)
    on, cb, oh, ow, b = (int(d) for d in out.shape)
    if (on, oh, ow) != (n, h, w) or cb * b != c or b < 4 or [_extent(sch, lp) for lp in loops] != [n, c, h, w]:
        return False
    ln, lc, lh, lw = loops
    lcb, lci = sch.split(lc, [None, b])
    sch.reorder(ln, lcb, lh, lw, lci)
    par = sch.fuse(ln, lcb, lh)
    if cores > 1 and n * c * h * w >= PARALLEL_MIN_ELEMENTS:
        sch.parallel(par)
    sch.vectorize(lci)
    return True


def schedule_generic(func, lanes: int, cores: int):
    """``func`` (a legalized, unscheduled PrimFunc) scheduled as the module docstring says."""
    from tvm import IRModule, s_tir

    sch = s_tir.Schedule(IRModule({"main": func}))
    _inline_all(sch)
    try:
        if _row_norm(sch, lanes, cores) or _global_pool(sch, lanes, cores) or _to_blocked(sch, lanes, cores):
            return sch.mod["main"]
    except Exception:  # noqa: BLE001 - not that shape after all: the general rules, from the start
        pass
    sch = s_tir.Schedule(IRModule({"main": func}))
    _inline_all(sch)
    done: set = set()   # blocks moved under an earlier block's tile
    for name in _blocks(sch):
        if name in done:
            continue
        blk = sch.get_sblock(name)
        loops = sch.get_loops(blk)
        if not loops:
            continue
        ivs = sch.get(blk).iter_vars
        if len(ivs) != len(loops):
            continue   # not a plain loop nest (already scheduled, or opaque): leave it
        try:
            spatial = [lp for lp, iv in zip(loops, ivs) if int(iv.iter_type) == 0]
            red = [lp for lp, iv in zip(loops, ivs) if int(iv.iter_type) != 0]
            if loops[:len(spatial)] != spatial and red:
                continue
            if red:
                _reduction_block(sch, blk, spatial, red, lanes, cores, done)
            else:
                _spatial_block(sch, blk, loops, lanes, cores)
        except Exception:  # noqa: BLE001 - a block this rule cannot take stays as it is (correct, slower)
            continue
    return sch.mod["main"]
