"""Plans and their stages: plain frozen data, no TVM, no torch.

Every conv-like stage is a *grouped N-d convolution* (:class:`Geometry`) with a
role: direct, depthwise, pointwise, or a 1-D pass along one axis.  Chain stages
(:class:`SeparableConv`, :class:`SpatialSpectral`, :class:`FusedDwPw`) hold
several conv parts that run as **one kernel**: the intermediate of one part is
consumed by the next without a round trip through memory when the schedule
fuses them.  :class:`FFTConv` computes a convolution in the frequency domain.

A :class:`Plan` is a sequence of stages, the parameter arrays they read (by
name), the spec it implements, the approximation error it carries, and the log
of passes that produced it.  Each stage knows its FLOPs and bytes moved.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import ClassVar, Mapping, Optional

import numpy as np

from ..errors import PlanError
from .spec import DTYPE_BYTES, ConvSpec, conv_out_size

#: elementwise activations a stage's epilogue can apply after its bias (fused into the kernel)
ACTIVATIONS = ("relu", "relu6", "silu", "hardswish", "sigmoid", "hardsigmoid", "gelu")


@dataclass(frozen=True)
class Geometry:
    """A grouped N-d convolution: the shape facts of one conv-like stage."""

    in_shape: tuple[int, ...]               # (N, C_in, *spatial)
    out_channels: int
    kernel: tuple[int, ...]                 # per spatial axis; 1 where the stage does not reach
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    groups: int = 1

    @staticmethod
    def of_spec(spec: ConvSpec) -> "Geometry":
        return Geometry(spec.input_shape, spec.out_channels, spec.kernel_size, spec.stride,
                        spec.padding, spec.dilation, spec.groups)

    @property
    def ndim(self) -> int:
        return len(self.in_shape) - 2

    @property
    def in_channels(self) -> int:
        return self.in_shape[1]

    @property
    def weight_shape(self) -> tuple[int, ...]:
        return (self.out_channels, self.in_channels // self.groups, *self.kernel)

    @property
    def out_shape(self) -> tuple[int, ...]:
        sp = [conv_out_size(s, k, st, p, d) for s, k, st, p, d in
              zip(self.in_shape[2:], self.kernel, self.stride, self.padding, self.dilation)]
        return (self.in_shape[0], self.out_channels, *sp)

    @property
    def macs(self) -> int:
        return math.prod(self.out_shape) * (self.in_channels // self.groups) * math.prod(self.kernel)

    def check(self) -> None:
        if len(self.kernel) != self.ndim or len(self.stride) != self.ndim or len(self.padding) != self.ndim \
                or len(self.dilation) != self.ndim:
            raise PlanError(f"geometry {self} has per-axis tuples of the wrong length")
        if self.in_channels % self.groups or self.out_channels % self.groups:
            raise PlanError(f"geometry {self}: channels not divisible by groups")
        if any(s < 1 for s in self.out_shape):
            raise PlanError(f"geometry {self} has an empty output")


class Stage:
    """Base of every stage.  Subclasses are frozen dataclasses."""

    kind: ClassVar[str] = "stage"
    name: str

    @property
    def in_shape(self) -> tuple[int, ...]:
        raise NotImplementedError

    @property
    def out_shape(self) -> tuple[int, ...]:
        raise NotImplementedError

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        raise NotImplementedError

    def flops(self) -> int:
        raise NotImplementedError

    def bytes_moved(self, dtype: str) -> int:
        """Bytes that must cross the memory bus at least once: input, parameters, output."""
        nb = DTYPE_BYTES[dtype]
        params = sum(math.prod(s) for s in self.param_shapes().values())
        return nb * (math.prod(self.in_shape) + params + math.prod(self.out_shape))

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class ConvStage(Stage):
    """A grouped convolution reading ``weight`` (and ``bias`` if named) from the plan's params."""

    name: str
    geom: Geometry
    weight: str
    bias: Optional[str] = None
    activation: Optional[str] = None   # epilogue after the bias: one of ACTIVATIONS
    kind: ClassVar[str] = "direct"

    def __post_init__(self):
        self.geom.check()
        if self.activation is not None and self.activation not in ACTIVATIONS:
            raise PlanError(f"stage {self.name}: unknown activation {self.activation!r}; "
                            f"use one of {', '.join(ACTIVATIONS)}")
        self._check_role()

    def _check_role(self) -> None:
        pass

    @property
    def in_shape(self):
        return self.geom.in_shape

    @property
    def out_shape(self):
        return self.geom.out_shape

    def param_shapes(self):
        out = {self.weight: self.geom.weight_shape}
        if self.bias:
            out[self.bias] = (self.geom.out_channels,)
        return out

    def flops(self) -> int:
        return 2 * self.geom.macs

    def describe(self) -> str:
        g = self.geom
        extra = []
        if any(s != 1 for s in g.stride):
            extra.append(f"stride={g.stride}")
        if any(d != 1 for d in g.dilation):
            extra.append(f"dil={g.dilation}")
        if any(p != (0, 0) for p in g.padding):
            extra.append("pad=" + ",".join(f"{a}" if a == b else f"{a}/{b}" for a, b in g.padding))
        if g.groups != 1:
            extra.append(f"groups={g.groups}")
        if self.bias:
            extra.append("+bias")
        if self.activation:
            extra.append(f"+{self.activation}")
        k = "x".join(map(str, g.kernel))
        return f"{self.kind}[{g.in_channels}->{g.out_channels}, k={k}{', ' + ', '.join(extra) if extra else ''}]"


@dataclass(frozen=True)
class DirectConv(ConvStage):
    """The convolution as written: every output reads the whole kernel window."""

    kind: ClassVar[str] = "direct"


@dataclass(frozen=True)
class DepthwiseConv(ConvStage):
    """Per-channel spatial filter: each output channel reads one input channel."""

    kind: ClassVar[str] = "depthwise"

    def _check_role(self):
        if self.geom.in_channels // self.geom.groups != 1:
            raise PlanError(f"depthwise stage {self.name} must have groups == in_channels")


@dataclass(frozen=True)
class PointwiseConv(ConvStage):
    """A 1x1 channel mix (a GEMM over channels)."""

    kind: ClassVar[str] = "pointwise"

    def _check_role(self):
        if any(k != 1 for k in self.geom.kernel):
            raise PlanError(f"pointwise stage {self.name} must have a 1x..x1 kernel")


@dataclass(frozen=True)
class AxisPass(ConvStage):
    """A 1-D convolution along one spatial axis (kernel 1 on every other axis)."""

    axis: int = 0
    kind: ClassVar[str] = "axis_pass"

    def _check_role(self):
        for ax, k in enumerate(self.geom.kernel):
            if ax != self.axis and (k != 1 or self.geom.stride[ax] != 1 or self.geom.padding[ax] != (0, 0)):
                raise PlanError(f"axis pass {self.name} along axis {self.axis} touches axis {ax}")


@dataclass(frozen=True)
class ChainStage(Stage):
    """Several conv parts run as one kernel; each part reads the previous part's output."""

    name: str
    parts: tuple[ConvStage, ...]
    kind: ClassVar[str] = "chain"

    def __post_init__(self):
        if not self.parts:
            raise PlanError(f"chain stage {self.name} is empty")
        names = [p.name for p in self.parts]
        if len(set(names)) != len(names):   # TVM block names come from part names
            raise PlanError(f"chain stage {self.name}: part names {names} are not unique")
        for a, b in zip(self.parts, self.parts[1:]):
            if a.out_shape != b.in_shape:
                raise PlanError(f"chain stage {self.name}: {a.name} makes {a.out_shape} but {b.name} reads {b.in_shape}")
        for p in self.parts[:-1]:
            if p.bias or p.activation:
                raise PlanError(f"chain stage {self.name}: only the last part may carry a bias or an activation")

    @property
    def in_shape(self):
        return self.parts[0].in_shape

    @property
    def out_shape(self):
        return self.parts[-1].out_shape

    def param_shapes(self):
        out = {}
        for p in self.parts:
            out.update(p.param_shapes())
        return out

    def flops(self) -> int:
        return sum(p.flops() for p in self.parts)

    def describe(self) -> str:
        return f"{self.kind}(" + " -> ".join(p.describe() for p in self.parts) + ")"


@dataclass(frozen=True)
class SeparableConv(ChainStage):
    """A sum of rank-1 separable terms as fused 1-D passes.

    Rank ``r`` is carried by channel expansion: the first pass makes ``r``
    filtered copies of each channel, the last pass sums them.
    """

    rank: int = 1
    kind: ClassVar[str] = "separable"

    def __post_init__(self):
        super().__post_init__()
        if not all(isinstance(p, AxisPass) for p in self.parts):
            raise PlanError(f"separable stage {self.name} must be made of axis passes")

    def describe(self) -> str:
        act = self.parts[-1].activation
        return f"separable[rank {self.rank}](" + " -> ".join(
            f"axis{p.axis}:k{p.geom.kernel[p.axis]}" for p in self.parts) + ")" + (f"+{act}" if act else "")


@dataclass(frozen=True)
class SpatialSpectral(ChainStage):
    """A spatial conv per band followed by a 1-D conv along the spectral axis."""

    kind: ClassVar[str] = "spatial_spectral"


@dataclass(frozen=True)
class FusedDwPw(ChainStage):
    """Depthwise then pointwise as one kernel (the depthwise tile stays in cache)."""

    kind: ClassVar[str] = "fused_dwpw"


@dataclass(frozen=True)
class FFTConv(ConvStage):
    """Convolution by pointwise products of spectra (for large kernels)."""

    kind: ClassVar[str] = "fft"

    def fft_shape(self) -> tuple[int, ...]:
        """Transform size per spatial axis: the padded input length (the stage is a correlation;
        valid outputs read only padded-input samples, so circular wrap never reaches them)."""
        g = self.geom
        return tuple(s + p[0] + p[1] for s, p in zip(g.in_shape[2:], g.padding))

    def flops(self) -> int:
        g = self.geom
        size = math.prod(self.fft_shape())
        logn = max(1.0, math.log2(size))
        n = g.in_shape[0]
        # per call: the input's and the output's transforms (the weight's spectrum is computed once, when
        # the op first runs: sepgen.runtime.fft.weight_spectrum)
        transforms = n * (g.in_channels + g.out_channels)
        # real FFTs cost ~2.5 N log2 N flops; the spectral product is a complex MAC per (o, i, freq)
        fft = 2.5 * size * logn * transforms
        prod = 8 * n * g.out_channels * (g.in_channels // g.groups) * (size // 2 + 1)
        return int(fft + prod)


STAGE_KINDS: dict[str, type] = {c.kind: c for c in (DirectConv, DepthwiseConv, PointwiseConv, AxisPass,
                                                    SeparableConv, SpatialSpectral, FusedDwPw, FFTConv)}


@dataclass(frozen=True, eq=False)
class Plan:
    """A sequence of stages implementing ``spec`` with the given parameter arrays.

    ``error`` is the relative Frobenius error of the factorized weight against
    the original (0 for exact rewrites, up to float rounding).  ``log`` records
    what each pass did.
    """

    spec: ConvSpec
    stages: tuple[Stage, ...]
    params: Mapping[str, np.ndarray] = field(default_factory=dict)
    error: float = 0.0
    log: tuple[str, ...] = ()

    def verify(self) -> None:
        if not self.stages:
            raise PlanError("plan has no stages")
        if self.stages[0].in_shape != self.spec.input_shape:
            raise PlanError(f"plan's first stage reads {self.stages[0].in_shape}, spec input is {self.spec.input_shape}")
        if self.stages[-1].out_shape != self.spec.output_shape:
            raise PlanError(f"plan's last stage makes {self.stages[-1].out_shape}, spec output is {self.spec.output_shape}")
        for a, b in zip(self.stages, self.stages[1:]):
            if a.out_shape != b.in_shape:
                raise PlanError(f"stage {a.name} makes {a.out_shape} but {b.name} reads {b.in_shape}")
        for st in self.stages:
            for pname, shp in st.param_shapes().items():
                arr = self.params.get(pname)
                if arr is None:
                    raise PlanError(f"stage {st.name} needs param {pname!r}, which the plan lacks")
                if tuple(arr.shape) != tuple(shp):
                    raise PlanError(f"param {pname!r} has shape {tuple(arr.shape)}, stage {st.name} expects {shp}")

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(s.kind for s in self.stages)

    def flops(self) -> int:
        return sum(s.flops() for s in self.stages)

    def bytes_moved(self) -> int:
        return sum(s.bytes_moved(self.spec.dtype) for s in self.stages)

    def with_(self, **kw) -> "Plan":
        return replace(self, **kw)

    @property
    def activation(self) -> Optional[str]:
        """The activation fused into the plan's epilogue (None: the plain convolution)."""
        last = self.stages[-1]
        part = last.parts[-1] if isinstance(last, ChainStage) else last
        return getattr(part, "activation", None)

    def with_activation(self, activation: Optional[str]) -> "Plan":
        """This plan with ``activation`` applied to its output, fused into the last stage's epilogue."""
        if activation is not None and activation not in ACTIVATIONS:
            raise PlanError(f"unknown activation {activation!r}; use one of {', '.join(ACTIVATIONS)}")
        last = self.stages[-1]
        if isinstance(last, ChainStage):
            parts = (*last.parts[:-1], replace(last.parts[-1], activation=activation))
            new_last = replace(last, parts=parts)
        else:
            new_last = replace(last, activation=activation)
        note = f"epilogue: {activation}" if activation else "epilogue: none"
        return replace(self, stages=(*self.stages[:-1], new_last), log=(*self.log, note))

    def summary(self) -> str:
        direct = self.spec.flops
        lines = [f"plan for {self.spec}"]
        for i, st in enumerate(self.stages):
            lines.append(f"  [{i}] {st.describe()}  flops={st.flops():,}")
        ratio = direct / max(1, self.flops())
        lines.append(f"  flops: direct {direct:,} -> plan {self.flops():,} ({ratio:.2f}x fewer)")
        lines.append(f"  approximation error (relative, weights): {self.error:.3g}")
        if self.log:
            lines.append("  passes: " + "; ".join(self.log))
        return "\n".join(lines)

    __str__ = summary

    def __repr__(self) -> str:
        return f"Plan({' -> '.join(s.describe() for s in self.stages)}, error={self.error:.3g})"


def direct_plan(spec: ConvSpec, weight: np.ndarray, bias: Optional[np.ndarray] = None) -> Plan:
    """The plan every pipeline starts from: the convolution as written."""
    params = {"w": np.ascontiguousarray(weight)}
    if bias is not None:
        params["b"] = np.ascontiguousarray(bias)
    cls = DepthwiseConv if spec.is_depthwise and spec.in_channels == spec.groups and spec.groups > 1 else (
        PointwiseConv if spec.is_pointwise else DirectConv)
    stage = cls("conv", Geometry.of_spec(spec), "w", "b" if bias is not None else None)
    plan = Plan(spec, (stage,), params, 0.0, ("start: direct",))
    plan.verify()
    return plan


# ---------------------------------------------------------------------------
# torch interpreter
# ---------------------------------------------------------------------------

def conv_parts(stage: Stage) -> tuple[ConvStage, ...]:
    """The conv parts a stage runs, in order (a plain conv stage is its own only part)."""
    if isinstance(stage, ChainStage):
        return tuple(stage.parts)
    if isinstance(stage, ConvStage):
        return (stage,)
    raise PlanError(f"stage {getattr(stage, 'name', stage)!r} of kind {stage.kind!r} is not a convolution")


def stage_param_names(stage: Stage) -> tuple[str, ...]:
    return tuple(sorted(stage.param_shapes()))
