"""Whole-model optimization: every convolution of a PyTorch model through sepgen.

:func:`optimize` finds the convolutions of a model (module swap), records the
input shape each one sees on the example inputs, folds a BatchNorm that follows
a convolution into its weight and bias and fuses a following ReLU / ReLU6 /
SiLU into the kernel's epilogue (inference rewrites, in ``nn.Sequential``
containers), analyses each weight's rank, factorizes where it allows within
``tolerance``, tunes (``trials > 0``) or replays (``log_dir``) the kernels, and
checks the optimized model's output against the original on the example
inputs.  It returns the optimized model and a :class:`Report`.
"""
from __future__ import annotations

import copy
import os
import warnings
from typing import Optional

import torch
import torch.nn as tnn

from ..errors import SepgenError, SpecError
from .capture import _find_in_graph, _find_in_modules, _replace_all
from .report import Report
from .timing import _compare, _torch_threads, time_models_ms


class OptimizedModel(tnn.Module):
    """The optimized model: ``module`` (the user's model with sepgen layers swapped in) plus the threading
    rule it runs under.

    sepgen's kernels run on TVM's thread pool and PyTorch's ops on OpenMP's; both pools spin-wait after
    work, so when they alternate on a machine with few cores each steals the other's cores (measured:
    MobileNetV2 on 2 cores ran 2x slower than its kernels add up to).  While the optimized model runs,
    PyTorch's remaining ops (adds, pooling, the classifier) therefore use ``torch_threads`` threads (1 by
    default: they are small once the convolutions are gone); the setting is restored afterwards.
    """

    def __init__(self, module, torch_threads: Optional[int] = 1):
        super().__init__()
        self.module = module
        self.torch_threads = torch_threads

    def forward(self, *args, **kwargs):
        if torch.compiler.is_compiling():
            return self.module(*args, **kwargs)
        with _torch_threads(self.torch_threads):
            return self.module(*args, **kwargs)


def _check_options(target, tolerance, trials, reps, min_speedup, max_rel_error, torch_threads) -> None:
    """Refuse a bad option of :func:`optimize` up front (not as every layer 'kept in PyTorch' after the work)."""
    from ..analysis.weights import check_tolerance
    from ..targets.registry import get_target

    get_target(target)     # TargetError naming the known presets
    check_tolerance(tolerance)
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 0:
        raise SpecError(f"trials must be a non-negative int, got {trials!r}")
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise SpecError(f"reps must be an int >= 1, got {reps!r}")
    if min_speedup is not None and (isinstance(min_speedup, bool) or not isinstance(min_speedup, (int, float))
                                    or not min_speedup >= 0):     # inf: keep every layer in PyTorch
        raise SpecError(f"min_speedup must be a number >= 0 or None, got {min_speedup!r}")
    if max_rel_error is not None and (isinstance(max_rel_error, bool) or not isinstance(max_rel_error, (int, float))
                                      or not max_rel_error >= 0):   # inf: no limit
        raise SpecError(f"max_rel_error must be a number >= 0 or None, got {max_rel_error!r}")
    if torch_threads is not None and (isinstance(torch_threads, bool) or not isinstance(torch_threads, int)
                                      or torch_threads < 1):
        raise SpecError(f"torch_threads must be an int >= 1 or None, got {torch_threads!r}")


def optimize(model, example_inputs, target: str = "host", tolerance: float = 0.0, trials: int = 0, log_dir=None,
             fold_batchnorm: bool = True, fuse_activations: bool = True, check: bool = True, measure: bool = True,
             progress: bool = True, seed: int = 0, max_rel_error: Optional[float] = None,
             torch_threads: Optional[int] = 1, reps: int = 30, min_speedup: Optional[float] = 1.0,
             whole_model: Optional[bool] = None):
    """Optimize every convolution of ``model``; returns ``(optimized_model, report)``.

    ``model`` is an ``nn.Module`` (its convolution modules are swapped; BatchNorm and activations that
    follow them in an ``nn.Sequential`` are folded in) or a ``torch.export.ExportedProgram`` (its aten
    convolutions are replaced in the graph; a following batch_norm / relu / relu6 / silu node is folded in).
    ``model`` itself is not modified.  ``example_inputs`` is a tensor or a tuple of tensors.
    ``tolerance`` is the relative weight error each layer's factorization may have (0: exact rewrites
    only).  With ``trials`` > 0 each distinct kernel is tuned (MetaSchedule + XGBoost); with ``log_dir``
    recorded schedules are replayed.  With ``check``, the optimized model's output is compared with the
    original's; ``max_rel_error`` (default 1e-4 for exact rewrites, else none) makes a larger error an
    exception.  ``torch_threads`` is the thread count of PyTorch's own ops while the optimized model runs
    (see :class:`OptimizedModel`; None leaves it alone).  With ``measure``, every replaced layer and the
    whole model are timed against the original (medians; ``reps`` whole-model runs each, alternating), and
    a layer whose sepgen kernel is not ``min_speedup`` times faster than the PyTorch ops it replaces, timed
    as they would run in the optimized model (``torch_threads``), is left in PyTorch (``None`` or 0:
    every layer that compiles is replaced).

    The front door is whole-model compilation (``whole_model``; the default ``None`` means: whenever
    ``measure`` is on and the target is a CPU): the model becomes one program (:mod:`sepgen.frontend.whole`,
    no PyTorch op between layers), is timed against the original, and the faster is returned, with a
    :class:`~sepgen.frontend.whole.WholeModelReport` stating both times.  A model that cannot be
    captured whole falls back to the module swap described above, with a warning that says why;
    ``whole_model=False`` asks for the module swap.
    """
    _check_options(target, tolerance, trials, reps, min_speedup, max_rel_error, torch_threads)
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    if not isinstance(example_inputs, (tuple, list)) or not all(isinstance(t, torch.Tensor) for t in example_inputs):
        raise SpecError("example_inputs must be a tensor or a tuple of tensors")
    example_inputs = tuple(example_inputs)
    if whole_model is None:
        from ..targets.registry import get_target

        whole_model = bool(measure) and get_target(target).family == "cpu"
    if whole_model:
        from .whole import optimize_whole

        got, report = optimize_whole(model, example_inputs, target=target, tolerance=tolerance, trials=trials,
                                     log_dir=log_dir, progress=progress, seed=seed, reps=reps)
        if got is not None:
            return got, report
        warnings.warn(f"the model cannot be compiled whole ({report}); swapping its convolutions instead",
                      stacklevel=2)
    exported = isinstance(model, torch.export.ExportedProgram)
    if exported:
        original = model.module()
        work = model.module()
    elif isinstance(model, tnn.Module):
        original = model
        work = copy.deepcopy(model).eval()
    else:
        raise SpecError(f"optimize takes an nn.Module or a torch.export.ExportedProgram, got {type(model).__name__}")
    try:
        with torch.inference_mode():
            ref_out = (original if exported else work)(*example_inputs)
    except Exception as e:     # noqa: BLE001 - the user's model failed on the user's inputs
        raise SpecError(f"the model fails on the example inputs: {type(e).__name__}: {e}") from None
    report = Report(target=str(target))
    report.measure = measure
    report.env = {"torch": torch.__version__, "torch_threads_eager": torch.get_num_threads(),
                  "torch_threads_optimized": torch_threads, "tvm_threads": os.environ.get("TVM_NUM_THREADS"),
                  "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "libgomp default"),
                  "loadavg_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    if exported:
        found = _find_in_graph(work, example_inputs, fold_batchnorm, fuse_activations)
    else:
        found = _find_in_modules(work, example_inputs, fold_batchnorm, fuse_activations)
    opts = dict(tolerance=tolerance, target=target, trials=trials, log_dir=log_dir, seed=seed,
                progress=progress and trials > 0)
    _replace_all(found, report, opts, progress, min_speedup if measure else None, torch_threads)
    if exported:
        work.graph.lint()
        work.recompile()
    if not any(r.status == "optimized" for r in report.layers):
        # nothing of sepgen runs in it: the model is the original, and so is its threading (a different
        # thread count alone made an unchanged model report 1.72x or 0.67x)
        torch_threads = None
        report.env["torch_threads_optimized"] = None
    model_out = OptimizedModel(work, torch_threads)
    if check:
        with torch.inference_mode():
            out = model_out(*example_inputs)
        report.max_rel_error, report.top1_match = _compare(ref_out, out)
        limit = max_rel_error if max_rel_error is not None else (1e-4 if tolerance == 0 else None)
        if limit is not None and not report.max_rel_error <= limit:
            raise SepgenError(f"the optimized model differs from the original by {report.max_rel_error:.3g} "
                              f"(relative, max), more than {limit:g}")
    if measure:
        if exported:        # an exported program's module is already in inference form (no .eval())
            report.before_ms, report.after_ms = time_models_ms(original, model_out, example_inputs, reps)
        else:
            was_training = original.training
            report.before_ms, report.after_ms = time_models_ms(original.eval(), model_out, example_inputs, reps)
            original.train(was_training)
    return model_out, report
