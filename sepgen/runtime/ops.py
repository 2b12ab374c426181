"""sepgen kernels as PyTorch custom operators, with autograd.

``torch.ops.sepgen.conv(x, params, handle)`` runs the compiled plan registered
under ``handle`` (see :func:`register`) with the parameter tensors ``params``
(in the order of :func:`param_names`).  It is a ``torch.library`` custom op:

* a fake (meta) implementation gives the output shape, so models using it run
  under ``torch.compile(fullgraph=True)`` and pass ``torch.library.opcheck``;
* backward is PyTorch's own convolution backward applied to the plan, stage by
  stage (the documented fallback: sepgen compiles forward kernels only).  The
  plan is re-run with ``torch.nn.functional.conv*`` under autograd and the
  gradients of the input and of every stage parameter (the factors of a
  factorized plan) come from it, so every stage kind is differentiable;
* float64 inputs (``torch.autograd.gradcheck``) run the plan through the same
  torch interpreter, since the compiled kernels are float32/float16.

Custom-op dispatch costs microseconds per call, which is the whole runtime of
small layers, so :class:`sepgen.nn.Conv` calls the compiled function directly
in eager inference and goes through the op only when autograd or
``torch.compile`` needs it.
"""
from __future__ import annotations

import itertools
import threading

import torch

from ..errors import TensorError

_OPS: dict = {}
_NEXT = itertools.count(1)
_LOCK = threading.Lock()


def register(op) -> int:
    """Register a :class:`sepgen.runtime.compiled.CompiledConv`; returns the handle the custom op takes."""
    with _LOCK:
        h = next(_NEXT)
        _OPS[h] = op
    return h


def unregister(handle: int) -> None:
    with _LOCK:
        _OPS.pop(handle, None)


def lookup(handle: int):
    op = _OPS.get(int(handle))
    if op is None:
        raise TensorError(f"no sepgen kernel is registered under handle {handle} (was its module deleted?)")
    return op


def param_names(op) -> list[str]:
    """The order in which the custom op takes a plan's parameters."""
    return sorted(op.plan.params)


def _reference(op, x, params):
    from .reference import run_plan_torch

    return run_plan_torch(op.plan, x, params=dict(zip(param_names(op), params)))


@torch.library.custom_op("sepgen::conv", mutates_args=())
def conv(x: torch.Tensor, params: list[torch.Tensor], handle: int) -> torch.Tensor:
    """Run the compiled plan ``handle`` on ``x`` with parameter tensors ``params``."""
    op = lookup(handle)
    if x.dtype == torch.float64:          # gradcheck: the plan through torch, in float64
        return _reference(op, x, params).contiguous()
    names = param_names(op)
    if len(params) != len(names):
        raise TensorError(f"sepgen::conv got {len(params)} params, the plan needs {len(names)} ({', '.join(names)})")
    # below autograd here (register_autograd gives the backward): the kernel sees plain data
    return op(x.detach(), params={n: p.detach() for n, p in zip(names, params)})


@conv.register_fake
def _conv_fake(x, params, handle):
    op = lookup(handle)
    if tuple(x.shape) != tuple(op.spec.input_shape):
        raise TensorError(f"input has shape {tuple(x.shape)}, this kernel was compiled for {op.spec.input_shape}")
    return x.new_empty(op.spec.output_shape)


def _setup_context(ctx, inputs, output):
    x, params, handle = inputs
    ctx.handle = handle
    ctx.n_params = len(params)
    ctx.save_for_backward(x, *params)


def _backward(ctx, grad):
    x, *params = ctx.saved_tensors
    op = lookup(ctx.handle)
    with torch.enable_grad():
        xr = x.detach().requires_grad_(True)
        ps = [p.detach().requires_grad_(True) for p in params]
        y = _reference(op, xr, ps)
        grads = torch.autograd.grad(y, [xr, *ps], grad, allow_unused=True)
    gx = grads[0]
    gps = [g if g is not None else torch.zeros_like(p) for g, p in zip(grads[1:], params)]
    return gx, gps, None


torch.library.register_autograd("sepgen::conv", _backward, setup_context=_setup_context)

__all__ = ["conv", "register", "unregister", "lookup", "param_names"]
