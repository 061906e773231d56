"""The catalogue folder: loading (every problem at once), writing, and the Catalog API."""

from __future__ import annotations

import random
import tempfile
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.catalog_helpers import (
    amended,
    baseline_1766,
    cut,
    decision,
    decision_1766_data,
    folder_bytes,
    new,
    repealed,
    replaced,
    rows_1766,
    transferred,
    unit,
    write_files,
    write_folder,
)
from tests.test_lifecycle import decision_sequences

from tthc.catalog import (
    CATALOG_ENV,
    Catalog,
    check_catalog,
    decision_path,
    dumps_decision,
    load_catalog,
    read_catalog,
    resolve_catalog_path,
    write_catalog,
    write_decision,
)
from tthc.decision import Decision, DecisionKey, EntryKind
from tthc.desk import DayOverride, Desk, FeedbackAddress, OfficeHours, Unit
from tthc.errors import CatalogDataError, LifecycleError, UnknownDesk, UnknownProcedure

D = date

UNIT_TOML = """\
name = "Huyện Mẫu"
province = "Tỉnh Mẫu"

[[desks]]
id = "huyen"
name = "Bộ phận Một cửa huyện Mẫu"
level = "district"
closed = 2025-06-30
"""

GOOD = """\
number = "12/QĐ-UBND"
issuer = "Chủ tịch UBND tỉnh Mẫu"
signed = 2019-03-15
effective = 2019-03-15

[[entries]]
kind = "new"
code = "1.000001"
levels = ["district"]

[entries.content]
name = "Đăng ký khai sinh"
field = "Hộ tịch"
"""


def a_catalog() -> Catalog:
    """A small catalogue used by the view tests."""
    return Catalog(
        unit(),
        [
            decision(
                "10/QĐ-UBND",
                D(2019, 1, 2),
                new(
                    "1.000003", "district", "commune", name="Chứng thực chữ ký", field="Chứng thực"
                ),
                new("1.000001", name="Đăng ký kết hôn", field="Hộ tịch"),
                new("1.000002", "commune", name="Đăng ký kết hôn", field="Hộ tịch"),
                new(
                    "2.000010",
                    "province",
                    "district",
                    name="Cấp giấy phép xây dựng",
                    field="Xây dựng",
                ),
            ),
            decision(
                "20/QĐ-UBND",
                D(2020, 6, 1),
                replaced("1.000001", "1.000005", name="Đăng ký kết hôn (mới)"),
            ),
            decision(
                "30/QĐ-UBND",
                D(2021, 6, 1),
                replaced("1.000005", "1.000006", name="Đăng ký kết hôn lưu động"),
                cut("2.000010", applied="10 ngày"),
            ),
        ],
    )


class TestLoadProblems:
    def test_every_problem_in_the_folder_is_reported_at_once(self, tmp_path: Path) -> None:
        """Bad dates, unknown keys, invalid codes, syntax and duplicates, in several files."""
        bad_codes = (
            GOOD.replace('number = "12/QĐ-UBND"', 'number = "13/QĐ-UBND"')
            + """
[[entries]]
kind = "repealed"
code = "10.005090"
levels = ["district"]

[[entries]]
kind = "amended"
code = "1.000948.H38"
levels = ["commune", "huyen"]
"""
        )
        write_files(
            tmp_path,
            {
                "unit.toml": UNIT_TOML.replace(
                    "closed = 2025-06-30", 'closed = "2025-06-31"\nfax = 1'
                ),
                "decisions/2019/2019-03-15_12-qd-ubnd.toml": GOOD,
                "decisions/2019/a-copy.toml": GOOD,
                "decisions/2019/2019-03-15_13-qd-ubnd.toml": bad_codes,
                "decisions/2020/dates.toml": GOOD.replace(
                    "effective = 2019-03-15", 'effective = "15/03/2019"\nsigner = 5'
                ),
                "decisions/2021/syntax.toml": GOOD.replace('field = "Hộ tịch"', 'field = "Hộ tịch'),
                "decisions/2022/x/missing.toml": GOOD.replace('code = "1.000001"\n', ""),
                "README.md": "# Not part of the catalogue\n",
                "listings/posted.toml": "not = [toml",
                "decisions/notes.txt": "ignored",
            },
        )

        with pytest.raises(CatalogDataError) as caught:
            load_catalog(tmp_path)

        found = [(p.source, p.path, p.message.split(" (")[0]) for p in caught.value.problems]
        assert found == [
            ("unit.toml", "$.desks[0].closed", "invalid date '2025-06-31'"),
            ("unit.toml", "$.desks[0].fax", "unknown key"),
            (
                "decisions/2019/2019-03-15_13-qd-ubnd.toml",
                "$.entries[1].code",
                'invalid code "10.005090"',
            ),
            (
                "decisions/2019/2019-03-15_13-qd-ubnd.toml",
                "$.entries[2].code",
                'local code form "1.000948.H38": write the national code 1.000948',
            ),
            (
                "decisions/2019/2019-03-15_13-qd-ubnd.toml",
                "$.entries[2].levels",
                "unknown level 'huyen'",
            ),
            ("decisions/2019/a-copy.toml", "$", "decision 12/QĐ-UBND"),
            ("decisions/2020/dates.toml", "$.effective", "invalid date '15/03/2019'"),
            ("decisions/2020/dates.toml", "$.signer", "expected text, got int 5"),
            ("decisions/2021/syntax.toml", "line 13", "TOML syntax: Illegal character '\\n'"),
            ("decisions/2022/x/missing.toml", "$.entries[0].code", "required key missing"),
        ]
        duplicate = caught.value.problems[5]
        assert (
            "is also in decisions/2019/2019-03-15_12-qd-ubnd.toml (a decision is identified "
            "by issuer, number and signing date)"
        ) in duplicate.message
        assert str(tmp_path) in str(caught.value).splitlines()[0]

    def test_problem_lines_name_file_and_key_path(self, tmp_path: Path) -> None:
        """Each problem reads 'file: $.path: message'."""
        write_files(
            tmp_path,
            {
                "unit.toml": UNIT_TOML,
                "decisions/2019/0123.toml": GOOD.replace('"1.000001"', '"10.005090"'),
            },
        )

        with pytest.raises(CatalogDataError) as caught:
            read_catalog(tmp_path)

        assert [str(p) for p in caught.value.problems] == [
            'decisions/2019/0123.toml: $.entries[0].code: invalid code "10.005090"'
        ]

    def test_entries_missing_content_are_file_problems(self, tmp_path: Path) -> None:
        """A new entry without a name is reported with the other file problems."""
        write_files(
            tmp_path,
            {
                "unit.toml": UNIT_TOML,
                "decisions/a.toml": GOOD.replace('name = "Đăng ký khai sinh"\n', ""),
            },
        )

        with pytest.raises(CatalogDataError) as caught:
            read_catalog(tmp_path)

        assert [(p.source, p.path, p.message) for p in caught.value.problems] == [
            ("decisions/a.toml", "$.entries[0].content.name", "required for a new procedure")
        ]

    def test_text_that_is_not_utf8_is_reported(self, tmp_path: Path) -> None:
        """A decision saved in a legacy code page is reported with its line."""
        write_files(tmp_path, {"unit.toml": UNIT_TOML})
        (tmp_path / "decisions").mkdir()
        (tmp_path / "decisions" / "old.toml").write_bytes(GOOD.encode("cp1258", "replace"))

        with pytest.raises(CatalogDataError) as caught:
            read_catalog(tmp_path)

        (problem,) = caught.value.problems
        assert (problem.source, problem.path, problem.code) == (
            "decisions/old.toml",
            "line 1",
            "not-utf8",
        )

    def test_a_missing_unit_file_and_a_missing_folder(self, tmp_path: Path) -> None:
        """Without unit.toml the folder is not a catalogue; a missing folder says so."""
        with pytest.raises(CatalogDataError) as caught:
            read_catalog(tmp_path)
        assert [p.source for p in caught.value.problems] == ["unit.toml"]

        with pytest.raises(CatalogDataError, match="no such folder"):
            read_catalog(tmp_path / "nowhere")

    def test_the_real_1766_rows_without_a_code_are_reported(self, tmp_path: Path) -> None:
        """QĐ 1766 written from its CSV rows as they are: the two code-less rows are problems."""
        rows = rows_1766()
        data = decision_1766_data(rows)
        write_files(
            tmp_path,
            {
                "unit.toml": UNIT_TOML,
                "decisions/2020/2020-08-03_1766-qd-ubnd.toml": tomli_w.dumps(data),
            },
        )
        missing = [i for i, row in enumerate(rows) if not row["code"][:1].isdigit()]

        with pytest.raises(CatalogDataError) as caught:
            read_catalog(tmp_path)

        assert [
            (f"$.entries[{missing[0]}].code", 'invalid code ""'),
            (f"$.entries[{missing[1]}].code", 'invalid code "Không có mã số"'),
        ] == [(p.path, p.message) for p in caught.value.problems]

    def test_lifecycle_errors_name_the_file(self, tmp_path: Path) -> None:
        """A repeal of an unknown code in a folder names its file and entry."""
        write_folder(
            tmp_path,
            unit(),
            [
                decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001")),
                decision("2/QĐ-UBND", D(2021, 1, 1), repealed("1.000001"), repealed("1.000002")),
            ],
        )

        with pytest.raises(LifecycleError) as caught:
            load_catalog(tmp_path)

        (problem,) = caught.value.problems
        assert (problem.source, problem.path) == (
            "decisions/2021/2021-01-01_2-qd-ubnd.toml",
            "$.entries[1]",
        )

    def test_check_catalog_lists_errors_then_warnings(self, tmp_path: Path) -> None:
        """check_catalog never raises on data: file problems, or replay errors and warnings."""
        write_folder(
            tmp_path,
            unit(),
            [
                decision(
                    "1/QĐ-UBND", D(2020, 1, 1), new("1.000001", "commune"), signed=D(2020, 2, 1)
                ),
                decision("2/QĐ-UBND", D(2021, 1, 1), repealed("1.000002", "commune")),
            ],
        )

        problems = check_catalog(tmp_path)

        assert [(p.severity, p.code) for p in problems] == [
            ("error", "not-in-force"),
            ("warning", "effective-before-signed"),
        ]


class TestResolve:
    def test_explicit_path_then_environment_then_example(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A given path wins; else $TTHC_CATALOG; else the example catalogue."""
        monkeypatch.setenv(CATALOG_ENV, str(tmp_path / "from-env"))

        assert tmp_path / "given" == resolve_catalog_path(tmp_path / "given")
        assert tmp_path / "from-env" == resolve_catalog_path()

        monkeypatch.delenv(CATALOG_ENV)
        assert "catalog" in str(resolve_catalog_path())

    def test_load_reads_the_environment_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """load_catalog() with no argument loads $TTHC_CATALOG."""
        write_folder(tmp_path, unit(), [decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))])
        monkeypatch.setenv(CATALOG_ENV, str(tmp_path))

        assert load_catalog().as_of(D(2020, 1, 1)).codes() == ["1.000001"]

    def test_a_catalogue_inside_a_zip_loads(self, tmp_path: Path) -> None:
        """Any Traversable works (here a zip), as the packaged example catalogue does."""
        folder = write_folder(
            tmp_path / "c", unit(), [decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))]
        )
        archive = tmp_path / "c.zip"
        with zipfile.ZipFile(archive, "w") as handle:
            for path in folder.rglob("*"):
                handle.write(path, path.relative_to(tmp_path).as_posix())

        with zipfile.ZipFile(archive) as handle:
            catalog = load_catalog(zipfile.Path(handle, "c/"))

        assert catalog == load_catalog(folder)


class TestWrite:
    def test_load_of_write_is_equal_and_rewriting_is_byte_identical(self, tmp_path: Path) -> None:
        """load(write(c)) == c, and writing the loaded catalogue gives the same bytes."""
        catalog = a_catalog()

        write_catalog(catalog, tmp_path / "one")
        loaded = load_catalog(tmp_path / "one")
        write_catalog(loaded, tmp_path / "two")

        assert catalog == loaded
        assert folder_bytes(tmp_path / "one") == folder_bytes(tmp_path / "two")

    def test_the_unit_survives_in_full(self, tmp_path: Path) -> None:
        """Desks with feedback, hours, cut-off, working week and the calendar round-trip."""
        from datetime import time

        full = Unit(
            name="Thị xã Mẫu",
            province="Tỉnh Mẫu",
            kind="thị xã",
            note="Ghi chú",
            desks=(
                Desk(
                    id="tx",
                    name="Trung tâm Hành chính công",
                    level="district",
                    kind="tthc",
                    opened=D(2017, 1, 1),
                    closed=D(2025, 6, 30),
                    feedback=FeedbackAddress(
                        body="UBND",
                        address="1 Đường",
                        phone="02",
                        email="a@b.vn",
                        portal="https://x.gov.vn",
                    ),
                    working_week=(0, 1, 2, 3, 4, 5),
                    saturday_morning=True,
                    hours=OfficeHours(morning_start=time(7), afternoon_end=time(17)),
                    cutoff=time(16, 30),
                ),
            ),
            calendar=(
                DayOverride(day=D(2025, 5, 2), kind="off", reason="Nghỉ bù"),
                DayOverride(day=D(2025, 4, 26), kind="work", reason="Làm bù"),
            ),
        )

        write_catalog(full, [], tmp_path)

        assert full == load_catalog(tmp_path).unit

    def test_file_names_follow_the_signing_date_and_number(self) -> None:
        """decisions/<year>/<signed>_<number>.toml, the number folded to ASCII."""
        item = decision("1766/QĐ-UBND", D(2020, 8, 3), new("1.000001"))

        assert decision_path(item) == "decisions/2020/2020-08-03_1766-qd-ubnd.toml"
        assert (
            decision_path(item, with_issuer=True)
            == "decisions/2020/2020-08-03_1766-qd-ubnd_chu-tich-ubnd-tinh-mau.toml"
        )

    def test_same_number_and_day_from_two_issuers_get_two_files(self, tmp_path: Path) -> None:
        """Colliding file names get the issuer; the catalogue still round-trips."""
        day = D(2020, 8, 3)
        first = decision("5/QĐ-UBND", day, new("1.000001"))
        second = decision(
            "5/QĐ-UBND", day, new("1.000002", "commune"), issuer="Chủ tịch UBND tỉnh Nam"
        )

        written = write_catalog(unit(), [first, second], tmp_path)

        assert [p.relative_to(tmp_path).as_posix() for p in written] == [
            "decisions/2020/2020-08-03_5-qd-ubnd_chu-tich-ubnd-tinh-mau.toml",
            "decisions/2020/2020-08-03_5-qd-ubnd_chu-tich-ubnd-tinh-nam.toml",
            "unit.toml",
        ]
        assert Catalog(unit(), [first, second]) == load_catalog(tmp_path)

    def test_existing_files_are_not_overwritten_without_force(self, tmp_path: Path) -> None:
        """Writing over a catalogue needs force; without it nothing is written."""
        write_catalog(a_catalog(), tmp_path)
        before = folder_bytes(tmp_path)

        with pytest.raises(FileExistsError) as caught:
            write_catalog(Catalog(unit(), []), tmp_path)

        assert caught.value.filename.endswith("unit.toml")
        assert before == folder_bytes(tmp_path)

    def test_force_replaces_and_removes_stale_decisions_only(self, tmp_path: Path) -> None:
        """With force, decision files not in the catalogue go; README and listings stay."""
        write_catalog(a_catalog(), tmp_path)
        write_files(tmp_path, {"README.md": "x", "listings/a.toml": "y = 1\n"})
        smaller = Catalog(unit(), [decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))])

        write_catalog(smaller, tmp_path, force=True)

        assert sorted(folder_bytes(tmp_path)) == [
            "README.md",
            "decisions/2020/2020-01-01_1-qd-ubnd.toml",
            "listings/a.toml",
            "unit.toml",
        ]
        assert smaller == load_catalog(tmp_path)

    def test_write_decision_adds_one_file(self, tmp_path: Path) -> None:
        """write_decision adds a decision to a folder; a same-named other decision is kept."""
        write_catalog(unit(), [], tmp_path)
        first = decision("5/QĐ-UBND", D(2020, 8, 3), new("1.000001"))
        other = decision(
            "5/QĐ-UBND", D(2020, 8, 3), new("1.000002", "commune"), issuer="Chủ tịch UBND tỉnh Nam"
        )

        one = write_decision(first, tmp_path)
        two = write_decision(other, tmp_path)

        assert one.name == "2020-08-03_5-qd-ubnd.toml"
        assert two.name == "2020-08-03_5-qd-ubnd_chu-tich-ubnd-tinh-nam.toml"
        with pytest.raises(FileExistsError):
            write_decision(first, tmp_path)
        assert Catalog(unit(), [first, other]) == load_catalog(tmp_path)

    def test_decision_files_leave_defaults_out(self) -> None:
        """Only what is set is written; keys follow the records' order."""
        text = dumps_decision(decision("1/QĐ-UBND", D(2020, 1, 1), repealed("1.000001")))

        assert text == (
            'number = "1/QĐ-UBND"\nissuer = "Chủ tịch UBND tỉnh Mẫu"\nsigned = 2020-01-01\n'
            'effective = 2020-01-01\n\n[[entries]]\nkind = "repealed"\ncode = "1.000001"\n'
            'levels = [\n    "district",\n]\n'
        )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(decisions=decision_sequences())
    def test_the_writer_round_trips(self, decisions: list[Decision]) -> None:
        """For generated catalogues, load(write(c)) == c and the rewrite is byte-identical."""
        catalog = Catalog(unit(), decisions)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            write_catalog(catalog, root / "a")
            loaded = load_catalog(root / "a")
            write_catalog(loaded, root / "b")

            assert catalog == loaded
            assert folder_bytes(root / "a") == folder_bytes(root / "b")

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(decisions=decision_sequences(), seed=st.integers(0, 2**32 - 1))
    def test_the_order_of_files_on_disk_never_changes_an_answer(
        self, decisions: list[Decision], seed: int
    ) -> None:
        """Renaming and moving decision files at random changes no answer."""
        catalog = Catalog(unit(), decisions)
        rng = random.Random(seed)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            write_catalog(catalog, root)
            files = sorted((root / "decisions").rglob("*.toml"))
            names = [f"{n:03d}.toml" for n in range(len(files))]
            rng.shuffle(names)
            for path, name in zip(files, names, strict=True):
                target = root / "decisions" / rng.choice(["a", "b/c", "z"]) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                path.rename(target)
            shuffled = load_catalog(root)

        assert catalog == shuffled
        assert catalog.versions == shuffled.versions
        assert [(w.path, w.message) for w in catalog.warnings] == [
            (w.path, w.message) for w in shuffled.warnings
        ]
        for offset in range(-1, 9):
            day = D(2020, 1, 1) + timedelta(days=offset)
            assert catalog.as_of(day).entries() == shuffled.as_of(day).entries()


class TestView:
    def test_procedures_by_level_desk_and_field(self) -> None:
        """Filters select the level, a desk's level while it is open, a field in any spelling."""
        view = a_catalog().as_of(D(2020, 1, 1))

        assert [(p.code, p.level) for p in view.procedures()] == [
            ("1.000001", "district"),
            ("1.000002", "commune"),
            ("1.000003", "district"),
            ("1.000003", "commune"),
            ("2.000010", "province"),
            ("2.000010", "district"),
        ]
        assert [p.code for p in view.procedures(level="commune")] == ["1.000002", "1.000003"]
        assert [p.code for p in view.procedures(desk="huyen")] == [
            "1.000001",
            "1.000003",
            "2.000010",
        ]
        assert [p.code for p in view.procedures(field="LĨNH VỰC HỘ TỊCH")] == [
            "1.000001",
            "1.000002",
        ]
        assert view.procedures(desk="huyen", level="commune") == []

    def test_unknown_desk_and_level_are_lookup_errors(self) -> None:
        """An unknown desk raises UnknownDesk; an unknown level a LookupError."""
        view = a_catalog().as_of(D(2020, 1, 1))

        with pytest.raises(UnknownDesk, match="xa-z"):
            view.procedures(desk="xa-z")
        with pytest.raises(LookupError):
            view.procedures(level="ward")

    def test_lookup_trio(self) -> None:
        """get() never raises, [] raises UnknownProcedure (a LookupError), local codes work."""
        view = a_catalog().as_of(D(2020, 1, 1))

        assert view["1.000001.H38"].name == "Đăng ký kết hôn"
        assert view.get("1.999999") is None
        assert view.get("not a code", "x") == "x"
        assert "1.000001" in view
        with pytest.raises(LookupError):
            view["1.999999"]
        with pytest.raises(UnknownProcedure, match="in force on 01/01/2020"):
            view["1.999999"]

    def test_a_code_at_several_levels_gives_the_highest_level(self) -> None:
        """view[code] is the version at the highest level (lowest rank); versions() has all."""
        view = a_catalog().as_of(D(2020, 1, 1))

        assert view["2.000010"].level == "province"
        assert view["1.000003"].level == "district"
        assert view.get("1.000003", level="commune").level == "commune"  # type: ignore[union-attr]
        assert [p.level for p in view.versions("2.000010")] == ["province", "district"]

    def test_search_ranks_by_similarity_then_code(self) -> None:
        """Search on the match key; equal scores are ordered by code; a code finds itself."""
        view = a_catalog().as_of(D(2020, 1, 1))

        hits = view.search("dang ky ket hon", limit=2)
        by_code = view.search("2.000010")

        assert [(h.code, h.score) for h in hits] == [("1.000001", 100.0), ("1.000002", 100.0)]
        assert by_code[0].code == "2.000010"
        assert view.search("   ") == []

    def test_entries_carry_applied_time_and_decisions(self) -> None:
        """An InForce record has the applied time, its cut decision and the announcing one."""
        catalog = a_catalog()
        record = catalog.as_of(D(2022, 1, 1)).record("2.000010", level="district")

        assert record is not None
        assert ("10 ngày", "30/QĐ-UBND", "10/QĐ-UBND", D(2019, 1, 2)) == (
            record.processing_time.text,
            record.cut_decision.number,  # type: ignore[union-attr]
            record.decision.number,
            record.since,
        )

    def test_views_are_cached_and_accept_datetimes(self) -> None:
        """The same date gives the same view; a datetime is read as its date."""
        catalog = a_catalog()

        assert catalog.as_of(D(2020, 1, 1)) is catalog.as_of(D(2020, 1, 1))
        assert catalog.as_of(datetime(2020, 1, 1, 9, 30)).date == D(2020, 1, 1)
        with pytest.raises(TypeError):
            catalog.as_of("2020-01-01")  # type: ignore[arg-type]

    def test_desks_open_on_the_date(self) -> None:
        """view.desks() lists the desks open that day."""
        catalog = a_catalog()

        assert [d.id for d in catalog.as_of(D(2025, 6, 30)).desks()] == ["huyen", "xa-a", "xa-b"]
        assert [d.id for d in catalog.as_of(D(2025, 7, 1)).desks()] == ["xa-ab"]


class TestCatalog:
    def test_history_lists_every_version_with_its_decision(self) -> None:
        """history() gives the versions in time order with the decision of each."""
        catalog = a_catalog()

        assert [(v.level, v.decision.number, v.kind) for v in catalog.history("2.000010")] == [
            ("province", "10/QĐ-UBND", EntryKind.NEW),
            ("district", "10/QĐ-UBND", EntryKind.NEW),
            ("district", "30/QĐ-UBND", EntryKind.CUT),
        ]
        with pytest.raises(UnknownProcedure):
            catalog.history("1.999999")

    def test_lineage_follows_the_chain_both_ways(self) -> None:
        """lineage() of the middle code shows what it replaced and what replaced it."""
        lineage = a_catalog().lineage("1.000005")

        assert lineage.predecessors == ("1.000001",)
        assert lineage.successors == ("1.000006",)
        assert a_catalog().lineage("1.000006").predecessors == ("1.000001", "1.000005")

    def test_changes_count_per_level_and_per_code(self) -> None:
        """changes() counts (code, level) pairs and distinct codes per kind, in the period."""
        catalog = a_catalog()

        changes = catalog.changes(D(2019, 1, 1), D(2020, 12, 31))

        assert (changes.per_level[EntryKind.NEW], changes.per_code[EntryKind.NEW]) == (6, 4)
        assert (changes.per_level[EntryKind.REPLACED], changes.per_code[EntryKind.REPLACED]) == (
            1,
            1,
        )
        assert changes.per_code[EntryKind.CUT] == 0
        assert changes.codes(EntryKind.NEW) == ("1.000001", "1.000002", "1.000003", "2.000010")
        assert list(changes.pairs(EntryKind.NEW))[2:4] == [
            ("1.000003", "district"),
            ("1.000003", "commune"),
        ]

    def test_desks_and_decisions_by_identity(self) -> None:
        """desk() raises UnknownDesk; decision() finds a decision by its identity."""
        catalog = a_catalog()
        key = DecisionKey("Chủ tịch UBND tỉnh Mẫu", "20/QĐ-UBND", D(2020, 6, 1))

        assert catalog.desk("huyen").id == "huyen"
        with pytest.raises(UnknownDesk):
            catalog.desk("nowhere")
        assert key == catalog.decision(key).key
        assert [key] == [d.key for d in catalog.find_decisions("20/qđ-ubnd")]
        with pytest.raises(LookupError):
            catalog.decision(DecisionKey("x", "1", D(2020, 1, 1)))

    def test_catalogues_compare_by_unit_and_decisions(self) -> None:
        """Equality ignores the order decisions were given in."""
        first = decision("1/QĐ-UBND", D(2020, 1, 1), new("1.000001"))
        second = decision("2/QĐ-UBND", D(2021, 1, 1), amended("1.000001", name="x"))

        assert Catalog(unit(), [first, second]) == Catalog(unit(), [second, first])
        assert Catalog(unit(), [first]) != Catalog(unit(), [first, second])

    def test_transfer_history_in_a_loaded_folder(self, tmp_path: Path) -> None:
        """A catalogue folder through the 2025 reform loads and answers by date."""
        write_folder(
            tmp_path,
            unit(),
            [
                decision("1/QĐ-UBND", D(2019, 1, 2), new("1.000001")),
                decision(
                    "2/QĐ-UBND", D(2025, 7, 1), transferred("1.000001", ["district"], ["commune"])
                ),
            ],
        )

        catalog = load_catalog(tmp_path)

        assert [p.code for p in catalog.as_of(D(2025, 6, 30)).procedures(desk="huyen")] == [
            "1.000001"
        ]
        assert [p.code for p in catalog.as_of(D(2025, 7, 1)).procedures(desk="xa-ab")] == [
            "1.000001"
        ]
        assert (
            catalog.sources[catalog.decisions[1].key] == "decisions/2025/2025-07-01_2-qd-ubnd.toml"
        )


def test_the_1766_folder_replays(tmp_path: Path) -> None:
    """QĐ 1766 (every row) and its baseline, written as a folder, load and replay."""
    from tests.catalog_helpers import decision_1766

    the_decision, _ = decision_1766()
    write_folder(tmp_path, unit(), [baseline_1766(), the_decision])

    catalog = load_catalog(tmp_path)

    assert catalog.changes(D(2020, 8, 3), D(2020, 8, 3)).per_code[EntryKind.AMENDED] == 50
    assert Catalog(unit(), [baseline_1766(), the_decision]) == catalog
