"""``sepgen bench SUITE``: sepgen against the kernels a user would otherwise pick, in one process.

For every workload of a suite (:data:`sepgen.ir.workloads.SUITES`) sepgen's plan is
compiled replaying the committed tuning logs (``trials=0``, never tuning here)
and timed against its *peers* on the same input tensor:

* ``torch``               ``F.conv1d/2d/3d`` eager with the same weights (asymmetric padding via ``F.pad``);
* ``torch_dw_pw``         PyTorch depthwise conv then pointwise conv of the weight's rank-1 factors
                          (only where the dense weight *is* depthwise x pointwise: ``W[o, i] = P[o, i] D[i]``);
* ``opencv_sepFilter2D``  ``cv2.sepFilter2D`` with the 1-D factors of a rank-1 single-channel 2-D kernel;
* ``opencv_filter2D``     ``cv2.filter2D`` (correlation, like torch) of a single-channel 2-D kernel;
* ``scipy_separable``     ``scipy.ndimage.correlate1d`` along each axis (rank-1 single-channel 2-D/3-D kernels);
* ``scipy_correlate``     ``scipy.ndimage.correlate`` (2-D; dropped when one call takes more than 1 s);
* ``metaschedule``        TVM MetaSchedule's own auto-schedule (``post-order-apply`` space) of the *direct*
                          convolution, replayed from ``tuning_logs/<target-key>/metaschedule-default/<workload>/``.

Every peer's applicability is decided from the spec and the weight (zero padding
centred on the kernel, one channel, rank 1, ...), so a peer is never timed on a
problem it computes differently; a peer that does not apply or has no log is
listed under ``missing_peers`` with the reason.  Each peer's output is checked
against ``torch`` (``peer_max_rel_err``).

Timing alternates in blocks: after a warm-up, sepgen and each peer take turns
running a block of calls whose first calls are not timed (:func:`time_rounds`),
so drifting machine load hits everyone alike while neither library is billed for
the other's spinning thread pool; medians in microseconds are reported.  This is
a benchmark: nothing here asserts a timing.  Every library gets the target's
core count: ``torch.set_num_threads``, ``cv2.setNumThreads`` and
``TVM_NUM_THREADS`` (TVM otherwise takes half the logical CPUs on x86, assuming
SMT).  PyTorch runs in its default OpenMP set-up (what its users get); an
earlier version set ``OMP_WAIT_POLICY=PASSIVE``, which made torch's own calls
2-4x slower and flattered sepgen.  The JSON records the thread counts, the
OpenMP policy and the load average.

MetaSchedule peer logs are made by :func:`tune_metaschedule_peer` (or
``sepgen bench SUITE --tune-peers N``), with the same trial budget as
sepgen's own committed logs for the workload (default 64), 16 trials per
iteration, seed 0, the in-process builder and the same runner and cost model as
sepgen's tuner, so that the design space is the only difference.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import sys
import warnings
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import SepgenError, SpecError, TargetError
from ..ir.workloads import SUITES, WORKLOADS, Workload
from ..runtime.timing import _warm, time_rounds
from ..tuning.logs import default_log_root
from ..tuning.records import host_fingerprint
from ..version import __version__, tvm_version
from .metaschedule import SLOW_PEER_LIMIT_S, tune_metaschedule_peer
from .peers import _peer_rank, make_peers, rel_err
from .report import format_table, write_plot

# ---- one workload, a suite ---------------------------------------------------------------------

def bench_workload(wl: Workload, reps: int = 30, target="host", log_dir=None, peers: Optional[Sequence[str]] = None,
                   out=None) -> dict:
    """Compile ``wl`` with sepgen (replaying logs) and time it against its peers; returns one row.

    ``log_dir``: root of sepgen's tuning logs and of the MetaSchedule peer logs (default
    ``tuning_logs/``).  ``peers``: keep only these peer names (``torch``, the reference, always runs).
    """
    import torch

    from ..driver.compile import compile_conv
    from ..targets.registry import get_target
    from ..tuning.roofline import bandwidth_for, machine_peaks

    tgt = get_target(target)
    root = Path(log_dir) if log_dir is not None else default_log_root()
    spec = wl.spec
    w, b = wl.weights(seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # the notes go into the row instead
        op = compile_conv(w, bias=b, trials=0, log_dir=root, target=tgt, **wl.compile_args())
    sources = {int(i): str(s) for i, s in op.sources.items()}
    tuned = all(s.startswith("tuned:") for s in sources.values())
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(spec.input_shape, generator=gen, dtype=torch.float32).to(getattr(torch, spec.dtype))
    plist, missing = make_peers(wl, w, b, x, tgt, root)
    if peers is not None:
        plist = [p for p in plist if p.name in peers or p.name == "torch"]
        missing = {k: v for k, v in missing.items() if k in peers}

    # warm-up (and outputs for the error check); drop optional peers that are far too slow
    y, _ = _warm(lambda: op(x))
    outputs = {}
    kept = []
    for p in plist:
        o, first = _warm(p.fn)
        if p.optional_slow and first > SLOW_PEER_LIMIT_S:
            missing[p.name] = f"too slow to time: {first:.2f} s per call (> {SLOW_PEER_LIMIT_S:g} s)"
            continue
        outputs[p.name] = p.to_torch(o)
        kept.append(p)
    ref = outputs["torch"]
    err = rel_err(y, ref)
    peer_err = {p.name: rel_err(outputs[p.name], ref) for p in kept if p.name != "torch"}

    fns = [("sepgen", lambda: op(x))] + [(p.name, p.fn) for p in kept]
    med = time_rounds(fns, reps)
    min_bytes = _min_bytes(spec)
    # the same roofline as the tuner's: the bytes at the copy bandwidth measured for a working set of
    # their size (a benchmark loop keeps a cache-sized problem in cache), the FLOPs at the measured peak
    _, peak = machine_peaks()
    bw = bandwidth_for(min_bytes)
    flops = int(op.plan.flops())
    roof = max(min_bytes / (bw * 1e3), flops / (peak * 1e3))
    row = {"name": wl.name, "description": wl.description,
           "sepgen_us": med["sepgen"] * 1e6,
           "peers": {p.name: med[p.name] * 1e6 for p in kept},
           "missing_peers": dict(sorted(missing.items(), key=lambda kv: _peer_rank(kv[0]))),
           "roofline_us": roof, "max_rel_err": err, "peer_max_rel_err": peer_err,
           "tuned": bool(tuned), "plan": " -> ".join(op.plan.kinds), "plan_error": float(op.plan.error),
           "flops_direct": int(spec.flops), "flops_plan": flops, "min_bytes": int(min_bytes),
           "sources": {str(i): s for i, s in sorted(sources.items())}, "notes": list(op.notes),
           "peer_info": {p.name: p.info for p in kept if p.info}}
    return row


def geomean_speedups(rows: Sequence[dict]) -> dict[str, float]:
    """geomean over rows having the peer of ``peer_us / sepgen_us`` (> 1: sepgen is faster)."""
    logs: dict[str, list[float]] = {}
    for r in rows:
        for name, us in r["peers"].items():
            logs.setdefault(name, []).append(math.log(us / r["sepgen_us"]))
    return {name: math.exp(sum(v) / len(v)) for name, v in sorted(logs.items(), key=lambda kv: _peer_rank(kv[0]))}


def _loadavg() -> Optional[float]:
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def machine_info(target, threads: int) -> dict:
    import torch
    import tvm

    info = dict(host_fingerprint())
    info.update({"target": target.name, "target_key": target.key(), "platform": platform.platform(),
                 "python": platform.python_version(), "sepgen_version": __version__, "tvm_version": tvm_version(),
                 "torch_version": torch.__version__, "numpy_version": np.__version__, "threads": threads,
                 "torch_threads": torch.get_num_threads()})
    try:
        import scipy

        info["scipy_version"] = scipy.__version__
    except ImportError:
        pass
    try:
        import cv2

        info["opencv_version"] = cv2.__version__
        info["opencv_threads"] = cv2.getNumThreads()
    except ImportError:
        pass
    f = tvm.get_global_func("runtime.NumThreads", allow_missing=True)
    info["tvm_threads"] = int(f()) if f is not None else None
    info["TVM_NUM_THREADS"] = os.environ.get("TVM_NUM_THREADS")
    info["omp_wait_policy"] = _omp_policy()
    info["loadavg_1min_end"] = _loadavg()
    from ..tuning.roofline import machine_peaks

    bw, peak = machine_peaks()
    info["bandwidth_gbs"] = bw
    info["peak_gflops"] = peak
    return info


def _min_bytes(spec) -> int:
    """Bytes a convolution must move at least: input, weight, output (and bias) once each."""
    from ..ir.spec import DTYPE_BYTES

    return DTYPE_BYTES[spec.dtype] * (math.prod(spec.input_shape) + math.prod(spec.weight_shape)
                                      + math.prod(spec.output_shape) + (spec.out_channels if spec.bias else 0))


def measure_peaks(workloads: Sequence[Workload]) -> None:
    """Measure (and cache for this process) the FLOP peak and the copy bandwidth at every workload's working
    set size *before* any kernel runs: measured after PyTorch's or TVM's parallel calls, the pools' threads
    still spinning on the same cores took half of it (seen here: a 116 GFLOPS peak instead of 231)."""
    from ..tuning.roofline import bandwidth_for, machine_peaks

    machine_peaks()
    for wl in workloads:
        bandwidth_for(_min_bytes(wl.spec))


def run_suite(workloads: Sequence[Workload], reps: int = 30, target="host", log_dir=None, json_path=None,
              suite: str = "custom", out=None, plot: bool = True) -> dict:
    """Benchmark ``workloads``; print a table to ``out``; write JSON (and a PNG beside it) to ``json_path``."""
    import torch

    from ..targets.registry import get_target

    out = out or sys.stdout
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise SpecError(f"--reps must be a positive int, got {reps!r}")
    tgt = get_target(target)
    if not tgt.is_native:
        raise TargetError(f"target {tgt.name} ({tgt.key()}) does not run on this machine; bench it on the device")
    threads = tgt.num_cores
    # TVM's thread pool sizes itself to half the logical CPUs on x86 (it assumes SMT); give TVM kernels the
    # same threads as the peers.  Only effective before the first parallel TVM call in this process.
    set_tvm_threads = "TVM_NUM_THREADS" not in os.environ
    if set_tvm_threads:
        os.environ["TVM_NUM_THREADS"] = str(threads)
    old_torch = torch.get_num_threads()
    torch.set_num_threads(threads)
    old_cv = None
    try:
        import cv2

        old_cv = cv2.getNumThreads()
        cv2.setNumThreads(threads)
    except ImportError:
        cv2 = None
    load_start = _loadavg()     # this process counts ~1; more means other processes share the cores
    measure_peaks(workloads)
    rows, errors = [], []
    try:
        for i, wl in enumerate(workloads):
            print(f"[{i + 1}/{len(workloads)}] {wl.name} ...", file=sys.stderr, flush=True)
            try:
                rows.append(bench_workload(wl, reps=reps, target=tgt, log_dir=log_dir))
            except SepgenError as e:     # one broken workload does not throw away the others' results
                errors.append({"name": wl.name, "error": f"{type(e).__name__}: {e}"})
                print(f"  {wl.name}: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        machine = machine_info(tgt, threads)
        machine["loadavg_1min_start"] = load_start
        result = {"suite": suite, "machine": machine, "reps": reps,
                  "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                  "rows": rows, "geomean_speedup": geomean_speedups(rows), "errors": errors}
    finally:
        if set_tvm_threads:     # later subprocesses of this process (tuning runners) get TVM's own default again
            os.environ.pop("TVM_NUM_THREADS", None)
        torch.set_num_threads(old_torch)
        if cv2 is not None and old_cv is not None:
            cv2.setNumThreads(old_cv)
    print(format_table(result), file=out)
    if json_path:
        p = Path(json_path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(result, indent=2) + "\n")
        lines = [f"results: {p}"]
        if plot and rows:
            png = p.with_suffix(".png")
            write_plot(result, png)
            lines.append(f"plot: {png}")
        print("  ".join(lines), file=out)
    return result


# ---- command line --------------------------------------------------------------------------------

def suite_workloads(suite: str) -> list[Workload]:
    if suite not in SUITES:
        raise SpecError(f"unknown suite {suite!r}; known: {', '.join(SUITES)}")
    return [WORKLOADS[n] for n in SUITES[suite]]


def tune_peers(workloads: Sequence[Workload], trials: Optional[int], target="host", log_dir=None,
               out=None) -> list[dict]:
    """Make (or extend) the MetaSchedule peer logs of ``workloads`` (trials None or 0: sepgen's log's budget)."""
    metas = []
    for wl in workloads:
        metas.append(tune_metaschedule_peer(wl, trials=trials or None, log_root=log_dir, target=target, out=out))
    return metas




def _omp_policy() -> str:
    # The benchmark does not change it: OMP_WAIT_POLICY=PASSIVE made PyTorch's own calls 2-4x slower
    # here (a MobileNet depthwise layer: 79 us default vs 219 us PASSIVE), which would flatter sepgen.
    # Alternating blocks (time_rounds) keep the two thread pools from billing each other instead.
    v = os.environ.get("OMP_WAIT_POLICY")
    return v or "libgomp default (workers spin between regions)"
