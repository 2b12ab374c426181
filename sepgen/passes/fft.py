"""FFT pass: a conv stage as one :class:`FFTConv` stage with the same weight and geometry.

Exact (up to float rounding).  By default only applied where the FFT's FLOP
estimate (:meth:`FFTConv.flops`) is below the stage's direct FLOPs: large
kernels on few channels.  Whether it is also *faster* is the cost model's call.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Optional

from ..analysis.weights import check_tolerance
from ..ir.stages import DepthwiseConv, DirectConv, FFTConv, Plan, Stage
from .base import PassResult, apply_to_stages, replace_stage


@dataclass(frozen=True)
class FFTPass:
    """Replace direct / depthwise conv stages by FFT convolution.

    ``tolerance``: accepted for a uniform interface with the other passes (the FFT is exact).
    ``require_fewer_flops``: only where the FFT needs fewer FLOPs than the stage.
    ``min_kernel_elems``: skip kernels with fewer taps than this.
    """

    tolerance: float = 0.0
    require_fewer_flops: bool = True
    min_kernel_elems: int = 2

    name: ClassVar[str] = "fft"

    def __post_init__(self):
        check_tolerance(self.tolerance)

    def __call__(self, plan: Plan) -> PassResult:
        return apply_to_stages(self.name, plan, self.applicable, self._rewrite)

    def applicable(self, st: Stage) -> Optional[str]:
        if type(st) not in (DirectConv, DepthwiseConv):
            return f"{st.kind} stage"
        k = 1
        for v in st.geom.kernel:
            k *= v
        if k < self.min_kernel_elems:
            return "kernel too small"
        return None

    def _rewrite(self, plan: Plan, index: int) -> PassResult:
        st = plan.stages[index]
        new = FFTConv(name=st.name if st.name else "fft", geom=st.geom, weight=st.weight, bias=st.bias)
        old_f, new_f = st.flops(), new.flops()
        if self.require_fewer_flops and new_f >= old_f:
            return PassResult(plan, False, f"{self.name}: {st.name} left as is (FFT flops {new_f:,} >= direct "
                                           f"{old_f:,})")
        note = f"{self.name}: {st.name} -> FFT over {'x'.join(map(str, new.fft_shape()))}, flops {old_f:,} -> {new_f:,}"
        return PassResult(replace_stage(plan, index, (new,), {}, plan.error, note), True, note)
