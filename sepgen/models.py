"""``sepgen.models``: example architectures (defined in :mod:`sepgen.frontend.models`)."""
from .frontend.models import *  # noqa: F401,F403
from .frontend.models import __all__  # noqa: F401
