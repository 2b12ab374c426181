"""Fuse a depthwise stage and the pointwise stage that reads it into one kernel.

``DepthwiseConv -> PointwiseConv`` becomes one :class:`~sepgen.ir.stages.FusedDwPw`
chain: the schedule computes a depthwise tile and consumes it with the
pointwise GEMM while it is in cache, so the intermediate never goes to memory.
Exact: the parameters are unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ir.stages import DepthwiseConv, FusedDwPw, Plan, PointwiseConv
from .base import PassResult


@dataclass(frozen=True)
class FuseDwPwPass:
    """Merge every adjacent depthwise -> pointwise pair into a fused stage.

    ``tolerance`` is accepted for the passes' common interface; fusion is exact.
    """

    tolerance: float = 0.0
    name = "fuse_dwpw"

    def __call__(self, plan: Plan) -> PassResult:
        stages = list(plan.stages)
        out, i, n = [], 0, 0
        while i < len(stages):
            a = stages[i]
            b = stages[i + 1] if i + 1 < len(stages) else None
            if isinstance(a, DepthwiseConv) and isinstance(b, PointwiseConv) and not a.bias \
                    and all(s == 1 for s in b.geom.stride) and all(p == (0, 0) for p in b.geom.padding):
                out.append(FusedDwPw(f"fused{n}", (a, b)))
                n += 1
                i += 2
            else:
                out.append(a)
                i += 1
        if n == 0:
            return PassResult(plan, False, "fuse_dwpw: nothing to fuse")
        note = f"fuse_dwpw: fused {n} depthwise+pointwise pair{'s' if n > 1 else ''}"
        new = plan.with_(stages=tuple(out), log=(*plan.log, note))
        new.verify()
        return PassResult(new, True, note)
