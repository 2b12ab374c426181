"""Named filters: classic image / volume kernels by name, as float32 conv weights.

``named_filter("gaussian:7:1.5")`` returns a ``(1, 1, 7, 7)`` weight; 3-D
filters return ``(1, 1, k, k, k)``.  The text is ``NAME[:ARG...]`` with the
arguments of :data:`FILTERS`.  Unknown names and bad numbers raise
:class:`~sepgen.errors.WeightError` listing the known names.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import WeightError

__all__ = ["FILTERS", "named_filter"]

#: name -> (argument syntax, description)
FILTERS: dict[str, tuple[str, str]] = {
    "gaussian": ("gaussian:K:SIGMA", "2-D Gaussian, K x K, standard deviation SIGMA, sums to 1 (rank 1)"),
    "gaussian3d": ("gaussian3d:K:SIGMA", "3-D Gaussian, K x K x K, sums to 1 (CP rank 1)"),
    "sobel": ("sobel", "Sobel x-derivative [[-1,0,1],[-2,0,2],[-1,0,1]] (rank 1); same as sobel_x"),
    "sobel_x": ("sobel_x", "Sobel derivative along x (width) (rank 1)"),
    "sobel_y": ("sobel_y", "Sobel derivative along y (height) (rank 1)"),
    "box": ("box:K", "K x K mean filter (rank 1)"),
    "box3d": ("box3d:K", "K x K x K mean filter (CP rank 1)"),
    "laplacian": ("laplacian", "3x3 Laplacian [[0,1,0],[1,-4,1],[0,1,0]] (rank 2)"),
    "log": ("log:K:SIGMA", "K x K Laplacian of Gaussian, zero sum (rank <= 3)"),
    "gabor": ("gabor:K:SIGMA:THETA[:LAMBDA[:PSI]]",
              "K x K real Gabor: Gaussian envelope SIGMA, orientation THETA radians, wavelength LAMBDA "
              "(default K/2), phase PSI radians (default 0); rank 1 at THETA 0 or pi/2, rank 2 in general"),
    "random": ("random:K[:SEED]", "K x K standard normal values, seeded (default seed 0; full rank)"),
    "random3d": ("random3d:K[:SEED]", "K x K x K standard normal values, seeded (default seed 0)"),
}


def _known() -> str:
    return ", ".join(v[0] for v in FILTERS.values())


def _fail(text: str, why: str):
    raise WeightError(f"bad filter {text!r}: {why}; known filters: {_known()}")


def _int_arg(text: str, v: str, what: str, lo: int = 1, hi: int = 1025) -> int:
    try:
        f = float(v)
    except ValueError:
        _fail(text, f"{what} must be an integer, got {v!r}")
    if not math.isfinite(f) or f != int(f):
        _fail(text, f"{what} must be an integer, got {v!r}")
    n = int(f)
    if n < lo or n > hi:
        _fail(text, f"{what} must be in {lo}..{hi}, got {n}")
    return n


def _float_arg(text: str, v: str, what: str, positive: bool = False) -> float:
    try:
        f = float(v)
    except ValueError:
        _fail(text, f"{what} must be a number, got {v!r}")
    if not math.isfinite(f) or (positive and f <= 0):
        _fail(text, f"{what} must be a {'positive ' if positive else ''}finite number, got {v!r}")
    return f


def _gauss1d(k: int, sigma: float) -> np.ndarray:
    x = np.arange(k, dtype=np.float64) - (k - 1) / 2.0
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return g / g.sum()


def _argc(text: str, args: list, lo: int, hi: int, syntax: str):
    if not (lo <= len(args) <= hi):
        _fail(text, f"expected {syntax}")


def named_filter(text: str) -> np.ndarray:
    """The float32 weight ``(1, 1, k, k)`` or ``(1, 1, k, k, k)`` named by ``text`` (see :data:`FILTERS`)."""
    if not isinstance(text, str) or not text.strip():
        raise WeightError(f"a filter name must be a non-empty string, got {text!r}; known filters: {_known()}")
    parts = [p.strip() for p in text.strip().split(":")]
    name, args = parts[0].lower(), parts[1:]
    if name not in FILTERS:
        _fail(text, f"unknown filter {name!r}")
    syntax = FILTERS[name][0]
    if name in ("gaussian", "gaussian3d"):
        _argc(text, args, 2, 2, syntax)
        k = _int_arg(text, args[0], "K", hi=1025 if name == "gaussian" else 129)
        sigma = _float_arg(text, args[1], "SIGMA", positive=True)
        g = _gauss1d(k, sigma)
        w = np.einsum("i,j->ij", g, g) if name == "gaussian" else np.einsum("i,j,k->ijk", g, g, g)
    elif name in ("sobel", "sobel_x", "sobel_y"):
        _argc(text, args, 0, 0, syntax)
        sx = np.outer([1.0, 2.0, 1.0], [-1.0, 0.0, 1.0])
        w = sx.T.copy() if name == "sobel_y" else sx
    elif name in ("box", "box3d"):
        _argc(text, args, 1, 1, syntax)
        k = _int_arg(text, args[0], "K", hi=1025 if name == "box" else 129)
        w = np.full((k,) * (2 if name == "box" else 3), 1.0 / k ** (2 if name == "box" else 3))
    elif name == "laplacian":
        _argc(text, args, 0, 0, syntax)
        w = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
    elif name == "log":
        _argc(text, args, 2, 2, syntax)
        k = _int_arg(text, args[0], "K")
        sigma = _float_arg(text, args[1], "SIGMA", positive=True)
        x = np.arange(k, dtype=np.float64) - (k - 1) / 2.0
        xx, yy = np.meshgrid(x, x, indexing="ij")
        r2 = (xx ** 2 + yy ** 2) / (2 * sigma ** 2)
        w = -(1.0 / (math.pi * sigma ** 4)) * (1 - r2) * np.exp(-r2)
        w = w - w.mean()
    elif name == "gabor":
        _argc(text, args, 3, 5, syntax)
        k = _int_arg(text, args[0], "K")
        sigma = _float_arg(text, args[1], "SIGMA", positive=True)
        theta = _float_arg(text, args[2], "THETA")
        lam = _float_arg(text, args[3], "LAMBDA", positive=True) if len(args) > 3 else max(k / 2.0, 2.0)
        psi = _float_arg(text, args[4], "PSI") if len(args) > 4 else 0.0
        x = np.arange(k, dtype=np.float64) - (k - 1) / 2.0
        yy, xx = np.meshgrid(x, x, indexing="ij")          # axis 0 = y (height), axis 1 = x (width)
        xr = xx * math.cos(theta) + yy * math.sin(theta)
        w = np.exp(-(xx ** 2 + yy ** 2) / (2 * sigma ** 2)) * np.cos(2 * math.pi * xr / lam + psi)
    elif name in ("random", "random3d"):
        _argc(text, args, 1, 2, syntax)
        k = _int_arg(text, args[0], "K", hi=1025 if name == "random" else 129)
        seed = _int_arg(text, args[1], "SEED", lo=0, hi=2 ** 31 - 1) if len(args) > 1 else 0
        rng = np.random.default_rng(seed)
        w = rng.standard_normal((k,) * (2 if name == "random" else 3))
    else:  # pragma: no cover - FILTERS and the branches above agree
        _fail(text, f"unknown filter {name!r}")
    return np.ascontiguousarray(w.reshape(1, 1, *w.shape), dtype=np.float32)
