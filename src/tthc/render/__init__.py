"""Writers for what tthc prints: posting lists in XLSX, DOCX, HTML, CSV and Markdown.

Heavy libraries (openpyxl, python-docx, jinja2) are imported only when a
writer runs, so importing this package stays cheap:

>>> import tthc.render
>>> tthc.render.FORMATS
('xlsx', 'docx', 'html', 'csv', 'md')
"""

from __future__ import annotations

from tthc.render.posting import FORMATS, SUFFIXES, Format, is_binary, render_posting_list

__all__ = ["FORMATS", "SUFFIXES", "Format", "is_binary", "render_posting_list"]
