"""The graph level: whole models as one compiled program (capture, layout planning, cross-layer fusion).

Empty for now.  It sits above :mod:`sepgen.driver` and below :mod:`sepgen.frontend`, which will use it.
"""
