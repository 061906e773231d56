"""Posting lists as CSV and Markdown.

CSV is the data form of a posting list: one table, one procedure a row, with
the field group in its own columns so that the grouping survives sorting
and filtering. It is UTF-8 with a byte-order mark, because Excel opens a CSV
without one in the legacy ANSI code page (cp1252 or cp1258) and garbles
Vietnamese; every other reader (Python's ``utf-8-sig``, LibreOffice, pandas)
skips the mark. Lines end in CRLF (RFC 4180). Cells that could start a
formula get a leading apostrophe (:func:`tthc.render._common.neutralise`).
The title, the feedback block and the footer are not in the CSV: they are
not table data (the file name carries the desk and the date).

Markdown is the readable text form, with every part of the list: title,
one table per field group, the feedback block and the footer. Characters
Markdown would interpret are escaped with backslashes.

>>> markdown_escape("a|b *c* <script>")
'a\\\\|b \\\\*c\\\\* \\\\<script\\\\>'
"""

from __future__ import annotations

import csv
import io
import re

from tthc.posting_list import (
    FEEDBACK_INTRO,
    FEEDBACK_TITLE,
    PostingList,
    feedback_lines,
)
from tthc.render._common import COLUMNS, neutralise, time_cell, xml_safe

__all__ = ["CSV_HEADER", "markdown_escape", "render_csv", "render_markdown"]

#: The CSV header row.
CSV_HEADER = (
    "STT",
    "Nhóm",
    "Lĩnh vực",
    "Mã số TTHC",
    "Tên thủ tục hành chính",
    "Thời hạn giải quyết",
    "Thời hạn theo quy định",
    "Phí, lệ phí",
    "Dịch vụ công trực tuyến",
    "Dịch vụ bưu chính công ích",
    "Quyết định công bố",
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&#])")


def render_csv(pl: PostingList) -> bytes:
    """The posting list as CSV bytes (UTF-8 with BOM, CRLF, formula-safe cells)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for group in pl.groups:
        for row in group.rows:
            writer.writerow(
                [
                    row.stt,
                    *(
                        neutralise(text)
                        for text in (
                            group.numeral,
                            group.field.name,
                            row.code_label,
                            row.name,
                            row.processing_time,
                            row.statutory_time or "",
                            row.fees,
                            row.online,
                            row.postal,
                            row.decision,
                        )
                    ),
                ]
            )
    return buffer.getvalue().encode("utf-8-sig")


def markdown_escape(text: str) -> str:
    """Escape the characters Markdown (CommonMark, GFM tables) would interpret.

    Control characters (a NUL typed into a catalogue) are dropped.
    """
    return _MD_SPECIAL.sub(r"\\\1", xml_safe(text.replace("\n", " ")))


def render_markdown(pl: PostingList) -> bytes:
    """The posting list as Markdown (UTF-8, LF line ends)."""
    e = markdown_escape
    parent, body = pl.issuer_lines
    lines = [
        f"# {e(pl.title)}",
        "",
        f"**{e(pl.subtitle)}**",
        "",
        f"*{e(pl.date_line)}*",
        "",
    ]
    if parent:
        lines.append(f"{e(parent)}  ")
    lines += [f"{e(body)}  ", f"{e(pl.date_place_line)}", "", e(pl.summary), ""]
    header = "| " + " | ".join(e(col.header) for col in COLUMNS) + " |"
    rule = "|" + "|".join("---:" if col.key == "stt" else "---" for col in COLUMNS) + "|"
    for group in pl.groups:
        lines += [f"## {e(group.heading)}", "", header, rule]
        for row in group.rows:
            cells = (
                str(row.stt),
                row.code_label,
                row.name,
                time_cell(row, " "),
                row.fees,
                row.online,
                row.postal,
                row.decision,
            )
            lines.append("| " + " | ".join(e(cell) for cell in cells) + " |")
        lines.append("")
    lines += [f"## {e(FEEDBACK_TITLE)}", "", e(FEEDBACK_INTRO), ""]
    lines += [f"- **{e(label)}:** {e(value)}" for label, value in feedback_lines(pl.desk)]
    lines += ["", "---", "", e(pl.sources_line)]
    if pl.generated_note:
        lines += ["", f"*{e(pl.generated_note)}*"]
    return ("\n".join(lines) + "\n").encode("utf-8")
