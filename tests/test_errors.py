"""Every user mistake surfaces as a typed sepgen error with a one-line message that names the bad value."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import sepgen
from sepgen import errors as E


def one_line(exc) -> str:
    msg = str(exc.value if hasattr(exc, "value") else exc)
    assert msg.strip(), "empty error message"
    assert "\n" not in msg, f"multi-line error message: {msg!r}"
    return msg


def assert_not_tvm(exc) -> None:
    for cls in type(exc).__mro__:
        assert not cls.__module__.startswith(("tvm", "tvm_ffi")), f"TVM exception type leaked: {cls}"


W = torch.randn(4, 3, 3, 3)
XS = (1, 3, 8, 8)


def compile_(weight=W, input_shape=XS, **kw):
    return sepgen.compile_conv(weight, input_shape, **kw)


# ---- error hierarchy ------------------------------------------------------------------------------

def test_every_error_is_a_sepgen_error():
    names = ["SpecError", "WeightError", "TensorError", "TargetError", "PlanError", "LogError", "ArtifactError",
             "BuildError", "GraphError"]
    for name in names:
        cls = getattr(sepgen, name)
        assert cls is getattr(E, name)
        assert issubclass(cls, sepgen.SepgenError)
        assert issubclass(cls, Exception)
    for cls in (sepgen.SpecError, sepgen.WeightError, sepgen.TensorError):
        assert issubclass(cls, ValueError)
    # every SepgenError subclass defined in sepgen.errors is exported
    defined = {n for n, v in vars(E).items() if isinstance(v, type) and issubclass(v, E.SepgenError)}
    assert defined - {"SepgenError"} == set(names)


# ---- SpecError ------------------------------------------------------------------------------------

SPEC_CASES = [
    # (id, weight shape, input shape, kwargs, substrings the message must contain)
    ("in_channels_not_divisible", (4, 1, 3, 3), (1, 3, 8, 8), dict(groups=2), ["3", "2"]),
    ("out_channels_not_divisible", (3, 2, 3, 3), (1, 4, 8, 8), dict(groups=2), ["3", "2"]),
    ("weight_input_channel_mismatch", (4, 2, 3, 3), (1, 3, 8, 8), dict(), ["(4, 2, 3, 3)", "3"]),
    ("kernel_larger_than_input", (1, 1, 5, 5), (1, 1, 4, 4), dict(), ["5", "4"]),
    ("kernel_larger_than_padded_input", (1, 1, 9, 3), (1, 1, 4, 4), dict(padding=2), ["9", "8"]),
    ("dilated_kernel_larger", (1, 1, 3), (1, 1, 4), dict(dilation=2), ["5", "4"]),
    ("asymmetric_padding_too_small", (1, 1, 6), (1, 1, 3), dict(padding=((1, 1),)), ["6", "5"]),
    ("zero_batch", (4, 3, 3, 3), (0, 3, 8, 8), dict(), ["(0, 3, 8, 8)"]),
    ("zero_spatial", (4, 3, 3, 3), (1, 3, 0, 8), dict(), ["(1, 3, 0, 8)"]),
    ("negative_spatial", (4, 3, 3, 3), (1, 3, -8, 8), dict(), ["-8"]),
    ("zero_stride", (4, 3, 3, 3), XS, dict(stride=0), ["0"]),
    ("negative_stride", (4, 3, 3, 3), XS, dict(stride=(1, -2)), ["-2"]),
    ("zero_dilation", (4, 3, 3, 3), XS, dict(dilation=0), ["0"]),
    ("zero_groups", (4, 3, 3, 3), XS, dict(groups=0), ["0"]),
    ("negative_groups", (4, 3, 3, 3), XS, dict(groups=-3), ["-3"]),
    ("negative_padding", (4, 3, 3, 3), XS, dict(padding=-1), ["-1"]),
    ("negative_padding_pair", (4, 3, 3, 3), XS, dict(padding=((0, -2), (1, 1))), ["-2"]),
    ("same_with_stride_2", (4, 3, 3, 3), XS, dict(padding="same", stride=2), ["same", "2"]),
    ("same_with_stride_1_2", (4, 3, 3, 3), XS, dict(padding="same", stride=(1, 2)), ["same", "(1, 2)"]),
    ("unknown_padding_string", (4, 3, 3, 3), XS, dict(padding="full"), ["'full'"]),
    ("dtype_int8", (4, 3, 3, 3), XS, dict(dtype="int8"), ["int8"]),
    ("dtype_bfloat16", (4, 3, 3, 3), XS, dict(dtype="bfloat16"), ["bfloat16"]),
    ("dtype_float64", (4, 3, 3, 3), XS, dict(dtype="float64"), ["float64"]),
    ("stride_3_entries", (4, 3, 3, 3), XS, dict(stride=(1, 2, 1)), ["(1, 2, 1)", "3"]),
    ("dilation_3_entries", (4, 3, 3, 3), XS, dict(dilation=(1, 1, 1)), ["(1, 1, 1)", "3"]),
    ("padding_3_entries", (4, 3, 3, 3), XS, dict(padding=(1, 1, 1)), ["(1, 1, 1)", "3"]),
    ("padding_pair_of_3", (4, 3, 3, 3), XS, dict(padding=((1, 1, 1), (1, 1))), ["(1, 1, 1)"]),
    ("stride_empty", (4, 3, 3, 3), XS, dict(stride=()), ["()"]),
    ("stride_bool", (4, 3, 3, 3), XS, dict(stride=True), ["True"]),
    ("stride_string", (4, 3, 3, 3), XS, dict(stride="2"), ["'2'"]),
    ("stride_float", (4, 3, 3, 3), XS, dict(stride=1.5), ["1.5"]),
    ("stride_none", (4, 3, 3, 3), XS, dict(stride=None), ["None"]),
    ("dilation_bool_entry", (4, 3, 3, 3), XS, dict(dilation=(1, False)), ["False"]),
    ("dilation_string_entry", (4, 3, 3, 3), XS, dict(dilation=(1, "2")), ["'2'"]),
    ("padding_bool", (4, 3, 3, 3), XS, dict(padding=True), ["True"]),
    ("padding_float", (4, 3, 3, 3), XS, dict(padding=1.0), ["1.0"]),
    ("padding_string_entry", (4, 3, 3, 3), XS, dict(padding=(1, "1")), ["'1'"]),
    ("padding_bool_in_pair", (4, 3, 3, 3), XS, dict(padding=((0, True), (1, 1))), ["True"]),
    ("groups_bool", (4, 3, 3, 3), XS, dict(groups=True), ["True"]),
    ("groups_string", (4, 3, 3, 3), XS, dict(groups="1"), ["'1'"]),
    ("groups_float", (4, 3, 3, 3), XS, dict(groups=1.0), ["1.0"]),
    ("input_shape_float", (4, 3, 3, 3), (1, 3, 8.0, 8), dict(), ["8.0"]),
    ("input_shape_bool", (4, 3, 3, 3), (1, 3, True, 8), dict(), ["True"]),
    ("input_shape_string", (4, 3, 3, 3), "1x3x8x8", dict(), ["input_shape", "'1'"]),
    ("input_shape_int", (4, 3, 3, 3), 8, dict(), ["8"]),
    ("input_shape_rank_2", (4, 3, 3, 3), (3, 8), dict(), ["(3, 8)"]),
    ("input_shape_rank_mismatch", (4, 3, 3, 3), (1, 3, 8), dict(), ["(1, 3, 8)"]),
    ("tolerance_negative", (4, 3, 3, 3), XS, dict(tolerance=-0.1), ["-0.1"]),
    ("tolerance_one", (4, 3, 3, 3), XS, dict(tolerance=1.0), ["1.0"]),
    ("tolerance_string", (4, 3, 3, 3), XS, dict(tolerance="0"), ["'0'"]),
    ("trials_negative", (4, 3, 3, 3), XS, dict(trials=-5), ["-5"]),
    ("trials_float", (4, 3, 3, 3), XS, dict(trials=2.5), ["2.5"]),
]


@pytest.mark.parametrize("wshape,xshape,kw,needles", [c[1:] for c in SPEC_CASES], ids=[c[0] for c in SPEC_CASES])
def test_spec_errors(wshape, xshape, kw, needles):
    with pytest.raises(sepgen.SpecError) as ei:
        compile_(torch.randn(wshape), xshape, **kw)
    msg = one_line(ei)
    for needle in needles:
        assert needle in msg, f"{needle!r} not in {msg!r}"
    assert_not_tvm(ei.value)


def test_spec_error_from_conv_spec_directly():
    with pytest.raises(sepgen.SpecError) as ei:
        sepgen.ConvSpec.create((1, 3, 8, 8), (4, 3, 3, 3), stride=(0, 1))
    assert "(0, 1)" in one_line(ei)
    with pytest.raises(sepgen.SpecError) as ei:
        sepgen.ConvSpec.create((1, 3, 8, 8), (4, 3, 3, 3), dtype="int8")
    assert "int8" in one_line(ei)


# ---- WeightError ----------------------------------------------------------------------------------

def _nan_weight():
    w = torch.randn(4, 3, 3, 3)
    w[1, 2, 0, 0] = float("nan")
    return w


def _inf_weight():
    w = np.random.default_rng(0).standard_normal((4, 3, 3, 3)).astype(np.float32)
    w[0, 0, 1, 1] = -np.inf
    return w


WEIGHT_CASES = [
    # (id, weight, bias, message substrings (any of))
    ("nan", _nan_weight(), None, ["nan"]),
    ("inf", _inf_weight(), None, ["inf"]),
    ("empty_torch", torch.empty(0, 3, 3, 3), None, ["empty", "(0, 3, 3, 3)"]),
    ("empty_numpy", np.zeros((4, 3, 0, 3), np.float32), None, ["empty", "(4, 3, 0, 3)"]),
    ("empty_list", [], None, ["empty"]),
    ("rank_2", torch.randn(4, 3), None, ["(4, 3)"]),
    ("rank_6", torch.randn(2, 3, 1, 1, 1, 1), None, ["(2, 3, 1, 1, 1, 1)"]),
    ("scalar", 1.5, None, ["()"]),
    ("complex_torch", torch.randn(4, 3, 3, 3, dtype=torch.complex64), None, ["complex"]),
    ("complex_numpy", np.ones((4, 3, 3, 3), np.complex128), None, ["complex"]),
    ("object_array", np.array([[[[1.0]]], [[["a"]]]], dtype=object), None, ["object"]),
    ("strings", np.array([[["a", "b"]]]), None, ["<U1"]),
    ("bool_array", np.ones((4, 3, 3, 3), bool), None, ["bool"]),
    ("ragged_list", [[[1.0, 2.0]], [[1.0]]], None, ["array"]),
    ("bfloat16_torch", torch.randn(4, 3, 3, 3, dtype=torch.bfloat16), None, ["bfloat16"]),
    ("meta_device", torch.empty(4, 3, 3, 3, device="meta"), None, ["meta"]),
    ("not_an_array", object(), None, ["object"]),
    ("bias_wrong_length", torch.randn(4, 3, 3, 3), torch.randn(3), ["(3,)", "4"]),
    ("bias_2d", torch.randn(4, 3, 3, 3), torch.randn(4, 1), ["(4, 1)"]),
    ("bias_scalar", torch.randn(4, 3, 3, 3), 0.5, ["()"]),
    ("bias_nan", torch.randn(4, 3, 3, 3), torch.tensor([0.0, float("nan"), 0.0, 0.0]), ["nan"]),
    ("bias_inf", torch.randn(4, 3, 3, 3), np.array([0, 0, np.inf, 0], np.float32), ["inf"]),
    ("bias_complex", torch.randn(4, 3, 3, 3), np.ones(4, np.complex64), ["complex"]),
    ("bias_empty", torch.randn(4, 3, 3, 3), torch.empty(0), ["empty"]),
]


def test_numpy_integers_are_ints_in_a_spec():
    """Shapes and options taken from numpy (an array's shape, np.int64 values) are ints like any other."""
    w = torch.randn(4, 1, 3, 3)
    op = sepgen.compile_conv(w, np.array([1, 4, 16, 16]), padding=np.int64(1), stride=np.array([1, 1]),
                             groups=np.int64(4))
    assert all(type(v) is int for v in (*op.spec.input_shape, *op.spec.stride, op.spec.groups,
                                         *op.spec.padding[0]))
    x = torch.randn(1, 4, 16, 16)
    assert torch.allclose(op(x), F.conv2d(x, w, padding=1, groups=4), atol=1e-5)
    with pytest.raises(sepgen.SpecError):
        sepgen.compile_conv(w, (1, 4, 16, 16), groups=np.float64(4))


def test_analysis_tolerance_is_in_0_1():
    for bad in (1.0, 1.5, -0.1, float("nan"), "x", True):
        with pytest.raises(sepgen.SpecError) as ei:
            sepgen.analyze(np.ones((1, 1, 3, 3)), tolerance=bad)
        assert "[0, 1)" in one_line(ei)


@pytest.mark.parametrize("weight,bias,needles", [c[1:] for c in WEIGHT_CASES], ids=[c[0] for c in WEIGHT_CASES])
def test_weight_errors(weight, bias, needles):
    with pytest.raises(sepgen.WeightError) as ei:
        sepgen.compile_conv(weight, XS, bias=bias)
    msg = one_line(ei)
    assert any(n.lower() in msg.lower() for n in needles), f"none of {needles} in {msg!r}"
    if bias is not None:
        assert "bias" in msg
    assert_not_tvm(ei.value)


# ---- TensorError ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def op():
    g = torch.Generator().manual_seed(0)
    w = torch.randn(3, 3, 3, 3, generator=g)
    return sepgen.compile_conv(w, (1, 3, 8, 8), bias=torch.randn(3, generator=g), padding=1)


def test_good_call_works(op):
    y = op(torch.randn(1, 3, 8, 8))
    assert y.shape == (1, 3, 8, 8)


TENSOR_CASES = [
    ("wrong_spatial", lambda: torch.randn(1, 3, 9, 8), ["(1, 3, 9, 8)", "(1, 3, 8, 8)"]),
    ("wrong_batch", lambda: torch.randn(2, 3, 8, 8), ["(2, 3, 8, 8)"]),
    ("wrong_rank", lambda: torch.randn(3, 8, 8), ["(3, 8, 8)"]),
    ("float64", lambda: torch.randn(1, 3, 8, 8, dtype=torch.float64), ["float64"]),
    ("float16", lambda: torch.randn(1, 3, 8, 8).half(), ["float16"]),
    ("int32", lambda: torch.zeros(1, 3, 8, 8, dtype=torch.int32), ["int32"]),
    ("numpy", lambda: np.zeros((1, 3, 8, 8), np.float32), ["ndarray"]),
    ("list", lambda: [[0.0]], ["list"]),
    ("none", lambda: None, ["NoneType"]),
    ("meta_device", lambda: torch.empty(1, 3, 8, 8, device="meta"), ["meta"]),
]


@pytest.mark.parametrize("make,needles", [c[1:] for c in TENSOR_CASES], ids=[c[0] for c in TENSOR_CASES])
def test_tensor_errors(op, make, needles):
    with pytest.raises(sepgen.TensorError) as ei:
        op(make())
    msg = one_line(ei)
    for needle in needles:
        assert needle in msg, f"{needle!r} not in {msg!r}"
    assert_not_tvm(ei.value)


OUT_CASES = [
    ("wrong_shape", lambda: torch.empty(1, 3, 8, 7), ["(1, 3, 8, 7)"]),
    ("wrong_dtype", lambda: torch.empty(1, 3, 8, 8, dtype=torch.float64), ["float64"]),
    ("non_contiguous", lambda: torch.empty(1, 3, 8, 16)[..., ::2], ["contiguous"]),
    ("not_a_tensor", lambda: np.zeros((1, 3, 8, 8), np.float32), ["ndarray"]),
    ("meta_device", lambda: torch.empty(1, 3, 8, 8, device="meta"), ["meta"]),
    ("requires_grad", lambda: torch.zeros(1, 3, 8, 8, requires_grad=True), ["grad"]),
]


@pytest.mark.parametrize("make,needles", [c[1:] for c in OUT_CASES], ids=[c[0] for c in OUT_CASES])
def test_bad_out(op, make, needles):
    with pytest.raises(sepgen.TensorError) as ei:
        op(torch.randn(1, 3, 8, 8), out=make())
    msg = one_line(ei)
    assert "out" in msg
    for needle in needles:
        assert needle in msg, f"{needle!r} not in {msg!r}"
    assert_not_tvm(ei.value)


def test_out_aliasing_input(op):
    x = torch.randn(1, 3, 8, 8)
    before = x.clone()
    with pytest.raises(sepgen.TensorError) as ei:
        op(x, out=x)
    assert "alias" in one_line(ei)
    assert torch.equal(x, before)


def test_out_overlapping_input_storage(op):
    buf = torch.randn(2 * 3 * 8 * 8 + 5)
    x = buf[: 3 * 64].view(1, 3, 8, 8)
    out = buf[5: 5 + 3 * 64].view(1, 3, 8, 8)   # a different pointer into the same storage
    with pytest.raises(sepgen.TensorError) as ei:
        op(x, out=out)
    assert "alias" in one_line(ei)


# ---- targets; no TVM exception leaks ------------------------------------------------------------

@pytest.mark.parametrize("target", ["no-such-target", 123, None])
def test_target_errors(target):
    with pytest.raises(sepgen.TargetError) as ei:
        compile_(target=target)
    msg = one_line(ei)
    assert repr(target) in msg
    assert_not_tvm(ei.value)


def test_no_tvm_exception_leaks(op):
    """A mixed bag of bad calls: each raises a SepgenError and nothing from TVM."""
    bad_calls = [
        lambda: compile_(W, (1, 3, 2, 2)),
        lambda: compile_(W, XS, groups=3),
        lambda: compile_(W, XS, padding="same", stride=3),
        lambda: compile_(W, XS, dtype="int8"),
        lambda: compile_(_nan_weight(), XS),
        lambda: compile_(W, XS, bias=torch.randn(5)),
        lambda: compile_(W, XS, target="cuda-nonexistent"),
        lambda: op(torch.randn(1, 3, 7, 8)),
        lambda: op(torch.randn(1, 3, 8, 8), out=torch.empty(1)),
        lambda: op(torch.empty(1, 3, 8, 8, device="meta")),
        lambda: op(torch.randn(1, 3, 8, 8), out=torch.empty(1, 3, 8, 8, device="meta")),
        lambda: sepgen.load("/nonexistent/sepgen/artifact"),
    ]
    for call in bad_calls:
        with pytest.raises(sepgen.SepgenError) as ei:
            call()
        one_line(ei)
        assert_not_tvm(ei.value)
