"""Schedule templates: one per (stage kind, target family), found through a small registry.

A template is a function ``template(sch, ctx)`` that schedules the PrimFunc of
one lowered stage in place.  Its knobs come from :class:`schedules.knobs.Knobs`:
MetaSchedule sampling instructions (``sample_perfect_tile``,
``sample_categorical``) that carry a *decision* (the template's defaults) when
building without tuning, and no decision when MetaSchedule searches.  The trace
of a template is therefore the same in both modes, and a tuning record replays
on it.
"""
from __future__ import annotations

from typing import Callable

from .context import TemplateContext
from .knobs import Knobs
from .registry import _REGISTRY, Template, register


def get_template(kind: str, family: str) -> Template:
    _load_all()
    try:
        return _REGISTRY[(kind, family)]
    except KeyError:
        raise KeyError(f"no schedule template for stage kind {kind!r} on {family!r}; "
                       f"have {sorted(_REGISTRY)}") from None


def variants(kind: str, family: str, stage=None) -> int:
    """How many structural variants (separate design spaces) the template has (for ``stage``: a
    template's ``VARIANTS`` may be a function of the stage, when a variant suits only some)."""
    n = getattr(get_template(kind, family), "VARIANTS", 1)
    if callable(n):
        if stage is None:
            raise TypeError(f"the {kind} template's variants depend on the stage: pass it")
        n = n(stage)
    return int(n)


def default_variant(kind: str, family: str, stage, target=None) -> int:
    """The variant built with the template's default knobs (no tuning record): the template's
    ``DEFAULT_VARIANT`` (an int, or a function of the stage and the target preset), else 0."""
    v = getattr(get_template(kind, family), "DEFAULT_VARIANT", 0)
    return int(v(stage, target) if callable(v) else v)


def templates() -> dict[tuple[str, str], Template]:
    _load_all()
    return dict(_REGISTRY)


_loaded = False


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from . import cpu  # noqa: F401  (registers the CPU templates)
    try:
        from . import cuda  # noqa: F401
    except ImportError:
        pass
