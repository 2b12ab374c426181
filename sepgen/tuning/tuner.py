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
  most the batch in flight and the next run resumes from the log, never
  measuring again a candidate the log holds (:func:`_skip_measured`).
* A candidate that fails to build, crashes, hangs or reports an impossible
  time is listed with its reason in the log's ``failed_candidates.jsonl``
  and the search goes on; ``strict`` stops at the first one.
* The best record is run and checked against the torch reference of its
  stage before it is recorded as best (and again before a replay uses it,
  unless that run checked it); a wrong one is listed, moved out of the
  database, and the next best is used (``strict``: an error instead).
* The log's fastest records (:data:`sepgen.robust.RERANK_TOP`) are then timed
  again here, from several depths of the caller's stack, and replay builds
  the one fastest on average (``robust_best`` in ``meta.json``; see
  :mod:`sepgen.robust` for why the tuner's own fastest can be a lucky one).
* CPU tuning skips MetaSchedule's ``import tvm.s_tir.tensor_intrin`` (~30 s
  per process; the CPU templates use no tensor intrinsics).
"""
from __future__ import annotations

import functools
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .errors import BuildError
from .logs import LogDir, StageLock, StageWorkload, default_log_root, stage_workload
from .stages import FFTConv, Plan, Stage
from .targets import TargetPreset
from .tirpasses import build_tir, compile_tir
from .remote import RPCOptions  # noqa: F401  (ARM issue: TuneOptions.rpc)
from .robust import RERANK_TOP


@dataclass
class TuneOptions:
    trials: int = 64                 # per stage
    batch: int = 16                  # candidates measured per batch (what a kill can lose)
    seed: int = 0
    roofline_fraction: float = 0.9   # stop when this close to the roofline
    patience: int = 4                # ... or after this many batches without improvement
    progress: bool = True
    strict: bool = False             # stop at the first failing candidate or wrong best record (debugging)
    out: object = None               # stream for progress (default stderr)
    timeout_s: float = 30            # a candidate running longer is recorded as failed (hung)
    rpc: Optional["RPCOptions"] = None  # ARM issue: measure on RPC servers (sepgen.remote) instead of here
    rerank: int = RERANK_TOP         # re-time this many best records at several stack depths (0: off)


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
    size (cache-resident stages get cache bandwidth), its FLOPs at the measured FLOP peak."""
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
    n_variants = schedules.variants(stage.kind, target.family, stage)

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


def _build_cpu(mod, target):
    """MetaSchedule's ``default_build`` without its ``import tvm.s_tir.tensor_intrin`` (that import takes
    ~30 s per process, mostly CUDA intrinsics, and sepgen's CPU templates use no tensor intrinsics), and
    through sepgen's lowering pipeline (:mod:`sepgen.tirpasses`), as every CPU kernel sepgen builds."""
    from tvm.s_tir.transform import RemoveWeightLayoutRewriteBlock

    return build_tir(RemoveWeightLayoutRewriteBlock(skip_tensor_rewrite=True)(mod), target)


def _in_process_builder(export=None, fast: bool = False):
    """``export``: module -> artifact path (default: MetaSchedule's tar, linked where it runs).
    ``fast``: build with :func:`_build_cpu` (CPU targets)."""
    from tvm.ir.utils import derived_object
    from tvm.s_tir.meta_schedule.builder import BuilderResult, PyBuilder
    from tvm.s_tir.meta_schedule.builder.local_builder import default_build, default_export

    build = (lambda mod, target: _build_cpu(mod, target)) if fast else \
        (lambda mod, target: default_build(mod, target, None))

    @derived_object
    class InProcessBuilder(PyBuilder):
        """Builds candidates in this process: no worker start-up (~20 s of imports) per batch."""

        def build(self, build_inputs):
            out = []
            for bi in build_inputs:
                try:
                    out.append(BuilderResult((export or default_export)(build(bi.mod, bi.target)), None))
                except Exception as e:  # a failed build is a result, not a crash
                    out.append(BuilderResult(None, f"build failed: {type(e).__name__}: {str(e)[:300]}"))
            return out

    return InProcessBuilder()


def _tune_context(mod, target, space, strategy, task_name, rand_state, num_threads, fast: bool):
    """``ms.TuneContext``; with ``fast``, built through the FFI constructor so that it skips the
    ~30 s ``import tvm.s_tir.tensor_intrin`` of the Python one (CPU templates need no intrinsics)."""
    from tvm.s_tir import meta_schedule as ms

    if fast:
        try:
            from tvm.s_tir.meta_schedule import _ffi_api
            from tvm.s_tir.meta_schedule.logging import get_logger, get_logging_func

            ctx = ms.TuneContext.__new__(ms.TuneContext)
            ctx.__init_handle_by_constructor__(_ffi_api.TuneContext, mod, target, space, strategy, task_name,
                                               num_threads, rand_state, get_logging_func(get_logger(__name__)))
            _ffi_api.TuneContextInitialize(ctx)
            return ctx
        except (AttributeError, TypeError):  # a TVM without that constructor: the slow path
            pass
    return ms.TuneContext(mod=mod, target=target, space_generator=space, search_strategy=strategy,
                          task_name=task_name, rand_state=rand_state, num_threads=num_threads)


def _skip_measured(inner, measured: set, state: dict):
    """A search strategy that never sends a candidate the log has already measured.

    MetaSchedule's evolutionary search only remembers what it measured in this process (its
    ``measured_workloads_``; records of earlier runs seed its population but are not excluded), so a
    resumed run could measure them again.  This wrapper drops candidates whose scheduled module is in
    ``measured`` (records and failed candidates of the log, by structural hash) and asks the inner
    search again, so a batch holds only new candidates.
    """
    from tvm.ir.utils import derived_object
    from tvm.s_tir.meta_schedule.search_strategy import PySearchStrategy

    from .logs import schedule_key

    @derived_object
    class SkipMeasured(PySearchStrategy):
        def __init__(self, inner, measured):
            self.inner = inner
            self.measured = measured

        def _initialize_with_tune_context(self, context):
            self.inner._initialize_with_tune_context(context)

        def pre_tuning(self, max_trials, num_trials_per_iter, design_spaces, database=None, cost_model=None):
            self.inner.pre_tuning(max_trials, num_trials_per_iter, design_spaces, database, cost_model)

        def post_tuning(self):
            self.inner.post_tuning()

        def generate_measure_candidates(self):
            # the trial budget is enforced here, by what was handed out: a batch the inner search sampled
            # partly from measured candidates makes its own count run ahead of or behind the batches sent
            left = state["budget"] - state.get("sent", 0)
            if left <= 0:
                return None
            out = []
            for _ in range(8):          # the inner search ends itself after 5 empty rounds
                got = self.inner.generate_measure_candidates()
                if got is None:
                    break
                for c in got:
                    if len(out) == left:
                        break
                    k = schedule_key(c.sch.mod)
                    if k in self.measured:
                        state["skipped"] = state.get("skipped", 0) + 1
                        continue
                    self.measured.add(k)
                    out.append(c)
                if out:
                    break
            if not out:
                state.setdefault("exhausted", True)
            state["sent"] = state.get("sent", 0) + len(out)
            return out or None

        def notify_runner_results(self, measure_candidates, results):
            self.inner.notify_runner_results(measure_candidates, results)

        def clone(self):
            return SkipMeasured(self.inner.clone(), self.measured)

    return SkipMeasured(inner, measured)


def _failure_reason(br, rr) -> tuple[str, str]:
    """(kind, reason) why a measured candidate failed, or ("", "") when it did not.

    kind: "build" (did not compile), "run" (crashed, hung past the runner's timeout, or could not be
    run) or "timing" (the runner returned an impossible time: not a number, <= 0 or over an hour).
    """
    import math

    if br.error_msg:
        return "build", str(br.error_msg).strip().splitlines()[0][:300] if str(br.error_msg).strip() else "build failed"
    if rr.error_msg:
        msg = str(rr.error_msg).strip()
        first = msg.splitlines()[0][:300] if msg else "run failed"
        if "timeout" in msg.lower() or "timed out" in msg.lower():
            return "run", f"timeout: {first}"
        return "run", first
    secs = [float(x) for x in (rr.run_secs or [])]
    if not secs:
        return "timing", "the runner returned no time"
    bad = [x for x in secs if not math.isfinite(x) or x <= 0 or x > 3600]
    if bad:
        return "timing", f"impossible latency {bad[0]!r} s from the runner"
    return "", ""


def _callback(stage_label: str, opts: TuneOptions, roof: float, state: dict, on_failed=None):
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
            failed = []
            for mc, br, rr in zip(measure_candidates, builder_results, runner_results):
                state["trials"] += 1
                kind, why = _failure_reason(br, rr)
                if kind:
                    state["failures"] += 1
                    state["last_error"] = f"{kind}: {why}"[:200]
                    state.setdefault("first_error", state["last_error"])
                    failed.append((mc, kind, why))
                    continue
                secs = [float(s) for s in rr.run_secs]
                us = sorted(secs)[len(secs) // 2] * 1e6
                if state["best"] is None or us < state["best"] * 0.995:
                    improved = True
                state["best"] = us if state["best"] is None else min(us, state["best"])
            if failed and on_failed is not None:
                # every candidate of the batch failed to run: likely the device, not the candidates; they
                # are listed (with their reason) but may be measured again by a later run
                whole = len(failed) == len(runner_results) and run_failed == len(runner_results) > 1
                on_failed([(mc, kind, why, whole) for mc, kind, why in failed])
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
                state["stopped"] = f"strict mode: a candidate failed: {state['first_error']}"
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
    wl = stage_workload(stage, dtype, target.family)
    say = (lambda m: print(f"  {label or stage.kind}: {m}", file=opts.out or sys.stderr, flush=True)) \
        if opts.progress else None
    with StageLock(log.stage_dir(wl, target), say):
        return _tune_stage_locked(index, stage, wl, dtype, target, log, opts, label)


def _tune_stage_locked(index, stage, wl, dtype, target, log, opts, label) -> StageResult:
    import numpy as np
    from tvm.s_tir import meta_schedule as ms

    from .logs import record_module, schedule_key, trace_json

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
        from .cuda import local_runner

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
        # --- ARM issue: the devices stopped answering: the records measured so far stay in the log ---
        if state.get("remote_failed"):
            log.write_meta(wl, target, seed=opts.seed, trials=already + state["trials"],
                           best_us=log.best_us(wl, target), failures=state["failures"], stopped=state["stopped"],
                           **opts.rpc.meta_fields())
            raise BuildError(f"tuning {label} stopped: {state['stopped']}; the log keeps the "
                             f"{log.count_records(wl, target)} records measured so far "
                             f"({log.stage_dir(wl, target)}); rerun to resume") from None
        # --- end ARM issue ---
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
    extra = opts.rpc.meta_fields() if opts.rpc is not None else {}   # ARM issue: where (and if emulated)
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


# ---- every tuned kernel is checked against the reference before it is used -------------------------
#: max relative error (max |y - ref| / max |ref|) a kernel may have against the torch reference
CHECK_TOLERANCE = {"float32": 1e-3, "float16": 3e-2}
#: records tried, fastest first, before falling back to the template's default knobs
CHECK_DEPTH = 8


def can_check(target: TargetPreset) -> bool:
    """Whether kernels for ``target`` can run here (a native CPU target) to be checked."""
    return target.family == "cpu" and target.is_native


def check_stage_result(stage: Stage, dtype: str, target: TargetPreset, mod, seed: int = 0) -> float:
    """Run the scheduled stage ``mod`` on random input and parameters; its max relative error against the
    torch reference of the stage (``inf`` when the output holds NaN/inf or the kernel fails to run)."""
    import types

    import numpy as np
    import torch
    import tvm

    from .lowering import lower_stage
    from .reference import run_stage_torch

    lowered = lower_stage(stage, dtype, target.family)
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(shape).astype(dtype) for shape in lowered.arg_shapes[:-1]]
    params = dict(zip(lowered.arg_names[1:-1], arrays[1:]))
    ex = compile_tir(mod, target.to_tvm(), target.family)
    out = tvm.runtime.tensor(np.full(lowered.arg_shapes[-1], np.nan, dtype=dtype))   # unwritten: caught
    ex.mod["main"](*[tvm.runtime.tensor(a) for a in arrays], out)
    y = torch.from_numpy(out.numpy().astype(np.float64))
    ref = run_stage_torch(types.SimpleNamespace(params={k: v.astype(np.float32) for k, v in params.items()}),
                          stage, torch.from_numpy(arrays[0].astype(np.float32))).double()
    if tuple(y.shape) != tuple(ref.shape) or not bool(torch.isfinite(y).all()):
        return float("inf")
    scale = float(ref.abs().max()) or 1.0
    return float((y - ref).abs().max()) / scale


def _check_record(stage, dtype, target, mod) -> tuple[bool, float, str]:
    """(ok, max rel err, reason when not ok)."""
    try:
        err = check_stage_result(stage, dtype, target, mod)
    except Exception as e:  # noqa: BLE001 - a kernel that cannot run is as wrong as one that computes garbage
        return False, float("inf"), f"wrong result: the kernel failed to run: {type(e).__name__}: " \
                                    f"{str(e).strip().splitlines()[0][:200] if str(e).strip() else ''}"
    tol = CHECK_TOLERANCE.get(dtype, 1e-3)
    if not err <= tol:
        return False, err, f"wrong result: max rel err {err:.3g} against the torch reference (tolerance {tol:g})"
    return True, err, ""


def _verify_best(stage, wl, dtype, target, log: LogDir, opts: TuneOptions, label: str):
    """Check the log's best records against the reference, fastest first, until one is right.

    Wrong ones are listed in failed_candidates.jsonl (kind "wrong-result", with the error) and never
    replayed; strict mode raises at the first.  Returns (best us or None, verified info or None, reasons).
    """
    d = log.stage_dir(wl, target)
    if not can_check(target):
        return log.best_us(wl, target), None, []
    wrong_keys = log.wrong_result_keys(d)
    reasons = []
    for r in log.ranked(wl, target, CHECK_DEPTH + len(wrong_keys)):
        if r.key in wrong_keys:
            continue
        ok, err, why = _check_record(stage, dtype, target, r.mod)
        if ok:
            return r.us, {"key": r.key, "us": r.us, "max_rel_err": err}, reasons
        log.add_failed(d, [{"key": r.key, "kind": "wrong-result", "reason": why, "us": r.us}])
        log.set_aside_wrong(d, wl)   # out of the database: it seeds no later search
        reasons.append(f"{r.us:.1f} us record {r.key}: {why}")
        if opts.strict:
            raise BuildError(f"strict mode: the best record of {label} computes a wrong result ({why}); "
                             f"it is listed in {d / 'failed_candidates.jsonl'}")
        if len(reasons) >= CHECK_DEPTH:
            break
    return None, None, reasons


def rerank_meta_fields(robust: dict) -> dict:
    """What ``meta.json`` records of a re-timing's choice: the choice itself, and it as the verified
    best record and the best time (the tuner's time of the record replay builds)."""
    return {"robust_best": robust, "best_us": robust["tuner_us"],
            "verified_best": {"key": robust["key"], "us": robust["tuner_us"], "max_rel_err": robust["max_rel_err"]}}


def rerank_summary(robust: dict) -> str:
    """One line on a re-timing's choice (progress, ``sepgen logs rerank``)."""
    cands = robust["candidates"]
    first = cands[0]
    if first["key"] == robust["key"]:
        return (f"re-timed the {len(cands)} best records at {robust['stack_depths']} stack depths: the tuner's "
                f"first choice stays ({robust['robust_us']:.1f} us on average, "
                f"{robust['spread_us'][0]:.1f}-{robust['spread_us'][1]:.1f} by depth)")
    return (f"re-timed the {len(cands)} best records at {robust['stack_depths']} stack depths: using the "
            f"{robust['tuner_us']:.1f} us record ({robust['robust_us']:.1f} us on average, "
            f"{robust['spread_us'][0]:.1f}-{robust['spread_us'][1]:.1f} by depth) over the tuner's first "
            f"choice ({first['tuner_us']:.1f} us; {first['robust_us']:.1f} on average, "
            f"{first['spread_us'][0]:.1f}-{first['spread_us'][1]:.1f} by depth)")


def rerank_stage(stage: Stage, wl: StageWorkload, dtype: str, target: TargetPreset, log: LogDir,
                 top: int = RERANK_TOP, verified: Optional[dict] = None, measure=None) -> Optional[dict]:
    """Re-time the log's ``top`` fastest usable records here at several caller stack depths
    (:mod:`sepgen.robust`) and choose the fastest on average that computes the right result.

    Returns what ``meta.json`` keeps as ``robust_best`` (the chosen record's key, its tuner and average
    times, and every candidate's), or None when there is nothing to choose (fewer than two records, or
    a target whose kernels cannot run here).  ``verified``: the record the caller already checked.
    ``measure``: :func:`sepgen.robust.measure_at_depths` (tests pass their own)."""
    import torch

    from .lowering import lower_stage
    from .robust import STACK_DEPTHS, measure_at_depths, robust_us
    from .runtime import _aligned_empty

    if not can_check(target) or top < 2:
        return None
    d = log.stage_dir(wl, target)
    wrong = log.wrong_result_keys(d)
    recs = [r for r in log.ranked(wl, target, top + len(wrong)) if r.key not in wrong][:top]
    if len(recs) < 2:
        return None
    lowered = lower_stage(stage, dtype, target.family)
    gen = torch.Generator().manual_seed(0)
    tdt = getattr(torch, dtype)
    args = []
    for shape in lowered.arg_shapes:
        t = _aligned_empty(tuple(shape), tdt)
        t.copy_(torch.randn(tuple(shape), generator=gen).to(tdt))
        args.append(t)
    calls = []
    for r in recs:
        fn = compile_tir(r.mod, target.to_tvm(), target.family).mod["main"]
        calls.append(functools.partial(fn, *args))
    meds = (measure or measure_at_depths)(calls, [r.us * 1e-6 for r in recs])
    cands = [{"key": r.key, "tuner_us": r.us, "robust_us": robust_us(m),
              "spread_us": [min(m) * 1e6, max(m) * 1e6]} for r, m in zip(recs, meds)]
    for i in sorted(range(len(recs)), key=lambda i: cands[i]["robust_us"]):
        r = recs[i]
        if verified is not None and r.key == verified.get("key"):
            ok, err = True, float(verified.get("max_rel_err", 0.0))
        else:
            ok, err, why = _check_record(stage, dtype, target, r.mod)
            if not ok:
                try:
                    log.add_failed(d, [{"key": r.key, "kind": "wrong-result", "reason": why, "us": r.us}])
                except OSError:
                    pass
                continue
        c = cands[i]
        return {"key": r.key, "tuner_us": r.us, "robust_us": c["robust_us"], "spread_us": c["spread_us"],
                "max_rel_err": float(err), "stack_depths": len(meds[0]) if meds else STACK_DEPTHS,
                "method": "mean over caller stack depths of each depth's median (sepgen.robust)",
                "candidates": cands}
    return None


# --- ARM issue: measuring through TVM's RPC runner (sepgen.remote) ---
def _commit_default_record(stage, dtype, target, wl, db, measured: Optional[set] = None) -> Optional[float]:
    """Measure the template's default schedule and commit it to the log as a tuning record."""
    import numpy as np
    import tvm
    from tvm.s_tir import meta_schedule as ms

    from .build import schedule_stage

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
            from .logs import record_module, schedule_key

            measured.add(schedule_key(record_module(wl, sch.trace)))
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
    return make_replay(log, plan.spec.dtype, strict=opts.strict)


def make_replay(log: LogDir, dtype: str, strict: bool = False):
    """The replay hook of :func:`sepgen.build.schedule_plan`: each stage's best usable record.

    A record found to compute a wrong result is skipped; the best remaining one is checked against the
    torch reference (unless the tuning run that wrote the log checked that very record) before it is
    used.  A wrong one is listed in the log's failed_candidates.jsonl and the next is tried; with none
    left the stage keeps the template's defaults.  ``strict``: a wrong record raises instead.
    """
    notes: list[str] = []

    def replay(index: int, stage: Stage, target: TargetPreset):
        wl = stage_workload(stage, dtype, target.family)
        got = log.replay(wl, target)
        if got.stale:
            notes.append(f"stage {index} ({stage.kind}): {got.stale}; using the template's default knobs")
            return None
        if got.mod is None:
            notes.append(f"stage {index} ({stage.kind}): no tuning record for {target.name} in {log.root}; "
                         f"using the template's default knobs (untuned)")
            return None
        if not can_check(target):
            return wl.lowered, got.mod, f"tuned:{got.path}"
        d = Path(got.path)
        meta = log.read_meta(d) or {}
        verified = (meta.get("verified_best") or {}).get("key")
        wrong = log.wrong_result_keys(d)
        ranked, missing = log.replay_order(wl, target, CHECK_DEPTH + len(wrong), meta)
        if missing:
            notes.append(f"stage {index} ({stage.kind}): {missing}")
        tried = 0
        for r in ranked:
            if r.key in wrong:
                continue
            if r.key == verified:
                return wl.lowered, r.mod, f"tuned:{got.path}"
            ok, _, why = _check_record(stage, dtype, target, r.mod)
            if ok:
                return wl.lowered, r.mod, f"tuned:{got.path}"
            try:
                log.add_failed(d, [{"key": r.key, "kind": "wrong-result", "reason": why, "us": r.us}])
            except OSError:
                pass   # a read-only log: the record is skipped all the same
            msg = f"stage {index} ({stage.kind}): the {r.us:.1f} us record {r.key} of {d} was rejected: {why}"
            if strict:
                raise BuildError(f"strict mode: {msg}")
            notes.append(msg)
            tried += 1
            if tried >= CHECK_DEPTH:
                break
        notes.append(f"stage {index} ({stage.kind}): no record of {d} passed the check against the reference; "
                     f"using the template's default knobs")
        return None

    return replay, notes
