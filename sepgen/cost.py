"""A roofline-style cost model for plans, refinable with measured times.

Each stage is predicted as ``overhead + max(flops / throughput, bytes / bandwidth)``
where the throughput is an *effective* rate for the stage's kind (what a tuned
kernel of that kind reaches on the host, not the machine's peak) and the bytes
are what must cross the memory bus at least once (input, parameters, output).
Chain stages run as one kernel: their parts' compute times add up, their bytes
are the chain's input, parameters and output (intermediates stay in cache), and
they pay the per-stage overhead once.

The defaults describe a 2-core AVX-512 host.  A convolution part that reads one
input channel per output (``in_channels / groups == 1``, e.g. a single-channel
"direct" conv) runs the depthwise loop nest, so it is priced at the depthwise
rate whatever its class.

Measured times override predictions: ``model.with_measurements({plan_key(plan): us})``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Optional

from .ir import DTYPES
from .stages import ChainStage, ConvStage, FFTConv, Plan, Stage

__all__ = ["CostModel", "Candidate", "plan_key", "DEFAULT_COST_MODEL"]


def plan_key(plan: Plan) -> tuple[str, tuple[str, ...]]:
    """A hashable name for a plan's structure: the spec key and each stage's description.

    Two plans with the same key run the same kernels (they differ at most in parameter values).
    """
    return (plan.spec.key(), tuple(s.describe() for s in plan.stages))


@dataclass(frozen=True)
class CostModel:
    """Effective rates per stage kind (GFLOP/s), bandwidth (GB/s) and a per-stage overhead (us)."""

    direct_gflops: float = 40.0
    depthwise_gflops: float = 15.0
    axis_pass_gflops: float = 15.0
    pointwise_gflops: float = 60.0
    fft_gflops: float = 5.0
    bandwidth_gbs: float = 29.0
    overhead_us: float = 5.0
    #: measured plan times: ((plan_key, microseconds), ...), consulted before any prediction
    measured: tuple[tuple[tuple, float], ...] = ()

    def __post_init__(self):
        for name in ("direct_gflops", "depthwise_gflops", "axis_pass_gflops", "pointwise_gflops", "fft_gflops",
                     "bandwidth_gbs"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and v > 0):
                raise ValueError(f"CostModel.{name} must be a positive number, got {v!r}")
        if not (isinstance(self.overhead_us, (int, float)) and self.overhead_us >= 0):
            raise ValueError(f"CostModel.overhead_us must be >= 0, got {self.overhead_us!r}")

    # ---- rates --------------------------------------------------------------
    def throughput(self, part: Stage) -> float:
        """Effective GFLOP/s for one conv part (or an FFT stage)."""
        if isinstance(part, FFTConv):
            return self.fft_gflops
        kind = part.kind
        if isinstance(part, ConvStage) and kind == "direct" and part.geom.in_channels // part.geom.groups == 1:
            kind = "depthwise"
        return {"direct": self.direct_gflops, "depthwise": self.depthwise_gflops,
                "pointwise": self.pointwise_gflops, "axis_pass": self.axis_pass_gflops,
                "fft": self.fft_gflops}.get(kind, self.direct_gflops)

    def compute_us(self, stage: Stage) -> float:
        if isinstance(stage, ChainStage):
            return sum(p.flops() / (self.throughput(p) * 1e3) for p in stage.parts)
        return stage.flops() / (self.throughput(stage) * 1e3)

    def memory_us(self, stage: Stage, dtype: str) -> float:
        return stage.bytes_moved(dtype) / (self.bandwidth_gbs * 1e3)

    def predict_us(self, stage: Stage, dtype: str = "float32") -> float:
        """Predicted time of one stage in microseconds."""
        if dtype not in DTYPES:
            raise ValueError(f"dtype {dtype!r} is not supported; use one of {', '.join(DTYPES)}")
        return self.overhead_us + max(self.compute_us(stage), self.memory_us(stage, dtype))

    # ---- plans --------------------------------------------------------------
    def measured_us(self, plan: Plan) -> Optional[float]:
        key = plan_key(plan)
        for k, us in self.measured:
            if k == key:
                return us
        return None

    def plan_us(self, plan: Plan) -> float:
        """Measured time of the plan if known, else the sum of its stages' predictions."""
        m = self.measured_us(plan)
        if m is not None:
            return m
        return sum(self.predict_us(s, plan.spec.dtype) for s in plan.stages)

    def with_measurements(self, times: Mapping) -> "CostModel":
        """A copy that uses measured times (``{plan_key or Plan: microseconds}``) instead of predictions."""
        merged = dict(self.measured)
        for k, us in times.items():
            key = plan_key(k) if isinstance(k, Plan) else k
            us = float(us)
            if not us >= 0:
                raise ValueError(f"measured time for {key!r} must be >= 0, got {us!r}")
            merged[key] = us
        return replace(self, measured=tuple(merged.items()))


DEFAULT_COST_MODEL = CostModel()


@dataclass
class Candidate:
    """One plan considered by plan selection, with why it was or was not accepted."""

    plan: Plan
    flops: int
    predicted_us: float
    error: float
    accepted: bool
    reason: str

    @property
    def cost(self) -> float:
        return self.predicted_us
