"""The audit of posted listings against the catalogue, and its report.

:func:`audit` checks the listing(s) of each desk on a date
(:mod:`tthc.posting`) and gathers the findings into an
:class:`AuditReport`, shaped like frictionless' validation reports: a
``valid`` flag, ``stats`` in which every listing row is accounted for
(read = matched + unmatched + skipped), the ``findings`` (each with a
stable code, a severity, a message in Vietnamese and English, the desk, the
position in the listing, the procedure, expected and found values), and the
``settings`` used. It is written as a text summary, JSON (schema in
``tthc/data/audit-report.schema.json``), Markdown or CSV.

>>> from datetime import date
>>> from tthc.catalog import load_catalog
>>> from tthc.listing import Listing, ListingRow
>>> catalog = load_catalog()                       # the example district
>>> rows = [ListingRow(source="huyen.csv", sheet=None, row=n + 2, raw=(), code=e.code,
...                    code_raw=e.code, name=e.procedure.name,
...                    processing_time_text=e.processing_time.text)
...         for n, e in enumerate(catalog.as_of(date(2019, 12, 31)).entries(desk="huyen"))]
>>> listing = Listing(source="huyen.csv", format="csv", rows=tuple(rows[1:]), skipped=(),
...                   rows_read=len(rows) - 1)
>>> report = audit(catalog, {"huyen": listing}, date(2019, 12, 31), expect_total=139)
>>> report.valid, report.stats["rows"]["read"], report.stats["required"]["total"]
(False, 138, 139)
>>> [(f.code, f.procedure) for f in report.findings]
[('missing-procedure', '1.000110')]
>>> report.total.difference
0
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeAlias

import attrs

from tthc._io import gc_paused
from tthc.catalog import Catalog, resolve_catalog_path
from tthc.codes import display_code
from tthc.errors import InputError, Problem
from tthc.listing import Limits, Listing, read_listing
from tthc.posting import (
    FINDING_TYPES,
    MATCH_BANDS,
    AuditSettings,
    DeskStatus,
    Finding,
    FindingType,
    PostingChecker,
)
from tthc.procedure import Level

__all__ = [
    "FINDING_TYPES",
    "REPORT_VERSION",
    "AuditReport",
    "AuditSettings",
    "DeskSummary",
    "Finding",
    "FindingType",
    "ListingManifest",
    "ListingSource",
    "Reconciliation",
    "audit",
    "read_manifest",
    "relabel",
    "report_schema",
]

#: The version of the JSON report's shape; it changes only when keys change.
REPORT_VERSION = 2

#: A listing as :func:`audit` accepts it: read already, or a file to read.
ListingSource: TypeAlias = "Listing | str | os.PathLike[str]"

_SEVERITIES = ("error", "warning", "info")


# ------------------------------------------------------------------------------ records


@attrs.frozen(kw_only=True)
class DeskSummary:
    """The figures of one audited desk.

    .. versionadded:: 0.1
    """

    desk: str
    level: str
    listings: tuple[str, ...]
    rows_read: int
    rows_matched: int
    rows_unmatched: int
    rows_skipped: int
    required: int
    #: Required procedures posted for sure (``outdated`` ones included).
    posted: int
    outdated: int
    #: Required procedures a row under review probably posts (a warning each).
    unconfirmed: int
    #: Required procedures no row resembles (an error each).
    missing: int
    errors: int
    warnings: int
    infos: int

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data."""
        data = attrs.asdict(self)
        data["listings"] = list(self.listings)
        return data


@attrs.frozen(kw_only=True)
class Reconciliation:
    """The required total over the audited desks against an expected total.

    ``required`` counts (procedure, level) pairs, each level once however
    many desks of that level were audited (catalog/README.md, "Counting").
    ``by_level`` and ``by_field`` break the required pairs down, with how
    many of them are posted at every audited desk of their level.

    .. versionadded:: 0.1
    """

    expected: int
    required: int
    #: ``required - expected``.
    difference: int
    #: level -> {"required": n, "posted": n}.
    by_level: Mapping[str, Mapping[str, int]]
    #: (level, field) rows: {"level", "field", "required", "posted"}.
    by_field: tuple[Mapping[str, Any], ...]

    @property
    def reconciled(self) -> bool:
        """True when the totals agree."""
        return self.difference == 0

    def as_dict(self) -> dict[str, Any]:
        """The reconciliation as plain data."""
        return {
            "expected": self.expected,
            "required": self.required,
            "difference": self.difference,
            "reconciled": self.reconciled,
            "by_level": {k: dict(v) for k, v in self.by_level.items()},
            "by_field": [dict(row) for row in self.by_field],
        }


@attrs.frozen(kw_only=True)
class AuditReport:
    """The result of an audit (see the module docstring).

    .. versionadded:: 0.1
    """

    #: True when no finding is an error.
    valid: bool
    as_of: date
    #: The catalogue audited against: its unit's name and folder.
    catalog: Mapping[str, str | None]
    stats: Mapping[str, Any]
    findings: tuple[Finding, ...]
    settings: Mapping[str, Any]
    desks: tuple[DeskSummary, ...] = ()
    #: The reconciliation with ``expect_total``, when one was given.
    total: Reconciliation | None = None

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The error findings."""
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The warning findings."""
        return tuple(f for f in self.findings if f.severity == "warning")

    def by_code(self) -> dict[str, int]:
        """How many findings of each code."""
        return dict(sorted(Counter(f.code for f in self.findings).items()))

    # -- outputs ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data: the JSON report (see docs/audit.md)."""
        return {
            "version": REPORT_VERSION,
            "valid": self.valid,
            "as_of": self.as_of.isoformat(),
            "catalog": dict(self.catalog),
            "stats": _plain(self.stats),
            "settings": _plain(self.settings),
            "total": self.total.as_dict() if self.total else None,
            "desks": [d.as_dict() for d in self.desks],
            "findings": [f.as_dict() for f in self.findings],
        }

    def to_json(self) -> str:
        """The JSON report: sorted keys, UTF-8 text, two-space indents."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def to_text(self, *, limit: int | None = 200) -> str:
        """A terminal summary: the figures, a table of desks, then the findings.

        Args:
            limit: the most findings to list (``None``: all); the rest are counted.
        """
        return "\n".join(_text(self, limit)) + "\n"

    def to_markdown(self) -> str:
        """The report as Markdown: figures, desks and every finding."""
        return "\n".join(_markdown(self)) + "\n"

    def to_csv(self) -> str:
        """One finding per row; cells that a spreadsheet would run as formulas are neutralised."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for f in self.findings:
            candidates = "; ".join(f"{c.code} {c.name} ({c.score:g})" for c in f.candidates)
            cells = (f.severity, f.code, f.desk, f.source, f.sheet, f.row, f.procedure, f.name,
                     f.level, f.expected, f.found, f.decision, f.message_vi, f.message_en,
                     candidates)
            writer.writerow([_safe_cell("" if v is None else str(v)) for v in cells])
        return buffer.getvalue()

    def to_desks_csv(self) -> str:
        """One row per desk: its rows, and its required procedures posted, unconfirmed, missing.

        >>> from tthc.audit import DESK_CSV_COLUMNS
        >>> DESK_CSV_COLUMNS[7:12]
        ('required', 'posted', 'outdated', 'unconfirmed', 'missing')
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(DESK_CSV_COLUMNS)
        for d in self.desks:
            data = d.as_dict()
            data["listings"] = "; ".join(d.listings)
            writer.writerow([_safe_cell(str(data[c])) for c in DESK_CSV_COLUMNS])
        return buffer.getvalue()


#: The columns of :meth:`AuditReport.to_desks_csv`.
DESK_CSV_COLUMNS = ("desk", "level", "listings", "rows_read", "rows_matched", "rows_unmatched",
                    "rows_skipped", "required", "posted", "outdated", "unconfirmed", "missing",
                    "errors", "warnings", "infos")

#: The columns of :meth:`AuditReport.to_csv`.
CSV_COLUMNS = ("severity", "code", "desk", "source", "sheet", "row", "procedure", "name",
               "level", "expected", "found", "decision", "message_vi", "message_en",
               "candidates")


def _safe_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would read as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_schema() -> dict[str, Any]:
    """The JSON Schema of :meth:`AuditReport.to_dict` (``tthc/data/audit-report.schema.json``).

    >>> report_schema()["properties"]["version"]["const"]
    2
    """
    from importlib.resources import files

    text = (files("tthc") / "data" / "audit-report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


# ------------------------------------------------------------------------------- audit


def _read(source: ListingSource, limits: Limits | None) -> Listing:
    if isinstance(source, Listing):
        return source
    return read_listing(source, limits=limits) if limits else read_listing(source)


def _as_list(value: ListingSource | Sequence[ListingSource]) -> list[ListingSource]:
    if isinstance(value, Listing | str | os.PathLike):
        return [value]
    return list(value)


def audit(
    catalog: Catalog,
    listings: Mapping[str, ListingSource | Sequence[ListingSource]],
    as_of: date,
    settings: AuditSettings | None = None,
    expect_total: int | None = None,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    limits: Limits | None = None,
) -> AuditReport:
    """Audit each desk's listing(s) against *catalog* on *as_of*.

    Args:
        catalog: the catalogue.
        listings: desk id -> a :class:`~tthc.listing.Listing`, a file to read,
            or several of them (a desk may post several lists).
        as_of: the audit date.
        settings: thresholds and what to compare.
        expect_total: a total to reconcile the required (procedure, level)
            pairs of the audited desks with (e.g. 445 from a report); a
            difference is a ``count-mismatch`` error, broken down by level
            and field.
        progress: called with (desks done, desks, desk id) after each desk, and
            with (0, desks, "") before the names are matched.
        limits: size limits for reading files.

    Raises:
        UnknownDesk: a desk id the catalogue does not have.
        InputError: a listing file cannot be read.

    .. versionadded:: 0.1
    """
    settings = settings or AuditSettings()
    checker = PostingChecker(catalog, as_of, settings)
    for desk_id in listings:
        catalog.desk(desk_id)  # fail early on an unknown desk (UnknownDesk)
    read: dict[str, list[Listing]] = {}
    for desk_id, value in listings.items():
        read[desk_id] = [_read(item, limits) for item in _as_list(value)]
        if not read[desk_id]:
            raise InputError([Problem(source=desk_id, path="", code="no-listing",
                                      message="no listing given for the desk")],
                             f"no listing given for the desk {desk_id}")
    # The records made below all live until the report is returned: the cyclic
    # collector would only scan them again and again (see tthc._io.gc_paused).
    with gc_paused():
        if progress is not None:
            progress(0, len(read), "")
        checker.prefetch(read.items())
        statuses: list[DeskStatus] = []
        total = len(read)
        for done, (desk_id, items) in enumerate(read.items(), start=1):
            statuses.append(checker.check(desk_id, items))
            if progress is not None:
                progress(done, total, desk_id)
        return _report(catalog, as_of, statuses, settings, expect_total, checker)


def _report(catalog: Catalog, as_of: date, statuses: list[DeskStatus], settings: AuditSettings,
            expect_total: int | None, checker: PostingChecker) -> AuditReport:
    findings: list[Finding] = [f for status in statuses for f in status.findings]
    required_pairs: dict[tuple[str, str], Any] = {}
    levels_audited: dict[str, list[DeskStatus]] = {}
    for status in statuses:
        for record in status.required:
            required_pairs[(record.code, record.level)] = record
        if status.desk.is_open(as_of):
            levels_audited.setdefault(status.desk.level, []).append(status)
    reconciliation = None
    if expect_total is not None:
        reconciliation = _reconcile(expect_total, required_pairs, levels_audited)
        if not reconciliation.reconciled:
            findings.append(_count_mismatch(reconciliation))
    desks = tuple(_summary(status) for status in statuses)
    stats = _stats(statuses, findings, required_pairs, desks)
    return AuditReport(
        valid=not any(f.severity == "error" for f in findings),
        as_of=as_of,
        catalog={"unit": catalog.unit.name, "root": catalog.root},
        stats=stats,
        findings=tuple(findings),
        settings=settings.as_dict(),
        desks=desks,
        total=reconciliation,
    )


def _summary(status: DeskStatus) -> DeskSummary:
    stats = status.stats()
    severities = Counter(f.severity for f in status.findings)
    return DeskSummary(
        desk=status.desk.id,
        level=status.desk.level,
        listings=tuple(listing.source for listing in status.listings),
        rows_read=stats["rows_read"],
        rows_matched=stats["rows_matched"],
        rows_unmatched=stats["rows_unmatched"],
        rows_skipped=stats["rows_skipped"],
        required=stats["required"],
        posted=stats["posted"],
        outdated=stats["outdated"],
        unconfirmed=stats["unconfirmed"],
        missing=stats["missing"],
        errors=severities["error"],
        warnings=severities["warning"],
        infos=severities["info"],
    )


def _stats(statuses: list[DeskStatus], findings: list[Finding],
           required_pairs: Mapping[tuple[str, str], Any], desks: Sequence[DeskSummary]
           ) -> dict[str, Any]:
    skipped: Counter[str] = Counter()
    bands: Counter[str] = Counter(dict.fromkeys(MATCH_BANDS, 0))
    for status in statuses:
        for listing in status.listings:
            skipped.update(item.reason for item in listing.skipped)
        bands.update(outcome.band for outcome in status.rows)
    by_level = Counter(level for _code, level in required_pairs)
    severities = Counter(f.severity for f in findings)
    return {
        "desks": len(statuses),
        "listings": sum(len(status.listings) for status in statuses),
        "rows": {
            "read": sum(d.rows_read for d in desks),
            "matched": sum(d.rows_matched for d in desks),
            "unmatched": sum(d.rows_unmatched for d in desks),
            "skipped": sum(d.rows_skipped for d in desks),
            "skipped_by_reason": dict(sorted(skipped.items())),
        },
        "match": dict(sorted(bands.items())),
        "required": {
            "total": len(required_pairs),
            "codes": len({code for code, _level in required_pairs}),
            "postings": sum(d.required for d in desks),
            "by_level": {k: by_level[k] for k in sorted(by_level, key=_rank)},
        },
        "posted": {
            "postings": sum(d.posted for d in desks),
            "outdated": sum(d.outdated for d in desks),
            "unconfirmed": sum(d.unconfirmed for d in desks),
            "missing": sum(d.missing for d in desks),
        },
        "findings": {
            "errors": severities["error"],
            "warnings": severities["warning"],
            "infos": severities["info"],
            "by_code": dict(sorted(Counter(f.code for f in findings).items())),
        },
    }


def _rank(level: str) -> tuple[int, str]:
    try:
        return Level.get(level).rank, level
    except LookupError:
        return 99, level


def _reconcile(expected: int, pairs: Mapping[tuple[str, str], Any],
               levels: Mapping[str, list[DeskStatus]]) -> Reconciliation:
    """Required pairs against *expected*, by level and field, with what every desk posts."""
    posted_everywhere: set[tuple[str, str]] = set()
    for level, statuses in levels.items():
        sets = [{p.code for p in s.procedures if p.status in ("posted", "outdated")}
                for s in statuses]
        common = set.intersection(*sets) if sets else set()
        posted_everywhere.update((code, level) for code in common)
    by_level: dict[str, dict[str, int]] = {}
    fields: dict[tuple[str, str], dict[str, Any]] = {}
    for (code, level), record in sorted(pairs.items(), key=lambda item: (_rank(item[0][1]),
                                                                          item[0][0])):
        posted = (code, level) in posted_everywhere
        entry = by_level.setdefault(level, {"required": 0, "posted": 0})
        entry["required"] += 1
        entry["posted"] += posted
        field = record.procedure.field.name
        row = fields.setdefault((level, field), {"level": level, "field": field,
                                                 "required": 0, "posted": 0})
        row["required"] += 1
        row["posted"] += posted
    ordered = sorted(fields.values(), key=lambda r: (_rank(r["level"]), r["field"]))
    return Reconciliation(expected=expected, required=len(pairs),
                          difference=len(pairs) - expected, by_level=by_level,
                          by_field=tuple(ordered))


def _count_mismatch(rec: Reconciliation) -> Finding:
    parts = ", ".join(f"{level} {v['required']}" for level, v in rec.by_level.items())
    parts_vi = ", ".join(
        f"{_level_vi(level)} {v['required']}" for level, v in rec.by_level.items()
    )
    return Finding.make(
        "count-mismatch",
        f"Tổng số TTHC phải niêm yết của các bộ phận được kiểm tra là {rec.required} "
        f"({parts_vi}), khác số dự kiến {rec.expected} ({rec.difference:+d}).",
        f"The audited desks must post {rec.required} (procedure, level) pairs ({parts}), "
        f"not the expected {rec.expected} ({rec.difference:+d}); see the breakdown by level "
        "and field.",
        expected=str(rec.expected),
        found=str(rec.required),
    )


def _level_vi(level: str) -> str:
    try:
        return Level.get(level).name.lower()
    except LookupError:
        return level


# ------------------------------------------------------------------------------ outputs


def _figures(report: AuditReport) -> list[str]:
    stats = report.stats
    rows = stats["rows"]
    skipped = ", ".join(f"{k} {v}" for k, v in rows["skipped_by_reason"].items()) or "none"
    req = stats["required"]
    levels = ", ".join(f"{k} {v}" for k, v in req["by_level"].items())
    posted = stats["posted"]
    match = stats["match"]
    counts = stats["findings"]
    lines = [
        f"Rows: {rows['read']} read = {rows['matched']} matched + {rows['unmatched']} unmatched"
        f" + {rows['skipped']} skipped ({skipped})",
        f"Matching: {match.get('code', 0)} by code, {match.get('auto', 0)} by name, "
        f"{match.get('assigned', 0)} by name with the listing in view, "
        f"{match.get('twin', 0)} by a shared name, "
        f"{match.get('review', 0)} to review, {match.get('none', 0)} not matched",
        f"Required: {req['total']} (procedure, level) pairs ({levels}), {req['codes']} codes; "
        f"{req['postings']} postings over {stats['desks']} desk(s)",
        f"Posted: {posted['postings']} of {req['postings']} ({posted['outdated']} outdated), "
        f"{posted['unconfirmed']} unconfirmed, {posted['missing']} missing",
        f"Findings: {counts['errors']} error(s), {counts['warnings']} warning(s), "
        f"{counts['infos']} info",
    ]
    if report.total is not None:
        rec = report.total
        lines.append(
            f"Expected total {rec.expected}: "
            + ("reconciled" if rec.reconciled else f"required {rec.required} "
               f"({rec.difference:+d})")
        )
    return lines


def _text(report: AuditReport, limit: int | None) -> Iterable[str]:
    verdict = "valid" if report.valid else "INVALID"
    yield (f"tthc audit: {report.catalog.get('unit')}, {report.as_of:%d/%m/%Y}: {verdict}")
    yield from _figures(report)
    yield ""
    header = (f"{'desk':<20} {'level':<9} {'rows':>5} {'required':>8} {'posted':>6} "
              f"{'unconfirmed':>11} {'missing':>7} {'outdated':>8} {'errors':>6} "
              f"{'warnings':>8}")
    yield header
    for d in report.desks:
        yield (f"{d.desk:<20} {d.level:<9} {d.rows_read:>5} {d.required:>8} {d.posted:>6} "
               f"{d.unconfirmed:>11} {d.missing:>7} {d.outdated:>8} {d.errors:>6} "
               f"{d.warnings:>8}")
    if report.total is not None and not report.total.reconciled:
        yield ""
        yield "Required pairs by level and field (posted at every desk of the level):"
        for row in report.total.by_field:
            yield f"  {row['level']:<9} {row['required']:>4} {row['posted']:>4}  {row['field']}"
    if not report.findings:
        return
    yield ""
    yield "Findings:"
    shown = report.findings if limit is None else report.findings[:limit]
    for f in shown:
        where = f.position
        yield f"{f.severity:<7} {f.code:<24} {where}"
        yield f"        {f.message_vi}"
        yield f"        {f.message_en}"
    if len(shown) < len(report.findings):
        yield f"... and {len(report.findings) - len(shown)} more (use --format json, md or csv)"


def _md(text: str | None) -> str:
    if text is None:
        return ""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _markdown(report: AuditReport) -> Iterable[str]:
    verdict = "valid" if report.valid else "**invalid**"
    yield f"# Audit of posted listings: {report.catalog.get('unit')}, {report.as_of:%d/%m/%Y}"
    yield ""
    yield f"Result: {verdict}."
    yield ""
    for line in _figures(report):
        yield f"- {line}"
    yield ""
    yield "## Desks"
    yield ""
    yield ("| desk | level | rows | required | posted | unconfirmed | missing | outdated | "
           "errors | warnings | info |")
    yield "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for d in report.desks:
        yield (f"| {d.desk} | {d.level} | {d.rows_read} | {d.required} | {d.posted} | "
               f"{d.unconfirmed} | {d.missing} | {d.outdated} | {d.errors} | {d.warnings} | "
               f"{d.infos} |")
    if report.total is not None:
        yield ""
        yield "## Required total"
        yield ""
        rec = report.total
        yield (f"Expected {rec.expected}, required {rec.required} ({rec.difference:+d}): "
               + ("reconciled." if rec.reconciled else "**not reconciled**."))
        yield ""
        yield "| level | field | required | posted at every desk |"
        yield "|---|---|---:|---:|"
        for row in rec.by_field:
            yield f"| {row['level']} | {_md(row['field'])} | {row['required']} | {row['posted']} |"
    yield ""
    yield "## Findings"
    yield ""
    if not report.findings:
        yield "None."
        return
    yield "| severity | code | desk | where | procedure | message | thông báo |"
    yield "|---|---|---|---|---|---|---|"
    for f in report.findings:
        yield (f"| {f.severity} | `{f.code}` | {_md(f.desk)} | {_md(f.position)} | "
               f"{_md(display_code(f.procedure) if f.procedure else None)} | "
               f"{_md(f.message_en)} | {_md(f.message_vi)} |")


# ----------------------------------------------------------------------------- manifest

#: Where a catalogue folder keeps its collected listings, and their manifest.
LISTINGS_DIR = "listings"
MANIFEST_FILE = "listings.toml"


@attrs.frozen(kw_only=True)
class ListingManifest:
    """The listings collected for a catalogue (``listings/listings.toml``).

    The manifest names the date the listings were collected (the audit
    date), each file with its desk, and may list the defects planted in
    them (the example catalogue's tests read those)::

        as_of = 2019-12-31
        [[listings]]
        desk = "huyen"
        file = "huyen.xlsx"

    .. versionadded:: 0.1
    """

    folder: Path | Traversable = attrs.field(eq=False)
    as_of: date | None
    #: (desk id, file name) pairs, in manifest order.
    files: tuple[tuple[str, str], ...]
    expect_total: int | None = None
    defects: tuple[Mapping[str, Any], ...] = ()

    def read(self, desk: str | None = None, *, limits: Limits | None = None
             ) -> dict[str, list[Listing]]:
        """Read the listings (of *desk* only, if given), by desk.

        Each listing's source is ``listings/<file>``, relative to the catalogue.

        Raises:
            InputError: a file is missing or cannot be read.
        """
        from importlib.resources import as_file

        found: dict[str, list[Listing]] = {}
        for desk_id, name in self.files:
            if desk is not None and desk_id != desk:
                continue
            entry = self.folder / name
            label = f"{LISTINGS_DIR}/{name}"
            if not entry.is_file():
                raise InputError([Problem(source=label, path="", code="missing-file",
                                          message="named in listings.toml but missing")],
                                 f"{label}: no such listing (named in {MANIFEST_FILE})")
            with as_file(entry) as path:
                listing = _read(path, limits)
            found.setdefault(desk_id, []).append(relabel(listing, label))
        return found


def relabel(listing: Listing, source: str) -> Listing:
    """*listing* with its source (and every row's) renamed *source*.

    >>> relabel(Listing(source="/tmp/x.csv", format="csv", rows=(), skipped=(),
    ...                 rows_read=0), "x.csv").source
    'x.csv'
    """
    return attrs.evolve(
        listing,
        source=source,
        rows=tuple(attrs.evolve(row, source=source) for row in listing.rows),
        skipped=tuple(attrs.evolve(row, source=source) for row in listing.skipped),
    )


def read_manifest(catalog: str | os.PathLike[str] | Traversable | None = None
                  ) -> ListingManifest | None:
    """The listing manifest of a catalogue folder (default: the example), or ``None``.

    >>> manifest = read_manifest()
    >>> manifest.as_of, len(manifest.files)
    (datetime.date(2019, 12, 31), 16)

    Raises:
        InputError: the manifest exists but is not valid.
    """
    import tomllib

    root = resolve_catalog_path(catalog)
    folder = root / LISTINGS_DIR
    file = folder / MANIFEST_FILE
    if not file.is_file():
        return None
    label = f"{LISTINGS_DIR}/{MANIFEST_FILE}"

    def bad(message: str) -> InputError:
        return InputError([Problem(source=label, path="", code="invalid-manifest",
                                   message=message)], f"{label}: {message}")

    if isinstance(file, Path):
        from tthc._io import check_file_size

        check_file_size(file, label)  # TTHC_MAX_BYTES
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise bad(f"not valid TOML ({exc})") from None
    as_of = data.get("as_of")
    if as_of is not None and not isinstance(as_of, date):
        raise bad("as_of must be a date (as_of = 2019-12-31)")
    expect = data.get("expect_total")
    if expect is not None and not isinstance(expect, int):
        raise bad("expect_total must be a whole number")
    listed, planted = data.get("listings", []), data.get("defects", [])
    if not isinstance(listed, list) or not all(isinstance(item, dict) for item in listed):
        raise bad("listings must be tables ([[listings]] with desk and file)")
    if not isinstance(planted, list):
        raise bad("defects must be tables ([[defects]])")
    files: list[tuple[str, str]] = []
    for index, item in enumerate(listed):
        desk, name = item.get("desk"), item.get("file")
        if not isinstance(desk, str) or not isinstance(name, str) or "/" in name or (
            "\\" in name or name.startswith(".")
        ):
            raise bad(f"listings[{index}] needs a desk and a plain file name")
        files.append((desk, name))
    defects = tuple(dict(d) for d in planted if isinstance(d, dict))
    return ListingManifest(folder=folder, as_of=as_of, files=tuple(files),
                           expect_total=expect, defects=defects)

