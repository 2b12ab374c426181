"""``sepgen logs list|show|verify|distill|rerank``: look after tuning logs."""
from __future__ import annotations

import json
from pathlib import Path

from .errors import LogError
from .logs import (META_FILE, RECORD_FILE, WORKLOAD_FILE, LogDir, StageLock, _atomic_write, check_records,
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
            # the record replay uses (chosen by re-timing, see `sepgen logs rerank`) is kept too
            chosen = ((_meta(d) or {}).get("robust_best") or {}).get("tuner_us")
            keep += [ln for sec, ln in recs[max(1, args.keep):] if chosen is not None and sec * 1e6 == chosen][:1]
            _atomic_write(path, "\n".join(keep) + "\n")
            print(f"{d}: kept {len(keep)} of {chk.good} records")
        return 0
    if args.action == "rerank":
        return _rerank(dirs, args)
    raise LogError(f"unknown logs action {args.action!r}")


def _rerank(dirs, args) -> int:
    """Re-time each log's best records here, at several caller stack depths, and record the one
    replay should use (``robust_best``).  Only logs of this machine's target can be re-timed."""
    import datetime as _dt

    from .logs import stage_workload
    from .stages import stage_from_dict
    from .targets import get_target
    from .tune import rerank_meta_fields, rerank_stage, rerank_summary

    host = get_target("host")
    log_root = {}
    done = skipped = 0
    for d in dirs:
        m = _meta(d)
        if not m or m.get("stage_json") is None or "workload_key" not in m:
            print(f"skip  {d}: not a sepgen stage log")
            skipped += 1
            continue
        if m.get("target_key") != host.key():
            print(f"skip  {d}: tuned for {m.get('target_key')}, this machine is {host.key()}")
            skipped += 1
            continue
        root = d.parent.parent
        log = log_root.setdefault(root, LogDir(root))
        stage = stage_from_dict(m["stage_json"])
        wl = stage_workload(stage, m["dtype"], host.family)
        if log.stage_dir(wl, host) != d:
            print(f"skip  {d}: its workload no longer lowers to this directory (stale)")
            skipped += 1
            continue
        why = log.staleness(wl, host, m)
        if why:
            print(f"skip  {d}: stale: {why}")
            skipped += 1
            continue
        with StageLock(d, wait_message=lambda msg: print(f"wait  {d}: {msg}", flush=True)):
            got = rerank_stage(stage, wl, m["dtype"], host, log, top=args.top, verified=m.get("verified_best"))
            if got is None:
                print(f"skip  {d}: fewer than two usable records")
                skipped += 1
                continue
            m = _meta(d) or m
            m.update(rerank_meta_fields(got))
            m["reranked"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
            _atomic_write(d / META_FILE, json.dumps(m, indent=2, sort_keys=True) + "\n")
        print(f"ok    {d.parent.name}/{d.name}: {rerank_summary(got)}", flush=True)
        done += 1
    print(f"{done} log(s) re-timed, {skipped} skipped")
    return 0
