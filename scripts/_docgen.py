"""Shared by the scripts that generate pages of docs/: write the page, or check it."""

from __future__ import annotations

import argparse
from pathlib import Path


def write_or_check(target: Path, text: str, argv: list[str] | None, description: str) -> int:
    """Write *text* to *target*; with ``--check`` only compare (1 when it is stale)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when stale")
    if parser.parse_args(argv).check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        return 0 if current == text else 1
    target.write_text(text, encoding="utf-8")
    return 0
