"""Atrous spatial pyramid pooling on the fused high-level features, equation (11).

Paper Section III-A3 after DeepLab [15]: three 3x3 convolutions with dilation rates 6, 12 and 18,
plus an image-pooling branch (global average pooling, 1x1 convolution, broadcast back), all four
concatenated and reduced by a 1x1 convolution. The paper names exactly these four components, so
DeepLab's separate 1x1 branch is not added. No batch normalisation (restoration networks avoid it:
batch statistics differ between training patches and inference tiles); GELU activations.
"""

import torch
import torch.nn as nn


class ASPP(nn.Module):
    """(B, in_channels, h, w) -> (B, out_channels, h, w)."""

    def __init__(self, in_channels: int, out_channels: int, rates=(6, 12, 18)):
        super().__init__()
        self.atrous = nn.ModuleList(
            nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, padding=r, dilation=r),
                          nn.GELU())
            for r in rates
        )
        self.pooling = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Conv2d(in_channels, out_channels, 1), nn.GELU()
        )
        self.reduce = nn.Sequential(
            nn.Conv2d(out_channels * (len(rates) + 1), out_channels, 1), nn.GELU()
        )

    def forward(self, x):
        branches = [branch(x) for branch in self.atrous]
        branches.append(self.pooling(x).expand(-1, -1, *x.shape[-2:]))
        return self.reduce(torch.cat(branches, dim=1))
