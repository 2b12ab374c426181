"""A reference interpreter for plans, in PyTorch.

:func:`run_plan_torch` executes a :class:`~sepgen.ir.stages.Plan` stage by stage
with ``torch.nn.functional.conv1d/2d/3d`` (and ``torch.fft`` for FFT stages).
It is the numerical oracle of the tests and of the tuner's checks, so it handles
every stage kind, asymmetric padding, stride, dilation, groups and bias.  torch
is imported lazily, only when a function here runs.  (The weight a plan
implements, composed in numpy, is :mod:`sepgen.analysis.plan_error`.)
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..errors import PlanError, TensorError
from ..ir.stages import ConvStage, FFTConv, Plan, Stage, conv_parts


def _param(plan: Plan, name: str, like, params=None):
    import torch

    if params is not None and name in params:
        t = params[name]
        if isinstance(t, torch.Tensor):
            return t.to(dtype=like.dtype, device=like.device)
    arr = plan.params.get(name)
    if arr is None:
        raise PlanError(f"plan lacks param {name!r}")
    return torch.as_tensor(np.asarray(arr)).to(dtype=like.dtype, device=like.device)


def _torch_pad(x, padding):
    import torch.nn.functional as F

    if all(p == (0, 0) for p in padding):
        return x
    flat = []
    for lo, hi in reversed(padding):       # F.pad wants the last axis first
        flat.extend((lo, hi))
    return F.pad(x, flat)


def _conv_torch(part: ConvStage, x, w, b):
    import torch.nn.functional as F

    g = part.geom
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[g.ndim]
    x = _torch_pad(x, g.padding)
    return conv(x, w, b, stride=g.stride, padding=0, dilation=g.dilation, groups=g.groups)


def _fft_conv_torch(stage: ConvStage, x, w, b):
    """Cross-correlation (what F.conv computes) by products of real spectra."""
    import torch

    g = stage.geom
    nd = g.ndim
    x = _torch_pad(x, g.padding)
    full = tuple(x.shape[2:])
    # dilate the kernel by inserting zeros
    if any(d != 1 for d in g.dilation):
        kd = tuple(d * (k - 1) + 1 for k, d in zip(g.kernel, g.dilation))
        wd = torch.zeros((*w.shape[:2], *kd), dtype=w.dtype, device=w.device)
        wd[(slice(None), slice(None), *[slice(None, None, d) for d in g.dilation])] = w
        w = wd
    kd = tuple(w.shape[2:])
    dims = tuple(range(-nd, 0))
    xf = torch.fft.rfftn(x, s=full, dim=dims)
    wf = torch.fft.rfftn(w, s=full, dim=dims)
    n, cin = x.shape[:2]
    gr = g.groups
    cin_g, cout_g = cin // gr, g.out_channels // gr
    fshape = tuple(xf.shape[2:])
    xf = xf.reshape(n, gr, cin_g, -1)
    wf = wf.reshape(gr, cout_g, cin_g, -1)
    # correlation: y[t] = sum_k x[t + k] w[k]  <=>  Y = X * conj(W)
    yf = torch.einsum("ngif,goif->ngof", xf, wf.conj()).reshape(n, g.out_channels, *fshape)
    y = torch.fft.irfftn(yf, s=full, dim=dims)
    sl = [slice(None), slice(None)]
    for size, k, s in zip(full, kd, g.stride):
        sl.append(slice(0, size - k + 1, s))
    y = y[tuple(sl)]
    if b is not None:
        y = y + b.reshape(1, -1, *([1] * nd))
    return y.contiguous()


def apply_activation(x, act: Optional[str]):
    """The epilogue activation of a stage, in torch (see sepgen.ir.stages.ACTIVATIONS)."""
    import torch.nn.functional as F

    if act is None:
        return x
    if act == "relu":
        return F.relu(x)
    if act == "relu6":
        return F.relu6(x)
    if act == "silu":
        return F.silu(x)
    if act == "hardswish":
        return F.hardswish(x)
    if act == "sigmoid":
        return x.sigmoid()
    if act == "hardsigmoid":
        return F.hardsigmoid(x)
    if act == "gelu":
        return F.gelu(x)
    raise PlanError(f"unknown activation {act!r}")


def run_stage_torch(plan: Plan, stage: Stage, x, params=None):
    """Run one stage of ``plan`` on ``x`` (a torch tensor) and return its output.

    ``params`` (name -> tensor) overrides the plan's own parameter arrays (autograd uses it).
    """
    if isinstance(stage, FFTConv):
        w = _param(plan, stage.weight, x, params)
        b = _param(plan, stage.bias, x, params) if stage.bias else None
        return apply_activation(_fft_conv_torch(stage, x, w, b), stage.activation)
    for part in conv_parts(stage):
        if tuple(x.shape) != tuple(part.in_shape):
            raise PlanError(f"part {part.name} reads {part.in_shape} but gets {tuple(x.shape)}")
        w = _param(plan, part.weight, x, params)
        b = _param(plan, part.bias, x, params) if part.bias else None
        if isinstance(part, FFTConv):
            x = _fft_conv_torch(part, x, w, b)
        else:
            x = _conv_torch(part, x, w, b)
        x = apply_activation(x, part.activation)
    return x


def run_plan_torch(plan: Plan, x, params=None):
    """Execute ``plan`` on the torch tensor ``x`` and return the output tensor.

    float16 inputs are computed in float32 (CPU torch lacks some half kernels)
    and cast back.  The result has the plan's spec output shape.  ``params``
    (name -> tensor) overrides the plan's parameter arrays.
    """
    import torch

    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(np.asarray(x))
    if tuple(x.shape) != tuple(plan.spec.input_shape):
        raise TensorError(f"input has shape {tuple(x.shape)}, the plan expects {plan.spec.input_shape}")
    out_dtype = x.dtype
    if not x.is_floating_point():
        raise TensorError(f"input must be a floating tensor, got {x.dtype}")
    if x.dtype in (torch.float16, torch.bfloat16):
        x = x.to(torch.float32)
    for stage in plan.stages:
        x = run_stage_torch(plan, stage, x, params)
    return x.to(out_dtype)
