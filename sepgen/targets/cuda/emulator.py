"""A CPU emulator for generated CUDA kernels: numerics of a kernel without a GPU."""
from __future__ import annotations

import functools
import re
import shutil
import tempfile
from pathlib import Path
from typing import Optional

from ...errors import BuildError
from .toolkit import _run

# ---------------------------------------------------------------------------------------------------
# CPU emulation of a generated kernel (numerics without a GPU)
# ---------------------------------------------------------------------------------------------------

_EMU_PRELUDE = r"""
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
typedef _Float16 half;
struct sepgen_dim3 { unsigned int x, y, z; };
static thread_local sepgen_dim3 threadIdx, blockIdx;
static pthread_barrier_t sepgen_bar;
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static
#define __syncthreads() pthread_barrier_wait(&sepgen_bar)
#define __float2half_rn(x) ((half)(float)(x))
#define __float2half(x) ((half)(float)(x))
#define __half2float(x) ((float)(x))
#define uint unsigned int
#define uchar unsigned char
#define ushort unsigned short
template <typename A, typename B> static inline auto max(A a, B b) -> decltype(a + b) { return a > b ? a : b; }
template <typename A, typename B> static inline auto min(A a, B b) -> decltype(a + b) { return a < b ? a : b; }
struct sepgen_job { void** args; int grid; int thread; };
"""


def _kernel_signatures(src: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(kernel name, [(C type, parameter name)]) of each ``extern "C" __global__`` definition."""
    out = []
    for m in re.finditer(r'extern "C" __global__ void (?:__launch_bounds__\(\d+\) )?(\w+)\(([^)]*)\)\s*\{', src):
        params = []
        for p in m.group(2).split(","):
            p = p.strip()
            pm = re.match(r"(\w+)\s*\*\s*(?:__restrict__\s*)?(\w+)$", p)
            if not pm:
                raise BuildError(f"emulate: cannot read kernel parameter {p!r}")
            params.append((pm.group(1), pm.group(2)))
        out.append((m.group(1), params))
    return out


@functools.lru_cache(maxsize=32)
def _emulator_library(src: str) -> tuple[str, tuple]:
    """Compile ``src`` (TVM's CUDA C) as a host shared library with a launcher per kernel."""
    body_at = src.find('extern "C" __global__')
    if body_at < 0:
        raise BuildError("emulate: no kernel in the source")
    body = re.sub(r"__shared__\s+alignas\((\d+)\)", r"alignas(\1) static", src[body_at:])
    sigs = _kernel_signatures(body)
    if not sigs:
        raise BuildError("emulate: no kernel definition found")
    launchers = []
    for name, params in sigs:
        args = ", ".join(f"({t}*)job->args[{i}]" for i, (t, _) in enumerate(params))
        launchers.append(f"""
static void* sepgen_worker_{name}(void* p) {{
  sepgen_job* job = (sepgen_job*)p;
  threadIdx.x = (unsigned)job->thread; threadIdx.y = 0; threadIdx.z = 0;
  for (int b = 0; b < job->grid; ++b) {{
    blockIdx.x = (unsigned)b; blockIdx.y = 0; blockIdx.z = 0;
    {name}({args});
    pthread_barrier_wait(&sepgen_bar);
  }}
  return 0;
}}
extern "C" int sepgen_launch_{name}(void** args, int grid, int block) {{
  pthread_barrier_init(&sepgen_bar, 0, (unsigned)block);
  pthread_t* threads = (pthread_t*)malloc(sizeof(pthread_t) * block);
  sepgen_job* jobs = (sepgen_job*)malloc(sizeof(sepgen_job) * block);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);
  int err = 0;
  for (int t = 0; t < block; ++t) {{
    jobs[t].args = args; jobs[t].grid = grid; jobs[t].thread = t;
    if (pthread_create(&threads[t], &attr, sepgen_worker_{name}, &jobs[t])) {{ err = 1; block = t; break; }}
  }}
  for (int t = 0; t < block; ++t) pthread_join(threads[t], 0);
  pthread_attr_destroy(&attr);
  pthread_barrier_destroy(&sepgen_bar);
  free(threads); free(jobs);
  return err;
}}""")
    code = _EMU_PRELUDE + body + "\n" + "\n".join(launchers) + "\n"
    d = tempfile.mkdtemp(prefix="sepgen-emu-")
    cpp = Path(d) / "k.cpp"
    lib = Path(d) / "k.so"
    cpp.write_text(code)
    cxx = shutil.which("g++") or shutil.which("c++") or "g++"
    _run([cxx, "-std=c++17", "-O1", "-fPIC", "-shared", "-pthread", "-w", "-o", str(lib), str(cpp)],
         "compiling the CPU emulation of the CUDA kernels")
    return str(lib), tuple(sigs)


def emulate(src: str, arrays: dict, grid: int, block: int, kernel: Optional[str] = None) -> None:
    """Run a kernel of ``src`` on the CPU, in place on the numpy ``arrays`` (by buffer name).

    ``arrays`` maps each kernel parameter's buffer name (the parameter is
    ``<name>_ptr``) to a C-contiguous numpy array of the matching dtype
    (float32, or float16 for ``half``).  Each of the ``block`` CUDA threads is a
    host thread; the blocks run one after the other, so ``__shared__`` arrays
    (static storage here) are shared exactly by one block's threads, and
    ``__syncthreads`` is a barrier.  Warp-level intrinsics are not emulated.
    """
    import ctypes

    import numpy as np

    lib_path, sigs = _emulator_library(src)
    if kernel is None:
        if len(sigs) != 1:
            raise BuildError(f"emulate: the source has kernels {[s[0] for s in sigs]}; name one")
        kernel = sigs[0][0]
    params = dict(sigs).get(kernel)
    if params is None:
        raise BuildError(f"emulate: no kernel {kernel!r} in the source")
    ptrs = []
    for ctype, pname in params:
        bname = pname[:-4] if pname.endswith("_ptr") else pname
        arr = arrays.get(bname)
        if arr is None:
            raise BuildError(f"emulate: no array for kernel parameter {pname}")
        want = np.float16 if ctype == "half" else np.float32 if ctype == "float" else None
        if want is None or arr.dtype != want or not arr.flags["C_CONTIGUOUS"]:
            raise BuildError(f"emulate: {bname} must be a C-contiguous {ctype} array, got {arr.dtype}")
        ptrs.append(arr.ctypes.data_as(ctypes.c_void_p))
    lib = ctypes.CDLL(lib_path)
    fn = getattr(lib, f"sepgen_launch_{kernel}")
    fn.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
    fn.restype = ctypes.c_int
    argv = (ctypes.c_void_p * len(ptrs))(*[p.value for p in ptrs])
    if fn(argv, int(grid), int(block)):
        raise BuildError(f"emulate: could not start {block} host threads")
