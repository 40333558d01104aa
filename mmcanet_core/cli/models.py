"""``python -m mmcanet_core models``: the registered architectures."""

from mmcanet_core.models import build_model, list_models


def add_arguments(parser) -> None:
    parser.add_argument("--params", action="store_true", help="also print parameter counts")


def run(args) -> int:
    for name in list_models():
        if args.params:
            n = sum(p.numel() for p in build_model(name).parameters())
            print(f"{name:12s} {n / 1e6:8.3f} M parameters")
        else:
            print(name)
    return 0
