"""Named filters: shapes, values, ranks and errors."""
import numpy as np
import pytest

from sepgen.analysis.rank import rank1_test_3d, svd_rank
from sepgen.errors import WeightError
from sepgen.ir.filters import FILTERS, named_filter

EXAMPLES = {
    "gaussian": "gaussian:7:1.5", "gaussian3d": "gaussian3d:5:1.0", "sobel": "sobel", "sobel_x": "sobel_x",
    "sobel_y": "sobel_y", "box": "box:5", "box3d": "box3d:3", "laplacian": "laplacian", "log": "log:9:1.4",
    "gabor": "gabor:7:2:0.5", "random": "random:5", "random3d": "random3d:3",
}


def test_every_documented_filter_has_an_example_that_parses():
    assert set(EXAMPLES) == set(FILTERS)
    for name, text in EXAMPLES.items():
        w = named_filter(text)
        assert w.dtype == np.float32 and w.shape[:2] == (1, 1)
        assert w.ndim == (5 if name.endswith("3d") else 4)
        assert len(set(w.shape[2:])) == 1 and np.all(np.isfinite(w))


def _rank(w):
    return svd_rank(w[0, 0]).rank


def test_values_and_ranks():
    g = named_filter("gaussian:7:1.5")
    assert g.shape == (1, 1, 7, 7) and g.sum() == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(g[0, 0], g[0, 0].T)
    assert g[0, 0, 3, 3] == g.max() and _rank(g) == 1
    g3 = named_filter("gaussian3d:7:1.5")
    assert g3.shape == (1, 1, 7, 7, 7) and g3.sum() == pytest.approx(1.0, abs=1e-6)
    assert rank1_test_3d(g3[0, 0])["rank1"]
    sx = named_filter("sobel")
    np.testing.assert_array_equal(sx[0, 0], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(named_filter("sobel_x"), sx)
    np.testing.assert_array_equal(named_filter("sobel_y")[0, 0], sx[0, 0].T)
    assert _rank(sx) == 1
    np.testing.assert_allclose(named_filter("box:4"), np.full((1, 1, 4, 4), 1 / 16), rtol=1e-7)
    assert named_filter("box3d:3").sum() == pytest.approx(1.0)
    lap = named_filter("laplacian")
    np.testing.assert_array_equal(lap[0, 0], [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    assert _rank(lap) == 2
    log = named_filter("log:9:1.4")
    assert abs(float(log.sum())) < 1e-5 and 2 <= _rank(log) <= 3
    assert log[0, 0, 4, 4] < 0                                  # negative centre, positive ring
    assert _rank(named_filter("gabor:9:2:0")) == 1
    assert _rank(named_filter("gabor:9:2:1.5707963267948966")) == 1
    assert _rank(named_filter("gabor:9:2:0.7")) == 2
    r = named_filter("random:6")
    assert _rank(r) == 6
    np.testing.assert_array_equal(r, named_filter("random:6"))          # seeded
    assert not np.array_equal(r, named_filter("random:6:1"))


@pytest.mark.parametrize("text", ["nope", "gaussian", "gaussian:7", "gaussian:7:0", "gaussian:7:-1",
                                  "gaussian:x:1", "gaussian:2.5:1", "gaussian:7:nan", "box:0", "box:-3",
                                  "sobel:3", "laplacian:5", "gabor:7:2", "random:5:1:2", "random:5:-1", "",
                                  "   ", "gaussian3d:1000:1", "log:9:inf"])
def test_bad_names_and_numbers_raise_weight_error_listing_known_names(text):
    with pytest.raises(WeightError) as e:
        named_filter(text)
    msg = str(e.value)
    assert "\n" not in msg and "gaussian:K:SIGMA" in msg and "laplacian" in msg


def test_non_string_raises_weight_error():
    with pytest.raises(WeightError):
        named_filter(None)
    with pytest.raises(WeightError):
        named_filter(7)
