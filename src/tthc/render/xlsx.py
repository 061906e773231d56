"""Posting lists as an XLSX workbook (openpyxl, imported lazily).

One sheet, "Danh mục TTHC": the title rows, the header row, then for each
field a merged group row ("I. Lĩnh vực … (n thủ tục)") and its procedures,
then the feedback block and the footer. For printing: the header row is
frozen and repeated on every page (print titles), the page is A4 landscape
fitted to one page wide, with the margins of Nghị định 30/2020/NĐ-CP and
"Trang n/N" in the page footer; every cell wraps its text.

Formula injection: every text is written as a string cell, never as a
formula (openpyxl would otherwise store a text starting with ``=`` as one),
and a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return also gets Excel's quote prefix (the cell style's ``quotePrefix``: what
Excel records when a user types a leading apostrophe), so the value stays
exactly the catalogue's text while Excel and LibreOffice keep it as text even
when the cell is edited.

The package is rewritten by :func:`tthc.render._common.deterministic_zip`
with fixed core properties, so the same list gives the same bytes.
"""

from __future__ import annotations

import io
import math
from typing import Any

from tthc.posting_list import (
    FEEDBACK_INTRO,
    FEEDBACK_TITLE,
    PostingList,
    feedback_lines,
)
from tthc.render._common import (
    COLUMNS,
    cell_values,
    core_properties_xml,
    deterministic_zip,
    is_formula_like,
    xml_safe,
)

__all__ = ["HEADER_ROW", "SHEET_TITLE", "render_xlsx"]

SHEET_TITLE = "Danh mục TTHC"
#: The row of the column headers (after four title rows).
HEADER_ROW = 5
_MM_PER_INCH = 25.4
_FONT = "Times New Roman"


def _inches(mm: float) -> float:
    # Rounded up to 1/10 000 inch, so that a margin never falls below its legal minimum.
    return math.ceil(mm / _MM_PER_INCH * 10_000) / 10_000


class _Styles:
    """The few styles of the sheet, made once per workbook."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.body = Font(name=_FONT, size=12)
        self.bold = Font(name=_FONT, size=12, bold=True)
        self.title = Font(name=_FONT, size=14, bold=True)
        self.italic = Font(name=_FONT, size=12, italic=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.center = Alignment(wrap_text=True, vertical="top", horizontal="center")
        self.middle = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.band = PatternFill(fill_type="solid", start_color="EEEEEE", end_color="EEEEEE")


def _put(ws: Any, row: int, column: int, value: object) -> Any:
    """Write *value* to a cell; text is always a string cell, quote-prefixed if formula-like."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text = xml_safe(value)
        cell.value = text
        cell.data_type = "s"
        if is_formula_like(text):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _banner(ws: Any, row: int, text: str, font: Any, alignment: Any) -> None:
    """A line of text merged across the table's width."""
    cell = _put(ws, row, 1, text)
    cell.font = font
    cell.alignment = alignment
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))


def render_xlsx(pl: PostingList) -> bytes:
    """The posting list as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    styles = _Styles()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    width = len(COLUMNS)

    _banner(ws, 1, pl.title, styles.title, styles.middle)
    _banner(ws, 2, pl.subtitle, styles.title, styles.middle)
    _banner(ws, 3, pl.date_line, styles.italic, styles.middle)
    _banner(ws, 4, pl.summary, styles.body, styles.wrap)
    for index, col in enumerate(COLUMNS, start=1):
        cell = _put(ws, HEADER_ROW, index, col.header)
        cell.font = styles.bold
        cell.alignment = styles.middle
        cell.border = styles.border
        cell.fill = styles.band
        ws.column_dimensions[get_column_letter(index)].width = col.xlsx_chars

    row_no = HEADER_ROW
    for group in pl.groups:
        row_no += 1
        for column in range(1, width + 1):
            ws.cell(row=row_no, column=column).border = styles.border
        cell = _put(ws, row_no, 1, group.heading)
        cell.font = styles.bold
        cell.alignment = styles.wrap
        cell.fill = styles.band
        ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=width)
        for row in group.rows:
            row_no += 1
            values: list[object] = [row.stt, *cell_values(row)[1:]]
            for column, value in enumerate(values, start=1):
                cell = _put(ws, row_no, column, value)
                cell.font = styles.body
                cell.border = styles.border
                cell.alignment = styles.center if column <= 2 else styles.wrap

    row_no += 2
    _banner(ws, row_no, FEEDBACK_TITLE, styles.bold, styles.wrap)
    row_no += 1
    _banner(ws, row_no, FEEDBACK_INTRO, styles.body, styles.wrap)
    for label, value in feedback_lines(pl.desk):
        row_no += 1
        _banner(ws, row_no, f"{label}: {value}", styles.body, styles.wrap)
    row_no += 2
    _banner(ws, row_no, pl.sources_line, styles.italic, styles.wrap)
    if pl.generated_note:
        row_no += 1
        _banner(ws, row_no, pl.generated_note, styles.italic, styles.wrap)

    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1).coordinate
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = _inches(30)
    ws.page_margins.right = _inches(15)
    ws.page_margins.top = _inches(20)
    ws.page_margins.bottom = _inches(20)
    ws.page_margins.header = _inches(8)
    ws.page_margins.footer = _inches(8)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = f"{_FONT},Regular"
    ws.oddFooter.center.size = 11

    wb.properties.title = f"{pl.title} {pl.subtitle}"
    wb.properties.creator = "tthc"
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(
        buffer.getvalue(), pl.as_of, replace={"docProps/core.xml": core_properties_xml(pl)}
    )
