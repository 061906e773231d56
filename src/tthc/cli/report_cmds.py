"""``tthc report``: the administrative-procedure section of the yearly reform report.

::

    tthc report --year 2019 [--format text|json|md] [--cut-threshold 0.2]
                [--by sector|field] [--dossiers LOG] [--listings [LISTING ...]] [-o FILE]
"""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from tthc.cli._common import dump_json, emit, load

__all__ = ["register"]


def _fraction(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"invalid fraction {text!r} (e.g. 0.2)") from None
    if not value.is_finite() or not Decimal(0) < value < Decimal(1):
        raise argparse.ArgumentTypeError(f"the threshold {text} must lie between 0 and 1")
    return value


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``report`` command."""
    p = subparsers.add_parser(
        "report",
        parents=[common],
        help="the yearly report's figures on procedures, computed from the catalogue",
        description="Compute the administrative-procedure figures of a year: new, amended, "
        "replaced and repealed procedures, those in force at the end of the year by level, "
        "cuts of processing time, online (levels 3-4) and postal services. The text form is a "
        "Vietnamese paragraph; the JSON keys are documented in docs/reports.md.",
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--format", choices=("text", "json", "md"), default="text")
    p.add_argument(
        "--cut-threshold",
        type=_fraction,
        default=Decimal("0.2"),
        metavar="FRACTION",
        help="count cuts of at least this fraction (default 0.2)",
    )
    p.add_argument(
        "--by",
        choices=("sector", "field"),
        default="sector",
        help="name the areas of the cut procedures by sector, as offices write them "
        "(default; a field with no known sector is named itself), or by field, as the "
        "national database spells them",
    )
    p.add_argument(
        "--dossiers",
        metavar="LOG",
        help="a dossier log (CSV, XLSX, XLS or ODS) whose figures the report quotes",
    )
    p.add_argument(
        "--listings",
        nargs="*",
        metavar="LISTING",
        help="audit these posted listings (DESK=FILE or FILE) on 31 December and quote the "
        "posting status; with no value, the catalogue's own listings (its manifest)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--force", action="store_true", help="overwrite an existing FILE")
    p.set_defaults(func=_report)


def _report(args: argparse.Namespace) -> int:
    from tthc.annual import annual_report, render_markdown, render_text, to_dict

    if not 1900 < args.year < 2200:
        raise argparse.ArgumentTypeError(f"implausible year {args.year}")
    catalog = load(args)
    dossiers = None
    if args.dossiers:
        from datetime import datetime

        from tthc.annual import dossier_figures
        from tthc.dossiers import check_dossiers

        checked = check_dossiers(catalog, args.dossiers, as_of=datetime(args.year, 12, 31, 23, 59))
        dossiers = dossier_figures(checked)
    posting = None
    if args.listings is not None:
        from tthc.annual import posting_figures
        from tthc.audit import audit
        from tthc.cli.audit_cmds import collect_listings

        year_end = date(args.year, 12, 31)
        options = argparse.Namespace(
            listings=args.listings, desk=None, as_of=year_end, catalog=args.catalog,
            expect_total=None,
        )
        listings, _, expect_total = collect_listings(options, catalog)
        posting = posting_figures(audit(catalog, listings, year_end, expect_total=expect_total))
    report = annual_report(
        catalog, args.year, cut_threshold=args.cut_threshold, dossiers=dossiers, posting=posting,
        by=args.by,
    )
    if args.format == "json":
        text = dump_json(to_dict(report))
    elif args.format == "md":
        text = render_markdown(report)
    else:
        text = render_text(report)
    emit(text, args.output, force=args.force)
    return 0
