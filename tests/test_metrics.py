"""Metrics (eqs. 17-20) against scikit-image, torchmetrics and hand-computed cases, and the loss."""

import math

import numpy as np
import pytest
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from torchmetrics.functional.image import spectral_angle_mapper

from mmcanet_core.training.losses import RestorationLoss
from mmcanet_core.training.metrics import all_metrics, mae, psnr, sam, ssim


@pytest.fixture
def pair():
    g = torch.Generator().manual_seed(0)
    target = torch.rand(3, 3, 40, 36, generator=g, dtype=torch.float64)
    noise = 0.05 * torch.randn(3, 3, 40, 36, generator=g, dtype=torch.float64)
    return (target + noise).clamp(0, 1), target


def test_identical_images():
    x = torch.rand(2, 3, 32, 32)
    m = all_metrics(x, x)
    assert m["PSNR"] == math.inf and m["MAE"] == 0
    assert m["SSIM"] == pytest.approx(1.0, abs=1e-12)
    assert m["SAM"] == pytest.approx(0.0, abs=1e-5)


def test_constant_offset_by_hand():
    target = torch.full((1, 3, 16, 16), 0.25, dtype=torch.float64)
    pred = target + 0.1
    assert mae(pred, target) == pytest.approx(0.1, abs=1e-12)
    assert psnr(pred, target) == pytest.approx(20.0, abs=1e-9)  # 20 log10(1 / 0.1)
    # Constant images: SSIM is the luminance term alone.
    mu_x, mu_y, c1 = 0.35, 0.25, 0.01**2
    assert ssim(pred, target) == pytest.approx((2 * mu_x * mu_y + c1) / (mu_x**2 + mu_y**2 + c1))
    assert sam(pred, target) == pytest.approx(0.0, abs=1e-6)  # same spectral direction


def test_sam_by_hand_and_zero_spectra():
    target = torch.zeros(1, 3, 2, 2, dtype=torch.float64)
    pred = torch.zeros_like(target)
    target[0, 0] = 1.0  # spectrum (1, 0, 0)
    pred[0, 1] = 1.0  # spectrum (0, 1, 0): 90 degrees
    pred[0, 1, 0, 0] = 0.0
    pred[0, 0, 0, 0] = 1.0  # one pixel identical: 0 degrees
    assert sam(pred, target) == pytest.approx(3 * 90 / 4)
    pred[0, :, 1, 1] = 0.0  # an all-zero spectrum has no angle and is left out
    assert sam(pred, target) == pytest.approx(2 * 90 / 3)


def test_against_scikit_image_and_torchmetrics(pair):
    pred, target = pair
    p, t = pred.numpy(), target.numpy()
    for i in range(len(p)):
        ref_psnr = peak_signal_noise_ratio(t[i], p[i], data_range=1.0)
        ref_ssim = structural_similarity(t[i], p[i], data_range=1.0, channel_axis=0,
                                         gaussian_weights=True, sigma=1.5,
                                         use_sample_covariance=False)
        assert psnr(pred[i:i + 1], target[i:i + 1]).item() == pytest.approx(ref_psnr, abs=1e-5)
        assert ssim(pred[i:i + 1], target[i:i + 1]).item() == pytest.approx(ref_ssim, abs=1e-5)
        assert mae(pred[i:i + 1], target[i:i + 1]).item() == pytest.approx(
            np.abs(p[i] - t[i]).mean(), abs=1e-12)
    ref_sam = math.degrees(spectral_angle_mapper(pred, target).item())
    assert sam(pred, target).item() == pytest.approx(ref_sam, abs=1e-5)
    assert psnr(pred, target, reduction="none").shape == (3,)


def test_restoration_loss():
    g = torch.Generator().manual_seed(0)
    target = torch.rand(2, 3, 32, 32, generator=g)
    pred = target + 0.1
    l1_only = RestorationLoss(ssim_weight=0)
    assert l1_only(pred, target).item() == pytest.approx(0.1, abs=1e-6)
    full = RestorationLoss()
    expected = 0.1 + (1 - ssim(pred, target).item())
    assert full(pred, target).item() == pytest.approx(expected, abs=1e-5)
    assert full(target, target).item() == pytest.approx(0.0, abs=1e-6)
    # Every stage is supervised against the target resized to its resolution.
    coarse = torch.nn.functional.interpolate(target, size=(16, 16), mode="bilinear",
                                             antialias=True)
    assert full([coarse, target], target).item() == pytest.approx(0.0, abs=1e-5)
    assert full([coarse + 0.1, target], target).item() > 0.09
    pred.requires_grad_(True)
    full(pred, target).backward()
    assert torch.isfinite(pred.grad).all() and pred.grad.abs().sum() > 0
