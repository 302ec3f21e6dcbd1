"""The network of :class:`geoecg.leads._cnn_residual.CNNResidualReconstructor` (needs torch).

Imported lazily by that estimator; module-level classes so that a fitted estimator pickles.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["ResidualNet"]


class _Block(nn.Module):
    """``h + gelu(conv(h))``: one dilated convolution with a skip connection."""

    def __init__(self, channels: int, kernel_size: int, dilation: int):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, kernel_size, dilation=dilation, padding="same")

    def forward(self, h):
        return h + torch.nn.functional.gelu(self.conv(h))


class ResidualNet(nn.Module):
    """1x1 input projection, one residual block per dilation, zero-initialised 1x1 output.

    Parameters
    ----------
    n_in, n_out : int
        Input channels (source and reconstructed leads) and output channels (the residual
        of each reconstructed lead).
    channels : int
        Width of the stack.
    kernel_size : int
        Taps of each dilated convolution.
    dilations : sequence of int
        Dilation (samples) of each block.
    """

    def __init__(self, n_in, n_out, channels, kernel_size, dilations):
        super().__init__()
        self.inp = nn.Conv1d(n_in, channels, 1)
        self.blocks = nn.Sequential(*[_Block(channels, kernel_size, d) for d in dilations])
        self.out = nn.Conv1d(channels, n_out, 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x):
        return self.out(self.blocks(self.inp(x)))
