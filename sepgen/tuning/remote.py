"""Measuring tuning candidates on another machine: TVM's RPC tracker, servers and RPC runner.

On the device (a Raspberry Pi, a Graviton instance, a Mac)::

    python -m tvm.exec.rpc_server --tracker WORKSTATION:9190 --key rpi4

On the workstation::

    python -m tvm.exec.rpc_tracker --host 0.0.0.0 --port 9190
    sepgen tune-and-compile WORKLOAD --target cortex-a72 --rpc-tracker WORKSTATION:9190 --rpc-key rpi4

Candidates are built here (in process) and linked with the target's cross
toolchain (``aarch64-linux-gnu-g++`` for aarch64 Linux), so the device needs
only the TVM runtime (``pip install apache-tvm``), not a compiler.  Every
measurement is one RPC session requested from the tracker; with several
servers under one key, up to that many candidates are measured at once and
all their results go into the same log.  A server that dies mid-run costs the
candidate it was measuring; the run goes on with the others.  When every
candidate of a batch fails to run, the run stops with the log intact and says
so (a rerun resumes).

A server may be emulated (:mod:`sepgen.tuning.qemu_rpc`: the aarch64 TVM runtime under
qemu-aarch64-static, for trying this flow without a board).  The tuner asks
each key once (:func:`emulation`); for an emulated one every message and the
log's ``measured_on`` start with "qemu-aarch64 (emulated; not ARM
performance)", and a note says the times are the emulator's.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from typing import Optional

from ..errors import BuildError, TargetError


@dataclass(frozen=True)
class RPCOptions:
    """RPC servers registered at a tracker under a key: where candidates are measured."""

    tracker_host: str
    tracker_port: int
    key: str
    session_timeout_sec: int = 60     # one measurement session (upload, load, run); also the runner's time limit
    max_workers: Optional[int] = None  # concurrent measurements; default: the servers under the key at start
    priority: int = 1

    @classmethod
    def parse(cls, tracker: str, key: Optional[str], **kw) -> "RPCOptions":
        """From the CLI's ``--rpc-tracker HOST:PORT --rpc-key KEY``."""
        host, sep, port = (tracker or "").strip().rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise TargetError(f"--rpc-tracker must be HOST:PORT (e.g. 192.168.1.10:9190), got {tracker!r}")
        if not key:
            raise TargetError("--rpc-key is required with --rpc-tracker: the key the device's RPC server "
                              "registered with (python -m tvm.exec.rpc_server --tracker HOST:PORT --key KEY)")
        return cls(host.strip("[]"), int(port), key, **kw)

    def describe(self) -> str:
        """Where candidates are measured; says so first when the servers are emulated (:func:`emulation`)."""
        where = f"RPC key {self.key!r} at tracker {self.tracker_host}:{self.tracker_port}"
        emu = emulation(self)
        return f"{emu}, via {where}" if emu else where

    @property
    def emulated(self) -> bool:
        """True when the servers under the key are emulated (times measured there are not the device's)."""
        return bool(emulation(self))

    def meta_fields(self) -> dict:
        """What a tuning log's meta.json records about where its times were measured."""
        return {"measured_on": self.describe(), **({"emulated": True} if self.emulated else {})}

    def config(self):
        from tvm.s_tir.meta_schedule.runner import RPCConfig

        return RPCConfig(tracker_host=self.tracker_host, tracker_port=self.tracker_port, tracker_key=self.key,
                         session_priority=self.priority, session_timeout_sec=int(self.session_timeout_sec))


def _servers(summary: dict, key: str) -> int:
    return sum(1 for s in summary.get("server_info", []) if s.get("key") in (f"server:{key}", key))


def tracker_summary(rpc: RPCOptions, timeout: float = 10.0) -> dict:
    """The tracker's summary; BuildError when it cannot be reached."""
    try:  # a quick probe first: tvm's own connect retries for a minute
        with socket.create_connection((rpc.tracker_host, rpc.tracker_port), timeout=timeout):
            pass
    except OSError as e:
        raise BuildError(f"cannot reach the RPC tracker at {rpc.tracker_host}:{rpc.tracker_port}: {e}; start it "
                         f"with `python -m tvm.exec.rpc_tracker --host 0.0.0.0 --port {rpc.tracker_port}`") from None
    from tvm import rpc as tvm_rpc

    try:
        tracker = tvm_rpc.connect_tracker(rpc.tracker_host, rpc.tracker_port)
        try:
            return tracker.summary()
        finally:
            tracker.close()
    except Exception as e:  # noqa: BLE001 - TVM raises its own types
        raise BuildError(f"the RPC tracker at {rpc.tracker_host}:{rpc.tracker_port} did not answer: "
                         f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from None


def count_servers(rpc: RPCOptions) -> int:
    return _servers(tracker_summary(rpc), rpc.key)


# ---- emulated servers (sepgen.tuning.qemu_rpc): their times are flagged everywhere ------------------------

#: the global function an emulated server registers (sepgen/targets/qemu/guest/sepgen_rpc_guest.py)
EMULATION_INFO_FUNC = "sepgen.qemu.emulation_info"
EMULATION_LABEL = "qemu-aarch64 (emulated; not ARM performance)"
_EMULATION: dict = {}       # (tracker host, port, key) -> "" (a real device) or the emulation label
_PROBES: dict = {}          # (tracker host, port, key) -> the thread asking
_EMULATION_LOCK = threading.Lock()


def _probe_emulation(rpc: RPCOptions) -> Optional[str]:
    """Ask one server under the key whether it is emulated; None when no server answered."""
    import json

    from tvm import rpc as tvm_rpc

    if _servers(tracker_summary(rpc, timeout=5.0), rpc.key) == 0:
        return None
    tracker = tvm_rpc.connect_tracker(rpc.tracker_host, rpc.tracker_port)
    try:
        sess = tracker.request(rpc.key, priority=rpc.priority, session_timeout=30, max_retry=1)
    finally:
        tracker.close()
    try:
        f = sess.get_function(EMULATION_INFO_FUNC)
    except Exception:  # noqa: BLE001 - not registered: a real device (TVM's stock server)
        return ""
    try:
        info = json.loads(str(f()))
    except Exception:  # noqa: BLE001 - registered but unreadable: still emulated
        info = {}
    return str(info.get("label") or EMULATION_LABEL) if info.get("emulated", True) else ""


def is_emulated_meta(meta: Optional[dict]) -> bool:
    """True when a tuning log's meta.json says its times were measured under emulation."""
    if not isinstance(meta, dict):
        return False
    return meta.get("emulated") is True or "(emulated" in str(meta.get("measured_on", ""))


def emulation(rpc: RPCOptions, timeout: float = 60.0) -> str:
    """The emulation label of the servers under ``rpc.key`` ("" for real devices).

    Asked once per tracker and key (one short RPC session; the answer is kept
    for this process).  While no server answers (none registered, all busy past
    ``timeout``, tracker down) it returns "" and a later call asks again (or
    waits on the question still pending).  The first time servers are found
    emulated, a note goes to stderr: every time measured through them is the
    emulator's, not the device's.
    """
    k = (rpc.tracker_host, rpc.tracker_port, rpc.key)
    with _EMULATION_LOCK:
        if k in _EMULATION:
            return _EMULATION[k]
        pending = _PROBES.get(k)
        if pending is None or not pending.is_alive():
            pending = threading.Thread(target=_ask, args=(rpc, k), name="sepgen-rpc-emulation-probe", daemon=True)
            _PROBES[k] = pending
            pending.start()
    pending.join(timeout)
    with _EMULATION_LOCK:
        return _EMULATION.get(k, "")


def _ask(rpc: RPCOptions, k) -> None:
    try:
        got = _probe_emulation(rpc)
    except Exception:  # noqa: BLE001 - unknown; asked again next time
        got = None
    if got is None:
        return
    with _EMULATION_LOCK:
        first = k not in _EMULATION
        _EMULATION[k] = got
    if got and first:
        print(f"note: the RPC servers under key {rpc.key!r} at tracker {rpc.tracker_host}:{rpc.tracker_port} "
              f"are emulated ({got}): every time measured through them is the emulator's, not the device's; "
              f"tuning logs record it (meta.json: measured_on)", file=sys.stderr, flush=True)


def create_session(rpc_config):
    """MetaSchedule's session factory, failing at once when no server is left under the key.

    (The stock one asks the tracker, which queues the request until a server
    appears: with every server gone, a tuning run would wait forever.)
    """
    from tvm import rpc as tvm_rpc

    tracker = tvm_rpc.connect_tracker(rpc_config.tracker_host, rpc_config.tracker_port)
    try:
        n = _servers(tracker.summary(), rpc_config.tracker_key)
    finally:
        tracker.close()
    if n == 0:
        raise RuntimeError(f"no RPC server is registered under key {rpc_config.tracker_key!r} at tracker "
                           f"{rpc_config.tracker_host}:{rpc_config.tracker_port}")
    return rpc_config.connect_server()


def require_servers(rpc: RPCOptions) -> int:
    """The number of servers under ``rpc.key``; BuildError when the tracker or every server is missing."""
    n = count_servers(rpc)
    if n == 0:
        raise BuildError(f"no RPC server is registered under key {rpc.key!r} at tracker {rpc.tracker_host}:"
                         f"{rpc.tracker_port}; on the device run `python -m tvm.exec.rpc_server --tracker "
                         f"{rpc.tracker_host}:{rpc.tracker_port} --key {rpc.key}`")
    emulation(rpc)   # known before the first measurement: the run's messages and log flag emulated times
    return n


def make_rpc_runner(target, rpc: RPCOptions, number: int = 5, repeat: int = 3, min_repeat_ms: int = 20):
    """A MetaSchedule ``RPCRunner`` for ``rpc``; BuildError when the tracker or its servers are missing.

    It measures up to ``rpc.max_workers`` candidates at once (default: one per server under the key).
    """
    from tvm.s_tir.meta_schedule.runner import EvaluatorConfig, RPCRunner

    workers = rpc.max_workers or require_servers(rpc)
    runner = RPCRunner(rpc_config=rpc.config(),
                       evaluator_config=EvaluatorConfig(number=number, repeat=repeat, min_repeat_ms=min_repeat_ms,
                                                        enable_cpu_cache_flush=False),
                       f_create_session=create_session, max_workers=workers)
    # the stock pool has no time limit: a session stuck on a dead device would stall the run; with one, the
    # worker is killed and the candidate reported as timed out
    pool = runner.pool
    if hasattr(pool, "_timeout"):
        pool._timeout = float(rpc.session_timeout_sec) + 30.0
    return runner


def export_for_rpc(target):
    """An export function for the builder: a shared library linked for ``target`` (cross-linked if foreign).

    The device then needs no compiler (the stock export is a tar that the device links itself).
    """
    from ..targets.cross import export_options

    opts = export_options(target)

    def export(mod) -> str:
        path = os.path.join(tempfile.mkdtemp(prefix="sepgen-rpc-"), "tvm_tmp_mod.so")
        mod.export_library(path, **opts)
        return path

    return export


# ---- measuring on RPC devices from compile_conv ----------------------------------------------------

_CURRENT: contextvars.ContextVar = contextvars.ContextVar("sepgen_rpc", default=None)


def current() -> Optional[RPCOptions]:
    """The RPC devices set by :func:`measure_on` (None: measure on this machine)."""
    return _CURRENT.get()


@contextlib.contextmanager
def measure_on(rpc: Optional[RPCOptions]):
    """Within this block, tuning (``compile_conv(..., trials=N)``) measures candidates on ``rpc``'s devices::

        with sepgen.tuning.remote.measure_on(RPCOptions.parse("192.168.1.10:9190", "rpi4")):
            op = sepgen.compile_conv(w, x_shape, padding=1, groups=c, target="cortex-a72", trials=64)
    """
    token = _CURRENT.set(rpc)
    try:
        yield rpc
    finally:
        _CURRENT.reset(token)


# ---- processes of a local tracker and servers (tests, the emulated server, recipes) ----------------

def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_tracker(port: int, host: str = "127.0.0.1", log_path=None) -> subprocess.Popen:
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    try:
        return subprocess.Popen([sys.executable, "-m", "tvm.exec.rpc_tracker", "--host", host, "--port", str(port),
                                 "--port-end", str(port + 1)], stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        if log_path:
            out.close()


def stop_process(proc: subprocess.Popen) -> None:
    """Kill a process started here, with its process group (TVM's workers run in child processes)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
