"""National procedure codes: the compact / validate / is_valid / format verbs."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.strategies import (
    anything,
    code_spellings,
    local_codes,
    national_codes,
    real_column,
    real_national_codes,
)

from tthc import codes
from tthc.errors import InvalidCode, InvalidCodeFormat, InvalidCodeLength, TthcError

_ASCII_CODE = re.compile(r"[0-9]\.[0-9]{6}")


class TestIsValid:
    @settings(max_examples=500)
    @given(anything)
    @example(None)
    @example(b"1.004227")
    @example(1.004227)
    @example(float("nan"))
    @example("\x00")
    @example("1.004227" * 1000)
    def test_never_raises(self, value: object) -> None:
        """is_valid answers a bool for any str, bytes, None, number or other object."""
        result = codes.is_valid(value)

        assert isinstance(result, bool)

    @given(national_codes)
    def test_national_codes(self, code: str) -> None:
        """Every d.dddddd string is valid."""
        assert codes.is_valid(code)

    def test_non_text_is_invalid(self) -> None:
        """Bytes and numbers are not codes, even when they look like one."""
        assert not codes.is_valid(b"1.004227")
        assert not codes.is_valid(1.004227)


class TestValidate:
    @given(national_codes)
    def test_format_round_trip(self, code: str) -> None:
        """validate(format(c)) == c for national codes."""
        assert codes.validate(codes.format(code)) == code

    @given(local_codes())
    def test_local_forms_give_the_national_code(self, parts: tuple[str, str, str]) -> None:
        """A local form validates to its national code and keeps its suffix."""
        text, national, suffix = parts

        parsed = codes.parse(text)

        assert (national, suffix) == (parsed.national, parsed.local_suffix)
        assert codes.validate(codes.format(text)) == national
        assert str(parsed) == text

    @given(code_spellings())
    def test_typed_forms(self, spelled: tuple[str, str]) -> None:
        """Spaces, a trailing dot, lowercase and full-width digits are tolerated."""
        text, national = spelled

        assert codes.validate(text) == national

    @settings(max_examples=500)
    @given(st.text())
    @example("١.٠٠٤٢٢٧")  # Arabic-Indic digits
    @example("R\u00b8")  # NFKC turns the cedilla into a space and a combining mark
    @example("a.\u0131\u02d8")  # upper-casing makes "I" + breve, which composes
    def test_results_are_ascii_and_compact_is_stable(self, text: str) -> None:
        """A validated code is ASCII d.dddddd; compact is idempotent."""
        once = codes.compact(text)

        assert codes.compact(once) == once
        if codes.is_valid(text):
            assert _ASCII_CODE.fullmatch(codes.validate(text))

    @settings(max_examples=300)
    @given(st.text())
    def test_invalid_raises_the_specific_error(self, text: str) -> None:
        """validate returns a code exactly when is_valid, else raises InvalidCode."""
        if codes.is_valid(text):
            assert _ASCII_CODE.fullmatch(codes.validate(text))
        else:
            with pytest.raises(InvalidCode) as info:
                codes.validate(text)
            assert isinstance(info.value, ValueError)
            assert isinstance(info.value, TthcError)


class TestRealData:
    def test_every_real_code_validates(self) -> None:
        """Every code of real_procedures*.csv is a valid national code, unchanged."""
        found = real_national_codes()

        assert len(found) == 454
        assert [c for c in found if codes.validate(c) != c] == []

    def test_audit_extract_codes_validate(self) -> None:
        """The Vĩnh Bảo master-data codes validate too."""
        found = list(real_column("vinhbao_master_data_audit_extract.csv", "ma"))

        assert found
        assert [c for c in found if not codes.is_valid(c)] == []

    @pytest.mark.parametrize(
        ("raw", "error"),
        [
            ("10.005090", InvalidCodeLength),
            ("10.005095", InvalidCodeLength),
            ("Không có mã số", InvalidCodeFormat),
            ("", InvalidCodeFormat),
            ("LT.HKD-ANTT-KARAOKE", InvalidCodeFormat),
        ],
    )
    def test_malformed_appendix_codes(self, raw: str, error: type[InvalidCode]) -> None:
        """The malformed codes of the decision appendices are rejected specifically."""
        assert raw in set(real_column("decision_appendix_extracts.csv", "code"))
        assert not codes.is_valid(raw)
        with pytest.raises(error) as info:
            codes.validate(raw)
        if error is InvalidCodeFormat:
            assert not isinstance(info.value, InvalidCodeLength)

    def test_appendix_codes_are_all_classified(self) -> None:
        """Every appendix code is either valid or one of the known malformed ones."""
        invalid = {
            c
            for c in real_column("decision_appendix_extracts.csv", "code")
            if not codes.is_valid(c)
        }

        assert invalid == {"10.005090", "10.005095", "Không có mã số", "", "LT.HKD-ANTT-KARAOKE"}


class TestIsNational:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("1.004227", True),
            ("1.004227.H12", False),
            (" 1.004227", False),
            ("1.004227\n", False),
            ("١.٠٠٤٢٢٧", False),
        ],
    )
    def test_exact_national_form(self, text: str, expected: bool) -> None:
        """Only the bare ASCII d.dddddd form is national; no suffix, no white space."""
        assert codes.is_national(text) is expected


class TestLocalId:
    """Local identifiers of procedures without a national code."""

    @given(signed=st.dates(), number=st.sampled_from(["1766/QĐ-UBND", "12/2013/QĐ-UBND",
                                                      "3218/QĐ-UBND", "25/QĐ-TTPVHCC"]),
           row=st.integers(1, 10**5))
    def test_round_trip(self, signed: object, number: str, row: int) -> None:
        """local_id → parse_local_id gives the date, folded number and row back."""
        made = codes.local_id(number, signed, row)  # type: ignore[arg-type]
        parsed = codes.parse_local_id(made)

        assert (signed, codes.decision_slug(number), row) == (
            parsed.signed, parsed.number, parsed.row)
        assert made == str(parsed)
        assert codes.is_local_id(made)
        assert not codes.is_valid(made)
        assert not codes.is_national(made)
        assert codes.is_catalog_code(made)
        assert codes.NO_CODE == codes.code_label(made)

    @given(st.text(max_size=40))
    def test_never_raises(self, text: str) -> None:
        """is_local_id never raises, and nothing it accepts is a code."""
        if codes.is_local_id(text):
            assert not codes.is_valid(text)

    @pytest.mark.parametrize("text", [
        "L:2020-08-03_1766-qd-ubnd:32", "L:2020-02-30_1766-qd-ubnd:032",
        "L:2020-08-03_1766/QĐ-UBND:032", "l:2020-08-03_1766-qd-ubnd:032",
        "L:2020-08-03_1766-qd-ubnd:000", " L:2020-08-03_1766-qd-ubnd:032",
    ])
    def test_only_the_canonical_form(self, text: str) -> None:
        """Short rows, impossible dates, unfolded numbers, row 0 and spaces are refused."""
        assert not codes.is_local_id(text)
        with pytest.raises(InvalidCodeFormat):
            codes.parse_local_id(text)

    @pytest.mark.parametrize("row", [0, -1, True])
    def test_rows_start_at_one(self, row: int) -> None:
        """A row number is a positive int."""
        from datetime import date

        with pytest.raises(ValueError, match="starts at 1"):
            codes.local_id("1/QĐ-UBND", date(2020, 1, 1), row)

    @pytest.mark.parametrize(("text", "expected"), [
        ("", True), ("Không có mã số", True), ("KHÔNG CÓ MÃ", True), ("Chưa có mã số", True),
        ("chưa có mã TTHC", True), ("-", True), ("2.000815", False), ("10.005090", False),
        ("LT.HKD-ANTT-KARAOKE", False), ("Không", True),
    ])
    def test_means_no_code(self, text: str, expected: bool) -> None:
        """The ways a code cell says there is none."""
        assert expected is codes.means_no_code(text)
