"""Atrous spatial pyramid pooling on the fused high-level features, equation (11).

Paper Section III-A3 after DeepLab [15]: three 3x3 convolutions with dilation rates 6, 12 and 18,
plus an image-pooling branch (global average pooling, 1x1 convolution, broadcast back), all four
concatenated and reduced by a 1x1 convolution. The paper names exactly these four components, so
DeepLab's separate 1x1 branch is not added. No batch normalisation (restoration networks avoid it:
batch statistics differ between training patches and inference tiles); GELU activations.

Rates and the map size. ASPP works on the high-level map, 1/8 of the input (encoder stage 4): a
16 x 16 map for the paper's 128 px patches. A 3x3 convolution with dilation r and zero padding r
reads its 8 outer taps at +-r pixels; at r = 18 every outer tap of every pixel of a 16 px map
falls in the padding, so during training on 128 px patches the rate-18 branch is a 1x1
convolution (DeepLabv3 makes the same observation: as the rate nears the map size the filter
degenerates to its centre tap) and its outer weights never receive a gradient: they stay at their
random start. At rate 12 only the 4 border rows/columns of each side reach the image. On larger
inference tiles (256 px: a 32 px map) those untrained outer taps do reach image features and add
noise. The decision: the default keeps the paper's rates (6, 12, 18) (they are explicit in the
paper, and weights trained at 128 px run on 128 px tiles, where train and test see the same
padding: the trainer stores ``patch_size`` = 128 and inference uses it as the default tile).
Weights meant for larger tiles are trained with rates whose outer taps reach the image on the
training crop, i.e. 3r < crop / 8 with the paper's 1 : 2 : 3 ratio; the shipped demonstrator
(96 px crops, a 12 px map, 256 px inference tiles) uses (2, 4, 6).
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
