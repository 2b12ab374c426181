"""Output and workspace tensors: torch dtypes and 64-byte aligned allocation."""
from __future__ import annotations

_TORCH_DTYPES = {"float32": "float32", "float16": "float16"}


def _torch_dtype(name: str):
    import torch

    return getattr(torch, _TORCH_DTYPES[name])


# TVM declares every buffer argument 64-byte aligned and emits aligned vector loads/stores for it:
# a tensor at any other address (a numpy array, a view with an offset) crashes the process.
_ALIGN = 64


def _aligned_empty(shape, dtype, device="cpu"):
    """An uninitialized contiguous tensor whose data pointer is _ALIGN-byte aligned."""
    import torch

    t = torch.empty(shape, dtype=dtype, device=device)
    if t.data_ptr() % _ALIGN == 0:
        return t
    n = t.numel()
    itemsize = t.element_size()
    buf = torch.empty(n + _ALIGN // itemsize, dtype=dtype, device=device)
    off = (-buf.data_ptr() % _ALIGN) // itemsize
    return buf[off:off + n].view(tuple(shape))


def new_output(shape, dtype):
    """A function of no arguments that returns a new uninitialized contiguous CPU tensor of ``shape``:
    ``empty_like`` of a template (0.9 us a call here, ``torch.empty(shape, dtype=)`` 1.6).  What
    ``op(x)`` allocates its output with, and the benchmarks' MetaSchedule peer too."""
    import functools

    import torch

    return functools.partial(torch.empty_like, torch.empty(tuple(shape), dtype=dtype))


def _aligned(t):
    """``t`` itself when contiguous and aligned, else an aligned contiguous copy."""
    if t.is_contiguous() and t.data_ptr() % _ALIGN == 0:
        return t
    a = _aligned_empty(tuple(t.shape), t.dtype, t.device)
    a.copy_(t)
    return a
