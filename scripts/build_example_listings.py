"""Build the example district's public listings (``catalog/listings/``) with planted defects.

The listings are what the one-stop desks of huyện Mẫu Lâm had posted on
31/12/2019: one file per desk (16), in the formats real desks produce
(CSV in UTF-8 with BOM, UTF-16 as Excel writes it, Windows-1258 and a
TCVN3 legacy font; XLSX with a title, merged cells and group heading rows;
a Word table; a typed list without codes; a Markdown page; a list without
diacritics). They are generated from the example catalogue through the
library (:mod:`tthc.catalog`): each desk posts the procedures in force at its
level on that date, with the applied processing time after a cut (the
statutory one otherwise) and the fee text. A few real-world defects are
then planted, each recorded in ``listings/README.md`` and, machine-readable,
in ``listings/listings.toml`` (desk, file, row, kind, expected finding code).

The script checks its work: it reads every file back with
:func:`tthc.listing.read_listing`, audits them with :func:`tthc.audit.audit`
and fails unless the findings are exactly the planted ones and the required
total is 445.

Usage::

    python scripts/build_example_listings.py [--catalog DIR]

Rerunning it gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tthc.audit import audit, read_manifest  # noqa: E402
from tthc.catalog import Catalog, InForce, load_catalog  # noqa: E402
from tthc.legacy import encode_legacy  # noqa: E402
from tthc.listing import read_listing  # noqa: E402
from tthc.render._common import deterministic_zip  # noqa: E402
from tthc.text import fold, match_key, strip_marks  # noqa: E402

AS_OF = date(2019, 12, 31)
EXPECT_TOTAL = 445
LOCAL_SUFFIX = "H99"  # an illustrative provincial agency code (no province has H99)

#: A real procedure left out of the catalogue (its source gives no field):
#: 2.000162, tests/data/real/real_procedures_district.csv. Posted at the district
#: desk, it is a procedure the catalogue does not know.
UNKNOWN_CODE = "2.000162"
UNKNOWN_NAME = "Cấp sửa đổi, bổ sung Giấy phép bán lẻ sản phẩm thuốc lá"


# ---------------------------------------------------------------------------- model


@dataclass
class Item:
    """One posted row before it is written."""

    code: str
    name: str
    time: str
    fee: str
    field: str
    posted_on: str = ""
    #: The id of the defect planted on this row, if any.
    mark: str = ""


@dataclass
class Defect:
    """A planted defect and the finding the audit must report for it."""

    id: str
    desk: str
    file: str
    kind: str
    finding: str
    procedure: str = ""
    row: int | None = None
    note: str = ""


@dataclass
class Desk:
    """What one desk posts and how its file is written."""

    id: str
    file: str
    format: str
    items: list[Item] = field(default_factory=list)
    title: str = ""
    notes: list[str] = field(default_factory=list)


def roman(number: int) -> str:
    """Roman numerals for group headings (I, II, … XL)."""
    out = ""
    for value, letters in ((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += letters
            number -= value
    return out


def required(catalog: Catalog, desk: str) -> list[InForce]:
    """The procedures a desk posts, grouped by field (fields alphabetically), then by code."""
    entries = catalog.as_of(AS_OF).entries(desk=desk)
    return sorted(entries, key=lambda e: (fold(e.procedure.field.name), e.code))


def item_of(record: InForce, code: str | None = None) -> Item:
    return Item(
        code=record.code if code is None else code,
        name=record.procedure.name,
        time=record.processing_time.text,
        fee=record.procedure.fees.text,
        field=record.procedure.field.name,
    )


def typo(name: str, word_index: int) -> str:
    """Swap two letters in the middle of a word (of four letters or more, if any)."""
    words = name.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()] or [
        i for i, w in enumerate(words)
        if len(w) >= 3 and w.isalpha() and fold(w) not in ("thu", "tuc")
    ]
    target = long_words[word_index % len(long_words)]
    word = words[target]
    middle = len(word) // 2
    if word[middle] == word[middle - 1]:
        middle += 1
    chars = list(word)
    chars[middle - 1], chars[middle] = chars[middle], chars[middle - 1]
    words[target] = "".join(chars)
    return " ".join(words)


def strip_zeros(time_text: str) -> str:
    """Retype "05 ngày" as "5 ngày", as lists often do (not a defect)."""
    import re

    return re.sub(r"\b0+(\d)", r"\1", time_text)


# ------------------------------------------------------------------------- defects


def plan(catalog: Catalog) -> tuple[list[Desk], list[Defect]]:
    """Every desk's rows, with the defects planted in them."""
    view = catalog.as_of(AS_OF)
    desks: list[Desk] = []
    defects: list[Defect] = []

    def base(desk_id: str, file: str, fmt: str) -> Desk:
        desk = Desk(id=desk_id, file=file, format=fmt)
        desk.items = [item_of(r) for r in required(catalog, desk_id)]
        name = catalog.desk(desk_id).name.upper()
        desk.title = f"DANH MỤC THỦ TỤC HÀNH CHÍNH NIÊM YẾT TẠI {name}"
        desks.append(desk)
        return desk

    def find(desk: Desk, code: str) -> Item:
        return next(item for item in desk.items if item.code == code)

    def plant(desk: Desk, kind: str, finding: str, procedure: str = "", item: Item | None = None,
              note: str = "") -> None:
        ident = f"D{len(defects) + 1:02d}"
        if item is not None:
            item.mark = ident
        defects.append(Defect(id=ident, desk=desk.id, file=desk.file, kind=kind,
                              finding=finding, procedure=procedure, note=note))

    # huyen: XLSX, codes in the short local form, one heading count wrong.
    d = base("huyen", "huyen.xlsx", "xlsx")
    for item in d.items:
        item.code = f"{item.code}.{LOCAL_SUFFIX}"
    cut = sorted((e for e in view.entries(desk="huyen") if e.applied_time is not None),
                 key=lambda e: e.code)[0]
    item = find(d, f"{cut.code}.{LOCAL_SUFFIX}")
    item.time = cut.procedure.processing_time.text
    plant(d, "statutory time posted where a 2019 cut applies", "outdated-processing-time",
          cut.code, item,
          f"posted \u201c{item.time}\u201d, applied \u201c{cut.processing_time.text}\u201d")
    civil = [i for i in d.items if i.field == "Hộ tịch"]
    first, second = civil[0], civil[1]
    second.code = first.code
    plant(d, "code of another procedure (copied from the row above)", "code-name-conflict",
          first.code.split(".H")[0], second,
          f"the row of {required_code(d, second, catalog)} shows the code {first.code} of the "
          "row above")
    target = d.items[9]
    target.name = typo(target.name, 1)
    plant(d, "typo in the name (two letters swapped)", "name-typo",
          target.code.split(".H")[0], target, f"\u201c{target.name}\u201d")
    trade = [i for i, it in enumerate(d.items) if it.field == "Lưu thông hàng hóa trong nước"]
    extra = Item(code=UNKNOWN_CODE, name=UNKNOWN_NAME, time="10 ngày làm việc",
                 fee="", field="Lưu thông hàng hóa trong nước")
    d.items.insert(trade[-1] + 1, extra)
    plant(d, "procedure not in the catalogue (left out of it: no field in its source)",
          "unknown-procedure", UNKNOWN_CODE, extra)
    plant(d, "group heading states one procedure more than it lists", "heading-count-mismatch",
          note="the heading of Chứng thực")
    d.notes.append("Every code is in the short local form x.xxxxxx.H99: not a finding.")

    # thi-tran-mau-lam: CSV UTF-8 with BOM, with posting dates; two codes left blank.
    d = base("thi-tran-mau-lam", "thi-tran-mau-lam.csv", "csv-utf8-bom-dates")
    records = {e.code: e for e in view.entries(desk="thi-tran-mau-lam")}
    for item in d.items:
        item.posted_on = f"{records[item.code].since:%d/%m/%Y}"
    late = find(d, "1.003197")
    late.posted_on = "07/03/2019"
    plant(d, "posted 15 days after the decision took effect (20/02/2019)", "posted-late",
          "1.003197", late)
    for item in [i for i in d.items if i.field == "Hộ tịch"][2:4]:
        code = item.code
        item.code = ""
        plant(d, "code left blank", "code-missing", code, item)

    # xa-tung-lam: UTF-16 tab-separated (Excel "Unicode Text"): a replaced procedure posted.
    d = base("xa-tung-lam", "xa-tung-lam.csv", "csv-utf16")
    old = "1.001521"
    new = next(r.new for r in catalog.replacements if r.old == old and r.level == "commune")
    last = [v for v in catalog.history(old) if v.level == "commune"][-1]
    idx = next(i for i, it in enumerate(d.items) if it.code == new)
    stale = Item(code=old, name=last.procedure.name, time=last.procedure.processing_time.text,
                 fee=last.procedure.fees.text, field=last.procedure.field.name)
    d.items[idx] = stale
    plant(d, f"replaced procedure still posted instead of its successor {new}",
          "stale-replaced", old, stale)
    plant(d, f"the successor {new} is therefore not posted", "missing-procedure", new)

    # xa-bach-lam: Windows-1258 CSV: one procedure posted twice.
    d = base("xa-bach-lam", "xa-bach-lam.csv", "csv-cp1258")
    twice = d.items[20]
    copy = replace(twice)
    d.items.insert(21, copy)
    plant(d, "the same procedure posted twice", "duplicate-row", twice.code, copy)

    # xa-truc-lam: XLSX with group headings: a typo.
    d = base("xa-truc-lam", "xa-truc-lam.xlsx", "xlsx")
    target = d.items[40]
    target.name = typo(target.name, 0)
    plant(d, "typo in the name (two letters swapped)", "name-typo", target.code, target,
          f"\u201c{target.name}\u201d")

    # xa-mai-lam: a list typed without codes, some names with "Thủ tục", two typos.
    d = base("xa-mai-lam", "xa-mai-lam.txt", "text")
    plant(d, "list typed without codes", "no-codes")
    for n, item in enumerate(d.items):
        if n % 7 == 3 and not fold(item.name).startswith("thu tuc"):
            item.name = "Thủ tục " + item.name[:1].lower() + item.name[1:]
    long_names = [i for i, it in enumerate(d.items) if len(match_key(it.name)) >= 60]
    for position, word in ((long_names[10], 1), (long_names[40], 0)):
        target = d.items[position]
        code = target.code
        target.name = typo(target.name, word)
        plant(d, "typo in the name (two letters swapped)", "name-typo", code, target,
              f"\u201c{target.name}\u201d")
    d.notes.append("Some names start with \u201cThủ tục\u201d: not a finding.")

    # xa-lien-lam: Markdown page, codes in the long local form, an outdated fee.
    d = base("xa-lien-lam", "xa-lien-lam.md", "markdown")
    for item in d.items:
        item.code = f"{item.code}.000.00.00.{LOCAL_SUFFIX}"
    target = find(d, f"2.001009.000.00.00.{LOCAL_SUFFIX}")
    target.fee = "30.000 đồng/trường hợp"
    plant(d, "fee posted as 30.000 đồng (in force: 50.000 đồng/trường hợp)", "outdated-fees",
          "2.001009", target)
    d.notes.append("Every code is in the long local form x.xxxxxx.000.00.00.H99: not a finding.")

    # xa-cuc-lam: Word table: a district procedure posted at a commune; times retyped.
    d = base("xa-cuc-lam", "xa-cuc-lam.docx", "docx")
    for item in d.items:
        item.time = strip_zeros(item.time)
    commune_codes = {e.code for e in view.entries(desk="xa-cuc-lam")}
    district = next(e for e in required(catalog, "huyen")
                    if e.code not in commune_codes and e.procedure.field.name == "Hộ kinh doanh")
    wrong = item_of(district)
    d.items.append(wrong)
    plant(d, "a district procedure posted at a commune", "wrong-level", district.code, wrong)
    d.notes.append("Times retyped without leading zeros (\u201c5 ngày\u201d for "
                   "\u201c05 ngày\u201d): not a finding.")

    # xa-dao-lam: CSV typed in the TCVN3 (.VnTime) font.
    d = base("xa-dao-lam", "xa-dao-lam.csv", "csv-tcvn3")
    plant(d, "typed in the TCVN3 legacy font", "legacy-encoding")

    # xa-lan-lam: CSV typed without diacritics.
    d = base("xa-lan-lam", "xa-lan-lam.csv", "csv-ascii")
    plant(d, "typed without diacritics", "no-diacritics")

    # xa-que-lam: a repealed procedure still posted.
    d = base("xa-que-lam", "xa-que-lam.csv", "csv-utf8")
    gone = "1.000689"
    last = [v for v in catalog.history(gone) if v.level == "commune"][-1]
    stale = Item(code=gone, name=last.procedure.name, time=last.procedure.processing_time.text,
                 fee=last.procedure.fees.text, field=last.procedure.field.name)
    at = next(i for i, it in enumerate(d.items) if fold(it.field) > fold(stale.field))
    d.items.insert(at, stale)
    plant(d, "repealed procedure still posted", "stale-repealed", gone, stale)

    # xa-sen-lam: flat XLSX with a field column: two procedures missing.
    d = base("xa-sen-lam", "xa-sen-lam.xlsx", "xlsx-flat")
    for position in (150, 5):
        gone_item = d.items.pop(position)
        plant(d, "procedure not posted", "missing-procedure", gone_item.code)

    # xa-thong-lam: the processing time before the 2019 amendment.
    d = base("xa-thong-lam", "xa-thong-lam.csv", "csv-utf8")
    amended = "1.012766"
    history = [v for v in catalog.history(amended) if v.level == "commune"]
    now = history[-1].procedure.processing_time.text
    earlier = next(v for v in reversed(history) if v.procedure.processing_time.text != now)
    target = find(d, amended)
    target.time = earlier.procedure.processing_time.text
    plant(d, "processing time of the version before the 2019 amendment", "outdated-processing-time",
          amended, target, f"posted \u201c{target.time}\u201d")

    # xa-phong-lam: Word table: a mistyped code.
    d = base("xa-phong-lam", "xa-phong-lam.docx", "docx")
    known = {v.procedure.code for v in catalog.versions}
    for target in d.items[30:]:
        code = target.code
        mistyped = code[:-2] + code[-1] + code[-2]
        if mistyped not in known and code[-1] != code[-2]:
            break
    target.code = mistyped
    plant(d, f"code mistyped as {mistyped} (two digits swapped)", "unknown-code", code, target)

    # xa-van-lam: clean, but typed in decomposed Unicode (NFD), semicolon-separated.
    d = base("xa-van-lam", "xa-van-lam.csv", "csv-nfd-semicolon")
    d.notes.append("Typed in decomposed Unicode (NFD), semicolon-separated: not a finding.")

    # xa-son-lam: clean flat XLSX.
    base("xa-son-lam", "xa-son-lam.xlsx", "xlsx-flat")
    return desks, defects


def required_code(desk: Desk, item: Item, catalog: Catalog) -> str:
    """The code of the procedure an item names (by name)."""
    key = match_key(item.name)
    for record in required(catalog, desk.id):
        if match_key(record.procedure.name) == key:
            return record.code
    return "?"


# -------------------------------------------------------------------------- writers

HEADER = ("STT", "Mã số TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết", "Phí, lệ phí")


def groups(items: Sequence[Item]) -> list[tuple[str, list[Item]]]:
    """Items grouped by field, in order."""
    out: list[tuple[str, list[Item]]] = []
    for item in items:
        if out and out[-1][0] == item.field:
            out[-1][1].append(item)
        else:
            out.append((item.field, [item]))
    return out


def heading(index: int, field_name: str, count: int) -> str:
    return f"{roman(index)}. LĨNH VỰC {field_name.upper()} ({count} TTHC)"


def csv_rows(desk: Desk, *, dates: bool = False, fees: bool = True) -> list[list[str]]:
    header = list(HEADER if fees else HEADER[:4])
    if dates:
        header.append("Ngày niêm yết")
    rows: list[list[str]] = [[desk.title], [f"(Cập nhật ngày {AS_OF:%d/%m/%Y})"], header]
    for g, (field_name, members) in enumerate(groups(desk.items), start=1):
        rows.append([roman(g), heading(g, field_name, len(members)).split(". ", 1)[1]])
        for n, item in enumerate(members, start=1):
            row = [str(n), item.code, item.name, item.time]
            if fees:
                row.append(item.fee)
            if dates:
                row.append(item.posted_on)
            rows.append(row)
    return rows


def write_csv(rows: list[list[str]], *, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def encode_cp1258(text: str) -> bytes:
    return encode_legacy(text, "cp1258").encode("cp1252")


def encode_tcvn3(text: str) -> bytes:
    return encode_legacy(text, "tcvn3", errors="lower").encode("cp1252")


def core_xml(title: str) -> bytes:
    stamp = f"{AS_OF.isoformat()}T00:00:00Z"
    from xml.sax.saxutils import escape

    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>Bộ phận Một cửa</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def write_xlsx(desk: Desk, *, flat: bool = False, wrong_count: str | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh mục"
    width = 5 if not flat else 6
    sheet.append([desk.title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([f"(Niêm yết tại Bộ phận Một cửa, cập nhật ngày {AS_OF:%d/%m/%Y})"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.append([])
    if flat:
        sheet.append(["STT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực",
                      "Thời hạn giải quyết", "Phí, lệ phí"])
        for n, item in enumerate(desk.items, start=1):
            sheet.append([n, item.code, item.name, item.field, item.time, item.fee])
    else:
        sheet.append(list(HEADER))
        for g, (field_name, members) in enumerate(groups(desk.items), start=1):
            count = len(members) + (1 if field_name == wrong_count else 0)
            sheet.append([heading(g, field_name, count)])
            row = sheet.max_row
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            sheet.cell(row=row, column=1).font = Font(bold=True)
            for n, item in enumerate(members, start=1):
                sheet.append([n, item.code, item.name, item.time, item.fee])
    for row in sheet.iter_rows(min_row=1, max_row=2):
        row[0].font = Font(bold=True)
        row[0].alignment = Alignment(horizontal="center")
    for column, size in zip("ABCDEF", (6, 16, 70, 30, 30, 30), strict=True):
        sheet.column_dimensions[column].width = size
    buffer = io.BytesIO()
    book.save(buffer)
    return deterministic_zip(buffer.getvalue(), AS_OF,
                             replace={"docProps/core.xml": core_xml(desk.title)})


def write_docx(desk: Desk) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(desk.title)
    document.add_paragraph(f"(Cập nhật ngày {AS_OF:%d/%m/%Y})")
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for g, (field_name, members) in enumerate(groups(desk.items), start=1):
        cells = table.add_row().cells
        merged = cells[0].merge(cells[4])
        merged.text = heading(g, field_name, len(members))
        for n, item in enumerate(members, start=1):
            cells = table.add_row().cells
            for cell, text in zip(cells, (str(n), item.code, item.name, item.time, item.fee),
                                  strict=True):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return deterministic_zip(buffer.getvalue(), AS_OF,
                             replace={"docProps/core.xml": core_xml(desk.title)})


def write_text(desk: Desk) -> str:
    """A list typed in a text editor: number, tab, name, under numbered field headings."""
    lines = [desk.title, f"Cập nhật ngày {AS_OF:%d/%m/%Y}", "", "STT\tTên thủ tục hành chính"]
    for g, (field_name, members) in enumerate(groups(desk.items), start=1):
        lines.append(f"{roman(g)}\t{heading(g, field_name, len(members)).split('. ', 1)[1]}")
        for n, item in enumerate(members, start=1):
            lines.append(f"{n}\t{item.name}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def write_markdown(desk: Desk) -> str:
    lines = [f"# {desk.title} (cập nhật ngày {AS_OF:%d/%m/%Y})", ""]
    for g, (field_name, members) in enumerate(groups(desk.items), start=1):
        lines.append(f"## {roman(g)}. Lĩnh vực {field_name} ({len(members)} TTHC)")
        lines.append("")
        lines.append("| " + " | ".join(HEADER) + " |")
        lines.append("|" + "---|" * len(HEADER))
        for n, item in enumerate(members, start=1):
            cells = (str(n), item.code, item.name, item.time, item.fee)
            lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def render(desk: Desk, heading_defect: str | None) -> bytes:
    """The bytes of a desk's file."""
    fmt = desk.format
    if fmt == "xlsx":
        return write_xlsx(desk, wrong_count=heading_defect)
    if fmt == "xlsx-flat":
        return write_xlsx(desk, flat=True)
    if fmt == "docx":
        return write_docx(desk)
    if fmt == "text":
        return write_text(desk).encode("utf-8")
    if fmt == "markdown":
        return write_markdown(desk).encode("utf-8")
    if fmt == "csv-utf8-bom-dates":
        return write_csv(csv_rows(desk, dates=True)).encode("utf-8-sig")
    if fmt == "csv-utf16":
        return write_csv(csv_rows(desk), delimiter="\t").encode("utf-16")
    if fmt == "csv-cp1258":
        return encode_cp1258(write_csv(csv_rows(desk)))
    if fmt == "csv-tcvn3":
        return encode_tcvn3(write_csv(csv_rows(desk, fees=False)))
    if fmt == "csv-ascii":
        return strip_marks(write_csv(csv_rows(desk, fees=False))).encode("ascii")
    if fmt == "csv-utf8":
        return write_csv(csv_rows(desk)).encode("utf-8")
    if fmt == "csv-nfd-semicolon":
        text = unicodedata.normalize("NFD", write_csv(csv_rows(desk), delimiter=";"))
        return text.encode("utf-8")
    raise ValueError(fmt)


# -------------------------------------------------------------------- README, manifest


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def manifest(desks: Sequence[Desk], defects: Sequence[Defect]) -> str:
    lines = [
        "# The listings collected at the desks of huyện Mẫu Lâm on 31/12/2019.",
        "# Generated by scripts/build_example_listings.py; see README.md.",
        f"as_of = {AS_OF.isoformat()}",
        f"expect_total = {EXPECT_TOTAL}",
        "",
    ]
    for desk in desks:
        lines += ["[[listings]]", f"desk = {toml_string(desk.id)}",
                  f"file = {toml_string(desk.file)}", f"format = {toml_string(desk.format)}", ""]
    for defect in defects:
        lines += ["[[defects]]", f"id = {toml_string(defect.id)}",
                  f"desk = {toml_string(defect.desk)}", f"file = {toml_string(defect.file)}"]
        if defect.row is not None:
            lines.append(f"row = {defect.row}")
        lines += [f"kind = {toml_string(defect.kind)}", f"finding = {toml_string(defect.finding)}"]
        if defect.procedure:
            lines.append(f"procedure = {toml_string(defect.procedure)}")
        lines.append("")
    return "\n".join(lines)


FORMATS = {
    "xlsx": "XLSX: title rows (merged), group heading rows per field with counts (merged)",
    "xlsx-flat": "XLSX: title rows (merged), one table with a field column",
    "docx": "Word table with merged group heading rows",
    "text": "plain text typed as two tab-separated columns (number, name) under field "
    "headings, without codes",
    "markdown": "Markdown: one table per field under a heading",
    "csv-utf8-bom-dates": "CSV, UTF-8 with BOM, with a \u201cNgày niêm yết\u201d (posting date) "
    "column",
    "csv-utf16": "tab-separated UTF-16 with BOM (Excel's \u201cUnicode Text\u201d)",
    "csv-cp1258": "CSV in Windows-1258 (tone marks as combining characters)",
    "csv-tcvn3": "CSV typed in the TCVN3 (.VnTime) font, bytes read as Windows-1252",
    "csv-ascii": "CSV typed without diacritics",
    "csv-utf8": "CSV, UTF-8 without BOM",
    "csv-nfd-semicolon": "CSV, UTF-8 in decomposed Unicode (NFD), semicolon-separated",
}


def readme(desks: Sequence[Desk], defects: Sequence[Defect], catalog: Catalog) -> str:
    view = catalog.as_of(AS_OF)
    lines = [
        "# Public listings of huyện Mẫu Lâm, as collected on 31/12/2019",
        "",
        "One file per one-stop desk: what the desk had posted (its board, or its page on the",
        "portal) on 31/12/2019, the date `tthc audit` audits them on by default. The listings are",
        "**illustrative**, like the district: they were generated from this catalogue by",
        "`scripts/build_example_listings.py`, which posts at each desk the procedures in force",
        "at its level on that date (the processing time applied after a 2019 cut where there is",
        "one, the statutory time otherwise, and the fee text), writes them in the formats real",
        "desks produce, and plants the defects listed below. The procedure names, codes and",
        "texts are the real ones of the catalogue. Rerunning the script gives the same bytes;",
        "it checks that `tthc audit` finds exactly the planted defects.",
        "",
        "`listings.toml` maps each file to its desk, gives the audit date and the expected",
        "required total, and repeats the table of defects below in machine-readable form.",
        "",
        "## Files",
        "",
        "| desk | file | format | rows |",
        "|---|---|---|---:|",
    ]
    for desk in desks:
        lines.append(f"| {desk.id} | `{desk.file}` | {FORMATS[desk.format]} | {len(desk.items)} |")
    district = len(view.entries(desk="huyen"))
    commune = len(view.entries(desk="xa-tung-lam"))
    lines += [
        "",
        "## Counting",
        "",
        f"The district desk must post {district} procedures and each of the 15 commune desks "
        f"{commune}: {district + commune} (procedure, level) pairs, the report's figure, with "
        "each level counted once",
        f"(not {district} + 15 \u00d7 {commune} = {district + 15 * commune}, which is the number "
        "of postings). `tthc audit --expect-total 445` reconciles.",
        "",
        "## Planted defects",
        "",
        "Each row gives the finding `tthc audit` must report for the defect (row numbers are",
        "those a person sees: the spreadsheet row, the CSV record, the Word table row, the line",
        "of a text file; \u2014 for a defect of the whole file or of the desk).",
        "",
        "| id | desk | file | row | defect | expected finding | procedure |",
        "|---|---|---|---:|---|---|---|",
    ]
    for defect in defects:
        row = "\u2014" if defect.row is None else str(defect.row)
        kind = defect.kind + (f" ({defect.note})" if defect.note else "")
        lines.append(f"| {defect.id} | {defect.desk} | `{defect.file}` | {row} | "
                     f"{kind.replace('|', '/')} | `{defect.finding}` | {defect.procedure} |")
    lines += [
        "",
        "## Variations that are not defects",
        "",
        "The audit must accept these without a finding:",
        "",
    ]
    for desk in desks:
        for note in desk.notes:
            lines.append(f"- `{desk.file}`: {note}")
    lines += [
        "- Group heading rows, title rows, merged cells and blank rows: skipped, each with its "
        "reason, so that every row read is accounted for.",
        "- Case, diacritics and punctuation of names (the no-diacritics list, the TCVN3 list "
        "converted back): names are compared on their matching key.",
        "",
    ]
    return "\n".join(lines)


# -------------------------------------------------------------------------- check


def locate(folder: Path, desks: Sequence[Desk], defects: list[Defect]) -> None:
    """Read each file back, check it holds the items in order, and give defects their rows."""
    marks: dict[str, int] = {}
    for desk in desks:
        listing = read_listing(folder / desk.file)
        if len(listing.rows) != len(desk.items) or not listing.accounted():
            raise SystemExit(f"{desk.file}: read {len(listing.rows)} rows for "
                             f"{len(desk.items)} items")
        for item, row in zip(desk.items, listing.rows, strict=True):
            if match_key(row.name) != match_key(item.name):
                raise SystemExit(f"{desk.file}, row {row.row}: read {row.name!r} for "
                                 f"{item.name!r}")
            if item.mark:
                marks[item.mark] = row.row
    for defect in defects:
        if defect.id in marks:
            defect.row = marks[defect.id]


def heading_row(folder: Path, desk: Desk, field_name: str) -> int:
    listing = read_listing(folder / desk.file)
    for skipped in listing.skipped:
        if skipped.reason == "heading" and any(
            fold(field_name) in fold(cell) for cell in skipped.raw
        ):
            return skipped.row
    raise SystemExit(f"{desk.file}: no heading for {field_name}")


def finding_key(desk: str, row: int | None, code: str, procedure: str
                ) -> tuple[str, int, str, str]:
    """What a finding and a planted defect are compared on: the procedure for desk findings."""
    return (desk, row or 0, code, procedure if row is None else "")


def check(catalog_folder: Path, defects: Sequence[Defect]) -> int:
    """Audit the written listings; 0 when the findings are exactly the planted defects."""
    catalog = load_catalog(catalog_folder)
    found_manifest = read_manifest(catalog_folder)
    assert found_manifest is not None
    report = audit(catalog, found_manifest.read(), AS_OF, expect_total=EXPECT_TOTAL)
    found = sorted(finding_key(f.desk or "", f.row, f.code, f.procedure or "")
                   for f in report.findings)
    wanted = sorted(finding_key(d.desk, d.row, d.finding, d.procedure) for d in defects)
    extra = [f for f in found if f not in wanted]
    lost = [w for w in wanted if w not in found]
    rows = report.stats["rows"]
    print(f"{len(report.findings)} findings, {len(defects)} planted; required "
          f"{report.stats['required']['total']}; rows {rows['read']} = {rows['matched']} + "
          f"{rows['unmatched']} + {rows['skipped']}")
    for item in extra:
        print("  unexpected:", item)
    for item in lost:
        print("  not found: ", item)
    ok = not extra and not lost and report.total is not None and report.total.reconciled
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Write catalog/listings/ and check it; return 0 when the audit finds exactly the plan."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=REPO / "catalog",
                        help="the catalogue folder (listings go to its listings/ folder)")
    args = parser.parse_args(argv)
    catalog = load_catalog(args.catalog)
    desks, defects = plan(catalog)
    folder = args.catalog / "listings"
    folder.mkdir(exist_ok=True)
    heading_defect = next(d for d in defects if d.finding == "heading-count-mismatch")
    wrong_field = "Chứng thực"
    for desk in desks:
        data = render(desk, wrong_field if desk.id == heading_defect.desk else None)
        (folder / desk.file).write_bytes(data)
    locate(folder, desks, defects)
    heading_defect.row = heading_row(folder, desks[0], wrong_field)
    (folder / "listings.toml").write_text(manifest(desks, defects), encoding="utf-8")
    (folder / "README.md").write_text(readme(desks, defects, catalog), encoding="utf-8")
    return check(args.catalog, defects)


if __name__ == "__main__":
    sys.exit(main())
