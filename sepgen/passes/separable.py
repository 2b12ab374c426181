"""Separable pass: a 2-D or 3-D convolution as a chain of 1-D axis passes.

**2-D (any groups, any channels; Jaderberg et al. 2014).**  Per group the matrix
``M[(i, h), (o, w)] = W[o, i, h, w]`` (``Cin_g*kh x Cout_g*kw``) is factored by
SVD, ``M = U S V^T`` truncated to rank ``R``:

* pass A along the first axis: ``C_in -> g*R`` channels, groups ``g``, weight
  ``(g*R, Cin_g, kh, 1)`` = ``U sqrt(S)``, with the spec's stride / padding /
  dilation on that axis;
* pass B along the other axis: ``g*R -> C_out``, groups ``g``, weight
  ``(C_out, R, 1, kw)`` = ``V sqrt(S)``, carrying the bias and that axis' geometry.

The axis order (height first or width first) is the one with fewer FLOPs
(height first on a tie).  For a depthwise conv with multiplier 1 this is the
per-channel SVD.

**3-D, one input channel per output (``Cin_g == 1``).**  Each output channel's
``kd x kh x kw`` kernel gets a CP decomposition of rank ``r`` (exact rank 1 via
the unfoldings, TensorLy ``parafac`` above): pass A along axis 0 ``C_in ->
C_out*r`` (groups ``C_in``), pass B along axis 1 depthwise on ``C_out*r``
channels, pass C along axis 2 ``C_out*r -> C_out`` (groups ``C_out``).  Output
channel ``o``'s terms are the expanded channels ``o*r .. o*r+r-1``.

1-D convolutions and 3-D ones with several input channels per group are left
alone (run depthwise+pointwise first).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Optional

import numpy as np

from ..analysis.rank import cp_decompose, jaderberg_matrices, unfoldings
from ..analysis.weights import check_tolerance, error_budget
from ..errors import SpecError
from ..ir.stages import AxisPass, DepthwiseConv, DirectConv, Plan, SeparableConv, Stage
from .base import (PassResult, apply_to_stages, factor_dtype, fresh_prefix, lazy, search_rank, sub_geometry,
                   svd_prediction)


@dataclass(frozen=True)
class SeparablePass:
    """Split 2-D / 3-D conv stages into fused 1-D axis passes (rank ``r`` by channel expansion).

    ``tolerance``: allowed relative weight error of the whole plan (0: exact only).
    ``rank``: force this rank instead of searching.  ``require_fewer_flops``: only
    rewrite a stage when the chain has fewer FLOPs.  ``max_cp_rank``: highest CP
    rank tried for 3-D kernels.
    """

    tolerance: float = 0.0
    rank: Optional[int] = None
    require_fewer_flops: bool = True
    max_cp_rank: int = 6

    name: ClassVar[str] = "separable"

    def __post_init__(self):
        check_tolerance(self.tolerance)
        if self.rank is not None and (isinstance(self.rank, bool) or not isinstance(self.rank, int) or self.rank < 1):
            raise SpecError(f"separable rank must be a positive int or None, got {self.rank!r}")
        if isinstance(self.max_cp_rank, bool) or not isinstance(self.max_cp_rank, int) or self.max_cp_rank < 1:
            raise SpecError(f"max_cp_rank must be a positive int, got {self.max_cp_rank!r}")

    def __call__(self, plan: Plan) -> PassResult:
        budget = error_budget(self.tolerance, plan.spec.dtype)
        return apply_to_stages(self.name, plan, self.applicable, lambda p, i: self._rewrite(p, i, budget))

    @staticmethod
    def applicable(st: Stage) -> Optional[str]:
        if type(st) not in (DirectConv, DepthwiseConv):
            return f"{st.kind} stage"
        g = st.geom
        if g.ndim == 2 and min(g.kernel) > 1:
            return None
        if g.ndim == 3 and min(g.kernel) > 1 and g.in_channels // g.groups == 1:
            return None
        return "needs a 2-D kernel, or a 3-D kernel with one input channel per group, at least 2 on every axis"

    def _rewrite(self, plan: Plan, index: int, budget: float) -> PassResult:
        st = plan.stages[index]
        if st.geom.ndim == 2:
            return self._rewrite_2d(plan, index, budget)
        return self._rewrite_3d(plan, index, budget)

    # ---- 2-D: Jaderberg -------------------------------------------------------
    def _rewrite_2d(self, plan: Plan, index: int, budget: float) -> PassResult:
        st = plan.stages[index]
        g = st.geom
        src = plan.params[st.weight]
        dt = factor_dtype(src)
        w = np.asarray(src, dtype=np.float64)
        groups = g.groups
        cin_g = g.in_channels // groups
        cout_g = g.out_channels // groups
        prefix = fresh_prefix(plan, "sep")

        def stages_for(order, r):
            a, b = order
            pa = AxisPass(name=f"{prefix}_ax{a}", geom=sub_geometry(g, g.in_shape, groups * r, (a,), groups),
                          weight=f"{prefix}_w{a}", bias=None, axis=a)
            pb = AxisPass(name=f"{prefix}_ax{b}", geom=sub_geometry(g, pa.out_shape, g.out_channels, (b,), groups),
                          weight=f"{prefix}_w{b}", bias=st.bias, axis=b)
            return SeparableConv(name=prefix, parts=(pa, pb), rank=r)

        orders = [(0, 1), (1, 0)]
        order = min(orders, key=lambda o: (stages_for(o, 1).flops(), orders.index(o)))
        a, b = order
        ka, kb = g.kernel[a], g.kernel[b]
        max_rank = min(cin_g * ka, cout_g * kb)
        svd = lazy(lambda: np.linalg.svd(jaderberg_matrices(w, groups, order), full_matrices=False))

        def make_params(r):
            u, s, vt = svd()                                   # (g, Cin_g*ka, n), (g, n), (g, n, Cout_g*kb)
            sq = np.sqrt(s[:, :r])                             # (g, r)
            fa = u[:, :, :r] * sq[:, None, :]                  # (g, Cin_g*ka, r)
            fa = fa.transpose(0, 2, 1).reshape(groups * r, cin_g, ka)
            fb = vt[:, :r, :] * sq[:, :, None]                 # (g, r, Cout_g*kb)
            fb = fb.reshape(groups, r, cout_g, kb).transpose(0, 2, 1, 3).reshape(g.out_channels, r, kb)
            wa = fa[:, :, :, None] if a == 0 else fa[:, :, None, :]
            wb = fb[:, :, :, None] if b == 0 else fb[:, :, None, :]
            return {f"{prefix}_w{a}": np.ascontiguousarray(wa, dtype=dt),
                    f"{prefix}_w{b}": np.ascontiguousarray(wb, dtype=dt)}

        def build(r):
            chain = stages_for(order, r)
            desc = f"separable axis{a}:k{ka} -> axis{b}:k{kb}"
            return (chain,), desc, lambda: make_params(r)

        if self.rank is not None and self.rank > max_rank:
            return PassResult(plan, False, f"{self.name}: {st.name} left as is (rank {self.rank} > the maximum "
                                           f"{max_rank})")
        return search_rank(self.name, plan, index, build, range(1, max_rank + 1), budget,
                           self.require_fewer_flops, forced=self.rank,
                           predicted=svd_prediction(plan, lambda: svd()[1], w))

    # ---- 3-D: CP per output channel -----------------------------------------
    def _rewrite_3d(self, plan: Plan, index: int, budget: float) -> PassResult:
        st = plan.stages[index]
        g = st.geom
        src = plan.params[st.weight]
        dt = factor_dtype(src)
        w = np.asarray(src, dtype=np.float64)
        cout = g.out_channels
        slices = w[:, 0]                                       # (C_out, kd, kh, kw)
        prefix = fresh_prefix(plan, "sep")
        kd, kh, kw = g.kernel
        nrm = float(np.linalg.norm(w))
        single = len(plan.stages) == 1 and plan.error == 0.0

        def stages_for(r):
            pa = AxisPass(name=f"{prefix}_ax0", geom=sub_geometry(g, g.in_shape, cout * r, (0,), g.in_channels),
                          weight=f"{prefix}_w0", bias=None, axis=0)
            pb = AxisPass(name=f"{prefix}_ax1", geom=sub_geometry(g, pa.out_shape, cout * r, (1,), cout * r),
                          weight=f"{prefix}_w1", bias=None, axis=1)
            pc = AxisPass(name=f"{prefix}_ax2", geom=sub_geometry(g, pb.out_shape, cout, (2,), cout),
                          weight=f"{prefix}_w2", bias=st.bias, axis=2)
            return SeparableConv(name=prefix, parts=(pa, pb, pc), rank=r)

        svals = None

        def lower_bound(r):
            """CP rank r implies every unfolding has rank <= r: their truncation errors bound the CP error."""
            nonlocal svals
            if nrm == 0.0:
                return 0.0
            if svals is None:
                svals = [[np.linalg.svd(m, compute_uv=False) for m in unfoldings(t)] for t in slices]
            tot = sum(max(float(np.sum(sv[r:] ** 2)) for sv in per) for per in svals)
            return float(np.sqrt(tot) / nrm)

        def make_params(r):
            wa = np.zeros((cout * r, 1, kd, 1, 1))
            wb = np.zeros((cout * r, 1, 1, kh, 1))
            wc = np.zeros((cout, r, 1, 1, kw))
            for o in range(cout):
                (fa, fb, fc), _ = cp_decompose(slices[o], r)
                for j in range(r):
                    va, vb, vc = fa[:, j], fb[:, j], fc[:, j]
                    na, nb, nc = (float(np.linalg.norm(v)) for v in (va, vb, vc))
                    if na * nb * nc > 0:                      # balance the three factors' norms
                        m = (na * nb * nc) ** (1.0 / 3.0)
                        va, vb, vc = va * (m / na), vb * (m / nb), vc * (m / nc)
                    wa[o * r + j, 0, :, 0, 0] = va
                    wb[o * r + j, 0, 0, :, 0] = vb
                    wc[o, j, 0, 0, :] = vc
            return {f"{prefix}_w0": wa.astype(dt), f"{prefix}_w1": wb.astype(dt), f"{prefix}_w2": wc.astype(dt)}

        def build(r):
            return (stages_for(r),), f"separable axis0:k{kd} -> axis1:k{kh} -> axis2:k{kw}", lambda: make_params(r)

        max_rank = self.max_cp_rank if self.rank is None else self.rank
        ranks = [r for r in range(1, max_rank + 1)
                 if not (self.rank is None and single and lower_bound(r) > budget)]
        if not ranks:
            return PassResult(plan, False, f"{self.name}: {st.name} left as is (CP rank <= {max_rank} cannot "
                                           f"reach the budget {budget:.3g})")
        return search_rank(self.name, plan, index, build, ranks, budget, self.require_fewer_flops,
                           forced=self.rank, linear=True)
