"""``sepgen logs list|show|verify|distill|rerank [PATH]``: look after tuning logs.

PATH is a log root, a target-key directory (sepgen's logs and the MetaSchedule peers' below it) or one
workload's log; a path that holds no log is an error (exit status 2), as is a damaged ``meta.json`` for
``distill``.  ``distill`` rewrites a log only holding its lock: a log a tuner is writing is refused.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import LogError
from ..tuning.lock import StageLock
from ..tuning.logs import LogDir, default_log_root
from ..tuning.records import (META_FILE, RECORD_FILE, WORKLOAD_FILE, _atomic_write, check_records, check_workloads,
                              load_meta)
from ..tuning.remote import EMULATION_LABEL, is_emulated_meta
from ..tuning.robust import RERANK_TOP
from ..version import tvm_version
from .common import positive_int


def _dirs(path):
    """The workload logs at or under ``path`` (a log root, a target-key directory or one workload's log)."""
    p = Path(path) if path else default_log_root()
    if not p.exists():
        raise LogError(f"no tuning logs at {p}")
    dirs = LogDir(p).entries()
    if not dirs:
        raise LogError(f"no tuning logs under {p} (a log is a directory holding {RECORD_FILE})")
    return dirs


def _meta(d: Path):
    """``(meta, problem)``: ``d``'s meta.json (None when missing or damaged) and, when damaged, what is wrong."""
    try:
        return load_meta(d), ""
    except LogError as e:
        return None, str(e)


def run(args) -> int:
    dirs = _dirs(args.path)
    if args.action == "list":
        return _list(dirs)
    if args.action == "show":
        return _show(dirs)
    if args.action == "verify":
        return _verify(dirs)
    if args.action == "distill":
        return _distill(dirs, args.keep)
    if args.action == "rerank":
        return _rerank(dirs, args)
    raise LogError(f"unknown logs action {args.action!r}")


def _list(dirs) -> int:
    for d in dirs:
        chk = check_records(d / RECORD_FILE)
        m, problem = _meta(d)
        m = m or {}
        best = f"{chk.best_us:.1f} us" if chk.best_us else "-"
        if chk.best_us and is_emulated_meta(m):
            best += f" [{EMULATION_LABEL}]"
        damaged = f"  {META_FILE} damaged" if problem else ""
        print(f"{d.parent.name}/{d.name}  records={chk.good}  best={best}  trials={m.get('trials', '?')}"
              f"  tvm={m.get('tvm_version', '?')}{damaged}")
    print(f"{len(dirs)} workload log(s)")
    return 0


def _show(dirs) -> int:
    for d in dirs:
        m, problem = _meta(d)
        chk = check_records(d / RECORD_FILE)
        print(f"== {d}")
        print(json.dumps(m, indent=2, sort_keys=True) if m else f"  ({problem or 'no meta.json'})")
        print(f"  records: {chk.good} good, {len(chk.bad)} malformed, best "
              f"{chk.best_us:.1f} us" if chk.best_us else f"  records: {chk.good} good, {len(chk.bad)} malformed")
        if is_emulated_meta(m):
            print(f"  times measured under emulation: {EMULATION_LABEL}")
    return 0


def _problems(d: Path) -> list:
    """What is wrong with the log in ``d``, one line each (empty: nothing)."""
    problems = [f"{d / RECORD_FILE}:{n}: {why}" for n, why in check_records(d / RECORD_FILE).bad]
    m, problem = _meta(d)
    if problem:
        problems.append(problem)
    elif m is None:
        problems.append(f"{d / META_FILE}: missing")
    elif m.get("tvm_version") != tvm_version():
        problems.append(f"{d / META_FILE}: stale: recorded with TVM {m.get('tvm_version')}, this is {tvm_version()}")
    path = d / WORKLOAD_FILE
    if not path.exists():
        return problems + [f"{path}: missing"]
    good, bad = check_workloads(path)
    problems += [f"{path}:{n}: {why}" for n, why in bad]
    if good != 1 and not bad:
        problems.append(f"{path}: expected 1 workload, found {good}")
    return problems


def _verify(dirs) -> int:
    bad_total = 0
    for d in dirs:
        problems = _problems(d)
        for p in problems:
            print(p)
        bad_total += len(problems)
        if not problems:
            print(f"ok  {d}  ({check_records(d / RECORD_FILE).good} records)")
    if bad_total:
        print(f"{bad_total} problem(s)")
        return 1
    return 0


def _distill(dirs, keep: int) -> int:
    if keep < 1:
        raise LogError(f"--keep must be at least 1 (records kept per workload), got {keep}")
    for d in dirs:
        with StageLock(d, blocking=False) as lock:
            if not lock.held:
                raise LogError(f"{d}: not distilled: {lock.why}; run it again when the tuner has finished")
            kept, total = _distill_one(d, keep)
        print(f"{d}: kept {kept} of {total} records")
    return 0


def _distill_one(d: Path, keep: int) -> tuple[int, int]:
    """Keep the ``keep`` fastest records of ``d`` (and the one replay uses); call it holding the log's lock."""
    path = d / RECORD_FILE
    chk = check_records(path)
    if chk.bad:
        raise LogError(f"{path} has malformed lines (first: line {chk.bad[0][0]}: {chk.bad[0][1]}); "
                       f"run `sepgen logs verify` and repair first")
    m, problem = _meta(d)
    if problem:
        raise LogError(f"{problem}; repair it or move it away before distilling")
    recs = []   # (mean, median, line): MetaSchedule ranks records by their mean time, as replay does
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        secs = json.loads(line)[1][1]
        if secs:
            recs.append((sum(secs) / len(secs), sorted(secs)[len(secs) // 2], line))
    recs.sort(key=lambda r: r[0])
    lines = [ln for _, _, ln in recs[:keep]]
    # the record replay uses (chosen by re-timing, see `sepgen logs rerank`; its time is the median) is kept too
    chosen = ((m or {}).get("robust_best") or {}).get("tuner_us")
    lines += [ln for _, sec, ln in recs[keep:] if chosen is not None and sec * 1e6 == chosen][:1]
    _atomic_write(path, "\n".join(lines) + "\n")
    return len(lines), chk.good


def _rerank(dirs, args) -> int:
    """Re-time each log's best records here, at several caller stack depths, and record the one
    replay should use (``robust_best``).  Only logs of this machine's target can be re-timed."""
    import datetime as _dt

    from ..ir.serialize import stage_from_dict
    from ..targets.registry import get_target
    from ..tuning.records import stage_workload
    from ..tuning.rerank import rerank_meta_fields, rerank_stage, rerank_summary

    host = get_target("host")
    log_root = {}
    done = skipped = 0
    for d in dirs:
        m, problem = _meta(d)
        if problem:
            print(f"skip  {d}: {problem}")
            skipped += 1
            continue
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
            m = _meta(d)[0] or m
            m.update(rerank_meta_fields(got))
            m["reranked"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
            _atomic_write(d / META_FILE, json.dumps(m, indent=2, sort_keys=True) + "\n")
        print(f"ok    {d.parent.name}/{d.name}: {rerank_summary(got)}", flush=True)
        done += 1
    print(f"{done} log(s) re-timed, {skipped} skipped")
    return 0


def cmd_logs(args) -> int:
    from . import logs as logtool

    return logtool.run(args)


def add_parsers(sub) -> None:
    """`sepgen logs`."""
    lg = sub.add_parser("logs", help="inspect and maintain tuning logs")
    lg.add_argument("action", choices=["list", "show", "verify", "distill", "rerank"],
                    help="rerank: re-time each log's best records here at several caller stack depths and "
                         "make replay use the fastest on average (this machine's target only)")
    lg.add_argument("path", nargs="?", help="a log root, a target-key directory or one workload's log "
                                            "(default tuning_logs/); a path that holds no logs is an error (exit 2)")
    lg.add_argument("--keep", type=positive_int, default=1,
                    help="distill: records kept per workload (default 1; the record replay uses is kept as well)")
    lg.add_argument("--top", type=positive_int, default=RERANK_TOP,
                    help=f"rerank: how many of the fastest records to re-time (default {RERANK_TOP})")
    lg.set_defaults(fn=cmd_logs)
