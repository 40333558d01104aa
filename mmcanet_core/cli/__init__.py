"""``python -m mmcanet_core <command>``: the command line, apart from the library.

One module per command (``predict``, ``train``, ``evaluate``, ``models``, ``clean``,
``export``), each with ``add_arguments(parser)`` and ``run(args) -> int``; it is imported only
when its command runs, so ``--help`` stays fast and ``predict`` never imports training code.
Exit statuses are decided here, for every command alike: 0 done, 2 bad input (any
:class:`mmcanet_core.errors.MmcanetError`: one ``error: ...`` line on stderr, no traceback),
130 Ctrl-C.
"""

import argparse
import importlib
import sys

from mmcanet_core.cli.common import join_negative_values, one_line_errors
from mmcanet_core.errors import MmcanetError

COMMANDS = {
    "predict": "remove clouds from a georeferenced SAR + optical pair",
    "train": "train a model (one loop: SEN12MS-CR, triplet folders, SYNTHETIC clouds)",
    "evaluate": "paper-style metric tables for one or more weights",
    "models": "list the available architectures",
    "clean": "remove the temporary .part files of killed runs",
    "export": "export .safetensors weights to an ONNX model",
}
#: What Ctrl-C prints, per command (the rest: "interrupted").
CANCELLED = {"predict": "cancelled; no output written",
             "export": "cancelled; nothing was written"}


def main(argv=None) -> int:
    argv = join_negative_values(sys.argv[1:] if argv is None else list(argv))
    parser = argparse.ArgumentParser(prog="python -m mmcanet_core", description=__doc__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, help_text in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    # Parse the command name first, then let the chosen module define (and parse) its options.
    known, rest = parser.parse_known_args(argv[:1])
    module = importlib.import_module(f"mmcanet_core.cli.{known.command}")
    command_parser = argparse.ArgumentParser(
        prog=f"python -m mmcanet_core {known.command}", description=COMMANDS[known.command]
    )
    module.add_arguments(command_parser)
    args = command_parser.parse_args(argv[1:] + rest)
    cancelled = CANCELLED.get(known.command, "interrupted")
    run = one_line_errors(MmcanetError, cancelled=cancelled)(module.run)
    return int(run(args) or 0)


__all__ = ["COMMANDS", "main"]
