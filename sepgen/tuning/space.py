"""The MetaSchedule search space of a stage, its builder, and the measurement callback that logs as it goes."""
from __future__ import annotations

import sys
import time

from ..codegen.tirpasses import build_tir
from ..ir.stages import Stage
from ..targets.registry import TargetPreset
from .options import TuneOptions


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
    through sepgen's lowering pipeline (:mod:`sepgen.codegen.tirpasses`), as every CPU kernel sepgen builds."""
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

    from .records import schedule_key

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
            # candidates that built but failed to run (on RPC devices: a dead or missing server)
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
            # every candidate of the batch failed on the RPC devices: stop, keep the log
            if opts.rpc is not None and runner_results and run_failed == len(runner_results):
                state["stopped"] = (f"every candidate of the last batch failed to run on {opts.rpc.describe()} "
                                    f"(last error: {state['last_error']})")
                state["remote_failed"] = True
                # raised, not terminate_task(): terminating from a callback can trip MetaSchedule's
                # "!task->is_terminated" check; the batch is already in the database (earlier callback)
                raise RuntimeError(state["stopped"])
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
