"""Posting lists as one self-contained HTML page.

The page carries its CSS inline and loads nothing (a Content-Security-Policy
forbids any fetch), so it opens offline and prints the same everywhere. The
template (``templates/posting_list.html.j2``, package data) is rendered by
Jinja2 with autoescaping, so every text from the catalogue is escaped:

>>> from datetime import date
>>> from tthc.desk import Desk
>>> from tthc.posting_list import PostingList
>>> pl = PostingList(unit_name="huyện A", province="tỉnh B", as_of=date(2019, 12, 31),
...                  desk=Desk(id="d", name="Bộ phận <Một cửa>", level="district"), groups=())
>>> "Bộ phận &lt;Một cửa&gt;" in render_html(pl).decode()
True

Print layout: A4 landscape with the margins of Nghị định 30/2020/NĐ-CP (the
eight-column table needs the width; the decree allows landscape for pages
that carry a table), the table header repeated on every page
(``thead { display: table-header-group }``) and "Trang n/N" in the bottom
margin through a CSS ``@page`` margin box, which Chromium prints since
version 131. On a phone (narrower than 48 rem) each procedure becomes a card
whose values are labelled with their column names.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from tthc.posting_list import (
    FEEDBACK_INTRO,
    FEEDBACK_TITLE,
    MISSING,
    PostingList,
    feedback_lines,
    short_date,
)
from tthc.render._common import COLUMNS, xml_safe

if TYPE_CHECKING:
    import jinja2

__all__ = ["render_html"]

TEMPLATE = "posting_list.html.j2"


@cache
def _template(name: str) -> jinja2.Template:
    import jinja2

    source = resources.files("tthc.render").joinpath("templates", name).read_text("utf-8")
    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,
        # Control characters (a NUL typed into a catalogue) are not allowed in HTML either.
        finalize=lambda value: xml_safe(value) if isinstance(value, str) else value,
    )
    return env.from_string(source)


def render_html(pl: PostingList) -> bytes:
    """The posting list as an HTML page (UTF-8 bytes)."""
    parent, body = pl.issuer_lines
    context: dict[str, Any] = {
        "pl": pl,
        "as_of_short": short_date(pl.as_of),
        "issuer_parent": parent,
        "issuer_body": body,
        "columns": COLUMNS,
        "labels": {col.key: col.header for col in COLUMNS},
        "feedback_title": FEEDBACK_TITLE,
        "feedback_intro": FEEDBACK_INTRO,
        "feedback": feedback_lines(pl.desk),
        "missing": MISSING,
    }
    return _template(TEMPLATE).render(context).encode("utf-8")
