"""The CPU templates, one per stage kind.

Chains (separable, spatial-spectral, depthwise+pointwise) schedule each part
with the part's own defaults.
"""
from __future__ import annotations

from .. import register
from ..knobs import Knobs
from .common import ConvDefaults, schedule_conv_part

FAMILY = "cpu"


def defaults_for(part, target) -> ConvDefaults:
    lanes = target.vector_lanes_f32
    kind = part.kind
    if kind == "pointwise":
        return ConvDefaults(oc_tile=8, row_tile=1, vec_lanes=lanes, flatten_spatial=True)
    if kind in ("depthwise", "axis_pass") and part.geom.in_channels // part.geom.groups == 1:
        return ConvDefaults(oc_tile=1, row_tile=4, vec_lanes=lanes)
    return ConvDefaults(oc_tile=4, row_tile=2, vec_lanes=lanes)


def _schedule_parts(sch, ctx) -> None:
    knobs = Knobs(sch, ctx.tune)
    parts = getattr(ctx.stage, "parts", (ctx.stage,))
    for part in parts:
        schedule_conv_part(sch, part, knobs, defaults_for(part, ctx.target))


for _kind in ("direct", "depthwise", "pointwise", "axis_pass", "separable", "spatial_spectral", "fused_dwpw"):
    register(_kind, FAMILY)(_schedule_parts)
