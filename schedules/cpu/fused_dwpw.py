"""Fused depthwise + pointwise on CPUs.

Parallel over row tiles; per tile, the depthwise output of *all* channels for
those rows is computed into a small buffer (it stays in L1/L2), then the
pointwise GEMM consumes it with a register tile of output channels x pixels.
"""
from ..registry import register
from .common import ConvDefaults
from .separable import schedule_chain


@register("fused_dwpw", "cpu")
def fused_dwpw_cpu(sch, ctx) -> None:
    pw = ctx.stage.parts[-1]
    rows = 2 if pw.geom.ndim >= 2 else 1
    schedule_chain(sch, ctx, ConvDefaults(oc_tile=8, row_tile=rows, vec_lanes=ctx.target.vector_lanes_f32,
                                          parallel_channels=False, flatten_rows=ctx.variant == 1))


# variant 0: the pointwise register tile vectorizes along W; variant 1: along the row tile's pixels
# (rows x W flattened), for widths that make short vectors
fused_dwpw_cpu.VARIANTS = 2
