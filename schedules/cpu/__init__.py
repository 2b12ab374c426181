"""CPU schedule templates, one per stage kind (x86 and ARM share them; defaults follow the
target's vector width and core count)."""
from . import axis_pass, depthwise, direct, fused_dwpw, pointwise, separable, spatial_spectral  # noqa: F401
