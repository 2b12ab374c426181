"""The per-stage lock that keeps two tuning runs from writing one log at once."""
from __future__ import annotations

import os
import threading
from pathlib import Path

_LOCK_OWNERS: dict = {}   # lock path -> (process, thread) holding it here (a forked child holds nothing)


def _me() -> tuple:
    return os.getpid(), threading.get_ident()


class StageLock:
    """An exclusive lock on one workload's log (``flock`` on ``.lock``): one process writes it at a time.

    A second tuner of the same workload waits (saying so) instead of interleaving
    records; the lock dies with its process, so a killed tuner never leaves it held.
    ``blocking=False`` (a reader that would tidy the log) never waits: ``held`` says
    whether it got the lock, ``why`` why not.  The thread holding a lock may take it
    again (the tuner reading its own log).
    """

    def __init__(self, d: Path, wait_message=None, blocking: bool = True):
        self.path = Path(d) / ".lock"
        self.wait_message = wait_message
        self.blocking = blocking
        self.fd = None
        self.held = False
        self.why = ""

    def __enter__(self):
        import fcntl

        if _LOCK_OWNERS.get(str(self.path)) == _me():
            self.held = True   # nested: the outer holder releases it
            return self
        try:
            if self.blocking:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            if self.blocking:
                raise
            self.why = f"cannot open {self.path}: {e.strerror}"
            return self
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not self.blocking:
                os.close(self.fd)
                self.fd, self.why = None, f"another process (a tuner) holds {self.path}"
                return self
            if self.wait_message:
                self.wait_message(f"another tuner holds {self.path}; waiting for it to finish")
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, str(os.getpid()).encode())
        _LOCK_OWNERS[str(self.path)] = _me()
        self.held = True
        return self

    def __exit__(self, *exc):
        import fcntl

        if self.fd is not None:
            del _LOCK_OWNERS[str(self.path)]
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
        return False
