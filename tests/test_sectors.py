"""Sectors: the shipped field → ministry table, the catalogue override, and the yearly report."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tthc.annual import annual_report, render_markdown, render_text, to_dict
from tthc.catalog import check_catalog, load_catalog, resolve_catalog_path
from tthc.cli import main
from tthc.errors import CatalogDataError
from tthc.procedure import Field
from tthc.sectors import (
    Sector,
    parse_overrides,
    sector_name,
    sector_of,
    shipped_sectors,
)

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "data" / "real"
SHIPPED = REPO / "src" / "tthc" / "data" / "sectors.csv"


@pytest.fixture(name="example")
def _example(tmp_path: Path) -> Path:
    """A copy of the example catalogue, to change."""
    folder = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", folder)
    return folder


def _cut_sentence(text: str) -> str:
    start = text.index("Thực hiện cắt giảm")
    return text[start : text.index(".", start)]


class TestShippedTable:
    def test_is_what_the_script_derives(self) -> None:
        """src/tthc/data/sectors.csv is what scripts/build_sectors.py derives from the real data."""
        result = subprocess.run(
            [sys.executable, str(REPO / "scripts" / "build_sectors.py"), "--check"],
            capture_output=True, text=True, check=False,
        )

        assert 0 == result.returncode, "stale: run scripts/build_sectors.py\n" + result.stderr

    def test_every_row_cites_a_real_file(self) -> None:
        """Each row's source names files of tests/data/real that exist."""
        lines = [line for line in SHIPPED.read_text(encoding="utf-8").splitlines()
                 if not line.startswith("#")]
        rows = list(csv.DictReader(lines))

        assert rows
        for row in rows:
            files = row["source"].split(": ")[0].split("; ")
            assert all((REAL / name).is_file() for name in files), row

    def test_every_row_is_loaded(self) -> None:
        """Each data row of the file is one field of the loaded table (no two share a key)."""
        lines = [line for line in SHIPPED.read_text(encoding="utf-8").splitlines()
                 if not line.startswith("#")]

        assert len(list(csv.DictReader(lines))) == len(shipped_sectors())

    def test_sector_follows_the_ministry_rule(self) -> None:
        """Every shipped sector is sector_name() of its ministry."""
        assert all(s.sector == sector_name(s.ministry) for s in shipped_sectors())

    def test_cut_fields_of_2019(self) -> None:
        """Construction and domestic trade get the sectors the 2019 report names them by."""
        assert ("xây dựng", "Bộ Xây dựng") == (
            sector_of("Hoạt động xây dựng").sector,  # type: ignore[union-attr]
            sector_of("Hoạt động xây dựng").ministry,  # type: ignore[union-attr]
        )
        assert "công thương" == sector_of("Lưu thông hàng hóa trong nước").sector  # type: ignore[union-attr]

    def test_uncovered_field_has_no_sector(self) -> None:
        """A field no real export covers stays unmapped: nothing is guessed."""
        assert None is sector_of("Phát thanh, truyền hình và thông tin điện tử")
        assert None is sector_of("Hộ kinh doanh")

    def test_internal_fields_are_left_out(self) -> None:
        """Fields every ministry has for itself (complaints, awards) are not given to one."""
        assert None is sector_of("Khiếu nại, tố cáo")
        assert None is sector_of("Thi đua - Khen thưởng")

    @pytest.mark.parametrize("spelling", [
        "Hoạt động xây dựng",
        "HOẠT ĐỘNG XÂY DỰNG",
        "hoat dong xay dung",
        "Lĩnh vực Hoạt động xây dựng",
        unicodedata.normalize("NFD", "Hoạt động xây dựng"),
    ])
    def test_lookup_ignores_case_marks_and_form(self, spelling: str) -> None:
        """Any spelling of a field finds its sector."""
        found = sector_of(spelling)

        assert found is not None
        assert "xây dựng" == found.sector


class TestSectorName:
    @pytest.mark.parametrize(("ministry", "sector"), [
        # Sectors as the 2019 district report writes them.
        ("Bộ Xây dựng", "xây dựng"),
        ("Bộ Công Thương", "công thương"),
        ("Bộ Tư pháp", "tư pháp"),
        ("Bộ Tài nguyên và Môi trường", "tài nguyên và môi trường"),
        # Spellings found in the portal exports.
        ("Bộ xây dựng (Giao thông vận tải cũ)", "xây dựng"),
        ("Ngân hàng Nhà nước Việt Nam", "ngân hàng nhà nước"),
    ])
    def test_rule(self, ministry: str, sector: str) -> None:
        """Drop "Bộ", a bracketed note and "Việt Nam"; lower case."""
        assert sector == sector_name(ministry)


class TestOverrides:
    def test_rows(self) -> None:
        """A sector, a ministry only, or neither (the field is named itself)."""
        rows = parse_overrides(
            "# a comment\n"
            "field,sector,ministry,note\n"
            "Hộ kinh doanh,kế hoạch và đầu tư,,\n"
            "Chứng thực,,Bộ Tư pháp,\n"
            "Hoạt động xây dựng,,,named itself\n",
        )

        assert [("ho-kinh-doanh", "kế hoạch và đầu tư"), ("chung-thuc", "tư pháp"),
                ("hoat-dong-xay-dung", "")] == [(r.field.key, r.sector) for r in rows]
        assert "sectors.csv: row 3" == rows[0].source

    def test_override_replaces_and_unmaps(self) -> None:
        """An override row wins; an empty one unmaps the field."""
        local = shipped_sectors().override([
            Sector(field=Field.of("Hộ kinh doanh"), sector="kế hoạch và đầu tư"),
            Sector(field=Field.of("Hoạt động xây dựng"), sector=""),
        ])

        assert "kế hoạch và đầu tư" == local.sector_of("Hộ kinh doanh").sector  # type: ignore[union-attr]
        assert None is local.sector_of("Hoạt động xây dựng")
        assert "xây dựng" == shipped_sectors().sector_of("Hoạt động xây dựng").sector  # type: ignore[union-attr]

    @pytest.mark.parametrize(("text", "code", "where"), [
        ("", "no-header", ""),
        ("field,sektor\nHộ tịch,tư pháp\n", "bad-header", "row 1"),
        ("sector,ministry\ntư pháp,Bộ Tư pháp\n", "bad-header", "row 1"),
        ("field,sector\nHộ tịch,tư pháp,extra\n", "extra-cells", "row 2"),
        ("field,sector\n,tư pháp\n", "missing-field", "row 2"),
        ("field,sector\nHộ tịch,tư pháp\nHỘ TỊCH,tư pháp\n", "duplicate-field", "row 3"),
        ("field,sector\n---,tư pháp\n", "missing-field", "row 2"),
        ('field,sector\n"Hộ tịch,tư pháp\n', "csv-syntax", ""),
        ('# c\nfield,note\n"Hộ tịch","two\nlines"\nHộ tịch,\n', "duplicate-field", "row 5"),
    ])
    def test_bad_rows_are_named(self, text: str, code: str, where: str) -> None:
        """Each problem names the file, the row and what is wrong."""
        with pytest.raises(CatalogDataError) as caught:
            parse_overrides(text)

        problem = caught.value.problems[0]
        assert (code, where, "sectors.csv") == (problem.code, problem.path, problem.source)

    def test_all_bad_rows_are_reported(self) -> None:
        """Every bad row is listed, not only the first."""
        with pytest.raises(CatalogDataError) as caught:
            parse_overrides("field,sector\n,x\nHộ tịch,a,b\n")

        assert ["missing-field", "extra-cells"] == [p.code for p in caught.value.problems]


class TestCatalogue:
    def test_example_override_is_read(self) -> None:
        """The example catalogue's sectors.csv names the cooperative field itself."""
        catalog = load_catalog()
        field = "Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã"

        assert None is catalog.sectors.sector_of(field)
        assert "tài chính" == shipped_sectors().sector_of(field).sector  # type: ignore[union-attr]

    def test_validate_reports_bad_rows(self, example: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
        """`tthc validate` names the file and row of a bad sectors.csv, exit code 2."""
        (example / "sectors.csv").write_text("field,sector\n,tư pháp\n", encoding="utf-8")

        assert ["missing-field"] == [p.code for p in check_catalog(example)]
        assert 2 == main(["validate", "--catalog", str(example)])
        assert "sectors.csv: row 2: the field (lĩnh vực) is empty" in capsys.readouterr().err

    def test_report_on_bad_override_is_an_error_not_a_traceback(
            self, example: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`tthc report` on a catalogue with a bad sectors.csv exits 2 with the row named."""
        (example / "sectors.csv").write_bytes(b"field,sector\n\xff\xfe,x\n")

        assert 2 == main(["report", "--catalog", str(example), "--year", "2019"])
        err = capsys.readouterr().err
        assert "sectors.csv" in err
        assert "Traceback" not in err


class TestReport:
    def test_2019_paragraph_names_sectors(self) -> None:
        """The example's 2019 paragraph names "công thương, xây dựng" and the other areas."""
        catalog = load_catalog()
        report = annual_report(catalog, 2019)
        sentence = _cut_sentence(render_text(report))

        assert sentence.endswith("thuộc các lĩnh vực: công thương, xây dựng, hộ kinh doanh, "
                                 "phát thanh, truyền hình và thông tin điện tử, thành lập và "
                                 "hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã")
        assert "hoạt động xây dựng" not in sentence
        assert "lưu thông hàng hóa" not in sentence

    def test_each_area_follows_the_table(self) -> None:
        """Each cut field is named by its sector in the catalogue's table, else by itself."""
        catalog = load_catalog()
        report = annual_report(catalog, 2019)
        check = report.cuts.check(report.cut_threshold)
        expected = set()
        for field in check.fields:
            found = catalog.sectors.sector_of(field)
            expected.add(found.sector if found else field.name.lower())

        assert expected == set(report.cut_areas)
        assert len(report.cut_areas) == len(set(report.cut_areas))

    def test_by_field_keeps_the_fields(self) -> None:
        """`by="field"` names the fields as the national database spells them."""
        report = annual_report(load_catalog(), 2019, by="field")
        check = report.cuts.check(report.cut_threshold)

        assert sorted(f.name.lower() for f in check.fields) == sorted(report.cut_areas)
        assert "hoạt động xây dựng" in _cut_sentence(render_text(report))

    def test_without_override_the_shipped_table_applies(self, example: Path) -> None:
        """Without the example's sectors.csv the cooperative field is named by its ministry."""
        (example / "sectors.csv").unlink()
        report = annual_report(load_catalog(example), 2019)

        assert "tài chính" in report.cut_areas
        assert "thành lập và hoạt động của tổ hợp tác" not in _cut_sentence(render_text(report))

    def test_unknown_naming_is_refused(self) -> None:
        """`by` must be "sector" or "field"."""
        with pytest.raises(ValueError, match="sector"):
            annual_report(load_catalog(), 2019, by="ministry")  # type: ignore[arg-type]

    def test_json_carries_sectors(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The JSON report gives the naming, the areas and each cut's sector."""
        assert 0 == main(["report", "--year", "2019", "--format", "json"])
        cuts = json.loads(capsys.readouterr().out)["cuts"]

        assert "sector" == cuts["by"]
        assert cuts["areas"][:2] == ["công thương", "xây dựng"]
        by_field = {p["field"]: p["sector"] for p in cuts["procedures"]}
        assert {"sector": "xây dựng", "ministry": "Bộ Xây dựng"} == {
            k: by_field["Hoạt động xây dựng"][k] for k in ("sector", "ministry")}
        assert None is by_field["Hộ kinh doanh"]

    def test_cli_by_field(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`tthc report --by field` names fields."""
        assert 0 == main(["report", "--year", "2019", "--by", "field"])

        assert "lưu thông hàng hóa trong nước" in _cut_sentence(capsys.readouterr().out)

    def test_markdown_has_a_sector_column(self) -> None:
        """The Markdown cut table has a Ngành column."""
        text = render_markdown(annual_report(load_catalog(), 2019))

        assert "| Mã | Cấp | Lĩnh vực | Ngành |" in text
        assert "| Hoạt động xây dựng | xây dựng |" in text

    def test_dict_round(self) -> None:
        """to_dict lists the areas in the paragraph's order."""
        report = annual_report(load_catalog(resolve_catalog_path()), 2019)

        assert list(report.cut_areas) == to_dict(report)["cuts"]["areas"]


def test_write_catalog_keeps_the_sector_overrides(tmp_path: Path) -> None:
    """A catalogue written elsewhere names its areas as the one it was loaded from."""
    from tthc.catalog import write_catalog

    example = load_catalog()
    assert example.sector_overrides, "the example catalogue has a sectors.csv"
    write_catalog(example, tmp_path / "copy")
    assert (tmp_path / "copy" / "sectors.csv").is_file()
    copy = load_catalog(tmp_path / "copy")
    assert copy == example
    field = example.sector_overrides[0].field
    assert copy.sectors.sector_of(field) == example.sectors.sector_of(field)
    # Without the file the copy falls back to the shipped table, and no longer equals.
    (tmp_path / "copy" / "sectors.csv").unlink()
    assert load_catalog(tmp_path / "copy") != example
