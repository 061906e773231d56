"""Procedures (thủ tục hành chính) and their classifiers: level, field, online service.

A :class:`Procedure` is one version of one procedure at one level of
government, as an announcement decision set it (domain.md §3). Levels are
data with validity dates, not a closed enumeration, because the 2025 reform
ended the district level (domain.md §11):

>>> DISTRICT.name, DISTRICT.valid_to
('Cấp huyện', datetime.date(2025, 6, 30))
>>> Level.parse("Cấp Huyện") is DISTRICT
True
>>> Field.of("23-Lĩnh vực hộ tịch") == Field.of("LĨNH VỰC HỘ TỊCH") == Field.of("Hộ tịch")
True
>>> OnlineService.parse("Mức độ 4").is_level_3_or_4
True
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import date
from typing import ClassVar

import attrs

from tthc.fees import Fee
from tthc.proctime import ProcessingTime
from tthc.text import fold, nfc

__all__ = [
    "COMMUNE",
    "DISTRICT",
    "LEVELS",
    "PROVINCE",
    "Field",
    "Level",
    "OnlineMode",
    "OnlineService",
    "PostalService",
    "Procedure",
]


@attrs.frozen(kw_only=True)
class Level:
    """A level of government (cấp), with the period it existed in.

    ``key`` is the stable identifier used in catalogue files.
    """

    key: str
    name: str
    rank: int
    valid_from: date | None = None
    valid_to: date | None = None
    aliases: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)

    _registry: ClassVar[dict[str, Level]] = {}

    def exists_on(self, day: date) -> bool:
        """Tell whether this level of government existed on *day*."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @classmethod
    def register(cls, level: Level) -> Level:
        """Add *level* to the levels :meth:`parse` knows."""
        cls._registry[level.key] = level
        return level

    @classmethod
    def get(cls, key: str) -> Level:
        """Return the registered level with *key*.

        Raises:
            LookupError: no such level.
        """
        try:
            return cls._registry[key]
        except KeyError:
            known = ", ".join(sorted(cls._registry))
            raise LookupError(f"unknown level {key!r} (known: {known})") from None

    @classmethod
    def name_of(cls, key: str) -> str:
        """The Vietnamese name of the level with *key*, or *key* itself when none is known.

        >>> Level.name_of("commune"), Level.name_of("ward-x")
        ('Cấp xã', 'ward-x')
        """
        found = cls._registry.get(key)
        return key if found is None else found.name

    @classmethod
    def parse(cls, text: str) -> Level:
        """Read a level from its key or a Vietnamese spelling ("Cấp xã", "Xã", "huyện").

        Raises:
            LookupError: the text names no known level.
        """
        folded = fold(text).removeprefix("cap ").strip()
        for level in cls._registry.values():
            if folded == level.key or folded in level.aliases:
                return level
        raise LookupError(f"unknown level {text!r}")

    @classmethod
    def parse_many(cls, text: str) -> tuple[Level, ...]:
        """Read a list of levels ("Cấp huyện, Cấp xã"); unknown parts are skipped.

        >>> [lv.key for lv in Level.parse_many("Cấp tỉnh, Cấp xã, Cơ quan khác")]
        ['province', 'commune']
        """
        found: list[Level] = []
        for part in re.split(r"[,;/]| và ", text):
            try:
                level = cls.parse(part)
            except LookupError:
                continue
            if level not in found:
                found.append(level)
        return tuple(found)

    @classmethod
    def all(cls) -> tuple[Level, ...]:
        """Every registered level, highest first."""
        return tuple(sorted(cls._registry.values(), key=lambda lv: lv.rank))


PROVINCE = Level.register(
    Level(key="province", name="Cấp tỉnh", rank=1, aliases=("tinh", "thanh pho", "province"))
)
DISTRICT = Level.register(
    Level(
        key="district",
        name="Cấp huyện",
        rank=2,
        valid_to=date(2025, 6, 30),
        aliases=("huyen", "quan", "quan-huyen", "quan huyen", "district"),
    )
)
COMMUNE = Level.register(
    Level(key="commune", name="Cấp xã", rank=3, aliases=("xa", "phuong", "thi tran", "commune"))
)
LEVELS = (PROVINCE, DISTRICT, COMMUNE)

_FIELD_NUMBERING = re.compile(
    r"^\s*(?:[IVXLC]+|[A-Za-z]|\d+(?:\.\d+)*)\s*[.)\-–:/]\s*", re.IGNORECASE
)
_FIELD_PREFIX = re.compile(r"^(?:linh vuc|nhom)\s*:?\s*", re.IGNORECASE)
_FIELD_COUNT = re.compile(r"\s*\(\s*\d+\s*(?:tthc|thu tuc[^)]*)?\s*\)\s*$")
# A trailing "(Bộ Công Thương)" names the ministry, not a different field.
_FIELD_MINISTRY = re.compile(r"\s*\(\s*bo [^)]*\)\s*$")


def _field_parts(text: str) -> tuple[str, str]:
    """Split a field heading into (display name, key)."""
    name = nfc(text)
    # Drop numbering ("23-", "I.", "1.2."), the "Lĩnh vực" prefix and a count "(12 TTHC)".
    for _ in range(2):
        name = _FIELD_NUMBERING.sub("", name, count=1)
    folded = fold(name)
    match = _FIELD_PREFIX.match(folded)
    if match:
        name = name[len(match.group(0)) :] if len(name) >= match.end() else name
        name = _strip_prefix_words(name, 2)
    for pattern in (_FIELD_COUNT, _FIELD_MINISTRY):
        found = pattern.search(fold(name))
        if found:
            name = name[: found.start()]
    name = name.strip(" .:-–")
    if name.isupper() or (name and name == name.upper()):
        name = name[:1] + name[1:].lower()
    elif name[:1].islower():
        name = name[:1].upper() + name[1:]
    key = re.sub(r"[^0-9a-z]+", "-", fold(name)).strip("-")
    return name, key


def _strip_prefix_words(text: str, words: int) -> str:
    """Drop the first *words* words of *text* when they spell "Lĩnh vực"."""
    parts = text.split(" ", words)
    if len(parts) > words and fold(" ".join(parts[:words])) in ("linh vuc", "linh vuc:"):
        return parts[words].lstrip(": ")
    return text


@attrs.frozen
class Field:
    """A field (lĩnh vực) of procedures: a display name and a normalised key.

    Two fields are equal when their keys are: headings such as
    "LĨNH VỰC HỘ TỊCH", "23-Lĩnh vực hộ tịch" and "Hộ tịch" are one field.
    """

    name: str = attrs.field(eq=False, order=False)
    key: str

    @classmethod
    def of(cls, text: str) -> Field:
        """Build a field from any of its spellings.

        >>> Field.of("I. LĨNH VỰC HỘ TỊCH (12 TTHC)")
        Field(name='Hộ tịch', key='ho-tich')
        >>> Field.of("Lưu thông hàng hóa trong nước (Bộ Công Thương)").key
        'luu-thong-hang-hoa-trong-nuoc'

        """
        name, key = _field_parts(text)
        return cls(name, key)

    def __str__(self) -> str:
        return self.name


class OnlineMode(enum.Enum):
    """Online service modes of Nghị định 42/2022/NĐ-CP Điều 11."""

    #: Toàn trình: submitted and settled online, result online or by post.
    FULL = "toan-trinh"
    #: Một phần: any online service that is not end to end.
    PARTIAL = "mot-phan"


@attrs.frozen(kw_only=True)
class OnlineService:
    """Online public-service availability, in either legal vocabulary.

    ``level`` is the 1–4 scale of Nghị định 43/2011/NĐ-CP; ``mode`` the
    toàn trình / một phần scale of Nghị định 42/2022/NĐ-CP. The documented
    mapping (domain.md §8.2, an inference kept explicit): levels 1–2 are
    information only; level 3 ≈ một phần; level 4 ≈ toàn trình.
    """

    level: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.in_((1, 2, 3, 4)))
    )
    mode: OnlineMode | None = None

    @classmethod
    def parse(cls, text: str) -> OnlineService:
        """Read "Mức độ 3", "mức độ 4", "4", "Toàn trình", "Một phần".

        Raises:
            ValueError: the text names no online service level.
        """
        folded = fold(text)
        if not folded:
            raise ValueError("empty online service level")
        if "toan trinh" in folded:
            return cls(mode=OnlineMode.FULL)
        if "mot phan" in folded:
            return cls(mode=OnlineMode.PARTIAL)
        match = re.search(r"(?:muc do|muc|level|md)?\s*([1-4])\b", folded)
        if match:
            return cls(level=int(match.group(1)))
        raise ValueError(f"unknown online service level {text!r}")

    @property
    def legacy_level(self) -> int | None:
        """The 1–4 level, mapped from the mode when only the mode is known."""
        if self.level is not None:
            return self.level
        if self.mode is OnlineMode.FULL:
            return 4
        if self.mode is OnlineMode.PARTIAL:
            return 3
        return None

    @property
    def current_mode(self) -> OnlineMode | None:
        """The 42/2022 mode, mapped from the level when only the level is known."""
        if self.mode is not None:
            return self.mode
        if self.level == 4:
            return OnlineMode.FULL
        if self.level == 3:
            return OnlineMode.PARTIAL
        return None

    @property
    def is_level_3_or_4(self) -> bool:
        """True for the services counted as "mức độ 3, mức độ 4" in reports."""
        return (self.legacy_level or 0) >= 3

    def __str__(self) -> str:
        if self.level is not None:
            return f"Mức độ {self.level}"
        if self.mode is OnlineMode.FULL:
            return "Toàn trình"
        if self.mode is OnlineMode.PARTIAL:
            return "Một phần"
        return ""


@attrs.frozen(kw_only=True)
class PostalService:
    """Public postal service (Quyết định 45/2016/QĐ-TTg): receipt and return by post."""

    receive: bool = False
    deliver: bool = False

    @property
    def any(self) -> bool:
        """True when the dossier may be sent or the result returned by post."""
        return self.receive or self.deliver


@attrs.frozen(kw_only=True)
class Procedure:
    """One version of a procedure at one level, as announced.

    The components follow Nghị định 63/2010/NĐ-CP Điều 8 (as amended by
    92/2017); ``processing_time`` is the statutory time as announced, the
    locally applied time after a cut is kept apart (see :mod:`tthc.catalog`).
    """

    code: str
    name: str = attrs.field(converter=nfc)
    field: Field
    level: str
    agency: str = ""
    processing_time: ProcessingTime
    fees: Fee
    online: OnlineService | None = None
    postal: PostalService = PostalService()
    legal_basis: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    steps: str | None = None
    method: str | None = None
    dossier: str | None = None
    applicants: str | None = None
    result: str | None = None
    conditions: str | None = None
    #: The code as the source wrote it, when it was a local form (``1.000948.H38``).
    local_code: str = ""
    #: An internal procedure (TTHC nội bộ): announced but not posted for citizens.
    internal: bool = False


def level_keys(levels: Iterable[Level | str]) -> tuple[str, ...]:
    """Return the keys of *levels*, given as :class:`Level` objects or keys."""
    return tuple(lv.key if isinstance(lv, Level) else lv for lv in levels)
