"""Tests for tthc.workdays: the working-day calendar and due dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import holidays
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc.desk import DayOverride, Desk, OfficeHours
from tthc.errors import TthcError
from tthc.proctime import Channel, TimeUnit, parse_processing_time
from tthc.workdays import (
    BUILTIN_OVERRIDES,
    CalendarError,
    CalendarRangeError,
    UncomputableTime,
    WorkCalendar,
)

CAL = WorkCalendar()
VN = holidays.country_holidays("VN", years=range(2015, 2029))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


class TestOfficialSchedules:
    """Golden days of the 2024, 2025 and 2026 schedules (domain.md §7.2)."""

    @pytest.mark.parametrize(
        ("first", "last"),
        [
            (date(2024, 2, 8), date(2024, 2, 14)),  # Tết Giáp Thìn
            (date(2024, 4, 27), date(2024, 5, 1)),  # 30/4–1/5/2024 taken from 27/4
            (date(2024, 8, 31), date(2024, 9, 3)),  # Quốc khánh 2024
            (date(2025, 1, 25), date(2025, 2, 2)),  # Tết Ất Tỵ
            (date(2025, 4, 5), date(2025, 4, 7)),  # Giỗ Tổ on Monday 7/4
            (date(2025, 4, 30), date(2025, 5, 4)),  # 2/5 swapped with 26/4
            (date(2025, 8, 30), date(2025, 9, 2)),  # Quốc khánh 2025
            (date(2026, 2, 14), date(2026, 2, 22)),  # Tết Bính Ngọ
        ],
    )
    def test_breaks(self, first: date, last: date) -> None:
        """Every day of a break is off, and the days around it are worked."""
        before = first - timedelta(days=1)
        after = last + timedelta(days=1)

        assert [d for d in days(first, last) if CAL.is_working_day(d)] == []
        assert CAL.is_working_day(before)
        assert CAL.is_working_day(after)
        assert CAL.add_working_days(before, 1) == after

    @pytest.mark.parametrize(
        ("day", "worked"),
        [
            (date(2024, 5, 4), True),  # Saturday worked for 29/4/2024
            (date(2025, 4, 26), True),  # Saturday worked for 2/5/2025
            (date(2025, 5, 2), False),
            (date(2025, 1, 24), True),
            (date(2025, 2, 3), True),
            (date(2025, 8, 29), True),
            (date(2025, 9, 3), True),
            (date(2026, 2, 13), True),
            (date(2026, 2, 23), True),
            (date(2025, 5, 3), False),
        ],
    )
    def test_days(self, day: date, worked: bool) -> None:
        """Single days of the schedules, including the worked Saturdays."""
        assert CAL.is_working_day(day) is worked

    def test_tet_2025_jump(self) -> None:
        """One working day after Friday 24/1/2025 is Monday 3/2/2025."""
        assert CAL.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)

    def test_builtin_overrides_agree_with_the_package(self) -> None:
        """The documented built-in days are already in the holidays package (no-op fallback)."""
        worked = getattr(VN, "weekend_workdays", set())
        for ov in BUILTIN_OVERRIDES:
            if ov.kind == "off":
                assert ov.day in VN, ov
            else:
                assert ov.day in worked, ov

    def test_builtins_alone_give_the_schedules(self) -> None:
        """Without the package's data the built-in days still give the 2025 swap."""
        plain = WorkCalendar(national_holidays=False, overrides=BUILTIN_OVERRIDES)

        assert plain.is_working_day(date(2025, 4, 26))
        assert not plain.is_working_day(date(2025, 5, 2))
        assert [
            d for d in days(date(2026, 2, 14), date(2026, 2, 22)) if plain.is_working_day(d)
        ] == []

    def test_day_notes(self) -> None:
        """Days carry why they are off, or why a Saturday is worked."""
        off = CAL.day_note(date(2025, 5, 2))
        worked = CAL.day_note(date(2025, 4, 26))

        assert off is not None
        assert (off.kind, off.reason) == ("holiday", "Ngày nghỉ (thay cho ngày 26/04/2025)")
        assert worked is not None
        assert (worked.kind, worked.reason) == ("worked", "ngày làm bù cho ngày nghỉ 02/05/2025")
        assert CAL.day_note(date(2025, 5, 6)) is None


class TestSettings:
    def test_overrides(self) -> None:
        """A local day off and a local working day, each with its document."""
        cal = WorkCalendar(
            overrides=[
                DayOverride(day=date(2025, 3, 10), kind="off", reason="QĐ 12/QĐ-UBND: bầu cử"),
                DayOverride(day=date(2025, 3, 15), kind="work", reason="QĐ 12/QĐ-UBND: làm bù"),
            ]
        )

        assert not cal.is_working_day(date(2025, 3, 10))
        assert cal.is_working_day(date(2025, 3, 15))
        note = cal.day_note(date(2025, 3, 10))
        assert note is not None
        assert note.reason == "QĐ 12/QĐ-UBND: bầu cử"
        assert CAL.is_working_day(date(2025, 3, 10))  # the national calendar is untouched

    def test_override_beats_the_national_calendar(self) -> None:
        """A local document can reopen a national day off."""
        cal = WorkCalendar(overrides=[DayOverride(day=date(2025, 5, 2), kind="work", reason="x")])

        assert cal.is_working_day(date(2025, 5, 2))

    def test_conflicting_overrides(self) -> None:
        """Two overrides of one day that disagree are refused, naming both."""
        with pytest.raises(CalendarError, match="02/01/2025"):
            WorkCalendar(
                overrides=[
                    DayOverride(day=date(2025, 1, 2), kind="off", reason="a"),
                    DayOverride(day=date(2025, 1, 2), kind="work", reason="b"),
                ]
            )

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"working_week": [7]},
            {"working_week": []},
            {"working_week": ["someday"]},
            {"hours": OfficeHours(morning_start=time(12), morning_end=time(11))},
            {"hours": OfficeHours(afternoon_start=time(11), afternoon_end=time(17))},
            {"cutoff": "15:00"},
        ],
    )
    def test_bad_settings(self, kwargs: dict[str, object]) -> None:
        """Unusable settings raise CalendarError, a ValueError and a TthcError."""
        with pytest.raises(CalendarError) as info:
            WorkCalendar(**kwargs)  # type: ignore[arg-type]

        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, TthcError)

    def test_saturday_mornings(self) -> None:
        """A desk open on Saturday mornings counts Saturdays, with morning hours only."""
        cal = WorkCalendar(saturday_morning=True)
        saturday = date(2025, 4, 19)

        assert cal.is_working_day(saturday)
        assert cal.office_hours(saturday) == ((time(7, 30), time(11, 30)),)
        assert cal.office_hours(date(2025, 4, 26)) == (  # a worked Saturday: a full day
            (time(7, 30), time(11, 30)),
            (time(13, 30), time(17, 30)),
        )
        due = cal.due(datetime(2025, 4, 18, 16, 0), "04 giờ làm việc")
        assert due.at == datetime(2025, 4, 19, 10, 0)
        assert cal.due(datetime(2025, 4, 18, 10, 0), "1 ngày làm việc").at == datetime(
            2025, 4, 19, 11, 30
        )

    def test_weekday_names(self) -> None:
        """Weekdays may be given by name."""
        cal = WorkCalendar(working_week=["T2", "T3", "T4", "T5", "T6", "T7"])

        assert cal.working_week == frozenset(range(6))

    def test_for_desk(self) -> None:
        """A desk's settings make its calendar."""
        desk = Desk(
            id="x", name="UBND xã X", level="commune", saturday_morning=True, cutoff=time(16, 0)
        )
        cal = WorkCalendar.for_desk(
            desk, [DayOverride(day=date(2025, 3, 10), kind="off", reason="r")]
        )

        assert (cal.saturday_morning, cal.cutoff) == (True, time(16, 0))
        assert not cal.is_working_day(date(2025, 3, 10))

    def test_range(self) -> None:
        """Dates the national calendar cannot know are refused."""
        with pytest.raises(CalendarRangeError):
            CAL.is_working_day(date(2150, 1, 1))
        with pytest.raises(CalendarRangeError):
            CAL.add_working_days(date(2099, 1, 1), 10_000)

    def test_table_grows(self) -> None:
        """Dates outside the first table are handled."""
        cal = WorkCalendar(years=(2020, 2020))

        assert cal.add_working_days(date(2020, 12, 30), 300) == VN.get_nth_working_day(
            date(2020, 12, 30), 300
        )
        assert cal.add_working_days(date(2020, 1, 2), -300) == VN.get_nth_working_day(
            date(2020, 1, 2), -300
        )

    def test_counts_must_be_integers(self) -> None:
        """Fractional counts belong to due(), not to the day arithmetic."""
        with pytest.raises(TypeError):
            CAL.add_working_days(date(2025, 1, 2), 1.5)  # type: ignore[arg-type]


class TestDue:
    def test_day_of_receipt_not_counted(self) -> None:
        """1 working day from Monday morning is Tuesday at closing time."""
        due = CAL.due(datetime(2025, 3, 3, 10, 0), "1 ngày làm việc")

        assert due.at == datetime(2025, 3, 4, 17, 30)
        assert due.start_rule == "received in office hours"

    def test_count_receipt_day(self) -> None:
        """With count_receipt_day the receipt day is day 1."""
        cal = WorkCalendar(count_receipt_day=True)

        assert cal.due(datetime(2025, 3, 3, 10, 0), "1 ngày làm việc").at == datetime(
            2025, 3, 3, 17, 30
        )

    def test_after_closing(self) -> None:
        """A receipt after closing counts from the next working day."""
        due = CAL.due(datetime(2025, 3, 3, 18, 0), "1 ngày làm việc")

        assert due.counted_from == datetime(2025, 3, 4, 7, 30)
        assert due.at == datetime(2025, 3, 5, 17, 30)

    def test_calendar_cutoff(self) -> None:
        """A desk's cut-off moves a late receipt to the next working day."""
        cal = WorkCalendar(cutoff=time(15, 0))

        assert cal.due(datetime(2025, 3, 3, 15, 0), "1 ngày làm việc").day == date(2025, 3, 4)
        late = cal.due(datetime(2025, 3, 3, 15, 1), "1 ngày làm việc")
        assert late.day == date(2025, 3, 5)
        assert "cut-off 15:00" in late.start_rule

    def test_same_day_with_the_phrase_cutoff(self) -> None:
        """The phrase's "sau 15 giờ" is the cut-off of a same-day time."""
        text = (
            "Trong ngày (cơ quan, tổ chức tiếp nhận yêu cầu hoặc trong ngày làm việc tiếp "
            "theo, nếu tiếp nhận yêu cầu sau 15 giờ)"
        )

        assert CAL.due(datetime(2025, 3, 3, 14, 0), text).at == datetime(2025, 3, 3, 17, 30)
        assert CAL.due(datetime(2025, 3, 3, 15, 30), text).at == datetime(2025, 3, 4, 17, 30)
        late = CAL.due(datetime(2026, 2, 13, 16, 30), text)  # the CLI example: before Tết
        assert late.at == datetime(2026, 2, 23, 17, 30)
        assert [d.day for d in late.skipped] == days(date(2026, 2, 14), date(2026, 2, 22))

    def test_hours(self) -> None:
        """Hours are consumed in office hours, across the lunch break and nights."""
        four = parse_processing_time("04 giờ làm việc")

        assert CAL.due(datetime(2025, 3, 3, 10, 0), four).at == datetime(2025, 3, 3, 16, 0)
        assert CAL.due(datetime(2025, 3, 3, 16, 0), four).at == datetime(2025, 3, 4, 10, 0)
        assert CAL.due(datetime(2025, 3, 3, 12, 0), "1 giờ").at == datetime(2025, 3, 3, 14, 30)
        assert CAL.due(datetime(2025, 3, 3, 6, 0), "1 giờ").at == datetime(2025, 3, 3, 8, 30)
        assert CAL.due(datetime(2025, 3, 3, 9, 0), "0.5 Giờ").at == datetime(2025, 3, 3, 9, 30)

    def test_fractional_days(self) -> None:
        """2.5 working days: two whole days, then half a day of the next one."""
        due = CAL.due(datetime(2025, 3, 3, 9, 0), "2,5 ngày làm việc")

        assert due.at == datetime(2025, 3, 6, 11, 30)

    def test_calendar_days(self) -> None:
        """Calendar days ending on a day off end with the next working day (BLDS Điều 148)."""
        due = CAL.due(datetime(2025, 3, 3, 9, 0), "5 ngày")  # Monday + 5 = Saturday

        assert due.at == datetime(2025, 3, 10, 17, 30)
        assert any("Điều 148" in n for n in due.notes)
        assert CAL.due(datetime(2025, 3, 3, 9, 0), "4 ngày").at == datetime(2025, 3, 7, 17, 30)

    def test_range_uses_the_upper_bound(self) -> None:
        """A range's upper bound is used, and said."""
        due = CAL.due(datetime(2025, 3, 3, 9, 0), "10 – 20 ngày làm việc")

        assert due.amount == 20
        assert CAL.count_working_days(date(2025, 3, 3), due.day) == 20
        assert any("upper bound" in n for n in due.notes)

    def test_channel(self) -> None:
        """The channel picks its time among the alternatives."""
        text = "Trực tuyến: 2 Ngày làm việc; Trực tiếp: 5 Ngày làm việc"
        received = datetime(2025, 3, 3, 9, 0)

        assert CAL.due(received, text, Channel.ONLINE).day == date(2025, 3, 5)
        assert CAL.due(received, text, Channel.IN_PERSON).day == date(2025, 3, 10)
        assert CAL.due(received, text).day == date(2025, 3, 10)
        postal = CAL.due(received, text, Channel.POSTAL)
        assert any("no time given for postal" in n for n in postal.notes)

    @pytest.mark.parametrize(
        "text",
        ["5", "Không quy định", "Theo quy định", "Cấp đổi: 03 ngày; Cấp lại: 01 ngày làm việc"],
    )
    def test_uncomputable(self, text: str) -> None:
        """Times without a usable amount and unit raise UncomputableTime."""
        with pytest.raises(UncomputableTime) as info:
            CAL.due(datetime(2025, 3, 3, 9, 0), text)

        assert isinstance(info.value, ValueError)

    def test_receipt_on_a_holiday(self) -> None:
        """A receipt on a day off counts from the next working day, saying which day it was."""
        due = CAL.due(datetime(2025, 1, 29, 9, 0), "1 ngày làm việc")

        assert due.counted_from == datetime(2025, 2, 3, 7, 30)
        assert due.day == date(2025, 2, 4)
        assert "Tết Nguyên Đán" in due.start_rule

    def test_explanation_lists_worked_saturday(self) -> None:
        """The reasoning names skipped days and worked Saturdays."""
        due = CAL.due(datetime(2025, 4, 25, 9, 0), "3 ngày làm việc")
        text = due.explain()

        assert due.day == date(2025, 4, 29)
        assert "worked: 26/04/2025 (Thứ Bảy): ngày làm bù cho ngày nghỉ 02/05/2025" in text
        assert "skipped: 27/04/2025 (Chủ nhật): weekend" in text

    def test_explain_false_is_the_same_date(self) -> None:
        """explain=False gives the same due moment, without the day lists."""
        a = CAL.due(datetime(2025, 4, 25, 9, 0), "3 ngày làm việc")
        b = CAL.due(datetime(2025, 4, 25, 9, 0), "3 ngày làm việc", explain=False)

        assert (a.at, b.skipped, b.worked) == (b.at, (), ())

    def test_timezone_aware(self) -> None:
        """An aware timestamp is read in Vietnam time and the answer is aware."""
        received = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # 16:00 in Vietnam
        due = CAL.due(received, "04 giờ làm việc")

        assert due.at == datetime(2025, 3, 4, 10, 0, tzinfo=timezone(timedelta(hours=7)))


dates_2016_2027 = st.dates(min_value=date(2016, 1, 1), max_value=date(2027, 12, 31))


def random_calendar(draw: st.DrawFn) -> WorkCalendar:
    week = draw(st.sets(st.integers(0, 6), min_size=1))
    overrides = {
        d: DayOverride(day=d, kind=draw(st.sampled_from(["off", "work"])), reason="test")
        for d in draw(st.lists(dates_2016_2027, max_size=20))
    }
    return WorkCalendar(
        working_week=week,
        saturday_morning=draw(st.booleans()),
        overrides=overrides.values(),
        national_holidays=draw(st.booleans()),
    )


calendars = st.composite(random_calendar)()


class TestProperties:
    @settings(max_examples=500)
    @given(day=dates_2016_2027, n=st.integers(-400, 400))
    def test_count_inverts_add(self, day: date, n: int) -> None:
        """count_working_days(d, add_working_days(d, n)) == n."""
        assert CAL.count_working_days(day, CAL.add_working_days(day, n)) == n

    @settings(max_examples=300)
    @given(day=dates_2016_2027, n=st.integers(-400, 400))
    def test_monotonic_and_working(self, day: date, n: int) -> None:
        """Results grow strictly with n and are never days off."""
        a, b = CAL.add_working_days(day, n), CAL.add_working_days(day, n + 1)

        assert a < b
        assert CAL.is_working_day(a)
        assert CAL.is_working_day(b)

    @settings(max_examples=100, deadline=None)
    @given(cal=calendars, day=dates_2016_2027, n=st.integers(-60, 60))
    def test_properties_on_any_calendar(self, cal: WorkCalendar, day: date, n: int) -> None:
        """The inverse, order and working-day properties hold for any settings."""
        result = cal.add_working_days(day, n)

        assert cal.count_working_days(day, result) == n
        assert cal.is_working_day(result)
        assert result < cal.add_working_days(day, n + 1)

    @settings(max_examples=500)
    @given(day=dates_2016_2027, n=st.integers(1, 120))
    def test_agrees_with_holidays(self, day: date, n: int) -> None:
        """For n >= 1, add_working_days is holidays' get_nth_working_day."""
        assert CAL.add_working_days(day, n) == VN.get_nth_working_day(day, n)

    @settings(max_examples=500)
    @given(
        day=dates_2016_2027,
        minute=st.integers(7 * 60 + 30, 17 * 60 + 29),
        n=st.integers(0, 60),
    )
    def test_due_agrees_with_holidays_loop(self, day: date, minute: int, n: int) -> None:
        """Due dates of n working days agree with a loop over get_nth_working_day."""
        received = datetime.combine(day, time(minute // 60, minute % 60))
        due = CAL.due(received, f"{n} ngày làm việc", explain=False)
        start = day if VN.is_working_day(day) else VN.get_nth_working_day(day, 1)

        assert due.day == VN.get_nth_working_day(start, n)
        assert due.unit is TimeUnit.WORKING_DAY
        assert CAL.due_date(day, n) == due.day

    @settings(max_examples=200)
    @given(
        pairs=st.lists(st.tuples(dates_2016_2027, st.integers(0, 90)), max_size=30),
        count_receipt_day=st.booleans(),
    )
    def test_many_forms_agree(self, pairs: list[tuple[date, int]], count_receipt_day: bool) -> None:
        """The vectorised forms (lists and numpy) give the scalar answers."""
        cal = WorkCalendar(count_receipt_day=count_receipt_day)
        ds = [d for d, _ in pairs]
        ns = [n for _, n in pairs]
        arr_d = np.array(ds, dtype="datetime64[D]")
        arr_n = np.array(ns, dtype=np.int64)

        assert cal.add_working_days_many(ds, ns) == [cal.add_working_days(d, n) for d, n in pairs]
        assert cal.due_dates_many(ds, ns) == [cal.due_date(d, n) for d, n in pairs]
        assert cal.add_working_days_many(arr_d, arr_n).tolist() == cal.add_working_days_many(ds, ns)
        assert cal.due_dates_many(arr_d, arr_n).tolist() == cal.due_dates_many(ds, ns)
        ends = cal.add_working_days_many(ds, ns)
        assert cal.count_working_days_many(ds, ends) == ns
        assert (
            cal.count_working_days_many(arr_d, np.array(ends, dtype="datetime64[D]")).tolist() == ns
        )

    @settings(max_examples=200)
    @given(
        received=st.datetimes(min_value=datetime(2016, 1, 1), max_value=datetime(2027, 12, 31)),
        n=st.integers(0, 40),
    )
    def test_due_grows_with_the_time(self, received: datetime, n: int) -> None:
        """More time never gives an earlier due moment, in days or in hours."""
        for unit in ("ngày làm việc", "giờ", "ngày"):
            a = CAL.due(received, f"{n} {unit}", explain=False).at
            b = CAL.due(received, f"{n + 1} {unit}", explain=False).at
            assert a <= b
            assert CAL.is_working_day(b)
