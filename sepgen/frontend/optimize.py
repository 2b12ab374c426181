"""Whole-model optimization: every convolution of a PyTorch model through sepgen.

:func:`optimize` finds the convolutions of a model (module swap), records the
input shape each one sees on the example inputs, folds a BatchNorm that follows
a convolution into its weight and bias and fuses a following ReLU / ReLU6 /
SiLU into the kernel's epilogue (inference rewrites, in ``nn.Sequential``
containers), analyses each weight's rank, factorizes where it allows within
``tolerance``, tunes (``trials > 0``) or replays (``log_dir``) the kernels, and
checks the optimized model's output against the original on the example
inputs.  It returns the optimized model and a :class:`Report`.
"""
from __future__ import annotations

import copy
import json
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Callable, Optional

import torch
import torch.nn as tnn

from .errors import SepgenError, SpecError
from .nn import CONV_TYPES as _CONVS

_BNS = (tnn.BatchNorm1d, tnn.BatchNorm2d, tnn.BatchNorm3d)


def _activation_of(m) -> Optional[str]:
    if isinstance(m, tnn.ReLU6) or (isinstance(m, tnn.Hardtanh) and m.min_val == 0.0 and m.max_val == 6.0):
        return "relu6"
    if isinstance(m, tnn.ReLU):
        return "relu"
    if isinstance(m, tnn.SiLU):
        return "silu"
    return None


@dataclass
class LayerReport:
    name: str
    input_shape: tuple
    weight_shape: tuple
    folded: list            # what was folded/fused into the kernel: "bn", "relu6", ...
    plan: str = ""
    error: float = 0.0      # relative weight error of the plan (0 = exact rewrite)
    before_us: float = float("nan")
    after_us: float = float("nan")
    status: str = "optimized"
    torch_in_model_us: float = float("nan")   # PyTorch's ops under the optimized model's thread count

    @property
    def speedup(self) -> float:
        return self.before_us / self.after_us if self.after_us > 0 else float("nan")


@dataclass
class Report:
    layers: list = field(default_factory=list)
    max_rel_error: float = float("nan")
    top1_match: Optional[float] = None     # fraction of rows whose argmax agrees (2-D outputs only)
    before_ms: float = float("nan")        # the whole model, eager, on the example inputs
    after_ms: float = float("nan")
    target: str = "host"
    measure: bool = True
    env: dict = field(default_factory=dict)   # threads, OpenMP policy, load: what the timings ran under

    def __str__(self) -> str:
        lines = [f"{'layer':34} {'input':>20} {'plan':28} {'folded':12} {'error':>8} {'torch us':>9} "
                 f"{'sepgen us':>9} {'speedup':>7}"]
        for r in self.layers:
            lines.append(f"{r.name[:34]:34} {'x'.join(map(str, r.input_shape)):>20} {r.plan[:28]:28} "
                         f"{'+'.join(r.folded)[:12]:12} {r.error:8.2g} {r.before_us:9.1f} {r.after_us:9.1f} "
                         f"{r.speedup:6.2f}x" + ("  kept in PyTorch" if r.status.startswith("kept") else ""))
        lines.append(f"whole model: {self.before_ms:.2f} ms -> {self.after_ms:.2f} ms "
                     f"({self.before_ms / self.after_ms:.2f}x); max relative output error {self.max_rel_error:.3g}"
                     + (f"; top-1 agreement {self.top1_match:.0%}" if self.top1_match is not None else ""))
        eager, opt = self.env.get("torch_threads_eager"), self.env.get("torch_threads_optimized")
        if opt is not None and opt != eager:
            lines.append(f"(in the optimized model PyTorch's remaining ops run on {opt} thread(s), the original on "
                         f"{eager}: sepgen's kernels and PyTorch's thread pools would steal each other's cores)")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        d = asdict(self)
        for layer, r in zip(d["layers"], self.layers):
            layer["speedup"] = r.speedup
        return d

    def save(self, path) -> None:
        with open(path, "w") as f:
            json.dump(self.to_dict(), f, indent=1, default=float)


def fold_bn(weight, bias, bn):
    """Weight and bias of ``bn(conv(x))`` as one convolution (inference: running statistics)."""
    if not bn.track_running_stats or bn.running_var is None:
        raise SpecError("a BatchNorm without running statistics cannot be folded")
    gamma, beta = (bn.weight, bn.bias) if bn.affine else (None, None)
    return fold_bn_stats(weight, bias, gamma, beta, bn.running_mean, bn.running_var, bn.eps)


def fold_bn_stats(weight, bias, gamma, beta, mean, var, eps: float):
    """``fold_bn`` from the BatchNorm's tensors (``gamma``/``beta`` None when it is not affine)."""
    w = weight.detach().double()
    b = bias.detach().double() if bias is not None else torch.zeros(w.shape[0], dtype=torch.float64)
    scale = torch.rsqrt(var.detach().double() + eps)
    if gamma is not None:
        scale = scale * gamma.detach().double()
    shift = -mean.detach().double() * scale
    if beta is not None:
        shift = shift + beta.detach().double()
    w = w * scale.reshape(-1, *([1] * (w.ndim - 1)))
    b = b * scale + shift
    return w.to(weight.dtype), b.to(weight.dtype)


def _groups(model, fold: bool, fuse: bool):
    """(parent, [child names], conv) for each conv: the conv, then a foldable BN and activation after it."""
    out = []
    seen = set()
    for pname, parent in model.named_modules():
        names = list(parent._modules.keys())
        kids = [parent._modules[n] for n in names]
        for i, m in enumerate(kids):
            if not isinstance(m, _CONVS) or id(m) in seen:
                continue
            seen.add(id(m))
            members = [names[i]]
            if isinstance(parent, tnn.Sequential):
                j = i + 1
                if fold and j < len(kids) and isinstance(kids[j], _BNS) and kids[j].num_features == m.out_channels \
                        and kids[j].track_running_stats:
                    members.append(names[j])
                    j += 1
                if fuse and j < len(kids) and _activation_of(kids[j]) is not None:
                    members.append(names[j])
            out.append((pname, parent, members, m))
    return out


def _time_us(fn, x, budget_s: float = 0.25, max_reps: int = 200) -> float:
    with torch.inference_mode():
        for _ in range(3):
            fn(x)
        ts = []
        t_end = time.perf_counter() + budget_s
        while len(ts) < 5 or (len(ts) < max_reps and time.perf_counter() < t_end):
            t0 = time.perf_counter()
            fn(x)
            ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2] * 1e6


@contextmanager
def _torch_threads(n: Optional[int]):
    """PyTorch's own ops use ``n`` threads inside the block (None: unchanged); restored afterwards."""
    before = torch.get_num_threads()
    if n is None or n == before:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _time_pair_us(original, new, x, torch_threads: Optional[int], reps: int = 20) -> tuple[float, float]:
    """Median us of PyTorch's ops (``original``) and of the sepgen layer (``new``) on ``x``, alternating
    (:func:`sepgen.bench.time_rounds`), PyTorch with ``torch_threads`` threads: what a layer kept in PyTorch
    costs inside the optimized model (see :class:`OptimizedModel`)."""
    from .bench import time_rounds

    with _torch_threads(torch_threads), torch.inference_mode():
        med = time_rounds([("torch", lambda: original(x)), ("sepgen", lambda: new(x))], reps, block=5)
    return med["torch"] * 1e6, med["sepgen"] * 1e6


def time_model_ms(model, example_inputs, reps: int = 30) -> float:
    """Median eager latency of ``model(*example_inputs)`` in milliseconds (inference mode)."""
    with torch.inference_mode():
        for _ in range(3):
            model(*example_inputs)
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            model(*example_inputs)
            ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2] * 1e3


def time_models_ms(a, b, example_inputs, reps: int = 30, block: int = 5) -> tuple[float, float]:
    """Median latency (ms) of ``a`` and ``b`` on the same inputs, timed in alternating blocks whose
    first calls are not counted (:func:`sepgen.bench.time_rounds`: neither is billed for the other's
    spinning thread pool)."""
    from .bench import time_rounds

    with torch.inference_mode():
        med = time_rounds([("a", lambda: a(*example_inputs)), ("b", lambda: b(*example_inputs))], reps, block=block)
    return med["a"] * 1e3, med["b"] * 1e3


def _compare(ref, out):
    if isinstance(ref, torch.Tensor):
        ref, out = [ref], [out]
    if isinstance(ref, dict):
        ref, out = list(ref.values()), [out[k] for k in ref]
    err = 0.0
    top1 = None
    for a, b in zip(ref, out):
        if not isinstance(a, torch.Tensor):
            continue
        a, b = a.detach().double(), b.detach().double()
        scale = a.abs().max().item() or 1.0
        err = max(err, (a - b).abs().max().item() / scale)
        if a.ndim == 2 and a.shape[1] > 1:
            top1 = (a.argmax(1) == b.argmax(1)).double().mean().item()
    return err, top1


class OptimizedModel(tnn.Module):
    """The optimized model: ``module`` (the user's model with sepgen layers swapped in) plus the threading
    rule it runs under.

    sepgen's kernels run on TVM's thread pool and PyTorch's ops on OpenMP's; both pools spin-wait after
    work, so when they alternate on a machine with few cores each steals the other's cores (measured:
    MobileNetV2 on 2 cores ran 2x slower than its kernels add up to).  While the optimized model runs,
    PyTorch's remaining ops (adds, pooling, the classifier) therefore use ``torch_threads`` threads (1 by
    default: they are small once the convolutions are gone); the setting is restored afterwards.
    """

    def __init__(self, module, torch_threads: Optional[int] = 1):
        super().__init__()
        self.module = module
        self.torch_threads = torch_threads

    def forward(self, *args, **kwargs):
        if torch.compiler.is_compiling():
            return self.module(*args, **kwargs)
        with _torch_threads(self.torch_threads):
            return self.module(*args, **kwargs)


@dataclass
class _Found:
    """One convolution to replace, with what follows it that folds into it."""

    name: str
    conv_args: tuple         # weight, bias, stride, padding, dilation, groups
    bn: list                 # BatchNorm parameter sets folded in order: (weight, bias, mean, var, eps)
    activation: Optional[str]
    folded: list
    x: torch.Tensor          # the input the conv saw on the example inputs
    original: Callable       # x -> what the replaced ops computed (for the per-layer timing)
    install: Callable        # module -> None: put the sepgen module in place


def _fold_found(f: _Found):
    w, b = f.conv_args[0].detach(), f.conv_args[1]
    for gamma, beta, mean, var, eps in f.bn:
        w, b = fold_bn_stats(w, b, gamma, beta, mean, var, eps)
    return w, None if b is None else b.detach()


def _replace_all(found, report, opts, progress, min_speedup: Optional[float] = None,
                 torch_threads: Optional[int] = None):
    from .nn import Conv

    t_all = time.perf_counter()
    for k, f in enumerate(found, 1):
        r = LayerReport(f.name, tuple(f.x.shape), tuple(f.conv_args[0].shape), list(f.folded))
        report.layers.append(r)
        if f.x.dtype not in (torch.float32, torch.float16):
            r.status, r.plan = f"kept: input dtype {f.x.dtype}", "torch"
            continue
        w, b = _fold_found(f)
        _, _, stride, padding, dilation, groups = f.conv_args
        try:
            new = Conv(w, b, stride, padding, dilation, groups, activation=f.activation,
                       input_shape=r.input_shape, **opts)
        except SepgenError as e:
            r.status, r.plan = f"kept: {e}", "torch"
            if progress:
                print(f"[{k}/{len(found)}] {f.name}: kept in PyTorch ({e})", file=sys.stderr, flush=True)
            continue
        r.plan = " -> ".join(new.plan.kinds)
        r.error = float(new.plan.error)
        if report.measure:
            r.torch_in_model_us, r.after_us = _time_pair_us(f.original, new, f.x, torch_threads)
            same_threads = torch_threads is None or torch_threads == torch.get_num_threads()
            r.before_us = r.torch_in_model_us if same_threads else _time_us(f.original, f.x)
            if min_speedup and not r.after_us * min_speedup < r.torch_in_model_us:
                r.status = (f"kept: sepgen's {r.plan} ({r.after_us:.0f} us) is not {min_speedup:g}x faster than "
                            f"PyTorch's {r.torch_in_model_us:.0f} us in the optimized model")
                r.plan, r.error = "torch", 0.0
                if progress:
                    print(f"[{k}/{len(found)}] {f.name}: {r.status}", file=sys.stderr, flush=True)
                continue
        f.install(new)
        if progress:
            print(f"[{k}/{len(found)}] {f.name} {'x'.join(map(str, r.input_shape))}: {r.plan}"
                  f"{' +' + '+'.join(r.folded) if r.folded else ''}, error {r.error:.2g}"
                  + (f", {r.before_us:.0f} -> {r.after_us:.0f} us" if report.measure else "")
                  + f"  ({time.perf_counter() - t_all:.0f} s)", file=sys.stderr, flush=True)


def _find_in_modules(model, example_inputs, fold: bool, fuse: bool) -> list:
    """Module swap: each nn.Conv, with a BatchNorm and activation after it in an nn.Sequential."""
    seen_inputs: dict = {}
    hooks = []
    for name, m in model.named_modules():
        if isinstance(m, _CONVS):
            def pre(mod, args, name=name):
                seen_inputs.setdefault(name, []).append(args[0].detach().clone())
            hooks.append(m.register_forward_pre_hook(pre))
    try:
        with torch.inference_mode():
            model(*example_inputs)
    finally:
        for h in hooks:
            h.remove()
    names = {id(m): n for n, m in model.named_modules()}
    found = []
    for _, parent, members, conv in _groups(model, fold, fuse):
        cname = names[id(conv)]
        xs = seen_inputs.get(cname)
        if not xs or conv.padding_mode != "zeros" or len({tuple(x.shape) for x in xs}) > 1:
            continue        # never called, circular padding, or called on several shapes: left to PyTorch
        kids = [parent._modules[n] for n in members]
        bns = [(b.weight, b.bias, b.running_mean, b.running_var, b.eps) for b in kids[1:] if isinstance(b, _BNS)]
        acts = [_activation_of(a) for a in kids[1:] if not isinstance(a, _BNS)]

        def install(new, parent=parent, members=members):
            setattr(parent, members[0], new)
            for n in members[1:]:
                setattr(parent, n, tnn.Identity())
        found.append(_Found(cname, (conv.weight, conv.bias, conv.stride, conv.padding, conv.dilation, conv.groups),
                            bns, acts[0] if acts else None, ["bn"] * len(bns) + acts, xs[0],
                            tnn.Sequential(*kids), install))
    return found


# --- the torch.export path: aten convolutions in an FX graph ---------------------------------------
def _aten_targets():
    a = torch.ops.aten
    convs = {a.conv1d.default: 1, a.conv2d.default: 2, a.conv3d.default: 3, a.convolution.default: 0}
    acts = {a.relu.default: "relu", a.relu_.default: "relu", a.silu.default: "silu", a.silu_.default: "silu",
            a.hardtanh.default: "hardtanh", a.hardtanh_.default: "hardtanh"}
    bns = {a.batch_norm.default, a._native_batch_norm_legit_no_training.default}
    return convs, acts, bns


def _attr(gm, node):
    if node is None:
        return None
    if node.op != "get_attr":
        raise ValueError("not a constant")
    obj = gm
    for part in node.target.split("."):
        obj = getattr(obj, part)
    return obj


def _conv_args(gm, node):
    """(weight, bias, stride, padding, dilation, groups) of an aten convolution node, or None."""
    a = list(node.args) + [None] * 9
    kw = node.kwargs
    if node.target == torch.ops.aten.convolution.default:
        if a[6]:                 # transposed
            return None
        x, w, b, stride, padding, dilation, groups = a[0], a[1], a[2], a[3], a[4], a[5], a[8]
    else:
        x, w, b, stride, padding, dilation, groups = a[:7]
        b = kw.get("bias", b)
        stride = kw.get("stride", stride) or 1
        padding = kw.get("padding", padding) or 0
        dilation = kw.get("dilation", dilation) or 1
        groups = kw.get("groups", groups) or 1
    try:
        weight, bias = _attr(gm, w), _attr(gm, b)
    except (ValueError, AttributeError):
        return None              # weights computed at run time: not a constant to analyse
    if isinstance(padding, str):
        return None
    return weight, bias, stride, padding, dilation, groups


def _find_in_graph(gm, example_inputs, fold: bool, fuse: bool) -> list:
    import operator

    from torch.fx import Interpreter

    convs, acts, bns = _aten_targets()
    wanted = {n for n in gm.graph.nodes if n.op == "call_function" and n.target in convs}
    seen: dict = {}

    class Recorder(Interpreter):
        def run_node(self, n):
            if n in wanted:
                seen[n] = self.env[n.args[0]].detach().clone()
            return super().run_node(n)

    with torch.inference_mode():
        Recorder(gm).run(*example_inputs)
    found = []
    for k, node in enumerate([n for n in gm.graph.nodes if n in wanted]):
        args = _conv_args(gm, node)
        if args is None or node not in seen:
            continue
        chain, bnp, act, folded, last = [node], [], None, [], node
        nxt = next(iter(last.users)) if len(last.users) == 1 else None
        if fold and nxt is not None and nxt.op == "call_function" and nxt.target in bns:
            ba = list(nxt.args) + [None] * 9
            try:
                if nxt.target == torch.ops.aten.batch_norm.default:
                    training, eps = ba[5], ba[7]
                else:
                    training, eps = False, ba[6]
                params = [_attr(gm, ba[i]) for i in (1, 2, 3, 4)]
            except (ValueError, AttributeError):
                training = True
            if not training:
                out = nxt
                if nxt.target != torch.ops.aten.batch_norm.default:   # returns a tuple: take [0]
                    getters = [u for u in nxt.users if u.target == operator.getitem and u.args[1] == 0]
                    out = getters[0] if len(getters) == 1 and len(nxt.users) == 1 else None
                if out is not None:
                    bnp.append((*params, float(eps)))
                    folded.append("bn")
                    chain += [nxt] + ([out] if out is not nxt else [])
                    last = out
        nxt = next(iter(last.users)) if len(last.users) == 1 else None
        if fuse and nxt is not None and nxt.op == "call_function" and nxt.target in acts:
            kind = acts[nxt.target]
            if kind == "hardtanh":
                lo, hi = (list(nxt.args) + [-1.0, 1.0])[1:3]
                kind = "relu6" if (lo, hi) == (0.0, 6.0) else None
            if kind is not None:
                act = kind
                folded.append(kind)
                chain.append(nxt)
                last = nxt
        sub = _subgraph_fn(gm, chain)

        def install(new, chain=chain, k=k, node=node):
            name = f"sepgen_conv{k}"
            gm.add_submodule(name, new)
            with gm.graph.inserting_after(chain[-1]):
                call = gm.graph.call_module(name, (node.args[0],))
            chain[-1].replace_all_uses_with(call)
            for n in reversed(chain):
                gm.graph.erase_node(n)
        stack = node.meta.get("nn_module_stack") or {}
        label = list(stack.values())[-1][0] if stack else node.name
        found.append(_Found(label or node.name, args, bnp, act, folded, seen[node], sub, install))
    return found


def _subgraph_fn(gm, chain):
    """x -> the original ops of ``chain`` (for timing the layer as PyTorch ran it)."""
    from torch.fx import Graph, GraphModule

    g = Graph()
    x = g.placeholder("x")
    env = {chain[0].args[0]: x}

    def load(n):
        if n in env:
            return env[n]
        if n.op == "get_attr":
            env[n] = g.get_attr(n.target)
            return env[n]
        raise KeyError(n)
    for n in chain:
        env[n] = g.node_copy(n, load)
    g.output(env[chain[-1]])
    return GraphModule(gm, g)


def _check_options(target, tolerance, trials, reps, min_speedup, max_rel_error, torch_threads) -> None:
    """Refuse a bad option of :func:`optimize` up front (not as every layer 'kept in PyTorch' after the work)."""
    from .analysis import check_tolerance
    from .targets import get_target

    get_target(target)     # TargetError naming the known presets
    check_tolerance(tolerance)
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 0:
        raise SpecError(f"trials must be a non-negative int, got {trials!r}")
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise SpecError(f"reps must be an int >= 1, got {reps!r}")
    if min_speedup is not None and (isinstance(min_speedup, bool) or not isinstance(min_speedup, (int, float))
                                    or not min_speedup >= 0):     # inf: keep every layer in PyTorch
        raise SpecError(f"min_speedup must be a number >= 0 or None, got {min_speedup!r}")
    if max_rel_error is not None and (isinstance(max_rel_error, bool) or not isinstance(max_rel_error, (int, float))
                                      or not max_rel_error >= 0):   # inf: no limit
        raise SpecError(f"max_rel_error must be a number >= 0 or None, got {max_rel_error!r}")
    if torch_threads is not None and (isinstance(torch_threads, bool) or not isinstance(torch_threads, int)
                                      or torch_threads < 1):
        raise SpecError(f"torch_threads must be an int >= 1 or None, got {torch_threads!r}")


def optimize(model, example_inputs, target: str = "host", tolerance: float = 0.0, trials: int = 0, log_dir=None,
             fold_batchnorm: bool = True, fuse_activations: bool = True, check: bool = True, measure: bool = True,
             progress: bool = True, seed: int = 0, max_rel_error: Optional[float] = None,
             torch_threads: Optional[int] = 1, reps: int = 30, min_speedup: Optional[float] = 1.0):
    """Optimize every convolution of ``model``; returns ``(optimized_model, report)``.

    ``model`` is an ``nn.Module`` (its convolution modules are swapped; BatchNorm and activations that
    follow them in an ``nn.Sequential`` are folded in) or a ``torch.export.ExportedProgram`` (its aten
    convolutions are replaced in the graph; a following batch_norm / relu / relu6 / silu node is folded in).
    ``model`` itself is not modified.  ``example_inputs`` is a tensor or a tuple of tensors.
    ``tolerance`` is the relative weight error each layer's factorization may have (0: exact rewrites
    only).  With ``trials`` > 0 each distinct kernel is tuned (MetaSchedule + XGBoost); with ``log_dir``
    recorded schedules are replayed.  With ``check``, the optimized model's output is compared with the
    original's; ``max_rel_error`` (default 1e-4 for exact rewrites, else none) makes a larger error an
    exception.  ``torch_threads`` is the thread count of PyTorch's own ops while the optimized model runs
    (see :class:`OptimizedModel`; None leaves it alone).  With ``measure``, every replaced layer and the
    whole model are timed against the original (medians; ``reps`` whole-model runs each, alternating), and
    a layer whose sepgen kernel is not ``min_speedup`` times faster than the PyTorch ops it replaces, timed
    as they would run in the optimized model (``torch_threads``), is left in PyTorch (``None`` or 0:
    every layer that compiles is replaced).
    """
    _check_options(target, tolerance, trials, reps, min_speedup, max_rel_error, torch_threads)
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    if not isinstance(example_inputs, (tuple, list)) or not all(isinstance(t, torch.Tensor) for t in example_inputs):
        raise SpecError("example_inputs must be a tensor or a tuple of tensors")
    example_inputs = tuple(example_inputs)
    exported = isinstance(model, torch.export.ExportedProgram)
    if exported:
        original = model.module()
        work = model.module()
    elif isinstance(model, tnn.Module):
        original = model
        work = copy.deepcopy(model).eval()
    else:
        raise SpecError(f"optimize takes an nn.Module or a torch.export.ExportedProgram, got {type(model).__name__}")
    try:
        with torch.inference_mode():
            ref_out = (original if exported else work)(*example_inputs)
    except Exception as e:     # noqa: BLE001 - the user's model failed on the user's inputs
        raise SpecError(f"the model fails on the example inputs: {type(e).__name__}: {e}") from None
    report = Report(target=str(target))
    report.measure = measure
    report.env = {"torch": torch.__version__, "torch_threads_eager": torch.get_num_threads(),
                  "torch_threads_optimized": torch_threads, "tvm_threads": os.environ.get("TVM_NUM_THREADS"),
                  "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "libgomp default"),
                  "loadavg_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    if exported:
        found = _find_in_graph(work, example_inputs, fold_batchnorm, fuse_activations)
    else:
        found = _find_in_modules(work, example_inputs, fold_batchnorm, fuse_activations)
    opts = dict(tolerance=tolerance, target=target, trials=trials, log_dir=log_dir, seed=seed,
                progress=progress and trials > 0)
    _replace_all(found, report, opts, progress, min_speedup if measure else None, torch_threads)
    if exported:
        work.graph.lint()
        work.recompile()
    if not any(r.status == "optimized" for r in report.layers):
        # nothing of sepgen runs in it: the model is the original, and so is its threading (a different
        # thread count alone made an unchanged model report 1.72x or 0.67x)
        torch_threads = None
        report.env["torch_threads_optimized"] = None
    model_out = OptimizedModel(work, torch_threads)
    if check:
        with torch.inference_mode():
            out = model_out(*example_inputs)
        report.max_rel_error, report.top1_match = _compare(ref_out, out)
        limit = max_rel_error if max_rel_error is not None else (1e-4 if tolerance == 0 else None)
        if limit is not None and not report.max_rel_error <= limit:
            raise SepgenError(f"the optimized model differs from the original by {report.max_rel_error:.3g} "
                              f"(relative, max), more than {limit:g}")
    if measure:
        if exported:        # an exported program's module is already in inference form (no .eval())
            report.before_ms, report.after_ms = time_models_ms(original, model_out, example_inputs, reps)
        else:
            was_training = original.training
            report.before_ms, report.after_ms = time_models_ms(original.eval(), model_out, example_inputs, reps)
            original.train(was_training)
    return model_out, report


__all__ = ["optimize", "OptimizedModel", "Report", "LayerReport", "fold_bn", "fold_bn_stats", "time_model_ms", "time_models_ms"]
