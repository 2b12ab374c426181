"""ConvNeXt-T: Liu et al., "A ConvNet for the 2020s", arXiv:2201.03545; torchvision's configuration
(torchvision/models/convnext.py), stochastic depth 0.1, 28,589,128 parameters.
"""
from functools import partial
from typing import List, Sequence

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from .blocks import Conv2dNormActivation, Permute, StochasticDepth


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channel dim of an NCHW tensor."""

    def forward(self, x: Tensor) -> Tensor:
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    def __init__(self, dim: int, layer_scale: float, stochastic_depth_prob: float) -> None:
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]),
            nn.LayerNorm(dim, eps=1e-6),
            nn.Linear(dim, 4 * dim, bias=True),
            nn.GELU(),
            nn.Linear(4 * dim, dim, bias=True),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, x: Tensor) -> Tensor:
        result = self.layer_scale * self.block(x)
        result = self.stochastic_depth(result)
        result += x
        return result


class ConvNeXt(nn.Module):
    def __init__(
        self,
        block_setting: Sequence[tuple],
        stochastic_depth_prob: float = 0.0,
        layer_scale: float = 1e-6,
        num_classes: int = 1000,
    ) -> None:
        """``block_setting``: sequence of (input_channels, out_channels or None, num_layers)."""
        super().__init__()
        norm_layer = partial(LayerNorm2d, eps=1e-6)

        layers: List[nn.Module] = []
        firstconv_output_channels = block_setting[0][0]
        layers.append(  # stem
            Conv2dNormActivation(
                3,
                firstconv_output_channels,
                kernel_size=4,
                stride=4,
                padding=0,
                norm_layer=norm_layer,
                activation_layer=None,
                bias=True,
            )
        )
        total_stage_blocks = sum(n for _, _, n in block_setting)
        stage_block_id = 0
        for in_ch, out_ch, num_layers in block_setting:
            stage: List[nn.Module] = []
            for _ in range(num_layers):
                sd_prob = stochastic_depth_prob * stage_block_id / (total_stage_blocks - 1.0)
                stage.append(CNBlock(in_ch, layer_scale, sd_prob))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
            if out_ch is not None:  # downsampling
                layers.append(nn.Sequential(norm_layer(in_ch), nn.Conv2d(in_ch, out_ch, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)

        last_in, last_out, _ = block_setting[-1]
        lastconv_output_channels = last_out if last_out is not None else last_in
        self.classifier = nn.Sequential(
            norm_layer(lastconv_output_channels),
            nn.Flatten(1),
            nn.Linear(lastconv_output_channels, num_classes),
        )

        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        return self.classifier(x)


def convnext_tiny(num_classes: int = 1000) -> ConvNeXt:
    setting = [(96, 192, 3), (192, 384, 3), (384, 768, 9), (768, None, 3)]
    return ConvNeXt(setting, stochastic_depth_prob=0.1, num_classes=num_classes)


