"""Vietnamese text: normalisation, folding and matching keys.

All text inside tthc is Unicode NFC; :func:`nfc` is applied at every edge
(files read, arguments given). :func:`fold` removes case and diacritics,
including the stroke of ``đ``, which Unicode decomposition leaves alone.

>>> nfc("Đăng  ky\u0301 khai\u00a0sinh")
'Đăng ký khai sinh'
>>> fold("ĐĂNG KÝ KHAI SINH")
'dang ky khai sinh'
>>> match_key("Thủ tục: Đăng ký khai sinh.")
'dang ky khai sinh'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tthc.legacy import decode_legacy, detect_legacy

__all__ = ["decode_legacy", "detect_legacy", "fold", "match_key", "nfc", "strip_marks"]

_SPACES = re.compile(r"\s+")
# Typographic quotes and dashes seen in Word and PDF copies, mapped to ASCII.
_PUNCT = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": "",  # soft hyphen: invisible, breaks matching
        "\u200b": "",  # zero-width space
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",  # stray byte-order marks inside cells
    }
)
# Characters nfc() rewrites: the table above and every white space but the plain space.
_REWRITTEN = re.compile(
    "["
    + re.escape(
        "".join(chr(c) for c in _PUNCT)
        + "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace() and ch != " ")
    )
    + "]"
)
_STROKES = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LEADING_THU_TUC = re.compile(r"^(?:thu tuc(?: hanh chinh)?|tthc)\b\s*")


def nfc(text: str) -> str:
    """Return *text* in NFC with spaces collapsed and quotes and dashes unified.

    Non-breaking and other Unicode spaces become a plain space, runs of
    white space collapse to one, and the ends are stripped.

    >>> nfc("  10 \u2013 20\u00a0ngày ")
    '10 - 20 ngày'
    """
    if (
        _REWRITTEN.search(text) is None
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
        and unicodedata.is_normalized("NFC", text)
    ):
        return text  # already clean: checking costs a fraction of rewriting
    return _normalise(text)


def _normalise(text: str) -> str:
    """The full rewrite behind :func:`nfc` (which skips it for clean text)."""
    text = unicodedata.normalize("NFC", text.translate(_PUNCT))
    return _SPACES.sub(" ", text).strip()


def strip_marks(text: str) -> str:
    """Remove combining marks and the stroke of ``đ``, keeping case.

    >>> strip_marks("Đăng ký")
    'Dang ky'
    """
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Casefold *text* and strip its diacritics (``đ`` → ``d``), after :func:`nfc`.

    >>> fold("Lĩnh vực Hộ tịch")
    'linh vuc ho tich'
    """
    decomposed = unicodedata.normalize("NFD", nfc(text).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.translate(_STROKES)


@lru_cache(maxsize=65536)
def match_key(name: str) -> str:
    """Return the key procedure names are compared on.

    Folded (:func:`fold`), punctuation dropped, and a leading "Thủ tục" (or
    "TTHC") removed, since lists add or omit it freely. Idempotent.

    >>> match_key("THỦ TỤC ĐĂNG KÝ KẾT HÔN (có yếu tố nước ngoài)")
    'dang ky ket hon co yeu to nuoc ngoai'
    """
    key = _NON_WORD.sub(" ", fold(name)).strip()
    previous = None
    while previous != key:
        previous = key
        key = _LEADING_THU_TUC.sub("", key).strip()
    return key
