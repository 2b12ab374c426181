"""Tuning through TVM's RPC runner, on loopback: a tracker and two RPC servers on 127.0.0.1.

The servers are x86 processes of this machine (target ``host``): this checks the
plumbing that tuning on a Raspberry Pi or a Graviton uses (``--rpc-tracker``,
``--rpc-key``, the RPC runner, candidates exported as shared libraries, several
servers under one key), not ARM hardware.  Then one server is killed in the
middle of a run (the run completes on the other), then the other (the run
stops with a clear error and the log intact).

Every port is a free ephemeral port on 127.0.0.1; every process started here
is killed (with its process group: TVM's tracker and servers run in child
processes) by a finalizer.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import sepgen
from sepgen import cli
from sepgen.codegen.build import ScheduledStage, build_module
from sepgen.errors import BuildError, TargetError
from sepgen.ir.stages import DepthwiseConv, Geometry, Plan
from sepgen.runtime.compiled import CompiledConv
from sepgen.targets.registry import get_target
from sepgen.tuning.logs import LogDir
from sepgen.tuning.options import TuneOptions
from sepgen.tuning.records import META_FILE, RECORD_FILE, check_records, stage_workload
from sepgen.tuning.remote import RPCOptions, count_servers, free_port, stop_process
from sepgen.tuning.replay import make_replay
from sepgen.tuning.tuner import tune_stage

KEY = "test-x86"
HOST = get_target("host")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("tornado") is None,
                       reason="TVM's RPC tracker needs tornado (pip install 'apache-tvm[rpc]')"),
]


class Cluster:
    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []
        self.servers: list[subprocess.Popen] = []
        self.tracker_port = 0

    def start(self, args, name) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")
        p = subprocess.Popen([sys.executable, "-m", *args], stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.procs.append(p)
        return p

    def kill_all(self) -> None:
        for p in self.procs:
            stop_process(p)

    def rpc(self, timeout=30) -> RPCOptions:
        return RPCOptions("127.0.0.1", self.tracker_port, KEY, session_timeout_sec=timeout)

    def wait_servers(self, n: int, deadline_s: float = 120) -> None:
        deadline = time.time() + deadline_s
        got = -1
        while time.time() < deadline:
            try:
                got = count_servers(self.rpc())
            except BuildError:
                got = -1
            if got == n:
                return
            time.sleep(0.5)
        logs = {f.name: f.read_text(errors="replace")[-500:] for f in self.log_dir.glob("*.log")}
        raise AssertionError(f"expected {n} RPC servers under {KEY!r}, the tracker reports {got}; logs: {logs}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, request):
    c = Cluster(tmp_path_factory.mktemp("rpc"))
    request.addfinalizer(c.kill_all)
    c.tracker_port = free_port()
    c.start(["tvm.exec.rpc_tracker", "--host", "127.0.0.1", "--port", str(c.tracker_port),
             "--port-end", str(c.tracker_port + 1)], "tracker")
    for i in range(2):
        port = free_port()
        c.servers.append(c.start(["tvm.exec.rpc_server", "--host", "127.0.0.1", "--port", str(port),
                                  "--port-end", str(port + 1), "--tracker", f"127.0.0.1:{c.tracker_port}",
                                  "--key", KEY], f"server{i}"))
    c.wait_servers(2)
    return c


def _stage():
    return DepthwiseConv("conv", Geometry((1, 16, 20, 24), 16, (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 16),
                         "w", None)


def _failed_only(chk) -> bool:
    """Lines check_records flags are MetaSchedule's records of failed runs (run_secs 1e10), nothing else."""
    return all("impossible latency 1e10" in why or "10000000000" in why for _, why in chk.bad)


def _opts(cluster, trials, batch, **kw):
    return TuneOptions(trials=trials, batch=batch, seed=0, progress=False, roofline_fraction=100.0, patience=100,
                       rpc=cluster.rpc(), **kw)


def _check_replay(root: Path, st) -> None:
    """Build the stage from the log's best record and compare it with F.conv2d."""
    replay, notes = make_replay(LogDir(root), "float32")
    got = replay(0, st, HOST)
    assert got is not None, notes
    lowered, mod, source = got
    ex = build_module([ScheduledStage(0, st, lowered, mod["main"], source)], HOST)
    spec = sepgen.ConvSpec.create(st.in_shape, st.geom.weight_shape, padding=1, groups=16)
    w = np.random.default_rng(0).standard_normal(st.geom.weight_shape).astype(np.float32)
    op = CompiledConv(spec, Plan(spec, (st,), {"w": w}), HOST, ex.mod, {0: source})
    x = torch.randn(st.in_shape)
    ref = F.conv2d(x, torch.from_numpy(w), padding=1, groups=16)
    assert float((op(x) - ref).abs().max() / ref.abs().max()) < 1e-5


def test_rpc_options_parse():
    o = RPCOptions.parse("192.168.1.10:9190", "rpi4")
    assert (o.tracker_host, o.tracker_port, o.key) == ("192.168.1.10", 9190, "rpi4")
    for bad in ("pi.local", ":9190", "pi:port", "pi:0"):
        with pytest.raises(TargetError, match="HOST:PORT"):
            RPCOptions.parse(bad, "rpi4")
    with pytest.raises(TargetError, match="--rpc-key"):
        RPCOptions.parse("pi:9190", "")


def test_unreachable_tracker_is_a_clear_error(tmp_path):
    rpc = RPCOptions("127.0.0.1", free_port(), KEY, session_timeout_sec=5)
    with pytest.raises(BuildError, match="cannot reach the RPC tracker"):
        tune_stage(0, _stage(), "float32", HOST, LogDir(tmp_path), TuneOptions(trials=4, progress=False, rpc=rpc))


def test_tuning_through_rpc_writes_a_log_that_replays(cluster, tmp_path):
    st = _stage()
    assert count_servers(cluster.rpc()) == 2
    res = tune_stage(0, st, "float32", HOST, LogDir(tmp_path), _opts(cluster, trials=8, batch=8))
    assert res.trials_run == 8 and res.failures == 0 and res.best_us is not None
    d = LogDir(tmp_path).stage_dir(stage_workload(st, "float32"), HOST)
    chk = check_records(d / RECORD_FILE)
    assert chk.good == 8 and chk.bad == [] and chk.best_us is not None
    meta = json.loads((d / META_FILE).read_text())
    assert meta["measured_on"] == f"RPC key {KEY!r} at tracker 127.0.0.1:{cluster.tracker_port}"
    _check_replay(tmp_path, st)


def test_cli_tune_and_compile_through_rpc(cluster, tmp_path, capsys):
    w = np.random.default_rng(1).standard_normal((8, 1, 3, 3)).astype(np.float32)
    np.save(tmp_path / "w.npy", w)
    out = tmp_path / "art"
    rc = cli.main(["tune-and-compile", "--weights", str(tmp_path / "w.npy"), "--input-shape", "1,8,16,16",
                   "--padding", "1", "--groups", "8", "--trials", "4", "--reps", "3", "--out", str(out),
                   "--log-dir", str(tmp_path / "logs"), "--rpc-tracker", f"127.0.0.1:{cluster.tracker_port}",
                   "--rpc-key", KEY, "--rpc-timeout", "30"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert f"measuring on RPC key {KEY!r}" in captured.out
    metas = [json.loads(p.read_text()) for p in (tmp_path / "logs").glob(f"*/*/{META_FILE}")]
    assert metas and all(m["measured_on"].startswith(f"RPC key {KEY!r}") and m["trials"] == 4 for m in metas)
    op = sepgen.load(out)
    assert op.sources[0].startswith("tuned:")
    x = torch.randn(1, 8, 16, 16)
    ref = F.conv2d(x, torch.from_numpy(w), padding=1, groups=8)
    assert float((op(x) - ref).abs().max() / ref.abs().max()) < 1e-5


def test_a_model_tuned_on_a_time_budget_measures_on_both_servers(cluster, tmp_path, monkeypatch):
    """compile_model(time_budget=...) inside measure_on(rpc): the blocked kernels' settings are built here and
    timed on the two servers, two at a time; the logs say where; the program runs and matches eager."""
    from torch import nn

    from sepgen.graph import tune
    from sepgen.graph.compile import compile_model
    from sepgen.tuning.remote import measure_on

    batches = []
    real = tune._RPCMeasure.__call__

    def spy(self, items):
        batches.append(len(items))
        return real(self, items)

    monkeypatch.setattr(tune._RPCMeasure, "__call__", spy)
    m = nn.Sequential(nn.Conv2d(16, 32, 1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1, groups=32), nn.ReLU(),
                      nn.Conv2d(32, 16, 1)).eval()
    x = torch.randn(1, 16, 16, 16)
    with measure_on(cluster.rpc()):
        prog = compile_model(m, (x,), time_budget=20, log_dir=tmp_path)
    t = prog.report.tuning
    assert t["measured"] >= 4 and max(batches) == 2, (t, batches)
    entries = [e for p in tmp_path.rglob("*.json") for e in json.loads(p.read_text())["measured"]]
    assert len(entries) == t["measured"] and all(e["on"] == f"rpc:{KEY}" for e in entries)
    with torch.no_grad():
        assert float((prog(x) - m(x)).abs().max() / m(x).abs().max()) < 1e-4


def test_a_time_budget_stops_clearly_when_the_servers_stop_answering(tmp_path):
    """No server answers (a tracker whose servers are gone): the run stops with the reason, logs intact."""
    from torch import nn

    from sepgen.graph import tune
    from sepgen.graph.compile import compile_model
    from sepgen.tuning.remote import measure_on

    class Gone(tune._RPCMeasure):
        def _remote(self, item):
            return item if isinstance(item, BaseException) else tune._Lost("RPCError: connection refused")

    m = nn.Sequential(nn.Conv2d(16, 32, 1), nn.ReLU()).eval()
    rpc = RPCOptions("127.0.0.1", 9, KEY, max_workers=2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tune, "_RPCMeasure", Gone)
        with measure_on(rpc), pytest.raises(BuildError, match="stopped answering.*rerun resumes"):
            compile_model(m, (torch.randn(1, 16, 16, 16),), time_budget=30, log_dir=tmp_path)


def test_killing_servers_mid_run(cluster, tmp_path):
    """One server killed after the first batch: the run completes on the other.  Then the other: a clear stop."""
    st = _stage()
    rec = LogDir(tmp_path).stage_dir(stage_workload(st, "float32"), HOST) / RECORD_FILE
    victim = cluster.servers[0]
    killed = threading.Event()

    def killer():
        deadline = time.time() + 240
        while time.time() < deadline and not killed.is_set():
            if check_records(rec).good >= 4:       # the first batch is in the log
                stop_process(victim)
                killed.set()
                return
            time.sleep(0.1)

    t = threading.Thread(target=killer, daemon=True)
    t.start()
    res = tune_stage(0, st, "float32", HOST, LogDir(tmp_path), _opts(cluster, trials=16, batch=4))
    killed.set()
    t.join(timeout=10)
    assert victim.poll() is not None, "the server was not killed during the run"
    assert res.trials_run == 16, res
    assert res.failures <= 4, res                 # at most the candidates in flight on the killed server
    chk = check_records(rec)
    # a candidate in flight on the killed server is recorded as failed (run_secs 1e10; set aside when next read)
    assert _failed_only(chk) and chk.good + len(chk.bad) == 16 and len(chk.bad) <= 4, chk
    cluster.wait_servers(1)
    _check_replay(tmp_path, st)

    # the last server killed mid-run: the next batch fails entirely, the run stops, says why, keeps the log
    before = check_records(rec).good
    last = cluster.servers[1]

    def killer2():
        deadline = time.time() + 240
        while time.time() < deadline:
            if check_records(rec).good >= before + 4:
                stop_process(last)
                return
            time.sleep(0.1)

    t = threading.Thread(target=killer2, daemon=True)
    t.start()
    with pytest.raises(BuildError, match=r"every candidate of the last batch failed to run on RPC key") as e:
        tune_stage(0, st, "float32", HOST, LogDir(tmp_path), _opts(cluster, trials=before + 64, batch=4))
    t.join(timeout=10)
    assert last.poll() is not None
    assert "the log keeps the" in str(e.value) and "rerun to resume" in str(e.value)
    after = check_records(rec)
    assert _failed_only(after) and after.good >= before + 4 and after.bad, after
    _check_replay(tmp_path, st)
    # no server at all: refused before any work
    cluster.wait_servers(0)
    t0 = time.time()
    with pytest.raises(BuildError, match="no RPC server is registered under key 'test-x86'"):
        tune_stage(0, st, "float32", HOST, LogDir(tmp_path), _opts(cluster, trials=after.good + 8, batch=4))
    assert time.time() - t0 < 10
