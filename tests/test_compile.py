"""Targeted compile_conv cases: MobileNetV1 layers, the direct template's variants, pointwise layers over padded pixels, float16, ``out=``, strided inputs, register-blocked separable passes, the plan's summary."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import sepgen


def rel_err(y, ref) -> float:
    diff = (y.double() - ref.double()).abs().max().item()
    scale = ref.double().abs().max().item()
    return diff / scale if scale > 0 else diff


def _gen(seed):
    return torch.Generator().manual_seed(seed)


def _run_template(stage, lowered, params, x, seed: int = 1, tune: bool = True, variant: int = 0):
    """Schedule ``lowered`` with the CPU template of ``stage`` (its knobs sampled with ``seed`` when ``tune``,
    else its defaults), build it and run it on ``x`` with the plan's ``params``; returns (y, schedule)."""
    import numpy as np
    from tvm import IRModule, s_tir

    import schedules
    from schedules.context import TemplateContext
    from sepgen.codegen.build import ScheduledStage, build_module
    from sepgen.runtime.memory import _aligned
    from sepgen.targets.registry import get_target

    host = get_target("host")
    s = s_tir.Schedule(IRModule({"main": lowered.func}), seed=seed)
    schedules.get_template(stage.kind, "cpu")(s, TemplateContext(stage, lowered, host, tune=tune, variant=variant))
    ex = build_module([ScheduledStage(0, stage, lowered, s.mod["main"])], host)
    ts = {k: _aligned(torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32))) for k, v in params.items()}
    y = _aligned(torch.empty(stage.out_shape))
    ex.mod["stage0"](_aligned(x), *[ts[n] for n in lowered.arg_names[1:-1]], y)
    return y, s


# MobileNetV1 (224x224 input) depthwise 3x3 layers: (channels, input size, stride), padding 1, batch 1
MOBILENET_DW = [(32, 112, 1), (64, 112, 2), (128, 56, 1), (128, 56, 2), (256, 28, 1), (512, 14, 1), (1024, 7, 1)]


@pytest.mark.parametrize("c,h,s", MOBILENET_DW, ids=[f"dw{c}_{h}_s{s}" for c, h, s in MOBILENET_DW])
def test_mobilenet_depthwise(c, h, s):
    g = _gen(c + h + s)
    x = torch.randn(1, c, h, h, generator=g)
    w = torch.randn(c, 1, 3, 3, generator=g)
    b = torch.randn(c, generator=g)
    op = sepgen.compile_conv(w, tuple(x.shape), bias=b, stride=s, padding=1, groups=c)
    y = op(x)
    ref = F.conv2d(x, w, b, stride=s, padding=1, groups=c)
    assert y.shape == ref.shape == (1, c, (h - 1) // s + 1, (h - 1) // s + 1)
    assert rel_err(y, ref) <= 1e-5


def test_mobilenet_pointwise_64_128():
    g = _gen(1)
    x = torch.randn(1, 64, 56, 56, generator=g)
    w = torch.randn(128, 64, 1, 1, generator=g)
    b = torch.randn(128, generator=g)
    op = sepgen.compile_conv(w, tuple(x.shape), bias=b)
    assert rel_err(op(x), F.conv2d(x, w, b)) <= 1e-5


def test_dense_3x3_64_128():
    g = _gen(2)
    x = torch.randn(1, 64, 56, 56, generator=g)
    w = torch.randn(128, 64, 3, 3, generator=g)
    op = sepgen.compile_conv(w, tuple(x.shape), padding=1)
    assert rel_err(op(x), F.conv2d(x, w, padding=1)) <= 1e-5


# ---- the direct template's two variants --------------------------------------------------------

DIRECT = [
    # (input shape, weight shape, kwargs): dense, grouped and strided, 1-D, 3-D strided, one input channel
    ((1, 16, 12, 12), (24, 16, 3, 3), dict(padding=1)),
    ((1, 8, 10, 11), (12, 4, 3, 3), dict(stride=2, groups=2, padding=(1, 0))),
    ((1, 6, 33), (8, 6, 5), dict(padding=2, dilation=2)),
    ((1, 4, 7, 8, 9), (6, 4, 3, 3, 3), dict(padding=1, stride=2)),
    ((1, 1, 12, 12), (8, 1, 3, 3), dict(padding=1)),   # one input channel: the depthwise loop
]


@pytest.mark.parametrize("xs,ws,kw", DIRECT, ids=[f"direct{i}" for i in range(len(DIRECT))])
def test_direct_template_variants(xs, ws, kw):
    """Both variants of the direct template, at their default knobs and at 6 random knob samples each,
    match F.conv*.  Variant 0 of a layer with several input channels per group runs the output-channel
    loop inside the parallel task (so the padded input tile is made once for every output channel);
    variant 1 puts it in the parallel loop."""
    import re

    import numpy as np

    import schedules
    from sepgen.codegen.lowering import lower_stage
    from sepgen.driver.compile import make_spec
    from sepgen.ir.stages import direct_plan

    g = _gen(sum(xs) + sum(ws))
    x = torch.randn(xs, generator=g)
    w = torch.randn(ws, generator=g)
    ref = {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}[len(xs)](x, w, **kw)
    spec = make_spec(w.numpy(), xs, None, kw.get("stride", 1), kw.get("padding", 0),
                                kw.get("dilation", 1), kw.get("groups", 1))
    plan = direct_plan(spec, w.numpy().astype(np.float64))
    stage = plan.stages[0]
    assert stage.kind == "direct"
    assert schedules.variants("direct", "cpu") == 2
    lowered = lower_stage(stage, "float32", "cpu")
    depthwise_loop = ws[1] == 1
    for variant in (0, 1):
        for seed in range(7):   # seed 0: the default knobs; 1..6: random samples
            y, s = _run_template(stage, lowered, plan.params, x, seed=max(seed, 1), tune=seed > 0, variant=variant)
            if seed == 0:
                text = s.mod.script()
                par = re.search(r"for (\w+) in T\.parallel\(", text).group(1)
                v_o = next(ln for ln in text.splitlines() if "v_o = T.axis.spatial(" in ln)
                channels_in_parallel = par in v_o
                assert channels_in_parallel == (depthwise_loop == (variant == 0)), (variant, v_o, par)
            assert rel_err(y, ref) <= 1e-5, (variant, seed, s.trace)


# ---- pointwise layers over padded pixels ------------------------------------------------------

PADDED_PW = [
    # (input shape, output channels, bias, activation): a MobileNetV2 7x7 layer, batch 2, 1-D, 3-D
    ((1, 160, 7, 7), 960, True, "relu6"),
    ((2, 24, 5, 5), 40, False, None),
    ((1, 16, 49), 24, True, None),
    ((1, 8, 3, 3, 5), 16, False, "relu"),
]


@pytest.mark.parametrize("xs,cout,bias,act", PADDED_PW, ids=[f"pwpad{i}" for i in range(len(PADDED_PW))])
def test_pointwise_over_padded_pixels(xs, cout, bias, act):
    """A lone pointwise layer whose pixel count is not a multiple of 8 is lowered for CPUs over its pixels
    flattened and zero-padded to one (49 -> 56), its epilogue cropping them; default knobs and 6 random
    knob samples match F.conv*, and the padded input is made once (at the root, not per output tile).
    Planes of 64 pixels or more (14x14) are not padded."""
    import numpy as np
    from tvm.tirx import ForKind

    from sepgen.codegen.build import schedule_stage
    from sepgen.codegen.lowering import PIXEL_MULTIPLE, lower_stage, padded_pixels
    from sepgen.targets.registry import get_target

    g = _gen(sum(xs) + cout)
    x = torch.randn(xs, generator=g)
    w = torch.randn(cout, xs[1], *[1] * (len(xs) - 2), generator=g)
    b = torch.randn(cout, generator=g) if bias else None
    ref = {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}[len(xs)](x, w, b)
    ref = {"relu6": lambda t: t.clamp(0, 6), "relu": torch.relu, None: lambda t: t}[act](ref)
    op = sepgen.compile_conv(w, xs, bias=b, activation=act)
    stage = op.plan.stages[0]
    assert stage.kind == "pointwise"
    assert rel_err(op(x), ref) <= 1e-5
    pixels = int(np.prod(xs[2:]))
    sp_pad = padded_pixels(stage)
    big = sepgen.compile_conv(torch.randn(cout, xs[1], 1, 1), (1, xs[1], 14, 14)).plan.stages[0]
    assert padded_pixels(big) == 0
    assert sp_pad % PIXEL_MULTIPLE == 0 and pixels < sp_pad < pixels + PIXEL_MULTIPLE
    lowered = lower_stage(stage, "float32", "cpu")
    assert f"(({xs[0]}, {xs[1]}, {sp_pad})" in lowered.func.script()          # the padded input buffer
    assert f"(({xs[0]}, {xs[1]}, {sp_pad})" not in lower_stage(stage, "float32", None).func.script()
    host = get_target("host")
    _, sch = schedule_stage(stage, "float32", host)
    for blk in ("conv_pad", "conv_out"):   # at the root, each under its own parallel loop
        loops = sch.get_loops(sch.get_sblock(blk))
        assert sch.get(loops[0]).kind == ForKind.PARALLEL, blk
    for seed in range(1, 7):
        y, s = _run_template(stage, lowered, op.plan.params, x, seed=seed)
        assert rel_err(y, ref) <= 1e-5, (seed, s.trace)


# ---- strided convolutions: the CPU lowering de-interleaves the padded input -----------------------

STRIDED = [
    # (input shape, weight shape, stride, padding, dilation, groups): odd and even padded widths, no padding,
    # strides 2 and 3, dilated, 1-D and 3-D, stride only along W
    ((1, 8, 15, 15), (8, 1, 3, 3), 2, 1, 1, 8),
    ((1, 8, 15, 16), (8, 1, 5, 5), 3, 2, 1, 8),
    ((2, 4, 17, 17), (6, 4, 3, 3), 2, 0, 1, 1),
    ((1, 4, 19, 21), (4, 1, 3, 3), 2, 2, 2, 4),
    ((1, 4, 33), (8, 4, 5), 2, 1, 1, 1),
    ((1, 4, 33), (4, 1, 5), 3, 0, 1, 4),
    ((1, 2, 9, 10, 11), (4, 2, 3, 3, 3), 2, 1, 1, 1),
    ((1, 6, 10, 10), (12, 2, 3, 3), (1, 2), 1, 1, 3),
]


@pytest.mark.parametrize("xs,ws,stride,pad,dil,groups", STRIDED, ids=[f"s{i}" for i in range(len(STRIDED))])
def test_strided_conv_reads_deinterleaved_input(xs, ws, stride, pad, dil, groups):
    from sepgen.codegen.lowering import lower_stage
    from sepgen.ir.spec import ConvSpec
    from sepgen.ir.stages import direct_plan

    g = _gen(len(xs) * 7 + ws[-1])
    x, w = torch.randn(xs, generator=g), torch.randn(ws, generator=g)
    op = sepgen.compile_conv(w, xs, stride=stride, padding=pad, dilation=dil, groups=groups)
    conv = {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}[len(xs)]
    assert rel_err(op(x), conv(x, w, stride=stride, padding=pad, dilation=dil, groups=groups)) <= 1e-5
    # the CPU lowering stores the padded input as [..., phase, W/s]; CUDA (and MetaSchedule's peer) get it plain
    nd = len(xs) - 2
    sw = stride[-1] if isinstance(stride, tuple) else stride
    spec = ConvSpec.create(xs, ws, stride=stride, padding=pad, dilation=dil, groups=groups)
    stage = direct_plan(spec, w.numpy()).stages[0]
    padded_w = xs[-1] + 2 * pad
    bufs = {str(b.name): [int(v) for v in b.shape] for b in _alloc_buffers(lower_stage(stage, "float32", "cpu").func)}
    assert bufs["conv_pad"][-2:] == [sw, -(-padded_w // sw)]
    assert len(bufs["conv_pad"]) == nd + 3
    plain = {str(b.name): [int(v) for v in b.shape] for b in _alloc_buffers(lower_stage(stage, "float32", None).func)}
    assert len(plain.get("conv_pad", xs)) == nd + 2


def _alloc_buffers(func):
    """The intermediate buffers of an unscheduled PrimFunc (allocated by its root block)."""
    return list(func.body.block.alloc_buffers)


# ---- depthwise: the padded tile's copy split where the W padding starts and ends -------------------

PAD_SPLIT = [
    # (input shape, kernel, stride, padding, dilation): strides 1, 2 and 3 (the de-interleaved tile), padding
    # at both ends of W, at its right end only, at its left end only, dilated, odd widths, 1-D
    ((1, 8, 12, 40), (3, 3), 1, 1, 1),
    ((1, 8, 15, 33), (3, 3), 2, 1, 1),
    ((1, 4, 9, 31), (5, 5), 3, 2, 1),
    ((1, 4, 10, 20), (3, 3), 1, ((1, 1), (0, 2)), 1),
    ((1, 4, 10, 21), (3, 3), 2, ((1, 1), (2, 0)), 1),
    ((1, 4, 11, 30), (3, 3), 1, 2, 2),
    ((1, 16, 50), (7,), 1, 3, 1),
]


@pytest.mark.parametrize("xs,kernel,stride,pad,dil", PAD_SPLIT, ids=[f"p{i}" for i in range(len(PAD_SPLIT))])
def test_depthwise_pad_copy_split_at_the_w_padding(xs, kernel, stride, pad, dil):
    """The depthwise template copies a padded row as left padding, interior (no bounds test along W) and
    right padding, with the interior's bounds from ``pad_row_interior``; the kernel matches F.conv*."""
    import re

    from schedules.cpu.common import pad_row_interior

    g = _gen(sum(xs) + len(kernel) * 13)
    c = xs[1]
    x, w = torch.randn(xs, generator=g), torch.randn(c, 1, *kernel, generator=g)
    conv = {3: F.conv1d, 4: F.conv2d}[len(xs)]
    if isinstance(pad, tuple):   # asymmetric: F.pad, then an unpadded conv
        ref = conv(F.pad(x, [v for pair in reversed(pad) for v in pair]), w, stride=stride, dilation=dil, groups=c)
    else:
        ref = conv(x, w, stride=stride, padding=pad, dilation=dil, groups=c)
    op = sepgen.compile_conv(w, xs, stride=stride, padding=pad, dilation=dil, groups=c)
    assert op.plan.kinds == ("depthwise",), op.plan.kinds
    assert rel_err(op(x), ref) <= 1e-5
    stage = op.plan.stages[0]
    a, b, extent = pad_row_interior(stage)
    w_pad = stage.geom.padding[-1]
    s = stage.geom.stride[-1]
    # the interior holds input for every phase (padded column j*s + p is input column j*s + p - left pad)
    cols = lambda j: [j * s + p - w_pad[0] for p in range(s)]  # noqa: E731
    assert all(0 <= v < xs[-1] for j in range(a, b) for v in cols(j))
    assert all(any(not 0 <= v < xs[-1] for v in cols(j)) for j in [*range(0, a), *range(b, extent)])
    # the variants that copy a padded tile (0 and 1); untuned, a W-stride-1 layer builds variant 2 (no tile)
    _, sch = _schedule_variant(stage, 0)
    text = sch.mod.script()
    parts = re.findall(r'T\.sblock\("(conv_pad_\w+)_partition"\)', text)
    assert len(parts) == (a > 0) + 1 + (b < extent), text
    # the interior loop runs over [a, b) and is left serial (LLVM vectorizes it; TVM would scalarize it)
    interior = f"in range({a}, {b}):" if a else f"in range({b}):"
    assert re.search(r"for \w+ " + re.escape(interior), text), text


def _schedule_variant(stage, variant: int, tune: bool = False, seed: int = 1):
    """``stage`` lowered for the host CPU and scheduled by its template's ``variant``."""
    from tvm import IRModule, s_tir

    import schedules
    from schedules.context import TemplateContext
    from sepgen.codegen.lowering import lower_stage
    from sepgen.targets.registry import get_target

    lowered = lower_stage(stage, "float32", "cpu")
    sch = s_tir.Schedule(IRModule({"main": lowered.func}), seed=seed)
    schedules.get_template(stage.kind, "cpu")(sch, TemplateContext(stage, lowered, get_target("host"), tune=tune,
                                                                    variant=variant))
    return lowered, sch


# ---- depthwise variant 2: no padded tile, the input read with masked vector loads -----------------

DW_DIRECT = [
    # (input shape, kernel, stride, padding, dilation): W stride 1; H strided, asymmetric and one-sided
    # padding, dilated, a kernel wider than the padding, odd widths, 1-D and 3-D, 7x7 planes
    ((1, 8, 12, 40), (3, 3), 1, 1, 1),
    ((1, 4, 10, 20), (3, 3), 1, ((1, 1), (0, 2)), 1),
    ((1, 4, 10, 21), (3, 3), 1, ((0, 0), (2, 0)), 1),
    ((1, 4, 11, 30), (3, 3), 1, 2, 2),
    ((1, 6, 13, 17), (5, 5), (2, 1), 2, 1),
    ((1, 5, 7, 7), (3, 3), 1, 1, 1),
    ((2, 16, 50), (7,), 1, 3, 1),
    ((1, 3, 6, 9, 35), (3, 3, 3), 1, 1, 1),
    # W stride 2: each strided read is two contiguous masked loads and a shuffle of their even lanes
    ((1, 8, 15, 33), (3, 3), 2, 1, 1),
    ((1, 4, 10, 21), (3, 3), 2, ((1, 1), (2, 0)), 1),
    ((1, 4, 12, 40), (5, 5), 2, 2, 2),
    ((1, 16, 51), (7,), 2, 3, 1),
]


@pytest.mark.parametrize("xs,kernel,stride,pad,dil", DW_DIRECT, ids=[f"d{i}" for i in range(len(DW_DIRECT))])
def test_depthwise_direct_variant_reads_the_input_with_masked_loads(xs, kernel, stride, pad, dil):
    """Variant 2 (the default for a W stride of 1 or 2) inlines the padding: no padded tile, the border
    lanes read with masked loads; at its default knobs and at sampled ones it matches F.conv*."""
    import schedules
    from sepgen.codegen.build import ScheduledStage, build_module, schedule_stage
    from sepgen.codegen.tirpasses import MASKED_PAD_PRAGMA
    from sepgen.runtime.memory import _aligned
    from sepgen.targets.registry import get_target

    g = _gen(sum(xs) + len(kernel))
    c = xs[1]
    x, w = torch.randn(xs, generator=g), torch.randn(c, 1, *kernel, generator=g)
    conv = {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}[len(xs)]
    if isinstance(pad, tuple):
        ref = conv(F.pad(x, [v for pair in reversed(pad) for v in pair]), w, stride=stride, dilation=dil, groups=c)
    else:
        ref = conv(x, w, stride=stride, padding=pad, dilation=dil, groups=c)
    op = sepgen.compile_conv(w, xs, stride=stride, padding=pad, dilation=dil, groups=c)
    stage = op.plan.stages[0]
    assert op.plan.kinds == ("depthwise",) and schedules.variants("depthwise", "cpu", stage) == 3
    assert schedules.default_variant("depthwise", "cpu", stage, get_target("host")) == 2
    # NEON has no masked loads (a branch per lane): variant 0 there unless tuned; SVE has them
    assert schedules.default_variant("depthwise", "cpu", stage, get_target("cortex-a72")) == 0
    assert schedules.default_variant("depthwise", "cpu", stage, get_target("neoverse-v1")) == 2
    assert rel_err(op(x), ref) <= 1e-5
    _, sch = schedule_stage(stage, "float32", get_target("host"))
    text = sch.mod.script()
    assert "conv_pad" not in text and MASKED_PAD_PRAGMA in text, text
    if get_target("host").vector_bits == 512:
        assert "{%k" in op.module.inspect_source("asm")     # AVX-512 masked loads
    host = get_target("host")
    params = {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in op.plan.params.items()}
    for seed in (3, 11):
        lowered, s2 = _schedule_variant(stage, 2, tune=True, seed=seed)
        ex = build_module([ScheduledStage(0, stage, lowered, s2.mod["main"])], host)
        y = _aligned(torch.empty(stage.out_shape))
        ex.mod["stage0"](_aligned(x), *[_aligned(params[n]) for n in lowered.arg_names[1:-1]], y)
        assert rel_err(y, ref) <= 1e-5, (seed, s2.trace)


def test_depthwise_w_stride_3_has_no_direct_variant():
    import schedules
    from sepgen.targets.registry import get_target

    w = torch.randn(8, 1, 3, 3)
    op = sepgen.compile_conv(w, (1, 8, 16, 16), stride=3, padding=1, groups=8)
    stage = op.plan.stages[0]
    assert schedules.variants("depthwise", "cpu", stage) == 2
    assert schedules.default_variant("depthwise", "cpu", stage, get_target("host")) == 0


# ---- separable chains: earlier passes register-blocked ---------------------------------------------

SEPARABLE = [
    # (input shape, kernel, stride, padding, dilation, rank): 2-D and 3-D, rank 1 and 2, strided, dilated,
    # asymmetric padding, a first pass that pads along W too (its pad cannot be read in place)
    ((1, 1, 37, 45), (7, 7), 1, 3, 1, 1),
    ((2, 3, 30, 33), (5, 3), (2, 1), ((2, 1), (1, 1)), (1, 2), 1),
    ((1, 2, 29, 31), (5, 5), 1, 2, 1, 2),
    ((1, 1, 12, 14, 19), (7, 5, 3), 1, (3, 2, 1), 1, 1),
    ((1, 1, 11, 13, 17), (3, 3, 5), (2, 1, 2), 1, (1, 2, 1), 1),
]


def _separable_weight(shape_in, kernel, rank, g):
    """A (C, 1, *kernel) depthwise weight of the given rank: a sum of outer products of 1-D factors."""
    c = shape_in[1]
    w = torch.zeros(c, 1, *kernel, dtype=torch.float64)
    for _ in range(rank):
        term = torch.ones(c, 1, *([1] * len(kernel)), dtype=torch.float64)
        for a, k in enumerate(kernel):
            f = torch.randn(c, k, generator=g, dtype=torch.float64)
            shape = [c, 1] + [k if i == a else 1 for i in range(len(kernel))]
            term = term * f.view(shape)
        w = w + term
    return w.float()


@pytest.mark.parametrize("xs,kernel,stride,pad,dil,rank", SEPARABLE, ids=[f"sep{i}" for i in range(len(SEPARABLE))])
def test_separable_register_blocked_passes(xs, kernel, stride, pad, dil, rank):
    """Default knobs and 12 random knob samples of the separable template all match F.conv*; the first pass
    is register-blocked (its taps unrolled inside an unrolled row block) and reads an input padded only
    along outer axes in place (no padded copy)."""
    from sepgen.codegen.build import schedule_stage
    from sepgen.codegen.lowering import lower_stage
    from sepgen.targets.registry import get_target

    g = _gen(sum(xs) + rank)
    x = torch.randn(xs, generator=g)
    w = _separable_weight(xs, kernel, rank, g)
    groups = xs[1]
    conv = {4: F.conv2d, 5: F.conv3d}[len(xs)]
    if isinstance(pad, tuple) and isinstance(pad[0], tuple):   # asymmetric: F.pad, then an unpadded conv
        flat = [v for pair in reversed(pad) for v in pair]
        ref = conv(F.pad(x, flat), w, stride=stride, dilation=dil, groups=groups)
    else:
        ref = conv(x, w, stride=stride, padding=pad, dilation=dil, groups=groups)
    op = sepgen.compile_conv(w, xs, stride=stride, padding=pad, dilation=dil, groups=groups)
    assert op.plan.kinds[0] == "separable", op.plan.kinds
    assert rel_err(op(x), ref) <= 1e-5
    stage = op.plan.stages[0]
    host = get_target("host")
    first = stage.parts[0]
    _, sch = schedule_stage(stage, "float32", host)
    text = sch.mod.script()
    in_place = tuple(first.geom.padding[-1]) == (0, 0) and first.geom.stride[-1] == 1 and any(
        p != (0, 0) for p in first.geom.padding)
    if in_place:
        assert f'T.sblock("{first.name}_pad")' not in text   # read through its bounds check, not copied
    # the first pass's update sits under unrolled loops (taps and row block) around its vector loop
    lines = text.splitlines()
    i = next((k for k, ln in enumerate(lines) if f'T.sblock("{first.name}_update")' in ln), None)
    assert i is not None, text
    enclosing = [ln.strip() for ln in lines[max(0, i - 4):i] if ln.strip().startswith("for ")]
    assert any("T.unroll(" in ln for ln in enclosing) and "T.vectorized(" in enclosing[-1], enclosing
    # random knob samples (what the search tries) stay correct
    lowered = lower_stage(stage, "float32", "cpu")
    for seed in range(1, 13):
        y, s = _run_template(stage, lowered, op.plan.params, x, seed=seed)
        assert rel_err(y, ref) <= 1e-5, (seed, s.trace)


# ---- float16 ------------------------------------------------------------------------------------

FP16_CASES = [
    # (input shape, weight shape, kwargs)
    ((1, 32, 28, 28), (32, 1, 3, 3), dict(padding=1, groups=32)),
    ((2, 16, 14, 14), (24, 16, 1, 1), dict()),
    ((1, 8, 15, 13), (12, 4, 3, 2), dict(padding=((1, 0), (2, 1)), stride=(2, 1), dilation=(1, 2), groups=2)),
    ((1, 6, 33), (12, 1, 5), dict(padding="same", groups=6)),
    ((1, 4, 7, 8, 9), (6, 4, 3, 3, 3), dict(padding=1, stride=2)),
]


def _ref_fp16(x16, w16, b16, nd, kw):
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[nd]
    x = x16.float()
    pad = kw.get("padding", 0)
    rest = {k: v for k, v in kw.items() if k != "padding"}
    if isinstance(pad, tuple) and isinstance(pad[0], tuple):
        flat = []
        for lo, hi in reversed(pad):
            flat += [lo, hi]
        x = F.pad(x, flat)
        pad = 0
    return conv(x, w16.float(), None if b16 is None else b16.float(), padding=pad, **rest)


@pytest.mark.parametrize("xs,ws,kw", FP16_CASES, ids=[f"fp16_{i}" for i in range(len(FP16_CASES))])
def test_float16_from_half_weights(xs, ws, kw):
    g = _gen(len(xs) * 7 + ws[0])
    x16 = torch.randn(xs, generator=g).half()
    w16 = torch.randn(ws, generator=g).half()
    b16 = torch.randn(ws[0], generator=g).half()
    op = sepgen.compile_conv(w16, xs, bias=b16, **kw)   # dtype follows the half weight
    assert op.spec.dtype == "float16"
    y = op(x16)
    assert y.dtype == torch.float16
    ref = _ref_fp16(x16, w16, b16, len(xs) - 2, kw)
    assert y.shape == ref.shape
    assert torch.isfinite(y).all()
    assert rel_err(y, ref) <= 1e-2


def test_float16_by_dtype_argument():
    g = _gen(5)
    w = torch.randn(16, 1, 3, 3, generator=g)      # float32 weights, compiled for float16
    b = torch.randn(16, generator=g)
    x16 = torch.randn(2, 16, 20, 20, generator=g).half()
    op = sepgen.compile_conv(w, tuple(x16.shape), bias=b, padding=1, groups=16, dtype="float16")
    assert op.spec.dtype == "float16"
    y = op(x16)
    assert y.dtype == torch.float16
    ref = F.conv2d(x16.float(), w.half().float(), b.half().float(), padding=1, groups=16)
    assert rel_err(y, ref) <= 1e-2
    with pytest.raises(sepgen.TensorError):
        op(x16.float())  # compiled for float16: a float32 input is refused, not silently cast


# ---- out=, strided inputs, reporting ---------------------------------------------------------------

def _small_op(seed=0, **kw):
    g = _gen(seed)
    w = torch.randn(6, 2, 3, 3, generator=g)
    b = torch.randn(6, generator=g)
    kw = {"padding": 1, "groups": 2, **kw}
    op = sepgen.compile_conv(w, (2, 4, 10, 9), bias=b, **kw)
    return op, w, b, kw


def test_out_tensor_is_written():
    op, w, b, kw = _small_op()
    x = torch.randn(2, 4, 10, 9)
    out = torch.full(op.spec.output_shape, float("nan"))
    ptr = out.data_ptr()
    y = op(x, out=out)
    assert y.data_ptr() == ptr and out.data_ptr() == ptr
    assert rel_err(out, F.conv2d(x, w, b, **kw)) <= 1e-5
    # a second call overwrites the same buffer
    x2 = torch.randn(2, 4, 10, 9)
    op(x2, out=out)
    assert rel_err(out, F.conv2d(x2, w, b, **kw)) <= 1e-5


def test_out_same_shape_as_input_but_distinct():
    g = _gen(3)
    w = torch.randn(4, 4, 3, 3, generator=g)
    op = sepgen.compile_conv(w, (1, 4, 8, 8), padding="same")
    x = torch.randn(1, 4, 8, 8, generator=g)
    out = torch.empty_like(x)
    op(x, out=out)
    assert rel_err(out, F.conv2d(x, w, padding="same")) <= 1e-5


@pytest.mark.parametrize("layout", ["permuted", "sliced", "expanded", "channels_last"])
def test_non_contiguous_input(layout):
    op, w, b, kw = _small_op(seed=4)
    g = _gen(6)
    if layout == "permuted":
        x = torch.randn(2, 10, 9, 4, generator=g).permute(0, 3, 1, 2)
    elif layout == "sliced":
        x = torch.randn(2, 4, 20, 9, generator=g)[:, :, ::2, :]
    elif layout == "expanded":
        x = torch.randn(2, 4, 1, 9, generator=g).expand(2, 4, 10, 9)
    else:
        x = torch.randn(2, 4, 10, 9, generator=g).to(memory_format=torch.channels_last)
    assert not x.is_contiguous()
    before = x.clone()
    y = op(x)
    assert rel_err(y, F.conv2d(x, w, b, **kw)) <= 1e-5
    assert torch.equal(x, before)  # the input is not modified


@pytest.mark.parametrize("offset", [1, 2, 3, 5, 8, 13])
def test_unaligned_input_and_out(offset):
    """Views at any element offset work: the kernels assume 64-byte aligned buffers (this used to segfault)."""
    g = _gen(9)
    w = torch.randn(16, 16, 1, 1, generator=g)
    op = sepgen.compile_conv(w, (1, 16, 8, 32))
    n = 16 * 8 * 32
    x = torch.randn(n + offset, generator=g)[offset:].view(1, 16, 8, 32)
    ref = F.conv2d(x, w)
    assert rel_err(op(x), ref) <= 1e-5
    obuf = torch.zeros(n + offset)
    out = obuf[offset:].view(1, 16, 8, 32)
    y = op(x.clone(), out=out)
    assert y.data_ptr() == out.data_ptr()
    assert rel_err(out, ref) <= 1e-5
    assert torch.all(obuf[:offset] == 0)


def test_unaligned_batch_slice():
    g = _gen(10)
    w = torch.randn(8, 1, 3, 3, generator=g)
    b = torch.randn(8, generator=g)
    op = sepgen.compile_conv(w, (1, 8, 5, 9), bias=b, padding=1, groups=8)
    batch = torch.randn(3, 8, 5, 9, generator=g)
    for i in range(3):
        x = batch[i:i + 1]            # 8*5*9*4 = 1440 bytes per sample: not a multiple of 64
        assert rel_err(op(x), F.conv2d(x, w, b, padding=1, groups=8)) <= 1e-5


def test_plain_call_takes_the_lean_path_and_the_rest_the_checked_one(monkeypatch):
    """``op(x)`` on a plain aligned contiguous tensor of the compiled shape skips the checked path (it
    costs ~2 us per call); everything else (other shapes, dtypes, layouts, offsets, grad, subclasses)
    still goes through it and gets its result or its error."""
    from sepgen.errors import TensorError
    from sepgen.runtime.compiled import CompiledConv
    from sepgen.runtime.memory import _ALIGN

    op, w, b, kw = _small_op(seed=12)
    assert op._fast is not None
    calls = []
    real = CompiledConv.check_input
    monkeypatch.setattr(CompiledConv, "check_input", lambda self, x: calls.append(1) or real(self, x))
    g = _gen(13)
    x = torch.randn(op.spec.input_shape, generator=g)
    assert x.data_ptr() % _ALIGN == 0
    ref = F.conv2d(x, w, b, **kw)
    assert rel_err(op(x), ref) <= 1e-5 and calls == []
    assert rel_err(op.fast_path()(x), ref) <= 1e-5 and calls == []
    n = x.numel()
    others = {
        "requires grad": x.clone().requires_grad_(True),
        "parameter": torch.nn.Parameter(x.clone()),
        "unaligned": torch.cat([torch.zeros(1), x.flatten()])[1:].view(x.shape),
        "channels_last": x.to(memory_format=torch.channels_last),
    }
    for name, xi in others.items():
        calls.clear()
        with torch.no_grad():     # with grad enabled an input requiring grad is refused (see below)
            assert rel_err(op(xi), ref) <= 1e-5, name
        assert calls, f"{name}: skipped the checked path"
    # the lean path leaves shape, dtype and layout to the compiled function's own argument checks: what
    # they refuse (same element count or bit width included) must still reach the checked path's error
    s = op.spec.input_shape
    for bad in (torch.randn(1, *s[1:]), x.double(), x.flatten()[: n - 1], x.reshape(*s[:2], s[3], s[2]),
                x.to(torch.int32), x.flatten()):
        calls.clear()
        with pytest.raises(TensorError):
            op(bad)
        assert calls
    # parameters set later are what the lean path uses
    w2 = torch.randn_like(w)
    op.set_params({"w": w2.contiguous(), **({"b": b} if b is not None else {})})
    assert rel_err(op(x), F.conv2d(x, w2, b, **kw)) <= 1e-5


def test_input_requiring_grad_runs_without_grad_mode_and_is_refused_with_it():
    """op(x) is outside autograd: under no_grad / inference_mode an input requiring grad is read as data;
    with grad enabled it is refused (a result with no gradient would silently cut a training graph),
    and the message points to the differentiable entry points."""
    op, w, b, kw = _small_op(seed=7)
    x = torch.randn(2, 4, 10, 9, requires_grad=True)
    ref = F.conv2d(x.detach(), w, b, **kw)
    with torch.no_grad():
        assert rel_err(op(x), ref) <= 1e-5
    with torch.inference_mode():
        assert rel_err(op(x), ref) <= 1e-5
    with pytest.raises(sepgen.TensorError) as ei:
        op(x)
    msg = str(ei.value)
    assert "requires grad" in msg and "sepgen.nn" in msg and "no_grad" in msg and "\n" not in msg
    y = op(x.detach())
    assert not y.requires_grad and rel_err(y, ref) <= 1e-5


def test_numpy_weights_and_nested_lists():
    g = _gen(8)
    w = torch.randn(3, 2, 3, generator=g)
    x = torch.randn(1, 2, 11, generator=g)
    ref = F.conv1d(x, w, stride=2)
    for weight in (w.numpy(), w.numpy().astype("float64"), w.tolist()):
        op = sepgen.compile_conv(weight, (1, 2, 11), stride=2)
        assert op.spec.dtype == "float32"
        assert rel_err(op(x), ref) <= 1e-5


def test_plan_is_printable_and_mentions_flops():
    op, *_ = _small_op()
    text = str(op.plan)
    assert "flops" in text.lower()
    assert f"{op.spec.flops:,}" in text   # the direct convolution's FLOP count
    assert repr(op.plan) and repr(op)
    assert op.flops == op.plan.flops() > 0
    assert tuple(op.plan.spec.input_shape) == (2, 4, 10, 9)


@pytest.mark.parametrize("lossy_us,exact_us,kept", [(100.0, 50.0, "direct"), (20.0, 50.0, "separable")])
def test_lossy_plan_without_tuning_is_kept_only_if_measured_faster(monkeypatch, lossy_us, exact_us, kept):
    """With trials=0 the cost model alone picks a lossy plan; it is then measured against the best exact plan
    (both built as they are) and kept only when faster: accuracy is not traded for nothing."""
    from sepgen.runtime.compiled import CompiledConv

    rng = np.random.default_rng(5)
    A, B = rng.standard_normal((8, 3)), rng.standard_normal((8, 3))
    w = np.einsum("ih,ow->oihw", A, B)
    w = (w + 0.01 * np.linalg.norm(w) / np.sqrt(w.size) * rng.standard_normal(w.shape)).astype(np.float32)
    timed = []

    def fake_benchmark(self, x=None, reps=50, warmup=5):
        us = exact_us if self.plan.kinds == ("direct",) else lossy_us
        timed.append((self.plan.kinds, us))
        return us

    monkeypatch.setattr(CompiledConv, "benchmark", fake_benchmark)
    op = sepgen.compile_conv(w, (1, 8, 64, 64), padding=1, tolerance=0.1)
    assert sorted(k for k, _ in timed) == [("direct",), ("separable",)]
    assert op.plan.kinds == (kept,) and "measured" in op.plan.log[-1] and "kept the" in op.plan.log[-1]
    x = torch.randn(1, 8, 64, 64)
    ref = F.conv2d(x, torch.from_numpy(w), padding=1)
    err = rel_err(op(x), ref)
    assert (err <= 1e-5) if kept == "direct" else (0 < err <= 0.2)
    # an exact choice is not second-guessed: nothing is measured
    timed.clear()
    assert sepgen.compile_conv(w, (1, 8, 64, 64), padding=1).plan.kinds == ("direct",) and timed == []


def test_fft_stage_computes_the_weight_spectrum_once(monkeypatch):
    """The weight's spectrum is computed on the first call and reused; new parameters (set_params) or an
    in-place change of the weight tensor recompute it, and every call matches F.conv1d."""
    import sepgen.runtime.compiled as R
    from sepgen.passes.pipeline import choose_plan

    g = _gen(21)
    w = torch.randn(2, 2, 255, generator=g)
    op = sepgen.compile_conv(w, (1, 2, 4096))
    if op.plan.kinds != ("fft",):
        fft = next(c.plan for c in choose_plan(op.spec, w.double().numpy())[1] if c.plan.kinds == ("fft",))
        op = sepgen.compile_conv(w, (1, 2, 4096), plan=fft)
    real = R.weight_spectrum
    made = []
    monkeypatch.setattr(R, "weight_spectrum", lambda *a: made.append(1) or real(*a))
    x = torch.randn(1, 2, 4096, generator=g)
    for _ in range(3):
        assert rel_err(op(x), F.conv1d(x, w)) <= 1e-5
    assert len(made) == 1
    w2 = torch.randn_like(w)
    op.set_params({"w": w2})
    assert rel_err(op(x), F.conv1d(x, w2)) <= 1e-5 and len(made) == 2
    doubled = 2 * w2
    op._params["w"].mul_(2)                     # the same tensor (maybe w2 itself), changed in place
    assert rel_err(op(x), F.conv1d(x, doubled)) <= 1e-5 and len(made) == 3
