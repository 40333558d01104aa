"""Multimodal cross-attention, paper Section III-A2, equations (1)-(8).

For one feature level (low or high) with optical features F_Opt and SAR features F_SAR, the
paper prints::

    Q, K, V = Conv1x1(F)                       for each modality (query, key, value)
    P_Opt   = softmax(Q_Opt^T (x) K_Opt)       (1), (6)-left
    P_SAR   = softmax(Q_SAR^T (x) K_SAR)       (2)
    P_Fuse  = P_Opt . P_SAR                    (3), (6)   element-wise product of the two maps
    AP_Opt  = P_Fuse (x) V_Opt                 (4), (7)   the fused map applied to each value
    AP_SAR  = P_Fuse (x) V_SAR
    AP_Opt-SAR = AP_Opt . AP_SAR               (5), (8)   element-wise product

The paper writes the same symbol for (3)-(5). In (3) and (5) both operands have the same shape, so
it is the element-wise product; in (4) an attention map meets a value tensor, so it is the
attention product (matrix multiplication), as in every attention mechanism.

Why the printed equations are inert (``fusion="literal"``, kept for the record)
-------------------------------------------------------------------------------
Each row of a softmax map sums to 1, so each row of the product (3) of two n x n maps sums to
about 1/n when the maps are diffuse, as they are at initialisation (for channels, n = C = 64 or
256; for positions, n = HW). (4) then averages the values with weights that sum to 1/n, which
shrinks them by about 1/n, and so does the cancellation of random value projections; (5)
multiplies two such tiny numbers. Measured on the default network (width 32, 128 x 128 random
input, ``scripts/attention_signal.py``): AP has a mean magnitude of 2e-7 (low level) and 5e-9
(high level) of the features it joins; zeroing AP changes the output by at most 1e-7; the
gradients that reach the Q/K/V convolutions are 1e-9 and 1e-12 of the first convolution's (mean
absolute value per weight). ``attend="positions"`` is as dead (5e-9 and 5e-7). Nothing trains
the module out of this: with gradients 1e-12 of the others' it stays at its start, and
``cross_attention=True`` behaves as if it were off.

What the code does instead (``fusion="softmax"``, the default)
--------------------------------------------------------------
The same structure, with each step normalised as attention normally is::

    L_Opt, L_SAR = Q_Opt^T (x) K_Opt, Q_SAR^T (x) K_SAR       the logits of (1), (2)
    P_Fuse  = softmax(L_Opt + L_SAR)                           (3): P_Opt . P_SAR, row-normalised
    AP_Opt, AP_SAR = P_Fuse (x) V_Opt, P_Fuse (x) V_SAR        (4)
    AP_Opt-SAR = LN(AP_Opt . AP_SAR)                           (5), then layer normalisation

``softmax(L_Opt + L_SAR)`` is exactly the element-wise product ``P_Opt . P_SAR`` of (3) divided
by its row sums (``exp(a + b) = exp(a) exp(b)``; the softmax denominators cancel): the fused map
weights a pair (i, j) highly only where BOTH modalities attend from i to j, as (3) intends, but its
rows sum to 1 like any attention map. The product (5) is kept (a gating of the optical by the SAR
attention output) and followed by a layer normalisation over the channels of every pixel with a
learned scale and shift (``LayerNorm2d``, as in the MFF blocks), so AP enters the concatenation
of eqs. (9)-(10) at a fixed scale whatever the size of the product.

Measured on the default network (width 32, 128 x 128 random input, seed 0,
``python scripts/attention_signal.py``; "active": MFF residual scales drawn from N(0, 0.5)).
AP/F: mean |AP| over mean |F| of the features it joins; dOut: largest output change when AP is
zeroed; grad: Q/K/V gradient norm per pixel of its map over the first convolution's::

    fusion, axis, state          AP/F low  AP/F high  dOut     grad low  grad high
    literal, channels, init      3.8e-07   3.7e-09    1.2e-07  4.1e-08   1.3e-10
    literal, channels, active    2.0e-07   8.0e-09    2.4e-07  5.5e-08   1.3e-09
    literal, positions, init     3.9e-09   5.1e-07    1.2e-07  8.9e-13   2.0e-12
    softmax, channels, init      1.2       0.20       3.5e-02  0.11      8.3e-03
    softmax, channels, active    0.66      0.29       8.0e-02  0.23      6.8e-02
    softmax, positions, init     4.4       9.5        7.4e-02  1.1e-03   4.5e-05

The shipped demonstrator (trained with ``fusion="softmax"``): AP/F 4.1 (low) and 1.4 (high),
zeroing AP changes its output by up to 0.085 (``--weights``).

Choices where the paper is silent (options of :class:`MultimodalCrossAttention`):

* ``attend="channels"`` (default): Q^T K is taken with Q, K as (HW, C) matrices, giving a C x C
  map (transposed attention, as in Restormer). Cost and memory grow linearly with the image size,
  so 256 px inference tiles and whole scenes are affordable. ``attend="positions"`` takes them as
  (C, HW) matrices, giving an HW x HW map (DANet's position attention, the literal reading), which
  is quadratic in HW: fine for the paper's 128 px patches, heavy for large tiles.
* Scaling before the softmax: for channels, Q and K are L2-normalised along the pixels and scaled
  by a learned temperature (Restormer), because raw dot products over thousands of pixels
  saturate the softmax; for positions, the usual 1/sqrt(d).
* ``heads`` splits the channels into independent heads (default 1, as the paper describes one).
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmcanet_core.models.blocks import LayerNorm2d

FUSIONS = ("softmax", "literal")


class MultimodalCrossAttention(nn.Module):
    """Joint attention map AP_Opt-SAR (B, C, H, W) from optical and SAR features (B, C, H, W).

    ``fusion="softmax"`` (default) is the normalised form, ``"literal"`` the printed equations
    (see the module docstring for why those are inert).
    """

    def __init__(self, channels: int, heads: int = 1, attend: str = "channels",
                 fusion: str = "softmax"):
        super().__init__()
        if attend not in ("channels", "positions"):
            raise ValueError(f"attend must be 'channels' or 'positions', not {attend!r}")
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {FUSIONS}, not {fusion!r}")
        if channels % heads:
            raise ValueError(f"channels ({channels}) must be a multiple of heads ({heads})")
        self.heads, self.attend, self.fusion = heads, attend, fusion
        self.qkv_opt = nn.Conv2d(channels, 3 * channels, 1)  # Q_Opt, K_Opt, V_Opt
        self.qkv_sar = nn.Conv2d(channels, 3 * channels, 1)  # Q_SAR, K_SAR, V_SAR
        self.temperature = nn.Parameter(torch.ones(2, heads, 1, 1))  # per modality and head
        self.norm = LayerNorm2d(channels) if fusion == "softmax" else None

    def _split(self, qkv):
        """(B, 3C, H, W) -> Q, K, V each (B, heads, C/heads, HW)."""
        b, c3, h, w = qkv.shape
        return qkv.view(b, 3, self.heads, c3 // (3 * self.heads), h * w).unbind(1)

    def logits(self, q, k, modality: int):
        """The argument of the softmax of equations (1)-(2): Q^T K, scaled."""
        if self.attend == "channels":  # (B, h, d, d)
            q, k = F.normalize(q, dim=-1), F.normalize(k, dim=-1)
            return q @ k.transpose(-2, -1) * self.temperature[modality]
        return q.transpose(-2, -1) @ k * q.shape[-2] ** -0.5  # positions: (B, h, HW, HW)

    def fused_map(self, q_opt, k_opt, q_sar, k_sar):
        """Equation (3): P_Fuse from both modalities' queries and keys."""
        l_opt, l_sar = self.logits(q_opt, k_opt, 0), self.logits(q_sar, k_sar, 1)
        if self.fusion == "literal":  # (1), (2), (3) as printed
            return torch.softmax(l_opt, dim=-1) * torch.softmax(l_sar, dim=-1)
        return torch.softmax(l_opt + l_sar, dim=-1)  # P_Opt . P_SAR, rows normalised

    def apply_map(self, p, v):
        """The attention product of equations (4) and (7): P_Fuse applied to V, (B, h, d, HW)."""
        if self.attend == "channels":
            return p @ v
        return (p @ v.transpose(-2, -1)).transpose(-2, -1)

    def forward(self, f_opt, f_sar):
        b, c, h, w = f_opt.shape
        q_opt, k_opt, v_opt = self._split(self.qkv_opt(f_opt))
        q_sar, k_sar, v_sar = self._split(self.qkv_sar(f_sar))
        p_fuse = self.fused_map(q_opt, k_opt, q_sar, k_sar)  # (3)
        ap_opt, ap_sar = self.apply_map(p_fuse, v_opt), self.apply_map(p_fuse, v_sar)  # (4)
        ap = (ap_opt * ap_sar).reshape(b, c, h, w)  # (5)
        return ap if self.norm is None else self.norm(ap)
