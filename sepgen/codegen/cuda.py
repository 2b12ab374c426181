"""CUDA code of a stage: the template-default schedule, the generated source, its launch dimensions, and running it in the CPU emulator."""
from __future__ import annotations

import re

from ..errors import BuildError, TargetError
from ..targets.cuda.emulator import emulate
from ..targets.cuda.library import module_cuda_sources
from ..targets.cuda.toolkit import prepare_build
from ..targets.registry import TargetPreset


def schedule_default(stage, dtype: str, target: TargetPreset):
    """(Lowered, Schedule) of ``stage`` with its CUDA template's default knobs."""
    from .build import schedule_stage

    if target.family != "cuda":
        raise TargetError(f"{target.name} is not a CUDA target")
    return schedule_stage(stage, dtype, target)


def cuda_source(stage, dtype: str, target) -> str:
    """Lower ``stage``, schedule it with its template's defaults, build it for ``target``; the CUDA C."""
    import tvm

    from ..targets.registry import get_target

    target = get_target(target)
    prepare_build(target)
    _, sch = schedule_default(stage, dtype, target)
    try:
        ex = tvm.compile(sch.mod, target=target.to_tvm())
    except Exception as e:
        raise BuildError(f"TVM failed to build {stage.describe()} for {target.name}: {type(e).__name__}: "
                         f"{str(e).splitlines()[0] if str(e) else ''}") from e
    srcs = module_cuda_sources(ex.mod)
    if not srcs:
        raise BuildError(f"TVM made no CUDA device code for {stage.describe()}")
    return "\n".join(srcs)


def launch_dims(func) -> tuple[int, int]:
    """(blocks, threads per block) of a scheduled PrimFunc (one kernel, 1-D grid and block)."""
    text = func.script() if hasattr(func, "script") else str(func)
    grid = [int(v) for v in re.findall(r'T\.thread_binding\((\d+), thread="blockIdx\.x"', text)]
    block = [int(v) for v in re.findall(r'T\.thread_binding\((\d+), thread="threadIdx\.x"', text)]
    if re.search(r'thread="(blockIdx|threadIdx)\.[yz]"', text):
        raise BuildError("launch_dims handles 1-D grids and blocks only")
    if not grid or not block:
        raise BuildError("the function binds no blockIdx.x / threadIdx.x loop")
    if len(set(grid)) != 1 or len(set(block)) != 1:
        raise BuildError(f"inconsistent thread extents in one kernel: blocks {grid}, threads {block}")
    return grid[0], block[0]


def emulate_stage(stage, dtype: str, target, inputs: dict, sch=None) -> "object":
    """Emulate ``stage``'s default CUDA schedule on ``inputs`` (``x`` and params, numpy); returns ``y``.

    The output buffer's name is the PrimFunc's last parameter.
    """
    import numpy as np
    import tvm

    from ..targets.registry import get_target
    from .lowering import lower_stage

    target = get_target(target)
    if sch is None:
        _, sch = schedule_default(stage, dtype, target)
    lowered = lower_stage(stage, dtype, target.family)
    func = sch.mod["main"]
    grid, block = launch_dims(func)
    ex = tvm.compile(sch.mod, target=target.to_tvm())
    src = "\n".join(module_cuda_sources(ex.mod))
    npd = np.float16 if dtype == "float16" else np.float32
    names = [str(p.name) for p in func.params]
    arrays = {}
    for name, shape in zip(names[:-1], lowered.arg_shapes[:-1]):
        key = "x" if name == names[0] else name
        arrays[name] = np.ascontiguousarray(np.asarray(inputs[key]).astype(npd)).reshape(shape)
    y = np.zeros(lowered.arg_shapes[-1], dtype=npd)
    arrays[names[-1]] = y
    emulate(src, arrays, grid, block)
    return y
