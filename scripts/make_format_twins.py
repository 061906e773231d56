"""Build the format twins of ``tests/data/formats``: real rows in .xls, .ods, .doc and PDF.

Each twin holds the same rows as a file the tests already read in XLSX or DOCX:

* the example catalogue's listings ``catalog/listings/huyen.xlsx`` (XLSX) and
  ``catalog/listings/xa-cuc-lam.docx`` (a Word table), built from real procedures
  by ``scripts/build_example_listings.py``;
* the appendix of QĐ 1766/QĐ-UBND (Bình Thuận, 2020) rendered by
  ``tests/appendix_helpers.py`` from ``tests/data/real/decision_appendix_extracts.csv``
  in its published layout, as DOCX and XLSX (both kept here beside their twins).

LibreOffice (headless) converts them: XLSX to ``.xls`` and ``.ods``; DOCX to ``.doc``
(through ODT: LibreOffice's direct DOCX-to-DOC export of the listing writes a table its own
reader does not find again) and to PDF (with ruled tables, as published decisions have).
``scanned.pdf`` is the first page of the listing's PDF as a picture only, like a scan.
The dossier log twins hold the first rows of the example's ``catalog/dossiers-2019.csv``
as a workbook with typed date cells (``dossiers-2019-head.xlsx``, written by openpyxl), and
its ``.xls`` and ``.ods`` conversions. The script checks that every twin reads back to the
rows of its original.

Usage (needs ``soffice``; Debian: ``libreoffice-writer-nogui libreoffice-calc-nogui``)::

    python scripts/make_format_twins.py --out tests/data/formats
    python scripts/make_format_twins.py --out tests/data/formats --only dossiers
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import appendix_helpers as ah  # noqa: E402

from tthc.listing import read_listing  # noqa: E402

LISTINGS = ROOT / "catalog" / "listings"


def convert(source: Path, target: str, out: Path, work: Path) -> Path:
    """Convert *source* with LibreOffice to the format *target* (``xls``, ``pdf``, …) in *out*."""
    profile = (work / "profile").as_uri()
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", target, "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=600,
    )
    return out / f"{source.stem}.{target.split(':')[0]}"


def ruled(docx_path: Path, target: Path, *, landscape: bool = False) -> Path:
    """A copy of a DOCX whose tables have ruling lines (the "Table Grid" style).

    *landscape* turns the pages, as decisions print their wide appendix tables.
    """
    from docx import Document
    from docx.enum.section import WD_ORIENT

    document = Document(str(docx_path))
    for table in document.tables:
        table.style = "Table Grid"
    if landscape:
        for section in document.sections:
            width, height = section.page_width, section.page_height
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = height, width
    document.save(str(target))
    return target


def scanned(pdf: Path, target: Path) -> Path:
    """The first page of *pdf* as a picture only (no text layer), like a scanned page."""
    import pypdfium2

    page = pypdfium2.PdfDocument(str(pdf))[0]
    image = page.render(scale=1.5).to_pil().convert("L")
    image.save(str(target), "PDF", resolution=108.0)
    return target


DOSSIER_ROWS = 400


def dossier_workbook(target: Path) -> Path:
    """The first :data:`DOSSIER_ROWS` dossiers of the example's 2019 log as an XLSX workbook.

    Date and time columns become typed datetime cells, as one-stop software exports them;
    the other cells stay text (a procedure code keeps its zeros).
    """
    import csv
    from datetime import datetime

    from openpyxl import Workbook

    with (ROOT / "catalog" / "dossiers-2019.csv").open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    header, rows = records[0], records[1 : DOSSIER_ROWS + 1]
    dated = {i for i, name in enumerate(header) if name.startswith("Ngày")}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Hồ sơ"
    sheet.append(header)
    for row in rows:
        sheet.append([
            datetime.strptime(cell, "%Y-%m-%d %H:%M") if i in dated and cell else (cell or None)
            for i, cell in enumerate(row)
        ])
    book.properties.created = book.properties.modified = datetime(2020, 1, 1)
    book.save(target)
    return target


def dossier_rows(path: Path) -> list[tuple[object, ...]]:
    from tthc.dossiers import read_dossier_log

    return [tuple(cells) for _, cells in read_dossier_log(path).rows]


def rows_of(path: Path) -> list[tuple[str, ...]]:
    return [tuple(r.raw) for r in read_listing(path, columns={"name": 0}).rows]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the folder to write into")
    parser.add_argument("--only", choices=("all", "dossiers"), default="all",
                        help="make every twin, or only the dossier log twins")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        made: list[tuple[Path, Path]] = []
        log = dossier_workbook(out / "dossiers-2019-head.xlsx")
        for target in ("xls", "ods"):
            twin = convert(log, target, out, work)
            if dossier_rows(log) != dossier_rows(twin):
                print(f"!! {twin.name} does not read back to the rows of {log.name}")
                return 1
            print(f"{twin.name}: {twin.stat().st_size} bytes, from {log.name}")
        if args.only == "dossiers":
            return 0
        # The appendix of 1766 in DOCX and XLSX, kept beside its twins.
        docx = ah.write_docx(ah.layout_1766(), out / "appendix-1766.docx")
        xlsx = ah.write_xlsx(ah.layout_1766(), out / "appendix-1766.xlsx")
        for original in (xlsx, LISTINGS / "huyen.xlsx"):
            for target in ("xls", "ods"):
                made.append((original, convert(original, target, out, work)))
        for original in (docx, LISTINGS / "xa-cuc-lam.docx"):
            odt = convert(original, "odt", work / "odt", work)
            made.append((original, convert(odt, "doc", out, work)))
            wide = original == docx
            pdf = convert(ruled(original, work / original.name, landscape=wide), "pdf", out, work)
            made.append((original, pdf))
        scanned(out / "xa-cuc-lam.pdf", out / "scanned.pdf")
    for original, twin in made:
        print(f"{twin.name}: {twin.stat().st_size} bytes, from {original.name}")
        if twin.suffix != ".pdf" and rows_of(original) != rows_of(twin):
            print(f"!! {twin.name} does not read back to the rows of {original.name}")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
