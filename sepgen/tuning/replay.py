"""Replaying tuning logs: the schedule a log holds for each stage (checked where it can be), or the template defaults."""
from __future__ import annotations

from pathlib import Path

from ..errors import BuildError
from ..ir.stages import Stage
from ..targets.registry import TargetPreset
from .check import CHECK_DEPTH, _check_record, can_check
from .logs import LogDir
from .records import stage_workload


def make_replay(log: LogDir, dtype: str, strict: bool = False):
    """The replay hook of :func:`sepgen.codegen.build.schedule_plan`: each stage's best usable record.

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
