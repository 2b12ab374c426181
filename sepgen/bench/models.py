"""``sepgen bench models``: whole models in every runtime a user would pick, each in its own process.

For every model (the architectures of :mod:`sepgen.models`, batch 1, float32) the parent process
prepares what each runtime loads: the input (``x.npy``), an ONNX export (``torch.onnx.export``,
opset 17) and sepgen's compiled program (:func:`sepgen.compile_model`, replaying ``log_dir``).  Then
each runtime runs in a fresh process (:mod:`sepgen.bench.model_worker`): their thread pools spin
after work and steal each other's cores when they share one.  Runtimes take turns, in alternating
order over the rounds; each reports the median of ``reps`` calls after warm-up; a runtime's figure
is the median over the rounds, its spread the range of the round medians.  Every runtime's output is
compared with eager's.

Besides the ratio of medians, each round gives a paired ratio (the best peer's time over sepgen's in
that round: runtimes of one round run within seconds of each other, so a machine whose speed drifts
over minutes distorts it less); ``sepgen_vs_best_peer_paired`` is their median, and
``sepgen_vs_best_peer_fastest`` the ratio of each runtime's fastest round (best of N: what each runs at
in the machine's fast phase).  A runtime whose round
medians differ by more than :data:`UNSTABLE_SPREAD` is flagged: the machine's speed changed during the
run.  Each model's FLOPs (2 x the multiply-adds of its convolutions and linear layers, counted on the
eager model) over a runtime's time, against the FMA peak measured at the start
(:func:`~sepgen.tuning.roofline.measured_peak_gflops`), is its roofline fraction.

Runtimes: ``eager`` (PyTorch), ``torch.compile`` (Inductor, default mode), ``onnxruntime`` (CPU
execution provider, all graph optimizations, ``threads`` intra-op threads), ``openvino`` (CPU,
latency hint, ``threads`` inference threads, f32 precision), ``sepgen`` (replaying ``log_dir``, by
default the committed whole-model logs, :func:`models_log_root`).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from ..errors import SpecError

MODELS = ("mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0", "convnext_tiny", "regnet_y_400mf", "mobilenet_v1")
RUNTIMES = ("eager", "torch.compile", "onnxruntime", "openvino", "sepgen")
PEERS = ("onnxruntime", "openvino")
#: a runtime whose slowest round is this much slower than its fastest is reported as unstable
UNSTABLE_SPREAD = 0.3


def model_flops(model, x) -> int:
    """2 x the multiply-adds of ``model``'s convolutions and linear layers on input ``x`` (what the
    roofline fraction counts; pooling, normalization and activations are left out)."""
    import torch

    total = [0]

    def conv(m, inp, out):
        k = 1
        for v in m.kernel_size:
            k *= v
        total[0] += 2 * out.numel() * (m.in_channels // m.groups) * k

    def linear(m, inp, out):
        total[0] += 2 * out.numel() * m.in_features

    hooks = [m.register_forward_hook(conv if isinstance(m, torch.nn.modules.conv._ConvNd) else linear)
             for m in model.modules() if isinstance(m, (torch.nn.modules.conv._ConvNd, torch.nn.Linear))]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    return total[0]


def models_log_root() -> Path:
    """The committed tuning logs of the whole models (``tuning_logs/models``): sepgen's kernels for each of
    :data:`MODELS` tuned on the machines the benchmark was run on."""
    from ..tuning.logs import default_log_root

    return default_log_root() / "models"


def _available(runtime: str) -> Optional[str]:
    """Why ``runtime`` cannot run here, or None."""
    import importlib.util

    mod = {"onnxruntime": "onnxruntime", "openvino": "openvino"}.get(runtime)
    if mod and importlib.util.find_spec(mod) is None:
        return f"{mod} is not installed (make bench installs it: pip install -e '.[bench]')"
    return None


def _build(name: str, size: int, seed: int, work: Path, runtimes, log_dir, target: str, say) -> dict:
    import numpy as np
    import torch

    from ..frontend.models import EXAMPLES
    from ..graph.compile import compile_model

    ctor, _ = EXAMPLES[name]
    torch.manual_seed(seed)
    model = ctor().eval()
    torch.manual_seed(seed + 1)
    x = torch.randn(1, 3, size, size)
    d = work / name
    d.mkdir(parents=True, exist_ok=True)
    np.save(d / "x.npy", x.numpy())
    info = {}
    with torch.no_grad():    # a model whose output ignores its input would make every error check vacuous
        y, y2 = model(x), model(torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(seed + 2)))
    info["input_sensitivity"] = float((y2 - y).abs().max() / max(float(y.abs().max()), 1e-30))
    info["gflops"] = model_flops(model, x) / 1e9
    if info["input_sensitivity"] < 1e-3:
        say(f"{name}: warning: its output hardly depends on its input (relative change "
            f"{info['input_sensitivity']:.1e} between two inputs): the error checks below say little")
    if any(r in runtimes for r in PEERS):
        say(f"{name}: exporting to ONNX ...")
        import logging

        quiet = logging.getLogger("torch.onnx")
        quiet.setLevel(logging.ERROR)
        torch.onnx.export(model, (x,), str(d / "model.onnx"), dynamo=False, opset_version=17,
                          input_names=["x"], output_names=["y"])
    if "sepgen" in runtimes:
        say(f"{name}: compiling with sepgen ...")
        t0 = time.perf_counter()
        prog = compile_model(model, (x,), target=target, log_dir=log_dir)
        info["sepgen_compile_s"] = time.perf_counter() - t0
        info["sepgen_check"] = dict(prog.report.check)
        tuned = sum(1 for l in prog.report.layers if l.source.startswith("tuned"))
        info["sepgen_layers_tuned"] = f"{tuned}/{len(prog.report.layers)}"
        if prog.runnable:
            prog.profile()   # each kernel's own time, in the report beside the program
            info["sepgen_profile"] = dict(prog.report.profile)
        info["sepgen_report"] = prog.report.format().splitlines()
        prog.save(d / "sepgen")
        (d / "sepgen_report.txt").write_text(prog.report.format() + "\n")
    return info


def _run_worker(runtime: str, name: str, d: Path, reps: int, threads: int, seed: int, timeout: float) -> dict:
    env = dict(os.environ)
    env.update({"OMP_NUM_THREADS": str(threads), "TVM_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)})
    cmd = [sys.executable, "-m", "sepgen.bench.model_worker", runtime, name, str(d), str(reps), str(threads), str(seed)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
    if r.returncode != 0 or not lines:
        tail = (r.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {r.returncode}: {tail[:300]}"}
    return json.loads(lines[-1])


def run_models(models: Sequence[str] = MODELS, runtimes: Sequence[str] = RUNTIMES, size: int = 224, reps: int = 100,
               rounds: int = 3, threads: int = 2, seed: int = 0, log_dir=None, target: str = "host",
               json_path=None, timeout: float = 900.0, progress: bool = True) -> dict:
    """Benchmark ``models`` in ``runtimes``; returns (and writes to ``json_path``) the results."""
    import numpy as np

    from ..frontend.models import EXAMPLES

    for m in models:
        if m not in EXAMPLES:
            raise SpecError(f"unknown model {m!r}; known: {', '.join(MODELS)}")
    for r in runtimes:
        if r not in RUNTIMES:
            raise SpecError(f"unknown runtime {r!r}; known: {', '.join(RUNTIMES)}")
    if rounds < 1 or reps < 1 or threads < 1 or size < 32:
        raise SpecError("rounds, reps and threads must be >= 1 and the input size >= 32")

    def say(msg):
        if progress:
            print(msg, file=sys.stderr, flush=True)

    skipped = {r: why for r in runtimes if (why := _available(r))}
    active = [r for r in runtimes if r not in skipped]
    for r, why in skipped.items():
        say(f"skipping {r}: {why}")
    from ..tuning.roofline import measured_peak_gflops

    say("measuring the FMA peak ...")
    peak = measured_peak_gflops()
    results = {"machine": _machine(threads), "size": size, "reps": reps, "rounds": rounds, "threads": threads,
               "peak_gflops": peak, "runtimes": list(active), "skipped": skipped, "models": {}}
    with tempfile.TemporaryDirectory(prefix="sepgen-bench-models-") as tmp:
        work = Path(tmp)
        for name in models:
            info = _build(name, size, seed, work, active, log_dir, target, say)
            d = work / name
            rounds_us: dict[str, list] = {r: [] for r in active}
            errors: dict[str, str] = {}
            outs = {}
            for k in range(rounds):
                order = active if k % 2 == 0 else list(reversed(active))
                for r in order:
                    if r in errors:
                        continue
                    say(f"{name}: round {k + 1}/{rounds}: {r} ...")
                    got = _run_worker(r, name, d, reps, threads, seed, timeout)
                    if "error" in got:
                        errors[r] = got["error"]
                        say(f"  {r} failed: {got['error']}")
                        continue
                    rounds_us[r].append(got["median_us"])
                    say(f"  {r}: {got['median_us'] / 1000:.2f} ms")
                    if k == 0:
                        outs[r] = np.load(d / f"out_{r}.npy")
            row = {"info": info, "errors": errors, "runtimes": {}}
            ref = outs.get("eager")
            for r, us in rounds_us.items():
                if not us:
                    continue
                ent = {"median_ms": statistics.median(us) / 1000, "rounds_ms": [u / 1000 for u in us],
                       "spread_ms": [min(us) / 1000, max(us) / 1000]}
                if ref is not None and r in outs:
                    o = outs[r].reshape(ref.shape)
                    ent["max_rel_error_vs_eager"] = float(np.abs(o - ref).max() / max(np.abs(ref).max(), 1e-30))
                    ent["same_top1"] = bool(o.reshape(1, -1).argmax() == ref.reshape(1, -1).argmax())
                if peak:
                    ent["roofline_fraction"] = info["gflops"] / ent["median_ms"] / peak * 1e3
                if len(us) > 1 and max(us) > (1 + UNSTABLE_SPREAD) * min(us):
                    ent["unstable"] = True
                row["runtimes"][r] = ent
            s = row["runtimes"].get("sepgen")
            if s:
                row["sepgen_speedup"] = {r: v["median_ms"] / s["median_ms"] for r, v in row["runtimes"].items()
                                         if r != "sepgen"}
                best = [row["runtimes"][p]["median_ms"] for p in PEERS if p in row["runtimes"]]
                if best:
                    row["sepgen_vs_best_peer"] = min(best) / s["median_ms"]
                fastest = [min(rounds_us[p]) for p in PEERS if rounds_us.get(p)]
                if fastest and rounds_us.get("sepgen"):
                    row["sepgen_vs_best_peer_fastest"] = min(fastest) / min(rounds_us["sepgen"])
                paired = _paired_ratios(rounds_us)
                if paired:
                    row["sepgen_vs_best_peer_rounds"] = paired
                    row["sepgen_vs_best_peer_paired"] = statistics.median(paired)
            results["models"][name] = row
            if json_path:
                _write(results, json_path)
    if json_path:
        _write(results, json_path)
        _plot(results, Path(json_path).with_suffix(".png"))
    return results


def _paired_ratios(rounds_us: dict) -> list:
    """Per round, the best peer's time over sepgen's (rounds where sepgen or every peer failed are left out)."""
    out = []
    for k, s in enumerate(rounds_us.get("sepgen", [])):
        peers = [rounds_us[p][k] for p in PEERS if p in rounds_us and len(rounds_us[p]) > k]
        if peers:
            out.append(min(peers) / s)
    return out


def _write(results: dict, path) -> None:
    p = Path(path)
    tmp = p.with_name(f".{p.name}.tmp")
    tmp.write_text(json.dumps(results, indent=2) + "\n")
    os.replace(tmp, p)


def _machine(threads: int) -> dict:
    import platform

    from ..targets.registry import host_cpu

    return {"cpu": host_cpu(), "platform": platform.platform(), "threads": threads,
            "python": platform.python_version()}


def format_results(results: dict) -> str:
    rts = results["runtimes"]
    head = f"{'model':<20}" + "".join(f"{r:>15}" for r in rts) + f"{'vs best peer':>14}{'paired':>9}{'fastest':>9}"
    peak = results.get("peak_gflops")
    lines = [f"whole models, batch 1, {results['size']}x{results['size']}, float32, {results['threads']} threads, "
             f"each runtime in its own process, {results['rounds']} alternating rounds, medians of "
             f"{results['reps']} calls (ms); paired: the median of the rounds' own ratios; fastest: of the "
             f"fastest rounds", head]
    unstable = set()
    for name, row in results["models"].items():
        cells = []
        for r in rts:
            e = row["runtimes"].get(r)
            cells.append(f"{e['median_ms']:>14.2f}{'*' if e.get('unstable') else ' '}" if e else f"{'failed':>15}")
            if e and e.get("unstable"):
                unstable.add(r)
        vs = row.get("sepgen_vs_best_peer")
        pv = row.get("sepgen_vs_best_peer_paired")
        fv = row.get("sepgen_vs_best_peer_fastest")
        lines.append(f"{name:<20}" + "".join(cells) + (f"{vs:>13.2f}x" if vs else f"{'-':>14}")
                     + (f"{pv:>8.2f}x" if pv else f"{'-':>9}") + (f"{fv:>8.2f}x" if fv else f"{'-':>9}"))
        for r, why in row["errors"].items():
            lines.append(f"    {r}: {why}")
        sp = row.get("sepgen_speedup")
        if sp:
            lines.append("    sepgen speedup: " + ", ".join(f"{r} {v:.2f}x" for r, v in sp.items()))
        if peak and row["info"].get("gflops"):
            fr = [f"{r} {e['roofline_fraction']:.0%}" for r, e in row["runtimes"].items() if "roofline_fraction" in e]
            lines.append(f"    {row['info']['gflops']:.2f} GFLOP; of the {peak:.0f} GFLOP/s FMA peak: " + ", ".join(fr))
    if unstable:
        lines.append(f"* rounds differ by more than {UNSTABLE_SPREAD:.0%} ({', '.join(sorted(unstable))}): this "
                     "machine's speed changed during the run; the paired and fastest-round ratios are the "
                     "steadier figures")
    for r, why in results["skipped"].items():
        lines.append(f"skipped {r}: {why}")
    return "\n".join(lines)


def _plot(results: dict, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    names = list(results["models"])
    rts = results["runtimes"]
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(names)), 4))
    w = 0.8 / max(1, len(rts))
    for i, r in enumerate(rts):
        vals = [results["models"][n]["runtimes"].get(r, {}).get("median_ms", 0) for n in names]
        ax.bar([j + i * w for j in range(len(names))], vals, w, label=r)
    ax.set_xticks([j + 0.4 - w / 2 for j in range(len(names))], names, rotation=20)
    ax.set_ylabel("ms (median, lower is better)")
    ax.set_title(f"batch 1, {results['size']}x{results['size']}, {results['threads']} threads, one process per runtime")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
