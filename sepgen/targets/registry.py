"""Named target presets.  A target is a preset object, not a string parsed in five places."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..errors import TargetError

Family = Literal["cpu", "cuda"]


@dataclass(frozen=True)
class TargetPreset:
    """A compilation target: what TVM needs, plus what schedule templates need."""

    name: str
    family: Family
    arch: str                         # "x86_64", "aarch64", "cuda"
    mcpu: str = ""
    mtriple: str = ""
    mattr: tuple[str, ...] = ()
    num_cores: int = 1
    vector_bits: int = 128            # SIMD width the templates tile for
    tag: str = ""                     # TVM target tag (CUDA)
    description: str = ""

    @property
    def vector_lanes_f32(self) -> int:
        return max(1, self.vector_bits // 32)

    @property
    def masked_vector_loads(self) -> bool:
        """Whether masked vector loads are instructions here (x86 AVX/AVX-512, Arm SVE), not lane-by-lane
        branches (LLVM's lowering for NEON: 272 bit-test branches in a 16x32x32 depthwise kernel)."""
        if self.family != "cpu":
            return False
        if self.arch == "x86_64":
            return True
        return self.arch == "aarch64" and ("+sve" in self.mattr or "+sve2" in self.mattr
                                           or self.mcpu in _SVE_CPUS)

    def to_tvm(self):
        import tvm

        if self.tag:
            return tvm.target.Target(self.tag)
        # a CUDA preset without a tag (a GPU TVM has no tag for)
        factory = TVM_TARGET_FACTORIES.get(self.family)
        if factory is not None:
            return factory(self)
        cfg: dict = {"kind": "llvm", "num-cores": int(self.num_cores)}
        if self.mcpu:
            cfg["mcpu"] = self.mcpu
        if self.mtriple:
            cfg["mtriple"] = self.mtriple
        if self.mattr:
            cfg["mattr"] = list(self.mattr)
        return tvm.target.Target(cfg)

    def key(self) -> str:
        """Directory name under tuning_logs/: everything about the target that invalidates a schedule."""
        # GPU schedules depend on the compute capability only (cuda-sm_80, cuda-sm_90)
        if self.family == "cuda":
            return f"cuda-{self.mcpu or 'generic'}"
        parts = [self.arch, self.mcpu or "generic", f"{self.num_cores}c"]
        if self.mattr:
            parts.append("".join(a.strip("+") for a in self.mattr))
        return "-".join(parts)

    @property
    def is_native(self) -> bool:
        """True when code for this target runs on this machine."""
        return self.family == "cpu" and self.arch == _host_arch() and (
            not self.mcpu or self.mcpu == host_cpu())

    def to_dict(self) -> dict:
        return {"name": self.name, "family": self.family, "arch": self.arch, "mcpu": self.mcpu,
                "mtriple": self.mtriple, "mattr": list(self.mattr), "num_cores": self.num_cores,
                "vector_bits": self.vector_bits, "tag": self.tag}


#: aarch64 cores with SVE (their presets name the core, not ``+sve``)
_SVE_CPUS = ("neoverse-v1", "neoverse-v2", "neoverse-n2", "neoverse-512tvb", "a64fx")


def _host_arch() -> str:
    import platform

    m = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(m, m)


@lru_cache(maxsize=None)
def host_cpu() -> str:
    import tvm

    return str(tvm.target.codegen.llvm_get_system_cpu())


def host_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS
        return max(1, os.cpu_count() or 1)


def _host_vector_bits(cpu: str) -> int:
    """The SIMD width of this machine's CPU: 512 where LLVM's model of it has AVX-512F (:func:`isa_features`;
    a name list would miss models such as ``rocketlake``, which this AMX-capable Xeon host reports under
    its hypervisor)."""
    arch = _host_arch()
    if arch != "x86_64":
        return 128
    try:
        feats = isa_features(TargetPreset("host", "cpu", arch, mcpu=cpu))
    except Exception:  # noqa: BLE001 - an mcpu LLVM does not know: the baseline x86-64 width
        feats = frozenset()
    return 512 if "avx512f" in feats else 256


@lru_cache(maxsize=None)
def host_preset() -> TargetPreset:
    cpu = host_cpu()
    return TargetPreset("host", "cpu", _host_arch(), mcpu=cpu, num_cores=host_cores(),
                        vector_bits=_host_vector_bits(cpu), description=f"this machine ({cpu})")


#: the CPU features that decide where compiled kernels can run: vector and floating-point ISA extensions.
#: LLVM's other features (tuning flags such as fast-*/slow-*, system instructions) do not.
_ISA_PREFIXES = {"x86_64": ("avx", "sse", "fma", "f16c", "amx"),
                 "aarch64": ("neon", "sve", "sme", "fullfp16", "fp16fml", "dotprod", "i8mm", "bf16")}


def isa_features(target: TargetPreset) -> frozenset:
    """The vector/floating-point extensions code built for ``target`` may use: LLVM's features of its
    mcpu, mtriple and mattr, kept to :data:`_ISA_PREFIXES` (empty for GPU targets)."""
    prefixes = _ISA_PREFIXES.get(target.arch, ())
    if target.family != "cpu" or not prefixes:
        return frozenset()
    from tvm.target import codegen

    return frozenset(f for f in codegen.llvm_get_cpu_features(target.to_tvm()) if f.startswith(prefixes))


@lru_cache(maxsize=None)
def host_isa_features() -> frozenset:
    """:func:`isa_features` of this machine's CPU, as LLVM detects it from CPUID (a hypervisor that hides
    AVX-512 makes a znver4 host detect as znver3)."""
    return isa_features(host_preset())


def _static_presets() -> dict[str, TargetPreset]:
    n = host_cores()
    return {
        "x86-avx2": TargetPreset("x86-avx2", "cpu", "x86_64", mcpu="haswell", num_cores=n, vector_bits=256,
                                 description="x86-64 with AVX2/FMA (Haswell and later)"),
        "x86-avx512": TargetPreset("x86-avx512", "cpu", "x86_64", mcpu="skylake-avx512", num_cores=n,
                                   vector_bits=512, description="x86-64 with AVX-512 (Skylake-SP and later)"),
    }


# PRESETS_EXTRA values may be resolved lazily (_extra, preset_names, get_target)
# Other target families register here: a preset, or a function returning one that raises
# TargetError where the target cannot be used (e.g. "cuda", the local GPU, on a machine without).
#: family -> function(preset) -> tvm.target.Target, for families whose presets have no LLVM
#: configuration (target family modules register theirs: see sepgen.targets.cuda.presets)
TVM_TARGET_FACTORIES: dict = {}

PRESETS_EXTRA: dict = {}


def _extra(name: str) -> TargetPreset:
    p = PRESETS_EXTRA[name]
    return p if isinstance(p, TargetPreset) else p()


def preset_names() -> list[str]:
    """Presets usable here (a lazily resolved preset is listed only where it resolves)."""
    names = ["host", *_static_presets()]
    for name, p in PRESETS_EXTRA.items():
        if isinstance(p, TargetPreset):
            names.append(name)
        else:
            try:
                p()
                names.append(name)
            except TargetError:
                pass
    return names


def get_target(target) -> TargetPreset:
    """Resolve a preset name (or pass a preset through)."""
    if isinstance(target, TargetPreset):
        return target
    if not isinstance(target, str):
        raise TargetError(f"target must be a preset name, got {target!r}")
    if target == "host":
        return host_preset()
    static = _static_presets()
    if target in static:
        return static[target]
    if target in PRESETS_EXTRA:
        return _extra(target)
    raise TargetError(f"unknown target {target!r}; known presets: {', '.join(preset_names())}")


# sepgen.targets.cuda.library registers the CUDA presets (cuda-sm80, cuda-sm90, cuda) when imported

# sepgen.runtime.qemu registers the aarch64 presets (aarch64, cortex-a53/a72/a76, neoverse-n1/v1, apple-m1)
