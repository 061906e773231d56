"""Helpers to build small catalogues in tests: records, folders, and the real QĐ 1766/2020.

The builders keep tests short (``new("1.000001", "district", name=...)``);
:func:`decision_1766` expresses the real Bình Thuận decision 1766/QĐ-UBND of
03/8/2020 in the catalogue format, from the rows of
``tests/data/real/decision_appendix_extracts.csv`` as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from tthc import codes
from tthc._serde import structure
from tthc.catalog import write_catalog
from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
from tthc.desk import Desk, FeedbackAddress, Unit
from tthc.fees import Fee
from tthc.procedure import Field, Level, OnlineService, PostalService
from tthc.proctime import ProcessingTime
from tthc.text import fold

DATA = Path(__file__).resolve().parent / "data" / "real"
ISSUER = "Chủ tịch UBND tỉnh Mẫu"


# --------------------------------------------------------------------------- records


def ptime(text: str) -> ProcessingTime:
    """A processing time read as the catalogue loader reads it."""
    value = structure({"processing_time": text}, ProcedureContent, "test").processing_time
    assert value is not None
    return value


def fee(text: str) -> Fee:
    """A fee read as the catalogue loader reads it."""
    value = structure({"fees": text}, ProcedureContent, "test").fees
    assert value is not None
    return value


def content(
    name: str | None = None,
    field: str | None = None,
    *,
    processing_time: str | None = None,
    fees: str | None = None,
    **other: Any,
) -> ProcedureContent:
    """Procedure content from plain values (texts parsed as the loader does)."""
    return ProcedureContent(
        name=name,
        field=Field.of(field) if field else None,
        processing_time=ptime(processing_time) if processing_time is not None else None,
        fees=fee(fees) if fees is not None else None,
        **other,
    )


def new(
    code: str, *levels: str, name: str = "Thủ tục mẫu", field: str = "Hộ tịch", **other: Any
) -> Entry:
    """A 'new' entry announcing *code* at *levels* (default: district)."""
    return Entry(
        kind=EntryKind.NEW,
        code=code,
        levels=levels or ("district",),
        content=content(name, field, **other),
    )


def amended(code: str, *levels: str, applied_time: str | None = None, **other: Any) -> Entry:
    """An 'amended' entry changing the components given."""
    return Entry(
        kind=EntryKind.AMENDED,
        code=code,
        levels=levels or ("district",),
        content=content(**other) if other else None,
        applied_time=ptime(applied_time) if applied_time else None,
    )


def repealed(code: str, *levels: str) -> Entry:
    """A 'repealed' entry."""
    return Entry(kind=EntryKind.REPEALED, code=code, levels=levels or ("district",))


def replaced(
    code: str,
    successor: str,
    *levels: str,
    name: str = "Thủ tục thay thế",
    field: str = "Hộ tịch",
    **other: Any,
) -> Entry:
    """A 'replaced' entry: *successor* takes the place of *code*."""
    return Entry(
        kind=EntryKind.REPLACED,
        code=code,
        levels=levels or ("district",),
        successor=successor,
        content=content(name, field, **other),
    )


def transferred(code: str, levels: Iterable[str], to_levels: Iterable[str]) -> Entry:
    """A 'transferred' entry moving *code* from *levels* to *to_levels*."""
    return Entry(
        kind=EntryKind.TRANSFERRED, code=code, levels=tuple(levels), to_levels=tuple(to_levels)
    )


def cut(code: str, *levels: str, applied: str = "02 ngày làm việc") -> Entry:
    """A 'cut' entry recording a locally applied processing time."""
    return Entry(
        kind=EntryKind.CUT, code=code, levels=levels or ("district",), applied_time=ptime(applied)
    )


def service(
    code: str, *levels: str, online: str | None = None, postal: PostalService | None = None
) -> Entry:
    """A 'service' entry changing online and/or postal service."""
    return Entry(
        kind=EntryKind.SERVICE,
        code=code,
        levels=levels or ("district",),
        online=OnlineService.parse(online) if online else None,
        postal=postal,
    )


def decision(
    number: str,
    effective: date,
    *entries: Entry,
    signed: date | None = None,
    issuer: str = ISSUER,
    **other: Any,
) -> Decision:
    """A decision effective on *effective* (signed the same day unless given)."""
    return Decision(
        number=number,
        issuer=issuer,
        signed=signed or effective,
        effective=effective,
        entries=entries,
        **other,
    )


def unit(*desks: Desk) -> Unit:
    """A district with its desk (closed 30/6/2025) and two communes, unless *desks* are given."""
    return Unit(
        name="Huyện Mẫu",
        province="Tỉnh Mẫu",
        desks=desks
        or (
            Desk(
                id="huyen",
                name="Bộ phận Một cửa huyện Mẫu",
                level="district",
                opened=date(2016, 1, 1),
                closed=date(2025, 6, 30),
                feedback=FeedbackAddress(
                    body="UBND huyện Mẫu",
                    address="1 Đường Chính",
                    phone="0252 3800 000",
                    email="ubnd@mau.gov.vn",
                ),
            ),
            Desk(
                id="xa-a",
                name="UBND xã A",
                level="commune",
                opened=date(2016, 1, 1),
                closed=date(2025, 6, 30),
            ),
            Desk(
                id="xa-b",
                name="UBND xã B",
                level="commune",
                opened=date(2016, 1, 1),
                closed=date(2025, 6, 30),
            ),
            Desk(
                id="xa-ab", name="UBND xã AB (sáp nhập)", level="commune", opened=date(2025, 7, 1)
            ),
        ),
    )


# --------------------------------------------------------------------------- folders


def write_folder(root: Path, the_unit: Unit, decisions: Iterable[Decision]) -> Path:
    """Write a catalogue folder with the library's writer; return it."""
    write_catalog((the_unit, list(decisions)), root)
    return root


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """Write raw files (relative path → text) under *root*; return *root*."""
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def folder_bytes(root: Path) -> dict[str, bytes]:
    """Every file under *root*, relative path → bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# --------------------------------------------------------------------------- QĐ 1766/QĐ-UBND


def rows_1766() -> list[dict[str, str]]:
    """The 71 rows of Bình Thuận 1766/QĐ-UBND (03/8/2020), as they are in the CSV."""
    with (DATA / "decision_appendix_extracts.csv").open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["decision_no"] == "1766/QĐ-UBND"]


_LEVEL_PHRASE = re.compile(r"\bcap (tinh|huyen|xa)\b")


def heading_levels(text: str) -> tuple[str, ...]:
    """The levels a group heading or note names.

    ``Level.parse_many`` reads lists of levels ("Cấp huyện, Cấp xã"); appendix
    headings embed them in a sentence ("Thủ tục hành chính dùng chung cho cấp
    tỉnh và cấp huyện (09 TTHC)"), so each "cấp …" phrase is read with
    ``Level.parse``. "Áp dụng chung" means the district and commune levels
    (data README, ``real_procedures.csv``).
    """
    folded = fold(text)
    found = Level.parse_many(text)
    if not found:
        found = tuple(dict.fromkeys(Level.parse(match) for match in _LEVEL_PHRASE.findall(folded)))
    if not found and "ap dung chung" in folded:
        found = (Level.get("district"), Level.get("commune"))
    return tuple(level.key for level in found)


def row_levels(row: Mapping[str, str]) -> tuple[str, ...]:
    """The levels of a row: from its group heading; for the repealed rows (no heading),
    from the note ("TTHC cấp tỉnh và TTHC bị bãi bỏ tại …"), whose first phrase names it."""
    if row["level_group_raw"]:
        return heading_levels(row["level_group_raw"])
    return heading_levels(row["note_raw"])[:1]


def _postal(raw: str) -> PostalService | None:
    folded = fold(raw)
    if folded == "co":
        return PostalService(receive=True, deliver=True)
    if folded == "khong":
        return PostalService()
    return None


def row_entry_data(row: Mapping[str, str]) -> dict[str, Any]:
    """The entry of one CSV row as plain TOML data: the row's values, unchanged."""
    kind = row["change_type"]
    data: dict[str, Any] = {"kind": kind, "code": row["code"], "levels": list(row_levels(row))}
    if kind == "amended":
        item: dict[str, Any] = {"name": row["name"], "field": row["field_group_raw"]}
        for key, column in (
            ("agency", "place_agency_raw"),
            ("processing_time", "processing_time_text"),
            ("fees", "fee_text"),
            ("online", "online_level_raw"),
        ):
            if row[column]:
                item[key] = row[column]
        if row["legal_basis_raw"]:
            item["legal_basis"] = [row["legal_basis_raw"]]
        postal = _postal(row["bcci_raw"])
        if postal is not None:
            item["postal"] = {"receive": postal.receive, "deliver": postal.deliver}
        data["content"] = item
    note = " ".join(
        part for part in (f"STT {row['stt']}" if row["stt"] else "", row["note_raw"]) if part
    )
    if note:
        data["note"] = note
    return data


def decision_1766_data(rows: Iterable[Mapping[str, str]] | None = None) -> dict[str, Any]:
    """QĐ 1766/QĐ-UBND as TOML data, one entry per row (rows without a code included)."""
    rows = list(rows if rows is not None else rows_1766())
    return {
        "number": "1766/QĐ-UBND",
        "issuer": rows[0]["issuer"],
        "signed": date.fromisoformat(rows[0]["decision_date"]),
        "effective": date.fromisoformat(rows[0]["decision_date"]),
        "title": "Công bố danh mục thủ tục hành chính sửa đổi, bổ sung và bị bãi bỏ "
        "ngành Tư pháp tỉnh Bình Thuận",
        "entries": [row_entry_data(row) for row in rows],
    }


def has_code(row: Mapping[str, str]) -> bool:
    """True when the row carries a national code (two rows of 1766 do not)."""
    return bool(re.fullmatch(r"\d\.\d{6}", row["code"]))


#: The signing date of QĐ 1766 and of the test baseline before it.
SIGNED_1766 = date(2020, 8, 3)
BASELINE_NUMBER, BASELINE_SIGNED = "1/QĐ-BASELINE", date(2019, 1, 2)


def codeless_data(row: Mapping[str, str], place: int, number: str, signed: date) -> dict[str, Any]:
    """The entry of a row without a code, as an import writes it: local id and name."""
    data = row_entry_data({**row, "code": ""})
    data["code"] = codes.local_id(number, signed, place)
    data["name"] = row["name"]
    return data


def decision_1766() -> tuple[Decision, list[dict[str, str]]]:
    """QĐ 1766 as a :class:`Decision` (every row; those without a code by local id and
    name, as the importer writes them), and the rows without a national code."""
    rows = rows_1766()
    entries = [
        row_entry_data(row) if has_code(row)
        else codeless_data(row, place, "1766/QĐ-UBND", SIGNED_1766)
        for place, row in enumerate(rows, 1)
    ]
    data = {**decision_1766_data(rows[:1]), "entries": entries}
    return structure(data, Decision, "1766"), [row for row in rows if not has_code(row)]


def baseline_id(name: str) -> str:
    """The local id the baseline gives the procedure of 1766 named *name* (no code)."""
    place = next(i for i, row in enumerate(rows_1766(), 1) if row["name"] == name)
    return codes.local_id(BASELINE_NUMBER, BASELINE_SIGNED, place)


def baseline_1766(skip: Iterable[str] = ()) -> Decision:
    """A baseline decision (before 1766) announcing every procedure of 1766
    at the levels 1766 names, with the row's name and field; a procedure
    without a code under the baseline's local id of its row."""
    skipped = set(skip)
    entries = []
    for place, row in enumerate(rows_1766(), 1):
        code = row["code"] if has_code(row) else codes.local_id(
            BASELINE_NUMBER, BASELINE_SIGNED, place)
        if code in skipped:
            continue
        entries.append(
            Entry(
                kind=EntryKind.NEW,
                code=code,
                levels=row_levels(row),
                content=ProcedureContent(name=row["name"], field=Field.of(row["field_group_raw"])),
            )
        )
    return Decision(
        number=BASELINE_NUMBER,
        issuer="Bộ dữ liệu kiểm thử (baseline)",
        signed=BASELINE_SIGNED,
        effective=BASELINE_SIGNED,
        entries=tuple(entries),
    )
