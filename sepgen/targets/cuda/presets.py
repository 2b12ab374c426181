"""CUDA target presets (registered into the target registry), the local GPU, and TVM's CUDA target for a compute capability."""
from __future__ import annotations

import functools
import re
from typing import Optional

from ...errors import BuildError, TargetError
from ..registry import PRESETS_EXTRA, TVM_TARGET_FACTORIES, TargetPreset

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
    """Add the CUDA presets to :data:`sepgen.targets.registry.PRESETS_EXTRA` (``cuda`` resolves lazily)."""
    PRESETS_EXTRA.update(CUDA_PRESETS)
    TVM_TARGET_FACTORIES["cuda"] = lambda preset: generic_tvm_target(preset.mcpu or "sm_80")
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
