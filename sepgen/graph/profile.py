"""Where a compiled program spends its time: every PrimFunc it calls, timed on its own.

The Relax VM of TVM 0.27 has no per-op profiler, so :func:`profile_functions` builds the
program's PrimFuncs into one library (through the same TIR pipeline) and times each with
TVM's ``time_evaluator`` on random arguments of its buffer shapes, times the number of
calls ``main`` makes to it.  Kernels read warm caches this way; the sum is an estimate of
the program's time, not a measurement of it.
"""
from __future__ import annotations

from collections import Counter


def call_counts(mod) -> Counter:
    """How many times ``main`` calls each PrimFunc (by name)."""
    from tvm import relax

    counts: Counter = Counter()

    def visit(e):
        if isinstance(e, relax.Call) and getattr(e.op, "name", None) == "relax.call_tir":
            counts[e.args[0].name_hint] += 1

    relax.analysis.post_order_visit(mod["main"].body, visit)
    return counts


def profile_functions(mod, target, number: int = 20, repeat: int = 3) -> dict[str, tuple[int, float]]:
    """name -> (calls, microseconds per call, median of ``repeat``) for every PrimFunc ``main`` calls."""
    import numpy as np
    import tvm
    from tvm import relax
    from tvm.s_tir.meta_schedule.arg_info import ArgInfo

    from ..codegen.tirpasses import register

    counts = call_counts(mod)
    # a PrimFunc that only reshapes runs as a view of its input in the VM (RewriteDataflowReshape): not timed
    funcs = {gv.name_hint: f for gv, f in mod.functions_items()
             if isinstance(f, tvm.tirx.PrimFunc) and gv.name_hint in counts
             and not relax.analysis.has_reshape_pattern(f)}
    lib = tvm.tirx.build(tvm.IRModule({n: f.with_attr("global_symbol", n) for n, f in funcs.items()}),
                         target=target.to_tvm(), pipeline=register())
    dev = tvm.cpu()
    rng = np.random.default_rng(0)
    out = {}
    for name, f in funcs.items():
        args = []
        for info in ArgInfo.from_prim_func(f):
            shape = [int(s) for s in info.shape]
            args.append(tvm.runtime.tensor(rng.standard_normal(shape).astype(str(info.dtype)), dev))
        ev = lib.time_evaluator(name, dev, number=number, repeat=repeat)
        res = ev(*args)
        out[name] = (counts[name], float(np.median(res.results)) * 1e6)
    return out
