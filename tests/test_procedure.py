"""The domain records: levels, fields, online and postal service, procedures."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import attrs
import pytest

from tthc.procedure import (
    COMMUNE,
    DISTRICT,
    PROVINCE,
    Field,
    Level,
    OnlineMode,
    OnlineService,
    PostalService,
)

DATA = Path(__file__).resolve().parent / "data" / "real"


class TestLevel:
    def test_district_ends_with_the_reform(self) -> None:
        """The district level exists until 30/6/2025 and no longer."""
        assert DISTRICT.exists_on(date(2025, 6, 30))
        assert not DISTRICT.exists_on(date(2025, 7, 1))
        assert COMMUNE.exists_on(date(2026, 1, 1))

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("Cấp huyện", DISTRICT), ("Cấp Xã", COMMUNE), ("xã", COMMUNE), ("Cấp tỉnh", PROVINCE)],
    )
    def test_parse_spellings(self, text: str, expected: Level) -> None:
        """Vietnamese spellings of levels are read regardless of case and diacritics."""
        assert expected is Level.parse(text)

    def test_unknown_level_is_a_lookup_error(self) -> None:
        """An unknown level raises LookupError naming it."""
        with pytest.raises(LookupError, match="Cơ quan khác"):
            Level.parse("Cơ quan khác")

    def test_every_level_text_in_the_real_data_reads(self) -> None:
        """Every "Cấp thực hiện" in the real data names at least one known level, or none."""
        with (DATA / "real_procedures.csv").open(encoding="utf-8") as handle:
            texts = {row["level"] for row in csv.DictReader(handle)}
        parsed = {text: Level.parse_many(text) for text in texts}
        assert all(levels for text, levels in parsed.items() if "Cấp" in text)

    def test_levels_are_open_data(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A new level can be registered (levels are data, not a closed enum)."""
        # A copy of the registry, restored after the test: other tests see the usual levels.
        monkeypatch.setattr(Level, "_registry", dict(Level._registry))
        ward = Level(key="ward-test", name="Cấp phường (thử)", rank=4, aliases=("phuong thu",))
        Level.register(ward)
        assert ward is Level.parse("Phường thử")
        assert ward is Level.get("ward-test")


class TestField:
    @pytest.mark.parametrize(
        "text",
        ["LĨNH VỰC HỘ TỊCH", "23-Lĩnh vực hộ tịch", "Hộ tịch", "I. LĨNH VỰC HỘ TỊCH (12 TTHC)"],
    )
    def test_spellings_are_one_field(self, text: str) -> None:
        """Headings with numbering, prefix, count and casing name one field."""
        assert Field("Hộ tịch", "ho-tich") == Field.of(text)

    def test_display_name_is_sentence_case(self) -> None:
        """An all-capitals heading gives a sentence-case display name."""
        assert "Hộ kinh doanh" == Field.of("HỘ KINH DOANH").name

    def test_distinct_fields_stay_distinct(self) -> None:
        """Fields whose names share words are still different."""
        assert Field.of("Thành lập và hoạt động của tổ hợp tác") != Field.of(
            "Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã"
        )

    def test_every_real_field_has_a_key(self) -> None:
        """Every field in the real data gives a non-empty key."""
        with (DATA / "real_procedures.csv").open(encoding="utf-8") as handle:
            fields = {row["field"] for row in csv.DictReader(handle) if row["field"]}
        assert all(Field.of(text).key for text in fields)


class TestOnlineService:
    @pytest.mark.parametrize(
        ("text", "legacy", "mode"),
        [
            ("Mức độ 2", 2, None),
            ("mức độ 3", 3, OnlineMode.PARTIAL),
            ("Mức độ 4", 4, OnlineMode.FULL),
            ("Toàn trình", 4, OnlineMode.FULL),
            ("Một phần", 3, OnlineMode.PARTIAL),
        ],
    )
    def test_both_vocabularies_map(self, text: str, legacy: int, mode: OnlineMode | None) -> None:
        """Levels 1-4 and toàn trình / một phần map onto each other as documented."""
        service = OnlineService.parse(text)

        assert (legacy, mode) == (service.legacy_level, service.current_mode)

    def test_level_3_or_4(self) -> None:
        """Only levels 3 and 4 (and their modes) count as online in reports."""
        assert not OnlineService(level=2).is_level_3_or_4
        assert OnlineService(mode=OnlineMode.PARTIAL).is_level_3_or_4

    def test_invalid_level_rejected(self) -> None:
        """A level outside 1-4 is rejected at construction and at parsing."""
        with pytest.raises(ValueError, match="level"):
            OnlineService(level=5)
        with pytest.raises(ValueError, match="online"):
            OnlineService.parse("không")


def test_postal_any() -> None:
    """Postal service exists when either receipt or return goes by post."""
    assert PostalService(deliver=True).any
    assert not PostalService().any


def test_records_are_frozen() -> None:
    """Records cannot be changed in place; evolve makes a changed copy."""
    service = OnlineService(level=3)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        service.level = 4  # type: ignore[misc]
    assert 4 == attrs.evolve(service, level=4).level
