"""Per-architecture limits and the resources ptxas reports for a kernel (registers, shared memory, spills), checked before a launch."""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ...errors import BuildError
from .toolkit import NVCC_FLAGS, _run, tool

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
