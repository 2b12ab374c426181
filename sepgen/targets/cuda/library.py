"""CUDA artifacts without a GPU: the CUDA sources of a built module, a fatbin embedded into the exported
library in place of CUDA source (``fpack_imports``), the extra files a CUDA artifact carries, and the check
that one can load here."""
from __future__ import annotations

import os
import re
import struct
from typing import Sequence

from ...errors import BuildError
from ..registry import TargetPreset
from .presets import FATBIN_ARCHS, local_gpu
from .toolkit import fatbin, fatbin_archs, nvcc_version

# ---------------------------------------------------------------------------------------------------
# generated source
# ---------------------------------------------------------------------------------------------------

def module_cuda_sources(module) -> list[str]:
    """The CUDA C of every CUDA device module imported by a built TVM module."""
    out = []
    seen = set()
    stack = [module]
    while stack:
        m = stack.pop()
        for imp in m.imports:
            key = id(imp)
            if key in seen:
                continue
            seen.add(key)
            if imp.kind == "cuda":
                src = imp.inspect_source("cuda") or imp.inspect_source("")
                if src:
                    out.append(str(src))
            stack.append(imp)
    return out


# ---------------------------------------------------------------------------------------------------
# artifacts: a module whose CUDA part is a fatbin, loadable on a GPU machine without nvcc
# ---------------------------------------------------------------------------------------------------

CUDA_SOURCE_FILE = "kernels.cu"
CUDA_FATBIN_FILE = "kernels.fatbin"


def _u64(b: bytes, off: int) -> tuple[int, int]:
    return struct.unpack_from("<Q", b, off)[0], off + 8


def _string(b: bytes, off: int) -> tuple[bytes, int]:
    n, off = _u64(b, off)
    if off + n > len(b):
        raise BuildError("malformed TVM library blob (string runs past the end)")
    return b[off:off + n], off + n


def _pack_string(s: bytes) -> bytes:
    return struct.pack("<Q", len(s)) + s


def _code_offset(payload: bytes, start: int) -> int:
    """Offset of the length field of the code, the last field of a CUDA module payload.

    The function table between ``fmt`` and the code is version-specific, so it
    is skipped over: the first u64 (scanning forward) that is exactly the
    length of the rest is the code's length field (table entries are small
    counts and names, never the size of the whole code).
    """
    for cand in range(start, len(payload) - 7):
        n = struct.unpack_from("<Q", payload, cand)[0]
        if cand + 8 + n == len(payload):
            return cand
    raise BuildError("malformed CUDA module payload in the TVM library blob")


def rewrite_library_blob(blob: bytes, fcompile) -> bytes:
    """Replace the CUDA *source* payloads of a TVM library blob by compiled ones.

    The blob (``__tvm_ffi__library_bin``) is ``u64 size``, the import tree
    (two u64 vectors), then per module its kind and (except the host
    ``_lib``) the bytes of its ``SaveToBytes``.  A CUDA module saves
    ``fmt, function table, code``; a source-only one (built without a CUDA
    driver) has ``fmt == "cuda"`` and the CUDA C as code, which the CUDA
    runtime would compile at load time with nvcc/NVRTC.  ``fcompile(source) ->
    (fmt, bytes)`` gives the replacement (e.g. ``("fatbin", ...)``), which the
    runtime loads with ``cuModuleLoadData``.  Other payloads are kept.
    """
    size, off = _u64(blob, 0)
    if size != len(blob) - 8:
        raise BuildError(f"malformed TVM library blob (size {size} vs {len(blob) - 8})")
    start = off
    nrow, off = _u64(blob, off)
    row_ptr = []
    for _ in range(nrow):
        v, off = _u64(blob, off)
        row_ptr.append(v)
    nchild, off = _u64(blob, off)
    off += 8 * nchild
    head = blob[start:off]
    parts = [head]
    n_modules = max(0, nrow - 1)
    replaced = 0
    for _ in range(n_modules):
        kind, off = _string(blob, off)
        parts.append(_pack_string(kind))
        if kind == b"_lib":
            continue
        payload, off = _string(blob, off)
        if kind == b"cuda":
            fmt, p = _string(payload, 0)
            if fmt == b"cuda":
                code_off = _code_offset(payload, p)
                fmap = payload[p:code_off]
                source = payload[code_off + 8:].decode(errors="replace")
                if "__global__" not in source:
                    raise BuildError("unexpected CUDA module payload in the TVM library blob (no kernel source)")
                new_fmt, code = fcompile(source)
                payload = _pack_string(new_fmt.encode()) + fmap + _pack_string(bytes(code))
                replaced += 1
        parts.append(_pack_string(payload))
    if off != len(blob):
        raise BuildError("malformed TVM library blob (trailing bytes)")
    body = b"".join(parts)
    return struct.pack("<Q", len(body)) + body


def library_blob(so_path) -> bytes:
    """The ``__tvm_ffi__library_bin`` blob of an exported TVM library (read through the dynamic loader)."""
    import ctypes

    import tvm  # noqa: F401  (the library's TVM FFI symbols resolve against the loaded runtime)

    lib = ctypes.CDLL(str(so_path), mode=getattr(ctypes, "RTLD_LOCAL", 0))
    try:
        head = ctypes.c_uint64.in_dll(lib, "__tvm_ffi__library_bin")
    except ValueError:
        raise BuildError(f"{so_path} carries no imported modules") from None
    n = int(head.value)
    return ctypes.string_at(ctypes.addressof(head), n + 8)


def cuda_payloads(blob: bytes) -> list[tuple[str, bytes]]:
    """(fmt, code) of every CUDA module in a library blob (fmt ``cuda`` is source, ``fatbin`` a fatbin)."""
    out = []
    size, off = _u64(blob, 0)
    nrow, off = _u64(blob, off)
    off += 8 * nrow
    nchild, off = _u64(blob, off)
    off += 8 * nchild
    for _ in range(max(0, nrow - 1)):
        kind, off = _string(blob, off)
        if kind == b"_lib":
            continue
        payload, off = _string(blob, off)
        if kind == b"cuda":
            fmt, p = _string(payload, 0)
            out.append((fmt.decode(), payload[_code_offset(payload, p) + 8:]))
    return out


def _c_array(blob: bytes) -> str:
    lines = []
    for i in range(0, len(blob), 20):
        lines.append("  " + ",".join(f"0x{b:02x}" for b in blob[i:i + 20]) + ",")
    return "\n".join(lines)


def pack_imports_with_fatbin(archs: Sequence[str] = FATBIN_ARCHS):
    """An ``fpack_imports`` hook for ``export_library`` embedding fatbins for ``archs``.

    It packs the imported modules as TVM does (``ModulePackImportsToC``), then
    replaces each CUDA source payload with a fatbin compiled by nvcc here, so
    the library loads on a GPU machine with the CUDA driver only (no nvcc, no
    NVRTC).  Payloads already compiled (a module built on a GPU machine) are
    left as they are.
    """
    archs = tuple(archs)

    def fpack(mod, is_system_lib, prefix, workspace_dir):
        from tvm.runtime import _ffi_api

        c_src = str(_ffi_api.ModulePackImportsToC(mod, is_system_lib, prefix))
        m = re.search(r"(\w*__tvm_ffi__library_bin)\[(\d+)\]\s*=\s*\{(.*?)\};", c_src, re.S)
        if not m:
            raise BuildError("cannot find the library blob in TVM's packed imports")
        blob = bytes(int(h, 16) for h in re.findall(r"0x([0-9a-fA-F]{2})", m.group(3)))
        if len(blob) != int(m.group(2)):
            raise BuildError("could not read TVM's packed imports")
        new = rewrite_library_blob(blob, lambda src: ("fatbin", fatbin(src, archs)))
        out = c_src[:m.start()] + f"{m.group(1)}[{len(new)}] = {{\n{_c_array(new)}\n}};" + c_src[m.end():]
        path = os.path.join(workspace_dir, f"{prefix}devc.c")
        with open(path, "w") as f:
            f.write(out)
        return path

    return fpack


def export_options(target: TargetPreset) -> dict:
    """``export_library`` keyword arguments for a CUDA module built for ``target``."""
    return {"fpack_imports": pack_imports_with_fatbin(fatbin_archs(target))}


def artifact_files(op) -> tuple[dict[str, bytes], dict]:
    """The extra files of a CUDA artifact and its manifest entry.

    Files: ``kernels.cu`` (the CUDA C of every stage) and ``kernels.fatbin``
    (SASS for sm_80, sm_90 and the target's arch, PTX for the newest).  The
    manifest entry names the archs and the toolkit.  A loaded artifact carries
    its files over unchanged.
    """
    carried = getattr(op, "_cuda_files", None)
    if carried:
        return dict(carried[0]), dict(carried[1])
    if op.module is None:
        return {}, {}
    srcs = module_cuda_sources(op.module)
    if not srcs:
        return {}, {}
    src = "\n".join(srcs)
    archs = fatbin_archs(op.target)
    files = {CUDA_SOURCE_FILE: src.encode(), CUDA_FATBIN_FILE: fatbin(src, archs)}
    entry = {"archs": list(archs), "source": CUDA_SOURCE_FILE, "fatbin": CUDA_FATBIN_FILE,
             "nvcc": nvcc_version(), "embedded": "fatbin"}
    return files, entry


def check_loadable(manifest: dict, path) -> None:
    """Raise :class:`ArtifactError` when a CUDA artifact's kernels cannot be loaded on this machine."""
    from ...errors import ArtifactError

    t = manifest.get("target", {})
    cuda = manifest.get("cuda") if isinstance(manifest.get("cuda"), dict) else {}
    archs = [str(a) for a in cuda.get("archs", [])]
    what = f"CUDA kernels for {t.get('name')} ({', '.join(archs) or t.get('mcpu') or 'unknown arch'})"
    gpu = local_gpu()
    if gpu is None:
        raise ArtifactError(f"{path} holds {what}; loading it needs a machine with an NVIDIA GPU and its driver "
                            f"(none found here). The fatbin is embedded: no CUDA toolkit is needed there")
    if archs:
        have = int(re.sub(r"\D", "", gpu["arch"]) or 0)
        lowest = min(int(re.sub(r"\D", "", a) or 0) for a in archs)
        if have < lowest:
            raise ArtifactError(f"{path} holds {what}; this machine's GPU is {gpu['arch']} ({gpu['name']}), "
                                f"older than every architecture in the fatbin")
