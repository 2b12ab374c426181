"""The error a plan carries: the weight its stages compute together, composed in numpy, against the original."""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from ..errors import PlanError
from ..ir.stages import ConvStage, Plan, conv_parts

# ---------------------------------------------------------------------------
# effective weight by algebraic composition
# ---------------------------------------------------------------------------

def _axis_active(part: ConvStage, ax: int) -> bool:
    g = part.geom
    return g.kernel[ax] != 1 or g.stride[ax] != 1 or g.padding[ax] != (0, 0)


def _all_parts(plan: Plan) -> list[ConvStage]:
    parts: list[ConvStage] = []
    for st in plan.stages:
        parts.extend(conv_parts(st))
    return parts


def _compose(plan: Plan) -> tuple[np.ndarray, float]:
    """Return (weight in the spec's layout, squared norm of what falls outside the spec's groups)."""
    spec = plan.spec
    parts = _all_parts(plan)
    nd = spec.ndim
    # geometry: per axis at most one part may act on it, and it must carry the spec's geometry
    for ax in range(nd):
        active = [p for p in parts if _axis_active(p, ax)]
        if len(active) > 1:
            raise PlanError(f"cannot compose the plan's weight: parts {', '.join(p.name for p in active)} "
                            f"all act on spatial axis {ax}")
        want = (spec.kernel_size[ax], spec.stride[ax], spec.padding[ax])
        if active:
            g = active[0].geom
            have = (g.kernel[ax], g.stride[ax], g.padding[ax])
            dil_ok = g.kernel[ax] == 1 or g.dilation[ax] == spec.dilation[ax]
        else:
            have = (1, 1, (0, 0))
            dil_ok = True
        if have != want or not dil_ok:
            raise PlanError(f"the plan's geometry on axis {ax} (kernel, stride, padding)={have} differs from the "
                            f"spec's {want}")
    # block count: channels split into gb contiguous blocks that never mix
    gb = spec.groups
    for p in parts:
        gb = math.gcd(gb, p.geom.groups)
    kernel = spec.kernel_size

    def stage_block(p: ConvStage) -> np.ndarray:
        """Weight of part p as (gb, Cout_b, q, Cin_g, *kernel_p): q = stage groups per block."""
        g = p.geom
        w = np.asarray(plan.params[p.weight], dtype=np.float64)
        if tuple(w.shape) != g.weight_shape:
            raise PlanError(f"param {p.weight!r} has shape {w.shape}, part {p.name} expects {g.weight_shape}")
        q = g.groups // gb
        cout_g = g.out_channels // g.groups
        # (groups, cout_g, cin_g, K) -> per block (gb, q, cout_g, cin_g, K)
        return w.reshape(gb, q, cout_g, w.shape[1], *w.shape[2:])

    # backward composition: acc maps the current part's output channels to the plan output,
    # acc: (gb, Cout_b, Cm_b, *K_acc) with K_acc the kernel extents seen so far (1 where untouched)
    last = parts[-1]
    lw = stage_block(last)                      # (gb, q, cout_g, cin_g, K)
    gbn, q, cog, cig = lw.shape[:4]
    k_last = lw.shape[4:]
    # block-diagonal within the block: acc[b, (s, o), (t, i)] = lw[b, s, o, i] if s == t
    acc = np.zeros((gbn, q, cog, q, cig, *k_last))
    for s in range(q):
        acc[:, s, :, s] = lw[:, s]
    acc = acc.reshape(gbn, q * cog, q * cig, *k_last)
    k_acc = tuple(k_last)
    for p in reversed(parts[:-1]):
        pw = stage_block(p)                     # (gb, q, cout_g, cin_g, K_p)
        gbn, q, cog, cig = pw.shape[:4]
        k_p = tuple(pw.shape[4:])
        cout_b = acc.shape[1]
        a = acc.reshape(gbn, cout_b, q, cog, int(np.prod(k_acc)))
        b = pw.reshape(gbn, q, cog, cig, int(np.prod(k_p)))
        # new[b, o, (q, i), ka, kp] = sum_m acc[b, o, (q, m), ka] * w[b, q, m, i, kp]
        new = np.einsum("boqmx,bqmiy->boqixy", a, b, optimize=True)
        new = new.reshape(gbn, cout_b, q * cig, *k_acc, *k_p)
        # merge kernel axes: on every axis one of the two extents is 1
        perm = [0, 1, 2]
        for ax in range(nd):
            perm.extend((3 + ax, 3 + nd + ax))
        new = new.transpose(perm)
        k_acc = tuple(ka * kp for ka, kp in zip(k_acc, k_p))
        acc = new.reshape(gbn, cout_b, q * cig, *k_acc)
    if k_acc != tuple(kernel):
        raise PlanError(f"the plan composes to kernel {k_acc}, the spec's is {tuple(kernel)}")
    # acc: (gb, Cout/gb, Cin/gb, *K) -> spec layout (C_out, C_in/g, *K)
    g = spec.groups
    sub = g // gb
    cout_g = spec.out_channels // g
    cin_g = spec.in_channels // g
    blocks = acc.reshape(gb, sub, cout_g, sub, cin_g, *kernel)
    idx = np.arange(sub)
    diag = blocks[:, idx, :, idx]               # (sub, gb, cout_g, cin_g, K)
    diag = np.moveaxis(diag, 0, 1)              # (gb, sub, cout_g, cin_g, K)
    w_eff = np.ascontiguousarray(diag.reshape(spec.out_channels, cin_g, *kernel))
    leak = 0.0
    if sub > 1:
        off = blocks.copy()
        off[:, idx, :, idx] = 0.0
        leak = float(np.sum(off ** 2))
    return w_eff, leak


def effective_weight(plan: Plan) -> np.ndarray:
    """The weight ``(C_out, C_in // groups, *kernel)`` (float64) that ``plan`` computes.

    Composes the stages' linear maps algebraically.  Raises :class:`PlanError`
    when the plan is not one grouped convolution of the spec's geometry (for
    example when two stages act on the same spatial axis, or when the stages mix
    channels across the spec's groups).
    """
    w, leak = _compose(plan)
    norm = float(np.sum(w ** 2))
    if leak > 1e-12 * norm or (norm == 0.0 and leak > 0.0):
        raise PlanError(f"the plan mixes channels across the spec's {plan.spec.groups} groups "
                        f"(relative leak {math.sqrt(leak / max(norm, 1e-300)):.3g})")
    return w


def weight_error(plan: Plan, weight, reference_norm: Optional[float] = None) -> float:
    """Relative Frobenius error ``||W_plan - W|| / ||W||`` of the weight ``plan`` computes.

    Channel mixing across the spec's groups counts as error.
    """
    w_ref = np.asarray(weight, dtype=np.float64)
    w_eff, leak = _compose(plan)
    if w_eff.shape != w_ref.shape:
        raise PlanError(f"plan computes a weight of shape {w_eff.shape}, the reference is {w_ref.shape}")
    num = math.sqrt(float(np.sum((w_eff - w_ref) ** 2)) + leak)
    den = float(np.linalg.norm(w_ref)) if reference_norm is None else reference_norm
    if den == 0.0:
        return 0.0 if num == 0.0 else math.inf
    return num / den
