"""Fuzzing every parser: whatever the input, only tthc's own exceptions escape.

Each parser is given arbitrary input and real input damaged at random (real
procedure names, processing times, fees and codes from ``tests/data/real``; the
example catalogue's decision files, dossier log and listings; the national
portal's exports), and the test asserts that it either returns its record
or raises one of the exceptions it documents, all :class:`~tthc.errors.TthcError`
(most parsers document none). Where a parser promises more (NFC text, a round
trip, the same answer as :mod:`tomllib`) that is checked too.

Two Hypothesis profiles: ``ci`` (the default; the whole file runs in well under
a minute) and ``long`` (``TTHC_FUZZ_PROFILE=long``, a hundred times the
examples). ``scripts/fuzz.py`` runs the parsers on millions of inputs.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import tomllib
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.strategies import (
    DATA,
    VIETNAMESE_LETTERS,
    code_spellings,
    real_fee_texts,
    real_names,
    real_national_codes,
    real_rows,
)

from tthc import codes
from tthc._io import TomlSyntaxError, read_toml
from tthc.catalog import Catalog, check_catalog, load_catalog
from tthc.errors import InputError, InvalidCode, TthcError
from tthc.feeparse import format_fee, parse_fee
from tthc.fees import Fee
from tthc.legacy import (
    LegacyEncodingError,
    decode_bytes,
    decode_legacy,
    detect_legacy,
    encode_legacy,
)
from tthc.proctime import ProcessingTime, parse_processing_time, to_working_days
from tthc.text import fold, match_key, nfc, strip_marks

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "catalog"

_NO_HEALTH = list(HealthCheck)
settings.register_profile("tthc-fuzz-ci", max_examples=300, deadline=None,
                          suppress_health_check=_NO_HEALTH)
settings.register_profile("tthc-fuzz-long", max_examples=30_000, deadline=None,
                          suppress_health_check=_NO_HEALTH)
#: The profile of this file (``TTHC_FUZZ_PROFILE``: ``ci`` or ``long``).
PROFILE = os.environ.get("TTHC_FUZZ_PROFILE", "ci")
FUZZ = settings.get_profile(f"tthc-fuzz-{PROFILE}")
#: For the parsers that read files (a workbook takes milliseconds to open).
FUZZ_FILES = settings(FUZZ, max_examples=max(40, FUZZ.max_examples // 3))

T = TypeVar("T")


def tthc_errors_only(call: Callable[[], T]) -> T | TthcError:
    """Run *call*; return its result or the TthcError it raised; fail on anything else."""
    try:
        return call()
    except TthcError as exc:
        return exc
    except Exception as exc:  # the point of the test: nothing else may escape
        pytest.fail(f"{type(exc).__name__} escaped: {exc!r}")


# --------------------------------------------------------------------------- inputs

_PUNCTUATION = " ,.;:()-/–_'\"%\t\n\r\u00a0…*+=<>[]{}#&|\\"


@cache
def _real_texts() -> tuple[str, ...]:
    """Real cells: names, processing times, fees, codes, fields (tests/data/real, as they are)."""
    found: list[str] = list(real_names()) + list(real_fee_texts()) + list(real_national_codes())
    for name in ("real_procedures.csv", "decision_appendix_extracts.csv",
                 "public_listing_extracts.csv"):
        for row in real_rows(name):
            found += [row.get("processing_time_text", ""), row.get("field", "") or "",
                      row.get("stt", "") or "", row.get("code", "") or ""]
    return tuple(dict.fromkeys(text for text in found if text))


@st.composite
def _damaged(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """A text from *base* with a few characters inserted, deleted or replaced."""
    text = draw(base)
    alphabet = VIETNAMESE_LETTERS + "0123456789" + _PUNCTUATION
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(("insert", "delete", "replace", "duplicate")))
        piece = draw(st.text(alphabet=alphabet, min_size=1, max_size=4) | st.text(max_size=3))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + len(piece):]
        elif action == "replace":
            text = text[:at] + piece + text[at + len(piece):]
        else:
            text = text[:at] + text[at:at + 20] * 2 + text[at + 20:]
    return text


#: Text of every kind: arbitrary Unicode, Vietnamese, real cells and damaged real cells.
texts = st.one_of(
    st.text(),
    st.text(alphabet=VIETNAMESE_LETTERS + "0123456789" + _PUNCTUATION, max_size=120),
    st.sampled_from(_real_texts()),
    _damaged(st.sampled_from(_real_texts())),
    st.builds(lambda t: unicodedata.normalize("NFD", t), st.sampled_from(_real_texts())),
)


@st.composite
def _damaged_bytes(draw: st.DrawFn, base: bytes) -> bytes:
    """*base* cut, with bytes flipped, inserted or deleted at a few places."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(("flip", "insert", "delete", "cut", "zero")))
        if action == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif action == "cut":
            del data[at:]
        else:
            data[at:at + 8] = b"\x00" * 8
    return bytes(data)


def _rezip(base: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = content if info.filename == member else source.read(info.filename)
            target.writestr(info.filename, data)
    return out.getvalue()


@st.composite
def _damaged_zip(draw: st.DrawFn, base: bytes, members: tuple[str, ...]) -> bytes:
    """An XLSX or DOCX whose XML part is damaged, packed again as a valid zip."""
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        member = draw(st.sampled_from([m for m in members if m in archive.namelist()]))
        content = archive.read(member)
    # Damage the XML of a short window (a whole part is too long to explore).
    start = draw(st.integers(0, max(0, len(content) - 4000)))
    window = content[start:start + 4000]
    return _rezip(base, member, content[:start] + draw(_damaged_bytes(window))
                  + content[start + 4000:])


@cache
def _seed_file(name: str) -> bytes:
    return (REPO / name).read_bytes() if (REPO / name).exists() else (DATA / name).read_bytes()


def _text_file_bytes() -> st.SearchStrategy[bytes]:
    seeds = [_seed_file(f"catalog/listings/{n}")[:6000] for n in (
        "xa-tung-lam.csv", "xa-bach-lam.csv", "thi-tran-mau-lam.csv", "xa-lien-lam.md",
        "xa-mai-lam.txt")]
    seeds += [_seed_file("decision_appendix_extracts.csv")[:6000],
              _seed_file("catalog/dossiers-2019.csv")[:4000]]
    seeded = st.sampled_from(seeds)
    return st.one_of(st.binary(max_size=2000), seeded,
                     seeded.flatmap(lambda b: _damaged_bytes(b)),
                     texts.map(lambda t: t.encode("utf-8")),
                     st.lists(st.lists(texts, max_size=6), max_size=12).map(_csv_bytes))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


def _zip_file_bytes() -> st.SearchStrategy[bytes]:
    xlsx = [_seed_file("catalog/listings/huyen.xlsx"),
            _seed_file("portal_exports/danh-sach-tthc-BoTuPhap.xlsx")]
    docx = _seed_file("catalog/listings/xa-cuc-lam.docx")
    return st.one_of(
        st.sampled_from(xlsx).flatmap(lambda b: _damaged_bytes(b)),
        st.sampled_from(xlsx).flatmap(lambda b: _damaged_zip(
            b, ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
                "xl/styles.xml", "[Content_Types].xml"))),
        _damaged_bytes(docx),
        _damaged_zip(docx, ("word/document.xml", "word/styles.xml", "[Content_Types].xml")),
    )


file_bytes = st.one_of(_text_file_bytes(), _zip_file_bytes())
suffixes = st.sampled_from((".csv", ".xlsx", ".docx", ".txt", ".md", ".tsv", ""))


@pytest.fixture(name="folder", scope="module")
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="tthc-fuzz-") as name:
        yield Path(name)


@contextmanager
def written(folder: Path, data: bytes, suffix: str) -> Iterator[Path]:
    """*data* in a file named with *suffix* (removed afterwards)."""
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    try:
        yield path
    finally:
        path.unlink()


# --------------------------------------------------------------------------- codes


class TestCodes:
    @FUZZ
    @given(text=texts | code_spellings().map(lambda pair: pair[0]))
    def test_parse(self, text: str) -> None:
        """parse raises InvalidCode or gives a code that parses to itself."""
        parsed = tthc_errors_only(lambda: codes.parse(text))
        valid = codes.is_valid(text)

        assert isinstance(codes.compact(text), str)
        if isinstance(parsed, TthcError):
            assert isinstance(parsed, InvalidCode)
            assert not valid
        else:
            assert valid
            assert parsed == codes.parse(str(parsed))
            assert parsed.national == codes.validate(text)
            assert isinstance(codes.is_national(text), bool)

    @FUZZ
    @given(value=st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.booleans()))
    def test_not_text(self, value: Any) -> None:
        assert not codes.is_valid(value)
        assert isinstance(tthc_errors_only(lambda: codes.parse(value)), InvalidCode)


# --------------------------------------------------------------------------- text


class TestText:
    @FUZZ
    @given(text=texts)
    def test_normalisers(self, text: str) -> None:
        clean = nfc(text)

        assert unicodedata.is_normalized("NFC", clean)
        assert clean == nfc(clean)
        assert isinstance(fold(text), str)
        assert isinstance(match_key(text), str)
        assert isinstance(strip_marks(text), str)

    @FUZZ
    @given(data=file_bytes | st.binary(max_size=3000))
    def test_decode_bytes(self, data: bytes) -> None:
        text, encoding = decode_bytes(data)

        assert encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1258", "cp1252", "latin-1")
        assert unicodedata.is_normalized("NFC", text)

    @FUZZ
    @given(text=texts, encoding=st.sampled_from(("tcvn3", "vni", "cp1258")))
    def test_legacy(self, text: str, encoding: str) -> None:
        assert detect_legacy(text) in (None, "tcvn3", "vni")
        decoded = decode_legacy(text, encoding)
        assert unicodedata.is_normalized("NFC", decoded)
        encoded = tthc_errors_only(lambda: encode_legacy(text, encoding, errors="strict"))
        if isinstance(encoded, TthcError):
            assert isinstance(encoded, LegacyEncodingError)


# --------------------------------------------------------------------------- times and fees


class TestTimesAndFees:
    @FUZZ
    @given(text=texts)
    def test_processing_time(self, text: str) -> None:
        """A processing time is read from any text; it keeps the text in NFC."""
        pt = tthc_errors_only(lambda: parse_processing_time(text))

        assert isinstance(pt, ProcessingTime)
        assert nfc(text) == pt.text
        tthc_errors_only(lambda: to_working_days(pt))

    @FUZZ
    @given(text=st.none() | texts)
    @example(text="\x00 50.000 đồng (a)")  # a NUL passed for the parser's own marker
    def test_fee(self, text: str | None) -> None:
        fee = tthc_errors_only(lambda: parse_fee(text))

        assert isinstance(fee, Fee)
        assert nfc(text or "") == format_fee(fee)
        if fee.status.value in ("partial", "unparsed"):
            assert fee.unparsed_parts


# --------------------------------------------------------------------------- files


class TestListings:
    @FUZZ_FILES
    @given(data=file_bytes, suffix=suffixes)
    def test_read_listing(self, folder: Path, data: bytes, suffix: str) -> None:
        from tthc.listing import Listing, read_listing

        with written(folder, data, suffix) as path:
            found = tthc_errors_only(lambda: read_listing(path))
        if isinstance(found, Listing):
            assert found.accounted()
            from tthc.audit import AuditReport, audit

            report = tthc_errors_only(lambda: audit(example_catalog(), {"xa-tung-lam": found},
                                                    date(2019, 12, 31)))
            if isinstance(report, AuditReport):
                for render in (report.to_text, report.to_json, report.to_csv,
                               report.to_markdown):
                    assert isinstance(render(), str)


class TestImporters:
    @FUZZ
    @given(rows=st.lists(st.lists(st.none() | texts, max_size=8), max_size=25))
    def test_parse_appendix(self, rows: list[list[str | None]]) -> None:
        from tthc.importers import AppendixImport, parse_appendix

        found = tthc_errors_only(lambda: parse_appendix(
            rows, number="1766/QĐ-UBND", issuer="Chủ tịch UBND tỉnh Bình Thuận",
            signed=date(2020, 8, 3)))

        assert isinstance(found, AppendixImport | InputError)  # InputError: no header row

    @FUZZ_FILES
    @given(data=file_bytes, suffix=suffixes)
    def test_read_appendix(self, folder: Path, data: bytes, suffix: str) -> None:
        from tthc.importers import read_appendix

        with written(folder, data, suffix) as path:
            tthc_errors_only(lambda: read_appendix(
                path, number="1766/QĐ-UBND", issuer="Chủ tịch UBND tỉnh Bình Thuận",
                signed=date(2020, 8, 3)))

    @FUZZ_FILES
    @given(data=file_bytes, suffix=suffixes)
    def test_portal_export(self, folder: Path, data: bytes, suffix: str) -> None:
        from tthc.importers import PortalExport, diff_portal, read_portal_export, seed_decision

        with written(folder, data, suffix) as path:
            export = tthc_errors_only(lambda: read_portal_export(path))
        if isinstance(export, PortalExport):
            tthc_errors_only(lambda: diff_portal(export, example_catalog(), date(2019, 12, 31)))
            tthc_errors_only(lambda: seed_decision(export, number="1/QĐ-UBND", issuer="x",
                                                   signed=date(2020, 1, 1),
                                                   default_levels=("commune",)))


@cache
def example_catalog() -> Catalog:
    return load_catalog(EXAMPLE)


class TestDossierLogs:
    @FUZZ_FILES
    @given(data=file_bytes, suffix=suffixes)
    def test_read_and_check(self, folder: Path, data: bytes, suffix: str) -> None:
        from tthc.dossiers import DossierLog, check_dossiers, read_dossier_log

        with written(folder, data, suffix) as path:
            log = tthc_errors_only(lambda: read_dossier_log(path))
        if isinstance(log, DossierLog):
            report = tthc_errors_only(lambda: check_dossiers(example_catalog(), log,
                                                             default_desk="xa-tung-lam"))
            if not isinstance(report, TthcError):
                tthc_errors_only(lambda: report.as_dict(["desk", "level", "field", "month"]))

    @FUZZ
    @given(rows=st.lists(st.lists(texts, min_size=1, max_size=5), max_size=8))
    def test_rows(self, rows: list[list[str]]) -> None:
        """Log rows under a real header: every row is classified or reported."""
        from tthc.dossiers import DossierLog, check_dossiers, parse_dossier_log

        text = "Mã TTHC,Nơi tiếp nhận,Ngày nhận,Ngày hoàn thành,Ngày hẹn lại\n" + \
            _csv_bytes(rows).decode("utf-8", errors="replace")
        log = tthc_errors_only(lambda: parse_dossier_log(text))
        if isinstance(log, DossierLog):
            report = tthc_errors_only(lambda: check_dossiers(example_catalog(), log))
            if not isinstance(report, TthcError):
                assert len(log.rows) == len(report)

    @FUZZ
    @given(value=st.one_of(texts, st.integers(), st.floats(), st.datetimes(), st.dates(),
                           st.none()))
    def test_timestamp(self, value: Any) -> None:
        from tthc.dossiers import parse_timestamp

        try:
            found = parse_timestamp(value)
        except ValueError:
            return  # documented
        assert found is None or isinstance(found, datetime)


# --------------------------------------------------------------------------- catalogues

_KEYS = ("number", "issuer", "signed", "effective", "title", "signer", "kind", "code", "levels",
         "name", "field", "agency", "processing_time", "fees", "successor", "to_levels",
         "applied_time", "online", "postal", "id", "level", "opened", "closed", "cutoff", "day")
_VALUES = st.one_of(
    st.sampled_from(('"new"', '"amended"', '"replaced"', '"repealed"', '"transferred"',
                     '"cut"', '"service"', '"district"', '"commune"', '["district"]',
                     '["commune", "district"]', "2019-02-30", "2019-12-31", "2016-03-10",
                     "1.5", "true", "[]", "{}", '"1.002425"', '"2.000815"', '"1.999999"',
                     '"3 ngày làm việc"', '"Miễn phí"', '"Mức độ 4"')),
    st.integers(-10, 10**20).map(str),
    texts.map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"')
              .replace("\n", "\\n") + '"'),
)


@st.composite
def toml_ish(draw: st.DrawFn) -> str:
    """Decision-like TOML: real keys and table headers with odd values, or a damaged real file."""
    if draw(st.booleans()):
        files = sorted((EXAMPLE / "decisions").rglob("*.toml"))
        text = draw(st.sampled_from(files)).read_text(encoding="utf-8")[:5000]
        return draw(_damaged(st.just(text)))
    lines = [f'number = "{draw(st.integers(1, 999))}/QĐ-UBND"',
             'issuer = "Chủ tịch UBND tỉnh Thí Điểm"', f"signed = {draw(st.dates())}"]
    for _ in range(draw(st.integers(0, 12))):
        choice = draw(st.integers(0, 5))
        if choice == 0:
            lines.append(draw(st.sampled_from(("[[entries]]", "[entries.content]", "[[desks]]",
                                               "[entries]", "[[entries.content]]"))))
        else:
            lines.append(f"{draw(st.sampled_from(_KEYS))} = {draw(_VALUES)}")
    return "\n".join(lines) + "\n"


class TestCatalogs:
    @FUZZ
    @given(text=toml_ish() | texts)
    def test_read_toml_is_tomllib(self, text: str) -> None:
        """The fast TOML path gives what tomllib gives, or the same refusal."""
        try:
            expected: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            expected = TomlSyntaxError
        try:
            found: Any = read_toml(text)
        except TomlSyntaxError:
            found = TomlSyntaxError

        assert expected == found

    @FUZZ_FILES
    @given(decision=toml_ish(), unit=st.none() | _damaged(st.just(
        (EXAMPLE / "unit.toml").read_text(encoding="utf-8"))))
    def test_load(self, folder: Path, decision: str, unit: str | None) -> None:
        """A catalogue with a fuzzed decision (and unit): loaded, or refused with its problems."""
        root = folder / "catalog"
        shutil.rmtree(root, ignore_errors=True)
        (root / "decisions" / "2019").mkdir(parents=True)
        (root / "unit.toml").write_text(
            unit if unit is not None else (EXAMPLE / "unit.toml").read_text(encoding="utf-8"),
            encoding="utf-8", errors="surrogatepass")
        shutil.copy(EXAMPLE / "decisions" / "2016" / "2016-03-10_396-qd-ubnd.toml",
                    root / "decisions" / "2016-03-10.toml")
        (root / "decisions" / "2019" / "x.toml").write_text(decision, encoding="utf-8",
                                                             errors="surrogatepass")
        loaded = tthc_errors_only(lambda: load_catalog(root))
        problems = tthc_errors_only(lambda: check_catalog(root))

        assert isinstance(problems, tuple)
        if isinstance(loaded, Catalog):
            assert not [p for p in problems if p.severity == "error"]
            tthc_errors_only(lambda: loaded.as_of(date(2019, 12, 31)).entries())
        else:
            assert [p for p in problems if p.severity == "error"]


# --------------------------------------------------------------------------- arguments


class TestArguments:
    @FUZZ
    @given(text=texts)
    @example(text="1/1/99999999999999999999")  # an OverflowError, found by Atheris
    def test_dates(self, text: str) -> None:
        import argparse

        from tthc.cli._common import parse_date
        from tthc.cli.dossier_cmds import parse_moment

        for parse in (parse_date, parse_moment):
            with suppress(argparse.ArgumentTypeError):  # documented: a usage error
                parse(text)
