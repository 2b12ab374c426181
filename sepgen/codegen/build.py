"""Building: lowered stages + schedule templates (or replayed tuning records) -> one TVM module.

Every TVM stage of a plan becomes one function ``stage<i>`` of a single compiled
module, so an artifact is one shared library.  FFT stages have no TVM function:
the runtime computes them with an FFT library (``torch.fft``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ..errors import BuildError
from ..ir.stages import FFTConv, Plan, Stage
from ..targets.registry import TargetPreset
from .lowering import Lowered, lower_stage


@dataclass
class ScheduledStage:
    index: int
    stage: Stage
    lowered: Lowered
    func: object                  # scheduled PrimFunc
    source: str = "default"       # "default" | "tuned:<log>" | "untuned"


def stage_symbol(index: int) -> str:
    return f"stage{index}"


def schedule_stage(stage: Stage, dtype: str, target: TargetPreset, tune: bool = False, tail=None):
    """Lower ``stage`` (with the graph level's epilogue ``tail``, a :class:`~sepgen.codegen.lowering.Tail`)
    and apply its template with default knobs; returns (Lowered, Schedule)."""
    from tvm import IRModule, s_tir

    import schedules

    lowered = lower_stage(stage, dtype, target.family, tail)
    sch = s_tir.Schedule(IRModule({"main": lowered.func}))
    template = schedules.get_template(stage.kind, target.family)
    from schedules.context import TemplateContext

    template(sch, TemplateContext(stage, lowered, target, tune,
                                  variant=schedules.default_variant(stage.kind, target.family, stage, target)))
    return lowered, sch


# A hook the tuner installs: (stage index, stage, lowered, target) -> scheduled IRModule or None
ReplayFn = Callable[[int, Stage, Lowered, TargetPreset], Optional[tuple]]


def schedule_plan(plan: Plan, target: TargetPreset, replay: Optional[ReplayFn] = None) -> list[ScheduledStage]:
    out = []
    for i, st in enumerate(plan.stages):
        if isinstance(st, FFTConv):
            continue
        try:
            if replay is not None:
                got = replay(i, st, target)
                if got is not None:
                    lowered, mod, source = got
                    out.append(ScheduledStage(i, st, lowered, mod["main"], source))
                    continue
            lowered, sch = schedule_stage(st, plan.spec.dtype, target)
        except Exception as e:  # a template bug must not surface as a raw TVM traceback
            if isinstance(e, BuildError):
                raise
            raise BuildError(f"scheduling stage {i} ({st.describe()}) for {target.name} failed: "
                             f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from e
        out.append(ScheduledStage(i, st, lowered, sch.mod["main"]))
    return out


def build_module(scheduled: list[ScheduledStage], target: TargetPreset):
    """Compile every scheduled stage into one module; returns the TVM Executable (or None)."""
    if not scheduled:
        return None
    import tvm

    funcs = {}
    for s in scheduled:
        sym = stage_symbol(s.index)
        funcs[sym] = s.func.with_attr("global_symbol", sym)
    mod = tvm.IRModule(funcs)
    # CUDA_PATH for TVM; on a GPU machine, a kernel compiler for TVM's build-time JIT
    if target.family == "cuda":
        from ..targets.cuda.toolkit import prepare_build

        prepare_build(target)
    from .tirpasses import compile_tir

    try:
        return compile_tir(mod, target.to_tvm(), target.family)
    except Exception as e:
        raise BuildError(f"TVM failed to compile the plan for {target.name}: {type(e).__name__}: "
                         f"{str(e).splitlines()[0] if str(e) else ''}") from e
