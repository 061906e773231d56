"""The static public site and the JSON exports: content, counts, links, determinism, atomicity."""

from __future__ import annotations

import errno
import hashlib
import html.parser
import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import attrs
import pytest

import tthc._io
import tthc.site
from tthc.catalog import Catalog, load_catalog
from tthc.cli import main
from tthc.export import (
    DEFAULT_QR_URL,
    NO_CODE,
    code_label,
    desk_json,
    desk_jsonld,
    publish,
)
from tthc.posting_list import build_posting_list
from tthc.site import MANIFEST, SiteError, build_site, check_qr_pattern, render_site, search_text

AS_OF = date(2019, 12, 31)
DESK = "xa-tung-lam"


@pytest.fixture(name="catalog", scope="module")
def _catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(name="files", scope="module")
def _files(catalog: Catalog) -> dict[str, bytes]:
    """The whole example site on 31/12/2019 (every desk), in memory."""
    return render_site(catalog, AS_OF)


@pytest.fixture(name="built", scope="module")
def _built(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(catalog, AS_OF, out, desks=["huyen", DESK])
    return out


class _Links(html.parser.HTMLParser):
    """Collects every href and src, and the text of data-count attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.counts: list[int] = []
        self.items: list[str] = []

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        found = dict(attrs_)
        for name in ("href", "src"):
            value = found.get(name)
            if value is not None:
                self.links.append((tag, value))
        if tag == "li" and found.get("data-s") is not None:
            self.items.append(found["data-s"] or "")


def _parse(data: bytes) -> _Links:
    parser = _Links()
    parser.feed(data.decode("utf-8"))
    return parser


def _data_counts(page: bytes, marker: str) -> list[int]:
    return [int(n) for n in re.findall(marker + r'[^>]*data-count="(\d+)"', page.decode())]


class TestCounts:
    """Every desk's index lists exactly its posting list, field by field."""

    def test_every_open_desk_matches_its_posting_list(
        self, catalog: Catalog, files: dict[str, bytes]
    ) -> None:
        """Summary count, field counts, listed items and procedure pages equal the posting list."""
        desks = catalog.as_of(AS_OF).desks()
        assert len(desks) == 16
        for desk in desks:
            pl = build_posting_list(catalog, desk.id, AS_OF)
            page = files[f"{desk.id}/index.html"]

            assert [pl.count] == _data_counts(page, 'id="summary"')
            assert [g.count for g in pl.groups] == _data_counts(page, '<section class="group"')
            assert len(pl.rows) == len(_parse(page).items)
            pages = [n for n in files if re.fullmatch(rf"{desk.id}/[^/]+\.html", n)]
            assert pl.count == len(pages) - 1  # minus the index

    def test_home_page_counts(self, catalog: Catalog, files: dict[str, bytes]) -> None:
        """The home page gives each desk the count of its posting list."""
        expected = [build_posting_list(catalog, d.id, AS_OF).count
                    for d in catalog.as_of(AS_OF).desks()]

        assert sorted(expected) == sorted(_data_counts(files["index.html"], "<td"))

    def test_cli_posting_list_agrees(
        self, files: dict[str, bytes], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The index count equals the rows ``tthc posting-list --format csv`` prints."""
        assert main(["posting-list", "--desk", DESK, "--as-of", "2019-12-31",
                     "--format", "csv"]) == 0
        rows = capsys.readouterr().out.strip().splitlines()

        assert _data_counts(files[f"{DESK}/index.html"], 'id="summary"') == [len(rows) - 1]


class TestPages:
    """Procedure pages carry what the issue lists, escaped and NFC."""

    def test_procedure_page_content(self, files: dict[str, bytes]) -> None:
        """The birth-registration page of a commune shows code, field, fees, decisions, QR."""
        page = files[f"{DESK}/1.001193.html"].decode()

        for text in ("Thủ tục đăng ký khai sinh", "1.001193", "Cấp xã", "Hộ tịch", "Miễn phí",
                     "Mức độ 4", "Quyết định số 786/QĐ-UBND ngày 12/05/2016",
                     "879/QĐ-UBND ngày 12/11/2019", 'src="qr/1.001193.svg"',
                     "ma_thu_tuc=1.001193", "Quá trình thay đổi"):
            assert text in page

    def test_cut_time_shows_statutory_and_decision(
        self, catalog: Catalog, files: dict[str, bytes]
    ) -> None:
        """Where a local cut applies, the page shows the statutory time and the cut decision."""
        pub = publish(catalog, "huyen", AS_OF)
        item = next(p for p in pub.procedures if p.statutory_time is not None)
        page = files[f"huyen/{item.slug}.html"].decode()

        assert f"Thời hạn theo quy định: {item.statutory_time}" in page
        assert f"cắt giảm theo Quyết định số {item.cut_decision}" in page
        assert item.processing_time != item.statutory_time

    def test_lineage_links(self, catalog: Catalog, files: dict[str, bytes]) -> None:
        """A replacement names the other code, linked when that page is on the same desk."""
        found = 0
        for desk in catalog.as_of(AS_OF).desks():
            for item in publish(catalog, desk.id, AS_OF).procedures:
                for link in item.replaces:
                    page = files[f"{desk.id}/{item.slug}.html"].decode()
                    assert "Thay thế thủ tục" in page
                    assert link.code in page
                    found += 1
        assert found > 0

    def test_pages_are_nfc(self, files: dict[str, bytes]) -> None:
        """Every page and data file is valid UTF-8 in NFC."""
        import unicodedata

        for name, data in files.items():
            if name.endswith((".html", ".json", ".jsonld")):
                assert unicodedata.is_normalized("NFC", data.decode("utf-8")), name

    def test_names_are_escaped(self, catalog: Catalog) -> None:
        """Markup in a catalogue text is escaped, in the page and in its JSON-LD block."""
        pub = publish(catalog, DESK, AS_OF)
        real = pub.procedures[0]
        evil = attrs.evolve(real, name=real.name + " </script><script>alert(1)</script>")
        page = tthc.site._procedure_page(pub, evil, None, {}).decode()

        assert "<script>alert(1)" not in page
        assert "</script><script>" not in page
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert block is not None
        assert json.loads(block.group(1))["name"] == evil.name

    def test_missing_code(self, catalog: Catalog) -> None:
        """A procedure with no national code shows "chưa có mã số" and gets no portal QR."""
        pub = publish(catalog, DESK, AS_OF)
        item = attrs.evolve(pub.procedures[0], code="")

        assert NO_CODE == code_label(item.code) == item.code_label
        assert tthc.site._qr_url(DEFAULT_QR_URL, item, DESK) is None
        page = tthc.site._procedure_page(pub, item, None, {}).decode()
        assert "chưa có mã số" in page
        assert 'class="qr"' not in page

    def test_embedded_jsonld(self, files: dict[str, bytes]) -> None:
        """Each page embeds its procedure as a schema.org GovernmentService node."""
        page = files[f"{DESK}/1.001193.html"].decode()
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert block is not None
        node = json.loads(block.group(1))

        assert ["GovernmentService", "cpsv:PublicService"] == node["@type"]
        assert "https://schema.org/" == node["@context"]["@vocab"]
        assert "1.001193" == node["identifier"] == node["dct:identifier"]
        assert "Hộ tịch" == node["serviceType"]


class TestLinks:
    """Every link and image of the site resolves; nothing is fetched from elsewhere."""

    def test_links_resolve(self, built: Path) -> None:
        """Relative targets exist; external links are only the QR targets (anchors)."""
        pages = sorted(built.rglob("*.html"))
        assert len(pages) > 400
        external: set[str] = set()
        for page in pages:
            for tag, link in _parse(page.read_bytes()).links:
                parts = urlsplit(link)
                if parts.scheme:
                    assert tag == "a", f"{page}: {tag} loads {link}"
                    assert parts.scheme == "https"
                    external.add(link)
                    continue
                target = (page.parent / unquote(parts.path)).resolve()
                assert target.is_file(), f"{page}: {link} does not resolve"
                assert built.resolve() in target.parents
        assert all(link.startswith(DEFAULT_QR_URL.split("{")[0]) for link in external)

    def test_qr_svg_is_an_svg(self, built: Path) -> None:
        """Every page with a QR image has its SVG, titled with the target URL."""
        svg = (built / DESK / "qr" / "1.001193.svg").read_text("utf-8")

        assert svg.startswith("<?xml")
        assert "<svg" in svg
        assert "ma_thu_tuc=1.001193" in svg


class TestSearchText:
    """The folded search text matches what the shipped script folds queries to."""

    def test_fold(self) -> None:
        """Case, diacritics and đ are dropped; punctuation becomes spaces; codes stay."""
        assert "dang ky khai sinh 1.001193" == search_text("ĐĂNG KÝ, khai sinh!", "1.001193")

    def test_script_is_small_and_offline(self) -> None:
        """The shipped script fetches nothing and stays small."""
        from importlib import resources

        script = resources.files("tthc.render").joinpath("static", "search.js").read_text()
        assert len(script.encode()) < 4096
        for word in ("fetch", "XMLHttpRequest", "http:", "https:", "import("):
            assert word not in script


class TestDeterminismAndAtomicity:
    """Same input, same bytes; a failed build leaves the previous site."""

    @staticmethod
    def _tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*")) if p.is_file()}

    def test_byte_identical_rebuild(self, catalog: Catalog, built: Path, tmp_path: Path) -> None:
        """A second build in another folder writes the same files, byte for byte."""
        again = tmp_path / "again"
        build_site(load_catalog(), AS_OF, again, desks=["huyen", DESK])

        assert self._tree(built) == self._tree(again)

    def test_manifest_digests(self, built: Path) -> None:
        """The manifest names every other file with its SHA-256."""
        manifest = json.loads((built / MANIFEST).read_text("utf-8"))
        tree = self._tree(built)
        del tree[MANIFEST]

        assert {name: hashlib.sha256(data).hexdigest() for name, data in tree.items()} == (
            manifest["files"]
        )

    def test_failed_write_keeps_previous_site(
        self, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A disk-full error halfway through writing leaves the old site and no stray folder."""
        out = tmp_path / "site"
        build_site(catalog, AS_OF, out, desks=[DESK])
        before = self._tree(out)
        real_write = tthc._io._write_tree

        def full_disk(root: Path, files: dict[str, bytes]) -> None:
            half = dict(list(files.items())[: len(files) // 2])
            real_write(root, half)
            raise OSError(errno.ENOSPC, "No space left on device", str(root))

        monkeypatch.setattr(tthc._io, "_write_tree", full_disk)
        with pytest.raises(OSError, match="No space"):
            build_site(catalog, AS_OF, out, desks=["huyen"], force=True)

        assert before == self._tree(out)
        assert ["site"] == sorted(p.name for p in tmp_path.iterdir())

    def test_failed_swap_restores_previous_site(
        self, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the new folder cannot take the old one's place, the old one is put back."""
        out = tmp_path / "site"
        build_site(catalog, AS_OF, out, desks=[DESK])
        before = self._tree(out)
        real_replace = tthc._io.os.replace
        calls: list[str] = []

        def flaky(src: object, dst: object) -> None:
            calls.append(str(src))
            if len(calls) == 2:  # the new site moving in
                raise OSError(errno.EIO, "I/O error", str(dst))
            real_replace(src, dst)  # type: ignore[arg-type]

        monkeypatch.setattr(tthc._io.os, "replace", flaky)
        with pytest.raises(OSError, match="I/O"):
            build_site(catalog, AS_OF, out, desks=["huyen"], force=True)
        monkeypatch.undo()

        assert before == self._tree(out)
        assert ["site"] == sorted(p.name for p in tmp_path.iterdir())

    def test_replace_needs_force(self, catalog: Catalog, tmp_path: Path) -> None:
        """An existing site is replaced only with force; a foreign folder never."""
        out = tmp_path / "site"
        build_site(catalog, AS_OF, out, desks=[DESK])
        with pytest.raises(SiteError, match="--force"):
            build_site(catalog, AS_OF, out, desks=[DESK])
        build_site(catalog, AS_OF, out, desks=["huyen"], force=True)
        assert not (out / DESK).exists()
        assert (out / "huyen" / "index.html").is_file()

        foreign = tmp_path / "mine"
        foreign.mkdir()
        (foreign / "notes.txt").write_text("keep me")
        with pytest.raises(SiteError, match="not a tthc site"):
            build_site(catalog, AS_OF, foreign, desks=[DESK], force=True)
        assert "keep me" == (foreign / "notes.txt").read_text()


class TestQrPattern:
    """The QR URL pattern is checked before anything is built."""

    @pytest.mark.parametrize(
        ("pattern", "message"),
        [
            ("javascript:alert(1)", "http"),
            ("https://x.vn/{name}", "unknown placeholder"),
            ("https://x.vn/{code", "QR URL pattern"),
        ],
    )
    def test_bad_patterns(self, pattern: str, message: str) -> None:
        """Scripts, unknown placeholders and broken braces are refused."""
        with pytest.raises(SiteError, match=message):
            check_qr_pattern(pattern)

    def test_custom_pattern(self, catalog: Catalog) -> None:
        """A custom pattern gets the code, slug and desk, URL-quoted."""
        files = render_site(catalog, AS_OF, desks=[DESK],
                            qr_url="https://dvc.example.vn/{desk}/tthc?ma={code}")
        page = files[f"{DESK}/1.001193.html"].decode()

        assert "https://dvc.example.vn/xa-tung-lam/tthc?ma=1.001193" in page


class TestExport:
    """The whole-desk JSON and JSON-LD, and ``tthc export``."""

    def test_desk_json_matches_posting_list(self, catalog: Catalog) -> None:
        """Codes, order and numbering follow the posting list."""
        pl = build_posting_list(catalog, "huyen", AS_OF)
        data = desk_json(publish(catalog, "huyen", AS_OF))

        assert [(r.stt, r.code, r.name) for r in pl.rows] == [
            (p["stt"], p["code"], p["name"]) for p in data["procedures"]
        ]
        assert [g.count for g in pl.groups] == [f["count"] for f in data["fields"]]
        assert 1 == data["schema_version"]

    def test_jsonld_graph(self, catalog: Catalog) -> None:
        """One GovernmentService node per procedure, each with its own @id."""
        graph = desk_jsonld(publish(catalog, DESK, AS_OF))["@graph"]

        assert 306 == len(graph) == len({node["@id"] for node in graph})
        assert all("GovernmentService" in node["@type"] for node in graph)

    def test_cli_export(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """``tthc export`` prints JSON-LD, writes JSON atomically, refuses to overwrite."""
        assert 0 == main(["export", "--desk", DESK, "--as-of", "2019-12-31"])
        assert 306 == len(json.loads(capsys.readouterr().out)["@graph"])
        target = tmp_path / "desk.json"
        args = ["export", "--desk", DESK, "--as-of", "2019-12-31", "--format", "json",
                "-o", str(target)]
        assert 0 == main(args)
        assert 306 == json.loads(target.read_text("utf-8"))["count"]
        assert 2 == main(args)
        assert "already exists" in capsys.readouterr().err


class TestCli:
    """``tthc site`` builds, reports and fails with exit code 2 on bad input."""

    def test_build_all_desks(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Without --desk every desk open on the date gets its folder."""
        out = tmp_path / "site"
        assert 0 == main(["site", "--as-of", "2019-12-31", "-o", str(out)])

        assert "16 desk(s), 4729 procedure page(s)" in capsys.readouterr().err
        assert 16 == len([p for p in out.iterdir() if (p / "index.html").is_file()])

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (["--desk", "nope"], "no desk 'nope'"),
            (["--as-of", "2026-12-31", "--desk", "huyen"], "not open on 31/12/2026"),
            (["--qr-url", "ftp://x/{code}"], "http"),
            (["--as-of", "31/02/2019"], "invalid date"),
        ],
    )
    def test_bad_input(
        self, extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Unknown or closed desks, bad patterns and dates: a message and exit code 2."""
        out = tmp_path / "site"
        args = ["site", "-o", str(out), *extra]
        if "--as-of" not in extra:
            args += ["--as-of", "2019-12-31"]

        assert 2 == main(args)
        assert message in capsys.readouterr().err
        assert not out.exists()



def test_sectors_on_the_pages(catalog: Catalog, files: dict[str, bytes]) -> None:
    """Each procedure page names the sector of its field where the sector table knows it;
    the desk index says it under the field heading, and the search finds it."""
    pub = publish(catalog, "huyen", AS_OF)
    with_sector = [p for p in pub.procedures if p.sector]
    without = [p for p in pub.procedures if not p.sector]
    assert with_sector, "the example district has fields of known sectors"
    assert without, "and fields the table does not know"
    for item in (with_sector[0], without[0]):
        sector = catalog.sectors.sector_of(item.field)
        assert item.sector == ("" if sector is None else sector.sector)
        page = files[f"huyen/{item.slug}.html"].decode("utf-8")
        assert ("<dt>Ngành</dt><dd>" + item.sector + "</dd>" in page) == bool(item.sector)
    index = files["huyen/index.html"].decode("utf-8")
    assert f'<p class="sector">Ngành: {with_sector[0].sector}</p>' in index
    assert search_text(with_sector[0].sector) in index
