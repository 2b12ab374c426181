"""A roofline-style cost model for plans, refinable with measured times.

Each stage is predicted as ``overhead + max(flops / throughput, bytes / bandwidth)``
where the throughput is an *effective* rate for the stage's kind (what a tuned
kernel of that kind reaches on the host, not the machine's peak) and the bytes
are what must cross the memory bus at least once (input, parameters, output).
Chain stages run as one kernel: their parts' compute times add up, their bytes
are the chain's input, parameters and output (intermediates stay in cache), and
they pay the per-stage overhead once.

The defaults describe a 2-core AVX-512 host (znver4), fitted to the tuned kernels of the committed
tuning logs (``tuning_logs/x86_64-znver4-2c``; GFLOP/s = stage FLOPs / the log's best time):

* direct (dense 3x3, 64->128 at 56x56): 228;  pointwise: 184-212;  fused depthwise+pointwise
  155-197 (its parts at their own rates);
* depthwise 3x3 (MobileNetV1 layers, 1-D 15 taps): 81-194, the stride-2 layers at the low end;
* separable chains of 1-D passes (7-tap Gaussians 2-D and 3-D, a 3x3x7 hyperspectral kernel): 103-122;
* spatial x spectral chains: 13-22 (their spatial part is a single-channel k x k conv on each slice).

A convolution part that reads one input channel per output (``in_channels / groups == 1``, e.g. a
single-channel "direct" conv) runs the depthwise loop nest, so it is priced at the depthwise rate
whatever its class.  That loop nest unrolls its taps: past :data:`UNROLLED_TAPS` taps its rate falls
in proportion (measured untuned on 1 channel: 15x15 38 GFLOP/s, 31x31 7.7, a 255-tap 1-D kernel 20.5).
An FFT stage (``torch.fft``: the input's and output's transforms per call, the weight's spectrum
computed once) costs a fixed ``fft_overhead_us`` plus its FLOPs at ``fft_gflops`` (a 16384-point or
256x256 FFT convolution took 250-273 us, a 65536-point one 732, 8->8 channels on 4096 points 174).
With these, the measured winner (untuned direct kernels) is chosen in: 255 taps on 16384 points (FFT
251 us, direct 399), 1023 taps (FFT 250, direct 8.1 ms), 31x31 on 256x256 (FFT 271, direct 6.6 ms),
15x15 (FFT 273, direct 350), 101 taps on 65536 (direct 416, FFT 732), and the separable over the
spatial x spectral plan of the hyperspectral and 3-D Gaussian workloads (290 vs 586 us, 852 vs 17993
us); not for 8->8 channels x 31 taps on 4096 points (direct chosen: 526 us untuned, FFT 174).  The earlier defaults
(direct 40, depthwise 15, pointwise 60, bandwidth 29) predicted 4-13x too slow, unevenly by kind, and
picked the 2x slower spatial x spectral plan for the hyperspectral workload.

Measured times override predictions: ``model.with_measurements({plan_key(plan): us})``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Mapping, Optional

from ..ir.spec import DTYPES
from ..ir.stages import ChainStage, ConvStage, FFTConv, Plan, SpatialSpectral, Stage

__all__ = ["CostModel", "Candidate", "plan_key", "DEFAULT_COST_MODEL"]


def plan_key(plan: Plan) -> tuple[str, tuple[str, ...]]:
    """A hashable name for a plan's structure: the spec key and each stage's description.

    Two plans with the same key run the same kernels (they differ at most in parameter values).
    """
    return (plan.spec.key(), tuple(s.describe() for s in plan.stages))


#: the depthwise loop nest keeps its rate up to this many taps; beyond, the rate falls in proportion
UNROLLED_TAPS = 49


@dataclass(frozen=True)
class CostModel:
    """Effective rates per stage kind (GFLOP/s), bandwidth (GB/s) and a per-stage overhead (us)."""

    direct_gflops: float = 200.0
    depthwise_gflops: float = 120.0
    axis_pass_gflops: float = 110.0
    pointwise_gflops: float = 190.0
    spatial_spectral_gflops: float = 18.0
    fft_gflops: float = 20.0
    fft_overhead_us: float = 200.0
    bandwidth_gbs: float = 80.0
    overhead_us: float = 3.0
    #: measured plan times: ((plan_key, microseconds), ...), consulted before any prediction
    measured: tuple[tuple[tuple, float], ...] = ()

    def __post_init__(self):
        for name in ("direct_gflops", "depthwise_gflops", "axis_pass_gflops", "pointwise_gflops",
                     "spatial_spectral_gflops", "fft_gflops", "bandwidth_gbs"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and v > 0):
                raise ValueError(f"CostModel.{name} must be a positive number, got {v!r}")
        for name in ("overhead_us", "fft_overhead_us"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and v >= 0):
                raise ValueError(f"CostModel.{name} must be >= 0, got {v!r}")

    # ---- rates --------------------------------------------------------------
    def throughput(self, part: Stage) -> float:
        """Effective GFLOP/s for one conv part (or an FFT stage)."""
        if isinstance(part, FFTConv):
            return self.fft_gflops
        kind = part.kind
        if isinstance(part, ConvStage) and kind == "direct" and part.geom.in_channels // part.geom.groups == 1:
            kind = "depthwise"
        rate = {"direct": self.direct_gflops, "depthwise": self.depthwise_gflops,
                "pointwise": self.pointwise_gflops, "axis_pass": self.axis_pass_gflops,
                "fft": self.fft_gflops}.get(kind, self.direct_gflops)
        if kind == "depthwise" and isinstance(part, ConvStage):
            rate *= min(1.0, UNROLLED_TAPS / max(1, math.prod(part.geom.kernel)))
        return rate

    def compute_us(self, stage: Stage) -> float:
        if isinstance(stage, SpatialSpectral):
            return stage.flops() / (self.spatial_spectral_gflops * 1e3)
        if isinstance(stage, ChainStage):
            return sum(p.flops() / (self.throughput(p) * 1e3) for p in stage.parts)
        return stage.flops() / (self.throughput(stage) * 1e3)

    def memory_us(self, stage: Stage, dtype: str) -> float:
        return stage.bytes_moved(dtype) / (self.bandwidth_gbs * 1e3)

    def predict_us(self, stage: Stage, dtype: str = "float32") -> float:
        """Predicted time of one stage in microseconds."""
        if dtype not in DTYPES:
            raise ValueError(f"dtype {dtype!r} is not supported; use one of {', '.join(DTYPES)}")
        fixed = self.fft_overhead_us if isinstance(stage, FFTConv) else 0.0
        return self.overhead_us + fixed + max(self.compute_us(stage), self.memory_us(stage, dtype))

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
