"""Finding a model's convolutions (module walk or torch.export graph) and swapping them for sepgen modules."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Callable, Optional

import torch
import torch.nn as tnn

from ..errors import SepgenError
from .fold import _BNS, _activation_of, _groups, fold_bn_stats
from .nn import CONV_TYPES as _CONVS
from .report import LayerReport
from .timing import _time_pair_us, _time_us


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
