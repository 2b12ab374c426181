"""Spatial-spectral chains on CPUs: the spatial conv of the bands a spectral tile needs is
computed at the spectral pass's parallel loop (the band tile stays in cache)."""
from ..registry import register
from .common import ConvDefaults
from .separable import schedule_chain


@register("spatial_spectral", "cpu")
def spatial_spectral_cpu(sch, ctx) -> None:
    schedule_chain(sch, ctx, ConvDefaults(oc_tile=1, row_tile=4, vec_lanes=ctx.target.vector_lanes_f32))
