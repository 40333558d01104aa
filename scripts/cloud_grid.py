"""Picture grid: REAL cloudy SEN12MS-CR patches beside SYNTHETIC clouds on real clear patches.

Top rows: real cloudy Sentinel-2 (s2_cloudy) and the real clear image of the same patch.
Bottom rows: the clear image of another real patch and the same patch with simulated (synthetic)
clouds and shadows from :mod:`mmcanet_core.data.cloud_simulation`. RGB = B4, B3, B2, shown with a
fixed
stretch (reflectance 0..0.3 -> 0..1) so real and synthetic are comparable.

    python scripts/cloud_grid.py [--data ../shared/data/sen12mscr] [--out docs/img/...png]
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mmcanet_core.data.cloud_simulation import simulate  # noqa: E402
from mmcanet_core.data.sen12mscr import find_triplets, read_dn  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REAL = ["ROIs1970_fall_136_p500", "ROIs1158_spring_39_p500", "ROIs1868_summer_102_p500",
        "ROIs1970_fall_85_p492", "ROIs2017_winter_102_p926"]  # fmt: skip
CLEAR = ["ROIs1868_summer_102_p100", "ROIs2017_winter_112_p797", "ROIs1970_fall_136_p139",
         "ROIs1868_summer_100_p840", "ROIs1868_summer_101_p100"]  # fmt: skip
COVERS = [0.1, 0.3, 0.5, 0.7, 0.9]


def rgb(refl: np.ndarray) -> np.ndarray:
    return np.clip(np.moveaxis(refl[[3, 2, 1]], 0, -1) / 0.3, 0, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "sen12mscr"))
    parser.add_argument(
        "--out", default=str(ROOT / "docs" / "img" / "clouds_real_vs_synthetic.png")
    )
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    pairs, _ = find_triplets(args.data, require=("s2", "s2_cloudy"), warn=False)
    clear_only, _ = find_triplets(args.data, require=("s2",), warn=False)
    by_key = {t.key: t for t in pairs + clear_only}
    rng = np.random.default_rng(args.seed)
    fig, axes = plt.subplots(4, len(REAL), figsize=(3 * len(REAL), 12.4))
    for col, (real_key, clear_key, cover) in enumerate(zip(REAL, CLEAR, COVERS)):
        t = by_key[real_key]
        axes[0, col].imshow(rgb(read_dn(t.paths["s2_cloudy"]) / 1e4))
        axes[0, col].set_title(f"REAL cloudy\n{real_key}", fontsize=8)
        axes[1, col].imshow(rgb(read_dn(t.paths["s2"]) / 1e4))
        axes[1, col].set_title("real clear (another day)", fontsize=8)
        clear = read_dn(by_key[clear_key].paths["s2"]) / 1e4
        cloudy, info = simulate(clear, rng, cover=cover)
        axes[2, col].imshow(rgb(clear))
        axes[2, col].set_title(f"real clear\n{clear_key}", fontsize=8)
        axes[3, col].imshow(rgb(cloudy))
        axes[3, col].set_title(
            f"SYNTHETIC clouds, cover {info.cover:.0%}, haze {info.thin:.2f}", fontsize=8
        )
    for ax in axes.ravel():
        ax.set_axis_off()
    fig.suptitle(
        "Real SEN12MS-CR clouds (rows 1-2) vs. SYNTHETIC clouds on real clear patches "
        "(rows 3-4); RGB B4/B3/B2, reflectance 0-0.3",
        fontsize=10,
    )
    fig.tight_layout()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=80)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
