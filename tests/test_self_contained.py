"""The repository stands on its own: nothing outside ``tests/data/`` points beside the checkout.

A user's clone has only the repository, so every file the tests, scripts, benchmarks and docs
read must live inside it. These tests look at what git tracks.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "tests" / "data" / "real"

# Built by concatenation so that this file does not name them itself.
FORBIDDEN = ("../" + "shared", "shared" + "/data")


def tracked_files() -> list[str]:
    """Paths git tracks in this checkout, or skip when this is not a git checkout."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True
    ).stdout
    return [p for p in out.decode("utf-8").split("\0") if p]


def references(root: Path, rels: list[str]) -> list[str]:
    """``path:line: needle`` for every forbidden string in the files outside ``tests/data/``."""
    found: list[str] = []
    for rel in rels:
        if rel.startswith("tests/data/"):
            continue
        path = root / rel
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_bytes().split(b"\n"), 1):
            found.extend(
                f"{rel}:{number}: {needle}" for needle in FORBIDDEN if needle.encode() in line
            )
    return found


def test_no_tracked_file_outside_test_data_names_the_shared_folder() -> None:
    assert references(REPO, tracked_files()) == []


def test_guard_finds_a_planted_reference(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "x.py").write_text(
        "import os\nDATA = '" + FORBIDDEN[0] + "/data/real_procedures.csv'\n", encoding="utf-8"
    )
    (tmp_path / "tests" / "data").mkdir(parents=True)
    (tmp_path / "tests" / "data" / "README.md").write_text(FORBIDDEN[1], encoding="utf-8")
    rels = ["scripts/x.py", "tests/data/README.md"]
    assert references(tmp_path, rels) == [
        f"scripts/x.py:2: {FORBIDDEN[0]}",
        f"scripts/x.py:2: {FORBIDDEN[1]}",
    ]


def test_every_real_data_file_is_in_the_provenance_readme() -> None:
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    files = sorted(
        p.relative_to(REAL).as_posix()
        for p in REAL.rglob("*")
        if p.is_file() and p.name != "README.md"
    )
    assert files, "tests/data/real is empty"
    named = set(re.findall(r"`([^`]+)`", readme))
    missing = []
    for rel in files:
        if rel in named:
            continue
        if rel.startswith("portal_exports/") and "portal_exports/danh-sach-tthc-*.xlsx" in named:
            continue
        missing.append(rel)
    assert missing == []


def test_real_data_is_tracked() -> None:
    """The copied files are committed, not just present in this working tree."""
    tracked = set(tracked_files())
    on_disk = {p.relative_to(REPO).as_posix() for p in REAL.rglob("*") if p.is_file()}
    assert on_disk <= tracked, sorted(on_disk - tracked)
