"""Tuning a plan for a CUDA target on the local GPU."""
from __future__ import annotations

from ..targets.cuda.presets import local_runner
from ..targets.cuda.toolkit import prepare_build


def tune_plan(plan, target, trials: int, log_dir=None, seed: int = 0, progress: bool = True):
    """:func:`sepgen.tuning.tuner.tune_plan` for a CUDA target, measuring on the local GPU.

    ``sepgen.tuning.tuner`` asks ``_remote_runner`` for the runner of a non-native
    target (an RPC runner when RPC devices are configured); for the duration
    of this call a CUDA target without RPC gets :func:`local_runner` instead.
    (To measure on a remote GPU, use TVM RPC as for other devices.)
    """
    from ..targets.registry import get_target
    from . import tuner as tune

    target = get_target(target)
    prepare_build(target)
    original = tune._remote_runner

    def runner(t, *args, **kwargs):
        opts = args[0] if args else kwargs.get("opts")
        if t.family == "cuda" and getattr(opts, "rpc", None) is None:
            return local_runner(t)
        return original(t, *args, **kwargs)

    tune._remote_runner = runner
    try:
        return tune.tune_plan(plan, target, trials=trials, log_dir=log_dir, seed=seed, progress=progress)
    finally:
        tune._remote_runner = original
