"""Posting-list writers: layout, content, safety, determinism, snapshots and the command."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.shared import Length
from docx.text.paragraph import Paragraph

from tthc.catalog import Catalog, load_catalog, resolve_catalog_path, write_catalog
from tthc.cli import main
from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
from tthc.desk import Desk, FeedbackAddress, Unit
from tthc.feeparse import parse_fee
from tthc.posting_list import PostingList, PostingRow, build_posting_list, group_rows
from tthc.procedure import Field
from tthc.proctime import parse_processing_time
from tthc.render import FORMATS, render_posting_list
from tthc.render._common import COLUMNS, neutralise
from tthc.render.docx import MAX_UNSPLIT_LINES, row_lines
from tthc.render.text import CSV_HEADER
from tthc.render.xlsx import HEADER_ROW

REPO = Path(__file__).resolve().parents[1]
SNAPSHOTS = REPO / "tests" / "snapshots" / "posting_list"
AS_OF = date(2019, 12, 31)
#: The desks snapshotted from the example catalogue: the district desk and one commune desk.
SNAPSHOT_DESKS = ("huyen", "xa-tung-lam")

EVIL_NAME = "Đăng ký <script>alert('x')</script> & khai sinh"
FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội")
#: Cell texts a spreadsheet could run as formulas (records are NFC, so no leading tab or CR).
FORMULAS = ('=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "＝1+1", "- Lệ phí")


def _rows() -> Iterator[tuple[Field, PostingRow]]:
    for index in range(60):
        cut = index % 3 == 1
        yield (
            Field.of(FIELDS[index % len(FIELDS)]),
            PostingRow(
                stt=0,
                code=f"1.{index:06d}",
                name=EVIL_NAME if index == 5 else f"Cấp bản sao trích lục hộ tịch số {index}",
                processing_time="07 ngày làm việc" if cut else "Trong ngày",
                statutory_time="10 ngày làm việc" if cut else None,
                fees=FORMULAS[index % len(FORMULAS)] if index < 12 else "Miễn lệ phí",
                online="Mức độ 4" if index % 2 else "",
                postal="Tiếp nhận, trả kết quả" if index % 2 else "",
                decision="1766/QĐ-UBND ngày 03/08/2020",
            ),
        )


def sample_list() -> PostingList:
    """A posting list of 60 procedures in 4 fields, with hostile texts in some cells."""
    desk = Desk(
        id="xa-tung-lam",
        name="Bộ phận Một cửa UBND xã Tùng Lâm",
        level="commune",
        feedback=FeedbackAddress(
            body="UBND xã Tùng Lâm",
            address="Trụ sở UBND xã Tùng Lâm",
            phone="0200 3800 201",
            email="=cmd|' /C calc'!A0",
        ),
    )
    return PostingList(
        unit_name="huyện Mẫu Lâm",
        province="tỉnh Thí Điểm",
        desk=desk,
        as_of=AS_OF,
        groups=group_rows(_rows()),
        source_decisions=("1766/QĐ-UBND ngày 03/08/2020",),
        generated_note="Ghi chú <b>thử</b>.",
    )


@pytest.fixture(name="pl", scope="module")
def _pl() -> PostingList:
    return sample_list()


@pytest.fixture(name="rendered", scope="module")
def _rendered(pl: PostingList) -> dict[str, bytes]:
    return {fmt: render_posting_list(pl, fmt) for fmt in FORMATS}


def _mm(length: Length | None) -> float:
    assert length is not None
    return float(length.mm)


# --------------------------------------------------------------------------- DOCX


def _docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


class TestDocx:
    def test_a4_landscape(self, rendered: dict[str, bytes]) -> None:
        """The page is A4 (297 × 210 mm), landscape for the wide table."""
        section = _docx(rendered["docx"]).sections[0]

        assert _mm(section.page_width) == pytest.approx(297, abs=0.1)
        assert _mm(section.page_height) == pytest.approx(210, abs=0.1)
        assert section.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE

    def test_margins_within_the_decree_ranges(self, rendered: dict[str, bytes]) -> None:
        """Top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm."""
        section = _docx(rendered["docx"]).sections[0]

        assert 20 <= _mm(section.top_margin) <= 25
        assert 20 <= _mm(section.bottom_margin) <= 25
        assert 30 <= _mm(section.left_margin) <= 35
        assert 15 <= _mm(section.right_margin) <= 20

    def test_normal_style_is_times_new_roman_13(self, rendered: dict[str, bytes]) -> None:
        """The Normal style is Times New Roman 13 pt in every font slot."""
        doc = _docx(rendered["docx"])
        normal = doc.styles["Normal"]
        fonts = normal.element.rPr.find(qn("w:rFonts"))

        assert normal.font.name == "Times New Roman"
        assert normal.font.size.pt in (13, 14)
        assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {
            "Times New Roman"
        }

    def test_no_run_overrides_the_font(self, rendered: dict[str, bytes]) -> None:
        """No run names another font or a theme font: the text is all Times New Roman."""
        body = _docx(rendered["docx"]).element.body

        assert body.findall(".//" + qn("w:rFonts")) == []

    def test_header_row_repeats_and_rows_do_not_split(self, rendered: dict[str, bytes]) -> None:
        """The first row of the table is a repeated header; no row breaks across pages."""
        table = _docx(rendered["docx"]).tables[1]
        rows = table._tbl.tr_lst

        assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert all(r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for r in rows[1:])
        assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows)

    def test_a_row_taller_than_a_page_may_split(self, pl: PostingList) -> None:
        """A row estimated taller than a page is not kept whole (Word would clip it)."""
        long_row = attrs.evolve(pl.groups[0].rows[0], name="Giao đất ở " * 120)
        group = attrs.evolve(pl.groups[0], rows=(long_row, *pl.groups[0].rows[1:]))
        data = render_posting_list(attrs.evolve(pl, groups=(group, *pl.groups[1:])), "docx")
        rows = _docx(data).tables[1]._tbl.tr_lst
        split = [r for r in rows if r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is None]

        assert row_lines(long_row, [c.docx_mm for c in COLUMNS]) > MAX_UNSPLIT_LINES
        assert len(split) == 1
        assert "Giao đất ở Giao đất ở" in "".join(t.text or "" for t in split[0].iter(qn("w:t")))

    def test_heading_block_has_motto_and_issuer(self, rendered: dict[str, bytes]) -> None:
        """The heading names the issuing body beside the national motto, then place and date."""
        heading = _docx(rendered["docx"]).tables[0]
        left, right = (cell.text for cell in heading.rows[0].cells)

        assert left.split("\n") == ["UBND HUYỆN MẪU LÂM", "BỘ PHẬN MỘT CỬA UBND XÃ TÙNG LÂM", ""]
        assert right.split("\n") == [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "",
            "Mẫu Lâm, ngày 31 tháng 12 năm 2019",
        ]

    def test_page_numbers_from_page_two(self, rendered: dict[str, bytes]) -> None:
        """A PAGE field is centred in the header; the first page has its own, empty header."""
        section = _docx(rendered["docx"]).sections[0]
        field = section.header.paragraphs[0]._p.find(qn("w:fldSimple"))

        assert section.different_first_page_header_footer
        assert field is not None
        assert field.get(qn("w:instr")).strip() == "PAGE"
        assert section.first_page_header.paragraphs[0].text == ""

    def test_rows_and_grouping(self, pl: PostingList, rendered: dict[str, bytes]) -> None:
        """One row per procedure under a spanning row per field; codes in list order."""
        table = _docx(rendered["docx"]).tables[1]
        group_rows_seen: list[str] = []
        codes: list[str] = []
        for tr in table._tbl.tr_lst[1:]:
            cells = tr.tc_lst
            text = "".join(t.text or "" for t in cells[0].iter(qn("w:t")))
            if len(cells) == 1:
                assert cells[0].find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")) == "8"
                group_rows_seen.append(text)
            else:
                codes.append("".join(t.text or "" for t in cells[1].iter(qn("w:t"))))

        assert group_rows_seen == [g.heading for g in pl.groups]
        assert codes == [r.code for r in pl.rows]
        assert len(table.rows) == 1 + len(pl.groups) + pl.count

    def test_cut_time_cell_shows_the_statutory_time(self, rendered: dict[str, bytes]) -> None:
        """A cut time cell has the applied time, then the statutory one in italics."""
        table = _docx(rendered["docx"]).tables[1]
        cell = next(row.cells[3] for row in table.rows[1:] if row.cells[1].text == "1.000001")

        assert cell.text == "07 ngày làm việc\n(Quy định: 10 ngày làm việc)"
        assert cell.paragraphs[1].runs[0].italic

    def test_feedback_and_sources(self, rendered: dict[str, bytes]) -> None:
        """The feedback block and the source footer follow the table."""
        texts = [p.text for p in _docx(rendered["docx"]).paragraphs]

        assert "ĐỊA CHỈ TIẾP NHẬN PHẢN ÁNH, KIẾN NGHỊ VỀ QUY ĐỊNH HÀNH CHÍNH" in texts
        assert "Điện thoại: 0200 3800 201" in texts
        assert "Nguồn: Quyết định số 1766/QĐ-UBND ngày 03/08/2020." in texts

    def test_core_properties_are_fixed(self, rendered: dict[str, bytes]) -> None:
        """Created and modified are the list's date at midnight, not the time of writing."""
        props = _docx(rendered["docx"]).core_properties

        assert (props.created.date(), props.modified.date()) == (AS_OF, AS_OF)
        assert props.created.time().isoformat() == "00:00:00"
        assert props.author == "tthc"


# --------------------------------------------------------------------------- XLSX


def _sheet(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data)).active


class TestXlsx:
    def test_print_setup(self, rendered: dict[str, bytes]) -> None:
        """A4 landscape, fitted to one page wide, the header row repeated, the header frozen."""
        ws = _sheet(rendered["xlsx"])

        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
        assert "&P" in ws.oddFooter.center.text

    def test_margins_and_widths(self, rendered: dict[str, bytes]) -> None:
        """Margins follow the decree (in inches); every table column has a set width."""
        ws = _sheet(rendered["xlsx"])

        assert 30 <= ws.page_margins.left * 25.4 <= 35
        assert 15 <= ws.page_margins.right * 25.4 <= 20
        assert [ws.column_dimensions[c].width for c in "ABCDEFGH"] == [
            6,
            11,
            48,
            24,
            24,
            13,
            14,
            18,
        ]

    def test_header_and_wrapped_cells(self, rendered: dict[str, bytes]) -> None:
        """The header row names the columns; body cells wrap their text."""
        ws = _sheet(rendered["xlsx"])
        header = [c.value for c in ws[HEADER_ROW]]

        assert header[:3] == ["STT", "Mã số TTHC", "Tên thủ tục hành chính"]
        assert all(c.alignment.wrap_text for c in ws[HEADER_ROW + 2])

    def test_rows_and_grouping(self, pl: PostingList, rendered: dict[str, bytes]) -> None:
        """Procedures sit under merged group rows, in list order, numbered across the list."""
        ws = _sheet(rendered["xlsx"])
        merged = {str(r) for r in ws.merged_cells.ranges}
        groups: list[str] = []
        rows: list[tuple[int, str]] = []
        for line in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(pl.groups) + pl.count):
            first = ws.cell(row=line, column=1).value
            if isinstance(first, str):
                assert f"A{line}:H{line}" in merged
                groups.append(first)
            else:
                rows.append((first, ws.cell(row=line, column=2).value))

        assert groups == [g.heading for g in pl.groups]
        assert rows == [(r.stt, r.code) for r in pl.rows]

    def test_formula_like_texts_stay_text(self, rendered: dict[str, bytes]) -> None:
        """No cell is a formula; formula-like texts are quote-prefixed strings, unchanged."""
        ws = _sheet(rendered["xlsx"])
        cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
        risky = [c for c in cells if str(c.value).startswith(("=", "+", "-", "@", "\t", "\r"))]

        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert {c.value for c in risky} >= set(FORMULAS) - {"＝1+1"}
        assert all(c.data_type == "s" and c.quotePrefix for c in risky)

    def test_no_formula_in_the_package(self, rendered: dict[str, bytes]) -> None:
        """The sheet XML has no formula element at all."""
        sheet = zipfile.ZipFile(io.BytesIO(rendered["xlsx"])).read("xl/worksheets/sheet1.xml")

        assert b"<f>" not in sheet
        assert b"<f " not in sheet


# --------------------------------------------------------------------------- text formats


class TestCsv:
    def test_bom_crlf_and_header(self, rendered: dict[str, bytes]) -> None:
        """UTF-8 with BOM, CRLF line ends, the documented header."""
        data = rendered["csv"]

        assert data.startswith(b"\xef\xbb\xbf")
        assert data.count(b"\r\n") == data.count(b"\n")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        assert tuple(rows[0]) == CSV_HEADER

    def test_one_row_per_procedure_with_its_group(
        self, pl: PostingList, rendered: dict[str, bytes]
    ) -> None:
        """Each procedure is one row carrying its group numeral and field."""
        rows = list(csv.DictReader(io.StringIO(rendered["csv"].decode("utf-8-sig"), newline="")))
        expected = [
            (str(r.stt), g.numeral, g.field.name, r.code) for g in pl.groups for r in g.rows
        ]

        assert [(r["STT"], r["Nhóm"], r["Lĩnh vực"], r["Mã số TTHC"]) for r in rows] == expected

    def test_formula_cells_are_neutralised(self, rendered: dict[str, bytes]) -> None:
        """Every cell starting like a formula gets a leading apostrophe, nothing else changes."""
        rows = list(csv.reader(io.StringIO(rendered["csv"].decode("utf-8-sig"), newline="")))
        cells = [cell for row in rows[1:] for cell in row]

        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r", "＝")]
        assert {f"'{f}" for f in FORMULAS} <= set(cells)
        assert "Miễn lệ phí" in cells

    @pytest.mark.parametrize("text", ["=1", "+1", "-1", "@A", "\tx", "\rx", "＝1", "－1"])
    def test_every_formula_start_is_neutralised(self, text: str) -> None:
        """Each documented leading character gets the apostrophe (tab and CR included)."""
        assert neutralise(text) == "'" + text

    @pytest.mark.parametrize("text", ["1.000 đồng", "Miễn phí", "'quoted", " =1", ""])
    def test_other_texts_are_unchanged(self, text: str) -> None:
        """Texts that cannot start a formula are left alone."""
        assert neutralise(text) == text


class TestHtml:
    def test_everything_is_escaped(self, rendered: dict[str, bytes]) -> None:
        """A name with a script tag is shown as text; no script element exists."""
        page = rendered["html"].decode("utf-8")

        assert "<script" not in page.lower()
        assert "Đăng ký &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; khai sinh" in page
        assert "Ghi chú &lt;b&gt;thử&lt;/b&gt;." in page

    def test_self_contained(self, rendered: dict[str, bytes]) -> None:
        """No external resource: no links, sources, url() or @import; a CSP forbids fetches."""
        page = rendered["html"].decode("utf-8")

        assert re.search(r"<link|\ssrc=|\shref=|url\(|@import", page) is None
        assert "default-src 'none'" in page

    def test_print_and_phone_css(self, rendered: dict[str, bytes]) -> None:
        """A4 print with repeated table header and page counters; a viewport for phones."""
        page = rendered["html"].decode("utf-8")

        assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
        assert "size: A4 landscape" in page
        assert "display: table-header-group" in page
        assert "counter(page)" in page
        assert "counter(pages)" in page
        assert "@media screen and (max-width: 48rem)" in page

    def test_rows_and_groups(self, pl: PostingList, rendered: dict[str, bytes]) -> None:
        """One table row per procedure, one group row per field."""
        page = rendered["html"].decode("utf-8")

        assert page.count('<tr class="row">') == pl.count
        assert page.count('<tr class="group">') == len(pl.groups)


class TestMarkdown:
    def test_tables_per_group(self, pl: PostingList, rendered: dict[str, bytes]) -> None:
        """One heading and table per field; one table line per procedure."""
        text = rendered["md"].decode("utf-8")
        body_lines = [line for line in text.splitlines() if re.match(r"\| \d+ \|", line)]

        assert [line for line in text.splitlines() if line.startswith("## ")][:-1] == [
            f"## {g.heading}" for g in pl.groups
        ]
        assert len(body_lines) == pl.count

    def test_escaping(self, rendered: dict[str, bytes]) -> None:
        """Markup characters in texts are escaped, so the Markdown shows them literally."""
        text = rendered["md"].decode("utf-8")

        assert "\\<script\\>" in text
        assert "<script>" not in text


# --------------------------------------------------------------------------- determinism


class TestDeterminism:
    def test_zip_entries_have_fixed_dates_and_order(self, rendered: dict[str, bytes]) -> None:
        """Every zip entry is dated the list's day; [Content_Types].xml comes first."""
        for fmt in ("xlsx", "docx"):
            infos = zipfile.ZipFile(io.BytesIO(rendered[fmt])).infolist()

            assert infos[0].filename == "[Content_Types].xml"
            assert {i.date_time for i in infos} == {(2019, 12, 31, 0, 0, 0)}
            names = [i.filename for i in infos[2:]]
            assert names == sorted(names)

    def test_same_bytes_later(self, pl: PostingList, rendered: dict[str, bytes]) -> None:
        """Rendering again, seconds later (zip times have 2 s steps), gives the same bytes."""
        time.sleep(2.1)
        for fmt in FORMATS:
            assert render_posting_list(pl, fmt) == rendered[fmt], fmt

    def test_unknown_format(self, pl: PostingList) -> None:
        """An unknown format is a ValueError naming the known ones."""
        with pytest.raises(ValueError, match="xlsx, docx, html, csv, md"):
            render_posting_list(pl, "pdf")  # type: ignore[arg-type]

    def test_import_stays_light(self) -> None:
        """Importing the writers loads none of openpyxl, python-docx, jinja2."""
        code = (
            "import sys, tthc.render, tthc.posting_list, tthc.cli.render_cmds;"
            "print(sorted(m for m in ('openpyxl', 'docx', 'jinja2') if m in sys.modules))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(REPO / "src")},
        )

        assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- snapshots


def docx_text(data: bytes) -> str:
    """The text of a DOCX, in reading order, with its page layout: what a snapshot compares."""
    doc = _docx(data)
    section = doc.sections[0]
    lines = [
        f"page {_mm(section.page_width):.1f} x {_mm(section.page_height):.1f} mm, margins "
        f"{_mm(section.top_margin):.1f}/{_mm(section.right_margin):.1f}/"
        f"{_mm(section.bottom_margin):.1f}/{_mm(section.left_margin):.1f} mm",
        f"normal style {doc.styles['Normal'].font.name} {doc.styles['Normal'].font.size.pt:g} pt",
    ]
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append(Paragraph(block, None).text)
        elif block.tag == qn("w:tbl"):
            for tr in block.iter(qn("w:tr")):
                header = tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
                cells = [
                    "\n".join(Paragraph(p, None).text for p in tc.iter(qn("w:p")))
                    .strip("\n")
                    .replace("\n", " / ")
                    for tc in tr.iter(qn("w:tc"))
                ]
                lines.append(("[header] " if header else "") + " | ".join(cells))
    return "\n".join(lines) + "\n"


def xlsx_text(data: bytes) -> str:
    """The cell values of an XLSX with its print settings: what a snapshot compares."""
    ws = _sheet(data)
    lines = [
        f"sheet {ws.title!r}; freeze {ws.freeze_panes}; print titles {ws.print_title_rows}; "
        f"{ws.page_setup.orientation} paper {ws.page_setup.paperSize}; fit "
        f"{ws.page_setup.fitToWidth}x{ws.page_setup.fitToHeight}",
        "merged " + " ".join(sorted(str(r) for r in ws.merged_cells.ranges)),
    ]
    for row in ws.iter_rows():
        values = [c for c in row if c.value is not None]
        if values:
            lines.append(
                " | ".join(
                    f"{c.coordinate}={'^' if c.quotePrefix else ''}{c.value!r}" for c in values
                )
            )
    return "\n".join(lines) + "\n"


def snapshot_name(desk_id: str, fmt: str) -> str:
    """The snapshot file of one desk's list in one format."""
    suffix = f"{fmt}.txt" if fmt in ("docx", "xlsx") else fmt
    return f"{desk_id}-{AS_OF.isoformat()}.{suffix}"


def snapshot_content(fmt: str, data: bytes) -> bytes:
    """What the snapshot of *data* holds: the bytes, or the text of a zip format."""
    if fmt == "docx":
        return docx_text(data).encode("utf-8")
    if fmt == "xlsx":
        return xlsx_text(data).encode("utf-8")
    return data


def example_catalog() -> Catalog:
    """The example catalogue shipped with tthc (fails the test if it is missing)."""
    path = resolve_catalog_path(None)
    if isinstance(path, Path) and not (path / "unit.toml").exists():
        pytest.fail(f"no example catalogue at {path}: run scripts/build_example_catalog.py")
    return load_catalog(path)


def snapshots(catalog: Catalog) -> dict[str, bytes]:
    """Every snapshot file's expected content, by file name."""
    found: dict[str, bytes] = {}
    for desk_id in SNAPSHOT_DESKS:
        pl = build_posting_list(catalog, desk_id, AS_OF)
        for fmt in FORMATS:
            found[snapshot_name(desk_id, fmt)] = snapshot_content(fmt, render_posting_list(pl, fmt))
    return found


@pytest.fixture(name="example", scope="module")
def _example() -> Catalog:
    return example_catalog()


class TestExampleCatalogue:
    @pytest.mark.parametrize("desk_id", SNAPSHOT_DESKS)
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_snapshot(self, example: Catalog, desk_id: str, fmt: str) -> None:
        """The output equals the reviewed snapshot (update: scripts/update_snapshots.py)."""
        path = SNAPSHOTS / snapshot_name(desk_id, fmt)
        assert path.exists(), f"missing snapshot {path}: run scripts/update_snapshots.py"
        data = render_posting_list(build_posting_list(example, desk_id, AS_OF), fmt)

        assert snapshot_content(fmt, data).decode("utf-8") == path.read_bytes().decode("utf-8")

    @pytest.mark.parametrize("desk_id", SNAPSHOT_DESKS)
    def test_documents_hold_the_required_set(self, example: Catalog, desk_id: str) -> None:
        """DOCX and XLSX rows are exactly the desk's in-force, non-internal procedures."""
        desk = example.desk(desk_id)
        required = sorted(
            r.code
            for r in example.as_of(AS_OF).entries(level=desk.level)
            if not r.procedure.internal
        )
        pl = build_posting_list(example, desk_id, AS_OF)
        table = _docx(render_posting_list(pl, "docx")).tables[1]
        docx_codes = [row.cells[1].text for row in table.rows[1:] if len(row._tr.tc_lst) > 1]
        ws = _sheet(render_posting_list(pl, "xlsx"))
        xlsx_codes = [
            ws.cell(row=line, column=2).value
            for line in range(HEADER_ROW + 1, ws.max_row + 1)
            if isinstance(ws.cell(row=line, column=1).value, int)
        ]

        assert sorted(docx_codes) == required
        assert sorted(xlsx_codes) == required
        assert len(docx_codes) == len(set(docx_codes))


# --------------------------------------------------------------------------- the command


def _tiny_catalog(folder: Path) -> Path:
    """A catalogue folder with a district desk (closed in 2025) and a commune desk."""
    unit = Unit(
        name="huyện Mẫu",
        province="tỉnh Mẫu",
        desks=(
            Desk(
                id="huyen",
                name="Bộ phận Một cửa UBND huyện Mẫu",
                level="district",
                opened=date(2016, 1, 1),
                closed=date(2025, 6, 30),
            ),
            Desk(
                id="xa-a",
                name="Bộ phận Một cửa UBND xã A",
                level="commune",
                opened=date(2016, 1, 1),
            ),
        ),
    )
    decision = Decision(
        number="10/QĐ-UBND",
        issuer="Chủ tịch UBND tỉnh Mẫu",
        signed=date(2019, 1, 2),
        effective=date(2019, 1, 15),
        entries=tuple(
            Entry(
                kind=EntryKind.NEW,
                code=code,
                levels=(level,),
                content=ProcedureContent(
                    name=name,
                    field=Field.of(field),
                    processing_time=parse_processing_time("05 ngày làm việc"),
                    fees=parse_fee("=1+2"),
                ),
            )
            for code, level, name, field in (
                ("1.000001", "district", "Đăng ký hộ kinh doanh", "Hộ kinh doanh"),
                ("2.000001", "commune", "Đăng ký khai sinh", "Hộ tịch"),
                ("2.000002", "commune", "Chứng thực chữ ký", "Chứng thực"),
            )
        ),
    )
    write_catalog((unit, [decision]), folder)
    return folder


@pytest.fixture(name="tiny")
def _tiny(tmp_path: Path) -> Path:
    return _tiny_catalog(tmp_path / "catalog")


class TestCommand:
    def test_markdown_to_stdout(self, tiny: Path, capsysbinary: Any) -> None:
        """A text format without -o goes to standard output."""
        code = main(
            [
                "posting-list",
                "--catalog",
                str(tiny),
                "--desk",
                "xa-a",
                "--as-of",
                "2019-12-31",
                "--format",
                "md",
            ]
        )
        out = capsysbinary.readouterr().out.decode("utf-8")

        assert code == 0
        assert "## I. Lĩnh vực Chứng thực (1 thủ tục)" in out
        assert "## II. Lĩnh vực Hộ tịch (1 thủ tục)" in out

    def test_binary_needs_a_file(self, tiny: Path, capsys: Any) -> None:
        """DOCX without -o is a usage error (exit 2) with a clear message."""
        code = main(["posting-list", "--catalog", str(tiny), "--desk", "xa-a", "--format", "docx"])

        assert code == 2
        assert "give it with -o FILE" in capsys.readouterr().err

    def test_file_is_written_once_unless_forced(self, tiny: Path, tmp_path: Path) -> None:
        """-o writes the file; writing it again needs --force."""
        target = tmp_path / "out" / "xa-a.xlsx"
        args = [
            "posting-list",
            "--catalog",
            str(tiny),
            "--desk",
            "xa-a",
            "--as-of",
            "31/12/2019",
            "--format",
            "xlsx",
            "-o",
            str(target),
        ]

        assert main(args) == 0
        first = target.read_bytes()
        assert main(args) == 2
        assert main([*args, "--force"]) == 0
        assert target.read_bytes() == first
        assert _sheet(first).cell(row=HEADER_ROW + 2, column=2).value == "2.000002"

    def test_all_desks(self, tiny: Path, tmp_path: Path, capsys: Any) -> None:
        """--all-desks writes one file per open desk; closed desks are skipped and said so."""
        out = tmp_path / "lists"
        code = main(
            [
                "posting-list",
                "--catalog",
                str(tiny),
                "--all-desks",
                "--as-of",
                "2025-07-01",
                "--format",
                "csv",
                "-o",
                str(out),
            ]
        )

        assert code == 0
        assert sorted(p.name for p in out.iterdir()) == ["xa-a-2025-07-01.csv"]
        assert "1 desk(s) not open on 01/07/2025 skipped" in capsys.readouterr().err

    def test_all_desks_checks_every_target_first(self, tiny: Path, tmp_path: Path) -> None:
        """If one target exists, nothing is written and the exit code is 2."""
        out = tmp_path / "lists"
        out.mkdir()
        (out / "xa-a-2019-12-31.html").write_text("old", encoding="utf-8")
        code = main(
            [
                "posting-list",
                "--catalog",
                str(tiny),
                "--all-desks",
                "--as-of",
                "2019-12-31",
                "--format",
                "html",
                "-o",
                str(out),
            ]
        )

        assert code == 2
        assert sorted(p.name for p in out.iterdir()) == ["xa-a-2019-12-31.html"]

    def test_all_desks_needs_a_folder(self, tiny: Path, capsys: Any) -> None:
        """--all-desks without -o is a usage error."""
        code = main(["posting-list", "--catalog", str(tiny), "--all-desks", "--format", "md"])

        assert code == 2
        assert "-o DIR" in capsys.readouterr().err

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--desk", "huyen", "--as-of", "2025-07-01"], "it closed on 30/06/2025"),
            (["--desk", "xa-z"], "no desk 'xa-z' (desks: huyen, xa-a)"),
            (["--desk", "xa-a", "--as-of", "2019-02-30"], "invalid date '2019-02-30'"),
        ],
    )
    def test_bad_input_exits_2(
        self, tiny: Path, capsys: Any, args: list[str], message: str
    ) -> None:
        """A closed or unknown desk, or a bad date, exits with 2 and a message, no traceback."""
        code = main(["posting-list", "--catalog", str(tiny), *args, "--format", "csv"])
        err = capsys.readouterr().err

        assert code == 2
        assert message in err
        assert "Traceback" not in err
