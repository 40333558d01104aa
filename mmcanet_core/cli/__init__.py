"""``python -m mmcanet_core <command>``: one sub-command per job, each living in its own module.

A command module exposes ``add_arguments(parser)`` and ``run(args) -> int``; it is imported only
when its command runs, so ``--help`` stays fast and ``predict`` never imports training code.
"""

import argparse
import functools
import importlib
import re
import sys

COMMANDS = {
    "predict": ("mmcanet_core.inference", "remove clouds from a georeferenced SAR + optical pair"),
    "train": ("mmcanet_core.training.train", "train a model on SEN12MS-CR (or simulated clouds)"),
    "evaluate": (
        "mmcanet_core.training.evaluate", "paper-style metric tables for one or more weights"
    ),
    "models": ("mmcanet_core.models", "list the available architectures"),
    "clean": ("mmcanet_core.safety.partfiles", "remove the temporary .part files of killed runs"),
    "export": ("mmcanet_core.weights.export", "export .safetensors weights to an ONNX model"),
}


def one_line_errors(*errors, cancelled: str = "interrupted"):
    """Decorator for a command's ``run``: ``errors`` (bad input) become one ``error: ...`` line
    on stderr and exit status 2, Ctrl-C prints ``cancelled`` and exits 130; no traceback."""

    def wrap(run):
        @functools.wraps(run)
        def guarded(args) -> int:
            try:
                return run(args)
            except errors as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            except KeyboardInterrupt:
                print(cancelled, file=sys.stderr)
                return 130

        return guarded

    return wrap


def join_negative_values(argv):
    """``["--bands", "-1,3,2"]`` -> ``["--bands=-1,3,2"]``.

    argparse takes a value starting with ``-`` and a digit for an option (unless it is a plain
    number) and stops with "expected one argument"; joined, the value reaches the command's own
    check and its message.
    """
    out = []
    for token in argv:
        if (out and re.match(r"^-\d", token) and out[-1].startswith("--")
                and "=" not in out[-1]):
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


def main(argv=None) -> int:
    argv = join_negative_values(sys.argv[1:] if argv is None else list(argv))
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
