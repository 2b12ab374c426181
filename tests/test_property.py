"""Property test: ``sepgen.compile_conv(...)(x)`` equals ``torch.nn.functional.conv{1,2,3}d``.

Random specs cover 1-D/2-D/3-D, stride 1-3, dilation 1-2, every padding form
(int, per-axis tuple, per-axis (left, right) pairs, "same", "valid"), dense,
grouped and depthwise (channel multiplier 1-2) convolutions, batch 1-3, odd and
even kernels, with and without bias.  Weights are random or structured (separable,
depthwise x pointwise) so that the rewrite passes produce non-direct plans too.
Shapes are small so that each example compiles in about 0.1 s.

Inputs are sometimes views at an unaligned offset into a larger buffer.

Specs that are impossible (the dilated kernel is larger than the padded input)
must raise :class:`sepgen.SpecError`; they are checked and then rejected with
``assume`` so that they do not count as passing examples.  A second property
generates only impossible specs.
"""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import sepgen

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
MAX_SPATIAL = {1: 40, 2: 12, 3: 7}
MAX_KERNEL = {1: 7, 2: 5, 3: 3}
MAX_CHANNELS = 8


def resolved_pairs(padding, nd, kernel, dilation):
    """(left, right) per axis, computed independently of sepgen (same = PyTorch's rule)."""
    if padding == "valid":
        return [(0, 0)] * nd
    if padding == "same":
        out = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)
            out.append((total // 2, total - total // 2))
        return out
    if isinstance(padding, int):
        return [(padding, padding)] * nd
    return [(p, p) if isinstance(p, int) else tuple(p) for p in padding]


def is_possible(spatial, kernel, dilation, pairs) -> bool:
    return all(s + lo + hi >= d * (k - 1) + 1 for s, k, d, (lo, hi) in zip(spatial, kernel, dilation, pairs))


def reference(x, w, b, stride, padding, dilation, groups):
    """F.conv*d in float64 (pairs of padding applied with F.pad first)."""
    nd = x.dim() - 2
    x64, w64 = x.double(), w.double()
    b64 = None if b is None else b.double()
    if isinstance(padding, tuple) and any(isinstance(p, tuple) for p in padding):
        flat = []
        for p in reversed(padding):
            lo, hi = (p, p) if isinstance(p, int) else p
            flat += [lo, hi]
        x64 = F.pad(x64, flat)
        padding = 0
    return CONV[nd](x64, w64, b64, stride=stride, padding=padding, dilation=dilation, groups=groups)


def rel_err(y, ref) -> float:
    diff = (y.double() - ref).abs().max().item()
    scale = ref.abs().max().item()
    return diff / scale if scale > 0 else diff


def per_axis(draw, values, nd):
    """An int (same on every axis) or a per-axis tuple, as a user might write either."""
    vals = tuple(draw(values) for _ in range(nd))
    if len(set(vals)) == 1 and draw(st.booleans()):
        return vals[0], vals
    return vals, vals


@st.composite
def channel_setups(draw):
    """(in_channels, out_channels, groups): dense, depthwise (multiplier 1-2) or grouped."""
    mode = draw(st.sampled_from(["dense", "depthwise", "grouped"]))
    if mode == "dense":
        return draw(st.integers(1, MAX_CHANNELS)), draw(st.integers(1, MAX_CHANNELS)), 1
    if mode == "depthwise":
        mult = draw(st.integers(1, 2))
        cin = draw(st.integers(2, MAX_CHANNELS // mult))
        return cin, cin * mult, cin
    groups = draw(st.integers(2, 4))
    cin_g = draw(st.integers(1, MAX_CHANNELS // groups))
    cout_g = draw(st.integers(1, MAX_CHANNELS // groups))
    return groups * cin_g, groups * cout_g, groups


@st.composite
def conv_cases(draw, impossible: bool = False):
    nd = draw(st.sampled_from([1, 2, 3]))
    kernel = tuple(draw(st.integers(1, MAX_KERNEL[nd])) for _ in range(nd))
    dilation_arg, dilation = per_axis(draw, st.integers(1, 2), nd)
    form = draw(st.sampled_from(["int", "tuple", "pairs", "same", "valid"]))
    if form == "same":
        stride_arg, stride = per_axis(draw, st.just(1), nd)
    else:
        stride_arg, stride = per_axis(draw, st.integers(1, 3), nd)
    if form == "int":
        padding = draw(st.integers(0, 3))
    elif form == "tuple":
        padding = tuple(draw(st.integers(0, 3)) for _ in range(nd))
    elif form == "pairs":
        padding = tuple((draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(nd))
    else:
        padding = form
    pairs = resolved_pairs(padding, nd, kernel, dilation)
    if impossible:
        # pick one axis whose padded input is shorter than the dilated kernel
        assume(form != "same")  # "same" can never be impossible
        ax = draw(st.integers(0, nd - 1))
        span = dilation[ax] * (kernel[ax] - 1) + 1
        lo, hi = pairs[ax]
        room = span - 1 - lo - hi          # largest impossible input size
        assume(room >= 1)
        spatial = [draw(st.integers(1, MAX_SPATIAL[nd])) for _ in range(nd)]
        spatial[ax] = draw(st.integers(1, room))
        spatial = tuple(spatial)
    else:
        spatial = tuple(draw(st.integers(1, MAX_SPATIAL[nd])) for _ in range(nd))
    cin, cout, groups = draw(channel_setups())
    batch = draw(st.integers(1, 3))
    bias = draw(st.booleans())
    seed = draw(st.integers(0, 2**31 - 1))
    offset = draw(st.sampled_from([0, 0, 1, 3]))   # elements: inputs need not be 64-byte aligned
    # random weights compile to the direct plan; structured ones let the passes rewrite (exactly)
    structure = draw(st.sampled_from(["random", "random", "separable", "dw_pw"]))
    return dict(nd=nd, input_shape=(batch, cin, *spatial), weight_shape=(cout, cin // groups, *kernel),
                stride=stride_arg, padding=padding, dilation=dilation_arg, groups=groups, bias=bias,
                seed=seed, offset=offset, structure=structure,
                possible=is_possible(spatial, kernel, dilation, pairs))


def structured_weight(shape, structure, g):
    """A random weight, a rank-1 separable one (outer product over the kernel axes), or a
    depthwise-times-pointwise one (W[o, c] = P[o, c] * K[c])."""
    cout, cin_g, *kernel = shape
    if structure == "separable":
        w = torch.ones(cout, cin_g, *([1] * len(kernel)))
        for ax, k in enumerate(kernel):
            view = [cout, cin_g] + [1] * len(kernel)
            view[2 + ax] = k
            w = w * torch.randn(view, generator=g)
        return w.contiguous()
    if structure == "dw_pw":
        pw = torch.randn(cout, cin_g, *([1] * len(kernel)), generator=g)
        dw = torch.randn(1, cin_g, *kernel, generator=g)
        return (pw * dw).contiguous()
    return torch.randn(shape, generator=g)


def make_tensors(case):
    g = torch.Generator().manual_seed(case["seed"])
    n = math.prod(case["input_shape"])
    x = torch.randn(n + case["offset"], generator=g)[case["offset"]:].view(case["input_shape"])
    w = structured_weight(case["weight_shape"], case["structure"], g)
    b = torch.randn(case["weight_shape"][0], generator=g) if case["bias"] else None
    return x, w, b


def compile_case(case, w, b):
    return sepgen.compile_conv(w, case["input_shape"], bias=b, stride=case["stride"], padding=case["padding"],
                               dilation=case["dilation"], groups=case["groups"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=conv_cases())
def test_compile_conv_matches_torch(case):
    x, w, b = make_tensors(case)
    if not case["possible"]:
        with pytest.raises(sepgen.SpecError):
            compile_case(case, w, b)
        assume(False)
    op = compile_case(case, w, b)
    ref = reference(x, w, b, case["stride"], case["padding"], case["dilation"], case["groups"])
    assert tuple(op.spec.output_shape) == tuple(ref.shape)
    y = op(x)
    assert isinstance(y, torch.Tensor) and y.dtype == torch.float32
    assert tuple(y.shape) == tuple(ref.shape)
    assert torch.isfinite(y).all()
    err = rel_err(y, ref)
    assert err <= 1e-4, f"relative error {err:.3g} for {op.spec}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(case=conv_cases(impossible=True))
def test_impossible_specs_raise_spec_error(case):
    assert not case["possible"]
    x, w, b = make_tensors(case)
    # torch agrees that this convolution is impossible
    with pytest.raises(RuntimeError):
        reference(x, w, b, case["stride"], case["padding"], case["dilation"], case["groups"])
    with pytest.raises(sepgen.SpecError) as ei:
        compile_case(case, w, b)
    msg = str(ei.value)
    assert "\n" not in msg and "padded input" in msg
