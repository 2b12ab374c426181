"""A compiled model: one Relax VM executable, called with torch tensors, saved and loaded with checks.

Saved layout::

    DIR/manifest.json   format, versions, target, inputs and outputs (shape, dtype), the per-layer
                        report (plan, fused ops, layout, error), sha256 of every file
    DIR/program.so      the exported executable (kernels and the VM bytecode)
    DIR/params.bin      the weights (packed for the kernels), ``tvm.runtime.save_param_dict`` format,
                        passed to ``main`` after the inputs

:func:`load_model` checks the manifest, every file's sha256, the architecture and the ISA before
it loads anything, and needs only the TVM runtime (no capture, no planning, no tuning).
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

from ..errors import ArtifactError, GraphError

FORMAT = "sepgen-model"
FORMAT_VERSION = 2          # 2: the weights in params.bin (1: constants inside program.so, still read)
READS_VERSIONS = (1, 2)
PROGRAM_FILE = "program.so"
PARAMS_FILE = "params.bin"
MANIFEST = "manifest.json"
#: custom ops registered for programs (torch's registry cannot drop them; names are unique per program)
_OPS: dict = {}


def _torch_dtype(name: str):
    import torch

    return getattr(torch, name)


class ModelProgram:
    """``y = prog(x)``: the whole model in the Relax VM (TVM's thread pool only; no PyTorch op inside)."""

    def __init__(self, module, target, input_shapes, input_dtypes, outputs, report, model_name: str = "",
                 tolerance: float = 0.0, manifest: Optional[dict] = None, library_bytes: Optional[bytes] = None,
                 params=()):
        import tvm

        self.module = module
        #: the weights, ``main``'s arguments after the inputs (TVM tensors on the CPU)
        self.params = [p if isinstance(p, tvm.runtime.Tensor) else tvm.runtime.tensor(p) for p in params]
        self.target = target
        self.input_shapes = tuple(tuple(int(v) for v in s) for s in input_shapes)
        self.input_dtypes = tuple(input_dtypes)
        self.outputs = tuple((tuple(s), d) for s, d in outputs)
        self.report = report
        self.model_name = model_name
        self.tolerance = tolerance
        self.manifest = manifest
        self._library_bytes = library_bytes
        self._vm = None
        self._main = None

    # -- running ---------------------------------------------------------------------------------
    @property
    def runnable(self) -> bool:
        from ..targets.registry import _host_arch

        return self.target.arch == _host_arch()

    def _fn(self):
        if self._main is None:
            import tvm
            from tvm import relax

            if not self.runnable:
                raise GraphError(f"this program is compiled for {self.target.name} ({self.target.arch}); "
                                 f"it cannot run on this machine")
            self._vm = relax.VirtualMachine(self.module, tvm.cpu())
            self._main = self._vm["main"]
        return self._main

    def check_inputs(self, inputs) -> list:
        import torch

        if len(inputs) != len(self.input_shapes):
            raise GraphError(f"{self.model_name or 'the program'} takes {len(self.input_shapes)} input(s), "
                             f"got {len(inputs)}")
        out = []
        for i, (x, shape, dtype) in enumerate(zip(inputs, self.input_shapes, self.input_dtypes)):
            if not isinstance(x, torch.Tensor):
                raise GraphError(f"input {i} must be a torch tensor, got {type(x).__name__}")
            if tuple(x.shape) != shape:
                raise GraphError(f"input {i} has shape {tuple(x.shape)}; the program was compiled for {shape}")
            if str(x.dtype).replace("torch.", "") != dtype:
                raise GraphError(f"input {i} has dtype {x.dtype}; the program was compiled for {dtype}")
            if x.device.type != "cpu":
                raise GraphError(f"input {i} is on {x.device}; the program runs on the CPU")
            if x.requires_grad:
                x = x.detach()
            x = x.contiguous()
            if x.data_ptr() % 64:   # TVM takes 64-byte aligned data only (torch's allocator aligns; numpy may not)
                x = self._aligned_copy(i, x)
            out.append(x)
        return out

    def _aligned_copy(self, i: int, x):
        """``x`` copied into a reused aligned buffer with numpy's single-threaded copy: a torch op here would
        wake PyTorch's OpenMP pool, whose spinning threads then take TVM's cores (measured: MobileNetV2
        7 -> 15 ms when every call cloned its unaligned input)."""
        import numpy as np
        import torch

        bufs = self.__dict__.setdefault("_inbufs", {})
        buf = bufs.get(i)
        if buf is None or buf.shape != x.shape or buf.dtype != x.dtype:
            buf = bufs[i] = torch.empty(x.shape, dtype=x.dtype)
        np.copyto(buf.numpy(), x.numpy())
        return buf

    def __call__(self, *inputs):
        import torch
        import tvm

        xs = self.check_inputs(inputs)
        fn = self._fn()
        res = fn(*[tvm.runtime.from_dlpack(x) for x in xs], *self.params)
        outs = [torch.from_dlpack(r) for r in (res if _is_tuple(res) else [res])]
        return outs[0] if len(outs) == 1 else tuple(outs)

    def torch_op(self):
        """This program as a torch custom op, ``op([x, ...]) -> y``, which ``torch.compile(fullgraph=True)`` traces
        as one opaque node (its shape function gives the compiled output shape)."""
        op = getattr(self, "_op", None)
        if op is None:
            import torch

            if len(self.outputs) != 1:
                raise GraphError("the custom op covers programs with one output")
            shape, dtype = self.outputs[0]
            name = f"sepgen::program_{len(_OPS)}_{id(self):x}"

            def impl(xs):
                return self(*xs)

            def fake(xs):
                return torch.empty(shape, dtype=getattr(torch, dtype), device=xs[0].device)

            op = torch.library.custom_op(name, impl, mutates_args=(), schema="(Tensor[] xs) -> Tensor")
            op.register_fake(fake)
            _OPS[name] = op
            self._op = op
        return op

    def profile(self, number: int = 20, repeat: int = 3) -> dict:
        """Time every PrimFunc the program calls, on its own (:func:`~sepgen.graph.profile.profile_functions`),
        and put each layer's kernel time in the report (``kernel_us``); returns name -> (calls, us per call).
        Needs the compiled IR: a program from :func:`sepgen.compile_model`, not one loaded from disk."""
        from .profile import profile_functions

        if getattr(self, "ir", None) is None:
            raise GraphError("profile() needs the program's IR: compile it with sepgen.compile_model "
                             "(a loaded program has only its library)")
        if not self.runnable:
            raise GraphError(f"this program is compiled for {self.target.name}; it cannot be timed here")
        times = profile_functions(self.ir, self.target, number=number, repeat=repeat)
        for layer in self.report.layers:     # a layer computed inside another's kernel has no time of its own
            layer.kernel_us = sum(times[k][1] for k in layer.kernels if k in times) if layer.kernels else None
        mine = {k for layer in self.report.layers for k in layer.kernels}
        others = sorted(((c * us, n) for n, (c, us) in times.items() if n not in mine), reverse=True)
        self.report.profile = {
            "kernels_us": sum(c * us for n, (c, us) in times.items() if n in mine),
            "other_us": sum(t for t, _ in others),
            "other_top": [[n, round(t, 1)] for t, n in others[:5]],
        }
        return times

    def time_us(self, *inputs, number: int = 100, warmup: int = 10) -> float:
        """Median microseconds of one call (``number`` calls after ``warmup``)."""
        import statistics
        import time

        for _ in range(warmup):
            self(*inputs)
        ts = []
        for _ in range(number):
            t0 = time.perf_counter()
            self(*inputs)
            ts.append(time.perf_counter() - t0)
        return statistics.median(ts) * 1e6

    # -- saving ----------------------------------------------------------------------------------
    def _manifest(self, files: dict) -> dict:
        from ..version import __version__, tvm_version

        return {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "sepgen_version": __version__, "tvm_version": tvm_version(),
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "model": self.model_name, "tolerance": self.tolerance,
            "target": self.target.to_dict(),
            "inputs": [{"shape": list(s), "dtype": d} for s, d in zip(self.input_shapes, self.input_dtypes)],
            "outputs": [{"shape": list(s), "dtype": d} for s, d in self.outputs],
            "params": len(self.params),
            "report": self.report.to_dict() if hasattr(self.report, "to_dict") else dict(self.report or {}),
            "files": files,
        }

    def save(self, path) -> Path:
        """Write the program to directory ``path`` atomically (a temp dir renamed into place)."""
        from ..runtime.artifact import sha256_file
        from ..targets.cross import export_options

        path = Path(path)
        _check_destination(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            if self._library_bytes is not None:
                (tmp / PROGRAM_FILE).write_bytes(self._library_bytes)
            else:
                with _quiet_stderr():   # TVM 0.27 logs "Warning: Scope Saving:" once per constant
                    self.module.export_library(str(tmp / PROGRAM_FILE), **export_options(self.target))
            import tvm

            (tmp / PARAMS_FILE).write_bytes(tvm.runtime.save_param_dict(
                {f"p{i}": p for i, p in enumerate(self.params)}))
            files = {PROGRAM_FILE: sha256_file(tmp / PROGRAM_FILE), PARAMS_FILE: sha256_file(tmp / PARAMS_FILE)}
            (tmp / MANIFEST).write_text(json.dumps(self._manifest(files), indent=2, sort_keys=True) + "\n")
            if path.exists():
                old = path.with_name(f".{path.name}.old")
                if old.exists():
                    shutil.rmtree(old)
                os.replace(path, old)
                os.replace(tmp, path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, path)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return path

    def __repr__(self) -> str:
        shapes = ", ".join("x".join(map(str, s)) for s in self.input_shapes)
        return f"ModelProgram({self.model_name or 'model'}, inputs {shapes}, target {self.target.name})"


class _quiet_stderr:
    """File descriptor 2 sent to /dev/null for a block (TVM's C++ logging writes there directly)."""

    def __enter__(self):
        import sys

        sys.stderr.flush()
        self.saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)

    def __exit__(self, *exc):
        os.dup2(self.saved, 2)
        os.close(self.saved)
        return False


def _is_tuple(res) -> bool:
    return not hasattr(res, "shape") and hasattr(res, "__len__")


def _check_destination(path: Path) -> None:
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise ArtifactError(f"{path} exists and is not a directory; refusing to overwrite it")
    if path.is_dir() and not (path / MANIFEST).exists() and any(path.iterdir()):
        raise ArtifactError(f"{path} exists and is not a saved sepgen program; refusing to overwrite it")


def _require(cond: bool, msg: str) -> None:
    if not cond:
        raise ArtifactError(msg)


def read_model_manifest(path) -> dict:
    path = Path(path)
    _require(path.is_dir(), f"{path} is not a saved program directory")
    mpath = path / MANIFEST
    _require(mpath.is_file(), f"{path} has no {MANIFEST}; not a saved sepgen program")
    try:
        m = json.loads(mpath.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ArtifactError(f"{mpath} is not valid JSON: {e}") from None
    _require(isinstance(m, dict) and m.get("format") == FORMAT,
             f"{mpath}: not a sepgen program manifest (format={m.get('format') if isinstance(m, dict) else None!r})")
    _require(m.get("format_version") in READS_VERSIONS,
             f"{mpath}: format_version {m.get('format_version')!r} is not supported (this sepgen reads "
             f"{', '.join(map(str, READS_VERSIONS))})")
    for key, typ in (("target", dict), ("inputs", list), ("outputs", list), ("files", dict)):
        _require(isinstance(m.get(key), typ), f"{mpath}: field {key!r} is missing or not a {typ.__name__}")
    want_files = {PROGRAM_FILE} if m.get("format_version") == 1 else {PROGRAM_FILE, PARAMS_FILE}
    _require(set(m["files"]) == want_files, f"{mpath}: expected file entries {', '.join(sorted(want_files))}")
    for i, e in enumerate(m["inputs"] + m["outputs"]):
        _require(isinstance(e, dict) and isinstance(e.get("shape"), list) and isinstance(e.get("dtype"), str)
                 and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in e["shape"]),
                 f"{mpath}: bad input/output entry {e!r}")
    return m


def load_model(path) -> ModelProgram:
    """Load a program saved by ``prog.save(path)`` or ``sepgen compile-model``, after checking it."""
    import tvm

    from ..runtime.artifact import sha256_file
    from ..targets.registry import _host_arch, host_cpu, host_isa_features, isa_features

    path = Path(path)
    m = read_model_manifest(path)
    f = path / PROGRAM_FILE
    _require(f.is_file(), f"{path}: {PROGRAM_FILE} named in the manifest is missing")
    got = sha256_file(f)
    want = m["files"][PROGRAM_FILE]
    _require(got == want, f"{path}: {PROGRAM_FILE} does not match the manifest's sha256 (expected {want[:12]}..., "
                          f"found {got[:12]}...); refusing to load a modified program")
    target = _target_of(m, path)
    host = _host_arch()
    hint = (f"; run it under QEMU with sepgen.graph.program.run_under_qemu({str(path)!r}, x)"
            if target.arch == "aarch64" else "")
    _require(target.arch == host, f"{path} was compiled for {target.arch} ({target.name}); this machine is {host}{hint}")
    missing = sorted(isa_features(target) - host_isa_features())
    _require(not missing, f"{path} was compiled for {target.mcpu or 'a generic CPU'} ({target.name}) and may use "
                          f"{', '.join(missing[:6])}, which this CPU ({host_cpu()}) lacks; compile it again here")
    params = _load_params(path, m)
    data = f.read_bytes()
    with _quiet_stderr():   # TVM 0.27 logs "Warning: Scope Loaded:" once per constant it loads
        module = tvm.runtime.load_module(str(f))
    return ModelProgram(module, target, [e["shape"] for e in m["inputs"]], [e["dtype"] for e in m["inputs"]],
                        [(e["shape"], e["dtype"]) for e in m["outputs"]], m.get("report", {}),
                        model_name=str(m.get("model", "")), tolerance=float(m.get("tolerance", 0.0)),
                        manifest=m, library_bytes=data, params=params)


def _load_params(path: Path, m: dict) -> list:
    """The weights of a saved program, checked against the manifest (sha256 and count)."""
    import tvm

    from ..runtime.artifact import sha256_file

    if m.get("format_version") == 1:   # weights inside the library
        return []
    n = m.get("params")
    _require(isinstance(n, int) and not isinstance(n, bool) and n >= 0,
             f"{path}: bad params count in the manifest: {n!r}")
    p = path / PARAMS_FILE
    _require(p.is_file(), f"{path}: {PARAMS_FILE} named in the manifest is missing")
    got, want = sha256_file(p), m["files"][PARAMS_FILE]
    _require(got == want, f"{path}: {PARAMS_FILE} does not match the manifest's sha256 (expected {want[:12]}..., "
                          f"found {got[:12]}...); refusing to load modified weights")
    try:
        d = tvm.runtime.load_param_dict(p.read_bytes())
    except Exception as e:  # noqa: BLE001 - a corrupt file: one line, not TVM's trace
        raise ArtifactError(f"{path}: {PARAMS_FILE} is unreadable ({type(e).__name__}); compile the model again") \
            from None
    _require(len(d) == n and all(f"p{i}" in d for i in range(n)),
             f"{path}: {PARAMS_FILE} holds {len(d)} arrays, the manifest says {n}")
    return [d[f"p{i}"] for i in range(n)]


#: runs in the emulated aarch64 Python (TVM's runtime only): load the program, run it, save the outputs
_GUEST_SCRIPT = """
import sys, numpy as np, tvm
from tvm.runtime.vm import VirtualMachine
lib, params, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
vm = VirtualMachine(tvm.runtime.load_module(lib), tvm.cpu())
pd = tvm.runtime.load_param_dict(open(params, "rb").read())
ps = [pd[f"p{i}"] for i in range(len(pd))]
xs = [tvm.runtime.tensor(np.load(sys.argv[4 + i])) for i in range(n)]
res = vm["main"](*xs, *ps)
outs = [res[i] for i in range(len(res))] if not hasattr(res, "shape") else [res]
for i, o in enumerate(outs):
    np.save(sys.argv[4 + n] + f".{i}.npy", o.numpy())
"""


def run_under_qemu(program, *inputs, threads: Optional[int] = None, timeout: float = 900):
    """Run a program compiled for an aarch64 Linux target (a :class:`ModelProgram` or a saved directory) under
    ``qemu-aarch64-static``, in the emulated arm64 Python that ``python -m sepgen.cli qemu-rpc setup`` prepares
    (TVM's runtime only), and return its outputs as torch tensors.  For correctness only: emulated times say
    nothing about ARM speed."""
    import subprocess

    import numpy as np
    import torch

    from ..errors import TargetError
    from ..tuning import qemu_rpc

    with tempfile.TemporaryDirectory(prefix="sepgen-qemu-model-") as tmp:
        t = Path(tmp)
        if isinstance(program, ModelProgram):
            prog = program
            prog.save(t / "prog")
            d = t / "prog"
        else:
            d = Path(program)
            m = read_model_manifest(d)
            prog = ModelProgram(None, None, [e["shape"] for e in m["inputs"]], [e["dtype"] for e in m["inputs"]],
                                [(e["shape"], e["dtype"]) for e in m["outputs"]], m.get("report", {}))
            prog.target = _target_of(m, d)
        if prog.target.arch != "aarch64":
            raise TargetError(f"run_under_qemu runs aarch64 programs; this one is for {prog.target.arch}")
        xs = prog.check_inputs(inputs)
        root = qemu_rpc.default_root()
        why = qemu_rpc.unavailable_reason(root)
        if why:
            raise TargetError(f"cannot run the aarch64 program under QEMU: {why}")
        paths = []
        for i, x in enumerate(xs):
            paths.append(str(t / f"x{i}.npy"))
            np.save(paths[-1], x.numpy())
        (t / "guest.py").write_text(_GUEST_SCRIPT)
        argv = [str(root / "usr" / "bin" / "python3-qemu"), str(t / "guest.py"), str(d / PROGRAM_FILE),
            str(d / PARAMS_FILE), str(len(xs)), *paths, str(t / "y")]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           env=qemu_rpc.guest_env(root, threads or prog.target.num_cores))
        if r.returncode != 0:
            tail = (r.stderr.strip().splitlines() or ["no output"])[-1]
            raise TargetError(f"the program failed under QEMU (exit {r.returncode}): {tail}")
        outs = [torch.from_numpy(np.load(t / f"y.{i}.npy")) for i in range(len(prog.outputs))]
    return outs[0] if len(outs) == 1 else tuple(outs)


def _target_of(m: dict, path) -> object:
    from ..targets.registry import TargetPreset

    t = m["target"]
    try:
        return TargetPreset(t["name"], t["family"], t["arch"], mcpu=str(t.get("mcpu", "")),
                            mtriple=str(t.get("mtriple", "")), mattr=tuple(str(a) for a in t.get("mattr", ())),
                            num_cores=int(t.get("num_cores", 1)), vector_bits=int(t.get("vector_bits", 128)),
                            tag=str(t.get("tag", "")))
    except (KeyError, TypeError, ValueError) as e:
        raise ArtifactError(f"{path}: bad target in the manifest: {type(e).__name__}: {e}") from None
