"""Build and run ``runner.c``: TVM-exported aarch64 kernels under ``qemu-aarch64-static``.

The runner (``runner.c`` beside this file) stands in for libtvm_runtime: it
provides the parallel-launch, workspace and error slots a TVM CPU kernel uses,
reads tensors from files, calls the kernels and writes the results.  Two builds:

* static: runner object + the op's kernel object (``module.write_to_file``) + a
  generated table of entry points, linked with ``-static``;
* dynamic: one runner executable that ``dlopen``\\ s an artifact's
  ``kernels.so`` (as linked by ``aarch64-linux-gnu-g++``), run with
  ``qemu-aarch64-static -L <sysroot>``.

Compiled pieces are cached under ``$SEPGEN_QEMU_CACHE`` (default: a
``sepgen-qemu-<uid>`` directory in the system temp dir), keyed by the sha256 of
the runner source and the compiler version.  No timing is taken here: emulated
times say nothing about ARM performance.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ...errors import TargetError

RUNNER_SOURCE = Path(__file__).with_name("runner.c")
QEMU = "qemu-aarch64-static"
CC = "aarch64-linux-gnu-gcc"
NM = "aarch64-linux-gnu-nm"
APT_HINT = ("install with `make system-deps` (Debian/Ubuntu: apt-get install gcc-aarch64-linux-gnu "
            "g++-aarch64-linux-gnu qemu-user-static)")
# symbols of the tvm-ffi C ABI the runner defines; any other undefined TVM symbol is unsupported
PROVIDED = {"TVMFFIErrorSetRaisedFromCStrParts", "TVMFFIErrorSetRaisedFromCStr"}


class QemuError(TargetError):
    """The emulated run failed (a missing tool, a link error, a kernel error, a crash)."""


def missing_tools() -> list[str]:
    """The tools of the emulated path that are not installed."""
    return [t for t in (QEMU, CC) if shutil.which(t) is None]


def unavailable_reason() -> str:
    """Why the emulated path cannot run here ("" when it can)."""
    missing = missing_tools()
    if missing:
        return f"{' and '.join(missing)} not found; {APT_HINT}"
    return ""


def require_tools() -> None:
    why = unavailable_reason()
    if why:
        raise QemuError(f"running aarch64 kernels under QEMU needs {why}")


def cache_dir() -> Path:
    root = os.environ.get("SEPGEN_QEMU_CACHE")
    if root:
        d = Path(root)
    else:
        uid = os.getuid() if hasattr(os, "getuid") else 0
        d = Path(tempfile.gettempdir()) / f"sepgen-qemu-{uid}"
    d.mkdir(parents=True, exist_ok=True)
    return d


def sysroot() -> Optional[str]:
    """The aarch64 sysroot holding ld-linux-aarch64.so.1 and libc (Debian: /usr/aarch64-linux-gnu)."""
    for cand in ("/usr/aarch64-linux-gnu", "/usr/aarch64-linux-gnu/sys-root"):
        if Path(cand, "lib", "ld-linux-aarch64.so.1").exists():
            return cand
    try:
        out = subprocess.run([CC, "-print-sysroot"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return out or None


def _compiler_id() -> str:
    try:
        return subprocess.run([CC, "--version"], capture_output=True, text=True, timeout=30).stdout.splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def _run_tool(cmd: Sequence[str], what: str, cwd=None) -> None:
    r = subprocess.run(list(cmd), capture_output=True, text=True, cwd=cwd, timeout=300)
    if r.returncode != 0:
        tail = "\n".join((r.stderr or r.stdout).strip().splitlines()[-15:])
        raise QemuError(f"{what} failed ({' '.join(map(str, cmd))}):\n{tail}")


def _cached(name: str, build) -> Path:
    """``cache_dir()/name-<key>``, built by ``build(tmp_path)`` once (atomically renamed into place)."""
    key = hashlib.sha256(RUNNER_SOURCE.read_bytes() + _compiler_id().encode() + name.encode()).hexdigest()[:16]
    out = cache_dir() / f"{name}-{key}"
    if out.exists():
        return out
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        build(tmp)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def static_runner_object() -> Path:
    """The runner compiled for linking with a kernel object (cached)."""
    require_tools()
    return _cached("runner-static.o", lambda p: _run_tool(
        [CC, "-O2", "-Wall", "-DSEPGEN_STATIC", "-c", str(RUNNER_SOURCE), "-o", str(p)], "compiling the runner"))


def dynamic_runner() -> Path:
    """The runner executable that dlopens an exported kernels.so (cached)."""
    require_tools()
    return _cached("runner-dlopen", lambda p: _run_tool(
        [CC, "-O2", "-Wall", "-rdynamic", str(RUNNER_SOURCE), "-o", str(p), "-ldl", "-pthread", "-lm"],
        "compiling the runner"))


def undefined_symbols(obj: Path) -> list[str]:
    nm = NM if shutil.which(NM) else None
    if nm is None:
        return []
    r = subprocess.run([nm, "-u", str(obj)], capture_output=True, text=True, timeout=60)
    return [ln.split()[-1] for ln in r.stdout.splitlines() if ln.strip()]


def check_object(obj: Path) -> None:
    """Refuse a kernel object that needs TVM symbols the runner does not provide."""
    unknown = [s for s in undefined_symbols(obj) if s not in PROVIDED and re.match(r"_*(TVM|tvm)", s)]
    if unknown:
        raise QemuError(f"{obj.name} needs TVM runtime symbols the QEMU runner does not provide: "
                        f"{', '.join(sorted(unknown))}")


def link_static(kernel_object: Path, functions: Iterable[str], out: Path) -> Path:
    """Link the runner with ``kernel_object`` whose entry points are ``__tvm_ffi_<name>`` for ``functions``."""
    check_object(kernel_object)
    runner = static_runner_object()
    names = list(functions)
    table = out.with_suffix(".table.c")
    decls = "".join(f"extern int __tvm_ffi_{n}(void*, const void*, int, void*);\n" for n in names)
    rows = "".join(f'  {{"{n}", __tvm_ffi_{n}}},\n' for n in names)
    table.write_text("typedef int (*sepgen_fn)(void*, const void*, int, void*);\n"
                     "typedef struct { const char* name; sepgen_fn fn; } SepgenFunc;\n"
                     f"{decls}const SepgenFunc sepgen_funcs[] = {{\n{rows}  {{0, 0}},\n}};\n")
    _run_tool([CC, "-static", "-O2", str(runner), str(table), str(kernel_object), "-o", str(out), "-lm",
               "-pthread"], "linking the kernel object with the runner")
    return out


@dataclass
class RunStats:
    calls: int
    launches: int
    max_tasks: int       # most tasks of one parallel launch (the thread count asked for)
    max_threads: int     # most tasks seen running at the same time (really parallel when > 1)


_OK = re.compile(r"sepgen-runner: ok calls=(\d+) launches=(\d+) max_tasks=(\d+) max_threads=(\d+)")


def run(executable: Path, script: Path, cwd: Path, dynamic: bool = False, timeout: float = 600) -> RunStats:
    """Run ``executable script`` under qemu-aarch64-static in ``cwd``; raise QemuError on any failure."""
    require_tools()
    cmd = [QEMU]
    if dynamic:
        root = sysroot()
        if root is None:
            raise QemuError(f"no aarch64 sysroot (ld-linux-aarch64.so.1) found for the dynamic runner; {APT_HINT}")
        cmd += ["-L", root]
    cmd += [str(executable), str(script)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise QemuError(f"the emulated run took longer than {timeout:.0f}s and was stopped") from None
    m = _OK.search(r.stdout)
    if r.returncode != 0 or m is None:
        msg = (r.stderr or r.stdout).strip()
        if r.returncode < 0 or r.returncode >= 128:
            msg = f"the runner crashed (status {r.returncode}) {msg}"
        raise QemuError(f"emulated run failed: {msg[-2000:]}")
    return RunStats(*(int(g) for g in m.groups()))
