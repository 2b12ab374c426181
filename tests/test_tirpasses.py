"""sepgen's CPU lowering pipeline (sepgen.codegen.tirpasses): per-task workspace allocations hoisted into chunks."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

tvm = pytest.importorskip("tvm")

from tvm.script import tirx as T  # noqa: E402
from tvm.tirx import stmt as S  # noqa: E402

from sepgen.codegen import tirpasses
from sepgen.targets.registry import get_target


def _tile_kernel(tasks: int, tile: int):
    """B[t, :] = A[t, :] * 2 + 1 through a per-task buffer of ``tile`` floats, in a parallel loop over t."""
    @T.prim_func(s_tir=True)
    def f(A: T.Buffer((tasks, 16), "float32"), B: T.Buffer((tasks, 16), "float32")):
        T.func_attr({"tirx.noalias": True})
        tmp = T.sblock_alloc_buffer((tasks, tile), "float32")
        for t in T.parallel(tasks):
            for i in T.serial(tile):
                with T.sblock("fill"):
                    vt, vi = T.axis.remap("SS", [t, i])
                    tmp[vt, vi] = A[vt, vi % 16] * T.float32(2)
            for i in T.serial(16):
                with T.sblock("use"):
                    vt, vi = T.axis.remap("SS", [t, i])
                    B[vt, vi] = tmp[vt, vi + tile - 16] + T.float32(1)
    return f


def _lowered(func, pipeline: str, tgt=None):
    """The module after the TIR pipeline ``pipeline`` (before codegen's host finalization)."""
    tgt = tgt or get_target("host").to_tvm()
    mod = tvm.tirx.transform.BindTarget(tgt.with_host(tgt))(tvm.IRModule({"main": func}))
    base, _, _ = tvm.tirx.get_tir_pipeline(pipeline)
    with tvm.transform.PassContext():
        return base(mod)


def _parallel_loops(mod) -> list:
    """The outermost parallel loops of every function of ``mod``."""
    found = []

    def walk(s):
        if isinstance(s, S.SeqStmt):
            for x in s.seq:
                walk(x)
        elif isinstance(s, (S.AttrStmt, S.For)) and not (isinstance(s, S.For) and s.kind == S.ForKind.PARALLEL):
            walk(s.body)
        elif isinstance(s, S.IfThenElse):
            walk(s.then_case)
            if s.else_case is not None:
                walk(s.else_case)
        elif isinstance(s, S.For):
            found.append(s)

    for f in mod.functions.values():
        walk(f.body)
    return found


def _children(loop) -> list:
    return list(loop.body.seq) if isinstance(loop.body, S.SeqStmt) else [loop.body]


def _run(func, pipeline: str, a: np.ndarray) -> np.ndarray:
    ex = tvm.compile(func, target=get_target("host").to_tvm(), tir_pipeline=pipeline)
    b = tvm.runtime.tensor(np.full(a.shape, np.nan, dtype="float32"))
    ex.mod["main"](tvm.runtime.tensor(a), b)
    return b.numpy()


@pytest.mark.parametrize("tasks", [448, 131])   # 131: prime, so the last chunk is partial (guarded)
def test_workspace_allocated_once_per_chunk(tasks):
    func = _tile_kernel(tasks, 512)            # 2 KiB per task: a workspace call in TVM's own pipeline
    stock = _parallel_loops(_lowered(func, "s_tir"))
    assert len(stock) == 1 and int(stock[0].extent) == tasks
    assert any(isinstance(s, S.AllocBuffer) for s in _children(stock[0]))

    (loop,) = _parallel_loops(_lowered(func, tirpasses.register()))
    per = tasks // tirpasses.MIN_CHUNKS
    assert int(loop.extent) == -(-tasks // per) >= tirpasses.MIN_CHUNKS
    kids = _children(loop)
    assert isinstance(kids[0], S.AllocBuffer) and int(kids[0].buffer.shape[0]) == 512
    serial = kids[-1]
    assert isinstance(serial, S.For) and serial.kind == S.ForKind.SERIAL and int(serial.extent) == per
    guarded = isinstance(serial.body, S.IfThenElse)
    assert guarded == (tasks % per != 0)
    assert not any(isinstance(s, S.AllocBuffer) for s in _children(serial))

    a = np.random.default_rng(0).standard_normal((tasks, 16)).astype("float32")
    np.testing.assert_array_equal(_run(func, tirpasses.PIPELINE, a), a * 2 + 1)


def test_small_tiles_and_short_loops_left_alone():
    # under 1 KiB the tile is a stack array already; under 2 * MIN_CHUNKS tasks there is nothing to group
    for tasks, tile in ((448, 128), (100, 512)):
        func = _tile_kernel(tasks, tile)
        (loop,) = _parallel_loops(_lowered(func, tirpasses.register()))
        assert int(loop.extent) == tasks
        a = np.random.default_rng(1).standard_normal((tasks, 16)).astype("float32")
        np.testing.assert_array_equal(_run(func, tirpasses.PIPELINE, a), a * 2 + 1)


@pytest.mark.parametrize("cores, chunks", [(16, 150), (96, 448)])
def test_chunks_scale_with_the_target_cores(cores, chunks):
    """At least CHUNKS_PER_CORE chunks per core: 16 cores -> >= 128 chunks (3 tasks each), 96 -> >= 768,
    more than the 448 tasks, so that loop stays as it was."""
    host = dict(get_target("host").to_tvm().export())
    tgt = tvm.target.Target({**host, "num-cores": cores})
    (loop,) = _parallel_loops(_lowered(_tile_kernel(448, 512), tirpasses.register(), tgt))
    assert int(loop.extent) == chunks


def test_depthwise_kernel_through_the_pipeline():
    """A strided depthwise layer's variant 0 (its padded tile is 8 KiB per task) through sepgen's pipeline:
    hoisted, and equal to F.conv2d and to the same schedule built by TVM's own pipeline."""
    import sepgen

    w = torch.randn(64, 1, 3, 3, generator=torch.Generator().manual_seed(0))
    op = sepgen.compile_conv(w, input_shape=(1, 64, 112, 112), stride=2, padding=1, groups=64, trials=0)
    x = torch.randn(1, 64, 112, 112, generator=torch.Generator().manual_seed(1))
    ref = F.conv2d(x, w, stride=2, padding=1, groups=64)
    assert (op(x) - ref).abs().max().item() <= 1e-5 * ref.abs().max().item()

    stage = op.plan.stages[0]
    # variant 0 (a padded tile per task; untuned, this layer builds variant 2, which has no tile)
    from tvm import IRModule, s_tir

    import schedules
    from schedules.context import TemplateContext
    from sepgen.codegen.lowering import lower_stage

    lowered = lower_stage(stage, "float32", "cpu")
    sch = s_tir.Schedule(IRModule({"main": lowered.func}))
    schedules.get_template("depthwise", "cpu")(sch, TemplateContext(stage, lowered, get_target("host"), variant=0))
    (loop,) = _parallel_loops(_lowered(sch.mod["main"], tirpasses.register()))
    kids = _children(loop)
    assert int(loop.extent) >= tirpasses.MIN_CHUNKS and any(isinstance(s, S.AllocBuffer) for s in kids)
    serial = kids[-1]      # the chunk's tasks: from chunk * per, per of them
    assert isinstance(serial, S.For) and serial.kind == S.ForKind.SERIAL and int(serial.extent) >= 2
    assert not isinstance(serial.min, tvm.tirx.IntImm) and "chunk" in str(serial.min)

    tgt = get_target("host").to_tvm()
    args = [np.ascontiguousarray(x.numpy()), np.ascontiguousarray(op.plan.params[stage.weight], dtype="float32")]
    outs = []
    for pipeline in ("default", tirpasses.PIPELINE):
        ex = tvm.compile(sch.mod, target=tgt, tir_pipeline=pipeline)
        y = tvm.runtime.tensor(np.zeros(ref.shape, dtype="float32"))
        ex.mod["main"](*[tvm.runtime.tensor(v) for v in args], y)
        outs.append(y.numpy())
    np.testing.assert_array_equal(outs[0], outs[1])


GUARDED = r"""
import ctypes, mmap, sys
import numpy as np, torch, torch.nn.functional as F
import sepgen

shape, pad, stride = (1, 8, 32, int(sys.argv[2])), 1, int(sys.argv[1])
page = mmap.PAGESIZE
nbytes = int(np.prod(shape)) * 4
assert nbytes % page == 0
buf = mmap.mmap(-1, nbytes + 2 * page)
addr = ctypes.addressof(ctypes.c_char.from_buffer(buf))
libc = ctypes.CDLL(None)
# the pages just before and just after the input: any read there is a segmentation fault
assert libc.mprotect(ctypes.c_void_p(addr), page, 0) == 0
assert libc.mprotect(ctypes.c_void_p(addr + page + nbytes), page, 0) == 0
x = torch.from_numpy(np.frombuffer(buf, dtype=np.float32, count=nbytes // 4, offset=page).reshape(shape))
x.copy_(torch.randn(shape, generator=torch.Generator().manual_seed(0)))
w = torch.randn(8, 1, 3, 3, generator=torch.Generator().manual_seed(1))
op = sepgen.compile_conv(w, shape, padding=pad, stride=stride, groups=8)
assert op.plan.stages[0].kind == "depthwise"
y = op(x)
ref = F.conv2d(x, w, padding=pad, stride=stride, groups=8)
err = float((y - ref).abs().max() / ref.abs().max())
print("ok", err)
sys.exit(0 if err < 1e-5 else 1)
"""


@pytest.mark.parametrize("stride,width", [(1, 32), (2, 32), (2, 56)])
def test_direct_depthwise_reads_nothing_outside_its_input(stride, width):
    """The input sits between two pages that cannot be read: the first output vector's left taps and the
    last one's right taps lie outside it, so only masked loads keep the kernel from faulting (checked:
    with the stride-1 masking off it faults; stride 2, whose strided read is two contiguous masked loads,
    is checked not to fault; width 56 at stride 2 makes 28-lane rows, read in two pieces)."""
    import subprocess
    import sys
    from pathlib import Path

    res = subprocess.run([sys.executable, "-c", GUARDED, str(stride), str(width)], capture_output=True, text=True,
                         timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert res.returncode == 0 and res.stdout.startswith("ok"), (res.returncode, res.stdout, res.stderr[-2000:])


SHUFFLES = r"\tv(perm|shuf|unpck|align|extract|insert|blend)"


@pytest.mark.parametrize("width", [34, 56])
def test_stride2_read_costs_one_shuffle_per_output_register(width):
    """A W-stride-2 read is cut into 64-byte pieces of output, so each output register is one two-source
    shuffle of two loaded registers.  Before, one pair of loads per read split a register-straddling row
    at its middle (28 lanes: 3 shuffles for 2 registers; 17 lanes: 2 for 1 register and a lane).
    Static counts in the kernel's asm at the default knobs (28- and 17-lane rows, 3x3, one vector per row):
    28 lanes 76 -> 52 shuffles for 69 FMAs, 17 lanes 96 -> 24."""
    import platform
    import re

    import sepgen

    if platform.machine() != "x86_64" or get_target("host").vector_bits != 512:
        pytest.skip("the counts are of x86 AVX-512 code")
    w = torch.randn(8, 1, 3, 3, generator=torch.Generator().manual_seed(0))
    op = sepgen.compile_conv(w, (1, 8, 8, width), stride=2, padding=1, groups=8)
    x = torch.randn(1, 8, 8, width, generator=torch.Generator().manual_seed(1))
    ref = F.conv2d(x, w, stride=2, padding=1, groups=8)
    assert float((op(x) - ref).abs().max() / ref.abs().max()) <= 1e-5
    asm = op.module.inspect_source("asm")
    fmas, shuffles = asm.count("\tvfmadd"), len(re.findall(SHUFFLES, asm))
    assert fmas > 0 and shuffles <= 0.8 * fmas, (shuffles, fmas)


def test_pipeline_copy_matches_tvms_own():
    """sepgen's copy of TVM's s_tir lowering passes lowers a kernel without masked pads exactly as TVM's."""
    import sepgen

    w = torch.randn(8, 1, 3, 3)
    op = sepgen.compile_conv(w, (1, 8, 16, 16), stride=2, padding=1, groups=8)
    from sepgen.codegen.build import schedule_stage

    _, sch = schedule_stage(op.plan.stages[0], "float32", get_target("host"))
    tgt = get_target("host").to_tvm()
    mod = tvm.tirx.transform.BindTarget(tgt.with_host(tgt))(sch.mod)
    with tvm.transform.PassContext() as ctx:
        base, _, _ = tvm.tirx.get_tir_pipeline("s_tir")
        ours = tirpasses._s_tir_pipeline_with([], ctx.config)
        tvm.ir.assert_structural_equal(base(mod), ours(mod))


_EDGES = [-1e30, -1e7, -1e5, -200.0, -100.0, -88.7, -88.4, -88.3, -87.0, -50.0, -20.0, -5.0, -1.0, -1e-3, -1e-30,
          0.0, 1e-30, 1e-3, 1.0, 5.0, 20.0, 50.0, 87.0, 88.3, 88.4, 88.7, 100.0, 200.0, 1e5, 1e7, 1e30]


def _activation_kernel(act: str, n: int, lanes: int):
    from tvm import s_tir, te

    from sepgen.codegen.lowering import _activation

    x = te.placeholder((n,), "float32", name="x")
    y = te.compute((n,), lambda i: _activation(x[i], act, "float32"), name="y")
    sch = s_tir.Schedule(te.create_prim_func([x, y]))
    if lanes > 1:
        _, inner = sch.split(sch.get_loops(sch.get_sblock("y"))[0], [None, lanes])
        sch.vectorize(inner)
    return sch.mod


@pytest.mark.parametrize("act", ["silu", "sigmoid"])
@pytest.mark.parametrize("cpu,lanes", [(None, 16), (None, 1), ("haswell", 16), ("haswell", 8)])
def test_exp_is_arithmetic_and_accurate_over_the_whole_float_range(act, cpu, lanes):
    """SiLU's and sigmoid's exp through sepgen's pipeline: no libm call, vscalefps where the target has
    AVX-512 (Cephes' bit trick otherwise and in scalar code), within 1e-6 of float64 from -1e30 to 1e30."""
    tgt = get_target("host").to_tvm() if cpu is None else tvm.target.Target({"kind": "llvm", "mcpu": cpu})
    avx512 = cpu is None and tvm.target.codegen.target_has_features("avx512f", tgt)
    rng = np.random.default_rng(0)
    x = np.concatenate([np.array(_EDGES), rng.standard_normal(737) * 10]).astype(np.float32)
    x = np.resize(x, 768)
    ex = tvm.compile(_activation_kernel(act, x.size, lanes), target=tgt, tir_pipeline=tirpasses.register())
    asm = ex.mod.inspect_source("asm")
    assert "expf" not in asm
    assert ("vscalefps" in asm) == (avx512 and lanes == 16)
    y = tvm.runtime.tensor(np.full_like(x, np.nan))
    ex.mod["main"](tvm.runtime.tensor(x), y)
    got = y.numpy().astype(np.float64)
    x64 = x.astype(np.float64)
    with np.errstate(over="ignore"):
        sig = 1.0 / (1.0 + np.exp(-x64))
    ref = x64 * sig if act == "silu" else sig
    assert np.all(np.isfinite(got))
    bad = np.abs(got - ref) > 1e-6 * np.abs(ref) + 1e-36      # below 1e-36: 0 in float32 terms
    assert not bad.any(), list(zip(x[bad][:5], got[bad][:5], ref[bad][:5]))
