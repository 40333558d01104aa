"""``python -m mmcanet_core clean``: list or remove the part files of killed runs (only files
named exactly as this program names them: :mod:`mmcanet_core.safety.partfiles`)."""

import sys
from pathlib import Path

from mmcanet_core.safety.partfiles import find_stale_parts, remove_stale_parts, side_files


def add_arguments(parser) -> None:
    parser.add_argument("folders", nargs="*", default=["."], help="folders to look in (default .)")
    parser.add_argument("--dry-run", action="store_true", help="only list them")


def run(args) -> int:
    """List (``--dry-run``) or remove the part files of killed runs; 2 for a missing folder."""
    for folder in args.folders:
        if not Path(folder).is_dir():
            print(f"error: {folder} is not a folder", file=sys.stderr)
            return 2
        for stale in find_stale_parts(folder):
            side = "".join(f" and {p.name}" for p in side_files(stale.path))
            print(f"{'stale' if args.dry_run else 'removing'}: {stale.path}{side} (output "
                  f"{stale.output}, process {stale.pid} is gone)")
        if not args.dry_run:
            remove_stale_parts(folder)
    return 0
