"""Multimodal cross-attention, paper Section III-A2, equations (1)-(8).

For one feature level (low or high) with optical features F_Opt and SAR features F_SAR::

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


class MultimodalCrossAttention(nn.Module):
    """Joint attention map AP_Opt-SAR (B, C, H, W) from optical and SAR features (B, C, H, W)."""

    def __init__(self, channels: int, heads: int = 1, attend: str = "channels"):
        super().__init__()
        if attend not in ("channels", "positions"):
            raise ValueError(f"attend must be 'channels' or 'positions', not {attend!r}")
        if channels % heads:
            raise ValueError(f"channels ({channels}) must be a multiple of heads ({heads})")
        self.heads, self.attend = heads, attend
        self.qkv_opt = nn.Conv2d(channels, 3 * channels, 1)  # Q_Opt, K_Opt, V_Opt
        self.qkv_sar = nn.Conv2d(channels, 3 * channels, 1)  # Q_SAR, K_SAR, V_SAR
        self.temperature = nn.Parameter(torch.ones(2, heads, 1, 1))  # per modality and head

    def _split(self, qkv):
        """(B, 3C, H, W) -> Q, K, V each (B, heads, C/heads, HW)."""
        b, c3, h, w = qkv.shape
        return qkv.view(b, 3, self.heads, c3 // (3 * self.heads), h * w).unbind(1)

    def attention_map(self, q, k, modality: int):
        """Equations (1)-(2): the self-attention map P of one modality."""
        if self.attend == "channels":  # (B, h, d, d)
            q, k = F.normalize(q, dim=-1), F.normalize(k, dim=-1)
            return torch.softmax(q @ k.transpose(-2, -1) * self.temperature[modality], dim=-1)
        scale = q.shape[-2] ** -0.5  # positions: (B, h, HW, HW)
        return torch.softmax(q.transpose(-2, -1) @ k * scale, dim=-1)

    def apply_map(self, p, v):
        """The attention product of equations (4) and (7): P_Fuse applied to V, (B, h, d, HW)."""
        if self.attend == "channels":
            return p @ v
        return (p @ v.transpose(-2, -1)).transpose(-2, -1)

    def forward(self, f_opt, f_sar):
        b, c, h, w = f_opt.shape
        q_opt, k_opt, v_opt = self._split(self.qkv_opt(f_opt))
        q_sar, k_sar, v_sar = self._split(self.qkv_sar(f_sar))
        p_fuse = self.attention_map(q_opt, k_opt, 0) * self.attention_map(q_sar, k_sar, 1)  # (3)
        ap_opt, ap_sar = self.apply_map(p_fuse, v_opt), self.apply_map(p_fuse, v_sar)  # (4)
        return (ap_opt * ap_sar).reshape(b, c, h, w)  # (5)
