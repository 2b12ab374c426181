"""The convolution IR: a frozen, verified description of one convolution.

`ConvSpec` has exactly the meaning of ``torch.nn.functional.conv1d/2d/3d``:
input ``(N, C_in, *spatial)``, weight ``(C_out, C_in // groups, *kernel)``,
per-axis stride, padding, dilation, and groups.  Padding is stored resolved, as
``(left, right)`` pairs per spatial axis, so ``"same"`` with an even kernel
(which pads one more on the right, as PyTorch does) is represented exactly.

Pure Python: no TVM, no torch.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Literal, Sequence, Union

from ..errors import SpecError

DType = Literal["float32", "float16"]
DTYPES: tuple[str, ...] = ("float32", "float16")
DTYPE_BYTES = {"float32": 4, "float16": 2}
#: the most elements one tensor of a spec may have: TVM's generated loops index with int32
MAX_ELEMENTS = 2**31 - 1

PaddingArg = Union[int, str, Sequence[int], Sequence[Sequence[int]]]


def _per_axis(value, ndim: int, what: str) -> tuple[int, ...]:
    """Expand an int or a sequence into one positive int per spatial axis."""
    if isinstance(value, bool):
        raise SpecError(f"{what} must be an int or a tuple of ints, got {value!r}")
    if isinstance(value, numbers.Integral):
        vals = (value,) * ndim
    else:
        try:
            vals = tuple(value)
        except TypeError:
            raise SpecError(f"{what} must be an int or a tuple of ints, got {value!r}") from None
        if len(vals) == 1:
            vals = vals * ndim
        if len(vals) != ndim:
            raise SpecError(f"{what} {value!r} has {len(vals)} entries; a {ndim}-D convolution needs {ndim}")
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise SpecError(f"{what} must hold ints, got {value!r}")
        if v < 1:
            raise SpecError(f"{what} must be >= 1 on every axis, got {value!r}")
    return tuple(int(v) for v in vals)


def resolve_padding(padding: PaddingArg, kernel: Sequence[int], dilation: Sequence[int],
                    stride: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """Turn a torch-style padding argument into ``(left, right)`` per spatial axis."""
    ndim = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * ndim
        if padding == "same":
            if any(s != 1 for s in stride):
                raise SpecError(f"padding='same' needs stride 1 on every axis (as in PyTorch), got stride {tuple(stride)}")
            out = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                out.append((total // 2, total - total // 2))
            return tuple(out)
        raise SpecError(f"padding must be an int, a tuple, 'same' or 'valid', got {padding!r}")
    if isinstance(padding, bool):
        raise SpecError(f"padding must be an int, a tuple, 'same' or 'valid', got {padding!r}")
    if isinstance(padding, numbers.Integral):
        if padding < 0:
            raise SpecError(f"padding must be >= 0, got {padding}")
        return ((int(padding), int(padding)),) * ndim
    try:
        items = tuple(padding)
    except TypeError:
        raise SpecError(f"padding must be an int, a tuple, 'same' or 'valid', got {padding!r}") from None
    if len(items) == 1 and ndim > 1:
        items = items * ndim
    if len(items) != ndim:
        raise SpecError(f"padding {padding!r} has {len(items)} entries; a {ndim}-D convolution needs {ndim}")
    out = []
    for p in items:
        if isinstance(p, bool):
            raise SpecError(f"padding must hold ints, got {padding!r}")
        if isinstance(p, numbers.Integral):
            pair = (int(p), int(p))
        else:
            try:
                pair = tuple(p)
            except TypeError:
                raise SpecError(f"padding must hold ints or (left, right) pairs, got {padding!r}") from None
            if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in pair):
                raise SpecError(f"padding must hold ints or (left, right) pairs, got {padding!r}")
            pair = tuple(int(v) for v in pair)
        if min(pair) < 0:
            raise SpecError(f"padding must be >= 0, got {padding!r}")
        out.append(pair)
    return tuple(out)


def conv_out_size(size: int, k: int, stride: int, pad: tuple[int, int], dilation: int) -> int:
    """Output length of one axis, with PyTorch's floor rounding."""
    return (size + pad[0] + pad[1] - dilation * (k - 1) - 1) // stride + 1


@dataclass(frozen=True)
class ConvSpec:
    """One convolution, with the meaning of ``torch.nn.functional.conv{1,2,3}d``.

    Build one with :meth:`ConvSpec.create`, which normalizes torch-style
    arguments and calls :meth:`verify`.
    """

    input_shape: tuple[int, ...]
    weight_shape: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    groups: int = 1
    bias: bool = False
    dtype: str = "float32"

    @classmethod
    def create(cls, input_shape: Sequence[int], weight_shape: Sequence[int], stride=1,
               padding: PaddingArg = 0, dilation=1, groups: int = 1, bias: bool = False,
               dtype: str = "float32") -> "ConvSpec":
        for what, shp in (("input_shape", input_shape), ("weight_shape", weight_shape)):
            try:
                tuple(shp)
            except TypeError:
                raise SpecError(f"{what} must be a tuple of ints, got {shp!r}") from None
        input_shape = tuple(input_shape)
        weight_shape = tuple(weight_shape)
        for what, shp in (("input_shape", input_shape), ("weight_shape", weight_shape)):
            for v in shp:
                if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                    raise SpecError(f"{what} must hold ints, got {shp!r}")
        input_shape = tuple(int(v) for v in input_shape)      # numpy integers (a shape from an array) too
        weight_shape = tuple(int(v) for v in weight_shape)
        if len(input_shape) not in (3, 4, 5):
            raise SpecError(f"input_shape {input_shape} must be (N, C, L), (N, C, H, W) or (N, C, D, H, W)")
        ndim = len(input_shape) - 2
        if len(weight_shape) != ndim + 2:
            raise SpecError(f"weight_shape {weight_shape} must have {ndim + 2} dims to match input_shape {input_shape}")
        stride_t = _per_axis(stride, ndim, "stride")
        dilation_t = _per_axis(dilation, ndim, "dilation")
        pad = resolve_padding(padding, weight_shape[2:], dilation_t, stride_t)
        if isinstance(groups, bool) or not isinstance(groups, numbers.Integral):
            raise SpecError(f"groups must be an int, got {groups!r}")
        spec = cls(input_shape, weight_shape, stride_t, pad, dilation_t, int(groups), bool(bias), dtype)
        spec.verify()
        return spec

    # ---- derived facts ---------------------------------------------------
    @property
    def ndim(self) -> int:
        return len(self.input_shape) - 2

    @property
    def batch(self) -> int:
        return self.input_shape[0]

    @property
    def in_channels(self) -> int:
        return self.input_shape[1]

    @property
    def out_channels(self) -> int:
        return self.weight_shape[0]

    @property
    def kernel_size(self) -> tuple[int, ...]:
        return tuple(self.weight_shape[2:])

    @property
    def spatial(self) -> tuple[int, ...]:
        return tuple(self.input_shape[2:])

    @property
    def is_depthwise(self) -> bool:
        """Each output channel reads exactly one input channel."""
        return self.weight_shape[1] == 1

    @property
    def is_pointwise(self) -> bool:
        return all(k == 1 for k in self.kernel_size)

    @property
    def output_shape(self) -> tuple[int, ...]:
        out = [conv_out_size(s, k, st, p, d) for s, k, st, p, d in
               zip(self.spatial, self.kernel_size, self.stride, self.padding, self.dilation)]
        return (self.batch, self.out_channels, *out)

    @property
    def macs(self) -> int:
        """Multiply-accumulates of the direct convolution."""
        return math.prod(self.output_shape) * (self.in_channels // self.groups) * math.prod(self.kernel_size)

    @property
    def flops(self) -> int:
        return 2 * self.macs

    def verify(self) -> None:
        """Raise :class:`SpecError` naming the first impossible value."""
        if self.dtype not in DTYPES:
            raise SpecError(f"dtype {self.dtype!r} is not supported; use one of {', '.join(DTYPES)}")
        if any(v < 1 for v in self.input_shape):
            raise SpecError(f"input_shape {self.input_shape} has a non-positive size")
        if any(v < 1 for v in self.weight_shape):
            raise SpecError(f"weight_shape {self.weight_shape} has a non-positive size")
        if self.groups < 1:
            raise SpecError(f"groups must be >= 1, got {self.groups}")
        if self.in_channels % self.groups:
            raise SpecError(f"in_channels {self.in_channels} is not divisible by groups {self.groups}")
        if self.out_channels % self.groups:
            raise SpecError(f"out_channels {self.out_channels} is not divisible by groups {self.groups}")
        if self.weight_shape[1] * self.groups != self.in_channels:
            raise SpecError(
                f"weight_shape {self.weight_shape} expects {self.weight_shape[1] * self.groups} input channels "
                f"(weight_shape[1]={self.weight_shape[1]} x groups={self.groups}), but input_shape has {self.in_channels}")
        for ax, (s, k, p, d) in enumerate(zip(self.spatial, self.kernel_size, self.padding, self.dilation)):
            span = d * (k - 1) + 1
            if s + p[0] + p[1] < span:
                raise SpecError(
                    f"kernel spans {span} on spatial axis {ax} (size {k}, dilation {d}) but the padded input is only "
                    f"{s + p[0] + p[1]} ({s} + padding {p[0]}+{p[1]})")
        padded = (*self.input_shape[:2], *(s + a + b for s, (a, b) in zip(self.spatial, self.padding)))
        for what, shape in (("input", self.input_shape), ("padded input", padded), ("weight", self.weight_shape),
                            ("output", self.output_shape)):
            n = math.prod(shape)
            if n > MAX_ELEMENTS:
                raise SpecError(f"the {what} tensor {tuple(shape)} has {n:,} elements, more than the {MAX_ELEMENTS:,} "
                                f"(2**31-1) that compiled kernels index with 32-bit integers")

    def key(self) -> str:
        """A stable short text naming this spec (used in tuning-log keys)."""
        pad = "x".join(f"{a}-{b}" for a, b in self.padding)
        return (f"conv{self.ndim}d_i{'x'.join(map(str, self.input_shape))}_w{'x'.join(map(str, self.weight_shape))}"
                f"_s{'x'.join(map(str, self.stride))}_p{pad}_d{'x'.join(map(str, self.dilation))}"
                f"_g{self.groups}_{'b' if self.bias else 'nb'}_{self.dtype}")

    def torch_padding(self):
        """Padding as F.conv*d accepts it, or None when it is asymmetric (pad the input first)."""
        if all(a == b for a, b in self.padding):
            return tuple(a for a, _ in self.padding)
        return None

    def to_dict(self) -> dict:
        return {"input_shape": list(self.input_shape), "weight_shape": list(self.weight_shape),
                "stride": list(self.stride), "padding": [list(p) for p in self.padding],
                "dilation": list(self.dilation), "groups": self.groups, "bias": self.bias,
                "dtype": self.dtype}

    @classmethod
    def from_dict(cls, d: dict) -> "ConvSpec":
        try:
            return cls.create(d["input_shape"], d["weight_shape"], stride=d["stride"],
                              padding=[tuple(p) for p in d["padding"]], dilation=d["dilation"],
                              groups=d["groups"], bias=d["bias"], dtype=d["dtype"])
        except (KeyError, TypeError) as e:
            raise SpecError(f"spec dictionary is malformed: {e!r}") from None

    def __str__(self) -> str:
        pad = ",".join(f"{a}" if a == b else f"{a}/{b}" for a, b in self.padding)
        return (f"conv{self.ndim}d in={self.input_shape} w={self.weight_shape} stride={self.stride} "
                f"pad=({pad}) dil={self.dilation} groups={self.groups}{' +bias' if self.bias else ''} {self.dtype}")
