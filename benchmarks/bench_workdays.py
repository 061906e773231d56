"""Benchmark: due dates of working-day times, tthc against numpy and holidays.

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_workdays.py [--pairs 1000000] [--sample 10000]

For N (received date, n) pairs drawn in 2019–2026 it computes the due date of
an n-working-day time received in office hours (the day of receipt not
counted; a receipt on a day off counts from the next working day) with

- ``WorkCalendar.due_dates_many`` on numpy arrays (table lookups), and on
  plain lists (the pure-Python path);
- ``numpy.busday_offset(..., roll="forward")`` with the same days off on
  weekdays, which cannot model worked Saturdays (its answers differ there);
- a plain loop over ``holidays``' ``get_nth_working_day`` on a sample,
  whose answers must be identical to tthc's.

Targets (issue 5): tthc within 2x of numpy's time, and at least 50x the
loop's throughput.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import holidays
import numpy as np

from tthc.workdays import WorkCalendar


def best_of(repeat: int, func: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest of *repeat* timed runs, and the last result."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--max-n", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    first, last = np.datetime64("2019-01-01"), np.datetime64("2026-12-31")
    span = int((last - first).astype(int)) + 1
    received = first + rng.integers(0, span, size=args.pairs).astype("timedelta64[D]")
    ns = rng.integers(0, args.max_n + 1, size=args.pairs)
    print(f"{args.pairs:,} pairs, received 2019-01-01..2026-12-31, n = 0..{args.max_n}")

    start = time.perf_counter()
    cal = WorkCalendar()
    build = time.perf_counter() - start
    start = time.perf_counter()
    cold = cal.due_dates_many(received, ns)
    cold_time = time.perf_counter() - start
    tthc_time, ours = best_of(5, lambda: cal.due_dates_many(received, ns))

    # numpy: weekends Saturday/Sunday, and our weekday days off as holidays.
    off = [
        date(2019, 1, 1) + timedelta(days=i)
        for i in range((date(2027, 12, 31) - date(2019, 1, 1)).days + 1)
    ]
    weekday_off = [d for d in off if d.weekday() < 5 and not cal.is_working_day(d)]
    busdays = np.busdaycalendar(weekmask="1111100", holidays=weekday_off)
    numpy_time, theirs = best_of(
        5, lambda: np.busday_offset(received, ns, roll="forward", busdaycal=busdays)
    )
    differ = int((ours != theirs).sum())

    as_dates = received.astype(object).tolist()
    as_ns = ns.tolist()
    start = time.perf_counter()
    pure = cal.due_dates_many(as_dates, as_ns)
    pure_time = time.perf_counter() - start
    pure_same = pure == ours.astype(object).tolist()

    vn = holidays.country_holidays("VN", years=range(2019, 2029))
    pick = rng.choice(args.pairs, size=min(args.sample, args.pairs), replace=False)
    sample = [(as_dates[i], as_ns[i]) for i in pick]

    def loop() -> list[date]:
        out = []
        for day, n in sample:
            begin = day if vn.is_working_day(day) else vn.get_nth_working_day(day, 1)
            out.append(vn.get_nth_working_day(begin, n))
        return out

    start = time.perf_counter()
    expected = loop()
    loop_time = time.perf_counter() - start
    got = [ours[i].astype(object) for i in pick]
    mismatches = sum(a != b for a, b in zip(got, expected, strict=True))

    tthc_rate = args.pairs / tthc_time
    numpy_rate = args.pairs / numpy_time
    loop_rate = len(sample) / loop_time
    print(f"calendar built in {build * 1000:.1f} ms (tables for 2000-2040)")
    print(
        f"tthc due_dates_many (numpy arrays): {tthc_time * 1000:8.1f} ms"
        f"  ({tthc_rate / 1e6:.1f} M/s; first call {cold_time * 1000:.1f} ms)"
    )
    print(
        f"numpy.busday_offset:                {numpy_time * 1000:8.1f} ms"
        f"  ({numpy_rate / 1e6:.1f} M/s)"
    )
    print(
        f"tthc due_dates_many (plain lists):  {pure_time * 1000:8.1f} ms"
        f"  ({args.pairs / pure_time / 1e6:.2f} M/s; same answers: {pure_same})"
    )
    print(
        f"holidays get_nth_working_day loop:  {loop_time * 1000:8.1f} ms for {len(sample):,}"
        f"  ({loop_rate / 1e3:.1f} k/s)"
    )
    print(f"time vs numpy: {tthc_time / numpy_time:.2f}x (target <= 2x)")
    print(
        f"throughput vs the holidays loop: {tthc_rate / loop_rate:,.0f}x (target >= 50x); "
        f"pure-Python path {args.pairs / pure_time / loop_rate:,.0f}x"
    )
    print(
        f"answers differing from numpy (worked Saturdays it cannot model): {differ:,} "
        f"of {args.pairs:,} ({100 * differ / args.pairs:.1f}%)"
    )
    print(f"answers differing from the holidays loop on the sample: {mismatches}")
    ok = (
        tthc_time <= 2 * numpy_time
        and tthc_rate >= 50 * loop_rate
        and mismatches == 0
        and pure_same
        and bool((cold == ours).all())
    )
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
