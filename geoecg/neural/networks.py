"""Network modules: a Wang-style residual 1-D CNN, a plain 1-D CNN and an MLP."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["ResNet1D", "CNN1D", "MLP"]


class _ConcatPool(nn.Module):
    """Concatenate global average and max pooling over time (fastai's AdaptiveConcatPool1d)."""

    def forward(self, x):
        return torch.cat([x.mean(dim=-1), x.amax(dim=-1)], dim=1)


class _ResBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, kernel_sizes: tuple[int, ...]):
        super().__init__()
        layers: list[nn.Module] = []
        c = c_in
        for i, k in enumerate(kernel_sizes):
            layers += [nn.Conv1d(c, c_out, k, padding=k // 2, bias=False), nn.BatchNorm1d(c_out)]
            if i < len(kernel_sizes) - 1:
                layers.append(nn.ReLU())
            c = c_out
        self.body = nn.Sequential(*layers)
        self.shortcut = (
            nn.Identity()
            if c_in == c_out
            else nn.Sequential(nn.Conv1d(c_in, c_out, 1, bias=False), nn.BatchNorm1d(c_out))
        )
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.body(x) + self.shortcut(x))


class ResNet1D(nn.Module):
    """Residual 1-D CNN in the ``resnet1d_wang`` family (Wang et al. 2017; Strodthoff 2021).

    Each block: conv-BN-ReLU layers with the given kernel sizes, a 1x1 projection shortcut,
    ReLU after the sum. Head: concat pooling (mean and max over time), dropout, linear.

    Parameters
    ----------
    n_leads : int
        Input channels (leads); input shape ``(batch, n_leads, n_samples)``.
    n_outputs : int
        Output units (logits): one per class, or one per label of a multi-label target.
    filters : tuple of int, default (64, 128, 128)
        Output channels of each residual block.
    kernel_sizes : tuple of int, default (8, 5, 3)
        Kernel sizes (samples) of the convolutions inside each block.
    dropout : float, default 0.3
        Dropout probability before the linear head.
    stem_stride : int, default 1
        Stride of a strided-conv + max-pool stem that shortens the sequence
        ``2 * stem_stride`` times; 1: no stem.
    pool : bool, default False
        Max-pool by 2 between residual blocks.
    """

    def __init__(
        self,
        n_leads,
        n_outputs,
        filters=(64, 128, 128),
        kernel_sizes=(8, 5, 3),
        dropout=0.3,
        stem_stride=1,
        pool=False,
    ):
        super().__init__()
        layers: list[nn.Module] = []
        c = n_leads
        if stem_stride > 1:
            # xresnet-style stem: strided conv and max-pool cut the sequence length
            # stem_stride * 2 times before the residual blocks (much cheaper on CPU).
            layers += [
                nn.Conv1d(c, filters[0], 7, stride=stem_stride, padding=3, bias=False),
                nn.BatchNorm1d(filters[0]),
                nn.ReLU(),
                nn.MaxPool1d(2),
            ]
            c = filters[0]
        for i, f in enumerate(filters):
            layers.append(_ResBlock(c, f, tuple(kernel_sizes)))
            if pool and i < len(filters) - 1:
                layers.append(nn.MaxPool1d(2))
            c = f
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(_ConcatPool(), nn.Dropout(dropout), nn.Linear(2 * c, n_outputs))

    def forward(self, x):
        return self.head(self.features(x))


class CNN1D(nn.Module):
    """Plain 1-D CNN: conv-BN-ReLU-maxpool blocks, global average pooling, linear head.

    Parameters
    ----------
    n_leads : int
        Input channels (leads); input shape ``(batch, n_leads, n_samples)``.
    n_outputs : int
        Output units (logits): one per class, or one per label of a multi-label target.
    filters : tuple of int, default (32, 64, 64)
        Output channels of each block.
    kernel_size : int, default 7
        Kernel size (samples) of every convolution.
    dropout : float, default 0.3
        Dropout probability before the linear head.
    """

    def __init__(self, n_leads, n_outputs, filters=(32, 64, 64), kernel_size=7, dropout=0.3):
        super().__init__()
        layers: list[nn.Module] = []
        c = n_leads
        for f in filters:
            layers += [
                nn.Conv1d(c, f, kernel_size, padding=kernel_size // 2, bias=False),
                nn.BatchNorm1d(f),
                nn.ReLU(),
                nn.MaxPool1d(2),
            ]
            c = f
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(c, n_outputs))

    def forward(self, x):
        return self.head(self.features(x).mean(dim=-1))


class MLP(nn.Module):
    """Fully connected network on feature vectors.

    Parameters
    ----------
    n_features : int
        Input features; input shape ``(batch, n_features)``.
    n_outputs : int
        Output units (logits): one per class, or one per label of a multi-label target.
    hidden : tuple of int, default (64, 32)
        Units of each hidden layer (ReLU).
    dropout : float, default 0.2
        Dropout probability after each hidden layer.
    """

    def __init__(self, n_features, n_outputs, hidden=(64, 32), dropout=0.2):
        super().__init__()
        layers: list[nn.Module] = []
        c = n_features
        for h in hidden:
            layers += [nn.Linear(c, h), nn.ReLU(), nn.Dropout(dropout)]
            c = h
        layers.append(nn.Linear(c, n_outputs))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
