"""Tuning: sepgen's templates searched by MetaSchedule (evolutionary search + XGBoost cost model).

Each TVM stage of a plan is one MetaSchedule task whose design space is the
stage's hand-written template (``schedules/``) with its knobs left open.  The
records go to a tuning log (see :mod:`sepgen.tuning.logs`), one directory per
(target, workload); a later build replays the best record without searching.

* In-process builder: candidates are compiled in this process (no worker
  start-up per batch); measurement runs in MetaSchedule's one-worker runner
  process, so a candidate that crashes does not take the tuner down.
* Progress: trials done, best latency, its fraction of the roofline.
* Early stop: when the best latency reaches ``roofline_fraction`` of the
  roofline or stops improving for ``patience`` batches.
* Records are appended to the log after every batch: a killed run loses at
  most the batch in flight and the next run resumes from the log, never
  measuring again a candidate the log holds (:func:`_skip_measured`).
* A candidate that fails to build, crashes, hangs or reports an impossible
  time is listed with its reason in the log's ``failed_candidates.jsonl``
  and the search goes on; ``strict`` stops at the first one.
* The best record is run and checked against the torch reference of its
  stage before it is recorded as best (and again before a replay uses it,
  unless that run checked it); a wrong one is listed, moved out of the
  database, and the next best is used (``strict``: an error instead).
* The log's fastest records (:data:`sepgen.tuning.robust.RERANK_TOP`) are then timed
  again here, from several depths of the caller's stack, and replay builds
  the one fastest on average (``robust_best`` in ``meta.json``; see
  :mod:`sepgen.tuning.robust` for why the tuner's own fastest can be a lucky one).
* CPU tuning skips MetaSchedule's ``import tvm.s_tir.tensor_intrin`` (~30 s
  per process; the CPU templates use no tensor intrinsics).
"""
from __future__ import annotations

import sys
import time
from typing import Optional

from ..codegen.tirpasses import compile_tir
from ..errors import BuildError
from ..ir.stages import FFTConv, Plan, Stage
from ..targets.registry import TargetPreset
from .check import _verify_best
from .lock import StageLock
from .logs import LogDir, default_log_root
from .options import StageResult, TuneOptions
from .records import stage_workload
from .replay import make_replay
from .rerank import rerank_meta_fields, rerank_stage, rerank_summary
from .roofline import roofline_us
from .space import _callback, _in_process_builder, _skip_measured, _space, _tune_context


def tune_stage(index: int, stage: Stage, dtype: str, target: TargetPreset, log: LogDir,
               opts: TuneOptions, label: str = "") -> StageResult:
    """Tune one stage until its log holds ``opts.trials`` trials (a killed run resumes)."""
    # a foreign CPU's candidates cannot run here: say so before any work (imports take ~30 s)
    from ..targets.cross import is_foreign

    if opts.rpc is None and is_foreign(target):
        _remote_runner(target, opts)   # raises, saying how to measure on the device
    if opts.rpc is not None:
        from .remote import require_servers

        require_servers(opts.rpc)      # the tracker answers and has servers under the key
    wl = stage_workload(stage, dtype, target.family)
    say = (lambda m: print(f"  {label or stage.kind}: {m}", file=opts.out or sys.stderr, flush=True)) \
        if opts.progress else None
    with StageLock(log.stage_dir(wl, target), say):
        return _tune_stage_locked(index, stage, wl, dtype, target, log, opts, label)


def _tune_stage_locked(index, stage, wl, dtype, target, log, opts, label) -> StageResult:
    import numpy as np
    from tvm.s_tir import meta_schedule as ms

    from .records import record_module, schedule_key, trace_json

    db = log.open_database(wl, target, create=True)
    d = log.stage_dir(wl, target)
    roof = roofline_us(stage, dtype)
    # never measured again: the log's records and its failed candidates (by scheduled module)
    rec_keys = {schedule_key(record_module(wl, r.trace)) for r in db.get_all_tuning_records()}
    failed_keys = log.failed_keys(d)
    measured = rec_keys | failed_keys
    good = log.count_records(wl, target)
    # the budget counts what the log holds: its records and the candidates that failed
    already = good + len(failed_keys - rec_keys)
    budget = max(0, opts.trials - already)
    state = {"trials": 0, "failures": 0, "best": log.best_us(wl, target), "batches": 0, "stale": 0,
             "t0": time.time(), "budget": budget, "stopped": "", "last_error": ""}
    label = label or f"stage {index} {stage.kind}"
    if budget == 0:
        state["stopped"] = f"log already holds {already} trials"
        return StageResult(index, wl, state["best"], 0, roof, 0, state["stopped"])
    if good == 0 and target.family == "cpu" and target.is_native and opts.rpc is None:
        # the template's defaults are the first record (one trial of the budget): the search starts from
        # them (mutating their decisions), and the tuned result can never be worse than the untuned one
        us = _commit_default_record(stage, dtype, target, wl, db, measured)
        if us is not None:
            state["best"] = us
            already, budget = already + 1, budget - 1
            state["budget"] = budget
            state["trials"] = 0
            if opts.progress:
                print(f"  {label}: template defaults {us:.1f} us (recorded as the first trial)",
                      file=opts.out or sys.stderr, flush=True)
            if budget == 0:
                log.write_meta(wl, target, seed=opts.seed, trials=already, best_us=us, failures=0, stopped="")
                return StageResult(index, wl, us, 1, roof, 0, "")
    if opts.progress:
        print(f"  {label}: tuning {budget} trials ({already} already in the log), seed {opts.seed}",
              file=opts.out or sys.stderr, flush=True)

    def on_failed(rows):
        """Failed candidates go to failed_candidates.jsonl with their reason, the batch they came in."""
        entries = []
        for mc, kind, why, whole in rows:
            try:
                key, tr = schedule_key(mc.sch.mod), trace_json(mc.sch.trace)
            except Exception:  # noqa: BLE001 - the reason matters more than the trace
                key, tr = f"unknown-{time.time_ns()}", None
            entries.append({"key": key, "kind": kind, "reason": why, "trace": tr,
                            **({"retry": True} if whole else {})})
        try:
            log.add_failed(d, entries)
        except OSError:
            pass

    fast = target.family == "cpu"   # CPU templates: skip MetaSchedule's ~30 s tensor-intrinsic import
    # one explicit seed: MetaSchedule's own streams and the XGBoost warm-up (global numpy RNG)
    np.random.seed(opts.seed)
    search = _skip_measured(ms.search_strategy.EvolutionarySearch(
        population_size=max(32, 2 * opts.batch), init_measured_ratio=0.2, genetic_num_iters=2), measured, state)
    ctx = _tune_context(wl.mod, target.to_tvm(), _space(stage, target), search, wl.key, opts.seed,
                        target.num_cores if target.is_native else 1, fast)
    if opts.rpc is None and target.family == "cpu" and target.is_native:
        runner = ms.runner.LocalRunner(timeout_sec=opts.timeout_s, evaluator_config=ms.runner.EvaluatorConfig(
            number=5, repeat=3, min_repeat_ms=20, enable_cpu_cache_flush=False))
    elif opts.rpc is None and target.family == "cuda":
        from ..targets.cuda.presets import local_runner

        runner = local_runner(target)   # the local GPU (a clear error when there is none)
    else:
        runner = _remote_runner(target, opts)
    try:
        ms.tune.tune_tasks(
            tasks=[ctx.clone()], task_weights=[1.0], work_dir=str(d),
            max_trials_global=budget, max_trials_per_task=budget, num_trials_per_iter=min(opts.batch, budget),
            builder=_in_process_builder(_remote_export(target, opts), fast=fast), runner=runner, database=db,
            cost_model=ms.cost_model.XGBModel(num_warmup_samples=min(32, budget), adaptive_training=True),
            measure_callbacks=[*ms.measure_callback.MeasureCallback.create("default"),
                               _callback(label, opts, roof, state, on_failed)],
            task_scheduler="round-robin")
    except Exception as e:
        if state.get("early_stop"):
            pass   # an early stop (roofline, patience, strict): the records are in the log
        # the devices stopped answering: the records measured so far stay in the log
        if state.get("remote_failed"):
            log.write_meta(wl, target, seed=opts.seed, trials=already + state["trials"],
                           best_us=log.best_us(wl, target), failures=state["failures"], stopped=state["stopped"],
                           **opts.rpc.meta_fields())
            raise BuildError(f"tuning {label} stopped: {state['stopped']}; the log keeps the "
                             f"{log.count_records(wl, target)} records measured so far "
                             f"({log.stage_dir(wl, target)}); rerun to resume") from None
        elif not state.get("early_stop"):
            raise BuildError(f"tuning {label} failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from e
    if not state["stopped"] and state.get("exhausted") and state["trials"] < budget:
        state["stopped"] = "no unmeasured candidate left in the search space"
    if opts.strict and state["failures"]:
        log.write_meta(wl, target, seed=opts.seed, trials=already + state["trials"], best_us=log.best_us(wl, target),
                       failures=state["failures"], stopped=state["stopped"],
                       **(opts.rpc.meta_fields() if opts.rpc is not None else {}))
        raise BuildError(f"strict mode: a candidate of {label} failed: {state['first_error']}; it is listed in "
                         f"{d / 'failed_candidates.jsonl'}")
    # the best record is checked against the torch reference before it is recorded as best
    best, verified, wrong = _verify_best(stage, wl, dtype, target, log, opts, label)
    extra = opts.rpc.meta_fields() if opts.rpc is not None else {}   # where (and if emulated)
    if verified is not None:
        extra["verified_best"] = verified
        robust = rerank_stage(stage, wl, dtype, target, log, top=opts.rerank, verified=verified)
        if robust is not None:
            fields = rerank_meta_fields(robust)
            best = fields.pop("best_us")
            extra.update(fields)
            if opts.progress:
                print(f"  {label}: {rerank_summary(robust)}", file=opts.out or sys.stderr, flush=True)
    log.write_meta(wl, target, seed=opts.seed, trials=already + state["trials"], best_us=best,
                   failures=state["failures"] + len(wrong), stopped=state["stopped"], **extra)
    if opts.progress:
        msg = state["stopped"] or "trial budget spent"
        print(f"  {label}: done, {state['trials']} trials, best {best:.1f} us ({msg})" if best else
              f"  {label}: done, no valid candidate ({state['last_error']})", file=opts.out or sys.stderr, flush=True)
        for w in wrong:
            print(f"  {label}: rejected a record: {w}", file=opts.out or sys.stderr, flush=True)
    return StageResult(index, wl, best, state["trials"], roof, state["failures"] + len(wrong), state["stopped"])


# measuring through TVM's RPC runner (sepgen.tuning.remote)
def _commit_default_record(stage, dtype, target, wl, db, measured: Optional[set] = None) -> Optional[float]:
    """Measure the template's default schedule and commit it to the log as a tuning record."""
    import numpy as np
    import tvm
    from tvm.s_tir import meta_schedule as ms

    from ..codegen.build import schedule_stage

    try:
        _, sch = schedule_stage(stage, dtype, target)
        ex = compile_tir(sch.mod, target.to_tvm(), target.family)
        func = wl.mod["main"]
        rng = np.random.default_rng(0)
        args = [tvm.runtime.tensor(rng.standard_normal(shape).astype(dtype)) for shape in wl.lowered.arg_shapes]
        timer = ex.mod.time_evaluator("main", tvm.cpu(), number=5, repeat=3, min_repeat_ms=20)
        secs = [float(v) for v in timer(*args).results]
        rec = ms.database.TuningRecord(sch.trace, db.commit_workload(wl.mod), run_secs=secs,
                                       target=target.to_tvm(),
                                       args_info=ms.arg_info.ArgInfo.from_prim_func(func))
        db.commit_tuning_record(rec)
        if measured is not None:
            from .records import record_module, schedule_key

            measured.add(schedule_key(record_module(wl, sch.trace)))
        return sorted(secs)[len(secs) // 2] * 1e6
    except Exception:  # noqa: BLE001 - the search still runs without this head start
        return None


def _remote_runner(target: TargetPreset, opts: TuneOptions):
    """The RPC runner of ``opts.rpc``; without one, why this target cannot be measured here."""
    if opts.rpc is None:
        raise BuildError(f"target {target.name} cannot be measured on this machine; tune it on the device: "
                         f"natively, or from here through TVM RPC with --rpc-tracker HOST:PORT --rpc-key KEY "
                         f"(Python: TuneOptions(rpc=sepgen.tuning.remote.RPCOptions(...))); see docs/arm.md")
    from .remote import make_rpc_runner

    return make_rpc_runner(target, opts.rpc)


def _remote_export(target: TargetPreset, opts: TuneOptions):
    """For RPC: candidates exported as shared libraries linked here (cross-linked for foreign targets)."""
    if opts.rpc is None:
        return None
    from .remote import export_for_rpc

    return export_for_rpc(target)


def tune_plan(plan: Plan, target: TargetPreset, trials: int = 0, log_dir=None, seed: int = 0,
              progress: bool = False, opts: Optional[TuneOptions] = None):
    """Tune (trials > 0) and/or replay (log_dir) every TVM stage of ``plan``.

    Returns ``(replay_fn, notes)``: the function :func:`sepgen.codegen.build.schedule_plan`
    calls to get a tuned schedule for a stage, and human-readable notes (stale
    records, stages left at the template defaults).
    """
    log = LogDir(log_dir if log_dir is not None else default_log_root())
    # RPC devices set with sepgen.tuning.remote.measure_on (the CLI's --rpc-tracker/--rpc-key)
    from .remote import current as _current_rpc

    opts = opts or TuneOptions(trials=trials, seed=seed, progress=progress, rpc=_current_rpc())
    if trials > 0:
        opts.trials = trials
        for i, st in enumerate(plan.stages):
            if isinstance(st, FFTConv):
                continue
            tune_stage(i, st, plan.spec.dtype, target, log, opts, label=f"stage {i}/{len(plan.stages)} {st.kind}")
    return make_replay(log, plan.spec.dtype, strict=opts.strict)
