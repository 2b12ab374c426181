"""Whole-model compilation (sepgen.graph.compile): one Relax VM program per model, checked against eager."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import sepgen
from sepgen.errors import ArtifactError, GraphError
from sepgen.graph.compile import KERNEL_ATTR, compile_model
from sepgen.graph.program import load_model

ROOT = Path(__file__).resolve().parents[1]


def _rel(a, b) -> float:
    return float((a - b).abs().max() / b.abs().max())


class Epilogues(nn.Module):
    """Every epilogue pattern the graph level fuses: BN, bias, relu, relu6, hardswish, silu, sigmoid, hardsigmoid,
    a residual, an activation after the residual, and a squeeze-excitation gate."""

    def __init__(self):
        super().__init__()
        c = 16
        self.stem = nn.Conv2d(3, c, 3, stride=2, padding=1, bias=False)
        self.bn0 = nn.BatchNorm2d(c)
        self.dw = nn.Conv2d(c, c, 5, padding=2, groups=c, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.pw = nn.Conv2d(c, c, 1, bias=True)
        self.se1 = nn.Conv2d(c, 4, 1)
        self.se2 = nn.Conv2d(4, c, 1)
        self.g1 = nn.Conv2d(c, c, 3, padding=1, groups=4, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.g2 = nn.Conv2d(c, c, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, 10)
        for bn in (self.bn0, self.bn1, self.bn2, self.bn3):
            nn.init.uniform_(bn.running_mean, -0.5, 0.5)
            nn.init.uniform_(bn.running_var, 0.5, 2.0)
            nn.init.uniform_(bn.weight, 0.5, 1.5)
            nn.init.uniform_(bn.bias, -0.5, 0.5)

    def forward(self, x):
        x = nn.functional.hardswish(self.bn0(self.stem(x)))
        y = nn.functional.silu(self.bn1(self.dw(x)))
        s = torch.sigmoid(self.se2(torch.relu(self.se1(y.mean((2, 3), keepdim=True)))))
        y = y * s
        x = nn.functional.relu6(self.pw(y)) + x
        z = torch.relu(self.bn2(self.g1(x)))
        h = nn.functional.hardsigmoid(self.se2(torch.relu(self.se1(z.mean((2, 3), keepdim=True)))))
        x = torch.relu(self.bn3(self.g2(z * h)) + x)
        return self.fc(x.mean((2, 3)))


@pytest.fixture(scope="module")
def epilogues():
    torch.manual_seed(0)
    m = Epilogues().eval()
    x = torch.randn(1, 3, 33, 31)
    return m, x, compile_model(m, (x,))


def test_epilogues_fuse_into_the_kernels_and_match_eager(epilogues):
    m, x, prog = epilogues
    with torch.no_grad():
        ref = m(x)
    y = prog(x)
    assert y.shape == ref.shape and y.dtype == ref.dtype
    assert _rel(y, ref) < 1e-5
    fused = {l.var: l.fused for l in prog.report.layers}
    got = list(fused.values())
    assert ("batch_norm", "hardswish") in got
    assert ("batch_norm", "silu") in got
    assert ("bias", "relu") in got                              # the SE's first FC
    assert ("bias", "sigmoid") in got and ("bias", "hardsigmoid") in got
    # the SE scales fused into the 1x1 layers after them (their weights scaled by the gate in the kernel)
    assert ("channel_scale", "bias", "relu6", "residual") in got
    assert ("channel_scale", "batch_norm", "residual", "relu") in got           # relu(x + f(x * h))
    assert prog.report.check["max_rel_error"] < 1e-5 and prog.report.check["top1_match"]
    # the same kernel is called twice for the two SE FCs of the same shape: one PrimFunc each (distinct epilogues)
    assert len(prog.report.layers) == 9


def test_every_other_function_is_parallel_and_vectorized(epilogues):
    """Legalized operators (pooling, the classifier, the SE scale) get the default CPU schedule, not naive loops."""
    import tvm

    _, _, prog = epilogues
    kernels = others = 0
    for gv, f in prog.ir.functions_items():
        if not isinstance(f, tvm.tirx.PrimFunc):
            continue
        if f.attrs and KERNEL_ATTR in f.attrs:
            kernels += 1
            continue
        others += 1
        text = f.script()
        out = _buffers(f)[-1]
        if int(np.prod([int(v) for v in out.shape])) >= 4096:    # a big output: both cores
            assert "T.vectorized" in text, gv.name_hint
            assert "T.parallel" in text, gv.name_hint
    assert kernels >= 6 and others >= 2


def _buffers(f):
    from tvm.s_tir.meta_schedule.arg_info import ArgInfo

    return list(ArgInfo.from_prim_func(f))


def test_program_takes_and_returns_torch_tensors_and_checks_them(epilogues):
    m, x, prog = epilogues
    y1 = prog(x)
    y2 = prog(x.clone())
    assert torch.equal(y1, y2)                       # a second call does not overwrite the first's output
    with pytest.raises(GraphError, match="shape"):
        prog(torch.randn(1, 3, 32, 32))
    with pytest.raises(GraphError, match="dtype"):
        prog(x.double())
    with pytest.raises(GraphError, match="1 input"):
        prog(x, x)
    # non-contiguous and unaligned inputs are copied, not refused
    xt = x.transpose(2, 3).contiguous().transpose(2, 3)
    assert torch.allclose(prog(xt), y1, atol=1e-6)
    raw = np.empty(x.numel() + 1, np.float32)[1:].reshape(x.shape)
    raw[...] = x.numpy()
    assert torch.allclose(prog(torch.from_numpy(raw)), y1, atol=1e-6)


@pytest.mark.parametrize("name,size", [("mobilenet_v1", 64), ("mobilenet_v2", 64), ("mobilenet_v3_large", 64),
                                       ("efficientnet_b0", 64), ("convnext_tiny", 64), ("regnet_y_400mf", 64)])
def test_models_compile_to_one_program_matching_eager(name, size):
    import sepgen.models as M

    torch.manual_seed(0)
    m = getattr(M, name)().eval()
    # batch-norm statistics measured on data, as a trained network has them (with the example's initial
    # statistics MobileNetV1's activations shrink ~7x per layer and its output does not depend on the input)
    for bn in m.modules():
        if isinstance(bn, nn.BatchNorm2d):
            bn.reset_running_stats()
            bn.momentum = None
    m.train()
    with torch.no_grad():
        m(torch.randn(4, 3, size, size))
        for n_, p_ in m.named_parameters():   # ConvNeXt's layer scales start at 1e-6: its blocks' MLPs would
            if n_.endswith("layer_scale"):    # hardly reach the output, and an error in them would go unseen
                p_.copy_(torch.rand_like(p_) + 0.5)
    m.eval()
    x = torch.randn(1, 3, size, size)
    prog = compile_model(m, (x,))
    with torch.no_grad():
        ref = m(x)
        assert float((m(torch.randn(1, 3, size, size)) - ref).abs().max()) > 1e-3 * float(ref.abs().max())
    y = prog(x)
    assert _rel(y, ref) <= 1e-4
    assert int(y.argmax()) == int(ref.argmax())
    from sepgen.graph.compile import channel_blocks

    blocks = channel_blocks(prog.target)    # the vector width (and on AVX-512 half of it)
    for l in prog.report.layers:           # "NCHW16c (40 -> 48 channels)": padded with zero channels
        l.layout = l.layout.split(" (")[0]
    blocked = [l for l in prog.report.layers if l.layout in {f"NCHW{b}c" for b in blocks}]
    assert blocked and all(l.plan in ("pointwise", "depthwise", "direct", "expand_dw", "mbconv", "dense")
                           for l in blocked)
    # the widest block wherever it divides the channels
    assert any(l.layout == f"NCHW{blocks[0]}c" for l in blocked)
    # a layer computed inside another's kernel (an expansion in its depthwise layer's expand_dw kernel, an
    # expansion and depthwise layer in their projection's mbconv kernel) names it
    for l in prog.report.layers:
        if not l.kernels:
            kind = l.source.split("'s ")[-1].split()[0]
            host = int(l.source.split("#")[1].split("'")[0])
            assert l.source == f"in #{host}'s {kind} kernel" and prog.report.layers[host].plan == kind, l.source
            assert (kind, host) in (("expand_dw", l.index + 1), ("mbconv", l.index + 1), ("mbconv", l.index + 2))
    assert all(l.layout in ("NCHW", *(f"NCHW{b}c" for b in blocks), *(f"rows x {b}" for b in blocks))
               for l in prog.report.layers)
    # the stem (3 input channels, read as NCHW) and the classifier (a dense kernel) are sepgen's blocked kernels
    assert prog.report.layers[0].layout in {f"NCHW{b}c" for b in blocks}
    assert [l.plan for l in prog.report.layers if l.layout.startswith("rows x ")][-1:] == ["dense"]
    if name == "convnext_tiny":   # every block's two linear layers, the first with its GELU
        dense = [l for l in prog.report.layers if l.plan == "dense"]
        assert len(dense) == 2 * 18 + 1 and sum("gelu" in l.fused for l in dense) == 18
        # the second writes the blocked layout with the layer scale and the residual add: no transpose
        # back to NCHW, no conversion into the next depthwise layer's blocks
        scaled = [l for l in dense if "layer_scale" in l.fused]
        assert len(scaled) == 18 and all("residual" in l.fused and l.layout.startswith("NCHW") for l in scaled)
        names = [gv.name_hint for gv in prog.ir.functions]
        assert not any("multiply" in n_ and "transpose" in n_ for n_ in names), names
    assert prog.report.check["top1_match"]


def test_nchw_layout_on_request_matches_too():
    import sepgen.models as M

    torch.manual_seed(0)
    m = M.mobilenet_v3_large().eval()
    x = torch.randn(1, 3, 48, 48)
    prog = compile_model(m, (x,), layout="NCHW")
    assert {l.layout for l in prog.report.layers} == {"NCHW"}
    with torch.no_grad():
        assert _rel(prog(x), m(x)) <= 1e-4
    with pytest.raises(sepgen.SpecError, match="layout"):
        compile_model(m, (x,), layout="NHWC")


def test_save_and_load_in_a_fresh_process(epilogues, tmp_path):
    m, x, prog = epilogues
    d = tmp_path / "prog"
    prog.save(d)
    man = json.loads((d / "manifest.json").read_text())
    assert man["format"] == "sepgen-model" and man["inputs"][0]["shape"] == [1, 3, 33, 31]
    assert len(man["report"]["layers"]) == 9 and man["files"]["program.so"] and man["files"]["params.bin"]
    # the weights are their own file, not constants of the library
    weights = sum(p.numpy().nbytes for p in prog.params)
    assert man["params"] == len(prog.params) > 0 and (d / "params.bin").stat().st_size >= weights
    assert weights >= 4 * sum(p.numel() for p in m.parameters() if p.dim() > 1)
    np.save(tmp_path / "x.npy", x.numpy())
    code = ("import sys, numpy as np, torch, sepgen\n"
            "p = sepgen.load_model(sys.argv[1])\n"
            "np.save(sys.argv[3], p(torch.from_numpy(np.load(sys.argv[2]))).numpy())\n")
    r = subprocess.run([sys.executable, "-c", code, str(d), str(tmp_path / "x.npy"), str(tmp_path / "y.npy")],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    y = torch.from_numpy(np.load(tmp_path / "y.npy"))
    assert torch.allclose(y, prog(x), atol=1e-6)
    again = load_model(d)
    assert torch.allclose(again(x), prog(x), atol=1e-6)
    again.save(tmp_path / "copy")                      # a loaded program saves its library as it was
    assert (tmp_path / "copy" / "program.so").read_bytes() == (d / "program.so").read_bytes()


def test_a_changed_or_foreign_program_is_refused(epilogues, tmp_path):
    _, _, prog = epilogues
    d = tmp_path / "p"
    prog.save(d)
    so = d / "program.so"
    data = bytearray(so.read_bytes())
    data[len(data) // 2] ^= 1
    so.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        load_model(d)
    prog.save(d)                                        # replaces the broken one
    params = d / "params.bin"
    good = params.read_bytes()
    params.write_bytes(good[:-4] + bytes(4 * [0x7f]))   # changed weights
    with pytest.raises(ArtifactError, match="params.bin does not match"):
        load_model(d)
    params.unlink()
    with pytest.raises(ArtifactError, match="params.bin named in the manifest is missing"):
        load_model(d)
    params.write_bytes(good)
    man = json.loads((d / "manifest.json").read_text())
    man["params"] = man["params"] + 1
    (d / "manifest.json").write_text(json.dumps(man))
    with pytest.raises(ArtifactError, match="holds"):
        load_model(d)
    man["params"] -= 1
    man["target"]["arch"] = "aarch64"
    (d / "manifest.json").write_text(json.dumps(man))
    with pytest.raises(ArtifactError, match="aarch64"):
        load_model(d)
    man["target"]["arch"] = "x86_64"
    man["target"]["mattr"] = ["+avx512f", "+definitely-not-a-feature"]
    man["target"]["mcpu"] = "sapphirerapids"
    (d / "manifest.json").write_text(json.dumps(man))
    if not {"avx512f"} <= _host_flags():
        with pytest.raises(ArtifactError, match="lacks"):
            load_model(d)
    (d / "manifest.json").write_text("{not json")
    with pytest.raises(ArtifactError, match="JSON"):
        load_model(d)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(ArtifactError, match="refusing"):
        prog.save(other)
    assert (other / "notes.txt").read_text() == "mine"


def _host_flags() -> set:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def test_an_op_relax_cannot_import_is_named():
    class Odd(nn.Module):
        def forward(self, x):
            return torch.special.bessel_j0(x)

    with pytest.raises(GraphError, match="bessel_j0"):
        compile_model(Odd().eval(), (torch.randn(1, 4),))


def test_bad_arguments_are_clear_errors():
    m = nn.Sequential(nn.Conv2d(3, 4, 3)).eval()
    with pytest.raises(sepgen.SpecError, match="trials"):
        compile_model(m, (torch.randn(1, 3, 8, 8),), trials=-1)
    with pytest.raises(GraphError, match="CPU"):
        compile_model(m, (torch.randn(1, 3, 8, 8),), target="cuda-sm90")


def test_tuned_kernels_are_replayed_with_the_fused_epilogue(tmp_path):
    """trials > 0 tunes each distinct kernel into the log; a kernel with a residual gets its record's trace."""
    class Res(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
            self.b1 = nn.BatchNorm2d(8)
            self.c2 = nn.Conv2d(8, 8, 1)

        def forward(self, x):
            return torch.relu(self.c2(torch.relu(self.b1(self.c1(x)))) + x)

    torch.manual_seed(0)
    m = Res().eval()
    x = torch.randn(1, 8, 12, 12)
    prog = compile_model(m, (x,), trials=2, log_dir=tmp_path / "logs", layout="NCHW")
    assert [l.source.startswith("tuned:") for l in prog.report.layers] == [True, True]
    assert prog.report.layers[1].fused == ("bias", "residual", "relu")
    with torch.no_grad():
        assert _rel(prog(x), m(x)) < 1e-5
    # replayed, no tuning: the same sources
    again = compile_model(m, (x,), log_dir=tmp_path / "logs", layout="NCHW")
    assert [l.source for l in again.report.layers] == [l.source for l in prog.report.layers]


def test_cli_compile_model_and_run_model(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = tmp_path / "mnv2"
    r = subprocess.run([sys.executable, "-m", "sepgen.cli", "compile-model", "mobilenet_v2", "--input-shape",
                        "1,3,32,32", "--out", str(out), "--reps", "3", "--report", str(tmp_path / "r.json")],
                       capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "whole model: sepgen" in r.stdout and "PyTorch eager" in r.stdout
    assert "same top-1: yes" in r.stdout
    rep = json.loads((tmp_path / "r.json").read_text())
    assert (out / "program.so").is_file() and (out / "params.bin").is_file() and rep["layers"]
    # each kernel was timed on its own: every layer has its measured time, the rest is summed
    # (a layer computed inside another's kernel has no time of its own)
    assert all(l["kernel_us"] > 0 if l["kernels"] else l["kernel_us"] is None for l in rep["layers"])
    assert any(l["kernel_us"] for l in rep["layers"]) and rep["profile"]["other_us"] >= 0
    assert "measured, each function on its own" in r.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]     # no temp dir left behind
    np.save(tmp_path / "x.npy", np.random.default_rng(0).standard_normal((1, 3, 32, 32)).astype(np.float32))
    r = subprocess.run([sys.executable, "-m", "sepgen.cli", "run-model", str(out), "--input", str(tmp_path / "x.npy"),
                        "--output", str(tmp_path / "y.npy")], capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "output 0: shape 1x1000" in r.stdout and np.load(tmp_path / "y.npy").shape == (1, 1000)
    np.save(tmp_path / "bad.npy", np.zeros((1, 3, 16, 16), np.float32))
    r = subprocess.run([sys.executable, "-m", "sepgen.cli", "run-model", str(out), "--input", str(tmp_path / "bad.npy")],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 2 and r.stderr.strip().splitlines()[-1].startswith("sepgen: error: input 0 has shape")


def test_optimize_whole_model_returns_the_faster_and_states_both_times():
    from sepgen.frontend.whole import CompiledModel

    torch.manual_seed(0)
    m = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU6(),
                      nn.Conv2d(32, 32, 3, padding=1, groups=32), nn.ReLU(), nn.Conv2d(32, 16, 1)).eval()
    x = torch.randn(1, 3, 40, 40)
    got, report = sepgen.optimize(m, x, whole_model=True, reps=10)
    assert report.program_ms > 0 and report.eager_ms > 0
    if report.program_ms < report.eager_ms:
        assert isinstance(got, CompiledModel) and report.path == "program"
    else:
        assert got is m and report.path == "original"
    with torch.no_grad():
        assert _rel(got(x), m(x)) < 1e-5
    assert "PyTorch eager" in str(report) and "returned:" in str(report)


def test_optimize_whole_model_falls_back_when_the_model_cannot_be_captured():
    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)

        def forward(self, x):
            if x.sum() > 0:          # data-dependent control flow: torch.export cannot capture it
                return self.conv(x)
            return -self.conv(x)

    m = Branchy().eval()
    x = torch.randn(1, 3, 16, 16).abs()
    with pytest.warns(UserWarning, match="cannot be compiled whole"):
        got, report = sepgen.optimize(m, x, whole_model=True, progress=False, reps=3)
    with torch.no_grad():
        assert _rel(got(x), m(x)) < 1e-5


def test_a_program_runs_inside_torch_compile_fullgraph(epilogues):
    from sepgen.frontend.whole import CompiledModel

    m, x, prog = epilogues
    wrapped = CompiledModel(prog)

    def f(t):
        return wrapped(t * 1.0) + 1.0

    got = torch.compile(f, fullgraph=True)(x)
    assert torch.allclose(got, prog(x) + 1.0, atol=1e-6)
    torch.library.opcheck(prog.torch_op(), ([x],), test_utils=("test_schema", "test_faketensor"))


needs_guest = pytest.mark.skipif(
    bool(__import__("sepgen.tuning.qemu_rpc", fromlist=["x"]).unavailable_reason()),
    reason="the emulated aarch64 guest is not prepared (python -m sepgen.cli.qemu_rpc setup)")


@needs_guest
def test_a_model_cross_compiled_for_aarch64_matches_under_qemu(tmp_path):
    import sepgen.models as M
    from sepgen.graph.program import run_under_qemu

    torch.manual_seed(0)
    m = M.mobilenet_v2().eval()
    x = torch.randn(1, 3, 32, 32)
    prog = compile_model(m, (x,), target="cortex-a72")
    assert not prog.runnable and prog.target.arch == "aarch64"
    prog.save(tmp_path / "arm")
    with pytest.raises(ArtifactError, match="aarch64"):
        load_model(tmp_path / "arm")
    y = run_under_qemu(tmp_path / "arm", x)
    with torch.no_grad():
        ref = m(x)
    assert _rel(y, ref) <= 1e-4 and int(y.argmax()) == int(ref.argmax())


@pytest.mark.parametrize("kind,c,o,h,w,k,s,g", [
    ("pointwise", 64, 48, 14, 14, 1, 1, 1), ("pointwise", 16, 32, 6, 10, 1, 1, 1),
    ("depthwise", 24, 24, 15, 15, 3, 2, 24), ("depthwise", 16, 16, 7, 8, 5, 1, 16),
    ("depthwise", 32, 32, 28, 28, 5, 2, 32), ("depthwise", 16, 16, 14, 14, 7, 1, 16),   # row tiles padded
    ("direct", 3, 16, 9, 11, 3, 2, 1),     # a stem: 3 input channels, read NHWC
    ("direct", -3, 16, 9, 11, 3, 2, 1),    # ... read NCHW as it is (blocks of 1 channel; -c marks it)
    ("direct", 16, 16, 8, 9, 3, 1, 2),     # groups of one block (RegNet)
    ("direct", 16, 16, 8, 9, 3, 2, 4),     # groups of half a block: block-diagonal taps (RegNet's 8 in 16)
    ("direct", 16, 16, 8, 9, 3, 1, 4),     # ... stride 1
    ("split", 16, 16, 8, 9, 3, 1, 4),      # groups of half a block, each a vector of its width (RegNet)
    ("split", 16, 16, 9, 11, 3, 2, 4),     # ... stride 2, odd planes
    ("split16", 48, 48, 7, 7, 3, 1, 6),    # RegNet's groups of 8 in blocks of 16, a 7x7 plane
    ("split16", 32, 32, 14, 13, 3, 2, 4),  # ... stride 2
    ("direct", 16, 24, 8, 10, 2, 2, 1),    # ConvNeXt's downsampling, padded
])
def test_every_blocked_kernel_setting_computes_the_convolution(kind, c, o, h, w, k, s, g):
    """Each knob setting the blocked-layout search may pick (odd planes, partial tiles excluded) matches torch,
    with the weights packed as the compiler packs them.  ``split``: a grouped convolution with several
    groups per block (``group_width``), blocks of 8 (``split16``: of 16)."""
    import types

    import tvm
    from tvm import s_tir

    from schedules.cpu.blocked import candidate_knobs, schedule_blocked
    from sepgen.codegen.lowering import BlockedConv, Tail, lower_blocked
    from sepgen.codegen.tirpasses import register
    from sepgen.graph.compile import _packed_params
    from sepgen.targets.registry import get_target

    b = 16 if kind == "split16" else 8
    split = kind.startswith("split")
    kind = "direct" if split else kind
    tgt = get_target("host")
    pad = k // 2
    ib = 1 if c < 0 else c if c % b else b
    c = abs(c)
    conv = BlockedConv(kind, (1, c, h, w), o, kernel=(k, k), stride=(s, s), padding=((pad, pad), (pad, pad)), block=b,
                       bias=True, activation="silu", tail=Tail(True, "relu"),
                       groups=c // b if kind == "direct" and g > 1 else 1, in_block=0 if ib == b else ib,
                       group_width=c // g if split else 0)
    assert conv.split_width == (c // g if split else 0)
    if split:
        assert conv.weight_shape() == (o // b, k, k, c // g, b)
    rng = np.random.default_rng(1)
    x = torch.from_numpy(rng.standard_normal((1, c, h, w)).astype(np.float32))
    wt = torch.from_numpy(rng.standard_normal((o, c // g, k, k)).astype(np.float32))
    ref = torch.nn.functional.conv2d(x, wt, stride=s, padding=pad, groups=g)
    bias = torch.from_numpy(rng.standard_normal(o).astype(np.float32))
    wp, bp = _packed_params(conv, types.SimpleNamespace(weight=wt.double().numpy(), bias=bias.double().numpy()),
                            "float32")
    r = torch.from_numpy(rng.standard_normal(ref.shape).astype(np.float32))
    ref = torch.relu(torch.nn.functional.silu(ref + bias[None, :, None, None]) + r)

    def blk(a, blk_=b):
        a = a.numpy()
        return np.ascontiguousarray(a.reshape(a.shape[0], a.shape[1] // blk_, blk_, *a.shape[2:]).transpose(0, 1, 3, 4, 2))

    _, _, oh, ow = conv.out_shape
    knobs = candidate_knobs(kind, c * k * k // g, o // b, oh, ow)
    assert len(knobs) >= 2
    for kn in knobs[:6]:
        sch = s_tir.Schedule(tvm.IRModule({"main": lower_blocked(conv)}))
        assert schedule_blocked(sch, kind, b, 2, kn) == kn
        lib = tvm.compile(sch.mod, target=tgt.to_tvm(), tir_pipeline=register())
        args = [tvm.runtime.tensor(np.ascontiguousarray(a)) for a in
                (blk(x, ib), wp, bp, blk(r), np.zeros(conv.blocked(conv.out_shape), np.float32))]
        lib["main"](*args)
        y = torch.from_numpy(args[-1].numpy().transpose(0, 1, 4, 2, 3).reshape(ref.shape))
        assert _rel(y, ref) < 1e-5, kn


@pytest.mark.parametrize("m,k,n,act", [(12, 40, 24, "gelu"), (7, 16, 32, "hardswish"), (1, 24, 16, None)])
def test_every_dense_kernel_setting_computes_the_linear_layer(m, k, n, act):
    import types

    import tvm
    from tvm import s_tir

    from schedules.cpu.blocked import candidate_knobs, schedule_blocked
    from sepgen.codegen.lowering import BlockedConv, lower_blocked
    from sepgen.codegen.tirpasses import register
    from sepgen.graph.compile import _packed_params
    from sepgen.runtime.reference import apply_activation
    from sepgen.targets.registry import get_target

    b = 8
    conv = BlockedConv("dense", (1, k, m, 1), n, block=b, bias=True, activation=act)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((m, k)).astype(np.float32)
    wt = rng.standard_normal((k, n)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    ref = apply_activation(torch.from_numpy(x) @ torch.from_numpy(wt) + torch.from_numpy(bias), act)
    wp, bp = _packed_params(conv, types.SimpleNamespace(weight=wt.astype(np.float64), bias=bias.astype(np.float64)),
                            "float32")
    knobs = candidate_knobs("dense", k, n // b, m, 1)
    assert len(knobs) >= 2
    for kn in knobs[:6]:
        sch = s_tir.Schedule(tvm.IRModule({"main": lower_blocked(conv)}))
        assert schedule_blocked(sch, "dense", b, 2, kn) == kn
        lib = tvm.compile(sch.mod, target=get_target("host").to_tvm(), tir_pipeline=register())
        args = [tvm.runtime.tensor(a) for a in (x, wp, bp, np.zeros((m, n // b, b), np.float32))]
        lib["main"](*args)
        assert _rel(torch.from_numpy(args[-1].numpy().reshape(m, n)), ref) < 1e-5, kn


@pytest.mark.parametrize("h,w,k,n", [(7, 9, 40, 32), (14, 14, 24, 48), (1, 5, 16, 16)])
def test_a_dense_kernel_writing_the_blocked_layout_adds_the_blocked_residual(h, w, k, n):
    """``out_blocked``: a linear layer over an image's pixels (rows ``h * w``) writes ``[O/B, M, B]``, the
    image's blocked layout ``(1, O/B, H, W, B)``, adding a residual read in that layout (ConvNeXt's MLP
    projection), for every knob setting."""
    import types

    import tvm
    from tvm import s_tir

    from schedules.cpu.blocked import candidate_knobs, schedule_blocked
    from sepgen.codegen.lowering import BlockedConv, Tail, lower_blocked
    from sepgen.codegen.tirpasses import register
    from sepgen.graph.compile import _packed_params
    from sepgen.targets.registry import get_target

    b, m = 8, h * w
    conv = BlockedConv("dense", (1, k, m, 1), n, block=b, bias=True, tail=Tail(True), out_blocked=True)
    assert conv.blocked(conv.out_shape) == (n // b, m, b)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((m, k)).astype(np.float32)
    wt = rng.standard_normal((k, n)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    r = rng.standard_normal((1, n, h, w)).astype(np.float32)          # NCHW
    rb = np.ascontiguousarray(r.reshape(n // b, b, m).transpose(0, 2, 1))   # [O/B, M, B]
    ref = (x @ wt + bias).T.reshape(1, n, h, w) + r
    wp, bp = _packed_params(conv, types.SimpleNamespace(weight=wt.astype(np.float64), bias=bias.astype(np.float64)),
                            "float32")
    knobs = candidate_knobs("dense", k, n // b, m, 1)
    for kn in knobs[:6]:
        sch = s_tir.Schedule(tvm.IRModule({"main": lower_blocked(conv)}))
        assert schedule_blocked(sch, "dense", b, 2, kn) == kn
        lib = tvm.compile(sch.mod, target=get_target("host").to_tvm(), tir_pipeline=register())
        args = [tvm.runtime.tensor(a) for a in (x, wp, bp, rb, np.zeros((n // b, m, b), np.float32))]
        lib["main"](*args)
        y = args[-1].numpy().reshape(1, n // b, h, w, b).transpose(0, 1, 4, 2, 3).reshape(1, n, h, w)
        np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-4)


def test_blocked_kernel_search_is_logged_resumed_and_replayed(tmp_path):
    from sepgen.codegen.lowering import BlockedConv
    from sepgen.graph.tune import BlockedSearch
    from sepgen.targets.registry import get_target

    tgt = get_target("host")
    conv = BlockedConv("pointwise", (1, 64, 8, 8), 32, block=tgt.vector_bits // 32, bias=True)
    s1 = BlockedSearch(tgt, trials=2, log_dir=tmp_path)
    knobs, source = s1.knobs_for(conv, "float32")
    path = Path(source.split(":", 1)[1])
    log = json.loads(path.read_text())
    assert len(log["measured"]) == 2 and knobs in [m["knobs"] for m in log["measured"]]
    s2 = BlockedSearch(tgt, trials=3, log_dir=tmp_path)            # resumes: one more setting, the two kept
    s2.knobs_for(conv, "float32")
    log2 = json.loads(path.read_text())
    assert len(log2["measured"]) == 3 and log2["measured"][:2] == log["measured"]
    replay = BlockedSearch(tgt, trials=0, log_dir=tmp_path)       # no search: the best recorded
    best = min(log2["measured"], key=lambda m: m["us"])["knobs"]
    assert replay.knobs_for(conv, "float32")[0] == best
    path.write_text("{broken")
    broken = BlockedSearch(tgt, trials=0, log_dir=tmp_path)
    assert broken.knobs_for(conv, "float32") == (None, "default") and "unreadable" in broken.notes[0]


@pytest.mark.parametrize("c,e,h,w,k,s", [
    (16, 24, 15, 14, 3, 2),    # odd rows, stride 2
    (8, 16, 12, 12, 3, 1),
    (16, 16, 9, 7, 5, 1),      # 5x5, odd plane
    (8, 24, 14, 16, 5, 2),
    (8, 16, 11, 16, 7, 1),     # 7x7, 11 rows
])
def test_every_expand_dw_block_setting_computes_expansion_then_depthwise(c, e, h, w, k, s):
    """The fused expansion -> depthwise kernel (expand_dw) matches torch's 1x1 conv, activation, depthwise conv
    for each knob setting its search may pick, with the weights packed as the compiler packs them."""
    import dataclasses
    import types

    import tvm
    from tvm import s_tir

    from schedules.cpu.blocked import candidate_knobs, schedule_blocked
    from sepgen.codegen.lowering import BlockedConv, lower_blocked
    from sepgen.codegen.tirpasses import register
    from sepgen.graph.compile import _packed_params
    from sepgen.targets.registry import get_target

    b, pad = 8, k // 2
    tgt = get_target("host")
    ex = BlockedConv("pointwise", (1, c, h, w), e, block=b, bias=True, activation="relu6")
    dw = BlockedConv("depthwise", (1, e, h, w), e, kernel=(k, k), stride=(s, s), padding=((pad, pad), (pad, pad)),
                     block=b, bias=True, activation="hardswish")
    conv = dataclasses.replace(dw, kind="expand_dw", expand=ex)
    rng = np.random.default_rng(2)
    t = lambda *shape: torch.from_numpy(rng.standard_normal(shape).astype(np.float32))  # noqa: E731
    x, w1, b1, w2, b2 = t(1, c, h, w), t(e, c, 1, 1), t(e), t(e, 1, k, k), t(e)
    F = torch.nn.functional
    ref = F.hardswish(F.conv2d(F.relu6(F.conv2d(x, w1, b1)), w2, b2, stride=s, padding=pad, groups=e))
    ns = types.SimpleNamespace
    consts = _packed_params(ex, ns(weight=w1.double().numpy(), bias=b1.double().numpy()), "float32") + \
        _packed_params(conv, ns(weight=w2.double().numpy(), bias=b2.double().numpy()), "float32")
    xb = np.ascontiguousarray(x.numpy().reshape(1, c // b, b, h, w).transpose(0, 1, 3, 4, 2))
    _, _, oh, ow = conv.out_shape
    knobs = candidate_knobs("expand_dw", c, e // b, oh, ow, w)
    assert len(knobs) >= 2
    for kn in knobs[:8]:
        sch = s_tir.Schedule(tvm.IRModule({"main": lower_blocked(conv)}))
        assert schedule_blocked(sch, "expand_dw", b, 2, kn) == kn
        lib = tvm.compile(sch.mod, target=tgt.to_tvm(), tir_pipeline=register())
        args = [tvm.runtime.tensor(a) for a in (xb, *consts, np.zeros(conv.blocked(conv.out_shape), np.float32))]
        lib["main"](*args)
        y = torch.from_numpy(args[-1].numpy().transpose(0, 1, 4, 2, 3).reshape(ref.shape))
        assert _rel(y, ref) < 1e-5, kn


@pytest.mark.parametrize("c,ib,e,o,ob,h,w,k,s,res", [
    (8, 8, 48, 8, 8, 14, 14, 3, 1, True),       # MobileNetV2's 56x56 block in small: 8-blocks around 16-blocks
    (16, 16, 32, 24, 8, 15, 13, 3, 2, False),   # stride 2, odd rows and columns, 24 channels out in 8-blocks
    (16, 16, 32, 16, 16, 9, 7, 5, 1, True),     # 5x5 (EfficientNet), odd plane, residual
    (8, 8, 32, 32, 16, 16, 14, 5, 2, False),    # 5x5 stride 2
    (16, 16, 16, 16, 16, 11, 16, 7, 1, True),   # 7x7 (ConvNeXt's kernel), 11 rows
    (16, 16, 32, 16, 16, 14, 14, 7, 2, False),  # 7x7 stride 2
    (None, 16, 32, 48, 16, 14, 14, 3, 1, False),   # no expansion: MobileNetV1's depthwise -> pointwise
    (None, 16, 32, 32, 16, 15, 13, 3, 2, False),   # ... stride 2, odd plane
    (None, 16, 16, 16, 16, 9, 9, 5, 1, True),      # ... 5x5 + residual
])
def test_every_mbconv_setting_computes_a_whole_inverted_residual_block(c, ib, e, o, ob, h, w, k, s, res):
    """The fused block kernel (mbconv: expansion -> depthwise -> projection, + residual; or without the
    expansion, ``c`` None) matches torch's 1x1 conv, ReLU6, depthwise conv, SiLU, 1x1 conv (+ the block's
    input) for each knob setting its search may pick, with the weights packed as the compiler packs them."""
    import types

    import tvm
    from tvm import s_tir

    from schedules.cpu.blocked import accumulators_for, schedule_blocked
    from sepgen.codegen.lowering import BlockedConv, Tail, lower_blocked
    from sepgen.codegen.tirpasses import register
    from sepgen.graph.compile import _packed_params
    from sepgen.graph.tune import _candidates, blocked_flops, blocked_label
    from sepgen.targets.registry import get_target

    pad, eb = k // 2, 16
    tgt = get_target("host")
    expand = c is not None
    c = c if expand else e
    ex = BlockedConv("pointwise", (1, c, h, w), e, block=eb, bias=True, activation="relu6",
                     in_block=0 if ib == eb else ib) if expand else None
    dw = BlockedConv("depthwise", (1, e, h, w), e, kernel=(k, k), stride=(s, s), padding=((pad, pad), (pad, pad)),
                     block=eb, bias=True, activation="silu")
    _, _, oh, ow = dw.out_shape
    if res:
        assert (s, c) == (1, o)
    conv = BlockedConv("mbconv", (1, e, oh, ow), o, block=ob, bias=True, tail=Tail(True, None) if res else None,
                       in_block=0 if ob == eb else eb, expand=ex, dw=dw)
    assert conv.out_shape == (1, o, oh, ow)
    assert blocked_flops(conv) == 2 * (c * e * h * w * expand + e * k * k * oh * ow + e * o * oh * ow)
    assert blocked_label(conv) == f"mbconv {f'{c}->' if expand else ''}{e}->{o} k{k}s{s} @{h}x{w}"
    rng = np.random.default_rng(4)
    t = lambda *shape: torch.from_numpy(rng.standard_normal(shape).astype(np.float32))  # noqa: E731
    x, w1, b1, w2, b2, w3, b3 = t(1, c, h, w), t(e, c, 1, 1), t(e), t(e, 1, k, k), t(e), t(o, e, 1, 1), t(o)
    F = torch.nn.functional
    mid = F.relu6(F.conv2d(x, w1, b1)) if expand else x
    ref = F.conv2d(F.silu(F.conv2d(mid, w2, b2, stride=s, padding=pad, groups=e)), w3, b3)
    if res:
        ref = ref + x
    ns = types.SimpleNamespace
    consts = [a for cv, wt, bs in ((ex, w1, b1), (dw, w2, b2), (conv, w3, b3)) if cv is not None
              for a in _packed_params(cv, ns(weight=wt.double().numpy(), bias=bs.double().numpy()), "float32")]

    def blocked(a, b):
        n, ch, hh, ww = a.shape
        return np.ascontiguousarray(a.numpy().reshape(n, ch // b, b, hh, ww).transpose(0, 1, 3, 4, 2))
    xb = blocked(x, ib)
    knobs = _candidates(conv, tgt)
    assert len(knobs) >= 2 and all(("etw" in kn) == expand for kn in knobs)
    for kn in [None] + knobs[:3] + knobs[-2:]:
        sch = s_tir.Schedule(tvm.IRModule({"main": lower_blocked(conv)}))
        assert schedule_blocked(sch, "mbconv", ob, int(tgt.num_cores), kn, accumulators_for(tgt.vector_bits)) \
            == (kn or knobs[0])
        lib = tvm.compile(sch.mod, target=tgt.to_tvm(), tir_pipeline=register())
        args = [xb, *consts, *([blocked(x, ob)] if res else []), np.zeros(conv.blocked(conv.out_shape), np.float32)]
        args = [tvm.runtime.tensor(a) for a in args]
        lib["main"](*args)
        y = torch.from_numpy(args[-1].numpy().transpose(0, 1, 4, 2, 3).reshape(ref.shape))
        assert _rel(y, ref) < 1e-5, kn


@pytest.mark.parametrize("c,ib,o,b,res", [
    (48, 16, 32, 16, True),    # EfficientNet's projection after its squeeze-excitation, + residual
    (72, 8, 24, 8, False),     # blocks of 8
    (96, 16, 24, 8, False),    # 16-blocked input, 8-blocked output
])
def test_a_gated_pointwise_kernel_scales_its_weights_by_the_gate(c, ib, o, b, res):
    """A pointwise kernel with ``scale`` computes conv(x * gate) for a per-channel gate (its weights scaled
    in the kernel) and matches torch for each setting its search may pick."""
    import types

    import tvm
    from tvm import s_tir

    from schedules.cpu.blocked import MAX_ACCUMULATORS_AVX512, schedule_blocked
    from sepgen.codegen.lowering import BlockedConv, Tail, lower_blocked
    from sepgen.codegen.tirpasses import register
    from sepgen.graph.compile import _packed_params
    from sepgen.graph.tune import _candidates
    from sepgen.targets.registry import get_target

    h, w = 7, 14
    tgt = get_target("host")
    conv = BlockedConv("pointwise", (1, c, h, w), o, block=b, in_block=0 if ib == b else ib, bias=True,
                       tail=Tail(True, None) if res else None, scale=True)
    assert "x gate" in conv.describe()
    rng = np.random.default_rng(5)
    t = lambda *shape: torch.from_numpy(rng.standard_normal(shape).astype(np.float32))  # noqa: E731
    x, gate, w1, b1, r = t(1, c, h, w), torch.sigmoid(t(1, c, 1, 1)), t(o, c, 1, 1), t(o), t(1, o, h, w)
    ref = torch.nn.functional.conv2d(x * gate, w1, b1) + (r if res else 0)
    consts = _packed_params(conv, types.SimpleNamespace(weight=w1.double().numpy(), bias=b1.double().numpy()),
                            "float32")

    def blocked(a, bb):
        n, ch, hh, ww = a.shape
        return np.ascontiguousarray(a.numpy().reshape(n, ch // bb, bb, hh, ww).transpose(0, 1, 3, 4, 2))
    knobs = _candidates(conv, tgt)
    for kn in knobs[:3] + knobs[-2:]:
        sch = s_tir.Schedule(tvm.IRModule({"main": lower_blocked(conv)}))
        assert schedule_blocked(sch, "pointwise", b, 2, kn, MAX_ACCUMULATORS_AVX512) == kn
        lib = tvm.compile(sch.mod, target=tgt.to_tvm(), tir_pipeline=register())
        args = [blocked(x, ib), blocked(gate, ib), *consts, *([blocked(r, b)] if res else []),
                np.zeros(conv.blocked(conv.out_shape), np.float32)]
        args = [tvm.runtime.tensor(a) for a in args]
        lib["main"](*args)
        y = torch.from_numpy(args[-1].numpy().transpose(0, 1, 4, 2, 3).reshape(ref.shape))
        assert _rel(y, ref) < 1e-5, kn


def test_mbconv_rejects_a_block_whose_parts_do_not_chain():
    """An mbconv kernel whose depthwise layer does not produce what its projection reads, or whose expansion
    does not feed its depthwise layer, is refused with a PlanError naming them."""
    import dataclasses

    from sepgen.codegen.lowering import BlockedConv, lower_blocked
    from sepgen.errors import PlanError

    ex = BlockedConv("pointwise", (1, 16, 8, 8), 32, block=16)
    dw = BlockedConv("depthwise", (1, 32, 8, 8), 32, kernel=(3, 3), padding=((1, 1), (1, 1)), block=16)
    good = BlockedConv("mbconv", (1, 32, 8, 8), 16, block=16, expand=ex, dw=dw)
    lower_blocked(good)
    with pytest.raises(PlanError, match="depthwise layer into its projection"):
        lower_blocked(dataclasses.replace(good, in_shape=(1, 32, 4, 4)))
    with pytest.raises(PlanError, match="depthwise layer into its projection"):
        lower_blocked(dataclasses.replace(good, dw=None))
    with pytest.raises(PlanError, match="pointwise expansion"):
        lower_blocked(dataclasses.replace(good, expand=dataclasses.replace(ex, out_channels=48)))


def test_inverted_residual_blocks_compile_to_mbconv_kernels():
    """Inverted-residual blocks (stride 1 with a residual, stride 2, 3x3 and 5x5) through compile_model: each
    block's expansion and depthwise layer are computed inside its projection's mbconv kernel, and the
    program matches eager; one with a squeeze-excitation between the depthwise layer and its projection
    keeps an expand_dw kernel and a projection of its own."""
    def block(cin, cout, k, s):
        e = cin * 6
        return nn.Sequential(nn.Conv2d(cin, e, 1, bias=False), nn.BatchNorm2d(e), nn.ReLU6(),
                             nn.Conv2d(e, e, k, s, k // 2, groups=e, bias=False), nn.BatchNorm2d(e), nn.ReLU6(),
                             nn.Conv2d(e, cout, 1, bias=False), nn.BatchNorm2d(cout))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.c = block(16, 16, 3, 1), block(16, 24, 3, 2), block(24, 24, 5, 1)

        def forward(self, x):
            x = x + self.a(x)
            x = self.b(x)
            return x + self.c(x)

    torch.manual_seed(0)
    m = Net().eval()
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            nn.init.uniform_(mod.running_mean, -0.5, 0.5)
            nn.init.uniform_(mod.running_var, 0.5, 2.0)
    x = torch.randn(1, 16, 56, 56)
    prog = compile_model(m, (x,))
    plans = [l.plan for l in prog.report.layers]
    assert plans == ["pointwise", "depthwise", "mbconv"] * 3, prog.report.format()
    assert [l.source for l in prog.report.layers if not l.kernels] == \
        [f"in #{p}'s mbconv kernel" for p in (2, 2, 5, 5, 8, 8)]
    with torch.no_grad():
        assert _rel(prog(x), m(x)) < 1e-5

    def dwpw(c, o, s):
        return [nn.Conv2d(c, c, 3, s, 1, groups=c, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
                nn.Conv2d(c, o, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
    # MobileNetV1's pairs, no expansion (a 1x1 of 128 channels is too long to expand inside a block)
    v1 = nn.Sequential(*dwpw(128, 128, 1), *dwpw(128, 64, 2)).eval()
    x1 = torch.randn(1, 128, 28, 28)
    prog1 = compile_model(v1, (x1,))
    assert [l.plan for l in prog1.report.layers] == ["depthwise", "mbconv"] * 2, prog1.report.format()
    assert [l.source for l in prog1.report.layers if not l.kernels] == ["in #1's mbconv kernel",
                                                                        "in #3's mbconv kernel"]
    with torch.no_grad():
        assert _rel(prog1(x1), v1(x1)) < 1e-5

    class SE(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.fc1, self.fc2 = nn.Conv2d(c, 8, 1), nn.Conv2d(8, c, 1)

        def forward(self, x):
            return x * torch.sigmoid(self.fc2(torch.relu(self.fc1(x.mean((2, 3), keepdim=True)))))

    se = block(16, 16, 3, 1)
    se.insert(6, SE(96))
    m2 = nn.Sequential(se).eval()
    prog2 = compile_model(m2, (x,))
    plans2 = [l.plan for l in prog2.report.layers]
    assert "mbconv" not in plans2 and "expand_dw" in plans2, prog2.report.format()
    # ... and the squeeze-excitation's channel scale goes into the projection's weights (no scaled tensor)
    assert prog2.report.layers[-1].fused[0] == "channel_scale", prog2.report.format()
    assert not [gv.name_hint for gv, _ in prog2.ir.functions_items() if "multiply" in gv.name_hint]
    with torch.no_grad():
        assert _rel(prog2(x), m2(x)) < 1e-5


@pytest.mark.parametrize("c,ib,o,b,expand", [
    (24, 8, 32, 16, False),    # 24 channels in ymm blocks into a zmm-blocked output (AVX-512, MobileNetV2)
    (32, 16, 24, 8, False),    # ... and back (a projection to 24 channels)
    (24, 8, 48, 16, True),     # an expansion from 8-blocks inside a 16-blocked expand_dw kernel
])
def test_blocked_kernels_read_another_block_than_they_write(c, ib, o, b, expand):
    """Pointwise and expand_dw kernels whose input block differs from their output block (on AVX-512 a
    tensor whose channels 16 does not divide keeps blocks of 8) match torch for each setting tried."""
    import dataclasses
    import types

    import tvm
    from tvm import s_tir

    from schedules.cpu.blocked import MAX_ACCUMULATORS_AVX512, candidate_knobs, schedule_blocked
    from sepgen.codegen.lowering import BlockedConv, lower_blocked
    from sepgen.codegen.tirpasses import register
    from sepgen.graph.compile import _packed_params
    from sepgen.targets.registry import get_target

    h = w = 14
    F = torch.nn.functional
    rng = np.random.default_rng(3)
    t = lambda *shape: torch.from_numpy(rng.standard_normal(shape).astype(np.float32))  # noqa: E731
    ns = types.SimpleNamespace
    x, w1, b1 = t(1, c, h, w), t(o, c, 1, 1), t(o)
    pw = BlockedConv("pointwise", (1, c, h, w), o, block=b, in_block=ib, bias=True, activation="relu6")
    consts = _packed_params(pw, ns(weight=w1.double().numpy(), bias=b1.double().numpy()), "float32")
    ref = F.relu6(F.conv2d(x, w1, b1))
    conv, kind = pw, "pointwise"
    if expand:
        w2, b2 = t(o, 1, 3, 3), t(o)
        dw = BlockedConv("depthwise", (1, o, h, w), o, kernel=(3, 3), padding=((1, 1), (1, 1)), block=b, bias=True)
        conv, kind = dataclasses.replace(dw, kind="expand_dw", expand=pw), "expand_dw"
        consts += _packed_params(conv, ns(weight=w2.double().numpy(), bias=b2.double().numpy()), "float32")
        ref = F.conv2d(ref, w2, b2, padding=1, groups=o)
    xb = np.ascontiguousarray(x.numpy().reshape(1, c // ib, ib, h, w).transpose(0, 1, 3, 4, 2))
    knobs = candidate_knobs(kind, c, o // b, h, w, w, acc=MAX_ACCUMULATORS_AVX512)
    assert len(knobs) >= 2
    for kn in knobs[:4] + knobs[-2:]:
        sch = s_tir.Schedule(tvm.IRModule({"main": lower_blocked(conv)}))
        assert schedule_blocked(sch, kind, b, 2, kn) == kn
        lib = tvm.compile(sch.mod, target=get_target("host").to_tvm(), tir_pipeline=register())
        args = [tvm.runtime.tensor(a) for a in (xb, *consts, np.zeros(conv.blocked(conv.out_shape), np.float32))]
        lib["main"](*args)
        y = torch.from_numpy(args[-1].numpy().transpose(0, 1, 4, 2, 3).reshape(ref.shape))
        assert _rel(y, ref) < 1e-5, kn


def test_avx512_blocks_tensors_by_16_padded_where_16_does_not_divide_and_by_8_where_that_costs_too_much():
    """On an AVX-512 target a tensor's block is 16 where 16 divides its channels or padding adds at most 20%,
    else 8 (MobileNetV2's 24); a grouped convolution's groups fit in one block; on AVX2, 8 everywhere."""
    import types

    from sepgen.graph.compile import channel_blocks, plan_blocks
    from sepgen.targets.registry import get_target

    def grp(c, o, g=1):
        return types.SimpleNamespace(conv=types.SimpleNamespace(spec=types.SimpleNamespace(
            in_channels=c, out_channels=o, groups=g)))

    net = [grp(3, 32), grp(32, 32, 32), grp(32, 24), grp(24, 144), grp(104, 104, 13), grp(104, 20), grp(20, 36)]
    avx512, avx2 = get_target("x86-avx512"), get_target("x86-avx2")
    assert channel_blocks(avx512) == (16, 8) and channel_blocks(avx2) == (8,)
    # 24 keeps blocks of 8 (16 would add a third); 104 is padded to 112 (zero channels); 3, 20 and 36 (48
    # would add a third): no block (not blocked)
    assert plan_blocks(net, avx512) == {32: (16, 32), 24: (8, 24), 144: (16, 144), 104: (16, 112)}
    assert plan_blocks(net, avx2) == {32: (8, 32), 24: (8, 24), 144: (8, 144), 104: (8, 104)}
    assert plan_blocks([grp(48, 48, 6)], avx512) == {48: (16, 48)}   # groups of 8, two in a block of 16
    assert plan_blocks([grp(48, 48, 2)], avx512) == {48: (16, 48)}   # groups of 24: by its channels (not blocked)
    assert plan_blocks([grp(40, 40, 5)], avx512) == {40: (16, 48)}   # groups of 8, padded with a zero group


@pytest.mark.parametrize("shape", [(1, 14, 14, 96), (49, 96)])
def test_layer_norm_gets_the_row_normalization_schedule_and_stays_exact(shape):
    """A legalized layer norm is scheduled as one loop nest over tasks of rows, its reductions split into
    vector-wide partial sums, parallel and vectorized; it computes what the unscheduled function does."""
    import tvm
    from tvm import relax

    from schedules.cpu.generic import schedule_generic
    from sepgen.codegen.tirpasses import register
    from sepgen.targets.registry import get_target

    c = shape[-1]
    bb = relax.BlockBuilder()
    x = relax.Var("x", relax.TensorType(list(shape), "float32"))
    g = relax.Var("g", relax.TensorType([c], "float32"))
    b = relax.Var("b", relax.TensorType([c], "float32"))
    with bb.function("main", [x, g, b]):
        with bb.dataflow():
            o = bb.emit_output(relax.op.nn.layer_norm(x, g, b, axes=[-1], epsilon=1e-6))
        bb.emit_func_output(o)
    f = next(fn for _, fn in relax.transform.LegalizeOps()(bb.get()).functions_items()
             if isinstance(fn, tvm.tirx.PrimFunc))
    sched = schedule_generic(f, 16, 2)
    text = sched.script()
    assert "rf" in text and "T.vectorized" in text and "T.parallel" in text
    # the partial sums (two reductions: their init and their update) and the output: each a vector
    assert text.count("T.vectorized(T.int64(16))") >= 5, text
    rng = np.random.default_rng(4)
    xs = (rng.standard_normal(shape) * 3 + 1).astype(np.float32)
    gs, bs = rng.standard_normal(c).astype(np.float32), rng.standard_normal(c).astype(np.float32)
    ref = torch.nn.functional.layer_norm(torch.from_numpy(xs), (c,), torch.from_numpy(gs), torch.from_numpy(bs), 1e-6)
    lib = tvm.tirx.build(tvm.IRModule({"main": sched.with_attr("global_symbol", "main")}),
                         target=get_target("host").to_tvm(), pipeline=register())
    out = tvm.runtime.tensor(np.zeros(shape, np.float32))
    lib["main"](*(tvm.runtime.tensor(a) for a in (xs, gs, bs)), out)
    assert _rel(torch.from_numpy(out.numpy()), ref) < 1e-5


@pytest.mark.parametrize("rows,channels,hw", [(196, 384, 14), (3136, 96, 56), (49, 768, 7)])
def test_a_transposing_elementwise_function_vectorizes_within_rows(rows, channels, hw):
    """ConvNeXt's layer scale and residual after its MLP: rows ``[H*W, C/16, 16]`` reshaped to NHWC,
    transposed to NCHW, scaled per channel, a residual added.  The default schedule vectorizes within an
    output row where a row is not whole vectors (no division per lane in the transposed read); a row
    under half a vector (7) keeps the general rule.  Both compute what numpy does."""
    import tvm
    from tvm import relax

    from schedules.cpu.generic import schedule_generic
    from sepgen.codegen.tirpasses import register
    from sepgen.targets.registry import get_target

    bb = relax.BlockBuilder()
    x = relax.Var("x", relax.TensorType([rows, channels // 16, 16], "float32"))
    g = relax.Var("g", relax.TensorType([channels, 1, 1], "float32"))
    r = relax.Var("r", relax.TensorType([1, channels, hw, hw], "float32"))
    with bb.function("main", [x, g, r]):
        with bb.dataflow():
            t = bb.emit(relax.op.permute_dims(relax.op.reshape(x, [1, hw, hw, channels]), [0, 3, 1, 2]))
            o = bb.emit_output(relax.op.add(relax.op.multiply(g, t), r))
        bb.emit_func_output(o)
    mod = relax.transform.FuseTIR()(relax.transform.FuseOps()(relax.transform.AnnotateTIROpPattern()(
        relax.transform.LegalizeOps()(bb.get()))))
    f = next(fn for _, fn in mod.functions_items() if isinstance(fn, tvm.tirx.PrimFunc))
    sched = schedule_generic(f, 16, 2)
    text = sched.script()
    assert "T.parallel" in text
    if hw >= 8:
        assert f"T.vectorized(T.int64({14 if hw % 16 else 16}))" in text, text
    rng = np.random.default_rng(5)
    xs = rng.standard_normal((rows, channels // 16, 16)).astype(np.float32)
    gs = rng.standard_normal((channels, 1, 1)).astype(np.float32)
    rs = rng.standard_normal((1, channels, hw, hw)).astype(np.float32)
    ref = gs * xs.reshape(1, hw, hw, channels).transpose(0, 3, 1, 2) + rs
    lib = tvm.tirx.build(tvm.IRModule({"main": sched.with_attr("global_symbol", "main")}),
                         target=get_target("host").to_tvm(), pipeline=register())
    out = tvm.runtime.tensor(np.zeros(ref.shape, np.float32))
    lib["main"](*(tvm.runtime.tensor(a) for a in (xs, gs, rs)), out)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("shape,pooled", [((1, 9, 56, 56, 16), True), ((1, 2, 112, 112, 16), True),
                                          ((1, 3, 13, 11, 8), True), ((1, 42, 7, 7, 16), False)])
def test_a_global_mean_of_a_blocked_tensor_sums_in_registers_in_parallel(shape, pooled):
    """A squeeze-excitation's mean over a blocked plane (a legalized ``mean(axis=(2, 3))``): partial sums
    in registers (an rfactor), the channel blocks parallel, exact to float rounding; a plane under
    POOL_MIN_REDUCTION pixels keeps the general rule."""
    import tvm
    from tvm import relax

    from schedules.cpu.generic import schedule_generic
    from sepgen.codegen.tirpasses import register
    from sepgen.targets.registry import get_target

    bb = relax.BlockBuilder()
    x = relax.Var("x", relax.TensorType(list(shape), "float32"))
    with bb.function("main", [x]):
        with bb.dataflow():
            o = bb.emit_output(relax.op.mean(x, axis=[2, 3], keepdims=True))
        bb.emit_func_output(o)
    f = next(fn for _, fn in relax.transform.LegalizeOps()(bb.get()).functions_items()
             if isinstance(fn, tvm.tirx.PrimFunc))
    sched = schedule_generic(f, 16 if shape[-1] == 16 else 8, 2)
    text = sched.script()
    assert ("rf" in text and "T.parallel" in text and "T.vectorized" in text) == pooled
    xs = (np.random.default_rng(6).standard_normal(shape) + 0.5).astype(np.float32)
    lib = tvm.tirx.build(tvm.IRModule({"main": sched.with_attr("global_symbol", "main")}),
                         target=get_target("host").to_tvm(), pipeline=register())
    out = tvm.runtime.tensor(np.zeros((*shape[:2], 1, 1, shape[-1]), np.float32))
    lib["main"](tvm.runtime.tensor(xs), out)
    ref = xs.astype(np.float64).mean(axis=(2, 3), keepdims=True)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("c,b,h,w", [(96, 16, 14, 13), (24, 8, 16, 16)])
def test_nchw_to_blocked_conversion_is_iterated_in_the_outputs_order(c, b, h, w):
    """A legalized NCHW -> NCHW[x]c layout_transform gets the block innermost as one vector (contiguous
    stores), rows parallel, and converts exactly."""
    import tvm
    from tvm import relax

    from schedules.cpu.generic import schedule_generic
    from sepgen.codegen.tirpasses import register
    from sepgen.targets.registry import get_target

    bb = relax.BlockBuilder()
    x = relax.Var("x", relax.TensorType([1, c, h, w], "float32"))
    with bb.function("main", [x]):
        with bb.dataflow():
            o = bb.emit_output(relax.op.layout_transform(x, index_map=lambda n, ch, i, j: (n, ch // b, i, j, ch % b)))
        bb.emit_func_output(o)
    f = next(fn for _, fn in relax.transform.LegalizeOps()(bb.get()).functions_items()
             if isinstance(fn, tvm.tirx.PrimFunc))
    sched = schedule_generic(f, 16, 2)
    text = sched.script()
    assert "T.vectorized" in text and "T.parallel" in text
    xs = np.random.default_rng(5).standard_normal((1, c, h, w)).astype(np.float32)
    lib = tvm.tirx.build(tvm.IRModule({"main": sched.with_attr("global_symbol", "main")}),
                         target=get_target("host").to_tvm(), pipeline=register())
    out = tvm.runtime.tensor(np.zeros((1, c // b, h, w, b), np.float32))
    lib["main"](tvm.runtime.tensor(xs), out)
    np.testing.assert_array_equal(out.numpy(), xs.reshape(1, c // b, b, h, w).transpose(0, 1, 3, 4, 2))
