"""``sepgen.nn``: PyTorch modules backed by sepgen kernels (defined in :mod:`sepgen.frontend.nn`)."""
from .frontend.nn import *  # noqa: F401,F403
from .frontend.nn import __all__  # noqa: F401
