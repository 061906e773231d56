"""Tests for tthc.proctime: the phrase parser, conversions and cuts."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import FEE_FILES, real_column

from tthc.proctime import (
    Channel,
    Extension,
    ParseStatus,
    ProcessingTime,
    Qualifier,
    TimeUnit,
    cut_fraction,
    parse_processing_time,
    to_working_days,
    to_working_hours,
)
from tthc.text import nfc

DOC = Path(__file__).resolve().parents[1] / "docs" / "processing-time.md"
WD, CD, WH, SD = (
    TimeUnit.WORKING_DAY,
    TimeUnit.CALENDAR_DAY,
    TimeUnit.WORKING_HOUR,
    TimeUnit.SAME_DAY,
)


def real_texts() -> list[str]:
    """Every processing_time_text of the four listing files, in file order."""
    return [t for name in FEE_FILES for t in real_column(name, "processing_time_text")]


class TestPhrases:
    @pytest.mark.parametrize(
        ("text", "amount", "unit", "qualifier", "start"),
        [
            (
                "05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
                "5",
                WD,
                "exact",
                "nhận đủ hồ sơ hợp lệ",
            ),
            ("20 Ngày làm việc", "20", WD, "exact", None),
            (
                "Trong thời hạn 20 ngày làm việc, kể từ ngày nhận đủ hồ sơ theo quy định",
                "20",
                WD,
                "within",
                "nhận đủ hồ sơ theo quy định",
            ),
            ("Không quá 02 ngày", "2", CD, "at_most", None),
            ("Không quả 02 ngày", "2", CD, "at_most", None),
            ("Không quá 45 ngày", "45", CD, "at_most", None),
            ("04 giờ làm việc", "4", WH, "exact", None),
            ("tám (8) giờ làm việc", "8", WH, "exact", None),
            ("2,5 ngày", "2.5", CD, "exact", None),
            ("0.5 Giờ", "0.5", WH, "exact", None),
            ("15 Ngày", "15", CD, "exact", None),
            (
                "Tối đa không quá 15 ngày làm việc, kể từ ngày nộp đủ hồ sơ theo quy định.",
                "15",
                WD,
                "at_most",
                "nộp đủ hồ sơ theo quy định",
            ),
            (
                "Trong 01 ngày làm việc từ ngày nhận hồ sơ hợp lệ",
                "1",
                WD,
                "within",
                "nhận hồ sơ hợp lệ",
            ),
        ],
    )
    def test_simple(
        self, text: str, amount: str, unit: TimeUnit, qualifier: str, start: str | None
    ) -> None:
        """A single amount with its unit, qualifier and start event."""
        pt = parse_processing_time(text)

        assert (ParseStatus.PARSED, Decimal(amount), unit, qualifier, start) == (
            pt.status,
            pt.amount,
            pt.unit,
            pt.qualifier.value,
            pt.start_event,
        )
        assert pt.is_computable

    def test_calendar_and_working_days_stay_distinct(self) -> None:
        """Plain "ngày" is a calendar day, "ngày làm việc" a working day."""
        assert parse_processing_time("10 ngày").unit == CD
        assert parse_processing_time("10 ngày làm việc").unit == WD

    def test_range(self) -> None:
        """ "10 – 20 ngày" is a range with both bounds."""
        pt = parse_processing_time("10 – 20 ngày")

        assert (Decimal(10), Decimal(20), CD, ParseStatus.PARSED) == (
            pt.amount,
            pt.amount_max,
            pt.unit,
            pt.status,
        )

    def test_same_day_with_cutoff(self) -> None:
        """ "Trong ngày …, nếu tiếp nhận yêu cầu sau 15 giờ" gives a 15:00 cut-off."""
        pt = parse_processing_time(
            "Trong ngày (cơ quan, tổ chức tiếp nhận yêu cầu hoặc trong ngày làm việc tiếp "
            "theo, nếu tiếp nhận yêu cầu sau 15 giờ)"
        )

        assert (SD, None, time(15, 0), ParseStatus.PARSED) == (
            pt.unit,
            pt.amount,
            pt.cutoff,
            pt.status,
        )
        assert pt.is_computable

    def test_cutoff_with_minutes(self) -> None:
        """A cut-off written 15h30 keeps its minutes."""
        pt = parse_processing_time(
            "Trong ngày; nếu nhận hồ sơ sau 15h30 thì trả kết quả vào ngày làm việc tiếp theo"
        )

        assert time(15, 30) == pt.cutoff
        assert pt.status == ParseStatus.PARSED

    def test_plain_same_day(self) -> None:
        """ "Trong ngày" alone is a same-day time without a cut-off."""
        pt = parse_processing_time("Trong ngày")

        assert (pt.unit, pt.cutoff, pt.status) == (SD, None, ParseStatus.PARSED)

    def test_extension(self) -> None:
        """A conditional longer time is an extension, with its condition verbatim."""
        pt = parse_processing_time(
            "03 ngày làm việc đối với việc thay đổi, cải chính hộ tịch, xác định lại dân tộc. "
            "Trường hợp cần phải xác minh thì thời hạn được kéo dài không quá 06 ngày làm việc."
        )

        assert (Decimal(3), WD) == (pt.amount, pt.unit)
        assert pt.scope == "việc thay đổi, cải chính hộ tịch, xác định lại dân tộc"
        assert (
            Extension(
                condition="cần phải xác minh",
                amount=Decimal(6),
                unit=WD,
                qualifier=Qualifier.AT_MOST,
            ),
        ) == pt.extensions
        assert pt.status == ParseStatus.PARSED

    def test_extension_in_brackets_before_start_event(self) -> None:
        """An extension in brackets leaves the start event to the main time."""
        pt = parse_processing_time(
            "15 ngày làm việc (trường hợp cần lấy ý kiến thì tối đa không quá 25 ngày làm "
            "việc) kể từ ngày nhận đủ hồ sơ hợp lệ."
        )

        assert pt.start_event == "nhận đủ hồ sơ hợp lệ"
        assert [("cần lấy ý kiến", Decimal(25), Qualifier.AT_MOST)] == [
            (e.condition, e.amount, e.qualifier) for e in pt.extensions
        ]

    def test_open_extension(self) -> None:
        """ "Có thể dài hơn theo thỏa thuận …" is an extension without a ceiling."""
        pt = parse_processing_time(
            "- Không quả 02 ngày (kể từ ngày nhận đủ hồ sơ yêu cầu chứng thực); - Có thể dài "
            "hơn theo thỏa thuận bằng văn bản với người yêu cầu chứng thực"
        )

        assert pt.start_event == "nhận đủ hồ sơ yêu cầu chứng thực"
        (ext,) = pt.extensions
        assert (ext.amount, ext.unit) == (None, None)
        assert ext.condition.startswith("theo thỏa thuận")

    def test_exclusions(self) -> None:
        """ "không kể thời gian …" clauses are exclusions."""
        pt = parse_processing_time(
            "+ Không quá 20 ngày (không kể thời gian giải phóng mặt bằng; không kể thời gian "
            "thực hiện nghĩa vụ tài chính của người sử dụng đất)."
        )

        assert pt.exclusions == (
            "thời gian giải phóng mặt bằng",
            "thời gian thực hiện nghĩa vụ tài chính của người sử dụng đất",
        )
        assert (Decimal(20), Qualifier.AT_MOST, ParseStatus.PARSED) == (
            pt.amount,
            pt.qualifier,
            pt.status,
        )

    def test_per_channel(self) -> None:
        """Per-channel times are alternatives; the main time is the in-person one."""
        pt = parse_processing_time("Trực tuyến: 15 ngày; Trực tiếp: 25 ngày")

        assert [(Channel.ONLINE, Decimal(15)), (Channel.IN_PERSON, Decimal(25))] == [
            (a.channel, a.amount) for a in pt.alternatives
        ]
        assert (Channel.IN_PERSON, Decimal(25)) == (pt.channel, pt.amount)
        assert Decimal(15) == pt.for_channel(Channel.ONLINE).amount
        assert pt is pt.for_channel(Channel.POSTAL)

    def test_channel_list_in_brackets(self) -> None:
        """A bracketed list naming every channel means any channel."""
        pt = parse_processing_time("10 ngày làm việc (trực tuyến, qua bưu điện, trực tiếp)")

        assert (pt.channel, pt.alternatives, pt.status) == (Channel.ANY, (), ParseStatus.PARSED)

    def test_cases_have_no_main_amount(self) -> None:
        """Times for named cases are alternatives with a scope; no main amount is chosen."""
        pt = parse_processing_time("Cấp đổi: 03 ngày; Cấp lại (mất/cháy/rách): 01 ngày làm việc")

        assert [("Cấp đổi", Decimal(3), CD), ("Cấp lại (mất/cháy/rách)", Decimal(1), WD)] == [
            (a.scope, a.amount, a.unit) for a in pt.alternatives
        ]
        assert (pt.amount, pt.status) == (None, ParseStatus.PARSED)
        assert not pt.is_computable

    def test_label_after_a_main_time_is_a_condition(self) -> None:
        """ "03 ngày; cần kiểm tra thực tế: 3,5 ngày" reads the label as the condition."""
        pt = parse_processing_time("03 ngày; cần kiểm tra thực tế: 3,5 ngày (sau cắt giảm)")

        assert (Decimal(3), True) == (pt.amount, pt.after_cut)
        assert [("cần kiểm tra thực tế", Decimal("3.5"))] == [
            (e.condition, e.amount) for e in pt.extensions
        ]

    def test_deadline_event(self) -> None:
        """A time that is an event, not a duration, is kept as the deadline event."""
        pt = parse_processing_time("Chậm nhất là ngay trước khi tàu rời cảng.")

        assert (
            pt.deadline_event,
            pt.qualifier,
            pt.amount,
        ) == ("ngay trước khi tàu rời cảng", Qualifier.AT_MOST, None)
        assert pt.status == ParseStatus.PARSED
        assert not pt.is_computable

    @pytest.mark.parametrize("text", ["5", "1", "120", "0"])
    def test_bare_number_keeps_unit_unknown(self, text: str) -> None:
        """A bare number is PARTIAL with an UNKNOWN unit and is never computable."""
        pt = parse_processing_time(text)

        assert (Decimal(text), TimeUnit.UNKNOWN, ParseStatus.PARTIAL) == (
            pt.amount,
            pt.unit,
            pt.status,
        )
        assert not pt.is_computable

    @pytest.mark.parametrize(
        "text", ["", "   ", "Không quy định", "Khác", "Không có thông tin", "KHÔNG QUY ĐỊNH."]
    )
    def test_placeholders(self, text: str) -> None:
        """Empty texts and placeholders are UNSPECIFIED."""
        pt = parse_processing_time(text)

        assert (pt.status, pt.amount) == (ParseStatus.UNSPECIFIED, None)

    def test_unread_words_make_it_partial(self) -> None:
        """Words the parser does not structure are kept and make the status PARTIAL."""
        pt = parse_processing_time("20 ngày làm việc để thẩm định")

        assert (ParseStatus.PARTIAL, ("để thẩm định",), Decimal(20)) == (
            pt.status,
            pt.unparsed_parts,
            pt.amount,
        )

    def test_additional_days_are_not_read_as_a_ceiling(self) -> None:
        """ "kéo dài thêm 05 ngày" (five more days) is not silently read as a total."""
        pt = parse_processing_time(
            "03 ngày làm việc; trường hợp cần xác minh thì kéo dài thêm 05 ngày làm việc"
        )

        assert pt.status == ParseStatus.PARTIAL
        assert "thêm" in pt.unparsed_parts

    @pytest.mark.parametrize("text", ["Theo quy định", "2 tháng", "Kể từ ngày nhận hồ sơ"])
    def test_unparsed(self, text: str) -> None:
        """Texts without a readable amount are UNPARSED and kept whole."""
        pt = parse_processing_time(text)

        assert (ParseStatus.UNPARSED, (text,)) == (pt.status, pt.unparsed_parts)

    def test_nfc_at_the_edge(self) -> None:
        """Decomposed input is normalised; the result equals that of the NFC text."""
        decomposed = unicodedata.normalize("NFD", "05 ngày làm việc")
        pt = parse_processing_time(decomposed)

        assert pt.text == "05 ngày làm việc"
        assert parse_processing_time("05 ngày làm việc") == pt

    def test_cached(self) -> None:
        """The same text gives the same object."""
        assert parse_processing_time("7 Ngày làm việc") is parse_processing_time("7 Ngày làm việc")


class TestRealTexts:
    def test_every_real_text(self) -> None:
        """Every real text parses; only bare numbers stay PARTIAL, none is UNPARSED."""
        for text in real_texts():
            pt = parse_processing_time(text)

            assert nfc(text) == pt.text
            if pt.status is ParseStatus.PARTIAL:
                assert re.fullmatch(r"\d+", text.strip()), text
                assert pt.unit == TimeUnit.UNKNOWN
            assert pt.status != ParseStatus.UNPARSED, text
            if pt.status is ParseStatus.PARSED:
                assert pt.unparsed_parts == ()

    def test_shares_stated_in_docs(self) -> None:
        """The shares of parsed, partial and unparsed texts in the docs are the measured ones."""
        counts = Counter(parse_processing_time(t).status for t in real_texts())
        total = sum(counts.values())
        meaningful = total - counts[ParseStatus.UNSPECIFIED]
        doc = DOC.read_text(encoding="utf-8")

        assert f"| all texts | {total} |" in doc
        assert f"| placeholders or empty (UNSPECIFIED) | {counts[ParseStatus.UNSPECIFIED]} |" in doc
        for status in (ParseStatus.PARSED, ParseStatus.PARTIAL, ParseStatus.UNPARSED):
            share = f"{100 * counts[status] / meaningful:.1f}%"
            row = f"| {status.name} | {counts[status]} | {share} |"
            assert row in doc, row


class TestConversions:
    def test_working_days_and_hours(self) -> None:
        """8 working hours make a working day."""
        assert Decimal("0.5") == to_working_days(parse_processing_time("04 giờ làm việc"))
        assert Decimal(24) == to_working_hours(parse_processing_time("03 ngày làm việc"))

    @pytest.mark.parametrize("text", ["15 ngày", "Trong ngày", "5", "10 – 20 ngày làm việc", ""])
    def test_no_working_length(self, text: str) -> None:
        """Calendar days, same-day times, unknown units and ranges have no working length."""
        pt = parse_processing_time(text)

        assert (to_working_days(pt), to_working_hours(pt)) == (None, None)

    @pytest.mark.parametrize(
        ("statutory", "applied", "expected"),
        [
            ("20 ngày làm việc", "15 ngày làm việc", Decimal("0.25")),
            ("03 ngày làm việc", "12 giờ", Decimal("0.5")),
            ("15 ngày", "10 ngày", Decimal(1) / 3),
            ("2 ngày làm việc", "3 ngày làm việc", Decimal("-0.5")),
            ("Trong ngày", "Trong ngày", Decimal(0)),
        ],
    )
    def test_cut_fraction(self, statutory: str, applied: str, expected: Decimal) -> None:
        """(statutory − applied) / statutory in a common unit."""
        assert expected == cut_fraction(
            parse_processing_time(statutory), parse_processing_time(applied)
        )

    @pytest.mark.parametrize(
        ("statutory", "applied"),
        [
            ("15 ngày", "10 ngày làm việc"),
            ("Trong ngày", "4 giờ"),
            ("5", "3 ngày làm việc"),
            ("10 – 20 ngày", "10 ngày"),
            ("0 Giờ", "0 Giờ"),
            ("Không quy định", "3 ngày"),
        ],
    )
    def test_cut_fraction_incomparable(self, statutory: str, applied: str) -> None:
        """Times in units that do not convert give None."""
        assert (
            cut_fraction(parse_processing_time(statutory), parse_processing_time(applied)) is None
        )


_UNITS = {"ngày làm việc": WD, "Ngày làm việc": WD, "ngày": CD, "giờ": WH, "giờ làm việc": WH}
_QUALIFIERS = {
    "": Qualifier.EXACT,
    "Không quá ": Qualifier.AT_MOST,
    "Tối đa ": Qualifier.AT_MOST,
    "Trong thời hạn ": Qualifier.WITHIN,
}


class TestProperties:
    @settings(max_examples=400)
    @given(st.text())
    def test_never_raises_and_keeps_text(self, text: str) -> None:
        """Any string gives a ProcessingTime whose text is its NFC form."""
        pt = parse_processing_time(text)

        assert isinstance(pt, ProcessingTime)
        assert nfc(text) == pt.text

    @settings(max_examples=300)
    @given(
        st.lists(
            st.sampled_from(
                [
                    "ngày",
                    "làm việc",
                    "giờ",
                    "Trong",
                    "trong ngày",
                    "không quá",
                    "(",
                    ")",
                    ";",
                    ":",
                    ".",
                    ",",
                    "-",
                    "05",
                    "2,5",
                    "sau 15 giờ",
                    "tiếp theo",
                    "trường hợp",
                    "thì",
                    "kể từ ngày",
                    "Trực tuyến",
                    "Trực tiếp",
                    "không kể thời gian",
                    "đối với",
                    "có thể dài hơn",
                    "sau cắt giảm",
                    "trước khi",
                    "khi",
                    "hoặc",
                    "Chậm nhất là",
                ]
            ),
            max_size=30,
        ).map(" ".join)
    )
    def test_never_raises_on_phrase_soup(self, text: str) -> None:
        """Shuffled pieces of real phrases never make the parser fail."""
        pt = parse_processing_time(text)

        assert nfc(text) == pt.text
        if pt.status is ParseStatus.PARSED:
            assert pt.unparsed_parts == ()

    @settings(max_examples=300)
    @given(
        amount=st.integers(min_value=0, max_value=9999).map(lambda i: Decimal(i) / 10),
        unit=st.sampled_from(sorted(_UNITS)),
        qualifier=st.sampled_from(sorted(_QUALIFIERS)),
        comma=st.booleans(),
        start=st.sampled_from(["", " kể từ ngày nhận đủ hồ sơ hợp lệ"]),
    )
    def test_composed_phrase_round_trip(
        self, amount: Decimal, unit: str, qualifier: str, comma: bool, start: str
    ) -> None:
        """A phrase built from parts parses back to those parts."""
        number = f"{amount:f}".replace(".", "," if comma else ".")
        pt = parse_processing_time(f"{qualifier}{number} {unit}{start}")

        assert (ParseStatus.PARSED, amount, _UNITS[unit], _QUALIFIERS[qualifier]) == (
            pt.status,
            pt.amount,
            pt.unit,
            pt.qualifier,
        )
        assert (start.removeprefix(" kể từ ngày ") or None) == pt.start_event
