"""Import commands: ``import decision``, ``import portal``, ``diff``.

::

    tthc import decision FILE --number "1766/QĐ-UBND" --issuer "…" --signed DATE
                         [--effective DATE] [--kind KIND] [--level L …]
                         [--catalog DIR] [--write] [--force] [--propose-links]
                         [--format text|json]
    tthc import portal FILE [--format text|json] [--catalog DIR --propose-links]
                       [--number N --issuer I --signed DATE [--level L …] [--write-decision]]
    tthc diff FILE [--as-of DATE] [--level L] [--scope fields|all] [--format text|json]

``import decision`` is a dry run by default: it prints the decision file it
would write (TOML) on standard output, and on standard error the rows it
could not import with their positions, the heading counts that do not match
the rows, and (with a catalogue) what replaying the catalogue with the
decision would refuse. ``--write`` validates the decision against the
catalogue and writes it there atomically; on a validation error nothing is
written and the exit code is 2. Exit code 1 means the command ran but some
row was reported or some count did not match (the decision, if written,
holds every other row).

A row without a national code is imported under its local identifier and
counted in the summary ("N without a national code"). With a catalogue, a
procedure of the file that has a national code and the name of a procedure
the catalogue keeps without one gives a link proposal (printed);
``--propose-links`` stores the proposals in the catalogue's ``links.toml``
(for ``tthc link confirm``), whatever becomes of the decision.

``diff`` compares a portal export with the catalogue; exit code 1 when
something is missing on either side or differs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tthc import codes
from tthc.cli._common import dump_json, load, parse_date, today
from tthc.errors import Problem

if TYPE_CHECKING:
    from tthc.catalog import Catalog
    from tthc.decision import Decision
    from tthc.importers import AppendixImport, PortalExport, RowOutcome

__all__ = ["register"]

_EXIT_OK = 0
_EXIT_FINDINGS = 1
_EXIT_USAGE = 2
_KINDS = ("new", "amended", "replaced", "repealed")
_LEVELS = ("province", "district", "commune")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``import decision``, ``import portal`` and ``diff``."""
    identity = argparse.ArgumentParser(add_help=False)
    identity.add_argument("--number", metavar="N", help='the decision number ("1766/QĐ-UBND")')
    identity.add_argument("--issuer", metavar="TEXT",
                          help='who signed for whom ("Chủ tịch UBND tỉnh Bình Thuận")')
    identity.add_argument("--signed", type=parse_date, metavar="DATE",
                          help="the signing date (YYYY-MM-DD or dd/mm/yyyy)")
    identity.add_argument("--effective", type=parse_date, metavar="DATE",
                          help="the effective date (default: the signing date)")
    identity.add_argument("--title", default="", help="the decision's title")
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=("text", "json"), default="text")

    group = subparsers.add_parser(
        "import",
        help="import a decision's appendix or a portal export",
        description="Import an announcement decision's appendix (XLSX, XLS, ODS, DOCX, DOC, "
        "a PDF with a text layer, CSV) into the catalogue, or read a list exported from the "
        "national or a provincial portal.",
    )
    commands = group.add_subparsers(dest="import_command", metavar="WHAT",
                                    parser_class=type(group))
    group.set_defaults(func=lambda args: _missing(group))

    p = commands.add_parser(
        "decision",
        parents=[common, identity, fmt],
        help="read a decision's appendix; with --write add it to the catalogue",
        description="Read the appendix of an announcement decision: category, level and "
        "field headings, any usual header spelling. Dry run by default: prints the decision "
        "file and every row not imported with its position. --write validates the decision "
        "against the catalogue and writes it (nothing is written on an error, exit 2).",
    )
    p.add_argument("file", metavar="FILE",
                   help="the appendix (.xlsx, .xls, .ods, .docx, .doc, a text .pdf, .csv, .txt)")
    p.add_argument("--kind", choices=_KINDS,
                   help="the category of rows with no category heading above them")
    p.add_argument("--level", action="append", choices=_LEVELS, default=[],
                   help="the level of rows no heading, column or note gives one (repeatable)")
    p.add_argument("--write", action="store_true",
                   help="validate and write the decision into the catalogue (--catalog DIR)")
    p.add_argument("--force", action="store_true",
                   help="replace the catalogue's decision with the same number, date and issuer")
    p.add_argument("--propose-links", action="store_true",
                   help="store in the catalogue's links.toml a proposed link for each "
                   "procedure kept without a national code whose name a row gives with a code")
    p.set_defaults(func=_import_decision)

    p = commands.add_parser(
        "portal",
        parents=[common, identity, fmt],
        help="read a portal export: a summary, or a 'new' decision seeding a catalogue",
        description="Read a list exported from the national or a provincial portal and "
        "summarise it. With --number, --issuer and --signed, print the 'new' decision that "
        "seeds a catalogue with its procedures; --write-decision writes it into --catalog.",
    )
    p.add_argument("file", metavar="FILE", help="the export (.xlsx or .csv)")
    p.add_argument("--level", action="append", choices=_LEVELS, default=[],
                   help="seed only these levels (repeatable)")
    p.add_argument("--default-level", action="append", choices=_LEVELS, default=[],
                   help="the level of rows whose level the export does not give (repeatable)")
    p.add_argument("--write-decision", action="store_true",
                   help="validate and write the seed decision into the catalogue")
    p.add_argument("--force", action="store_true",
                   help="replace the catalogue's decision with the same identity")
    p.add_argument("--propose-links", action="store_true",
                   help="store in the catalogue's links.toml a proposed link for each "
                   "procedure kept without a national code whose name a row gives with a code")
    p.set_defaults(func=_import_portal)

    p = subparsers.add_parser(
        "diff",
        parents=[common, fmt],
        help="compare a portal export with the catalogue",
        description="List the procedures missing on either side and the names, fields, "
        "levels and online service that differ. Exit 1 when there are differences.",
    )
    p.add_argument("file", metavar="FILE", help="the export (.xlsx or .csv)")
    p.add_argument("--as-of", type=parse_date, metavar="DATE", help="date (default: today)")
    p.add_argument("--level", choices=_LEVELS,
                   help="compare this level only (default: the levels of the desks open then)")
    p.add_argument("--scope", choices=("fields", "all"), default="fields",
                   help="catalogue procedures missing from the export: only in the export's "
                   "fields (default), or all")
    p.set_defaults(func=_diff)


def _missing(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return _EXIT_USAGE


def _identity(args: argparse.Namespace, command: str) -> tuple[str, str, Any] | None:
    missing = [flag for flag, value in (("--number", args.number), ("--issuer", args.issuer),
                                        ("--signed", args.signed)) if not value]
    if missing:
        print(f"tthc {command}: missing {', '.join(missing)}", file=sys.stderr)
        return None
    return args.number, args.issuer, args.signed


def _catalog_folder(args: argparse.Namespace) -> Path | None:
    """The folder --write writes into: --catalog, else $TTHC_CATALOG (never the example)."""
    from tthc.catalog import CATALOG_ENV

    folder = args.catalog or os.environ.get(CATALOG_ENV, "").strip()
    return Path(folder) if folder else None


def _explicit_catalog(args: argparse.Namespace) -> Catalog | None:
    """The catalogue named by --catalog or $TTHC_CATALOG, if any (dry runs check against it)."""
    return load(args) if _catalog_folder(args) is not None else None


def _print_problems(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)


def _outcome_json(row: RowOutcome) -> dict[str, Any]:
    return {"position": str(row.position), "code": row.code, "reason": row.reason,
            "cells": list(row.cells)}


def _import_decision(args: argparse.Namespace) -> int:
    from tthc.decision import EntryKind
    from tthc.importers import read_appendix

    identity = _identity(args, "import decision")
    if identity is None:
        return _EXIT_USAGE
    number, issuer, signed = identity
    folder = _catalog_folder(args)
    if args.write and folder is None:
        print("tthc import decision: --write needs the catalogue folder (--catalog DIR or "
              "$TTHC_CATALOG)", file=sys.stderr)
        return _EXIT_USAGE
    result = read_appendix(
        args.file, number=number, issuer=issuer, signed=signed, effective=args.effective,
        title=args.title, kind=EntryKind(args.kind) if args.kind else None, levels=args.level,
    )
    catalog = _explicit_catalog(args)
    report = _appendix_report(result)
    if catalog is not None:
        from tthc.links import Candidate

        candidates = [
            Candidate(code=entry.successor or entry.code, name=entry.content.name,
                      field=entry.content.field,
                      source=f"{result.row_of(index).position} ({result.decision})")
            for index, entry in enumerate(result.decision.entries)
            if entry.content is not None and entry.content.name
            and codes.is_national(entry.successor or entry.code)
        ]
        if not _links(args, catalog, folder, candidates, report):
            return _EXIT_USAGE
    return _finish(args, result, result.decision, catalog, folder,
                   write=args.write, report=report)


def _links(args: argparse.Namespace, catalog: Catalog, folder: Path | None,
           candidates: list[Any], report: tuple[list[str], dict[str, Any], bool]) -> bool:
    """Print (and with --propose-links store) the link proposals; False on a usage error."""
    from tthc.links import LINKS_FILE, dumps_links, propose_links

    lines, data, _ = report
    proposals = propose_links(catalog, candidates, catalog.links)
    for link in proposals:
        lines.append(f"link proposed: {link.local} ({link.name!r}, chưa có mã số) may be "
                     f"{link.code} ({link.source})")
    data["link_proposals"] = [{"local": link.local, "code": link.code, "name": link.name,
                               "source": link.source} for link in proposals]
    if not args.propose_links:
        if proposals:
            lines.append("  (--propose-links stores them in links.toml for 'tthc link confirm')")
        return True
    if folder is None:
        print("tthc import: --propose-links needs the catalogue folder (--catalog DIR or "
              "$TTHC_CATALOG)", file=sys.stderr)
        return False
    if proposals:
        from tthc._io import atomic_write

        atomic_write(folder / LINKS_FILE, dumps_links([*catalog.links, *proposals]), force=True)
        lines.append(f"stored {len(proposals)} link proposal(s) in {folder / LINKS_FILE}")
    return True


def _appendix_report(result: AppendixImport) -> tuple[list[str], dict[str, Any], bool]:
    """Lines for stderr, JSON data, and whether anything was reported."""
    summary = result.summary()
    kinds = ", ".join(f"{count} {kind}" for kind, count in summary["entries"].items()) or "none"
    lines = [
        f"{result.source}: {summary['rows']} rows: {summary['imported']} imported "
        f"({kinds}; {summary['without_code']} without a national code), "
        f"{summary['reported']} reported, {summary['skipped']} skipped "
        "(blank, header, heading)",
    ]
    lines.extend(
        f"no national code: {result.row_of(index).position}: {entry.kind.value} "
        f"{entry.name or (entry.content.name if entry.content else '')!r} as {entry.code}"
        + (" (found by name on replay)" if entry.name else "")
        for index, entry in enumerate(result.decision.entries)
        if codes.is_local_id(entry.code) or codes.is_local_id(entry.successor or "")
    )
    lines.extend(f"row not imported: {row.problem()}" for row in result.reported)
    lines.extend(f"count mismatch: {check.position}: {check.message}"
                 for check in result.mismatches)
    lines.extend(f"warning: {problem}" for problem in result.warnings)
    data = {
        "summary": summary,
        "reported": [_outcome_json(row) for row in result.reported],
        "counts": [
            {"heading": c.heading, "position": str(c.position), "stated": c.stated,
             "found": c.found, "imported": c.imported, "matches": c.matches}
            for c in result.counts
        ],
        "warnings": [str(p) for p in result.warnings],
    }
    return lines, data, bool(result.reported or result.mismatches)


def _finish(
    args: argparse.Namespace,
    source: Any,
    decision: Decision,
    catalog: Catalog | None,
    folder: Path | None,
    *,
    write: bool,
    report: tuple[list[str], dict[str, Any], bool],
) -> int:
    """Validate, print or write the decision; return the exit code."""
    from tthc._serde import unstructure
    from tthc.catalog import decision_path, dumps_decision
    from tthc.importers import validate_against

    lines, data, findings = report
    problems = validate_against(source, catalog, replace=args.force) if catalog else ()
    errors = [p for p in problems if p.severity == "error"]
    target = decision_path(decision)
    if catalog is not None and decision.key in catalog.sources and args.force:
        target = catalog.sources[decision.key]
    if args.format == "json":
        data = {**data, "file": target, "decision": unstructure(decision),
                "validation": [{"severity": p.severity, "code": p.code, "source": p.source,
                                "path": p.path, "message": p.message} for p in problems]}
    if write and errors:
        _emit(args, lines, data, decision, None)
        _print_problems(problems)
        print(f"tthc: {len(errors)} error(s) against the catalogue: nothing written",
              file=sys.stderr)
        return _EXIT_USAGE
    if write and not decision.entries:
        _emit(args, lines, data, decision, None)
        print("tthc: no row was imported: nothing written", file=sys.stderr)
        return _EXIT_USAGE
    written = None
    if write:
        from tthc._io import atomic_write

        assert folder is not None
        written = atomic_write(folder / target, dumps_decision(decision), force=args.force)
        if args.format == "json":
            data["written"] = str(written)
    _emit(args, lines, data, decision, written if write else target)
    _print_problems(problems)
    if errors:
        return _EXIT_FINDINGS
    return _EXIT_FINDINGS if findings else _EXIT_OK


def _emit(args: argparse.Namespace, lines: list[str], data: dict[str, Any],
          decision: Decision, target: Path | str | None) -> None:
    from tthc.catalog import dumps_decision

    if args.format == "json":
        sys.stdout.write(dump_json(data))
    elif isinstance(target, Path):
        print(f"wrote {target}")
    else:
        if target is not None:
            print(f"# would write {target}")
        sys.stdout.write(dumps_decision(decision))
    for line in lines:
        print(line, file=sys.stderr)


def _import_portal(args: argparse.Namespace) -> int:
    from tthc.importers import read_portal_export

    export = read_portal_export(args.file)
    lines, data = _portal_report(export)
    seeding = args.number or args.issuer or args.signed or args.write_decision
    if args.propose_links and _catalog_folder(args) is None:
        print("tthc import portal: --propose-links needs the catalogue folder (--catalog DIR or "
              "$TTHC_CATALOG)", file=sys.stderr)
        return _EXIT_USAGE
    if _catalog_folder(args) is not None:
        from tthc.links import Candidate

        candidates = [Candidate(code=row.code, name=row.name, field=row.field,
                                source=str(row.position)) for row in export.rows]
        if not _links(args, load(args), _catalog_folder(args), candidates, (lines, data, False)):
            return _EXIT_USAGE
    if not seeding:
        if args.format == "json":
            sys.stdout.write(dump_json(data))
        else:
            print("\n".join(lines))
        return _EXIT_FINDINGS if export.reported else _EXIT_OK
    identity = _identity(args, "import portal")
    if identity is None:
        return _EXIT_USAGE
    from tthc.importers import seed_decision

    number, issuer, signed = identity
    seed = seed_decision(export, number=number, issuer=issuer, signed=signed,
                         effective=args.effective, levels=args.level or None,
                         default_levels=args.default_level, title=args.title)
    folder = _catalog_folder(args)
    if args.write_decision and folder is None:
        print("tthc import portal: --write-decision needs the catalogue folder (--catalog DIR "
              "or $TTHC_CATALOG)", file=sys.stderr)
        return _EXIT_USAGE
    lines.extend(f"row not seeded: {row.problem()}" for row in seed.left_out)
    data["seed"] = {"entries": len(seed.decision.entries),
                    "left_out": [_outcome_json(row) for row in seed.left_out]}
    catalog = _explicit_catalog(args)
    findings = bool(export.reported or seed.left_out)
    return _finish(args, seed.decision, seed.decision, catalog, folder,
                   write=args.write_decision, report=(lines, data, findings))


def _portal_report(export: PortalExport) -> tuple[list[str], dict[str, Any]]:
    summary = export.summary()
    title = export.title.splitlines()
    lines = [
        f"{export.source}: {summary['procedures']} procedures, {summary['reported']} rows "
        f"reported, {summary['skipped']} skipped (title, header, blank)",
    ]
    if title:
        lines.append(f"  title: {' / '.join(title)}")
    lines.append("  by level (read from 'Cấp thực hiện' or the agencies):")
    for levels, count in summary["by_level"].items():
        lines.append(f"    {levels or '(not given)'}: {count}")
    lines.append(f"  fields: {len(summary['by_field'])}")
    for name, count in list(summary["by_field"].items())[:15]:
        lines.append(f"    {name or '(none)'}: {count}")
    lines.extend(f"row not read: {row.problem()}" for row in export.reported)
    data = {"summary": summary, "title": export.title, "header": list(export.header),
            "reported": [_outcome_json(row) for row in export.reported]}
    return lines, data


def _diff(args: argparse.Namespace) -> int:
    from tthc.importers import diff_portal, read_portal_export

    export = read_portal_export(args.file)
    catalog = load(args)
    day = args.as_of or today()
    diff = diff_portal(export, catalog, day, args.level, scope=args.scope)
    if args.format == "json":
        sys.stdout.write(dump_json(diff.as_dict()))
        return _EXIT_FINDINGS if diff.has_differences else _EXIT_OK
    out = [
        f"{export.source} against the catalogue on {day:%d/%m/%Y} "
        f"(levels: {', '.join(diff.levels)}; {diff.matched} procedure(s) on both sides, "
        f"{diff.out_of_scope} export row(s) at other or unknown levels not compared)",
    ]
    out.append(f"Missing in the catalogue ({len(diff.missing_in_catalog)}):")
    out.extend(f"  {row.code}  {', '.join(row.levels) or '?':<18} {row.name}  "
               f"[{row.position.path}]" for row in diff.missing_in_catalog)
    scope = "in the export's fields" if diff.scope == "fields" else "all fields"
    out.append(f"Missing in the export ({len(diff.missing_in_export)}, {scope}):")
    out.extend(f"  {record.code}  {record.level:<18} {record.procedure.name}"
               for record in diff.missing_in_export)
    out.append(f"Differences ({len(diff.differences)}):")
    out.extend(f"  {d.code}  {d.level:<8} {d.what}: export {d.export!r} / catalogue "
               f"{d.catalog!r}  [{d.position.path}]" for d in diff.differences)
    print("\n".join(out))
    return _EXIT_FINDINGS if diff.has_differences else _EXIT_OK
