"""Whole-model compilation: a PyTorch model becomes one TVM Relax program with sepgen's kernels inside.

The pipeline (:func:`compile_model`):

1. :func:`~sepgen.graph.capture.capture`: ``torch.export`` -> Relax, parameters bound as constants;
   ``FoldConstant`` folds what only reads constants (bias reshapes).
2. :func:`~sepgen.graph.fuse.find_groups`: each convolution with the batch norm, bias, activation and
   residual add that follow it.
3. Each group's convolution goes through sepgen's passes and cost model (exact, or within
   ``tolerance``); every stage of its plan is lowered with the group's epilogue, scheduled by
   sepgen's template (or replayed from ``log_dir``) and called with ``call_tir``.  Identical kernels
   (same stage, same epilogue) are one PrimFunc.
4. What is left goes through Relax's own passes: ``DecomposeOpsForInference``, ``LegalizeOps``,
   ``AnnotateTIROpPattern``, ``FuseOps``, ``FuseTIR``; every PrimFunc they make is given the default
   CPU schedule (:mod:`schedules.cpu.generic`: parallel outer loops, vector inner loops).
   Each linear layer (``matmul`` by a constant matrix, :func:`~sepgen.graph.fuse.find_dense`) becomes
   sepgen's dense kernel with its bias and activation.
5. Every tensor constant becomes a parameter of ``main`` (:func:`_lift_params`): the weights are saved
   beside the library, not inside it.
6. ``tvm.compile`` builds one executable for the Relax VM, TIR through sepgen's pipeline.

With ``layout="auto"`` a convolution whose output channels divide by the vector width runs in the
blocked layout ``NCHW[B]c`` (:func:`_blocked_conv`), and tensors stay blocked from kernel to kernel.
"""
from __future__ import annotations

import dataclasses
import sys
import time
import types
import warnings
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

from ..errors import GraphError, SpecError
from ..ir.spec import ConvSpec
from ..ir.stages import FFTConv, direct_plan, stage_param_names
from .capture import capture
from .fuse import ConvGroup, DenseGroup, find_dense, find_groups

#: PrimFunc attribute marking sepgen's own kernels (the default schedule leaves them alone)
KERNEL_ATTR = "sepgen.kernel"


@dataclass
class LayerReport:
    """One convolution of the compiled program and what became of it."""

    index: int
    var: str
    conv: str                 #: "96->24 k1x1 s1x1 g1 in56x56"
    plan: str                 #: stage kinds, "pointwise", "depthwise", ...
    fused: tuple[str, ...]    #: what its epilogue absorbed ("batch_norm", "relu6", "residual", ...)
    layout: str
    error: float              #: relative weight error of the plan (0 for exact)
    predicted_us: float
    kernels: tuple[str, ...]  #: the PrimFunc names it calls
    source: str = "default"   #: "default" (template defaults) or "tuned:<log>"
    kernel_us: Optional[float] = None   #: measured (``ModelProgram.profile``)

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass
class CompileReport:
    layers: list = field(default_factory=list)
    ops: dict = field(default_factory=dict)          #: Relax op counts of the captured program
    other_funcs: int = 0                             #: PrimFuncs made by legalization (default schedule)
    seconds: dict = field(default_factory=dict)      #: wall time of each step
    notes: list = field(default_factory=list)
    check: dict = field(default_factory=dict)        #: against eager on the example inputs
    profile: dict = field(default_factory=dict)      #: ``ModelProgram.profile``: kernels and other operators
    tuning: dict = field(default_factory=dict)       #: a ``time_budget``'s summary (:func:`_spend_budget`)

    def format(self) -> str:
        rows = [f"{'#':>3}  {'var':<10} {'conv':<34} {'plan':<22} {'fused':<34} {'layout':<6} {'error':>7} "
                f"{'pred us':>8} {'meas us':>8}"]
        for l in self.layers:
            meas = f"{l.kernel_us:8.1f}" if l.kernel_us is not None else f"{'-':>8}"
            rows.append(f"{l.index:>3}  {l.var:<10} {l.conv:<34} {l.plan:<22} {'+'.join(l.fused) or '-':<34} "
                        f"{l.layout:<6} {l.error:>7.2g} {l.predicted_us:>8.1f} {meas}")
        rows.append(f"layers: {len(self.layers)} ({len({k for l in self.layers for k in l.kernels})} distinct "
                    f"kernels); other operators: {self.other_funcs} fused functions with the default CPU schedule")
        if self.seconds:
            rows.append("time: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items()))
        if self.profile:
            p = self.profile
            rows.append(f"measured, each function on its own: sepgen's kernels {p['kernels_us'] / 1e3:.2f} ms, "
                        f"other operators {p['other_us'] / 1e3:.2f} ms"
                        + (" (" + ", ".join(f"{n} {t:.0f} us" for n, t in p["other_top"]) + ")" if p["other_top"]
                           else ""))
        if self.check:
            rows.append(f"against PyTorch eager on the example inputs: max relative error "
                        f"{self.check['max_rel_error']:.2g}, same top-1: {'yes' if self.check['top1_match'] else 'NO'}")
        rows.extend(self.notes)
        return "\n".join(rows)

    def to_dict(self) -> dict:
        return {"layers": [l.to_dict() for l in self.layers], "ops": dict(self.ops),
                "other_funcs": self.other_funcs, "seconds": dict(self.seconds), "notes": list(self.notes),
                "check": dict(self.check), "profile": dict(self.profile), "tuning": dict(self.tuning)}


def _conv_text(spec: ConvSpec) -> str:
    return (f"{spec.in_channels}->{spec.out_channels} k{'x'.join(map(str, spec.kernel_size))} "
            f"s{'x'.join(map(str, spec.stride))} g{spec.groups} in{'x'.join(map(str, spec.spatial))}")


def _say(progress: bool, msg: str) -> None:
    if progress:
        print(msg, file=sys.stderr, flush=True)


def _plan_group(grp: ConvGroup, tolerance: float):
    """The plan for a group's convolution (batch norm folded in), with its activation in the epilogue."""
    from ..analysis.cost import DEFAULT_COST_MODEL
    from ..passes.pipeline import choose_plan

    s = grp.conv.spec
    spec = ConvSpec.create(s.input_shape, grp.weight.shape, stride=s.stride, padding=s.padding,
                           dilation=s.dilation, groups=s.groups, bias=grp.bias is not None, dtype=s.dtype)
    model = DEFAULT_COST_MODEL
    plan, _ = choose_plan(spec, grp.weight, grp.bias, tolerance=tolerance, cost_model=model)
    if any(isinstance(st, FFTConv) for st in plan.stages):
        # an FFT stage runs through torch.fft, which has no place inside the program
        plan = direct_plan(spec, grp.weight, grp.bias)
    if grp.activation is not None:
        plan = plan.with_activation(grp.activation)
    return plan, model.plan_us(plan)


#: layouts ``compile_model`` accepts: "auto" (blocked NCHW[x]c kernels where they apply), "NCHW"
LAYOUTS = ("auto", "NCHW")


def channel_blocks(tgt) -> tuple[int, ...]:
    """The blocks a tensor may have on ``tgt``, in order of preference: the vector width, and on AVX-512
    also half of it (MobileNetV2's 24 channels, EfficientNet's 40: a ymm block where a zmm one does not
    divide)."""
    lanes = tgt.vector_bits // 32
    return (lanes, lanes // 2) if lanes >= 16 else (lanes,)


#: on AVX-512, a tensor whose channels 16 does not divide is padded with zero channels to the next multiple
#: of 16 when that adds at most this fraction (40 -> 48, 72 -> 80, 104 -> 112, 120 -> 128, 184 -> 192,
#: 200 -> 208, 440 -> 448: a zmm block at up to 20% more work beats a ymm one at half the width); others
#: (24) keep blocks of 8
PAD_MAX_FRACTION = 0.2


def _pad(c: int, b: int) -> int:
    return -(-c // b) * b


def plan_blocks(groups, tgt) -> dict:
    """``{channels: (block, stored channels)}`` for every channel count the model's convolutions read or
    write: the first of :func:`channel_blocks` that divides it, or, with blocks of 16, the next multiple of
    16 where it adds at most :data:`PAD_MAX_FRACTION` zero channels (channels no block fits are absent);
    the channels of a grouped convolution take a block its group width divides (its kernel computes the
    groups of one block together: RegNet's groups of 8 channels, two to a block of 16, each group's lanes a
    vector of 8 (``BlockedConv.group_width``; the block-diagonal 16x16 taps before it did twice the
    multiply-adds: on the znver4 host 208x14x14 54 -> 36 us, 104x28x28 121 -> 73, 48x112x112 s2 219 -> 161).
    One layout per channel count keeps every tensor of that
    many channels in it, through residual adds and squeeze-excitations, with no conversion between kernels.

    A padded tensor's extra channels are zeros: its producer's weights and bias are zero there and every
    epilogue maps 0 to 0; its consumers' weights are zero there."""
    blocks = channel_blocks(tgt)

    def choose(c: int, gw: int = 1):
        for b in blocks:
            if b % gw == 0 and c % b == 0:
                return b, c
            if b % gw == 0 and b >= 16 and c % gw == 0 and c > b and _pad(c, b) <= (1 + PAD_MAX_FRACTION) * c:
                return b, _pad(c, b)
        return None

    forced = {}
    for grp in groups:
        s = grp.conv.spec
        if s.groups > 1 and not (s.groups == s.in_channels == s.out_channels) and s.in_channels == s.out_channels:
            got = choose(s.in_channels, s.in_channels // s.groups)
            if got is not None:
                forced.setdefault(s.in_channels, got)
    out = {}
    for grp in groups:
        s = grp.conv.spec
        for c in (s.in_channels, s.out_channels):
            got = forced.get(c) or choose(c)
            if got is not None and got[0] >= 4:
                out[c] = got
    return out


def _blocked_conv(grp: ConvGroup, plan, tgt, tail, cblocks: dict):
    """The blocked-layout kernel for a group whose plan is one 2-D convolution stage: depthwise, pointwise
    (stride 1, no padding) or any other with groups 1 or groups in one vector block (``direct``), output
    channels in a block (``cblocks``: :func:`plan_blocks`, padded channels computed as zeros; an input of
    fewer channels than a block is read as NCHW); else None."""
    from ..codegen.lowering import BlockedConv

    s = plan.spec
    if s.out_channels not in cblocks or len(s.input_shape) != 4 or len(plan.stages) != 1 or s.dtype != "float32":
        return None
    b, co = cblocks[s.out_channels]
    kind = plan.kinds[0]
    c = s.in_channels
    if kind == "pointwise" and (s.groups != 1 or any(v != 1 for v in s.stride)
                                or any(p != (0, 0) for p in s.padding)):
        kind = "direct"
    if kind == "depthwise" and not (s.groups == s.in_channels == s.out_channels):
        kind = "direct"
    if kind not in ("pointwise", "depthwise", "direct"):
        return None
    groups = 1
    ib, ci = cblocks.get(c, (None, c))
    if kind == "direct":
        if s.groups == 1:
            if ib is None:
                if c >= min(channel_blocks(tgt)):
                    return None
                ib = 1                # fewer channels than a block (a stem): NCHW read as it is
        elif not (c == s.out_channels and b % (c // s.groups) == 0):
            return None
        else:
            groups = co // b          # groups of one block, or several groups of a narrower width in one
    elif ib is None or (kind == "depthwise" and ib != b):
        return None
    n, _, h, w = s.input_shape
    return BlockedConv(kind, (n, ci, h, w), co, kernel=tuple(s.kernel_size),
                       stride=tuple(s.stride), padding=tuple(tuple(p) for p in s.padding), dilation=tuple(s.dilation),
                       block=b, bias=grp.bias is not None, activation=grp.activation, tail=tail, groups=groups,
                       in_block=0 if ib == b else ib,
                       group_width=c // s.groups if groups > 1 and c // s.groups < b else 0)


#: an expansion with at most this many input channels is computed inside its depthwise layer's kernel
#: (``expand_dw``) ...
BLOCK_MAX_IN_CHANNELS = 48
#: ... when its plane is at least this wide.  Measured here (AVX2, 2 threads, us, fused against the two
#: kernels, each at its best setting): 16->96 at 112x112 then 3x3 s2 440 against 716; 24->144 at 56x56
#: s1 253 against 445, s2 199 against 307; 32->192 at 28x28 87 against 105; 40->240 at 28x28 5x5 161
#: against 176, 3x3 s2 112 against 128; 48->288 at 28x28 176 against 192 (and the expanded tensor, 0.7-1
#: MB, not written); but 64->384 at 14x14 277 against 140 (a long expansion is compute-bound in the
#: block's one-channel-block micro-kernel, and the rows two tiles share are computed twice).
BLOCK_MIN_WIDTH = 28


def _block_pairs(groups: list, convs: list, func, taken=()) -> dict:
    """``{depthwise group index: expansion group index}`` for the pairs one ``expand_dw`` kernel computes: a
    blocked pointwise layer (no residual or activation after its epilogue) whose result only that blocked
    depthwise layer reads, with a short reduction and a wide plane (see ``BLOCK_MAX_IN_CHANNELS``); none in
    ``taken`` (layers of an ``mbconv`` block)."""
    from schedules.cpu.blocked import EXPAND_TILES

    from .fuse import _Graph

    g = _Graph(func)
    readers = _readers(groups)
    out = {}
    for i in range(len(groups)):
        if i in taken or convs[i] is None or not any(convs[i].in_shape[3] % t == 0 for t in EXPAND_TILES[:3]):
            continue
        d = _expansion_reader(i, groups, convs, g, readers, BLOCK_MAX_IN_CHANNELS, BLOCK_MIN_WIDTH)
        if d is not None and d not in taken:
            out[d] = i
    return out


#: an expansion, depthwise layer and projection (each the only reader of the one before) run as one ``mbconv``
#: kernel when the expansion has at most this many input channels ...
MBCONV_MAX_IN_CHANNELS = 96
#: ... and the depthwise output at least this many rows (two tasks of 7; at 7x7 a task of one row expands
#: three).  Measured here (AVX-512, 2 threads): warm and alone, each at its best setting, against expand_dw
#: + pointwise (or expand + depthwise + pointwise at 14x14), us: 32->192->32 at 28x28 84 against 92,
#: 24->144->24 at 56x56 261 against 250, 16->96->24 at 112x112 s2 298 against 294, 64->384->64 at 14x14 81
#: against 77, 96->576->96 177 against 157; but in the whole model, where the 0.4-1.8 MB filtered tensor is
#: no longer written and read back, MobileNetV2 takes 3.37 ms against 3.70 (one process, alternating
#: rounds, medians; defaults), 3.45 of it with the blocks at 28x28 and wider alone
MBCONV_MIN_ROWS = 14


def _expansion_reader(i: int, groups: list, convs: list, g, readers: dict, max_in: int, min_width: int):
    """The index of the blocked depthwise layer that alone reads blocked pointwise expansion ``i`` (no tail,
    at most ``max_in`` input channels, a plane at least ``min_width`` wide), else None."""
    e = convs[i]
    if e is None or e.kind != "pointwise" or e.tail is not None or e.groups != 1:
        return None
    n, c, h, w = e.in_shape
    if c > max_in or w < min_width:
        return None
    js = readers.get(groups[i].tail_var.name, [])
    if len(js) != 1 or len(g.users_of(groups[i].tail_var)) != 1:
        return None
    d = convs[js[0]]
    if d is not None and d.kind == "depthwise" and d.tail is None and d.dilation == (1, 1) \
            and d.in_shape == (n, e.out_channels, h, w):
        return js[0]
    return None


def _readers(groups: list) -> dict:
    out = {}
    for j, grp in enumerate(groups):
        out.setdefault(grp.input.name, []).append(j)
    return out


#: a squeeze-excitation's channel scale into the projection after it (``_gated_inputs``): the projection's
#: weights scaled by the gate in its kernel, so the scaled tensor is never written
SE_SCALE_IN_PROJECTION = True


def _block_triples(groups: list, convs: list, func) -> dict:
    """``{projection index: (expansion index, depthwise index)}`` for the inverted-residual blocks one
    ``mbconv`` kernel computes: an expansion (see ``MBCONV_MAX_IN_CHANNELS``) whose result only a blocked
    depthwise layer of at least ``MBCONV_MIN_ROWS`` output rows reads, whose result only a blocked pointwise
    projection in its block reads; then, among the layers left, each such depthwise layer and projection
    without an expansion (expansion index None)."""
    from .fuse import _Graph

    g = _Graph(func)
    readers = _readers(groups)
    def projection(d):
        """The blocked pointwise layer in ``d``'s block that alone reads depthwise layer ``d``, else None."""
        js = readers.get(groups[d].tail_var.name, [])
        if len(js) != 1 or len(g.users_of(groups[d].tail_var)) != 1 or js[0] in taken:
            return None
        p = convs[js[0]]
        ok = p is not None and p.kind == "pointwise" and p.groups == 1 and p.ib == convs[d].block \
            and tuple(p.in_shape) == tuple(convs[d].out_shape)
        return js[0] if ok else None

    out, taken = {}, set()
    for i in range(len(groups)):      # in order, a layer in one block at most (MobileNetV1's pw -> dw -> pw chain)
        d = _expansion_reader(i, groups, convs, g, readers, MBCONV_MAX_IN_CHANNELS, 1)
        if i in taken or d is None or convs[d].out_shape[2] < MBCONV_MIN_ROWS:
            continue
        p = projection(d)
        if p is not None:
            out[p] = (i, d)
            taken.update((i, d, p))
    for d, dconv in enumerate(convs):   # a depthwise layer and its projection, no expansion (MobileNetV1)
        if d in taken or dconv is None or dconv.kind != "depthwise" or dconv.tail is not None \
                or dconv.dilation != (1, 1) or dconv.out_shape[2] < MBCONV_MIN_ROWS:
            continue
        p = projection(d)
        if p is not None:
            out[p] = (None, d)
            taken.update((d, p))
    return out


def _gate_operands(value):
    """``(tensor, gate)`` of ``multiply(tensor, gate)`` or ``multiply(gate, tensor)`` with ``gate`` an (N, C, 1, 1)
    var scaling an (N, C, H, W) var per channel (a squeeze-excitation's channel scale), else None."""
    from tvm import relax

    from .fuse import _op, _static_shape

    if _op(value) != "relax.multiply":
        return None
    a, g = value.args
    sa = _static_shape(a)
    if sa is not None and sa[2:] == (1, 1):
        a, g = g, a
    if not (isinstance(a, relax.Var) and isinstance(g, relax.Var)):
        return None
    xs, gs = _static_shape(a), _static_shape(g)
    if xs is None or gs is None or len(gs) != 4 or gs[2:] != (1, 1) or gs[:2] != xs[:2] or xs[2:] == (1, 1):
        return None
    return a, g


def _gated_inputs(groups: list, convs: list, func, taken=()) -> dict:
    """``{group index: (tensor var, gate var)}`` for the blocked pointwise layers (none in ``taken``) whose
    input is ``tensor * gate`` (a squeeze-excitation's channel scale, an (N, C, 1, 1) gate, either operand
    order) that only they read, on a plane of at least as many pixels as they have output channels (the
    weights no larger than the tensor): their kernel scales its weights by the gate instead (``scale``).
    Measured here (one process, alternating rounds): EfficientNet-B0 6.25 ms against 6.46, MobileNetV3 level;
    RegNetY-400MF, whose 7x7 gates multiply 440x440 weights for 49 pixels, 1% slower before this bound."""
    from .fuse import _Graph, _static_shape

    g = _Graph(func)
    out = {}
    for i, (grp, conv) in enumerate(zip(groups, convs)):
        if i in taken or conv is None or conv.kind != "pointwise" or conv.groups != 1:
            continue
        v = g.binding.get(grp.input)
        got = _gate_operands(v) if v is not None and len(g.users_of(grp.input)) == 1 else None
        if got is None:
            continue
        a, gate = got
        xs = _static_shape(a)
        if xs != _static_shape(grp.input) or xs[2] * xs[3] < conv.out_channels:   # (scaling the weights: more work)
            continue
        out[i] = (a, gate)
    return out


def _packed_params(conv, grp: ConvGroup, dtype: str) -> list:
    """The weight (and bias) of a group packed for its blocked kernel."""
    b = conv.block
    w = grp.weight
    if conv.kind == "dense":   # (K, N) -> [N/B, K, B]
        k, n = w.shape
        out = [np.ascontiguousarray(w.reshape(k, n // b, b).transpose(1, 0, 2).astype(dtype))]
        if conv.bias:
            out.append(np.ascontiguousarray(grp.bias.reshape(n // b, b).astype(dtype)))
        return out
    o = conv.out_channels        # padded channels (plan_blocks) get zero weights and bias
    spec = getattr(getattr(grp, "conv", None), "spec", None)
    # a grouped convolution of one block (groups 1 in the kernel) is packed block-diagonal as with more
    grouped = conv.kind in ("depthwise", "expand_dw") or conv.groups > 1 or \
        (conv.kind == "direct" and spec is not None and spec.groups > 1)
    ci = w.shape[1] if grouped else conv.in_shape[1]
    if w.shape[:2] != (o, ci):
        full = np.zeros((o, ci, *w.shape[2:]), w.dtype)
        full[:w.shape[0], :w.shape[1]] = w
        w = full
    bias = grp.bias
    if conv.bias and bias.shape[0] != o:
        bias = np.concatenate([bias, np.zeros(o - bias.shape[0], bias.dtype)])
    if conv.kind in ("pointwise", "mbconv"):
        packed = w.reshape(o // b, b, -1).transpose(0, 2, 1)           # [O/B, C, B]
    elif conv.kind == "direct" and grouped and conv.split_width:
        if w.shape[1] != conv.split_width:
            raise GraphError(f"a weight of groups of {w.shape[1]} channels for a kernel of groups of "
                            f"{conv.split_width}: {conv.describe()}")
        packed = w.reshape(o // b, b, w.shape[1], *w.shape[2:]).transpose(0, 3, 4, 2, 1)   # [O/B, KH, KW, G, B]
    elif conv.kind == "direct" and grouped:
        gw = w.shape[1]
        if gw < b:            # groups narrower than a block: the block's taps block-diagonal
            full = np.zeros((o, b, *w.shape[2:]), w.dtype)
            for oc in range(o):
                start = oc // gw * gw - oc // b * b     # the group's first input channel within the block
                full[oc, start:start + gw] = w[oc]
            w = full
        packed = w.reshape(o // b, b, b, *w.shape[2:]).transpose(0, 3, 4, 2, 1)   # [O/B, KH, KW, B, B]
        if conv.groups == 1:  # one block: the kernel's [O/B, C/B = 1, KH, KW, B, B]
            packed = packed[:, None]
    elif conv.kind == "direct":
        ib = conv.ib
        packed = w.reshape(o // b, b, w.shape[1] // ib, ib, *w.shape[2:]).transpose(0, 2, 4, 5, 3, 1)
    else:
        packed = w.reshape(o // b, b, *w.shape[2:]).transpose(0, 2, 3, 1)   # [C/B, KH, KW, B]
    out = [np.ascontiguousarray(packed.astype(dtype))]
    if conv.bias:
        out.append(np.ascontiguousarray(bias.reshape(o // b, b).astype(dtype)))
    return out


def _plan_dense(groups: list, tgt, kernels, jobs: dict, report, progress: bool) -> None:
    """A blocked dense kernel (:class:`~sepgen.codegen.lowering.BlockedConv` ``dense``) for each linear layer
    whose output features divide by a block (:func:`channel_blocks`); the others stay with Relax's legalized matmul."""
    from ..codegen.lowering import BlockedConv

    for grp in groups:
        k, n = grp.weight.shape
        b = next((b for b in channel_blocks(tgt) if n % b == 0), 0)
        if b < 4:
            continue
        image = grp.residual is not None
        if image:
            # the layer scale folded into the weight and bias; the output written in the blocked layout
            # (the next depthwise layer and residual read it there), the residual read in it
            from ..codegen.lowering import Tail

            conv = BlockedConv("dense", (1, k, grp.rows, 1), n, block=b, bias=grp.bias is not None,
                               tail=Tail(residual=True), out_blocked=True)
            folded = types.SimpleNamespace(weight=grp.weight * grp.scale[None, :],
                                           bias=grp.bias * grp.scale if grp.bias is not None else None)
            consts = _packed_params(conv, folded, "float32")
            shape = (n // b, grp.rows, b)
        else:
            conv = BlockedConv("dense", (1, k, grp.rows, 1), n, block=b, bias=grp.bias is not None,
                               activation=grp.activation)
            consts = _packed_params(conv, grp, "float32")
            shape = (grp.rows, n // b, b)
        name, func, source = kernels.get_blocked(conv, "float32")
        jobs[grp.tail_var.name] = {"dense": True, "input": grp.input, "rows": grp.rows, "k": k,
                                   "out_shape": grp.out_shape, "block": b if image else 0,
                                   "residual": grp.residual, "image": grp.image,
                                   "calls": [(name, func, consts, shape, "float32", None)]}
        i = len(report.layers)
        text = f"dense {k}->{n} x{grp.rows} rows"
        report.layers.append(LayerReport(i, grp.var.name, text, "dense", tuple(grp.fused),
                                         f"NCHW{b}c" if image else f"rows x {b}",
                                         0.0, _dense_us(grp), (name,), source))
        _say(progress, f"  [{i + 1}] {grp.var.name}: {text}{' +' + '+'.join(grp.fused) if grp.fused else ''}")


def _dense_us(grp: DenseGroup) -> float:
    """The cost model's time for a dense layer: a 1x1 convolution over its rows."""
    from ..analysis.cost import DEFAULT_COST_MODEL

    k, n = grp.weight.shape
    spec = ConvSpec.create((1, k, grp.rows, 1), (n, k, 1, 1), bias=grp.bias is not None)
    return float(DEFAULT_COST_MODEL.plan_us(direct_plan(spec, grp.weight.T.reshape(n, k, 1, 1), grp.bias)))


class _Kernels:
    """The scheduled PrimFuncs of the program, one per distinct (stage, epilogue)."""

    def __init__(self, target, replay=None, search=None, collect: bool = False):
        self.target = target
        self.replay = replay
        self.search = search
        self.collect = collect   # count the kernels a model calls, schedule none (a time budget's first pass)
        self.funcs = {}      # key -> (name, PrimFunc, source)
        self.uses = {}       # key -> [BlockedConv or Stage, dtype, calls per model run]

    def _use(self, key, what, dtype: str) -> None:
        self.uses.setdefault(key, [what, dtype, 0])[2] += 1

    def get_blocked(self, conv, dtype: str):
        """The scheduled PrimFunc of a blocked-layout kernel (template defaults)."""
        import tvm
        from tvm import s_tir

        from schedules.cpu.blocked import accumulators_for, schedule_blocked

        from ..codegen.lowering import lower_blocked

        key = ("blocked", conv, dtype)
        self._use(key, conv, dtype)
        got = self.funcs.get(key)
        if got is None and self.collect:
            got = self.funcs[key] = (f"sepgen_{conv.kind}_{len(self.funcs)}", None, "pending")
        if got is None:
            knobs, source = (self.search.knobs_for(conv, dtype) if self.search is not None else (None, "default"))
            sch = s_tir.Schedule(tvm.IRModule({"main": lower_blocked(conv, dtype)}))
            schedule_blocked(sch, conv.kind, conv.block, int(self.target.num_cores), knobs,
                             accumulators_for(self.target.vector_bits))
            name = f"sepgen_{conv.kind}_nchw{conv.block}c_{len(self.funcs)}"
            func = sch.mod["main"].with_attr("global_symbol", name).with_attr(KERNEL_ATTR, 1).with_attr("op_pattern", 8)
            got = (name, func, source)
            self.funcs[key] = got
        return got[0], got[1], got[2]

    def get(self, stage, dtype: str, tail):
        from ..codegen.build import schedule_stage
        from ..ir.serialize import stage_to_dict

        key = (repr(sorted(stage_to_dict(stage).items())), dtype, tail)
        self._use(key, stage, dtype)
        got = self.funcs.get(key)
        if got is None and self.collect:
            got = self.funcs[key] = (f"sepgen_{stage.kind}_{len(self.funcs)}", None, "pending")
        if got is None:
            source = "default"
            func = None
            if self.replay is not None:
                func, source = self.replay(stage, dtype, tail)
            if func is None:
                _, sch = schedule_stage(stage, dtype, self.target, tail=tail)
                func, source = sch.mod["main"], "default"
            name = f"sepgen_{stage.kind}_{len(self.funcs)}"
            func = func.with_attr("global_symbol", name).with_attr(KERNEL_ATTR, 1).with_attr("op_pattern", 8)
            got = (name, func, source)
            self.funcs[key] = got
        return got


def _block_of(v) -> int:
    """The block (last dimension) of a blocked Relax tensor."""
    return int(v.ty.shape[-1])


def _layout_text(conv, grp) -> str:
    """``NCHW16c``, or ``NCHW16c (40 -> 48 channels)`` for a layer whose output is padded."""
    c = grp.conv.spec.out_channels
    return f"NCHW{conv.block}c" + (f" ({c} -> {conv.out_channels} channels)" if conv.out_channels != c else "")


def _unblock(t, channels: int):
    """The NCHW expression of a blocked tensor ``t`` of ``channels`` channels (dropping a padded block's
    zero channels)."""
    from tvm import relax

    b = _block_of(t)
    y = relax.op.layout_transform(t, index_map=lambda n, cb, h, w, ci: (n, cb * b + ci, h, w))
    if int(t.ty.shape[1]) * b != channels:
        y = relax.op.strided_slice(y, axes=[1], begin=[0], end=[channels])
    return y


def _rewrite(mod, jobs: dict, blocked_layout: bool = False):
    """``mod`` with each group's tail binding replaced by ``call_tir``\\ s of its kernels; with
    ``blocked_layout``, blocked tensors stay blocked (in their own block) through a squeeze-excitation's
    mean and channel scale."""
    from tvm import relax

    @relax.expr_functor.mutator
    class Replace(relax.PyExprMutator):
        def __init__(self, mod):
            super().__init__(mod)
            self.source = mod
            self.gvars = {}
            self.blocked = {}   # var name -> its blocked version

        def gvar(self, name, func):
            if name not in self.gvars:
                self.gvars[name] = self.builder_.add_func(func, name)
            return self.gvars[name]

        def to_blocked(self, orig, block: int):
            """The blocked (N, C/B, H, W, B) version of ``orig``: a blocked kernel's own result (when in that
            block), else converted once and shared by every blocked consumer (a block of 1 is NCHW itself)."""
            got = self.blocked.get(orig.name)
            if got is not None and _block_of(got) == block:
                return got
            key = (orig.name, block)
            got = self.blocked.get(key)
            if got is None:
                v = self.visit_expr(orig)
                if block == 1:     # N, C, H, W, 1: the NCHW tensor itself (a view, no copy)
                    n, c, h, w = (int(d) for d in v.ty.shape)
                    got = self.builder_.emit(relax.op.reshape(v, (n, c, h, w, 1)))
                else:             # (zeros in the channels a padded block adds)
                    got = self.builder_.emit(relax.op.layout_transform(
                        v, index_map=lambda n, c, h, w: (n, c // block, h, w, c % block),
                        pad_value=0.0 if int(v.ty.shape[1]) % block else None))
                self.blocked[key] = got
            return got

        def visit_blocked(self, binding, job):
            b = job["block"]
            name, func, consts, out_shape, dtype, residual = job["calls"][0]
            ib = job.get("in_block") or b
            args = [self.to_blocked(job["input"], ib),
                    *([self.to_blocked(job["gate"], ib)] if job.get("gate") is not None else []),
                    *[relax.const(c) for c in consts]]
            if residual is not None:
                args.append(self.to_blocked(residual, b))
            n, c, h, w = out_shape
            yb = self.builder_.emit(relax.call_tir(self.gvar(name, func), args,
                                                   relax.TensorType([n, c // b, h, w, b], dtype)))
            back = _unblock(yb, int(binding.var.ty.shape[1]))
            if isinstance(binding.var, relax.DataflowVar):
                new = self.builder_.emit(back, name_hint=binding.var.name)
            else:
                new = self.builder_.emit_output(back, name_hint=binding.var.name)
            self.blocked[binding.var.name] = yb
            self.set_var_remap(binding.var, new)

        def emit_like(self, binding, value):
            if isinstance(binding.var, relax.DataflowVar):
                return self.builder_.emit(value, name_hint=binding.var.name)
            return self.builder_.emit_output(value, name_hint=binding.var.name)

        def visit_channel_op(self, binding) -> bool:
            """A squeeze-excitation's global mean and channel scale of a blocked tensor, done blocked (they
            would otherwise convert the tensor to NCHW and back).  True when it handled ``binding``."""
            v = binding.value
            op = getattr(getattr(v, "op", None), "name", None)
            if op not in ("relax.mean", "relax.multiply") or not blocked_layout:
                return False

            def to_nchw(t):
                return _unblock(t, int(binding.var.ty.shape[1]))
            if op == "relax.mean":
                x = v.args[0]
                axes = sorted(int(a) % 4 for a in v.attrs.axis) if v.attrs.axis is not None else []
                if not isinstance(x, relax.Var) or x.name not in self.blocked or axes != [2, 3] \
                        or not bool(v.attrs.keepdims):
                    return False
                mb = self.builder_.emit(relax.op.mean(self.blocked[x.name], axis=[2, 3], keepdims=True))
                self.blocked[binding.var.name] = mb       # the squeeze's first FC reads it blocked
                self.set_var_remap(binding.var, self.emit_like(binding, to_nchw(mb)))
                return True

            got = _gate_operands(v)           # the scaled tensor and its (N, C, 1, 1) gate, in either order
            if got is None or got[0].name not in self.blocked:
                return False
            a, g = got
            gb = self.to_blocked(g, _block_of(self.blocked[a.name]))
            yb = self.builder_.emit(relax.op.multiply(self.blocked[a.name], gb))
            self.blocked[binding.var.name] = yb
            self.set_var_remap(binding.var, self.emit_like(binding, to_nchw(yb)))
            return True

        def visit_dense(self, binding, job):
            name, func, consts, out_shape, dtype, _ = job["calls"][0]
            x = self.visit_expr(job["input"])
            if len(job["input"].ty.shape) != 2:
                x = self.builder_.emit(relax.op.reshape(x, [job["rows"], job["k"]]))
            args = [x, *[relax.const(c) for c in consts]]
            if job.get("residual") is not None:     # out_blocked: [O/B, M, B] is the image's blocked layout
                b = job["block"]
                ob, m, _ = out_shape
                h, w = job["image"]
                args.append(self.builder_.emit(relax.op.reshape(self.to_blocked(job["residual"], b), [ob, m, b])))
                y = self.builder_.emit(relax.call_tir(self.gvar(name, func), args,
                                                      relax.TensorType(list(out_shape), dtype)))
                yb = self.builder_.emit(relax.op.reshape(y, [1, ob, h, w, b]))
                self.blocked[binding.var.name] = yb
                self.set_var_remap(binding.var, self.emit_like(binding, _unblock(yb, ob * b)))
                return
            y = self.builder_.emit(relax.call_tir(self.gvar(name, func), args,
                                                  relax.TensorType(list(out_shape), dtype)))
            self.set_var_remap(binding.var, self.emit_like(binding, relax.op.reshape(y, list(job["out_shape"]))))

        def visit_to_nhwc(self, binding) -> bool:
            """``permute_dims(x, [0, 2, 3, 1])`` of a blocked tensor (ConvNeXt's depthwise output into its
            layer norm): one copy from the blocked layout, whole blocks at a time, instead of a conversion
            to NCHW and a transpose.  True when it handled ``binding``."""
            v = binding.value
            if not blocked_layout or getattr(getattr(v, "op", None), "name", None) != "relax.permute_dims":
                return False
            x = v.args[0]
            axes = [int(a) for a in v.attrs.axes] if v.attrs.axes is not None else None
            if axes != [0, 2, 3, 1] or not isinstance(x, relax.Var) or x.name not in self.blocked:
                return False
            xb = self.blocked[x.name]
            b = _block_of(xb)
            if int(xb.ty.shape[1]) * b != int(x.ty.shape[1]):     # a padded block: the general path
                return False
            y = relax.op.layout_transform(xb, index_map=lambda n, cb, h, w, ci: (n, h, w, cb * b + ci))
            self.set_var_remap(binding.var, self.emit_like(binding, y))
            return True

        def visit_var_binding_(self, binding):
            job = jobs.get(binding.var.name)
            if job is None:
                if self.visit_channel_op(binding) or self.visit_to_nhwc(binding):
                    return None
                return super().visit_var_binding_(binding)
            if job.get("dense"):
                return self.visit_dense(binding, job)
            if job.get("block"):
                return self.visit_blocked(binding, job)
            cur = self.visit_expr(job["input"])
            calls = job["calls"]
            new = None
            for k, (name, func, consts, out_shape, dtype, residual) in enumerate(calls):
                args = [cur, *[relax.const(c) for c in consts]]
                if residual is not None:
                    args.append(self.visit_expr(residual))
                call = relax.call_tir(self.gvar(name, func), args, relax.TensorType(list(out_shape), dtype))
                if k < len(calls) - 1:
                    cur = self.builder_.emit(call)
                elif isinstance(binding.var, relax.DataflowVar):
                    new = self.builder_.emit(call, name_hint=binding.var.name)
                else:
                    new = self.builder_.emit_output(call, name_hint=binding.var.name)
            self.set_var_remap(binding.var, new)

        def run(self):
            for gv, func in list(self.source.functions_items()):
                if isinstance(func, relax.Function):
                    self.builder_.update_func(gv, self.visit_expr(func))
            return self.builder_.get()

    return Replace(mod).run()


def _decompose_gelu():
    """``gelu(x)`` as ``0.5 x (1 + erf(x / sqrt 2))`` in Relax ops, so that FastMathTransform gives its erf
    a vectorizable polynomial (legalized whole, it calls libm's scalar ``erff`` per element)."""
    import tvm
    from tvm import relax

    @relax.expr_functor.mutator
    class Gelu(relax.PyExprMutator):
        def visit_call_(self, call):
            call = super().visit_call_(call)
            if getattr(call.op, "name", None) != "relax.nn.gelu":
                return call
            x = call.args[0]
            dt = str(x.ty.dtype)
            half = relax.const(0.5, dt)
            erf = relax.op.erf(relax.op.multiply(x, relax.const(0.7071067811865476, dt)))
            return relax.op.multiply(relax.op.multiply(x, half), relax.op.add(relax.const(1.0, dt), erf))

    @tvm.transform.module_pass(opt_level=0, name="sepgen.DecomposeGelu")
    def run(mod, _ctx):
        m = Gelu(mod)
        for gv, func in list(mod.functions_items()):
            if isinstance(func, relax.Function):
                m.builder_.update_func(gv, m.visit_expr(func))
        return m.builder_.get()

    return run


def _lift_params(mod) -> tuple[object, list]:
    """``main`` with every tensor constant (the packed weights, biases, ...) made a parameter after the inputs,
    and those constants' values, in parameter order: the library then holds code only, the weights go in
    their own file."""
    import tvm
    from tvm import relax

    values = []

    @relax.expr_functor.mutator
    class Lift(relax.PyExprMutator):
        def visit_generic_const_(self, c):   # relax.Constant
            data = c.value
            if not hasattr(data, "shape") or len(data.shape) == 0:
                return c
            v = relax.Var(f"param{len(values)}", relax.TensorType([int(d) for d in data.shape], str(data.dtype)))
            values.append((v, data))
            return v

    func = mod["main"]
    body = Lift(mod).visit_expr(func.body)
    new = relax.Function(list(func.params) + [v for v, _ in values], body, func.ret_ty, func.is_pure, func.attrs)
    new = new.with_attr("num_input", len(func.params))
    out = tvm.IRModule({gv: (new if gv.name_hint == "main" else f) for gv, f in mod.functions_items()}, attrs=mod.attrs)
    return out, [d for _, d in values]


def _schedule_others(mod, target) -> tuple[object, int]:
    """Every PrimFunc that is not a sepgen kernel, given the default CPU schedule."""
    import tvm

    from schedules.cpu.generic import schedule_generic

    lanes = max(1, target.vector_bits // 32)
    out = {}
    n = 0
    for gv, func in mod.functions_items():
        if isinstance(func, tvm.tirx.PrimFunc) and not (func.attrs and KERNEL_ATTR in func.attrs):
            func = schedule_generic(func, lanes, int(target.num_cores))
            n += 1
        out[gv] = func
    new = tvm.IRModule(out, attrs=mod.attrs)
    return new, n


#: MetaSchedule trials per round a time budget gives a kernel outside the blocked layout
STAGE_ROUND = 16
#: ... to a kernel with at least this share of the model's kernel time
STAGE_MIN_SHARE = 0.01


def _spend_budget(tgt, log_dir, seconds: float, plan_layers, progress: bool, seed: int) -> dict:
    """Tune the model's distinct kernels for ``seconds`` of wall time, most of the model's time first.

    A first pass plans every layer without scheduling anything, counting each distinct kernel's calls.
    The blocked kernels' knob settings are then measured (:meth:`~sepgen.graph.tune.BlockedSearch.spend`:
    largest share of the model's kernel time per setting measured first, logged as it goes); time left once
    every setting is on record goes to the kernels outside the blocked layout, MetaSchedule rounds of
    :data:`STAGE_ROUND` trials, each to the largest share of the model's time per round (its best
    recorded time, else its roofline), while a kernel has at least :data:`STAGE_MIN_SHARE` of it and its
    last round gained.  Returns the summary the report
    keeps (``report.tuning``)."""
    from ..tuning.logs import LogDir
    from ..tuning.options import TuneOptions
    from ..tuning.records import stage_workload
    from ..tuning.remote import current as current_rpc
    from ..tuning.roofline import roofline_us
    from ..tuning.tuner import tune_stage
    from .tune import BlockedSearch

    start = time.monotonic()
    counting = _Kernels(tgt, collect=True)
    plan_layers(counting, CompileReport(), False)
    blocked = [(w, d, n) for key, (w, d, n) in counting.uses.items() if key[0] == "blocked"]
    stages = [(w, d, n) for key, (w, d, n) in counting.uses.items() if key[0] != "blocked"]
    _say(progress, f"tuning for {seconds:.0f} s: {len(blocked)} distinct blocked kernels"
                   f"{f', {len(stages)} others (MetaSchedule)' if stages else ''}; logs in {log_dir}")
    rpc = current_rpc()
    if rpc is not None and progress:
        _say(progress, f"measuring on {rpc.describe()}")
    search = BlockedSearch(tgt, trials=0, log_dir=log_dir, progress=progress)
    summary = search.spend(blocked, seconds, rpc=rpc)
    summary["notes"] = list(dict.fromkeys(search.notes))
    summary["stage_kernels"] = len(stages)
    summary["stage_trials"] = 0
    if stages and summary["exhausted"]:
        log = LogDir(log_dir)
        wls = [stage_workload(st, dtype, tgt.family) for st, dtype, _ in stages]
        known = [log.best_us(wl, tgt) for wl in wls]
        held = [log.count_records(wl, tgt) for wl in wls]     # a round adds trials to what the log holds
        best = [b if b is not None else roofline_us(st, dtype) for b, (st, dtype, _) in zip(known, stages)]
        model_us = summary["kernel_time_us"] + sum(n * b for (_, _, n), b in zip(stages, best))
        # a kernel of under 1% of the model's kernel time is not worth a round; nor one the last round
        # did not improve by 1%
        live = {i for i, (_, _, n) in enumerate(stages) if n * best[i] >= STAGE_MIN_SHARE * model_us}
        rounds = [0] * len(stages)
        last = 0.0
        while live and seconds - (time.monotonic() - start) > last:
            i = max(live, key=lambda i: stages[i][2] * best[i] / (1 + rounds[i]))
            st, dtype, count = stages[i]
            t0 = time.monotonic()
            opts = TuneOptions(trials=held[i] + STAGE_ROUND * (rounds[i] + 1), seed=seed, progress=progress,
                               rpc=rpc)
            got = tune_stage(0, st, dtype, tgt, log, opts, label=f"{st.kind} x{count} (round {rounds[i] + 1})")
            rounds[i] += 1
            summary["stage_trials"] += got.trials_run
            stalled = known[i] is not None and got.best_us is not None and got.best_us > 0.99 * known[i]
            if got.trials_run == 0 or got.best_us is None or stalled:
                live.discard(i)          # no trial run (out of candidates, at the roofline), or no gain
            if got.best_us is not None:
                known[i] = best[i] = got.best_us if known[i] is None else min(known[i], got.best_us)
            last = time.monotonic() - t0
    summary["spent_s"] = round(time.monotonic() - start, 2)
    _say(progress, f"tuned for {summary['spent_s']:.0f} s: {summary['measured']} settings measured "
                   f"({summary['settings_on_record']}/{summary['settings_total']} on record"
                   f"{', all' if summary['exhausted'] else ''}), {summary['stage_trials']} MetaSchedule trials; "
                   f"kernel time {summary['kernel_time_us'] / 1000:.2f} ms per run")
    return summary


def compile_model(model, example_inputs: Sequence, target="host", tolerance: float = 0.0, trials: int = 0,
                  log_dir=None, progress: bool = False, seed: int = 0, layout: str = "auto",
                  time_budget: Optional[float] = None):
    """``model`` compiled to one Relax VM program for ``target``; returns a :class:`ModelProgram`.

    ``example_inputs`` (torch tensors) fix the input shapes and dtypes.  Every convolution is planned
    by sepgen (exact with ``tolerance=0``, else within that relative weight error), fused with what
    follows it and scheduled by sepgen's templates (``trials > 0`` tunes them with MetaSchedule,
    ``log_dir`` replays earlier tuning); everything else is Relax's legalization with a parallel,
    vectorized default schedule.

    ``time_budget`` (seconds; instead of ``trials``) tunes the whole model for that long: every distinct
    kernel's settings measured in order of its share of the model's time (:func:`_spend_budget`),
    logged to ``log_dir`` (default: the user's log directory) as they are measured, so a killed or
    repeated run resumes where the last stopped.  Capture and the final build come on top of it.  Within
    ``sepgen.tuning.remote.measure_on(rpc)``, the settings are measured on the RPC servers under
    ``rpc.key``, several at once with several servers.
    """
    import tvm
    from tvm import relax

    from ..analysis.weights import check_tolerance
    from ..codegen.lowering import Tail
    from ..targets.registry import get_target
    from .program import ModelProgram

    tolerance = float(check_tolerance(tolerance))
    if layout not in LAYOUTS:
        raise SpecError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 0:
        raise SpecError(f"trials must be a non-negative int, got {trials!r}")
    if time_budget is not None:
        if isinstance(time_budget, bool) or not isinstance(time_budget, (int, float)) \
                or not np.isfinite(time_budget) or time_budget <= 0:
            raise SpecError(f"time_budget must be a positive number of seconds, got {time_budget!r}")
        if trials:
            raise SpecError("give trials or time_budget, not both (a time budget allocates the trials itself)")
        if layout != "auto":
            raise SpecError("time_budget tunes the blocked layout's kernels; it needs layout='auto'")
        if log_dir is None:
            from ..tuning.logs import default_log_root

            log_dir = default_log_root()
    import torch

    if isinstance(model, torch.export.ExportedProgram):
        model = model.module()
    tgt = get_target(target)
    if tgt.family != "cpu":
        raise GraphError(f"whole-model compilation supports CPU targets; {tgt.name} is a {tgt.family} target")
    report = CompileReport()
    t0 = time.perf_counter()
    _say(progress, f"capturing {type(model).__name__} with torch.export ...")
    captured = capture(model, example_inputs)
    report.ops = captured.op_counts()
    mod = relax.transform.FoldConstant()(captured.mod)
    report.seconds["capture"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    groups = find_groups(mod["main"], captured.convs)
    replay = None
    if trials > 0 or log_dir is not None:   # (a time budget has set log_dir)
        from .tune import GraphTuner

        replay = GraphTuner(tgt, trials=trials, log_dir=log_dir, seed=seed, progress=progress)
    search = None
    if trials > 0 or log_dir is not None:
        from .tune import BlockedSearch

        search = BlockedSearch(tgt, trials=trials, log_dir=log_dir, progress=progress)
    plans = []
    cblocks = plan_blocks(groups, tgt)
    for grp in groups:
        plan, predicted = _plan_group(grp, tolerance)
        tail = Tail(grp.residual is not None, grp.post_activation) if (grp.residual is not None
                                                                       or grp.post_activation) else None
        plans.append((plan, predicted, tail,
                      _blocked_conv(grp, plan, tgt, tail, cblocks) if layout == "auto" else None))
    convs = [p[3] for p in plans]
    triples = _block_triples(groups, convs, mod["main"])   # projection index -> (expansion's, depthwise's)
    in_mbconv = {j: p for p, ed in triples.items() for j in ed if j is not None}
    expansions = _block_pairs(groups, convs, mod["main"], in_mbconv)   # depthwise index -> expansion's
    in_block = {e: j for j, e in expansions.items()}
    gated = _gated_inputs(groups, convs, mod["main"], {*in_mbconv, *triples, *expansions, *in_block}) \
        if SE_SCALE_IN_PROJECTION else {}
    def plan_layers(kernels, report, say: bool) -> dict:
        """Each group's kernels from ``kernels`` and its row of ``report``; returns the jobs of :func:`_rewrite`."""
        jobs = {}
        for i, grp in enumerate(groups):
            plan, predicted, tail, conv = plans[i]
            calls, names, sources = [], [], []
            if i in in_mbconv:     # computed inside the projection's mbconv kernel
                p = in_mbconv[i]
                report.layers.append(LayerReport(i, grp.conv.var, _conv_text(grp.conv.spec), "+".join(plan.kinds),
                                                 tuple(grp.fused), _layout_text(conv, grp), float(plan.error),
                                                 float(predicted), (), f"in #{p}'s mbconv kernel"))
                _say(say, f"  [{i + 1}/{len(groups)}] {grp.conv.var}: {_conv_text(grp.conv.spec)} -> "
                               f"inside #{p}'s mbconv block")
                continue
            if i in in_block:      # computed inside the depthwise layer's expand_dw kernel
                report.layers.append(LayerReport(i, grp.conv.var, _conv_text(grp.conv.spec), "+".join(plan.kinds),
                                                 tuple(grp.fused), _layout_text(conv, grp), float(plan.error),
                                                 float(predicted), (), f"in #{in_block[i]}'s expand_dw kernel"))
                _say(say, f"  [{i + 1}/{len(groups)}] {grp.conv.var}: {_conv_text(grp.conv.spec)} -> "
                               f"the expansion of #{in_block[i]}'s expand_dw block")
                continue
            if conv is not None:
                x, consts = grp.input, []
                if i in expansions:
                    e = expansions[i]
                    conv = dataclasses.replace(conv, kind="expand_dw", expand=plans[e][3])
                    x, consts = groups[e].input, _packed_params(plans[e][3], groups[e], plan.spec.dtype)
                elif i in triples:
                    e, d = triples[i]
                    conv = dataclasses.replace(conv, kind="mbconv", expand=plans[e][3] if e is not None else None,
                                               dw=plans[d][3])
                    x = groups[e if e is not None else d].input
                    consts = (_packed_params(plans[e][3], groups[e], plan.spec.dtype) if e is not None else []) \
                        + _packed_params(plans[d][3], groups[d], plan.spec.dtype)
                gate = None
                if i in gated:
                    x, gate = gated[i]
                    conv = dataclasses.replace(conv, scale=True)
                name, func, bsource = kernels.get_blocked(conv, plan.spec.dtype)
                consts = consts + _packed_params(conv, grp, plan.spec.dtype)
                calls.append((name, func, consts, tuple(conv.out_shape), plan.spec.dtype,
                              grp.residual if tail is not None and tail.residual else None))
                jobs[grp.tail_var.name] = {"input": x, "calls": calls, "block": conv.block, "gate": gate,
                                           "in_block": conv.expand.ib if conv.expand is not None else conv.ib}
                kind = "expand_dw" if i in expansions else "mbconv" if i in triples else "+".join(plan.kinds)
                fused = (("channel_scale",) if gate is not None else ()) + tuple(grp.fused)
                report.layers.append(LayerReport(i, grp.conv.var, _conv_text(grp.conv.spec), kind,
                                                 fused, _layout_text(conv, grp), float(plan.error),
                                                 float(predicted), (name,), bsource))
                _say(say, f"  [{i + 1}/{len(groups)}] {grp.conv.var}: {_conv_text(grp.conv.spec)} -> "
                               f"{conv.kind} NCHW{conv.block}c{' +' + '+'.join(grp.fused) if grp.fused else ''}")
                continue
            tvm_stages = plan.stages
            for k, st in enumerate(tvm_stages):
                last = k == len(tvm_stages) - 1
                name, func, source = kernels.get(st, plan.spec.dtype, tail if last else None)
                consts = [np.ascontiguousarray(plan.params[p].astype(plan.spec.dtype)) for p in stage_param_names(st)]
                calls.append((name, func, consts, tuple(st.out_shape), plan.spec.dtype,
                              grp.residual if last and tail is not None and tail.residual else None))
                names.append(name)
                sources.append(source)
            jobs[grp.tail_var.name] = {"input": grp.input, "calls": calls}
            report.layers.append(LayerReport(i, grp.conv.var, _conv_text(grp.conv.spec), "+".join(plan.kinds),
                                             tuple(grp.fused), "NCHW", float(plan.error), float(predicted),
                                             tuple(names), ",".join(sorted(set(sources)))))
            _say(say, f"  [{i + 1}/{len(groups)}] {grp.conv.var}: {_conv_text(grp.conv.spec)} -> "
                           f"{'+'.join(plan.kinds)}{' +' + '+'.join(grp.fused) if grp.fused else ''}")
        if layout == "auto":
            _plan_dense(find_dense(mod["main"]), tgt, kernels, jobs, report, say)
        return jobs

    if time_budget:
        budget = _spend_budget(tgt, log_dir, float(time_budget), plan_layers, progress, seed)
    kernels = _Kernels(tgt, replay, search)
    jobs = plan_layers(kernels, report, progress)
    if time_budget:
        report.tuning = budget
        report.seconds["tuning"] = budget["spent_s"]
    report.seconds["plan+schedule"] = time.perf_counter() - t0 - report.seconds.get("tuning", 0.0)

    t0 = time.perf_counter()
    mod = _rewrite(mod, jobs, layout == "auto")
    seq = tvm.transform.Sequential([
        relax.transform.DeadCodeElimination(),
        relax.transform.DecomposeOpsForInference(),
        _decompose_gelu(),
        relax.transform.FastMathTransform(),   # erf, exp, tanh: vectorizable polynomials (float32 accurate)
        relax.transform.LegalizeOps(),
        relax.transform.AnnotateTIROpPattern(),
        relax.transform.FoldConstant(),
        relax.transform.FuseOps(),
        relax.transform.FuseTIR(),
        relax.transform.DeadCodeElimination(),
    ])
    mod = seq(mod)
    mod, report.other_funcs = _schedule_others(mod, tgt)
    report.seconds["relax passes"] = time.perf_counter() - t0
    _check_kernels_kept(mod, kernels)
    mod, params = _lift_params(mod)

    t0 = time.perf_counter()
    _say(progress, f"building one program for {tgt.name} ...")
    from ..codegen.tirpasses import register

    try:
        ex = tvm.compile(mod, target=tgt.to_tvm(), relax_pipeline=relax.pipeline.default_build_pipeline(),
                         tir_pipeline=register())
    except Exception as e:
        raise GraphError(f"TVM failed to build the program for {tgt.name}: {type(e).__name__}: "
                         f"{str(e).strip().splitlines()[0] if str(e).strip() else ''}") from e
    report.seconds["build"] = time.perf_counter() - t0
    if replay is not None:
        report.notes.extend(dict.fromkeys(replay.notes))
    if search is not None:
        report.notes.extend(dict.fromkeys(search.notes))
    ref = _eager(model, example_inputs)
    out_shapes = tuple((tuple(o.shape), str(o.dtype).replace("torch.", "")) for o in ref)
    prog = ModelProgram(ex.mod, tgt, captured.input_shapes, captured.input_dtypes, out_shapes, report,
                        model_name=type(model).__name__, tolerance=tolerance, params=params)
    prog.ir = mod
    if prog.runnable:
        report.check = check_against(prog, example_inputs, ref)
        if report.check["max_rel_error"] > max(1e-4, 10 * tolerance):
            note = (f"the program differs from PyTorch eager on the example inputs: max relative error "
                    f"{report.check['max_rel_error']:.3g}")
            report.notes.append(note)
            warnings.warn(note, stacklevel=2)
    return prog


def check_against(prog, example_inputs, ref) -> dict:
    """The program's outputs on ``example_inputs`` against eager's ``ref``: max relative error, top-1."""
    got = prog(*example_inputs)
    got = got if isinstance(got, tuple) else (got,)
    err = 0.0
    top1 = True
    for g, r in zip(got, ref):
        scale = float(r.abs().max()) or 1.0
        err = max(err, float((g - r).abs().max()) / scale)
        if r.ndim == 2 and r.shape[-1] > 1:
            top1 = top1 and bool((g.argmax(-1) == r.argmax(-1)).all())
    return {"max_rel_error": err, "top1_match": top1}


def _check_kernels_kept(mod, kernels: _Kernels) -> None:
    """Relax's fusion must not have merged a sepgen kernel into something else (it is marked opaque)."""
    names = {gv.name_hint for gv, _ in mod.functions_items()}
    lost = [n for n, _, _ in kernels.funcs.values() if n not in names]
    if lost:
        raise GraphError(f"Relax's fusion absorbed sepgen kernels {', '.join(lost[:4])}; "
                         f"they would run unscheduled")


def _eager(model, example_inputs) -> tuple:
    import torch

    with torch.no_grad():
        out = model(*example_inputs)
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)
