"""The per-layer report of an optimized model."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Optional


@dataclass
class LayerReport:
    name: str
    input_shape: tuple
    weight_shape: tuple
    folded: list            # what was folded/fused into the kernel: "bn", "relu6", ...
    plan: str = ""
    error: float = 0.0      # relative weight error of the plan (0 = exact rewrite)
    before_us: float = float("nan")
    after_us: float = float("nan")
    status: str = "optimized"
    torch_in_model_us: float = float("nan")   # PyTorch's ops under the optimized model's thread count

    @property
    def speedup(self) -> float:
        return self.before_us / self.after_us if self.after_us > 0 else float("nan")


@dataclass
class Report:
    layers: list = field(default_factory=list)
    max_rel_error: float = float("nan")
    top1_match: Optional[float] = None     # fraction of rows whose argmax agrees (2-D outputs only)
    before_ms: float = float("nan")        # the whole model, eager, on the example inputs
    after_ms: float = float("nan")
    target: str = "host"
    measure: bool = True
    env: dict = field(default_factory=dict)   # threads, OpenMP policy, load: what the timings ran under

    def __str__(self) -> str:
        lines = [f"{'layer':34} {'input':>20} {'plan':28} {'folded':12} {'error':>8} {'torch us':>9} "
                 f"{'sepgen us':>9} {'speedup':>7}"]
        for r in self.layers:
            lines.append(f"{r.name[:34]:34} {'x'.join(map(str, r.input_shape)):>20} {r.plan[:28]:28} "
                         f"{'+'.join(r.folded)[:12]:12} {r.error:8.2g} {r.before_us:9.1f} {r.after_us:9.1f} "
                         f"{r.speedup:6.2f}x" + ("  kept in PyTorch" if r.status.startswith("kept") else ""))
        lines.append(f"whole model: {self.before_ms:.2f} ms -> {self.after_ms:.2f} ms "
                     f"({self.before_ms / self.after_ms:.2f}x); max relative output error {self.max_rel_error:.3g}"
                     + (f"; top-1 agreement {self.top1_match:.0%}" if self.top1_match is not None else ""))
        eager, opt = self.env.get("torch_threads_eager"), self.env.get("torch_threads_optimized")
        if opt is not None and opt != eager:
            lines.append(f"(in the optimized model PyTorch's remaining ops run on {opt} thread(s), the original on "
                         f"{eager}: sepgen's kernels and PyTorch's thread pools would steal each other's cores)")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        d = asdict(self)
        for layer, r in zip(d["layers"], self.layers):
            layer["speedup"] = r.speedup
        return d

    def save(self, path) -> None:
        with open(path, "w") as f:
            json.dump(self.to_dict(), f, indent=1, default=float)
