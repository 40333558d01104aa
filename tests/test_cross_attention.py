"""Multimodal cross-attention against a direct transcription of equations (1)-(8)."""

import numpy as np
import pytest
import torch

from mmcanet_core.models.attention import MultimodalCrossAttention


def softmax_rows(m):
    e = np.exp(m - m.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def project(conv, f):
    """1x1 convolution written out: Q, K, V as (C, N) matrices of one image."""
    w = conv.weight.detach().double().numpy()[:, :, 0, 0]
    b = conv.bias.detach().double().numpy()
    out = w @ f.reshape(f.shape[0], -1) + b[:, None]
    return np.split(out, 3, axis=0)


def transcription(module, f_opt, f_sar):
    """Equations (1)-(5) for one image (C, H, W) with one head, in plain numpy."""
    c, h, w = f_opt.shape
    q_o, k_o, v_o = project(module.qkv_opt, f_opt)
    q_s, k_s, v_s = project(module.qkv_sar, f_sar)
    t = module.temperature.detach().double().numpy()[:, 0, 0, 0]
    if module.attend == "channels":
        def unit(m):
            return m / np.linalg.norm(m, axis=1, keepdims=True)

        p_opt = softmax_rows(unit(q_o) @ unit(k_o).T * t[0])  # (1): C x C
        p_sar = softmax_rows(unit(q_s) @ unit(k_s).T * t[1])  # (2)
        p_fuse = p_opt * p_sar  # (3)
        ap_opt, ap_sar = p_fuse @ v_o, p_fuse @ v_s  # (4)
    else:
        scale = c ** -0.5
        p_opt = softmax_rows(q_o.T @ k_o * scale)  # (1): Q^T K, N x N
        p_sar = softmax_rows(q_s.T @ k_s * scale)  # (2)
        p_fuse = p_opt * p_sar  # (3)
        ap_opt, ap_sar = (p_fuse @ v_o.T).T, (p_fuse @ v_s.T).T  # (4)
    return (ap_opt * ap_sar).reshape(c, h, w)  # (5)


@pytest.mark.parametrize("attend", ["channels", "positions"])
def test_cross_attention_matches_equations(attend):
    torch.manual_seed(0)
    module = MultimodalCrossAttention(6, heads=1, attend=attend).double()
    torch.nn.init.uniform_(module.temperature, 0.5, 2.0)
    f_opt, f_sar = torch.randn(2, 6, 4, 5).double(), torch.randn(2, 6, 4, 5).double()
    out = module(f_opt, f_sar).detach().numpy()
    for i in range(2):
        expected = transcription(module, f_opt[i].numpy(), f_sar[i].numpy())
        np.testing.assert_allclose(out[i], expected, rtol=1e-9, atol=1e-12)


def test_heads_attend_independently():
    """With two heads, channels of one head never mix with the other head's values."""
    torch.manual_seed(0)
    module = MultimodalCrossAttention(4, heads=2).double()
    f_opt, f_sar = torch.randn(1, 4, 3, 3).double(), torch.randn(1, 4, 3, 3).double()
    with torch.no_grad():  # zero the value projections of head 2 in both modalities
        for conv in (module.qkv_opt, module.qkv_sar):
            conv.weight[8 + 2:], conv.bias[8 + 2:] = 0, 0
    out = module(f_opt, f_sar)
    assert torch.all(out[:, 2:] == 0) and torch.any(out[:, :2] != 0)


def test_both_modalities_matter():
    torch.manual_seed(0)
    module = MultimodalCrossAttention(4)
    f_opt, f_sar = torch.randn(1, 4, 5, 5), torch.randn(1, 4, 5, 5)
    base = module(f_opt, f_sar)
    assert not torch.allclose(base, module(f_opt, torch.randn(1, 4, 5, 5)))
    assert not torch.allclose(base, module(torch.randn(1, 4, 5, 5), f_sar))
