"""ARM (aarch64): presets, cross-compiled artifacts, and the kernels themselves checked under QEMU.

Every CPU stage kind and every named workload, at its real shape (under
qemu-aarch64-static the whole table runs in seconds, so nothing is reduced), is
built for an aarch64 preset (NEON, parallel loops split over the preset's 4
cores), run by the static C runner (sepgen/targets/qemu/runner.c) under
qemu-aarch64-static, and compared on this machine with ``F.conv*`` and
``run_plan_torch`` on the same inputs.  Committed tuning logs under
``tuning_logs/aarch64-*/`` are replayed and checked the same way (those measured
on the emulated RPC server, sepgen.tuning.qemu_rpc, must say so in their meta.json).

Emulated runs check correctness only: nothing here measures time (emulated
timings say nothing about ARM performance).  Tests that run code under QEMU skip
when ``qemu-aarch64-static`` or ``aarch64-linux-gnu-gcc`` is missing (``make
system-deps`` installs them); real ARM hardware is not exercised here.
"""
from __future__ import annotations

import json
import platform
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import sepgen
from sepgen import cli
from sepgen.codegen.build import build_module, schedule_plan, schedule_stage
from sepgen.driver.qemu import run_stage_under_qemu
from sepgen.errors import ArtifactError, TargetError, TensorError
from sepgen.ir.serialize import stage_from_dict
from sepgen.ir.spec import ConvSpec
from sepgen.ir.stages import (AxisPass, DepthwiseConv, DirectConv, FFTConv, FusedDwPw, Geometry, Plan, PointwiseConv,
                              SeparableConv, SpatialSpectral)
from sepgen.ir.workloads import WORKLOADS
from sepgen.runtime import qemu as arm
from sepgen.runtime.compiled import CompiledConv
from sepgen.runtime.reference import run_plan_torch, run_stage_torch
from sepgen.targets import qemu as _qemu
from sepgen.targets.arm import ARM_PRESETS, preset
from sepgen.targets.cross import elf_machine
from sepgen.targets.registry import TargetPreset, get_target, preset_names
from sepgen.tuning.logs import LogDir, default_log_root
from sepgen.tuning.records import META_FILE, RECORD_FILE, stage_workload

QEMU_WHY = _qemu.unavailable_reason()
needs_qemu = pytest.mark.skipif(bool(QEMU_WHY), reason=f"emulated aarch64 runs need tools: {QEMU_WHY}")
GXX_WHY = "" if shutil.which("aarch64-linux-gnu-g++") else (
    "aarch64-linux-gnu-g++ not found; install with `make system-deps` (apt-get install g++-aarch64-linux-gnu)")
needs_gxx = pytest.mark.skipif(bool(GXX_WHY), reason=GXX_WHY)
on_x86 = pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"),
                            reason="checks cross compilation from an x86-64 host")

A72 = "cortex-a72"
ARM_NAMES = ["aarch64", "cortex-a53", "cortex-a72", "cortex-a76", "neoverse-n1", "neoverse-v1", "apple-m1"]
LINUX_ARM = [n for n in ARM_NAMES if n != "apple-m1"]


def G(in_shape, out_c, k, s=None, p=None, d=None, g=1):
    nd = len(in_shape) - 2
    return Geometry(tuple(in_shape), out_c, tuple(k), tuple(s or (1,) * nd), tuple(p or ((0, 0),) * nd),
                    tuple(d or (1,) * nd), g)


def rel_err(y, ref) -> float:
    y = np.asarray(y, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    return float(np.abs(y - ref).max() / max(np.abs(ref).max(), 1e-12))


def conv_ref(spec: ConvSpec, x, w, b):
    """F.conv*d of the spec (explicit, possibly asymmetric padding)."""
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[spec.ndim]
    flat = []
    for lo, hi in reversed(spec.padding):
        flat += [lo, hi]
    wt = torch.from_numpy(np.asarray(w, dtype=np.float32))
    bt = None if b is None else torch.from_numpy(np.asarray(b, dtype=np.float32))
    return conv(F.pad(x, flat), wt, bt, spec.stride, 0, spec.dilation, spec.groups)


def _inputs(stage, dtype="float32", seed=0) -> dict:
    rng = np.random.default_rng(seed)
    out = {"x": rng.standard_normal(stage.in_shape).astype(dtype)}
    for name, shape in sorted(stage.param_shapes().items()):
        out[name] = rng.standard_normal(shape).astype(dtype)
    return out


def _stage_reference(stage, inputs):
    """The stage part by part with F.conv* in float64."""
    class _Params:
        params = {k: v.astype(np.float64) for k, v in inputs.items() if k != "x"}

    return run_stage_torch(_Params, stage, torch.from_numpy(inputs["x"].astype(np.float64))).numpy()


# ---- presets ---------------------------------------------------------------------------------------

def test_arm_presets_are_registered_with_distinct_keys():
    names = preset_names()
    keys = {}
    for n in ARM_NAMES:
        assert n in names
        t = get_target(n)
        assert (t.family, t.arch, t.vector_bits, t.vector_lanes_f32) == ("cpu", "aarch64", 128, 4)
        assert t.mattr == ("+neon",) and t.num_cores == 4
        assert t.mtriple == ("arm64-apple-darwin" if n == "apple-m1" else "aarch64-linux-gnu")
        assert t.key().startswith("aarch64-") and t.key().endswith("-4c-neon")
        cfg = t.to_tvm()
        assert str(cfg.attrs["mtriple"]) == t.mtriple
        if t.mcpu:
            assert str(cfg.attrs["mcpu"]) == t.mcpu
        keys[t.key()] = n
    assert len(keys) == len(ARM_NAMES), keys
    others = {get_target(n).key() for n in names if n not in ARM_NAMES}
    assert not set(keys) & others
    big = preset("neoverse-n1", num_cores=16)
    assert big.key() == "aarch64-neoverse-n1-16c-neon" and big.key() not in keys
    with pytest.raises(TargetError):
        preset("cortex-m4")


def test_cli_lists_the_arm_presets(capsys):
    assert cli.main(["targets"]) == 0
    out = capsys.readouterr().out
    for n in ARM_NAMES:
        assert get_target(n).key() in out


# ---- compiling here, for there ------------------------------------------------------------------------

@on_x86
def test_op_for_arm_refuses_to_run_here():
    w = torch.randn(8, 1, 3, 3)
    op = sepgen.compile_conv(w, (1, 8, 12, 12), padding=1, groups=8, target=A72)
    assert "cortex-a72" in repr(op)
    msg = f"compiled for {A72} (aarch64); run it there or under QEMU via sepgen.runtime.qemu.run_under_qemu"
    with pytest.raises(TargetError, match=r"compiled for cortex-a72 \(aarch64\); run it there or under QEMU"):
        op(torch.randn(1, 8, 12, 12))
    with pytest.raises(TargetError) as e:
        op.benchmark(reps=1, warmup=0)
    assert str(e.value) == msg


@on_x86
@needs_gxx
def test_cli_compile_for_cortex_a72_makes_an_aarch64_artifact(tmp_path, capsys):
    out = tmp_path / "a72"
    rc = cli.main(["compile", "mobilenet_v1_dw_6", "--target", A72, "--out", str(out),
                   "--log-dir", str(tmp_path / "logs")])
    assert rc == 0, capsys.readouterr().err
    m = json.loads((out / "manifest.json").read_text())
    assert m["target"]["name"] == A72 and m["target"]["arch"] == "aarch64"
    assert m["target"]["mtriple"] == "aarch64-linux-gnu" and m["target"]["mcpu"] == "cortex-a72"
    so = out / "kernels.so"
    assert elf_machine(so) == "aarch64"
    assert int.from_bytes(so.read_bytes()[16:18], "little") == 3      # ET_DYN: a shared library
    if shutil.which("aarch64-linux-gnu-nm"):
        undef = subprocess.run(["aarch64-linux-gnu-nm", "-D", "-u", str(so)], capture_output=True, text=True).stdout
        tvm_syms = {ln.split()[-1] for ln in undef.splitlines() if "TVM" in ln}
        assert tvm_syms <= {"TVMFFIErrorSetRaisedFromCStrParts", "TVMFFIErrorSetRaisedFromCStr"}, tvm_syms
    with pytest.raises(ArtifactError, match="compiled for aarch64") as e:
        sepgen.load(out)
    assert "run_under_qemu" in str(e.value) and "x86_64" in str(e.value)
    if QEMU_WHY:
        pytest.skip(f"running the artifact needs {QEMU_WHY}")
    w, _ = WORKLOADS["mobilenet_v1_dw_6"].weights(0)
    x = torch.randn(WORKLOADS["mobilenet_v1_dw_6"].spec.input_shape, generator=torch.Generator().manual_seed(3))
    y, stats = arm.run_under_qemu(out, x, return_stats=True)    # the cross-linked kernels.so itself
    assert rel_err(y, F.conv2d(x, torch.from_numpy(w), padding=1, groups=1024)) <= 1e-5
    assert stats[0].max_tasks == 4


@on_x86
def test_apple_m1_builds_the_object_and_says_how_to_get_the_dylib(tmp_path, capsys):
    w = torch.randn(8, 1, 3, 3)
    op = sepgen.compile_conv(w, (1, 8, 12, 12), padding=1, groups=8, target="apple-m1")
    with pytest.raises(TargetError, match="natively on the Mac"):
        op.save(tmp_path / "m1")
    assert not (tmp_path / "m1").exists()
    obj = sepgen.targets.cross.write_object(op, tmp_path / "k.o")
    assert elf_machine(obj) == "macho-arm64"
    rc = cli.main(["compile", "mobilenet_v1_dw_6", "--target", "apple-m1", "--out", str(tmp_path / "cli"),
                   "--log-dir", str(tmp_path / "logs")])
    err = capsys.readouterr().err
    *warned, last = err.strip().splitlines()     # the empty log's "no tuning record" warning first
    assert all(w.startswith("sepgen: warning: ") for w in warned), err
    assert rc == 2 and last.startswith("sepgen: error: wrote the kernels' Mach-O object to ")
    assert "Xcode" in err and "natively on the Mac" in err
    assert elf_machine(tmp_path / "cli.apple-m1.o") == "macho-arm64"


@on_x86
def test_tuning_for_arm_without_a_device_says_how(tmp_path, capsys):
    rc = cli.main(["tune-and-compile", "mobilenet_v1_dw_6", "--target", A72, "--trials", "4",
                   "--log-dir", str(tmp_path / "logs"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and "--rpc-tracker HOST:PORT --rpc-key KEY" in err
    rc = cli.main(["tune-and-compile", "mobilenet_v1_dw_6", "--target", A72, "--trials", "4", "--rpc-tracker",
                   "pi.local", "--rpc-key", "rpi4", "--log-dir", str(tmp_path / "logs")])
    assert rc == 2 and "HOST:PORT" in capsys.readouterr().err


# ---- every named workload, at its real shape, under QEMU -------------------------------------------

@needs_qemu
@pytest.mark.parametrize("name", list(WORKLOADS))
def test_workload_under_qemu(name):
    wl = WORKLOADS[name]
    w, b = wl.weights(0)
    op = sepgen.compile_conv(w, bias=b, target=A72, **wl.compile_args())
    x = torch.randn(wl.spec.input_shape, generator=torch.Generator().manual_seed(len(name)))
    y, stats = arm.run_under_qemu(op, x, return_stats=True)
    assert y.shape == wl.spec.output_shape and y.dtype == torch.float32
    assert rel_err(y, conv_ref(wl.spec, x, w, b)) <= 1e-4
    assert rel_err(y, run_plan_torch(op.plan, x)) <= 1e-4
    # parallel loops were launched on the preset's 4 cores
    assert stats and all(s.launches >= 1 and s.max_tasks == 4 for s in stats), stats
    if name == "dense3x3_64_128_56":   # ~1 s emulated: its tasks really ran at the same time
        assert stats[0].max_threads >= 2, stats


@needs_qemu
@pytest.mark.parametrize("name", LINUX_ARM)
def test_every_linux_arm_preset_under_qemu(name):
    wl = WORKLOADS["ts1d_64_4096_15"]
    w, b = wl.weights(1)
    op = sepgen.compile_conv(w, bias=b, target=name, **wl.compile_args())
    x = torch.randn(wl.spec.input_shape, generator=torch.Generator().manual_seed(7))
    assert rel_err(arm.run_under_qemu(op, x), conv_ref(wl.spec, x, w, b)) <= 1e-4


# ---- every CPU stage kind, on odd shapes --------------------------------------------------------------

STAGES = {
    "direct_grouped_s2": DirectConv("c", G((1, 8, 9, 9), 12, (3, 3), s=(2, 1), p=((1, 1), (1, 1)), g=4), "w", None),
    "direct1d_dil": DirectConv("c", G((1, 4, 40), 6, (5,), s=(2,), d=(2,), p=((4, 4),)), "w", "b"),
    "direct3d": DirectConv("c", G((1, 3, 5, 6, 7), 4, (3, 3, 3), p=((1, 1),) * 3), "w", None),
    "depthwise": DepthwiseConv("dw", G((1, 8, 13, 17), 8, (3, 3), p=((1, 1), (1, 1)), g=8), "w", "b"),
    "depthwise_dil_asym": DepthwiseConv("dw", G((2, 4, 11, 9), 4, (3, 2), d=(2, 3), p=((2, 1), (0, 3)), g=4), "w",
                                        None),
    "depthwise_mult_s2": DepthwiseConv("dw", G((1, 3, 10, 10), 6, (3, 3), s=(2, 2), p=((1, 1), (1, 1)), g=3), "w",
                                       "b"),
    "pointwise": PointwiseConv("pw", G((1, 16, 9, 12), 24, (1, 1)), "w", "b"),
    "pointwise1d_s2": PointwiseConv("pw", G((2, 12, 29), 7, (1,), s=(2,)), "w", None),
    "axis_pass_grouped": AxisPass("a", G((1, 4, 10, 12), 6, (1, 3), p=((0, 0), (1, 1)), g=2), "w", "b", axis=1),
    "axis_pass3d": AxisPass("a", G((1, 2, 9, 6, 5), 2, (5, 1, 1), p=((2, 2), (0, 0), (0, 0)), g=2), "w", None,
                            axis=0),
    "separable": SeparableConv("sep", (
        AxisPass("a0", G((1, 2, 12, 15), 2, (5, 1), p=((2, 2), (0, 0)), g=2), "w0", axis=0),
        AxisPass("a1", G((1, 2, 12, 15), 2, (1, 5), p=((0, 0), (2, 2)), g=2), "w1", "b", axis=1))),
    "separable_rank2": SeparableConv("sep", (
        AxisPass("a0", G((1, 3, 11, 13), 6, (3, 1), p=((1, 1), (0, 0)), g=3), "w0", axis=0),
        AxisPass("a1", G((1, 6, 11, 13), 3, (1, 3), p=((0, 0), (1, 1)), g=3), "w1", None, axis=1)), rank=2),
    "separable3d_strided": SeparableConv("sep", (
        AxisPass("a0", G((1, 1, 9, 10, 11), 1, (3, 1, 1), s=(2, 1, 1), p=((1, 1), (0, 0), (0, 0))), "w0", axis=0),
        AxisPass("a1", G((1, 1, 5, 10, 11), 1, (1, 3, 1), p=((0, 0), (1, 1), (0, 0))), "w1", axis=1),
        AxisPass("a2", G((1, 1, 5, 10, 11), 1, (1, 1, 3), p=((0, 0), (0, 0), (1, 1))), "w2", "b", axis=2))),
    "spatial_spectral": SpatialSpectral("ss", (
        DirectConv("sp", G((1, 1, 12, 9, 10), 1, (1, 3, 3), p=((0, 0), (1, 1), (1, 1))), "ws"),
        AxisPass("spec", G((1, 1, 12, 9, 10), 1, (5, 1, 1), p=((2, 2), (0, 0), (0, 0))), "wd", "b", axis=0))),
    "fused_dwpw": FusedDwPw("f", (DepthwiseConv("dw", G((1, 6, 10, 11), 6, (3, 3), p=((1, 1), (1, 1)), g=6), "dw_w"),
                                  PointwiseConv("pw", G((1, 6, 10, 11), 9, (1, 1)), "pw_w", "b"))),
    "fused_dwpw1d": FusedDwPw("f", (DepthwiseConv("dw", G((1, 8, 33), 8, (5,), p=((2, 2),), g=8), "dw_w"),
                                    PointwiseConv("pw", G((1, 8, 33), 8, (1,)), "pw_w", "b"))),
    "fused_dwpw_s2": FusedDwPw("f", (DepthwiseConv("dw", G((1, 4, 9, 9), 4, (3, 3), s=(2, 2), p=((1, 1), (1, 1)),
                                                   g=4), "dw_w"),
                                     PointwiseConv("pw", G((1, 4, 5, 5), 6, (1, 1)), "pw_w", None))),
}
FP16 = ["depthwise_mult_s2", "pointwise", "direct_grouped_s2", "separable", "spatial_spectral", "fused_dwpw"]
CASES = [(k, "float32") for k in STAGES] + [(k, "float16") for k in FP16]


def test_the_stage_table_covers_every_cpu_stage_kind():
    import schedules

    cpu_kinds = {kind for kind, fam in schedules.templates() if fam == "cpu"}
    assert cpu_kinds == {st.kind for st in STAGES.values()}
    assert cpu_kinds >= {"direct", "depthwise", "pointwise", "axis_pass", "separable", "spatial_spectral",
                         "fused_dwpw"}


@needs_qemu
@pytest.mark.parametrize("label,dtype", CASES, ids=[f"{k}-{d}" for k, d in CASES])
def test_stage_kind_under_qemu(label, dtype):
    st = STAGES[label]
    inputs = _inputs(st, dtype, seed=len(label))
    params = {k: v for k, v in inputs.items() if k != "x"}
    y, stats = run_stage_under_qemu(st, inputs["x"], params, target=A72, return_stats=True)
    assert y.shape == st.out_shape and y.dtype == np.dtype(dtype)
    assert rel_err(y, _stage_reference(st, inputs)) <= (1e-2 if dtype == "float16" else 1e-4)
    assert stats[0].calls == 1 and stats[0].launches >= 1


@needs_qemu
def test_multi_stage_plan_with_an_fft_stage_under_qemu():
    """pointwise -> FFT depthwise (on the host) -> pointwise: two emulated runs around a host FFT."""
    rng = np.random.default_rng(0)
    stages = (PointwiseConv("p0", G((1, 6, 24, 20), 4, (1, 1)), "w0"),
              FFTConv("f", G((1, 4, 24, 20), 4, (9, 9), p=((4, 4), (4, 4)), g=4), "wf"),
              PointwiseConv("p1", G((1, 4, 24, 20), 5, (1, 1)), "w1", "b1"))
    params = {n: rng.standard_normal(s).astype(np.float32) for st in stages for n, s in st.param_shapes().items()}
    spec = ConvSpec.create((1, 6, 24, 20), (5, 6, 9, 9), padding=4, bias=True)
    plan = Plan(spec, stages, params)
    tgt = get_target(A72)
    ex = build_module(schedule_plan(plan, tgt), tgt)
    op = CompiledConv(spec, plan, tgt, ex.mod, {})
    x = torch.randn(spec.input_shape, generator=torch.Generator().manual_seed(1))
    y, stats = arm.run_under_qemu(op, x, return_stats=True)
    assert rel_err(y, run_plan_torch(plan, x)) <= 1e-4
    assert [s.calls for s in stats] == [1, 1]
    # two TVM stages back to back stay in one emulated process; threads=1 runs every loop serially
    plan2 = Plan(spec, (stages[0], PointwiseConv("p1", G((1, 4, 24, 20), 5, (1, 1)), "w1", "b1")), params)
    spec2 = ConvSpec.create((1, 6, 24, 20), (5, 6, 1, 1), bias=True)
    plan2 = Plan(spec2, plan2.stages, params)
    ex2 = build_module(schedule_plan(plan2, tgt), tgt)
    y2, stats2 = arm.run_under_qemu(CompiledConv(spec2, plan2, tgt, ex2.mod, {}), x, threads=1, return_stats=True)
    assert rel_err(y2, run_plan_torch(plan2, x)) <= 1e-4
    assert len(stats2) == 1 and stats2[0].calls == 2 and stats2[0].max_tasks == 1


@needs_qemu
def test_emulated_failures_are_clear_errors(tmp_path):
    op = sepgen.compile_conv(torch.randn(8, 1, 3, 3), (1, 8, 12, 12), padding=1, groups=8, target=A72)
    with pytest.raises(TensorError, match="shape"):
        arm.run_under_qemu(op, torch.randn(1, 8, 12, 13))
    with pytest.raises(TensorError, match="dtype"):
        arm.run_under_qemu(op, torch.randn(1, 8, 12, 12, dtype=torch.float64))
    host_op = sepgen.compile_conv(torch.randn(8, 1, 3, 3), (1, 8, 12, 12), padding=1, groups=8)
    with pytest.raises(TargetError, match="aarch64 Linux"):
        arm.run_under_qemu(host_op, torch.randn(1, 8, 12, 12))
    # a kernel's own argument check surfaces with its message (here: a wrong input shape)
    obj = tmp_path / "k.o"
    op.module.write_to_file(str(obj))
    exe = _qemu.link_static(obj, ["stage0"], tmp_path / "runner")
    (tmp_path / "s.txt").write_text("threads 2\nbuf 0 float32 4 1 8 12 13 zero\nbuf 1 float32 4 8 1 3 3 zero\n"
                                    "buf 2 float32 4 1 8 12 12 zero\ncall stage0 3 0 1 2\n")
    with pytest.raises(_qemu.QemuError, match=r"stage0 failed .*shape"):
        _qemu.run(exe, tmp_path / "s.txt", tmp_path)


# ---- tuning logs for aarch64 -----------------------------------------------------------------------

def _arm_target_for_key(key: str, meta: dict) -> TargetPreset:
    for n in ARM_PRESETS:
        if get_target(n).key() == key:
            return get_target(n)
    t = meta["target"]   # e.g. preset("neoverse-n1", num_cores=16): rebuilt from the log's own record
    return TargetPreset(t["name"], t["family"], t["arch"], mcpu=t.get("mcpu", ""), mtriple=t.get("mtriple", ""),
                        mattr=tuple(t.get("mattr", ())), num_cores=int(t["num_cores"]),
                        vector_bits=int(t.get("vector_bits", 128)))


def check_arm_log(d: Path) -> None:
    """Replay the log in ``d`` (tuning_logs/<aarch64 key>/<workload>/) and check the kernel under QEMU."""
    meta = json.loads((d / META_FILE).read_text())
    st = stage_from_dict(meta["stage_json"])
    dtype = meta["dtype"]
    assert stage_workload(st, dtype).key == d.name, "the log's key no longer matches its stage (lowering changed?)"
    target = _arm_target_for_key(d.parent.name, meta)
    assert target.key() == d.parent.name
    inputs = _inputs(st, dtype, seed=1)
    params = {k: v for k, v in inputs.items() if k != "x"}
    y = run_stage_under_qemu(st, inputs["x"], params, target=target, dtype=dtype, log_dir=d.parent.parent)
    assert rel_err(y, _stage_reference(st, inputs)) <= (1e-2 if dtype == "float16" else 1e-4)


def _committed_arm_logs():
    root = default_log_root()
    dirs = sorted(p.parent for p in root.glob(f"aarch64-*/*/{RECORD_FILE}")) if root.exists() else []
    if not dirs:
        return [pytest.param(None, marks=pytest.mark.skip(reason="no committed tuning_logs/aarch64-*/ logs yet"),
                             id="none")]
    return [pytest.param(d, id=f"{d.parent.name}/{d.name[:50]}") for d in dirs]


@needs_qemu
@pytest.mark.parametrize("d", _committed_arm_logs())
def test_committed_aarch64_logs_replay_correctly_under_qemu(d):
    check_arm_log(d)


@pytest.mark.parametrize("d", _committed_arm_logs())
def test_committed_aarch64_logs_say_where_they_were_measured(d):
    """A log measured under emulation (sepgen.tuning.qemu_rpc) says so twice; none passes for ARM timings."""
    from sepgen.tuning.remote import EMULATION_LABEL, is_emulated_meta

    meta = json.loads((d / META_FILE).read_text())
    assert meta.get("measured_on"), "an aarch64 log must record where its times were measured"
    if is_emulated_meta(meta) or "qemu" in meta["measured_on"].lower():
        assert meta.get("emulated") is True and meta["measured_on"].startswith(EMULATION_LABEL), meta["measured_on"]


@needs_qemu
def test_an_aarch64_log_replays_under_qemu(tmp_path):
    """The check above on a log written here (its record is the template's default trace, time made up)."""
    from tvm.s_tir import meta_schedule as ms

    st = STAGES["fused_dwpw"]
    tgt = get_target(A72)
    log = LogDir(tmp_path)
    wl = stage_workload(st, "float32")
    db = log.open_database(wl, tgt, create=True)
    _, sch = schedule_stage(st, "float32", tgt)
    workload = db.commit_workload(wl.mod)
    db.commit_tuning_record(ms.database.TuningRecord(
        sch.trace, workload, [1e-3], tgt.to_tvm(), ms.arg_info.ArgInfo.from_prim_func(wl.mod["main"])))
    log.write_meta(wl, tgt, seed=0, trials=1, best_us=1000.0, measured_on="nowhere (a test record)")
    d = log.stage_dir(wl, tgt)
    assert d.parent.name == "aarch64-cortex-a72-4c-neon"
    check_arm_log(d)
    with pytest.raises(TargetError, match="no usable tuning record"):
        run_stage_under_qemu(st, _inputs(st)["x"], {}, target="cortex-a53", log_dir=tmp_path)
