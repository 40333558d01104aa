"""``python -m mmcanet_core <command>``: one sub-command per job, each living in its own module.

A command module exposes ``add_arguments(parser)`` and ``run(args) -> int``; it is imported only
when its command runs, so ``--help`` stays fast and ``predict`` never imports training code.
"""

import argparse
import importlib
import sys

COMMANDS = {
    "predict": ("mmcanet_core.inference", "remove clouds from a georeferenced SAR + optical pair"),
    "train": ("mmcanet_core.train", "train a model on SEN12MS-CR (or simulated clouds)"),
    "evaluate": ("mmcanet_core.evaluate", "paper-style metric tables for one or more weights"),
    "models": ("mmcanet_core.models", "list the available architectures"),
    "export": ("mmcanet_core.export", "export .safetensors weights to an ONNX model"),
}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m mmcanet_core", description=__doc__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    # Parse the command name first, then let the chosen module define (and parse) its options.
    known, rest = parser.parse_known_args(argv[:1])
    module = importlib.import_module(COMMANDS[known.command][0])
    command_parser = argparse.ArgumentParser(
        prog=f"python -m mmcanet_core {known.command}", description=COMMANDS[known.command][1]
    )
    module.add_arguments(command_parser)
    args = command_parser.parse_args(argv[1:] + rest)
    return int(module.run(args) or 0)
