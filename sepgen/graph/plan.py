"""Planning a captured model: every convolution through sepgen's rewrite passes and cost model.

:func:`plan_model` runs :func:`sepgen.passes.choose_plan` on each
:class:`~sepgen.graph.capture.ConvNode` (exactly with ``tolerance=0``, else within
the relative weight error given) and returns one :class:`LayerPlan` per
convolution: the plan chosen, its weight error, and the cost model's prediction
for it and for the convolution as written.  Identical convolutions (same spec and
same weight) are planned once.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..analysis.cost import DEFAULT_COST_MODEL
from ..analysis.weights import check_tolerance
from ..ir.stages import Plan
from ..passes.pipeline import choose_plan
from .capture import CapturedModel, ConvNode


@dataclass(frozen=True)
class LayerPlan:
    node: ConvNode
    plan: Plan
    direct_us: float        #: the cost model's prediction for the convolution as written
    predicted_us: float     #: ... and for the chosen plan

    @property
    def error(self) -> float:
        return self.plan.error

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.plan.kinds


@dataclass(frozen=True)
class ModelPlan:
    layers: tuple[LayerPlan, ...]
    tolerance: float

    @property
    def direct_us(self) -> float:
        return sum(l.direct_us for l in self.layers)

    @property
    def predicted_us(self) -> float:
        return sum(l.predicted_us for l in self.layers)

    def format(self) -> str:
        rows = [f"{'#':>3}  {'var':<12} {'conv':<44} {'plan':<28} {'error':>8} {'direct us':>10} {'plan us':>9}"]
        for l in self.layers:
            s = l.node.spec
            conv = (f"{s.in_channels}->{s.out_channels} k{'x'.join(map(str, s.kernel_size))} "
                    f"s{'x'.join(map(str, s.stride))} g{s.groups} in{'x'.join(map(str, s.spatial))}")
            rows.append(f"{l.node.index:>3}  {l.node.var:<12} {conv:<44} {'+'.join(l.kinds):<28} {l.error:>8.2g} "
                        f"{l.direct_us:>10.1f} {l.predicted_us:>9.1f}")
        rows.append(f"convolutions: {len(self.layers)}, predicted {self.predicted_us:.0f} us against "
                    f"{self.direct_us:.0f} us as written (cost model, tolerance {self.tolerance:g})")
        return "\n".join(rows)


def _key(node: ConvNode) -> tuple:
    return (node.spec.key(), hashlib.sha256(node.weight.tobytes()).hexdigest())


def plan_model(captured: CapturedModel, tolerance: float = 0.0) -> ModelPlan:
    """One plan per convolution of ``captured`` (see the module docstring)."""
    tol = check_tolerance(tolerance)
    done: dict[tuple, tuple[Plan, float, float]] = {}
    layers = []
    for node in captured.convs:
        k = _key(node)
        if k not in done:
            plan, cands = choose_plan(node.spec, node.weight, None, tol)
            # the first candidate is the convolution as written (choose_plan always considers it)
            done[k] = (plan, cands[0].predicted_us, DEFAULT_COST_MODEL.plan_us(plan))
        plan, d_us, p_us = done[k]
        layers.append(LayerPlan(node, plan, d_us, p_us))
    return ModelPlan(tuple(layers), tol)
