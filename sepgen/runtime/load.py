"""Loading an artifact directory into a callable op, after its integrity, schema, architecture and ISA checks."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ..errors import ArtifactError, PlanError, SepgenError
from ..ir.serialize import plan_from_dict
from .artifact import CUDA_FILES, MODULE_FILE, PARAMS_FILE, _require, read_manifest, sha256_file


def load_artifact(path):
    """Load an artifact directory into a CompiledConv, after checking it."""
    from ..targets.registry import TargetPreset, _host_arch, host_cpu, host_isa_features, isa_features
    from .compiled import CompiledConv

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
    # say where an aarch64 artifact runs
    hint = (f"; run it on an aarch64 machine, or here under QEMU with sepgen.runtime.qemu.run_under_qemu({str(path)!r}, x)"
            if t["arch"] == "aarch64" else "")
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

        # CUDA kernels load only where there is a GPU (no toolkit needed: fatbin embedded)
        if t["family"] == "cuda":
            from ..targets.cuda.library import check_loadable

            check_loadable(m, path)
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
    # keep the CUDA files so that the loaded op saves the same artifact
    if t["family"] == "cuda" and isinstance(m.get("cuda"), dict):
        op._cuda_files = ({n: (path / n).read_bytes() for n in CUDA_FILES if n in m["files"]}, dict(m["cuda"]))
    return op
