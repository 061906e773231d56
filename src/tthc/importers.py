"""Import announcement-decision appendices and national-portal exports.

Offices receive the province's announcement decision (Quyết định công bố,
domain.md §2) as DOCX or XLSX: an appendix whose tables are grouped by
category headings ("A. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG (51
TTHC)"), level headings ("Thủ tục hành chính cấp huyện") and field headings
("LĨNH VỰC CHỨNG THỰC (17 TTHC)"). :func:`read_appendix` turns such a file
into a :class:`~tthc.decision.Decision`, and accounts for every row: each
one is imported, reported with its reason, or skipped as a blank, header
or heading row. Counts stated in headings are checked against the rows
found. :func:`parse_appendix` does the same for rows already in memory:

>>> from datetime import date
>>> result = parse_appendix([
...     ["A. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ (4 TTHC)"],
...     ["STT", "Mã số TTHC", "Tên TTHC", "Ghi chú"],
...     ["I", "LĨNH VỰC PHỔ BIẾN, GIÁO DỤC PHÁP LUẬT (03 TTHC)"],
...     ["1", "2.001489", "Thủ tục công nhận báo cáo viên pháp luật cấp huyện",
...      "TTHC cấp huyện"],
...     ["2", "Không có mã số", "Thủ tục miễn nhiệm báo cáo viên pháp luật", "TTHC cấp huyện"],
...     ["3", "2.00149", "Thủ tục công nhận tuyên truyền viên pháp luật", "TTHC cấp xã"],
... ], number="1766/QĐ-UBND", issuer="Chủ tịch UBND tỉnh Bình Thuận", signed=date(2020, 8, 3))
>>> [(e.kind.value, e.code, e.levels) for e in result.decision.entries]
[('repealed', '2.001489', ('district',)),
 ('repealed', 'L:2020-08-03_1766-qd-ubnd:002', ('district',))]
>>> result.decision.entries[1].name
'Thủ tục miễn nhiệm báo cáo viên pháp luật'
>>> [(str(r.position), r.code) for r in result.reported]
[('<rows>, row 6', 'invalid-code')]
>>> [(c.stated, c.found) for c in result.mismatches]
[(4, 3)]

A row without a national code ("Không có mã số", "chưa có mã", a blank code
cell) is imported under the local identifier of its row
(:func:`tthc.codes.local_id`); when it amends or repeals, it carries the
name the catalogue finds the procedure by. Only a code that is written but
wrong is reported.

Exports of the national public-service portal ("Danh sách thủ tục hành
chính": ``Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện | Lĩnh vực``)
are read by :func:`read_portal_export`; :func:`diff_portal` compares one
with a catalogue, and :func:`seed_decision` turns one into a ``new``
decision that seeds a catalogue. ``docs/importing.md`` describes the
heading grammar, the column names understood and the count checks.
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from tthc import codes
from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
from tthc.errors import InputError, Problem
from tthc.procedure import Field, Level, OnlineService, PostalService
from tthc.text import fold, match_key, nfc

if TYPE_CHECKING:
    from tthc.catalog import Catalog, InForce

__all__ = [
    "COLUMN_LABELS",
    "AppendixImport",
    "CountCheck",
    "Difference",
    "PortalDiff",
    "PortalExport",
    "PortalRow",
    "Position",
    "RowOutcome",
    "Seed",
    "agency_levels",
    "column_role",
    "diff_portal",
    "heading_count",
    "heading_kinds",
    "heading_levels",
    "parse_appendix",
    "parse_portal_rows",
    "read_appendix",
    "read_portal_export",
    "seed_decision",
    "split_numbering",
    "validate_against",
]

#: What happened to a row of an appendix or an export.
RowStatus = Literal["imported", "reported", "skipped"]


# --------------------------------------------------------------------------- records


@attrs.frozen(kw_only=True)
class Position:
    """Where a row is: the file, the sheet or table, and the row number (from 1).

    >>> str(Position(source="qd-1766.xlsx", part="sheet 'Phụ lục'", row=12))
    "qd-1766.xlsx, sheet 'Phụ lục', row 12"
    """

    source: str
    #: ``sheet '…'`` for XLSX, ``table N`` or ``paragraph`` for DOCX, empty for CSV.
    part: str = ""
    row: int

    @property
    def path(self) -> str:
        """The position inside the file, as a :class:`~tthc.errors.Problem` path."""
        return f"{self.part}, row {self.row}" if self.part else f"row {self.row}"

    def __str__(self) -> str:
        return f"{self.source}, {self.path}"


@attrs.frozen(kw_only=True)
class RowOutcome:
    """One row of an appendix or an export, and what became of it.

    Attributes:
        position: where the row is.
        status: ``imported`` (it gave an entry), ``reported`` (a procedure row
            that could not be imported: see ``code`` and ``reason``) or
            ``skipped`` (a blank, header, heading, numbering or title row).
        code: a stable kebab-case code: the reason a row was reported
            (``no-code``, ``invalid-code``, ``no-category``, ``no-level`` …)
            or the kind of row skipped (``blank``, ``header``, ``heading`` …);
            ``entry`` for imported rows.
        reason: the reason in words (empty for imported rows).
        cells: the cell texts of the row (NFC).
        entry: for an imported row, the index of its entry in the decision.
        kind: the category in effect for the row (``None`` when none is).
    """

    position: Position
    status: RowStatus
    code: str
    reason: str = ""
    cells: tuple[str, ...] = ()
    entry: int | None = None
    kind: EntryKind | None = None

    def problem(self) -> Problem:
        """The row as a :class:`~tthc.errors.Problem` (for reported rows)."""
        shown = " | ".join(cell for cell in self.cells if cell)
        if len(shown) > 160:
            shown = shown[:157] + "…"
        message = f"{self.reason}: {shown}" if shown else self.reason
        return Problem(source=self.position.source, path=self.position.path, message=message,
                       code=self.code, severity="error")


@attrs.frozen(kw_only=True)
class CountCheck:
    """A count stated in a heading, checked against the procedure rows under it.

    ``found`` counts the procedure rows under the heading (imported or
    reported); ``imported`` those that gave an entry.
    """

    heading: str
    position: Position
    stated: int
    found: int
    imported: int

    #: The finding code of a mismatch.
    code = "count-mismatch"

    @property
    def matches(self) -> bool:
        """True when the heading's count is the number of rows found."""
        return self.stated == self.found

    @property
    def message(self) -> str:
        """The check in words."""
        return (f"heading {self.heading!r} states {self.stated} procedures, "
                f"{self.found} rows found ({self.imported} imported)")

    def problem(self) -> Problem:
        """The check as a :class:`~tthc.errors.Problem` (a warning)."""
        return Problem(source=self.position.source, path=self.position.path,
                       message=self.message, code=self.code, severity="warning")


@attrs.frozen(kw_only=True)
class AppendixImport:
    """The result of reading an appendix: the decision and the fate of every row.

    ``len(rows) == len(imported) + len(reported) + len(skipped)``, and each
    entry of ``decision`` comes from exactly one imported row.
    """

    source: str
    decision: Decision
    rows: tuple[RowOutcome, ...]
    counts: tuple[CountCheck, ...] = ()
    #: Cells of imported rows that could not be read (the rest of the row was imported).
    warnings: tuple[Problem, ...] = ()

    @property
    def imported(self) -> tuple[RowOutcome, ...]:
        """The rows that gave an entry, in file order."""
        return tuple(row for row in self.rows if row.status == "imported")

    @property
    def reported(self) -> tuple[RowOutcome, ...]:
        """The procedure rows that could not be imported, with their reasons."""
        return tuple(row for row in self.rows if row.status == "reported")

    @property
    def skipped(self) -> tuple[RowOutcome, ...]:
        """Blank, header, heading, numbering and title rows."""
        return tuple(row for row in self.rows if row.status == "skipped")

    @property
    def mismatches(self) -> tuple[CountCheck, ...]:
        """The heading counts that differ from the rows found."""
        return tuple(check for check in self.counts if not check.matches)

    def row_of(self, entry: int) -> RowOutcome:
        """The row entry number *entry* of the decision comes from."""
        for row in self.rows:
            if row.entry == entry:
                return row
        raise IndexError(f"no entry {entry} in {self.decision}")

    def problems(self) -> tuple[Problem, ...]:
        """The reported rows (errors), then the count mismatches and unread cells (warnings)."""
        return (
            tuple(row.problem() for row in self.reported)
            + tuple(check.problem() for check in self.mismatches)
            + self.warnings
        )

    def summary(self) -> dict[str, Any]:
        """Counts by status and kind: the figures a report gives."""
        kinds = Counter(e.kind.value for e in self.decision.entries)
        reasons = Counter(row.code for row in self.reported)
        return {
            "rows": len(self.rows),
            "imported": len(self.imported),
            "reported": len(self.reported),
            "skipped": len(self.skipped),
            "entries": dict(sorted(kinds.items())),
            "without_code": sum(codes.is_local_id(e.code) or codes.is_local_id(e.successor or "")
                                for e in self.decision.entries),
            "reported_by_reason": dict(sorted(reasons.items())),
            "count_mismatches": len(self.mismatches),
        }


# --------------------------------------------------------------------------- the grammar

_SPACE = re.compile(r"\s+")
_PARENS = re.compile(r"\([^()]*\)")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Heading numbering: "I", "II.1", "A", "1", "1.2", "a)" … followed by punctuation or a space.
_NUMBERING = r"(?:[IVXLC]+|[A-HĐ]|[a-hđ]|\d{1,3})(?:\.(?:[IVXLC]+|\d{1,3}))*"
_NUMBERING_CELL = re.compile(rf"^{_NUMBERING}[.):]?$")
_NUMBERING_PREFIX = re.compile(rf"^({_NUMBERING})(?:\s*[.):\-–]\s*|\s+)(?=\S)")
_ARABIC = re.compile(r"^\d{1,4}[.)]?$")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")

_CATEGORY_PATTERNS: tuple[tuple[EntryKind, re.Pattern[str]], ...] = (
    (EntryKind.NEW, re.compile(
        r"\b(?:moi ban hanh|ban hanh moi|new)\b|(?:^|\b(?:tthc|thu tuc|hanh chinh|dm)\s)moi\b")),
    (EntryKind.AMENDED, re.compile(
        r"\b(?:sua doi|bo sung|dieu chinh|cat giam|modified|amended|reduced)\b")),
    (EntryKind.REPLACED, re.compile(
        r"\b(?:thay the|replaced)\b(?! (?:mot phan )?(?:qd|quyet dinh))")),
    (EntryKind.REPEALED, re.compile(
        r"\b(?:bai bo|huy bo|repealed|abolished)\b(?! (?:mot phan )?(?:qd|quyet dinh|noi dung))")),
)
# Words that make a heading a part heading even when it names no category.
_PART_WORDS = re.compile(r"\b(?:danh muc|cong bo|phu luc|qd cong bo)\b")
_TITLE = re.compile(
    r"^(?:phu luc(?: so)?(?: [0-9ivxlc]+)?$|ban hanh kem theo|kem theo quyet dinh|"
    r"quyet dinh so|cong hoa xa hoi|uy ban nhan dan|doc lap tu do)"
)
_TOTAL = re.compile(r"^(?:tong cong|tong so)\b|^cong(?: \d|$)")
_DETAILS = re.compile(r"\bnoi dung cu the\b")
_FIELD_WORDS = re.compile(r"\blinh vuc\b")

_LEVEL_WORDS = {"tinh": "province", "huyen": "district", "xa": "commune", "phuong": "commune",
                "thi tran": "commune", "quan": "district", "province": "province",
                "district": "district", "commune": "commune"}
_LEVEL_PHRASE = re.compile(
    r"\b(?:cap|ubnd|uy ban nhan dan|chu tich ubnd|chu tich uy ban nhan dan)\s+"
    r"(?:cap\s+)?(tinh|huyen|xa|phuong|thi tran|quan)\b"
)
_LEVEL_KEYS = re.compile(r"\b(province|district|commune)\b")
_NOTE_LEVEL = re.compile(r"\b(?:tthc|thu tuc(?: hanh chinh)?) cap (tinh|huyen|xa)\b")

_COUNT = re.compile(r"\b(\d{1,4})\s+(?:tthc|thu tuc)\b")
_LEVEL_COUNTS = re.compile(r"\(([^()]*)\)")
_LEVEL_COUNT = re.compile(r"(\d{1,4})\s+(?:tthc\s+)?(?:cap\s+)?(?:tinh|huyen|xa)\b")


def _key(label: str) -> str:
    """A column label or heading reduced for matching: folded, no brackets, words only."""
    folded = fold(label)
    previous = None
    while previous != folded:
        previous = folded
        folded = _PARENS.sub(" ", folded)
    return _SPACE.sub(" ", _NON_WORD.sub(" ", folded)).strip()


def split_numbering(text: str) -> tuple[str, str]:
    """Split a heading's numbering from its text.

    >>> split_numbering("I.1 Thủ tục hành chính áp dụng chung (06 TTHC)")
    ('I.1', 'Thủ tục hành chính áp dụng chung (06 TTHC)')
    >>> split_numbering("A. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ")
    ('A', 'DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ')
    >>> split_numbering("Y tế"), split_numbering("Xã")
    (('', 'Y tế'), ('', 'Xã'))
    """
    match = _NUMBERING_PREFIX.match(text)
    if match is None:
        return "", text
    return match.group(1), text[match.end():]


def heading_kinds(text: str) -> tuple[EntryKind, ...]:
    """The announcement categories a heading names, in the usual order.

    Words in brackets count only when the rest names no category, and a
    field name after "lĩnh vực" never does ("Lĩnh vực đổi mới sáng tạo").

    >>> heading_kinds("A. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG (51 TTHC)")
    (<EntryKind.AMENDED: 'amended'>,)
    >>> [k.value for k in heading_kinds("hkdCapXa (Công bố DM TTHC mới, sửa đổi, bổ sung, bãi bỏ)")]
    ['new', 'amended', 'repealed']
    >>> heading_kinds("Công bố 08 TTHC sửa đổi, bổ sung (thay thế một phần QĐ 2600)")
    (<EntryKind.AMENDED: 'amended'>,)
    >>> heading_kinds("LĨNH VỰC ĐỔI MỚI SÁNG TẠO")
    ()
    """
    for key in (_key(text), _key_keeping_brackets(text)):
        key = _FIELD_TAIL.sub("", key)
        found = tuple(kind for kind, pattern in _CATEGORY_PATTERNS if pattern.search(key))
        if found:
            return found
    return ()


_FIELD_TAIL = re.compile(r"(?:^|\s)linh vuc\b.*$")


def _key_keeping_brackets(text: str) -> str:
    return _SPACE.sub(" ", _NON_WORD.sub(" ", fold(text))).strip()


def heading_levels(text: str, day: date | None = None) -> tuple[str, ...]:
    """The levels (keys) a heading names, highest level of government first.

    "áp dụng chung" (no level named) means the district and the commune
    (the reading of Bình Thuận 1766/QĐ-UBND and the data README); a heading
    that says the procedures are shared ("dùng chung", "shared") and names
    one level only covers every level that exists on *day*.

    >>> heading_levels("Thủ tục hành chính dùng chung cho cấp tỉnh và cấp huyện (09 TTHC)")
    ('province', 'district')
    >>> heading_levels("Thủ tục hành chính áp dụng chung (06 TTHC)")
    ('district', 'commune')
    >>> heading_levels("Xã"), heading_levels("thuộc thẩm quyền giải quyết của UBND cấp huyện")
    (('commune',), ('district',))
    >>> heading_levels("shared_including_commune", date(2026, 8, 30))
    ('province', 'commune')
    """
    key = _key(text.replace("_", " "))
    found: list[str] = []
    for match in _LEVEL_PHRASE.finditer(key):
        found.append(_LEVEL_WORDS[match.group(1)])
    for match in _LEVEL_KEYS.finditer(key):
        found.append(_LEVEL_WORDS[match.group(1)])
    if not found and key in _LEVEL_WORDS:
        found.append(_LEVEL_WORDS[key])
    if not found and key.startswith("cap ") and key[4:] in _LEVEL_WORDS:
        found.append(_LEVEL_WORDS[key[4:]])
    unique = list(dict.fromkeys(found))
    shared = re.search(r"\b(?:dung chung|shared|ca hai cap|cac cap)\b", key) is not None
    if not unique and re.search(r"\bap dung chung\b", key):
        unique = ["district", "commune"]
    elif shared and len(unique) == 1:
        unique = [lv.key for lv in Level.all() if day is None or lv.exists_on(day)]
    return _ordered_levels(unique)


def _ordered_levels(keys: Iterable[str]) -> tuple[str, ...]:
    ranks = {level.key: level.rank for level in Level.all()}
    return tuple(sorted(dict.fromkeys(keys), key=lambda k: ranks.get(k, 1_000)))


def heading_count(text: str) -> int | None:
    """The number of procedures a heading states, if it states one.

    >>> heading_count("LĨNH VỰC CHỨNG THỰC (17 TTHC)"), heading_count("51 thủ tục được sửa đổi")
    (17, 51)
    >>> heading_count("Công bố DM TTHC sửa đổi lĩnh vực thủy sản (03 tỉnh + 04 xã)")
    7
    >>> heading_count("LĨNH VỰC HỘ TỊCH") is None
    True
    """
    key = fold(text)
    match = _COUNT.search(_SPACE.sub(" ", _NON_WORD.sub(" ", key)))
    if match:
        return int(match.group(1))
    for inside in _LEVEL_COUNTS.findall(key):
        parts = _LEVEL_COUNT.findall(inside)
        if parts and re.fullmatch(r"[\s\d+,;và&a-z]*", inside):
            return sum(int(part) for part in parts)
    return None


# --------------------------------------------------------------------------- columns

#: Header spellings for the columns of appendices and exports that
#: :func:`tthc.listing.header_role` (the posted-list header mapping, tried first) does not
#: know, and longer forms of those it knows: role -> spellings, matched on folded words with
#: brackets removed; the longest spelling the header starts with wins.
COLUMN_LABELS: Mapping[str, tuple[str, ...]] = {
    "code": ("ma so tthc", "ma tthc", "ma so thu tuc hanh chinh", "ma so thu tuc", "ma thu tuc",
             "so ho so tthc", "so ho so thu tuc hanh chinh", "ky hieu thu tuc"),
    "name": ("ten tthc", "ten thu tuc hanh chinh", "ten thu tuc"),
    "time": ("thoi han giai quyet", "thoi gian giai quyet"),
    "fee": ("phi le phi", "phi va le phi", "muc thu phi le phi"),
    "place": ("dia diem thuc hien", "dia diem tiep nhan"),
    "agency": ("co quan thuc hien", "co quan giai quyet", "co quan co tham quyen"),
    "issuer": ("co quan ban hanh",),
    "law": ("ten vbqppl", "vbqppl quy dinh", "ten van ban quy pham phap luat",
            "van ban quy dinh noi dung"),
    "online": ("muc do dvc", "muc do dich vu cong", "dvc truc tuyen", "dvctt",
               "toan trinh mot phan", "toan trinh"),
    "postal": ("thuc hien qua bcci", "qua bcci", "bcci", "qua dich vu buu chinh cong ich",
               "buu chinh cong ich", "dich vu buu chinh"),
    "method": ("cach thuc thuc hien",),
    "status": ("tinh trang hieu luc", "tinh trang", "hieu luc"),
}
_SPELLINGS = sorted(
    ((spelling, role) for role, spellings in COLUMN_LABELS.items() for spelling in spellings),
    key=lambda item: -len(item[0]),
)
#: tthc.listing's role names -> the roles used here.
_LISTING_ROLES = {"processing_time": "time", "online_level": "online", "legal_basis": "legal"}


@lru_cache(maxsize=4096)
def column_role(label: str) -> str | None:
    """The role of a column from its header text (``None`` if not recognised).

    The posted-list mapping :func:`tthc.listing.header_role` is asked first
    (with bracketed qualifiers removed); :data:`COLUMN_LABELS` adds the
    columns of appendices and exports. "Mã số TTHC được thay thế" is
    ``old_code`` and "Tên TTHC được thay thế" ``old_name`` (the replaced
    procedure); "Mã số TTHC thay thế" is the successor's ``code``.

    >>> column_role("Thời hạn giải quyết (Ngày làm việc)"), column_role("Phí, lệ phí (vnđ)")
    ('time', 'fee')
    >>> column_role("Tên VBQPPL quy định nội dung sửa đổi, bổ sung, thay thế / bãi bỏ")
    'law'
    >>> column_role("Mã số TTHC được thay thế"), column_role("Tên TTHC thay thế")
    ('old_code', 'name')
    """
    from tthc.listing import header_role

    key = _key(label)
    if not key:
        return None
    role = None
    if not re.search(r"\bthay the\b", key):
        found = header_role(key)
        role = _LISTING_ROLES.get(found, found) if found else None
    if role is None:
        for spelling, candidate in _SPELLINGS:
            if key == spelling or key.startswith(spelling + " "):
                role = candidate
                break
    if role in ("code", "name") and re.search(r"\b(?:duoc|bi) thay the\b", key):
        return "old_" + role
    return role


@attrs.frozen
class _Columns:
    """The role of each column of a table, from its header row(s)."""

    roles: tuple[str | None, ...]
    labels: tuple[str, ...]

    def index(self, role: str) -> int | None:
        try:
            return self.roles.index(role)
        except ValueError:
            return None

    def get(self, cells: Sequence[str], role: str) -> str:
        index = self.index(role)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    def merge(self, cells: Sequence[str]) -> _Columns:
        """Refine with a sub-header row: a recognised label below overrides the one above."""
        width = max(len(self.roles), len(cells))
        roles = list(self.roles) + [None] * (width - len(self.roles))
        labels = list(self.labels) + [""] * (width - len(self.labels))
        for index, cell in enumerate(cells):
            role = _label_role(cell)
            if role is not None and role != roles[index]:
                roles[index] = role
                labels[index] = f"{labels[index]} / {cell}" if labels[index] else cell
        return _Columns(_dedupe_roles(roles), tuple(labels))


def _dedupe_roles(roles: Sequence[str | None]) -> tuple[str | None, ...]:
    """Keep the first column of each role (merged header cells repeat a label)."""
    seen: set[str] = set()
    result: list[str | None] = []
    for role in roles:
        if role is not None and role in seen:
            result.append(None)
        else:
            result.append(role)
            if role is not None:
                seen.add(role)
    return tuple(result)


def _label_role(cell: str) -> str | None:
    """The role of a cell read as a column label: short, no figures outside brackets."""
    if not cell or len(cell) > 120 or re.search(r"\d", _PARENS.sub("", cell)):
        return None
    return column_role(cell)


def _header_roles(cells: Sequence[str]) -> list[str | None]:
    return [_label_role(cell) for cell in cells]


def _looks_like_header(cells: Sequence[str]) -> bool:
    """Labels: two roles or more, one a code or a name, most cells recognised, no code value."""
    texts = [cell for cell in dict.fromkeys(cells) if cell]
    if any(codes.is_valid(cell) for cell in texts):
        return False
    roles = [_label_role(cell) for cell in texts]
    distinct = {role for role in roles if role is not None}
    recognised = sum(role is not None for role in roles)
    return (
        len(distinct) >= 2
        and bool(distinct & {"code", "name", "old_code", "old_name"})
        and recognised * 2 >= len(texts)
    )


def _looks_like_subheader(cells: Sequence[str]) -> bool:
    """Every non-empty cell is a recognised label (the second row of a two-row header)."""
    texts = [cell for cell in cells if cell]
    return bool(texts) and all(_label_role(cell) is not None for cell in texts) and not any(
        codes.is_valid(cell) for cell in texts
    )


def _looks_like_numbering(cells: Sequence[str]) -> bool:
    """A row "(1) (2) (3) …" numbering the columns under a header."""
    texts = [cell for cell in cells if cell]
    if len(texts) < 3 or not all(_COLUMN_NUMBER.match(cell) for cell in texts):
        return False
    numbers = [int(cell.strip("()")) for cell in texts]
    return numbers == sorted(set(numbers))


def _distinct(cells: Sequence[str]) -> list[tuple[int, str]]:
    """The non-empty cells, a value repeated by a merged range kept once (first column)."""
    seen: set[str] = set()
    found: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        if cell and cell not in seen:
            seen.add(cell)
            found.append((index, cell))
    return found


# --------------------------------------------------------------------------- interpretation


@attrs.frozen(kw_only=True)
class _Line:
    """A row of a table, or a paragraph outside tables (one cell)."""

    position: Position
    cells: tuple[str, ...]
    in_table: bool = True
    #: An identifier of the table the row belongs to (rows of one table share it).
    table: str = ""


@attrs.define
class _Heading:
    role: Literal["part", "category", "level", "field", "total"]
    text: str
    position: Position
    #: For a category heading its kind; for a part heading the kinds it names (maybe none).
    kinds: tuple[EntryKind, ...] = ()
    levels: tuple[str, ...] | None = None
    field: Field | None = None
    count: int | None = None
    found: int = 0
    imported: int = 0


_POSTAL_YES = frozenset({"co", "x", "co thuc hien", "ca hai", "co tiep nhan va tra ket qua"})
_POSTAL_NO = frozenset({"khong", "khong thuc hien", "-", "0"})


@attrs.define
class _Interpreter:
    """Reads the lines of an appendix in order, keeping the headings in effect.

    ``stack`` holds the headings above the current row, outermost first: a
    part or category heading starts a new stack (a category named by the part
    above it nests), a level or field heading replaces the heading of its kind
    and everything after it. Each heading counts the procedure rows under it.
    """

    source: str
    number: str
    issuer: str
    signed: date
    effective: date
    title: str
    default_kind: EntryKind | None
    default_levels: tuple[str, ...]
    stack: list[_Heading] = attrs.Factory(list)
    closed: list[_Heading] = attrs.Factory(list)
    total: list[_Heading] = attrs.Factory(list)
    columns: _Columns | None = None
    columns_table: str = ""
    header_open: bool = False
    #: How many header rows were seen.
    headers: int = 0
    in_details: bool = False
    rows: list[RowOutcome] = attrs.Factory(list)
    entries: list[Entry] = attrs.Factory(list)
    warnings: list[Problem] = attrs.Factory(list)
    #: How many procedure rows (imported or reported) were read: the last row's place.
    seen: int = 0

    # -- headings

    def kind(self) -> EntryKind | None:
        for heading in reversed(self.stack):
            if heading.role == "category":
                return heading.kinds[0]
            if heading.role == "part":
                break
        return self.default_kind

    def levels(self) -> tuple[str, ...] | None:
        for heading in reversed(self.stack):
            if heading.levels:
                return heading.levels
        return None

    def field(self) -> Field | None:
        for heading in reversed(self.stack):
            if heading.field is not None:
                return heading.field
        return None

    def push(self, heading: _Heading) -> None:
        if heading.role == "total":
            self.total.append(heading)
            return
        if heading.role == "category" and self.stack and self.stack[0].role in (
            "part", "category"
        ) and heading.kinds[0] in self.stack[0].kinds:
            # A sub-division of a part that names this category: nested.
            self.pop(1)
        elif heading.role in ("part", "category"):
            self.pop(0)
        else:
            for index, other in enumerate(self.stack):
                if other.role == heading.role:
                    self.pop(index)
                    break
        self.stack.append(heading)

    def pop(self, index: int) -> None:
        self.closed.extend(self.stack[index:])
        del self.stack[index:]

    def classify_heading(self, text: str, numbering: str, position: Position,
                         *, in_table: bool, written: str = "") -> _Heading | None:
        """Read a heading; ``None`` when the text is not one (a title or plain text).

        *text* is the heading without its numbering; *written* the heading as
        written (numbering included), kept for reports.
        """
        full = written or (f"{numbering} {text}".strip() if numbering else text)
        key = _key(text)
        whole = _key_keeping_brackets(text)
        if not key:
            return None
        if _DETAILS.search(key):
            self.in_details = True
            return None
        count = heading_count(text)
        if _TOTAL.match(key) and count is not None:
            return _Heading("total", full, position, count=count)
        if _TITLE.match(key):
            return None
        kinds = heading_kinds(text)
        levels = heading_levels(text, self.effective) or None
        field = _field_in(text)
        if key.startswith("linh vuc "):
            return _Heading("field", full, position, field=field or _field_of(text), count=count)
        if len(kinds) == 1:
            return _Heading("category", full, position, kinds=kinds, levels=levels,
                            field=field, count=count)
        if len(kinds) > 1 or (_PART_WORDS.search(whole) and not levels):
            return _Heading("part", full, position, kinds=kinds, levels=levels, field=field,
                            count=count)
        if levels:
            return _Heading("level", full, position, levels=levels, count=count)
        if not in_table and field is None and count is None:
            return None
        field_text = text if field is None else None
        return _Heading("field", full, position, field=field or _field_of(field_text or text),
                        count=count)

    # -- rows

    def skip(self, line: _Line, code: str, reason: str = "") -> None:
        self.rows.append(RowOutcome(position=line.position, status="skipped", code=code,
                                     reason=reason, cells=line.cells, kind=self.kind()))

    def report(self, line: _Line, code: str, reason: str) -> None:
        self.count_row(imported=False)
        self.rows.append(RowOutcome(position=line.position, status="reported", code=code,
                                     reason=reason, cells=line.cells, kind=self.kind()))

    def count_row(self, *, imported: bool) -> None:
        self.seen += 1
        for heading in self.stack:
            heading.found += 1
            heading.imported += imported

    def feed(self, line: _Line) -> None:
        cells = line.cells
        if not any(cells):
            self.skip(line, "blank")
            return
        if self.in_details:
            self.skip(line, "details", "procedure details (part II), not a list row")
            return
        if not line.in_table:
            self.paragraph(line)
            return
        if line.table != self.columns_table:
            # A new table without a header of its own (a table split across pages)
            # keeps the columns of the one above.
            self.columns_table = line.table
            self.header_open = False
        if _looks_like_header(cells):
            self.columns = _Columns(_dedupe_roles(_header_roles(cells)), tuple(cells))
            self.columns_table = line.table
            self.header_open = True
            self.headers += 1
            self.skip(line, "header")
            return
        if self.header_open and self.columns is not None and _looks_like_subheader(cells):
            self.columns = self.columns.merge(cells)
            self.skip(line, "header")
            return
        self.header_open = False
        if _looks_like_numbering(cells):
            self.skip(line, "numbering", "column numbers under the header")
            return
        heading = self.table_heading(line)
        if heading is not None:
            self.push(heading)
            self.skip(line, "heading", heading.role)
            return
        self.data(line)

    def paragraph(self, line: _Line) -> None:
        text = " ".join(cell for cell in line.cells if cell)
        numbering, rest = split_numbering(text)
        heading = self.classify_heading(rest, numbering, line.position, in_table=False,
                                        written=text)
        if heading is None:
            self.skip(line, "details" if self.in_details else "text")
            return
        self.push(heading)
        self.skip(line, "heading", heading.role)

    def table_heading(self, line: _Line) -> _Heading | None:
        cells = line.cells
        columns = self.columns
        texts = _distinct(cells)
        code_column = columns.index("code") if columns else None
        name_column = columns.index("name") if columns else None
        if any(codes.is_valid(text) for _, text in texts):
            return None
        if len(texts) == 1:
            index, text = texts[0]
            numbering, rest = split_numbering(text)
            if columns is None:
                return self.classify_heading(rest, numbering, line.position, in_table=False,
                                             written=text)
            if _ARABIC.match(text):
                return None
            heading = self.classify_heading(rest, numbering, line.position, in_table=True,
                                            written=text)
            if heading is not None and heading.role == "field" and index == name_column \
                    and not self.is_heading_like(rest):
                return None  # a name alone in its column: a procedure row without a code
            return heading
        if len(texts) == 2 and texts[0][0] == 0 and _NUMBERING_CELL.match(texts[0][1]):
            numbering = texts[0][1].rstrip(".):")
            index, text = texts[1]
            arabic = _ARABIC.match(texts[0][1]) is not None
            written = f"{texts[0][1]} {text}"
            if columns is None:
                return self.classify_heading(text, numbering, line.position, in_table=False,
                                             written=written)
            if arabic and index == name_column and not self.is_heading_like(text):
                return None
            if arabic and index != code_column and not self.is_heading_like(text):
                return None
            return self.classify_heading(text, numbering, line.position, in_table=True,
                                         written=written)
        return None

    def is_heading_like(self, text: str) -> bool:
        key = _key(text)
        return bool(
            heading_kinds(text) or heading_levels(text) or _FIELD_WORDS.search(key)
            or _PART_WORDS.search(key) or heading_count(text) is not None
            or (text.isupper() and len(text) > 3)
        )

    def data(self, line: _Line) -> None:
        columns = self.columns
        if columns is None:
            if any(codes.is_valid(cell) for cell in line.cells if cell):
                self.report(line, "no-header",
                            "a procedure row before any header row: its columns are unknown")
            else:
                self.skip(line, "text", "text before the first header row")
            return
        get = columns.get
        cells = line.cells
        kind = self.kind()
        raw_code = get(cells, "code")
        name = get(cells, "name")
        old_code = get(cells, "old_code")
        if not (raw_code or name or old_code or get(cells, "old_name")):
            self.report(line, "no-procedure", "the row has neither a code nor a name")
            return
        if kind is None:
            self.report(line, "no-category",
                        "no category heading (new, amended, replaced, repealed) above the row")
            return
        levels = self.row_levels(cells)
        if not levels:
            self.report(line, "no-level", "no level: no level heading above the row, "
                        "no 'Cấp thực hiện' column and no level in its note")
            return
        if kind is EntryKind.REPLACED:
            code_text, successor_text = (old_code, raw_code) if old_code else (raw_code, "")
        else:
            code_text, successor_text = raw_code, ""
        row_id = codes.local_id(self.number, self.signed, self.seen + 1)
        by_name: str | None = None
        if codes.means_no_code(code_text) and (code_text or kind is not EntryKind.REPLACED):
            # A procedure without a national code: the row's local identifier
            # names it (a new one), or stands for the one of that name (the others).
            target = (get(cells, "old_name") or name) if kind is EntryKind.REPLACED else name
            if not target:
                self.report(line, "no-code", "no national code and no name in the row")
                return
            parsed = codes.ProcedureCode(row_id)
            by_name = None if kind is EntryKind.NEW else target
        else:
            found = self.read_code(line, code_text, "code")
            if found is None:
                return
            parsed = found
        code = parsed.national
        successor = None
        if kind is EntryKind.REPLACED:
            if not successor_text:
                self.report(line, "no-successor", "a replaced procedure needs the code of the "
                            "procedure that replaces it (a 'Mã số TTHC thay thế' column)")
                return
            if codes.means_no_code(successor_text):
                if by_name is not None:
                    self.report(line, "no-code", "neither the replaced procedure nor its "
                                "successor has a national code")
                    return
                new = codes.ProcedureCode(row_id)
            else:
                read = self.read_code(line, successor_text, "successor")
                if read is None:
                    return
                new = read
            successor = new.national
            local = new
        else:
            local = parsed
        field = _field_of(get(cells, "field")) if get(cells, "field") else self.field()
        note = "; ".join(text for text in (get(cells, "note"), get(cells, "law")) if text)
        content = None
        if kind is not EntryKind.REPEALED:
            content = self.content(line, cells, name=name, field=field, local=local)
            if kind in (EntryKind.NEW, EntryKind.REPLACED):
                if not name:
                    self.report(line, "no-name", f"a {kind.value} procedure needs a name")
                    return
                if field is None:
                    self.report(line, "no-field", f"a {kind.value} procedure needs a field: "
                                "no field heading above the row and no 'Lĩnh vực' column")
                    return
            if content == ProcedureContent():
                content = None
        elif parsed.local_suffix:
            note = "; ".join(x for x in (note, f"mã địa phương {parsed}") if x)
        entry = Entry(kind=kind, code=code, levels=levels, content=content,
                      successor=successor, note=note, name=by_name)
        self.count_row(imported=True)
        self.rows.append(RowOutcome(position=line.position, status="imported", code="entry",
                                     cells=cells, entry=len(self.entries), kind=kind))
        self.entries.append(entry)

    def read_code(self, line: _Line, text: str, what: str) -> codes.ProcedureCode | None:
        if not text:
            self.report(line, "no-code" if what == "code" else "no-successor",
                        "no national code in the row" if what == "code"
                        else "no code for the successor")
            return None
        try:
            return codes.parse(text)
        except ValueError as exc:
            self.report(line, "invalid-code", str(exc))
            return None

    def row_levels(self, cells: Sequence[str]) -> tuple[str, ...]:
        assert self.columns is not None
        column = self.columns.get(cells, "level")
        if column:
            found = _ordered_levels(lv.key for lv in Level.parse_many(column))
            if not found:
                found = heading_levels(column, self.effective)
            if found:
                return found
        headed = self.levels()
        if headed:
            return headed
        note = self.columns.get(cells, "note")
        if note:
            named = [_LEVEL_WORDS[m] for m in _NOTE_LEVEL.findall(fold(note))]
            if named:
                return _ordered_levels(named)
        return self.default_levels

    def content(self, line: _Line, cells: Sequence[str], *, name: str, field: Field | None,
                local: codes.ProcedureCode) -> ProcedureContent:
        assert self.columns is not None
        get = self.columns.get
        from tthc.feeparse import parse_fee
        from tthc.proctime import parse_processing_time

        time_text, fee_text = get(cells, "time"), get(cells, "fee")
        agency = get(cells, "agency") or get(cells, "place")
        legal = get(cells, "legal")
        online = self.online(line, get(cells, "online"))
        postal = self.postal(line, get(cells, "postal"))
        method = get(cells, "method") if self.columns.index("online") is None else ""
        return ProcedureContent(
            name=name or None,
            field=field,
            agency=agency or None,
            processing_time=parse_processing_time(time_text) if time_text else None,
            fees=parse_fee(fee_text) if fee_text else None,
            online=online,
            postal=postal,
            legal_basis=(legal,) if legal else None,
            method=method or None,
            local_code=str(local) if local.local_suffix else None,
        )

    def online(self, line: _Line, text: str) -> OnlineService | None:
        if not text or fold(text) in ("khong", "-", "khong co"):
            return None
        try:
            return OnlineService.parse(text)
        except ValueError:
            self.warn(line, "online", f"online service {text!r} not understood (cell ignored)")
            return None

    def postal(self, line: _Line, text: str) -> PostalService | None:
        if not text:
            return None
        key = _key(text)
        if key in _POSTAL_YES:
            return PostalService(receive=True, deliver=True)
        if key in _POSTAL_NO:
            return PostalService()
        receive = "tiep nhan" in key or "nop" in key
        deliver = "tra ket qua" in key or "tra kq" in key
        if receive or deliver:
            return PostalService(receive=receive, deliver=deliver)
        self.warn(line, "postal", f"postal service {text!r} not understood (cell ignored)")
        return None

    def warn(self, line: _Line, column: str, message: str) -> None:
        self.warnings.append(Problem(source=line.position.source,
                                     path=f"{line.position.path}, column {column}",
                                     message=message, code="cell-not-understood",
                                     severity="warning"))

    def finish(self) -> AppendixImport:
        self.pop(0)
        for total in self.total:  # a "Tổng cộng" row counts every procedure row of the file
            total.found = sum(row.status != "skipped" for row in self.rows)
            total.imported = len(self.entries)
        checks = [
            CountCheck(heading=h.text, position=h.position, stated=h.count, found=h.found,
                       imported=h.imported)
            for h in sorted([*self.closed, *self.total],
                            key=lambda h: (h.position.part, h.position.row))
            if h.count is not None
        ]
        decision = Decision(number=self.number, issuer=self.issuer, signed=self.signed,
                            effective=self.effective, title=self.title,
                            entries=tuple(self.entries))
        return AppendixImport(source=self.source, decision=decision, rows=tuple(self.rows),
                              counts=tuple(checks), warnings=tuple(self.warnings))


def _field_of(text: str) -> Field:
    _numbering, rest = split_numbering(nfc(text))
    return Field.of(rest or text)


_FIELD_AFTER = re.compile(r"\blinh vuc\b:?\s*")


def _field_in(text: str) -> Field | None:
    """The field a heading names after "lĩnh vực", if any ("… TRONG LĨNH VỰC CHĂN NUÔI")."""
    folded = fold(text)
    match = _FIELD_AFTER.search(folded)
    if match is None or len(folded) != len(text):
        return None
    rest = text[match.end():].strip(" :.-–")
    if not rest or heading_kinds(rest):
        return None
    return Field.of(rest)


# --------------------------------------------------------------------------- appendix API


def parse_appendix(
    rows: Iterable[Sequence[str | None]],
    *,
    number: str,
    issuer: str,
    signed: date,
    effective: date | None = None,
    title: str = "",
    kind: EntryKind | None = None,
    levels: Sequence[str] = (),
    source: str = "<rows>",
) -> AppendixImport:
    """Read appendix rows given in memory (lists of cell texts) into a decision.

    The rows are read as one table: see :func:`read_appendix` for the rules
    and the arguments.

    Raises:
        InputError: no header row at all (the rows are not an appendix table).
    """
    lines = (
        _Line(position=Position(source=source, row=index), cells=_clean_cells(row))
        for index, row in enumerate(rows, 1)
    )
    return _interpret(lines, source=source, number=number, issuer=issuer, signed=signed,
                      effective=effective, title=title, kind=kind, levels=levels)


def read_appendix(
    path: str | os.PathLike[str],
    *,
    number: str,
    issuer: str,
    signed: date,
    effective: date | None = None,
    title: str = "",
    kind: EntryKind | None = None,
    levels: Sequence[str] = (),
) -> AppendixImport:
    """Read a decision's appendix (XLSX, XLS, ODS, DOCX, DOC, PDF, CSV or text) into a decision.

    Every row is accounted for (:class:`AppendixImport`): a procedure row
    gives an entry, or is reported with its reason (no code, an invalid code,
    no category or level above it, a new procedure without a name or a
    field …); the other rows are skipped as blank, header, heading, column
    numbering or title rows. Headings set the category (``new``,
    ``amended``, ``replaced``, ``repealed``), the levels and the field of
    the rows below them; the counts they state are checked
    (:attr:`AppendixImport.counts`).

    Args:
        path: the appendix file: ``.xlsx``/``.xlsm``, ``.xls``, ``.ods`` (every
            sheet), ``.doc`` (through LibreOffice), a text-layer PDF (page by page), ``.docx``
            (paragraphs and tables in document order), ``.csv``/``.tsv``
            (any encoding, legacy Vietnamese fonts decoded), ``.txt``/``.md``.
        number, issuer, signed: the decision's identity (domain.md §2.5).
        effective: its effective date (default: the signing date, "có
            hiệu lực kể từ ngày ký").
        title: the decision's title, if wanted in the file.
        kind: the category of rows that have no category heading above them.
        levels: the levels (keys) of rows whose level no heading, column or
            note gives.

    Raises:
        InputError: the file cannot be read (unknown format, corrupt, too
            large), or has no table with a header row.
    """
    file = Path(path)
    lines = _read_lines(file)
    return _interpret(lines, source=file.name, number=number, issuer=issuer, signed=signed,
                      effective=effective, title=title, kind=kind, levels=levels)


def _interpret(
    lines: Iterable[_Line], *, source: str, number: str, issuer: str, signed: date,
    effective: date | None, title: str, kind: EntryKind | None, levels: Sequence[str],
) -> AppendixImport:
    default_levels = _ordered_levels(Level.get(key).key for key in levels)
    interpreter = _Interpreter(
        source=source, number=nfc(number), issuer=nfc(issuer), signed=signed,
        effective=effective or signed, title=nfc(title), default_kind=kind,
        default_levels=default_levels,
    )
    for line in lines:
        interpreter.feed(line)
    if not interpreter.headers:
        with_codes = [row for row in interpreter.rows if row.status == "reported"]
        problems = [row.problem() for row in with_codes] or [Problem(
            source=source, path="", code="no-header",
            message=f"no table header in {len(interpreter.rows)} rows read")]
        raise InputError(problems, f"{source}: no table with a header naming the code or name "
                         "column (Mã số TTHC, Tên TTHC …): not a decision's appendix")
    return interpreter.finish()


def _clean_cells(row: Sequence[object | None]) -> tuple[str, ...]:
    cells = [nfc(str(cell)) if cell is not None else "" for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


# --------------------------------------------------------------------------- validation


def validate_against(
    imported: AppendixImport | Decision, catalog: Catalog, *, replace: bool = False
) -> tuple[Problem, ...]:
    """Check a decision against a catalogue by replaying the catalogue with it.

    Every error of the lifecycle engine (amending or repealing a procedure
    not in force at that level on the effective date, announcing one already
    in force, a duplicate decision …) and every new warning is returned;
    problems of the imported decision name the appendix row of their entry.
    Problems that the addition causes in *other* decisions (a later decision
    amending what this one repeals) name those decisions' files.

    Args:
        imported: the result of :func:`read_appendix` (problems name rows), or
            a bare decision (problems name entries).
        catalog: the catalogue the decision is to join.
        replace: the decision replaces the catalogue's decision with the same
            identity (issuer, number, signing date), as ``--force`` does.

    Returns:
        Errors first, then warnings; empty when the decision fits.
    """
    from tthc.lifecycle import replay

    if isinstance(imported, AppendixImport):
        decision, label = imported.decision, f"{imported.source} (import)"
    else:
        decision, label = imported, f"{imported} (import)"
    others = [d for d in catalog.decisions if not (replace and d.key == decision.key)]
    sources = {key: path for key, path in catalog.sources.items()
               if not (replace and key == decision.key)}
    sources[decision.key] = label
    from tthc.links import aliases

    result = replay([*others, decision], unit=catalog.unit, sources=sources, check=False,
                    aliases=aliases(catalog.links))
    before = {(p.source, p.path, p.code, p.message) for p in catalog.warnings}
    found: list[Problem] = []
    for problem in (*result.errors, *result.warnings):
        if problem.severity == "warning" and (
            problem.source, problem.path, problem.code, problem.message
        ) in before:
            continue
        found.append(_to_row(problem, label, imported))
    return tuple(found)


_ENTRY_PATH = re.compile(r"^\$\.entries\[(\d+)\](.*)$")


def _to_row(problem: Problem, label: str, imported: AppendixImport | Decision) -> Problem:
    if problem.source != label:
        return problem
    message = problem.message
    match = _ENTRY_PATH.match(problem.path)
    if isinstance(imported, AppendixImport):
        if match is None:
            return attrs.evolve(problem, source=imported.source)
        row = imported.row_of(int(match.group(1)))
        return attrs.evolve(problem, source=row.position.source, path=row.position.path,
                            message=f"{message} (entry {match.group(1)})")
    return attrs.evolve(problem, source=str(imported))


# --------------------------------------------------------------------------- portal exports


@attrs.frozen(kw_only=True)
class PortalRow:
    """One procedure of a portal export.

    Attributes:
        position: where the row is.
        code: the national code; ``local_code`` the code as written when it
            was a local form (``1.000948.H38``).
        name: the name, NFC, without the spaces real exports leave around it.
        issuer: "Cơ quan ban hành" (the ministry).
        agencies: "Cơ quan thực hiện", one item per line of the cell.
        field: "Lĩnh vực", or ``None``.
        levels: the levels (keys): from a "Cấp thực hiện" column, else read
            from the agencies ("Ủy ban nhân dân cấp xã" → commune, "Sở …" →
            province); ``levels_inferred`` tells which. Empty when unknown
            (ministries, central departments).
        processing_time, fees: the texts, when the export has those columns.
        online: "Mức độ" / "Toàn trình" / "Một phần", when given.
        status: "Tình trạng hiệu lực", when given.
    """

    position: Position
    code: str
    local_code: str = ""
    name: str
    issuer: str = ""
    agencies: tuple[str, ...] = ()
    field: Field | None = None
    levels: tuple[str, ...] = ()
    levels_inferred: bool = False
    processing_time: str = ""
    fees: str = ""
    online: OnlineService | None = None
    status: str = ""

    @property
    def repealed(self) -> bool:
        """True when the export says the procedure is no longer in force."""
        key = fold(self.status)
        return "het hieu luc" in key or "bai bo" in key or "khong con" in key


@attrs.frozen(kw_only=True)
class PortalExport:
    """A list exported from the national or a provincial portal.

    ``outcomes`` has one record per row of the file (every row accounted
    for); ``rows`` the procedures read.
    """

    source: str
    title: str
    rows: tuple[PortalRow, ...]
    outcomes: tuple[RowOutcome, ...]
    #: The header texts, in column order.
    header: tuple[str, ...] = ()

    @property
    def reported(self) -> tuple[RowOutcome, ...]:
        """Rows that look like procedures but could not be read (with the reason)."""
        return tuple(o for o in self.outcomes if o.status == "reported")

    @property
    def skipped(self) -> tuple[RowOutcome, ...]:
        """Title, header and blank rows."""
        return tuple(o for o in self.outcomes if o.status == "skipped")

    def summary(self) -> dict[str, Any]:
        """Counts: rows, procedures, reported rows, and procedures per field and level."""
        fields = Counter(row.field.name if row.field else "" for row in self.rows)
        levels = Counter(",".join(row.levels) for row in self.rows)
        return {
            "rows": len(self.outcomes),
            "procedures": len(self.rows),
            "reported": len(self.reported),
            "skipped": len(self.skipped),
            "by_level": dict(sorted(levels.items())),
            "by_field": dict(sorted(fields.items(), key=lambda kv: (-kv[1], kv[0]))),
        }


_AGENCY_LEVEL = re.compile(
    r"\b(?:cap|ubnd|uy ban nhan dan|cong an|chu tich ubnd|chu tich uy ban nhan dan)\s+"
    r"(?:cap\s+)?(tinh|huyen|xa|phuong|quan)\b"
)


def agency_levels(agencies: Iterable[str]) -> tuple[str, ...]:
    """The levels the implementing agencies of a portal row point to.

    >>> agency_levels(["Ủy ban nhân dân cấp xã", "Sở Tư Pháp"])
    ('province', 'commune')
    >>> agency_levels(["Cục Hàng không Việt Nam"])
    ()
    """
    found: list[str] = []
    for agency in agencies:
        key = _key(agency)
        found.extend(_LEVEL_WORDS[m] for m in _AGENCY_LEVEL.findall(key))
        if key.startswith(("so ", "van phong so ")):
            found.append("province")
    return _ordered_levels(found)


def parse_portal_rows(rows: Iterable[Sequence[object | None]], *,
                      source: str = "<rows>", part: str = "") -> PortalExport:
    """Read the rows of a portal export (lists of cells) into a :class:`PortalExport`.

    Rows above the header row are the title; the header is the first row
    naming a code and a name column (``Mã số``, ``Mã thủ tục`` …; ``Tên``,
    ``Tên thủ tục`` …). Each later row is a procedure, a blank row, or a
    row reported with its reason (no code, an invalid code, no name, a code
    given twice).

    >>> export = parse_portal_rows([
    ...     ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\\nDANH SÁCH THỦ TỤC HÀNH CHÍNH"],
    ...     ["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"],
    ...     ["2.000815", " Chứng thực bản sao từ bản chính ", "Bộ Tư pháp",
    ...      "Ủy ban nhân dân cấp xã\\nPhòng Tư pháp", "Chứng thực"],
    ... ])
    >>> row = export.rows[0]
    >>> row.code, row.name, row.levels, str(row.field)
    ('2.000815', 'Chứng thực bản sao từ bản chính', ('commune',), 'Chứng thực')
    >>> row.agencies
    ('Ủy ban nhân dân cấp xã', 'Phòng Tư pháp')
    """
    columns: _Columns | None = None
    header: tuple[str, ...] = ()
    title: list[str] = []
    found: list[PortalRow] = []
    outcomes: list[RowOutcome] = []
    seen: dict[str, Position] = {}
    for index, raw in enumerate(rows, 1):
        position = Position(source=source, part=part, row=index)
        lines = [str(cell) if cell is not None else "" for cell in raw]
        cells = _clean_cells(lines)

        def outcome(status: RowStatus, code: str, reason: str = "",
                    position: Position = position, cells: tuple[str, ...] = cells) -> None:
            outcomes.append(RowOutcome(position=position, status=status, code=code,
                                       reason=reason, cells=cells))

        if not any(cells):
            outcome("skipped", "blank")
            continue
        if columns is None:
            if _looks_like_header(cells):
                columns = _Columns(_dedupe_roles(_header_roles(cells)), cells)
                header = cells
                outcome("skipped", "header")
            elif any(codes.is_valid(cell) for cell in cells):
                outcome("reported", "no-header",
                        "a procedure row before the header row: its columns are unknown")
            else:
                for cell in dict.fromkeys(lines):  # a merged title repeats its text
                    title.extend(_lines_of(cell))
                outcome("skipped", "title")
            continue
        raw_code, name = columns.get(cells, "code"), columns.get(cells, "name")
        if not raw_code and not name:
            outcome("reported", "no-procedure", "the row has neither a code nor a name")
            continue
        if not raw_code:
            outcome("reported", "no-code", "no code in the row")
            continue
        try:
            parsed = codes.parse(raw_code)
        except ValueError as exc:
            outcome("reported", "invalid-code", str(exc))
            continue
        if not name:
            outcome("reported", "no-name", "no name in the row")
            continue
        if parsed.national in seen:
            outcome("reported", "duplicate",
                    f"{parsed.national} also at {seen[parsed.national].path}")
            continue
        seen[parsed.national] = position
        agency_index = columns.index("agency")
        agency_raw = lines[agency_index] if agency_index is not None and agency_index < len(
            lines) else ""
        agencies = tuple(_lines_of(agency_raw))
        level_text = columns.get(cells, "level")
        if level_text:
            levels = _ordered_levels(lv.key for lv in Level.parse_many(level_text))
            inferred = False
        else:
            levels, inferred = agency_levels(agencies), True
        field_text = columns.get(cells, "field")
        online_text = columns.get(cells, "online")
        online = None
        if online_text:
            try:
                online = OnlineService.parse(online_text)
            except ValueError:
                online = None
        found.append(PortalRow(
            position=position, code=parsed.national,
            local_code=str(parsed) if parsed.local_suffix else "",
            name=name, issuer=columns.get(cells, "issuer"), agencies=agencies,
            field=_field_of(field_text) if field_text else None,
            levels=levels, levels_inferred=inferred and bool(levels),
            processing_time=columns.get(cells, "time"), fees=columns.get(cells, "fee"),
            online=online, status=columns.get(cells, "status"),
        ))
        outcome("imported", "procedure")
    return PortalExport(source=source, title="\n".join(title), rows=tuple(found),
                        outcomes=tuple(outcomes), header=header)


def _lines_of(text: str) -> list[str]:
    """The non-empty lines of a cell, each NFC (a cell may list several agencies)."""
    return [line for line in (nfc(part) for part in re.split(r"[\r\n]+", text)) if line]


def read_portal_export(path: str | os.PathLike[str]) -> PortalExport:
    """Read a list exported from the national or a provincial portal (XLSX or CSV).

    The national portal's "Danh sách thủ tục hành chính" export has a merged
    title row (the national motto and the title, with line breaks), then the
    header ``Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện | Lĩnh vực``
    and one procedure a row; provincial exports add columns such as
    ``Cấp thực hiện``, ``Thời hạn giải quyết``, ``Phí, lệ phí``, ``Mức độ``
    and ``Tình trạng hiệu lực`` (all recognised, in any order). Names are
    stripped of surrounding spaces; a cell listing several agencies on
    separate lines gives one agency per line.

    Raises:
        InputError: the file cannot be read, or has no header row.
    """
    file = Path(path)
    exports = [parse_portal_rows(rows, source=file.name, part=part)
               for part, rows in _read_tables(file)]
    headed = [export for export in exports if export.header]
    if not headed:
        raise InputError(
            [Problem(source=file.name, path="", code="no-header",
                     message="no header row naming a code and a name column "
                     "(Mã số / Mã thủ tục, Tên / Tên thủ tục)")],
            f"{file.name}: not a procedure list",
        )
    return PortalExport(
        source=file.name,
        title=headed[0].title,
        header=headed[0].header,
        rows=tuple(row for export in exports for row in export.rows),
        outcomes=tuple(outcome for export in exports for outcome in export.outcomes),
    )


# --------------------------------------------------------------------------- diff


DiffWhat = Literal["name", "field", "level", "online"]


@attrs.frozen(kw_only=True)
class Difference:
    """A procedure present on both sides whose export row says something else.

    ``what`` is ``name`` (compared on :func:`tthc.text.match_key`), ``field``
    (on the field key), ``level`` (the catalogue's level is not among the
    export's) or ``online``.
    """

    code: str
    level: str
    what: DiffWhat
    export: str
    catalog: str
    position: Position

    @property
    def message(self) -> str:
        """The difference in words."""
        return (f"{self.code} at {self.level}: {self.what} differs: export "
                f"{self.export!r}, catalogue {self.catalog!r}")


@attrs.frozen(kw_only=True)
class PortalDiff:
    """An export compared with the catalogue on a date.

    Attributes:
        source: the export file.
        as_of: the date the catalogue is read at.
        levels: the levels compared.
        matched: the (code, level) pairs on both sides.
        missing_in_catalog: export rows at a compared level (or whose level the
            export does not say, but whose code the catalogue has elsewhere)
            that are not in force in the catalogue.
        missing_in_export: procedures in force at a compared level that the
            export does not list; with ``scope="fields"`` only those of the
            fields the export covers (an export is usually one ministry's).
        differences: fields that differ for procedures on both sides.
        out_of_scope: export rows not compared (another level, or no level
            given and not in the catalogue).
    """

    source: str
    as_of: date
    levels: tuple[str, ...]
    scope: str
    matched: int
    missing_in_catalog: tuple[PortalRow, ...]
    missing_in_export: tuple[InForce, ...]
    differences: tuple[Difference, ...]
    out_of_scope: int

    @property
    def has_differences(self) -> bool:
        """True when anything is missing on either side or differs."""
        return bool(self.missing_in_catalog or self.missing_in_export or self.differences)

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for JSON), deterministic."""
        return {
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "levels": list(self.levels),
            "scope": self.scope,
            "matched": self.matched,
            "out_of_scope": self.out_of_scope,
            "missing_in_catalog": [
                {"code": r.code, "name": r.name, "levels": list(r.levels),
                 "field": r.field.name if r.field else "", "row": r.position.path}
                for r in self.missing_in_catalog
            ],
            "missing_in_export": [
                {"code": r.code, "level": r.level, "name": r.procedure.name,
                 "field": r.procedure.field.name}
                for r in self.missing_in_export
            ],
            "differences": [
                {"code": d.code, "level": d.level, "what": d.what, "export": d.export,
                 "catalog": d.catalog, "row": d.position.path}
                for d in self.differences
            ],
        }


def diff_portal(
    export: PortalExport,
    catalog: Catalog,
    as_of: date,
    level: str | None = None,
    *,
    scope: Literal["fields", "all"] = "fields",
) -> PortalDiff:
    """Compare a portal export with the procedures in force in *catalog* on *as_of*.

    Procedures are matched by national code. The levels compared are
    *level*, or else those of the unit's desks open on *as_of* (a district
    catalogue in 2019: district and commune). An export row is compared when
    one of its levels is compared, or when its level is unknown but the
    catalogue has its code at a compared level.

    >>> from tthc.catalog import load_catalog, resolve_catalog_path
    >>> catalog = load_catalog(resolve_catalog_path())
    >>> export = parse_portal_rows([
    ...     ["Mã số", "Tên", "Cơ quan thực hiện", "Lĩnh vực"],
    ...     ["2.000908", "Thủ tục chứng thực bản sao từ bản chính", "UBND cấp xã", "Chứng thực"],
    ...     ["9.999999", "Thủ tục không có trong danh mục", "UBND cấp xã", "Chứng thực"],
    ... ])
    >>> diff = diff_portal(export, catalog, date(2019, 12, 31), "commune")
    >>> [r.code for r in diff.missing_in_catalog], diff.matched
    (['9.999999'], 1)
    >>> [(d.what, d.catalog) for d in diff.differences]
    [('name', 'Thủ tục cấp bản sao từ sổ gốc')]
    """
    view = catalog.as_of(as_of)
    if level is not None:
        levels: tuple[str, ...] = (Level.get(level).key,)
    else:
        open_levels = [desk.level for desk in catalog.desks if desk.is_open(as_of)]
        levels = _ordered_levels(open_levels) if open_levels else _ordered_levels(
            record.level for record in view.entries())
    records = [record for record in view.entries() if record.level in levels]
    by_code: dict[str, list[InForce]] = {}
    for record in records:
        by_code.setdefault(record.code, []).append(record)
    missing: list[PortalRow] = []
    differences: list[Difference] = []
    matched = 0
    out_of_scope = 0
    for row in export.rows:
        at_level = bool(set(row.levels) & set(levels))
        here = by_code.get(row.code, [])
        if not here:
            if at_level:
                missing.append(row)
            else:
                out_of_scope += 1
            continue
        for record in here:
            matched += 1
            differences.extend(_differences(row, record))
    fields = {row.field.key for row in export.rows if row.field is not None}
    listed = {row.code for row in export.rows}
    missing_export = [
        record for record in records
        if record.code not in listed
        and (scope == "all" or record.procedure.field.key in fields)
    ]
    return PortalDiff(source=export.source, as_of=as_of, levels=levels, scope=scope,
                      matched=matched, missing_in_catalog=tuple(missing),
                      missing_in_export=tuple(missing_export),
                      differences=tuple(differences), out_of_scope=out_of_scope)


def _differences(row: PortalRow, record: InForce) -> Iterator[Difference]:
    procedure = record.procedure

    def diff(what: DiffWhat, export: str, catalog: str) -> Difference:
        return Difference(code=row.code, level=record.level, what=what, export=export,
                          catalog=catalog, position=row.position)

    if match_key(row.name) != match_key(procedure.name):
        yield diff("name", row.name, procedure.name)
    if row.field is not None and row.field.key != procedure.field.key:
        yield diff("field", row.field.name, procedure.field.name)
    if row.levels and record.level not in row.levels:
        yield diff("level", ", ".join(row.levels), record.level)
    if row.online is not None:
        ours = record.online
        theirs_mode, ours_mode = row.online.current_mode, ours.current_mode if ours else None
        same = (
            ours is not None
            and (theirs_mode == ours_mode if theirs_mode is not None and ours_mode is not None
                 else row.online.legacy_level == ours.legacy_level)
        )
        if not same:
            yield diff("online", str(row.online), str(ours or ""))


# --------------------------------------------------------------------------- seeding


@attrs.frozen(kw_only=True)
class Seed:
    """A ``new`` decision made from an export, and what became of each export row."""

    decision: Decision
    #: One record per procedure row of the export: ``imported`` (with its entry
    #: index), ``reported`` (no level, no field) or ``skipped`` (another level).
    rows: tuple[RowOutcome, ...]

    @property
    def left_out(self) -> tuple[RowOutcome, ...]:
        """The rows that did not give an entry and were not at another level."""
        return tuple(row for row in self.rows if row.status == "reported")


def seed_decision(
    export: PortalExport,
    *,
    number: str,
    issuer: str,
    signed: date,
    effective: date | None = None,
    levels: Sequence[str] | None = None,
    default_levels: Sequence[str] = (),
    title: str = "",
) -> Seed:
    """Turn an export into a ``new`` decision that seeds a catalogue.

    Each procedure of the export becomes a ``new`` entry at its levels (only
    those in *levels*, when given), with its name, field, agencies, and the
    processing time, fees and online service when the export has them.
    Rows without a field, or without a level (the export does not say, and
    no *default_levels*), are left out and reported; repealed rows ("Hết
    hiệu lực") are left out too.

    >>> export = parse_portal_rows([
    ...     ["Mã số", "Tên", "Cơ quan thực hiện", "Lĩnh vực"],
    ...     ["2.000815", "Chứng thực bản sao", "UBND cấp xã", "Chứng thực"],
    ...     ["1.002010", "Đăng ký hoạt động", "Cục Bổ trợ tư pháp", "Luật sư"],
    ... ])
    >>> seed = seed_decision(export, number="1/QĐ-UBND", issuer="Chủ tịch UBND tỉnh A",
    ...                      signed=date(2026, 1, 5))
    >>> [(e.kind.value, e.code, e.levels) for e in seed.decision.entries]
    [('new', '2.000815', ('commune',))]
    >>> [(r.position.row, r.code) for r in seed.left_out]
    [(3, 'no-level')]
    """
    from tthc.feeparse import parse_fee
    from tthc.proctime import parse_processing_time

    wanted = None if levels is None else {Level.get(key).key for key in levels}
    fallback = _ordered_levels(Level.get(key).key for key in default_levels)
    entries: list[Entry] = []
    outcomes: list[RowOutcome] = []
    for row in export.rows:

        def outcome(status: RowStatus, code: str, reason: str = "", row: PortalRow = row,
                    entry: int | None = None) -> None:
            outcomes.append(RowOutcome(position=row.position, status=status, code=code,
                                       reason=reason, cells=(row.code, row.name), entry=entry,
                                       kind=EntryKind.NEW))

        if row.repealed:
            outcome("skipped", "not-in-force", f"the export says {row.status!r}")
            continue
        row_levels = row.levels or fallback
        if not row_levels:
            outcome("reported", "no-level",
                    "the export gives no level (no 'Cấp thực hiện', no local agency)")
            continue
        if wanted is not None:
            row_levels = tuple(key for key in row_levels if key in wanted)
            if not row_levels:
                outcome("skipped", "other-level", f"at {', '.join(row.levels)}")
                continue
        if row.field is None:
            outcome("reported", "no-field", "the export gives no field (Lĩnh vực)")
            continue
        content = ProcedureContent(
            name=row.name, field=row.field, agency="; ".join(row.agencies) or None,
            processing_time=(parse_processing_time(row.processing_time)
                             if row.processing_time else None),
            fees=parse_fee(row.fees) if row.fees else None,
            online=row.online, local_code=row.local_code or None,
        )
        outcome("imported", "entry", entry=len(entries))
        entries.append(Entry(kind=EntryKind.NEW, code=row.code, levels=row_levels,
                             content=content))
    decision = Decision(number=number, issuer=issuer, signed=signed,
                        effective=effective or signed, title=title, entries=tuple(entries))
    return Seed(decision=decision, rows=tuple(outcomes))


# --------------------------------------------------------------------------- reading files
#
# Files are read with tthc.listing.read_listing, which gives every physical row of every
# sheet or table (merged cells filled in) with its position, each either a procedure row
# or a skipped row of a posted list. Only those raw rows and positions are used here: an
# appendix is interpreted by the heading grammar above, not as a posted list. Two things
# read_listing does not give are added: the paragraphs between the tables of a DOCX file
# (where appendices put their category headings), and the cells converted from legacy
# fonts (read_listing converts the cells it interprets, and says which font it found).


def _listing_rows(file: Path) -> tuple[Any, list[tuple[str | None, int, tuple[str, ...]]]]:
    """The listing read from *file* and its rows (sheet, row, raw cells), in file order."""
    from tthc.listing import read_listing

    # A name column by index makes read_listing accept tables whose header it does not
    # know (a "thay thế" table), without changing the rows it returns.
    listing = read_listing(file, columns={"name": 0})
    found = [(r.sheet, r.row, r.raw) for r in listing.rows]
    found += [(s.sheet, s.row, s.raw) for s in listing.skipped]
    order = {name: index for index, name in enumerate(listing.sheets)}
    if listing.format in _SPREADSHEETS + _DOCUMENTS:
        found.sort(key=lambda item: (order.get(item[0] or "", -1), item[1]))
    else:
        found.sort(key=lambda item: item[1])
    return listing, found


def _legacy_cells(encoding: str | None) -> Any:
    """A function converting a cell typed in the legacy font *encoding* (identity if none)."""
    from tthc.legacy import decode_legacy

    def convert(text: str) -> str:
        if encoding is None or not text or text.isascii():
            return text
        try:
            text.encode("cp1252")
        except UnicodeEncodeError:
            return text  # Unicode text: not legacy
        return decode_legacy(text, encoding)

    return convert


#: Formats read_listing gives by sheet, and those with paragraphs between tables.
_SPREADSHEETS = ("xlsx", "xls", "ods")
_DOCUMENTS = ("docx", "doc", "pdf")


def _part(sheet: str | None, fmt: str) -> str:
    if not sheet:
        return ""
    return f"sheet {sheet!r}" if fmt in _SPREADSHEETS else sheet


def _read_lines(file: Path) -> list[_Line]:
    """Every row of an appendix file (and each DOCX paragraph), in document order."""
    listing, found = _listing_rows(file)
    convert = _legacy_cells(listing.legacy)
    source = file.name

    def line(sheet: str | None, row: int, raw: Sequence[str]) -> _Line:
        # The pages of a PDF are one flow, and its one-cell rows are text outside tables.
        pdf = listing.format == "pdf"
        return _Line(position=Position(source=source, part=_part(sheet, listing.format), row=row),
                     cells=_clean_cells([convert(cell) for cell in raw]),
                     table="" if pdf else sheet or "", in_table=not pdf or len(raw) > 1)

    if listing.format not in ("docx", "doc"):
        return [line(sheet, row, raw) for sheet, row, raw in found]
    by_table: dict[str, list[_Line]] = {}
    for sheet, row, raw in found:
        by_table.setdefault(sheet or "", []).append(line(sheet, row, raw))
    lines: list[_Line] = []
    for kind, value in _docx_blocks(file):
        if kind == "table":
            lines.extend(by_table.pop(value, []))
        else:
            number, text = value.split("\t", 1)
            lines.append(_Line(position=Position(source=source, part="paragraph",
                                                  row=int(number)),
                               cells=_clean_cells([convert(text)]), in_table=False))
    for rest in by_table.values():  # rows of a table the body walk did not see (none expected)
        lines.extend(rest)
    return lines


def _docx_blocks(file: Path) -> list[tuple[str, str]]:
    """The body of a DOCX file in order: ("paragraph", "N<TAB>text") and ("table", "table N")."""
    import docx
    from docx.oxml.ns import qn

    from tthc.listing import docx_bytes

    content = docx_bytes(file)  # a .doc converted (read_listing has already done it once)
    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:  # python-docx raises many types on damaged files
        raise InputError(
            [Problem(source=file.name, path="", code="invalid-input",
                     message=f"a damaged DOCX file ({type(exc).__name__})")],
            f"cannot read the appendix {file.name}",
        ) from None
    blocks: list[tuple[str, str]] = []
    paragraphs = tables = 0
    text_tags = {qn("w:t"): None, qn("w:tab"): " ", qn("w:br"): " ", qn("w:cr"): " "}
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            tables += 1
            blocks.append(("table", f"table {tables}"))
        elif element.tag == qn("w:p"):
            paragraphs += 1
            text = "".join(
                (node.text or "") if text_tags[node.tag] is None else " "
                for node in element.iter(*text_tags)
            )
            blocks.append(("paragraph", f"{paragraphs}\t{text}"))
    return blocks


def _read_tables(file: Path) -> list[tuple[str, list[tuple[str, ...]]]]:
    """The rows of each sheet or table of *file*: (part, rows), rows numbered from 1."""
    listing, found = _listing_rows(file)
    convert = _legacy_cells(listing.legacy)
    parts: dict[str, list[tuple[str, ...]]] = {}
    for sheet, row, raw in found:
        rows = parts.setdefault(_part(sheet, listing.format), [])
        while len(rows) < row - 1:
            rows.append(())  # rows read_listing did not return (none expected)
        rows.append(tuple(convert(cell) for cell in raw))
    return list(parts.items())
