"""Posting lists as a Word document in the layout of Nghị định 30/2020/NĐ-CP.

The layout rules of the decree's Phụ lục I (as summarised in
luatvietnam.vn's summary of the decree) and how they are applied:

- Paper A4 (210 × 297 mm). The decree presents documents in portrait but
  allows landscape ("theo chiều rộng") where the document carries a table
  that is not a separate appendix. The posting list *is* an eight-column
  table, which would need columns of 12–20 mm in portrait's 160 mm of text
  width, so the page is **landscape**: 252 mm of text width.
- Margins: top 20 mm, bottom 20 mm, left 30 mm, right 15 mm (the decree's
  ranges are 20–25, 20–25, 30–35 and 15–20 mm; the lower bounds leave the
  most room for the table).
- Font: Times New Roman (the Unicode font of TCVN 6909:2001), black, 13 pt in
  the Normal style and the table; the East Asian and complex-script font
  slots are set too, so Word never substitutes another font for Vietnamese.
  Line spacing single, 6 pt after paragraphs.
- Heading block: a borderless two-column table; left, the governing body
  (upper case, 13 pt) and the issuing body (upper case, bold) with a short
  rule under it; right, the national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT
  NAM", upper case bold 13 pt; "Độc lập - Tự do - Hạnh phúc", bold 14 pt, with
  a rule as long as the line) and the place and date in italics.
- Page numbers: Arabic, 13 pt, centred in the top margin, not on the first
  page.
- The table header row repeats on every page (``w:tblHeader``) and no row
  breaks across pages (``w:cantSplit``), unless it may be taller than a page:
  Word and LibreOffice clip such a row at the page foot instead of moving
  it, so a row estimated at more than :data:`MAX_UNSPLIT_LINES` lines may
  break (some land procedures have 700-character names and half-page
  processing times).

The table is written as WordprocessingML directly (python-docx has no API
for repeated header rows, and building tens of thousands of cells through
its objects is slow); python-docx provides the package, styles and section.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from tthc.posting_list import (
    FEEDBACK_INTRO,
    FEEDBACK_TITLE,
    PostingList,
    PostingRow,
    feedback_lines,
)
from tthc.render._common import (
    COLUMNS,
    cell_values,
    core_properties_xml,
    deterministic_zip,
    statutory_note,
    xml_safe,
)

__all__ = ["LAYOUT", "MAX_UNSPLIT_LINES", "render_docx", "row_lines"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TWIPS_PER_MM = 1440 / 25.4
_FONT = "Times New Roman"


class _Layout:
    """The page layout, in millimetres and points."""

    page_width_mm = 297.0
    page_height_mm = 210.0
    top_mm = 20.0
    bottom_mm = 20.0
    left_mm = 30.0
    right_mm = 15.0
    header_mm = 10.0
    body_pt = 13
    motto_pt = 13
    slogan_pt = 14
    title_pt = 14
    page_number_pt = 13

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.left_mm - self.right_mm


#: The layout constants (landscape A4, margins and sizes of Nghị định 30/2020/NĐ-CP).
LAYOUT = _Layout()


def _tw(mm: float) -> int:
    return round(mm * _TWIPS_PER_MM)


def _text(text: str) -> str:
    """Escape *text* for a ``w:t``; line breaks become ``w:br``."""
    parts = [escape(xml_safe(part)) for part in text.split("\n")]
    return '</w:t><w:br/><w:t xml:space="preserve">'.join(parts)


def _run(text: str, *, bold: bool = False, italic: bool = False, size: int | None = None) -> str:
    props = ""
    if bold:
        props += "<w:b/><w:bCs/>"
    if italic:
        props += "<w:i/><w:iCs/>"
    if size is not None:
        props += f'<w:sz w:val="{size * 2}"/><w:szCs w:val="{size * 2}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_text(text)}</w:t></w:r>'


def _para(
    runs: Iterable[str] | str,
    *,
    align: str | None = None,
    after_pt: float | None = None,
    before_pt: float | None = None,
    keep_next: bool = False,
    rule_indent_mm: float | None = None,
) -> str:
    """A paragraph of *runs*; with *rule_indent_mm*, an empty rule (bottom border) instead."""
    ppr = ""
    if keep_next:
        ppr += "<w:keepNext/>"
    if rule_indent_mm is not None:
        ppr += '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
    spacing = ""
    if before_pt is not None:
        spacing += f' w:before="{round(before_pt * 20)}"'
    if after_pt is not None:
        spacing += f' w:after="{round(after_pt * 20)}"'
    if rule_indent_mm is not None:
        spacing += ' w:line="120" w:lineRule="exact"'
    if spacing:
        ppr += f"<w:spacing{spacing}/>"
    if rule_indent_mm is not None:
        indent = _tw(rule_indent_mm)
        ppr += f'<w:ind w:left="{indent}" w:right="{indent}"/>'
    if align:
        ppr += f'<w:jc w:val="{align}"/>'
    body = runs if isinstance(runs, str) else "".join(runs)
    return f"<w:p><w:pPr>{ppr}</w:pPr>{body}</w:p>"


def _cell(width_mm: float, paragraphs: str, *, span: int = 1, center: bool = False) -> str:
    props = f'<w:tcW w:w="{_tw(width_mm)}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if center:
        props += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"


def _table_props(widths: list[float], *, borders: bool) -> str:
    edge = 'w:val="single" w:sz="4" w:space="0" w:color="000000"' if borders else 'w:val="nil"'
    sides = "".join(f"<w:{side} {edge}/>" for side in ("top", "left", "bottom", "right"))
    sides += f"<w:insideH {edge}/><w:insideV {edge}/>"
    grid = "".join(f'<w:gridCol w:w="{_tw(w)}"/>' for w in widths)
    return (
        f'<w:tblPr><w:tblW w:w="{_tw(sum(widths))}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{sides}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
        "</w:tblCellMar>"
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
    )


def _heading_block(pl: PostingList) -> str:
    """The borderless two-column heading: issuing body | national motto, place and date."""
    left_mm, right_mm = 100.0, LAYOUT.text_width_mm - 100.0
    parent, body = pl.issuer_lines
    left = ""
    if parent:
        left += _para(_run(parent, size=LAYOUT.motto_pt), align="center", after_pt=0)
    left += _para(_run(body, bold=True, size=LAYOUT.motto_pt), align="center", after_pt=0)
    left += _para("", rule_indent_mm=(left_mm - 30) / 2, after_pt=0)
    right = _para(
        _run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=LAYOUT.motto_pt),
        align="center",
        after_pt=0,
    )
    right += _para(
        _run("Độc lập - Tự do - Hạnh phúc", bold=True, size=LAYOUT.slogan_pt),
        align="center",
        after_pt=0,
    )
    right += _para("", rule_indent_mm=(right_mm - 68) / 2, after_pt=0)
    right += _para(
        _run(pl.date_place_line, italic=True, size=LAYOUT.slogan_pt),
        align="center",
        before_pt=6,
        after_pt=0,
    )
    return (
        f"<w:tbl>{_table_props([left_mm, right_mm], borders=False)}"
        f"<w:tr>{_cell(left_mm, left)}{_cell(right_mm, right)}</w:tr></w:tbl>"
    )


def _cell_para(text: str, *, center: bool = False, bold: bool = False, italic: bool = False) -> str:
    return _para(
        _run(text, bold=bold, italic=italic) if text else "",
        align="center" if center else None,
        after_pt=0,
    )


def _decision_para(label: str) -> str:
    """The decision cell: the number on one line (hyphens do not break), the date below."""
    number, _, rest = label.partition(" ngày ")
    hyphen = '</w:t><w:noBreakHyphen/><w:t xml:space="preserve">'
    text = hyphen.join(escape(xml_safe(part)) for part in number.split("-"))
    runs = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'
    if rest:
        runs += _run(f"\nngày {rest}")
    return _para(runs, align="center", after_pt=0)


#: The most lines a row may be estimated at and still be kept on one page. A landscape
#: page holds 170 mm of table; less the repeated header (about 22 mm), about 27 lines
#: of 13 pt text (5.3 mm each); 20 leaves room for a wrong estimate.
MAX_UNSPLIT_LINES = 20
#: A generous average width of a 13 pt Times New Roman character, in mm (wide estimates
#: count more lines, so a row is kept whole only when it surely fits).
_CHAR_MM = 2.3


def _lines(text: str, width_mm: float) -> int:
    """Estimate the lines *text* takes in a column *width_mm* wide."""
    per_line = max(1, int((width_mm - 2) / _CHAR_MM))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def row_lines(row: PostingRow, widths: list[float]) -> int:
    """Estimate the height of *row* in lines: that of its tallest cell."""
    return max(_lines(text, width) for text, width in zip(cell_values(row), widths, strict=True))


def _row_xml(row: PostingRow, widths: list[float]) -> str:
    time_paras = _cell_para(row.processing_time)
    note = statutory_note(row)
    if note:
        time_paras += _cell_para(note, italic=True)
    cells = (
        _cell(widths[0], _cell_para(str(row.stt), center=True)),
        _cell(widths[1], _cell_para(row.code_label, center=True)),
        _cell(widths[2], _cell_para(row.name)),
        _cell(widths[3], time_paras),
        _cell(widths[4], _cell_para(row.fees)),
        _cell(widths[5], _cell_para(row.online, center=True)),
        _cell(widths[6], _cell_para(row.postal, center=True)),
        _cell(widths[7], _decision_para(row.decision)),
    )
    keep = "<w:cantSplit/>" if row_lines(row, widths) <= MAX_UNSPLIT_LINES else ""
    return f"<w:tr><w:trPr>{keep}</w:trPr>{''.join(cells)}</w:tr>"


def _main_table(pl: PostingList) -> str:
    widths = [col.docx_mm for col in COLUMNS]
    header = "".join(
        _cell(width, _cell_para(col.header, center=True, bold=True), center=True)
        for col, width in zip(COLUMNS, widths, strict=True)
    )
    parts = [
        f"<w:tbl>{_table_props(widths, borders=True)}",
        f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header}</w:tr>",
    ]
    for group in pl.groups:
        parts.append(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            f"{_cell(sum(widths), _cell_para(group.heading, bold=True), span=len(widths))}"
            "</w:tr>"
        )
        parts.extend(_row_xml(row, widths) for row in group.rows)
    parts.append("</w:tbl>")
    return "".join(parts)


def _body_xml(pl: PostingList) -> str:
    parts = [
        _heading_block(pl),
        _para(
            _run(pl.title, bold=True, size=LAYOUT.title_pt),
            align="center",
            before_pt=12,
            after_pt=0,
            keep_next=True,
        ),
        _para(
            _run(pl.subtitle, bold=True, size=LAYOUT.title_pt),
            align="center",
            after_pt=0,
            keep_next=True,
        ),
        _para(_run(pl.date_line, italic=True), align="center", keep_next=True),
        _para(_run(pl.summary), keep_next=True),
        _main_table(pl),
        _para(_run(FEEDBACK_TITLE, bold=True), before_pt=12, keep_next=True),
        _para(_run(FEEDBACK_INTRO), keep_next=True),
    ]
    for label, value in feedback_lines(pl.desk):
        parts.append(
            _para([_run(f"{label}: ", bold=True), _run(value)], after_pt=0, keep_next=True)
        )
    parts.append(_para(_run(pl.sources_line, italic=True), before_pt=12))
    if pl.generated_note:
        parts.append(_para(_run(pl.generated_note, italic=True)))
    return "".join(parts)


def _set_fonts(rpr: Any, size_pt: int | None) -> None:
    """Times New Roman in every font slot of *rpr* (a ``w:rPr``), theme fonts removed."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), _FONT)
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            element = rpr.find(qn(tag))
            if element is None:
                element = OxmlElement(tag)
                rpr.append(element)
            element.set(qn("w:val"), str(size_pt * 2))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")


def _style_document(doc: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_fonts(rpr, LAYOUT.body_pt)
    normal = doc.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(LAYOUT.body_pt)
    _set_fonts(normal.element.get_or_add_rPr(), LAYOUT.body_pt)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.0


def _page_setup(doc: Any) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Twips

    def at_least(mm: float) -> Any:
        # Round up to whole twips, so that a margin never falls below its legal minimum.
        return Twips(math.ceil(mm * _TWIPS_PER_MM))

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width = Twips(_tw(LAYOUT.page_width_mm))
    section.page_height = Twips(_tw(LAYOUT.page_height_mm))
    section.top_margin = at_least(LAYOUT.top_mm)
    section.bottom_margin = at_least(LAYOUT.bottom_mm)
    section.left_margin = at_least(LAYOUT.left_mm)
    section.right_margin = at_least(LAYOUT.right_mm)
    section.header_distance = Twips(_tw(LAYOUT.header_mm))
    section.footer_distance = Twips(_tw(LAYOUT.header_mm))
    section.gutter = Twips(0)
    # Page numbers centred in the top margin, from page 2 on.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    size = LAYOUT.page_number_pt * 2
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple xmlns:w="{_W}" w:instr=" PAGE "><w:r><w:rPr>'
            f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr><w:t>1</w:t></w:r>'
            "</w:fldSimple>"
        )
    )


def _with_body(document_xml: bytes, content: str) -> bytes:
    """Insert *content* (body-level WordprocessingML) at the start of the document's body.

    The content is spliced into the serialised part rather than parsed and
    moved into python-docx's tree: moving tens of thousands of elements
    between lxml documents costs more than everything else together.
    """
    marker = b"<w:body>"
    if document_xml.count(marker) != 1 or b'xmlns:w="' + _W.encode() + b'"' not in document_xml:
        raise RuntimeError("unexpected word/document.xml from python-docx")  # pragma: no cover
    return document_xml.replace(marker, marker + content.encode("utf-8"), 1)


def render_docx(pl: PostingList) -> bytes:
    """The posting list as DOCX bytes."""
    import zipfile

    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    doc = Document()
    _style_document(doc)
    _page_setup(doc)
    # The template's thumbnail shows an empty page, not this list: drop it.
    package_rels = doc.part.package.rels
    for rel_id in [rid for rid, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        del package_rels[rel_id]
    props = doc.core_properties
    props.title = f"{pl.title} {pl.subtitle}"
    props.author = "tthc"
    buffer = io.BytesIO()
    doc.save(buffer)
    package = buffer.getvalue()
    part = "word/document.xml"
    document_xml = zipfile.ZipFile(io.BytesIO(package)).read(part)
    return deterministic_zip(
        package,
        pl.as_of,
        replace={
            "docProps/core.xml": core_properties_xml(pl),
            part: _with_body(document_xml, _body_xml(pl)),
        },
    )
