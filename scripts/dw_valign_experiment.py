"""Does `valignd`-style codegen speed up the real depthwise kernels?  (An experiment, not a template.)

`scripts/dw_loads_microbench.sh` showed that the 3x3 depthwise inner loop, hot in L1 on one core,
runs 1.56x faster with two aligned loads per input row and the shifted vectors made in registers
(66.7 -> 104.4 GFLOPS).  This script builds that code inside the real TVM kernel and measures it:

* the padded input tile's rows are aligned to 16 floats (`storage_align`, so rows of a 112-wide
  layer are 128 floats, not 114);
* the loop nest is (row task) x (W / L) x kh x (row block, unrolled) x [kw x L], and the bracketed
  part is `tensorize`d with an intrinsic whose body loads `A[0:L]` and `A[L:2L]` (aligned) and
  builds the kw = 1, 2 vectors with `T.Shuffle`, which LLVM emits as `vpermt2ps`/`vpermt2pd`
  (the generated loop: 20 aligned loads, 20 permutes and 72 FMAs per 8 x 16 outputs, accumulators
  and weights in registers; `--asm DIR` writes the assembly);
* against the same layer replayed from the committed tuning log, and the template at its default
  knobs, in one process, alternating, medians.  Every kernel is checked against `F.conv2d`.

Run: ``.venv/bin/python scripts/dw_valign_experiment.py [--rounds 5]``.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import tvm  # noqa: E402
from tvm.s_tir import TensorIntrin  # noqa: E402
from tvm.script import tirx as T  # noqa: E402

from sepgen.codegen.build import schedule_stage
from sepgen.codegen.lowering import lower_stage
from sepgen.ir.spec import ConvSpec
from sepgen.passes.pipeline import choose_plan
from sepgen.targets.registry import get_target
from sepgen.tuning.logs import LogDir, default_log_root
from sepgen.tuning.replay import make_replay

#: instructions that build a shifted vector in registers (what the intrinsic's shuffles become)
PERMUTES = ("vpermt2ps", "vpermt2pd", "valignd", "vpalignr", "vshufpd", "vshuff64x2", "vperm2f128")


def permute_count(ex) -> int:
    """Register-shuffle instructions in a compiled kernel's assembly."""
    asm = ex.mod.inspect_source("asm")
    return sum(asm.count(op) for op in PERMUTES)


def register_row_intrin(lanes: int) -> str:
    """C[0:L] += A[0:L]*w0 + A[1:L+1]*w1 + A[2:L+2]*w2, from two aligned loads and two shuffles."""
    L, N, vt = lanes, lanes + 2, f"float32x{lanes}"

    @T.prim_func(s_tir=True)
    def desc(A: T.Buffer((N,), "float32", offset_factor=1), Wt: T.Buffer((3,), "float32", offset_factor=1),
             C: T.Buffer((L,), "float32", offset_factor=1)):
        with T.sblock("root"):
            T.reads(C[0:L], A[0:N], Wt[0:3])
            T.writes(C[0:L])
            for k, i in T.grid(3, L):
                with T.sblock("update"):
                    vi, vk = T.axis.remap("SR", [i, k])
                    C[vi] = C[vi] + A[vi + vk] * Wt[vk]

    # A[L:2L] reaches past the 18 declared elements: into the row's alignment padding (rows are a
    # multiple of 16 floats and W a multiple of L), never used, never outside the tile
    @T.prim_func(s_tir=True)
    def impl(A: T.Buffer((N,), "float32", offset_factor=1), Wt: T.Buffer((3,), "float32", offset_factor=1),
             C: T.Buffer((L,), "float32", offset_factor=1)):
        with T.sblock("root"):
            T.reads(C[0:L], A[0:N], Wt[0:3])
            T.writes(C[0:L])
            C[T.ramp(0, 1, L)] = (
                C.vload([0], vt) + A.vload([0], vt) * T.Broadcast(Wt[0], L)
                + T.Shuffle([A.vload([0], vt), A.vload([L], vt)], [i + 1 for i in range(L)]) * T.Broadcast(Wt[1], L)
                + T.Shuffle([A.vload([0], vt), A.vload([L], vt)], [i + 2 for i in range(L)]) * T.Broadcast(Wt[2], L))

    name = f"sepgen_experiment_dw3_row_l{L}"
    TensorIntrin.register(name, desc, impl, override=True)
    return name


def valign_schedule(func, lanes: int, rows: int):
    sch = tvm.s_tir.Schedule(tvm.IRModule({"main": func}))
    blk = sch.get_sblock("conv")
    n, o, i0, i1, rk0, rk1 = sch.get_loops(blk)
    ho, hi = sch.split(i0, [None, rows])
    wo, wi = sch.split(i1, [None, lanes])
    sch.reorder(n, o, ho, wo, rk0, hi, rk1, wi)
    par = sch.fuse(n, o, ho)
    sch.parallel(par)
    pad = sch.get_sblock("conv_pad")
    sch.compute_at(pad, par, preserve_unit_loops=True)
    sch.vectorize(sch.get_loops(pad)[-1])
    sch.storage_align(pad, 0, 2, 16, 0)
    init = sch.decompose_reduction(blk, rk0)
    il = sch.get_loops(init)
    sch.vectorize(il[-1])
    sch.unroll(il[-2])
    sch.tensorize(rk1, register_row_intrin(lanes))
    sch.unroll(hi)
    sch.unroll(rk0)
    return sch


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds (each: every kernel once)")
    ap.add_argument("--asm", default="", help="write each kernel's assembly into this directory")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("TVM_NUM_THREADS", "2")))
    tgt = get_target("host")
    ttgt, dev = tgt.to_tvm(), tvm.cpu()
    replay, _ = make_replay(LogDir(default_log_root()), "float32")
    # (label, channels, H=W): the stride-1 3x3 MobileNetV1 layers whose width is a multiple of 8,
    # and one small enough to stay in L2 (the microbenchmark's hot-in-cache setting)
    cases = [("mobilenet_v1_dw_0", 32, 112), ("mobilenet_v1_dw_2", 128, 56), ("L2-resident", 4, 112)]
    print(f"{'layer':<20} {'kernel':<22} {'median us':>10} {'GFLOPS':>7}   (2 threads, alternating, "
          f"{a.rounds} rounds)")
    for label, c, h in cases:
        spec = ConvSpec.create((1, c, h, h), (c, 1, 3, 3), padding=1, groups=c)
        rng = np.random.default_rng(0)
        w = rng.standard_normal((c, 1, 3, 3))
        plan, _ = choose_plan(spec, w, None, tolerance=0.0)
        st = plan.stages[0]
        lanes = 16 if h % 16 == 0 else 8
        kernels = {}
        got = replay(0, st, tgt)
        if got is not None:
            kernels["tuned (committed log)"] = tvm.compile(got[1], ttgt)
        _, sch = schedule_stage(st, "float32", tgt)
        kernels["template defaults"] = tvm.compile(sch.mod, ttgt)
        # what the tuner's unroll knob adds (MetaSchedule's postprocessor turns it into these pragmas)
        par = sch.get_loops(sch.get_sblock("conv_update"))[0]
        sch.annotate(par, "pragma_auto_unroll_max_step", 64)
        sch.annotate(par, "pragma_unroll_explicit", 1)
        kernels["template, unroll 64"] = tvm.compile(sch.mod, ttgt)
        kernels[f"valign, {lanes} lanes"] = tvm.compile(
            valign_schedule(lower_stage(st, "float32", "cpu").func, lanes, 8).mod, ttgt)
        n_perm = permute_count(kernels[f"valign, {lanes} lanes"])
        if not n_perm:
            raise SystemExit(f"{label}: no permute instructions in the valign kernel: the shuffles were lost")
        x = rng.standard_normal(spec.input_shape).astype("float32")
        ref = F.conv2d(torch.from_numpy(x), torch.from_numpy(w.astype("float32")), padding=1, groups=c).numpy()
        args = [tvm.runtime.tensor(x, dev), tvm.runtime.tensor(w.astype("float32"), dev)]
        outs = {}
        for k, ex in kernels.items():
            out = tvm.runtime.tensor(np.zeros(spec.output_shape, "float32"), dev)
            ex.mod["main"](*args, out)
            err = float(np.abs(out.numpy() - ref).max() / np.abs(ref).max())
            if not err < 1e-5:
                raise SystemExit(f"{label} {k}: max relative error {err:.2e} against F.conv2d")
            outs[k] = out
            if a.asm:
                os.makedirs(a.asm, exist_ok=True)
                fn = f"{label}_{k.split()[0].strip(',')}.s"
                with open(os.path.join(a.asm, fn), "w") as f:
                    f.write(ex.mod.inspect_source("asm"))
        times = {k: [] for k in kernels}
        for _ in range(a.rounds):
            for k, ex in kernels.items():
                ev = ex.mod.time_evaluator("main", dev, number=20, repeat=3)
                times[k].extend(ev(*args, outs[k]).results)
        flops = 2 * 9 * c * h * h
        for k, ts in times.items():
            us = float(np.median(ts)) * 1e6
            print(f"{label:<20} {k:<22} {us:>10.1f} {flops / us / 1e3:>7.0f}")
        print(f"{label:<20} (valign kernel: {n_perm} permute instructions in its assembly)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
