"""ARM (aarch64) CPU presets, registered into the target registry.

Presets (family ``cpu``, arch ``aarch64``, NEON, 128-bit vectors, so the CPU
templates tile for 4 float32 lanes):

================  ==========================  ==================================  =====
preset            LLVM triple / mcpu          typical machine                     cores
================  ==========================  ==================================  =====
``aarch64``       aarch64-linux-gnu, generic  any ARMv8-A Linux board             4
``cortex-a53``    aarch64-linux-gnu           Raspberry Pi 3, Zero 2 W            4
``cortex-a72``    aarch64-linux-gnu           Raspberry Pi 4 (BCM2711)            4
``cortex-a76``    aarch64-linux-gnu           Raspberry Pi 5 (BCM2712)            4
``neoverse-n1``   aarch64-linux-gnu           AWS Graviton2, Ampere Altra         4
``neoverse-v1``   aarch64-linux-gnu           AWS Graviton3                       4
``apple-m1``      arm64-apple-darwin          Apple M1 (and later) Macs           4
================  ==========================  ==================================  =====

``num_cores`` is the number of tasks a parallel loop is split into and part of
the tuning-log key (``aarch64-cortex-a72-4c-neon``).  4 matches every
Raspberry Pi and a 4-vCPU cloud instance (c6g.xlarge / c7g.xlarge); on a bigger
instance make your own preset, e.g. ``sepgen.targets.arm.preset("neoverse-n1",
num_cores=16)``, and pass it as ``target=``.  For Apple M1 it is the 4
performance cores (the efficiency cores would be the stragglers of an evenly
split loop).

Apple targets compile here (the kernels' Mach-O object, :func:`sepgen.targets.cross.write_object`),
but their dylib can only be linked on the Mac: build artifacts natively there.
"""
from __future__ import annotations

import dataclasses

from ..errors import TargetError
from .registry import PRESETS_EXTRA, TargetPreset

LINUX_TRIPLE = "aarch64-linux-gnu"
DEFAULT_CORES = 4


def _arm(name: str, mcpu: str, desc: str, cores: int = DEFAULT_CORES, triple: str = LINUX_TRIPLE) -> TargetPreset:
    return TargetPreset(name, "cpu", "aarch64", mcpu=mcpu, mtriple=triple, mattr=("+neon",), num_cores=cores,
                        vector_bits=128, description=desc)


ARM_PRESETS: dict[str, TargetPreset] = {
    "aarch64": _arm("aarch64", "", "generic ARMv8-A with NEON (any aarch64 Linux board), 4 cores"),
    "cortex-a53": _arm("cortex-a53", "cortex-a53", "Cortex-A53: Raspberry Pi 3 / Zero 2 W, 4 cores"),
    "cortex-a72": _arm("cortex-a72", "cortex-a72", "Cortex-A72: Raspberry Pi 4, 4 cores"),
    "cortex-a76": _arm("cortex-a76", "cortex-a76", "Cortex-A76: Raspberry Pi 5, 4 cores"),
    "neoverse-n1": _arm("neoverse-n1", "neoverse-n1", "Neoverse N1: AWS Graviton2 / Ampere Altra, 4 cores"),
    "neoverse-v1": _arm("neoverse-v1", "neoverse-v1", "Neoverse V1: AWS Graviton3, 4 cores"),
    "apple-m1": _arm("apple-m1", "apple-m1", "Apple M1 (macOS arm64), 4 performance cores; "
                     "the dylib is built natively on the Mac", triple="arm64-apple-darwin"),
}
PRESETS_EXTRA.update(ARM_PRESETS)


def preset(name: str, **changes) -> TargetPreset:
    """An ARM preset with some fields changed (``num_cores=16``); its tuning-log key changes with them."""
    try:
        base = ARM_PRESETS[name]
    except KeyError:
        raise TargetError(f"unknown ARM preset {name!r}; known: {', '.join(ARM_PRESETS)}") from None
    try:
        return dataclasses.replace(base, **changes)
    except TypeError as e:
        raise TargetError(f"cannot change {name}: {e}") from None


def is_arm_linux(target) -> bool:
    return (getattr(target, "family", "") == "cpu" and target.arch == "aarch64"
            and "linux" in (target.mtriple or LINUX_TRIPLE))


def qemu_unavailable_reason() -> str:
    """Why :func:`run_under_qemu` cannot run on this machine ("" when it can)."""
    from . import qemu as _qemu

    return _qemu.unavailable_reason()
