"""The lifecycle engine: replay order, transitions, errors, warnings, the real QĐ 1766."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.catalog_helpers import (
    amended,
    baseline_1766,
    baseline_id,
    content,
    cut,
    decision,
    decision_1766,
    new,
    ptime,
    repealed,
    replaced,
    rows_1766,
    service,
    transferred,
    unit,
)

from tthc import codes
from tthc.catalog import Catalog
from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
from tthc.errors import LifecycleError, Problem
from tthc.fees import Fee
from tthc.lifecycle import PHASES, replay, replay_key
from tthc.procedure import Field, OnlineService, PostalService, Procedure
from tthc.proctime import ParseStatus, ProcessingTime

D = date


def in_force(catalog: Catalog, day: date) -> dict[tuple[str, str], Procedure]:
    return {(r.code, r.level): r.procedure for r in catalog.as_of(day).entries()}


def messages(problems: tuple[Problem, ...] | list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


class TestOrder:
    def test_decisions_apply_by_effective_date_whatever_the_order_given(self) -> None:
        """An amendment listed before the decision it amends still applies after it."""
        first = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001", name="Cũ"))
        second = decision("2/QĐ-UBND", D(2021, 1, 1), amended("1.000001", name="Mới"))

        result = replay([second, first])

        assert [first, second] == list(result.decisions)
        assert [v.procedure.name for v in result.timelines["1.000001", "district"]] == ["Cũ", "Mới"]

    def test_same_day_ties_follow_signing_date_then_issuer_then_number(self) -> None:
        """Decisions effective the same day apply by signing date, issuer, number."""
        day = D(2020, 5, 1)
        a = decision("9/QĐ-UBND", day, new("1.000001"), signed=D(2020, 4, 1))
        b = decision("10/QĐ-UBND", day, amended("1.000001", name="B"), signed=D(2020, 4, 2))
        c = decision(
            "10/QĐ-UBND",
            day,
            amended("1.000001", name="C"),
            signed=D(2020, 4, 2),
            issuer="Chủ tịch UBND tỉnh Nam",
        )

        assert [a, b, c] == sorted([c, b, a], key=replay_key)
        for order in ([a, b, c], [c, b, a], [b, a, c]):
            assert Catalog(unit(), order).as_of(day)["1.000001"].name == "C"

    def test_phases_close_before_they_open(self) -> None:
        """One decision may repeal a code at a level and announce it there anew."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001", name="Cũ"))
        again = decision(
            "2/QĐ-UBND", D(2021, 1, 1), new("1.000001", name="Mới"), repealed("1.000001")
        )

        catalog = Catalog(unit(), [start, again])

        assert catalog.as_of(D(2021, 1, 1))["1.000001"].name == "Mới"
        assert [v.kind for v in catalog.history("1.000001")] == [EntryKind.NEW, EntryKind.NEW]

    def test_transfer_applies_before_an_amendment_at_the_new_level(self) -> None:
        """A decision moving a procedure to the commune may amend it there too."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001", processing_time="10 ngày"))
        move = decision(
            "2/QĐ-UBND",
            D(2025, 7, 1),
            amended("1.000001", "commune", processing_time="05 ngày làm việc"),
            transferred("1.000001", ["district"], ["commune"]),
        )

        catalog = Catalog(unit(), [start, move])
        record = catalog.as_of(D(2025, 7, 1)).record("1.000001")

        assert record is not None
        assert (record.level, record.procedure.processing_time.text) == (
            "commune",
            "05 ngày làm việc",
        )
        assert record.version.transferred_from == "district"

    def test_phase_order_is_documented(self) -> None:
        """The phases are the documented ones, closing kinds first."""
        assert (
            EntryKind.REPEALED,
            EntryKind.REPLACED,
            EntryKind.TRANSFERRED,
            EntryKind.NEW,
            EntryKind.AMENDED,
            EntryKind.CUT,
            EntryKind.SERVICE,
        ) == PHASES


class TestTransitions:
    def test_amendment_keeps_what_it_does_not_change(self) -> None:
        """An amendment replaces the components it gives; the others carry over."""
        start = decision(
            "1/QĐ-UBND",
            D(2020, 1, 1),
            new(
                "1.000001",
                name="Đăng ký khai sinh",
                fees="Miễn phí",
                processing_time="03 ngày làm việc",
                agency="UBND cấp xã",
            ),
        )
        change = decision("2/QĐ-UBND", D(2022, 3, 1), amended("1.000001", fees="8.000 đồng"))

        procedure = Catalog(unit(), [start, change]).as_of(D(2022, 3, 1))["1.000001"]

        assert (
            procedure.name,
            procedure.fees.text,
            procedure.processing_time.text,
            procedure.agency,
        ) == ("Đăng ký khai sinh", "8.000 đồng", "03 ngày làm việc", "UBND cấp xã")

    def test_versions_are_half_open_intervals(self) -> None:
        """A version is in force from its decision's effective date to the day before the next."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))
        end = decision("2/QĐ-UBND", D(2021, 6, 1), repealed("1.000001"))

        catalog = Catalog(unit(), [start, end])
        (version,) = catalog.history("1.000001")

        assert "1.000001" in catalog.as_of(D(2021, 5, 31))
        assert "1.000001" not in catalog.as_of(D(2021, 6, 1))
        assert "1.000001" not in catalog.as_of(D(2019, 12, 31))
        assert (D(2020, 1, 1), D(2021, 6, 1), EntryKind.REPEALED) == (
            version.valid_from,
            version.valid_until,
            version.end_kind,
        )

    def test_replacement_closes_the_old_code_and_opens_the_successor(self) -> None:
        """A replaced code ends; its successor starts with the content given; lineage is kept."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001", "district", "commune"))
        swap = decision(
            "2/QĐ-UBND",
            D(2021, 1, 1),
            replaced("1.000001", "1.000002", "district", name="Thủ tục mới"),
        )

        catalog = Catalog(unit(), [start, swap])
        view = catalog.as_of(D(2021, 1, 1))

        assert [(p.code, p.level) for p in view.procedures()] == [
            ("1.000001", "commune"),
            ("1.000002", "district"),
        ]
        assert view["1.000002"].name == "Thủ tục mới"
        assert view.record("1.000002").version.replaces == "1.000001"  # type: ignore[union-attr]
        assert (
            catalog.replacements[0].old,
            catalog.replacements[0].new,
            catalog.replacements[0].level,
        ) == ("1.000001", "1.000002", "district")

    def test_transfer_moves_the_same_content(self) -> None:
        """A transfer ends the procedure at the district and opens it at the commune unchanged."""
        start = decision(
            "1/QĐ-UBND", D(2020, 1, 1), new("1.000001", name="Cấp giấy phép", fees="100.000 đồng")
        )
        move = decision(
            "2/QĐ-UBND", D(2025, 7, 1), transferred("1.000001", ["district"], ["commune"])
        )

        catalog = Catalog(unit(), [start, move])
        before = catalog.as_of(D(2025, 6, 30))["1.000001"]
        after = catalog.as_of(D(2025, 7, 1))["1.000001"]

        assert attrs.evolve(before, level="commune") == after
        assert [(v.level, v.end_kind) for v in catalog.history("1.000001")] == [
            ("district", EntryKind.TRANSFERRED),
            ("commune", None),
        ]

    def test_cut_keeps_the_statutory_time_and_records_the_applied_one(self) -> None:
        """A cut sets the applied time from its effective date; the content stays."""
        start = decision(
            "1/QĐ-UBND", D(2020, 1, 1), new("1.000001", processing_time="10 ngày làm việc")
        )
        shorter = decision("7/QĐ-UBND", D(2021, 1, 1), cut("1.000001", applied="07 ngày làm việc"))

        catalog = Catalog(unit(), [start, shorter])
        before = catalog.as_of(D(2020, 12, 31)).record("1.000001")
        after = catalog.as_of(D(2021, 1, 1)).record("1.000001")

        assert before is not None
        assert after is not None
        assert before.applied_time is None
        assert (after.procedure.processing_time.text, after.processing_time.text) == (
            "10 ngày làm việc",
            "07 ngày làm việc",
        )
        assert before.procedure == after.procedure
        assert (start.key, shorter.key) == (after.decision, after.cut_decision)

    def test_amendment_of_the_statutory_time_drops_the_cut(self) -> None:
        """A new statutory time ends the cut; other amendments keep it."""
        start = decision(
            "1/QĐ-UBND", D(2020, 1, 1), new("1.000001", processing_time="10 ngày làm việc")
        )
        shorter = decision("7/QĐ-UBND", D(2021, 1, 1), cut("1.000001", applied="07 ngày làm việc"))
        fees_only = decision("8/QĐ-UBND", D(2022, 1, 1), amended("1.000001", fees="Miễn phí"))
        new_time = decision(
            "9/QĐ-UBND", D(2023, 1, 1), amended("1.000001", processing_time="08 ngày làm việc")
        )
        kept_cut = decision(
            "10/QĐ-UBND",
            D(2024, 1, 1),
            amended(
                "1.000001", processing_time="06 ngày làm việc", applied_time="04 ngày làm việc"
            ),
        )

        catalog = Catalog(unit(), [start, shorter, fees_only, new_time, kept_cut])

        def applied(day: date) -> str | None:
            record = catalog.as_of(day).record("1.000001")
            assert record is not None
            return record.applied_time.text if record.applied_time else None

        assert applied(D(2022, 6, 1)) == "07 ngày làm việc"
        assert applied(D(2023, 6, 1)) is None
        assert applied(D(2024, 6, 1)) == "04 ngày làm việc"

    def test_service_changes_online_and_postal(self) -> None:
        """A service entry changes the online level and the postal service from its date."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))
        online = decision(
            "5/QĐ-UBND",
            D(2022, 1, 1),
            service(
                "1.000001", online="Toàn trình", postal=PostalService(receive=True, deliver=True)
            ),
        )

        catalog = Catalog(unit(), [start, online])
        record = catalog.as_of(D(2022, 1, 1)).record("1.000001")

        assert record is not None
        assert (OnlineService.parse("Toàn trình"), True) == (record.online, record.postal.any)
        assert catalog.as_of(D(2021, 1, 1))["1.000001"].online is None
        assert start.key == record.decision

    def test_missing_processing_time_and_fee_are_unspecified(self) -> None:
        """A procedure announced without time or fee gets unspecified ones, never zero."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))

        procedure = Catalog(unit(), [start]).as_of(D(2020, 1, 1))["1.000001"]

        assert (procedure.processing_time.status, procedure.fees.status) == (
            ParseStatus.UNSPECIFIED,
            ParseStatus.UNSPECIFIED,
        )


class TestErrors:
    def problem(self, decisions: list[Decision], **kwargs: Any) -> list[Problem]:
        with pytest.raises(LifecycleError) as caught:
            replay(decisions, **kwargs)
        return list(caught.value.problems)

    def test_every_impossible_transition_is_reported_at_once(self) -> None:
        """Amending, repealing, cutting or transferring what is not in force: all reported."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))
        bad = decision(
            "2/QĐ-UBND",
            D(2021, 1, 1),
            amended("1.000009", name="x"),
            repealed("1.000001", "commune"),
            cut("1.000008"),
            transferred("1.000007", ["district"], ["commune"]),
            service("1.000006", online="3"),
        )

        problems = self.problem([start, bad], sources={bad.key: "decisions/2021/b.toml"})

        assert [(p.source, p.path, p.message.split(":")[0]) for p in problems] == [
            ("decisions/2021/b.toml", "$.entries[1]", "repealed 1.000001 at commune"),
            ("decisions/2021/b.toml", "$.entries[3]", "transferred 1.000007 at district"),
            ("decisions/2021/b.toml", "$.entries[0]", "amended 1.000009 at district"),
            ("decisions/2021/b.toml", "$.entries[2]", "cut 1.000008 at district"),
            ("decisions/2021/b.toml", "$.entries[4]", "service 1.000006 at district"),
        ]
        assert all("not in force on 2021-01-01" in p.message for p in problems)
        assert all(p.code == "not-in-force" for p in problems)

    def test_not_in_force_names_the_decision_that_ended_it(self) -> None:
        """Amending a repealed procedure names the repealing decision, its file and entry."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))
        end = decision("2/QĐ-UBND", D(2021, 1, 1), new("1.000005"), repealed("1.000001"))
        late = decision("3/QĐ-UBND", D(2022, 1, 1), amended("1.000001", name="x"))

        (problem,) = self.problem([start, end, late], sources={end.key: "decisions/2021/e.toml"})

        assert (
            "repealed on 2021-01-01 by 2/QĐ-UBND (01/01/2021) of Chủ tịch UBND tỉnh Mẫu, "
            "decisions/2021/e.toml entry 1"
        ) in problem.message
        assert problem.message.endswith("[3/QĐ-UBND (01/01/2022)]")

    def test_issuing_a_code_in_force_names_both_decisions(self) -> None:
        """A new entry for a code in force at that level is an error naming the first decision."""
        first = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))
        again = decision("2/QĐ-UBND", D(2021, 1, 1), new("1.000001", "commune", "district"))

        (problem,) = self.problem([first, again])

        assert problem.code == "already-in-force"
        assert problem.path == "$.entries[0]"
        assert (
            "new 1.000001 at district: already in force since 2020-01-01 "
            "(announced by 1/QĐ-UBND (01/01/2020)"
        ) in problem.message

    def test_successor_in_force_is_an_error(self) -> None:
        """A replacement whose successor is already in force at that level is refused."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"), new("1.000002"))
        swap = decision("2/QĐ-UBND", D(2021, 1, 1), replaced("1.000001", "1.000002"))

        (problem,) = self.problem([start, swap])

        assert problem.code == "successor-in-force"
        assert "successor 1.000002 at district: already in force" in problem.message

    def test_replacement_cycles_are_errors(self) -> None:
        """A → B then B → A is a cycle, reported on the decision that closes it."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))
        forth = decision("2/QĐ-UBND", D(2021, 1, 1), replaced("1.000001", "1.000002"))
        back = decision("3/QĐ-UBND", D(2022, 1, 1), replaced("1.000002", "1.000001"))

        (problem,) = self.problem([start, forth, back], sources={back.key: "c.toml"})

        assert (problem.code, problem.source, problem.path) == (
            "replacement-cycle",
            "c.toml",
            "$.entries[0]",
        )
        assert "1.000001 → 1.000002 → 1.000001" in problem.message

    def test_entries_missing_their_parts_are_errors(self) -> None:
        """A new entry without name, a replacement without successor, a cut without time."""
        broken = decision(
            "1/QĐ-UBND",
            D(2020, 1, 1),
            Entry(
                kind=EntryKind.NEW,
                code="1.000001",
                levels=("district",),
                content=ProcedureContent(field=Field.of("Hộ tịch")),
            ),
            Entry(
                kind=EntryKind.REPLACED,
                code="1.000001",
                levels=("district",),
                content=content("x", "Hộ tịch"),
            ),
            Entry(kind=EntryKind.CUT, code="1.000001", levels=("district",)),
            Entry(
                kind=EntryKind.REPEALED, code="1.000001", levels=("district",), successor="1.000002"
            ),
        )

        problems = self.problem([broken])

        assert [(p.path, p.message) for p in problems] == [
            ("$.entries[0].content.name", "required for a new procedure"),
            ("$.entries[1].successor", "required: the code that replaces this one"),
            ("$.entries[2].applied_time", "required: the locally applied processing time"),
            ("$.entries[3].successor", "not used by a 'repealed' entry"),
        ]

    def test_check_false_returns_errors_and_the_partial_result(self) -> None:
        """With check=False the errors come back with what could be replayed."""
        start = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))
        bad = decision("2/QĐ-UBND", D(2021, 1, 1), repealed("1.000009"))

        result = replay([start, bad], check=False)

        assert len(result.errors) == 1
        assert ("1.000001", "district") in result.timelines


class TestWarnings:
    def test_effective_before_signing_is_a_warning(self) -> None:
        """A decision effective before it was signed replays, with a warning."""
        odd = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001", "commune"), signed=D(2020, 2, 1))

        catalog = Catalog(unit(), [odd])

        assert [w.code for w in catalog.warnings] == ["effective-before-signed"]
        assert catalog.warnings[0].severity == "warning"

    def test_announcing_at_an_ended_level_is_a_warning(self) -> None:
        """A district procedure announced after 30/6/2025 is suspicious, not impossible."""
        late = decision("1/QĐ-UBND", D(2025, 8, 1), new("1.000001"))

        catalog = Catalog(unit(), [late])

        codes = [w.code for w in catalog.warnings]
        assert "level-not-existing" in codes
        assert "level-ended-in-force" in codes

    def test_announcing_before_any_desk_opened_is_a_warning(self) -> None:
        """A commune procedure announced before the unit's commune desks opened."""
        early = decision("1/QĐ-UBND", D(2010, 1, 1), new("1.000001", "commune"))

        (warning,) = Catalog(unit(), [early]).warnings

        assert warning.code == "no-open-desk"
        assert "xa-a (2016-01-01 to 2025-06-30)" in warning.message

    def test_a_cut_that_is_not_shorter_is_a_warning(self) -> None:
        """An applied time not below the statutory one is flagged."""
        start = decision(
            "1/QĐ-UBND",
            D(2020, 1, 1),
            new("1.000001", "commune", processing_time="05 ngày làm việc"),
        )
        longer = decision(
            "2/QĐ-UBND", D(2021, 1, 1), cut("1.000001", "commune", applied="06 ngày làm việc")
        )

        catalog = Catalog(unit(), [start, longer])

        assert [w.code for w in catalog.warnings] == ["cut-not-shorter"]
        assert catalog.warnings[0].path == "$.entries[0].applied_time"


class TestTransfer2025:
    """The 2025 reform: district procedures move to the communes, the district desk closes."""

    def build(self) -> Catalog:
        before = decision(
            "210/QĐ-UBND",
            D(2019, 3, 1),
            new(
                "1.000101",
                name="Cấp giấy chứng nhận đăng ký hộ kinh doanh",
                field="Hộ kinh doanh",
                processing_time="03 ngày làm việc",
            ),
            new(
                "1.000102",
                name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
                field="Xây dựng",
                processing_time="15 ngày",
            ),
            new(
                "2.000815",
                "district",
                "commune",
                name="Chứng thực bản sao từ bản chính giấy tờ, văn bản",
                field="Chứng thực",
                processing_time="Trong ngày",
            ),
            new("1.000201", "commune", name="Đăng ký khai sinh", field="Hộ tịch"),
        )
        cut_2023 = decision(
            "88/QĐ-UBND", D(2023, 2, 1), cut("1.000101", applied="02 ngày làm việc")
        )
        reform = decision(
            "1500/QĐ-UBND",
            D(2025, 7, 1),
            transferred("1.000101", ["district"], ["commune"]),
            transferred("1.000102", ["district"], ["commune"]),
            repealed("2.000815", "district"),
            signed=D(2025, 6, 25),
        )
        return Catalog(unit(), [reform, cut_2023, before])

    def test_district_desk_lists_its_procedures_until_it_closes(self) -> None:
        """On 30/6/2025 the district desk posts its three procedures; on 1/7/2025 none."""
        catalog = self.build()

        assert [p.code for p in catalog.as_of(D(2025, 6, 30)).procedures(desk="huyen")] == [
            "1.000101",
            "1.000102",
            "2.000815",
        ]
        assert catalog.as_of(D(2025, 7, 1)).procedures(desk="huyen") == []

    def test_the_merged_commune_desk_posts_the_transferred_procedures(self) -> None:
        """The new commune desk opens on 1/7/2025 with the commune's and the moved procedures."""
        catalog = self.build()
        view = catalog.as_of(D(2025, 7, 1))

        assert catalog.as_of(D(2025, 6, 30)).procedures(desk="xa-ab") == []
        assert view.procedures(desk="xa-a") == []
        assert [p.code for p in view.procedures(desk="xa-ab")] == [
            "1.000101",
            "1.000102",
            "1.000201",
            "2.000815",
        ]
        assert view.procedures(level="district") == []

    def test_transferred_content_is_unchanged_and_the_cut_stays_behind(self) -> None:
        """The moved procedure keeps its statutory content; the district's cut does not follow."""
        catalog = self.build()
        before = catalog.as_of(D(2025, 6, 30)).record("1.000101")
        after = catalog.as_of(D(2025, 7, 1)).record("1.000101")

        assert before is not None
        assert after is not None
        assert (before.level, before.applied_time.text if before.applied_time else None) == (
            "district",
            "02 ngày làm việc",
        )
        assert (after.level, after.applied_time) == ("commune", None)
        assert attrs.evolve(before.procedure, level="commune") == after.procedure
        assert after.version.transferred_from == "district"

    def test_history_shows_both_levels(self) -> None:
        """The history of a moved procedure has the district stretches and the commune one."""
        history = self.build().history("1.000101")

        assert [
            ("district", D(2019, 3, 1), D(2023, 2, 1), EntryKind.NEW),
            ("district", D(2023, 2, 1), D(2025, 7, 1), EntryKind.CUT),
            ("commune", D(2025, 7, 1), None, EntryKind.TRANSFERRED),
        ] == [(v.level, v.valid_from, v.valid_until, v.kind) for v in history]

    def test_no_warning_when_every_district_procedure_moved_or_ended(self) -> None:
        """Nothing is left at the district after the reform, so nothing is flagged."""
        assert self.build().warnings == ()

    def test_a_district_procedure_left_behind_is_flagged(self) -> None:
        """A district procedure neither moved nor repealed gets the level-ended warning."""
        catalog = Catalog(unit(), [decision("1/QĐ-UBND", D(2019, 3, 1), new("1.000101"))])

        (warning,) = catalog.warnings

        assert warning.code == "level-ended-in-force"
        assert "1 procedures are still in force at district" in warning.message


class Test1766:
    """Bình Thuận 1766/QĐ-UBND of 03/8/2020: 50 amended, 21 repealed rows (two without code)."""

    def test_the_rows_are_as_described(self) -> None:
        """The CSV holds 50 amended and 21 repealed rows; two rows have no national code."""
        rows = rows_1766()
        _, left_out = decision_1766()

        assert Counter({"amended": 50, "repealed": 21}) == Counter(r["change_type"] for r in rows)
        assert [(r["change_type"], r["code"]) for r in left_out] == [
            ("amended", ""),
            ("repealed", "Không có mã số"),
        ]

    def test_replays_against_a_baseline(self) -> None:
        """Amendments apply from 03/8/2020 and the repealed procedures end that day;
        the rows without a code find the baseline's procedure of the same name."""
        the_decision, _ = decision_1766()
        catalog = Catalog(unit(), [baseline_1766(), the_decision])
        before = catalog.as_of(D(2020, 8, 2))
        after = catalog.as_of(D(2020, 8, 3))
        rows = {(r["code"] if r["code"][:1].isdigit() else baseline_id(r["name"])): r
                for r in rows_1766()}
        amended_codes = sorted(c for c, r in rows.items() if r["change_type"] == "amended")
        repealed_codes = sorted(c for c, r in rows.items() if r["change_type"] == "repealed")

        assert (len(amended_codes), len(repealed_codes)) == (50, 21)
        assert set(repealed_codes) <= set(before.codes())
        assert not set(repealed_codes) & set(after.codes())
        assert sorted(amended_codes) == after.codes()
        chung_thuc = after.get("2.000815", level="commune")
        assert chung_thuc is not None
        assert rows["2.000815"]["fee_text"] == chung_thuc.fees.text
        assert rows["2.000815"]["processing_time_text"] == chung_thuc.processing_time.text
        assert before.get("2.000815", level="commune").processing_time.text == ""  # type: ignore[union-attr]
        assert (chung_thuc.field.name, chung_thuc.online.level) == ("Chứng thực", 2)  # type: ignore[union-attr]

    def test_counts_by_kind(self) -> None:
        """changes() counts the decision's entries per (code, level) and per code."""
        the_decision, _ = decision_1766()
        catalog = Catalog(unit(), [baseline_1766(), the_decision])

        changes = catalog.changes(D(2020, 8, 3), D(2020, 8, 3))
        levels = Counter(len(e.levels) for e in the_decision.entries if e.kind is EntryKind.AMENDED)

        assert (changes.per_code[EntryKind.AMENDED], changes.per_code[EntryKind.REPEALED]) == (
            50,
            21,
        )
        assert (
            sum(n * count for n, count in levels.items()) == (changes.per_level[EntryKind.AMENDED])
        )
        assert changes.per_code[EntryKind.NEW] == 0

    def test_a_repeal_of_an_unknown_code_is_reported_with_its_entry(self) -> None:
        """Without 2.001475 in the baseline, its repeal names the decision, file and entry."""
        the_decision, _ = decision_1766()
        index = next(i for i, e in enumerate(the_decision.entries) if e.code == "2.001475")
        source = "decisions/2020/2020-08-03_1766-qd-ubnd.toml"

        with pytest.raises(LifecycleError) as caught:
            replay(
                [baseline_1766(skip=["2.001475"]), the_decision], sources={the_decision.key: source}
            )

        (problem,) = caught.value.problems
        assert (source, f"$.entries[{index}]") == (problem.source, problem.path)
        assert problem.message.startswith(
            "repealed 2.001475 at district: not in force on 2020-08-03 (never announced"
        )
        assert "1766/QĐ-UBND (03/08/2020)" in problem.message


# --------------------------------------------------------------------------- properties

CODES = [f"1.{n:06d}" for n in range(1, 9)]
LEVELS = ("province", "district", "commune")
NAMES = ("Đăng ký khai sinh", "Chứng thực chữ ký", "Cấp giấy phép xây dựng", "Đăng ký kết hôn")
FIELDS = ("Hộ tịch", "Chứng thực", "Xây dựng")
TIMES = ("05 ngày làm việc", "Trong ngày", "15 ngày", "03 ngày làm việc")
FEES = ("Miễn phí", "2.000 đồng/trang", "")
ISSUERS = ("Chủ tịch UBND tỉnh Mẫu", "Chủ tịch UBND tỉnh Nam")


@st.composite
def decision_sequences(draw: st.DrawFn) -> list[Decision]:
    """Valid decision sequences: drawn in replay order against the state reached so far.

    Entries of one decision touch distinct (code, level) pairs; successors are
    always fresh codes (no cycles). Effective dates collide often (same-day ties).
    """
    count = draw(st.integers(1, 7))
    keys: dict[tuple[str, str, date], date] = {}
    for _ in range(count):
        effective = D(2020, 1, 1) + timedelta(days=draw(st.integers(0, 6)))
        signed = effective - timedelta(days=draw(st.integers(0, 2)))
        identity = (draw(st.sampled_from(ISSUERS)), f"{draw(st.integers(1, 12))}/QĐ-UBND", signed)
        keys.setdefault(identity, effective)
    state: dict[str, set[str]] = {level: set() for level in LEVELS}
    fresh = iter(f"2.{n:06d}" for n in range(1, 1000))
    made = []
    ordered = sorted(
        (effective, signed, issuer, number) for (issuer, number, signed), effective in keys.items()
    )
    for effective, signed, issuer, number in ordered:
        touched: set[tuple[str, str]] = set()
        entries: list[Entry] = []
        for _ in range(draw(st.integers(1, 5))):
            kind = draw(st.sampled_from(list(EntryKind)))
            level = draw(st.sampled_from(LEVELS))
            candidates = sorted(state[level]) if kind is not EntryKind.NEW else []
            code = draw(st.sampled_from(candidates or CODES))
            if (code, level) in touched:
                continue
            present = code in state[level]
            if kind is EntryKind.NEW or not present:
                if present:
                    continue
                levels = [level] + [
                    lv
                    for lv in LEVELS
                    if lv != level
                    and code not in state[lv]
                    and (code, lv) not in touched
                    and draw(st.booleans())
                ]
                for lv in levels:
                    state[lv].add(code)
                    touched.add((code, lv))
                entries.append(
                    Entry(
                        kind=EntryKind.NEW,
                        code=code,
                        levels=tuple(levels),
                        content=_draw_content(draw, full=True),
                    )
                )
                continue
            touched.add((code, level))
            if kind is EntryKind.AMENDED:
                entries.append(
                    Entry(
                        kind=kind,
                        code=code,
                        levels=(level,),
                        content=_draw_content(draw) if draw(st.booleans()) else None,
                        applied_time=ptime(draw(st.sampled_from(TIMES)))
                        if draw(st.booleans())
                        else None,
                    )
                )
            elif kind is EntryKind.REPEALED:
                state[level].discard(code)
                entries.append(Entry(kind=kind, code=code, levels=(level,)))
            elif kind is EntryKind.REPLACED:
                successor = next(fresh)
                state[level].discard(code)
                state[level].add(successor)
                touched.add((successor, level))
                entries.append(
                    Entry(
                        kind=kind,
                        code=code,
                        levels=(level,),
                        successor=successor,
                        content=_draw_content(draw, full=True),
                    )
                )
            elif kind is EntryKind.TRANSFERRED:
                target = draw(st.sampled_from([lv for lv in LEVELS if lv != level]))
                if code in state[target] or (code, target) in touched:
                    continue
                state[level].discard(code)
                state[target].add(code)
                touched.add((code, target))
                entries.append(Entry(kind=kind, code=code, levels=(level,), to_levels=(target,)))
            elif kind is EntryKind.CUT:
                entries.append(
                    Entry(
                        kind=kind,
                        code=code,
                        levels=(level,),
                        applied_time=ptime(draw(st.sampled_from(TIMES))),
                    )
                )
            else:
                entries.append(
                    Entry(
                        kind=kind,
                        code=code,
                        levels=(level,),
                        online=OnlineService.parse(draw(st.sampled_from(("2", "3", "Toàn trình")))),
                        postal=draw(st.sampled_from((None, PostalService(receive=True)))),
                    )
                )
        made.append(
            Decision(
                number=number,
                issuer=issuer,
                signed=signed,
                effective=effective,
                entries=tuple(entries),
            )
        )
    return made


def _draw_content(draw: st.DrawFn, *, full: bool = False) -> ProcedureContent:
    def maybe(values: tuple[str, ...]) -> str | None:
        return draw(st.sampled_from(values)) if full or draw(st.booleans()) else None

    name, field, time_text, fee_text = maybe(NAMES), maybe(FIELDS), maybe(TIMES), maybe(FEES)
    return content(
        name,
        field,
        processing_time=time_text,
        fees=fee_text,
        agency=maybe(("UBND cấp xã", "Phòng Tư pháp")),
    )


UNSPECIFIED = ProcessingTime(text="", status=ParseStatus.UNSPECIFIED)
NO_FEE = Fee(text="", status=ParseStatus.UNSPECIFIED)


def naive(decisions: list[Decision], day: date) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The catalogue on *day*, by applying the decisions effective by then one by one."""
    state: dict[tuple[str, str], list[Any]] = {}

    def build(code: str, level: str, given: ProcedureContent) -> Procedure:
        values = {
            name: getattr(given, name)
            for name in attrs.fields_dict(ProcedureContent)
            if getattr(given, name) is not None
        }
        values.setdefault("processing_time", UNSPECIFIED)
        values.setdefault("fees", NO_FEE)
        return Procedure(code=code, level=level, **values)

    for item in sorted(decisions, key=lambda d: (d.effective, d.signed, d.issuer, d.number)):
        if item.effective > day:
            break
        for phase in PHASES:
            for entry in item.entries:
                if entry.kind is not phase:
                    continue
                for level in entry.levels:
                    key = (entry.code, level)
                    if phase is EntryKind.NEW:
                        assert entry.content is not None
                        state[key] = [build(entry.code, level, entry.content), None]
                    elif phase is EntryKind.REPEALED:
                        del state[key]
                    elif phase is EntryKind.REPLACED:
                        assert entry.content is not None
                        assert entry.successor is not None
                        del state[key]
                        state[entry.successor, level] = [
                            build(entry.successor, level, entry.content),
                            None,
                        ]
                    elif phase is EntryKind.TRANSFERRED:
                        moved = state.pop(key)[0]
                        for target in entry.to_levels:
                            state[entry.code, target] = [attrs.evolve(moved, level=target), None]
                    elif phase is EntryKind.AMENDED:
                        old = state[key][0]
                        changes = (
                            {}
                            if entry.content is None
                            else {
                                name: value
                                for name in attrs.fields_dict(ProcedureContent)
                                if (value := getattr(entry.content, name)) is not None
                            }
                        )
                        state[key][0] = attrs.evolve(old, **changes)
                        if entry.applied_time is not None:
                            state[key][1] = entry.applied_time
                        elif state[key][0].processing_time != old.processing_time:
                            state[key][1] = None
                    elif phase is EntryKind.CUT:
                        state[key][1] = entry.applied_time
                    else:
                        changes = {}
                        if entry.online is not None:
                            changes["online"] = entry.online
                        if entry.postal is not None:
                            changes["postal"] = entry.postal
                        state[key][0] = attrs.evolve(state[key][0], **changes)
    return {key: tuple(value) for key, value in state.items()}


class TestProperties:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(decisions=decision_sequences(), offset=st.integers(-1, 9))
    def test_as_of_equals_the_naive_model(self, decisions: list[Decision], offset: int) -> None:
        """For any valid sequence, as_of(d) is what applying the decisions up to d gives."""
        catalog = Catalog(unit(), decisions)
        day = D(2020, 1, 1) + timedelta(days=offset)

        expected = naive(decisions, day)
        actual = {
            (r.code, r.level): (r.procedure, r.applied_time) for r in catalog.as_of(day).entries()
        }

        assert expected == actual

    @settings(max_examples=200, deadline=None)
    @given(decisions=decision_sequences(), seed=st.integers(0, 2**32 - 1))
    def test_the_order_decisions_are_given_in_never_matters(
        self, decisions: list[Decision], seed: int
    ) -> None:
        """Shuffling the decisions changes no version, replacement or warning."""
        shuffled = list(decisions)
        random.Random(seed).shuffle(shuffled)

        first, second = replay(decisions), replay(shuffled)

        assert (first.versions, first.replacements, first.warnings) == (
            second.versions,
            second.replacements,
            second.warnings,
        )


class TestWithoutNationalCode:
    """Procedures kept under a local identifier; entries that find them by name."""

    FIRST = codes.local_id("1/QĐ-UBND", D(2020, 1, 1), 1)

    def announce(self, *names: str) -> Decision:
        """Decision 1/QĐ-UBND announcing procedures without a code, one per name."""
        return decision("1/QĐ-UBND", D(2020, 1, 1), *(
            new(codes.local_id("1/QĐ-UBND", D(2020, 1, 1), row), name=name)
            for row, name in enumerate(names, 1)))

    def by_name(self, kind: EntryKind, name: str, row: int = 1, **parts: Any) -> Decision:
        """Decision 2/QĐ-UBND with one entry of *kind* naming its procedure by *name*."""
        return decision("2/QĐ-UBND", D(2021, 1, 1), Entry(
            kind=kind, code=codes.local_id("2/QĐ-UBND", D(2021, 1, 1), row),
            levels=("district",), name=name, **parts))

    def test_repeal_by_name(self) -> None:
        """A repeal without a code ends the one procedure of that name (folded, no "Thủ tục")."""
        result = replay([self.announce("Đăng ký khai sinh", "Đăng ký kết hôn"),
                         self.by_name(EntryKind.REPEALED, "THỦ TỤC ĐĂNG KÝ KHAI SINH.")])

        ended = [v for v in result.versions if v.valid_until is not None]
        assert [(self.FIRST, D(2021, 1, 1))] == [(v.code, v.valid_until) for v in ended]
        assert ((result.decisions[1].key, 0, self.FIRST),) == result.by_name

    def test_amend_by_name_keeps_the_identifier(self) -> None:
        """An amendment without a code continues the procedure's own timeline."""
        result = replay([self.announce("Đăng ký khai sinh"), self.by_name(
            EntryKind.AMENDED, "Đăng ký khai sinh", content=content(processing_time="03 ngày"))])

        assert [self.FIRST, self.FIRST] == [v.code for v in result.versions]
        assert "03 ngày" == result.versions[-1].procedure.processing_time.text

    def test_no_match_and_ambiguous_are_errors(self) -> None:
        """No procedure of the name, or two: errors naming the entry; nothing is guessed."""
        missing = replay([self.announce("Đăng ký khai sinh"),
                          self.by_name(EntryKind.REPEALED, "Đăng ký khai tử")], check=False)
        twice = replay([self.announce("Đăng ký khai sinh", "Đăng ký khai sinh"),
                        self.by_name(EntryKind.REPEALED, "Đăng ký khai sinh")], check=False)

        assert ["no-name-match"] == [p.code for p in missing.errors]
        assert ["ambiguous-name"] == [p.code for p in twice.errors]
        assert "$.entries[0]" == twice.errors[0].path
        assert all(v.valid_until is None for v in twice.versions)

    def test_a_name_on_another_entry_is_refused(self) -> None:
        """A name on a 'new' entry, or on an entry with a code, would be ignored: an error."""
        named = decision("1/QĐ-UBND", D(2020, 1, 1),
                         attrs.evolve(new("1.000001"), name="Đăng ký khai sinh"))

        with pytest.raises(LifecycleError) as caught:
            replay([named])

        assert [("invalid-entry", "$.entries[0].name")] == [
            (p.code, p.path) for p in caught.value.problems]

    def test_aliases_continue_under_the_national_code(self) -> None:
        """A confirmed link replays the whole history under the national code."""
        later = decision("3/QĐ-UBND", D(2022, 1, 1), amended("1.000009", name="Mới"))
        result = replay([self.announce("Đăng ký khai sinh"), later],
                        aliases={self.FIRST: "1.000009"})

        assert ["1.000009", "1.000009"] == [v.code for v in result.versions]
        assert "Mới" == result.versions[-1].procedure.name
        with pytest.raises(LifecycleError, match="not in force"):
            replay([self.announce("Đăng ký khai sinh"), later])
