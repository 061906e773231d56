"""The public catalogue as a static website: one folder per desk, searchable offline.

:func:`build_site` writes, for every desk open on a date (or the desks
named), what the desk must publish (:func:`tthc.export.publish`, the same
procedures as its posting list)::

    DIR/index.html                  the desks, by level, with their counts
    DIR/assets/site.css             one stylesheet (screen, phone, A4 print)
    DIR/assets/search.js            the search, shipped with tthc (no library)
    DIR/<desk>/index.html           the desk's procedures by field, with the search box
    DIR/<desk>/<code>.html          one page per procedure, with its JSON-LD
    DIR/<desk>/qr/<code>.svg        its QR code (the portal page by default)
    DIR/<desk>/catalog.json         the whole desk catalogue, plain JSON
    DIR/<desk>/catalog.jsonld       the same as JSON-LD (schema.org, CPSV-AP)
    DIR/tthc-site.json              what was built: date, desks, counts, files and digests

The pages load nothing from the network (a Content-Security-Policy allows
only the site's own stylesheet, script and images), work from ``file://``
and from any web server, and are the same bytes for the same catalogue,
date and options. The folder is built beside the target and swapped in at
the end, so a build that fails leaves the previous site as it was:

>>> import tempfile
>>> from datetime import date
>>> from pathlib import Path
>>> from tthc.catalog import load_catalog
>>> out = Path(tempfile.mkdtemp()) / "site"
>>> result = build_site(load_catalog(), date(2019, 12, 31), out, desks=["xa-tung-lam"])
>>> result.counts, (out / "xa-tung-lam" / "1.001193.html").is_file()
({'xa-tung-lam': 306}, True)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import string
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from tthc.codes import is_local_id
from tthc.errors import TthcError
from tthc.export import (
    DEFAULT_QR_URL,
    Publication,
    PublishedProcedure,
    desk_json,
    desk_jsonld,
    dumps,
    procedure_jsonld,
    publish,
)
from tthc.posting_list import (
    FEEDBACK_INTRO,
    FEEDBACK_TITLE,
    feedback_lines,
    short_date,
)
from tthc.procedure import Level
from tthc.text import fold

if TYPE_CHECKING:
    import jinja2

    from tthc.catalog import Catalog

__all__ = [
    "MANIFEST",
    "NONE_GIVEN",
    "QR_FIELDS",
    "SiteError",
    "SiteResult",
    "build_site",
    "check_qr_pattern",
    "render_site",
    "search_text",
]

#: The file naming what was built; its presence marks a folder as a tthc site.
MANIFEST = "tthc-site.json"

#: Placeholders a QR URL pattern may use.
QR_FIELDS = ("code", "slug", "desk")

#: Shown where the announcement decision gives no value.
NONE_GIVEN = "Không có thông tin trong quyết định công bố"

# Optional components of Nghị định 63/2010/NĐ-CP Điều 8, shown when the catalogue has them.
_DETAILS = (
    ("steps", "Trình tự thực hiện"),
    ("method", "Cách thức thực hiện"),
    ("dossier", "Thành phần, số lượng hồ sơ"),
    ("applicants", "Đối tượng thực hiện"),
    ("result", "Kết quả thực hiện"),
    ("conditions", "Yêu cầu, điều kiện"),
)

_NON_WORD = re.compile(r"[^0-9a-z.]+")
# Control characters HTML does not allow in text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SiteError(TthcError):
    """The site cannot be built as asked (a bad option, or a target that is not a site)."""


@attrs.frozen(kw_only=True)
class SiteResult:
    """What :func:`build_site` wrote: the folder, the date and each desk's count."""

    path: Path
    as_of: date
    counts: Mapping[str, int]
    files: int


def search_text(*parts: str) -> str:
    """The folded text the search script matches a query against.

    The script folds the query the same way (lower case, no diacritics,
    ``đ`` as ``d``, punctuation as spaces).

    >>> search_text("Đăng ký khai sinh", "1.001193", "Hộ tịch")
    'dang ky khai sinh 1.001193 ho tich'
    """
    return _NON_WORD.sub(" ", fold(" ".join(parts))).strip()


def check_qr_pattern(pattern: str) -> str:
    """Check a QR URL pattern: an ``http(s)`` URL with ``{code}``, ``{slug}`` or ``{desk}``.

    >>> check_qr_pattern("https://dvc.example.vn/tthc/{code}")
    'https://dvc.example.vn/tthc/{code}'
    >>> check_qr_pattern("javascript:alert({code})")
    Traceback (most recent call last):
    tthc.site.SiteError: QR URL pattern must start with http:// or https://: ...

    Raises:
        SiteError: not an http(s) URL, or an unknown or malformed placeholder.
    """
    if not pattern.startswith(("http://", "https://")):
        raise SiteError(f"QR URL pattern must start with http:// or https://: {pattern!r}")
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise SiteError(f"QR URL pattern {pattern!r}: {exc}") from None
    unknown = sorted(set(names) - set(QR_FIELDS))
    if unknown:
        known = ", ".join("{" + name + "}" for name in QR_FIELDS)
        raise SiteError(f"QR URL pattern {pattern!r}: unknown placeholder(s) "
                        f"{', '.join(unknown)} (known: {known})")
    return pattern


def _qr_url(pattern: str, item: PublishedProcedure, desk_id: str) -> str | None:
    """The QR target of *item*, or ``None`` when the pattern needs a code it lacks.

    A local identifier (a procedure without a national code) is no code for the portal.
    """
    if "{code}" in pattern and (not item.code or is_local_id(item.code)):
        return None
    from urllib.parse import quote

    return pattern.format(code=quote(item.code, safe=""), slug=quote(item.slug, safe=""),
                          desk=quote(desk_id, safe=""))


@lru_cache(maxsize=4096)
def _qr_svg(url: str) -> bytes:
    """The QR code of *url* as an SVG file (error correction M, 4 modules of quiet zone)."""
    import segno

    buffer = io.BytesIO()
    code = segno.make(url, error="m", micro=False)
    code.save(buffer, kind="svg", scale=4, border=4, xmldecl=True, svgclass=None,
              lineclass=None, title=url)
    return buffer.getvalue()


# --------------------------------------------------------------------------- templates


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    folder = resources.files("tthc.render").joinpath("templates", "site")
    sources = {
        item.name: item.read_text("utf-8") for item in folder.iterdir()
        if item.name.endswith(".j2")
    }
    return jinja2.Environment(
        loader=jinja2.DictLoader(sources),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,
        finalize=_finalize,
    )


def _finalize(value: Any) -> Any:
    """Drop control characters from plain text; markup made here is already clean."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return _CONTROL.sub("", value)
    return value


def _asset(name: str) -> bytes:
    return resources.files("tthc.render").joinpath("static", name).read_bytes()


def _script_json(data: Any) -> Any:
    """JSON for a ``<script type="application/ld+json">`` block, safe inside HTML."""
    from markupsafe import Markup

    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return Markup(_CONTROL.sub("", text))  # noqa: S704 - every < > & is escaped above


def _common(pub: Publication, root: str) -> dict[str, Any]:
    pl = pub.posting
    parent, body = pl.issuer_lines
    return {
        "root": root,
        "pl": pl,
        "as_of": short_date(pl.as_of),
        "unit_name": pl.unit_name,
        "province": pl.province,
        "issuer_parent": parent,
        "issuer_body": body,
        "feedback_title": FEEDBACK_TITLE,
        "feedback_intro": FEEDBACK_INTRO,
        "feedback": feedback_lines(pl.desk),
        "none_given": NONE_GIVEN,
    }


def _desk_page(pub: Publication) -> bytes:
    pl = pub.posting
    groups = []
    by_group: dict[int, list[PublishedProcedure]] = {}
    for item in pub.procedures:
        by_group.setdefault(item.group, []).append(item)
    for index, group in enumerate(pl.groups):
        items = by_group.get(index, [])
        groups.append({
            "key": group.field.key or str(index + 1),
            "heading": group.heading,
            "sector": items[0].sector if items else "",
            "count": group.count,
            "start": items[0].stt if items else 1,
            "rows": [
                {"slug": item.slug, "name": item.name, "code_label": item.code_label,
                 "search": search_text(item.name, item.code, item.local_code, item.field,
                                       item.sector)}
                for item in items
            ],
        })
    context = _common(pub, "../")
    context.update(groups=groups, level_name=Level.name_of(pl.desk.level))
    return _environment().get_template("desk.html.j2").render(context).encode("utf-8")


def _procedure_page(
    pub: Publication, item: PublishedProcedure, qr: dict[str, Any] | None,
    slugs: Mapping[str, str],
) -> bytes:
    details = [(label, getattr(item, attr)) for attr, label in _DETAILS if getattr(item, attr)]
    if item.forms:
        details.append(("Mẫu đơn, mẫu tờ khai", "\n".join(item.forms)))

    def links(steps: Iterable[Any]) -> list[dict[str, Any]]:
        return [
            {"code": step.code, "decision": step.decision, "effective": short_date(step.effective),
             "href": f"{slugs[step.code]}.html" if step.code in slugs else None}
            for step in steps
        ]

    history = [
        {"valid_from": short_date(step.valid_from),
         "valid_until": "đang áp dụng" if step.valid_until is None
         else short_date(step.valid_until),
         "kind_label": step.kind_label, "decision": step.decision}
        for step in item.history
    ]
    context = _common(pub, "../")
    context.update(
        p=item,
        since=short_date(item.since),
        details=details,
        history=history,
        replaces=links(item.replaces),
        replaced_by=links(item.replaced_by),
        qr=qr,
        jsonld=_script_json({"@context": _context(), **procedure_jsonld(pub, item)}),
    )
    return _environment().get_template("procedure.html.j2").render(context).encode("utf-8")


def _context() -> dict[str, Any]:
    from tthc.export import JSONLD_CONTEXT

    return JSONLD_CONTEXT


def _home_page(pubs: list[Publication]) -> bytes:
    first = pubs[0]
    levels: dict[str, list[dict[str, Any]]] = {}
    for pub in pubs:
        desk = pub.posting.desk
        levels.setdefault(desk.level, []).append(
            {"id": desk.id, "name": desk.name, "count": pub.count}
        )

    def rank(key: str) -> tuple[int, str]:
        try:
            return (Level.get(key).rank, key)
        except LookupError:
            return (99, key)

    context = _common(first, "")
    context["levels"] = [
        {"name": Level.name_of(key), "desks": levels[key]} for key in sorted(levels, key=rank)
    ]
    return _environment().get_template("home.html.j2").render(context).encode("utf-8")


# --------------------------------------------------------------------------- building


def _plain_id(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z_\-]{0,63}", text)) and text not in (
        "assets", "qr"
    )


def render_site(
    catalog: Catalog,
    as_of: date,
    *,
    desks: Iterable[str] | None = None,
    qr_url: str = DEFAULT_QR_URL,
) -> dict[str, bytes]:
    """Every file of the site, by relative path (``/``-separated), in sorted order.

    Args:
        catalog: the catalogue.
        as_of: the date the site is true on.
        desks: the desk ids to build (default: every desk open on *as_of*).
        qr_url: the QR target pattern (:func:`check_qr_pattern`).

    Raises:
        SiteError: no desk to build, a desk id unusable as a folder name, a bad pattern.
        UnknownDesk: a desk named is unknown or not open on *as_of*.
    """
    return _render(catalog, as_of, desks=desks, qr_url=qr_url)[0]


def _render(
    catalog: Catalog, as_of: date, *, desks: Iterable[str] | None, qr_url: str
) -> tuple[dict[str, bytes], list[Publication]]:
    check_qr_pattern(qr_url)
    wanted = list(dict.fromkeys(desks)) if desks is not None else [
        desk.id for desk in catalog.as_of(as_of).desks()
    ]
    if not wanted:
        raise SiteError(f"no desk is open on {short_date(as_of)}: nothing to build")
    bad = [repr(desk_id) for desk_id in wanted if not _plain_id(desk_id)]
    if bad:
        raise SiteError(f"desk id(s) {', '.join(bad)} cannot name a folder of the site; give "
                        "each desk a plain id (letters, digits, '-') in unit.toml")
    pubs = [publish(catalog, desk_id, as_of) for desk_id in wanted]
    files: dict[str, bytes] = {
        "assets/site.css": _asset("site.css"),
        "assets/search.js": _asset("search.js"),
        "index.html": _home_page(pubs),
    }
    for pub in pubs:
        desk_id = pub.posting.desk.id
        slugs = {item.code: item.slug for item in pub.procedures if item.code}
        files[f"{desk_id}/index.html"] = _desk_page(pub)
        files[f"{desk_id}/catalog.json"] = dumps(desk_json(pub), compact=True).encode("utf-8")
        files[f"{desk_id}/catalog.jsonld"] = dumps(desk_jsonld(pub), compact=True).encode("utf-8")
        for item in pub.procedures:
            qr = None
            url = _qr_url(qr_url, item, desk_id)
            if url is not None:
                files[f"{desk_id}/qr/{item.slug}.svg"] = _qr_svg(url)
                qr = {"url": url, "src": f"qr/{item.slug}.svg", "size": 144}
            page = f"{desk_id}/{item.slug}.html"
            if page in files:  # two procedures with one slug: never overwrite silently
                raise SiteError(f"{desk_id}: two procedures would share the page {page}")
            files[page] = _procedure_page(pub, item, qr, slugs)
    manifest = {
        "generator": "tthc",
        "as_of": as_of.isoformat(),
        "qr_url": qr_url,
        "desks": [{"id": pub.posting.desk.id, "count": pub.count} for pub in pubs],
        "files": {
            name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())
        },
    }
    files[MANIFEST] = dumps(manifest).encode("utf-8")
    return dict(sorted(files.items())), pubs


def _is_site(folder: Path) -> bool:
    return (folder / MANIFEST).is_file()


def build_site(
    catalog: Catalog,
    as_of: date,
    output: str | os.PathLike[str],
    *,
    desks: Iterable[str] | None = None,
    qr_url: str = DEFAULT_QR_URL,
    force: bool = False,
) -> SiteResult:
    """Build the site into the folder *output*, atomically.

    The files are written into a new folder beside *output*, which then
    takes *output*'s place (the previous site is renamed aside first and
    removed last). Any failure before the swap leaves *output* as it was and
    removes the new folder.

    Args:
        force: replace an existing site. A folder that is not a tthc site
            (no ``tthc-site.json``) and is not empty is never replaced.

    Raises:
        SiteError: *output* exists and *force* is false, or it is not a tthc site.
        OSError: the folder cannot be written.
    """
    target = Path(output)
    if target.exists():
        if not target.is_dir():
            raise SiteError(f"{target}: not a folder")
        if any(target.iterdir()) and not _is_site(target):
            raise SiteError(f"{target}: the folder is not empty and is not a tthc site "
                            f"(no {MANIFEST}); choose an empty or new folder")
        if any(target.iterdir()) and not force:
            raise SiteError(f"{target}: a site is already there (use --force to replace it)")
    files, pubs = _render(catalog, as_of, desks=desks, qr_url=qr_url)
    from tthc._io import atomic_write_tree

    atomic_write_tree(target, files, replace=True)
    counts = {pub.posting.desk.id: pub.count for pub in pubs}
    return SiteResult(path=target, as_of=as_of, counts=counts, files=len(files))
