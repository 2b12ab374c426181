"""Running compiled kernels: the callable op, FFT stages, aligned outputs, artifacts (save, load, integrity checks),
the torch custom op, the PyTorch reference interpreter, timing, and running aarch64 code under QEMU.
"""
