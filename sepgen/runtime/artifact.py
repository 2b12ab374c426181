"""Compiled artifacts: a directory with the module, the parameters and a manifest.

Layout::

    DIR/manifest.json   spec, plan, target, argument shapes/dtypes, sha256 of every file, versions
    DIR/kernels.so      the compiled module (absent when the plan has no TVM stage)
    DIR/params.npz      the plan's parameter arrays (numeric .npy inside a zip; loaded without pickle)
    DIR/kernels.cu      (CUDA targets) the CUDA C of the kernels
    DIR/kernels.fatbin  (CUDA targets) SASS for sm_80, sm_90 and the target's arch; kernels.so embeds it,
                        so the artifact loads on a GPU machine without nvcc (see sepgen.targets.cuda.library)

:func:`sepgen.runtime.load.load_artifact` validates the manifest, checks every file's sha256
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

from ..errors import ArtifactError
from ..ir.serialize import plan_to_dict
from ..version import __version__, tvm_version

FORMAT = "sepgen-artifact"
FORMAT_VERSION = 1
MODULE_FILE = "kernels.so"
PARAMS_FILE = "params.npz"
CUDA_FILES = ("kernels.cu", "kernels.fatbin")   # CUDA source and fatbin of a CUDA artifact
MANIFEST = "manifest.json"


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_artifact(op, path) -> Path:
    """Write ``op`` (a CompiledConv) to directory ``path`` atomically (temp dir, then rename)."""
    from ..ir.stages import FFTConv, stage_param_names

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
        # the CUDA source and the fatbin beside the library (which embeds the fatbin)
        cuda_entry = None
        if op.target.family == "cuda" and op.module is not None:
            from ..targets.cuda.library import artifact_files

            extra, cuda_entry = artifact_files(op)
            for name, data in extra.items():
                (tmp / name).write_bytes(data)
                files[name] = sha256_file(tmp / name)
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
        if cuda_entry:  # archs of the fatbin, toolkit, file names
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
        _require(isinstance(name, str) and name in (MODULE_FILE, PARAMS_FILE, *CUDA_FILES),
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
