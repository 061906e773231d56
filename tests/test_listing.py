"""Reading posted listings: CSV, XLSX, DOCX and text, every row accounted for."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_BREAK
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import DATA, real_names, real_rows

from tthc import codes
from tthc.errors import InputError, LimitExceeded, TthcError
from tthc.legacy import encode_legacy
from tthc.listing import (
    ROLES,
    Limits,
    Listing,
    ListingRow,
    SkippedRow,
    header_role,
    read_listing,
)
from tthc.text import nfc

HEADER = ["STT", "Mã số TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết", "Phí, lệ phí"]


def assert_accounted(listing: Listing) -> None:
    """Every row read is a procedure row or a skipped row, and rows are in file order."""
    assert listing.accounted()
    assert listing.rows_read == len(listing.rows) + len(listing.skipped)
    seen = [(r.sheet or "", r.row) for r in listing.rows] + [
        (s.sheet or "", s.row) for s in listing.skipped
    ]
    assert len(seen) == len(set(seen))


def write_csv(path: Path, rows: Sequence[Sequence[str]], *, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    if encoding == "cp1258":
        # Windows-1258 keeps tone marks as separate characters.
        path.write_bytes(encode_legacy(text, "cp1258").encode("cp1252"))
    else:
        path.write_bytes(text.encode(encoding))
    return path


# ----------------------------------------------------------------------------- headers


class TestHeaderRole:
    """Header cells are mapped by their folded text."""

    @pytest.mark.parametrize(
        ("text", "role"),
        [
            ("Mã số TTHC", "code"),
            ("Mã TTHC", "code"),
            ("Mã thủ tục", "code"),
            ("Ký hiệu thủ tục", "code"),
            ("Số hồ sơ TTHC", "code"),
            ("MÃ SỐ\nTTHC", "code"),
            ("Tên TTHC", "name"),
            ("Tên thủ tục hành chính", "name"),
            ("Tên thủ tục", "name"),
            ("TÊN THỦ TỤC HÀNH CHÍNH (1)", "name"),
            ("Thời hạn giải quyết", "processing_time"),
            ("Thời gian giải quyết", "processing_time"),
            ("Ngày thụ lý", "processing_time"),
            ("Phí, lệ phí", "fee"),
            ("Lệ phí", "fee"),
            ("Lĩnh vực", "field"),
            ("Cấp thực hiện", "level"),
            ("Cơ quan thực hiện", "agency"),
            ("Mức độ", "online_level"),
            ("Mức độ DVC", "online_level"),
            ("STT", "stt"),
            ("TT", "stt"),
            ("Căn cứ pháp lý", "legal_basis"),
            ("Ghi chú", "note"),
            ("processing_time_text", "processing_time"),
            ("online_level_raw", "online_level"),
            ("level_group_raw", "level"),
        ],
    )
    def test_variants(self, text: str, role: str) -> None:
        """Each header variant seen on real lists maps to its role."""
        assert role == header_role(text)

    @pytest.mark.parametrize(
        "text",
        ["DANH MỤC THỦ TỤC HÀNH CHÍNH", "Ngày", "", "Đăng ký khai sinh", "x" * 200],
    )
    def test_not_headers(self, text: str) -> None:
        """Titles and ordinary text are not headers."""
        assert header_role(text) is None

    def test_roles_listed(self) -> None:
        """Every role a header can map to is a documented role."""
        assert {"code", "name", "processing_time", "fee", "field", "level"} <= set(ROLES)


# --------------------------------------------------------------------------------- CSV


class TestCsv:
    """CSV files in the encodings offices save them in."""

    ROWS = (
        ["DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ", "", "", "", ""],
        HEADER,
        ["I", "LĨNH VỰC HỘ TỊCH (2 TTHC)", "", "", ""],
        ["1", "1.001193", "Đăng ký khai sinh", "Ngay trong ngày", "Miễn lệ phí"],
        ["", "", "", "", ""],
        ["2", "1.000656.000.00.00.H38", "Đăng ký khai tử", "03 ngày làm việc", ""],
        ["II", "LĨNH VỰC CHỨNG THỰC (1 TTHC)", "", "", ""],
        ["3", "", "Chứng thực bản sao từ bản chính", "", "2.000 đồng/trang"],
    )

    def check(self, listing: Listing) -> None:
        assert_accounted(listing)
        expected = [
            (4, "1.001193", None, "Đăng ký khai sinh", "Hộ tịch", "Ngay trong ngày",
             "Miễn lệ phí"),
            (6, "1.000656", "1.000656.000.00.00.H38", "Đăng ký khai tử", "Hộ tịch",
             "03 ngày làm việc", None),
            (8, None, None, "Chứng thực bản sao từ bản chính", "Chứng thực", None,
             "2.000 đồng/trang"),
        ]
        actual = [
            (r.row, r.code, r.local_code, r.name, r.field, r.processing_time_text, r.fee_text)
            for r in listing.rows
        ]
        assert expected == actual
        reasons = [(s.row, s.reason) for s in listing.skipped]
        assert [(1, "title"), (2, "header"), (3, "heading"), (5, "blank"), (7, "heading")] == (
            reasons
        )

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
    def test_encodings(self, tmp_path: Path, encoding: str) -> None:
        """UTF-8 with and without BOM, UTF-16 and Windows-1258 read the same."""
        path = write_csv(tmp_path / "ds.csv", self.ROWS, encoding=encoding)

        listing = read_listing(path)

        self.check(listing)
        assert listing.legacy is None

    def test_excel_unicode_text(self, tmp_path: Path) -> None:
        """Excel's "Unicode Text": UTF-16 with BOM, tab-separated, saved as .txt."""
        path = write_csv(tmp_path / "ds.txt", self.ROWS, encoding="utf-16", delimiter="\t")

        listing = read_listing(path)

        self.check(listing)
        assert ("utf-16", "csv") == (listing.encoding, listing.format)

    def test_utf16_without_bom(self, tmp_path: Path) -> None:
        """UTF-16 without a byte-order mark is recognised by its zero bytes."""
        path = write_csv(tmp_path / "ds.csv", self.ROWS, encoding="utf-16-le")

        self.check(read_listing(path))

    def test_semicolons(self, tmp_path: Path) -> None:
        """Semicolon-separated files (Excel in some locales) are read."""
        path = write_csv(tmp_path / "ds.csv", self.ROWS, delimiter=";")

        self.check(read_listing(path))

    @pytest.mark.parametrize("legacy", ["tcvn3", "vni"])
    def test_legacy_fonts(self, tmp_path: Path, legacy: str) -> None:
        """A file typed in TCVN3 (ABC) or VNI fonts is detected and converted."""
        rows = [[encode_legacy(cell, legacy, errors="lower") for cell in row] for row in self.ROWS]
        path = write_csv(tmp_path / "ds.csv", rows, encoding="cp1252")

        listing = read_listing(path)

        assert legacy == listing.legacy
        names = [r.name for r in listing.rows]
        assert ["Đăng ký khai sinh", "Đăng ký khai tử", "Chứng thực bản sao từ bản chính"] == (
            [n[:1].upper() + n[1:] for n in names]
        )
        assert_accounted(listing)

    def test_nfd_text_becomes_nfc(self, tmp_path: Path) -> None:
        """Decomposed text (as macOS writes it) comes out composed."""
        rows = [[unicodedata.normalize("NFD", c) for c in row] for row in self.ROWS]
        path = write_csv(tmp_path / "ds.csv", rows)

        listing = read_listing(path)

        self.check(listing)
        assert all(unicodedata.is_normalized("NFC", r.name) for r in listing.rows)

    def test_other_columns_kept(self, tmp_path: Path) -> None:
        """Columns without a role are kept by header text; secondary roles by role."""
        path = write_csv(tmp_path / "ds.csv", [
            ["Tên thủ tục", "Cơ quan thực hiện", "Đường dẫn"],
            ["Đăng ký khai sinh", "UBND cấp xã", "https://example.org/ks"],
        ])

        row = read_listing(path).rows[0]

        assert (("agency", "UBND cấp xã"), ("Đường dẫn", "https://example.org/ks")) == row.extra
        assert "UBND cấp xã" == row.get("agency")

    def test_repeated_header_and_column_numbers(self, tmp_path: Path) -> None:
        """A column-number row and a header repeated on a new page are skipped as headers."""
        path = write_csv(tmp_path / "ds.csv", [
            HEADER,
            ["(1)", "(2)", "(3)", "(4)", "(5)"],
            ["1", "", "Đăng ký khai sinh", "", ""],
            HEADER,
            ["2", "", "Đăng ký khai tử", "", ""],
            ["", "", "Tổng cộng: 2 TTHC", "", ""],
        ])

        listing = read_listing(path)

        assert ["Đăng ký khai sinh", "Đăng ký khai tử"] == [r.name for r in listing.rows]
        assert [(1, "header"), (2, "header"), (4, "header"), (6, "note")] == [
            (s.row, s.reason) for s in listing.skipped
        ]

    def test_level_heading(self, tmp_path: Path) -> None:
        """A level heading sets the level, and a field heading under it the field."""
        path = write_csv(tmp_path / "ds.csv", [
            HEADER,
            ["A", "THỦ TỤC HÀNH CHÍNH CẤP HUYỆN", "", "", ""],
            ["I", "LĨNH VỰC HỘ TỊCH (12 TTHC)", "", "", ""],
            ["1", "", "Cấp bản sao trích lục hộ tịch", "", ""],
            ["B", "THỦ TỤC HÀNH CHÍNH CẤP XÃ", "", "", ""],
            ["1", "", "Đăng ký khai sinh", "", ""],
        ])

        listing = read_listing(path)

        assert [("Cấp huyện", "Hộ tịch"), ("Cấp xã", None)] == [
            (r.level, r.field) for r in listing.rows
        ]
        assert "THỦ TỤC HÀNH CHÍNH CẤP XÃ" in (listing.rows[1].heading or "")

    def test_field_heading_in_name_column(self, tmp_path: Path) -> None:
        """ "1. Lĩnh vực Lưu thông hàng hóa trong nước" typed in the name column is a heading."""
        path = write_csv(tmp_path / "ds.csv", [
            ["STT", "Tên thủ tục", "Cơ quan thực hiện"],
            ["", "1. Lĩnh vực Lưu thông hàng hóa trong nước", ""],
            ["1", "Cấp Giấy phép bán lẻ rượu", "Phòng Kinh tế"],
        ])

        listing = read_listing(path)

        assert ["Lưu thông hàng hóa trong nước"] == [r.field for r in listing.rows]

    def test_codes(self, tmp_path: Path) -> None:
        """Codes are read in national and local forms; a desk's own symbol is kept aside."""
        path = write_csv(tmp_path / "ds.csv", [
            ["Mã TTHC", "Tên TTHC"],
            ["1.000948.H38", "A"],
            [" 2.000815.000.00.00.H55.02 ", "B"],
            ["1,004227", "C"],
            ["LT.HKD-ANTT-KARAOKE", "D"],
            ["10.005090", "E"],
        ])

        rows = read_listing(path).rows

        assert [
            ("1.000948", "1.000948.H38"),
            ("2.000815", "2.000815.000.00.00.H55.02"),
            ("1.004227", None),
            (None, "LT.HKD-ANTT-KARAOKE"),
            (None, "10.005090"),
        ] == [(r.code, r.local_code) for r in rows]
        assert "1,004227" == rows[2].code_raw

    def test_no_name_rows(self, tmp_path: Path) -> None:
        """A row of the table without a name is skipped as such."""
        path = write_csv(tmp_path / "ds.csv", [HEADER, ["1", "1.001193", "", "5 ngày", ""]])

        listing = read_listing(path)

        assert [] == list(listing.rows)
        assert ["header", "no-name"] == [s.reason for s in listing.skipped]

    def test_numbered_names_without_stt(self, tmp_path: Path) -> None:
        """Without an STT column a leading "1." is the row's number, not part of the name."""
        path = write_csv(tmp_path / "ds.csv", [["Tên thủ tục"], ["1. Đăng ký khai sinh"]])

        assert "Đăng ký khai sinh" == read_listing(path).rows[0].name


class TestColumnOverride:
    """The automatic mapping can be overridden."""

    def test_by_header_text(self, tmp_path: Path) -> None:
        """Headers the mapping does not know can be named."""
        path = write_csv(tmp_path / "ds.csv", [
            ["Số TT", "Thủ tục được niêm yết", "Hạn"],
            ["1", "Đăng ký khai sinh", "Trong ngày"],
        ])

        listing = read_listing(path, columns={"name": "Thủ tục được niêm yết",
                                              "processing_time": "hạn"})

        assert [("Đăng ký khai sinh", "Trong ngày")] == [
            (r.name, r.processing_time_text) for r in listing.rows
        ]
        assert {"stt": "Số TT", "name": "Thủ tục được niêm yết",
                "processing_time": "Hạn"} == dict(listing.columns)

    def test_by_index_without_header(self, tmp_path: Path) -> None:
        """With column indexes no header row is needed."""
        path = write_csv(tmp_path / "ds.csv", [["1.001193", "Đăng ký khai sinh"],
                                               ["", ""], ["", "Đăng ký khai tử"]])

        listing = read_listing(path, columns={"code": 0, "name": 1})

        assert [(1, "1.001193"), (3, None)] == [(r.row, r.code) for r in listing.rows]
        assert_accounted(listing)

    def test_override_wins(self, tmp_path: Path) -> None:
        """An override replaces the automatic choice for its role."""
        path = write_csv(tmp_path / "ds.csv", [
            ["Tên thủ tục", "Tên gọi khác"],
            ["Đăng ký khai sinh", "Khai sinh"],
        ])

        listing = read_listing(path, columns={"name": 1})

        assert ["Khai sinh"] == [r.name for r in listing.rows]

    @pytest.mark.parametrize("columns", [{"nom": "Tên"}, {"name": "Không có"}, {"code": 0}])
    def test_bad_override(self, tmp_path: Path, columns: dict[str, str | int]) -> None:
        """Unknown roles, absent headers and a mapping without names are input errors."""
        path = write_csv(tmp_path / "ds.csv", [["Số", "Chữ"], ["1.001193", "X"]])
        with pytest.raises(InputError) as info:
            read_listing(path, columns=columns)
        assert "ds.csv" in str(info.value)


# -------------------------------------------------------------------------------- XLSX


def merged_workbook(path: Path) -> Path:
    """A district workbook laid out as offices do: titles, merges, headings, two sheets."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Cấp huyện"
    sheet["A1"] = "ỦY BAN NHÂN DÂN HUYỆN VĨNH BẢO"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "DANH MỤC THỦ TỤC HÀNH CHÍNH NIÊM YẾT"
    sheet.merge_cells("A2:F2")
    sheet.append([])
    sheet.append(["STT", "Mã số TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết",
                  "Phí, lệ phí", "Lĩnh vực"])                                          # row 4
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])                           # row 5
    sheet.append(["A. THỦ TỤC HÀNH CHÍNH CẤP HUYỆN"])                                  # row 6
    sheet.merge_cells("A6:F6")
    sheet.append(["I. LĨNH VỰC HỘ TỊCH (2 TTHC)"])                                     # row 7
    sheet.merge_cells("A7:F7")
    sheet.append([1, 1.00011, "Đăng ký kết hôn có yếu tố nước ngoài", "10 ngày",
                  "1.500.000 đồng", "Hộ tịch"])                                        # row 8
    sheet.append([2, "2.000528.H38", "Đăng ký khai sinh có yếu tố nước ngoài", "15 ngày",
                  None, None])                                                          # row 9
    sheet.merge_cells("F8:F9")
    sheet.append([])                                                                    # row 10
    sheet.append(["II", "Lĩnh vực Chứng thực"])                                         # row 11
    sheet.merge_cells("B11:F11")
    sheet.append([3, None, "Chứng thực chữ ký", "Trong ngày", "10.000 đồng/trường hợp"])
    sheet.append([None, None, None, None, None, "Người lập biểu"])                     # row 13
    sheet.append([None, None, "KT. CHỦ TỊCH"])                                         # row 14
    # Formatting far below the table adds no rows a person sees.
    sheet["A40"].number_format = "0.00"
    second = book.create_sheet("Cấp xã")
    second.append(["Tên TTHC", "Mã TTHC", "Cấp thực hiện"])
    second.append(["Đăng ký khai sinh", "1.001193", "Cấp xã"])
    hidden = book.create_sheet("Ẩn")
    hidden.append(["Tên TTHC"])
    hidden.append(["Không được đọc"])
    hidden.sheet_state = "hidden"
    book.save(path)
    return path


class TestXlsx:
    """Workbooks with merged cells, heading rows and several sheets."""

    def test_layout(self, tmp_path: Path) -> None:
        """Titles, column numbers, merged headings and merged field cells are understood."""
        listing = read_listing(merged_workbook(tmp_path / "ds.xlsx"))

        assert_accounted(listing)
        assert ("xlsx", ("Cấp huyện", "Cấp xã")) == (listing.format, listing.sheets)
        first = [r for r in listing.rows if r.sheet == "Cấp huyện"]
        assert [
            (8, "1.000110", None, "Hộ tịch", "Cấp huyện"),
            (9, "2.000528", "2.000528.H38", "Hộ tịch", "Cấp huyện"),
            (12, None, None, "Chứng thực", "Cấp huyện"),
        ] == [(r.row, r.code, r.local_code, r.field, r.level) for r in first]
        skipped = [(s.row, s.reason) for s in listing.skipped if s.sheet == "Cấp huyện"]
        assert [
            (1, "title"), (2, "title"), (3, "blank"), (4, "header"), (5, "header"),
            (6, "heading"), (7, "heading"), (10, "blank"), (11, "heading"), (13, "no-name"),
            (14, "note"),
        ] == skipped

    def test_merged_values_in_raw(self, tmp_path: Path) -> None:
        """A merged cell's value applies to every row it covers, also in the raw cells."""
        listing = read_listing(merged_workbook(tmp_path / "ds.xlsx"))

        row9 = next(r for r in listing.rows if r.row == 9)

        assert "Hộ tịch" == row9.raw[5]
        assert "1.00011" == listing.rows[0].raw[1]

    def test_second_sheet(self, tmp_path: Path) -> None:
        """Each visible sheet is read with its own header; hidden sheets are not."""
        listing = read_listing(merged_workbook(tmp_path / "ds.xlsx"))

        second = [r for r in listing.rows if r.sheet == "Cấp xã"]

        assert [("Đăng ký khai sinh", "1.001193", "Cấp xã")] == [
            (r.name, r.code, r.level) for r in second
        ]
        assert all(r.sheet != "Ẩn" for r in listing.rows)
        assert "ds.xlsx, sheet 'Cấp xã', row 2" in second[0].position

    @pytest.mark.parametrize("sheet", ["Cấp xã", "cap xa", 1])
    def test_choose_sheet(self, tmp_path: Path, sheet: str | int) -> None:
        """A sheet is chosen by name (folded) or index."""
        listing = read_listing(merged_workbook(tmp_path / "ds.xlsx"), sheet=sheet)

        assert ("Cấp xã",) == listing.sheets
        assert 2 == listing.rows_read

    def test_unknown_sheet(self, tmp_path: Path) -> None:
        """An unknown sheet is an input error that lists the sheets."""
        with pytest.raises(InputError, match="Cấp huyện"):
            read_listing(merged_workbook(tmp_path / "ds.xlsx"), sheet="Cấp tỉnh")

    def test_legacy_cells(self, tmp_path: Path) -> None:
        """Cells typed in a .VnTime font are converted; Unicode cells stay as they are."""
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["STT", "Tên thủ tục hành chính"])
        for i, name in enumerate(["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử"]):
            sheet.append([i + 1, encode_legacy(name, "tcvn3")])
        sheet.append([4, "Chứng thực bản sao từ bản chính"])
        book.save(tmp_path / "ds.xlsx")

        listing = read_listing(tmp_path / "ds.xlsx")

        assert "tcvn3" == listing.legacy
        assert ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử",
                "Chứng thực bản sao từ bản chính"] == [r.name for r in listing.rows]

    def test_real_portal_exports(self) -> None:
        """The national portal's list exports: every procedure row read with its code."""
        for path in sorted((DATA / "portal_exports").glob("*.xlsx")):
            book = openpyxl.load_workbook(path, read_only=True)
            expected = [
                (str(row[0]).strip(), nfc(row[1]))
                for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)
                if row[1]
            ]
            book.close()

            listing = read_listing(path)

            assert_accounted(listing)
            assert expected == [(r.code_raw, r.name) for r in listing.rows]
            assert all(codes.is_valid(r.code or "") for r in listing.rows)
            assert ["title", "header"] == [s.reason for s in listing.skipped]


# -------------------------------------------------------------------------------- DOCX


def merge_row(table: object, row: int) -> None:
    cells = table.rows[row].cells  # type: ignore[attr-defined]
    cells[0].merge(cells[-1])


class TestDocx:
    """Word documents: tables with merges, headings between tables, paragraph lists."""

    def build(self, path: Path) -> Path:
        document = docx.Document()
        document.add_paragraph("ỦY BAN NHÂN DÂN XÃ AN HÒA")
        document.add_paragraph("DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ")
        table = document.add_table(rows=5, cols=4)
        for cell, text in zip(table.rows[0].cells, ["STT", "Tên thủ tục", "Mã số",
                                                    "Lĩnh vực"], strict=True):
            cell.text = text
        table.rows[1].cells[0].text = "I. LĨNH VỰC HỘ TỊCH"
        merge_row(table, 1)
        for row, (stt, name, code) in zip(
            (2, 3), [("1", "Đăng ký khai sinh", "1.001193"), ("2", "Đăng ký khai tử", "")],
            strict=True,
        ):
            cells = table.rows[row].cells
            cells[0].text, cells[1].text, cells[2].text = stt, name, code
        merged = table.rows[2].cells[3].merge(table.rows[3].cells[3])
        merged.text = "Hộ tịch"
        document.add_paragraph("II. LĨNH VỰC CHỨNG THỰC")
        second = document.add_table(rows=2, cols=4)
        second.rows[0].cells[0].text = "3"
        second.rows[0].cells[1].text = "Chứng thực chữ ký"
        paragraph = second.rows[1].cells[1].paragraphs[0]
        paragraph.add_run("Chứng thực hợp đồng,")
        paragraph.add_run().add_break(WD_BREAK.LINE)
        paragraph.add_run("giao dịch")
        second.rows[1].cells[0].text = "4"
        document.add_paragraph("KT. CHỦ TỊCH")
        document.save(path)
        return path

    def test_tables(self, tmp_path: Path) -> None:
        """Merged heading rows, merged field cells and a continuation table are read."""
        listing = read_listing(self.build(tmp_path / "ds.docx"))

        assert_accounted(listing)
        assert [
            ("table 1", 3, "Đăng ký khai sinh", "1.001193", "Hộ tịch"),
            ("table 1", 4, "Đăng ký khai tử", None, "Hộ tịch"),
            ("table 2", 1, "Chứng thực chữ ký", None, "Chứng thực"),
            ("table 2", 2, "Chứng thực hợp đồng, giao dịch", None, "Chứng thực"),
        ] == [(r.sheet, r.row, r.name, r.code, r.field) for r in listing.rows]
        assert [("table 1", 1, "header"), ("table 1", 2, "heading"), ("table 1", 5, "blank")] == [
            (s.sheet, s.row, s.reason) for s in listing.skipped
        ]
        assert "ds.docx, table 2, row 1" in listing.rows[2].position

    def test_paragraph_list(self, tmp_path: Path) -> None:
        """A document without tables is read as a list of paragraphs."""
        document = docx.Document()
        document.add_paragraph("DANH MỤC THỦ TỤC HÀNH CHÍNH")
        document.add_paragraph("Lĩnh vực Hộ tịch")
        document.add_paragraph("Đăng ký khai sinh", style="List Number")
        document.add_paragraph("Đăng ký khai tử (1.000656)", style="List Number")
        document.save(tmp_path / "ds.docx")

        listing = read_listing(tmp_path / "ds.docx")

        assert [("Đăng ký khai sinh", None, "Hộ tịch"), ("Đăng ký khai tử", "1.000656",
                                                        "Hộ tịch")] == [
            (r.name, r.code, r.field) for r in listing.rows
        ]
        assert_accounted(listing)


# -------------------------------------------------------------------------------- text


class TestText:
    """Plain-text and Markdown lists."""

    def test_numbered_list(self, tmp_path: Path) -> None:
        """Numbered items under headings, with codes and continuation lines."""
        path = tmp_path / "ds.txt"
        path.write_text(
            "DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ\n"
            "\n"
            "I. LĨNH VỰC HỘ TỊCH\n"
            "1. Đăng ký khai sinh (1.001193)\n"
            "2. Thủ tục đăng ký kết hôn lưu động\n"
            "   có yếu tố nước ngoài\n"
            "3. 1.000656.H38 - Đăng ký khai tử\n"
            "II. LĨNH VỰC CHỨNG THỰC\n"
            "- Chứng thực chữ ký\n"
            "Ghi chú: danh mục có hiệu lực từ ngày ký.\n",
            encoding="utf-8",
        )

        listing = read_listing(path)

        assert [
            (4, "1", "Đăng ký khai sinh", "1.001193", "Hộ tịch", "Cấp xã"),
            (5, "2", "Thủ tục đăng ký kết hôn lưu động có yếu tố nước ngoài", None, "Hộ tịch",
             "Cấp xã"),
            (7, "3", "Đăng ký khai tử", "1.000656", "Hộ tịch", "Cấp xã"),
            (9, None, "Chứng thực chữ ký", None, "Chứng thực", "Cấp xã"),
        ] == [(r.row, r.stt, r.name, r.code, r.field, r.level) for r in listing.rows]
        assert [(1, "heading"), (2, "blank"), (3, "heading"), (6, "continuation"),
                (8, "heading"), (10, "note")] == [(s.row, s.reason) for s in listing.skipped]
        assert_accounted(listing)

    def test_markdown(self, tmp_path: Path) -> None:
        """Markdown headings and tables."""
        path = tmp_path / "ds.md"
        path.write_text(
            "# Bảng niêm yết thủ tục hành chính\n"
            "\n"
            "## Lĩnh vực Hộ tịch\n"
            "\n"
            "| STT | Mã TTHC | Tên TTHC | Thời hạn giải quyết |\n"
            "|---:|---|:---|---|\n"
            "| 1 | 1.001193 | Đăng ký khai sinh | Trong ngày |\n"
            "| 2 | | Đăng ký khai tử \\| lưu động | 5 ngày |\n"
            "\n"
            "## Lĩnh vực Chứng thực\n"
            "\n"
            "- Chứng thực chữ ký\n",
            encoding="utf-8",
        )

        listing = read_listing(path)

        assert [
            ("table 1", 7, "Đăng ký khai sinh", "1.001193", "Hộ tịch", "Trong ngày"),
            ("table 1", 8, "Đăng ký khai tử | lưu động", None, "Hộ tịch", "5 ngày"),
            (None, 12, "Chứng thực chữ ký", None, "Chứng thực", None),
        ] == [
            (r.sheet, r.row, r.name, r.code, r.field, r.processing_time_text)
            for r in listing.rows
        ]
        assert [1, 2, 3, 4, 5, 6, 9, 10, 11] == sorted(s.row for s in listing.skipped)
        assert {5: "header", 6: "header", 1: "title"}.items() <= {
            s.row: s.reason for s in listing.skipped
        }.items()
        assert_accounted(listing)

    def test_plain_lines(self, tmp_path: Path) -> None:
        """A bare list of names, one a line, is read line by line."""
        path = tmp_path / "ds.txt"
        path.write_text("Đăng ký khai sinh\nĐăng ký khai tử\n\nChứng thực chữ ký\n",
                        encoding="utf-8")

        listing = read_listing(path)

        assert ["Đăng ký khai sinh", "Đăng ký khai tử", "Chứng thực chữ ký"] == [
            r.name for r in listing.rows
        ]
        assert_accounted(listing)

    def test_tcvn3_text(self, tmp_path: Path) -> None:
        """A text list typed in TCVN3 is converted."""
        text = "1. Đăng ký khai sinh\n2. Đăng ký kết hôn\n3. Chứng thực chữ ký\n"
        (tmp_path / "ds.txt").write_bytes(encode_legacy(text, "tcvn3").encode("cp1252"))

        listing = read_listing(tmp_path / "ds.txt")

        assert ("tcvn3", ["Đăng ký khai sinh", "Đăng ký kết hôn", "Chứng thực chữ ký"]) == (
            listing.legacy, [r.name for r in listing.rows]
        )


# ------------------------------------------------------------------------------ errors


class TestUnusableFiles:
    """Files that cannot be used raise InputError naming the file, never a raw traceback."""

    def test_missing(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match=r"ds\.csv"):
            read_listing(tmp_path / "ds.csv")

    def test_folder(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="folder"):
            read_listing(tmp_path)

    @pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
    def test_corrupt_zip(self, tmp_path: Path, suffix: str) -> None:
        """A truncated workbook or document is a damaged file."""
        good = tmp_path / f"good{suffix}"
        if suffix == ".xlsx":
            merged_workbook(good)
        else:
            TestDocx().build(good)
        bad = tmp_path / f"bad{suffix}"
        bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])

        with pytest.raises(InputError, match=rf"bad\{suffix}.*damaged"):
            read_listing(bad)

    def test_zip_with_garbage_member(self, tmp_path: Path) -> None:
        """A zip that claims to be a workbook but holds junk is a damaged file."""
        path = tmp_path / "ds.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("xl/workbook.xml", b"\x00\x01 not xml")
            archive.writestr("[Content_Types].xml", b"junk")

        with pytest.raises(InputError, match=r"ds\.xlsx"):
            read_listing(path)

    def test_other_zip(self, tmp_path: Path) -> None:
        path = tmp_path / "ds.csv"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("a.txt", "hello")
        with pytest.raises(InputError, match="neither an XLSX nor a DOCX"):
            read_listing(path)

    @pytest.mark.parametrize(
        ("head", "message"),
        [(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "damaged XLS"),
         (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF")],
    )
    def test_other_formats(self, tmp_path: Path, head: bytes, message: str) -> None:
        """An .xls or a PDF that is only a header is refused as damaged."""
        path = tmp_path / "ds.xls"
        path.write_bytes(head)
        with pytest.raises(InputError, match=message):
            read_listing(path)

    def test_binary_junk(self, tmp_path: Path) -> None:
        path = tmp_path / "ds.csv"
        path.write_bytes(bytes(range(256)) * 40)
        with pytest.raises(InputError, match="not a text file"):
            read_listing(path)

    def test_no_name_column(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "ds.csv", [["a", "b"], ["1", "2"]])
        with pytest.raises(InputError, match="no column of procedure names"):
            read_listing(path)

    def test_workbook_without_names(self, tmp_path: Path) -> None:
        book = openpyxl.Workbook()
        book.active.append(["Số", "Ngày"])
        book.save(tmp_path / "ds.xlsx")
        with pytest.raises(InputError, match="no sheet has a column of procedure names"):
            read_listing(tmp_path / "ds.xlsx")

    def test_disguised_formats(self, tmp_path: Path) -> None:
        """A workbook named .csv is read as a workbook, a CSV named .xlsx as CSV."""
        workbook = merged_workbook(tmp_path / "a.xlsx")
        disguised = tmp_path / "a.csv"
        disguised.write_bytes(workbook.read_bytes())
        text = write_csv(tmp_path / "b.xlsx", [["Tên thủ tục", "Mã"], ["Đăng ký khai sinh", ""]])

        assert "xlsx" == read_listing(disguised).format
        assert ("csv", ["Đăng ký khai sinh"]) == (
            read_listing(text).format, [r.name for r in read_listing(text).rows]
        )

    def test_errors_are_tthc_errors(self, tmp_path: Path) -> None:
        """Callers can catch TthcError or ValueError."""
        path = tmp_path / "x.csv"
        path.write_bytes(b"%PDF-1.4")
        with pytest.raises(TthcError):
            read_listing(path)
        with pytest.raises(ValueError, match="PDF"):
            read_listing(path)


class TestLimits:
    """Size limits are checked before the expensive work."""

    def test_zip_bomb(self, tmp_path: Path) -> None:
        """A small archive that unpacks to more than max_bytes is refused from its directory."""
        path = merged_workbook(tmp_path / "ds.xlsx")
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/media/padding.bin", b"\x00" * (8 * 2**20))
        assert path.stat().st_size < 2**20

        with pytest.raises(LimitExceeded, match=r"ds\.xlsx.*unpacks to \d+ bytes"):
            read_listing(path, limits=Limits(max_bytes=4 * 2**20))

    def test_file_size(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "ds.csv", [["Tên thủ tục"]] + [["x" * 50]] * 100)
        with pytest.raises(LimitExceeded, match="max_bytes"):
            read_listing(path, limits=Limits(max_bytes=1000))

    @pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
    def test_rows(self, tmp_path: Path, suffix: str) -> None:
        rows = [["Tên thủ tục"]] + [[f"Thủ tục {i}"] for i in range(50)]
        path = tmp_path / f"ds{suffix}"
        if suffix == ".csv":
            write_csv(path, rows)
        else:
            book = openpyxl.Workbook()
            for row in rows:
                book.active.append(row)
            book.save(path)
        with pytest.raises(LimitExceeded, match=r"more than 20 rows"):
            read_listing(path, limits=Limits(max_rows=20))
        assert 50 == len(read_listing(path, limits=Limits(max_rows=51)).rows)

    def test_cell_length(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "ds.csv", [["Tên thủ tục"], ["Đăng ký"], ["y" * 500]])
        with pytest.raises(LimitExceeded, match=r"row 3") as info:
            read_listing(path, limits=Limits(max_cell_chars=100))
        assert "max_cell_chars" in str(info.value)

    def test_invalid_limits(self) -> None:
        with pytest.raises(ValueError, match="max_rows"):
            Limits(max_rows=0)


# ---------------------------------------------------------------------------- real data


class TestRealListings:
    """The real posted lists in tests/data/real, read as they are."""

    def test_public_listing_extracts(self) -> None:
        """Every row of the portal extracts is a procedure row with its group data."""
        path = DATA / "public_listing_extracts.csv"
        source = real_rows("public_listing_extracts.csv")

        listing = read_listing(path)

        assert_accounted(listing)
        assert (len(source) + 1, len(source)) == (listing.rows_read, len(listing.rows))
        assert [(2 + i, nfc(r["name"]), nfc(r["level_group_raw"]), r["stt"])
                for i, r in enumerate(source)] == [
            (r.row, r.name, r.level, r.stt) for r in listing.rows
        ]
        assert "processing_time_text" == listing.columns["processing_time"]
        fields = {(r.raw[4], r.field) for r in listing.rows}
        assert ("Lĩnh vực Hộ tịch (1 thủ tục)", "Hộ tịch") in fields
        assert ("23-Lĩnh vực hộ tịch", "Hộ tịch") in fields
        assert ("I. Thủ tục hành chính ngành Tài nguyên và Môi trường / 1. Lĩnh vực đất đai",
                "Đất đai") in fields
        truncated = [r for r in listing.rows if r.get("truncated") == "yes"]
        assert truncated
        assert all(r.code is None for r in listing.rows)


# ---------------------------------------------------------------------------- property


names = st.lists(st.sampled_from(real_names()), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=names, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258"]),
       blanks=st.lists(st.booleans(), min_size=12, max_size=12))
def test_round_trip_csv(tmp_path: Path, names: list[str], encoding: str,
                        blanks: list[bool]) -> None:
    """Real names written to a CSV in any office encoding come back, all rows accounted."""
    rows: list[list[str]] = [["STT", "Tên thủ tục hành chính"]]
    for i, name in enumerate(names):
        if blanks[i]:
            rows.append(["", ""])
        rows.append([str(i + 1), name])
    try:
        path = write_csv(tmp_path / f"p-{encoding}.csv", rows, encoding=encoding)
    except UnicodeEncodeError:
        return  # a name cp1258 cannot hold
    listing = read_listing(path)

    assert [nfc(n) for n in names] == [r.name for r in listing.rows]
    assert len(rows) == listing.rows_read
    assert_accounted(listing)


def test_records_are_frozen() -> None:
    """Rows are immutable records."""
    row = ListingRow(source="a", sheet=None, row=1, raw=("x",), name="x")
    with pytest.raises(AttributeError):
        row.name = "y"  # type: ignore[misc]
    skipped = SkippedRow(source="a", sheet=None, row=2, raw=(), reason="blank")
    assert "a, row 2" == skipped.position


def test_csv_delimiter_inside_quotes_is_not_counted(tmp_path: Path) -> None:
    """A comma-separated file whose quoted cells hold semicolons is split on commas."""
    path = tmp_path / "quoted.csv"
    path.write_text(
        'STT,Mã TTHC,Tên TTHC,Ghi chú\n'
        '1,1.001612,Đăng ký thành lập hộ kinh doanh,"Ngày hiệu lực: ; Trạng thái: current; x"\n'
        '2,2.000720,"Đăng ký thay đổi nội dung đăng ký hộ kinh doanh","a; b; c; d"\n',
        encoding="utf-8",
    )
    listing = read_listing(path)

    assert ["1.001612", "2.000720"] == [row.code for row in listing.rows]


def test_a_name_mentioning_linh_vuc_is_a_row_not_a_heading(tmp_path: Path) -> None:
    """In a numbered text list, "… không thuộc lĩnh vực …" inside a name is not a field heading."""
    path = tmp_path / "list.txt"
    path.write_text(
        "I. LĨNH VỰC KHIẾU NẠI, TỐ CÁO\n"
        "1. Giải quyết tố cáo không thuộc lĩnh vực tố tụng hình sự của công dân đối với lực "
        "lượng Công an nhân dân thực hiện tại cấp xã (phải là cán bộ thuộc biên chế của lực "
        "lượng Công an)\n"
        "2. Thủ tục đăng ký khai sinh\n",
        encoding="utf-8",
    )
    listing = read_listing(path)

    assert 2 == len(listing.rows)
    assert {"Khiếu nại, tố cáo"} == {row.field for row in listing.rows}
