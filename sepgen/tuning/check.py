"""Checking a tuned schedule's output against the PyTorch reference before its record is trusted."""
from __future__ import annotations

from ..codegen.tirpasses import compile_tir
from ..errors import BuildError
from ..ir.stages import Stage
from ..targets.registry import TargetPreset
from .logs import LogDir
from .options import TuneOptions

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

    from ..codegen.lowering import lower_stage
    from ..runtime.reference import run_stage_torch

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
