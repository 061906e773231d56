"""Tests for ``tthc due`` and :func:`tthc.dossiers.appointment` on the example catalogue."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from tthc.catalog import load_catalog, resolve_catalog_path
from tthc.cli import main
from tthc.dossiers import DeskNotOpen, appointment
from tthc.errors import InvalidCode, UnknownDesk, UnknownProcedure
from tthc.workdays import UncomputableTime

EXAMPLE = load_catalog(resolve_catalog_path())
COMMUNE = "xa-tung-lam"


def due(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``tthc due`` with *args*; return the exit code, stdout and stderr."""
    code = main(["due", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestGolden:
    """Appointments and their reasoning around Tết, swapped Saturdays and local days off."""

    def test_tet_2026(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Friday 13/2/2026 16:30, one working day: Tết 14/2–22/2 is skipped day by day."""
        code, out, err = due(capsys, "2.000908", "--received", "2026-02-13 16:30",
                             "--desk", COMMUNE)
        lines = out.splitlines()

        assert (0, "") == (code, err)
        assert "appointment: 23/02/2026 17:30 (Thứ Hai)" == lines[0]
        assert "processing time: 1 Ngày làm việc (statutory)" in lines
        assert "start: received in office hours" in lines
        skipped = [line for line in lines if line.startswith("skipped: ")]
        assert [f"{d:02d}/02/2026" for d in range(14, 23)] == [s[9:19] for s in skipped]
        assert "skipped: 16/02/2026 (Thứ Hai): Giao thừa Tết Nguyên Đán" in lines
        assert "skipped: 21/02/2026 (Thứ Bảy): weekend" in lines
        assert "due: 23/02/2026 17:30 (Thứ Hai)" == lines[-1]

    def test_tet_2025(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Friday 24/1/2025, one working day: Tết 25/1–2/2/2025, back on Monday 3/2."""
        code, out, _ = due(capsys, "2.000908", "--received", "24/01/2025 16:00",
                           "--desk", COMMUNE)

        assert 0 == code
        assert out.startswith("appointment: 03/02/2025 17:30 (Thứ Hai)\n")
        assert 9 == sum(1 for line in out.splitlines() if line.startswith("skipped: "))

    def test_swapped_saturday(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Saturday 26/4/2025 was worked for Friday 2/5: a one-day time ends on it."""
        code, out, _ = due(capsys, "2.000908", "--received", "2025-04-25 09:00",
                           "--desk", COMMUNE)

        assert 0 == code
        assert out.startswith("appointment: 26/04/2025 17:30 (Thứ Bảy)\n")
        assert "worked: 26/04/2025 (Thứ Bảy): ngày làm bù cho ngày nghỉ 02/05/2025" in out

    def test_swapped_day_off(self, capsys: pytest.CaptureFixture[str]) -> None:
        """30/4–4/5/2025 off, Friday 2/5 by the swap: two days from 29/4 end on 6/5."""
        code, out, _ = due(capsys, "1.004845", "--received", "2025-04-29 09:00",
                           "--desk", COMMUNE)

        assert 0 == code
        assert out.startswith("appointment: 06/05/2025 17:30 (Thứ Ba)\n")
        assert "skipped: 02/05/2025 (Thứ Sáu): Ngày nghỉ (thay cho ngày 26/04/2025)" in out

    def test_local_day_off(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The unit's own day off (3/9/2019) is skipped with the reason its file gives."""
        code, out, _ = due(capsys, "2.000908", "--received", "2019-08-30 10:00",
                           "--desk", COMMUNE)
        note = EXAMPLE.unit.calendar[0]

        assert 0 == code
        assert out.startswith("appointment: 04/09/2019 17:30 (Thứ Tư)\n")
        assert f"skipped: 03/09/2019 (Thứ Ba): {note.reason}" in out


class TestProcessingTime:
    """Which time is used: applied after a cut, or statutory; per channel."""

    def test_cut_time_from_its_effective_date(self, capsys: pytest.CaptureFixture[str]) -> None:
        """From 1/10/2019 the district counts 1.001266 with the cut time, 4 days."""
        code, out, _ = due(capsys, "1.001266", "--received", "2019-10-01 10:00",
                           "--desk", "huyen")

        assert 0 == code
        assert out.startswith("appointment: 05/10/2019 11:30 (Thứ Bảy)\n")
        assert (
            "processing time: 04 ngày làm việc (applied after the cut by 664/QĐ-UBND of "
            "16/09/2019; statutory: 05 ngày làm việc)"
        ) in out
        assert "Saturday mornings worked; receipts after 16:30 count from the next" in out

    def test_statutory_time_before_the_cut(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Before 1/10/2019 the statutory 5 days apply."""
        code, out, _ = due(capsys, "1.001266", "--received", "2019-09-27 10:00",
                           "--desk", "huyen")

        assert 0 == code
        assert out.startswith("appointment: 03/10/2019 17:30 (Thứ Năm)\n")
        assert "processing time: 05 ngày làm việc (statutory)" in out

    def test_catalogue_date(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--as-of picks the catalogue date: the statutory time of 30/9/2019."""
        code, out, _ = due(capsys, "1.001266", "--received", "2019-10-01 10:00",
                           "--desk", "huyen", "--as-of", "2019-09-30")

        assert 0 == code
        assert out.startswith("appointment: 07/10/2019 17:30 (Thứ Hai)\n")
        assert "(statutory)" in out

    def test_cut_off(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A receipt after the desk's cut-off counts from the next working day."""
        code, out, _ = due(capsys, "1.001266", "--received", "2019-10-01 16:45",
                           "--desk", "huyen")

        assert 0 == code
        assert "start: received after the cut-off 16:30; counted from the next working day" in out
        assert out.startswith("appointment: 07/10/2019 17:30 (Thứ Hai)\n")

    @pytest.mark.parametrize(
        ("channel", "first_line"),
        [
            ("online", "appointment: 11/03/2019 17:30 (Thứ Hai)"),
            ("in_person", "appointment: 06/03/2019 17:30 (Thứ Tư)"),
        ],
    )
    def test_channels(self, capsys: pytest.CaptureFixture[str], channel: str,
                      first_line: str) -> None:
        """Per-channel times: online 5 working days, in person 2 days."""
        code, out, _ = due(capsys, "1.009452", "--received", "2019-03-04 10:00",
                           "--desk", COMMUNE, "--channel", channel)

        assert 0 == code
        assert first_line == out.splitlines()[0]
        assert f"channel: {channel}" in out

    def test_no_channel_is_noted(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Without a channel, the note says which time was used."""
        code, out, _ = due(capsys, "1.009452", "--received", "2019-03-04 10:00",
                           "--desk", COMMUNE)

        assert 0 == code
        assert "channel: not given (the main time is used)" in out
        assert "note: no channel given; the in_person time is used" in out

    def test_without_desk(self, capsys: pytest.CaptureFixture[str]) -> None:
        """No desk: the civil-service calendar, the level where the procedure is in force."""
        code, out, _ = due(capsys, "2.000908.H38", "--received", "2026-02-13 16:30")

        assert 0 == code
        assert "level: Cấp xã (commune)" in out
        assert "desk: none given" in out
        assert out.startswith("appointment: 23/02/2026 17:30")

    def test_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--format json gives the same answer as data."""
        code, out, _ = due(capsys, "1.001266", "--received", "2019-10-01 10:00",
                           "--desk", "huyen", "--format", "json")
        data = json.loads(out)

        assert 0 == code
        assert "2019-10-05 11:30" == data["appointment"]
        assert {"used": "04 ngày làm việc", "source": "applied",
                "statutory": "05 ngày làm việc", "cut_decision": "664/QĐ-UBND"} == (
            data["processing_time"])
        assert "huyen" == data["desk"]
        assert [] == data["skipped"]  # Saturday 5/10 is worked in the morning at this desk
        code, out, _ = due(capsys, "2.000908", "--received", "2026-02-13 16:30",
                           "--desk", COMMUNE, "--format", "json")
        skipped = json.loads(out)["skipped"]
        assert {"day": "2026-02-17", "reason": "Tết Nguyên Đán"} in skipped
        assert 9 == len(skipped)


class TestErrors:
    """Every error is one line on stderr and exit 2."""

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("1.001266", "--received", "2026-02-13 16:30", "--desk", "huyen"),
             "desk huyen (Bộ phận Một cửa UBND huyện Mẫu Lâm) closed on 30/06/2025"),
            (("1.999999", "--received", "2019-03-04 10:00"),
             "no procedure 1.999999 in force on 04/03/2019"),
            (("abc", "--received", "2019-03-04 10:00"), "abc"),
            (("2.000908", "--received", "2019-03-04 10:00", "--desk", "xa-khong-co"),
             "no desk 'xa-khong-co'"),
            (("1.001266", "--received", "2019-03-04 10:00", "--desk", COMMUNE),
             "no procedure 1.001266 in force at the commune level on 04/03/2019 "
             "(in force at the district level)"),
            (("1.013144", "--received", "2019-03-04 10:00", "--desk", COMMUNE),
             "no due date can be computed"),
            (("2.000908", "--received", "hôm qua"), "invalid date and time"),
            (("2.000908",), "--received"),
            (("2.000908", "--received", "2019-03-04 10:00", "--channel", "fax"), "invalid choice"),
        ],
    )
    def test_exit_2(self, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                    message: str) -> None:
        """Unknown or invalid codes, desks, dates; closed desks; uncomputable times."""
        code, out, err = due(capsys, *args)

        assert 2 == code
        assert "" == out
        assert message in err
        assert "Traceback" not in err

    def test_closed_desk_points_to_the_communes(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The message says where the procedure went and which desks are open."""
        _, _, err = due(capsys, "1.001266", "--received", "2026-02-13 16:30", "--desk", "huyen")

        assert "1.001266 is in force at the commune level" in err
        assert COMMUNE in err


class TestAppointmentApi:
    """The library function behind ``tthc due``."""

    def test_fields(self) -> None:
        """The record, the desk, the time used and the Due with its reasoning."""
        found = appointment(EXAMPLE, "1.001266", datetime(2019, 10, 1, 10, 0), desk="huyen")

        assert found.cut
        assert "04 ngày làm việc" == found.processing_time.text
        assert datetime(2019, 10, 5, 11, 30) == found.due.at
        assert "huyen" == found.as_dict()["desk"]

    def test_errors(self) -> None:
        """Each failure is its own exception (all TthcError, all builtins too)."""
        moment = datetime(2026, 2, 13, 16, 30)
        with pytest.raises(DeskNotOpen):
            appointment(EXAMPLE, "1.001266", moment, desk="huyen")
        with pytest.raises(UnknownDesk):
            appointment(EXAMPLE, "1.001266", moment, desk="nowhere")
        with pytest.raises(InvalidCode):
            appointment(EXAMPLE, "1.0012", moment)
        with pytest.raises(UnknownProcedure):
            appointment(EXAMPLE, "1.001266", datetime(2015, 1, 5, 9, 0))
        with pytest.raises(UncomputableTime):
            appointment(EXAMPLE, "1.013144", datetime(2019, 3, 4, 9, 0), desk=COMMUNE)

    def test_catalogue_date_is_a_parameter(self) -> None:
        """as_of chooses the procedure version; the receipt moment stays."""
        found = appointment(EXAMPLE, "1.001266", datetime(2019, 10, 1, 10, 0), desk="huyen",
                            as_of=date(2019, 9, 30))

        assert not found.cut
        assert datetime(2019, 10, 7, 17, 30) == found.due.at
