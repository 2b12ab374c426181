"""Rewrite passes, one per file, and the pipeline that runs them and picks a plan.

Each pass turns a plan into candidate plans (exact, or within an error budget); :func:`choose_plan` ranks the candidates with the cost model.  :func:`analyze` reports a weight's
ranks with the plan that would be chosen.
"""
from .base import PassResult
from .depthwise_pointwise import DepthwisePointwisePass
from .fft import FFTPass
from .fuse import FuseDwPwPass
from .pipeline import LOSSY_MIN_SPEEDUP, PASSES, candidate_plans, choose_plan, run_passes
from .separable import SeparablePass
from .spatial_spectral import SpatialSpectralPass

__all__ = ['PassResult', 'PASSES', 'LOSSY_MIN_SPEEDUP', 'run_passes', 'candidate_plans', 'choose_plan', 'DepthwisePointwisePass', 'FFTPass', 'FuseDwPwPass', 'SeparablePass', 'SpatialSpectralPass']
