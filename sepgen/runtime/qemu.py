"""Running aarch64 code on this machine under QEMU (user mode): a correctness check, never a timing.

:func:`run_under_qemu` runs an op compiled for an aarch64 Linux preset (or an
artifact directory built for one) under ``qemu-aarch64-static`` and returns
its output: a correctness check on an x86 machine.  Emulated timings say
nothing about ARM performance; nothing here measures or reports them.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Optional

import numpy as np

from ..errors import ArtifactError, TargetError, TensorError
from ..targets.arm import DEFAULT_CORES, LINUX_TRIPLE, is_arm_linux

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
    """A runner script: buffers in files, calls, saves (see sepgen/targets/qemu/runner.c)."""

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
    from ..ir.serialize import plan_from_dict
    from .artifact import MODULE_FILE, PARAMS_FILE, read_manifest, sha256_file

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

    ``op`` is a :class:`~sepgen.runtime.compiled.CompiledConv` compiled for an aarch64
    Linux preset (its kernel object is linked statically with the runner), or
    the path of an artifact directory built for one (its ``kernels.so``, as
    linked by ``aarch64-linux-gnu-g++``, is loaded by the runner).  Parallel
    loops run on ``threads`` threads (default: the target's ``num_cores``).
    FFT stages run on this machine with ``torch.fft``.  With
    ``return_stats=True`` returns ``(y, stats)`` where ``stats`` lists one
    :class:`sepgen.targets.qemu.RunStats` per emulated run.  For correctness only:
    emulated timings say nothing about ARM performance.
    """
    import torch

    from ..targets import qemu as _qemu

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


def _emulate(stages, params: dict, x: np.ndarray, dtype: str, threads: int, *, module=None, lib=None,
             timeout: float = 600, workdir=None):
    """Run ``stages`` ((index, stage) pairs; TVM functions ``stage<index>``) from ``module`` (linked
    statically with the runner) or ``lib`` (a kernels.so the runner dlopens); FFT stages on the host."""
    import shutil

    import torch

    from ..ir.stages import FFTConv, stage_param_names
    from ..targets import qemu as _qemu
    from .fft import fft_conv

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
