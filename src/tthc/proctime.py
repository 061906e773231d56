"""Processing time (thời hạn giải quyết): the structure of a time phrase.

A procedure's processing time is announced as free Vietnamese text. This
module holds its structured form, :class:`ProcessingTime`, always together
with the verbatim text and an explicit :class:`ParseStatus`; the parser
:func:`parse_processing_time` never guesses silently (domain.md §6.1).

>>> pt = parse_processing_time("05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ")
>>> pt.status.value, pt.amount, pt.unit.value, pt.start_event
('parsed', Decimal('5'), 'working_day', 'nhận đủ hồ sơ hợp lệ')
>>> parse_processing_time("15 Ngày").unit.value   # "ngày" alone is a calendar day
'calendar_day'
>>> parse_processing_time("5").status.value        # the unit was lost upstream
'partial'
>>> cut_fraction(parse_processing_time("20 ngày làm việc"),
...              parse_processing_time("15 ngày làm việc"))
Decimal('0.25')
"""

from __future__ import annotations

import bisect
import enum
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import attrs

from tthc.text import nfc

__all__ = [
    "HOURS_PER_WORKING_DAY",
    "Channel",
    "Extension",
    "ParseStatus",
    "ProcessingTime",
    "Qualifier",
    "TimeUnit",
    "cut_fraction",
    "parse_processing_time",
    "to_working_days",
    "to_working_hours",
]

#: Working hours in one working day (OpenCPS convention, domain.md §6.1 and §7.5).
HOURS_PER_WORKING_DAY = Decimal(8)


class ParseStatus(enum.Enum):
    """How much of a free text was understood."""

    #: Every part of the text is in the structure.
    PARSED = "parsed"
    #: An amount is understood, but some text is kept only verbatim (in
    #: ``unparsed_parts``), or the unit is unknown, or the text gives several
    #: amounts without saying how they relate.
    PARTIAL = "partial"
    #: Nothing reliable could be read; only the verbatim text is kept.
    UNPARSED = "unparsed"
    #: The text is empty or a placeholder ("Không quy định", "Khác", "Không có thông tin").
    UNSPECIFIED = "unspecified"


class TimeUnit(enum.Enum):
    """Units of processing time; working and calendar days stay distinct."""

    WORKING_DAY = "working_day"
    CALENDAR_DAY = "calendar_day"
    #: "giờ" and "giờ làm việc": hours counted in office hours.
    WORKING_HOUR = "working_hour"
    #: "Trong ngày": handled the same working day (with a cut-off hour, often).
    SAME_DAY = "same_day"
    #: A bare number whose unit was lost upstream; never used to compute a due date.
    UNKNOWN = "unknown"


class Qualifier(enum.Enum):
    """Whether the amount is exact or a ceiling ("không quá", "tối đa")."""

    EXACT = "exact"
    AT_MOST = "at_most"
    #: "Trong thời hạn …", "Trong 01 ngày …": within; a ceiling as well.
    WITHIN = "within"


class Channel(enum.Enum):
    """Submission channel a time applies to."""

    ANY = "any"
    IN_PERSON = "in_person"
    ONLINE = "online"
    POSTAL = "postal"


@attrs.frozen(kw_only=True)
class Extension:
    """A conditional longer time ("trường hợp cần xác minh … không quá 06 ngày").

    ``amount`` and ``unit`` are ``None`` when the text allows a longer time
    without a ceiling ("Có thể dài hơn theo thỏa thuận …"); ``condition`` is
    then what the longer time depends on.
    """

    condition: str
    amount: Decimal | None
    unit: TimeUnit | None
    qualifier: Qualifier = Qualifier.AT_MOST
    #: Upper bound when the extension is a range ("3,5–12 ngày").
    amount_max: Decimal | None = None
    #: The event the extended time counts from, when the text restates it.
    start_event: str | None = None


@attrs.frozen(kw_only=True)
class ProcessingTime:
    """A processing time: structure plus the verbatim text it came from.

    ``amount`` is the main amount (the lower bound of a range, whose upper
    bound is ``amount_max``). ``alternatives`` holds per-channel times when
    the text gives several ("Trực tuyến: 15 ngày; Trực tiếp: 25 ngày"); the
    main fields then describe the in-person time, or the first one given.
    When the text gives several times for named cases or stages
    ("Cấp đổi: 03 ngày; Cấp lại: 01 ngày làm việc") they are alternatives
    with a ``scope`` each, and the main amount is ``None``: the text does not
    say which one is *the* time.

    For ``SAME_DAY`` the amount is ``None``: the time ends with the office
    day of receipt (or the next working day after ``cutoff``). A time that is
    an event rather than a duration ("Chậm nhất là ngay trước khi tàu rời
    cảng") has ``deadline_event`` set and no amount.
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
    #: The case, stage or coverage the time applies to, verbatim
    #: ("đối với trường hợp có giấy tờ liên quan", "Cấp đổi").
    scope: str | None = None
    #: The event by which the procedure ends, when the time is not a duration.
    deadline_event: str | None = None
    #: The text marks the time as already cut locally ("sau cắt giảm").
    after_cut: bool = False

    @property
    def is_computable(self) -> bool:
        """True when a due date can be computed from this time."""
        if self.status not in (ParseStatus.PARSED, ParseStatus.PARTIAL):
            return False
        if self.unit is TimeUnit.SAME_DAY:
            return True
        return self.amount is not None and self.unit not in (None, TimeUnit.UNKNOWN)

    def for_channel(self, channel: Channel) -> ProcessingTime:
        """The time that applies to *channel*: its alternative, or this time.

        When several alternatives name the channel, the first one is
        returned (the order of the text); callers that must not pick should
        inspect :attr:`alternatives` themselves.

        >>> pt = parse_processing_time("Trực tuyến: 15 Ngày; Trực tiếp: 25 Ngày")
        >>> pt.for_channel(Channel.ONLINE).amount, pt.amount
        (Decimal('15'), Decimal('25'))
        """
        if channel is not Channel.ANY:
            for alt in self.alternatives:
                if alt.channel is channel:
                    return alt
        return self


# --------------------------------------------------------------------------
# Conversions and cuts


def _single_amount(pt: ProcessingTime) -> Decimal | None:
    if not pt.is_computable or pt.amount is None:
        return None
    if pt.amount_max is not None and pt.amount_max != pt.amount:
        return None
    return pt.amount


def to_working_days(pt: ProcessingTime) -> Decimal | None:
    """The time in working days (8 working hours = 1 day), or ``None``.

    ``None`` for calendar days, same-day times, unknown units, ranges and
    anything not computable: those have no exact working-day length.

    >>> to_working_days(parse_processing_time("04 giờ làm việc"))
    Decimal('0.5')
    >>> to_working_days(parse_processing_time("15 ngày")) is None
    True
    """
    amount = _single_amount(pt)
    if amount is None:
        return None
    if pt.unit is TimeUnit.WORKING_DAY:
        return amount
    if pt.unit is TimeUnit.WORKING_HOUR:
        return amount / HOURS_PER_WORKING_DAY
    return None


def to_working_hours(pt: ProcessingTime) -> Decimal | None:
    """The time in working hours (1 working day = 8 hours), or ``None``.

    >>> to_working_hours(parse_processing_time("2,5 ngày làm việc"))
    Decimal('20.0')
    """
    amount = _single_amount(pt)
    if amount is None:
        return None
    if pt.unit is TimeUnit.WORKING_HOUR:
        return amount
    if pt.unit is TimeUnit.WORKING_DAY:
        return amount * HOURS_PER_WORKING_DAY
    return None


def cut_fraction(statutory: ProcessingTime, applied: ProcessingTime) -> Decimal | None:
    """The cut ``(statutory − applied) / statutory`` in one unit (domain.md §6.2).

    Working days and working hours are converted at 8 hours a day; calendar
    days compare only with calendar days; two same-day times are a cut of 0.
    ``None`` when the two cannot be compared: a calendar and a working unit,
    a same-day time against a duration, a range, an unknown unit, anything
    not computable, or a statutory time of 0. A negative result is a
    lengthening.

    >>> cut_fraction(parse_processing_time("03 ngày làm việc"),
    ...              parse_processing_time("12 giờ làm việc"))
    Decimal('0.5')
    >>> cut_fraction(parse_processing_time("15 ngày"),
    ...              parse_processing_time("10 ngày làm việc")) is None
    True
    """
    if statutory.unit is TimeUnit.SAME_DAY or applied.unit is TimeUnit.SAME_DAY:
        both = statutory.unit is applied.unit
        return Decimal(0) if both and statutory.is_computable and applied.is_computable else None
    if statutory.unit is applied.unit:
        s, a = _single_amount(statutory), _single_amount(applied)
    else:
        s, a = to_working_hours(statutory), to_working_hours(applied)
    if s is None or a is None or s == 0:
        return None
    return (s - a) / s


# --------------------------------------------------------------------------
# The parser

_PLACEHOLDERS = frozenset(
    {
        "",
        "khong quy dinh",
        "khac",
        "khong co thong tin",
        "chua co thong tin",
        "dang cap nhat",
        "chua cap nhat",
        "khong co",
        "n a",
        "na",
    }
)

_NUM = r"[0-9]+(?:[.,][0-9]+)?"
_NUMWORDS = r"(?:(?:mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|linh|le)\s+){1,4}"
_AMOUNT_RX = re.compile(
    rf"(?<![0-9a-z.,])(?:{_NUMWORDS}\(\s*(?P<nw>{_NUM})\s*\)|(?P<n1>{_NUM}))"
    rf"(?:\s*(?:-|den|toi)\s*(?P<n2>{_NUM}))?"
    r"\s*(?P<unit>ngay\s+lam\s+viec|ngay|gio\s+lam\s+viec|gio)(?![a-z])"
)
_UNITS = {
    "ngay": TimeUnit.CALENDAR_DAY,
    "ngay lam viec": TimeUnit.WORKING_DAY,
    "gio": TimeUnit.WORKING_HOUR,
    "gio lam viec": TimeUnit.WORKING_HOUR,
}

_CLOCK = r"(?P<h>[0-9]{1,2})\s*(?:gio|h|:)\s*(?:(?P<m>[0-9]{2})(?:\s*phut)?)?(?![0-9])"
_NEXT_DAY = (
    r"(?:tra\s+ket\s+qua\s+)?(?:ngay\s+)?(?:trong\s+|vao\s+)?"
    r"ngay\s+(?:lam\s+viec\s+)?tiep\s+theo"
)
_GAP = r"[^.;()]{0,120}?"
_TRIGGER = r"(?:truong\s+hop|neu|khi|doi\s+voi)"
# "… hoặc trong ngày làm việc tiếp theo, nếu tiếp nhận yêu cầu sau 15 giờ"
_CUTOFF_AFTER = re.compile(
    rf"(?:hoac\s+)?{_NEXT_DAY}\s*,?\s*{_TRIGGER}\s+{_GAP}(?<![a-z])sau\s+{_CLOCK}"
)
# "Trường hợp nhận hồ sơ sau 15 giờ (mà …) thì trả kết quả trong ngày làm việc tiếp theo"
_CUTOFF_BEFORE = re.compile(
    rf"(?<![a-z]){_TRIGGER}\s+{_GAP}(?<![a-z])sau\s+{_CLOCK}\s*,?\s*"
    rf"(?:ma\s+{_GAP})?(?:thi\s+)?{_NEXT_DAY}"
)
_AFTER_CUT = re.compile(r"\(\s*sau\s+cat\s+giam\s*\)|(?<![a-z])sau\s+cat\s+giam(?![a-z])")

_LEAD = r"^[\s,.:;\-+•*]*"
_TRAIL = r"[\s,.:;]*$"
_CH_IN_PERSON = r"(?:nop\s+)?truc\s+tiep(?:\s+tai\s+bo\s+phan\s+mot\s+cua)?"
_CH_ONLINE = r"(?:nop\s+)?(?:truc\s+tuyen|qua\s+mang|qua\s+dich\s+vu\s+cong\s+truc\s+tuyen)"
_CH_POSTAL = r"(?:nop\s+)?(?:qua\s+)?(?:(?:dich\s+vu\s+)?buu\s+chinh(?:\s+cong\s+ich)?|buu\s+dien)"
_CHANNEL_ONE = [
    (re.compile(rf"^{_CH_IN_PERSON}$"), Channel.IN_PERSON),
    (re.compile(rf"^{_CH_ONLINE}$"), Channel.ONLINE),
    (re.compile(rf"^{_CH_POSTAL}$"), Channel.POSTAL),
]
_CH_ANY = rf"(?:{_CH_IN_PERSON}|{_CH_ONLINE}|{_CH_POSTAL})"
_CHANNEL_LIST = re.compile(rf"{_LEAD}{_CH_ANY}(?:\s*(?:,|/|va|hoac)\s*{_CH_ANY})*{_TRAIL}")
_CHANNEL_SEP = re.compile(r"\s*(?:,|/|(?<![a-z])va(?![a-z])|(?<![a-z])hoac(?![a-z]))\s*")

_HEADING = re.compile(
    r"^(?:thoi\s+(?:han|gian)(?:\s+giai\s+quyet|\s+thuc\s+hien)?(?:\s+ho\s+so)?)$"
)
_DEADLINE = re.compile(
    _LEAD + r"(?:(?P<subj>thu\s+tuc\b[^0-9]*?)\s+)?"
    r"(?P<verb>(?:duoc\s+coi\s+la\s+)?(?:ket\s+thuc|(?:duoc\s+)?hoan\s+thanh)\s+)?"
    r"(?P<q>cham\s+nhat(?:\s+la)?\s+)?"
    r"(?P<ev>(?:ngay\s+)?(?P<rel>truoc\s+khi|ke\s+tu\s+khi|sau\s+khi|khi)\s+\S.*)$"
)
_OPEN = re.compile(_LEAD + r"co\s+the\s+(?:keo\s+)?dai\s+hon(?![a-z])\s*(?P<c>.*)$")
_EXCLUSION = re.compile(_LEAD + r"(?:va\s+)?khong\s+(?:ke|tinh|bao\s+gom)\s+(?P<x>\S.*)$")
_START = re.compile(
    _LEAD + r"(?:ke\s+)?(?:tu|tinh\s+tu)\s+(?:ngay|khi|thoi\s+diem)\s+(?P<ev>\S.*)$"
)
_SCOPE = re.compile(_LEAD + r"(?:doi\s+voi|ap\s+dung\s+(?:cho|doi\s+voi))\s+(?P<sc>\S.*)$")
_SCOPE_NOTE = re.compile(_LEAD + r"(?P<sc>thoi\s+gian\s+\S.*)$")
_CONDITION = re.compile(_LEAD + r"(?P<trig>truong\s+hop|neu|khi)\s+(?P<rest>.*)$", re.DOTALL)
_SAME_DAY = re.compile(
    _LEAD + r"(?P<pre>(?:[a-z]+\s+)*?)(?P<sd>(?:ngay\s+)?trong\s+ngay(?:\s+lam\s+viec)?)"
    r"(?![a-z])(?!\s+(?:lam\s+viec\s+)?tiep\s+theo)(?P<ev>.*)$"
)
_BARE = re.compile(_LEAD + rf"(?P<n1>{_NUM})(?:\s*(?:-|den)\s*(?P<n2>{_NUM}))?" + _TRAIL)
_INLINE_START = re.compile(r"^[\s,]*(?:ke\s+)?(?:tu|tinh\s+tu)\s+(?:ngay|khi|thoi\s+diem)\s+(?=\S)")
_INLINE_SCOPE = re.compile(r"^[\s,]*doi\s+voi\s+(?=\S)")
_NEXT_SCOPE = re.compile(r"[\s,]*doi\s+voi(?![a-z])")
_NEXT_START = re.compile(r"[\s,]*(?:ke\s+)?(?:tu|tinh\s+tu)\s+ngay(?![a-z])")
_THEN = re.compile(r"\s(?:thi)\s")
_COND_END = re.compile(
    r"(?<![a-z])(?:co\s+the|duoc\s+keo\s+dai|keo\s+dai|thoi\s+han|toi\s+da|"
    r"khong\s+qua|khong\s+vuot\s+qua|cham\s+nhat)(?![a-z])"
)
_SEPARATOR = re.compile(
    r";|\.(?=\s|$)|,(?=\s*(?:truong\s+hop|neu\s|ke\s+tu\s|tinh\s+tu\s|khong\s+ke\s|"
    r"khong\s+tinh\s)|\s+[0-9])"
)
_WORD = re.compile(r"[a-z0-9]+")

# Words allowed before an amount: qualifiers and connecting words.
_QUALIFIER_PHRASES: dict[tuple[str, ...], Qualifier | None] = {
    ("toi", "da", "khong", "qua"): Qualifier.AT_MOST,
    ("toi", "da", "khong", "vuot", "qua"): Qualifier.AT_MOST,
    ("khong", "vuot", "qua"): Qualifier.AT_MOST,
    ("khong", "qua"): Qualifier.AT_MOST,
    ("toi", "da"): Qualifier.AT_MOST,
    ("cham", "nhat", "la"): Qualifier.AT_MOST,
    ("cham", "nhat"): Qualifier.AT_MOST,
    ("trong", "thoi", "han"): Qualifier.WITHIN,
    ("trong", "thoi", "gian"): Qualifier.WITHIN,
    ("trong", "vong"): Qualifier.WITHIN,
    ("trong",): Qualifier.WITHIN,
    # connecting words that carry no meaning of their own here
    ("thoi", "han", "giai", "quyet", "ho", "so"): None,
    ("thoi", "han", "giai", "quyet"): None,
    ("thoi", "gian", "giai", "quyet"): None,
    ("thoi", "han"): None,
    ("giai", "quyet"): None,
    ("tra", "ket", "qua"): None,
    ("thoi", "gian"): None,
    ("co", "the", "keo", "dai"): None,
    ("duoc", "keo", "dai"): None,
    ("keo", "dai"): None,
    ("co", "the"): None,
    ("duoc",): None,
    ("la",): None,
    ("thi",): None,
    ("cung",): None,
    ("nhung",): None,
    ("se",): None,
}
_MAX_PHRASE = max(len(p) for p in _QUALIFIER_PHRASES)
# Words that may be left over around structured parts without meaning anything.
_FILLER_WORDS = frozenset({"thi", "la", "va", "hoac", "cung", "nhung", "ma"})
_PUNCT_STRIP = " \t,.:;-+•*/"


def _fold_char(ch: str) -> str:
    low = ch.casefold()
    if low in ("đ", "ð"):
        return "d"
    decomposed = unicodedata.normalize("NFD", low)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold *text* like :func:`tthc.text.fold`, keeping each folded char's source index."""
    pieces: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        pieces.append(folded)
        where.extend([i] * len(folded))
    where.append(len(text))
    return "".join(pieces), where


def _number(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only admits digits
        return None


def _join(first: str | None, second: str) -> str:
    return second if not first else f"{first}; {second}"


@dataclass
class _Item:
    """Working state for one part of the text (a clause, a bullet, a labelled time)."""

    lo: int
    hi: int
    kind: str = "mod"  # amount | same_day | deadline | open | mod
    amount: Decimal | None = None
    amount_max: Decimal | None = None
    unit: TimeUnit | None = None
    qualifier: Qualifier = Qualifier.EXACT
    start_event: str | None = None
    cutoff: time | None = None
    exclusions: list[str] = field(default_factory=list)
    extensions: list[_Item] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    label: str | None = None
    scope: str | None = None
    condition: str | None = None
    deadline_event: str | None = None
    leftovers: list[str] = field(default_factory=list)
    same_day_end: int | None = None

    @property
    def is_extension(self) -> bool:
        return self.condition is not None or self.kind == "open"

    def all_leftovers(self) -> list[str]:
        out = list(self.leftovers)
        for ext in self.extensions:
            out.extend(ext.all_leftovers())
        return out

    def has_unknown_unit(self) -> bool:
        return self.unit is TimeUnit.UNKNOWN or any(e.has_unknown_unit() for e in self.extensions)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.folded, self.where = _fold_with_map(text)
        self.work = list(self.folded)
        self.cutoffs: list[tuple[int, int, time]] = []
        self.after_cut = False
        self.pairs = self._paren_pairs()
        self.pair_starts = [a for a, _ in self.pairs]

    # -- helpers over positions of the folded text ------------------------

    def orig(self, lo: int, hi: int) -> str:
        """The verbatim text of [lo, hi), without edge punctuation or unpaired brackets."""
        piece = self.text[self.where[lo] : self.where[hi]].strip(_PUNCT_STRIP)
        while True:
            before = piece
            if piece.startswith("(") and ")" not in piece:
                piece = piece[1:].strip(_PUNCT_STRIP)
            if piece.endswith(")") and "(" not in piece:
                piece = piece[:-1].strip(_PUNCT_STRIP)
            if piece.startswith("(") and piece.endswith(")") and piece.count("(") == 1:
                piece = piece[1:-1].strip(_PUNCT_STRIP)
            if piece == before:
                return piece

    def grab(self, base: int, s: str, a: int, b: int) -> str:
        """The verbatim text under s[a:b] (s starts at *base*), trimmed where *s* is blank."""
        while a < b and s[a] in _PUNCT_STRIP + "()":
            a += 1
        while b > a and s[b - 1] in _PUNCT_STRIP + "()":
            b -= 1
        return self.orig(base + a, base + b) if a < b else ""

    def view(self, lo: int, hi: int) -> str:
        return "".join(self.work[lo:hi])

    def blank(self, lo: int, hi: int) -> None:
        for i in range(lo, hi):
            self.work[i] = " "

    def _paren_pairs(self) -> list[tuple[int, int]]:
        stack: list[int] = []
        pairs: list[tuple[int, int]] = []
        for i, ch in enumerate(self.folded):
            if ch == "(":
                stack.append(i)
            elif ch == ")" and stack:
                pairs.append((stack.pop(), i))
        pairs.sort()
        return pairs

    def outer_pairs(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The outermost bracket pairs inside [lo, hi)."""
        out: list[tuple[int, int]] = []
        last = -1
        for k in range(bisect.bisect_left(self.pair_starts, lo), len(self.pairs)):
            a, b = self.pairs[k]
            if a >= hi:
                break
            if b < hi and a > last:
                out.append((a, b))
                last = b
        return out

    def leftover(self, lo: int, hi: int) -> list[str]:
        """Verbatim pieces of [lo, hi) not blanked, minus fillers and punctuation."""
        out: list[str] = []
        s = self.view(lo, hi)
        for m in re.finditer(r"[^\s()]+(?:\s+[^\s()]+)*", s):
            words = _WORD.findall(m.group())
            if not words or all(w in _FILLER_WORDS for w in words):
                continue
            a, b = lo + m.start(), lo + m.end()
            # trim leading and trailing filler words
            while True:
                mm = re.match(r"[\s,.;:\-+]*([a-z]+)(?![a-z0-9])", self.view(a, b))
                if mm and mm.group(1) in _FILLER_WORDS:
                    a += mm.end()
                    continue
                break
            while True:
                mm = re.search(r"(?<![a-z0-9])([a-z]+)[\s,.;:\-+]*$", self.view(a, b))
                if mm and mm.group(1) in _FILLER_WORDS:
                    b = a + mm.start()
                    continue
                break
            piece = self.orig(a, b)
            if piece:
                out.append(piece)
        return out

    # -- passes ------------------------------------------------------------

    def prepass(self) -> None:
        for rx in (_CUTOFF_BEFORE, _CUTOFF_AFTER):
            for m in rx.finditer(self.view(0, len(self.work))):
                hour, minute = int(m.group("h")), int(m.group("m") or 0)
                if hour > 23 or minute > 59:
                    continue
                self.cutoffs.append((m.start(), m.end(), time(hour, minute)))
                self.blank(m.start(), m.end())
        for m in _AFTER_CUT.finditer(self.view(0, len(self.work))):
            self.after_cut = True
            self.blank(m.start(), m.end())

    def split(self, lo: int, hi: int) -> list[tuple[int, int]]:
        s = self.view(lo, hi)
        inside = [False] * len(s)
        for a, b in self.outer_pairs(lo, hi):
            for i in range(a - lo, b - lo + 1):
                inside[i] = True
        cuts: list[tuple[int, int]] = [
            (m.start(), m.end()) for m in _SEPARATOR.finditer(s) if not inside[m.start()]
        ]
        for i, ch in enumerate(s):
            if ch in "-+•*" and not inside[i] and (i + 1 == len(s) or s[i + 1].isspace()):
                before = s[:i].rstrip()
                if not before or before[-1] in ".;)":
                    cuts.append((i, i + 1))
        cuts.sort()
        spans: list[tuple[int, int]] = []
        start = 0
        for a, b in cuts:
            if a < start:
                continue
            spans.append((start, a))
            start = b
        spans.append((start, len(s)))
        return [(lo + a, lo + b) for a, b in spans if s[a:b].strip(_PUNCT_STRIP)]

    def label_colon(self, lo: int, hi: int) -> int | None:
        s = self.view(lo, hi)
        depth = 0
        for i, ch in enumerate(s):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth = max(0, depth - 1)
            elif ch == ":" and depth == 0:
                if 0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit():
                    continue
                head = s[:i].strip(_PUNCT_STRIP)
                if not head or len(head) > 150 or _AMOUNT_RX.search(s[:i]):
                    return None
                if not s[i + 1 :].strip(_PUNCT_STRIP):
                    return None
                return lo + i
        return None

    # -- one part ------------------------------------------------------------

    def part(self, lo: int, hi: int, *, in_paren: bool) -> _Item:
        item = _Item(lo, hi)
        body_lo = lo
        colon = self.label_colon(lo, hi)
        if colon is not None:
            head = " ".join(self.view(lo, colon).strip(_PUNCT_STRIP).split())
            channels = _channels(head)
            if channels:
                item.channels.extend(channels)
            elif not _HEADING.match(" ".join(_WORD.findall(head))):
                item.label = self.orig(lo, colon)
            body_lo = colon + 1
        parens = [
            (a, b)
            for a, b in self.outer_pairs(body_lo, hi)
            if not re.fullmatch(rf"\s*{_NUM}\s*", self.view(a + 1, b))
        ]
        local = self.work[body_lo:hi]
        for a, b in parens:
            for i in range(a, b + 1):
                local[i - body_lo] = " "
        self.body(item, body_lo, "".join(local), in_paren=in_paren)
        for a, b in parens:
            self.paren(item, a, b)
        return item

    def body(self, item: _Item, base: int, s: str, *, in_paren: bool) -> None:
        if not s.strip(_PUNCT_STRIP):
            return
        amount = _AMOUNT_RX.search(s)
        if amount is not None:
            cond = _CONDITION.match(s)
            if cond is not None and cond.start("rest") <= amount.start():
                self.conditional(item, base, s, cond)
            else:
                self.amount(item, base, s, amount)
            return
        if (m := _DEADLINE.match(s)) is not None and (
            m.group("subj") or m.group("verb") or m.group("q") or m.group("rel") == "truoc khi"
        ):
            item.kind = "deadline"
            item.deadline_event = self.grab(base, s, m.start("ev"), m.end("ev"))
            if m.group("q"):
                item.qualifier = Qualifier.AT_MOST
            return
        if (m := _OPEN.match(s)) is not None:
            item.kind = "open"
            item.condition = self.grab(base, s, m.start("c"), m.end("c"))
            return
        if (m := _SAME_DAY.match(s)) is not None:
            item.leftovers.extend(self.prefix(item, base + m.start("pre"), m.group("pre")))
            item.kind = "same_day"
            item.unit = TimeUnit.SAME_DAY
            item.same_day_end = base + m.end("sd")
            event = self.grab(base, s, m.start("ev"), m.end("ev"))
            if event:
                item.start_event = event
            return
        if (m := _EXCLUSION.match(s)) is not None:
            item.exclusions.append(self.grab(base, s, m.start("x"), m.end("x")))
            return
        if (m := _START.match(s)) is not None:
            item.start_event = self.grab(base, s, m.start("ev"), m.end("ev"))
            return
        if (m := _SCOPE.match(s)) is not None:
            item.scope = self.grab(base, s, m.start("sc"), m.end("sc"))
            return
        if (m := _CHANNEL_LIST.match(s)) is not None:
            item.channels.extend(_channels(" ".join(s.strip(_PUNCT_STRIP).split())))
            return
        if in_paren and (m := _SCOPE_NOTE.match(s)) is not None:
            item.scope = self.grab(base, s, m.start("sc"), m.end("sc"))
            return
        if (m := _BARE.match(s)) is not None:
            self.set_amount(item, m.group("n1"), m.group("n2"), TimeUnit.UNKNOWN, base, s)
            return
        item.leftovers.extend(self.leftover_text(base, s))

    def leftover_text(self, base: int, s: str) -> list[str]:
        saved = self.work[base : base + len(s)]
        self.work[base : base + len(s)] = list(s)
        try:
            return self.leftover(base, base + len(s))
        finally:
            self.work[base : base + len(s)] = saved

    def set_amount(
        self, item: _Item, n1: str, n2: str | None, unit: TimeUnit, base: int, s: str
    ) -> None:
        low = _number(n1)
        high = _number(n2) if n2 else None
        if low is None or (high is not None and high < low):
            item.leftovers.extend(self.leftover_text(base, s))
            return
        item.kind = "amount"
        item.amount = low
        item.amount_max = high
        item.unit = unit

    def amount(self, item: _Item, base: int, s: str, m: re.Match[str]) -> None:
        unit = _UNITS[" ".join(m.group("unit").split())]
        self.set_amount(item, m.group("nw") or m.group("n1"), m.group("n2"), unit, base, s)
        if item.kind != "amount":
            return
        item.leftovers.extend(
            self.prefix(item, base, s[: m.start()], is_range=m.group("n2") is not None)
        )
        self.suffix(item, base + m.end(), s[m.end() :])

    def conditional(self, item: _Item, base: int, s: str, cond: re.Match[str]) -> None:
        rest_at = cond.start("rest")
        rest = s[rest_at:]
        amount = _AMOUNT_RX.search(rest)
        assert amount is not None  # checked by the caller
        then = _THEN.search(" " + rest[: amount.start()] + " ")
        if then is not None:
            cond_end = then.start()
            body_at = rest_at + then.end() - 1
        else:
            marker = _COND_END.search(rest[: amount.start()])
            cond_end = marker.start() if marker else amount.start()
            body_at = rest_at + cond_end
        condition = self.grab(base, s, rest_at, rest_at + cond_end)
        if not condition:
            item.leftovers.extend(self.leftover_text(base, s))
            return
        item.condition = condition
        sub = s[body_at:]
        m = _AMOUNT_RX.search(sub)
        assert m is not None
        self.amount(item, base + body_at, sub, m)

    def prefix(self, item: _Item, base: int, s: str, *, is_range: bool = False) -> list[str]:
        words = list(_WORD.finditer(s))
        unknown: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            for size in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
                phrase = tuple(w.group() for w in words[i : i + size])
                if phrase in _QUALIFIER_PHRASES:
                    qualifier = _QUALIFIER_PHRASES[phrase]
                    if qualifier is not None and item.qualifier is Qualifier.EXACT:
                        item.qualifier = qualifier
                    i += size
                    break
                if phrase == ("tu",) and is_range:
                    i += 1
                    break
            else:
                unknown.append((words[i].start(), words[i].end()))
                i += 1
        pieces: list[str] = []
        run: tuple[int, int] | None = None
        for a, b in unknown:
            if run is not None and not s[run[1] : a].strip(" "):
                run = (run[0], b)
                continue
            if run is not None:
                pieces.append(self.orig(base + run[0], base + run[1]))
            run = (a, b)
        if run is not None:
            pieces.append(self.orig(base + run[0], base + run[1]))
        return [p for p in pieces if p]

    def suffix(self, item: _Item, base: int, s: str) -> None:
        """Read what follows an amount: "kể từ ngày …" and "đối với …", in any order."""
        at = 0
        while s[at:].strip(_PUNCT_STRIP):
            rest = s[at:]
            if item.start_event is None and (m := _INLINE_START.match(rest)) is not None:
                stop = _NEXT_SCOPE.search(rest, m.end())
                end = stop.start() if stop else len(rest)
                item.start_event = self.grab(base + at, rest, m.end(), end)
            elif item.scope is None and (m := _INLINE_SCOPE.match(rest)) is not None:
                stop = _NEXT_START.search(rest, m.end())
                end = stop.start() if stop else len(rest)
                item.scope = self.grab(base + at, rest, m.end(), end)
            else:
                item.leftovers.extend(self.leftover_text(base + at, rest))
                return
            at += end

    def paren(self, item: _Item, a: int, b: int) -> None:
        content = self.view(a + 1, b)
        if not content.strip(_PUNCT_STRIP):
            return
        if (
            item.kind != "mod"
            and (cond := _CONDITION.match(content)) is not None
            and not _AMOUNT_RX.search(content)
        ):
            text = self.orig(a + 1 + cond.start("rest"), b)
            if text:
                item.condition = _join(item.condition, text)
                return
        for lo, hi in self.split(a + 1, b):
            sub = self.part(lo, hi, in_paren=True)
            self.merge(item, sub, paren_open=a)

    def merge(self, item: _Item, sub: _Item, *, paren_open: int | None = None) -> None:
        """Fold the modifiers (and nested extensions) of *sub* into *item*."""
        if sub.kind != "mod":
            if sub.is_extension:
                item.extensions.append(sub)
                item.extensions.extend(sub.extensions)
                sub.extensions = []
            else:
                item.leftovers.append(self.orig(sub.lo, sub.hi))
            return
        if sub.start_event:
            if item.start_event is None:
                item.start_event = sub.start_event
            else:
                item.leftovers.append(sub.start_event)
        if sub.scope:
            item.scope = _join(item.scope, sub.scope)
        if sub.condition:
            item.condition = _join(item.condition, sub.condition)
        item.exclusions.extend(sub.exclusions)
        item.channels.extend(c for c in sub.channels if c not in item.channels)
        item.extensions.extend(sub.extensions)
        leftovers = list(sub.leftovers)
        # "Trong ngày (cơ quan tiếp nhận yêu cầu …)": the day of that receipt.
        if (
            leftovers
            and paren_open is not None
            and item.kind == "same_day"
            and item.start_event is None
            and item.same_day_end is not None
            and not self.view(item.same_day_end, paren_open).strip()
            and "nhan" in _WORD.findall(_fold_with_map(leftovers[0])[0])
        ):
            item.start_event = leftovers.pop(0)
        item.leftovers.extend(leftovers)


def _channels(folded_words: str) -> list[Channel]:
    """The channels named by a label or a list ("trực tuyến, qua bưu điện"), else []."""
    found: list[Channel] = []
    for piece in _CHANNEL_SEP.split(folded_words.strip()):
        if not piece:
            continue
        for rx, channel in _CHANNEL_ONE:
            if rx.match(piece):
                if channel not in found:
                    found.append(channel)
                break
        else:
            return []
    return found


_ALL_CHANNELS = frozenset({Channel.IN_PERSON, Channel.ONLINE, Channel.POSTAL})


def _build(
    parser: _Parser,
    item: _Item,
    text: str,
    *,
    channel: Channel,
    scope: str | None,
    alternatives: tuple[ProcessingTime, ...] = (),
    extra_leftovers: tuple[str, ...] = (),
    ambiguous: bool = False,
) -> ProcessingTime:
    leftovers = tuple(dict.fromkeys([*item.all_leftovers(), *extra_leftovers]))
    partial = bool(leftovers) or item.has_unknown_unit() or ambiguous
    partial = partial or any(a.status is not ParseStatus.PARSED for a in alternatives)
    extensions = tuple(_extension(e) for e in item.extensions)
    if item.kind == "mod":  # no main amount: alternatives only
        amount = amount_max = None
        unit = None
    else:
        amount, amount_max, unit = item.amount, item.amount_max, item.unit
    return ProcessingTime(
        text=text,
        status=ParseStatus.PARTIAL if partial else ParseStatus.PARSED,
        amount=amount,
        amount_max=amount_max,
        unit=unit,
        qualifier=item.qualifier,
        start_event=item.start_event,
        cutoff=item.cutoff,
        extensions=extensions,
        exclusions=tuple(item.exclusions),
        channel=channel,
        alternatives=alternatives,
        unparsed_parts=leftovers,
        scope=scope,
        deadline_event=item.deadline_event,
        after_cut=parser.after_cut,
    )


def _extension(item: _Item) -> Extension:
    condition = item.condition if item.condition is not None else (item.label or "")
    if item.scope:
        condition = _join(condition, item.scope)
    if item.kind == "same_day":
        return Extension(
            condition=condition, amount=None, unit=TimeUnit.SAME_DAY, qualifier=item.qualifier
        )
    return Extension(
        condition=condition,
        amount=item.amount,
        unit=item.unit,
        qualifier=item.qualifier if item.kind == "amount" else Qualifier.AT_MOST,
        amount_max=item.amount_max,
        start_event=item.start_event,
    )


def _scope_of(item: _Item) -> str | None:
    if item.label and item.scope:
        return f"{item.label}: {item.scope}"
    return item.label or item.scope


def _assemble(parser: _Parser, items: list[_Item], text: str) -> ProcessingTime:
    # Modifier-only parts ("…, kể từ ngày …") join the time before them.
    timed: list[_Item] = []
    pending: list[_Item] = []
    for it in items:
        if it.kind == "mod":
            if timed:
                parser.merge(timed[-1], it)
            else:
                pending.append(it)
            continue
        for p in pending:
            parser.merge(it, p)
        pending.clear()
        timed.append(it)
    stray: list[str] = []
    for p in pending:
        stray.extend(p.leftovers)
        stray.extend(x for x in (p.start_event, p.scope, *p.exclusions) if x)

    base = [it for it in timed if not it.is_extension]
    channelled = any(it.channels for it in base)
    plain = [it for it in base if it.label is None]
    ambiguous = False
    if not channelled and len(plain) == 1:
        # "03 ngày; cần kiểm tra thực tế: 3,5 ngày": labels after the time are conditions.
        for it in base:
            if it.label is not None:
                it.condition = it.label
                it.label = None
        base = plain
    elif not channelled and len(plain) > 1:
        ambiguous = not all(it.scope for it in plain)

    # Extensions join the time before them (or the first one).
    last: _Item | None = None
    orphans: list[_Item] = []
    for it in timed:
        if it.is_extension:
            if last is not None:
                last.extensions.append(it)
            elif base:
                base[0].extensions.append(it)
            else:
                orphans.append(it)
        else:
            last = it

    # Cut-off clauses join the time whose part holds them.
    for lo, hi, cut in parser.cutoffs:
        holder = next((it for it in base if it.lo <= lo < it.hi), None)
        if holder is None:
            before = [it for it in base if it.lo <= lo]
            holder = before[-1] if before else (base[0] if base else None)
        if holder is None:
            stray.append(parser.orig(lo, hi))
        else:
            holder.cutoff = cut

    if not base:
        if not orphans:
            return _unparsed(text)
        holder = _Item(0, len(parser.folded))
        holder.extensions = orphans
        return _build(
            parser,
            holder,
            text,
            channel=Channel.ANY,
            scope=None,
            extra_leftovers=tuple(stray),
            ambiguous=True,
        )

    if len(base) == 1:
        only = base[0]
        channels = list(only.channels)
        if len(channels) <= 1 or set(channels) == _ALL_CHANNELS:
            channel = channels[0] if len(channels) == 1 else Channel.ANY
            return _build(
                parser,
                only,
                text,
                channel=channel,
                scope=_scope_of(only),
                extra_leftovers=tuple(stray),
            )

    # Several times: per channel, or per case / stage.
    pairs: list[tuple[_Item, Channel]] = []
    for it in base:
        chans = it.channels if set(it.channels) != _ALL_CHANNELS else []
        pairs.extend((it, c) for c in chans) if chans else pairs.append((it, Channel.ANY))
    alternatives = tuple(
        _build(parser, it, parser.orig(it.lo, it.hi), channel=ch, scope=_scope_of(it))
        for it, ch in pairs
    )
    if channelled:
        index = next((i for i, (_, ch) in enumerate(pairs) if ch is Channel.IN_PERSON), 0)
        main, main_channel = pairs[index]
        return _build(
            parser,
            main,
            text,
            channel=main_channel,
            scope=_scope_of(main),
            alternatives=alternatives,
            extra_leftovers=tuple(stray),
        )
    holder = _Item(0, len(parser.folded))
    return _build(
        parser,
        holder,
        text,
        channel=Channel.ANY,
        scope=None,
        alternatives=alternatives,
        extra_leftovers=tuple(stray),
        ambiguous=ambiguous,
    )


def _unparsed(text: str) -> ProcessingTime:
    return ProcessingTime(text=text, status=ParseStatus.UNPARSED, unparsed_parts=(text,))


@lru_cache(maxsize=16384)
def parse_processing_time(text: str) -> ProcessingTime:
    """Read a processing-time phrase into a :class:`ProcessingTime`.

    The text is normalised with :func:`tthc.text.nfc` first and kept
    verbatim in ``text``. Matching ignores case and diacritics, so "Không
    quả 02 ngày" (a common typo) reads as "không quá". Plain "ngày" is a
    calendar day; only "ngày làm việc" is a working day (domain.md §6.1).
    "giờ" is a working hour. A bare number ("5") keeps its amount with the
    unit ``UNKNOWN`` and status ``PARTIAL``. Placeholders give
    ``UNSPECIFIED``. Results are cached.

    >>> pt = parse_processing_time("Trong ngày (cơ quan, tổ chức tiếp nhận yêu cầu hoặc "
    ...     "trong ngày làm việc tiếp theo, nếu tiếp nhận yêu cầu sau 15 giờ)")
    >>> pt.unit.value, pt.cutoff, pt.start_event, pt.status.value
    ('same_day', datetime.time(15, 0), 'cơ quan, tổ chức tiếp nhận yêu cầu', 'parsed')
    >>> pt = parse_processing_time("03 ngày làm việc, trường hợp phải xác minh thì "
    ...     "thời hạn giải quyết không quá 10 ngày làm việc.")
    >>> ext = pt.extensions[0]
    >>> ext.condition, ext.amount, ext.qualifier.value
    ('phải xác minh', Decimal('10'), 'at_most')
    >>> parse_processing_time("Không quy định").status.value
    'unspecified'

    Args:
        text: the phrase as published.

    Returns:
        The structure, the NFC text and the parse status; never raises on a string.
    """
    clean = nfc(text)
    key = " ".join(_WORD.findall(_fold_with_map(clean)[0]))
    if key in _PLACEHOLDERS:
        return ProcessingTime(text=clean, status=ParseStatus.UNSPECIFIED)
    parser = _Parser(clean)
    parser.prepass()
    items = [parser.part(lo, hi, in_paren=False) for lo, hi in parser.split(0, len(parser.folded))]
    return _assemble(parser, items, clean)
