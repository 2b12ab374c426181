"""Tuning and log replay for the kernels of a whole-model program.

Each distinct kernel of the program is tuned (``trials > 0``) like a single stage of
``sepgen compile``, with the same logs: a kernel tuned for one model, or by ``sepgen
compile``, is replayed for every other that has it.  The log keys the stage as the
kernel-level compiler lowers it; a kernel whose epilogue the graph level extended (a
residual add, an activation after it) gets the best record's trace applied to its own
lowering, which has the same blocks, loops and knobs, one more input read in the
epilogue.  Trials are per distinct kernel; allocating them across kernels by their share
of the model's time is not done here.
"""
from __future__ import annotations

import dataclasses
import sys

from ..errors import BuildError
from ..tuning.logs import LogDir, default_log_root


class GraphTuner:
    """``tuner(stage, dtype, tail) -> (PrimFunc or None, source)``, the hook of the graph compiler."""

    def __init__(self, target, trials: int = 0, log_dir=None, seed: int = 0, progress: bool = False):
        from ..tuning.options import TuneOptions
        from ..tuning.remote import current as current_rpc

        self.target = target
        self.log = LogDir(log_dir if log_dir is not None else default_log_root())
        self.opts = TuneOptions(trials=trials, seed=seed, progress=progress, rpc=current_rpc())
        self.trials = trials
        self.progress = progress
        self.notes: list[str] = []
        self.count = 0

    def __call__(self, stage, dtype: str, tail):
        from ..tuning.replay import make_replay
        from ..tuning.tuner import tune_stage

        self.count += 1
        if self.trials > 0:
            if self.progress:
                print(f"  tuning kernel {self.count}: {stage.describe()}", file=sys.stderr, flush=True)
            tune_stage(0, stage, dtype, self.target, self.log, self.opts, label=f"kernel {self.count} {stage.kind}")
        replay, notes = make_replay(self.log, dtype)
        got = replay(0, stage, self.target)
        self.notes.extend(notes)
        if got is None:
            return None, "default"
        _, mod, source = got
        if tail is None:
            return mod["main"], source
        func = self._with_tail(stage, dtype, tail)
        return (func, source) if func is not None else (None, "default")

    def _with_tail(self, stage, dtype: str, tail):
        """The best record's trace applied to the stage lowered with the graph's epilogue ``tail``."""
        import tvm
        from tvm import s_tir

        from ..codegen.lowering import lower_stage
        from ..tuning.records import stage_workload

        wl = stage_workload(stage, dtype, self.target.family)
        d = self.log.stage_dir(wl, self.target)
        try:
            meta = self.log.read_meta(d) or {}
            ranked, _ = self.log.replay_order(wl, self.target, 4, meta)
        except Exception:  # noqa: BLE001 - a log that cannot be read: the defaults
            return None
        wrong = self.log.wrong_result_keys(d)
        lowered = lower_stage(stage, dtype, self.target.family, tail)
        for r in ranked:
            if r.key in wrong:
                continue
            sch = s_tir.Schedule(tvm.IRModule({"main": lowered.func}))
            try:
                if isinstance(r.trace, list):
                    s_tir.schedule.Trace.apply_json_to_schedule(r.trace, sch)
                else:
                    r.trace.apply_to_schedule(sch, remove_postproc=False)
            except Exception as e:  # noqa: BLE001 - the trace does not fit the extended epilogue
                self.notes.append(f"{stage.describe()}: its tuned trace does not apply with the fused "
                                  f"{tail.describe()}: {type(e).__name__}; template defaults used")
                return None
            return sch.mod["main"]
        return None


class BlockedSearch:
    """Knob search for the blocked-layout kernels (:mod:`schedules.cpu.blocked`), logged and replayed.

    Their space is small (pointwise: pixels x channel blocks of the register tile; depthwise: the row
    tile), so it is measured exhaustively, up to ``trials`` settings per distinct kernel, rather than
    searched by MetaSchedule: each candidate is built and timed on its own (TVM's ``time_evaluator``, the
    best of 5 repeats of 20 calls).  The log, ``LOG_DIR/blocked/<target>/<kernel>.json``, is keyed by the
    kernel, the dtype, the target, TVM's version and the template's version, and holds every measured
    setting, written after each one (a killed search resumes where it stopped)."""

    def __init__(self, target, trials: int = 0, log_dir=None, progress: bool = False):
        self.target = target
        self.trials = trials
        self.root = None if log_dir is None and trials == 0 else \
            LogDir(log_dir if log_dir is not None else default_log_root()).root / "blocked" / target.name
        self.progress = progress
        self.notes: list[str] = []

    def _key(self, conv, dtype: str) -> tuple[dict, str]:
        import hashlib
        import json

        from schedules.cpu.blocked import TEMPLATE_VERSION

        from ..version import tvm_version

        fields = json.loads(json.dumps(dataclasses.asdict(conv), default=str))
        # fields absent from the logs written before they existed
        for k, default in (("groups", 1), ("in_block", 0), ("expand", None), ("group_width", 0)):
            if fields.get(k) == default:
                fields.pop(k)

        def without_newer(d):       # fields added later still at their defaults, at every level (an expand_dw's
            if isinstance(d, dict):  # expansion has them too): absent from the logs written before them
                return {k: without_newer(v) for k, v in d.items()
                        if (k, v) not in (("dw", None), ("scale", False), ("group_width", 0), ("out_blocked", False))}
            return d
        fields = without_newer(fields)
        ident = {"conv": fields, "dtype": dtype,
                 "target": self.target.to_dict(), "tvm": tvm_version(), "template": TEMPLATE_VERSION}
        h = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()
        n, c, hh, w = conv.in_shape
        return ident, f"{conv.kind}-{c}x{hh}x{w}-o{conv.out_channels}-k{conv.kernel[0]}s{conv.stride[0]}-{h[:12]}"

    def _read(self, path, ident) -> dict:
        import json

        try:
            d = json.loads(path.read_text())
            if d.get("ident") != ident or not isinstance(d.get("measured"), list):
                self.notes.append(f"{path}: written for another kernel, target or version; ignored")
                return {"ident": ident, "measured": []}
            for m in d["measured"]:
                if not (isinstance(m, dict) and isinstance(m.get("knobs"), dict) and isinstance(m.get("us"), (int, float))):
                    raise ValueError("bad entry")
            return d
        except FileNotFoundError:
            return {"ident": ident, "measured": []}
        except (OSError, ValueError) as e:
            self.notes.append(f"{path}: unreadable ({type(e).__name__}); ignored")
            return {"ident": ident, "measured": []}

    def _write(self, path, log) -> None:
        import json

        from ..tuning.records import _atomic_write

        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, json.dumps(log, indent=1, sort_keys=True) + "\n")

    def spend(self, tasks, seconds: float, measure=None, clock=None, rpc=None) -> dict:
        """Measure knob settings of the model's distinct blocked kernels until ``seconds`` have passed.

        ``tasks``: ``(conv, dtype, count)`` for each distinct kernel, ``count`` the calls per model run.
        The order is that of MetaSchedule's task scheduler in spirit, with this space's costs: every
        setting costs about the same to measure (one build, one timing), so each next measurement goes to
        the kernel with the largest share of the model's kernel time per setting already measured,
        ``count x best_us / (1 + measured)``; kernels never measured come first, largest FLOP share first,
        their default setting (the template's own choice) before any other.  Each measurement is written
        to the kernel's log before the next starts: a killed run resumes with what it had measured, and a
        rerun skips every setting on record.  Stops when the budget cannot fit another measurement (the
        last one's duration) or every setting of every kernel is on record.  Returns a summary.

        With ``rpc`` (:class:`~sepgen.tuning.remote.RPCOptions`), settings are built here and measured on the
        RPC servers under its key, one setting per server at a time (a batch of the next settings in the
        order above); a setting whose server did not answer is measured again later, and the run stops
        with a clear error, its logs intact, when the servers stop answering."""
        import time

        clock = clock or time.monotonic
        if rpc is not None:
            from ..tuning.remote import require_servers

            workers = int(rpc.max_workers or require_servers(rpc))
            run = _RPCMeasure(rpc, workers)
        else:
            workers = 1
            one = measure or _time_blocked

            def run(items):
                out = []
                for it in items:
                    try:
                        out.append(one(*it))
                    except Exception as e:  # noqa: BLE001 - recorded as the setting's failure
                        out.append(e)
                return out
        start = clock()
        states = []
        for conv, dtype, count in tasks:
            ident, name = self._key(conv, dtype)
            path = self.root / f"{name}.json"
            log = self._read(path, ident)
            cands = _candidates(conv, self.target)
            seen = [m["knobs"] for m in log["measured"]] + [f["knobs"] for f in log.get("failed", [])]
            states.append({"conv": conv, "dtype": dtype, "count": int(count), "path": path, "log": log,
                           "todo": [k for k in cands if k not in seen], "total": len(cands),
                           "flops": blocked_flops(conv)})

        def best(t):
            return min((m["us"] for m in t["log"]["measured"]), default=None)

        def estimate_us():
            got = [t["count"] * best(t) for t in states if best(t) is not None]
            return sum(got), len(got)

        measured = failed = 0
        last = 0.0
        exhausted = False
        lost = 0                # settings in a row whose measurement the RPC servers did not return
        while True:
            pending = [t for t in states if t["todo"]]
            if not pending:
                exhausted = True
                break
            if clock() - start + last > seconds:
                break
            batch, taken = [], {}
            for _ in range(workers):       # one setting per server; the batch counts as measured while in flight
                live = [t for t in pending if len(t["todo"]) > taken.get(id(t), 0)]
                if not live:
                    break
                fresh = [t for t in live if best(t) is None and not taken.get(id(t))]
                if fresh:
                    t = max(fresh, key=lambda t: t["count"] * t["flops"])
                else:
                    live = [t for t in live if best(t) is not None] or live
                    t = max(live, key=lambda t: t["count"] * (best(t) or 1.0)
                            / (1 + len(t["log"]["measured"]) + taken.get(id(t), 0)))
                batch.append((t, t["todo"][taken.get(id(t), 0)]))
                taken[id(t)] = taken.get(id(t), 0) + 1
            t0 = clock()
            results = run([(t["conv"], t["dtype"], self.target, k) for t, k in batch])
            last = clock() - t0
            for (t, k), res in zip(batch, results):
                t["todo"].remove(k)
                if isinstance(res, _Lost):      # the server, not the setting: measured again later
                    t["todo"].append(k)
                    lost += 1
                    self.notes.append(f"{blocked_label(t['conv'])}: setting {k} not measured: {res.why}")
                    got = "not measured (RPC)"
                elif isinstance(res, BaseException):  # does not build or run: on record, never retried
                    why = f"{type(res).__name__}: {res}"[:300]
                    t["log"].setdefault("failed", []).append({"knobs": k, "error": why})
                    failed += 1
                    lost = 0
                    got = "failed"
                    self.notes.append(f"{t['conv'].describe()}: setting {k} failed: {type(res).__name__}")
                else:
                    entry = {"knobs": k, "us": float(res)}
                    if rpc is not None:
                        entry["on"] = f"rpc:{rpc.key}"
                    t["log"]["measured"].append(entry)
                    measured += 1
                    lost = 0
                    got = f"{float(res):.1f} us"
                if not isinstance(res, _Lost):
                    self._write(t["path"], t["log"])
                if self.progress:
                    est, n = estimate_us()
                    done = t["total"] - len(t["todo"])
                    print(f"  [{clock() - start:6.0f}/{seconds:.0f} s] {blocked_label(t['conv'])} x{t['count']}: "
                          f"setting {done}/{t['total']} {k} -> {got} (best {best(t) or 0:.1f}) · kernel time "
                          f"{est / 1000:.2f} ms ({n}/{len(states)} kernels measured)",
                          file=sys.stderr, flush=True)
            if lost >= max(2 * workers, 4):
                raise BuildError(f"the RPC servers under key {rpc.key!r} stopped answering ({lost} settings in a "
                                 f"row not measured: {self.notes[-1]}); every setting measured so far is in the "
                                 f"logs, and a rerun resumes")
        est, n = estimate_us()
        return {"budget_s": float(seconds), "spent_s": round(clock() - start, 2), "kernels": len(states),
                "kernels_measured": n, "measured": measured, "failed": failed,
                "settings_on_record": sum(t["total"] - len(t["todo"]) for t in states),
                "settings_total": sum(t["total"] for t in states), "exhausted": exhausted,
                "kernel_time_us": round(est, 1)}

    def knobs_for(self, conv, dtype: str):
        """``(knobs or None, source)``: the best recorded (searching first when trials > 0), else None."""
        if self.root is None:
            return None, "default"
        ident, name = self._key(conv, dtype)
        path = self.root / f"{name}.json"
        log = self._read(path, ident)
        if self.trials > 0:
            cands = _candidates(conv, self.target)[:self.trials]
            done = [m["knobs"] for m in log["measured"]]
            todo = [k for k in cands if k not in done]
            if todo and self.progress:
                print(f"  searching {conv.describe()}: {len(todo)} settings", file=sys.stderr, flush=True)
            for k in todo:
                us = _time_blocked(conv, dtype, self.target, k)
                log["measured"].append({"knobs": k, "us": us})
                self._write(path, log)
        if not log["measured"]:
            return None, "default"
        best = min(log["measured"], key=lambda m: m["us"])
        return best["knobs"], f"tuned:{path}"


class _Lost:
    """A measurement the RPC server did not return (the setting is not to blame)."""

    def __init__(self, why: str):
        self.why = why


class _RPCMeasure:
    """``run(items) -> [us | Exception | _Lost]``: each ``(conv, dtype, target, knobs)`` built and exported
    here (cross-linked for a foreign target), then timed on the RPC servers, ``workers`` at once (TVM's
    ``time_evaluator`` there: the best of 5 repeats of 20 calls, as :func:`_time_blocked` here)."""

    def __init__(self, rpc, workers: int):
        self.rpc = rpc
        self.workers = workers

    def __call__(self, items):
        from concurrent.futures import ThreadPoolExecutor

        from ..tuning.remote import export_for_rpc

        built = []
        for conv, dtype, target, knobs in items:
            try:
                lib, shapes = _build_blocked(conv, dtype, target, knobs)
                built.append((export_for_rpc(target)(lib), shapes))
            except Exception as e:  # noqa: BLE001 - the setting does not build
                built.append(e)
        with ThreadPoolExecutor(max_workers=self.workers) as ex:
            return list(ex.map(self._remote, built))

    def _remote(self, item):
        import os

        import numpy as np
        import tvm

        from ..tuning.remote import create_session

        if isinstance(item, BaseException):
            return item
        path, shapes = item
        try:
            sess = create_session(self.rpc.config())
            sess.upload(path)
            lib = sess.load_module(os.path.basename(path))
            dev = sess.cpu()
            rng = np.random.default_rng(0)
            args = [tvm.runtime.tensor(rng.standard_normal(s).astype(d), dev) for s, d in shapes]
            res = lib.time_evaluator("main", dev, number=20, repeat=5)(*args)
            return float(min(res.results)) * 1e6
        except Exception as e:  # noqa: BLE001 - the session, not the setting
            return _Lost(f"{type(e).__name__}: {str(e).strip().splitlines()[0][:200] if str(e).strip() else ''}")
        finally:
            try:
                os.remove(path)
                os.rmdir(os.path.dirname(path))
            except OSError:
                pass


def _candidates(conv, target) -> list[dict]:
    """Every knob setting of ``conv``'s template a search measures on ``target``, the default first."""
    from schedules.cpu.blocked import accumulators_for, candidate_knobs, mbconv_candidates

    _, c, _, w = conv.in_shape
    _, _, oh, ow = conv.out_shape
    if conv.kind == "mbconv":
        _, e, ih, iw = conv.dw.in_shape
        return mbconv_candidates(conv.out_channels // conv.block, oh, ow, ih, iw, conv.dw.stride[0],
                                 conv.dw.kernel[0], e, conv.dw.block, int(target.num_cores),
                                 accumulators_for(target.vector_bits), expand=conv.expand is not None)
    acc = accumulators_for(target.vector_bits)
    if conv.split_width:      # a tile of pixels x channel blocks holds block / group width vectors per block
        acc //= conv.block // conv.split_width
    return candidate_knobs(conv.kind, c, conv.out_channels // conv.block, oh, ow, w,
                           padded=any(sum(p) for p in conv.padding), acc=acc)


def blocked_flops(conv) -> int:
    """Multiply-adds x 2 of one call of a blocked kernel (an expand_dw block: its expansion's and its own)."""
    n, c, h, w = conv.in_shape
    _, o, oh, ow = conv.out_shape
    kh, kw = conv.kernel
    if conv.kind == "dense":
        return 2 * h * c * o
    if conv.kind == "pointwise":
        return 2 * n * o * oh * ow * c
    if conv.kind == "mbconv":
        return 2 * n * o * oh * ow * c + blocked_flops(dataclasses.replace(conv.dw, kind="expand_dw",
                                                                           expand=conv.expand))
    if conv.kind == "direct":
        per_out = conv.block if conv.groups > 1 else c
        return 2 * n * o * oh * ow * per_out * kh * kw
    own = 2 * n * o * oh * ow * kh * kw            # depthwise
    return own + (blocked_flops(conv.expand) if conv.kind == "expand_dw" and conv.expand is not None else 0)


def blocked_label(conv) -> str:
    """``expand_dw 16->96 k3s2 @112x112``: a short name of a blocked kernel for progress lines."""
    n, c, h, w = conv.in_shape
    k = f" k{conv.kernel[0]}s{conv.stride[0]}" if conv.kind != "pointwise" and conv.kind != "dense" else ""
    if conv.kind in ("expand_dw", "mbconv") and conv.expand is not None:
        c = conv.expand.in_shape[1]
    if conv.kind == "mbconv":
        d = conv.dw
        chans = f"{c}->{conv.expand.out_channels}" if conv.expand is not None else f"{d.in_shape[1]}"
        return f"mbconv {chans}->{conv.out_channels} k{d.kernel[0]}s{d.stride[0]} @{d.in_shape[2]}x{d.in_shape[3]}"
    if conv.kind == "dense":
        return f"dense {c}->{conv.out_channels} x{h}"
    return f"{conv.kind} {c}->{conv.out_channels}{k} @{h}x{w}"


def _build_blocked(conv, dtype: str, target, knobs: dict):
    """``(library, [(shape, dtype) of each argument])`` of the blocked kernel scheduled with ``knobs``."""
    import tvm
    from tvm import s_tir
    from tvm.s_tir.meta_schedule.arg_info import ArgInfo

    from schedules.cpu.blocked import accumulators_for, schedule_blocked

    from ..codegen.lowering import lower_blocked
    from ..codegen.tirpasses import register

    sch = s_tir.Schedule(tvm.IRModule({"main": lower_blocked(conv, dtype)}))
    schedule_blocked(sch, conv.kind, conv.block, int(target.num_cores), knobs, accumulators_for(target.vector_bits))
    lib = tvm.compile(sch.mod, target=target.to_tvm(), tir_pipeline=register())
    return lib, [([int(d) for d in a.shape], str(a.dtype)) for a in ArgInfo.from_prim_func(sch.mod["main"])]


def _time_blocked(conv, dtype: str, target, knobs: dict) -> float:
    """Microseconds of one call of the blocked kernel with ``knobs`` (best of 5 repeats of 20 calls)."""
    import numpy as np
    import tvm

    lib, shapes = _build_blocked(conv, dtype, target, knobs)
    rng = np.random.default_rng(0)
    args = [tvm.runtime.tensor(rng.standard_normal(s).astype(d)) for s, d in shapes]
    ev = lib.mod.time_evaluator("main", tvm.cpu(), number=20, repeat=5)
    return float(np.min(ev(*args).results)) * 1e6
