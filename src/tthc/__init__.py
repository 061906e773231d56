"""tthc: keep a district's catalogue of administrative procedures (TTHC) true.

The public names are importable from the package; modules load on first use,
so ``import tthc`` stays light:

>>> import tthc
>>> tthc.codes.validate("1.004227.H12")
'1.004227'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from tthc import codes, text
    from tthc.audit import AuditReport, audit
    from tthc.catalog import Catalog, CatalogView, load_catalog
    from tthc.decision import Decision, Entry, EntryKind, ProcedureContent
    from tthc.desk import Desk, FeedbackAddress, Unit
    from tthc.errors import (
        CatalogDataError,
        InputError,
        InvalidCode,
        LifecycleError,
        TthcError,
        UnknownProcedure,
    )
    from tthc.fees import Fee
    from tthc.procedure import Field, Level, OnlineService, PostalService, Procedure
    from tthc.proctime import ProcessingTime
    from tthc.workdays import WorkCalendar

_LAZY = {
    "codes": ("tthc.codes", None),
    "text": ("tthc.text", None),
    "audit": ("tthc.audit", "audit"),
    "AuditReport": ("tthc.audit", "AuditReport"),
    "Catalog": ("tthc.catalog", "Catalog"),
    "CatalogView": ("tthc.catalog", "CatalogView"),
    "load_catalog": ("tthc.catalog", "load_catalog"),
    "Decision": ("tthc.decision", "Decision"),
    "Entry": ("tthc.decision", "Entry"),
    "EntryKind": ("tthc.decision", "EntryKind"),
    "ProcedureContent": ("tthc.decision", "ProcedureContent"),
    "Desk": ("tthc.desk", "Desk"),
    "FeedbackAddress": ("tthc.desk", "FeedbackAddress"),
    "Unit": ("tthc.desk", "Unit"),
    "CatalogDataError": ("tthc.errors", "CatalogDataError"),
    "InputError": ("tthc.errors", "InputError"),
    "InvalidCode": ("tthc.errors", "InvalidCode"),
    "LifecycleError": ("tthc.errors", "LifecycleError"),
    "TthcError": ("tthc.errors", "TthcError"),
    "UnknownProcedure": ("tthc.errors", "UnknownProcedure"),
    "Fee": ("tthc.fees", "Fee"),
    "ProcessingTime": ("tthc.proctime", "ProcessingTime"),
    "Field": ("tthc.procedure", "Field"),
    "Level": ("tthc.procedure", "Level"),
    "OnlineService": ("tthc.procedure", "OnlineService"),
    "PostalService": ("tthc.procedure", "PostalService"),
    "Procedure": ("tthc.procedure", "Procedure"),
    "WorkCalendar": ("tthc.workdays", "WorkCalendar"),
}

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("tthc")
        except PackageNotFoundError:  # running from a source tree
            return "0+unknown"
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'tthc' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
