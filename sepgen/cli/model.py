"""`sepgen compile-model` and `sepgen run-model`: a whole model as one compiled program."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import SpecError, TargetError
from .common import _shape, _target, _writable_dir, _writable_file, duration, nonneg_int, positive_int, tolerance_type
from .optimize import load_model_source


def _median_us(fn, x, reps: int, warmup: int = 5) -> float:
    import statistics
    import time

    for _ in range(warmup):
        fn(x)
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn(x)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts) * 1e6


def cmd_compile_model(args) -> int:
    import torch

    from ..graph.compile import compile_model

    out = Path(args.out)
    _writable_dir(out, "--out")
    if args.report:
        _writable_file(args.report, "report")
    model, shape = load_model_source(args.model, args.input_shape, args.seed)
    torch.manual_seed(args.seed)
    x = torch.randn(shape)
    if args.time_budget and args.trials:
        raise SpecError("give --trials or --time-budget, not both (a time budget allocates the trials itself)")
    tuning = (f"tuning for {args.time_budget:.0f} s" if args.time_budget
              else f"{args.trials} trials per distinct kernel")
    print(f"sepgen compile-model {args.model}: input {'x'.join(map(str, shape))}, target {args.target}, "
          f"tolerance {args.tolerance:g}, {tuning}", flush=True)
    from ..tuning.remote import RPCOptions, measure_on

    rpc = None
    if args.rpc_tracker or args.rpc_key:
        if not args.rpc_tracker:
            raise TargetError("--rpc-key needs --rpc-tracker HOST:PORT")
        rpc = RPCOptions.parse(args.rpc_tracker, args.rpc_key, session_timeout_sec=args.rpc_timeout)
    with measure_on(rpc):
        prog = compile_model(model, (x,), target=args.target, tolerance=args.tolerance, trials=args.trials,
                             log_dir=args.log_dir, progress=True, seed=args.seed, time_budget=args.time_budget)
    if prog.runnable and not args.no_timing:
        print("timing each kernel on its own ...", flush=True)
        prog.profile()
    print(prog.report.format())
    if prog.runnable and not args.no_timing:
        net = model.module() if isinstance(model, torch.export.ExportedProgram) else model
        threads = torch.get_num_threads()
        torch.set_num_threads(int(prog.target.num_cores))
        try:
            with torch.no_grad():
                # alternate blocks of calls, so that neither runtime's spinning pool is billed to the other
                eager, ours = [], []
                for _ in range(3):
                    eager.append(_median_us(net, x, args.reps))
                    ours.append(_median_us(prog, x, args.reps))
        finally:
            torch.set_num_threads(threads)
        e, s = sorted(eager)[1], sorted(ours)[1]
        print(f"whole model: sepgen {s / 1000:.2f} ms, PyTorch eager {e / 1000:.2f} ms ({e / s:.2f}x), "
              f"medians of {args.reps} calls x 3 alternating rounds, {prog.target.num_cores} threads")
    prog.save(out)
    if args.report:
        import json

        Path(args.report).write_text(json.dumps(prog.report.to_dict(), indent=2) + "\n")
        print(f"report: {args.report}")
    print(f"program: {out} (load it with sepgen.load_model({str(out)!r}) or `sepgen run-model {out} --input X.npy`)")
    return 0


def cmd_run_model(args) -> int:
    import numpy as np
    import torch

    from ..graph.program import load_model

    prog = load_model(args.program)
    if args.input:
        try:
            arr = np.load(args.input, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise SpecError(f"{args.input}: not a .npy array: {e}") from None
    else:
        rng = np.random.default_rng(args.seed)
        arr = rng.standard_normal(prog.input_shapes[0]).astype(prog.input_dtypes[0])
        print(f"no --input: a random {'x'.join(map(str, arr.shape))} input (seed {args.seed})", file=sys.stderr)
    if args.output:
        _writable_file(args.output, "output")
    y = prog(torch.from_numpy(np.ascontiguousarray(arr)))
    ys = y if isinstance(y, tuple) else (y,)
    for i, t in enumerate(ys):
        line = f"output {i}: shape {'x'.join(map(str, t.shape))}, dtype {str(t.dtype).replace('torch.', '')}"
        if t.ndim == 2 and t.shape[-1] > 1:
            top = torch.topk(t[0], min(5, t.shape[-1]))
            line += ", top-5 " + ", ".join(f"{int(i)} ({float(v):.3g})" for v, i in zip(top.values, top.indices))
        print(line)
    if args.output:
        np.save(args.output, ys[0].numpy())
        print(f"saved: {args.output}")
    if args.reps:
        x = torch.from_numpy(np.ascontiguousarray(arr))
        print(f"latency: {_median_us(prog, x, args.reps) / 1000:.3f} ms (median of {args.reps} calls)")
    return 0


def add_parsers(sub) -> None:
    """`sepgen compile-model`, `sepgen run-model`."""
    c = sub.add_parser("compile-model", help="compile a whole model into one program (Relax VM) and save it")
    c.add_argument("model", help="a torch.export program (.pt2) or an example network of sepgen.models "
                                 "(mobilenet_v2, mobilenet_v3_large, efficientnet_b0, convnext_tiny, regnet_y_400mf, ...)")
    c.add_argument("--input-shape", type=_shape, default=None, help="input shape, e.g. 1,3,224,224 "
                                                                     "(default: the example's)")
    c.add_argument("--target", type=_target, default="host", help="target preset (see `sepgen targets`; default host)")
    c.add_argument("--tolerance", type=tolerance_type, default=0.0,
                   help="relative weight error a convolution's factorization may have (default 0: exact only)")
    c.add_argument("--trials", type=nonneg_int, default=0,
                   help="MetaSchedule trials per distinct kernel (default 0: template defaults, or --log-dir's records)")
    c.add_argument("--time-budget", type=duration, default=None, metavar="DURATION",
                   help="tune the whole model for this long (90s, 20m, 1h30m) instead of --trials: each distinct "
                        "kernel's settings measured in order of its share of the model's time, logged as they "
                        "go (a rerun or a killed run resumes); capture and build come on top")
    c.add_argument("--rpc-tracker", default=None, metavar="HOST:PORT",
                   help="measure tuning candidates on the RPC servers registered at this tracker (several "
                        "servers under one key share the work; python -m tvm.exec.rpc_server --tracker "
                        "HOST:PORT --key KEY on each)")
    c.add_argument("--rpc-key", default=None, metavar="KEY", help="the device key of the RPC servers")
    c.add_argument("--rpc-timeout", type=positive_int, default=60, metavar="SEC",
                   help="seconds one measurement session may take (default 60)")
    c.add_argument("--log-dir", default=None, help="tuning logs to replay and extend (default with --time-budget: "
                                                   "the user's log directory, see `sepgen logs`)")
    c.add_argument("--out", required=True, help="directory the program is saved to (written atomically)")
    c.add_argument("--report", default=None, help="write the per-layer report as JSON")
    c.add_argument("--reps", type=positive_int, default=50,
                   help="calls per timing round against PyTorch eager (default 50)")
    c.add_argument("--no-timing", action="store_true", help="do not time the program (per kernel, and whole against PyTorch eager)")
    c.add_argument("--seed", type=nonneg_int, default=0, help="seed of the example's weights and input")
    c.set_defaults(fn=cmd_compile_model)

    r = sub.add_parser("run-model", help="run a program saved by compile-model")
    r.add_argument("program", help="the directory compile-model wrote")
    r.add_argument("--input", default=None, help="input array (.npy); default: random of the program's shape")
    r.add_argument("--output", default=None, help="save the (first) output as .npy")
    r.add_argument("--reps", type=positive_int, default=None, help="also time this many calls (default: no timing)")
    r.add_argument("--seed", type=nonneg_int, default=0, help="seed of the random input")
    r.set_defaults(fn=cmd_run_model)
