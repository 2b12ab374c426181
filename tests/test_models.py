"""The architectures of sepgen.models that torchvision defines (MobileNetV3-Large, EfficientNet-B0, ConvNeXt-T,
RegNetY-400MF): parameter counts as torchvision's weight metadata gives them, torchvision's normalization settings and
state_dict names, a forward pass, torch.export, and TVM Relax's importer of the exported program."""
import pytest
import torch
from torch import nn

from sepgen import models as arch
from sepgen.frontend.architectures.regnet import BlockParams

# Ground-truth parameter counts from torchvision's weight metadata ("num_params").
EXPECTED_PARAMS = {
    "mobilenet_v3_large": 5_483_032,
    "efficientnet_b0": 5_288_548,
    "convnext_tiny": 28_589_128,
    "regnet_y_400mf": 4_344_144,
}
# 64x64 is a multiple of 32, so it also suits ConvNeXt's 4x + 3x(2x) downsampling.
INPUT_SHAPE = (1, 3, 64, 64)

# (eps, momentum) of every BatchNorm2d, as torchvision configures each model.
EXPECTED_BN = {
    "mobilenet_v3_large": (1e-3, 0.01),
    "efficientnet_b0": (1e-5, 0.1),
    "regnet_y_400mf": (1e-5, 0.1),
}

# A few state_dict keys that torchvision's own modules produce.
EXPECTED_KEYS = {
    "mobilenet_v3_large": ["features.0.0.weight", "features.4.block.2.fc1.weight", "classifier.3.weight"],
    "efficientnet_b0": ["features.1.0.block.1.fc1.weight", "features.8.0.weight", "classifier.1.weight"],
    "convnext_tiny": ["features.0.1.weight", "features.1.0.layer_scale", "features.2.1.weight", "classifier.2.weight"],
    "regnet_y_400mf": ["stem.0.weight", "trunk_output.block1.block1-0.f.se.fc1.weight", "fc.weight"],
}

NAMES = list(EXPECTED_PARAMS)
_cache = {}


def _model(name):
    if name not in _cache:
        torch.manual_seed(0)
        _cache[name] = getattr(arch, name)().eval()
    return _cache[name]


def _input():
    torch.manual_seed(1)
    return torch.randn(*INPUT_SHAPE)


@pytest.mark.parametrize("name", NAMES)
def test_param_count(name):
    assert sum(p.numel() for p in _model(name).parameters()) == EXPECTED_PARAMS[name]


@pytest.mark.parametrize("name", NAMES)
def test_num_classes_default_and_override(name):
    m = getattr(arch, name)(num_classes=10).eval()
    with torch.no_grad():
        assert m(_input()).shape == (1, 10)


@pytest.mark.parametrize("name", list(EXPECTED_BN))
def test_batchnorm_config(name):
    eps, momentum = EXPECTED_BN[name]
    bns = [m for m in _model(name).modules() if isinstance(m, nn.BatchNorm2d)]
    assert bns
    assert all(bn.eps == eps and bn.momentum == momentum for bn in bns)


def test_convnext_layernorm_eps():
    lns = [m for m in _model("convnext_tiny").modules() if isinstance(m, nn.LayerNorm)]
    assert len(lns) == 1 + 3 + 18 + 1  # stem, 3 downsamplers, 18 blocks, head
    assert all(ln.eps == 1e-6 for ln in lns)


def test_regnet_block_params():
    p = BlockParams.from_init_params(depth=16, w_0=48, w_a=27.89, w_m=2.09, group_width=8, se_ratio=0.25)
    assert p.depths == [1, 3, 6, 6]
    assert p.widths == [48, 104, 208, 440]
    assert p.group_widths == [8, 8, 8, 8]


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_keys(name):
    keys = set(_model(name).state_dict())
    for k in EXPECTED_KEYS[name]:
        assert k in keys, k


@pytest.mark.parametrize("name", NAMES)
def test_forward_eval(name):
    with torch.no_grad():
        y = _model(name)(_input())
    assert y.shape == (1, 1000)
    assert torch.isfinite(y).all()


@pytest.mark.parametrize("name", NAMES)
def test_torch_export(name):
    m, x = _model(name), _input()
    ep = torch.export.export(m, (x,))
    with torch.no_grad():
        torch.testing.assert_close(ep.module()(x), m(x))


@pytest.mark.parametrize("name", NAMES)
def test_tvm_relax_import(name):
    pytest.importorskip("tvm")
    from tvm.relax.frontend.torch import from_exported_program

    ep = torch.export.export(_model(name), (_input(),))
    mod = from_exported_program(ep)
    assert "main" in [gv.name_hint for gv in mod.get_global_vars()]
