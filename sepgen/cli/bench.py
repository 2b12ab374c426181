"""`sepgen bench`: runs a workload suite against its peers."""
from __future__ import annotations

from ..bench.suite import run_suite, suite_workloads, tune_peers
from ..errors import SpecError
from .common import _target, _writable_file, nonneg_int, positive_int

MODEL_OPTIONS = ("models", "runtimes", "rounds", "input_size", "threads")


def _csv(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(",") if t.strip())


def run_models_cli(args) -> int:
    """``sepgen bench models``: whole models, each runtime in its own process."""
    from ..bench.models import MODELS, RUNTIMES, format_results, models_log_root, run_models

    if getattr(args, "tune_peers", None) is not None:
        raise SpecError("--tune-peers applies to the kernel suites, not to `bench models`")
    results = run_models(models=args.models or MODELS, runtimes=args.runtimes or RUNTIMES,
                         size=args.input_size or 224, reps=args.reps or 100, rounds=args.rounds or 3,
                         threads=args.threads or 2, log_dir=args.log_dir or models_log_root(), target=args.target,
                         json_path=args.json)
    print(format_results(results))
    if args.json:
        print(f"results: {args.json} (plot beside it)")
    return 0


def run_cli(args) -> int:
    """``sepgen bench SUITE [--json F] [--reps N] [--target T] [--log-dir D] [--tune-peers N]``."""
    if args.suite == "models":
        return run_models_cli(args)
    given = [f"--{o.replace('_', '-')}" for o in MODEL_OPTIONS if getattr(args, o, None) is not None]
    if given:
        raise SpecError(f"{', '.join(given)} apply to `sepgen bench models` only")
    if args.reps is None:
        args.reps = 30
    workloads = suite_workloads(args.suite)
    tune_n = getattr(args, "tune_peers", None)
    if tune_n is not None:
        if isinstance(tune_n, bool) or not isinstance(tune_n, int) or tune_n < 0:
            raise SpecError(f"--tune-peers must be a non-negative int (0: the trials of sepgen's log), got {tune_n!r}")
        tune_peers(workloads, tune_n, target=args.target, log_dir=args.log_dir)
        print(f"MetaSchedule peer logs ready for suite {args.suite}; run `sepgen bench {args.suite}` to compare")
        return 0
    run_suite(workloads, reps=args.reps, target=args.target, log_dir=args.log_dir, json_path=args.json,
              suite=args.suite)
    return 0


def cmd_bench(args) -> int:
    if args.json:
        _writable_file(args.json, "results")
    return run_cli(args)


def add_parsers(sub) -> None:
    """`sepgen bench`."""
    b = sub.add_parser("bench", help="benchmarks against the peers a user would pick")
    b.add_argument("suite", help="dw-mobilenet, dwpw, gauss2d, gauss3d, hyperspectral, ts1d, all, or models "
                                 "(whole models in eager, torch.compile, ONNX Runtime, OpenVINO and sepgen, each runtime "
                                 "in its own process)")
    b.add_argument("--json", default=None, help="write the results here (a PNG plot goes beside it)")
    b.add_argument("--reps", type=positive_int, default=None,
                   help="timed repetitions per kernel, or calls per round for models (median reported; default 30, "
                        "100 for models)")
    b.add_argument("--models", type=_csv, default=None, help="models only: comma-separated (default: all six)")
    b.add_argument("--runtimes", type=_csv, default=None,
                   help="models only: comma-separated subset of eager,torch.compile,onnxruntime,openvino,sepgen")
    b.add_argument("--rounds", type=positive_int, default=None, help="models only: alternating rounds (default 3)")
    b.add_argument("--input-size", type=positive_int, default=None, help="models only: H = W (default 224)")
    b.add_argument("--threads", type=positive_int, default=None, help="models only: threads per runtime (default 2)")
    b.add_argument("--target", type=_target, default="host")
    b.add_argument("--log-dir", default=None)
    b.add_argument("--tune-peers", type=nonneg_int, default=None, metavar="N",
                   help="instead of benchmarking, tune the MetaSchedule peer logs with N trials (0: as many as "
                        "sepgen's own log)")
    b.set_defaults(fn=cmd_bench)
