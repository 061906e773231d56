"""``tthc posting-list``: print the list of procedures a desk must post.

::

    tthc posting-list --desk xa-tung-lam --as-of 2019-12-31 --format md
    tthc posting-list --desk huyen --format docx -o huyen.docx
    tthc posting-list --all-desks --as-of 2019-12-31 --format xlsx -o lists/

Text formats (``html``, ``csv``, ``md``) go to standard output unless ``-o``
names a file; the zip formats (``xlsx``, ``docx``) need ``-o``. With
``--all-desks``, ``-o`` names a folder and each desk open on the date gets
``<desk id>-<date>.<format>`` there. Files are written atomically and an
existing file is replaced only with ``--force``; with ``--all-desks`` every
target is checked before the first one is written, and the lists are written
all together (a failure, such as a full disk, leaves none of them).

"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tthc.cli._common import load, parse_date
from tthc.errors import TthcError

if TYPE_CHECKING:
    from tthc.render import Format

__all__ = ["output_name", "register"]

_EXIT_OK = 0
_EXIT_USAGE = 2
_FORMATS = ("xlsx", "docx", "html", "csv", "md")


def output_name(desk_id: str, day: date, fmt: str) -> str:
    """The file name ``--all-desks`` gives a desk's list.

    >>> output_name("xa-tung-lam", date(2019, 12, 31), "docx")
    'xa-tung-lam-2019-12-31.docx'
    """
    return f"{desk_id}-{day.isoformat()}.{fmt}"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``posting-list`` command."""
    parser = subparsers.add_parser(
        "posting-list",
        parents=[common],
        help="print the posting list of a desk (XLSX, DOCX, HTML, CSV, Markdown)",
        description=(
            "Write the list of procedures a one-stop desk must post on a date: grouped by "
            "field, with processing times (the statutory one beside a cut time), fees, online "
            "and postal service, the announcing decision, the feedback address and the source "
            "decisions. DOCX follows the layout of Nghị định 30/2020/NĐ-CP."
        ),
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--desk", metavar="DESK", help="the desk id (see unit.toml)")
    target.add_argument(
        "--all-desks",
        action="store_true",
        help="one file per desk open on the date, into the folder given with -o",
    )
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        type=parse_date,
        default=None,
        help="the date the list is true on (YYYY-MM-DD or dd/mm/yyyy; default: today)",
    )
    parser.add_argument("--format", required=True, choices=_FORMATS, help="the output format")
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="the file to write (a folder with --all-desks); text formats default to stdout",
    )
    parser.add_argument("--force", action="store_true", help="replace existing files")
    parser.set_defaults(func=run)


def _plain_name(text: str) -> bool:
    """Tell whether *text* can be part of a file name in the output folder (no path)."""
    return bool(text) and not text.startswith(".") and not any(
        char in text for char in ("/", "\\", "\0", ":")
    )


def _usage(message: str) -> int:
    print(f"tthc posting-list: error: {message}", file=sys.stderr)
    return _EXIT_USAGE


def _stdout(data: bytes) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()
    else:  # a text-only stream (an embedding application)
        sys.stdout.write(data.decode("utf-8"))


def run(args: argparse.Namespace) -> int:
    """Run ``posting-list`` with parsed *args*; return the exit code."""
    from tthc._io import atomic_write, atomic_write_many
    from tthc.posting_list import build_posting_list
    from tthc.render import is_binary, render_posting_list

    fmt = cast("Format", args.format)
    day: date = args.as_of or date.today()
    if args.all_desks and not args.output:
        return _usage("--all-desks writes one file per desk: give the folder with -o DIR")
    if not args.all_desks and not args.output and is_binary(fmt):
        return _usage(f"--format {fmt} writes a binary file: give it with -o FILE")
    catalog = load(args)

    if not args.all_desks:
        data = render_posting_list(build_posting_list(catalog, args.desk, day), fmt)
        if args.output:
            atomic_write(args.output, data, force=args.force)
            print(f"tthc: wrote {args.output}", file=sys.stderr)
        else:
            _stdout(data)
        return _EXIT_OK

    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        return _usage(f"{folder}: not a folder (--all-desks writes one file per desk into it)")
    desks = catalog.as_of(day).desks()
    if not desks:
        return _usage(f"no desk is open on {day:%d/%m/%Y}")
    targets = [(desk.id, folder / output_name(desk.id, day, fmt)) for desk in desks]
    unsafe = [repr(desk_id) for desk_id, _ in targets if not _plain_name(desk_id)]
    if unsafe:  # an id such as "../x" would write outside the folder
        return _usage(f"desk id(s) {', '.join(unsafe)} cannot be used in a file name; "
                      "give each desk a plain id (letters, digits, '-') in unit.toml")
    existing = [str(path) for _id, path in targets if path.exists()]
    if existing and not args.force:
        return _usage(
            f"{len(existing)} file(s) already exist (use --force to replace them): "
            + ", ".join(existing)
        )
    rendered: dict[str | os.PathLike[str], bytes | str] = {}
    for desk_id, path in targets:
        try:
            rendered[path] = render_posting_list(build_posting_list(catalog, desk_id, day), fmt)
        except TthcError as exc:  # pragma: no cover - open desks always build
            return _usage(f"{desk_id}: {exc}")
    # All or none: every file is written before the first is renamed into place.
    atomic_write_many(rendered, force=args.force)
    skipped = len(catalog.desks) - len(desks)
    note = f"; {skipped} desk(s) not open on {day:%d/%m/%Y} skipped" if skipped else ""
    print(f"tthc: wrote {len(targets)} posting lists to {folder}{note}", file=sys.stderr)
    return _EXIT_OK
