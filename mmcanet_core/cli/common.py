"""What every command shares: turning our errors into one line and an exit status."""

import functools
import re
import sys


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
            except MemoryError as exc:  # an allocation the memory estimate did not foresee
                print(f"error: out of memory ({exc}); no output was written. Use a smaller "
                      "--tile or --batch-size, or free memory.", file=sys.stderr)
                return 2

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
