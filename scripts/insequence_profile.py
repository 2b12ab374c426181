"""Where a compiled model's time goes when its kernels run in sequence, per kernel and per thread.

``ModelProgram.profile()`` times each kernel on its own, with warm caches; the whole program runs
slower than the sum of those times (MobileNetV3-Large here: kernels 2.45-2.65 ms alone, 3.1 ms in
sequence).  This script finds the difference with ``perf``: it compiles the model (the committed
logs), saves it, runs it in a loop in a child process, samples both threads with ``perf record``,
maps every sample inside the program's library to its kernel (``nm``), and prints

* per thread, the share of samples in the kernels, in the OS (a worker's ``sched_yield`` while it
  waits), in TVM's runtime (VM, thread pool, workspace allocations), in Python;
* per kernel, its share of the kernel samples in sequence against its share of the times alone
  (ratio > 1: slower in sequence than alone, e.g. weights read from DRAM), and the samples of the
  calling thread and of the worker (more on the caller: the worker waits for it).

Usage::

    .venv/bin/python scripts/insequence_profile.py mobilenet_v3_large [--seconds 6] [--top 25]

Needs Linux ``perf`` (``perf_event_paranoid`` <= 1, or root) and ``nm``.  Do not run it beside
anything else that uses the CPUs.
"""
from __future__ import annotations

import argparse
import bisect
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import sys, time, torch
import sepgen
from sepgen.graph.program import load_model
prog = load_model(sys.argv[1])
x = torch.randn(*prog.input_shapes[0])
for _ in range(30):
    prog(x)
print("ready", flush=True)
t0, n = time.time(), 0
while time.time() - t0 < float(sys.argv[2]):
    prog(x)
    n += 1
print(f"{(time.time() - t0) / n * 1e6:.0f}", flush=True)
"""


def _classify(dso: str) -> str:
    if dso.endswith("program.so"):
        return "kernels"
    if "kallsyms" in dso:
        return "os"
    if "tvm_runtime" in dso or "tvm_ffi" in dso:
        return "tvm runtime"
    if "python" in dso:
        return "python"
    return "other"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", help="a name in sepgen.models.EXAMPLES (e.g. mobilenet_v3_large)")
    ap.add_argument("--seconds", type=float, default=6.0, help="seconds of sampling (default 6)")
    ap.add_argument("--top", type=int, default=25, help="kernels to list (default 25)")
    ap.add_argument("--log-dir", default=str(ROOT / "tuning_logs" / "models"))
    args = ap.parse_args(argv)
    for tool in ("perf", "nm"):
        if shutil.which(tool) is None:
            sys.exit(f"insequence_profile: needs `{tool}` on PATH")

    import torch

    import sepgen
    from sepgen.frontend.models import EXAMPLES

    if args.model not in EXAMPLES:
        sys.exit(f"insequence_profile: unknown model {args.model!r}; one of {', '.join(sorted(EXAMPLES))}")
    ctor, shape = EXAMPLES[args.model]
    torch.manual_seed(0)
    model = ctor().eval()
    print(f"compiling {args.model} ...", flush=True)
    prog = sepgen.compile_model(model, (torch.randn(*shape),), log_dir=args.log_dir)
    alone = prog.profile()
    alone_total = sum(c * us for c, us in alone.values())

    with tempfile.TemporaryDirectory(prefix="sepgen-inseq-") as tmp:
        d = Path(tmp) / "prog"
        prog.save(d)
        lib = d / "program.so"
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(d), str(args.seconds + 6)],
                                 stdout=subprocess.PIPE, text=True, cwd=str(ROOT))
        if child.stdout.readline().strip() != "ready":
            sys.exit("insequence_profile: the child process did not start")
        time.sleep(1.0)
        data = Path(tmp) / "perf.data"
        rec = subprocess.run(["perf", "record", "-q", "-F", "4000", "-o", str(data), "-p", str(child.pid),
                              "--", "sleep", str(args.seconds)], capture_output=True, text=True)
        per_call = child.stdout.readline().strip()
        caller = str(child.pid)           # the child's main thread calls the program
        child.wait()
        if rec.returncode != 0 or not data.exists():
            sys.exit(f"insequence_profile: perf record failed: {rec.stderr.strip()[-300:]}")
        script = subprocess.run(["perf", "script", "-i", str(data), "--show-mmap-events", "-F", "tid,ip,dso"],
                                capture_output=True, text=True).stdout
        syms = []
        for line in subprocess.run(["nm", "-n", str(lib)], capture_output=True, text=True).stdout.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tT":
                syms.append((int(parts[0], 16), parts[2]))

    base = None
    mm = re.compile(r"\[(0x[0-9a-f]+)\((0x[0-9a-f]+)\) @ (0x[0-9a-f]+) .*r-xp .*program\.so")
    by_thread = collections.defaultdict(collections.Counter)
    by_kernel = collections.defaultdict(collections.Counter)
    addrs = [a for a, _ in syms]
    for line in script.splitlines():
        m = mm.search(line)
        if m:
            base = int(m.group(1), 16) - int(m.group(3), 16)
            continue
        parts = line.split()
        if len(parts) < 3 or not parts[0].isdigit() or parts[0] == "0":
            continue
        tid, ip, dso = parts[0], parts[1], parts[-1].strip("()")
        kind = _classify(dso)
        by_thread[tid][kind] += 1
        if kind == "kernels" and base is not None:
            i = bisect.bisect_right(addrs, int(ip, 16) - base) - 1
            name = syms[i][1].replace("__tvm_ffi_", "").replace("_compute_", "") if i >= 0 else "?"
            by_kernel[name][tid] += 1
    if not by_thread:
        sys.exit("insequence_profile: perf recorded no samples")

    # the caller and the pool's workers (threads with a few stray samples left out)
    least = 0.05 * sum(by_thread[caller].values())
    threads = sorted((t for t in by_thread if t == caller or sum(by_thread[t].values()) >= least),
                     key=lambda t: -sum(by_thread[t].values()))
    print(f"\n{args.model}: {per_call} us per call in the loop; kernels alone sum to {alone_total:.0f} us")
    kinds = ["kernels", "os", "tvm runtime", "python", "other"]
    print(f"{'thread':<14}" + "".join(f"{k:>13}" for k in kinds))
    for t in threads:
        tot = sum(by_thread[t].values())
        label = "caller" if t == caller else "worker"
        print(f"{label + ' ' + t:<14}" + "".join(f"{100 * by_thread[t][k] / tot:12.1f}%" for k in kinds))
    ktot = sum(sum(c.values()) for c in by_kernel.values())
    if not ktot:
        print("(no sample mapped to a kernel: was the library's mapping seen?)")
        return 0
    print(f"\n{'kernel':<36} {'in seq':>7} {'alone':>7} {'ratio':>6} {'caller':>8} {'worker':>8}")
    rows = []
    for name, c in by_kernel.items():
        calls, us = alone.get(name, (0, 0.0))
        share_alone = calls * us / alone_total if alone_total else 0.0
        share_seq = sum(c.values()) / ktot
        rows.append((share_seq, name, share_alone, c[caller], sum(v for t, v in c.items() if t != caller)))
    for share_seq, name, share_alone, cs, ws in sorted(rows, reverse=True)[:args.top]:
        ratio = f"{share_seq / share_alone:6.2f}" if share_alone else f"{'-':>6}"
        print(f"{name:<36} {100 * share_seq:6.1f}% {100 * share_alone:6.1f}% {ratio} {cs:8d} {ws:8d}")
    if len(threads) > 1:
        excess = sum(r[3] - r[4] for r in rows)
        print(f"\nthe caller's kernel samples exceed the worker's by {100 * excess / ktot:.1f}% of all kernel "
              f"samples (the worker waits that long, in sched_yield)")
    out = {"model": args.model, "us_per_call": per_call, "alone_us": alone_total,
           "threads": {t: dict(by_thread[t]) for t in threads},
           "kernels": {n: dict(c) for n, c in by_kernel.items()}}
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"insequence_{args.model}.json"
    path.write_text(json.dumps(out, indent=1))
    print(f"samples: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
