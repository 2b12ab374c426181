"""Plans and stages to and from plain dicts (JSON in artifacts and logs)."""
from __future__ import annotations

from typing import Mapping

import numpy as np

from ..errors import PlanError
from .spec import ConvSpec
from .stages import STAGE_KINDS, AxisPass, ChainStage, ConvStage, Geometry, Plan, SeparableConv, Stage

# ---- plain-data (JSON) form of stages and plans: used by artifacts and logs --------------------

def geometry_to_dict(g: Geometry) -> dict:
    return {"in_shape": list(g.in_shape), "out_channels": g.out_channels, "kernel": list(g.kernel),
            "stride": list(g.stride), "padding": [list(p) for p in g.padding],
            "dilation": list(g.dilation), "groups": g.groups}


def geometry_from_dict(d: dict) -> Geometry:
    return Geometry(tuple(int(v) for v in d["in_shape"]), int(d["out_channels"]),
                    tuple(int(v) for v in d["kernel"]), tuple(int(v) for v in d["stride"]),
                    tuple((int(a), int(b)) for a, b in d["padding"]), tuple(int(v) for v in d["dilation"]),
                    int(d["groups"]))


def stage_to_dict(st: Stage) -> dict:
    if isinstance(st, ChainStage):
        out = {"kind": st.kind, "name": st.name, "parts": [stage_to_dict(p) for p in st.parts]}
        if isinstance(st, SeparableConv):
            out["rank"] = st.rank
        return out
    if isinstance(st, ConvStage):
        out = {"kind": st.kind, "name": st.name, "geom": geometry_to_dict(st.geom), "weight": st.weight,
               "bias": st.bias}
        if st.activation:
            out["activation"] = st.activation
        if isinstance(st, AxisPass):
            out["axis"] = st.axis
        return out
    raise PlanError(f"cannot serialize stage {st!r}")


def stage_from_dict(d: dict) -> Stage:
    try:
        cls = STAGE_KINDS[d["kind"]]
        if issubclass(cls, ChainStage):
            parts = tuple(stage_from_dict(p) for p in d["parts"])
            if cls is SeparableConv:
                return cls(str(d["name"]), parts, rank=int(d.get("rank", 1)))
            return cls(str(d["name"]), parts)
        kw = {}
        if cls is AxisPass:
            kw["axis"] = int(d["axis"])
        bias = d.get("bias")
        act = d.get("activation")
        return cls(str(d["name"]), geometry_from_dict(d["geom"]), str(d["weight"]),
                   str(bias) if bias is not None else None, str(act) if act is not None else None, **kw)
    except PlanError:
        raise
    except (KeyError, TypeError, ValueError) as e:
        raise PlanError(f"malformed stage description: {type(e).__name__}: {e}") from None


def plan_to_dict(plan: Plan) -> dict:
    """The plan without its parameter arrays (those travel as .npy/.npz next to it)."""
    return {"spec": plan.spec.to_dict(), "stages": [stage_to_dict(s) for s in plan.stages],
            "error": float(plan.error), "log": list(plan.log)}


def plan_from_dict(d: dict, params: Mapping[str, np.ndarray]) -> Plan:
    try:
        spec = ConvSpec.from_dict(d["spec"])
        plan = Plan(spec, tuple(stage_from_dict(s) for s in d["stages"]), dict(params),
                    float(d.get("error", 0.0)), tuple(str(x) for x in d.get("log", ())))
    except (KeyError, TypeError, ValueError) as e:
        if isinstance(e, PlanError):
            raise
        raise PlanError(f"malformed plan description: {type(e).__name__}: {e}") from None
    plan.verify()
    return plan
