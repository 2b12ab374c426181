"""The kernel compiler driver: a spec and weight in, a compiled op out (plan, tune or replay, build).
"""
