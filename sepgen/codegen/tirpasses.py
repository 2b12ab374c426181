"""sepgen's TIR lowering pipeline for CPUs: TVM's default one, with passes of sepgen's own.

Every CPU kernel sepgen builds (a plan's module, each candidate MetaSchedule measures while tuning,
a replayed record) goes through :func:`compile_tir`, so what the tuner times is what a user gets.
The MetaSchedule peer of the benchmarks is built by stock TVM (it stands for what TVM gives alone).

:func:`hoist_parallel_workspace`
    A parallel loop whose body allocates a tile (a depthwise layer's padded input rows, a fused
    chain's intermediate) allocates it once per *iteration*: TVM keeps allocations under 1 KiB on
    the stack and turns larger ones into a ``TVMBackendAllocWorkspace`` / ``FreeWorkspace`` pair,
    about 24 ns per task here (448 tasks of a MobileNet layer: 5.4 us of a 61 us kernel).  The pass
    groups the iterations into chunks, one parallel iteration each, and allocates the tile once per
    chunk, before a serial loop over its iterations::

        for t in parallel(N):              for c in parallel(ceil(N / C)):
            tile = alloc(...)       ->         tile = alloc(...)
            body(t, tile)                      for t in range(c * C, c * C + C):
                                                   if t < N: body(t, tile)

    An allocation at the top of the body holds nothing from one iteration to the next (each
    iteration writes what it reads), so reusing it is exact.  Chunks are at least
    :data:`MIN_CHUNKS` and :data:`CHUNKS_PER_CORE` per core of the target (a 96-core target keeps
    768, or its loop as it was), so every thread still gets an even share; the serial loop
    keeps the original loop variable (rebinding it as ``c * C + i`` made LLVM unroll the small
    constant-trip loop and spill).  Measured on the committed MobileNetV1 depthwise kernels (same
    process, alternating, medians, 2 threads): 32x112x112 51.1 -> 49.7 us, 64x112x112/2 61.7 -> 56.6,
    128x56x56 56.6 -> 51.6, 128x56x56/2 34.5 -> 31.3, 256x28x28 32.1 -> 30.6; tiles under 1 KiB
    (the 14x14 and 7x7 layers) are left alone.

:func:`select_masked_pads` and :func:`masked_vector_loads`
    A template that computes from its input directly (the padding inlined: ``x if inside else 0``
    read in the arithmetic, no padded copy) marks its vector loop with :data:`MASKED_PAD_PRAGMA`.
    Before TVM vectorizes, the first pass rewrites the reads in that loop from ``if_then_else``,
    which TVM's vectorizer scalarizes when the test differs between lanes (the W borders), to
    ``Select``, which it vectorizes; after the pipeline, the second gives every vector
    ``Select(mask, x[ramp], 0)`` a masked load (``tirx.masked_load``: AVX-512 / SVE masked loads),
    so the lanes outside the tensor are never read: without it the first vector of a row would read
    before the tensor's first element.  A stride-2 read becomes two contiguous masked loads and a
    shuffle of their even lanes.

:func:`lower_exp`
    Right after vectorizing, every float32 ``exp`` (sepgen lowers SiLU and sigmoid with ``tirx.exp``) becomes
    arithmetic: ``2**n * p(r)``.  On AVX-512 a 16-lane vector takes ``vscalefps`` for the power of two and a
    degree-5 polynomial, 12 instructions where the bit-trick version takes 18; other widths, other ISAs
    and scalar code get Cephes' polynomial and the bit trick (what ``topi.fast_exp`` computes).  512-bit
    arithmetic issues on two ports here, so a SiLU epilogue's instruction count is its cost: measured,
    a 16->96 pointwise layer at 112x112 with SiLU 435 -> 354 us (245 without it), EfficientNet-B0
    (16 SiLU layers) 5.59 -> 5.22 ms, same process, alternating.  Relative error under 1e-6 over the whole
    float range (``tests/test_tirpasses.py``).  Other targets (CUDA) compile ``tirx.exp`` as TVM does.
"""
from __future__ import annotations

from schedules.pragmas import MASKED_PAD_PRAGMA

#: name of the registered pipeline (``tvm.compile(..., tir_pipeline=PIPELINE)``)
PIPELINE = "sepgen"
#: allocations of at least this many bytes are workspace calls in TVM (``kMaxStackAlloca``)
STACK_ALLOCA_LIMIT = 1024
#: a hoisted parallel loop keeps at least this many iterations (chunks), and at least
#: CHUNKS_PER_CORE per core of the target (its ``num-cores``), so that every thread still gets work
MIN_CHUNKS = 64
CHUNKS_PER_CORE = 8

#: loop annotation of a template whose vector loop reads an inlined padding (see the module docstring)
#: a masked stride-2 read is cut into pieces of this many bytes of output (one AVX-512 register;
#: a whole number of registers on AVX2 and NEON too), each a two-source shuffle of its own loads
STRIDE2_PIECE_BYTES = 64

_registered = False


def _const_nbytes(buf) -> int | None:
    from tvm import tirx

    n = buf.dtype.bits * buf.dtype.lanes // 8
    for e in buf.shape:
        if not isinstance(e, tirx.IntImm):
            return None
        n *= int(e)
    return n


def _hoistable(stmt) -> bool:
    from tvm.tirx import stmt as S

    if not isinstance(stmt, S.AllocBuffer):
        return False
    nbytes = _const_nbytes(stmt.buffer)
    return nbytes is not None and nbytes >= STACK_ALLOCA_LIMIT and stmt.buffer.scope() == "global"


def _chunk_loop(loop, min_chunks: int):
    """The parallel ``loop`` with its workspace allocations hoisted into chunks, or None."""
    from tvm import tirx
    from tvm.tirx import stmt as S

    if not (isinstance(loop.extent, tirx.IntImm) and isinstance(loop.min, tirx.IntImm) and int(loop.min) == 0):
        return None
    body = list(loop.body.seq) if isinstance(loop.body, S.SeqStmt) else [loop.body]
    allocs = [s for s in body if _hoistable(s)]
    n = int(loop.extent)
    per = n // min_chunks
    if not allocs or per < 2:
        return None
    rest = [s for s in body if not any(s.same_as(a) for a in allocs)]
    chunks = -(-n // per)
    t = loop.loop_var
    dt = str(t.ty)
    c = tirx.Var(f"{t.name}_chunk", dt)
    inner = rest[0] if len(rest) == 1 else S.SeqStmt(rest)
    if chunks * per != n:
        inner = S.IfThenElse(t < tirx.const(n, dt), inner, None)
    serial = S.For(t, c * tirx.const(per, dt), tirx.const(per, dt), S.ForKind.SERIAL, inner)
    return S.For(c, tirx.const(0, dt), tirx.const(chunks, dt), S.ForKind.PARALLEL, S.SeqStmt([*allocs, serial]),
                 annotations=loop.annotations)


def _target_cores(func) -> int:
    """The ``num-cores`` of the target bound to ``func`` (0 when unknown)."""
    target = func.attrs.get("target") if func.attrs is not None else None
    try:
        return int(target.attrs.get("num-cores") or 0) if target is not None else 0
    except (TypeError, ValueError, AttributeError):
        return 0


def hoist_parallel_workspace(min_chunks: int = MIN_CHUNKS):
    """The module pass described in the module docstring (runs on lowered, flattened TIR)."""
    from tvm.tirx import stmt as S

    def rewrite(func):
        chunks = max(min_chunks, CHUNKS_PER_CORE * _target_cores(func))

        def on_stmt(s):
            # not nested further: TVM runs a parallel loop inside another one serially
            if isinstance(s, S.For) and s.kind == S.ForKind.PARALLEL:
                return _chunk_loop(s, chunks) or s
            return None
        return _map_stmt(func.body, on_stmt)

    return _func_pass("sepgen.HoistParallelWorkspace", rewrite)


# ---- expression and statement rewriting (TVM 0.27 has no Python mutator for TIR) ----------------

_BINARY = ("Add", "Sub", "Mul", "Div", "Mod", "FloorDiv", "FloorMod", "Min", "Max",
           "EQ", "NE", "LT", "LE", "GT", "GE", "And", "Or")


def _map_expr(e, post):
    """``e`` with ``post`` applied bottom-up to its arithmetic, select, cast, broadcast and
    ``if_then_else`` nodes (other nodes are kept whole; rebuilt only when a child changed)."""
    from tvm import tirx

    name = type(e).__name__
    if name in _BINARY:
        a, b = _map_expr(e.a, post), _map_expr(e.b, post)
        if not (a.same_as(e.a) and b.same_as(e.b)):
            e = getattr(tirx, name)(a, b)
    elif name == "Not":
        a = _map_expr(e.a, post)
        if not a.same_as(e.a):
            e = tirx.Not(a)
    elif name == "Select":
        c, t, f = (_map_expr(v, post) for v in (e.condition, e.true_value, e.false_value))
        if not (c.same_as(e.condition) and t.same_as(e.true_value) and f.same_as(e.false_value)):
            e = tirx.Select(c, t, f)
    elif name == "Cast":
        v = _map_expr(e.value, post)
        if not v.same_as(e.value):
            e = tirx.Cast(str(e.ty.dtype), v)
    elif name == "Broadcast":
        v = _map_expr(e.value, post)
        if not v.same_as(e.value):
            e = tirx.Broadcast(v, e.lanes)
    elif _is_if_then_else(e):
        args = [_map_expr(v, post) for v in e.args]
        if not all(a.same_as(b) for a, b in zip(args, e.args)):
            e = tirx.if_then_else(*args)
    return post(e)


def _is_if_then_else(e) -> bool:
    op = getattr(e, "op", None)
    return type(e).__name__ == "Call" and getattr(op, "name", "") in ("prim.if_then_else", "tirx.if_then_else")


def _is_zero(e) -> bool:
    name = type(e).__name__
    if name == "Broadcast":
        return _is_zero(e.value)
    return name in ("FloatImm", "IntImm") and float(e.value) == 0.0


def _map_stmt(stmt, on_stmt):
    """``stmt`` with ``on_stmt`` applied to each statement (pre-order; it returns a replacement, or
    None to descend into the containers: sequences, loops, conditions, attributes)."""
    from tvm.tirx import stmt as S

    got = on_stmt(stmt)
    if got is not None:
        return got
    if isinstance(stmt, S.SeqStmt):
        new = [_map_stmt(s, on_stmt) for s in stmt.seq]
        return stmt if all(a.same_as(b) for a, b in zip(new, stmt.seq)) else S.SeqStmt(new)
    if isinstance(stmt, S.AttrStmt):
        body = _map_stmt(stmt.body, on_stmt)
        return stmt if body.same_as(stmt.body) else S.AttrStmt(stmt.node, stmt.attr_key, stmt.value, body)
    if isinstance(stmt, S.IfThenElse):
        then = _map_stmt(stmt.then_case, on_stmt)
        other = _map_stmt(stmt.else_case, on_stmt) if stmt.else_case is not None else None
        if then.same_as(stmt.then_case) and (other is None or other.same_as(stmt.else_case)):
            return stmt
        return S.IfThenElse(stmt.condition, then, other)
    if isinstance(stmt, S.For):
        body = _map_stmt(stmt.body, on_stmt)
        return stmt if body.same_as(stmt.body) else S.For(stmt.loop_var, stmt.min, stmt.extent, stmt.kind, body,
                                                          stmt.thread_binding, stmt.annotations, stmt.step)
    return stmt


def _map_values(stmt, post):
    """Every stored and bound value of ``stmt`` through :func:`_map_expr` with ``post``."""
    from tvm.tirx import stmt as S

    def on_stmt(s):
        if isinstance(s, S.BufferStore):
            v = _map_expr(s.value, post)
            return s if v.same_as(s.value) else S.BufferStore(s.buffer, v, s.indices)
        if isinstance(s, S.Bind):
            v = _map_expr(s.value, post)
            return s if v.same_as(s.value) else S.Bind(s.var, v)
        return None
    return _map_stmt(stmt, on_stmt)


def _func_pass(name: str, rewrite):
    """A module pass applying ``rewrite(func) -> body`` to every PrimFunc."""
    import tvm
    from tvm import tirx

    @tvm.transform.module_pass(opt_level=0, name=name)
    def _pass(mod, _ctx):
        funcs = {}
        changed = False
        for gv, f in mod.functions.items():
            if isinstance(f, tirx.PrimFunc):
                body = rewrite(f)
                if not body.same_as(f.body):
                    f = f.with_body(body)
                    changed = True
            funcs[gv] = f
        return tvm.IRModule(funcs, attrs=mod.attrs) if changed else mod

    return _pass


def select_masked_pads():
    """Before vectorizing: in loops marked :data:`MASKED_PAD_PRAGMA`, ``if_then_else(c, x[i], 0)``
    becomes ``Select(c, x[i], 0)`` (and the mark is dropped)."""
    from tvm import tirx
    from tvm.tirx import stmt as S

    def to_select(e):
        if _is_if_then_else(e) and type(e.args[1]).__name__ == "TensorLoad" and _is_zero(e.args[2]):
            return tirx.Select(*e.args)
        return e

    def on_stmt(s):
        if isinstance(s, S.AttrStmt) and s.attr_key == MASKED_PAD_PRAGMA:
            loop = s.body
            vector = (isinstance(loop, S.For) and loop.kind == S.ForKind.VECTORIZED
                      and isinstance(loop.extent, tirx.IntImm) and int(loop.extent) > 1)
            if vector:
                return _map_values(loop, to_select)
            # a one-lane "vector" loop stays scalar code (its if_then_else a branch), and serial: kept
            # by its annotation, TVM's vectorizer would make one-lane vectors of it, which it rejects
            if isinstance(loop, S.For) and loop.kind == S.ForKind.VECTORIZED:
                return S.For(loop.loop_var, loop.min, loop.extent, S.ForKind.SERIAL, loop.body,
                             loop.thread_binding, loop.annotations, loop.step)
            return loop
        return None

    return _func_pass("sepgen.SelectMaskedPads", lambda f: _map_stmt(f.body, on_stmt))


def masked_vector_loads():
    """After the pipeline: a vector ``Select(mask, x[ramp], 0)`` reads ``x`` with a masked load."""
    from tvm import tirx

    def mask(e):
        if type(e).__name__ != "Select" or e.condition.ty.dtype.lanes <= 1:
            return e
        load = e.true_value
        if type(load).__name__ != "TensorLoad" or not _is_zero(e.false_value):
            return e
        if len(load.indices) != 1:
            raise ValueError(f"sepgen: a vector select reads {load.source} with {len(load.indices)} indices "
                             f"after flattening; cannot make it a masked load")
        idx = load.indices[0]
        if type(idx).__name__ == "Ramp" and type(idx.stride).__name__ == "IntImm" and int(idx.stride) == 2 \
                and type(idx.lanes).__name__ == "IntImm":
            return tirx.Select(e.condition, _masked_stride2(load, idx, e.condition), e.false_value)
        if type(idx).__name__ != "Ramp" or not (type(idx.stride).__name__ == "IntImm" and int(idx.stride) == 1):
            # only the masked-pad rewrite makes such selects, and this one's lanes are not contiguous:
            # unmasked, its border lanes would read outside the input
            raise ValueError(f"sepgen: a vector select reads {load.source} at {idx}, which is not a contiguous "
                             f"ramp and cannot be a masked load (a masked-pad vector loop with a strided read?)")
        return tirx.Select(e.condition, tirx.op.masked_load(str(load.ty.dtype), load.source, idx, e.condition),
                           e.false_value)

    return _func_pass("sepgen.MaskedVectorLoads", lambda f: _map_values(f.body, mask))


def _masked_stride2(load, idx, mask):
    """``x[b, b+2, ..., b+2(L-1)]`` under ``mask`` as contiguous masked loads of ``x[b : b+2L]`` (the odd
    elements masked off) and shuffles of their even lanes (``vpermt2ps``), not a gather.

    The read is cut into pieces of :data:`STRIDE2_PIECE_BYTES` of output, each from its own pair of
    loads, so every output register is one two-source shuffle of two input registers.  One pair of
    loads for the whole read splits a register-straddling length (56 or 28 float32 lanes) at its
    middle: for 56 lanes a 3.5-register output took 6 shuffles instead of 4, for 28 lanes 3 instead
    of 2."""
    from tvm import tirx

    n = int(idx.lanes)
    scalar = str(load.ty.dtype).split("x")[0]          # "float32x56" -> "float32"
    piece = max(1, STRIDE2_PIECE_BYTES // max(1, load.ty.dtype.bits // 8))
    off = tirx.Broadcast(tirx.const(False, "bool"), n)
    outs = []
    for start in range(0, n, piece):
        m = min(piece, n - start)
        # lane i of this piece's contiguous pair holds element b + 2 start + i: for even i that is
        # lane start + i/2 of the strided read; odd lanes are masked off (lane n of [mask, off])
        spread = [start + i // 2 if i % 2 == 0 else n for i in range(2 * m)]
        m_lo = tirx.Shuffle([mask, off], spread[:m])
        m_hi = tirx.Shuffle([mask, off], spread[m:])
        base = idx.base + 2 * start
        if m == 1:      # a one-lane tail: a two-lane masked load of which only lane 0 is read
            lo = tirx.op.masked_load(f"{scalar}x2", load.source, tirx.Ramp(base, 1, 2), tirx.Shuffle([mask, off], spread))
            outs.append(tirx.Shuffle([lo], [0]))
            continue
        lo = tirx.op.masked_load(f"{scalar}x{m}", load.source, tirx.Ramp(base, 1, m), m_lo)
        hi = tirx.op.masked_load(f"{scalar}x{m}", load.source, tirx.Ramp(base + m, 1, m), m_hi)
        outs.append(tirx.Shuffle([lo, hi], list(range(0, 2 * m, 2))))
    return outs[0] if len(outs) == 1 else tirx.Shuffle(outs, list(range(n)))


#: ``exp(x)`` for float32 is computed for |x| <= this (``exp`` of the bound is +inf in float32, of its
#: negation ~2**-127.5, as good as 0 to a sigmoid)
EXP_BOUND = 88.3762626647950
_LOG2E, _LN2 = 1.44269504088896341, 0.6931471805599453
_SHIFTER = 1.5 * 2.0 ** 23       # adding and subtracting it rounds a float of magnitude < 2**22 to an integer
#: Cephes' expf polynomial (as TVM's ``topi.fast_exp``): exp(r) on [-ln2/2, ln2/2] as
#: ``1 + r + r**2 * p(r)``; the vectors without AVX-512's ``vscalefps`` and scalars use it
CEPHES_EXP = (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1,
              5.0000001201e-1)
#: exp(r) on [-ln2/2, ln2/2] as ``1 + r + c2 r**2 + c3 r**3 + c4 r**4 + c5 r**5`` (c2 first), fitted for
#: relative error (1.05e-7 in exact arithmetic; 3.9e-7 over [-87, 88] in float32 with the range reduction,
#: against Cephes' 3.1e-7); the AVX-512 sequence uses it
EXP_POLY5 = (0.49999231790406856, 0.1666711446488084, 0.04189011327551878, 0.008312524945810086)
#: float32 lanes -> AVX-512's ``x * 2**floor(y)`` for that width
SCALEF = {16: "llvm.x86.avx512.mask.scalef.ps.512"}


def _is_float(e, value: float) -> bool:
    if type(e).__name__ == "Broadcast":
        e = e.value
    return type(e).__name__ == "FloatImm" and float(e.value) == value


def _op_name(e) -> str:
    return getattr(getattr(e, "op", None), "name", "") if type(e).__name__ == "Call" else ""


def _fconst(v: float, lanes: int):
    from tvm import tirx

    c = tirx.const(v, "float32")
    return c if lanes == 1 else tirx.Broadcast(c, lanes)


def _float32_lanes(e) -> int:
    """The lanes of a float32 (vector) expression, 0 for another type."""
    dt = e.ty.dtype
    return int(dt.lanes) if str(dt).split("x")[0] == "float32" else 0


def _negated(x):
    """``v`` if ``x`` is ``-v`` (``v * -1``, as TVM writes a negation), else None."""
    if type(x).__name__ == "Mul":
        for v, m in ((x.a, x.b), (x.b, x.a)):
            if _is_float(m, -1.0):
                return v
    return None


def _exp(x, lanes: int, scalef: str | None):
    """``exp(x)`` of float32 ``x`` (``lanes`` wide) as arithmetic LLVM vectorizes: ``2**n * exp(r)``,
    ``n = round(x / ln2)``, ``r = x - n ln2``.  With AVX-512's ``vscalefps`` the power of two is one
    instruction and the polynomial :data:`EXP_POLY5`; otherwise ``(n + 127) << 23`` reinterpreted and
    Cephes'.  ``exp(-v)`` (every sigmoid) is computed from ``v``, the negation folded into constants."""
    from tvm import tirx

    f = lambda v: _fconst(v, lanes)  # noqa: E731
    v = _negated(x)
    sign = -1.0 if v is not None else 1.0
    v = x if v is None else v
    if scalef:
        # vscalefps overflows to +inf and underflows to 0 by itself: only the side where exp is ~0 is
        # clamped (x >= -EXP_BOUND), which keeps n an exact integer; above, exp(x) is +inf (or, past
        # ~5.8e6, where n loses its integer, a finite power of two times a finite polynomial: +-inf),
        # never NaN for a finite x.  n = round(x / ln2) by the 1.5 * 2**23 shifter: two FMA-port
        # instructions where vrndscaleps takes two of port 0's, which vdivps and vscalefps share
        vc = tirx.Min(v, f(EXP_BOUND)) if sign < 0 else tirx.Max(v, f(-EXP_BOUND))
        # (an llvm.fma: TVM's simplifier would cancel the shifter of a plain add and subtract)
        n = tirx.call_llvm_pure_intrin(f"float32x{lanes}", "llvm.fma", vc, f(sign * _LOG2E),
                                       f(_SHIFTER)) - f(_SHIFTER)
        r = n * f(-_LN2) - vc if sign < 0 else vc - n * f(_LN2)
        p = f(EXP_POLY5[-1])
        for c in (*EXP_POLY5[-2::-1], 1.0, 1.0):
            p = p * r + f(c)
        return tirx.call_llvm_pure_intrin(f"float32x{lanes}", scalef, p, n, f(0.0), tirx.const(-1, "int16"),
                                          tirx.const(4, "int32"))   # no mask, the current rounding mode
    vc = tirx.Max(tirx.Min(v, f(EXP_BOUND)), f(-EXP_BOUND))
    n = tirx.floor(vc * f(sign * _LOG2E) + f(0.5))
    r = n * f(-_LN2) - vc if sign < 0 else vc - n * f(_LN2)
    y = f(CEPHES_EXP[0])
    for c in CEPHES_EXP[1:]:
        y = y * r + f(c)
    y = y * r * r + r + f(1.0)
    i32 = "int32" if lanes == 1 else f"int32x{lanes}"
    k = lambda v: tirx.const(v, "int32") if lanes == 1 else tirx.Broadcast(tirx.const(v, "int32"), lanes)  # noqa: E731
    pow2 = tirx.reinterpret("float32" if lanes == 1 else f"float32x{lanes}",
                            tirx.shift_left(tirx.Cast(i32, n) + k(127), k(23)))
    return y * pow2


def _has_avx512(target) -> bool:
    """Whether the LLVM ``target`` has AVX-512F (False for a target LLVM cannot say it of: another ISA)."""
    from tvm.target import codegen

    try:
        return bool(codegen.target_has_features("avx512f", target))
    except Exception:   # noqa: BLE001 - not an x86 target
        return False


def lower_exp():
    """After vectorizing: float32 ``exp`` (the SiLU and sigmoid epilogues sepgen lowers) becomes arithmetic,
    :func:`_exp` (LLVM makes ``llvm.exp`` a scalar libm call per lane).

    Where the target has AVX-512 its 16-lane vectors use ``vscalefps`` (:data:`SCALEF`; see the module
    docstring for the figures).  Tried and not kept: the reciprocal estimate (``vrcp14ps`` and a Newton
    step) for the sigmoid's division, 6 micro-ops against ``vdivps``' 3, no faster."""
    def rewrite(func):
        target = func.attrs.get("target") if func.attrs is not None else None
        if target is None or str(target.kind.name) != "llvm":
            return func.body
        scalef = SCALEF if _has_avx512(target) else {}

        def expand(e):
            lanes = _float32_lanes(e) if _op_name(e) == "tirx.exp" else 0
            return _exp(e.args[0], lanes, scalef.get(lanes)) if lanes else e

        return _map_values(func.body, expand)

    return _func_pass("sepgen.LowerExp", rewrite)


def _s_tir_pipeline_with(before_vectorize, config, after_vectorize=()):
    """TVM 0.27's default ``s_tir`` lowering passes (``tvm/s_tir/pipeline.py``), with
    ``before_vectorize`` inserted before ``VectorizeLoop`` and ``after_vectorize`` right after it."""
    import tvm
    from tvm import s_tir, tirx

    passes = [
        s_tir.transform.CanonicalizeLoop(), s_tir.transform.LowerCrossThreadReduction(),
        s_tir.transform.LowerInitBlock(), s_tir.transform.PlanAndUpdateBufferAllocationLocation(),
        s_tir.transform.ConvertBlocksToOpaque(), s_tir.transform.LiftThreadBinding(),
        s_tir.transform.ManifestSharedMemoryLocalStage(), s_tir.transform.CompactBufferAllocation(),
        s_tir.transform.LowerAutoCopy(), s_tir.transform.UnifyThreadBinding(), s_tir.transform.LowerMatchBuffer(),
        s_tir.transform.StmtSimplify(), s_tir.transform.InjectPermutedLayout(),
        s_tir.transform.AnnotateIrregularLoop(), s_tir.transform.InjectSoftwarePipeline(),
        s_tir.transform.TransformMmaBufferLayout(), s_tir.transform.LowerOpaqueBlock(),
        tirx.transform.FlattenBuffer(), tirx.transform.BF16ComputeLegalize(), tirx.transform.NarrowDataType(32),
        s_tir.transform.LoopPartition(),
        *before_vectorize,
        tirx.transform.VectorizeLoop(not bool(config.get("tirx.disable_vectorize", False))),
        *after_vectorize,
        s_tir.transform.InjectVirtualThread(), s_tir.transform.InjectDoubleBuffer(),
    ]
    if not bool(config.get("tirx.disable_storage_rewrite", False)):
        passes.append(tirx.transform.StorageRewrite())
    passes += [s_tir.transform.HoistIfThenElse(), tirx.transform.UnrollLoop(),
               s_tir.transform.RenormalizeSplitPattern(), tirx.transform.StmtSimplify(),
               tirx.transform.RemoveNoOp(), s_tir.transform.RewriteUnsafeSelect()]
    if bool(config.get("tirx.instrument_bound_checkers", False)):
        passes.append(s_tir.transform.InstrumentBoundCheckers())
    if not bool(config.get("tirx.disable_cse_tir", False)):
        passes.append(tirx.transform.CommonSubexprElim())
    passes += [tirx.transform.FP8ComputeLegalize(), s_tir.transform.VerifyVTCMLimit(),
               s_tir.transform.LowerVtcmAlloc(), tirx.transform.VerifyMemory(), tirx.transform.AnnotateEntryFunc(),
               s_tir.transform.ThreadSync("shared"), s_tir.transform.ThreadSync("shared.dyn"),
               s_tir.transform.ThreadSync("warp"), s_tir.transform.InferFragment(),
               s_tir.transform.LowerThreadAllreduce(), s_tir.transform.MergeSharedMemoryAllocations(),
               tirx.transform.SplitHostDevice(), tirx.transform.MakePackedAPI(),
               tirx.transform.FP8StorageLegalize(), tirx.transform.BF16StorageLegalize()]
    return tvm.ir.transform.Sequential(passes)


def register() -> str:
    """Register :data:`PIPELINE` with TVM (once); returns its name."""
    global _registered
    if not _registered:
        import tvm
        from tvm.tirx import compilation_pipeline

        def factory():
            _, finalize_host, finalize_device = tvm.tirx.get_tir_pipeline("s_tir")

            @tvm.transform.module_pass(opt_level=0, name="sepgen.Pipeline")
            def pipeline(mod, _ctx):
                config = tvm.transform.PassContext.current().config
                seq = [_s_tir_pipeline_with([select_masked_pads()], config, [lower_exp()]),
                       masked_vector_loads(), hoist_parallel_workspace()]
                return tvm.ir.transform.Sequential(seq)(mod)

            return pipeline, finalize_host, finalize_device

        compilation_pipeline.register_tir_pipeline(PIPELINE, factory)
        _registered = True
    return PIPELINE


def compile_tir(mod, target, family: str = "cpu"):
    """``tvm.compile`` through sepgen's pipeline (CPU families; others get TVM's default)."""
    import tvm

    return tvm.compile(mod, target=target, tir_pipeline=register() if family == "cpu" else "default")


def build_tir(mod, target, family: str = "cpu"):
    """``tvm.tirx.build`` through sepgen's pipeline: the runtime module (what MetaSchedule's builder
    exports), not an Executable."""
    import tvm

    return tvm.tirx.build(mod, target, register() if family == "cpu" else "default")
