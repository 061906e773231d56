"""Read what a one-stop desk has posted: CSV, XLSX, XLS, ODS, DOCX, DOC, PDF and text listings.

Posted lists come typed by hand, exported from Word or Excel, or copied
from PDF pages (domain.md §5, §9). :func:`read_listing` reads any of them
into a :class:`Listing`: one :class:`ListingRow` per procedure row, with its
position (file, sheet, row as a person sees it) and raw cells, and one
:class:`SkippedRow` with a reason for every other row, so that every row
read is accounted for.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "ds.csv"
>>> _ = path.write_text(
...     "DANH MỤC THỦ TỤC HÀNH CHÍNH\\n"
...     "STT,Mã số TTHC,Tên thủ tục hành chính,Thời hạn giải quyết\\n"
...     "I,LĨNH VỰC HỘ TỊCH (2 TTHC),,\\n"
...     "1,1.001193.H38,Đăng ký khai sinh,Ngay trong ngày\\n"
...     "2,,Dang ky khai tu,\\n", encoding="utf-8")
>>> listing = read_listing(path)
>>> [(r.row, r.code, r.local_code, r.name, r.field) for r in listing.rows]
[(4, '1.001193', '1.001193.H38', 'Đăng ký khai sinh', 'Hộ tịch'),
 (5, None, None, 'Dang ky khai tu', 'Hộ tịch')]
>>> [(s.row, s.reason) for s in listing.skipped]
[(1, 'title'), (2, 'header'), (3, 'heading')]
>>> listing.rows_read, listing.accounted()
(5, True)
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree

import attrs

from tthc import codes
from tthc._io import input_limit, opendocument_type
from tthc.errors import InputError, LimitExceeded, Problem
from tthc.legacy import decode_bytes, decode_cell, detect_legacy, is_syllable
from tthc.procedure import Field
from tthc.text import fold, nfc

__all__ = [
    "ROLES",
    "Limits",
    "Listing",
    "ListingRow",
    "SkipReason",
    "SkippedRow",
    "docx_bytes",
    "header_role",
    "read_listing",
]

#: Why a row is not a procedure row.
SkipReason = Literal["blank", "header", "heading", "title", "no-name", "note", "continuation"]

#: The column roles a listing can have. ``name`` is required; the others are
#: optional. Columns with no role are kept in :attr:`ListingRow.extra` under
#: their header text.
ROLES = (
    "stt",
    "code",
    "name",
    "processing_time",
    "fee",
    "field",
    "level",
    "agency",
    "online_level",
    "legal_basis",
    "place",
    "note",
)

_SECONDARY = ("agency", "online_level", "legal_basis", "place", "note")


# ----------------------------------------------------------------------------- records


def _positive(_instance: Any, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be at least 1, got {value}")


@attrs.frozen(kw_only=True)
class Limits:
    """Size limits for reading a listing; exceeding one raises :class:`LimitExceeded`.

    The defaults fit the largest lists a province posts with room to spare;
    the environment variables ``TTHC_MAX_BYTES``, ``TTHC_MAX_ROWS`` and
    ``TTHC_MAX_CELL_CHARS`` change them (:data:`tthc._io.LIMITS`).

    .. versionadded:: 0.1
    """

    #: Largest file, and largest total uncompressed size of an XLSX/DOCX
    #: archive (checked in the zip directory before anything is unpacked).
    max_bytes: int = attrs.field(
        factory=functools.partial(input_limit, "TTHC_MAX_BYTES"), validator=_positive
    )
    #: Most rows examined in one file (all sheets and tables together).
    max_rows: int = attrs.field(
        factory=functools.partial(input_limit, "TTHC_MAX_ROWS"), validator=_positive
    )
    #: Longest cell, in characters (Excel's own limit by default).
    max_cell_chars: int = attrs.field(
        factory=functools.partial(input_limit, "TTHC_MAX_CELL_CHARS"), validator=_positive
    )


@attrs.frozen(kw_only=True)
class ListingRow:
    """One procedure row of a posted list.

    .. versionadded:: 0.1
    """

    #: The file it was read from, as given.
    source: str
    #: The sheet (XLSX, XLS, ODS), ``"table N"`` (DOCX, DOC, Markdown), ``"page N"``
    #: (PDF), or ``None``.
    sheet: str | None
    #: The row number a person sees: the spreadsheet row, the CSV record,
    #: the table row, or the line of a text file (1-based).
    row: int
    #: The cells as read (merged cells filled in), before any conversion.
    raw: tuple[str, ...]
    #: The code cell as written, or ``None``.
    code_raw: str | None = None
    #: The national code (``d.dddddd``) read from the code cell, or ``None``.
    code: str | None = None
    #: The code in local form (``1.000948.H38``) or a desk's own code that
    #: is no national code; ``None`` when the cell holds a bare national code.
    local_code: str | None = None
    #: The procedure name (NFC, legacy fonts converted).
    name: str
    #: The field: the field column, else the heading above the row.
    field: str | None = None
    #: The level: the level column, else a level heading above the row.
    level: str | None = None
    #: The processing-time cell, verbatim (NFC).
    processing_time_text: str | None = None
    #: The fee cell, verbatim (NFC).
    fee_text: str | None = None
    #: The row's own number (STT) as written.
    stt: str | None = None
    #: The nearest heading above the row, as written.
    heading: str | None = None
    #: Other non-empty cells: (role or header text, value), in column order.
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def position(self) -> str:
        """Where the row is, for messages: ``"ds.xlsx, sheet 'Xã', row 12"``."""
        return _position(self.source, self.sheet, self.row)

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of an extra column by role or header text."""
        for name, value in self.extra:
            if name == key:
                return value
        return default


@attrs.frozen(kw_only=True)
class SkippedRow:
    """A row that is not a procedure row, and why.

    ``blank``: empty; ``header``: a header row, a repeated header or a
    column-number row; ``heading``: a group heading (field or level);
    ``title``: text outside the table (above it, or a whole table without
    a header); ``no-name``: a row of the table without a name;
    ``note``: a total, footnote or signature line; ``continuation``: a
    line of a text list that continues the previous item.

    .. versionadded:: 0.1
    """

    source: str
    sheet: str | None
    row: int
    raw: tuple[str, ...]
    reason: SkipReason

    @property
    def position(self) -> str:
        """Where the row is, for messages."""
        return _position(self.source, self.sheet, self.row)


@attrs.frozen(kw_only=True)
class Listing:
    """A posted list as read: its procedure rows and every other row.

    .. versionadded:: 0.1
    """

    source: str
    #: ``"csv"``, ``"xlsx"``, ``"xls"``, ``"ods"``, ``"docx"``, ``"doc"``, ``"pdf"`` or
    #: ``"text"`` (plain or Markdown).
    format: str
    rows: tuple[ListingRow, ...]
    skipped: tuple[SkippedRow, ...]
    #: Every physical row examined (table rows for DOCX; lines for text).
    rows_read: int
    #: The byte encoding of a text file (``"utf-8"``, ``"utf-16"``, …).
    encoding: str | None = None
    #: ``"tcvn3"`` or ``"vni"`` when cells typed in a legacy font were converted.
    legacy: str | None = None
    #: Column role -> header text, for the first table with a header.
    columns: Mapping[str, str] = attrs.field(factory=dict)
    #: The sheets (or tables) read.
    sheets: tuple[str, ...] = ()

    def accounted(self) -> bool:
        """Tell whether every row read is either a procedure row or skipped."""
        return self.rows_read == len(self.rows) + len(self.skipped)

    def stats(self) -> dict[str, int]:
        """Counts: ``read``, ``rows``, ``skipped`` and one per skip reason.

        >>> Listing(source="x", format="csv", rows=(), skipped=(), rows_read=0).stats()
        {'read': 0, 'rows': 0, 'skipped': 0}
        """
        counts = {"read": self.rows_read, "rows": len(self.rows), "skipped": len(self.skipped)}
        for item in self.skipped:
            counts[item.reason] = counts.get(item.reason, 0) + 1
        return counts


def _position(source: str, sheet: str | None, row: int) -> str:
    if sheet:
        return f"{source}, sheet {sheet!r}, row {row}" if not sheet.startswith(
            ("table ", "page ")) else f"{source}, {sheet}, row {row}"
    return f"{source}, row {row}"


# ----------------------------------------------------------------------------- errors


def _error(source: str, message: str, *, path: str = "") -> InputError:
    problem = Problem(source=source, path=path, message=message, code="invalid-input")
    return InputError([problem], f"cannot read the listing {source}: {message}")


def _limit(source: str, message: str, *, path: str = "") -> LimitExceeded:
    problem = Problem(source=source, path=path, message=message, code="limit-exceeded")
    return LimitExceeded([problem], f"the listing {source} exceeds a limit: {message}")


# ------------------------------------------------------------------------------ headers


@functools.lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    """Folded, punctuation as spaces, footnote marks dropped: how headers compare."""
    folded = re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()
    return re.sub(r"\s*\b\d\b$", "", folded) if re.search(r"[a-z]", folded) else folded


# (role, pattern on the normalised header); the first that matches wins.
_HEADER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern))
    for role, pattern in (
        ("stt", r"^(?:stt|tt|so tt|so thu tu|no|thu tu)$"),
        ("code", r"^(?:ma|ma so|ky hieu|so hieu|so ho so|ma dinh danh)(?: (?:tthc|thu tuc"
                 r"(?: hanh chinh)?|ho so tthc|so tthc))?$"),
        ("code", r"^(?:code|ma so|ma)(?: raw)?$"),
        ("name", r"^ten(?: (?:tthc|thu tuc(?: hanh chinh)?(?: tthc)?|goi))?$"),
        ("name", r"^(?:thu tuc hanh chinh|thu tuc|tthc|name|procedure name|name raw)$"),
        ("processing_time", r"^(?:thoi han|thoi gian)(?: giai quyet| xu ly| thuc hien)?"
                            r"(?: tthc| ho so)?$"),
        ("processing_time", r"^(?:ngay thu ly|processing time(?: text)?|time)$"),
        ("fee", r"^(?:phi|le phi|phi le phi|phi va le phi|muc phi|muc thu|muc thu phi"
                r"|muc phi le phi|fee|fees|fee text)$"),
        ("field", r"^(?:linh vuc|nhom linh vuc|field|field group|field group raw)$"),
        ("level", r"^(?:cap thuc hien|cap giai quyet|cap|level|level group|level group raw)$"),
        ("agency", r"^(?:co quan (?:thuc hien|giai quyet|co tham quyen|tiep nhan)"
                   r"|don vi (?:thuc hien|giai quyet|tiep nhan)|agency|agency raw)$"),
        ("online_level", r"^(?:muc do|muc do dvc|muc do dich vu cong(?: truc tuyen)?"
                         r"|dich vu cong truc tuyen|online level|online level raw)$"),
        ("legal_basis", r"^(?:can cu phap ly|legal basis)$"),
        ("place", r"^(?:dia diem thuc hien|noi tiep nhan|dia diem)$"),
        ("note", r"^(?:ghi chu|note|notes)$"),
    )
)


def header_role(text: str) -> str | None:
    """The role a header cell names, by its folded text, or ``None``.

    >>> [header_role(h) for h in ("Mã số TTHC", "Ký hiệu thủ tục", "Tên thủ tục hành chính",
    ...                           "Thời gian giải quyết", "Phí, lệ phí", "Ghi chú (1)", "Ngày")]
    ['code', 'code', 'name', 'processing_time', 'fee', 'note', None]
    """
    norm = _norm(text)
    if not norm or len(norm) > 60:
        return None
    for role, pattern in _HEADER_PATTERNS:
        if pattern.match(norm):
            return role
    return None


def _header_map(cells: Sequence[str]) -> dict[int, str]:
    """Column index -> role for a candidate header row (first column wins per role)."""
    found: dict[int, str] = {}
    taken: set[str] = set()
    for index, cell in enumerate(cells):
        if not cell:
            continue
        role = header_role(cell)
        if role and role not in taken:
            found[index] = role
            taken.add(role)
    return found


# ----------------------------------------------------------------------------- headings

_NUMBERING = re.compile(
    r"^\s*(?:phan\s+|phu luc\s+|muc\s+)?(?P<num>[ivxlcdm]+|[a-z]|\d+(?:\.\d+)*)"
    r"(?:\s*[.)\-:/]|\s)\s*",
)
_ROMAN_OR_LETTER = re.compile(r"^(?:[ivxlcdm]+|[a-z])(?:\.\d+)*$")
_COUNT = re.compile(r"\(\s*\d+\s*(?:tthc|thu tuc)[^)]*\)")
_LEVEL_HEADING = re.compile(
    r"^(?:cac |danh muc )?(?:(?:thu tuc hanh chinh|tthc|thu tuc)\s+)?"
    r"(?:(?:thuoc tham quyen giai quyet cua|thuoc tham quyen cua|thuoc|cua|ap dung(?: tai)?"
    r"|thuc hien tai|tai)\s+)?(?:(?:ubnd|uy ban nhan dan|co quan)\s+)?"
    r"cap (?P<level>tinh|huyen|xa)\b(?P<rest>.*)$"
)
_LEVEL_NAMES = {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã"}
_NOTE = re.compile(
    r"^(?:tong cong|tong so|ghi chu|luu y|chu thich|noi nhan|nguoi lap|xac nhan cua"
    r"|kt chu tich|tm uy ban nhan dan|tm ubnd)\b"
)


def _heading(text: str) -> tuple[str, str] | None:
    """Classify a heading: ("level", "Cấp huyện") / ("field", "Hộ tịch") / ("group", …)."""
    clean = nfc(text)
    folded = re.sub(r"[^0-9a-z().]+", " ", fold(clean)).strip()
    match = _NUMBERING.match(folded)
    number = match.group("num") if match else None
    rest = folded[match.end():] if match else folded
    rest_words = re.sub(r"[^0-9a-z]+", " ", rest).strip()
    level = _LEVEL_HEADING.match(rest_words)
    if level and len(_COUNT.sub("", level.group("rest")).split()) <= 4:
        return "level", _LEVEL_NAMES[level.group("level")]
    letters = [ch for ch in clean if ch.isalpha()]
    shouting = len(letters) >= 4 and all(not ch.islower() for ch in letters)
    grouped = number is not None and _ROMAN_OR_LETTER.match(number) is not None
    # "Lĩnh vực …" opens a field heading; inside a sentence ("… trong lĩnh vực …")
    # it is part of a procedure's name unless the line looks like a heading anyway.
    if rest_words.startswith("linh vuc") or (
        "linh vuc" in rest_words and (shouting or grouped)
    ):
        return "field", _field_name(clean)
    if _COUNT.search(folded):
        return "field", _field_name(clean)
    if grouped or shouting:
        return "group", _field_name(clean)
    return None


def _field_name(text: str) -> str:
    """A field heading or cell reduced to the field's name ("Hộ tịch")."""
    # "I. Thủ tục ... ngành X / 1. Lĩnh vực đất đai": the last "Lĩnh vực" names it.
    folded = fold(text)
    at = folded.rfind("linh vuc")
    if at > 0:
        start = folded.rfind("/", 0, at)
        text = text[at:] if start < 0 else text[start + 1 :]
    name = Field.of(text).name
    return name or nfc(text)


# ------------------------------------------------------------------------------ legacy


class _Legacy:
    """Converts cells typed in TCVN3 or VNI fonts, cell by cell."""

    def __init__(self, encoding: str | None) -> None:
        self.encoding = encoding
        self.used = False

    @classmethod
    def detect(cls, texts: Iterable[str]) -> _Legacy:
        """Guess the legacy font from the cells that could hold legacy text."""
        sample: list[str] = []
        size = 0
        for text in texts:
            if text and not text.isascii() and _cp1252_only(text):
                sample.append(text)
                size += len(text)
                if size > 200_000:
                    break
        return cls(detect_legacy(" ".join(sample)) if sample else None)

    def convert(self, text: str) -> str:
        """The cell in Unicode: converted when it can only be legacy text."""
        if self.encoding is None or not text or text.isascii() or not _cp1252_only(text):
            return text
        converted = decode_cell(text, self.encoding)
        if converted != text:
            self.used = True
        return converted


def _cp1252_only(text: str) -> bool:
    """Tell whether *text* uses only characters Windows-1252 has (so it may be legacy)."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


# ------------------------------------------------------------------------------ tables


@attrs.frozen
class _Physical:
    """One row as a person sees it in the file."""

    number: int
    cells: tuple[str, ...]
    #: Columns covered by a merged cell spanning several columns.
    merged_across: frozenset[int] = frozenset()
    #: Columns holding numbers (spreadsheets), for codes typed as numbers.
    numeric: frozenset[int] = frozenset()


@attrs.define
class _Context:
    level: str | None = None
    field: str | None = None
    heading: str | None = None

    def update(self, kind: str, value: str, text: str) -> None:
        if kind == "level":
            self.level = value
            self.field = None
        else:
            self.field = value
        self.heading = nfc(text)


_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_HEADER_SCAN = 40
_CODE_IN_TEXT = re.compile(r"(?<![\d.])\d\.\d{6}(?:\.[0-9A-Za-z]+)*(?![\d])")


class _Builder:
    """Accumulates rows and skipped rows, counting and checking limits."""

    def __init__(self, source: str, limits: Limits, legacy: _Legacy) -> None:
        self.source = source
        self.limits = limits
        self.legacy = legacy
        self.rows: list[ListingRow] = []
        self.skipped: list[SkippedRow] = []
        self.read = 0
        self.columns: dict[str, str] = {}

    def count(self, sheet: str | None, number: int, cells: Sequence[str]) -> None:
        self.read += 1
        if self.read > self.limits.max_rows:
            raise _limit(
                self.source,
                f"more than {self.limits.max_rows} rows (Limits.max_rows, TTHC_MAX_ROWS)",
                path=_position(self.source, sheet, number),
            )
        for cell in cells:
            if len(cell) > self.limits.max_cell_chars:
                raise _limit(
                    self.source,
                    f"a cell of {len(cell)} characters, over {self.limits.max_cell_chars} "
                    "(Limits.max_cell_chars, TTHC_MAX_CELL_CHARS)",
                    path=_position(self.source, sheet, number),
                )

    def skip(self, sheet: str | None, row: _Physical, reason: SkipReason) -> None:
        self.skipped.append(
            SkippedRow(source=self.source, sheet=sheet, row=row.number, raw=row.cells,
                       reason=reason)
        )

    def listing(self, fmt: str, encoding: str | None, sheets: Sequence[str]) -> Listing:
        return Listing(
            source=self.source,
            format=fmt,
            rows=tuple(self.rows),
            skipped=tuple(self.skipped),
            rows_read=self.read,
            encoding=encoding,
            legacy=self.legacy.encoding if self.legacy.used else None,
            columns=dict(self.columns),
            sheets=tuple(sheets),
        )


def _resolve_override(
    override: Mapping[str, str | int], header: Sequence[str] | None, source: str
) -> dict[int, str]:
    """Column index -> role from the caller's override."""
    found: dict[int, str] = {}
    for role, where in override.items():
        if role not in ROLES:
            raise _error(source, f"unknown column role {role!r} (known: {', '.join(ROLES)})")
        if isinstance(where, int):
            if where < 0:
                raise _error(source, f"column {where} for {role!r} is negative")
            found[where] = role
            continue
        wanted = _norm(where)
        if header is not None:
            for index, cell in enumerate(header):
                if _norm(cell) == wanted:
                    found[index] = role
                    break
            else:
                raise _error(source, f"no column headed {where!r} for {role!r}")
    return found


class _Table:
    """Reads one table (a sheet, a Word table, a CSV file, a Markdown table)."""

    def __init__(
        self,
        builder: _Builder,
        sheet: str | None,
        context: _Context,
        override: Mapping[str, str | int] | None,
        inherited: Mapping[int, str] | None = None,
    ) -> None:
        self.b = builder
        self.sheet = sheet
        self.context = context
        self.override = dict(override or {})
        self.by_index = bool(self.override) and all(
            isinstance(v, int) for v in self.override.values()
        )
        self.inherited = inherited
        self.roles: dict[int, str] = {}
        self.header: tuple[str, ...] = ()

    # -- header -----------------------------------------------------------------------

    def _is_header(self, row: _Physical) -> bool:
        cells = [self.b.legacy.convert(c) for c in row.cells]
        if self.override and not self.by_index:
            wanted = {_norm(v) for v in self.override.values() if isinstance(v, str)}
            return wanted <= {_norm(c) for c in cells if c}
        roles = _header_map(cells)
        if self.by_index:
            # The override says where the columns are; a row of headers is still skipped.
            count = sum(1 for c in cells if c)
            return bool(roles) and 2 * len(roles) >= count
        if "name" not in roles.values():
            return False
        if len(roles) >= 2:
            return True
        # A one-column list: only a "Tên ..." header counts.
        filled = [c for c in cells if c]
        return len(filled) == 1 and _norm(filled[0]).startswith("ten")

    def read(self, rows: Iterable[_Physical]) -> dict[int, str] | None:
        """Read every row; return the column roles used (``None``: no table found)."""
        iterator = iter(rows)
        pending: list[_Physical] = []
        header: _Physical | None = None
        seen = 0
        for row in iterator:
            self.b.count(self.sheet, row.number, row.cells)
            pending.append(row)
            if not any(row.cells):
                continue
            if self._is_header(row):
                header = row
                break
            seen += 1
            if seen >= _HEADER_SCAN:
                break
        if header is not None:
            self.header = tuple(nfc(self.b.legacy.convert(c)) for c in header.cells)
            roles = _header_map(self.header)
            roles.update(_resolve_override(self.override, self.header, self.b.source))
            self.roles = _dedupe_roles(roles, self.override)
            if "name" not in self.roles.values():
                raise _error(self.b.source, "no column of procedure names",
                             path=_position(self.b.source, self.sheet, header.number))
            for row in pending:
                if row is header:
                    self.b.skip(self.sheet, row, "header")
                else:
                    self.b.skip(self.sheet, row, "title" if any(row.cells) else "blank")
            if not self.b.columns:
                self.b.columns = {
                    role: self.header[i] for i, role in sorted(self.roles.items())
                    if i < len(self.header)
                }
            self._body(iterator, counted=False, header=header)
            return self.roles
        if self.by_index or self.inherited is not None:
            self.roles = (
                _resolve_override(self.override, None, self.b.source)
                if self.by_index
                else dict(self.inherited or {})
            )
            if "name" not in self.roles.values():
                raise _error(self.b.source, "the column override names no 'name' column")
            self._body(pending, counted=True)
            self._body(iterator, counted=False)
            return self.roles
        # No table: everything is text outside a table.
        for row in pending:
            self.b.skip(self.sheet, row, "title" if any(row.cells) else "blank")
        for row in iterator:
            self.b.count(self.sheet, row.number, row.cells)
            self.b.skip(self.sheet, row, "title" if any(row.cells) else "blank")
        return None

    # -- body -------------------------------------------------------------------------

    def _body(self, rows: Iterable[_Physical], *, counted: bool,
              header: _Physical | None = None) -> None:
        name_col = _key(self.roles)
        header_norms = {i: _norm(c) for i, c in enumerate(self.header) if c}
        first = header is not None
        for row in rows:
            if not counted:
                self.b.count(self.sheet, row.number, row.cells)
            cells = row.cells
            if not any(cells):
                self.b.skip(self.sheet, row, "blank")
                continue
            if first and header is not None and self._sub_header(row, header):
                self.b.skip(self.sheet, row, "header")
                continue
            first = False
            if self._repeated_header(cells, header_norms) or _column_numbers(cells):
                self.b.skip(self.sheet, row, "header")
                continue
            name = self._cell(cells, name_col)
            if name and _NOTE.match(_norm(name)) and not self._value(cells, "code"):
                self.b.skip(self.sheet, row, "note")
                continue
            heading = self._heading(row, name_col)
            if heading is not None:
                kind, value, text = heading
                self.context.update(kind, value, text)
                self.b.skip(self.sheet, row, "heading")
                continue
            if not name:
                self.b.skip(self.sheet, row, "no-name")
                continue
            self.b.rows.append(self._row(row, name))

    def _sub_header(self, row: _Physical, header: _Physical) -> bool:
        """A second header row under merged header cells ("Thời hạn" under "Cách thức")."""
        cells = tuple(nfc(self.b.legacy.convert(c)) for c in row.cells)
        roles = _header_map(cells)
        new = {i: r for i, r in roles.items() if r not in self.roles.values()}
        name_col = _key(self.roles)
        name_cell = cells[name_col] if name_col < len(cells) else ""
        if not new or (name_cell and name_cell != self.header[name_col]):
            return False
        for index, role in new.items():
            self.roles[index] = role
            self.b.columns.setdefault(role, cells[index])
        return True

    def _repeated_header(self, cells: Sequence[str], header_norms: Mapping[int, str]) -> bool:
        if not header_norms:
            return False
        same = sum(
            1 for i, c in enumerate(cells)
            if c and header_norms.get(i) == _norm(self.b.legacy.convert(c))
        )
        return same >= 2 or (same == 1 and len(header_norms) == 1)

    def _heading(self, row: _Physical, name_col: int) -> tuple[str, str, str] | None:
        """(kind, value, text) when the row is a group heading."""
        cells = row.cells
        name = self._cell(cells, name_col)
        # Text in the code, time or fee column makes it a procedure row, unless
        # it is the only text and names a field or level outright (a heading
        # typed across the row, its merge lost on export).
        strong_only = False
        for role in ("code", "processing_time", "fee"):
            value = self._value(cells, role)
            if value and value != name:
                if name or _CODE_IN_TEXT.search(value):
                    return None
                strong_only = True
        stt = self._value(cells, "stt")
        if stt and re.fullmatch(r"\d+[.)]?", stt):
            return None  # a numbered procedure row
        values = list(dict.fromkeys(nfc(self.b.legacy.convert(c)) for c in cells if c))
        numbering = [v for v in values if _is_numbering(v)]
        texts = [v for v in values if not _is_numbering(v)]
        if len(texts) != 1 or len(numbering) > 1:
            return None
        text = texts[0]
        number = numbering[0] if numbering else ""
        full = f"{number}. {text}" if number else text
        spans = name_col in row.merged_across and len(row.merged_across) > 1
        roman = bool(number) and _ROMAN_OR_LETTER.match(fold(number).strip(" .)")) is not None
        found = _heading(full)
        if found is not None:
            kind, value = found
            if kind == "group" and (
                strong_only or not (spans or roman or "stt" in self.roles.values())
            ):
                return None
            return ("level" if kind == "level" else "field"), value, full
        if (spans or roman) and not strong_only:
            return "field", _field_name(text), full
        return None

    # -- cells ------------------------------------------------------------------------

    def _cell(self, cells: Sequence[str], index: int) -> str:
        if index < 0 or index >= len(cells):
            return ""
        return nfc(self.b.legacy.convert(cells[index]))

    def _value(self, cells: Sequence[str], role: str) -> str:
        for index, r in self.roles.items():
            if r == role:
                return self._cell(cells, index)
        return ""

    def _label(self, index: int) -> str:
        if index < len(self.header) and self.header[index]:
            return nfc(self.header[index])
        return f"column {index + 1}"

    def _row(self, row: _Physical, name: str) -> ListingRow:
        cells = row.cells
        values: dict[str, str] = {}
        extra: list[tuple[str, str]] = []
        for index in range(len(cells)):
            value = self._cell(cells, index)
            if not value:
                continue
            role = self.roles.get(index)
            if role is None or role in _SECONDARY:
                extra.append((role or self._label(index), value))
            elif role != "name":
                values[role] = value
        code_raw = values.get("code")
        if code_raw is not None:
            index = next(i for i, r in self.roles.items() if r == "code")
            if index in row.numeric and re.fullmatch(r"\d\.\d{1,5}", code_raw):
                code_raw = f"{float(code_raw):.6f}"  # 1.00011 was 1.000110 before Excel
        if "stt" not in self.roles.values():
            name = re.sub(r"^\s*\d{1,4}\s*[.)]\s+", "", name) or name
        code, local = _read_code(code_raw)
        field_cell = values.get("field")
        return ListingRow(
            source=self.b.source,
            sheet=self.sheet,
            row=row.number,
            raw=cells,
            code_raw=code_raw,
            code=code,
            local_code=local,
            name=name,
            field=_field_name(field_cell) if field_cell else self.context.field,
            level=values.get("level") or self.context.level,
            processing_time_text=values.get("processing_time"),
            fee_text=values.get("fee"),
            stt=values.get("stt"),
            heading=self.context.heading,
            extra=tuple(extra),
        )


def _dedupe_roles(roles: dict[int, str], override: Mapping[str, str | int]) -> dict[int, str]:
    """One column per role: an override wins over the automatic mapping."""
    chosen: dict[str, int] = {}
    for index, role in sorted(roles.items()):
        if role in override and not isinstance(override[role], int):
            continue
        chosen.setdefault(role, index)
    for index, role in roles.items():
        if role in override:
            chosen[role] = index
    return {index: role for role, index in chosen.items()}


def _key(roles: Mapping[int, str]) -> int:
    for index, role in roles.items():
        if role == "name":
            return index
    return -1


def _is_numbering(text: str) -> bool:
    folded = fold(text).strip()
    return bool(re.fullmatch(r"(?:[ivxlcdm]+|[a-z]|\d+(?:\.\d+)*)[.)]?", folded))


def _column_numbers(cells: Sequence[str]) -> bool:
    """A row that numbers the columns: "1 2 3 4" or "(1) (2) (3)"."""
    values = [c.strip() for c in cells if c.strip()]
    if len(values) < 2 or not all(_COLUMN_NUMBER.match(v) for v in values):
        return False
    numbers = [int(v.strip("()")) for v in values]
    return all(b == a + 1 for a, b in itertools.pairwise(numbers))


def _read_code(raw: str | None) -> tuple[str | None, str | None]:
    """(national code, local form or own code) from a code cell.

    A cell saying there is no code ("Không có mã số", "-") is no code; a
    local identifier (``L:…``, :func:`tthc.codes.local_id`) is kept as the code.
    """
    if not raw or codes.means_no_code(raw):
        return None, None
    if codes.is_local_id(raw.strip()):
        return raw.strip(), None
    try:
        parsed = codes.parse(raw)
    except (ValueError, TypeError):
        found = _CODE_IN_TEXT.search(raw)
        if found:
            try:
                parsed = codes.parse(found.group(0))
            except ValueError:
                return None, codes.compact(raw)
        else:
            return None, codes.compact(raw)
    return parsed.national, (str(parsed) if parsed.local_suffix else None)


# ------------------------------------------------------------------------------ reading


def read_listing(
    path: str | os.PathLike[str],
    *,
    columns: Mapping[str, str | int] | None = None,
    sheet: str | int | None = None,
    limits: Limits | None = None,
) -> Listing:
    """Read a posted list of procedures.

    The format comes from the content, not only the extension: an XLSX or
    DOCX saved as ``.csv`` is read as what it is. Text files may be UTF-8
    (with or without BOM), UTF-16 (as Excel's "Unicode Text" writes it) or
    Windows-1258; cells typed in TCVN3 or VNI fonts are converted.

    Args:
        path: the file.
        columns: overrides of the automatic column mapping, role ->
            header text or 0-based column index (roles in :data:`ROLES`);
            with indexes only, no header row is needed.
        sheet: a spreadsheet's sheet (name or 0-based index); all visible sheets
            by default.
        limits: size limits (:class:`Limits` defaults).

    Raises:
        InputError: the file cannot be used (unreadable, a corrupt
            .xls/.ods/.doc/PDF, a scanned PDF, a .doc without LibreOffice,
            binary junk, or no column of names);
            the message names the file and, where it applies, the sheet and row.
        LimitExceeded: the file, an archive member total, the rows or a
            cell exceed *limits*.
    """
    limits = limits or Limits()
    source = os.fspath(path)
    file = Path(path)
    try:
        if file.is_dir():
            raise _error(source, "this is a folder, not a file")
        size = file.stat().st_size
    except OSError as exc:
        raise _error(source, f"cannot open it ({exc.strerror or exc})") from None
    if size > limits.max_bytes:
        raise _limit(source, f"{size} bytes, over {limits.max_bytes} "
                             "(Limits.max_bytes, TTHC_MAX_BYTES)")
    try:
        with file.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise _error(source, f"cannot open it ({exc.strerror or exc})") from None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        members = _check_zip(file, source, limits)
        if "xl/workbook.xml" in members:
            return _read_spreadsheet(file, source, "xlsx", columns, sheet, limits)
        if "word/document.xml" in members:
            return _read_docx(file, source, columns, limits)
        if "content.xml" in members:
            if opendocument_type(file) == "spreadsheet":
                return _read_spreadsheet(file, source, "ods", columns, sheet, limits)
            raise _error(source, "an OpenDocument file that is not a spreadsheet (.ods); "
                                 "save it as .ods, .xlsx or .docx")
        raise _error(source, "a zip archive that is neither an XLSX nor a DOCX nor an ODS file")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        kind = _ole_kind(file, limits)
        if kind == "xls":
            return _read_spreadsheet(file, source, "xls", columns, sheet, limits)
        if kind == "doc":
            listing = _read_docx(file, source, columns, limits, content=docx_bytes(file))
            return attrs.evolve(listing, format="doc")
        raise _error(source, "a damaged old binary Office file (OLE): neither an Excel "
                             "97-2003 workbook nor a Word 97-2003 document")
    if head.startswith(b"%PDF"):
        return _read_pdf(file, source, columns, limits)
    data = file.read_bytes()
    text, encoding = _decode(data, source)
    suffix = file.suffix.lower()
    if suffix in (".md", ".markdown", ".txt", ".text") and not _looks_tabular(text, "\t"):
        return _read_text(text, source, encoding, columns, limits)
    if suffix in (".csv", ".tsv", ".tab", ".txt") or _looks_tabular(text, None):
        return _read_csv(text, source, encoding, columns, limits)
    return _read_text(text, source, encoding, columns, limits)


def _ole_kind(file: Path, limits: Limits) -> str:
    """``"xls"`` or ``"doc"`` for an old binary Office (OLE) file, from its stream names."""
    with file.open("rb") as handle:
        data = handle.read(limits.max_bytes)
    suffix = file.suffix.lower()
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data:
        return "xls"
    if suffix in (".doc", ".dot"):  # a damaged file: its name says what it was
        return "doc"
    if "Book".encode("utf-16-le") in data or suffix in (".xls", ".xlt"):
        return "xls"
    return ""


def _decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode the bytes of a text listing; refuse binary junk."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        text, encoding = decode_bytes(data)
    elif b"\x00" in data[:4096]:
        sample = data[:4096]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        name = ""
        if odd > 3 * max(even, 1):
            name = "utf-16-le"
        elif even > 3 * max(odd, 1):
            name = "utf-16-be"
        try:
            if not name:
                raise UnicodeDecodeError("utf-16", b"", 0, 1, "no pattern")
            text, encoding = unicodedata.normalize("NFC", data.decode(name)), "utf-16"
        except UnicodeDecodeError:
            raise _error(source, "not a text file (binary content)") from None
    else:
        text, encoding = decode_bytes(data)
    head = text[:20_000]
    controls = sum(1 for ch in head if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if "\x00" in head or controls > max(2, len(head) // 100):
        raise _error(source, "not a text file (binary content)")
    return text.lstrip("\ufeff"), encoding


def _looks_tabular(text: str, delimiter: str | None) -> bool:
    """Tell whether *text* is delimited rows (CSV/TSV) rather than a list of lines."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    if len(lines) < 2:
        return False
    choices = [delimiter] if delimiter else [",", ";", "\t", "|"]
    for sep in choices:
        counts = [line.count(sep) for line in lines]
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        if mode >= 1 and counts.count(mode) >= 0.6 * len(lines):
            # Lines that all start with "|" are a Markdown table, not CSV.
            return not (sep == "|" and all(line.lstrip().startswith("|") for line in lines))
    return False


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most consistent number of cells.

    Records are parsed with the csv module for each candidate, so a delimiter
    inside a quoted cell ("Phí; lệ phí" in a comma-separated file) is not counted.
    """
    head = "\n".join(text.splitlines()[:60])
    best, best_score = ",", (-1, -1)
    for sep in (",", ";", "\t", "|"):
        try:
            widths = [
                len(record)
                for record in csv.reader(io.StringIO(head, newline=""), delimiter=sep)
                if any(cell.strip() for cell in record)
            ]
        except csv.Error:
            continue
        if not widths:
            continue
        mode = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(mode), mode) if mode > 1 else (0, 0)
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_csv(
    text: str,
    source: str,
    encoding: str,
    columns: Mapping[str, str | int] | None,
    limits: Limits,
) -> Listing:
    delimiter = _sniff_delimiter(text)
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            records.append(record)
            if len(records) > limits.max_rows:
                raise _limit(source, f"more than {limits.max_rows} rows "
                             "(Limits.max_rows, TTHC_MAX_ROWS)",
                             path=_position(source, None, len(records)))
    except csv.Error as exc:
        raise _limit(source, f"a cell over the CSV field limit ({exc})",
                     path=_position(source, None, len(records) + 1)) from None
    legacy = _Legacy.detect(cell for record in records for cell in record)
    builder = _Builder(source, limits, legacy)
    rows = (
        _Physical(number=i, cells=tuple(record)) for i, record in enumerate(records, start=1)
    )
    table = _Table(builder, None, _Context(), columns)
    if table.read(rows) is None:
        raise _error(source, "no column of procedure names (a header such as 'Tên thủ tục' "
                             f"in the first {_HEADER_SCAN} rows, or a columns override)")
    return builder.listing("csv", encoding, ())


# -------------------------------------------------------------------------------- zip


def _check_zip(file: Path, source: str, limits: Limits) -> set[str]:
    """Check an XLSX/DOCX archive's directory against the limits before unpacking."""
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError) as exc:
        raise _error(source, f"a damaged XLSX, DOCX or ODS (zip) file ({exc})") from None
    if len(infos) > input_limit("TTHC_MAX_FILES"):
        raise _limit(source, f"{len(infos)} archive members (TTHC_MAX_FILES)")
    total = sum(info.file_size for info in infos)
    if total > limits.max_bytes:
        raise _limit(source, f"unpacks to {total} bytes, over {limits.max_bytes} "
                             "(Limits.max_bytes, TTHC_MAX_BYTES)")
    return {info.filename for info in infos}


# ------------------------------------------------------------------------- spreadsheets
#
# XLSX, XLS (Excel 97-2003) and ODS are read by python-calamine (a Rust reader): cell values
# only, cached formula results, no styles. Merged ranges come from calamine for XLSX and XLS;
# calamine does not report them for ODS, so they are read from the file's content.xml.

_SPREADSHEET_NAMES = {"xlsx": "XLSX", "xls": "XLS (Excel 97-2003)", "ods": "ODS"}

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_merges(archive: zipfile.ZipFile) -> dict[str, list[tuple[int, int, int, int]]]:
    """Sheet name -> merged ranges (min_row, min_col, max_row, max_col), 1-based, of an ODS.

    OpenDocument marks a merged range on its first cell
    (``table:number-columns-spanned``, ``table:number-rows-spanned``); rows and
    cells may stand for several (``number-rows-repeated``, ``number-columns-repeated``).
    """
    t = _ODS_TABLE
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    sheet: list[tuple[int, int, int, int]] | None = None
    row = col = 0
    row_repeat = 1
    depth = 0  # nesting of tables: cells of a sub-table are not the sheet's
    with archive.open("content.xml") as handle:
        for event, element in ElementTree.iterparse(handle, events=("start", "end")):
            tag = element.tag
            if tag == f"{t}table":
                if event == "start":
                    depth += 1
                    if depth == 1:
                        sheet = found.setdefault(element.get(f"{t}name", ""), [])
                        row = 0
                else:
                    depth -= 1
                    element.clear()
                continue
            if depth != 1 or sheet is None:
                continue
            if tag == f"{t}table-row":
                if event == "start":
                    col = 0
                    row_repeat = int(element.get(f"{t}number-rows-repeated", "1") or 1)
                else:
                    row += row_repeat
                    element.clear()
            elif event == "start" and tag in (f"{t}table-cell", f"{t}covered-table-cell"):
                repeat = int(element.get(f"{t}number-columns-repeated", "1") or 1)
                across = int(element.get(f"{t}number-columns-spanned", "1") or 1)
                down = int(element.get(f"{t}number-rows-spanned", "1") or 1)
                if tag == f"{t}table-cell" and (across > 1 or down > 1):
                    sheet.append((row + 1, col + 1, row + down, col + across))
                col += repeat
    return found


def _cell_text(value: Any) -> tuple[str, bool]:
    """A spreadsheet value as text, and whether it was a number.

    >>> import datetime
    >>> [_cell_text(v) for v in ("Hộ tịch", 1.0, 1.00011, True, datetime.date(2019, 12, 31))]
    [('Hộ tịch', False), ('1', True), ('1.00011', True), ('TRUE', False), ('2019-12-31', False)]
    """
    if value is None:
        return "", False
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value), False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)), True
        return repr(value), True
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        text = str(isoformat())
        return (text[:10] if text.endswith("T00:00:00") else text.replace("T", " ")), False
    return str(value), False


_BLANK_RUN = 65_536


def _sheet_rows(
    values: Iterable[Sequence[Any]], merges: Sequence[tuple[int, int, int, int]]
) -> Iterator[_Physical]:
    """The rows of a sheet (cell values from row 1, column A) with merged ranges filled in.

    Blank rows at the end are not rows a person sees; they are dropped, as
    is everything after a run of :data:`_BLANK_RUN` blank rows.
    """
    starting: dict[int, list[tuple[int, int, int, int]]] = {}
    for merge in merges:
        starting.setdefault(merge[0], []).append(merge)
    active: list[tuple[tuple[int, int, int, int], str]] = []
    blanks: list[_Physical] = []
    for number, cells in enumerate(values, start=1):
        texts: list[str] = []
        numeric: set[int] = set()
        for index, value in enumerate(cells):
            text, is_number = _cell_text(value)
            texts.append(text)
            if is_number:
                numeric.add(index)
        across: set[int] = set()
        for merge in starting.get(number, ()):
            col = merge[1] - 1
            active.append((merge, texts[col] if col < len(texts) else ""))
        if active:
            still: list[tuple[tuple[int, int, int, int], str]] = []
            for merge, value in active:
                _row1, col1, row2, col2 = merge
                if number > row2:
                    continue
                still.append((merge, value))
                if len(texts) < col2:
                    texts.extend([""] * (col2 - len(texts)))
                for col in range(col1 - 1, col2):
                    if not texts[col]:
                        texts[col] = value
                    if col2 > col1:
                        across.add(col)
            active = still
        while texts and not texts[-1]:
            texts.pop()
        row = _Physical(number=number, cells=tuple(texts), merged_across=frozenset(across),
                        numeric=frozenset(numeric))
        if not texts:
            blanks.append(row)
            if len(blanks) >= _BLANK_RUN:
                return
            continue
        yield from blanks
        blanks.clear()
        yield row


def _read_spreadsheet(
    file: Path,
    source: str,
    fmt: str,
    columns: Mapping[str, str | int] | None,
    sheet: str | int | None,
    limits: Limits,
) -> Listing:
    """Read an XLSX, XLS or ODS workbook (*fmt*) with python-calamine."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum  # heavy: imported on use

    kind = _SPREADSHEET_NAMES[fmt]
    strings: list[str] = []
    ods_merges: dict[str, list[tuple[int, int, int, int]]] = {}
    if fmt in ("xlsx", "ods"):
        try:
            with zipfile.ZipFile(file) as archive:
                if fmt == "xlsx":
                    strings = _shared_strings(archive)
                else:
                    ods_merges = _ods_merges(archive)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, KeyError,
                ElementTree.ParseError, ValueError) as exc:
            raise _error(source, f"a damaged {kind} file ({exc})") from None
    try:
        workbook = CalamineWorkbook.from_path(str(file))
    except Exception as exc:  # calamine raises its own error types, and ValueError
        raise _error(source, f"a damaged {kind} file ({type(exc).__name__}: {exc})") from None
    try:
        names = list(workbook.sheet_names)
        states = {
            item.name: ("visible" if item.visible == SheetVisibleEnum.Visible else "hidden", "")
            for item in workbook.sheets_metadata
        }
        chosen = _choose_sheets(names, states, sheet, source)
        sheets: dict[str, tuple[list[list[Any]], list[tuple[int, int, int, int]]]] = {}
        for name in chosen:
            try:
                grid = workbook.get_sheet_by_name(name)
                values = grid.to_python(skip_empty_area=False, nrows=limits.max_rows + 1)
                ranges = grid.merged_cell_ranges
            except Exception as exc:  # a damaged sheet fails when it is read
                raise _error(source, f"a damaged sheet ({type(exc).__name__}: {exc})",
                             path=f"{source}, sheet {name!r}") from None
            merges = (
                [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ranges]
                if ranges is not None else ods_merges.get(name, [])
            )
            sheets[name] = (values, merges)
    finally:
        workbook.close()
    # Typed text lives in the shared strings of an XLSX; elsewhere, sample the text cells.
    legacy = _Legacy.detect(strings) if strings else _Legacy.detect(
        value
        for values, _ in sheets.values()
        for cells in values[:500]
        for value in cells
        if isinstance(value, str)
    )
    builder = _Builder(source, limits, legacy)
    found = False
    for name in chosen:
        table = _Table(builder, name, _Context(), columns)
        found = table.read(_sheet_rows(*sheets[name])) is not None or found
    if not found:
        where = ", ".join(repr(n) for n in chosen) or "none"
        raise _error(source, "no sheet has a column of procedure names (a header such "
                             f"as 'Tên thủ tục'); sheets read: {where}")
    return builder.listing(fmt, None, chosen)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The workbook's shared strings (where typed text lives), for legacy detection."""
    try:
        data = archive.read("xl/sharedStrings.xml")
    except KeyError:
        return []
    texts = re.findall(rb"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>", data)
    out: list[str] = []
    for raw in texts[:20_000]:
        text = raw.decode("utf-8", "replace")
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
        out.append(text.replace("&apos;", "'").replace("&amp;", "&"))
    return out


def _choose_sheets(
    names: Sequence[str],
    parts: Mapping[str, tuple[str, str]],
    sheet: str | int | None,
    source: str,
) -> list[str]:
    if sheet is None:
        return [n for n in names if parts.get(n, ("visible", ""))[0] == "visible"]
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return [names[sheet]]
    else:
        for name in names:
            if name == sheet or _norm(name) == _norm(sheet):
                return [name]
    listed = ", ".join(repr(n) for n in names)
    raise _error(source, f"no sheet {sheet!r} (sheets: {listed})")

# -------------------------------------------------------------------------------- pdf
#
# A PDF with a text layer (as provinces publish decisions) is read with pdfplumber: the
# ruled tables of each page, and the lines of text outside them, in reading order. Each
# page is a part ("page 2") whose rows are numbered from its top, so a position reads
# "ds.pdf, page 2, row 5". A row that a page break splits is joined back to its first part.

_PDF_ITEM = tuple[float, tuple[str, ...], frozenset[int], int]  # top, cells, merged, table


#: The space LibreOffice and Word leave between a cell's text and its right ruling line.
_PDF_PADDING = 5.5


_LAST_WORD = re.compile(r"(\w+)$")
_FIRST_WORD = re.compile(r"\w+")


def _split_syllable(before: str, line: str) -> bool | None:
    """Whether a line break between *before* and *line* fell inside one Vietnamese syllable.

    ``True`` when the two pieces read as one syllable and not both alone
    ("chuyể" / "n", "trườn" / "g": the layout broke a word); ``False`` when
    both are syllables and together are not ("Chứng" / "thực": two words);
    ``None`` when the letters cannot tell (numbers, codes, loan words).

    >>> _split_syllable("công ty luật, chuyể", "n đổi"), _split_syllable("trườn", "g hợp")
    (True, True)
    >>> _split_syllable("Chứng", "thực văn bản"), _split_syllable("62-btc.signed.pd", "f")
    (False, None)
    >>> _split_syllable("trong", "các giấy tờ")
    False
    """
    last = _LAST_WORD.search(before)
    first = _FIRST_WORD.match(line)
    if last is None or first is None:
        return None
    a, b = last.group(1), first.group(0)
    if not (a.isalpha() and b.isalpha()):
        return None
    whole = is_syllable(a + b)
    if whole and b[0].islower() and not (is_syllable(a) and is_syllable(b)):
        return True
    if not whole and is_syllable(a) and is_syllable(b):
        return False
    return None


def _pdf_cell(text: str | None, lines: Sequence[tuple[str, float, float]] = (),
              right: float = 0.0) -> str:
    r"""A PDF cell's text, NFC, its wrapped lines joined with a space where one was lost.

    A break after "/" or a word's hyphen ("NĐ-" / "CP"), before a hyphen that ends
    a word ("QĐ" / "-TTg"), inside a number ("25.000." / "000đ") or before wrapped
    punctuation had no space. So had a break inside a word too long for the column:
    a line of one word that fills the cell to its *right* edge, leaving no room
    for the next line's first glyph (*lines* give each line's text, right end
    and first glyph's width, when known).

    >>> _pdf_cell("Quyết định 188/2007/QĐ\n-TTg (đối tượng\nlập hồ sơ lần đầu)")
    'Quyết định 188/2007/QĐ-TTg (đối tượng lập hồ sơ lần đầu)'
    >>> _pdf_cell("Nghị định số 31/2013/NĐ-\nCP\n- Lệ phí: 0 đồng")
    'Nghị định số 31/2013/NĐ-CP - Lệ phí: 0 đồng'
    >>> lines = [("kèm: 62-", 484.2, 6.0), ("btc.signed.pd", 511.1, 6.0), ("f", 438.0, 3.0)]
    >>> _pdf_cell("", lines, 516.6)
    'kèm: 62-btc.signed.pdf'
    """
    found = list(lines) or [(line, 0.0, 0.0) for line in (text or "").splitlines()]
    joined = ""
    end = 0.0
    single = False
    for raw, right_end, first_width in found:
        line = " ".join(raw.split())
        if not line:
            continue
        split = _split_syllable(joined, line)
        forced = (single and bool(right) and right - _PDF_PADDING - end < min(first_width, 1.5)
                  and not (joined[-1].isupper() and line[0].islower())  # "UBND" / "cấp"
                  and split is not False)  # "Chứng" / "thực": two words, not one
        tight = forced or split is True or joined.endswith("/") or (
            joined.endswith("-") and not joined.endswith(" -"))
        # Inside a number: "25.000." / "000đ", or a code too long for its column.
        number = line[0].isdigit() and bool(
            re.search(r"\d[.,]$", joined) or (single and joined[-1:].isdigit()))
        closing = line[0] in ",.;:)]"  # punctuation wrapped to the next line
        glue = "" if not joined or tight or number or closing or re.match(r"-\S", line) else " "
        joined += glue + line
        end, single = right_end, " " not in line
    return nfc(joined)


def _pdf_table_rows(
    page: Any, table: Any
) -> list[tuple[float, tuple[str, ...], frozenset[int]]]:
    """The rows of a pdfplumber table: (top, cells, merged-across columns), merges filled in.

    pdfplumber gives ``None`` for a grid position a merged cell covers; the cell
    that covers it is the one to its left whose box reaches into the column, else
    the one above whose box reaches into the row.
    """
    grid = [list(row.cells) for row in table.rows]
    texts = table.extract()
    width = max((len(r) for r in grid), default=0)
    lefts = [
        min((r[c][0] for r in grid if c < len(r) and r[c] is not None), default=0.0)
        for c in range(width)
    ]
    out: list[tuple[float, tuple[str, ...], frozenset[int]]] = []
    filled: list[list[str]] = []
    for i, row in enumerate(grid):
        cells = [
            _pdf_cell(t, _pdf_lines(page, row[c]) if t and "\n" in t else (),
                      row[c][2] if t and "\n" in t else 0.0)
            for c, t in enumerate(texts[i])
        ] + [""] * (width - len(texts[i]))
        across: set[int] = set()
        tops = [box[1] for box in row if box is not None]
        top = min(tops) if tops else (out[-1][0] if out else 0.0)
        for c in range(width):
            if c < len(row) and row[c] is not None:
                continue
            left = next((k for k in range(c - 1, -1, -1) if k < len(row)
                         and row[k] is not None), None)
            if left is not None and row[left][2] > lefts[c] + 1:
                cells[c] = cells[left]
                across.update((left, c))
                continue
            for k in range(i - 1, -1, -1):
                box = grid[k][c] if c < len(grid[k]) else None
                if box is not None:
                    if box[3] > top + 1:
                        cells[c] = filled[k][c]
                    break
        filled.append(cells)
        out.append((top, tuple(cells), frozenset(across)))
    return out


def _pdf_lines(
    page: Any, box: tuple[float, float, float, float]
) -> list[tuple[str, float, float]]:
    """The lines of text in *box* of *page*: text, right end, width of the first glyph."""
    # Inset a little: glyphs of the row below may reach over the ruling line.
    x0, top, x1, bottom = box
    inset = min(1.5, (bottom - top) / 4)
    lines = page.crop((x0, top + inset, x1, bottom - inset)).extract_text_lines()
    return [(line["text"], float(line["x1"]),
             float(line["chars"][0]["x1"] - line["chars"][0]["x0"]) if line["chars"] else 0.0)
            for line in lines]


def _pdf_pages(file: Path, source: str) -> list[list[_PDF_ITEM]]:
    """Each page's items in reading order: table rows and the text lines outside tables."""
    import pdfplumber  # heavy: imported on use

    pages: list[list[_PDF_ITEM]] = []
    chars = 0
    try:
        with pdfplumber.open(file) as pdf:
            for page in pdf.pages:
                chars += len(page.chars)
                items: list[_PDF_ITEM] = []
                boxes: list[tuple[float, float, float, float]] = []
                for number, table in enumerate(page.find_tables(), start=1):
                    items.extend((top, cells, across, number)
                                 for top, cells, across in _pdf_table_rows(page, table))
                    boxes.append(table.bbox)

                def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
                    x = (obj["x0"] + obj["x1"]) / 2
                    y = (obj["top"] + obj["bottom"]) / 2
                    return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

                rest = page.filter(outside) if boxes else page
                items.extend((line["top"], (_pdf_cell(line["text"]),), frozenset(), 0)
                             for line in rest.extract_text_lines())
                items.sort(key=lambda item: item[0])
                pages.append(items)
                page.close()
    except Exception as exc:  # pdfminer raises many types on damaged or encrypted files
        name = type(exc).__name__
        what = "an encrypted PDF file" if "Password" in name or "Encrypt" in name else (
            "a damaged PDF file")
        raise _error(source, f"{what} ({name}: {exc})".rstrip(": )") + ")") from None
    if chars == 0:
        raise _error(source, f"a scanned PDF: its {len(pages)} page(s) are pictures with no "
                             "text layer; it needs OCR (text recognition) before tthc can read "
                             "it, or ask for the PDF exported from Word or Excel")
    return pages


def _read_pdf(
    file: Path, source: str, columns: Mapping[str, str | int] | None, limits: Limits
) -> Listing:
    pages = _pdf_pages(file, source)
    # A row split by a page break: the first table row of a page with an empty first cell,
    # below a table of the same width at the end of the previous page, is the rest of it.
    last: tuple[int, int] | None = None  # (page, item) of the last table row so far
    for number, page in enumerate(pages):
        tables = [i for i, item in enumerate(page) if item[3]]
        if tables and last is not None:
            before, first = pages[last[0]][last[1]], page[tables[0]]
            if (len(first[1]) == len(before[1]) and first[1] and not first[1][0]
                    and any(first[1]) and before[1][0] and not first[2]):
                joined = tuple(_pdf_cell("", [(a, 0.0, 0.0), (b, 0.0, 0.0)]) if a and b
                               else a or b
                               for a, b in zip(before[1], first[1], strict=True))
                pages[last[0]][last[1]] = (before[0], joined, before[2], before[3])
                del page[tables[0]]
                tables = [i - 1 for i in tables[1:]]
        if tables:
            last = (number, tables[-1])
    legacy = _Legacy.detect(cell for page in pages for item in page for cell in item[1])
    builder = _Builder(source, limits, legacy)
    context = _Context()
    inherited: dict[int, str] | None = None
    width = -1
    found = False
    sheets: list[str] = []
    for number, page in enumerate(pages, start=1):
        name = f"page {number}"
        sheets.append(name)
        rows = [_Physical(number=i, cells=item[1], merged_across=item[2])
                for i, item in enumerate(page, start=1)]
        # One table per ruled table of the page, with the text lines above it.
        segments: list[list[_Physical]] = [[]]
        current = 0  # the ruled table the segment holds (0: none yet)
        for row, item in zip(rows, page, strict=True):
            if item[3] and current and item[3] != current:
                segments.append([])
            if item[3]:
                current = item[3]
            segments[-1].append(row)
        for segment in segments:
            this_width = max((len(r.cells) for r in segment), default=0)
            table = _Table(builder, name, context, columns,
                           inherited if this_width == width else None)
            roles = table.read(segment)
            if roles is not None:
                inherited, width, found = roles, this_width, True
    if not found:
        raise _error(source, "no table has a column of procedure names (a header such as "
                             "'Tên thủ tục'); tables are found by their ruling lines")
    return builder.listing("pdf", None, sheets)


# -------------------------------------------------------------------------------- doc
#
# Word 97-2003 files are converted to DOCX by LibreOffice (headless), then read as DOCX.
# antiword was tried and left out: its tables lose columns (a nine-column appendix came out
# with two and four) and split at merged rows, so rows would be read wrong without an error.

_CONVERT_TIMEOUT = 300


def _soffice() -> str | None:
    """The LibreOffice command on ``PATH`` (``soffice`` or ``libreoffice``), if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_bytes(path: str | os.PathLike[str]) -> bytes:
    """The content of a Word file as DOCX: the file itself, or a ``.doc`` converted.

    A Word 97-2003 file (``.doc``, recognised by its content) is converted with
    LibreOffice (``soffice --headless --convert-to docx``); the result is kept
    for the file's size and modification time, so reading it again costs nothing.

    Raises:
        InputError: a ``.doc`` and no LibreOffice (the message names the
            command and the Debian package), or LibreOffice could not convert it.

    .. versionadded:: 0.1
    """
    file = Path(path)
    source = os.fspath(path)
    try:
        with file.open("rb") as handle:
            head = handle.read(8)
        stat = file.stat()
    except OSError as exc:
        raise _error(source, f"cannot open it ({exc.strerror or exc})") from None
    if not head.startswith(b"\xd0\xcf\x11\xe0"):
        return file.read_bytes()
    return _converted_doc(source, str(file.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _converted_doc(source: str, resolved: str, _mtime: int, _size: int) -> bytes:
    command = _soffice()
    if command is None:
        raise _error(source, "an old binary Word file (.doc): reading it needs LibreOffice "
                             "(the 'soffice' command was not found; on Debian: apt-get install "
                             "libreoffice-writer-nogui), or save it as .docx")
    with tempfile.TemporaryDirectory(prefix="tthc-doc-") as folder:
        work = Path(folder)
        try:
            done = subprocess.run(
                [command, "--headless", "--norestore", "--nologo", "--nolockcheck",
                 f"-env:UserInstallation={(work / 'profile').as_uri()}",
                 "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"),
                 resolved],
                capture_output=True, timeout=_CONVERT_TIMEOUT, check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _error(source, f"LibreOffice could not convert this .doc file ({exc})") from None
        result = work / "out" / f"{Path(resolved).stem}.docx"
        if done.returncode != 0 or not result.is_file():
            lines = (done.stderr or done.stdout).decode("utf-8", "replace").splitlines()
            said = next((line.strip()[:200] for line in reversed(lines)
                         if line.strip() and not line.startswith("Warning")), "")
            raise _error(source, "LibreOffice could not convert this .doc file (a damaged "
                                 f"Word 97-2003 file?){': ' + said if said else ''}")
        return result.read_bytes()


# ------------------------------------------------------------------------------- docx


def _read_docx(
    file: Path,
    source: str,
    columns: Mapping[str, str | int] | None,
    limits: Limits,
    *,
    content: bytes | None = None,
) -> Listing:
    import docx  # heavy: imported on use
    from docx.oxml.ns import qn

    try:
        if content is not None:  # a .doc, converted
            document = docx.Document(io.BytesIO(content))
        else:
            with file.open("rb") as handle:
                document = docx.Document(handle)
    except Exception as exc:
        raise _error(source, f"a damaged DOCX file ({type(exc).__name__}: {exc})") from None
    body = document.element.body
    tag_p, tag_tbl = qn("w:p"), qn("w:tbl")
    blocks: list[tuple[str, Any]] = [
        ("p", el) if el.tag == tag_p else ("tbl", el)
        for el in body.iterchildren()
        if el.tag in (tag_p, tag_tbl)
    ]
    tables = [
        (n, list(_docx_rows(el, qn))) for n, (kind, el) in enumerate(blocks) if kind == "tbl"
    ]
    texts = [_docx_text(el, qn) for kind, el in blocks if kind == "p"]
    legacy = _Legacy.detect(
        itertools.chain(texts, (c for _, rows in tables for row in rows for c in row.cells))
    )
    if not tables:
        lines = [(index, text) for index, text in enumerate(texts, start=1)]
        numbered = {
            index
            for index, (kind, el) in enumerate((b for b in blocks if b[0] == "p"), start=1)
            if el.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None
        }
        builder = _Builder(source, limits, legacy)
        _read_lines(builder, lines, columns, numbered=numbered)
        if not builder.rows:
            raise _error(source, "no table and no list of procedure names")
        return builder.listing("docx", None, ())
    builder = _Builder(source, limits, legacy)
    context = _Context()
    inherited: dict[int, str] | None = None
    width = -1
    found = False
    sheets: list[str] = []
    by_block = dict(tables)
    number = 0
    for position, (kind, el) in enumerate(blocks):
        if kind == "p":
            text = nfc(legacy.convert(_docx_text(el, qn)))
            heading = _heading(text) if text else None
            if heading is not None:
                context.update("level" if heading[0] == "level" else "field", heading[1], text)
            continue
        number += 1
        name = f"table {number}"
        rows = by_block[position]
        this_width = max((len(r.cells) for r in rows), default=0)
        table = _Table(builder, name, context, columns,
                       inherited if this_width == width else None)
        roles = table.read(rows)
        sheets.append(name)
        if roles is not None:
            inherited, width, found = roles, this_width, True
    if not found:
        raise _error(source, "no table has a column of procedure names (a header such as "
                             "'Tên thủ tục')")
    return builder.listing("docx", None, sheets)


def _docx_text(element: Any, qn: Any) -> str:
    parts: list[str] = []
    for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        else:
            parts.append(" ")
    return "".join(parts)


def _docx_rows(table: Any, qn: Any) -> Iterator[_Physical]:
    """The rows of a Word table on its grid, merged cells filled in."""
    above: dict[int, str] = {}
    for number, tr in enumerate(table.iterchildren(qn("w:tr")), start=1):
        cells: list[str] = []
        across: set[int] = set()
        before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        if before is not None:
            cells.extend([""] * int(before.get(qn("w:val"), "0") or 0))
        for tc in tr.iterchildren(qn("w:tc")):
            span = 1
            vmerge = None
            props = tc.find(qn("w:tcPr"))
            if props is not None:
                grid = props.find(qn("w:gridSpan"))
                if grid is not None:
                    span = max(1, int(grid.get(qn("w:val"), "1") or 1))
                merge = props.find(qn("w:vMerge"))
                if merge is not None:
                    vmerge = merge.get(qn("w:val"), "continue")
            paragraphs = [_docx_text(p, qn) for p in tc.iterchildren(qn("w:p"))]
            text = unicodedata.normalize("NFC", "\n".join(paragraphs).strip())
            col = len(cells)
            if vmerge == "continue":
                text = above.get(col, "")
            for k in range(span):
                cells.append(text)
                above[col + k] = text
                if span > 1:
                    across.add(col + k)
        yield _Physical(number=number, cells=tuple(cells), merged_across=frozenset(across))


# ------------------------------------------------------------------------------- text

_ITEM = re.compile(r"^\s*(?P<num>\d{1,4})\s*[.)]\s+(?P<text>\S.*)$")
_BULLET = re.compile(r"^\s*[-*+•–]\s+(?P<text>\S.*)$")
_MD_HEADING = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s*:?-{2,}:?\s*$")
_TITLE = re.compile(
    r"^(?:danh muc|danh sach|bang niem yet|phu luc|quyet dinh|cong hoa|doc lap"
    r"|uy ban nhan dan|ubnd|so:?\s)"
)


def _read_text(
    text: str,
    source: str,
    encoding: str,
    columns: Mapping[str, str | int] | None,
    limits: Limits,
) -> Listing:
    lines = list(enumerate(text.splitlines(), start=1))
    legacy = _Legacy.detect(line for _, line in lines)
    builder = _Builder(source, limits, legacy)
    tables = _read_lines(builder, lines, columns)
    if not builder.rows and not tables:
        raise _error(source, "no procedure names found (no table, no list)")
    return builder.listing("text", encoding, tables)


def _split_markdown(line: str) -> tuple[str, ...]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells = re.split(r"(?<!\\)\|", body)
    return tuple(cell.strip().replace("\\|", "|") for cell in cells)


def _read_lines(
    builder: _Builder,
    lines: Sequence[tuple[int, str]],
    columns: Mapping[str, str | int] | None,
    *,
    numbered: set[int] | None = None,
) -> list[str]:
    """Read text lines (a text file, or Word paragraphs): lists, Markdown tables, headings."""
    numbered = numbered or set()
    legacy = builder.legacy
    has_items = bool(numbered) or any(
        _ITEM.match(line) or _BULLET.match(line) for _, line in lines
    )
    context = _Context()
    tables: list[str] = []
    started = False
    index = 0
    while index < len(lines):
        number, line = lines[index]
        if line.lstrip().startswith("|"):
            block: list[tuple[int, str]] = []
            while index < len(lines) and lines[index][1].lstrip().startswith("|"):
                block.append(lines[index])
                index += 1
            name = f"table {len(tables) + 1}"
            rows = [
                _Physical(number=n, cells=_split_markdown(text)) for n, text in block
            ]
            rows = [
                _Physical(number=r.number, cells=("",) * len(r.cells))
                if r.cells and all(_MD_RULE.match(c) for c in r.cells if c) and any(r.cells)
                else r
                for r in rows
            ]
            # A rule line under the header is part of the header.
            table = _Table(builder, name, context, columns)
            before = len(builder.skipped)
            table.read(rows)
            lines_of = dict(block)
            for pos in range(before, len(builder.skipped)):
                gone = builder.skipped[pos]
                cells = _split_markdown(lines_of[gone.row])
                if gone.reason == "blank" and any(_MD_RULE.match(c) for c in cells if c):
                    builder.skipped[pos] = attrs.evolve(gone, raw=cells, reason="header")
            tables.append(name)
            started = True
            continue
        index += 1
        builder.count(None, number, (line,))
        physical = _Physical(number=number, cells=(line,))
        clean = nfc(legacy.convert(line))
        if not clean:
            builder.skip(None, physical, "blank")
            continue
        folded = _norm(clean)
        heading_md = _MD_HEADING.match(clean)
        if heading_md:
            title = heading_md.group("text")
            found = _heading(title)
            if found is not None and found[0] != "group":
                context.update("level" if found[0] == "level" else "field", found[1], title)
                builder.skip(None, physical, "heading")
            elif not started and len(heading_md.group("hashes")) == 1:
                builder.skip(None, physical, "title")
            else:
                context.update("field", _field_name(title), title)
                builder.skip(None, physical, "heading")
            continue
        item = _ITEM.match(clean)
        bullet = _BULLET.match(clean)
        text = item.group("text") if item else bullet.group("text") if bullet else clean
        is_item = bool(item or bullet or number in numbered)
        found = _heading(clean)
        # A numbered or bulleted line is an item unless it names a level or a
        # field outright ("1. Lĩnh vực hộ tịch"); capitals alone do not make
        # an item a heading.
        if found is not None and (found[0] != "group" or not is_item):
            context.update("level" if found[0] == "level" else "field", found[1], clean)
            builder.skip(None, physical, "heading")
            continue
        if not is_item:
            if not started and (_TITLE.match(folded) or has_items):
                builder.skip(None, physical, "title")
                continue
            if started and builder.rows and (line[:1].isspace() or clean[:1].islower()):
                last = builder.rows[-1]
                if last.sheet is None:
                    builder.rows[-1] = attrs.evolve(last, name=nfc(f"{last.name} {clean}"))
                    builder.skip(None, physical, "continuation")
                    continue
            if _NOTE.match(folded) or (started and _TITLE.match(folded)):
                builder.skip(None, physical, "note")
                continue
            if has_items:
                words = clean.split()
                if len(words) <= 12 and not clean.endswith("."):
                    context.update("field", _field_name(clean.rstrip(":")), clean)
                    builder.skip(None, physical, "heading")
                else:
                    builder.skip(None, physical, "note")
                continue
        started = True
        code_raw, name = _code_in_text(text)
        if not name:
            builder.skip(None, physical, "no-name")
            continue
        code, local = _read_code(code_raw)
        builder.rows.append(
            ListingRow(
                source=builder.source,
                sheet=None,
                row=number,
                raw=(line,),
                code_raw=code_raw,
                code=code,
                local_code=local,
                name=name,
                field=context.field,
                level=context.level,
                stt=item.group("num") if item else None,
                heading=context.heading,
            )
        )
    return tables


def _code_in_text(text: str) -> tuple[str | None, str]:
    """Split "Đăng ký khai sinh (1.001193)" into the code and the name."""
    found = _CODE_IN_TEXT.search(text)
    if not found:
        return None, nfc(text)
    code = found.group(0)
    rest = text[: found.start()] + " " + text[found.end():]
    rest = re.sub(r"(?i)\b(?:mã số|mã tthc|mã|ký hiệu)\s*:?\s*(?=[\s)\]]|$)", " ", rest)
    rest = re.sub(r"[(\[]\s*[)\]]", " ", rest)
    rest = nfc(rest).strip(" -–—:|,;")
    return code, nfc(rest)
