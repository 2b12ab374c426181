"""The ``sepgen`` command line.

    sepgen analyze WEIGHT|FILTER          rank analysis and candidate plans of a weight
    sepgen compile WORKLOAD|--weights F   build (replaying tuning logs) into an artifact directory
    sepgen tune-and-compile ...           tune with MetaSchedule, then compile; compares with PyTorch
    sepgen bench SUITE                    benchmarks against PyTorch, OpenCV, SciPy, MetaSchedule
    sepgen logs list|show|verify|distill|rerank  inspect and maintain tuning logs
    sepgen workloads | targets            the named workload table and target presets

Every user mistake exits with status 2 and one line ``sepgen: error: ...``: a bad value (argparse, or a
:class:`SepgenError` from the library) or a path that cannot be written (an ``OSError``; ``--out``, the
tuning-log directory and ``--report`` are checked before any long work starts).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import warnings
from pathlib import Path

from .errors import SepgenError, SpecError, WeightError


# ---- helpers ---------------------------------------------------------------------------------

def _ints(text: str) -> tuple[int, ...]:
    try:
        vals = tuple(int(v) for v in text.replace("x", ",").split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected integers like 1,3,224,224, got {text!r}") from None
    if not vals:
        raise argparse.ArgumentTypeError(f"expected integers, got {text!r}")
    return vals


def _int_at_least(lo: int):
    """An argparse type: an integer >= ``lo`` (a count that cannot be negative or zero)."""
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if v < lo:
            raise argparse.ArgumentTypeError(f"must be an integer >= {lo}, got {v}")
        return v
    parse.__name__ = "positive_int" if lo == 1 else "nonneg_int" if lo == 0 else f"int_at_least_{lo}"
    return parse


positive_int = _int_at_least(1)
nonneg_int = _int_at_least(0)


def _float_in(lo: float, hi: float = math.inf, hi_open: bool = True, name: str = "number"):
    """An argparse type: a float in ``[lo, hi)`` (``[lo, hi]`` with ``hi_open=False``); never nan, and inf only
    without an upper bound."""
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if hi == math.inf:
            ok = v >= lo                            # inf allowed (e.g. --max-error inf: no limit), nan not
        else:
            ok = math.isfinite(v) and v >= lo and (v < hi if hi_open else v <= hi)
        if not ok:
            rng = f">= {lo:g}" if hi == math.inf else f"in [{lo:g}, {hi:g}{')' if hi_open else ']'}"
            raise argparse.ArgumentTypeError(f"must be a {name} {rng}, got {text!r}")
        return v
    parse.__name__ = name.replace(" ", "_")
    return parse


tolerance_type = _float_in(0.0, 1.0, name="tolerance")
nonneg_float = _float_in(0.0, name="number")


def _shape(text: str) -> tuple[int, ...]:
    """An input shape: positive integers like 1,3,224,224."""
    vals = _ints(text)
    if any(v < 1 for v in vals):
        raise argparse.ArgumentTypeError(f"input shape dims must be positive, got {text!r}")
    return vals


def _target(text: str) -> str:
    """A target preset name (checked against `sepgen targets`; the name itself is kept)."""
    from .errors import TargetError
    from .targets import get_target

    if text == "host":          # always a preset (argparse also runs this on the default)
        return text
    try:
        get_target(text)
    except TargetError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def _padding(text: str):
    if text in ("same", "valid"):
        return text
    vals = _ints(text)
    return vals[0] if len(vals) == 1 else vals


def _one_or_tuple(vals):
    return vals[0] if len(vals) == 1 else vals


def load_weight_file(path: str, what: str = "weight"):
    """Read a .npy (no pickle) or .pt (torch.load weights_only) file into a numpy array."""
    import numpy as np

    p = Path(path)
    if p.is_dir():
        raise WeightError(f"{what} file {path} is a directory")
    if not p.exists():
        raise WeightError(f"{what} file {path} does not exist")
    if not p.is_file():
        raise WeightError(f"{what} file {path} is not a regular file")
    suffix = p.suffix.lower()
    try:
        if suffix == ".npy":
            return np.load(p, allow_pickle=False)
        if suffix in (".pt", ".pth"):
            import torch

            obj = torch.load(p, map_location="cpu", weights_only=True)
            if isinstance(obj, dict):
                tensors = {k: v for k, v in obj.items() if hasattr(v, "shape")}
                if what == "weight" and "weight" in tensors:
                    obj = tensors["weight"]
                elif what == "bias" and "bias" in tensors:
                    obj = tensors["bias"]
                elif len(tensors) == 1:
                    obj = next(iter(tensors.values()))
                else:
                    raise WeightError(f"{path} holds {sorted(tensors)}; expected a tensor or a dict with '{what}'")
            if not hasattr(obj, "detach"):
                raise WeightError(f"{path} does not hold a tensor")
            return obj.detach().cpu().numpy()
    except SepgenError:
        raise
    except Exception as e:
        raise WeightError(f"cannot read {what} file {path}: {type(e).__name__}: {str(e).splitlines()[0][:200]}") \
            from None
    raise WeightError(f"{what} file {path}: unsupported extension {suffix!r} (use .npy or .pt)")


def _is_weight_file(text: str) -> bool:
    """Whether ``text`` names a weight file (else it is a named filter such as ``gaussian:7:1.5``)."""
    return Path(text).suffix.lower() in (".npy", ".pt", ".pth") or Path(text).exists()


def _label(text: str) -> str:
    """The default artifact name of ``--weights text``: a file's stem, or the whole filter spec
    (``gaussian:7:1.5`` -> ``gaussian_7_1_5``, so ``gaussian:7:1.25`` does not land in the same directory)."""
    if _is_weight_file(text):
        return Path(text).stem.replace(":", "_")
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)


def resolve_weight(text: str):
    """A weight file path or a named filter (``gaussian:7:1.5``)."""
    if _is_weight_file(text):
        return load_weight_file(text)
    from .filters import named_filter

    return named_filter(text)


def _add_conv_args(p: argparse.ArgumentParser, workload: bool = True) -> None:
    if workload:
        p.add_argument("workload", nargs="?", help="a name from `sepgen workloads` (or use --weights)")
        p.add_argument("--weights", help="weight file (.npy or .pt) or a named filter such as gaussian:7:1.5")
        p.add_argument("--bias", help="bias file (.npy or .pt) (with --weights)")
        p.add_argument("--input-shape", type=_shape, help="input shape, e.g. 1,3,224,224 (with --weights)")
    spec_only = " (with --weights)" if workload else ""
    p.add_argument("--stride", type=_ints, default=None, help=f"stride (int or per-axis, e.g. 2 or 1,2){spec_only}")
    p.add_argument("--padding", type=_padding, default=None,
                   help=f"padding: int, per-axis ints, same or valid{spec_only}")
    p.add_argument("--dilation", type=_ints, default=None, help=f"dilation (int or per-axis){spec_only}")
    p.add_argument("--groups", type=positive_int, default=None,
                   help=f"groups (C_in for depthwise; default 1){spec_only}")
    p.add_argument("--tolerance", type=tolerance_type, default=0.0,
                   help="relative weight error allowed for low-rank rewrites, in [0, 1) (default 0: exact only)")
    p.add_argument("--dtype", choices=["float32", "float16"], default=None,
                   help="element type (default: float16 for a float16 weight, else float32)")


def _conv_problem(args):
    """(weight, bias, compile kwargs, label) from a workload name or --weights."""
    from .workloads import get_workload

    if args.workload and args.weights:
        raise WeightError("give a workload name or --weights, not both")
    if args.workload:
        wl = get_workload(args.workload)
        w, b = wl.weights(seed=0)
        kw = wl.compile_args()
        for name in ("input_shape", "bias", "stride", "padding", "dilation", "groups"):
            v = getattr(args, name, None)
            if v is not None:
                raise WeightError(f"--{name.replace('_', '-')} cannot change the named workload {wl.name}; "
                                  "use --weights")
        return w, b, kw, wl.name
    if not args.weights:
        raise WeightError("name a workload (see `sepgen workloads`) or pass --weights FILE --input-shape ...")
    w = resolve_weight(args.weights)
    b = load_weight_file(args.bias, "bias") if args.bias else None
    if args.input_shape is None:
        raise WeightError("--input-shape is required with --weights (e.g. --input-shape 1,3,224,224)")
    kw = {"input_shape": args.input_shape,
          "stride": _one_or_tuple(args.stride) if args.stride else 1,
          "padding": args.padding if args.padding is not None else 0,
          "dilation": _one_or_tuple(args.dilation) if args.dilation else 1,
          "groups": args.groups if args.groups is not None else 1}
    return w, b, kw, _label(args.weights)


def _writable_dir(path: Path, what: str, shown=None) -> None:
    """Create directory ``path`` (and its parents) and check a file can be made in it, before any long work:
    a :class:`SepgenError` ``cannot write WHAT SHOWN: REASON`` otherwise (``shown`` defaults to ``path``)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".sepgen-probe.", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        shown = path if shown is None else shown
        where = f" ({e.filename})" if e.filename and str(e.filename) != str(shown) else ""
        raise SepgenError(f"cannot write {what} {shown}: {e.strerror or e}{where}") from None


def _writable_file(path, what: str) -> None:
    """Check file ``path`` can be written (its directory is created) before any long work."""
    p = Path(path)
    if p.is_dir():
        raise SepgenError(f"cannot write {what} {p}: it is a directory")
    _writable_dir(p.parent, what, shown=p)


def _out_path(args, label: str) -> Path:
    """``--out`` (or out/<label>), checked before any tuning or building: its directory is writable and
    nothing but a sepgen artifact or an empty directory lies there (which saving would refuse to replace)."""
    from .artifact import _check_destination

    out = Path(args.out or f"out/{label}")
    _check_destination(out)
    _writable_dir(out.parent, "artifact", shown=out)
    return out


def _torch_eager_fn(op, w, b):
    """F.conv*d on the same shapes and weights as ``op``: a zero-argument callable."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    spec = op.spec
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[spec.ndim]
    x = torch.randn(spec.input_shape, dtype=getattr(torch, spec.dtype))
    wt = torch.from_numpy(np.asarray(w, dtype=spec.dtype))
    bt = torch.from_numpy(np.asarray(b, dtype=spec.dtype)) if b is not None else None
    pad = spec.torch_padding()
    flat = []
    for lo, hi in reversed(spec.padding):
        flat += [lo, hi]

    def run():
        xx = x if pad is not None else F.pad(x, flat)
        return conv(xx, wt, bt, spec.stride, pad if pad is not None else 0, spec.dilation, spec.groups)
    return run


# ---- commands --------------------------------------------------------------------------------

def cmd_analyze(args) -> int:
    from .analysis import analyze
    from .api import _dtype_of, as_weight_array

    w = resolve_weight(args.weight)
    kw = {}
    if args.input_shape:
        kw["input_shape"] = args.input_shape
    for name in ("stride", "dilation"):
        v = getattr(args, name)
        if v is not None:
            kw[name] = _one_or_tuple(v)
    if args.padding is not None:
        kw["padding"] = args.padding
    if args.groups is not None:
        kw["groups"] = args.groups
    kw["dtype"] = _dtype_of(as_weight_array(w), args.dtype)     # as compile_conv chooses it
    report = analyze(w, tolerance=args.tolerance, **kw)
    print(report.format())
    return 0


def _compile(args, trials: int, header: str = ""):
    """Build (tuning first with ``trials`` > 0); every argument is checked and ``--out`` and the tuning-log
    directory are known to be writable before any tuning or building starts."""
    import time

    from .api import compile_conv

    w, b, kw, label = _conv_problem(args)
    # --- ARM issue: --rpc-tracker/--rpc-key: candidates are measured on the device's RPC server ---
    from .errors import TargetError
    from .remote import RPCOptions, measure_on

    rpc = None
    if getattr(args, "rpc_tracker", None) or getattr(args, "rpc_key", None):
        if not getattr(args, "rpc_tracker", None):
            raise TargetError("--rpc-key needs --rpc-tracker HOST:PORT")
        rpc = RPCOptions.parse(args.rpc_tracker, args.rpc_key, session_timeout_sec=args.rpc_timeout)
    # --- end ARM issue ---
    out = _out_path(args, label)
    from .logs import default_log_root

    log_dir = args.log_dir or default_log_root()
    if trials > 0:
        _writable_dir(Path(log_dir), "tuning logs to")
    if header:
        print(header, flush=True)
    if rpc is not None:
        print(f"measuring on {rpc.describe()}", flush=True)
    t0 = time.time()
    # --- ARM issue ---
    opts = None
    if trials > 0:
        from .tune import TuneOptions

        opts = TuneOptions(trials=trials, seed=args.seed, progress=True, batch=args.batch,
                           roofline_fraction=args.roofline_stop if args.roofline_stop > 0 else float("inf"),
                           patience=args.patience if args.patience > 0 else 10**9, strict=args.strict, rpc=rpc,
                           rerank=args.rerank)
    with measure_on(rpc):
        op = compile_conv(w, bias=b, target=args.target, tolerance=args.tolerance, trials=trials,
                          log_dir=log_dir, dtype=args.dtype, seed=getattr(args, "seed", 0), progress=True,
                          tune_options=opts, **kw)
    # --- end ARM issue ---
    return op, w, b, kw, out, time.time() - t0


def _save(op, out: Path) -> None:
    """``op.save(out)``; for a macOS target (no dylib linker here) the Mach-O object and what to do with it."""
    # --- ARM issue ---
    from .cross import darwin_message, host_os, is_foreign, target_os, write_object
    from .errors import TargetError

    if is_foreign(op.target) and target_os(op.target) == "darwin" and host_os() != "darwin":
        obj = write_object(op, Path(f"{out}.{op.target.name}.o"))
        raise TargetError(f"wrote the kernels' Mach-O object to {obj}, but no artifact: {darwin_message(op.target)}")
    # --- end ARM issue ---
    op.save(out)


def cmd_compile(args) -> int:
    op, w, b, kw, out, secs = _compile(args, trials=0)
    print(op.plan.summary())
    for i, src in sorted(op.sources.items()):
        print(f"  stage {i}: {src}")
    _save(op, out)   # ARM issue: was op.save(out)
    print(f"artifact: {out}  (load with sepgen.load({str(out)!r}))  built in {secs:.1f}s")
    return 0


def cmd_tune_and_compile(args) -> int:
    from .logs import default_log_root

    header = (f"sepgen {args.workload or args.weights}: target {args.target}, {args.trials} trials per stage, "
              f"seed {args.seed}")
    op, w, b, kw, out, secs = _compile(args, trials=args.trials, header=header)
    print(op.plan.summary())
    _save(op, out)   # ARM issue: was op.save(out)
    if op.target.is_native:
        import torch

        x = torch.randn(op.spec.input_shape, dtype=getattr(torch, op.spec.dtype))
        torch.set_num_threads(op.target.num_cores)
        from .bench import time_rounds

        # alternating blocks, PyTorch in its default OpenMP set-up (see sepgen.bench.time_rounds)
        with torch.inference_mode():
            med = time_rounds([("sepgen", lambda: op(x)), ("torch", _torch_eager_fn(op, w, b))], args.reps)
        ours, theirs = med["sepgen"] * 1e6, med["torch"] * 1e6
        print(f"latency: sepgen {ours:.1f} us, PyTorch eager {theirs:.1f} us ({theirs / ours:.2f}x), "
              f"{torch.get_num_threads()} threads, median of {args.reps}")
    print(f"artifact: {out}")
    print(f"tuning log: {args.log_dir or default_log_root()}  ({secs:.0f}s tuning and compiling)")
    return 0


def cmd_optimize(args) -> int:
    """Optimize a whole model: a torch.export program (.pt2) or an example network of sepgen.models."""
    import torch

    from .modelopt import optimize
    from .models import EXAMPLES

    src = args.model
    if args.report:
        _writable_file(args.report, "report")
    if src in EXAMPLES:
        ctor, shape = EXAMPLES[src]
        torch.manual_seed(args.seed)
        model = ctor().eval()
        shape = tuple(args.input_shape) if args.input_shape else shape
    else:
        path = Path(src)
        if not path.exists():
            raise SpecError(f"{src}: no such file, and not an example model ({', '.join(EXAMPLES)})")
        if not args.input_shape:
            raise SpecError("--input-shape is required for a model file (e.g. --input-shape 1,3,224,224)")
        shape = tuple(args.input_shape)
        import logging

        quiet = logging.getLogger("torch.export")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)   # torch logs a traceback before raising; the one-line error says it
        try:
            model = torch.export.load(str(path))
        except Exception as e:   # noqa: BLE001 - whatever the file is, say what it is not
            hint = " (TorchScript files are not supported: save the model with torch.export.save)" \
                if path.suffix in (".pt", ".pth", ".ts") else ""
            raise SpecError(f"{src}: not a torch.export program: {type(e).__name__}: {str(e)[:200]}{hint}") from None
        finally:
            quiet.setLevel(level)
    x = torch.randn(shape)
    print(f"sepgen optimize {src}: input {'x'.join(map(str, shape))}, target {args.target}, tolerance "
          f"{args.tolerance:g}, {args.trials} trials per kernel", flush=True)
    from .logs import default_log_root

    _, report = optimize(model, x, target=args.target, tolerance=args.tolerance, trials=args.trials,
                         log_dir=args.log_dir or default_log_root(), seed=args.seed, progress=True,
                         max_rel_error=args.max_error, reps=args.reps, min_speedup=args.min_speedup or None)
    print(report)
    if args.report:
        report.save(args.report)
        print(f"report: {args.report}")
    return 0


def cmd_tradeoff(args) -> int:
    from .tradeoff import report

    if args.json:
        _writable_file(args.json, "results")
    return report(args)


def cmd_workloads(args) -> int:
    from .workloads import WORKLOADS

    for w in WORKLOADS.values():
        print(f"{w.name:24s} {w.suite:14s} {w.description}")
    return 0


def cmd_targets(args) -> int:
    from .targets import get_target, preset_names

    for name in preset_names():
        t = get_target(name)
        print(f"{name:14s} {t.family:5s} {t.key():28s} {t.description}")
    return 0


def cmd_logs(args) -> int:
    from . import logtool

    return logtool.run(args)


def cmd_bench(args) -> int:
    from .bench import run_cli

    if args.json:
        _writable_file(args.json, "results")
    return run_cli(args)


def build_parser() -> argparse.ArgumentParser:
    from .robust import RERANK_TOP
    from .version import __version__

    p = argparse.ArgumentParser(prog="sepgen", description="Compile and auto-tune separable, depthwise and "
                                "factorized convolutions with TVM.")
    p.add_argument("--version", action="version", version=f"sepgen {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    a = sub.add_parser("analyze", help="rank analysis and candidate plans of a weight or named filter")
    a.add_argument("weight", help="weight file (.npy, .pt) or filter: gaussian:7:1.5, gaussian3d:7:1.5, sobel, "
                                  "box:5, laplacian, ...")
    a.add_argument("--input-shape", type=_shape, help="input shape (default: batch 1, 64 per spatial axis)")
    _add_conv_args(a, workload=False)
    a.set_defaults(fn=cmd_analyze)

    for name, fn, helptext in (("compile", cmd_compile, "build an artifact, replaying tuning logs"),
                               ("tune-and-compile", cmd_tune_and_compile,
                                "tune every stage with MetaSchedule, build, and compare with PyTorch")):
        c = sub.add_parser(name, help=helptext)
        _add_conv_args(c)
        c.add_argument("--target", type=_target, default="host",
                       help="target preset (see `sepgen targets`; default host)")
        c.add_argument("--log-dir", default=None, help="tuning-log root (default: the repo's tuning_logs/)")
        c.add_argument("--out", default=None, help="artifact directory (default out/<workload>)")
        if name == "tune-and-compile":
            c.add_argument("--trials", type=nonneg_int, default=64,
                           help="MetaSchedule trials per stage (default 64; 0: replay the logs)")
            c.add_argument("--seed", type=int, default=0, help="random seed of the search (default 0)")
            c.add_argument("--reps", type=positive_int, default=50,
                           help="timing repetitions for the final comparison (default 50)")
            c.add_argument("--batch", type=positive_int, default=16,
                           help="candidates measured per batch (a killed run loses at most one batch)")
            c.add_argument("--roofline-stop", type=nonneg_float, default=0.9, metavar="FRACTION",
                           help="stop a stage once it reaches this fraction of its roofline (0: never)")
            c.add_argument("--patience", type=nonneg_int, default=4,
                           help="stop a stage after this many batches without improvement (0: never)")
            c.add_argument("--rerank", type=nonneg_int, default=RERANK_TOP, metavar="N",
                           help="after the search, re-time the N fastest records at several depths of the "
                                f"caller's stack and replay the fastest on average (default {RERANK_TOP}; "
                                "0: the tuner's fastest; see `sepgen logs rerank`)")
            c.add_argument("--strict", action="store_true",
                           help="stop at the first candidate that fails to build or run, or computes a wrong "
                                "result (debugging)")
            # --- ARM issue: measuring on another machine (docs/arm.md) ---
            c.add_argument("--rpc-tracker", default=None, metavar="HOST:PORT",
                           help="measure candidates on TVM RPC servers registered at this tracker (e.g. a "
                                "Raspberry Pi running python -m tvm.exec.rpc_server --tracker HOST:PORT --key KEY)")
            c.add_argument("--rpc-key", default=None, metavar="KEY", help="the device key of the RPC servers")
            c.add_argument("--rpc-timeout", type=positive_int, default=60, metavar="SEC",
                           help="time limit of one measurement session (default 60)")
            # --- end ARM issue ---
        c.set_defaults(fn=fn)

    o = sub.add_parser("optimize", help="optimize every convolution of a model and report per layer")
    o.add_argument("model", help="a torch.export program (.pt2, from torch.export.save) or an example network: "
                                 "mobilenet_v1, mobilenet_v2, mbconv, dwunet, timeseries, hyperspectral, "
                                 "gaussian2d, gaussian3d")
    o.add_argument("--input-shape", type=_shape, default=None, help="example input shape, e.g. 1,3,224,224")
    o.add_argument("--target", type=_target, default="host", help="target preset (see `sepgen targets`; default host)")
    o.add_argument("--tolerance", type=tolerance_type, default=0.0,
                   help="relative weight error a layer's factorization may have, in [0, 1) (default 0: exact only)")
    o.add_argument("--max-error", type=nonneg_float, default=None,
                   help="fail when the model's output differs more than this (default 1e-4 when exact)")
    o.add_argument("--trials", type=nonneg_int, default=0, help="MetaSchedule trials per distinct kernel (default 0: "
                                                          "replay the logs, else the templates' defaults)")
    o.add_argument("--log-dir", default=None, help="tuning-log root (default: the repo's tuning_logs/)")
    o.add_argument("--seed", type=int, default=0)
    o.add_argument("--report", default=None, help="write the per-layer report here (JSON)")
    o.add_argument("--reps", type=positive_int, default=30,
                   help="whole-model timing repetitions, each model (alternating blocks; medians)")
    o.add_argument("--min-speedup", type=nonneg_float, default=1.0,
                   help="keep a layer in PyTorch unless its sepgen kernel is this many times faster than the "
                        "PyTorch ops it replaces, timed as they run in the optimized model (default 1; "
                        "0 replaces every layer that compiles)")
    o.set_defaults(fn=cmd_optimize)

    td = sub.add_parser("tradeoff", help="accuracy vs speed of lossy factorization on a CNN trained on real digits")
    td.add_argument("--tolerances", default="0,0.05,0.1,0.2,0.3,0.45,0.6",
                    help="relative weight-error budgets to try (comma-separated)")
    td.add_argument("--epochs", type=positive_int, default=12, help="training epochs of the original CNN")
    td.add_argument("--finetune-epochs", type=nonneg_int, default=2,
                    help="fine-tune the factors of lossy settings this many epochs (0: no)")
    td.add_argument("--seed", type=int, default=0)
    td.add_argument("--reps", type=positive_int, default=20, help="timed repetitions (median reported)")
    td.add_argument("--json", default=None, help="write results here (plot and markdown table beside it)")
    td.set_defaults(fn=cmd_tradeoff)

    w = sub.add_parser("workloads", help="list the named workloads")
    w.set_defaults(fn=cmd_workloads)
    t = sub.add_parser("targets", help="list the target presets")
    t.set_defaults(fn=cmd_targets)

    lg = sub.add_parser("logs", help="inspect and maintain tuning logs")
    lg.add_argument("action", choices=["list", "show", "verify", "distill", "rerank"],
                    help="rerank: re-time each log's best records here at several caller stack depths and "
                         "make replay use the fastest on average (this machine's target only)")
    lg.add_argument("path", nargs="?", help="a log root, a target-key directory or one workload's log "
                                            "(default tuning_logs/); a path that holds no logs is an error (exit 2)")
    lg.add_argument("--keep", type=positive_int, default=1,
                    help="distill: records kept per workload (default 1; the record replay uses is kept as well)")
    lg.add_argument("--top", type=positive_int, default=RERANK_TOP,
                    help=f"rerank: how many of the fastest records to re-time (default {RERANK_TOP})")
    lg.set_defaults(fn=cmd_logs)

    b = sub.add_parser("bench", help="benchmarks against the peers a user would pick")
    b.add_argument("suite", help="dw-mobilenet, dwpw, gauss2d, gauss3d, hyperspectral, ts1d or all")
    b.add_argument("--json", default=None, help="write the results here (a PNG plot goes beside it)")
    b.add_argument("--reps", type=positive_int, default=30, help="timed repetitions per kernel (median reported)")
    b.add_argument("--target", type=_target, default="host")
    b.add_argument("--log-dir", default=None)
    b.add_argument("--tune-peers", type=nonneg_int, default=None, metavar="N",
                   help="instead of benchmarking, tune the MetaSchedule peer logs with N trials (0: as many as "
                        "sepgen's own log)")
    b.set_defaults(fn=cmd_bench)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # OpenMP's wait policy is left as PyTorch users have it: every timing here alternates blocks of calls
    # (sepgen.bench.time_rounds), so neither library is billed for the other's spinning thread pool, and
    # OMP_WAIT_POLICY=PASSIVE (which this command once set) made PyTorch's own calls 2-4x slower.
    with warnings.catch_warnings():
        # a warning (no tuning record, a stale log) is one line for a CLI user, not a Python source line
        warnings.showwarning = _show_warning
        try:
            return _run(args)
        except KeyboardInterrupt:
            print("sepgen: interrupted (tuning records already written are kept)", file=sys.stderr)
            return 130


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"sepgen: warning: {message}", file=file if file is not None else sys.stderr)


def _run(args) -> int:
    try:
        return int(args.fn(args) or 0)
    except SepgenError as e:
        print(f"sepgen: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        # a file the command writes or reads (an artifact, a tuning log, a report) that the file system refuses:
        # paths are checked before long work starts, this catches the rest (a disk that fills up, a race)
        if e.filename is not None:
            print(f"sepgen: error: cannot access {e.filename}: {e.strerror or e}", file=sys.stderr)
        else:
            print(f"sepgen: error: {e.strerror or e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
