"""Links between procedures without a national code and the code they later get.

A procedure announced without a national code ("Không có mã số") is kept
under its local identifier (:func:`tthc.codes.local_id`). When a later
decision or a portal export gives a procedure of the same name *with* a
national code, tthc proposes a link; the user confirms it (``tthc link
confirm``), and from then on the procedure's whole history is replayed under
the national code. Links live in the catalogue file ``links.toml``:

.. code-block:: toml

    [[links]]
    local = "L:2020-08-03_1766-qd-ubnd:032"
    code = "1.012345"
    name = "Chuyển đổi công ty luật …"
    source = "danh-sach-tthc.xlsx, row 12"
    status = "proposed"

>>> link = Link(local="L:2020-08-03_1766-qd-ubnd:032", code="1.012345", name="A",
...             source="x.xlsx, row 3")
>>> link.confirmed, attrs.evolve(link, status="confirmed").confirmed
(False, True)
>>> aliases([link, Link(local="L:2020-08-03_1766-qd-ubnd:052", code="1.000001",
...                     name="B", source="", status="confirmed")])
{'L:2020-08-03_1766-qd-ubnd:052': '1.000001'}
>>> read_links_text(dumps_links([link]), "links.toml") == (link,)
True
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from tthc import codes
from tthc.errors import CatalogDataError, Problem
from tthc.text import match_key, nfc

if TYPE_CHECKING:
    from tthc.catalog import Catalog
    from tthc.decision import DecisionKey
    from tthc.lifecycle import Version
    from tthc.procedure import Field

__all__ = [
    "LINKS_FILE",
    "Candidate",
    "Link",
    "aliases",
    "confirm_link",
    "dumps_links",
    "link_warnings",
    "propose_links",
    "read_links_text",
]

#: The file of a catalogue folder that holds the links.
LINKS_FILE = "links.toml"

LinkStatus = Literal["proposed", "confirmed"]
_KEYS = ("local", "code", "name", "source", "status")


@attrs.frozen(kw_only=True)
class Link:
    """A proposed or confirmed link: *local* is the procedure *code* names nationally.

    .. versionadded:: 0.1
    """

    #: The local identifier of the procedure without a national code.
    local: str
    #: The national code proposed for it.
    code: str
    #: The name both sides share (as the catalogue has it).
    name: str
    #: Where the national code was seen: a file and row, or a decision.
    source: str
    #: ``proposed`` until the user confirms it, then ``confirmed``.
    status: LinkStatus = "proposed"

    @property
    def confirmed(self) -> bool:
        """True once the user has confirmed the link."""
        return self.status == "confirmed"


@attrs.frozen(kw_only=True)
class Candidate:
    """A procedure with a national code, seen in a decision or a portal export."""

    code: str
    name: str
    source: str
    field: Field | None = None


def aliases(links: Iterable[Link]) -> dict[str, str]:
    """The confirmed links as a mapping local identifier → national code."""
    return {link.local: link.code for link in links if link.confirmed}


def read_links_text(text: str, source: str = LINKS_FILE) -> tuple[Link, ...]:
    """Read the text of ``links.toml``.

    Raises:
        CatalogDataError: with every problem (TOML syntax, unknown key,
            invalid identifier or code, unknown status, a local identifier
            confirmed twice), each naming the file and key path.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogDataError([Problem(source=source, path="", code="toml-syntax",
                                        message=str(exc))], f"{source}: invalid TOML") from None
    problems: list[Problem] = []
    links: list[Link] = []

    def bad(path: str, message: str) -> None:
        problems.append(Problem(source=source, path=path, message=message, code="invalid-link"))

    extra = sorted(set(data) - {"links"})
    if extra:
        bad("$", f"unknown key(s) {', '.join(extra)} (only [[links]] tables)")
    items = data.get("links", [])
    if not isinstance(items, list):
        bad("$.links", "expected [[links]] tables")
        items = []
    confirmed: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"$.links[{index}]"
        if not isinstance(item, dict):
            bad(path, "expected a table")
            continue
        unknown = sorted(set(item) - set(_KEYS))
        if unknown:
            bad(path, f"unknown key(s) {', '.join(unknown)}")
        values = {key: item.get(key, "" if key != "status" else "proposed") for key in _KEYS}
        if not all(isinstance(value, str) for value in values.values()):
            bad(path, "every value is text")
            continue
        if not codes.is_local_id(values["local"]):
            bad(f"{path}.local", f"not a local identifier: {values['local']!r}")
        if not codes.is_national(values["code"]):
            bad(f"{path}.code", f"not a national code: {values['code']!r}")
        if values["status"] not in ("proposed", "confirmed"):
            bad(f"{path}.status", f"status is 'proposed' or 'confirmed', not {values['status']!r}")
            continue
        if values["status"] == "confirmed":
            if values["local"] in confirmed:
                bad(path, f"{values['local']} is already confirmed as "
                    f"links[{confirmed[values['local']]}]")
            confirmed[values["local"]] = index
        links.append(Link(local=values["local"], code=values["code"], name=nfc(values["name"]),
                          source=nfc(values["source"]), status=values["status"]))
    if problems:
        raise CatalogDataError(problems, f"{source}: {len(problems)} problem(s)")
    return tuple(links)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(ch if ch >= " " or ch == "\t" else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'


def dumps_links(links: Iterable[Link]) -> str:
    """The text of ``links.toml`` (deterministic: sorted by local identifier, then code)."""
    out = ["# Links between procedures without a national code and their national code.",
           "# 'tthc link confirm LOCAL CODE' confirms a proposal; see docs/catalog-format.md.",
           ""]
    for link in sorted(links, key=lambda item: (item.local, item.code)):
        out.append("[[links]]")
        out.extend(f"{key} = {_quote(getattr(link, key))}" for key in _KEYS)
        out.append("")
    return "\n".join(out)


def propose_links(catalog: Catalog, candidates: Iterable[Candidate],
                  existing: Sequence[Link] = ()) -> list[Link]:
    """Proposals for the catalogue's procedures without a national code.

    A candidate (a procedure with a national code) is proposed for each
    procedure of *catalog* kept under a local identifier whose name has the
    same :func:`~tthc.text.match_key` (the field is not compared: portals
    and decisions name fields differently, and the user confirms). Nothing
    is proposed for a local identifier already confirmed, for a pair
    already proposed, or for a national code the catalogue already has
    as a procedure of its own (linking would merge two procedures).
    """
    known = {(link.local, link.code) for link in existing}
    done = {link.local for link in existing if link.confirmed}
    national_in_catalog = {code for code, _level in catalog.timelines if codes.is_national(code)}
    codeless: dict[str, list[tuple[str, Any]]] = {}
    for (code, _level), versions in sorted(catalog.timelines.items()):
        if not codes.is_local_id(code) or code in done:
            continue
        last = versions[-1].procedure
        codeless.setdefault(match_key(last.name), []).append((code, last))
    found: dict[tuple[str, str], Link] = {}
    for candidate in candidates:
        if candidate.code in national_in_catalog:
            continue
        for local, procedure in codeless.get(match_key(candidate.name), ()):
            pair = (local, candidate.code)
            if pair in known or pair in found:
                continue
            found[pair] = Link(local=local, code=candidate.code, name=procedure.name,
                               source=candidate.source)
    return [found[pair] for pair in sorted(found)]


def confirm_link(links: Sequence[Link], local: str, code: str) -> tuple[Link, ...]:
    """*links* with the proposal (*local*, *code*) confirmed.

    Raises:
        LookupError: no such proposal, or *local* is already confirmed (as
            another code, or as this one).
    """
    target = None
    for link in links:
        if link.local == local and link.confirmed:
            raise LookupError(f"{local} is already linked to {link.code}")
        if link.local == local and link.code == code:
            target = link
    if target is None:
        raise LookupError(f"no proposed link {local} → {code} (see 'tthc link list')")
    # The other proposals for the same local identifier are dropped: only one can be right.
    return tuple(attrs.evolve(link, status="confirmed") if link is target else link
                 for link in links if link is target or link.local != local)


def link_warnings(timelines: Mapping[tuple[str, str], tuple[Version, ...]],
                  sources: Mapping[DecisionKey, str], links: Sequence[Link],
                  source: str = LINKS_FILE) -> list[Problem]:
    """``tthc validate`` warnings: each unconfirmed proposal, each procedure without a code.

    A procedure without a national code is valid (a warning, not an error),
    until a link gives it one. *timelines* and *sources* are those of the
    replay (:attr:`tthc.lifecycle.Replay.timelines`, the decision files).
    """
    problems = [
        Problem(source=source, path=f"$.links[{index}]", code="link-proposed", severity="warning",
                message=f"{link.local} ({link.name!r}) may be the procedure {link.code} "
                f"(seen in {link.source}): confirm with 'tthc link confirm {link.local} "
                f"{link.code}'")
        for index, link in enumerate(links) if not link.confirmed
    ]
    linked = aliases(links)
    seen: dict[str, list[str]] = {}
    for (code, level), versions in timelines.items():
        if codes.is_local_id(code) and code not in linked and versions[-1].valid_until is None:
            seen.setdefault(code, []).append(level)
    for code, levels in sorted(seen.items()):
        first = timelines[(code, levels[0])]
        name = first[-1].procedure.name
        problems.append(Problem(
            source=sources.get(first[0].decision) or "decisions", path="",
            code="no-national-code", severity="warning",
            message=f"{code} {name!r} ({', '.join(levels)}) is in force with no national code "
            f"({codes.NO_CODE})"))
    return problems
