"""DSen2-CR-style baseline (Meraner et al., ISPRS J. 2020), the paper's comparison [12].

A residual network on the concatenation of the optical and SAR images (Section III-C of the
MMCANet paper: "concatenating SAR and optical images"): one 3 x 3 convolution + ReLU to ``width``
channels, ``blocks`` residual blocks (conv-ReLU-conv, output scaled by ``residual_scaling`` = 0.1
before the addition, as in DSen2 / DSen2-CR), a 3 x 3 convolution back to the optical bands,
and the long skip connection that adds the cloudy optical input to the result (the network
predicts a correction). Meraner et al. use 16 blocks x 256 channels on 13 bands; that is the
default. Single-stage: ``forward_stages`` returns one output.
"""

import torch
import torch.nn as nn

from mmcanet_core.models.registry import register
from mmcanet_core.models.uncertainty import UncertaintyMixin, scale_head


class ResBlock(nn.Module):
    """conv3x3 - ReLU - conv3x3, scaled by ``scaling``, plus the identity."""

    def __init__(self, width: int, scaling: float = 0.1):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, width, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, padding=1),
        )  # fmt: skip
        self.scaling = scaling

    def forward(self, x):
        return x + self.scaling * self.body(x)


@register("dsen2cr")
class DSen2CR(UncertaintyMixin, nn.Module):
    """DSen2-CR-style residual network; options ``in_channels``, ``width``, ``blocks`` and
    ``uncertainty`` (the Laplace scale head on the last block's features)."""

    def __init__(
        self,
        in_channels: int = 3,
        sar_channels: int = 2,
        width: int = 256,
        blocks: int = 16,
        residual_scaling: float = 0.1,
        uncertainty: bool = False,
    ):
        super().__init__()
        self.in_channels, self.sar_channels = int(in_channels), int(sar_channels)
        self.head = nn.Sequential(
            nn.Conv2d(self.in_channels + self.sar_channels, width, 3, padding=1),
            nn.ReLU(inplace=True),
        )
        self.body = nn.Sequential(*[ResBlock(width, residual_scaling) for _ in range(int(blocks))])
        self.tail = nn.Conv2d(width, self.in_channels, 3, padding=1)
        self.scale_head = scale_head(uncertainty, width)

    def _stages_and_features(self, sar: torch.Tensor, optical: torch.Tensor):
        f = self.body(self.head(torch.cat([optical, sar], dim=1)))
        return [optical + self.tail(f)], f  # long skip: add the cloudy input
