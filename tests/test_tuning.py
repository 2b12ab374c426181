"""Tuning, tuning logs and replay: a short real MetaSchedule run, stale logs, damaged lines, kills.

The committed logs under tuning_logs/ are each rebuilt without searching, checked against
torch.nn.functional, and rebuilt twice to check the module is byte-identical.
"""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import sepgen
from sepgen.build import build_module, schedule_plan
from sepgen.logs import META_FILE, RECORD_FILE, REJECTED_FILE, LogDir, check_records, default_log_root, stage_workload
from sepgen.stages import Geometry, DepthwiseConv, Plan, stage_from_dict
from sepgen.targets import get_target
from sepgen.tune import TuneOptions, make_replay, tune_stage

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
    from sepgen.runtime import CompiledConv

    op = CompiledConv(plan.spec, plan, HOST, ex.mod, {})
    x = torch.randn(plan.spec.input_shape)
    from sepgen.reference import run_plan_torch

    ref = run_plan_torch(plan, x)
    err = float((op(x) - ref).abs().max() / ref.abs().max())
    assert err < 1e-4
    # byte-identical rebuild
    ex2 = build_module(_build_from_log(d.parent.parent, st, meta["dtype"])[1], HOST)
    ex.export_library(str(tmp_path / "a.so"))
    ex2.export_library(str(tmp_path / "b.so"))
    assert (tmp_path / "a.so").read_bytes() == (tmp_path / "b.so").read_bytes()


@pytest.mark.slow
def test_sigkill_during_tuning_loses_at_most_a_batch(tmp_path):
    """Kill a real tuning run after its first batch; the log parses and a rerun resumes."""
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from sepgen.logs import LogDir
from sepgen.targets import get_target
from sepgen.tune import TuneOptions, tune_stage
from sepgen.stages import DepthwiseConv, Geometry
st = DepthwiseConv("conv", Geometry((1, 16, 20, 24), 16, (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 16), "w", None)
tune_stage(0, st, "float32", get_target("host"), LogDir({str(tmp_path)!r}),
           TuneOptions(trials=int(sys.argv[1]), batch=4, seed=0, progress=True))
"""
    path = tmp_path / "run.py"
    path.write_text(script)
    st = _small_stage()
    rec = LogDir(tmp_path).stage_dir(stage_workload(st, "float32"), HOST) / RECORD_FILE
    proc = subprocess.Popen([sys.executable, str(path), "16"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and check_records(rec).good < 4:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    chk = check_records(rec)
    assert chk.bad == [] or all("not JSON" in why for _, why in chk.bad)
    assert 4 <= chk.good < 16
    before = chk.good
    subprocess.run([sys.executable, str(path), "16"], cwd=ROOT, check=True, capture_output=True, timeout=300)
    after = check_records(rec)
    assert after.bad == []
    # the rerun resumed (it measured more) and stayed within the 16-trial budget; the search may run
    # out of unmeasured candidates in this small space before that, but it never repeats one
    assert before < after.good <= 16
    decisions = [json.dumps(json.loads(ln)[1][0][1]) for ln in rec.read_text().splitlines() if ln.strip()]
    assert len(decisions) == len(set(decisions)), "a measured candidate was measured again"


def test_plan_choice_is_revisited_with_measured_times(tmp_path):
    """A close call (3x3 per-channel Gaussians: separable vs direct) is settled by measuring both."""
    from sepgen.cost import plan_key
    from sepgen.filters import named_filter

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


@pytest.mark.slow
def test_two_tuners_on_one_log_take_turns(tmp_path):
    """Two processes tuning the same workload into the same log: no corrupt or duplicated records."""
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from sepgen.logs import LogDir
from sepgen.targets import get_target
from sepgen.tune import TuneOptions, tune_stage
from sepgen.stages import DepthwiseConv, Geometry
st = DepthwiseConv("conv", Geometry((1, 16, 20, 24), 16, (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 16), "w", None)
r = tune_stage(0, st, "float32", get_target("host"), LogDir({str(tmp_path)!r}),
               TuneOptions(trials=8, batch=4, seed=int(sys.argv[1]), progress=True, roofline_fraction=10.0,
                           patience=100))
print("RESULT", r.trials_run)
"""
    path = tmp_path / "run.py"
    path.write_text(script)
    procs = [subprocess.Popen([sys.executable, str(path), str(seed)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for seed in (1, 2)]
    outs = [p.communicate(timeout=400)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    ran = sorted(int(o.split("RESULT")[1].split()[0]) for o in outs)
    rec = LogDir(tmp_path).stage_dir(stage_workload(_small_stage(), "float32"), HOST) / RECORD_FILE
    chk = check_records(rec)
    assert chk.bad == [] and chk.good == 8, (chk, outs)
    # one tuner filled the log; the other waited for the lock, then found nothing left to do
    assert ran == [0, 7], outs
    assert any("another tuner holds" in o for o in outs)
    decisions = [json.dumps(json.loads(ln)[1][0][1]) for ln in rec.read_text().splitlines() if ln.strip()]
    assert len(decisions) == len(set(decisions))
    wl_lines = [ln for ln in (rec.parent / "database_workload.json").read_text().splitlines() if ln.strip()]
    assert len(wl_lines) == 1
