"""``sepgen bench SUITE``: sepgen against the kernels a user would otherwise pick, in one process.

For every workload of a suite (:data:`sepgen.workloads.SUITES`) sepgen's plan is
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
``python -m sepgen.bench SUITE --tune-peers N``), with the same trial budget as
sepgen's own committed logs for the workload (default 64), 16 trials per
iteration, seed 0, the in-process builder and the same runner and cost model as
sepgen's tuner, so that the design space is the only difference.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from .errors import BuildError, LogError, SepgenError, SpecError, TargetError
from .logs import META_FILE, RECORD_FILE, WORKLOAD_FILE, check_records, default_log_root, host_fingerprint
from .version import __version__, tvm_version
from .workloads import SUITES, WORKLOADS, Workload

PEER_LOG_GROUP = "metaschedule-default"   # tuning_logs/<target-key>/<this>/<workload-name>/
PEER_META_FORMAT = "sepgen-metaschedule-peer"
PEER_TRIALS_DEFAULT = 64
PEER_TRIALS_PER_ITER = 16
SLOW_PEER_LIMIT_S = 1.0        # an optional peer slower than this per call is dropped (with the reason)
PEER_ORDER = ("torch", "torch_dw_pw", "opencv_sepFilter2D", "opencv_filter2D", "scipy_separable",
              "scipy_correlate", "metaschedule")
RANK1_RTOL = 1e-4              # a weight is "rank 1" when its rank-1 reconstruction is this close


# ---- small helpers ----------------------------------------------------------------------------

@dataclass
class Peer:
    name: str
    fn: Callable[[], object]                 # one call; returns the output (tensor or array)
    to_torch: Callable[[object], object] = None   # output -> torch tensor shaped like the conv output
    optional_slow: bool = False              # dropped when one call takes > SLOW_PEER_LIMIT_S
    info: dict = field(default_factory=dict)


def rel_err(y, ref) -> float:
    """max |y - ref| / max |ref| (float64)."""
    import torch

    y = torch.as_tensor(y).double()
    ref = torch.as_tensor(ref).double()
    diff = (y - ref).abs().max().item()
    scale = ref.abs().max().item()
    return float(diff / scale) if scale > 0 else float(diff)


def _conv_fn(ndim: int):
    import torch.nn.functional as F

    return {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[ndim]


def _flat_pad(padding) -> list[int]:
    flat: list[int] = []
    for lo, hi in reversed(padding):     # F.pad wants the last axis first
        flat += [lo, hi]
    return flat


def rank1_factors(k: np.ndarray) -> tuple[list[np.ndarray], float]:
    """Rank-1 factors ``f_0 (x) f_1 (x) ...`` of an N-d array and the relative error of that product."""
    k = np.asarray(k, dtype=np.float64)
    norm = float(np.linalg.norm(k))
    if norm == 0:
        return [np.zeros(n) for n in k.shape], 0.0
    facs = []
    for ax in range(k.ndim):
        m = np.moveaxis(k, ax, 0).reshape(k.shape[ax], -1)
        u, _, _ = np.linalg.svd(m, full_matrices=False)
        facs.append(u[:, 0])
    scale = k
    for f in facs:
        scale = np.tensordot(f, scale, axes=([0], [0]))
    scale = float(scale)
    mag = abs(scale) ** (1.0 / k.ndim)
    facs = [f * mag for f in facs]
    facs[0] = facs[0] * (1.0 if scale >= 0 else -1.0)
    recon = facs[0]
    for f in facs[1:]:
        recon = np.multiply.outer(recon, f)
    return facs, float(np.linalg.norm(recon - k) / norm)


def dw_pw_factors(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """``W[o, i, *k] ~= P[o, i] * D[i, *k]`` by a rank-1 SVD per input channel (groups 1).

    Returns ``D (C_in, 1, *k)``, ``P (C_out, C_in, 1, ...)`` and the relative error of ``P*D``.
    """
    w64 = np.asarray(w, dtype=np.float64)
    cout, cin, *ks = w64.shape
    mats = w64.reshape(cout, cin, -1).transpose(1, 0, 2)          # (C_in, C_out, K)
    u, s, vt = np.linalg.svd(mats, full_matrices=False)
    sq = np.sqrt(s[:, 0])
    d = vt[:, 0, :] * sq[:, None]                                  # (C_in, K)
    p = u[:, :, 0] * sq[:, None]                                   # (C_in, C_out)
    recon = p.T[:, :, None] * d[None]                              # (C_out, C_in, K)
    err = float(np.linalg.norm(recon - w64.reshape(cout, cin, -1)) / max(np.linalg.norm(w64), 1e-300))
    d = d.reshape(cin, 1, *ks)
    p = np.ascontiguousarray(p.T).reshape(cout, cin, *([1] * len(ks)))
    return d, p, err


def _centered_single_channel(spec) -> Optional[str]:
    """Why the filter-library peers (OpenCV, SciPy) do not apply to ``spec`` (None when they do)."""
    if spec.dtype != "float32":
        return f"float32 images only, the spec is {spec.dtype}"
    if spec.batch != 1 or spec.in_channels != 1 or spec.out_channels != 1:
        return f"needs one image and one channel in and out, got input {spec.input_shape}, weight {spec.weight_shape}"
    if any(s != 1 for s in spec.stride) or any(d != 1 for d in spec.dilation):
        return "needs stride 1 and dilation 1"
    for k, (lo, hi) in zip(spec.kernel_size, spec.padding):
        if k % 2 == 0 or lo != hi or lo != (k - 1) // 2:
            return "needs odd kernels with centred zero padding (output the size of the input)"
    return None


# ---- the MetaSchedule peer: logs, tuning, replay -------------------------------------------------

def direct_stage(workload: Workload, w=None, b=None):
    """The convolution as written (sepgen's direct plan's single stage), no rewrite."""
    from .stages import direct_plan

    if w is None:
        w, b = workload.weights(seed=0)
    plan = direct_plan(workload.spec, w, b)
    return plan, plan.stages[0]


def peer_log_dir(log_root, target, workload_name: str) -> Path:
    return Path(log_root) / target.key() / PEER_LOG_GROUP / workload_name


def sepgen_log_trials(workload: Workload, log_root, target) -> tuple[int, str]:
    """Trials sepgen's committed log spent on the workload's plan (sum over its tuned stages).

    Returns ``(trials, where)``; ``(PEER_TRIALS_DEFAULT, reason)`` when there is no log.
    """
    from .logs import LogDir, stage_workload
    from .passes import choose_plan
    from .stages import FFTConv

    w, b = workload.weights(seed=0)
    plan, _ = choose_plan(workload.spec, w.astype(np.float64), None if b is None else b.astype(np.float64))
    log = LogDir(log_root)
    total, found = 0, []
    for st in plan.stages:
        if isinstance(st, FFTConv):
            continue
        swl = stage_workload(st, workload.spec.dtype, target.family)
        try:
            meta = log.read_meta(log.stage_dir(swl, target))
        except LogError:
            meta = None
        if meta and isinstance(meta.get("trials"), int) and meta["trials"] > 0:
            total += meta["trials"]
            found.append(swl.key)
    if not found:
        return PEER_TRIALS_DEFAULT, f"no sepgen log for {workload.name}; default {PEER_TRIALS_DEFAULT}"
    return total, f"sepgen's log: {total} trials over {len(found)} stage(s)"


def _peer_staleness(meta: Optional[dict], swl, target) -> str:
    if meta is None:
        return "the log has no meta.json"
    if meta.get("format") != PEER_META_FORMAT:
        return "meta.json is not a MetaSchedule peer log"
    if meta.get("tvm_version") != tvm_version():
        return f"log recorded with TVM {meta.get('tvm_version')}, this is TVM {tvm_version()}"
    if meta.get("target_key") != target.key():
        return f"log is for target {meta.get('target_key')}, not {target.key()}"
    if meta.get("tir_hash") != swl.tir_hash:
        return "the direct convolution's TIR changed since the log was recorded"
    return ""


def _read_json(p: Path) -> Optional[dict]:
    try:
        m = json.loads(p.read_text())
    except (OSError, ValueError):
        return None
    return m if isinstance(m, dict) else None


def _runner(target):
    from tvm.s_tir import meta_schedule as ms

    # the runner sepgen's tuner uses (sepgen.tune.tune_stage), so only the design space differs
    return ms.runner.LocalRunner(timeout_sec=30, evaluator_config=ms.runner.EvaluatorConfig(
        number=5, repeat=3, min_repeat_ms=20, enable_cpu_cache_flush=False))


def write_peer_meta(d: Path, workload: Workload, swl, target, *, seed, trials_budget, trials_source="given",
                    tuning_seconds=None) -> dict:
    """Write ``meta.json`` of a MetaSchedule peer log (versions, target, TIR hash, trials, best)."""
    chk = check_records(Path(d) / RECORD_FILE)
    meta = {"format": PEER_META_FORMAT, "peer": "metaschedule", "space": "post-order-apply",
            "workload": workload.name, "workload_key": swl.key, "tir_hash": swl.tir_hash, "stage": swl.description,
            "dtype": swl.dtype, "sepgen_version": __version__, "tvm_version": tvm_version(),
            "target": target.to_dict(), "target_key": target.key(), "host": host_fingerprint(), "seed": seed,
            "trials": chk.good, "trials_budget": trials_budget, "trials_budget_source": trials_source,
            "num_trials_per_iter": PEER_TRIALS_PER_ITER, "best_us": chk.best_us,
            "tuning_seconds": None if tuning_seconds is None else round(float(tuning_seconds), 1),
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
    tmp = Path(d) / f".{META_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, Path(d) / META_FILE)
    return meta


def tune_metaschedule_peer(workload: Workload, trials: Optional[int] = None, log_root=None, target="host",
                           seed: int = 0, progress: bool = True, out=None) -> dict:
    """Tune MetaSchedule's default (post-order-apply) schedule of the direct conv; returns the log's meta.

    ``trials`` defaults to what sepgen's committed log spent on the workload
    (:func:`sepgen_log_trials`, 64 without a log).  The log lands in
    ``<log_root>/<target-key>/metaschedule-default/<workload name>/`` (MetaSchedule's
    ``database_workload.json`` and ``database_tuning_record.json`` plus ``meta.json``).
    Records already in the log count towards ``trials``: an interrupted run resumes.
    """
    from tvm.s_tir import meta_schedule as ms

    from .logs import stage_workload
    from .targets import get_target
    from .tune import _in_process_builder

    stream = out or sys.stderr
    tgt = get_target(target)
    if not tgt.is_native:
        raise TargetError(f"target {tgt.name} cannot be measured on this machine; tune its peer logs on the device")
    root = Path(log_root) if log_root is not None else default_log_root()
    trials_src = "given"
    if trials is None:
        trials, trials_src = sepgen_log_trials(workload, root, tgt)
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise SpecError(f"trials must be a positive int, got {trials!r}")
    _, stage = direct_stage(workload)
    dtype = workload.spec.dtype
    swl = stage_workload(stage, dtype, family=None)   # MetaSchedule's own: the plain lowering
    d = peer_log_dir(root, tgt, workload.name)
    d.mkdir(parents=True, exist_ok=True)
    meta = _read_json(d / META_FILE)
    if meta is not None:
        why = _peer_staleness(meta, swl, tgt)
        if why:
            raise LogError(f"{d}: {why}; move it away to tune afresh")
    else:   # written first, so that a killed run leaves a log that says what it is (and resumes)
        write_peer_meta(d, workload, swl, tgt, seed=seed, trials_budget=trials, trials_source=trials_src)
    already = check_records(d / RECORD_FILE).good
    budget = max(0, trials - already)
    t0 = time.time()
    if budget > 0:
        if progress:
            print(f"  metaschedule peer {workload.name}: tuning {budget} trials ({already} already in the log; "
                  f"budget {trials}: {trials_src}), seed {seed}", file=stream, flush=True)
        db = ms.database.JSONDatabase(path_workload=str(d / WORKLOAD_FILE), path_tuning_record=str(d / RECORD_FILE),
                                      module_equality="structural", allow_missing=True)
        np.random.seed(seed)   # the XGBoost warm-up draws from numpy's global stream
        try:
            with tempfile.TemporaryDirectory(prefix="sepgen-ms-peer-") as work_dir:   # MetaSchedule's own logs
                ms.tune_tir(swl.mod, tgt.to_tvm(), work_dir, max_trials_global=budget, max_trials_per_task=budget,
                            num_trials_per_iter=min(PEER_TRIALS_PER_ITER, budget), builder=_in_process_builder(),
                            runner=_runner(tgt), database=db,
                            cost_model=ms.cost_model.XGBModel(num_warmup_samples=min(32, budget),
                                                              adaptive_training=True),
                            space="post-order-apply", seed=seed, num_tuning_cores=tgt.num_cores)
        except Exception as e:
            raise BuildError(f"tuning the MetaSchedule peer of {workload.name} failed: {type(e).__name__}: "
                             f"{str(e).splitlines()[0] if str(e) else ''}") from e
    meta = write_peer_meta(d, workload, swl, tgt, seed=seed, trials_budget=trials, trials_source=trials_src,
                           tuning_seconds=time.time() - t0)
    chk = check_records(d / RECORD_FILE)
    if progress:
        best = f"{chk.best_us:.1f} us" if chk.best_us else "no valid candidate"
        print(f"  metaschedule peer {workload.name}: {chk.good} trials in the log, best {best}  ({d})",
              file=stream, flush=True)
    return meta


def load_metaschedule_peer(workload: Workload, stage, target, log_root):
    """Replay the MetaSchedule peer's best record: ``(callable(x, *params, y), info)`` or ``(None, reason)``."""
    import tvm
    from tvm.s_tir import meta_schedule as ms

    from .logs import stage_workload

    swl = stage_workload(stage, workload.spec.dtype, family=None)
    d = peer_log_dir(log_root, target, workload.name)
    if not (d / RECORD_FILE).exists():
        return None, (f"no MetaSchedule log at {d} (make one with `python -m sepgen.bench {workload.suite} "
                      f"--tune-peers 0` or sepgen.bench.tune_metaschedule_peer)")
    meta = _read_json(d / META_FILE)
    why = _peer_staleness(meta, swl, target)
    if why:
        return None, f"stale MetaSchedule log {d}: {why}"
    chk = check_records(d / RECORD_FILE)
    if chk.bad:
        return None, f"MetaSchedule log {d / RECORD_FILE} has malformed line {chk.bad[0][0]}: {chk.bad[0][1]}"
    if chk.good == 0 or chk.best_us is None:
        return None, f"MetaSchedule log {d} holds no valid measurement"
    try:
        db = ms.database.JSONDatabase(path_workload=str(d / WORKLOAD_FILE), path_tuning_record=str(d / RECORD_FILE),
                                      module_equality="structural", allow_missing=False)
        sch = db.query_schedule(swl.mod, target=target.to_tvm(), workload_name="main")
    except Exception as e:  # noqa: BLE001 - a damaged log is a missing peer, with the reason
        return None, f"MetaSchedule cannot read {d}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    if sch is None:
        return None, f"MetaSchedule log {d} has no record matching the direct convolution"
    ex = tvm.compile(sch.mod, target=target.to_tvm())
    return ex.mod["main"], {"log": str(d), "trials": chk.good, "logged_best_us": chk.best_us}


# ---- peers ----------------------------------------------------------------------------------------

def make_peers(wl: Workload, w: np.ndarray, b: Optional[np.ndarray], x, target, log_root):
    """Peers applicable to ``wl`` (in :data:`PEER_ORDER`) and ``{name: reason}`` for those that are not."""
    import torch

    spec = wl.spec
    dt = getattr(torch, spec.dtype)
    conv = _conv_fn(spec.ndim)
    wt = torch.from_numpy(np.ascontiguousarray(w, dtype=spec.dtype))
    bt = torch.from_numpy(np.ascontiguousarray(b, dtype=spec.dtype)) if b is not None else None
    tpad = spec.torch_padding()
    flat = _flat_pad(spec.padding)
    peers: list[Peer] = []
    missing: dict[str, str] = {}
    ident = lambda y: y  # noqa: E731

    # torch: F.conv*d eager
    def torch_conv():
        if tpad is None:
            return conv(torch.nn.functional.pad(x, flat), wt, bt, spec.stride, 0, spec.dilation, spec.groups)
        return conv(x, wt, bt, spec.stride, tpad, spec.dilation, spec.groups)

    peers.append(Peer("torch", torch_conv, ident))

    # torch_dw_pw: depthwise then pointwise, where the weight is exactly that product
    if spec.groups != 1 or spec.in_channels < 2 or spec.out_channels < 2 or all(k == 1 for k in spec.kernel_size):
        missing["torch_dw_pw"] = "applies to dense (groups 1) multi-channel convolutions with a spatial kernel"
    else:
        d, p, err = dw_pw_factors(w)
        if err > RANK1_RTOL:
            missing["torch_dw_pw"] = f"the weight is not depthwise x pointwise (rank-1 per input channel error {err:.2g})"
        else:
            dt_ = torch.from_numpy(np.ascontiguousarray(d, dtype=spec.dtype))
            pt_ = torch.from_numpy(np.ascontiguousarray(p, dtype=spec.dtype))
            cin = spec.in_channels

            def torch_dw_pw():
                xx = x if tpad is not None else torch.nn.functional.pad(x, flat)
                y = conv(xx, dt_, None, spec.stride, tpad if tpad is not None else 0, spec.dilation, cin)
                return conv(y, pt_, bt)

            peers.append(Peer("torch_dw_pw", torch_dw_pw, ident, info={"factor_error": err}))

    # filter libraries: single-channel, centred zero padding
    why = _centered_single_channel(spec)
    k = np.asarray(w[0, 0], dtype=np.float64)
    bias0 = float(b[0]) if b is not None else 0.0
    facs, r1err = rank1_factors(k) if why is None else (None, math.inf)
    out_shape = spec.output_shape
    img = x.numpy()[0, 0] if why is None else None
    np_dt = np.dtype(spec.dtype)

    def to_t(a):
        return torch.from_numpy(np.ascontiguousarray(a)).reshape(out_shape)

    if spec.ndim == 2 and why is None:
        try:
            import cv2
        except ImportError:
            missing["opencv_sepFilter2D"] = missing["opencv_filter2D"] = "opencv-python is not installed"
        else:
            k32 = np.ascontiguousarray(k, dtype=np_dt)
            if r1err <= RANK1_RTOL:
                ky = np.ascontiguousarray(facs[0], dtype=np_dt)    # along H (rows)
                kx = np.ascontiguousarray(facs[1], dtype=np_dt)    # along W (columns)
                peers.append(Peer("opencv_sepFilter2D", lambda: cv2.sepFilter2D(
                    img, -1, kx, ky, delta=bias0, borderType=cv2.BORDER_CONSTANT), to_t,
                    info={"factor_error": r1err}))
            else:
                missing["opencv_sepFilter2D"] = f"the kernel is not rank 1 (error {r1err:.2g})"
            peers.append(Peer("opencv_filter2D", lambda: cv2.filter2D(
                img, -1, k32, delta=bias0, borderType=cv2.BORDER_CONSTANT), to_t))
    else:
        reason = why or "2-D filters only"
        missing["opencv_sepFilter2D"] = missing["opencv_filter2D"] = reason

    if spec.ndim in (2, 3) and why is None:
        from scipy import ndimage

        if r1err <= RANK1_RTOL:
            f1 = [np.ascontiguousarray(f, dtype=np_dt) for f in facs]

            def scipy_separable():
                y = img
                for ax, f in enumerate(f1):
                    y = ndimage.correlate1d(y, f, axis=ax, mode="constant", cval=0.0)
                return y + np_dt.type(bias0) if bias0 else y

            peers.append(Peer("scipy_separable", scipy_separable, to_t, info={"factor_error": r1err}))
        else:
            missing["scipy_separable"] = f"the kernel is not rank 1 (error {r1err:.2g})"
        if spec.ndim == 2:
            k32 = np.ascontiguousarray(k, dtype=np_dt)

            def scipy_correlate():
                y = ndimage.correlate(img, k32, mode="constant", cval=0.0)
                return y + np_dt.type(bias0) if bias0 else y

            peers.append(Peer("scipy_correlate", scipy_correlate, to_t, optional_slow=True))
        else:
            missing["scipy_correlate"] = "2-D filters only (3-D direct correlation takes seconds)"
    else:
        missing["scipy_separable"] = missing["scipy_correlate"] = why or "2-D and 3-D filters only"

    # metaschedule: the direct conv, scheduled by MetaSchedule's default space, replayed from its log
    plan, stage = direct_stage(wl, w, b)
    from .lowering import stage_param_names
    from .runtime import new_output

    fn, info = load_metaschedule_peer(wl, stage, target, log_root)
    if fn is None:
        missing["metaschedule"] = info
    else:
        params = [torch.from_numpy(np.ascontiguousarray(plan.params[p], dtype=spec.dtype))
                  for p in stage_param_names(stage)]
        # the output allocated as sepgen's own call allocates it: the row compares kernels, not allocators
        ms_fn, new_y = fn, new_output(out_shape, dt)

        def metaschedule():
            y = new_y()
            ms_fn(x, *params, y)
            return y

        peers.append(Peer("metaschedule", metaschedule, ident, info=info))
    return peers, missing


# ---- timing ------------------------------------------------------------------------------------

def _warm(fn, min_calls: int = 3, max_s: float = 0.5):
    """Call ``fn`` until ``min_calls`` calls or ``max_s`` seconds; returns (first output, first call seconds)."""
    t0 = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t0
    n = 1
    while n < min_calls and time.perf_counter() - t0 < max_s:
        fn()
        n += 1
    return out, first


#: calls per timed block; untimed calls before each block (at least this many, for at least this long).
#: The time is twice the ~24 ms that a TVM kernel here ran 2x slower after PyTorch calls (libgomp's
#: workers still spinning: 1x112x112 depthwise, 126 -> 66 us once they stop); the 10 ms used before
#: timed whatever followed a PyTorch block (MetaSchedule's peer, in suite order) partly against them
BLOCK, BLOCK_DISCARD, BLOCK_DISCARD_S = 10, 2, 0.05


def time_rounds(fns: Sequence[tuple[str, Callable]], reps: int, block: int = BLOCK,
                discard: int = BLOCK_DISCARD, discard_s: float = BLOCK_DISCARD_S) -> dict[str, float]:
    """Median seconds per call of each function: ``reps`` timed calls each, in alternating blocks.

    Blocks, not single calls, alternate, and the first calls of a block (``discard`` calls and at least
    ``discard_s`` seconds) are not timed: PyTorch's OpenMP workers and TVM's pool both spin-wait for
    milliseconds after they return, so a call timed right after the other library's would be billed for
    its spinning (measured here: TVM kernels 40x slower right after torch calls under libgomp's default
    policy).  Each implementation is thus
    timed as a user calling it in a loop gets it, in the process's own OpenMP settings, while
    alternation still spreads machine noise over all of them.
    """
    times = {name: [] for name, _ in fns}
    while any(len(ts) < reps for ts in times.values()):
        for name, fn in fns:
            ts = times[name]
            if len(ts) >= reps:
                continue
            t_end = time.perf_counter() + discard_s
            n = 0
            while n < discard or time.perf_counter() < t_end:
                fn()
                n += 1
            for _ in range(min(block, reps - len(ts))):
                t0 = time.perf_counter()
                fn()
                ts.append(time.perf_counter() - t0)
    return {name: float(np.median(ts)) for name, ts in times.items()}


# ---- one workload, a suite ---------------------------------------------------------------------

def bench_workload(wl: Workload, reps: int = 30, target="host", log_dir=None, peers: Optional[Sequence[str]] = None,
                   out=None) -> dict:
    """Compile ``wl`` with sepgen (replaying logs) and time it against its peers; returns one row.

    ``log_dir``: root of sepgen's tuning logs and of the MetaSchedule peer logs (default
    ``tuning_logs/``).  ``peers``: keep only these peer names (``torch``, the reference, always runs).
    """
    import torch

    from .api import compile_conv
    from .roofline import bandwidth_for, machine_peaks
    from .targets import get_target

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


def _peer_rank(name: str) -> int:
    return PEER_ORDER.index(name) if name in PEER_ORDER else len(PEER_ORDER)


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
    from .roofline import machine_peaks

    bw, peak = machine_peaks()
    info["bandwidth_gbs"] = bw
    info["peak_gflops"] = peak
    return info


def _min_bytes(spec) -> int:
    """Bytes a convolution must move at least: input, weight, output (and bias) once each."""
    from .ir import DTYPE_BYTES

    return DTYPE_BYTES[spec.dtype] * (math.prod(spec.input_shape) + math.prod(spec.weight_shape)
                                      + math.prod(spec.output_shape) + (spec.out_channels if spec.bias else 0))


def measure_peaks(workloads: Sequence[Workload]) -> None:
    """Measure (and cache for this process) the FLOP peak and the copy bandwidth at every workload's working
    set size *before* any kernel runs: measured after PyTorch's or TVM's parallel calls, the pools' threads
    still spinning on the same cores took half of it (seen here: a 116 GFLOPS peak instead of 231)."""
    from .roofline import bandwidth_for, machine_peaks

    machine_peaks()
    for wl in workloads:
        bandwidth_for(_min_bytes(wl.spec))


def run_suite(workloads: Sequence[Workload], reps: int = 30, target="host", log_dir=None, json_path=None,
              suite: str = "custom", out=None, plot: bool = True) -> dict:
    """Benchmark ``workloads``; print a table to ``out``; write JSON (and a PNG beside it) to ``json_path``."""
    import torch

    from .targets import get_target

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


# ---- output ------------------------------------------------------------------------------------

def _peer_names(rows) -> list[str]:
    names = {n for r in rows for n in r["peers"]}
    return sorted(names, key=lambda n: (_peer_rank(n), n))


def format_table(result: dict) -> str:
    rows = result["rows"]
    names = _peer_names(rows)
    m = result["machine"]
    head = [f"sepgen bench {result['suite']}: {m.get('cpu_model')} ({m.get('llvm_cpu')}, {m.get('cores')} cores), "
            f"{m.get('threads')} threads (torch {m.get('torch_threads')}, tvm {m.get('tvm_threads')}; OpenMP wait "
            f"{str(m.get('omp_wait_policy', '?')).split(' ')[0]}), "
            f"median of {result['reps']} alternating rounds, microseconds; (x) = peer / sepgen, > 1: sepgen faster"]
    cols = ["workload", "plan", "sepgen"] + names + ["roofline", "max_rel_err", "tuned"]
    table = []
    for r in rows:
        cells = [r["name"], r["plan"], f"{r['sepgen_us']:.1f}"]
        for n in names:
            us = r["peers"].get(n)
            cells.append(f"{us:.1f} ({us / r['sepgen_us']:.2f}x)" if us is not None else "-")
        cells += [f"{r['roofline_us']:.1f}", f"{r['max_rel_err']:.1e}", "yes" if r["tuned"] else "no"]
        table.append(cells)
    widths = [max(len(c), *(len(t[i]) for t in table)) if table else len(c) for i, c in enumerate(cols)]
    fmt = lambda cells: "  ".join(c.ljust(wd) if i < 2 else c.rjust(wd)  # noqa: E731
                                  for i, (c, wd) in enumerate(zip(cells, widths)))
    load = m.get("loadavg_1min_start")
    if load is not None and load > 1.5:
        head.append(f"warning: load average {load:.1f} on {m.get('cores')} cores before the run: other processes "
                    f"were using the CPU, timings are unreliable")
    lines = head + [fmt(cols), fmt(["-" * wd for wd in widths])] + [fmt(t) for t in table]
    gm = result["geomean_speedup"]
    if gm:
        counts = {n: sum(1 for r in rows if n in r["peers"]) for n in gm}
        lines.append("geomean speedup of sepgen (peer / sepgen): " +
                     ", ".join(f"{n} {v:.2f}x ({counts[n]} row{'s' if counts[n] != 1 else ''})" for n, v in gm.items()))
    miss = {}
    for r in rows:
        for n, why in r["missing_peers"].items():
            if n == "metaschedule" or why.startswith(("too slow", "the weight is not", "the kernel is not")) \
                    or "not installed" in why:
                miss.setdefault(n, []).append(f"{r['name']}: {why}")
    for n, items in miss.items():
        lines.append(f"missing {n}: " + ("; ".join(items) if len(items) <= 2 else f"{items[0]} (and {len(items) - 1} more)"))
    for e in result.get("errors", []):
        lines.append(f"FAILED {e['name']}: {e['error']}")
    untuned = [r["name"] for r in rows if not r["tuned"]]
    if untuned:
        lines.append(f"untuned (template default knobs, no matching tuning record): {', '.join(untuned)}")
    return "\n".join(lines)


def write_plot(result: dict, path) -> None:
    """Grouped bars (log scale): sepgen and each peer per workload, roofline as a tick."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    rows = result["rows"]
    names = ["sepgen"] + _peer_names(rows)
    n = len(rows)
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * n + 2), 4.8))
    xs = np.arange(n)
    for j, name in enumerate(names):
        vals = [r["sepgen_us"] if name == "sepgen" else r["peers"].get(name, np.nan) for r in rows]
        ax.bar(xs - 0.4 + width * (j + 0.5), vals, width, label=name)
    for i, r in enumerate(rows):
        ax.hlines(r["roofline_us"], i - 0.42, i + 0.42, colors="black", linestyles="dashed", linewidth=1,
                  label="roofline" if i == 0 else None)
    ax.set_yscale("log")
    ax.set_ylabel("latency (us, log scale)")
    ax.set_xticks(xs)
    ax.set_xticklabels([r["name"] for r in rows], rotation=30, ha="right", fontsize=8)
    m = result["machine"]
    ax.set_title(f"sepgen bench {result['suite']} - {m.get('cpu_model')}, {m.get('threads')} threads", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(axis="y", which="both", alpha=0.3)
    ax.set_axisbelow(True)
    fig.tight_layout()
    fig.savefig(str(path), dpi=110, format="png", bbox_inches="tight")
    plt.close(fig)


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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m sepgen.bench",
                                description="sepgen bench, plus --tune-peers to make the MetaSchedule peer logs")
    p.add_argument("suite", help=", ".join(SUITES))
    p.add_argument("--json", default=None, help="write the results here (a PNG plot goes beside it)")
    p.add_argument("--reps", type=int, default=30, help="timed rounds (median reported)")
    p.add_argument("--target", default="host")
    p.add_argument("--log-dir", default=None, help="tuning-log root (default: the repo's tuning_logs/)")
    p.add_argument("--tune-peers", type=int, default=None, metavar="N",
                   help="tune the MetaSchedule peer logs of the suite with N trials (0: as many as sepgen's log) "
                        "and exit")
    return p


def main(argv=None) -> int:

    args = build_parser().parse_args(argv)
    try:
        return run_cli(args)
    except SepgenError as e:
        print(f"sepgen: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
