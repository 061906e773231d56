"""Read the fee text of a procedure (phí, lệ phí) into a :class:`~tthc.fees.Fee`.

Fee cells are free text, written by hand in decisions and assembled by
portals. The parser reads the shapes seen in real lists and keeps whatever
it cannot read in ``unparsed_parts``; it never turns an unread text into a
zero.

>>> fee = parse_fee("2.000đồng/trang; từ trang thứ 3 trở lên thu 1.000 đồng/trang")
>>> [(str(a.amount), a.per, a.condition) for a in fee.amounts]
[('2000', 'trang', None), ('1000', 'trang', 'từ trang thứ 3 trở lên')]
>>> parse_fee("Lệ phí : 1.5 USD").amounts[0].amount
Decimal('1.5')
>>> fee = parse_fee("Miễn phí")
>>> fee.free, fee.status.value
(True, 'parsed')
>>> parse_fee("Không có thông tin").status.value
'unspecified'
>>> fee = parse_fee("Phí : Đồng (Theo quy định của Bộ Tài chính)")
>>> fee.status.value, fee.unparsed_parts
('unparsed', ('Phí : Đồng (Theo quy định của Bộ Tài chính)',))

What is read (see docs/text-and-codes.md for the full list):

* amounts in đồng (``2.000 đồng``, ``50.000đ``, ``100.000 VNĐ``,
  ``25,000 Việt Nam Đồng``, ``20000 Đồng``, ``1,5 triệu đồng``) and in US
  dollars (``1.5 USD``, ``03 USD``). In đồng the dot, and sometimes the
  comma, separates thousands; a group that does not have three digits
  (``0.000đ``, ``1.5 đồng``) is not guessed at;
* the unit charged for (``/trang``, ``/hợp đồng, giao dịch``);
* labels ``Phí:`` / ``Lệ phí:`` and channel labels (``Trực tuyến:``,
  ``Trực tiếp:``, ``Bưu chính:``), and a channel named in a clause
  ("nộp hồ sơ trực tiếp thu 10.000 đồng");
* ceilings (``tối đa``, ``không quá``), conditions before or after an
  amount, exemptions (``Miễn lệ phí đối với …``);
* the portal form ``70,000 VNĐ(70.000 đồng/Giấy chứng nhận)``, where the
  description repeats the amount with its unit. When the two disagree
  (``700 VNĐ(… 700.000 đồng/cơ sở)``) the description's amounts are kept
  and the outer amount is listed in ``unparsed_parts``, so a person checks;
* several cells joined with ``; `` (one per submission channel), even when
  a truncated description left a parenthesis open.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

import attrs

from tthc.fees import Fee, FeeAmount
from tthc.proctime import Channel, ParseStatus, Qualifier
from tthc.text import fold, nfc

__all__ = ["format_fee", "parse_fee"]

_FLAGS = re.IGNORECASE

_MONEY = re.compile(
    r"(?<![\w.,/])(?P<num>\d+(?:[.,]\d+)*)\s*"
    r"(?:(?P<mult>triệu|nghìn|ngàn|tỷ)\s*)?"
    r"(?P<unit>việt\s*nam\s*đồng|vnđ|vnd|đồng|usd|đô\s*la(?:\s*mỹ)?|đ)(?![^\W\d_])",
    _FLAGS,
)
_MULTIPLIERS = {
    "nghìn": Decimal(1000),
    "ngàn": Decimal(1000),
    "triệu": Decimal(1_000_000),
    "tỷ": Decimal(1_000_000_000),
}
_BARE_NUMBER = re.compile(r"\d+(?:[.,]\d{3})*")
_KIND_LABEL = re.compile(
    r"(?<![^\W\d_])(?<!miễn )(?<!thu )(?<!mức )(?P<kind>lệ\s*phí|phí)\s*:", _FLAGS
)
_CHANNEL_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[;).]\s)|(?<=[;).]))\s*"
    r"(?P<channel>(?:nộp\s*)?trực\s*tuyến|(?:nộp\s*)?trực\s*tiếp"
    r"|(?:qua\s*)?(?:dịch\s*vụ\s*)?bưu\s*chính(?:\s*công\s*ích)?)\s*:",
    _FLAGS,
)
_LEADING_KIND = re.compile(r"^\s*(?P<kind>lệ\s*phí|phí)\b\s*:?\s*", _FLAGS)
# Where a new cell starts inside a cell whose description was cut off with
# a parenthesis left open: "…mức thu lệ p; 50,000 Việt Nam Đồng(…".
_CELL_START = re.compile(
    r"\s*(?:\d[\d.,]*\s*(?:việt\s*nam\s*đồng|vnđ|vnd|đồng|usd)\s*\("
    r"|(?:miễn\s*phí|miễn\s*lệ\s*phí|không\s*có\s*thông\s*tin|không\s*quy\s*định"
    r"|chưa\s*quy\s*định)\s*(?:;|$))",
    _FLAGS,
)
_EXEMPTION = re.compile(r"(?<![^\W\d_])(?:miễn|không\s+thu)(?![^\W\d_])", _FLAGS)
_CEILING = re.compile(r"tối\s*đa|không\s*quá|cao\s*nhất", _FLAGS)
_TRAILING_CONDITION = re.compile(
    r"^(?:đối\s*với|cho|áp\s*dụng|khi|nếu|trường\s*hợp|với|riêng)(?![^\W\d_])", _FLAGS
)
_FILLER_END = re.compile(
    r"(?:\s*(?:thu|là|bằng|mức\s*thu|mức\s*phí|tối\s*đa|không\s*quá))+\s*$", _FLAGS
)
_FILLER_START = re.compile(r"^(?:\s*(?:tối\s*đa|không\s*quá|thu))+(?![^\W\d_])\s*", _FLAGS)
# A clause boundary between two amounts: after it, the text describes the next one.
_BOUNDARY = re.compile(r"[.;]\s|[.;]$|,\s|\s(?=\*)|\s[-+]\s|\n")
_GROUP = "\x00"

_PLACEHOLDERS = frozenset(
    {
        "",
        "khong co thong tin",
        "khong quy dinh",
        "chua quy dinh",
        "chua co thong tin",
        "dang cap nhat",
        "xem chi tiet",
        "khac",
        "dong",
        "viet nam dong",
        "vnd",
    }
)
_FREE = frozenset(
    {
        "mien phi",
        "mien le phi",
        "mien",
        "khong",
        "khong dong",
        "khong thu",
        "khong thu phi",
        "khong thu le phi",
        "khong mat phi",
        "khong co",
        "0",
    }
)


def _key(text: str) -> str:
    """Folded words of *text*, punctuation dropped."""
    return " ".join(re.findall(r"[0-9a-z]+", fold(text)))


def _clean(text: str) -> str | None:
    """Trim punctuation and group markers; None when nothing meaningful is left."""
    text = re.sub(r"\s+", " ", text.replace(_GROUP, " "))
    text = text.strip(" -+*:;,.")
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip(" -+*:;,.")
    return text if re.search(r"\w", text) else None


def _channel_in(text: str) -> Channel | None:
    """The single submission channel a clause names, if it names exactly one."""
    key = _key(text)
    found = set()
    if "truc tuyen" in key or "dich vu cong" in key:
        found.add(Channel.ONLINE)
    if "truc tiep" in key:
        found.add(Channel.IN_PERSON)
    if "buu chinh" in key:
        found.add(Channel.POSTAL)
    return found.pop() if len(found) == 1 else None


def _channel_label(label: str) -> Channel:
    key = _key(label)
    if "tuyen" in key:
        return Channel.ONLINE
    if "tiep" in key:
        return Channel.IN_PERSON
    return Channel.POSTAL


def _kind_of(text: str) -> str | None:
    match = _LEADING_KIND.match(text)
    if match is None:
        return None
    return "lệ phí" if _key(match["kind"]).startswith("le") else "phí"


def _number(num: str, unit: str, mult: str | None) -> Decimal | None:
    """The value of a written amount, or None when the digits are ambiguous."""
    value = _raw_number(num, unit, mult)
    if value is not None and value == value.to_integral_value():
        return Decimal(int(value))
    return value


def _raw_number(num: str, unit: str, mult: str | None) -> Decimal | None:
    if mult:
        factor = _MULTIPLIERS[mult.lower()]
        if re.fullmatch(r"\d+(?:[.,]\d+)?", num):
            return Decimal(num.replace(",", ".")) * factor
        return None
    if _key(unit) in ("usd", "do la", "do la my"):
        if re.fullmatch(r"\d+(?:[.,]\d{1,2})?", num):
            return Decimal(num.replace(",", "."))
        if re.fullmatch(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d{1,2})?", num):
            return Decimal(num.replace(",", ""))
        if re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", num):
            return Decimal(num.replace(".", ""))
        return None
    if re.fullmatch(r"\d+", num):
        return Decimal(int(num))
    if re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?:,\d{3})+", num):
        return Decimal(num.replace(".", "").replace(",", ""))
    return None


def _currency(unit: str) -> str:
    return "USD" if _key(unit).startswith(("usd", "do la")) else "VND"


# ----------------------------------------------------------------- intermediate


@attrs.define
class _Amount:
    amount: Decimal
    currency: str
    per: str | None = None
    kind: str | None = None
    channel: Channel | None = None
    conditions: list[str] = attrs.Factory(list)
    qualifier: Qualifier = Qualifier.EXACT
    #: verbatim text of the amount, to report it if it must be set aside
    raw: str = ""
    #: written at the head of its clause with no unit charged for
    bare_head: bool = False

    def freeze(self, kind: str | None, channel: Channel | None) -> FeeAmount:
        return FeeAmount(
            amount=self.amount,
            currency=self.currency,
            per=self.per,
            kind=self.kind or kind,
            channel=self.channel or channel or Channel.ANY,
            condition="; ".join(self.conditions) or None,
            qualifier=self.qualifier,
        )


@attrs.define
class _Result:
    amounts: list[FeeAmount] = attrs.Factory(list)
    exemptions: list[str] = attrs.Factory(list)
    residual: list[str] = attrs.Factory(list)
    placeholders: list[str] = attrs.Factory(list)
    #: plain text of a parenthesised description, for the amount before it
    descriptions: list[str] = attrs.Factory(list)

    def extend(self, other: _Result) -> None:
        self.amounts += other.amounts
        self.exemptions += other.exemptions
        self.residual += other.residual
        self.placeholders += other.placeholders
        self.descriptions += other.descriptions


# -------------------------------------------------------------------- splitting


def _depths(text: str) -> list[int]:
    """Parenthesis depth before each character."""
    depth, out = 0, []
    for char in text:
        out.append(depth)
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
    return out


def _split_semicolons(text: str) -> list[str]:
    """Split at ';' outside parentheses, and where a new cell visibly starts."""
    parts, start, depth = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char == ";" and (depth == 0 or _CELL_START.match(text, i + 1)):
            parts.append(text[start:i])
            start, depth = i + 1, 0
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


@attrs.frozen
class _Segment:
    raw: str
    body: str
    kind: str | None
    channel: Channel | None


def _split_labels(text: str) -> list[_Segment]:
    """Split at "Phí:", "Lệ phí:" and channel labels outside parentheses."""
    depths = _depths(text)
    cuts: list[tuple[int, int, str | None, Channel | None]] = []
    for match in _KIND_LABEL.finditer(text):
        if depths[match.start()] == 0:
            label_kind = "lệ phí" if _key(match["kind"]).startswith("le") else "phí"
            cuts.append((match.start(), match.end(), label_kind, None))
    for match in _CHANNEL_LABEL.finditer(text):
        start = match.start("channel")
        if depths[start] == 0:
            cuts.append((start, match.end(), None, _channel_label(match["channel"])))
    cuts.sort()
    if not cuts:
        return [_Segment(raw=text, body=text, kind=None, channel=None)]
    segments: list[_Segment] = []
    if text[: cuts[0][0]].strip():
        head = text[: cuts[0][0]]
        segments.append(_Segment(raw=head.strip(), body=head, kind=None, channel=None))
    channel: Channel | None = None
    for index, (start, end, kind, chan) in enumerate(cuts):
        stop = cuts[index + 1][0] if index + 1 < len(cuts) else len(text)
        channel = chan or channel
        if kind is None and index + 1 < len(cuts) and cuts[index + 1][0] == end:
            continue  # "Trực tuyến: Phí: …": the channel carries over
        segments.append(
            _Segment(raw=text[start:stop].strip(), body=text[end:stop], kind=kind, channel=channel)
        )
        if kind is not None:
            channel = chan
    return segments


def _segments(text: str) -> list[_Segment]:
    out: list[_Segment] = []
    for part in _split_semicolons(text):
        out += _split_labels(part)
    return _merge_exemption_lists(out)


def _merge_exemption_lists(segments: list[_Segment]) -> list[_Segment]:
    """Keep "Miễn lệ phí đối với A; B; C" in one piece."""
    merged: list[_Segment] = []
    for seg in segments:
        if (
            merged
            and _EXEMPTION.search(merged[-1].body)
            and seg.kind is None
            and seg.channel is None
            and not _MONEY.search(seg.body)
            and _key(seg.body) not in _PLACEHOLDERS | _FREE
        ):
            last = merged[-1]
            merged[-1] = _Segment(
                raw=f"{last.raw}; {seg.raw}",
                body=f"{last.body}; {seg.body}",
                kind=last.kind,
                channel=last.channel,
            )
        else:
            merged.append(seg)
    return merged


def _groups(body: str) -> tuple[str, list[str]]:
    """Replace each top-level (…) by a marker; an unclosed one runs to the end."""
    main: list[str] = []
    groups: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(body):
        if char == "(":
            if depth == 0:
                start = i + 1
                main.append(_GROUP)
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                groups.append(body[start:i])
        elif depth == 0:
            # A NUL typed in the text would pass for a marker: it is read as a space.
            main.append(" " if char == _GROUP else char)
    if depth:
        groups.append(body[start:])
    return "".join(main), groups


# ---------------------------------------------------------------------- parsing


def _per(main: str, pos: int) -> tuple[str | None, int]:
    """Read "/trang", "/hợp đồng, giao dịch" after an amount ending at *pos*."""
    match = re.match(r"\s*/\s*", main[pos:])
    if match is None:
        return None, pos
    start = pos + match.end()
    stop = start
    while stop < len(main):
        char = main[stop]
        if char in ";()" + _GROUP or char.isdigit():
            break
        if char == "." and not main[stop + 1 : stop + 2].isdigit():
            break
        if char == ",":
            rest = re.match(r",([^;()\x00.]*)", main[stop:])
            tail = rest.group(1) if rest else ""
            after = main[stop + len(rest.group(0)) :] if rest else ""
            words = tail.split()
            if (
                words
                and len(words) <= 3
                and not re.search(r"\d", tail)
                and not _CEILING.search(tail)
                and not _EXEMPTION.search(tail)
                and not after.lstrip().startswith(tuple("0123456789"))
            ):
                stop += len(rest.group(0)) if rest else 1
                continue
            break
        stop += 1
    per = _clean(main[start:stop])
    return per, stop if per else pos


def _split_between(text: str) -> tuple[str, str]:
    """Split the text between two amounts into (after the first, before the next)."""
    match = _BOUNDARY.search(text)
    if match is None:
        return "", text
    return text[: match.start()], text[match.end() :]


def _describe(amount: _Amount, pre: str, group_header: str | None) -> str | None:
    """Fill kind, channel, ceiling and condition from the text before an amount.

    Returns the group header ("*Tổ chức, doanh nghiệp:") in force afterwards.
    """
    if "*" in pre:
        tail = pre.rsplit("*", 1)[1]
        if ":" in tail:
            header, pre = tail.split(":", 1)
            group_header = _clean(header)
        else:
            pre = tail
    amount.kind = amount.kind or _kind_of(pre)
    amount.channel = amount.channel or _channel_in(pre)
    if _CEILING.search(pre):
        amount.qualifier = Qualifier.AT_MOST
    local = _clean(_FILLER_START.sub("", _FILLER_END.sub("", pre.replace(_GROUP, " "))))
    if local and _key(local) not in ("le phi", "phi"):
        amount.conditions.append(f"{group_header}: {local}" if group_header else local)
    elif group_header:
        amount.conditions.append(group_header)
    return group_header


def _after(amount: _Amount, post: str, result: _Result, *, detail: bool) -> None:
    """Sort the text after an amount: a condition, an exemption, or residue.

    Inside a parenthesised description any further sentence describes the
    amount; at the top level only a conditional phrase ("đối với …") does.
    """
    text = post.replace(_GROUP, " ")
    exemption = _EXEMPTION.search(text)
    head = text[: exemption.start()] if exemption else text
    if exemption:
        clause = _clean(text[exemption.start() :])
        if clause:
            result.exemptions.append(clause)
    cleaned = _clean(head)
    if cleaned is None:
        return
    if _TRAILING_CONDITION.match(cleaned):
        amount.conditions.append(cleaned)
        amount.channel = amount.channel or _channel_in(cleaned)
    elif detail:
        amount.conditions.append(cleaned)
    else:
        result.residual.append(cleaned)


def _merge_detail(amount: _Amount, detail: _Result, result: _Result) -> list[_Amount | FeeAmount]:
    """Combine an amount with what its parenthesised description says."""
    result.exemptions += detail.exemptions
    result.residual += detail.residual
    result.placeholders += detail.placeholders
    for text in detail.descriptions:
        # No channel is read from a description: "… theo hình thức trực tuyến
        # bằng 50% mức thu" speaks of another amount.
        if amount.kind is None:
            amount.kind = _kind_of(text)
        amount.conditions.append(text)
    if not detail.amounts:
        return [amount]
    same = [
        a for a in detail.amounts if a.amount == amount.amount and a.currency == amount.currency
    ]
    if same:
        match = same[0]
        amount.per = amount.per or match.per
        amount.kind = amount.kind or match.kind
        if amount.channel is None and match.channel is not Channel.ANY:
            amount.channel = match.channel
        if match.condition:
            amount.conditions.insert(0, match.condition)
        if match.qualifier is Qualifier.AT_MOST:
            amount.qualifier = Qualifier.AT_MOST
        return [amount, *_equivalents(amount, [a for a in detail.amounts if a is not match])]
    head_digits = str(amount.amount)
    clash = amount.bare_head and any(
        a.currency == amount.currency and str(a.amount).startswith(head_digits)
        for a in detail.amounts
    )
    if clash:
        # "700 VNĐ(… 700.000 đồng/cơ sở)": the portal's amount field lost its
        # thousands. Keep the described amounts and flag the head for a person.
        result.residual.append(amount.raw)
        return list(detail.amounts)
    return [amount, *_equivalents(amount, detail.amounts)]


def _equivalents(amount: _Amount, others: list[FeeAmount]) -> list[FeeAmount]:
    """Give an amount in another currency ("(1,5 USD/Giấy phép)") the condition it converts."""
    condition = "; ".join(amount.conditions) or None
    return [
        attrs.evolve(other, condition=condition)
        if other.currency != amount.currency and other.condition is None and condition
        else other
        for other in others
    ]


def _parse_body(body: str, kind: str | None, channel: Channel | None, *, detail: bool) -> _Result:
    result = _Result()
    main, groups = _groups(body)
    matches = list(_MONEY.finditer(main))
    group_slots = [m.start() for m in re.finditer(_GROUP, main)]
    details = [_parse_text(g, kind=kind, channel=channel, detail=True) for g in groups]

    if not matches:
        return _parse_plain(body, main, details, kind, channel, detail=detail)

    built: list[_Amount | FeeAmount] = []
    header: str | None = None
    pre = main[: matches[0].start()]
    for index, match in enumerate(matches):
        value = _number(match["num"], match["unit"], match["mult"])
        per, end = _per(main, match.end())
        next_start = matches[index + 1].start() if index + 1 < len(matches) else len(main)
        between = main[end:next_start]
        post, next_pre = _split_between(between) if index + 1 < len(matches) else (between, "")
        # Parenthesised descriptions between this amount and the next belong to it.
        mine = _Result()
        for slot, item in zip(group_slots, details, strict=True):
            if end <= slot < next_start:
                mine.extend(item)
        if value is None:
            result.residual.append(_clean(main[match.start() : end]) or match.group(0))
            result.amounts += mine.amounts
            result.exemptions += mine.exemptions
            result.residual += mine.residual + mine.descriptions
        else:
            amount = _Amount(
                amount=value,
                currency=_currency(match["unit"]),
                per=per,
                raw=match.group(0).strip(),
                bare_head=per is None and _clean(pre) is None,
            )
            header = _describe(amount, pre, header)
            _after(amount, post, result, detail=detail)
            built += _merge_detail(amount, mine, result)
        pre = next_pre
    # Descriptions written before the first amount describe it.
    before = _Result()
    for slot, item in zip(group_slots, details, strict=True):
        if slot < matches[0].start():
            before.extend(item)
    result.amounts += before.amounts
    result.exemptions += before.exemptions
    result.residual += before.residual
    first = next((b for b in built if isinstance(b, _Amount)), None)
    if first is not None:
        first.conditions += before.descriptions
    else:
        result.residual += before.descriptions
    for piece in built:
        result.amounts.append(piece.freeze(kind, channel) if isinstance(piece, _Amount) else piece)
    return result


def _parse_plain(
    body: str,
    main: str,
    details: list[_Result],
    kind: str | None,
    channel: Channel | None,
    *,
    detail: bool,
) -> _Result:
    """A body with no amount: free, a placeholder, a bare number, an exemption, text."""
    result = _Result()
    key = _key(main)
    text = _clean(body)
    if key in _FREE:
        zero = _Amount(amount=Decimal(0), currency="VND")
        if kind is None and key.startswith("mien le"):
            zero.kind = "lệ phí"
        detail_result = _Result()
        for item in details:
            detail_result.extend(item)
        for piece in _merge_detail(zero, detail_result, result):
            result.amounts.append(
                piece.freeze(kind, channel) if isinstance(piece, _Amount) else piece
            )
        return result
    bare = _clean(main)
    if bare and _BARE_NUMBER.fullmatch(bare) and not details:
        value = _number(bare, "đồng", None)
        if value is not None:
            result.amounts.append(_Amount(amount=value, currency="VND").freeze(kind, channel))
            return result
    if key in _PLACEHOLDERS:
        for item in details:
            result.extend(item)
        if details and not detail:
            # "Phí : (Theo quy định của Bộ Tài chính)": a pointer, not an amount.
            result.residual += result.descriptions
            result.descriptions = []
        elif text is not None and not details:
            result.placeholders.append(text)
        return result
    if text is None:
        return result
    if _EXEMPTION.search(body):
        result.exemptions.append(text)
    elif detail:
        result.descriptions.append(text)
    else:
        result.residual.append(text)
    return result


def _parse_text(text: str, kind: str | None, channel: Channel | None, *, detail: bool) -> _Result:
    result = _Result()
    for seg in _segments(text):
        part = _parse_body(seg.body, seg.kind or kind, seg.channel or channel, detail=detail)
        if not detail and part.residual and not part.amounts and not part.exemptions:
            # Report the whole segment verbatim rather than its pieces.
            part.residual = [seg.raw]
        result.extend(part)
    return result


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def parse_fee(text: str | None) -> Fee:
    """Read a fee text into a :class:`~tthc.fees.Fee`; never raises on content.

    Args:
        text: the fee cell as published; ``None`` is read as empty.

    Returns:
        A :class:`~tthc.fees.Fee` with the NFC text, the amounts read, the
        exemption clauses, and everything not understood in
        ``unparsed_parts``. ``PARTIAL`` and ``UNPARSED`` always come with at
        least one unparsed part.

    >>> fee = parse_fee("Phí: 100.000 đồng; Lệ phí: Không")
    >>> [(a.kind, str(a.amount)) for a in fee.amounts], fee.free
    ([('phí', '100000'), ('lệ phí', '0')], False)
    >>> parse_fee("0.000đ/giấy").status.value
    'unparsed'

    .. versionadded:: 0.1
    """
    verbatim = nfc(text or "")
    if _key(verbatim) in _PLACEHOLDERS:
        return Fee(text=verbatim, status=ParseStatus.UNSPECIFIED)
    result = _parse_text(verbatim, kind=None, channel=None, detail=False)
    amounts = tuple(dict.fromkeys(result.amounts))
    exemptions = _unique(result.exemptions)
    problems = list(result.residual)
    if amounts or exemptions or result.residual:
        problems += result.placeholders
    unparsed = _unique(problems)
    if amounts:
        status = ParseStatus.PARTIAL if unparsed else ParseStatus.PARSED
    elif unparsed or exemptions:
        status = ParseStatus.UNPARSED
        unparsed = unparsed or (verbatim,)
    else:
        status = ParseStatus.UNSPECIFIED
    return Fee(
        text=verbatim,
        status=status,
        free=bool(amounts) and all(a.amount == 0 for a in amounts),
        amounts=amounts,
        unparsed_parts=unparsed,
        exemptions=exemptions,
    )


def format_fee(fee: Fee) -> str:
    """Return the text to show for *fee*: its verbatim text, in NFC.

    >>> format_fee(parse_fee("50.000\\u00a0đồng/hồ sơ"))
    '50.000 đồng/hồ sơ'

    .. versionadded:: 0.1
    """
    return nfc(fee.text)
