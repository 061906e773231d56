"""Write a posting list in one of five formats.

>>> from datetime import date
>>> from tthc.desk import Desk
>>> from tthc.posting_list import PostingList
>>> pl = PostingList(unit_name="huyện A", province="tỉnh B", as_of=date(2019, 12, 31),
...                  desk=Desk(id="d", name="Bộ phận Một cửa UBND huyện A", level="district"),
...                  groups=())
>>> render_posting_list(pl, "md").decode().splitlines()[0]
'# DANH MỤC THỦ TỤC HÀNH CHÍNH'
>>> render_posting_list(pl, "xlsx")[:2], SUFFIXES["docx"], is_binary("csv")
(b'PK', '.docx', False)
>>> render_posting_list(pl, "pdf")
Traceback (most recent call last):
    ...
ValueError: unknown posting-list format 'pdf' (known: xlsx, docx, html, csv, md)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from tthc.posting_list import PostingList

__all__ = ["FORMATS", "SUFFIXES", "Format", "is_binary", "render_posting_list"]

Format = Literal["xlsx", "docx", "html", "csv", "md"]
#: The formats, in the order the command line lists them.
FORMATS: tuple[Format, ...] = get_args(Format)
#: The file suffix of each format.
SUFFIXES: dict[str, str] = {fmt: f".{fmt}" for fmt in FORMATS}
_BINARY = frozenset({"xlsx", "docx"})


def is_binary(fmt: str) -> bool:
    """True for the formats that are zip packages, not text."""
    return fmt in _BINARY


def _writer(fmt: str) -> Callable[[PostingList], bytes]:
    # Each writer module imports its heavy library only when called.
    if fmt == "xlsx":
        from tthc.render.xlsx import render_xlsx

        return render_xlsx
    if fmt == "docx":
        from tthc.render.docx import render_docx

        return render_docx
    if fmt == "html":
        from tthc.render.html import render_html

        return render_html
    if fmt == "csv":
        from tthc.render.text import render_csv

        return render_csv
    if fmt == "md":
        from tthc.render.text import render_markdown

        return render_markdown
    raise ValueError(f"unknown posting-list format {fmt!r} (known: {', '.join(FORMATS)})")


def render_posting_list(pl: PostingList, fmt: Format) -> bytes:
    """Return *pl* written in *fmt*, as bytes; the same input gives the same bytes.

    Raises:
        ValueError: *fmt* is not one of :data:`FORMATS`.
    """
    return _writer(fmt)(pl)
