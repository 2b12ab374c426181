"""Knobs: MetaSchedule sampling instructions with the template's defaults as decisions."""
from __future__ import annotations

import math
from typing import Sequence


def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def best_divisor(n: int, limit: int, prefer_multiple_of: int = 1) -> int:
    """The largest divisor of ``n`` not above ``limit``, preferring multiples of ``prefer_multiple_of``."""
    ds = [d for d in divisors(n) if d <= max(1, limit)]
    good = [d for d in ds if d % prefer_multiple_of == 0]
    return max(good) if good else max(ds)


class Knobs:
    """Create knobs on a schedule; ``tune`` leaves every decision to the search."""

    def __init__(self, sch, tune: bool):
        self.sch = sch
        self.tune = tune

    def split(self, loop, extent: int, inner_default: Sequence[int], max_innermost: int = 64):
        """Split ``loop`` into len(inner_default)+1 loops with a perfect tiling knob.

        ``inner_default`` are the default extents of the inner loops (they must
        divide ``extent`` together); the outermost gets the rest.
        """
        inner = [int(v) for v in inner_default]
        prod = math.prod(inner)
        if extent % prod:
            raise ValueError(f"default tile {inner} does not divide extent {extent}")
        decision = None if self.tune else [extent // prod, *inner]
        max_inner = max(max_innermost, inner[-1]) if inner else max_innermost
        factors = self.sch.sample_perfect_tile(loop, n=len(inner) + 1, max_innermost_factor=max_inner,
                                               decision=decision)
        return self.sch.split(loop, factors)

    def choice(self, values: Sequence[int], default_index: int, probs: Sequence[float] | None = None):
        """A categorical knob over ``values`` (an ExprRV usable in annotations)."""
        probs = list(probs) if probs is not None else [1.0 / len(values)] * len(values)
        return self.sch.sample_categorical(candidates=[int(v) for v in values], probs=probs,
                                           decision=None if self.tune else int(default_index))
