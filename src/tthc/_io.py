"""Private file helpers: atomic writes and a TOML reader with a fast path.

:func:`atomic_write` writes a whole file or nothing: the data go to a
temporary file in the same folder, are flushed to disk, then renamed over
the target. It refuses to replace an existing file unless ``force=True``:

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a.txt", "xin chào\\n").read_text(encoding="utf-8")
'xin chào\\n'
>>> atomic_write(folder / "a.txt", b"again")
Traceback (most recent call last):
    ...
FileExistsError: [Errno 17] already exists (pass force=True to replace it): '...a.txt'
>>> atomic_write(folder / "a.txt", b"again", force=True).read_bytes()
b'again'

:func:`read_toml` reads TOML text exactly as :mod:`tomllib` does. Files in the
layout :func:`dump_toml` writes (the catalogue writer's output) take a fast
line-by-line path; anything else (comments aside) goes to :mod:`tomllib`, so
the fast path never changes a result, it only saves time:

>>> read_toml('number = "1766/QĐ-UBND"\\nsigned = 2020-08-03\\n')
{'number': '1766/QĐ-UBND', 'signed': datetime.date(2020, 8, 3)}
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import re
import secrets
import shutil
import tomllib
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from struct import error as struct_error
from typing import TYPE_CHECKING, Any

import tomli_w

if TYPE_CHECKING:
    from tthc.errors import LimitExceeded

__all__ = [
    "LIMITS",
    "TomlSyntaxError",
    "atomic_write",
    "atomic_write_many",
    "atomic_write_tree",
    "check_archive",
    "check_file_size",
    "dump_toml",
    "gc_paused",
    "input_limit",
    "limit_exceeded",
    "read_toml",
]


def atomic_write(path: str | os.PathLike[str], data: bytes | str, *, force: bool = False) -> Path:
    """Write *data* to *path* atomically; return the path written.

    Text is written as UTF-8, byte for byte (no newline translation). The
    parent folders are created when missing. The file is complete or absent:
    a temporary file in the same folder is written, flushed and synced, then
    renamed onto *path*. On any failure the temporary file is removed and an
    existing *path* is left as it was.

    Args:
        path: the file to write.
        data: the content, as bytes or text.
        force: replace an existing file; without it an existing file is an error.

    Raises:
        FileExistsError: *path* exists and *force* is false (``filename`` is set).
        IsADirectoryError: *path* is a folder.
        NotADirectoryError: a parent of *path* is a file.
        OSError: the folder cannot be created or written (``filename`` is *path*).
    """
    return atomic_write_many({path: data}, force=force)[0]


def atomic_write_many(
    files: Mapping[str | os.PathLike[str], bytes | str], *, force: bool = False
) -> list[Path]:
    """Write several files, each atomically as :func:`atomic_write` does.

    Without *force*, nothing is written if any of the files exists. Every
    temporary file is written first, then all are flushed to disk together
    (one ``sync`` for many files), then renamed into place: each file is
    complete or absent, though a crash may leave some files written and
    others not. A failure before the first rename leaves every target as it
    was, and removes the folders made for them; no temporary file is ever
    left behind.

    Returns:
        The paths written, in the order given.

    Raises:
        FileExistsError: a file exists and *force* is false (nothing is written).
        IsADirectoryError: a target is a folder (nothing is written).
        NotADirectoryError: a parent of a target is a file (nothing is written).
        OSError: a folder cannot be created or written; ``filename`` names the target.
    """
    planned = [
        (Path(path), data.encode("utf-8") if isinstance(data, str) else bytes(data))
        for path, data in files.items()
    ]
    for target, _ in planned:
        _check_target(target, force=force)
    temps: list[tuple[Path, Path]] = []
    created: list[Path] = []  # folders made for the files, removed again on a failure
    renamed = 0
    try:
        for target, payload in planned:
            with _naming(target):
                created += _make_parent(target)
                temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
                fd = os.open(temp, flags, 0o666)
                temps.append((temp, target))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                    handle.flush()
                    if len(planned) <= _SYNC_EACH:
                        os.fsync(handle.fileno())
        if len(planned) > _SYNC_EACH:
            _sync_all([temp for temp, _ in temps])
        for temp, target in temps:
            with _naming(target):
                if force:
                    os.replace(temp, target)
                else:
                    _rename_no_clobber(temp, target)
            renamed += 1
    finally:
        for temp, _ in temps[renamed:]:
            with contextlib.suppress(OSError):
                temp.unlink()
        if not renamed:
            for folder in reversed(created):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if still empty
    for folder in dict.fromkeys(target.parent for target, _ in planned):
        _sync_folder(folder)
    return [target for target, _ in planned]


#: Up to this many files, each is synced on its own; above, all at once.
_SYNC_EACH = 8


def atomic_write_tree(
    folder: str | os.PathLike[str], files: Mapping[str, bytes], *, replace: bool = False
) -> Path:
    """Write a whole folder of files at once: all of them, or the previous folder untouched.

    *files* maps ``/``-separated relative paths to their content. They are
    written into a new folder beside *folder* (``.<name>.new-<random>``),
    flushed to disk together, and the new folder then takes *folder*'s place:
    an existing *folder* is first renamed aside (``.<name>.old-<random>``) and
    removed once the new one is in place; if the new one cannot move in, the
    old one is put back. A failure at any step leaves *folder* as it was and
    no temporary folder behind.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> sorted(p.name for p in atomic_write_tree(root, {"a/b.txt": b"1"}).rglob("*"))
    ['a', 'b.txt']

    Raises:
        FileExistsError: *folder* exists and *replace* is false.
        NotADirectoryError: *folder* exists and is not a folder.
        ValueError: a relative path is absolute or climbs out with ``..``.
        OSError: the files cannot be written.
    """
    target = Path(folder)
    for name in files:
        parts = name.split("/")
        if not name or name.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"not a plain relative path inside the folder: {name!r}")
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", str(target))
        if not replace:
            raise FileExistsError(
                errno.EEXIST, "already exists (pass replace=True to replace it)", str(target)
            )
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(6)
    staging = parent / f".{target.name}.new-{token}"
    old = parent / f".{target.name}.old-{token}"
    try:
        _write_tree(staging, files)
        if target.exists():
            os.replace(target, old)
            try:
                os.replace(staging, target)
            except BaseException:
                os.replace(old, target)
                raise
        else:
            os.replace(staging, target)
        _sync_folder(parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return target


def _write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    """Write *files* under the new folder *root*, then flush them to disk together."""
    made: set[Path] = set()
    root.mkdir()
    written: list[Path] = []
    for name, data in files.items():
        path = root.joinpath(*name.split("/"))
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        with open(path, "wb") as handle:
            handle.write(data)
        written.append(path)
    _sync_all(written)


def _check_target(target: Path, *, force: bool) -> None:
    """Refuse a target that is a folder, lies under a file, or exists (without *force*)."""
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(target))
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", str(parent))
            break
    if not force and (target.exists() or target.is_symlink()):
        raise _exists(target)


def _make_parent(target: Path) -> list[Path]:
    """Create the folders of *target* that are missing; return them, outermost first."""
    missing = [folder for folder in target.parents if not folder.exists()][::-1]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        # A file where a folder of the path should be (created since the check).
        raise NotADirectoryError(
            errno.ENOTDIR, "a file is in the way of its folder", str(target)
        ) from None
    return missing


@contextlib.contextmanager
def _naming(target: Path) -> Iterator[None]:
    """Re-raise an OSError about a temporary file as one about *target* (what the user named)."""
    try:
        yield
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.filename is not None and os.fspath(exc.filename) == os.fspath(target):
            raise
        raise type(exc)(exc.errno, exc.strerror or str(exc), str(target)) from exc


def _sync_all(paths: list[Path]) -> None:
    """Flush the data of many written files to disk."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:  # pragma: no cover - platforms without sync()
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _exists(target: Path) -> FileExistsError:
    return FileExistsError(
        errno.EEXIST, "already exists (pass force=True to replace it)", str(target)
    )


def _rename_no_clobber(temp: Path, target: Path) -> None:
    """Move *temp* to *target*, failing if *target* appeared meanwhile."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise _exists(target) from None
    except OSError:
        # Hard links unsupported (some network or FAT file systems): check, then rename.
        if target.exists() or target.is_symlink():
            raise _exists(target) from None
        os.replace(temp, target)
        return
    temp.unlink()


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry of a renamed file, where the platform allows it."""
    if os.name != "posix":  # pragma: no cover - Windows has no directory fsync
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - unreadable folder: the rename still happened
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse directory fsync
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def gc_paused(*, collect: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while building many long-lived objects.

    Loading a large catalogue creates hundreds of thousands of records that
    all survive; the collector would scan them again and again as the heap
    grows, for nothing (a third of the load time). Reference counting still
    frees everything as usual; the collector's previous state is restored on
    exit. With *collect*, one full collection then runs, so the new objects
    are scanned once, now, rather than in several passes during the first
    queries.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            if collect:
                gc.collect()


# --------------------------------------------------------------------------- input limits

#: The input limits, by the environment variable that sets each, with their defaults:
#:
#: - ``TTHC_MAX_BYTES``: the largest input file (a listing, an appendix, a portal
#:   export, a dossier log, a catalogue file), and the largest total an XLSX or
#:   DOCX archive may unpack to (read from its directory before anything is
#:   unpacked): 256 MiB;
#: - ``TTHC_MAX_ROWS``: the most rows read from one file (all sheets or tables
#:   together): 1,048,576, Excel's own limit;
#: - ``TTHC_MAX_CELL_CHARS``: the longest cell, in characters: 32,767, Excel's own limit;
#: - ``TTHC_MAX_FILES``: the most decision files in a catalogue folder, and the
#:   most members in an XLSX or DOCX archive: 10,000.
#:
#: A value is a whole number, optionally followed by ``K``, ``M`` or ``G``
#: (binary multiples: ``TTHC_MAX_BYTES=512M``). Exceeding a limit raises
#: :class:`~tthc.errors.LimitExceeded`, whose message names the file, the
#: limit and the variable to raise it.
LIMITS: Mapping[str, int] = {
    "TTHC_MAX_BYTES": 256 * 2**20,
    "TTHC_MAX_ROWS": 1_048_576,
    "TTHC_MAX_CELL_CHARS": 32_767,
    "TTHC_MAX_FILES": 10_000,
}

_LIMIT_VALUE = re.compile(r"([0-9][0-9_]*)\s*([KMG]?)i?B?", re.IGNORECASE)
_MULTIPLE = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}


def input_limit(name: str) -> int:
    """The limit that environment variable *name* sets, else its default (:data:`LIMITS`).

    >>> input_limit("TTHC_MAX_CELL_CHARS") == LIMITS["TTHC_MAX_CELL_CHARS"]  # unless set
    True

    Raises:
        KeyError: *name* is not one of :data:`LIMITS`.
        InputError: the variable is set to something other than a positive number.
    """
    default = LIMITS[name]
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    match = _LIMIT_VALUE.fullmatch(raw)
    value = int(match.group(1).replace("_", "")) * _MULTIPLE[match.group(2).upper()] \
        if match else 0
    if value < 1:
        from tthc.errors import InputError, Problem

        problem = Problem(source=name, path="", code="invalid-limit",
                          message=f"{raw!r} is not a positive number (e.g. 1000, 512K, 300M)")
        raise InputError([problem], f"the environment variable {name}={raw!r} is not a limit")
    return value


def limit_exceeded(source: str, message: str, *, path: str = "") -> LimitExceeded:
    """A :class:`~tthc.errors.LimitExceeded` about *source*, with one problem."""
    from tthc.errors import LimitExceeded, Problem

    problem = Problem(source=source, path=path, code="limit-exceeded", message=message)
    where = f"{source}, {path}" if path else source
    return LimitExceeded([problem], f"{where}: {message}")


def check_file_size(path: str | os.PathLike[str], source: str | None = None,
                    *, max_bytes: int | None = None) -> int:
    """The size of the file at *path*, refused when over ``TTHC_MAX_BYTES`` (or *max_bytes*).

    The size is read from the file system, before anything is read.

    Raises:
        LimitExceeded: the file is larger than the limit.
        OSError: the file cannot be looked at (missing, no permission …).
    """
    limit = input_limit("TTHC_MAX_BYTES") if max_bytes is None else max_bytes
    size = os.stat(path).st_size
    if size > limit:
        raise limit_exceeded(source or os.fspath(path),
                             f"{size:,} bytes, over the limit of {limit:,} (TTHC_MAX_BYTES)")
    return size


def opendocument_type(path: str | os.PathLike[str]) -> str:
    """``"spreadsheet"``, ``"text"``, … for an OpenDocument file (its ``mimetype``), else ``""``.

    Never raises: a file that is no readable OpenDocument zip gives ``""``.

    >>> opendocument_type(__file__)
    ''
    """
    import zipfile
    import zlib

    try:
        with zipfile.ZipFile(path) as archive:
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace")
    except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error,
            ValueError, NotImplementedError):
        return ""
    if not mimetype.startswith("application/vnd.oasis.opendocument."):
        return ""
    return mimetype.rpartition(".")[2].strip()


def check_archive(path: str | os.PathLike[str], source: str | None = None,
                  *, max_bytes: int | None = None,
                  damaged: Callable[[str], Exception] | None = None) -> set[str]:
    """Look at the directory of an XLSX or DOCX (zip) file before anything is unpacked.

    Refuses an archive that is damaged, uses a compression tthc cannot read,
    has more members than ``TTHC_MAX_FILES`` or unpacks to more than
    ``TTHC_MAX_BYTES`` (or *max_bytes*) in total: a zip bomb is stopped
    here, by the sizes its directory gives. (Python's :mod:`zipfile` never
    unpacks a member past the size its directory gives.)

    Args:
        path: the file.
        source: its name in messages (default: *path*).
        max_bytes: the limit of the unpacked total (default: ``TTHC_MAX_BYTES``).
        damaged: makes the exception to raise for a damaged archive from the
            reason (default: an :class:`~tthc.errors.InputError`).

    Returns:
        The names of the members.

    Raises:
        InputError: the file is not a readable zip archive.
        LimitExceeded: too many members, or too large once unpacked.
        OSError: the file cannot be opened.
    """
    from tthc.errors import InputError, Problem

    where = source or os.fspath(path)

    def default(reason: str) -> Exception:
        problem = Problem(source=where, path="", code="invalid-input",
                          message=f"a damaged XLSX/DOCX (zip) file ({reason})")
        return InputError([problem], f"{where}: a damaged XLSX/DOCX (zip) file ({reason})")

    damaged = damaged or default

    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError,
            EOFError, OSError, UnicodeDecodeError, OverflowError, struct_error) as exc:
        raise damaged(f"{type(exc).__name__}: {exc}") from None
    max_members = input_limit("TTHC_MAX_FILES")
    if len(infos) > max_members:
        raise limit_exceeded(where, f"{len(infos):,} archive members, over the limit of "
                                    f"{max_members:,} (TTHC_MAX_FILES)")
    limit = input_limit("TTHC_MAX_BYTES") if max_bytes is None else max_bytes
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise limit_exceeded(where, f"unpacks to {total:,} bytes, over the limit of {limit:,} "
                                    "(TTHC_MAX_BYTES)")
    readable = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
    for info in infos:
        if info.compress_type not in readable:
            raise damaged(f"member {info.filename!r} uses compression method "
                          f"{info.compress_type}, which cannot be read")
        if info.flag_bits & 0x1:
            raise damaged(f"member {info.filename!r} is encrypted")
    return {info.filename for info in infos}


# --------------------------------------------------------------------------- TOML


class TomlSyntaxError(ValueError):
    """TOML text that cannot be parsed, with the line (1-based; 0 when unknown)."""

    def __init__(self, message: str, line: int) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line else message)


_LOCATION = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)\s*$")


def dump_toml(data: Mapping[str, Any]) -> str:
    """Write *data* as TOML, deterministically (key order as given)."""
    return tomli_w.dumps(data)


def read_toml(text: str) -> dict[str, Any]:
    """Parse TOML *text* as :func:`tomllib.loads` does.

    Raises:
        TomlSyntaxError: the text is not valid TOML; ``line`` tells where.
    """
    fast = _fast_toml(text)
    if fast is not None:
        return fast
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _LOCATION.search(message)
        line = 0
        if match:
            message = message[: match.start()]
            line = int(match.group(1)) if match.group(1) else text.count("\n") + 1
        raise TomlSyntaxError(message, line) from None


# The fast path accepts the subset of TOML that tomli_w writes for plain data,
# plus what people commonly type by hand: bare keys; basic strings without
# escapes; booleans; decimal integers; local dates; arrays of those (one item
# a line, or on one line); [table] and [[array.of.tables]] headers; blank and
# comment lines. It only accepts valid TOML, read as tomllib reads it; any
# other line sends the whole text to tomllib, which then gives the answer or
# the error message.

_BARE = r"[A-Za-z0-9_-]+"
_HEADER = re.compile(rf"(\[\[?)({_BARE}(?:\.{_BARE})*)(\]\]?)")
_KEY = re.compile(rf"({_BARE}) = (.*)")
_STR = r'"[^"\\\x00-\x08\x0a-\x1f\x7f]*"'
_STRING = re.compile(_STR)
_KEY_STRING = re.compile(rf'({_BARE}) = "([^"\\\x00-\x08\x0a-\x1f\x7f]*)"')
_ITEM_STRING = re.compile(r' *"([^"\\\x00-\x08\x0a-\x1f\x7f]*)",')
_WORD = r"[A-Za-z0-9_:.+-]+"
_INLINE_ARRAY = re.compile(rf"\[ *((?:(?:{_STR}|{_WORD}) *, *)*(?:{_STR}|{_WORD})?) *\]")
_ARRAY_ITEM = re.compile(rf"({_STR}|{_WORD}) *,? *")
_INTEGER = re.compile(r"[+-]?(?:0|[1-9](?:_?[0-9])*)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COMMENT = re.compile(r"#[^\x00-\x08\x0a-\x1f\x7f]*")


class _Reject(Exception):
    """The text leaves the fast path's subset."""


def _scalar(text: str) -> object:
    if text[:1] == '"':
        if _STRING.fullmatch(text):
            return text[1:-1]
        raise _Reject
    if text == "true":
        return True
    if text == "false":
        return False
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise _Reject from None
    if _INTEGER.fullmatch(text):
        return int(text.replace("_", ""))
    raise _Reject


def _value(text: str) -> object:
    if text[:1] == "[":
        match = _INLINE_ARRAY.fullmatch(text)
        if not match:
            raise _Reject
        return [_scalar(item) for item in _ARRAY_ITEM.findall(match.group(1))]
    return _scalar(text)


def _fast_toml(text: str) -> dict[str, Any] | None:
    """Parse *text* if it stays in the fast subset, else return ``None``."""
    if "\r" in text or "\\" in text:
        return None
    try:
        return _fast_parse(text.split("\n"))
    except _Reject:
        return None


def _fast_parse(lines: list[str]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    table = root
    # Arrays of tables made by [[...]] headers, by identity.
    arrays: set[int] = set()
    pending_key: str | None = None
    pending: list[object] = []
    key_string = _KEY_STRING.fullmatch
    item_string = _ITEM_STRING.fullmatch
    headers: dict[str, tuple[list[str], bool]] = {}
    for line in lines:
        if pending_key is not None:
            if line == "]":
                table[pending_key] = pending
                pending_key = None
                continue
            item = item_string(line)
            if item is not None:
                pending.append(item.group(1))
                continue
            stripped = line.strip()
            if stripped == "]":
                table[pending_key] = pending
                pending_key = None
            elif stripped.endswith(","):
                pending.append(_scalar(stripped[:-1]))
            else:
                raise _Reject
            continue
        # The most common line: key = "text".
        match = key_string(line)
        if match is not None:
            key, value = match.groups()
            if key in table:
                raise _Reject
            table[key] = value
            continue
        if not line:
            continue
        first = line[0]
        if first == "[":
            header = headers.get(line)
            if header is None:
                match = _HEADER.fullmatch(line)
                if not match or len(match.group(1)) != len(match.group(3)):
                    raise _Reject
                header = headers[line] = (match.group(2).split("."), match.group(1) == "[[")
            table = _open_table(root, header[0], header[1], arrays)
            continue
        if first == "#":
            if not _COMMENT.fullmatch(line):
                raise _Reject
            continue
        match = _KEY.fullmatch(line)
        if not match:
            raise _Reject
        key, value = match.groups()
        if key in table:
            raise _Reject
        if value == "[":
            pending_key, pending = key, []
        else:
            table[key] = _value(value)
    if pending_key is not None:
        raise _Reject
    return root


def _open_table(
    root: dict[str, Any], parts: list[str], array: bool, arrays: set[int]
) -> dict[str, Any]:
    current = root
    for part in parts[:-1]:
        child = current.get(part)
        if child is None:
            child = current[part] = {}
        elif isinstance(child, list):
            if id(child) not in arrays:
                raise _Reject
            child = child[-1]
        elif not isinstance(child, dict):
            raise _Reject
        current = child
    last = parts[-1]
    existing = current.get(last)
    new: dict[str, Any] = {}
    if array:
        if existing is None:
            existing = current[last] = []
            arrays.add(id(existing))
        elif not isinstance(existing, list) or id(existing) not in arrays:
            raise _Reject
        existing.append(new)
        return new
    if existing is not None:
        # Redefining a table, or defining one made implicitly: leave it to tomllib.
        raise _Reject
    current[last] = new
    return new
