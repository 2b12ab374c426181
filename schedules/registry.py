"""The template registry: ``register`` files a template under (stage kind, target family).

Template modules import only this; :mod:`schedules` loads them and looks templates up.
"""
from __future__ import annotations

from typing import Callable

from .context import TemplateContext

Template = Callable[["object", TemplateContext], None]

_REGISTRY: dict[tuple[str, str], Template] = {}


def register(kind: str, family: str):
    """Decorator: register ``fn`` as the template for stage ``kind`` on target ``family``."""
    def deco(fn: Template) -> Template:
        key = (kind, family)
        if key in _REGISTRY:
            raise RuntimeError(f"two schedule templates for {key}")
        _REGISTRY[key] = fn
        return fn
    return deco
