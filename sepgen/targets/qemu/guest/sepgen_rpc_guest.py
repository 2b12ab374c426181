"""TVM's RPC server as run inside the emulated aarch64 Python (``qemu-aarch64-static``).

This file runs in the guest, not in sepgen's own Python: it imports nothing of
sepgen (the guest has only the aarch64 TVM runtime, numpy and the standard
library).  It is TVM's ``tvm.exec.rpc_server`` plus one init step, run in the
server's worker before it accepts sessions:

* ``libtvm_runtime_extra.so`` is loaded: the guest has TVM's runtime only (no
  compiler library), and MetaSchedule's RPC runner needs
  ``tvm.contrib.random.random_fill_for_measure`` from it;
* the global function ``sepgen.qemu.emulation_info`` is registered: a JSON
  string saying the server is emulated.  The tuner asks for it when it starts
  (:func:`sepgen.tuning.remote.emulation`) and flags every time measured here as
  emulated (log metadata, messages).

Started by ``python -m sepgen.cli.qemu_rpc serve``, which sets ``SEPGEN_QEMU_INFO``.
"""
import argparse
import ctypes
import json
import logging
import os
import platform

INFO_FUNC = "sepgen.qemu.emulation_info"


def server_init():
    """Runs in TVM's server worker (every session process is forked from it)."""
    import tvm
    import tvm_ffi

    extra = os.path.join(os.path.dirname(tvm.__file__), "lib", "libtvm_runtime_extra.so")
    if os.path.exists(extra):
        ctypes.CDLL(extra, mode=ctypes.RTLD_GLOBAL)
    info = json.loads(os.environ.get("SEPGEN_QEMU_INFO") or "{}")
    info.setdefault("emulated", True)
    info.setdefault("label", "qemu-aarch64 (emulated; not ARM performance)")
    info["guest_machine"] = platform.machine()
    info["tvm_version"] = tvm.__version__
    text = json.dumps(info, sort_keys=True)
    tvm_ffi.register_global_func(INFO_FUNC, lambda: text, override=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=9090)
    p.add_argument("--port-end", type=int, default=9199)
    p.add_argument("--tracker", default=None, help="HOST:PORT of the RPC tracker")
    p.add_argument("--key", default="")
    p.add_argument("--custom-addr", default=None)
    p.add_argument("--silent", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    tracker = None
    if args.tracker:
        host, _, port = args.tracker.rpartition(":")
        tracker = (host, int(port))
    from tvm import rpc

    server = rpc.Server(args.host, args.port, args.port_end, key=args.key, tracker_addr=tracker,
                        custom_addr=args.custom_addr, silent=args.silent, server_init_callback=server_init)
    server.proc.join()


if __name__ == "__main__":
    main()
