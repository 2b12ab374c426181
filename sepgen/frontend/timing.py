"""Timing an original and an optimized model (or layer) against each other in alternating blocks."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Optional

import torch


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
    (:func:`sepgen.runtime.timing.time_rounds`), PyTorch with ``torch_threads`` threads: what a layer kept in PyTorch
    costs inside the optimized model (see :class:`OptimizedModel`)."""
    from ..runtime.timing import time_rounds

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
    first calls are not counted (:func:`sepgen.runtime.timing.time_rounds`: neither is billed for the other's
    spinning thread pool)."""
    from ..runtime.timing import time_rounds

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
