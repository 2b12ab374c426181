"""Code generation: lowering stages to TE/PrimFuncs (the only tvm.te user), sepgen's TIR passes, scheduling with
the templates of schedules/, and building a module.
"""
