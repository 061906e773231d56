"""The lifecycle engine: replay announcement decisions into timelines.

A procedure is in force at a level from the effective date of the decision
that announces it there until the effective date of the decision that ends
it (domain.md §0.3, §2.4). :func:`replay` applies the decisions in order and
builds, for every (code, level), the sequence of its :class:`Version` s:

>>> from datetime import date
>>> from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
>>> from tthc.procedure import Field
>>> issue = Decision(number="12/QĐ-UBND", issuer="Chủ tịch UBND tỉnh A",
...     signed=date(2020, 1, 2), effective=date(2020, 1, 2), entries=(
...         Entry(kind=EntryKind.NEW, code="1.000001", levels=("district",),
...               content=ProcedureContent(name="Đăng ký khai sinh", field=Field.of("Hộ tịch"))),))
>>> repeal = Decision(number="7/QĐ-UBND", issuer="Chủ tịch UBND tỉnh A",
...     signed=date(2021, 3, 1), effective=date(2021, 3, 1), entries=(
...         Entry(kind=EntryKind.REPEALED, code="1.000001", levels=("district",)),))
>>> result = replay([repeal, issue])
>>> [(v.code, v.level, str(v.valid_from), str(v.valid_until)) for v in result.versions]
[('1.000001', 'district', '2020-01-02', '2021-03-01')]
>>> result.versions[0].end_kind
<EntryKind.REPEALED: 'repealed'>

Rules (documented in docs/catalog-format.md, "Replay"):

- **Order.** Decisions apply by effective date; decisions effective on the
  same day apply in the order of their signing date, then issuer, then
  number: the full identity, so the order of files never matters.
- **Within a decision**, entries apply by kind, in the order of
  :data:`PHASES` (repealed, replaced, transferred, new, amended, cut,
  service), and in listed order within a kind. Closing first lets one
  decision end a procedure at a level and announce another there.
- **Intervals** are half-open: a version is in force on ``valid_from`` and
  up to the day before ``valid_until`` (the effective date of the decision
  that ended or superseded it; ``None`` while in force).
- **Amended**: the content given replaces the same components; the rest
  carries over. **Replaced**: the old (code, level) ends and the successor
  opens at the same level with the content given (nothing is inherited).
  **Transferred**: the procedure ends at ``levels`` and opens at
  ``to_levels`` with the same content (from the first listed level).
- **Cut**: the version keeps its statutory content; the applied time is
  recorded from the cut's effective date. An amendment that changes the
  statutory processing time drops the cut, unless the amendment itself gives
  an ``applied_time``; a cut is not carried by a transfer or a replacement.
- **Service**: online and/or postal service change from the effective date.
- **Without a national code.** A procedure announced without a code is keyed
  by its local identifier (:func:`tthc.codes.local_id`). An entry of another
  kind whose code is the local identifier of its own row (the row had no
  code) and which carries a ``name`` finds its procedure by name: the one
  procedure in force at the entry's levels whose name has the same
  :func:`~tthc.text.match_key` (and the same field, when the entry gives
  one). No match or several matches are errors (``no-name-match``,
  ``ambiguous-name``): nothing is guessed. *aliases* (confirmed links, local
  identifier → national code) make a procedure's whole history continue
  under its national code.
"""

from __future__ import annotations

import itertools
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

from tthc import codes
from tthc.decision import Decision, DecisionKey, Entry, EntryKind, ProcedureContent
from tthc.desk import Desk, Unit
from tthc.errors import LifecycleError, Problem
from tthc.fees import Fee
from tthc.procedure import Level, PostalService, Procedure
from tthc.proctime import ParseStatus, ProcessingTime
from tthc.text import match_key

__all__ = [
    "PHASES",
    "Replacement",
    "Replay",
    "Version",
    "entry_problems",
    "replay",
    "replay_key",
]

#: The order in which the entries of one decision apply.
PHASES: tuple[EntryKind, ...] = (
    EntryKind.REPEALED,
    EntryKind.REPLACED,
    EntryKind.TRANSFERRED,
    EntryKind.NEW,
    EntryKind.AMENDED,
    EntryKind.CUT,
    EntryKind.SERVICE,
)
# By identity: hashing an enum member runs Python code, id() does not.
_PHASE = {id(kind): index for index, kind in enumerate(PHASES)}

#: Kinds that make a (code, level) start or continue; the others only end one (by id).
_OPENING = frozenset(
    id(kind) for kind in
    (EntryKind.NEW, EntryKind.AMENDED, EntryKind.REPLACED, EntryKind.CUT, EntryKind.SERVICE)
)
_CONTENT_KINDS = frozenset({EntryKind.NEW, EntryKind.AMENDED, EntryKind.REPLACED})

#: The processing time and fee of a procedure announced without them.
UNSPECIFIED_TIME = ProcessingTime(text="", status=ParseStatus.UNSPECIFIED)
UNSPECIFIED_FEE = Fee(text="", status=ParseStatus.UNSPECIFIED)
_NO_POSTAL = PostalService()

_CONTENT_FIELDS = tuple(a.name for a in attrs.fields(ProcedureContent))
_content_values = operator.attrgetter(*_CONTENT_FIELDS)
_PROCEDURE_FIELDS = tuple(a.name for a in attrs.fields(Procedure))
_procedure_values = operator.attrgetter(*_PROCEDURE_FIELDS)


@attrs.frozen(kw_only=True)
class Version:
    """One stretch of time during which a (code, level) had the same state.

    Attributes:
        procedure: the content in force (``procedure.level`` is the level).
        valid_from: the first day in force.
        valid_until: the first day no longer in force (``None``: still in force).
        decision: the decision whose entry started this version.
        entry: the index of that entry in ``decision``'s entries.
        kind: what that entry did (new, amended, replaced, transferred, cut, service).
        announced_by: the decision that last set the content (new, amended,
            replaced or transferred); a cut or service change keeps it.
        announced_on: the effective date of ``announced_by``.
        applied_time: the locally applied processing time set by a cut, if any.
        cut_decision: the decision of that cut.
        replaces: for a successor, the code it replaced.
        transferred_from: for a transferred procedure, the level it came from.
        ended_by, end_entry, end_kind: the decision, entry index and entry kind
            that ended or superseded this version (``None`` while in force).
    """

    procedure: Procedure
    valid_from: date
    valid_until: date | None = None
    decision: DecisionKey
    entry: int
    kind: EntryKind
    announced_by: DecisionKey
    announced_on: date
    applied_time: ProcessingTime | None = None
    cut_decision: DecisionKey | None = None
    replaces: str | None = None
    transferred_from: str | None = None
    ended_by: DecisionKey | None = None
    end_entry: int | None = None
    end_kind: EntryKind | None = None

    @property
    def code(self) -> str:
        """The national code."""
        return self.procedure.code

    @property
    def level(self) -> str:
        """The level key."""
        return self.procedure.level

    def in_force_on(self, day: date) -> bool:
        """Tell whether this version is the one in force on *day*."""
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


@attrs.frozen(kw_only=True)
class Replacement:
    """A replacement (thay thế): *old* ended at *level*, *new* took its place."""

    old: str
    new: str
    level: str
    decision: DecisionKey
    entry: int
    effective: date


@attrs.frozen(kw_only=True)
class Replay:
    """The result of replaying decisions.

    Attributes:
        decisions: the decisions in replay order.
        versions: every version, ordered by code, level rank, then time.
        timelines: the versions of each (code, level), in time order.
        replacements: every replacement, in replay order.
        errors: impossible transitions (empty when :func:`replay` returned).
        warnings: suspicious but possible data.
        by_name: the entries without a national code that found their
            procedure by name: (decision, entry index, the code found).
    """

    decisions: tuple[Decision, ...]
    versions: tuple[Version, ...]
    timelines: Mapping[tuple[str, str], tuple[Version, ...]]
    replacements: tuple[Replacement, ...]
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    by_name: tuple[tuple[DecisionKey, int, str], ...] = ()


def replay_key(decision: Decision) -> tuple[date, date, str, str]:
    """The sort key of the replay order: effective date, then the identity."""
    return (decision.effective, decision.signed, decision.issuer, decision.number)


def _level_rank(key: str) -> int:
    try:
        return Level.get(key).rank
    except LookupError:
        return 1_000


# --------------------------------------------------------------------------- entry shapes

_ALLOWED: dict[EntryKind, frozenset[str]] = {
    EntryKind.NEW: frozenset({"content"}),
    EntryKind.AMENDED: frozenset({"content", "applied_time"}),
    EntryKind.REPLACED: frozenset({"content", "successor"}),
    EntryKind.REPEALED: frozenset(),
    EntryKind.TRANSFERRED: frozenset({"to_levels"}),
    EntryKind.CUT: frozenset({"applied_time"}),
    EntryKind.SERVICE: frozenset({"online", "postal"}),
}
_OPTIONAL_PARTS = ("content", "successor", "to_levels", "applied_time", "online", "postal")


def entry_problems(decision: Decision, source: str | None = None) -> list[Problem]:
    """Check that each entry of *decision* has the parts its kind needs, and no others.

    These checks need no other decision; the catalogue loader reports them
    with the file's other problems.
    """
    where = source or str(decision)
    problems: list[Problem] = []

    def report(index: int, part: str, message: str, code: str = "invalid-entry") -> None:
        path = f"$.entries[{index}]" + (f".{part}" if part else "")
        problems.append(Problem(source=where, path=path, message=message, code=code))

    for index, entry in enumerate(decision.entries):
        if entry.name is not None and (
            entry.kind is EntryKind.NEW or not _own_row(entry.code, decision)
        ):
            report(index, "name", "only an entry whose code is the local identifier of its own "
                   "row (no national code) names its procedure; write the code instead")
        if _looks_right(entry):
            continue
        kind = entry.kind
        allowed = _ALLOWED[kind]
        for part in _OPTIONAL_PARTS:
            value = getattr(entry, part)
            if value not in (None, ()) and part not in allowed:
                report(index, part, f"not used by a {kind.value!r} entry{_hint(kind, part)}")
        if len(set(entry.levels)) != len(entry.levels):
            report(index, "levels", "a level is listed twice")
        if kind in (EntryKind.NEW, EntryKind.REPLACED):
            content = entry.content
            for part in ("name", "field"):
                if content is None or getattr(content, part) in (None, ""):
                    what = "a new procedure" if kind is EntryKind.NEW else "the successor"
                    report(index, f"content.{part}", f"required for {what}", "missing-content")
        if kind is EntryKind.REPLACED:
            if entry.successor is None:
                report(index, "successor", "required: the code that replaces this one")
            elif entry.successor == entry.code:
                report(index, "successor", "a procedure cannot replace itself (use 'amended')")
        if kind is EntryKind.TRANSFERRED:
            if not entry.to_levels:
                report(index, "to_levels", "required: the levels the procedure moves to")
            both = sorted(set(entry.levels) & set(entry.to_levels))
            if both:
                report(index, "to_levels", f"moves to a level it leaves: {', '.join(both)}")
        if kind is EntryKind.CUT and entry.applied_time is None:
            report(index, "applied_time", "required: the locally applied processing time")
        if kind is EntryKind.SERVICE and entry.online is None and entry.postal is None:
            report(index, "", "a 'service' entry needs online and/or postal")
    return problems


def _looks_right(entry: Entry) -> bool:
    """A quick test passed by every well-formed entry (the detailed checks explain failures)."""
    kind = entry.kind
    levels = entry.levels
    if len(levels) > 1 and len(set(levels)) != len(levels):
        return False
    content = entry.content
    if kind is EntryKind.REPEALED:
        return (
            content is None and entry.successor is None and not entry.to_levels
            and entry.applied_time is None and entry.online is None and entry.postal is None
        )
    if kind is EntryKind.NEW or kind is EntryKind.REPLACED:
        if content is None or not content.name or content.field is None:
            return False
        if kind is EntryKind.REPLACED and entry.successor in (None, entry.code):
            return False
        if kind is EntryKind.NEW and entry.successor is not None:
            return False
        return (
            not entry.to_levels and entry.applied_time is None
            and entry.online is None and entry.postal is None
        )
    if kind is EntryKind.AMENDED:
        return (
            entry.successor is None and not entry.to_levels
            and entry.online is None and entry.postal is None
        )
    if kind is EntryKind.CUT:
        return (
            entry.applied_time is not None and content is None and entry.successor is None
            and not entry.to_levels and entry.online is None and entry.postal is None
        )
    if kind is EntryKind.SERVICE:
        return (
            (entry.online is not None or entry.postal is not None) and content is None
            and entry.successor is None and not entry.to_levels and entry.applied_time is None
        )
    # Transferred.
    return (
        bool(entry.to_levels) and not set(levels) & set(entry.to_levels) and content is None
        and entry.successor is None and entry.applied_time is None
        and entry.online is None and entry.postal is None
    )


def _hint(kind: EntryKind, part: str) -> str:
    if part in ("online", "postal") and kind in _CONTENT_KINDS:
        return f" (write content.{part} instead)"
    if part == "applied_time":
        return " (only 'cut' and 'amended' entries set an applied time)"
    return ""


# --------------------------------------------------------------------------- replay


class _Open:
    """The mutable state of an open (code, level) during replay."""

    __slots__ = (
        "announced_by",
        "announced_on",
        "applied_time",
        "cut_decision",
        "decision",
        "entry",
        "kind",
        "procedure",
        "replaces",
        "since",
        "transferred_from",
    )

    def __init__(
        self,
        procedure: Procedure,
        since: date,
        decision: DecisionKey,
        entry: int,
        kind: EntryKind,
        *,
        announced: tuple[DecisionKey, date] | None = None,
        applied_time: ProcessingTime | None = None,
        cut_decision: DecisionKey | None = None,
        replaces: str | None = None,
        transferred_from: str | None = None,
    ) -> None:
        self.procedure = procedure
        self.since = since
        self.decision = decision
        self.entry = entry
        self.kind = kind
        self.announced_by, self.announced_on = announced or (decision, since)
        self.applied_time = applied_time
        self.cut_decision = cut_decision
        self.replaces = replaces
        self.transferred_from = transferred_from

    def close(self, until: date, by: DecisionKey | None, entry: int | None,
              kind: EntryKind | None) -> Version:
        return Version(
            procedure=self.procedure,
            valid_from=self.since,
            valid_until=until,
            decision=self.decision,
            entry=self.entry,
            kind=self.kind,
            announced_by=self.announced_by,
            announced_on=self.announced_on,
            applied_time=self.applied_time,
            cut_decision=self.cut_decision,
            replaces=self.replaces,
            transferred_from=self.transferred_from,
            ended_by=by,
            end_entry=entry,
            end_kind=kind,
        )

    def successor(self, procedure: Procedure, since: date, decision: DecisionKey, entry: int,
                  kind: EntryKind) -> _Open:
        """The state after an amendment, cut or service change of this one."""
        announced = (decision, since) if kind is EntryKind.AMENDED else (
            self.announced_by, self.announced_on)
        return _Open(
            procedure, since, decision, entry, kind, announced=announced,
            applied_time=self.applied_time, cut_decision=self.cut_decision,
            replaces=self.replaces, transferred_from=self.transferred_from,
        )


def new_procedure(code: str, level: str, content: ProcedureContent) -> Procedure:
    """Build the procedure a new or successor entry announces at *level*.

    Components the content leaves out get their empty values (an
    unspecified processing time and fee, no online service).
    """
    return _procedure(
        code=code,
        name=content.name or "",
        field=content.field,  # not None: checked by entry_problems
        level=level,
        agency=content.agency or "",
        processing_time=content.processing_time or UNSPECIFIED_TIME,
        fees=content.fees or UNSPECIFIED_FEE,
        online=content.online,
        postal=_NO_POSTAL if content.postal is None else content.postal,
        legal_basis=content.legal_basis or (),
        forms=content.forms or (),
        steps=content.steps,
        method=content.method,
        dossier=content.dossier,
        applicants=content.applicants,
        result=content.result,
        conditions=content.conditions,
        local_code=content.local_code or "",
        internal=bool(content.internal),
    )


def amend(procedure: Procedure, content: ProcedureContent | None) -> Procedure:
    """Apply an amendment: every component *content* gives replaces the current one."""
    if content is None:
        return procedure
    changes = {
        name: value
        for name, value in zip(_CONTENT_FIELDS, _content_values(content), strict=True)
        if value is not None
    }
    return _evolve(procedure, changes) if changes else procedure


def _evolve(procedure: Procedure, changes: Mapping[str, Any]) -> Procedure:
    """``attrs.evolve`` for procedures, with the field names looked up once."""
    values = dict(zip(_PROCEDURE_FIELDS, _procedure_values(procedure), strict=True))
    values.update(changes)
    return _procedure(**values)


# A replay builds a procedure per version (100,000 on a large catalogue) from
# values that were checked already: those of the previous version, or content
# whose texts its own converters normalised. Procedure.__init__ would only
# normalise the name again (5 µs a call, most of the construction time). So,
# while the class has no validator, no pre- or post-init hook and no converter
# but the name's, the fields are set directly, as attrs' own __init__ does;
# otherwise, or if a field is missing, __init__ runs. The naive-model property
# test compares the results with procedures built through __init__.
_PROCEDURE_ATTRIBUTES = attrs.fields(Procedure)
_TRUSTED_PROCEDURE = (
    "__slots__" in vars(Procedure)
    and not hasattr(Procedure, "__attrs_pre_init__")
    and not hasattr(Procedure, "__attrs_post_init__")
    and all(a.validator is None and a.init for a in _PROCEDURE_ATTRIBUTES)
    and {a.name for a in _PROCEDURE_ATTRIBUTES if a.converter is not None} == {"name"}
)
_set = object.__setattr__


def _procedure(**values: Any) -> Procedure:
    """A procedure from complete, already normalised values (see above)."""
    if not _TRUSTED_PROCEDURE or len(values) != len(_PROCEDURE_FIELDS):
        return Procedure(**values)
    made = object.__new__(Procedure)
    for name in _PROCEDURE_FIELDS:
        _set(made, name, values[name])
    return made


class _Replayer:
    def __init__(self, unit: Unit | None, sources: Mapping[DecisionKey, str],
                 aliases: Mapping[str, str] | None = None) -> None:
        self.unit = unit
        self.sources = sources
        self.aliases = aliases or {}
        self.by_name: list[tuple[DecisionKey, int, str]] = []
        self.open: dict[tuple[str, str], _Open] = {}
        self.closed: list[Version] = []
        # The version that ended last at each (code, level), to explain "not in force".
        self.ended: dict[tuple[str, str], Version] = {}
        self.replacements: list[Replacement] = []
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        # The identity of the decision being applied.
        self.dkey = DecisionKey("", "", date.min)
        self.desks_at: dict[str, list[Desk]] = defaultdict(list)
        for desk in unit.desks if unit else ():
            self.desks_at[desk.level].append(desk)
        # (level, day) → the warning about announcing there then, if any (days repeat).
        self.level_checks: dict[tuple[str, date], tuple[str, str] | tuple[()]] = {}

    # -- reporting

    def source(self, key: DecisionKey) -> str:
        return self.sources.get(key) or _describe_key(key)

    def where(self, key: DecisionKey, entry: int) -> str:
        source = self.sources.get(key)
        name = _describe_key(key)
        return f"{name}, {source} entry {entry}" if source else f"{name} entry {entry}"

    def error(self, decision: Decision, index: int, message: str, code: str) -> None:
        self.errors.append(
            Problem(source=self.source(decision.key), path=f"$.entries[{index}]",
                    message=f"{message} [{decision}]", code=code)
        )

    def warn(self, decision: Decision, path: str, message: str, code: str) -> None:
        self.warnings.append(
            Problem(source=self.source(decision.key), path=path,
                    message=f"{message} [{decision}]", code=code, severity="warning")
        )

    def not_in_force(self, decision: Decision, index: int, entry: Entry, level: str) -> None:
        day = decision.effective
        previous = self.ended.get((entry.code, level))
        if previous is None:
            why = "never announced at this level"
        else:
            ended = previous.end_kind.value if previous.end_kind else "ended"
            by = previous.ended_by
            why = (f"{ended} on {previous.valid_until} by {self.where(by, previous.end_entry or 0)}"
                   if by else f"ended on {previous.valid_until}")
        self.error(
            decision, index,
            f"{entry.kind.value} {entry.code} at {level}: not in force on {day} ({why})",
            "not-in-force",
        )

    def already(self, decision: Decision, index: int, entry: Entry, code: str, level: str,
                what: str) -> None:
        current = self.open[(code, level)]
        self.error(
            decision, index,
            f"{what} {code} at {level}: already in force since {current.since} "
            f"(announced by {self.where(current.decision, current.entry)})",
            "already-in-force" if what == entry.kind.value else "successor-in-force",
        )

    # -- transitions

    def finish(self, key: tuple[str, str], state: _Open, decision: Decision, index: int,
               kind: EntryKind) -> None:
        version = state.close(decision.effective, self.dkey, index, kind)
        self.closed.append(version)
        self.ended[key] = version

    def find_by_name(self, decision: Decision, index: int, entry: Entry) -> str | None:
        """The code of the one procedure in force named as *entry* names it, else an error."""
        assert entry.name is not None
        key = match_key(entry.name)
        field = entry.content.field if entry.content is not None else None
        levels = set(entry.levels)
        found = sorted({
            code for (code, level), state in self.open.items()
            if level in levels and match_key(state.procedure.name) == key
            and (field is None or state.procedure.field == field)
        })
        where = ", ".join(entry.levels)
        if len(found) == 1:
            self.by_name.append((decision.key, index, found[0]))
            return found[0]
        if not found:
            self.error(decision, index,
                       f"{entry.kind.value} {entry.name!r} (no national code) at {where}: "
                       f"no procedure of that name in force on {decision.effective}",
                       "no-name-match")
        else:
            self.error(decision, index,
                       f"{entry.kind.value} {entry.name!r} (no national code) at {where}: "
                       f"{len(found)} procedures of that name in force ({', '.join(found)}); "
                       "write the code of the one meant", "ambiguous-name")
        return None

    def apply(self, decision: Decision, index: int, entry: Entry) -> None:
        if self.aliases:
            entry = _aliased(entry, self.aliases)
        if entry.name is not None and entry.kind is not EntryKind.NEW and _own_row(
            entry.code, decision
        ):
            found = self.find_by_name(decision, index, entry)
            if found is None:
                return
            entry = attrs.evolve(entry, code=found)
        kind = entry.kind
        day = decision.effective
        dkey = self.dkey
        code = entry.code
        if kind is EntryKind.TRANSFERRED:
            self.transfer(decision, index, entry)
            return
        for level in entry.levels:
            key = (code, level)
            state = self.open.get(key)
            if kind is EntryKind.NEW:
                if state is not None:
                    self.already(decision, index, entry, code, level, "new")
                    continue
                assert entry.content is not None  # checked by entry_problems
                procedure = new_procedure(code, level, entry.content)
                self.open[key] = _Open(procedure, day, dkey, index, kind)
                continue
            if state is None:
                self.not_in_force(decision, index, entry, level)
                continue
            if kind is EntryKind.REPEALED:
                del self.open[key]
                self.finish(key, state, decision, index, kind)
            elif kind is EntryKind.REPLACED:
                self.replace(decision, index, entry, level, state)
            elif kind is EntryKind.AMENDED:
                procedure = amend(state.procedure, entry.content)
                following = state.successor(procedure, day, dkey, index, kind)
                if entry.applied_time is not None:
                    following.applied_time, following.cut_decision = entry.applied_time, dkey
                elif procedure.processing_time != state.procedure.processing_time:
                    following.applied_time = following.cut_decision = None
                self.supersede(key, state, following, decision, index)
            elif kind is EntryKind.CUT:
                following = state.successor(state.procedure, day, dkey, index, kind)
                following.applied_time, following.cut_decision = entry.applied_time, dkey
                self.check_cut(decision, index, state.procedure, entry)
                self.supersede(key, state, following, decision, index)
            elif kind is EntryKind.SERVICE:
                changes: dict[str, Any] = {}
                if entry.online is not None:
                    changes["online"] = entry.online
                if entry.postal is not None:
                    changes["postal"] = entry.postal
                procedure = _evolve(state.procedure, changes)
                following = state.successor(procedure, day, dkey, index, kind)
                self.supersede(key, state, following, decision, index)

    def supersede(self, key: tuple[str, str], state: _Open, following: _Open,
                  decision: Decision, index: int) -> None:
        self.finish(key, state, decision, index, following.kind)
        self.open[key] = following

    def replace(self, decision: Decision, index: int, entry: Entry, level: str,
                state: _Open) -> None:
        successor = entry.successor
        assert successor is not None  # checked by entry_problems
        assert entry.content is not None
        if (successor, level) in self.open:
            self.already(decision, index, entry, successor, level, "successor")
            return
        key = (entry.code, level)
        del self.open[key]
        self.finish(key, state, decision, index, EntryKind.REPLACED)
        procedure = new_procedure(successor, level, entry.content)
        self.open[(successor, level)] = _Open(
            procedure, decision.effective, self.dkey, index, EntryKind.REPLACED,
            replaces=entry.code,
        )
        self.replacements.append(
            Replacement(old=entry.code, new=successor, level=level, decision=self.dkey,
                        entry=index, effective=decision.effective)
        )

    def transfer(self, decision: Decision, index: int, entry: Entry) -> None:
        code = entry.code
        sources = []
        for level in entry.levels:
            state = self.open.get((code, level))
            if state is None:
                self.not_in_force(decision, index, entry, level)
            else:
                sources.append((level, state))
        targets = []
        for level in entry.to_levels:
            if (code, level) in self.open:
                self.already(decision, index, entry, code, level, "transferred")
            else:
                targets.append(level)
        if not sources or len(targets) != len(entry.to_levels):
            return
        from_level, model = sources[0]
        for level, state in sources:
            del self.open[(code, level)]
            self.finish((code, level), state, decision, index, EntryKind.TRANSFERRED)
        for level in targets:
            procedure = _evolve(model.procedure, {"level": level})
            self.open[(code, level)] = _Open(
                procedure, decision.effective, self.dkey, index, EntryKind.TRANSFERRED,
                replaces=model.replaces, transferred_from=from_level,
            )

    # -- warnings

    def check_cut(self, decision: Decision, index: int, procedure: Procedure,
                  entry: Entry) -> None:
        statutory, applied = procedure.processing_time, entry.applied_time
        if (
            applied is not None
            and statutory.is_computable
            and applied.is_computable
            and statutory.unit == applied.unit
            and applied.amount is not None
            and statutory.amount is not None
            and applied.amount >= statutory.amount
        ):
            self.warn(
                decision, f"$.entries[{index}].applied_time",
                f"cut of {entry.code}: applied time {applied.text!r} is not shorter than "
                f"the statutory {statutory.text!r}",
                "cut-not-shorter",
            )

    def check_dates(self, decision: Decision) -> None:
        if decision.effective < decision.signed:
            self.warn(
                decision, "$.effective",
                f"effective {decision.effective} before the signing date {decision.signed}",
                "effective-before-signed",
            )
        opened: set[str] = set()
        for entry in decision.entries:
            if id(entry.kind) in _OPENING:
                opened.update(entry.levels)
            if entry.to_levels:
                opened.update(entry.to_levels)
        day = decision.effective
        for key in sorted(opened, key=_level_rank):
            found = self.level_checks.get((key, day))
            if found is None:
                found = self.level_checks[key, day] = self.check_level(key, day)
            if found:
                self.warn(decision, "$.effective", *found)

    def check_level(self, key: str, day: date) -> tuple[str, str] | tuple[()]:
        """The warning (message, code) about announcing at level *key* on *day*, if any."""
        try:
            level = Level.get(key)
        except LookupError:  # pragma: no cover - the loader checks level keys
            return ()
        if not level.exists_on(day):
            return (
                f"announces procedures at {key} on {day}, when that level did not exist "
                f"({_period(level.valid_from, level.valid_to)})",
                "level-not-existing",
            )
        desks = self.desks_at.get(key, ())
        if desks and not any(desk.is_open(day) for desk in desks):
            names = ", ".join(f"{desk.id} ({_period(desk.opened, desk.closed)})" for desk in desks)
            return (
                f"announces procedures at {key} on {day}, when no desk of that level "
                f"was open (desks: {names})",
                "no-open-desk",
            )
        return ()

    def check_repeats(self, decision: Decision) -> None:
        if len({entry.code for entry in decision.entries}) == len(decision.entries):
            return
        seen: dict[tuple[EntryKind, str, str], int] = {}
        for index, entry in enumerate(decision.entries):
            for level in entry.levels:
                mark = (entry.kind, entry.code, level)
                if mark in seen and entry.kind is not EntryKind.NEW:
                    self.warn(
                        decision, f"$.entries[{index}]",
                        f"{entry.kind.value} {entry.code} at {level} again "
                        f"(also entry {seen[mark]}); both apply, in order",
                        "repeated-entry",
                    )
                seen.setdefault(mark, index)

    def check_cycles(self) -> None:
        """Report every cycle in the replacement graph (old code → new code)."""
        edges: dict[str, list[Replacement]] = defaultdict(list)
        for item in self.replacements:
            edges[item.old].append(item)
        reported: set[frozenset[str]] = set()
        for start in sorted(edges):
            stack: list[tuple[str, list[Replacement]]] = [(start, [])]
            seen: set[str] = set()
            while stack:
                code, path = stack.pop()
                for item in edges.get(code, ()):
                    chain = [*path, item]
                    if item.new == start:
                        members = frozenset(step.old for step in chain)
                        if members not in reported:
                            reported.add(members)
                            self.cycle(chain)
                    elif item.new not in seen:
                        seen.add(item.new)
                        stack.append((item.new, chain))

    def cycle(self, chain: list[Replacement]) -> None:
        last = max(chain, key=lambda step: (step.effective, step.decision.signed))
        codes = " → ".join([chain[0].old, *(step.new for step in chain)])
        steps = "; ".join(f"{step.old} → {step.new} by {self.where(step.decision, step.entry)}"
                          for step in chain)
        self.errors.append(
            Problem(source=self.source(last.decision), path=f"$.entries[{last.entry}]",
                    message=f"replacement cycle {codes} ({steps})", code="replacement-cycle")
        )

    def check_ended_levels(self) -> None:
        stranded: dict[str, list[str]] = defaultdict(list)
        for (code, key), _state in self.open.items():
            level = Level.get(key)
            if level.valid_to is not None:
                stranded[key].append(code)
        for key, found in sorted(stranded.items()):
            level = Level.get(key)
            shown = ", ".join(sorted(found)[:10]) + (", …" if len(found) > 10 else "")
            self.warnings.append(
                Problem(
                    source="decisions", path="",
                    message=f"{len(found)} procedures are still in force at {key}, which ended "
                    f"on {level.valid_to}: {shown} (repeal or transfer them)",
                    code="level-ended-in-force", severity="warning",
                )
            )


def _own_row(code: str, decision: Decision) -> bool:
    """Whether *code* is the local identifier of a row of *decision* itself."""
    if not codes.is_local_id(code):
        return False
    minted = codes.parse_local_id(code)
    return minted.signed == decision.signed and minted.number == codes.decision_slug(
        decision.number)


def _aliased(entry: Entry, aliases: Mapping[str, str]) -> Entry:
    """*entry* with its codes read through *aliases* (local identifier → national code)."""
    code = aliases.get(entry.code, entry.code)
    successor = (aliases.get(entry.successor, entry.successor)
                 if entry.successor is not None else None)
    if code == entry.code and successor == entry.successor:
        return entry
    return attrs.evolve(entry, code=code, successor=successor, name=None)


def _describe_key(key: DecisionKey) -> str:
    return f"{key.number} ({key.signed:%d/%m/%Y}) of {key.issuer}"


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return "always"


def replay(
    decisions: Iterable[Decision],
    *,
    unit: Unit | None = None,
    sources: Mapping[DecisionKey, str] | None = None,
    check: bool = True,
    aliases: Mapping[str, str] | None = None,
) -> Replay:
    """Replay *decisions* (any order) into timelines.

    Args:
        decisions: the announcement decisions.
        unit: the unit, whose desks are used to warn about decisions effective
            while no desk of their level was open.
        sources: the file of each decision, to name it in problems.
        check: raise :class:`~tthc.errors.LifecycleError` when there are errors;
            with ``check=False`` the errors are returned in :attr:`Replay.errors`.
        aliases: confirmed links, local identifier → national code: every
            entry about the local identifier applies to the national code.

    Raises:
        LifecycleError: with every impossible transition, each naming its
            decision, file and entry (only when *check* is true).
    """
    replayer = _Replayer(unit, sources or {}, aliases)
    ordered = sorted(decisions, key=replay_key)
    for previous, decision in itertools.pairwise(ordered):
        if previous.key == decision.key:
            replayer.errors.append(
                Problem(source=replayer.source(decision.key), path="$",
                        message=f"decision {decision} of {decision.issuer} is given twice",
                        code="duplicate-decision")
            )
    for decision in ordered:
        replayer.dkey = decision.key
        shape = entry_problems(decision, replayer.source(replayer.dkey))
        replayer.errors.extend(shape)
        bad = {_entry_index(problem) for problem in shape}
        replayer.check_dates(decision)
        replayer.check_repeats(decision)
        entries = decision.entries
        phases = [_PHASE[id(entry.kind)] for entry in entries]
        order: Iterable[int] = range(len(entries))
        if any(a > b for a, b in itertools.pairwise(phases)):
            order = sorted(order, key=phases.__getitem__)
        for index in order:
            if index not in bad:
                replayer.apply(decision, index, entries[index])
    replayer.check_cycles()
    replayer.check_ended_levels()
    return _result(replayer, ordered, check)


def _entry_index(problem: Problem) -> int:
    inside = problem.path.removeprefix("$.entries[")
    return int(inside.split("]", 1)[0])


def _result(replayer: _Replayer, ordered: Sequence[Decision], check: bool) -> Replay:
    if check and replayer.errors:
        raise LifecycleError(
            replayer.errors, f"the decisions cannot be replayed ({len(replayer.errors)} problems)"
        )
    versions = list(replayer.closed)
    versions.extend(state.close(None, None, None, None) for state in replayer.open.values())  # type: ignore[arg-type]
    ranks = {level.key: level.rank for level in Level.all()}

    def order(version: Version) -> tuple[str, int, str, date]:
        level = version.procedure.level
        return (version.procedure.code, ranks.get(level, 1_000), level, version.valid_from)

    versions.sort(key=order)
    timelines: dict[tuple[str, str], tuple[Version, ...]] = {}
    for key, group in itertools.groupby(
        versions, key=lambda v: (v.procedure.code, v.procedure.level)
    ):
        timelines[key] = tuple(group)
    return Replay(
        decisions=tuple(ordered),
        versions=tuple(versions),
        timelines=MappingProxyType(timelines),
        replacements=tuple(replayer.replacements),
        errors=tuple(replayer.errors),
        warnings=tuple(replayer.warnings),
        by_name=tuple(replayer.by_name),
    )
