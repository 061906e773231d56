"""Cuts of processing time: the statutory time against the time applied locally.

Provinces approve lists of procedures whose processing time is cut below the
statutory one (domain.md §6.2). A :class:`Cut` is one such procedure at one
level; :func:`summarize_cuts` recomputes the figures a report needs, since
published aggregates are often inconsistent:

>>> from datetime import date
>>> from tthc.catalog import load_catalog, resolve_catalog_path
>>> catalog = load_catalog(resolve_catalog_path())
>>> cuts = cuts_in_period(catalog, date(2019, 1, 1), date(2019, 12, 31))
>>> cuts[0].code, cuts[0].statutory.text, cuts[0].applied.text, format_percent(cuts[0].fraction)
('1.001266', '05 ngày làm việc', '04 ngày làm việc', '20.00%')
>>> summary = summarize_cuts(cuts[:3])
>>> format_percent(summary.aggregate), format_percent(summary.mean_fraction)
('26.67%', '27.30%')
>>> [c.code for c in summary.check(Decimal("0.25")).cuts]
['1.001279', '1.004979']

The cut of one procedure is ``(statutory − applied) / statutory`` in one
unit (:func:`tthc.proctime.cut_fraction`: working hours convert to working
days at 8 hours a day; calendar days compare only with calendar days). Two
aggregates are given side by side, each labelled, because reports use both
under the same name: the time-weighted ``Σ cut / Σ statutory``
(:data:`AGGREGATE_LABEL`) and the plain mean of the per-procedure
percentages (:data:`MEAN_LABEL`). Cuts that cannot be compared (units
differ, a time not parsed, a range) are listed apart, never dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from tthc.decision import DecisionKey, EntryKind
from tthc.procedure import Field, Procedure
from tthc.proctime import (
    ParseStatus,
    ProcessingTime,
    TimeUnit,
    cut_fraction,
    to_working_days,
)
from tthc.text import fold

if TYPE_CHECKING:  # pragma: no cover
    from tthc.catalog import Catalog, CatalogView

__all__ = [
    "AGGREGATE_LABEL",
    "DEFAULT_THRESHOLDS",
    "MEAN_LABEL",
    "Cut",
    "CutSummary",
    "CutTotal",
    "ThresholdCheck",
    "cuts_in_force",
    "cuts_in_period",
    "format_percent",
    "summarize_cuts",
]

#: The label of the time-weighted aggregate (Lạng Sơn, Quảng Nam style).
AGGREGATE_LABEL = "Σ cut / Σ statutory (time-weighted, domain.md §6.2)"
#: The label of the unweighted mean (the Bắc Ninh "average").
MEAN_LABEL = "mean of per-procedure percentages (unweighted)"
#: The thresholds reports check by default: 20% and 30% (domain.md §6.2).
DEFAULT_THRESHOLDS = (Decimal("0.20"), Decimal("0.30"))

_WORKING = (TimeUnit.WORKING_DAY, TimeUnit.WORKING_HOUR)


def format_percent(fraction: Decimal | None, places: int = 2) -> str:
    """Write a fraction as a percentage, rounded half up; ``"n/a"`` for ``None``.

    >>> format_percent(Decimal(1) / 3), format_percent(Decimal("0.2"), 0), format_percent(None)
    ('33.33%', '20%', 'n/a')
    """
    if fraction is None:
        return "n/a"
    quantum = Decimal(1).scaleb(-places)
    return f"{(fraction * 100).quantize(quantum, rounding=ROUND_HALF_UP)}%"


def _single(pt: ProcessingTime) -> Decimal | None:
    if not pt.is_computable or pt.amount is None:
        return None
    if pt.amount_max is not None and pt.amount_max != pt.amount:
        return None
    return pt.amount


def _status_word(pt: ProcessingTime) -> str | None:
    if pt.status is ParseStatus.UNSPECIFIED:
        return "not given"
    if pt.status is ParseStatus.UNPARSED:
        return "not understood"
    if pt.unit is TimeUnit.UNKNOWN:
        return "a number without a unit"
    if not pt.is_computable:
        return "without a single amount"
    if pt.amount_max is not None and pt.amount is not None and pt.amount_max != pt.amount:
        return "a range"
    return None


@attrs.frozen(kw_only=True)
class Cut:
    """A procedure at one level whose applied time is below the statutory one.

    Attributes:
        procedure: the procedure version the cut applies to.
        level: the level key (district, commune …).
        statutory: the statutory processing time, as announced.
        applied: the time applied locally after the cut (the one to post).
        decision: the decision that set the applied time.
        effective_from: the day the applied time takes effect.
    """

    procedure: Procedure
    level: str
    statutory: ProcessingTime
    applied: ProcessingTime
    decision: DecisionKey
    effective_from: date

    @property
    def code(self) -> str:
        """The national code."""
        return self.procedure.code

    @property
    def field(self) -> Field:
        """The field (lĩnh vực) of the procedure."""
        return self.procedure.field

    @property
    def fraction(self) -> Decimal | None:
        """``(statutory − applied) / statutory`` in one unit, or ``None`` if incomparable.

        Negative when the applied time is longer (a lengthening).
        """
        return cut_fraction(self.statutory, self.applied)

    @property
    def unit(self) -> TimeUnit | None:
        """The unit both lengths are given in: working days (hours converted),
        calendar days, same day; ``None`` when they cannot be compared."""
        if self.fraction is None:
            return None
        if self.statutory.unit in _WORKING:
            return TimeUnit.WORKING_DAY
        return self.statutory.unit

    def lengths(self) -> tuple[Decimal, Decimal] | None:
        """``(statutory, applied)`` in :attr:`unit`; ``None`` when incomparable or same-day.

        >>> from tthc.proctime import parse_processing_time as p
        >>> from tthc.procedure import Procedure
        >>> from tthc.fees import Fee
        >>> from tthc.proctime import ParseStatus
        >>> proc = Procedure(code="1.000001", name="Thủ tục mẫu", field=Field.of("Hộ tịch"),
        ...     level="commune", processing_time=p("03 ngày làm việc"),
        ...     fees=Fee(text="", status=ParseStatus.UNSPECIFIED))
        >>> cut = Cut(procedure=proc, level="commune", statutory=p("03 ngày làm việc"),
        ...     applied=p("12 giờ làm việc"), effective_from=date(2020, 1, 1),
        ...     decision=DecisionKey("UBND", "1/QĐ", date(2020, 1, 1)))
        >>> cut.lengths(), cut.fraction
        ((Decimal('3'), Decimal('1.5')), Decimal('0.5'))
        """
        unit = self.unit
        if unit is TimeUnit.WORKING_DAY:
            s, a = to_working_days(self.statutory), to_working_days(self.applied)
        elif unit is TimeUnit.CALENDAR_DAY:
            s, a = _single(self.statutory), _single(self.applied)
        else:
            return None
        if s is None or a is None:  # pragma: no cover - fraction would be None
            return None
        return s, a

    @property
    def reason(self) -> str | None:
        """Why the cut cannot be computed; ``None`` when it can."""
        if self.fraction is not None:
            return None
        for label, pt in (("statutory", self.statutory), ("applied", self.applied)):
            word = _status_word(pt)
            if word is not None:
                return f"the {label} time {pt.text!r} is {word}"
        s_unit, a_unit = self.statutory.unit, self.applied.unit
        if s_unit is not a_unit and not (s_unit in _WORKING and a_unit in _WORKING):
            return (
                f"the units differ: {s_unit.value if s_unit else 'none'} against "
                f"{a_unit.value if a_unit else 'none'}"
            )
        return "the statutory time is 0"


@attrs.frozen(kw_only=True)
class CutTotal:
    """The sums of the cuts measured in one unit.

    Attributes:
        unit: working days (working hours converted at 8 a day) or calendar days.
        count: the cuts summed.
        statutory: Σ statutory.
        applied: Σ applied.
    """

    unit: TimeUnit
    count: int
    statutory: Decimal
    applied: Decimal

    @property
    def cut(self) -> Decimal:
        """Σ (statutory − applied)."""
        return self.statutory - self.applied

    @property
    def fraction(self) -> Decimal | None:
        """Σ cut / Σ statutory (:data:`AGGREGATE_LABEL`); ``None`` when Σ statutory is 0."""
        return self.cut / self.statutory if self.statutory else None


@attrs.frozen(kw_only=True)
class ThresholdCheck:
    """Which cuts reach a threshold, and whether the aggregates do.

    Attributes:
        threshold: the fraction checked (``Decimal("0.2")`` for 20%).
        cuts: the cuts whose own fraction is at least the threshold.
        fields: the distinct fields of those cuts, by name.
        aggregate_meets: the time-weighted aggregate reaches it (``None``:
            no single aggregate, see :attr:`CutSummary.aggregate`).
        mean_meets: the mean of the percentages reaches it (``None``: no cut).
    """

    threshold: Decimal
    cuts: tuple[Cut, ...]
    fields: tuple[Field, ...]
    aggregate_meets: bool | None
    mean_meets: bool | None

    @property
    def count(self) -> int:
        """The number of cuts reaching the threshold."""
        return len(self.cuts)


@attrs.frozen(kw_only=True)
class CutSummary:
    """Recomputed figures of a list of cuts (from :func:`summarize_cuts`).

    Attributes:
        cuts: every cut given, in the order given.
        comparable: the cuts with a fraction.
        incomparable: the cuts without one (see :attr:`Cut.reason`), kept apart.
        totals: the sums per unit (working days first, then calendar days);
            same-day cuts have no length and are not summed.
        mean_fraction: the plain mean of the comparable cuts' fractions
            (:data:`MEAN_LABEL`).
        thresholds: the thresholds of :attr:`checks`.
    """

    cuts: tuple[Cut, ...]
    comparable: tuple[Cut, ...]
    incomparable: tuple[Cut, ...]
    totals: tuple[CutTotal, ...]
    mean_fraction: Decimal | None
    thresholds: tuple[Decimal, ...] = DEFAULT_THRESHOLDS

    @property
    def aggregate(self) -> Decimal | None:
        """Σ cut / Σ statutory (:data:`AGGREGATE_LABEL`).

        ``None`` when there is nothing to sum, or when the cuts are in both
        working and calendar days: those cannot be added (see :attr:`totals`).
        """
        return self.totals[0].fraction if len(self.totals) == 1 else None

    @property
    def checks(self) -> tuple[ThresholdCheck, ...]:
        """One :class:`ThresholdCheck` per threshold of :attr:`thresholds`."""
        return tuple(self.check(t) for t in self.thresholds)

    def check(self, threshold: Decimal) -> ThresholdCheck:
        """The cuts reaching *threshold* (a fraction: ``Decimal("0.3")`` is 30%)."""
        threshold = Decimal(threshold)
        reached = tuple(c for c in self.comparable if (c.fraction or 0) >= threshold)
        fields = {c.field.key: c.field for c in reached}
        aggregate, mean = self.aggregate, self.mean_fraction
        return ThresholdCheck(
            threshold=threshold,
            cuts=reached,
            fields=tuple(sorted(fields.values(), key=lambda f: (fold(f.name), f.key))),
            aggregate_meets=None if aggregate is None else aggregate >= threshold,
            mean_meets=None if mean is None else mean >= threshold,
        )

    def by_field(self) -> dict[Field, CutSummary]:
        """A summary per field, fields sorted by name.

        >>> from datetime import date
        >>> from tthc.catalog import load_catalog, resolve_catalog_path
        >>> catalog = load_catalog(resolve_catalog_path())
        >>> cuts = cuts_in_period(catalog, date(2019, 1, 1), date(2019, 12, 31))
        >>> summary = summarize_cuts(cuts[:3])
        >>> for field, part in summary.by_field().items():
        ...     print(f"{field.key}: {len(part.cuts)} cut(s), {format_percent(part.aggregate)}")
        ho-kinh-doanh: 1 cut(s), 20.00%
        luu-thong-hang-hoa-trong-nuoc: 1 cut(s), 28.57%
        thanh-lap-va-hoat-dong-cua-to-hop-tac-hop-tac-xa-lien-hiep-hop-tac-xa: 1 cut(s), 33.33%
        """
        groups: dict[str, list[Cut]] = defaultdict(list)
        fields: dict[str, Field] = {}
        for cut in self.cuts:
            groups[cut.field.key].append(cut)
            fields.setdefault(cut.field.key, cut.field)
        order = sorted(groups, key=lambda key: (fold(fields[key].name), key))
        return {
            fields[key]: summarize_cuts(groups[key], thresholds=self.thresholds) for key in order
        }

    def lines(self) -> list[str]:
        """The figures in words, each aggregate with its label.

        >>> from datetime import date
        >>> from tthc.catalog import load_catalog, resolve_catalog_path
        >>> catalog = load_catalog(resolve_catalog_path())
        >>> cuts = cuts_in_period(catalog, date(2019, 1, 1), date(2019, 12, 31))
        >>> print("\\n".join(summarize_cuts(cuts[:3]).lines()))
        cuts: 3 (3 comparable, 0 incomparable)
        working days: Σ statutory 15, Σ applied 11, Σ cut 4
        Σ cut / Σ statutory (time-weighted, domain.md §6.2): 26.67%
        mean of per-procedure percentages (unweighted): 27.30%
        ≥ 20%: 3 cut(s) in 3 field(s); aggregate yes, mean yes
        ≥ 30%: 1 cut(s) in 1 field(s); aggregate no, mean no
        """
        lines = [
            f"cuts: {len(self.cuts)} ({len(self.comparable)} comparable, "
            f"{len(self.incomparable)} incomparable)"
        ]
        for total in self.totals:
            unit = "working days" if total.unit is TimeUnit.WORKING_DAY else "calendar days"
            lines.append(
                f"{unit}: Σ statutory {_num(total.statutory)}, Σ applied {_num(total.applied)}, "
                f"Σ cut {_num(total.cut)}"
                + (f" ({format_percent(total.fraction)})" if len(self.totals) > 1 else "")
            )
        lines.append(f"{AGGREGATE_LABEL}: {format_percent(self.aggregate)}")
        lines.append(f"{MEAN_LABEL}: {format_percent(self.mean_fraction)}")
        for check in self.checks:
            lines.append(
                f"≥ {format_percent(check.threshold, 0)}: {check.count} cut(s) in "
                f"{len(check.fields)} field(s); aggregate {_yes(check.aggregate_meets)}, "
                f"mean {_yes(check.mean_meets)}"
            )
        for cut in self.incomparable:
            lines.append(f"incomparable: {cut.code} ({cut.level}): {cut.reason}")
        return lines

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain data (fractions as strings), for JSON."""
        return {
            "cuts": [_cut_dict(c) for c in self.cuts],
            "incomparable": [
                {"code": c.code, "level": c.level, "reason": c.reason} for c in self.incomparable
            ],
            "totals": [
                {
                    "unit": t.unit.value,
                    "count": t.count,
                    "statutory": _num(t.statutory),
                    "applied": _num(t.applied),
                    "cut": _num(t.cut),
                    "fraction": _frac(t.fraction),
                }
                for t in self.totals
            ],
            "aggregate": {"label": AGGREGATE_LABEL, "fraction": _frac(self.aggregate)},
            "mean": {"label": MEAN_LABEL, "fraction": _frac(self.mean_fraction)},
            "thresholds": [
                {
                    "threshold": str(c.threshold),
                    "count": c.count,
                    "codes": [f"{x.code}/{x.level}" for x in c.cuts],
                    "fields": [f.name for f in c.fields],
                    "aggregate_meets": c.aggregate_meets,
                    "mean_meets": c.mean_meets,
                }
                for c in self.checks
            ],
        }


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _frac(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _yes(value: bool | None) -> str:
    return "n/a" if value is None else ("yes" if value else "no")


def _cut_dict(cut: Cut) -> dict[str, Any]:
    return {
        "code": cut.code,
        "name": cut.procedure.name,
        "level": cut.level,
        "field": cut.field.name,
        "statutory": cut.statutory.text,
        "applied": cut.applied.text,
        "fraction": _frac(cut.fraction),
        "decision": cut.decision.number,
        "signed": cut.decision.signed.isoformat(),
        "effective_from": cut.effective_from.isoformat(),
    }


def summarize_cuts(
    cuts: Iterable[Cut], *, thresholds: Sequence[Decimal] = DEFAULT_THRESHOLDS
) -> CutSummary:
    """Recompute the figures of *cuts*: per-procedure fractions, sums, mean, thresholds.

    Args:
        cuts: the cuts (from :func:`cuts_in_force`, :func:`cuts_in_period`, or built).
        thresholds: the fractions :attr:`CutSummary.checks` checks (20% and
            30% by default); :meth:`CutSummary.check` takes any other.
    """
    items = tuple(cuts)
    comparable = tuple(c for c in items if c.fraction is not None)
    incomparable = tuple(c for c in items if c.fraction is None)
    sums: dict[TimeUnit, list[Decimal]] = {}
    counts: dict[TimeUnit, int] = defaultdict(int)
    for cut in comparable:
        lengths = cut.lengths()
        unit = cut.unit
        if lengths is None or unit is None:
            continue
        acc = sums.setdefault(unit, [Decimal(0), Decimal(0)])
        acc[0] += lengths[0]
        acc[1] += lengths[1]
        counts[unit] += 1
    totals = tuple(
        CutTotal(unit=unit, count=counts[unit], statutory=sums[unit][0], applied=sums[unit][1])
        for unit in (TimeUnit.WORKING_DAY, TimeUnit.CALENDAR_DAY)
        if unit in sums
    )
    fractions = [c.fraction for c in comparable if c.fraction is not None]
    mean = sum(fractions, Decimal(0)) / len(fractions) if fractions else None
    return CutSummary(
        cuts=items,
        comparable=comparable,
        incomparable=incomparable,
        totals=totals,
        mean_fraction=mean,
        thresholds=tuple(Decimal(t) for t in thresholds),
    )


def cuts_in_force(view: CatalogView) -> list[Cut]:
    """The cuts in force on the view's date: every procedure with an applied time.

    >>> from datetime import date
    >>> from tthc.catalog import load_catalog, resolve_catalog_path
    >>> catalog = load_catalog(resolve_catalog_path())
    >>> len(cuts_in_force(catalog.as_of(date(2019, 12, 31))))
    20
    """
    catalog = view.catalog
    found = []
    for record in view.entries():
        if record.applied_time is None or record.cut_decision is None:
            continue
        found.append(
            Cut(
                procedure=record.procedure,
                level=record.level,
                statutory=record.procedure.processing_time,
                applied=record.applied_time,
                decision=record.cut_decision,
                effective_from=catalog.decision(record.cut_decision).effective,
            )
        )
    return found


def cuts_in_period(catalog: Catalog, start: date, end: date) -> list[Cut]:
    """The cuts set by decisions effective from *start* to *end* (both included).

    Every ``cut`` entry counts, and every ``amended`` entry that gives an
    applied time, once per level, in replay order; the statutory time is the
    one in force at that level when the cut took effect.
    """
    changes = catalog.changes(start, end)
    found = []
    for change in changes.items:
        if change.kind not in (EntryKind.CUT, EntryKind.AMENDED):
            continue
        entry = catalog.decision(change.decision).entries[change.entry]
        if entry.applied_time is None:
            continue
        record = catalog.as_of(change.effective).record(change.code, change.level)
        if record is None:  # pragma: no cover - the replay refuses a cut of nothing
            raise LookupError(f"cut of {change.code} ({change.level}): not in force")
        found.append(
            Cut(
                procedure=record.procedure,
                level=change.level,
                statutory=record.procedure.processing_time,
                applied=entry.applied_time,
                decision=change.decision,
                effective_from=change.effective,
            )
        )
    return found
