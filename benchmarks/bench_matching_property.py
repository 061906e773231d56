"""The damaged-listing property of tests/test_matching.py, over 10,000 generated rows.

Real procedure names (``tests/data/real/real_procedures*.csv``) are posted in
listings, damaged as desks damage them (diacritics stripped, NFD, TCVN3
bytes, 1-3 character typos, "Thủ tục" added or removed, codes dropped or in
local form, rows shuffled and duplicated), written to CSV files, read back
with :func:`tthc.listing.read_listing` and matched. The script prints the
number of wrong automatic acceptances (the target is zero) and the shares
of the bands.

Run from the repository root::

    python benchmarks/bench_matching_property.py [--rows 10000] [--seed 2026]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.test_matching import (  # noqa: E402 - after the path set-up
    RandomPicker,
    check_listing,
    generate_listing,
    real_candidates,
    write_listing,
)

from tthc.matching import Matcher  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows to generate")
    parser.add_argument("--seed", type=int, default=2026, help="random seed")
    args = parser.parse_args(argv)
    pick = RandomPicker(random.Random(args.seed))
    matcher = Matcher(real_candidates())
    statuses: Counter[str] = Counter()
    encodings: Counter[str] = Counter()
    wrong_auto: list[tuple[str, str, str | None]] = []
    wrong_code: list[tuple[str, str, str | None]] = []
    clean_conflicts: list[str] = []
    rows = listings = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        while rows < args.rows:
            posted, encoding = generate_listing(pick, min(25, args.rows - rows))
            path = write_listing(Path(folder) / f"desk-{listings}.csv", posted, encoding)
            outcome = check_listing(matcher, path, posted)
            statuses.update(outcome.statuses)
            encodings[encoding] += 1
            wrong_auto += outcome.wrong_auto
            wrong_code += outcome.wrong_code
            clean_conflicts += outcome.clean_conflicts
            rows += len(posted)
            listings += 1
    elapsed = time.perf_counter() - start
    total = sum(statuses.values())
    print(f"rows generated, read and matched: {total} in {listings} listings "
          f"({', '.join(f'{k} {v}' for k, v in sorted(encodings.items()))}), {elapsed:.1f} s")
    print(f"catalogue: {len(matcher.candidates)} real procedures; "
          f"settings: {matcher.settings.as_dict()}")
    for status in ("code", "auto", "review", "none"):
        share = 100 * statuses[status] / total if total else 0.0
        print(f"  {status:<7}{statuses[status]:>7}  {share:5.1f} %")
    name_rows = statuses["auto"] + statuses["review"] + statuses["none"]
    if name_rows:
        print(f"  rows without a usable code: {name_rows}; accepted automatically "
              f"{100 * statuses['auto'] / name_rows:.1f} %, to review "
              f"{100 * statuses['review'] / name_rows:.1f} %, unmatched "
              f"{100 * statuses['none'] / name_rows:.1f} %")
    print(f"wrong automatic acceptances: {len(wrong_auto)}")
    print(f"code rows matched to a wrong procedure: {len(wrong_code)}")
    print(f"undamaged names flagged as contradicting their code: {len(clean_conflicts)}")
    for item in (wrong_auto + wrong_code)[:20]:
        print("   ", item)
    return 1 if wrong_auto or wrong_code or clean_conflicts else 0


if __name__ == "__main__":
    raise SystemExit(main())
