"""Tuning logs: plain files keyed by everything that invalidates them.

Layout::

    <root>/<target-key>/<workload-key>/
        database_workload.json        MetaSchedule: the workload (structural hash + IRModule)
        database_tuning_record.json   MetaSchedule: one JSON line per measured candidate (trace + run secs)
        meta.json                     sepgen: versions, target, host fingerprint, seed, trials, date, best
        failed_candidates.jsonl       sepgen: candidates that failed (build, run, timing, wrong result), why

``<target-key>`` names the architecture, CPU model, core count and features
(``x86_64-znver4-2c``); ``<workload-key>`` names the stage kind, its shapes and
a hash of its TIR.  A record is a replayable trace (decisions), not code.

A record whose target, TVM version or workload does not match is reported as
stale, never used silently.  Malformed lines (a run killed mid-write, a hand
edit) are moved aside to ``database_tuning_record.rejected`` with their reason,
so nothing is lost and nothing bad is replayed.  A damaged workload entry is
moved aside to ``database_workload.rejected`` and rebuilt from the stage (the
entry the tuner writes).  Only the holder of a log's :class:`StageLock` rewrites
its files: a replay while a tuner holds it skips damaged lines in a private copy
and leaves the log as it is.

A candidate that fails to build or run, reports an impossible time, or computes
a wrong result (the best record is checked against the torch reference before
it is used) is listed in ``failed_candidates.jsonl`` with its reason and the
key of its scheduled module: replay skips it and a resumed search never
measures it again.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Optional

from ..errors import LogError
from ..ir.serialize import stage_to_dict
from ..version import __version__, tvm_version
from .lock import StageLock
from .records import (FAILED_FILE, META_FILE, META_FORMAT, RECORD_FILE, REJECTED_FILE, WORKLOAD_FILE,
                      WORKLOAD_REJECTED_FILE, RankedRecord, RecordCheck, ReplayResult, StageWorkload, _append_jsonl,
                      _atomic_write, _check_record_line, _record_check, _scan, _set_aside, _usable_records,
                      _usable_workloads, check_records, host_fingerprint, load_meta, record_module, schedule_key)


def default_log_root() -> Path:
    """``$SEPGEN_LOG_DIR`` if set, else ``tuning_logs/`` of the source tree (where committed logs live), else
    (sepgen installed from a wheel: no source tree, and no logs to write into site-packages)
    ``tuning_logs/`` in sepgen's cache directory (:func:`sepgen.tuning.roofline.cache_dir`)."""
    env = os.environ.get("SEPGEN_LOG_DIR")
    if env:
        return Path(env)
    src = Path(__file__).resolve().parents[2]   # sepgen/tuning/logs.py -> the source tree
    if (src / "tuning_logs").is_dir() or (src / "pyproject.toml").is_file():
        return src / "tuning_logs"
    from .roofline import cache_dir

    return cache_dir() / "tuning_logs"


def _json_database(d: Path, files: Path, allow_missing: bool = False):
    """MetaSchedule's JSON database on the log files in ``files`` (``d``'s or a copy of them)."""
    from tvm.s_tir import meta_schedule as ms

    try:
        return ms.database.JSONDatabase(path_workload=str(files / WORKLOAD_FILE),
                                        path_tuning_record=str(files / RECORD_FILE),
                                        module_equality="structural", allow_missing=allow_missing)
    except Exception as e:
        raise LogError(f"{d}: MetaSchedule cannot read the log: {str(e).splitlines()[0] if str(e) else e}") from None


class LogDir:
    """A tuning-log root directory."""

    def __init__(self, root):
        self.root = Path(root)

    def stage_dir(self, wl: StageWorkload, target) -> Path:
        return self.root / target.key() / wl.key

    # ---- reading --------------------------------------------------------------
    def read_meta(self, d: Path) -> Optional[dict]:
        """``d``'s sepgen meta.json (None when there is none); LogError when it is damaged or not sepgen's."""
        m = load_meta(d)
        if m is not None and m.get("format") != META_FORMAT:
            raise LogError(f"{d / META_FILE}: not a sepgen tuning-log metadata file")
        return m

    def staleness(self, wl: StageWorkload, target, meta: Optional[dict]) -> str:
        """Why the log for ``wl`` may not be used for ``target`` ("" when it may)."""
        if meta is None:
            return "the log has no meta.json (unknown origin)"
        if meta.get("tvm_version") != tvm_version():
            return f"log recorded with TVM {meta.get('tvm_version')}, this is TVM {tvm_version()}"
        if meta.get("target_key") != target.key():
            return f"log is for target {meta.get('target_key')}, not {target.key()}"
        if meta.get("tir_hash") != wl.tir_hash:
            return "the workload's TIR changed since the log was recorded (lowering changed)"
        return ""

    def clean_records(self, d: Path) -> RecordCheck:
        """Move malformed record lines aside (to .rejected, with the reason); keep the good ones.
        Call it holding the :class:`StageLock`."""
        path = d / RECORD_FILE
        good, bad = _scan(path, _check_record_line)
        if bad:
            _set_aside(path, [ln for _, ln, _ in good], bad, d / REJECTED_FILE)
        return _record_check(path, good, bad)

    def clean_workloads(self, d: Path, wl: StageWorkload) -> list:
        """Move damaged workload lines (a run killed while writing one) aside, rebuilding ``wl``'s entry in
        their place; returns their (line number, reason).  Call it holding the :class:`StageLock`."""
        keep, aside = _usable_workloads(d, wl)
        if aside is None:
            return []
        _set_aside(d / WORKLOAD_FILE, keep, aside, d / WORKLOAD_REJECTED_FILE)
        return [(n, why) for n, why, _ in aside]

    def _usable_copy(self, d: Path, wl: StageWorkload, into: Path) -> None:
        """Write the lines of ``d``'s log a replay may use into ``into`` (damaged ones skipped, a lost
        workload entry rebuilt), leaving ``d`` as it is: another process may be writing it."""
        for name, lines in ((WORKLOAD_FILE, _usable_workloads(d, wl)[0]), (RECORD_FILE, _usable_records(d))):
            if lines or (d / name).exists():
                (into / name).write_bytes(b"".join(ln + b"\n" for ln in lines))

    # ---- failed candidates ----------------------------------------------------------
    def read_failed(self, d: Path) -> list:
        """The entries of ``failed_candidates.jsonl`` (lines cut short by a kill are skipped)."""
        out = []
        try:
            raw = (Path(d) / FAILED_FILE).read_bytes()
        except OSError:
            return out
        for ln in raw.splitlines():
            try:
                e = json.loads(ln.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            if isinstance(e, dict) and isinstance(e.get("key"), str) and isinstance(e.get("reason"), str):
                out.append(e)
        return out

    def add_failed(self, d: Path, entries) -> None:
        stamp = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        _append_jsonl(Path(d) / FAILED_FILE, [{"date": stamp, "tvm_version": tvm_version(), **e} for e in entries])

    def wrong_result_keys(self, d: Path) -> set:
        """Keys of records found to compute a wrong result: never replayed."""
        return {e["key"] for e in self.read_failed(d) if e.get("kind") == "wrong-result"}

    def failed_keys(self, d: Path) -> set:
        """Keys of candidates that failed (to build, to run, or to compute the right result; a device outage
        excepted): trials spent, never measured again."""
        return {e["key"] for e in self.read_failed(d) if not e.get("retry")}

    def set_aside_wrong(self, d: Path, wl: StageWorkload) -> int:
        """Move records listed as computing a wrong result out of the database (to .rejected, with the
        reason), so they neither seed a search nor get replayed.  Call it holding the :class:`StageLock`."""
        wrong = {}
        for e in self.read_failed(d):
            if e.get("kind") == "wrong-result":
                wrong[e["key"]] = e["reason"]
        path = Path(d) / RECORD_FILE
        if not wrong or not path.exists():
            return 0
        keep, moved = [], []
        for ln in path.read_bytes().splitlines():
            if not ln.strip():
                continue
            try:
                key = schedule_key(record_module(wl, json.loads(ln.decode("utf-8"))[1][0]))
            except Exception:  # noqa: BLE001 - not ours to judge here (clean_records does)
                key = None
            (moved if key in wrong else keep).append((ln, key))
        if moved:
            with open(Path(d) / REJECTED_FILE, "ab") as rej:
                for ln, key in moved:
                    rej.write(json.dumps({"key": key, "reason": wrong[key],
                                          "text": ln.decode("utf-8", "replace")}).encode() + b"\n")
            _atomic_write(path, b"\n".join(ln for ln, _ in keep).decode("utf-8", "replace") + ("\n" if keep else ""))
        return len(moved)

    def ranked(self, wl: StageWorkload, target, k: int = 16, db=None) -> list:
        """Up to ``k`` records of ``wl``, fastest first, with their scheduled modules and keys."""
        db = db or self.open_database(wl, target)
        if not db.has_workload(wl.mod):   # a log of another workload: nothing to rank (and nothing written)
            return []
        wk = db.commit_workload(wl.mod)
        out = []
        for rec in db.get_top_k(wk, k):
            secs = [float(s) for s in rec.run_secs] if rec.run_secs is not None else []
            if not secs or not all(math.isfinite(s) and 0 < s <= 3600 for s in secs):
                continue
            mod = record_module(wl, rec.trace)
            out.append(RankedRecord(sorted(secs)[len(secs) // 2] * 1e6, schedule_key(mod), mod, rec.trace))
        return out

    def replay_order(self, wl: StageWorkload, target, k: int, meta: Optional[dict]) -> tuple[list, str]:
        """The records a replay tries, in order, and a note when the log's choice is missing.

        Fastest first, except that the record ``meta.json`` names as ``robust_best`` (the fastest on
        average over caller stack depths, see :mod:`sepgen.tuning.robust`) comes first.  When that record is
        no longer among the log's records (a distilled or edited log), the order is the tuner's and the
        note says so."""
        from .robust import RERANK_TOP

        key = ((meta or {}).get("robust_best") or {}).get("key")
        ranked = self.ranked(wl, target, k + (RERANK_TOP if key else 0))
        if not key:
            return ranked[:k], ""
        chosen = [r for r in ranked if r.key == key]
        if not chosen:
            return ranked[:k], (f"the record meta.json chose after re-timing ({key}) is not in "
                                f"{self.stage_dir(wl, target)}; using the tuner's fastest")
        return chosen + [r for r in ranked if r.key != key][:k - 1], ""

    def count_records(self, wl: StageWorkload, target) -> int:
        return check_records(self.stage_dir(wl, target) / RECORD_FILE).good

    def best_us(self, wl: StageWorkload, target) -> Optional[float]:
        return check_records(self.stage_dir(wl, target) / RECORD_FILE).best_us

    def open_database(self, wl: StageWorkload, target, create: bool = False):
        """MetaSchedule's database of ``wl``'s log.  ``create``: the tuner's, which holds the
        :class:`StageLock`.  A reader tidies the log (damaged lines set aside) only when it gets the lock;
        while another process holds it, the reader's database is a copy of the usable lines."""
        d = self.stage_dir(wl, target)
        if create:
            d.mkdir(parents=True, exist_ok=True)
            meta = self.read_meta(d)
            if meta is not None:
                why = self.staleness(wl, target, meta)
                if why:
                    raise LogError(f"{d}: {why}; move it away or pass another --log-dir to tune afresh")
            else:
                self.write_meta(wl, target, seed=None, trials=0, best_us=None)
            self.clean_workloads(d, wl)
            self.clean_records(d)
            self.set_aside_wrong(d, wl)
            return _json_database(d, d, allow_missing=True)
        with StageLock(d, blocking=False) as lock:
            if lock.held and self._tidy(d, wl):
                return _json_database(d, d)
        with tempfile.TemporaryDirectory(prefix="sepgen-log-") as tmp:
            self._usable_copy(d, wl, Path(tmp))
            return _json_database(d, Path(tmp))

    def _tidy(self, d: Path, wl: StageWorkload) -> bool:
        """Set the damaged lines of ``d``'s log aside (holding its lock); False when it cannot be written."""
        try:
            self.clean_workloads(d, wl)
            self.clean_records(d)
        except OSError:
            return False
        return True

    def replay(self, wl: StageWorkload, target) -> ReplayResult:
        d = self.stage_dir(wl, target)
        if not (d / RECORD_FILE).exists():
            stale = self._stale_elsewhere(wl, target)
            return ReplayResult(None, stale, str(d))
        try:
            meta = self.read_meta(d)
        except LogError as e:
            return ReplayResult(None, str(e), str(d))
        why = self.staleness(wl, target, meta)
        if why:
            return ReplayResult(None, f"stale tuning log {d}: {why}", str(d))
        chk = check_records(d / RECORD_FILE)
        if chk.good == 0 or chk.best_us is None:
            return ReplayResult(None, "", str(d))
        wrong = self.wrong_result_keys(d)
        try:
            order = self.replay_order(wl, target, 16 + len(wrong), meta)[0]
        except LogError as e:
            return ReplayResult(None, str(e), str(d))
        for r in order:
            if r.key not in wrong:
                return ReplayResult(r.mod, "", str(d))
        return ReplayResult(None, f"tuning log {d} has no usable record matching the workload", str(d))

    def _stale_elsewhere(self, wl: StageWorkload, target) -> str:
        """A log for the same stage shapes under another target key or hash is worth a word."""
        if not self.root.exists():
            return ""
        prefix = wl.key.rsplit("-", 1)[0]
        for d in self.root.glob(f"*/{prefix}-*"):
            if d.parent.name != target.key() or d.name != wl.key:
                return (f"only a non-matching log exists ({d.relative_to(self.root)}); it does not apply to "
                        f"{target.key()}/{wl.key}")
        return ""

    # ---- writing --------------------------------------------------------------
    def write_meta(self, wl: StageWorkload, target, *, seed, trials, best_us, **extra) -> None:
        d = self.stage_dir(wl, target)
        d.mkdir(parents=True, exist_ok=True)
        meta = {"format": META_FORMAT, "sepgen_version": __version__, "tvm_version": tvm_version(),
                "target": target.to_dict(), "target_key": target.key(), "host": host_fingerprint(),
                "workload_key": wl.key, "tir_hash": wl.tir_hash, "stage": wl.description,
                "stage_json": stage_to_dict(wl.stage) if wl.stage is not None else None, "dtype": wl.dtype,
                "seed": seed, "trials": trials, "best_us": best_us,
                "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), **extra}
        _atomic_write(d / META_FILE, json.dumps(meta, indent=2, sort_keys=True) + "\n")

    # ---- measured plan times (the plan choice, revisited) ------------------------
    def plan_times_path(self, spec, target) -> Path:
        h = hashlib.sha256(spec.key().encode()).hexdigest()[:16]
        return self.root / target.key() / "plan-times" / f"{h}.json"

    def read_plan_times(self, spec, target) -> dict:
        """{plan_key: microseconds} measured for ``spec`` on ``target`` (empty when none or unreadable)."""
        p = self.plan_times_path(spec, target)
        try:
            d = json.loads(p.read_text())
            if d.get("spec_key") != spec.key() or d.get("tvm_version") != tvm_version():
                return {}
            out = {}
            for row in d.get("plans", []):
                key = (row["key"][0], tuple(row["key"][1]))
                us = float(row["us"])
                if math.isfinite(us) and us > 0:
                    out[key] = us
            return out
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            return {}

    def write_plan_times(self, spec, target, times: dict) -> None:
        merged = self.read_plan_times(spec, target)
        merged.update(times)
        p = self.plan_times_path(spec, target)
        p.parent.mkdir(parents=True, exist_ok=True)
        doc = {"format": "sepgen-plan-times", "spec_key": spec.key(), "tvm_version": tvm_version(),
               "target_key": target.key(),
               "plans": [{"key": [k[0], list(k[1])], "us": us} for k, us in sorted(merged.items())]}
        _atomic_write(p, json.dumps(doc, indent=2) + "\n")

    # ---- listing --------------------------------------------------------------
    def entries(self):
        """Every workload directory holding a log, the root itself included: the root may be a log root,
        a target-key directory (sepgen's logs and the MetaSchedule peers' below it) or one workload's log."""
        if not self.root.is_dir():
            return []
        found = set()
        for depth in range(4):
            found.update(self.root.glob("/".join(["*"] * depth + [RECORD_FILE])))
        return sorted(p.parent for p in found)
