"""Matching at national scale: about 1,000,000 posted rows over 10,000 desks.

The catalogue has 6,000 procedures, built deterministically from the real
names in ``tests/data/real`` (the real procedure lists and the national
portal's list exports) combined with the real variants found in them (the
tails that tell near twins apart: "có yếu tố nước ngoài", "lưu động",
"tại khu vực biên giới", ...). Each of 10,000 desks (700 district, 9,300
commune) posts about 100 procedures of its level; 80 % of the rows carry a
code (a tenth of them in local form) and the catalogue name, 20 % carry no
code and a name with 1-3 typos (and, for a third of them, no diacritics).

The whole audit's matching is timed end to end, desk by desk (one
:meth:`Matcher.match` call per desk, the cache shared), and compared in the
same run with

* a naive loop: for each row, the code looked up and
  :func:`rapidfuzz.process.extractOne` over all candidate names (the name is
  checked even when there is a code, as the matcher does), on a 10,000-row
  sample; and the same loop calling extractOne only for rows without a code;
* raw :func:`rapidfuzz.process.cdist` of the distinct row names against the
  distinct candidate names (``workers=-1``), best candidate per name.

Run from the repository root::

    python benchmarks/bench_matching.py [--desks 10000] [--rows-per-desk 100]
        [--cdist-sample N] [--tracemalloc]

Peak memory is the process's peak resident set (``resource.getrusage``);
``--tracemalloc`` also traces Python allocations during matching (slower).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import numpy as np
import openpyxl
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tthc.codes import validate  # noqa: E402 - after the path set-up
from tthc.listing import ListingRow  # noqa: E402
from tthc.matching import Candidate, Matcher  # noqa: E402
from tthc.text import match_key, nfc, strip_marks  # noqa: E402

DATA = ROOT / "tests" / "data" / "real"
LETTERS = "abcdeghiklmnopqrstuvxyăâđêôơưáàảãạéếềốờ "
LEVELS = ("Cấp huyện", "Cấp xã", "Cấp huyện, Cấp xã")


def real_names() -> list[tuple[str, str, str]]:
    """(code, name, level) of the real procedures, first source wins per name key."""
    found: dict[str, tuple[str, str, str]] = {}
    for file in ("real_procedures.csv", "real_procedures_district.csv"):
        with (DATA / file).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                found.setdefault(match_key(row["name"]), (row["code"], nfc(row["name"]),
                                                          row["level"]))
    for path in sorted((DATA / "portal_exports").glob("*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True)
        for code, name, *_ in book.worksheets[0].iter_rows(min_row=3, values_only=True):
            if code and name:
                found.setdefault(match_key(name), (str(code).strip(), nfc(name), ""))
        book.close()
    return [found[k] for k in sorted(found)]


def real_tails(names: list[str]) -> list[str]:
    """The words that tell real near twins apart: B = A + tail, both real names."""
    keys = {match_key(n): n for n in names}
    tails: Counter[str] = Counter()
    for short in keys:
        for long_key, long_name in keys.items():
            if long_key != short and long_key.startswith(short + " "):
                words = long_name.split()
                count = len(long_key.split()) - len(short.split())
                tails[" ".join(words[-count:])] += 1
    return [t for t, _ in sorted(tails.items(), key=lambda kv: (-kv[1], kv[0]))]


def build_catalogue(size: int) -> list[Candidate]:
    """*size* procedures: the real ones, then real names with real tails added."""
    base = real_names()
    tails = real_tails([name for _, name, _ in base])
    seen = {match_key(name) for _, name, _ in base}
    entries = list(base)
    serial = 0
    for tail in tails:
        for _, name, level in base:
            if len(entries) >= size:
                break
            variant = f"{name.rstrip(' .')} {tail}"
            key = match_key(variant)
            if key in seen:
                continue
            seen.add(key)
            serial += 1
            entries.append((f"4.{serial:06d}", variant, level))
    codes_seen: set[str] = set()
    catalogue = []
    for index, (code, name, level) in enumerate(entries[:size]):
        national = validate(code)
        if national in codes_seen:
            national = f"5.{index:06d}"
        codes_seen.add(national)
        catalogue.append(Candidate(code=national, name=name,
                                   level=level or LEVELS[index % 3]))
    return catalogue


def typo(name: str, rnd: random.Random) -> str:
    text = strip_marks(name) if rnd.random() < 1 / 3 else name
    for _ in range(rnd.randint(1, 3)):
        i = rnd.randrange(len(text))
        op = rnd.randrange(4)
        char = rnd.choice(LETTERS)
        if op == 0:
            text = text[:i] + char + text[i + 1 :]
        elif op == 1:
            text = text[:i] + char + text[i:]
        elif op == 2:
            text = text[:i] + text[i + 1 :]
        elif i + 1 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def build_desks(catalogue: list[Candidate], desks: int, per_desk: int,
                seed: int) -> tuple[list[list[ListingRow]], list[list[str]]]:
    """Each desk's posted rows and, for each row, the true code."""
    rnd = random.Random(seed)
    district = [c for c in catalogue if "huyện" in str(c.level)]
    commune = [c for c in catalogue if "xã" in str(c.level)]
    listings: list[list[ListingRow]] = []
    truths: list[list[str]] = []
    for d in range(desks):
        is_district = d < desks * 7 // 100
        pool = district if is_district else commune
        level = "Cấp huyện" if is_district else "Cấp xã"
        rows: list[ListingRow] = []
        truth: list[str] = []
        for number, candidate in enumerate(rnd.sample(pool, per_desk), start=2):
            if rnd.random() < 0.8:
                code_raw = candidate.code + (".H38" if rnd.random() < 0.1 else "")
                name = candidate.name
                code = candidate.code
            else:
                code_raw, code, name = "", "", typo(candidate.name, rnd)
            rows.append(ListingRow(
                source=f"desk-{d:05d}.xlsx", sheet=level, row=number,
                raw=(str(number - 1), code_raw, name), code_raw=code_raw or None,
                code=code or None, local_code=code_raw if code_raw.endswith(".H38") else None,
                name=name, level=level,
            ))
            truth.append(candidate.code)
        listings.append(rows)
        truths.append(truth)
    return listings, truths


def peak_mib() -> float:
    """Peak resident memory of this process, and of the largest worker process."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=10_000)
    parser.add_argument("--rows-per-desk", type=int, default=100)
    parser.add_argument("--catalogue", type=int, default=6_000)
    parser.add_argument("--naive-sample", type=int, default=10_000)
    parser.add_argument("--cdist-sample", type=int, default=0,
                        help="distinct names for the raw cdist (0: all of them)")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--workers", type=int, default=-1,
                        help="processes for large batches (Matcher(workers=...)); 1: none")
    parser.add_argument("--per-desk", action="store_true",
                        help="one match() call per desk instead of one batch")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    catalogue = build_catalogue(args.catalogue)
    listings, truths = build_desks(catalogue, args.desks, args.rows_per_desk, args.seed)
    rows = [row for listing in listings for row in listing]
    built = time.perf_counter() - start
    lengths = [len(c.name) for c in catalogue]
    print(f"catalogue: {len(catalogue)} procedures ({len({match_key(c.name) for c in catalogue})}"
          f" distinct names, mean {np.mean(lengths):.0f} characters)")
    print(f"listings: {len(listings)} desks, {len(rows)} rows "
          f"({sum(1 for r in rows if r.code)} with a code), built in {built:.1f} s")
    print(f"peak memory after building the input: {peak_mib():.0f} MiB")

    # --- the matcher, desk by desk, one shared cache --------------------------------
    if args.tracemalloc:
        tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    matcher = Matcher(catalogue, workers=args.workers)
    if args.per_desk:
        results = [matcher.match(listing) for listing in listings]
    else:
        results = matcher.match_many(listings)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += children.ru_utime + children.ru_stime
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    if args.tracemalloc:
        tracemalloc.stop()
    statuses: Counter[str] = Counter()
    wrong = conflicts = 0
    for matches, truth in zip(results, truths, strict=True):
        for match, code in zip(matches, truth, strict=True):
            statuses[match.status] += 1
            if match.status in ("auto", "code") and match.code != code:
                wrong += 1
            conflicts += match.code_name_conflict
    throughput = len(rows) / wall
    print(f"\nmatcher: {len(rows)} rows in {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"({throughput:,.0f} rows/s)")
    print(f"  cache: {matcher.cache_info()}")
    print(f"  bands: {dict(sorted(statuses.items()))}; wrong code/auto matches: {wrong}; "
          f"code-name conflicts: {conflicts}")
    no_code = statuses["auto"] + statuses["review"] + statuses["none"]
    print(f"  rows without a code: {no_code}; accepted automatically "
          f"{100 * statuses['auto'] / max(no_code, 1):.1f} %")
    print(f"  peak memory so far (RSS): {peak_mib():.0f} MiB"
          + (f"; traced Python allocations during matching: {traced:.0f} MiB" if traced else ""))

    # --- naive per-row extractOne, on a sample ---------------------------------------
    rnd = random.Random(args.seed + 1)
    sample = rnd.sample(rows, min(args.naive_sample, len(rows)))
    keys = [match_key(c.name) for c in catalogue]
    by_code = {c.code: c for c in catalogue}
    naive_rates = []
    for every_row in (True, False):
        began = time.perf_counter()
        for row in sample:
            by_code.get(row.code or "")
            if every_row or not row.code:
                process.extractOne(match_key(row.name), keys, scorer=fuzz.ratio)
        took = time.perf_counter() - began
        naive_rates.append(len(sample) / took)
        label = "every row's name" if every_row else "names of rows without a code"
        print(f"\nnaive loop (extractOne on {label}): {len(sample)} rows in {took:.1f} s "
              f"({len(sample) / took:,.0f} rows/s); the matcher is "
              f"{throughput / (len(sample) / took):.1f}x faster")

    # --- raw cdist on the distinct keys ------------------------------------------------
    distinct = sorted({match_key(r.name) for r in rows})
    chosen = distinct if not args.cdist_sample else random.Random(3).sample(
        distinct, min(args.cdist_sample, len(distinct)))
    unique_keys = sorted(set(keys))
    began = time.perf_counter()
    for offset in range(0, len(chosen), 2_000):
        block = process.cdist(chosen[offset : offset + 2_000], unique_keys, scorer=fuzz.ratio,
                              dtype=np.uint8, workers=-1)
        block.argmax(axis=1)
    took = time.perf_counter() - began
    scale = len(distinct) / len(chosen)
    print(f"\nraw cdist: {len(chosen)} of {len(distinct)} distinct row names x "
          f"{len(unique_keys)} candidate names in {took:.1f} s"
          + (f" (all {len(distinct)}: about {took * scale:.0f} s)" if scale > 1 else ""))
    print(f"\npeak memory (RSS) for the whole run: {peak_mib():.0f} MiB")
    return 0 if wrong == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
