"""Tuning and log replay for the kernels of a whole-model program.

Each distinct kernel of the program is tuned (``trials > 0``) like a single stage of
``sepgen compile``, with the same logs: a kernel tuned for one model, or by ``sepgen
compile``, is replayed for every other that has it.  The log keys the stage as the
kernel-level compiler lowers it; a kernel whose epilogue the graph level extended (a
residual add, an activation after it) gets the best record's trace applied to its own
lowering, which has the same blocks, loops and knobs, one more input read in the
epilogue.  Trials are per distinct kernel; allocating them across kernels by their share
of the model's time is not done here.
"""
from __future__ import annotations

import sys

from ..tuning.logs import LogDir, default_log_root


class GraphTuner:
    """``tuner(stage, dtype, tail) -> (PrimFunc or None, source)``, the hook of the graph compiler."""

    def __init__(self, target, trials: int = 0, log_dir=None, seed: int = 0, progress: bool = False):
        from ..tuning.options import TuneOptions
        from ..tuning.remote import current as current_rpc

        self.target = target
        self.log = LogDir(log_dir if log_dir is not None else default_log_root())
        self.opts = TuneOptions(trials=trials, seed=seed, progress=progress, rpc=current_rpc())
        self.trials = trials
        self.progress = progress
        self.notes: list[str] = []
        self.count = 0

    def __call__(self, stage, dtype: str, tail):
        from ..tuning.replay import make_replay
        from ..tuning.tuner import tune_stage

        self.count += 1
        if self.trials > 0:
            if self.progress:
                print(f"  tuning kernel {self.count}: {stage.describe()}", file=sys.stderr, flush=True)
            tune_stage(0, stage, dtype, self.target, self.log, self.opts, label=f"kernel {self.count} {stage.kind}")
        replay, notes = make_replay(self.log, dtype)
        got = replay(0, stage, self.target)
        self.notes.extend(notes)
        if got is None:
            return None, "default"
        _, mod, source = got
        if tail is None:
            return mod["main"], source
        func = self._with_tail(stage, dtype, tail)
        return (func, source) if func is not None else (None, "default")

    def _with_tail(self, stage, dtype: str, tail):
        """The best record's trace applied to the stage lowered with the graph's epilogue ``tail``."""
        import tvm
        from tvm import s_tir

        from ..codegen.lowering import lower_stage
        from ..tuning.records import stage_workload

        wl = stage_workload(stage, dtype, self.target.family)
        d = self.log.stage_dir(wl, self.target)
        try:
            meta = self.log.read_meta(d) or {}
            ranked, _ = self.log.replay_order(wl, self.target, 4, meta)
        except Exception:  # noqa: BLE001 - a log that cannot be read: the defaults
            return None
        wrong = self.log.wrong_result_keys(d)
        lowered = lower_stage(stage, dtype, self.target.family, tail)
        for r in ranked:
            if r.key in wrong:
                continue
            sch = s_tir.Schedule(tvm.IRModule({"main": lowered.func}))
            try:
                if isinstance(r.trace, list):
                    s_tir.schedule.Trace.apply_json_to_schedule(r.trace, sch)
                else:
                    r.trace.apply_to_schedule(sch, remove_postproc=False)
            except Exception as e:  # noqa: BLE001 - the trace does not fit the extended epilogue
                self.notes.append(f"{stage.describe()}: its tuned trace does not apply with the fused "
                                  f"{tail.describe()}: {type(e).__name__}; template defaults used")
                return None
            return sch.mod["main"]
        return None
