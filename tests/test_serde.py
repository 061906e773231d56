"""The private converter, the TOML reader's fast path, and atomic writes."""

from __future__ import annotations

import os
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.catalog_helpers import decision, new, unit

from tthc._io import TomlSyntaxError, _fast_toml, atomic_write, atomic_write_many, read_toml
from tthc._serde import structure, unstructure
from tthc.decision import Decision, ProcedureContent
from tthc.desk import Desk, OfficeHours, Unit
from tthc.errors import CatalogDataError


def problems(data: dict[str, Any], cls: type) -> list[tuple[str, str]]:
    with pytest.raises(CatalogDataError) as caught:
        structure(data, cls, "f.toml")
    return [(p.path, p.message) for p in caught.value.problems]


class TestStructure:
    def test_unknown_keys_suggest_the_closest_known_key(self) -> None:
        """A misspelt key is reported at its own path with a suggestion."""
        data = {"number": "1", "issuer": "x", "signed": "2020-01-01", "efective": "2020-01-01"}

        assert problems(data, Decision) == [
            ("$.effective", "required key missing"),
            ("$.efective", "unknown key (did you mean 'effective'?)"),
        ]

    def test_types_are_checked_strictly(self) -> None:
        """A text where a list is due, a number where text is due, a table that is not one."""
        data = {
            "number": 1766,
            "issuer": "x",
            "signed": date(2020, 1, 1),
            "effective": date(2020, 1, 1),
            "entries": [
                {"kind": "new", "code": "1.000001", "levels": "district", "content": []},
                {
                    "kind": "amended",
                    "code": "1.000001",
                    "levels": ["district"],
                    "content": {"legal_basis": "NĐ 63/2010", "postal": {"receive": "có"}},
                },
            ],
        }

        assert problems(data, Decision) == [
            ("$.number", "expected text, got int 1766"),
            ("$.entries[0].levels", "expected a list of level keys, got 'district'"),
            ("$.entries[0].content", "expected a table, got list []"),
            ("$.entries[1].content.postal.receive", "expected true or false, got 'có'"),
            ("$.entries[1].content.legal_basis", "expected a list of texts, got str 'NĐ 63/2010'"),
        ]

    def test_desk_working_week_and_times(self) -> None:
        """Weekdays are 0–6 once each; times are HH:MM."""
        data = {
            "id": "x",
            "name": "X",
            "level": "commune",
            "working_week": [0, 1, 7],
            "cutoff": "16h30",
        }

        assert problems(data, Desk) == [
            ("$.working_week", "invalid weekday 7 (0 = Monday … 6 = Sunday)"),
            ("$.cutoff", "invalid time '16h30' (expected HH:MM)"),
        ]

    def test_a_date_and_time_is_not_a_date(self) -> None:
        """A TOML datetime where a date is due is refused."""
        from datetime import datetime

        data = {
            "number": "1",
            "issuer": "x",
            "signed": datetime(2020, 1, 1, 8, 0),
            "effective": "2020-01-01",
        }

        assert problems(data, Decision) == [
            ("$.signed", "expected a date, got a date and time '2020-01-01T08:00:00'")
        ]

    def test_texts_are_normalised_on_load(self) -> None:
        """Names are NFC with spaces collapsed."""
        item = structure({"name": " Đăng  ky\u0301 khai\u00a0sinh "}, ProcedureContent, "f")

        assert item.name == "Đăng ký khai sinh"

    def test_unit_round_trip_leaves_defaults_out(self) -> None:
        """Unstructuring omits defaults; structuring it back gives the same unit."""
        the_unit = Unit(
            name="Huyện A",
            province="Tỉnh B",
            desks=(
                Desk(
                    id="h",
                    name="UBND huyện",
                    level="district",
                    cutoff=time(16, 30),
                    hours=OfficeHours(morning_start=time(7, 0)),
                ),
            ),
        )

        data = unstructure(the_unit)

        assert data == {
            "name": "Huyện A",
            "province": "Tỉnh B",
            "desks": [
                {
                    "id": "h",
                    "name": "UBND huyện",
                    "level": "district",
                    "hours": {"morning_start": "07:00"},
                    "cutoff": "16:30",
                }
            ],
        }
        assert the_unit == structure(data, Unit, "unit.toml")

    def test_decision_round_trip(self) -> None:
        """A decision survives unstructure → TOML → structure."""
        item = decision(
            "1/QĐ-UBND",
            date(2020, 1, 1),
            new(
                "1.000001",
                "district",
                "commune",
                processing_time="05 ngày làm việc",
                fees="Miễn phí",
                legal_basis=("Luật Hộ tịch 2014",),
            ),
            law_effective=date(2016, 1, 1),
        )

        text = tomli_w.dumps(unstructure(item))

        assert item == structure(read_toml(text), Decision, "f")


# --------------------------------------------------------------------------- the TOML reader

_keys = st.from_regex(r"[a-z_][a-z0-9_-]{0,8}", fullmatch=True)
_scalars = st.one_of(
    st.text(max_size=20),
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.dates(),
)
_values = st.one_of(_scalars, st.lists(_scalars, max_size=4))
_tables = st.dictionaries(_keys, _values, max_size=6)
_documents = st.recursive(
    _tables,
    lambda inner: st.dictionaries(
        _keys, st.one_of(_values, inner, st.lists(inner, min_size=1, max_size=3)), max_size=5
    ),
    max_leaves=20,
)


class TestReadToml:
    @settings(max_examples=400)
    @given(_documents)
    def test_reads_what_tomli_w_writes_as_tomllib_does(self, data: dict[str, Any]) -> None:
        """For any document tomli_w writes, read_toml equals tomllib (fast path or not)."""
        text = tomli_w.dumps(data)

        assert tomllib.loads(text) == read_toml(text)

    @settings(max_examples=400)
    @given(
        st.lists(
            st.sampled_from(
                [
                    'a = "x"',
                    "a = 1",
                    "b = [",
                    '    "y",',
                    "]",
                    "[t]",
                    "[[t]]",
                    "[t.u]",
                    "[[t.u]]",
                    "c = 2020-01-01",
                    "c = 2020-02-30",
                    "# note",
                    "",
                    'd = ["p", "q"]',
                    "d = []",
                    "e = true",
                    "f = 01",
                    'g = "a\\"b"',
                    "h = 1979-05-27T07:32:00Z",
                    "a.b = 1",
                    "i = [ 1 , 2 ]",
                ]
            ),
            max_size=10,
        )
    )
    def test_hand_typed_lines_read_as_tomllib_reads_them(self, lines: list[str]) -> None:
        """Any mix of typical lines: same result as tomllib, or a syntax error where it fails."""
        text = "\n".join(lines) + "\n"
        try:
            expected: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            expected = TomlSyntaxError
        try:
            actual: Any = read_toml(text)
        except TomlSyntaxError:
            actual = TomlSyntaxError

        assert expected == actual

    def test_the_writer_output_takes_the_fast_path(self) -> None:
        """Catalogue files written by tthc are read without tomllib."""
        from tthc.catalog import dumps_decision

        text = dumps_decision(decision("1/QĐ-UBND", date(2020, 1, 1), new("1.000001")))

        assert _fast_toml(text) == tomllib.loads(text)

    def test_syntax_errors_give_the_line(self) -> None:
        """The line of a syntax error is reported."""
        with pytest.raises(TomlSyntaxError) as caught:
            read_toml('a = 1\nb = "open\nc = 3\n')

        assert (caught.value.line, caught.value.reason) == (2, "Illegal character '\\n'")


# --------------------------------------------------------------------------- atomic writes


class TestAtomicWrite:
    def test_writes_text_as_utf8_bytes(self, tmp_path: Path) -> None:
        """Text is written as UTF-8 without newline translation; folders are created."""
        path = atomic_write(tmp_path / "a" / "b.txt", "dòng 1\r\ndòng 2\n")

        assert "dòng 1\r\ndòng 2\n".encode() == path.read_bytes()

    def test_refuses_to_replace_without_force(self, tmp_path: Path) -> None:
        """An existing file is an error naming it, and is left untouched."""
        target = tmp_path / "x.toml"
        target.write_text("old", encoding="utf-8")

        with pytest.raises(FileExistsError) as caught:
            atomic_write(target, "new")
        atomic_write(tmp_path / "y.toml", "y")

        assert str(target) == caught.value.filename
        assert target.read_text(encoding="utf-8") == "old"
        assert atomic_write(target, "new", force=True).read_text(encoding="utf-8") == "new"

    def test_no_temporary_file_is_left_behind_on_failure(self, tmp_path: Path) -> None:
        """A failed rename (the target is a folder) leaves no temporary file."""
        (tmp_path / "folder").mkdir()

        with pytest.raises(IsADirectoryError):
            atomic_write(tmp_path / "folder", "x", force=True)

        assert sorted(os.listdir(tmp_path)) == ["folder"]

    def test_many_files_write_all_or_refuse_before_writing(self, tmp_path: Path) -> None:
        """atomic_write_many checks every target before writing any."""
        (tmp_path / "b").write_text("b", encoding="utf-8")
        files = {tmp_path / name: name * 3 for name in ("a", "b", "c")}

        with pytest.raises(FileExistsError):
            atomic_write_many(files)
        assert sorted(os.listdir(tmp_path)) == ["b"]

        written = atomic_write_many({tmp_path / f"{n:02d}": str(n) for n in range(20)})
        assert [str(n) for n in range(20)] == [p.read_text(encoding="utf-8") for p in written]
        assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_unit_helper_desks_are_valid() -> None:
    """The test unit round-trips through the converter (a check on the helpers)."""
    the_unit = unit()

    assert the_unit == structure(unstructure(the_unit), Unit, "unit.toml")
