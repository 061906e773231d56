"""Write docs/api.md, the Python API reference, from the modules' docstrings.

Usage: ``python scripts/gen_api_reference.py [--check]``. The page lists each
public module with the first paragraph of its docstring, then each name in
its ``__all__`` with the first line of that name's docstring. With ``--check``
it only compares (the tests do that) and exits 1 when the page is stale.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))

from _docgen import write_or_check  # noqa: E402

TARGET = REPO / "docs" / "api.md"

#: The public modules, in the order imports flow (text and codes first, the CLI last).
MODULES = (
    "tthc.text",
    "tthc.legacy",
    "tthc.codes",
    "tthc.errors",
    "tthc.proctime",
    "tthc.fees",
    "tthc.feeparse",
    "tthc.procedure",
    "tthc.decision",
    "tthc.desk",
    "tthc.lifecycle",
    "tthc.links",
    "tthc.workdays",
    "tthc.sectors",
    "tthc.catalog",
    "tthc.cuts",
    "tthc.listing",
    "tthc.matching",
    "tthc.posting",
    "tthc.audit",
    "tthc.dossiers",
    "tthc.importers",
    "tthc.posting_list",
    "tthc.render",
    "tthc.export",
    "tthc.site",
    "tthc.annual",
    "tthc.cli",
)


def _first_paragraph(doc: str | None) -> str:
    text = inspect.cleandoc(doc or "")
    paragraph = text.split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def _first_line(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def render() -> str:
    """The reference page."""
    parts = [
        "# Python API",
        "",
        "Generated from the docstrings by `scripts/gen_api_reference.py` (a test keeps it",
        "current). Each module's docstring opens with a doctested example; the full",
        "documentation of a name is its docstring (`help(tthc.catalog.Catalog)`).",
        "",
    ]
    for name in MODULES:
        module = importlib.import_module(name)
        parts += [f"## `{name}`", "", _first_paragraph(module.__doc__), ""]
        for public in sorted(getattr(module, "__all__", ())):
            obj = getattr(module, public, None)
            if obj is None or inspect.ismodule(obj):
                continue
            if inspect.isclass(obj):
                kind, summary = "class", _first_line(obj)
            elif inspect.isroutine(obj):
                kind, summary = "function", _first_line(obj)
            else:
                kind, summary = "data", ""
            parts.append(f"- `{public}` ({kind})" + (f": {summary}" if summary else ""))
        parts.append("")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) docs/api.md."""
    return write_or_check(TARGET, render(), argv, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
