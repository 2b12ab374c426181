"""CUDA schedule templates, one module per stage kind (registered for family ``"cuda"``).

The shared machinery (tiling, cooperative shared-memory copies, register
tiles, chains computed into shared memory, default knobs) is in
:mod:`schedules.cuda.common`.
"""
from . import axis_pass, depthwise, direct, fused_dwpw, pointwise, separable, spatial_spectral  # noqa: F401
