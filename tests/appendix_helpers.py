"""Render decision appendices into XLSX, DOCX and CSV files, in the layouts of real decisions.

The fixtures of ``tests/test_importers.py`` are made here from
``tests/data/real/decision_appendix_extracts.csv`` as it is: every cell text and
heading text is the extract's own, typos and broken syllables included.

* :func:`layout_1766` is the layout of Bình Thuận 1766/QĐ-UBND (03/8/2020),
  as published on thuvienphapluat.vn (read from ``TuanHuu168/CongBot``
  ``Data/file_data_3.md`` @ b8849f31): the appendix title, part A "DANH MỤC
  THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG (51 TTHC)" with a two-row header (the
  "Cách thức thực hiện" column split into "Mức độ DVC" and "Thực hiện qua
  BCCI"), field headings numbered I, II … and level headings numbered I.1,
  I.2 … in the STT column with the text merged across the row, a blank row
  closing the table; part B "… BỊ BÃI BỎ (21 TTHC)" with its own table
  (TT, Mã số TTHC, Tên TTHC, Ghi chú).
* :func:`layout_generic` lays out any other decision of the extracts: its
  part heading (``appendix_part``), then a table whose rows are grouped under
  merged heading rows: the category (``change_type_raw``), the level group
  (``level_group_raw``) and the field group (``field_group_raw``; a value
  joined with " / " by the extract is two nested headings), each repeated
  when it or a heading above it changes.
* :func:`layout_of_decision` lays out a :class:`~tthc.decision.Decision`
  (for the round-trip property): one part and table per run of entries of
  one kind, level and field headings as in real appendices.

A layout is written with :func:`write_xlsx` (one sheet, merged cells),
:func:`write_docx` (paragraphs and tables, merged cells) or :func:`write_csv`.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tthc.decision import Decision, Entry, EntryKind
from tthc.procedure import Level

DATA = Path(__file__).resolve().parent / "data" / "real"
EXTRACTS = DATA / "decision_appendix_extracts.csv"


# --------------------------------------------------------------------------- layout model


@dataclass
class Paragraph:
    """A paragraph outside tables (a part heading, the appendix title)."""

    text: str


@dataclass
class Heading:
    """A group heading row: the numbering in the STT column, the text merged across the rest."""

    text: str
    numbering: str = ""


@dataclass
class Blank:
    """An empty table row."""


@dataclass
class Table:
    """A table: header rows (with merged ranges) and body rows."""

    header: list[list[str]]
    #: Merged header ranges as (first row, first column, last row, last column), from 0.
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    body: list[list[str] | Heading | Blank] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.header[0])


Block = Paragraph | Table


def read_extracts() -> list[dict[str, str]]:
    """The rows of decision_appendix_extracts.csv, as they are."""
    with EXTRACTS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def decisions_in_extracts() -> list[str]:
    """The decision numbers of the extracts, in file order."""
    return list(dict.fromkeys(row["decision_no"] for row in read_extracts()))


def extract_rows(number: str) -> list[dict[str, str]]:
    """The extract rows of one decision, in file order."""
    return [row for row in read_extracts() if row["decision_no"] == number]


# --------------------------------------------------------------------------- QĐ 1766/QĐ-UBND

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

#: The appendix title of 1766/QĐ-UBND as published (three paragraphs above part A).
TITLE_1766 = (
    "PHỤ LỤC 01",
    "DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG, BÃI BỎ THUỘC PHẠM VI CHỨC NĂNG QUẢN LÝ "
    "CỦA NGÀNH TƯ PHÁP TRÊN ĐỊA BÀN TỈNH",
    "(Ban hành kèm theo Quyết định số 1766 /QĐ-UBND ngày 3 tháng 8 năm 2020 của Chủ tịch "
    "Ủy ban nhân dân tỉnh)",
)


def _groups(rows: Sequence[dict[str, str]], key: str) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """Consecutive runs of rows with the same value of *key*."""
    current: list[dict[str, str]] = []
    value = None
    for row in rows:
        if current and row[key] != value:
            yield value or "", current
            current = []
        value = row[key]
        current.append(row)
    if current:
        yield value or "", current


def layout_1766(rows: Sequence[dict[str, str]] | None = None) -> list[Block]:
    """The appendix of 1766/QĐ-UBND in its published layout (see the module docstring)."""
    rows = list(rows if rows is not None else extract_rows("1766/QĐ-UBND"))
    blocks: list[Block] = [Paragraph(text) for text in TITLE_1766]
    for part, part_rows in _groups(rows, "appendix_part"):
        blocks.append(Paragraph(part))
        amended = part_rows[0]["change_type"] == "amended"
        if amended:
            table = Table(
                header=[
                    ["TT", "Mã số TTHC", "Tên TTHC", "Thời hạn giải quyết (Ngày làm việc)",
                     "Cách thức thực hiện", "", "Địa điểm thực hiện",
                     "Phí, lệ phí (vnđ) (nếu có)", "Căn cứ pháp lý"],
                    ["", "", "", "", "Mức độ DVC", "Thực hiện qua BCCI", "", "", ""],
                ],
                merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 1, 3), (0, 4, 0, 5),
                        (0, 6, 1, 6), (0, 7, 1, 7), (0, 8, 1, 8)],
            )
        else:
            table = Table(header=[["TT", "Mã số TTHC", "Tên TTHC", "Ghi chú"]])
        for number, (field_text, field_rows) in enumerate(_groups(part_rows, "field_group_raw")):
            table.body.append(Heading(field_text, _ROMAN[number]))
            for sub, (level_text, level_rows) in enumerate(
                _groups(field_rows, "level_group_raw"), 1
            ):
                if level_text:
                    table.body.append(Heading(level_text, f"{_ROMAN[number]}.{sub}"))
                for row in level_rows:
                    if amended:
                        table.body.append([
                            row["stt"], row["code"], row["name"], row["processing_time_text"],
                            row["online_level_raw"], row["bcci_raw"], row["place_agency_raw"],
                            row["fee_text"], row["legal_basis_raw"],
                        ])
                    else:
                        table.body.append([row["stt"], row["code"], row["name"], row["note_raw"]])
        if amended:
            table.body.append(Blank())  # the published table A ends with an empty row
        blocks.append(table)
    return blocks


# --------------------------------------------------------------------------- other decisions

#: Columns of the generic layout: (header text, extract column), kept when any row fills them.
_GENERIC_COLUMNS = (
    ("Thời hạn giải quyết", "processing_time_text"),
    ("Phí, lệ phí", "fee_text"),
    ("Mức độ DVC", "online_level_raw"),
    ("Thực hiện qua BCCI", "bcci_raw"),
    ("Địa điểm thực hiện", "place_agency_raw"),
    ("Căn cứ pháp lý", "legal_basis_raw"),
    ("Ghi chú", "note_raw"),
)


def layout_generic(rows: Sequence[dict[str, str]]) -> list[Block]:
    """A decision of the extracts in the generic layout (see the module docstring)."""
    columns = [(label, column) for label, column in _GENERIC_COLUMNS
               if any(row[column] for row in rows)]
    header = ["STT", "Mã số TTHC", "Tên TTHC", *(label for label, _ in columns)]
    blocks: list[Block] = []
    for part, part_rows in _groups(rows, "appendix_part"):
        blocks.append(Paragraph(part))
        table = Table(header=[header])
        previous: tuple[str, str, str] | None = None
        for row in part_rows:
            current = (row["change_type_raw"], row["level_group_raw"], row["field_group_raw"])
            changed = previous is None
            for depth, text in enumerate(current):
                if not changed and previous is not None and previous[depth] != text:
                    changed = True
                if changed and text:
                    table.body.extend(Heading(piece) for piece in text.split(" / "))
            previous = current
            table.body.append([row["stt"], row["code"], row["name"],
                               *(row[column] for _, column in columns)])
        blocks.append(table)
    return blocks


def layout_extract(number: str) -> list[Block]:
    """The layout of decision *number* of the extracts (1766 in its own, others generic)."""
    rows = extract_rows(number)
    return layout_1766(rows) if number == "1766/QĐ-UBND" else layout_generic(rows)


# --------------------------------------------------------------------------- decisions

_PART_TITLES = {
    EntryKind.NEW: "DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH",
    EntryKind.AMENDED: "DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG",
    EntryKind.REPLACED: "DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC THAY THẾ",
    EntryKind.REPEALED: "DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ, HỦY BỎ",
}


def level_heading(levels: Iterable[str]) -> str:
    """A level heading naming *levels* ("Thủ tục hành chính cấp huyện, cấp xã")."""
    names = [Level.get(key).name.lower() for key in levels]
    return "Thủ tục hành chính " + ", ".join(names)


def _entry_row(entry: Entry, number: int) -> list[str]:
    content = entry.content
    name = (content.name or "") if content else ""
    time = content.processing_time.text if content and content.processing_time else ""
    fees = content.fees.text if content and content.fees else ""
    agency = (content.agency or "") if content else ""
    if entry.kind is EntryKind.REPLACED:
        return [str(number), entry.code, "", entry.successor or "", name, time, fees, agency,
                entry.note]
    return [str(number), entry.code, name, time, fees, agency, entry.note]


def layout_of_decision(decision: Decision) -> list[Block]:
    """A decision in the layout of a real appendix, entries in their order."""
    blocks: list[Block] = [Paragraph("PHỤ LỤC"), Paragraph(
        f"(Ban hành kèm theo Quyết định số {decision.number} ngày "
        f"{decision.signed:%d/%m/%Y} của {decision.issuer})")]
    table: Table | None = None
    previous: tuple[EntryKind, tuple[str, ...], str] | None = None
    number = 0
    for entry in decision.entries:
        field_name = entry.content.field.name if entry.content and entry.content.field else ""
        current = (entry.kind, entry.levels, field_name)
        if previous is None or previous[0] is not entry.kind:
            blocks.append(Paragraph(f"{'ABCDEFGH'[len(blocks) % 8]}. {_PART_TITLES[entry.kind]}"))
            if entry.kind is EntryKind.REPLACED:
                header = ["STT", "Mã số TTHC được thay thế", "Tên TTHC được thay thế",
                          "Mã số TTHC thay thế", "Tên TTHC thay thế", "Thời hạn giải quyết",
                          "Phí, lệ phí", "Cơ quan thực hiện", "Ghi chú"]
            else:
                header = ["STT", "Mã số TTHC", "Tên TTHC", "Thời hạn giải quyết",
                          "Phí, lệ phí", "Cơ quan thực hiện", "Ghi chú"]
            table = Table(header=[header])
            blocks.append(table)
            previous = None
            number = 0
        assert table is not None
        if previous is None or previous[1] != entry.levels:
            table.body.append(Heading(level_heading(entry.levels)))
            previous = (entry.kind, entry.levels, "")
            if field_name:
                table.body.append(Heading(f"LĨNH VỰC {field_name.upper()}"))
        elif previous[2] != field_name and field_name:
            table.body.append(Heading(f"LĨNH VỰC {field_name.upper()}"))
        previous = current
        number += 1
        table.body.append(_entry_row(entry, number))
    return blocks


# --------------------------------------------------------------------------- writers


def _table_rows(table: Table) -> list[list[str]]:
    """The rows of a table as flat cell lists (headings: numbering, then text)."""
    out = [list(row) for row in table.header]
    for item in table.body:
        if isinstance(item, Heading):
            out.append([item.numbering, item.text] if item.numbering else [item.text])
        elif isinstance(item, Blank):
            out.append([""] * table.width)
        else:
            out.append(list(item))
    return out


def write_csv(blocks: Sequence[Block], path: Path, *, encoding: str = "utf-8") -> Path:
    """Write a layout as CSV, as Excel saves a sheet: every row as wide as the widest.

    Paragraphs and headings go in the first cells. *encoding* ``cp1258`` writes
    Windows-1258 as Vietnamese Windows does: vowels with their shape marks
    precomposed, tone marks as combining characters.
    """
    import io

    width = max((b.width for b in blocks if isinstance(b, Table)), default=1)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for block in blocks:
        rows = [[block.text]] if isinstance(block, Paragraph) else _table_rows(block)
        writer.writerows(row + [""] * (width - len(row)) for row in rows)
    text = buffer.getvalue()
    data = cp1258_bytes(text) if encoding == "cp1258" else text.encode(encoding)
    path.write_bytes(data)
    return path


_SHAPE_MARKS = "\u0302\u0306\u031b"  # circumflex, breve, horn: precomposed in Windows-1258


def cp1258_bytes(text: str) -> bytes:
    """*text* in Windows-1258: shape marks composed with their vowel, tone marks combining."""
    out: list[str] = []
    base = -1
    for char in unicodedata.normalize("NFD", text):
        if char in _SHAPE_MARKS and base >= 0:
            out[base] = unicodedata.normalize("NFC", out[base] + char)
            continue
        if not unicodedata.combining(char):
            base = len(out)
        out.append(char)
    return "".join(out).encode("cp1258")


def write_xlsx(blocks: Sequence[Block], path: Path, *, sheet: str = "Phụ lục") -> Path:
    """Write a layout as one sheet: paragraphs and headings merged across the table's width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    ws = book.active
    ws.title = sheet
    width = max((b.width for b in blocks if isinstance(b, Table)), default=1)
    row = 1
    bold = Font(bold=True)
    for block in blocks:
        if isinstance(block, Paragraph):
            ws.cell(row=row, column=1, value=block.text).font = bold
            if width > 1:
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1
            continue
        top = row
        for cells in block.header:
            for column, text in enumerate(cells, 1):
                if text:
                    ws.cell(row=row, column=column, value=text).font = bold
            row += 1
        for r1, c1, r2, c2 in block.merges:
            ws.merge_cells(start_row=top + r1, start_column=c1 + 1, end_row=top + r2,
                           end_column=c2 + 1)
        for item in block.body:
            if isinstance(item, Heading):
                first = 1
                if item.numbering:
                    ws.cell(row=row, column=1, value=item.numbering).font = bold
                    first = 2
                ws.cell(row=row, column=first, value=item.text).font = bold
                if first < block.width:
                    ws.merge_cells(start_row=row, start_column=first, end_row=row,
                                   end_column=block.width)
            elif isinstance(item, list):
                for column, text in enumerate(item, 1):
                    if text:
                        cell = ws.cell(row=row, column=column, value=text)
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                        cell.number_format = "@"
            row += 1
    book.save(path)
    return path


def write_docx(blocks: Sequence[Block], path: Path) -> Path:
    """Write a layout as a Word document: paragraphs, and tables with merged cells."""
    from docx import Document

    document = Document()
    for block in blocks:
        if isinstance(block, Paragraph):
            document.add_paragraph(block.text)
            continue
        rows = len(block.header) + len(block.body)
        table = document.add_table(rows=rows, cols=block.width)
        table.style = "Table Grid"
        for r, cells in enumerate(block.header):
            for c, text in enumerate(cells):
                if text:
                    table.cell(r, c).text = text
        for r1, c1, r2, c2 in block.merges:
            keep = table.cell(r1, c1).text
            merged = table.cell(r1, c1).merge(table.cell(r2, c2))
            merged.text = keep
        for index, item in enumerate(block.body, len(block.header)):
            if isinstance(item, Heading):
                first = 0
                if item.numbering:
                    table.cell(index, 0).text = item.numbering
                    first = 1
                merged = table.cell(index, first)
                if first < block.width - 1:
                    merged = merged.merge(table.cell(index, block.width - 1))
                merged.text = item.text
            elif isinstance(item, list):
                for c, text in enumerate(item):
                    if text:
                        table.cell(index, c).text = text
    document.save(str(path))
    return path
