"""Graph capture (sepgen.graph.capture): a model becomes one Relax program whose convolutions are listed as
sepgen problems matching the modules that computed them in eager mode; what cannot be captured is an error
naming the node and its op."""
import numpy as np
import pytest
import torch
import torch.nn as nn

import sepgen
from sepgen import models
from sepgen.graph import plan as graph_plan
from sepgen.graph.capture import capture
from sepgen.graph.plan import plan_model

pytest.importorskip("tvm")


def _eager_convs(model, x):
    """(module, input shape) of every convolution in the order eager mode runs them."""
    seen = []
    hooks = [m.register_forward_pre_hook(lambda mod, args: seen.append((mod, tuple(args[0].shape))))
             for m in model.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d))]
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return seen


def _check_against_eager(model, x):
    cap = capture(model, (x,))
    eager = _eager_convs(model, x)
    assert len(cap.convs) == len(eager) > 0
    for node, (mod, shape) in zip(cap.convs, eager):
        s = node.spec
        assert s.input_shape == shape, node
        assert node.weight.shape == tuple(mod.weight.shape)
        np.testing.assert_array_equal(node.weight, mod.weight.detach().numpy())
        assert s.stride == tuple(mod.stride) and s.dilation == tuple(mod.dilation) and s.groups == mod.groups
        assert s.padding == tuple((p, p) for p in mod.padding), node
        # the spec computes what the module's conv computes
        ref = mod._conv_forward(torch.randn(shape, generator=torch.Generator().manual_seed(node.index)), mod.weight,
                                None)
        assert s.output_shape == tuple(ref.shape)
    return cap


@pytest.mark.parametrize("name", ["mobilenet_v3_large", "efficientnet_b0", "convnext_tiny", "regnet_y_400mf",
                                  "mobilenet_v2"])
def test_every_convolution_of_a_model_is_listed_as_the_module_computes_it(name):
    torch.manual_seed(0)
    model = getattr(models, name)().eval()
    cap = _check_against_eager(model, torch.randn(1, 3, 64, 64))
    counts = cap.op_counts()
    assert counts["relax.nn.conv2d"] == len(cap.convs)
    assert cap.input_shapes == ((1, 3, 64, 64),) and cap.input_dtypes == ("float32",)
    kinds = {"depthwise" if c.spec.is_depthwise else "pointwise" if c.spec.is_pointwise else "other" for c in cap.convs}
    # ConvNeXt's pointwise layers are Linear (matmul), RegNet's 3x3 convs grouped (group width 8)
    expected = {"convnext_tiny": {"depthwise", "other"}, "regnet_y_400mf": {"pointwise", "other"}}
    assert kinds == expected.get(name, {"depthwise", "pointwise", "other"})


@pytest.mark.parametrize("model,shape", [(models.TimeSeriesClassifier(), (1, 8, 256)),
                                         (models.HyperspectralNet(), (1, 1, 16, 15, 15))],
                         ids=["conv1d", "conv3d"])
def test_1d_and_3d_convolutions(model, shape):
    _check_against_eager(model.eval(), torch.randn(shape))


def test_asymmetric_stride_padding_dilation_and_groups():
    model = nn.Sequential(nn.Conv2d(4, 8, (3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
                          nn.ReLU()).eval()
    cap = _check_against_eager(model, torch.randn(1, 4, 17, 19))
    assert cap.convs[0].spec.padding == ((1, 1), (2, 2)) and cap.convs[0].spec.groups == 2


class _Bessel(nn.Module):
    def forward(self, x):
        return torch.special.bessel_j0(x) * 2


class _DataDependent(nn.Module):
    def forward(self, x):
        if x.sum() > 0:        # control flow on a value: torch.export cannot trace it
            return x + 1
        return x - 1


def test_an_op_relax_cannot_import_is_named_with_its_node():
    with pytest.raises(sepgen.GraphError) as e:
        capture(_Bessel(), (torch.randn(1, 3, 4, 4),))
    msg = str(e.value)
    assert "special_bessel_j0" in msg and "aten.special_bessel_j0.default" in msg and "_Bessel" in msg


def test_a_model_torch_export_cannot_capture_is_one_clear_error():
    with pytest.raises(sepgen.GraphError, match="torch.export cannot capture _DataDependent"):
        capture(_DataDependent(), (torch.randn(2, 3),))


@pytest.mark.parametrize("bad", [(), ([1, 2],), "x"])
def test_bad_example_inputs(bad):
    with pytest.raises(sepgen.GraphError, match="example_inputs"):
        capture(nn.Conv2d(1, 1, 1), bad)


def test_not_a_module():
    with pytest.raises(sepgen.GraphError, match="torch.nn.Module"):
        capture(lambda x: x, (torch.randn(1),))


# ---- planning every convolution of a captured model ----------------------------------------------------------------


def test_a_separable_filter_in_a_model_is_planned_as_1d_passes():
    cap = capture(models.GaussianSmoothing(3, 7, 1.5, 2).eval(), (torch.randn(1, 3, 48, 48),))
    mp = plan_model(cap)
    (layer,) = mp.layers
    assert layer.kinds == ("separable",) and layer.error < 1e-5
    assert layer.predicted_us < layer.direct_us and mp.predicted_us < mp.direct_us
    assert "separable" in mp.format() and "convolutions: 1" in mp.format()


def test_model_plans_are_exact_at_tolerance_zero_and_identical_layers_are_planned_once(monkeypatch):
    torch.manual_seed(0)
    conv = nn.Conv2d(8, 8, 3, padding=1, groups=8)
    model = nn.Sequential(conv, nn.ReLU(), conv, nn.ReLU(), nn.Conv2d(8, 16, 1)).eval()   # the same conv twice
    cap = capture(model, (torch.randn(1, 8, 20, 20),))
    calls = []
    real = graph_plan.choose_plan
    monkeypatch.setattr(graph_plan, "choose_plan", lambda *a, **k: calls.append(1) or real(*a, **k))
    mp = plan_model(cap)
    assert len(mp.layers) == 3 and len(calls) == 2
    assert [l.kinds for l in mp.layers] == [("depthwise",), ("depthwise",), ("pointwise",)]
    assert all(l.error == 0 for l in mp.layers)


def test_lossy_planning_reports_the_error_it_accepts():
    g = torch.Generator().manual_seed(0)
    # a dense 3x3 layer that is depthwise x pointwise up to 2% noise: within a 5% budget it is factorized
    d, p = torch.randn(32, 1, 3, 3, generator=g), torch.randn(64, 32, 1, 1, generator=g)
    w = p * d.transpose(0, 1)
    w = w + 0.02 * w.std() * torch.randn(w.shape, generator=g)
    conv = nn.Conv2d(32, 64, 3, padding=1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(w)
    cap = capture(conv.eval(), (torch.randn(1, 32, 28, 28),))
    exact, lossy = plan_model(cap).layers[0], plan_model(cap, tolerance=0.05).layers[0]
    assert exact.kinds == ("direct",) and exact.error == 0
    assert lossy.kinds != ("direct",) and 0 < lossy.error <= 0.05 and lossy.predicted_us < lossy.direct_us


def test_a_bad_tolerance_is_refused():
    cap = capture(nn.Conv2d(1, 1, 3).eval(), (torch.randn(1, 1, 8, 8),))
    with pytest.raises(sepgen.SepgenError):
        plan_model(cap, tolerance=1.5)
