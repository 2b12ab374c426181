"""sepgen's TIR lowering pipeline for CPUs: TVM's default one, then passes of sepgen's own.

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
"""
from __future__ import annotations

#: name of the registered pipeline (``tvm.compile(..., tir_pipeline=PIPELINE)``)
PIPELINE = "sepgen"
#: allocations of at least this many bytes are workspace calls in TVM (``kMaxStackAlloca``)
STACK_ALLOCA_LIMIT = 1024
#: a hoisted parallel loop keeps at least this many iterations (chunks), and at least
#: CHUNKS_PER_CORE per core of the target (its ``num-cores``), so that every thread still gets work
MIN_CHUNKS = 64
CHUNKS_PER_CORE = 8

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


def _rewrite(stmt, min_chunks: int):
    from tvm.tirx import stmt as S

    if isinstance(stmt, S.SeqStmt):
        new = [_rewrite(s, min_chunks) for s in stmt.seq]
        return stmt if all(a.same_as(b) for a, b in zip(new, stmt.seq)) else S.SeqStmt(new)
    if isinstance(stmt, S.AttrStmt):
        body = _rewrite(stmt.body, min_chunks)
        return stmt if body.same_as(stmt.body) else S.AttrStmt(stmt.node, stmt.attr_key, stmt.value, body)
    if isinstance(stmt, S.IfThenElse):
        then = _rewrite(stmt.then_case, min_chunks)
        other = _rewrite(stmt.else_case, min_chunks) if stmt.else_case is not None else None
        if then.same_as(stmt.then_case) and (other is None or other.same_as(stmt.else_case)):
            return stmt
        return S.IfThenElse(stmt.condition, then, other)
    if isinstance(stmt, S.For):
        if stmt.kind == S.ForKind.PARALLEL:   # not nested further: TVM runs inner parallel loops serially
            return _chunk_loop(stmt, min_chunks) or stmt
        body = _rewrite(stmt.body, min_chunks)
        return stmt if body.same_as(stmt.body) else S.For(stmt.loop_var, stmt.min, stmt.extent, stmt.kind, body,
                                                          stmt.thread_binding, stmt.annotations, stmt.step)
    return stmt


def _target_cores(func) -> int:
    """The ``num-cores`` of the target bound to ``func`` (0 when unknown)."""
    target = func.attrs.get("target") if func.attrs is not None else None
    try:
        return int(target.attrs.get("num-cores") or 0) if target is not None else 0
    except (TypeError, ValueError, AttributeError):
        return 0


def hoist_parallel_workspace(min_chunks: int = MIN_CHUNKS):
    """The module pass described in the module docstring (runs on lowered, flattened TIR)."""
    import tvm
    from tvm import tirx

    @tvm.transform.module_pass(opt_level=0, name="sepgen.HoistParallelWorkspace")
    def _pass(mod, _ctx):
        funcs = {}
        changed = False
        for gv, f in mod.functions.items():
            if isinstance(f, tirx.PrimFunc):
                body = _rewrite(f.body, max(min_chunks, CHUNKS_PER_CORE * _target_cores(f)))
                if not body.same_as(f.body):
                    f = f.with_body(body)
                    changed = True
            funcs[gv] = f
        return tvm.IRModule(funcs, attrs=mod.attrs) if changed else mod

    return _pass


def register() -> str:
    """Register :data:`PIPELINE` with TVM (once); returns its name."""
    global _registered
    if not _registered:
        import tvm
        from tvm.tirx import compilation_pipeline

        def factory():
            base, finalize_host, finalize_device = tvm.tirx.get_tir_pipeline("s_tir")
            return tvm.transform.Sequential([base, hoist_parallel_workspace()]), finalize_host, finalize_device

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
