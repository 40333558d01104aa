"""Does the predicted uncertainty rank the errors? Measured on the held-out real triplets.

    python scripts/uncertainty_eval.py                       # the shipped weights
    python scripts/uncertainty_eval.py --weights W.safetensors --out runs/uncertainty.md
    python scripts/uncertainty_eval.py --tiny   # an UNTRAINED tiny network: a smoke run of the
                                                # script, its numbers are meaningless

Data: the held-out set of the demonstrator recipe (``configs/demo.json``: ``held_out``; before
the recipe became a configuration, ``scripts/train_demo.py``): sen12mscr_nogeo ids 2729, 5254,
4065, 7264, 6780 and SEN12MS-CR ROIs2017_winter 112 p797, REAL clouds and their own REAL
Sentinel-1, each patch whole (256 x 256 px, one tile). Input: s2_cloudy (the weights' bands)
and s1; reference: s2 (another day).

Filled pixels: where the product's automatic cloud mask (13 L1C bands, cloud + shadow,
:func:`mmcanet_core.clouds.cloudmask.classify_l1c`) puts the network in the composite (p797, thin
haze, has none: it adds no pixel).

Per filled pixel: the predicted uncertainty ``b`` (the Laplace scale of
``model.forward_uncertainty``, reflectance) and the absolute error of the raw network output
(mean over the restored bands of ``|restored - reference|``, reflectance). Reported, pooled over
all patches and per patch: the Spearman rank correlation of ``b`` and the error, and the mean
error of the most confident half of the filled pixels (``b`` below the median) against the least
confident half. Goals (issue 21): Spearman >= 0.5, least / most confident error >= 2.
"""

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

CONFIG = ROOT / "configs" / "demo.json"
SPEARMAN_GOAL = 0.5
RATIO_GOAL = 2.0


def held_out():
    """[(name, s1 path, s2_cloudy path, s2 path)] of the demonstrator's held-out triplets: the
    recipe's ``held_out`` list (``configs/demo.json``) when the recipe is a configuration file,
    else ``scripts/train_demo.py``'s lists."""
    if CONFIG.is_file():
        entries = json.loads(CONFIG.read_text())["held_out"]
        root = (ROOT / json.loads(CONFIG.read_text()).get("root", "../shared/data")).resolve()
        return [t for entry in entries for t in _entry_triplets(root, entry)]
    import train_demo as recipe

    entries = [f"sen12mscr_nogeo/{i}" for i in recipe.HELD_OUT_NOGEO]
    return [t for e in entries for t in _entry_triplets(recipe.SHARED, e)] + [
        ("ROIs2017_winter_112_p797",
         *(recipe.DATA / p for p in (recipe.HELD_OUT_SEN12MSCR[0], recipe.HELD_OUT_SEN12MSCR[2],
                                     recipe.HELD_OUT_SEN12MSCR[1])))]


def _entry_triplets(root: Path, entry: str):
    """``sen12mscr_nogeo/<id>``: that triplet; ``sen12mscr/<scene>_<roi>``: every complete
    triplet of that ROI."""
    folder, _, name = entry.partition("/")
    if folder == "sen12mscr_nogeo":
        paths = [root / folder / kind / f"{name}_{kind}.tif" for kind in ("s1", "s2_cloudy", "s2")]
        return [(f"nogeo_{name}", *paths)]
    from mmcanet_core.data.sen12mscr import find_triplets

    triplets, _ = find_triplets(root / folder, warn=False)
    return [(t.key, t.paths["s1"], t.paths["s2_cloudy"], t.paths["s2"]) for t in triplets
            if f"{t.scene}_{t.roi}" == name]


def load_model(args):
    """(model with the uncertainty head, 0-based band indices it restores, description)."""
    import torch

    from mmcanet_core import build_model
    from mmcanet_core.weights.checkpoint import load_weights

    if args.tiny:
        torch.manual_seed(0)
        model = build_model("mmcanet", width=8, enc_blocks=(1, 1, 1, 1), dec_blocks=(1, 1),
                            uncertainty=True).eval()
        return model, [3, 2, 1], "UNTRAINED tiny MMCANet (smoke run: numbers meaningless)"
    from mmcanet_core.options import shipped_checkpoint

    path = Path(args.weights) if args.weights else shipped_checkpoint()
    model, meta = load_weights(path)
    if not getattr(model, "has_uncertainty", False):
        raise SystemExit(f"{path} has no uncertainty head (model option uncertainty); train "
                         "with it or pass other weights.")
    bands = [b - 1 for b in meta["optical_bands"]["indices"]]
    names = ", ".join(meta["optical_bands"]["names"])
    return model, bands, f"{path.name} ({meta['model']['name']}, bands {names})"


def patch_pixels(model, bands, s1, s2c, s2):
    """(uncertainty, absolute error) of the filled pixels of one triplet, reflectance."""
    import torch
    from rasterio.errors import NotGeoreferencedWarning

    from mmcanet_core.clouds.cloudmask import CLOUD, SHADOW, classify_l1c
    from mmcanet_core.data.sen12mscr import read_dn, read_sar, to_unit

    with warnings.catch_warnings():  # sen12mscr_nogeo has no georeference; none is needed
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        sar, cloudy, clear = read_sar(s1), read_dn(s2c), read_dn(s2)
    filled = np.isin(classify_l1c(cloudy), (CLOUD, SHADOW))
    optical = to_unit(cloudy)[bands]
    with torch.inference_mode():
        restored, scale = model.forward_uncertainty(torch.from_numpy(sar)[None],
                                                    torch.from_numpy(optical)[None])
    restored = restored[0].clamp(0, 1).numpy()
    error = np.abs(restored - to_unit(clear)[bands]).mean(axis=0)
    return scale[0, 0].numpy()[filled], error[filled]


def ranking(b: np.ndarray, error: np.ndarray) -> dict:
    """Spearman rank correlation and the mean error of the confident / unsure halves."""
    from scipy.stats import spearmanr

    if len(b) < 2:
        return dict(n=len(b), spearman=float("nan"), confident=float("nan"),
                    unsure=float("nan"), ratio=float("nan"))
    order = np.argsort(b, kind="stable")
    half = len(b) // 2
    confident, unsure = error[order[:half]].mean(), error[order[half:]].mean()
    return dict(n=len(b), spearman=float(spearmanr(b, error)[0]), confident=float(confident),
                unsure=float(unsure), ratio=float(unsure / confident))


def report(rows, label: str) -> str:
    lines = [f"Uncertainty vs absolute error on the held-out filled pixels; weights: {label}", "",
             "| patch | filled px | Spearman | MAE most confident half | MAE least confident "
             "half | ratio |", "|---|---|---|---|---|---|"]
    for name, r in rows:
        lines.append(f"| {name} | {r['n']} | {r['spearman']:.3f} | {r['confident']:.4f} | "
                     f"{r['unsure']:.4f} | {r['ratio']:.2f} |")
    pooled = dict(rows)["all (pooled)"]
    ok = pooled["spearman"] >= SPEARMAN_GOAL and pooled["ratio"] >= RATIO_GOAL
    lines += ["", f"Goals: Spearman >= {SPEARMAN_GOAL}, ratio >= {RATIO_GOAL}: "
              f"{'met' if ok else 'NOT met'} (pooled Spearman {pooled['spearman']:.3f}, ratio "
              f"{pooled['ratio']:.2f})."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", help="weights with the uncertainty head (default: shipped)")
    p.add_argument("--tiny", action="store_true", help="an untrained tiny network (smoke run)")
    p.add_argument("--out", help="also write the table (Markdown) here")
    args = p.parse_args(argv)
    model, bands, label = load_model(args)
    rows, pooled_b, pooled_e = [], [], []
    for name, s1, s2c, s2 in held_out():
        b, error = patch_pixels(model, bands, s1, s2c, s2)
        rows.append((name, ranking(b, error)))
        pooled_b.append(b)
        pooled_e.append(error)
    rows.append(("all (pooled)", ranking(np.concatenate(pooled_b), np.concatenate(pooled_e))))
    text = report(rows, label)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
