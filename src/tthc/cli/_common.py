"""Helpers shared by the command modules: dates, the catalogue, output."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tthc.catalog import Catalog

__all__ = ["dump_json", "emit", "load", "parse_date", "today"]


def parse_date(text: str) -> date:
    """Read a date given as ``YYYY-MM-DD`` or ``dd/mm/yyyy``.

    >>> parse_date("31/12/2019"), parse_date("2019-12-31")
    (datetime.date(2019, 12, 31), datetime.date(2019, 12, 31))

    Raises:
        argparse.ArgumentTypeError: the text is neither (a usage error, exit 2).
    """
    value = text.strip()
    try:
        if "/" in value:
            day, month, year = (int(part) for part in value.split("/"))
            return date(year, month, day)
        return date.fromisoformat(value)
    except (ValueError, OverflowError):  # 31/12/99999999999999999999 overflows
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r} (expected YYYY-MM-DD or dd/mm/yyyy)"
        ) from None


def today() -> date:
    """Today's date in Vietnam (UTC+7), the default for ``--as-of``."""
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone(timedelta(hours=7))).date()


def load(args: argparse.Namespace) -> Catalog:
    """Load the catalogue named by ``--catalog`` (or $TTHC_CATALOG, or the example)."""
    from tthc.catalog import load_catalog, resolve_catalog_path

    return load_catalog(resolve_catalog_path(getattr(args, "catalog", None)))


def dump_json(data: Any) -> str:
    """Deterministic, readable JSON (sorted keys, UTF-8 kept, dates as ISO text)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"


def emit(text: str, output: str | None, *, force: bool = False) -> None:
    """Print *text*, or write it atomically to *output* (refusing to overwrite without force)."""
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    from tthc._io import atomic_write

    atomic_write(output, text.encode("utf-8"), force=force)
