"""Re-timing the best records of a stage at several stack depths, so the log's best is robust and not a lucky measurement."""
from __future__ import annotations

import functools
from typing import Optional

from ..codegen.tirpasses import compile_tir
from ..ir.stages import Stage
from ..targets.registry import TargetPreset
from .check import _check_record, can_check
from .logs import LogDir
from .records import StageWorkload
from .robust import RERANK_TOP


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
    (:mod:`sepgen.tuning.robust`) and choose the fastest on average that computes the right result.

    Returns what ``meta.json`` keeps as ``robust_best`` (the chosen record's key, its tuner and average
    times, and every candidate's), or None when there is nothing to choose (fewer than two records, or
    a target whose kernels cannot run here).  ``verified``: the record the caller already checked.
    ``measure``: :func:`sepgen.tuning.robust.measure_at_depths` (tests pass their own)."""
    import torch

    from ..codegen.lowering import lower_stage
    from ..runtime.memory import _aligned_empty
    from .robust import STACK_DEPTHS, measure_at_depths, robust_us

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
                "method": "mean over caller stack depths of each depth's median (sepgen.tuning.robust)",
                "candidates": cands}
    return None
