"""Legacy Vietnamese text: TCVN3 (ABC), VNI-Windows and Windows-1258.

Before Unicode, Vietnamese offices typed with 8-bit fonts: TCVN3 (TCVN
5712:1993, the "ABC" ``.VnTime`` fonts) and VNI-Windows. A file typed that
way and read as Windows-1252 shows letters such as ``Céng hoµ``; this module
recognises such text and turns it back into Unicode. Text decoded from
Windows-1258 keeps the tone marks as separate combining characters, which
:func:`decode_legacy` with ``"cp1258"`` and :func:`decode_bytes` compose (NFC).

>>> detect_legacy("Céng hoµ x· héi chñ nghÜa ViÖt Nam")
'tcvn3'
>>> decode_legacy("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3")
'Cộng hoà xã hội chủ nghĩa Việt Nam'
>>> decode_legacy("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni")
'Cộng hòa xã hội chủ nghĩa Việt Nam'
>>> detect_legacy("Cộng hòa xã hội chủ nghĩa Việt Nam") is None
True
>>> decode_bytes("Vi\\u00ea\\u0323t Nam".encode("cp1258"))
('Việt Nam', 'cp1258')

The mapping tables are package data (``tthc/data/*_to_unicode.csv``, see the
README there for their provenance). Call these functions on the raw text,
*before* :func:`tthc.text.nfc`, which removes the soft hyphen (byte 0xAD is
the letter ư in TCVN3).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

import attrs

from tthc.errors import TthcError

__all__ = [
    "LegacyEncodingError",
    "UnknownLegacyEncoding",
    "decode_bytes",
    "decode_cell",
    "decode_legacy",
    "detect_legacy",
    "encode_legacy",
    "is_syllable",
]

LegacyName = Literal["tcvn3", "vni"]
EncodeErrors = Literal["strict", "lower", "replace"]


class LegacyEncodingError(TthcError, ValueError):
    """A character has no code in the legacy encoding asked for.

    .. versionadded:: 0.1
    """

    code = "legacy-encoding"
    message = "the text cannot be written in the legacy encoding"


class UnknownLegacyEncoding(TthcError, LookupError):
    """The name given is not one of the legacy encodings tthc knows.

    .. versionadded:: 0.1
    """

    code = "unknown-legacy-encoding"
    message = "unknown legacy encoding"


# --------------------------------------------------------------------------- tables

_ALIASES: Mapping[str, str] = {
    "tcvn3": "tcvn3",
    "tcvn": "tcvn3",
    "tcvn5712": "tcvn3",
    "vn3": "tcvn3",
    "abc": "tcvn3",
    "vni": "vni",
    "vniwin": "vni",
    "vniwindows": "vni",
    "cp1258": "cp1258",
    "windows1258": "cp1258",
}


def _canonical(encoding: str) -> str:
    key = re.sub(r"[^0-9a-z]", "", str(encoding).lower())
    try:
        return _ALIASES[key]
    except KeyError:
        known = ", ".join(sorted(set(_ALIASES.values())))
        raise UnknownLegacyEncoding(
            f"unknown legacy encoding {encoding!r} (known: {known})"
        ) from None


@attrs.frozen
class _Table:
    """One legacy table, ready for decoding and encoding."""

    #: legacy string (one or two characters, as read in cp1252) -> Unicode letter
    decode: Mapping[str, str]
    #: Unicode letter -> legacy string
    encode: Mapping[str, str]
    #: every character that occurs in a legacy string of the table
    legacy_chars: frozenset[str]


def _read_rows(name: str) -> Iterator[tuple[str, str]]:
    resource = resources.files("tthc").joinpath("data").joinpath(name)
    content = resource.read_bytes().decode("utf-8")
    for row in csv.DictReader(io.StringIO(content, newline="")):
        yield row["legacy"], row["unicode"]


@cache
def _table(name: str) -> _Table:
    decode: dict[str, str] = {}
    encode: dict[str, str] = {}
    for legacy, uni in _read_rows(f"{name}_to_unicode.csv"):
        decode[legacy] = uni
        encode.setdefault(uni, legacy)
    if name == "vni":
        # The table pairs an uppercase base with an uppercase mark byte; typists
        # also produce the mixed pairs, whose letter takes the case of the base.
        for legacy, uni in list(decode.items()):
            if len(legacy) == 2:
                mixed = legacy[0] + legacy[1].swapcase()
                decode.setdefault(mixed, uni)
    chars = frozenset("".join(decode))
    return _Table(decode=decode, encode=encode, legacy_chars=chars)


# ------------------------------------------------------------------ syllable check

_TONE_MARKS: Mapping[str, str] = {
    "\u0300": "huyền",
    "\u0301": "sắc",
    "\u0303": "ngã",
    "\u0309": "hỏi",
    "\u0323": "nặng",
}
_INITIALS = (
    "ngh", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "ch",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
_RHYMES_TEXT = """
a ai ao au ay ac ach am an ang anh ap at
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e eo ec em en eng ep et
ê êu êch êm ên ênh êp êt
i ia iu ich im in inh ip it iêc iêm iên iêng iêp iêt iêu
y yêm yên yêng yêt yêu
o oi oc om on ong op ot ooc oong
oa oai oao oay oac oach oam oan oang oanh oap oat
oăc oăm oăn oăng oăp oăt
oe oeo oec oem oen oet
ô ôi ôc ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ui uc um un ung up ut ua uôc uôi uôm uôn uông uôt
uân uâng uât uây uê uêch uênh uơ
uy uya uych uyn uynh uyp uyt uyu uyên uyêt
ư ưa ưi ưu ưc ưm ưn ưng ưt ươc ươi ươm ươn ương ươp ươt ươu
"""
_STOP_FINALS = ("ch", "c", "p", "t")
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")


def _nucleus_end(rhyme: str) -> int:
    """Index just past the vowels a tone mark may sit on."""
    for final in _FINALS:
        if rhyme.endswith(final) and len(rhyme) > len(final):
            return len(rhyme) - len(final)
    if len(rhyme) > 1 and rhyme[-1] in "iouy" and rhyme != "uy":
        return len(rhyme) - 1
    return len(rhyme)


_RHYMES: Mapping[str, int] = {r: _nucleus_end(r) for r in _RHYMES_TEXT.split()}
_FRONT = frozenset("eêi")


@lru_cache(maxsize=8192)
def is_syllable(word: str) -> bool:
    """Tell whether *word* is a well-formed Vietnamese syllable.

    Checks the initial consonant, the rhyme, the spelling rules for
    ``c/k``, ``g/gh`` and ``ng/ngh``, that there is at most one tone mark and
    that it sits on a vowel of the nucleus, and that a syllable ending in
    ``c``, ``ch``, ``p`` or ``t`` carries the sắc or nặng tone. Both the
    old (``hoà``) and the new (``hòa``) tone placement are accepted.
    Used to score legacy decodings; loan words fail on purpose.

    >>> is_syllable("Nghĩa"), is_syllable("hoà"), is_syllable("hòa")
    (True, True, True)
    >>> is_syllable("hoạch"), is_syllable("Céng"), is_syllable("xaõ"), is_syllable("tôc")
    (True, False, False, False)
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones: list[tuple[int, str]] = []
    kept: list[str] = []
    bases = 0
    for char in decomposed:
        if char in _TONE_MARKS:
            tones.append((bases - 1, _TONE_MARKS[char]))
        else:
            kept.append(char)
            if not unicodedata.combining(char):
                bases += 1
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(kept))
    if not base or any(ch not in "abcdefghiklmnopqrstuvxyđăâêôơư" for ch in base):
        return False
    for initial in _INITIALS:
        if not base.startswith(initial):
            continue
        rhyme = base[len(initial) :]
        end = _RHYMES.get(rhyme)
        if end is None or not _spelling_ok(initial, rhyme):
            continue
        tone = tones[0][1] if tones else "ngang"
        if tones and not len(initial) <= tones[0][0] < len(initial) + end:
            continue
        if rhyme.endswith(_STOP_FINALS) and tone not in ("sắc", "nặng"):
            continue
        return True
    return False


def _spelling_ok(initial: str, rhyme: str) -> bool:
    first = rhyme[0]
    if initial in ("k", "gh", "ngh"):
        return first in _FRONT or (initial == "k" and first == "y")
    if initial == "c":
        return first not in _FRONT and first != "y"
    if initial == "g":
        return first not in "eê"
    if initial == "ng":
        return first not in _FRONT
    if initial == "qu":
        return first not in "uo"
    return True


# ------------------------------------------------------------------------- decoding

_LOST_U = re.compile(
    r"(?<=[bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX])([ơờớởỡợƠỜỚỞỠỢ])(?=(?:ng|c|u|NG|C|U)\b)"
)


def _restore_lost_u(text: str) -> str:
    """Put back an ư dropped with the soft hyphen: "phơng" -> "phương".

    No Vietnamese syllable has a consonant followed by ơ and then ng, c or u;
    only ươ does, so the ư is certain.
    """

    def fix(match: re.Match[str]) -> str:
        vowel = match.group(1)
        return ("Ư" if vowel.isupper() else "ư") + vowel

    return _LOST_U.sub(fix, text)


def _decode_tcvn3(text: str, *, restore_lost_u: bool) -> str:
    table = _table("tcvn3").decode
    out = "".join(table.get(char, char) for char in text)
    return _restore_lost_u(out) if restore_lost_u else out


def _decode_vni(text: str) -> str:
    table = _table("vni").decode
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = table.get(text[i : i + 2]) if i + 1 < len(text) else None
        if pair is not None:
            out.append(pair)
            i += 2
            continue
        out.append(table.get(text[i], text[i]))
        i += 1
    return "".join(out)


def _decode_cp1258(text: str) -> str:
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        # Characters cp1252 cannot hold: the text is already Unicode (with
        # combining marks, as Python's cp1258 codec leaves them).
        return unicodedata.normalize("NFC", text)
    try:
        return unicodedata.normalize("NFC", raw.decode("cp1258"))
    except UnicodeDecodeError:
        return unicodedata.normalize("NFC", text)


def decode_legacy(
    text: str, encoding: str, *, upper: bool = False, restore_lost_u: bool = True
) -> str:
    """Turn legacy-typed *text* (as read in Windows-1252) into Unicode NFC.

    Args:
        text: the text exactly as read; do not pass it through
            :func:`tthc.text.nfc` first (that drops byte 0xAD, TCVN3's ư).
        encoding: ``"tcvn3"`` (aliases ``"abc"``, ``"vn3"``, ``"tcvn"``),
            ``"vni"`` (``"vni-windows"``) or ``"cp1258"``
            (``"windows-1258"``). For ``"cp1258"``, text that is still
            Windows-1258 bytes read as Windows-1252 is re-read; text that is
            already Unicode with combining tone marks is composed (NFC).
        upper: return the text in capitals. TCVN3 has no codes for capitals
            with a tone mark; documents set them in the ``.VnTimeH`` style
            fonts, which show the lowercase codes as capitals. Pass
            ``upper=True`` for text known to come from such a font.
        restore_lost_u: for TCVN3, put back an ư lost with the soft hyphen
            where spelling requires it (``ph¬ng`` -> ``phương``).

    Returns:
        The decoded text in NFC. Characters that are not legacy codes
        (ASCII, punctuation) are kept as they are.

    Raises:
        UnknownLegacyEncoding: *encoding* is not a known legacy encoding.

    >>> decode_legacy("§¨ng ký khai sinh", "tcvn3")
    'Đăng ký khai sinh'
    >>> decode_legacy("®¨ng ký", "tcvn3", upper=True)
    'ĐĂNG KÝ'
    >>> decode_legacy("ph¬ng", "tcvn3")
    'phương'

    .. versionadded:: 0.1
    """
    name = _canonical(encoding)
    if name == "tcvn3":
        out = _decode_tcvn3(text, restore_lost_u=restore_lost_u)
    elif name == "vni":
        out = _decode_vni(text)
    else:
        out = _decode_cp1258(text)
    out = unicodedata.normalize("NFC", out)
    return out.upper() if upper else out


# ------------------------------------------------------------------------- encoding


def _uppercase_without_code(char: str, table: _Table) -> str | None:
    """The lowercase letter whose code a capital without its own code reuses."""
    lower = char.lower()
    if char != lower and lower in table.encode:
        return lower
    return None


def encode_legacy(text: str, encoding: str, *, errors: EncodeErrors = "strict") -> str:
    """Write Unicode *text* as legacy-typed text looks when read as Windows-1252.

    The inverse of :func:`decode_legacy`: it builds test fixtures and checks
    round trips. The text is composed (NFC) first.

    Args:
        text: Unicode text.
        encoding: ``"tcvn3"``, ``"vni"`` or ``"cp1258"`` (as for
            :func:`decode_legacy`).
        errors: what to do with a character the encoding cannot hold.
            ``"strict"`` raises; ``"replace"`` writes ``?``; ``"lower"``
            writes a TCVN3 capital with a tone mark (``Ủ``, which VN3 lacks)
            with its lowercase code, as ``.VnTimeH`` documents do, and raises
            for anything else.

    Raises:
        LegacyEncodingError: a character cannot be written (``"strict"``),
            e.g. a TCVN3 capital with a tone mark, or a Latin-1 sign such as
            ``§`` whose byte is a letter in the legacy encoding.
        UnknownLegacyEncoding: *encoding* is not a known legacy encoding.

    >>> encode_legacy("Cộng hoà", "tcvn3")
    'Céng hoµ'
    >>> encode_legacy("Ủy ban", "tcvn3", errors="lower")
    'ñy ban'
    >>> encode_legacy("Ủy ban", "vni")
    'UÛy ban'

    .. versionadded:: 0.1
    """
    name = _canonical(encoding)
    text = unicodedata.normalize("NFC", text)
    if name == "cp1258":
        return _encode_cp1258(text, errors)
    table = _table(name)
    out: list[str] = []
    for index, char in enumerate(text):
        code = table.encode.get(char)
        if code is not None:
            out.append(code)
            continue
        lower = _uppercase_without_code(char, table) if name == "tcvn3" else None
        passes = char.isascii() or char not in table.legacy_chars
        if lower is None and passes and not _is_vietnamese_letter(char):
            out.append(char)
            continue
        if errors == "lower" and lower is not None:
            out.append(table.encode[lower])
        elif errors == "replace":
            out.append("?")
        else:
            raise LegacyEncodingError(
                f"{char!r} (position {index} of {text[:40]!r}) has no code in {name}"
            )
    return "".join(out)


def _encode_cp1258(text: str, errors: EncodeErrors) -> str:
    data = bytearray()
    for index, char in enumerate(text):
        try:
            data += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(ch for ch in parts if ch in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(ch for ch in parts if ch not in _TONE_MARKS))
        try:
            data += (base + tones).encode("cp1258")
        except UnicodeEncodeError:
            if errors != "replace":
                raise LegacyEncodingError(
                    f"{char!r} (position {index} of {text[:40]!r}) has no code in cp1258"
                ) from None
            data += b"?"
    return data.decode("cp1252", errors="replace")


# ------------------------------------------------------------------------ detection

_TOKEN = re.compile(r"[A-Za-z\u00a1-\u024f\u0300-\u036f\u1ea0-\u1ef9]+")
_VIET_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_VIET_EXTRA = re.compile(r"[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9\u0300-\u0303\u0309\u0323]")


def _is_vietnamese_letter(char: str) -> bool:
    return char in _VIET_LATIN1 or bool(_VIET_EXTRA.fullmatch(char))


@cache
def _strong_chars(name: str) -> frozenset[str]:
    """Legacy characters that never occur in Vietnamese Unicode text."""
    return frozenset(_table(name).legacy_chars - _VIET_LATIN1 - {"\u00a0"})


@attrs.frozen
class _Score:
    good: int
    strong: int
    candidates: int


@lru_cache(maxsize=65536)
def _word_verdict(token: str, name: str) -> tuple[bool, bool, bool]:
    """For one word under encoding *name*: (decoding changes it, it then reads as a
    syllable and did not before, and it is a strong word)."""
    decoded = decode_legacy(token, name)
    if decoded == token:
        return False, False, False
    if is_syllable(token) or not is_syllable(decoded):
        return True, False, False
    # A strong word mixes ASCII letters with a character Unicode Vietnamese
    # never uses ("ViÖt", "hoµ"); a lone "µ" is not one.
    ascii_letters = sum(1 for ch in token if ch.isascii())
    strong = ascii_letters >= 2 and any(ch in _strong_chars(name) for ch in token)
    return True, True, strong


def _score(tokens: Mapping[str, int], name: str) -> _Score:
    """The counts of :func:`detect_legacy` over *tokens* (word -> occurrences).

    Each distinct word is decoded once (and remembered across calls): a
    listing repeats the same few hundred words thousands of times.
    """
    good = strong = changed = 0
    for token, count in tokens.items():
        is_changed, is_good, is_strong = _word_verdict(token, name)
        changed += count * is_changed
        good += count * is_good
        strong += count * is_strong
    return _Score(good=good, strong=strong, candidates=changed)


@lru_cache(maxsize=262_144)
def decode_cell(text: str, encoding: str) -> str:
    """:func:`decode_legacy` with defaults, remembered: for the cells of a listing
    known to be typed in *encoding* (a listing repeats its cells: times, fees, fields).

    >>> decode_cell("§¨ng ký khai sinh", "tcvn3")
    'Đăng ký khai sinh'
    """
    return decode_legacy(text, encoding)


def detect_legacy(text: str) -> LegacyName | None:
    """Guess whether *text* was typed in TCVN3 or VNI and read as Windows-1252.

    The guess is scored on the words that hold non-ASCII characters: a word
    counts for an encoding when it is not a Vietnamese syllable as it stands
    but decodes to one. An encoding wins when at least half the words count
    for it and either three words do or one of them is a strong word: two
    ASCII letters or more together with a character that Unicode Vietnamese
    never uses (``µ``, ``Ö``, ``ø``...), as in ``ViÖt``. Ordinary
    Vietnamese Unicode and English give ``None``; so do short ambiguous
    strings.

    >>> detect_legacy("ViÖt Nam"), detect_legacy("Céng")
    ('tcvn3', None)
    >>> detect_legacy("Ñaêng kyù khai sinh")
    'vni'
    >>> detect_legacy("Đăng ký khai sinh") is None
    True

    .. versionadded:: 0.1
    """
    if not isinstance(text, str):
        return None
    tokens = Counter(t for t in _TOKEN.findall(text) if not t.isascii())
    if not tokens:
        return None
    unicode_words = sum(n for t, n in tokens.items() if _VIET_EXTRA.search(t))
    results: list[tuple[int, int, str]] = []
    for name in ("tcvn3", "vni"):
        score = _score(tokens, name)
        enough = score.good >= 3 or score.strong >= 1
        if 2 * score.good >= score.candidates and enough and score.good > unicode_words:
            results.append((score.good, score.strong, name))
    if not results:
        return None
    results.sort(reverse=True)
    if len(results) > 1 and results[0][:2] == results[1][:2]:
        return None
    best = results[0][2]
    return "tcvn3" if best == "tcvn3" else "vni"


# -------------------------------------------------------------------------- bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _syllable_share(text: str) -> float:
    tokens = [t for t in _TOKEN.findall(text) if any(ord(ch) >= 0x80 for ch in t)]
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if is_syllable(t)) / len(tokens)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a listing file and say which encoding was used.

    A byte-order mark decides first (``utf-8-sig``, ``utf-16``); then strict
    UTF-8. Otherwise the bytes are an 8-bit Windows code page: Windows-1258
    when reading them so gives Vietnamese syllables (its tone marks are
    combining characters, composed here), else Windows-1252, which is also
    how TCVN3- and VNI-typed files must be read before :func:`detect_legacy`
    and :func:`decode_legacy`. Bytes neither code page defines fall back to
    ``latin-1``, which never fails.

    Returns:
        ``(text, encoding)``: the text in NFC (legacy fonts are *not*
        decoded here, since a file can mix them cell by cell) and one of
        ``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``, ``"cp1258"``,
        ``"cp1252"``, ``"latin-1"``.

    >>> decode_bytes("Hộ tịch".encode("utf-8"))
    ('Hộ tịch', 'utf-8')
    >>> decode_bytes("Céng hoµ".encode("cp1252"))
    ('Céng hoµ', 'cp1252')

    .. versionadded:: 0.1
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return unicodedata.normalize("NFC", data.decode(name)), name
            except UnicodeDecodeError:
                break
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: dict[str, str] = {}
    for name in ("cp1252", "cp1258"):
        try:
            candidates[name] = unicodedata.normalize("NFC", data.decode(name))
        except UnicodeDecodeError:
            continue
    if not candidates:
        return unicodedata.normalize("NFC", data.decode("latin-1")), "latin-1"
    if len(candidates) == 1:
        name, text = next(iter(candidates.items()))
        return text, name
    western, vietnamese = candidates["cp1252"], candidates["cp1258"]
    if (
        detect_legacy(western) is None
        and _VIET_EXTRA.search(vietnamese)
        and _syllable_share(vietnamese) > _syllable_share(western)
    ):
        return vietnamese, "cp1258"
    return western, "cp1252"
