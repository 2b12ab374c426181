"""Cross compilation: building on this machine for a CPU that is not this machine's.

A *foreign* target is a CPU target whose code cannot run here: another
architecture (``cortex-a72`` on an x86 workstation) or another operating system
(``apple-m1``, a Mach-O target, on Linux).  sepgen compiles for it as for any
other target; only three things differ:

* calling the compiled op here is refused (:func:`foreign_call_error`): run it
  on the device, or under QEMU with :func:`sepgen.runtime.qemu.run_under_qemu`;
* exporting the module links it with the target's cross toolchain
  (:func:`export_options`: ``aarch64-linux-gnu-g++`` for ``*-linux-gnu``
  triples); a Darwin dylib cannot be linked here and the error says how to get
  one (build natively on the Mac) and how to get the object file;
* tuning measures candidates on the device through TVM's RPC runner
  (:mod:`sepgen.tuning.tuner`, ``--rpc-tracker``/``--rpc-key``).

Debian packages of the toolchain: ``gcc-aarch64-linux-gnu g++-aarch64-linux-gnu``
(``make system-deps`` installs them with ``qemu-user-static``).
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Optional

from ..errors import TargetError

APT_PACKAGES = ("gcc-aarch64-linux-gnu", "g++-aarch64-linux-gnu", "qemu-user-static")
APT_HINT = ("install them with `make system-deps` (Debian/Ubuntu: apt-get install gcc-aarch64-linux-gnu "
            "g++-aarch64-linux-gnu qemu-user-static)")


def host_os() -> str:
    """``linux``, ``darwin``, ``windows`` ..."""
    p = sys.platform
    return "linux" if p.startswith("linux") else ("windows" if p.startswith("win") else p)


def target_os(target) -> str:
    """The operating system a CPU target's code is for (from its triple; the host's when it has none)."""
    triple = getattr(target, "mtriple", "") or ""
    if not triple:
        return host_os()
    t = triple.lower()
    if "darwin" in t or "apple-macos" in t or "-ios" in t:
        return "darwin"
    if "linux" in t:
        return "linux"
    if "windows" in t or "mingw" in t or "msvc" in t:
        return "windows"
    return t.split("-")[-1]


def is_foreign(target) -> bool:
    """True for a CPU target whose code cannot run on this machine (other architecture or OS)."""
    from .registry import _host_arch

    if getattr(target, "family", "cpu") != "cpu":
        return False
    return target.arch != _host_arch() or target_os(target) != host_os()


def cross_compiler_name(target) -> Optional[str]:
    """The C++ driver that links a shared library for ``target`` (None: the host's default compiler)."""
    if not is_foreign(target):
        return None
    os_ = target_os(target)
    if os_ == "linux":
        triple = target.mtriple or f"{target.arch}-linux-gnu"
        parts = triple.split("-")
        # aarch64-linux-gnu / aarch64-unknown-linux-gnu -> aarch64-linux-gnu-g++ (Debian's name)
        if len(parts) == 4:
            parts = [parts[0], *parts[2:]]
        return "-".join(parts) + "-g++"
    if os_ == "darwin":
        raise TargetError(darwin_message(target))
    raise TargetError(f"target {target.name} is for {os_}; sepgen cannot link libraries for it on {host_os()}")


def darwin_message(target) -> str:
    return (f"cannot link a macOS dylib for {target.name} ({target.mtriple}) on this {host_os()} machine: "
            f"linking Mach-O needs Apple's linker (Xcode command line tools). Build the artifact natively on "
            f"the Mac (`pip install sepgen` there; apache-tvm ships macOS arm64 wheels, then `sepgen compile ... "
            f"--target {target.name}`), or take the Mach-O object with sepgen.targets.cross.write_object(op, 'kernels.o') "
            f"and link it on the Mac with `clang++ -shared -undefined dynamic_lookup -o kernels.so kernels.o`")


def require_tool(name: str, what: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise TargetError(f"{what} needs `{name}`, which is not installed; {APT_HINT}")
    return path


def export_options(target) -> dict:
    """Keyword arguments for ``Module.export_library`` for ``target``: a cross linker for foreign targets."""
    name = cross_compiler_name(target)
    if name is None:
        return {}
    require_tool(name, f"linking kernels for {target.name} ({target.arch})")
    from tvm.support import cc

    return {"fcompile": cc.cross_compiler(name)}


def foreign_call_error(target) -> str:
    """The message of calling an op compiled for a foreign target."""
    if target_os(target) == "darwin" and host_os() != "darwin":
        return (f"compiled for {target.name} ({target.arch}, macOS); this machine is {host_os()}: save it "
                f"(sepgen.targets.cross.write_object) and build natively on the Mac")
    return (f"compiled for {target.name} ({target.arch}); run it there or under QEMU via "
            f"sepgen.runtime.qemu.run_under_qemu")


def write_object(op_or_module, path) -> Path:
    """Write the compiled kernels of an op (or a TVM module) as one object file for the target's linker."""
    module = getattr(op_or_module, "module", op_or_module)
    if module is None:
        raise TargetError("this op has no TVM stage (an FFT-only plan): there is no object file to write")
    if getattr(op_or_module, "_module_bytes", None) is not None:
        raise TargetError("a loaded artifact holds a linked library, not an object file; compile the op again")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    module.write_to_file(str(path))
    return path


def elf_machine(path) -> Optional[str]:
    """``x86_64``, ``aarch64``, ... of an ELF file, ``macho-arm64`` for a Mach-O arm64 file, None otherwise."""
    head = Path(path).read_bytes()[:20]
    if head[:4] == b"\x7fELF" and len(head) >= 20:
        little = head[5] == 1
        machine = int.from_bytes(head[18:20], "little" if little else "big")
        return {62: "x86_64", 183: "aarch64", 40: "arm", 3: "x86", 243: "riscv"}.get(machine, f"elf-{machine}")
    if head[:4] == b"\xcf\xfa\xed\xfe":
        cputype = int.from_bytes(head[4:8], "little")
        return {0x0100000C: "macho-arm64", 0x01000007: "macho-x86_64"}.get(cputype, f"macho-{cputype:#x}")
    return None
