"""Does the predicted uncertainty rank the errors? One weights file on the held-out triplets.

    python scripts/uncertainty_eval.py                        # the shipped weights
    python scripts/uncertainty_eval.py --weights W.safetensors --mask product --out u.md

The held-out set, the network runs and the statistic are ``scripts/demo_eval.py``'s (one
implementation; the model card's uncertainty table comes from there): the demonstrator recipe's
held-out triplets (``configs/demo.json``: sen12mscr_nogeo 2729, 5254, 4065, 7264, 6780 and
SEN12MS-CR ROIs2017_winter 112 p797; REAL clouds, their own REAL Sentinel-1, whole 256 px patches),
the raw network output, and over the filled pixels of all patches together the Spearman
correlation between the predicted Laplace scale and the absolute error (mean over the model's
bands), and the mean absolute error of the least confident half over the most confident half.

Filled pixels (``--mask``): ``dataset`` (default, as the model card): the real cloud masks of the
nogeo ids and the :mod:`mmcanet_core.data.cloud_cover` mask for p797; ``product``: where the
product's own automatic mask (13 L1C bands, cloud + shadow,
:func:`mmcanet_core.clouds.cloudmask.classify_l1c`, its default method) makes the composite use
the network, i.e. the pixels whose uncertainty ``--uncertainty-output`` writes as non-zero.
Goals (issue 21): Spearman >= 0.5, ratio >= 2.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

SPEARMAN_GOAL = 0.5
RATIO_GOAL = 2.0
MASKS = ("dataset", "product")


def product_mask(cloudy: np.ndarray) -> np.ndarray:
    """(H, W) bool: cloud or shadow in the product's automatic mask of a (13, H, W) L1C patch in
    [0, 1] reflectance (DN / 10000)."""
    from mmcanet_core.clouds.cloudmask import CLOUD, SHADOW, classify_l1c

    return np.isin(classify_l1c(np.asarray(cloudy, np.float32) * 10000.0), (CLOUD, SHADOW))


def evaluate(weights: Path, mask: str = "dataset"):
    """(label, Spearman, ratio, filled pixels, {patch: Spearman}) for one weights file."""
    import demo_eval

    cases = demo_eval.heldout_cases()
    if mask == "product":
        for c in cases:
            c["mask"] = product_mask(c["cloudy"])
    models = demo_eval.load_models([(weights.name, weights)])
    if not models or not models[0][1].has_uncertainty:
        raise SystemExit(f"{weights} has no uncertainty head (model option uncertainty); train "
                         "with it or pass other weights.")
    label, _, bands = models[0]
    outputs = demo_eval.run_models(cases, models)
    return (label, *demo_eval.uncertainty_stats(cases, outputs[label], bands))


def report(label, rho, ratio, n, per_case, mask) -> str:
    ok = rho >= SPEARMAN_GOAL and ratio >= RATIO_GOAL
    lines = [f"Uncertainty vs absolute error, held-out filled pixels ({mask} mask); weights: "
             f"{label}", "", "| patch | Spearman |", "|---|---|"]
    lines += [f"| {name} | {value:.3f} |" for name, value in per_case.items()]
    lines += [f"| all {n} filled pixels | **{rho:.3f}** |", "",
              f"Least / most confident half MAE: **{ratio:.2f}**. Goals (Spearman >= "
              f"{SPEARMAN_GOAL}, ratio >= {RATIO_GOAL}): {'met' if ok else 'NOT met'}."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", help="weights with the uncertainty head (default: shipped)")
    p.add_argument("--mask", choices=MASKS, default=MASKS[0], help="which pixels count as filled")
    p.add_argument("--out", help="also write the table (Markdown) here")
    args = p.parse_args(argv)
    from mmcanet_core.options import shipped_checkpoint

    weights = Path(args.weights) if args.weights else shipped_checkpoint()
    text = report(*evaluate(weights, args.mask), args.mask)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
