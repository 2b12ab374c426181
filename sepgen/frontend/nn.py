"""``torch.nn`` modules whose convolution is a sepgen kernel.

* :class:`Conv`: any convolution; sepgen picks the plan (direct, separable,
  depthwise + pointwise, spatial-spectral, FFT) within ``tolerance``.
* :class:`SeparableConv`: a convolution that must run as 1-D passes (rank r).
* :class:`DepthwiseSeparableConv`: one that must run as depthwise + pointwise.
* :class:`FactorizedConv`: one that must run factorized, any way the passes find.

Build them from an existing layer with ``from_conv(conv, tolerance=..., input_shape=...)``,
or from scratch.  The trainable parameters are the plan's own (the 1-D filters
of a separable plan, the depthwise and pointwise weights of a dw+pw plan), so a
factorized layer trains as a factorized layer; the compiled kernels read them at
every call, and gradients flow through :mod:`sepgen.runtime.ops` (PyTorch's conv
backward, applied to the plan).

Kernels are compiled per input shape: at construction for ``input_shape``, and
on the first call with any other shape (the same factorization, re-planned for
the new geometry).  The plan's parameters are created by the first compile, so
give ``input_shape`` before building an optimizer.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
import torch
import torch.nn as tnn

from ..errors import PlanError, SpecError, TensorError

#: the PyTorch convolution modules sepgen replaces
CONV_TYPES = (tnn.Conv1d, tnn.Conv2d, tnn.Conv3d)
_CONVS = CONV_TYPES


def _tuple(v, nd):
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return (v,) * nd
    return tuple(v)


def _signature(plan) -> tuple:
    return (plan.kinds, tuple(sorted((k, tuple(v.shape)) for k, v in plan.params.items())))


class Conv(tnn.Module):
    """A convolution compiled by sepgen: ``F.conv{1,2,3}d(x, weight, bias, ...)`` then ``activation``."""

    #: a predicate a plan must satisfy (subclasses restrict the kind of factorization)
    plan_filter: Optional[Callable] = None
    what = "plan"

    def __init__(self, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, *, tolerance: float = 0.0,
                 target: str = "host", trials: int = 0, log_dir=None, activation: Optional[str] = None,
                 input_shape=None, seed: int = 0, progress: bool = False):
        super().__init__()
        w = torch.as_tensor(weight).detach()
        if w.ndim not in (3, 4, 5):
            raise SpecError(f"weight must have 3, 4 or 5 dims (C_out, C_in/groups, *kernel), got {tuple(w.shape)}")
        nd = w.ndim - 2
        # the dense weight the layer stands for: kept (not trained) to re-plan for new input shapes
        self.register_buffer("dense_weight", w.clone(), persistent=False)
        self.register_buffer("dense_bias", None if bias is None else torch.as_tensor(bias).detach().clone(),
                             persistent=False)
        self.ndim = nd
        self.stride, self.padding, self.dilation = _tuple(stride, nd), _tuple(padding, nd), _tuple(dilation, nd)
        self.groups = int(groups)
        self.tolerance, self.target, self.trials, self.log_dir = tolerance, target, trials, log_dir
        self.activation, self.seed, self.progress = activation, seed, progress
        self.factors = tnn.ParameterDict()
        self._signature = None
        self._kernels: dict = {}     # input shape -> (CompiledConv, custom-op handle)
        if input_shape is not None:
            self.compile(tuple(input_shape))

    # ---- construction ------------------------------------------------------------------------
    @classmethod
    def from_conv(cls, conv, tolerance: float = 0.0, input_shape=None, **kw) -> "Conv":
        """This module computing what ``conv`` (an ``nn.Conv1d/2d/3d``) computes, within ``tolerance``."""
        if not isinstance(conv, _CONVS):
            raise SpecError(f"from_conv takes an nn.Conv1d/2d/3d, got {type(conv).__name__}")
        if conv.padding_mode != "zeros":
            raise SpecError(f"padding_mode={conv.padding_mode!r} is not supported (only 'zeros')")
        return cls(conv.weight, conv.bias, conv.stride, conv.padding, conv.dilation, conv.groups,
                   tolerance=tolerance, input_shape=input_shape, **kw)

    # ---- compiling ----------------------------------------------------------------------------
    def _accept(self, plan) -> bool:
        return self.plan_filter is None or type(self).plan_filter(plan)

    def compile(self, input_shape: tuple):
        """Compile (or return) the kernel for ``input_shape``."""
        input_shape = tuple(int(s) for s in input_shape)
        hit = self._kernels.get(input_shape)
        if hit is not None:
            return hit[0]
        from ..driver.compile import compile_conv, make_spec
        from ..passes.pipeline import candidate_plans
        from ..runtime import ops

        w = self.dense_weight.cpu().double().numpy()
        b = None if self.dense_bias is None else self.dense_bias.cpu().double().numpy()
        dtype = "float16" if self.dense_weight.dtype == torch.float16 else "float32"
        plan = None
        if self._signature is not None or self.plan_filter is not None:
            spec = make_spec(w, input_shape, b, self.stride, self.padding, self.dilation, self.groups, dtype)
            cands = [p for p in candidate_plans(spec, w, b, self.tolerance) if self._accept(p)]
            if self._signature is not None:
                cands = [p for p in cands if _signature(p) == self._signature]
            else:
                from ..analysis.weights import error_budget

                cands = [p for p in cands if p.error <= error_budget(self.tolerance, dtype)]
            if not cands:
                raise PlanError(f"{type(self).__name__}: the weight {tuple(w.shape)} has no {self.what} within "
                                f"tolerance {self.tolerance:g} for input {input_shape}")
            plan = min(cands, key=lambda p: p.flops())
        op = compile_conv(w.astype(np.float32 if dtype == "float32" else np.float16), input_shape, bias=b,
                          stride=self.stride, padding=self.padding, dilation=self.dilation, groups=self.groups,
                          target=self.target, tolerance=self.tolerance, trials=self.trials, log_dir=self.log_dir,
                          dtype=dtype, seed=self.seed, progress=self.progress, plan=plan,
                          activation=self.activation)
        if self._signature is None:
            self._signature = _signature(op.plan)
            for name in sorted(op._params):
                # the module's parameter IS the kernel's parameter tensor: updates need no copy
                self.factors[name] = tnn.Parameter(op._params[name], requires_grad=True)
        else:
            op.set_params({n: self.factors[n].data for n in op._params})
        self._kernels[input_shape] = (op, ops.register(op), self._bound_now(), op.fast_path())
        return op

    def _bound_now(self) -> tuple:
        params = self._bound()
        return params, tuple(p.data_ptr() for p in params)

    def _bound(self) -> tuple:
        """The parameter objects the kernels were given (a replaced Parameter is noticed by identity)."""
        return tuple(self.factors._parameters.values())   # (ParameterDict's own accessors cost microseconds)

    @property
    def plan(self):
        """The plan of the first compiled shape (None before the first compile)."""
        return next(iter(self._kernels.values()))[0].plan if self._kernels else None

    @property
    def error(self) -> float:
        p = self.plan
        return float(p.error) if p is not None else float("nan")

    # ---- calling --------------------------------------------------------------------------------
    def forward(self, x):
        shape = tuple(x.shape)
        hit = self._kernels.get(shape)
        if hit is None:
            if torch.compiler.is_compiling():
                raise TensorError(f"{type(self).__name__}: no kernel for input {shape} "
                                  "(call the module once eagerly, or give input_shape, before torch.compile)")
            self.compile(shape)
            hit = self._kernels[shape]
        op, handle, bound, fast = hit
        compiling = torch.compiler.is_compiling()
        if not compiling and not torch.is_grad_enabled() and x.dtype != torch.float64:
            # eager inference: call the compiled function directly (no dispatcher, few checks)
            params = self._bound()
            if len(params) == len(bound[0]) and all(p is q and p.data_ptr() == d
                                                    for p, q, d in zip(params, bound[0], bound[1])):
                return fast(x) if fast is not None else op(x)
            self._rebind()
            return self.forward(x)
        names = sorted(self.factors.keys())
        params = [self.factors[n] for n in names]
        needs_grad = torch.is_grad_enabled() and (x.requires_grad or any(p.requires_grad for p in params))
        if not needs_grad and not compiling and x.dtype != torch.float64:
            return op(x, params={n: p for n, p in zip(names, params)})
        return torch.ops.sepgen.conv(x, params, handle)

    def _rebind(self) -> None:
        """Parameters were replaced (load_state_dict with assign, a new Parameter): give them to every kernel."""
        bound = self._bound_now()
        for shape, (op, handle, _, _) in list(self._kernels.items()):
            op.set_params({n: self.factors[n].data for n in op._params})
            self._kernels[shape] = (op, handle, bound, op.fast_path())

    def extra_repr(self) -> str:
        p = self.plan
        plan = " -> ".join(p.kinds) if p is not None else "not compiled yet"
        act = f", activation={self.activation}" if self.activation else ""
        return (f"{tuple(self.dense_weight.shape)}, stride={self.stride}, padding={self.padding}, "
                f"groups={self.groups}{act}, plan={plan}, error={self.error:.3g}, target={self.target}")

    def __del__(self):
        try:
            from ..runtime import ops

            for entry in self._kernels.values():
                ops.unregister(entry[1])
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __getstate__(self):
        raise TypeError("sepgen.nn modules hold compiled kernels and cannot be pickled; save the original model "
                        "and its tuning logs, and rebuild with sepgen.optimize(..., log_dir=...) (a replay, no search)")


def _is_separable(plan) -> bool:
    return "separable" in plan.kinds or ("axis_pass" in plan.kinds)


def _is_dwpw(plan) -> bool:
    return plan.kinds in (("depthwise", "pointwise"), ("fused_dwpw",)) or (
        "pointwise" in plan.kinds and any(k in plan.kinds for k in ("depthwise", "separable", "spatial_spectral")))


def _is_factorized(plan) -> bool:
    return plan.kinds not in (("direct",), ("depthwise",), ("pointwise",), ("fft",))


class SeparableConv(Conv):
    """A convolution run as 1-D passes along each axis (a sum of ``rank`` separable terms)."""

    plan_filter = staticmethod(_is_separable)
    what = "separable (rank-r 1-D passes) factorization"

    @classmethod
    def from_filters(cls, filters, channels: int = 1, padding="same", **kw) -> "SeparableConv":
        """Per-channel separable filter from 1-D ``filters`` (one per spatial axis): the outer product."""
        fs = [torch.as_tensor(f, dtype=torch.float32).flatten() for f in filters]
        if not 1 <= len(fs) <= 3:
            raise SpecError(f"give 1 to 3 one-dimensional filters, got {len(fs)}")
        k = fs[0]
        for f in fs[1:]:
            k = k.unsqueeze(-1) * f
        w = k.expand(channels, 1, *k.shape).contiguous()
        pad = tuple(f.numel() // 2 for f in fs) if padding == "same" else padding
        return cls(w, None, 1, pad, 1, channels, **kw)


class DepthwiseSeparableConv(Conv):
    """A convolution run as a depthwise (per-channel) filter then a pointwise 1x1 channel mix."""

    plan_filter = staticmethod(_is_dwpw)
    what = "depthwise + pointwise factorization"

    @classmethod
    def from_parts(cls, depthwise, pointwise, **kw) -> "DepthwiseSeparableConv":
        """One module (one fused kernel where profitable) from an ``nn.Conv`` depthwise + pointwise pair."""
        for c, what in ((depthwise, "depthwise"), (pointwise, "pointwise")):
            if not isinstance(c, _CONVS):
                raise SpecError(f"{what} must be an nn.Conv1d/2d/3d, got {type(c).__name__}")
        if depthwise.groups != depthwise.in_channels or depthwise.out_channels != depthwise.in_channels:
            raise SpecError("the depthwise conv must have groups == in_channels == out_channels")
        if any(k != 1 for k in pointwise.kernel_size) or pointwise.groups != 1:
            raise SpecError("the pointwise conv must be 1x1 with groups=1")
        if depthwise.bias is not None:
            raise SpecError("a bias on the depthwise conv does not fold into one dense convolution; drop it "
                            "(or fold it into the pointwise bias: b_pw + W_pw @ b_dw)")
        dw = depthwise.weight.detach().double()           # (C, 1, *k)
        pw = pointwise.weight.detach().double().flatten(1)  # (O, C)
        dense = (pw.reshape(*pw.shape, *([1] * (dw.ndim - 2))) * dw[:, 0].unsqueeze(0)).float()
        return cls(dense, pointwise.bias, depthwise.stride, depthwise.padding, depthwise.dilation, 1, **kw)


class FactorizedConv(Conv):
    """A convolution run factorized (separable, dw+pw, spatial-spectral), exactly or within ``tolerance``."""

    plan_filter = staticmethod(_is_factorized)
    what = "factorization"


__all__ = ["CONV_TYPES", "Conv", "SeparableConv", "DepthwiseSeparableConv", "FactorizedConv"]
