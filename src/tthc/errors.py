"""Exceptions raised by tthc.

Exceptions are for misuse and unusable input; what an audit discovers in a
listing is reported as data (:class:`tthc.audit.Finding`), never raised.
Every exception derives from :class:`TthcError` and from the builtin that
fits, so callers may catch either:

>>> from tthc import codes
>>> try:
...     codes.validate("10.005090")
... except ValueError as exc:
...     print(type(exc).__name__, exc.code)
InvalidCodeLength invalid-code-length
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "CatalogDataError",
    "InputError",
    "InvalidCode",
    "InvalidCodeFormat",
    "InvalidCodeLength",
    "LifecycleError",
    "LimitExceeded",
    "Problem",
    "TthcError",
    "UnknownDesk",
    "UnknownProcedure",
]


class TthcError(Exception):
    """Root of every exception tthc raises on purpose."""

    #: A stable kebab-case code, shared with findings in reports.
    code: str = "tthc-error"
    #: The default message, used when the exception is raised bare.
    message: str = "tthc error"

    def __init__(self, message: str | None = None) -> None:
        self.detail = message or self.message
        super().__init__(self.detail)

    def __str__(self) -> str:
        return self.detail


class InvalidCode(TthcError, ValueError):
    """A procedure code that cannot be read as a national code."""

    code = "invalid-code"
    message = "invalid procedure code"


class InvalidCodeFormat(InvalidCode):
    """The code does not have the shape ``d.dddddd`` (plus a local suffix)."""

    code = "invalid-code-format"
    message = "the procedure code does not have the form d.dddddd"


class InvalidCodeLength(InvalidCodeFormat):
    """The code has the right shape but the wrong number of digits."""

    code = "invalid-code-length"
    message = "the procedure code must have one digit, a dot and six digits"


class UnknownProcedure(TthcError, LookupError):
    """No procedure with this code in the catalogue (at that date)."""

    code = "unknown-procedure"
    message = "no such procedure in the catalogue"

    def __init__(self, key: str, message: str | None = None) -> None:
        self.key = key
        super().__init__(message or f"no procedure {key!r} in the catalogue")


class UnknownDesk(TthcError, LookupError):
    """No one-stop desk with this identifier."""

    code = "unknown-desk"
    message = "no such desk in the catalogue"

    def __init__(self, key: str, message: str | None = None) -> None:
        self.key = key
        super().__init__(message or f"no desk {key!r} in the catalogue")


@attrs.frozen(kw_only=True)
class Problem:
    """One problem found while loading or checking input.

    ``source`` names the file, ``path`` the position inside it (a key path
    such as ``$.entries[4].code``, or ``row 12``).
    """

    source: str
    path: str
    message: str
    code: str = "invalid-data"
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.source}: {self.path}" if self.path else self.source
        return f"{where}: {self.message}"


class _ProblemsError(TthcError):
    """An error carrying every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem], message: str | None = None) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        head = message or self.message
        lines = [head, *(f"  {p}" for p in self.problems)]
        super().__init__("\n".join(lines))


class CatalogDataError(_ProblemsError, ValueError):
    """A catalogue folder (or one of its files) has invalid content."""

    code = "invalid-catalog"
    message = "the catalogue has problems"


class LifecycleError(_ProblemsError, ValueError):
    """Replaying the decisions found impossible transitions."""

    code = "invalid-lifecycle"
    message = "the decisions cannot be replayed"


class InputError(_ProblemsError, ValueError):
    """An input file (listing, appendix, dossier log) cannot be used."""

    code = "invalid-input"
    message = "the input cannot be used"


class LimitExceeded(InputError):
    """An input is larger than the configured limits allow."""

    code = "limit-exceeded"
    message = "the input exceeds a configured limit"
