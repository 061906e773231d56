"""``tthc dossiers`` and ``tthc due``: dossier timeliness and one appointment.

::

    tthc dossiers catalog/dossiers-2019.csv --by level --by month
    tthc dossiers log.xlsx --as-of "2019-12-31" --format json -o report.json
    tthc due 2.000908 --received "2026-02-13 16:30" --desk xa-tung-lam

``tthc dossiers`` exits with 0 when every dossier is early, on time or not
yet due; 1 when the log has late or overdue dossiers, or rows that could not
be classified (all listed, with their row numbers); 2 when the log or an
argument cannot be used. ``tthc due`` exits with 0, or 2 on any error (an
unknown code, a procedure not in force at the desk's level, a desk not open
on the day of receipt, a time without a usable amount).

>>> parse_moment("13/02/2026 16:30"), parse_moment("2026-02-13")
(datetime.datetime(2026, 2, 13, 16, 30), datetime.datetime(2026, 2, 13, 0, 0))
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from tthc.cli._common import dump_json, emit, load

if TYPE_CHECKING:
    from tthc.dossiers import DossierReport, Rates

__all__ = ["parse_moment", "register", "render_text"]

_EXIT_OK = 0
_EXIT_FINDINGS = 1
_BY = ("desk", "level", "field", "month")
_CHANNELS = ("in_person", "online", "postal")


def parse_moment(text: str) -> datetime:
    """Read a date and time (``YYYY-MM-DD hh:mm``, ``dd/mm/yyyy hh:mm``, or a date alone).

    Raises:
        argparse.ArgumentTypeError: the text is no date (a usage error).
    """
    from tthc.dossiers import parse_timestamp

    try:
        found = parse_timestamp(text)
    except ValueError:
        found = None
    if found is None:
        raise argparse.ArgumentTypeError(
            f"invalid date and time {text!r} (expected YYYY-MM-DD hh:mm or dd/mm/yyyy hh:mm)"
        )
    return found


def _as_of(text: str) -> datetime:
    """``--as-of`` of ``dossiers``: a date alone means the end of that day."""
    moment = parse_moment(text)
    stripped = text.strip()
    if ":" not in stripped and "h" not in stripped.lower():
        return datetime.combine(moment.date(), time.max)
    return moment


def _day(text: str) -> date:
    return parse_moment(text).date()


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``dossiers`` and ``due`` commands."""
    parser = subparsers.add_parser(
        "dossiers",
        parents=[common],
        help="classify the dossiers of a log (early, on time, late, overdue) and give the rates",
        description=(
            "Read a dossier log (CSV, XLSX, XLS or ODS), compute each dossier's appointment "
            "from the processing time in force at the desk's level on the day of receipt (the "
            "cut time where a cut applies) on the desk's calendar, classify it, and give the "
            "on-time rates with both denominators in use: finished dossiers, and all dossiers to "
            "handle (received + carried over). Exit 1 when there are late or overdue "
            "dossiers or rows that cannot be classified."
        ),
    )
    parser.add_argument("log", metavar="LOG", help="the dossier log (.csv or .xlsx)")
    parser.add_argument(
        "--as-of",
        metavar="DATETIME",
        type=_as_of,
        default=None,
        help="judge pending dossiers at this moment (a date alone: its end); "
        "default: the latest time in the log",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--by",
        action="append",
        choices=_BY,
        default=[],
        help="also give the rates per desk, level, field or month (repeatable)",
    )
    parser.add_argument(
        "--compare",
        choices=("date", "datetime"),
        default="date",
        help="compare finish and appointment by date (default) or by moment",
    )
    parser.add_argument(
        "--due-soon",
        metavar="N",
        type=int,
        default=1,
        help="a pending dossier is due soon within N working days of its appointment "
        "(default 1)",
    )
    parser.add_argument(
        "--include-withdrawn",
        action="store_true",
        help="count withdrawn and returned dossiers among those to handle",
    )
    parser.add_argument(
        "--desk", metavar="DESK", help="the desk of rows without one (a log without a desk column)"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--force", action="store_true", help="replace an existing FILE")
    parser.set_defaults(func=run_dossiers)

    due = subparsers.add_parser(
        "due",
        parents=[common],
        help="print the appointment date of a dossier, with the reasoning",
        description=(
            "Compute the appointment (ngày hẹn trả) of a dossier received at a moment: the "
            "processing time used (applied after a cut, or statutory), the start rule, the "
            "days skipped and why (weekends, holidays, Tết, swapped days, local days off)."
        ),
    )
    due.add_argument("code", metavar="CODE", help="the procedure code (national or local form)")
    due.add_argument(
        "--received",
        metavar="DATETIME",
        type=parse_moment,
        required=True,
        help='the receipt moment, e.g. "2026-02-13 16:30"',
    )
    due.add_argument("--desk", metavar="DESK", help="the desk id (default: no desk rules)")
    due.add_argument("--channel", choices=_CHANNELS, default=None, help="the submission channel")
    due.add_argument(
        "--as-of",
        metavar="DATE",
        type=_day,
        default=None,
        help="the catalogue date (which procedure version is in force; default: the receipt day)",
    )
    due.add_argument("--format", choices=("text", "json"), default="text")
    due.set_defaults(func=run_due)


def run_dossiers(args: argparse.Namespace) -> int:
    """Run ``dossiers`` with parsed *args*; return the exit code."""
    from tthc.dossiers import Outcome, check_dossiers, read_dossier_log

    if args.due_soon < 0:
        print("tthc dossiers: error: --due-soon must be 0 or more", file=sys.stderr)
        return 2
    by = list(dict.fromkeys(args.by))
    log = read_dossier_log(args.log)
    catalog = load(args)
    report = check_dossiers(
        catalog,
        log,
        as_of=args.as_of,
        comparison=args.compare,
        due_soon_days=args.due_soon,
        include_withdrawn=args.include_withdrawn,
        default_desk=args.desk,
    )
    if args.format == "json":
        text = dump_json(report.as_dict(by))
    else:
        text = render_text(report, by, as_of_given=args.as_of is not None)
    emit(text, args.output, force=args.force)
    if args.output and args.output != "-":
        print(f"tthc: wrote {args.output}", file=sys.stderr)
    counts = report.counts()
    findings = counts[Outcome.LATE] + counts[Outcome.OVERDUE] + counts[Outcome.UNCOMPUTABLE]
    return _EXIT_FINDINGS if findings else _EXIT_OK


def run_due(args: argparse.Namespace) -> int:
    """Run ``due`` with parsed *args*; return the exit code."""
    from tthc.dossiers import appointment

    found = appointment(
        load(args),
        args.code,
        args.received,
        desk=args.desk,
        channel=args.channel or "any",
        as_of=args.as_of,
    )
    if args.format == "json":
        emit(dump_json(found.as_dict()), None)
    else:
        emit(found.explain() + "\n", None)
    return _EXIT_OK


# --------------------------------------------------------------------------- text


def _n(value: int) -> str:
    return f"{value:,}"


def _pct(part: int, whole: int) -> str:
    from tthc.dossiers import format_percent

    if not whole:
        return "n/a"
    from decimal import Decimal

    return f"{format_percent(Decimal(part) / Decimal(whole))} ({_n(part)} / {_n(whole)})"


def _ranges(rows: list[int]) -> str:
    """``5, 9, 12–15``: row numbers with runs folded."""
    parts: list[str] = []
    start = prev = None
    for row in sorted(rows):
        if start is None:
            start = prev = row
        elif row == prev + 1:  # type: ignore[operator]
            prev = row
        else:
            parts.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = prev = row
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}–{prev}")
    return ", ".join(parts)


def _rates_lines(rates: Rates, indent: str = "  ") -> list[str]:
    return [
        f"{indent}early or on time, of finished dossiers: "
        f"{_pct(rates.early + rates.on_time, rates.finished)}",
        f"{indent}late, of dossiers to handle (late finished + overdue pending): "
        f"{_pct(rates.late + rates.overdue, rates.to_handle)}",
        f"{indent}on time, of dossiers to handle (100% − late rate): "
        f"{_pct(rates.to_handle - rates.late - rates.overdue, rates.to_handle)}",
    ]


def _table(groups: list[Rates], by: str) -> list[str]:
    from tthc.dossiers import format_percent

    head = ("group", "received", "carried", "early", "on time", "late", "pending", "overdue",
            "on time/finished", "late/to handle")
    rows = [head]
    for g in groups:
        rows.append((
            g.group if by != "field" else g.label,
            _n(g.received), _n(g.carried_over), _n(g.early), _n(g.on_time), _n(g.late),
            _n(g.pending), _n(g.overdue), format_percent(g.on_time_of_finished),
            format_percent(g.late_of_to_handle),
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:],
                                                                       strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def render_text(report: DossierReport, by: list[str], *, as_of_given: bool = True) -> str:
    """The report as text: settings, classes, rates, groups, late and overdue dossiers, problems."""
    from tthc.dossiers import Outcome

    log = report.log
    counts = report.counts()
    rates = report.rates()[0]
    columns = ", ".join(log.headers[i] for i in sorted(log.columns.values()))
    as_of = f"{report.as_of:%d/%m/%Y %H:%M}"
    lines = [
        f"dossier log: {report.source} ({log.format}"
        + (f", {log.encoding}" if log.encoding else "") + ")",
        f"  {_n(len(report))} dossier rows (header on row {log.header_row}; "
        f"{_n(log.blank_rows)} blank rows skipped); columns read: {columns}",
        f"  as of {as_of}" + ("" if as_of_given else " (the latest time in the log)")
        + f"; compared by {report.comparison.value}; due soon: within "
        f"{report.due_soon_days} working day(s)",
        "",
        "dossiers",
    ]
    for outcome in Outcome:
        extra = ""
        if outcome is Outcome.LATE and counts[outcome]:
            reset = sum(1 for d in report.select(Outcome.LATE) if d.reappointed is not None)
            extra = f"  ({reset} with a date re-set after an apology)" if reset else ""
        lines.append(
            f"  {outcome.value.replace('_', ' '):<14} {outcome.label_vi:<24}"
            f"{_n(counts[outcome]):>10}{extra}"
        )
    lines.append(f"  re-appointed (date re-set once after an apology): {_n(report.reappointed)}")
    lines += ["", "rates (withdrawn and returned dossiers "
              + ("counted among those to handle)" if report.include_withdrawn else "left out)")]
    lines += _rates_lines(rates)
    for key in by:
        groups = report.rates(key)  # type: ignore[arg-type]
        title = "by month (received in the month + carried over; finished in the month)" \
            if key == "month" else f"by {key}"
        lines += ["", title, *_table(groups, key)]
    listed = report.select(Outcome.LATE, Outcome.OVERDUE)
    if listed:
        lines += ["", "late and overdue dossiers"]
        for d in listed:
            done = d.done_at
            lines.append(
                f"  row {d.row}: {d.id} {d.code} at {d.desk}: {d.outcome.value}; received "
                f"{d.received_at:%d/%m/%Y %H:%M}, due {d.due:%d/%m/%Y %H:%M}"
                + (f", finished {done:%d/%m/%Y %H:%M}" if done else "")
                + (f", re-set to {d.reappointed:%d/%m/%Y}" if d.reappointed else "")
            )
    if report.problems:
        by_code: dict[tuple[str, str], list[Any]] = {}
        for p in report.problems:
            by_code.setdefault((p.code, p.severity), []).append(p)
        lines += ["", f"problems ({_n(len(report.problems))})"]
        for (code, severity), items in by_code.items():
            rows = [int(p.path.split()[-1]) for p in items if p.path.startswith("row ")]
            lines.append(f"  {code} ({severity}, {_n(len(items))}): rows {_ranges(rows)}")
            lines.extend(f"    {p.path}: {p.message}" for p in items[:5])
            if len(items) > 5:
                lines.append(f"    … {_n(len(items) - 5)} more (all in --format json)")
    return "\n".join(lines) + "\n"
