"""HTML posting lists printed by headless Chromium: every name readable, sane pagination.

Chromium (Debian's ``chromium`` package; ``.ci/run`` installs it) prints the
page to PDF exactly as an office would from the browser; pypdf extracts the
text. PDF text extraction splits lines and, with Vietnamese fonts, often puts
spaces inside words (a base letter and its marks are placed as separate
glyphs), so texts are compared NFC-normalised with all white space removed:
every character, diacritics included, must still match in order.

The test is labelled ``slow``; it is never skipped. Without Chromium it
fails, saying how to install it.
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pypdf
import pytest

from tthc.catalog import Catalog, load_catalog, resolve_catalog_path
from tthc.posting_list import PostingList, build_posting_list
from tthc.render import render_posting_list

AS_OF = date(2019, 12, 31)
DESKS = ("huyen", "xa-tung-lam")
#: A4 landscape in PostScript points (297 × 210 mm).
A4_LANDSCAPE = (841.89, 595.28)

pytestmark = pytest.mark.slow


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "Chromium is not installed: the HTML print test needs it "
        "(Debian: apt-get install -y chromium; .ci/run installs it)"
    )


def squash(text: str) -> str:
    """NFC with every white-space character removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def print_to_pdf(html: bytes, folder: Path) -> pypdf.PdfReader:
    """Print *html* with headless Chromium; return the PDF."""
    page = folder / "list.html"
    page.write_bytes(html)
    pdf = folder / "list.pdf"
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={folder / 'profile'}",
        f"--print-to-pdf={pdf}",
        "--no-pdf-header-footer",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0 or not pdf.exists():
        pytest.fail(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return pypdf.PdfReader(pdf)


def shown(name: str, pages: list[str]) -> bool:
    """Whether *name* (squashed) is printed on one page, or split across two in order.

    A row taller than a page (some land procedures have names of 700
    characters) has to break; its name then ends at the bottom of one page
    and continues, after the repeated header, on the next.
    """
    wanted = squash(name)
    if any(wanted in page for page in pages):
        return True
    for page, following in itertools.pairwise(pages):
        for cut in range(len(wanted) - 1, 0, -1):
            if wanted[:cut] in page and wanted[cut:] in following:
                return True
    return False


@pytest.fixture(name="catalog", scope="module")
def _catalog() -> Catalog:
    path = resolve_catalog_path(None)
    if isinstance(path, Path) and not (path / "unit.toml").exists():
        pytest.fail(f"no example catalogue at {path}: run scripts/build_example_catalog.py")
    return load_catalog(path)


@pytest.mark.parametrize("desk_id", DESKS)
def test_printed_list(catalog: Catalog, desk_id: str, tmp_path: Path) -> None:
    """The printed list shows every name with its diacritics, on A4 landscape pages.

    Page count: a landscape page holds about 170 mm of table. The shortest
    row (one line of 12 pt text) is about 6 mm, so no page holds 40 rows.
    Rows in the catalogue average 3–4 lines (about 20 mm, 8 rows a page);
    a few take a whole page. Allowing three times the average height,
    ceil(rows / 40) ≤ pages ≤ ceil(rows / 3) + 1 (the extra page for the
    heading and feedback blocks); outside it the layout broke (a squeezed
    column, a row per page). Each page carries "Trang n/N" (a CSS @page
    margin box) and, where it shows procedures, the repeated table header.
    """
    pl: PostingList = build_posting_list(catalog, desk_id, AS_OF)
    reader = print_to_pdf(render_posting_list(pl, "html"), tmp_path)
    pages = [squash(page.extract_text()) for page in reader.pages]
    text = "".join(pages)
    count = len(pages)

    missing = [row.name for row in pl.rows if not shown(row.name, pages)]
    assert missing == []
    assert math.ceil(pl.count / 40) <= count <= math.ceil(pl.count / 3) + 1
    for number, page in enumerate(pages, start=1):
        assert f"Trang{number}/{count}" in page
    header = squash("Tên thủ tục hành chính")
    codes = [row.code for row in pl.rows]
    assert all(header in page for page in pages if any(code in page for code in codes))
    assert squash(pl.subtitle) in pages[0]
    assert squash("Độc lập - Tự do - Hạnh phúc") in pages[0]
    assert squash(pl.sources_line) in text
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE, abs=1.5)
