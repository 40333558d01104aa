"""Multimodal cross-attention: both fusions against numpy transcriptions, and signal through it."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from mmcanet_core import build_model
from mmcanet_core.models.attention import MultimodalCrossAttention

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from attention_signal import activate_blocks, attention_signal  # noqa: E402


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
    """Equations (1)-(5) for one image (C, H, W) with one head, in plain numpy: as printed
    (``literal``) or normalised (``softmax``: row-normalised product, AP layer-normalised)."""
    c, h, w = f_opt.shape
    q_o, k_o, v_o = project(module.qkv_opt, f_opt)
    q_s, k_s, v_s = project(module.qkv_sar, f_sar)
    t = module.temperature.detach().double().numpy()[:, 0, 0, 0]
    if module.attend == "channels":
        def unit(m):
            return m / np.linalg.norm(m, axis=1, keepdims=True)

        l_opt = unit(q_o) @ unit(k_o).T * t[0]  # (1): C x C logits
        l_sar = unit(q_s) @ unit(k_s).T * t[1]  # (2)
    else:
        l_opt = q_o.T @ k_o * c**-0.5  # (1): Q^T K, N x N logits
        l_sar = q_s.T @ k_s * c**-0.5  # (2)
    if module.fusion == "literal":
        p_fuse = softmax_rows(l_opt) * softmax_rows(l_sar)  # (3) as printed
    else:
        p_fuse = softmax_rows(l_opt + l_sar)  # (3), rows normalised
    if module.attend == "channels":
        ap_opt, ap_sar = p_fuse @ v_o, p_fuse @ v_s  # (4)
    else:
        ap_opt, ap_sar = (p_fuse @ v_o.T).T, (p_fuse @ v_s.T).T  # (4)
    ap = ap_opt * ap_sar  # (5)
    if module.fusion == "literal":
        return ap.reshape(c, h, w)
    norm = module.norm.norm  # layer normalisation over the channels of every pixel
    mean, var = ap.mean(axis=0), ap.var(axis=0)
    scale = norm.weight.detach().double().numpy()[:, None]
    shift = norm.bias.detach().double().numpy()[:, None]
    return ((ap - mean) / np.sqrt(var + norm.eps) * scale + shift).reshape(c, h, w)


@pytest.mark.parametrize("fusion", ["literal", "softmax"])
@pytest.mark.parametrize("attend", ["channels", "positions"])
def test_cross_attention_matches_equations(attend, fusion):
    torch.manual_seed(0)
    module = MultimodalCrossAttention(6, heads=1, attend=attend, fusion=fusion).double()
    torch.nn.init.uniform_(module.temperature, 0.5, 2.0)
    if module.norm is not None:
        torch.nn.init.uniform_(module.norm.norm.weight, 0.5, 2.0)
        torch.nn.init.uniform_(module.norm.norm.bias, -0.5, 0.5)
    f_opt, f_sar = torch.randn(2, 6, 4, 5).double(), torch.randn(2, 6, 4, 5).double()
    out = module(f_opt, f_sar).detach().numpy()
    for i in range(2):
        expected = transcription(module, f_opt[i].numpy(), f_sar[i].numpy())
        np.testing.assert_allclose(out[i], expected, rtol=1e-9, atol=1e-12)


def test_fused_map_is_the_row_normalised_product_of_the_two_maps():
    """softmax(L_Opt + L_SAR) = (P_Opt . P_SAR) / row sums: eq. (3) with attention's scale."""
    torch.manual_seed(0)
    literal = MultimodalCrossAttention(8, fusion="literal").double()
    fused = MultimodalCrossAttention(8).double()
    fused.load_state_dict(literal.state_dict(), strict=False)
    f_opt, f_sar = torch.randn(1, 8, 6, 6).double(), torch.randn(1, 8, 6, 6).double()
    q_o, k_o, _ = literal._split(literal.qkv_opt(f_opt))
    q_s, k_s, _ = literal._split(literal.qkv_sar(f_sar))
    product = literal.fused_map(q_o, k_o, q_s, k_s)
    assert torch.allclose(product.sum(-1), torch.full_like(product.sum(-1), 1 / 8), rtol=0.5)
    normalised = fused.fused_map(q_o, k_o, q_s, k_s)
    assert torch.allclose(normalised, product / product.sum(-1, keepdim=True))
    assert torch.allclose(normalised.sum(-1), torch.ones(1, 1, 8).double())


def test_heads_attend_independently():
    """With two heads, channels of one head never mix with the other head's values."""
    torch.manual_seed(0)
    module = MultimodalCrossAttention(4, heads=2, fusion="literal").double()
    f_opt, f_sar = torch.randn(1, 4, 3, 3).double(), torch.randn(1, 4, 3, 3).double()
    with torch.no_grad():  # zero the value projections of head 2 in both modalities
        for conv in (module.qkv_opt, module.qkv_sar):
            conv.weight[8 + 2:], conv.bias[8 + 2:] = 0, 0
    out = module(f_opt, f_sar)
    assert torch.all(out[:, 2:] == 0) and torch.any(out[:, :2] != 0)


@pytest.mark.parametrize("fusion", ["literal", "softmax"])
def test_both_modalities_matter(fusion):
    torch.manual_seed(0)
    module = MultimodalCrossAttention(4, fusion=fusion)
    f_opt, f_sar = torch.randn(1, 4, 5, 5), torch.randn(1, 4, 5, 5)
    base = module(f_opt, f_sar)
    assert not torch.allclose(base, module(f_opt, torch.randn(1, 4, 5, 5)))
    assert not torch.allclose(base, module(torch.randn(1, 4, 5, 5), f_sar))


# Issue 10, item 2: the cross-attention must carry signal in the network. The same measurements
# as scripts/attention_signal.py on a reduced network (fast); the printed equations must fail them.
SIGNAL_NET = dict(width=16, enc_blocks=(1, 1, 1, 2), dec_blocks=(1, 1), num_bases=8)


def signal(fusion, active=False):
    torch.manual_seed(0)
    model = build_model("mmcanet", fusion=fusion, **SIGNAL_NET)
    if active:
        activate_blocks(model)
    return attention_signal(model, size=32, batch=1)


def carries_signal(r, active):
    big = all(r[level]["ap_over_f"] >= 0.01 for level in ("low", "high"))  # >= 1 % of F
    # Q/K/V gradient norms >= 1e-3 of the stem's, per pixel of their map (the high-level map has
    # 64x fewer pixels to sum a weight's gradient over; scripts/attention_signal.py).
    grads = all(r[level]["grad_pixel"] >= 1e-3 for level in ("low", "high"))
    return big and grads and (r["dout"] > 1e-3 if active else True)


@pytest.fixture(scope="module")
def measured():
    return {(f, a): signal(f, a) for f in ("literal", "softmax") for a in (False, True)}


@pytest.mark.parametrize("active", [False, True], ids=["init", "active blocks"])
def test_cross_attention_carries_signal(measured, active):
    """AP >= 1 % of the features it joins at both levels; Q/K/V gradient norms >= 1e-3 of the
    first convolution's (per pixel of their map); once the blocks are active, removing AP changes
    the output."""
    r = measured[("softmax", active)]
    assert carries_signal(r, active), json.dumps(r)
    if active:
        assert r["dout"] > 1e-2  # measurably: a hundredth of the [0, 1] range at least


@pytest.mark.parametrize("active", [False, True], ids=["init", "active blocks"])
def test_the_printed_equations_fail_the_signal_test(measured, active):
    """The same test rejects an inert fusion: the literal eqs. (3)-(5) are below every bound."""
    r = measured[("literal", active)]
    assert not carries_signal(r, active)
    assert max(r[level]["ap_over_f"] for level in ("low", "high")) < 1e-4
    assert r["dout"] < 1e-4


def test_weights_saved_before_the_fusion_option_keep_their_literal_maths(tmp_path):
    """Old files lack ``fusion`` and were trained with the printed equations: they load as
    ``fusion="literal"``; new files always record their fusion."""
    from safetensors.torch import save_file

    from mmcanet_core.weights.checkpoint import (
        METADATA_KEY,
        build_metadata,
        load_weights,
        read_metadata,
        save_weights,
    )

    torch.manual_seed(0)
    options = dict(SIGNAL_NET, in_channels=3)
    old = build_model("mmcanet", fusion="literal", **options).eval()
    meta = build_metadata(name="mmcanet", options=options, optical_bands=(4, 3, 2),
                          trained_on="test")  # fmt: skip
    assert meta["model"]["options"]["fusion"] == "softmax"  # recorded for new files
    del meta["model"]["options"]["fusion"]  # as every file written before the option existed
    path = tmp_path / "old.safetensors"
    save_file({k: v.contiguous() for k, v in old.state_dict().items()}, str(path),
              metadata={METADATA_KEY: json.dumps(meta)})  # fmt: skip
    model, _ = load_weights(path)
    assert model.cross_low.fusion == model.cross_high.fusion == "literal"
    sar, optical = torch.rand(1, 2, 32, 32), torch.rand(1, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(model(sar, optical), old(sar, optical))
    new = save_weights(tmp_path / "new.safetensors", build_model("mmcanet", **options),
                       name="mmcanet", options=options, optical_bands=(4, 3, 2), trained_on="t")
    assert read_metadata(new)["model"]["options"]["fusion"] == "softmax"
    assert load_weights(new)[0].cross_low.fusion == "softmax"
