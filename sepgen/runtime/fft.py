"""FFT convolution stages: transform sizes, the weight's cached spectrum, and the call."""
from __future__ import annotations


def _fft_geometry(geom, w):
    """Of ``geom`` (and ``w``'s kernel size): the padding for F.pad, the FFT dims, the transform size (the
    padded input: a valid cross-correlation of an input of size S needs no more) and the dilated kernel size."""
    pads = []
    for lo, hi in reversed(geom.padding):
        pads += [lo, hi]
    size = [s + lo + hi for s, (lo, hi) in zip(geom.in_shape[2:], geom.padding)]
    kd = [d * (kk - 1) + 1 for kk, d in zip(w.shape[2:], geom.dilation)]
    return pads, tuple(range(-geom.ndim, 0)), size, kd


def weight_spectrum(w, geom, dtype):
    """The real FFT of ``w`` flipped and dilated, at the transform size :func:`fft_conv` uses for ``geom``:
    it depends on the weight only, so a compiled op computes it once (for a 1-channel 255-tap kernel on
    16384 points it was a third of each call, for 8->8 channels 64 of the 80 transforms)."""
    import torch

    _, dims, size, kd = _fft_geometry(geom, w)
    wf = w.to(torch.float64 if dtype == torch.float64 else torch.float32)
    if any(d != 1 for d in geom.dilation):
        wd = wf.new_zeros((wf.shape[0], wf.shape[1], *kd))
        wd[(slice(None), slice(None), *[slice(None, None, d) for d in geom.dilation])] = wf
        wf = wd
    return torch.fft.rfftn(torch.flip(wf, dims=dims), s=size, dim=dims)


def fft_conv(x, w, b, geom, spectrum=None):
    """Convolution (cross-correlation, as F.conv) through real FFTs; exact up to rounding.  ``spectrum``:
    :func:`weight_spectrum` of ``w``, when the caller has it."""
    import torch
    import torch.nn.functional as F

    nd = geom.ndim
    dtype = x.dtype
    xf = x.to(torch.float64) if dtype == torch.float64 else x.float()
    pads, dims, size, kd = _fft_geometry(geom, w)
    if any(pads):
        xf = F.pad(xf, pads)
    X = torch.fft.rfftn(xf, s=size, dim=dims)
    Wt = spectrum if spectrum is not None else weight_spectrum(w, geom, dtype)
    g = geom.groups
    n = xf.shape[0]
    cin_g = xf.shape[1] // g
    cout_g = w.shape[0] // g
    Xg = X.reshape(n, g, 1, cin_g, *X.shape[2:])
    Wg = Wt.reshape(1, g, cout_g, cin_g, *Wt.shape[2:])
    Y = (Xg * Wg).sum(dim=3).reshape(n, g * cout_g, *X.shape[2:])
    y = torch.fft.irfftn(Y, s=size, dim=dims)
    # full linear conv index j corresponds to valid output at j - (K-1)
    sl = [slice(None), slice(None)]
    for ax in range(nd):
        start = kd[ax] - 1
        sl.append(slice(start, start + (geom.out_shape[2 + ax] - 1) * geom.stride[ax] + 1, geom.stride[ax]))
    y = y[tuple(sl)]
    if b is not None:
        y = y + b.to(y.dtype).reshape(1, -1, *([1] * nd))
    return y.to(dtype).contiguous()
