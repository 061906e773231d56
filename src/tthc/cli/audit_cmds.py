"""``tthc audit``: check posted listings against the catalogue.

::

    tthc audit [LISTING ...] [--catalog DIR] [--as-of DATE] [--desk D]
               [--expect-total N] [--format text|json|md|csv] [-o FILE] [--force]

A LISTING is ``DESK=PATH``, or a PATH whose desk is ``--desk`` or, without
it, read from the file name: the desk whose id the name (folded, with runs
of other characters turned into ``-``) equals or starts with, followed by
``-`` (``xa-tung-lam.csv``, ``Xã Tùng Lâm 2019.xlsx``); the longest such
id wins. With no LISTING, the listings named in the catalogue's
``listings/listings.toml`` are audited (the example catalogue ships its
desks' listings of 31/12/2019), on the manifest's date unless ``--as-of``
says otherwise, and for ``--desk`` only when given; the manifest's
``expect_total`` is reconciled unless ``--desk`` or ``--expect-total`` is given.

Exit codes: 0 no error finding, 1 error findings, 2 unusable input.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from tthc.cli._common import emit, load, parse_date, today

if TYPE_CHECKING:
    from tthc.catalog import Catalog
    from tthc.listing import Listing

__all__ = ["collect_listings", "desk_from_name", "register"]


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid count {text!r} (a whole number)") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"the count {text} must not be negative")
    return value


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``audit`` command."""
    p = subparsers.add_parser(
        "audit",
        parents=[common],
        help="audit posted listings against the catalogue (default: the example's listings)",
        description="Check what each desk has posted against the procedures it must post on "
        "the date: missing, stale (repealed, replaced, transferred), outdated (name, "
        "processing time, fees), duplicated and unknown procedures, with the row of each "
        "finding. A LISTING is DESK=PATH, or a PATH whose desk is --desk or is read from the "
        "file name (a desk id the name equals or starts with). Without LISTING, the "
        "catalogue's listings/listings.toml is audited. Exit 0 with no error finding, 1 with "
        "errors, 2 on unusable input.",
    )
    p.add_argument("listings", nargs="*", metavar="LISTING",
                   help="DESK=PATH or PATH (CSV, XLSX, XLS, ODS, DOCX, DOC, PDF, TXT, MD)")
    p.add_argument("--as-of", type=parse_date, metavar="DATE",
                   help="audit date (default: the manifest's date, else today)")
    p.add_argument("--desk", metavar="D",
                   help="the desk of every PATH given without DESK=; with no LISTING, "
                   "audit only this desk's listings")
    p.add_argument("--expect-total", type=_count, metavar="N",
                   help="reconcile the required (procedure, level) pairs of the audited "
                   "desks with N (e.g. 445), broken down by level and field")
    p.add_argument("--format", choices=("text", "json", "md", "csv", "desks-csv"),
                   default="text",
                   help="text summary, JSON report, Markdown, CSV of the findings, or CSV of "
                   "the desks (rows; required procedures posted, unconfirmed, missing)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--force", action="store_true", help="overwrite an existing FILE")
    p.set_defaults(func=_audit)


def _slug(text: str) -> str:
    from tthc.text import fold

    return re.sub(r"[^0-9a-z]+", "-", fold(text)).strip("-")


def desk_from_name(path: str, desk_ids: Sequence[str]) -> str | None:
    """The desk a file name names, by the rule in the module docstring, or ``None``.

    >>> desk_from_name("data/Xã Tùng Lâm 2019.xlsx", ["xa-tung-lam", "xa-tung"])
    'xa-tung-lam'
    >>> desk_from_name("huyen.csv", ["huyen", "xa-a"]), desk_from_name("ds.csv", ["huyen"])
    ('huyen', None)
    """
    stem = os.path.basename(path)
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    slug = _slug(stem)
    best: str | None = None
    for desk in desk_ids:
        key = _slug(desk)
        if key and (slug == key or slug.startswith(key + "-")) and (
            best is None or len(key) > len(_slug(best))
        ):
            best = desk
    return best


def _assign(args: argparse.Namespace, catalog: Catalog) -> dict[str, list[str]]:
    """Desk -> paths from the LISTING arguments."""
    ids = [desk.id for desk in catalog.desks]
    if args.desk is not None:
        catalog.desk(args.desk)  # UnknownDesk: exit 2
    found: dict[str, list[str]] = {}
    for item in args.listings:
        head, sep, rest = item.partition("=")
        if sep and head in ids and rest:
            desk, path = head, rest
        elif args.desk is not None:
            desk, path = args.desk, item
        else:
            desk_id = desk_from_name(item, ids)
            if desk_id is None:
                raise argparse.ArgumentTypeError(
                    f"{item}: no desk in the file name; write DESK={item} or give --desk "
                    f"(desks: {', '.join(ids)})"
                )
            desk, path = desk_id, item
        found.setdefault(desk, []).append(path)
    return found


class _Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.drawn = False

    def __call__(self, done: int, total: int, desk: str) -> None:
        if not self.enabled or total < 2:
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r  audit [{bar}] {done}/{total} {desk[:24]:<24}")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()


def collect_listings(
    args: argparse.Namespace, catalog: Catalog
) -> tuple[dict[str, list[Listing | str]], date | None, int | None]:
    """The listings named by ``args.listings`` (else the catalogue's manifest), per desk.

    Returns the listings, the audit date (``--as-of``, else the manifest's) and the
    expected total (``--expect-total``, else the manifest's when every desk is audited).
    """
    from tthc.audit import read_manifest

    as_of: date | None = args.as_of
    expect_total: int | None = getattr(args, "expect_total", None)
    if args.listings:
        given: dict[str, list[Listing | str]] = {
            desk: list(paths) for desk, paths in _assign(args, catalog).items()
        }
        return given, as_of, expect_total
    manifest = read_manifest(args.catalog)
    if manifest is None:
        raise argparse.ArgumentTypeError(
            "no LISTING given, and the catalogue has no listings/listings.toml"
        )
    if args.desk is not None:
        catalog.desk(args.desk)
    read = manifest.read(args.desk)
    if not read:
        raise argparse.ArgumentTypeError(f"the manifest lists no listing of {args.desk}")
    as_of = as_of or manifest.as_of
    if expect_total is None and args.desk is None:
        expect_total = manifest.expect_total
    return {desk: list(items) for desk, items in read.items()}, as_of, expect_total


def _audit(args: argparse.Namespace) -> int:
    from tthc.audit import audit

    catalog = load(args)
    listings, as_of, expect_total = collect_listings(args, catalog)
    progress = _Progress()
    try:
        report = audit(catalog, listings, as_of or today(), expect_total=expect_total,
                       progress=progress)
    finally:
        progress.close()
    if args.format == "json":
        text = report.to_json()
    elif args.format == "md":
        text = report.to_markdown()
    elif args.format == "csv":
        text = report.to_csv()
    elif args.format == "desks-csv":
        text = report.to_desks_csv()
    else:
        text = report.to_text()
    emit(text, args.output, force=args.force)
    return 0 if report.valid else 1
