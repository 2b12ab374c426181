"""``sepgen logs list|show|verify|distill``: look after tuning logs."""
from __future__ import annotations

import json
from pathlib import Path

from .errors import LogError
from .logs import (META_FILE, RECORD_FILE, WORKLOAD_FILE, LogDir, _atomic_write, check_records,
                   default_log_root)
from .remote import EMULATION_LABEL, is_emulated_meta
from .version import tvm_version


def _dirs(path):
    p = Path(path) if path else default_log_root()
    if (p / RECORD_FILE).exists():
        return [p]
    if not p.exists():
        raise LogError(f"no tuning logs at {p}")
    return LogDir(p).entries()


def _meta(d: Path):
    try:
        return json.loads((d / META_FILE).read_text())
    except (OSError, ValueError):
        return None


def run(args) -> int:
    dirs = _dirs(args.path)
    if args.action == "list":
        for d in dirs:
            chk = check_records(d / RECORD_FILE)
            m = _meta(d) or {}
            best = f"{chk.best_us:.1f} us" if chk.best_us else "-"
            if chk.best_us and is_emulated_meta(m):
                best += f" [{EMULATION_LABEL}]"
            print(f"{d.parent.name}/{d.name}  records={chk.good}  best={best}  trials={m.get('trials', '?')}"
                  f"  tvm={m.get('tvm_version', '?')}")
        print(f"{len(dirs)} workload log(s)")
        return 0
    if args.action == "show":
        for d in dirs:
            m = _meta(d)
            chk = check_records(d / RECORD_FILE)
            print(f"== {d}")
            print(json.dumps(m, indent=2, sort_keys=True) if m else "  (no meta.json)")
            print(f"  records: {chk.good} good, {len(chk.bad)} malformed, best "
                  f"{chk.best_us:.1f} us" if chk.best_us else f"  records: {chk.good} good, {len(chk.bad)} malformed")
            if is_emulated_meta(m):
                print(f"  times measured under emulation: {EMULATION_LABEL}")
        return 0
    if args.action == "verify":
        bad_total = 0
        for d in dirs:
            problems = []
            chk = check_records(d / RECORD_FILE)
            for n, why in chk.bad:
                problems.append(f"{d / RECORD_FILE}:{n}: {why}")
            m = _meta(d)
            if m is None:
                problems.append(f"{d / META_FILE}: missing or not JSON")
            elif m.get("tvm_version") != tvm_version():
                problems.append(f"{d / META_FILE}: stale: recorded with TVM {m.get('tvm_version')}, "
                                f"this is {tvm_version()}")
            if not (d / WORKLOAD_FILE).exists():
                problems.append(f"{d / WORKLOAD_FILE}: missing")
            else:
                lines = [ln for ln in (d / WORKLOAD_FILE).read_text(errors="replace").splitlines() if ln.strip()]
                if len(lines) != 1:
                    problems.append(f"{d / WORKLOAD_FILE}: expected 1 workload, found {len(lines)}")
                else:
                    try:
                        json.loads(lines[0])
                    except ValueError:
                        problems.append(f"{d / WORKLOAD_FILE}:1: not JSON")
            for p in problems:
                print(p)
            bad_total += len(problems)
            if not problems:
                print(f"ok  {d}  ({chk.good} records)")
        if bad_total:
            print(f"{bad_total} problem(s)")
            return 1
        return 0
    if args.action == "distill":
        for d in dirs:
            path = d / RECORD_FILE
            chk = check_records(path)
            if chk.bad:
                raise LogError(f"{path} has malformed lines (first: line {chk.bad[0][0]}: {chk.bad[0][1]}); "
                               f"run `sepgen logs verify` and repair first")
            recs = []
            for line in path.read_text().splitlines():
                if not line.strip():
                    continue
                obj = json.loads(line)
                secs = obj[1][1]
                if not secs:
                    continue
                recs.append((sorted(secs)[len(secs) // 2], line))
            recs.sort(key=lambda r: r[0])
            keep = [ln for _, ln in recs[:max(1, args.keep)]]
            _atomic_write(path, "\n".join(keep) + "\n")
            print(f"{d}: kept {len(keep)} of {chk.good} records")
        return 0
    raise LogError(f"unknown logs action {args.action!r}")
