"""Weights and tolerances: converting weights and biases to arrays, and the float tolerances an exact rewrite must meet."""
from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from ..errors import SpecError, WeightError
from ..ir.spec import DTYPES

#: relative Frobenius weight error that still counts as exact (float rounding), float32
EXACT_RTOL = 1e-5
#: the same for float16 storage
EXACT_RTOL_F16 = 1e-3
EXACT_RTOLS = {"float32": EXACT_RTOL, "float16": EXACT_RTOL_F16}


def exact_rtol(dtype: str = "float32") -> float:
    """The error below which a rewrite counts as exact for this storage dtype."""
    try:
        return EXACT_RTOLS[dtype]
    except KeyError:
        raise SpecError(f"dtype {dtype!r} is not supported; use one of {', '.join(DTYPES)}") from None


def check_tolerance(tolerance) -> float:
    """A relative weight-error tolerance: a number in [0, 1) (1 would allow dropping the weight)."""
    if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real) or not 0 <= tolerance < 1:
        raise SpecError(f"tolerance must be a number in [0, 1), got {tolerance!r}")
    return float(tolerance)


def error_budget(tolerance: float, dtype: str = "float32") -> float:
    """The relative weight error a rewrite may have: ``max(tolerance, exact threshold)``."""
    return max(check_tolerance(tolerance), exact_rtol(dtype))


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------

def _to_numpy(value, what: str) -> np.ndarray:
    if hasattr(value, "detach") and hasattr(value, "cpu"):      # a torch tensor, without importing torch
        try:
            value = value.detach().cpu()
            if str(getattr(value, "dtype", "")) == "torch.bfloat16":   # numpy has no bfloat16
                value = value.float()
            value = value.numpy()
        except Exception as e:  # noqa: BLE001 - any conversion failure is the user's tensor
            raise WeightError(f"{what} could not be converted to a numpy array: {e}") from None
    try:
        arr = np.asarray(value)
    except Exception as e:  # noqa: BLE001
        raise WeightError(f"{what} could not be converted to a numpy array: {e}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise WeightError(f"{what} must hold real numbers, got dtype {arr.dtype}")
    return arr


def as_weight(weight, what: str = "weight") -> np.ndarray:
    """Validate a convolution weight: finite, 3 to 5 dims, non-empty.  Returns a float ndarray."""
    if weight is None:
        raise WeightError(f"{what} is missing (got None)")
    arr = _to_numpy(weight, what)
    if arr.ndim not in (3, 4, 5):
        raise WeightError(f"{what} must have 3, 4 or 5 dims (C_out, C_in/groups, *kernel), got shape {arr.shape}")
    if arr.size == 0:
        raise WeightError(f"{what} is empty (shape {arr.shape})")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float32)
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise WeightError(f"{what} has {bad} non-finite value(s) (NaN or inf)")
    return arr


def as_bias(bias, out_channels: int, what: str = "bias") -> Optional[np.ndarray]:
    """Validate an optional bias of shape ``(out_channels,)``."""
    if bias is None:
        return None
    arr = _to_numpy(bias, what)
    if arr.shape != (out_channels,):
        raise WeightError(f"{what} must have shape ({out_channels},), got {arr.shape}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float32)
    if not np.all(np.isfinite(arr)):
        raise WeightError(f"{what} has non-finite values (NaN or inf)")
    return arr
