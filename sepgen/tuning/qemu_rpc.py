"""An emulated aarch64 TVM RPC server: the RPC tuning flow, tried on an x86 machine without a board.

The server is TVM's own RPC server, running in an aarch64 Python with the
aarch64 TVM runtime, under ``qemu-aarch64-static``.  The tuner talks to it as
to a Raspberry Pi: candidates are cross-compiled here, uploaded, loaded by the
aarch64 runtime and timed by its time evaluator.  Every time measured this way
is the emulator's and says nothing about ARM performance; sepgen flags it
wherever it appears (the log's ``meta.json``: ``measured_on: "qemu-aarch64
(emulated; not ARM performance), via RPC key ..."``, the run's messages, ``sepgen
logs list``).  Use it to check the flow end to end and to get a log whose
records are correct kernels, not to choose fast ones.

::

    python -m sepgen.cli.qemu_rpc setup                       # once: the guest (downloads ~110 MB)
    python -m tvm.exec.rpc_tracker --host 127.0.0.1 --port 9190
    python -m sepgen.cli.qemu_rpc serve --tracker 127.0.0.1:9190 --key qemu-aarch64
    sepgen tune-and-compile mobilenet_v1_dw_2 --target cortex-a72 --trials 16 \\
        --rpc-tracker 127.0.0.1:9190 --rpc-key qemu-aarch64 --log-dir out/emulated_logs --out out/dw_emu

or all of it in one command (a private tracker and server on loopback)::

    python -m sepgen.cli.qemu_rpc tune-and-compile mobilenet_v1_dw_2 --target cortex-a72 --trials 16 \\
        --log-dir out/emulated_logs --out out/dw_emu

The guest is an arm64 Python 3.11 from Debian's packages (``apt-get download``
with a private apt configuration: the machine's apt setup is not touched, then
``dpkg -x``) plus the manylinux aarch64 wheels of the TVM and tvm-ffi versions
installed here (``pip install --target --platform``), TVM's compiler library
removed (the server needs the runtime only).  It lives in ``$SEPGEN_QEMU_GUEST``
(default ``~/.cache/sepgen/qemu-aarch64-guest-tvm<version>-py311``), about 180 MB.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from ..errors import BuildError, TargetError
from ..targets import qemu as _qemu
from .remote import EMULATION_LABEL, RPCOptions, count_servers, is_emulated_meta

GUEST_DIR = Path(_qemu.__file__).resolve().parent / "guest"   # sepgen_rpc_guest.py: runs in the guest
QEMU = "qemu-aarch64-static"
CROSS_CXX = "aarch64-linux-gnu-g++"
DEBIAN_SUITE = "bookworm"            # its python3.11 matches the cp311 tvm-ffi wheel
GUEST_PYTHON = "3.11"
DEBIAN_MIRROR = os.environ.get("SEPGEN_DEBIAN_MIRROR", "http://deb.debian.org/debian")
DEBIAN_SECURITY = os.environ.get("SEPGEN_DEBIAN_SECURITY_MIRROR", "http://deb.debian.org/debian-security")
DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
# python3.11-minimal + libpython3.11-stdlib and their run-time closure (no perl, dpkg, ...), glibc included:
# the guest is self-contained
GUEST_DEBS = (
    "libc6", "gcc-12-base", "libgcc-s1", "libstdc++6", "zlib1g", "libbz2-1.0", "liblzma5", "libzstd1",
    "libexpat1", "libffi8", "libssl3", "libcrypt1", "libuuid1", "libsqlite3-0", "libncursesw6", "libtinfo6",
    "libreadline8", "libmd0", "libdb5.3", "libgdbm6", "libgdbm-compat4", "libnsl2", "libtirpc3",
    "libtirpc-common", "libgssapi-krb5-2", "libk5crypto3", "libkeyutils1", "libkrb5-3", "libkrb5support0",
    "libcom-err2", "media-types", "libpython3.11-minimal", "libpython3.11-stdlib", "python3.11-minimal",
)
GUEST_WHEEL_DEPS = ("numpy", "ml_dtypes", "typing_extensions", "psutil", "cloudpickle")
READY_FILE = "sepgen-guest.json"
DEFAULT_KEY = "qemu-aarch64"


# ---- the guest ------------------------------------------------------------------------------------

def _tvm_versions() -> dict:
    from importlib import metadata

    out = {}
    for dist in ("apache-tvm", "apache-tvm-ffi"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            raise TargetError(f"{dist} is not installed here; the guest gets the same version") from None
    return out


def default_root() -> Path:
    env = os.environ.get("SEPGEN_QEMU_GUEST")
    if env:
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    tvm = _tvm_versions()["apache-tvm"]
    return cache / "sepgen" / f"qemu-aarch64-guest-tvm{tvm}-py{GUEST_PYTHON.replace('.', '')}"


def guest_info(root=None) -> Optional[dict]:
    """The guest's record (versions, date) when it is complete, else None."""
    p = Path(root or default_root()) / READY_FILE
    try:
        return json.loads(p.read_text())
    except (OSError, ValueError):
        return None


def missing_tools() -> list[str]:
    return [t for t in (QEMU, CROSS_CXX) if shutil.which(t) is None]


def unavailable_reason(root=None) -> str:
    """Why an emulated server cannot run here ("" when it can)."""
    missing = missing_tools()
    if missing:
        return (f"{' and '.join(missing)} not found; install with `make system-deps` (Debian/Ubuntu: apt-get "
                f"install g++-aarch64-linux-gnu qemu-user-static)")
    root = Path(root or default_root())
    info = guest_info(root)
    if info is None:
        return (f"the aarch64 guest (arm64 Python + TVM runtime) is not prepared at {root}; run `python -m "
                f"sepgen.tuning.qemu_rpc setup` (or `make system-deps`; downloads ~110 MB)")
    want = _tvm_versions()
    if info.get("versions") != want:
        return (f"the aarch64 guest at {root} has {info.get('versions')}, this machine {want}; run `python -m "
                f"sepgen.tuning.qemu_rpc setup --force`")
    return ""


def _run(cmd, what: str, **kw) -> str:
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        tail = "\n".join((r.stderr or r.stdout).strip().splitlines()[-12:])
        raise BuildError(f"{what} failed ({' '.join(map(str, cmd[:4]))} ...):\n{tail}")
    return r.stdout


def _apt_options(d: Path) -> list[str]:
    """apt-get options for a private arm64 configuration under ``d`` (the machine's apt setup untouched)."""
    for sub in ("state/lists/partial", "cache/archives/partial", "etc/preferences.d"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    (d / "state" / "status").touch()
    signed = f"signed-by={DEBIAN_KEYRING}"
    (d / "etc" / "sources.list").write_text(
        f"deb [arch=arm64 {signed}] {DEBIAN_MIRROR} {DEBIAN_SUITE} main\n"
        f"deb [arch=arm64 {signed}] {DEBIAN_SECURITY} {DEBIAN_SUITE}-security main\n")
    return ["-q", "-o", f"Dir::State={d}/state", "-o", f"Dir::State::status={d}/state/status",
            "-o", f"Dir::Cache={d}/cache", "-o", f"Dir::Etc::SourceList={d}/etc/sources.list",
            "-o", "Dir::Etc::SourceParts=/nonexistent", "-o", f"Dir::Etc::Preferences={d}/etc/preferences",
            "-o", f"Dir::Etc::PreferencesParts={d}/etc/preferences.d", "-o", "APT::Architecture=arm64",
            "-o", "APT::Architectures=arm64", "-o", "Debug::NoLocking=1"]


WRAPPER = """#!/bin/sh
# sepgen: the guest's Python under qemu-aarch64-static.  TVM's RPC server starts its workers with
# sys.executable, and -0 makes this script the guest's sys.executable.
exec {qemu} -L '{root}' -0 '{root}/usr/bin/python3-qemu' '{root}/usr/bin/python{py}' "$@"
"""


def setup(root=None, force: bool = False, say=print) -> Path:
    """Prepare the guest in ``root`` (default :func:`default_root`); returns it.  Idempotent."""
    root = Path(root or default_root())
    if not force and not unavailable_reason(root):
        say(f"the aarch64 guest is ready at {root}")
        return root
    for tool in ("apt-get", "dpkg-deb", QEMU):
        if shutil.which(tool) is None:
            raise BuildError(f"preparing the aarch64 guest needs `{tool}`; on Debian/Ubuntu run `make system-deps`")
    if not Path(DEBIAN_KEYRING).exists():
        raise BuildError(f"{DEBIAN_KEYRING} is missing (apt-get install debian-archive-keyring)")
    if " " in str(root) or "'" in str(root):
        raise BuildError(f"the guest's path may not contain spaces or quotes: {root}")
    if root.exists() and any(root.iterdir()) and not (root / "usr" / "bin" / "python3-qemu").exists():
        raise BuildError(f"{root} exists and is not an aarch64 guest made here; pick another directory "
                         f"(--root or $SEPGEN_QEMU_GUEST)")
    versions = _tvm_versions()
    root.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".sepgen-guest-", dir=root.parent))
    try:
        new = work / "root"
        new.mkdir()
        opts = _apt_options(work / "apt")
        say(f"aarch64 guest: Debian {DEBIAN_SUITE} arm64 package lists")
        _run(["apt-get", *opts, "update"], "apt-get update (arm64 lists)")
        debs = work / "debs"
        debs.mkdir()
        say(f"aarch64 guest: downloading {len(GUEST_DEBS)} arm64 packages (python{GUEST_PYTHON}, glibc, ...)")
        _run(["apt-get", *opts, "download", *GUEST_DEBS], "apt-get download (arm64 packages)", cwd=debs)
        for deb in sorted(debs.glob("*.deb")):
            _run(["dpkg-deb", "-x", deb, new], f"unpacking {deb.name}")
        for junk in ("usr/share/doc", "usr/share/man", "usr/share/locale", "usr/share/info"):
            shutil.rmtree(new / junk, ignore_errors=True)
        site = new / "site"
        pins = [f"{d}=={v}" for d, v in versions.items()]
        say(f"aarch64 guest: {' '.join(pins)} and {' '.join(GUEST_WHEEL_DEPS)} (manylinux aarch64 wheels)")
        _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile", "--target", site,
              "--platform", "manylinux_2_28_aarch64", "--platform", "manylinux2014_aarch64",
              "--python-version", GUEST_PYTHON, "--implementation", "cp", "--only-binary=:all:",
              *pins, *GUEST_WHEEL_DEPS], "pip install (aarch64 wheels)")
        # the server needs TVM's runtime only; without the compiler library (240 MB) tvm imports
        # runtime-only, and 2x faster under QEMU
        for lib in (site / "tvm" / "lib").glob("libtvm_compiler.so*"):
            lib.unlink()
        wrapper = new / "usr" / "bin" / "python3-qemu"
        final = root
        wrapper.write_text(WRAPPER.format(qemu=QEMU, root=final, py=GUEST_PYTHON))
        wrapper.chmod(0o755)
        if final.exists():
            shutil.rmtree(final)
        os.replace(new, final)
        r = subprocess.run([final / "usr" / "bin" / "python3-qemu", "-c",
                            "import platform, tvm; print(platform.machine(), tvm.__version__)"],
                           capture_output=True, text=True, env=guest_env(final), timeout=300)
        if r.returncode != 0 or not r.stdout.startswith("aarch64"):
            raise BuildError(f"the aarch64 guest at {final} does not start: {(r.stderr or r.stdout)[-1500:]}")
        (final / READY_FILE).write_text(json.dumps(
            {"versions": versions, "debian": DEBIAN_SUITE, "python": GUEST_PYTHON, "check": r.stdout.strip(),
             "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, indent=2) + "\n")
        say(f"aarch64 guest ready at {final} ({r.stdout.strip()})")
        return final
    finally:
        shutil.rmtree(work, ignore_errors=True)


def guest_env(root, threads: Optional[int] = None, info: Optional[dict] = None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONHOME", "PYTHONPATH", "LD_LIBRARY_PATH", "LD_PRELOAD", "VIRTUAL_ENV")}
    env["PYTHONPATH"] = f"{Path(root) / 'site'}{os.pathsep}{GUEST_DIR}"
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["TVM_USE_RUNTIME_LIB"] = "1"
    if threads:
        env["TVM_NUM_THREADS"] = str(int(threads))
    else:
        env.pop("TVM_NUM_THREADS", None)
    env["SEPGEN_QEMU_INFO"] = json.dumps({"emulated": True, "label": EMULATION_LABEL, "emulator": QEMU,
                                          **(info or {})})
    return env


# ---- the server -----------------------------------------------------------------------------------

def server_command(tracker: str, key: str, root=None, host: str = "127.0.0.1", port: int = 9090,
                   port_end: Optional[int] = None, custom_addr: Optional[str] = None,
                   threads: Optional[int] = None) -> tuple[list[str], dict]:
    """``(argv, env)`` of the emulated RPC server; TargetError when it cannot run here."""
    root = Path(root or default_root())
    why = unavailable_reason(root)
    if why:
        raise TargetError(f"the emulated aarch64 RPC server cannot start: {why}")
    RPCOptions.parse(tracker, key)   # the same checks and messages as the tuner's
    argv = [str(root / "usr" / "bin" / "python3-qemu"), "-m", "sepgen_rpc_guest", "--host", host,
            "--port", str(port), "--port-end", str(port_end or port + 100), "--tracker", tracker, "--key", key]
    if custom_addr:
        argv += ["--custom-addr", custom_addr]
    return argv, guest_env(root, threads)


def start_server(tracker: str, key: str, log_path=None, **kw) -> subprocess.Popen:
    """Start the emulated server in its own process group (stop it with :func:`stop`)."""
    argv, env = server_command(tracker, key, **kw)
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    try:
        return subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        if log_path:
            out.close()


def wait_for_servers(rpc: RPCOptions, n: int = 1, timeout: float = 180, procs=()) -> None:
    """Wait until ``n`` servers are registered under ``rpc.key``; BuildError after ``timeout``."""
    deadline = time.time() + timeout
    got = -1
    while time.time() < deadline:
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            raise BuildError(f"the emulated RPC server exited (status {dead[0].returncode}) before registering")
        try:
            got = count_servers(rpc)
        except BuildError:
            got = -1
        if got >= n:
            return
        time.sleep(0.5)
    raise BuildError(f"{got if got >= 0 else 'no'} server(s) registered under {rpc.key!r} at "
                     f"{rpc.tracker_host}:{rpc.tracker_port} after {timeout:.0f}s")


# ---- logs measured under emulation ----------------------------------------------------------------

def mark_emulated(root) -> list[Path]:
    """Add ``"emulated": true`` to every meta.json under ``root`` whose ``measured_on`` says emulated."""
    from .records import META_FILE, _atomic_write

    changed = []
    for p in sorted(Path(root).glob(f"**/{META_FILE}")):
        try:
            m = json.loads(p.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(m, dict) and is_emulated_meta(m) and m.get("emulated") is not True:
            m["emulated"] = True
            _atomic_write(p, json.dumps(m, indent=2, sort_keys=True) + "\n")
            changed.append(p)
    return changed
