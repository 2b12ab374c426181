"""MobileNetV3-Large: Howard et al., "Searching for MobileNetV3", arXiv:1905.02244; torchvision's
default configuration (torchvision/models/mobilenetv3.py: BatchNorm eps=1e-3, momentum=0.01), 5,483,032 parameters.
"""
from functools import partial
from typing import Callable, List, Sequence

import torch
from torch import Tensor, nn

from .blocks import Conv2dNormActivation, SqueezeExcitation, _make_divisible, mobilenet_init


class InvertedResidualConfigV3:
    def __init__(
        self,
        input_channels: int,
        kernel: int,
        expanded_channels: int,
        out_channels: int,
        use_se: bool,
        activation: str,
        stride: int,
        dilation: int = 1,
        width_mult: float = 1.0,
    ) -> None:
        self.input_channels = _make_divisible(input_channels * width_mult, 8)
        self.kernel = kernel
        self.expanded_channels = _make_divisible(expanded_channels * width_mult, 8)
        self.out_channels = _make_divisible(out_channels * width_mult, 8)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation


class InvertedResidualV3(nn.Module):
    def __init__(self, cnf: InvertedResidualConfigV3, norm_layer: Callable[..., nn.Module]) -> None:
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        activation_layer = nn.Hardswish if cnf.use_hs else nn.ReLU

        layers: List[nn.Module] = []
        if cnf.expanded_channels != cnf.input_channels:  # expand
            layers.append(
                Conv2dNormActivation(
                    cnf.input_channels,
                    cnf.expanded_channels,
                    kernel_size=1,
                    norm_layer=norm_layer,
                    activation_layer=activation_layer,
                )
            )
        stride = 1 if cnf.dilation > 1 else cnf.stride
        layers.append(  # depthwise
            Conv2dNormActivation(
                cnf.expanded_channels,
                cnf.expanded_channels,
                kernel_size=cnf.kernel,
                stride=stride,
                dilation=cnf.dilation,
                groups=cnf.expanded_channels,
                norm_layer=norm_layer,
                activation_layer=activation_layer,
            )
        )
        if cnf.use_se:
            squeeze_channels = _make_divisible(cnf.expanded_channels // 4, 8)
            layers.append(
                SqueezeExcitation(cnf.expanded_channels, squeeze_channels, scale_activation=nn.Hardsigmoid)
            )
        layers.append(  # project
            Conv2dNormActivation(
                cnf.expanded_channels, cnf.out_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=None
            )
        )
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels
        self._is_cn = cnf.stride > 1

    def forward(self, x: Tensor) -> Tensor:
        result = self.block(x)
        if self.use_res_connect:
            result += x
        return result


class MobileNetV3(nn.Module):
    def __init__(
        self,
        inverted_residual_setting: Sequence[InvertedResidualConfigV3],
        last_channel: int,
        num_classes: int = 1000,
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)

        layers: List[nn.Module] = []
        firstconv_output_channels = inverted_residual_setting[0].input_channels
        layers.append(
            Conv2dNormActivation(
                3,
                firstconv_output_channels,
                kernel_size=3,
                stride=2,
                norm_layer=norm_layer,
                activation_layer=nn.Hardswish,
            )
        )
        for cnf in inverted_residual_setting:
            layers.append(InvertedResidualV3(cnf, norm_layer))
        lastconv_input_channels = inverted_residual_setting[-1].out_channels
        lastconv_output_channels = 6 * lastconv_input_channels
        layers.append(
            Conv2dNormActivation(
                lastconv_input_channels,
                lastconv_output_channels,
                kernel_size=1,
                norm_layer=norm_layer,
                activation_layer=nn.Hardswish,
            )
        )
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(lastconv_output_channels, last_channel),
            nn.Hardswish(inplace=True),
            nn.Dropout(p=dropout, inplace=True),
            nn.Linear(last_channel, num_classes),
        )

        mobilenet_init(self)

    def forward(self, x: Tensor) -> Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def mobilenet_v3_large(num_classes: int = 1000) -> MobileNetV3:
    c = InvertedResidualConfigV3
    setting = [
        c(16, 3, 16, 16, False, "RE", 1),
        c(16, 3, 64, 24, False, "RE", 2),  # C1
        c(24, 3, 72, 24, False, "RE", 1),
        c(24, 5, 72, 40, True, "RE", 2),  # C2
        c(40, 5, 120, 40, True, "RE", 1),
        c(40, 5, 120, 40, True, "RE", 1),
        c(40, 3, 240, 80, False, "HS", 2),  # C3
        c(80, 3, 200, 80, False, "HS", 1),
        c(80, 3, 184, 80, False, "HS", 1),
        c(80, 3, 184, 80, False, "HS", 1),
        c(80, 3, 480, 112, True, "HS", 1),
        c(112, 3, 672, 112, True, "HS", 1),
        c(112, 5, 672, 160, True, "HS", 2),  # C4
        c(160, 5, 960, 160, True, "HS", 1),
        c(160, 5, 960, 160, True, "HS", 1),
    ]
    last_channel = _make_divisible(1280, 8)  # C5
    return MobileNetV3(setting, last_channel, num_classes=num_classes)


