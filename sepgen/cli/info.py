"""`sepgen workloads` and `sepgen targets`: what sepgen knows."""
from __future__ import annotations


def cmd_workloads(args) -> int:
    from ..ir.workloads import WORKLOADS

    for w in WORKLOADS.values():
        print(f"{w.name:24s} {w.suite:14s} {w.description}")
    return 0


def cmd_targets(args) -> int:
    from ..targets.registry import get_target, preset_names

    for name in preset_names():
        t = get_target(name)
        print(f"{name:14s} {t.family:5s} {t.key():28s} {t.description}")
    return 0


def add_parsers(sub) -> None:
    """`sepgen workloads`, `sepgen targets`."""
    w = sub.add_parser("workloads", help="list the named workloads")
    w.set_defaults(fn=cmd_workloads)
    t = sub.add_parser("targets", help="list the target presets")
    t.set_defaults(fn=cmd_targets)
