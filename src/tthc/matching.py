"""Match listing rows to the procedures of a catalogue.

A posted list names procedures by code (national or local form), by name,
or both, typed by hand (see the quality notes of the real data). The
:class:`Matcher` reads the code first; otherwise it compares the name with
the candidates' names on :func:`tthc.text.match_key` and sorts the result
into three bands: accepted automatically, to be reviewed by a person, or
not matched. Near twins ("Đăng ký khai sinh" and "Đăng ký khai sinh lưu
động") are never confused: a whole word more or less, or a different word,
keeps a candidate from automatic acceptance.

>>> matcher = Matcher([
...     Candidate(code="1.001193", name="Đăng ký khai sinh", level="Cấp xã"),
...     Candidate(code="1.003583", name="Đăng ký khai sinh lưu động", level="Cấp xã"),
...     Candidate(code="1.000656", name="Đăng ký khai tử", level="Cấp xã"),
... ])
>>> [(m.status, m.code) for m in matcher.match_names(
...     ["THỦ TỤC ĐĂNG KÝ KHAI SINH", "Dang ky khai sinh luu dong", "Đăng ký khai sinh (cấp xã)"])]
[('auto', '1.001193'), ('auto', '1.003583'), ('review', None)]

A listing row's code wins over its name, and a code that contradicts the
name is flagged (domain.md §4 for the code forms):

>>> from types import SimpleNamespace as Row
>>> m = matcher.match_row(Row(name="Đăng ký khai tử", code="1.001193", level=None))
>>> m.status, m.code, m.code_name_conflict
('code', '1.001193', True)
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal, NamedTuple, Protocol, TypeVar

import attrs
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel, Levenshtein

from tthc import codes
from tthc.text import fold, match_key

__all__ = [
    "ABBREVIATIONS",
    "Candidate",
    "Match",
    "MatchCandidate",
    "MatchSettings",
    "MatchStatus",
    "Matcher",
    "assign",
    "assignment_margins",
    "expand_abbreviations",
    "levels_of",
    "match_rows",
    "name_key",
]

#: The bands a row can fall in.
MatchStatus = Literal["code", "auto", "review", "none"]

#: Word pairs shared by more keys than this do not vote for pivots.
_RARE_PAIR = 64
#: Each pivot keeps the keys scoring at least this against it (fuzz.ratio).
#: A key outside that list is at Indel distance above t*(la+lc) from the
#: pivot (t = 1 - _NEIGHBOUR/100); by the triangle inequality it scores
#: below the cut c' = 100*(1-c) against a row at distance d from the pivot
#: whenever d*(1+c) < (t-c)*la, so the list is all that needs looking at.
_NEIGHBOUR = 60.0

#: The name the scorer is recorded under in reports.
SCORER_NAME = "indel-ratio-token-guard"


# ----------------------------------------------------------------------------- records


@attrs.frozen(kw_only=True)
class Candidate:
    """A procedure a row may be matched to.

    .. versionadded:: 0.1
    """

    #: The national code (``1.001193``) or any other code the catalogue uses.
    code: str
    #: The procedure's name as the catalogue has it.
    name: str
    #: The level(s) of government: ``"Cấp xã"``, ``"Cấp tỉnh, Cấp xã"``, a
    #: tuple of such texts, level objects with a ``key``, or ``None`` (any).
    level: Any = None
    #: The field (lĩnh vực); informative only.
    field: str | None = None


def _check_settings(instance: MatchSettings, _attribute: Any, _value: Any) -> None:
    if not 0 <= instance.floor <= instance.review <= instance.auto <= 100:
        raise ValueError(
            "match settings need 0 <= floor <= review <= auto <= 100, got "
            f"floor={instance.floor}, review={instance.review}, auto={instance.auto}"
        )
    if instance.gap < 0 or instance.limit < 1 or instance.spread < instance.gap:
        raise ValueError(f"match settings need gap >= 0 and limit >= 1, got {instance!r}")
    if instance.word_penalty < 0 or instance.swap_penalty < 0 or instance.twin_distance < 0:
        raise ValueError("match settings need non-negative penalties")


@attrs.frozen(kw_only=True)
class MatchSettings:
    """Thresholds of the matcher; reports record them with :meth:`as_dict`.

    Scores run from 0 to 100. A row is accepted automatically when its best
    candidate scores at least :attr:`auto`, leads the second by at least
    :attr:`gap`, and agrees with the row word for word (typos in words the
    catalogue does not know aside). Rows whose best candidate scores at
    least :attr:`review` go to review; the rest are not matched.

    .. versionadded:: 0.1
    """

    #: Lowest score accepted without review.
    auto: float = attrs.field(default=88.0, validator=_check_settings)
    #: Lowest score offered for review.
    review: float = 60.0
    #: Least lead of the best candidate over the second for automatic acceptance.
    gap: float = 6.0
    #: Candidates below this score are not listed at all.
    floor: float = 50.0
    #: How many candidates are listed per row.
    limit: int = 5
    #: Candidates more than this many points below the best are not listed.
    spread: float = 20.0
    #: A candidate with another name within this many character insertions and
    #: deletions (a near twin a few typos away) is accepted automatically only
    #: for a row equal to its name (after :func:`tthc.text.match_key`).
    twin_distance: int = 12
    #: Word-level typo tolerance for candidates with near twins: a row of a
    #: name of at least this many words, differing in one word by at most
    #: :attr:`typo_letters` edited letters, may be accepted (see
    #: :meth:`Matcher._typo_of`).
    typo_words: int = 6
    typo_letters: int = 2
    #: Points taken off per word that one name has and the other lacks.
    word_penalty: float = 10.0
    #: Points taken off per word replaced by another word the catalogue knows.
    swap_penalty: float = 8.0
    #: The scorer's name, for reports.
    scorer: str = SCORER_NAME

    def as_dict(self) -> dict[str, Any]:
        """The settings as plain data, for reports.

        >>> MatchSettings().as_dict()["auto"]
        88.0
        """
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class MatchCandidate:
    """One candidate for a row, in the shape of the W3C reconciliation API.

    .. versionadded:: 0.1
    """

    code: str
    name: str
    #: 0 to 100, rounded to two decimals.
    score: float
    #: True for the candidate accepted automatically (the API's ``match``).
    auto: bool = False

    def as_dict(self) -> dict[str, Any]:
        """``{"code", "name", "score", "auto"}``, as reports write it."""
        return {"code": self.code, "name": self.name, "score": self.score, "auto": self.auto}


class RowLike(Protocol):
    """What the matcher reads from a row (a :class:`tthc.listing.ListingRow` fits)."""

    @property
    def name(self) -> str: ...  # pragma: no cover - protocol

    @property
    def code(self) -> str | None: ...  # pragma: no cover - protocol

    @property
    def level(self) -> str | None: ...  # pragma: no cover - protocol


@attrs.frozen(kw_only=True)
class Match:
    """The outcome for one row.

    ``status`` is ``"code"`` when the row's code names a candidate,
    ``"auto"``/``"review"``/``"none"`` for the name bands. ``code`` is the
    procedure the row is taken to post (``None`` unless ``code`` or
    ``auto``); ``candidates`` lists what a reviewer should look at, best
    first. ``unknown_code`` holds a code the row gives that no candidate
    has (the name was matched instead). ``code_name_conflict`` marks a row
    whose code names one procedure while its name fits another much better,
    or fits its own procedure poorly: a finding of its own. ``cross_level``
    marks candidates found only outside the row's level.

    .. versionadded:: 0.1
    """

    row: Any = attrs.field(eq=False, repr=False)
    status: MatchStatus
    code: str | None
    score: float | None
    candidates: tuple[MatchCandidate, ...] = ()
    code_name_conflict: bool = False
    unknown_code: str | None = None
    cross_level: bool = False


# ------------------------------------------------------------------------------ levels

_LEVEL_WORDS = {
    "tinh": "province",
    "thanh pho truc thuoc trung uong": "province",
    "huyen": "district",
    "quan": "district",
    "thi xa": "district",
    "xa": "commune",
    "phuong": "commune",
    "thi tran": "commune",
    "bo": "central",
    "trung uong": "central",
}
_LEVEL_ALT = "|".join(sorted(map(re.escape, _LEVEL_WORDS), key=len, reverse=True))
_LEVEL_AFTER = re.compile(
    rf"\b(?:cap|ubnd|uy ban nhan dan|cong an|chu tich ubnd)\s+((?:{_LEVEL_ALT})"
    rf"(?:\s*(?:,|va|/|-|;)\s*(?:cap\s+)?(?:{_LEVEL_ALT})\b)*)"
)
_LEVEL_SPLIT = re.compile(rf"{_LEVEL_ALT}")


def levels_of(value: Any) -> frozenset[str]:
    """Read the levels of government a text (or level objects) names.

    Keys are ``"province"``, ``"district"``, ``"commune"`` (as in
    :mod:`tthc.procedure`) and ``"central"``; an empty set means unknown.

    >>> sorted(levels_of("Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác"))
    ['central', 'commune', 'province']
    >>> sorted(levels_of("Cơ quan cấp huyện, xã")), sorted(levels_of("UBND phường"))
    (['commune', 'district'], ['commune'])
    >>> levels_of(None), sorted(levels_of("Xã"))
    (frozenset(), ['commune'])
    """
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return _levels_of_text(value)
    key = getattr(value, "key", None)
    if isinstance(key, str):
        return frozenset({key})
    if isinstance(value, Iterable):
        found: set[str] = set()
        for item in value:
            found |= levels_of(item)
        return frozenset(found)
    return frozenset()


@lru_cache(maxsize=4096)
def _levels_of_text(text: str) -> frozenset[str]:
    folded = re.sub(r"[^0-9a-z,/;-]+", " ", fold(text)).strip()
    if not folded:
        return frozenset()
    bare = folded.removeprefix("cap ").strip()
    if bare in _LEVEL_WORDS:
        return frozenset({_LEVEL_WORDS[bare]})
    if bare in ("province", "district", "commune", "central"):
        return frozenset({bare})
    found: set[str] = set()
    for match in _LEVEL_AFTER.finditer(folded):
        for word in _LEVEL_SPLIT.findall(match.group(1)):
            found.add(_LEVEL_WORDS[word])
    return frozenset(found)


# ------------------------------------------------------------------------ abbreviations

#: Abbreviations posted lists use, on match keys, with the words they stand for.
ABBREVIATIONS: Mapping[str, str] = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "gcn": "giay chung nhan",
    "qsdd": "quyen su dung dat",
    "qsd": "quyen su dung",
    "gpxd": "giay phep xay dung",
    "dkkd": "dang ky kinh doanh",
}
_ABBREVIATION = re.compile(r"\b(?:" + "|".join(ABBREVIATIONS) + r")\b")


def expand_abbreviations(key: str) -> str:
    """A match key with the usual abbreviations written out (see :data:`ABBREVIATIONS`).

    >>> from tthc.text import match_key
    >>> expand_abbreviations(match_key("Cấp GCN QSDĐ lần đầu tại UBND xã"))
    'cap giay chung nhan quyen su dung dat lan dau tai uy ban nhan dan xa'
    """
    if not _ABBREVIATION.search(key):
        return key
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(0)], key)


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The key names are compared on: :func:`tthc.text.match_key`, abbreviations written out.

    >>> name_key("Cấp GCN lần đầu")
    'cap giay chung nhan lan dau'
    """
    return expand_abbreviations(match_key(name))


# ------------------------------------------------------------------------------ scorer

_PREFIX_TARGET = "thu tuc"


def _left_over(
    tokens: Sequence[str],
    others: Sequence[str],
    other_set: frozenset[str] | None = None,
    unique: bool | None = None,
) -> list[str]:
    """The tokens of *tokens* not matched by one in *others* (as multisets), in order.

    *other_set* (the set of *others*) and *unique* (whether *tokens* has no
    repeated word) may be given when known.
    """
    other = set(others) if other_set is None else other_set
    left = [t for t in tokens if t not in other]
    if unique is None:
        unique = len(set(tokens)) == len(tokens)
    if unique or len(left) == len(tokens):
        # Each shared word occurs once here and at least once there.
        return left
    # A shared word repeated here more often than there leaves its extra copies.
    matched: dict[str, int] = {}
    for token in tokens:
        if token in other and token not in matched:
            matched[token] = others.count(token)
    left = []
    for token in tokens:
        copies = matched.get(token)
        if copies is None:
            left.append(token)
        elif copies > 0:
            matched[token] = copies - 1
        else:
            left.append(token)
    return left


def _token_issues(
    row_tokens: Sequence[str],
    cand_tokens: Sequence[str],
    vocabulary: frozenset[str],
    allowed: float = float("inf"),
    word_penalty: float = 1.0,
    swap_penalty: float = 1.0,
    known_sets: tuple[frozenset[str], bool, frozenset[str], bool] | None = None,
) -> tuple[int, int] | None:
    """Count (word swaps, unpaired words) between two token lists.

    Words in both lists cancel out. What is left is paired up where one
    word is a plausible misspelling of the other: an edit distance
    (insertions, deletions, substitutions and swaps of neighbouring letters:
    optimal string alignment) of at most half the longer word (at least 1),
    counting a lost or an added space as one more edit ("likhai" for "lại
    khai"). A pair whose row word is itself a word of the catalogue (or a
    number) counts as a swap: a different word, not a typo. What cannot be
    paired counts as unpaired. Returns ``None`` as soon as the differences
    are sure to cost more than
    *allowed* points.
    """
    row_set, row_unique, cand_set, cand_unique = known_sets or (None, None, None, None)
    row_left = _left_over(row_tokens, cand_tokens, cand_set, row_unique)
    if not row_left:
        return 0, len(cand_tokens) - len(row_tokens)
    cand_left = _left_over(cand_tokens, row_tokens, row_set, cand_unique)
    nr, nc = len(row_left), len(cand_left)
    if not nc:
        return 0, nr
    known = [t in vocabulary or t.isdigit() for t in row_left]
    # Lower bounds first. A known word left over in the row is swapped (a
    # swap covers at most two row words) or unpaired. A candidate word left
    # over is absorbed for free only by a misspelt row word (at most two
    # per row word); otherwise it is in a swap (at most two per swap) or
    # unpaired.
    n_known = sum(known)
    half = min(swap_penalty, word_penalty) / 2
    if half * max(n_known, nc - 2 * (nr - n_known)) > allowed:
        return None
    distance = OSA.distance
    if nr == 1 and nc == 1:
        r, c = row_left[0], cand_left[0]
        limit = max(1, max(len(r), len(c)) // 2)
        if distance(r, c, score_cutoff=limit) <= limit:
            return (1, 0) if known[0] else (0, 0)
        return 0, 2
    # Pieces on either side: single words, and neighbours run together.
    row_pieces = [(t, len(t), i, 1) for i, t in enumerate(row_left)]
    row_pieces += [
        (row_left[i] + row_left[i + 1], len(row_left[i]) + len(row_left[i + 1]), i, 2)
        for i in range(nr - 1)
    ]
    cand_pieces = [(t, len(t), j, 1) for j, t in enumerate(cand_left)]
    cand_pieces += [
        (cand_left[j] + cand_left[j + 1], len(cand_left[j]) + len(cand_left[j + 1]), j, 2)
        for j in range(nc - 1)
    ]
    options: list[tuple[int, int, int, int, int]] = []
    for text, size, i, ri in row_pieces:
        for piece, length, j, cj in cand_pieces:
            extra = ri + cj - 2
            if extra > 1:
                continue
            big = size if size > length else length
            limit = (big >> 1 if big > 3 else 1) - extra
            diff = size - length
            if diff > limit or -diff > limit:
                continue
            d = distance(text, piece, score_cutoff=limit)
            if d <= limit:
                options.append((d + extra, i, ri, j, cj))
    used_r = [False] * nr
    used_c = [False] * nc
    options.sort()
    swaps = 0
    for _d, i, ri, j, cj in options:
        if used_r[i] or used_c[j] or (ri == 2 and used_r[i + 1]) or (cj == 2 and used_c[j + 1]):
            continue
        used_r[i] = True
        used_c[j] = True
        if ri == 2:
            used_r[i + 1] = True
        if cj == 2:
            used_c[j + 1] = True
        if known[i] and (ri == 1 or known[i + 1]):
            swaps += 1
    unpaired = used_r.count(False) + used_c.count(False)
    if unpaired * word_penalty + swaps * swap_penalty > allowed:
        return None
    return swaps, unpaired


# ------------------------------------------------------------------------------ matcher


@attrs.frozen
class _Result:
    """The cached outcome of the name comparison for one key in one level block."""

    status: MatchStatus
    code: str | None
    score: float | None
    candidates: tuple[MatchCandidate, ...]
    #: (key index, final score, clean) for the best keys, best first.
    ranked: tuple[tuple[int, float, bool], ...]
    cross_level: bool = False


_EMPTY = np.zeros(0, dtype=np.int64)


class Matcher:
    """Match rows against a fixed set of candidates, caching across calls.

    The candidates are indexed once: codes (national form), the distinct
    name keys, their words and levels. Names are compared on distinct keys
    only, so a name posted by a thousand desks is scored once; results are
    kept in an LRU cache of *cache_size* entries, keyed by name key and
    level block.

    How a name is scored: :func:`rapidfuzz.fuzz.ratio` on the keys (the
    normalised Indel similarity, which falls with every character one name
    has and the other lacks), minus :attr:`MatchSettings.word_penalty` for
    each whole word present in one name only and
    :attr:`MatchSettings.swap_penalty` for each word replaced by another
    known word. Automatic acceptance needs a candidate without such
    differences. Candidates are found without comparing a row with every
    candidate: a pivot candidate close to the row is found through rare
    words, and the triangle inequality of the Indel distance bounds the
    similarity of all others from the pivot's distances (computed with
    :func:`rapidfuzz.process.cdist` once per pivot); only candidates whose
    bound reaches :attr:`MatchSettings.floor` are scored. The result is
    exactly what comparing with every candidate would give.

    Args:
        candidates: the procedures rows may be matched to.
        settings: thresholds (:class:`MatchSettings` defaults).
        cache_size: entries kept in each of the two LRU caches (names per
            level block, and whole row outcomes).
        workers: processes for a call with at least *parallel_threshold*
            new names: ``1`` (default) none, ``-1`` one per CPU. The workers
            are forked (POSIX), share the matcher's indexes, and give exactly
            the results of a single process.
        parallel_threshold: see *workers*.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        candidates: Iterable[Candidate],
        settings: MatchSettings | None = None,
        *,
        cache_size: int = 262_144,
        workers: int = 1,
        parallel_threshold: int = 20_000,
    ) -> None:
        self.settings = settings or MatchSettings()
        #: Processes for large batches of new names (-1: one per CPU; 1: none).
        self.workers = workers
        #: New names in one call from which worker processes are used.
        self.parallel_threshold = max(1, parallel_threshold)
        self._in_child = False
        self.candidates: tuple[Candidate, ...] = tuple(candidates)
        self._cache_size = cache_size
        self._cache: OrderedDict[tuple[frozenset[str], str], _Result] = OrderedDict()
        self._outcomes: OrderedDict[Hashable, _Outcome] = OrderedDict()
        self.hits = 0
        self.misses = 0
        self.row_hits = 0
        by_code: dict[str, list[int]] = {}
        key_index: dict[str, int] = {}
        keys: list[str] = []
        key_members: list[list[int]] = []
        cand_levels: list[frozenset[str]] = []
        members: dict[str, list[int]] = {}
        for index, cand in enumerate(self.candidates):
            by_code.setdefault(_code_key(cand.code), []).append(index)
            cand_levels.append(levels_of(cand.level))
            members.setdefault(name_key(cand.name), []).append(index)
        # Keys in sorted order, so that results do not depend on the candidates' order.
        for key in sorted(members):
            key_index[key] = len(keys)
            keys.append(key)
            key_members.append(members[key])
        self._by_code = by_code
        self._key_index = key_index
        self._keys = keys
        self._key_tokens = [tuple(k.split()) for k in keys]
        self._key_counts: list[dict[str, int]] = []
        for tokens in self._key_tokens:
            counts: dict[str, int] = {}
            for token in tokens:
                counts[token] = counts.get(token, 0) + 1
            self._key_counts.append(counts)
        self._known_for: Sequence[str] | None = None
        self._sets_for: Sequence[str] | None = None
        self._sets: frozenset[str] = frozenset()
        self._key_sets = [frozenset(t) for t in self._key_tokens]
        self._key_unique = [len(s) == len(t) for s, t in zip(self._key_sets, self._key_tokens,
                                                              strict=True)]
        self._narrowed = False
        self._known: tuple[tuple[str, int], ...] = ()
        self._key_members = key_members
        self._cand_levels = cand_levels
        self._lens = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
        self._all = np.arange(len(keys), dtype=np.int64)
        # Distances never exceed twice the longest key: 16 bits hold them almost always.
        longest = int(self._lens.max()) if len(keys) else 0
        self._distance_type = np.int16 if 2 * longest < 2**15 else np.int32
        vocabulary: set[str] = set()
        postings: dict[str, list[int]] = {}
        first_pairs: set[str] = set()
        bigrams: dict[tuple[str, str], list[int]] = {}
        for index, tokens in enumerate(self._key_tokens):
            vocabulary.update(tokens)
            for token in set(tokens):
                postings.setdefault(token, []).append(index)
            for pair in set(itertools.pairwise(tokens)):
                bigrams.setdefault(pair, []).append(index)
            first_pairs.add(" ".join(tokens[:2]))
        # Word pairs shared by few keys point straight at a pivot.
        self._bigrams = {pair: tuple(v) for pair, v in bigrams.items() if len(v) <= _RARE_PAIR}
        self._vocabulary = frozenset(vocabulary)
        # Word counts per key, word-major, for bounds computed on many keys at once.
        self._token_id = {t: i for i, t in enumerate(sorted(vocabulary))}
        self._counts = np.zeros((len(self._token_id), len(keys)), dtype=np.uint8)
        for k, counts in enumerate(self._key_counts):
            for token, n in counts.items():
                self._counts[self._token_id[token], k] = min(n, 255)
        self._ntokens = np.fromiter(
            (len(t) for t in self._key_tokens), dtype=np.int64, count=len(keys)
        )
        self._postings = {t: np.asarray(v, dtype=np.int64) for t, v in postings.items()}
        # Rarer words weigh more when looking for a pivot.
        self._weights = {
            t: np.full(len(v), np.log(len(keys) / len(v)) + 0.1) for t, v in postings.items()
        }
        self._first_pairs = frozenset(first_pairs)
        self._pivot_rows: dict[int, np.ndarray[Any, np.dtype[np.signedinteger[Any]]]] = {}
        # Per pivot: the Indel distance to the nearest other key.
        self._nearest: dict[int, int] = {}
        # Per pivot: the keys within _NEIGHBOUR points of it, and their distances.
        self._neighbours: dict[int, tuple[np.ndarray[Any, np.dtype[np.int64]],
                                          np.ndarray[Any, np.dtype[np.int64]]]] = {}
        self._blocks: dict[frozenset[str], np.ndarray[Any, np.dtype[np.bool_]]] = {}
        self._block_codes: dict[tuple[frozenset[str], int], tuple[str, ...]] = {}

    # -- public API -------------------------------------------------------------------

    def match(self, rows: Iterable[RowLike]) -> list[Match]:
        """Match every row; names shared by rows are scored once.

        Args:
            rows: objects with ``name``, ``code`` and ``level`` attributes,
                such as :class:`tthc.listing.ListingRow`.

        Returns:
            One :class:`Match` per row, in order.
        """
        rows = list(rows)
        signatures = [_signature(row) for row in rows]
        known = self._outcomes
        new_rows: dict[Hashable, RowLike] = {}
        for row, signature in zip(rows, signatures, strict=True):
            if signature in known:
                known.move_to_end(signature)
                self.row_hits += 1
            elif signature not in new_rows:
                new_rows[signature] = row
            else:
                self.row_hits += 1
        processes = self._processes(len(new_rows))
        if processes > 1:
            prepared = self._in_workers(Matcher._prepare, list(new_rows.values()), processes)
        else:
            prepared = [self._prepare(row) for row in new_rows.values()]
        pending = dict(zip(new_rows, prepared, strict=True))
        if pending:
            self._resolve(
                (block, key)
                for found, _unknown, block, key in pending.values()
                if not (found and self._own_key(found, block) == key)
            )
            fresh = {signature: self._finish(info) for signature, info in pending.items()}
        else:
            fresh = {}
        out: list[Match] = []
        for row, signature in zip(rows, signatures, strict=True):
            o = fresh.get(signature) or known[signature]
            out.append(
                Match(row=row, status=o.status, code=o.code, score=o.score,
                      candidates=o.candidates, code_name_conflict=o.conflict,
                      unknown_code=o.unknown, cross_level=o.cross)
            )
        known.update(fresh)
        while len(known) > self._cache_size:
            known.popitem(last=False)
        return out

    def match_many(self, listings: Iterable[Iterable[RowLike]]) -> list[list[Match]]:
        """Match several listings (desks) in one batch: names shared by desks are scored once.

        With ``workers`` other than 1, a batch with many new names is scored in
        worker processes.
        """
        groups = [list(rows) for rows in listings]
        matches = self.match(row for rows in groups for row in rows)
        out: list[list[Match]] = []
        start = 0
        for rows in groups:
            out.append(matches[start : start + len(rows)])
            start += len(rows)
        return out

    def match_row(self, row: RowLike) -> Match:
        """Match one row (see :meth:`match`)."""
        return self.match([row])[0]

    def match_names(self, names: Iterable[str], *, level: str | None = None) -> list[Match]:
        """Match bare names, as rows without a code.

        >>> m = Matcher([Candidate(code="1.000656", name="Đăng ký khai tử")])
        >>> m.match_names(["Đăng ký khai tử"])[0].candidates[0].as_dict()
        {'code': '1.000656', 'name': 'Đăng ký khai tử', 'score': 100.0, 'auto': True}
        """
        return self.match(_NameRow(name=n, code=None, level=level) for n in names)

    def score(self, name: str, candidate_name: str) -> float:
        """The score of *name* against *candidate_name* (0 to 100).

        >>> m = Matcher([Candidate(code="1", name="Đăng ký khai sinh"),
        ...              Candidate(code="2", name="Đăng ký khai sinh lưu động")])
        >>> m.score("Đăng ký khai sinh", "Đăng ký khai sinh lưu động")
        59.07
        """
        final, _clean = self._final(self._row_key(name), name_key(candidate_name))
        return round(final, 2)

    def cache_info(self) -> dict[str, int]:
        """Cache statistics.

        ``hits``/``misses``/``size``: name keys found in or added to the name
        cache; ``row_hits``/``rows``: rows answered from the cache of whole
        row outcomes (same code, name and level); ``pivots``: candidate names
        whose distances to all others have been computed.
        """
        return {
            "hits": self.hits,
            "misses": self.misses,
            "size": len(self._cache),
            "row_hits": self.row_hits,
            "rows": len(self._outcomes),
            "pivots": len(self._pivot_rows),
        }

    # -- rows -------------------------------------------------------------------------

    def _prepare(self, row: RowLike) -> tuple[list[int], str | None, frozenset[str], str]:
        code_text = getattr(row, "code", None) or getattr(row, "code_raw", None)
        found: list[int] = []
        unknown: str | None = None
        if code_text:
            key = _code_key(str(code_text))
            found = self._by_code.get(key, [])
            if not found:
                raw = getattr(row, "code_raw", None)
                if raw:
                    found = self._by_code.get(_code_key(str(raw)), [])
            if not found:
                unknown = key
        block = levels_of(getattr(row, "level", None))
        return found, unknown, block, self._row_key(getattr(row, "name", "") or "")

    def _own_key(self, found: list[int], block: frozenset[str]) -> str:
        return name_key(self.candidates[self._own(found, block)].name)

    def _finish(self, info: tuple[list[int], str | None, frozenset[str], str]) -> _Outcome:
        found, unknown, block, key = info
        if found:
            cand = self.candidates[self._own(found, block)]
            own_key = name_key(cand.name)
            if key == own_key:
                return _Outcome("code", cand.code, 100.0, (
                    MatchCandidate(code=cand.code, name=cand.name, score=100.0, auto=True),
                ))
            result = self._lookup(block, key)
            own_score = round(self._final(key, own_key)[0], 2)
            best_other = next((s for k, s, _ in result.ranked if self._keys[k] != own_key), 0.0)
            conflict = own_score < self.settings.review or (
                best_other >= self.settings.review
                and best_other - own_score >= self.settings.gap
            )
            own_candidate = MatchCandidate(code=cand.code, name=cand.name, score=own_score,
                                           auto=True)
            others = tuple(
                attrs.evolve(c, auto=False) for c in result.candidates if c.code != cand.code
            ) if conflict else ()
            return _Outcome("code", cand.code, own_score, (own_candidate, *others), conflict)
        result = self._lookup(block, key)
        return _Outcome(result.status, result.code, result.score, result.candidates,
                        unknown=unknown, cross=result.cross_level)

    def _own(self, found: list[int], block: frozenset[str]) -> int:
        if block:
            for index in found:
                levels = self._cand_levels[index]
                if not levels or levels & block:
                    return index
        return found[0]

    def _row_key(self, name: str) -> str:
        key = name_key(name)
        tokens = key.split()
        # A mistyped leading "Thủ tục" ("thu tjc", "thutuc") that match_key left.
        for width in (2, 1):
            if len(tokens) > width + 1:
                head = " ".join(tokens[:width])
                # Leave it when a catalogue name starts so, or it is a word.
                if head in (self._first_pairs if width == 2 else self._vocabulary):
                    continue
                limit = 2 if width == 2 else 1
                if Levenshtein.distance(head, _PREFIX_TARGET, score_cutoff=limit) <= limit:
                    return " ".join(tokens[width:])
        return key

    # -- name results -----------------------------------------------------------------

    def _lookup(self, block: frozenset[str], key: str) -> _Result:
        entry = self._cache.get((block, key))
        if entry is None:  # pragma: no cover - _resolve fills the cache first
            self._resolve([(block, key)])
            entry = self._cache[(block, key)]
        return entry

    def _resolve(self, wanted: Iterable[tuple[frozenset[str], str]]) -> None:
        missing: dict[tuple[frozenset[str], str], None] = {}
        for item in wanted:
            if item in self._cache:
                self._cache.move_to_end(item)
                self.hits += 1
            elif item not in missing:
                missing[item] = None
        if not missing:
            return
        self.misses += len(missing)
        items = list(missing)
        processes = self._processes(len(items))
        if processes > 1:
            pivots = self._in_workers(Matcher._pivot_item, items, processes)
        else:
            pivots = [self._pivot_item(item) for item in items]
        self._pivot_distances(p for p, _ in pivots)
        work = list(zip(items, pivots, strict=True))
        if processes > 1:
            ranks = self._in_workers(Matcher._rank_work, work, processes)
        else:
            ranks = [self._rank_work(item) for item in work]
        outcomes = [
            (block, key, ranked, cross)
            for (block, key), (ranked, cross) in zip(items, ranks, strict=True)
        ]
        # The nearest other name of each candidate that may be accepted (see _result).
        self._pivot_distances(
            ranked[0][0]
            for _, key, ranked, _ in outcomes
            if ranked and ranked[0][2] and ranked[0][1] >= self.settings.auto
            and self._keys[ranked[0][0]] != key
        )
        for block, key, ranked, cross in outcomes:
            result = self._result(block if not cross else frozenset(), ranked, cross, key)
            self._cache[(block, key)] = result
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _pivot_item(self, item: tuple[frozenset[str], str]) -> tuple[int, int]:
        return self._pivot(item[1], item[0])

    def _rank_work(self, work: tuple[tuple[frozenset[str], str], tuple[int, int]]
                   ) -> tuple[tuple[tuple[int, float, bool], ...], bool]:
        """Rank one name in its level block, falling back to every level for review."""
        (block, key), pivot = work
        ranked = self._rank(key, pivot, block)
        if block and (not ranked or ranked[0][1] < self.settings.review):
            wider_pivot = self._pivot(key, frozenset())
            self._pivot_distances([wider_pivot[0]])
            wider = self._rank(key, wider_pivot, frozenset())
            if wider and wider[0][1] >= self.settings.review:
                return wider, True
        return ranked, False

    def _processes(self, count: int) -> int:
        """How many processes to resolve *count* new names with."""
        if self.workers == 1 or count < self.parallel_threshold or self._in_child:
            return 1
        if "fork" not in multiprocessing.get_all_start_methods():
            return 1
        wanted = (os.cpu_count() or 1) if self.workers < 1 else self.workers
        return max(1, min(wanted, count // max(1, self.parallel_threshold // 4)))

    def _in_workers(self, function: Callable[[Matcher, Any], _T], items: Sequence[Any],
                    processes: int) -> list[_T]:
        """``[function(self, item) for item in items]`` in forked processes sharing this matcher.

        The children inherit the matcher (indexes, distances, caches) by
        fork; only the results travel back. Used for large batches of new
        names only (see :attr:`workers`).
        """
        global _FORKED  # handed to the forked children
        parts = [list(items[i::processes]) for i in range(processes)]
        _FORKED = (self, function, parts)
        try:
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                done = pool.map(_in_child, range(processes))
        finally:
            _FORKED = None
        out: list[_T] = [None] * len(items)  # type: ignore[list-item]
        for i, part in enumerate(done):
            out[i::processes] = part
        return out

    def _pivot_distances(self, pivots: Iterable[int]) -> None:
        """Compute the Indel distances from new pivots to every key, in one batch."""
        need = sorted({p for p in pivots if p >= 0 and p not in self._pivot_rows})
        if not need:
            return
        table = process.cdist(
            [self._keys[p] for p in need],
            self._keys,
            scorer=Indel.distance,
            dtype=self._distance_type,
            workers=1 if self._in_child else -1,
        )
        lens = self._lens
        for i, p in enumerate(need):
            row = table[i]
            self._pivot_rows[p] = row
            others = np.delete(row, p)
            self._nearest[p] = int(others.min()) if len(others) else 2**31 - 1
            near = np.flatnonzero(
                100 * (lens + lens[p] - row) >= _NEIGHBOUR * (lens + lens[p])
            )
            self._neighbours[p] = (near, row[near].astype(np.int64))

    def _pivot(self, key: str, block: frozenset[str]) -> tuple[int, int]:
        """A candidate key of *block* near *key* and its Indel distance (-1 when none)."""
        allowed = self._allowed(block)
        index = self._key_index.get(key)
        if index is not None and allowed[index]:
            return index, 0
        if not key or not self._keys:
            return -1, 0
        words = key.split()
        pair_votes: Counter[int] = Counter()
        bigrams = self._bigrams
        for pair in itertools.pairwise(words):
            keys = bigrams.get(pair)
            if keys:
                pair_votes.update(keys)
        if pair_votes:
            best = self._closest(key, [k for k, _ in pair_votes.most_common(8) if allowed[k]])
            if best[0] >= 0:
                return best
        tokens = [t for t in set(words) if t in self._postings]
        if not tokens:
            return -1, 0
        # Vote with the rarest words, each weighted by its rarity; the closest
        # (by Indel distance) of the best-voted keys is the pivot.
        tokens.sort(key=lambda t: (len(self._postings[t]), t))
        tokens = tokens[:8]
        n = len(self._keys)
        votes = np.bincount(
            np.concatenate([self._postings[t] for t in tokens]),
            weights=np.concatenate([self._weights[t] for t in tokens]),
            minlength=n,
        )
        votes[~allowed] = 0.0
        count = min(24, n)
        top = np.argpartition(-votes, count - 1)[:count]
        return self._closest(key, [int(i) for i in top if votes[i] > 0])

    def _closest(self, key: str, indices: list[int]) -> tuple[int, int]:
        """The key among *indices* nearest to *key* (Indel distance), or (-1, 0)."""
        if not indices:
            return -1, 0
        indices = sorted(indices)
        found = process.extractOne(key, [self._keys[i] for i in indices], scorer=Indel.distance)
        if found is None:  # pragma: no cover - extractOne always finds one here
            return -1, 0
        return indices[found[2]], int(found[1])

    def _allowed(self, block: frozenset[str]) -> np.ndarray[Any, np.dtype[np.bool_]]:
        mask = self._blocks.get(block)
        if mask is None:
            mask = np.zeros(len(self._keys), dtype=bool)
            for k, members in enumerate(self._key_members):
                mask[k] = any(
                    not block or not self._cand_levels[m] or self._cand_levels[m] & block
                    for m in members
                )
            self._blocks[block] = mask
        return mask

    def _rank(self, key: str, pivot: tuple[int, int], block: frozenset[str]
              ) -> tuple[tuple[int, float, bool], ...]:
        """The best keys for *key* in *block*: (index, final score, clean), best first.

        Exact: every candidate whose final score could reach the cut is
        scored. The cut starts at the floor, or at the pivot's own final
        score less the spread, and rises as better candidates are found.
        While the best candidate qualifies for automatic acceptance, only
        rivals within the gap matter, so the cut is its score less the gap;
        if the row turns out not to qualify, it is ranked again with the
        spread.
        """
        if not key or not self._keys:
            return ()
        settings = self.settings
        self._narrowed = False
        ranked = self._rank_within(key, pivot, block, narrow=True)
        if self._narrowed and not (
            ranked[0][2]
            and ranked[0][1] >= settings.auto
            and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= settings.gap)
        ):
            ranked = self._rank_within(key, pivot, block, narrow=False)
        return ranked

    def _width(self, ranked: list[tuple[int, float, bool]], narrow: bool) -> float:
        """How far below the best candidate the others still count."""
        settings = self.settings
        if narrow and ranked[0][2] and ranked[0][1] >= settings.auto:
            self._narrowed = True
            return settings.gap
        return settings.spread

    def _rank_within(self, key: str, pivot: tuple[int, int], block: frozenset[str], *,
                     narrow: bool) -> tuple[tuple[int, float, bool], ...]:
        settings = self.settings
        allowed = self._allowed(block)
        length = len(key)
        tokens = key.split()
        p, d_pivot = pivot
        lens = self._lens
        ranked: list[tuple[int, float, bool]] = []
        cut = settings.floor
        if p >= 0:
            if allowed[p]:
                ratio = 100.0 * (1.0 - d_pivot / max(length + int(lens[p]), 1))
                final, clean = self._scored(tokens, p, ratio, float("inf"))
                if final is not None and final >= settings.floor:
                    ranked.append((p, final, clean))
                    cut = max(cut, final - self._width(ranked, narrow))
            # Keys farther than _NEIGHBOUR from the pivot cannot reach the cut
            # when the row is this close to the pivot (see _NEIGHBOUR).
            t, c = 1 - _NEIGHBOUR / 100, 1 - cut / 100
            if d_pivot * (1 + c) < (t - c) * int(lens[p]):
                near, distances = self._neighbours[p]
            else:
                near, distances = self._all, self._pivot_rows[p].astype(np.int64)
            near_lens = lens[near]
            lower = np.maximum(np.abs(distances - d_pivot), np.abs(near_lens - length))
            bound = 100.0 * (1.0 - lower / np.maximum(near_lens + length, 1))
            chosen = (bound >= cut - 1e-9) & allowed[near] & (near != p)
            subset, bound = near[chosen], bound[chosen]
            if len(subset) > 8:
                keep = bound - self._word_bounds(tokens, subset) >= cut - 1e-9
                subset, bound = subset[keep], bound[keep]
            if d_pivot == 0:
                ratios = bound
            elif len(subset) > 32:
                ratios = process.cdist(
                    [key], [self._keys[i] for i in subset], scorer=fuzz.ratio
                )[0].astype(np.float64)
            else:
                ratios = np.fromiter(
                    (fuzz.ratio(key, self._keys[i]) for i in subset),
                    dtype=np.float64,
                    count=len(subset),
                )
        else:
            subset = np.flatnonzero(allowed)
            ratios = (
                process.cdist([key], [self._keys[i] for i in subset], scorer=fuzz.ratio)[0]
                .astype(np.float64)
                if len(subset)
                else np.zeros(0)
            )
        keep = ratios >= cut - 1e-9
        subset, ratios = subset[keep], ratios[keep]
        order = np.lexsort((subset, -ratios))
        limit = settings.limit
        for position in order:
            ratio = float(ratios[position])
            if ranked:
                cut = max(cut, ranked[0][1] - self._width(ranked, narrow))
                if len(ranked) >= limit:
                    cut = max(cut, ranked[limit - 1][1])
            if ratio < cut:
                break
            k = int(subset[position])
            final, clean = self._scored(tokens, k, ratio, ratio - cut)
            if final is not None and final >= cut:
                ranked.append((k, final, clean))
                ranked.sort(key=lambda item: (-item[1], item[0]))
                del ranked[limit:]
        if not ranked:
            return ()
        width = self._width(ranked, narrow)
        return tuple(item for item in ranked if item[1] >= ranked[0][1] - width)

    def _word_bounds(self, tokens: Sequence[str], subset: np.ndarray[Any, np.dtype[np.int64]]
                     ) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Lower bounds of the word penalties of *tokens* against the keys in *subset*.

        The same bounds as :func:`_token_issues` starts with, from word
        counts alone, for many candidate keys at once.
        """
        known = self._row_known(tokens)
        half = min(self.settings.swap_penalty, self.settings.word_penalty) / 2
        if not known:
            cand_left = self._ntokens[subset]
            return np.asarray(half * np.maximum(0, cand_left - 2 * len(tokens)), dtype=np.float64)
        ids = [self._token_id[t] for t, _ in known if t in self._token_id]
        wanted = np.array([n for t, n in known if t in self._token_id], dtype=np.int64)
        numbers = sum(n for t, n in known if t not in self._token_id)
        have = self._counts[ids][:, subset].astype(np.int64)
        matched = np.minimum(have, wanted[:, None]).sum(axis=0)
        known_left = wanted.sum() - matched + numbers
        cand_left = self._ntokens[subset] - matched
        misspelt = len(tokens) - matched - known_left
        return np.asarray(half * np.maximum(known_left, cand_left - 2 * misspelt), dtype=np.float64)

    def _scored(self, tokens: Sequence[str], k: int, ratio: float, allowed: float
                ) -> tuple[float | None, bool]:
        """The final score of candidate key *k*, or None when it loses more than *allowed*."""
        settings = self.settings
        if allowed < float("inf"):
            # The lower bounds of _token_issues, from word counts alone.
            row_known = self._row_known(tokens)
            counts = self._key_counts[k]
            matched = known_left = 0
            for token, n in row_known:
                m = counts.get(token, 0)
                if n > m:
                    known_left += n - m
                    matched += m
                else:
                    matched += n
            half = min(settings.swap_penalty, settings.word_penalty) / 2
            cand_left = len(self._key_tokens[k]) - matched
            misspelt = len(tokens) - matched - known_left
            if half * max(known_left, cand_left - 2 * misspelt) > allowed:
                return None, False
        row_set, row_unique = self._row_sets(tokens)
        issues = _token_issues(
            tokens,
            self._key_tokens[k],
            self._vocabulary,
            allowed,
            settings.word_penalty,
            settings.swap_penalty,
            (row_set, row_unique, self._key_sets[k], self._key_unique[k]),
        )
        if issues is None:
            return None, False
        swaps, unpaired = issues
        final = ratio - settings.swap_penalty * swaps - settings.word_penalty * unpaired
        return final, swaps == 0 and unpaired == 0

    def _row_sets(self, tokens: Sequence[str]) -> tuple[frozenset[str], bool]:
        """The row's words as a set, and whether none repeats, for the last row seen."""
        if self._sets_for is not tokens:
            self._sets = frozenset(tokens)
            self._sets_for = tokens
        return self._sets, len(self._sets) == len(tokens)

    def _row_known(self, tokens: Sequence[str]) -> tuple[tuple[str, int], ...]:
        """The row's known words (and numbers) with their counts, for the last row seen."""
        if self._known_for is not tokens:
            counts: dict[str, int] = {}
            for token in tokens:
                if token in self._vocabulary or token.isdigit():
                    counts[token] = counts.get(token, 0) + 1
            self._known = tuple(counts.items())
            self._known_for = tokens
        return self._known

    def _final(self, key: str, cand_key: str) -> tuple[float, bool]:
        if not key or not cand_key:
            return 0.0, False
        issues = _token_issues(key.split(), cand_key.split(), self._vocabulary)
        swaps, unpaired = issues if issues is not None else (0, 0)
        final = (
            fuzz.ratio(key, cand_key)
            - self.settings.swap_penalty * swaps
            - self.settings.word_penalty * unpaired
        )
        return max(0.0, final), swaps == 0 and unpaired == 0

    def _codes(self, block: frozenset[str], k: int) -> tuple[str, ...]:
        found = self._block_codes.get((block, k))
        if found is None:
            codes_: dict[str, None] = {}
            for m in self._key_members[k]:
                levels = self._cand_levels[m]
                if not block or not levels or levels & block:
                    codes_[self.candidates[m].code] = None
            found = tuple(sorted(codes_))
            self._block_codes[(block, k)] = found
        return found

    def _result(self, block: frozenset[str], ranked: tuple[tuple[int, float, bool], ...],
                cross: bool, key: str) -> _Result:
        settings = self.settings
        listed: list[tuple[float, str, str, bool]] = []
        for k, final, clean in ranked:
            for code in self._codes(block, k):
                name = next(
                    self.candidates[m].name
                    for m in self._key_members[k]
                    if self.candidates[m].code == code
                )
                listed.append((round(final, 2), code, name, clean))
        listed.sort(key=lambda item: (-item[0], item[1]))
        listed = listed[: settings.limit]
        if not listed or listed[0][0] < settings.review:
            status: MatchStatus = "none"
        else:
            status = "review"
            first, _code, _name, clean = listed[0]
            second = listed[1][0] if len(listed) > 1 else 0.0
            if (
                not cross
                and clean
                and first >= settings.auto
                and first - second >= settings.gap
                and self._unambiguous(key, ranked[0][0])
            ):
                status = "auto"
        candidates = tuple(
            MatchCandidate(code=code, name=name, score=score, auto=status == "auto" and i == 0)
            for i, (score, code, name, _clean) in enumerate(listed)
        )
        return _Result(
            status=status,
            code=candidates[0].code if status == "auto" else None,
            score=candidates[0].score if candidates else None,
            candidates=candidates,
            ranked=ranked,
            cross_level=cross and bool(candidates),
        )


    def _unambiguous(self, key: str, k: int) -> bool:
        """Tell whether a row with *key* can only mean candidate key *k*.

        A row equal to the candidate's key can. Otherwise, when the candidate
        has no other name within :attr:`MatchSettings.twin_distance`
        insertions and deletions, the row must lie less than half-way to that
        nearest other name: then, by the triangle inequality, the row is
        nearer to this candidate than to any other. A candidate with near
        twins is still certain for a row that is a letter-level typo of it
        (see :meth:`_typo_of`).
        """
        if self._keys[k] == key:
            return True
        nearest = self._nearest[k]
        if nearest < self.settings.twin_distance:
            return self._typo_of(key, k)
        return 2 * Indel.distance(key, self._keys[k]) < nearest

    def _typo_of(self, key: str, k: int) -> bool:
        """Tell whether *key* is a typo of key *k* that none of its near twins explains.

        Word-level typo tolerance: the row has the candidate's words, in
        order, except one word with at most
        :attr:`MatchSettings.typo_letters` letters edited (a word that is
        not itself a word of the catalogue), the name is long (at least
        :attr:`MatchSettings.typo_words` words), and every other name
        within :attr:`MatchSettings.twin_distance` of the candidate differs
        from the row by whole words (a word more, less or replaced), and is
        farther from it. Twins differ by words ("lưu động", "lại"); a
        damaged copy of one of them differs by letters.
        """
        settings = self.settings
        tokens = key.split()
        cand = self._key_tokens[k]
        if len(tokens) != len(cand) or len(cand) < settings.typo_words:
            return False
        differing = [i for i, (a, b) in enumerate(zip(tokens, cand, strict=True)) if a != b]
        if len(differing) != 1:
            return False
        word = tokens[differing[0]]
        if word in self._vocabulary or word.isdigit():
            return False
        limit = settings.typo_letters
        if OSA.distance(word, cand[differing[0]], score_cutoff=limit) > limit:
            return False
        own = Indel.distance(key, self._keys[k])
        distances = self._pivot_rows[k]
        for twin in np.flatnonzero(distances < settings.twin_distance):
            j = int(twin)
            if j == k:
                continue
            if _token_issues(tokens, self._key_tokens[j], self._vocabulary) == (0, 0):
                return False  # the row is a letter-level typo of the twin too
            if Indel.distance(key, self._keys[j]) <= own:
                return False
        return True


# -------------------------------------------------------------------------- assignment


def assign(scores: Sequence[Mapping[str, float]]) -> tuple[list[str | None], float]:
    """The best one-to-one assignment of rows to candidates, and its total score.

    *scores* holds, per row, the candidates it may post with their scores
    (positive). Each candidate goes to at most one row, a row may stay
    unassigned, and the sum of the scores of the pairs is the largest
    possible. Ties go to the first rows and the smallest candidates.

    The Hungarian method (shortest augmenting paths with potentials, the
    O(n²m) form): exact, and quick on the small groups of rows a desk
    leaves to review, so no linear-programming dependency is needed.

    >>> assign([{"A": 95.0, "B": 92.0}, {"A": 92.0, "B": 95.0}])
    (['A', 'B'], 190.0)
    >>> assign([{"A": 90.0}, {"A": 80.0, "B": 50.0}])
    (['A', 'B'], 140.0)
    >>> assign([{"A": 90.0}, {"A": 80.0}])
    (['A', None], 90.0)
    """
    columns = sorted({c for row in scores for c in row})
    n = len(scores)
    if not n or not columns:
        return [None] * n, 0.0
    index = {c: j for j, c in enumerate(columns)}
    # One dummy column per row (weight 0) lets any row stay unassigned.
    m = len(columns) + n
    # Costs: minus the score, with a tiny preference for earlier candidates
    # so that ties are broken the same way every time.
    eps = 1e-9
    cost = [[0.0] * m for _ in range(n)]
    for i, row in enumerate(scores):
        for c, value in row.items():
            cost[i][index[c]] = -value + eps * index[c]
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    owner = [0] * (m + 1)
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = owner[j0]
            delta = inf
            j1 = 0
            row_cost = cost[i0 - 1]
            ui0 = u[i0]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row_cost[j - 1] - ui0 - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while True:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
            if j0 == 0:
                break
    chosen: list[str | None] = [None] * n
    for j in range(1, len(columns) + 1):
        # A column the row has no score for costs what staying unassigned does.
        if owner[j] and columns[j - 1] in scores[owner[j] - 1]:
            chosen[owner[j] - 1] = columns[j - 1]
    total = sum(scores[i][c] for i, c in enumerate(chosen) if c is not None)
    return chosen, total


def assignment_margins(scores: Sequence[Mapping[str, float]]
                       ) -> tuple[list[str | None], list[float]]:
    """:func:`assign`, with how much each pair is worth to the whole.

    The margin of row *i*'s pair is the best total less the best total
    without that pair: how much the listing as a whole loses if the row
    does not post that candidate. A large margin means the other rows leave
    no other reading; a margin near zero, that another assignment is as
    good.

    >>> assignment_margins([{"A": 95.0, "B": 92.0}, {"A": 92.0, "B": 95.0}])
    (['A', 'B'], [6.0, 6.0])
    """
    chosen, total = assign(scores)
    margins: list[float] = []
    for i, code in enumerate(chosen):
        if code is None:
            margins.append(0.0)
            continue
        without = [dict(row) for row in scores]
        del without[i][code]
        margins.append(round(total - assign(without)[1], 6))
    return chosen, margins


#: The matcher, the function and the work of each child, while forked children run.
_FORKED: tuple[Matcher, Callable[[Matcher, Any], Any], list[list[Any]]] | None = None
_T = TypeVar("_T")


def _in_child(part: int) -> list[Any]:
    """Run in a forked child: apply the function to this child's part of the work."""
    assert _FORKED is not None
    matcher, function, parts = _FORKED
    matcher._in_child = True
    return [function(matcher, item) for item in parts[part]]


class _Outcome(NamedTuple):
    """A row's match without the row: shared by rows that read the same."""

    status: MatchStatus
    code: str | None
    score: float | None
    candidates: tuple[MatchCandidate, ...]
    conflict: bool = False
    unknown: str | None = None
    cross: bool = False


def _signature(row: RowLike) -> Hashable:
    """What the match of *row* depends on: rows with equal signatures match alike."""
    code = getattr(row, "code", None)
    level = getattr(row, "level", None)
    if not (level is None or isinstance(level, str)):
        level = levels_of(level)
    return (code, None if code else getattr(row, "code_raw", None),
            getattr(row, "name", "") or "", level)


@attrs.frozen(kw_only=True)
class _NameRow:
    name: str
    code: str | None
    level: str | None


@lru_cache(maxsize=65536)
def _code_key(code: str) -> str:
    """The national form of a code when it is one, else its compact text."""
    try:
        return codes.validate(code)
    except (ValueError, TypeError):
        return codes.compact(str(code))


def match_rows(
    rows: Iterable[RowLike],
    candidates: Iterable[Candidate] | Matcher,
    settings: MatchSettings | None = None,
) -> list[Match]:
    """Match *rows* against *candidates* (a list, or a :class:`Matcher` to reuse).

    >>> from types import SimpleNamespace as Row
    >>> rows = [Row(name="Dang ky khai tu", code=None, level=None)]
    >>> match_rows(rows, [Candidate(code="1.000656", name="Đăng ký khai tử")])[0].code
    '1.000656'
    """
    matcher = candidates if isinstance(candidates, Matcher) else Matcher(candidates, settings)
    return matcher.match(rows)
