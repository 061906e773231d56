"""Catalogue commands: ``validate``, ``list``, ``show``, ``changes``.

::

    tthc validate [--catalog DIR]
    tthc list [--as-of DATE] [--level L] [--desk D] [--field F] [--format text|json|csv]
    tthc show CODE [--as-of DATE]
    tthc changes --from DATE --to DATE [--format text|json]
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from typing import Any

from tthc.cli._common import dump_json, emit, load, parse_date, today
from tthc.codes import code_label, display_code

__all__ = ["register"]


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the catalogue commands."""
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    output.add_argument("--force", action="store_true", help="overwrite an existing FILE")

    p = subparsers.add_parser(
        "validate",
        parents=[common],
        help="check a catalogue folder: every problem at once",
        description="Load and replay the catalogue; list every error and warning. "
        "Exit 0 when it is valid (warnings allowed), 2 with the errors.",
    )
    p.set_defaults(func=_validate)

    p = subparsers.add_parser(
        "list",
        parents=[common, output],
        help="list the procedures in force on a date",
        description="List the procedures in force on a date, one line per (code, level).",
    )
    p.add_argument("--as-of", type=parse_date, metavar="DATE", help="date (default: today)")
    p.add_argument("--level", type=_level, help="only this level (province, district, commune)")
    p.add_argument("--desk", help="only what this desk must post (its level, while open)")
    p.add_argument("--field", help="only this field (any spelling)")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.set_defaults(func=_list)

    p = subparsers.add_parser(
        "show",
        parents=[common],
        help="show a procedure: the version in force, its history and lineage",
        description="Show one procedure: each level's version in force on the date, every "
        "version with the decision behind it, and the replacement chain.",
    )
    p.add_argument("code", help="national or local code (1.004227, 1.004227.H12)")
    p.add_argument("--as-of", type=parse_date, metavar="DATE", help="date (default: today)")
    p.set_defaults(func=_show)

    p = subparsers.add_parser(
        "changes",
        parents=[common, output],
        help="count the entries of the decisions effective in a period",
        description="Entries by kind (new, amended, replaced, repealed, transferred, cut, "
        "service), counted per (procedure, level) and per distinct code.",
    )
    p.add_argument("--from", dest="start", type=parse_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="end", type=parse_date, required=True, metavar="DATE")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_changes)


def _level(text: str) -> str:
    """A level key for ``--level`` (an unknown level is a usage error)."""
    from tthc.procedure import Level

    try:
        return Level.get(text).key
    except LookupError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _validate(args: argparse.Namespace) -> int:
    from tthc.catalog import check_catalog, resolve_catalog_path

    path = resolve_catalog_path(args.catalog)
    problems = check_catalog(path)
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    if errors:
        print(f"tthc: {path}: {len(errors)} error(s)", file=sys.stderr)
        return 2
    warnings = len(problems) - len(errors)
    print(f"{path}: valid" + (f" ({warnings} warning(s))" if warnings else ""))
    return 0


def _list(args: argparse.Namespace) -> int:
    catalog = load(args)
    day = args.as_of or today()
    entries = catalog.as_of(day).entries(level=args.level, desk=args.desk, field=args.field)
    rows = [
        {
            "code": e.code,
            "code_label": code_label(e.code),
            "level": e.level,
            "field": e.procedure.field.name,
            "name": e.procedure.name,
            "processing_time": e.processing_time.text,
            "statutory_time": e.procedure.processing_time.text if e.applied_time else "",
            "fees": e.procedure.fees.text,
            "online": str(e.online or ""),
            "postal": "yes" if e.postal.any else "",
            "since": e.since.isoformat(),
            "decision": e.decision.number,
        }
        for e in entries
    ]
    if args.format == "json":
        text = dump_json({"as_of": day.isoformat(), "count": len(rows), "procedures": rows})
    elif args.format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["code"])
        writer.writeheader()
        writer.writerows({k: _safe_cell(v) for k, v in row.items()} for row in rows)
        text = buffer.getvalue()
    else:
        lines = [f"{display_code(r['code'])}  {r['level']:<8}  {r['name']}" for r in rows]
        lines.append(f"{len(rows)} procedure(s) in force on {day:%d/%m/%Y}")
        text = "\n".join(lines) + "\n"
    emit(text, args.output, force=args.force)
    return 0


def _safe_cell(value: str) -> str:
    """Neutralise a spreadsheet formula at the start of a cell."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _show(args: argparse.Namespace) -> int:
    catalog = load(args)
    day = args.as_of or today()
    history = catalog.history(args.code)  # raises UnknownProcedure (exit 2)
    code = history[0].procedure.code
    view = catalog.as_of(day)
    out = [f"{display_code(code)}  {history[-1].procedure.name}"]
    current = [r for r in view.entries() if r.code == code]
    if current:
        for record in current:
            p = record.procedure
            out.append(f"In force on {day:%d/%m/%Y} at {record.level}:")
            out.append(f"  field: {p.field.name}")
            if p.agency:
                out.append(f"  agency: {p.agency}")
            out.append(f"  processing time: {record.processing_time.text}")
            if record.applied_time is not None:
                out.append(f"  statutory time: {p.processing_time.text} (cut)")
            out.append(f"  fees: {p.fees.text}")
            if record.online:
                out.append(f"  online: {record.online}")
            if record.postal.any:
                out.append("  postal service: yes")
            out.append(f"  announced by: {record.decision.number} ({record.since:%d/%m/%Y})")
    else:
        out.append(f"Not in force on {day:%d/%m/%Y}.")
    out.append("History:")
    for version in history:
        until = f" until {version.valid_until:%d/%m/%Y}" if version.valid_until else ""
        ended = f" ({version.end_kind.value})" if version.end_kind else ""
        out.append(
            f"  {version.valid_from:%d/%m/%Y}{until}{ended}  {version.procedure.level:<8} "
            f"{version.kind.value:<11} {version.decision.number}"
        )
    lineage = catalog.lineage(code)
    if lineage.predecessors or lineage.successors:
        out.append("Lineage:")
        for step in lineage.replaces:
            out.append(f"  replaces {step.old} ({step.level}, {step.decision.number})")
        for step in lineage.replaced_by:
            out.append(f"  replaced by {step.new} ({step.level}, {step.decision.number})")
    print("\n".join(out))
    return 0


def _changes(args: argparse.Namespace) -> int:
    from tthc.decision import EntryKind

    if args.end < args.start:
        raise argparse.ArgumentTypeError("--to is before --from")
    catalog = load(args)
    changes = catalog.changes(args.start, args.end)
    if args.format == "json":
        data = {
            "from": args.start.isoformat(),
            "to": args.end.isoformat(),
            "per_level": {k.value: v for k, v in changes.per_level.items()},
            "per_code": {k.value: v for k, v in changes.per_code.items()},
            "items": [
                {
                    "kind": c.kind.value,
                    "code": c.code,
                    "level": c.level,
                    "decision": c.decision.number,
                    "signed": c.decision.signed.isoformat(),
                    "effective": c.effective.isoformat(),
                    "successor": c.successor,
                    "to_levels": list(c.to_levels),
                }
                for c in changes.items
            ],
        }
        emit(dump_json(data), args.output, force=args.force)
        return 0
    lines = [f"Changes effective {args.start:%d/%m/%Y} – {args.end:%d/%m/%Y}:"]
    lines.append(f"  {'kind':<12} {'(code, level)':>14} {'codes':>6}")
    for kind in EntryKind:
        lines.append(
            f"  {kind.value:<12} {changes.per_level[kind]:>14} {changes.per_code[kind]:>6}"
        )
    emit("\n".join(lines) + "\n", args.output, force=args.force)
    return 0
