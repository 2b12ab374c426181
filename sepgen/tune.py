"""Tuning: sepgen's templates searched by MetaSchedule (evolutionary search + XGBoost cost model).

Each TVM stage of a plan is one MetaSchedule task whose design space is the
stage's hand-written template (``schedules/``) with its knobs left open.  The
records go to a tuning log (see :mod:`sepgen.logs`), one directory per
(target, workload); a later build replays the best record without searching.

* In-process builder: candidates are compiled in this process (no worker
  start-up per batch); measurement runs in MetaSchedule's one-worker runner
  process, so a candidate that crashes does not take the tuner down.
* Progress: trials done, best latency, its fraction of the roofline.
* Early stop: when the best latency reaches ``roofline_fraction`` of the
  roofline or stops improving for ``patience`` batches.
* Records are appended to the log after every batch: a killed run loses at
  most the batch in flight and the next run resumes from the log.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Optional

from .errors import BuildError
from .logs import LogDir, StageLock, StageWorkload, default_log_root, stage_workload
from .stages import FFTConv, Plan, Stage
from .targets import TargetPreset
from .remote import RPCOptions  # noqa: F401  (ARM issue: TuneOptions.rpc)


@dataclass
class TuneOptions:
    trials: int = 64                 # per stage
    batch: int = 16                  # candidates measured per batch (what a kill can lose)
    seed: int = 0
    roofline_fraction: float = 0.9   # stop when this close to the roofline
    patience: int = 4                # ... or after this many batches without improvement
    progress: bool = True
    strict: bool = False             # stop at the first failing candidate (debugging)
    out: object = None               # stream for progress (default stderr)
    rpc: Optional["RPCOptions"] = None  # ARM issue: measure on RPC servers (sepgen.remote) instead of here


@dataclass
class StageResult:
    index: int
    workload: StageWorkload
    best_us: Optional[float]
    trials_run: int
    roofline_us: float
    failures: int = 0
    stopped: str = ""


def roofline_us(stage: Stage, dtype: str, bandwidth_gbs: float | None = None,
                peak_gflops: float | None = None) -> float:
    """Lower bound on the stage's time: its bytes at the bandwidth measured for a working set of that
    size (cache-resident stages get cache bandwidth), its FLOPs at the peak (host estimate)."""
    from .roofline import bandwidth_for

    nbytes = stage.bytes_moved(dtype)
    bw = bandwidth_gbs or bandwidth_for(nbytes)
    peak = peak_gflops or _peak()
    return max(nbytes / (bw * 1e3), stage.flops() / (peak * 1e3))


def _peak() -> float:
    from .roofline import peak_gflops

    return peak_gflops()


def _space(stage: Stage, target: TargetPreset):
    """A MetaSchedule space generator running the stage's template with open knobs."""
    from tvm.s_tir import meta_schedule as ms

    import schedules
    from schedules.context import TemplateContext

    template = schedules.get_template(stage.kind, target.family)
    n_variants = schedules.variants(stage.kind, target.family)

    def fn(sch):
        # one design space per structural variant; the knobs of each are searched
        spaces = []
        for v in range(n_variants):
            s = sch.copy() if v < n_variants - 1 else sch
            template(s, TemplateContext(stage, None, target, tune=True, variant=v))
            spaces.append(s)
        return spaces

    postprocs = [ms.postproc.DisallowDynamicLoop(), ms.postproc.RewriteParallelVectorizeUnroll(),
                 ms.postproc.RewriteReductionBlock()]
    if target.family == "cuda":
        postprocs = "from-target"
    return ms.space_generator.ScheduleFn(fn, sch_rules=[], postprocs=postprocs,
                                         mutator_probs={ms.mutator.MutateTileSize(): 0.8,
                                                        ms.mutator.MutateUnroll(): 0.2} if target.family == "cpu"
                                         else "from-target")


def _in_process_builder(export=None):
    """``export``: module -> artifact path (default: MetaSchedule's tar, linked where it runs)."""
    from tvm.ir.utils import derived_object
    from tvm.s_tir.meta_schedule.builder import BuilderResult, PyBuilder
    from tvm.s_tir.meta_schedule.builder.local_builder import default_build, default_export

    @derived_object
    class InProcessBuilder(PyBuilder):
        """Builds candidates in this process: no worker start-up (~20 s of imports) per batch."""

        def build(self, build_inputs):
            out = []
            for bi in build_inputs:
                try:
                    out.append(BuilderResult((export or default_export)(default_build(bi.mod, bi.target, None)),
                                             None))
                except Exception as e:  # a failed build is a result, not a crash
                    out.append(BuilderResult(None, f"build failed: {type(e).__name__}: {str(e)[:300]}"))
            return out

    return InProcessBuilder()


def _callback(stage_label: str, opts: TuneOptions, roof: float, state: dict):
    from tvm.ir.utils import derived_object
    from tvm.s_tir.meta_schedule.measure_callback import PyMeasureCallback

    stream = opts.out or sys.stderr

    @derived_object
    class Progress(PyMeasureCallback):
        def apply(self, task_scheduler, task_id, measure_candidates, builder_results, runner_results):
            improved = False
            # ARM issue: candidates that built but failed to run (on RPC devices: a dead or missing server)
            run_failed = sum(1 for br, rr in zip(builder_results, runner_results)
                             if not br.error_msg and rr.error_msg)
            for br, rr in zip(builder_results, runner_results):
                state["trials"] += 1
                err = br.error_msg or rr.error_msg
                if err:
                    state["failures"] += 1
                    state["last_error"] = str(err).splitlines()[0][:200]
                    continue
                secs = [float(s) for s in rr.run_secs]
                us = sorted(secs)[len(secs) // 2] * 1e6
                if state["best"] is None or us < state["best"] * 0.995:
                    improved = True
                state["best"] = us if state["best"] is None else min(us, state["best"])
            state["batches"] += 1
            state["stale"] = 0 if improved else state["stale"] + 1
            best = state["best"]
            frac = (roof / best) if best else 0.0
            elapsed = time.time() - state["t0"]
            if opts.progress:
                n = state["trials"]
                bar_w = 20
                filled = min(bar_w, int(bar_w * n / max(1, state["budget"])))
                print(f"  {stage_label} [{'#' * filled}{'.' * (bar_w - filled)}] {n}/{state['budget']} trials"
                      f"  best {best:.1f} us" if best else f"  {stage_label} {n}/{state['budget']} trials  no valid "
                      f"candidate yet", end="", file=stream)
                if best:
                    print(f"  roofline {roof:.1f} us ({100 * frac:.0f}%)  failed {state['failures']}"
                          f"  {elapsed:.0f}s", end="", file=stream)
                print(file=stream, flush=True)
            if state["stopped"] or (state["trials"] >= state["budget"] and not (opts.strict and state["failures"])):
                return  # the scheduler ends the task itself once the budget is spent
            # --- ARM issue: every candidate of the batch failed on the RPC devices: stop, keep the log ---
            if opts.rpc is not None and runner_results and run_failed == len(runner_results):
                state["stopped"] = (f"every candidate of the last batch failed to run on {opts.rpc.describe()} "
                                    f"(last error: {state['last_error']})")
                state["remote_failed"] = True
                # raised, not terminate_task(): terminating from a callback can trip MetaSchedule's
                # "!task->is_terminated" check; the batch is already in the database (earlier callback)
                raise RuntimeError(state["stopped"])
            # --- end ARM issue ---
            if best and frac >= opts.roofline_fraction:
                state["stopped"] = f"reached {100 * frac:.0f}% of the roofline"
            elif state["stale"] >= opts.patience:
                state["stopped"] = f"no improvement in {opts.patience} batches"
            elif opts.strict and state["failures"]:
                state["stopped"] = f"strict mode: a candidate failed: {state['last_error']}"
            if state["stopped"]:
                # an early stop is raised, not terminate_task(): terminating from a callback can trip
                # MetaSchedule's "!task->is_terminated" check.  This batch is already in the database
                # (the database callback runs before this one); tune_stage treats it as a normal end.
                state["early_stop"] = True
                raise RuntimeError(state["stopped"])

    return Progress()


def tune_stage(index: int, stage: Stage, dtype: str, target: TargetPreset, log: LogDir,
               opts: TuneOptions, label: str = "") -> StageResult:
    """Tune one stage until its log holds ``opts.trials`` trials (a killed run resumes)."""
    # --- ARM issue: a foreign CPU's candidates cannot run here: say so before any work (imports take ~30 s) ---
    from .cross import is_foreign

    if opts.rpc is None and is_foreign(target):
        _remote_runner(target, opts)   # raises, saying how to measure on the device
    if opts.rpc is not None:
        from .remote import require_servers

        require_servers(opts.rpc)      # the tracker answers and has servers under the key
    # --- end ARM issue ---
    wl = stage_workload(stage, dtype)
    say = (lambda m: print(f"  {label or stage.kind}: {m}", file=opts.out or sys.stderr, flush=True)) \
        if opts.progress else None
    with StageLock(log.stage_dir(wl, target), say):
        return _tune_stage_locked(index, stage, wl, dtype, target, log, opts, label)


def _tune_stage_locked(index, stage, wl, dtype, target, log, opts, label) -> StageResult:
    import numpy as np
    from tvm.s_tir import meta_schedule as ms

    db = log.open_database(wl, target, create=True)
    roof = roofline_us(stage, dtype)
    already = log.count_records(wl, target)
    budget = max(0, opts.trials - already)
    state = {"trials": 0, "failures": 0, "best": log.best_us(wl, target), "batches": 0, "stale": 0,
             "t0": time.time(), "budget": budget, "stopped": "", "last_error": ""}
    label = label or f"stage {index} {stage.kind}"
    if budget == 0:
        state["stopped"] = f"log already holds {already} trials"
        return StageResult(index, wl, state["best"], 0, roof, 0, state["stopped"])
    if already == 0 and target.family == "cpu" and target.is_native and opts.rpc is None:
        # the template's defaults are the first record (one trial of the budget): the search starts from
        # them (mutating their decisions), and the tuned result can never be worse than the untuned one
        us = _commit_default_record(stage, dtype, target, wl, db)
        if us is not None:
            state["best"] = us
            already, budget = 1, budget - 1
            state["budget"] = budget
            state["trials"] = 0
            if opts.progress:
                print(f"  {label}: template defaults {us:.1f} us (recorded as the first trial)",
                      file=opts.out or sys.stderr, flush=True)
            if budget == 0:
                log.write_meta(wl, target, seed=opts.seed, trials=1, best_us=us, failures=0, stopped="")
                return StageResult(index, wl, us, 1, roof, 0, "")
    if opts.progress:
        print(f"  {label}: tuning {budget} trials ({already} already in the log), seed {opts.seed}",
              file=opts.out or sys.stderr, flush=True)
    # one explicit seed: MetaSchedule's own streams and the XGBoost warm-up (global numpy RNG)
    np.random.seed(opts.seed)
    ctx = ms.TuneContext(mod=wl.mod, target=target.to_tvm(), space_generator=_space(stage, target),
                         search_strategy=ms.search_strategy.EvolutionarySearch(
                             population_size=max(32, 2 * opts.batch), init_measured_ratio=0.2,
                             genetic_num_iters=2),
                         task_name=wl.key, rand_state=opts.seed, num_threads=target.num_cores if target.is_native else 1)
    if opts.rpc is None and target.family == "cpu" and target.is_native:
        runner = ms.runner.LocalRunner(timeout_sec=30, evaluator_config=ms.runner.EvaluatorConfig(
            number=5, repeat=3, min_repeat_ms=20, enable_cpu_cache_flush=False))
    elif opts.rpc is None and target.family == "cuda":
        from .cuda import local_runner

        runner = local_runner(target)   # the local GPU (a clear error when there is none)
    else:
        runner = _remote_runner(target, opts)
    try:
        ms.tune.tune_tasks(
            tasks=[ctx.clone()], task_weights=[1.0], work_dir=str(log.stage_dir(wl, target)),
            max_trials_global=budget, max_trials_per_task=budget, num_trials_per_iter=min(opts.batch, budget),
            builder=_in_process_builder(_remote_export(target, opts)), runner=runner, database=db,
            cost_model=ms.cost_model.XGBModel(num_warmup_samples=min(32, budget), adaptive_training=True),
            measure_callbacks=[*ms.measure_callback.MeasureCallback.create("default"),
                               _callback(label, opts, roof, state)],
            task_scheduler="round-robin")
    except Exception as e:
        if state.get("early_stop"):
            pass   # an early stop (roofline, patience, strict): the records are in the log
        # --- ARM issue: the devices stopped answering: the records measured so far stay in the log ---
        if state.get("remote_failed"):
            log.write_meta(wl, target, seed=opts.seed, trials=already + state["trials"],
                           best_us=log.best_us(wl, target), failures=state["failures"], stopped=state["stopped"],
                           measured_on=opts.rpc.describe())
            raise BuildError(f"tuning {label} stopped: {state['stopped']}; the log keeps the "
                             f"{log.count_records(wl, target)} records measured so far "
                             f"({log.stage_dir(wl, target)}); rerun to resume") from None
        # --- end ARM issue ---
        elif not state.get("early_stop"):
            raise BuildError(f"tuning {label} failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from e
    best = log.best_us(wl, target)
    log.write_meta(wl, target, seed=opts.seed, trials=already + state["trials"], best_us=best,
                   failures=state["failures"], stopped=state["stopped"],
                   **({"measured_on": opts.rpc.describe()} if opts.rpc is not None else {}))  # ARM issue
    if opts.progress:
        msg = state["stopped"] or "trial budget spent"
        print(f"  {label}: done, {state['trials']} trials, best {best:.1f} us ({msg})" if best else
              f"  {label}: done, no valid candidate ({state['last_error']})", file=opts.out or sys.stderr, flush=True)
    if opts.strict and state["failures"]:
        raise BuildError(f"strict mode: a candidate of {label} failed: {state['last_error']}")
    return StageResult(index, wl, best, state["trials"], roof, state["failures"], state["stopped"])


# --- ARM issue: measuring through TVM's RPC runner (sepgen.remote) ---
def _commit_default_record(stage, dtype, target, wl, db) -> Optional[float]:
    """Measure the template's default schedule and commit it to the log as a tuning record."""
    import numpy as np
    import tvm
    from tvm.s_tir import meta_schedule as ms

    from .build import schedule_stage

    try:
        _, sch = schedule_stage(stage, dtype, target)
        ex = tvm.compile(sch.mod, target=target.to_tvm())
        func = wl.mod["main"]
        rng = np.random.default_rng(0)
        args = [tvm.runtime.tensor(rng.standard_normal(shape).astype(dtype)) for shape in wl.lowered.arg_shapes]
        timer = ex.mod.time_evaluator("main", tvm.cpu(), number=5, repeat=3, min_repeat_ms=20)
        secs = [float(v) for v in timer(*args).results]
        rec = ms.database.TuningRecord(sch.trace, db.commit_workload(wl.mod), run_secs=secs,
                                       target=target.to_tvm(),
                                       args_info=ms.arg_info.ArgInfo.from_prim_func(func))
        db.commit_tuning_record(rec)
        return sorted(secs)[len(secs) // 2] * 1e6
    except Exception:  # noqa: BLE001 - the search still runs without this head start
        return None


def _remote_runner(target: TargetPreset, opts: TuneOptions):
    """The RPC runner of ``opts.rpc``; without one, why this target cannot be measured here."""
    if opts.rpc is None:
        raise BuildError(f"target {target.name} cannot be measured on this machine; tune it on the device: "
                         f"natively, or from here through TVM RPC with --rpc-tracker HOST:PORT --rpc-key KEY "
                         f"(Python: TuneOptions(rpc=sepgen.remote.RPCOptions(...))); see docs/arm.md")
    from .remote import make_rpc_runner

    return make_rpc_runner(target, opts.rpc)


def _remote_export(target: TargetPreset, opts: TuneOptions):
    """For RPC: candidates exported as shared libraries linked here (cross-linked for foreign targets)."""
    if opts.rpc is None:
        return None
    from .remote import export_for_rpc

    return export_for_rpc(target)
# --- end ARM issue ---


def tune_plan(plan: Plan, target: TargetPreset, trials: int = 0, log_dir=None, seed: int = 0,
              progress: bool = False, opts: Optional[TuneOptions] = None):
    """Tune (trials > 0) and/or replay (log_dir) every TVM stage of ``plan``.

    Returns ``(replay_fn, notes)``: the function :func:`sepgen.build.schedule_plan`
    calls to get a tuned schedule for a stage, and human-readable notes (stale
    records, stages left at the template defaults).
    """
    log = LogDir(log_dir if log_dir is not None else default_log_root())
    # ARM issue: RPC devices set with sepgen.remote.measure_on (the CLI's --rpc-tracker/--rpc-key)
    from .remote import current as _current_rpc

    opts = opts or TuneOptions(trials=trials, seed=seed, progress=progress, rpc=_current_rpc())
    if trials > 0:
        opts.trials = trials
        for i, st in enumerate(plan.stages):
            if isinstance(st, FFTConv):
                continue
            tune_stage(i, st, plan.spec.dtype, target, log, opts, label=f"stage {i}/{len(plan.stages)} {st.kind}")
    return make_replay(log, plan.spec.dtype)


def make_replay(log: LogDir, dtype: str):
    notes: list[str] = []

    def replay(index: int, stage: Stage, target: TargetPreset):
        wl = stage_workload(stage, dtype)
        got = log.replay(wl, target)
        if got.stale:
            notes.append(f"stage {index} ({stage.kind}): {got.stale}; using the template's default knobs")
            return None
        if got.mod is None:
            notes.append(f"stage {index} ({stage.kind}): no tuning record for {target.name} in {log.root}; "
                         f"using the template's default knobs (untuned)")
            return None
        return wl.lowered, got.mod, f"tuned:{got.path}"

    return replay, notes
