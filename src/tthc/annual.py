"""The yearly report: the administrative-procedure section, computed from the catalogue.

Each year a district reports how many procedures were newly issued, amended,
replaced and repealed, how many are posted at the district and commune desks,
which were cut by 20 % or more, and how many are offered online (levels 3–4)
and by public postal service. :func:`annual_report` computes every figure
from the decisions; nothing is typed in.

>>> from tthc.catalog import load_catalog
>>> report = annual_report(load_catalog(), 2019)
>>> report.changes["new"].pairs, report.in_force_end.total
(37, 445)
>>> report.online_end, report.online_previous, report.online_change_percent
(260, 244, Decimal('6.56'))

Counting rules (stated in the report itself): every count is of
(procedure, level) pairs, since each level's desks post a procedure
separately; distinct codes are given beside. Changes are the entries of the
decisions effective in the year. Online and postal counts are of the pairs in
force on 31 December offering the service.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from tthc.codes import NO_CODE, is_local_id
from tthc.cuts import CutSummary, cuts_in_period, summarize_cuts
from tthc.decision import EntryKind
from tthc.procedure import Field, Level
from tthc.sectors import Naming, Sector
from tthc.text import fold

if TYPE_CHECKING:  # pragma: no cover
    from tthc.audit import AuditReport
    from tthc.catalog import Catalog, CatalogView
    from tthc.dossiers import DossierReport

__all__ = [
    "AnnualReport",
    "ChangeCount",
    "InForceCount",
    "annual_report",
    "dossier_figures",
    "posting_figures",
    "render_markdown",
    "render_text",
    "to_dict",
]

#: The cut threshold the yearly report counts against (a parameter of :func:`annual_report`).
DEFAULT_CUT_THRESHOLD = Decimal("0.2")


@attrs.frozen(kw_only=True)
class ChangeCount:
    """How many entries of one kind took effect: (procedure, level) pairs and distinct codes."""

    pairs: int
    codes: int


@attrs.frozen(kw_only=True)
class InForceCount:
    """Procedures in force on a date, by level, in total and as distinct codes."""

    day: date
    by_level: Mapping[str, int]
    total: int
    codes: int
    #: The (procedure, level) pairs among ``total`` kept without a national code
    #: (counted like the others; ``codes`` counts each local identifier once).
    without_code: int = 0


@attrs.frozen(kw_only=True)
class AnnualReport:
    """The administrative-procedure figures of one year."""

    year: int
    unit: str
    province: str
    changes: Mapping[str, ChangeCount]
    in_force_start: InForceCount
    in_force_end: InForceCount
    cuts: CutSummary
    cut_threshold: Decimal
    online_end: int
    online_previous: int
    postal_end: int
    #: A posting audit's summary, when listings were audited (see :mod:`tthc.audit`).
    posting: Mapping[str, Any] | None = None
    #: A dossier log's summary, when one was given (see :mod:`tthc.dossiers`).
    dossiers: Mapping[str, Any] | None = None
    #: How the paragraph names the cut procedures' areas: by ``"sector"`` or by ``"field"``.
    by: Naming = "sector"
    #: The sector of each cut field (field key → :class:`~tthc.sectors.Sector`, ``None``
    #: when the catalogue's table does not cover it).
    field_sectors: Mapping[str, Sector | None] = attrs.field(
        factory=lambda: MappingProxyType({}))

    def area_of(self, field: Field) -> str:
        """How the report names *field*: its sector (by sector, when known), else the field."""
        found = self.field_sectors.get(field.key)
        if self.by == "sector" and found is not None:
            return found.sector
        return field.name.lower()

    @property
    def cut_areas(self) -> tuple[str, ...]:
        """The areas of the cuts reaching the threshold, each named once.

        Sectors come first, then the fields named themselves (no sector, or
        ``by="field"``), each group in alphabetical order.
        """
        check = self.cuts.check(self.cut_threshold)
        named: dict[str, bool] = {}
        for field in check.fields:
            is_sector = self.by == "sector" and self.field_sectors.get(field.key) is not None
            named.setdefault(self.area_of(field), is_sector)
        return tuple(sorted(named, key=lambda name: (not named[name], fold(name), name)))

    @property
    def online_change_percent(self) -> Decimal | None:
        """The change of online services on the previous year, in percent (2 places)."""
        if not self.online_previous:
            return None
        change = Decimal(self.online_end - self.online_previous) * 100 / self.online_previous
        return change.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def cuts_reaching(self) -> int:
        """The number of cuts reaching :attr:`cut_threshold`."""
        return self.cuts.check(self.cut_threshold).count


def _in_force(view: CatalogView) -> InForceCount:
    entries = view.entries()
    by_level: dict[str, int] = {}
    for level in Level.all():
        count = sum(1 for e in entries if e.level == level.key)
        if count:
            by_level[level.key] = count
    return InForceCount(
        day=view.date,
        by_level=by_level,
        total=len(entries),
        codes=len({e.code for e in entries}),
        without_code=sum(1 for e in entries if is_local_id(e.code)),
    )


def _online(view: CatalogView) -> int:
    return sum(1 for e in view.entries() if e.online is not None and e.online.is_level_3_or_4)


def annual_report(
    catalog: Catalog,
    year: int,
    *,
    cut_threshold: Decimal = DEFAULT_CUT_THRESHOLD,
    posting: Mapping[str, Any] | None = None,
    dossiers: Mapping[str, Any] | None = None,
    by: Naming = "sector",
) -> AnnualReport:
    """Compute the figures of *year* from *catalog*.

    Args:
        catalog: the catalogue.
        year: the calendar year reported on.
        cut_threshold: the cut (a fraction) counted as "cut by … or more".
        posting: an audit summary to include (plain data).
        dossiers: a dossier summary to include (plain data).
        by: name the cut procedures' areas by ``"sector"`` (as offices write
            them, from :attr:`Catalog.sectors <tthc.catalog.Catalog.sectors>`) or by
            ``"field"`` (as the national database spells them).

    Raises:
        ValueError: *by* is neither ``"sector"`` nor ``"field"``.
    """
    if by not in ("sector", "field"):
        raise ValueError(f"by={by!r}: name areas by 'sector' or 'field'")
    start, end = date(year, 1, 1), date(year, 12, 31)
    changes = catalog.changes(start, end)
    counted = (*_COUNTED, EntryKind.TRANSFERRED)
    end_view = catalog.as_of(end)
    cuts = summarize_cuts(cuts_in_period(catalog, start, end), thresholds=(Decimal(cut_threshold),))
    sectors = catalog.sectors
    return AnnualReport(
        year=year,
        unit=catalog.unit.name,
        province=catalog.unit.province,
        changes={
            kind.value: ChangeCount(pairs=changes.per_level[kind], codes=changes.per_code[kind])
            for kind in counted
        },
        in_force_start=_in_force(catalog.as_of(start)),
        in_force_end=_in_force(end_view),
        cuts=cuts,
        cut_threshold=Decimal(cut_threshold),
        online_end=_online(end_view),
        online_previous=_online(catalog.as_of(date(year - 1, 12, 31))),
        postal_end=sum(1 for e in end_view.entries() if e.postal.any),
        posting=posting,
        dossiers=dossiers,
        by=by,
        field_sectors=MappingProxyType(
            {c.field.key: sectors.sector_of(c.field) for c in cuts.cuts}),
    )


def posting_figures(report: AuditReport) -> dict[str, Any]:
    """The posting figures a yearly report quotes, from an audit of the desks' listings.

    ``required`` counts (procedure, level) pairs; ``required_postings`` and
    ``posted_postings`` count one per desk (every commune desk posts the commune list).
    """
    stats = report.stats
    by_code = stats["findings"]["by_code"]
    stale = sum(n for code, n in by_code.items() if code.startswith("stale-"))
    return {
        "as_of": report.as_of.isoformat(),
        "desks": stats["desks"],
        "required": stats["required"]["total"],
        "required_postings": stats["required"]["postings"],
        "posted_postings": stats["posted"]["postings"],
        "missing": stats["posted"]["missing"],
        "outdated": stats["posted"]["outdated"],
        "stale": stale,
        "errors": stats["findings"]["errors"],
        "warnings": stats["findings"]["warnings"],
        "valid": report.valid,
    }


def dossier_figures(report: DossierReport) -> dict[str, Any]:
    """The dossier figures a yearly report quotes, from a checked dossier log.

    Received dossiers in all and by level, the classes, and the on-time rate
    (early or on time) with both denominators: of the finished dossiers, and
    of all to handle (domain.md §7.6), as percentages with 2 decimals.
    """
    total = report.rates()[0]
    by_level = {r.group: r.received for r in report.rates(by="level")}

    def percent(value: Decimal | None) -> str | None:
        if value is None:
            return None
        return str((value * 100).quantize(Decimal("0.01"), ROUND_HALF_UP))

    return {
        "received": total.received,
        "received_by_level": by_level,
        "early": total.early,
        "on_time": total.on_time,
        "late": total.late,
        "pending": total.pending,
        "overdue": total.overdue,
        "uncomputable": total.uncomputable,
        "on_time_rate_percent": percent(total.on_time_of_finished),
        "on_time_rate_to_handle_percent": percent(total.on_time_of_to_handle),
    }


_COUNTED = (EntryKind.NEW, EntryKind.AMENDED, EntryKind.REPLACED, EntryKind.REPEALED)


def to_dict(report: AnnualReport) -> dict[str, Any]:
    """The report as plain data; the keys are documented in docs/reports.md."""
    check = report.cuts.check(report.cut_threshold)
    change = report.online_change_percent
    return {
        "year": report.year,
        "unit": report.unit,
        "province": report.province,
        "counting": "(procedure, level) pairs; distinct codes beside",
        "changes": {k: {"pairs": v.pairs, "codes": v.codes} for k, v in report.changes.items()},
        "in_force": {
            "start": _count_dict(report.in_force_start),
            "end": _count_dict(report.in_force_end),
        },
        "cuts": {
            "threshold": str(report.cut_threshold),
            "count": check.count,
            "fields": [f.name for f in check.fields],
            "field_keys": [f.key for f in check.fields],
            "by": report.by,
            "areas": list(report.cut_areas),
            "procedures": [
                {"code": c.code, "level": c.level, "field": c.field.name,
                 "sector": _sector_dict(report.field_sectors.get(c.field.key)),
                 "statutory": c.statutory.text, "applied": c.applied.text,
                 "fraction": None if c.fraction is None else str(c.fraction.quantize(
                     Decimal("0.0001"), rounding=ROUND_HALF_UP))}
                for c in check.cuts
            ],
            "all_cuts": len(report.cuts.cuts),
            "incomparable": len(report.cuts.incomparable),
            "aggregate": _frac(report.cuts.aggregate),
            "mean": _frac(report.cuts.mean_fraction),
        },
        "online_level_3_4": {
            "end": report.online_end,
            "previous_year_end": report.online_previous,
            "change_percent": None if change is None else str(change),
        },
        "postal": {"end": report.postal_end},
        "posting": dict(report.posting) if report.posting is not None else None,
        "dossiers": dict(report.dossiers) if report.dossiers is not None else None,
    }


def _sector_dict(sector: Sector | None) -> dict[str, str] | None:
    if sector is None:
        return None
    return {"sector": sector.sector, "ministry": sector.ministry, "source": sector.source}


def _frac(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _count_dict(count: InForceCount) -> dict[str, Any]:
    return {
        "date": count.day.isoformat(),
        "by_level": dict(count.by_level),
        "total": count.total,
        "codes": count.codes,
        "without_code": count.without_code,
    }


def vn_number(value: int | Decimal, places: int = 0) -> str:
    """Format a number the Vietnamese way: dots between thousands, a decimal comma.

    >>> vn_number(1234567), vn_number(Decimal("6.556"), 2)
    ('1.234.567', '6,56')
    """
    quantum = Decimal(1).scaleb(-places) if places else Decimal(1)
    number = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{number:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    text = sign + ".".join(groups or ["0"])
    return f"{text},{fraction}" if fraction else text


def _level_names(by_level: Mapping[str, int]) -> str:
    parts = [f"{Level.get(key).name.lower()} {vn_number(n)}" for key, n in by_level.items()]
    return ", ".join(parts)


def render_text(report: AnnualReport) -> str:
    """The report's paragraph in Vietnamese, every number computed."""
    c = report.changes
    end = report.in_force_end
    check = report.cuts.check(report.cut_threshold)
    percent = vn_number(report.cut_threshold * 100)
    fields = ", ".join(report.cut_areas)
    sentences = [
        f"Năm {report.year}, {report.unit} đã cập nhật, công khai {vn_number(c['new'].pairs)} "
        f"thủ tục mới ban hành, {vn_number(c['amended'].pairs)} thủ tục được sửa đổi, bổ sung, "
        f"{vn_number(c['replaced'].pairs)} thủ tục được thay thế, "
        f"{vn_number(c['repealed'].pairs)} thủ tục bị bãi bỏ, hủy bỏ; đến ngày "
        f"{end.day:%d/%m/%Y} có {vn_number(end.total)} thủ tục hành chính thuộc thẩm quyền "
        f"giải quyết ({_level_names(end.by_level)}; {vn_number(end.codes)} mã thủ tục"
        + (f", trong đó {vn_number(end.without_code)} thủ tục {NO_CODE}" if end.without_code
           else "")
        + ") phải niêm yết công khai tại Bộ phận Một cửa.",
    ]
    if check.count:
        sentences.append(
            f"Thực hiện cắt giảm {percent}% trở lên thời gian giải quyết đối với "
            f"{vn_number(check.count)} thủ tục hành chính thuộc các lĩnh vực: {fields}."
        )
    else:
        sentences.append(f"Không có thủ tục được cắt giảm {percent}% trở lên thời gian giải quyết.")
    change = report.online_change_percent
    online = (
        f"Tổng số thủ tục cung cấp dịch vụ công trực tuyến mức độ 3, mức độ 4 là "
        f"{vn_number(report.online_end)} thủ tục"
    )
    if change is not None:
        direction = "tăng" if change >= 0 else "giảm"
        online += (
            f", {direction} {vn_number(abs(change), 2)}% so với năm {report.year - 1} "
            f"({vn_number(report.online_previous)} thủ tục)"
        )
    sentences.append(
        online + f"; số thủ tục tiếp nhận, trả kết quả qua dịch vụ bưu chính công ích là "
        f"{vn_number(report.postal_end)} thủ tục."
    )
    if report.posting is not None:
        sentences.append(_posting_sentence(report.posting))
    if report.dossiers is not None:
        sentences.append(_dossier_sentence(report.dossiers))
    return " ".join(sentences) + "\n"


def _posting_sentence(posting: Mapping[str, Any]) -> str:
    desks = int(posting.get("desks", 0))
    required = int(posting.get("required_postings", 0))
    posted = int(posting.get("posted_postings", 0))
    text = (
        f"Kiểm tra niêm yết tại {vn_number(desks)} Bộ phận Một cửa: {vn_number(posted)}/"
        f"{vn_number(required)} lượt thủ tục phải niêm yết đã được niêm yết"
    )
    problems = [
        f"{vn_number(int(posting[key]))} {label}"
        for key, label in (
            ("missing", "thủ tục chưa niêm yết"),
            ("outdated", "thủ tục niêm yết nội dung cũ"),
            ("stale", "thủ tục hết hiệu lực vẫn niêm yết"),
        )
        if int(posting.get(key, 0))
    ]
    if problems:
        text += "; còn " + ", ".join(problems)
    return text + "."


def _dossier_sentence(dossiers: Mapping[str, Any]) -> str:
    received = int(dossiers.get("received", 0))
    by_level = dossiers.get("received_by_level", {}) or {}
    parts = ", ".join(
        f"{Level.get(key).name.lower()} {vn_number(int(n))} hồ sơ" for key, n in by_level.items()
    )
    rate = dossiers.get("on_time_rate_percent")
    text = f"Cấp huyện và cấp xã đã tiếp nhận {vn_number(received)} hồ sơ"
    if parts:
        text += f" ({parts})"
    if rate is not None:
        text += f", tỷ lệ giải quyết sớm và đúng hạn đạt {vn_number(Decimal(str(rate)), 2)}%"
    return text + "."


def render_markdown(report: AnnualReport) -> str:
    """The report as a Markdown section: the paragraph, then the figures in tables."""
    c = report.changes
    lines = [
        f"# Cải cách thủ tục hành chính năm {report.year}: {report.unit}, {report.province}",
        "",
        render_text(report).strip(),
        "",
        "| Chỉ tiêu | (thủ tục, cấp) | Mã thủ tục |",
        "|---|---:|---:|",
    ]
    labels = {
        "new": "Mới ban hành",
        "amended": "Sửa đổi, bổ sung",
        "replaced": "Thay thế",
        "repealed": "Bãi bỏ, hủy bỏ",
        "transferred": "Chuyển cấp thực hiện",
    }
    for key, label in labels.items():
        lines.append(f"| {label} | {c[key].pairs} | {c[key].codes} |")
    for name, count in (("Đầu năm", report.in_force_start), ("Cuối năm", report.in_force_end)):
        lines.append(f"| Đang thực hiện ({name}, {count.day:%d/%m/%Y}) | {count.total} | "
                     f"{count.codes} |")
    check = report.cuts.check(report.cut_threshold)
    lines += [
        "",
        f"Cắt giảm thời gian ≥ {vn_number(report.cut_threshold * 100)}%: {check.count} thủ tục.",
        "",
        "| Mã | Cấp | Lĩnh vực | Ngành | Quy định | Áp dụng | Cắt giảm |",
        "|---|---|---|---|---|---|---:|",
    ]
    for cut in check.cuts:
        share = "" if cut.fraction is None else vn_number(cut.fraction * 100, 2) + "%"
        sector = report.field_sectors.get(cut.field.key)
        lines.append(
            f"| {cut.code} | {cut.level} | {_md(cut.field.name)} | "
            f"{_md(sector.sector) if sector else ''} | {_md(cut.statutory.text)} | "
            f"{_md(cut.applied.text)} | {share} |"
        )
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
