"""Posting status: the required set against what a desk has posted, finding by finding."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from tests.catalog_helpers import amended, cut, decision, new, repealed, replaced, transferred

from tthc.catalog import Catalog
from tthc.decision import Entry, EntryKind
from tthc.desk import Desk, FeedbackAddress, Unit
from tthc.errors import UnknownDesk
from tthc.legacy import encode_legacy
from tthc.listing import Listing, ListingRow, read_listing
from tthc.posting import (
    FINDING_TYPES,
    AuditSettings,
    DeskStatus,
    Finding,
    PostingChecker,
    posting_status,
)
from tthc.text import strip_marks

AS_OF = date(2019, 12, 31)
FEEDBACK = FeedbackAddress(body="UBND xã A", address="Thôn 1, xã A", phone="0200 1",
                           email="xa-a@example.vn")


def _unit() -> Unit:
    return Unit(name="Huyện Mẫu", province="Tỉnh Mẫu", desks=(
        Desk(id="huyen", name="Một cửa huyện", level="district", opened=date(2016, 1, 1),
             closed=date(2025, 6, 30), feedback=FEEDBACK),
        Desk(id="xa-a", name="UBND xã A", level="commune", opened=date(2016, 1, 1),
             feedback=FEEDBACK),
        Desk(id="xa-b", name="UBND xã B", level="commune", opened=date(2016, 1, 1)),
        Desk(id="xa-c", name="UBND xã C", level="commune", opened=date(2016, 1, 1),
             feedback=FeedbackAddress(body="UBND xã C", address="Thôn 2")),
        Desk(id="xa-moi", name="UBND xã Mới", level="commune", opened=date(2020, 1, 1),
             feedback=FEEDBACK),
    ))


def _internal(code: str, name: str) -> Entry:
    return new(code, "commune", name=name, internal=True)


@pytest.fixture(name="catalog", scope="module")
def _catalog() -> Catalog:
    first = decision(
        "1/QĐ-UBND", date(2019, 1, 2),
        new("1.000001", "commune", name="Đăng ký khai sinh", processing_time="Trong ngày",
            fees="Miễn lệ phí"),
        new("1.000002", "commune", name="Đăng ký khai sinh lưu động",
            processing_time="05 ngày làm việc"),
        new("1.000003", "commune", name="Đăng ký khai tử", processing_time="Trong ngày"),
        new("1.000004", "commune", name="Chứng thực bản sao từ bản chính",
            field="Chứng thực", processing_time="Trong ngày", fees="2.000 đồng/trang"),
        new("1.000005", "commune", name="Đăng ký giám hộ", processing_time="03 ngày làm việc"),
        new("1.000006", "commune", name="Đăng ký nhận cha, mẹ, con",
            processing_time="03 ngày làm việc"),
        new("1.000011", "commune", name="Hỗ trợ phát triển sản xuất cộng đồng",
            field="Nông nghiệp"),
        new("1.000012", "commune", name="Hỗ trợ phát triển sản xuất cộng đồng",
            field="Nông nghiệp"),
        _internal("1.000009", "Quy trình nội bộ giải quyết hồ sơ"),
        new("2.000001", "district", name="Đăng ký thành lập hộ kinh doanh",
            field="Hộ kinh doanh", processing_time="03 ngày làm việc"),
        new("2.000002", "district", name="Cấp Giấy phép bán lẻ rượu",
            field="Lưu thông hàng hóa trong nước", processing_time="10 ngày làm việc"),
    )
    second = decision(
        "7/QĐ-UBND", date(2019, 3, 1),
        repealed("1.000005", "commune"),
        replaced("1.000006", "1.000007", "commune", name="Đăng ký nhận cha, mẹ, con có yếu tố "
                 "nước ngoài tại khu vực biên giới", processing_time="05 ngày làm việc"),
        amended("1.000002", "commune", processing_time="03 ngày làm việc"),
        cut("2.000001", "district", applied="02 ngày làm việc"),
    )
    third = decision(
        "9/QĐ-UBND", date(2019, 6, 3),
        amended("1.000004", "commune", name="Chứng thực bản sao từ bản chính giấy tờ, văn bản"),
        transferred("2.000002", ["district"], ["commune"]),
    )
    later = decision("3/QĐ-UBND", date(2020, 6, 1),
                     new("1.000008", "commune", name="Xác nhận tình trạng hôn nhân"))
    return Catalog(_unit(), [first, second, third, later])


def row(n: int, name: str, code: str | None = None, time: str | None = None,
        fee: str | None = None, extra: tuple[tuple[str, str], ...] = ()) -> ListingRow:
    """A listing row as a reader gives it."""
    return ListingRow(source="ds.csv", sheet=None, row=n, raw=(), code_raw=code, code=code,
                      name=name, processing_time_text=time, fee_text=fee, extra=extra)


def listing(*rows: ListingRow, source: str = "ds.csv") -> Listing:
    return Listing(source=source, format="csv", rows=rows, skipped=(), rows_read=len(rows))


COMMUNE_OK = (
    ("1.000001", "Đăng ký khai sinh", "Trong ngày"),
    ("1.000002", "Đăng ký khai sinh lưu động", "03 ngày làm việc"),
    ("1.000003", "Đăng ký khai tử", "Trong ngày"),
    ("1.000004", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Trong ngày"),
    ("1.000007", "Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài tại khu vực biên giới",
     "05 ngày làm việc"),
    ("1.000011", "Hỗ trợ phát triển sản xuất cộng đồng", None),
    ("1.000012", "Hỗ trợ phát triển sản xuất cộng đồng", None),
    ("2.000002", "Cấp Giấy phép bán lẻ rượu", "10 ngày làm việc"),
)


def good_rows(skip: str = "", **changes: tuple[str | None, str, str | None]) -> list[ListingRow]:
    """The commune list as it should be posted, with rows changed or left out by code."""
    out = []
    for code, name, time in COMMUNE_OK:
        if code == skip:
            continue
        if code in changes:
            code_, name, time = changes[code]
            out.append(row(len(out) + 2, name, code_, time))
        else:
            out.append(row(len(out) + 2, name, code, time))
    return out


def check(catalog: Catalog, rows: list[ListingRow], desk: str = "xa-a",
          settings: AuditSettings | None = None) -> DeskStatus:
    return posting_status(catalog, desk, AS_OF, listing(*rows), settings=settings)


def codes(status: DeskStatus, *, code_missing: bool = False
          ) -> list[tuple[str, int | None, str | None]]:
    """(code, row, procedure) of the findings; rows without a code are noted apart."""
    return [(f.code, f.row, f.procedure) for f in status.findings
            if code_missing or f.code != "code-missing"]


class TestRequired:
    def test_in_force_at_the_level_internal_excluded(self, catalog: Catalog) -> None:
        """The required set is what is in force at the desk's level, internal ones aside."""
        checker = PostingChecker(catalog, AS_OF)

        assert ["1.000001", "1.000002", "1.000003", "1.000004", "1.000007", "1.000011",
                "1.000012", "2.000002"] == sorted(checker.required("commune"))
        assert ["2.000001"] == sorted(checker.required("district"))

    def test_the_correct_list_gives_no_finding(self, catalog: Catalog) -> None:
        """A commune list posting exactly the versions in force is valid."""
        status = check(catalog, good_rows())

        assert [] == codes(status)
        assert {"posted"} == {p.status for p in status.procedures}
        assert 8 == status.stats()["posted"]

    def test_a_desk_not_yet_open_must_post_nothing(self, catalog: Catalog) -> None:
        """A desk opened in 2020 has nothing to post in 2019; its rows are reported as such."""
        status = posting_status(catalog, "xa-moi", AS_OF, listing(*good_rows()))

        assert () == status.required
        assert ["desk-closed"] == [f.code for f in status.findings]
        assert {"closed"} == {r.status for r in status.rows}

    def test_unknown_desk(self, catalog: Catalog) -> None:
        """An unknown desk id raises UnknownDesk (a LookupError)."""
        with pytest.raises(UnknownDesk):
            check(catalog, [], desk="xa-z")


class TestMissingAndStale:
    def test_missing(self, catalog: Catalog) -> None:
        """A required procedure not posted is missing, with the decision that announced it."""
        status = check(catalog, good_rows(skip="1.000003"))

        assert [("missing-procedure", None, "1.000003")] == codes(status)
        assert "1/QĐ-UBND (02/01/2019)" == status.findings[0].decision
        assert "missing" == {p.code: p.status for p in status.procedures}["1.000003"]

    def test_stale_repealed(self, catalog: Catalog) -> None:
        """A repealed procedure still posted is stale, naming the repealing decision."""
        rows = [*good_rows(), row(20, "Đăng ký giám hộ", "1.000005")]

        status = check(catalog, rows)

        (finding,) = status.findings
        assert ("stale-repealed", 20, "1.000005") == (finding.code, finding.row, finding.procedure)
        assert "7/QĐ-UBND (01/03/2019)" == finding.decision
        assert "error" == finding.severity
        assert "bãi bỏ" in finding.message_vi

    def test_stale_replaced_names_the_successor(self, catalog: Catalog) -> None:
        """A replaced procedure posted instead of its successor: stale; the successor missing."""
        rows = good_rows(**{"1.000007": ("1.000006", "Đăng ký nhận cha, mẹ, con", None)})

        status = check(catalog, rows)

        assert [("stale-replaced", 6, "1.000006"), ("missing-procedure", None, "1.000007")] == (
            codes(status)
        )
        assert "1.000007" == status.findings[0].expected

    def test_stale_replaced_found_by_name(self, catalog: Catalog) -> None:
        """Without a code, a replaced procedure is recognised by its name."""
        rows = [*good_rows(), row(20, "Dang ky nhan cha me con")]

        assert [("stale-replaced", 20, "1.000006")] == codes(check(catalog, rows))

    def test_stale_transferred(self, catalog: Catalog) -> None:
        """A procedure transferred away from the district, still posted there."""
        rows = [row(2, "Đăng ký thành lập hộ kinh doanh", "2.000001", "02 ngày làm việc"),
                row(3, "Cấp Giấy phép bán lẻ rượu", "2.000002")]

        status = check(catalog, rows, desk="huyen")

        assert [("stale-transferred", 3, "2.000002")] == codes(status)
        assert "commune" == status.findings[0].expected

    def test_wrong_level(self, catalog: Catalog) -> None:
        """A district procedure posted at a commune desk."""
        rows = [*good_rows(), row(20, "Đăng ký thành lập hộ kinh doanh")]

        assert [("wrong-level", 20, "2.000001")] == codes(check(catalog, rows))

    def test_not_yet_in_force(self, catalog: Catalog) -> None:
        """A procedure announced from 2020 posted in 2019."""
        rows = [*good_rows(), row(20, "Xác nhận tình trạng hôn nhân", "1.000008")]

        status = check(catalog, rows)

        assert [("not-yet-in-force", 20, "1.000008")] == codes(status)
        assert "warning" == status.findings[0].severity

    def test_internal_procedure(self, catalog: Catalog) -> None:
        """An internal procedure is not required, and posting it is noted."""
        rows = [*good_rows(), row(20, "Quy trình nội bộ giải quyết hồ sơ", "1.000009")]

        assert [("internal-procedure", 20, "1.000009")] == codes(check(catalog, rows))


class TestOutdated:
    def test_case_diacritics_and_punctuation_are_not_findings(self, catalog: Catalog) -> None:
        """Names compare on their matching key."""
        rows = good_rows(**{"1.000004": ("1.000004", "CHUNG THUC BAN SAO TU BAN CHINH GIAY TO "
                                         "VAN BAN.", "Trong ngày"),
                            "1.000001": ("1.000001", "Thủ tục: đăng ký khai sinh", None)})

        assert [] == codes(check(catalog, rows))

    def test_earlier_name_is_outdated(self, catalog: Catalog) -> None:
        """The name before an amendment is an outdated name, naming the amending decision."""
        rows = good_rows(**{"1.000004": ("1.000004", "Chứng thực bản sao từ bản chính", None)})

        status = check(catalog, rows)

        (finding,) = status.findings
        assert ("outdated-name", "error") == (finding.code, finding.severity)
        assert "9/QĐ-UBND (03/06/2019)" == finding.decision
        assert "outdated" == {p.code: p.status for p in status.procedures}["1.000004"]

    def test_typo_is_a_warning(self, catalog: Catalog) -> None:
        """A misspelt name is a warning, not an outdated name."""
        rows = good_rows(**{"1.000003": ("1.000003", "Đăng kí khai tủ", None)})

        status = check(catalog, rows)

        assert [("name-typo", 4, "1.000003")] == codes(status)
        assert "warning" == status.findings[0].severity
        assert "posted" == {p.code: p.status for p in status.procedures}["1.000003"]

    def test_typo_threshold_is_a_setting(self, catalog: Catalog) -> None:
        """With no typo allowed, the same difference is an outdated name."""
        rows = good_rows(**{"1.000003": ("1.000003", "Đăng kí khai tủ", None)})

        status = check(catalog, rows, settings=AuditSettings(typo_edits=0))

        assert [("outdated-name", 4, "1.000003")] == codes(status)

    def test_times_compare_by_structure(self, catalog: Catalog) -> None:
        """05 and 5, "trong" and bare amounts, case: the same time."""
        rows = good_rows(**{"1.000002": ("1.000002", "Đăng ký khai sinh lưu động",
                                         "Trong 3 NGÀY LÀM VIỆC"),
                            "1.000001": ("1.000001", "Đăng ký khai sinh", "trong ngày")})

        assert [] == codes(check(catalog, rows))

    def test_time_before_an_amendment(self, catalog: Catalog) -> None:
        """Posting the time an amendment replaced is outdated, and says so."""
        rows = good_rows(**{"1.000002": ("1.000002", "Đăng ký khai sinh lưu động",
                                         "5 ngày làm việc")})

        (finding,) = check(catalog, rows).findings
        assert "outdated-processing-time" == finding.code
        assert ("03 ngày làm việc", "5 ngày làm việc") == (finding.expected, finding.found)
        assert "former time" in finding.message_en

    def test_statutory_time_where_a_cut_applies(self, catalog: Catalog) -> None:
        """The statutory time posted while a cut applies is outdated, naming the cut."""
        rows = [row(2, "Đăng ký thành lập hộ kinh doanh", "2.000001", "03 ngày làm việc")]

        (finding,) = check(catalog, rows, desk="huyen").findings
        assert "outdated-processing-time" == finding.code
        assert "02 ngày làm việc" == finding.expected
        assert "7/QĐ-UBND (01/03/2019)" == finding.decision
        assert "statutory" in finding.message_en

    def test_unit_changes_the_time(self, catalog: Catalog) -> None:
        """Working days and calendar days differ."""
        rows = good_rows(**{"1.000002": ("1.000002", "Đăng ký khai sinh lưu động", "3 ngày")})

        assert ["outdated-processing-time"] == [f.code for f in check(catalog, rows).findings]

    def test_fees_compare_by_amount(self, catalog: Catalog) -> None:
        """A different amount is outdated; the same amount written otherwise is not."""
        same = good_rows()
        same[3] = row(5, same[3].name, "1.000004", None, "2.000đ/trang")
        other = good_rows()
        other[3] = row(5, other[3].name, "1.000004", None, "3.000 đồng/trang")

        assert [] == codes(check(catalog, same))
        assert [("outdated-fees", 5, "1.000004")] == codes(check(catalog, other))

    def test_checks_can_be_turned_off(self, catalog: Catalog) -> None:
        """check_times=False ignores the posted times."""
        rows = good_rows(**{"1.000002": ("1.000002", "Đăng ký khai sinh lưu động", "9 ngày")})

        assert [] == codes(check(catalog, rows, settings=AuditSettings(check_times=False)))


class TestRows:
    def test_duplicate(self, catalog: Catalog) -> None:
        """The second row of a procedure is a duplicate, pointing to the first."""
        rows = [*good_rows(), row(20, "Đăng ký khai tử")]

        status = check(catalog, rows)

        assert [("code-missing", 20, None), ("duplicate-row", 20, "1.000003")] == codes(
            status, code_missing=True)
        assert "ds.csv, row 4" == status.findings[1].expected

    def test_unknown_procedure(self, catalog: Catalog) -> None:
        """A code the catalogue never had, with a name matching nothing."""
        rows = [*good_rows(), row(20, "Cấp phép khai thác cát sỏi lòng sông", "1.999999")]

        status = check(catalog, rows)

        assert [("unknown-procedure", 20, "1.999999")] == codes(status)
        assert "unknown" == status.rows[-1].status

    def test_unknown_code_matched_by_name(self, catalog: Catalog) -> None:
        """A mistyped code with a recognisable name: a warning, the row still counts."""
        rows = good_rows(**{"1.000003": ("1.000030", "Đăng ký khai tử", None)})

        status = check(catalog, rows)

        assert [("unknown-code", 4, "1.000003")] == codes(status)
        assert "1.000030" == status.findings[0].found
        assert "posted" == status.rows[2].status

    def test_local_codes_are_codes(self, catalog: Catalog) -> None:
        """1.000003.H99 and 1.000003.000.00.00.H99 name 1.000003."""
        rows = good_rows(**{"1.000003": ("1.000003.H99", "Đăng ký khai tử", None)})
        rows[2] = attr_code(rows[2], "1.000003.000.00.00.H99", "1.000003")

        assert [] == codes(check(catalog, rows))

    def test_code_name_conflict_credits_the_name(self, catalog: Catalog) -> None:
        """A row showing another procedure's code: a conflict, the name decides."""
        rows = good_rows(**{"1.000003": ("1.000001", "Đăng ký khai tử", None)})

        status = check(catalog, rows)

        assert [("code-name-conflict", 4, "1.000001")] == codes(status)
        assert "1.000003" == status.rows[2].procedure
        assert "1.000003" in status.findings[0].message_en

    def test_unmatched_and_review(self, catalog: Catalog) -> None:
        """A name like nothing is unmatched; a name between two procedures goes to review."""
        rows = [*good_rows(), row(20, "Cấp phép xây dựng nhà ở riêng lẻ"),
                row(21, "Đăng ký khai sinh lưu")]

        status = check(catalog, rows)

        found = [(f.code, f.row) for f in status.findings
                 if f.row in (20, 21) and f.code != "code-missing"]
        assert [("unmatched-row", 20), ("review-match", 21)] == found
        review = status.findings[-1]
        assert review.candidates
        assert review.candidates[0].code in ("1.000001", "1.000002")

    def test_twins_are_assigned_in_code_order(self, catalog: Catalog) -> None:
        """Rows naming procedures that share a name post them, in code order; fewer rows
        than procedures cannot be told apart: undecidable by name, none reported missing."""
        twin = "Hỗ trợ phát triển sản xuất cộng đồng"
        both = [r for r in good_rows() if r.code not in ("1.000011", "1.000012")]
        two = [*both, row(30, twin), row(31, twin)]
        one = [*both, row(30, twin)]

        status_two, status_one = check(catalog, two), check(catalog, one)

        assert ["1.000011", "1.000012"] == [r.procedure for r in status_two.rows[-2:]]
        assert {"twin"} == {r.band for r in status_two.rows[-2:]}
        assert [("undecidable-name", 30, None)] == codes(status_one)
        states = {p.code: p.status for p in status_one.procedures}
        assert ("unconfirmed", "unconfirmed") == (states["1.000011"], states["1.000012"])
        assert "1.000011, 1.000012" == next(f for f in status_one.findings
                                            if f.code == "undecidable-name").expected

    def test_posted_late(self, catalog: Catalog) -> None:
        """A posting date after the effective date of the version in force is late."""
        dated = [attr_extra(r, (("Ngày niêm yết", "02/01/2019"),)) for r in good_rows()]
        dated[1] = attr_extra(dated[1], (("Ngày niêm yết", "15/03/2019"),))

        status = check(catalog, dated)

        assert [("posted-late", 3, "1.000002")] == codes(status)
        assert ("2019-03-01", "2019-03-15") == (status.findings[0].expected,
                                               status.findings[0].found)

    def test_every_row_is_accounted_for(self, catalog: Catalog) -> None:
        """Read = matched + unmatched + skipped, per desk."""
        rows = [*good_rows(), row(20, "Cấp phép xây dựng nhà ở riêng lẻ"),
                row(21, "Đăng ký giám hộ", "1.000005")]

        stats = check(catalog, rows).stats()

        assert 10 == stats["rows_read"] == stats["rows_matched"] + stats["rows_unmatched"]
        assert (9, 1) == (stats["rows_matched"], stats["rows_unmatched"])


def attr_extra(item: ListingRow, extra: tuple[tuple[str, str], ...]) -> ListingRow:
    import attrs

    return attrs.evolve(item, extra=extra)


def attr_code(item: ListingRow, raw: str, national: str) -> ListingRow:
    import attrs

    return attrs.evolve(item, code_raw=raw, code=national, local_code=raw)


class TestDeskAndListingChecks:
    def test_feedback(self, catalog: Catalog) -> None:
        """No feedback address is an error; an incomplete one a warning naming the parts."""
        missing = check(catalog, good_rows(), desk="xa-b")
        partial = check(catalog, good_rows(), desk="xa-c")

        assert ["feedback-missing"] == [f.code for f in missing.findings]
        assert ["feedback-incomplete"] == [f.code for f in partial.findings]
        assert "phone, email" in partial.findings[0].message_en

    def _write(self, tmp_path: Path, name: str, lines: list[list[str]], *, encoding: str = "utf-8",
               transform: object = None) -> Listing:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(lines)
        text = buffer.getvalue()
        if transform is not None:
            text = transform(text)  # type: ignore[operator]
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return read_listing(path)

    def _lines(self, count: str = "8") -> list[list[str]]:
        lines = [["STT", "Mã số TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết"],
                 ["I", f"LĨNH VỰC HỘ TỊCH ({count} TTHC)", "", ""]]
        for n, (code, name, time) in enumerate(COMMUNE_OK, start=1):
            lines.append([str(n), code, name, time or ""])
        return lines

    def test_heading_count(self, catalog: Catalog, tmp_path: Path) -> None:
        """A group heading whose count differs from its rows, at the heading's row."""
        good = self._write(tmp_path, "good.csv", self._lines())
        bad = self._write(tmp_path, "bad.csv", self._lines("9"))

        assert [] == codes(posting_status(catalog, "xa-a", AS_OF, good))
        assert [("heading-count-mismatch", 2, None)] == codes(
            posting_status(catalog, "xa-a", AS_OF, bad)
        )

    def test_legacy_no_diacritics_no_codes(self, catalog: Catalog, tmp_path: Path) -> None:
        """Listing-level notes: a legacy font, no diacritics, no codes (info only)."""
        tcvn3 = self._write(tmp_path, "tcvn3.csv", self._lines(), encoding="cp1252",
                            transform=lambda t: encode_legacy(t, "tcvn3", errors="lower"))
        ascii_ = self._write(tmp_path, "ascii.csv", self._lines(), transform=strip_marks)
        no_codes = self._write(tmp_path, "nocodes.csv",
                               [[c for i, c in enumerate(line) if i != 1]
                                for line in self._lines()])

        found = [
            [(f.code, f.severity) for f in posting_status(catalog, "xa-a", AS_OF, item).findings]
            for item in (tcvn3, ascii_, no_codes)
        ]

        assert [[("legacy-encoding", "info")], [("no-diacritics", "info")],
                [("no-codes", "info")]] == found


class TestFindings:
    def test_codes_are_registered_kebab_case(self) -> None:
        """Every finding code is kebab-case with a known severity and both titles."""
        import re

        for code, kind in FINDING_TYPES.items():
            assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", code)
            assert kind.severity in ("error", "warning", "info")
            assert kind.title_en
            assert kind.title_vi

    def test_unknown_code_is_refused(self) -> None:
        """A finding must use a registered code."""
        with pytest.raises(ValueError, match="unknown finding code"):
            Finding.make("no-such-code", "x", "y")

    def test_severity_follows_the_code(self) -> None:
        """Finding.make takes the severity from the registry."""
        finding = Finding.make("duplicate-row", "vi", "en", source="a.xlsx", sheet="Xã", row=4)

        assert "warning" == finding.severity
        assert "a.xlsx, sheet 'Xã', row 4" == finding.position
        assert {"vi": "vi", "en": "en"} == finding.as_dict()["message"]

    def test_every_kind_of_entry_is_handled(self) -> None:
        """Every way a version can end maps to a stale finding code."""
        ends = {EntryKind.REPEALED: "stale-repealed", EntryKind.REPLACED: "stale-replaced",
                EntryKind.TRANSFERRED: "stale-transferred"}

        assert set(ends.values()) <= set(FINDING_TYPES)
