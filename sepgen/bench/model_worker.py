"""One runtime timing one model, in its own process (see :mod:`sepgen.bench.models`).

``python -m sepgen.bench.model_worker RUNTIME MODEL DIR REPS THREADS SEED`` loads what the parent
prepared in ``DIR`` (``x.npy``, ``model.onnx``, ``sepgen/``), warms up, times ``REPS`` calls, saves
the output to ``DIR/out_<RUNTIME>.npy`` and prints one JSON line: ``{"median_us": ..., ...}``.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def _torch_model(name: str, seed: int):
    import torch

    from ..frontend.models import EXAMPLES

    ctor, _ = EXAMPLES[name]
    torch.manual_seed(seed)
    return ctor().eval()


def make_runner(runtime: str, name: str, d: Path, threads: int, seed: int):
    """A zero-argument callable running the model once, and a function returning its output as numpy."""
    import numpy as np

    x_np = np.load(d / "x.npy")
    if runtime in ("eager", "torch.compile"):
        import torch

        torch.set_num_threads(threads)
        model = _torch_model(name, seed)
        x = torch.from_numpy(x_np)
        if runtime == "torch.compile":
            model = torch.compile(model)
        state = {}

        def run():
            with torch.no_grad():
                state["y"] = model(x)
        return run, lambda: state["y"].numpy()
    if runtime == "onnxruntime":
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        sess = ort.InferenceSession(str(d / "model.onnx"), so, providers=["CPUExecutionProvider"])
        state = {}

        def run():
            state["y"] = sess.run(None, {"x": x_np})[0]
        return run, lambda: state["y"]
    if runtime == "openvino":
        import openvino as ov

        core = ov.Core()
        compiled = core.compile_model(str(d / "model.onnx"), "CPU", {"PERFORMANCE_HINT": "LATENCY",
                                                                     "INFERENCE_NUM_THREADS": threads,
                                                                     "INFERENCE_PRECISION_HINT": "f32"})
        req = compiled.create_infer_request()
        state = {}

        def run():
            state["y"] = req.infer({0: x_np})[compiled.output(0)]
        return run, lambda: np.asarray(state["y"])
    if runtime == "sepgen":
        import torch

        from ..graph.program import load_model

        prog = load_model(d / "sepgen")
        x = torch.from_numpy(x_np)
        state = {}

        def run():
            state["y"] = prog(x)
        return run, lambda: state["y"].numpy()
    raise SystemExit(f"unknown runtime {runtime!r}")


def main(argv=None) -> int:
    import numpy as np

    runtime, name, d, reps, threads, seed = (argv or sys.argv[1:])[:6]
    d, reps, threads, seed = Path(d), int(reps), int(threads), int(seed)
    t0 = time.perf_counter()
    run, output = make_runner(runtime, name, d, threads, seed)
    run()                                   # torch.compile compiles here
    setup_s = time.perf_counter() - t0
    for _ in range(max(10, reps // 10)):
        run()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        run()
        ts.append(time.perf_counter() - t)
    np.save(d / f"out_{runtime}.npy", np.asarray(output()))
    ts.sort()
    print(json.dumps({"runtime": runtime, "model": name, "median_us": statistics.median(ts) * 1e6,
                      "p10_us": ts[len(ts) // 10] * 1e6, "p90_us": ts[(9 * len(ts)) // 10] * 1e6,
                      "setup_s": setup_s}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
