"""Typed errors raised at sepgen's boundaries.

Every mistake a user can make (a bad spec, a bad weight file, a tensor of the
wrong shape, a damaged tuning log or artifact) surfaces as a subclass of
:class:`SepgenError` with a one-line message that names the bad value.  Deep TVM
tracebacks never reach a user for a mistake of theirs.
"""
from __future__ import annotations


class SepgenError(Exception):
    """Base class of every error sepgen raises on purpose."""


class SpecError(SepgenError, ValueError):
    """A convolution spec is impossible or unsupported."""


class WeightError(SepgenError, ValueError):
    """A weight tensor or weight file cannot be used."""


class TensorError(SepgenError, ValueError):
    """A runtime tensor does not match what the compiled kernel expects."""


class TargetError(SepgenError, ValueError):
    """An unknown or unusable compilation target."""


class PlanError(SepgenError, ValueError):
    """A plan or stage is inconsistent (a bug in a pass, or a hand-built plan)."""


class LogError(SepgenError, ValueError):
    """A tuning log is malformed, stale or unreadable."""


class ArtifactError(SepgenError, ValueError):
    """A compiled artifact is missing, tampered with or for another machine."""


class GraphError(SepgenError, ValueError):
    """A model cannot be captured or compiled as one program (names the node and its op)."""


class BuildError(SepgenError, RuntimeError):
    """TVM failed to build a kernel (a sepgen bug, reported with context)."""
