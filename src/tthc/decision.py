"""Announcement decisions (Quyết định công bố TTHC) and their entries.

The provincial chairman announces the procedures of the district and commune
levels (domain.md §2.1). A decision lists procedures newly issued, amended,
replaced (by a named successor) and repealed; tthc adds three entry kinds a
catalogue needs: ``transferred`` (moved between levels, as in 2025 from district
to commune, domain.md §11), ``cut`` (a locally applied processing time below
the statutory one, domain.md §6.2) and ``service`` (online or postal service
granted or withdrawn, domain.md §8).

A decision is identified by (issuer, number, signing date), since numbers
repeat every year:

>>> from datetime import date
>>> d = Decision(number="1766/QĐ-UBND", issuer="Chủ tịch UBND tỉnh Bình Thuận",
...              signed=date(2020, 8, 3), effective=date(2020, 8, 3), entries=())
>>> d.key.number, d.key.signed
('1766/QĐ-UBND', datetime.date(2020, 8, 3))
>>> str(d)
'1766/QĐ-UBND (03/08/2020)'
"""

from __future__ import annotations

import enum
import functools
from datetime import date
from typing import NamedTuple

import attrs

from tthc.fees import Fee
from tthc.procedure import Field, OnlineService, PostalService
from tthc.proctime import ProcessingTime
from tthc.text import nfc

__all__ = [
    "COUNTED_KINDS",
    "Decision",
    "DecisionKey",
    "Entry",
    "EntryKind",
    "ProcedureContent",
]


class EntryKind(enum.Enum):
    """What an entry of a decision does to a procedure at its levels."""

    NEW = "new"
    AMENDED = "amended"
    REPLACED = "replaced"
    REPEALED = "repealed"
    TRANSFERRED = "transferred"
    CUT = "cut"
    SERVICE = "service"

    @property
    def label_vi(self) -> str:
        """The Vietnamese category name used in decisions and reports."""
        return _LABELS_VI[self]


_LABELS_VI = {
    EntryKind.NEW: "mới ban hành",
    EntryKind.AMENDED: "sửa đổi, bổ sung",
    EntryKind.REPLACED: "thay thế",
    EntryKind.REPEALED: "bãi bỏ, hủy bỏ",
    EntryKind.TRANSFERRED: "chuyển cấp thực hiện",
    EntryKind.CUT: "cắt giảm thời gian giải quyết",
    EntryKind.SERVICE: "dịch vụ công trực tuyến, bưu chính công ích",
}

#: The four announcement categories counted in yearly reports.
COUNTED_KINDS = (EntryKind.NEW, EntryKind.AMENDED, EntryKind.REPLACED, EntryKind.REPEALED)


@attrs.frozen(kw_only=True)
class ProcedureContent:
    """The procedure content an entry introduces; ``None`` means "unchanged".

    A new procedure or a successor needs at least ``name`` and ``field``; an
    amendment gives only the components it changes, the rest carries over from
    the version in force.
    """

    name: str | None = attrs.field(default=None, converter=attrs.converters.optional(nfc))
    field: Field | None = None
    agency: str | None = None
    processing_time: ProcessingTime | None = None
    fees: Fee | None = None
    online: OnlineService | None = None
    postal: PostalService | None = None
    legal_basis: tuple[str, ...] | None = None
    forms: tuple[str, ...] | None = None
    steps: str | None = None
    method: str | None = None
    dossier: str | None = None
    applicants: str | None = None
    result: str | None = None
    conditions: str | None = None
    local_code: str | None = None
    internal: bool | None = None


@attrs.frozen(kw_only=True)
class Entry:
    """One line of a decision's list.

    Attributes:
        kind: what the entry does.
        code: the national code the entry is about (for ``replaced``, the old code).
        levels: the levels (keys) it applies to.
        content: the content introduced (``new``, ``amended``, ``replaced``: the successor).
        successor: for ``replaced``, the new code.
        to_levels: for ``transferred``, the levels the procedure moves to.
        applied_time: for ``cut``, the locally applied processing time.
        online, postal: for ``service``, the service now offered (``None`` = unchanged).
        note: free text (the legal document behind the entry, a remark).
        name: the name of the procedure the entry is about, as the decision
            writes it, for a row without a national code: ``code`` is then the
            local identifier of the row (:func:`tthc.codes.local_id`) and, for
            a kind other than ``new``, the replay finds the procedure by this
            name (docs/catalog-format.md, "Procedures without a national code").
    """

    kind: EntryKind
    code: str
    levels: tuple[str, ...]
    content: ProcedureContent | None = None
    successor: str | None = None
    to_levels: tuple[str, ...] = ()
    applied_time: ProcessingTime | None = None
    online: OnlineService | None = None
    postal: PostalService | None = None
    note: str = ""
    name: str | None = None


class DecisionKey(NamedTuple):
    """The identity of a decision: numbers repeat every year and in every province."""

    issuer: str
    number: str
    signed: date


@attrs.frozen(kw_only=True)
class Decision:
    """An announcement decision with its entries."""

    number: str = attrs.field(converter=nfc)
    issuer: str = attrs.field(converter=nfc)
    signed: date
    effective: date
    title: str = ""
    signer: str = ""
    #: The effective date of the legal document (VBQPPL) behind the procedures, if known.
    law_effective: date | None = None
    entries: tuple[Entry, ...] = ()

    @functools.cached_property
    def key(self) -> DecisionKey:
        """The identity (issuer, number, signing date); computed once and shared."""
        return DecisionKey(self.issuer, self.number, self.signed)

    def __str__(self) -> str:
        return f"{self.number} ({self.signed:%d/%m/%Y})"
