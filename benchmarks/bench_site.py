"""Benchmark: build the static site of the whole example (every desk) from a fresh process state.

Loads the example catalogue (timed apart), then builds the site of every
desk open on the date (default 31/12/2019) into a temporary folder exactly as
``tthc site`` does: the publications, every page, QR code and JSON file, the
write into a staging folder and the swap. Each run starts with an empty QR
cache, so every QR code is encoded each time. Prints the time of each run and
the best (target: 5 s or less, catalogue loading not counted).

Usage::

    python benchmarks/bench_site.py [--catalog DIR] [--as-of YYYY-MM-DD] [--repeat N]
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

import tthc.site  # noqa: E402
from tthc.catalog import load_catalog, resolve_catalog_path  # noqa: E402

TARGET_SECONDS = 5.0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0, or 1 when the best build exceeds the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", help="catalogue folder (default: the example)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2019, 12, 31))
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    catalog = load_catalog(resolve_catalog_path(args.catalog))
    print(f"load catalogue: {time.perf_counter() - started:.3f} s")
    best = None
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(max(args.repeat, 1)):
            tthc.site._qr_svg.cache_clear()
            target = Path(tmp) / "site"
            started = time.perf_counter()
            result = tthc.site.build_site(catalog, args.as_of, target, force=True)
            seconds = time.perf_counter() - started
            pages = sum(result.counts.values())
            print(f"run {index + 1}: {seconds:.3f} s for {len(result.counts)} desks, "
                  f"{pages} procedure pages, {result.files} files")
            best = seconds if best is None else min(best, seconds)
    assert best is not None
    print(f"best: {best:.3f} s (target ≤ {TARGET_SECONDS:g} s; loading not counted)")
    return 0 if best <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
