"""Fee texts (phí, lệ phí): parse_fee and format_fee, on examples and on every real text."""

from __future__ import annotations

import re
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import FEE_FILES, real_column, real_fee_text, real_fee_texts, vnd_amounts

from tthc.feeparse import format_fee, parse_fee
from tthc.fees import Fee
from tthc.proctime import Channel, ParseStatus, Qualifier
from tthc.text import fold, nfc


def _values(fee: Fee) -> list[tuple[str, str, str | None]]:
    return [(str(a.amount), a.currency, a.per) for a in fee.amounts]


def _assert_consistent(fee: Fee) -> None:
    """The invariants every Fee must keep, whatever the text."""
    assert fee.text == nfc(fee.text)
    if fee.status is ParseStatus.PARSED:
        assert fee.amounts
        assert not fee.unparsed_parts
    elif fee.status is ParseStatus.PARTIAL:
        assert fee.amounts
        assert fee.unparsed_parts
    elif fee.status is ParseStatus.UNPARSED:
        assert not fee.amounts
        assert fee.unparsed_parts
    else:
        assert (fee.amounts, fee.unparsed_parts, fee.exemptions) == ((), (), ())
    assert fee.free == (bool(fee.amounts) and all(a.amount == 0 for a in fee.amounts))
    assert all(a.amount >= 0 for a in fee.amounts)
    assert all(a.currency in ("VND", "USD") for a in fee.amounts)


class TestAmounts:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2.000đồng/trang", [("2000", "VND", "trang")]),
            ("25,000 Việt Nam Đồng", [("25000", "VND", None)]),
            ("10.000 đồng/trường hợp", [("10000", "VND", "trường hợp")]),
            ("1.5 USD", [("1.5", "USD", None)]),
            ("Lệ phí : 03 USD", [("3", "USD", None)]),
            ("50.000đ", [("50000", "VND", None)]),
            ("100.000 VNĐ", [("100000", "VND", None)]),
            ("Lệ phí : 20000 Đồng", [("20000", "VND", None)]),
            ("2.000.000 đồng/hồ sơ", [("2000000", "VND", "hồ sơ")]),
            ("30.000 đồng/hợp đồng, giao dịch", [("30000", "VND", "hợp đồng, giao dịch")]),
            ("10.000 đồng/người/lần đăng ký", [("10000", "VND", "người/lần đăng ký")]),
            ("3.000 đồng/bản sao.", [("3000", "VND", "bản sao")]),
            ("1,5 triệu đồng/hồ sơ", [("1500000", "VND", "hồ sơ")]),
            ("50.000", [("50000", "VND", None)]),
        ],
    )
    def test_amount_forms(self, text: str, expected: list[tuple[str, str, str | None]]) -> None:
        """Thousands dots and commas, units, USD decimals and the unit charged for."""
        fee = parse_fee(text)

        assert (ParseStatus.PARSED, expected) == (fee.status, _values(fee))

    @pytest.mark.parametrize("text", ["1.5 đồng", "0.000đ/giấy thông hành", "12.34.5 VNĐ"])
    def test_ambiguous_digits_are_not_guessed(self, text: str) -> None:
        """A đồng amount whose groups are not thousands is reported, not read."""
        fee = parse_fee(text)

        assert fee.status is ParseStatus.UNPARSED
        assert fee.amounts == ()
        assert fee.unparsed_parts

    @settings(max_examples=300)
    @given(vnd_amounts(), st.sampled_from(["", "/trang", "/hồ sơ", "/trường hợp", "/bản"]))
    def test_generated_amounts(self, written: tuple[str, Decimal], per: str) -> None:
        """Any đồng amount written the usual ways is read back exactly."""
        text, value = written

        fee = parse_fee(f"{text}{per}")

        assert fee.status is ParseStatus.PARSED
        assert [a.amount for a in fee.amounts] == [value]
        assert fee.amounts[0].per == (per[1:] or None)


class TestFree:
    @pytest.mark.parametrize(
        "text", ["Miễn phí", "Không", "Miễn lệ phí", "Phí : 0 Đồng", "Phí : Không Đồng", "0"]
    )
    def test_free(self, text: str) -> None:
        """A stated absence of fee is free, with an explicit zero amount."""
        fee = parse_fee(text)

        assert fee.status is ParseStatus.PARSED
        assert fee.free
        assert [a.amount for a in fee.amounts] == [Decimal(0)]

    def test_free_for_some_is_an_exemption(self) -> None:
        """ "Miễn … đối với" exempts some applicants: the fee is not free."""
        fee = parse_fee(
            "400.000đ/trường hợp (miễn: cha dượng/mẹ kế nhận con riêng; "
            "cô/cậu/dì/chú/bác nhận cháu; người có công)"
        )

        assert not fee.free
        assert _values(fee) == [("400000", "VND", "trường hợp")]
        assert fee.exemptions == (
            "miễn: cha dượng/mẹ kế nhận con riêng; cô/cậu/dì/chú/bác nhận cháu; người có công",
        )


class TestPlaceholders:
    @pytest.mark.parametrize(
        "text", ["", "   ", "Không có thông tin", "Không quy định", "Chưa quy định", "Phí : Đồng"]
    )
    def test_unspecified(self, text: str) -> None:
        """Empty texts and placeholders are UNSPECIFIED, never a zero."""
        fee = parse_fee(text)

        assert fee.status is ParseStatus.UNSPECIFIED
        assert (fee.amounts, fee.free) == ((), False)

    def test_none_is_empty(self) -> None:
        """None is read as an empty text."""
        assert parse_fee(None).status is ParseStatus.UNSPECIFIED

    def test_pointer_to_a_regulation_is_unparsed(self) -> None:
        """ "Theo quy định của Bộ Tài chính" names no amount: unparsed, not zero."""
        fee = parse_fee(
            "Phí : Đồng (Theo quy định của Bộ Tài chính) File đính kèm: 62-btc.signed.pdf"
        )

        assert fee.status is ParseStatus.UNPARSED
        assert fee.amounts == ()
        assert fee.unparsed_parts == (fee.text,)


class TestStructure:
    def test_kinds(self) -> None:
        """ "Phí: …; Lệ phí: …" gives one amount of each kind."""
        fee = parse_fee(
            "Phí: *Tổ chức, doanh nghiệp: - Khu vực thành phố: 1.200.000 đồng. "
            "- Khu vực huyện : 600.000 đồng * Hộ kinh doanh, cá nhân: - Khu vực thành phố: "
            "400.000 đồng. - Khu vực huyện : 200.000 đồng; Lệ phí: Không"
        )

        assert [(a.kind, a.amount, a.condition) for a in fee.amounts] == [
            ("phí", Decimal(1_200_000), "Tổ chức, doanh nghiệp: Khu vực thành phố"),
            ("phí", Decimal(600_000), "Tổ chức, doanh nghiệp: Khu vực huyện"),
            ("phí", Decimal(400_000), "Hộ kinh doanh, cá nhân: Khu vực thành phố"),
            ("phí", Decimal(200_000), "Hộ kinh doanh, cá nhân: Khu vực huyện"),
            ("lệ phí", Decimal(0), None),
        ]
        assert fee.status is ParseStatus.PARSED
        assert not fee.free

    def test_channel_labels(self) -> None:
        """ "Trực tuyến: …; Trực tiếp: …" gives one amount per channel."""
        fee = parse_fee("Trực tuyến: Miễn phí; Trực tiếp: 10.000 đồng/hồ sơ")

        assert [(a.channel, a.amount) for a in fee.amounts] == [
            (Channel.ONLINE, Decimal(0)),
            (Channel.IN_PERSON, Decimal(10_000)),
        ]

    def test_channel_named_in_the_clause(self) -> None:
        """A portal cell whose description names the channel."""
        fee = parse_fee(
            "10,000 Việt Nam Đồng(Trường hợp công dân nộp hồ sơ trực tiếp thu 10.000 đồng/lần "
            "đăng ký;); 5,000 Việt Nam Đồng(Trường hợp công dân nộp hồ sơ qua cổng dịch vụ công "
            "trực tuyến thu 5000 đồng/lần đăng ký;)"
        )

        assert [(a.channel, a.amount, a.per) for a in fee.amounts] == [
            (Channel.IN_PERSON, Decimal(10_000), "lần đăng ký"),
            (Channel.ONLINE, Decimal(5_000), "lần đăng ký"),
        ]
        assert fee.status is ParseStatus.PARSED

    def test_conditions_and_ceiling(self) -> None:
        """Certification fees: a first-pages price, a later-pages price, a ceiling."""
        fee = parse_fee(
            "2.000 đồng/trang; từ trang thứ 3 trở lên thu 1.000 đồng/trang, "
            "tối đa thu không quá 200.000 đồng/bản"
        )

        assert [(a.amount, a.per, a.condition, a.qualifier) for a in fee.amounts] == [
            (Decimal(2000), "trang", None, Qualifier.EXACT),
            (Decimal(1000), "trang", "từ trang thứ 3 trở lên", Qualifier.EXACT),
            (Decimal(200_000), "bản", None, Qualifier.AT_MOST),
        ]

    def test_trailing_condition_and_exemption(self) -> None:
        """ "5.000 đồng đối với …. Miễn lệ phí đối với …" (a posted list)."""
        fee = parse_fee(
            "5.000 đồng đối với trường hợp khai sinh không đúng hạn. Miễn lệ phí đối với "
            "trường hợp đăng ký khai sinh đúng hạn"
        )

        assert fee.amounts[0].condition == "đối với trường hợp khai sinh không đúng hạn"
        assert fee.exemptions == ("Miễn lệ phí đối với trường hợp đăng ký khai sinh đúng hạn",)
        assert fee.status is ParseStatus.PARSED

    def test_usd_with_vnd_equivalent(self) -> None:
        """ "30.000 đồng/Giấy phép (1,5 USD/Giấy phép)": both, with the same condition."""
        fee = parse_fee(
            "Lệ phí : 1.5 USD (Đối với thuyền viên xuống tàu thuyền khác đang neo đậu tại cảng: "
            "30.000 đồng/Giấy phép (1,5 USD/Giấy phép))"
        )

        assert _values(fee) == [("1.5", "USD", "Giấy phép"), ("30000", "VND", "Giấy phép")]
        assert {a.condition for a in fee.amounts} == {
            "Đối với thuyền viên xuống tàu thuyền khác đang neo đậu tại cảng"
        }

    def test_outer_amount_disagreeing_with_its_description(self) -> None:
        """ "700 VNĐ(… 700.000 đồng/cơ sở.)": the described amount, and a flag."""
        fee = parse_fee(
            "700 VNĐ(Phí thẩm định cấp giấy chứng nhận an toàn thực phẩm: 700.000 đồng/cơ sở.)"
        )

        assert fee.status is ParseStatus.PARTIAL
        assert _values(fee) == [("700000", "VND", "cơ sở")]
        assert fee.unparsed_parts == ("700 VNĐ",)

    def test_cells_split_inside_a_cut_description(self) -> None:
        """A description cut with "(" left open does not swallow the next cell."""
        fee = parse_fee(
            "5,000 Việt Nam Đồng(- Gia hạn tạm trú (cá nhân, hộ gia đình); 10,000 Việt Nam "
            "Đồng(- Gia hạn tạm trú theo danh sách: + Trường hợp công dân nộp hồ sơ trực tiếp "
            "thu 10.000 đồng/người/lần đăng ký;)"
        )

        assert _values(fee) == [("5000", "VND", None), ("10000", "VND", "người/lần đăng ký")]
        assert fee.amounts[0].condition == "Gia hạn tạm trú (cá nhân, hộ gia đình)"
        assert fee.amounts[1].channel is Channel.IN_PERSON

    def test_partly_unspecified(self) -> None:
        """One channel free, the other without information: PARTIAL."""
        fee = parse_fee("Miễn phí; Không có thông tin")

        assert (fee.status, fee.free, fee.unparsed_parts) == (
            ParseStatus.PARTIAL,
            True,
            ("Không có thông tin",),
        )


class TestRealFeeTexts:
    def test_every_real_text_is_parsed_or_reported(self) -> None:
        """Every fee text of the data is parsed, or its unparsed parts are reported."""
        texts = real_fee_texts()
        assert len(texts) > 60

        for text in texts:
            _assert_consistent(parse_fee(text))

    def test_share_parsed(self) -> None:
        """Nearly all non-empty real texts yield amounts or are placeholders."""
        rows = [t for file in FEE_FILES for t in real_column(file, "fee_text") if t]
        statuses = [parse_fee(t).status for t in rows]

        unparsed = statuses.count(ParseStatus.UNPARSED)

        assert len(rows) > 400
        assert unparsed / len(rows) < 0.01

    def test_zero_only_where_the_text_says_so(self) -> None:
        """A zero amount always comes from a "0", "không" or "miễn" in the text."""
        for text in real_fee_texts():
            fee = parse_fee(text)
            if any(a.amount == 0 for a in fee.amounts):
                assert re.search(r"\b0\b|khong|mien", fold(text)), text

    def test_amounts_come_from_the_text(self) -> None:
        """Every amount read has its digits in the text (no invented amount)."""
        for text in real_fee_texts():
            digits = re.sub(r"[.,]", "", text)
            for amount in parse_fee(text).amounts:
                assert str(amount.amount).replace(".", "").lstrip("0") in digits, text

    @settings(max_examples=200)
    @given(real_fee_text)
    def test_format_fee_is_the_verbatim_text(self, text: str) -> None:
        """format_fee shows the verbatim text, in NFC."""
        assert format_fee(parse_fee(text)) == nfc(text)


class TestRobustness:
    @settings(max_examples=500)
    @given(st.text())
    def test_never_raises_and_stays_consistent(self, text: str) -> None:
        """Any text gives a consistent Fee."""
        _assert_consistent(parse_fee(text))

    def test_records_are_frozen(self) -> None:
        """Fee and FeeAmount are immutable."""
        fee = parse_fee("50.000 đồng/hồ sơ")

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            fee.text = "x"  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            fee.amounts[0].amount = Decimal(1)  # type: ignore[misc]
