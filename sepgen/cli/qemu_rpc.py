"""`python -m sepgen.cli.qemu_rpc`: an emulated aarch64 TVM RPC server (setup, serve, tune-and-compile, mark-logs, status)."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ..errors import BuildError, TargetError
from ..tuning.qemu_rpc import (DEFAULT_KEY, QEMU, default_root, mark_emulated, server_command, setup, start_server,
                               unavailable_reason, wait_for_servers)
from ..tuning.remote import EMULATION_INFO_FUNC, RPCOptions, free_port, start_tracker
from ..tuning.remote import stop_process as stop


class _FlagTimes:
    """A text stream that appends a flag to every line reporting a time (``... 12.3 us ...``)."""

    _TIME = re.compile(r"\d us\b")

    def __init__(self, stream, flag: str):
        self.stream, self.flag, self.buf = stream, flag, ""

    def write(self, s: str) -> int:
        self.buf += s
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            self.stream.write(line + (self.flag if self._TIME.search(line) else "") + "\n")
        return len(s)

    def flush(self) -> None:
        if self.buf:
            self.stream.write(self.buf)
            self.buf = ""
        self.stream.flush()

    def __getattr__(self, name):
        return getattr(self.stream, name)


# ---- command line ---------------------------------------------------------------------------------

BANNER = ("EMULATED: candidates run under qemu-aarch64-static on this machine; every time below is the "
          "emulator's, not ARM performance (use it to check the flow, tune on a real board for speed)")


def _serve(args) -> int:
    argv, env = server_command(args.tracker, args.key, root=args.root, host=args.host, port=args.port,
                               port_end=args.port_end, custom_addr=args.custom_addr, threads=args.threads)
    print(f"{BANNER}\nserving key {args.key!r} at tracker {args.tracker} from an aarch64 TVM runtime under "
          f"{QEMU} (registers {EMULATION_INFO_FUNC}); Ctrl-C stops it", flush=True)
    os.execvpe(argv[0], argv, env)
    return 1  # pragma: no cover


def _tune_and_compile(args, rest: list[str]) -> int:
    """``sepgen tune-and-compile ... --rpc-tracker`` against a private tracker + emulated server."""
    from .. import cli
    from ..tuning.logs import default_log_root

    why = unavailable_reason(args.root)
    if why:
        raise TargetError(f"the emulated aarch64 RPC server cannot start: {why}")
    if any(a.startswith("--rpc-") for a in rest):
        raise TargetError("this command starts its own tracker and server: leave out --rpc-tracker/--rpc-key")
    lp = argparse.ArgumentParser(add_help=False)
    lp.add_argument("--log-dir", default=None)
    log_dir = lp.parse_known_args(rest)[0].log_dir
    tmp = Path(tempfile.mkdtemp(prefix="sepgen-qemu-rpc-"))
    port = free_port()
    rpc = RPCOptions("127.0.0.1", port, args.key)
    procs = [start_tracker(port, log_path=tmp / "tracker.log")]
    try:
        time.sleep(0.5)
        procs.append(start_server(f"127.0.0.1:{port}", args.key, root=args.root, port=free_port(),
                                  threads=args.threads, log_path=tmp / "server.log"))
        print(f"{BANNER}\nstarting a tracker (127.0.0.1:{port}) and an emulated aarch64 RPC server ...",
              file=sys.stderr, flush=True)
        wait_for_servers(rpc, 1, timeout=180, procs=procs)
        err = sys.stderr
        sys.stderr = _FlagTimes(err, "  [emulated: qemu-aarch64, not ARM performance]")
        try:
            rc = cli.main(["tune-and-compile", *rest, "--rpc-tracker", f"127.0.0.1:{port}", "--rpc-key", args.key,
                           "--rpc-timeout", str(args.rpc_timeout)])
        finally:
            sys.stderr.flush()
            sys.stderr = err
        marked = mark_emulated(log_dir or default_log_root())
        if marked:
            print(f"flagged {len(marked)} tuning log(s) as emulated (meta.json: \"emulated\": true)", file=sys.stderr)
        print(BANNER, file=sys.stderr, flush=True)
        return rc
    finally:
        for p in reversed(procs):
            stop(p)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m sepgen.cli.qemu_rpc", description=__doc__.splitlines()[0])
    p.add_argument("--root", default=None, help="the aarch64 guest's directory (default: $SEPGEN_QEMU_GUEST or "
                   "~/.cache/sepgen/qemu-aarch64-guest-...)")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup", help="prepare the aarch64 guest (arm64 Python + TVM runtime; downloads ~110 MB)")
    s.add_argument("--force", action="store_true", help="rebuild it even when it is ready")
    sub.add_parser("status", help="say whether an emulated server can run here")
    s = sub.add_parser("serve", help="run the emulated RPC server, registered at a tracker")
    s.add_argument("--tracker", required=True, metavar="HOST:PORT")
    s.add_argument("--key", default=DEFAULT_KEY)
    s.add_argument("--host", default="127.0.0.1", help="address the server listens on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=9090)
    s.add_argument("--port-end", type=int, default=None)
    s.add_argument("--custom-addr", default=None, help="address reported to the tracker")
    s.add_argument("--threads", type=int, default=None, help="TVM_NUM_THREADS in the guest")
    s = sub.add_parser("tune-and-compile", help="`sepgen tune-and-compile ARGS` measured on a private emulated "
                       "server (starts and stops a tracker and the server on loopback)")
    s.add_argument("--key", default=DEFAULT_KEY)
    s.add_argument("--threads", type=int, default=None)
    s.add_argument("--rpc-timeout", type=int, default=120)
    s = sub.add_parser("mark-logs", help="add \"emulated\": true to the meta.json of logs measured under emulation")
    s.add_argument("path")
    args, rest = p.parse_known_args(argv)
    if rest and args.cmd != "tune-and-compile":
        p.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        if args.cmd == "setup":
            setup(args.root, force=args.force)
            return 0
        if args.cmd == "status":
            why = unavailable_reason(args.root)
            print(why or f"ready: {Path(args.root or default_root())}")
            return 1 if why else 0
        if args.cmd == "serve":
            return _serve(args)
        if args.cmd == "tune-and-compile":
            return _tune_and_compile(args, rest)
        if args.cmd == "mark-logs":
            for m in mark_emulated(args.path):
                print(f"flagged {m}")
            return 0
    except (TargetError, BuildError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
