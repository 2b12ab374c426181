"""Argument types and helpers shared by the commands: shapes, targets, weights, output paths."""
from __future__ import annotations

import argparse
import math
import os
import tempfile
from pathlib import Path

from ..errors import SepgenError, WeightError

# ---- helpers ---------------------------------------------------------------------------------

def _ints(text: str) -> tuple[int, ...]:
    try:
        vals = tuple(int(v) for v in text.replace("x", ",").split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected integers like 1,3,224,224, got {text!r}") from None
    if not vals:
        raise argparse.ArgumentTypeError(f"expected integers, got {text!r}")
    return vals


def _int_at_least(lo: int):
    """An argparse type: an integer >= ``lo`` (a count that cannot be negative or zero)."""
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if v < lo:
            raise argparse.ArgumentTypeError(f"must be an integer >= {lo}, got {v}")
        return v
    parse.__name__ = "positive_int" if lo == 1 else "nonneg_int" if lo == 0 else f"int_at_least_{lo}"
    return parse


positive_int = _int_at_least(1)
nonneg_int = _int_at_least(0)


def _float_in(lo: float, hi: float = math.inf, hi_open: bool = True, name: str = "number"):
    """An argparse type: a float in ``[lo, hi)`` (``[lo, hi]`` with ``hi_open=False``); never nan, and inf only
    without an upper bound."""
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if hi == math.inf:
            ok = v >= lo                            # inf allowed (e.g. --max-error inf: no limit), nan not
        else:
            ok = math.isfinite(v) and v >= lo and (v < hi if hi_open else v <= hi)
        if not ok:
            rng = f">= {lo:g}" if hi == math.inf else f"in [{lo:g}, {hi:g}{')' if hi_open else ']'}"
            raise argparse.ArgumentTypeError(f"must be a {name} {rng}, got {text!r}")
        return v
    parse.__name__ = name.replace(" ", "_")
    return parse


tolerance_type = _float_in(0.0, 1.0, name="tolerance")
nonneg_float = _float_in(0.0, name="number")


def duration(text: str) -> float:
    """An argparse type: a time span in seconds, written ``90``, ``90s``, ``20m``, ``1h`` or ``1h30m``."""
    import re

    t = text.strip().lower()
    m = re.fullmatch(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?", t)
    if not t or m is None or not any(m.groups()):
        raise argparse.ArgumentTypeError(f"expected a duration like 90s, 20m or 1h30m, got {text!r}")
    h, mi, sec = (float(g) if g else 0.0 for g in m.groups())
    v = 3600 * h + 60 * mi + sec
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive duration, got {text!r}")
    return v


def _shape(text: str) -> tuple[int, ...]:
    """An input shape: positive integers like 1,3,224,224."""
    vals = _ints(text)
    if any(v < 1 for v in vals):
        raise argparse.ArgumentTypeError(f"input shape dims must be positive, got {text!r}")
    return vals


def _target(text: str) -> str:
    """A target preset name (checked against `sepgen targets`; the name itself is kept)."""
    from ..errors import TargetError
    from ..targets.registry import get_target

    if text == "host":          # always a preset (argparse also runs this on the default)
        return text
    try:
        get_target(text)
    except TargetError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def _padding(text: str):
    if text in ("same", "valid"):
        return text
    vals = _ints(text)
    return vals[0] if len(vals) == 1 else vals


def _one_or_tuple(vals):
    return vals[0] if len(vals) == 1 else vals


def load_weight_file(path: str, what: str = "weight"):
    """Read a .npy (no pickle) or .pt (torch.load weights_only) file into a numpy array."""
    import numpy as np

    p = Path(path)
    if p.is_dir():
        raise WeightError(f"{what} file {path} is a directory")
    if not p.exists():
        raise WeightError(f"{what} file {path} does not exist")
    if not p.is_file():
        raise WeightError(f"{what} file {path} is not a regular file")
    suffix = p.suffix.lower()
    try:
        if suffix == ".npy":
            return np.load(p, allow_pickle=False)
        if suffix in (".pt", ".pth"):
            import torch

            obj = torch.load(p, map_location="cpu", weights_only=True)
            if isinstance(obj, dict):
                tensors = {k: v for k, v in obj.items() if hasattr(v, "shape")}
                if what == "weight" and "weight" in tensors:
                    obj = tensors["weight"]
                elif what == "bias" and "bias" in tensors:
                    obj = tensors["bias"]
                elif len(tensors) == 1:
                    obj = next(iter(tensors.values()))
                else:
                    raise WeightError(f"{path} holds {sorted(tensors)}; expected a tensor or a dict with '{what}'")
            if not hasattr(obj, "detach"):
                raise WeightError(f"{path} does not hold a tensor")
            return obj.detach().cpu().numpy()
    except SepgenError:
        raise
    except Exception as e:
        raise WeightError(f"cannot read {what} file {path}: {type(e).__name__}: {str(e).splitlines()[0][:200]}") \
            from None
    raise WeightError(f"{what} file {path}: unsupported extension {suffix!r} (use .npy or .pt)")


def _is_weight_file(text: str) -> bool:
    """Whether ``text`` names a weight file (else it is a named filter such as ``gaussian:7:1.5``)."""
    return Path(text).suffix.lower() in (".npy", ".pt", ".pth") or Path(text).exists()


def _label(text: str) -> str:
    """The default artifact name of ``--weights text``: a file's stem, or the whole filter spec
    (``gaussian:7:1.5`` -> ``gaussian_7_1_5``, so ``gaussian:7:1.25`` does not land in the same directory)."""
    if _is_weight_file(text):
        return Path(text).stem.replace(":", "_")
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)


def resolve_weight(text: str):
    """A weight file path or a named filter (``gaussian:7:1.5``)."""
    if _is_weight_file(text):
        return load_weight_file(text)
    from ..ir.filters import named_filter

    return named_filter(text)


def _add_conv_args(p: argparse.ArgumentParser, workload: bool = True) -> None:
    if workload:
        p.add_argument("workload", nargs="?", help="a name from `sepgen workloads` (or use --weights)")
        p.add_argument("--weights", help="weight file (.npy or .pt) or a named filter such as gaussian:7:1.5")
        p.add_argument("--bias", help="bias file (.npy or .pt) (with --weights)")
        p.add_argument("--input-shape", type=_shape, help="input shape, e.g. 1,3,224,224 (with --weights)")
    spec_only = " (with --weights)" if workload else ""
    p.add_argument("--stride", type=_ints, default=None, help=f"stride (int or per-axis, e.g. 2 or 1,2){spec_only}")
    p.add_argument("--padding", type=_padding, default=None,
                   help=f"padding: int, per-axis ints, same or valid{spec_only}")
    p.add_argument("--dilation", type=_ints, default=None, help=f"dilation (int or per-axis){spec_only}")
    p.add_argument("--groups", type=positive_int, default=None,
                   help=f"groups (C_in for depthwise; default 1){spec_only}")
    p.add_argument("--tolerance", type=tolerance_type, default=0.0,
                   help="relative weight error allowed for low-rank rewrites, in [0, 1) (default 0: exact only)")
    p.add_argument("--dtype", choices=["float32", "float16"], default=None,
                   help="element type (default: float16 for a float16 weight, else float32)")


def _conv_problem(args):
    """(weight, bias, compile kwargs, label) from a workload name or --weights."""
    from ..ir.workloads import get_workload

    if args.workload and args.weights:
        raise WeightError("give a workload name or --weights, not both")
    if args.workload:
        wl = get_workload(args.workload)
        w, b = wl.weights(seed=0)
        kw = wl.compile_args()
        for name in ("input_shape", "bias", "stride", "padding", "dilation", "groups"):
            v = getattr(args, name, None)
            if v is not None:
                raise WeightError(f"--{name.replace('_', '-')} cannot change the named workload {wl.name}; "
                                  "use --weights")
        return w, b, kw, wl.name
    if not args.weights:
        raise WeightError("name a workload (see `sepgen workloads`) or pass --weights FILE --input-shape ...")
    w = resolve_weight(args.weights)
    b = load_weight_file(args.bias, "bias") if args.bias else None
    if args.input_shape is None:
        raise WeightError("--input-shape is required with --weights (e.g. --input-shape 1,3,224,224)")
    kw = {"input_shape": args.input_shape,
          "stride": _one_or_tuple(args.stride) if args.stride else 1,
          "padding": args.padding if args.padding is not None else 0,
          "dilation": _one_or_tuple(args.dilation) if args.dilation else 1,
          "groups": args.groups if args.groups is not None else 1}
    return w, b, kw, _label(args.weights)


def _writable_dir(path: Path, what: str, shown=None) -> None:
    """Create directory ``path`` (and its parents) and check a file can be made in it, before any long work:
    a :class:`SepgenError` ``cannot write WHAT SHOWN: REASON`` otherwise (``shown`` defaults to ``path``)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".sepgen-probe.", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        shown = path if shown is None else shown
        where = f" ({e.filename})" if e.filename and str(e.filename) != str(shown) else ""
        raise SepgenError(f"cannot write {what} {shown}: {e.strerror or e}{where}") from None


def _writable_file(path, what: str) -> None:
    """Check file ``path`` can be written (its directory is created) before any long work."""
    p = Path(path)
    if p.is_dir():
        raise SepgenError(f"cannot write {what} {p}: it is a directory")
    _writable_dir(p.parent, what, shown=p)


def _out_path(args, label: str) -> Path:
    """``--out`` (or out/<label>), checked before any tuning or building: its directory is writable and
    nothing but a sepgen artifact or an empty directory lies there (which saving would refuse to replace)."""
    from ..runtime.artifact import _check_destination

    out = Path(args.out or f"out/{label}")
    _check_destination(out)
    _writable_dir(out.parent, "artifact", shown=out)
    return out


def _torch_eager_fn(op, w, b):
    """F.conv*d on the same shapes and weights as ``op``: a zero-argument callable."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    spec = op.spec
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[spec.ndim]
    x = torch.randn(spec.input_shape, dtype=getattr(torch, spec.dtype))
    wt = torch.from_numpy(np.asarray(w, dtype=spec.dtype))
    bt = torch.from_numpy(np.asarray(b, dtype=spec.dtype)) if b is not None else None
    pad = spec.torch_padding()
    flat = []
    for lo, hi in reversed(spec.padding):
        flat += [lo, hi]

    def run():
        xx = x if pad is not None else F.pad(x, flat)
        return conv(xx, wt, bt, spec.stride, pad if pad is not None else 0, spec.dilation, spec.groups)
    return run
