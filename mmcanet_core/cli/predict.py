"""``python -m mmcanet_core predict``: remove clouds from a georeferenced SAR + optical pair.

Argument parsing and exit codes only; the work is :func:`mmcanet_core.inference.predict_raster`.
"""

import sys

from mmcanet_core import options
from mmcanet_core.errors import InferenceError
from mmcanet_core.inference import files_read, predict_raster
from mmcanet_core.options import (
    BACKENDS,
    MASK_METHODS,
    OPTICAL_SCALES,
    SAR_SCALES,
    shipped_checkpoint,
)
from mmcanet_core.safety import checks
from mmcanet_core.safety.guards import check_preview
from mmcanet_core.safety.partfiles import partial_output


def add_arguments(parser) -> None:
    """Options of ``python -m mmcanet_core predict``."""
    parser.add_argument("--sar", required=True, help="Sentinel-1 raster, 2 bands VV, VH")
    parser.add_argument("--optical", required=True, help="cloudy Sentinel-2 raster (the grid)")
    parser.add_argument("--output", required=True, help="output GeoTIFF (.tif)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an existing output (never a file the run reads)")
    parser.add_argument("--weights", help="weights .safetensors, or an exported .onnx model "
                                          "(default: the shipped checkpoint)")
    parser.add_argument("--backend", default="auto", choices=BACKENDS,
                        help="what runs the network: torch, onnxruntime (no PyTorch needed), or "
                             "auto (.onnx -> onnxruntime; else torch if installed, else the .onnx "
                             "beside the weights)")
    parser.add_argument("--model", help="architecture for an UNTRAINED network (testing only)")
    parser.add_argument("--bands", help="1-based optical bands, e.g. 4,3,2 (default: weights')")
    parser.add_argument("--sar-scale", default="auto", choices=SAR_SCALES)
    parser.add_argument("--optical-scale", default="auto", choices=OPTICAL_SCALES,
                        help="optical values: dn (L1C, reflectance x 10000), offset (DN + 1000, "
                             "processing baseline 04.00+), reflectance (0..1); auto: detected "
                             "from a sample and the product metadata")
    parser.add_argument("--device", default="auto",
                        help="auto | cpu | cuda | cuda:N (| directml with onnxruntime)")
    parser.add_argument("--tile", type=int, default=None,
                        help="tile size in pixels (default: the weights' patch size, 128)")
    parser.add_argument("--overlap", type=int, default=None, help="tile overlap (default tile/4)")
    parser.add_argument("--batch-size", type=int, default=options.DEFAULT_BATCH)
    parser.add_argument("--half", action="store_true",
                        help="float16 on CUDA, bfloat16 on CPU (faster, slightly less exact)")
    parser.add_argument("--compile", action="store_true",
                        help="torch.compile the network first (about a minute; pays on long "
                             "CUDA runs, rarely on the CPU)")
    parser.add_argument("--preview", help="also write a SAR / cloudy / restored PNG here")
    clouds = parser.add_argument_group(
        "clouds", "by default the input is kept where clear and the network written where the "
        "cloud mask says cloud or shadow (automatic from 13 L1C bands or B4, B3, B2)")
    clouds.add_argument("--raw", action="store_true",
                        help="write the raw network output everywhere (no compositing)")
    clouds.add_argument("--mask", help="a cloud mask raster on any grid, instead of the "
                                       "automatic mask (e.g. an L2A SCL layer, Fmask, 0/1)")
    clouds.add_argument("--mask-values", default="binary",
                        help="values of --mask that mean cloud or shadow: scl (3,8,9,10), "
                             "fmask (2,4), binary (1; default) or a list such as 3,8,9,10")
    clouds.add_argument("--mask-method", choices=MASK_METHODS, default=MASK_METHODS[0],
                        help="parallax (default: swir-cirrus, then only clouds displaced "
                             "between B8 and B8A: roofs, greenhouses stay clear), swir-cirrus "
                             "(cirrus haze is cloud) or gee (the GEE cloud score alone)")
    clouds.add_argument("--mask-output", help="also write the mask here (uint8 GeoTIFF: 0 clear, "
                                              "1 cloud, 2 shadow, 255 nodata)")
    clouds.add_argument("--reference", action="append", default=[], metavar="OTHER_DATE.tif",
                        help="another date of the same place (same bands, any grid); repeat for "
                             "more. Clouds are filled from the first one clear there (nearest "
                             "date first), matched to this date; the network only where none is")
    clouds.add_argument("--source-output", help="also write each pixel's source here (uint8 "
                                                "GeoTIFF: 0 input, N reference N, 254 network, "
                                                "255 nodata); needs --reference")
    parser.add_argument("--uncertainty-output",
                        help="also write the per-pixel uncertainty here (float32 GeoTIFF: the "
                             "expected absolute error of the restored reflectance, 0 where the "
                             "input is kept, NaN nodata); needs weights with the uncertainty "
                             "head")


def _cli_model(args, bands):
    """(weights path or None, untrained model or None) from --weights / --model / checkpoint."""
    if args.weights:
        return args.weights, None
    shipped = shipped_checkpoint()
    if shipped is not None:
        from mmcanet_core.weights.checkpoint import read_metadata

        if args.model is None or read_metadata(shipped)["model"]["name"] == args.model.lower():
            print(f"using the shipped checkpoint {shipped}", file=sys.stderr)
            return shipped, None
    if args.model is None:
        raise InferenceError(
            "no weights: pass --weights W.safetensors (no checkpoint ships with this install), "
            "or --model NAME for an untrained network (testing only)."
        )
    from mmcanet_core.models import build_model

    try:
        model = build_model(args.model, in_channels=len(bands) if bands else 3)
    except ValueError as exc:
        raise InferenceError(str(exc)) from None
    print(
        f"{'!' * 78}\nWARNING: UNTRAINED {args.model!r} network with random weights: the output "
        f"is MEANINGLESS.\nPass --weights W.safetensors for real cloud removal.\n{'!' * 78}",
        file=sys.stderr,
    )
    return None, model


def run(args) -> int:
    """``predict`` command: 0 on success (the output path on stdout); errors: see ``cli``."""
    bands = checks.parse_bands(args.bands)
    if args.preview:
        reads = [args.weights, *files_read([args.sar, args.optical, args.mask,
                                            *args.reference])]
        check_preview(args.preview, args.output, reads, overwrite=args.overwrite)
    weights, model = _cli_model(args, bands)
    result = _predict(args, weights, model, bands)
    if args.preview:
        _write_preview(args, result)
    print(result.output_path)
    return 0


def _predict(args, weights, model, bands):
    """:func:`predict_raster` with the command's options, a tqdm bar and log lines on stderr."""
    from tqdm import tqdm

    with tqdm(total=0, unit="tile", desc="predict") as bar:

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        return predict_raster(
            args.sar, args.optical, args.output, weights=weights, model=model,
            optical_bands=bands, sar_scale=args.sar_scale, device=args.device,
            tile=args.tile, overlap=args.overlap, batch_size=args.batch_size, half=args.half,
            compile=args.compile, raw=args.raw, mask=args.mask,
            mask_values=args.mask_values, mask_output=args.mask_output,
            mask_method=args.mask_method,
            uncertainty_output=args.uncertainty_output,
            backend=args.backend, optical_scale=args.optical_scale,
            overwrite=args.overwrite, references=args.reference,
            source_output=args.source_output, progress=progress,
            log=lambda m: tqdm.write(m, file=sys.stderr),
        )


def _write_preview(args, result) -> None:
    from mmcanet_core.engine.preview import write_preview

    try:
        with partial_output(args.preview, overwrite=args.overwrite) as part:
            write_preview(part, args.sar, args.optical, result.output_path,
                          result.bands, sar_scale=result.sar_scale)
    except InferenceError as exc:
        raise InferenceError(f"{exc} The restored raster {result.output_path} was written "
                             "completely; only the preview is missing.") from exc
    print(f"preview: {args.preview}", file=sys.stderr)
