"""CUDA template for spatial-spectral stages: a spatial conv per band, then a 1-D spectral conv.

Same structure as :mod:`schedules.cuda.separable`: the spatial part's output
tile (+ the spectral halo) is computed into shared memory per thread block and
consumed there by the spectral pass.
"""
from __future__ import annotations

from ..registry import register
from .common import schedule_chain

FAMILY = "cuda"


@register("spatial_spectral", FAMILY)
def schedule_spatial_spectral(sch, ctx) -> None:
    schedule_chain(sch, ctx)
