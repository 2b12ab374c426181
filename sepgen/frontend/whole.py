"""``sepgen.optimize(..., whole_model=True)``: the model compiled as one program, returned only when faster.

The program (:func:`sepgen.graph.compile.compile_model`) and the original model are timed on the
example inputs in the same process, alternating rounds of calls (medians), PyTorch at the program's
thread count; the faster one is returned and the report states both times.  A model that
``torch.export`` or Relax cannot take is left to the module-swap path, and the report says why.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Optional

import torch
from torch import nn

from ..errors import GraphError


class CompiledModel(nn.Module):
    """A compiled program as an ``nn.Module`` (inference only: its weights are inside the program)."""

    def __init__(self, program):
        super().__init__()
        self.program = program
        # registered here, not while torch.compile traces (Dynamo does not trace op registration)
        self._op = program.torch_op() if len(program.outputs) == 1 and program.runnable else None

    def forward(self, *inputs):
        if self._op is not None and torch.compiler.is_compiling():   # one opaque node for torch.compile
            return self._op(list(inputs))
        return self.program(*inputs)

    def save(self, path):
        return self.program.save(path)


@dataclass
class WholeModelReport:
    path: str                          #: "program", "original" or "module swap"
    program_ms: Optional[float] = None
    eager_ms: Optional[float] = None
    compile_report: object = None
    notes: list = field(default_factory=list)

    def save(self, path) -> None:
        import json
        from pathlib import Path

        d = {"path": self.path, "program_ms": self.program_ms, "eager_ms": self.eager_ms, "notes": list(self.notes),
             "compile": self.compile_report.to_dict() if self.compile_report is not None else None}
        Path(path).write_text(json.dumps(d, indent=2) + "\n")

    def __str__(self) -> str:
        lines = []
        if self.compile_report is not None:
            lines.append(self.compile_report.format())
        if self.program_ms is not None:
            lines.append(f"whole model: compiled program {self.program_ms:.2f} ms, PyTorch eager {self.eager_ms:.2f} ms "
                         f"({self.eager_ms / self.program_ms:.2f}x)")
        lines.append(f"returned: {self.path}")
        lines.extend(self.notes)
        return "\n".join(lines)


def _median_ms(fn, inputs, reps: int) -> float:
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn(*inputs)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts) * 1e3


def optimize_whole(model, example_inputs, target="host", tolerance: float = 0.0, trials: int = 0, log_dir=None,
                   progress: bool = False, seed: int = 0, reps: int = 30, rounds: int = 3):
    """``(model or CompiledModel, WholeModelReport)``, or ``(None, reason)`` when the model cannot be compiled
    whole (the caller falls back to swapping modules)."""
    from ..graph.compile import compile_model

    try:
        prog = compile_model(model, example_inputs, target=target, tolerance=tolerance, trials=trials,
                             log_dir=log_dir, progress=progress, seed=seed)
    except GraphError as e:
        return None, str(e)
    report = WholeModelReport("program", compile_report=prog.report)
    if not prog.runnable:
        report.notes.append(f"compiled for {prog.target.name}: not timed here")
        return CompiledModel(prog), report
    net = model.module() if isinstance(model, torch.export.ExportedProgram) else model
    threads = torch.get_num_threads()
    torch.set_num_threads(int(prog.target.num_cores))
    try:
        with torch.no_grad():
            for _ in range(3):
                net(*example_inputs)
                prog(*example_inputs)
            eager, ours = [], []
            for _ in range(rounds):
                eager.append(_median_ms(net, example_inputs, reps))
                ours.append(_median_ms(prog, example_inputs, reps))
    finally:
        torch.set_num_threads(threads)
    report.eager_ms, report.program_ms = statistics.median(eager), statistics.median(ours)
    if report.program_ms >= report.eager_ms:
        report.path = "original"
        report.notes.append("the compiled program was not faster than the original model on the example inputs; "
                            "the original is returned")
        return model, report
    return CompiledModel(prog), report
