"""The accuracy-for-speed trade-off of lossy factorization, measured on a real dataset.

A small CNN is trained on scikit-learn's handwritten digits (1797 real 8x8
scans, shipped with the package, upsampled to 32x32 so the convolutions have
work to do).  Its dense convolutions are then factorized by
:func:`sepgen.optimize` at increasing tolerances (relative weight error per
layer: 0 keeps exact rewrites only; larger values let the separable and
depthwise + pointwise passes truncate the rank).  For every setting the test
accuracy and the measured latency of the test-set batch are reported, with
the per-layer plans and weight errors, as a table, JSON and a plot::

    sepgen tradeoff --json bench_results/tradeoff.json    # writes tradeoff.png beside it
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

DEFAULT_TOLERANCES = (0.0, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6)


class DigitsCNN(nn.Module):
    """Three 5x5 dense convolutions (the ones factorization targets) and a linear classifier."""

    def __init__(self, width=32):
        super().__init__()
        self.c1 = nn.Conv2d(1, width, 5, padding=2)
        self.c2 = nn.Conv2d(width, width, 5, padding=2)
        self.c3 = nn.Conv2d(width, 2 * width, 5, padding=2)
        self.fc = nn.Linear(2 * width, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.relu(self.c3(x))
        return self.fc(x.mean((2, 3)))


def load_digits(size: int = 32, seed: int = 0):
    """(x_train, y_train, x_test, y_test): scikit-learn's digits, scaled to [0, 1], resized to size x size."""
    try:
        from sklearn.datasets import load_digits as sk_digits
    except ImportError:   # pragma: no cover - in the bench/test extras
        from ..errors import SepgenError

        raise SepgenError("the trade-off study needs scikit-learn: pip install 'sepgen[bench]'") from None
    d = sk_digits()
    x = torch.tensor(d.images, dtype=torch.float32).unsqueeze(1) / 16.0
    x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    y = torch.tensor(d.target)
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(len(y), generator=g)
    n_test = len(y) // 5
    te, tr = perm[:n_test], perm[n_test:]
    return x[tr], y[tr], x[te], y[te]


def train(model, x, y, epochs: int = 12, seed: int = 0, lr: float = 3e-3):
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(y))
        for i in range(0, len(y), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
    return model.eval()


def accuracy(model, x, y) -> float:
    with torch.inference_mode():
        return float((model(x).argmax(1) == y).double().mean())


def run(tolerances=DEFAULT_TOLERANCES, epochs: int = 12, seed: int = 0, reps: int = 20, width: int = 32,
        target: str = "host", progress: bool = True, finetune_epochs: int = 2) -> dict:
    """Train once, then optimize at each tolerance; returns the results as plain data."""
    from ..frontend.optimize import optimize
    from ..frontend.timing import time_model_ms, time_models_ms

    xtr, ytr, xte, yte = load_digits(seed=seed)
    t0 = time.perf_counter()
    model = train(DigitsCNN(width), xtr, ytr, epochs=epochs, seed=seed)
    base_acc = accuracy(model, xte, yte)
    if progress:
        print(f"trained DigitsCNN on {len(ytr)} digits in {time.perf_counter() - t0:.0f} s: test accuracy "
              f"{base_acc:.2%} on {len(yte)}", file=sys.stderr, flush=True)
    base_ms = time_model_ms(model, (xte,), reps=reps)
    rows = [{"setting": "PyTorch eager (original)", "tolerance": None, "accuracy": base_acc, "latency_ms": base_ms,
             "speedup": 1.0, "layers": []}]
    for tol in tolerances:
        om, rep = optimize(model, xte, target=target, tolerance=float(tol), progress=False, measure=False,
                           max_rel_error=float("inf"))
        acc = accuracy(om, xte, yte)
        base_ms_now, ms = time_models_ms(model, om, (xte,), reps=reps)   # the peer again, same round
        layers = [{"name": r.name, "plan": r.plan, "error": r.error} for r in rep.layers]
        acc_ft = None
        if finetune_epochs and any(lay["error"] > 1e-6 for lay in layers):
            # the factorized layers train their own factors (sepgen.nn + the custom op's backward)
            train(om, xtr, ytr, epochs=finetune_epochs, seed=seed, lr=1e-3)
            acc_ft = accuracy(om, xte, yte)
        rows.append({"setting": f"sepgen tolerance {tol:g}", "tolerance": float(tol), "accuracy": acc,
                     "accuracy_finetuned": acc_ft, "latency_ms": ms, "torch_ms_same_round": base_ms_now,
                     "speedup": base_ms_now / ms, "output_rel_error": rep.max_rel_error, "layers": layers})
        if progress:
            plans = ", ".join(f"{r['name']}: {r['plan']} ({r['error']:.2g})" for r in layers)
            ft = f" ({acc_ft:.2%} after {finetune_epochs} epochs of fine-tuning the factors)" if acc_ft else ""
            print(f"tolerance {tol:g}: accuracy {acc:.2%}{ft}, {ms:.2f} ms vs torch {base_ms_now:.2f} ms  [{plans}]",
                  file=sys.stderr, flush=True)
    return {"finetune_epochs": finetune_epochs, "dataset": "sklearn digits (1797 scans, 8x8 upsampled to 32x32), 20% held out",
            "model": f"DigitsCNN(width={width}): 3 dense 5x5 convs + linear", "epochs": epochs, "seed": seed,
            "batch": int(len(yte)), "threads": torch.get_num_threads(), "rows": rows}


def table(res: dict) -> str:
    lines = ["| setting | accuracy | after fine-tuning | latency (ms, test batch) | vs PyTorch (same round) | "
             "plans (weight error) |", "|---|---|---|---|---|---|"]
    for r in res["rows"]:
        plans = "; ".join(f"{lay['name']}: {lay['plan']} ({lay['error']:.2g})" for lay in r["layers"]) or "-"
        ft = f"{r['accuracy_finetuned']:.2%}" if r.get("accuracy_finetuned") is not None else "-"
        lines.append(f"| {r['setting']} | {r['accuracy']:.2%} | {ft} | {r['latency_ms']:.2f} | {r['speedup']:.2f}x | "
                     f"{plans} |")
    return "\n".join(lines)


def plot(res: dict, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in res["rows"] if r["tolerance"] is not None]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([r["speedup"] for r in rows], [100 * r["accuracy"] for r in rows], "o-", label="sepgen")
    for r in rows:
        ax.annotate(f"tol {r['tolerance']:g}", (r["speedup"], 100 * r["accuracy"]), fontsize=8,
                    xytext=(4, 4), textcoords="offset points")
    base = res["rows"][0]
    ax.axhline(100 * base["accuracy"], color="gray", ls="--", label="original accuracy")
    ax.set_xlabel("speedup over PyTorch eager (same run)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("Digits CNN: accuracy vs speed of factorized convolutions")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="sepgen tradeoff", description=__doc__.split("\n\n")[0])
    p.add_argument("--tolerances", default=",".join(f"{t:g}" for t in DEFAULT_TOLERANCES))
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--finetune-epochs", type=int, default=2,
                   help="fine-tune the factors of lossy settings this many epochs (0: no)")
    p.add_argument("--json", default=None, help="write results here; the plot goes beside it (.png)")
    args = p.parse_args(argv)
    return report(args)


def report(args) -> int:
    tols = [float(t) for t in str(args.tolerances).split(",") if t.strip()]
    res = run(tols, epochs=args.epochs, seed=args.seed, reps=args.reps, finetune_epochs=args.finetune_epochs)
    res["command"] = (f"sepgen tradeoff --tolerances {','.join(f'{t:g}' for t in tols)} --epochs {args.epochs} "
                      f"--seed {args.seed} --reps {args.reps} --finetune-epochs {args.finetune_epochs}"
                      + (f" --json {args.json}" if args.json else ""))
    print(table(res))
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, indent=1))
        plot(res, out.with_suffix(".png"))
        out.with_suffix(".md").write_text(table(res) + "\n")
        print(f"results: {out}, {out.with_suffix('.png')}, {out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["DigitsCNN", "load_digits", "train", "accuracy", "run", "table", "plot"]
