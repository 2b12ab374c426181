"""The public entry points: compile_conv and load."""
from __future__ import annotations

import warnings
from typing import Optional

import numpy as np

from ..analysis.weights import check_tolerance
from ..errors import SepgenError, SpecError, WeightError
from ..ir.spec import DTYPES, ConvSpec


def as_weight_array(weight, what: str = "weight") -> np.ndarray:
    """Validate a weight given as a torch tensor, a numpy array or nested lists; return numpy."""
    try:
        import torch

        if isinstance(weight, torch.Tensor):
            if weight.is_complex():
                raise WeightError(f"{what} must be real, got {weight.dtype}")
            if weight.is_meta:
                raise WeightError(f"{what} is on the meta device and has no values (materialize the module's "
                                  f"parameters, e.g. load its state dict, before compiling)")
            weight = weight.detach().cpu()
            if weight.dtype == torch.bfloat16:
                raise WeightError(f"{what} has dtype bfloat16; use float32 or float16")
            weight = weight.numpy()
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    try:
        arr = np.asarray(weight)
    except Exception as e:
        raise WeightError(f"{what} cannot be read as an array: {e}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise WeightError(f"{what} must be a real numeric array, got dtype {arr.dtype}")
    if arr.size == 0:
        raise WeightError(f"{what} is empty (shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        raise WeightError(f"{what} contains NaN or infinite values")
    return arr


def _dtype_of(arr: np.ndarray, dtype: Optional[str]) -> str:
    if dtype is not None:
        if dtype not in DTYPES:
            raise SpecError(f"dtype {dtype!r} is not supported; use one of {', '.join(DTYPES)}")
        return dtype
    return "float16" if arr.dtype == np.float16 else "float32"


def make_spec(weight: np.ndarray, input_shape, bias=None, stride=1, padding=0, dilation=1, groups=1,
              dtype: Optional[str] = None) -> ConvSpec:
    if weight.ndim not in (3, 4, 5):
        raise WeightError(f"weight must have 3, 4 or 5 dims (C_out, C_in/groups, *kernel), got shape {weight.shape}")
    return ConvSpec.create(input_shape, weight.shape, stride=stride, padding=padding, dilation=dilation,
                           groups=groups, bias=bias is not None, dtype=_dtype_of(weight, dtype))


def compile_conv(weight, input_shape, bias=None, stride=1, padding=0, dilation=1, groups=1, target="host",
                 tolerance: float = 0.0, trials: int = 0, log_dir=None, dtype: Optional[str] = None,
                 seed: int = 0, progress: bool = False, plan=None, tune_options=None,
                 activation: Optional[str] = None):
    """Compile ``F.conv{1,2,3}d(x, weight, bias, stride, padding, dilation, groups)`` for ``input_shape``.

    The weight's rank is analysed and the cheapest plan within ``tolerance``
    (relative weight error; 0 allows only exact rewrites) is compiled for
    ``target``.  With ``trials > 0`` each stage is tuned with MetaSchedule;
    with ``log_dir`` the best recorded schedules are replayed.  Returns a
    :class:`sepgen.runtime.compiled.CompiledConv`: ``y = op(x)``.  ``activation`` ("relu",
    "relu6", "silu") is applied to the output in the kernel's epilogue.
    """
    from ..targets.registry import get_target

    w = as_weight_array(weight)
    if w.ndim not in (3, 4, 5):
        raise WeightError(f"weight must have 3, 4 or 5 dims (C_out, C_in/groups, *kernel), got shape {w.shape}")
    b = None
    if bias is not None:
        b = as_weight_array(bias, "bias")
        if b.ndim != 1 or b.shape[0] != w.shape[0]:
            raise WeightError(f"bias must have shape ({w.shape[0]},), got {tuple(b.shape)}")
    spec = make_spec(w, input_shape, b, stride, padding, dilation, groups, dtype)
    tolerance = check_tolerance(tolerance)
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 0:
        raise SpecError(f"trials must be a non-negative int, got {trials!r}")
    tgt = get_target(target)
    w64 = w.astype(np.float64)
    b64 = None if b is None else b.astype(np.float64)
    log = None
    if trials > 0 or log_dir is not None:
        from ..tuning.logs import LogDir, default_log_root

        log = LogDir(log_dir if log_dir is not None else default_log_root())
    candidates = []
    if plan is None:
        from ..analysis.cost import DEFAULT_COST_MODEL
        from ..passes.pipeline import choose_plan

        model = DEFAULT_COST_MODEL
        if log is not None:   # plan times measured by earlier tuning runs outrank predictions
            model = model.with_measurements(log.read_plan_times(spec, tgt))
        plan, candidates = choose_plan(spec, w64, b64, tolerance=float(tolerance), cost_model=model)
    if activation is not None or plan.activation is not None:
        plan = plan.with_activation(activation)
    opts = tune_options
    op = _build_plan(spec, plan, tgt, trials, log, seed, progress, opts)
    if trials > 0 and candidates:
        op = _revisit_with_measurements(op, candidates, tgt, trials, log, seed, progress, opts)
    elif candidates:
        op = _keep_lossy_only_if_faster(op, candidates, tgt, log, seed, opts)
    for n in op.notes:
        warnings.warn(n, stacklevel=2)
    return op


#: rivals predicted within this factor of the chosen plan are tuned and measured too
REVISIT_FACTOR = 3.0


def _build_plan(spec, plan, tgt, trials, log, seed, progress, opts=None):
    from ..codegen.build import build_module, schedule_plan
    from ..runtime.compiled import CompiledConv

    notes = []
    replay = None
    if log is not None:
        from ..tuning.tuner import tune_plan

        replay, notes = tune_plan(plan, tgt, trials=trials, log_dir=log.root, seed=seed, progress=progress,
                                  opts=opts)
    scheduled = schedule_plan(plan, tgt, replay)
    ex = build_module(scheduled, tgt)
    sources = {s.index: s.source for s in scheduled}
    return CompiledConv(spec, plan, tgt, ex.mod if ex is not None else None, sources, tuple(notes))


def _revisit_with_measurements(op, candidates, tgt, trials, log, seed, progress, opts=None):
    """Tune close rivals of the chosen plan too, measure all, keep the fastest, remember the times."""
    import sys

    from ..analysis.cost import plan_key

    chosen = next((c for c in candidates if plan_key(c.plan) == plan_key(op.plan)), None)
    if chosen is None or not tgt.is_native:
        return op
    rivals = [c for c in candidates if c.accepted and plan_key(c.plan) != plan_key(op.plan)
              and c.predicted_us <= REVISIT_FACTOR * chosen.predicted_us]
    if not rivals:
        return op
    timed = [(op.benchmark(reps=30), op)]
    for c in rivals:
        if progress:
            print(f"  revisiting the plan choice: tuning the rival {' -> '.join(c.plan.kinds)} "
                  f"(predicted {c.predicted_us:.0f} us vs {chosen.predicted_us:.0f} us)", file=sys.stderr, flush=True)
        rplan = c.plan.with_activation(op.plan.activation) if op.plan.activation else c.plan
        rop = _build_plan(op.spec, rplan, tgt, trials, log, seed, progress, opts)
        timed.append((rop.benchmark(reps=30), rop))
    log.write_plan_times(op.spec, tgt, {plan_key(o.plan): us for us, o in timed})
    best_us, best = min(timed, key=lambda t: t[0])
    summary = ", ".join(f"{' -> '.join(o.plan.kinds)} {us:.1f} us" for us, o in timed)
    note = f"plan choice revisited with measured times: {summary}; kept {' -> '.join(best.plan.kinds)}"
    best.plan = best.plan.with_(log=(*best.plan.log, note))
    if progress:
        print(f"  {note}", file=sys.stderr, flush=True)
    return best


def _keep_lossy_only_if_faster(op, candidates, tgt, log, seed, opts=None):
    """Without tuning, a lossy plan (error above the exact threshold) is kept only when it measures faster
    than the best exact plan, both built as they are (replayed or at the templates' defaults): the cost
    model prices tuned kernels, and an untuned factorized chain can be the slower (``sepgen tradeoff``:
    rank-r separable layers at tolerance 0.45 took 2x direct's time)."""
    from ..analysis.weights import exact_rtol

    limit = exact_rtol(op.spec.dtype)
    exact = [c for c in candidates if c.accepted and c.error <= limit]
    if not tgt.is_native or op.plan.error <= limit or not exact:
        return op
    best = min(exact, key=lambda c: c.predicted_us)
    eplan = best.plan.with_activation(op.plan.activation) if op.plan.activation else best.plan
    eop = _build_plan(op.spec, eplan, tgt, 0, log, seed, False, opts)
    lossy_us, exact_us = op.benchmark(reps=20), eop.benchmark(reps=20)
    kept = op if lossy_us < exact_us else eop
    note = (f"lossy plan {' -> '.join(op.plan.kinds)} (error {op.plan.error:.3g}) measured {lossy_us:.1f} us, "
            f"exact {' -> '.join(eplan.kinds)} {exact_us:.1f} us: kept the "
            f"{'lossy' if kept is op else 'exact'} one")
    kept.plan = kept.plan.with_(log=(*kept.plan.log, note))
    return kept


def load(path):
    """Load an artifact written by ``op.save(path)`` or ``sepgen compile``; checks it first."""
    from ..runtime.load import load_artifact

    return load_artifact(path)


__all__ = ["compile_conv", "load", "SepgenError"]
