"""The old and the published formats read like their XLSX and DOCX twins.

``tests/data/formats`` holds real rows in ``.xls``, ``.ods``, ``.doc`` and PDF, each
converted by LibreOffice (``scripts/make_format_twins.py``) from a file the other tests
read in XLSX or DOCX: the example listings ``huyen.xlsx`` and ``xa-cuc-lam.docx`` and the
appendix of QĐ 1766/QĐ-UBND rendered from the real extracts. Each twin must give the same
rows, the same audit findings and the same appendix import as its original.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from tthc import listing as listing_module
from tthc.cli import main
from tthc.errors import InputError
from tthc.importers import read_appendix
from tthc.listing import read_listing

REPO = Path(__file__).resolve().parents[1]
TWINS = REPO / "tests" / "data" / "formats"
LISTINGS = REPO / "catalog" / "listings"
HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
needs_soffice = pytest.mark.skipif(
    not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed: .doc files cannot be read")

#: (original, twin) pairs of the listings.
LISTING_TWINS = [
    ("huyen.xlsx", "huyen.xls"),
    ("huyen.xlsx", "huyen.ods"),
    pytest.param("xa-cuc-lam.docx", "xa-cuc-lam.doc", marks=needs_soffice),
    ("xa-cuc-lam.docx", "xa-cuc-lam.pdf"),
]


def _row_key(row: object) -> tuple[object, ...]:
    return tuple(getattr(row, name) for name in (
        "code", "local_code", "name", "field", "level", "processing_time_text", "stt"))


def _squeezed(text: str | None) -> str:
    """The text without white space: a PDF cannot tell every lost space at a line break."""
    return "".join((text or "").split())


def _audit(path: Path, desk: str, tmp_path: Path) -> list[dict[str, object]]:
    out = tmp_path / f"{path.name}.json"
    code = main(["audit", "--as-of", "2019-12-31", "--format", "json", "-o", str(out),
                 f"{desk}={path}"])
    assert code in (0, 1)
    return list(json.loads(out.read_text(encoding="utf-8"))["findings"])


class TestListingTwins:
    @pytest.mark.parametrize(("original", "twin"), LISTING_TWINS)
    def test_same_rows(self, original: str, twin: str) -> None:
        """Every procedure row of the twin is the original's row, in the same order."""
        first = read_listing(LISTINGS / original)
        second = read_listing(TWINS / twin)

        assert second.accounted()
        assert [_row_key(r) for r in first.rows] == [_row_key(r) for r in second.rows]
        assert [_squeezed(r.fee_text) for r in first.rows] == [
            _squeezed(r.fee_text) for r in second.rows]
        assert twin.rsplit(".", 1)[1] == second.format

    @pytest.mark.parametrize(("original", "twin"), LISTING_TWINS)
    def test_same_findings(self, original: str, twin: str, tmp_path: Path) -> None:
        """The audit finds the same things in the twin; positions name its sheet or page."""
        desk = original.rsplit(".", 1)[0]
        drop = ("source", "sheet", "row", "message")
        first = _audit(LISTINGS / original, desk, tmp_path)
        second = _audit(TWINS / twin, desk, tmp_path)

        assert first
        assert [{k: v for k, v in f.items() if k not in drop} for f in first] == [
            {k: v for k, v in f.items() if k not in drop} for f in second]
        for finding in second:
            if twin.endswith(".pdf") and finding["row"] is not None:
                assert str(finding["sheet"]).startswith("page ")
            if twin.endswith((".xls", ".ods")):
                assert finding["sheet"] in {f["sheet"] for f in first}

    def test_spreadsheet_raw_cells(self) -> None:
        """XLS and ODS give the XLSX's cells, merged ranges filled in, row for row."""
        first = read_listing(LISTINGS / "huyen.xlsx")
        for twin in ("huyen.xls", "huyen.ods"):
            second = read_listing(TWINS / twin)

            assert [(r.sheet, r.row, r.raw) for r in first.rows] == [
                (r.sheet, r.row, r.raw) for r in second.rows]
            assert [(s.sheet, s.row, s.reason) for s in first.skipped] == [
                (s.sheet, s.row, s.reason) for s in second.skipped]

    def test_pdf_positions(self) -> None:
        """A PDF row's position is its page and its row on that page."""
        listing = read_listing(TWINS / "xa-cuc-lam.pdf")
        row = listing.rows[-1]

        assert row.sheet is not None
        assert row.sheet.startswith("page ")
        assert f"xa-cuc-lam.pdf, {row.sheet}, row {row.row}" == row.position.split("/")[-1]
        assert len(listing.sheets) > 1


def _appendix(name: str):  # type: ignore[no-untyped-def]
    return read_appendix(TWINS / name, number="1766/QĐ-UBND",
                         issuer="Chủ tịch UBND tỉnh Bình Thuận", signed=date(2020, 8, 3))


def _outcomes(result: object, *, blank: bool = True) -> list[tuple[object, ...]]:
    return [(o.position.part, o.position.row, o.status, o.code, o.cells, o.kind)
            for o in result.rows if blank or o.code != "blank"]  # type: ignore[attr-defined]


class TestAppendixTwins:
    @pytest.mark.parametrize("twin", ["appendix-1766.xls", "appendix-1766.ods"])
    def test_spreadsheets(self, twin: str) -> None:
        """An XLS or ODS appendix imports exactly as its XLSX: entries and every row."""
        first, second = _appendix("appendix-1766.xlsx"), _appendix(twin)

        assert first.decision == second.decision
        assert _outcomes(first) == _outcomes(second)
        assert 71 == len(second.decision.entries)
        assert {"amended": 50, "repealed": 21} == second.summary()["entries"]

    @needs_soffice
    def test_doc(self) -> None:
        """A .doc appendix imports as its DOCX (LibreOffice adds one empty paragraph)."""
        first, second = _appendix("appendix-1766.docx"), _appendix("appendix-1766.doc")

        assert first.decision == second.decision
        assert _outcomes(first, blank=False) == _outcomes(second, blank=False)

    def test_pdf(self) -> None:
        """A PDF appendix gives the same entries, categories and reported rows as its DOCX."""
        first, second = _appendix("appendix-1766.docx"), _appendix("appendix-1766.pdf")

        assert [(e.kind, e.code) for e in first.decision.entries] == [
            (e.kind, e.code) for e in second.decision.entries]
        # The names, exactly: lines broken inside a syllable ("chuyể" / "n") are joined,
        # a break between two syllables ("Chứng" / "thực") keeps its space.
        assert [e.content.name if e.content else None for e in first.decision.entries] == [
            e.content.name if e.content else None for e in second.decision.entries]
        assert 71 == len(second.decision.entries)
        reported = [(o.status, o.code, o.reason) for o in second.rows if o.status == "reported"]
        assert [(o.status, o.code, o.reason) for o in first.rows
                if o.status == "reported"] == reported
        assert all(o.position.part.startswith("page ") for o in second.rows)


class TestRefused:
    def test_scanned_pdf(self) -> None:
        """A PDF without a text layer is refused with a message saying it needs OCR."""
        with pytest.raises(InputError, match=r"scanned PDF.*OCR"):
            read_listing(TWINS / "scanned.pdf")

    def test_scanned_pdf_cli(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The command line exits with 2 and no traceback."""
        code = main(["audit", "--as-of", "2019-12-31", f"xa-cuc-lam={TWINS / 'scanned.pdf'}"])

        err = capsys.readouterr().err
        assert 2 == code
        assert "scanned.pdf" in err
        assert "OCR" in err
        assert "Traceback" not in err

    def test_doc_without_libreoffice(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
        """Without LibreOffice a .doc is refused with a message naming the missing tool."""
        monkeypatch.setenv("PATH", str(tmp_path))
        listing_module._converted_doc.cache_clear()
        try:
            with pytest.raises(InputError, match=r"needs LibreOffice.*soffice"):
                read_listing(TWINS / "xa-cuc-lam.doc")
            code = main(["audit", "--as-of", "2019-12-31",
                         f"xa-cuc-lam={TWINS / 'xa-cuc-lam.doc'}"])
        finally:
            listing_module._converted_doc.cache_clear()

        err = capsys.readouterr().err
        assert 2 == code
        assert "libreoffice-writer-nogui" in err
        assert "Traceback" not in err

    def test_pdf_without_table(self, tmp_path: Path) -> None:
        """A text PDF without a ruled table of names says what was looked for."""
        path = tmp_path / "page.pdf"
        path.write_bytes((TWINS / "appendix-1766.pdf").read_bytes())
        with pytest.raises(InputError, match="ruling lines"):
            read_listing(path, sheet=None, columns={"name": "Không có cột này"})


#: The dossier log twins: the first 400 dossiers of the example's 2019 log.
DOSSIER_TWINS = ["dossiers-2019-head.xls", "dossiers-2019-head.ods"]


class TestDossierLogTwins:
    """Dossier logs exported as Excel 97-2003 or OpenDocument read like the XLSX."""

    @pytest.mark.parametrize("twin", DOSSIER_TWINS)
    def test_same_rows_and_outcomes(self, twin: str) -> None:
        from tthc.catalog import load_catalog
        from tthc.dossiers import check_dossiers, read_dossier_log

        original = read_dossier_log(TWINS / "dossiers-2019-head.xlsx")
        log = read_dossier_log(TWINS / twin)
        assert log.format == twin.rsplit(".", 1)[1]
        assert dict(original.columns) == dict(log.columns)
        assert list(original.rows) == list(log.rows)
        assert 400 == len(log.rows)
        catalog = load_catalog()
        want = check_dossiers(catalog, original, as_of=date(2019, 12, 31))
        got = check_dossiers(catalog, log, as_of=date(2019, 12, 31))
        assert [(d.row, d.id, d.outcome, d.due) for d in want.dossiers] == [
            (d.row, d.id, d.outcome, d.due) for d in got.dossiers]
        assert want.problems == got.problems

    def test_same_outcomes_as_the_csv_log(self, tmp_path: Path) -> None:
        """The workbook holds the CSV's first rows: the same dossiers, the same classes."""
        from tthc.catalog import load_catalog
        from tthc.dossiers import check_dossiers, read_dossier_log

        lines = (REPO / "catalog" / "dossiers-2019.csv").read_text(encoding="utf-8").splitlines()
        head = tmp_path / "head.csv"
        head.write_text("\n".join(lines[:401]) + "\n", encoding="utf-8")
        catalog = load_catalog()
        csv_report = check_dossiers(catalog, read_dossier_log(head), as_of=date(2019, 12, 31))
        xls_report = check_dossiers(catalog, read_dossier_log(TWINS / "dossiers-2019-head.xls"),
                                    as_of=date(2019, 12, 31))
        assert [(d.id, d.outcome) for d in csv_report.dossiers] == [
            (d.id, d.outcome) for d in xls_report.dossiers]

    def test_cli_reads_an_xls_log(self, capsys: pytest.CaptureFixture[str]) -> None:
        code = main(["dossiers", str(TWINS / "dossiers-2019-head.xls"), "--as-of", "2019-12-31"])
        assert code in (0, 1)
        assert "400" in capsys.readouterr().out

    @pytest.mark.parametrize("twin", DOSSIER_TWINS)
    def test_damaged_workbook(self, twin: str, tmp_path: Path) -> None:
        """A workbook cut short is refused with a message naming the file."""
        from tthc.dossiers import read_dossier_log

        data = (TWINS / twin).read_bytes()
        bad = tmp_path / twin
        bad.write_bytes(data[: len(data) // 3])
        with pytest.raises(InputError) as info:
            read_dossier_log(bad)
        assert str(bad) in str(info.value)
