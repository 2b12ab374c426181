"""Compiled artifacts: a directory with the module, the parameters and a manifest.

Layout::

    DIR/manifest.json   spec, plan, target, argument shapes/dtypes, sha256 of every file, versions
    DIR/kernels.so      the compiled module (absent when the plan has no TVM stage)
    DIR/params.npz      the plan's parameter arrays (numeric .npy inside a zip; loaded without pickle)
    DIR/kernels.cu      (CUDA targets) the CUDA C of the kernels
    DIR/kernels.fatbin  (CUDA targets) SASS for sm_80, sm_90 and the target's arch; kernels.so embeds it,
                        so the artifact loads on a GPU machine without nvcc (see sepgen.cuda)

:func:`load_artifact` validates the manifest, checks every file's sha256
*before* loading anything, and refuses an artifact built for another
architecture, with a clear :class:`ArtifactError`.  No pickle anywhere.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .errors import ArtifactError, PlanError, SepgenError
from .stages import plan_from_dict, plan_to_dict
from .version import __version__, tvm_version

FORMAT = "sepgen-artifact"
FORMAT_VERSION = 1
MODULE_FILE = "kernels.so"
PARAMS_FILE = "params.npz"
CUDA_FILES = ("kernels.cu", "kernels.fatbin")   # CUDA issue: CUDA source and fatbin of a CUDA artifact
MANIFEST = "manifest.json"


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_artifact(op, path) -> Path:
    """Write ``op`` (a CompiledConv) to directory ``path`` atomically (temp dir, then rename)."""
    from .lowering import stage_param_names
    from .stages import FFTConv

    path = Path(path)
    _check_destination(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        files = {}
        if op.module is not None:
            if getattr(op, "_module_bytes", None) is not None:  # loaded from an artifact: copy the library
                (tmp / MODULE_FILE).write_bytes(op._module_bytes)
            else:
                op.module.export_library(str(tmp / MODULE_FILE), **op.export_options())
            files[MODULE_FILE] = sha256_file(tmp / MODULE_FILE)
        # --- CUDA issue: the CUDA source and the fatbin beside the library (which embeds the fatbin) ---
        cuda_entry = None
        if op.target.family == "cuda" and op.module is not None:
            from .cuda import artifact_files

            extra, cuda_entry = artifact_files(op)
            for name, data in extra.items():
                (tmp / name).write_bytes(data)
                files[name] = sha256_file(tmp / name)
        # --- end CUDA issue ---
        np.savez(tmp / PARAMS_FILE, **{k: np.asarray(v) for k, v in op.plan.params.items()})
        files[PARAMS_FILE] = sha256_file(tmp / PARAMS_FILE)
        args = []
        for i, st in enumerate(op.plan.stages):
            args.append({"stage": i, "kind": st.kind, "symbol": None if isinstance(st, FFTConv) else f"stage{i}",
                         "in_shape": list(st.in_shape), "params": list(stage_param_names(st)),
                         "out_shape": list(st.out_shape), "dtype": op.spec.dtype, "source": op.sources.get(i, "")})
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "sepgen_version": __version__, "tvm_version": tvm_version(),
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "spec": op.spec.to_dict(), "plan": plan_to_dict(op.plan), "target": op.target.to_dict(),
            "input_shape": list(op.spec.input_shape), "output_shape": list(op.spec.output_shape),
            "dtype": op.spec.dtype, "stages": args, "files": files, "notes": list(op.notes),
        }
        if cuda_entry:  # CUDA issue: archs of the fatbin, toolkit, file names
            manifest["cuda"] = cuda_entry
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        if path.exists():
            _check_destination(path)
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


def _check_destination(path: Path) -> None:
    """Refuse to replace anything but a sepgen artifact or an empty directory."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise ArtifactError(f"{path} exists and is not a directory; refusing to overwrite it")
    if path.is_dir() and not (path / MANIFEST).exists() and any(path.iterdir()):
        raise ArtifactError(f"{path} exists and is not a sepgen artifact; refusing to overwrite it")


def _require(cond: bool, msg: str) -> None:
    if not cond:
        raise ArtifactError(msg)


def read_manifest(path) -> dict:
    path = Path(path)
    _require(path.is_dir(), f"{path} is not an artifact directory")
    mpath = path / MANIFEST
    _require(mpath.is_file(), f"{path} has no {MANIFEST}; not a sepgen artifact")
    try:
        m = json.loads(mpath.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ArtifactError(f"{mpath} is not valid JSON: {e}") from None
    validate_manifest(m, mpath)
    return m


def validate_manifest(m, where="manifest") -> None:
    _require(isinstance(m, dict), f"{where}: the manifest must be a JSON object")
    _require(m.get("format") == FORMAT, f"{where}: not a sepgen artifact manifest (format={m.get('format')!r})")
    _require(m.get("format_version") == FORMAT_VERSION,
             f"{where}: format_version {m.get('format_version')!r} is not supported (this sepgen reads {FORMAT_VERSION})")
    schema = {"spec": dict, "plan": dict, "target": dict, "files": dict, "stages": list, "dtype": str,
              "input_shape": list, "output_shape": list, "sepgen_version": str, "tvm_version": str}
    for key, typ in schema.items():
        _require(isinstance(m.get(key), typ), f"{where}: field {key!r} is missing or not a {typ.__name__}")
    for name, digest in m["files"].items():
        _require(isinstance(name, str) and name in (MODULE_FILE, PARAMS_FILE, *CUDA_FILES),  # CUDA issue
                 f"{where}: unexpected file entry {name!r}")
        _require(isinstance(digest, str) and len(digest) == 64, f"{where}: bad sha256 for {name!r}")
    _require(PARAMS_FILE in m["files"], f"{where}: no {PARAMS_FILE} entry")
    for i, s in enumerate(m["stages"]):
        _require(isinstance(s, dict), f"{where}: stages[{i}] must be an object, got {s!r}")
        _require(isinstance(s.get("stage", i), int) and not isinstance(s.get("stage", i), bool),
                 f"{where}: stages[{i}] has a non-integer stage index {s.get('stage')!r}")
    notes = m.get("notes", [])
    _require(isinstance(notes, list) and all(isinstance(n, str) for n in notes),
             f"{where}: field 'notes' must be a list of strings, got {notes!r}")
    t = m["target"]
    for key in ("name", "family", "arch"):
        _require(isinstance(t.get(key), str), f"{where}: target field {key!r} is missing")


def load_artifact(path):
    """Load an artifact directory into a CompiledConv, after checking it."""
    from .runtime import CompiledConv
    from .targets import TargetPreset, _host_arch, host_cpu, host_isa_features, isa_features

    path = Path(path)
    m = read_manifest(path)
    for name, digest in m["files"].items():
        f = path / name
        _require(f.is_file(), f"{path}: file {name} named in the manifest is missing")
        got = sha256_file(f)
        _require(got == digest, f"{path}: {name} does not match the manifest's sha256 "
                                f"(expected {digest[:12]}..., found {got[:12]}...); refusing to load a modified artifact")
    t = m["target"]
    host = _host_arch()
    # --- ARM issue: say where an aarch64 artifact runs ---
    hint = (f"; run it on an aarch64 machine, or here under QEMU with sepgen.arm.run_under_qemu({str(path)!r}, x)"
            if t["arch"] == "aarch64" else "")
    # --- end ARM issue ---
    _require(t["arch"] in (host, "cuda"),
             f"{path} was compiled for {t['arch']} ({t['name']}); this machine is {host}{hint}")
    try:
        target = TargetPreset(t["name"], t["family"], t["arch"], mcpu=str(t.get("mcpu", "")),
                              mtriple=str(t.get("mtriple", "")), mattr=tuple(str(a) for a in t.get("mattr", ())),
                              num_cores=int(t.get("num_cores", 1)), vector_bits=int(t.get("vector_bits", 128)),
                              tag=str(t.get("tag", "")))
    except (TypeError, ValueError) as e:
        raise ArtifactError(f"{path}: bad target in the manifest (num_cores, vector_bits, mattr...): "
                            f"{type(e).__name__}: {e}") from None
    # same architecture is not enough: a znver4 (AVX-512) kernel dies with SIGILL on an AVX2-only CPU
    missing = sorted(isa_features(target) - host_isa_features())
    shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
    _require(not missing, f"{path} was compiled for {target.mcpu or 'a generic CPU'} ({t['name']}) and may use "
                          f"{shown}, which this CPU ({host_cpu()}) lacks; rebuild it here "
                          f"(`sepgen compile ... --target host` replays the tuning logs)")
    try:
        with np.load(path / PARAMS_FILE, allow_pickle=False) as z:
            params = {k: z[k] for k in z.files}
        plan = plan_from_dict(m["plan"], params)
    except (PlanError, SepgenError) as e:
        raise ArtifactError(f"{path}: {e}") from None
    except Exception as e:  # a damaged npz
        raise ArtifactError(f"{path}: cannot read parameters: {type(e).__name__}: {e}") from None
    _require(tuple(plan.spec.input_shape) == tuple(m["input_shape"]), f"{path}: manifest input_shape disagrees with its spec")
    _require(tuple(plan.spec.output_shape) == tuple(m["output_shape"]),
             f"{path}: manifest output_shape disagrees with its spec")
    plan_spec = plan.spec.to_dict()
    bad = sorted(k for k in set(m["spec"]) | set(plan_spec) if m["spec"].get(k) != plan_spec.get(k))
    _require(not bad, f"{path}: manifest spec disagrees with its plan's spec on {', '.join(map(str, bad))}")
    _require(m["dtype"] == plan.spec.dtype, f"{path}: manifest dtype {m['dtype']!r} disagrees with its spec")
    module = None
    module_bytes = None
    if MODULE_FILE in m["files"]:
        import tvm

        # --- CUDA issue: CUDA kernels load only where there is a GPU (no toolkit needed: fatbin embedded) ---
        if t["family"] == "cuda":
            from .cuda import check_loadable

            check_loadable(m, path)
        # --- end CUDA issue ---
        try:
            module = tvm.runtime.load_module(str(path / MODULE_FILE))
        except Exception as e:
            raise ArtifactError(f"{path}: cannot load {MODULE_FILE}: {str(e).splitlines()[0] if str(e) else e}") from None
        # kept so that the loaded op can be saved again (a loaded library cannot be re-exported)
        module_bytes = (path / MODULE_FILE).read_bytes()
        _require(hashlib.sha256(module_bytes).hexdigest() == m["files"][MODULE_FILE],
                 f"{path}: {MODULE_FILE} changed while loading (sha256 mismatch)")
    sources = {int(s.get("stage", i)): str(s.get("source", "")) for i, s in enumerate(m["stages"])
               if isinstance(s, dict)}
    try:
        op = CompiledConv(plan.spec, plan, target, module, sources, tuple(m.get("notes", ())))
    except SepgenError as e:   # e.g. the manifest's plan names a stage the library lacks
        raise ArtifactError(f"{path}: {e}") from None
    op._module_bytes = module_bytes
    # --- CUDA issue: keep the CUDA files so that the loaded op saves the same artifact ---
    if t["family"] == "cuda" and isinstance(m.get("cuda"), dict):
        op._cuda_files = ({n: (path / n).read_bytes() for n in CUDA_FILES if n in m["files"]}, dict(m["cuda"]))
    # --- end CUDA issue ---
    return op
