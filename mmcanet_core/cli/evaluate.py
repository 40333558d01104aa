"""``python -m mmcanet_core evaluate``: options and exit codes; the tables are
:mod:`mmcanet_core.training.evaluate`."""

from pathlib import Path

from mmcanet_core.errors import EvaluateError
from mmcanet_core.training.evaluate import evaluate, picture_grid, write_outputs


def add_arguments(parser) -> None:
    a = parser.add_argument
    a("--weights", nargs="*", default=[], help="one or more .safetensors files")
    a("--data", required=True, help="SEN12MS-CR folder (ROIs*_<season>_<kind>/...) or a "
      "triplet folder (s1/, s2_cloudy/, s2/)")
    a("--protocol", default="paper", choices=["paper", "uncrtaints", "all"])
    a("--split", default="test", choices=["train", "val", "test", "all"])
    a("--bands", default=None, help="rgb or all; default: the weights' bands (else rgb)")
    a("--size", type=int, default=128, help="patch size fed to the models (paper: 128)")
    a("--size-mode", dest="size_mode", default="resize", choices=["resize", "crop"])
    a("--out", default="eval", help="folder for results.md, results.csv, grid.png")
    a("--overwrite", action="store_true", help="replace results already in --out")
    a("--grid", nargs="*", default=None, help="patch keys for the picture grid (default: 4)")
    a("--batch-size", dest="batch_size", type=int, default=8)
    a("--device", default="auto")
    a("--max-patches", dest="max_patches", type=int, default=None)


#: The files ``evaluate`` writes into ``--out``.
OUTPUT_FILES = ("results.md", "results.csv", "per_patch.csv", "grid.png")


def check_out(out: Path, overwrite: bool = False) -> None:
    """``--out`` is a folder (or can be created as one) holding none of :data:`OUTPUT_FILES`
    unless ``overwrite`` (the same rule as ``predict --overwrite``)."""
    if out.exists() and not out.is_dir():
        raise EvaluateError(f"--out {out} is a file; give a folder for the results.")
    existing = [name for name in OUTPUT_FILES if (out / name).exists()]
    if existing and not overwrite:
        raise EvaluateError(
            f"--out {out} already holds {', '.join(existing)}; pass --overwrite to replace "
            "them, or choose another folder."
        )


def run(args) -> int:
    """``evaluate`` command: checks the options before any work, then writes the tables."""
    check_out(Path(args.out), args.overwrite)
    if args.batch_size < 1 or (args.max_patches is not None and args.max_patches < 1):
        raise EvaluateError("--batch-size and --max-patches must be at least 1.")
    result = evaluate(args.data, args.weights, protocol=args.protocol, split=args.split,
                      bands=args.bands, size=args.size, size_mode=args.size_mode,
                      batch_size=args.batch_size, device=args.device,
                      max_patches=args.max_patches)  # fmt: skip
    description = (
        f"Data: real SEN12MS-CR patches under `{args.data}`, protocol `{args.protocol}`, split "
        f"`{args.split}`: {len(result['patches'])} patches, {args.size_mode} to {args.size} px. "
        "Metrics: Section III-D (PSNR dB, SSIM, MAE and SAM in degrees, on [0, 1] reflectance); "
        "cover: GEE cloud score + shadow test (`mmcanet_core.data.cloud_cover`)."
    )
    out = Path(args.out)
    print(write_outputs(result, out, description))
    dev = next(iter(result["models"][0][1].parameters())).device if result["models"] else "cpu"
    grid = picture_grid(result, out / "grid.png", args.grid, dev)
    print(f"wrote {out / 'results.md'}, {out / 'results.csv'}, {out / 'per_patch.csv'}, {grid}")
    return 0
