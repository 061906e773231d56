"""The static site in a real browser: headless Chromium opens it from ``file://``.

Chromium runs the shipped search script (``--dump-dom`` after a virtual-time
budget gives the page as the script left it), takes screenshots and prints
to PDF. The QR code is read back from the screenshot by ``zbarimg``
(Debian's ``zbar-tools``), so the test proves that the image loads under
the page's Content-Security-Policy and that it opens the intended address.

Screenshots are kept as test artefacts in ``$TTHC_ARTEFACTS`` (default:
``build/test-artefacts/`` in the checkout, which git ignores).

The tests are labelled ``slow``; they are never skipped. Without Chromium or
zbarimg they fail, saying how to install them.
"""

from __future__ import annotations

import html.parser
import os
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pypdf
import pytest

import tthc.site
from tthc.catalog import Catalog, load_catalog
from tthc.cli import main
from tthc.export import DEFAULT_QR_URL, publish
from tthc.posting_list import build_posting_list
from tthc.site import build_site, search_text

pytestmark = pytest.mark.slow

AS_OF = date(2019, 12, 31)
DESK = "xa-tung-lam"
REPO = Path(__file__).resolve().parents[1]
#: A4 portrait in PostScript points (210 × 297 mm).
A4_PORTRAIT = (595.28, 841.89)


def artefacts() -> Path:
    """The folder test artefacts (screenshots) are written to."""
    folder = Path(os.environ.get("TTHC_ARTEFACTS") or REPO / "build" / "test-artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _tool(names: tuple[str, ...], hint: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(hint)


def _chromium() -> str:
    return _tool(("chromium", "chromium-browser"),
                 "Chromium is not installed: the site browser tests need it "
                 "(Debian: apt-get install -y chromium; .ci/run installs it)")


def _run_chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    command = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}", *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0:
        pytest.fail(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


def dump_dom(url: str, profile: Path) -> str:
    """The DOM of *url* after its scripts ran (a 5 s virtual-time budget)."""
    return _run_chromium(["--virtual-time-budget=5000", "--dump-dom", url], profile).stdout


def screenshot(url: str, path: Path, profile: Path, size: str = "1000,1400") -> Path:
    """A PNG screenshot of *url*."""
    _run_chromium([f"--window-size={size}", "--virtual-time-budget=3000",
                   f"--screenshot={path}", url], profile)
    if not path.is_file():
        pytest.fail(f"chromium wrote no screenshot at {path}")
    return path


class _Items(html.parser.HTMLParser):
    """The procedure items of a desk index: (href, data-s, hidden)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, str, bool]] = []
        self.status = ""
        self._in_status = False
        self._last: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "li" and "data-s" in found:
            self._last = found
        elif tag == "a" and self._last is not None:
            self.items.append((found.get("href") or "", self._last["data-s"] or "",
                               "hidden" in self._last))
            self._last = None
        self._in_status = found.get("id") == "search-status"

    def handle_data(self, data: str) -> None:
        if self._in_status:
            self.status += data

    def handle_endtag(self, tag: str) -> None:
        self._in_status = False


def items_of(dom: str) -> _Items:
    parser = _Items()
    parser.feed(dom)
    return parser


@pytest.fixture(name="catalog", scope="module")
def _catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(name="site", scope="module")
def _site(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(catalog, AS_OF, out, desks=["huyen", DESK])
    return out


@pytest.fixture(name="profile", scope="module")
def _profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chromium-profile")


def _index_url(site: Path, desk: str, query: str | None = None) -> str:
    url = (site / desk / "index.html").as_uri()
    if query is not None:
        from urllib.parse import quote

        url += "?q=" + quote(query)
    return url


@pytest.mark.parametrize(
    ("query", "must_find"),
    [
        ("dang ky khai sinh", "1.001193"),  # typed without diacritics
        ("DANG KY KET HON", "1.000894"),    # upper case, no diacritics
        ("Đăng ký khai sinh", "1.001193"),  # typed with them
        ("1.001193", "1.001193"),           # by code
    ],
)
def test_search_folds_diacritics(
    site: Path, profile: Path, query: str, must_find: str
) -> None:
    """The browser shows exactly the procedures whose folded text holds every query word."""
    dom = dump_dom(_index_url(site, DESK, query), profile)
    parsed = items_of(dom)
    words = search_text(query).split()
    expected = {href for href, text, _ in parsed.items if all(w in text for w in words)}
    shown = {href for href, _, hidden in parsed.items if not hidden}

    assert len(parsed.items) == 306
    assert expected == shown
    assert f"{must_find}.html" in shown
    assert f"Tìm thấy {len(shown)} / 306 thủ tục" == parsed.status


def test_search_with_and_without_diacritics_agree(site: Path, profile: Path) -> None:
    """"dang ky khai sinh" and "Đăng ký khai sinh" show the same procedures, none extra."""
    shown = []
    for query in ("dang ky khai sinh", "Đăng ký khai sinh"):
        parsed = items_of(dump_dom(_index_url(site, DESK, query), profile))
        shown.append({href for href, _, hidden in parsed.items if not hidden})

    assert shown[0] == shown[1]
    assert 0 < len(shown[0]) < 306


def test_search_nothing_found_hides_groups(site: Path, profile: Path) -> None:
    """A query nothing matches hides every item and every field heading."""
    dom = dump_dom(_index_url(site, DESK, "khong co thu tuc nao nhu vay"), profile)

    assert all(hidden for _, _, hidden in items_of(dom).items)
    assert 'data-shown="0"' in dom
    assert re.search(r'<section class="group"(?![^>]*hidden)', dom) is None


@pytest.mark.parametrize("desk", ["huyen", DESK])
def test_index_count_equals_posting_list(
    catalog: Catalog, site: Path, profile: Path, desk: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no query the browser lists every procedure of ``tthc posting-list``."""
    assert main(["posting-list", "--desk", desk, "--as-of", AS_OF.isoformat(),
                 "--format", "csv"]) == 0
    rows = len(capsys.readouterr().out.strip().splitlines()) - 1
    parsed = items_of(dump_dom(_index_url(site, desk), profile))

    assert rows == build_posting_list(catalog, desk, AS_OF).count
    assert rows == len([1 for _, _, hidden in parsed.items if not hidden])
    assert f"{rows} thủ tục" == parsed.status


def test_links_open_in_the_browser(site: Path, profile: Path) -> None:
    """Following the home page's and an index's links reaches pages with the expected titles."""
    home = dump_dom((site / "index.html").as_uri(), profile)
    assert 'href="xa-tung-lam/index.html"' in home
    parsed = items_of(dump_dom(_index_url(site, DESK), profile))
    href = next(h for h, _, _ in parsed.items if h == "1.001193.html")
    page = dump_dom((site / DESK / href).as_uri(), profile)

    assert "<title>Thủ tục đăng ký khai sinh (1.001193)</title>" in unicodedata.normalize(
        "NFC", page)


def test_qr_code_opens_the_portal_page(catalog: Catalog, site: Path, profile: Path) -> None:
    """The QR code on the page, read from a screenshot, is the procedure's portal URL."""
    zbarimg = _tool(("zbarimg",), "zbarimg is not installed: the QR test needs it "
                    "(Debian: apt-get install -y zbar-tools; .ci/run installs it)")
    shot = screenshot((site / DESK / "1.001193.html").as_uri(),
                      artefacts() / "site-procedure-1.001193.png", profile)
    done = subprocess.run([zbarimg, "--raw", "-q", str(shot)], capture_output=True, text=True,
                          timeout=60, check=False)
    item = next(p for p in publish(catalog, DESK, AS_OF).procedures if p.code == "1.001193")

    assert done.returncode == 0, done.stderr
    assert [tthc.site._qr_url(DEFAULT_QR_URL, item, DESK)] == done.stdout.split()


def test_index_screenshot(site: Path, profile: Path) -> None:
    """A screenshot of a search on the commune desk's index is kept as an artefact."""
    shot = screenshot(_index_url(site, DESK, "dang ky khai sinh"),
                      artefacts() / "site-search.png", profile, size="1000,900")

    assert shot.stat().st_size > 10_000


def test_procedure_prints_as_a4_notice(site: Path, profile: Path, tmp_path: Path) -> None:
    """Printed, a procedure page is an A4 portrait notice without navigation."""
    pdf = tmp_path / "notice.pdf"
    _run_chromium([f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                   (site / DESK / "1.001193.html").as_uri()], profile)
    reader = pypdf.PdfReader(pdf)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFC", "".join(
        page.extract_text() for page in reader.pages)))

    assert 1 <= len(reader.pages) <= 2
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_PORTRAIT, abs=1)
    assert "Thủtụcđăngkýkhaisinh" in text
    assert "›" not in text  # the breadcrumb is not printed
    assert "Trang1/" in text
