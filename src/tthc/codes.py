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

A procedure the national database has not coded yet ("Không có mã số" in
the decision) gets a *local identifier* made from the decision that first
lists it and the place of its row in that decision's appendix; it never
looks like a national code, and :func:`code_label` shows it as
``chưa có mã số``:

>>> from datetime import date
>>> lid = local_id("1766/QĐ-UBND", date(2020, 8, 3), 32)
>>> lid
'L:2020-08-03_1766-qd-ubnd:032'
>>> is_local_id(lid), is_valid(lid), code_label(lid), code_label("1.001193")
(True, False, 'chưa có mã số', '1.001193')
>>> parse_local_id(lid).row
32
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import attrs

from tthc.errors import InvalidCode, InvalidCodeFormat, InvalidCodeLength
from tthc.text import fold

__all__ = [
    "NO_CODE",
    "LocalId",
    "ProcedureCode",
    "code_label",
    "compact",
    "decision_slug",
    "display_code",
    "format",
    "format_code",
    "is_catalog_code",
    "is_local_id",
    "is_national",
    "is_valid",
    "local_id",
    "means_no_code",
    "parse",
    "parse_local_id",
    "validate",
]

#: Shown wherever a procedure has no national code (yet).
NO_CODE = "chưa có mã số"

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


# --------------------------------------------------------------------------- local identifiers

_LOCAL = re.compile(r"^L:(\d{4}-\d{2}-\d{2})_([0-9a-z]+(?:-[0-9a-z]+)*):(\d{3,})\Z", re.ASCII)
_NO_CODE_WORDS = re.compile(
    r"^(?:khong|chua)(?: co)?(?: ma(?: so)?(?: tthc| thu tuc)?)?(?: tren csdlqg)?$"
)


@attrs.frozen
class LocalId:
    """The parts of a local identifier: who minted it, and from which row.

    Attributes:
        signed: the signing date of the decision that first lists the procedure.
        number: that decision's number, folded (``1766-qd-ubnd``).
        row: the place of the row among the procedure rows of the appendix (from 1).
    """

    signed: date
    number: str
    row: int

    def __str__(self) -> str:
        return f"L:{self.signed.isoformat()}_{self.number}:{self.row:03d}"


def decision_slug(number: str) -> str:
    """A decision number folded to lower-case ASCII words joined by ``-``.

    It is the number part of a decision's file name and of a local identifier.

    >>> decision_slug("1766/QĐ-UBND")
    '1766-qd-ubnd'
    """
    return re.sub(r"[^0-9a-z]+", "-", fold(number)).strip("-") or "decision"


def local_id(number: str, signed: date, row: int) -> str:
    """The local identifier of the procedure of row *row* of decision *number* of *signed*.

    The same decision and row always give the same identifier (nothing is
    random, nothing depends on the file format), so importing the same
    appendix twice writes the same catalogue.

    >>> from datetime import date
    >>> local_id("3218/QĐ-UBND", date(2024, 10, 9), 1)
    'L:2024-10-09_3218-qd-ubnd:001'

    Raises:
        ValueError: *row* is not a positive number.

    .. versionadded:: 0.1
    """
    if isinstance(row, bool) or not isinstance(row, int) or row < 1:
        raise ValueError(f"a row number starts at 1, not {row!r}")
    return str(LocalId(signed, decision_slug(number), row))


def parse_local_id(text: str) -> LocalId:
    """Read a local identifier back into its parts.

    >>> parse_local_id("L:2020-08-03_1766-qd-ubnd:052")
    LocalId(signed=datetime.date(2020, 8, 3), number='1766-qd-ubnd', row=52)
    >>> parse_local_id("1.001193")
    Traceback (most recent call last):
        ...
    tthc.errors.InvalidCodeFormat: '1.001193' is not a local identifier (L:<date>_<number>:<row>)

    Raises:
        InvalidCodeFormat: *text* is not a local identifier.

    .. versionadded:: 0.1
    """
    match = _LOCAL.match(text) if isinstance(text, str) else None
    if match is not None:
        try:
            signed = date.fromisoformat(match[1])
        except ValueError:
            pass
        else:
            row = int(match[3])
            if row >= 1 and len(match[3]) == max(3, len(str(row))):
                return LocalId(signed, match[2], row)
    raise InvalidCodeFormat(f"{text!r} is not a local identifier (L:<date>_<number>:<row>)")


def is_local_id(text: object) -> bool:
    """Tell whether *text* is a local identifier in its canonical form. Never raises.

    >>> is_local_id("L:2020-08-03_1766-qd-ubnd:032"), is_local_id("L:2020-08-03_1766:32")
    (True, False)
    >>> is_local_id(None), is_local_id("1.001193")
    (False, False)

    .. versionadded:: 0.1
    """
    if not isinstance(text, str):
        return False
    try:
        parse_local_id(text)
    except InvalidCode:
        return False
    return True


def is_catalog_code(text: object) -> bool:
    """Tell whether *text* can key a procedure in a catalogue: a national code or a local id.

    >>> [is_catalog_code(x) for x in ("1.001193", "L:2020-08-03_1766-qd-ubnd:032", "1.1")]
    [True, True, False]

    .. versionadded:: 0.1
    """
    return isinstance(text, str) and (is_national(text) or is_local_id(text))


def means_no_code(text: str) -> bool:
    """Tell whether a code cell says the procedure has no code (blank, "Không có mã số" …).

    >>> [means_no_code(x) for x in ("", " - ", "Không có mã số", "Chưa có mã", "1.001193")]
    [True, True, True, True, False]

    .. versionadded:: 0.1
    """
    key = re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()
    return not key or bool(_NO_CODE_WORDS.match(key))


def code_label(code: str | None) -> str:
    """The code as a list or a page shows it: the national code, or ``chưa có mã số``.

    A local identifier and a missing code both show as ``chưa có mã số``.
    This is the one place that decides how a procedure without a national
    code is displayed.

    >>> code_label(""), code_label("1.001193"), code_label("L:2020-08-03_1766-qd-ubnd:032")
    ('chưa có mã số', '1.001193', 'chưa có mã số')
    """
    text = unicodedata.normalize("NFC", code or "").strip()
    if not text or is_local_id(text):
        return NO_CODE
    return text


def display_code(code: str | None) -> str:
    """A code for a line of text that must also name the procedure exactly.

    The national code as it is; a local identifier as ``chưa có mã số``
    followed by the identifier (what ``tthc link confirm`` and ``tthc show``
    take). Built on :func:`code_label`.

    >>> display_code("1.001193"), display_code("L:2020-08-03_1766-qd-ubnd:032")
    ('1.001193', 'chưa có mã số (L:2020-08-03_1766-qd-ubnd:032)')
    >>> display_code(None)
    'chưa có mã số'
    """
    label = code_label(code)
    text = (code or "").strip()
    return label if label == text or not text else f"{label} ({text})"
