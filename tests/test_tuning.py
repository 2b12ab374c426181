"""Tuning, tuning logs and replay: a short real MetaSchedule run, stale logs, damaged lines, kills.

The committed logs under tuning_logs/ are each rebuilt without searching, checked against
torch.nn.functional, and rebuilt twice to check the module is byte-identical.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _reliability import record as record_reliability

import sepgen
from sepgen.codegen.build import build_module, schedule_plan
from sepgen.errors import BuildError
from sepgen.ir.serialize import stage_from_dict
from sepgen.ir.stages import DepthwiseConv, Geometry, Plan
from sepgen.targets.registry import get_target
from sepgen.tuning.logs import LogDir, default_log_root
from sepgen.tuning.options import TuneOptions
from sepgen.tuning.records import (FAILED_FILE, META_FILE, RECORD_FILE, REJECTED_FILE, check_records, record_module,
                                   schedule_key, stage_workload)
from sepgen.tuning.replay import make_replay
from sepgen.tuning.tuner import tune_stage

ROOT = Path(__file__).resolve().parent.parent
HOST = get_target("host")


def _small_stage():
    g = Geometry((1, 16, 20, 24), 16, (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 16)
    return DepthwiseConv("conv", g, "w", None)


@pytest.fixture(scope="module")
def tuned_log(tmp_path_factory):
    """One real, short tuning run (8 trials) shared by the tests below."""
    root = tmp_path_factory.mktemp("logs")
    st = _small_stage()
    res = tune_stage(0, st, "float32", HOST, LogDir(root), TuneOptions(trials=8, batch=8, seed=0, progress=False))
    return root, st, res


def _carrier_spec(st, dtype):
    """A ConvSpec with the stage's input and output shapes (chains: each axis's one active part)."""
    parts = getattr(st, "parts", (st,))
    nd = len(st.in_shape) - 2
    k, s_, pad, dil = [], [], [], []
    for ax in range(nd):
        active = [p.geom for p in parts if p.geom.kernel[ax] > 1 or p.geom.stride[ax] > 1
                  or p.geom.padding[ax] != (0, 0)]
        g = active[0] if active else parts[0].geom
        k.append(g.kernel[ax]), s_.append(g.stride[ax]), pad.append(g.padding[ax]), dil.append(g.dilation[ax])
    return sepgen.ConvSpec.create(st.in_shape, (st.out_shape[1], st.in_shape[1], *k), stride=tuple(s_),
                                  padding=tuple(pad), dilation=tuple(dil), dtype=dtype)


def _build_from_log(root, st, dtype="float32"):
    spec = _carrier_spec(st, dtype)
    rng = np.random.default_rng(0)
    params = {p: rng.standard_normal(s).astype(dtype) for p, s in st.param_shapes().items()}
    plan = Plan(spec, (st,), params)
    replay, notes = make_replay(LogDir(root), dtype)
    scheduled = schedule_plan(plan, HOST, replay)
    return plan, scheduled, notes


def test_tuning_writes_a_replayable_log(tuned_log):
    root, st, res = tuned_log
    assert res.trials_run == 7   # the template's defaults are the first of the 8 records
    assert res.best_us is not None and res.best_us > 0
    d = LogDir(root).stage_dir(stage_workload(st, "float32"), HOST)
    meta = json.loads((d / META_FILE).read_text())
    for key in ("sepgen_version", "tvm_version", "target", "host", "seed", "trials", "date", "best_us", "tir_hash"):
        assert key in meta
    assert meta["trials"] == 8 and meta["target_key"] == HOST.key()
    assert check_records(d / RECORD_FILE).good == 8
    plan, scheduled, notes = _build_from_log(root, st)
    assert notes == []
    assert scheduled[0].source.startswith("tuned:")


def test_rerun_resumes_instead_of_repeating(tuned_log):
    root, st, _ = tuned_log
    res = tune_stage(0, st, "float32", HOST, LogDir(root), TuneOptions(trials=8, batch=8, progress=False))
    assert res.trials_run == 0 and "already" in res.stopped


def test_stale_log_is_reported_not_used(tuned_log, tmp_path):
    root, st, _ = tuned_log
    copy = tmp_path / "logs"
    shutil.copytree(root, copy)
    d = LogDir(copy).stage_dir(stage_workload(st, "float32"), HOST)
    meta = json.loads((d / META_FILE).read_text())
    meta["tvm_version"] = "0.1.0"
    (d / META_FILE).write_text(json.dumps(meta))
    _, scheduled, notes = _build_from_log(copy, st)
    assert scheduled[0].source == "default"
    assert len(notes) == 1 and "stale" in notes[0] and "TVM 0.1.0" in notes[0]


def test_damaged_record_lines_are_set_aside(tuned_log, tmp_path):
    root, st, _ = tuned_log
    copy = tmp_path / "logs"
    shutil.copytree(root, copy)
    d = LogDir(copy).stage_dir(stage_workload(st, "float32"), HOST)
    rec = d / RECORD_FILE
    lines = rec.read_text().splitlines()
    good = json.loads(lines[0])
    nan = json.loads(lines[1])
    nan[1][1] = [float("nan")]
    lines.append(lines[2][: len(lines[2]) // 2])           # a truncated line (killed mid-write)
    lines.append(json.dumps(nan).replace("NaN", "NaN"))     # a NaN latency
    huge = json.loads(lines[3])
    huge[1][1] = [1e300]
    lines.append(json.dumps(huge))
    other = [7, good[1]]
    lines.append(json.dumps(other))                          # a record for a workload not in the log
    rec.write_text("\n".join(lines) + "\n")
    chk = check_records(rec)
    assert chk.good == 8 and len(chk.bad) == 4
    reasons = " | ".join(r for _, r in chk.bad)
    assert "not JSON" in reasons and "impossible latency" in reasons and "workload 7" in reasons
    # `sepgen logs verify` fails and names the line
    out = subprocess.run([sys.executable, "-m", "sepgen.cli", "logs", "verify", str(d)], capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode == 1
    assert f"{RECORD_FILE}:9:" in out.stdout
    # replay still works from the good records, and the bad ones are kept aside, not lost
    _, scheduled, notes = _build_from_log(copy, st)
    assert scheduled[0].source.startswith("tuned:")
    assert check_records(rec).bad == []
    rejected = [json.loads(ln) for ln in (d / REJECTED_FILE).read_text().splitlines()]
    assert len(rejected) == 4 and all("reason" in r and "text" in r for r in rejected)
    record_reliability("damaged_log_lines", malformed_lines=4, set_aside_with_reason=4, good_records_kept=8)


def _committed_log_dirs():
    root = default_log_root() / HOST.key()
    if not root.exists():
        return []
    return sorted(p.parent for p in root.glob(f"*/{RECORD_FILE}") if p.parent.parent.name == HOST.key())


@pytest.mark.parametrize("d", _committed_log_dirs(), ids=lambda p: p.name[:60])
def test_committed_logs_replay_correctly_and_deterministically(d, tmp_path):
    meta = json.loads((d / META_FILE).read_text())
    st = stage_from_dict(meta["stage_json"])
    wl = stage_workload(st, meta["dtype"])
    assert wl.key == d.name, "the committed log's key no longer matches its stage (lowering changed?)"
    plan, scheduled, notes = _build_from_log(d.parent.parent, st, meta["dtype"])
    assert notes == [] and scheduled[0].source.startswith("tuned:")
    ex = build_module(scheduled, HOST)
    from sepgen.runtime.compiled import CompiledConv

    op = CompiledConv(plan.spec, plan, HOST, ex.mod, {})
    x = torch.randn(plan.spec.input_shape)
    from sepgen.runtime.reference import run_plan_torch

    ref = run_plan_torch(plan, x)
    err = float((op(x) - ref).abs().max() / ref.abs().max())
    assert err < 1e-4
    # byte-identical rebuild
    ex2 = build_module(_build_from_log(d.parent.parent, st, meta["dtype"])[1], HOST)
    ex.export_library(str(tmp_path / "a.so"))
    ex2.export_library(str(tmp_path / "b.so"))
    assert (tmp_path / "a.so").read_bytes() == (tmp_path / "b.so").read_bytes()


# A tuner in a subprocess: argv = trials, batch, seed.  No early stop: it runs until its budget is spent.
_TUNER = """
import sys
sys.path.insert(0, {root!r})
from sepgen.tuning.logs import LogDir
from sepgen.targets import get_target
from sepgen.tuning.tuner import TuneOptions, tune_stage
from sepgen.ir.stages import DepthwiseConv, Geometry
st = DepthwiseConv("conv", Geometry((1, 16, 20, 24), 16, (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 16), "w", None)
r = tune_stage(0, st, "float32", get_target("host"), LogDir({logs!r}),
               TuneOptions(trials=int(sys.argv[1]), batch=int(sys.argv[2]), seed=int(sys.argv[3]), progress=True,
                           roofline_fraction=100.0, patience=10**9))
print("RESULT", r.trials_run, flush=True)
"""


def _good_lines(rec: Path) -> list:
    """The record lines sepgen's reader accepts, byte for byte."""
    if not rec.exists():
        return []
    lines = [ln for ln in rec.read_bytes().splitlines() if ln.strip()]
    bad = {n for n, _ in check_records(rec).bad}
    return [ln for i, ln in enumerate(lines, 1) if i not in bad]


def _candidate_keys(lines, wl):
    """(trace keys, scheduled-module keys) of record lines: a candidate measured twice repeats both."""
    traces = [json.dumps(json.loads(ln)[1][0], sort_keys=True) for ln in lines]
    mods = [schedule_key(record_module(wl, json.loads(ln)[1][0])) for ln in lines]
    return traces, mods


def _logs_verify(d: Path) -> tuple[int, str]:
    """`sepgen logs verify DIR`, in this process."""
    from sepgen.cli import logs as logtool

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = logtool.run(argparse.Namespace(action="verify", path=str(d)))
    return rc, out.getvalue()


def _replay_matches_torch(root, st) -> None:
    plan, scheduled, notes = _build_from_log(root, st)
    assert notes == [] and scheduled[0].source.startswith("tuned:"), notes
    from sepgen.runtime.compiled import CompiledConv

    op = CompiledConv(plan.spec, plan, HOST, build_module(scheduled, HOST).mod, {0: scheduled[0].source})
    x = torch.randn(plan.spec.input_shape)
    ref = F.conv2d(x, torch.from_numpy(plan.params["w"]), None, 1, 1, 1, 16)
    assert float((op(x) - ref).abs().max() / ref.abs().max()) < 1e-5


#: kills per suite run (SEPGEN_SOAK_KILLS=N for a longer soak; 20 measured: see the README)
KILLS = int(os.environ.get("SEPGEN_SOAK_KILLS", "10"))


@pytest.mark.slow
def test_sigkill_many_times_during_one_tuning_run(tmp_path):
    """One tuning run killed with SIGKILL ``KILLS`` times (10; ``SEPGEN_SOAK_KILLS``) at random points and restarted after each kill.

    Kills land during start-up (imports, opening and cleaning the log, starting the runner) and during
    the search (evolution, builds, measurements, database writes: some right as a batch's records are
    being appended).  After every kill: the log parses (sepgen's reader and `sepgen logs verify`), no
    record written before the kill is lost, and every batch the killed run reported done is in the log,
    so a kill loses at most the batch in flight.  Then the run finishes: no candidate was measured twice
    (distinct traces and distinct scheduled modules), and the best record replays and matches F.conv2d.
    """
    rng = random.Random(20261124)
    logs = tmp_path / "logs"
    script = tmp_path / "run.py"
    script.write_text(_TUNER.format(root=str(ROOT), logs=str(logs)))
    st = _small_stage()
    wl = stage_workload(st, "float32")
    log = LogDir(logs)
    d = log.stage_dir(wl, HOST)
    rec = d / RECORD_FILE
    seen: set = set()
    counts = {"kills": 0, "startup": 0, "mid_run": 0, "cut_line": 0, "exited_early": 0}
    t0 = time.time()
    cycle = 0
    while counts["kills"] < KILLS:
        assert time.time() - t0 < 900, f"too slow: {counts} after {time.time() - t0:.0f}s"
        cycle += 1
        before = _good_lines(rec)
        out_path = tmp_path / f"cycle{cycle}.txt"
        with open(out_path, "w") as out:
            proc = subprocess.Popen([sys.executable, str(script), "100000", "2", "0"], cwd=ROOT, stdout=out,
                                    stderr=subprocess.STDOUT)
            startup = rng.random() < 0.35
            if startup:       # somewhere in start-up: imports, log cleaning, the template-default record, runner
                until = time.time() + rng.uniform(0.2, 5.0)
                while time.time() < until and proc.poll() is None:
                    time.sleep(0.01)
            else:             # once this run's first records are in: at once (inside the batch's writes) or later
                until = time.time() + 180
                while proc.poll() is None and len(_good_lines(rec)) <= len(before) and time.time() < until:
                    time.sleep(0.01)
                if rng.random() < 0.6:
                    time.sleep(rng.uniform(0.0, 2.5))
            if proc.poll() is not None:
                counts["exited_early"] += 1
                assert counts["exited_early"] <= 2, out_path.read_text()[-2000:]
                continue
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        counts["kills"] += 1
        counts["startup" if len(_good_lines(rec)) == len(before) else "mid_run"] += 1
        # the log parses: at most one line, the last, cut short by the kill
        chk = check_records(rec)
        assert all("not JSON" in why for _, why in chk.bad) and len(chk.bad) <= 1, chk.bad
        if chk.bad:
            assert chk.bad[0][0] == len([ln for ln in rec.read_bytes().splitlines() if ln.strip()])
            counts["cut_line"] += 1
        lines = _good_lines(rec)
        assert seen <= set(lines), "a record written before the kill is gone"
        reported = [int(m) for m in re.findall(r"(\d+)/\d+ trials", out_path.read_text())]
        done = reported[-1] if reported else 0
        assert len(lines) - len(before) >= done, "a batch the killed run reported done is not in the log"
        seen |= set(lines)
        if rec.exists():
            db = log.open_database(wl, HOST)          # what the next run does first: sets a cut line aside
            assert len(db.get_all_tuning_records()) == len(lines) == check_records(rec).good
            rc, text = _logs_verify(d)
            assert rc == 0, text
    # let it finish: 4 more trials than the log holds
    held = len(_good_lines(rec)) + len(log.failed_keys(d))
    done = subprocess.run([sys.executable, str(script), str(held + 4), "2", "0"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ran = int(done.stdout.split("RESULT")[1].split()[0])
    assert ran == 4, done.stdout[-2000:] + done.stderr[-2000:]
    lines = _good_lines(rec)
    assert check_records(rec).bad == [] and seen <= set(lines)
    failed = log.failed_keys(d)
    assert len(lines) + len(failed) == held + ran
    traces, mods = _candidate_keys(lines, wl)
    assert len(set(traces)) == len(lines), "a measured candidate was measured again (same trace)"
    assert len(set(mods)) == len(lines), "a measured candidate was measured again (same scheduled module)"
    assert not failed & set(mods)
    meta = json.loads((d / META_FILE).read_text())
    assert meta["trials"] == held + ran and meta["verified_best"]["key"] in mods
    _replay_matches_torch(logs, st)
    record_reliability("sigkill", kills=counts["kills"], kills_during_startup=counts["startup"],
                       kills_during_search=counts["mid_run"], kills_that_cut_a_record=counts["cut_line"],
                       records=len(lines), records_lost=0, candidates_measured_twice=len(lines) - len(set(mods)),
                       seconds=round(time.time() - t0, 1))


def test_plan_choice_is_revisited_with_measured_times(tmp_path):
    """A close call (3x3 per-channel Gaussians: separable vs direct) is settled by measuring both."""
    from sepgen.analysis.cost import plan_key
    from sepgen.ir.filters import named_filter

    g = named_filter("gaussian:3:0.8")[0, 0]
    w = np.stack([g * (1 + 0.1 * c) for c in range(8)])[:, None].astype(np.float32)
    kw = dict(input_shape=(1, 8, 16, 16), padding=1, groups=8)
    op = sepgen.compile_conv(w, trials=4, log_dir=tmp_path, **kw)
    assert any("plan choice revisited with measured times" in line for line in op.plan.log)
    times = LogDir(tmp_path).read_plan_times(op.spec, HOST)
    assert len(times) == 2 and plan_key(op.plan) in times
    assert times[plan_key(op.plan)] == min(times.values())
    # a later build replays the decision without tuning: same plan, tuned stages
    again = sepgen.compile_conv(w, trials=0, log_dir=tmp_path, **kw)
    assert plan_key(again.plan) == plan_key(op.plan)
    assert all(s.startswith("tuned:") for s in again.sources.values())
    x = torch.randn(1, 8, 16, 16)
    ref = F.conv2d(x, torch.from_numpy(w), None, 1, 1, 1, 8)
    assert float((again(x) - ref).abs().max() / ref.abs().max()) < 1e-4


WRITERS = 3


@pytest.mark.slow
def test_concurrent_tuners_on_one_log_take_turns(tmp_path):
    """Three processes tuning the same workload into the same log: no corrupt or duplicated records."""
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from sepgen.tuning.logs import LogDir
from sepgen.targets import get_target
from sepgen.tuning.tuner import TuneOptions, tune_stage
from sepgen.ir.stages import DepthwiseConv, Geometry
st = DepthwiseConv("conv", Geometry((1, 16, 20, 24), 16, (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 16), "w", None)
r = tune_stage(0, st, "float32", get_target("host"), LogDir({str(tmp_path)!r}),
               TuneOptions(trials=8, batch=4, seed=int(sys.argv[1]), progress=True, roofline_fraction=10.0,
                           patience=100))
print("RESULT", r.trials_run)
"""
    path = tmp_path / "run.py"
    path.write_text(script)
    procs = [subprocess.Popen([sys.executable, str(path), str(seed)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for seed in range(1, WRITERS + 1)]
    outs = [p.communicate(timeout=400)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    ran = sorted(int(o.split("RESULT")[1].split()[0]) for o in outs)
    wl = stage_workload(_small_stage(), "float32")
    rec = LogDir(tmp_path).stage_dir(wl, HOST) / RECORD_FILE
    chk = check_records(rec)
    assert chk.bad == [] and chk.good == 8, (chk, outs)
    # one tuner filled the log; the others waited for the lock, then found nothing left to do
    assert ran == [0] * (WRITERS - 1) + [7], outs
    assert sum("another tuner holds" in o for o in outs) >= 1, outs
    traces, mods = _candidate_keys(_good_lines(rec), wl)
    assert len(set(traces)) == len(set(mods)) == 8
    wl_lines = [ln for ln in (rec.parent / "database_workload.json").read_text().splitlines() if ln.strip()]
    assert len(wl_lines) == 1
    record_reliability("concurrent_writers", writers=WRITERS, records=chk.good, corrupt_lines=len(chk.bad),
                       records_lost=0, candidates_measured_twice=8 - len(set(mods)))


# ---- measurement faults: crashes, impossible times and wrong results are recorded as failed ----------------

def test_failure_reasons():
    """What a failed measurement is recorded as: build errors, crashes, timeouts, impossible times."""
    from sepgen.tuning.space import _failure_reason

    ok = types.SimpleNamespace(error_msg=None)
    run = lambda err=None, secs=(1e-5,): types.SimpleNamespace(error_msg=err, run_secs=secs)  # noqa: E731
    assert _failure_reason(ok, run()) == ("", "")
    assert _failure_reason(types.SimpleNamespace(error_msg="build failed: X"), run())[0] == "build"
    kind, why = _failure_reason(ok, run("LocalRunner: Timeout, killed after 30 seconds\n..."))
    assert kind == "run" and why.startswith("timeout:")
    assert _failure_reason(ok, run("RuntimeError: segfault in the kernel"))[0] == "run"
    for secs in ([float("nan")], [-1.0], [0.0], [1e10], []):
        assert _failure_reason(ok, run(None, secs))[0] == "timing", secs


def _faulty_export(every: int = 3):
    """An export that breaks some candidates: one build in ``every`` raises, the next exports garbage that
    the runner cannot load (the candidate fails when it runs)."""
    from tvm.s_tir.meta_schedule.builder.local_builder import default_export

    calls = {"n": 0}

    def export(mod):
        calls["n"] += 1
        if calls["n"] % every == 1:
            raise RuntimeError("injected build crash")
        path = default_export(mod)
        if calls["n"] % every == 2:
            Path(path).write_bytes(b"not a library")
        return path

    return export, calls


def test_failing_candidates_are_recorded_and_tuning_goes_on(tuned_log, tmp_path, monkeypatch):
    root, st, _ = tuned_log
    copy = tmp_path / "logs"
    shutil.copytree(root, copy)
    wl = stage_workload(st, "float32")
    d = LogDir(copy).stage_dir(wl, HOST)
    export, calls = _faulty_export()
    import sepgen.tuning.tuner as tune

    monkeypatch.setattr(tune, "_remote_export", lambda target, opts: export)
    res = tune_stage(0, st, "float32", HOST, LogDir(copy), TuneOptions(trials=14, batch=3, progress=False,
                                                                       roofline_fraction=100.0, patience=100))
    failed = [json.loads(ln) for ln in (d / FAILED_FILE).read_text().splitlines()]
    kinds = {e["kind"] for e in failed}
    assert res.trials_run == 6 and res.failures == len(failed) >= 2, (res, failed)
    assert {"build", "run"} <= kinds, failed
    assert all(e["reason"] and e["trace"] for e in failed)
    assert any("injected build crash" in e["reason"] for e in failed if e["kind"] == "build")
    assert check_records(d / RECORD_FILE).good + len(failed) == 14
    # a rerun counts them as spent and never measures them again
    monkeypatch.undo()
    res2 = tune_stage(0, st, "float32", HOST, LogDir(copy), TuneOptions(trials=16, batch=2, progress=False,
                                                                        roofline_fraction=100.0, patience=100))
    assert res2.trials_run == 2 and res2.failures == 0, res2
    traces, mods = _candidate_keys(_good_lines(d / RECORD_FILE), wl)
    assert not {e["key"] for e in failed} & set(mods) and len(set(mods)) == len(mods)
    record_reliability("failed_candidates", injected_failures=len(failed), recorded_with_reason=len(failed))


def test_strict_mode_stops_at_the_first_failing_candidate(tuned_log, tmp_path, monkeypatch):
    root, st, _ = tuned_log
    copy = tmp_path / "logs"
    shutil.copytree(root, copy)
    export, calls = _faulty_export(every=2)
    import sepgen.tuning.tuner as tune

    monkeypatch.setattr(tune, "_remote_export", lambda target, opts: export)
    with pytest.raises(BuildError, match="strict mode: a candidate of .* failed: build: build failed: "
                                         "RuntimeError: injected build crash"):
        tune_stage(0, st, "float32", HOST, LogDir(copy), TuneOptions(trials=40, batch=2, progress=False,
                                                                     strict=True, roofline_fraction=100.0,
                                                                     patience=100))
    assert calls["n"] <= 2   # stopped after the first batch


def _inject_wrong_record(d: Path, wl) -> str:
    """A record whose kernel computes something else (the padded input stored as int32, an unsafe schedule
    step), reported as the fastest of the log.  Returns its key."""
    rec = d / RECORD_FILE
    line = json.loads(rec.read_text().splitlines()[0])
    trace = line[1][0]
    # first, while the copy is still the one block "conv_pad" (the depthwise template splits it later)
    trace[0][:0] = [["GetSBlock", [], ["conv_pad", "main"], ["b900"]], ["UnsafeSetDType", ["b900"], [0, "int32"], []]]
    trace[1] = [[i + 2, v] for i, v in trace[1]]   # decisions name their instruction by index
    line[1][1] = [1e-8, 1e-8, 1e-8]
    with open(rec, "a") as f:
        f.write(json.dumps(line) + "\n")
    return schedule_key(record_module(wl, trace))


def test_wrong_result_record_is_never_replayed(tuned_log, tmp_path):
    root, st, _ = tuned_log
    copy = tmp_path / "logs"
    shutil.copytree(root, copy)
    wl = stage_workload(st, "float32")
    d = LogDir(copy).stage_dir(wl, HOST)
    # the tuner's order, as for a log without a re-timed choice (with one, that record is tried first)
    meta = json.loads((d / META_FILE).read_text())
    meta.pop("robust_best", None)
    (d / META_FILE).write_text(json.dumps(meta))
    bad = _inject_wrong_record(d, wl)
    assert LogDir(copy).ranked(wl, HOST)[0].key == bad     # it is the "best" record
    # it is checked against the reference, rejected with its reason, and the next best is used
    plan, scheduled, notes = _build_from_log(copy, st)
    assert scheduled[0].source.startswith("tuned:")
    assert len(notes) == 1 and "rejected: wrong result: max rel err" in notes[0], notes
    failed = [json.loads(ln) for ln in (d / FAILED_FILE).read_text().splitlines()]
    assert [(e["key"], e["kind"]) for e in failed] == [(bad, "wrong-result")]
    assert "max rel err" in failed[0]["reason"]
    assert LogDir(copy).replay(wl, HOST).mod is not None
    _replay_matches_torch(copy, st)                          # a known-wrong record is skipped without a word
    # strict mode: the replay refuses it
    copy2 = tmp_path / "logs2"
    shutil.copytree(root, copy2)
    d2 = LogDir(copy2).stage_dir(wl, HOST)
    meta = json.loads((d2 / META_FILE).read_text())
    meta.pop("robust_best", None)
    (d2 / META_FILE).write_text(json.dumps(meta))
    _inject_wrong_record(d2, wl)
    with pytest.raises(sepgen.SepgenError, match="strict mode: .* rejected: wrong result: max rel err"):
        schedule_plan(Plan(_carrier_spec(st, "float32"), (st,), {"w": np.zeros(st.geom.weight_shape, "float32")}),
                      HOST, make_replay(LogDir(copy2), "float32", strict=True)[0])
    record_reliability("wrong_results", injected=1, rejected=1, used_as_best=0)


def test_wrong_result_found_after_tuning_is_not_recorded_as_best(tuned_log, tmp_path):
    root, st, _ = tuned_log
    copy = tmp_path / "logs"
    shutil.copytree(root, copy)
    wl = stage_workload(st, "float32")
    d = LogDir(copy).stage_dir(wl, HOST)
    bad = _inject_wrong_record(d, wl)
    n = check_records(d / RECORD_FILE).good
    out = io.StringIO()
    res = tune_stage(0, st, "float32", HOST, LogDir(copy), TuneOptions(trials=n + 2, batch=2, out=out,
                                                                       roofline_fraction=100.0, patience=100))
    assert res.best_us is not None and res.best_us > 0.1 and res.failures >= 1, res
    meta = json.loads((d / META_FILE).read_text())
    assert meta["verified_best"]["key"] != bad and meta["best_us"] == res.best_us
    assert "rejected a record" in out.getvalue() and "wrong result: max rel err" in out.getvalue()
    assert bad in LogDir(copy).wrong_result_keys(d)
    # it left the database (set aside with its reason): it seeds no later search
    assert bad not in _candidate_keys(_good_lines(d / RECORD_FILE), wl)[1]
    assert "wrong result" in (d / REJECTED_FILE).read_text()
    # strict mode stops there
    copy2 = tmp_path / "logs2"
    shutil.copytree(root, copy2)
    _inject_wrong_record(LogDir(copy2).stage_dir(wl, HOST), wl)
    with pytest.raises(BuildError, match="strict mode: the best record of .* computes a wrong result"):
        tune_stage(0, st, "float32", HOST, LogDir(copy2), TuneOptions(trials=n + 1, batch=1, progress=False,
                                                                      strict=True))


def test_skip_measured_never_sends_more_than_the_trial_budget():
    """The resumed-run search wrapper caps what it sends at the budget even when the inner search hands
    out more (seen: a 4-trial resume measured 5 after a batch held an already-measured candidate)."""
    import tvm
    from tvm import te
    from tvm.s_tir import meta_schedule as ms

    from sepgen.tuning.records import schedule_key
    from sepgen.tuning.space import _skip_measured

    a = te.placeholder((64,), name="a")
    b = te.compute((64,), lambda i: a[i] * 2.0, name="b")
    func = te.create_prim_func([a, b])
    cands = []
    for f in (1, 2, 4, 8, 16, 32, 64):
        sch = tvm.s_tir.Schedule(func)
        sch.split(sch.get_loops(sch.get_sblock("b"))[0], [None, f])
        cands.append(ms.MeasureCandidate(sch, ms.arg_info.ArgInfo.from_prim_func(func)))

    class Inner:   # an inner search that overshoots: batches of 2 for as long as it is asked
        def __init__(self):
            self.i = 0

        def generate_measure_candidates(self):
            got = cands[self.i:self.i + 2]
            self.i += 2
            return got or None

    measured = {schedule_key(cands[0].sch.mod)}      # the first candidate is already in the log
    state = {"budget": 4}
    wrapper = _skip_measured(Inner(), measured, state)
    sent = []
    while True:
        got = wrapper.generate_measure_candidates()
        if not got:
            break
        sent.extend(got)
    keys = [schedule_key(c.sch.mod) for c in sent]
    assert len(sent) == 4 and len(set(keys)) == 4
    assert schedule_key(cands[0].sch.mod) not in keys
    assert state["skipped"] == 1


# ---- re-timing the best records at several caller stack depths (sepgen.tuning.robust) -------------------

def test_tuning_re_times_its_best_records_and_replay_builds_the_choice(tuned_log):
    import tvm_ffi

    root, st, res = tuned_log
    wl = stage_workload(st, "float32")
    log = LogDir(root)
    d = log.stage_dir(wl, HOST)
    meta = json.loads((d / META_FILE).read_text())
    rb = meta["robust_best"]
    ranked = log.ranked(wl, HOST)
    keys = [r.key for r in ranked]
    cands = rb["candidates"]
    # the 4 fastest records by the tuner's times, each re-timed at every stack depth
    assert [c["key"] for c in cands] == keys[:4] and rb["stack_depths"] == 8
    for c in cands:
        assert c["robust_us"] > 0 and c["spread_us"][0] <= c["robust_us"] <= c["spread_us"][1]
    # the choice is the fastest on average, checked, and it is what the log reports and replay builds
    assert rb["robust_us"] == min(c["robust_us"] for c in cands) and rb["key"] in keys[:4]
    assert meta["verified_best"]["key"] == rb["key"] and rb["max_rel_err"] < 1e-4
    assert meta["best_us"] == rb["tuner_us"] == res.best_us
    _, scheduled, notes = _build_from_log(root, st)
    assert notes == []
    chosen = next(r for r in ranked if r.key == rb["key"])
    assert tvm_ffi.structural_equal(scheduled[0].func, chosen.mod["main"])
    assert tvm_ffi.structural_equal(log.replay(wl, HOST).mod["main"], chosen.mod["main"])


def test_rerank_chooses_the_fastest_on_average_not_the_luckiest(tuned_log, tmp_path):
    """Timings given: the tuner's fastest is fastest at one stack depth and slow at the others."""
    from sepgen.tuning.rerank import rerank_stage

    root, st, _ = tuned_log
    copy = tmp_path / "logs"
    shutil.copytree(root, copy)
    wl = stage_workload(st, "float32")
    log = LogDir(copy)
    seen = {}

    def measure(calls, est_s):
        seen["n"], seen["est"] = len(calls), list(est_s)
        out = [[9e-6, 30e-6, 30e-6] for _ in calls]        # 23 us on average
        out[0] = [5e-6, 60e-6, 60e-6]                      # the lucky one: 41.7 us on average
        out[2] = [10e-6, 11e-6, 12e-6]                     # 11 us at every depth
        return out

    got = rerank_stage(st, wl, "float32", HOST, log, top=3, measure=measure)
    ranked = log.ranked(wl, HOST)
    assert seen["n"] == 3 and seen["est"] == pytest.approx([r.us * 1e-6 for r in ranked[:3]])
    assert got["key"] == ranked[2].key and got["tuner_us"] == ranked[2].us
    assert got["robust_us"] == pytest.approx(11.0) and got["spread_us"] == pytest.approx([10.0, 12.0])
    assert got["stack_depths"] == 3 and [c["key"] for c in got["candidates"]] == [r.key for r in ranked[:3]]
    # a choice that computes a wrong result is passed over (and listed as such)
    bad = _inject_wrong_record(log.stage_dir(wl, HOST), wl)

    def measure_bad_fastest(calls, est_s):
        return [[1e-6] * 3] + [[20e-6 + i * 1e-6] * 3 for i in range(1, len(calls))]

    got = rerank_stage(st, wl, "float32", HOST, log, top=3, measure=measure_bad_fastest)
    assert got["key"] != bad and bad in log.wrong_result_keys(log.stage_dir(wl, HOST))
    # nothing to choose from: one record
    assert rerank_stage(st, wl, "float32", HOST, log, top=1, measure=measure) is None


def test_replay_falls_back_when_the_chosen_record_is_gone(tuned_log, tmp_path):
    root, st, _ = tuned_log
    copy = tmp_path / "logs"
    shutil.copytree(root, copy)
    d = LogDir(copy).stage_dir(stage_workload(st, "float32"), HOST)
    meta = json.loads((d / META_FILE).read_text())
    meta["robust_best"]["key"] = "0123456789abcdef"
    (d / META_FILE).write_text(json.dumps(meta))
    _, scheduled, notes = _build_from_log(copy, st)
    assert scheduled[0].source.startswith("tuned:")
    assert len(notes) == 1 and "0123456789abcdef" in notes[0] and "tuner's fastest" in notes[0]


def test_logs_rerank_and_distill_keep_the_chosen_record(tuned_log, tmp_path):
    from sepgen.cli import logs as logtool

    root, st, _ = tuned_log
    copy = tmp_path / "logs"
    shutil.copytree(root, copy)
    wl = stage_workload(st, "float32")
    d = LogDir(copy).stage_dir(wl, HOST)
    meta = json.loads((d / META_FILE).read_text())
    del meta["robust_best"]
    (d / META_FILE).write_text(json.dumps(meta))
    # a log of another machine is left alone, and says why
    other = copy / "x86_64-othercpu-64c" / d.name
    shutil.copytree(d, other)
    om = json.loads((other / META_FILE).read_text())
    om["target_key"] = "x86_64-othercpu-64c"
    (other / META_FILE).write_text(json.dumps(om))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = logtool.run(argparse.Namespace(action="rerank", path=str(copy), top=3))
    assert rc == 0, out.getvalue()
    assert "1 log(s) re-timed, 1 skipped" in out.getvalue() and "x86_64-othercpu-64c" in out.getvalue()
    meta = json.loads((d / META_FILE).read_text())
    rb = meta["robust_best"]
    assert len(rb["candidates"]) == 3 and meta["verified_best"]["key"] == rb["key"] and "reranked" in meta
    assert "robust_best" not in json.loads((other / META_FILE).read_text())
    # make the choice a record that distill --keep 1 would drop: it keeps it as well
    ranked = LogDir(copy).ranked(wl, HOST)
    meta["robust_best"].update(key=ranked[2].key, tuner_us=ranked[2].us)
    (d / META_FILE).write_text(json.dumps(meta))
    with contextlib.redirect_stdout(io.StringIO()):
        assert logtool.run(argparse.Namespace(action="distill", path=str(d), keep=1)) == 0
    assert [r.key for r in LogDir(copy).ranked(wl, HOST)] == [ranked[0].key, ranked[2].key]
    _, scheduled, notes = _build_from_log(copy, st)
    assert notes == [] and scheduled[0].source.startswith("tuned:")
