"""``python -m mmcanet_core export``: .safetensors weights to an ONNX model."""

from mmcanet_core.weights.export import export_onnx


def add_arguments(parser) -> None:
    parser.add_argument("--weights", required=True, help="weights .safetensors to export")
    parser.add_argument("--output", help="ONNX file to write (default: the weights' name, .onnx)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an existing ONNX file (never the weights)")


def run(args) -> int:
    print(export_onnx(args.weights, args.output, overwrite=args.overwrite))
    return 0
