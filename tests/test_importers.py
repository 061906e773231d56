"""Tests for tthc.importers and its commands: real appendices, portal exports, diff, seed.

The appendices are rendered by ``tests/appendix_helpers.py`` from
``tests/data/real/decision_appendix_extracts.csv`` as it is (typos and broken
syllables kept) into XLSX, DOCX and CSV, in the layouts of real decisions.
The portal exports are the six real files of ``tests/data/real/portal_exports``.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests import appendix_helpers as ah
from tests.catalog_helpers import baseline_1766, row_levels, unit, write_folder
from tests.strategies import DATA, national_codes, real_fee_texts, real_names, real_rows

from tthc import codes
from tthc.catalog import Catalog, load_catalog, resolve_catalog_path
from tthc.cli import main
from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
from tthc.desk import Desk
from tthc.errors import InputError
from tthc.feeparse import parse_fee
from tthc.importers import (
    column_role,
    diff_portal,
    heading_count,
    heading_kinds,
    heading_levels,
    parse_appendix,
    parse_portal_rows,
    read_appendix,
    read_portal_export,
    seed_decision,
    split_numbering,
    validate_against,
)
from tthc.procedure import Field, Level, OnlineService, PostalService
from tthc.proctime import parse_processing_time
from tthc.text import fold, nfc

FORMATS = ("xlsx", "docx", "csv")
EXPORTS = DATA / "portal_exports"
#: The six real national-portal exports.
EXPORT_NAMES = sorted(path.name for path in EXPORTS.glob("*.xlsx"))
KIND_OF = {"new": EntryKind.NEW, "amended": EntryKind.AMENDED, "repealed": EntryKind.REPEALED}


def render(blocks: list[ah.Block], folder: Path, fmt: str, name: str = "phu-luc") -> Path:
    """Write a layout in *fmt* into *folder*."""
    path = folder / f"{name}.{fmt}"
    writer = {"xlsx": ah.write_xlsx, "docx": ah.write_docx, "csv": ah.write_csv}[fmt]
    return writer(blocks, path)


def identity(number: str) -> dict[str, object]:
    """The number, issuer and signing date of a decision of the extracts."""
    row = ah.extract_rows(number)[0]
    return {"number": number, "issuer": row["issuer"],
            "signed": date.fromisoformat(row["decision_date"])}


def read_extract(number: str, folder: Path, fmt: str, **options: object):  # type: ignore[no-untyped-def]
    path = render(ah.layout_extract(number), folder, fmt, name=re.sub(r"\W+", "-", number))
    return read_appendix(path, **identity(number), **options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- grammar


class TestGrammar:
    def test_every_change_type_heading(self) -> None:
        """Each change_type_raw of the extracts names the category its change_type says."""
        expected = {"new": (EntryKind.NEW,), "amended": (EntryKind.AMENDED,),
                    "repealed": (EntryKind.REPEALED,), "listed": ()}
        pairs = {(r["change_type_raw"], r["change_type"]) for r in ah.read_extracts()}

        assert len(pairs) >= 12
        for raw, change in sorted(pairs):
            assert expected[change] == heading_kinds(raw), raw

    def test_part_headings(self) -> None:
        """A part heading that names categories names those of its rows."""
        rows = ah.read_extracts()
        naming = 0
        for part in dict.fromkeys(r["appendix_part"] for r in rows):
            changes = {r["change_type"] for r in rows if r["appendix_part"] == part}
            named = {kind.value for kind in heading_kinds(part)}
            if named:
                naming += 1
                assert changes <= named, part
        assert naming >= 7

    def test_every_level_heading_is_read(self) -> None:
        """Every non-empty level_group_raw names at least one level."""
        for raw in {r["level_group_raw"] for r in ah.read_extracts()} - {""}:
            assert heading_levels(raw, date(2026, 1, 1)), raw

    def test_levels_as_the_data_readme_reads_them(self) -> None:
        """1766's group headings give the levels real_procedures.csv records for the same codes."""
        levels = {r["code"]: r["level"] for r in real_rows("real_procedures.csv")
                  if "1766" in r["source"]}
        compared = 0
        for row in ah.extract_rows("1766/QĐ-UBND"):
            if row["code"] in levels and row["level_group_raw"]:
                expected = tuple(lv.key for lv in Level.parse_many(levels[row["code"]]))

                assert expected == heading_levels(row["level_group_raw"]), row["code"]
                compared += 1
        assert compared >= 20

    @pytest.mark.parametrize(("text", "expected"), [
        ("Thủ tục hành chính dùng chung cho cấp tỉnh và cấp huyện (09 TTHC)",
         ("province", "district")),
        ("Thủ tục hành chính áp dụng chung (06 TTHC)", ("district", "commune")),
        ("A. Danh mục thủ tục hành chính cấp tỉnh", ("province",)),
        ("thuộc thẩm quyền giải quyết của UBND cấp huyện", ("district",)),
        ("Cấp huyện", ("district",)),
        ("Xã", ("commune",)),
        ("Tỉnh", ("province",)),
        ("province", ("province",)),
        ("LĨNH VỰC CHỨNG THỰC (17 TTHC)", ()),
        ("II Lĩnh vực Lao động - Thương binh và Xã hội", ()),
    ])
    def test_level_headings(self, text: str, expected: tuple[str, ...]) -> None:
        """Level headings of real decisions, and field headings that name none."""
        assert expected == heading_levels(text)

    def test_shared_heading_covers_the_levels_of_its_day(self) -> None:
        """'shared_including_commune' covers every level existing on the effective date."""
        assert ("province", "commune") == heading_levels("shared_including_commune",
                                                         date(2026, 8, 30))
        assert ("province", "district", "commune") == heading_levels(
            "shared_including_commune", date(2020, 1, 1))

    def test_counts_of_every_heading(self) -> None:
        """heading_count reads "(NN TTHC)" in every heading of the extracts that has it."""
        texts = {r[c] for r in ah.read_extracts()
                 for c in ("appendix_part", "level_group_raw", "field_group_raw")}
        checked = 0
        for text in texts:
            found = re.search(r"\((\d+) TTHC\)", text)
            if found:
                assert int(found.group(1)) == heading_count(text), text
                checked += 1
            elif not re.search(r"\d+ (?:TTHC|tỉnh)", text):
                assert heading_count(text) is None, text
        assert checked >= 15

    @pytest.mark.parametrize(("text", "expected"), [
        ("I.1 Thủ tục hành chính cấp huyện (05 TTHC)",
         ("I.1", "Thủ tục hành chính cấp huyện (05 TTHC)")),
        ("II Lĩnh vực Lao động - Thương binh và Xã hội",
         ("II", "Lĩnh vực Lao động - Thương binh và Xã hội")),
        ("1. Danh mục thủ tục hành chính mới ban hành",
         ("1", "Danh mục thủ tục hành chính mới ban hành")),
        ("A Lĩnh vực Bảo trợ xã hội", ("A", "Lĩnh vực Bảo trợ xã hội")),
        ("Y tế", ("", "Y tế")),
        ("Xã", ("", "Xã")),
        ("Chăn nuôi", ("", "Chăn nuôi")),
    ])
    def test_numbering(self, text: str, expected: tuple[str, str]) -> None:
        """Heading numbering is split off; words that start like numerals are not."""
        assert expected == split_numbering(text)

    @pytest.mark.parametrize(("label", "role"), [
        ("STT", "stt"), ("TT", "stt"), ("Mã số TTHC", "code"), ("Mã TTHC", "code"),
        ("Số hồ sơ TTHC", "code"), ("Mã thủ tục", "code"), ("Mã số", "code"),
        ("Tên TTHC", "name"), ("Tên thủ tục hành chính", "name"), ("Tên", "name"),
        ("Thời hạn giải quyết (Ngày làm việc)", "time"), ("Phí, lệ phí (vnđ) (nếu có)", "fee"),
        ("Địa điểm thực hiện", "place"), ("Căn cứ pháp lý", "legal"),
        ("Cơ quan thực hiện", "agency"), ("Cơ quan ban hành", "issuer"),
        ("Mức độ DVC", "online"), ("Thực hiện qua BCCI", "postal"), ("Ghi chú", "note"),
        ("Tên VBQPPL quy định nội dung sửa đổi, bổ sung, thay thế / bãi bỏ", "law"),
        ("Lĩnh vực", "field"), ("Cấp thực hiện", "level"),
        ("Tình trạng hiệu lực", "status"), ("Cách thức thực hiện", "method"),
        ("Mã số TTHC được thay thế", "old_code"), ("Tên TTHC bị thay thế", "old_name"),
        ("Mã số TTHC thay thế", "code"), ("Tên TTHC thay thế", "name"),
        ("Ngày tháng", None),
    ])
    def test_header_variants(self, label: str, role: str | None) -> None:
        """The usual header spellings map to their column roles."""
        assert role == column_role(label)


# --------------------------------------------------------------------------- QĐ 1766/QĐ-UBND


def expected_mismatches_1766() -> set[tuple[str, int, int]]:
    """(heading, stated, found) for each heading of 1766 whose "(NN TTHC)" is not its row count."""
    rows = ah.extract_rows("1766/QĐ-UBND")
    groups: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        part, field_text = row["appendix_part"], row["field_group_raw"]
        level = row["level_group_raw"]
        groups[(part,)] += 1
        groups[(part, field_text)] += 1
        if level:
            groups[(part, field_text, level)] += 1
    found = set()
    for key, count in groups.items():
        stated = int(re.search(r"\((\d+) TTHC\)", key[-1]).group(1))  # type: ignore[union-attr]
        if stated != count:
            found.add((split_numbering(key[-1])[1], stated, count))
    return found


@pytest.fixture(name="imports_1766", scope="module")
def _imports_1766(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("qd1766")
    return {fmt: read_extract("1766/QĐ-UBND", folder, fmt) for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
class TestDecision1766:
    def test_fifty_amended_and_twenty_one_repealed(self, imports_1766: dict, fmt: str) -> None:
        """50 amended and 21 repealed rows, each an entry: the two without a code too."""
        result = imports_1766[fmt]
        procedure_rows = [row for row in result.rows if row.status != "skipped"]
        kinds = Counter(row.kind.value for row in procedure_rows)
        entries = Counter(e.kind.value for e in result.decision.entries)
        codeless = [(e.kind.value, e.code, e.name) for e in result.decision.entries
                    if not codes.is_national(e.code)]
        names = [r["name"] for r in ah.extract_rows("1766/QĐ-UBND")
                 if not codes.is_valid(r["code"])]

        assert {"amended": 50, "repealed": 21} == dict(kinds)
        assert {"amended": 50, "repealed": 21} == dict(entries)
        assert () == result.reported
        assert [
            ("amended", "L:2020-08-03_1766-qd-ubnd:032", names[0]),
            ("repealed", "L:2020-08-03_1766-qd-ubnd:052", names[1]),
        ] == codeless

    def test_entries_are_the_rows(self, imports_1766: dict, fmt: str) -> None:
        """Each entry has the code, kind, levels and field of its row's headings, and its cells."""
        result = imports_1766[fmt]
        rows = ah.extract_rows("1766/QĐ-UBND")

        assert len(rows) == len(result.decision.entries)
        for place, (row, entry) in enumerate(zip(rows, result.decision.entries, strict=True), 1):
            code = (row["code"] if codes.is_valid(row["code"])
                    else codes.local_id("1766/QĐ-UBND", date(2020, 8, 3), place))
            assert (KIND_OF[row["change_type"]], code, row_levels(row)) == (
                entry.kind, entry.code, entry.levels)
            assert (None if codes.is_valid(row["code"]) else row["name"]) == entry.name
            if entry.kind is EntryKind.REPEALED:
                assert entry.content is None
                assert row["note_raw"] == entry.note
                continue
            content = entry.content
            assert content is not None
            assert Field.of(row["field_group_raw"]) == content.field
            assert row["name"] == content.name
            assert parse_processing_time(row["processing_time_text"]) == content.processing_time
            assert parse_fee(row["fee_text"]) == content.fees
            assert row["place_agency_raw"] == content.agency
            assert (row["legal_basis_raw"],) == content.legal_basis
            online = row["online_level_raw"]
            assert (OnlineService.parse(online) if online else None) == content.online
            postal = {"Có": PostalService(receive=True, deliver=True), "Không": PostalService(),
                      "": None}[row["bcci_raw"]]
            assert postal == content.postal

    def test_heading_counts_checked(self, imports_1766: dict, fmt: str) -> None:
        """Every mismatch between a heading's count and its rows is reported, and only those."""
        result = imports_1766[fmt]
        found = {(split_numbering(c.heading)[1], c.stated, c.found) for c in result.mismatches}

        assert expected_mismatches_1766() == found
        assert len(found) == 2
        assert all(c.matches for c in result.counts if c not in result.mismatches)
        assert len(result.counts) >= 18

    def test_every_row_accounted_for(self, imports_1766: dict, fmt: str) -> None:
        """Rows read = imported + reported + skipped; positions are those of the file."""
        result = imports_1766[fmt]
        statuses = Counter(row.status for row in result.rows)

        assert len(result.rows) == sum(statuses.values())
        assert {"imported": 71} == {
            k: v for k, v in statuses.items() if k != "skipped"}
        skipped = Counter(row.code for row in result.skipped)
        group_headings = sum(isinstance(item, ah.Heading) for block in ah.layout_1766()
                             if isinstance(block, ah.Table) for item in block.body)
        assert 1 <= skipped["blank"]
        # The group headings, parts A and B, and the title naming both categories.
        assert group_headings + 3 == skipped["heading"]
        for row in result.imported:
            assert row.position.source == f"1766-QĐ-UBND.{fmt}"

    def test_positions_name_the_rows(self, imports_1766: dict, fmt: str) -> None:
        """An imported row's position is its row in the sheet or table."""
        result = imports_1766[fmt]
        first = result.imported[0].position
        if fmt == "xlsx":
            assert "sheet 'Phụ lục'" == first.part
        elif fmt == "docx":
            assert first.part.startswith("table ")
        else:
            assert "" == first.part
        assert first.row > 0


# --------------------------------------------------------------------------- every decision


def _cases() -> list[tuple[str, str]]:
    return [(number, fmt) for number in ah.decisions_in_extracts() for fmt in FORMATS]


class _Imports(dict):  # type: ignore[type-arg]
    """(decision number, format) -> the import of its rendered appendix, read on first use."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def __missing__(self, key: tuple[str, str]) -> object:
        self[key] = read_extract(key[0], self.folder, key[1])
        return self[key]


@pytest.fixture(name="every_import", scope="module")
def _every_import(tmp_path_factory: pytest.TempPathFactory) -> _Imports:
    return _Imports(tmp_path_factory.mktemp("extracts"))


@pytest.mark.parametrize(("number", "fmt"), _cases())
def test_every_decision_every_row(every_import: dict, number: str, fmt: str) -> None:
    """Every row of every real decision is imported or reported with a reason, in order."""
    result = every_import[number, fmt]
    rows = ah.extract_rows(number)
    procedures = [row for row in result.rows if row.status != "skipped"]

    assert len(rows) == len(procedures)
    assert len(result.rows) == len(result.imported) + len(result.reported) + len(result.skipped)
    names = {row["name"] for row in rows if row["name"]}
    assert not any(cell in names for row in result.skipped for cell in row.cells)
    signed = date.fromisoformat(rows[0]["decision_date"])
    for place, (row, outcome) in enumerate(zip(rows, procedures, strict=True), 1):
        if outcome.status == "imported":
            entry = result.decision.entries[outcome.entry]
            assert KIND_OF[row["change_type"]] is entry.kind
            if codes.is_valid(row["code"]):
                assert codes.validate(row["code"]) == entry.code
            else:  # no code: the local identifier of the row
                assert codes.local_id(number, signed, place) == entry.code
        else:
            assert outcome.reason
            assert row["code"] in outcome.cells or not row["code"]
        if row["change_type"] == "listed" or not (
            codes.is_valid(row["code"]) or codes.means_no_code(row["code"])
        ):
            assert "reported" == outcome.status


def test_every_decision_counts(every_import: dict) -> None:
    """The per-decision figures are the same whatever the file format."""
    for number in ah.decisions_in_extracts():
        figures = set()
        for fmt in FORMATS:
            result = every_import[number, fmt]
            figures.add(repr((result.summary()["entries"], result.summary()["reported_by_reason"],
                              len(result.mismatches))))
        assert 1 == len(figures), number


def test_levels_from_options(tmp_path: Path) -> None:
    """Rows placed by no heading (3508) take --level; rows under no category take --kind."""
    plain = read_extract("3508/QĐ-UBND", tmp_path, "xlsx")
    placed = read_extract("3508/QĐ-UBND", tmp_path, "xlsx", levels=("province",))
    listed = read_extract("5252/QĐ-UBND", tmp_path, "csv", kind=EntryKind.NEW)

    assert {"no-level": 11} == plain.summary()["reported_by_reason"]
    assert 11 == len(placed.decision.entries)
    assert all(("province",) == e.levels for e in placed.decision.entries)
    assert {"invalid-code": 2, "no-level": 11} == listed.summary()["reported_by_reason"]
    assert 26 == len(listed.decision.entries)


# --------------------------------------------------------------------------- round trip

_FIELDS = tuple(dict.fromkeys(r["field"] for r in real_rows("real_procedures.csv") if r["field"]))
_TIMES = tuple(dict.fromkeys(r["processing_time_text"] for r in real_rows("real_procedures.csv")
                             if r["processing_time_text"]))
_AGENCIES = tuple(dict.fromkeys(r["agency"] for r in real_rows("real_procedures.csv")
                                if r["agency"]))
_NOTES = tuple(dict.fromkeys(r["note_raw"] for r in ah.read_extracts() if r["note_raw"]))
_LEVEL_SETS = (("province",), ("district",), ("commune",), ("district", "commune"),
               ("province", "district"), ("province", "commune"),
               ("province", "district", "commune"))


def _maybe(values: tuple[str, ...]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(values)


@st.composite
def entries(draw: st.DrawFn, code: str) -> Entry:
    """One entry of an appendix category, with real names, fields, times and fees."""
    kind = draw(st.sampled_from([EntryKind.NEW, EntryKind.AMENDED, EntryKind.REPLACED,
                                 EntryKind.REPEALED]))
    levels = draw(st.sampled_from(_LEVEL_SETS))
    note = draw(st.sampled_from(("",)) | st.sampled_from(_NOTES))
    if kind is EntryKind.REPEALED:
        return Entry(kind=kind, code=code, levels=levels, note=note)
    time, fee = draw(_maybe(_TIMES)), draw(_maybe(real_fee_texts()))
    agency = draw(_maybe(_AGENCIES))
    name = draw(st.sampled_from(real_names()))
    if kind is EntryKind.AMENDED and draw(st.booleans()):
        name = None
    content = ProcedureContent(
        name=name, field=Field.of(draw(st.sampled_from(_FIELDS))), agency=agency,
        processing_time=parse_processing_time(time) if time else None,
        fees=parse_fee(fee) if fee else None,
    )
    successor = None
    if kind is EntryKind.REPLACED:
        successor = draw(national_codes.filter(lambda c: c != code))
    return Entry(kind=kind, code=code, levels=levels, content=content, successor=successor,
                 note=note)


@st.composite
def decisions(draw: st.DrawFn) -> Decision:
    """A decision of 1 to 10 appendix entries with distinct codes."""
    codes_ = draw(st.lists(national_codes, min_size=1, max_size=10, unique=True))
    signed = draw(st.dates(min_value=date(2016, 1, 1), max_value=date(2026, 12, 31)))
    return Decision(number=f"{draw(st.integers(1, 9999))}/QĐ-UBND",
                    issuer="Chủ tịch UBND tỉnh Mẫu", signed=signed, effective=signed,
                    entries=tuple(draw(entries(code)) for code in codes_))


def _rows_of(blocks: list[ah.Block]) -> list[list[str]]:
    rows: list[list[str]] = []
    for block in blocks:
        rows.extend([[block.text]] if isinstance(block, ah.Paragraph) else ah._table_rows(block))
    return rows


class TestRoundTrip:
    @settings(max_examples=300, deadline=None)
    @given(decision=decisions())
    def test_rows(self, decision: Decision) -> None:
        """An appendix laid out from any decision reads back as that decision (in memory)."""
        result = parse_appendix(_rows_of(ah.layout_of_decision(decision)),
                                number=decision.number, issuer=decision.issuer,
                                signed=decision.signed)

        assert decision == result.decision
        assert not result.reported
        assert not result.mismatches

    @settings(max_examples=120, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(decision=decisions(), fmt=st.sampled_from(FORMATS))
    def test_files(self, tmp_path: Path, decision: Decision, fmt: str) -> None:
        """The same through XLSX, DOCX and CSV files."""
        path = render(ah.layout_of_decision(decision), tmp_path, fmt)
        result = read_appendix(path, number=decision.number, issuer=decision.issuer,
                               signed=decision.signed)

        assert decision == result.decision
        assert not result.reported


# --------------------------------------------------------------------------- layouts and files


class TestLayouts:
    def test_local_codes_are_national(self) -> None:
        """A local code form gives the national code, and is kept as the entry's local code."""
        result = parse_appendix([
            ["DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH"],
            ["STT", "Mã số TTHC", "Tên TTHC"],
            ["Thủ tục hành chính cấp xã"],
            ["LĨNH VỰC HỘ TỊCH"],
            ["1", "1.001193.000.00.00.H12", "Đăng ký khai sinh"],
        ], number="1/QĐ-UBND", issuer="A", signed=date(2020, 1, 1))
        entry = result.decision.entries[0]

        assert ("1.001193", "1.001193.000.00.00.H12") == (entry.code, entry.content.local_code)

    def test_replaced_needs_the_successor(self) -> None:
        """A replaced row gives old → new; without a successor code it is reported."""
        result = parse_appendix([
            ["DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC THAY THẾ"],
            ["STT", "Mã số TTHC được thay thế", "Tên TTHC được thay thế", "Mã số TTHC thay thế",
             "Tên TTHC thay thế"],
            ["Thủ tục hành chính cấp huyện"],
            ["LĨNH VỰC HỘ TỊCH"],
            ["1", "1.000001", "Cũ", "1.000002", "Mới"],
            ["2", "1.000003", "Cũ", "", "Mới"],
        ], number="1/QĐ-UBND", issuer="A", signed=date(2020, 1, 1))
        entry = result.decision.entries[0]

        assert ("1.000001", "1.000002", "Mới") == (entry.code, entry.successor,
                                                   entry.content.name)
        assert ["no-successor"] == [row.code for row in result.reported]

    def test_total_row_is_checked(self) -> None:
        """A closing "Tổng cộng (n TTHC)" row is checked against every procedure row."""
        result = parse_appendix([
            ["DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ"],
            ["STT", "Mã số TTHC", "Tên TTHC"],
            ["Thủ tục hành chính cấp xã"],
            ["1", "1.000001", "Một"],
            ["Tổng cộng: 02 TTHC"],
        ], number="1/QĐ-UBND", issuer="A", signed=date(2020, 1, 1))

        assert [(2, 1)] == [(c.stated, c.found) for c in result.mismatches]

    def test_a_heading_announcing_is_no_total(self) -> None:
        """"Công bố 2 thủ tục …" is a category heading; "Cộng: 2 TTHC" a total."""
        rows = [["STT", "Mã số TTHC", "Tên TTHC"], ["Công bố 2 thủ tục được sửa đổi, bổ sung"],
                ["Thủ tục hành chính cấp xã"], ["1", "1.000001", "Một"], ["Cộng 3 TTHC"]]
        result = parse_appendix(rows, number="1/QĐ-UBND", issuer="A", signed=date(2020, 1, 1))

        assert [EntryKind.AMENDED] == [e.kind for e in result.decision.entries]
        assert [(2, 1), (3, 1)] == [(c.stated, c.found) for c in result.mismatches]

    def test_rows_before_any_header(self) -> None:
        """A row with a code before the header is reported; title text is skipped."""
        result = parse_appendix([
            ["ỦY BAN NHÂN DÂN TỈNH MẪU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["1", "1.000001", "Một"],
            ["STT", "Mã số TTHC", "Tên TTHC"],
        ], number="1/QĐ-UBND", issuer="A", signed=date(2020, 1, 1))

        assert ["text", "no-header", "header"] == [row.code for row in result.rows]

    def test_no_header_at_all(self) -> None:
        """Rows without any header are not an appendix: an InputError naming the coded rows."""
        with pytest.raises(InputError) as caught:
            parse_appendix([["Ghi chú"], ["1", "1.000001", "Một"]], number="1/QĐ-UBND",
                           issuer="A", signed=date(2020, 1, 1), source="x.csv")

        problem = caught.value.problems[0]
        assert ["no-header"] == [p.code for p in caught.value.problems]
        assert ("x.csv", "row 2") == (problem.source, problem.path)

    def test_details_part_is_not_read(self) -> None:
        """Reading stops at "Nội dung cụ thể của từng thủ tục hành chính" (part II)."""
        result = parse_appendix([
            ["DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ"],
            ["STT", "Mã số TTHC", "Tên TTHC"],
            ["Thủ tục hành chính cấp xã"],
            ["1", "1.000001", "Một"],
            ["PHẦN II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH"],
            ["1", "1.000002", "Hai"],
        ], number="1/QĐ-UBND", issuer="A", signed=date(2020, 1, 1))

        assert 1 == len(result.decision.entries)
        assert "details" == result.rows[-1].code

    def test_unreadable_cells_are_warnings(self) -> None:
        """An online level that cannot be read is left out, the row imported, a warning given."""
        result = parse_appendix([
            ["DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI, BỔ SUNG"],
            ["STT", "Mã số TTHC", "Tên TTHC", "Mức độ DVC"],
            ["Thủ tục hành chính cấp xã"],
            ["1", "1.000001", "Một", "cao"],
        ], number="1/QĐ-UBND", issuer="A", signed=date(2020, 1, 1))

        assert 1 == len(result.decision.entries)
        assert ["cell-not-understood"] == [p.code for p in result.warnings]

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1258"])
    def test_csv_encodings(self, tmp_path: Path, encoding: str) -> None:
        """A CSV appendix reads the same in the encodings offices save in."""
        blocks = ah.layout_extract("378/QĐ-UBND")
        utf8 = read_appendix(ah.write_csv(blocks, tmp_path / "a.csv"), **identity("378/QĐ-UBND"))
        other = read_appendix(ah.write_csv(blocks, tmp_path / "b.csv", encoding=encoding),
                              **identity("378/QĐ-UBND"))

        assert utf8.decision == other.decision

    @pytest.mark.parametrize("font", ["vni", "tcvn3"])
    def test_legacy_fonts(self, tmp_path: Path, font: str) -> None:
        """An appendix typed in a VNI or TCVN3 font reads as the Unicode one."""
        from tthc.legacy import encode_legacy

        unicode_file = ah.write_csv(ah.layout_1766(), tmp_path / "unicode.csv")
        typed = encode_legacy(unicode_file.read_text(encoding="utf-8"), font, errors="lower")
        legacy_file = tmp_path / "legacy.csv"
        legacy_file.write_bytes(typed.encode("cp1252"))
        expected = read_appendix(unicode_file, **identity("1766/QĐ-UBND"))
        result = read_appendix(legacy_file, **identity("1766/QĐ-UBND"))

        assert typed != unicode_file.read_text(encoding="utf-8")
        assert expected.decision == result.decision
        assert [r.code for r in expected.reported] == [r.code for r in result.reported]

    def test_corrupt_and_unknown_files(self, tmp_path: Path) -> None:
        """A corrupt XLSX or DOCX, or an unknown format, is an InputError naming the file."""
        for name in ("bad.xlsx", "bad.docx", "bad.pdf"):
            path = tmp_path / name
            path.write_bytes(b"PK\x03\x04 not really a zip")
            with pytest.raises(InputError) as caught:
                read_appendix(path, number="1/QĐ-UBND", issuer="A", signed=date(2020, 1, 1))
            assert name in str(caught.value)


# --------------------------------------------------------------------------- validation


class TestValidate:
    def test_fits_the_catalogue_before_it(self, imports_1766: dict) -> None:
        """1766 fits a catalogue that announced its procedures at their levels."""
        catalog = Catalog(unit(), [baseline_1766()])

        assert () == tuple(p for p in validate_against(imports_1766["xlsx"], catalog)
                           if p.severity == "error")

    def test_not_in_force_names_the_row(self, imports_1766: dict) -> None:
        """Amending a code not in force at that level is an error naming the appendix row."""
        result = imports_1766["xlsx"]
        catalog = Catalog(unit(), [baseline_1766(skip=["2.001044"])])
        problems = validate_against(result, catalog)
        row = next(r for r in result.imported if "2.001044" in r.cells)

        assert [("not-in-force", row.position.path)] == [
            (p.code, p.path) for p in problems if p.severity == "error"]
        assert row.position.source == problems[0].source
        assert "2.001044" in problems[0].message

    def test_same_decision_twice(self, imports_1766: dict) -> None:
        """The decision already in the catalogue is a duplicate, unless it is replaced."""
        result = imports_1766["csv"]
        catalog = Catalog(unit(), [baseline_1766(), result.decision])

        assert "duplicate-decision" in {p.code for p in validate_against(result, catalog)}
        assert not [p for p in validate_against(result, catalog, replace=True)
                    if p.severity == "error"]


# --------------------------------------------------------------------------- portal exports


@pytest.fixture(name="exports", scope="module")
def _exports() -> dict[str, object]:
    return {name: read_portal_export(EXPORTS / name) for name in EXPORT_NAMES}


def test_six_exports() -> None:
    """The six real exports are there."""
    assert 6 == len(EXPORT_NAMES)


@pytest.mark.parametrize("name", EXPORT_NAMES)
def test_every_export_row(exports: dict, name: str) -> None:
    """Every row of every real export is accounted for, and read as the cells say."""
    from openpyxl import load_workbook

    export = exports[name]
    sheet = load_workbook(EXPORTS / name, read_only=True).active
    raw = list(sheet.iter_rows(values_only=True))

    assert len(raw) == len(export.outcomes)
    assert sum(codes.is_valid(str(row[0])) for row in raw[2:]) == len(export.rows)
    assert len(raw) - 2 == len(export.rows)
    assert ("Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực") == export.header
    assert "DANH SÁCH THỦ TỤC HÀNH CHÍNH" in export.title
    assert ["title", "header"] == [o.code for o in export.outcomes[:2]]
    for row in export.rows:
        cells = raw[row.position.row - 1]
        agencies = [nfc(a) for a in str(cells[3] or "").splitlines() if nfc(a)]

        assert codes.validate(str(cells[0])) == row.code
        assert nfc(str(cells[1])) == row.name
        assert row.name == row.name.strip()
        assert agencies == list(row.agencies)
        assert (Field.of(str(cells[4])) if cells[4] else None) == row.field


def test_exports_quirks(exports: dict) -> None:
    """Names with surrounding spaces and cells with several agencies are in the real files."""
    from openpyxl import load_workbook

    padded = multi = 0
    for name in EXPORT_NAMES:
        for row in load_workbook(EXPORTS / name, read_only=True).active.iter_rows(
                min_row=3, values_only=True):
            padded += str(row[1]) != str(row[1]).strip()
            multi += "\n" in str(row[3] or "")
    assert padded > 0
    assert multi > 0
    levels = Counter(lv for e in exports.values() for r in e.rows for lv in r.levels)
    assert levels["commune"] > 100
    assert levels["province"] > 100


def test_provincial_export_columns(tmp_path: Path) -> None:
    """A provincial export's extra columns: level, time, fee, online mode, validity."""
    rows = {r["code"]: r for r in real_rows("real_procedures_district.csv")}
    suffixes = {"2.000620": ".000.00.00.H14", "1.001279": ".H42", "2.001885": ".000.00.00.H25"}
    path = tmp_path / "tinh.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["STT", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện",
                         "Cơ quan thực hiện", "Thời hạn giải quyết", "Phí, lệ phí",
                         "Toàn trình / Một phần", "Tình trạng hiệu lực"])
        for number, (code, suffix) in enumerate(suffixes.items(), 1):
            row = rows[code]
            writer.writerow([number, code + suffix, row["name"], row["field"], "Cấp huyện",
                             row["agency"], row["processing_time_text"], row["fee_text"],
                             row["online_level"],
                             "Hết hiệu lực" if code == "2.001885" else "Còn hiệu lực"])
    export = read_portal_export(path)
    seed = seed_decision(export, number="1/QĐ-UBND", issuer="A", signed=date(2024, 1, 2))
    first = export.rows[0]

    assert ["2.000620", "1.001279", "2.001885"] == [r.code for r in export.rows]
    assert ("2.000620.000.00.00.H14", ("district",), False) == (
        first.local_code, first.levels, first.levels_inferred)
    assert (rows["2.000620"]["processing_time_text"], rows["2.000620"]["fee_text"]) == (
        first.processing_time, first.fees)
    assert [OnlineService.parse("Một phần"), OnlineService.parse("Toàn trình"), None] == [
        r.online for r in export.rows]
    assert [False, False, True] == [r.repealed for r in export.rows]
    assert ["2.000620", "1.001279"] == [e.code for e in seed.decision.entries]
    assert "2.000620.000.00.00.H14" == seed.decision.entries[0].content.local_code
    assert parse_fee(rows["2.000620"]["fee_text"]) == seed.decision.entries[0].content.fees
    assert ["not-in-force"] == [r.code for r in seed.rows if r.status == "skipped"]


class TestDiff:
    @pytest.mark.parametrize("name", EXPORT_NAMES)
    @pytest.mark.parametrize("day", [date(2019, 12, 31), date(2025, 7, 1)])
    def test_against_the_example(self, exports: dict, name: str, day: date) -> None:
        """Each side's missing procedures are really missing; differences are real."""
        export = exports[name]
        catalog = load_catalog(resolve_catalog_path())
        diff = diff_portal(export, catalog, day)
        view = catalog.as_of(day)
        at_levels = {(r.code, r.level) for r in view.entries() if r.level in diff.levels}
        ours = {code for code, _ in at_levels}
        theirs = {row.code for row in export.rows}

        assert diff.levels == (("district", "commune") if day.year == 2019 else ("commune",))
        assert all(row.code not in ours for row in diff.missing_in_catalog)
        assert all(record.code not in theirs for record in diff.missing_in_export)
        assert diff.matched == sum(1 for code, _ in at_levels if code in theirs)
        assert len(export.rows) == len({r.code for r in diff.missing_in_catalog}) + len(
            theirs & ours) + diff.out_of_scope
        for difference in diff.differences:
            assert (difference.code, difference.level) in at_levels
            if difference.what == "name":
                assert difference.export != difference.catalog

    def test_a_real_name_change(self, exports: dict) -> None:
        """The 2026 national name of 2.001019 differs from the 2020 name the example keeps."""
        diff = diff_portal(exports["danh-sach-tthc-BoTuPhap.xlsx"],
                           load_catalog(resolve_catalog_path()), date(2025, 7, 1))
        names = {(d.code, d.what): (d.export, d.catalog) for d in diff.differences}

        assert ("Chứng thực di chúc", "Thủ tục chứng thực di chứng") == names[
            "2.001019", "name"]
        assert diff.has_differences

    def test_no_difference(self) -> None:
        """An export listing exactly the catalogue's procedures of a field differs in nothing."""
        catalog = load_catalog(resolve_catalog_path())
        day = date(2025, 7, 1)
        records = [r for r in catalog.as_of(day).entries(level="commune")
                   if r.procedure.field.key == "chung-thuc"]
        export = parse_portal_rows(
            [["Mã số", "Tên", "Cơ quan thực hiện", "Lĩnh vực"]]
            + [[r.code, r.procedure.name, "Ủy ban nhân dân cấp xã", r.procedure.field.name]
               for r in records])
        diff = diff_portal(export, catalog, day)

        assert records
        assert not diff.has_differences
        assert len(records) == diff.matched


class TestSeed:
    def test_seeds_a_catalogue(self, exports: dict, tmp_path: Path) -> None:
        """The commune procedures of an export seed a catalogue that loads and lists them."""
        export = exports["danh-sach-tthc-BoTuPhap.xlsx"]
        seed = seed_decision(export, number="1/QĐ-UBND", issuer="Chủ tịch UBND tỉnh Mẫu",
                             signed=date(2026, 1, 5), levels=["commune"])
        commune = [row for row in export.rows if "commune" in row.levels and row.field]
        the_unit = unit(Desk(id="xa", name="UBND xã", level="commune", opened=date(2025, 7, 1)))
        catalog = load_catalog(write_folder(tmp_path, the_unit, [seed.decision]))

        assert len(commune) == len(seed.decision.entries)
        assert len(export.rows) == len(seed.rows)
        assert {row.code for row in commune} == set(catalog.as_of(date(2026, 1, 5)).codes())
        assert Counter(r.code for r in seed.rows)["other-level"] + len(seed.left_out) + len(
            commune) == len(export.rows)


# --------------------------------------------------------------------------- commands


@pytest.fixture(name="appendix_1766", scope="module")
def _appendix_1766(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(ah.layout_1766(), tmp_path_factory.mktemp("cli"), "docx", name="qd-1766")


ARGS_1766 = ["--number", "1766/QĐ-UBND", "--issuer", "Chủ tịch UBND tỉnh Bình Thuận",
             "--signed", "03/08/2020"]


class TestCommands:
    def test_dry_run(self, appendix_1766: Path, capsys: pytest.CaptureFixture[str],
                     monkeypatch: pytest.MonkeyPatch) -> None:
        """The dry run prints the TOML and every row not imported with its position (exit 1)."""
        monkeypatch.delenv("TTHC_CATALOG", raising=False)
        code = main(["import", "decision", str(appendix_1766), *ARGS_1766])
        out, err = capsys.readouterr()

        assert 1 == code
        assert out.startswith("# would write decisions/2020/2020-08-03_1766-qd-ubnd.toml\n")
        assert 71 == out.count("[[entries]]")
        assert 0 == err.count("row not imported: qd-1766.docx: table ")
        assert 2 == out.count('code = "L:2020-08-03_1766-qd-ubnd:')
        assert 2 == err.count("count mismatch:")

    def test_write_validates_first(self, appendix_1766: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
        """--write refuses a decision the catalogue cannot replay, and writes a valid one."""
        bad = write_folder(tmp_path / "bad", unit(), [baseline_1766(skip=["2.001044"])])
        good = write_folder(tmp_path / "good", unit(), [baseline_1766()])

        assert 2 == main(["import", "decision", str(appendix_1766), *ARGS_1766,
                          "--catalog", str(bad), "--write"])
        assert not (bad / "decisions" / "2020").exists()
        assert "2.001044 at district: not in force" in capsys.readouterr().err
        assert 1 == main(["import", "decision", str(appendix_1766), *ARGS_1766,
                          "--catalog", str(good), "--write"])
        written = good / "decisions" / "2020" / "2020-08-03_1766-qd-ubnd.toml"
        assert written.is_file()
        assert [71] == [len(d.entries) for d in load_catalog(good).decisions
                        if d.number == "1766/QĐ-UBND"]
        assert 2 == main(["import", "decision", str(appendix_1766), *ARGS_1766,
                          "--catalog", str(good), "--write"])
        assert 1 == main(["import", "decision", str(appendix_1766), *ARGS_1766,
                          "--catalog", str(good), "--write", "--force"])

    def test_write_needs_a_folder(self, appendix_1766: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
        """--write never writes into the embedded example catalogue."""
        monkeypatch.delenv("TTHC_CATALOG", raising=False)

        assert 2 == main(["import", "decision", str(appendix_1766), *ARGS_1766, "--write"])

    def test_json(self, appendix_1766: Path, capsys: pytest.CaptureFixture[str],
                  monkeypatch: pytest.MonkeyPatch) -> None:
        """--format json gives the decision, the summary and the reported rows."""
        monkeypatch.delenv("TTHC_CATALOG", raising=False)
        main(["import", "decision", str(appendix_1766), *ARGS_1766, "--format", "json"])
        data = json.loads(capsys.readouterr().out)

        assert 71 == data["summary"]["imported"]
        assert 71 == len(data["decision"]["entries"])
        assert [] == data["reported"]

    def test_portal_summary_and_seed(self, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
        """import portal summarises an export, or prints its seed decision."""
        monkeypatch.delenv("TTHC_CATALOG", raising=False)
        path = str(EXPORTS / "danh-sach-tthc-BoTuPhap.xlsx")

        assert 0 == main(["import", "portal", path])
        assert "271 procedures" in capsys.readouterr().out
        code = main(["import", "portal", path, "--number", "1/QĐ-UBND", "--issuer", "A",
                     "--signed", "2026-01-05", "--level", "commune"])
        out, err = capsys.readouterr()
        assert 1 == code  # rows whose level the export does not give are left out
        assert out.count("[[entries]]") > 10
        assert "row not seeded" in err

    def test_portal_write_decision(self, tmp_path: Path, exports: dict,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
        """--write-decision validates the seed decision and writes it; the catalogue loads."""
        monkeypatch.delenv("TTHC_CATALOG", raising=False)
        commune = {r.code for r in exports["danh-sach-tthc-BoTuPhap.xlsx"].rows
                   if "commune" in r.levels and r.field}
        the_unit = unit(Desk(id="xa", name="UBND xã", level="commune", opened=date(2025, 7, 1)))
        folder = write_folder(tmp_path / "cat", the_unit, [])
        path = str(EXPORTS / "danh-sach-tthc-BoTuPhap.xlsx")
        args = ["import", "portal", path, "--number", "1/QĐ-UBND", "--issuer", "Chủ tịch UBND "
                "tỉnh Mẫu", "--signed", "2026-01-05", "--level", "commune", "--catalog",
                str(folder)]

        assert 2 == main([*args[:-2], "--write-decision"])  # no folder: nothing written
        assert 1 == main([*args, "--write-decision"])
        assert commune == set(load_catalog(folder).as_of(date(2026, 1, 5)).codes())
        assert 2 == main([*args, "--write-decision"])  # the same decision again

    def test_diff_exit_codes(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """diff exits 1 with differences, 0 without."""
        path = str(EXPORTS / "danh-sach-tthc-BoTuPhap.xlsx")

        assert 1 == main(["diff", path, "--as-of", "2025-07-01"])
        assert "Chứng thực di chúc" in capsys.readouterr().out
        catalog = load_catalog(resolve_catalog_path())
        records = [r for r in catalog.as_of(date(2025, 7, 1)).entries(level="commune")
                   if r.procedure.field.key == "chung-thuc"]
        same = tmp_path / "same.csv"
        with same.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Mã số", "Tên", "Cơ quan thực hiện", "Lĩnh vực"])
            writer.writerows([r.code, r.procedure.name, "UBND cấp xã", r.procedure.field.name]
                             for r in records)
        assert 0 == main(["diff", str(same), "--as-of", "2025-07-01", "--format", "json"])
        assert 0 == json.loads(capsys.readouterr().out)["out_of_scope"]

    def test_unusable_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A corrupt file is a message and exit 2, not a traceback."""
        path = tmp_path / "x.xlsx"
        path.write_bytes(b"not a zip")

        assert 2 == main(["import", "decision", str(path), *ARGS_1766])
        assert "x.xlsx" in capsys.readouterr().err


def test_fold_is_what_headings_use() -> None:
    """Headings match whatever the case and diacritics (the rows use fold)."""
    assert heading_kinds("danh muc thu tuc hanh chinh bi bai bo") == heading_kinds(
        "DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ")
    assert fold("BỊ BÃI BỎ") == "bi bai bo"
