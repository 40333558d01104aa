"""Evaluation metrics of the paper, Section III-D, equations (17)-(20).

All functions take ``pred`` and ``target`` tensors (B, C, H, W) with values in [0, 1] (the paper's
scaling: Sentinel-2 digital numbers clipped to [0, 10000] and divided by 10000), compute one value
per image and return their mean over the batch (``reduction="mean"``) or the (B,) values
(``reduction="none"``). Computation is in float64.

* :func:`mae`, eq. (17): mean absolute error over all pixels and bands.
* :func:`psnr`, eqs. (18)-(19): ``20 log10(1 / sqrt(mse))``, peak 1; infinite for identical images.
* :func:`ssim`, eq. (14): SSIM with an 11x11 Gaussian window (sigma 1.5), C1 = 0.01^2,
  C2 = 0.03^2, per band, averaged over the window positions that lie fully inside the image and
  over bands. This matches ``skimage.metrics.structural_similarity(gaussian_weights=True,
  sigma=1.5, use_sample_covariance=False, data_range=1)``.
* :func:`sam`, eq. (20): the spectral angle, in degrees, between the predicted and true spectra
  (vectors over the bands) of each pixel, averaged over the pixels of the image. Pixels whose
  spectrum is all zero in either image have no angle and are left out of the mean.

On SAM: eq. (20) as printed sums over all pixels i inside one arccos, which would give a single
angle between the two images flattened into vectors. Cloud-removal code (DSen2-CR, GLF-CR,
UnCRtainTS) and ``torchmetrics``' ``SpectralAngleMapper`` instead take the angle per pixel over
the bands and average the angles, and that is what the reported values (a few degrees) mean; we
follow it. torchmetrics returns radians; we return degrees, as the paper's tables do. With the
paper's RGB setting the spectrum has three bands; with 13-band models, all 13.
"""

import torch
import torch.nn.functional as F

C1 = 0.01**2
C2 = 0.03**2


def _reduce(values: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return values.mean()
    if reduction == "none":
        return values
    raise ValueError(f"reduction must be 'mean' or 'none', not {reduction!r}")


def _check(pred, target):
    if pred.shape != target.shape or pred.dim() != 4:
        raise ValueError(f"expected two (B, C, H, W) tensors of one shape, got "
                         f"{tuple(pred.shape)} and {tuple(target.shape)}")
    return pred.double(), target.double()


def mae(pred, target, reduction="mean"):
    """Mean absolute error, eq. (17)."""
    pred, target = _check(pred, target)
    return _reduce((pred - target).abs().mean(dim=(1, 2, 3)), reduction)


def mse(pred, target, reduction="mean"):
    """Mean squared error, eq. (18)."""
    pred, target = _check(pred, target)
    return _reduce((pred - target).pow(2).mean(dim=(1, 2, 3)), reduction)


def psnr(pred, target, reduction="mean"):
    """Peak signal-to-noise ratio in dB with peak value 1, eq. (19)."""
    return _reduce(-10.0 * torch.log10(mse(pred, target, "none")), reduction)


def gaussian_window(size: int = 11, sigma: float = 1.5, dtype=torch.float64, device=None):
    """Normalised 1-D Gaussian window (size,)."""
    x = torch.arange(size, dtype=dtype, device=device) - (size - 1) / 2
    g = torch.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


def ssim_map(pred, target, window_size: int = 11, sigma: float = 1.5):
    """Local SSIM, eq. (14), at every window position inside the image: (B, C, H-10, W-10).

    Works in the dtype of its inputs (the loss calls it in float32 and needs its gradient).
    """
    c = pred.shape[1]
    g = gaussian_window(window_size, sigma, pred.dtype, pred.device)
    kernel_h = g.view(1, 1, -1, 1).repeat(c, 1, 1, 1)  # separable Gaussian, per band
    kernel_w = g.view(1, 1, 1, -1).repeat(c, 1, 1, 1)

    def blur(x):
        return F.conv2d(F.conv2d(x, kernel_h, groups=c), kernel_w, groups=c)

    mu_x, mu_y = blur(pred), blur(target)
    var_x = blur(pred * pred) - mu_x**2
    var_y = blur(target * target) - mu_y**2
    cov = blur(pred * target) - mu_x * mu_y
    return ((2 * mu_x * mu_y + C1) * (2 * cov + C2)) / (
        (mu_x**2 + mu_y**2 + C1) * (var_x + var_y + C2)
    )


def ssim(pred, target, reduction="mean", window_size: int = 11, sigma: float = 1.5):
    """Structural similarity, eq. (14), mean over window positions and bands."""
    pred, target = _check(pred, target)
    return _reduce(ssim_map(pred, target, window_size, sigma).mean(dim=(1, 2, 3)), reduction)


def sam(pred, target, reduction="mean"):
    """Spectral angle mapper in degrees, eq. (20), per pixel then averaged (see module doc)."""
    pred, target = _check(pred, target)
    dot = (pred * target).sum(dim=1)  # (B, H, W)
    norms = pred.norm(dim=1) * target.norm(dim=1)
    valid = norms > 0
    cos = torch.where(valid, dot / norms.clamp_min(1e-300), torch.ones_like(dot))
    angle = torch.rad2deg(torch.arccos(cos.clamp(-1.0, 1.0)))
    per_image = (angle * valid).sum(dim=(1, 2)) / valid.sum(dim=(1, 2)).clamp_min(1)
    return _reduce(per_image, reduction)


def all_metrics(pred, target, reduction="mean"):
    """The four metrics of the paper's tables as a dict: PSNR, SSIM, MAE, SAM."""
    return {
        "PSNR": psnr(pred, target, reduction),
        "SSIM": ssim(pred, target, reduction),
        "MAE": mae(pred, target, reduction),
        "SAM": sam(pred, target, reduction),
    }
