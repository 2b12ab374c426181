"""sepgen.tuning.robust: timing a kernel from several depths of the caller's stack."""
from __future__ import annotations

import itertools

import pytest

from sepgen.tuning.robust import at_depth, measure_at_depths, robust_us


def test_at_depth_calls_once_and_returns_the_result():
    for depth in (0, 1, 5):
        calls = []
        f = at_depth(lambda: calls.append(1) or 42, depth)
        assert f() == 42 and calls == [1]


def test_each_depth_nests_the_call_one_level_deeper():
    import inspect

    depths = []
    for d in range(4):
        at_depth(lambda: depths.append(len(inspect.stack(0))), d)()
    # each level adds interpreter frames (and the builtin map's C frames between them)
    assert depths == sorted(depths) and len(set(depths)) == 4


def test_measure_at_depths_alternates_blocks_and_takes_medians():
    ticks = itertools.count()
    order = []

    def clock():
        return next(ticks) * 1e-6

    a = lambda: order.append("a")   # noqa: E731
    b = lambda: order.append("b")   # noqa: E731
    meds = measure_at_depths([a, b], [1.0, 1.0], depths=2, rounds=2, clock=clock)
    # one tick between a call's two clock reads: 1 us per call at every depth
    assert meds == [[pytest.approx(1e-6)] * 2] * 2
    # per round and depth, a's block (2 untimed + 3 timed calls: MIN_CALLS for a 1 s estimate), then b's
    assert order[:10] == ["a"] * 5 + ["b"] * 5 and len(order) == 2 * 2 * 2 * 5
    with pytest.raises(ValueError):
        measure_at_depths([a], [1.0, 2.0])


def test_robust_us_is_the_mean_over_depths():
    assert robust_us([1e-6, 2e-6, 6e-6]) == pytest.approx(3.0)
