"""The catalogue commands: validate, list, show, changes."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from tthc.cli import main

REPO = Path(__file__).resolve().parents[1]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestValidate:
    def test_example_is_valid(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The embedded example validates with exit 0."""
        code, out, _ = run(["validate"], capsys)

        assert 0 == code
        assert "valid" in out

    def test_every_problem_listed(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A broken copy lists each problem with its file and key path, exit 2."""
        folder = tmp_path / "cat"
        skip = shutil.ignore_patterns("listings", "*.csv")
        shutil.copytree(REPO / "catalog", folder, ignore=skip)
        first, second = sorted((folder / "decisions" / "2019").glob("*.toml"))[:2]
        text = first.read_text(encoding="utf-8")
        first.write_text(text.replace('kind = "new"', 'kind = "newly"', 1), encoding="utf-8")
        text = second.read_text(encoding="utf-8")
        second.write_text(text.replace("signed = 2019-04-16", 'signed = "2019-13-45"', 1)
                          .replace('code = "', 'code = "10.', 1), encoding="utf-8")
        code, _, err = run(["validate", "--catalog", str(folder)], capsys)

        assert 2 == code
        assert f"{first.name}: $.entries[0].kind" in err
        assert f"{second.name}: $.signed" in err
        assert f"{second.name}: $.entries[0].code" in err

    def test_env_variable_names_the_catalogue(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """TTHC_CATALOG is used when --catalog is not given."""
        monkeypatch.setenv("TTHC_CATALOG", str(tmp_path / "nowhere"))
        code, _, err = run(["validate"], capsys)

        assert 2 == code
        assert "nowhere" in err


class TestList:
    def test_desk_list_as_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`list --desk huyen` gives the district procedures in force, with cut times."""
        code, out, _ = run(["list", "--desk", "huyen", "--as-of", "2019-12-31", "--format",
                            "json"], capsys)
        data = json.loads(out)

        assert 0 == code
        assert data["count"] == len(data["procedures"]) == 139
        cut = [p for p in data["procedures"] if p["statutory_time"]]
        assert cut
        assert all(p["processing_time"] != p["statutory_time"] for p in cut)

    def test_csv_and_filters(self, capsys: pytest.CaptureFixture[str]) -> None:
        """CSV output with a field filter keeps only that field."""
        code, out, _ = run(["list", "--as-of", "31/12/2019", "--field", "Hộ tịch", "--format",
                            "csv"], capsys)
        rows = list(csv.DictReader(io.StringIO(out)))

        assert 0 == code
        assert rows
        assert {"Hộ tịch"} == {row["field"] for row in rows}

    def test_closed_desk_posts_nothing(self, capsys: pytest.CaptureFixture[str]) -> None:
        """After the 2025 reform the district desk lists nothing."""
        code, out, _ = run(["list", "--desk", "huyen", "--as-of", "2026-01-01"], capsys)

        assert 0 == code
        assert out.strip().endswith("0 procedure(s) in force on 01/01/2026")

    def test_bad_date_is_a_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An impossible date exits with 2."""
        code, _, err = run(["list", "--as-of", "2019-02-30"], capsys)

        assert 2 == code
        assert "invalid date" in err


class TestShow:
    def test_history_and_cut(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`show` gives the version in force, the statutory time beside the cut, the history."""
        code, out, _ = run(["show", "1.001266.H12", "--as-of", "2019-12-31"], capsys)

        assert 0 == code
        assert "04 ngày làm việc" in out
        assert "05 ngày làm việc (cut)" in out
        assert "transferred" in out

    def test_lineage(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A replaced procedure shows its successor."""
        code, out, _ = run(["show", "1.001521", "--as-of", "2019-12-31"], capsys)

        assert 0 == code
        assert "Not in force on 31/12/2019." in out
        assert "replaced by 2.000821" in out

    def test_unknown_code(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown code exits with 2 and names it."""
        code, _, err = run(["show", "9.999999"], capsys)

        assert 2 == code
        assert "9.999999" in err


class TestChanges:
    def test_2019_counts(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`changes` counts the 2019 entries per (code, level) and per code."""
        code, out, _ = run(["changes", "--from", "2019-01-01", "--to", "2019-12-31", "--format",
                            "json"], capsys)
        data = json.loads(out)

        assert 0 == code
        assert {"new": 37, "amended": 37, "replaced": 27, "repealed": 33} == {
            k: data["per_level"][k] for k in ("new", "amended", "replaced", "repealed")
        }
        assert len(data["items"]) >= sum(data["per_level"].values())

    def test_reversed_period(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--to before --from is a usage error."""
        code, _, err = run(["changes", "--from", "2019-12-31", "--to", "2019-01-01"], capsys)

        assert 2 == code
        assert "before" in err

    def test_output_file_needs_force(self, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
        """-o writes a file; writing it again needs --force."""
        target = tmp_path / "changes.txt"
        args = ["changes", "--from", "2019-01-01", "--to", "2019-12-31", "-o", str(target)]
        assert 0 == main(args)
        first = target.read_bytes()

        assert 2 == main(args)
        assert "--force" in capsys.readouterr().err
        assert 0 == main([*args, "--force"])
        assert first == target.read_bytes()
