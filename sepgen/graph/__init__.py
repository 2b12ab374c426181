"""The graph level: whole models as one compiled program (capture, layout planning, cross-layer fusion).

:mod:`.capture` turns a PyTorch model into a TVM Relax program and lists its convolutions as sepgen
problems; :mod:`.plan` runs each through sepgen's passes and cost model.  It sits above :mod:`sepgen.driver` and below :mod:`sepgen.frontend`, which will use it.
"""
