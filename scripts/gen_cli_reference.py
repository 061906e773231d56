"""Write docs/cli.md, the command-line reference, from the real argument parser.

Usage: ``python scripts/gen_cli_reference.py [--check]``. With ``--check`` it
only compares and exits 1 when the file is out of date (the tests do that).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))

from _docgen import write_or_check  # noqa: E402

from tthc.cli import build_parser  # noqa: E402

TARGET = REPO / "docs" / "cli.md"

HEADER = """\
# Command-line reference

This page is generated from the parser itself by `scripts/gen_cli_reference.py`;
a test fails when it is out of date. Every command takes `--catalog DIR`
(default: `$TTHC_CATALOG`, else the embedded example catalogue).

Exit codes, for every command:

| code | meaning |
|---|---|
| 0 | success, and no error finding |
| 1 | the command ran and found errors (an audit with error findings, a diff with differences) |
| 2 | usage error or unusable input, with a message naming the file and position |
| 3 | internal error (a bug in tthc); `TTHC_DEBUG=1` shows the traceback |
"""


def _subparsers(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    found: list[tuple[str, argparse.ArgumentParser]] = []
    for action in parser._actions:  # argparse keeps subcommands here only
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _subparsers(sub)
                found.extend((f"{name} {n}", p) for n, p in nested)
                if not nested:
                    found.append((name, sub))
    return found


def render() -> str:
    """The reference page, command by command, with each command's own help."""
    os.environ["COLUMNS"] = "100"  # stable wrapping
    parser = build_parser()
    parts = [HEADER, "## tthc", "", "```text", parser.format_help().rstrip(), "```", ""]
    for name, sub in sorted(_subparsers(parser)):
        sub.prog = f"tthc {name}"
        parts += [f"## tthc {name}", "", "```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) docs/cli.md."""
    return write_or_check(TARGET, render(), argv, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
