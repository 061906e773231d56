"""Tests for tthc.dossiers: reading logs, appointments, classes, rates, and ``tthc dossiers``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import unicodedata
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc.catalog import load_catalog, resolve_catalog_path
from tthc.cli import main
from tthc.dossiers import (
    Comparison,
    DossierReport,
    Outcome,
    check_dossiers,
    parse_dossier_log,
    parse_timestamp,
    read_dossier_log,
)
from tthc.errors import InputError, UnknownDesk
from tthc.proctime import Channel
from tthc.workdays import WorkCalendar

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = load_catalog(resolve_catalog_path())
LOG_2019 = REPO / "catalog" / "dossiers-2019.csv"
HEADER = ("Mã hồ sơ", "Mã TTHC", "Nơi tiếp nhận", "Kênh", "Ngày nhận", "Ngày hoàn thành",
          "Ngày trả", "Ngày hẹn lại", "Trạng thái")
COMMUNE = "xa-tung-lam"


def csv_text(*rows: tuple[str, ...], header: tuple[str, ...] = HEADER, sep: str = ",") -> str:
    """A CSV log with *header* and *rows* (missing trailing cells left empty)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def check(*rows: tuple[str, ...], **options: Any) -> DossierReport:
    """Check a small log built from *rows* against the example catalogue."""
    return check_dossiers(EXAMPLE, parse_dossier_log(csv_text(*rows), source="t.csv"),
                          **options)


def due_of(code: str, desk: str, received: str, channel: str = "") -> datetime:
    """The appointment tthc computes for one dossier."""
    report = check(("HS-1", code, desk, channel, received))
    (dossier,) = report.dossiers
    assert dossier.outcome is not Outcome.UNCOMPUTABLE, report.problems
    return dossier.due


class TestAppointments:
    """Golden appointments: Tết, swapped Saturdays, local days off, cuts, desk rules."""

    @pytest.mark.parametrize(
        ("received", "expected"),
        [
            ("2025-01-24 10:00", datetime(2025, 2, 3, 17, 30)),  # Tết 2025: 25/1–2/2
            ("2026-02-13 16:30", datetime(2026, 2, 23, 17, 30)),  # Tết 2026: 14/2–22/2
            ("2025-04-25 09:00", datetime(2025, 4, 26, 17, 30)),  # Saturday 26/4/2025 worked
            ("2025-04-29 09:00", datetime(2025, 5, 5, 17, 30)),  # 30/4–4/5/2025 off (2/5 swapped)
            ("2025-08-29 10:00", datetime(2025, 9, 3, 17, 30)),  # Quốc khánh 30/8–2/9/2025
            ("2019-08-30 10:00", datetime(2019, 9, 4, 17, 30)),  # 3/9/2019 off by the unit
            ("2019-03-02 10:00", datetime(2019, 3, 5, 17, 30)),  # a Saturday: from Monday
            ("2019-03-04 17:45", datetime(2019, 3, 6, 17, 30)),  # after closing time
        ],
    )
    def test_one_working_day_at_a_commune(self, received: str, expected: datetime) -> None:
        """2.000908 (1 working day) at a commune desk, on the national calendar."""
        assert expected == due_of("2.000908", COMMUNE, received)

    @pytest.mark.parametrize(
        ("received", "expected"),
        [
            # statutory 5 days before the cut of 1/10/2019; Saturday 28/9 morning counts
            ("2019-09-27 10:00", datetime(2019, 10, 3, 17, 30)),
            # the cut time, 4 days, from 1/10/2019; the 4th day is Saturday 5/10: noon
            ("2019-10-01 10:00", datetime(2019, 10, 5, 11, 30)),
            # after the desk's cut-off 16:30: counted from Tuesday, the statutory time
            ("2019-09-30 16:45", datetime(2019, 10, 7, 17, 30)),
            # a Saturday afternoon is after closing at a Saturday-morning desk
            ("2019-09-28 14:00", datetime(2019, 10, 5, 11, 30)),
        ],
    )
    def test_district_desk_with_cut(self, received: str, expected: datetime) -> None:
        """1.001266 at the district desk: Saturday mornings, cut-off, the time on the day."""
        assert expected == due_of("1.001266", "huyen", received)

    def test_units(self) -> None:
        """Same day with its own cut-off, hours, calendar days, per-channel times."""
        assert datetime(2019, 3, 4, 17, 30) == due_of("2.000815", COMMUNE, "2019-03-04 14:00")
        assert datetime(2019, 3, 5, 17, 30) == due_of("2.000815", COMMUNE, "2019-03-04 15:30")
        assert datetime(2019, 3, 5, 8, 30) == due_of("1.005040", COMMUNE, "2019-03-04 16:30")
        assert datetime(2025, 2, 3, 17, 30) == due_of("1.000253", COMMUNE, "2025-01-24 10:00")
        assert datetime(2019, 3, 11, 17, 30) == due_of(
            "1.009452", COMMUNE, "2019-03-04 10:00", "Trực tuyến"
        )
        assert datetime(2019, 3, 6, 17, 30) == due_of(
            "1.009452", COMMUNE, "2019-03-04 10:00", "Trực tiếp"
        )

    def test_same_as_the_calendar_on_the_2019_log(self) -> None:
        """Every appointment of the synthetic log equals WorkCalendar.due on the desk's calendar."""
        report = check_dossiers(EXAMPLE, LOG_2019)
        calendars = {d.id: WorkCalendar.for_desk(d, EXAMPLE.unit.calendar) for d in EXAMPLE.desks}
        sample = report.dossiers[::37]

        for dossier in sample:
            record = EXAMPLE.as_of(dossier.received_at.date()).record(dossier.code, dossier.level)
            expected = calendars[dossier.desk].due(
                dossier.received_at, record.processing_time, dossier.channel, explain=False
            ).at
            assert expected == dossier.due, dossier

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(
                    [("2.000908", COMMUNE), ("2.000815", COMMUNE), ("1.005040", COMMUNE),
                     ("1.000253", COMMUNE), ("1.009452", COMMUNE), ("1.013585", COMMUNE),
                     ("1.001266", "huyen"), ("1.003625", "huyen"), ("1.003596", "huyen"),
                     ("1.012817", "huyen")]
                ),
                st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2024, 12, 31)),
                st.sampled_from(["", "Trực tiếp", "Trực tuyến", "Bưu chính"]),
            ),
            min_size=1,
            max_size=12,
        )
    )
    def test_fast_path_equals_the_calendar(
        self, rows: list[tuple[tuple[str, str], datetime, str]]
    ) -> None:
        """The table lookups give WorkCalendar.due's answer for any receipt moment."""
        lines = [
            (f"HS-{i}", code, desk, channel, moment.isoformat(sep=" "))
            for i, ((code, desk), moment, channel) in enumerate(rows)
        ]
        report = check(*lines)

        for dossier, ((code, desk), moment, _) in zip(report.dossiers, rows, strict=True):
            record = EXAMPLE.as_of(moment.date()).record(code, EXAMPLE.desk(desk).level)
            if record is None:
                assert Outcome.UNCOMPUTABLE is dossier.outcome
                continue
            cal = WorkCalendar.for_desk(EXAMPLE.desk(desk), EXAMPLE.unit.calendar)
            expected = cal.due(moment, record.processing_time, dossier.channel, explain=False)
            assert expected.at == dossier.due


class TestClasses:
    """Early, on time, late; pending classes; re-set dates; withdrawn and returned."""

    def test_finished(self) -> None:
        """Compared by date: before, on, after the appointment date (5/3/2019)."""
        report = check(
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-04 15:00"),
            ("B", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-05 17:45"),
            ("C", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-06 08:00"),
            ("D", "2.000908", COMMUNE, "", "2019-03-04 09:00", "", "2019-03-05 10:00"),
        )

        assert [Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE, Outcome.ON_TIME] == [
            d.outcome for d in report.dossiers
        ]

    def test_datetime_comparison(self) -> None:
        """Compared by moment, a finish after closing time on the due day is late."""
        rows = (("B", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-05 17:45"),)

        assert Outcome.ON_TIME is check(*rows).dossiers[0].outcome
        assert Outcome.LATE is check(*rows, comparison="datetime").dossiers[0].outcome
        assert Comparison.DATETIME is check(*rows, comparison=Comparison.DATETIME).comparison

    @pytest.mark.parametrize(
        ("as_of", "soon", "expected"),
        [
            (datetime(2019, 3, 4, 12, 0), 1, Outcome.DUE_SOON),  # due tomorrow
            (datetime(2019, 3, 4, 12, 0), 0, Outcome.NOT_DUE),
            (datetime(2019, 3, 5, 17, 0), 0, Outcome.DUE_SOON),  # due today
            (datetime(2019, 3, 6, 8, 0), 1, Outcome.OVERDUE),
            (date(2019, 3, 5), 0, Outcome.DUE_SOON),  # a date: the end of that day
            (datetime(2019, 3, 4, 8, 0), 5, Outcome.DUE_SOON),
        ],
    )
    def test_pending(self, as_of: datetime, soon: int, expected: Outcome) -> None:
        """Not due, due soon (within N working days), overdue at the as-of moment."""
        report = check(("A", "2.000908", COMMUNE, "", "2019-03-04 07:45"),
                       as_of=as_of, due_soon_days=soon)

        assert expected is report.dossiers[0].outcome

    def test_a_later_finish_is_pending_at_as_of(self) -> None:
        """A finish after the as-of moment is not yet known; a later receipt not yet counted."""
        report = check(
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-08 10:00"),
            ("B", "2.000908", COMMUNE, "", "2019-03-07 09:00", "2019-03-07 10:00"),
            as_of=datetime(2019, 3, 6, 17, 0),
        )

        assert [Outcome.OVERDUE, Outcome.NOT_RECEIVED] == [d.outcome for d in report.dossiers]

    def test_default_as_of_is_the_latest_time(self) -> None:
        """Without as_of, the report is taken at the latest timestamp in the log."""
        report = check(
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-05 10:00",
             "2019-03-07 11:00"),
        )

        assert datetime(2019, 3, 7, 11, 0) == report.as_of

    def test_reappointment_keeps_both_dates(self) -> None:
        """A dossier finished by its re-set date is still late against the original one."""
        report = check(
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-07 10:00", "",
             "2019-03-08"),
        )
        (dossier,) = report.dossiers

        assert Outcome.LATE is dossier.outcome
        assert datetime(2019, 3, 5, 17, 30) == dossier.due
        assert datetime(2019, 3, 8) == dossier.reappointed
        assert dossier.met_reappointment is True
        assert () == report.problems
        assert 1 == report.rates()[0].reappointed

    def test_reappointment_rules(self) -> None:
        """Two re-set dates (allowed once) and a re-set date not after the original are flagged."""
        report = check(
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-08 10:00", "",
             "2019-03-07; 2019-03-08"),
            ("B", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-05 10:00", "",
             "2019-03-05"),
        )

        problems = {(p.path, p.code, p.severity) for p in report.problems}
        assert {("row 2", "reappointed-twice", "warning"),
                ("row 3", "reappointment-not-later", "warning")} == problems
        assert datetime(2019, 3, 7) == report.dossiers[0].reappointed
        assert Outcome.LATE is report.dossiers[0].outcome

    def test_withdrawn_and_returned(self) -> None:
        """Statuses in Vietnamese or English set the class, whatever the dates."""
        report = check(
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "", "", "", "Rút hồ sơ"),
            ("B", "2.000908", COMMUNE, "", "2019-03-04 09:00", "", "2019-03-09 09:00", "",
             "Trả lại"),
            ("C", "2.000908", COMMUNE, "", "2019-03-04 09:00", "", "", "", "withdrawn"),
            ("D", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-05 09:00", "", "",
             "Đã hoàn thành"),
        )

        assert [Outcome.WITHDRAWN, Outcome.RETURNED, Outcome.WITHDRAWN, Outcome.ON_TIME] == [
            d.outcome for d in report.dossiers
        ]
        assert () == report.problems


class TestRates:
    """Both denominators, and the groups."""

    ROWS = (
        ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-04 15:00"),  # early
        ("B", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-05 15:00"),  # on time
        ("C", "2.000908", "xa-bach-lam", "", "2019-03-04 09:00", "2019-03-06 15:00"),  # late
        ("D", "1.001266", "huyen", "", "2019-03-04 09:00", "2019-03-05 15:00"),  # early
        ("E", "2.000908", COMMUNE, "", "2019-03-05 09:00"),  # pending, overdue on 8/3
        ("F", "1.001266", "huyen", "", "2019-03-07 09:00"),  # pending, not due
        ("G", "2.000908", COMMUNE, "", "2019-03-04 09:00", "", "", "", "rút hồ sơ"),
    )

    def test_both_denominators(self) -> None:
        """Finished only: 3 of 4 on time; all to handle: (1 late + 1 overdue) of 6."""
        rates = check(*self.ROWS, as_of=datetime(2019, 3, 8, 12, 0)).rates()[0]

        assert (4, 2, 6, 1) == (rates.finished, rates.pending, rates.to_handle, rates.withdrawn)
        assert Decimal(3) / 4 == rates.on_time_of_finished
        assert Decimal(1) / 4 == rates.late_of_finished
        assert Decimal(2) / 6 == rates.late_of_to_handle
        assert 1 - Decimal(2) / 6 == rates.on_time_of_to_handle

    def test_withdrawn_can_be_counted(self) -> None:
        """include_withdrawn puts withdrawn and returned dossiers among those to handle."""
        rates = check(*self.ROWS, as_of=datetime(2019, 3, 8, 12, 0),
                      include_withdrawn=True).rates()[0]

        assert 7 == rates.to_handle
        assert Decimal(2) / 7 == rates.late_of_to_handle
        assert Decimal(3) / 4 == rates.on_time_of_finished

    def test_groups(self) -> None:
        """Per desk, level and field, labelled; the groups add up to the whole."""
        report = check(*self.ROWS, as_of=datetime(2019, 3, 8, 12, 0))
        whole = report.rates()[0]
        by_desk = report.rates("desk")
        by_level = report.rates("level")
        by_field = report.rates("field")

        assert ["huyen", "xa-bach-lam", "xa-tung-lam"] == [g.group for g in by_desk]
        assert "Bộ phận Một cửa UBND huyện Mẫu Lâm" == by_desk[0].label
        assert [("district", "Cấp huyện"), ("commune", "Cấp xã")] == [
            (g.group, g.label) for g in by_level
        ]
        assert {"Chứng thực", "Hộ kinh doanh"} == {g.label for g in by_field}
        for groups in (by_desk, by_level, by_field):
            assert whole.received == sum(g.received for g in groups)
            assert whole.late == sum(g.late for g in groups)
            assert whole.overdue == sum(g.overdue for g in groups)
        with pytest.raises(ValueError, match="rates by"):
            report.rates("week")

    def test_months_carry_over(self) -> None:
        """A month counts its receipts and those carried over, finished in it or open at its end."""
        report = check(
            ("A", "2.000908", COMMUNE, "", "2019-01-30 09:00", "2019-02-05 10:00"),  # late
            ("B", "2.000908", COMMUNE, "", "2019-02-11 09:00"),  # pending, overdue at 28/2
            ("C", "2.000908", COMMUNE, "", "2019-01-10 09:00", "2019-01-10 10:00"),  # early
            as_of=datetime(2019, 2, 28, 17, 0),
        )
        jan, feb = report.rates("month")

        assert ("2019-01", 2, 0, 1, 1) == (jan.group, jan.received, jan.carried_over,
                                           jan.finished, jan.pending)
        assert (1, 0) == (jan.due_soon, jan.overdue)  # A, due 31/1, is open at the end of 31/1
        assert ("2019-02", 1, 1, 1, 1) == (feb.group, feb.received, feb.carried_over,
                                           feb.finished, feb.pending)
        assert (1, 1) == (feb.late, feb.overdue)
        assert Decimal(2) / 2 == feb.late_of_to_handle

    def test_month_accounting_on_the_2019_log(self) -> None:
        """Every month: received + carried over = finished + pending (+ the rest)."""
        months = check_dossiers(EXAMPLE, LOG_2019).rates("month")

        for m in months:
            assert m.received + m.carried_over == (
                m.finished + m.pending + m.withdrawn + m.returned + m.uncomputable
            ), m
        assert 54_599 == sum(m.received for m in months)
        assert 12 == sum(1 for m in months if m.received)


class TestRowAccounting:
    """Every row is classified or reported with its row number; none is dropped."""

    def test_problems_name_their_rows(self) -> None:
        """Each unusable row is UNCOMPUTABLE and has an error problem naming it."""
        rows = (
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-05 09:00"),
            ("B", "1.999999", COMMUNE, "", "2019-03-04 09:00"),
            ("C", "abc", COMMUNE, "", "2019-03-04 09:00"),
            ("D", "2.000908", "xa-khong-co", "", "2019-03-04 09:00"),
            ("E", "2.000908", COMMUNE, "", "32/13/2019"),
            ("F", "2.000908", COMMUNE, "", ""),
            ("G", "1.001266", COMMUNE, "", "2019-03-04 09:00"),
            ("H", "1.013144", COMMUNE, "", "2019-03-04 09:00"),
            ("I", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-01 09:00"),
            ("J", "2.000908", COMMUNE, "", "2019-03-04 09:00", "hôm qua"),
            ("K", "2.000908", "huyen", "", "2026-02-13 09:00"),
            ("L", "2.000908", COMMUNE, "fax", "2019-03-04 09:00", "2019-03-05 09:00"),
            ("M", "2.000908.H38", "Bộ phận Một cửa UBND xã Tùng Lâm", "", "04/03/2019 09:00",
             "05/03/2019 08:00"),
        )
        report = check(*rows, as_of=datetime(2019, 12, 31))
        errors = {p.path: p.code for p in report.errors}

        assert len(rows) == len(report)
        assert len(rows) == sum(report.counts().values())
        assert {
            "row 3": "unknown-procedure", "row 4": "bad-code", "row 5": "unknown-desk",
            "row 6": "bad-date", "row 7": "no-receipt", "row 8": "not-in-force",
            "row 9": "uncomputable-time", "row 10": "finished-before-received",
            "row 11": "bad-date", "row 12": "desk-closed",
        } == errors
        outcomes = [d.outcome for d in report.dossiers]
        assert [Outcome.ON_TIME, *[Outcome.UNCOMPUTABLE] * 10, Outcome.ON_TIME,
                Outcome.ON_TIME] == outcomes
        assert [("row 13", "unknown-channel")] == [
            (p.path, p.code) for p in report.problems if p.severity == "warning"
        ]
        assert ("2.000908", COMMUNE) == (report.dossiers[12].code, report.dossiers[12].desk)
        assert 10 == report.rates()[0].uncomputable
        assert 10 == len(report.uncomputable)

    def test_messages_explain(self) -> None:
        """The messages say what is wrong in words."""
        report = check(
            ("G", "1.001266", COMMUNE, "", "2019-03-04 09:00"),
            ("K", "2.000908", "huyen", "", "2026-02-13 09:00"),
            ("B", "1.999999", COMMUNE, "", "2019-03-04 09:00"),
        )
        messages = [p.message for p in report.problems]

        assert "1.001266 is in force at commune level only from 01/07/2025" == messages[0]
        assert "closed 30/06/2025" in messages[1]
        assert "no procedure 1.999999 in the catalogue" == messages[2]

    def test_duplicate_ids_and_stated_due(self) -> None:
        """A repeated id and an appointment in the log that differs from tthc's are warned of."""
        header = (*HEADER, "Ngày hẹn trả")
        text = csv_text(
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "", "", "", "", "2019-03-05"),
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "", "", "", "", "2019-03-06"),
            header=header,
        )
        report = check_dossiers(EXAMPLE, parse_dossier_log(text), as_of=date(2019, 3, 4))

        assert [("row 3", "duplicate-id"), ("row 3", "due-differs")] == [
            (p.path, p.code) for p in report.problems
        ]
        assert datetime(2019, 3, 6) == report.dossiers[1].stated_due

    def test_blank_rows_are_counted_not_dossiers(self) -> None:
        """Blank rows are skipped and counted."""
        text = csv_text(("A", "2.000908", COMMUNE, "", "2019-03-04 09:00"), ("",), ("", " ", ""))
        log = parse_dossier_log(text)

        assert (1, 2) == (len(log.rows), log.blank_rows)


def write_xlsx(path: Path, rows: list[list[object]], *, title_rows: int = 0,
               first_sheet: list[list[object]] | None = None) -> Path:
    """A workbook with *rows* (header first) after *title_rows* title rows."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if first_sheet is not None:
        for row in first_sheet:
            sheet.append(row)
        sheet = book.create_sheet("Hồ sơ")
    for i in range(title_rows):
        sheet.append([f"BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ ({i + 1})"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def cp1258_bytes(text: str) -> bytes:
    """*text* as Windows-1258 writes it: base letters composed, tone marks apart."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + tones).encode("cp1258")
    return bytes(out)


class TestReading:
    """CSV and XLSX logs, header variants, encodings; unusable files."""

    def test_xlsx_with_title_rows_and_typed_cells(self, tmp_path: Path) -> None:
        """A workbook: the header after title rows, datetime cells, a code stored as a number."""
        path = write_xlsx(tmp_path / "log.xlsx", [
            ["STT", "Số hồ sơ", "Mã thủ tục", "Đơn vị tiếp nhận", "Hình thức nộp",
             "Ngày tiếp nhận", "Ngày có kết quả"],
            [1, "A", 2.000908, COMMUNE, "Trực tuyến", datetime(2019, 3, 4, 9, 0),
             datetime(2019, 3, 5, 9, 0)],
            [2, "B", "2.000908", COMMUNE, None, "04/03/2019 09:00", None],
        ], title_rows=2, first_sheet=[["Ghi chú"], ["không có dữ liệu"]])
        log = read_dossier_log(path)
        report = check_dossiers(EXAMPLE, log, as_of=date(2019, 3, 5))

        assert ("xlsx", 3) == (log.format, log.header_row)
        assert ("STT",) == log.ignored
        assert [
            (4, "A", Outcome.ON_TIME, Channel.ONLINE), (5, "B", Outcome.DUE_SOON, Channel.ANY)
        ] == [
            (d.row, d.id, d.outcome, d.channel) for d in report.dossiers
        ]

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
    def test_encodings(self, tmp_path: Path, encoding: str) -> None:
        """UTF-8 (with or without BOM) and the Windows Vietnamese code page."""
        text = csv_text(("A", "2.000908", COMMUNE, "Trực tiếp", "2019-03-04 09:00"))
        path = tmp_path / "log.csv"
        path.write_bytes(cp1258_bytes(text) if encoding == "cp1258" else text.encode(encoding))
        report = check_dossiers(EXAMPLE, path, as_of=date(2019, 3, 4))

        assert {"code", "received", "channel", "status"} <= set(report.log.columns)
        assert Channel.IN_PERSON is report.dossiers[0].channel
        assert () == report.problems

    @pytest.mark.parametrize("sep", [",", ";", "\t"])
    def test_english_headers_and_separators(self, sep: str) -> None:
        """English header names, any of the usual separators."""
        header = ("dossier_id", "procedure code", "desk", "channel", "received_at",
                  "finished_at", "returned_at", "reappointed_at", "status")
        text = csv_text(("A", "2.000908", COMMUNE, "online", "2019-03-04 09:00",
                         "2019-03-05 08:00"), header=header, sep=sep)
        log = parse_dossier_log(text)

        assert set(log.columns) == {"id", "code", "desk", "channel", "received", "finished",
                                    "returned", "reappointed", "status"}
        assert Outcome.ON_TIME is check_dossiers(EXAMPLE, log).dossiers[0].outcome

    def test_no_desk_column(self) -> None:
        """A log without a desk column needs a default desk."""
        text = csv_text(("A", "2.000908", "2019-03-04 09:00"),
                        header=("Mã hồ sơ", "Mã TTHC", "Ngày nhận"))
        log = parse_dossier_log(text, source="one-desk.csv")

        with pytest.raises(InputError, match=r"one-desk\.csv: no desk column"):
            check_dossiers(EXAMPLE, log)
        with pytest.raises(UnknownDesk):
            check_dossiers(EXAMPLE, log, default_desk="xa-khong-co")
        report = check_dossiers(EXAMPLE, log, default_desk=COMMUNE)
        assert COMMUNE == report.dossiers[0].desk

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "the file is empty"),
            (b"  \n\n", "the file is empty"),
            (bytes(range(256)) * 40, "a binary file"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "no Excel 97-2003 workbook"),
            (b"PK\x03\x04 not really a zip", "not a readable XLSX"),
            ("Tên,Địa chỉ\nAn,Hà Nội\n".encode(), "no header row"),
            ("Mã TTHC,Ngày nhận,Ngày tiếp nhận\n".encode(), "two columns for 'received'"),
        ],
    )
    def test_unusable_files(self, tmp_path: Path, content: bytes, message: str) -> None:
        """Unusable files raise InputError naming the file, never a traceback."""
        path = tmp_path / "bad.csv"
        path.write_bytes(content)

        with pytest.raises(InputError, match=message) as info:
            read_dossier_log(path)
        assert str(path) in str(info.value)
        assert info.value.problems[0].source == str(path)

    def test_a_zip_that_is_no_workbook(self, tmp_path: Path) -> None:
        """A ZIP file without a workbook inside is unusable."""
        path = tmp_path / "log.xlsx"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "xin chào")

        with pytest.raises(InputError, match=r"log\.xlsx"):
            read_dossier_log(path)

    def test_workbook_without_header(self, tmp_path: Path) -> None:
        """A workbook whose sheets have no header row is unusable."""
        path = write_xlsx(tmp_path / "log.xlsx", [["a", "b"], [1, 2]])

        with pytest.raises(InputError, match="no header row"):
            read_dossier_log(path)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is an OSError naming it (the CLI turns it into exit 2)."""
        with pytest.raises(FileNotFoundError):
            read_dossier_log(tmp_path / "none.csv")


class TestTimestamps:
    """The date forms dossier logs use."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2019-03-04 09:15", datetime(2019, 3, 4, 9, 15)),
            ("2019-03-04T09:15:30", datetime(2019, 3, 4, 9, 15, 30)),
            ("04/03/2019 09:15", datetime(2019, 3, 4, 9, 15)),
            ("4/3/2019", datetime(2019, 3, 4)),
            ("04-03-2019 9h15", datetime(2019, 3, 4, 9, 15)),
            ("09:15 04/03/2019", datetime(2019, 3, 4, 9, 15)),
            ("2019-03-04T02:15:00Z", datetime(2019, 3, 4, 9, 15)),
            (43528.5, datetime(2019, 3, 4, 12, 0)),
            (date(2019, 3, 4), datetime(2019, 3, 4)),
            ("", None),
            (None, None),
        ],
    )
    def test_forms(self, text: object, expected: datetime | None) -> None:
        """ISO, dd/mm/yyyy with or without a time, spreadsheet serials, UTC converted to UTC+7."""
        assert expected == parse_timestamp(text)

    @pytest.mark.parametrize("text", ["32/01/2019", "hôm qua", "2019-13-01", "12"])
    def test_not_dates(self, text: str) -> None:
        """Anything else is a ValueError."""
        with pytest.raises(ValueError):  # noqa: PT011 - the message is the value itself
            parse_timestamp(text)


class TestExampleLog:
    """The synthetic 2019 log of the example district (scripts/make_dossier_log.py)."""

    def test_figures(self) -> None:
        """54,599 dossiers, 10,289 at the district and 44,310 at the communes, 99.99% on time."""
        report = check_dossiers(EXAMPLE, LOG_2019)
        whole = report.rates()[0]
        levels = {g.group: g.received for g in report.rates("level")}

        assert 54_599 == len(report)
        assert {"district": 10_289, "commune": 44_310} == levels
        assert () == report.problems
        on_time = (whole.on_time_of_finished or Decimal(0)) * 100
        assert Decimal("99.99") == on_time.quantize(Decimal("0.01"))
        assert whole.on_time_of_finished == whole.on_time_of_to_handle
        assert 0 < whole.late < 10
        assert whole.reappointed > 0

    def test_generator_is_deterministic(self, tmp_path: Path) -> None:
        """Rerunning the generator gives the committed bytes."""
        out = tmp_path / "log.csv"
        result = subprocess.run(
            [sys.executable, str(REPO / "scripts" / "make_dossier_log.py"), "--out", str(out)],
            capture_output=True, text=True, check=False,
        )

        assert 0 == result.returncode, result.stdout + result.stderr
        assert LOG_2019.read_bytes() == out.read_bytes()


class TestCommand:
    """``tthc dossiers`` in process."""

    def test_text_report_on_the_2019_log(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The 2019 log has late dossiers: exit 1, listed by row, rates with both denominators."""
        code = main(["dossiers", str(LOG_2019), "--by", "level", "--by", "month"])
        out = capsys.readouterr().out

        assert 1 == code
        assert "early or on time, of finished dossiers: 99.99% (" in out
        assert "of dossiers to handle" in out
        assert "by level" in out
        assert "by month" in out
        report = check_dossiers(EXAMPLE, LOG_2019)
        for dossier in report.select(Outcome.LATE):
            assert f"row {dossier.row}: {dossier.id}" in out

    def test_all_on_time_is_exit_0(self, tmp_path: Path) -> None:
        """Nothing late, overdue or uncomputable: exit 0."""
        path = tmp_path / "log.csv"
        path.write_text(csv_text(("A", "2.000908", COMMUNE, "", "2019-03-04 09:00",
                                  "2019-03-05 09:00")), encoding="utf-8")

        assert 0 == main(["dossiers", str(path)])

    def test_json_and_output_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """JSON to a file, refused when it exists without --force."""
        path = tmp_path / "log.csv"
        path.write_text(csv_text(
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-08 09:00"),
            ("B", "nope", COMMUNE, "", "2019-03-04 09:00"),
        ), encoding="utf-8")
        out = tmp_path / "report.json"
        args = ["dossiers", str(path), "--format", "json", "--by", "desk", "-o", str(out)]

        assert 1 == main(args)
        data = json.loads(out.read_text(encoding="utf-8"))
        assert {"late": 1, "uncomputable": 1} == {
            k: v for k, v in data["counts"].items() if v
        }
        assert ["row 3"] == [p["row"] for p in data["problems"]]
        assert ["A", "B"] == [d["id"] for d in data["dossiers"]]
        assert "desk" in data["rates"]
        capsys.readouterr()
        assert 2 == main(args)
        assert "already exists" in capsys.readouterr().err
        assert 1 == main([*args, "--force"])

    @pytest.mark.parametrize(
        ("content", "message"),
        [(b"", "empty"), (bytes(range(256)) * 8, "binary")],
    )
    def test_unusable_log_is_exit_2(self, tmp_path: Path, content: bytes, message: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
        """An unusable log: exit 2 and one message naming the file."""
        path = tmp_path / "bad.csv"
        path.write_bytes(content)

        assert 2 == main(["dossiers", str(path)])
        err = capsys.readouterr().err
        assert str(path) in err
        assert message in err
        assert "Traceback" not in err

    def test_missing_log_is_exit_2(self, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
        """A missing file: exit 2."""
        assert 2 == main(["dossiers", str(tmp_path / "none.csv")])
        assert "no such file" in capsys.readouterr().err

    def test_options(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--as-of (a date: its end), --compare, --due-soon, --include-withdrawn."""
        path = tmp_path / "log.csv"
        path.write_text(csv_text(
            ("A", "2.000908", COMMUNE, "", "2019-03-04 09:00", "2019-03-05 17:45"),
            ("B", "2.000908", COMMUNE, "", "2019-03-04 09:00"),
            ("C", "2.000908", COMMUNE, "", "2019-03-04 09:00", "", "", "", "rút"),
        ), encoding="utf-8")
        base = ["dossiers", str(path), "--format", "json"]

        assert 0 == main([*base, "--as-of", "2019-03-05"])
        data = json.loads(capsys.readouterr().out)
        assert "2019-03-05 23:59:59.999999" == data["as_of"]
        assert {"on_time": 1, "due_soon": 1, "withdrawn": 1} == {
            k: v for k, v in data["counts"].items() if v
        }
        assert 0 == main([*base, "--as-of", "2019-03-05 18:00"])
        assert {"on_time": 1, "due_soon": 1, "withdrawn": 1} == {
            k: v for k, v in json.loads(capsys.readouterr().out)["counts"].items() if v
        }
        assert 1 == main([*base, "--as-of", "2019-03-05 18:00", "--compare", "datetime"])
        assert {"late": 1, "overdue": 1, "withdrawn": 1} == {
            k: v for k, v in json.loads(capsys.readouterr().out)["counts"].items() if v
        }
        assert 0 == main([*base, "--as-of", "2019-03-04 12:00", "--due-soon", "0"])
        assert 2 == json.loads(capsys.readouterr().out)["counts"]["not_due"]
        assert 0 == main([*base, "--as-of", "2019-03-05", "--include-withdrawn"])
        assert 3 == json.loads(capsys.readouterr().out)["rates"]["all"]["to_handle"]
        assert 2 == main([*base, "--due-soon", "-1"])
        assert 2 == main([*base, "--as-of", "tomorrow"])

    def test_dates_in_the_past_month(self) -> None:
        """An as-of moment before a receipt leaves that dossier out of the figures."""
        report = check(("A", "2.000908", COMMUNE, "", "2019-03-04 09:00"),
                       as_of=datetime(2019, 3, 1) + timedelta(hours=1))

        assert Outcome.NOT_RECEIVED is report.dossiers[0].outcome
        assert 0 == report.rates()[0].received
