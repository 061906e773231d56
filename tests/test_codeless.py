"""Procedures without a national code, end to end, on the real appendix of QĐ 1766/QĐ-UBND.

``tests/data/formats/appendix-1766.xlsx`` (and its ``.xls`` twin) is the
appendix of Bình Thuận 1766/QĐ-UBND (03/8/2020) as provinces lay it out: 50
amended and 21 repealed procedures, one of each without a national code
(row 32: a blank code cell; row 52: "Không có mã số"). The catalogue built
here is the test baseline of ``tests/catalog_helpers.py`` (every procedure
of 1766 announced in 2019; those without a code under the baseline's local
identifiers), with a provincial desk beside the district and communes.

The national code ``2.002999`` of the linking tests is made up: no public
source gives the code-less procedure of 1766 a code.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from tests.catalog_helpers import (
    BASELINE_NUMBER,
    BASELINE_SIGNED,
    baseline_1766,
    baseline_id,
    rows_1766,
    unit,
    write_files,
    write_folder,
)

from tthc import codes
from tthc.catalog import check_catalog, load_catalog
from tthc.cli import main
from tthc.desk import Desk, FeedbackAddress
from tthc.importers import read_appendix, validate_against

FORMATS = Path(__file__).parent / "data" / "formats"
REAL = FORMATS / "appendix-1766.xlsx"
IDENTITY = ["--number", "1766/QĐ-UBND", "--issuer", "Chủ tịch UBND tỉnh Bình Thuận",
            "--signed", "03/08/2020"]
AMENDED_ID = "L:2020-08-03_1766-qd-ubnd:032"
REPEALED_ID = "L:2020-08-03_1766-qd-ubnd:052"
FAKE_CODE = "2.002999"


def codeless_rows() -> list[dict[str, str]]:
    """The two rows of 1766 without a national code (amended, repealed)."""
    return [row for row in rows_1766() if not codes.is_valid(row["code"])]


def with_province() -> object:
    """The test unit with a provincial desk (the code-less procedures are provincial)."""
    base = unit()
    province = Desk(id="tinh", name="Trung tâm Phục vụ hành chính công tỉnh Mẫu",
                    level="province", opened=date(2016, 1, 1),
                    feedback=FeedbackAddress(body="Văn phòng UBND tỉnh Mẫu",
                                             address="2 Đường Chính", phone="0252 3800 001",
                                             email="vp@mau.gov.vn"))
    return unit(province, *base.desks)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the real entry point; return the exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(name="folder")
def _folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The baseline catalogue with the real 1766 appendix imported into it by the CLI."""
    root = write_folder(tmp_path / "cat", with_province(), [baseline_1766()])  # type: ignore[arg-type]
    code, _out, err = run(capsys, "import", "decision", str(REAL), *IDENTITY,
                          "--catalog", str(root), "--write")
    assert 1 == code, err  # the two heading counts of the published appendix do not match
    return root


class TestImport:
    @pytest.mark.parametrize("name", ["appendix-1766.xlsx", "appendix-1766.xls"])
    def test_fifty_amended_and_twenty_one_repealed(self, name: str) -> None:
        """The real file imports 50 amended and 21 repealed: the code-less rows too."""
        result = read_appendix(FORMATS / name, number="1766/QĐ-UBND",
                               issuer="Chủ tịch UBND tỉnh Bình Thuận", signed=date(2020, 8, 3))
        entries = Counter(e.kind.value for e in result.decision.entries)
        codeless = [(e.kind.value, e.code, e.name) for e in result.decision.entries
                    if codes.is_local_id(e.code)]
        names = [row["name"] for row in codeless_rows()]

        assert {"amended": 50, "repealed": 21} == dict(entries)
        assert () == result.reported
        assert [("amended", AMENDED_ID, names[0]), ("repealed", REPEALED_ID, names[1])] == codeless
        assert 2 == result.summary()["without_code"]
        assert {(51, 50), (17, 16)} == {(c.stated, c.found) for c in result.mismatches}

    def test_the_report_names_each_row(self, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
        """The import report counts them and names the row and identifier of each."""
        monkeypatch.delenv("TTHC_CATALOG", raising=False)
        _code, _out, err = run(capsys, "import", "decision", str(REAL), *IDENTITY)

        assert "71 imported (50 amended, 21 repealed; 2 without a national code), 0 reported" in err
        assert 2 == err.count("no national code: appendix-1766.xlsx, sheet 'Phụ lục', row ")
        assert f"as {AMENDED_ID} (found by name on replay)" in err

    def test_identifiers_survive_a_reimport(self, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
        """Importing the same file twice writes byte-identical decision files."""
        written = []
        for name in ("one", "two"):
            root = write_folder(tmp_path / name, with_province(), [baseline_1766()])  # type: ignore[arg-type]
            run(capsys, "import", "decision", str(REAL), *IDENTITY, "--catalog", str(root),
                "--write")
            written.append((root / "decisions/2020/2020-08-03_1766-qd-ubnd.toml").read_bytes())

        assert written[0] == written[1]
        text = written[0].decode("utf-8")
        assert f'code = "{AMENDED_ID}"' in text
        assert f'code = "{REPEALED_ID}"' in text
        assert unicodedata.is_normalized("NFC", text)

    def test_a_name_that_matches_nothing_is_an_error(self) -> None:
        """A code-less repeal whose name is in force nowhere is reported, never guessed."""
        result = read_appendix(REAL, number="1766/QĐ-UBND",
                               issuer="Chủ tịch UBND tỉnh Bình Thuận", signed=date(2020, 8, 3))
        gone = baseline_id(codeless_rows()[1]["name"])
        from tthc.catalog import Catalog

        catalog = Catalog(with_province(), [baseline_1766(skip=[gone])])  # type: ignore[arg-type]
        errors = [p for p in validate_against(result, catalog) if p.severity == "error"]
        row = result.row_of(next(i for i, e in enumerate(result.decision.entries)
                                 if e.code == REPEALED_ID))

        assert [("no-name-match", row.position.path)] == [(p.code, p.path) for p in errors]
        assert "no procedure of that name in force on 2020-08-03" in errors[0].message


class TestCarriedThrough:
    def test_list(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`tthc list` shows the amended code-less procedure as "chưa có mã số", with its id."""
        amended, repealed = (baseline_id(row["name"]) for row in codeless_rows())
        _, before, _ = run(capsys, "list", "--catalog", str(folder), "--as-of", "2020-08-02",
                           "--level", "province")
        code, after, _ = run(capsys, "list", "--catalog", str(folder), "--as-of", "2020-08-03",
                             "--level", "province")

        assert 0 == code
        assert f"chưa có mã số ({amended})" in after
        assert f"chưa có mã số ({repealed})" in before
        assert repealed not in after
        _, data, _ = run(capsys, "list", "--catalog", str(folder), "--as-of", "2020-08-03",
                         "--format", "json")
        shown = {p["code"]: p["code_label"] for p in json.loads(data)["procedures"]}
        assert "chưa có mã số" == shown[amended]

    def test_show_has_the_amendment(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The 1766 amendment, found by name, is in the history of the baseline's procedure."""
        amended = baseline_id(codeless_rows()[0]["name"])
        code, out, _ = run(capsys, "show", amended, "--catalog", str(folder),
                           "--as-of", "2020-08-03")

        assert 0 == code
        assert out.startswith(f"chưa có mã số ({amended})")
        assert "1766/QĐ-UBND" in out
        assert "06 ngày" in out  # the processing time the amendment gives

    @pytest.mark.parametrize("fmt", ["md", "csv", "html", "xlsx", "docx"])
    def test_posting_list(self, folder: Path, tmp_path: Path, fmt: str,
                          capsys: pytest.CaptureFixture[str]) -> None:
        """Every posting-list format shows the procedure with "chưa có mã số"."""
        out = tmp_path / f"tinh.{fmt}"
        code, _, err = run(capsys, "posting-list", "--catalog", str(folder), "--desk", "tinh",
                           "--as-of", "2020-08-03", "--format", fmt, "-o", str(out))
        assert 0 == code, err
        name = codeless_rows()[0]["name"]
        if fmt == "xlsx":
            from openpyxl import load_workbook

            cells = [str(c) for row in load_workbook(out).active.iter_rows(values_only=True)
                     for c in row if c is not None]
            text = "\n".join(cells)
        elif fmt == "docx":
            import docx

            document = docx.Document(str(out))
            text = "\n".join(cell.text for table in document.tables for row in table.rows
                             for cell in row.cells)
        else:
            text = out.read_text(encoding="utf-8")

        assert "chưa có mã số" in text
        assert name[:40] in text
        assert "L:2019" not in text  # the public list shows the flag, not the identifier

    def test_audit(self, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A listing that leaves the code-less procedure out: the finding flags it."""
        posted = [row for row in rows_1766() if codes.is_valid(row["code"])
                  and row["change_type"] == "amended" and "tỉnh" in row["level_group_raw"]][:3]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["STT", "Mã số", "Tên thủ tục"])
        for index, row in enumerate(posted, 1):
            writer.writerow([index, row["code"], row["name"]])
        listing = write_files(tmp_path, {"tinh.csv": buffer.getvalue()}) / "tinh.csv"
        amended = baseline_id(codeless_rows()[0]["name"])

        code, out, _ = run(capsys, "audit", f"tinh={listing}", "--catalog", str(folder),
                           "--as-of", "2020-08-03", "--format", "md")

        assert 1 == code
        line = next(x for x in out.splitlines() if "missing-procedure" in x and amended in x)
        assert f"chưa có mã số ({amended})" in line

    def test_report(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The yearly figures count the code-less procedures and say so."""
        code, out, _ = run(capsys, "report", "--catalog", str(folder), "--year", "2020",
                           "--format", "json")
        data = json.loads(out)
        imported = load_catalog(folder).find_decisions("1766/QĐ-UBND")[0]
        pairs = Counter()
        for entry in imported.entries:
            pairs[entry.kind.value] += len(entry.levels)

        assert 0 == code
        assert (50, 21) == (data["changes"]["amended"]["codes"],
                            data["changes"]["repealed"]["codes"])
        assert (pairs["amended"], pairs["repealed"]) == (data["changes"]["amended"]["pairs"],
                                                         data["changes"]["repealed"]["pairs"])
        assert 1 == data["in_force"]["end"]["without_code"]
        changes = load_catalog(folder).changes(date(2020, 8, 3), date(2020, 8, 3))
        assert {baseline_id(row["name"]) for row in codeless_rows()} <= {
            c.code for c in changes.items}  # found by name: counted under their procedure
        assert not any(c.code.startswith("L:2020-08-03_1766") for c in changes.items)
        _, text, _ = run(capsys, "report", "--catalog", str(folder), "--year", "2020")
        assert "trong đó 1 thủ tục chưa có mã số" in text


LATER = """STT,Mã số TTHC,Tên thủ tục hành chính,Ghi chú
A. DANH MỤC THỦ TỤC HÀNH CHÍNH SỬA ĐỔI (01 TTHC)
1,{code},"{name}",TTHC cấp tỉnh
"""


class TestLink:
    def test_proposal_confirmation_round_trip(self, folder: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
        """A later decision gives the code: proposed, warned about, confirmed, replayed."""
        amended = baseline_id(codeless_rows()[0]["name"])
        later = write_files(tmp_path, {"qd-2021.csv": LATER.format(
            code=FAKE_CODE, name=codeless_rows()[0]["name"])}) / "qd-2021.csv"
        args = ["import", "decision", str(later), "--number", "25/QĐ-UBND",
                "--issuer", "Chủ tịch UBND tỉnh Bình Thuận", "--signed", "2021-01-05",
                "--catalog", str(folder), "--write"]

        # The code is unknown to the catalogue: refused, with the proposal printed and stored.
        code, _, err = run(capsys, *args, "--propose-links")
        assert 2 == code
        assert f"link proposed: {amended}" in err
        assert f"may be {FAKE_CODE}" in err
        assert f'local = "{amended}"' in (folder / "links.toml").read_text(encoding="utf-8")

        # validate warns until the link is confirmed (warnings only: exit 0).
        code, _, err = run(capsys, "validate", "--catalog", str(folder))
        assert 0 == code
        assert f"tthc link confirm {amended} {FAKE_CODE}" in err
        assert "no national code (chưa có mã số)" in err
        code, out, _ = run(capsys, "link", "list", "--catalog", str(folder))
        assert (1, "1 link(s), 1 awaiting confirmation") == (code, out.splitlines()[-1])

        # Mistakes are usage errors (exit 2), never tracebacks.
        assert 2 == main(["link", "confirm", "L:nope", FAKE_CODE, "--catalog", str(folder)])
        assert 2 == main(["link", "confirm", amended, "1.000001", "--catalog", str(folder)])
        assert 2 == main(["link", "confirm", amended, "1.1", "--catalog", str(folder)])
        capsys.readouterr()

        code, out, _ = run(capsys, "link", "confirm", amended, FAKE_CODE, "--catalog", str(folder))
        assert (0, f"confirmed: {amended} → {FAKE_CODE}") == (code, out.split(" (")[0])
        _, _, err = run(capsys, "validate", "--catalog", str(folder))
        assert "link-proposed" not in err
        assert amended not in err

        # The later decision now imports, and the history continues under the national code.
        code, _, err = run(capsys, *args)
        assert 0 == code, err
        history = load_catalog(folder).history(FAKE_CODE)
        assert [BASELINE_NUMBER, "1766/QĐ-UBND", "25/QĐ-UBND"] == [
            v.decision.number for v in history]
        assert history == load_catalog(folder).history(amended)
        assert [] == [p for p in check_catalog(folder) if p.code == "no-national-code"
                      and amended in p.message]
        assert BASELINE_SIGNED == history[0].valid_from

        # Written elsewhere, the catalogue keeps its links.
        from tthc.catalog import write_catalog

        copy = tmp_path / "copy"
        write_catalog(load_catalog(folder), copy)
        assert load_catalog(folder) == load_catalog(copy)
        assert (folder / "links.toml").read_bytes() == (copy / "links.toml").read_bytes()

    def test_portal_export_proposes(self, folder: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
        """A portal export giving the name with a code proposes the link too; reject drops it."""
        from openpyxl import Workbook

        amended = baseline_id(codeless_rows()[0]["name"])
        book = Workbook()
        sheet = book.active
        sheet.append(["DANH SÁCH THỦ TỤC HÀNH CHÍNH"])
        sheet.append(["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"])
        sheet.append([FAKE_CODE, codeless_rows()[0]["name"], "Bộ Tư pháp", "Sở Tư pháp",
                      "Luật sư"])
        export = tmp_path / "danh-sach.xlsx"
        book.save(export)

        code, out, _ = run(capsys, "import", "portal", str(export), "--catalog", str(folder),
                           "--propose-links")
        assert 0 == code
        assert f"link proposed: {amended}" in out
        code, _, _ = run(capsys, "link", "reject", amended, FAKE_CODE, "--catalog", str(folder))
        assert 0 == code
        assert [] == list(load_catalog(folder).links)

    def test_site(self, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The site shows "chưa có mã số" and gives the procedure no portal QR code."""
        out = tmp_path / "site"
        code, _, err = run(capsys, "site", "--catalog", str(folder), "--desk", "tinh",
                           "--as-of", "2020-08-03", "-o", str(out))
        assert 0 == code, err
        name = codeless_rows()[0]["name"]
        page = next(p for p in (out / "tinh").glob("*.html")
                    if name[:40] in p.read_text(encoding="utf-8") and p.name != "index.html")
        text = page.read_text(encoding="utf-8")

        assert "chưa có mã số" in text
        assert page.stem.startswith("khong-ma-")
        assert not (out / "tinh" / "qr" / f"{page.stem}.svg").exists()


class TestBadInput:
    def test_a_bad_links_file_names_file_and_key(self, folder: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
        """An invalid links.toml: every problem with its key path, exit 2, no traceback."""
        (folder / "links.toml").write_text(
            '[[links]]\nlocal = "1.000001"\ncode = "L:x"\nstatus = "maybe"\ncolour = "red"\n',
            encoding="utf-8")

        code, _, err = run(capsys, "validate", "--catalog", str(folder))

        assert 2 == code
        assert "links.toml: $.links[0]: unknown key(s) colour" in err
        assert "links.toml: $.links[0].local: not a local identifier" in err
        assert "links.toml: $.links[0].code: not a national code" in err
        assert "links.toml: $.links[0].status:" in err
        assert "Traceback" not in err

    def test_broken_toml(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A links.toml that is not TOML is a loading error, not a crash."""
        (folder / "links.toml").write_text("[[links]\n", encoding="utf-8")

        code, _, err = run(capsys, "link", "list", "--catalog", str(folder))

        assert 2 == code
        assert "links.toml" in err
        assert "Traceback" not in err

    def test_link_commands_need_a_folder(self, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
        """confirm without --catalog or $TTHC_CATALOG is a usage error."""
        monkeypatch.delenv("TTHC_CATALOG", raising=False)

        code, _, err = run(capsys, "link", "confirm", AMENDED_ID, FAKE_CODE)

        assert 2 == code
        assert "needs the catalogue folder" in err


def test_a_listing_row_saying_no_code_is_no_code(tmp_path: Path) -> None:
    """A posted row whose code cell says "Không có mã số" has no code (it is matched by name)."""
    from tthc.listing import read_listing

    path = write_files(tmp_path, {"x.csv": "STT,Mã số,Tên thủ tục\n1,Không có mã số,Thủ tục A\n"
                                           f"2,{AMENDED_ID},Thủ tục B\n"}) / "x.csv"
    rows = read_listing(path).rows

    assert [None, AMENDED_ID] == [r.code for r in rows]
    assert ["Không có mã số", AMENDED_ID] == [r.code_raw for r in rows]
