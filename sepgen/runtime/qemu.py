"""ARM (aarch64) CPU targets: presets, and running cross-compiled kernels under QEMU.

Presets (family ``cpu``, arch ``aarch64``, NEON, 128-bit vectors, so the CPU
templates tile for 4 float32 lanes):

================  ==========================  ==================================  =====
preset            LLVM triple / mcpu          typical machine                     cores
================  ==========================  ==================================  =====
``aarch64``       aarch64-linux-gnu, generic  any ARMv8-A Linux board             4
``cortex-a53``    aarch64-linux-gnu           Raspberry Pi 3, Zero 2 W            4
``cortex-a72``    aarch64-linux-gnu           Raspberry Pi 4 (BCM2711)            4
``cortex-a76``    aarch64-linux-gnu           Raspberry Pi 5 (BCM2712)            4
``neoverse-n1``   aarch64-linux-gnu           AWS Graviton2, Ampere Altra         4
``neoverse-v1``   aarch64-linux-gnu           AWS Graviton3                       4
``apple-m1``      arm64-apple-darwin          Apple M1 (and later) Macs           4
================  ==========================  ==================================  =====

``num_cores`` is the number of tasks a parallel loop is split into and part of
the tuning-log key (``aarch64-cortex-a72-4c-neon``).  4 matches every
Raspberry Pi and a 4-vCPU cloud instance (c6g.xlarge / c7g.xlarge); on a bigger
instance make your own preset, e.g. ``sepgen.arm.preset("neoverse-n1",
num_cores=16)``, and pass it as ``target=``.  For Apple M1 it is the 4
performance cores (the efficiency cores would be the stragglers of an evenly
split loop).

Apple targets compile here (the kernels' Mach-O object, :func:`sepgen.cross.write_object`),
but their dylib can only be linked on the Mac: build artifacts natively there.

:func:`run_under_qemu` runs an op compiled for an aarch64 Linux preset (or an
artifact directory built for one) under ``qemu-aarch64-static`` and returns
its output: a correctness check on an x86 machine.  Emulated timings say
nothing about ARM performance; nothing here measures or reports them.
"""
from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Optional

import numpy as np

from .errors import ArtifactError, TargetError, TensorError
from .targets import PRESETS_EXTRA, TargetPreset

LINUX_TRIPLE = "aarch64-linux-gnu"
DEFAULT_CORES = 4


def _arm(name: str, mcpu: str, desc: str, cores: int = DEFAULT_CORES, triple: str = LINUX_TRIPLE) -> TargetPreset:
    return TargetPreset(name, "cpu", "aarch64", mcpu=mcpu, mtriple=triple, mattr=("+neon",), num_cores=cores,
                        vector_bits=128, description=desc)


ARM_PRESETS: dict[str, TargetPreset] = {
    "aarch64": _arm("aarch64", "", "generic ARMv8-A with NEON (any aarch64 Linux board), 4 cores"),
    "cortex-a53": _arm("cortex-a53", "cortex-a53", "Cortex-A53: Raspberry Pi 3 / Zero 2 W, 4 cores"),
    "cortex-a72": _arm("cortex-a72", "cortex-a72", "Cortex-A72: Raspberry Pi 4, 4 cores"),
    "cortex-a76": _arm("cortex-a76", "cortex-a76", "Cortex-A76: Raspberry Pi 5, 4 cores"),
    "neoverse-n1": _arm("neoverse-n1", "neoverse-n1", "Neoverse N1: AWS Graviton2 / Ampere Altra, 4 cores"),
    "neoverse-v1": _arm("neoverse-v1", "neoverse-v1", "Neoverse V1: AWS Graviton3, 4 cores"),
    "apple-m1": _arm("apple-m1", "apple-m1", "Apple M1 (macOS arm64), 4 performance cores; "
                     "the dylib is built natively on the Mac", triple="arm64-apple-darwin"),
}
PRESETS_EXTRA.update(ARM_PRESETS)


def preset(name: str, **changes) -> TargetPreset:
    """An ARM preset with some fields changed (``num_cores=16``); its tuning-log key changes with them."""
    try:
        base = ARM_PRESETS[name]
    except KeyError:
        raise TargetError(f"unknown ARM preset {name!r}; known: {', '.join(ARM_PRESETS)}") from None
    try:
        return dataclasses.replace(base, **changes)
    except TypeError as e:
        raise TargetError(f"cannot change {name}: {e}") from None


def is_arm_linux(target) -> bool:
    return (getattr(target, "family", "") == "cpu" and target.arch == "aarch64"
            and "linux" in (target.mtriple or LINUX_TRIPLE))


def qemu_unavailable_reason() -> str:
    """Why :func:`run_under_qemu` cannot run on this machine ("" when it can)."""
    from . import _qemu

    return _qemu.unavailable_reason()


# ---- running under QEMU ------------------------------------------------------------------------

def _to_numpy(x, shape, dtype: str) -> np.ndarray:
    try:
        import torch

        if isinstance(x, torch.Tensor):
            x = x.detach().cpu().numpy()
    except ImportError:  # pragma: no cover
        pass
    arr = np.asarray(x)
    if tuple(arr.shape) != tuple(shape):
        raise TensorError(f"input has shape {tuple(arr.shape)}, this kernel was compiled for {tuple(shape)}")
    if arr.dtype != np.dtype(dtype):
        raise TensorError(f"input has dtype {arr.dtype}, this kernel was compiled for {dtype}")
    return np.ascontiguousarray(arr)


class _Script:
    """A runner script: buffers in files, calls, saves (see sepgen/_qemu/runner.c)."""

    def __init__(self, d: Path, threads: int):
        self.d = d
        self.lines = [f"threads {int(threads)}"]
        self.n = 0

    def buf(self, arr: Optional[np.ndarray], shape, dtype: str) -> int:
        i = self.n
        self.n += 1
        dims = " ".join(str(int(s)) for s in shape)
        if arr is None:
            self.lines.append(f"buf {i} {dtype} {len(shape)} {dims} zero")
        else:
            np.ascontiguousarray(arr, dtype=dtype).tofile(self.d / f"b{i}.bin")
            self.lines.append(f"buf {i} {dtype} {len(shape)} {dims} load b{i}.bin")
        return i

    def write(self) -> Path:
        p = self.d / "script.txt"
        p.write_text("\n".join(self.lines) + "\n")
        return p


def _load_foreign_artifact(path: Path):
    """(plan, target dict, kernels.so path or None) of an artifact built for aarch64 Linux, after its checks."""
    from .artifact import MODULE_FILE, PARAMS_FILE, read_manifest, sha256_file
    from .stages import plan_from_dict

    m = read_manifest(path)
    for name, digest in m["files"].items():
        f = path / name
        if not f.is_file():
            raise ArtifactError(f"{path}: file {name} named in the manifest is missing")
        if sha256_file(f) != digest:
            raise ArtifactError(f"{path}: {name} does not match the manifest's sha256; refusing a modified artifact")
    t = m["target"]
    if t.get("arch") != "aarch64" or "linux" not in str(t.get("mtriple") or LINUX_TRIPLE):
        raise TargetError(f"{path} was built for {t.get('arch')} ({t.get('name')}); run_under_qemu runs aarch64 "
                          f"Linux artifacts")
    with np.load(path / PARAMS_FILE, allow_pickle=False) as z:
        params = {k: z[k] for k in z.files}
    plan = plan_from_dict(m["plan"], params)
    lib = path / MODULE_FILE if MODULE_FILE in m["files"] else None
    return plan, t, lib


def run_under_qemu(op, x, *, threads: Optional[int] = None, return_stats: bool = False, timeout: float = 600,
                   workdir=None):
    """Run ``op`` on ``x`` under ``qemu-aarch64-static`` and return the output as a torch tensor.

    ``op`` is a :class:`~sepgen.runtime.CompiledConv` compiled for an aarch64
    Linux preset (its kernel object is linked statically with the runner), or
    the path of an artifact directory built for one (its ``kernels.so``, as
    linked by ``aarch64-linux-gnu-g++``, is loaded by the runner).  Parallel
    loops run on ``threads`` threads (default: the target's ``num_cores``).
    FFT stages run on this machine with ``torch.fft``.  With
    ``return_stats=True`` returns ``(y, stats)`` where ``stats`` lists one
    :class:`sepgen._qemu.RunStats` per emulated run.  For correctness only:
    emulated timings say nothing about ARM performance.
    """
    import torch

    from . import _qemu

    _qemu.require_tools()
    lib = module = None
    if isinstance(op, (str, Path)):
        plan, tdict, lib = _load_foreign_artifact(Path(op))
        cores = int(tdict.get("num_cores", DEFAULT_CORES))
    else:
        plan, target = op.plan, op.target
        if not is_arm_linux(target):
            raise TargetError(f"op is compiled for {target.name} ({target.arch}); run_under_qemu runs aarch64 "
                              f"Linux code (an ARM preset such as cortex-a72)")
        if getattr(op, "_module_bytes", None) is not None:
            raise TargetError("a loaded artifact cannot be re-linked; pass the artifact directory instead")
        cores, module = target.num_cores, op.module
    spec = plan.spec
    xin = _to_numpy(x, spec.input_shape, spec.dtype)
    y, stats = _emulate(list(enumerate(plan.stages)), plan.params, xin, spec.dtype, int(threads or cores or 1),
                        module=module, lib=lib, timeout=timeout, workdir=workdir)
    y = torch.from_numpy(np.ascontiguousarray(y))
    return (y, stats) if return_stats else y


def run_stage_under_qemu(stage, x, params: dict, target="cortex-a72", dtype: Optional[str] = None,
                         threads: Optional[int] = None, return_stats: bool = False, timeout: float = 600,
                         log_dir=None):
    """One stage of a plan, built for ``target`` and run under QEMU.

    Built with the template's default knobs, or with ``log_dir`` the best
    record of that tuning log (TargetError when it has none that applies).
    ``x`` and ``params`` (name -> array, the stage's parameter names) are numpy
    arrays; returns the output as a numpy array (and the run statistics with
    ``return_stats=True``).  Checks templates and tuning logs stage by stage;
    correctness only.
    """
    from . import _qemu
    from .build import ScheduledStage, build_module, schedule_stage
    from .targets import get_target

    _qemu.require_tools()
    tgt = get_target(target)
    if not is_arm_linux(tgt):
        raise TargetError(f"{tgt.name} is not an aarch64 Linux target")
    dtype = dtype or str(np.asarray(x).dtype)
    if log_dir is not None:
        from .logs import LogDir
        from .tune import make_replay

        replay, notes = make_replay(LogDir(log_dir), dtype)
        got = replay(0, stage, tgt)
        if got is None:
            raise TargetError(f"no usable tuning record for {stage.describe()} on {tgt.name} in {log_dir}: "
                              f"{'; '.join(notes)}")
        lowered, mod, source = got
        scheduled = ScheduledStage(0, stage, lowered, mod["main"], source)
    else:
        lowered, sch = schedule_stage(stage, dtype, tgt)
        scheduled = ScheduledStage(0, stage, lowered, sch.mod["main"])
    ex = build_module([scheduled], tgt)
    xin = _to_numpy(x, stage.in_shape, dtype)
    y, stats = _emulate([(0, stage)], params, xin, dtype, int(threads or tgt.num_cores), module=ex.mod,
                        timeout=timeout)
    return (y, stats) if return_stats else y


def _emulate(stages, params: dict, x: np.ndarray, dtype: str, threads: int, *, module=None, lib=None,
             timeout: float = 600, workdir=None):
    """Run ``stages`` ((index, stage) pairs; TVM functions ``stage<index>``) from ``module`` (linked
    statically with the runner) or ``lib`` (a kernels.so the runner dlopens); FFT stages on the host."""
    import shutil

    import torch

    from . import _qemu
    from .lowering import stage_param_names
    from .runtime import fft_conv
    from .stages import FFTConv

    tvm_idx = [i for i, st in stages if not isinstance(st, FFTConv)]
    all_stats = []
    with tempfile.TemporaryDirectory(prefix="sepgen-qemu-", dir=workdir) as tmp:
        d = Path(tmp)
        exe, dynamic = None, False
        if tvm_idx:
            if lib is not None:
                shutil.copyfile(lib, d / "kernels.so")
                exe, dynamic = _qemu.dynamic_runner(), True
            else:
                if module is None:
                    raise TargetError("the plan has TVM stages but no compiled module")
                obj = d / "kernels.o"
                module.write_to_file(str(obj))
                exe = _qemu.link_static(obj, [f"stage{i}" for i in tvm_idx], d / "runner")
        cur = x
        k = 0
        while k < len(stages):
            i, st = stages[k]
            if isinstance(st, FFTConv):
                w = torch.from_numpy(np.asarray(params[st.weight], dtype=dtype))
                b = torch.from_numpy(np.asarray(params[st.bias], dtype=dtype)) if st.bias else None
                cur = fft_conv(torch.from_numpy(np.ascontiguousarray(cur)), w, b, st.geom).numpy()
                k += 1
                continue
            # a run of TVM stages: one emulated process; intermediates stay in its memory
            run_dir = d / f"run{k}"
            run_dir.mkdir()
            sc = _Script(run_dir, threads)
            if dynamic:
                sc.lines.append("lib ../kernels.so")   # relative: the runner reads paths without spaces
            cur_id = sc.buf(cur, cur.shape, dtype)
            param_ids: dict[str, int] = {}
            out_shape = cur.shape
            while k < len(stages) and not isinstance(stages[k][1], FFTConv):
                i, s = stages[k]
                ids = [cur_id]
                for p in stage_param_names(s):
                    if p not in param_ids:
                        arr = np.asarray(params[p], dtype=dtype)
                        param_ids[p] = sc.buf(arr, arr.shape, dtype)
                    ids.append(param_ids[p])
                out_id = sc.buf(None, s.out_shape, dtype)
                ids.append(out_id)
                sc.lines.append(f"call stage{i} {len(ids)} {' '.join(map(str, ids))}")
                cur_id, out_shape = out_id, s.out_shape
                k += 1
            sc.lines.append(f"save {cur_id} out.bin")
            all_stats.append(_qemu.run(exe, sc.write(), run_dir, dynamic=dynamic, timeout=timeout))
            cur = np.fromfile(run_dir / "out.bin", dtype=dtype).reshape(out_shape)
    return cur, all_stats


__all__ = ["ARM_PRESETS", "preset", "run_under_qemu", "run_stage_under_qemu", "qemu_unavailable_reason",
           "is_arm_linux"]
