"""The documentation stays true to the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_cli_reference_is_up_to_date() -> None:
    """docs/cli.md is what the real parser prints (regenerate with scripts/gen_cli_reference.py)."""
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == result.returncode, "docs/cli.md is stale: run scripts/gen_cli_reference.py"


def test_api_reference_is_up_to_date() -> None:
    """docs/api.md is what the docstrings say (regenerate with scripts/gen_api_reference.py)."""
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_api_reference.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == result.returncode, "docs/api.md is stale: run scripts/gen_api_reference.py"


def test_readme_links_exist() -> None:
    """Every docs/ page the README links to exists."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((docs/[^)#]+)\)", readme)

    assert links
    assert [] == [link for link in links if not (REPO / link).is_file()]
