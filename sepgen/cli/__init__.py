"""The ``sepgen`` command line.

    sepgen analyze WEIGHT|FILTER          rank analysis and candidate plans of a weight
    sepgen compile WORKLOAD|--weights F   build (replaying tuning logs) into an artifact directory
    sepgen tune-and-compile ...           tune with MetaSchedule, then compile; compares with PyTorch
    sepgen bench SUITE                    benchmarks against PyTorch, OpenCV, SciPy, MetaSchedule
    sepgen logs list|show|verify|distill|rerank  inspect and maintain tuning logs
    sepgen compile-model MODEL --out DIR  a whole model as one compiled program (Relax VM), saved
    sepgen run-model DIR                  run a saved program
    sepgen optimize MODEL                 optimize every convolution of a PyTorch model
    sepgen tradeoff                       accuracy vs speed of lossy factorization
    sepgen workloads | targets            the named workload table and target presets

One module per command group (compile, model, optimize, info, logs, bench), each with ``add_parsers(sub)``;
:func:`build_parser` assembles them.

Every user mistake exits with status 2 and one line ``sepgen: error: ...``: a bad value (argparse, or a
:class:`SepgenError` from the library) or a path that cannot be written (an ``OSError``; ``--out``, the
tuning-log directory and ``--report`` are checked before any long work starts).
"""
from __future__ import annotations

import argparse
import sys
import warnings

from ..errors import SepgenError
from . import bench
from . import compile as compile_commands
from . import info, logs, model, optimize

#: the command groups, in the order ``sepgen --help`` lists them; each adds its subcommands
COMMANDS = (compile_commands, model, optimize, info, logs, bench)


def build_parser() -> argparse.ArgumentParser:
    from ..version import __version__

    p = argparse.ArgumentParser(prog="sepgen", description="Compile and auto-tune separable, depthwise and "
                                "factorized convolutions with TVM.")
    p.add_argument("--version", action="version", version=f"sepgen {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for commands in COMMANDS:
        commands.add_parsers(sub)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # OpenMP's wait policy is left as PyTorch users have it: every timing here alternates blocks of calls
    # (sepgen.runtime.timing.time_rounds), so neither library is billed for the other's spinning thread pool, and
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
