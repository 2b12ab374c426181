"""`sepgen analyze`, `sepgen compile` and `sepgen tune-and-compile`: one convolution from spec to artifact."""
from __future__ import annotations

from pathlib import Path

from ..tuning.robust import RERANK_TOP
from .common import (_add_conv_args, _conv_problem, _one_or_tuple, _out_path, _shape, _target, _torch_eager_fn,
                     _writable_dir, nonneg_float, nonneg_int, positive_int, resolve_weight)

# ---- commands --------------------------------------------------------------------------------

def cmd_analyze(args) -> int:
    from ..driver.compile import _dtype_of, as_weight_array
    from ..passes.report import analyze

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

    from ..driver.compile import compile_conv

    w, b, kw, label = _conv_problem(args)
    # --rpc-tracker/--rpc-key: candidates are measured on the device's RPC server
    from ..errors import TargetError
    from ..tuning.remote import RPCOptions, measure_on

    rpc = None
    if getattr(args, "rpc_tracker", None) or getattr(args, "rpc_key", None):
        if not getattr(args, "rpc_tracker", None):
            raise TargetError("--rpc-key needs --rpc-tracker HOST:PORT")
        rpc = RPCOptions.parse(args.rpc_tracker, args.rpc_key, session_timeout_sec=args.rpc_timeout)
    out = _out_path(args, label)
    from ..tuning.logs import default_log_root

    log_dir = args.log_dir or default_log_root()
    if trials > 0:
        _writable_dir(Path(log_dir), "tuning logs to")
    if header:
        print(header, flush=True)
    if rpc is not None:
        print(f"measuring on {rpc.describe()}", flush=True)
    t0 = time.time()
    opts = None
    if trials > 0:
        from ..tuning.options import TuneOptions

        opts = TuneOptions(trials=trials, seed=args.seed, progress=True, batch=args.batch,
                           roofline_fraction=args.roofline_stop if args.roofline_stop > 0 else float("inf"),
                           patience=args.patience if args.patience > 0 else 10**9, strict=args.strict, rpc=rpc,
                           rerank=args.rerank)
    with measure_on(rpc):
        op = compile_conv(w, bias=b, target=args.target, tolerance=args.tolerance, trials=trials,
                          log_dir=log_dir, dtype=args.dtype, seed=getattr(args, "seed", 0), progress=True,
                          tune_options=opts, **kw)
    return op, w, b, kw, out, time.time() - t0


def _save(op, out: Path) -> None:
    """``op.save(out)``; for a macOS target (no dylib linker here) the Mach-O object and what to do with it."""
    from ..errors import TargetError
    from ..targets.cross import darwin_message, host_os, is_foreign, target_os, write_object

    if is_foreign(op.target) and target_os(op.target) == "darwin" and host_os() != "darwin":
        obj = write_object(op, Path(f"{out}.{op.target.name}.o"))
        raise TargetError(f"wrote the kernels' Mach-O object to {obj}, but no artifact: {darwin_message(op.target)}")
    op.save(out)


def cmd_compile(args) -> int:
    op, w, b, kw, out, secs = _compile(args, trials=0)
    print(op.plan.summary())
    for i, src in sorted(op.sources.items()):
        print(f"  stage {i}: {src}")
    _save(op, out)   # was op.save(out)
    print(f"artifact: {out}  (load with sepgen.load({str(out)!r}))  built in {secs:.1f}s")
    return 0


def cmd_tune_and_compile(args) -> int:
    from ..tuning.logs import default_log_root

    header = (f"sepgen {args.workload or args.weights}: target {args.target}, {args.trials} trials per stage, "
              f"seed {args.seed}")
    op, w, b, kw, out, secs = _compile(args, trials=args.trials, header=header)
    print(op.plan.summary())
    _save(op, out)   # was op.save(out)
    if op.target.is_native:
        import torch

        x = torch.randn(op.spec.input_shape, dtype=getattr(torch, op.spec.dtype))
        torch.set_num_threads(op.target.num_cores)
        from ..runtime.timing import time_rounds

        # alternating blocks, PyTorch in its default OpenMP set-up (see sepgen.runtime.timing.time_rounds)
        with torch.inference_mode():
            med = time_rounds([("sepgen", lambda: op(x)), ("torch", _torch_eager_fn(op, w, b))], args.reps)
        ours, theirs = med["sepgen"] * 1e6, med["torch"] * 1e6
        print(f"latency: sepgen {ours:.1f} us, PyTorch eager {theirs:.1f} us ({theirs / ours:.2f}x), "
              f"{torch.get_num_threads()} threads, median of {args.reps}")
    print(f"artifact: {out}")
    print(f"tuning log: {args.log_dir or default_log_root()}  ({secs:.0f}s tuning and compiling)")
    return 0


def add_parsers(sub) -> None:
    """`sepgen analyze`, `sepgen compile`, `sepgen tune-and-compile`."""
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
            # measuring on another machine (docs/arm.md)
            c.add_argument("--rpc-tracker", default=None, metavar="HOST:PORT",
                           help="measure candidates on TVM RPC servers registered at this tracker (e.g. a "
                                "Raspberry Pi running python -m tvm.exec.rpc_server --tracker HOST:PORT --key KEY)")
            c.add_argument("--rpc-key", default=None, metavar="KEY", help="the device key of the RPC servers")
            c.add_argument("--rpc-timeout", type=positive_int, default=60, metavar="SEC",
                           help="time limit of one measurement session (default 60)")
        c.set_defaults(fn=fn)
