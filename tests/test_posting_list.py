"""Posting lists built from a catalogue: the set posted, grouping, order, times, sources."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tthc.catalog import Catalog, load_catalog, resolve_catalog_path
from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
from tthc.desk import Desk, FeedbackAddress, Unit
from tthc.errors import UnknownDesk
from tthc.feeparse import parse_fee
from tthc.posting_list import (
    MISSING,
    PostingList,
    PostingRow,
    build_posting_list,
    feedback_lines,
    group_rows,
    roman,
    vietnamese_long_date,
)
from tthc.procedure import Field, OnlineService, PostalService
from tthc.proctime import parse_processing_time
from tthc.text import fold

ISSUER = "Chủ tịch UBND tỉnh Mẫu"
END_2019 = date(2019, 12, 31)


def _new(
    code: str,
    levels: tuple[str, ...],
    name: str,
    field: str,
    time: str = "",
    fee: str = "",
    **extra: object,
) -> Entry:
    content = ProcedureContent(
        name=name,
        field=Field.of(field),
        processing_time=parse_processing_time(time) if time else None,
        fees=parse_fee(fee) if fee else None,
        **extra,  # type: ignore[arg-type]
    )
    return Entry(kind=EntryKind.NEW, code=code, levels=levels, content=content)


def sample_catalog() -> Catalog:
    """A small catalogue exercising every case a posting list must handle."""
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
                feedback=FeedbackAddress(
                    body="Văn phòng UBND huyện Mẫu",
                    address="Số 1 đường A",
                    phone="0200 1",
                    email="vp@mau.example.vn",
                ),
            ),
            Desk(
                id="xa-a",
                name="Bộ phận Một cửa UBND xã A",
                level="commune",
                opened=date(2016, 1, 1),
                feedback=FeedbackAddress(body="UBND xã A"),
            ),
            Desk(
                id="xa-moi",
                name="Bộ phận Một cửa UBND xã Mới",
                level="commune",
                opened=date(2020, 1, 1),
            ),
        ),
    )
    first = Decision(
        number="10/QĐ-UBND",
        issuer=ISSUER,
        signed=date(2019, 1, 2),
        effective=date(2019, 1, 15),
        entries=(
            _new(
                "1.000003",
                ("district",),
                "Cấp giấy phép xây dựng",
                "Hoạt động xây dựng",
                "20 ngày làm việc",
                "Lệ phí: 75.000 đồng/giấy phép",
            ),
            _new(
                "1.000001",
                ("district",),
                "Đăng ký hộ kinh doanh",
                "Hộ kinh doanh",
                "03 ngày làm việc",
                "100.000 đồng",
            ),
            _new(
                "1.000002",
                ("district",),
                "Đăng ký thay đổi nội dung hộ kinh doanh",
                "HỘ KINH DOANH",
                "03 ngày làm việc",
            ),
            _new(
                "2.000010",
                ("commune",),
                "Đăng ký khai sinh",
                "Hộ tịch",
                "Ngay trong ngày",
                "Miễn lệ phí",
            ),
            _new(
                "2.000011",
                ("district", "commune"),
                "Chứng thực bản sao từ bản chính",
                "Chứng thực",
                "Trong ngày",
                "=2.000 đồng/trang",
            ),
            _new(
                "1.000099",
                ("district",),
                "Thủ tục nội bộ về văn thư",
                "Văn thư",
                "05 ngày",
                internal=True,
            ),
        ),
    )
    second = Decision(
        number="250/QĐ-UBND",
        issuer=ISSUER,
        signed=date(2019, 5, 20),
        effective=date(2019, 6, 1),
        entries=(
            Entry(
                kind=EntryKind.CUT,
                code="1.000003",
                levels=("district",),
                applied_time=parse_processing_time("15 ngày làm việc"),
            ),
            Entry(
                kind=EntryKind.SERVICE,
                code="1.000001",
                levels=("district",),
                online=OnlineService(level=3),
                postal=PostalService(receive=True, deliver=True),
            ),
            Entry(
                kind=EntryKind.AMENDED,
                code="2.000010",
                levels=("commune",),
                content=ProcedureContent(fees=parse_fee("Miễn phí")),
            ),
        ),
    )
    third = Decision(
        number="900/QĐ-UBND",
        issuer=ISSUER,
        signed=date(2019, 8, 20),
        effective=date(2019, 9, 1),
        entries=(Entry(kind=EntryKind.REPEALED, code="1.000002", levels=("district",)),),
    )
    return Catalog(unit, [first, second, third])


@pytest.fixture(name="catalog", scope="module")
def _catalog() -> Catalog:
    return sample_catalog()


class TestBuild:
    def test_district_desk_posts_its_level_in_force(self, catalog: Catalog) -> None:
        """The district desk lists its level's procedures in force: no repealed, no internal."""
        pl = build_posting_list(catalog, "huyen", END_2019)

        assert sorted(r.code for r in pl.rows) == ["1.000001", "1.000003", "2.000011"]
        assert pl.count == 3

    def test_before_a_repeal_the_procedure_is_posted(self, catalog: Catalog) -> None:
        """On 31/8/2019, before the repeal takes effect, 1.000002 is still posted."""
        pl = build_posting_list(catalog, "huyen", date(2019, 8, 31))

        assert "1.000002" in {r.code for r in pl.rows}

    def test_commune_desk_posts_the_commune_level(self, catalog: Catalog) -> None:
        """A commune desk lists commune procedures, including a code posted at both levels."""
        pl = build_posting_list(catalog, "xa-a", END_2019)

        assert [(g.field.name, r.code) for g in pl.groups for r in g.rows] == [
            ("Chứng thực", "2.000011"),
            ("Hộ tịch", "2.000010"),
        ]

    def test_groups_by_field_in_vietnamese_order(self, catalog: Catalog) -> None:
        """Fields are ordered on folded names: "ho kinh doanh" < "hoat dong xay dung"."""
        pl = build_posting_list(catalog, "huyen", END_2019)

        assert [(g.numeral, g.field.name, g.count) for g in pl.groups] == [
            ("I", "Chứng thực", 1),
            ("II", "Hộ kinh doanh", 1),
            ("III", "Hoạt động xây dựng", 1),
        ]
        assert [r.stt for r in pl.rows] == [1, 2, 3]

    def test_spellings_of_a_field_make_one_group(self, catalog: Catalog) -> None:
        """ "Hộ kinh doanh" and "HỘ KINH DOANH" are one group."""
        pl = build_posting_list(catalog, "huyen", date(2019, 8, 31))

        group = next(g for g in pl.groups if g.field.key == "ho-kinh-doanh")
        assert [r.code for r in group.rows] == ["1.000001", "1.000002"]
        assert group.heading == "II. Lĩnh vực Hộ kinh doanh (2 thủ tục)"

    def test_cut_time_shows_the_statutory_beside(self, catalog: Catalog) -> None:
        """After the cut, the applied time is posted with the statutory time beside it."""
        row = next(
            r for r in build_posting_list(catalog, "huyen", END_2019).rows if r.code == "1.000003"
        )

        assert (row.processing_time, row.statutory_time) == ("15 ngày làm việc", "20 ngày làm việc")
        assert row.is_cut

    def test_before_the_cut_only_the_statutory_time(self, catalog: Catalog) -> None:
        """Before the cut takes effect the statutory time is posted alone."""
        row = next(
            r
            for r in build_posting_list(catalog, "huyen", date(2019, 5, 31)).rows
            if r.code == "1.000003"
        )

        assert (row.processing_time, row.statutory_time) == ("20 ngày làm việc", None)

    def test_service_and_decision_columns(self, catalog: Catalog) -> None:
        """Online and postal service come from the service entry; the decision is the announcer."""
        row = next(
            r for r in build_posting_list(catalog, "huyen", END_2019).rows if r.code == "1.000001"
        )

        assert (row.online, row.postal, row.decision) == (
            "Mức độ 3",
            "Tiếp nhận, trả kết quả",
            "10/QĐ-UBND ngày 02/01/2019",
        )

    def test_amendment_is_the_announcing_decision(self, catalog: Catalog) -> None:
        """An amended procedure names the amending decision and shows the new fee."""
        row = next(
            r for r in build_posting_list(catalog, "xa-a", END_2019).rows if r.code == "2.000010"
        )

        assert (row.decision, row.fees) == ("250/QĐ-UBND ngày 20/05/2019", "Miễn phí")

    def test_sources_name_announcing_cut_and_service_decisions(self, catalog: Catalog) -> None:
        """The footer names every decision behind the rows, by signing date."""
        pl = build_posting_list(catalog, "huyen", END_2019)

        assert (pl.source_decisions) == (
            "10/QĐ-UBND ngày 02/01/2019",
            "250/QĐ-UBND ngày 20/05/2019",
        )
        assert pl.sources_line.startswith("Nguồn: Quyết định số 10/QĐ-UBND ngày 02/01/2019; ")

    def test_unit_and_heading_lines(self, catalog: Catalog) -> None:
        """The heading block names the governing and issuing bodies and the place and date."""
        district = build_posting_list(catalog, "huyen", END_2019)
        commune = build_posting_list(catalog, "xa-a", END_2019)

        assert district.issuer_lines == ("UBND TỈNH MẪU", "BỘ PHẬN MỘT CỬA UBND HUYỆN MẪU")
        assert commune.issuer_lines == ("UBND HUYỆN MẪU", "BỘ PHẬN MỘT CỬA UBND XÃ A")
        assert commune.date_place_line == "Mẫu, ngày 31 tháng 12 năm 2019"

    def test_closed_desk_is_an_error(self, catalog: Catalog) -> None:
        """A district desk after the 2025 reform has no posting list: UnknownDesk says why."""
        with pytest.raises(UnknownDesk, match=r"not open on 01/07/2025: it closed on 30/06/2025"):
            build_posting_list(catalog, "huyen", date(2025, 7, 1))

    def test_desk_not_yet_open_is_an_error(self, catalog: Catalog) -> None:
        """A desk before its opening date has no posting list."""
        with pytest.raises(UnknownDesk, match="it opens on 01/01/2020"):
            build_posting_list(catalog, "xa-moi", END_2019)

    def test_unknown_desk_names_the_known_ones(self, catalog: Catalog) -> None:
        """An unknown desk id raises UnknownDesk (a LookupError) listing the desks."""
        with pytest.raises(LookupError, match="huyen, xa-a, xa-moi"):
            build_posting_list(catalog, "xa-b", END_2019)

    def test_build_is_deterministic(self, catalog: Catalog) -> None:
        """Two builds give equal lists."""
        assert build_posting_list(catalog, "huyen", END_2019) == build_posting_list(
            sample_catalog(), "huyen", END_2019
        )


class TestRecords:
    def test_feedback_block_marks_missing_parts(self, catalog: Catalog) -> None:
        """Required parts a desk lacks are shown as missing, so the board shows the gap."""
        lines = dict(feedback_lines(catalog.desk("xa-a")))

        assert lines["Cơ quan tiếp nhận"] == "UBND xã A"
        assert [lines["Địa chỉ"], lines["Điện thoại"], lines["Thư điện tử"]] == [MISSING] * 3
        assert "Cổng dịch vụ công" not in lines

    def test_desk_without_feedback(self) -> None:
        """A desk with no feedback address shows the four labels as missing."""
        lines = feedback_lines(Desk(id="x", name="X", level="commune"))

        assert len(lines) == 4
        assert all(value == MISSING for _label, value in lines)

    def test_roman_numerals(self) -> None:
        """Group numerals follow the Roman system, and 0 has none."""
        assert [roman(n) for n in (1, 2, 3, 4, 5, 9, 19, 44, 2019)] == [
            "I",
            "II",
            "III",
            "IV",
            "V",
            "IX",
            "XIX",
            "XLIV",
            "MMXIX",
        ]
        with pytest.raises(ValueError, match="0"):
            roman(0)

    def test_long_date_zero_pads_per_decree(self) -> None:
        """Days below 10 and months 1–2 take a zero; other months do not."""
        assert [
            vietnamese_long_date(date(2020, m, d)) for m, d in ((1, 1), (2, 10), (3, 5), (11, 30))
        ] == [
            "ngày 01 tháng 01 năm 2020",
            "ngày 10 tháng 02 năm 2020",
            "ngày 05 tháng 3 năm 2020",
            "ngày 30 tháng 11 năm 2020",
        ]

    def test_group_rows_renumbers_and_orders(self) -> None:
        """Rows are numbered across groups; fields with diacritics sort by their folded name."""
        fields = ["Đất đai", "Y tế", "Bảo trợ xã hội", "Đăng ký biện pháp bảo đảm", "Ẩm thực"]
        items = [
            (Field.of(f), PostingRow(stt=99, code=f"1.00000{i}", name=f, processing_time=""))
            for i, f in enumerate(fields)
        ]

        groups = group_rows(items)

        assert sorted(fields, key=fold) == [g.field.name for g in groups]
        assert list(range(1, 6)) == [r.stt for g in groups for r in g.rows]

    def test_row_texts_are_nfc(self) -> None:
        """Decomposed input is stored composed."""
        row = PostingRow(stt=1, code="1.1", name="Đăng ky\u0301", processing_time="5 nga\u0300y")

        assert (row.name, row.processing_time) == ("Đăng ký", "5 ngày")

    def test_empty_list_has_a_source_line(self) -> None:
        """A list with no procedures still says so in its footer."""
        pl = PostingList(
            unit_name="huyện A",
            province="tỉnh B",
            as_of=END_2019,
            groups=(),
            desk=Desk(id="d", name="D", level="district"),
        )

        assert (pl.count, pl.sources_line) == (0, "Nguồn: (không có quyết định công bố).")


# --------------------------------------------------------------------------- the example


def _example() -> Catalog:
    path = resolve_catalog_path(None)
    if isinstance(path, Path) and not (path / "unit.toml").exists():
        pytest.fail(
            f"the example catalogue is missing at {path}; run scripts/build_example_catalog.py"
        )
    return load_catalog(path)


@pytest.fixture(name="example", scope="module")
def _example_fixture() -> Catalog:
    return _example()


class TestExampleCatalogue:
    def test_every_open_desk_posts_exactly_its_set(self, example: Catalog) -> None:
        """For each desk open at the end of 2019, the rows are the in-force non-internal set."""
        view = example.as_of(END_2019)
        for desk in view.desks():
            expected = sorted(
                r.code for r in view.entries(level=desk.level) if not r.procedure.internal
            )
            pl = build_posting_list(example, desk.id, END_2019)

            assert expected == sorted(r.code for r in pl.rows), desk.id
            assert list(range(1, pl.count + 1)) == [r.stt for r in pl.rows]
            assert all(
                r.code == sorted(r.code for r in g.rows)[i]
                for g in pl.groups
                for i, r in enumerate(g.rows)
            )

    def test_each_group_holds_one_field(self, example: Catalog) -> None:
        """Every row of a group has that group's field in the catalogue."""
        view = example.as_of(END_2019)
        pl = build_posting_list(example, "huyen", END_2019)
        for group in pl.groups:
            fields = {
                view.get(r.code, level="district").field.key  # type: ignore[union-attr]
                for r in group.rows
            }

            assert {group.field.key} == fields
        assert len({g.field.key for g in pl.groups}) == len(pl.groups)
