"""Vietnamese text: nfc, fold, match_key, and legacy encodings (TCVN3, VNI, cp1258)."""

from __future__ import annotations

import json
import unicodedata
from importlib import resources

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.strategies import (
    DATA,
    VIETNAMESE_LETTERS,
    real_name_variants,
    real_names,
    real_rows,
    vietnamese_text,
)

from tthc import legacy, text
from tthc.errors import TthcError
from tthc.legacy import (
    LegacyEncodingError,
    UnknownLegacyEncoding,
    decode_bytes,
    decode_legacy,
    detect_legacy,
    encode_legacy,
    is_syllable,
)
from tthc.text import _normalise, fold, match_key, nfc

#: Capitals with a tone mark: TCVN3 (VN3) has no code for them.
_TONED_CAPITALS = frozenset(
    ch for ch in VIETNAMESE_LETTERS if ch.isupper() and ch not in "ĂÂÊÔƠƯĐ" and not ch.isascii()
)


def _lower_toned_capitals(name: str) -> str:
    return "".join(ch.lower() if ch in _TONED_CAPITALS else ch for ch in name)


def _all_real_texts() -> list[str]:
    """Every non-empty cell of the real CSV files and every string of the JSONL."""
    found: list[str] = []
    for path in sorted(DATA.glob("*.csv")):
        if path.name.endswith("_to_unicode.csv"):
            continue
        for row in real_rows(path.name):
            found += [value for value in row.values() if value]
    with (DATA / "real_procedure_details.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            found += [v for v in json.loads(line).values() if isinstance(v, str) and v]
    return found


class TestNfc:
    @settings(max_examples=500)
    @given(st.text())
    def test_idempotent(self, value: str) -> None:
        """nfc(nfc(x)) == nfc(x)."""
        assert nfc(nfc(value)) == nfc(value)

    def test_spaces_quotes_dashes(self) -> None:
        """NBSP, runs of space, typographic quotes and dashes are unified; marks compose."""
        assert nfc("\u00a0“Đăng  ky\u0301” \u2013 khai\tsinh ") == '"Đăng ký" - khai sinh'


class TestFold:
    @settings(max_examples=500)
    @given(st.one_of(st.text(), vietnamese_text))
    @example("Đ\u0301")
    @example("e\u00ad\u0301")
    def test_fold_after_nfc_is_fold(self, value: str) -> None:
        """fold(nfc(x)) == fold(x)."""
        assert fold(nfc(value)) == fold(value)

    @given(vietnamese_text)
    def test_vietnamese_folds_to_ascii(self, value: str) -> None:
        """Vietnamese letters fold to ASCII lowercase: no marks, no đ."""
        folded = fold(value)

        assert folded.isascii()
        assert folded == folded.lower()

    def test_d_with_stroke(self) -> None:
        """đ and Đ fold to d, which Unicode decomposition alone does not do."""
        assert unicodedata.normalize("NFD", "đ") == "đ"
        assert fold("Đường đi") == "duong di"


class TestMatchKey:
    @settings(max_examples=500)
    @given(st.one_of(st.text(), vietnamese_text, real_name_variants))
    @example("Thủ tục thủ tục hành chính TTHC")
    def test_idempotent(self, value: str) -> None:
        """match_key(match_key(x)) == match_key(x)."""
        key = match_key(value)

        assert match_key(key) == key

    @given(real_name_variants)
    def test_case_and_spacing_do_not_matter(self, variant: str) -> None:
        """A real name keeps its key whatever its case and spacing."""
        keys = {match_key(name) for name in real_names()}

        assert match_key(variant) in keys

    def test_drops_leading_thu_tuc(self) -> None:
        """A leading "Thủ tục" and punctuation are dropped."""
        assert match_key("Thủ tục: Đăng ký khai sinh.") == match_key("ĐĂNG KÝ KHAI SINH")


class TestReExports:
    def test_text_exports_legacy(self) -> None:
        """tthc.text offers the legacy functions too."""
        assert text.decode_legacy is decode_legacy
        assert text.detect_legacy is detect_legacy
        assert {"decode_legacy", "detect_legacy"} <= set(text.__all__)


class TestTables:
    @pytest.mark.parametrize(("name", "rows"), [("tcvn3", 75), ("vni", 134)])
    def test_package_copy_matches_real_data(self, name: str, rows: int) -> None:
        """The packaged table is the real data file, byte for byte, with consistent rows."""
        filename = f"{name}_to_unicode.csv"
        packaged = resources.files("tthc").joinpath("data").joinpath(filename).read_bytes()

        assert packaged == (DATA / filename).read_bytes()
        table = real_rows(filename)
        assert len(table) == rows
        for row in table:
            assert bytes.fromhex(row["hex"]).decode("cp1252") == row["legacy"]
            assert unicodedata.is_normalized("NFC", row["unicode"])

    def test_vni_shape(self) -> None:
        """VNI has 116 two-byte sequences and 18 single bytes."""
        lengths = [len(row["legacy"]) for row in real_rows("vni_to_unicode.csv")]

        assert (lengths.count(2), lengths.count(1)) == (116, 18)

    def test_tcvn3_spot_checks(self) -> None:
        """The README's spot checks: µ = à, ¸ = á, ® = đ, § = Đ."""
        assert decode_legacy("µ¸®§", "tcvn3") == "àáđĐ"


class TestDecodeLegacy:
    def test_motto_in_both_encodings(self) -> None:
        """The national motto typed in TCVN3 and in VNI."""
        assert (
            decode_legacy("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3")
            == "Cộng hoà xã hội chủ nghĩa Việt Nam"
        )
        assert (
            decode_legacy("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "VNI-Windows")
            == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        )

    def test_vni_pairs_before_single_bytes(self) -> None:
        """ô alone is ơ but ôù is ớ; ö alone is ư but öø is ừ."""
        assert decode_legacy("ô ôù ö öø", "vni") == "ơ ớ ư ừ"

    def test_vni_mixed_case_pairs(self) -> None:
        """A capital base with a lowercase mark byte takes the case of the base."""
        assert decode_legacy("Aù aÙ", "vni") == "Á á"

    def test_tcvn3_capitals_font(self) -> None:
        """upper=True reads text set in a .VnTimeH-style font as capitals."""
        assert decode_legacy("uû ban nh©n d©n", "tcvn3", upper=True) == "UỶ BAN NHÂN DÂN"

    def test_lost_soft_hyphen(self) -> None:
        """An ư lost with byte 0xAD comes back where spelling requires it."""
        assert decode_legacy("ph¬ng, ®îc, r¬u, tr­êng", "tcvn3") == "phương, được, rươu, trường"
        assert decode_legacy("ph¬ng", "tcvn3", restore_lost_u=False) == "phơng"

    def test_cp1258_combining_marks_compose(self) -> None:
        """Text decoded from Windows-1258 (base + combining tone) comes out NFC."""
        decoded_1258 = "Vi\u00ea\u0323t Nam".encode("cp1258").decode("cp1258")

        assert decoded_1258 != "Việt Nam"
        assert decode_legacy(decoded_1258, "cp1258") == "Việt Nam"

    def test_cp1258_read_as_cp1252(self) -> None:
        """Windows-1258 bytes mistakenly read as Windows-1252 are re-read."""
        misread = encode_legacy("Hộ tịch", "cp1258")

        assert misread != "Hộ tịch"

        assert decode_legacy(misread, "windows-1258") == "Hộ tịch"

    def test_unknown_encoding(self) -> None:
        """An unknown encoding name raises a LookupError that is a TthcError."""
        with pytest.raises(UnknownLegacyEncoding) as info:
            decode_legacy("abc", "koi8-r")

        assert isinstance(info.value, LookupError)
        assert isinstance(info.value, TthcError)
        assert "koi8-r" in str(info.value)


class TestEncodeLegacy:
    def test_tcvn3_has_no_toned_capitals(self) -> None:
        """Strict TCVN3 refuses Ủ; "lower" writes its lowercase code; "replace" a '?'."""
        with pytest.raises(LegacyEncodingError) as info:
            encode_legacy("Ủy ban", "tcvn3")

        assert isinstance(info.value, ValueError)
        assert "Ủ" in str(info.value)
        assert encode_legacy("Ủy ban", "tcvn3", errors="lower") == "ñy ban"
        assert encode_legacy("Ủy ban", "tcvn3", errors="replace") == "?y ban"

    @pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
    def test_latin1_signs_that_are_legacy_letters(self, encoding: str) -> None:
        """A Unicode sign whose byte is a legacy letter (§, Ñ) cannot be written."""
        sign = "§" if encoding == "tcvn3" else "Ñ"

        with pytest.raises(LegacyEncodingError):
            encode_legacy(f"Điều 5 {sign}", encoding)

    def test_other_characters_pass_through(self) -> None:
        """ASCII, dashes and quotes outside the legacy range are kept."""
        assert encode_legacy("“A – B”", "tcvn3") == "“A – B”"


class TestRoundTrip:
    def test_tcvn3_every_real_name(self) -> None:
        """TCVN3 encode -> decode gives back every real name.

        Names with a toned capital ("Ủy ban") cannot be written strictly; with
        errors="lower" they come back with that letter in lowercase, and their
        all-capitals form comes back whole with upper=True.
        """
        names = real_names()
        assert len(names) == 454
        toned = 0
        for name in names:
            if any(ch in _TONED_CAPITALS for ch in name):
                toned += 1
                with pytest.raises(LegacyEncodingError):
                    encode_legacy(name, "tcvn3")
                lowered = encode_legacy(name, "tcvn3", errors="lower")
                assert decode_legacy(lowered, "tcvn3") == _lower_toned_capitals(name)
                capitals = encode_legacy(name.upper(), "tcvn3", errors="lower")
                assert decode_legacy(capitals, "tcvn3", upper=True) == name.upper()
            else:
                assert decode_legacy(encode_legacy(name, "tcvn3"), "tcvn3") == name
        assert toned == 8

    @pytest.mark.parametrize("encoding", ["vni", "cp1258"])
    def test_every_real_name(self, encoding: str) -> None:
        """VNI and cp1258 encode -> decode give back every real name exactly."""
        for name in real_names():
            assert decode_legacy(encode_legacy(name, encoding), encoding) == name

    @settings(max_examples=300)
    @given(vietnamese_text)
    def test_vni_any_vietnamese_text(self, value: str) -> None:
        """VNI round-trips any text of Vietnamese letters."""
        assert decode_legacy(encode_legacy(value, "vni"), "vni") == value

    @settings(max_examples=300)
    @given(vietnamese_text.map(str.lower))
    def test_tcvn3_any_lowercase_text(self, value: str) -> None:
        """TCVN3 round-trips any lowercase Vietnamese text (no repair asked)."""
        encoded = encode_legacy(value, "tcvn3")

        assert decode_legacy(encoded, "tcvn3", restore_lost_u=False) == value

    @settings(max_examples=400)
    @given(
        st.text(alphabet=st.characters(max_codepoint=0x1F00)),
        st.sampled_from(["tcvn3", "vni", "cp1258"]),
    )
    def test_any_text_round_trips_or_is_refused(self, value: str, encoding: str) -> None:
        """encode_legacy either refuses a character or is undone by decode_legacy."""
        try:
            encoded = encode_legacy(value, encoding)
        except LegacyEncodingError:
            return

        decoded = decode_legacy(encoded, encoding, restore_lost_u=False)

        assert decoded == unicodedata.normalize("NFC", value)


class TestDetectLegacy:
    def test_real_unicode_text_is_not_legacy(self) -> None:
        """No cell of the real data (all Unicode) is taken for legacy text."""
        texts = _all_real_texts()
        assert len(texts) > 10_000

        flagged = [t for t in texts if detect_legacy(t) is not None]

        assert flagged == []

    @pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
    def test_every_encoded_real_name_is_detected(self, encoding: str) -> None:
        """Each real name, typed in TCVN3 or VNI, is recognised as such."""
        missed = [
            name
            for name in real_names()
            if detect_legacy(encode_legacy(name, encoding, errors="lower")) != encoding
        ]

        assert missed == []

    def test_detected_without_soft_hyphens(self) -> None:
        """TCVN3 text that lost its 0xAD bytes is still recognised."""
        for name in real_names():
            encoded = encode_legacy(name, "tcvn3", errors="lower").replace("\u00ad", "")
            assert detect_legacy(encoded) == "tcvn3", name

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "Đăng ký khai sinh",
            "The quick brown fox jumps over the lazy dog.",
            "café crème brûlée, naïve résumé",
            "Straße in München, Köln und Düsseldorf",
            "El niño está en la montaña",
            "São Paulo está à venda",
            "5 µm × 2",
            "Céng",  # one word, and é is a Vietnamese letter too: ambiguous
            "x·",
            "chó ý",
        ],
    )
    def test_not_legacy(self, value: str) -> None:
        """Unicode Vietnamese, other languages and short ambiguous strings give None."""
        assert detect_legacy(value) is None

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("ViÖt Nam", "tcvn3"), ("c¸n bé", "tcvn3"), ("Ñaêng kyù", "vni"), ("ph¬ng", "tcvn3")],
    )
    def test_short_with_strong_evidence(self, value: str, expected: str) -> None:
        """A short string is recognised when a word is unmistakable."""
        assert detect_legacy(value) == expected

    @settings(max_examples=300)
    @given(st.one_of(st.text(), st.none(), st.integers()))
    def test_never_raises(self, value: object) -> None:
        """Any value gives a known answer."""
        assert detect_legacy(value) in (None, "tcvn3", "vni")  # type: ignore[arg-type]


class TestDecodeBytes:
    @pytest.mark.parametrize(
        ("encode", "expected"),
        [
            (lambda s: s.encode("utf-8"), "utf-8"),
            (lambda s: s.encode("utf-8-sig"), "utf-8-sig"),
            (lambda s: s.encode("utf-16"), "utf-16"),
            (lambda s: s.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
            (lambda s: encode_legacy(s, "cp1258").encode("cp1252"), "cp1258"),
        ],
    )
    def test_unicode_encodings(self, encode: object, expected: str) -> None:
        """Every real name comes back whole, and the encoding is named."""
        assert callable(encode)
        for name in real_names():
            assert decode_bytes(encode(name)) == (name, expected)

    @pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
    def test_legacy_files_read_as_cp1252(self, encoding: str) -> None:
        """Legacy-typed bytes are read as cp1252, ready for detect/decode."""
        name = real_names()[0]
        data = encode_legacy(name, encoding, errors="lower").encode("cp1252")

        decoded, used = decode_bytes(data)

        assert used == "cp1252"
        assert detect_legacy(decoded) == encoding
        expected = _lower_toned_capitals(name) if encoding == "tcvn3" else name
        assert decode_legacy(decoded, encoding) == expected

    def test_western_text(self) -> None:
        """French in cp1252 stays cp1252."""
        assert decode_bytes("crème brûlée".encode("cp1252")) == ("crème brûlée", "cp1252")

    def test_undefined_bytes_fall_back_to_latin1(self) -> None:
        """Bytes neither code page defines are still read (latin-1)."""
        assert decode_bytes(b"\x81\x8d abc") == ("\x81\x8d abc", "latin-1")


class TestIsSyllable:
    @pytest.mark.parametrize(
        "word", ["nghĩa", "Việt", "hoà", "hòa", "quốc", "khuỷu", "giữ", "gì", "được", "Đăng"]
    )
    def test_syllables(self, word: str) -> None:
        """Well-formed syllables, old and new tone placement."""
        assert is_syllable(word)

    @pytest.mark.parametrize("word", ["Céng", "xaõ", "tôc", "ghà", "ViÖt", "brûlée", "ph¬ng"])
    def test_not_syllables(self, word: str) -> None:
        """Spelling rules, tone position and stop-final tones are checked."""
        assert not is_syllable(word)

    def test_real_names_are_mostly_syllables(self) -> None:
        """At least 99% of the accented words of the real names are syllables."""
        words = [w for n in real_names() for w in n.split() if not w.isascii()]
        words = [w.strip(",.;:()\"'") for w in words]

        share = sum(1 for w in words if legacy.is_syllable(w)) / len(words)

        assert share > 0.99


class TestNfcFastPath:
    @given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
    def test_equals_nfc(self, text: str) -> None:
        """nfc's fast path for clean text gives what the full rewrite gives."""
        assert _normalise(text) == nfc(text)

    @given(
        st.lists(
            st.sampled_from(
                [
                    "Đăng",
                    "ký",
                    "khai",
                    "sinh",
                    " ",
                    "  ",
                    "\u00a0",
                    "\u2013",
                    "e\u0301",
                    "\t",
                    "“",
                    "\u200b",
                    "Ủy",
                ]
            ),
            max_size=12,
        )
    )
    def test_equals_nfc_on_vietnamese_pieces(self, parts: list[str]) -> None:
        """Texts built from Vietnamese words, odd spaces, dashes and combining marks."""
        text = "".join(parts)

        assert _normalise(text) == nfc(text)
