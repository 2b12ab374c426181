"""Spatial-spectral pass: a 3-D conv as a 2-D spatial filter per band, then a 1-D spectral filter.

Axis 0 of a 3-D convolution is the spectral (band / depth) axis.  For every
output channel ``o`` (one input channel per group, ``Cin_g == 1``) the
``kd x (kh*kw)`` matrix ``W[o, 0].reshape(kd, kh*kw) = U S V^T`` is truncated to
rank ``r`` and the stage becomes one :class:`SpatialSpectral` chain:

* a spatial conv with kernel ``(1, kh, kw)``: ``C_in -> C_out*r`` (groups ``C_in``;
  :class:`DepthwiseConv` when the stage is grouped, else :class:`DirectConv`),
  weight ``sqrt(S) V^T``, with the spec's stride / padding / dilation on axes 1, 2;
* an :class:`AxisPass` along axis 0: ``C_out*r -> C_out`` (groups ``C_out``),
  weight ``U sqrt(S)``, with axis 0's geometry and the bias.

Output channel ``o``'s terms are the expanded channels ``o*r .. o*r+r-1``.  A
hyperspectral kernel built as spectral(kd) x spatial(kh x kw) has rank 1.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Optional

import numpy as np

from ..analysis.rank import spatial_spectral_matrices
from ..analysis.weights import check_tolerance, error_budget
from ..errors import SpecError
from ..ir.stages import AxisPass, DepthwiseConv, DirectConv, Plan, SpatialSpectral, Stage
from .base import (PassResult, apply_to_stages, factor_dtype, fresh_prefix, lazy, search_rank, sub_geometry,
                   svd_prediction)


@dataclass(frozen=True)
class SpatialSpectralPass:
    """Split 3-D conv stages with one input channel per group into spatial then spectral parts.

    ``tolerance``: allowed relative weight error of the whole plan (0: exact
    only).  ``rank``: force this rank.  ``require_fewer_flops``: only rewrite
    when FLOPs drop.
    """

    tolerance: float = 0.0
    rank: Optional[int] = None
    require_fewer_flops: bool = True

    name: ClassVar[str] = "spatial_spectral"

    def __post_init__(self):
        check_tolerance(self.tolerance)
        if self.rank is not None and (isinstance(self.rank, bool) or not isinstance(self.rank, int) or self.rank < 1):
            raise SpecError(f"spatial_spectral rank must be a positive int or None, got {self.rank!r}")

    def __call__(self, plan: Plan) -> PassResult:
        budget = error_budget(self.tolerance, plan.spec.dtype)
        return apply_to_stages(self.name, plan, self.applicable, lambda p, i: self._rewrite(p, i, budget))

    @staticmethod
    def applicable(st: Stage) -> Optional[str]:
        if type(st) not in (DirectConv, DepthwiseConv):
            return f"{st.kind} stage"
        g = st.geom
        if g.ndim != 3:
            return "needs a 3-D convolution"
        if g.in_channels // g.groups != 1:
            return "needs one input channel per group"
        if g.kernel[0] < 2 or g.kernel[1] * g.kernel[2] < 2:
            return "needs a spectral extent > 1 and a spatial extent > 1"
        return None

    def _rewrite(self, plan: Plan, index: int, budget: float) -> PassResult:
        st = plan.stages[index]
        g = st.geom
        src = plan.params[st.weight]
        dt = factor_dtype(src)
        w = np.asarray(src, dtype=np.float64)
        cout, cin = g.out_channels, g.in_channels
        kd, kh, kw = g.kernel
        max_rank = min(kd, kh * kw)
        # u (C_out, kd, n), s (C_out, n), vt (C_out, n, kh*kw)
        svd = lazy(lambda: np.linalg.svd(spatial_spectral_matrices(w), full_matrices=False))
        prefix = fresh_prefix(plan, "ss")
        spatial_cls = DepthwiseConv if g.groups > 1 else DirectConv

        def stages_for(r):
            sp = spatial_cls(name=f"{prefix}_spatial", geom=sub_geometry(g, g.in_shape, cout * r, (1, 2), cin),
                             weight=f"{prefix}_ws", bias=None)
            sc = AxisPass(name=f"{prefix}_spectral", geom=sub_geometry(g, sp.out_shape, cout, (0,), cout),
                          weight=f"{prefix}_wd", bias=st.bias, axis=0)
            return SpatialSpectral(name=prefix, parts=(sp, sc))

        def make_params(r):
            u, s, vt = svd()
            sq = np.sqrt(s[:, :r])
            spatial = (vt[:, :r, :] * sq[:, :, None]).reshape(cout * r, 1, 1, kh, kw)
            spectral = (u[:, :, :r] * sq[:, None, :]).transpose(0, 2, 1).reshape(cout, r, kd, 1, 1)
            return {f"{prefix}_ws": np.ascontiguousarray(spatial, dtype=dt),
                    f"{prefix}_wd": np.ascontiguousarray(spectral, dtype=dt)}

        def build(r):
            return (stages_for(r),), f"spatial k1x{kh}x{kw} -> spectral k{kd}", lambda: make_params(r)

        if self.rank is not None and self.rank > max_rank:
            return PassResult(plan, False, f"{self.name}: {st.name} left as is (rank {self.rank} > the maximum "
                                           f"{max_rank})")
        return search_rank(self.name, plan, index, build, range(1, max_rank + 1), budget,
                           self.require_fewer_flops, forced=self.rank,
                           predicted=svd_prediction(plan, lambda: svd()[1], w))
