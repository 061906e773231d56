"""Derive the field → sector table shipped as src/tthc/data/sectors.csv.

Usage: ``python scripts/build_sectors.py [--data DIR] [--check]``.

Two kinds of real evidence, both in the repository's real data folder
(``tests/data/real``, whose README gives every source):

1. the national portal's list exports (``portal_exports/*.xlsx``): each row
   names a procedure's field ("Lĩnh vực") and the ministry that issued it
   ("Cơ quan ban hành"); a field is given the ministry of more than half of
   its rows, over all exports;
2. field cells that name their ministry in brackets, as some provincial
   portals print them ("Lưu thông hàng hóa trong nước (Bộ Công Thương)"),
   in the procedure tables (``real_procedures*.csv``); used only for fields
   the exports do not cover.

A field with no evidence, whose rows disagree with no majority, or that every
ministry has for its own internal work (:data:`SHARED_FIELDS`: complaints,
awards, staff …) is left out: the library then names the field itself.
The sector is derived from the ministry by :func:`tthc.sectors.sector_name`.
The output is deterministic
(rows sorted by field key); with ``--check`` the script only compares and
exits 1 when the shipped file is stale (the tests do that).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tthc.importers import read_portal_export  # noqa: E402
from tthc.procedure import Field  # noqa: E402
from tthc.sectors import sector_name  # noqa: E402
from tthc.text import fold, nfc  # noqa: E402

DEFAULT_DATA = REPO / "tests" / "data" / "real"
TARGET = REPO / "src" / "tthc" / "data" / "sectors.csv"
COLUMNS = ("field", "sector", "ministry", "source")
#: A bracketed ministry at the end of a field cell: "… (Bộ Công Thương)".
_BRACKETED_MINISTRY = re.compile(r"\((Bộ [^()]+)\)\s*$")
_NOTE = re.compile(r"\s*\([^()]*\)")
#: Fields every ministry has for its own internal work (complaints against it, its awards,
#: its staff, its research). An export lists them under the ministry that issued them, which
#: says nothing about who manages the field for a district, so they are never mapped.
SHARED_FIELDS = frozenset(Field.of(name).key for name in (
    "Khiếu nại, tố cáo",
    "Thi đua - Khen thưởng",
    "Thi đua khen thưởng",
    "Tổ chức, cán bộ",
    "Khoa học công nghệ",
    "Khoa học và Công nghệ",
    "Tin học - Thống kê",
    "Chính sách",
    "Tổng hợp",
    "Hoạt động khác",
))


def ministry_name(issuer: str) -> str:
    """The ministry's name from an issuer cell: bracketed notes dropped, "Bộ X…" capitalised.

    The exports spell one ministry several ways ("Bộ xây dựng (Giao thông
    vận tải cũ)", "Bộ Xây dựng"); official names capitalise the first word
    after "Bộ".
    """
    text = nfc(_NOTE.sub("", nfc(issuer)))
    if text[:3].casefold() == "bộ " and len(text) > 3:
        text = "Bộ " + text[3].upper() + text[4:]
    return text


def _evidence(data: Path) -> tuple[dict[str, Counter[str]], dict[str, Counter[str]],
                                   dict[str, Counter[str]]]:
    """Per field key: ministries seen with their counts, the files, and the spellings."""
    ministries: dict[str, Counter[str]] = defaultdict(Counter)
    files: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for path in sorted((data / "portal_exports").glob("*.xlsx")):
        export = read_portal_export(path)
        for row in export.rows:
            if row.field is None or not row.issuer:
                continue
            ministries[row.field.key][ministry_name(row.issuer)] += 1
            files[row.field.key][f"portal_exports/{path.name}"] += 1
            names[row.field.key][row.field.name] += 1
    return ministries, files, names


def _bracketed(data: Path, covered: set[str]) -> dict[str, tuple[Field, Counter[str], set[str]]]:
    """Fields the exports do not cover whose cell names a ministry in brackets."""
    found: dict[str, tuple[Field, Counter[str], set[str]]] = {}
    for path in sorted(data.glob("real_procedures*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = nfc(row.get("field") or "")
                match = _BRACKETED_MINISTRY.search(text)
                if not match:
                    continue
                field = Field.of(text)
                if field.key in covered:
                    continue
                entry = found.setdefault(field.key, (field, Counter(), set()))
                entry[1][ministry_name(match.group(1))] += 1
                entry[2].add(path.name)
    return found


def derive(data: Path = DEFAULT_DATA) -> str:
    """The text of sectors.csv, derived from the real data folder *data*."""
    ministries, files, names = _evidence(data)
    rows: list[tuple[str, str, str, str, str]] = []
    left_out: list[str] = []
    for key in sorted(ministries):
        counts = ministries[key]
        total = sum(counts.values())
        ministry, count = sorted(counts.items(), key=lambda kv: (-kv[1], fold(kv[0])))[0]
        name = sorted(names[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        if key in SHARED_FIELDS:
            left_out.append(f"{name} (every ministry's own)")
            continue
        if count * 2 <= total:
            left_out.append(f"{name} (no majority)")
            continue
        where = "; ".join(sorted(files[key]))
        source = f"{where}: Cơ quan ban hành of {count}/{total} rows"
        rows.append((key, name, sector_name(ministry), ministry, source))
    for key, (field, counts, sources) in sorted(_bracketed(data, set(ministries)).items()):
        ministry, count = sorted(counts.items(), key=lambda kv: (-kv[1], fold(kv[0])))[0]
        total = sum(counts.values())
        if key in SHARED_FIELDS or count * 2 <= total:
            left_out.append(f"{field.name} (no majority)")
            continue
        source = f"{'; '.join(sorted(sources))}: field cell names the ministry ({count}/{total})"
        rows.append((key, field.name, sector_name(ministry), ministry, source))
    rows.sort()
    out = io.StringIO()
    out.write("# Field (lĩnh vực) -> sector and managing ministry, derived by "
              "scripts/build_sectors.py from tests/data/real (see its README); do not edit.\n")
    out.write("# Ministries are those of the 2026 portal exports, after the 2025 "
              "reorganisation of the government.\n")
    if left_out:
        out.write(f"# Left out: {'; '.join(sorted(left_out))}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for _, name, sector, ministry, source in rows:
        writer.writerow((name, sector, ministry, source))
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the shipped table; 1 when it is stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the real data folder (tests/data/real)")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when stale")
    args = parser.parse_args(argv)
    text = derive(args.data)
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        return 0 if current == text else 1
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
