"""What every rewrite pass shares: the result type, stage replacement, names, and the rank search within an error budget."""
from __future__ import annotations

import math
from typing import Callable, NamedTuple, Optional, Sequence

import numpy as np

from ..analysis.plan_error import effective_weight, weight_error
from ..analysis.rank import error_curve
from ..errors import PlanError
from ..ir.stages import Geometry, Plan, Stage, conv_parts


class PassResult(NamedTuple):
    plan: Plan
    changed: bool
    note: str


# ---------------------------------------------------------------------------
# helpers shared by the passes (defined before the pass modules are imported)
# ---------------------------------------------------------------------------

def _taken_names(plan: Plan) -> set[str]:
    names = set(plan.params)
    for st in plan.stages:
        names.add(st.name)
        try:
            names.update(p.name for p in conv_parts(st))
        except PlanError:
            pass
    return names


def fresh_prefix(plan: Plan, base: str, numbered: bool = True) -> str:
    """A name prefix no param, stage or part of ``plan`` uses (``sep0``, ``sep1``, ... or ``dw``, ``dw2``, ...)."""
    taken = _taken_names(plan)

    def free(p: str) -> bool:
        return not any(t == p or t.startswith(p + "_") for t in taken)

    if numbered:
        n = 0
        while not free(f"{base}{n}"):
            n += 1
        return f"{base}{n}"
    if free(base):
        return base
    n = 2
    while not free(f"{base}{n}"):
        n += 1
    return f"{base}{n}"


def replace_stage(plan: Plan, index: int, new_stages: Sequence[Stage], new_params: dict, error: float,
                  note: str) -> Plan:
    """A new plan with ``plan.stages[index]`` replaced; params the old stage alone used are dropped."""
    old = plan.stages[index]
    stages = tuple(plan.stages[:index]) + tuple(new_stages) + tuple(plan.stages[index + 1:])
    used = set()
    for st in stages:
        used.update(st.param_shapes())
    old_names = set(old.param_shapes())
    params = {k: v for k, v in plan.params.items() if k in used or k not in old_names}
    for k, v in new_params.items():
        if k in params and k not in old_names:
            raise PlanError(f"pass would overwrite param {k!r}")
        params[k] = v
    new = Plan(plan.spec, stages, params, float(error), tuple(plan.log) + (note,))
    new.verify()
    return new


def sub_geometry(g: Geometry, in_shape: tuple[int, ...], out_channels: int, axes: Sequence[int],
                 groups: int) -> Geometry:
    """A part that carries ``g``'s kernel, stride, padding and dilation on ``axes`` and is trivial elsewhere."""
    axes = set(axes)
    rng = range(g.ndim)
    return Geometry(tuple(in_shape), int(out_channels),
                    tuple(g.kernel[a] if a in axes else 1 for a in rng),
                    tuple(g.stride[a] if a in axes else 1 for a in rng),
                    tuple(g.padding[a] if a in axes else (0, 0) for a in rng),
                    tuple(g.dilation[a] if a in axes else 1 for a in rng),
                    int(groups))


def lazy(fn: Callable[[], object]) -> Callable[[], object]:
    """Call ``fn`` once, on first use, and remember the result."""
    box: list = []

    def get():
        if not box:
            box.append(fn())
        return box[0]

    return get


def svd_prediction(plan: Plan, singular_values: Callable[[], np.ndarray], weight: np.ndarray
                   ) -> Optional[Callable[[int], float]]:
    """Predicted plan error of a common rank-r truncation, valid when the stage is the plan's only one.

    (Then the stage weight is the plan's weight and the truncation error is the
    plan error, up to float rounding of the factors.)  None otherwise.
    """
    if len(plan.stages) != 1 or plan.error != 0.0:
        return None
    norm = float(np.linalg.norm(weight))
    curve = lazy(lambda: error_curve(singular_values(), norm))

    def predict(r: int) -> float:
        c = curve()
        return float(c[min(r, len(c) - 1)])

    return predict


def factor_dtype(arr) -> np.dtype:
    """Factors keep the precision of the weight they replace, at least float32.

    (float16 weights get float32 factors: the runtime casts params to the spec's
    dtype, and the float16 exact threshold absorbs that rounding.)
    """
    dt = np.asarray(arr).dtype
    if not np.issubdtype(dt, np.floating):
        return np.dtype(np.float32)
    return np.promote_types(dt, np.float32)


def combined_error(prev_error: float, local: float) -> float:
    """Bound on the error vs the original weight after a rewrite with relative error ``local`` vs the previous plan."""
    if prev_error == 0.0:
        return local
    return prev_error + (1.0 + prev_error) * local


def search_rank(pass_name: str, plan: Plan, index: int, build: Callable[[int], tuple], ranks: Sequence[int],
                budget: float, require_fewer_flops: bool, forced: Optional[int] = None,
                linear: bool = False, predicted: Optional[Callable[[int], float]] = None) -> PassResult:
    """Rewrite ``plan.stages[index]`` at the lowest rank whose plan error is within ``budget``.

    ``build(r)`` returns ``(stages, description, make_params)`` for rank ``r``,
    where ``make_params()`` computes the parameter arrays (so that FLOP checks
    need no factorization).  Ranks whose stages have at least the old stage's
    FLOPs are skipped when ``require_fewer_flops``.  ``linear`` walks ranks
    upward (for non-nested factorizations such as CP); otherwise a binary search
    on measured errors.  A ``forced`` rank is used whatever its error.
    ``predicted(r)``, when the caller knows it (a truncated SVD of the plan's only
    stage), is the error rank ``r`` will have: the search starts at the first
    rank predicted within budget and is skipped when none is; the chosen rank's
    error is still measured by reconstruction.
    """
    old = plan.stages[index]
    old_flops = old.flops()
    built: dict[int, tuple] = {}
    measured: dict[int, tuple] = {}

    def get(r: int):
        if r not in built:
            built[r] = build(r)
        return built[r]

    def flops_of(r: int) -> int:
        return sum(s.flops() for s in get(r)[0])

    cand_ranks = [forced] if forced is not None else list(ranks)
    if require_fewer_flops:
        ok = []
        for r in cand_ranks:
            if flops_of(r) < old_flops:
                ok.append(r)
            else:
                break           # FLOPs grow with the rank
        if not ok:
            return PassResult(plan, False, f"{pass_name}: {old.name} left as is (no rank "
                                           f"{'' if forced is None else str(forced) + ' '}has fewer FLOPs than "
                                           f"its {old_flops:,})")
        cand_ranks = ok
    if not cand_ranks:
        return PassResult(plan, False, f"{pass_name}: {old.name} left as is (no rank to try)")
    try:
        w_prev = effective_weight(plan)
    except PlanError as e:
        return PassResult(plan, False, f"{pass_name}: {old.name} left as is (cannot measure the plan's weight: {e})")
    norm_prev = float(np.linalg.norm(w_prev))

    def evaluate(r: int):
        if r not in measured:
            stages, desc, make_params = get(r)
            params = make_params()
            cand = replace_stage(plan, index, stages, params, 0.0, "")
            local = weight_error(cand, w_prev, norm_prev if norm_prev > 0 else None)
            measured[r] = (stages, params, desc, combined_error(plan.error, local), flops_of(r))
        return measured[r]

    chosen = None
    if forced is None and predicted is not None:
        hint = next((r for r in cand_ranks if predicted(r) <= budget), None)
        if hint is None:
            best = predicted(cand_ranks[-1])
            if best > budget * (1 + 1e-3) + 1e-9:
                return PassResult(plan, False, f"{pass_name}: {old.name} left as is (best error {best:.3g} at "
                                               f"ranks with fewer FLOPs exceeds the budget {budget:.3g})")
        else:
            # float rounding may push the measured error over: try the next ranks too
            cand_ranks = cand_ranks[cand_ranks.index(hint):]
            if evaluate(hint)[3] <= budget:
                chosen = hint
    if chosen is not None:
        pass
    elif forced is not None:
        chosen = forced
    elif linear:
        for r in cand_ranks:
            if evaluate(r)[3] <= budget:
                chosen = r
                break
    else:
        if evaluate(cand_ranks[-1])[3] <= budget:
            lo, hi = 0, len(cand_ranks) - 1          # invariant: cand_ranks[hi] is within budget
            while lo < hi:
                mid = (lo + hi) // 2
                if evaluate(cand_ranks[mid])[3] <= budget:
                    hi = mid
                else:
                    lo = mid + 1
            chosen = cand_ranks[hi]
    if chosen is None:
        best = min(m[3] for m in measured.values()) if measured else math.inf
        return PassResult(plan, False, f"{pass_name}: {old.name} left as is (best error {best:.3g} at ranks with "
                                       f"fewer FLOPs exceeds the budget {budget:.3g})")
    stages, params, desc, err, new_flops = evaluate(chosen)
    note = (f"{pass_name}: {old.name} -> {desc} (rank {chosen}), error {err:.3g}, "
            f"flops {old_flops:,} -> {new_flops:,}")
    return PassResult(replace_stage(plan, index, stages, params, err, note), True, note)


def apply_to_stages(pass_name: str, plan: Plan, applicable: Callable[[Stage], Optional[str]],
                    rewrite: Callable[[Plan, int], PassResult]) -> PassResult:
    """Run ``rewrite`` on every stage for which ``applicable`` returns None (else a reason to skip)."""
    notes = []
    changed = False
    i = 0
    cur = plan
    while i < len(cur.stages):
        st = cur.stages[i]
        why_not = applicable(st)
        if why_not is None:
            res = rewrite(cur, i)
            notes.append(res.note)
            if res.changed:
                changed = True
                i += len(res.plan.stages) - len(cur.stages)
                cur = res.plan
        i += 1
    if not notes:
        return PassResult(plan, False, f"{pass_name}: no stage it applies to")
    return PassResult(cur, changed, "; ".join(notes))
