"""Tuning-log records: the workload key of a stage, the record and workload lines, their checks, and atomic writes."""
from __future__ import annotations

import hashlib
import json
import math
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import LogError

WORKLOAD_FILE = "database_workload.json"
RECORD_FILE = "database_tuning_record.json"
REJECTED_FILE = "database_tuning_record.rejected"
FAILED_FILE = "failed_candidates.jsonl"
WORKLOAD_REJECTED_FILE = "database_workload.rejected"
META_FILE = "meta.json"
META_FORMAT = "sepgen-tuning-log"


@dataclass
class StageWorkload:
    key: str
    tir_hash: str
    mod: object            # IRModule {"main": unscheduled PrimFunc}
    lowered: object
    description: str
    stage: object = None
    dtype: str = "float32"


def stage_workload(stage, dtype: str, family: Optional[str] = "cpu") -> StageWorkload:
    """The stage lowered for ``family`` (see :func:`sepgen.codegen.lowering.lower_stage`), keyed by its TIR."""
    import tvm

    from ..codegen.lowering import lower_stage

    lowered = lower_stage(stage, dtype, family)
    mod = tvm.IRModule({"main": lowered.func})
    text = mod.script()
    h = hashlib.sha256(text.encode()).hexdigest()
    shp = lambda s: "x".join(map(str, s))  # noqa: E731
    k = "x".join(map(str, getattr(stage, "geom", None).kernel)) if hasattr(stage, "geom") else \
        "+".join("x".join(map(str, p.geom.kernel)) for p in stage.parts)
    key = f"{stage.kind}-{dtype}-i{shp(stage.in_shape)}-o{shp(stage.out_shape)}-k{k}-{h[:10]}"
    return StageWorkload(key, h, mod, lowered, stage.describe(), stage, dtype)


def host_fingerprint() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from ..targets.registry import host_cores, host_cpu

    return {"machine": platform.machine(), "cpu_model": model or platform.processor(), "llvm_cpu": host_cpu(),
            "cores": host_cores()}


@dataclass
class ReplayResult:
    mod: object = None
    stale: str = ""
    path: str = ""


@dataclass
class RecordCheck:
    path: Path
    good: int
    bad: list                 # (line number, reason)
    best_us: Optional[float]


def _check_record_line(obj) -> Optional[str]:
    """Reason why a tuning-record line is unusable, or None."""
    if not isinstance(obj, list) or len(obj) != 2 or not isinstance(obj[0], int) or isinstance(obj[0], bool):
        return "not a [workload_index, record] pair"
    if obj[0] != 0:
        return f"refers to workload {obj[0]}, the log has one workload (0)"
    rec = obj[1]
    if not isinstance(rec, list) or len(rec) < 4:
        return "record is not [trace, run_secs, target, args_info]"
    trace, secs = rec[0], rec[1]
    if not isinstance(trace, list) or len(trace) != 2:
        return "trace is malformed"
    if secs is not None:
        if not isinstance(secs, list) or not secs:
            return "run_secs is not a non-empty list"
        for s in secs:
            if isinstance(s, bool) or not isinstance(s, (int, float)):
                return f"run_secs holds a non-number {s!r}"
            if not math.isfinite(s) or s <= 0 or s > 3600:
                return f"run_secs holds an impossible latency {s!r}"
    return None


def _check_workload_line(obj) -> Optional[str]:
    """Reason why a workload line is unusable, or None."""
    if not (isinstance(obj, list) and len(obj) == 2 and isinstance(obj[0], str) and isinstance(obj[1], str)):
        return "not a [structural hash, module] pair"
    return None


def _scan(path: Path, why_bad) -> tuple[list, list]:
    """A JSON-lines file's non-blank lines: ``(good, bad)``, good as (line number, text, object), bad as
    (line number, reason, text); ``why_bad(object)`` says why a parsed line is unusable (None: usable)."""
    good, bad = [], []
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return good, bad
    for i, line in enumerate(raw.split(b"\n"), 1):
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line.decode("utf-8"), parse_constant=lambda c: float("nan"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            bad.append((i, f"not JSON ({getattr(e, 'msg', e)})", line))
            continue
        why = why_bad(obj)
        if why:
            bad.append((i, why, line))
        else:
            good.append((i, line, obj))
    return good, bad


def _record_check(path: Path, good: list, bad: list) -> RecordCheck:
    best = min((sorted(obj[1][1])[len(obj[1][1]) // 2] * 1e6 for _, _, obj in good if obj[1][1]), default=None)
    return RecordCheck(path, len(good), [(n, why) for n, why, _ in bad], best)


def check_records(path: Path) -> RecordCheck:
    """The tuning records of ``path``: how many are usable, which lines are not and why, the best time."""
    return _record_check(path, *_scan(path, _check_record_line))


def check_workloads(path: Path) -> tuple[int, list]:
    """The workload lines of ``path``: how many are well-formed, and (line number, reason) of the others."""
    good, bad = _scan(path, _check_workload_line)
    return len(good), [(n, why) for n, why, _ in bad]


def workload_line(wl: StageWorkload) -> bytes:
    """The line MetaSchedule's JSON database writes for ``wl``'s workload (what the tuner commits)."""
    from tvm.s_tir import meta_schedule as ms

    return json.dumps(ms.database.Workload(wl.mod).as_json(), separators=(",", ":")).encode()


def _usable_records(d: Path) -> list:
    """``d``'s record lines a replay may use."""
    return [ln for _, ln, _ in _scan(d / RECORD_FILE, _check_record_line)[0]]


def _usable_workloads(d: Path, wl: StageWorkload) -> tuple[list, Optional[list]]:
    """``d``'s workload lines a replay may use, and the (line number, reason, text) of those to set aside
    (None when the file stands as it is).

    A log holds one workload, ``wl``'s (its directory is named by ``wl``'s TIR): when its line is damaged
    or missing next to records, the lines are replaced by ``wl``'s own, rebuilt."""
    good, bad = _scan(d / WORKLOAD_FILE, _check_workload_line)
    if not bad and (good or not (d / RECORD_FILE).exists()):
        return [ln for _, ln, _ in good], None
    rebuilt = workload_line(wl)
    replaced = [(n, "replaced by the workload rebuilt from the stage", ln) for n, ln, _ in good if ln != rebuilt]
    return [rebuilt], sorted(bad + replaced)


def _write_lines(path: Path, lines: list) -> None:
    _atomic_write(path, b"".join(ln + b"\n" for ln in lines).decode("utf-8", "replace"))


def _set_aside(path: Path, keep: list, aside: list, rejected: Path) -> None:
    """Rewrite ``path`` with the ``keep`` lines, the ``aside`` ones (line number, reason, text) appended to
    ``rejected`` first, so nothing is lost."""
    if aside:
        with open(rejected, "ab") as rej:
            rej.write(b"".join(json.dumps({"line": n, "reason": why, "text": text.decode("utf-8", "replace")}).encode()
                               + b"\n" for n, why, text in aside))
    _write_lines(path, keep)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _meta_problem(m) -> Optional[str]:
    """Why a parsed meta.json is not shaped as sepgen writes it (the fields code relies on), or None."""
    if not isinstance(m, dict):
        return "not a JSON object"
    for name in ("robust_best", "verified_best"):
        v = m.get(name)
        if v is not None and not (isinstance(v, dict) and isinstance(v.get("key"), str)):
            return f"{name} is not an object naming a record key"
    us = (m.get("robust_best") or {}).get("tuner_us")
    if us is not None and (isinstance(us, bool) or not isinstance(us, (int, float))):
        return "robust_best.tuner_us is not a number"
    if not isinstance(m.get("stage_json"), (dict, type(None))):
        return "stage_json is not an object"
    return None


def load_meta(d: Path) -> Optional[dict]:
    """``d``'s meta.json, sepgen's or a MetaSchedule peer's (None when there is none); LogError when it is
    not JSON or not shaped as sepgen writes it."""
    p = Path(d) / META_FILE
    if not p.exists():
        return None
    try:
        m = json.loads(p.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise LogError(f"{p}: not valid JSON ({e})") from None
    why = _meta_problem(m)
    if why:
        raise LogError(f"{p}: damaged: {why}")
    return m


def _append_jsonl(path: Path, rows) -> None:
    """Append JSON lines; a line cut short by a kill is closed first, so it never swallows the next one."""
    data = b"".join(json.dumps(r, sort_keys=True).encode() + b"\n" for r in rows)
    if not data:
        return
    with open(path, "ab") as f:
        if f.tell() > 0:
            with open(path, "rb") as r:
                r.seek(-1, os.SEEK_END)
                if r.read(1) != b"\n":
                    data = b"\n" + data
        f.write(data)


def schedule_key(mod) -> str:
    """The identity of a scheduled module (its structural hash; stable across processes)."""
    import tvm_ffi

    return f"{tvm_ffi.structural_hash(mod) & (2 ** 64 - 1):016x}"


def record_module(wl: StageWorkload, trace):
    """The scheduled IRModule a record's trace (a Trace or its JSON) produces on ``wl``."""
    from tvm import s_tir

    sch = s_tir.Schedule(wl.mod)
    if isinstance(trace, list):
        s_tir.schedule.Trace.apply_json_to_schedule(trace, sch)
    else:
        trace.apply_to_schedule(sch, remove_postproc=False)
    return sch.mod


def trace_json(trace):
    """A Trace as plain JSON data (lists, str, numbers), as MetaSchedule writes it."""
    def conv(o):
        if o is None or isinstance(o, (bool, int, float, str)):
            return o
        if hasattr(o, "value"):
            return o.value
        if isinstance(o, (list, tuple)) or hasattr(o, "__iter__"):
            return [conv(x) for x in o]
        return str(o)

    return conv(trace.as_json())


@dataclass
class RankedRecord:
    us: float
    key: str
    mod: object            # scheduled IRModule
    trace: object
