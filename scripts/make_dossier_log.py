"""Write a synthetic 2019 dossier log for the example district (``catalog/``).

The 2019 report of the district says its one-stop desks received and settled
54,599 dossiers (10,289 at the district desk, 44,310 at the commune desks),
99.99% of them early or on time. This script makes a log of that scale and
shape, for the ``tthc dossiers`` benchmark and the documentation:

- every dossier is for a procedure in force at the desk's level on the day of
  receipt, with a processing time a due date can be computed from, drawn with
  weights that favour the busy fields (civil status and certification at the
  communes; certification, household business and land at the district);
- receipts fall in office hours on the desk's working days (Saturday mornings
  at the district desk); online dossiers arrive at any hour, any day;
- the appointment is computed with tthc (the desk's calendar and the time
  applied on the day of receipt, after a cut where one is in force); most
  dossiers finish before it, some on the day, and a handful after it (some of
  those with a date re-set after an apology, domain.md §7.4). The number late
  is chosen so that the share early or on time rounds to the report's 99.99%.

The figures are targets held here only; the library computes everything from
the log. Deterministic: rerunning gives identical bytes.

Usage::

    python scripts/make_dossier_log.py [--out catalog/dossiers-2019.csv] [--catalog DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tthc._io import atomic_write  # noqa: E402
from tthc.catalog import Catalog, InForce, load_catalog  # noqa: E402
from tthc.desk import Desk  # noqa: E402
from tthc.proctime import Channel  # noqa: E402
from tthc.workdays import UncomputableTime, WorkCalendar  # noqa: E402

# ---------------------------------------------------------------------------
# Targets from the 2019 report. Only this script holds them.
TARGET_DISTRICT = 10_289
TARGET_COMMUNE = 44_310
TARGET_ON_TIME_PERCENT = Decimal("99.99")
YEAR = 2019

SEED = "tthc dossier log 2019"
DEFAULT_OUT = REPO / "catalog" / "dossiers-2019.csv"

#: Relative weights of fields (keys of tthc.procedure.Field); others weigh 1.
COMMUNE_WEIGHTS = {
    "chung-thuc": 90, "ho-tich": 60, "dat-dai": 4, "chinh-sach": 3, "nguoi-co-cong": 3,
    "bao-tro-xa-hoi": 3, "dang-ky-quan-ly-cu-tru": 3, "nong-nghiep": 2, "thuy-loi": 2,
}
DISTRICT_WEIGHTS = {
    "chung-thuc": 40, "ho-kinh-doanh": 25, "dat-dai": 20, "ho-tich": 8,
    "hoat-dong-xay-dung": 8, "tai-chinh-dat-dai": 5, "bao-tro-xa-hoi": 4, "nguoi-co-cong": 4,
    "thanh-lap-va-hoat-dong-cua-to-hop-tac-hop-tac-xa-lien-hiep-hop-tac-xa": 3,
}
#: Relative sizes of the commune desks (the town is the busiest).
COMMUNE_SIZES = (3.0, 1.2, 1.0, 1.1, 0.9, 1.0, 0.8, 1.0, 0.9, 1.1, 0.8, 1.0, 0.9, 1.0, 0.8)
ONLINE_SHARE = 0.12  # of dossiers for procedures offered online at level 3 or 4
POSTAL_SHARE = 0.03  # of dossiers for procedures offered by post
EARLY_SHARE = 0.78  # of the dossiers that can finish before the appointment date
REAPPOINTED_LATE = 3  # late dossiers that had their date re-set after an apology

CHANNEL_TEXT = {
    Channel.IN_PERSON: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POSTAL: "Bưu chính công ích",
}
HEADER = (
    "Mã hồ sơ", "Mã TTHC", "Nơi tiếp nhận", "Kênh", "Ngày nhận", "Ngày hoàn thành",
    "Ngày trả", "Ngày hẹn lại",
)


def late_count(settled: int) -> int:
    """The middle of the late counts for which the on-time share rounds to the target."""
    fits = [
        late
        for late in range(1, settled // 100)
        if (Decimal(settled - late) * 100 / settled).quantize(Decimal("0.01"), ROUND_HALF_UP)
        == TARGET_ON_TIME_PERCENT
    ]
    if not fits:
        raise SystemExit(f"no late count gives {TARGET_ON_TIME_PERCENT}% of {settled}")
    return fits[len(fits) // 2]


def split(total: int, sizes: Sequence[float]) -> list[int]:
    """Split *total* in proportion to *sizes* (largest remainders), summing to *total*."""
    raw = [total * s / sum(sizes) for s in sizes]
    parts = [int(x) for x in raw]
    order = sorted(range(len(sizes)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def minute(rng: random.Random, start: time, end: time) -> time:
    """A minute in [start, end)."""
    lo = start.hour * 60 + start.minute
    hi = end.hour * 60 + end.minute
    m = rng.randrange(lo, hi)
    return time(m // 60, m % 60)


class DeskPlan:
    """One desk: its calendar, its receipt days and its weighted procedures by day."""

    def __init__(self, desk: Desk, catalog_calendar: WorkCalendar, weights: dict[str, int],
                 catalog: Catalog) -> None:
        self.desk = desk
        self.cal = catalog_calendar
        self.weights = weights
        first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        self.working = [d for d in days if self.cal.is_working_day(d)]
        self.all_days = days
        self.catalog = catalog
        self._by_day: dict[date, tuple[list[InForce], list[float]]] = {}

    def procedures(self, day: date) -> tuple[list[InForce], list[float]]:
        found = self._by_day.get(day)
        if found is None:
            view = self.catalog.as_of(day)
            entries = [
                e for e in view.entries(level=self.desk.level)
                if e.processing_time.is_computable and not e.procedure.internal
            ]
            total = 0.0
            cum: list[float] = []
            for e in entries:
                total += self.weights.get(e.procedure.field.key, 1)
                cum.append(total)
            found = self._by_day[day] = (entries, cum)
        return found


@dataclass(frozen=True)
class Dossier:
    """A generated dossier before its finish is drawn."""

    desk: Desk
    cal: WorkCalendar
    code: str
    channel: Channel
    received: datetime
    start: datetime
    due: datetime


def office_moment(rng: random.Random, cal: WorkCalendar, day: date) -> datetime:
    """A moment in office hours of *day* (a working day)."""
    blocks = cal.office_hours(day)
    start, end = blocks[rng.randrange(len(blocks))]
    return datetime.combine(day, minute(rng, start, end))


def clamp_moment(rng: random.Random, cal: WorkCalendar, day: date,
                 lo: datetime | None, hi: datetime | None) -> datetime:
    """A minute in office hours of *day*, kept within [lo, hi]."""
    moment = office_moment(rng, cal, day)
    if lo is not None and moment < lo:
        moment = lo + timedelta(minutes=rng.randint(1, 90))
    if hi is not None and moment > hi:
        moment = hi - timedelta(minutes=rng.randint(0, 45))
        if lo is not None and moment < lo:
            moment = hi
    return moment.replace(second=0, microsecond=0)


def make_rows(catalog_dir: Path) -> list[tuple[str, ...]]:
    """The rows of the log (without the header), sorted by receipt."""
    catalog = load_catalog(catalog_dir)
    rng = random.Random(SEED)
    district = [d for d in catalog.desks if d.level == "district"]
    communes = [d for d in catalog.desks if d.level == "commune"]
    if len(district) != 1 or len(communes) != len(COMMUNE_SIZES):
        raise SystemExit("the example catalogue's desks are not the expected ones")
    prefixes = {district[0].id: "H", **{d.id: f"X{i:02d}" for i, d in enumerate(communes, 1)}}
    counts = [(district[0], TARGET_DISTRICT, DISTRICT_WEIGHTS)]
    counts += [
        (desk, n, COMMUNE_WEIGHTS)
        for desk, n in zip(communes, split(TARGET_COMMUNE, COMMUNE_SIZES), strict=True)
    ]
    first_day = date(YEAR, 1, 1)
    dossiers: list[Dossier] = []
    for desk, n, weights in counts:
        cal = WorkCalendar.for_desk(desk, catalog.unit.calendar)
        plan = DeskPlan(desk, cal, weights, catalog)
        for _ in range(n):
            day = rng.choice(plan.working)
            entries, cum = plan.procedures(day)
            entry = entries[bisect_left(cum, rng.random() * cum[-1])]
            online = entry.online is not None and entry.online.is_level_3_or_4
            draw = rng.random()
            if online and draw < ONLINE_SHARE:
                channel = Channel.ONLINE
                sent = max(first_day, day - timedelta(days=rng.randrange(3)))
                received = datetime.combine(sent, minute(rng, time(0), time(23, 59)))
            else:
                channel = (
                    Channel.POSTAL if entry.postal.any and draw > 1 - POSTAL_SHARE
                    else Channel.IN_PERSON
                )
                received = office_moment(rng, cal, day)
            record = catalog.as_of(received.date()).record(entry.code, desk.level)
            if record is None:  # an online dossier sent before the procedure was in force
                record, received = entry, office_moment(rng, cal, day)
            try:
                due = cal.due(received, record.processing_time, channel, explain=False)
            except UncomputableTime:  # no time for this channel: send it in person
                channel = Channel.IN_PERSON
                due = cal.due(received, record.processing_time, channel, explain=False)
            dossiers.append(Dossier(desk, cal, record.code, channel, received,
                                    due.counted_from, due.at))
    dossiers.sort(key=lambda d: (d.received, d.desk.id, d.code))
    late = set(rng.sample(range(len(dossiers)), late_count(len(dossiers))))
    reappointed = set(rng.sample(sorted(late), REAPPOINTED_LATE))
    sequence: dict[tuple[str, date], int] = {}
    rows: list[tuple[str, ...]] = []
    for index, d in enumerate(dossiers):
        cal = d.cal
        reset = ""
        if index in late:
            finish_day = cal.add_working_days(d.due.date(), rng.randint(1, 3))
            finished = clamp_moment(rng, cal, finish_day, None, None)
            if index in reappointed:
                new_day = cal.add_working_days(finish_day, rng.randint(0, 2))
                reset = f"{new_day:%Y-%m-%d}"
        else:
            span = cal.count_working_days(d.start.date(), d.due.date())
            early = span > 0 and rng.random() < EARLY_SHARE
            finish_day = (
                cal.add_working_days(d.start.date(), rng.randrange(span)) if early
                else d.due.date()
            )
            lo = d.start if finish_day == d.start.date() else None
            hi = d.due if finish_day == d.due.date() else None
            finished = clamp_moment(rng, cal, finish_day, lo, hi)
        pickup = cal.add_working_days(finished.date(), rng.choice((0, 0, 1, 1, 2, 3)))
        returned = clamp_moment(rng, cal, pickup, finished, None)
        key = (d.desk.id, d.received.date())
        sequence[key] = sequence.get(key, 0) + 1
        ident = f"{prefixes[d.desk.id]}-{d.received:%y%m%d}-{sequence[key]:04d}"
        rows.append((
            ident, d.code, d.desk.id, CHANNEL_TEXT[d.channel],
            f"{d.received:%Y-%m-%d %H:%M}", f"{finished:%Y-%m-%d %H:%M}",
            f"{returned:%Y-%m-%d %H:%M}", reset,
        ))
    return rows


def check(path: Path, catalog_dir: Path) -> int:
    """Read the log back with tthc and compare its figures with the targets."""
    from tthc.dossiers import check_dossiers

    report = check_dossiers(load_catalog(catalog_dir), path)
    levels = {r.group: r.received for r in report.rates("level")}
    rates = report.rates()[0]
    share = (rates.on_time_of_finished or Decimal(0)) * 100
    figures = {
        "district dossiers": (levels.get("district", 0), TARGET_DISTRICT),
        "commune dossiers": (levels.get("commune", 0), TARGET_COMMUNE),
        "early or on time, %": (share.quantize(Decimal("0.01"), ROUND_HALF_UP),
                                TARGET_ON_TIME_PERCENT),
        "uncomputable rows": (rates.uncomputable, 0),
    }
    for name, (got, want) in figures.items():
        print(f"{name:>20}: {got}" + ("" if got == want else f"  (target {want})"))
    print(f"{'early/on time/late':>20}: {rates.early} / {rates.on_time} / {rates.late}")
    return 0 if all(got == want for got, want in figures.values()) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--catalog", type=Path, default=REPO / "catalog")
    args = parser.parse_args(argv)
    rows = make_rows(args.catalog)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    atomic_write(args.out, data, force=True)
    print(f"wrote {args.out}: {len(rows):,} dossiers, {len(data) / 1e6:.2f} MB")
    return check(args.out, args.catalog)


if __name__ == "__main__":
    sys.exit(main())
