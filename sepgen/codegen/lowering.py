"""Lowering: every stage kind to a TE compute and a PrimFunc.

This is the only module of sepgen that touches ``tvm.te``.  A stage becomes one
PrimFunc whose arguments are, in order, the stage input ``x``, the stage's
parameters (sorted by their name in the plan), and the output ``y``.  Blocks are
named so that schedule templates can find them:

* ``<part>_pad``  the zero-padded input of a conv part (when it pads; a lone pointwise part on a CPU
                  may instead have its pixels flattened and padded, see ``padded_pixels``),
* ``<part>``      the convolution reduction of a part,
* ``<part>_out``  the epilogue (bias add, activation, cast to the storage dtype).

Chain stages put all their parts into one PrimFunc: the intermediates are
internal buffers that a schedule may compute at a tile of the consumer (fusion).
Accumulation is float32 for float16 storage; intermediates of chains stay float32.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Optional

from tvm import te, tirx

from ..errors import PlanError
from ..ir.stages import ACTIVATIONS, ChainStage, ConvStage, FFTConv, Stage, stage_param_names


@dataclass(frozen=True)
class Lowered:
    """A stage lowered to TE: its PrimFunc and what the schedules need to know."""

    func: object                 # tvm PrimFunc
    arg_names: tuple[str, ...]   # "x", params..., "y"
    arg_shapes: tuple[tuple[int, ...], ...]
    conv_blocks: tuple[str, ...]  # reduction blocks, producer first
    pad_blocks: tuple[str, ...]
    out_blocks: tuple[str, ...]


def _conv_te(x: te.Tensor, w: te.Tensor, b, part: ConvStage, acc_dtype: str, out_dtype: str,
             blocks: dict, phase_split: bool = False, tail=None) -> te.Tensor:
    g = part.geom
    nd = g.ndim
    n_, c_, *sp = (int(v) for v in x.shape)
    pads = g.padding
    name = part.name
    s_w = int(g.stride[-1]) if phase_split else 1
    padded = [s + p[0] + p[1] for s, p in zip(sp, pads)]

    def padded_x(n, c, coords, check_last: bool = False):
        """x at padded coordinates, 0 outside (bounds checked on padded axes, and on W if asked)."""
        conds = []
        src = []
        for a, (i, (lo, hi), s) in enumerate(zip(coords, pads, sp)):
            if lo or hi or (check_last and a == nd - 1):
                conds.append(tirx.all(i >= lo, i < s + lo))
            src.append(i - lo)
        return tirx.if_then_else(tirx.all(*conds), x[(n, c, *src)], tirx.const(0, x.dtype))

    if s_w > 1:
        # strided along W: the padded input de-interleaved, column j at [..., j % s, j // s], so a
        # vector of outputs reads contiguous elements (see ``lower_stage``); the last of the W/s
        # columns of a phase may lie past the padded width, hence the W bounds check
        xp = te.compute((n_, c_, *padded[:-1], s_w, -(-padded[-1] // s_w)),
                        lambda n, c, *idx: padded_x(n, c, [*idx[:-2], idx[-1] * s_w + idx[-2]], check_last=True),
                        name=f"{name}_pad")
        blocks["pad"].append(f"{name}_pad")
    elif any(p != (0, 0) for p in pads):
        xp = te.compute((n_, c_, *padded), lambda n, c, *idx: padded_x(n, c, idx), name=f"{name}_pad")
        blocks["pad"].append(f"{name}_pad")
    else:
        xp = x
    cin_g = c_ // g.groups
    cout_g = g.out_channels // g.groups
    rc = te.reduce_axis((0, cin_g), name="rc") if cin_g > 1 else None
    rks = [te.reduce_axis((0, k), name=f"rk{a}") if k > 1 else None for a, k in enumerate(g.kernel)]
    axes = [a for a in [rc, *rks] if a is not None]

    def conv_fn(n, o, *idx):
        cbase = (o // cout_g) * cin_g if cout_g > 1 else o * cin_g
        ci = cbase + rc if rc is not None else cbase
        src = [i * st + (rk * d if rk is not None else 0) for i, st, rk, d in zip(idx, g.stride, rks, g.dilation)]
        if s_w > 1:   # tap k of output w: phase k % s, column w + k // s
            k = rks[-1]
            phase, shift = (tirx.floormod(k * g.dilation[-1], s_w), tirx.floordiv(k * g.dilation[-1], s_w)) \
                if k is not None else (0, 0)
            src = [*src[:-1], phase, idx[-1] + shift]
        wk = [rk if rk is not None else 0 for rk in rks]
        prod = xp[(n, ci, *src)].astype(acc_dtype) * w[(o, rc if rc is not None else 0, *wk)].astype(acc_dtype)
        return te.sum(prod, axis=axes) if axes else prod

    out_shape = g.out_shape
    if tuple(out_shape) != tuple(part.out_shape) or len(out_shape) != nd + 2:
        raise PlanError(f"part {name}: inconsistent output shape")
    acc = te.compute(out_shape, conv_fn, name=name)
    blocks["conv"].append(name)
    act = part.activation
    if b is None and act is None and tail is None and acc_dtype == out_dtype:
        return acc

    def epi(n, o, *idx):
        v = acc[(n, o, *idx)]
        if b is not None:
            v = v + b[o].astype(acc_dtype)
        return _tail(_activation(v, act, acc_dtype), tail, (n, o, *idx), acc_dtype).astype(out_dtype)
    out = te.compute(out_shape, epi, name=f"{name}_out")
    blocks["out"].append(f"{name}_out")
    return out


@dataclass(frozen=True)
class Tail:
    """What the graph level fuses into a kernel's epilogue after its activation: a residual tensor of the
    output's shape added (an extra PrimFunc argument ``r``, before ``y``), then ``post_activation``
    (RegNet's ``relu(x + f(x))``)."""

    residual: bool = False
    post_activation: Optional[str] = None

    def describe(self) -> str:
        return "+".join(p for p in ("residual" if self.residual else "", self.post_activation or "") if p)


def _tail(v, tail, idx, dtype):
    if tail is None:
        return v
    if tail.residual:
        v = v + tail.r[idx].astype(dtype)
    return _activation(v, tail.post_activation, dtype)


@dataclass(frozen=True)
class _BoundTail:
    r: object
    post_activation: Optional[str]
    residual: bool = True


#: Eigen's rational erf for float32 (as TVM's ``topi.fast_erf``): odd numerator, even denominator, |x| <= 4
_ERF_NUM = (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05,
            -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02)
_ERF_DEN = (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03,
            -1.42647390514189e-02)


def fast_erf(x, dtype: str = "float32"):
    """``erf(x)`` as a rational polynomial that vectorizes (libm's ``erff`` is a scalar call per lane)."""
    if dtype != "float32":
        return tirx.erf(x)
    f = lambda c: tirx.const(c, "float32")  # noqa: E731
    xc = tirx.max(tirx.min(x, f(4.0)), f(-4.0))
    x2 = xc * xc
    p = f(_ERF_NUM[0])
    for c in _ERF_NUM[1:]:
        p = p * x2 + f(c)
    q = f(_ERF_DEN[0])
    for c in _ERF_DEN[1:]:
        q = q * x2 + f(c)
    return xc * p / q


def _activation(v, act, dtype):
    if act is None:
        return v
    zero = tirx.const(0, dtype)
    if act == "relu":
        return tirx.max(v, zero)
    if act == "relu6":
        return tirx.min(tirx.max(v, zero), tirx.const(6, dtype))
    # exp: sepgen's CPU pipeline makes it arithmetic that vectorizes (codegen.tirpasses.lower_exp); other
    # targets compile it as TVM does
    if act == "silu":
        return v / (tirx.const(1, dtype) + tirx.exp(-v))
    if act == "sigmoid":
        return tirx.const(1, dtype) / (tirx.const(1, dtype) + tirx.exp(-v))
    if act in ("hardswish", "hardsigmoid"):   # torch's x * relu6(x + 3) / 6, relu6(x + 3) / 6, within an ulp:
        # times 1/6, as LLVM keeps a division by 6 a division (16-lane AVX-512: 10.7 -> 5.3 cycles a vector)
        r6 = tirx.min(tirx.max(v + tirx.const(3, dtype), zero), tirx.const(6, dtype))
        return (v * r6 if act == "hardswish" else r6) * tirx.const(1 / 6, dtype)
    if act == "gelu":   # exact GELU, 0.5 x (1 + erf(x / sqrt 2)), as torch's default
        return tirx.const(0.5, dtype) * v * (tirx.const(1, dtype) + fast_erf(v * tirx.const(0.7071067811865476, dtype),
                                                                              dtype))
    raise PlanError(f"no lowering for activation {act!r}")


#: a lone pointwise stage on a CPU with fewer than PIXEL_PAD_BELOW pixels (all spatial axes, flattened),
#: not a multiple of PIXEL_MULTIPLE, gets them padded up to one (see ``padded_pixels``)
PIXEL_MULTIPLE = 8
PIXEL_PAD_BELOW = 64


def padded_pixels(part: ConvStage) -> int:
    """The padded pixel count of a lone pointwise ``part`` lowered for CPUs, or 0 when it is not padded.

    Only unstrided, unpadded, ungrouped 1x1 layers with at least 8 output channels qualify (their input
    copy is small next to the GEMM), and only small planes: tuned, 64 trials, every 7x7 layer of
    MobileNetV2 gained from 49 -> 56 pixels (320->1280: 328 -> 248 us, 960->320: 244 -> 192 us,
    160->960: 117 -> 94 us), where 49 pixels make 7-lane vectors or a scalar tail; every 14x14 layer
    lost (196 -> 200 pixels; 384->64: 50 -> 74 us), its 196 pixels already being 12 full vectors and a
    short one."""
    g = part.geom
    s = math.prod(int(v) for v in g.out_shape[2:])
    if (part.kind != "pointwise" or g.groups != 1 or g.out_channels < 8 or s % PIXEL_MULTIPLE == 0
            or s >= PIXEL_PAD_BELOW
            or any(int(v) != 1 for v in g.stride) or any(p != (0, 0) for p in g.padding)):
        return 0
    return -(-s // PIXEL_MULTIPLE) * PIXEL_MULTIPLE


def _pointwise_padded_te(x: te.Tensor, w: te.Tensor, b, part: ConvStage, acc_dtype: str, out_dtype: str,
                         blocks: dict, sp_pad: int, tail=None) -> te.Tensor:
    """A pointwise part over its pixels flattened and zero-padded to ``sp_pad``: the GEMM's vector axis
    is a whole number of vectors (7x7 = 49 pixels would be 7-lane vectors or a scalar tail), and the
    epilogue crops the padded pixels away."""
    g = part.geom
    name = part.name
    n_, c_, *sp = (int(v) for v in x.shape)
    s = math.prod(sp)

    def unflat(p):
        idx = []
        for v in reversed(sp):
            idx.append(tirx.floormod(p, v))
            p = tirx.floordiv(p, v)
        return list(reversed(idx))

    xp = te.compute((n_, c_, sp_pad),
                    lambda n, c, p: tirx.if_then_else(p < s, x[(n, c, *unflat(p))], tirx.const(0, x.dtype)),
                    name=f"{name}_pad")
    blocks["pad"].append(f"{name}_pad")
    rc = te.reduce_axis((0, c_), name="rc")
    acc = te.compute((n_, g.out_channels, sp_pad),
                     lambda n, o, p: te.sum(xp[n, rc, p].astype(acc_dtype) * w[(o, rc, *[0] * len(sp))].astype(acc_dtype),
                                            axis=rc), name=name)
    blocks["conv"].append(name)
    act = part.activation

    def epi(n, o, *idx):
        flat = 0
        for i, v in zip(idx, sp):
            flat = flat * v + i
        v = acc[n, o, flat]
        if b is not None:
            v = v + b[o].astype(acc_dtype)
        return _tail(_activation(v, act, acc_dtype), tail, (n, o, *idx), acc_dtype).astype(out_dtype)
    out = te.compute(g.out_shape, epi, name=f"{name}_out")
    blocks["out"].append(f"{name}_out")
    return out


#: target families whose schedules read the input of a strided conv de-interleaved (see ``lower_stage``)
PHASE_SPLIT_FAMILIES = ("cpu",)
#: target families whose lone pointwise stages get their pixels padded (see ``padded_pixels``)
PIXEL_PAD_FAMILIES = ("cpu",)


def lower_stage(stage: Stage, dtype: str, family: Optional[str] = "cpu", tail: Optional[Tail] = None) -> Lowered:
    """Lower one stage of a plan to a PrimFunc (not FFT stages: they run through an FFT library).

    ``family`` is the target family the PrimFunc is for.  For CPUs a part strided along its innermost
    axis (stride ``s``) gets its padded input *de-interleaved* in the ``<part>_pad`` block: padded
    column ``j`` is stored at ``[..., j % s, j // s]``, so the vector of outputs ``w..w+v`` reads tap
    ``k`` from ``[..., k % s, w + k // s ...]``, contiguous, instead of a gather of every s-th element
    (measured: the tuned MobileNet stem, 3->32 stride 2, 281 -> 149 us).  A lone pointwise stage with
    a small plane whose pixel count is not a multiple of 8 (7x7) is lowered over its pixels flattened and padded to
    one (:func:`padded_pixels`), the padded pixels cropped in the epilogue.  ``None`` gives the plain
    lowering (what MetaSchedule's own auto-scheduler is given as a peer, and the CUDA templates' input).
    ``tail`` (the graph level's) adds a residual input ``r`` and an activation after it to the epilogue.
    """
    if isinstance(stage, FFTConv):
        raise PlanError("FFT stages are executed by the FFT runtime, not lowered to TE")
    if isinstance(stage, ChainStage):
        parts = stage.parts
    elif isinstance(stage, ConvStage):
        parts = (stage,)
    else:
        raise PlanError(f"no lowering for stage kind {stage.kind!r}")
    acc_dtype = "float32"
    pshapes = stage.param_shapes()
    pnames = stage_param_names(stage)
    x = te.placeholder(stage.in_shape, dtype=dtype, name="x")
    params = {p: te.placeholder(pshapes[p], dtype=dtype, name=p) for p in pnames}
    blocks = {"pad": [], "conv": [], "out": []}
    r = None
    bound = None
    if tail is not None and (tail.residual or tail.post_activation):
        if tail.post_activation is not None and tail.post_activation not in ACTIVATIONS:
            raise PlanError(f"no lowering for activation {tail.post_activation!r}")
        r = te.placeholder(stage.out_shape, dtype=dtype, name="r") if tail.residual else None
        bound = _BoundTail(r, tail.post_activation, tail.residual)
    cur = x
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        b = params[part.bias] if part.bias else None
        sp_pad = padded_pixels(part) if family in PIXEL_PAD_FAMILIES and len(parts) == 1 else 0
        if sp_pad:
            cur = _pointwise_padded_te(cur, params[part.weight], b, part, acc_dtype, dtype, blocks, sp_pad,
                                       tail=bound)
            continue
        cur = _conv_te(cur, params[part.weight], b, part, acc_dtype, dtype if last else acc_dtype, blocks,
                       phase_split=family in PHASE_SPLIT_FAMILIES, tail=bound if last else None)
    if cur.dtype != dtype:  # defensive: the last part always casts
        raise PlanError("lowering produced the wrong output dtype")
    extra = [r] if r is not None else []
    func = te.create_prim_func([x, *[params[p] for p in pnames], *extra, cur])
    func = func.with_attr("global_symbol", "main")
    shapes = (tuple(stage.in_shape), *[tuple(pshapes[p]) for p in pnames],
              *[tuple(stage.out_shape)] * len(extra), tuple(stage.out_shape))
    return Lowered(func, ("x", *pnames, *(["r"] if extra else []), "y"), shapes, tuple(blocks["conv"]),
                   tuple(blocks["pad"]), tuple(blocks["out"]))


# ---------------------------------------------------------------------------------------------------
# blocked layout (NCHW[x]c): the graph level's depthwise and pointwise kernels
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BlockedConv:
    """A 2-D depthwise or pointwise convolution in the blocked layout ``N, C/B, H, W, B``, or a dense layer.

Its PrimFunc's arguments: ``x`` (blocked), ``w`` (packed: pointwise and dense ``[O/B, C, B]``,
depthwise ``[C/B, KH, KW, B]``), ``b`` (``[O/B, B]``, when ``bias``), ``r`` (the residual, blocked, when
the tail has one) and ``y`` (blocked).  Blocks: ``conv_pad`` (depthwise with padding), ``conv``,
``conv_out``.

``direct`` is any other convolution with ``groups`` 1 (``w`` ``[O/B, C/IB, KH, KW, IB, B]``, ``IB`` =
``in_block``: the block; or, for an input of fewer channels than a block, ``C`` (read as
``N, 1, H, W, C``, i.e. NHWC) or ``1`` (``N, C, H, W, 1``: NCHW itself, what the graph level uses)) or with groups of one block each (RegNet's group width: ``w`` ``[O/B, KH, KW, B, B]``).
With ``group_width`` ``G`` less than the block (RegNet's 8 in blocks of 16), the block holds ``B/G`` groups
and each output lane reads only its own group's ``G`` input lanes: ``w`` ``[O/B, KH, KW, G, B]``, the
reduction ``G`` long (not the block-diagonal ``B`` with zeros); its schedule computes each group's lanes as
a vector of ``G``.

``dense`` is ``x @ W`` for a row-major ``x [M, C]`` (a linear layer: the pointwise GEMM with rows for
pixels, channels last): ``in_shape`` is ``(1, C, M, 1)``; ``y`` is ``[M, O/B, B]``, which is ``[M, O]``
row-major, or with ``out_blocked`` ``[O/B, M, B]``: for rows that are the pixels of one image, its
blocked layout ``(1, O/B, H, W, B)`` (ConvNeXt's MLP projection writing the blocked tensor its next
depthwise layer reads, the residual ``r`` read in that layout too).

``expand_dw`` is an inverted-residual block's expansion and depthwise layer as one kernel: ``expand`` (a
``pointwise`` BlockedConv) computed for the rows one tile of depthwise output rows needs, kept in a tile
buffer (never written whole), filtered by this depthwise convolution (``in_shape`` is the expansion's
output).  Arguments ``x`` (the expansion's input, blocked), ``we`` ``[E/B, C, B]``, ``be`` (when the
expansion has a bias), ``w``, ``b``, ``r``, ``y`` as for depthwise; blocks ``expand``, ``expand_out``,
``conv_pad``, ``conv``, ``conv_out``.

A ``pointwise`` kernel with ``scale`` computes ``conv(x * s)`` for a per-channel ``s`` (a squeeze-excitation's
gate, argument ``s`` ``[N, C/IB, 1, 1, IB]`` after ``x``) as ``conv`` with its weights scaled per input
channel (block ``conv_scale``, ``[N, O/B, C, B]``): the scaled input is never written.

``mbconv`` is a whole inverted-residual block in one kernel: the expansion (``expand``, or none: a depthwise
layer and its projection) and the depthwise layer (``dw``, a ``depthwise`` BlockedConv whose ``in_shape`` is the expansion's output) computed for one
tile of output rows into tile buffers, then projected by this pointwise convolution (``in_shape`` is the
depthwise layer's output, ``in_block`` its block), whose tail may add the block's input (``r``).  Neither
the expanded nor the filtered tensor is written whole.  Arguments ``x`` (the expansion's input), ``we``,
(``be``), ``wd``, (``bd``), ``w``, (``b``), (``r``), ``y``; blocks ``expand``, ``expand_out``, ``dw_pad``,
``dw``, ``dw_out``, ``conv``, ``conv_out``."""

    kind: str                       # "pointwise" | "depthwise" | "direct" | "dense" | "expand_dw" | "mbconv"
    in_shape: tuple                 # NCHW
    out_channels: int
    kernel: tuple = (1, 1)
    stride: tuple = (1, 1)
    padding: tuple = ((0, 0), (0, 0))
    dilation: tuple = (1, 1)
    block: int = 8
    bias: bool = False
    activation: Optional[str] = None
    tail: Optional[Tail] = None
    groups: int = 1                 # direct: 1, or channels / block (one block per group)
    in_block: int = 0               # direct: the input's block, 0 for ``block``
    expand: Optional["BlockedConv"] = None   # expand_dw, mbconv: the pointwise expansion computed inside the block
    dw: Optional["BlockedConv"] = None       # mbconv: the depthwise layer computed inside the block
    scale: bool = False             # pointwise: the input scaled per channel first (a squeeze-excitation's gate)
    group_width: int = 0            # direct with groups: the channels of a group, when less than the block
    out_blocked: bool = False       # dense: the output [O/B, M, B] (an image's blocked layout), not [M, O/B, B]

    @property
    def ib(self) -> int:
        return self.in_block or self.block

    @property
    def split_width(self) -> int:
        """A grouped direct convolution's group width where a block holds several groups, else 0."""
        gw = self.group_width
        return gw if self.kind == "direct" and self.groups > 1 and 0 < gw < self.block and self.block % gw == 0 \
            else 0

    @property
    def out_shape(self) -> tuple:
        n, _, h, w = self.in_shape
        oh = (h + sum(self.padding[0]) - self.dilation[0] * (self.kernel[0] - 1) - 1) // self.stride[0] + 1
        ow = (w + sum(self.padding[1]) - self.dilation[1] * (self.kernel[1] - 1) - 1) // self.stride[1] + 1
        return (n, self.out_channels, oh, ow)

    def blocked(self, shape) -> tuple:
        n, c, h, w = shape
        if self.kind == "dense":
            return (c // self.block, h, self.block) if self.out_blocked else (h, c // self.block, self.block)
        return (n, c // self.block, h, w, self.block)

    def weight_shape(self) -> tuple:
        b = self.block
        if self.kind in ("pointwise", "dense", "mbconv"):
            return (self.out_channels // b, self.in_shape[1], b)
        if self.kind == "direct":
            if self.groups > 1:
                return (self.out_channels // b, *self.kernel, self.split_width or b, b)
            return (self.out_channels // b, self.in_shape[1] // self.ib, *self.kernel, self.ib, b)
        return (self.out_channels // b, *self.kernel, b)

    def describe(self) -> str:
        k = "x".join(map(str, self.kernel))
        return (f"{self.kind}[{self.in_shape[1]}->{self.out_channels}, k={k}, stride={self.stride}, "
                f"NCHW{self.block}c{', x gate' if self.scale else ''}{', +bias' if self.bias else ''}"
                f"{', +' + self.activation if self.activation else ''}"
                f"{', +' + self.tail.describe() if self.tail else ''}]")


def _lower_expand(conv: BlockedConv, dtype: str):
    """The expansion of an ``expand_dw`` block: its input, weight (and bias) placeholders and its output
    (blocked, activation applied), as :func:`lower_blocked` computes a pointwise layer."""
    e = conv.expand
    b = conv.block
    n_, c_, h_, w_ = e.in_shape
    ib = e.ib
    if e.kind != "pointwise" or e.block != b or c_ % ib or e.out_channels % b or e.tail is not None \
            or tuple(conv.in_shape) != (n_, e.out_channels, h_, w_) or conv.out_channels != e.out_channels:
        raise PlanError(f"an expand_dw block needs a pointwise expansion into its depthwise layer: "
                        f"{e.describe()} then {conv.describe()}")
    x = te.placeholder((n_, c_ // ib, h_, w_, ib), dtype=dtype, name="x")
    we = te.placeholder(e.weight_shape(), dtype=dtype, name="we")
    be = te.placeholder((e.out_channels // b, b), dtype=dtype, name="be") if e.bias else None
    rcb = te.reduce_axis((0, c_ // ib), name="rcb")
    rci = te.reduce_axis((0, ib), name="rci")
    acc = te.compute(e.blocked(e.out_shape), lambda n, ob, h, ww, oi: te.sum(
        x[n, rcb, h, ww, rci].astype("float32") * we[ob, rcb * ib + rci, oi].astype("float32"), axis=[rcb, rci]),
        name="expand")

    def epi(*idx):
        v = acc[idx]
        if be is not None:
            v = v + be[idx[1], idx[-1]].astype("float32")
        return _activation(v, e.activation, "float32").astype(dtype)

    out = te.compute(e.blocked(e.out_shape), epi, name="expand_out")
    return [x, we, *([be] if be is not None else [])], out


def _zero_padded(x, padding, dtype: str, name: str):
    """Blocked ``x`` (``N, C/B, H, W, B``) with ``padding`` ((top, bottom), (left, right)) zeros around its
    plane (block ``name``), or ``x`` itself without padding."""
    (pt, pb), (pl, pr) = padding
    if not (pt or pb or pl or pr):
        return x
    n_, cb_, h_, w_, b_ = (int(v) for v in x.shape)
    return te.compute((n_, cb_, h_ + pt + pb, w_ + pl + pr, b_), lambda n, cb, i, j, ci: tirx.if_then_else(
        tirx.all(i >= pt, i < h_ + pt, j >= pl, j < w_ + pl), x[n, cb, i - pt, j - pl, ci],
        tirx.const(0, dtype)), name=name)


def _lower_mbconv_dw(conv: BlockedConv, dtype: str):
    """The expansion and depthwise layer of an ``mbconv`` block: the head placeholders and the depthwise
    layer's output (blocked, its epilogue applied, block ``dw_out``)."""
    d = conv.dw
    if d is None or d.kind != "depthwise" or d.tail is not None or d.ib != d.block \
            or conv.ib != d.block or tuple(conv.in_shape) != tuple(d.out_shape):
        raise PlanError(f"an mbconv block needs a depthwise layer into its projection: "
                        f"{d.describe() if d is not None else None} then {conv.describe()}")
    b = d.block
    n_, c_, h_, w_ = d.in_shape
    if conv.expand is not None:
        head, xe = _lower_expand(dataclasses.replace(d, expand=conv.expand), dtype)
    else:                         # a depthwise layer and its projection (MobileNetV1's pairs)
        xe = te.placeholder((n_, c_ // b, h_, w_, b), dtype=dtype, name="x")
        head = [xe]
    kh, kw = d.kernel
    sh, sw = d.stride
    dh, dwl = d.dilation
    xp = _zero_padded(xe, d.padding, dtype, "dw_pad")
    wd = te.placeholder(d.weight_shape(), dtype=dtype, name="wd")
    bd = te.placeholder((d.out_channels // b, b), dtype=dtype, name="bd") if d.bias else None
    rh = te.reduce_axis((0, kh), name="rh")
    rw = te.reduce_axis((0, kw), name="rw")
    acc = te.compute(d.blocked(d.out_shape), lambda n, cb, i, j, ci: te.sum(
        xp[n, cb, i * sh + rh * dh, j * sw + rw * dwl, ci].astype("float32") * wd[cb, rh, rw, ci].astype("float32"),
        axis=[rh, rw]), name="dw")

    def epi(*idx):
        v = acc[idx]
        if bd is not None:
            v = v + bd[idx[1], idx[-1]].astype("float32")
        return _activation(v, d.activation, "float32").astype(dtype)

    return [*head, wd, *([bd] if bd is not None else [])], te.compute(d.blocked(d.out_shape), epi, name="dw_out")


def lower_blocked(conv: BlockedConv, dtype: str = "float32"):
    """The PrimFunc of a :class:`BlockedConv` (see its docstring for the arguments and blocks)."""
    b = conv.block
    n_, c_, h_, w_ = conv.in_shape
    ib = conv.ib
    if conv.out_blocked and conv.kind != "dense":
        raise PlanError(f"only a dense kernel writes its rows blocked: {conv.describe()}")
    if conv.out_channels % b or c_ % ib or (c_ % b and conv.kind not in ("dense", "direct", "pointwise")):
        raise PlanError(f"blocked layout needs channels divisible by {b}: {c_} -> {conv.out_channels}")
    if conv.kind in ("depthwise", "expand_dw") and ib != b:
        raise PlanError(f"a blocked depthwise convolution reads the block it writes ({b}), not {ib}")
    if conv.groups > 1 and not (conv.kind == "direct" and ib == b and c_ == conv.out_channels == conv.groups * b):
        raise PlanError(f"a blocked grouped convolution needs groups of one block ({b} channels): "
                        f"{c_} -> {conv.out_channels} in {conv.groups} groups")
    head = []
    if conv.kind == "dense":
        x = te.placeholder((h_, c_), dtype=dtype, name="x")
    elif conv.kind == "expand_dw":
        head, x = _lower_expand(conv, dtype)
    elif conv.kind == "mbconv":
        head, x = _lower_mbconv_dw(conv, dtype)
    else:
        x = te.placeholder((n_, c_ // ib, h_, w_, ib), dtype=dtype, name="x")
    w = te.placeholder(conv.weight_shape(), dtype=dtype, name="w")
    bias = te.placeholder((conv.out_channels // b, b), dtype=dtype, name="b") if conv.bias else None
    oshape = conv.blocked(conv.out_shape)
    gate = None
    if conv.scale:
        if conv.kind != "pointwise":
            raise PlanError(f"only a pointwise kernel scales its input per channel: {conv.describe()}")
        gate = te.placeholder((n_, c_ // ib, 1, 1, ib), dtype=dtype, name="s")
        head = [x, gate]
    if conv.kind in ("pointwise", "mbconv"):
        rcb = te.reduce_axis((0, c_ // ib), name="rcb")
        rci = te.reduce_axis((0, ib), name="rci")
        if gate is not None:
            ws = te.compute((n_, conv.out_channels // b, c_, b), lambda n, ob, c, oi: (
                w[ob, c, oi].astype("float32") * gate[n, c // ib, 0, 0, c % ib].astype("float32")), name="conv_scale")
            acc = te.compute(oshape, lambda n, ob, h, ww, oi: te.sum(
                x[n, rcb, h, ww, rci].astype("float32") * ws[n, ob, rcb * ib + rci, oi], axis=[rcb, rci]),
                name="conv")
        else:
            acc = te.compute(oshape, lambda n, ob, h, ww, oi: te.sum(
                x[n, rcb, h, ww, rci].astype("float32") * w[ob, rcb * ib + rci, oi].astype("float32"),
                axis=[rcb, rci]), name="conv")
    elif conv.kind == "dense":
        rk = te.reduce_axis((0, c_), name="rk")

        def dense(m, ob, oi):
            return te.sum(x[m, rk].astype("float32") * w[ob, rk, oi].astype("float32"), axis=[rk])
        # (the axes' names are the loops' names the schedule reads the output's order from)
        acc = te.compute(oshape, (lambda ob, m, oi: dense(m, ob, oi)) if conv.out_blocked else dense, name="conv")
    elif conv.kind in ("depthwise", "direct", "expand_dw"):
        kh, kw = conv.kernel
        sh, sw = conv.stride
        dh, dw = conv.dilation
        xp = _zero_padded(x, conv.padding, dtype, "conv_pad")
    if conv.kind == "direct":
        rh = te.reduce_axis((0, kh), name="rh")
        rw = te.reduce_axis((0, kw), name="rw")
        rci = te.reduce_axis((0, ib), name="rci")
        gw = conv.split_width
        if gw:
            rg = te.reduce_axis((0, gw), name="rci")
            acc = te.compute(oshape, lambda n, ob, i, j, oi: te.sum(
                xp[n, ob, i * sh + rh * dh, j * sw + rw * dw, oi // gw * gw + rg].astype("float32")
                * w[ob, rh, rw, rg, oi].astype("float32"), axis=[rh, rw, rg]), name="conv")
        elif conv.groups > 1:
            acc = te.compute(oshape, lambda n, ob, i, j, oi: te.sum(
                xp[n, ob, i * sh + rh * dh, j * sw + rw * dw, rci].astype("float32")
                * w[ob, rh, rw, rci, oi].astype("float32"), axis=[rh, rw, rci]), name="conv")
        else:
            rcb = te.reduce_axis((0, c_ // ib), name="rcb")
            acc = te.compute(oshape, lambda n, ob, i, j, oi: te.sum(
                xp[n, rcb, i * sh + rh * dh, j * sw + rw * dw, rci].astype("float32")
                * w[ob, rcb, rh, rw, rci, oi].astype("float32"), axis=[rcb, rh, rw, rci]), name="conv")
    elif conv.kind in ("depthwise", "expand_dw"):
        rh = te.reduce_axis((0, kh), name="rh")
        rw = te.reduce_axis((0, kw), name="rw")
        acc = te.compute(oshape, lambda n, cb, i, j, ci: te.sum(
            xp[n, cb, i * sh + rh * dh, j * sw + rw * dw, ci].astype("float32") * w[cb, rh, rw, ci].astype("float32"),
            axis=[rh, rw]), name="conv")
    elif conv.kind not in ("pointwise", "dense", "mbconv"):
        raise PlanError(f"no blocked lowering for {conv.kind!r}")
    t = conv.tail
    r = te.placeholder(oshape, dtype=dtype, name="r") if t is not None and t.residual else None
    bound = _BoundTail(r, t.post_activation, t.residual) if t is not None else None

    def epi(*idx):
        v = acc[idx]
        ob, oi = idx[0 if conv.out_blocked else 1], idx[-1]
        if bias is not None:
            v = v + bias[ob, oi].astype("float32")
        return _tail(_activation(v, conv.activation, "float32"), bound, idx, "float32").astype(dtype)

    out = te.compute(oshape, epi, name="conv_out")
    args = [*(head or [x]), w, *([bias] if bias is not None else []), *([r] if r is not None else []), out]
    return te.create_prim_func(args).with_attr("global_symbol", "main")
