"""Benchmark: load and replay a large catalogue; the catalogue at a date.

A valid catalogue of 10,000 decisions and 100,000 entries is generated
(deterministically), written to a temporary folder, then loaded and
replayed; ``as_of()`` is timed on the loaded catalogue.

Targets (issue 3, on the 2-core reference machine): load + replay <= 3 s;
``as_of()`` <= 50 ms.

Run: ``PYTHONPATH=src python benchmarks/bench_catalog.py [--decisions N] [--entries M]``
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from tthc._io import gc_paused
from tthc.catalog import Catalog, load_catalog, read_catalog, write_catalog
from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
from tthc.desk import Desk, FeedbackAddress, Unit
from tthc.feeparse import parse_fee
from tthc.fees import Fee
from tthc.procedure import Field, OnlineService, PostalService
from tthc.proctime import ProcessingTime, parse_processing_time

NAMES = (
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "Cấp giấy chứng nhận đăng ký hộ kinh doanh",
    "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "Thủ tục giải quyết khiếu nại lần đầu",
    "Công nhận báo cáo viên pháp luật",
    "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
    "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
    "Thủ tục xét tặng danh hiệu Gia đình văn hóa",
)
FIELDS = ("Hộ tịch", "Chứng thực", "Hộ kinh doanh", "Xây dựng", "Khiếu nại, tố cáo",
          "Phổ biến, giáo dục pháp luật", "An toàn thực phẩm", "Văn hóa cơ sở")
TIMES = ("05 ngày làm việc", "Trong ngày", "03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
         "15 ngày", "Không quá 02 ngày làm việc", "10 ngày làm việc")
FEES = ("Miễn phí", "2.000 đồng/trang", "100.000 đồng/hồ sơ", "Không", "50.000 đồng/giấy phép")
AGENCIES = ("UBND cấp huyện", "Phòng Tư pháp", "UBND cấp xã", "Phòng Kinh tế và Hạ tầng")
ISSUER = "Chủ tịch UBND tỉnh Mẫu"


class _Pool:
    """A set with O(1) random choice and removal."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.where: dict[str, int] = {}

    def add(self, item: str) -> None:
        self.where[item] = len(self.items)
        self.items.append(item)

    def remove(self, item: str) -> None:
        index = self.where.pop(item)
        last = self.items.pop()
        if index < len(self.items):
            self.items[index] = last
            self.where[last] = index

    def __contains__(self, item: str) -> bool:
        return item in self.where

    def __len__(self) -> int:
        return len(self.items)

    def pick(self, rng: random.Random) -> str:
        return self.items[rng.randrange(len(self.items))]


def generate(decisions: int, entries: int, seed: int = 2025) -> tuple[Unit, list[Decision]]:
    """A valid catalogue: every entry is possible when the decisions are replayed in order."""
    rng = random.Random(seed)
    pools = {"district": _Pool(), "commune": _Pool(), "province": _Pool()}
    levels = tuple(pools)
    counter = iter(range(1, 10_000_000))
    made: list[Decision] = []
    day = date(2000, 1, 3)
    per_year: dict[int, int] = {}
    sizes = [entries // decisions] * decisions
    for index in range(entries - sum(sizes)):
        sizes[index % decisions] += 1
    kinds = (
        [EntryKind.NEW] * 30 + [EntryKind.AMENDED] * 30 + [EntryKind.REPEALED] * 10
        + [EntryKind.REPLACED] * 6 + [EntryKind.CUT] * 12 + [EntryKind.SERVICE] * 6
        + [EntryKind.TRANSFERRED] * 6
    )
    # The identities first, in replay order, so that every entry is drawn against
    # the state the replay will have reached.
    keys = []
    for _ in sizes:
        day += timedelta(days=rng.choice((0, 0, 1, 1, 1, 2)))
        number = per_year[day.year] = per_year.get(day.year, 0) + 1
        signed = day - timedelta(days=rng.choice((0, 0, 1, 5)))
        keys.append((day, signed, ISSUER, f"{number}/QĐ-UBND"))
    keys.sort()
    for size, (day, signed, issuer, number_text) in zip(sizes, keys, strict=True):
        touched: set[tuple[str, str]] = set()
        items: list[Entry] = []
        while len(items) < size:
            kind = rng.choice(kinds)
            level = rng.choice(levels)
            pool = pools[level]
            if kind is not EntryKind.NEW and len(pool) < 50:
                kind = EntryKind.NEW
            if kind is EntryKind.NEW:
                code = f"{rng.choice('12')}.{next(counter):06d}"
                pool.add(code)
                touched.add((code, level))
                items.append(Entry(kind=kind, code=code, levels=(level,), content=_content(rng)))
                continue
            code = pool.pick(rng)
            if (code, level) in touched:
                continue
            touched.add((code, level))
            if kind is EntryKind.AMENDED:
                items.append(Entry(kind=kind, code=code, levels=(level,),
                                   content=_patch(rng)))
            elif kind is EntryKind.REPEALED:
                pool.remove(code)
                items.append(Entry(kind=kind, code=code, levels=(level,)))
            elif kind is EntryKind.REPLACED:
                successor = f"{rng.choice('12')}.{next(counter):06d}"
                pool.remove(code)
                pool.add(successor)
                touched.add((successor, level))
                items.append(Entry(kind=kind, code=code, levels=(level,), successor=successor,
                                   content=_content(rng)))
            elif kind is EntryKind.CUT:
                items.append(Entry(kind=kind, code=code, levels=(level,),
                                   applied_time=_time(rng.choice(("02 ngày làm việc",
                                                                  "Trong ngày")))))
            elif kind is EntryKind.SERVICE:
                items.append(Entry(kind=kind, code=code, levels=(level,),
                                   online=OnlineService.parse(rng.choice(("3", "4"))),
                                   postal=PostalService(receive=True, deliver=True)))
            else:
                target = rng.choice([lv for lv in levels if lv != level])
                if code in pools[target] or (code, target) in touched:
                    touched.discard((code, level))
                    continue
                pool.remove(code)
                pools[target].add(code)
                touched.add((code, target))
                items.append(Entry(kind=kind, code=code, levels=(level,), to_levels=(target,)))
        made.append(Decision(
            number=number_text, issuer=issuer, signed=signed, effective=day,
            title="Công bố danh mục thủ tục hành chính", entries=tuple(items)))
    unit = Unit(
        name="Huyện Mẫu", province="Tỉnh Mẫu",
        desks=(
            Desk(id="huyen", name="Bộ phận Một cửa huyện Mẫu", level="district",
                 feedback=FeedbackAddress(body="UBND huyện Mẫu", address="1 Đường Chính",
                                          phone="0250 3800 000", email="ubnd@mau.gov.vn")),
            *(Desk(id=f"xa-{n}", name=f"UBND xã Mẫu {n}", level="commune") for n in range(10)),
        ),
    )
    return unit, made


def _time(text: str) -> ProcessingTime:
    return parse_processing_time(text)


def _content(rng: random.Random) -> ProcedureContent:
    return ProcedureContent(
        name=f"{rng.choice(NAMES)} (mẫu {rng.randrange(100_000)})",
        field=Field.of(rng.choice(FIELDS)),
        agency=rng.choice(AGENCIES),
        processing_time=_time(rng.choice(TIMES)),
        fees=_fee(rng.choice(FEES)),
        legal_basis=("Nghị định số 23/2015/NĐ-CP ngày 16/02/2015 của Chính phủ",),
    )


def _patch(rng: random.Random) -> ProcedureContent:
    if rng.random() < 0.5:
        return ProcedureContent(processing_time=_time(rng.choice(TIMES)))
    return ProcedureContent(fees=_fee(rng.choice(FEES)),
                            legal_basis=("Thông tư số 01/2020/TT-BTP ngày 03/3/2020",))


def _fee(text: str) -> Fee:
    return parse_fee(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="loads to time (best is kept)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    unit, decisions = generate(args.decisions, args.entries)
    print(f"generated {len(decisions):,} decisions, "
          f"{sum(len(d.entries) for d in decisions):,} entries "
          f"in {time.perf_counter() - started:.2f} s")
    with tempfile.TemporaryDirectory(prefix="tthc-bench-") as tmp:
        folder = Path(tmp) / "catalog"
        started = time.perf_counter()
        write_catalog((unit, decisions), folder)
        size = sum(f.stat().st_size for f in folder.rglob("*.toml"))
        print(f"write_catalog: {time.perf_counter() - started:.2f} s "
              f"({size / 1e6:.1f} MB in {len(decisions) + 1:,} files)")
        # Load in a process holding nothing else, as the command line does.
        del unit, decisions

        # Where the time goes: one load, in parts.
        gc.collect()
        with gc_paused():
            started = time.process_time()
            files = read_catalog(folder)
            middle = time.process_time()
            parts = Catalog(files.unit, files.decisions, sources=files.sources)
            done = time.process_time()
        gc.collect()
        collected = time.process_time()
        del parts, files
        gc.collect()

        walls, cpus = [], []
        catalog: Catalog | None = None
        for _ in range(args.repeat):
            catalog = None
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            catalog = load_catalog(folder)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        assert catalog is not None
        best = walls.index(min(walls))
        print(f"load_catalog (read, check, replay): {walls[best]:.2f} s wall, "
              f"{cpus[best]:.2f} s CPU (best of {args.repeat}; target <= 3 s)")
        print(f"  CPU: read and check {middle - started:.2f} s, replay {done - middle:.2f} s, "
              f"one garbage-collector pass over the new objects {collected - done:.2f} s")
        print(f"  {len(catalog.versions):,} versions, {len(catalog.warnings)} warnings")

    last = catalog.decisions[-1].effective
    days = [last - timedelta(days=365 * k + 17) for k in range(8)]
    first_calls = []
    for day in days:
        started = time.perf_counter()
        view = catalog.as_of(day)
        first_calls.append(time.perf_counter() - started)
    started = time.perf_counter()
    view = catalog.as_of(days[0])
    cached = time.perf_counter() - started
    print(f"as_of(): {statistics.median(first_calls) * 1000:.1f} ms median, "
          f"{max(first_calls) * 1000:.1f} ms max over {len(days)} dates "
          f"(target <= 50 ms); cached {cached * 1e6:.0f} µs; "
          f"{len(view):,} in force on {days[0]}")
    started = time.perf_counter()
    listed = view.procedures(desk="xa-1")
    print(f"view.procedures(desk=...): {(time.perf_counter() - started) * 1000:.1f} ms "
          f"({len(listed):,} procedures)")
    code = listed[len(listed) // 2].code
    view.get(code)
    started = time.perf_counter()
    for _ in range(1000):
        view.get(code)
    print(f"view.get(): {(time.perf_counter() - started) * 1000:.1f} µs each")
    started = time.perf_counter()
    hits = view.search("đăng ký kết hôn mẫu", limit=10)
    first = time.perf_counter() - started
    started = time.perf_counter()
    view.search("chứng thực bản sao", limit=10)
    print(f"view.search(): {first * 1000:.0f} ms first call (match keys of every name), "
          f"{(time.perf_counter() - started) * 1000:.0f} ms next ({len(hits)} hits)")
    started = time.perf_counter()
    catalog.history(code)
    catalog.changes(days[-1], days[0])
    print(f"history() + changes(): {(time.perf_counter() - started) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
