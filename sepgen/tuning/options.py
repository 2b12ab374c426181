"""Tuning options and the result of tuning one stage."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .records import StageWorkload
from .remote import RPCOptions
from .robust import RERANK_TOP


@dataclass
class TuneOptions:
    trials: int = 64                 # per stage
    batch: int = 16                  # candidates measured per batch (what a kill can lose)
    seed: int = 0
    roofline_fraction: float = 0.9   # stop when this close to the roofline
    patience: int = 4                # ... or after this many batches without improvement
    progress: bool = True
    strict: bool = False             # stop at the first failing candidate or wrong best record (debugging)
    out: object = None               # stream for progress (default stderr)
    timeout_s: float = 30            # a candidate running longer is recorded as failed (hung)
    rpc: Optional["RPCOptions"] = None  # measure on RPC servers (sepgen.tuning.remote) instead of here
    rerank: int = RERANK_TOP         # re-time this many best records at several stack depths (0: off)


@dataclass
class StageResult:
    index: int
    workload: StageWorkload
    best_us: Optional[float]
    trials_run: int
    roofline_us: float
    failures: int = 0
    stopped: str = ""
