"""Targets: presets and their registry, the host, one module per family (ARM, CUDA), cross-compilation, QEMU.

Family modules register their presets into :mod:`.registry` when imported here; the registry imports none of them.
"""
from . import arm as _arm  # noqa: E402,F401  (registers the aarch64 presets)
from .cuda import presets as _cuda  # noqa: E402,F401  (registers the CUDA presets)
from .registry import (PRESETS_EXTRA, TargetPreset, get_target, host_cores, host_cpu, host_isa_features, host_preset,
                       isa_features, preset_names)

__all__ = ['TargetPreset', 'PRESETS_EXTRA', 'get_target', 'preset_names', 'host_preset', 'host_cpu', 'host_cores', 'host_isa_features', 'isa_features']
