"""Epilogue fusion on a captured program: each convolution with what follows it that its kernel can compute.

Walking the dataflow from a convolution, while the value has one user (two for the
activations that read their input twice), the following are absorbed into the
convolution's :class:`ConvGroup`, in this order:

* an inference ``batch_norm`` with constant statistics: folded into the weight and a bias,
* an ``add`` of a constant per-channel tensor: a bias,
* an activation: ``relu``, ``clip(0, 6)`` (relu6), ``x * sigmoid(x)`` (silu),
  ``x * relu6(x + 3) / 6`` (hardswish), ``sigmoid``, ``relu6(x + 3) / 6`` (hardsigmoid),
* an ``add`` of another tensor of the output's shape (a residual), then an activation after it.

The group's last absorbed binding is where the fused kernel's result is bound;
what it absorbed becomes dead code.  Pure analysis over the Relax program (no
building): :mod:`sepgen.graph.program` turns the groups into ``call_tir``\\ s.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .capture import CONV_OPS, ConvNode


@dataclass
class ConvGroup:
    """A convolution and the epilogue fused into it."""

    conv: ConvNode
    input: object                     #: the Relax var the convolution reads
    tail_var: object                  #: the Relax var the fused result replaces
    weight: np.ndarray                #: float64, batch norm folded in
    bias: Optional[np.ndarray] = None  #: float64 (C_out,)
    activation: Optional[str] = None
    residual: object = None           #: Relax var added after the activation
    post_activation: Optional[str] = None
    fused: list = field(default_factory=list)   #: what was absorbed, in order ("batch_norm", "bias", ...)


def _op(value) -> Optional[str]:
    op = getattr(value, "op", None)
    name = getattr(op, "name", None)
    return name if isinstance(name, str) else None


def _scalar(e) -> Optional[float]:
    """The float a Relax constant scalar or PrimValue holds, else None."""
    v = getattr(e, "value", None)
    if v is None:
        return None
    if hasattr(v, "numpy"):
        a = v.numpy()
        return float(a) if a.size == 1 else None
    inner = getattr(v, "value", None)
    try:
        return float(inner if inner is not None else v)
    except (TypeError, ValueError):
        return None


def _const(e) -> Optional[np.ndarray]:
    v = getattr(e, "value", None)
    return v.numpy() if v is not None and hasattr(v, "numpy") else None


class _Graph:
    """Bindings of a dataflow function, with who uses each variable."""

    def __init__(self, func):
        self.binding = {}      # var -> value
        self.order = []
        self.users = {}        # var -> [var whose value reads it]
        for block in func.body.blocks:
            for b in block.bindings:
                self.binding[b.var] = b.value
                self.order.append(b.var)
                for r in _refs(b.value):
                    self.users.setdefault(r, []).append(b.var)
        for r in _refs(func.body.body):
            self.users.setdefault(r, []).append(None)   # the function's result

    def sole_user(self, var):
        u = self.users.get(var, [])
        return u[0] if len(u) == 1 and u[0] is not None else None

    def users_of(self, var) -> list:
        return self.users.get(var, [])


def _refs(e):
    """The variables an expression reads (calls, tuples, tuple items)."""
    from tvm import relax

    if isinstance(e, relax.Var):
        yield e
    elif isinstance(e, relax.Call):
        for a in e.args:
            yield from _refs(a)
    elif isinstance(e, relax.Tuple):
        for f in e.fields:
            yield from _refs(f)
    elif isinstance(e, relax.TupleGetItem):
        yield from _refs(e.tuple_value)


def _same(a, b) -> bool:
    return a is not None and b is not None and a.same_as(b)


def _is_clip(value, lo: float, hi: float) -> bool:
    return _op(value) == "relax.clip" and _scalar(value.args[1]) == lo and _scalar(value.args[2]) == hi


def _relu6_tail(g: _Graph, var):
    """The var after ``relu6(var)`` written as clip(0, 6) or clip(0, inf) then clip(-inf, 6), else None."""
    u = g.sole_user(var)
    if u is None:
        return None
    if _is_clip(g.binding[u], 0.0, 6.0):
        return u
    if _is_clip(g.binding[u], 0.0, math.inf):
        u2 = g.sole_user(u)
        if u2 is not None and _is_clip(g.binding[u2], -math.inf, 6.0):
            return u2
    return None


def _binary(value, op: str, var):
    """The other operand of ``op(var, other)`` or ``op(other, var)``, else None."""
    if _op(value) != op:
        return None
    a, b = value.args
    if a.same_as(var):
        return b
    if b.same_as(var):
        return a
    return None


def _hardsigmoid_tail(g: _Graph, var):
    """The var after ``relu6(var + 3) / 6``, and the relu6 var, else (None, None)."""
    u = g.sole_user(var)
    return _hardsigmoid_from(g, var, u)


def _hardsigmoid_from(g: _Graph, var, add_var):
    if add_var is None:
        return None, None
    three = _binary(g.binding[add_var], "relax.add", var)
    if three is None or _scalar(three) != 3.0:
        return None, None
    r6 = _relu6_tail(g, add_var)
    if r6 is None:
        return None, None
    d = g.sole_user(r6)
    if d is not None and _op(g.binding[d]) == "relax.divide" and g.binding[d].args[0].same_as(r6) \
            and _scalar(g.binding[d].args[1]) == 6.0:
        return d, r6
    return None, r6


def match_activation(g: _Graph, var):
    """(activation, var after it) for the activation applied to ``var``, else (None, var)."""
    users = [u for u in g.users_of(var)]
    if len(users) == 1 and users[0] is not None:
        u = users[0]
        v = g.binding[u]
        op = _op(v)
        if op == "relax.nn.relu":
            return "relu", u
        if op == "relax.nn.silu":
            return "silu", u
        if op == "relax.sigmoid":
            return "sigmoid", u
        if op == "relax.nn.gelu":
            return "gelu", u
        r6 = _relu6_tail(g, var)
        if r6 is not None:
            return "relu6", r6
        hs, _ = _hardsigmoid_tail(g, var)
        if hs is not None:
            return "hardsigmoid", hs
    if len(users) == 2 and None not in users:
        a, b = users
        for s, m in ((a, b), (b, a)):
            sv, mv = g.binding[s], g.binding[m]
            # silu: multiply(var, sigmoid(var))
            if _op(sv) == "relax.sigmoid" and _same(g.sole_user(s), m) and _binary(mv, "relax.multiply", var) is not None \
                    and _binary(mv, "relax.multiply", var).same_as(s):
                return "silu", m
            # hardswish: multiply(var, relu6(var + 3)) / 6
            _, r6 = _hardsigmoid_from(g, var, s)
            if r6 is not None and _same(g.sole_user(r6), m) and _binary(mv, "relax.multiply", var) is not None \
                    and _binary(mv, "relax.multiply", var).same_as(r6):
                d = g.sole_user(m)
                if d is not None and _op(g.binding[d]) == "relax.divide" and g.binding[d].args[0].same_as(m) \
                        and _scalar(g.binding[d].args[1]) == 6.0:
                    return "hardswish", d
    return None, var


def _channel_vector(arr: Optional[np.ndarray], channels: int, ndim: int) -> Optional[np.ndarray]:
    """``arr`` as a (channels,) vector when it broadcasts along the channel axis only, else None."""
    if arr is None or arr.ndim > ndim:
        return None
    shape = (1,) * (ndim - arr.ndim) + tuple(arr.shape)
    if shape[1] not in (1, channels) or any(s != 1 for i, s in enumerate(shape) if i != 1):
        return None
    return np.broadcast_to(arr.reshape(-1), (channels,)).astype(np.float64)


def find_groups(func, convs: tuple[ConvNode, ...]) -> list[ConvGroup]:
    """A :class:`ConvGroup` for each convolution of ``func`` (the captured program's ``main``)."""
    g = _Graph(func)
    by_name = {c.var: c for c in convs}
    groups = []
    claimed = set()   # bindings some group absorbed: a residual add two convolutions reach goes to the first

    def take(v):
        u = g.sole_user(v)
        return None if u is None or u.name in claimed else u
    for var in g.order:
        value = g.binding[var]
        if _op(value) not in CONV_OPS or var.name not in by_name:
            continue
        node = by_name[var.name]
        c_out = node.spec.out_channels
        nd = len(node.spec.input_shape)
        grp = ConvGroup(node, value.args[0], var, node.weight.astype(np.float64))
        cur = var
        # batch norm (inference): y = (x - mean) / sqrt(var + eps) * gamma + beta
        u = take(cur)
        if u is not None and _op(g.binding[u]) == "relax.nn.batch_norm" and not bool(g.binding[u].attrs.training):
            bn = g.binding[u]
            stats = [_const(a) for a in bn.args[1:5]]
            item = take(u)
            if all(s is not None for s in stats) and item is not None \
                    and getattr(g.binding[item], "index", None) == 0 and int(bn.attrs.axis) == 1:
                gamma, beta, mean, var_ = (s.astype(np.float64) for s in stats)
                scale = gamma / np.sqrt(var_ + float(bn.attrs.epsilon))
                grp.weight = grp.weight * scale.reshape(-1, *([1] * (grp.weight.ndim - 1)))
                grp.bias = beta - mean * scale
                grp.fused.append("batch_norm")
                cur = item
        # a constant per-channel add: bias
        u = take(cur)
        if u is not None:
            other = _binary(g.binding[u], "relax.add", cur)
            vec = _channel_vector(_const(other), c_out, nd) if other is not None else None
            if vec is not None:
                grp.bias = vec if grp.bias is None else grp.bias + vec
                grp.fused.append("bias")
                cur = u
        act, after = match_activation(g, cur)
        if act is not None:
            grp.activation = act
            grp.fused.append(act)
            cur = after
        # a residual: add of another tensor of the same shape and dtype (not one this group computes)
        u = take(cur)
        if u is not None:
            other = _binary(g.binding[u], "relax.add", cur)
            if other is not None and _is_tensor_var(other, node.spec.output_shape) and not other.same_as(cur):
                grp.residual = other
                grp.fused.append("residual")
                claimed.add(u.name)
                cur = u
                act2, after2 = match_activation(g, cur)
                if act2 is not None:
                    grp.post_activation = act2
                    grp.fused.append(act2)
                    cur = after2
        grp.tail_var = cur
        groups.append(grp)
    return groups


def _is_tensor_var(e, shape) -> bool:
    from tvm import relax

    if not isinstance(e, relax.Var):
        return False
    ty = getattr(e, "ty", None)
    try:
        return tuple(int(s) for s in ty.shape) == tuple(shape)
    except (TypeError, AttributeError):
        return False



@dataclass
class DenseGroup:
    """A linear layer (``matmul`` of a tensor by a constant matrix) and the epilogue fused into it."""

    var: object                       #: the matmul's Relax var
    input: object                     #: the Relax var it reads, ``[..., K]``
    tail_var: object                  #: the Relax var the fused result replaces
    weight: np.ndarray                #: float64 (K, N)
    rows: int                         #: M, the product of the input's leading dims
    out_shape: tuple                  #: the tail var's shape
    bias: Optional[np.ndarray] = None  #: float64 (N,)
    activation: Optional[str] = None
    fused: list = field(default_factory=list)
    #: a layer scale and residual after it, over an image (ConvNeXt's ``x + gamma * permute(mlp(x'))``):
    #: ``gamma`` (N,), the residual var (N, C, H, W NCHW) and the image's (H, W); the tail var is the add
    scale: Optional[np.ndarray] = None
    residual: object = None
    image: Optional[tuple] = None


def _layer_scale_residual(g: "_Graph", grp: "DenseGroup", cur):
    """After a linear layer over an image's pixels (``[1, H, W, N]``, no activation): ``permute_dims`` to NCHW,
    a multiply by a constant ``(N, 1, 1)`` and an add of an NCHW tensor of the same shape -> (gamma, residual,
    add var), else None."""
    n = grp.weight.shape[1]
    u = g.sole_user(cur)
    if u is not None and _op(g.binding[u]) == "relax.reshape" and len(_static_shape(cur) or ()) == 2:
        cur = u                          # rows [H * W, N] -> [1, H, W, N]
    shape = _static_shape(cur)
    if grp.activation is not None or shape is None or len(shape) != 4 or shape[0] != 1 or shape[3] != n:
        return None
    p = g.sole_user(cur)
    if p is None or _op(g.binding[p]) != "relax.permute_dims" or not g.binding[p].args[0].same_as(cur):
        return None
    axes = g.binding[p].attrs.axes
    if axes is None or [int(a) for a in axes] != [0, 3, 1, 2]:
        return None
    m = g.sole_user(p)
    gamma = _const(_binary(g.binding[m], "relax.multiply", p)) if m is not None else None
    if gamma is None or gamma.size != n or gamma.shape not in ((n, 1, 1), (1, n, 1, 1)):
        return None
    a = g.sole_user(m)
    r = _binary(g.binding[a], "relax.add", m) if a is not None else None
    if r is None or _const(r) is not None or not (_static_shape(r) == _static_shape(a) == _static_shape(p)) \
            or str(getattr(r.ty, "dtype", "")) != "float32":
        return None
    return gamma.reshape(-1).astype(np.float64), r, a


def _static_shape(e) -> Optional[tuple]:
    try:
        return tuple(int(s) for s in e.ty.shape)
    except (TypeError, AttributeError, ValueError):
        return None


def find_dense(func, claimed=()) -> list[DenseGroup]:
    """A :class:`DenseGroup` for each float32 ``matmul(x, C)`` of ``func`` with ``C`` a constant 2-D matrix:
    a bias add of a constant ``(N,)`` vector, then (through a reshape) an activation, fused in; or, over an
    image's pixels, a transpose to NCHW, a layer scale and a residual add (:func:`_layer_scale_residual`)."""
    g = _Graph(func)
    out = []
    for var in g.order:
        value = g.binding[var]
        if _op(value) != "relax.matmul" or var.name in claimed:
            continue
        x, wc = value.args
        w = _const(wc)
        xs = _static_shape(x)
        if w is None or w.ndim != 2 or xs is None or len(xs) < 2 or xs[-1] != w.shape[0] \
                or str(getattr(x.ty, "dtype", "")) != "float32" or str(w.dtype) != "float32":
            continue
        k, n = w.shape
        grp = DenseGroup(var, x, var, w.astype(np.float64), int(np.prod(xs[:-1])), tuple(_static_shape(var)))
        cur = var
        u = g.sole_user(cur)
        if u is not None:
            other = _binary(g.binding[u], "relax.add", cur)
            b = _const(other) if other is not None else None
            if b is not None and b.size == n and b.shape[-1:] == (n,) and _static_shape(u) == grp.out_shape:
                grp.bias = b.reshape(-1).astype(np.float64)
                grp.fused.append("bias")
                cur = u
        act_from = cur
        u = g.sole_user(cur)
        if u is not None and _op(g.binding[u]) == "relax.reshape" and (_static_shape(u) or (0,))[-1] == n:
            act_from = u
        act, after = match_activation(g, act_from)
        if act is not None:
            grp.activation = act
            grp.fused.append(act)
            cur = after
        got = _layer_scale_residual(g, grp, cur)
        if got is not None:
            grp.scale, grp.residual, cur = got
            grp.image = _static_shape(grp.residual)[2:]
            grp.fused += ["layer_scale", "residual"]
        grp.tail_var = cur
        grp.out_shape = _static_shape(cur)
        out.append(grp)
    return out
