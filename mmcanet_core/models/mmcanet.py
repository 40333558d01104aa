"""MMCANet, the single-stage network (paper Section III-A, Fig. 1), and MMCANet_L.

Data flow for a cloudy optical image (B, C, H, W) and its SAR image (B, 2, H, W)::

    optical -> stem -> encoder stages 1..4 (MFF blocks)  F_Opt^low (stage 2), F_Opt^high (stage 4)
    SAR     -> stem -> encoder stages 1..4 (MFF blocks)  F_SAR^low,            F_SAR^high
    AP^low  = CrossAttention(F_Opt^low,  F_SAR^low)                       eqs. (1)-(5)
    AP^high = CrossAttention(F_Opt^high, F_SAR^high)                      eqs. (6)-(8)
    F^low   = concat(F_SAR^low,  F_Opt^low,  AP^low)                      eq. (9)
    F^high  = concat(F_SAR^high, F_Opt^high, AP^high)                     eq. (10)
    F^highASPP = ASPP(F^high), upsampled to the low-level resolution     eq. (11)
    F^Fuse  = concat(F^highASPP, F^low) -> 1x1 conv                       eq. (12)
    decoder: MFF blocks at the low-level resolution, then up-sampling with the encoders'
             skip features and MFF blocks at full resolution -> 3x3 conv -> + optical input

Choices where the paper is silent (all options of :class:`MMCANet`):

* Widths double per encoder stage from ``width`` = 32 (32, 64, 128, 256); stages are separated by
  a 2x2 stride-2 convolution (KBNet). Fig. 1 says each encoder stage "stacks a different number of
  MFF blocks" k but the text gives no k, so ``enc_blocks`` = (2, 2, 4, 8) is KBNet's own encoder
  (KBNet-s, ``enc_blk_nums``), the block the paper adopts [26]: few blocks at full resolution
  where they are costly, more where the map is small. ``dec_blocks`` = (2, 2) at the low-level
  and at full resolution (KBNet's decoder has 2 per level). Until this was settled the default
  was (2, 2, 2, 2); a weights file that does not name its ``enc_blocks`` predates the change and
  is rebuilt with (2, 2, 2, 2) (``models.LEGACY_OPTIONS``).
* "Low-level" features are those of encoder stage 2 (stride 2), "high-level" those of stage 4
  (stride 8): the high/low pairing of DeepLabv3+ [14], [15] whose ASPP + decoder the fusion
  follows, with the high-level map up-sampled by bilinear interpolation before eq. (12).
  ``low_level_stage`` may be 1, 2 or 3; ``dec_blocks`` then has that many entries.
* "Distinct kernel sizes for the optical and SAR modalities": the KBA kernel bases are 3x3 in the
  optical stream and 5x5 in the SAR stream (``kba_kernel_opt``, ``kba_kernel_sar``): a larger
  support averages speckle. The depth-wise branch is 3x3 (``dw_kernel``), 5x5 for MMCANet_L.
* The restored image is the optical input plus a predicted residual (global skip, as in KBNet and
  MPRNet), so cloud-free pixels need no reconstruction.
* ``fusion``: the cross-attention's form (``"softmax"``, default, or ``"literal"``, the printed
  equations, which are numerically inert; see ``attention``).
* Ablations of Table V: ``use_sar=False`` keeps only the optical stream and ignores the SAR input;
  ``dual_stream=False`` feeds channel-concatenated SAR + optical into a single stream (the early
  fusion the paper uses for its single-stream row and DSen2-CR uses); both turn cross-attention
  off, since it needs two streams. ``cross_attention=False`` drops AP from eqs. (9)-(10);
  ``aspp=False`` replaces the ASPP of eq. (11) with a 1x1 convolution of the same output width.
"""

import torch
import torch.nn as nn

from mmcanet_core.models.aspp import ASPP
from mmcanet_core.models.attention import MultimodalCrossAttention
from mmcanet_core.models.blocks import MFFBlock, pad_to_multiple, upsample
from mmcanet_core.models.registry import register
from mmcanet_core.models.uncertainty import UncertaintyMixin, scale_head

STAGES = 4  # encoder stages; the input is padded to a multiple of 2 ** (STAGES - 1)


class Encoder(nn.Module):
    """One modality's stream: four stages of MFF blocks, halving resolution between stages."""

    def __init__(self, width: int, blocks, kba_kernel: int, **mff):
        super().__init__()
        if len(blocks) != STAGES:
            raise ValueError(f"enc_blocks needs {STAGES} entries, got {tuple(blocks)}")
        channels = [width * 2**i for i in range(STAGES)]
        self.stages = nn.ModuleList(
            nn.Sequential(*[MFFBlock(c, kba_kernel=kba_kernel, **mff) for _ in range(n)])
            for c, n in zip(channels, blocks)
        )
        self.downs = nn.ModuleList(
            nn.Conv2d(c, 2 * c, kernel_size=2, stride=2) for c in channels[:-1]
        )

    def forward(self, x):
        """(B, w, H, W) -> four stage outputs (B, w * 2**i, H / 2**i, W / 2**i), i = 0..3."""
        features = []
        for i, stage in enumerate(self.stages):
            if i:
                x = self.downs[i - 1](x)
            x = stage(x)
            features.append(x)
        return features


class Decoder(nn.Module):
    """MFF blocks from the fused low-level resolution back to full resolution.

    Between levels: 1x1 conv + pixel shuffle (x2 up, half the channels), concatenation with the
    encoder features of that level from every stream, 1x1 reduction.
    """

    def __init__(self, width: int, blocks, streams: int, **mff):
        super().__init__()
        levels = len(blocks)
        channels = [width * 2**i for i in reversed(range(levels))]  # coarse -> fine
        self.levels = nn.ModuleList(
            nn.Sequential(*[MFFBlock(c, **mff) for _ in range(n)]) for c, n in zip(channels, blocks)
        )
        self.ups = nn.ModuleList(
            nn.Sequential(nn.Conv2d(c, 2 * c, 1), nn.PixelShuffle(2)) for c in channels[:-1]
        )
        self.merges = nn.ModuleList(
            nn.Conv2d(c // 2 * (1 + streams), c // 2, 1) for c in channels[:-1]
        )

    def forward(self, x, skips):
        """x: fused features; skips[i]: the streams' encoder features at the i-th finer level."""
        for i, level in enumerate(self.levels):
            x = level(x)
            if i < len(self.ups):
                x = self.merges[i](torch.cat([self.ups[i](x), *skips[i]], dim=1))
        return x  # (B, width, H, W)


@register("mmcanet")
class MMCANet(UncertaintyMixin, nn.Module):
    """Single-stage MMCANet; see the module docstring for the architecture and its options.

    Args:
        in_channels: optical bands C (3 = the paper's RGB; 13 = all Sentinel-2 L1C bands).
        sar_channels: SAR bands (VV, VH).
        width: channels of encoder stage 1; stage i has ``width * 2**(i-1)``.
        enc_blocks: MFF blocks in each of the four encoder stages.
        dec_blocks: MFF blocks per decoder level, coarse (low-level resolution) to full.
        dw_kernel: depth-wise convolution size in every MFF block (3; 5 for MMCANet_L).
        kba_kernel_opt, kba_kernel_sar: KBA kernel-basis size in the optical / SAR stream.
        num_bases, group_channels, ffn_expand: MFF block details (see ``blocks``).
        use_sar, dual_stream, cross_attention, aspp: the ablation switches of Table V.
        attention_heads, attend, fusion: cross-attention details (see ``attention``).
        aspp_rates: atrous rates of eq. (11).
        low_level_stage: encoder stage whose output is "low-level" (1-3).
        extra_input_channels: further channels concatenated to the optical input (MPIR feeds the
            previous stage's output here).
        inject_channels: channels of a feature map merged into the optical stem features (MPIR1).
        uncertainty: add the per-pixel Laplace scale head on the last decoder features
            (``forward_uncertainty``; see ``models.uncertainty``).
    """

    def __init__(self, in_channels=3, sar_channels=2, width=32, enc_blocks=(2, 2, 4, 8),
                 dec_blocks=(2, 2), dw_kernel=3, kba_kernel_opt=3, kba_kernel_sar=5,
                 num_bases=32, group_channels=4, ffn_expand=2, use_sar=True, dual_stream=True,
                 cross_attention=None, attention_heads=1, attend="channels", fusion="softmax",
                 aspp=True, aspp_rates=(6, 12, 18), low_level_stage=2, extra_input_channels=0,
                 inject_channels=0, uncertainty=False):
        super().__init__()
        two_streams = use_sar and dual_stream
        if cross_attention is None:
            cross_attention = two_streams
        if cross_attention and not two_streams:
            raise ValueError("cross_attention needs two streams: it cannot be combined with "
                             "use_sar=False or dual_stream=False")
        if not 1 <= low_level_stage < STAGES:
            raise ValueError(f"low_level_stage must be 1..{STAGES - 1}, not {low_level_stage}")
        if len(dec_blocks) != low_level_stage:
            raise ValueError(f"dec_blocks needs {low_level_stage} entries (one per decoder "
                             f"level for low_level_stage={low_level_stage}), got {dec_blocks}")
        self.in_channels, self.sar_channels = in_channels, sar_channels
        self.use_sar, self.two_streams = use_sar, two_streams
        self.early_fusion = use_sar and not dual_stream
        self.low = low_level_stage - 1  # index into the encoder's stage outputs
        mff = dict(dw_kernel=dw_kernel, num_bases=num_bases, group_channels=group_channels,
                   ffn_expand=ffn_expand)

        stem_in = in_channels + extra_input_channels + (sar_channels if self.early_fusion else 0)
        self.opt_stem = nn.Conv2d(stem_in, width, 3, padding=1)
        self.inject = nn.Conv2d(width + inject_channels, width, 1) if inject_channels else None
        self.opt_encoder = Encoder(width, enc_blocks, kba_kernel_opt, **mff)
        if two_streams:
            self.sar_stem = nn.Conv2d(sar_channels, width, 3, padding=1)
            self.sar_encoder = Encoder(width, enc_blocks, kba_kernel_sar, **mff)
        streams = 2 if two_streams else 1
        low_c, high_c = width * 2**self.low, width * 2 ** (STAGES - 1)
        self.cross_low = self.cross_high = None
        if cross_attention:
            self.cross_low = MultimodalCrossAttention(low_c, attention_heads, attend, fusion)
            self.cross_high = MultimodalCrossAttention(high_c, attention_heads, attend, fusion)
        parts = streams + (1 if cross_attention else 0)  # eqs. (9)-(10): SAR, Opt, AP
        self.aspp = (ASPP(parts * high_c, low_c, aspp_rates) if aspp
                     else nn.Conv2d(parts * high_c, low_c, 1))
        self.fuse = nn.Conv2d(low_c + parts * low_c, low_c, 1)  # eq. (12) + reduction
        self.decoder = Decoder(width, dec_blocks, streams, **mff)
        self.tail = nn.Conv2d(width, in_channels, 3, padding=1)
        self.scale_head = scale_head(uncertainty, width)

    def features(self, sar, optical, inject=None):
        """Decoder features (B, width, H, W) before the terminal convolution, for any H, W.

        ``optical`` carries ``in_channels + extra_input_channels`` channels; ``inject`` is an
        optional (B, inject_channels, H, W) map from a previous stage.
        """
        h, w = optical.shape[-2:]
        multiple = 2 ** (STAGES - 1)
        optical, _ = pad_to_multiple(optical, multiple)
        if self.early_fusion:
            optical = torch.cat([pad_to_multiple(sar, multiple)[0], optical], dim=1)
        f_opt = self.opt_stem(optical)  # (B, w, H', W')
        if self.inject is not None:
            f_opt = self.inject(torch.cat([f_opt, pad_to_multiple(inject, multiple)[0]], dim=1))
        streams = [self.opt_encoder(f_opt)]
        if self.two_streams:
            streams.insert(0, self.sar_encoder(self.sar_stem(pad_to_multiple(sar, multiple)[0])))
        low = [s[self.low] for s in streams]  # [SAR,] Opt
        high = [s[-1] for s in streams]
        if self.cross_low is not None:
            low.append(self.cross_low(low[1], low[0]))  # AP^low, eqs. (1)-(5)
            high.append(self.cross_high(high[1], high[0]))  # AP^high, eqs. (6)-(8)
        f_low = torch.cat(low, dim=1)  # eq. (9)
        f_high = self.aspp(torch.cat(high, dim=1))  # eqs. (10)-(11)
        f_high = upsample(f_high, 2 ** (STAGES - 1 - self.low))  # to f_low's size, exactly
        x = self.fuse(torch.cat([f_high, f_low], dim=1))  # eq. (12)
        skips = [[s[i] for s in streams] for i in reversed(range(self.low))]
        return self.decoder(x, skips)[..., :h, :w]

    def _stages_and_features(self, sar, optical):
        """MMCANet has one stage: the optical input plus the predicted residual."""
        f = self.features(sar, optical)
        return [optical + self.tail(f)], f


@register("mmcanet_l")
def mmcanet_l(**options):
    """MMCANet_L: MMCANet with 5x5 depth-wise convolutions in every MFF block (Table II)."""
    options.setdefault("dw_kernel", 5)
    return MMCANet(**options)
