"""Multistage progressive image restoration, MPIR1-MPIR4 (paper Section III-B, Figs. 3-4).

Every variant restores the image in stages on progressively higher resolution ("commences at
the first stage using a low-resolution variant of the input image"): 1/4, 1/2 and full resolution
for three stages, 1/2 and full for two. Stage s sees the cloudy optical image and the SAR image
resized to its resolution, concatenated with the previous stage's output up-sampled to it ("the
output from each stage is channelled as input to its successor"), and predicts a residual on top
of that up-sampled output. Every stage's output is supervised (see ``losses``).

How features travel between stages is what distinguishes the variants (Fig. 3):

* MPIR1, intermediate feature connections: the features a stage produces before its terminal
  convolution are up-sampled and concatenated with the next stage's features "stemming from the
  new input post-convolution" (the stem), then reduced by a 1x1 convolution.
* MPIR2: MPIR1 with the third stage replaced by ORSNet, an original-resolution subnetwork of ORBs
  built from channel attention blocks (MPRNet [29], Fig. 4). ORSNet has no encoder, so it sees
  SAR by concatenation with its input.
* MPIR3, skip connections across stages instead: stages do not inject features into the next
  stem; the features of every earlier stage (up-sampled) are concatenated with the last stage's
  features before its terminal convolution, so the final image combines information from all
  resolutions, "amalgamating features from the native resolution data".
* MPIR4: MPIR3 cut to two stages (1/2 and full resolution).

Where the paper is silent: stage networks are MMCANet with the same options (``width`` etc. are
passed through); ORSNet has 3 ORBs of 8 CABs at ``width`` channels, as MPRNet's ORSNet.
"""

import torch
import torch.nn as nn

from mmcanet_core.models.blocks import resize
from mmcanet_core.models.mmcanet import MMCANet
from mmcanet_core.models.registry import register
from mmcanet_core.models.uncertainty import UncertaintyMixin, scale_head


class CAB(nn.Module):
    """Channel attention block (Fig. 4, green box): conv-act-conv, channel attention, residual."""

    def __init__(self, channels: int, reduction: int = 4):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1), nn.PReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
        )
        self.attention = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),  # GAP
            nn.Conv2d(channels, max(channels // reduction, 4), 1), nn.ReLU(inplace=True),
            nn.Conv2d(max(channels // reduction, 4), channels, 1), nn.Sigmoid(),
        )

    def forward(self, x):
        y = self.body(x)
        return x + y * self.attention(y)


class ORB(nn.Module):
    """Original-resolution block (Fig. 4): several CABs and a convolution, with a residual."""

    def __init__(self, channels: int, num_cab: int = 8):
        super().__init__()
        self.body = nn.Sequential(*[CAB(channels) for _ in range(num_cab)],
                                  nn.Conv2d(channels, channels, 3, padding=1))

    def forward(self, x):
        return x + self.body(x)


class ORSNet(nn.Module):
    """Original-resolution subnetwork [29]: stem, ORBs at full resolution, no down-sampling.

    Exposes the same ``features`` / ``tail`` interface as :class:`MMCANet` so a progressive
    model can use either as a stage.
    """

    def __init__(self, in_channels=3, sar_channels=2, width=32, extra_input_channels=0,
                 inject_channels=0, num_orb=3, num_cab=8):
        super().__init__()
        self.stem = nn.Conv2d(in_channels + extra_input_channels + sar_channels, width, 3,
                              padding=1)
        self.inject = nn.Conv2d(width + inject_channels, width, 1) if inject_channels else None
        self.body = nn.Sequential(*[ORB(width, num_cab) for _ in range(num_orb)])
        self.tail = nn.Conv2d(width, in_channels, 3, padding=1)

    def features(self, sar, optical, inject=None):
        x = self.stem(torch.cat([sar, optical], dim=1))
        if self.inject is not None:
            x = self.inject(torch.cat([x, inject], dim=1))
        return self.body(x)  # (B, width, H, W)


class ProgressiveRestoration(UncertaintyMixin, nn.Module):
    """The MPIR skeleton; the four variants differ in ``scales``, ``connection`` and the last stage.

    Args:
        scales: resolution of each stage relative to the input, coarse to fine, ending at 1.
        connection: ``"features"`` (MPIR1/2, into the next stem) or ``"skip"`` (MPIR3/4, into
            the last terminal convolution).
        orsnet_last: replace the last stage with ORSNet (MPIR2).
        uncertainty: the Laplace scale head on the last stage's final features.
        **options: MMCANet options shared by the stages (``in_channels``, ``width``, ...).
    """

    def __init__(self, scales, connection, orsnet_last=False, uncertainty=False, **options):
        super().__init__()
        if connection not in ("features", "skip"):
            raise ValueError(f"connection must be 'features' or 'skip', not {connection!r}")
        self.scales, self.connection = tuple(scales), connection
        c = options.get("in_channels", 3)
        width = options.get("width", 32)
        self.in_channels, self.sar_channels = c, options.get("sar_channels", 2)
        inject = width if connection == "features" else 0
        stages = []
        for s in range(len(self.scales)):
            extra = dict(extra_input_channels=c if s else 0, inject_channels=inject if s else 0)
            if orsnet_last and s == len(self.scales) - 1:
                stages.append(ORSNet(in_channels=c, sar_channels=self.sar_channels, width=width,
                                     **extra))
            else:
                stages.append(MMCANet(**options, **extra))
        self.stages = nn.ModuleList(stages)
        # MPIR3/4: the last stage's features meet every earlier stage's features.
        self.skip_merge = (nn.Conv2d(width * len(self.scales), width, 1)
                           if connection == "skip" else None)
        self.scale_head = scale_head(uncertainty, width)

    def _stages_and_features(self, sar, optical):
        """Outputs of every stage, coarse to fine, each at its own resolution, and the features
        of the last terminal convolution."""
        h, w = optical.shape[-2:]
        outputs, features = [], []
        for s, (scale, stage) in enumerate(zip(self.scales, self.stages)):
            size = (max(1, round(h * scale)), max(1, round(w * scale)))
            opt_s, sar_s = resize(optical, size), resize(sar, size)
            if s == 0:
                base, stage_input, inject = opt_s, opt_s, None
            else:
                base = resize(outputs[-1], size)  # the previous output, refined here
                stage_input = torch.cat([opt_s, base], dim=1)
                inject = resize(features[-1], size) if self.connection == "features" else None
            f = stage.features(sar_s, stage_input, inject)  # (B, width, h_s, w_s)
            features.append(f)
            if self.skip_merge is not None and s == len(self.stages) - 1:
                f = self.skip_merge(torch.cat([resize(g, size) for g in features], dim=1))
            outputs.append(base + stage.tail(f))
        return outputs, f


@register("mpir1")
def mpir1(**options):
    """Three stages (1/4, 1/2, 1) with intermediate feature connections."""
    return ProgressiveRestoration((0.25, 0.5, 1.0), "features", **options)


@register("mpir2")
def mpir2(**options):
    """MPIR1 with ORSNet as the third stage."""
    return ProgressiveRestoration((0.25, 0.5, 1.0), "features", orsnet_last=True, **options)


@register("mpir3")
def mpir3(**options):
    """Three stages with skip connections across stages."""
    return ProgressiveRestoration((0.25, 0.5, 1.0), "skip", **options)


@register("mpir4")
def mpir4(**options):
    """MPIR3 cut to two stages (1/2, 1)."""
    return ProgressiveRestoration((0.5, 1.0), "skip", **options)
