"""Example networks built from separable and depthwise-separable convolutions.

Defined here (no torchvision download is possible offline); weights are
randomly initialised unless you load your own.  Each one runs through
:func:`sepgen.optimize`:

* :func:`mobilenet_v1`, :func:`mobilenet_v2`: the classic depthwise-separable classifiers,
* :class:`MBConv`: EfficientNet's inverted-residual block with squeeze-excitation,
* :class:`DWUNet`: a U-Net whose blocks are depthwise separable, with skip connections,
* :class:`TimeSeriesClassifier`: 1-D depthwise separable convolutions over sensor channels,
* :class:`HyperspectralNet`: spatial-spectral 3-D convolutions (spectral 1-D then spatial 2-D),
* :class:`GaussianSmoothing`: a 2-D or 3-D Gaussian blur as a dense conv (sepgen finds it is separable),

and the architectures of :mod:`sepgen.frontend.architectures`, as torchvision defines them:
:func:`mobilenet_v3_large`, :func:`efficientnet_b0`, :func:`convnext_tiny`, :func:`regnet_y_400mf`.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .architectures import convnext_tiny, efficientnet_b0, mobilenet_v3_large, regnet_y_400mf
from .architectures.blocks import _make_divisible, mobilenet_init


def conv_bn(cin, cout, k, stride=1, groups=1, act=nn.ReLU6, dims=2):
    conv = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}[dims]
    bn = {1: nn.BatchNorm1d, 2: nn.BatchNorm2d, 3: nn.BatchNorm3d}[dims]
    layers = [conv(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), bn(cout)]
    if act is not None:
        layers.append(act(inplace=True) if act in (nn.ReLU, nn.ReLU6, nn.SiLU) else act())
    return nn.Sequential(*layers)


class DepthwiseSeparable(nn.Sequential):
    """Depthwise kxk (+BN+act) then pointwise 1x1 (+BN+act), MobileNetV1's block."""

    def __init__(self, cin, cout, stride=1, k=3, act=nn.ReLU, dims=2):
        super().__init__(conv_bn(cin, cin, k, stride, groups=cin, act=act, dims=dims),
                         conv_bn(cin, cout, 1, act=act, dims=dims))


class MobileNetV1(nn.Module):
    CFG = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]

    def __init__(self, num_classes=1000, width=1.0):
        super().__init__()
        c = int(32 * width)
        layers = [conv_bn(3, c, 3, 2, act=nn.ReLU)]
        for cout, s in self.CFG:
            cout = int(cout * width)
            layers.append(DepthwiseSeparable(c, cout, s))
            c = cout
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(c, num_classes)
        mobilenet_init(self)

    def forward(self, x):
        x = self.features(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.classifier(x)


class InvertedResidual(nn.Module):
    """MobileNetV2's block: 1x1 expand (ReLU6), 3x3 depthwise (ReLU6), 1x1 project (linear), residual."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = int(round(cin * expand))
        self.use_res = stride == 1 and cin == cout
        layers = []
        if expand != 1:
            layers.append(conv_bn(cin, hidden, 1))
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden), conv_bn(hidden, cout, 1, act=None)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        y = self.conv(x)
        return x + y if self.use_res else y


class MobileNetV2(nn.Module):
    CFG = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
           (6, 320, 1, 1)]

    def __init__(self, num_classes=1000, width=1.0):
        super().__init__()
        c = _make_divisible(32 * width)
        last = _make_divisible(1280 * max(1.0, width))
        feats = [conv_bn(3, c, 3, 2)]
        for t, ch, n, s in self.CFG:
            cout = _make_divisible(ch * width)
            for i in range(n):
                feats.append(InvertedResidual(c, cout, s if i == 0 else 1, t))
                c = cout
        feats.append(conv_bn(c, last, 1))
        self.features = nn.Sequential(*feats)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last, num_classes))
        mobilenet_init(self)

    def forward(self, x):
        x = self.features(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.classifier(x)


def mobilenet_v1(num_classes=1000, width=1.0) -> MobileNetV1:
    return MobileNetV1(num_classes, width)


def mobilenet_v2(num_classes=1000, width=1.0) -> MobileNetV2:
    return MobileNetV2(num_classes, width)


class MBConv(nn.Module):
    """EfficientNet's MBConv: 1x1 expand (SiLU), kxk depthwise (SiLU), squeeze-excitation, 1x1 project."""

    def __init__(self, cin, cout, k=3, stride=1, expand=4, se_ratio=0.25):
        super().__init__()
        hidden = cin * expand
        self.expand = conv_bn(cin, hidden, 1, act=nn.SiLU) if expand != 1 else nn.Identity()
        self.dw = conv_bn(hidden, hidden, k, stride, groups=hidden, act=nn.SiLU)
        se = max(1, int(cin * se_ratio))
        self.se_reduce = nn.Conv2d(hidden, se, 1)
        self.se_expand = nn.Conv2d(se, hidden, 1)
        self.project = conv_bn(hidden, cout, 1, act=None)
        self.use_res = stride == 1 and cin == cout

    def forward(self, x):
        y = self.dw(self.expand(x))
        s = F.adaptive_avg_pool2d(y, 1)
        s = torch.sigmoid(self.se_expand(F.silu(self.se_reduce(s))))
        y = self.project(y * s)
        return x + y if self.use_res else y


class DWUNet(nn.Module):
    """A small U-Net whose blocks are depthwise separable; skip connections by concatenation."""

    def __init__(self, cin=3, cout=2, base=16, depth=3):
        super().__init__()
        self.stem = conv_bn(cin, base, 3, act=nn.ReLU)
        self.down = nn.ModuleList()
        c = base
        chans = [c]
        for _ in range(depth):
            self.down.append(DepthwiseSeparable(c, c * 2, stride=2))
            c *= 2
            chans.append(c)
        self.up = nn.ModuleList()
        for i in range(depth):
            skip = chans[-2 - i]
            self.up.append(DepthwiseSeparable(c + skip, skip))
            c = skip
        self.head = nn.Conv2d(c, cout, 1)

    def forward(self, x):
        x = self.stem(x)
        skips = [x]
        for d in self.down:
            x = d(x)
            skips.append(x)
        skips.pop()
        for u in self.up:
            s = skips.pop()
            x = F.interpolate(x, size=s.shape[-2:], mode="nearest")
            x = u(torch.cat([x, s], 1))
        return self.head(x)


class TimeSeriesClassifier(nn.Module):
    """1-D depthwise separable convolutions over multichannel sensor signals."""

    def __init__(self, channels=8, num_classes=5, width=32, k=9, blocks=3):
        super().__init__()
        layers = [conv_bn(channels, width, k, act=nn.ReLU, dims=1)]
        for i in range(blocks):
            layers.append(DepthwiseSeparable(width, width, stride=2 if i else 1, k=k, dims=1))
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(width, num_classes)

    def forward(self, x):
        return self.fc(self.features(x).mean(-1))


class HyperspectralNet(nn.Module):
    """Spatial-spectral classifier: (bands, H, W) cubes through factorized 3-D convolutions.

    Each block is a spectral 1-D convolution (k x 1 x 1) then a spatial 2-D one (1 x k x k), the
    factorization of a k x k x k 3-D convolution that spatial-spectral networks use.
    """

    def __init__(self, num_classes=9, width=8, k=3):
        super().__init__()
        p = k // 2
        self.stem = nn.Conv3d(1, width, (7, 3, 3), padding=(3, 1, 1))
        self.spectral = nn.Conv3d(width, width, (k, 1, 1), padding=(p, 0, 0), groups=width)
        self.spatial = nn.Conv3d(width, width, (1, k, k), padding=(0, p, p), groups=width)
        self.mix = nn.Conv3d(width, width, 1)
        self.fc = nn.Linear(width, num_classes)

    def forward(self, x):
        x = F.relu(self.stem(x))
        x = F.relu(self.mix(self.spatial(self.spectral(x))))
        return self.fc(x.mean((2, 3, 4)))


def gaussian_kernel(size: int, sigma: float, dims: int) -> torch.Tensor:
    ax = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    g = torch.exp(-ax ** 2 / (2 * sigma ** 2))
    g = g / g.sum()
    k = g
    for _ in range(dims - 1):
        k = k.unsqueeze(-1) * g
    return k.float()


class GaussianSmoothing(nn.Module):
    """Per-channel Gaussian blur as a dense depthwise conv; sepgen compiles it as 1-D passes."""

    def __init__(self, channels=1, size=7, sigma=1.5, dims=2):
        super().__init__()
        conv = {2: nn.Conv2d, 3: nn.Conv3d}[dims]
        self.conv = conv(channels, channels, size, padding=size // 2, groups=channels, bias=False)
        with torch.no_grad():
            self.conv.weight.copy_(gaussian_kernel(size, sigma, dims).expand_as(self.conv.weight))
        self.conv.weight.requires_grad_(False)

    def forward(self, x):
        return self.conv(x)


#: name -> (constructor, example input shape) for tests, docs and `sepgen optimize --model`
EXAMPLES = {
    "mobilenet_v1": (lambda: mobilenet_v1(), (1, 3, 224, 224)),
    "mobilenet_v2": (lambda: mobilenet_v2(), (1, 3, 224, 224)),
    "mobilenet_v3_large": (lambda: mobilenet_v3_large(), (1, 3, 224, 224)),
    "efficientnet_b0": (lambda: efficientnet_b0(), (1, 3, 224, 224)),
    "convnext_tiny": (lambda: convnext_tiny(), (1, 3, 224, 224)),
    "regnet_y_400mf": (lambda: regnet_y_400mf(), (1, 3, 224, 224)),
    "mbconv": (lambda: MBConv(32, 32, k=5), (1, 32, 56, 56)),
    "dwunet": (lambda: DWUNet(), (1, 3, 128, 128)),
    "timeseries": (lambda: TimeSeriesClassifier(), (1, 8, 1024)),
    "hyperspectral": (lambda: HyperspectralNet(), (1, 1, 32, 27, 27)),
    "gaussian2d": (lambda: GaussianSmoothing(3, 7, 1.5, 2), (1, 3, 256, 256)),
    "gaussian3d": (lambda: GaussianSmoothing(1, 7, 1.5, 3), (1, 1, 48, 48, 48)),
}

__all__ = ["MobileNetV1", "MobileNetV2", "InvertedResidual", "DepthwiseSeparable", "MBConv", "DWUNet",
           "TimeSeriesClassifier", "HyperspectralNet", "GaussianSmoothing", "mobilenet_v1", "mobilenet_v2",
           "gaussian_kernel", "mobilenet_v3_large", "efficientnet_b0", "convnext_tiny", "regnet_y_400mf", "EXAMPLES"]
