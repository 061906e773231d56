"""Shared Hypothesis strategies and real-data helpers for the tthc tests.

Import from test modules as ``from tests.strategies import ...`` (the tests
run with ``python -m pytest`` from the repository root). Strategies that
draw from the real data read ``tests/data/real`` as it is; nothing is
cleaned.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

#: The real data files (read-only; see their README).
DATA = Path(__file__).resolve().parent / "data" / "real"

#: The listing files whose rows carry a ``fee_text`` column.
FEE_FILES = (
    "real_procedures.csv",
    "real_procedures_district.csv",
    "decision_appendix_extracts.csv",
    "public_listing_extracts.csv",
)


@cache
def real_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of one CSV file of the real data, as dictionaries."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def real_column(name: str, column: str) -> Iterator[str]:
    """Every value of *column* in the real data file *name*, in file order."""
    for row in real_rows(name):
        yield row[column]


@cache
def real_names() -> tuple[str, ...]:
    """Every procedure name in ``real_procedures*.csv``."""
    return tuple(
        name
        for file in ("real_procedures.csv", "real_procedures_district.csv")
        for name in real_column(file, "name")
    )


@cache
def real_fee_texts() -> tuple[str, ...]:
    """Every distinct ``fee_text`` of the listing files, empty ones included."""
    texts = (text for file in FEE_FILES for text in real_column(file, "fee_text"))
    return tuple(dict.fromkeys(texts))


@cache
def real_national_codes() -> tuple[str, ...]:
    """The national codes of ``real_procedures*.csv``."""
    return tuple(
        code
        for file in ("real_procedures.csv", "real_procedures_district.csv")
        for code in real_column(file, "code")
    )


# ------------------------------------------------------------------- codes

#: Level-1 agency identifiers of provincial People's Committees (domain.md §4.3).
h_codes = st.integers(min_value=1, max_value=63).map(lambda n: f"H{n:02d}")

#: National procedure codes ``d.dddddd`` (domain.md §4.1).
national_codes = st.builds(
    lambda head, body: f"{head}.{body:06d}",
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=0, max_value=999_999),
)


@st.composite
def local_codes(draw: st.DrawFn) -> tuple[str, str, str]:
    """A provincial local form and its parts: ``(text, national, local_suffix)``.

    Short (``1.000948.H38``), long (``2.000815.000.00.00.H55``) and long with
    a service variant (``….H55.02``), as in domain.md §4.2.
    """
    national = draw(national_codes)
    agency = draw(h_codes)
    shape = draw(st.sampled_from(("short", "long", "variant")))
    if shape == "short":
        suffix = agency
    elif shape == "long":
        suffix = f"000.00.00.{agency}"
    else:
        variant = draw(st.integers(min_value=1, max_value=99))
        suffix = f"000.00.00.{agency}.{variant:02d}"
    return f"{national}.{suffix}", national, suffix


_FULL_WIDTH = {ord(d): 0xFF10 + int(d) for d in "0123456789"}


@st.composite
def code_spellings(draw: st.DrawFn) -> tuple[str, str]:
    """A code as people type it, with its national code: ``(text, national)``.

    Adds surrounding spaces, a trailing dot, non-breaking spaces, lowercase
    agency letters and full-width digits.
    """
    if draw(st.booleans()):
        text, national, _ = draw(local_codes())
    else:
        text = national = draw(national_codes)
    if draw(st.booleans()):
        text = text.lower()
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    before = draw(st.sampled_from(("", " ", "\u00a0", "\t")))
    after = draw(st.sampled_from(("", " ", ".", "\u00a0", " .")))
    return f"{before}{text}{after}", national


#: Anything a caller might pass where a code is expected.
anything = st.one_of(
    st.text(),
    st.binary(),
    st.none(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.complex_numbers(),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=3),
)

# -------------------------------------------------------------------- text

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")

#: Every Vietnamese letter, lowercase and uppercase, in NFC.
VIETNAMESE_LETTERS = "".join(
    sorted(
        {
            unicodedata.normalize("NFC", base + tone)
            for base in _VOWELS + _VOWELS.upper()
            for tone in _TONES
        }
        | set("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX")
    )
)

#: Text made of Vietnamese letters, spaces and common punctuation.
vietnamese_text = st.text(alphabet=VIETNAMESE_LETTERS + " ,.;:()-/0123456789", max_size=80)

#: Real procedure names.
real_procedure_names = st.sampled_from(real_names())

#: Real names with a random change of case, spacing or dash.
real_name_variants = st.builds(
    lambda name, case, space: {
        "upper": name.upper(),
        "lower": name.lower(),
        "title": name.title(),
        "keep": name,
    }[case].replace(" ", space),
    real_procedure_names,
    st.sampled_from(("upper", "lower", "title", "keep")),
    st.sampled_from((" ", "  ", "\u00a0", " \t")),
)

# --------------------------------------------------------------------- fees

#: Real fee texts, as published.
real_fee_text = st.sampled_from(real_fee_texts())


def _group(amount: int, sep: str) -> str:
    return f"{amount:,}".replace(",", sep)


@st.composite
def vnd_amounts(draw: st.DrawFn) -> tuple[str, Decimal]:
    """An amount in đồng as written in fee cells, with its value.

    Thousands separated by "." (or "," as portals do), units "đồng",
    "đ", "VNĐ", "Việt Nam Đồng", with or without a space.
    """
    thousands = draw(st.integers(min_value=1, max_value=9_999))
    amount = thousands * 1000
    sep = draw(st.sampled_from((".", ",")))
    unit = draw(st.sampled_from(("đồng", "đ", "VNĐ", "Việt Nam Đồng", "Đồng")))
    space = draw(st.sampled_from(("", " ")))
    return f"{_group(amount, sep)}{space}{unit}", Decimal(amount)
