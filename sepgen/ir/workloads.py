"""The named workload table, shared by tests, the CLI and the benchmarks.

Each workload is a convolution spec plus a deterministic way to make its
weights (random where a real network's weights would be unstructured, and
*structured* where the structure is the point: Gaussians, depthwise x pointwise
products, spectral x spatial kernels).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ..errors import SpecError
from .spec import ConvSpec


@dataclass(frozen=True)
class Workload:
    name: str
    suite: str
    spec: ConvSpec
    description: str
    make: Callable[[np.random.Generator], tuple[np.ndarray, Optional[np.ndarray]]]

    def weights(self, seed: int = 0) -> tuple[np.ndarray, Optional[np.ndarray]]:
        """(weight, bias) as float32 numpy arrays, the same for the same seed."""
        w, b = self.make(np.random.default_rng(seed))
        return w.astype(np.float32), (None if b is None else b.astype(np.float32))

    def compile_args(self) -> dict:
        s = self.spec
        return {"input_shape": s.input_shape, "stride": s.stride, "padding": s.padding,
                "dilation": s.dilation, "groups": s.groups}


def _kaiming(rng, shape, fan_in):
    return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)


def _gauss1d(k: int, sigma: float) -> np.ndarray:
    x = np.arange(k) - (k - 1) / 2
    g = np.exp(-x * x / (2 * sigma * sigma))
    return g / g.sum()


def _dw(c, h, stride):
    spec = ConvSpec.create((1, c, h, h), (c, 1, 3, 3), stride=stride, padding=1, groups=c)
    return spec, lambda rng: (_kaiming(rng, (c, 1, 3, 3), 9), None)


def _dwpw_weight(rng, cin, cout, kshape):
    """A dense weight that *is* depthwise x pointwise: W[o, i] = P[o, i] * D[i]."""
    d = _kaiming(rng, (cin, *kshape), int(np.prod(kshape)))
    p = _kaiming(rng, (cout, cin), cin)
    return p.reshape(cout, cin, *([1] * len(kshape))) * d[None]


def _gauss2d(rng):
    g = _gauss1d(7, 1.5)
    return np.outer(g, g)[None, None], None


def _gauss3d(rng):
    g = _gauss1d(7, 1.5)
    return np.einsum("i,j,k->ijk", g, g, g)[None, None], None


def _hyperspectral(rng):
    spectral = _gauss1d(7, 2.0) * (1 + 0.1 * rng.standard_normal(7))
    spatial = rng.standard_normal((3, 3))   # full-rank spatial part
    return np.einsum("d,hw->dhw", spectral, spatial)[None, None], None


_MOBILENET_DW = [(32, 112, 1), (64, 112, 2), (128, 56, 1), (128, 56, 2), (256, 28, 1), (512, 14, 1), (1024, 7, 1)]


def _build() -> dict[str, Workload]:
    out: dict[str, Workload] = {}

    def add(name, suite, spec, desc, make):
        out[name] = Workload(name, suite, spec, desc, make)

    for i, (c, h, s) in enumerate(_MOBILENET_DW):
        spec, make = _dw(c, h, s)
        add(f"mobilenet_v1_dw_{i}", "dw-mobilenet", spec,
            f"MobileNetV1 depthwise 3x3, C={c}, {h}x{h}, stride {s}", make)
    add("dense3x3_64_128_56", "dwpw", ConvSpec.create((1, 64, 56, 56), (128, 64, 3, 3), padding=1),
        "dense 3x3 conv 64->128 at 56x56, random (full-rank) weights",
        lambda rng: (_kaiming(rng, (128, 64, 3, 3), 64 * 9), None))
    add("dwpw_64_128_56", "dwpw", ConvSpec.create((1, 64, 56, 56), (128, 64, 3, 3), padding=1, bias=True),
        "dense 3x3 conv 64->128 at 56x56 whose weights are depthwise x pointwise (MobileNet block)",
        lambda rng: (_dwpw_weight(rng, 64, 128, (3, 3)), 0.1 * rng.standard_normal(128)))
    add("gauss2d_7_1080p", "gauss2d", ConvSpec.create((1, 1, 1080, 1920), (1, 1, 7, 7), padding=3),
        "7x7 Gaussian (sigma 1.5) on a 1080x1920 image", _gauss2d)
    add("gauss3d_7_128", "gauss3d", ConvSpec.create((1, 1, 128, 128, 128), (1, 1, 7, 7, 7), padding=3),
        "7x7x7 Gaussian (sigma 1.5) on a 128^3 volume", _gauss3d)
    add("hyperspectral_100_64", "hyperspectral",
        ConvSpec.create((1, 1, 100, 64, 64), (1, 1, 7, 3, 3), padding=(3, 1, 1)),
        "hyperspectral cube, 100 bands of 64x64, 7-band spectral x 3x3 spatial kernel", _hyperspectral)
    add("ts1d_64_4096_15", "ts1d", ConvSpec.create((1, 64, 4096), (64, 64, 15), padding=7, bias=True),
        "1-D depthwise separable layer: 64 channels, length 4096, kernel 15 (dense weights = dw x pw)",
        lambda rng: (_dwpw_weight(rng, 64, 64, (15,)), 0.1 * rng.standard_normal(64)))
    return out


WORKLOADS: dict[str, Workload] = _build()
SUITES: dict[str, list[str]] = {}
for _w in WORKLOADS.values():
    SUITES.setdefault(_w.suite, []).append(_w.name)
SUITES["all"] = list(WORKLOADS)


def get_workload(name: str) -> Workload:
    try:
        return WORKLOADS[name]
    except KeyError:
        raise SpecError(f"unknown workload {name!r}; known: {', '.join(WORKLOADS)}") from None
