"""The catalogue: a folder of decisions, replayed, answering "what is in force".

A catalogue folder holds ``unit.toml`` (the district and its one-stop desks)
and one TOML file per announcement decision under ``decisions/``; the format
is described in ``docs/catalog-format.md``. :func:`load_catalog` reads a
folder, reporting every problem at once, and replays the decisions
(:mod:`tthc.lifecycle`); :meth:`Catalog.as_of` then gives the procedures in
force on a date:

>>> from datetime import date
>>> from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
>>> from tthc.desk import Desk, Unit
>>> from tthc.procedure import Field
>>> unit = Unit(name="Huyện Mẫu", province="Tỉnh Mẫu", desks=(
...     Desk(id="huyen", name="Bộ phận Một cửa huyện", level="district",
...          closed=date(2025, 6, 30)),))
>>> issue = Decision(number="12/QĐ-UBND", issuer="Chủ tịch UBND tỉnh Mẫu",
...     signed=date(2020, 1, 2), effective=date(2020, 1, 2), entries=(
...         Entry(kind=EntryKind.NEW, code="1.000001", levels=("district",),
...               content=ProcedureContent(name="Đăng ký kinh doanh hộ kinh doanh",
...                                        field=Field.of("Hộ kinh doanh"))),))
>>> catalog = Catalog(unit, [issue])
>>> view = catalog.as_of(date(2024, 1, 1))
>>> view["1.000001"].name
'Đăng ký kinh doanh hộ kinh doanh'
>>> [p.code for p in view.procedures(desk="huyen")]
['1.000001']
>>> catalog.as_of(date(2025, 7, 1)).procedures(desk="huyen")
[]
>>> view.get("1.999999") is None
True
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import hashlib
import importlib.resources
import itertools
import os
import re
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias, TypeVar, overload

import attrs

from tthc import codes
from tthc._io import (
    TomlSyntaxError,
    atomic_write,
    atomic_write_many,
    dump_toml,
    gc_paused,
    input_limit,
    read_toml,
)
from tthc._serde import structure, unstructure
from tthc.decision import Decision, DecisionKey, EntryKind
from tthc.desk import Desk, Unit
from tthc.errors import CatalogDataError, Problem, UnknownDesk, UnknownProcedure
from tthc.lifecycle import Replacement, Replay, Version, entry_problems, replay
from tthc.links import LINKS_FILE, Link, aliases, dumps_links, link_warnings, read_links_text
from tthc.procedure import Field, Level, OnlineService, PostalService, Procedure
from tthc.proctime import ProcessingTime
from tthc.sectors import OVERRIDE_FILE as SECTORS_OVERRIDE_FILE
from tthc.sectors import Sector, SectorMap, dumps_overrides, parse_overrides, shipped_sectors
from tthc.text import fold, match_key

__all__ = [
    "CATALOG_ENV",
    "Catalog",
    "CatalogFiles",
    "CatalogView",
    "Change",
    "Changes",
    "InForce",
    "Lineage",
    "SearchHit",
    "check_catalog",
    "decision_path",
    "dumps_decision",
    "dumps_unit",
    "load_catalog",
    "read_catalog",
    "resolve_catalog_path",
    "write_catalog",
    "write_decision",
]

#: The environment variable naming the default catalogue folder.
CATALOG_ENV = "TTHC_CATALOG"

#: The catalogue files: the unit, and the decisions folder.
UNIT_FILE = "unit.toml"
DECISIONS_DIR = "decisions"

PathArg: TypeAlias = "str | os.PathLike[str] | Traversable"
_D = TypeVar("_D")


# --------------------------------------------------------------------------- records


@attrs.frozen(kw_only=True)
class InForce:
    """A procedure in force at one level on the view's date.

    Attributes:
        procedure: the content in force (statutory processing time included).
        level: the level key.
        since: the effective date of the decision that set the current content.
        decision: that decision (new, amended, replaced or transferred entry).
        applied_time: the locally applied processing time after a cut, if any.
        cut_decision: the decision of that cut.
        online: the online service offered (``None``: none announced).
        postal: the postal service offered.
        version: the full :class:`~tthc.lifecycle.Version` in force.
    """

    procedure: Procedure
    level: str
    since: date
    decision: DecisionKey
    applied_time: ProcessingTime | None
    cut_decision: DecisionKey | None
    online: OnlineService | None
    postal: PostalService
    version: Version = attrs.field(repr=False)

    @property
    def code(self) -> str:
        """The national code."""
        return self.procedure.code

    @property
    def processing_time(self) -> ProcessingTime:
        """The time to post and count with: the applied time if cut, else the statutory one."""
        return self.applied_time or self.procedure.processing_time


@attrs.frozen(kw_only=True)
class SearchHit:
    """A search result: the procedure and its similarity score (0–100)."""

    code: str
    procedure: Procedure
    score: float


@attrs.frozen(kw_only=True)
class Lineage:
    """The replacement chain around a code.

    ``replaces`` holds every replacement that led to *code* (transitively,
    oldest first); ``replaced_by`` every replacement that followed from it.
    """

    code: str
    replaces: tuple[Replacement, ...] = ()
    replaced_by: tuple[Replacement, ...] = ()

    @property
    def predecessors(self) -> tuple[str, ...]:
        """The codes *code* descends from, oldest first."""
        return tuple(dict.fromkeys(step.old for step in self.replaces))

    @property
    def successors(self) -> tuple[str, ...]:
        """The codes that descend from *code*, in the order they appeared."""
        return tuple(dict.fromkeys(step.new for step in self.replaced_by))


@attrs.frozen(kw_only=True)
class Change:
    """One entry of a decision at one level, as counted by :meth:`Catalog.changes`."""

    kind: EntryKind
    code: str
    level: str
    decision: DecisionKey
    entry: int
    effective: date
    successor: str | None = None
    to_levels: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Changes:
    """The entries of the decisions effective in a period, by kind.

    Attributes:
        start, end: the period (both days included), on effective dates.
        items: one :class:`Change` per entry and level, in replay order.
        per_level: for each kind, the number of distinct (code, level) pairs.
        per_code: for each kind, the number of distinct codes.
    """

    start: date
    end: date
    items: tuple[Change, ...]
    per_level: Mapping[EntryKind, int]
    per_code: Mapping[EntryKind, int]

    def of(self, kind: EntryKind) -> tuple[Change, ...]:
        """The changes of one kind."""
        return tuple(item for item in self.items if item.kind is kind)

    def codes(self, kind: EntryKind) -> tuple[str, ...]:
        """The distinct codes changed by entries of *kind*, sorted."""
        return tuple(sorted({item.code for item in self.items if item.kind is kind}))

    def pairs(self, kind: EntryKind) -> tuple[tuple[str, str], ...]:
        """The distinct (code, level) pairs changed by entries of *kind*, sorted."""
        found = {(item.code, item.level) for item in self.items if item.kind is kind}
        return tuple(sorted(found, key=lambda pair: (pair[0], _rank(pair[1]), pair[1])))


@attrs.frozen(kw_only=True)
class CatalogFiles:
    """What a catalogue folder holds, read and checked but not replayed."""

    root: str
    unit: Unit
    decisions: tuple[Decision, ...]
    #: The file of each decision, relative to the root (``decisions/2020/….toml``).
    sources: Mapping[DecisionKey, str]
    #: The rows of the folder's ``sectors.csv`` (:mod:`tthc.sectors`), if it has one.
    sector_overrides: tuple[Sector, ...] = ()
    #: The links of ``links.toml`` (procedures without a national code → their code).
    links: tuple[Link, ...] = ()


def _rank(level: str) -> int:
    try:
        return Level.get(level).rank
    except LookupError:
        return 1_000


def _link_key(link: Link) -> tuple[str, str, str]:
    return (link.local, link.code, link.status)


def _national(code: str) -> str | None:
    """The national code of *code* (local forms accepted), or ``None`` if it is no code."""
    if not isinstance(code, str):
        return None
    if codes.is_national(code):
        return code
    return codes.validate(code) if codes.is_valid(code) else None


def _day(value: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__} {value!r}")
    return value


# --------------------------------------------------------------------------- the view


class CatalogView:
    """The catalogue in force on one date (from :meth:`Catalog.as_of`).

    Procedures are listed by code, then level (highest level of government
    first). When a code is in force at several levels, ``view[code]`` and
    :meth:`get` return the version at the highest level of government (the
    lowest :attr:`~tthc.procedure.Level.rank`: province, then district, then
    commune) unless a *level* is given; :meth:`versions` returns them all.
    """

    __slots__ = ("_by_code", "_catalog", "_date", "_records", "_search", "_versions")

    def __init__(self, catalog: Catalog, day: date, versions: list[Version]) -> None:
        self._catalog = catalog
        self._date = day
        self._versions = versions
        self._by_code: dict[str, tuple[int, int]] | None = None
        self._records: list[InForce] | None = None
        self._search: dict[str, str] | None = None

    def __repr__(self) -> str:
        return f"<CatalogView {self._date} {len(self._versions)} procedures in force>"

    @property
    def date(self) -> date:
        """The date of the view."""
        return self._date

    @property
    def catalog(self) -> Catalog:
        """The catalogue the view is taken from."""
        return self._catalog

    # -- selection

    def _index(self) -> dict[str, tuple[int, int]]:
        """Where each code's versions are in the view (they are sorted by code)."""
        if self._by_code is None:
            self._by_code = _ranges(self._versions)
        return self._by_code

    def _select(
        self,
        level: Level | str | None,
        desk: Desk | str | None,
        field: Field | str | None,
    ) -> Iterator[Version]:
        level_key = None if level is None else _level_key(level)
        if desk is not None:
            found = self._catalog.desk(desk.id if isinstance(desk, Desk) else desk)
            if not found.is_open(self._date):
                return
            if level_key is not None and level_key != found.level:
                return
            level_key = found.level
        field_key = None
        if field is not None:
            field_key = field.key if isinstance(field, Field) else Field.of(field).key
        for version in self._versions:
            procedure = version.procedure
            if level_key is not None and procedure.level != level_key:
                continue
            if field_key is not None and procedure.field.key != field_key:
                continue
            yield version

    def procedures(
        self,
        level: Level | str | None = None,
        desk: Desk | str | None = None,
        field: Field | str | None = None,
    ) -> list[Procedure]:
        """The procedures in force, one per (code, level), sorted by code then level.

        Args:
            level: only this level (a :class:`~tthc.procedure.Level` or its key).
            desk: only the level of this desk (a :class:`~tthc.desk.Desk` or its
                id), and nothing when the desk is not open on the date.
            field: only this field (a :class:`~tthc.procedure.Field` or any spelling).

        Raises:
            UnknownDesk: no desk with that id.
            LookupError: no level with that key.
        """
        return [version.procedure for version in self._select(level, desk, field)]

    def entries(
        self,
        level: Level | str | None = None,
        desk: Desk | str | None = None,
        field: Field | str | None = None,
    ) -> list[InForce]:
        """Like :meth:`procedures`, with the applied time, service and decisions of each."""
        return [self._catalog._in_force(version) for version in self._select(level, desk, field)]

    def codes(self) -> list[str]:
        """The distinct codes in force, sorted."""
        return list(self._index())

    def desks(self) -> list[Desk]:
        """The desks open on the date."""
        return [desk for desk in self._catalog.desks if desk.is_open(self._date)]

    # -- lookup

    def _versions_of(self, code: str) -> list[Version]:
        national = self._catalog.key_of(code)
        where = self._index().get(national) if national else None
        return self._versions[where[0] : where[1]] if where else []

    def versions(self, code: str) -> list[Procedure]:
        """The versions of *code* in force at each level (highest level first); may be empty."""
        return [version.procedure for version in self._versions_of(code)]

    def record(self, code: str, level: Level | str | None = None) -> InForce | None:
        """The :class:`InForce` record of *code* (at *level*), or ``None``."""
        found = self._pick(code, level)
        return None if found is None else self._catalog._in_force(found)

    def _pick(self, code: str, level: Level | str | None) -> Version | None:
        candidates = self._versions_of(code)
        if level is not None:
            key = _level_key(level)
            candidates = [v for v in candidates if v.level == key]
        return candidates[0] if candidates else None

    @overload
    def get(self, code: str, default: None = None, level: Level | str | None = None) -> (
        Procedure | None
    ): ...
    @overload
    def get(self, code: str, default: _D, level: Level | str | None = None) -> Procedure | _D: ...
    def get(self, code: str, default: object = None, level: Level | str | None = None) -> object:
        """The procedure *code* (a national or local code) in force, or *default*. Never raises."""
        try:
            found = self._pick(code, level)
        except LookupError:
            return default
        return default if found is None else found.procedure

    def __getitem__(self, code: str) -> Procedure:
        """The procedure *code* in force.

        Raises:
            UnknownProcedure: *code* is not in force on the date.
        """
        found = self._pick(code, None)
        if found is None:
            raise UnknownProcedure(
                code, f"no procedure {code!r} in force on {self._date:%d/%m/%Y}"
            )
        return found.procedure

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and bool(self._versions_of(code))

    def __len__(self) -> int:
        """The number of (code, level) pairs in force."""
        return len(self._versions)

    def __iter__(self) -> Iterator[Procedure]:
        """The procedures in force, as :meth:`procedures` lists them."""
        return (version.procedure for version in self._versions)

    # -- search

    def search(self, text: str, limit: int = 10, *, min_score: float = 50.0) -> list[SearchHit]:
        """Find procedures by name (or code), best first.

        Names are compared on :func:`tthc.text.match_key` with rapidfuzz's
        ``WRatio``; equal scores are ordered by code. A text that is a code
        finds that procedure first, with score 100.

        Args:
            text: a name, part of a name, or a code.
            limit: the most results to return.
            min_score: the lowest score kept.
        """
        from rapidfuzz import fuzz, process

        hits: dict[str, float] = {}
        national = self._catalog.key_of(text.strip()) if isinstance(text, str) else None
        if national and national in self._index():
            hits[national] = 100.0
        query = match_key(text)
        if query:
            if self._search is None:
                keys = self._catalog._match_keys
                names = {code: self._versions[start].procedure.name
                         for code, (start, _) in self._index().items()}
                self._search = {
                    code: keys.get(name) or keys.setdefault(name, match_key(name))
                    for code, name in names.items()
                }
            for _choice, score, code in process.extract(
                query, self._search, scorer=fuzz.WRatio, processor=None, limit=None,
                score_cutoff=min_score,
            ):
                hits.setdefault(code, float(score))
        ranked = sorted(hits.items(), key=lambda item: (-item[1], item[0]))[: max(limit, 0)]
        index = self._index()
        return [SearchHit(code=code, procedure=self._versions[index[code][0]].procedure,
                          score=score) for code, score in ranked]


def _level_key(level: Level | str) -> str:
    return level.key if isinstance(level, Level) else Level.get(level).key


# --------------------------------------------------------------------------- the catalogue


class Catalog:
    """A unit's catalogue: its desks and decisions, replayed into timelines.

    Build one with :func:`load_catalog`, or from records:
    ``Catalog(unit, decisions)`` replays the decisions and raises
    :class:`~tthc.errors.LifecycleError` with every impossible transition.
    Catalogues are immutable; two are equal when their unit, decisions and links are.
    """

    _VIEW_CACHE = 64

    def __init__(
        self,
        unit: Unit,
        decisions: Iterable[Decision] = (),
        *,
        sources: Mapping[DecisionKey, str] | None = None,
        root: str | None = None,
        sector_overrides: Iterable[Sector] = (),
        links: Iterable[Link] = (),
    ) -> None:
        self._sources: Mapping[DecisionKey, str] = MappingProxyType(dict(sources or {}))
        self._sector_overrides = tuple(sector_overrides)
        self._sectors: SectorMap | None = None
        self._links = tuple(links)
        self._aliases = MappingProxyType(aliases(self._links))
        with gc_paused():
            self._build(unit, decisions, root)

    def _build(self, unit: Unit, decisions: Iterable[Decision], root: str | None) -> None:
        result = replay(decisions, unit=unit, sources=self._sources, aliases=self._aliases)
        self._unit = unit
        self._root = root
        self._replay: Replay = result
        self._decisions: dict[DecisionKey, Decision] = {d.key: d for d in result.decisions}
        self._desks: dict[str, Desk] = {desk.id: desk for desk in unit.desks}
        versions = result.versions
        self._versions = versions
        self._starts = [v.valid_from.toordinal() for v in versions]
        never = date.max.toordinal() + 1
        self._ends = [v.valid_until.toordinal() if v.valid_until else never for v in versions]
        self._in_force_cache: dict[int, InForce] = {}
        self._by_code = _ranges(versions)
        # Procedure name → tthc.text.match_key, shared by the views' searches.
        self._match_keys: dict[str, str] = {}
        self._views: OrderedDict[date, CatalogView] = OrderedDict()
        self._selected: OrderedDict[date, list[Version]] = OrderedDict()
        # The dates on which something changes: views between two are equal.
        bounds = {v.valid_from for v in versions}
        bounds.update(v.valid_until for v in versions if v.valid_until)
        self._bounds = sorted(bounds)

    # -- plain attributes

    @property
    def unit(self) -> Unit:
        """The administrative unit."""
        return self._unit

    @property
    def desks(self) -> tuple[Desk, ...]:
        """The unit's one-stop desks."""
        return self._unit.desks

    @property
    def decisions(self) -> tuple[Decision, ...]:
        """The decisions, in replay order."""
        return self._replay.decisions

    @property
    def versions(self) -> tuple[Version, ...]:
        """Every version, by code, level and time."""
        return self._versions

    @property
    def timelines(self) -> Mapping[tuple[str, str], tuple[Version, ...]]:
        """The versions of each (code, level), in time order."""
        return self._replay.timelines

    @property
    def replacements(self) -> tuple[Replacement, ...]:
        """Every replacement, in replay order."""
        return self._replay.replacements

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Suspicious but possible data found by the replay."""
        return self._replay.warnings

    @property
    def sources(self) -> Mapping[DecisionKey, str]:
        """The file of each decision (empty for catalogues built in memory)."""
        return self._sources

    @property
    def sectors(self) -> SectorMap:
        """Field → sector: the shipped table with the folder's ``sectors.csv`` over it."""
        if self._sectors is None:
            self._sectors = shipped_sectors().override(self._sector_overrides)
        return self._sectors

    @property
    def root(self) -> str | None:
        """The folder the catalogue was loaded from, if any."""
        return self._root

    def __repr__(self) -> str:
        return (f"<Catalog {self._unit.name!r}: {len(self._decisions)} decisions, "
                f"{len(self._versions)} versions>")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Catalog):
            return NotImplemented
        return (self._unit == other._unit and self.decisions == other.decisions
                and sorted(self._links, key=_link_key) == sorted(other._links, key=_link_key)
                and _sector_rows(self._sector_overrides) == _sector_rows(other._sector_overrides))

    __hash__ = None  # type: ignore[assignment]

    # -- lookups

    def desk(self, desk_id: str) -> Desk:
        """The desk with this id.

        Raises:
            UnknownDesk: no such desk.
        """
        try:
            return self._desks[desk_id]
        except (KeyError, TypeError):
            known = ", ".join(sorted(self._desks)) or "none"
            raise UnknownDesk(desk_id, f"no desk {desk_id!r} (desks: {known})") from None

    def decision(self, key: DecisionKey) -> Decision:
        """The decision with this identity (issuer, number, signing date).

        Raises:
            LookupError: no such decision.
        """
        try:
            return self._decisions[DecisionKey(*key)]
        except (KeyError, TypeError):
            raise LookupError(f"no decision {tuple(key)!r} in the catalogue") from None

    def find_decisions(self, number: str) -> list[Decision]:
        """The decisions with this number (``1766/QĐ-UBND``; case and accents ignored)."""
        wanted = fold(number)
        return [d for d in self.decisions if fold(d.number) == wanted]

    def _in_force(self, version: Version) -> InForce:
        cached = self._in_force_cache.get(id(version))
        if cached is None:
            procedure = version.procedure
            cached = InForce(
                procedure=procedure,
                level=procedure.level,
                since=version.announced_on,
                decision=version.announced_by,
                applied_time=version.applied_time,
                cut_decision=version.cut_decision,
                online=procedure.online,
                postal=procedure.postal,
                version=version,
            )
            self._in_force_cache[id(version)] = cached
        return cached

    # -- the catalogue at a date

    def as_of(self, day: date) -> CatalogView:
        """The procedures in force on *day* (views are cached)."""
        day = _day(day)
        view = self._views.get(day)
        if view is not None:
            with contextlib.suppress(KeyError):  # another thread may have evicted it
                self._views.move_to_end(day)
            return view
        # Nothing changes between two change dates: the selection is shared.
        slot = bisect.bisect_right(self._bounds, day)
        anchor = self._bounds[slot - 1] if slot else date.min
        selected = self._selected.get(anchor)
        if selected is None:
            ordinal = day.toordinal()
            selected = [
                version
                for version, start, end in zip(
                    self._versions, self._starts, self._ends, strict=True
                )
                if start <= ordinal < end
            ]
            _remember(self._selected, anchor, selected, self._VIEW_CACHE)
        else:
            with contextlib.suppress(KeyError):
                self._selected.move_to_end(anchor)
        view = CatalogView(self, day, selected)
        _remember(self._views, day, view, self._VIEW_CACHE)
        return view

    @property
    def sector_overrides(self) -> tuple[Sector, ...]:
        """The rows of the folder's ``sectors.csv`` (none without one)."""
        return self._sector_overrides

    @property
    def links(self) -> tuple[Link, ...]:
        """The links of ``links.toml``: proposed and confirmed."""
        return self._links

    def key_of(self, code: str) -> str | None:
        """The code the catalogue keys *code* under, or ``None`` if *code* is no code.

        A national code (local forms accepted) gives itself; a local
        identifier gives itself, or its national code once a link is confirmed.
        """
        if isinstance(code, str) and codes.is_local_id(code):
            return self._aliases.get(code, code)
        return _national(code)

    def history(self, code: str) -> tuple[Version, ...]:
        """Every version of *code*, at every level, by date (then level).

        *code* may be a local identifier (:func:`tthc.codes.local_id`); once
        linked, its history is that of its national code.

        Raises:
            UnknownProcedure: the code never appears in the catalogue.
        """
        national = self.key_of(code)
        where = self._by_code.get(national) if national else None
        if not where:
            raise UnknownProcedure(code)
        found = self._versions[where[0] : where[1]]
        return tuple(sorted(found, key=lambda v: (v.valid_from, _rank(v.level), v.level)))

    def lineage(self, code: str) -> Lineage:
        """The replacements leading to *code* and following from it.

        Raises:
            UnknownProcedure: the code never appears in the catalogue.
        """
        national = self.key_of(code)
        if not national or national not in self._by_code:
            raise UnknownProcedure(code)
        into: dict[str, list[Replacement]] = defaultdict(list)
        out: dict[str, list[Replacement]] = defaultdict(list)
        for step in self.replacements:
            into[step.new].append(step)
            out[step.old].append(step)
        return Lineage(
            code=national,
            replaces=_walk(national, into, lambda step: step.old),
            replaced_by=_walk(national, out, lambda step: step.new),
        )

    def changes(self, start: date, end: date) -> Changes:
        """The entries of the decisions effective from *start* to *end* (both included).

        An entry that found its procedure by name counts under that procedure's
        code, and a linked local identifier under its national code.
        """
        start, end = _day(start), _day(end)
        items: list[Change] = []
        found = {(key, index): code for key, index, code in self._replay.by_name}
        alias = self._aliases
        for decision in self.decisions:
            if not start <= decision.effective <= end:
                continue
            for index, entry in enumerate(decision.entries):
                code = found.get((decision.key, index)) or alias.get(entry.code, entry.code)
                successor = (alias.get(entry.successor, entry.successor)
                             if entry.successor is not None else None)
                for level in entry.levels:
                    items.append(
                        Change(kind=entry.kind, code=code, level=level,
                               decision=decision.key, entry=index,
                               effective=decision.effective, successor=successor,
                               to_levels=entry.to_levels)
                    )
        per_level = {kind: len({(i.code, i.level) for i in items if i.kind is kind})
                     for kind in EntryKind}
        per_code = {kind: len({i.code for i in items if i.kind is kind}) for kind in EntryKind}
        return Changes(start=start, end=end, items=tuple(items),
                       per_level=MappingProxyType(per_level), per_code=MappingProxyType(per_code))


def _ranges(versions: Sequence[Version]) -> dict[str, tuple[int, int]]:
    """code → (start, stop) of its run in *versions*, which are sorted by code."""
    ranges: dict[str, tuple[int, int]] = {}
    start = 0
    for code, group in itertools.groupby(v.procedure.code for v in versions):
        stop = start + sum(1 for _ in group)
        ranges[code] = (start, stop)
        start = stop
    return ranges


def _remember(cache: OrderedDict[date, Any], key: date, value: Any, size: int) -> None:
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)


def _walk(code: str, edges: Mapping[str, list[Replacement]], step_to: Any) -> tuple[
    Replacement, ...
]:
    found: list[Replacement] = []
    seen = {code}
    frontier = [code]
    while frontier:
        following = []
        for current in frontier:
            for step in edges.get(current, ()):
                if step not in found:
                    found.append(step)
                nxt = step_to(step)
                if nxt not in seen:
                    seen.add(nxt)
                    following.append(nxt)
        frontier = following
    found.sort(key=lambda step: (step.effective, step.old, step.new, _rank(step.level)))
    return tuple(found)


# --------------------------------------------------------------------------- reading


def resolve_catalog_path(path: PathArg | None = None) -> Path | Traversable:
    """The catalogue folder to use.

    *path* if given; else the folder named by ``$TTHC_CATALOG``; else the
    example catalogue shipped in the package (``tthc/example_catalog`` in a
    wheel), else the ``catalog/`` folder of a source checkout.

    Raises:
        CatalogDataError: no path given and no example catalogue found.
    """
    if path is not None:
        if isinstance(path, str | os.PathLike):
            return Path(path)
        return path
    env = os.environ.get(CATALOG_ENV, "").strip()
    if env:
        return Path(env)
    embedded = importlib.resources.files("tthc") / "example_catalog"
    if embedded.is_dir():
        return embedded
    checkout = Path(__file__).resolve().parents[2] / "catalog"
    if checkout.is_dir():
        return checkout
    raise CatalogDataError(
        [Problem(source="tthc", path="", code="no-catalog",
                 message=f"no catalogue: give a folder (--catalog DIR) or set {CATALOG_ENV}")],
        "no catalogue found",
    )


def _walk_files(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for child in folder.iterdir():
        name = child.name
        if name.startswith("."):
            continue
        relative = f"{prefix}/{name}"
        if child.is_dir():
            found.extend(_walk_files(child, relative))
        elif name.endswith(".toml"):
            found.append((relative, child))
    return found


_LINE_COLUMN = re.compile(r"line (\d+)")


def _read_text(file: Traversable, source: str, problems: list[Problem]) -> str | None:
    try:
        if isinstance(file, Path):
            limit = input_limit("TTHC_MAX_BYTES")
            size = file.stat().st_size
            if size > limit:
                problems.append(Problem(source=source, path="", code="limit-exceeded",
                                        message=f"{size:,} bytes, over the limit of {limit:,} "
                                        "(TTHC_MAX_BYTES)"))
                return None
        data = file.read_bytes()
    except OSError as exc:
        problems.append(Problem(source=source, path="", code="unreadable",
                                message=f"cannot read: {exc.strerror or exc}"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(source=source, path=f"line {line}", code="not-utf8",
                                message=f"not UTF-8 text (byte 0x{data[exc.start]:02x})"))
        return None
    return text.removeprefix("\ufeff")


def _parse(file: Traversable, source: str, problems: list[Problem]) -> dict[str, Any] | None:
    text = _read_text(file, source, problems)
    if text is None:
        return None
    try:
        return read_toml(text)
    except TomlSyntaxError as exc:
        path = f"line {exc.line}" if exc.line else ""
        problems.append(Problem(source=source, path=path, code="toml-syntax",
                                message=f"TOML syntax: {exc.reason}"))
        return None


def _structure(data: dict[str, Any], cls: type[_D], source: str,
               problems: list[Problem]) -> _D | None:
    try:
        return structure(data, cls, source)
    except CatalogDataError as exc:
        problems.extend(exc.problems)
        return None


def _unit_problems(unit: Unit) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for index, desk in enumerate(unit.desks):
        if desk.id in seen:
            problems.append(Problem(
                source=UNIT_FILE, path=f"$.desks[{index}].id", code="duplicate-desk",
                message=f"desk id {desk.id!r} also used by desks[{seen[desk.id]}]"))
        seen.setdefault(desk.id, index)
        if desk.opened and desk.closed and desk.closed < desk.opened:
            problems.append(Problem(source=UNIT_FILE, path=f"$.desks[{index}].closed",
                                    code="invalid-period",
                                    message=f"closed {desk.closed} before it opened {desk.opened}"))
    days: dict[date, int] = {}
    for index, override in enumerate(unit.calendar):
        if override.day in days:
            problems.append(Problem(
                source=UNIT_FILE, path=f"$.calendar[{index}].day", code="duplicate-day",
                message=f"{override.day} also given in calendar[{days[override.day]}]"))
        days.setdefault(override.day, index)
    return problems


def read_catalog(path: PathArg | None = None) -> CatalogFiles:
    """Read and check a catalogue folder without replaying it.

    Every file is read; every problem (unreadable file, TOML syntax with its
    line, unknown key, invalid value, entry missing a part its kind needs,
    two files with the same decision) is collected before raising.

    Raises:
        CatalogDataError: with every problem, each naming its file (relative to
            the folder) and key path.
    """
    root = resolve_catalog_path(path)
    with gc_paused():
        return _read_catalog(root)


def _read_catalog(root: Path | Traversable) -> CatalogFiles:
    where = str(root)
    if not root.is_dir():
        raise CatalogDataError(
            [Problem(source=where, path="", code="not-a-folder",
                     message="no such folder" if not _exists(root) else "not a folder")],
            f"{where}: not a catalogue folder",
        )
    problems: list[Problem] = []
    unit: Unit | None = None
    unit_file = root / UNIT_FILE
    if unit_file.is_file():
        data = _parse(unit_file, UNIT_FILE, problems)
        if data is not None:
            unit = _structure(data, Unit, UNIT_FILE, problems)
            if unit is not None:
                problems.extend(_unit_problems(unit))
    elif _exists(unit_file):
        problems.append(Problem(source=UNIT_FILE, path="", code="not-a-file",
                                message="a folder, not a file: the unit and its desks are "
                                "described in the file unit.toml"))
    else:
        problems.append(Problem(source=UNIT_FILE, path="", code="missing-file",
                                message="missing: the unit and its desks are described here"))
    decisions: list[Decision] = []
    sources: dict[DecisionKey, str] = {}
    folder = root / DECISIONS_DIR
    files = sorted(_walk_files(folder, DECISIONS_DIR)) if folder.is_dir() else []
    if not folder.is_dir() and _exists(folder):
        problems.append(Problem(source=DECISIONS_DIR, path="", code="not-a-folder",
                                message="a file, not a folder: the decision files go in the "
                                "folder decisions/"))
    max_files = input_limit("TTHC_MAX_FILES")
    if len(files) > max_files:
        problems.append(Problem(source=DECISIONS_DIR, path="", code="limit-exceeded",
                                message=f"{len(files):,} decision files, over the limit of "
                                f"{max_files:,} (TTHC_MAX_FILES)"))
        raise CatalogDataError(problems, f"{where}: too many files")
    for source, file in files:
        data = _parse(file, source, problems)
        if data is None:
            continue
        decision = _structure(data, Decision, source, problems)
        if decision is None:
            continue
        problems.extend(entry_problems(decision, source))
        first = sources.get(decision.key)
        if first is not None:
            problems.append(Problem(
                source=source, path="$", code="duplicate-decision",
                message=f"decision {decision} of {decision.issuer} is also in {first} "
                "(a decision is identified by issuer, number and signing date)"))
            continue
        sources[decision.key] = source
        decisions.append(decision)
    overrides = _sector_overrides(root, problems)
    links: tuple[Link, ...] = ()
    links_file = root / LINKS_FILE
    if links_file.is_file():
        text = _read_text(links_file, LINKS_FILE, problems)
        if text is not None:
            try:
                links = read_links_text(text, LINKS_FILE)
            except CatalogDataError as exc:
                problems.extend(exc.problems)
    if problems or unit is None:
        count = len(problems)
        raise CatalogDataError(problems, f"{where}: {count} problem{'s' if count != 1 else ''}")
    return CatalogFiles(root=where, unit=unit, decisions=tuple(decisions),
                        sources=MappingProxyType(sources), sector_overrides=overrides,
                        links=links)


def _sector_rows(rows: Iterable[Sector]) -> list[tuple[str, str, str]]:
    """Sector overrides as comparable rows (their source lines left out)."""
    return sorted((row.field.key, row.sector, row.ministry) for row in rows)


def _sector_overrides(root: Path | Traversable, problems: list[Problem]) -> tuple[Sector, ...]:
    """The rows of the folder's sectors.csv (none without one); bad rows go to *problems*."""
    file = root / SECTORS_OVERRIDE_FILE
    if not file.is_file():
        return ()
    text = _read_text(file, SECTORS_OVERRIDE_FILE, problems)
    if text is None:
        return ()
    try:
        return parse_overrides(text, SECTORS_OVERRIDE_FILE)
    except CatalogDataError as exc:
        problems.extend(exc.problems)
        return ()


def _exists(path: Traversable) -> bool:
    try:
        return path.is_file() or path.is_dir()
    except OSError:  # pragma: no cover
        return False


def load_catalog(path: PathArg | None = None) -> Catalog:
    """Read a catalogue folder and replay its decisions.

    Args:
        path: the folder; by default :func:`resolve_catalog_path` chooses
            (``$TTHC_CATALOG``, else the example catalogue).

    Raises:
        CatalogDataError: the files have problems (all of them are listed).
        LifecycleError: the decisions cannot be replayed (all problems listed).
    """
    with gc_paused(collect=True):
        files = read_catalog(path)
        return Catalog(files.unit, files.decisions, sources=files.sources, root=files.root,
                       sector_overrides=files.sector_overrides, links=files.links)


def check_catalog(path: PathArg | None = None) -> tuple[Problem, ...]:
    """Every problem of a catalogue folder: errors first, then warnings. Never raises on data.

    File problems are reported alone (a folder whose files cannot be read is
    not replayed); otherwise the replay's errors and warnings.
    """
    try:
        files = read_catalog(path)
    except CatalogDataError as exc:
        return tuple(exc.problems)
    result = replay(files.decisions, unit=files.unit, sources=files.sources, check=False,
                    aliases=aliases(files.links))
    return result.errors + result.warnings + tuple(
        link_warnings(result.timelines, files.sources, files.links))


# --------------------------------------------------------------------------- writing


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", fold(text)).strip("-")


def decision_path(decision: Decision, *, with_issuer: bool = False) -> str:
    """The file of *decision* in a catalogue folder, relative and with ``/``.

    ``decisions/<year>/<signing date>_<number>.toml``, the number folded to
    lowercase ASCII (``decisions/2020/2020-08-03_1766-qd-ubnd.toml``). With
    *with_issuer*, the issuer is added, to tell apart two decisions with the
    same number and signing date.
    """
    signed = decision.signed
    name = f"{signed.isoformat()}_{codes.decision_slug(decision.number)}"
    if with_issuer:
        name += f"_{_slug(decision.issuer) or 'issuer'}"
    return f"{DECISIONS_DIR}/{signed.year:04d}/{name}.toml"


def dumps_decision(decision: Decision) -> str:
    """The TOML text of a decision file (deterministic)."""
    return dump_toml(unstructure(decision))


def dumps_unit(unit: Unit) -> str:
    """The TOML text of ``unit.toml`` (deterministic)."""
    return dump_toml(unstructure(unit))


def _plan(decisions: Sequence[Decision]) -> dict[str, Decision]:
    """Choose a file for each decision; names that would collide get the issuer, then a hash."""
    by_name: dict[str, list[Decision]] = defaultdict(list)
    for decision in decisions:
        by_name[decision_path(decision)].append(decision)
    plan: dict[str, Decision] = {}
    for name, group in by_name.items():
        if len(group) == 1:
            plan[name] = group[0]
            continue
        named: dict[str, list[Decision]] = defaultdict(list)
        for decision in group:
            named[decision_path(decision, with_issuer=True)].append(decision)
        for long_name, same in named.items():
            for decision in same:
                chosen = long_name
                if len(same) > 1:
                    digest = hashlib.sha256(repr(tuple(decision.key)).encode()).hexdigest()[:8]
                    chosen = long_name.removesuffix(".toml") + f"_{digest}.toml"
                plan[chosen] = decision
    return dict(sorted(plan.items()))


@overload
def write_catalog(
    catalog: Catalog | tuple[Unit, Iterable[Decision]],
    path: str | os.PathLike[str],
    /,
    *,
    force: bool = False,
) -> list[Path]: ...
@overload
def write_catalog(
    unit: Unit,
    decisions: Iterable[Decision],
    path: str | os.PathLike[str],
    /,
    *,
    force: bool = False,
) -> list[Path]: ...
def write_catalog(
    first: Catalog | Unit | tuple[Unit, Iterable[Decision]],
    second: Iterable[Decision] | str | os.PathLike[str],
    third: str | os.PathLike[str] | None = None,
    /,
    *,
    force: bool = False,
) -> list[Path]:
    """Write a catalogue folder: ``unit.toml``, the decision files, ``links.toml``, ``sectors.csv``.

    ``links.toml`` and ``sectors.csv`` are written when a :class:`Catalog`
    with links or sector overrides is given.

    Call it as ``write_catalog(catalog, path)``, ``write_catalog((unit,
    decisions), path)`` or ``write_catalog(unit, decisions, path)``. The
    output is deterministic: writing the same catalogue twice gives the same
    bytes, and :func:`load_catalog` reads back an equal catalogue.

    Args:
        first, second, third: the catalogue (a :class:`Catalog`, a ``(unit,
            decisions)`` pair, or the unit and the decisions) and the folder
            (created if needed).
        force: replace existing files, and delete the decision files
            (``decisions/**/*.toml``) that are not part of the catalogue; other
            files in the folder (README, listings …) are left alone.

    Returns:
        The files of the catalogue, sorted.

    Raises:
        FileExistsError: a file to write exists and *force* is false
            (nothing is written then).
    """
    links: tuple[Link, ...] = ()
    overrides: tuple[Sector, ...] = ()
    if isinstance(first, Unit):
        if third is None or isinstance(second, str | os.PathLike):
            raise TypeError("write_catalog(unit, decisions, path): the folder is missing")
        unit, decisions, path = first, list(second), third
    else:
        if third is not None or not isinstance(second, str | os.PathLike):
            raise TypeError("write_catalog(catalog, path): give the catalogue and the folder")
        path = second
        if isinstance(first, Catalog):
            unit, decisions = first.unit, list(first.decisions)
            links = first.links
            overrides = first.sector_overrides
        else:
            unit, decisions = first[0], list(first[1])
    root = Path(path)
    plan: dict[str, str] = {UNIT_FILE: dumps_unit(unit)}
    for name, decision in _plan(decisions).items():
        plan[name] = dumps_decision(decision)
    if links:
        plan[LINKS_FILE] = dumps_links(links)
    if overrides:
        plan[SECTORS_OVERRIDE_FILE] = dumps_overrides(overrides)
    stale: list[Path] = []
    if not force:
        for name in plan:
            if (root / name).exists():
                raise FileExistsError(
                    errno.EEXIST, "already exists (pass force=True to replace it)", str(root / name)
                )
    else:
        folder = root / DECISIONS_DIR
        if folder.is_dir():
            for old in sorted(folder.rglob("*.toml")):
                relative = old.relative_to(root)
                hidden = any(part.startswith(".") for part in relative.parts)
                if relative.as_posix() not in plan and not hidden:
                    stale.append(old)
    changed: dict[str | os.PathLike[str], str | bytes] = {}
    unchanged = []
    for name, text in plan.items():
        target = root / name
        if force and target.is_file() and target.read_bytes() == text.encode("utf-8"):
            unchanged.append(target)
        else:
            changed[target] = text
    written = atomic_write_many(changed, force=force)
    # Only once the new files are in place: a failed write leaves the old catalogue whole.
    for old in stale:
        old.unlink()
    return sorted(written + unchanged)


def write_decision(
    decision: Decision, folder: str | os.PathLike[str], *, force: bool = False
) -> Path:
    """Write one decision file into the catalogue *folder*; return its path.

    The file is :func:`decision_path`; if that name is taken by another
    decision (same number and signing date, other issuer), the issuer is
    added to the name.

    Raises:
        FileExistsError: the decision's file exists and *force* is false.
    """
    root = Path(folder)
    relative = decision_path(decision)
    target = root / relative
    if target.is_file():
        other = _peek_key(target)
        if other is not None and other != decision.key:
            target = root / decision_path(decision, with_issuer=True)
    return atomic_write(target, dumps_decision(decision), force=force)


def _peek_key(file: Path) -> DecisionKey | None:
    """The identity of the decision in *file*, or ``None`` if it cannot be read."""
    try:
        data = read_toml(file.read_text(encoding="utf-8"))
        decision = structure(data, Decision, file.name)
    except (OSError, UnicodeError, TomlSyntaxError, CatalogDataError):
        return None
    return decision.key
