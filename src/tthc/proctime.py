"""Processing time (thời hạn giải quyết): the structure of a time phrase.

A procedure's processing time is announced as free Vietnamese text. This
module holds its structured form, :class:`ProcessingTime`, always together
with the verbatim text and an explicit :class:`ParseStatus`; the parser
:func:`parse_processing_time` never guesses silently (domain.md §6.1).
"""

from __future__ import annotations

import enum
from datetime import time
from decimal import Decimal

import attrs

__all__ = [
    "Channel",
    "Extension",
    "ParseStatus",
    "ProcessingTime",
    "Qualifier",
    "TimeUnit",
]


class ParseStatus(enum.Enum):
    """How much of a free text was understood."""

    #: Every part of the text is in the structure.
    PARSED = "parsed"
    #: The main amount is understood; some qualifying text is kept only verbatim.
    PARTIAL = "partial"
    #: Nothing reliable could be read; only the verbatim text is kept.
    UNPARSED = "unparsed"
    #: The text is empty or a placeholder ("Không quy định", "Khác", "Không có thông tin").
    UNSPECIFIED = "unspecified"


class TimeUnit(enum.Enum):
    """Units of processing time; working and calendar days stay distinct."""

    WORKING_DAY = "working_day"
    CALENDAR_DAY = "calendar_day"
    WORKING_HOUR = "working_hour"
    #: "Trong ngày": handled the same working day (with a cut-off hour, often).
    SAME_DAY = "same_day"
    #: A bare number whose unit was lost upstream; never used to compute a due date.
    UNKNOWN = "unknown"


class Qualifier(enum.Enum):
    """Whether the amount is exact or a ceiling ("không quá", "tối đa")."""

    EXACT = "exact"
    AT_MOST = "at_most"


class Channel(enum.Enum):
    """Submission channel a time applies to."""

    ANY = "any"
    IN_PERSON = "in_person"
    ONLINE = "online"
    POSTAL = "postal"


@attrs.frozen(kw_only=True)
class Extension:
    """A conditional longer time ("trường hợp cần xác minh … không quá 06 ngày")."""

    condition: str
    amount: Decimal
    unit: TimeUnit
    qualifier: Qualifier = Qualifier.AT_MOST


@attrs.frozen(kw_only=True)
class ProcessingTime:
    """A processing time: structure plus the verbatim text it came from.

    ``amount`` is the main amount (the lower bound of a range, whose upper
    bound is ``amount_max``). ``alternatives`` holds per-channel times when
    the text gives several ("Trực tuyến: 15 ngày; Trực tiếp: 25 ngày"); the
    main fields then describe the in-person time, or the first one given.
    """

    text: str
    status: ParseStatus
    amount: Decimal | None = None
    amount_max: Decimal | None = None
    unit: TimeUnit | None = None
    qualifier: Qualifier = Qualifier.EXACT
    start_event: str | None = None
    cutoff: time | None = None
    extensions: tuple[Extension, ...] = ()
    exclusions: tuple[str, ...] = ()
    channel: Channel = Channel.ANY
    alternatives: tuple[ProcessingTime, ...] = ()
    #: Parts of the text the parser kept verbatim without structuring them.
    unparsed_parts: tuple[str, ...] = ()

    @property
    def is_computable(self) -> bool:
        """True when a due date can be computed from this time."""
        return (
            self.status in (ParseStatus.PARSED, ParseStatus.PARTIAL)
            and self.amount is not None
            and self.unit not in (None, TimeUnit.UNKNOWN)
        )
