"""The graph level: whole models as one compiled program.

:mod:`.capture` turns a PyTorch model into a TVM Relax program and lists its convolutions as sepgen
problems; :mod:`.plan` runs each through sepgen's passes and cost model; :mod:`.fuse` finds what
follows each convolution that its kernel can compute; :mod:`.compile` builds the program
(:func:`~sepgen.graph.compile.compile_model`), :mod:`.program` runs, saves and loads it, :mod:`.tune`
tunes and replays its kernels, :mod:`.profile` times its functions.  It sits above
:mod:`sepgen.driver` and below :mod:`sepgen.frontend`.
"""
