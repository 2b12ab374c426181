"""The CUDA toolkit: finding nvcc and ptxas, compiling offline, and building fatbins."""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ...errors import BuildError, TargetError
from ..registry import TargetPreset
from .presets import FATBIN_ARCHS, gpu_available, target_arch

# ---------------------------------------------------------------------------------------------------
# the CUDA toolkit
# ---------------------------------------------------------------------------------------------------

def _is_toolkit(root: Path) -> bool:
    return (root / "bin" / "nvcc").exists() and (root / "include" / "cuda.h").exists()


@functools.lru_cache(maxsize=None)
def cuda_root() -> str:
    """The CUDA toolkit's root directory.

    ``CUDA_PATH`` / ``CUDA_HOME`` when they point at a toolkit; else found from
    ``nvcc`` on the PATH, following symlinks and one-line wrapper scripts
    (``exec /usr/local/cuda-13.0/bin/nvcc "$@"``); else ``/usr/local/cuda``.
    """
    for env in ("CUDA_PATH", "CUDA_HOME"):
        v = os.environ.get(env)
        if v and _is_toolkit(Path(v)):
            return str(Path(v))
    nvcc = shutil.which("nvcc")
    if nvcc:
        real = Path(os.path.realpath(nvcc))
        if _is_toolkit(real.parent.parent):
            return str(real.parent.parent)
        try:
            text = real.read_text(errors="replace")[:4096]
        except OSError:
            text = ""
        m = re.search(r"(/\S+)/bin/nvcc\b", text)
        if m and _is_toolkit(Path(m.group(1))):
            return m.group(1)
    for guess in ("/usr/local/cuda",):
        if _is_toolkit(Path(guess)):
            return guess
    raise BuildError("no CUDA toolkit found: install it (nvcc), or set CUDA_PATH to its root")


def tool(name: str) -> str:
    """Path of a CUDA toolkit program (``nvcc``, ``ptxas``, ``cuobjdump``...)."""
    p = Path(cuda_root()) / "bin" / name
    if p.exists():
        return str(p)
    found = shutil.which(name)
    if found:
        return found
    raise BuildError(f"CUDA tool {name} not found in {cuda_root()}/bin nor on the PATH")


def have_toolkit() -> bool:
    try:
        tool("nvcc")
        tool("ptxas")
        return True
    except BuildError:
        return False


@functools.lru_cache(maxsize=None)
def nvcc_version() -> str:
    out = subprocess.run([tool("nvcc"), "--version"], capture_output=True, text=True).stdout
    m = re.search(r"release ([\d.]+)", out)
    return m.group(1) if m else "unknown"


def prepare_build(target: TargetPreset) -> None:
    """Make TVM able to build ``target`` in this process.

    Sets ``CUDA_PATH`` (TVM guesses it from where ``nvcc`` lies and misses the
    headers behind a wrapper).  Where a GPU is present TVM compiles the kernels
    at build time through ``tvm_callback_cuda_compile`` (``tvm.support.nvcc``):
    its default backend, NVRTC, needs the ``cuda-bindings`` package, so without
    it nvcc is selected (``TVM_CUDA_COMPILE_MODE=nvcc``, unless already set).
    """
    try:
        os.environ.setdefault("CUDA_PATH", cuda_root())
    except BuildError:
        pass
    if gpu_available():
        import importlib.util

        import tvm.support.nvcc  # noqa: F401  (registers tvm_callback_cuda_compile)

        if importlib.util.find_spec("cuda") is None:
            os.environ.setdefault("TVM_CUDA_COMPILE_MODE", "nvcc")


# ---------------------------------------------------------------------------------------------------
# offline compilation
# ---------------------------------------------------------------------------------------------------

NVCC_FLAGS = ("-O3", "-std=c++17", "-diag-suppress", "177,550",
              "-U__CUDA_NO_HALF_OPERATORS__", "-U__CUDA_NO_HALF_CONVERSIONS__")


def _gencode(archs: Sequence[str], ptx_for_last: bool = True) -> list[str]:
    out = []
    archs = sorted(set(archs), key=lambda a: int(re.sub(r"\D", "", a) or 0))
    for a in archs:
        num = a[3:]
        out += ["-gencode", f"arch=compute_{num},code=sm_{num}"]
    if ptx_for_last and archs:
        num = archs[-1][3:]
        out += ["-gencode", f"arch=compute_{num},code=compute_{num}"]  # PTX: JIT on newer GPUs
    return out


def _run(cmd: list[str], what: str, cwd: Optional[str] = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.setdefault("CUDA_PATH", cuda_root())
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise BuildError(f"{what}: cannot run {cmd[0]}: {e}") from None
    if proc.returncode != 0:
        msg = "\n".join(line for line in (proc.stdout + proc.stderr).splitlines() if line.strip())
        raise BuildError(f"{what} failed (exit {proc.returncode}):\n{msg[-4000:]}")
    return proc


def compile_offline(src: str, arch="sm_90", fmt: str = "ptx", options: Iterable[str] = (),
                    verbose_ptxas: bool = False) -> bytes:
    """Compile CUDA C with nvcc; ``fmt`` is ``ptx``, ``cubin`` or ``fatbin``.

    ``arch`` is one ``sm_XX`` or, for a fatbin, a sequence of them (each gets
    SASS; the newest also PTX, so newer GPUs can JIT it).  Errors become a
    :class:`BuildError` carrying nvcc's message.
    """
    if fmt not in ("ptx", "cubin", "fatbin"):
        raise ValueError(f"fmt must be ptx, cubin or fatbin, got {fmt!r}")
    archs = [arch] if isinstance(arch, str) else list(arch)
    if not archs or not all(re.fullmatch(r"sm_\d+a?", a) for a in archs):
        raise ValueError(f"arch must be sm_XX (or a list of them), got {arch!r}")
    if fmt != "fatbin" and len(archs) != 1:
        raise ValueError(f"{fmt} is for one architecture; got {archs}")
    with tempfile.TemporaryDirectory(prefix="sepgen-nvcc-") as d:
        cu = Path(d) / "kernels.cu"
        out = Path(d) / f"kernels.{fmt}"
        cu.write_text(src)
        cmd = [tool("nvcc"), f"--{fmt}", *NVCC_FLAGS]
        if fmt == "fatbin":
            cmd += _gencode(archs)
        else:
            cmd += ["-arch", archs[0]]
        if verbose_ptxas:
            cmd += ["-Xptxas", "-v"]
        cmd += [*options, "-o", str(out), str(cu)]
        _run(cmd, f"nvcc --{fmt} for {','.join(archs)}", cwd=d)
        data = out.read_bytes()
    if not data:
        raise BuildError(f"nvcc produced an empty {fmt}")
    return data


@functools.lru_cache(maxsize=64)
def _fatbin_cached(src_hash: str, src: str, archs: tuple) -> bytes:
    return compile_offline(src, archs, "fatbin")


def fatbin(src: str, archs: Sequence[str] = FATBIN_ARCHS) -> bytes:
    """A fatbin of ``src`` with SASS for every arch in ``archs`` (+ PTX of the newest); cached per source."""
    archs = tuple(sorted(set(archs)))
    return _fatbin_cached(hashlib.sha256(src.encode()).hexdigest(), src, archs)


def fatbin_archs(target: TargetPreset) -> tuple[str, ...]:
    """The architectures an artifact for ``target`` carries: sm_80, sm_90 and the target's own."""
    try:
        own = target_arch(target)
    except TargetError:
        own = None
    return tuple(sorted({*FATBIN_ARCHS, *([own] if own else [])}))
