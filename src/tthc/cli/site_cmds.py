"""``tthc site`` and ``tthc export``: the public catalogue as a website and as data.

::

    tthc site --as-of 2019-12-31 -o site/
    tthc site --as-of 2019-12-31 --desk xa-tung-lam -o site/ --force
    tthc site -o site/ --qr-url 'https://dichvucong.example.vn/tthc?ma={code}'
    tthc export --desk huyen --as-of 2019-12-31 --format jsonld -o huyen.jsonld
    tthc export --desk huyen --as-of 2019-12-31 --format json

``site`` writes a static website (see ``docs/site.md``) into a new folder
beside ``-o`` and swaps it in at the end: a failed build leaves the previous
site as it was. An existing site is replaced only with ``--force``, and a
folder that is not a tthc site is never replaced. ``export`` prints one
desk's catalogue as JSON or JSON-LD (schema.org and CPSV-AP), or writes it
atomically to ``-o``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from tthc.cli._common import emit, load, parse_date

__all__ = ["register"]

_EXIT_OK = 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``site`` and ``export`` commands."""
    from tthc.export import DEFAULT_QR_URL

    site = subparsers.add_parser(
        "site",
        parents=[common],
        help="build the public catalogue as a static, searchable website (all desks or one)",
        description=(
            "Write a static website of what each one-stop desk publishes on a date: an index "
            "per desk grouped by field (the counts of its posting list), one page per procedure "
            "with its QR code and JSON-LD, a search that ignores diacritics, and the desk "
            "catalogue as JSON and JSON-LD. Works offline from the folder or any web server."
        ),
    )
    site.add_argument(
        "--as-of",
        metavar="DATE",
        type=parse_date,
        default=None,
        help="the date the site is true on (YYYY-MM-DD or dd/mm/yyyy; default: today)",
    )
    site.add_argument(
        "--desk",
        metavar="DESK",
        action="append",
        help="build only this desk (repeatable; default: every desk open on the date)",
    )
    site.add_argument("-o", "--output", metavar="DIR", required=True, help="the site folder")
    site.add_argument(
        "--qr-url",
        metavar="PATTERN",
        default=DEFAULT_QR_URL,
        help="the URL each procedure's QR code opens; {code}, {slug} and {desk} are replaced "
        "(default: the procedure's page on the national public-service portal)",
    )
    site.add_argument("--force", action="store_true", help="replace an existing site")
    site.set_defaults(func=run_site)

    export = subparsers.add_parser(
        "export",
        parents=[common],
        help="print a desk's catalogue as JSON or JSON-LD (schema.org, CPSV-AP)",
        description=(
            "Print the procedures a desk publishes on a date, with their processing time, "
            "cut, fees, services, legal basis, decisions and history: as plain JSON "
            "(docs/site.md lists the keys) or as JSON-LD with schema.org GovernmentService "
            "and the CPSV-AP terms."
        ),
    )
    export.add_argument("--desk", metavar="DESK", required=True, help="the desk id")
    export.add_argument(
        "--as-of",
        metavar="DATE",
        type=parse_date,
        default=None,
        help="the date (YYYY-MM-DD or dd/mm/yyyy; default: today)",
    )
    export.add_argument("--format", choices=("json", "jsonld"), default="jsonld")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    export.set_defaults(func=run_export)


def _day(args: argparse.Namespace) -> date:
    from tthc.cli._common import today

    return args.as_of or today()


def run_site(args: argparse.Namespace) -> int:
    """Run ``site`` with parsed *args*; return the exit code."""
    from tthc.site import build_site, check_qr_pattern

    check_qr_pattern(args.qr_url)  # a bad pattern fails before the catalogue loads
    catalog = load(args)
    result = build_site(catalog, _day(args), args.output, desks=args.desk,
                        qr_url=args.qr_url, force=args.force)
    total = sum(result.counts.values())
    print(
        f"tthc: wrote the site of {len(result.counts)} desk(s), {total} procedure page(s), "
        f"{result.files} files, to {result.path}",
        file=sys.stderr,
    )
    return _EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    """Run ``export`` with parsed *args*; return the exit code."""
    from tthc.export import desk_json, desk_jsonld, dumps, publish

    pub = publish(load(args), args.desk, _day(args))
    data = desk_jsonld(pub) if args.format == "jsonld" else desk_json(pub)
    emit(dumps(data), args.output, force=args.force)
    if args.output and args.output != "-":
        print(f"tthc: wrote {args.output}", file=sys.stderr)
    return _EXIT_OK
