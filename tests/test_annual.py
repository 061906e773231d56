"""The yearly report computed from the example catalogue, through the API and the CLI."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tthc.annual import (
    AnnualReport,
    annual_report,
    render_markdown,
    render_text,
    to_dict,
    vn_number,
)
from tthc.catalog import load_catalog
from tthc.cli import main


@pytest.fixture(name="report", scope="module")
def _report() -> AnnualReport:
    return annual_report(load_catalog(), 2019)


def test_cli_json_gives_the_2019_figures(capsys: pytest.CaptureFixture[str]) -> None:
    """`tthc report --year 2019 --format json` gives the report's figures."""
    assert 0 == main(["report", "--year", "2019", "--format", "json"])
    data = json.loads(capsys.readouterr().out)

    assert {"new": 37, "amended": 37, "replaced": 27, "repealed": 33} == {
        k: data["changes"][k]["pairs"] for k in ("new", "amended", "replaced", "repealed")
    }
    assert 445 == data["in_force"]["end"]["total"]
    assert 441 == data["in_force"]["start"]["total"]
    assert 17 == data["cuts"]["count"]
    assert 5 == len(data["cuts"]["field_keys"])
    assert (260, 244) == (
        data["online_level_3_4"]["end"],
        data["online_level_3_4"]["previous_year_end"],
    )
    assert 267 == data["postal"]["end"]


def test_online_change_is_recomputed(report: AnnualReport) -> None:
    """The change on the previous year is recomputed: 16/244 = 6.56 % (the report truncates)."""
    assert Decimal("6.56") == report.online_change_percent


def test_text_is_a_vietnamese_paragraph_with_computed_numbers(report: AnnualReport) -> None:
    """The paragraph carries each computed figure in Vietnamese number style."""
    text = render_text(report)

    for fragment in ("37 thủ tục mới ban hành", "33 thủ tục bị bãi bỏ, hủy bỏ", "445 thủ tục",
                     "17 thủ tục", "260 thủ tục", "tăng 6,56%", "267 thủ tục"):
        assert fragment in text


def test_other_year_other_figures() -> None:
    """Another year gives its own figures (nothing is fixed to 2019)."""
    report = annual_report(load_catalog(), 2018)
    data = to_dict(report)

    assert 441 == data["in_force"]["end"]["total"]
    assert 244 == data["online_level_3_4"]["end"]
    assert 0 == data["cuts"]["count"]


def test_markdown_has_a_row_per_cut(report: AnnualReport) -> None:
    """The Markdown form lists every cut reaching the threshold."""
    text = render_markdown(report)

    assert 17 == sum(1 for line in text.splitlines() if line.startswith(("| 1.", "| 2.")))


def test_bad_year_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An implausible year exits with 2 and a message."""
    assert 2 == main(["report", "--year", "1800"])
    assert "implausible year" in capsys.readouterr().err


@pytest.mark.parametrize(("value", "places", "expected"), [
    (0, 0, "0"), (1234567, 0, "1.234.567"), (Decimal("99.99"), 2, "99,99"),
])
def test_vn_number(value: int | Decimal, places: int, expected: str) -> None:
    """Numbers use dots between thousands and a decimal comma."""
    assert expected == vn_number(value, places)


def test_dossier_figures_from_the_example_log(capsys: pytest.CaptureFixture[str]) -> None:
    """With --dossiers, the report quotes the log's received counts and on-time rate."""
    log = Path(__file__).resolve().parents[1] / "catalog" / "dossiers-2019.csv"
    assert 0 == main(["report", "--year", "2019", "--format", "json", "--dossiers", str(log)])
    data = json.loads(capsys.readouterr().out)["dossiers"]

    assert 54599 == data["received"]
    assert {"district": 10289, "commune": 44310} == data["received_by_level"]
    assert "99.99" == data["on_time_rate_percent"]


def test_posting_figures_from_the_example_listings(capsys: pytest.CaptureFixture[str]) -> None:
    """With --listings, the report quotes the audit of the desks' listings on 31 December."""
    assert 0 == main(["report", "--year", "2019", "--format", "json", "--listings"])
    posting = json.loads(capsys.readouterr().out)["posting"]

    assert 445 == posting["required"]
    assert 16 == posting["desks"]
    assert posting["posted_postings"] < posting["required_postings"]
    assert posting["errors"] > 0
    assert not posting["valid"]
