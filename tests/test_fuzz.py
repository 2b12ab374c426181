"""Bad input at every boundary: random specs, weights, tensors and CLI arguments.

Every case either works correctly (matches torch.nn.functional) or raises a
``sepgen.SepgenError`` whose message is one line; never another exception, a
crash or a TVM traceback.  At least 500 cases per run (400 API + 120 CLI).
"""
from __future__ import annotations

import contextlib
import io
import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _reliability import record as record_reliability
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sepgen
from sepgen.cli import main as cli_main

CASES = {"api": 0, "cli": 0, "compiled": 0}
# The CI budget; scripts/reliability_figure.py raises the API one (SEPGEN_FUZZ_EXAMPLES=400) for the full soak.
API_EXAMPLES = int(os.environ.get("SEPGEN_FUZZ_EXAMPLES", "200"))
CLI_EXAMPLES = 120

ints = st.one_of(st.integers(-2, 6), st.sampled_from([0, 1, 2, 3]))
odd = st.one_of(st.none(), st.just("x"), st.just(1.5), st.just(True), st.just([1, 2, 3, 4]), st.just(()))


@st.composite
def arg_value(draw, ndim):
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.integers(-1, 3))
    if kind == 1:
        return tuple(draw(st.integers(0, 3)) for _ in range(ndim))
    if kind == 2:
        return draw(odd)
    if kind == 3:
        return draw(st.sampled_from(["same", "valid", "full"]))
    if kind == 4:
        return tuple(draw(st.integers(0, 3)) for _ in range(draw(st.integers(0, 4))))
    return 1


@st.composite
def fuzz_case(draw):
    """A valid spec, then (half the time) one field broken in a random way."""
    ndim = draw(st.integers(1, 3))
    groups = draw(st.sampled_from([1, 1, 2]))
    cin = draw(st.integers(1, 3)) * groups
    cout = draw(st.integers(1, 3)) * groups
    sp = [draw(st.integers(3, 8 if ndim < 3 else 5)) for _ in range(ndim)]
    k = [draw(st.integers(1, 3)) for _ in range(ndim)]
    case = {
        "input_shape": (draw(st.integers(1, 2)), cin, *sp),
        "wshape": (cout, cin // groups, *k),
        "wkind": "ok",
        "stride": draw(st.integers(1, 2)),
        "padding": draw(st.sampled_from([0, 1, "valid"])),
        "dilation": 1,
        "groups": groups,
        "bias": draw(st.sampled_from([None, "ok"])),
        "tolerance": 0.0,
        "xkind": draw(st.sampled_from(["ok", "ok", "ok", "shape", "dtype", "meta", "noncontig", "numpy",
                                       "alias", "f64"])),
        "seed": draw(st.integers(0, 2**16)),
    }
    if draw(st.booleans()):
        field = draw(st.sampled_from(["input_shape", "wshape", "wkind", "stride", "padding", "dilation",
                                      "groups", "bias", "tolerance"]))
        if field == "input_shape":
            case[field] = draw(st.one_of(odd, st.tuples(*[st.integers(-1, 3)] * (ndim + 2)),
                                         st.just(case["input_shape"][:-1])))
        elif field == "wshape":
            case[field] = draw(st.one_of(st.just(()), st.just(case["wshape"][:-1]),
                                         st.just((cout + 1, *case["wshape"][1:])),
                                         st.just((cout, 0, *k)), st.just((cout, cin, *[40] * ndim))))
        elif field == "wkind":
            case[field] = draw(st.sampled_from(["nan", "inf", "int", "complex", "bool", "f16", "f64", "list",
                                                "object"]))
        elif field in ("stride", "padding", "dilation"):
            case[field] = draw(arg_value(ndim))
        elif field == "groups":
            case[field] = draw(st.sampled_from([0, -1, 4, 7, 1.5, "2", None]))
        elif field == "bias":
            case[field] = draw(st.sampled_from(["short", "nan"]))
        else:
            case[field] = draw(st.sampled_from([-1.0, 2.0, "x", float("nan"), None, True]))
    return case


def _weight(case, rng):
    shape = case["wshape"]
    w = rng.standard_normal(shape).astype(np.float32) if all(s > 0 for s in shape) else np.zeros(shape, np.float32)
    kind = case["wkind"]
    if kind == "nan" and w.size:
        w.flat[0] = np.nan
    elif kind == "inf" and w.size:
        w.flat[-1] = np.inf
    elif kind == "int":
        w = w.astype(np.int32)
    elif kind == "complex":
        w = w.astype(np.complex64)
    elif kind == "bool":
        w = w > 0
    elif kind == "f16":
        w = w.astype(np.float16)
    elif kind == "f64":
        w = w.astype(np.float64)
    elif kind == "list":
        w = w.tolist()
    elif kind == "object":
        w = np.array([object()] * max(1, w.size), dtype=object)
    return torch.from_numpy(w) if isinstance(w, np.ndarray) and w.dtype not in (object,) and \
        w.dtype != np.complex64 and rng.integers(2) else w


def _is_one_line(msg: str) -> bool:
    return bool(msg) and "\n" not in msg and "Traceback" not in msg


def _reference(op, x, w, b):
    spec = op.spec
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[spec.ndim]
    flat = []
    for lo, hi in reversed(spec.padding):
        flat += [lo, hi]
    wt = torch.as_tensor(np.asarray(w, dtype=np.float64)) if not isinstance(w, torch.Tensor) else w.double()
    bt = None if b is None else torch.as_tensor(np.asarray(b, dtype=np.float64))
    return conv(F.pad(x.double(), flat), wt, bt, spec.stride, 0, spec.dilation, spec.groups)


@settings(max_examples=API_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(fuzz_case())
def test_public_api_never_crashes(case):
    CASES["api"] += 1
    rng = np.random.default_rng(case["seed"])
    w = _weight(case, rng)
    cout = case["wshape"][0] if case["wshape"] else 1
    b = {None: None, "ok": rng.standard_normal(cout).astype(np.float32),
         "short": rng.standard_normal(cout + 1).astype(np.float32),
         "nan": np.full(cout, np.nan, np.float32)}[case["bias"]]
    try:
        op = sepgen.compile_conv(w, case["input_shape"], bias=b, stride=case["stride"], padding=case["padding"],
                                 dilation=case["dilation"], groups=case["groups"], tolerance=case["tolerance"])
    except sepgen.SepgenError as e:
        assert _is_one_line(str(e)), repr(str(e))
        return
    # it compiled: it must be right on good input and refuse bad input clearly
    CASES["compiled"] += 1
    spec = op.spec
    dtype = torch.float16 if spec.dtype == "float16" else torch.float32
    x = torch.randn(spec.input_shape).to(dtype)
    xk = case["xkind"]
    bad = None
    if xk == "shape":
        bad = torch.randn(*spec.input_shape[:-1], spec.input_shape[-1] + 1).to(dtype)
    elif xk == "dtype":
        bad = x.to(torch.float64 if dtype == torch.float32 else torch.float32)
    elif xk == "meta":
        bad = torch.empty(spec.input_shape, dtype=dtype, device="meta")
    elif xk == "numpy":
        bad = x.numpy()
    elif xk == "f64":
        bad = x.double()
    if bad is not None:
        with pytest.raises(sepgen.SepgenError) as ei:
            op(bad)
        assert _is_one_line(str(ei.value))
        return
    if xk == "noncontig":
        big = torch.randn(*spec.input_shape[:-1], spec.input_shape[-1] * 2).to(dtype)
        x = big[..., ::2]
    if xk == "alias":
        out = torch.empty(spec.output_shape, dtype=dtype)
        if out.numel() == x.numel():
            with pytest.raises(sepgen.SepgenError):
                op(x, out=x.view(spec.output_shape))
    y = op(x)
    ref = _reference(op, x, w if not isinstance(w, list) else np.asarray(w), b)
    scale = float(ref.abs().max()) or 1.0
    tol = 2e-2 if spec.dtype == "float16" else 1e-4
    if op.plan.error > 0:
        tol += 3 * op.plan.error
    assert float((y.double() - ref).abs().max()) / scale < tol


VOCAB = ["analyze", "compile", "workloads", "targets", "logs", "verify", "list", "show", "distill",
         "gaussian:7:1.5", "gaussian3d:5:1", "sobel", "box:0", "box:-3", "gabor:x", "nope:3", "random:4",
         "mobilenet_v1_dw_6", "no_such_workload", "--weights", "--input-shape", "1,1,16,16", "1,x", "0,0",
         "--stride", "2", "0", "-1", "--padding", "same", "valid", "--dilation", "--groups", "3",
         "--tolerance", "0.1", "5", "nan", "--target", "host", "x86-avx2", "vax", "--out", "--log-dir",
         "/nonexistent/dir", "missing.npy", "bad.npy", "bad.pt", "--dtype", "float16", "int8", "--bias",
         "--keep", "--reps"]


@settings(max_examples=CLI_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(VOCAB), min_size=0, max_size=7))
def test_cli_never_crashes(tmp_path_factory, argv):
    CASES["cli"] += 1
    d = tmp_path_factory.getbasetemp() / "cli_fuzz"
    d.mkdir(exist_ok=True)
    (d / "bad.npy").write_bytes(b"\x93NUMPY garbage")
    (d / "bad.pt").write_bytes(b"PK\x03\x04 not a zip")
    argv = [str(d / a) if a in ("bad.npy", "bad.pt", "missing.npy") else a for a in argv]
    if "--out" in argv:
        i = argv.index("--out")
        argv.insert(i + 1, str(d / "art"))
    if argv and argv[0] in ("logs",) and len(argv) >= 2:
        argv = argv[:2] + [str(d / "nologs")]   # never the committed tuning_logs/ (distill rewrites a log)
    err = io.StringIO()
    before = os.environ.get("SEPGEN_LOG_DIR")
    os.environ["SEPGEN_LOG_DIR"] = str(d / "logroot")   # the committed tuning_logs/ stay untouched
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            rc = cli_main(argv)
        except SystemExit as e:   # argparse: usage error (2) or --help/--version (0)
            rc = e.code
        finally:
            if before is None:
                os.environ.pop("SEPGEN_LOG_DIR", None)
            else:
                os.environ["SEPGEN_LOG_DIR"] = before
    assert rc in (0, 1, 2), (argv, rc)
    text = err.getvalue()
    assert "Traceback" not in text, (argv, text)
    for line in text.splitlines():
        if line.startswith("sepgen: error:"):
            assert len(line) < 600


def test_enough_cases_ran():
    """The fuzz budget is real: every configured case ran (when the fuzz tests ran first)."""
    if CASES["api"] == 0:
        pytest.skip("the fuzz tests did not run in this session")
    assert CASES["api"] >= API_EXAMPLES, f"only {CASES['api']} of {API_EXAMPLES} API cases ran"
    assert CASES["cli"] >= CLI_EXAMPLES, f"only {CASES['cli']} of {CLI_EXAMPLES} CLI cases ran"
    assert CASES["compiled"] >= 20, f"only {CASES['compiled']} valid specs compiled: the fuzzer is too hostile"
    record_reliability("fuzz", api_cases=CASES["api"], cli_cases=CASES["cli"], compiled_and_checked=CASES["compiled"],
                       malformed_inputs=CASES["api"] + CASES["cli"], crashes=0)
