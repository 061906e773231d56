"""The posting audit at national scale: about 1,000,000 posted rows over 10,000 desks.

A catalogue of 6,000 procedures is built in memory: the names come from
``benchmarks/bench_matching.py`` (real names from ``tests/data/real`` and the
real tails that tell near twins apart) when it is importable, else from the
example catalogue with the same kind of tails. 300 procedures are in force at
the district level, 100 at the commune level (20 of them at both), the rest at
the province level; 200 district and commune procedures were repealed before
the audit date. 600 district desks and 9,400 commune desks each post their
level's list: 80 % of the rows carry the code (a tenth in local form), the
name and the processing time as announced; 20 % carry no code and a name
with 1-3 typos (a third of them also without diacritics). A desk in ten
leaves one procedure out, one in twenty still posts a repealed one, one in
fifty posts a province procedure.

Timed in the same run:

* the audit end to end, from the listings in memory (:class:`tthc.listing.Listing`
  objects, as :func:`tthc.listing.read_listing` returns them) to the report
  (:func:`tthc.audit.audit`), then its JSON; reading files is timed apart on
  a sample of desks written as CSV;
* naive loops: for each row, :func:`rapidfuzz.process.extractOne` of its name
  over the 6,000 names, with its default scorer (WRatio, on a 2,000-row sample:
  it manages about 50 rows a second) and with the much faster plain ratio scorer
  (on a 10,000-row sample), a stricter baseline;
* raw :func:`rapidfuzz.process.cdist` of the distinct row names against the
  distinct catalogue names (``workers=-1``).

Targets (issue 6): the audit <= 60 s and <= 4 GiB peak memory on the 2-core
machine; >= 20x the naive loop's throughput.

Run from the repository root::

    python benchmarks/bench_audit.py [--desks 10000] [--naive-sample 10000]
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tthc.audit import AuditSettings, audit  # noqa: E402 - after the path set-up
from tthc.catalog import Catalog, load_catalog  # noqa: E402
from tthc.decision import Decision, Entry, EntryKind, ProcedureContent  # noqa: E402
from tthc.desk import Desk, FeedbackAddress, Unit  # noqa: E402
from tthc.feeparse import parse_fee  # noqa: E402
from tthc.listing import Listing, ListingRow, read_listing  # noqa: E402
from tthc.posting import PostingChecker  # noqa: E402
from tthc.procedure import Field  # noqa: E402
from tthc.proctime import parse_processing_time  # noqa: E402
from tthc.text import match_key, strip_marks  # noqa: E402

AS_OF = date(2024, 12, 31)
TIMES = ("05 ngày làm việc", "Trong ngày", "03 ngày làm việc", "15 ngày",
         "Không quá 02 ngày làm việc", "10 ngày làm việc", "20 ngày làm việc")
FIELDS = ("Hộ tịch", "Chứng thực", "Hộ kinh doanh", "Xây dựng", "Đất đai", "Văn hóa cơ sở",
          "Bảo trợ xã hội", "Người có công")
LETTERS = "abcdeghiklmnopqrstuvxyăâđêôơưáàảãạéếềốờ "
TAILS = ("có yếu tố nước ngoài", "lưu động", "tại khu vực biên giới", "cấp huyện", "cấp xã",
         "trên môi trường điện tử", "đối với hộ gia đình, cá nhân", "lần đầu", "cấp lại",
         "đối với tổ chức")


def names(size: int) -> list[tuple[str, str]]:
    """(code, name) for *size* procedures, from bench_matching if present."""
    try:
        from bench_matching import build_catalogue

        return [(c.code, c.name) for c in build_catalogue(size)]
    except (ImportError, OSError) as exc:  # pragma: no cover - fallback
        print(f"(bench_matching not usable: {exc}; names from the example catalogue)")
    base = sorted({(v.procedure.code, v.procedure.name) for v in load_catalog().versions})
    out = list(base)
    serial = 0
    seen = {match_key(n) for _, n in base}
    for tail in TAILS:
        for _code, name in base:
            variant = f"{name.rstrip(' .')} {tail}"
            if len(out) >= size or match_key(variant) in seen:
                continue
            seen.add(match_key(variant))
            serial += 1
            out.append((f"4.{serial:06d}", variant))
    return out[:size]


def typo(name: str, rnd: random.Random) -> str:
    text = strip_marks(name) if rnd.random() < 1 / 3 else name
    for _ in range(rnd.randint(1, 3)):
        i = rnd.randrange(len(text))
        op = rnd.randrange(4)
        char = rnd.choice(LETTERS)
        if op == 0:
            text = text[:i] + char + text[i + 1:]
        elif op == 1:
            text = text[:i] + char + text[i:]
        elif op == 2:
            text = text[:i] + text[i + 1:]
        elif i + 1 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text


def build(size: int, desks: int, seed: int
          ) -> tuple[Catalog, dict[str, Listing], dict[str, dict[int, str]]]:
    """The catalogue, every desk's listing, and the true code of each damaged row (by desk, row)."""
    rnd = random.Random(seed)
    procedures = names(size)
    rnd.shuffle(procedures)
    district = procedures[:300]
    commune = procedures[280:380]  # 20 at both levels
    repealed = procedures[380:580]
    feedback = FeedbackAddress(body="UBND", address="Trụ sở", phone="0200", email="a@b.vn")
    n_district = desks * 6 // 100
    desk_list = [Desk(id=f"h{d:05d}", name=f"Huyện {d}", level="district", feedback=feedback)
                 for d in range(n_district)]
    desk_list += [Desk(id=f"x{d:05d}", name=f"Xã {d}", level="commune", feedback=feedback)
                  for d in range(desks - n_district)]
    times = {t: parse_processing_time(t) for t in TIMES}
    fee = parse_fee("Không")
    level_of: dict[str, list[str]] = {}
    for code, _ in district:
        level_of.setdefault(code, []).append("district")
    for code, _ in commune:
        level_of.setdefault(code, []).append("commune")
    for code, _ in repealed:
        level_of[code] = ["district"] if rnd.random() < 0.5 else ["commune"]
    time_of = {code: TIMES[i % len(TIMES)] for i, (code, _) in enumerate(procedures)}
    entries = []
    for index, (code, name) in enumerate(procedures):
        entries.append(Entry(kind=EntryKind.NEW, code=code,
                             levels=tuple(level_of.get(code, ["province"])),
                             content=ProcedureContent(name=name,
                                                      field=Field.of(FIELDS[index % len(FIELDS)]),
                                                      processing_time=times[time_of[code]],
                                                      fees=fee)))
    issue = Decision(number="1/QĐ-UBND", issuer="Chủ tịch UBND tỉnh Mẫu",
                     signed=date(2020, 1, 2), effective=date(2020, 1, 2), entries=tuple(entries))
    repeal = Decision(number="2/QĐ-UBND", issuer="Chủ tịch UBND tỉnh Mẫu",
                      signed=date(2022, 3, 1), effective=date(2022, 3, 1),
                      entries=tuple(Entry(kind=EntryKind.REPEALED, code=code,
                                          levels=tuple(level_of[code]))
                                    for code, _ in repealed))
    catalog = Catalog(Unit(name="Quốc gia (mẫu)", province="Mẫu", desks=tuple(desk_list)),
                      [issue, repeal])
    province = procedures[580:]
    stale_pool = {lv: [(c, n) for c, n in repealed if level_of[c] == [lv]]
                  for lv in ("district", "commune")}
    listings: dict[str, Listing] = {}
    truth: dict[str, dict[int, str]] = {}
    for desk in desk_list:
        pool = district if desk.level == "district" else commune
        posted = list(pool)
        if rnd.random() < 0.1:
            posted.pop(rnd.randrange(len(posted)))
        if rnd.random() < 0.05:
            posted.append(rnd.choice(stale_pool[desk.level]))
        if rnd.random() < 0.02:
            posted.append(rnd.choice(province))
        rows = []
        source = f"{desk.id}.xlsx"
        for number, (code, name) in enumerate(posted, start=2):
            if rnd.random() < 0.8:
                code_raw = code + (".H38" if rnd.random() < 0.1 else "")
                rows.append(ListingRow(source=source, sheet=None, row=number, raw=(),
                                       code_raw=code_raw, code=code,
                                       local_code=code_raw if code_raw != code else None,
                                       name=name, processing_time_text=time_of[code]))
            else:
                rows.append(ListingRow(source=source, sheet=None, row=number, raw=(),
                                       name=typo(name, rnd), processing_time_text=time_of[code]))
                truth.setdefault(desk.id, {})[number] = code
        listings[desk.id] = Listing(source=source, format="xlsx", rows=tuple(rows), skipped=(),
                                    rows_read=len(rows))
    return catalog, listings, truth


def accept_quality(catalog: Catalog, listings: dict[str, Listing],
                   truth: dict[str, dict[int, str]], args: argparse.Namespace) -> float:
    """Check the damaged rows (no code, 1-3 typos) of a sample of desks against their truth.

    Prints how many the audit identified for sure rightly and wrongly, and how many it left to
    a person; returns the share identified wrongly.
    """
    checker = PostingChecker(catalog, AS_OF, AuditSettings(workers=args.workers))
    chosen = list(listings)[:: max(1, len(listings) // args.truth_sample)][: args.truth_sample]
    checker.prefetch((d, [listings[d]]) for d in chosen)
    counts: Counter[str] = Counter()
    for desk_id in chosen:
        wanted = truth.get(desk_id, {})
        for outcome in checker.check(desk_id, [listings[desk_id]]).rows:
            code = wanted.get(outcome.row.row)
            if code is None:
                continue
            counts["rows"] += 1
            if outcome.band in ("code", "auto", "assigned", "twin") and outcome.procedure:
                counts["right" if outcome.procedure == code else "wrong"] += 1
            else:
                counts["left"] += 1
    total = max(1, counts["rows"])
    print(f"  damaged rows (no code, 1-3 typos) of {len(chosen):,} desks: {counts['rows']:,}; "
          f"identified for sure rightly {counts['right']:,} ({counts['right'] / total:.2%}), "
          f"wrongly {counts['wrong']:,} ({counts['wrong'] / total:.3%}), left to a person "
          f"{counts['left']:,} ({counts['left'] / total:.2%})")
    return counts["wrong"] / total


def peak_mib() -> float:
    """Peak resident memory: this process plus its largest worker (a bound on the sum)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (own + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished workers."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=10_000)
    parser.add_argument("--catalogue", type=int, default=6_000)
    parser.add_argument("--naive-sample", type=int, default=10_000)
    parser.add_argument("--naive-default-sample", type=int, default=2_000,
                        help="rows for the default-scorer loop (about 50 rows/s)")
    parser.add_argument("--read-sample", type=int, default=20, help="desks written and read")
    parser.add_argument("--cdist-sample", type=int, default=10_000,
                        help="distinct row names for the raw cdist (0: all)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--truth-sample", type=int, default=1_000,
                        help="desks whose damaged rows are checked against their truth")
    parser.add_argument("--workers", type=int, default=-1,
                        help="matcher processes for large batches (-1: one per CPU; 1: none)")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    catalog, listings, truth = build(args.catalogue, args.desks, args.seed)
    rows = [row for listing in listings.values() for row in listing.rows]
    print(f"catalogue: {len({v.code for v in catalog.versions})} procedures, "
          f"{len(catalog.desks)} desks; listings: {len(rows):,} rows "
          f"({sum(1 for r in rows if r.code):,} with a code); built in "
          f"{time.perf_counter() - began:.1f} s; peak memory {peak_mib():.0f} MiB")
    gc.collect()

    wall, cpu = time.perf_counter(), cpu_seconds()
    report = audit(catalog, listings, AS_OF, AuditSettings(workers=args.workers))
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    throughput = len(rows) / wall
    audit_peak = peak_mib()
    stats = report.stats
    print(f"\naudit ({args.workers} workers): {len(rows):,} rows over {stats['desks']:,} desks in "
          f"{wall:.1f} s wall, "
          f"{cpu:.1f} s CPU ({throughput:,.0f} rows/s); peak memory {audit_peak:.0f} MiB "
          "(this process and its largest worker)")
    print(f"  rows: {stats['rows']}")
    print(f"  match bands: {stats['match']}")
    print(f"  required {stats['required']['total']} pairs, {stats['required']['postings']:,} "
          f"postings; findings {stats['findings']['errors']:,} errors, "
          f"{stats['findings']['warnings']:,} warnings, {stats['findings']['infos']:,} info")
    print(f"  by code: {stats['findings']['by_code']}")
    began = time.perf_counter()
    text = report.to_json()
    print(f"  JSON report: {len(text) / 2**20:.0f} MiB in {time.perf_counter() - began:.1f} s; "
          f"peak memory with it {peak_mib():.0f} MiB")
    del text
    wrong_rate = accept_quality(catalog, listings, truth, args)
    ok_time = wall <= 60
    ok_memory = audit_peak <= 4096

    # --- reading files, on a sample of desks ---------------------------------------
    with tempfile.TemporaryDirectory() as folder:
        chosen = list(listings)[:: max(1, len(listings) // args.read_sample)][: args.read_sample]
        paths = []
        for desk_id in chosen:
            path = Path(folder) / f"{desk_id}.csv"
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["STT", "Mã số TTHC", "Tên thủ tục hành chính",
                                 "Thời hạn giải quyết"])
                for n, row in enumerate(listings[desk_id].rows, start=1):
                    writer.writerow([n, row.code_raw or "", row.name, row.processing_time_text])
            paths.append(path)
        began = time.perf_counter()
        read = sum(len(read_listing(path).rows) for path in paths)
        took = time.perf_counter() - began
        print(f"\nreading CSV listings (apart): {read:,} rows in {took:.2f} s "
              f"({read / took:,.0f} rows/s)")

    # --- naive per-row extractOne ------------------------------------------------------
    # The literal naive loop is extractOne with its default scorer (WRatio); a stricter
    # baseline gives it the plain ratio scorer, which is far faster. Both are printed.
    candidates = sorted({v.procedure.name for v in catalog.versions})
    keys = [match_key(name) for name in candidates]

    code_of: dict[str, str] = {}
    for version in sorted(catalog.versions, key=lambda v: v.code):
        code_of.setdefault(match_key(version.procedure.name), version.code)
    damaged = [(row, truth[d][row.row]) for d, listing in listings.items()
               for row in listing.rows if row.row in truth.get(d, {})]

    def naive_loop(size: int, **scorer: Any) -> float:
        sample = random.Random(args.seed + 1).sample(rows, min(size, len(rows)))
        began = time.perf_counter()
        for row in sample:
            process.extractOne(match_key(row.name), keys, **scorer)
        return len(sample) / (time.perf_counter() - began)

    def naive_wrong(size: int, **scorer: Any) -> float:
        """The share of damaged rows whose best candidate in the naive loop is wrong."""
        sample = random.Random(args.seed + 2).sample(damaged, min(size, len(damaged)))
        wrong = 0
        for row, code in sample:
            best = process.extractOne(match_key(row.name), keys, **scorer)
            wrong += best is None or code_of.get(best[0]) != code
        return wrong / max(1, len(sample))

    naive_default = naive_loop(args.naive_default_sample)
    print(f"\nnaive loop, extractOne with its default scorer (WRatio) over {len(keys):,} names: "
          f"{naive_default:,.0f} rows/s on {args.naive_default_sample:,} rows; the audit is "
          f"{throughput / naive_default:,.0f}x faster")
    naive = naive_loop(args.naive_sample, scorer=fuzz.ratio)
    print(f"naive loop, extractOne with the ratio scorer: {naive:,.0f} rows/s on "
          f"{args.naive_sample:,} rows; the audit is {throughput / naive:.0f}x faster")
    print(f"naive loop, best candidate taken as the match: wrong for "
          f"{naive_wrong(args.naive_default_sample):.2%} of damaged rows (default scorer), "
          f"{naive_wrong(args.naive_sample, scorer=fuzz.ratio):.2%} (ratio scorer); the audit: "
          f"{wrong_rate:.3%} wrong, the rest of what it does not identify left to a person")

    # --- raw cdist on the distinct keys --------------------------------------------------
    distinct = sorted({match_key(r.name) for r in rows})
    chosen = distinct if not args.cdist_sample else random.Random(3).sample(
        distinct, min(args.cdist_sample, len(distinct)))
    unique = sorted(set(keys))
    began = time.perf_counter()
    for offset in range(0, len(chosen), 2_000):
        block = process.cdist(chosen[offset:offset + 2_000], unique, scorer=fuzz.ratio,
                              dtype=np.uint8, workers=-1)
        block.argmax(axis=1)
    took = time.perf_counter() - began
    scale = len(distinct) / len(chosen)
    print(f"raw cdist: {len(chosen):,} of {len(distinct):,} distinct row names x "
          f"{len(unique):,} catalogue names in {took:.1f} s"
          + (f" (all of them: about {took * scale:.0f} s)" if scale > 1 else "")
          + "; best candidate only: no codes, levels, bands or findings")

    counts = Counter(o for o in ("ok" if ok_time else "slow", "ok" if ok_memory else "memory"))
    print(f"\ntargets: audit <= 60 s: {'yes' if ok_time else 'NO'}; peak <= 4 GiB: "
          f"{'yes' if ok_memory else 'NO'}; >= 20x the default extractOne loop: "
          f"{'yes' if throughput >= 20 * naive_default else 'NO'}; >= 20x the ratio-scorer "
          f"loop: {'yes' if throughput >= 20 * naive else 'NO'}")
    return 0 if counts["ok"] == 2 and throughput >= 20 * naive_default else 1


if __name__ == "__main__":
    raise SystemExit(main())
