"""Building blocks of both streams and the decoder: the MFF block and its kernel basis attention.

Paper Section III-A1 and Fig. 2, after KBNet [26] (Zhang et al., "KBNet: Kernel Basis Network
for Image Restoration", 2023). The MFF block is::

    y = LN(x)                                                   # layer normalisation
    f = DWConv(y) * CA(y) * KBA(y)                              # three branches, point-wise product
    x = x + beta * Conv1x1(f)                                   # residual shortcut
    x = x + gamma * FFN(LN(x))                                  # KBNet's gated feed-forward

Choices where the paper is silent (each an option of :class:`MFFBlock`):

* ``dw_kernel``: 3 for MMCANet, 5 for MMCANet_L (Table II). The branch is KBNet's: a 1x1 conv then a
  depth-wise kxk conv.
* Channel attention is squeeze-and-excitation [28] (global average pool, bottleneck, sigmoid), the
  paper's citation, rather than KBNet's simplified (sigmoid-free) variant.
* KBA uses ``num_bases`` learned kernel bases of size ``kba_kernel`` on channel groups of
  ``group_channels`` channels (KBNet: 32 bases, groups of 4). The two streams use different
  ``kba_kernel`` sizes ("distinct kernel sizes for the optical and SAR modalities").
* The gated feed-forward network of KBNet's MFF block is kept (``ffn_expand=2``; 0 removes it):
  the paper adopts KBNet's block and describes only its attention half.
* ``beta`` and ``gamma``, the scales of the two residual branches, start at ``BLOCK_SCALE_INIT``
  = 1e-2 as in KBNet (NAFNet starts them at 0): every block starts close to the identity, yet
  gradients reach every layer inside it from the first step (at 0 only the scales themselves get
  a gradient at first). Until this was settled they started at 0; the start value is not stored
  in weights files and does not change the maths of trained weights.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

#: Initial value of the MFF blocks' residual scales ``beta`` and ``gamma`` (KBNet's).
BLOCK_SCALE_INIT = 1e-2


def upsample(x: torch.Tensor, factor: int) -> torch.Tensor:
    """Bilinear upsampling of a (B, C, H, W) map by an integer ``factor`` -> (B, C, fH, fW).

    A constant factor, not a target size: the same numbers as ``resize`` to (fH, fW), and an
    exported graph whose sizes stay symbolic (torch 2.6's ONNX exporter cannot decompose a
    bilinear resize to symbolic sizes; Debian 13 ships that torch).
    """
    return F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)


def resize(x: torch.Tensor, size) -> torch.Tensor:
    """Bilinear (anti-aliased when shrinking) resize of a (B, C, H, W) image to ``size`` = (h, w).

    The one resampling used between MPIR stages and for the targets that supervise them.
    ``size`` is used as given, never through ``int()``: that would freeze a symbolic size to a
    constant when the network is exported to ONNX with a dynamic tile size.
    """
    size = tuple(size)
    if tuple(x.shape[-2:]) == size:
        return x
    shrink = size[0] < x.shape[-2] or size[1] < x.shape[-1]
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False, antialias=shrink)


def pad_to_multiple(x: torch.Tensor, multiple: int):
    """Pad H and W at the bottom/right up to a multiple; returns the padded tensor and (H, W)."""
    h, w = x.shape[-2:]
    ph, pw = (-h) % multiple, (-w) % multiple
    if ph or pw:
        mode = "reflect" if ph < h and pw < w else "replicate"
        x = F.pad(x, (0, pw, 0, ph), mode=mode)
    return x, (h, w)


class LayerNorm2d(nn.Module):
    """Layer normalisation over the channels of every pixel of a (B, C, H, W) map."""

    def __init__(self, channels: int, eps: float = 1e-6):
        super().__init__()
        self.norm = nn.LayerNorm(channels, eps=eps)

    def forward(self, x):
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ChannelAttention(nn.Module):
    """Squeeze-and-excitation [28]: per-channel weights in (0, 1), shape (B, C, 1, 1)."""

    def __init__(self, channels: int, reduction: int = 4):
        super().__init__()
        hidden = max(channels // reduction, 4)
        self.net = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),  # (B, C, 1, 1)
            nn.Conv2d(channels, hidden, 1),
            nn.ReLU(inplace=True),
            nn.Conv2d(hidden, channels, 1),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return self.net(x)


def kernel_basis_attention(x, coefficients, weight, bias):
    """Apply pixel-adaptive kernels built from kernel bases (KBA, Fig. 2(b)).

    At every pixel p the kernel is the linear combination ``K_p = sum_n a_n(p) W_n`` of the N
    bases, with bias ``b_p = sum_n a_n(p) b_n``, and ``y(p) = (K_p * x)(p) + b_p`` (a grouped
    convolution). By linearity this equals ``sum_n a_n(p) ((W_n * x)(p) + b_n)``, which one grouped
    convolution computes for all bases at once: no per-pixel kernel is ever materialised.

    Args:
        x: features (B, C, H, W).
        coefficients: pixel-wise coefficients a (B, N, H, W).
        weight: kernel bases W (N, C, G, k, k): output channel c sees the G input channels of its
            group ``c // G``.
        bias: bias bases b (N, C).
    Returns:
        (B, C, H, W).
    """
    b, c, h, w = x.shape
    n, _, g, k, _ = weight.shape
    groups = c // g
    # Output channels ordered (group, basis, channel in group), as grouped convolution needs.
    w_all = weight.view(n, groups, g, g, k, k).transpose(0, 1).reshape(groups * n * g, g, k, k)
    y = F.conv2d(x, w_all, padding=k // 2, groups=groups)  # (B, groups*N*G, H, W)
    y = y.view(b, groups, n, g, h, w)
    # Weighted sum over the bases, in this layout (no transposed copy of y; einsum would lower
    # it to one tiny matrix product per pixel): (B, groups, G, H, W).
    # The explicit dtype keeps the sum in the features' dtype under CUDA autocast, which would
    # otherwise run it in float32: that output, and the gradient the backward pass broadcasts
    # back to the full (B, groups, N, G, H, W) product, the largest tensor here, cost extra casts.
    mixed = (y * coefficients.view(b, 1, n, 1, h, w)).sum(dim=2, dtype=y.dtype)
    offset = F.conv2d(coefficients, bias.t().reshape(c, n, 1, 1))  # sum_n a_n(p) b_n
    return mixed.reshape(b, c, h, w) + offset


class KernelBasisAttention(nn.Module):
    """KBA branch: project the features, predict pixel-wise coefficients, mix the kernel bases.

    As in KBNet the adaptive result is added, scaled by a small learned factor, to the projected
    features it was computed from.
    """

    def __init__(self, channels: int, kernel_size: int = 3, num_bases: int = 32,
                 group_channels: int = 4):
        super().__init__()
        if channels % group_channels:
            raise ValueError(f"channels ({channels}) must be a multiple of group_channels "
                             f"({group_channels})")
        self.project = nn.Sequential(
            nn.Conv2d(channels, channels, 1),
            nn.Conv2d(channels, channels, 3, padding=1, groups=channels),
        )
        self.coefficients = nn.Sequential(  # (B, N, H, W)
            nn.Conv2d(channels, channels, 3, padding=1, groups=channels),
            nn.GELU(),
            nn.Conv2d(channels, num_bases, 1),
        )
        self.weight = nn.Parameter(torch.empty(num_bases, channels, group_channels,
                                               kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.empty(num_bases, channels))
        self.scale = nn.Parameter(torch.full((1, channels, 1, 1), 1e-2))
        fan_in = group_channels * kernel_size * kernel_size
        for basis in self.weight:  # each basis initialised like a convolution
            nn.init.kaiming_uniform_(basis, a=math.sqrt(5))
        nn.init.uniform_(self.bias, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))

    def forward(self, x):
        features = self.project(x)
        adaptive = kernel_basis_attention(features, self.coefficients(x), self.weight, self.bias)
        return features + self.scale * adaptive


class GatedFFN(nn.Module):
    """KBNet's feed-forward network: 1x1 expand, simple gate (a * b), 1x1 back."""

    def __init__(self, channels: int, expand: int = 2):
        super().__init__()
        hidden = channels * expand
        self.expand = nn.Conv2d(channels, hidden, 1)
        self.reduce = nn.Conv2d(hidden // 2, channels, 1)

    def forward(self, x):
        a, b = self.expand(x).chunk(2, dim=1)
        return self.reduce(a * b)


class MFFBlock(nn.Module):
    """Multiaxis feature fusion block (Fig. 2(a)); see the module docstring for the layout."""

    def __init__(self, channels: int, dw_kernel: int = 3, kba_kernel: int = 3,
                 num_bases: int = 32, group_channels: int = 4, ffn_expand: int = 2):
        super().__init__()
        self.norm = LayerNorm2d(channels)
        self.dwconv = nn.Sequential(  # branch 1: spatially invariant local features
            nn.Conv2d(channels, channels, 1),
            nn.Conv2d(channels, channels, dw_kernel, padding=dw_kernel // 2, groups=channels),
        )
        self.channel_attention = ChannelAttention(channels)  # branch 2: channel modulation
        self.kba = KernelBasisAttention(channels, kba_kernel, num_bases, group_channels)  # 3
        self.fuse = nn.Conv2d(channels, channels, 1)
        self.beta = nn.Parameter(torch.full((1, channels, 1, 1), BLOCK_SCALE_INIT))
        self.ffn = None
        if ffn_expand:
            self.ffn_norm = LayerNorm2d(channels)
            self.ffn = GatedFFN(channels, ffn_expand)
            self.gamma = nn.Parameter(torch.full((1, channels, 1, 1), BLOCK_SCALE_INIT))

    def forward(self, x):  # (B, C, H, W) -> (B, C, H, W)
        y = self.norm(x)
        fused = self.dwconv(y) * self.channel_attention(y) * self.kba(y)  # point-wise product
        x = x + self.beta * self.fuse(fused)  # residual shortcut
        if self.ffn is not None:
            x = x + self.gamma * self.ffn(self.ffn_norm(x))
        return x
