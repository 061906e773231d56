"""Fees and charges (phí, lệ phí): amounts read from the announced text.

A :class:`Fee` always keeps the verbatim text. Amounts are parsed where the
text allows; an unparsed text is marked so, never read as zero.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from tthc.proctime import Channel, ParseStatus

__all__ = ["Fee", "FeeAmount"]


@attrs.frozen(kw_only=True)
class FeeAmount:
    """One amount in a fee text ("2.000 đồng/trang")."""

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


@attrs.frozen(kw_only=True)
class Fee:
    """The fees of a procedure: verbatim text plus parsed amounts."""

    text: str
    status: ParseStatus
    #: True when the text says there is no fee ("Miễn phí", "Không").
    free: bool = False
    amounts: tuple[FeeAmount, ...] = ()
    unparsed_parts: tuple[str, ...] = ()
