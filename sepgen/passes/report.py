"""`sepgen.analyze`: the rank analysis of a weight with the plan the pipeline would choose for it."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from ..analysis.cost import Candidate
from ..analysis.rank import rank_findings
from ..analysis.weights import EXACT_RTOL, as_bias, as_weight, check_tolerance, error_budget, exact_rtol
from ..errors import SpecError
from ..ir.spec import ConvSpec
from ..ir.stages import Plan

# ---------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------

@dataclass
class AnalysisReport:
    """What :func:`analyze` found: the spec, the rank structure, every candidate plan and the choice."""

    spec: ConvSpec
    ranks: dict[str, Any]
    candidates: list[Candidate]
    chosen: Plan
    tolerance: float = 0.0
    threshold: float = EXACT_RTOL
    notes: list[str] = field(default_factory=list)

    @property
    def chosen_candidate(self) -> Optional[Candidate]:
        for c in self.candidates:
            if c.plan is self.chosen:
                return c
        return None

    def format(self) -> str:
        spec = self.spec
        out_elems = math.prod(spec.output_shape)
        lines = [f"sepgen analysis of {spec}",
                 f"  output {spec.output_shape}; direct: {spec.flops:,} FLOPs "
                 f"({spec.flops / out_elems:.1f} per output element)",
                 f"  tolerance {self.tolerance:g} (exact threshold {exact_rtol(spec.dtype):g}; "
                 f"rewrites may err up to {self.threshold:g})",
                 "rank structure:"]
        lines.extend("  " + ln for ln in _format_ranks(self.ranks))
        lines.append("candidate plans ([*] chosen, [ ] accepted, [x] rejected):")
        for c in self.candidates:
            mark = "*" if c.plan is self.chosen else (" " if c.accepted else "x")
            desc = " -> ".join(s.describe() for s in c.plan.stages)
            lines.append(f"  [{mark}] {desc}")
            lines.append(f"        FLOPs/output {c.flops / out_elems:.2f}  total {c.flops:,}  "
                         f"error {c.error:.3g}  predicted {c.predicted_us:.1f} us  -- {c.reason}")
        ch = self.chosen_candidate
        why = ch.reason if ch is not None else "the only plan"
        if why.startswith("chosen: "):
            why = why[len("chosen: "):]
        lines.append(f"chosen: {' -> '.join(s.describe() for s in self.chosen.stages)}")
        lines.append(f"  because: {why}")
        for n in self.notes:
            lines.append(f"  note: {n}")
        return "\n".join(lines)

    __str__ = format


def _curve(errs, n: int = 6) -> str:
    errs = list(errs)
    shown = ", ".join(f"r{r}:{e:.2g}" for r, e in enumerate(errs[1:n + 1], start=1))
    return shown + (", ..." if len(errs) > n + 1 else "")


def _format_ranks(r: dict) -> list[str]:
    lines = []
    if "spatial_2d" in r:
        s = r["spatial_2d"]
        lines.append(f"per-slice 2-D rank: max {s['max_rank']} (slices by rank {s['rank_counts']}); "
                     f"common-rank error {_curve(s['errors'])}")
    if "jaderberg" in r:
        j = r["jaderberg"]
        lines.append(f"Jaderberg matrix {j['matrix_shape'][0]}x{j['matrix_shape'][1]} per group: rank {j['rank']} "
                     f"of {j['max_rank']}; error {_curve(j['errors'])}")
    if "depthwise_pointwise" in r:
        d = r["depthwise_pointwise"]
        lines.append(f"depthwise+pointwise: rank per input channel {d['rank']} "
                     f"(channels by rank {d['channel_rank_counts']}); error {_curve(d['errors'])}")
    if "cp_3d" in r:
        c = r["cp_3d"]
        txt = (f"3-D CP: rank 1 in {c['rank1_slices']} of {c['slices']} slices "
               f"(unfolding ranks up to {c['unfolding_ranks_max']})")
        if not c["rank1"]:
            cr = c.get("cp_rank")
            tried = max(c.get("cp_errors") or {0: 0})
            txt += (f"; CP rank {cr if cr is not None else '> ' + str(tried)} "
                    f"(fitted on {c.get('cp_slices_fitted', 0)} slice(s)")
            if c.get("cp_errors"):
                txt += "; errors " + ", ".join(f"r{k}:{v:.2g}" for k, v in c["cp_errors"].items())
            txt += ")"
        lines.append(txt)
    if "spatial_spectral" in r:
        s = r["spatial_spectral"]
        lines.append(f"spatial-spectral (kd x kh*kw): rank {s['rank']} (slices by rank {s['slice_rank_counts']}); "
                     f"error {_curve(s['errors'])}")
    if not lines:
        lines.append("no low-rank structure applies to this kernel shape")
    return lines


def default_input_shape(weight_shape: Sequence[int], groups: int, dilation=1, padding=0) -> tuple[int, ...]:
    """A representative input: batch 1, C_in = weight.shape[1] * groups, 64 per axis (or larger than the kernel)."""
    nd = len(weight_shape) - 2
    dil = (dilation,) * nd if isinstance(dilation, int) else tuple(dilation)
    if len(dil) == 1:
        dil = dil * nd
    sizes = []
    for ax, k in enumerate(weight_shape[2:]):
        d = dil[ax] if ax < len(dil) and isinstance(dil[ax], int) else 1
        span = d * (k - 1) + 1
        sizes.append(max(64, 2 * span))
    return (1, int(weight_shape[1]) * int(groups), *sizes)


def analyze(weight, input_shape=None, stride=1, padding=0, dilation=1, groups: int = 1, bias=None,
            tolerance: float = 0.0, dtype: str = "float32", cost_model=None) -> AnalysisReport:
    """Analyze a convolution weight and choose a plan for it.

    ``weight`` is a numpy array, a torch tensor, or anything ``np.asarray``
    accepts, of shape ``(C_out, C_in // groups, *kernel)`` with 1 to 3 spatial
    dims.  Without ``input_shape`` a representative input is assumed (batch 1,
    64 per spatial axis or twice the kernel's span).  Raises
    :class:`~sepgen.errors.WeightError` for an unusable weight or bias and
    :class:`~sepgen.errors.SpecError` for an impossible geometry.
    """
    from .pipeline import choose_plan

    w = as_weight(weight)
    tol = check_tolerance(tolerance)
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise SpecError(f"groups must be an int, got {groups!r}")
    groups = int(groups)
    if groups < 1:
        raise SpecError(f"groups must be >= 1, got {groups}")
    if input_shape is None:
        input_shape = default_input_shape(w.shape, groups, dilation, padding)
    spec = ConvSpec.create(tuple(int(v) for v in input_shape), tuple(int(v) for v in w.shape), stride=stride,
                           padding=padding, dilation=dilation, groups=groups, bias=bias is not None, dtype=dtype)
    b = as_bias(bias, spec.out_channels)
    ranks = rank_findings(w, groups, tol, dtype)
    plan, cands = choose_plan(spec, w, b, tolerance=tol, cost_model=cost_model)
    return AnalysisReport(spec, ranks, cands, plan, tol, error_budget(tol, dtype))
