"""CUDA targets: presets, offline compilation, resource checks, GPU-free artifacts, CPU emulation.

Everything here works on a machine without a GPU (only the CUDA toolkit's
``nvcc``/``ptxas`` are needed for the offline parts):

* **Presets** ``cuda-sm80`` (A100 class), ``cuda-sm90`` (H100/H200 class) and
  ``cuda`` (the local GPU; resolves only where one is present), registered into
  :data:`sepgen.targets.registry.PRESETS_EXTRA` when :mod:`sepgen.targets` is imported.
* :func:`sepgen.codegen.cuda.cuda_source` lowers and schedules one stage with its CUDA template's
  defaults and returns the CUDA C that TVM generates (without a CUDA driver TVM
  builds a source-only device module).
* :func:`.toolkit.compile_offline` runs ``nvcc`` (PTX, cubin or a multi-architecture
  fatbin); :func:`.resources.ptxas_resources` parses ``ptxas -v`` (registers, shared memory,
  spills per kernel) and :func:`.resources.check_resources` checks them against the
  architecture's limits.
* :func:`.library.pack_imports_with_fatbin` is the ``fpack_imports`` hook that lets
  ``export_library`` embed a fatbin (instead of CUDA source, which would need
  ``nvcc``/NVRTC on the GPU machine at load time); :func:`.library.artifact_files` gives
  the extra files a CUDA artifact carries (source and fatbin).
* :func:`.emulator.emulate` runs a generated kernel on the CPU (each CUDA thread a host
  thread, ``__syncthreads`` a barrier, ``__shared__`` storage shared by the
  block's threads): a numerical check of the CUDA templates without a GPU.
  It is a *semantic* check of the kernel source, not of nvcc or the hardware.

What needs a GPU and is therefore untested here: running the kernels through
the CUDA driver, timing, MetaSchedule measurement (:func:`.presets.local_runner`), and
loading an artifact's fatbin (see ``docs/cuda.md``).
"""
