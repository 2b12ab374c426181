"""CUDA: presets, templates, offline compilation, resources, numerics by emulation, artifacts, GPU runs.

Runs without a GPU (it needs the CUDA toolkit's ``nvcc``/``ptxas`` and ``g++``;
tests needing one of them skip when it is missing):

* every CUDA template builds (TVM, ``cuda-sm80`` and ``cuda-sm90``) for the
  stages of every workload's chosen plan and, for the templates those plans do
  not use (pointwise, axis pass), for the parts of the chains as single stages;
  nvcc compiles each source to PTX for sm_80 and sm_90, ptxas assembles the
  PTX to cubins, and the resources ptxas reports are within the limits;
* numerics: the generated kernels of every template, on small odd shapes
  (strides, dilation, asymmetric padding, groups, 1-D, 3-D, float16), run in
  :func:`sepgen.targets.cuda.emulator.emulate` (a CPU emulation of the CUDA source) and match
  ``F.conv*``; so do kernels sampled from the tuning space and replayed from
  their trace, as MetaSchedule does;
* golden sources: the CUDA C of one representative stage per template equals
  ``tests/golden/cuda/<template>.cu``.  After an intended change of a template
  (or of TVM) regenerate them with::

      SEPGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_cuda.py -k golden

  and review the diff;
* artifacts built without a GPU embed a fatbin (sm_80 + sm_90), carry the CUDA
  source, and deserialize through TVM's own CUDA module loader (exercised with a
  stub ``libcuda`` that has no device).

Tests marked ``gpu`` run the templates on a real GPU against ``F.conv*`` and
skip, with the reason, where ``torch.cuda.is_available()`` is false.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import sepgen
from sepgen.codegen.cuda import cuda_source, emulate_stage
from sepgen.errors import ArtifactError, BuildError, TargetError
from sepgen.ir.serialize import stage_to_dict
from sepgen.ir.stages import (STAGE_KINDS, AxisPass, ChainStage, DepthwiseConv, DirectConv, FFTConv, FusedDwPw,
                              Geometry, PointwiseConv, SeparableConv, SpatialSpectral)
from sepgen.targets.cuda import library as cuda
from sepgen.targets.cuda.presets import gpu_available
from sepgen.targets.cuda.resources import (KernelResources, check_resources, parse_ptxas, ptxas_resources,
                                           require_resources)
from sepgen.targets.cuda.toolkit import compile_offline, cuda_root, have_toolkit
from sepgen.targets.registry import get_target, preset_names

GOLDEN = Path(__file__).parent / "golden" / "cuda"
ARCHS = {"cuda-sm80": "sm_80", "cuda-sm90": "sm_90"}

needs_toolkit = pytest.mark.skipif(not have_toolkit(), reason="the CUDA toolkit (nvcc, ptxas) is not installed")
needs_cxx = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is needed for the CPU emulation of kernels")


def _torch_cuda() -> bool:
    try:
        import torch

        return torch.cuda.is_available()
    except Exception:  # noqa: BLE001
        return False


def G(in_shape, out_c, k, s=None, p=None, d=None, g=1):
    nd = len(in_shape) - 2
    return Geometry(tuple(in_shape), out_c, tuple(k), tuple(s or (1,) * nd), tuple(p or ((0, 0),) * nd),
                    tuple(d or (1,) * nd), g)


# ---- stages --------------------------------------------------------------------------------------

def _workload_stages() -> dict:
    """Every TVM stage of every workload's chosen plan, plus the parts of its chains as single stages."""
    from sepgen.ir.workloads import WORKLOADS
    from sepgen.passes.pipeline import choose_plan

    out = {}
    seen = set()

    def add(label, st):
        key = repr(stage_to_dict(st))
        if key not in seen:
            seen.add(key)
            out[label] = st

    for name, w in WORKLOADS.items():
        wt, b = w.weights()
        plan, _ = choose_plan(w.spec, wt, b)
        for i, st in enumerate(plan.stages):
            if isinstance(st, FFTConv):
                continue
            add(f"{name}-{i}-{st.kind}", st)
            if isinstance(st, ChainStage):   # templates no chosen plan uses directly, at workload shapes
                for j, part in enumerate(st.parts):
                    if part.kind in ("pointwise", "axis_pass"):
                        add(f"{name}-{i}.{j}-{part.kind}", part)
    return out


WORKLOAD_STAGES = _workload_stages()

# small odd shapes: strides, dilation, asymmetric padding, channel multipliers, groups, 1-D, 3-D
ODD = {
    "dw2d": DepthwiseConv("dw", G((1, 8, 13, 17), 8, (3, 3), p=((1, 1), (1, 1)), g=8), "w", "b"),
    "dw_s2": DepthwiseConv("dw", G((1, 8, 13, 17), 8, (3, 3), s=(2, 2), p=((1, 1), (1, 1)), g=8), "w", None),
    "dw_dil_asym": DepthwiseConv("dw", G((2, 4, 11, 9), 4, (3, 2), d=(2, 3), p=((2, 1), (0, 3)), g=4), "w", None),
    "dw_mult": DepthwiseConv("dw", G((1, 3, 10, 10), 6, (3, 3), p=((1, 1), (1, 1)), g=3), "w", "b"),
    "dw1d": DepthwiseConv("dw", G((1, 5, 37), 5, (7,), p=((3, 3),), g=5), "w", "b"),
    "dw3d": DepthwiseConv("dw", G((1, 3, 6, 7, 9), 3, (3, 3, 3), p=((1, 1),) * 3, g=3), "w", None),
    "pw2d": PointwiseConv("pw", G((1, 16, 9, 12), 24, (1, 1)), "w", "b"),
    "pw1d_s2": PointwiseConv("pw", G((2, 12, 29), 7, (1,), s=(2,)), "w", None),
    "direct_grouped": DirectConv("c", G((1, 8, 9, 9), 12, (3, 3), s=(2, 1), p=((1, 1), (1, 1)), g=4), "w", None),
    "direct1d_dil": DirectConv("c", G((1, 4, 40), 6, (5,), s=(2,), d=(2,), p=((4, 4),)), "w", "b"),
    "direct3d": DirectConv("c", G((1, 3, 5, 6, 7), 4, (3, 3, 3), p=((1, 1),) * 3), "w", None),
    "axis1_grouped": AxisPass("a", G((1, 4, 10, 12), 6, (1, 3), p=((0, 0), (1, 1)), g=2), "w", "b", axis=1),
    "sep2d": SeparableConv("sep", (
        AxisPass("a0", G((1, 2, 12, 15), 2, (5, 1), p=((2, 2), (0, 0)), g=2), "w0", axis=0),
        AxisPass("a1", G((1, 2, 12, 15), 2, (1, 5), p=((0, 0), (2, 2)), g=2), "w1", "b", axis=1))),
    "sep2d_rank2": SeparableConv("sep", (
        AxisPass("a0", G((1, 3, 11, 13), 6, (3, 1), p=((1, 1), (0, 0)), g=3), "w0", axis=0),
        AxisPass("a1", G((1, 6, 11, 13), 3, (1, 3), p=((0, 0), (1, 1)), g=3), "w1", None, axis=1)), rank=2),
    "sep3d": SeparableConv("sep", (
        AxisPass("a0", G((1, 1, 9, 10, 11), 1, (3, 1, 1), p=((1, 1), (0, 0), (0, 0))), "w0", axis=0),
        AxisPass("a1", G((1, 1, 9, 10, 11), 1, (1, 3, 1), p=((0, 0), (1, 1), (0, 0))), "w1", axis=1),
        AxisPass("a2", G((1, 1, 9, 10, 11), 1, (1, 1, 3), p=((0, 0), (0, 0), (1, 1))), "w2", "b", axis=2))),
    "sep_strided": SeparableConv("sep", (
        AxisPass("a0", G((1, 2, 15, 16), 2, (3, 1), s=(2, 1), p=((1, 1), (0, 0)), g=2), "w0", axis=0),
        AxisPass("a1", G((1, 2, 8, 16), 2, (1, 3), s=(1, 2), p=((0, 0), (1, 1)), g=2), "w1", None, axis=1))),
    "spatial_spectral": SpatialSpectral("ss", (
        DirectConv("sp", G((1, 1, 12, 9, 10), 1, (1, 3, 3), p=((0, 0), (1, 1), (1, 1))), "ws"),
        AxisPass("spec", G((1, 1, 12, 9, 10), 1, (5, 1, 1), p=((2, 2), (0, 0), (0, 0))), "wd", "b", axis=0))),
    "fused": FusedDwPw("f", (DepthwiseConv("dw", G((1, 6, 10, 11), 6, (3, 3), p=((1, 1), (1, 1)), g=6), "dw_w"),
                             PointwiseConv("pw", G((1, 6, 10, 11), 9, (1, 1)), "pw_w", "b"))),
    "fused1d": FusedDwPw("f", (DepthwiseConv("dw", G((1, 8, 33), 8, (5,), p=((2, 2),), g=8), "dw_w"),
                               PointwiseConv("pw", G((1, 8, 33), 8, (1,)), "pw_w", "b"))),
    "fused_s2": FusedDwPw("f", (DepthwiseConv("dw", G((1, 4, 9, 9), 4, (3, 3), s=(2, 2), p=((1, 1), (1, 1)), g=4),
                                              "dw_w"),
                                PointwiseConv("pw", G((1, 4, 5, 5), 6, (1, 1)), "pw_w", None))),
}
FP16_CASES = ["dw_s2", "pw2d", "direct_grouped", "sep2d", "spatial_spectral", "fused"]

# one representative stage per template (workload shapes, built here so that a change of the
# passes does not move the goldens), for the golden sources
_HALO7 = ((3, 3), (0, 0))
GOLDEN_STAGES = {
    "depthwise": lambda: DepthwiseConv("dw", G((1, 128, 56, 56), 128, (3, 3), p=((1, 1), (1, 1)), g=128), "w"),
    "pointwise": lambda: PointwiseConv("pw", G((1, 64, 56, 56), 128, (1, 1)), "w", "b"),
    "direct": lambda: DirectConv("conv", G((1, 64, 56, 56), 128, (3, 3), p=((1, 1), (1, 1))), "w"),
    "axis_pass": lambda: AxisPass("ax0", G((1, 1, 1080, 1920), 1, (7, 1), p=_HALO7), "w", axis=0),
    "separable": lambda: SeparableConv("sep", (
        AxisPass("ax0", G((1, 1, 1080, 1920), 1, (7, 1), p=_HALO7), "w0", axis=0),
        AxisPass("ax1", G((1, 1, 1080, 1920), 1, (1, 7), p=((0, 0), (3, 3))), "w1", axis=1))),
    "spatial_spectral": lambda: SpatialSpectral("ss", (
        DirectConv("spatial", G((1, 1, 100, 64, 64), 1, (1, 3, 3), p=((0, 0), (1, 1), (1, 1))), "ws"),
        AxisPass("spectral", G((1, 1, 100, 64, 64), 1, (7, 1, 1), p=((3, 3), (0, 0), (0, 0))), "wd", axis=0))),
    "fused_dwpw": lambda: FusedDwPw("dwpw", (
        DepthwiseConv("dw", G((1, 64, 56, 56), 64, (3, 3), p=((1, 1), (1, 1)), g=64), "dw_w"),
        PointwiseConv("pw", G((1, 64, 56, 56), 128, (1, 1)), "pw_w", "b"))),
}


def _inputs(stage, dtype="float32", seed=0) -> dict:
    rng = np.random.default_rng(seed)
    npd = np.float16 if dtype == "float16" else np.float32
    out = {"x": rng.standard_normal(stage.in_shape).astype(npd)}
    for name, shape in sorted(stage.param_shapes().items()):
        out[name] = rng.standard_normal(shape).astype(npd)
    return out


def _reference(stage, inputs, device="cpu"):
    """The stage computed part by part with F.conv* (float64 on the CPU)."""
    import torch

    from sepgen.runtime.reference import run_stage_torch

    class _Params:
        params = {k: v.astype(np.float64) for k, v in inputs.items() if k != "x"}

    x = torch.from_numpy(inputs["x"].astype(np.float64)).to(device)
    return run_stage_torch(_Params, stage, x)


def _rel_err(y, ref) -> float:
    y = np.asarray(y, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    return float(np.abs(y - ref).max() / max(np.abs(ref).max(), 1e-12))


# ---- presets -------------------------------------------------------------------------------------

def test_presets_registered_with_distinct_keys():
    a, h = get_target("cuda-sm80"), get_target("cuda-sm90")
    assert (a.family, h.family) == ("cuda", "cuda")
    assert a.tag == "nvidia/nvidia-a100" and h.tag == "nvidia/nvidia-h100"
    assert a.key() == "cuda-sm_80" and h.key() == "cuda-sm_90"
    assert len({a.key(), h.key(), get_target("host").key()}) == 3
    assert {"cuda-sm80", "cuda-sm90"} <= set(preset_names())
    assert str(a.to_tvm().attrs["arch"]).startswith("sm_80")
    assert int(h.to_tvm().attrs["max_threads_per_block"]) == 1024   # what MetaSchedule needs


def test_local_cuda_preset_needs_a_gpu():
    if gpu_available():
        t = get_target("cuda")
        assert t.family == "cuda" and t.mcpu.startswith("sm_") and "cuda" in preset_names()
    else:
        with pytest.raises(TargetError, match="local GPU.*none"):
            get_target("cuda")
        assert "cuda" not in preset_names()


def test_cli_lists_cuda_presets(capsys):
    from sepgen.cli import main

    assert main(["targets"]) == 0
    out = capsys.readouterr().out
    assert "cuda-sm80" in out and "cuda-sm_90" in out


def test_every_stage_kind_has_a_cuda_template():
    import schedules

    kinds = {k for k in STAGE_KINDS if k != "fft"}
    have = {k for (k, fam) in schedules.templates() if fam == "cuda"}
    assert kinds <= have


# ---- builds, offline compilation, resources ------------------------------------------------------

def _ptx_and_resources(args):
    arch, src = args
    ptx = compile_offline(src, arch, "ptx").decode()
    return ptx, ptxas_resources(ptx, arch)   # ptxas assembles the PTX to a cubin


@needs_toolkit
@pytest.mark.parametrize("label", list(WORKLOAD_STAGES))
def test_workload_stage_builds_for_sm80_and_sm90(label):
    stage = WORKLOAD_STAGES[label]
    srcs = {arch: cuda_source(stage, "float32", tgt) for tgt, arch in ARCHS.items()}
    for src in srcs.values():
        assert "__global__" in src and "threadIdx.x" in src and "blockIdx.x" in src
    with ThreadPoolExecutor(2) as pool:
        results = dict(zip(srcs, pool.map(_ptx_and_resources, srcs.items())))
    for arch, (ptx, res) in results.items():
        assert f".target {arch}" in ptx
        if stage.kind in ("depthwise", "fused_dwpw", "separable", "spatial_spectral", "direct", "pointwise"):
            assert ".shared" in ptx, f"{label}: no shared memory in the {arch} PTX"
        assert check_resources(res, arch) == [], f"{label} on {arch}: {res}"
        (r,) = res.values()
        assert r.max_threads is not None and r.max_threads <= 1024


@needs_toolkit
def test_compile_offline_cubin_fatbin_and_errors():
    src = cuda_source(ODD["dw2d"], "float32", "cuda-sm90")
    cubin = compile_offline(src, "sm_90", "cubin")
    assert cubin[:4] == b"\x7fELF"
    fat = compile_offline(src, ["sm_80", "sm_90"], "fatbin")
    assert fat[:4] == bytes.fromhex("50ed55ba")
    with pytest.raises(BuildError, match=r"(?s)nvcc.*failed.*undefined_name"):
        compile_offline('extern "C" __global__ void k(float* x) { x[0] = undefined_name; }', "sm_80", "ptx")
    with pytest.raises(ValueError):
        compile_offline(src, "sm_80", "exe")


def test_ptxas_report_parsing_and_limits():
    report = textwrap.dedent("""\
        ptxas info    : 0 bytes gmem
        ptxas info    : Compiling entry function 'main_kernel' for 'sm_80'
        ptxas info    : Function properties for main_kernel
            8 bytes stack frame, 4 bytes spill stores, 4 bytes spill loads
        ptxas info    : Used 40 registers, used 1 barriers, 6612 bytes smem, 392 bytes cmem[0]
        """)
    (r,) = parse_ptxas(report).values()
    assert (r.name, r.arch, r.registers, r.shared_bytes, r.spills, r.barriers) == ("main_kernel", "sm_80", 40, 6612, 8, 1)
    assert any("spills" in p for p in check_resources({"k": r}))
    assert check_resources({"k": r}, allow_spills=True) == []
    big = KernelResources("big", "sm_90", registers=128, shared_bytes=64 * 1024, max_threads=1024)
    problems = check_resources({"big": big})
    assert any("shared memory" in p for p in problems) and any("registers x" in p for p in problems)
    assert not any("shared memory" in p for p in check_resources({"big": big}, dynamic_shared=True))
    with pytest.raises(BuildError, match="exceeds the limits"):
        require_resources({"big": big}, "sm_90")


def test_toolkit_root_found():
    if not have_toolkit():
        pytest.skip("the CUDA toolkit is not installed")
    root = Path(cuda_root())
    assert (root / "include" / "cuda.h").exists() and (root / "bin" / "nvcc").exists()


# ---- numerics: CPU emulation of the generated CUDA ------------------------------------------------

@needs_cxx
@pytest.mark.parametrize("dtype,case", [("float32", c) for c in ODD] + [("float16", c) for c in FP16_CASES])
def test_emulated_kernel_matches_conv(dtype, case):
    stage = ODD[case]
    inputs = _inputs(stage, dtype)
    y = emulate_stage(stage, dtype, "cuda-sm90", inputs)
    assert y.shape == tuple(stage.out_shape)
    tol = 2e-3 if dtype == "float16" else 1e-5
    assert _rel_err(y, _reference(stage, inputs).numpy()) <= tol


@needs_cxx
def test_emulated_workload_kernel_matches_conv():
    """A real workload's default kernel (depthwise + pointwise fused, 64->128 at 56x56, 224 blocks)."""
    stage = WORKLOAD_STAGES["dwpw_64_128_56-0-fused_dwpw"]
    inputs = _inputs(stage)
    y = emulate_stage(stage, "float32", "cuda-sm90", inputs)
    assert _rel_err(y, _reference(stage, inputs).numpy()) <= 1e-5


@needs_cxx
@pytest.mark.parametrize("case,seeds", [("pw2d", (3, 11)), ("direct_grouped", (5,)), ("sep3d", (3,)),
                                        ("fused_s2", (7,))])
def test_sampled_and_replayed_schedules_are_correct(case, seeds):
    """Tuning-space samples (no decisions), replayed from their trace as MetaSchedule does, compute the conv."""
    import tvm
    from tvm import s_tir

    import schedules
    from schedules.context import TemplateContext
    from schedules.cuda.common import apply_postprocs
    from sepgen.codegen.lowering import lower_stage

    stage = ODD[case]
    target = get_target("cuda-sm90")
    template = schedules.get_template(stage.kind, "cuda")
    checked = 0
    for seed in seeds:
        lowered = lower_stage(stage, "float32", "cuda")
        sch = s_tir.Schedule(tvm.IRModule({"main": lowered.func}), seed=seed)
        template(sch, TemplateContext(stage, None, target, tune=True))
        replayed = s_tir.Schedule(tvm.IRModule({"main": lowered.func}))
        sch.trace.apply_to_schedule(replayed, remove_postproc=False)
        try:
            apply_postprocs(replayed, target)
        except BuildError:   # a sample over the GPU's limits: MetaSchedule discards it too
            continue
        inputs = _inputs(stage, seed=seed)
        y = emulate_stage(stage, "float32", target, inputs, sch=replayed)
        assert _rel_err(y, _reference(stage, inputs).numpy()) <= 1e-5
        checked += 1
    assert checked


# ---- golden sources ------------------------------------------------------------------------------

@pytest.mark.parametrize("template", list(GOLDEN_STAGES))
def test_golden_cuda_source(template):
    stage = GOLDEN_STAGES[template]()
    assert stage.kind == template
    src = cuda_source(stage, "float32", "cuda-sm90")
    path = GOLDEN / f"{template}.cu"
    if os.environ.get("SEPGEN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(src)
    assert path.exists(), f"no golden source {path}; run with SEPGEN_UPDATE_GOLDEN=1 to create it"
    assert src == path.read_text(), (f"the CUDA source of the {template} template changed; if intended, "
                                     f"regenerate with SEPGEN_UPDATE_GOLDEN=1 and review the diff")


# ---- artifacts -----------------------------------------------------------------------------------

def _dwpw_op(target):
    from sepgen.ir.workloads import WORKLOADS

    w = WORKLOADS["dwpw_64_128_56"]
    wt, b = w.weights()
    return sepgen.compile_conv(wt, w.spec.input_shape, bias=b, padding=1, target=target)


@pytest.fixture(scope="module")
def cuda_artifact(tmp_path_factory):
    """The dwpw workload compiled for cuda-sm90 and saved (here: without a GPU)."""
    if not have_toolkit():
        pytest.skip("the CUDA toolkit (nvcc, ptxas) is not installed")
    out = tmp_path_factory.mktemp("cuda") / "art"
    _dwpw_op("cuda-sm90").save(out)
    return out


def test_cuda_artifact_without_gpu_carries_a_fatbin(cuda_artifact):
    out = cuda_artifact
    m = json.loads((out / "manifest.json").read_text())
    assert m["target"]["name"] == "cuda-sm90" and m["target"]["family"] == "cuda"
    assert m["cuda"]["archs"] == ["sm_80", "sm_90"] and m["cuda"]["embedded"] == "fatbin"
    assert set(m["files"]) == {"kernels.so", "params.npz", "kernels.cu", "kernels.fatbin"}
    src = (out / "kernels.cu").read_text()
    assert "__global__" in src
    fat = (out / "kernels.fatbin").read_bytes()
    assert b"-arch sm_80" in fat and b"-arch sm_90" in fat
    # the library embeds that fatbin (not the CUDA source, which would need nvcc/NVRTC where it loads)
    payloads = cuda.cuda_payloads(cuda.library_blob(out / "kernels.so"))
    assert payloads == [("fatbin", fat)]
    if not gpu_available():
        with pytest.raises(ArtifactError, match="needs a machine with an NVIDIA GPU"):
            sepgen.load(out)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc builds the stub driver")
def test_cuda_artifact_deserializes_through_tvm_cuda_loader(cuda_artifact, tmp_path):
    """With a stub libcuda (no device), TVM's CUDA runtime loads: its loader must accept our library."""
    if gpu_available():
        pytest.skip("a real driver is present; the gpu tests cover loading")
    import tvm

    if not (Path(tvm.__file__).parent / "lib" / "libtvm_runtime_cuda.so").exists():
        pytest.skip("this TVM has no CUDA runtime library")
    art = cuda_artifact
    stub = tmp_path / "stub"
    stub.mkdir()
    names = ["cuDeviceGetName", "cuFuncSetAttribute", "cuLaunchKernelEx", "cuModuleGetFunction",
             "cuModuleLoadData", "cuModuleUnload", "cuTensorMapEncodeTiled", "cuInit", "cuGetProcAddress",
             "cuGetProcAddress_v2", "cuDriverGetVersion", "cuDeviceGetCount"]
    code = ["int cuGetErrorName(int e, const char** s) { *s = \"stub\"; return 0; }",
            "int cuGetErrorString(int e, const char** s) { *s = \"stub driver: no device\"; return 0; }"]
    code += [f"int {n}() {{ return 100; }}" for n in names]   # CUDA_ERROR_NO_DEVICE
    (stub / "stub.c").write_text("\n".join(code) + "\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(stub / "libcuda.so.1"), str(stub / "stub.c")], check=True)
    script = textwrap.dedent(f"""
        import tvm
        assert tvm.get_global_func("ffi.Module.load_from_bytes.cuda", allow_missing=True) is not None
        m = tvm.runtime.load_module({str(art / "kernels.so")!r})
        (c,) = m.imports
        assert c.kind == "cuda" and c.is_runnable()
        try:
            c.inspect_source("fatbin")
            raise SystemExit("the code should be a binary fatbin")
        except UnicodeDecodeError:
            pass
        assert m["stage0"] is not None
        print("LOADED")
        """)
    env = dict(os.environ, LD_LIBRARY_PATH=f"{stub}:{os.environ.get('LD_LIBRARY_PATH', '')}")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    if "ffi.Module.load_from_bytes.cuda" in proc.stderr and "AssertionError" in proc.stderr:
        pytest.skip("TVM's CUDA runtime did not load with the stub driver")
    assert proc.returncode == 0 and "LOADED" in proc.stdout, proc.stderr[-2000:]


# ---- on a GPU ------------------------------------------------------------------------------------

GPU_CASES = ["dw2d", "dw_s2", "dw3d", "pw2d", "direct_grouped", "direct1d_dil", "axis1_grouped", "sep2d", "sep3d",
             "spatial_spectral", "fused", "fused1d"]


def _plan_of(stage, inputs, dtype):
    """A one-stage plan computing ``stage``.

    A conv stage gets its own spec; a chain gets a spec with its input and
    output shapes (the runtime needs nothing else; the reference is the stage).
    """
    from sepgen.ir.spec import ConvSpec
    from sepgen.ir.stages import Plan

    if isinstance(stage, ChainStage):
        nd = len(stage.in_shape) - 2
        spec = ConvSpec.create(stage.in_shape, (stage.out_shape[1], stage.in_shape[1], *([1] * nd)),
                               bias=bool(stage.parts[-1].bias), dtype=dtype)
    else:
        g = stage.geom
        spec = ConvSpec.create(stage.in_shape, g.weight_shape, stride=g.stride, padding=g.padding,
                               dilation=g.dilation, groups=g.groups, bias=bool(stage.bias), dtype=dtype)
    if tuple(spec.output_shape) != tuple(stage.out_shape):
        pytest.skip("the stage changes the spatial size; no one-stage spec for it")
    return Plan(spec, (stage,), {k: v for k, v in inputs.items() if k != "x"}, 0.0, ("test",))


@pytest.mark.gpu
@pytest.mark.skipif(not _torch_cuda(), reason="no CUDA GPU: torch.cuda.is_available() is false on this machine")
@pytest.mark.parametrize("case", GPU_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_gpu_template_matches_conv(case, dtype):
    import torch

    from sepgen.codegen.build import build_module, schedule_plan
    from sepgen.runtime.compiled import CompiledConv

    stage = ODD[case]
    inputs = _inputs(stage, dtype)
    target = get_target("cuda")
    plan = _plan_of(stage, inputs, dtype)
    ex = build_module(schedule_plan(plan, target), target)
    op = CompiledConv(plan.spec, plan, target, ex.mod, {0: "default"})
    x = torch.from_numpy(inputs["x"]).cuda()
    y = op(x)
    torch.cuda.synchronize()
    ref = _reference(stage, inputs, device="cuda")
    tol = 2e-3 if dtype == "float16" else 1e-5
    assert _rel_err(y.double().cpu().numpy(), ref.cpu().numpy()) <= tol


@pytest.mark.gpu
@pytest.mark.skipif(not _torch_cuda(), reason="no CUDA GPU: torch.cuda.is_available() is false on this machine")
def test_gpu_artifact_built_without_gpu_runs(tmp_path, monkeypatch):
    """Build as on a GPU-less machine (TVM's source-only CUDA module), save (fatbin), load and run here."""
    import torch
    import torch.nn.functional as F

    from sepgen.ir.workloads import WORKLOADS

    monkeypatch.setenv("TVM_COMPILE_FORCE_FALLBACK", "1")
    arch = get_target("cuda").mcpu
    preset = {"sm_80": "cuda-sm80", "sm_90": "cuda-sm90"}.get(arch.rstrip("a"))
    if preset is None:
        pytest.skip(f"this GPU is {arch}; the offline presets are sm_80 and sm_90")
    op = _dwpw_op(preset)
    op.save(tmp_path / "art")
    monkeypatch.delenv("TVM_COMPILE_FORCE_FALLBACK")
    loaded = sepgen.load(tmp_path / "art")
    w = WORKLOADS["dwpw_64_128_56"]
    wt, b = w.weights()
    x = torch.randn(w.spec.input_shape, device="cuda")
    y = loaded(x)
    ref = F.conv2d(x, torch.from_numpy(wt).cuda(), torch.from_numpy(b).cuda(), padding=1)
    assert _rel_err(y.double().cpu().numpy(), ref.double().cpu().numpy()) <= 1e-4
