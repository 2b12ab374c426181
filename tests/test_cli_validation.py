"""CLI options are validated up front: a bad value ends in one ``error:`` line and exit status 2, never in a raw
traceback, a silently changed or ignored option, or a run that reports nan after doing all the work."""
from __future__ import annotations

import argparse
import re

import numpy as np
import pytest
import torch
from test_errors import assert_not_tvm, one_line

import sepgen
from sepgen import cli
from sepgen.cli import common, main
from sepgen.cli.common import _label

ERROR_LINE = re.compile(r"^sepgen( [\w-]+)?: error: \S")


def run(argv, capsys):
    """``sepgen ARGV`` in this process: (exit status, stdout, stderr)."""
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as e:       # argparse: usage error
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


def assert_usage_error(argv, capsys, *needles):
    rc, out, err = run(argv, capsys)
    assert rc == 2, (argv, rc, out, err)
    assert "Traceback" not in err
    errors = [ln for ln in err.splitlines() if "error:" in ln]
    assert len(errors) == 1 and ERROR_LINE.match(errors[0]), err
    for n in needles:
        assert n in errors[0], (n, errors[0])
    assert "kept in PyTorch" not in out and "nan" not in out
    return errors[0]


@pytest.fixture
def weights(tmp_path):
    w = tmp_path / "w.npy"
    np.save(w, np.random.default_rng(0).standard_normal((4, 8, 3, 3)).astype(np.float32))
    b = tmp_path / "b.npy"
    np.save(b, np.zeros(4, np.float32))
    return w, b


# ---- 1. optimize validates tolerance, target, trials, reps (CLI and Python API) ------------------

@pytest.mark.parametrize("argv,needle", [
    (["--tolerance", "2"], "--tolerance"),
    (["--tolerance", "-0.1"], "--tolerance"),
    (["--target", "nosuch"], "unknown target 'nosuch'"),
    (["--trials", "-2"], "--trials"),
    (["--reps", "0"], "--reps"),
    (["--max-error", "nan"], "--max-error"),
    (["--min-speedup", "-1"], "--min-speedup"),
])
def test_optimize_cli_refuses_bad_options(argv, needle, capsys):
    assert_usage_error(["optimize", "timeseries", *argv], capsys, needle)


def _tiny_model():
    return torch.nn.Sequential(torch.nn.Conv2d(2, 2, 3, groups=2, padding=1)).eval()


@pytest.mark.parametrize("kw,exc,needle", [
    (dict(tolerance=2), sepgen.SpecError, "tolerance"),
    (dict(tolerance=1.0), sepgen.SpecError, "tolerance"),
    (dict(tolerance=float("nan")), sepgen.SpecError, "tolerance"),
    (dict(target="nosuch"), sepgen.TargetError, "'nosuch'"),
    (dict(trials=-2), sepgen.SpecError, "-2"),
    (dict(trials=1.5), sepgen.SpecError, "1.5"),
    (dict(reps=0), sepgen.SpecError, "reps"),
    (dict(max_rel_error=-1.0), sepgen.SpecError, "max_rel_error"),
    (dict(torch_threads=0), sepgen.SpecError, "torch_threads"),
])
def test_optimize_api_refuses_bad_options(kw, exc, needle):
    with pytest.raises(exc) as ei:
        sepgen.optimize(_tiny_model(), torch.randn(1, 2, 8, 8), progress=False, whole_model=False, **kw)
    assert needle in one_line(ei)
    assert_not_tvm(ei.value)
    assert isinstance(ei.value, ValueError)


def test_optimize_api_still_takes_inf_limits():
    om, rep = sepgen.optimize(_tiny_model(), torch.randn(1, 2, 8, 8), progress=False, whole_model=False, measure=False,
                              max_rel_error=float("inf"))
    assert rep.max_rel_error <= 1e-4


# ---- 2. --groups 0 is refused by every command, not turned into 1 --------------------------------

@pytest.mark.parametrize("command", ["analyze", "compile", "tune-and-compile"])
@pytest.mark.parametrize("groups", ["0", "-3"])
def test_groups_must_be_positive(command, groups, weights, capsys):
    w, _ = weights
    argv = [command, w] if command == "analyze" else [command, "--weights", w, "--input-shape", "1,8,16,16"]
    assert_usage_error([*argv, "--groups", groups], capsys, "--groups", groups)


def test_compile_groups_default_and_given(weights, tmp_path, capsys):
    w, b = weights
    rc, out, err = run(["compile", "--weights", w, "--input-shape", "1,16,8,8", "--groups", "2", "--bias", b,
                        "--log-dir", tmp_path / "nologs", "--out", tmp_path / "art"], capsys)
    assert rc == 0, err
    op = sepgen.load(tmp_path / "art")
    assert op.spec.groups == 2 and op.spec.bias
    x = torch.randn(1, 16, 8, 8)
    ref = torch.nn.functional.conv2d(x, torch.from_numpy(np.load(w)), groups=2)
    assert torch.allclose(op(x), ref, atol=1e-4, rtol=1e-4)
    # without --groups: 1 (so a (4, 8, 3, 3) weight wants 8 input channels)
    assert_usage_error(["compile", "--weights", w, "--input-shape", "1,16,8,8", "--out", tmp_path / "art2"],
                       capsys, "groups=1")


# ---- 3. options a named workload ignores are refused ---------------------------------------------

@pytest.mark.parametrize("command", ["compile", "tune-and-compile"])
@pytest.mark.parametrize("option,value", [("--input-shape", "1,2,3,4"), ("--bias", "b.npy"), ("--stride", "2"),
                                          ("--padding", "1"), ("--dilation", "2"), ("--groups", "2")])
def test_workload_refuses_spec_options(command, option, value, tmp_path, capsys):
    line = assert_usage_error([command, "mobilenet_v1_dw_0", option, value, "--out", tmp_path / "a"], capsys,
                              f"{option} cannot change the named workload mobilenet_v1_dw_0", "--weights")
    assert line.startswith("sepgen: error:")
    assert not (tmp_path / "a").exists()


# ---- 4. analyze --dtype is used --------------------------------------------------------------------

def test_analyze_dtype(capsys):
    rc, out16, _ = run(["analyze", "box:5", "--dtype", "float16"], capsys)
    assert rc == 0 and "float16" in out16.splitlines()[0]
    rc, out32, _ = run(["analyze", "box:5"], capsys)
    assert rc == 0 and "float32" in out32.splitlines()[0]
    assert out16 != out32
    help_text = cli.build_parser()._subparsers._group_actions[0].choices["analyze"].format_help()
    assert "--dtype" in help_text and "element type" in help_text


# ---- 5. counts are checked by argparse, on every command that has them ------------------------------

POSITIVE = {"batch", "reps", "groups", "keep", "top", "epochs", "rpc_timeout"}
NONNEG = {"trials", "patience", "rerank", "finetune_epochs", "tune_peers"}


def test_every_count_option_has_a_checked_type():
    parser = cli.build_parser()
    seen = set()
    for name, sub in parser._subparsers._group_actions[0].choices.items():
        for action in sub._actions:
            if action.dest in POSITIVE:
                assert action.type is common.positive_int, (name, action.dest)
            elif action.dest in NONNEG:
                assert action.type is common.nonneg_int, (name, action.dest)
            elif action.dest == "tolerance":
                assert action.type is common.tolerance_type, name
            elif action.dest == "target":
                assert action.type is common._target, name
            elif action.type is int and action.dest != "seed":
                raise AssertionError(f"{name} --{action.dest} takes any int; give it a checked type")
            seen.add(action.dest)
    assert {"batch", "reps", "trials", "groups"} <= seen


@pytest.mark.parametrize("argv,needle", [
    (["--batch", "0"], "--batch"),
    (["--batch", "-3"], "--batch"),
    (["--reps", "0"], "--reps"),
    (["--trials", "-1"], "--trials"),
    (["--patience", "-1"], "--patience"),
    (["--rerank", "-1"], "--rerank"),
    (["--rpc-timeout", "0"], "--rpc-timeout"),
    (["--roofline-stop", "-0.5"], "--roofline-stop"),
    (["--target", "nosuch"], "unknown target"),
    (["--tolerance", "1"], "--tolerance"),
])
def test_tune_and_compile_refuses_bad_counts(argv, needle, capsys):
    assert_usage_error(["tune-and-compile", "mobilenet_v1_dw_6", *argv], capsys, needle)


@pytest.mark.parametrize("argv", [["logs", "distill", "--keep", "0"], ["logs", "rerank", "--top", "0"],
                                  ["tradeoff", "--epochs", "0"], ["tradeoff", "--reps", "0"]])
def test_other_counts(argv, capsys):
    assert_usage_error(argv, capsys, argv[-2])


def test_count_types():
    assert common.positive_int("3") == 3 and common.nonneg_int("0") == 0
    for bad in ("0", "-1", "x", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            common.positive_int(bad)
    assert common.nonneg_float("inf") == float("inf")
    with pytest.raises(argparse.ArgumentTypeError):
        common.nonneg_float("nan")


# ---- 6. tensors too large for 32-bit indexing --------------------------------------------------------

@pytest.mark.parametrize("xshape,wshape,kw,what,count", [
    ((1, 16, 16, 16), (16, 1, 3, 3), dict(padding=100000, groups=16), "padded input", "640,102,404,096"),
    ((1, 16, 100000, 100000), (16, 1, 3, 3), dict(groups=16), "input", "160,000,000,000"),
    ((1, 1, 70000), (40000, 1, 3), dict(), "output", "2,799,920,000"),
    ((1, 1, 8, 8), (2**31, 1, 1, 1), dict(), "weight", "2,147,483,648"),
])
def test_huge_tensors_are_refused(xshape, wshape, kw, what, count):
    with pytest.raises(sepgen.SpecError) as ei:
        sepgen.ConvSpec.create(xshape, wshape, **kw)
    msg = one_line(ei)
    assert f"the {what} tensor" in msg and count in msg, msg


def test_largest_allowed_tensor_is_accepted():
    spec = sepgen.ConvSpec.create((1, 1, 2**31 - 1), (1, 1, 1))
    assert spec.output_shape == (1, 1, 2**31 - 1)


@pytest.mark.parametrize("argv,what", [(["--input-shape", "1,16,16,16", "--padding", "100000"], "padded input"),
                                       (["--input-shape", "1,16,100000,100000"], "input")])
def test_huge_sizes_cli(argv, what, tmp_path, capsys):
    w = tmp_path / "dw.npy"
    np.save(w, np.ones((16, 1, 3, 3), np.float32))
    line = assert_usage_error(["compile", "--weights", w, "--groups", "16", *argv, "--out", tmp_path / "a"], capsys,
                              f"the {what} tensor")
    assert "int32" not in line and "TVM" not in line


# ---- 7. paths that cannot be written -----------------------------------------------------------------

def test_unwritable_log_dir(tmp_path, capsys):
    line = assert_usage_error(["tune-and-compile", "mobilenet_v1_dw_6", "--trials", "2", "--log-dir", "/proc/logs",
                               "--out", tmp_path / "a"], capsys, "cannot write tuning logs to /proc/logs")
    assert line.startswith("sepgen: error:")


def test_unwritable_out(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    tune = ["--trials", "1", "--log-dir", tmp_path / "logs"]
    for argv in (["compile", "mobilenet_v1_dw_6"], ["tune-and-compile", "mobilenet_v1_dw_6", *tune]):
        assert_usage_error([*argv, "--out", blocker / "art"], capsys, f"cannot write artifact {blocker / 'art'}")
    assert_usage_error(["compile", "mobilenet_v1_dw_6", "--out", blocker], capsys, "refusing to overwrite")
    assert not (tmp_path / "logs").exists()       # refused before tuning started


def test_unwritable_report(tmp_path, capsys):
    assert_usage_error(["optimize", "timeseries", "--report", "/proc/nosuch/r.json"], capsys,
                       "cannot write report /proc/nosuch/r.json")
    assert_usage_error(["optimize", "timeseries", "--report", tmp_path], capsys, "it is a directory")


def test_os_errors_become_one_line(monkeypatch, capsys):
    def fail(args):
        raise PermissionError(13, "Permission denied", "/some/where")
    monkeypatch.setattr(cli.info, "cmd_workloads", fail)
    line = assert_usage_error(["workloads"], capsys, "/some/where", "Permission denied")
    assert line == "sepgen: error: cannot access /some/where: Permission denied"

    def bug(args):
        raise AttributeError("a programming error")
    monkeypatch.setattr(cli.info, "cmd_workloads", bug)
    with pytest.raises(AttributeError):
        main(["workloads"])


# ---- 8. shapes, directories, default artifact names ----------------------------------------------------

@pytest.mark.parametrize("command", ["compile", "analyze", "optimize"])
def test_negative_input_shape(command, tmp_path, capsys):
    argv = {"compile": ["compile", "--weights", "box:3"], "analyze": ["analyze", "box:3"],
            "optimize": ["optimize", "timeseries"]}[command]
    assert_usage_error([*argv, "--input-shape=-1,16,16,16"], capsys, "input shape dims must be positive")
    assert_usage_error([*argv, "--input-shape", "1,0,16,16"], capsys, "input shape dims must be positive")


def test_directory_as_weight_file(tmp_path, capsys):
    assert_usage_error(["analyze", tmp_path], capsys, f"{tmp_path} is a directory")
    assert_usage_error(["analyze", tmp_path / "missing.npy"], capsys, "does not exist")


def test_default_artifact_names_keep_the_filter_spec():
    assert _label("gaussian:7:1.5") != _label("gaussian:7:1.25")
    assert _label("gaussian:7:1.5") == "gaussian_7_1_5"
    assert _label("some/dir/weights.v2.npy") == "weights.v2"
    assert "/" not in _label("gabor:7:2:0.5")
