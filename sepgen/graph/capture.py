"""Graph capture: a PyTorch model as one TVM Relax program, and the convolutions in it as sepgen problems.

The model is captured with ``torch.export`` and imported with TVM's own frontend
(``tvm.relax.frontend.torch.from_exported_program``), parameters bound as constants.
Every convolution of the program (``relax.nn.conv1d/2d/3d``) is listed as a
:class:`ConvNode`: its :class:`~sepgen.ir.spec.ConvSpec` (input shape, stride,
padding, dilation, groups, as the program computes it) and its weight, which is
what sepgen's passes analyse and factorize.  This is the first step of whole-model
compilation; the graph passes that replace these convolutions build on it.

A model ``torch.export`` cannot capture, or a node Relax cannot import, is a
:class:`~sepgen.errors.GraphError` that names the node and its op.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import GraphError
from ..ir.spec import ConvSpec

CONV_OPS = {"relax.nn.conv1d": 1, "relax.nn.conv2d": 2, "relax.nn.conv3d": 3}
_LAYOUTS = {1: ("NCW", "OIW"), 2: ("NCHW", "OIHW"), 3: ("NCDHW", "OIDHW")}


@dataclass(frozen=True)
class ConvNode:
    """One convolution of a captured program, in program order."""

    index: int             #: its place among the program's convolutions
    var: str               #: the Relax variable its result is bound to
    op: str                #: relax.nn.conv2d, ...
    spec: ConvSpec
    weight: np.ndarray     #: (C_out, C_in // groups, *kernel), as the program holds it

    def __str__(self) -> str:
        return f"{self.var} = {self.op}: {self.spec}"


@dataclass
class CapturedModel:
    """A model as a Relax program (``mod["main"]``) with its convolutions listed."""

    mod: object                          #: tvm.IRModule
    input_shapes: tuple[tuple[int, ...], ...]
    input_dtypes: tuple[str, ...]
    convs: tuple[ConvNode, ...]

    def op_counts(self) -> dict[str, int]:
        """How many calls of each Relax operator the program's main function makes."""
        return dict(Counter(op for _, op, _ in _calls(self.mod["main"])))


def _calls(func):
    """(bound variable, operator name, call) of every operator call in ``func``'s body, in order."""
    for block in func.body.blocks:
        for binding in block.bindings:
            value = binding.value
            op = getattr(value, "op", None)
            name = getattr(op, "name", None)
            if isinstance(name, str) and name.startswith("relax."):
                yield binding.var, name, value


def _ints(v) -> tuple[int, ...]:
    return tuple(int(x) for x in v)


def _conv_node(index: int, var, op: str, call) -> ConvNode:
    nd = CONV_OPS[op]
    attrs = call.attrs
    data_layout, kernel_layout = _LAYOUTS[nd]
    if (str(attrs.data_layout), str(attrs.kernel_layout)) != (data_layout, kernel_layout):
        raise GraphError(f"{var.name} = {op}: layout {attrs.data_layout}/{attrs.kernel_layout}, expected "
                         f"{data_layout}/{kernel_layout} from the importer")
    w = call.args[1]
    if not hasattr(w, "value"):
        raise GraphError(f"{var.name} = {op}: its weight is computed in the program, not a parameter; "
                         f"sepgen compiles convolutions with constant weights")
    weight = w.value.numpy()
    shape = _ints(call.args[0].ty.shape)
    pad = _ints(attrs.padding)                         # (begin of every axis..., end of every axis...)
    padding = tuple((pad[i], pad[i + nd]) for i in range(nd))
    spec = ConvSpec.create(shape, weight.shape, stride=_ints(attrs.strides), padding=padding,
                           dilation=_ints(attrs.dilation), groups=int(attrs.groups), bias=False,
                           dtype=str(weight.dtype))
    return ConvNode(index, var.name, op, spec, weight)


def _unsupported(ep, message: str) -> str:
    """The nodes of ``ep`` whose ops the importer named as unsupported ("Unsupported function types [...]")."""
    names = [s.strip(" '\"") for s in message[message.find("[") + 1:message.rfind("]")].split(",") if s.strip()]
    found = []
    for node in ep.graph.nodes:
        target = str(node.target)
        if node.op == "call_function" and any(target.endswith(n) for n in names):
            found.append(f"node {node.name!r} (op {target})")
    return ", ".join(found) or message


def capture(model, example_inputs: Sequence) -> CapturedModel:
    """``model`` (in eval mode, as it will run) captured on ``example_inputs`` (torch tensors)."""
    import torch
    from tvm.relax.frontend.torch import from_exported_program

    if not isinstance(model, torch.nn.Module):
        raise GraphError(f"capture takes a torch.nn.Module, got {type(model).__name__}")
    inputs = tuple(example_inputs)
    if not inputs or not all(isinstance(x, torch.Tensor) for x in inputs):
        raise GraphError("example_inputs must be a non-empty sequence of torch tensors")
    try:
        ep = torch.export.export(model, inputs)
    except Exception as e:  # torch.export's errors are many kinds; the user needs the first line
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise GraphError(f"torch.export cannot capture {type(model).__name__}: {first}") from e
    try:
        mod = from_exported_program(ep)
    except AssertionError as e:
        if "Unsupported function types" in str(e):
            raise GraphError(f"TVM Relax cannot import {_unsupported(ep, str(e))} of "
                             f"{type(model).__name__}") from e
        raise
    convs = tuple(_conv_node(i, var, op, call)
                  for i, (var, op, call) in enumerate(c for c in _calls(mod["main"]) if c[1] in CONV_OPS))
    return CapturedModel(mod, tuple(tuple(x.shape) for x in inputs),
                         tuple(str(x.dtype).replace("torch.", "") for x in inputs), convs)
