"""Fees and charges (phí, lệ phí): amounts read from the announced text.

A :class:`Fee` always keeps the verbatim text. Amounts are parsed where the
text allows; an unparsed text is marked so, never read as zero. The parser
is :func:`tthc.feeparse.parse_fee`:

>>> from tthc.feeparse import parse_fee
>>> fee = parse_fee("2.000 đồng/trang")
>>> fee.status.value, fee.amounts[0].amount, fee.amounts[0].per
('parsed', Decimal('2000'), 'trang')
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from tthc.proctime import Channel, ParseStatus, Qualifier

__all__ = ["Fee", "FeeAmount"]


@attrs.frozen(kw_only=True)
class FeeAmount:
    """One amount in a fee text ("2.000 đồng/trang").

    A stated absence of fee ("Miễn phí", "Lệ phí: Không", "0 Đồng") is an
    amount of zero: it is what the text says, not a default.
    """

    amount: Decimal
    #: ISO 4217 code: "VND" or "USD".
    currency: str = "VND"
    #: The unit charged for ("trang", "bản", "trường hợp"), if stated.
    per: str | None = None
    #: "phí" or "lệ phí" when the text says which.
    kind: str | None = None
    channel: Channel = Channel.ANY
    #: The condition or description the amount is attached to, verbatim.
    condition: str | None = None
    #: ``AT_MOST`` for a ceiling ("tối đa thu không quá 200.000 đồng/bản").
    #:
    #: .. versionadded:: 0.1
    qualifier: Qualifier = Qualifier.EXACT


@attrs.frozen(kw_only=True)
class Fee:
    """The fees of a procedure: verbatim text plus parsed amounts.

    ``status`` is ``PARSED`` when every part of the text is in the
    structure, ``PARTIAL`` when some amounts are and the rest is listed in
    ``unparsed_parts``, ``UNPARSED`` when no amount could be read (the
    reasons are in ``unparsed_parts``), and ``UNSPECIFIED`` for an empty
    text or a placeholder ("Không có thông tin", "Không quy định").
    """

    text: str
    status: ParseStatus
    #: True when the text says there is no fee ("Miễn phí", "Không"): every
    #: amount read is zero.
    free: bool = False
    amounts: tuple[FeeAmount, ...] = ()
    unparsed_parts: tuple[str, ...] = ()
    #: Clauses that exempt some applicants ("Miễn lệ phí đối với …"), verbatim.
    #:
    #: .. versionadded:: 0.1
    exemptions: tuple[str, ...] = ()
