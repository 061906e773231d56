"""``tthc audit``: the example's listings by default, listings given on the command line, exits."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

from tthc.catalog import load_catalog
from tthc.cli import main
from tthc.cli.audit_cmds import desk_from_name

REPO = Path(__file__).resolve().parents[1]
LISTINGS = REPO / "catalog" / "listings"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write_clean_listing(path: Path, desk: str) -> Path:
    """A CSV posting exactly what *desk* must post on 31/12/2019."""
    catalog = load_catalog()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["STT", "Mã số TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết"])
    for n, entry in enumerate(catalog.as_of(date(2019, 12, 31)).entries(desk=desk), start=1):
        writer.writerow([n, entry.code, entry.procedure.name, entry.processing_time.text])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


class TestDefault:
    def test_no_argument_audits_the_example(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`tthc audit` audits the shipped listings on 31/12/2019 and exits 1 (planted errors)."""
        code, out, err = run(capsys)

        assert 1 == code
        assert "" == err
        assert out.startswith("tthc audit: huyện Mẫu Lâm, 31/12/2019: INVALID")
        assert "Findings: 11 error(s), 8 warning(s), 5 info" in out

    def test_expect_total(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--expect-total 445 reconciles; 441 does not, with a breakdown."""
        _code, out, _err = run(capsys, "--expect-total", "445")
        code, wrong, _err = run(capsys, "--expect-total", "441", "--format", "json")

        assert "Expected total 445: reconciled" in out
        assert 1 == code
        data = json.loads(wrong)
        assert 4 == data["total"]["difference"]
        assert "count-mismatch" in data["stats"]["findings"]["by_code"]

    def test_one_desk(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--desk without LISTING audits that desk's listing only."""
        code, out, _err = run(capsys, "--desk", "xa-que-lam", "--format", "json")

        data = json.loads(out)
        assert 1 == code
        assert ["xa-que-lam"] == [d["desk"] for d in data["desks"]]
        assert ["stale-repealed"] == [f["code"] for f in data["findings"]]

    def test_clean_desk_exits_0(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A desk whose listing has no error finding: exit 0."""
        code, out, _err = run(capsys, "--desk", "xa-son-lam")

        assert 0 == code
        assert ": valid" in out.splitlines()[0]

    def test_formats_and_output_file(self, capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path) -> None:
        """-o writes the file; it is not overwritten without --force (exit 2)."""
        target = tmp_path / "report.csv"

        first = run(capsys, "--format", "csv", "-o", str(target))
        again = run(capsys, "--format", "csv", "-o", str(target))
        forced = run(capsys, "--format", "md", "-o", str(target), "--force")

        assert (1, 2, 1) == (first[0], again[0], forced[0])
        assert "already exists" in again[2]
        assert target.read_text(encoding="utf-8").startswith("# Audit of posted listings")

    def test_csv_has_a_row_per_finding(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The CSV output: header plus 24 findings."""
        _code, out, _err = run(capsys, "--format", "csv")

        rows = list(csv.reader(io.StringIO(out)))
        assert 25 == len(rows)


class TestListingArguments:
    def test_desk_equals_path(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """DESK=PATH names the desk; the date defaults to today, --as-of sets it."""
        path = write_clean_listing(tmp_path / "list.csv", "xa-van-lam")

        code, out, _err = run(capsys, f"xa-van-lam={path}", "--as-of", "31/12/2019")

        assert 0 == code
        assert "xa-van-lam" in out

    def test_desk_from_file_name(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A PATH whose name starts with a desk id is that desk's."""
        path = tmp_path / "xa-que-lam-2019.csv"
        shutil.copy(LISTINGS / "xa-que-lam.csv", path)

        code, out, _err = run(capsys, str(path), "--as-of", "2019-12-31", "--format", "json")

        assert 1 == code
        assert ["stale-repealed"] == [f["code"] for f in json.loads(out)["findings"]]

    def test_desk_option_for_paths(self, capsys: pytest.CaptureFixture[str],
                                   tmp_path: Path) -> None:
        """--desk names the desk of a PATH whose name says nothing."""
        path = write_clean_listing(tmp_path / "danh-muc.csv", "huyen")

        code, _out, _err = run(capsys, str(path), "--desk", "huyen", "--as-of", "2019-12-31")

        assert 0 == code

    def test_desk_rule(self) -> None:
        """The longest desk id the folded file name starts with."""
        ids = ["xa-a", "xa-an", "huyen"]

        assert "xa-an" == desk_from_name("/tmp/Xã An - 2019.xlsx", ids)
        assert "xa-a" == desk_from_name("XA_A.csv", ids)
        assert desk_from_name("xa-ab.csv", ids) is None


class TestUnusableInput:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["nowhere.csv"], "no desk in the file name"),
            (["huyen=/no/such/file.csv"], "cannot open"),
            (["--desk", "xa-z"], "xa-z"),
            (["--as-of", "31/02/2019"], "invalid date"),
            (["--expect-total", "-3"], "must not be negative"),
            (["--format", "pdf"], "invalid choice"),
        ],
    )
    def test_exit_2(self, capsys: pytest.CaptureFixture[str], args: list[str],
                    message: str) -> None:
        """Unusable input exits 2 with a message, never a traceback."""
        code, _out, err = run(capsys, *args)

        assert 2 == code
        assert message in err
        assert "Traceback" not in err

    def test_unreadable_listing(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A PDF given as a listing: exit 2 naming the file."""
        path = tmp_path / "huyen.csv"
        path.write_bytes(b"%PDF-1.4 junk")

        code, _out, err = run(capsys, str(path))

        assert 2 == code
        assert str(path) in err

    def test_catalogue_without_listings(self, capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
        """A catalogue with no listings/listings.toml needs LISTING arguments."""
        copy = tmp_path / "catalog"
        shutil.copytree(REPO / "catalog", copy, ignore=shutil.ignore_patterns("listings"))

        code, _out, err = run(capsys, "--catalog", str(copy))

        assert 2 == code
        assert "listings.toml" in err


class TestProgress:
    def test_no_bar_when_stderr_is_not_a_terminal(self, capsys: pytest.CaptureFixture[str]
                                                  ) -> None:
        """Captured stderr (not a terminal) gets no progress bar."""
        _code, _out, err = run(capsys)

        assert "" == err

    def test_bar_on_a_terminal(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """On a terminal, the bar is drawn on stderr and erased at the end."""
        master, slave = os.openpty()
        terminal = os.fdopen(slave, "w", encoding="utf-8")
        monkeypatch.setattr(sys, "stderr", terminal)
        out = tmp_path / "out.txt"

        code = main(["audit", "-o", str(out)])
        terminal.flush()
        drawn = os.read(master, 65536).decode("utf-8")
        terminal.close()
        os.close(master)

        assert 1 == code
        assert "audit [" in drawn
        assert "16/16" in drawn
