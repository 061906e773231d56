"""Three outcomes per required procedure (posted, unconfirmed, missing) on real damaged rows.

Every listing here is the example's own listing of xã Quế Lâm (real procedure names, read from
``catalog/listings``), damaged the way notice boards are: codes left out, letters mistyped,
words dropped or swapped.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import attrs
import pytest

from tthc.audit import DESK_CSV_COLUMNS, AuditReport, audit, read_manifest
from tthc.catalog import Catalog, load_catalog
from tthc.listing import Listing, ListingRow
from tthc.matching import assign, assignment_margins
from tthc.posting import DeskStatus, PostingChecker, posting_status

AS_OF = date(2019, 12, 31)
DESK = "xa-que-lam"


@pytest.fixture(name="catalog", scope="module")
def _catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(name="listing", scope="module")
def _listing() -> Listing:
    manifest = read_manifest()
    assert manifest is not None
    return manifest.read(DESK)[DESK][0]


def damaged(listing: Listing, names: dict[str, str | None], *, drop_codes: set[str] | None = None
            ) -> Listing:
    """*listing* with the rows of the codes in *names* renamed (``None``: removed), without code.

    Rows whose code is in *drop_codes* lose their code too.
    """
    drop = set(names) | (drop_codes or set())
    rows: list[ListingRow] = []
    for row in listing.rows:
        if row.code in names and names[row.code] is None:
            continue
        if row.code in drop:
            name = names.get(row.code or "") or row.name
            row = attrs.evolve(row, code=None, code_raw=None, name=name)
        rows.append(row)
    removed = len(listing.rows) - len(rows)
    return attrs.evolve(listing, rows=tuple(rows), rows_read=listing.rows_read - removed)


def check(catalog: Catalog, listing: Listing) -> DeskStatus:
    return posting_status(catalog, DESK, AS_OF, listing, checker=PostingChecker(catalog, AS_OF))


def state(status: DeskStatus, code: str) -> str:
    return next(p.status for p in status.procedures if p.code == code)


def outcome_of(status: DeskStatus, code: str) -> tuple[str, str | None, str]:
    """(status, procedure, band) of the row the code's row became (first such row)."""
    for outcome in status.rows:
        if outcome.procedure == code or any(c.code == code for c in outcome.candidates):
            return outcome.status, outcome.procedure, outcome.band
    raise AssertionError(f"no row for {code}")


class TestThreeOutcomes:
    def test_the_untouched_listing_posts_everything(self, catalog: Catalog, listing: Listing
                                                    ) -> None:
        """The example's listing of xã Quế Lâm: every required procedure posted."""
        status = check(catalog, listing)

        assert {"posted", "outdated"} >= {p.status for p in status.procedures}

    def test_a_one_letter_typo_in_a_long_name_is_sure(self, catalog: Catalog,
                                                      listing: Listing) -> None:
        """The issue's row "Giải quyết hưởng chế độ t tuất" (2.000821, 98.36, near twins in the
        catalogue that differ by words) is posted for sure, not left to review."""
        status = check(catalog, damaged(listing, {"2.000821": "Giải quyết hưởng chế độ t tuất"}))

        assert ("posted", "2.000821", "auto") == outcome_of(status, "2.000821")
        assert "posted" == state(status, "2.000821")
        assert [] == [f for f in status.findings if f.code == "missing-procedure"]

    def test_a_row_between_two_free_procedures_is_unconfirmed(self, catalog: Catalog,
                                                              listing: Listing) -> None:
        """A code-less row that fits two procedures about as well (the distinguishing word
        dropped) makes both unconfirmed: a warning naming the row and the scores, no error."""
        names: dict[str, str | None] = {"1.000419": "Thủ tục đăng ký khai lưu động",
                                        "1.003583": None}
        status = check(catalog, damaged(listing, names))

        assert ("unconfirmed", "unconfirmed") == (state(status, "1.000419"),
                                                  state(status, "1.003583"))
        warnings = [f for f in status.findings if f.code == "unconfirmed-procedure"]
        assert ["1.000419", "1.003583"] == [f.procedure for f in warnings]
        first = warnings[0]
        row = next(r for r in status.rows if r.row.name == "Thủ tục đăng ký khai lưu động").row
        assert (row.source, row.row) == (first.source, first.row)
        assert "warning" == first.severity
        assert ["1.000419", "1.003583"] == [c.code for c in first.candidates]
        assert f"{first.candidates[0].score:g}" in first.message_en
        assert "1.003583" in first.message_en
        assert "can post only one of 1.000419, 1.003583" in first.message_en
        assert not [f for f in status.findings if f.code == "missing-procedure"]
        assert 2 == status.stats()["unconfirmed"]

    def test_a_procedure_posted_by_code_is_a_weak_candidate(self, catalog: Catalog,
                                                            listing: Listing) -> None:
        """The same row, with 1.003583 posted by its coded row: eliminated, the row posts
        1.000419 for sure (band assigned)."""
        status = check(catalog, damaged(listing, {"1.000419": "Thủ tục đăng ký khai lưu động"}))

        assert ("posted", "1.000419", "assigned") == outcome_of(status, "1.000419")
        assert ("posted", "posted") == (state(status, "1.000419"), state(status, "1.003583"))
        assert not [f for f in status.findings if f.code in (
            "missing-procedure", "unconfirmed-procedure", "review-match")]

    def test_word_order_swap_is_decided_by_elimination(self, catalog: Catalog,
                                                       listing: Listing) -> None:
        """ "Đăng ký ket hon lai" fits "Đăng ký lại kết hôn" and "Đăng ký kết hôn" alike; the
        latter is posted by code, so the row posts 1.004746."""
        status = check(catalog, damaged(listing, {"1.004746": "Đăng ký ket hon lai"}))

        assert ("posted", "1.004746", "assigned") == outcome_of(status, "1.004746")

    def test_a_duplicate_of_a_posted_row_is_not_assigned(self, catalog: Catalog,
                                                         listing: Listing) -> None:
        """A code-less copy of the row posting 1.003583 (with its name) may be a duplicate: its
        near twin 1.000419 is not taken as posted for sure (unconfirmed, not assigned)."""
        base = damaged(listing, {"1.000419": None})
        twin = next(r for r in base.rows if r.code == "1.003583")
        copy = attrs.evolve(twin, code=None, code_raw=None, row=9999,
                            name="Thủ tục đăng ký khai lưu động")
        first = attrs.evolve(twin, name="Thủ tục đăng ký khai lưu động")
        rows = (*(first if r is twin else r for r in base.rows), copy)
        status = check(catalog, attrs.evolve(base, rows=rows, rows_read=base.rows_read + 1))

        assert "unconfirmed" == state(status, "1.000419")
        assert "assigned" not in {o.band for o in status.rows}

    def test_a_cut_off_name_posts_the_longer_one(self, catalog: Catalog, listing: Listing
                                                 ) -> None:
        """ "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh..." begins one required name only."""
        cut = "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh..."
        status = check(catalog, damaged(listing, {"2.000286": cut}))

        assert ("posted", "2.000286", "assigned") == outcome_of(status, "2.000286")

    def test_a_name_cut_to_another_name_is_not_sure(self, catalog: Catalog, listing: Listing
                                                    ) -> None:
        """ "Thủ tục đăng ký khai sinh lưu động" cut to "Thủ tục đăng ký khai sinh", the name of
        1.001193 (posted by code): the row is not taken for sure, 1.003583 is unconfirmed."""
        status = check(catalog, damaged(listing, {"1.003583": "Thủ tục đăng ký khai sinh"}))

        assert "unconfirmed" == state(status, "1.003583")
        assert "posted" == state(status, "1.001193")
        assert not [o for o in status.rows if o.band != "code" and o.procedure == "1.001193"]

    def test_abbreviations_are_the_words(self, catalog: Catalog, listing: Listing) -> None:
        """ "GCN" for "Giấy chứng nhận": posted for sure, and no outdated-name finding."""
        name = next(r.name for r in listing.rows if r.code == "1.013170")
        status = check(catalog, damaged(listing, {"1.013170": name.replace("Giấy chứng nhận",
                                                                           "GCN")}))

        assert ("posted", "1.013170") == outcome_of(status, "1.013170")[:2]
        assert not [f for f in status.findings
                    if f.procedure == "1.013170" and f.code == "outdated-name"]

    def test_a_row_like_nothing_leaves_the_procedure_missing(self, catalog: Catalog,
                                                             listing: Listing) -> None:
        """A removed procedure is missing (an error): nothing resembles it."""
        status = check(catalog, damaged(listing, {"2.000821": None}))

        assert "missing" == state(status, "2.000821")
        assert ["2.000821"] == [f.procedure for f in status.findings
                                if f.code == "missing-procedure"]


@pytest.fixture(name="report", scope="module")
def _report(catalog: Catalog, listing: Listing) -> AuditReport:
    names: dict[str, str | None] = {"1.000419": "Thủ tục đăng ký khai lưu động",
                                    "1.003583": None, "2.000821": None}
    return audit(catalog, {DESK: damaged(listing, names)}, AS_OF)


class TestReports:
    def test_stats(self, report: AuditReport) -> None:
        posted = report.stats["posted"]

        assert (2, 1) == (posted["unconfirmed"], posted["missing"])
        assert 306 - 3 == posted["postings"]

    def test_every_format_gives_the_three_counts(self, report: AuditReport) -> None:
        text = report.to_text()
        markdown = report.to_markdown()
        data = json.loads(report.to_json())
        desks = list(csv.DictReader(io.StringIO(report.to_desks_csv())))
        findings = list(csv.DictReader(io.StringIO(report.to_csv())))

        assert "303 of 306 (0 outdated), 2 unconfirmed, 1 missing" in text
        assert " | 303 | 2 | 1 | " in markdown
        assert (2, 1) == (data["desks"][0]["unconfirmed"], data["desks"][0]["missing"])
        assert list(DESK_CSV_COLUMNS) == list(desks[0])
        assert ("303", "2", "1") == (desks[0]["posted"], desks[0]["unconfirmed"],
                                     desks[0]["missing"])
        assert 2 == sum(1 for f in findings if f["code"] == "unconfirmed-procedure")


class TestAssign:
    def test_assignment_beats_row_by_row(self) -> None:
        """Each row alone prefers A; together the best is A for the first and B for the second."""
        chosen, margins = assignment_margins([{"A": 95.0, "B": 60.0}, {"A": 94.0, "B": 90.0}])

        assert ["A", "B"] == chosen
        assert [31.0, 31.0] == margins

    def test_against_every_assignment(self) -> None:
        """The total equals the best over every one-to-one assignment (small random cases)."""
        import itertools
        import random

        rng = random.Random(13)
        for _ in range(200):
            rows, cols = rng.randint(1, 4), rng.randint(1, 4)
            scores = [{f"c{j}": float(rng.randint(1, 100)) for j in range(cols)
                       if rng.random() < 0.7} for _ in range(rows)]
            options = [[None, *row] for row in scores]
            best = 0.0
            for pick in itertools.product(*options):
                used = [p for p in pick if p is not None]
                if len(used) == len(set(used)):
                    best = max(best, sum(scores[i][p] for i, p in enumerate(pick) if p))
            assert best == pytest.approx(assign(scores)[1])
