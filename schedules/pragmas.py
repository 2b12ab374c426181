"""Loop annotations that templates set and sepgen's TIR passes act on."""

#: marks a vector loop whose zero padding is read through masked loads (see sepgen.codegen.tirpasses)
MASKED_PAD_PRAGMA = "pragma_sepgen_masked_loads"
