"""The private cattrs converter for catalogue files (TOML) and JSON output.

One converter (un)structures every record. Catalogue files keep texts as
people write them: a processing time or a fee is stored as its verbatim
text and parsed on load, a field as its display name, an online service as
"Mức độ 3" or "Toàn trình". Unknown keys are errors (``forbid_extra_keys``),
and every problem is reported with its key path (``$.entries[4].code``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception as _cattrs_format_exception

from tthc import codes
from tthc.decision import Decision, Entry, ProcedureContent
from tthc.desk import DayOverride, Desk, FeedbackAddress, OfficeHours, Unit
from tthc.errors import Problem, TthcError
from tthc.fees import Fee
from tthc.procedure import Field, Level, OnlineService, PostalService, Procedure
from tthc.proctime import ProcessingTime
from tthc.text import nfc

__all__ = ["converter", "problems_from", "structure", "unstructure"]

T = TypeVar("T")


class DataError(TthcError, ValueError):
    """A value in a file that has the right type but an impossible content."""

    code = "invalid-value"
    message = "invalid value"


def _date(value: Any, _: Any) -> date:
    if isinstance(value, datetime):
        raise DataError(f"expected a date, got a date and time {value.isoformat()!r}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise DataError(f"invalid date {value!r} (expected YYYY-MM-DD)") from None
    raise DataError(f"expected a date, got {type(value).__name__} {value!r}")


def _time(value: Any, _: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            raise DataError(f"invalid time {value!r} (expected HH:MM)") from None
    raise DataError(f"expected a time, got {type(value).__name__} {value!r}")


def _text(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise DataError(f"expected text, got {type(value).__name__} {value!r}")
    return nfc(value)


def _decimal(value: Any, _: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise DataError(f"expected a number, got {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise DataError(f"invalid number {value!r}") from None


def _code(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise DataError(f"expected a procedure code as text, got {value!r}")
    if not codes.is_national(value):
        if codes.is_valid(value):
            raise DataError(
                f"local code form {value!r}: write the national code {codes.validate(value)}"
            )
        raise DataError(f"invalid code {value!r}")
    return value


def _optional_code(value: Any, _: Any) -> str | None:
    return None if value is None else _code(value, None)


def _level_key(value: Any) -> str:
    if not isinstance(value, str):
        raise DataError(f"expected a level key, got {value!r}")
    try:
        return Level.get(value).key
    except LookupError as exc:
        raise DataError(str(exc.args[0])) from None


def _levels(value: Any, _: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise DataError(f"expected a list of level keys, got {value!r}")
    if not value:
        raise DataError("expected at least one level")
    return tuple(_level_key(v) for v in value)


def _opt_levels(value: Any, _: Any) -> tuple[str, ...]:
    return () if not value else _levels(value, None)


def _processing_time(value: Any, _: Any) -> ProcessingTime:
    from tthc import proctime

    return proctime.parse_processing_time(_text(value, None))


def _fee(value: Any, _: Any) -> Fee:
    from tthc import feeparse

    return feeparse.parse_fee(_text(value, None))


def _field(value: Any, _: Any) -> Field:
    text = _text(value, None)
    if not text:
        raise DataError("empty field name")
    return Field.of(text)


def _online(value: Any, _: Any) -> OnlineService:
    try:
        return OnlineService.parse(_text(value, None))
    except ValueError as exc:
        raise DataError(str(exc)) from None


def _enum_hook(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in cls)
        raise DataError(f"invalid value {value!r} (one of {allowed})") from None


def _strict_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise DataError(f"expected true or false, got {value!r}")
    return value


def _strict_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataError(f"expected a whole number, got {value!r}")
    return value


def configure_converter(conv: cattrs.Converter) -> None:
    """Teach *conv* the catalogue file format.

    - dates as TOML dates or ISO text, times as ``HH:MM``;
    - every text normalised to NFC;
    - processing times and fees as their verbatim text, parsed on load;
    - fields by name, online services as "Mức độ N" / "Toàn trình" / "Một phần";
    - enums by value, tuples as lists;
    - codes checked to be national codes, levels to be known level keys.
    """
    conv.register_structure_hook(date, _date)
    conv.register_unstructure_hook(date, lambda d: d)
    conv.register_structure_hook(time, _time)
    conv.register_unstructure_hook(time, lambda t: t.strftime("%H:%M"))
    conv.register_structure_hook(str, _text)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(Decimal, _decimal)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(ProcessingTime, _processing_time)
    conv.register_unstructure_hook(ProcessingTime, lambda pt: pt.text)
    conv.register_structure_hook(Fee, _fee)
    conv.register_unstructure_hook(Fee, lambda fee: fee.text)
    conv.register_structure_hook(Field, _field)
    conv.register_unstructure_hook(Field, lambda f: f.name)
    conv.register_structure_hook(OnlineService, _online)
    conv.register_unstructure_hook(OnlineService, str)
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
    )
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    simple: tuple[type[Any], ...] = (
        FeedbackAddress,
        OfficeHours,
        DayOverride,
        PostalService,
        ProcedureContent,
        Decision,
        Unit,
    )
    for cls in simple:
        conv.register_structure_hook(
            cls, make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)
        )
    conv.register_structure_hook(
        Desk,
        make_dict_structure_fn(
            Desk, conv, _cattrs_forbid_extra_keys=True, level=override(struct_hook=_lvl)
        ),
    )
    conv.register_structure_hook(
        Entry,
        make_dict_structure_fn(
            Entry,
            conv,
            _cattrs_forbid_extra_keys=True,
            code=override(struct_hook=_code),
            successor=override(struct_hook=_optional_code),
            levels=override(struct_hook=_levels),
            to_levels=override(struct_hook=_opt_levels),
        ),
    )
    conv.register_structure_hook(
        Procedure,
        make_dict_structure_fn(
            Procedure,
            conv,
            _cattrs_forbid_extra_keys=True,
            code=override(struct_hook=_code),
            level=override(struct_hook=_lvl),
        ),
    )
    for cls in (*simple, Desk, Entry, Procedure):
        conv.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
        )


def _lvl(value: Any, _: Any) -> str:
    return _level_key(value)


@cache
def converter() -> cattrs.Converter:
    """The tthc converter (built once)."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    configure_converter(conv)
    return conv


def _format(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, TthcError):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required key missing"
    return _cattrs_format_exception(exc, type_)


def problems_from(exc: BaseException, source: str) -> list[Problem]:
    """Flatten a cattrs structuring error into :class:`Problem` records with key paths."""
    problems = []
    for line in cattrs.transform_error(exc, path="$", format_exception=_format):
        message, _, path = line.rpartition(" @ ")
        problems.append(Problem(source=source, path=path, message=message or line))
    return problems


def structure(data: Mapping[str, Any], cls: type[T], source: str) -> T:
    """Build a *cls* from *data* read from *source*.

    Raises:
        CatalogDataError: with every problem found, each with its key path.
    """
    from tthc.errors import CatalogDataError

    try:
        return converter().structure(data, cls)
    except (cattrs.BaseValidationError, TthcError, ValueError, TypeError, KeyError) as exc:
        raise CatalogDataError(problems_from(exc, source), f"{source}: invalid content") from None


def unstructure(obj: object) -> Any:
    """The plain-data form of a record (dicts, lists, text, dates)."""
    return converter().unstructure(obj)


Hook = Callable[[Any, Any], Any]
