"""Tuning for aarch64 end to end through an emulated RPC server (sepgen.tuning.qemu_rpc).

A tracker on 127.0.0.1 and one RPC server: TVM's own server in an aarch64
Python with the aarch64 TVM runtime, under qemu-aarch64-static.  A short
tuning run for ``cortex-a72`` cross-compiles its candidates here, measures them
there, and writes a log flagged as emulated; its best record is rebuilt for
aarch64 and checked under QEMU against ``F.conv2d`` (and once more on the
emulated server's own TVM runtime).  Emulated times are never checked as
numbers: they say nothing about ARM performance.

Skips, saying why, without qemu-aarch64-static, aarch64-linux-gnu-g++ or the
prepared guest (``make system-deps`` prepares all three; the guest alone:
``python -m sepgen.cli.qemu_rpc setup``).  Every process started here is killed
with its process group by a finalizer.
"""
from __future__ import annotations

import importlib.util
import json
import platform
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import sepgen
from sepgen import cli
from sepgen.cli.qemu_rpc import _FlagTimes
from sepgen.codegen.build import ScheduledStage, build_module
from sepgen.driver.qemu import run_stage_under_qemu
from sepgen.errors import BuildError
from sepgen.ir.stages import DepthwiseConv, Geometry
from sepgen.runtime import qemu as arm
from sepgen.targets.cross import elf_machine, export_options
from sepgen.targets.registry import get_target
from sepgen.tuning import qemu_rpc, remote
from sepgen.tuning.logs import LogDir
from sepgen.tuning.options import TuneOptions
from sepgen.tuning.records import META_FILE, RECORD_FILE, check_records, stage_workload
from sepgen.tuning.remote import EMULATION_LABEL, RPCOptions, free_port, start_tracker
from sepgen.tuning.replay import make_replay
from sepgen.tuning.tuner import tune_stage

KEY = "test-qemu-aarch64"
A72 = get_target("cortex-a72")
WHY = qemu_rpc.unavailable_reason()
needs_guest = pytest.mark.skipif(bool(WHY), reason=f"emulated aarch64 RPC server unavailable: {WHY}")
pytestmark = pytest.mark.skipif(importlib.util.find_spec("tornado") is None,
                                reason="TVM's RPC tracker needs tornado (pip install 'apache-tvm[rpc]')")


class Emulated:
    def __init__(self, d: Path):
        self.d = d
        self.procs = []
        self.port = free_port()
        self.rpc = RPCOptions("127.0.0.1", self.port, KEY, session_timeout_sec=120)

    def stop_all(self):
        for p in reversed(self.procs):
            remote.stop_process(p)

    def logs(self) -> str:
        return "; ".join(f"{f.name}: {f.read_text(errors='replace')[-600:]}" for f in self.d.glob("*.log"))


@pytest.fixture(scope="module")
def emulated(tmp_path_factory, request):
    c = Emulated(tmp_path_factory.mktemp("qemu-rpc"))
    request.addfinalizer(c.stop_all)
    c.procs.append(start_tracker(c.port, log_path=c.d / "tracker.log"))
    c.procs.append(qemu_rpc.start_server(f"127.0.0.1:{c.port}", KEY, port=free_port(),
                                         log_path=c.d / "server.log"))
    try:
        qemu_rpc.wait_for_servers(c.rpc, 1, timeout=180, procs=c.procs[1:])
    except BuildError as e:
        raise AssertionError(f"{e}; logs: {c.logs()}") from None
    return c


def _stage():
    return DepthwiseConv("conv", Geometry((1, 8, 12, 14), 8, (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 8), "w", None)


def _rel_err(y, ref) -> float:
    y, ref = np.asarray(y, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    return float(np.abs(y - ref).max() / np.abs(ref).max())


# ---- no QEMU needed ------------------------------------------------------------------------------

def test_emulated_logs_are_recognised_and_flagged(tmp_path):
    d = tmp_path / "aarch64-cortex-a72-4c-neon" / "wl"
    d.mkdir(parents=True)
    emu = {"format": "sepgen-tuning-log", "measured_on": f"{EMULATION_LABEL}, via RPC key 'k' at tracker h:1"}
    (d / META_FILE).write_text(json.dumps(emu))
    native = tmp_path / "aarch64-cortex-a72-4c-neon" / "wl2"
    native.mkdir()
    (native / META_FILE).write_text(json.dumps({"format": "sepgen-tuning-log",
                                                "measured_on": "RPC key 'rpi4' at tracker h:1"}))
    assert qemu_rpc.is_emulated_meta(emu) and not qemu_rpc.is_emulated_meta({"measured_on": "RPC key 'rpi4'"})
    assert qemu_rpc.mark_emulated(tmp_path) == [d / META_FILE]
    assert json.loads((d / META_FILE).read_text())["emulated"] is True
    assert "emulated" not in json.loads((native / META_FILE).read_text())
    assert qemu_rpc.mark_emulated(tmp_path) == []          # idempotent


def test_times_in_progress_lines_are_flagged():
    import io

    out = io.StringIO()
    s = _FlagTimes(out, " [emulated]")
    s.write("  stage 0 [####] 4/8 trials  best 12.5 us  roofline\nno time here\npartial ")
    s.write("best 3 us\n")
    assert out.getvalue().splitlines() == ["  stage 0 [####] 4/8 trials  best 12.5 us  roofline [emulated]",
                                           "no time here", "partial best 3 us [emulated]"]


# ---- through the emulated server -----------------------------------------------------------------

@pytest.mark.slow
@needs_guest
def test_the_server_says_it_is_emulated(emulated, capfd):
    remote._EMULATION.pop(("127.0.0.1", emulated.port, KEY), None)    # asked afresh: the note is printed once
    assert remote.emulation(emulated.rpc) == EMULATION_LABEL
    err = capfd.readouterr().err
    assert f"the RPC servers under key {KEY!r}" in err and "are emulated" in err and "not the device's" in err
    assert emulated.rpc.describe().startswith(f"{EMULATION_LABEL}, via RPC key {KEY!r}")
    assert emulated.rpc.meta_fields()["emulated"] is True
    # the guest really is aarch64 TVM, not this machine's
    from tvm import rpc as tvm_rpc

    tracker = tvm_rpc.connect_tracker("127.0.0.1", emulated.port)
    sess = tracker.request(KEY, session_timeout=60)
    info = json.loads(sess.get_function(remote.EMULATION_INFO_FUNC)())
    assert info["emulated"] is True and info["guest_machine"] == "aarch64"


@pytest.mark.slow
@needs_guest
def test_tuning_for_cortex_a72_through_the_emulated_server(emulated, tmp_path, capfd):
    st = _stage()
    res = tune_stage(0, st, "float32", A72, LogDir(tmp_path),
                     TuneOptions(trials=8, batch=4, seed=0, progress=True, roofline_fraction=100.0, patience=100,
                                 rpc=emulated.rpc))
    err = capfd.readouterr().err
    assert res.trials_run == 8 and res.failures == 0 and res.best_us is not None, (res, err, emulated.logs())
    d = LogDir(tmp_path).stage_dir(stage_workload(st, "float32"), A72)
    assert d.parent.name == "aarch64-cortex-a72-4c-neon"
    chk = check_records(d / RECORD_FILE)
    assert chk.good == 8 and chk.bad == [], chk
    meta = json.loads((d / META_FILE).read_text())
    assert meta["measured_on"].startswith(f"{EMULATION_LABEL}, via RPC key {KEY!r}")
    assert meta.get("emulated", True) is True and qemu_rpc.is_emulated_meta(meta)

    # the best record, built for aarch64, run under QEMU (static runner), against F.conv2d
    rng = np.random.default_rng(3)
    x = rng.standard_normal(st.in_shape).astype(np.float32)
    w = rng.standard_normal(st.geom.weight_shape).astype(np.float32)
    ref = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1, groups=8).numpy()
    y = run_stage_under_qemu(st, x, {"w": w}, target=A72, log_dir=tmp_path)
    assert _rel_err(y, ref) < 1e-5

    # ... and on the emulated server's own aarch64 TVM runtime, as the tuner ran it
    import tvm
    from tvm import rpc as tvm_rpc

    replay, notes = make_replay(LogDir(tmp_path), "float32")
    lowered, mod, source = replay(0, st, A72)
    assert source.startswith("tuned:"), notes
    ex = build_module([ScheduledStage(0, st, lowered, mod["main"], source)], A72)
    so = tmp_path / "best.so"
    ex.export_library(str(so), **export_options(A72))
    assert elf_machine(so) == "aarch64"
    tracker = tvm_rpc.connect_tracker("127.0.0.1", emulated.port)
    sess = tracker.request(KEY, session_timeout=60)
    sess.upload(str(so))
    f = sess.load_module("best.so")["stage0"]
    dev = sess.cpu()
    out = tvm.runtime.tensor(np.zeros(st.out_shape, np.float32), dev)
    f(tvm.runtime.tensor(x, dev), tvm.runtime.tensor(w, dev), out)
    assert _rel_err(out.numpy(), ref) < 1e-5


@pytest.mark.slow
@needs_guest
def test_cli_tune_and_compile_for_cortex_a72_through_the_emulated_server(emulated, tmp_path, capsys):
    w = np.random.default_rng(1).standard_normal((8, 1, 3, 3)).astype(np.float32)
    np.save(tmp_path / "w.npy", w)
    out = tmp_path / "art"
    rc = cli.main(["tune-and-compile", "--weights", str(tmp_path / "w.npy"), "--input-shape", "1,8,16,16",
                   "--padding", "1", "--groups", "8", "--target", "cortex-a72", "--trials", "4", "--out", str(out),
                   "--log-dir", str(tmp_path / "logs"), "--rpc-tracker", f"127.0.0.1:{emulated.port}",
                   "--rpc-key", KEY, "--rpc-timeout", "120"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert f"measuring on {EMULATION_LABEL}, via RPC key {KEY!r}" in captured.out
    metas = [json.loads(p.read_text()) for p in (tmp_path / "logs").glob(f"aarch64-cortex-a72-4c-neon/*/{META_FILE}")]
    assert metas and all(qemu_rpc.is_emulated_meta(m) and m["trials"] == 4 for m in metas)
    assert elf_machine(out / "kernels.so") == "aarch64"
    x = torch.randn(1, 8, 16, 16)
    y = arm.run_under_qemu(out, x)
    ref = F.conv2d(x, torch.from_numpy(w), padding=1, groups=8)
    assert float((y - ref).abs().max() / ref.abs().max()) < 1e-5
    if platform.machine().lower() in ("x86_64", "amd64"):
        with pytest.raises(sepgen.ArtifactError):
            sepgen.load(out)      # an aarch64 artifact: not callable on this x86 machine
