"""Lowering: every stage kind to a TE compute and a PrimFunc.

This is the only module of sepgen that touches ``tvm.te``.  A stage becomes one
PrimFunc whose arguments are, in order, the stage input ``x``, the stage's
parameters (sorted by their name in the plan), and the output ``y``.  Blocks are
named so that schedule templates can find them:

* ``<part>_pad``  the zero-padded input of a conv part (when it pads),
* ``<part>``      the convolution reduction of a part,
* ``<part>_out``  the epilogue (bias add, activation, cast to the storage dtype).

Chain stages put all their parts into one PrimFunc: the intermediates are
internal buffers that a schedule may compute at a tile of the consumer (fusion).
Accumulation is float32 for float16 storage; intermediates of chains stay float32.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from tvm import te, tirx

from .errors import PlanError
from .stages import ChainStage, ConvStage, FFTConv, Stage


@dataclass(frozen=True)
class Lowered:
    """A stage lowered to TE: its PrimFunc and what the schedules need to know."""

    func: object                 # tvm PrimFunc
    arg_names: tuple[str, ...]   # "x", params..., "y"
    arg_shapes: tuple[tuple[int, ...], ...]
    conv_blocks: tuple[str, ...]  # reduction blocks, producer first
    pad_blocks: tuple[str, ...]
    out_blocks: tuple[str, ...]


def stage_param_names(stage: Stage) -> tuple[str, ...]:
    return tuple(sorted(stage.param_shapes()))


def _conv_te(x: te.Tensor, w: te.Tensor, b, part: ConvStage, acc_dtype: str, out_dtype: str,
             blocks: dict, phase_split: bool = False) -> te.Tensor:
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
    if b is None and act is None and acc_dtype == out_dtype:
        return acc

    def epi(n, o, *idx):
        v = acc[(n, o, *idx)]
        if b is not None:
            v = v + b[o].astype(acc_dtype)
        return _activation(v, act, acc_dtype).astype(out_dtype)
    out = te.compute(out_shape, epi, name=f"{name}_out")
    blocks["out"].append(f"{name}_out")
    return out


def _activation(v, act, dtype):
    if act is None:
        return v
    zero = tirx.const(0, dtype)
    if act == "relu":
        return tirx.max(v, zero)
    if act == "relu6":
        return tirx.min(tirx.max(v, zero), tirx.const(6, dtype))
    if act == "silu":
        return v / (tirx.const(1, dtype) + tirx.exp(-v))
    raise PlanError(f"no lowering for activation {act!r}")


#: target families whose schedules read the input of a strided conv de-interleaved (see ``lower_stage``)
PHASE_SPLIT_FAMILIES = ("cpu",)


def lower_stage(stage: Stage, dtype: str, family: Optional[str] = "cpu") -> Lowered:
    """Lower one stage of a plan to a PrimFunc (not FFT stages: they run through an FFT library).

    ``family`` is the target family the PrimFunc is for.  For CPUs a part strided along its innermost
    axis (stride ``s``) gets its padded input *de-interleaved* in the ``<part>_pad`` block: padded
    column ``j`` is stored at ``[..., j % s, j // s]``, so the vector of outputs ``w..w+v`` reads tap
    ``k`` from ``[..., k % s, w + k // s ...]``, contiguous, instead of a gather of every s-th element
    (measured: the tuned MobileNet stem, 3->32 stride 2, 281 -> 149 us).  ``None`` gives the plain
    lowering (what MetaSchedule's own auto-scheduler is given as a peer, and the CUDA templates' input).
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
    cur = x
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        b = params[part.bias] if part.bias else None
        cur = _conv_te(cur, params[part.weight], b, part, acc_dtype, dtype if last else acc_dtype, blocks,
                       phase_split=family in PHASE_SPLIT_FAMILIES)
    if cur.dtype != dtype:  # defensive: the last part always casts
        raise PlanError("lowering produced the wrong output dtype")
    func = te.create_prim_func([x, *[params[p] for p in pnames], cur])
    func = func.with_attr("global_symbol", "main")
    shapes = (tuple(stage.in_shape), *[tuple(pshapes[p]) for p in pnames], tuple(stage.out_shape))
    return Lowered(func, ("x", *pnames, "y"), shapes, tuple(blocks["conv"]), tuple(blocks["pad"]),
                   tuple(blocks["out"]))
