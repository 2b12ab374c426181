"""Architectures users run, defined here layer for layer as torchvision's default configurations give them
(torchvision's PyPI wheel is a CUDA build that does not load against a CPU torch): module and attribute names
follow torchvision's, so its ``state_dict`` files load into them.
"""
from .convnext import ConvNeXt, convnext_tiny
from .efficientnet import EfficientNet, efficientnet_b0
from .mobilenet_v3 import MobileNetV3, mobilenet_v3_large
from .regnet import RegNet, regnet_y_400mf

__all__ = ["mobilenet_v3_large", "efficientnet_b0", "convnext_tiny", "regnet_y_400mf", "MobileNetV3", "EfficientNet",
           "ConvNeXt", "RegNet"]
