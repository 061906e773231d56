"""National procedure codes (mã số TTHC).

The national database gives each announced procedure a code of one digit,
a dot and six digits (``1.004227``). Provincial portals add a local suffix:
the agency identifier of the province (``1.000948.H38``,
``2.000815.000.00.00.H55``) and sometimes a service variant
(``….H55.02``); see domain.md §4. The verbs follow the usual
compact / validate / is_valid / format set:

>>> compact(" 1.000948.H38 ")
'1.000948.H38'
>>> validate("2.000815.000.00.00.H55.02")
'2.000815'
>>> parse("2.000815.000.00.00.H55.02").local_suffix
'000.00.00.H55.02'
>>> is_valid("LT.HKD-ANTT-KARAOKE")
False
>>> validate("10.005090")
Traceback (most recent call last):
    ...
tthc.errors.InvalidCodeLength: '10.005090' is not a procedure code of the form d.dddddd
"""

from __future__ import annotations

import re
import unicodedata

import attrs

from tthc.errors import InvalidCode, InvalidCodeFormat, InvalidCodeLength

__all__ = [
    "ProcedureCode",
    "compact",
    "format",
    "format_code",
    "is_national",
    "is_valid",
    "parse",
    "validate",
]

_NATIONAL = re.compile(r"^(\d)\.(\d{6})\Z", re.ASCII)
# re.ASCII: "١.٠٠٤٢٢٧" (Arabic-Indic digits) is not a code.
_FULL = re.compile(
    r"^(?P<national>\d\.\d{6})(?:\.(?P<suffix>[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*))?$", re.ASCII
)
_DIGITS_DOT_DIGITS = re.compile(r"^(\d+)\.(\d+)(?:\..*)?$", re.ASCII)
_REMOVE = re.compile(r"[\s\u00a0\u200b]+")


@attrs.frozen
class ProcedureCode:
    """A national code with the local suffix it was written with (may be empty)."""

    national: str
    local_suffix: str = ""

    def __str__(self) -> str:
        return f"{self.national}.{self.local_suffix}" if self.local_suffix else self.national


def compact(number: str) -> str:
    """Strip white space, surrounding punctuation and full-width forms.

    >>> compact("  1.004227. ")
    '1.004227'
    """
    text = unicodedata.normalize("NFKC", number)
    # Again after removing spaces: NFKC turns "¸" into a space and a combining
    # mark, which composes with the letter before once the space is gone.
    text = unicodedata.normalize("NFKC", _REMOVE.sub("", text))
    text = text.strip(".,;:-_/()[]'\"")
    # A comma is a common typing slip for the dot in "1,004227".
    if re.fullmatch(r"\d,\d{6}(?:[.,].*)?", text, re.ASCII):
        text = text.replace(",", ".", 1)
    if re.search(r"[a-z]", text) and "." in text:
        # Upper-casing can make new compositions ("ı" + breve -> "Ĭ").
        text = unicodedata.normalize("NFKC", text.upper())
    return text


def parse(number: str) -> ProcedureCode:
    """Read a national or local code into a :class:`ProcedureCode`.

    Raises:
        InvalidCodeLength: the shape is digits.digits but the lengths are wrong.
        InvalidCodeFormat: anything else that is not a code.
    """
    if not isinstance(number, str):
        raise InvalidCodeFormat(f"{number!r} is not a procedure code (not text)")
    text = compact(number)
    match = _FULL.match(text)
    if match:
        return ProcedureCode(match["national"], match["suffix"] or "")
    if _DIGITS_DOT_DIGITS.match(text):
        raise InvalidCodeLength(
            f"{number!r} is not a procedure code of the form d.dddddd"
        )
    if not text:
        raise InvalidCodeFormat("empty procedure code")
    raise InvalidCodeFormat(f"{number!r} is not a procedure code of the form d.dddddd")


def validate(number: str) -> str:
    """Return the national code of *number*, or raise a specific :class:`InvalidCode`.

    >>> validate("1.000948.H38")
    '1.000948'
    """
    return parse(number).national


def is_valid(number: object) -> bool:
    """Tell whether *number* is a national or local procedure code. Never raises.

    >>> is_valid("1.004227"), is_valid(None), is_valid(b"1.004227")
    (True, False, False)
    """
    if not isinstance(number, str):
        return False
    try:
        parse(number)
    except InvalidCode:
        return False
    except Exception:
        return False
    return True


def format_code(number: str) -> str:
    """Return the presentation form: the national code alone.

    >>> format_code(" 1.004227.H12 ")
    '1.004227'
    """
    return validate(number)


format = format_code


def is_national(text: str) -> bool:
    """Tell whether *text* is exactly a national code (no suffix, no spaces).

    >>> is_national("1.004227"), is_national("1.004227.H12")
    (True, False)
    """
    return bool(_NATIONAL.match(text))
