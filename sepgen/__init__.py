"""sepgen: a compiler and auto-tuner for separable, depthwise and factorized convolutions on TVM.

One subpackage per pipeline step, each importing only the ones before it::

    ir -> analysis -> passes -> targets -> schedules/ (templates, top level) -> codegen
      -> runtime -> tuning -> driver -> graph -> frontend -> bench -> cli

This module is the facade: the names below load their subpackage on first use.
"""
import os as _os

# TVM's thread pool counts only physical cores on x86 (it assumes 2-way SMT), so on a machine
# without SMT it would use half the cores.  Use every core we may run on, unless the user said.
# Set, it also spares every parallel kernel launch a read of /sys/devices/system/cpu/online (TVM asks
# std::thread::hardware_concurrency each time it has no variable to read): 6.3 -> 1.3 us per launch
# here, measured with 50 trivial parallel kernels in one Relax VM program; a model calls 30-60.
if "TVM_NUM_THREADS" not in _os.environ:
    try:
        _os.environ["TVM_NUM_THREADS"] = str(max(1, len(_os.sched_getaffinity(0))))
    except AttributeError:  # macOS
        _os.environ["TVM_NUM_THREADS"] = str(max(1, _os.cpu_count() or 1))

from .errors import (ArtifactError, BuildError, GraphError, LogError, PlanError, SepgenError, SpecError, TargetError,
                     TensorError, WeightError)
from .ir.spec import ConvSpec
from .version import __version__


def compile_conv(*args, **kwargs):
    from .driver.compile import compile_conv as _c

    return _c(*args, **kwargs)


compile_conv.__doc__ = "See sepgen.driver.compile.compile_conv."


def load(path):
    """Load an artifact directory (checks sha256, schema and architecture first)."""
    from .driver.compile import load as _l

    return _l(path)


def optimize(model, example_inputs, **kwargs):
    """Optimize every convolution of a PyTorch model: see sepgen.frontend.optimize.optimize."""
    from .frontend.optimize import optimize as _o

    return _o(model, example_inputs, **kwargs)


def compile_model(model, example_inputs, **kwargs):
    """A whole PyTorch model as one compiled TVM program: see sepgen.graph.compile.compile_model."""
    from .graph.compile import compile_model as _c

    return _c(model, example_inputs, **kwargs)


def load_model(path):
    """Load a program saved by ``prog.save(DIR)`` (checks sha256, architecture and ISA first)."""
    from .graph.program import load_model as _l

    return _l(path)


def analyze(*args, **kwargs):
    """Rank analysis of a weight: see sepgen.passes.report.analyze."""
    from .passes.report import analyze as _a

    return _a(*args, **kwargs)


__all__ = ["ConvSpec", "compile_conv", "load", "compile_model", "load_model", "analyze", "optimize", "SepgenError", "SpecError", "WeightError",
           "TensorError", "TargetError", "PlanError", "LogError", "ArtifactError", "BuildError", "GraphError",
           "__version__"]
