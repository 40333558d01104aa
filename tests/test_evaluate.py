"""Evaluation tables: the identity baseline equals metrics computed by hand on the same files."""

import csv

import numpy as np
import rasterio
from skimage.metrics import structural_similarity

from mmcanet_core.data.sen12mscr import find_triplets
from mmcanet_core.training import evaluate


def _rgb_128(path):
    with rasterio.open(path) as src:
        x = np.clip(src.read([4, 3, 2]).astype(np.float64), 0, 10000) / 10000
    return x.reshape(3, 128, 2, 128, 2).mean(axis=(2, 4))


def _by_hand(cloudy, clear):
    mse = np.mean((cloudy - clear) ** 2)
    dot = (cloudy * clear).sum(0)
    norms = np.linalg.norm(cloudy, axis=0) * np.linalg.norm(clear, axis=0)
    sam = np.degrees(np.arccos(np.clip(dot / norms, -1, 1))).mean()
    ssim = structural_similarity(cloudy, clear, gaussian_weights=True, sigma=1.5, data_range=1,
                                 use_sample_covariance=False, channel_axis=0)  # fmt: skip
    return {"PSNR": 20 * np.log10(1 / np.sqrt(mse)), "SSIM": ssim,
            "MAE": np.abs(cloudy - clear).mean(), "SAM": sam}  # fmt: skip


def test_identity_baseline_equals_hand_computed_metrics(sen12mscr, tmp_path):
    result = evaluate.evaluate(sen12mscr, [], protocol="paper", split="test")
    pairs = {t.key: t for t in find_triplets(sen12mscr, require=("s2", "s2_cloudy"), warn=False)[0]}
    # Paper protocol: summer, fall and winter are test; no spring ROI of the subset is.
    assert len(result["patches"]) == 40 and {r["season"] for r in result["patches"]} == {
        "summer", "fall", "winter"}  # fmt: skip
    hand = {}
    for row in result["patches"]:
        t = pairs[row["key"]]
        hand[row["key"]] = _by_hand(_rgb_128(t.paths["s2_cloudy"]), _rgb_128(t.paths["s2"]))
        for k, v in hand[row["key"]].items():
            assert abs(row["metrics"][evaluate.IDENTITY][k] - v) < 1e-4 * max(1, abs(v)), k
    text = evaluate.write_outputs(result, tmp_path, "test")
    assert "identity (cloudy input)" in text and "fall (n=16)" in text
    with open(tmp_path / "results.csv") as f:
        rows = {(r["grouping"], r["group"]): r for r in csv.DictReader(f)}
    fall = [v for k, v in hand.items() if k.startswith("ROIs1970_fall")]
    for k in evaluate.METRICS:
        assert abs(float(rows[("season", "fall")][k]) - np.mean([v[k] for v in fall])) < 1e-4
    bins = sum(int(r["n"]) for (g, _), r in rows.items() if g == "cover")
    assert bins == 40  # every patch falls in one of the paper's cover bins


def test_a_models_own_metrics_equal_its_forward_pass_scored_by_hand(sen12mscr, tiny_weights):
    """The model rows, not only the identity: the network run by hand on the same 128 px inputs
    (area means of the real files) and scored with the hand-written metrics."""
    import torch

    from mmcanet_core.preprocess import normalize_sar
    from mmcanet_core.weights.checkpoint import load_weights

    result = evaluate.evaluate(sen12mscr, [str(tiny_weights)], protocol="all", split="all")
    (row,) = result["patches"]  # the one complete triplet: ROIs2017_winter 112 p797
    label = result["methods"][1]
    t = next(t for t in find_triplets(sen12mscr, warn=False)[0] if t.key == row["key"])
    with rasterio.open(t.paths["s1"]) as src:
        sar = np.nan_to_num(normalize_sar(src.read().astype(np.float32)), nan=0.0)
    sar = sar.astype(np.float64).reshape(2, 128, 2, 128, 2).mean(axis=(2, 4))
    cloudy, clear = _rgb_128(t.paths["s2_cloudy"]), _rgb_128(t.paths["s2"])
    model, _ = load_weights(tiny_weights)
    with torch.no_grad():
        out = model(torch.from_numpy(sar).float()[None], torch.from_numpy(cloudy).float()[None])
    out = out[0].clamp(0, 1).double().numpy()
    hand = _by_hand(out, clear)
    for k, v in hand.items():
        assert abs(row["metrics"][label][k] - v) < 1e-3 * max(1, abs(v)), (k, v)
    assert all(np.isfinite(list(row["metrics"][label].values())))
    identity = row["metrics"][evaluate.IDENTITY]
    assert abs(row["metrics"][label]["PSNR"] - identity["PSNR"]) > 0.01  # not the input again
