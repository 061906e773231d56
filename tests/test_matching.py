"""Matching listing rows to catalogue procedures: codes, names, bands, near twins."""

from __future__ import annotations

import csv
import io
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol, TypeVar

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from tests.strategies import DATA, real_rows

from tthc.legacy import LegacyEncodingError, encode_legacy
from tthc.listing import read_listing
from tthc.matching import (
    Candidate,
    Match,
    MatchCandidate,
    Matcher,
    MatchSettings,
    levels_of,
    match_rows,
)
from tthc.text import match_key, nfc, strip_marks

T = TypeVar("T")


def row(name: str, code: str | None = None, level: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(name=name, code=code, level=level)


@cache
def real_candidates() -> tuple[Candidate, ...]:
    """The catalogue of the real data: real_procedures*.csv, as they are."""
    return tuple(
        Candidate(code=r["code"], name=r["name"], level=r["level"] or None,
                  field=r["field"] or None)
        for file in ("real_procedures.csv", "real_procedures_district.csv")
        for r in real_rows(file)
    )


@cache
def real_matcher() -> Matcher:
    return Matcher(real_candidates())


# ----------------------------------------------------------------------------- records


class TestSettings:
    """Thresholds are validated and recorded."""

    def test_defaults_recorded(self) -> None:
        settings = MatchSettings()

        recorded = settings.as_dict()

        assert {"auto", "review", "gap", "floor", "limit", "spread", "twin_distance",
                "word_penalty", "swap_penalty", "typo_words", "typo_letters",
                "scorer"} == set(recorded)
        assert settings.review < settings.auto

    @pytest.mark.parametrize(
        "values",
        [{"auto": 50.0, "review": 60.0}, {"floor": 70.0, "review": 60.0}, {"gap": -1.0},
         {"limit": 0}, {"auto": 101.0}, {"spread": 2.0, "gap": 5.0}, {"word_penalty": -1.0},
         {"twin_distance": -1}],
    )
    def test_invalid(self, values: dict[str, Any]) -> None:
        with pytest.raises(ValueError, match="match settings"):
            MatchSettings(**values)

    def test_candidate_shape(self) -> None:
        """Candidates come out in the W3C reconciliation shape."""
        candidate = MatchCandidate(code="1.001193", name="Đăng ký khai sinh", score=97.5,
                                   auto=True)

        assert {"code": "1.001193", "name": "Đăng ký khai sinh", "score": 97.5,
                "auto": True} == candidate.as_dict()


class TestLevels:
    """Levels are read from the texts lists and catalogues use."""

    @pytest.mark.parametrize(
        ("text", "levels"),
        [
            ("Cấp xã", {"commune"}),
            ("Cấp Huyện", {"district"}),
            ("UBND cấp xã", {"commune"}),
            ("(trang của UBND phường)", {"commune"}),
            ("Công an cấp Huyện, Thị xã, Thành phố", {"district"}),
            ("Công an cấp Xã", {"commune"}),
            ("Cơ quan cấp huyện, xã", {"district", "commune"}),
            ("I.2. Cấp huyện", {"district"}),
            ("Cấp tỉnh, Cấp huyện", {"province", "district"}),
            ("Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác", {"central", "province", "commune"}),
            ("Xã", {"commune"}),
            ("", set()),
            ("Hộ tịch", set()),
        ],
    )
    def test_texts(self, text: str, levels: set[str]) -> None:
        assert levels == set(levels_of(text))

    def test_objects(self) -> None:
        """Level objects with a key (tthc.procedure.Level) and collections work too."""
        from tthc.procedure import COMMUNE, DISTRICT

        assert {"district", "commune"} == set(levels_of((DISTRICT, COMMUNE)))
        assert {"commune"} == set(levels_of(["Cấp xã"]))


# ------------------------------------------------------------------------------- codes


class TestCodes:
    """The code decides first; the name is still checked against it."""

    MATCHER = Matcher([
        Candidate(code="1.001193", name="Đăng ký khai sinh", level="Cấp xã"),
        Candidate(code="1.000656", name="Đăng ký khai tử", level="Cấp xã"),
        Candidate(code="LT.HKD-01", name="Đăng ký hộ kinh doanh"),
    ])

    @pytest.mark.parametrize("code", ["1.001193", "1.001193.H38", "1.001193.000.00.00.H55.02",
                                      " 1,001193 "])
    def test_national_and_local_forms(self, code: str) -> None:
        match = self.MATCHER.match_row(row("Đăng ký khai sinh", code))

        assert ("code", "1.001193", 100.0, False) == (
            match.status, match.code, match.score, match.code_name_conflict
        )
        assert match.candidates[0].auto

    def test_own_code_form(self) -> None:
        """A catalogue's own symbol (not a national code) is matched as written."""
        match = self.MATCHER.match_row(row("Đăng ký hộ kinh doanh", "lt.hkd-01"))

        assert ("code", "LT.HKD-01") == (match.status, match.code)

    def test_code_raw_used(self) -> None:
        """Rows that only have the raw cell (code_raw) are read too."""
        item = SimpleNamespace(name="Đăng ký khai tử", code=None, code_raw="1.000656.H12",
                               level=None)

        assert "1.000656" == self.MATCHER.match_row(item).code

    def test_unknown_code(self) -> None:
        """A code not among the candidates is reported, and the name is matched instead."""
        match = self.MATCHER.match_row(row("Đăng ký khai tử", "2.000001"))

        assert ("auto", "1.000656", "2.000001") == (match.status, match.code, match.unknown_code)

    def test_conflict(self) -> None:
        """A code that names another procedure than the name is its own finding."""
        match = self.MATCHER.match_row(row("Đăng ký khai tử", "1.001193"))

        assert ("code", "1.001193", True) == (match.status, match.code, match.code_name_conflict)
        assert ["1.001193", "1.000656"] == [c.code for c in match.candidates]
        assert [True, False] == [c.auto for c in match.candidates]

    def test_conflict_with_unrelated_name(self) -> None:
        """A name that fits its code's procedure poorly is a conflict too."""
        match = self.MATCHER.match_row(row("Cấp giấy phép xây dựng", "1.001193"))

        assert match.code_name_conflict

    def test_typo_is_no_conflict(self) -> None:
        match = self.MATCHER.match_row(row("Dang ky khai snh", "1.001193"))

        assert ("code", False) == (match.status, match.code_name_conflict)
        assert 80 < (match.score or 0) < 100


# ------------------------------------------------------------------------------- names


class TestBands:
    """Three bands with a gap rule between the first and the second candidate."""

    def test_exact_and_folded(self) -> None:
        matches = real_matcher().match_names(
            ["Thủ tục đăng ký khai sinh", "DANG KY KHAI SINH", "đăng ký khai sinh."]
        )

        assert [("auto", "1.001193", 100.0)] * 3 == [(m.status, m.code, m.score) for m in matches]

    def test_identical_names_need_review(self) -> None:
        """Several procedures with one name (real: "Hỗ trợ phát triển sản xuất cộng đồng")
        cannot be told apart by the name: review, with all of them listed."""
        match = real_matcher().match_names(["Hỗ trợ phát triển sản xuất cộng đồng"])[0]

        assert ("review", None) == (match.status, match.code)
        assert 5 == len(match.candidates)
        assert {100.0} == {c.score for c in match.candidates}
        assert [c.code for c in match.candidates] == sorted(c.code for c in match.candidates)

    def test_no_match(self) -> None:
        match = real_matcher().match_names(["Cấp phép khai thác tài nguyên trên Sao Hỏa"])[0]

        assert ("none", None) == (match.status, match.code)

    def test_empty_name(self) -> None:
        match = real_matcher().match_names(["Thủ tục"])[0]

        assert ("none", ()) == (match.status, match.candidates)

    def test_thresholds_move_bands(self) -> None:
        """The thresholds are the settings': stricter settings send a typo to review."""
        candidates = [Candidate(code="1.000656", name="Đăng ký khai tử")]
        name = "Đăng ký khai tử lưu"

        loose = Matcher(candidates, MatchSettings(auto=70, review=50, floor=40)).match_names([name])
        strict = Matcher(candidates, MatchSettings(auto=95)).match_names([name])

        assert ("review", "review") == (loose[0].status, strict[0].status)
        typo = "Đăng ký khai tửu"
        assert "auto" == Matcher(candidates).match_names([typo])[0].status
        assert "review" == Matcher(candidates, MatchSettings(auto=99)).match_names([typo])[0].status

    def test_gap(self) -> None:
        """A leader that is not far enough ahead is not accepted."""
        candidates = [Candidate(code="1", name="Cấp đổi thẻ căn cước"),
                      Candidate(code="2", name="Cấp lại thẻ căn cước")]
        matcher = Matcher(candidates)

        assert "auto" == matcher.match_names(["Cấp đổi thẻ căn cươc"])[0].status
        # "dai" is one letter from "đổi" and one from "lại": the gap rule holds it back.
        match = matcher.match_names(["Cấp dai thẻ căn cước"])[0]
        assert ("review", [95.0, 95.0]) == (match.status, [c.score for c in match.candidates])

    def test_twin_distance(self) -> None:
        """A candidate with a twin a few typos away is accepted only for an exact name."""
        candidates = [Candidate(code="1", name="Cấp đổi thẻ căn cước"),
                      Candidate(code="2", name="Cấp lại thẻ căn cước")]
        typo = "Cấp đổi thẻ căn cuốcc"  # one letter more; "đổi"/"lại" are 4 edits apart

        default = Matcher(candidates).match_names([typo, "CẤP ĐỔI THẺ CĂN CƯỚC"])
        unguarded = Matcher(candidates, MatchSettings(twin_distance=0)).match_names([typo])

        assert [("review", None), ("auto", "1")] == [(m.status, m.code) for m in default]
        assert ("auto", "1") == (unguarded[0].status, unguarded[0].code)

    def test_halfway_rows_are_not_accepted(self) -> None:
        """A row nearer to half-way between two names than to either is not accepted."""
        candidates = [Candidate(code="1", name="Đăng ký thường trú"),
                      Candidate(code="2", name="Xóa đăng ký thường trú")]
        matcher = Matcher(candidates, MatchSettings(twin_distance=0, auto=80))

        near, halfway = matcher.match_names(["Đăng ký thường trus", "X đăng ký thường trú"])

        assert ("auto", "1") == (near.status, near.code)
        assert "review" == halfway.status

    def test_candidates_limited_and_sorted(self) -> None:
        match = real_matcher().match_names(["Đăng ký khai sinh có yếu tố nước ngoài"])[0]

        scores = [c.score for c in match.candidates]
        assert scores == sorted(scores, reverse=True)
        assert len(match.candidates) <= MatchSettings().limit
        assert "2.000528" == match.code


def twin_families() -> list[tuple[str, str]]:
    """(shorter, longer) real names where the longer key extends the shorter one."""
    keys: dict[str, str] = {}
    for candidate in real_candidates():
        keys.setdefault(match_key(candidate.name), candidate.name)
    pairs = [
        (keys[a], keys[b])
        for a in keys
        for b in keys
        if a != b and b.startswith(a + " ")
    ]
    return sorted(pairs)


class TestNearTwins:
    """Names that differ by a word are never taken for one another."""

    def test_families_exist(self) -> None:
        """The real data has many families ("đăng ký khai sinh" and its variants)."""
        families = twin_families()

        assert len(families) >= 30
        assert ("Thủ tục đăng ký khai sinh", "Thủ tục đăng ký khai sinh lưu động") in families

    @pytest.mark.parametrize(
        ("name", "code"),
        [
            ("Đăng ký khai sinh", "1.001193"),
            ("Đăng ký khai sinh lưu động", "1.003583"),
            ("Đăng ký khai sinh có yếu tố nước ngoài", "2.000528"),
            ("Đăng ký khai sinh có yếu tố nước ngoài tại khu vực biên giới", "1.000110"),
            ("Đăng ký khai tử lưu động", "1.000419"),
            ("Đăng ký lại khai sinh", "1.004884"),
            ("Cấp đổi thẻ căn cước", None),
        ],
    )
    def test_each_twin_finds_itself(self, name: str, code: str | None) -> None:
        match = real_matcher().match_names([name])[0]

        if code is None:
            assert match.status in ("auto", "review")
        else:
            assert ("auto", code) == (match.status, match.code)

    def test_missing_twin_is_not_accepted(self) -> None:
        """With its twin absent from the catalogue, a variant goes to review or nowhere."""
        for shorter, longer in twin_families():
            for present, posted in ((shorter, longer), (longer, shorter)):
                candidates = [c for c in real_candidates()
                              if match_key(c.name) != match_key(posted)]
                assert any(match_key(c.name) == match_key(present) for c in candidates)
                match = Matcher(candidates).match_names([posted])[0]
                assert match.status != "auto", (posted, match.candidates[:1])

    def test_leave_one_out(self) -> None:
        """No real name is accepted automatically once its own procedure is removed.

        A score never exceeds fuzz.ratio of the keys, so only names with another
        name at a ratio of at least the auto threshold could be; those are tried.
        """
        names: dict[str, str] = {}
        for candidate in real_candidates():
            names.setdefault(match_key(candidate.name), candidate.name)
        keys = sorted(names)
        ratios = process.cdist(keys, keys, scorer=fuzz.ratio)
        np.fill_diagonal(ratios, 0)
        close = [keys[i] for i in np.flatnonzero(ratios.max(axis=1) >= MatchSettings().auto)]
        assert len(close) >= 20
        accepted = []
        for key in close:
            name = names[key]
            others = [c for c in real_candidates() if match_key(c.name) != key]
            match = Matcher(others).match_names([name])[0]
            if match.status == "auto":
                accepted.append((name, match.candidates[0].name))

        assert [] == accepted


class TestLevelsBlock:
    """Candidates are blocked by the row's level when it is known."""

    CANDIDATES = (
        Candidate(code="1.000001", name="Chứng thực chữ ký", level="Cấp huyện"),
        Candidate(code="2.000001", name="Chứng thực chữ ký", level="Cấp xã"),
        Candidate(code="3.000001", name="Cấp giấy phép bán lẻ rượu", level="Cấp huyện"),
    )

    def test_level_decides_between_same_names(self) -> None:
        matcher = Matcher(self.CANDIDATES)

        district, commune, unknown = matcher.match(
            [row("Chứng thực chữ ký", level="Cấp huyện"), row("Chứng thực chữ ký", level="UBND xã"),
             row("Chứng thực chữ ký")]
        )

        assert [("auto", "1.000001"), ("auto", "2.000001"), ("review", None)] == [
            (m.status, m.code) for m in (district, commune, unknown)
        ]

    def test_other_level_only_for_review(self) -> None:
        """A name found only at another level is offered for review, marked cross-level."""
        match = Matcher(self.CANDIDATES).match_row(row("Cấp giấy phép bán lẻ rượu",
                                                       level="Cấp xã"))

        assert ("review", True, "3.000001") == (
            match.status, match.cross_level, match.candidates[0].code
        )


class TestCache:
    """Results are cached across calls, keyed by name key and level."""

    def test_reuse(self) -> None:
        matcher = Matcher(real_candidates())
        rows = [row("Đăng ký khai sinh"), row("Dang ky khai sinh"), row("Đăng ký khai tử")]

        first = matcher.match(rows)
        info = matcher.cache_info()
        second = matcher.match(rows)

        assert first == second
        assert info["misses"] == matcher.cache_info()["misses"]
        assert (2, 3) == (info["misses"], matcher.cache_info()["row_hits"])

    def test_bounded(self) -> None:
        matcher = Matcher(real_candidates(), cache_size=2)

        matcher.match_names(["Đăng ký khai sinh", "Đăng ký khai tử", "Đăng ký kết hôn"])

        assert (2, 2) == (matcher.cache_info()["size"], matcher.cache_info()["rows"])

    def test_order_independent(self) -> None:
        """The candidates' order does not change any result."""
        names = ["Đăng ký khai sinh", "Hỗ trợ phát triển sản xuất cộng đồng",
                 "Dang ky ket hon co yeu to nuoc ngoai", "Cấp đổi thẻ căn cước công dân"]
        shuffled = list(real_candidates())
        random.Random(4).shuffle(shuffled)

        assert Matcher(real_candidates()).match_names(names) == Matcher(shuffled).match_names(
            names
        )


def test_worker_processes_give_the_same_results() -> None:
    """Forked workers (for large batches) give exactly the single-process results."""
    pick = RandomPicker(random.Random(11))
    posted, _ = generate_listing(pick, 300)
    rows = [row(p.name, p.code or None, p.level or None) for p in posted]

    alone = Matcher(real_candidates()).match(rows)
    forked = Matcher(real_candidates(), workers=2, parallel_threshold=40).match(rows)

    assert alone == forked
    assert [m.row for m in alone] == [m.row for m in forked]


def test_match_many_splits_by_listing() -> None:
    matcher = real_matcher()

    first, second = matcher.match_many([[row("Đăng ký khai sinh")],
                                        [row("Đăng ký khai tử"), row("Đăng ký kết hôn")]])

    assert (["1.001193"], ["1.000656", "1.000894"]) == (
        [m.code for m in first], [m.code for m in second]
    )


def test_match_rows_accepts_a_matcher() -> None:
    matcher = real_matcher()

    assert ["1.001193"] == [m.code for m in match_rows([row("Đăng ký khai sinh")], matcher)]


def test_score_is_exposed() -> None:
    """The scorer keeps near twins apart: a whole extra word costs much more than a typo."""
    matcher = real_matcher()

    twin = matcher.score("Đăng ký khai sinh", "Đăng ký khai sinh lưu động")
    typo = matcher.score("Đăng ký khai snh", "Đăng ký khai sinh")

    assert twin < MatchSettings().review < MatchSettings().auto < typo


# --------------------------------------------------------------------------- real lists


def test_real_posted_lists() -> None:
    """The real posted lists, read and matched: every row accounted for."""
    listing = read_listing(DATA / "public_listing_extracts.csv")

    matches = real_matcher().match(listing.rows)

    by_status: dict[str, int] = {}
    for match in matches:
        by_status[match.status] = by_status.get(match.status, 0) + 1
    assert listing.rows_read == len(listing.skipped) + sum(by_status.values())
    found = {(m.row.name, m.code) for m in matches if m.status == "auto"}
    assert {
        ("Đăng ký khai sinh", "1.001193"),
        ("Thủ tục đăng ký khai sinh lưu động", "1.003583"),
        ("Thủ tục đăng ký kết hôn lưu động", "1.000593"),
        ("Thủ tục đăng ký khai tử lưu động", "1.000419"),
    } <= found
    assert "code" not in by_status  # the extracts carry no codes


# ---------------------------------------------------------------------- damage property


class Picker(Protocol):
    """Where the damage's choices come from: Hypothesis draws or a seeded Random."""

    def boolean(self, percent: int) -> bool: ...

    def integer(self, low: int, high: int) -> int: ...

    def choice(self, options: Sequence[T]) -> T: ...


@attrs.frozen
class DrawPicker:
    draw: Callable[[st.SearchStrategy[Any]], Any]

    def boolean(self, percent: int) -> bool:
        return bool(self.draw(st.integers(0, 99)) < percent)

    def integer(self, low: int, high: int) -> int:
        return int(self.draw(st.integers(low, high)))

    def choice(self, options: Sequence[T]) -> T:
        return options[self.draw(st.integers(0, len(options) - 1))]


@attrs.frozen
class RandomPicker:
    random: random.Random

    def boolean(self, percent: int) -> bool:
        return self.random.randrange(100) < percent

    def integer(self, low: int, high: int) -> int:
        return self.random.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.random.randrange(len(options))]


LETTERS = "abcdeghiklmnopqrstuvxyăâđêôơưáàảãạéếềốờ "
_PREFIX = re.compile(r"^\s*thủ tục\s+", re.IGNORECASE)


def damage_name(name: str, pick: Picker) -> tuple[str, int]:
    """A real name as a desk might have typed it; also the number of typos made."""
    text = name
    if pick.boolean(30):
        text = strip_marks(text)
    if _PREFIX.match(text) and pick.boolean(40):
        text = _PREFIX.sub("", text)
    elif pick.boolean(30):
        text = "Thủ tục " + text[:1].lower() + text[1:]
    if pick.boolean(10):
        text = text.upper()
    typos = pick.integer(0, 3)
    for _ in range(typos):
        position = pick.integer(0, max(len(text) - 1, 0))
        operation = pick.integer(0, 3)
        char = pick.choice(LETTERS)
        if operation == 0:
            text = text[:position] + char + text[position + 1 :]
        elif operation == 1:
            text = text[:position] + char + text[position:]
        elif operation == 2:
            text = text[:position] + text[position + 1 :]
        elif position + 1 < len(text):
            text = text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    if pick.boolean(20):
        text = unicodedata.normalize("NFD", text)
    return text, typos


@attrs.frozen
class Posted:
    """One generated row and the truth behind it."""

    candidate: Candidate
    name: str
    code: str
    level: str
    typos: int


def generate_listing(pick: Picker, size: int) -> tuple[list[Posted], str]:
    """A damaged listing of *size* real procedures, and the file encoding to write it in."""
    catalogue = real_candidates()
    chosen = [pick.choice(catalogue) for _ in range(size)]
    posted: list[Posted] = []
    for candidate in chosen:
        name, typos = damage_name(candidate.name, pick)
        form = pick.integer(0, 3)
        code = ["", "", candidate.code, f"{candidate.code}.H{pick.integer(1, 63):02d}"][form]
        if form == 3 and pick.boolean(50):
            code = f"{candidate.code}.000.00.00.H{pick.integer(1, 63):02d}"
        level = candidate.level if candidate.level and pick.boolean(50) else ""
        posted.append(Posted(candidate, name, code, level or "", typos))
        if pick.boolean(10):
            posted.append(posted[-1])  # posted twice
    order = list(range(len(posted)))
    for i in range(len(order) - 1, 0, -1):  # shuffled
        j = pick.integer(0, i)
        order[i], order[j] = order[j], order[i]
    return [posted[i] for i in order], pick.choice(["utf-8", "utf-8-sig", "utf-16", "tcvn3"])


def write_listing(path: Path, posted: Sequence[Posted], encoding: str) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["STT", "Mã TTHC", "Tên thủ tục", "Cấp thực hiện"])
    for i, item in enumerate(posted, start=1):
        writer.writerow([i, item.code, item.name, item.level])
    text = buffer.getvalue()
    if encoding == "tcvn3":
        try:
            data = encode_legacy(text, "tcvn3", errors="lower").encode("cp1252")
        except (LegacyEncodingError, UnicodeEncodeError):
            data = encode_legacy(text, "tcvn3", errors="replace").encode("cp1252", "replace")
    else:
        data = text.encode(encoding)
    path.write_bytes(data)
    return path


@attrs.frozen
class Outcome:
    """What a generated listing came to."""

    statuses: dict[str, int]
    wrong_auto: list[tuple[str, str, str | None]]
    wrong_code: list[tuple[str, str, str | None]]
    clean_conflicts: list[str]


def check_listing(matcher: Matcher, path: Path, posted: Sequence[Posted]) -> Outcome:
    """Read the file back, match it, and compare every row with its truth."""
    listing = read_listing(path)
    assert listing.accounted()
    assert len(posted) == len(listing.rows)
    matches = matcher.match(listing.rows)
    statuses: dict[str, int] = {}
    wrong_auto, wrong_code, clean_conflicts = [], [], []
    for item, match in zip(posted, matches, strict=True):
        statuses[match.status] = statuses.get(match.status, 0) + 1
        truth = item.candidate.code
        if match.status == "auto" and match.code != truth:
            wrong_auto.append((item.name, truth, match.code))
        if match.status == "code" and match.code != truth:
            wrong_code.append((item.name, truth, match.code))
        if match.status == "code" and item.typos == 0 and match.code_name_conflict:
            clean_conflicts.append(item.name)
    return Outcome(statuses, wrong_auto, wrong_code, clean_conflicts)


@st.composite
def damaged_listings(draw: st.DrawFn) -> tuple[list[Posted], str]:
    pick = DrawPicker(draw)
    return generate_listing(pick, draw(st.integers(1, 25)))


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(generated=damaged_listings())
def test_damaged_listing_has_no_wrong_auto_accept(tmp_path: Path,
                                                  generated: tuple[list[Posted], str]) -> None:
    """Real names, damaged as desks damage them, written to a file and read back:
    every automatically accepted row is its true procedure, every code row too, and
    an undamaged name never contradicts its code. (benchmarks/bench_matching_property.py
    runs the same check over 10,000 rows.)"""
    posted, encoding = generated
    path = write_listing(tmp_path / f"listing-{encoding}.csv", posted, encoding)

    outcome = check_listing(real_matcher(), path, posted)

    assert [] == outcome.wrong_auto
    assert [] == outcome.wrong_code
    assert [] == outcome.clean_conflicts


def test_damage_is_real_damage() -> None:
    """The generator does damage: typos, stripped marks, prefixes, NFD and legacy bytes."""
    pick = RandomPicker(random.Random(7))
    posted, _ = generate_listing(pick, 400)

    assert any(p.typos == 3 for p in posted)
    assert any(p.name != nfc(p.name) for p in posted)  # NFD
    assert any(p.name.isascii() for p in posted)  # marks stripped
    assert any(p.code == "" for p in posted)
    assert any(".H" in p.code for p in posted)
    assert len({id(p) for p in posted}) < len(posted)  # duplicates


@given(tokens=st.lists(st.sampled_from("abcd"), max_size=8),
       others=st.lists(st.sampled_from("abcd"), max_size=8))
def test_left_over_is_the_multiset_difference(tokens: list[str], others: list[str]) -> None:
    """The words the scorer compares pairwise are exactly those the other name lacks."""
    from collections import Counter

    from tthc.matching import _left_over

    left = _left_over(tokens, others)

    assert Counter(tokens) - Counter(others) == Counter(left)
    rest = iter(tokens)
    assert all(any(t == u for u in rest) for t in left)  # in the order of *tokens*


def test_match_is_a_record() -> None:
    match = Match(row=None, status="none", code=None, score=None)

    assert () == match.candidates
    with pytest.raises(AttributeError):
        match.status = "auto"  # type: ignore[misc]
