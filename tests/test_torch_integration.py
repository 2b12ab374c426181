"""PyTorch integration: fused epilogues, the custom op (opcheck, autograd, torch.compile), sepgen.nn modules,
whole-model optimization (module swap and torch.export graphs) and the example networks."""
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import sepgen
import sepgen.nn as snn
from sepgen.errors import PlanError, SepgenError, SpecError
from sepgen.frontend.fold import fold_bn
from sepgen.frontend.models import EXAMPLES, DepthwiseSeparable, MobileNetV2, conv_bn, gaussian_kernel
from sepgen.frontend.optimize import OptimizedModel
from sepgen.ir.spec import ConvSpec
from sepgen.passes.pipeline import candidate_plans

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
ACT = {None: lambda t: t, "relu": F.relu, "relu6": F.relu6, "silu": F.silu}


def _dwpw_weight(c, o, k, nd, rng):
    dw = rng.standard_normal((c, *([k] * nd)))
    pw = rng.standard_normal((o, c))
    return np.einsum("oc,c...->oc...", pw, dw)


def _case(kind, rng):
    """(input shape, weight, bias, conv kwargs) whose candidate plans include a plan of ``kind``."""
    if kind == "direct":
        return (1, 3, 9, 10), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4), dict(padding=1)
    if kind == "depthwise":
        return (1, 4, 9, 9), rng.standard_normal((4, 1, 3, 3)), rng.standard_normal(4), dict(padding=1, groups=4,
                                                                                              stride=2)
    if kind == "pointwise":
        return (1, 6, 7, 8), rng.standard_normal((5, 6, 1, 1)), rng.standard_normal(5), {}
    if kind in ("separable", "separable3d"):
        nd = 3 if kind == "separable3d" else 2
        fs = [rng.standard_normal(5) for _ in range(nd)]
        k = np.einsum("i,j->ij", *fs) if nd == 2 else np.einsum("i,j,k->ijk", *fs)
        shape = (1, 2, 12, 11) if nd == 2 else (1, 2, 8, 9, 7)
        return shape, np.stack([k, 0.5 * k])[:, None], None, dict(padding=2, groups=2)
    if kind in ("depthwise->pointwise", "fused_dwpw"):
        return (1, 4, 8, 8), _dwpw_weight(4, 6, 3, 2, rng), rng.standard_normal(6), dict(padding=1)
    if kind == "spatial_spectral":
        spatial = rng.standard_normal((3, 3))
        spectral = rng.standard_normal(5)
        k = np.einsum("d,hw->dhw", spectral, spatial)
        return (1, 1, 9, 8, 8), k[None, None], None, dict(padding=(2, 1, 1))
    if kind == "fft":
        return (1, 1, 24, 24), rng.standard_normal((1, 1, 15, 15)), None, dict(padding=7)
    if kind == "direct1d":
        return (2, 3, 30), rng.standard_normal((4, 3, 5)), rng.standard_normal(4), dict(padding=2, dilation=2)
    raise AssertionError(kind)


KINDS = {"direct": ("direct",), "depthwise": ("depthwise",), "pointwise": ("pointwise",),
         "separable": ("separable",), "separable3d": ("separable",), "depthwise->pointwise": ("depthwise", "pointwise"),
         "fused_dwpw": ("fused_dwpw",), "spatial_spectral": ("spatial_spectral",), "fft": ("fft",),
         "direct1d": ("direct",)}


def _compiled(kind, activation=None, seed=0):
    rng = np.random.default_rng(seed)
    shape, w, b, kw = _case(kind, rng)
    w = w.astype(np.float32)
    b = None if b is None else b.astype(np.float32)
    spec = ConvSpec.create(shape, w.shape, bias=b is not None, **kw)
    plans = [p for p in candidate_plans(spec, w.astype(np.float64), None if b is None else b.astype(np.float64))
             if p.kinds == KINDS[kind]]
    assert plans, f"no {kind} plan among the candidates"
    op = sepgen.compile_conv(w, shape, bias=b, plan=plans[0], activation=activation, **kw)
    assert op.plan.kinds == KINDS[kind]
    return op, torch.from_numpy(w), None if b is None else torch.from_numpy(b), kw


def _ref(x, w, b, kw, act=None):
    return ACT[act](CONV[w.ndim - 2](x, w.to(x.dtype), None if b is None else b.to(x.dtype), **kw))


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("act", ["relu", "relu6", "silu"])
def test_fused_activation_epilogue(kind, act):
    op, w, b, kw = _compiled(kind, act)
    x = 3 * torch.randn(op.spec.input_shape)
    y = op(x)
    ref = _ref(x, w, b, kw, act)
    assert op.plan.activation == act and f"+{act}" in op.plan.stages[-1].describe() + op.plan.summary()
    assert torch.allclose(y, ref, rtol=1e-4, atol=1e-4 * ref.abs().max().item()), (y - ref).abs().max()


def test_activation_survives_the_artifact_round_trip(tmp_path):
    op, w, b, kw = _compiled("fused_dwpw", "relu6")
    op.save(tmp_path / "a")
    back = sepgen.load(tmp_path / "a")
    x = torch.randn(op.spec.input_shape)
    assert back.plan.activation == "relu6"
    assert torch.equal(back(x), op(x))


@pytest.mark.parametrize("kind", ["depthwise", "fused_dwpw"])
def test_gelu_epilogue_matches_torch(kind):
    """GELU's erf is a vectorizable rational polynomial in the epilogue (libm's erff is scalar)."""
    op, w, b, kw = _compiled(kind, "gelu")
    x = 3 * torch.randn(op.spec.input_shape)
    ref = torch.nn.functional.gelu(_ref(x, w, b, kw))
    assert torch.allclose(op(x), ref, rtol=1e-5, atol=1e-5 * ref.abs().max().item())


def test_unknown_activation_is_a_clear_error():
    with pytest.raises(PlanError, match="unknown activation 'mish'"):
        sepgen.compile_conv(torch.randn(4, 1, 3, 3), (1, 4, 8, 8), groups=4, activation="mish")


# ---- the custom op -------------------------------------------------------------------------------
def _handle_and_params(op, dtype=torch.float32):
    from sepgen.runtime import ops

    h = ops.register(op)
    params = [torch.as_tensor(np.asarray(op.plan.params[n]), dtype=dtype) for n in ops.param_names(op)]
    return h, params


@pytest.mark.parametrize("kind", list(KINDS))
def test_gradcheck_every_stage_kind(kind):
    """float64 gradcheck of the op's backward (input and every stage parameter), per stage kind."""
    op, *_ = _compiled(kind)
    h, params = _handle_and_params(op, torch.float64)
    x = torch.randn(op.spec.input_shape, dtype=torch.float64, requires_grad=True)
    ps = [p.requires_grad_() for p in params]
    assert torch.autograd.gradcheck(lambda x, *p: torch.ops.sepgen.conv(x, list(p), h), (x, *ps),
                                    eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("kind", ["direct", "depthwise", "separable", "fused_dwpw", "spatial_spectral", "fft"])
def test_float32_gradients_match_pytorch(kind):
    """The compiled forward with the op's backward gives PyTorch's gradients of the original convolution."""
    op, w, b, kw = _compiled(kind)
    h, params = _handle_and_params(op)
    x = torch.randn(op.spec.input_shape, requires_grad=True)
    g = torch.randn(op.spec.output_shape)
    (torch.ops.sepgen.conv(x, params, h) * g).sum().backward()
    ours = x.grad.clone()
    x.grad = None
    (_ref(x, w, b, kw) * g).sum().backward()
    assert torch.allclose(ours, x.grad, rtol=1e-4, atol=1e-4 * x.grad.abs().max().item())


@pytest.mark.parametrize("kind", ["depthwise", "separable", "fused_dwpw"])
def test_opcheck(kind):
    op, *_ = _compiled(kind)
    h, params = _handle_and_params(op)
    res = torch.library.opcheck(torch.ops.sepgen.conv.default, (torch.randn(op.spec.input_shape), params, h))
    assert all(v == "SUCCESS" for v in res.values()), res


def test_unregistered_handle_is_a_clear_error():
    with pytest.raises(SepgenError, match="no sepgen kernel is registered under handle 987654"):
        torch.ops.sepgen.conv(torch.randn(1, 1, 4, 4), [], 987654)


# ---- modules ---------------------------------------------------------------------------------------
def test_from_conv_each_module_class():
    torch.manual_seed(0)
    g = nn.Conv2d(3, 3, 7, padding=3, groups=3)
    with torch.no_grad():
        g.weight.copy_(gaussian_kernel(7, 1.5, 2).expand_as(g.weight))
    x = torch.randn(2, 3, 20, 24)
    m = snn.SeparableConv.from_conv(g, input_shape=x.shape)
    assert m.plan.kinds == ("separable",) and m.error < 1e-6
    assert torch.allclose(m(x), g(x), atol=1e-5)
    dw, pw = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False), nn.Conv2d(8, 16, 1)
    d = snn.DepthwiseSeparableConv.from_parts(dw, pw, input_shape=(1, 8, 12, 12))
    xd = torch.randn(1, 8, 12, 12)
    assert set(d.plan.kinds) <= {"depthwise", "pointwise", "fused_dwpw"}
    assert torch.allclose(d(xd), pw(dw(xd)), atol=1e-4)
    f = snn.FactorizedConv.from_conv(g, input_shape=x.shape)
    assert f.plan.kinds != ("direct",)
    c = snn.Conv.from_conv(nn.Conv1d(3, 5, 3, padding=1), input_shape=(1, 3, 40))
    x1 = torch.randn(1, 3, 40)
    assert c.plan.kinds == ("direct",)
    # a new input shape compiles the same factorization for it
    x2 = torch.randn(1, 3, 33, 17)
    assert torch.allclose(m(x2), g(x2), atol=1e-5) and len(m._kernels) == 2
    assert torch.allclose(c(x1), nn.functional.conv1d(x1, c.dense_weight, c.dense_bias, padding=1), atol=1e-5)


def test_from_conv_refuses_what_does_not_factor():
    dense = nn.Conv2d(4, 4, 3, padding=1)
    with pytest.raises(PlanError, match="no separable .* within tolerance 0"):
        snn.SeparableConv.from_conv(dense, input_shape=(1, 4, 8, 8))
    with pytest.raises(SpecError, match="padding_mode='circular'"):
        snn.Conv.from_conv(nn.Conv2d(4, 4, 3, padding=1, padding_mode="circular"))
    with pytest.raises(SpecError, match="takes an nn.Conv1d/2d/3d"):
        snn.Conv.from_conv(nn.Linear(3, 3))


def test_lossy_factorization_within_tolerance_reports_its_error():
    torch.manual_seed(1)
    u, v = torch.randn(7), torch.randn(7)
    k = torch.outer(u, v) + 0.01 * torch.randn(7, 7)
    conv = nn.Conv2d(1, 1, 7, padding=3, bias=False)
    with torch.no_grad():
        conv.weight.copy_(k)
    m = snn.SeparableConv.from_conv(conv, tolerance=0.05, input_shape=(1, 1, 32, 32))
    assert 0 < m.error <= 0.05
    x = torch.randn(1, 1, 32, 32)
    rel = ((m(x) - conv(x)).norm() / conv(x).norm()).item()
    assert rel < 0.1


def test_module_trains_its_factors():
    """Gradients reach the plan's parameters; an optimizer step changes what the kernel computes."""
    torch.manual_seed(0)
    dw, pw = nn.Conv2d(4, 4, 3, padding=1, groups=4, bias=False), nn.Conv2d(4, 8, 1)
    m = snn.DepthwiseSeparableConv.from_parts(dw, pw, input_shape=(2, 4, 10, 10))
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    x, target = torch.randn(2, 4, 10, 10), torch.randn(2, 8, 10, 10)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = F.mse_loss(m(x), target)
        loss.backward()
        assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in m.parameters())
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    with torch.no_grad():      # the eager fast path sees the updated factors
        ref = sepgen.runtime.reference.run_plan_torch(m.plan, x, params=dict(m.factors))
        assert torch.allclose(m(x), ref, atol=1e-5)
        # a kernel compiled afterwards for another shape uses the trained factors too
        x2 = torch.randn(1, 4, 7, 9)
        plan2 = m.compile(tuple(x2.shape)).plan
        assert torch.allclose(m(x2), sepgen.runtime.reference.run_plan_torch(plan2, x2, params=dict(m.factors)), atol=1e-5)
        # and a replaced parameter reaches every kernel
        m.factors["pw_w"] = nn.Parameter(torch.zeros_like(m.factors["pw_w"]))
        assert torch.allclose(m(x), m.factors["b"].reshape(1, -1, 1, 1).expand(2, 8, 10, 10))
        assert torch.allclose(m(x2), m.factors["b"].reshape(1, -1, 1, 1).expand(1, 8, 7, 9))


def test_modules_refuse_pickling_with_a_clear_message():
    import pickle

    m = snn.Conv(torch.randn(4, 1, 3, 3), groups=4, padding=1, input_shape=(1, 4, 8, 8))
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(m)


# ---- whole models -----------------------------------------------------------------------------------
def _randomize_bn(model):
    g = torch.Generator().manual_seed(0)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=g) * 0.2 - 0.1)
            m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)
            if m.affine:
                m.weight.data.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.data.copy_(torch.rand(m.bias.shape, generator=g) * 0.2 - 0.1)
    return model


def test_fold_bn_matches_conv_then_bn():
    conv = nn.Conv2d(3, 5, 3, padding=1)
    bn = _randomize_bn(nn.Sequential(nn.BatchNorm2d(5))).eval()[0]
    w, b = fold_bn(conv.weight, conv.bias, bn)
    x = torch.randn(2, 3, 9, 9)
    assert torch.allclose(F.conv2d(x, w, b, padding=1), bn(conv(x)), atol=1e-5)


def _small(name):
    ctor, shape = EXAMPLES[name]
    shape = list(shape)
    if name.startswith("mobilenet") or name in ("dwunet", "efficientnet_b0", "regnet_y_400mf"):
        shape[-1] = shape[-2] = 32
    if name == "convnext_tiny":          # stride 32 in all: a 2x2 last stage
        shape[-1] = shape[-2] = 64
    if name == "gaussian3d":
        shape[-1] = shape[-2] = shape[-3] = 16
    if name == "gaussian2d":
        shape[-1] = shape[-2] = 40
    torch.manual_seed(0)
    return _randomize_bn(ctor()).eval(), torch.randn(shape)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_example_model_through_optimize(name):
    model, x = _small(name)
    with torch.inference_mode():
        ref = model(x)
    om, report = sepgen.optimize(model, x, progress=False, whole_model=False, measure=False)
    assert isinstance(om, OptimizedModel)
    assert report.layers and all(r.status == "optimized" for r in report.layers), report
    swapped = [m for m in om.modules() if isinstance(m, snn.Conv)]
    assert len(swapped) == len(report.layers)
    assert not any(isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)) for m in om.modules())
    with torch.inference_mode():
        out = om(x)
    scale = ref.abs().max()
    assert ((out - ref).abs().max() / scale) <= 1e-4 and report.max_rel_error <= 1e-4
    if name.startswith("gaussian"):
        assert report.layers[0].plan == "separable"
    # the model given is untouched
    assert any(isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)) for m in model.modules())


def test_inference_rewrites_fold_bn_and_fuse_activations():
    model, x = _small("mobilenet_v2")
    om, report = sepgen.optimize(model, x, progress=False, whole_model=False, measure=False)
    folded = [tuple(r.folded) for r in report.layers]
    assert folded.count(("bn", "relu6")) == 35 and folded.count(("bn",)) == 17
    assert not any(isinstance(m, (nn.BatchNorm2d, nn.ReLU6)) for m in om.modules())
    acts = [m.activation for m in om.modules() if isinstance(m, snn.Conv)]
    assert acts.count("relu6") == 35 and acts.count(None) == 17


@pytest.mark.parametrize("name", ["mobilenet_v2", "mbconv", "timeseries"])
def test_exported_programs_are_optimized_in_the_graph(name):
    model, x = _small(name)
    ep = torch.export.export(model, (x,))
    om, report = sepgen.optimize(ep, x, progress=False, whole_model=False, measure=False)
    graph = om.module.graph
    targets = {str(n.target) for n in graph.nodes if n.op == "call_function"}
    assert not any("conv" in t or "batch_norm" in t or "hardtanh" in t for t in targets), targets
    assert report.max_rel_error <= 1e-4 and len(report.layers) == sum(
        isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)) for m in model.modules())


def test_torch_compile_fullgraph_of_an_optimized_model():
    torch._dynamo.reset()
    model = nn.Sequential(conv_bn(3, 8, 3, 2), DepthwiseSeparable(8, 16), nn.AdaptiveAvgPool2d(1), nn.Flatten())
    model = _randomize_bn(model).eval()
    x = torch.randn(1, 3, 24, 24)
    om, _ = sepgen.optimize(model, x, progress=False, whole_model=False, measure=False)
    compiled = torch.compile(om, fullgraph=True)
    with torch.no_grad():
        assert torch.allclose(compiled(x), model(x), atol=1e-5)


def test_optimize_checks_its_result_and_inputs():
    model, x = _small("timeseries")
    with pytest.raises(SpecError, match="fails on the example inputs"):
        sepgen.optimize(model, torch.randn(1, 3, 64), progress=False, whole_model=False)
    with pytest.raises(SpecError, match="example_inputs must be a tensor"):
        sepgen.optimize(model, [1, 2], progress=False, whole_model=False)
    with pytest.raises(SpecError, match="takes an nn.Module"):
        sepgen.optimize(lambda t: t, x, progress=False, whole_model=False)


def _tiny_model():
    model = nn.Sequential(conv_bn(3, 8, 3, 2), DepthwiseSeparable(8, 16), nn.AdaptiveAvgPool2d(1), nn.Flatten())
    return _randomize_bn(model).eval(), torch.randn(1, 3, 24, 24)


def test_optimize_keeps_layers_measured_slower_in_pytorch(monkeypatch):
    import sepgen.frontend.capture as capture
    import sepgen.frontend.optimize as mo

    model, x = _tiny_model()
    with torch.inference_mode():
        ref = model(x)
    seen_threads = []

    def fake_pair(original, new, x_, torch_threads, reps=20):
        seen_threads.append(torch_threads)
        # depthwise layers "measure" slower than PyTorch, the others faster
        return (10.0, 20.0) if new.plan.stages[0].kind == "depthwise" else (20.0, 10.0)

    monkeypatch.setattr(capture, "_time_pair_us", fake_pair)
    monkeypatch.setattr(capture, "_time_us", lambda fn, x_, **kw: 15.0)
    monkeypatch.setattr(mo, "time_models_ms", lambda a, b, xs, reps=30, block=5: (1.0, 1.0))
    om, report = sepgen.optimize(model, x, progress=False, whole_model=False)
    kept = [r for r in report.layers if r.status.startswith("kept")]
    assert [r.name for r in kept] == ["1.0.0"], report
    assert "not 1x faster than PyTorch's 10 us" in kept[0].status and kept[0].plan == "torch"
    assert kept[0].torch_in_model_us == 10.0 and kept[0].after_us == 20.0
    assert "kept in PyTorch" in str(report)
    assert set(seen_threads) == {1}          # timed as it runs in the optimized model (torch_threads=1)
    assert sum(isinstance(m, nn.Conv2d) for m in om.modules()) == 1
    assert sum(isinstance(m, snn.Conv) for m in om.modules()) == len(report.layers) - 1
    with torch.inference_mode():
        assert ((om(x) - ref).abs().max() / ref.abs().max()) <= 1e-4
    # the same in an exported program's graph: the kept convolution stays an aten node
    ep = torch.export.export(model, (x,))
    om2, report2 = sepgen.optimize(ep, x, progress=False, whole_model=False)
    convs = [n for n in om2.module.graph.nodes if n.op == "call_function" and "conv" in str(n.target)]
    assert len(convs) == 1 and sum(r.status.startswith("kept") for r in report2.layers) == 1
    with torch.inference_mode():
        assert ((om2(x) - ref).abs().max() / ref.abs().max()) <= 1e-4
    # min_speedup=None replaces every layer that compiles
    _, report3 = sepgen.optimize(model, x, progress=False, whole_model=False, min_speedup=None)
    assert all(r.status == "optimized" for r in report3.layers)
    with pytest.raises(SpecError, match="min_speedup"):
        sepgen.optimize(model, x, progress=False, whole_model=False, min_speedup=-1)


def test_optimize_measures_for_real_and_an_impossible_bar_keeps_everything():
    model, x = _tiny_model()
    om, report = sepgen.optimize(model, x, progress=False, whole_model=False, reps=3, min_speedup=1e9)
    assert report.layers and all(r.status.startswith("kept") for r in report.layers)
    for r in report.layers:
        assert r.torch_in_model_us > 0 and r.after_us > 0 and r.before_us > 0
    assert not any(isinstance(m, snn.Conv) for m in om.modules())
    assert report.after_ms > 0 and report.before_ms > 0
    # nothing of sepgen in it: the model keeps the original's threading, so the whole-model ratio compares
    # like with like (it ran PyTorch on 1 thread against 2 before: 1.72x or 0.67x for an unchanged model)
    assert om.torch_threads is None and report.env["torch_threads_optimized"] is None
    assert "thread(s)" not in str(report)


def test_mobilenet_v2_full_size_same_predictions():
    """The issue's correctness bar at batch 1, 224x224 (the latency comparison is in `sepgen bench`)."""
    torch.manual_seed(0)
    model = _randomize_bn(MobileNetV2()).eval()
    x = torch.randn(1, 3, 224, 224)
    with torch.inference_mode():
        ref = model(x)
    om, report = sepgen.optimize(model, x, progress=False, whole_model=False, measure=False)
    with torch.inference_mode():
        out = om(x)
    assert (out.argmax(1) == ref.argmax(1)).all() and report.top1_match == 1.0
    assert ((out - ref).abs().max() / ref.abs().max()) <= 1e-4


def test_cli_optimize_export_file_and_errors(tmp_path):
    model, x = _small("timeseries")
    torch.export.save(torch.export.export(model, (x,)), tmp_path / "m.pt2")
    torch.save(model.state_dict(), tmp_path / "w.pt")
    cmd = [sys.executable, "-m", "sepgen.cli", "optimize"]
    r = subprocess.run(cmd + [str(tmp_path / "m.pt2"), "--input-shape", ",".join(map(str, x.shape)),
                              "--report", str(tmp_path / "r.json"), "--log-dir", str(tmp_path / "logs"), "--per-layer"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "whole model:" in r.stdout and "[7/7]" in r.stderr
    import json

    rep = json.loads((tmp_path / "r.json").read_text())
    assert len(rep["layers"]) == 7 and rep["max_rel_error"] <= 1e-4
    bad = subprocess.run(cmd + [str(tmp_path / "w.pt"), "--input-shape", "1,8,64"], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and "not a torch.export program" in bad.stderr and "Traceback" not in bad.stderr
    missing = subprocess.run(cmd + ["nosuchmodel"], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "not an example model" in missing.stderr


def test_tradeoff_study_on_real_digits():
    """The accuracy-for-speed study runs end to end on scikit-learn's digits (small settings)."""
    pytest.importorskip("sklearn", reason="scikit-learn (the test extra) is needed for the digits dataset")
    from sepgen.bench.tradeoff import run, table

    res = run([0.0, 0.3], epochs=8, reps=3, width=16, progress=False, finetune_epochs=1)
    base, exact, lossy = res["rows"]
    assert base["accuracy"] > 0.7                       # it learned: 10 classes, chance is 0.1
    assert abs(exact["accuracy"] - base["accuracy"]) <= 1.0 / res["batch"] + 1e-9
    assert all(lay["error"] < 1e-5 for lay in exact["layers"])
    assert all(lay["error"] <= 0.3 for lay in lossy["layers"])
    assert all(r["latency_ms"] > 0 for r in res["rows"])
    md = table(res)
    assert "| sepgen tolerance 0.3 |" in md and "PyTorch eager (original)" in md
