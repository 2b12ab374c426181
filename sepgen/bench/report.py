"""Benchmark output: the text table and the plot of a suite run."""
from __future__ import annotations

import numpy as np

from .peers import _peer_rank

# ---- output ------------------------------------------------------------------------------------

def _peer_names(rows) -> list[str]:
    names = {n for r in rows for n in r["peers"]}
    return sorted(names, key=lambda n: (_peer_rank(n), n))


def format_table(result: dict) -> str:
    rows = result["rows"]
    names = _peer_names(rows)
    m = result["machine"]
    head = [f"sepgen bench {result['suite']}: {m.get('cpu_model')} ({m.get('llvm_cpu')}, {m.get('cores')} cores), "
            f"{m.get('threads')} threads (torch {m.get('torch_threads')}, tvm {m.get('tvm_threads')}; OpenMP wait "
            f"{str(m.get('omp_wait_policy', '?')).split(' ')[0]}), "
            f"median of {result['reps']} alternating rounds, microseconds; (x) = peer / sepgen, > 1: sepgen faster"]
    cols = ["workload", "plan", "sepgen"] + names + ["roofline", "max_rel_err", "tuned"]
    table = []
    for r in rows:
        cells = [r["name"], r["plan"], f"{r['sepgen_us']:.1f}"]
        for n in names:
            us = r["peers"].get(n)
            cells.append(f"{us:.1f} ({us / r['sepgen_us']:.2f}x)" if us is not None else "-")
        cells += [f"{r['roofline_us']:.1f}", f"{r['max_rel_err']:.1e}", "yes" if r["tuned"] else "no"]
        table.append(cells)
    widths = [max(len(c), *(len(t[i]) for t in table)) if table else len(c) for i, c in enumerate(cols)]
    fmt = lambda cells: "  ".join(c.ljust(wd) if i < 2 else c.rjust(wd)  # noqa: E731
                                  for i, (c, wd) in enumerate(zip(cells, widths)))
    load = m.get("loadavg_1min_start")
    if load is not None and load > 1.5:
        head.append(f"warning: load average {load:.1f} on {m.get('cores')} cores before the run: other processes "
                    f"were using the CPU, timings are unreliable")
    lines = head + [fmt(cols), fmt(["-" * wd for wd in widths])] + [fmt(t) for t in table]
    gm = result["geomean_speedup"]
    if gm:
        counts = {n: sum(1 for r in rows if n in r["peers"]) for n in gm}
        lines.append("geomean speedup of sepgen (peer / sepgen): " +
                     ", ".join(f"{n} {v:.2f}x ({counts[n]} row{'s' if counts[n] != 1 else ''})" for n, v in gm.items()))
    miss = {}
    for r in rows:
        for n, why in r["missing_peers"].items():
            if n == "metaschedule" or why.startswith(("too slow", "the weight is not", "the kernel is not")) \
                    or "not installed" in why:
                miss.setdefault(n, []).append(f"{r['name']}: {why}")
    for n, items in miss.items():
        lines.append(f"missing {n}: " + ("; ".join(items) if len(items) <= 2 else f"{items[0]} (and {len(items) - 1} more)"))
    for e in result.get("errors", []):
        lines.append(f"FAILED {e['name']}: {e['error']}")
    untuned = [r["name"] for r in rows if not r["tuned"]]
    if untuned:
        lines.append(f"untuned (template default knobs, no matching tuning record): {', '.join(untuned)}")
    return "\n".join(lines)


def write_plot(result: dict, path) -> None:
    """Grouped bars (log scale): sepgen and each peer per workload, roofline as a tick."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    rows = result["rows"]
    names = ["sepgen"] + _peer_names(rows)
    n = len(rows)
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * n + 2), 4.8))
    xs = np.arange(n)
    for j, name in enumerate(names):
        vals = [r["sepgen_us"] if name == "sepgen" else r["peers"].get(name, np.nan) for r in rows]
        ax.bar(xs - 0.4 + width * (j + 0.5), vals, width, label=name)
    for i, r in enumerate(rows):
        ax.hlines(r["roofline_us"], i - 0.42, i + 0.42, colors="black", linestyles="dashed", linewidth=1,
                  label="roofline" if i == 0 else None)
    ax.set_yscale("log")
    ax.set_ylabel("latency (us, log scale)")
    ax.set_xticks(xs)
    ax.set_xticklabels([r["name"] for r in rows], rotation=30, ha="right", fontsize=8)
    m = result["machine"]
    ax.set_title(f"sepgen bench {result['suite']} - {m.get('cpu_model')}, {m.get('threads')} threads", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(axis="y", which="both", alpha=0.3)
    ax.set_axisbelow(True)
    fig.tight_layout()
    fig.savefig(str(path), dpi=110, format="png", bbox_inches="tight")
    plt.close(fig)
