"""Dossier timeliness: due dates, early / on time / late, and the rates.

A dossier log (CSV, XLSX, XLS or ODS; one row per dossier: id, procedure code, desk,
channel, received, finished, returned, an optional re-set date and status)
is checked against the catalogue: each dossier's appointment is computed
from the processing time applied at the desk's level on the day of receipt
(the cut time if a cut is in force, else the statutory one) on the desk's
calendar, and the dossier is classified (domain.md §7.4–7.6):

>>> from tthc.catalog import load_catalog, resolve_catalog_path
>>> catalog = load_catalog(resolve_catalog_path())
>>> log = (
...     "Mã hồ sơ,Mã TTHC,Nơi tiếp nhận,Kênh,Ngày nhận,Ngày hoàn thành\\n"
...     "HS-1,2.000908,xa-tung-lam,Trực tiếp,2019-03-04 09:15,2019-03-05 10:00\\n"
...     "HS-2,2.000908,xa-tung-lam,Trực tiếp,2019-03-04 17:45,2019-03-07 08:00\\n"
...     "HS-3,2.000908,xa-tung-lam,Trực tuyến,2019-12-30 10:00,\\n"
... )
>>> report = check_dossiers(catalog, parse_dossier_log(log, source="log.csv"),
...                         as_of=datetime(2019, 12, 31, 17, 0))
>>> for d in report.dossiers:
...     print(d.id, f"{d.due:%d/%m/%Y %H:%M}", d.outcome.value)
HS-1 05/03/2019 17:30 on_time
HS-2 06/03/2019 17:30 late
HS-3 31/12/2019 17:30 due_soon
>>> rates = report.rates()[0]
>>> rates.finished, rates.to_handle, format_percent(rates.on_time_of_finished)
(2, 3, '50.00%')

Conventions (each a parameter where practice varies):

- The appointment is the due moment of :meth:`tthc.workdays.WorkCalendar.due`
  on the desk's calendar (:meth:`~tthc.workdays.WorkCalendar.for_desk`
  with the unit's days off): the day of receipt is not counted, a receipt
  after closing time or the cut-off counts from the next working day.
- ``comparison="date"`` (the default, domain.md §7.6): early when finished
  on a date before the appointment date, on time on that date, late after
  it. ``"datetime"``: late when finished after the due moment (closing time
  of the last day), early when on an earlier date.
- A dossier is finished when it has a ``finished_at`` (else a
  ``returned_at``) no later than ``as_of``; otherwise it is pending at
  ``as_of``: overdue past its appointment, due soon within
  ``due_soon_days`` working days of it, else not due.
- A dossier whose date was re-set after an apology (Mẫu 04, at most once,
  NĐ 61/2018, domain.md §7.4) is still judged against the original
  appointment; both dates are kept.
- Withdrawn and returned dossiers are counted apart and, unless
  ``include_withdrawn``, left out of both denominators.
- Every row is accounted for: a row that cannot be classified is
  ``UNCOMPUTABLE`` and its reason is in :attr:`DossierReport.problems`
  with the row number.
"""

from __future__ import annotations

import bisect
import csv
import enum
import io
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import attrs

from tthc import codes
from tthc.cuts import format_percent
from tthc.errors import InputError, Problem, TthcError, UnknownProcedure
from tthc.procedure import Field, Level
from tthc.proctime import Channel, ProcessingTime, TimeUnit
from tthc.text import fold, nfc
from tthc.workdays import VIETNAM_TZ, Due, WorkCalendar

if TYPE_CHECKING:  # pragma: no cover
    from tthc.catalog import Catalog, InForce
    from tthc.desk import Desk
    from tthc.lifecycle import Version

__all__ = [
    "COLUMNS",
    "Appointment",
    "Comparison",
    "DeskNotOpen",
    "Dossier",
    "DossierLog",
    "DossierReport",
    "Outcome",
    "Rates",
    "appointment",
    "check_dossiers",
    "format_percent",
    "parse_dossier_log",
    "parse_timestamp",
    "read_dossier_log",
]


class Outcome(enum.Enum):
    """The class of a dossier (domain.md §7.6)."""

    #: Finished before the appointment date (trước hạn).
    EARLY = "early"
    #: Finished on the appointment date (đúng hạn).
    ON_TIME = "on_time"
    #: Finished after the appointment (trễ hạn), even if a new date was set.
    LATE = "late"
    #: Pending, the appointment not near (chưa đến hạn).
    NOT_DUE = "not_due"
    #: Pending, the appointment within the due-soon window (sắp đến hạn).
    DUE_SOON = "due_soon"
    #: Pending and past the appointment (quá hạn).
    OVERDUE = "overdue"
    #: Withdrawn by the applicant (rút hồ sơ).
    WITHDRAWN = "withdrawn"
    #: Returned without being settled (trả lại hồ sơ, từ chối).
    RETURNED = "returned"
    #: Received after the as-of moment: not yet part of the figures.
    NOT_RECEIVED = "not_received"
    #: No appointment could be computed or the row is unreadable (see the problems).
    UNCOMPUTABLE = "uncomputable"

    @property
    def label_vi(self) -> str:
        """The Vietnamese name used in statistics."""
        return _LABELS_VI[self]


_LABELS_VI = {
    Outcome.EARLY: "trước hạn",
    Outcome.ON_TIME: "đúng hạn",
    Outcome.LATE: "trễ hạn",
    Outcome.NOT_DUE: "chưa đến hạn",
    Outcome.DUE_SOON: "sắp đến hạn",
    Outcome.OVERDUE: "quá hạn",
    Outcome.WITHDRAWN: "rút hồ sơ",
    Outcome.RETURNED: "trả lại",
    Outcome.NOT_RECEIVED: "nhận sau thời điểm tính",
    Outcome.UNCOMPUTABLE: "không tính được",
}
_FINISHED = (Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE)
_PENDING = (Outcome.NOT_DUE, Outcome.DUE_SOON, Outcome.OVERDUE)


class Comparison(enum.Enum):
    """How a finish is compared with the appointment."""

    #: Compare dates (the library rule of domain.md §7.6).
    DATE = "date"
    #: Compare moments: finished after the due moment is late.
    DATETIME = "datetime"


# --------------------------------------------------------------------------- the log

#: The columns of a dossier log and the header spellings read for each
#: (compared folded: case, accents and punctuation ignored).
COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "id": ("ma ho so", "so ho so", "ma hs", "so hs", "ma bien nhan", "so bien nhan",
               "dossier id", "dossier", "dossier code", "dossier no", "id"),
        "code": ("ma tthc", "ma thu tuc", "ma thu tuc hanh chinh", "ma so tthc", "ma so thu tuc",
                 "procedure code", "procedure", "procedure id", "code"),
        "desk": ("noi tiep nhan", "bo phan tiep nhan", "bo phan mot cua", "don vi",
                 "don vi tiep nhan", "co quan tiep nhan", "ma don vi", "desk", "desk id", "office"),
        "channel": ("kenh", "kenh tiep nhan", "kenh nop", "hinh thuc nop", "hinh thuc tiep nhan",
                    "hinh thuc", "channel"),
        "received": ("ngay nhan", "ngay tiep nhan", "thoi gian tiep nhan", "ngay gio tiep nhan",
                     "ngay nhan ho so", "thoi diem tiep nhan", "received", "received at",
                     "received on", "date received"),
        "due": ("ngay hen tra", "ngay hen tra ket qua", "ngay hen", "han xu ly",
                "han giai quyet", "due", "due at", "due date", "appointment"),
        "finished": ("ngay hoan thanh", "ngay xu ly xong", "ngay co ket qua", "ngay giai quyet",
                     "thoi gian hoan thanh", "ngay hoan thanh xu ly", "finished", "finished at",
                     "completed", "completed at"),
        "returned": ("ngay tra", "ngay tra ket qua", "thoi gian tra ket qua", "ngay tra kq",
                     "returned", "returned at", "delivered", "delivered at"),
        "reappointed": ("ngay hen lai", "ngay hen tra lai", "hen lai", "ngay hen moi",
                        "reappointed", "reappointed at", "new due", "new due date",
                        "rescheduled"),
        "status": ("trang thai", "tinh trang", "status"),
    }
)
_REQUIRED = ("code", "received")
_HEADER_SCAN = 20
_NON_WORD = re.compile(r"[^0-9a-z]+")
_HEADER_KEYS = {key: role for role, keys in COLUMNS.items() for key in keys}

Cell = str | datetime | date | int | float | None


def _header_key(text: object) -> str:
    if text is None:
        return ""
    return _NON_WORD.sub(" ", fold(str(text))).strip()


@attrs.frozen(kw_only=True)
class DossierLog:
    """A dossier log as read: the column mapping and the raw rows.

    Attributes:
        source: the file name (or the name given), used in messages.
        format: ``"csv"`` or ``"xlsx"``.
        encoding: the text encoding of a CSV file.
        header_row: the row number of the header (1 = the first row).
        headers: the header cells as written.
        columns: for each column role found (:data:`COLUMNS`), its index.
        ignored: the headers that name no known column.
        rows: ``(row number, cells)`` of each non-blank data row.
        blank_rows: the number of blank rows skipped.
    """

    source: str
    format: str
    encoding: str | None
    header_row: int
    headers: tuple[str, ...]
    columns: Mapping[str, int]
    ignored: tuple[str, ...]
    rows: Sequence[tuple[int, Sequence[Cell]]] = attrs.field(repr=False)
    blank_rows: int = 0


def _unusable(source: str, message: str, path: str = "") -> InputError:
    problem = Problem(source=source, path=path, message=message, code="unusable-log")
    return InputError([problem], f"{source}: {message}")


def _find_header(
    rows: Iterator[tuple[int, Sequence[Cell]]], source: str
) -> tuple[int, tuple[str, ...], dict[str, int], tuple[str, ...]]:
    first_seen: tuple[str, ...] | None = None
    for number, cells in rows:
        keys = [_header_key(c) for c in cells]
        if first_seen is None and any(keys):
            first_seen = tuple(nfc(str(c)) for c in cells if c not in (None, ""))
        roles: dict[str, int] = {}
        ignored: list[str] = []
        for index, key in enumerate(keys):
            role = _HEADER_KEYS.get(key)
            if role is None:
                if key:
                    ignored.append(nfc(str(cells[index])))
                continue
            if role in roles:
                raise _unusable(
                    source,
                    f"two columns for {role!r}: {nfc(str(cells[roles[role]]))!r} and "
                    f"{nfc(str(cells[index]))!r}",
                    f"row {number}",
                )
            roles[role] = index
        if all(role in roles for role in _REQUIRED):
            headers = tuple("" if c is None else nfc(str(c)) for c in cells)
            return number, headers, roles, tuple(ignored)
        if number >= _HEADER_SCAN:
            break
    seen = ", ".join(repr(h) for h in (first_seen or ())[:12]) or "nothing"
    raise _unusable(
        source,
        f"no header row with a procedure-code column (mã TTHC) and a receipt column "
        f"(ngày nhận) in the first {_HEADER_SCAN} rows; found {seen}",
    )


def _build_log(
    rows: Iterator[tuple[int, Sequence[Cell]]], source: str, fmt: str, encoding: str | None
) -> DossierLog:
    rows = _limited(rows, source)
    number, headers, roles, ignored = _find_header(rows, source)
    kept: list[tuple[int, Sequence[Cell]]] = []
    blank = 0
    for row_number, cells in rows:
        if not any(c not in (None, "") and not (isinstance(c, str) and not c.strip())
                   for c in cells):
            blank += 1
            continue
        kept.append((row_number, cells))
    return DossierLog(
        source=source, format=fmt, encoding=encoding, header_row=number, headers=headers,
        columns=MappingProxyType(roles), ignored=ignored, rows=kept, blank_rows=blank,
    )


def _limited(
    rows: Iterator[tuple[int, Sequence[Cell]]], source: str
) -> Iterator[tuple[int, Sequence[Cell]]]:
    """*rows*, stopped with :class:`~tthc.errors.LimitExceeded` past ``TTHC_MAX_ROWS`` rows
    or at a cell longer than ``TTHC_MAX_CELL_CHARS`` characters."""
    from tthc._io import input_limit, limit_exceeded

    max_rows = input_limit("TTHC_MAX_ROWS")
    max_chars = input_limit("TTHC_MAX_CELL_CHARS")
    for number, cells in rows:
        if number > max_rows:
            raise limit_exceeded(source, f"more than {max_rows:,} rows (TTHC_MAX_ROWS)",
                                 path=f"row {number}")
        try:  # a quick bound for rows of texts (CSV): no cell is longer than all together
            short = sum(map(len, cells)) <= max_chars  # type: ignore[arg-type]
        except TypeError:  # a workbook row with numbers, dates or blanks
            short = False
        if short:
            yield number, cells
            continue
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > max_chars:
                raise limit_exceeded(
                    source, f"a cell of {len(cell):,} characters, over the limit of "
                    f"{max_chars:,} (TTHC_MAX_CELL_CHARS)",
                    path=f"row {number}, column {index + 1}")
        yield number, cells


def parse_dossier_log(text: str, *, source: str = "<text>") -> DossierLog:
    """Read a dossier log from CSV text (comma, semicolon or tab separated).

    Raises:
        InputError: no header row with the required columns, or bad CSV.
    """
    if not text.strip():
        raise _unusable(source, "the file is empty")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered() -> Iterator[tuple[int, Sequence[Cell]]]:
        try:
            yield from enumerate(reader, start=1)
        except csv.Error as exc:
            raise _unusable(source, f"not readable as CSV: {exc}", f"row {reader.line_num}") \
                from None

    return _build_log(numbered(), source, "csv", None)


def read_dossier_log(path: str | os.PathLike[str]) -> DossierLog:
    """Read a dossier log file: CSV (UTF-8 or a Windows code page), XLSX, XLS or ODS.

    The format is told by the content, not the name. In a workbook, the first
    sheet with a header row is read; the header may follow title rows. XLSX
    is read by openpyxl; Excel 97-2003 (.xls) and OpenDocument (.ods)
    workbooks, which one-stop software still exports, by python-calamine.

    Raises:
        InputError: the file is empty, binary, a damaged workbook, not a
            workbook, or has no header row with the required columns.
        LimitExceeded: the file, the workbook unpacked, its rows or a cell
            exceed the limits (``TTHC_MAX_BYTES``, ``TTHC_MAX_ROWS``,
            ``TTHC_MAX_CELL_CHARS``: :data:`tthc._io.LIMITS`).
        OSError: the file cannot be read.
    """
    from tthc._io import check_file_size

    source = os.fspath(path)
    check_file_size(source)
    data = Path(source).read_bytes()
    if not data.strip():
        raise _unusable(source, "the file is empty")
    if data.startswith(b"PK\x03\x04"):
        from tthc._io import opendocument_type

        if opendocument_type(source) == "spreadsheet":
            return _read_calamine(source, "ods")
        return _read_xlsx(source)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if "Workbook".encode("utf-16-le") not in data and "Book".encode("utf-16-le") not in data:
            raise _unusable(source, "an old binary Office file (OLE) that is no Excel 97-2003 "
                            "workbook (a Word .doc?)")
        return _read_calamine(source, "xls")
    from tthc.legacy import decode_bytes

    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _unusable(source, "a binary file, not a CSV text or an XLSX workbook")
    text, encoding = decode_bytes(data)
    log = parse_dossier_log(text, source=source)
    return attrs.evolve(log, encoding=encoding)


def _read_calamine(source: str, fmt: str) -> DossierLog:
    """An XLS or ODS log (*fmt*), read with python-calamine: cell values, cached results."""
    from python_calamine import CalamineWorkbook  # heavy: imported on use

    from tthc._io import input_limit

    kind = "an Excel 97-2003 (XLS)" if fmt == "xls" else "an OpenDocument (ODS)"
    if fmt == "ods":
        from tthc._io import check_archive

        check_archive(source, damaged=lambda reason: _unusable(
            source, f"not a readable ODS workbook ({reason})"))
    max_rows = input_limit("TTHC_MAX_ROWS")
    try:
        book = CalamineWorkbook.from_path(source)
    except Exception as exc:  # calamine raises its own error types, and ValueError
        raise _unusable(source, f"{kind} workbook that cannot be read "
                        f"({type(exc).__name__}: {exc})") from None
    try:
        last_error: InputError | None = None
        for name in book.sheet_names:
            try:
                values = book.get_sheet_by_name(name).to_python(
                    skip_empty_area=False, nrows=max_rows + 1)
            except Exception as exc:  # a damaged sheet fails when it is read
                raise _unusable(source, f"a damaged sheet ({type(exc).__name__}: {exc})",
                                path=f"sheet {name!r}") from None
            rows = ((number, [_calamine_cell(v) for v in cells])
                    for number, cells in enumerate(values, start=1))
            try:
                return _build_log(rows, source, fmt, None)
            except InputError as exc:
                last_error = exc
        if last_error is None:
            raise _unusable(source, "the workbook has no sheet")
        raise last_error
    finally:
        book.close()


def _calamine_cell(value: object) -> Cell:
    """A calamine value as openpyxl gives it: whole numbers as int, blanks as ``None``.

    >>> _calamine_cell(3.0), _calamine_cell(2.000908), _calamine_cell(""), _calamine_cell(True)
    (3, 2.000908, None, 'True')
    """
    if value == "" or value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime | date | int | str):
        return value
    return str(value)  # a time or a duration: text, which the date parser reports


def _read_xlsx(source: str) -> DossierLog:
    import zipfile
    import zlib

    from openpyxl import load_workbook

    from tthc._io import check_archive

    # Damaged archives and zip bombs, from the directory, before anything is unpacked.
    check_archive(source, damaged=lambda reason: _unusable(
        source, f"not a readable XLSX workbook ({reason})"))
    # What a damaged workbook raises on reading: a bad zip, inflate or XML error.
    damaged = (zipfile.BadZipFile, zlib.error, SyntaxError, EOFError, NotImplementedError,
               KeyError, ValueError, OSError, TypeError, IndexError, AttributeError)
    # A file object: openpyxl then reads the content whatever the file's name.
    with open(source, "rb") as handle:
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except damaged as exc:
            raise _unusable(source, f"not a readable XLSX workbook ({exc})") from None
        try:
            last_error: InputError | None = None
            for sheet in book.worksheets:
                rows = (
                    (number, list(cells))
                    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
                )
                try:
                    return _build_log(rows, source, "xlsx", None)
                except InputError as exc:
                    last_error = exc
            if last_error is None:  # pragma: no cover - openpyxl refuses a book without sheets
                raise _unusable(source, "the workbook has no sheet")
            raise last_error
        except TthcError:
            raise
        except damaged as exc:
            raise _unusable(source, f"not a readable XLSX workbook ({exc})") from None
        finally:
            book.close()


# --------------------------------------------------------------------------- values

_DMY = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:hH](\d{2})(?::(\d{2}))?)?$"
)
_HM_DMY = re.compile(
    r"^(\d{1,2})[:hH](\d{2})(?::(\d{2}))?[ ,]+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"
)
_EXCEL_EPOCH = datetime(1899, 12, 30)


def parse_timestamp(value: Cell) -> datetime | None:
    """Read a receipt or finish timestamp; ``None`` for an empty cell.

    Accepted: ISO (``2019-03-04 09:15``, ``2019-03-04T09:15:00+07:00``),
    ``dd/mm/yyyy[ hh:mm[:ss]]`` (also with ``-`` or ``.``), ``hh:mm
    dd/mm/yyyy``, spreadsheet dates and serial numbers. A date alone is
    00:00 of that day. A time with an offset is converted to Vietnam time
    (UTC+7) and returned without it.

    >>> parse_timestamp("04/03/2019 16:45"), parse_timestamp("2019-03-04")
    (datetime.datetime(2019, 3, 4, 16, 45), datetime.datetime(2019, 3, 4, 0, 0))
    >>> parse_timestamp("2019-03-04T02:15:00+00:00")
    datetime.datetime(2019, 3, 4, 9, 15)

    Raises:
        ValueError: the value is not a timestamp.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValueError(f"{value!r} is not a spreadsheet date")
        return (_EXCEL_EPOCH + timedelta(days=float(value))).replace(microsecond=0)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            found = datetime.fromisoformat(text)
        except ValueError:
            found = _dmy(text)
    else:
        raise ValueError(f"{value!r} is not a timestamp")
    if found.tzinfo is not None:
        try:
            found = found.astimezone(VIETNAM_TZ).replace(tzinfo=None)
        except OverflowError:  # 9999-12-31T23:00-05:00 is in year 10000 in Vietnam
            raise ValueError(f"{value!r} is out of the range of dates") from None
    return found


def _dmy(text: str) -> datetime:
    m = _DMY.match(text)
    if m:
        d, mo, y, hh, mm, ss = m.groups()
    else:
        m = _HM_DMY.match(text)
        if not m:
            raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD hh:mm or dd/mm/yyyy)")
        hh, mm, ss, d, mo, y = m.groups()
    return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))


_CHANNELS = {
    "": Channel.ANY,
    "truc tiep": Channel.IN_PERSON, "tai quay": Channel.IN_PERSON, "in person": Channel.IN_PERSON,
    "direct": Channel.IN_PERSON, "nop truc tiep": Channel.IN_PERSON,
    "truc tuyen": Channel.ONLINE, "online": Channel.ONLINE, "dich vu cong": Channel.ONLINE,
    "dvc": Channel.ONLINE, "dvctt": Channel.ONLINE, "nop truc tuyen": Channel.ONLINE,
    "buu chinh": Channel.POSTAL, "buu chinh cong ich": Channel.POSTAL, "bcci": Channel.POSTAL,
    "buu dien": Channel.POSTAL, "qua buu dien": Channel.POSTAL, "postal": Channel.POSTAL,
    "qua buu chinh": Channel.POSTAL, "any": Channel.ANY,
}
_STATUSES = {
    "withdrawn": "withdrawn", "rut": "withdrawn", "rut ho so": "withdrawn",
    "da rut": "withdrawn", "cong dan rut ho so": "withdrawn", "huy": "withdrawn",
    "returned": "returned", "tra lai": "returned", "tra lai ho so": "returned",
    "tu choi": "returned", "refused": "returned", "khong giai quyet": "returned",
    "khong du dieu kien": "returned",
}
_PLAIN_STATUSES = frozenset({
    "", "finished", "done", "completed", "pending", "in progress", "da xu ly", "hoan thanh",
    "da hoan thanh", "da tra ket qua", "dang xu ly", "dang giai quyet", "cho tra ket qua",
    "da giai quyet", "tre han", "dung han", "truoc han", "qua han",
})
_SEPARATORS = re.compile(r"\s*[;|\n]\s*")


# --------------------------------------------------------------------------- records


@attrs.frozen(kw_only=True)
class Dossier:
    """One dossier, its appointment and its class.

    Attributes:
        row: the row number in the log (1 = the first row of the file).
        id: the dossier id (mã hồ sơ), or ``row N`` when the log has none.
        code: the national procedure code (as written when it is no code).
        desk: the desk id (as written when unknown).
        level: the desk's level key, when the desk is known.
        field: the procedure's field, when known.
        channel: the submission channel.
        received_at: the receipt moment.
        due: the appointment (the due moment) computed from the catalogue.
        reappointed: the date re-set after an apology, if any.
        finished_at, returned_at: as written in the log.
        status: ``""``, ``"withdrawn"`` or ``"returned"``.
        outcome: the class at the report's as-of moment.
        processing_time: the time text used, and whether it is a cut time.
        cut: the applied time after a cut was used (not the statutory one).
        stated_due: the appointment the log itself gives, if any.
    """

    row: int
    id: str
    code: str
    desk: str
    level: str | None
    field: Field | None
    channel: Channel
    received_at: datetime | None
    due: datetime | None
    reappointed: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    status: str
    outcome: Outcome
    processing_time: str | None
    cut: bool
    stated_due: datetime | None

    @property
    def done_at(self) -> datetime | None:
        """When the dossier was finished: ``finished_at``, else ``returned_at``."""
        return self.finished_at or self.returned_at

    @property
    def met_reappointment(self) -> bool | None:
        """Finished on or before the re-set date (``None``: no re-set date or not finished)."""
        done = self.done_at
        if self.reappointed is None or done is None:
            return None
        return done.date() <= self.reappointed.date()


@attrs.frozen(kw_only=True)
class Rates:
    """Counts and rates of one group (all, a desk, a level, a field or a month).

    For a month (the Gia Lai method, domain.md §7.6): ``received`` counts the
    dossiers received in the month, ``carried_over`` those received earlier
    and not finished when it began; the finished counts are the dossiers
    finished in the month and the pending ones are those open at its end.
    For the other groups the period is the whole log up to the as-of moment.

    Two denominators, both in use (domain.md §7.6):

    - ``finished``: early + on time + late (Lâm Đồng style);
    - ``to_handle`` (cần xử lý): the finished plus the pending (received +
      carried over), with withdrawn and returned dossiers left out unless
      ``include_withdrawn`` (Gia Lai: late rate = (late finished + overdue
      pending) / to handle; on-time rate = 1 − late rate).
    """

    group: str
    label: str
    received: int = 0
    carried_over: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    not_due: int = 0
    due_soon: int = 0
    overdue: int = 0
    withdrawn: int = 0
    returned: int = 0
    uncomputable: int = 0
    reappointed: int = 0
    include_withdrawn: bool = False

    @property
    def finished(self) -> int:
        """Finished dossiers: early + on time + late."""
        return self.early + self.on_time + self.late

    @property
    def pending(self) -> int:
        """Pending dossiers: not due + due soon + overdue."""
        return self.not_due + self.due_soon + self.overdue

    @property
    def to_handle(self) -> int:
        """Dossiers to handle (cần xử lý): finished + pending (+ withdrawn and returned)."""
        extra = self.withdrawn + self.returned if self.include_withdrawn else 0
        return self.finished + self.pending + extra

    @property
    def on_time_of_finished(self) -> Decimal | None:
        """(early + on time) / finished; ``None`` with nothing finished."""
        return _ratio(self.early + self.on_time, self.finished)

    @property
    def late_of_finished(self) -> Decimal | None:
        """late / finished."""
        return _ratio(self.late, self.finished)

    @property
    def late_of_to_handle(self) -> Decimal | None:
        """(late finished + overdue pending) / to handle (Gia Lai)."""
        return _ratio(self.late + self.overdue, self.to_handle)

    @property
    def on_time_of_to_handle(self) -> Decimal | None:
        """1 − :attr:`late_of_to_handle` (Gia Lai's on-time rate)."""
        late = self.late_of_to_handle
        return None if late is None else 1 - late

    def as_dict(self) -> dict[str, Any]:
        """The counts and rates as plain data (rates as strings, 6 decimals)."""
        return {
            "group": self.group,
            "label": self.label,
            "received": self.received,
            "carried_over": self.carried_over,
            "early": self.early,
            "on_time": self.on_time,
            "late": self.late,
            "finished": self.finished,
            "not_due": self.not_due,
            "due_soon": self.due_soon,
            "overdue": self.overdue,
            "pending": self.pending,
            "withdrawn": self.withdrawn,
            "returned": self.returned,
            "uncomputable": self.uncomputable,
            "reappointed": self.reappointed,
            "to_handle": self.to_handle,
            "on_time_of_finished": _rate_text(self.on_time_of_finished),
            "late_of_finished": _rate_text(self.late_of_finished),
            "late_of_to_handle": _rate_text(self.late_of_to_handle),
            "on_time_of_to_handle": _rate_text(self.on_time_of_to_handle),
        }


def _ratio(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _rate_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.000001")))


# --------------------------------------------------------------------------- the rules

_FAST_DAYS, _FAST_CALENDAR, _GENERAL, _BROKEN = 0, 1, 2, 3


class _Rule:
    """How the appointment of one (version, channel) is computed."""

    __slots__ = ("cal", "cut", "cutoff", "error", "kind", "n", "pt", "text")

    def __init__(self, version: Version, channel: Channel, cal: WorkCalendar) -> None:
        pt: ProcessingTime = version.applied_time or version.procedure.processing_time
        self.cut = version.applied_time is not None
        self.pt = pt
        self.text = pt.text
        self.cal = cal
        self.error: str | None = None
        used = pt.for_channel(channel)
        self.cutoff: time | None = used.cutoff if used.cutoff is not None else cal.cutoff
        amount = used.amount_max if used.amount_max is not None else used.amount
        self.n = 0
        if not used.is_computable or used.unit is None:
            self.kind = _BROKEN
            what = "no time given" if not pt.text else f"the time {pt.text!r} has no usable amount"
            self.error = f"no appointment can be computed: {what}"
        elif cal.count_receipt_day:  # pragma: no cover - for_desk never sets it
            self.kind = _GENERAL
        elif used.unit is TimeUnit.SAME_DAY:
            self.kind = _FAST_DAYS
        elif amount is not None and amount == int(amount) and amount >= 0 and used.unit in (
            TimeUnit.WORKING_DAY, TimeUnit.CALENDAR_DAY
        ):
            self.kind = _FAST_DAYS if used.unit is TimeUnit.WORKING_DAY else _FAST_CALENDAR
            self.n = int(amount)
        else:
            self.kind = _GENERAL


class _Days:
    """Per-calendar caches: working days, closing times, due days."""

    __slots__ = ("cal", "closing", "due", "working")

    def __init__(self, cal: WorkCalendar) -> None:
        self.cal = cal
        self.working: dict[int, tuple[bool, time | None]] = {}
        self.due: dict[tuple[int, int], datetime] = {}
        self.closing: dict[int, datetime] = {}

    def day(self, ordinal: int) -> tuple[bool, time | None]:
        found = self.working.get(ordinal)
        if found is None:
            day = date.fromordinal(ordinal)
            blocks = self.cal.office_hours(day)
            found = (bool(blocks), blocks[-1][1] if blocks else None)
            self.working[ordinal] = found
        return found

    def close_of(self, ordinal: int) -> datetime:
        found = self.closing.get(ordinal)
        if found is None:
            day = date.fromordinal(ordinal)
            found = datetime.combine(day, self.cal.office_hours(day)[-1][1])
            self.closing[ordinal] = found
        return found

    def working_days_due(self, ordinal: int, n: int) -> datetime:
        key = (ordinal, n)
        found = self.due.get(key)
        if found is None:
            day = self.cal.due_date(date.fromordinal(ordinal), n)
            found = self.close_of(day.toordinal())
            self.due[key] = found
        return found


def _due(rule: _Rule, days: _Days, received: datetime, channel: Channel) -> datetime:
    """The due moment: the calendar's rule, with table lookups for whole days."""
    kind = rule.kind
    if kind == _GENERAL:
        return rule.cal.due(received, rule.pt, channel, explain=False).at
    ordinal = received.toordinal()
    working, closing = days.day(ordinal)
    late = False
    if working:
        moment = received.time()
        cutoff = rule.cutoff
        late = moment >= closing or (cutoff is not None and moment > cutoff)  # type: ignore[operator]
    if kind == _FAST_DAYS:
        return days.working_days_due(ordinal, rule.n + late)
    # calendar days from the day the receipt counts on
    start = days.working_days_due(ordinal, 1 if late else 0).toordinal()
    last = start + rule.n
    if days.day(last)[0]:
        return days.close_of(last)
    return days.working_days_due(last, 0)


# --------------------------------------------------------------------------- the check

# Positions in the internal row tuples.
_ROW, _ID, _CODE, _DESK, _LEVEL, _FIELD, _CHANNEL, _RECEIVED, _DUE, _REAPP = range(10)
_FIN, _RET, _STATUS, _OUTCOME, _RULE, _STATED, _DAYS = range(10, 17)


class DossierReport:
    """The dossiers of a log, classified at an as-of moment (from :func:`check_dossiers`).

    ``dossiers`` lists one :class:`Dossier` per row, in file order;
    ``problems`` names every row that could not be classified (severity
    ``error``) or carries a doubt (``warning``), with its row number.
    """

    __slots__ = (
        "_desk_names",
        "_dossiers",
        "_fields",
        "_rows",
        "as_of",
        "comparison",
        "due_soon_days",
        "include_withdrawn",
        "log",
        "problems",
    )

    def __init__(
        self,
        *,
        log: DossierLog,
        rows: list[tuple[Any, ...]],
        problems: list[Problem],
        as_of: datetime,
        comparison: Comparison,
        due_soon_days: int,
        include_withdrawn: bool,
        fields: dict[str, Field],
        desk_names: dict[str, str],
    ) -> None:
        self.log = log
        self._rows = rows
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.as_of = as_of
        self.comparison = comparison
        self.due_soon_days = due_soon_days
        self.include_withdrawn = include_withdrawn
        self._fields = fields
        self._desk_names = desk_names
        self._dossiers: tuple[Dossier, ...] | None = None

    def __repr__(self) -> str:
        return f"<DossierReport {self.log.source}: {len(self._rows)} dossiers as of {self.as_of}>"

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def source(self) -> str:
        """The log's file name."""
        return self.log.source

    @property
    def dossiers(self) -> tuple[Dossier, ...]:
        """Every dossier, in file order (built on first use)."""
        if self._dossiers is None:
            self._dossiers = tuple(self._dossier(r) for r in self._rows)
        return self._dossiers

    def _dossier(self, r: tuple[Any, ...]) -> Dossier:
        rule: _Rule | None = r[_RULE]
        return Dossier(
            row=r[_ROW], id=r[_ID], code=r[_CODE], desk=r[_DESK], level=r[_LEVEL],
            field=self._fields.get(r[_FIELD]) if r[_FIELD] else None, channel=r[_CHANNEL],
            received_at=r[_RECEIVED], due=r[_DUE], reappointed=r[_REAPP], finished_at=r[_FIN],
            returned_at=r[_RET], status=r[_STATUS], outcome=r[_OUTCOME],
            processing_time=rule.text if rule else None, cut=bool(rule and rule.cut),
            stated_due=r[_STATED],
        )

    def select(self, *outcomes: Outcome) -> list[Dossier]:
        """The dossiers of these classes, in file order (built one by one: cheap for few)."""
        wanted = set(outcomes)
        if self._dossiers is not None:
            return [d for d in self._dossiers if d.outcome in wanted]
        return [self._dossier(r) for r in self._rows if r[_OUTCOME] in wanted]

    def counts(self) -> dict[Outcome, int]:
        """The number of dossiers of each class (every class, zeros included)."""
        found = Counter(r[_OUTCOME] for r in self._rows)
        return {outcome: found.get(outcome, 0) for outcome in Outcome}

    @property
    def uncomputable(self) -> list[Dossier]:
        """The dossiers that could not be classified (their reasons are in :attr:`problems`)."""
        return self.select(Outcome.UNCOMPUTABLE)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that made a row uncomputable."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def reappointed(self) -> int:
        """The number of dossiers with a re-set date."""
        return sum(1 for r in self._rows if r[_REAPP] is not None)

    # -- rates

    def rates(self, by: Literal["desk", "level", "field", "month"] | None = None) -> list[Rates]:
        """Counts and rates over the whole log, or per desk, level, field or month.

        Groups are sorted by key (months in time order); rows whose group is
        unknown (an unknown desk or procedure) fall in a group ``"?"``.
        """
        if by is None:
            return [self._tally("all", "all dossiers", self._rows)]
        if by == "month":
            return self._months()
        index = {"desk": _DESK, "level": _LEVEL, "field": _FIELD}.get(by)
        if index is None:
            raise ValueError(f"rates by {by!r}: use desk, level, field or month")
        groups: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for r in self._rows:
            groups[r[index] or "?"].append(r)
        result = []
        for key in sorted(groups, key=lambda k: (k == "?", self._sort_key(by, k))):
            result.append(self._tally(key, self._label(by, key), groups[key]))
        return result

    def _sort_key(self, by: str, key: str) -> tuple[int, str]:
        if by == "level":
            try:
                return (Level.get(key).rank, key)
            except LookupError:
                return (99, key)
        if by == "field" and key in self._fields:
            return (0, fold(self._fields[key].name))
        return (0, key)

    def _label(self, by: str, key: str) -> str:
        if key == "?":
            return "unknown"
        if by == "desk":
            return self._desk_names.get(key, key)
        if by == "level":
            try:
                return Level.get(key).name
            except LookupError:
                return key
        field = self._fields.get(key)
        return field.name if field else key

    def _tally(self, key: str, label: str, rows: Iterable[tuple[Any, ...]]) -> Rates:
        counts: Counter[Outcome] = Counter()
        received = reappointed = 0
        for r in rows:
            outcome = r[_OUTCOME]
            counts[outcome] += 1
            if outcome is not Outcome.NOT_RECEIVED:
                received += 1
                if r[_REAPP] is not None:
                    reappointed += 1
        return Rates(
            group=key, label=label, received=received, early=counts[Outcome.EARLY],
            on_time=counts[Outcome.ON_TIME], late=counts[Outcome.LATE],
            not_due=counts[Outcome.NOT_DUE], due_soon=counts[Outcome.DUE_SOON],
            overdue=counts[Outcome.OVERDUE], withdrawn=counts[Outcome.WITHDRAWN],
            returned=counts[Outcome.RETURNED], uncomputable=counts[Outcome.UNCOMPUTABLE],
            reappointed=reappointed, include_withdrawn=self.include_withdrawn,
        )

    def _months(self) -> list[Rates]:
        as_of = self.as_of
        last = _month_index(as_of)
        tallies: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in self._rows:
            outcome = r[_OUTCOME]
            received: datetime | None = r[_RECEIVED]
            if outcome is Outcome.NOT_RECEIVED or received is None:
                if outcome is Outcome.UNCOMPUTABLE:
                    tallies[-1]["uncomputable"] += 1
                continue
            first = _month_index(received)
            if outcome in (Outcome.WITHDRAWN, Outcome.RETURNED, Outcome.UNCOMPUTABLE):
                t = tallies[first]
                t["received"] += 1
                t[outcome.value] += 1
                t["reappointed"] += r[_REAPP] is not None
                continue
            done: datetime | None = None
            if outcome in _FINISHED:
                done = r[_FIN] or r[_RET]
            end = _month_index(done) if done is not None else last
            for month in range(first, end + 1):
                t = tallies[month]
                if month == first:
                    t["received"] += 1
                    t["reappointed"] += r[_REAPP] is not None
                else:
                    t["carried_over"] += 1
                if month == end and done is not None:
                    t[outcome.value] += 1
                else:
                    moment = min(_month_end(month), as_of)
                    t[self._pending_class(r, moment).value] += 1
        result = []
        for month in sorted(k for k in tallies if k >= 0):
            t = tallies[month]
            year, mon = divmod(month, 12)
            result.append(
                Rates(
                    group=f"{year:04d}-{mon + 1:02d}", label=f"{mon + 1:02d}/{year:04d}",
                    received=t["received"], carried_over=t["carried_over"],
                    early=t["early"], on_time=t["on_time"], late=t["late"],
                    not_due=t["not_due"], due_soon=t["due_soon"], overdue=t["overdue"],
                    withdrawn=t["withdrawn"], returned=t["returned"],
                    uncomputable=t["uncomputable"], reappointed=t["reappointed"],
                    include_withdrawn=self.include_withdrawn,
                )
            )
        if -1 in tallies:
            result.append(
                Rates(group="?", label="no receipt date",
                      uncomputable=tallies[-1]["uncomputable"],
                      received=tallies[-1]["uncomputable"],
                      include_withdrawn=self.include_withdrawn)
            )
        return result

    def _pending_class(self, r: tuple[Any, ...], moment: datetime) -> Outcome:
        return _pending(r[_DUE], moment, r[_DAYS].cal, self.comparison, self.due_soon_days)

    # -- plain data

    def as_dict(self, by: Sequence[str] = ()) -> dict[str, Any]:
        """The report as plain data for JSON: settings, counts, rates, the late,
        overdue and uncomputable dossiers, and every problem."""
        listed = self.select(Outcome.LATE, Outcome.OVERDUE, Outcome.UNCOMPUTABLE)
        return {
            "source": self.source,
            "as_of": self.as_of.isoformat(sep=" "),
            "comparison": self.comparison.value,
            "due_soon_days": self.due_soon_days,
            "include_withdrawn": self.include_withdrawn,
            "rows": len(self._rows),
            "blank_rows": self.log.blank_rows,
            "columns": {role: self.log.headers[i] for role, i in self.log.columns.items()},
            "counts": {o.value: n for o, n in self.counts().items()},
            "reappointed": self.reappointed,
            "rates": {
                "all": self.rates()[0].as_dict(),
                **{b: [r.as_dict() for r in self.rates(b)] for b in by},  # type: ignore[arg-type]
            },
            "dossiers": [_dossier_dict(d) for d in listed],
            "problems": [
                {"row": p.path, "code": p.code, "severity": p.severity, "message": p.message}
                for p in self.problems
            ],
        }


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(sep=" ", timespec="minutes")


def _dossier_dict(d: Dossier) -> dict[str, Any]:
    return {
        "row": d.row, "id": d.id, "code": d.code, "desk": d.desk, "outcome": d.outcome.value,
        "received_at": _stamp(d.received_at), "due": _stamp(d.due),
        "reappointed": _stamp(d.reappointed), "finished_at": _stamp(d.finished_at),
        "returned_at": _stamp(d.returned_at), "processing_time": d.processing_time,
        "cut": d.cut,
    }


def _month_index(moment: datetime) -> int:
    return moment.year * 12 + moment.month - 1


def _month_end(index: int) -> datetime:
    year, month = divmod(index + 1, 12)
    return datetime(year, month + 1, 1) - timedelta(microseconds=1)


def _pending(
    due: datetime, moment: datetime, cal: WorkCalendar, comparison: Comparison, soon: int
) -> Outcome:
    if comparison is Comparison.DATETIME:
        if moment > due:
            return Outcome.OVERDUE
    elif moment.date() > due.date():
        return Outcome.OVERDUE
    if cal.count_working_days(moment.date(), due.date()) <= soon:
        return Outcome.DUE_SOON
    return Outcome.NOT_DUE


def _as_of_moment(value: datetime | date | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        if value is not None and value.tzinfo is not None:
            return value.astimezone(VIETNAM_TZ).replace(tzinfo=None)
        return value
    return datetime.combine(value, time.max)


def check_dossiers(
    catalog: Catalog,
    log: DossierLog | str | os.PathLike[str],
    *,
    as_of: datetime | date | None = None,
    comparison: Comparison | str = Comparison.DATE,
    due_soon_days: int = 1,
    include_withdrawn: bool = False,
    default_desk: str | None = None,
) -> DossierReport:
    """Compute each dossier's appointment and class; gather the problems.

    Args:
        catalog: the catalogue (procedures, cuts, desks and the unit's days off).
        log: a :class:`DossierLog` or the path of a CSV, XLSX, XLS or ODS log.
        as_of: the moment the pending dossiers are judged at, and after which
            finishes are not yet known; a date means the end of that day.
            Default: the latest timestamp in the log.
        comparison: ``"date"`` (default) or ``"datetime"`` (see the module notes).
        due_soon_days: a pending dossier is due soon when its appointment is
            at most this many working days after ``as_of``.
        include_withdrawn: count withdrawn and returned dossiers among those
            to handle (they are never late).
        default_desk: the desk of rows without one (a log with no desk column).

    Raises:
        InputError: the log cannot be used at all (see :func:`read_dossier_log`),
            or it has no desk column and no ``default_desk``.
        UnknownDesk: ``default_desk`` names no desk.
    """
    if not isinstance(log, DossierLog):
        log = read_dossier_log(log)
    comparison = Comparison(comparison)
    if isinstance(due_soon_days, bool) or not isinstance(due_soon_days, int) or due_soon_days < 0:
        raise ValueError(f"due_soon_days must be a whole number ≥ 0, not {due_soon_days!r}")
    source = log.source
    cols = log.columns
    if "desk" not in cols and default_desk is None:
        raise _unusable(source, "no desk column (nơi tiếp nhận) and no default desk given")
    fallback = catalog.desk(default_desk) if default_desk is not None else None
    as_of_moment = _as_of_moment(as_of)
    checker = _Checker(catalog, source, comparison, due_soon_days, fallback)
    rows = checker.run(log.rows, cols)
    if as_of_moment is None:
        as_of_moment = checker.latest or datetime.now(VIETNAM_TZ).replace(tzinfo=None)
    checker.classify(rows, as_of_moment)
    return DossierReport(
        log=log, rows=rows, problems=checker.problems, as_of=as_of_moment,
        comparison=comparison, due_soon_days=due_soon_days,
        include_withdrawn=include_withdrawn, fields=checker.fields,
        desk_names={d.id: d.name for d in catalog.desks},
    )


class _Checker:
    """The per-row work of :func:`check_dossiers`, with its caches."""

    def __init__(
        self,
        catalog: Catalog,
        source: str,
        comparison: Comparison,
        soon: int,
        fallback: Desk | None,
    ) -> None:
        self.catalog = catalog
        self.source = source
        self.comparison = comparison
        self.soon = soon
        self.fallback = fallback
        self.problems: list[Problem] = []
        self.fields: dict[str, Field] = {}
        self.latest: datetime | None = None
        self._desks: dict[Cell, Desk | None] = {}
        self._codes: dict[Cell, str | None] = {}
        self._calendars: dict[tuple[Any, ...], _Days] = {}
        self._desk_days: dict[str, _Days] = {}
        self._timelines: dict[tuple[str, str], tuple[list[int], list[Version]]] = {}
        self._rules: dict[tuple[int, Channel], _Rule] = {}
        self._desk_lookup: dict[str, Desk] = {}
        self._why: dict[tuple[str, str, date], tuple[str, str]] = {}
        for desk in catalog.desks:
            self._desk_lookup.setdefault(desk.id, desk)
            self._desk_lookup.setdefault(fold(desk.id), desk)
            self._desk_lookup.setdefault(fold(desk.name), desk)

    # -- lookups

    def problem(self, row: int, code: str, message: str, severity: str = "error") -> None:
        self.problems.append(
            Problem(source=self.source, path=f"row {row}", message=message, code=code,
                    severity=severity)
        )

    def desk(self, cell: Cell) -> Desk | None:
        raw = _text(cell)
        found = (self._desk_lookup.get(raw) or self._desk_lookup.get(fold(raw))) if raw \
            else self.fallback
        self._desks[cell] = found
        return found

    def code(self, raw: str) -> str | None:
        if raw in self._codes:
            return self._codes[raw]
        found = codes.validate(raw) if codes.is_valid(raw) else None
        self._codes[raw] = found
        return found

    def days(self, desk: Desk) -> _Days:
        found = self._desk_days.get(desk.id)
        if found is None:
            key = (desk.working_week, desk.saturday_morning, desk.hours, desk.cutoff)
            found = self._calendars.get(key)
            if found is None:
                cal = WorkCalendar.for_desk(desk, self.catalog.unit.calendar)
                found = self._calendars[key] = _Days(cal)
            self._desk_days[desk.id] = found
        return found

    def timeline(self, code: str, level: str) -> tuple[list[int], list[Version]]:
        key = (code, level)
        found = self._timelines.get(key)
        if found is None:
            versions = list(self.catalog.timelines.get(key, ()))
            found = ([v.valid_from.toordinal() for v in versions], versions)
            self._timelines[key] = found
        return found

    def version(self, code: str, level: str, day: date) -> Version | None:
        starts, versions = self.timeline(code, level)
        i = bisect.bisect_right(starts, day.toordinal()) - 1
        if i < 0:
            return None
        version = versions[i]
        return version if version.in_force_on(day) else None

    def rule(self, version: Version, channel: Channel, days: _Days) -> _Rule:
        key = (id(version), channel)
        found = self._rules.get(key)
        if found is None:
            found = self._rules[key] = _Rule(version, channel, days.cal)
            field = version.procedure.field
            self.fields.setdefault(field.key, field)
        return found

    def why_not_in_force(self, code: str, level: str, day: date) -> tuple[str, str]:
        key = (code, level, day)
        found = self._why.get(key)
        if found is None:
            found = self._why[key] = self._why_not_in_force(code, level, day)
        return found

    def _why_not_in_force(self, code: str, level: str, day: date) -> tuple[str, str]:
        try:
            history = self.catalog.history(code)
        except LookupError:
            return "unknown-procedure", f"no procedure {code} in the catalogue"
        at_level = [v for v in history if v.level == level]
        when = f"{day:%d/%m/%Y}"
        if not at_level:
            levels = ", ".join(sorted({v.level for v in history}))
            return "not-in-force", f"{code} is not a {level} procedure (it is {levels})"
        first = min(v.valid_from for v in at_level)
        if day < first:
            return "not-in-force", f"{code} is in force at {level} level only from {first:%d/%m/%Y}"
        return "not-in-force", f"{code} is no longer in force at {level} level on {when}"

    # -- the rows

    def run(
        self, rows: Sequence[tuple[int, Sequence[Cell]]], cols: Mapping[str, int]
    ) -> list[tuple[Any, ...]]:
        roles = ("id", "code", "desk", "channel", "received", "due", "finished", "returned",
                 "reappointed", "status")
        # A missing column reads the None appended to every row (index -1).
        i_id, i_code, i_desk, i_chan, i_rec, i_due, i_fin, i_ret, i_reapp, i_status = (
            cols.get(role, -1) for role in roles
        )
        need = max(cols.values()) + 1
        out: list[tuple[Any, ...]] = []
        append = out.append
        seen_ids: dict[str, int] = {}
        latest: datetime | None = None
        channels: dict[Cell, Channel] = {}
        statuses: dict[Cell, str] = {}
        problem = self.problem
        desks = self._desks
        fromisoformat = datetime.fromisoformat
        date_roles = (("received", i_rec), ("finished", i_fin), ("returned", i_ret),
                      ("due", i_due))
        known_codes = self._codes
        for number, cells in rows:
            row = list(cells)
            if len(row) < need:
                row.extend([None] * (need - len(row)))
            row.append(None)
            broken = False
            cell = row[i_id]
            ident = (
                cell.strip() if isinstance(cell, str) and cell.isascii()
                else _text(cell)
            ) or f"row {number}"
            if i_id >= 0:
                if ident in seen_ids:
                    problem(number, "duplicate-id",
                            f"dossier id {ident!r} also on row {seen_ids[ident]}", "warning")
                else:
                    seen_ids[ident] = number
            cell = row[i_code]
            if cell in known_codes:
                national = known_codes[cell]
                raw_code = national if national is not None else _code_text(cell)
            else:
                raw_code = _code_text(cell)
                national = self.code(raw_code) if raw_code else None
                if cell.__class__ is str:
                    known_codes[cell] = national
            if national is None:
                broken = True
                problem(number, "bad-code", f"procedure code {raw_code!r} is not a code"
                        if raw_code else "no procedure code")
            cell = row[i_desk]
            desk = desks[cell] if cell in desks else self.desk(cell)
            raw_desk = _text(cell)
            if desk is None:
                broken = True
                problem(number, "unknown-desk", f"no desk {raw_desk!r} in the catalogue"
                        if raw_desk else "no desk")
            cell = row[i_chan]
            channel = channels.get(cell)
            if channel is None:
                found_channel = _CHANNELS.get(_header_key(_text(cell)))
                if found_channel is None:
                    problem(number, "unknown-channel",
                            f"channel {_text(cell)!r} unknown: the main time is used", "warning")
                    channel = Channel.ANY
                else:
                    channel = channels[cell] = found_channel
            cell = row[i_status]
            status = statuses.get(cell)
            if status is None:
                key = _header_key(_text(cell))
                status = _STATUSES.get(key, "")
                if key not in _STATUSES and key not in _PLAIN_STATUSES:
                    problem(number, "unknown-status",
                            f"status {_text(cell)!r} unknown: read as an ordinary dossier",
                            "warning")
                else:
                    statuses[cell] = status
            stamps: list[datetime | None] = []
            for role, index in date_roles:
                value = row[index]
                stamp = None
                if value is None or value == "":
                    pass
                elif isinstance(value, str):
                    try:  # the common case, inlined: ISO text without an offset
                        stamp = fromisoformat(value)
                        if stamp.tzinfo is not None:
                            stamp = stamp.astimezone(VIETNAM_TZ).replace(tzinfo=None)
                    except (ValueError, OverflowError):  # parse_timestamp says why
                        stamp = None
                if stamp is None and value is not None and value != "":
                    try:
                        stamp = parse_timestamp(value)
                    except ValueError:
                        severity = "warning" if role == "due" else "error"
                        broken = broken or severity == "error"
                        problem(number, "bad-date", f"{role}: {_text(value)!r} is not a date",
                                severity)
                stamps.append(stamp)
            received, finished, returned, stated = stamps
            if received is None and _text(row[i_rec]) == "":
                broken = True
                problem(number, "no-receipt", "no receipt date")
            cell = row[i_reapp]
            reappointed = None if cell is None or cell == "" else self.reappointed(number, cell)
            for stamp in (received, finished, returned):
                if stamp is not None and (latest is None or stamp > latest):
                    latest = stamp
            done = finished or returned
            if received is not None and done is not None and done < received:
                broken = True
                problem(number, "finished-before-received",
                        f"finished {done:%d/%m/%Y %H:%M} before received "
                        f"{received:%d/%m/%Y %H:%M}")
            rule: _Rule | None = None
            days: _Days | None = None
            due: datetime | None = None
            level = desk.level if desk is not None else None
            field_key: str | None = None
            if desk is not None and national is not None and received is not None:
                day = received.date()
                days = self.days(desk)
                version = self.version(national, desk.level, day)
                if not desk.is_open(day):
                    broken = True
                    problem(number, "desk-closed",
                            f"desk {desk.id} is not open on {day:%d/%m/%Y}"
                            + (f" (closed {desk.closed:%d/%m/%Y})" if desk.closed else ""))
                elif version is None:
                    broken = True
                    problem(number, *self.why_not_in_force(national, desk.level, day))
                else:
                    rule = self.rule(version, channel, days)
                    field_key = version.procedure.field.key
                    if rule.error is not None:
                        broken = True
                        problem(number, "uncomputable-time", f"{national}: {rule.error}")
                    else:
                        try:
                            due = _due(rule, days, received, channel)
                        except (ValueError, ArithmeticError) as exc:
                            broken = True
                            problem(number, "uncomputable-time", f"{national}: {exc}")
            if due is not None and reappointed is not None and reappointed.date() <= due.date():
                problem(number, "reappointment-not-later",
                        f"the re-set date {reappointed:%d/%m/%Y} is not after the "
                        f"appointment {due:%d/%m/%Y}", "warning")
            if due is not None and stated is not None and stated.date() != due.date():
                problem(number, "due-differs",
                        f"the log's appointment {stated:%d/%m/%Y} differs from the "
                        f"computed {due:%d/%m/%Y}", "warning")
            append((
                number, ident, national or raw_code, desk.id if desk else raw_desk, level,
                field_key, channel, received, None if broken else due, reappointed,
                finished, returned, status,
                Outcome.UNCOMPUTABLE if broken or due is None else None, rule, stated, days,
            ))
        self.latest = latest
        return out

    def reappointed(self, number: int, value: Cell) -> datetime | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        parts: list[Cell] = (
            list(_SEPARATORS.split(value.strip())) if isinstance(value, str) else [value]
        )
        dates = []
        for part in parts:
            try:
                stamp = parse_timestamp(part)
            except ValueError:
                self.problem(number, "bad-date",
                             f"re-set date: {_text(part)!r} is not a date (ignored)", "warning")
                continue
            if stamp is not None:
                dates.append(stamp)
        if len(dates) > 1:
            self.problem(number, "reappointed-twice",
                         f"{len(dates)} re-set dates: a date may be re-set only once "
                         "(NĐ 61/2018, domain.md §7.4); the first is kept", "warning")
        return dates[0] if dates else None

    def classify(self, rows: list[tuple[Any, ...]], as_of: datetime) -> None:
        soon, comparison = self.soon, self.comparison
        by_date = comparison is Comparison.DATE
        early, on_time, late = Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE
        for index, r in enumerate(rows):
            if r[_OUTCOME] is not None:
                continue
            received: datetime = r[_RECEIVED]
            due: datetime = r[_DUE]
            status = r[_STATUS]
            if received > as_of:
                outcome = Outcome.NOT_RECEIVED
            elif status == "withdrawn":
                outcome = Outcome.WITHDRAWN
            elif status == "returned":
                outcome = Outcome.RETURNED
            else:
                done = r[_FIN] or r[_RET]
                if done is not None and done <= as_of:
                    done_day, due_day = done.toordinal(), due.toordinal()
                    if done_day < due_day:
                        outcome = early
                    elif by_date:
                        outcome = on_time if done_day == due_day else late
                    else:
                        outcome = late if done > due else on_time
                else:
                    outcome = _pending(due, as_of, r[_DAYS].cal, comparison, soon)
            rows[index] = (*r[:_OUTCOME], outcome, *r[_OUTCOME + 1:])


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value.strip() if value.isascii() else nfc(value)
    return nfc(str(value))


def _code_text(value: Cell) -> str:
    """A procedure code cell; a spreadsheet number (1.00119) keeps its six decimals."""
    if isinstance(value, float):
        return f"{value:.6f}"
    return _text(value)


# --------------------------------------------------------------------------- one appointment


class DeskNotOpen(TthcError, ValueError):
    """A desk that is not open on the date asked (closed in the 2025 reform, or not yet open)."""

    code = "desk-closed"
    message = "the desk is not open on that date"


@attrs.frozen(kw_only=True)
class Appointment:
    """The appointment of one dossier, with everything used to compute it.

    Attributes:
        record: the procedure in force at the level on the catalogue date.
        desk: the desk, or ``None`` (then the civil-service calendar with the
            unit's days off was used).
        channel: the submission channel.
        due: the due moment and its reasoning (:class:`tthc.workdays.Due`).
    """

    record: InForce
    desk: Desk | None
    channel: Channel
    due: Due

    @property
    def processing_time(self) -> ProcessingTime:
        """The time counted with: the applied time after a cut, else the statutory one."""
        return self.record.processing_time

    @property
    def cut(self) -> bool:
        """True when the applied time after a cut was used."""
        return self.record.applied_time is not None

    def explain(self) -> str:
        """The appointment and its reasoning, one line per step."""
        rec = self.record
        proc = rec.procedure
        lines = [
            f"appointment: {_vn_stamp(self.due.at)}",
            f"procedure: {proc.code} {proc.name}",
            f"level: {_level_name(rec.level)}; field: {proc.field.name}",
        ]
        if self.desk is None:
            lines.append(
                "desk: none given; the civil-service calendar with the unit's days off "
                "(no desk's Saturday mornings or cut-off)"
            )
        else:
            lines.append(f"desk: {self.desk.id} ({self.desk.name}){_desk_rules(self.desk)}")
        if rec.applied_time is not None and rec.cut_decision is not None:
            lines.append(
                f"processing time: {rec.applied_time.text} (applied after the cut by "
                f"{rec.cut_decision.number} of {rec.cut_decision.signed:%d/%m/%Y}; statutory: "
                f"{proc.processing_time.text})"
            )
        else:
            lines.append(f"processing time: {proc.processing_time.text} (statutory)")
        lines.append(
            "channel: not given (the main time is used)" if self.channel is Channel.ANY
            else f"channel: {self.channel.value}"
        )
        lines.append(self.due.explain())
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The appointment as plain data, for JSON."""
        rec, due = self.record, self.due
        return {
            "appointment": due.at.isoformat(sep=" ", timespec="minutes"),
            "code": rec.code,
            "name": rec.procedure.name,
            "level": rec.level,
            "field": rec.procedure.field.name,
            "desk": self.desk.id if self.desk else None,
            "channel": self.channel.value,
            "processing_time": {
                "used": self.processing_time.text,
                "source": "applied" if self.cut else "statutory",
                "statutory": rec.procedure.processing_time.text,
                "cut_decision": rec.cut_decision.number if rec.cut_decision else None,
            },
            "received_at": due.received_at.isoformat(sep=" ", timespec="minutes"),
            "counted_from": due.counted_from.isoformat(sep=" ", timespec="minutes"),
            "start_rule": due.start_rule,
            "unit": due.unit.value,
            "amount": None if due.amount is None else str(due.amount),
            "skipped": [{"day": n.day.isoformat(), "reason": n.reason} for n in due.skipped],
            "worked": [{"day": n.day.isoformat(), "reason": n.reason} for n in due.worked],
            "notes": list(due.notes),
        }


_WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _vn_stamp(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y %H:%M} ({_WEEKDAYS_VI[moment.weekday()]})"


def _level_name(key: str) -> str:
    try:
        return f"{Level.get(key).name} ({key})"
    except LookupError:
        return key


def _desk_rules(desk: Desk) -> str:
    rules = []
    if desk.saturday_morning:
        rules.append("Saturday mornings worked")
    if desk.cutoff is not None:
        rules.append(f"receipts after {desk.cutoff:%H:%M} count from the next working day")
    return f": {'; '.join(rules)}" if rules else ""


def appointment(
    catalog: Catalog,
    code: str,
    received_at: datetime | date,
    *,
    desk: str | None = None,
    channel: Channel | str = Channel.ANY,
    as_of: date | None = None,
) -> Appointment:
    """The appointment (due date) of a dossier for *code* received at *received_at*.

    The procedure is the one in force on *as_of* (default: the day of
    receipt) at the desk's level, or at the highest level where it is in
    force when no desk is given; its applied time after a cut, else its
    statutory time, is counted on the desk's calendar.

    >>> from tthc.catalog import load_catalog, resolve_catalog_path
    >>> catalog = load_catalog(resolve_catalog_path())
    >>> a = appointment(catalog, "2.000908", datetime(2026, 2, 13, 16, 30), desk="xa-tung-lam")
    >>> a.due.at, a.processing_time.text
    (datetime.datetime(2026, 2, 23, 17, 30), '1 Ngày làm việc')

    Raises:
        InvalidCode: *code* is not a procedure code.
        UnknownDesk: no desk *desk*.
        DeskNotOpen: the desk is not open on the day of receipt.
        UnknownProcedure: the procedure is not in force at that level on that date.
        UncomputableTime: no due date can be computed from its time.
    """
    national = codes.validate(code)
    channel = Channel(channel)
    if isinstance(received_at, datetime):
        received = _as_of_moment(received_at) or received_at
    else:  # a date alone: received at the start of that day
        received = datetime.combine(received_at, time())
    day = as_of or received.date()
    view = catalog.as_of(day)
    found_desk = catalog.desk(desk) if desk is not None else None
    if found_desk is not None and not found_desk.is_open(received.date()):
        open_now = [d.id for d in catalog.desks if d.is_open(received.date())]
        if found_desk.closed and found_desk.closed < received.date():
            when = f"closed on {found_desk.closed:%d/%m/%Y}"
        elif found_desk.opened:
            when = f"opens only on {found_desk.opened:%d/%m/%Y}"
        else:  # pragma: no cover - a desk without dates is always open
            when = "not open"
        elsewhere = [lv.key for lv in Level.all() if view.record(national, lv.key) is not None]
        hint = (
            f"; on {day:%d/%m/%Y} {national} is in force at the {', '.join(elsewhere)} level"
            if elsewhere else ""
        )
        raise DeskNotOpen(
            f"desk {found_desk.id} ({found_desk.name}) {when} and cannot receive a dossier on "
            f"{received:%d/%m/%Y}{hint}; desks open then: {', '.join(open_now) or 'none'}"
        )
    level = found_desk.level if found_desk is not None else None
    record = view.record(national, level)
    if record is None:
        levels = [lv.key for lv in Level.all() if view.record(national, lv.key) is not None]
        where = f" at the {level} level" if level else ""
        also = f" (in force at the {', '.join(levels)} level)" if levels else ""
        raise UnknownProcedure(
            national, f"no procedure {national} in force{where} on {day:%d/%m/%Y}{also}"
        )
    if found_desk is not None:
        cal = WorkCalendar.for_desk(found_desk, catalog.unit.calendar)
    else:
        cal = WorkCalendar(overrides=catalog.unit.calendar)
    due = cal.due(received, record.processing_time, channel)
    return Appointment(record=record, desk=found_desk, channel=channel, due=due)
