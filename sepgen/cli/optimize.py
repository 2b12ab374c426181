"""`sepgen optimize` and `sepgen tradeoff`: whole PyTorch models."""
from __future__ import annotations

from pathlib import Path

from ..errors import SpecError
from .common import _shape, _target, _writable_file, nonneg_float, nonneg_int, positive_int, tolerance_type


def load_model_source(src: str, input_shape, seed: int = 0):
    """``(model, input shape)`` for a CLI model argument: an example of sepgen.models or a .pt2 file."""
    import torch

    from ..frontend.models import EXAMPLES

    if src in EXAMPLES:
        ctor, shape = EXAMPLES[src]
        torch.manual_seed(seed)
        model = ctor().eval()
        return model, (tuple(input_shape) if input_shape else shape)
    path = Path(src)
    if not path.exists():
        raise SpecError(f"{src}: no such file, and not an example model ({', '.join(EXAMPLES)})")
    if not input_shape:
        raise SpecError("--input-shape is required for a model file (e.g. --input-shape 1,3,224,224)")
    shape = tuple(input_shape)
    import logging

    quiet = logging.getLogger("torch.export")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)   # torch logs a traceback before raising; the one-line error says it
    try:
        model = torch.export.load(str(path))
    except Exception as e:   # noqa: BLE001 - whatever the file is, say what it is not
        hint = " (TorchScript files are not supported: save the model with torch.export.save)" \
            if path.suffix in (".pt", ".pth", ".ts") else ""
        raise SpecError(f"{src}: not a torch.export program: {type(e).__name__}: {str(e)[:200]}{hint}") from None
    finally:
        quiet.setLevel(level)
    return model, shape


def cmd_optimize(args) -> int:
    """Optimize a whole model: a torch.export program (.pt2) or an example network of sepgen.models."""
    import torch

    from ..frontend.optimize import optimize

    src = args.model
    if args.report:
        _writable_file(args.report, "report")
    model, shape = load_model_source(src, args.input_shape, args.seed)
    x = torch.randn(shape)
    print(f"sepgen optimize {src}: input {'x'.join(map(str, shape))}, target {args.target}, tolerance "
          f"{args.tolerance:g}, {args.trials} trials per kernel", flush=True)
    from ..tuning.logs import default_log_root

    _, report = optimize(model, x, target=args.target, tolerance=args.tolerance, trials=args.trials,
                         log_dir=args.log_dir or default_log_root(), seed=args.seed, progress=True,
                         max_rel_error=args.max_error, reps=args.reps, min_speedup=args.min_speedup or None,
                         whole_model=False if args.per_layer else None)
    print(report)
    if args.report:
        report.save(args.report)
        print(f"report: {args.report}")
    return 0


def cmd_tradeoff(args) -> int:
    from ..bench.tradeoff import report

    if args.json:
        _writable_file(args.json, "results")
    return report(args)


def add_parsers(sub) -> None:
    """`sepgen optimize`, `sepgen tradeoff`."""
    o = sub.add_parser("optimize", help="optimize every convolution of a model and report per layer")
    o.add_argument("model", help="a torch.export program (.pt2, from torch.export.save) or an example network: "
                                 "mobilenet_v1, mobilenet_v2, mobilenet_v3_large, efficientnet_b0, convnext_tiny, "
                                 "regnet_y_400mf, mbconv, dwunet, timeseries, hyperspectral, gaussian2d, gaussian3d")
    o.add_argument("--input-shape", type=_shape, default=None, help="example input shape, e.g. 1,3,224,224")
    o.add_argument("--per-layer", action="store_true",
                   help="swap the model's convolutions one by one (the default compiles the whole model into one "
                        "program, as `sepgen compile-model` does, and keeps it when it is faster than the original)")
    o.add_argument("--target", type=_target, default="host", help="target preset (see `sepgen targets`; default host)")
    o.add_argument("--tolerance", type=tolerance_type, default=0.0,
                   help="relative weight error a layer's factorization may have, in [0, 1) (default 0: exact only)")
    o.add_argument("--max-error", type=nonneg_float, default=None,
                   help="fail when the model's output differs more than this (default 1e-4 when exact)")
    o.add_argument("--trials", type=nonneg_int, default=0, help="MetaSchedule trials per distinct kernel (default 0: "
                                                          "replay the logs, else the templates' defaults)")
    o.add_argument("--log-dir", default=None, help="tuning-log root (default: the repo's tuning_logs/)")
    o.add_argument("--seed", type=int, default=0)
    o.add_argument("--report", default=None, help="write the per-layer report here (JSON)")
    o.add_argument("--reps", type=positive_int, default=30,
                   help="whole-model timing repetitions, each model (alternating blocks; medians)")
    o.add_argument("--min-speedup", type=nonneg_float, default=1.0,
                   help="keep a layer in PyTorch unless its sepgen kernel is this many times faster than the "
                        "PyTorch ops it replaces, timed as they run in the optimized model (default 1; "
                        "0 replaces every layer that compiles)")
    o.set_defaults(fn=cmd_optimize)

    td = sub.add_parser("tradeoff", help="accuracy vs speed of lossy factorization on a CNN trained on real digits")
    td.add_argument("--tolerances", default="0,0.05,0.1,0.2,0.3,0.45,0.6",
                    help="relative weight-error budgets to try (comma-separated)")
    td.add_argument("--epochs", type=positive_int, default=12, help="training epochs of the original CNN")
    td.add_argument("--finetune-epochs", type=nonneg_int, default=2,
                    help="fine-tune the factors of lossy settings this many epochs (0: no)")
    td.add_argument("--seed", type=int, default=0)
    td.add_argument("--reps", type=positive_int, default=20, help="timed repetitions (median reported)")
    td.add_argument("--json", default=None, help="write results here (plot and markdown table beside it)")
    td.set_defaults(fn=cmd_tradeoff)
