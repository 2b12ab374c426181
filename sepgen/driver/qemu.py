"""A single stage built for an aarch64 preset (replayed from the logs) and run under QEMU."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..errors import TargetError
from ..runtime.qemu import _emulate, _to_numpy
from ..targets.arm import is_arm_linux


def run_stage_under_qemu(stage, x, params: dict, target="cortex-a72", dtype: Optional[str] = None,
                         threads: Optional[int] = None, return_stats: bool = False, timeout: float = 600,
                         log_dir=None):
    """One stage of a plan, built for ``target`` and run under QEMU.

    Built with the template's default knobs, or with ``log_dir`` the best
    record of that tuning log (TargetError when it has none that applies).
    ``x`` and ``params`` (name -> array, the stage's parameter names) are numpy
    arrays; returns the output as a numpy array (and the run statistics with
    ``return_stats=True``).  Checks templates and tuning logs stage by stage;
    correctness only.
    """
    from ..codegen.build import ScheduledStage, build_module, schedule_stage
    from ..targets import qemu as _qemu
    from ..targets.registry import get_target

    _qemu.require_tools()
    tgt = get_target(target)
    if not is_arm_linux(tgt):
        raise TargetError(f"{tgt.name} is not an aarch64 Linux target")
    dtype = dtype or str(np.asarray(x).dtype)
    if log_dir is not None:
        from ..tuning.logs import LogDir
        from ..tuning.replay import make_replay

        replay, notes = make_replay(LogDir(log_dir), dtype)
        got = replay(0, stage, tgt)
        if got is None:
            raise TargetError(f"no usable tuning record for {stage.describe()} on {tgt.name} in {log_dir}: "
                              f"{'; '.join(notes)}")
        lowered, mod, source = got
        scheduled = ScheduledStage(0, stage, lowered, mod["main"], source)
    else:
        lowered, sch = schedule_stage(stage, dtype, tgt)
        scheduled = ScheduledStage(0, stage, lowered, sch.mod["main"])
    ex = build_module([scheduled], tgt)
    xin = _to_numpy(x, stage.in_shape, dtype)
    y, stats = _emulate([(0, stage)], params, xin, dtype, int(threads or tgt.num_cores), module=ex.mod,
                        timeout=timeout)
    return (y, stats) if return_stats else y
