"""CUDA: target presets, offline compilation, resource checks, GPU-free artifacts, CPU emulation.

Everything here works on a machine without a GPU (only the CUDA toolkit's
``nvcc``/``ptxas`` are needed for the offline parts):

* **Presets** ``cuda-sm80`` (A100 class), ``cuda-sm90`` (H100/H200 class) and
  ``cuda`` (the local GPU; resolves only where one is present), registered into
  :data:`sepgen.targets.PRESETS_EXTRA` when :mod:`sepgen.targets` is imported.
* :func:`cuda_source` lowers and schedules one stage with its CUDA template's
  defaults and returns the CUDA C that TVM generates (without a CUDA driver TVM
  builds a source-only device module).
* :func:`compile_offline` runs ``nvcc`` (PTX, cubin or a multi-architecture
  fatbin); :func:`ptxas_resources` parses ``ptxas -v`` (registers, shared memory,
  spills per kernel) and :func:`check_resources` checks them against the
  architecture's limits.
* :func:`pack_imports_with_fatbin` is the ``fpack_imports`` hook that lets
  ``export_library`` embed a fatbin (instead of CUDA source, which would need
  ``nvcc``/NVRTC on the GPU machine at load time); :func:`artifact_files` gives
  the extra files a CUDA artifact carries (source and fatbin).
* :func:`emulate` runs a generated kernel on the CPU (each CUDA thread a host
  thread, ``__syncthreads`` a barrier, ``__shared__`` storage shared by the
  block's threads): a numerical check of the CUDA templates without a GPU.
  It is a *semantic* check of the kernel source, not of nvcc or the hardware.

What needs a GPU and is therefore untested here: running the kernels through
the CUDA driver, timing, MetaSchedule measurement (:func:`local_runner`), and
loading an artifact's fatbin (see ``docs/cuda.md``).
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from .errors import BuildError, TargetError
from .targets import PRESETS_EXTRA, TargetPreset

# ---------------------------------------------------------------------------------------------------
# target presets
# ---------------------------------------------------------------------------------------------------

#: compute capability -> a TVM target tag with that architecture (full attributes for MetaSchedule)
ARCH_TAGS = {
    "sm_70": "nvidia/nvidia-v100",
    "sm_75": "nvidia/nvidia-t4",
    "sm_80": "nvidia/nvidia-a100",
    "sm_86": "nvidia/geforce-rtx-3090",
    "sm_89": "nvidia/geforce-rtx-4090",
    "sm_90": "nvidia/nvidia-h100",
}

#: the architectures a CUDA artifact's fatbin always carries (plus the target's own)
FATBIN_ARCHS = ("sm_80", "sm_90")

CUDA_PRESETS = {
    "cuda-sm80": TargetPreset("cuda-sm80", "cuda", "cuda", mcpu="sm_80", tag="nvidia/nvidia-a100",
                              description="NVIDIA Ampere, sm_80 (A100); builds without a GPU"),
    "cuda-sm90": TargetPreset("cuda-sm90", "cuda", "cuda", mcpu="sm_90", tag="nvidia/nvidia-h100",
                              description="NVIDIA Hopper, sm_90 (H100, H200); builds without a GPU"),
}


@functools.lru_cache(maxsize=None)
def local_gpu() -> Optional[dict]:
    """``{"arch": "sm_90", "name": ..., ...}`` of GPU 0, or None when this machine has no usable GPU."""
    try:
        import tvm

        dev = tvm.cuda(0)
        if not dev.exist:
            return None
        arch = "sm_" + str(dev.compute_version).replace(".", "")
    except Exception:  # noqa: BLE001 - no driver, no runtime, no device: all mean "no GPU"
        return None
    info = {"arch": arch, "name": "GPU 0"}
    for key, attr in (("name", "device_name"), ("max_threads_per_block", "max_threads_per_block"),
                      ("max_shared_memory_per_block", "max_shared_memory_per_block"), ("warp_size", "warp_size")):
        try:
            info[key] = getattr(dev, attr)
        except Exception:  # noqa: BLE001 - an attribute this runtime cannot query: keep the default
            pass
    return info


def gpu_available() -> bool:
    """True when a CUDA GPU is usable by TVM in this process."""
    return local_gpu() is not None


def local_preset() -> TargetPreset:
    """The ``cuda`` preset: the local GPU 0 (raises :class:`TargetError` on a machine without one)."""
    gpu = local_gpu()
    if gpu is None:
        raise TargetError("target 'cuda' means the local GPU, and this machine has none (no CUDA driver or "
                          "device visible to TVM); build for a named architecture instead: "
                          + ", ".join(CUDA_PRESETS))
    arch = gpu["arch"]
    return TargetPreset("cuda", "cuda", "cuda", mcpu=arch, tag=ARCH_TAGS.get(arch, ""),
                        description=f"this machine's GPU ({gpu['name']}, {arch})")


def register_presets() -> None:
    """Add the CUDA presets to :data:`sepgen.targets.PRESETS_EXTRA` (``cuda`` resolves lazily)."""
    PRESETS_EXTRA.update(CUDA_PRESETS)
    PRESETS_EXTRA["cuda"] = local_preset


register_presets()


def target_arch(target: TargetPreset) -> str:
    """``sm_XX`` of a CUDA preset (its ``mcpu``, else the tag's arch)."""
    if target.mcpu.startswith("sm_"):
        return target.mcpu
    arch = str(target.to_tvm().attrs.get("arch", ""))
    m = re.match(r"sm_\d+", arch)
    if not m:
        raise TargetError(f"target {target.name} names no CUDA architecture")
    return m.group(0)


def generic_tvm_target(arch: str):
    """A full TVM CUDA target for ``arch`` without a tag (what MetaSchedule needs to know)."""
    import tvm

    return tvm.target.Target({"kind": "cuda", "arch": arch, "max_num_threads": 1024, "max_threads_per_block": 1024,
                              "thread_warp_size": 32, "max_shared_memory_per_block": 49152,
                              "registers_per_block": 65536})


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
# generated source
# ---------------------------------------------------------------------------------------------------

def module_cuda_sources(module) -> list[str]:
    """The CUDA C of every CUDA device module imported by a built TVM module."""
    out = []
    seen = set()
    stack = [module]
    while stack:
        m = stack.pop()
        for imp in m.imports:
            key = id(imp)
            if key in seen:
                continue
            seen.add(key)
            if imp.kind == "cuda":
                src = imp.inspect_source("cuda") or imp.inspect_source("")
                if src:
                    out.append(str(src))
            stack.append(imp)
    return out


def schedule_default(stage, dtype: str, target: TargetPreset):
    """(Lowered, Schedule) of ``stage`` with its CUDA template's default knobs."""
    from .build import schedule_stage

    if target.family != "cuda":
        raise TargetError(f"{target.name} is not a CUDA target")
    return schedule_stage(stage, dtype, target)


def cuda_source(stage, dtype: str, target) -> str:
    """Lower ``stage``, schedule it with its template's defaults, build it for ``target``; the CUDA C."""
    import tvm

    from .targets import get_target

    target = get_target(target)
    prepare_build(target)
    _, sch = schedule_default(stage, dtype, target)
    try:
        ex = tvm.compile(sch.mod, target=target.to_tvm())
    except Exception as e:
        raise BuildError(f"TVM failed to build {stage.describe()} for {target.name}: {type(e).__name__}: "
                         f"{str(e).splitlines()[0] if str(e) else ''}") from e
    srcs = module_cuda_sources(ex.mod)
    if not srcs:
        raise BuildError(f"TVM made no CUDA device code for {stage.describe()}")
    return "\n".join(srcs)


def launch_dims(func) -> tuple[int, int]:
    """(blocks, threads per block) of a scheduled PrimFunc (one kernel, 1-D grid and block)."""
    text = func.script() if hasattr(func, "script") else str(func)
    grid = [int(v) for v in re.findall(r'T\.thread_binding\((\d+), thread="blockIdx\.x"', text)]
    block = [int(v) for v in re.findall(r'T\.thread_binding\((\d+), thread="threadIdx\.x"', text)]
    if re.search(r'thread="(blockIdx|threadIdx)\.[yz]"', text):
        raise BuildError("launch_dims handles 1-D grids and blocks only")
    if not grid or not block:
        raise BuildError("the function binds no blockIdx.x / threadIdx.x loop")
    if len(set(grid)) != 1 or len(set(block)) != 1:
        raise BuildError(f"inconsistent thread extents in one kernel: blocks {grid}, threads {block}")
    return grid[0], block[0]


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


# ---------------------------------------------------------------------------------------------------
# resources (ptxas -v)
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ArchLimits:
    max_regs_per_thread: int = 255
    max_static_shared: int = 48 * 1024       # static __shared__ per block (more needs dynamic + opt-in)
    max_shared_optin: int = 163 * 1024       # dynamic shared per block with cudaFuncSetAttribute
    max_threads_per_block: int = 1024
    regs_per_block: int = 64 * 1024


ARCH_LIMITS = {
    "sm_80": ArchLimits(max_shared_optin=163 * 1024),
    "sm_86": ArchLimits(max_shared_optin=99 * 1024),
    "sm_89": ArchLimits(max_shared_optin=99 * 1024),
    "sm_90": ArchLimits(max_shared_optin=227 * 1024),
}


def arch_limits(arch: str) -> ArchLimits:
    return ARCH_LIMITS.get(arch.rstrip("a"), ArchLimits())


@dataclass
class KernelResources:
    """What ``ptxas -v`` reports for one kernel."""

    name: str
    arch: str
    registers: int = 0
    shared_bytes: int = 0          # static shared memory per block
    stack_frame: int = 0
    spill_stores: int = 0
    spill_loads: int = 0
    barriers: int = 0
    max_threads: Optional[int] = None   # __launch_bounds__ of the kernel, when the source names it

    @property
    def spills(self) -> int:
        return self.spill_stores + self.spill_loads


_RE_ENTRY = re.compile(r"Compiling entry function '([^']+)' for '(sm_\w+)'")
_RE_FRAME = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
_RE_USED = re.compile(r"Used (\d+) registers")
_RE_SMEM = re.compile(r"(\d+) bytes smem")
_RE_BARRIERS = re.compile(r"used (\d+) barriers")


def parse_ptxas(text: str) -> dict[str, KernelResources]:
    """Parse the ``ptxas -v`` report into one :class:`KernelResources` per entry function."""
    out: dict[str, KernelResources] = {}
    cur: Optional[KernelResources] = None
    for line in text.splitlines():
        m = _RE_ENTRY.search(line)
        if m:
            cur = KernelResources(m.group(1), m.group(2))
            out[cur.name] = cur
            continue
        if cur is None:
            continue
        m = _RE_FRAME.search(line)
        if m:
            cur.stack_frame, cur.spill_stores, cur.spill_loads = (int(v) for v in m.groups())
        m = _RE_USED.search(line)
        if m:
            cur.registers = int(m.group(1))
            s = _RE_SMEM.search(line)
            cur.shared_bytes = int(s.group(1)) if s else 0
            b = _RE_BARRIERS.search(line)
            cur.barriers = int(b.group(1)) if b else 0
    return out


def _launch_bounds(src: str) -> dict[str, int]:
    """Threads per block each kernel was compiled for (``__launch_bounds__`` in C, ``.maxntid`` in PTX)."""
    out = {name: int(n) for n, name in re.findall(r"__launch_bounds__\((\d+)\)\s+(\w+)\s*\(", src)}
    for name, x, y, z in re.findall(r"\.entry\s+(\w+)\s*\([^)]*\)\s*\.maxntid\s+(\d+),\s*(\d+),\s*(\d+)", src):
        out[name] = int(x) * int(y) * int(z)
    return out


def ptxas_resources(src_or_ptx: str, arch: str = "sm_90") -> dict[str, KernelResources]:
    """Registers, shared memory and spills of every kernel, from ``ptxas -v``.

    ``src_or_ptx`` is CUDA C (compiled with nvcc) or PTX text (assembled with
    ptxas directly).
    """
    is_ptx = ".version" in src_or_ptx[:4096] and ".target" in src_or_ptx[:4096]
    with tempfile.TemporaryDirectory(prefix="sepgen-ptxas-") as d:
        if is_ptx:
            p = Path(d) / "k.ptx"
            p.write_text(src_or_ptx)
            proc = _run([tool("ptxas"), "-v", f"-arch={arch}", str(p), "-o", str(Path(d) / "k.cubin")],
                        f"ptxas for {arch}", cwd=d)
        else:
            p = Path(d) / "k.cu"
            p.write_text(src_or_ptx)
            proc = _run([tool("nvcc"), "--cubin", *NVCC_FLAGS, "-arch", arch, "-Xptxas", "-v", "-o",
                         str(Path(d) / "k.cubin"), str(p)], f"nvcc --cubin for {arch}", cwd=d)
    res = parse_ptxas(proc.stdout + proc.stderr)
    if not res:
        raise BuildError(f"could not read ptxas's resource report for {arch}")
    for name, n in _launch_bounds(src_or_ptx).items():
        if name in res:
            res[name].max_threads = n
    return res


def check_resources(resources: dict[str, KernelResources], arch: Optional[str] = None,
                    threads_per_block: Optional[int] = None, allow_spills: bool = False,
                    dynamic_shared: bool = False) -> list[str]:
    """Problems of the kernels against ``arch``'s limits (empty list: all within limits).

    Limits: 255 registers per thread, 48 KiB static shared memory per block
    (the opt-in maximum when ``dynamic_shared``), 1024 threads per block,
    registers x threads within the 64 K register file, and no spills unless
    ``allow_spills``.  ``threads_per_block`` defaults to the kernel's
    ``__launch_bounds__``.
    """
    problems = []
    for r in resources.values():
        lim = arch_limits(arch or r.arch)
        shared_limit = lim.max_shared_optin if dynamic_shared else lim.max_static_shared
        threads = threads_per_block or r.max_threads
        if r.registers > lim.max_regs_per_thread:
            problems.append(f"{r.name}: {r.registers} registers per thread > {lim.max_regs_per_thread}")
        if r.shared_bytes > shared_limit:
            problems.append(f"{r.name}: {r.shared_bytes} bytes of shared memory per block > {shared_limit}")
        if threads is not None:
            if threads > lim.max_threads_per_block:
                problems.append(f"{r.name}: {threads} threads per block > {lim.max_threads_per_block}")
            if r.registers * threads > lim.regs_per_block:
                problems.append(f"{r.name}: {r.registers} registers x {threads} threads > "
                                f"{lim.regs_per_block} registers per block")
        if r.spills and not allow_spills:
            problems.append(f"{r.name}: spills registers ({r.spill_stores} B stored, {r.spill_loads} B loaded)")
    return problems


def require_resources(resources: dict[str, KernelResources], arch: Optional[str] = None, **kw) -> None:
    """:func:`check_resources`, raising :class:`BuildError` on any problem."""
    problems = check_resources(resources, arch, **kw)
    if problems:
        raise BuildError("CUDA kernel exceeds the limits of " + (arch or "its architecture") + ": "
                         + "; ".join(problems))


# ---------------------------------------------------------------------------------------------------
# artifacts: a module whose CUDA part is a fatbin, loadable on a GPU machine without nvcc
# ---------------------------------------------------------------------------------------------------

CUDA_SOURCE_FILE = "kernels.cu"
CUDA_FATBIN_FILE = "kernels.fatbin"


def _u64(b: bytes, off: int) -> tuple[int, int]:
    return struct.unpack_from("<Q", b, off)[0], off + 8


def _string(b: bytes, off: int) -> tuple[bytes, int]:
    n, off = _u64(b, off)
    if off + n > len(b):
        raise BuildError("malformed TVM library blob (string runs past the end)")
    return b[off:off + n], off + n


def _pack_string(s: bytes) -> bytes:
    return struct.pack("<Q", len(s)) + s


def _code_offset(payload: bytes, start: int) -> int:
    """Offset of the length field of the code, the last field of a CUDA module payload.

    The function table between ``fmt`` and the code is version-specific, so it
    is skipped over: the first u64 (scanning forward) that is exactly the
    length of the rest is the code's length field (table entries are small
    counts and names, never the size of the whole code).
    """
    for cand in range(start, len(payload) - 7):
        n = struct.unpack_from("<Q", payload, cand)[0]
        if cand + 8 + n == len(payload):
            return cand
    raise BuildError("malformed CUDA module payload in the TVM library blob")


def rewrite_library_blob(blob: bytes, fcompile) -> bytes:
    """Replace the CUDA *source* payloads of a TVM library blob by compiled ones.

    The blob (``__tvm_ffi__library_bin``) is ``u64 size``, the import tree
    (two u64 vectors), then per module its kind and (except the host
    ``_lib``) the bytes of its ``SaveToBytes``.  A CUDA module saves
    ``fmt, function table, code``; a source-only one (built without a CUDA
    driver) has ``fmt == "cuda"`` and the CUDA C as code, which the CUDA
    runtime would compile at load time with nvcc/NVRTC.  ``fcompile(source) ->
    (fmt, bytes)`` gives the replacement (e.g. ``("fatbin", ...)``), which the
    runtime loads with ``cuModuleLoadData``.  Other payloads are kept.
    """
    size, off = _u64(blob, 0)
    if size != len(blob) - 8:
        raise BuildError(f"malformed TVM library blob (size {size} vs {len(blob) - 8})")
    start = off
    nrow, off = _u64(blob, off)
    row_ptr = []
    for _ in range(nrow):
        v, off = _u64(blob, off)
        row_ptr.append(v)
    nchild, off = _u64(blob, off)
    off += 8 * nchild
    head = blob[start:off]
    parts = [head]
    n_modules = max(0, nrow - 1)
    replaced = 0
    for _ in range(n_modules):
        kind, off = _string(blob, off)
        parts.append(_pack_string(kind))
        if kind == b"_lib":
            continue
        payload, off = _string(blob, off)
        if kind == b"cuda":
            fmt, p = _string(payload, 0)
            if fmt == b"cuda":
                code_off = _code_offset(payload, p)
                fmap = payload[p:code_off]
                source = payload[code_off + 8:].decode(errors="replace")
                if "__global__" not in source:
                    raise BuildError("unexpected CUDA module payload in the TVM library blob (no kernel source)")
                new_fmt, code = fcompile(source)
                payload = _pack_string(new_fmt.encode()) + fmap + _pack_string(bytes(code))
                replaced += 1
        parts.append(_pack_string(payload))
    if off != len(blob):
        raise BuildError("malformed TVM library blob (trailing bytes)")
    body = b"".join(parts)
    return struct.pack("<Q", len(body)) + body


def library_blob(so_path) -> bytes:
    """The ``__tvm_ffi__library_bin`` blob of an exported TVM library (read through the dynamic loader)."""
    import ctypes

    import tvm  # noqa: F401  (the library's TVM FFI symbols resolve against the loaded runtime)

    lib = ctypes.CDLL(str(so_path), mode=getattr(ctypes, "RTLD_LOCAL", 0))
    try:
        head = ctypes.c_uint64.in_dll(lib, "__tvm_ffi__library_bin")
    except ValueError:
        raise BuildError(f"{so_path} carries no imported modules") from None
    n = int(head.value)
    return ctypes.string_at(ctypes.addressof(head), n + 8)


def cuda_payloads(blob: bytes) -> list[tuple[str, bytes]]:
    """(fmt, code) of every CUDA module in a library blob (fmt ``cuda`` is source, ``fatbin`` a fatbin)."""
    out = []
    size, off = _u64(blob, 0)
    nrow, off = _u64(blob, off)
    off += 8 * nrow
    nchild, off = _u64(blob, off)
    off += 8 * nchild
    for _ in range(max(0, nrow - 1)):
        kind, off = _string(blob, off)
        if kind == b"_lib":
            continue
        payload, off = _string(blob, off)
        if kind == b"cuda":
            fmt, p = _string(payload, 0)
            out.append((fmt.decode(), payload[_code_offset(payload, p) + 8:]))
    return out


def _c_array(blob: bytes) -> str:
    lines = []
    for i in range(0, len(blob), 20):
        lines.append("  " + ",".join(f"0x{b:02x}" for b in blob[i:i + 20]) + ",")
    return "\n".join(lines)


def pack_imports_with_fatbin(archs: Sequence[str] = FATBIN_ARCHS):
    """An ``fpack_imports`` hook for ``export_library`` embedding fatbins for ``archs``.

    It packs the imported modules as TVM does (``ModulePackImportsToC``), then
    replaces each CUDA source payload with a fatbin compiled by nvcc here, so
    the library loads on a GPU machine with the CUDA driver only (no nvcc, no
    NVRTC).  Payloads already compiled (a module built on a GPU machine) are
    left as they are.
    """
    archs = tuple(archs)

    def fpack(mod, is_system_lib, prefix, workspace_dir):
        from tvm.runtime import _ffi_api

        c_src = str(_ffi_api.ModulePackImportsToC(mod, is_system_lib, prefix))
        m = re.search(r"(\w*__tvm_ffi__library_bin)\[(\d+)\]\s*=\s*\{(.*?)\};", c_src, re.S)
        if not m:
            raise BuildError("cannot find the library blob in TVM's packed imports")
        blob = bytes(int(h, 16) for h in re.findall(r"0x([0-9a-fA-F]{2})", m.group(3)))
        if len(blob) != int(m.group(2)):
            raise BuildError("could not read TVM's packed imports")
        new = rewrite_library_blob(blob, lambda src: ("fatbin", fatbin(src, archs)))
        out = c_src[:m.start()] + f"{m.group(1)}[{len(new)}] = {{\n{_c_array(new)}\n}};" + c_src[m.end():]
        path = os.path.join(workspace_dir, f"{prefix}devc.c")
        with open(path, "w") as f:
            f.write(out)
        return path

    return fpack


def export_options(target: TargetPreset) -> dict:
    """``export_library`` keyword arguments for a CUDA module built for ``target``."""
    return {"fpack_imports": pack_imports_with_fatbin(fatbin_archs(target))}


def artifact_files(op) -> tuple[dict[str, bytes], dict]:
    """The extra files of a CUDA artifact and its manifest entry.

    Files: ``kernels.cu`` (the CUDA C of every stage) and ``kernels.fatbin``
    (SASS for sm_80, sm_90 and the target's arch, PTX for the newest).  The
    manifest entry names the archs and the toolkit.  A loaded artifact carries
    its files over unchanged.
    """
    carried = getattr(op, "_cuda_files", None)
    if carried:
        return dict(carried[0]), dict(carried[1])
    if op.module is None:
        return {}, {}
    srcs = module_cuda_sources(op.module)
    if not srcs:
        return {}, {}
    src = "\n".join(srcs)
    archs = fatbin_archs(op.target)
    files = {CUDA_SOURCE_FILE: src.encode(), CUDA_FATBIN_FILE: fatbin(src, archs)}
    entry = {"archs": list(archs), "source": CUDA_SOURCE_FILE, "fatbin": CUDA_FATBIN_FILE,
             "nvcc": nvcc_version(), "embedded": "fatbin"}
    return files, entry


def check_loadable(manifest: dict, path) -> None:
    """Raise :class:`ArtifactError` when a CUDA artifact's kernels cannot be loaded on this machine."""
    from .errors import ArtifactError

    t = manifest.get("target", {})
    cuda = manifest.get("cuda") if isinstance(manifest.get("cuda"), dict) else {}
    archs = [str(a) for a in cuda.get("archs", [])]
    what = f"CUDA kernels for {t.get('name')} ({', '.join(archs) or t.get('mcpu') or 'unknown arch'})"
    gpu = local_gpu()
    if gpu is None:
        raise ArtifactError(f"{path} holds {what}; loading it needs a machine with an NVIDIA GPU and its driver "
                            f"(none found here). The fatbin is embedded: no CUDA toolkit is needed there")
    if archs:
        have = int(re.sub(r"\D", "", gpu["arch"]) or 0)
        lowest = min(int(re.sub(r"\D", "", a) or 0) for a in archs)
        if have < lowest:
            raise ArtifactError(f"{path} holds {what}; this machine's GPU is {gpu['arch']} ({gpu['name']}), "
                                f"older than every architecture in the fatbin")


# ---------------------------------------------------------------------------------------------------
# tuning on a GPU machine
# ---------------------------------------------------------------------------------------------------

def local_runner(target: TargetPreset, timeout_sec: float = 30.0):
    """MetaSchedule's LocalRunner measuring candidates on the local GPU (needs one of ``target``'s arch)."""
    from tvm.s_tir import meta_schedule as ms

    gpu = local_gpu()
    if gpu is None:
        raise BuildError(f"tuning for {target.name} needs a GPU on this machine (none found); tune on a GPU "
                         f"machine, then build anywhere from the tuning log")
    want = target_arch(target)
    if gpu["arch"].rstrip("a") != want.rstrip("a"):
        raise BuildError(f"this machine's GPU is {gpu['arch']} ({gpu['name']}); {target.name} is {want}: "
                         f"measurements would be for the wrong architecture")
    return ms.runner.LocalRunner(timeout_sec=timeout_sec, evaluator_config=ms.runner.EvaluatorConfig(
        number=10, repeat=3, min_repeat_ms=50, enable_cpu_cache_flush=False))


def tune_plan(plan, target, trials: int, log_dir=None, seed: int = 0, progress: bool = True):
    """:func:`sepgen.tune.tune_plan` for a CUDA target, measuring on the local GPU.

    ``sepgen.tune`` asks ``_remote_runner`` for the runner of a non-native
    target (an RPC runner when RPC devices are configured); for the duration
    of this call a CUDA target without RPC gets :func:`local_runner` instead.
    (To measure on a remote GPU, use TVM RPC as for other devices.)
    """
    from . import tune
    from .targets import get_target

    target = get_target(target)
    prepare_build(target)
    original = tune._remote_runner

    def runner(t, *args, **kwargs):
        opts = args[0] if args else kwargs.get("opts")
        if t.family == "cuda" and getattr(opts, "rpc", None) is None:
            return local_runner(t)
        return original(t, *args, **kwargs)

    tune._remote_runner = runner
    try:
        return tune.tune_plan(plan, target, trials=trials, log_dir=log_dir, seed=seed, progress=progress)
    finally:
        tune._remote_runner = original


# ---------------------------------------------------------------------------------------------------
# CPU emulation of a generated kernel (numerics without a GPU)
# ---------------------------------------------------------------------------------------------------

_EMU_PRELUDE = r"""
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
typedef _Float16 half;
struct sepgen_dim3 { unsigned int x, y, z; };
static thread_local sepgen_dim3 threadIdx, blockIdx;
static pthread_barrier_t sepgen_bar;
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static
#define __syncthreads() pthread_barrier_wait(&sepgen_bar)
#define __float2half_rn(x) ((half)(float)(x))
#define __float2half(x) ((half)(float)(x))
#define __half2float(x) ((float)(x))
#define uint unsigned int
#define uchar unsigned char
#define ushort unsigned short
template <typename A, typename B> static inline auto max(A a, B b) -> decltype(a + b) { return a > b ? a : b; }
template <typename A, typename B> static inline auto min(A a, B b) -> decltype(a + b) { return a < b ? a : b; }
struct sepgen_job { void** args; int grid; int thread; };
"""


def _kernel_signatures(src: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(kernel name, [(C type, parameter name)]) of each ``extern "C" __global__`` definition."""
    out = []
    for m in re.finditer(r'extern "C" __global__ void (?:__launch_bounds__\(\d+\) )?(\w+)\(([^)]*)\)\s*\{', src):
        params = []
        for p in m.group(2).split(","):
            p = p.strip()
            pm = re.match(r"(\w+)\s*\*\s*(?:__restrict__\s*)?(\w+)$", p)
            if not pm:
                raise BuildError(f"emulate: cannot read kernel parameter {p!r}")
            params.append((pm.group(1), pm.group(2)))
        out.append((m.group(1), params))
    return out


@functools.lru_cache(maxsize=32)
def _emulator_library(src: str) -> tuple[str, tuple]:
    """Compile ``src`` (TVM's CUDA C) as a host shared library with a launcher per kernel."""
    body_at = src.find('extern "C" __global__')
    if body_at < 0:
        raise BuildError("emulate: no kernel in the source")
    body = re.sub(r"__shared__\s+alignas\((\d+)\)", r"alignas(\1) static", src[body_at:])
    sigs = _kernel_signatures(body)
    if not sigs:
        raise BuildError("emulate: no kernel definition found")
    launchers = []
    for name, params in sigs:
        args = ", ".join(f"({t}*)job->args[{i}]" for i, (t, _) in enumerate(params))
        launchers.append(f"""
static void* sepgen_worker_{name}(void* p) {{
  sepgen_job* job = (sepgen_job*)p;
  threadIdx.x = (unsigned)job->thread; threadIdx.y = 0; threadIdx.z = 0;
  for (int b = 0; b < job->grid; ++b) {{
    blockIdx.x = (unsigned)b; blockIdx.y = 0; blockIdx.z = 0;
    {name}({args});
    pthread_barrier_wait(&sepgen_bar);
  }}
  return 0;
}}
extern "C" int sepgen_launch_{name}(void** args, int grid, int block) {{
  pthread_barrier_init(&sepgen_bar, 0, (unsigned)block);
  pthread_t* threads = (pthread_t*)malloc(sizeof(pthread_t) * block);
  sepgen_job* jobs = (sepgen_job*)malloc(sizeof(sepgen_job) * block);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);
  int err = 0;
  for (int t = 0; t < block; ++t) {{
    jobs[t].args = args; jobs[t].grid = grid; jobs[t].thread = t;
    if (pthread_create(&threads[t], &attr, sepgen_worker_{name}, &jobs[t])) {{ err = 1; block = t; break; }}
  }}
  for (int t = 0; t < block; ++t) pthread_join(threads[t], 0);
  pthread_attr_destroy(&attr);
  pthread_barrier_destroy(&sepgen_bar);
  free(threads); free(jobs);
  return err;
}}""")
    code = _EMU_PRELUDE + body + "\n" + "\n".join(launchers) + "\n"
    d = tempfile.mkdtemp(prefix="sepgen-emu-")
    cpp = Path(d) / "k.cpp"
    lib = Path(d) / "k.so"
    cpp.write_text(code)
    cxx = shutil.which("g++") or shutil.which("c++") or "g++"
    _run([cxx, "-std=c++17", "-O1", "-fPIC", "-shared", "-pthread", "-w", "-o", str(lib), str(cpp)],
         "compiling the CPU emulation of the CUDA kernels")
    return str(lib), tuple(sigs)


def emulate(src: str, arrays: dict, grid: int, block: int, kernel: Optional[str] = None) -> None:
    """Run a kernel of ``src`` on the CPU, in place on the numpy ``arrays`` (by buffer name).

    ``arrays`` maps each kernel parameter's buffer name (the parameter is
    ``<name>_ptr``) to a C-contiguous numpy array of the matching dtype
    (float32, or float16 for ``half``).  Each of the ``block`` CUDA threads is a
    host thread; the blocks run one after the other, so ``__shared__`` arrays
    (static storage here) are shared exactly by one block's threads, and
    ``__syncthreads`` is a barrier.  Warp-level intrinsics are not emulated.
    """
    import ctypes

    import numpy as np

    lib_path, sigs = _emulator_library(src)
    if kernel is None:
        if len(sigs) != 1:
            raise BuildError(f"emulate: the source has kernels {[s[0] for s in sigs]}; name one")
        kernel = sigs[0][0]
    params = dict(sigs).get(kernel)
    if params is None:
        raise BuildError(f"emulate: no kernel {kernel!r} in the source")
    ptrs = []
    for ctype, pname in params:
        bname = pname[:-4] if pname.endswith("_ptr") else pname
        arr = arrays.get(bname)
        if arr is None:
            raise BuildError(f"emulate: no array for kernel parameter {pname}")
        want = np.float16 if ctype == "half" else np.float32 if ctype == "float" else None
        if want is None or arr.dtype != want or not arr.flags["C_CONTIGUOUS"]:
            raise BuildError(f"emulate: {bname} must be a C-contiguous {ctype} array, got {arr.dtype}")
        ptrs.append(arr.ctypes.data_as(ctypes.c_void_p))
    lib = ctypes.CDLL(lib_path)
    fn = getattr(lib, f"sepgen_launch_{kernel}")
    fn.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
    fn.restype = ctypes.c_int
    argv = (ctypes.c_void_p * len(ptrs))(*[p.value for p in ptrs])
    if fn(argv, int(grid), int(block)):
        raise BuildError(f"emulate: could not start {block} host threads")


def emulate_stage(stage, dtype: str, target, inputs: dict, sch=None) -> "object":
    """Emulate ``stage``'s default CUDA schedule on ``inputs`` (``x`` and params, numpy); returns ``y``.

    The output buffer's name is the PrimFunc's last parameter.
    """
    import numpy as np
    import tvm

    from .lowering import lower_stage
    from .targets import get_target

    target = get_target(target)
    if sch is None:
        _, sch = schedule_default(stage, dtype, target)
    lowered = lower_stage(stage, dtype, target.family)
    func = sch.mod["main"]
    grid, block = launch_dims(func)
    ex = tvm.compile(sch.mod, target=target.to_tvm())
    src = "\n".join(module_cuda_sources(ex.mod))
    npd = np.float16 if dtype == "float16" else np.float32
    names = [str(p.name) for p in func.params]
    arrays = {}
    for name, shape in zip(names[:-1], lowered.arg_shapes[:-1]):
        key = "x" if name == names[0] else name
        arrays[name] = np.ascontiguousarray(np.asarray(inputs[key]).astype(npd)).reshape(shape)
    y = np.zeros(lowered.arg_shapes[-1], dtype=npd)
    arrays[names[-1]] = y
    emulate(src, arrays, grid, block)
    return y
