"""Posting status: what a desk must post on a date against what it has posted.

Each one-stop desk posts every procedure in force at its level while it is
open, with the content in force, and nothing that has expired
(domain.md §5.1, §5.3). :func:`posting_status` compares the *required* set
(from the catalogue) with the *posted* set (a :class:`~tthc.listing.Listing`
read from the desk's board or portal list) and says, per procedure, whether
it is posted, missing or outdated, and, per listing row, what it posts.
What it discovers is reported as :class:`Finding` records, never raised:

>>> from datetime import date
>>> from tthc.catalog import Catalog
>>> from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
>>> from tthc.desk import Desk, FeedbackAddress, Unit
>>> from tthc.listing import Listing, ListingRow
>>> from tthc.procedure import Field
>>> from tthc.proctime import parse_processing_time
>>> def new(code, name, time):
...     return Entry(kind=EntryKind.NEW, code=code, levels=("commune",),
...                  content=ProcedureContent(name=name, field=Field.of("Hộ tịch"),
...                                           processing_time=parse_processing_time(time)))
>>> d1 = Decision(number="1/QĐ-UBND", issuer="Chủ tịch UBND tỉnh A", signed=date(2019, 1, 2),
...     effective=date(2019, 1, 2), entries=(new("1.001193", "Đăng ký khai sinh", "Trong ngày"),
...     new("1.000656", "Đăng ký khai tử", "Trong ngày"),
...     new("1.000689", "Đăng ký giám hộ", "03 ngày làm việc")))
>>> d2 = Decision(number="9/QĐ-UBND", issuer="Chủ tịch UBND tỉnh A", signed=date(2019, 6, 3),
...     effective=date(2019, 6, 3),
...     entries=(Entry(kind=EntryKind.REPEALED, code="1.000689", levels=("commune",)),))
>>> feedback = FeedbackAddress(body="UBND xã A", address="Thôn 1", phone="0200", email="a@b.vn")
>>> unit = Unit(name="Huyện A", province="Tỉnh A",
...             desks=(Desk(id="xa-a", name="UBND xã A", level="commune", feedback=feedback),))
>>> catalog = Catalog(unit, [d1, d2])
>>> def row(n, name, code=None, time=None):
...     return ListingRow(source="xa-a.csv", sheet=None, row=n, raw=(), name=name, code=code,
...                       processing_time_text=time)
>>> listing = Listing(source="xa-a.csv", format="csv", rows_read=3, skipped=(), rows=(
...     row(1, "DANG KY KHAI SINH", "1.001193", "Trong ngày"),
...     row(2, "Đăng ký giám hộ", "1.000689"), row(3, "Đăng ký khai sinh")))
>>> status = posting_status(catalog, "xa-a", date(2019, 12, 31), listing)
>>> [(p.code, p.status) for p in status.procedures]
[('1.000656', 'missing'), ('1.001193', 'posted')]
>>> [(r.row.row, r.status, r.procedure) for r in status.rows]
[(1, 'posted', '1.001193'), (2, 'stale', '1.000689'), (3, 'duplicate', '1.001193')]
>>> for f in status.findings:
...     print(f.code, f.severity, f.row, f.procedure)
stale-repealed error 2 1.000689
code-missing info 3 None
duplicate-row warning 3 1.001193
missing-procedure error None 1.000656
>>> print(status.findings[0].message_en)  # doctest: +NORMALIZE_WHITESPACE
1.000689 (Đăng ký giám hộ) is still posted but was repealed by 9/QĐ-UBND (03/06/2019),
effective 03/06/2019: take it down.

Names are compared on :func:`tthc.matching.name_key`, so case, diacritics
and punctuation never make a finding; processing times are compared by
structure (amount, unit, qualifier, per-channel times), so "05 ngày làm
việc" and "5 ngày làm việc" are the same time, while the statutory time
posted where a cut applies, or an earlier version's time, is outdated.
The finding codes are listed in :data:`FINDING_TYPES` and documented in
``docs/findings.md``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

import attrs
from rapidfuzz.distance import OSA

from tthc import codes
from tthc.catalog import Catalog, InForce
from tthc.decision import DecisionKey, EntryKind
from tthc.desk import Desk
from tthc.feeparse import parse_fee
from tthc.fees import Fee
from tthc.lifecycle import Version
from tthc.listing import Listing, ListingRow
from tthc.matching import (
    Candidate,
    Match,
    MatchCandidate,
    Matcher,
    MatchSettings,
    assignment_margins,
    name_key,
)
from tthc.procedure import Level
from tthc.proctime import ParseStatus, ProcessingTime, Qualifier, TimeUnit, parse_processing_time
from tthc.text import fold

__all__ = [
    "FINDING_TYPES",
    "AuditSettings",
    "DeskStatus",
    "Finding",
    "FindingType",
    "PostingChecker",
    "ProcedureState",
    "RowOutcome",
    "RowStatus",
    "Severity",
    "posting_status",
]

#: How serious a finding is: ``error`` makes a report invalid.
Severity = Literal["error", "warning", "info"]

#: What a listing row turned out to post.
RowStatus = Literal[
    "posted",  # a required procedure (first row for it)
    "duplicate",  # a required procedure already posted by an earlier row
    "stale",  # a procedure no longer in force at the desk's level
    "wrong-level",  # a procedure in force only at another level
    "not-yet",  # a procedure not yet in force on the date
    "internal",  # an internal procedure (not for posting)
    "closed",  # posted at a desk that is not open on the date
    "review",  # a name whose match needs a person
    "unmatched",  # a name matching no procedure
    "unknown",  # a code the catalogue does not know, and a name matching nothing
]

#: How a row was identified (:attr:`RowOutcome.band`), as the stats count them.
MATCH_BANDS = ("code", "auto", "assigned", "twin", "review", "none")

#: Row statuses that identify a procedure of the catalogue.
MATCHED_STATUSES = frozenset(
    {"posted", "duplicate", "stale", "wrong-level", "not-yet", "internal", "closed"}
)


# ----------------------------------------------------------------------------- findings


@attrs.frozen(kw_only=True)
class FindingType:
    """A kind of finding: its stable code, severity and short titles.

    .. versionadded:: 0.1
    """

    code: str
    severity: Severity
    title_en: str
    title_vi: str


def _types(*items: tuple[str, Severity, str, str]) -> dict[str, FindingType]:
    return {
        code: FindingType(code=code, severity=sev, title_en=en, title_vi=vi)
        for code, sev, en, vi in items
    }


#: Every finding code tthc can emit, with its severity (see docs/findings.md).
FINDING_TYPES: Mapping[str, FindingType] = _types(
    ("missing-procedure", "error",
     "required procedure not posted",
     "TTHC phải niêm yết nhưng chưa niêm yết"),
    ("unconfirmed-procedure", "warning",
     "required procedure probably posted, not confirmed",
     "TTHC có thể đã niêm yết nhưng chưa xác định chắc chắn"),
    ("undecidable-name", "warning",
     "several procedures share the posted name",
     "nhiều TTHC trùng tên, không xác định được theo tên"),
    ("stale-repealed", "error",
     "repealed procedure still posted",
     "TTHC đã bãi bỏ vẫn còn niêm yết"),
    ("stale-replaced", "error",
     "replaced procedure still posted",
     "TTHC đã bị thay thế vẫn còn niêm yết"),
    ("stale-transferred", "error",
     "transferred procedure still posted",
     "TTHC đã chuyển cấp vẫn còn niêm yết"),
    ("wrong-level", "error",
     "procedure of another level posted",
     "niêm yết TTHC của cấp khác"),
    ("not-yet-in-force", "warning",
     "procedure posted before it takes effect",
     "niêm yết TTHC chưa có hiệu lực"),
    ("outdated-name", "error",
     "posted name differs from the name in force",
     "tên TTHC niêm yết không đúng tên đang có hiệu lực"),
    ("name-typo", "warning",
     "posted name misspelt",
     "tên TTHC niêm yết có lỗi chính tả"),
    ("outdated-processing-time", "error",
     "posted processing time differs from the time in force",
     "thời hạn giải quyết niêm yết không đúng"),
    ("outdated-fees", "error",
     "posted fees differ from the fees in force",
     "phí, lệ phí niêm yết không đúng"),
    ("duplicate-row", "warning",
     "procedure posted twice",
     "TTHC niêm yết trùng lặp"),
    ("unknown-procedure", "error",
     "procedure not in the catalogue",
     "TTHC không có trong danh mục"),
    ("unknown-code", "warning",
     "code not in the catalogue, matched by name",
     "mã TTHC không có trong danh mục"),
    ("code-name-conflict", "error",
     "code and name name different procedures",
     "mã TTHC và tên TTHC không khớp"),
    ("review-match", "warning",
     "name needs review",
     "tên TTHC cần kiểm tra lại"),
    ("unmatched-row", "error",
     "row matches no procedure",
     "dòng không khớp TTHC nào"),
    ("internal-procedure", "info",
     "internal procedure posted",
     "niêm yết TTHC nội bộ"),
    ("posted-late", "warning",
     "posted after the effective date",
     "niêm yết chậm so với ngày có hiệu lực"),
    ("heading-count-mismatch", "warning",
     "group heading count differs from its rows",
     "số TTHC ghi ở tiêu đề nhóm không khớp"),
    ("feedback-missing", "error",
     "no feedback address",
     "thiếu địa chỉ tiếp nhận phản ánh, kiến nghị"),
    ("feedback-incomplete", "warning",
     "feedback address incomplete",
     "địa chỉ tiếp nhận phản ánh, kiến nghị chưa đầy đủ"),
    ("desk-closed", "warning",
     "desk not open on the date",
     "bộ phận một cửa không hoạt động vào ngày này"),
    ("legacy-encoding", "info",
     "listing typed in a legacy font",
     "danh mục gõ bằng phông chữ cũ"),
    ("no-diacritics", "info",
     "listing typed without diacritics",
     "danh mục gõ không dấu"),
    ("no-codes", "info",
     "listing gives no procedure codes",
     "danh mục không ghi mã TTHC"),
    ("code-missing", "info",
     "row without a procedure code",
     "dòng không ghi mã TTHC"),
    ("count-mismatch", "error",
     "required total differs from the expected total",
     "tổng số TTHC không khớp số dự kiến"),
)


def _check_code(_instance: Any, _attribute: Any, value: str) -> None:
    if value not in FINDING_TYPES:
        raise ValueError(f"unknown finding code {value!r}")


@attrs.frozen(kw_only=True)
class Finding:
    """One thing an audit found, with where and what.

    ``expected`` and ``found`` hold the catalogue's value and the posted
    one, as text; ``candidates`` the procedures a row may be, best first
    (W3C reconciliation shape).

    .. versionadded:: 0.1
    """

    #: A stable kebab-case code from :data:`FINDING_TYPES`.
    code: str = attrs.field(validator=_check_code)
    severity: Severity
    message_vi: str
    message_en: str
    desk: str | None = None
    #: The listing file, as given.
    source: str | None = None
    sheet: str | None = None
    row: int | None = None
    #: The procedure code concerned.
    procedure: str | None = None
    #: The catalogue name of that procedure.
    name: str | None = None
    #: The level key.
    level: str | None = None
    expected: str | None = None
    found: str | None = None
    #: The decision behind the finding ("135/QĐ-UBND (20/02/2019)").
    decision: str | None = None
    candidates: tuple[MatchCandidate, ...] = ()

    @classmethod
    def make(cls, code: str, message_vi: str, message_en: str, **fields: Any) -> Finding:
        """A finding of *code*, its severity taken from :data:`FINDING_TYPES`."""
        kind = FINDING_TYPES.get(code)
        if kind is None:
            raise ValueError(f"unknown finding code {code!r}")
        return cls(code=code, severity=kind.severity, message_vi=message_vi,
                   message_en=message_en, **fields)

    @property
    def position(self) -> str:
        """Where the finding is, for messages: ``"xa.csv, row 12"`` or the desk."""
        if self.source is None:
            return self.desk or ""
        where = self.source
        if self.sheet:
            where += f", {self.sheet}" if self.sheet.startswith("table ") else (
                f", sheet {self.sheet!r}"
            )
        if self.row is not None:
            where += f", row {self.row}"
        return where

    def as_dict(self) -> dict[str, Any]:
        """The finding as plain data (the JSON report's shape)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "desk": self.desk,
            "source": self.source,
            "sheet": self.sheet,
            "row": self.row,
            "procedure": self.procedure,
            "name": self.name,
            "level": self.level,
            "expected": self.expected,
            "found": self.found,
            "decision": self.decision,
            "message": {"vi": self.message_vi, "en": self.message_en},
            "candidates": [c.as_dict() for c in self.candidates],
        }


# ----------------------------------------------------------------------------- settings


def _non_negative(_instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


@attrs.frozen(kw_only=True)
class AuditSettings:
    """What the audit compares, and how tolerant it is; reports record them.

    .. versionadded:: 0.1
    """

    #: The matcher's thresholds.
    match: MatchSettings = attrs.field(factory=MatchSettings)
    #: A posted name at most this many edits (insertions, deletions,
    #: substitutions, swaps of neighbours: optimal string alignment, on match
    #: keys) from the name in force is a typo (a warning), not an outdated name.
    typo_edits: int = attrs.field(default=3, validator=_non_negative)
    #: ... and at most this share of the name's length.
    typo_share: float = attrs.field(default=0.2, validator=_non_negative)
    #: Compare names, processing times and fees with the versions in force.
    check_names: bool = True
    check_times: bool = True
    check_fees: bool = True
    #: Rows under review are decided with the desk's whole listing in view
    #: (see docs/audit.md): a row is taken to post a procedure for sure only
    #: when its score reaches this, ...
    assign_floor: float = attrs.field(default=70.0, validator=_non_negative)
    #: ... and a procedure already posted for sure by another row counts as
    #: this many points weaker for it (unless the row repeats that row's name).
    taken_penalty: float = attrs.field(default=10.0, validator=_non_negative)
    #: Processes for large batches of names (``-1``: one per CPU; ``1``: none);
    #: see :class:`tthc.matching.Matcher`. The results do not depend on it.
    workers: int = 1

    def as_dict(self) -> dict[str, Any]:
        """The settings as plain data, for reports."""
        return {
            "match": self.match.as_dict(),
            "typo_edits": self.typo_edits,
            "typo_share": self.typo_share,
            "check_names": self.check_names,
            "check_times": self.check_times,
            "check_fees": self.check_fees,
            "assign_floor": self.assign_floor,
            "taken_penalty": self.taken_penalty,
            "workers": self.workers,
        }


# ------------------------------------------------------------------------------ results


@attrs.frozen(kw_only=True)
class RowOutcome:
    """What one listing row posts.

    .. versionadded:: 0.1
    """

    row: ListingRow
    status: RowStatus
    #: The procedure the row is taken to post (``None`` when unmatched).
    procedure: str | None
    #: How it was identified: ``"code"``, ``"auto"`` (by name), ``"twin"``
    #: (a name several procedures share, see :meth:`PostingChecker.twins`),
    #: or the band of an unmatched row (``"review"``, ``"none"``).
    band: str
    score: float | None = None
    candidates: tuple[MatchCandidate, ...] = ()

    @property
    def matched(self) -> bool:
        """True when the row identifies a procedure of the catalogue."""
        return self.status in MATCHED_STATUSES


@attrs.frozen(kw_only=True)
class ProcedureState:
    """A required procedure at a desk: ``posted``, ``outdated``, ``unconfirmed`` or ``missing``.

    ``unconfirmed``: no row posts it for sure, but a row under review (or a
    row naming procedures that share its name) probably does; such a
    procedure is a warning, never a ``missing-procedure`` error.

    .. versionadded:: 0.1
    .. versionchanged:: 0.2 the ``unconfirmed`` state.
    """

    code: str
    level: str
    name: str
    field: str
    status: Literal["posted", "outdated", "unconfirmed", "missing"]
    #: The rows posting it (listing file, row), first first; for an
    #: unconfirmed procedure, the rows that probably post it.
    rows: tuple[tuple[str, int], ...] = ()


@attrs.frozen(kw_only=True)
class DeskStatus:
    """The posting status of one desk on one date.

    .. versionadded:: 0.1
    """

    desk: Desk
    as_of: date
    #: What the desk must post: in force at its level, open desk, not internal.
    required: tuple[InForce, ...]
    #: One state per required procedure, by code.
    procedures: tuple[ProcedureState, ...]
    #: One outcome per procedure row of the listings, in listing order.
    rows: tuple[RowOutcome, ...]
    findings: tuple[Finding, ...]
    #: The listings read for the desk.
    listings: tuple[Listing, ...] = ()

    def stats(self) -> dict[str, Any]:
        """Counts: rows (read, matched, unmatched, skipped by reason), required, posted…"""
        skipped: dict[str, int] = {}
        for listing in self.listings:
            for item in listing.skipped:
                skipped[item.reason] = skipped.get(item.reason, 0) + 1
        bands: dict[str, int] = dict.fromkeys(MATCH_BANDS, 0)
        for outcome in self.rows:
            bands[outcome.band] = bands.get(outcome.band, 0) + 1
        states = [p.status for p in self.procedures]
        return {
            "rows_read": sum(listing.rows_read for listing in self.listings),
            "rows_matched": sum(1 for r in self.rows if r.matched),
            "rows_unmatched": sum(1 for r in self.rows if not r.matched),
            "rows_skipped": sum(skipped.values()),
            "skipped": dict(sorted(skipped.items())),
            "match": bands,
            "required": len(self.required),
            "posted": states.count("posted") + states.count("outdated"),
            "outdated": states.count("outdated"),
            "unconfirmed": states.count("unconfirmed"),
            "missing": states.count("missing"),
        }


# ----------------------------------------------------------------------------- helpers


def _decision_label(key: DecisionKey | None) -> str | None:
    return None if key is None else f"{key.number} ({key.signed:%d/%m/%Y})"


_DIGITS = re.compile(r"\b0+(\d)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _text_key(text: str) -> str:
    """Folded text, punctuation dropped and leading zeros of numbers removed."""
    return _DIGITS.sub(r"\1", _NON_ALNUM.sub(" ", fold(text)).strip())


def _qualifier(q: Qualifier) -> str:
    # "Trong 05 ngày" and "05 ngày" set the same deadline; "không quá" is a ceiling.
    return "at_most" if q is Qualifier.AT_MOST else "exact"


def _time_signature(pt: ProcessingTime) -> tuple[Any, ...]:
    """What two processing times must share to be the same time."""
    structured = pt.status in (ParseStatus.PARSED, ParseStatus.PARTIAL) and (
        pt.amount is not None or pt.unit is TimeUnit.SAME_DAY or pt.alternatives
    )
    if not structured:
        return ("text", _text_key(pt.text))
    alternatives = tuple(sorted(
        (repr(_time_signature(alt)), alt.channel.value, _text_key(alt.scope or ""))
        for alt in pt.alternatives
    ))
    extensions = tuple(sorted(
        (str(e.amount), str(e.amount_max), e.unit.value if e.unit else "") for e in pt.extensions
    ))
    return (
        "time",
        pt.amount,
        pt.amount_max,
        pt.unit,
        _qualifier(pt.qualifier),
        pt.cutoff,
        alternatives,
        extensions,
    )


def _fee_signature(fee: Fee) -> tuple[Any, ...] | None:
    """What two fee texts must share; ``None`` when the text says nothing checkable."""
    if fee.status is ParseStatus.UNSPECIFIED:
        return None
    if fee.free:
        return ("free",)
    if fee.amounts:
        return ("amounts", tuple(sorted((a.amount, a.currency) for a in fee.amounts)))
    return ("text", _text_key(fee.text))


def _parse_day(text: str) -> date | None:
    """A posting date cell: ``dd/mm/yyyy``, ``d-m-yyyy`` or ISO (time of day ignored)."""
    value = text.strip()
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:
        return None
    return None


_DATE_HEADER = re.compile(r"^(?:ngay (?:niem yet|cong khai|dang tai|dang)|posted(?: on)?)\b")
_HEADING_COUNT = re.compile(r"\(\s*(\d+)\s*(?:tthc|thu tuc)")
_PREFIX_TARGET = "thu tuc"


@attrs.frozen
class _Named:
    """A name (and maybe a code) handed to the matcher."""

    name: str
    code: str | None = None
    level: str | None = None


# ----------------------------------------------------------------------------- checker


class PostingChecker:
    """Checks desks' listings against one catalogue on one date.

    The matchers (one per level for the procedures in force, one over every
    procedure the catalogue ever had) and the comparisons of texts are built
    once and shared by every desk checked, since desks of a level post the
    same names.

    Args:
        catalog: the catalogue.
        as_of: the audit date.
        settings: thresholds and what to compare.

    .. versionadded:: 0.1
    """

    def __init__(self, catalog: Catalog, as_of: date, settings: AuditSettings | None = None
                 ) -> None:
        self.catalog = catalog
        self.as_of = as_of
        self.settings = settings or AuditSettings()
        self.view = catalog.as_of(as_of)
        self._required: dict[str, dict[str, InForce]] = {}
        self._internal: dict[str, dict[str, InForce]] = {}
        self._current: dict[str, Matcher] = {}
        self._everything: Matcher | None = None
        self._sure: Matcher | None = None
        self._keys: dict[str, str] = {}
        self._time_sigs: dict[str, tuple[Any, ...]] = {}
        self._fee_sigs: dict[str, tuple[Any, ...] | None] = {}
        self._compare_cache: dict[tuple[str, str, str], bool] = {}
        self._by_code: dict[str, dict[str, tuple[Version, ...]]] | None = None
        self._names: dict[str, str] = {}
        self._twins: dict[str, dict[str, tuple[str, ...]]] = {}
        self._prefix_keys: list[tuple[tuple[str, ...], str]] | None = None

    # -- the catalogue side -------------------------------------------------------------

    def required(self, level: str) -> Mapping[str, InForce]:
        """The procedures a desk of *level* must post on the date, by code."""
        found = self._required.get(level)
        if found is None:
            found = {}
            internal: dict[str, InForce] = {}
            for record in self.view.entries(level=level):
                (internal if record.procedure.internal else found)[record.code] = record
            self._required[level] = found
            self._internal[level] = internal
        return found

    def former_name(self, code: str, name: str) -> bool:
        """Tell whether *name* is (by match key) a name *code* has had at some level."""
        key = self._key(name)
        return any(self._key(v.procedure.name) == key
                   for versions in self._timelines().get(code, {}).values() for v in versions)

    def twins(self, level: str) -> Mapping[str, tuple[str, ...]]:
        """Name keys shared by several procedures required at *level*, with their codes."""
        found = self._twins.get(level)
        if found is None:
            groups: dict[str, list[str]] = {}
            for code, record in self.required(level).items():
                groups.setdefault(self._key(record.procedure.name), []).append(code)
            found = {k: tuple(sorted(v)) for k, v in groups.items() if len(v) > 1}
            self._twins[level] = found
        return found

    def prefixed(self, key: str, level: str, *, equal: bool = False
                 ) -> tuple[list[str], list[str]]:
        """Procedures whose name a cut-off name *key* begins: (required at *level*, others).

        *key* (a match key, at least :data:`_PREFIX_WORDS` words) must be the
        start of the name's key, word for word, its last word possibly cut;
        a name equal to *key* counts only when *equal* is true.
        """
        tokens = key.split()
        if len(tokens) < _PREFIX_WORDS:
            return [], []
        if self._prefix_keys is None:
            self._prefix_keys = sorted(
                (tuple(self._key(self._name_of(code)).split()), code)
                for code in self._timelines()
            )
        head, last = tuple(tokens[:-1]), tokens[-1]
        n = len(tokens)
        required = self.required(level)
        inside: list[str] = []
        others: list[str] = []
        start = bisect.bisect_left(self._prefix_keys, (head,))
        for words, code in self._prefix_keys[start:]:
            if words[: n - 1] != head:
                break
            if len(words) >= n and words[n - 1].startswith(last) and (
                equal or words != tuple(tokens)
            ):
                (inside if code in required else others).append(code)
        return sorted(inside), sorted(others)

    def _timelines(self) -> dict[str, dict[str, tuple[Version, ...]]]:
        if self._by_code is None:
            by_code: dict[str, dict[str, tuple[Version, ...]]] = {}
            for (code, level), versions in self.catalog.timelines.items():
                by_code.setdefault(code, {})[level] = versions
            self._by_code = by_code
        return self._by_code

    def _name_of(self, code: str) -> str:
        """The catalogue name of *code*: in force on the date, else its latest known."""
        name = self._names.get(code)
        if name is None:
            levels = self._timelines().get(code, {})
            day = self.as_of
            versions = sorted((v for vs in levels.values() for v in vs),
                              key=lambda v: _version_order(v, day))
            name = versions[-1].procedure.name if versions else code
            self._names[code] = name
        return name

    def current_matcher(self, level: str) -> Matcher:
        """The matcher over the procedures in force at *level* (cached)."""
        matcher = self._current.get(level)
        if matcher is None:
            self.required(level)
            records = [*self._required[level].values(), *self._internal[level].values()]
            records.sort(key=lambda r: r.code)
            matcher = Matcher(
                (Candidate(code=r.code, name=r.procedure.name, level=level,
                           field=r.procedure.field.name) for r in records),
                self.settings.match,
                workers=self.settings.workers,
            )
            self._current[level] = matcher
        return matcher

    def everything_matcher(self) -> Matcher:
        """The matcher over every procedure the catalogue ever had (cached)."""
        if self._everything is None:
            self._everything = Matcher(self._all_candidates(), self.settings.match,
                                       workers=self.settings.workers)
        return self._everything

    def sure_matcher(self) -> Matcher:
        """:meth:`everything_matcher`, looking only for automatic acceptances (cached).

        Its floor is the automatic threshold less the gap: a candidate below
        it can neither be accepted nor stop another from being accepted, so
        its automatic acceptances are exactly the full matcher's, found
        faster; it lists no candidate below the floor.
        """
        if self._sure is None:
            match = self.settings.match
            floor = max(0.0, match.auto - match.gap)
            settings = attrs.evolve(match, floor=floor, review=max(match.review, floor))
            self._sure = Matcher(self._all_candidates(), settings, workers=self.settings.workers)
        return self._sure

    def _all_candidates(self) -> list[Candidate]:
        timelines = self._timelines()
        return [
            Candidate(code=code, name=self._name_of(code), level=tuple(sorted(levels)))
            for code, levels in sorted(timelines.items())
        ]

    def _key(self, name: str) -> str:
        key = self._keys.get(name)
        if key is None:
            key = name_key(name)
            self._keys[name] = key
        return key

    # -- one desk -----------------------------------------------------------------------

    def check(self, desk: Desk | str, listings: Listing | Iterable[Listing]) -> DeskStatus:
        """The posting status of *desk* from its *listings* (one or several files).

        Raises:
            UnknownDesk: no desk with that id.
        """
        desk = self.catalog.desk(desk) if isinstance(desk, str) else desk
        listings = (listings,) if isinstance(listings, Listing) else tuple(listings)
        return _DeskRun(self, desk, listings).run()

    def prefetch(self, desks: Iterable[tuple[Desk | str, Iterable[Listing]]]) -> None:
        """Match, in one batch per matcher, every name the desks' rows will need matched.

        :meth:`check` then finds the results in the matchers' caches. The
        outcome is the same as without it; large audits are faster, since
        the matchers work best on large batches of names.
        """
        by_level: dict[str, dict[str, None]] = {}
        everything: dict[str, None] = {}
        timelines = self._timelines()
        for desk, listings in desks:
            found = self.catalog.desk(desk) if isinstance(desk, str) else desk
            required = self.required(found.level)
            wanted = by_level.setdefault(found.level, {})
            for listing in listings:
                for row in listing.rows:
                    code = row.code
                    if not code or code not in timelines:
                        wanted[row.name] = None
                    elif code not in required or (
                        self._key(row.name) != self._key(required[code].procedure.name)
                    ):
                        everything[row.name] = None
        for level, names in by_level.items():
            if not names:
                continue
            twins = self.twins(level)
            results = self.current_matcher(level).match(_Named(name=n) for n in names)
            for name, result in zip(names, results, strict=True):
                if result.status != "auto" and self._key(name) not in twins:
                    everything[name] = None
        if everything:
            self.everything_matcher().match(_Named(name=n) for n in everything)

    # -- comparisons ----------------------------------------------------------------------

    def time_signature(self, text: str) -> tuple[Any, ...]:
        """The comparable structure of a processing-time text (cached)."""
        sig = self._time_sigs.get(text)
        if sig is None:
            sig = _time_signature(parse_processing_time(text))
            self._time_sigs[text] = sig
        return sig

    def fee_signature(self, text: str) -> tuple[Any, ...] | None:
        """The comparable amounts of a fee text (cached); ``None``: nothing to compare."""
        if text in self._fee_sigs:
            return self._fee_sigs[text]
        sig = _fee_signature(parse_fee(text))
        self._fee_sigs[text] = sig
        return sig

    def classify(self, code: str, level: str) -> tuple[RowStatus, Version | None]:
        """What posting *code* at *level* on the date is, and the version that says so.

        ``posted`` (in force), ``internal``, ``stale`` (ended at the level:
        the version's ``end_kind`` says how), ``wrong-level`` (in force at
        another level only), ``not-yet`` (in force at the level later, and at
        no level now), or ``unknown`` (never in the catalogue).
        """
        if code in self.required(level):
            return "posted", self._required[level][code].version
        if code in self._internal[level]:
            return "internal", self._internal[level][code].version
        levels = self._timelines().get(code)
        if not levels:
            return "unknown", None
        day = self.as_of
        here = levels.get(level, ())
        started = [v for v in here if v.valid_from <= day]
        if started:
            return "stale", started[-1]
        in_force = [v for vs in levels.values() for v in vs if v.in_force_on(day)]
        if in_force:
            return "wrong-level", in_force[0]
        if here:
            return "not-yet", here[0]
        ended = sorted((v for vs in levels.values() for v in vs if v.valid_from <= day),
                       key=lambda v: (v.valid_until or date.max, v.valid_from))
        if ended:
            return "stale", ended[-1]
        first = min((v for vs in levels.values() for v in vs), key=lambda v: v.valid_from)
        return "not-yet", first


def _rank(level: str) -> int:
    try:
        return Level.get(level).rank
    except LookupError:
        return 99


def _version_order(version: Version, day: date) -> tuple[int, int, int]:
    """Sort key: the version in force on *day* last, then the latest started, then by level."""
    in_force = version.in_force_on(day)
    started = version.valid_from <= day
    when = version.valid_from.toordinal() if started else -version.valid_from.toordinal()
    return (2 if in_force else 1 if started else 0, when, -_rank(version.level))


class _DeskRun:
    """The work of :meth:`PostingChecker.check` for one desk."""

    def __init__(self, checker: PostingChecker, desk: Desk, listings: tuple[Listing, ...]) -> None:
        self.c = checker
        self.desk = desk
        self.listings = listings
        self.level = desk.level
        self.open = desk.is_open(checker.as_of)
        self.required: Mapping[str, InForce] = checker.required(self.level) if self.open else {}
        self.findings: list[Finding] = []
        self.late: list[Finding] = []
        # Per row: (status, procedure, band, score, candidates).
        self.outcomes: list[RowOutcome | None] = []
        self.rows: list[ListingRow] = []
        self.conflicts: dict[int, tuple[str, float | None, tuple[MatchCandidate, ...]]] = {}
        self.bad_codes: dict[int, str] = {}
        # Rows under review: the required procedures each probably posts.
        self.probable: dict[int, tuple[str, ...]] = {}
        # Rows naming procedures that share one name, when fewer than them.
        self.undecidable: dict[int, tuple[str, ...]] = {}

    # -- helpers ------------------------------------------------------------------------

    def add(self, code: str, vi: str, en: str, at: ListingRow | None = None,
            **fields: Any) -> None:
        where: dict[str, Any] = {}
        if at is not None:
            where = {"source": at.source, "sheet": at.sheet, "row": at.row}
        elif "source" not in fields and self.listings:
            where = {"source": self.listings[0].source}
        self.findings.append(Finding.make(code, vi, en, desk=self.desk.id, **where, **fields))

    def label(self, code: str) -> str:
        return f"{codes.display_code(code)} ({self.c._name_of(code)})"

    # -- the run ------------------------------------------------------------------------

    def run(self) -> DeskStatus:
        checker = self.c
        self.desk_checks()
        for listing in self.listings:
            self.listing_checks(listing)
            self.rows.extend(listing.rows)
        self.outcomes = [None] * len(self.rows)
        by_code: list[int] = []
        by_name: list[int] = []
        required = self.required
        key = checker._key
        for index, row in enumerate(self.rows):
            code = row.code
            if code:
                record = required.get(code)
                if record is not None and key(row.name) == key(record.procedure.name):
                    self.outcomes[index] = RowOutcome(row=row, status="posted", procedure=code,
                                                      band="code", score=100.0)
                else:
                    by_code.append(index)
            else:
                if row.code_raw:
                    self.bad_codes[index] = row.code_raw
                by_name.append(index)
        if by_code:
            self.match_codes(by_code, by_name)
        if by_name:
            self.match_names(by_name)
            if self.open:
                self.resolve()
        return self.finish()

    def desk_checks(self) -> None:
        desk = self.desk
        if not self.open:
            self.add("desk-closed",
                     f"Bộ phận một cửa {desk.id} không hoạt động vào ngày "
                     f"{self.c.as_of:%d/%m/%Y}: không có TTHC nào phải niêm yết.",
                     f"The desk {desk.id} is not open on {self.c.as_of:%d/%m/%Y}: "
                     "it has nothing to post.",
                     expected=None, found=desk.id)
            return
        feedback = desk.feedback
        parts = ("body", "address", "phone", "email")
        missing = feedback.missing() if feedback is not None else parts
        if len(missing) == len(parts):
            self.add("feedback-missing",
                     f"Bộ phận một cửa {desk.id} chưa có địa chỉ tiếp nhận phản ánh, kiến nghị "
                     "(cơ quan, địa chỉ, điện thoại, thư điện tử).",
                     f"The desk {desk.id} has no feedback address (receiving body, postal "
                     "address, phone, e-mail).",
                     expected=", ".join(parts), found=None)
        elif missing:
            self.add("feedback-incomplete",
                     f"Địa chỉ tiếp nhận phản ánh, kiến nghị của {desk.id} còn thiếu: "
                     f"{', '.join(missing)}.",
                     f"The feedback address of {desk.id} lacks: {', '.join(missing)}.",
                     expected=", ".join(parts), found=", ".join(p for p in parts
                                                                if p not in missing))

    def listing_checks(self, listing: Listing) -> None:
        where: dict[str, Any] = {"source": listing.source}
        if listing.legacy:
            self.add("legacy-encoding",
                     f"Danh mục {listing.source} gõ bằng phông chữ cũ ({listing.legacy}); "
                     "đã chuyển sang Unicode để đối chiếu. Nên gõ lại bằng Unicode.",
                     f"The listing {listing.source} is typed in a legacy font ({listing.legacy}); "
                     "it was converted to Unicode for the audit. Retype it in Unicode.",
                     found=listing.legacy, expected="unicode", **where)
        rows = listing.rows
        if len(rows) >= 3 and all(row.name.isascii() for row in rows):
            self.add("no-diacritics",
                     f"Danh mục {listing.source} gõ không dấu; tên TTHC phải niêm yết đúng "
                     "như quyết định công bố.",
                     f"The listing {listing.source} is typed without diacritics; names must be "
                     "posted as the announcement decision gives them.",
                     **where)
        with_code = sum(1 for row in rows if row.code_raw or row.code)
        if rows and not with_code:
            self.add("no-codes",
                     f"Danh mục {listing.source} không ghi mã số TTHC; đã đối chiếu theo tên.",
                     f"The listing {listing.source} gives no procedure codes; rows were "
                     "matched by name.",
                     **where)
        elif with_code:
            for row in rows:
                if not (row.code_raw or row.code):
                    self.add("code-missing",
                             f"Dòng {row.row} không ghi mã số TTHC; đã đối chiếu theo tên.",
                             f"Row {row.row} gives no procedure code; it was matched by name.",
                             row)
        self.heading_counts(listing)

    def heading_counts(self, listing: Listing) -> None:
        """Compare "(12 TTHC)" in a group heading with the rows under it."""
        headings = {(s.sheet, s.row): s for s in listing.skipped if s.reason == "heading"}
        if not headings:
            return
        # The pages of a PDF are one flow: a group may go on over a page break.
        flow = listing.format == "pdf"
        order = {name: index for index, name in enumerate(listing.sheets)}
        runs: list[tuple[str | None, str, list[ListingRow]]] = []
        for row in listing.rows:
            if row.heading is None:
                continue
            if runs and (flow or runs[-1][0] == row.sheet) and runs[-1][1] == row.heading:
                runs[-1][2].append(row)
            else:
                runs.append((row.sheet, row.heading, [row]))
        for sheet, text, members in runs:
            found = _HEADING_COUNT.search(fold(text))
            if not found:
                continue
            stated = int(found.group(1))
            if stated == len(members):
                continue
            first = (order.get(sheet or "", 0), members[0].row)
            above = [(order.get(s or "", 0), r, s) for (s, r) in headings
                     if (flow or s == sheet) and (order.get(s or "", 0), r) < first]
            line = max(above)[1] if above else None
            sheet = max(above)[2] if above else sheet
            self.add("heading-count-mismatch",
                     f"Tiêu đề nhóm \u201c{text}\u201d ghi {stated} TTHC nhưng có "
                     f"{len(members)} dòng.",
                     f"The group heading \u201c{text}\u201d says {stated} procedures; "
                     f"{len(members)} rows follow it.",
                     source=listing.source, sheet=sheet, row=line,
                     expected=str(len(members)), found=str(stated))

    # -- matching -----------------------------------------------------------------------

    def match_codes(self, indices: list[int], by_name: list[int]) -> None:
        """Rows with a national code: the code names the procedure unless the name disagrees."""
        everything = self.c.everything_matcher()
        rows = self.rows
        results = everything.match(_Named(name=rows[i].name, code=rows[i].code) for i in indices)
        for index, result in zip(indices, results, strict=True):
            row = rows[index]
            if result.status != "code":
                # The code is not in the catalogue: match the name as for rows without code.
                self.bad_codes[index] = row.code_raw or row.code or ""
                by_name.append(index)
                continue
            code = result.code or ""
            if result.code_name_conflict and not self.c.former_name(code, row.name):
                # The name decides when it is recognised; the code otherwise.
                self.conflicts[index] = (code, result.score, result.candidates)
                by_name.append(index)
                continue
            self.outcomes[index] = self.refer(row, code, "code", result.score, ())
        by_name.sort()

    def match_names(self, indices: list[int]) -> None:
        """Rows matched by name: the desk's level first, then the whole catalogue."""
        rows = self.rows
        checker = self.c
        current = checker.current_matcher(self.level)
        twins = checker.twins(self.level) if self.open else {}
        first = current.match(_Named(name=rows[i].name) for i in indices)
        second_indices: list[int] = []
        first_of: dict[int, Match] = {}
        twin_rows: dict[str, list[int]] = {}
        for index, result in zip(indices, first, strict=True):
            if result.status == "auto" and result.code:
                self.outcomes[index] = self.refer(rows[index], result.code, "auto", result.score,
                                                  result.candidates)
                continue
            if index in self.conflicts:
                code, score, candidates = self.conflicts[index]
                self.outcomes[index] = self.refer(rows[index], code, "code", score, candidates)
                continue
            key = checker._key(rows[index].name)
            if key in twins:
                twin_rows.setdefault(key, []).append(index)
                continue
            second_indices.append(index)
            first_of[index] = result
        if twin_rows:
            self.assign_twins(twin_rows, twins)
        if not second_indices:
            return
        # The whole catalogue, to recognise procedures no longer (or not) in
        # force at the level, and to list them among the candidates of a row
        # in review (so that it is not taken for a required one, see resolve).
        found = checker.everything_matcher().match(_Named(name=rows[i].name)
                                                   for i in second_indices)
        wider: dict[int, Match] = dict(zip(second_indices, found, strict=True))
        for index in second_indices:
            result = wider[index]
            row = rows[index]
            if result.status == "auto" and result.code:
                self.outcomes[index] = self.refer(row, result.code, "auto", result.score,
                                                  result.candidates)
                continue
            earlier = first_of[index]
            candidates = _merge(earlier.candidates, result.candidates, checker.settings.match.limit)
            review = "review" in (earlier.status, result.status)
            score = candidates[0].score if candidates else None
            if index in self.bad_codes:
                status: RowStatus = "unknown"
            else:
                status = "review" if review else "unmatched"
            self.outcomes[index] = RowOutcome(row=row, status=status, procedure=None,
                                              band="review" if review else "none",
                                              score=score, candidates=candidates)

    def resolve(self) -> None:
        """Decide the rows under review with the desk's whole listing in view.

        A row in review may post one of the required procedures no other row
        posts for sure (its *free* candidates). A procedure some row already
        posts for sure is a weak candidate (:attr:`AuditSettings.taken_penalty`
        points less), unless the row repeats that row's name (a duplicate);
        a candidate that is not required at the desk (repealed, replaced,
        another level) keeps its score: the row may be a stale posting.

        First, elimination: a row whose best free candidate reaches
        :attr:`AuditSettings.assign_floor` and leads every other free
        candidate, and every weak or not-required one, by the matcher's gap
        is taken to post it (band ``assigned``); that procedure is then taken,
        which may decide other rows, until nothing changes. Then the rows left
        are solved together, group by group of rows sharing candidates, as an
        assignment (:func:`tthc.matching.assign`): a row whose pair is worth
        at least the gap to the whole assignment
        (:func:`tthc.matching.assignment_margins`) and passes the same floor
        and alternative tests is assigned. What remains is unconfirmed: each
        row then probably posts its assigned procedure and any free candidate
        within the gap of it.
        """
        checker = self.c
        settings = checker.settings
        gap = settings.match.gap
        floor = max(settings.assign_floor, settings.match.review)
        required = self.required
        key = checker._key
        taken: dict[str, set[str]] = {}
        pending: list[int] = []
        cut_rows = self.cut_off_rows()
        for index, outcome in enumerate(self.outcomes):
            if outcome is None or index in cut_rows:
                continue
            if outcome.status == "posted" and outcome.procedure is not None:
                taken.setdefault(outcome.procedure, set()).add(key(outcome.row.name))
            elif (outcome.status in ("review", "unmatched") and outcome.band in ("review", "none")
                  and outcome.candidates and index not in self.conflicts):
                # A row matching nothing well enough still resembles its candidates.
                pending.append(index)
        for index, (inside, others) in sorted(cut_rows.items()):
            self.cut_off(index, inside, others, taken)
        if not pending:
            return

        def options(index: int) -> tuple[dict[str, float], float]:
            """The free candidates of a row, and its best other reading's score."""
            outcome = self.outcomes[index]
            assert outcome is not None
            row_key = key(outcome.row.name)
            free: dict[str, float] = {}
            other = 0.0
            for cand in outcome.candidates:
                posted_by = taken.get(cand.code)
                if posted_by is not None:
                    weak = 0.0 if row_key in posted_by else settings.taken_penalty
                    other = max(other, cand.score - weak)
                elif cand.code in required:
                    free[cand.code] = cand.score
                else:
                    other = max(other, cand.score)
            return free, other

        def sure(score: float, rivals: Iterable[float]) -> bool:
            return score >= floor and all(score - r >= gap for r in rivals)

        def accept(index: int, code: str, score: float) -> None:
            outcome = self.outcomes[index]
            assert outcome is not None
            self.outcomes[index] = self.refer(outcome.row, code, "assigned", score,
                                              outcome.candidates)
            taken.setdefault(code, set()).add(key(outcome.row.name))

        changed = True
        while changed and pending:
            changed = False
            left: list[int] = []
            for index in pending:
                free, other = options(index)
                ranked = sorted(free.items(), key=lambda item: (-item[1], item[0]))
                if ranked and sure(ranked[0][1], [other, *(s for _c, s in ranked[1:])]):
                    accept(index, ranked[0][0], ranked[0][1])
                    changed = True
                else:
                    left.append(index)
            pending = left
        if not pending:
            return
        # Group the rows left by shared free candidates, and solve each group.
        found = {index: options(index) for index in pending}
        groups: dict[int, list[int]] = {}
        owner_of: dict[str, int] = {}
        parent = {index: index for index in pending}

        def root(index: int) -> int:
            while parent[index] != index:
                parent[index] = parent[parent[index]]
                index = parent[index]
            return index

        for index in pending:
            for code in found[index][0]:
                if code in owner_of:
                    a, b = root(owner_of[code]), root(index)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
                else:
                    owner_of[code] = index
        for index in pending:
            groups.setdefault(root(index), []).append(index)
        for members in groups.values():
            scores = [found[i][0] for i in members]
            chosen: list[str | None]
            if len(members) <= _ASSIGN_GROUP:
                chosen, margins = assignment_margins(scores)
            else:  # too large to weigh each pair: each row on its own
                chosen = [_best(s) for s in scores]
                margins = [0.0] * len(members)
            for index, pick, margin in zip(members, chosen, margins, strict=True):
                free, other = found[index]
                if pick is None:
                    continue
                score = free[pick]
                rivals = [other] + ([] if margin >= gap else
                                    [s for c, s in free.items() if c != pick])
                if margin >= gap and sure(score, rivals):
                    accept(index, pick, score)
                    continue
                self.probable[index] = (pick, *sorted(
                    c for c, s in free.items() if c != pick and score - s < gap))
                outcome = self.outcomes[index]
                if outcome is not None and outcome.status == "unmatched":
                    # It resembles a procedure the desk must post: a person decides.
                    self.outcomes[index] = attrs.evolve(outcome, status="review", band="review")

    def cut_off_rows(self) -> dict[int, tuple[list[str], list[str]]]:
        """Rows whose name may be the start of a longer name, with those names' procedures.

        A row ending in "..." or "…" (whatever the matcher made of it), a row
        in review or matching nothing, and a row without code that repeats the
        name of a procedure posted by code (a longer name cut at the end of a
        shorter one: "Đăng ký khai sinh lưu động" cut to "Đăng ký khai sinh"),
        when the start of some longer names: (required procedures, others).
        """
        checker = self.c
        key = checker._key
        # Procedures some other row posts for sure, or may post (a candidate of a row in
        # review): rows per procedure.
        claims: dict[str, set[int]] = {}
        for index, o in enumerate(self.outcomes):
            if o is None:
                continue
            if o.status == "posted" and o.procedure is not None:
                claims.setdefault(o.procedure, set()).add(index)
            elif o.status in ("review", "unmatched"):
                for cand in o.candidates:
                    claims.setdefault(cand.code, set()).add(index)
        found: dict[int, tuple[list[str], list[str]]] = {}
        for index, outcome in enumerate(self.outcomes):
            if (outcome is None or outcome.band in ("code", "twin") or index in self.conflicts
                    or index in self.bad_codes):
                continue
            row = outcome.row
            cut = bool(_ELLIPSIS.search(row.name))
            repeats = outcome.band == "auto" and bool(
                claims.get(outcome.procedure or "", set()) - {index})
            if not (cut or repeats or outcome.status in ("review", "unmatched")):
                continue
            inside, others = checker.prefixed(key(row.name), self.level, equal=cut)
            if repeats and outcome.procedure is not None:
                longer = [c for c in inside if c not in claims]
                if not longer:
                    continue
                # The name in full, or the start of a longer one: not sure which.
                inside = sorted({outcome.procedure, *longer})
                found[index] = (inside, [*others, outcome.procedure])
            elif inside:
                found[index] = (inside, others)
        return found

    def cut_off(self, index: int, inside: list[str], others: list[str],
                taken: dict[str, set[str]]) -> None:
        """Decide a cut-off row (see :meth:`cut_off_rows`).

        It posts the one required procedure its name begins that no other
        row posts, when no procedure outside the desk's list begins so and
        the row does not repeat the name of a row posting one of the others
        (a duplicate); with several such procedures, it probably posts them
        (unconfirmed); with none, it stays as the matcher left it.
        """
        checker = self.c
        outcome = self.outcomes[index]
        assert outcome is not None
        row_key = checker._key(outcome.row.name)
        free = [c for c in inside if c not in taken]
        duplicate = any(row_key in taken[c] for c in inside if c in taken)
        if not free:
            if outcome.status == "posted" and outcome.procedure is not None:
                taken.setdefault(outcome.procedure, set()).add(row_key)
            return
        listed = tuple(
            MatchCandidate(code=c, name=checker._name_of(c), score=round(
                100.0 * len(row_key) / max(1, len(checker._key(checker._name_of(c)))), 2))
            for c in sorted(free, key=lambda c: (len(checker._key(checker._name_of(c))), c))
        )[: checker.settings.match.limit]
        if len(free) == 1 and not others and not duplicate:
            self.outcomes[index] = self.refer(outcome.row, free[0], "assigned",
                                              listed[0].score, listed)
            taken.setdefault(free[0], set()).add(row_key)
            return
        self.outcomes[index] = RowOutcome(row=outcome.row, status="review", procedure=None,
                                          band="review", score=listed[0].score,
                                          candidates=listed)
        self.probable[index] = tuple(sorted(c.code for c in listed))

    def assign_twins(self, twin_rows: Mapping[str, list[int]],
                     twins: Mapping[str, tuple[str, ...]]) -> None:
        """Rows naming procedures that share one name: given the group's codes in code order.

        Procedures with identical names (the national database has such
        groups) cannot be told apart by name; the rows posting that name are
        taken to post the group's procedures not posted by code, in code
        order, and any row beyond the group's size repeats the first. With
        fewer rows than such procedures, which ones are posted cannot be told
        by name: the rows stay in review (``undecidable-name``) and the
        procedures are unconfirmed.
        """
        taken = {o.procedure for o in self.outcomes if o is not None and o.status == "posted"}
        for key, indices in twin_rows.items():
            group = twins[key]
            free = [code for code in group if code not in taken]
            if len(indices) < len(free):
                # Which of them the rows post cannot be told by name.
                listed = tuple(MatchCandidate(code=code, name=self.c._name_of(code), score=100.0)
                               for code in free)
                for index in indices:
                    self.outcomes[index] = RowOutcome(row=self.rows[index], status="review",
                                                      procedure=None, band="twin", score=100.0,
                                                      candidates=listed)
                    self.undecidable[index] = tuple(free)
                continue
            for position, index in enumerate(indices):
                code = free[position] if position < len(free) else group[0]
                self.outcomes[index] = self.refer(self.rows[index], code, "twin", 100.0, ())

    def refer(self, row: ListingRow, code: str, band: str, score: float | None,
              candidates: tuple[MatchCandidate, ...]) -> RowOutcome:
        status, _version = self.c.classify(code, self.level)
        if not self.open and status in ("posted", "internal"):
            status = "closed"
        return RowOutcome(row=row, status=status, procedure=code, band=band, score=score,
                          candidates=candidates)

    # -- findings -----------------------------------------------------------------------

    def finish(self) -> DeskStatus:
        checker = self.c
        first_row: dict[str, ListingRow] = {}
        outdated: set[str] = set()
        outcomes: list[RowOutcome] = []
        for index, outcome in enumerate(self.outcomes):
            assert outcome is not None
            row = outcome.row
            code = outcome.procedure
            if index in self.conflicts:
                self.conflict(row, self.conflicts[index][0], self.conflicts[index][2])
            if index in self.bad_codes:
                self.bad_code(row, self.bad_codes[index], outcome)
            status = outcome.status
            if status == "posted" and code is not None:
                if code in first_row:
                    outcome = attrs.evolve(outcome, status="duplicate")
                    before = first_row[code]
                    self.add("duplicate-row",
                             f"{self.label(code)} niêm yết lần nữa (đã có ở dòng {before.row}).",
                             f"{self.label(code)} is posted again (already at row {before.row} "
                             f"of {before.source}).",
                             row, procedure=code, name=checker._name_of(code), level=self.level,
                             expected=f"{before.source}, row {before.row}",
                             found=f"{row.source}, row {row.row}")
                else:
                    first_row[code] = row
                    if self.compare(row, code, index in self.conflicts):
                        outdated.add(code)
            elif status in ("stale", "wrong-level", "not-yet", "internal") and code is not None:
                self.not_required(row, code, status)
            elif status == "review" and index in self.undecidable:
                self.undecidable_name(row, self.undecidable[index])
            elif status == "review" and index not in self.probable:
                best = outcome.candidates[0] if outcome.candidates else None
                self.add("review-match",
                         f"Chưa xác định chắc chắn TTHC của dòng \u201c{row.name}\u201d; gần nhất: "
                         f"{best.code if best else '—'} ({best.score if best else 0:g} điểm).",
                         f"The row \u201c{row.name}\u201d could not be matched for sure; the "
                         f"closest is {best.code if best else '—'} (score "
                         f"{best.score if best else 0:g}): a person should check it.",
                         row, found=row.name, expected=best.name if best else None,
                         procedure=best.code if best else None,
                         candidates=outcome.candidates)
            elif status == "unmatched":
                self.add("unmatched-row",
                         f"Dòng \u201c{row.name}\u201d không khớp TTHC nào trong danh mục.",
                         f"The row \u201c{row.name}\u201d matches no procedure of the catalogue.",
                         row, found=row.name, candidates=outcome.candidates)
            outcomes.append(outcome)
        states: list[ProcedureState] = []
        posting_rows: dict[str, list[tuple[str, int]]] = {}
        for outcome in outcomes:
            if outcome.status in ("posted", "duplicate") and outcome.procedure is not None:
                posting_rows.setdefault(outcome.procedure, []).append(
                    (outcome.row.source, outcome.row.row))
        probable: dict[str, list[int]] = {}
        for index, codes_ in (*self.probable.items(), *self.undecidable.items()):
            for code in codes_:
                probable.setdefault(code, []).append(index)
        for code in sorted(self.required):
            record = self.required[code]
            procedure = record.procedure
            posted = first_row.get(code)
            if posted is None and code in probable:
                indices = probable[code]
                states.append(ProcedureState(
                    code=code, level=self.level, name=procedure.name,
                    field=procedure.field.name, status="unconfirmed",
                    rows=tuple((self.rows[i].source, self.rows[i].row) for i in indices)))
                if indices[0] not in self.undecidable:
                    self.unconfirmed(record, [outcomes[i] for i in indices],
                                     self.probable.get(indices[0], ()))
                continue
            if posted is None:
                states.append(ProcedureState(code=code, level=self.level, name=procedure.name,
                                             field=procedure.field.name, status="missing"))
                self.add("missing-procedure",
                         f"{code} ({procedure.name}) phải niêm yết tại {self.desk.id} "
                         f"({Level.name_of(self.level).lower()}) nhưng không có trong danh mục "
                         "niêm yết.",
                         f"{code} ({procedure.name}) must be posted at {self.desk.id} "
                         f"({self.level} level) but is not in the listing.",
                         procedure=code, name=procedure.name, level=self.level,
                         expected=procedure.name, found=None,
                         decision=_decision_label(record.decision))
                continue
            rows = tuple(posting_rows.get(code, ()))
            states.append(ProcedureState(
                code=code, level=self.level, name=procedure.name, field=procedure.field.name,
                status="outdated" if code in outdated else "posted", rows=rows))
        self.findings.extend(self.late)
        self.findings.sort(key=_finding_order)
        return DeskStatus(desk=self.desk, as_of=checker.as_of, required=tuple(
            self.required[c] for c in sorted(self.required)), procedures=tuple(states),
            rows=tuple(outcomes), findings=tuple(self.findings), listings=self.listings)

    def unconfirmed(self, record: InForce, outcomes: Sequence[RowOutcome],
                    shared: Sequence[str] = ()) -> None:
        """A required procedure that rows under review probably post.

        *shared*: the procedures the first row probably posts (it posts one of them).
        """
        code = record.code
        label = self.label(code)
        first = outcomes[0]
        row = first.row
        score = next((c.score for c in first.candidates if c.code == code), None)
        others = [c for c in first.candidates if c.code != code]
        rest_vi = ", ".join(f"{c.code} ({c.score:g})" for c in others) or "không có"
        rest_en = ", ".join(f"{c.code} ({c.score:g})" for c in others) or "none"
        where = ", ".join(f"{o.row.row}" for o in outcomes)
        one_vi = one_en = ""
        if len(shared) > 1:
            one_vi = f" Dòng {row.row} chỉ có thể là một trong: {', '.join(shared)}."
            one_en = f" Row {row.row} can post only one of {', '.join(shared)}."
        self.add("unconfirmed-procedure",
                 f"{label} có thể đã niêm yết ở dòng {where} \u201c{row.name}\u201d "
                 f"({score:g} điểm) nhưng chưa xác định chắc chắn; TTHC gần khác: {rest_vi}."
                 f"{one_vi} Cần người kiểm tra và ghi mã số TTHC.",
                 f"{label} is probably posted at row {where} \u201c{row.name}\u201d (score "
                 f"{score:g}) but not for sure; other candidates: {rest_en}.{one_en} A person "
                 "should check it and write the code in the listing.",
                 row, procedure=code, name=record.procedure.name, level=self.level,
                 expected=record.procedure.name, found=row.name,
                 candidates=first.candidates)

    def undecidable_name(self, row: ListingRow, group: Sequence[str]) -> None:
        """A row naming procedures that share one name, fewer rows than procedures."""
        codes_ = ", ".join(group)
        self.add("undecidable-name",
                 f"Tên \u201c{row.name}\u201d là tên chung của {len(group)} TTHC ({codes_}); "
                 "theo tên không xác định được dòng này niêm yết TTHC nào, và có TTHC trong "
                 "số đó chưa niêm yết. Cần ghi mã số TTHC.",
                 f"The name \u201c{row.name}\u201d is shared by {len(group)} procedures "
                 f"({codes_}); by name it cannot be told which one the row posts, and some of "
                 "them are not posted. Write the codes in the listing.",
                 row, found=row.name, expected=codes_, level=self.level,
                 candidates=tuple(MatchCandidate(code=c, name=self.c._name_of(c), score=100.0)
                                  for c in group))

    def conflict(self, row: ListingRow, code: str, candidates: Sequence[MatchCandidate]
                 ) -> None:
        others = [c for c in candidates if c.code != code]
        better = others[0] if others else None
        name = self.c._name_of(code)
        hint_vi = f"; tên gần với {better.code} ({better.name})" if better else ""
        hint_en = f"; the name is closer to {better.code} ({better.name})" if better else ""
        self.add("code-name-conflict",
                 f"Mã {code} là của \u201c{name}\u201d nhưng tên niêm yết là "
                 f"\u201c{row.name}\u201d{hint_vi}.",
                 f"The code {code} is \u201c{name}\u201d but the posted name is "
                 f"\u201c{row.name}\u201d{hint_en}.",
                 row, procedure=code, name=name, level=self.level, expected=name,
                 found=row.name, candidates=tuple(candidates))

    def bad_code(self, row: ListingRow, raw: str, outcome: RowOutcome) -> None:
        if outcome.procedure is None:
            self.add("unknown-procedure",
                     f"Mã \u201c{raw}\u201d không có trong danh mục và tên \u201c{row.name}\u201d "
                     "không khớp TTHC nào.",
                     f"The code \u201c{raw}\u201d is not in the catalogue and the name "
                     f"\u201c{row.name}\u201d matches no procedure.",
                     row, procedure=row.code, found=f"{raw} {row.name}",
                     candidates=outcome.candidates)
            return
        code = outcome.procedure
        self.add("unknown-code",
                 f"Mã \u201c{raw}\u201d không có trong danh mục; theo tên, dòng này là "
                 f"{self.label(code)}.",
                 f"The code \u201c{raw}\u201d is not in the catalogue; by its name the row "
                 f"posts {self.label(code)}.",
                 row, procedure=code, name=self.c._name_of(code), level=self.level,
                 expected=code, found=raw, candidates=outcome.candidates)

    def not_required(self, row: ListingRow, code: str, status: str) -> None:
        checker = self.c
        _status, version = checker.classify(code, self.level)
        name = checker._name_of(code)
        label = self.label(code)
        if status == "internal":
            self.add("internal-procedure",
                     f"{label} là TTHC nội bộ, không phải niêm yết cho người dân.",
                     f"{label} is an internal procedure, not posted for citizens.",
                     row, procedure=code, name=name, level=self.level)
            return
        assert version is not None
        if status == "not-yet":
            self.add("not-yet-in-force",
                     f"{label} chưa có hiệu lực tại {Level.name_of(version.level).lower()} "
                     f"(từ {version.valid_from:%d/%m/%Y}).",
                     f"{label} is not in force at the {version.level} level before "
                     f"{version.valid_from:%d/%m/%Y}.",
                     row, procedure=code, name=name, level=version.level,
                     expected=version.valid_from.isoformat(), found=checker.as_of.isoformat(),
                     decision=_decision_label(version.decision))
            return
        if status == "wrong-level":
            levels = sorted({v.level for vs in checker._timelines()[code].values() for v in vs
                             if v.in_force_on(checker.as_of)}, key=_rank)
            self.add("wrong-level",
                     f"{label} thuộc {', '.join(Level.name_of(x).lower() for x in levels)}, "
                     f"không thuộc {Level.name_of(self.level).lower()}: gỡ khỏi danh mục của "
                     f"{self.desk.id}.",
                     f"{label} is a {', '.join(levels)}-level procedure, not a {self.level}-level "
                     f"one: take it off the list of {self.desk.id}.",
                     row, procedure=code, name=name, level=self.level,
                     expected=", ".join(levels), found=self.level)
            return
        self.stale(row, code, version)

    def stale(self, row: ListingRow, code: str, version: Version) -> None:
        checker = self.c
        label = self.label(code)
        name = checker._name_of(code)
        decision = _decision_label(version.ended_by)
        ended = version.valid_until
        when = f"{ended:%d/%m/%Y}" if ended else "?"
        kind = version.end_kind
        if kind is EntryKind.REPLACED:
            successors = [r.new for r in checker.catalog.replacements
                          if r.old == code and r.level == version.level
                          and r.decision == version.ended_by]
            new = successors[0] if successors else None
            new_label = self.label(new) if new else "?"
            self.add("stale-replaced",
                     f"{label} vẫn niêm yết nhưng đã bị thay thế bởi {new_label} theo "
                     f"{decision}, hiệu lực {when}: gỡ xuống và niêm yết TTHC thay thế.",
                     f"{label} is still posted but was replaced by {new_label} by {decision}, "
                     f"effective {when}: take it down and post its successor.",
                     row, procedure=code, name=name, level=version.level, expected=new,
                     found=code, decision=decision)
        elif kind is EntryKind.TRANSFERRED:
            to_levels: tuple[str, ...] = ()
            if version.ended_by is not None and version.end_entry is not None:
                entry = checker.catalog.decision(version.ended_by).entries[version.end_entry]
                to_levels = entry.to_levels
            target = ", ".join(to_levels) or "?"
            self.add("stale-transferred",
                     f"{label} vẫn niêm yết nhưng đã chuyển sang "
                     f"{', '.join(Level.name_of(x).lower() for x in to_levels) or '?'} theo "
                     f"{decision}, hiệu lực {when}: gỡ khỏi danh mục của {self.desk.id}.",
                     f"{label} is still posted but was transferred to the {target} level by "
                     f"{decision}, effective {when}: take it off the list of {self.desk.id}.",
                     row, procedure=code, name=name, level=version.level, expected=target,
                     found=version.level, decision=decision)
        else:
            self.add("stale-repealed",
                     f"{label} vẫn niêm yết nhưng đã bị bãi bỏ theo {decision}, hiệu lực "
                     f"{when}: gỡ xuống.",
                     f"{label} is still posted but was repealed by {decision}, effective "
                     f"{when}: take it down.",
                     row, procedure=code, name=name, level=version.level, expected=None,
                     found=code, decision=decision)

    def compare(self, row: ListingRow, code: str, conflicted: bool) -> bool:
        """Compare a posted row with the version in force; True when outdated."""
        checker = self.c
        settings = checker.settings
        record = self.required[code]
        procedure = record.procedure
        outdated = False
        key = checker._key
        if settings.check_names and not conflicted and (
            key(row.name) != key(procedure.name)
        ):
            outdated |= self.compare_name(row, record, self.earlier(record))
        text = row.processing_time_text
        if settings.check_times and text and (
            checker.time_signature(text) != checker.time_signature(record.processing_time.text)
        ):
            outdated |= self.compare_time(row, record, text, self.earlier(record))
        fee_text = row.fee_text
        if settings.check_fees and fee_text:
            expected = checker.fee_signature(procedure.fees.text)
            found = checker.fee_signature(fee_text)
            if expected is not None and found is not None and expected[0] == found[0] and (
                expected != found
            ):
                outdated = True
                self.add("outdated-fees",
                         f"Phí, lệ phí của {self.label(code)} niêm yết \u201c{fee_text}\u201d, "
                         f"đang có hiệu lực: \u201c{procedure.fees.text}\u201d.",
                         f"The fees of {self.label(code)} are posted as \u201c{fee_text}\u201d; "
                         f"in force: \u201c{procedure.fees.text}\u201d.",
                         row, procedure=code, name=procedure.name, level=self.level,
                         expected=procedure.fees.text, found=fee_text,
                         decision=_decision_label(record.decision))
        if row.extra:
            self.posting_date(row, record)
        return outdated

    def earlier(self, record: InForce) -> list[Version]:
        """The versions of a required procedure at the desk's level before the one in force."""
        history = self.c._timelines()[record.code][self.level]
        return [v for v in history if v.valid_from < record.version.valid_from]

    def compare_name(self, row: ListingRow, record: InForce, earlier: list[Version]) -> bool:
        checker = self.c
        settings = checker.settings
        code = record.code
        expected_name = record.procedure.name
        posted = checker._key(row.name)
        wanted = checker._key(expected_name)
        if posted == wanted:
            return False
        old = [v for v in earlier if checker._key(v.procedure.name) == posted
               and checker._key(v.procedure.name) != wanted]
        head = posted[: len(posted) - len(wanted)].strip()
        if old:
            decision = _decision_label(record.decision)
            self.add("outdated-name",
                     f"{code} niêm yết tên cũ \u201c{row.name}\u201d; tên đang có hiệu lực "
                     f"(theo {decision}): \u201c{expected_name}\u201d.",
                     f"{code} is posted under its former name \u201c{row.name}\u201d; the name "
                     f"in force (since {decision}) is \u201c{expected_name}\u201d.",
                     row, procedure=code, name=expected_name, level=self.level,
                     expected=expected_name, found=row.name, decision=decision)
            return True
        distance = OSA.distance(posted, wanted)
        prefix_typo = posted.endswith(" " + wanted) and (
            OSA.distance(head, _PREFIX_TARGET) <= 2
        )
        if prefix_typo or (distance <= settings.typo_edits
                           and distance <= settings.typo_share * len(wanted)):
            self.add("name-typo",
                     f"Tên {code} niêm yết có lỗi chính tả: \u201c{row.name}\u201d, đúng là "
                     f"\u201c{expected_name}\u201d.",
                     f"The name of {code} is misspelt: \u201c{row.name}\u201d for "
                     f"\u201c{expected_name}\u201d.",
                     row, procedure=code, name=expected_name, level=self.level,
                     expected=expected_name, found=row.name)
            return False
        self.add("outdated-name",
                 f"Tên {code} niêm yết \u201c{row.name}\u201d khác tên đang có hiệu lực "
                 f"\u201c{expected_name}\u201d.",
                 f"The name of {code} is posted as \u201c{row.name}\u201d; the name in force "
                 f"is \u201c{expected_name}\u201d.",
                 row, procedure=code, name=expected_name, level=self.level,
                 expected=expected_name, found=row.name,
                 decision=_decision_label(record.decision))
        return True

    def compare_time(self, row: ListingRow, record: InForce, text: str,
                     earlier: list[Version]) -> bool:
        checker = self.c
        expected = record.processing_time
        found = checker.time_signature(text)
        if found == checker.time_signature(expected.text):
            return False
        code = record.code
        statutory = record.procedure.processing_time
        if record.applied_time is not None and found == checker.time_signature(statutory.text):
            decision = _decision_label(record.cut_decision)
            vi = (f"{self.label(code)} niêm yết thời hạn theo quy định \u201c{text}\u201d, nhưng "
                  f"thời hạn đã cắt giảm còn \u201c{expected.text}\u201d theo {decision}.")
            en = (f"{self.label(code)} is posted with its statutory time \u201c{text}\u201d; the "
                  f"time was cut to \u201c{expected.text}\u201d by {decision}.")
        elif any(found == checker.time_signature(v.procedure.processing_time.text)
                 for v in earlier):
            decision = _decision_label(record.decision)
            vi = (f"{self.label(code)} niêm yết thời hạn cũ \u201c{text}\u201d; đã sửa đổi "
                  f"thành \u201c{expected.text}\u201d theo {decision}.")
            en = (f"{self.label(code)} is posted with its former time \u201c{text}\u201d; "
                  f"{decision} changed it to \u201c{expected.text}\u201d.")
        else:
            decision = _decision_label(record.cut_decision or record.decision)
            vi = (f"{self.label(code)} niêm yết thời hạn \u201c{text}\u201d, đang có hiệu lực: "
                  f"\u201c{expected.text}\u201d.")
            en = (f"{self.label(code)} is posted with the time \u201c{text}\u201d; in force: "
                  f"\u201c{expected.text}\u201d.")
        self.add("outdated-processing-time", vi, en, row, procedure=code,
                 name=record.procedure.name, level=self.level, expected=expected.text,
                 found=text, decision=decision)
        return True

    def posting_date(self, row: ListingRow, record: InForce) -> None:
        for header, value in row.extra:
            if not _DATE_HEADER.match(_text_key(header)):
                continue
            posted_on = _parse_day(value)
            if posted_on is None or posted_on <= record.since:
                return
            days = (posted_on - record.since).days
            self.late.append(Finding.make(
                "posted-late",
                f"{self.label(record.code)} niêm yết ngày {posted_on:%d/%m/%Y}, chậm {days} ngày "
                f"so với ngày có hiệu lực {record.since:%d/%m/%Y}.",
                f"{self.label(record.code)} was posted on {posted_on:%d/%m/%Y}, {days} days after "
                f"it took effect on {record.since:%d/%m/%Y}.",
                desk=self.desk.id, source=row.source, sheet=row.sheet, row=row.row,
                procedure=record.code, name=record.procedure.name, level=self.level,
                expected=record.since.isoformat(), found=posted_on.isoformat(),
                decision=_decision_label(record.decision)))
            return


#: A cut-off name is looked up among longer names only from this many words.
_PREFIX_WORDS = 3
#: A name cut off by its writer ends so.
_ELLIPSIS = re.compile(r"(?:\.\.\.|\u2026)\s*$")

#: Rows under review solved together as one assignment, at most (see _DeskRun.resolve).
_ASSIGN_GROUP = 40


def _best(scores: Mapping[str, float]) -> str | None:
    """The best-scored candidate (the smallest code among equals), or None."""
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return ranked[0][0] if ranked else None


def _finding_order(finding: Finding) -> tuple[int, str, str, int]:
    """Desk and listing findings first, then by row, then missing procedures."""
    if finding.code == "missing-procedure":
        return (2, "", finding.procedure or "", 0)
    if finding.row is None:
        return (0, finding.source or "", "", 0)
    return (1, finding.source or "", finding.sheet or "", finding.row)


def _merge(first: Sequence[MatchCandidate], second: Sequence[MatchCandidate], limit: int
           ) -> tuple[MatchCandidate, ...]:
    """Candidates of both passes, best first, one per code."""
    best: dict[str, MatchCandidate] = {}
    for cand in (*first, *second):
        kept = best.get(cand.code)
        if kept is None or cand.score > kept.score:
            best[cand.code] = attrs.evolve(cand, auto=False) if cand.auto else cand
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.code))
    return tuple(ranked[:limit])


def posting_status(
    catalog: Catalog,
    desk: Desk | str,
    as_of: date,
    posted: Listing | Iterable[Listing],
    *,
    settings: AuditSettings | None = None,
    checker: PostingChecker | None = None,
) -> DeskStatus:
    """The posting status of *desk* on *as_of* from what it has *posted*.

    Args:
        catalog: the catalogue.
        desk: the desk or its id.
        as_of: the date.
        posted: the desk's listing(s), as read by :func:`tthc.listing.read_listing`.
            A column headed "Ngày niêm yết" gives posting dates (posting register).
        settings: thresholds and what to compare.
        checker: a :class:`PostingChecker` to reuse (its catalogue and date win).

    Raises:
        UnknownDesk: no desk with that id.

    .. versionadded:: 0.1
    """
    checker = checker or PostingChecker(catalog, as_of, settings)
    return checker.check(desk, posted)
