"""Depthwise + pointwise pass: a dense convolution as a per-channel filter then a 1x1 mix.

For each input channel ``i`` the matrix ``A_i = W[outs of i's group, i, :].reshape(Cout_g, K)``
is factored by SVD, ``A_i = U_i S_i V_i^T`` truncated to rank ``r`` (common to
all channels): ``W[o, i, k] = sum_j P[o, (i, j)] D[(i, j), k]``.  The plan becomes

* ``DepthwiseConv``: ``C_in -> C_in*r`` (groups ``C_in``), weight ``D = sqrt(S) V^T``,
  with all of the spec's stride, padding and dilation;
* ``PointwiseConv``: ``C_in*r -> C_out`` (groups as the original, kernel all 1),
  weight ``P = U sqrt(S)``, carrying the bias.

Rank 1 everywhere means ``W[o, i] = P[o, i] * D[i]`` exactly (MobileNet's form).
Input channel ``i``'s ``r`` copies are the expanded channels ``i*r .. i*r+r-1``.
Applies to direct conv stages with more than one input and output channel per
group and a kernel larger than 1.  The separable and spatial-spectral passes may
then split the depthwise stage further.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Optional

import numpy as np

from ..analysis.rank import dw_pw_matrices
from ..analysis.weights import check_tolerance, error_budget
from ..errors import SpecError
from ..ir.stages import DepthwiseConv, DirectConv, FusedDwPw, Geometry, Plan, PointwiseConv, Stage
from .base import PassResult, apply_to_stages, factor_dtype, fresh_prefix, lazy, search_rank, svd_prediction


@dataclass(frozen=True)
class DepthwisePointwisePass:
    """Factor dense conv stages into depthwise (channel multiplier ``r``) + pointwise.

    ``tolerance``: allowed relative weight error of the whole plan (0: exact
    only).  ``rank``: force this channel multiplier.  ``require_fewer_flops``:
    only rewrite when FLOPs drop.  ``fuse``: emit one :class:`FusedDwPw` chain
    stage instead of two stages.
    """

    tolerance: float = 0.0
    rank: Optional[int] = None
    require_fewer_flops: bool = True
    fuse: bool = False

    name: ClassVar[str] = "depthwise_pointwise"

    def __post_init__(self):
        check_tolerance(self.tolerance)
        if self.rank is not None and (isinstance(self.rank, bool) or not isinstance(self.rank, int) or self.rank < 1):
            raise SpecError(f"depthwise_pointwise rank must be a positive int or None, got {self.rank!r}")

    def __call__(self, plan: Plan) -> PassResult:
        budget = error_budget(self.tolerance, plan.spec.dtype)
        return apply_to_stages(self.name, plan, self.applicable, lambda p, i: self._rewrite(p, i, budget))

    @staticmethod
    def applicable(st: Stage) -> Optional[str]:
        if type(st) is not DirectConv:
            return f"{st.kind} stage"
        g = st.geom
        if g.in_channels // g.groups < 2 or g.out_channels // g.groups < 2:
            return "needs at least 2 input and 2 output channels per group"
        if all(k == 1 for k in g.kernel):
            return "already pointwise"
        return None

    def _rewrite(self, plan: Plan, index: int, budget: float) -> PassResult:
        st = plan.stages[index]
        g = st.geom
        src = plan.params[st.weight]
        dt = factor_dtype(src)
        w = np.asarray(src, dtype=np.float64)
        cin, cout, groups = g.in_channels, g.out_channels, g.groups
        cin_g, cout_g = cin // groups, cout // groups
        max_rank = min(cout_g, int(np.prod(g.kernel)))
        # u (C_in, Cout_g, n), s (C_in, n), vt (C_in, n, K)
        svd = lazy(lambda: np.linalg.svd(dw_pw_matrices(w, groups), full_matrices=False))
        dw_name = fresh_prefix(plan, "dw", numbered=False)
        pw_name = fresh_prefix(plan, "pw", numbered=False)
        nd = g.ndim

        def stages_for(r):
            dw = DepthwiseConv(name=dw_name, geom=Geometry(g.in_shape, cin * r, g.kernel, g.stride, g.padding,
                                                           g.dilation, cin),
                               weight=f"{dw_name}_w", bias=None)
            pw = PointwiseConv(name=pw_name, geom=Geometry(dw.out_shape, cout, (1,) * nd, (1,) * nd,
                                                           ((0, 0),) * nd, (1,) * nd, groups),
                               weight=f"{pw_name}_w", bias=st.bias)
            if self.fuse:
                return (FusedDwPw(name=f"{dw_name}{pw_name}", parts=(dw, pw)),)
            return (dw, pw)

        def make_params(r):
            u, s, vt = svd()
            sq = np.sqrt(s[:, :r])                             # (C_in, r)
            d = vt[:, :r, :] * sq[:, :, None]                  # (C_in, r, K)
            d = d.reshape(cin * r, 1, *g.kernel)
            p = u[:, :, :r] * sq[:, None, :]                   # (C_in, Cout_g, r) with C_in = (group, i)
            p = p.reshape(groups, cin_g, cout_g, r).transpose(0, 2, 1, 3).reshape(cout, cin_g * r, *(1,) * nd)
            return {f"{dw_name}_w": np.ascontiguousarray(d, dtype=dt),
                    f"{pw_name}_w": np.ascontiguousarray(p, dtype=dt)}

        def build(r):
            return stages_for(r), "depthwise + pointwise", lambda: make_params(r)

        if self.rank is not None and self.rank > max_rank:
            return PassResult(plan, False, f"{self.name}: {st.name} left as is (rank {self.rank} > the maximum "
                                           f"{max_rank})")
        return search_rank(self.name, plan, index, build, range(1, max_rank + 1), budget,
                           self.require_fewer_flops, forced=self.rank,
                           predicted=svd_prediction(plan, lambda: svd()[1], w))
