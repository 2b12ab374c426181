"""Analysis of weights and plans: tolerances, ranks (SVD, CP), the error a plan carries, and the cost model.

numpy only; nothing here knows the passes that use it.
"""
