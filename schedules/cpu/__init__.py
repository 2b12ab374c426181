"""CPU schedule templates (x86 and ARM share them; defaults follow the target's vector width)."""
from . import templates  # noqa: F401
