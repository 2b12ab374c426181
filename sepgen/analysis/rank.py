"""Rank analysis of convolution weights (all in float64).

The structures sepgen's rewrite passes exploit, each measured here:

* **per-slice 2-D spatial rank**: every ``W[o, i]`` of a 2-D kernel as a
  ``kh x kw`` matrix (rank 1 means an outer product of two 1-D filters);
* **3-D CP rank**: a ``kd x kh x kw`` slice is exactly rank 1 iff its three mode
  unfoldings all have rank 1; higher CP ranks are fitted with TensorLy's
  ``parafac`` (fixed seed) and judged by their reconstruction error;
* **depthwise + pointwise**: for each input channel ``i`` the matrix
  ``W[:, i, :].reshape(C_out, -1)``; ``W[o, i] = P[o, i] * D[i]`` exactly iff
  all of them have rank <= 1, and rank ``r`` means a channel multiplier ``r``;
* **Jaderberg** (spatially separable with channel expansion): per group the
  matrix ``M[(i, h), (o, w)] = W[o, i, h, w]`` of shape ``(Cin_g*kh, Cout_g*kw)``;
* **spatial-spectral**: for a 3-D kernel, per ``(o, i)`` the ``kd x (kh*kw)``
  matrix (a spectral filter times a spatial filter when its rank is 1).

Error curves are relative Frobenius errors: ``errors[r]`` is
``||W - W_r|| / ||W||`` for the best rank-``r`` approximation (``errors[0] = 1``).

The user-facing report (:func:`sepgen.analyze`) is :mod:`sepgen.passes.report`: it adds the plan the
pipeline chooses, which this layer does not know.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from ..errors import WeightError
from .weights import error_budget

# ---------------------------------------------------------------------------
# SVD helpers
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RankInfo:
    """Singular values of one matrix, its numerical rank and its error curve."""

    singular_values: np.ndarray     # descending, float64
    rank: int                       # smallest r with errors[r] <= threshold
    errors: np.ndarray              # errors[r], r = 0 .. len(singular_values)

    def rank_for(self, tolerance: float) -> int:
        """Smallest rank whose relative error is <= tolerance."""
        return _rank_from_curve(self.errors, tolerance)


def error_curve(singular_values: np.ndarray, norm: Optional[float] = None) -> np.ndarray:
    """Relative error of a common rank-r truncation of a batch of matrices, r = 0 .. n.

    ``singular_values`` has shape ``(..., n)`` (descending along the last axis).
    """
    s = np.asarray(singular_values, dtype=np.float64)
    s2 = (s ** 2).reshape(-1, s.shape[-1]).sum(axis=0) if s.ndim > 1 else s ** 2
    total = float(s2.sum()) if norm is None else float(norm) ** 2
    tails = np.concatenate([np.cumsum(s2[::-1])[::-1], [0.0]])
    if total == 0.0:
        return np.zeros(len(tails))
    return np.sqrt(np.maximum(tails, 0.0) / total)


def _rank_from_curve(errors: np.ndarray, threshold: float) -> int:
    ok = np.nonzero(errors <= threshold)[0]
    return int(ok[0]) if len(ok) else len(errors) - 1


def svd_rank(mat, tolerance: float = 0.0, dtype: str = "float32") -> RankInfo:
    """Numerical rank of a matrix: the smallest r whose best rank-r error is within the budget."""
    m = np.asarray(mat, dtype=np.float64)
    s = np.linalg.svd(m, compute_uv=False)
    errs = error_curve(s)
    return RankInfo(s, _rank_from_curve(errs, error_budget(tolerance, dtype)), errs)


def batched_svd(mats: np.ndarray):
    """Full SVD of a stack of matrices ``(B, m, n)`` in float64: (U, S, Vt) with reduced shapes."""
    return np.linalg.svd(np.asarray(mats, dtype=np.float64), full_matrices=False)


# ---------------------------------------------------------------------------
# the structures
# ---------------------------------------------------------------------------

def slice_ranks_2d(weight, tolerance: float = 0.0, dtype: str = "float32") -> dict:
    """Per ``(o, i)`` slice rank of a 2-D kernel, and the error of a common rank-r approximation."""
    w = np.asarray(weight, dtype=np.float64)
    if w.ndim != 4:
        raise WeightError(f"slice_ranks_2d needs a 2-D conv weight (4 dims), got shape {w.shape}")
    s = np.linalg.svd(w.reshape(-1, *w.shape[2:]), compute_uv=False)        # (C_out*Cin_g, min(kh, kw))
    norm = float(np.linalg.norm(w))
    budget = error_budget(tolerance, dtype)
    per = np.sqrt(np.maximum(np.cumsum((s ** 2)[:, ::-1], axis=1)[:, ::-1], 0.0))  # tail norms, r = 0..n-1
    slice_norm = per[:, 0]
    ranks = []
    for tails, nrm in zip(per, slice_norm):
        rel = np.concatenate([tails, [0.0]]) / nrm if nrm > 0 else np.zeros(len(tails) + 1)
        ranks.append(_rank_from_curve(rel, budget))
    ranks = np.array(ranks, dtype=int).reshape(w.shape[0], w.shape[1])
    errs = error_curve(s, norm)
    return {"max_rank": int(ranks.max()), "ranks": ranks, "rank_counts": _counts(ranks),
            "common_rank": _rank_from_curve(errs, budget), "errors": errs}


def _counts(ranks: np.ndarray) -> dict[int, int]:
    vals, cnt = np.unique(np.asarray(ranks), return_counts=True)
    return {int(v): int(c) for v, c in zip(vals, cnt)}


def unfoldings(t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three mode unfoldings of a 3-D tensor."""
    t = np.asarray(t, dtype=np.float64)
    return (t.reshape(t.shape[0], -1),
            np.moveaxis(t, 1, 0).reshape(t.shape[1], -1),
            np.moveaxis(t, 2, 0).reshape(t.shape[2], -1))


def rank1_factors_3d(t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best-effort rank-1 factors ``a, b, c`` of a 3-D tensor (leading HOSVD vectors, scale on ``a``)."""
    t = np.asarray(t, dtype=np.float64)
    vecs = []
    for u in unfoldings(t):
        left, _, _ = np.linalg.svd(u, full_matrices=False)
        vecs.append(left[:, 0])
    a, b, c = vecs
    lam = float(np.einsum("ijk,i,j,k->", t, a, b, c))
    return a * lam, b, c


def rank1_test_batch(slices, tolerance: float = 0.0, dtype: str = "float32") -> dict:
    """The rank-1 test for a stack of 3-D tensors ``(B, a, b, c)``, vectorized.

    Returns per-slice ``unfolding_ranks`` ``(B, 3)``, ``rank1_error`` ``(B,)``
    (relative error of the leading-HOSVD rank-1 approximation) and ``rank1`` ``(B,)``.
    """
    t = np.asarray(slices, dtype=np.float64)
    if t.ndim != 4:
        raise WeightError(f"rank1_test_batch needs a stack of 3-D tensors, got shape {t.shape}")
    nb = t.shape[0]
    budget = error_budget(tolerance, dtype)
    norms = np.sqrt(np.sum(t.reshape(nb, -1) ** 2, axis=1))
    safe = np.where(norms > 0, norms, 1.0)
    unf = (t.reshape(nb, t.shape[1], -1), np.moveaxis(t, 2, 1).reshape(nb, t.shape[2], -1),
           np.moveaxis(t, 3, 1).reshape(nb, t.shape[3], -1))
    ranks = np.zeros((nb, 3), dtype=int)
    vecs = []
    for k, u in enumerate(unf):
        left, sv, _ = np.linalg.svd(u, full_matrices=False)
        tails = np.sqrt(np.maximum(np.cumsum((sv ** 2)[:, ::-1], axis=1)[:, ::-1], 0.0))
        curve = np.concatenate([tails, np.zeros((nb, 1))], axis=1) / safe[:, None]
        ranks[:, k] = np.argmax(curve <= budget, axis=1)
        vecs.append(left[:, :, 0])
    a, b, c = vecs
    lam = np.einsum("nijk,ni,nj,nk->n", t, a, b, c)
    approx = lam[:, None, None, None] * np.einsum("ni,nj,nk->nijk", a, b, c)
    err = np.sqrt(np.sum((approx - t).reshape(nb, -1) ** 2, axis=1)) / safe
    return {"unfolding_ranks": ranks, "rank1_error": err, "rank1": (ranks.max(axis=1) <= 1) & (err <= budget)}


def rank1_test_3d(t: np.ndarray, tolerance: float = 0.0, dtype: str = "float32") -> dict:
    """Is a 3-D tensor rank 1?  Exactly when all three mode unfoldings have rank 1."""
    t = np.asarray(t, dtype=np.float64)
    if t.ndim != 3:
        raise WeightError(f"rank1_test_3d needs a 3-D tensor, got shape {t.shape}")
    res = rank1_test_batch(t[None], tolerance, dtype)
    return {"unfolding_ranks": tuple(int(v) for v in res["unfolding_ranks"][0]), "rank1": bool(res["rank1"][0]),
            "rank1_error": float(res["rank1_error"][0])}


def cp_decompose(t: np.ndarray, rank: int, random_state: int = 0, n_iter_max: int = 300,
                 restarts: int = 1) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], float]:
    """CP decomposition of a 3-D tensor: factors ``(A, B, C)`` (each ``(dim, rank)``) and the relative error.

    Rank 1 uses the exact HOSVD construction; higher ranks TensorLy's ``parafac``
    (``init='svd'`` first, then ``restarts`` random inits with fixed seeds; the best is kept).
    The weights of the CP tensor are folded into ``A``.
    """
    t = np.asarray(t, dtype=np.float64)
    nrm = float(np.linalg.norm(t))
    if nrm == 0.0:
        return tuple(np.zeros((d, rank)) for d in t.shape), 0.0
    if rank == 1:
        a, b, c = rank1_factors_3d(t)
        fac = (a[:, None], b[:, None], c[:, None])
        return fac, float(np.linalg.norm(_cp_full(fac) - t) / nrm)
    import tensorly as tl
    from tensorly.decomposition import parafac

    best = None
    inits = [("svd", random_state)] + [("random", random_state + k) for k in range(restarts)]
    with tl.backend_context("numpy"), warnings.catch_warnings():
        warnings.simplefilter("ignore")           # e.g. "n_eigenvecs larger than the mode size" for svd init
        for init, seed in inits:
            try:
                cp = parafac(tl.tensor(t), rank, n_iter_max=n_iter_max, init=init, tol=1e-14,
                             random_state=seed, normalize_factors=False)
            except Exception:  # noqa: BLE001 - e.g. svd init with rank > mode size on old tensorly
                continue
            weights, factors = cp
            A, B, C = (np.asarray(f, dtype=np.float64) for f in factors)
            A = A * np.asarray(weights, dtype=np.float64)[None, :]
            fac = (A, B, C)
            err = float(np.linalg.norm(_cp_full(fac) - t) / nrm)
            if best is None or err < best[1]:
                best = (fac, err)
            if err < 1e-9:
                break
    if best is None:
        raise WeightError(f"CP decomposition of a tensor of shape {t.shape} at rank {rank} failed")
    return best


def _cp_full(fac) -> np.ndarray:
    A, B, C = fac
    return np.einsum("ir,jr,kr->ijk", A, B, C)


def cp_rank_3d(t: np.ndarray, tolerance: float = 0.0, dtype: str = "float32", max_rank: int = 8) -> dict:
    """Smallest CP rank (<= max_rank) whose reconstruction error is within the budget, and the errors tried.

    Ranks that the unfoldings already rule out are not fitted; their entry in
    ``cp_errors`` is that lower bound.
    """
    budget = error_budget(tolerance, dtype)
    t = np.asarray(t, dtype=np.float64)
    nrm = float(np.linalg.norm(t))
    svals = [np.linalg.svd(u, compute_uv=False) for u in unfoldings(t)]
    errors: dict[int, float] = {}
    found = None
    for r in range(1, max_rank + 1):
        # CP rank r implies unfolding ranks <= r: the unfoldings' truncation errors bound the CP error
        bound = max(float(np.sqrt(np.sum(sv[r:] ** 2))) for sv in svals) / nrm if nrm > 0 else 0.0
        if bound > budget:
            errors[r] = bound
            continue
        _, err = cp_decompose(t, r)
        errors[r] = err
        if err <= budget:
            found = r
            break
    return {"cp_rank": found, "cp_errors": errors, "max_rank_tried": max_rank}


def dw_pw_matrices(weight, groups: int = 1) -> np.ndarray:
    """Per input channel ``i`` the matrix ``W[outs of i's group, i, :].reshape(Cout_g, K)``: shape (C_in, Cout_g, K)."""
    w = np.asarray(weight, dtype=np.float64)
    cout, cin_g = w.shape[:2]
    cout_g = cout // groups
    k = int(np.prod(w.shape[2:]))
    m = w.reshape(groups, cout_g, cin_g, k)                 # (g, o, i, K)
    return np.ascontiguousarray(m.transpose(0, 2, 1, 3).reshape(groups * cin_g, cout_g, k))


def dw_pw_structure(weight, groups: int = 1, tolerance: float = 0.0, dtype: str = "float32") -> dict:
    """Per-input-channel ranks: rank <= 1 everywhere means an exact depthwise + pointwise factorization."""
    w = np.asarray(weight, dtype=np.float64)
    s = np.linalg.svd(dw_pw_matrices(w, groups), compute_uv=False)        # (C_in, min(Cout_g, K))
    budget = error_budget(tolerance, dtype)
    norm = float(np.linalg.norm(w))
    ch = []
    for row in s:
        ch.append(_rank_from_curve(error_curve(row), budget) if row[0] > 0 else 0)
    errs = error_curve(s, norm)
    return {"rank": _rank_from_curve(errs, budget), "channel_ranks": np.array(ch, dtype=int),
            "channel_rank_counts": _counts(np.array(ch)), "exact_rank1": bool(max(ch) <= 1), "errors": errs}


def jaderberg_matrices(weight, groups: int = 1, axes: tuple[int, int] = (0, 1)) -> np.ndarray:
    """Per group ``M[(i, k_a), (o, k_b)] = W[o, i, ...]`` for a 2-D kernel: shape (g, Cin_g*k_a, Cout_g*k_b).

    ``axes=(0, 1)`` is the height-then-width form ``M[(i, h), (o, w)]``.
    """
    w = np.asarray(weight, dtype=np.float64)
    if w.ndim != 4:
        raise WeightError(f"the Jaderberg matrix needs a 2-D conv weight (4 dims), got shape {w.shape}")
    cout, cin_g = w.shape[:2]
    cout_g = cout // groups
    a, b = axes
    ka, kb = w.shape[2 + a], w.shape[2 + b]
    wt = w.reshape(groups, cout_g, cin_g, *w.shape[2:])     # (g, o, i, kh, kw)
    if (a, b) == (1, 0):
        wt = wt.transpose(0, 1, 2, 4, 3)                    # (g, o, i, k_a, k_b)
    m = wt.transpose(0, 2, 3, 1, 4)                         # (g, i, k_a, o, k_b)
    return np.ascontiguousarray(m.reshape(groups, cin_g * ka, cout_g * kb))


def jaderberg_structure(weight, groups: int = 1, tolerance: float = 0.0, dtype: str = "float32") -> dict:
    w = np.asarray(weight, dtype=np.float64)
    s = np.linalg.svd(jaderberg_matrices(w, groups), compute_uv=False)   # (g, n)
    errs = error_curve(s, float(np.linalg.norm(w)))
    budget = error_budget(tolerance, dtype)
    return {"rank": _rank_from_curve(errs, budget), "max_rank": int(s.shape[-1]),
            "matrix_shape": (int(w.shape[1] * w.shape[2]), int(w.shape[0] // groups * w.shape[3])),
            "errors": errs}


def spatial_spectral_matrices(weight) -> np.ndarray:
    """Per ``(o, i)`` slice of a 3-D kernel the ``kd x (kh*kw)`` matrix: shape (C_out*Cin_g, kd, kh*kw)."""
    w = np.asarray(weight, dtype=np.float64)
    if w.ndim != 5:
        raise WeightError(f"spatial-spectral analysis needs a 3-D conv weight (5 dims), got shape {w.shape}")
    return w.reshape(w.shape[0] * w.shape[1], w.shape[2], w.shape[3] * w.shape[4])


def spatial_spectral_structure(weight, tolerance: float = 0.0, dtype: str = "float32") -> dict:
    w = np.asarray(weight, dtype=np.float64)
    s = np.linalg.svd(spatial_spectral_matrices(w), compute_uv=False)
    errs = error_curve(s, float(np.linalg.norm(w)))
    budget = error_budget(tolerance, dtype)
    ch = [_rank_from_curve(error_curve(row), budget) if row[0] > 0 else 0 for row in s]
    return {"rank": _rank_from_curve(errs, budget), "slice_rank_counts": _counts(np.array(ch)), "errors": errs}


def rank_findings(weight, groups: int = 1, tolerance: float = 0.0, dtype: str = "float32",
                  max_cp_rank: int = 4, max_cp_slices: int = 4) -> dict[str, Any]:
    """Every rank structure that applies to this weight, as a dict of findings."""
    w = np.asarray(weight, dtype=np.float64)
    nd = w.ndim - 2
    cout, cin_g = w.shape[:2]
    out: dict[str, Any] = {"ndim": nd, "norm": float(np.linalg.norm(w))}
    if nd == 2 and min(w.shape[2:]) > 1:
        out["spatial_2d"] = slice_ranks_2d(w, tolerance, dtype)
        out["jaderberg"] = jaderberg_structure(w, groups, tolerance, dtype)
    if cin_g > 1 and cout // groups > 1 and int(np.prod(w.shape[2:])) > 1:
        out["depthwise_pointwise"] = dw_pw_structure(w, groups, tolerance, dtype)
    if nd == 3 and min(w.shape[2:]) > 1:
        slices = w.reshape(-1, *w.shape[2:])
        tests = rank1_test_batch(slices, tolerance, dtype)
        cp: dict[str, Any] = {"rank1": bool(np.all(tests["rank1"])),
                              "unfolding_ranks_max": tuple(int(v) for v in tests["unfolding_ranks"].max(axis=0)),
                              "rank1_slices": int(np.sum(tests["rank1"])),
                              "slices": len(slices)}
        if not cp["rank1"]:
            sub = slices[:max_cp_slices]
            per = [cp_rank_3d(t, tolerance, dtype, max_cp_rank) for t in sub]
            found = [p["cp_rank"] for p in per]
            cp["cp_rank"] = None if any(f is None for f in found) else max(found)
            cp["cp_errors"] = {r: float(max(p["cp_errors"].get(r, 0.0) for p in per))
                               for r in range(1, max_cp_rank + 1) if any(r in p["cp_errors"] for p in per)}
            cp["cp_slices_fitted"] = len(sub)
        else:
            cp["cp_rank"] = 1
        out["cp_3d"] = cp
    if nd == 3 and w.shape[2] > 1 and w.shape[3] * w.shape[4] > 1:
        out["spatial_spectral"] = spatial_spectral_structure(w, tolerance, dtype)
    return out
