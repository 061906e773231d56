"""The embedded example catalogue: contracts over every record, the 2019 figures, the generator."""

from __future__ import annotations

import filecmp
import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import tthc
from tthc import codes
from tthc.catalog import load_catalog, read_catalog
from tthc.decision import EntryKind
from tthc.proctime import cut_fraction

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO / "tests" / "data" / "real"


@pytest.fixture(name="catalog", scope="module")
def _catalog() -> tthc.Catalog:
    return load_catalog()


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


class TestContracts:
    def test_every_code_valid_and_national(self, catalog: tthc.Catalog) -> None:
        """Every code in every decision is a valid national code."""
        for decision in catalog.decisions:
            for entry in decision.entries:
                assert codes.is_national(entry.code), (decision.number, entry.code)
                if entry.successor:
                    assert codes.is_national(entry.successor)

    def test_texts_are_nfc(self, catalog: tthc.Catalog) -> None:
        """Every text of every version is Unicode NFC."""
        for version in catalog.versions:
            p = version.procedure
            for text in (p.name, p.field.name, p.agency, p.processing_time.text, p.fees.text):
                assert _is_nfc(text), (p.code, text)

    def test_replays_without_errors_or_warnings(self, catalog: tthc.Catalog) -> None:
        """Every decision replays; the example has no warning either."""
        assert () == catalog.warnings
        assert len(read_catalog().decisions) == len(catalog.decisions)

    @pytest.mark.parametrize("year", range(2016, 2027))
    def test_no_duplicate_pair_in_force(self, catalog: tthc.Catalog, year: int) -> None:
        """No (code, level) is in force twice on any year end."""
        entries = catalog.as_of(date(year, 12, 31)).entries()
        pairs = Counter((e.code, e.level) for e in entries)

        assert [] == [pair for pair, n in pairs.items() if n > 1]

    def test_procedures_are_real(self, catalog: tthc.Catalog) -> None:
        """Every code and name in the catalogue is a real procedure (as tthc normalises text)."""
        import csv

        from tthc.text import nfc

        real: dict[str, str] = {}
        for name in ("real_procedures.csv", "real_procedures_district.csv"):
            with (REAL_DATA / name).open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    real.setdefault(row["code"], nfc(row["name"]))
        for version in catalog.versions:
            assert real.get(version.procedure.code) == version.procedure.name


class TestReportFigures:
    """The 2019 report's figures, computed from the decisions by the library."""

    def test_in_force(self, catalog: tthc.Catalog) -> None:
        """441 (procedure, level) pairs in force on 1/1/2019 and 445 on 31/12/2019."""
        assert 441 == len(catalog.as_of(date(2019, 1, 1)).entries())
        assert 445 == len(catalog.as_of(date(2019, 12, 31)).entries())

    def test_changes_in_2019(self, catalog: tthc.Catalog) -> None:
        """37 new, 37 amended, 27 replaced, 33 repealed in 2019."""
        changes = catalog.changes(date(2019, 1, 1), date(2019, 12, 31))
        counted = {kind: changes.per_level[kind] for kind in (
            EntryKind.NEW, EntryKind.AMENDED, EntryKind.REPLACED, EntryKind.REPEALED)}

        assert {
            EntryKind.NEW: 37,
            EntryKind.AMENDED: 37,
            EntryKind.REPLACED: 27,
            EntryKind.REPEALED: 33,
        } == counted

    def test_cuts(self, catalog: tthc.Catalog) -> None:
        """17 procedures cut by 20 % or more, in exactly the report's five fields."""
        end = catalog.as_of(date(2019, 12, 31)).entries()
        cut = [
            e
            for e in end
            if e.applied_time is not None
            and (cut_fraction(e.procedure.processing_time, e.applied_time) or 0) >= Decimal("0.2")
        ]
        fields = {e.procedure.field.key for e in cut}

        assert 17 == len(cut)
        assert {
            "hoat-dong-xay-dung",
            "luu-thong-hang-hoa-trong-nuoc",
            "phat-thanh-truyen-hinh-va-thong-tin-dien-tu",
            "ho-kinh-doanh",
            "thanh-lap-va-hoat-dong-cua-to-hop-tac-hop-tac-xa-lien-hiep-hop-tac-xa",
        } == fields

    def test_online_and_postal(self, catalog: tthc.Catalog) -> None:
        """260 online at level 3-4 at the end of 2019, 244 a year earlier; 267 postal."""

        def online(day: date) -> int:
            entries = catalog.as_of(day).entries()
            return sum(1 for e in entries if e.online and e.online.is_level_3_or_4)

        end = catalog.as_of(date(2019, 12, 31)).entries()
        assert (244, 260) == (online(date(2018, 12, 31)), online(date(2019, 12, 31)))
        assert 267 == sum(1 for e in end if e.postal.any)

    def test_district_desk_closes_in_2025(self, catalog: tthc.Catalog) -> None:
        """After 30/6/2025 the district desk posts nothing; its procedures moved to communes."""
        before = catalog.as_of(date(2025, 6, 30))
        after = catalog.as_of(date(2025, 7, 1))

        assert before.procedures(desk="huyen")
        assert [] == after.procedures(desk="huyen")
        assert [] == after.procedures(level="district")
        assert len(after.procedures(level="commune")) > len(before.procedures(level="commune"))


def test_generator_reproduces_the_catalogue(tmp_path: Path) -> None:
    """Rerunning scripts/build_example_catalog.py gives byte-identical files."""
    out = tmp_path / "catalog"
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_example_catalog.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == result.returncode, result.stdout + result.stderr
    def decision_files(root: Path) -> list[Path]:
        return sorted(p.relative_to(root) for p in [root / "unit.toml", root / "sectors.csv",
                                                     *(root / "decisions").rglob("*.toml")])

    written = decision_files(out)
    shipped = decision_files(REPO / "catalog")

    assert shipped == written
    mismatch = [p for p in written if not filecmp.cmp(out / p, REPO / "catalog" / p, shallow=False)]
    assert [] == mismatch
