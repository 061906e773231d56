"""The ``tthc`` command line.

``main(argv) -> int`` parses the arguments, calls the library and returns
the exit code; it never lets an expected error become a traceback.

Exit codes:

- ``0``: success, and no error finding;
- ``1``: the command ran and found errors (an audit with error findings,
  a catalogue diff with differences, overdue dossiers …);
- ``2``: usage error or unusable input (bad arguments, unreadable or invalid
  files, an invalid catalogue), with a message naming the file and position;
- ``3``: an internal error (a bug in tthc); set ``TTHC_DEBUG=1`` for the traceback.

>>> main(["--version"])  # doctest: +ELLIPSIS
tthc ...
0
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from tthc.errors import TthcError

__all__ = ["EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

#: Modules that each add a group of subcommands with ``register(subparsers, common)``.
COMMAND_MODULES = (
    "tthc.cli.catalog_cmds",
    "tthc.cli.report_cmds",
    "tthc.cli.render_cmds",
    "tthc.cli.dossier_cmds",
    "tthc.cli.audit_cmds",
    "tthc.cli.import_cmds",
    "tthc.cli.link_cmds",
    "tthc.cli.site_cmds",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with code 2 and a one-line hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise _UsageError(f"{self.prog}: error: {message}")


class _UsageError(Exception):
    pass


def _version() -> str:
    import tthc

    return str(tthc.__version__)


def build_parser() -> argparse.ArgumentParser:
    """Build the full argument parser (used by ``main`` and the CLI reference test)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--catalog",
        metavar="DIR",
        help="catalogue folder (default: $TTHC_CATALOG, else the embedded example catalogue)",
    )
    parser = _Parser(
        prog="tthc",
        description=(
            "Keep a district's catalogue of administrative procedures true: "
            "validate it, list and show procedures, audit posted lists, print posting "
            "lists, compute due dates and the yearly report."
        ),
        epilog="Exit codes: 0 ok, 1 findings, 2 usage or input error, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"tthc {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except Exception as exc:  # a bug in an argument's type function
        return _internal(exc)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except (TthcError, argparse.ArgumentTypeError) as exc:
        print(f"tthc: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, UnicodeError) as exc:
        print(f"tthc: {_describe_os_error(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("tthc: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        return _internal(exc)


def _internal(exc: Exception) -> int:
    """Report a bug in tthc (with the traceback under ``TTHC_DEBUG``); return exit code 3."""
    if os.environ.get("TTHC_DEBUG"):
        traceback.print_exception(exc)
    print(
        f"tthc: internal error: {type(exc).__name__}: {exc} "
        "(this is a bug in tthc; run with TTHC_DEBUG=1 for details)",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _describe_os_error(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"{exc.filename}: no such file or folder"
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename}: is a folder, expected a file"
    if isinstance(exc, PermissionError):
        return f"{exc.filename}: permission denied"
    if isinstance(exc, FileExistsError):
        return f"{exc.filename}: already exists (use --force to overwrite)"
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)
