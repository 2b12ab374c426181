"""The convolution IR: the spec a user asks for, plans of stages that implement it, named workloads and filters.

Pure Python and numpy: no TVM, no torch.
"""
from .spec import DTYPES, ConvSpec
from .stages import Plan, Stage, direct_plan

__all__ = ['ConvSpec', 'DTYPES', 'Plan', 'Stage', 'direct_plan']
