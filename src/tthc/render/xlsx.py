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
    """The named styles of the sheet, registered once per workbook.

    Cells take a named style by name: one cheap assignment, where setting the
    font, alignment, border and fill one by one costs openpyxl a hash of each
    style object per cell.
    """

    TITLE = "tthc title"
    ITALIC = "tthc italic"
    TEXT = "tthc text"
    STRONG = "tthc strong"
    HEAD = "tthc header"
    GROUP = "tthc group"
    CELL = "tthc cell"
    CENTERED = "tthc centred cell"

    def __init__(self, wb: Any) -> None:
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        body = Font(name=_FONT, size=12)
        bold = Font(name=_FONT, size=12, bold=True)
        wrap = Alignment(wrap_text=True, vertical="top")
        middle = Alignment(wrap_text=True, vertical="center", horizontal="center")
        band = PatternFill(fill_type="solid", start_color="EEEEEE", end_color="EEEEEE")
        for style in (
            NamedStyle(self.TITLE, font=Font(name=_FONT, size=14, bold=True), alignment=middle),
            NamedStyle(self.ITALIC, font=Font(name=_FONT, size=12, italic=True), alignment=wrap),
            NamedStyle(self.TEXT, font=body, alignment=wrap),
            NamedStyle(self.STRONG, font=bold, alignment=wrap),
            NamedStyle(self.HEAD, font=bold, alignment=middle, border=border, fill=band),
            NamedStyle(self.GROUP, font=bold, alignment=wrap, border=border, fill=band),
            NamedStyle(self.CELL, font=body, alignment=wrap, border=border),
            NamedStyle(
                self.CENTERED,
                font=body,
                alignment=Alignment(wrap_text=True, vertical="top", horizontal="center"),
                border=border,
            ),
        ):
            wb.add_named_style(style)


def _put(ws: Any, row: int, column: int, value: object, style: str) -> Any:
    """Write *value* with a named style; text is a string cell, quote-prefixed if formula-like."""
    cell = ws.cell(row=row, column=column)
    cell.style = style
    if isinstance(value, str):
        text = xml_safe(value)
        cell.value = text
        cell.data_type = "s"
        if is_formula_like(text):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _banner(ws: Any, row: int, text: str, style: str) -> None:
    """A line of text merged across the table's width."""
    _put(ws, row, 1, text, style)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))


def render_xlsx(pl: PostingList) -> bytes:
    """The posting list as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    width = len(COLUMNS)
    st = _Styles(wb)

    _banner(ws, 1, pl.title, st.TITLE)
    _banner(ws, 2, pl.subtitle, st.TITLE)
    _banner(ws, 3, pl.date_line, st.ITALIC)
    _banner(ws, 4, pl.summary, st.TEXT)
    for index, col in enumerate(COLUMNS, start=1):
        _put(ws, HEADER_ROW, index, col.header, st.HEAD)
        ws.column_dimensions[get_column_letter(index)].width = col.xlsx_chars

    row_no = HEADER_ROW
    for group in pl.groups:
        row_no += 1
        for column in range(2, width + 1):
            ws.cell(row=row_no, column=column).style = st.GROUP
        _put(ws, row_no, 1, group.heading, st.GROUP)
        ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=width)
        for row in group.rows:
            row_no += 1
            values: list[object] = [row.stt, *cell_values(row)[1:]]
            for column, value in enumerate(values, start=1):
                _put(ws, row_no, column, value, st.CENTERED if column <= 2 else st.CELL)

    row_no += 2
    _banner(ws, row_no, FEEDBACK_TITLE, st.STRONG)
    row_no += 1
    _banner(ws, row_no, FEEDBACK_INTRO, st.TEXT)
    for label, value in feedback_lines(pl.desk):
        row_no += 1
        _banner(ws, row_no, f"{label}: {value}", st.TEXT)
    row_no += 2
    _banner(ws, row_no, pl.sources_line, st.ITALIC)
    if pl.generated_note:
        row_no += 1
        _banner(ws, row_no, pl.generated_note, st.ITALIC)

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
