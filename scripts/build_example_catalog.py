"""Build the example district catalogue (``catalog/``) from the real data in ``tests/data/real``.

The procedures (codes, names, fields, processing-time and fee texts) are real
and kept verbatim. The district, its desks, the decision numbers and dates,
and the assignment of procedures to the district and commune levels are
illustrative; they are chosen here, deterministically, so that replaying the
decisions gives the figures of the 2019 district report
(the district's 2019 report, whose figures are listed below). The library computes those
figures from the decisions; only this script knows them as targets, and it
checks the catalogue it wrote against them.

Usage::

    python scripts/build_example_catalog.py [--data DIR] [--out DIR]

Rerunning it gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tthc.catalog import load_catalog, write_catalog  # noqa: E402
from tthc.decision import Decision, Entry, EntryKind, ProcedureContent  # noqa: E402
from tthc.desk import DayOverride, Desk, FeedbackAddress, OfficeHours, Unit  # noqa: E402
from tthc.feeparse import parse_fee  # noqa: E402
from tthc.procedure import Field, OnlineService, PostalService  # noqa: E402
from tthc.proctime import parse_processing_time  # noqa: E402
from tthc.text import fold, nfc  # noqa: E402

DEFAULT_DATA = REPO / "tests" / "data" / "real"

# ---------------------------------------------------------------------------
# Targets from the 2019 report. Only this script holds them.
TARGET_START_2019 = 441
TARGET_NEW = 37
TARGET_AMENDED = 37
TARGET_REPLACED = 27
TARGET_REPEALED = 33
TARGET_ONLINE_2018 = 244
TARGET_ONLINE_2019 = 260
TARGET_POSTAL_2019 = 267
TARGET_CUTS = 17
#: Report wording → the real fields the cuts fall in.
CUT_FIELDS = (
    "hoat-dong-xay-dung",  # xây dựng
    "luu-thong-hang-hoa-trong-nuoc",  # công thương
    "phat-thanh-truyen-hinh-va-thong-tin-dien-tu",
    "ho-kinh-doanh",
    "thanh-lap-va-hoat-dong-cua-to-hop-tac-hop-tac-xa-lien-hiep-hop-tac-xa",
)
# Pre-2019 churn: procedures repealed in 2017 and 2018, replaced in 2018.
PRE_REPEALED_2017 = 6
PRE_REPEALED_2018 = 5
PRE_REPLACED_2018 = 3
# Cuts below 20 % in 2019, to show the threshold at work.
SMALL_CUTS = 3

SEED = "tthc example district 2019"

#: The district's sectors.csv (docs/catalog-format.md). The shipped table gives the
#: cooperative field the ministry of the 2026 portal exports; this district names the
#: field itself in its reports, as its 2019 report does (an illustrative local choice).
SECTORS_OVERRIDE = (
    "# Fields this district names itself in its yearly report (illustrative).\n"
    "field,sector,ministry,note\n"
    '"Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã",,,'
    "the shipped table gives the ministry of 2026; the 2019 report names the field\n"
)

# ---------------------------------------------------------------------------
# The illustrative district.
PROVINCE = "tỉnh Thí Điểm"
ISSUER = "Chủ tịch UBND tỉnh Thí Điểm"
DISTRICT = "huyện Mẫu Lâm"
COMMUNES = (
    ("thi-tran-mau-lam", "thị trấn Mẫu Lâm", "thị trấn"),
    ("xa-tung-lam", "xã Tùng Lâm", "xã"),
    ("xa-bach-lam", "xã Bách Lâm", "xã"),
    ("xa-truc-lam", "xã Trúc Lâm", "xã"),
    ("xa-mai-lam", "xã Mai Lâm", "xã"),
    ("xa-lien-lam", "xã Liên Lâm", "xã"),
    ("xa-cuc-lam", "xã Cúc Lâm", "xã"),
    ("xa-dao-lam", "xã Đào Lâm", "xã"),
    ("xa-lan-lam", "xã Lan Lâm", "xã"),
    ("xa-que-lam", "xã Quế Lâm", "xã"),
    ("xa-sen-lam", "xã Sen Lâm", "xã"),
    ("xa-thong-lam", "xã Thông Lâm", "xã"),
    ("xa-phong-lam", "xã Phong Lâm", "xã"),
    ("xa-van-lam", "xã Vân Lâm", "xã"),
    ("xa-son-lam", "xã Sơn Lâm", "xã"),
)

#: Fields whose procedures the district offices handled before the 2025 reform
#: (an illustrative assignment, documented in catalog/README.md).
DISTRICT_FIELDS = frozenset(
    {
        "hoat-dong-xay-dung",
        "quy-hoach-do-thi-va-nong-thon",
        "ha-tang-ky-thuat",
        "nha-o-va-cong-so",
        "quan-ly-chat-luong-cong-trinh-xay-dung",
        "ho-kinh-doanh",
        "luu-thong-hang-hoa-trong-nuoc",
        "phat-thanh-truyen-hinh-va-thong-tin-dien-tu",
        "an-toan-thuc-pham-va-dinh-duong",
        "dang-ky-bien-phap-bao-dam",
        "tai-nguyen-nuoc",
        "moi-truong",
        "giao-duc-trung-hoc",
        "tai-chinh-dat-dai",
        "quan-ly-cong-san",
        "van-hoa",
        "dia-chat-va-khoang-san",
    }
)
#: Fields posted at both levels (each level handles its own cases).
BOTH_FIELDS = frozenset(
    {
        "chung-thuc",
        "nguoi-co-cong",
        "bao-tro-xa-hoi",
        "dat-dai",
        "khieu-nai-to-cao",
        "thuy-loi",
        "nong-nghiep",
        "lam-nghiep",
        "giam-ngheo",
    }
)

_WORKING_DAYS = re.compile(r"^0*(\d+) [Nn]gày làm việc$")


@dataclass(frozen=True)
class Real:
    """One real procedure row."""

    code: str
    name: str
    field: Field
    level_text: str
    time_text: str
    fee_text: str
    agency: str
    source: str


@dataclass
class Plan:
    """Which (code, level) pairs play which part."""

    initial: list[tuple[str, str]] = field(default_factory=list)
    new_2017: list[tuple[str, str]] = field(default_factory=list)
    new_2018: list[tuple[str, str]] = field(default_factory=list)
    repealed_2017: list[tuple[str, str]] = field(default_factory=list)
    repealed_2018: list[tuple[str, str]] = field(default_factory=list)
    replaced_2018: list[tuple[tuple[str, str], tuple[str, str]]] = field(default_factory=list)
    new_2019: list[tuple[str, str]] = field(default_factory=list)
    repealed_2019: list[tuple[str, str]] = field(default_factory=list)
    replaced_2019: list[tuple[tuple[str, str], tuple[str, str]]] = field(default_factory=list)
    amended_2019: list[tuple[str, str]] = field(default_factory=list)
    time_amended_2019: dict[tuple[str, str], str] = field(default_factory=dict)
    cuts_2019: list[tuple[tuple[str, str], str]] = field(default_factory=list)


def read_real(data: Path) -> dict[str, Real]:
    """Read the real procedures, by code (the main file first, then the district file)."""
    found: dict[str, Real] = {}
    for name in ("real_procedures.csv", "real_procedures_district.csv"):
        with (data / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if not row["field"].strip() or row["code"] in found:
                    continue  # a procedure with no field cannot be filed under one
                found[row["code"]] = Real(
                    code=row["code"],
                    name=nfc(row["name"]),
                    field=Field.of(row["field"]),
                    level_text=row["level"],
                    time_text=nfc(row["processing_time_text"]),
                    fee_text=nfc(row["fee_text"]),
                    agency=nfc(row["agency"]),
                    source=row["source"],
                )
    return found


def read_details(data: Path) -> dict[str, dict[str, str]]:
    """Read the published content of the procedures from the national portal crawl."""
    details: dict[str, dict[str, str]] = {}
    with (data / "real_procedure_details.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            details[record["code"]] = record
    return details


def assign_levels(real: Real) -> tuple[str, ...]:
    """The example district's levels for a real procedure (illustrative, documented)."""
    level = fold(real.level_text)
    key = real.field.key
    if "huyen" in level:
        return ("district", "commune") if "xa" in level.split("huyen")[-1] else ("district",)
    if key in BOTH_FIELDS:
        return ("district", "commune")
    if key == "ho-tich" and "yeu to nuoc ngoai" in fold(real.name):
        return ("district",)
    if key == "thanh-lap-va-hoat-dong-cua-to-hop-tac-hop-tac-xa-lien-hiep-hop-tac-xa":
        return ("district",) if "hop tac xa" in fold(real.name) else ("commune",)
    if key in DISTRICT_FIELDS:
        return ("district",)
    return ("commune",)


def working_days(text: str) -> int | None:
    """The number of working days of a plain "N ngày làm việc" text, else None."""
    match = _WORKING_DAYS.match(text)
    return int(match.group(1)) if match else None


def cut_text(days: int) -> str:
    """The applied time written in a cut decision."""
    return f"{days:02d} ngày làm việc"


def make_plan(reals: dict[str, Real], details: dict[str, dict[str, str]]) -> Plan:
    """Give every (code, level) pair its part, deterministically."""
    rng = random.Random(SEED)
    pairs = sorted((code, lv) for code, real in reals.items() for lv in assign_levels(real))
    free = list(pairs)
    plan = Plan()

    def take(candidates: Iterable[tuple[str, str]], count: int) -> list[tuple[str, str]]:
        chosen = sorted(candidates)
        rng.shuffle(chosen)
        chosen = chosen[:count]
        if len(chosen) < count:
            raise SystemExit(f"not enough procedures for a part needing {count}")
        for pair in chosen:
            free.remove(pair)
        return sorted(chosen)

    # Cuts first: their fields and times are constrained.
    big = [
        p
        for p in free
        if p[1] == "district"
        and reals[p[0]].field.key in CUT_FIELDS
        and (working_days(reals[p[0]].time_text) or 0) >= 2
    ]
    by_field: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for p in big:
        by_field[reals[p[0]].field.key].append(p)
    cut_pairs: list[tuple[str, str]] = []
    for key in CUT_FIELDS:  # at least one in each field, the rest spread
        cut_pairs += take(by_field[key], 1)
    rest = [p for p in big if p in free]
    cut_pairs += take(rest, TARGET_CUTS - len(cut_pairs))
    for pair in sorted(cut_pairs):
        days = working_days(reals[pair[0]].time_text) or 0
        applied = days - max(1, -(-days * 20 // 100))  # at least 20 %, rounded up
        plan.cuts_2019.append((pair, cut_text(max(applied, 1))))
    small = [p for p in free if (working_days(reals[p[0]].time_text) or 0) >= 6]
    for pair in take(small, SMALL_CUTS):
        days = working_days(reals[pair[0]].time_text) or 0
        plan.cuts_2019.append((pair, cut_text(days - 1)))

    # Amendments that change the processing time: an earlier text for the same code
    # (the national portal's "Trực tiếp" cell) that differs from the kept one.
    earlier: dict[str, str] = {}
    for code, record in details.items():
        match = re.search(r"Trực tiếp(\d+ Ngày(?: làm việc)?)", record.get("channels_raw", ""))
        if match and code in reals and nfc(match.group(1)) != reals[code].time_text:
            earlier[code] = nfc(match.group(1))
    time_amended = take([p for p in free if p[0] in earlier and p[1] == "commune"], 3)
    for pair in time_amended:
        plan.time_amended_2019[pair] = earlier[pair[0]]
    with_details = [p for p in free if p[0] in details]
    plan.amended_2019 = time_amended + take(with_details, TARGET_AMENDED - len(time_amended))

    # Replacements pair two procedures of one level, preferably of one field.
    def replacements(count: int) -> list[tuple[tuple[str, str], tuple[str, str]]]:
        done: list[tuple[tuple[str, str], tuple[str, str]]] = []
        groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for p in free:
            groups[(p[1], reals[p[0]].field.key)].append(p)
        keys = sorted(k for k, v in groups.items() if len(v) >= 2)
        rng.shuffle(keys)
        for key in keys:
            members = [p for p in groups[key] if p in free]
            while len(members) >= 2 and len(done) < count:
                old, new = take(members, 2)
                done.append((old, new))
                members = [p for p in members if p in free]
            if len(done) == count:
                break
        if len(done) < count:
            raise SystemExit(f"not enough pairs for {count} replacements")
        return sorted(done)

    plan.replaced_2019 = replacements(TARGET_REPLACED)
    plan.replaced_2018 = replacements(PRE_REPLACED_2018)
    plan.repealed_2019 = take(free, TARGET_REPEALED)
    plan.new_2019 = take(free, TARGET_NEW)
    plan.repealed_2017 = take(free, PRE_REPEALED_2017)
    plan.repealed_2018 = take(free, PRE_REPEALED_2018)

    # In force on 1/1/2019: everything announced before 2019 and not removed.
    removed_before = len(plan.repealed_2017) + len(plan.repealed_2018) + len(plan.replaced_2018)
    successors_before = len(plan.replaced_2018)
    in_force = (
        len(cut_pairs)
        + SMALL_CUTS
        + len(plan.amended_2019)
        + len(plan.replaced_2019)
        + len(plan.repealed_2019)
        + successors_before
    )
    still_needed = TARGET_START_2019 - in_force
    if still_needed < 0 or still_needed > len(free):
        raise SystemExit(f"cannot reach {TARGET_START_2019} procedures in force ({still_needed})")
    stable = take(free, still_needed)
    later = stable[:: 9]  # some announced in 2017 and 2018 rather than 2016
    plan.new_2017 = later[::2]
    plan.new_2018 = later[1::2]
    first = {p for p in pairs if p not in free} - set(plan.new_2017) - set(plan.new_2018)
    first -= set(plan.new_2019)
    first -= {new for _, new in plan.replaced_2019}
    first -= {new for _, new in plan.replaced_2018}
    plan.initial = sorted(first)
    del removed_before
    return plan


# ---------------------------------------------------------------------------
# Building the decisions.


def content(real: Real) -> ProcedureContent:
    """The content of a procedure as first announced."""
    return ProcedureContent(
        name=real.name,
        field=real.field,
        agency=real.agency or None,
        processing_time=parse_processing_time(real.time_text),
        fees=parse_fee(real.fee_text),
    )


def group_entries(
    kind: EntryKind,
    pairs: Sequence[tuple[str, str]],
    make: callable,  # type: ignore[valid-type]
) -> list[Entry]:
    """One entry per code, with every level it has in *pairs* (áp dụng chung)."""
    levels: dict[str, list[str]] = defaultdict(list)
    for code, level in pairs:
        levels[code].append(level)
    entries = []
    for code in sorted(levels):
        entries.append(make(kind, code, tuple(sorted(levels[code], key=_level_order))))
    return entries


def _level_order(level: str) -> int:
    return {"province": 0, "district": 1, "commune": 2}[level]


def chunks(items: Sequence[object], parts: int) -> list[list[object]]:
    """Split *items* into *parts* nearly equal consecutive slices."""
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


class Numbers:
    """Illustrative decision numbers: increasing through each year, never repeated."""

    def __init__(self) -> None:
        self._rng = random.Random(SEED + " numbers")
        self._last: dict[int, int] = {}

    def next(self, day: date) -> str:
        last = self._last.get(day.year, 80 + self._rng.randrange(40))
        number = last + 40 + self._rng.randrange(260)
        self._last[day.year] = number
        return f"{number}/QĐ-UBND"


TITLE_LIST = (
    "Về việc công bố danh mục thủ tục hành chính {what} thuộc thẩm quyền giải quyết "
    "của {levels} trên địa bàn " + PROVINCE
)


def decision(
    numbers: Numbers,
    signed: date,
    what: str,
    entries: list[Entry],
    *,
    effective: date | None = None,
) -> Decision:
    """An illustrative decision of the provincial chairman."""
    levels = sorted({lv for e in entries for lv in e.levels}, key=_level_order)
    names = {"district": "UBND cấp huyện", "commune": "UBND cấp xã"}
    return Decision(
        number=numbers.next(signed),
        issuer=ISSUER,
        signed=signed,
        effective=effective or signed,
        title=TITLE_LIST.format(what=what, levels=", ".join(names[lv] for lv in levels)),
        signer="Chủ tịch UBND tỉnh",
        entries=tuple(entries),
    )


def build_decisions(
    plan: Plan, reals: dict[str, Real], details: dict[str, dict[str, str]]
) -> list[Decision]:
    """Turn the plan into decisions, 2016 to 2019."""
    numbers = Numbers()
    rng = random.Random(SEED + " services")
    out: list[Decision] = []

    def new_entry(kind: EntryKind, code: str, levels: tuple[str, ...]) -> Entry:
        real = reals[code]
        first = content(real)
        if any((code, lv) in plan.time_amended_2019 for lv in levels):
            earlier = plan.time_amended_2019[(code, "commune")]
            first = _evolve(first, processing_time=parse_processing_time(earlier))
        return Entry(kind=kind, code=code, levels=levels, content=first)

    def bare(kind: EntryKind, code: str, levels: tuple[str, ...]) -> Entry:
        return Entry(kind=kind, code=code, levels=levels)

    # 2016: the catalogue is announced field by field, in six decisions.
    initial = sorted(plan.initial, key=lambda p: (reals[p[0]].field.key, p))
    for index, part in enumerate(chunks(initial, 6)):
        pairs = [p for p in part if isinstance(p, tuple)]
        signed = date(2016, 3 + index * 1, 10 + index)
        entries = group_entries(EntryKind.NEW, pairs, new_entry)
        out.append(decision(numbers, signed, "chuẩn hóa", entries))

    # 2017: new procedures, repeals, and the first online and postal lists.
    out.append(
        decision(
            numbers,
            date(2017, 4, 12),
            "mới ban hành, bị bãi bỏ",
            group_entries(EntryKind.NEW, plan.new_2017, new_entry)
            + group_entries(EntryKind.REPEALED, plan.repealed_2017, bare),
        )
    )
    # 2018: new procedures, repeals, replacements.
    replaced_2018 = replacement_entries(plan.replaced_2018, reals)
    out.append(
        decision(
            numbers,
            date(2018, 5, 21),
            "mới ban hành, được thay thế, bị bãi bỏ",
            group_entries(EntryKind.NEW, plan.new_2018, new_entry)
            + replaced_2018
            + group_entries(EntryKind.REPEALED, plan.repealed_2018, bare),
        )
    )

    # Online services (level 3 and 4) and the public postal service, decided in 2017
    # and 2018 over what is in force at the end of 2018.
    removed_before_2019 = (
        set(plan.repealed_2017) | set(plan.repealed_2018) | {old for old, _ in plan.replaced_2018}
    )
    announced_before_2019 = (
        set(plan.initial)
        | set(plan.new_2017)
        | set(plan.new_2018)
        | {new for _, new in plan.replaced_2018}
    )
    end_2018 = sorted(announced_before_2019 - removed_before_2019)
    before_2018_services = [p for p in end_2018 if p not in set(plan.new_2018)]
    online_pool = sorted(end_2018)
    rng.shuffle(online_pool)
    online_2018 = online_pool[:TARGET_ONLINE_2018]
    first_wave = sorted(p for p in online_2018 if p in set(before_2018_services))[: 150]
    second_wave = sorted(set(online_2018) - set(first_wave))
    level_two = sorted(online_pool[TARGET_ONLINE_2018 : TARGET_ONLINE_2018 + 40])
    out.append(
        decision(
            numbers,
            date(2017, 9, 25),
            "cung cấp dịch vụ công trực tuyến mức độ 3, mức độ 4",
            service_entries(first_wave, rng, online=True),
        )
    )
    out.append(
        decision(
            numbers,
            date(2018, 10, 8),
            "cung cấp dịch vụ công trực tuyến mức độ 2, mức độ 3, mức độ 4",
            service_entries(second_wave, rng, online=True)
            + service_entries(level_two, rng, online=True, level=2),
        )
    )

    # 2019: the counted changes, in four decisions through the year.
    survivors = set(end_2018) - set(plan.repealed_2019) - {old for old, _ in plan.replaced_2019}
    removed_online = sum(
        1 for p in online_2018 if p in set(plan.repealed_2019) | {o for o, _ in plan.replaced_2019}
    )
    new_2019_all = set(plan.new_2019) | {new for _, new in plan.replaced_2019}
    end_2019 = sorted(survivors | new_2019_all)

    amended = [
        Entry(
            kind=EntryKind.AMENDED,
            code=code,
            levels=(level,),
            content=amendment(
                reals[code], details.get(code, {}), (code, level) in plan.time_amended_2019
            ),
        )
        for code, level in plan.amended_2019
    ]
    replaced = replacement_entries(plan.replaced_2019, reals)
    news = group_entries(EntryKind.NEW, plan.new_2019, new_entry)
    repeals = group_entries(EntryKind.REPEALED, plan.repealed_2019, bare)
    dates = (date(2019, 2, 20), date(2019, 4, 16), date(2019, 6, 24), date(2019, 8, 27))
    for index, signed in enumerate(dates):
        entries = (
            chunks(news, 4)[index]
            + chunks(amended, 4)[index]
            + chunks(replaced, 4)[index]
            + chunks(repeals, 4)[index]
        )
        out.append(
            decision(
                numbers,
                signed,
                "mới ban hành, được sửa đổi, bổ sung, được thay thế, bị bãi bỏ",
                [e for e in entries if isinstance(e, Entry)],
            )
        )

    # Cuts of the processing time (a provincial list, effective later in 2019).
    cuts = [
        Entry(
            kind=EntryKind.CUT,
            code=code,
            levels=(level,),
            applied_time=parse_processing_time(applied),
            note="Cắt giảm thời gian giải quyết so với quy định",
        )
        for (code, level), applied in plan.cuts_2019
    ]
    out.append(
        decision(
            numbers,
            date(2019, 9, 16),
            "được cắt giảm thời gian giải quyết so với quy định",
            cuts,
            effective=date(2019, 10, 1),
        )
    )

    # Online services at the end of 2019 and the postal list.
    still_online = [p for p in online_2018 if p in survivors]
    candidates = sorted(p for p in end_2019 if p not in set(still_online))
    rng.shuffle(candidates)
    grants = sorted(candidates[: TARGET_ONLINE_2019 - len(still_online)])
    del removed_online
    postal_pool = sorted(end_2019)
    rng.shuffle(postal_pool)
    postal_2019 = sorted(postal_pool[:TARGET_POSTAL_2019])
    early_postal = sorted(p for p in postal_2019 if p in set(before_2018_services))[:120]
    repealed_postal = sorted(p for p in plan.repealed_2019 if p in set(before_2018_services))[:6]
    late_postal = sorted(set(postal_2019) - set(early_postal))
    out.append(
        decision(
            numbers,
            date(2017, 11, 20),
            "tiếp nhận hồ sơ, trả kết quả qua dịch vụ bưu chính công ích",
            service_entries(sorted(early_postal + repealed_postal), rng, postal=True),
        )
    )
    out.append(
        decision(
            numbers,
            date(2019, 11, 12),
            "cung cấp dịch vụ công trực tuyến mức độ 3, mức độ 4",
            service_entries(grants, rng, online=True),
        )
    )
    out.append(
        decision(
            numbers,
            date(2019, 11, 25),
            "tiếp nhận hồ sơ, trả kết quả qua dịch vụ bưu chính công ích",
            service_entries(late_postal, rng, postal=True),
        )
    )
    # 2025: the district level ends on 30/6/2025 (two-tier reform). Procedures only the
    # district handled move to the communes; where the communes already handle the same
    # procedure, the district's copy is repealed.
    commune_codes = {code for code, lv in end_2019 if lv == "commune"}
    district_codes = sorted(code for code, lv in end_2019 if lv == "district")
    moved = [
        Entry(kind=EntryKind.TRANSFERRED, code=code, levels=("district",), to_levels=("commune",))
        for code in district_codes
        if code not in commune_codes
    ]
    dropped = [
        Entry(
            kind=EntryKind.REPEALED,
            code=code,
            levels=("district",),
            note="Cấp huyện kết thúc hoạt động; thủ tục tiếp tục thực hiện tại cấp xã",
        )
        for code in district_codes
        if code in commune_codes
    ]
    out.append(
        decision(
            numbers,
            date(2025, 6, 27),
            "chuyển từ cấp huyện sang cấp xã thực hiện khi tổ chức chính quyền địa phương hai cấp",
            moved + dropped,
            effective=date(2025, 7, 1),
        )
    )
    return sorted(out, key=lambda d: (d.effective, d.signed, d.number))


def replacement_entries(
    pairs: Sequence[tuple[tuple[str, str], tuple[str, str]]], reals: dict[str, Real]
) -> list[Entry]:
    """Entries replacing each old (code, level) by its successor, announced with its content."""
    return [
        Entry(
            kind=EntryKind.REPLACED,
            code=old[0],
            levels=(old[1],),
            successor=new[0],
            content=content(reals[new[0]]),
        )
        for old, new in pairs
    ]


def service_entries(
    pairs: Sequence[tuple[str, str]],
    rng: random.Random,
    *,
    online: bool = False,
    postal: bool = False,
    level: int | None = None,
) -> list[Entry]:
    """Entries granting online (level 3 or 4, or *level*) or postal service to *pairs*."""
    entries = []
    for code, lv in sorted(pairs):
        entries.append(
            Entry(
                kind=EntryKind.SERVICE,
                code=code,
                levels=(lv,),
                online=OnlineService(level=level or rng.choice((3, 3, 4))) if online else None,
                postal=PostalService(receive=True, deliver=True) if postal else None,
            )
        )
    return entries


def amendment(real: Real, detail: dict[str, str], time_changed: bool) -> ProcedureContent:
    """What a 2019 amendment changes, with the texts published for the same code."""
    applicants = nfc(detail.get("applicants", "")) or None
    result = nfc(detail.get("result_raw", "")) or None
    return ProcedureContent(
        processing_time=parse_processing_time(real.time_text) if time_changed else None,
        applicants=applicants,
        result=result,
    )


def _evolve(c: ProcedureContent, **changes: object) -> ProcedureContent:
    import attrs

    return attrs.evolve(c, **changes)


def build_unit() -> Unit:
    """The illustrative district, its desk and its commune desks."""
    hours = OfficeHours(
        morning_start=time(7, 30),
        morning_end=time(11, 30),
        afternoon_start=time(13, 30),
        afternoon_end=time(17, 30),
    )
    district_desk = Desk(
        id="huyen",
        name=f"Bộ phận Một cửa UBND {DISTRICT}",
        level="district",
        kind="huyện",
        opened=date(2016, 1, 1),
        closed=date(2025, 6, 30),
        feedback=FeedbackAddress(
            body=f"Văn phòng HĐND và UBND {DISTRICT}",
            address=f"Số 1 đường Trung Tâm, thị trấn Mẫu Lâm, {DISTRICT}, {PROVINCE}",
            phone="0200 3800 100",
            email="vanphong@maulam.example.vn",
            portal="https://dichvucong.gov.vn",
        ),
        saturday_morning=True,
        hours=hours,
        cutoff=time(16, 30),
    )
    desks = [district_desk]
    for index, (ident, name, kind) in enumerate(COMMUNES, start=1):
        desks.append(
            Desk(
                id=ident,
                name=f"Bộ phận Một cửa UBND {name}",
                level="commune",
                kind=kind,
                opened=date(2016, 1, 1),
                feedback=FeedbackAddress(
                    body=f"UBND {name}",
                    address=f"Trụ sở UBND {name}, {DISTRICT}, {PROVINCE}",
                    phone=f"0200 3800 {200 + index:03d}",
                    email=f"{ident}@maulam.example.vn",
                ),
                hours=hours,
            )
        )
    return Unit(
        name=DISTRICT,
        province=PROVINCE,
        kind="huyện",
        desks=tuple(desks),
        calendar=(
            DayOverride(
                day=date(2019, 9, 3),
                kind="off",
                reason="Illustrative: a local day off decided by the district (example only)",
            ),
        ),
        note="An illustrative district; see README.md in this folder.",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Build the example catalogue; return 0, or 1 when a target is not met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="the real data folder (tests/data/real)"
    )
    parser.add_argument("--out", type=Path, default=REPO / "catalog", help="the catalogue folder")
    args = parser.parse_args(argv)
    reals = read_real(args.data)
    details = read_details(args.data)
    plan = make_plan(reals, details)
    decisions = build_decisions(plan, reals, details)
    write_catalog(build_unit(), decisions, args.out, force=True)
    (args.out / "sectors.csv").write_text(SECTORS_OVERRIDE, encoding="utf-8")
    return check(args.out)


def check(folder: Path) -> int:
    """Replay the written catalogue and compare what the library computes with the targets."""
    from decimal import Decimal

    from tthc.proctime import cut_fraction

    catalog = load_catalog(folder)
    start = catalog.as_of(date(2019, 1, 1)).entries()
    end = catalog.as_of(date(2019, 12, 31)).entries()
    end_2018 = catalog.as_of(date(2018, 12, 31)).entries()
    changes = catalog.changes(date(2019, 1, 1), date(2019, 12, 31)).per_level
    cuts = [
        e
        for e in end
        if e.applied_time is not None
        and (cut_fraction(e.procedure.processing_time, e.applied_time) or 0) >= Decimal("0.2")
    ]
    figures = {
        "in force 1/1/2019": (len(start), TARGET_START_2019),
        "in force 31/12/2019": (len(end), TARGET_START_2019 + TARGET_NEW - TARGET_REPEALED),
        "new": (changes[EntryKind.NEW], TARGET_NEW),
        "amended": (changes[EntryKind.AMENDED], TARGET_AMENDED),
        "replaced": (changes[EntryKind.REPLACED], TARGET_REPLACED),
        "repealed": (changes[EntryKind.REPEALED], TARGET_REPEALED),
        "cuts >= 20%": (len(cuts), TARGET_CUTS),
        "cut fields": (len({e.procedure.field.key for e in cuts}), len(CUT_FIELDS)),
        "online 3-4, 2018": (
            sum(1 for e in end_2018 if e.online and e.online.is_level_3_or_4),
            TARGET_ONLINE_2018,
        ),
        "online 3-4, 2019": (
            sum(1 for e in end if e.online and e.online.is_level_3_or_4),
            TARGET_ONLINE_2019,
        ),
        "postal, 2019": (sum(1 for e in end if e.postal.any), TARGET_POSTAL_2019),
        "warnings": (len(catalog.warnings), 0),
    }
    bad = {name: pair for name, pair in figures.items() if pair[0] != pair[1]}
    for name, (got, want) in figures.items():
        print(f"{name:>20}: {got}" + ("" if got == want else f"  (target {want})"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
