"""Benchmark: write the posting list of every desk in all five formats.

Builds the posting list of each desk of the example catalogue open on the
date (default 31/12/2019) and writes it as XLSX, DOCX, HTML, CSV and
Markdown into a temporary folder through the atomic writer, as
``tthc posting-list --all-desks`` does. Prints the time per format and the
total (target: 5 s or less, catalogue loading excluded and shown apart).

Usage::

    python benchmarks/bench_render.py [--catalog DIR] [--as-of YYYY-MM-DD] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tthc._io import atomic_write  # noqa: E402
from tthc.catalog import load_catalog, resolve_catalog_path  # noqa: E402
from tthc.posting_list import build_posting_list  # noqa: E402
from tthc.render import FORMATS, render_posting_list  # noqa: E402

TARGET_SECONDS = 5.0


def run_once(catalog_dir: str | None, day: date, folder: Path) -> tuple[dict[str, float], int, int]:
    """One full run; returns seconds per step, the number of desks and of rows."""
    started = time.perf_counter()
    catalog = load_catalog(resolve_catalog_path(catalog_dir))
    times = {"load catalogue": time.perf_counter() - started}
    desks = catalog.as_of(day).desks()
    rows = 0
    started = time.perf_counter()
    lists = [build_posting_list(catalog, desk.id, day) for desk in desks]
    times["build lists"] = time.perf_counter() - started
    rows = sum(pl.count for pl in lists)
    for fmt in FORMATS:
        started = time.perf_counter()
        for pl in lists:
            data = render_posting_list(pl, fmt)
            atomic_write(folder / f"{pl.desk.id}-{day.isoformat()}.{fmt}", data, force=True)
        times[fmt] = time.perf_counter() - started
    return times, len(desks), rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0, or 1 when the best total exceeds the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", help="catalogue folder (default: the example)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2019, 12, 31))
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = parser.parse_args(argv)
    best: dict[str, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(max(args.repeat, 1)):
            times, desks, rows = run_once(args.catalog, args.as_of, Path(tmp))
            total = sum(v for k, v in times.items() if k != "load catalogue")
            print(f"run {index + 1}: {total:.3f} s for {desks} desks, {rows} rows, 5 formats")
            if best is None or total < sum(v for k, v in best.items() if k != "load catalogue"):
                best = times
    assert best is not None
    total = sum(v for k, v in best.items() if k != "load catalogue")
    print("best run:")
    for step, seconds in best.items():
        print(f"  {step:<15} {seconds:7.3f} s")
    print(f"  {'total':<15} {total:7.3f} s (target ≤ {TARGET_SECONDS:g} s; loading not counted)")
    return 0 if total <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
