"""Sectors: which ministry manages each field (lĩnh vực) of procedures.

Reports written by district offices name the *sector* of a group of
procedures ("xây dựng", "công thương"), where the national database names
the *field* ("Hoạt động xây dựng", "Lưu thông hàng hóa trong nước"). tthc
ships a field → ministry table derived from the national portal's exports
(``scripts/build_sectors.py``, see docs/importing.md), and a catalogue may
override it with a ``sectors.csv`` file of its own (docs/catalog-format.md).

>>> sector_of("Hoạt động xây dựng").sector
'xây dựng'
>>> sector_of("LĨNH VỰC HOẠT ĐỘNG XÂY DỰNG").ministry
'Bộ Xây dựng'
>>> sector_of("Lưu thông hàng hoá trong nước").sector
'công thương'
>>> sector_of("Phát thanh, truyền hình và thông tin điện tử") is None
True

A field the shipped table does not cover has no sector: nothing is guessed,
and a report then names the field itself.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Literal

import attrs

from tthc.errors import CatalogDataError, Problem
from tthc.procedure import Field
from tthc.text import nfc

__all__ = [
    "OVERRIDE_COLUMNS",
    "OVERRIDE_FILE",
    "Naming",
    "Sector",
    "SectorMap",
    "dumps_overrides",
    "parse_overrides",
    "sector_name",
    "sector_of",
    "shipped_sectors",
]

#: The override file a catalogue folder may hold, next to ``unit.toml``.
OVERRIDE_FILE = "sectors.csv"
#: Its columns: ``field`` is required, ``sector``, ``ministry`` and ``note`` optional.
OVERRIDE_COLUMNS = ("field", "sector", "ministry", "note")
#: The shipped table inside the package (``tthc.data``).
SHIPPED_FILE = "sectors.csv"
#: How a report names a group of procedures: by sector, or by field.
Naming = Literal["sector", "field"]

_BRACKETS = re.compile(r"\s*\([^()]*\)")


def sector_name(ministry: str) -> str:
    """The sector as offices write it, from the name of the managing ministry.

    The rule: drop a bracketed note, the leading "Bộ " and a trailing
    " Việt Nam", then write the rest in lower case.

    >>> sector_name("Bộ Xây dựng"), sector_name("Bộ Công Thương")
    ('xây dựng', 'công thương')
    >>> sector_name("Bộ Tài nguyên và Môi trường")
    'tài nguyên và môi trường'
    >>> sector_name("Bộ xây dựng (Giao thông vận tải cũ)")
    'xây dựng'
    >>> sector_name("Ngân hàng Nhà nước Việt Nam")
    'ngân hàng nhà nước'
    """
    text = nfc(_BRACKETS.sub("", nfc(ministry)))
    if text[:3].casefold() == "bộ ":
        text = text[3:]
    text = re.sub(r"\s+Việt Nam$", "", text, flags=re.IGNORECASE)
    return text.strip().lower()


@attrs.frozen(kw_only=True)
class Sector:
    """The sector of one field.

    .. versionadded:: 0.1.0
    """

    #: The field, as a :class:`~tthc.procedure.Field` (its key is the lookup key).
    field: Field
    #: The sector as offices write it ("xây dựng"); empty when the field is to be
    #: named itself (an override can say so).
    sector: str
    #: The managing ministry ("Bộ Xây dựng"), when known.
    ministry: str = ""
    #: Where the row comes from (a file and the evidence, or the override file and row).
    source: str = ""


@attrs.frozen
class SectorMap:
    """Field key → :class:`Sector`, with the lookups a report needs.

    >>> shipped = shipped_sectors()
    >>> local = shipped.override([Sector(field=Field.of("Hộ kinh doanh"), sector="")])
    >>> local.sector_of("Hộ kinh doanh") is None, shipped.sector_of("Hoạt động xây dựng").sector
    (True, 'xây dựng')
    """

    _by_key: Mapping[str, Sector]

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Sector]:
        return iter(self._by_key.values())

    def sector_of(self, field: Field | str) -> Sector | None:
        """The sector of *field* (any spelling, with or without diacritics), or ``None``.

        A field an override names itself (empty sector) also gives ``None``.
        """
        key = (field if isinstance(field, Field) else Field.of(field)).key
        found = self._by_key.get(key)
        if found is None or not found.sector:
            return None
        return found

    def override(self, rows: Iterable[Sector]) -> SectorMap:
        """A new map: *rows* replace the rows of the same field (an empty sector unmaps it)."""
        merged = dict(self._by_key)
        for row in rows:
            merged[row.field.key] = row
        return SectorMap(MappingProxyType(dict(sorted(merged.items()))))


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """The CSV rows of *text*, each with the line it starts on; comment lines (``#``) skipped.

    >>> list(_rows('# note\\na,b\\n"x\\ny",z\\n'))
    [(2, ['a', 'b']), (3, ['x\\ny', 'z'])]

    Raises:
        csv.Error: the text is not CSV (a quote left open at the end, for example).
    """
    start: list[int] = []

    def lines() -> Iterator[str]:
        for number, line in enumerate(text.splitlines(keepends=True), 1):
            if not start and line.lstrip().startswith("#"):
                continue
            if not start:
                start.append(number)
            yield line

    for row in csv.reader(lines(), strict=True):
        yield start.pop(), row


def _read_shipped(text: str) -> SectorMap:
    found: dict[str, Sector] = {}
    rows = _rows(text)
    header = next(rows)[1]
    for _, cells in rows:
        record = dict(zip(header, cells, strict=True))
        field = Field.of(record["field"])
        found[field.key] = Sector(field=field, sector=record["sector"],
                                  ministry=record["ministry"], source=record["source"])
    return SectorMap(MappingProxyType(found))


@functools.cache
def shipped_sectors() -> SectorMap:
    """The field → sector table shipped in the package (read once, on first use)."""
    data = importlib.resources.files("tthc.data").joinpath(SHIPPED_FILE).read_bytes()
    return _read_shipped(data.decode("utf-8"))


def sector_of(field: Field | str) -> Sector | None:
    """The sector of *field* in the shipped table, or ``None`` (see :meth:`SectorMap.sector_of`)."""
    return shipped_sectors().sector_of(field)


def parse_overrides(text: str, source: str = OVERRIDE_FILE) -> tuple[Sector, ...]:
    """Read a catalogue's ``sectors.csv`` (its text) into rows for :meth:`SectorMap.override`.

    The header names the columns (:data:`OVERRIDE_COLUMNS`, any order;
    ``field`` is required). Each row gives a field and its ``sector``, or
    its ``ministry`` (the sector then follows :func:`sector_name`), or
    neither: the field is then named itself. Lines starting with ``#`` are
    comments.

    >>> rows = parse_overrides("field,ministry\\nHộ kinh doanh,Bộ Tài chính\\n")
    >>> rows[0].field.key, rows[0].sector, rows[0].source
    ('ho-kinh-doanh', 'tài chính', 'sectors.csv: row 2')

    Raises:
        CatalogDataError: with every bad row (file and row named): no header,
            an unknown column, a row with more cells than the header, an
            empty field, a field given twice.
    """
    try:
        rows = list(_rows(text.removeprefix("\ufeff")))
    except csv.Error as exc:
        raise CatalogDataError(
            [Problem(source=source, path="", code="csv-syntax", message=f"not CSV: {exc}")],
            f"{source}: not CSV") from None
    return _overrides(iter(rows), source)


def _overrides(rows: Iterator[tuple[int, list[str]]], source: str) -> tuple[Sector, ...]:
    problems: list[Problem] = []
    found: list[Sector] = []
    first = next(rows, None)
    if first is None or not any(cell.strip() for cell in first[1]):
        problems.append(Problem(source=source, path="", code="no-header",
                                message="no header row (field,sector,ministry,note)"))
        raise CatalogDataError(problems, f"{source}: no header")
    header = [nfc(cell).casefold() for cell in first[1]]
    unknown = [name for name in header if name not in OVERRIDE_COLUMNS]
    if unknown or "field" not in header or len(set(header)) != len(header):
        problems.append(Problem(
            source=source, path=f"row {first[0]}", code="bad-header",
            message="the header must name the column field and may name sector, ministry "
            f"and note, each once (found: {', '.join(header)})"))
        raise CatalogDataError(problems, f"{source}: bad header")
    seen: dict[str, int] = {}
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        where = f"row {line}"
        if len(cells) > len(header):
            problems.append(Problem(source=source, path=where, code="extra-cells",
                                    message=f"{len(cells)} cells for {len(header)} columns"))
            continue
        record = {name: nfc(cell) for name, cell in zip(header, cells, strict=False)}
        if not record.get("field"):
            problems.append(Problem(source=source, path=where, code="missing-field",
                                    message="the field (lĩnh vực) is empty"))
            continue
        field = Field.of(record["field"])
        if not field.key:
            problems.append(Problem(source=source, path=where, code="missing-field",
                                    message=f"{record['field']!r} names no field"))
            continue
        if field.key in seen:
            problems.append(Problem(
                source=source, path=where, code="duplicate-field",
                message=f"the field {field.name!r} is also given on row {seen[field.key]}"))
            continue
        seen[field.key] = line
        ministry = record.get("ministry", "")
        sector = record.get("sector", "") or (sector_name(ministry) if ministry else "")
        found.append(Sector(field=field, sector=sector, ministry=ministry,
                            source=f"{source}: {where}"))
    if problems:
        count = len(problems)
        raise CatalogDataError(problems, f"{source}: {count} bad row{'s' if count != 1 else ''}")
    return tuple(found)


def dumps_overrides(rows: Iterable[Sector]) -> str:
    """The text of a ``sectors.csv`` holding *rows*: what :func:`parse_overrides` reads back.

    Rows are written in field order, each with its sector (empty: the field
    is named itself) and ministry, so the same rows always give the same bytes.

    >>> rows = parse_overrides("field,ministry\\nHộ kinh doanh,Bộ Tài chính\\n")
    >>> print(dumps_overrides(rows), end="")
    field,sector,ministry
    Hộ kinh doanh,tài chính,Bộ Tài chính
    >>> [r.sector for r in parse_overrides(dumps_overrides(rows))]
    ['tài chính']
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("field", "sector", "ministry"))
    for row in sorted(rows, key=lambda r: r.field.key):
        writer.writerow((row.field.name, row.sector, row.ministry))
    return buffer.getvalue()
