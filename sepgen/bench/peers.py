"""The peers a kernel is timed against (PyTorch, torch.compile, OpenCV, SciPy, MetaSchedule), each checked against the same reference."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from ..ir.workloads import Workload
from .metaschedule import direct_stage, load_metaschedule_peer

PEER_ORDER = ("torch", "torch_dw_pw", "opencv_sepFilter2D", "opencv_filter2D", "scipy_separable",
              "scipy_correlate", "metaschedule")
RANK1_RTOL = 1e-4              # a weight is "rank 1" when its rank-1 reconstruction is this close


# ---- small helpers ----------------------------------------------------------------------------

@dataclass
class Peer:
    name: str
    fn: Callable[[], object]                 # one call; returns the output (tensor or array)
    to_torch: Callable[[object], object] = None   # output -> torch tensor shaped like the conv output
    optional_slow: bool = False              # dropped when one call takes > SLOW_PEER_LIMIT_S
    info: dict = field(default_factory=dict)


def rel_err(y, ref) -> float:
    """max |y - ref| / max |ref| (float64)."""
    import torch

    y = torch.as_tensor(y).double()
    ref = torch.as_tensor(ref).double()
    diff = (y - ref).abs().max().item()
    scale = ref.abs().max().item()
    return float(diff / scale) if scale > 0 else float(diff)


def _conv_fn(ndim: int):
    import torch.nn.functional as F

    return {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[ndim]


def _flat_pad(padding) -> list[int]:
    flat: list[int] = []
    for lo, hi in reversed(padding):     # F.pad wants the last axis first
        flat += [lo, hi]
    return flat


def rank1_factors(k: np.ndarray) -> tuple[list[np.ndarray], float]:
    """Rank-1 factors ``f_0 (x) f_1 (x) ...`` of an N-d array and the relative error of that product."""
    k = np.asarray(k, dtype=np.float64)
    norm = float(np.linalg.norm(k))
    if norm == 0:
        return [np.zeros(n) for n in k.shape], 0.0
    facs = []
    for ax in range(k.ndim):
        m = np.moveaxis(k, ax, 0).reshape(k.shape[ax], -1)
        u, _, _ = np.linalg.svd(m, full_matrices=False)
        facs.append(u[:, 0])
    scale = k
    for f in facs:
        scale = np.tensordot(f, scale, axes=([0], [0]))
    scale = float(scale)
    mag = abs(scale) ** (1.0 / k.ndim)
    facs = [f * mag for f in facs]
    facs[0] = facs[0] * (1.0 if scale >= 0 else -1.0)
    recon = facs[0]
    for f in facs[1:]:
        recon = np.multiply.outer(recon, f)
    return facs, float(np.linalg.norm(recon - k) / norm)


def dw_pw_factors(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """``W[o, i, *k] ~= P[o, i] * D[i, *k]`` by a rank-1 SVD per input channel (groups 1).

    Returns ``D (C_in, 1, *k)``, ``P (C_out, C_in, 1, ...)`` and the relative error of ``P*D``.
    """
    w64 = np.asarray(w, dtype=np.float64)
    cout, cin, *ks = w64.shape
    mats = w64.reshape(cout, cin, -1).transpose(1, 0, 2)          # (C_in, C_out, K)
    u, s, vt = np.linalg.svd(mats, full_matrices=False)
    sq = np.sqrt(s[:, 0])
    d = vt[:, 0, :] * sq[:, None]                                  # (C_in, K)
    p = u[:, :, 0] * sq[:, None]                                   # (C_in, C_out)
    recon = p.T[:, :, None] * d[None]                              # (C_out, C_in, K)
    err = float(np.linalg.norm(recon - w64.reshape(cout, cin, -1)) / max(np.linalg.norm(w64), 1e-300))
    d = d.reshape(cin, 1, *ks)
    p = np.ascontiguousarray(p.T).reshape(cout, cin, *([1] * len(ks)))
    return d, p, err


def _centered_single_channel(spec) -> Optional[str]:
    """Why the filter-library peers (OpenCV, SciPy) do not apply to ``spec`` (None when they do)."""
    if spec.dtype != "float32":
        return f"float32 images only, the spec is {spec.dtype}"
    if spec.batch != 1 or spec.in_channels != 1 or spec.out_channels != 1:
        return f"needs one image and one channel in and out, got input {spec.input_shape}, weight {spec.weight_shape}"
    if any(s != 1 for s in spec.stride) or any(d != 1 for d in spec.dilation):
        return "needs stride 1 and dilation 1"
    for k, (lo, hi) in zip(spec.kernel_size, spec.padding):
        if k % 2 == 0 or lo != hi or lo != (k - 1) // 2:
            return "needs odd kernels with centred zero padding (output the size of the input)"
    return None


# ---- peers ----------------------------------------------------------------------------------------

def make_peers(wl: Workload, w: np.ndarray, b: Optional[np.ndarray], x, target, log_root):
    """Peers applicable to ``wl`` (in :data:`PEER_ORDER`) and ``{name: reason}`` for those that are not."""
    import torch

    spec = wl.spec
    dt = getattr(torch, spec.dtype)
    conv = _conv_fn(spec.ndim)
    wt = torch.from_numpy(np.ascontiguousarray(w, dtype=spec.dtype))
    bt = torch.from_numpy(np.ascontiguousarray(b, dtype=spec.dtype)) if b is not None else None
    tpad = spec.torch_padding()
    flat = _flat_pad(spec.padding)
    peers: list[Peer] = []
    missing: dict[str, str] = {}
    ident = lambda y: y  # noqa: E731

    # torch: F.conv*d eager
    def torch_conv():
        if tpad is None:
            return conv(torch.nn.functional.pad(x, flat), wt, bt, spec.stride, 0, spec.dilation, spec.groups)
        return conv(x, wt, bt, spec.stride, tpad, spec.dilation, spec.groups)

    peers.append(Peer("torch", torch_conv, ident))

    # torch_dw_pw: depthwise then pointwise, where the weight is exactly that product
    if spec.groups != 1 or spec.in_channels < 2 or spec.out_channels < 2 or all(k == 1 for k in spec.kernel_size):
        missing["torch_dw_pw"] = "applies to dense (groups 1) multi-channel convolutions with a spatial kernel"
    else:
        d, p, err = dw_pw_factors(w)
        if err > RANK1_RTOL:
            missing["torch_dw_pw"] = f"the weight is not depthwise x pointwise (rank-1 per input channel error {err:.2g})"
        else:
            dt_ = torch.from_numpy(np.ascontiguousarray(d, dtype=spec.dtype))
            pt_ = torch.from_numpy(np.ascontiguousarray(p, dtype=spec.dtype))
            cin = spec.in_channels

            def torch_dw_pw():
                xx = x if tpad is not None else torch.nn.functional.pad(x, flat)
                y = conv(xx, dt_, None, spec.stride, tpad if tpad is not None else 0, spec.dilation, cin)
                return conv(y, pt_, bt)

            peers.append(Peer("torch_dw_pw", torch_dw_pw, ident, info={"factor_error": err}))

    # filter libraries: single-channel, centred zero padding
    why = _centered_single_channel(spec)
    k = np.asarray(w[0, 0], dtype=np.float64)
    bias0 = float(b[0]) if b is not None else 0.0
    facs, r1err = rank1_factors(k) if why is None else (None, math.inf)
    out_shape = spec.output_shape
    img = x.numpy()[0, 0] if why is None else None
    np_dt = np.dtype(spec.dtype)

    def to_t(a):
        return torch.from_numpy(np.ascontiguousarray(a)).reshape(out_shape)

    if spec.ndim == 2 and why is None:
        try:
            import cv2
        except ImportError:
            missing["opencv_sepFilter2D"] = missing["opencv_filter2D"] = "opencv-python is not installed"
        else:
            k32 = np.ascontiguousarray(k, dtype=np_dt)
            if r1err <= RANK1_RTOL:
                ky = np.ascontiguousarray(facs[0], dtype=np_dt)    # along H (rows)
                kx = np.ascontiguousarray(facs[1], dtype=np_dt)    # along W (columns)
                peers.append(Peer("opencv_sepFilter2D", lambda: cv2.sepFilter2D(
                    img, -1, kx, ky, delta=bias0, borderType=cv2.BORDER_CONSTANT), to_t,
                    info={"factor_error": r1err}))
            else:
                missing["opencv_sepFilter2D"] = f"the kernel is not rank 1 (error {r1err:.2g})"
            peers.append(Peer("opencv_filter2D", lambda: cv2.filter2D(
                img, -1, k32, delta=bias0, borderType=cv2.BORDER_CONSTANT), to_t))
    else:
        reason = why or "2-D filters only"
        missing["opencv_sepFilter2D"] = missing["opencv_filter2D"] = reason

    if spec.ndim in (2, 3) and why is None:
        from scipy import ndimage

        if r1err <= RANK1_RTOL:
            f1 = [np.ascontiguousarray(f, dtype=np_dt) for f in facs]

            def scipy_separable():
                y = img
                for ax, f in enumerate(f1):
                    y = ndimage.correlate1d(y, f, axis=ax, mode="constant", cval=0.0)
                return y + np_dt.type(bias0) if bias0 else y

            peers.append(Peer("scipy_separable", scipy_separable, to_t, info={"factor_error": r1err}))
        else:
            missing["scipy_separable"] = f"the kernel is not rank 1 (error {r1err:.2g})"
        if spec.ndim == 2:
            k32 = np.ascontiguousarray(k, dtype=np_dt)

            def scipy_correlate():
                y = ndimage.correlate(img, k32, mode="constant", cval=0.0)
                return y + np_dt.type(bias0) if bias0 else y

            peers.append(Peer("scipy_correlate", scipy_correlate, to_t, optional_slow=True))
        else:
            missing["scipy_correlate"] = "2-D filters only (3-D direct correlation takes seconds)"
    else:
        missing["scipy_separable"] = missing["scipy_correlate"] = why or "2-D and 3-D filters only"

    # metaschedule: the direct conv, scheduled by MetaSchedule's default space, replayed from its log
    plan, stage = direct_stage(wl, w, b)
    from ..ir.stages import stage_param_names
    from ..runtime.memory import new_output

    fn, info = load_metaschedule_peer(wl, stage, target, log_root)
    if fn is None:
        missing["metaschedule"] = info
    else:
        params = [torch.from_numpy(np.ascontiguousarray(plan.params[p], dtype=spec.dtype))
                  for p in stage_param_names(stage)]
        # the output allocated as sepgen's own call allocates it: the row compares kernels, not allocators
        ms_fn, new_y = fn, new_output(out_shape, dt)

        def metaschedule():
            y = new_y()
            ms_fn(x, *params, y)
            return y

        peers.append(Peer("metaschedule", metaschedule, ident, info=info))
    return peers, missing


def _peer_rank(name: str) -> int:
    return PEER_ORDER.index(name) if name in PEER_ORDER else len(PEER_ORDER)
