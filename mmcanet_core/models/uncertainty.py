"""The confidence layer: a per-pixel Laplace scale predicted beside the restored image.

A model built with ``uncertainty=True`` carries a :class:`LaplaceScaleHead` on the features its
terminal convolution reads (MMCANet's last decoder features, DSen2-CR's last residual block, the
last MPIR stage). It predicts one scale ``b`` per pixel, shared by every band, in reflectance units
of the [0, 1] optical input: ``softplus(conv1x1(relu(conv3x3(f)))) + EPS``, so ``b > 0``. Under a
Laplace likelihood the expected absolute error of a band is ``b``; training minimises the
negative log-likelihood ``mean_c |y_c - mu_c| / b + log b``
(:func:`mmcanet_core.training.losses.laplace_nll`, as UnCRtainTS does with its Laplacian head).

The restored image is unchanged by the head: ``model(sar, optical)`` returns it exactly as a model
without the head does, and ``model.forward_uncertainty(sar, optical)`` returns
``(restored (B, C, H, W), scale (B, 1, H, W))``. ``model.has_uncertainty`` says which kind a model
is; the option is stored in the weights metadata like every other model option.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmcanet_core.errors import WeightsError

EPS = 1e-4  # the smallest scale: 0.01 % reflectance, keeps log b and 1 / b finite
INITIAL_SCALE = 0.02  # the scale the untrained head predicts (bias of the last convolution)


class LaplaceScaleHead(nn.Module):
    """(B, width, H, W) features -> (B, 1, H, W) Laplace scale ``b > 0``."""

    def __init__(self, width: int, hidden: int = 16):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, hidden, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(hidden, 1, 1),
        )  # fmt: skip
        nn.init.zeros_(self.body[2].weight)
        nn.init.constant_(self.body[2].bias, math.log(math.expm1(INITIAL_SCALE - EPS)))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return F.softplus(self.body(features)) + EPS


def scale_head(uncertainty: bool, width: int):
    """The head for a model built with ``uncertainty``, else None."""
    return LaplaceScaleHead(width) if uncertainty else None


def no_uncertainty(model: nn.Module) -> WeightsError:
    """The error for ``forward_uncertainty`` on a model built without the head."""
    name = type(model).__name__
    return WeightsError(f"{name} was built without an uncertainty head, so it predicts no "
                        "per-pixel scale; use weights trained with the model option "
                        "uncertainty=true (train --uncertainty)")


class UncertaintyMixin:
    """``has_uncertainty``, ``forward``, ``forward_stages`` and ``forward_uncertainty`` from one
    method the model defines: ``_stages_and_features(sar, optical)`` -> (stage outputs coarse to
    fine, the features the last terminal convolution read) and ``self.scale_head`` (a
    :class:`LaplaceScaleHead` or None, set in ``__init__``: a class attribute would hide the
    registered module)."""

    @property
    def has_uncertainty(self) -> bool:
        return self.scale_head is not None

    def forward_stages_and_scale(self, sar, optical):
        """Every stage's output and the scale (None without the head), in one pass."""
        outputs, features = self._stages_and_features(sar, optical)
        scale = self.scale_head(features) if self.scale_head is not None else None
        return outputs, scale

    def forward_stages(self, sar, optical):
        """Every stage's output, coarse to fine (one entry for single-stage models)."""
        return self._stages_and_features(sar, optical)[0]

    def forward(self, sar, optical):
        """(B, 2, H, W) SAR and (B, C, H, W) cloudy optical in [0, 1] -> restored (B, C, H, W)."""
        return self.forward_stages(sar, optical)[-1]

    def forward_uncertainty(self, sar, optical):
        """-> (restored (B, C, H, W), Laplace scale (B, 1, H, W) in reflectance units)."""
        if self.scale_head is None:
            raise no_uncertainty(self)
        outputs, scale = self.forward_stages_and_scale(sar, optical)
        return outputs[-1], scale
