"""The torch plan interpreter and the effective-weight composition, against F.conv."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sepgen.analysis.plan_error import effective_weight, weight_error
from sepgen.errors import PlanError, TensorError
from sepgen.ir.spec import ConvSpec
from sepgen.ir.stages import (AxisPass, DepthwiseConv, DirectConv, FFTConv, FusedDwPw, Geometry, Plan, PointwiseConv,
                              SeparableConv, SpatialSpectral, direct_plan)
from sepgen.runtime.reference import run_plan_torch


def torch_conv(x, w, b, spec: ConvSpec):
    """F.conv{1,2,3}d with the spec's (possibly asymmetric) padding."""
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[spec.ndim]
    flat = []
    for lo, hi in reversed(spec.padding):
        flat += [lo, hi]
    x = F.pad(x, flat)
    w = torch.as_tensor(np.asarray(w)).to(x.dtype)
    b = None if b is None else torch.as_tensor(np.asarray(b)).to(x.dtype)
    return conv(x, w, b, stride=spec.stride, dilation=spec.dilation, groups=spec.groups)


def rel_err(a, b):
    return float((a - b).abs().max() / max(float(b.abs().max()), 1e-30))


RNG = np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _seeded():
    """Each test draws the same numbers whichever tests run before it."""
    global RNG
    RNG = np.random.default_rng(1234)
    torch.manual_seed(1234)

CASES = [
    # input, weight, stride, padding, dilation, groups
    ((2, 4, 17), (6, 2, 5), 2, [(1, 3)], 2, 2),
    ((1, 3, 12, 11), (6, 1, 3, 4), (2, 1), [(0, 2), (1, 1)], (1, 2), 3),
    ((1, 2, 9, 10), (4, 2, 3, 3), 1, 1, 1, 1),
    ((3, 2, 6, 7, 5), (2, 1, 2, 3, 2), (1, 2, 1), [(1, 0), (0, 2), (1, 1)], (2, 1, 1), 2),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{len(c[0]) - 2}d")
@pytest.mark.parametrize("bias", [False, True])
def test_direct_and_fft_stages_match_torch(case, bias):
    ishape, wshape, stride, padding, dilation, groups = case
    spec = ConvSpec.create(ishape, wshape, stride=stride, padding=padding, dilation=dilation, groups=groups,
                           bias=bias)
    w = RNG.standard_normal(wshape).astype(np.float32)
    b = RNG.standard_normal(wshape[0]).astype(np.float32) if bias else None
    x = torch.randn(ishape)
    ref = torch_conv(x, w, b, spec)
    plan = direct_plan(spec, w, b)
    assert rel_err(run_plan_torch(plan, x), ref) < 1e-5
    st = plan.stages[0]
    fft = Plan(spec, (FFTConv("f", st.geom, st.weight, st.bias),), plan.params)
    fft.verify()
    y = run_plan_torch(fft, x)
    assert y.shape == ref.shape == spec.output_shape
    assert rel_err(y, ref) < 1e-4
    np.testing.assert_allclose(effective_weight(fft), w, rtol=0, atol=0)


def _geom(in_shape, out, kernel, stride=None, padding=None, dilation=None, groups=1):
    nd = len(kernel)
    return Geometry(tuple(in_shape), out, tuple(kernel), tuple(stride or (1,) * nd),
                    tuple(padding or ((0, 0),) * nd), tuple(dilation or (1,) * nd), groups)


def test_hand_built_chains_match_their_effective_weight():
    """Separable, spatial-spectral and fused dw+pw chains: run == F.conv(effective_weight)."""
    # 2-D: separable chain with stride/dilation/asymmetric padding on both axes and a bias
    spec = ConvSpec.create((2, 3, 13, 12), (4, 3, 3, 5), stride=(2, 1), padding=[(1, 2), (0, 3)],
                           dilation=(1, 2), bias=True)
    r = 2
    pa = AxisPass("a", _geom(spec.input_shape, r, (3, 1), (2, 1), ((1, 2), (0, 0)), (1, 1), 1), "wa", axis=0)
    pb = AxisPass("b", _geom(pa.out_shape, 4, (1, 5), (1, 1), ((0, 0), (0, 3)), (1, 2), 1), "wb", "bias", axis=1)
    params = {"wa": RNG.standard_normal((r, 3, 3, 1)), "wb": RNG.standard_normal((4, r, 1, 5)),
              "bias": RNG.standard_normal(4)}
    plan = Plan(spec, (SeparableConv("s", (pa, pb), rank=r),), params)
    plan.verify()
    w = effective_weight(plan)
    np.testing.assert_allclose(w, np.einsum("ojw,jih->oihw", params["wb"][:, :, 0], params["wa"][:, :, :, 0]),
                               rtol=1e-12)
    x = torch.randn(spec.input_shape, dtype=torch.float64)
    assert rel_err(run_plan_torch(plan, x), torch_conv(x, w, params["bias"], spec)) < 1e-10

    # 3-D spatial-spectral with a grouped (depthwise) spatial part, then a fused dw+pw on a 2-D spec
    spec = ConvSpec.create((1, 2, 9, 7, 8), (4, 1, 3, 2, 3), stride=(2, 1, 1), padding=[(1, 0), (0, 1), (2, 1)],
                           groups=2)
    sp = DepthwiseConv("sp", _geom(spec.input_shape, 8, (1, 2, 3), (1, 1, 1), ((0, 0), (0, 1), (2, 1)), None, 2), "ws")
    sc = AxisPass("sc", _geom(sp.out_shape, 4, (3, 1, 1), (2, 1, 1), ((1, 0), (0, 0), (0, 0)), None, 4), "wd", axis=0)
    params = {"ws": RNG.standard_normal((8, 1, 1, 2, 3)), "wd": RNG.standard_normal((4, 2, 3, 1, 1))}
    plan = Plan(spec, (SpatialSpectral("ss", (sp, sc)),), params)
    plan.verify()
    x = torch.randn(spec.input_shape, dtype=torch.float64)
    assert rel_err(run_plan_torch(plan, x), torch_conv(x, effective_weight(plan), None, spec)) < 1e-10

    spec = ConvSpec.create((1, 3, 8, 8), (5, 3, 3, 3), padding=1)
    dw = DepthwiseConv("dw", _geom(spec.input_shape, 6, (3, 3), None, ((1, 1), (1, 1)), None, 3), "dw_w")
    pw = PointwiseConv("pw", _geom(dw.out_shape, 5, (1, 1)), "pw_w")
    params = {"dw_w": RNG.standard_normal((6, 1, 3, 3)), "pw_w": RNG.standard_normal((5, 6, 1, 1))}
    for stages in ((dw, pw), (FusedDwPw("f", (dw, pw)),)):
        plan = Plan(spec, stages, params)
        plan.verify()
        w = effective_weight(plan)
        want = np.einsum("oij,ijhw->oihw", params["pw_w"][:, :, 0, 0].reshape(5, 3, 2),
                         params["dw_w"][:, 0].reshape(3, 2, 3, 3))
        np.testing.assert_allclose(w, want, rtol=1e-12)
        x = torch.randn(spec.input_shape)
        assert rel_err(run_plan_torch(plan, x), torch_conv(x, w, None, spec)) < 1e-5


def test_effective_weight_refuses_stages_that_share_an_axis():
    spec = ConvSpec.create((1, 1, 9, 9), (1, 1, 5, 5))
    g1 = _geom(spec.input_shape, 1, (3, 3))
    s1 = DirectConv("c1", g1, "w1")
    s2 = DirectConv("c2", _geom(s1.out_shape, 1, (3, 3)), "w2")
    plan = Plan(spec, (s1, s2), {"w1": np.ones((1, 1, 3, 3)), "w2": np.ones((1, 1, 3, 3))})
    plan.verify()
    with pytest.raises(PlanError, match="axis"):
        effective_weight(plan)
    x = torch.randn(spec.input_shape)     # the interpreter still runs it
    assert run_plan_torch(plan, x).shape == spec.output_shape


def test_channel_mixing_across_groups_counts_as_error():
    spec = ConvSpec.create((1, 2, 6, 6), (2, 1, 3, 3), groups=2)
    w = RNG.standard_normal((2, 2, 3, 3))                   # a dense 2->2 conv, not grouped
    plan = Plan(spec, (DirectConv("c", _geom(spec.input_shape, 2, (3, 3)), "w"),), {"w": w})
    plan.verify()
    with pytest.raises(PlanError, match="groups"):
        effective_weight(plan)
    diag = np.stack([w[0, 0], w[1, 1]])[:, None]
    leak = np.sqrt(np.sum(w[0, 1] ** 2) + np.sum(w[1, 0] ** 2))
    assert weight_error(plan, diag) == pytest.approx(leak / np.linalg.norm(diag))


def test_run_plan_torch_checks_input_and_keeps_dtype():
    spec = ConvSpec.create((1, 2, 8, 8), (2, 1, 3, 3), groups=2, padding=1)
    w = RNG.standard_normal((2, 1, 3, 3)).astype(np.float32)
    plan = direct_plan(spec, w)
    with pytest.raises(TensorError):
        run_plan_torch(plan, torch.randn(1, 2, 8, 9))
    x = torch.randn(spec.input_shape)
    y16 = run_plan_torch(plan, x.half())
    assert y16.dtype == torch.float16
    assert rel_err(y16.float(), torch_conv(x, w, None, spec)) < 5e-3
    y64 = run_plan_torch(plan, x.double())
    assert y64.dtype == torch.float64
