"""Whole-model tuning on a time budget (``compile_model(time_budget=...)``, ``--time-budget``)."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from schedules.cpu.blocked import accumulators_for, default_knobs
from sepgen.cli.common import duration
from sepgen.codegen.lowering import BlockedConv
from sepgen.errors import SpecError
from sepgen.graph.compile import compile_model
from sepgen.graph.tune import BlockedSearch, blocked_flops
from sepgen.targets.registry import get_target

ROOT = Path(__file__).resolve().parents[1]
TGT = get_target("host")
B = TGT.vector_bits // 32


class Clock:
    """A fake clock that one measurement advances by ``step`` seconds."""

    def __init__(self, step: float = 1.0):
        self.t = 0.0
        self.step = step

    def __call__(self) -> float:
        return self.t


def _fake_measure(clock, calls, us_of=None, fail=None, kill_at=None):
    def measure(conv, dtype, target, knobs):
        calls.append((conv, dict(knobs)))
        if kill_at is not None and len(calls) == kill_at:
            raise KeyboardInterrupt
        clock.t += clock.step
        if fail is not None and knobs == fail:
            raise RuntimeError("does not build")
        return us_of(conv, knobs) if us_of else 10.0 + len(calls)
    return measure


def _tasks():
    small = BlockedConv("pointwise", (1, 16, 8, 8), 16, block=B)        # 16 KFLOP x 1
    big = BlockedConv("pointwise", (1, 64, 16, 16), 64, block=B)        # 2 MFLOP x 1
    many = BlockedConv("depthwise", (1, 32, 16, 16), 32, kernel=(3, 3), padding=((1, 1), (1, 1)),
                       groups=32, block=B)                              # 147 KFLOP x 4
    return [(small, "float32", 1), (big, "float32", 1), (many, "float32", 4)]


def _logged(root: Path) -> list:
    return [m for p in sorted(root.rglob("*.json")) for m in json.loads(p.read_text())["measured"]]


def test_the_largest_share_is_measured_first_and_the_budget_stops_the_search(tmp_path):
    tasks = _tasks()
    flops = [blocked_flops(c) * n for c, _, n in tasks]
    clock, calls = Clock(), []
    s = BlockedSearch(TGT, log_dir=tmp_path)
    got = s.spend(tasks, 5.0, measure=_fake_measure(clock, calls, us_of=lambda c, k: blocked_flops(c) / 1e4),
                  clock=clock)
    # every kernel's default first, in order of its FLOP share; then by measured share per setting
    order = sorted(range(3), key=lambda i: -flops[i])
    assert [c for c, _ in calls[:3]] == [tasks[i][0] for i in order]
    for conv, k in calls[:3]:                  # ... each its template default
        _, c, h, w = conv.in_shape
        assert k == default_knobs(conv.kind, c, conv.out_channels // B, *conv.out_shape[2:], w,
                                  acc=accumulators_for(TGT.vector_bits))
    assert calls[3][0] is tasks[1][0]          # 205 us x 1 / 2 beats depthwise 14.7 us x 4 / 2
    assert got["measured"] == len(calls) == 5 and not got["exhausted"]
    assert got["settings_on_record"] == 5 < got["settings_total"]
    assert got["kernels_measured"] == 3
    assert got["kernel_time_us"] == pytest.approx(sum(blocked_flops(c) / 1e4 * n for c, _, n in tasks), abs=0.1)
    assert len(_logged(tmp_path)) == 5       # written as measured


def test_a_rerun_resumes_and_a_killed_run_keeps_what_it_measured(tmp_path):
    tasks = _tasks()
    clock, calls = Clock(), []
    with pytest.raises(KeyboardInterrupt):
        BlockedSearch(TGT, log_dir=tmp_path).spend(tasks, 100.0, measure=_fake_measure(clock, calls, kill_at=4),
                                                   clock=clock)
    kept = _logged(tmp_path)
    assert len(kept) == 3                      # the three finished before the kill are on record
    seen = set()
    for _ in range(20):                         # reruns on small budgets until every setting is on record
        clock2, calls2 = Clock(), []
        got = BlockedSearch(TGT, log_dir=tmp_path).spend(tasks, 3.0, measure=_fake_measure(clock2, calls2),
                                                         clock=clock2)
        for conv, k in calls2:
            key = (repr(conv), json.dumps(k, sort_keys=True))
            assert key not in seen, f"re-measured {key}"
            seen.add(key)
        if got["exhausted"]:
            break
    assert got["exhausted"] and got["settings_on_record"] == got["settings_total"]
    logged = [(json.dumps(m["knobs"], sort_keys=True)) for m in _logged(tmp_path)]
    assert len(logged) == got["settings_total"]
    # a third run has nothing to measure
    clock3, calls3 = Clock(), []
    again = BlockedSearch(TGT, log_dir=tmp_path).spend(tasks, 3.0, measure=_fake_measure(clock3, calls3),
                                                       clock=clock3)
    assert calls3 == [] and again["exhausted"] and again["measured"] == 0


def test_a_setting_that_fails_is_recorded_and_never_retried(tmp_path):
    conv = BlockedConv("pointwise", (1, 16, 8, 8), 16, block=B)
    from schedules.cpu.blocked import candidate_knobs

    bad = candidate_knobs("pointwise", 16, 16 // B, 8, 8, 8)[1]
    clock, calls = Clock(), []
    s = BlockedSearch(TGT, log_dir=tmp_path)
    got = s.spend([(conv, "float32", 1)], 3.0, measure=_fake_measure(clock, calls, fail=bad), clock=clock)
    assert got["failed"] == 1 and "failed" in s.notes[0]
    log = json.loads(next(tmp_path.rglob("*.json")).read_text())
    assert log["failed"][0]["knobs"] == bad and "does not build" in log["failed"][0]["error"]
    clock2, calls2 = Clock(), []
    BlockedSearch(TGT, log_dir=tmp_path).spend([(conv, "float32", 1)], 100.0,
                                               measure=_fake_measure(clock2, calls2), clock=clock2)
    assert bad not in [k for _, k in calls2]
    # the replay takes the best measured setting, never the failed one
    assert BlockedSearch(TGT, log_dir=tmp_path).knobs_for(conv, "float32")[0] != bad


def test_compile_model_on_a_time_budget_tunes_matches_eager_and_resumes(tmp_path):
    from sepgen import models

    torch.manual_seed(0)
    m = models.mobilenet_v2().eval()
    x = torch.randn(1, 3, 32, 32)
    prog = compile_model(m, (x,), time_budget=1.5, log_dir=tmp_path)
    t = prog.report.tuning
    assert 0 < t["measured"] < t["settings_total"] and not t["exhausted"], t
    assert t["kernels"] >= 20 and prog.report.seconds["tuning"] == t["spent_s"]
    assert prog.report.check["max_rel_error"] < 1e-4 and prog.report.check["top1_match"]
    tuned = [l for l in prog.report.layers if l.source.startswith("tuned:")]
    assert len(tuned) >= 1                     # what was measured is what the program runs
    first = _logged(tmp_path)
    prog2 = compile_model(m, (x,), time_budget=1.5, log_dir=tmp_path)
    after = _logged(tmp_path)
    keys = [json.dumps(e["knobs"], sort_keys=True) + p.name for p in tmp_path.rglob("*.json")
            for e in json.loads(p.read_text())["measured"]]
    assert len(keys) == len(set(keys)) and len(after) > len(first)       # resumed: nothing measured twice
    assert prog2.report.tuning["settings_on_record"] == len(after)
    with torch.no_grad():
        assert float((prog2(x) - m(x)).abs().max() / m(x).abs().max()) < 1e-4


def test_time_budget_arguments_are_checked():
    m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3))
    x = torch.randn(1, 3, 8, 8)
    for bad in (0, -1, float("nan"), float("inf"), "20m", True):
        with pytest.raises(SpecError, match="time_budget"):
            compile_model(m, (x,), time_budget=bad)
    with pytest.raises(SpecError, match="not both"):
        compile_model(m, (x,), time_budget=10, trials=4)
    with pytest.raises(SpecError, match="layout"):
        compile_model(m, (x,), time_budget=10, layout="nchw")


@pytest.mark.parametrize("text,seconds", [("90", 90), ("90s", 90), ("20m", 1200), ("1h", 3600),
                                          ("1h30m", 5400), ("2m30s", 150), ("0.5m", 30)])
def test_durations_parse(text, seconds):
    assert duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "0", "0s", "-5m", "5d", "m"])
def test_bad_durations_are_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        duration(text)


def test_cli_compile_model_time_budget(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "sepgen.cli", "compile-model", "mobilenet_v2", "--input-shape", "1,3,32,32",
           "--log-dir", str(tmp_path / "logs"), "--no-timing"]
    r = subprocess.run(cmd + ["--time-budget", "2s", "--out", str(tmp_path / "p")], capture_output=True,
                       text=True, timeout=600, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "tuning for 2 s" in r.stdout and "tuned for" in r.stderr and "kernel time" in r.stderr
    assert (tmp_path / "p" / "program.so").is_file() and _logged(tmp_path / "logs")
    r = subprocess.run(cmd + ["--time-budget", "1m", "--trials", "3", "--out", str(tmp_path / "q")],
                       capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 2 and "not both" in r.stderr
    r = subprocess.run(cmd + ["--time-budget", "soon", "--out", str(tmp_path / "q")],
                       capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 2 and "expected a duration" in r.stderr


def test_time_left_goes_to_the_other_kernels_by_share_while_they_gain(tmp_path, monkeypatch):
    """Convolutions outside the blocked layout (here: 6 and 5 output channels, not a multiple of the vector)
    get MetaSchedule rounds once the blocked settings are all on record: the large one round after round
    while a round gains 1%, the one under 1% of the model's time never."""
    from sepgen.graph import compile as gc
    from sepgen.tuning import tuner
    from sepgen.tuning.options import StageResult

    calls = []
    # the big kernel's best after each round: gains, gains, stalls (large enough that the small one's roofline
    # estimate, a few us where the measured bandwidth is low, stays under 1%)
    gains = iter([1000.0, 800.0, 799.0])

    def fake_tune_stage(index, stage, dtype, target, log, opts, label=""):
        calls.append((stage.in_shape, opts.trials))
        return StageResult(index, None, next(gains), gc.STAGE_ROUND, 1.0, 0, "")

    monkeypatch.setattr(tuner, "tune_stage", fake_tune_stage)
    # the big one's roofline (79 MFLOP) is ~100x the small one's (45 KB moved) on AVX2 and AVX-512 hosts alike
    m = torch.nn.Sequential(torch.nn.Conv2d(256, 6, 5, padding=2), torch.nn.Conv2d(6, 5, 1)).eval()
    x = torch.randn(1, 256, 32, 32)
    prog = compile_model(m, (x,), time_budget=60, log_dir=tmp_path)
    t = prog.report.tuning
    assert t["stage_kernels"] == 2 and t["kernels"] == 0 and t["exhausted"]
    assert [c[1] for c in calls] == [16, 32, 48], calls          # the big one, three rounds, then no gain
    assert all(c[0] == (1, 256, 32, 32) for c in calls)         # the 6->5 1x1 (<1% of the time) never
    assert t["stage_trials"] == 3 * gc.STAGE_ROUND and t["spent_s"] < 60
    with torch.no_grad():
        assert float((prog(x) - m(x)).abs().max() / m(x).abs().max()) < 1e-4
