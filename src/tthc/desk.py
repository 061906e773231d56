"""The administrative unit and its one-stop desks (Bộ phận Một cửa).

A district has its own one-stop desk and one per commune and town. Desks
open and close (district desks closed on 30/6/2025 in the two-tier reform,
domain.md §11), and each posts the procedures of its level with a feedback
address (domain.md §5.2).

>>> from datetime import date
>>> desk = Desk(id="xa-an-phu", name="UBND xã An Phú", level="commune",
...             closed=date(2025, 6, 30))
>>> desk.is_open(date(2025, 7, 1))
False
"""

from __future__ import annotations

from datetime import date, time

import attrs

from tthc.text import nfc

__all__ = ["DayOverride", "Desk", "FeedbackAddress", "OfficeHours", "Unit"]


@attrs.frozen(kw_only=True)
class FeedbackAddress:
    """Where citizens send feedback on regulations (NĐ 20/2008/NĐ-CP, as amended).

    A posting must show the receiving body, its postal address, phone and e-mail.
    """

    body: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    portal: str = ""

    def missing(self) -> tuple[str, ...]:
        """The required parts that are empty.

        >>> FeedbackAddress(body="UBND huyện", phone="0123").missing()
        ('address', 'email')
        """
        return tuple(
            name for name in ("body", "address", "phone", "email") if not getattr(self, name)
        )


@attrs.frozen(kw_only=True)
class OfficeHours:
    """Office hours: a morning and an afternoon block (8 working hours by default)."""

    morning_start: time = time(7, 30)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 30)


@attrs.frozen(kw_only=True)
class DayOverride:
    """A day off or a working day set by a local document, citing it."""

    day: date
    #: ``"off"`` or ``"work"``.
    kind: str = attrs.field(validator=attrs.validators.in_(("off", "work")))
    reason: str = ""


@attrs.frozen(kw_only=True)
class Desk:
    """A one-stop desk: where procedures of one level are received and posted."""

    id: str
    name: str = attrs.field(converter=nfc)
    level: str
    kind: str = ""
    opened: date | None = None
    closed: date | None = None
    feedback: FeedbackAddress | None = None
    #: Working weekdays, Monday = 0.
    working_week: tuple[int, ...] = (0, 1, 2, 3, 4)
    #: True when the desk also receives on Saturday mornings.
    saturday_morning: bool = False
    hours: OfficeHours = OfficeHours()
    #: Receipts after this time count from the next working day (a local rule).
    cutoff: time | None = None

    def is_open(self, day: date) -> bool:
        """Tell whether the desk operates on *day*."""
        return (self.opened is None or self.opened <= day) and (
            self.closed is None or day <= self.closed
        )


@attrs.frozen(kw_only=True)
class Unit:
    """The administrative unit keeping the catalogue (a district) and its desks."""

    name: str = attrs.field(converter=nfc)
    province: str = attrs.field(converter=nfc)
    kind: str = "huyện"
    desks: tuple[Desk, ...] = ()
    calendar: tuple[DayOverride, ...] = ()
    note: str = ""
