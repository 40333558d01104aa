"""Kernel basis attention (Fig. 2(b)) against a slow, obviously-correct per-pixel reference."""

import numpy as np
import torch

from mmcanet_core.models.blocks import KernelBasisAttention, MFFBlock, kernel_basis_attention


def per_pixel_reference(x, coefficients, weight, bias):
    """Build the kernel K_p = sum_n a_n(p) W_n at every pixel and apply it there."""
    x, a = x.double().numpy(), coefficients.double().numpy()
    weight, bias = weight.double().numpy(), bias.double().numpy()
    b, c, h, w = x.shape
    n, _, g, k, _ = weight.shape
    r = k // 2
    padded = np.pad(x, ((0, 0), (0, 0), (r, r), (r, r)))
    out = np.zeros((b, c, h, w))
    for i in range(b):
        for y in range(h):
            for z in range(w):
                kernel = np.tensordot(a[i, :, y, z], weight, axes=1)  # (C, G, k, k)
                offset = np.tensordot(a[i, :, y, z], bias, axes=1)  # (C,)
                window = padded[i, :, y:y + k, z:z + k]  # (C, k, k)
                for co in range(c):
                    group = co // g
                    inputs = window[group * g:(group + 1) * g]  # (G, k, k)
                    out[i, co, y, z] = (kernel[co] * inputs).sum() + offset[co]
    return torch.from_numpy(out)


def test_kba_matches_per_pixel_kernels():
    torch.manual_seed(0)
    for k, g in ((3, 4), (5, 2)):
        x = torch.randn(2, 8, 6, 5)
        coefficients = torch.randn(2, 6, 6, 5)
        weight, bias = torch.randn(6, 8, g, k, k), torch.randn(6, 8)
        fast = kernel_basis_attention(x.double(), coefficients.double(), weight.double(),
                                      bias.double())
        assert torch.allclose(fast, per_pixel_reference(x, coefficients, weight, bias),
                              atol=1e-10)


def test_kba_is_pixel_adaptive():
    """Different coefficients at two pixels with identical neighbourhoods give different output."""
    torch.manual_seed(0)
    x = torch.ones(1, 4, 5, 5)
    weight, bias = torch.randn(2, 4, 4, 3, 3), torch.zeros(2, 4)
    coefficients = torch.zeros(1, 2, 5, 5)
    coefficients[0, 0, 2, 1] = 1.0  # pixel (2, 1) uses basis 0
    coefficients[0, 1, 2, 3] = 1.0  # pixel (2, 3) uses basis 1
    out = kernel_basis_attention(x, coefficients, weight, bias)
    assert torch.allclose(out[0, :, 2, 1], weight[0].sum(dim=(1, 2, 3)), atol=1e-5)
    assert torch.allclose(out[0, :, 2, 3], weight[1].sum(dim=(1, 2, 3)), atol=1e-5)


def test_kba_module_and_mff_block_shapes_and_gradients():
    torch.manual_seed(0)
    x = torch.randn(2, 16, 9, 7, requires_grad=True)
    kba = KernelBasisAttention(16, kernel_size=5, num_bases=4, group_channels=4)
    assert kba(x).shape == x.shape
    block = MFFBlock(16, dw_kernel=5, kba_kernel=3, num_bases=4)
    torch.nn.init.constant_(block.beta, 0.1)
    y = block(x)
    assert y.shape == x.shape
    y.sum().backward()
    for branch in (block.dwconv, block.channel_attention, block.kba):
        assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in branch.parameters())
