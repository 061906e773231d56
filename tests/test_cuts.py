"""Tests for tthc.cuts: cuts of processing time, recomputed aggregates, thresholds."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from tests.catalog_helpers import amended, cut, decision, new, ptime, unit

from tthc.catalog import Catalog, load_catalog, resolve_catalog_path
from tthc.cuts import (
    AGGREGATE_LABEL,
    MEAN_LABEL,
    Cut,
    cuts_in_force,
    cuts_in_period,
    format_percent,
    summarize_cuts,
)
from tthc.decision import DecisionKey
from tthc.fees import Fee
from tthc.procedure import Field, Procedure
from tthc.proctime import ParseStatus, TimeUnit

EXAMPLE = load_catalog(resolve_catalog_path())
YEAR_2019 = (date(2019, 1, 1), date(2019, 12, 31))
KEY = DecisionKey("Chủ tịch UBND tỉnh Mẫu", "9/QĐ-UBND", date(2020, 1, 2))


def make_cut(statutory: str, applied: str, *, code: str = "1.000001",
             field: str = "Hộ tịch") -> Cut:
    """A cut between two time texts, read as the catalogue loader reads them."""
    proc = Procedure(
        code=code, name="Thủ tục mẫu", field=Field.of(field), level="district",
        processing_time=ptime(statutory), fees=Fee(text="", status=ParseStatus.UNSPECIFIED),
    )
    return Cut(procedure=proc, level="district", statutory=ptime(statutory),
               applied=ptime(applied), decision=KEY, effective_from=date(2020, 1, 2))


class TestExampleCatalogue:
    """The 2019 figures of the example district, computed through the API."""

    def test_cuts_of_2019(self) -> None:
        """The 2019 cut decision: 20 cuts, 17 of them by 20% or more, in five fields."""
        summary = summarize_cuts(cuts_in_period(EXAMPLE, *YEAR_2019))
        check = summary.check(Decimal("0.20"))

        assert 20 == len(summary.cuts)
        assert 17 == check.count
        assert {
            "hoat-dong-xay-dung",
            "luu-thong-hang-hoa-trong-nuoc",
            "phat-thanh-truyen-hinh-va-thong-tin-dien-tu",
            "ho-kinh-doanh",
            "thanh-lap-va-hoat-dong-cua-to-hop-tac-hop-tac-xa-lien-hiep-hop-tac-xa",
        } == {f.key for f in check.fields}

    def test_default_checks_are_20_and_30_percent(self) -> None:
        """The default checks are 20% and 30%; 30% is reached by the thirds (3 → 2 days)."""
        summary = summarize_cuts(cuts_in_period(EXAMPLE, *YEAR_2019))
        twenty, thirty = summary.checks

        assert (Decimal("0.20"), Decimal("0.30")) == (twenty.threshold, thirty.threshold)
        assert 12 == thirty.count
        assert all(c.fraction == Decimal(1) / 3 for c in thirty.cuts)

    def test_aggregates_are_recomputed(self) -> None:
        """Σ cut / Σ statutory and the plain mean, recomputed from the texts."""
        cuts = cuts_in_period(EXAMPLE, *YEAR_2019)
        summary = summarize_cuts(cuts)
        statutory = [c.statutory.amount for c in cuts]
        applied = [c.applied.amount for c in cuts]
        assert all(c.statutory.unit is TimeUnit.WORKING_DAY for c in cuts)
        s_total = sum(statutory, Decimal(0))
        a_total = sum(applied, Decimal(0))
        fractions = [(s - a) / s for s, a in zip(statutory, applied, strict=True)]

        assert [TimeUnit.WORKING_DAY] == [t.unit for t in summary.totals]
        assert (s_total, a_total) == (summary.totals[0].statutory, summary.totals[0].applied)
        assert (s_total - a_total) / s_total == summary.aggregate
        assert sum(fractions, Decimal(0)) / len(fractions) == summary.mean_fraction
        assert summary.aggregate != summary.mean_fraction

    def test_in_force_matches_the_period(self) -> None:
        """The cuts in force at the end of 2019 are the ones set during 2019."""
        in_force = cuts_in_force(EXAMPLE.as_of(date(2019, 12, 31)))
        period = cuts_in_period(EXAMPLE, *YEAR_2019)

        assert {(c.code, c.level) for c in period} == {(c.code, c.level) for c in in_force}
        assert {date(2019, 10, 1)} == {c.effective_from for c in in_force}
        assert all(c.applied.text for c in in_force)

    def test_nothing_before_the_decision(self) -> None:
        """No cut is in force the day before the cut decision takes effect."""
        assert [] == cuts_in_force(EXAMPLE.as_of(date(2019, 9, 30)))
        assert [] == cuts_in_period(EXAMPLE, date(2019, 1, 1), date(2019, 9, 30))

    def test_statutory_time_is_the_announced_one(self) -> None:
        """A cut keeps the statutory time of the procedure and the decision's applied time."""
        found = {c.code: c for c in cuts_in_period(EXAMPLE, *YEAR_2019)}
        record = EXAMPLE.as_of(date(2019, 12, 31)).record("1.001279", "district")

        assert record is not None
        assert record.procedure.processing_time == found["1.001279"].statutory
        assert record.applied_time == found["1.001279"].applied
        assert "664/QĐ-UBND" == found["1.001279"].decision.number

    def test_by_field_partitions_the_cuts(self) -> None:
        """Per-field summaries cover every cut once, sorted by field name."""
        summary = summarize_cuts(cuts_in_period(EXAMPLE, *YEAR_2019))
        parts = summary.by_field()

        assert len(summary.cuts) == sum(len(p.cuts) for p in parts.values())
        assert all({c.field for c in p.cuts} == {f} for f, p in parts.items())
        names = [f.name.casefold() for f in parts]
        assert len(names) == len(set(names))


class TestSummary:
    """Aggregates, thresholds and incomparable cuts on small hand-made lists."""

    def test_weighted_and_mean_differ(self) -> None:
        """A short time cut by half and a long one by a tenth: 15/110 against 30%."""
        summary = summarize_cuts([
            make_cut("10 ngày làm việc", "5 ngày làm việc"),
            make_cut("100 ngày làm việc", "90 ngày làm việc", code="1.000002"),
        ])
        check = summary.check(Decimal("0.2"))

        assert Decimal(15) / Decimal(110) == summary.aggregate
        assert Decimal("0.3") == summary.mean_fraction
        assert ["1.000001"] == [c.code for c in check.cuts]
        assert (False, True) == (check.aggregate_meets, check.mean_meets)

    def test_hours_convert_to_days(self) -> None:
        """3 working days cut to 12 working hours is 50%, summed in working days."""
        summary = summarize_cuts([make_cut("03 ngày làm việc", "12 giờ làm việc")])

        assert Decimal("0.5") == summary.aggregate
        assert (Decimal(3), Decimal("1.5")) == summary.cuts[0].lengths()

    def test_calendar_and_working_days_are_summed_apart(self) -> None:
        """Calendar-day cuts get their own total; no single aggregate across both."""
        summary = summarize_cuts([
            make_cut("15 ngày", "10 ngày"),
            make_cut("4 ngày làm việc", "3 ngày làm việc", code="1.000002"),
        ])

        assert [TimeUnit.WORKING_DAY, TimeUnit.CALENDAR_DAY] == [t.unit for t in summary.totals]
        assert [Decimal("0.25"), Decimal(5) / Decimal(15)] == [t.fraction for t in summary.totals]
        assert summary.aggregate is None
        assert summary.check(Decimal("0.2")).aggregate_meets is None

    @pytest.mark.parametrize(
        ("statutory", "applied", "reason"),
        [
            ("15 ngày", "10 ngày làm việc", "the units differ"),
            ("5", "3 ngày làm việc", "a number without a unit"),
            ("Không quy định", "3 ngày làm việc", "not given"),
            ("10 – 20 ngày", "10 ngày", "a range"),
            ("0 ngày làm việc", "0 ngày làm việc", "the statutory time is 0"),
        ],
    )
    def test_incomparable_cuts_are_listed_apart(
        self, statutory: str, applied: str, reason: str
    ) -> None:
        """A cut that cannot be computed is kept, with its reason, out of every figure."""
        good = make_cut("4 ngày làm việc", "3 ngày làm việc", code="1.000002")
        bad = make_cut(statutory, applied)
        summary = summarize_cuts([bad, good])

        assert (bad,) == summary.incomparable
        assert (good,) == summary.comparable
        assert 2 == len(summary.cuts)
        assert bad.reason is not None
        assert reason in bad.reason
        assert Decimal("0.25") == summary.aggregate
        assert any(bad.code in line and reason in line for line in summary.lines())

    def test_same_day_is_no_cut_and_has_no_length(self) -> None:
        """Two same-day times: a cut of 0, counted in the mean, not in the sums."""
        same = "Trong ngày"
        summary = summarize_cuts([make_cut(same, same)])

        assert Decimal(0) == summary.cuts[0].fraction
        assert () == summary.totals
        assert Decimal(0) == summary.mean_fraction

    def test_lengthening_is_negative(self) -> None:
        """An applied time longer than the statutory one is a negative cut."""
        lengthened = make_cut("4 ngày làm việc", "5 ngày làm việc")

        assert Decimal("-0.25") == lengthened.fraction
        assert 0 == summarize_cuts([lengthened]).check(Decimal(0)).count

    def test_empty(self) -> None:
        """No cut: no aggregate, no mean, nothing reaches a threshold."""
        summary = summarize_cuts([])

        assert (None, None) == (summary.aggregate, summary.mean_fraction)
        assert 0 == summary.check(Decimal("0.2")).count

    def test_labels_and_plain_data(self) -> None:
        """Both aggregates are labelled, in text and in plain data (JSON-ready)."""
        summary = summarize_cuts(cuts_in_period(EXAMPLE, *YEAR_2019))
        text = "\n".join(summary.lines())
        data = json.loads(json.dumps(summary.as_dict()))

        assert AGGREGATE_LABEL in text
        assert MEAN_LABEL in text
        assert AGGREGATE_LABEL == data["aggregate"]["label"]
        assert MEAN_LABEL == data["mean"]["label"]
        assert 17 == data["thresholds"][0]["count"]

    def test_custom_thresholds(self) -> None:
        """Thresholds are parameters."""
        summary = summarize_cuts(
            [make_cut("10 ngày làm việc", "6 ngày làm việc")], thresholds=[Decimal("0.4")]
        )

        assert (Decimal("0.4"),) == tuple(c.threshold for c in summary.checks)
        assert 1 == summary.checks[0].count


class TestCatalogueEntries:
    """Where cuts come from: cut entries, and amendments giving an applied time."""

    def test_amendment_with_applied_time_is_a_cut(self) -> None:
        """An amendment that gives an applied time counts as a cut of its period."""
        catalog = Catalog(unit(), [
            decision("1/QĐ-UBND", date(2020, 1, 2),
                     new("1.000001", processing_time="10 ngày làm việc")),
            decision("2/QĐ-UBND", date(2021, 3, 1),
                     amended("1.000001", applied_time="7 ngày làm việc")),
            decision("3/QĐ-UBND", date(2022, 5, 1), cut("1.000001", applied="5 ngày làm việc")),
        ])
        cuts_2021 = cuts_in_period(catalog, date(2021, 1, 1), date(2021, 12, 31))
        both = cuts_in_period(catalog, date(2021, 1, 1), date(2022, 12, 31))

        assert [Decimal("0.3")] == [c.fraction for c in cuts_2021]
        assert ["2/QĐ-UBND", "3/QĐ-UBND"] == [c.decision.number for c in both]
        in_force = cuts_in_force(catalog.as_of(date(2023, 1, 1)))
        assert [("5 ngày làm việc", date(2022, 5, 1))] == [
            (c.applied.text, c.effective_from) for c in in_force
        ]


class TestFormatPercent:
    """Percentages are rounded half up."""

    @pytest.mark.parametrize(
        ("fraction", "places", "expected"),
        [
            (Decimal("0.12345"), 2, "12.35%"),
            (Decimal("0.123449"), 2, "12.34%"),
            (Decimal("0.9999"), 2, "99.99%"),
            (Decimal("0.99995"), 2, "100.00%"),
            (Decimal("0.3037"), 0, "30%"),
            (None, 2, "n/a"),
        ],
    )
    def test_rounding(self, fraction: Decimal | None, places: int, expected: str) -> None:
        """Half up, at the places asked."""
        assert expected == format_percent(fraction, places)
