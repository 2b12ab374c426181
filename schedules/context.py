"""What a template is told about the stage it schedules."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateContext:
    stage: object        # sepgen.ir.stages.Stage
    lowered: object      # sepgen.codegen.lowering.Lowered
    target: object       # sepgen.targets.registry.TargetPreset
    tune: bool = False   # True: knobs are left to MetaSchedule's search
    variant: int = 0     # structural variant (loop order); templates with several list them in VARIANTS
