"""PyTorch front end: nn modules backed by sepgen kernels, whole-model optimization (module swap), example models.
"""
