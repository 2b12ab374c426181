"""`sepgen bench`: runs a workload suite against its peers."""
from __future__ import annotations

from ..bench.suite import run_suite, suite_workloads, tune_peers
from ..errors import SpecError
from .common import _target, _writable_file, nonneg_int, positive_int


def run_cli(args) -> int:
    """``sepgen bench SUITE [--json F] [--reps N] [--target T] [--log-dir D] [--tune-peers N]``."""
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
    b.add_argument("suite", help="dw-mobilenet, dwpw, gauss2d, gauss3d, hyperspectral, ts1d or all")
    b.add_argument("--json", default=None, help="write the results here (a PNG plot goes beside it)")
    b.add_argument("--reps", type=positive_int, default=30, help="timed repetitions per kernel (median reported)")
    b.add_argument("--target", type=_target, default="host")
    b.add_argument("--log-dir", default=None)
    b.add_argument("--tune-peers", type=nonneg_int, default=None, metavar="N",
                   help="instead of benchmarking, tune the MetaSchedule peer logs with N trials (0: as many as "
                        "sepgen's own log)")
    b.set_defaults(fn=cmd_bench)
