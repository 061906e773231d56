"""Working days of a one-stop desk, and due dates (domain.md §7).

:class:`WorkCalendar` is the Vietnamese civil-service calendar: Monday to
Friday, minus the statutory holidays, Tết and the government's swapped days
off, plus the Saturdays worked in exchange, as the ``holidays`` package
publishes them; a desk adds its own working week, office hours, cut-off
hour and days set by local documents (:class:`~tthc.desk.DayOverride`).

>>> from datetime import date, datetime
>>> cal = WorkCalendar()
>>> cal.is_working_day(date(2025, 4, 26))       # Saturday worked for Friday 2/5/2025
True
>>> cal.add_working_days(date(2025, 1, 24), 1)  # Tết 2025: 25/1 to 2/2 off
datetime.date(2025, 2, 3)
>>> due = cal.due(datetime(2026, 2, 13, 16, 30), "03 ngày làm việc")
>>> due.at                                      # Tết 2026: 14/2 to 22/2 off
datetime.datetime(2026, 2, 25, 17, 30)

Conventions (each a constructor parameter where practice varies):

- Days are counted after the day of receipt, which is not counted (Bộ luật
  Dân sự 2015 Điều 147); ``count_receipt_day=True`` counts it as day 1.
- A receipt on a non-working day, after closing time, or after the cut-off
  hour (``cutoff``, or the one the time phrase states) is counted as received
  at the opening of the next working day; one before opening, at the
  opening; one in the lunch break, at the afternoon opening (domain.md §7.3,
  §7.5).
- Working days end at closing time; hour units consume office hours (the
  morning and afternoon blocks, 8 hours a day by default); fractional days
  are whole days plus hours of the next working day at 8 hours a day.
- Calendar days ("ngày") end at the closing time of the last day; when that
  day is not a working day, at the end of the next working day (BLDS 2015
  Điều 148).
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import attrs

from tthc.desk import DayOverride, OfficeHours
from tthc.errors import TthcError
from tthc.proctime import Channel, ProcessingTime, TimeUnit, parse_processing_time
from tthc.text import nfc

if TYPE_CHECKING:  # pragma: no cover
    from tthc.desk import Desk

__all__ = [
    "BUILTIN_OVERRIDES",
    "NATIONAL_YEARS",
    "VIETNAM_TZ",
    "CalendarError",
    "CalendarRangeError",
    "DayNote",
    "DayOverride",
    "Due",
    "OfficeHours",
    "UncomputableTime",
    "WorkCalendar",
]

#: Vietnam time (UTC+7), used for timezone-aware receipt timestamps.
VIETNAM_TZ = timezone(timedelta(hours=7))
_EPOCH = date(1970, 1, 1).toordinal()
#: Years for which the ``holidays`` package has the Vietnamese lunar calendar.
NATIONAL_YEARS = (1901, 2100)
_WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_WEEKDAY_NAMES = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{f"t{i + 2}": i for i in range(6)},
    "cn": 6,
}


class CalendarError(TthcError, ValueError):
    """Calendar settings that cannot be used (bad hours, conflicting overrides …)."""

    code = "invalid-calendar"
    message = "the calendar settings cannot be used"


class CalendarRangeError(CalendarError):
    """A date outside the years the calendar can know."""

    code = "calendar-range"
    message = "the date is outside the years the calendar covers"


class UncomputableTime(TthcError, ValueError):
    """A processing time from which no due date can be computed (unknown unit …)."""

    code = "uncomputable-time"
    message = "no due date can be computed from this processing time"


def _doc(day: date, kind: str, reason: str) -> DayOverride:
    return DayOverride(day=day, kind=kind, reason=reason)


_TB_2025 = "Thông báo 6150/TB-BLĐTBXH (2024), Công văn 8726/VPCP-KGVX (2024)"
#: The official schedules of domain.md §7.2, applied only where the ``holidays``
#: package lacks them (the installed version has every one; a test checks it).
BUILTIN_OVERRIDES: tuple[DayOverride, ...] = (
    _doc(date(2024, 4, 29), "off", "Nghỉ 30/4–1/5/2024 từ 27/4 (Công văn 2450/VPCP-KGVX 2024)"),
    _doc(date(2024, 5, 4), "work", "Làm bù cho ngày 29/4/2024 (Công văn 2450/VPCP-KGVX 2024)"),
    *(
        _doc(date(2025, 1, d), "off", f"Tết Ất Tỵ 25/1–2/2/2025 ({_TB_2025})")
        for d in range(27, 32)
    ),
    _doc(date(2025, 5, 2), "off", f"Nghỉ thay cho thứ Bảy 26/4/2025 ({_TB_2025})"),
    _doc(date(2025, 4, 26), "work", f"Làm bù cho ngày 2/5/2025 ({_TB_2025})"),
    _doc(date(2025, 9, 1), "off", "Quốc khánh 30/8–2/9/2025 (domain.md §7.2)"),
    _doc(date(2025, 9, 2), "off", "Quốc khánh 30/8–2/9/2025 (domain.md §7.2)"),
    *(
        _doc(date(2026, 2, d), "off", "Tết Bính Ngọ 14/2–22/2/2026 (domain.md §7.2)")
        for d in range(16, 21)
    ),
)


@attrs.frozen(kw_only=True)
class DayNote:
    """Why a day is not worked, or why a weekend day is worked.

    ``kind`` is ``"weekend"``, ``"holiday"`` (national calendar), ``"off"``
    (an override) or ``"worked"`` (a weekend day worked).
    """

    day: date
    kind: str
    reason: str

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} ({_WEEKDAYS_VI[self.day.weekday()]}): {self.reason}"


@attrs.frozen(kw_only=True)
class Due:
    """A due date with its reasoning.

    Attributes:
        at: the due moment (closing time of the last day, for day units).
        received_at: the receipt timestamp as given.
        counted_from: when the receipt counts as made, after the start rule.
        unit, amount: the time used (the upper bound of a range).
        channel: the channel whose time was used.
        start_rule: how ``counted_from`` was obtained, in words.
        skipped: non-working days between the receipt and the due date, with why.
        worked: weekend days worked in that window (swapped Saturdays).
        notes: choices made on the way (a range's upper bound, several times
            for one channel, an unrounded fraction …).
    """

    at: datetime
    received_at: datetime
    counted_from: datetime
    unit: TimeUnit
    amount: Decimal | None
    channel: Channel
    start_rule: str
    skipped: tuple[DayNote, ...] = ()
    worked: tuple[DayNote, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def day(self) -> date:
        """The due date."""
        return self.at.date()

    def explain(self) -> str:
        """The reasoning, one line per step.

        >>> from datetime import datetime
        >>> print(WorkCalendar().due(datetime(2025, 4, 29, 9, 0), "2 ngày làm việc").explain())
        received: 29/04/2025 09:00 (Thứ Ba)
        start: received in office hours
        time: 2 working days, the day of receipt not counted (BLDS 2015 Điều 147)
        skipped: 30/04/2025 (Thứ Tư): Ngày Chiến thắng
        skipped: 01/05/2025 (Thứ Năm): Ngày Quốc tế Lao động
        skipped: 02/05/2025 (Thứ Sáu): Ngày nghỉ (thay cho ngày 26/04/2025)
        skipped: 03/05/2025 (Thứ Bảy): weekend
        skipped: 04/05/2025 (Chủ nhật): weekend
        due: 06/05/2025 17:30 (Thứ Ba)
        """
        lines = [
            f"received: {_stamp(self.received_at)}",
            f"start: {self.start_rule}",
            f"time: {_describe(self.unit, self.amount)}",
        ]
        lines.extend(f"note: {n}" for n in self.notes)
        lines.extend(f"worked: {d}" for d in self.worked)
        lines.extend(f"skipped: {d}" for d in self.skipped)
        lines.append(f"due: {_stamp(self.at)}")
        return "\n".join(lines)


def _stamp(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y %H:%M} ({_WEEKDAYS_VI[moment.weekday()]})"


def _describe(unit: TimeUnit, amount: Decimal | None) -> str:
    if unit is TimeUnit.SAME_DAY:
        return "the same working day"
    names = {
        TimeUnit.WORKING_DAY: "working days, the day of receipt not counted (BLDS 2015 Điều 147)",
        TimeUnit.CALENDAR_DAY: "calendar days, the day of receipt not counted (BLDS 2015 Điều 147)",
        TimeUnit.WORKING_HOUR: "working hours, counted in office hours",
    }
    return f"{amount} {names.get(unit, unit.value)}"


@lru_cache(maxsize=16)
def _national(first: int, last: int) -> tuple[dict[date, str], frozenset[date]]:
    """The ``holidays`` package's Vietnamese days off and worked weekend days."""
    import holidays  # lazy: keeps ``import tthc`` light

    vn = holidays.country_holidays("VN", years=range(first, last + 1), language="vi")
    off = {d: str(name) for d, name in vn.items() if first <= d.year <= last}
    worked = frozenset(d for d in getattr(vn, "weekend_workdays", ()) if first <= d.year <= last)
    return off, worked


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _check_hours(hours: OfficeHours) -> None:
    order = (hours.morning_start, hours.morning_end, hours.afternoon_start, hours.afternoon_end)
    if not all(isinstance(t, time) for t in order):
        raise CalendarError(f"office hours must be times: {hours!r}")
    if not (order[0] < order[1] <= order[2] < order[3]):
        raise CalendarError(
            "office hours must be a morning block then an afternoon block, "
            f"each starting before it ends: {hours!r}"
        )


def _weekday(value: int | str) -> int:
    if isinstance(value, str):
        key = nfc(value).casefold().replace(" ", "")[:3]
        if key in _WEEKDAY_NAMES:
            return _WEEKDAY_NAMES[key]
        raise CalendarError(f"unknown weekday {value!r} (use 0 = Monday … 6 = Sunday)")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise CalendarError(f"weekday {value!r} is not 0 (Monday) … 6 (Sunday)")
    return value


class WorkCalendar:
    """The working days and office hours of a desk, with due-date arithmetic.

    ``WorkCalendar()`` is the national civil-service calendar (domain.md
    §7.1–7.2): Monday to Friday, 07:30–11:30 and 13:30–17:30, minus the
    national days off, plus the Saturdays worked in exchange.

    Args:
        working_week: the weekdays worked, 0 = Monday … 6 = Sunday (names such
            as ``"sat"`` or ``"T7"``, ``"CN"`` are accepted).
        saturday_morning: the desk also works Saturday mornings (the morning
            block of ``hours``), like some centres (domain.md §7.2).
        hours: office hours (:class:`~tthc.desk.OfficeHours`).
        cutoff: receipts after this time count from the next working day
            (a local rule, domain.md §7.3); ``None`` for none.
        overrides: days off and working days set by local documents, each
            citing it (:class:`~tthc.desk.DayOverride`); they win over the
            national calendar. Two overrides of one day must agree.
        count_receipt_day: count the day of receipt as day 1 instead of
            starting the next day (BLDS 2015 Điều 147, the default).
        national_holidays: apply the national calendar (``holidays`` package,
            with :data:`BUILTIN_OVERRIDES` as a fallback); ``False`` gives a
            plain working week.
        years: the years tabulated up front (the table grows on demand;
            national data exists for 1901–2100).

    Raises:
        CalendarError: on unusable settings.
    """

    __slots__ = (
        "_base",
        "_cum",
        "_end",
        "_first",
        "_last",
        "_notes",
        "_np",
        "_off_week",
        "_overrides",
        "_work",
        "_workdays",
        "count_receipt_day",
        "cutoff",
        "hours",
        "national_holidays",
        "saturday_morning",
        "working_week",
    )

    def __init__(
        self,
        *,
        working_week: Iterable[int | str] = (0, 1, 2, 3, 4),
        saturday_morning: bool = False,
        hours: OfficeHours | None = None,
        cutoff: time | None = None,
        overrides: Iterable[DayOverride] = (),
        count_receipt_day: bool = False,
        national_holidays: bool = True,
        years: tuple[int, int] = (2000, 2040),
    ) -> None:
        week = frozenset(_weekday(d) for d in working_week)
        if saturday_morning:
            week |= {5}
        if not week:
            raise CalendarError("the working week has no working day")
        self.working_week: frozenset[int] = week
        self.saturday_morning = bool(saturday_morning) and 5 not in {
            _weekday(d) for d in working_week
        }
        self.hours = hours if hours is not None else OfficeHours()
        _check_hours(self.hours)
        if cutoff is not None and not isinstance(cutoff, time):
            raise CalendarError(f"the cut-off must be a time, not {cutoff!r}")
        self.cutoff = cutoff
        self.count_receipt_day = bool(count_receipt_day)
        self.national_holidays = bool(national_holidays)
        self._overrides: dict[date, DayOverride] = {}
        for ov in overrides:
            if not isinstance(ov, DayOverride) or ov.kind not in ("off", "work"):
                raise CalendarError(f"not a day override: {ov!r}")
            known = self._overrides.get(ov.day)
            if known is not None and known.kind != ov.kind:
                raise CalendarError(
                    f"overrides disagree on {ov.day:%d/%m/%Y}: "
                    f"{known.kind} ({known.reason}) and {ov.kind} ({ov.reason})"
                )
            self._overrides.setdefault(ov.day, ov)
        self._off_week = frozenset(range(7)) - week
        first, last = years
        self._np: Any = None
        self._build(first, last)

    @classmethod
    def for_desk(cls, desk: Desk, overrides: Iterable[DayOverride] = ()) -> WorkCalendar:
        """The calendar of *desk* (working week, Saturday mornings, hours, cut-off).

        *overrides* are the unit's days set by local documents
        (:attr:`tthc.desk.Unit.calendar`).
        """
        return cls(
            working_week=desk.working_week,
            saturday_morning=desk.saturday_morning,
            hours=desk.hours,
            cutoff=desk.cutoff,
            overrides=overrides,
        )

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(working_week={sorted(self.working_week)}, "
            f"saturday_morning={self.saturday_morning}, hours={self.hours!r}, "
            f"cutoff={self.cutoff!r}, overrides={len(self._overrides)}, "
            f"count_receipt_day={self.count_receipt_day}, "
            f"national_holidays={self.national_holidays})"
        )

    # -- the day table --------------------------------------------------------

    def _build(self, first: int, last: int) -> None:
        lo_limit, hi_limit = NATIONAL_YEARS if self.national_holidays else (1, 9998)
        if first > last or first < lo_limit or last > hi_limit:
            raise CalendarRangeError(
                f"years {first}–{last} are outside {lo_limit}–{hi_limit}, "
                "the years this calendar can know"
            )
        base = date(first, 1, 1).toordinal()
        end = date(last, 12, 31).toordinal() + 1
        national_off: dict[date, str] = {}
        national_work: set[date] = set()
        if self.national_holidays:
            package_off, package_work = _national(first, last)
            national_off.update(package_off)
            national_work.update(package_work)
            for builtin in BUILTIN_OVERRIDES:
                if not first <= builtin.day.year <= last:
                    continue
                if builtin.kind == "off" and builtin.day not in national_off:
                    national_off[builtin.day] = builtin.reason
                    national_work.discard(builtin.day)
                elif builtin.kind == "work" and builtin.day not in national_work:
                    national_work.add(builtin.day)
        substitutes: dict[date, str] = {}
        for day in national_work:
            label = f"{day:%d/%m/%Y}"
            swapped = sorted(d for d, name in national_off.items() if label in name)
            substitutes[day] = (
                "ngày làm bù cho ngày nghỉ " + ", ".join(f"{d:%d/%m/%Y}" for d in swapped)
                if swapped
                else "ngày làm bù"
            )
        work = bytearray(end - base)
        notes: dict[int, DayNote] = {}
        workdays: list[int] = []
        cum: list[int] = []
        count = 0
        off_week = self._off_week
        overrides = self._overrides
        for ordinal in range(base, end):
            day = date.fromordinal(ordinal)
            weekend = day.weekday() in off_week
            ov = overrides.get(day)
            # A day worked on a Saturday or Sunday is noted even when the desk
            # works Saturday mornings anyway: it is then a full day.
            if ov is not None:
                working = ov.kind == "work"
                if working and (weekend or day.weekday() >= 5):
                    notes[ordinal] = DayNote(day=day, kind="worked", reason=ov.reason)
                elif not working:
                    notes[ordinal] = DayNote(day=day, kind="off", reason=ov.reason)
            elif day in national_off and day not in national_work:
                working = False
                notes[ordinal] = DayNote(day=day, kind="holiday", reason=national_off[day])
            elif day in national_work and day.weekday() >= 5:
                working = True
                notes[ordinal] = DayNote(day=day, kind="worked", reason=substitutes[day])
            else:
                working = not weekend
                if weekend:
                    notes[ordinal] = DayNote(day=day, kind="weekend", reason="weekend")
            if working:
                work[ordinal - base] = 1
                workdays.append(ordinal)
                count += 1
            cum.append(count)
        if not workdays:
            raise CalendarError(f"no working day in {first}–{last}")
        self._first, self._last = first, last
        self._base, self._end = base, end
        self._work, self._cum, self._workdays, self._notes = work, cum, workdays, notes
        self._np = None

    def _limits(self) -> tuple[int, int]:
        return NATIONAL_YEARS if self.national_holidays else (1, 9998)

    def _cover(self, lo_ordinal: int, hi_ordinal: int) -> None:
        """Grow the table so that it holds the days [lo_ordinal, hi_ordinal]."""
        if lo_ordinal >= self._base and hi_ordinal < self._end:
            return
        lo_year, hi_year = self._limits()
        if (
            lo_ordinal < date(lo_year, 1, 1).toordinal()
            or hi_ordinal > date(hi_year, 12, 31).toordinal()
        ):
            raise CalendarRangeError(
                f"a date outside {lo_year}–{hi_year}, the years this calendar can know"
            )
        first = min(self._first, max(lo_year, date.fromordinal(lo_ordinal).year - 1))
        last = max(self._last, min(hi_year, date.fromordinal(hi_ordinal).year + 1))
        self._build(first, last)

    def _grow(self, *, back: bool, n: int) -> None:
        """Extend the table by enough years for *n* more working days, or fail."""
        years = abs(n) // 200 + 2
        lo_year, hi_year = self._limits()
        if back:
            if self._first <= lo_year:
                raise CalendarRangeError(f"{n} working days reach before {lo_year}")
            self._build(max(lo_year, self._first - years), self._last)
        else:
            if self._last >= hi_year:
                raise CalendarRangeError(f"{n} working days reach after {hi_year}")
            self._build(self._first, min(hi_year, self._last + years))

    def _index(self, ordinal: int, n: int, *, due: bool) -> int:
        """Index in the working-day list of the result of add (or due) for *ordinal*, *n*."""
        self._cover(ordinal, ordinal)
        while True:
            off = ordinal - self._base
            k = self._cum[off] - 1 + n
            if due:
                k += 0 if self._work[off] else 1
                k -= 1 if self.count_receipt_day and n >= 1 else 0
            if 0 <= k < len(self._workdays):
                return k
            self._grow(back=k < 0, n=n)

    # -- single days -------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """True when the desk works on *day* (a ``datetime`` counts by its date).

        >>> WorkCalendar().is_working_day(date(2025, 5, 2))
        False
        """
        ordinal = _ordinal(day)
        self._cover(ordinal, ordinal)
        return bool(self._work[ordinal - self._base])

    def day_note(self, day: date) -> DayNote | None:
        """Why *day* is off, or why a weekend day is worked; ``None`` for ordinary days.

        >>> print(WorkCalendar().day_note(date(2024, 5, 4)))
        04/05/2024 (Thứ Bảy): ngày làm bù cho ngày nghỉ 29/04/2024
        """
        ordinal = _ordinal(day)
        self._cover(ordinal, ordinal)
        return self._notes.get(ordinal)

    def office_hours(self, day: date) -> tuple[tuple[time, time], ...]:
        """The office blocks of *day*: morning and afternoon; the morning only
        on an ordinary Saturday of a ``saturday_morning`` desk; none on a day off.

        >>> WorkCalendar(saturday_morning=True).office_hours(date(2025, 4, 19))
        ((datetime.time(7, 30), datetime.time(11, 30)),)
        """
        if not self.is_working_day(day):
            return ()
        h = self.hours
        morning = (h.morning_start, h.morning_end)
        if self.saturday_morning and _as_date(day).weekday() == 5:
            note = self._notes.get(_ordinal(day))
            if note is None or note.kind != "worked":
                return (morning,)
        return (morning, (h.afternoon_start, h.afternoon_end))

    def add_working_days(self, day: date, n: int) -> date:
        """The working day *n* working days after *day*.

        Interval semantics: the result ``r`` is the working day with exactly
        *n* working days in ``(day, r]`` (or ``-n`` in ``(r, day]`` when *n*
        is negative). For ``n >= 1`` this is ``holidays``'
        ``get_nth_working_day(day, n)``; ``n = 0`` gives *day* itself when it
        is a working day, else the working day before it. So
        ``count_working_days(day, add_working_days(day, n)) == n`` always.

        >>> WorkCalendar().add_working_days(date(2026, 2, 13), 1)
        datetime.date(2026, 2, 23)
        """
        k = self._index(_ordinal(day), _integer(n), due=False)  # may grow the table
        return date.fromordinal(self._workdays[k])

    def count_working_days(self, start: date, end: date) -> int:
        """The number of working days in ``(start, end]``; negative when *end* < *start*.

        >>> WorkCalendar().count_working_days(date(2025, 1, 24), date(2025, 2, 3))
        1
        """
        a, b = _ordinal(start), _ordinal(end)
        self._cover(min(a, b), max(a, b))
        return self._cum[b - self._base] - self._cum[a - self._base]

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after *day*."""
        return self.add_working_days(day, 1)

    def due_date(self, received: date, n: int) -> date:
        """The due date of *n* working days for a receipt in office hours on *received*.

        The day of receipt is not counted (unless ``count_receipt_day``); a
        receipt on a non-working day counts from the next working day. This
        is the date part of :meth:`due` for working-day times.

        >>> WorkCalendar().due_date(date(2025, 4, 27), 2)   # a Sunday
        datetime.date(2025, 5, 5)
        """
        k = self._index(_ordinal(received), _integer(n), due=True)  # may grow the table
        return date.fromordinal(self._workdays[k])

    # -- many days at once ---------------------------------------------------------

    def add_working_days_many(self, days: Any, ns: Any) -> Any:
        """:meth:`add_working_days` over sequences (or numpy arrays).

        With numpy arrays (``datetime64`` days, integer counts) the result is
        a ``datetime64[D]`` array computed by table lookups; with plain
        sequences it is a list of dates. *ns* may be a single integer.

        >>> cal = WorkCalendar()
        >>> cal.add_working_days_many([date(2025, 1, 24), date(2025, 4, 25)], [1, 1])
        [datetime.date(2025, 2, 3), datetime.date(2025, 4, 26)]
        """
        return self._many(days, ns, due=False)

    def due_dates_many(self, received: Any, ns: Any) -> Any:
        """:meth:`due_date` over sequences (or numpy arrays), like :meth:`add_working_days_many`.

        >>> WorkCalendar().due_dates_many([date(2025, 4, 27)], 2)
        [datetime.date(2025, 5, 5)]
        """
        return self._many(received, ns, due=True)

    def count_working_days_many(self, starts: Any, ends: Any) -> Any:
        """:meth:`count_working_days` over sequences (or numpy arrays)."""
        np = _numpy() if _is_array(starts) or _is_array(ends) else None
        if np is not None:
            a = _to_epoch_days(np, starts)
            b = _to_epoch_days(np, ends)
            if a.shape != b.shape:
                raise ValueError("starts and ends differ in length")
            if not a.size:
                return np.zeros(0, dtype=np.int64)
            lo, hi = int(min(a.min(), b.min())), int(max(a.max(), b.max()))
            self._cover(lo + _EPOCH, hi + _EPOCH)
            cum, _, _ = self._arrays(np)
            off = self._base - _EPOCH
            return cum[b - off] - cum[a - off]
        return [self.count_working_days(a, b) for a, b in zip(starts, ends, strict=True)]

    def _many(self, days: Any, ns: Any, *, due: bool) -> Any:
        np = _numpy() if _is_array(days) or _is_array(ns) else None
        if np is None:
            return self._many_python(days, ns, due=due)
        x = _to_epoch_days(np, days)
        n = np.asarray(ns)
        if n.dtype.kind not in "iu":
            raise TypeError("working-day counts must be integers; fractional days go to due()")
        if x.size == 0:
            return np.empty(0, dtype="datetime64[D]")
        self._cover(int(x.min()) + _EPOCH, int(x.max()) + _EPOCH)
        while True:
            cum, work, wdays = self._arrays(np)
            off = x - (self._base - _EPOCH)
            k = cum[off] - 1 + n
            if due:
                k += 1 - work[off]
                if self.count_receipt_day:
                    k -= n >= 1
            kmin, kmax = int(k.min()), int(k.max())
            if kmin >= 0 and kmax < len(wdays):
                return wdays[k].view("datetime64[D]")
            self._grow(back=kmin < 0, n=int(np.abs(n).max()))

    def _many_python(self, days: Iterable[date], ns: Any, *, due: bool) -> list[date]:
        day_list = list(days)
        n_list = [ns] * len(day_list) if isinstance(ns, int) else [_integer(n) for n in ns]
        if len(n_list) != len(day_list):
            raise ValueError("days and counts differ in length")
        if not day_list:
            return []
        ords = [_ordinal(d) for d in day_list]
        self._cover(min(ords), max(ords))
        out: list[date] = []
        fromordinal = date.fromordinal
        receipt = 1 if self.count_receipt_day else 0
        base, cum, work, wdays = self._base, self._cum, self._work, self._workdays
        size = len(wdays)
        for ordinal, n in zip(ords, n_list, strict=True):
            off = ordinal - base
            k = cum[off] - 1 + n
            if due:
                k += (0 if work[off] else 1) - (receipt if n >= 1 else 0)
            if not 0 <= k < size:
                k = self._index(ordinal, n, due=due)
                base, cum, work, wdays = self._base, self._cum, self._work, self._workdays
                size = len(wdays)
            out.append(fromordinal(wdays[k]))
        return out

    def _arrays(self, np: Any) -> tuple[Any, Any, Any]:
        if self._np is None:
            cum = np.asarray(self._cum, dtype=np.int64)
            work = np.frombuffer(bytes(self._work), dtype=np.uint8).astype(np.int64)
            wdays = np.asarray(self._workdays, dtype=np.int64) - _EPOCH
            self._np = (cum, work, wdays)
        result: tuple[Any, Any, Any] = self._np
        return result

    # -- due dates ------------------------------------------------------------------

    def due(
        self,
        received_at: datetime,
        processing_time: ProcessingTime | str,
        channel: Channel = Channel.ANY,
        *,
        explain: bool = True,
    ) -> Due:
        """The due moment of a dossier received at *received_at*.

        The time used is the alternative for *channel* when the text gives
        per-channel times (:meth:`ProcessingTime.for_channel`), else the main
        time; a range uses its upper bound. Extensions are not applied. The
        phrase's own cut-off hour ("sau 15 giờ") wins over the calendar's.
        A timezone-aware *received_at* is read in Vietnam time (UTC+7) and
        the result is aware as well. ``explain=False`` skips the list of
        skipped days (faster, for bulk use).

        >>> from datetime import datetime
        >>> cal = WorkCalendar()
        >>> t = "Trong ngày (… hoặc trong ngày làm việc tiếp theo, nếu nhận sau 15 giờ)"
        >>> cal.due(datetime(2025, 8, 29, 15, 30), t).at   # Quốc khánh 2025: 30/8 to 2/9
        datetime.datetime(2025, 9, 3, 17, 30)

        Raises:
            UncomputableTime: when the time has no usable amount or unit.
            CalendarRangeError: when the due date falls outside 1901–2100.
        """
        pt = (
            parse_processing_time(processing_time)
            if isinstance(processing_time, str)
            else processing_time
        )
        notes: list[str] = []
        used = pt.for_channel(channel)
        if pt.alternatives:
            if channel is Channel.ANY and pt.channel is not Channel.ANY:
                notes.append(f"no channel given; the {pt.channel.value} time is used")
            elif channel is not Channel.ANY and used is pt:
                notes.append(f"no time given for {channel.value}; the main time is used")
            same = [a for a in pt.alternatives if a.channel is used.channel]
            if len({(a.amount, a.amount_max, a.unit) for a in same}) > 1:
                notes.append(f"several times given for {used.channel.value}; the first is used")
        if not used.is_computable or used.unit is None:
            raise UncomputableTime(
                f"no due date can be computed from {pt.text!r} ({used.status.value}, "
                f"unit {used.unit.value if used.unit else 'none'})"
            )
        unit = used.unit
        amount = used.amount
        if used.amount_max is not None and amount is not None and used.amount_max != amount:
            notes.append(f"a range {amount}–{used.amount_max}: the upper bound is used")
            amount = used.amount_max
        if used.extensions:
            notes.append("extensions are not applied")

        tz = received_at.tzinfo
        local = received_at.astimezone(VIETNAM_TZ).replace(tzinfo=None) if tz else received_at
        cutoff = used.cutoff if used.cutoff is not None else self.cutoff
        start, rule = self._start(local, cutoff)
        at = self._due_at(start, unit, amount, notes)
        if tz is not None:
            at = at.replace(tzinfo=VIETNAM_TZ)
            start = start.replace(tzinfo=VIETNAM_TZ)
        skipped: tuple[DayNote, ...] = ()
        worked: tuple[DayNote, ...] = ()
        if explain:
            first, last = _ordinal(local), _ordinal(at)
            window = [self._notes[o] for o in range(first + 1, last + 1) if o in self._notes]
            skipped = tuple(n for n in window if n.kind != "worked")
            worked = tuple(n for n in window if n.kind == "worked")
        return Due(
            at=at,
            received_at=received_at,
            counted_from=start,
            unit=unit,
            amount=amount,
            channel=used.channel,
            start_rule=rule,
            skipped=skipped,
            worked=worked,
            notes=tuple(notes),
        )

    def _opening(self, day: date) -> datetime:
        return datetime.combine(day, self.office_hours(day)[0][0])

    def _closing(self, day: date) -> datetime:
        return datetime.combine(day, self.office_hours(day)[-1][1])

    def _start(self, received: datetime, cutoff: time | None) -> tuple[datetime, str]:
        """When a receipt counts as made, and the rule that says so."""
        day = received.date()
        moment = received.time()
        if not self.is_working_day(day):
            note = self.day_note(day)
            why = note.reason if note is not None else "non-working day"
            return self._opening(self.next_working_day(day)), (
                f"received on a non-working day ({why}); counted from the next working day"
            )
        blocks = self.office_hours(day)
        closing = blocks[-1][1]
        if moment >= closing:
            return self._opening(self.next_working_day(day)), (
                f"received after closing time {closing:%H:%M}; counted from the next working day"
            )
        if cutoff is not None and moment > cutoff:
            return self._opening(self.next_working_day(day)), (
                f"received after the cut-off {cutoff:%H:%M}; counted from the next working day"
            )
        if moment < blocks[0][0]:
            return datetime.combine(day, blocks[0][0]), (
                f"received before opening; counted from {blocks[0][0]:%H:%M} the same day"
            )
        for (_, end), (nxt_start, _) in itertools.pairwise(blocks):
            if end <= moment < nxt_start:
                return datetime.combine(day, nxt_start), (
                    f"received in the lunch break; counted from {nxt_start:%H:%M}"
                )
        return received, "received in office hours"

    def _due_at(
        self, start: datetime, unit: TimeUnit, amount: Decimal | None, notes: list[str]
    ) -> datetime:
        day = start.date()
        if unit is TimeUnit.SAME_DAY:
            return self._closing(day)
        assert amount is not None  # is_computable
        if unit is TimeUnit.WORKING_HOUR:
            return self._add_hours(start, amount)
        whole = int(amount // 1)
        fraction = amount - whole
        if unit is TimeUnit.CALENDAR_DAY:
            if fraction:
                notes.append(f"{amount} calendar days rounded up to {whole + 1}")
                whole += 1
            last = day + timedelta(days=whole - (1 if self.count_receipt_day and whole else 0))
            if not self.is_working_day(last):
                notes.append(
                    f"the last day {last:%d/%m/%Y} is not a working day; the time ends "
                    "with the next working day (BLDS 2015 Điều 148)"
                )
                last = self.next_working_day(last)
            return self._closing(last)
        # working days
        if self.count_receipt_day:
            if whole == 0:
                return self._add_hours(start, fraction * 8) if fraction else self._closing(day)
            full = self.add_working_days(day, whole - 1)
        else:
            full = self.add_working_days(day, whole)
        if not fraction:
            return self._closing(full)
        return self._add_hours(self._opening(self.next_working_day(full)), fraction * 8)

    def _add_hours(self, start: datetime, hours: Decimal) -> datetime:
        remaining = math.ceil(hours * 3600)
        if remaining < 0:
            raise UncomputableTime(f"a negative time of {hours} hours")
        day = start.date()
        moment = start
        while True:
            for begin, end in self.office_hours(day):
                lo = max(datetime.combine(day, begin), moment)
                hi = datetime.combine(day, end)
                if lo >= hi:
                    continue
                available = int((hi - lo).total_seconds())
                if remaining <= available:
                    return lo + timedelta(seconds=remaining)
                remaining -= available
            day = self.next_working_day(day)
            moment = datetime.combine(day, time.min)


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _ordinal(value: date) -> int:
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {value!r}")
    return _as_date(value).toordinal()


def _integer(n: Any) -> int:
    if isinstance(n, bool):
        raise TypeError("a working-day count must be an integer, not a bool")
    try:
        return operator.index(n)
    except TypeError:
        raise TypeError(
            f"a working-day count must be an integer, not {n!r}; "
            "fractional days are handled by due()"
        ) from None


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is in the test extra
        return None
    return numpy


def _is_array(value: Any) -> bool:
    return type(value).__module__ == "numpy" and hasattr(value, "dtype")


def _to_epoch_days(np: Any, values: Any) -> Any:
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]").astype(np.int64)
    if arr.dtype.kind == "O" or arr.dtype.kind == "U":
        return np.asarray([_ordinal(v) - _EPOCH for v in arr.ravel()], dtype=np.int64)
    raise TypeError(f"expected dates or datetime64 values, got an array of {arr.dtype}")
