"""Regenerate the posting-list snapshots in ``tests/snapshots/posting_list/``.

The snapshots are the output of every posting-list format for the desks in
``tests.test_render.SNAPSHOT_DESKS`` of the example catalogue at the date
``tests.test_render.AS_OF``: CSV, Markdown and HTML byte for byte, DOCX and
XLSX as text (paragraphs and table rows with the page layout; cell values
with the print settings), so that a review of a change reads as a diff.

Usage::

    python scripts/update_snapshots.py [--catalog DIR] [--check]

``--check`` writes nothing and exits with 1 when a snapshot would change.
Review the diff (``git diff tests/snapshots``) before committing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from tests.test_render import SNAPSHOTS, snapshots  # noqa: E402

from tthc.catalog import load_catalog, resolve_catalog_path  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, compare) every snapshot; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", help="the catalogue folder (default: the example)")
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    args = parser.parse_args(argv)
    catalog = load_catalog(resolve_catalog_path(args.catalog))
    expected = snapshots(catalog)
    changed: list[str] = []
    for name, content in sorted(expected.items()):
        path = SNAPSHOTS / name
        if path.exists() and path.read_bytes() == content:
            continue
        changed.append(name)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    stale = sorted(p.name for p in SNAPSHOTS.glob("*") if p.name not in expected)
    for name in stale:
        changed.append(f"{name} (stale)")
        if not args.check:
            (SNAPSHOTS / name).unlink()
    verb = "differ" if args.check else "written"
    print(f"{len(expected)} snapshots, {len(changed)} {verb}: {', '.join(changed) or 'none'}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
