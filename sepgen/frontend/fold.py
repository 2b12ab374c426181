"""Folding BatchNorm and activations into the convolution that precedes them."""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn as tnn

from ..errors import SpecError
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
