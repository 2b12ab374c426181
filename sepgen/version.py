"""Version of sepgen (part of every tuning-log and artifact key)."""
__version__ = "0.1.0"


def tvm_version() -> str:
    try:
        from importlib.metadata import version

        return version("apache-tvm")
    except Exception:  # noqa: BLE001
        import tvm

        return str(tvm.__version__)
