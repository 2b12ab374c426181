"""What the reliability tests measured, collected for the README's figure.

With ``SEPGEN_RELIABILITY_JSON=PATH`` set, tests call :func:`record` with their counts (kills
survived, concurrent writers, malformed inputs tried, records lost, ...); each call merges one
section into the JSON file at PATH.  ``scripts/reliability_figure.py`` runs those tests with the
variable set and renders ``bench_results/reliability.png`` and the README table from the file.
Without the variable this does nothing.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path

ENV = "SEPGEN_RELIABILITY_JSON"


def record(section: str, **values) -> None:
    path = os.environ.get(ENV)
    if not path:
        return
    import fcntl
    import hashlib
    import tempfile

    p = Path(path).resolve()
    p.parent.mkdir(parents=True, exist_ok=True)
    lock_path = Path(tempfile.gettempdir()) / f"sepgen-reliability-{hashlib.sha1(str(p).encode()).hexdigest()[:12]}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(p.read_text())
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data[section] = {**values, "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
        tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        os.replace(tmp, p)
