"""The CUDA schedule of one convolution part, and of chains of parts, shared by every CUDA template.

Loop nest of the *main* part (the only part of a single-stage kernel, the last
part of a chain)::

    blockIdx.x   fuse(n, o_b, s_b...)                 output tile of one thread block
      [shared: input tile + halo (pad fused in), weight tile]     (no channel reduction)
      threadIdx.x  fuse(o_t, s_t...)                  one thread per (o_t, s_t...) point
        for rc_o                                      channel reduction, shared-memory step
          [shared: input tile + halo for rc_i channels, weight tile]
          for rc_i, kernel taps                       (unrolled by the unroll knob)
            o_i, s_i...   (unrolled)                  register tile, accumulated in "local"
        write back: o_i x s_i... (+ bias, cast)       epilogue fused into the write-back

Every axis is split by one ``sample_perfect_tile`` knob into (block, thread,
inner) factors.  Shared-memory tiles are filled *cooperatively*: the copy loop
is fused, split by the **same** thread-factor random variables and bound to
``threadIdx.x``, so thread extents agree by construction (also when the search
mutates the tiles).

Chains (separable, spatial-spectral, depthwise+pointwise): the main part's
padded input tile is a shared copy made at the block loop, and that copy is
*filled by computing the previous part* element by element under the copy's
thread loop (accumulated in a register, its reduction blockized).  The previous
part's own input tile is again a shared copy, and so on down to the stage
input: intermediates never leave the multiprocessor.

With ``tune=False`` (building with the template's defaults) the target's
MetaSchedule postprocessors are applied here, exactly as the search applies
them to a sampled candidate: the default build and a replayed tuning record go
through the same pipeline.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..knobs import Knobs, divisors

UNROLL_STEPS = (0, 16, 64, 512, 1024)   # pragma_auto_unroll_max_step candidates (MetaSchedule's own)
SHARED_BUDGET = 40 * 1024               # bytes the defaults aim to stay under (48 KiB static limit)


@dataclass(frozen=True)
class PartTile:
    """Default knob values of one part: per axis (threads, per-thread) factors."""

    o: tuple[int, int]                       # output channels: (threads, per thread)
    sp: tuple[tuple[int, int], ...]          # per spatial axis: (threads, per thread)
    rc_inner: int = 1                        # channels per shared-memory step of the reduction

    @property
    def threads(self) -> int:
        return self.o[0] * math.prod(t for t, _ in self.sp)

    @property
    def per_thread(self) -> int:
        return self.o[1] * math.prod(i for _, i in self.sp)


@dataclass(frozen=True)
class GpuOptions:
    shared_input: bool = True                # stage the input tile (+ halo) in shared memory
    weight_scope: Optional[str] = "shared"   # "shared", "local" or None (read from global)
    unroll_index: int = 2                    # default index into UNROLL_STEPS


@dataclass
class MainLoops:
    """What the main part's schedule hands to the producers attached to it."""

    block_loop: object
    thread_loop: object
    rc_outer: Optional[object]
    thread_rvs: list = field(default_factory=list)   # factors of threadIdx.x, outermost first
    attach_depth: int = 1                             # number of loops down to the attach loop
    input_copy: Optional[object] = None               # the shared copy of the (padded) input tile
    block: Optional[object] = None                    # the part's conv block
    rc_step: Optional[object] = None                  # the outer loop of its channel reduction

    @property
    def attach_loop(self):
        return self.rc_outer if self.rc_outer is not None else self.block_loop


def has_block(sch, name: str) -> bool:
    try:
        sch.get_sblock(name)
        return True
    except Exception:  # noqa: BLE001 - TVM raises its own ScheduleError type
        return False


def tile_knob(knobs: Knobs, loop, extent: int, inner_default: Sequence[int], max_innermost: int = 64):
    """``Knobs.split`` that also returns the factor random variables (to reuse as thread extents)."""
    sch = knobs.sch
    inner = [int(v) for v in inner_default]
    prod = math.prod(inner)
    if extent % prod:
        raise ValueError(f"default tile {inner} does not divide extent {extent}")
    decision = None if knobs.tune else [extent // prod, *inner]
    factors = sch.sample_perfect_tile(loop, n=len(inner) + 1,
                                      max_innermost_factor=max(max_innermost, inner[-1]), decision=decision)
    return sch.split(loop, factors), list(factors)


def read_index(sch, block, buffer_name: str) -> int:
    """Index of ``buffer_name`` among the reads of ``block``."""
    reads = sch.get(block).reads
    for i, r in enumerate(reads):
        if r.source.name == buffer_name:
            return i
    raise KeyError(f"block {sch.get(block).name_hint} does not read {buffer_name}; reads "
                   f"{[r.source.name for r in reads]}")


def bind_threads(sch, block, depth: int, thread_rvs: list):
    """Fuse the loops of ``block`` below ``depth`` and bind them to threadIdx.x.

    The fused loop is split by the thread-factor random variables of the main
    part, so its threadIdx.x extent is the main part's by construction (a tail
    that does not fill the last round of threads gets a predicate).
    """
    loops = sch.get_loops(block)[depth:]
    if not loops:
        loops = [sch.add_unit_loop(block)]
    fused = sch.fuse(*loops) if len(loops) > 1 else loops[0]
    parts = sch.split(fused, [None, *thread_rvs])
    tx = sch.fuse(*parts[1:]) if len(parts) > 2 else parts[1]
    sch.bind(tx, "threadIdx.x")
    return tx


def _input_name(sch, block) -> str:
    """The buffer a conv block reads its activations from (weights are read second)."""
    return sch.get(block).reads[0].source.name


def _weight_name(part) -> str:
    return part.weight


def stage_shared(sch, consumer_block, buffer_name: str, attach_loop, depth: int, thread_rvs: list,
                 pad_block: Optional[str] = None, bind: bool = True):
    """Stage ``buffer_name`` (read by ``consumer_block``) in shared memory at ``attach_loop``.

    When the buffer is the output of a padding block, the padding is computed
    inline by the cooperative copy (zeros for the halo outside the image).
    """
    idx = read_index(sch, consumer_block, buffer_name)
    sh = sch.cache_read(consumer_block, idx, "shared")
    sch.compute_at(sh, attach_loop, preserve_unit_loops=True)
    if pad_block is not None and has_block(sch, pad_block):
        sch.compute_inline(sch.get_sblock(pad_block))
    if bind:
        bind_threads(sch, sh, depth, thread_rvs)
    return sh


def schedule_main_part(sch, part, knobs: Knobs, tile: PartTile, opts: GpuOptions,
                       chain: bool = False) -> MainLoops:
    """Tile, bind and stage the conv part ``part`` (see the module docstring).

    ``chain``: the input tile is produced by an earlier part of the same
    kernel.  Its shared copy is then made at the block loop (for all channels
    of the reduction at once: a producer must not sit inside a reduction loop
    of its consumer, or MetaSchedule's RewriteReductionBlock hoists its
    initialisation out of that loop) and its loops are left unbound (the
    producer is attached under them first).
    """
    g = part.geom
    nd = g.ndim
    out_sp = g.out_shape[2:]
    cin_g = g.in_channels // g.groups
    blk = sch.get_sblock(part.name)
    pad_name = f"{part.name}_pad"
    loops = sch.get_loops(blk)
    n_loop, o_loop = loops[0], loops[1]
    sp_loops = list(loops[2:2 + nd])
    red = list(loops[2 + nd:])
    rc = red[0] if cin_g > 1 else None
    taps = red[1:] if cin_g > 1 else red

    (o_b, o_t, o_i), o_f = tile_knob(knobs, o_loop, g.out_channels, list(tile.o), max_innermost=16)
    sp_split, sp_f = [], []
    for loop, ext, (t, i) in zip(sp_loops, out_sp, tile.sp):
        ls, fs = tile_knob(knobs, loop, ext, [t, i], max_innermost=16)
        sp_split.append(ls)
        sp_f.append(fs)
    rc_o = rc_i = None
    if rc is not None:
        (rc_o, rc_i), _ = tile_knob(knobs, rc, cin_g, [tile.rc_inner], max_innermost=64)
    order = [n_loop, o_b, *[s[0] for s in sp_split], o_t, *[s[1] for s in sp_split]]
    if rc is not None:
        order += [rc_o, rc_i]
    order += [*taps, o_i, *[s[2] for s in sp_split]]
    sch.reorder(*order)
    bx = sch.fuse(n_loop, o_b, *[s[0] for s in sp_split])
    tx = sch.fuse(o_t, *[s[1] for s in sp_split])
    sch.bind(bx, "blockIdx.x")
    sch.bind(tx, "threadIdx.x")
    thread_rvs = [o_f[1], *[f[1] for f in sp_f]]

    # registers: accumulate the per-thread tile locally, write back (with the epilogue) per thread
    wb = sch.cache_write(blk, 0, "local")
    out_name = f"{part.name}_out"
    if has_block(sch, out_name):
        sch.reverse_compute_inline(sch.get_sblock(out_name))
    sch.reverse_compute_at(wb, tx, preserve_unit_loops=True)
    for loop in (o_i, *[s[2] for s in sp_split]):
        sch.unroll(loop)

    main = MainLoops(bx, tx, None if chain else rc_o, thread_rvs,
                     attach_depth=3 if (rc_o is not None and not chain) else 1)
    # shared / local staging of the operands
    if opts.shared_input or chain:
        main.input_copy = stage_shared(sch, blk, _input_name(sch, blk), main.attach_loop, main.attach_depth,
                                       thread_rvs, pad_block=pad_name, bind=not chain)
    elif has_block(sch, pad_name):
        sch.compute_inline(sch.get_sblock(pad_name))
    main.block = blk
    main.rc_step = rc_o
    if not chain:
        stage_weight(sch, part, main, opts)
    return main


def stage_weight(sch, part, main: MainLoops, opts: GpuOptions) -> None:
    """The main part's weight: a shared tile per reduction step, or the thread's taps in registers.

    (A chain stages it after its producers are attached: TVM's compute_at of
    a producer fails its stage-pipeline check when the weight copy is already
    in place and the whole output is one block.)
    """
    blk, rc_o = main.block, main.rc_step
    if opts.weight_scope == "shared":
        stage_shared(sch, blk, _weight_name(part), rc_o if rc_o is not None else main.block_loop,
                     3 if rc_o is not None else 1, main.thread_rvs)
    elif opts.weight_scope == "local":
        wl = sch.cache_read(blk, read_index(sch, blk, _weight_name(part)), "local")
        sch.compute_at(wl, rc_o if rc_o is not None else main.thread_loop, preserve_unit_loops=True)


def attach_producer(sch, part, main: MainLoops, consumer_copy):
    """Compute the chain part ``part`` element by element into the shared tile its consumer reads.

    ``consumer_copy`` is the consumer's shared copy of its (padded) input,
    which reads ``part``'s output (the zero padding is computed by the copy);
    its loops are not bound yet.  ``part`` is computed under the copy's
    innermost loop, each value accumulated in a register (``local``) and
    stored into the tile once.  Its reduction loops are blockized first, while
    the part is still at the root with plain bindings: the outer block is data
    parallel (so the copy's loops can be fused and bound afterwards) and the
    inner block keeps plain bindings for MetaSchedule's RewriteReductionBlock.
    The consumer copy's loops are then bound to the main part's threads.
    Returns the (unbound) shared copy of ``part``'s own input.
    """
    blk = sch.get_sblock(part.name)
    n_red = n_reduction_axes(part)
    outer = sch.blockize(sch.get_loops(blk)[-n_red]) if n_red else blk
    sch.compute_at(outer, sch.get_loops(consumer_copy)[-1], preserve_unit_loops=True)
    sch.set_scope(outer, 0, "local")
    copy = stage_shared(sch, outer, _input_name(sch, outer), main.attach_loop, main.attach_depth,
                        main.thread_rvs, pad_block=f"{part.name}_pad", bind=False)
    bind_threads(sch, consumer_copy, main.attach_depth, main.thread_rvs)
    return copy


def n_reduction_axes(part) -> int:
    g = part.geom
    return int(g.in_channels // g.groups > 1) + sum(1 for k in g.kernel if k > 1)


def annotate_unroll(sch, knobs: Knobs, default_index: int) -> None:
    """The unroll knob: MetaSchedule's ``unroll_explicit`` annotation on the root block."""
    root = sch.get_sblock("root")
    step = knobs.choice(UNROLL_STEPS, default_index)
    sch.annotate(root, "meta_schedule.unroll_explicit", step)


def _light_tune_context(tvm_target):
    """A TuneContext holding only the target, for initialising postprocessors.

    ``ms.TuneContext(...)`` imports ``tvm.s_tir.tensor_intrin`` (~20-30 s) on
    every first use; the postprocessors only read the target, so the FFI object
    is constructed directly.  Falls back to the public constructor.
    """
    from tvm.s_tir import meta_schedule as ms

    try:
        from tvm.s_tir.meta_schedule import _ffi_api
        from tvm.s_tir.meta_schedule.logging import get_logger, get_logging_func

        ctx = ms.TuneContext.__new__(ms.TuneContext)
        ctx.__init_handle_by_constructor__(_ffi_api.TuneContext, None, tvm_target, None, None,
                                           "sepgen-default", 1, -1, get_logging_func(get_logger(__name__)))
        return ctx
    except Exception:  # noqa: BLE001 - a TVM without that constructor: take the slow path
        return ms.TuneContext(mod=None, target=tvm_target, task_name="sepgen-default", num_threads=1)


_POSTPROC_CACHE: dict = {}


def apply_postprocs(sch, target) -> None:
    """Run the target's MetaSchedule postprocessors on a default (untuned) schedule.

    These are the postprocessors MetaSchedule applies to every candidate of a
    CUDA search (``Postproc.create("cuda")``): unroll annotation to pragmas,
    reduction init split, binding of any unbound block, and VerifyGPUCode
    (threads, shared memory, registers per block).
    """
    from tvm.s_tir import meta_schedule as ms

    from sepgen.errors import BuildError

    tvm_target = target.to_tvm()
    key = str(tvm_target)   # the limits VerifyGPUCode checks come from the target's attributes
    posts = _POSTPROC_CACHE.get(key)
    if posts is None:
        ctx = _light_tune_context(tvm_target)
        posts = list(ms.postproc.Postproc.create("cuda"))
        for post in posts:
            post._initialize_with_tune_context(ctx)
        _POSTPROC_CACHE[key] = posts
    for post in posts:
        if not post.apply(sch):
            raise BuildError(f"the default CUDA schedule fails MetaSchedule's {type(post).__name__} check "
                             f"for {target.name} (too many threads, registers or shared memory per block)")


# ---- default knob values -------------------------------------------------------------------------

def _largest_divisor(n: int, limit: int) -> int:
    return max(d for d in divisors(n) if d <= max(1, limit))


def default_tile(part, footprint, *, thread_budget: int = 256, reg_channels: int = 1,
                 reg_sp: Optional[dict] = None, channel_threads: int = 0, rc_inner: int = 8) -> PartTile:
    """Default (threads, per-thread) factors of a part's output axes.

    Per-thread register factors come first (``reg_channels`` output channels,
    ``reg_sp[axis]`` points along a spatial axis).  Threads then go to the
    innermost spatial axis (up to a warp, so consecutive threads touch
    consecutive addresses), then up to ``channel_threads`` to the output
    channels, then to the outer spatial axes and finally to the channels, up to
    ``thread_budget`` in all.  Every factor divides its extent (no tail
    predicates).  While ``footprint(tile)`` (shared bytes per block) exceeds
    :data:`SHARED_BUDGET`, the largest factor is halved.
    """
    g = part.geom
    nd = g.ndim
    out_sp = list(g.out_shape[2:])
    O = g.out_channels
    reg_sp = reg_sp or {}
    sp_i = [_largest_divisor(out_sp[a], reg_sp.get(a, 1)) for a in range(nd)]
    sp_t = [1] * nd
    budget = thread_budget
    sp_t[-1] = _largest_divisor(out_sp[-1] // sp_i[-1], min(32, budget))
    budget //= sp_t[-1]
    o_i = _largest_divisor(O, reg_channels)
    o_t = 1
    if channel_threads > 1:
        o_t = _largest_divisor(O // o_i, min(channel_threads, budget))
        budget //= o_t
    for ax in range(nd - 2, -1, -1):
        if budget <= 1:
            break
        sp_t[ax] = _largest_divisor(out_sp[ax] // sp_i[ax], budget)
        budget //= sp_t[ax]
    if budget > 1:
        o_t *= _largest_divisor(O // (o_i * o_t), budget)
    cin_g = g.in_channels // g.groups
    rci = _largest_divisor(cin_g, rc_inner) if cin_g > 1 else 1
    tile = PartTile((o_t, o_i), tuple(zip(sp_t, sp_i)), rci)
    for _ in range(64):
        if footprint(tile) <= SHARED_BUDGET:
            break
        smaller = _shrink(tile, footprint)
        if smaller == tile:
            break
        tile = smaller
    return tile


def _shrink(tile: PartTile, footprint) -> PartTile:
    """Halve the one factor of ``tile`` that shrinks its shared footprint most.

    Ties prefer the reduction step, then per-thread factors, then threads of
    outer axes; the innermost axis' threads (coalescing) go last.
    """
    cands = []
    nsp = len(tile.sp)

    def with_sp(a, j, v):
        sp = [list(x) for x in tile.sp]
        sp[a][j] = v
        return PartTile(tile.o, tuple(tuple(x) for x in sp), tile.rc_inner)

    if tile.rc_inner > 1:
        cands.append((0, PartTile(tile.o, tile.sp, _largest_divisor(tile.rc_inner, tile.rc_inner // 2))))
    for a in range(nsp):
        t, i = tile.sp[a]
        if i > 1:
            cands.append((1, with_sp(a, 1, _largest_divisor(i, i // 2))))
    if tile.o[1] > 1:
        cands.append((2, PartTile((tile.o[0], _largest_divisor(tile.o[1], tile.o[1] // 2)), tile.sp, tile.rc_inner)))
    for a in range(nsp):
        t, i = tile.sp[a]
        if t > 1:
            cands.append((3 if a < nsp - 1 else 5, with_sp(a, 0, _largest_divisor(t, t // 2))))
    if tile.o[0] > 1:
        cands.append((4, PartTile((_largest_divisor(tile.o[0], tile.o[0] // 2), tile.o[1]), tile.sp, tile.rc_inner)))
    if not cands:
        return tile
    return min(cands, key=lambda c: (footprint(c[1]), c[0]))[1]


def input_extent(out_tile: int, kernel: int, stride: int, dilation: int) -> int:
    return (out_tile - 1) * stride + (kernel - 1) * dilation + 1


def input_region(part, out_channels: int, out_ext: Sequence[int], rc_inner: Optional[int] = None):
    """(channels, spatial extents) of the input a tile of ``part``'s output reads.

    ``rc_inner``: only one shared-memory step of the channel reduction.
    """
    g = part.geom
    cin_g = g.in_channels // g.groups
    cout_g = g.out_channels // g.groups
    groups = min(g.groups, -(-out_channels // cout_g) + (1 if out_channels % cout_g else 0))
    per_group = min(cin_g, rc_inner) if rc_inner else cin_g
    chans = min(g.in_channels, groups * per_group)
    ext = [min(full, input_extent(e, k, s, d)) for e, k, s, d, full in
           zip(out_ext, g.kernel, g.stride, g.dilation,
               [i + p[0] + p[1] for i, p in zip(g.in_shape[2:], g.padding)])]
    return chans, ext


def footprint_fn(parts, dtype_bytes: int, opts: "GpuOptions", stage_first_input: bool = True):
    """Shared bytes per block of the chain ``parts`` (the last is the main part) for a tile."""
    main = parts[-1]

    def fp(tile: PartTile) -> int:
        g = main.geom
        cin_g = g.in_channels // g.groups
        o_tile = tile.o[0] * tile.o[1]
        ext = [t * i for t, i in tile.sp]
        total = 0
        if opts.weight_scope == "shared":
            total += o_tile * (tile.rc_inner if cin_g > 1 else 1) * math.prod(g.kernel) * dtype_bytes
        chans, ext = input_region(main, o_tile, ext, tile.rc_inner if cin_g > 1 and len(parts) == 1 else None)
        if len(parts) == 1:
            return total + (chans * math.prod(ext) * dtype_bytes if opts.shared_input else 0)
        for p in reversed(parts[:-1]):
            total += chans * math.prod(ext) * 4          # float32 intermediates
            chans, ext = input_region(p, chans, ext)
        if stage_first_input:
            total += chans * math.prod(ext) * dtype_bytes
        return total

    return fp


def stage_dtype_bytes(sch) -> int:
    """Bytes per element of the stage's storage dtype (the dtype of its input ``x``)."""
    return 2 if str(sch.mod["main"].params[0].dtype) == "float16" else 4


# ---- per-part defaults and the two template bodies -----------------------------------------------

def part_defaults(part, dtype_bytes: int, chain: Sequence = ()) -> tuple[PartTile, GpuOptions]:
    """Default tile and staging of ``part`` (alone, or as the main part of ``chain``).

    * one input channel per output channel (depthwise, 1-D passes): the input
      tile + halo in shared memory, the taps of a thread's channel in
      registers, a register tile of rows;
    * a channel reduction (pointwise, dense, grouped): GEMM-like, shared tiles
      of input and weight per reduction step, a register tile of 4 output
      channels x 2 rows per thread.

    Along an axis where a part of a chain has a halo, or an outer axis (not the
    rows or columns) where a single part has one, the tile gets longer (a
    per-thread factor of 4), so the recomputed or re-read halo stays small.
    """
    parts = tuple(chain) or (part,)
    g = part.geom
    nd = g.ndim
    cin_g = g.in_channels // g.groups
    reg_sp: dict = {}
    if nd >= 2:
        reg_sp[nd - 2] = 2
    for p in parts:
        for a, k in enumerate(p.geom.kernel):
            # a chain recomputes its producers' halos per tile; a single part re-reads its input halo
            if k > 1 and (a < nd - 2 or (len(parts) > 1 and a < nd - 1)):
                reg_sp[a] = 4
    if cin_g == 1:
        opts = GpuOptions(shared_input=True, weight_scope="local", unroll_index=2)
        fp = footprint_fn(parts, dtype_bytes, opts)
        tile = default_tile(part, fp, thread_budget=256, reg_channels=1, reg_sp=reg_sp)
    else:
        opts = GpuOptions(shared_input=True, weight_scope="shared", unroll_index=2)
        fp = footprint_fn(parts, dtype_bytes, opts)
        pointwise = all(k == 1 for k in g.kernel)
        tile = default_tile(part, fp, thread_budget=256, reg_channels=4, reg_sp=reg_sp, channel_threads=8,
                            rc_inner=16 if pointwise else 8)
    return tile, opts


def finish(sch, ctx, knobs: Knobs, opts: GpuOptions) -> None:
    annotate_unroll(sch, knobs, opts.unroll_index)
    if not ctx.tune:
        apply_postprocs(sch, ctx.target)


def schedule_single(sch, ctx, opts: Optional[GpuOptions] = None) -> None:
    """Template body of a single-part stage (depthwise, pointwise, direct, axis pass)."""
    knobs = Knobs(sch, ctx.tune)
    part = ctx.stage
    tile, default_opts = part_defaults(part, stage_dtype_bytes(sch))
    opts = opts or default_opts
    schedule_main_part(sch, part, knobs, tile, opts)
    finish(sch, ctx, knobs, opts)


def schedule_chain(sch, ctx) -> None:
    """Template body of a chain stage (separable, spatial-spectral, depthwise+pointwise).

    The last part is tiled and bound like a single stage, with its (padded)
    input tile in shared memory.  That tile is filled by computing the previous
    part element by element (in registers, by the block's threads); the
    previous part's own input tile is again a shared copy, filled the same way,
    down to the first part, whose shared tile is copied from the stage input.
    Intermediates never leave the multiprocessor.
    """
    knobs = Knobs(sch, ctx.tune)
    parts = ctx.stage.parts
    tile, opts = part_defaults(parts[-1], stage_dtype_bytes(sch), chain=parts)
    opts = GpuOptions(shared_input=True, weight_scope=opts.weight_scope, unroll_index=opts.unroll_index)
    main = schedule_main_part(sch, parts[-1], knobs, tile, opts, chain=True)
    copy = main.input_copy
    for i in range(len(parts) - 2, -1, -1):
        copy = attach_producer(sch, parts[i], main, copy)
    bind_threads(sch, copy, main.attach_depth, main.thread_rvs)
    stage_weight(sch, parts[-1], main, opts)
    finish(sch, ctx, knobs, opts)
