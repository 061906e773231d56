"""Shared pieces of the posting-list writers: columns, cell safety, deterministic zips.

Spreadsheet formula injection: a cell whose text starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return (or their full-width forms) may be
run as a formula by a spreadsheet program. CSV cells get a leading
apostrophe, as the OWASP guidance on CSV injection recommends:

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("Miễn phí")
'Miễn phí'

Text that XML cannot hold (control characters) is dropped before any writer
sees it:

>>> xml_safe("a\\x01b\\x0bc")
'abc'
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from datetime import date
from xml.sax.saxutils import escape

from tthc.posting_list import PostingList, PostingRow

__all__ = [
    "COLUMNS",
    "Column",
    "core_properties_xml",
    "deterministic_zip",
    "is_formula_like",
    "neutralise",
    "time_cell",
    "xml_safe",
]

#: Leading characters a spreadsheet may read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

# Characters XML 1.0 forbids (tab, newline and carriage return are allowed).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Column:
    """One column of the posting table: key, header, and widths per format."""

    __slots__ = ("docx_mm", "header", "key", "xlsx_chars")

    def __init__(self, key: str, header: str, xlsx_chars: float, docx_mm: float) -> None:
        self.key = key
        self.header = header
        self.xlsx_chars = xlsx_chars
        self.docx_mm = docx_mm


#: The table columns, in order. DOCX widths add up to the landscape A4 text width
#: (297 − 30 − 15 = 252 mm).
COLUMNS = (
    Column("stt", "STT", 6, 12),
    Column("code", "Mã số TTHC", 11, 23),
    Column("name", "Tên thủ tục hành chính", 48, 56),
    Column("time", "Thời hạn giải quyết", 24, 44),
    Column("fees", "Phí, lệ phí", 24, 32),
    Column("online", "Dịch vụ công trực tuyến", 13, 22),
    Column("postal", "Dịch vụ bưu chính công ích", 14, 25),
    Column("decision", "Quyết định công bố", 18, 38),
)


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read *text* as a formula.

    >>> is_formula_like("- Lệ phí: 8.000 đồng"), is_formula_like("8.000 đồng")
    (True, False)
    """
    return text.startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """Prefix *text* with an apostrophe when it could start a formula."""
    return "'" + text if is_formula_like(text) else text


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry."""
    return _XML_ILLEGAL.sub("", text)


def statutory_note(row: PostingRow) -> str:
    """The statutory time shown beside a cut one: ``(Quy định: 10 ngày làm việc)``."""
    return f"(Quy định: {row.statutory_time})" if row.statutory_time is not None else ""


def time_cell(row: PostingRow, separator: str = "\n") -> str:
    """The processing-time cell: the applied time, then the statutory one where cut.

    >>> r = PostingRow(stt=1, code="1.1", name="A", processing_time="07 ngày làm việc",
    ...                statutory_time="10 ngày làm việc")
    >>> time_cell(r, " ")
    '07 ngày làm việc (Quy định: 10 ngày làm việc)'
    """
    note = statutory_note(row)
    return f"{row.processing_time}{separator}{note}" if note else row.processing_time


def cell_values(row: PostingRow) -> tuple[str, ...]:
    """The texts of a row's table cells, in :data:`COLUMNS` order (the time on two lines)."""
    return (
        str(row.stt),
        row.code_label,
        row.name,
        time_cell(row),
        row.fees,
        row.online,
        row.postal,
        row.decision,
    )


def fixed_timestamp(day: date) -> str:
    """The W3CDTF timestamp written into documents made for *day* (midnight UTC)."""
    return f"{day.isoformat()}T00:00:00Z"


def core_properties_xml(pl: PostingList) -> bytes:
    """A ``docProps/core.xml`` with fixed content: title, creator, dates from ``as_of``.

    Libraries stamp the current time into this part when they save; replacing
    it makes the package byte-identical from run to run.
    """
    stamp = fixed_timestamp(pl.as_of)
    title = escape(xml_safe(f"{pl.title} {pl.subtitle}"))
    subject = escape(xml_safe(pl.date_line))
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject>"
        "<dc:creator>tthc</dc:creator><cp:lastModifiedBy>tthc</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _entry_order(name: str) -> tuple[int, str]:
    if name == "[Content_Types].xml":
        return (0, name)
    if name == "_rels/.rels":
        return (1, name)
    return (2, name)


def deterministic_zip(data: bytes, day: date, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite an OOXML package so that its bytes depend on its content only.

    Entries are written in a stable order (``[Content_Types].xml``, the
    package relationships, then by name), each with the date *day* at
    midnight, DOS attributes and the same compression level; entries named
    in *replace* get the given content.
    """
    replace = dict(replace or {})
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(source.namelist(), key=_entry_order):
            content = replace.pop(name, None)
            if content is None:
                content = source.read(name)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, content, compresslevel=6)
    if replace:
        raise ValueError(f"no such package entries to replace: {sorted(replace)}")
    return out.getvalue()
