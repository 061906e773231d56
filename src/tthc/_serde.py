"""The private cattrs converter for catalogue files (TOML) and JSON output.

One converter (un)structures every record. Catalogue files keep texts as
people write them: a processing time or a fee is stored as its verbatim
text and parsed on load, a field as its display name, an online service as
"Mức độ 3" or "Toàn trình". Unknown keys are errors (``forbid_extra_keys``),
and every problem is reported with its key path (``$.entries[4].code``):

>>> from tthc.errors import CatalogDataError
>>> from tthc.desk import Desk
>>> try:
...     structure({"id": "xa-a", "nam": "UBND xã A", "level": "huyen"}, Desk, "unit.toml")
... except CatalogDataError as exc:
...     for problem in exc.problems:
...         print(problem)
unit.toml: $.name: required key missing
unit.toml: $.level: unknown level 'huyen' (known: commune, district, ...)
unit.toml: $.nam: unknown key (did you mean 'name'?)

Structuring first runs a fast converter that stops at the first problem; only
when it fails does the detailed converter run again to collect every problem
with its path, so valid files pay nothing for the error reporting.
"""

from __future__ import annotations

import difflib
import enum
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from tthc import codes
from tthc.decision import Decision, Entry, ProcedureContent
from tthc.desk import DayOverride, Desk, FeedbackAddress, OfficeHours, Unit
from tthc.errors import CatalogDataError, Problem, TthcError
from tthc.fees import Fee
from tthc.procedure import Field, Level, OnlineService, PostalService, Procedure
from tthc.proctime import ProcessingTime
from tthc.text import nfc

__all__ = [
    "converter",
    "fast_converter",
    "nfc",
    "problems_from",
    "structure",
    "unstructure",
]

T = TypeVar("T")


class DataError(TthcError, ValueError):
    """A value in a file that has the right type but an impossible content."""

    code = "invalid-value"
    message = "invalid value"


# --------------------------------------------------------------------------- texts

# --------------------------------------------------------------------------- hooks


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


def _time_text(value: time) -> str:
    return value.strftime("%H:%M") if not (value.second or value.microsecond) else value.isoformat()


def _text(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise DataError(f"expected text, got {type(value).__name__} {value!r}")
    return nfc(value)


def _texts(value: Any, _: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise DataError(f"expected a list of texts, got {type(value).__name__} {value!r}")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise DataError(f"item {index}: expected text, got {type(item).__name__} {item!r}")
    return tuple(map(nfc, value))


def _weekdays(value: Any, _: Any) -> tuple[int, ...]:
    if not isinstance(value, list | tuple):
        raise DataError(f"expected a list of weekdays (Monday = 0), got {value!r}")
    days = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 6:
            raise DataError(f"invalid weekday {item!r} (0 = Monday … 6 = Sunday)")
        if item in days:
            raise DataError(f"weekday {item} listed twice")
        days.append(item)
    return tuple(days)


def _decimal(value: Any, _: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise DataError(f"expected a number, got {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise DataError(f"invalid number {value!r}") from None


_NATIONAL_CODE = re.compile(r"\d\.\d{6}")


def _code(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise DataError(f"expected a procedure code as text, got {value!r}")
    if _NATIONAL_CODE.fullmatch(value) is None and not codes.is_local_id(value):
        if codes.is_valid(value):
            raise DataError(
                f'local code form "{value}": write the national code {codes.validate(value)}'
            )
        raise DataError(f'invalid code "{value}"')
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


def _lvl(value: Any, _: Any) -> str:
    return _level_key(value)


_LEVELS_SEEN: dict[tuple[Any, ...], tuple[str, ...]] = {}


def _levels(value: Any, _: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise DataError(f"expected a list of level keys, got {value!r}")
    try:
        return _LEVELS_SEEN[tuple(value)]
    except (KeyError, TypeError):
        pass
    if not value:
        raise DataError("expected at least one level")
    levels = tuple(_level_key(v) for v in value)
    if len(_LEVELS_SEEN) < 256:
        _LEVELS_SEEN[tuple(value)] = levels
    return levels


def _opt_levels(value: Any, _: Any) -> tuple[str, ...]:
    return () if not value else _levels(value, None)


# Texts repeat a lot across a catalogue ("05 ngày làm việc", "Miễn phí", "Hộ tịch"):
# each distinct text, as written, is normalised and parsed once.


@lru_cache(maxsize=16384)
def _parse_time_text(raw: str) -> ProcessingTime:
    from tthc.proctime import parse_processing_time

    return parse_processing_time(nfc(raw))


@lru_cache(maxsize=16384)
def _parse_fee_text(raw: str) -> Fee:
    from tthc.feeparse import parse_fee

    return parse_fee(nfc(raw))


def _processing_time(value: Any, _: Any) -> ProcessingTime:
    if not isinstance(value, str):
        raise DataError(f"expected text, got {type(value).__name__} {value!r}")
    try:
        return _parse_time_text(value)
    except (ValueError, LookupError) as exc:
        raise DataError(f"unreadable processing time {value!r}: {exc}") from None


def _fee(value: Any, _: Any) -> Fee:
    if not isinstance(value, str):
        raise DataError(f"expected text, got {type(value).__name__} {value!r}")
    try:
        return _parse_fee_text(value)
    except (ValueError, LookupError) as exc:
        raise DataError(f"unreadable fee {value!r}: {exc}") from None


@lru_cache(maxsize=4096)
def _field_of(raw: str) -> Field:
    text = nfc(raw)
    if not text:
        raise DataError("empty field name")
    return Field.of(text)


def _field(value: Any, _: Any) -> Field:
    if not isinstance(value, str):
        raise DataError(f"expected text, got {type(value).__name__} {value!r}")
    return _field_of(value)


@lru_cache(maxsize=256)
def _online_of(raw: str) -> OnlineService:
    return OnlineService.parse(nfc(raw))


def _online(value: Any, _: Any) -> OnlineService:
    if not isinstance(value, str):
        raise DataError(f"expected text, got {type(value).__name__} {value!r}")
    try:
        return _online_of(value)
    except ValueError as exc:
        raise DataError(str(exc)) from None


def _optional_converted_text(value: Any, _: Any) -> str | None:
    return None if value is None else _converted_text(value, None)


def _converted_text(value: Any, _: Any) -> str:
    """A text the record's own converter normalises: only its type is checked here."""
    if not isinstance(value, str):
        raise DataError(f"expected text, got {type(value).__name__} {value!r}")
    return value


@cache
def _members(cls: type[enum.Enum]) -> dict[Any, enum.Enum]:
    return {member.value: member for member in cls}


def _enum_hook(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return _members(cls)[value]
    except (KeyError, TypeError):
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


def _table_hook(inner: Callable[[Any, Any], T], cls: type) -> Callable[[Any, Any], T]:
    """Wrap a generated structure function so that a non-table value reads clearly."""

    def hook(value: Any, type_: Any) -> T:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise DataError(f"expected a table, got {type(value).__name__} {value!r}")
        return inner(value, type_)

    hook.__name__ = f"structure_{cls.__name__}"
    return hook


def _is_optional(type_: Any) -> bool:
    args = getattr(type_, "__args__", ())
    return (
        isinstance(type_, types.UnionType | typing._UnionGenericAlias)  # type: ignore[attr-defined]
        and len(args) == 2
        and type(None) in args
    )


def _optional_factory(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Structure ``X | None`` with the hook of ``X``, looked up once (TOML has no null)."""
    inner_type = next(arg for arg in type_.__args__ if arg is not type(None))
    inner = conv.get_structure_hook(inner_type)

    def hook(value: Any, _: Any) -> Any:
        return None if value is None else inner(value, inner_type)

    return hook


def configure_converter(conv: cattrs.Converter) -> None:
    """Teach *conv* the catalogue file format.

    - dates as TOML dates or ISO text, times as ``HH:MM``;
    - every text normalised to NFC (:func:`nfc`);
    - processing times and fees as their verbatim text, parsed on load (cached);
    - fields by name, online services as "Mức độ N" / "Toàn trình" / "Một phần";
    - enums by value, tuples as lists (a bare text where a list is due is an error);
    - codes checked to be national codes or local identifiers, levels known level keys;
    - unknown keys are errors; default values are left out when unstructuring.
    """
    conv.register_structure_hook(date, _date)
    conv.register_unstructure_hook(date, lambda d: d)
    conv.register_structure_hook(time, _time)
    conv.register_unstructure_hook(time, _time_text)
    conv.register_structure_hook(str, _text)
    conv.register_structure_hook_func(lambda t: t == tuple[str, ...], _texts)
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
    conv.register_structure_hook_factory(_is_optional, _optional_factory)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    specific: dict[type[Any], dict[str, Any]] = {
        Desk: {
            "level": override(struct_hook=_lvl),
            "working_week": override(struct_hook=_weekdays),
        },
        Entry: {
            "code": override(struct_hook=_code),
            "successor": override(struct_hook=_optional_code),
            "levels": override(struct_hook=_levels),
            "to_levels": override(struct_hook=_opt_levels),
            "name": override(struct_hook=_optional_converted_text),
        },
        Procedure: {"code": override(struct_hook=_code), "level": override(struct_hook=_lvl)},
        ProcedureContent: {"name": override(struct_hook=_optional_converted_text)},
        Decision: {
            "number": override(struct_hook=_converted_text),
            "issuer": override(struct_hook=_converted_text),
        },
    }
    # Leaves first: a generated function binds the hooks of its fields when it is made.
    records: tuple[type[Any], ...] = (
        FeedbackAddress,
        OfficeHours,
        DayOverride,
        PostalService,
        ProcedureContent,
        Entry,
        Procedure,
        Desk,
        Decision,
        Unit,
    )
    for cls in records:
        generated = make_dict_structure_fn(
            cls, conv, _cattrs_forbid_extra_keys=True, **specific.get(cls, {})
        )
        conv.register_structure_hook(cls, _table_hook(generated, cls))
        conv.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
        )


@cache
def converter() -> cattrs.Converter:
    """The detailed tthc converter (built once): collects every problem with its path."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    configure_converter(conv)
    return conv


@cache
def fast_converter() -> cattrs.Converter:
    """The fast tthc converter (built once): the same format, stops at the first problem."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=False)
    configure_converter(conv)
    return conv


# --------------------------------------------------------------------------- problems

_STRUCTURE_ERRORS = (
    cattrs.BaseValidationError,
    ForbiddenExtraKeysError,
    TthcError,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TthcError):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required key missing"
    if isinstance(exc, AttributeError | TypeError) and "items" in str(exc):
        return "expected a table"
    if isinstance(exc, ValueError | TypeError):
        return f"invalid value ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _unknown_keys(exc: ForbiddenExtraKeysError, source: str, path: str) -> list[Problem]:
    known = [a.name for a in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
    problems = []
    for key in sorted(exc.extra_fields):
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(known)})"
        problems.append(
            Problem(source=source, path=f"{path}.{key}", message=f"unknown key{hint}",
                    code="unknown-key")
        )
    return problems


def problems_from(exc: BaseException, source: str, path: str = "$") -> list[Problem]:
    """Flatten a cattrs structuring error into :class:`Problem` records with key paths."""
    if isinstance(exc, IterableValidationError):
        problems: list[Problem] = []
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            problems += problems_from(sub, source, f"{path}[{note.index!r}]")
        for sub in without:
            problems += problems_from(sub, source, path)
        return problems
    if isinstance(exc, ClassValidationError):
        problems = []
        with_class_notes, without = exc.group_exceptions()
        for sub, class_note in with_class_notes:
            problems += problems_from(sub, source, f"{path}.{class_note.name}")
        for sub in without:
            problems += problems_from(sub, source, path)
        return problems
    if isinstance(exc, ForbiddenExtraKeysError):
        return _unknown_keys(exc, source, path)
    code = exc.code if isinstance(exc, TthcError) else "invalid-data"
    if isinstance(exc, KeyError):
        code = "missing-key"
    return [Problem(source=source, path=path, message=_describe(exc), code=code)]


def structure(data: Mapping[str, Any], cls: type[T], source: str) -> T:
    """Build a *cls* from *data* read from *source*.

    Raises:
        CatalogDataError: with every problem found, each with its key path.
    """
    fast, detailed = fast_converter(), converter()
    try:
        return fast.structure(data, cls)
    except _STRUCTURE_ERRORS as fast_error:
        first = fast_error
    try:
        detailed.structure(data, cls)
    except _STRUCTURE_ERRORS as exc:
        problems = problems_from(exc, source)
    else:  # pragma: no cover - the two converters disagree: report the first error
        problems = problems_from(first, source)
    raise CatalogDataError(problems, f"{source}: invalid content")


def unstructure(obj: object) -> Any:
    """The plain-data form of a record (dicts, lists, text, dates), defaults left out."""
    return converter().unstructure(obj)
