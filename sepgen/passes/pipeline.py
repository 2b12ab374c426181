"""Rewrite passes over plans, candidate generation and plan selection.

A pass is a frozen dataclass whose fields are its options; calling it on a
:class:`~sepgen.ir.stages.Plan` returns a :class:`PassResult` with a *new* plan
(inputs are never mutated), whether anything changed, and a one-line note.  A
pass that changes a plan appends its note to ``plan.log`` and records the
plan's approximation error: the relative Frobenius norm ``||W_hat - W|| / ||W||``
of the weight the rewritten plan computes (reconstructed from its stages and
params by :func:`sepgen.analysis.plan_error.effective_weight`).

Exactness: with ``tolerance=0`` a pass only accepts a rewrite whose error is
within float rounding (:data:`sepgen.analysis.weights.EXACT_RTOL` for float32); a
positive tolerance allows the lowest rank whose error is <= tolerance.  When a
pass rewrites a plan that already carries an error ``e``, it bounds the new
error by ``e + (1 + e) * local`` (triangle inequality) and keeps that bound
within the tolerance; :func:`candidate_plans` then measures every plan's error
exactly against the original weight.

Passes: ``separable`` (2-D Jaderberg / 3-D CP into 1-D axis passes),
``depthwise_pointwise``, ``spatial_spectral`` and ``fft``; see :data:`PASSES`.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..analysis.cost import DEFAULT_COST_MODEL, Candidate, CostModel, plan_key
from ..analysis.plan_error import weight_error
from ..analysis.weights import as_bias, as_weight, check_tolerance, error_budget, exact_rtol
from ..errors import PlanError, WeightError
from ..ir.spec import ConvSpec
from ..ir.stages import Plan, direct_plan
from .base import PassResult
from .depthwise_pointwise import DepthwisePointwisePass
from .fft import FFTPass
from .fuse import FuseDwPwPass
from .separable import SeparablePass
from .spatial_spectral import SpatialSpectralPass

PASSES: dict[str, type] = {
    "separable": SeparablePass,
    "depthwise_pointwise": DepthwisePointwisePass,
    "spatial_spectral": SpatialSpectralPass,
    "fft": FFTPass,
    "fuse_dwpw": FuseDwPwPass,
}


def run_passes(plan: Plan, passes: Sequence) -> PassResult:
    """Apply passes in order (instances, or names of :data:`PASSES` with default options)."""
    notes = []
    changed = False
    for p in passes:
        if isinstance(p, str):
            try:
                p = PASSES[p]()
            except KeyError:
                raise PlanError(f"unknown pass {p!r}; known: {', '.join(PASSES)}") from None
        res = p(plan)
        notes.append(res.note)
        changed |= res.changed
        plan = res.plan
    return PassResult(plan, changed, "; ".join(notes))


# ---------------------------------------------------------------------------
# candidates and selection
# ---------------------------------------------------------------------------

def _prepare(spec: ConvSpec, weight, bias):
    if not isinstance(spec, ConvSpec):
        raise PlanError(f"spec must be a ConvSpec, got {type(spec).__name__}")
    w = as_weight(weight)
    if tuple(w.shape) != tuple(spec.weight_shape):
        raise WeightError(f"weight has shape {tuple(w.shape)}, the spec expects {spec.weight_shape}")
    b = as_bias(bias, spec.out_channels)
    if spec.bias and b is None:
        raise WeightError("the spec has a bias but no bias array was given")
    if b is not None and not spec.bias:
        raise WeightError("a bias array was given but the spec has bias=False")
    return w, b


def candidate_plans(spec: ConvSpec, weight, bias=None, tolerance: float = 0.0) -> list[Plan]:
    """The direct plan and every distinct plan the rewrite passes make from it.

    Compositions tried: separable; depthwise+pointwise, then separable or
    spatial-spectral on its depthwise stage; spatial-spectral; FFT.  Each
    plan's ``error`` is measured against ``weight`` by reconstruction.
    """
    tol = check_tolerance(tolerance)
    w, b = _prepare(spec, weight, bias)
    direct = direct_plan(spec, w, b)
    results = [direct]
    sep = SeparablePass(tolerance=tol)(direct)
    dwpw = DepthwisePointwisePass(tolerance=tol)(direct)
    ss = SpatialSpectralPass(tolerance=tol)(direct)
    fft = FFTPass()(direct)
    for r in (sep, dwpw, ss, fft):
        if r.changed:
            results.append(r.plan)
    if dwpw.changed:
        for p in (SeparablePass(tolerance=tol), SpatialSpectralPass(tolerance=tol)):
            r = p(dwpw.plan)
            if r.changed:
                results.append(r.plan)
        fused = FuseDwPwPass()(dwpw.plan)
        if fused.changed:
            results.append(fused.plan)
    out: list[Plan] = []
    seen = set()
    for p in results:
        key = plan_key(p)
        if key in seen:
            continue
        seen.add(key)
        if p is not direct:
            p = p.with_(error=weight_error(p, w))
        out.append(p)
    return out


#: a lossy plan is chosen only when predicted this much faster than the best exact plan (the cost model is
#: 0.7-1.7x off on tuned kernels and further on untuned ones: a lossy plan predicted 1.1x faster ran 1.6x
#: slower than direct in `sepgen tradeoff`, losing accuracy for nothing)
LOSSY_MIN_SPEEDUP = 1.5


def choose_plan(spec: ConvSpec, weight, bias=None, tolerance: float = 0.0,
                cost_model: Optional[CostModel] = None) -> tuple[Plan, list[Candidate]]:
    """The cheapest plan (by ``cost_model``) among candidates within the error budget.

    A candidate is accepted when its measured weight error is <=
    ``max(tolerance, exact threshold for spec.dtype)`` and its FLOPs do not
    exceed the direct convolution's; the direct plan is always accepted.  A lossy
    candidate must also be predicted :data:`LOSSY_MIN_SPEEDUP` times faster than
    the best exact one (or measured faster).
    Returns the chosen plan (with a ``select`` note in its log) and every candidate.
    """
    tol = check_tolerance(tolerance)
    model = cost_model if cost_model is not None else DEFAULT_COST_MODEL
    plans = candidate_plans(spec, weight, bias, tol)
    budget = error_budget(tol, spec.dtype)
    direct = plans[0]
    direct_flops = direct.flops()
    cands: list[Candidate] = []
    for p in plans:
        flops = p.flops()
        us = model.plan_us(p)
        if p is direct:
            ok, reason = True, "the convolution as written"
        elif p.error > budget:
            ok, reason = False, f"error {p.error:.3g} exceeds the budget {budget:.3g}"
        elif flops > direct_flops:
            ok, reason = False, f"more FLOPs than direct ({flops:,} > {direct_flops:,})"
        else:
            kind = "exact" if p.error <= exact_rtol(spec.dtype) else f"within tolerance {tol:g}"
            ok, reason = True, f"{kind}, {direct_flops / max(flops, 1):.2f}x fewer FLOPs than direct"
        cands.append(Candidate(p, flops, us, float(p.error), ok, reason))
    # a lossy plan trades accuracy for speed: it must be clearly faster than the best exact plan (by
    # LOSSY_MIN_SPEEDUP when predicted; measured times are trusted as they are)
    exact = exact_rtol(spec.dtype)
    best_exact = min(c.predicted_us for c in cands if c.accepted and c.error <= exact)
    for c in cands:
        if c.accepted and c.error > exact:
            need = 1.0 if model.measured_us(c.plan) is not None else LOSSY_MIN_SPEEDUP
            if not c.predicted_us * need < best_exact:
                c.accepted = False
                c.reason = (f"error {c.error:.3g} for {best_exact / max(c.predicted_us, 1e-9):.2f}x the speed of the "
                            f"best exact plan (a lossy plan must be {need:g}x faster)")
    accepted = [(c.predicted_us, c.flops, i) for i, c in enumerate(cands) if c.accepted]
    _, _, best = min(accepted)
    chosen = cands[best]
    n_ok = len(accepted)
    measured = model.measured_us(chosen.plan) is not None
    why = (f"{'measured' if measured else 'predicted'} {chosen.predicted_us:.1f} us, the cheapest of "
           f"{n_ok} accepted plan{'s' if n_ok != 1 else ''}")
    if chosen.plan is not direct:
        why += f" (direct: {cands[0].predicted_us:.1f} us)"
    chosen.reason = f"chosen: {why}; {chosen.reason}"
    plan = chosen.plan.with_(log=tuple(chosen.plan.log) + (f"select: {why}",))
    chosen.plan = plan
    return plan, cands
