"""The MetaSchedule auto-schedule peer: the same convolution tuned by MetaSchedule without sepgen's templates, cached in its own logs."""
from __future__ import annotations

import datetime as _dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import numpy as np

from ..errors import BuildError, LogError, SpecError, TargetError
from ..ir.workloads import Workload
from ..tuning.logs import default_log_root
from ..tuning.records import META_FILE, RECORD_FILE, WORKLOAD_FILE, check_records, host_fingerprint
from ..version import __version__, tvm_version

PEER_LOG_GROUP = "metaschedule-default"   # tuning_logs/<target-key>/<this>/<workload-name>/
PEER_META_FORMAT = "sepgen-metaschedule-peer"
PEER_TRIALS_DEFAULT = 64
PEER_TRIALS_PER_ITER = 16
SLOW_PEER_LIMIT_S = 1.0        # an optional peer slower than this per call is dropped (with the reason)


# ---- the MetaSchedule peer: logs, tuning, replay -------------------------------------------------

def direct_stage(workload: Workload, w=None, b=None):
    """The convolution as written (sepgen's direct plan's single stage), no rewrite."""
    from ..ir.stages import direct_plan

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
    from ..ir.stages import FFTConv
    from ..passes.pipeline import choose_plan
    from ..tuning.logs import LogDir
    from ..tuning.records import stage_workload

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

    # the runner sepgen's tuner uses (sepgen.tuning.tuner.tune_stage), so only the design space differs
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

    from ..targets.registry import get_target
    from ..tuning.records import stage_workload
    from ..tuning.space import _in_process_builder

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

    from ..tuning.records import stage_workload

    swl = stage_workload(stage, workload.spec.dtype, family=None)
    d = peer_log_dir(log_root, target, workload.name)
    if not (d / RECORD_FILE).exists():
        return None, (f"no MetaSchedule log at {d} (make one with `sepgen bench {workload.suite} "
                      f"--tune-peers 0` or sepgen.bench.metaschedule.tune_metaschedule_peer)")
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
