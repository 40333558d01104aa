"""Does MMCANet's cross-attention carry signal? The numbers quoted in ``models/attention.py``.

    python scripts/attention_signal.py                 # default network, 128 x 128, both fusions
    python scripts/attention_signal.py --weights W.safetensors   # a trained network instead

For each fusion (``literal``, the printed eqs. 3-5; ``softmax``, the code's default) and attention
axis, on a random 128 x 128 input (seed 0), it prints:

- AP / F: mean |AP_Opt-SAR| over the mean |F| of the features it joins (low and high level);
- dOut: the largest change of the network output when AP is replaced by zeros;
- grad: the Q/K/V convolutions' gradients relative to the first convolution's (``opt_stem``)
  under an L1 loss against a random target (the smallest of Q, K, V of either modality), as mean
  |gradient| per weight, as gradient norms, and as gradient norms per pixel: a weight's gradient
  is a sum over the pixels of its map, and the high-level map has 64x fewer pixels than the
  stem's (the low-level one 4x), so "per pixel" divides each norm by its map's pixel count;

at initialisation ("init") and with the MFF blocks' residual scales drawn from N(0, 0.5)
("active": blocks that have trained away from the identity).
"""

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmcanet_core.models import build_model  # noqa: E402

LEVELS = ("low", "high")


def activate_blocks(model, std: float = 0.5) -> None:
    """Draw every MFF block's residual scales from N(0, std): every path of the network is live."""
    for name, p in model.named_parameters():
        if name.endswith(("beta", "gamma")):
            torch.nn.init.normal_(p, std=std)


def attention_signal(model, size: int = 128, seed: int = 0, batch: int = 2) -> dict:
    """The measurements of the module docstring for one model (it must have cross-attention)."""
    modules = {level: getattr(model, f"cross_{level}") for level in LEVELS}
    g = torch.Generator().manual_seed(seed)
    sar, optical, target = (torch.rand(batch, c, size, size, generator=g) for c in (2, 3, 3))
    seen = {}

    def record(level):
        def hook(_module, inputs, output):
            joined = 0.5 * (inputs[0].abs().mean() + inputs[1].abs().mean())
            seen[level] = float(output.detach().abs().mean() / joined.detach())
            seen[f"{level} pixels"] = output.shape[-2] * output.shape[-1]

        return hook

    hooks = [m.register_forward_hook(record(level)) for level, m in modules.items()]
    model.zero_grad()
    out = model(sar, optical)
    (out - target).abs().mean().backward()
    for h in hooks:
        h.remove()
    zero = [m.register_forward_hook(lambda _m, _i, o: torch.zeros_like(o))
            for m in modules.values()]  # fmt: skip
    with torch.no_grad():
        without = model(sar, optical)
    for h in zero:
        h.remove()
    stem = model.opt_stem.weight.grad
    stem_pixels = optical.shape[-2] * optical.shape[-1]
    result = {"dout": float((out.detach() - without).abs().max())}
    for level, m in modules.items():
        c = m.qkv_opt.in_channels
        grads = [conv.weight.grad[i * c:(i + 1) * c] for conv in (m.qkv_opt, m.qkv_sar)
                 for i in range(3)]  # fmt: skip
        result[level] = {
            "ap_over_f": seen[level],
            "grad_mean": min(float(gr.abs().mean() / stem.abs().mean()) for gr in grads),
            "grad_norm": min(float(gr.norm() / stem.norm()) for gr in grads),
        }
        result[level]["grad_pixel"] = (result[level]["grad_norm"] * stem_pixels
                                       / seen[f"{level} pixels"])  # fmt: skip
    return result


def row(label: str, r: dict) -> str:
    cells = [label]
    cells += [f"{r[level]['ap_over_f']:.1e}" for level in LEVELS]
    cells.append(f"{r['dout']:.1e}")
    cells += [f"{r[level]['grad_mean']:.1e}" for level in LEVELS]
    cells += [f"{r[level]['grad_norm']:.1e}" for level in LEVELS]
    cells += [f"{r[level]['grad_pixel']:.1e}" for level in LEVELS]
    return "| " + " | ".join(cells) + " |"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--weights", help="measure a trained network instead of fresh ones")
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    print("| network | AP/F low | AP/F high | dOut (AP = 0) | grad/stem low (mean) "
          "| high (mean) | low (norm) | high (norm) | low (norm per pixel) | high (per pixel) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    if args.weights:
        from mmcanet_core.weights.checkpoint import load_weights

        model, _ = load_weights(args.weights)
        print(row(Path(args.weights).name, attention_signal(model.train(), args.size)))
        return 0
    for fusion in ("literal", "softmax"):
        for attend in ("channels", "positions"):
            for active in (False, True):
                torch.manual_seed(0)
                model = build_model("mmcanet", fusion=fusion, attend=attend)
                if active:
                    activate_blocks(model)
                label = f"{fusion}, {attend}, {'active' if active else 'init'}"
                print(row(label, attention_signal(model, args.size)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
