"""Posting lists: the procedures a one-stop desk must post, as format-free records.

A desk posts every procedure of its level that is in force, grouped by field,
with the feedback address (domain.md §5.1, §5.2). :func:`build_posting_list`
reads that set from a catalogue at a date; :mod:`tthc.render` writes it as
XLSX, DOCX, HTML, CSV or Markdown. The records hold display text only, so
every format shows the same words:

>>> from datetime import date
>>> from tthc.desk import Desk
>>> from tthc.procedure import Field
>>> row = PostingRow(stt=1, code="1.001193", name="Thủ tục đăng ký khai sinh",
...                  processing_time="Ngay trong ngày", fees="Miễn lệ phí",
...                  decision="1234/QĐ-UBND ngày 02/01/2019")
>>> group = PostingGroup(numeral=roman(1), field=Field.of("Hộ tịch"), rows=(row,))
>>> pl = PostingList(unit_name="huyện Mẫu Lâm", province="tỉnh Thí Điểm",
...                  desk=Desk(id="xa-a", name="Bộ phận Một cửa UBND xã A", level="commune"),
...                  as_of=date(2019, 12, 31), groups=(group,),
...                  source_decisions=("1234/QĐ-UBND ngày 02/01/2019",))
>>> group.heading, pl.count, pl.place
('I. Lĩnh vực Hộ tịch (1 thủ tục)', 1, 'Mẫu Lâm')
>>> vietnamese_long_date(date(2019, 2, 5))
'ngày 05 tháng 02 năm 2019'
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Protocol

import attrs

from tthc.codes import code_label
from tthc.desk import Desk
from tthc.errors import UnknownDesk
from tthc.procedure import Field, OnlineService, PostalService
from tthc.text import fold, nfc

if TYPE_CHECKING:
    from tthc.catalog import Catalog
    from tthc.decision import DecisionKey
    from tthc.fees import Fee
    from tthc.proctime import ProcessingTime

__all__ = [
    "FEEDBACK_INTRO",
    "FEEDBACK_LABELS",
    "FEEDBACK_TITLE",
    "MISSING",
    "PostingGroup",
    "PostingList",
    "PostingRow",
    "build_posting_list",
    "decision_label",
    "feedback_lines",
    "group_rows",
    "online_label",
    "postal_label",
    "roman",
    "short_date",
    "vietnamese_long_date",
]

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)

# Kind words that open an administrative unit's name; the place name of a
# document date line is the unit's own name (Nghị định 30/2020/NĐ-CP, Phụ lục I).
_UNIT_KINDS = ("thành phố", "thị trấn", "thị xã", "huyện", "quận", "phường", "tỉnh", "xã")


def roman(number: int) -> str:
    """Return *number* (1–3999) in Roman numerals, as field groups are numbered.

    >>> [roman(n) for n in (1, 4, 9, 14, 40)]
    ['I', 'IV', 'IX', 'XIV', 'XL']

    Raises:
        ValueError: *number* is outside 1–3999.
    """
    if not 0 < number < 4000:
        raise ValueError(f"no Roman numeral for {number}")
    parts: list[str] = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        parts.append(letters * count)
    return "".join(parts)


def vietnamese_long_date(day: date) -> str:
    """The date as a document's date line writes it (Nghị định 30/2020/NĐ-CP, Phụ lục I).

    Days below 10 and the months 1 and 2 take a leading zero; other months do not.

    >>> vietnamese_long_date(date(2019, 12, 31))
    'ngày 31 tháng 12 năm 2019'
    >>> vietnamese_long_date(date(2020, 3, 9))
    'ngày 09 tháng 3 năm 2020'
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: date) -> str:
    """``dd/mm/yyyy``, as tables and footers write dates.

    >>> short_date(date(2019, 1, 2))
    '02/01/2019'
    """
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


class _Dated(Protocol):
    @property
    def number(self) -> str: ...
    @property
    def signed(self) -> date: ...


def decision_label(decision: _Dated) -> str:
    """A decision (or its key) as a posting list names it: number and signing date.

    >>> from tthc.decision import Decision
    >>> decision_label(Decision(number="1766/QĐ-UBND", issuer="Chủ tịch UBND tỉnh A",
    ...                         signed=date(2020, 8, 3), effective=date(2020, 8, 3)))
    '1766/QĐ-UBND ngày 03/08/2020'
    """
    return f"{decision.number} ngày {short_date(decision.signed)}"


def postal_label(postal: PostalService | None) -> str:
    """The public postal service offered (Quyết định 45/2016/QĐ-TTg), in words.

    >>> postal_label(PostalService(receive=True, deliver=True))
    'Tiếp nhận, trả kết quả'
    >>> postal_label(PostalService(deliver=True)), postal_label(PostalService())
    ('Trả kết quả', '')
    """
    if postal is None:
        return ""
    if postal.receive and postal.deliver:
        return "Tiếp nhận, trả kết quả"
    if postal.receive:
        return "Tiếp nhận hồ sơ"
    if postal.deliver:
        return "Trả kết quả"
    return ""


def online_label(online: OnlineService | None) -> str:
    """The online service level as posted ("Mức độ 4", "Toàn trình"), or ``""``.

    >>> online_label(OnlineService(level=3)), online_label(None)
    ('Mức độ 3', '')
    """
    return "" if online is None else str(online)


def _time_text(time: ProcessingTime | None) -> str:
    return "" if time is None else nfc(time.text)


def _fee_text(fee: Fee | None) -> str:
    return "" if fee is None else nfc(fee.text)


@attrs.frozen(kw_only=True)
class PostingRow:
    """One procedure on a posting list, as display text.

    Attributes:
        stt: the running number across the whole list (from 1).
        code: the national code, or the local identifier of a procedure
            without one (shown as ``chưa có mã số``: :attr:`code_label`).
        name: the procedure's name.
        processing_time: the time applied at the desk (after a local cut).
        statutory_time: the announced time, set only where the applied time is cut.
        fees: the fee text as announced.
        online: the online service level ("Mức độ 4", "Toàn trình"), or ``""``.
        postal: the postal service ("Tiếp nhận, trả kết quả"), or ``""``.
        decision: the decision that announced the version in force.
    """

    stt: int
    code: str
    name: str = attrs.field(converter=nfc)
    processing_time: str = attrs.field(converter=nfc)
    statutory_time: str | None = attrs.field(default=None, converter=attrs.converters.optional(nfc))
    fees: str = attrs.field(default="", converter=nfc)
    online: str = ""
    postal: str = ""
    decision: str = attrs.field(default="", converter=nfc)

    @property
    def is_cut(self) -> bool:
        """True when the applied time is below the statutory one."""
        return self.statutory_time is not None

    @property
    def code_label(self) -> str:
        """The code as the list shows it: the national code, or ``chưa có mã số``."""
        return code_label(self.code)


@attrs.frozen(kw_only=True)
class PostingGroup:
    """The procedures of one field, numbered I, II, … on the list."""

    numeral: str
    field: Field
    rows: tuple[PostingRow, ...]

    @property
    def count(self) -> int:
        """The number of procedures in the field."""
        return len(self.rows)

    @property
    def title(self) -> str:
        """``Lĩnh vực <name>``."""
        return f"Lĩnh vực {self.field.name}"

    @property
    def heading(self) -> str:
        """The group heading with its numeral and count."""
        return f"{self.numeral}. {self.title} ({self.count} thủ tục)"


@attrs.frozen(kw_only=True)
class PostingList:
    """What a desk posts at a date: its procedures grouped by field, and who to tell.

    Attributes:
        unit_name: the administrative unit keeping the catalogue ("huyện Mẫu Lâm").
        province: its province ("tỉnh Thí Điểm").
        desk: the desk posting the list; its ``feedback`` is the feedback block.
        as_of: the date the list is true on.
        groups: the field groups, in posting order.
        source_decisions: the decisions the list comes from (number and signing date),
            named in the footer.
        generated_note: a closing note saying how the list was made (no timestamp:
            outputs are deterministic).
    """

    unit_name: str = attrs.field(converter=nfc)
    province: str = attrs.field(converter=nfc)
    desk: Desk
    as_of: date
    groups: tuple[PostingGroup, ...]
    source_decisions: tuple[str, ...] = ()
    generated_note: str = ""

    @property
    def rows(self) -> tuple[PostingRow, ...]:
        """Every row, in list order."""
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def count(self) -> int:
        """The number of procedures on the list."""
        return sum(group.count for group in self.groups)

    @property
    def title(self) -> str:
        """The title line: ``DANH MỤC THỦ TỤC HÀNH CHÍNH``."""
        return "DANH MỤC THỦ TỤC HÀNH CHÍNH"

    @property
    def subtitle(self) -> str:
        """Where the list is posted."""
        return f"niêm yết tại {self.desk.name}"

    @property
    def date_line(self) -> str:
        """The date the list is true on."""
        return f"(Các thủ tục có hiệu lực tại ngày {short_date(self.as_of)})"

    @property
    def summary(self) -> str:
        """The total count line."""
        return f"Tổng số: {self.count} thủ tục hành chính thuộc {len(self.groups)} lĩnh vực."

    @property
    def place(self) -> str:
        """The place name of the date line: the unit's name without its kind word."""
        return _strip_kind(self.unit_name)

    @property
    def issuer_lines(self) -> tuple[str, str]:
        """The heading block's two lines: governing body and issuing body (upper case).

        The issuing body is the desk; its governing body is the People's
        Committee above it: the district's for a commune desk, the province's
        for a district desk (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục 3).
        """
        if self.desk.level == "commune":
            parent = f"UBND {self.unit_name}"
        elif self.desk.level == "district":
            parent = f"UBND {self.province}"
        else:
            parent = ""
        return parent.upper(), self.desk.name.upper()

    @property
    def date_place_line(self) -> str:
        """``Mẫu Lâm, ngày 31 tháng 12 năm 2019``."""
        return f"{self.place}, {vietnamese_long_date(self.as_of)}"

    @property
    def sources_line(self) -> str:
        """The footer naming the source decisions."""
        if not self.source_decisions:
            return "Nguồn: (không có quyết định công bố)."
        joined = "; ".join(f"Quyết định số {item}" for item in self.source_decisions)
        return f"Nguồn: {joined}."


def _strip_kind(name: str) -> str:
    folded = name.casefold()
    for kind in _UNIT_KINDS:
        if folded.startswith(kind + " "):
            return name[len(kind) + 1 :].strip()
    return name


#: Labels of the feedback block (domain.md §5.2), in display order.
FEEDBACK_LABELS = (
    ("body", "Cơ quan tiếp nhận"),
    ("address", "Địa chỉ"),
    ("phone", "Điện thoại"),
    ("email", "Thư điện tử"),
    ("portal", "Cổng dịch vụ công"),
)
FEEDBACK_TITLE = "ĐỊA CHỈ TIẾP NHẬN PHẢN ÁNH, KIẾN NGHỊ VỀ QUY ĐỊNH HÀNH CHÍNH"
FEEDBACK_INTRO = (
    "Cá nhân, tổ chức phản ánh, kiến nghị về quy định hành chính, thủ tục hành chính "
    "theo địa chỉ sau:"
)
#: Shown for a required part of the feedback address that the desk lacks.
MISSING = "(chưa cập nhật)"


def feedback_lines(desk: Desk) -> tuple[tuple[str, str], ...]:
    """The feedback block as (label, value) pairs.

    The four required parts (body, postal address, phone, e-mail) always
    appear, marked ``(chưa cập nhật)`` when the desk lacks them, so a gap is
    visible on the board; the portal appears only when set.

    >>> from tthc.desk import FeedbackAddress
    >>> desk = Desk(id="x", name="X", level="commune",
    ...             feedback=FeedbackAddress(body="UBND xã X", phone="0200 1"))
    >>> feedback_lines(desk)[1]
    ('Địa chỉ', '(chưa cập nhật)')
    """
    address = desk.feedback
    lines: list[tuple[str, str]] = []
    for attr, label in FEEDBACK_LABELS:
        value = nfc(getattr(address, attr)) if address is not None else ""
        if attr == "portal" and not value:
            continue
        lines.append((label, value or MISSING))
    return tuple(lines)


# --------------------------------------------------------------------------- building


def group_rows(items: Iterable[tuple[Field, PostingRow]]) -> tuple[PostingGroup, ...]:
    """Group rows by field and number them.

    Fields are ordered by folded name (:func:`tthc.text.fold`, so "Đất đai"
    sorts with the D's), then by key; rows by code, then by name. ``stt`` is
    renumbered from 1 across the list, whatever the input said.

    >>> rows = [(Field.of(f), PostingRow(stt=0, code=c, name=n, processing_time=""))
    ...         for f, c, n in [("Hộ tịch", "1.2", "B"), ("Đất đai", "1.3", "C"),
    ...                         ("Hộ tịch", "1.1", "A")]]
    >>> [(g.numeral, g.field.name, [(r.stt, r.code) for r in g.rows])
    ...  for g in group_rows(rows)]
    [('I', 'Đất đai', [(1, '1.3')]), ('II', 'Hộ tịch', [(2, '1.1'), (3, '1.2')])]
    """
    by_field: dict[Field, list[PostingRow]] = {}
    names: dict[Field, str] = {}
    for field, row in items:
        by_field.setdefault(field, []).append(row)
        names.setdefault(field, field.name)
    ordered = sorted(by_field, key=lambda f: (fold(names[f]), names[f], f.key))
    groups: list[PostingGroup] = []
    stt = 0
    for index, field in enumerate(ordered, start=1):
        rows = sorted(by_field[field], key=lambda r: (r.code, fold(r.name), r.name))
        numbered = []
        for row in rows:
            stt += 1
            numbered.append(attrs.evolve(row, stt=stt))
        groups.append(
            PostingGroup(
                numeral=roman(index), field=Field(names[field], field.key), rows=tuple(numbered)
            )
        )
    return tuple(groups)


def build_posting_list(catalog: Catalog, desk_id: str, as_of: date) -> PostingList:
    """Build the posting list of desk *desk_id* on *as_of* from *catalog*.

    The list holds every procedure in force on *as_of* at the desk's level
    (domain.md §5.1: a desk posts all the procedures it receives), except
    internal procedures (TTHC nội bộ), which are not posted for citizens.
    Each row shows the applied processing time, with the statutory one beside
    it where a local cut applies (domain.md §6.2), and the decision that
    announced the content in force. The footer names the source decisions:
    those that announced, cut or changed the service of a listed procedure.

    Raises:
        UnknownDesk: no desk *desk_id*, or the desk is not open on *as_of*
            (district desks closed on 30/6/2025, domain.md §11).
    """
    desk = catalog.desk(desk_id)
    if not desk.is_open(as_of):
        raise UnknownDesk(desk_id, _closed_message(desk, as_of))
    items: list[tuple[Field, PostingRow]] = []
    sources: set[DecisionKey] = set()
    for record in catalog.as_of(as_of).entries(desk=desk_id):
        procedure = record.procedure
        if procedure.internal:
            continue
        statutory = _time_text(procedure.processing_time)
        applied = _time_text(record.applied_time) if record.applied_time is not None else None
        cut = applied is not None and applied != statutory
        items.append(
            (
                procedure.field,
                PostingRow(
                    stt=0,
                    code=procedure.code,
                    name=procedure.name,
                    processing_time=applied if cut and applied is not None else statutory,
                    statutory_time=statutory if cut else None,
                    fees=_fee_text(procedure.fees),
                    online=online_label(record.online),
                    postal=postal_label(record.postal),
                    decision=decision_label(record.decision),
                ),
            )
        )
        sources.add(record.decision)
        if record.cut_decision is not None:
            sources.add(record.cut_decision)
        sources.add(record.version.decision)
    unit = catalog.unit
    ordered = sorted(
        sources, key=lambda key: (key.signed, fold(key.number), key.number, key.issuer)
    )
    labels = tuple(dict.fromkeys(decision_label(key) for key in ordered))
    note = (
        f"Danh mục lập bằng tthc từ các quyết định công bố thủ tục hành chính áp dụng tại "
        f"{unit.name}; tình trạng tại ngày {short_date(as_of)}."
    )
    return PostingList(
        unit_name=unit.name,
        province=unit.province,
        desk=desk,
        as_of=as_of,
        groups=group_rows(items),
        source_decisions=labels,
        generated_note=note,
    )


def _closed_message(desk: Desk, day: date) -> str:
    if desk.opened is not None and day < desk.opened:
        when = f"it opens on {short_date(desk.opened)}"
    elif desk.closed is not None:
        when = f"it closed on {short_date(desk.closed)}"
    else:  # pragma: no cover - is_open is false only outside opened..closed
        when = "it is closed"
    return f"desk {desk.id!r} is not open on {short_date(day)}: {when}"
