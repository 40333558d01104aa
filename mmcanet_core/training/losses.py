"""Training objective of the paper, Section III-C, equations (13)-(16).

    L_1    = ||X - Y||_1 / N                                 (13)
    L_SSIM = 1 - mean_p SSIM(p)                              (15), SSIM of eq. (14) with an
                                                                   11x11 Gaussian window
    L_sum  = L_1 + L_SSIM                                    (16)

Multi-stage models are supervised at every stage: each stage's output is compared with the
target resized to that stage's resolution, and the stage losses are summed (as in MPRNet).
``ssim_weight=0`` gives the L1-only objective of Table VI. A stage smaller than the SSIM window
(a coarse stage of a tiny crop) is supervised by L1 alone.

A model with the uncertainty head (``models.uncertainty``) is also trained with the Laplace
negative log-likelihood of its final output, :func:`laplace_nll`, weighted by ``nll_weight``.
"""

import torch
import torch.nn as nn

from mmcanet_core.models.blocks import resize
from mmcanet_core.training.metrics import ssim_map


class RestorationLoss(nn.Module):
    """``forward(outputs, target)``: one (B, C, H, W) output or a list of them, coarse to fine."""

    def __init__(self, ssim_weight: float = 1.0, window_size: int = 11, sigma: float = 1.5):
        super().__init__()
        self.ssim_weight, self.window_size, self.sigma = ssim_weight, window_size, sigma

    def stage_loss(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        target = resize(target, output.shape[-2:])
        loss = (output - target).abs().mean()  # eq. (13)
        if self.ssim_weight and min(output.shape[-2:]) >= self.window_size:
            ssim = ssim_map(output, target, self.window_size, self.sigma).mean()
            loss = loss + self.ssim_weight * (1.0 - ssim)  # eqs. (15)-(16)
        return loss

    def forward(self, outputs, target):
        if isinstance(outputs, torch.Tensor):
            outputs = [outputs]
        return sum(self.stage_loss(output, target) for output in outputs)


def laplace_nll(output: torch.Tensor, scale: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Laplace negative log-likelihood, averaged over bands and pixels (constant log 2 dropped):
    ``mean(|y - mu| / b + log b)`` with one scale ``b`` (B, 1, H, W) for every band of ``mu``.

    Its minimum over ``b`` is at ``b = |y - mu|`` averaged over bands, so the scale learns the
    expected absolute error of each pixel.
    """
    return ((target - output).abs() / scale + scale.log()).mean()
