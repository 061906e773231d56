"""What a desk publishes online, as records, plain JSON and linked data (JSON-LD).

:func:`publish` gathers, for one desk on one date, every procedure its
posting list holds (:func:`tthc.posting_list.build_posting_list`, so the
counts are the same) with what a citizen needs to read about it: the time as
posted and the cut behind it, fees, online and postal service, legal basis,
the decision that last changed it and its history. The static site
(:mod:`tthc.site`) renders these records; :func:`desk_json` and
:func:`desk_jsonld` write them for other tools.

The linked data uses schema.org ``GovernmentService`` with the EU CPSV-AP
terms where they fit (``docs/site.md`` has the mapping table):

>>> from datetime import date
>>> from tthc.catalog import load_catalog
>>> pub = publish(load_catalog(), "xa-tung-lam", date(2019, 12, 31))
>>> pub.count == pub.posting.count, pub.procedures[0].code_label
(True, '1.005412')
>>> node = procedure_jsonld(pub, pub.procedures[0])
>>> node["@type"], node["identifier"]
(['GovernmentService', 'cpsv:PublicService'], '1.005412')

A procedure without a national code shows ``chưa có mã số``:

>>> code_label(""), code_label("1.001193")
('chưa có mã số', '1.001193')
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from tthc.codes import NO_CODE, code_label
from tthc.decision import DecisionKey
from tthc.posting_list import (
    PostingList,
    build_posting_list,
    decision_label,
    feedback_lines,
)
from tthc.procedure import Level
from tthc.proctime import TimeUnit
from tthc.text import fold, nfc

if TYPE_CHECKING:
    from tthc.catalog import Catalog, InForce
    from tthc.proctime import ProcessingTime

__all__ = [
    "DEFAULT_QR_URL",
    "NO_CODE",
    "SCHEMA_VERSION",
    "HistoryStep",
    "LinkedCode",
    "Publication",
    "PublishedProcedure",
    "code_label",
    "desk_json",
    "desk_jsonld",
    "dumps",
    "iso_duration",
    "procedure_jsonld",
    "procedure_slug",
    "publish",
]

#: The version of the desk JSON layout (``desk_json()["schema_version"]``).
SCHEMA_VERSION = 1

#: The default target of a procedure's QR code: its page on the national public-service portal,
#: found by the ``ma_thu_tuc`` parameter (domain.md §4.2). ``{code}`` is the national code.
DEFAULT_QR_URL = (
    "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={code}"
)

_SAFE_SLUG = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,63}")


def procedure_slug(code: str | None, name: str) -> str:
    """The file stem of a procedure's page: its code, or a stable id from its name.

    A code that cannot be a plain file name (and a missing code) gives
    ``khong-ma-`` and ten hex digits of the SHA-256 of the folded name, so the
    name of the page does not change between builds.

    >>> procedure_slug("1.001193", "Đăng ký khai sinh")
    '1.001193'
    >>> procedure_slug("", "Đăng ký khai sinh") == procedure_slug(None, "ĐĂNG KÝ KHAI SINH")
    True
    >>> procedure_slug("../x", "A").startswith("khong-ma-")
    True
    """
    if code and _SAFE_SLUG.fullmatch(code) and ".." not in code:
        return code
    digest = hashlib.sha256(fold(f"{code or ''}|{name}").encode("utf-8")).hexdigest()
    return f"khong-ma-{digest[:10]}"


@attrs.frozen(kw_only=True)
class LinkedCode:
    """A procedure related by replacement: its code, the decision and the date."""

    code: str
    decision: str
    effective: date


@attrs.frozen(kw_only=True)
class HistoryStep:
    """One version of the procedure at the desk's level: what started it, and when."""

    kind: str
    kind_label: str
    decision: str
    valid_from: date
    valid_until: date | None


@attrs.frozen(kw_only=True)
class PublishedProcedure:
    """One procedure as the desk publishes it (display text, NFC).

    Attributes:
        stt: its number on the posting list.
        slug: the file stem of its page (:func:`procedure_slug`).
        code: the national code (``""`` when it has none).
        group: the index of its field group on the posting list (from 0).
        processing_time: the time as posted (after a local cut).
        statutory_time: the announced time, set only where a cut applies.
        cut_decision: the decision of that cut (number and date).
        decision: the decision that last set the content.
        last_change: the decision of the latest change of any kind (content,
            cut, or service), with what it did.
        history: every version at the desk's level, oldest first.
    """

    stt: int
    slug: str
    code: str
    name: str
    local_code: str = ""
    level: str
    level_name: str
    field: str
    #: The sector (ngành) of the field, as offices write it ("xây dựng"); ``""`` when the
    #: catalogue's sector table does not know the field (:mod:`tthc.sectors`).
    sector: str = ""
    group: int
    agency: str = ""
    processing_time: str
    processing_unit: str | None = None
    #: The posted time as an ISO 8601 duration (calendar days and hours only).
    processing_duration: str | None = None
    statutory_time: str | None = None
    cut_decision: str | None = None
    fees: str = ""
    online: str = ""
    online_mode: str | None = None
    postal: str = ""
    postal_receive: bool = False
    postal_deliver: bool = False
    legal_basis: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    method: str | None = None
    dossier: str | None = None
    steps: str | None = None
    applicants: str | None = None
    result: str | None = None
    conditions: str | None = None
    decision: str
    since: date
    last_change: str
    history: tuple[HistoryStep, ...] = ()
    replaces: tuple[LinkedCode, ...] = ()
    replaced_by: tuple[LinkedCode, ...] = ()

    @property
    def code_label(self) -> str:
        """The code, or ``chưa có mã số``."""
        return code_label(self.code)


@attrs.frozen(kw_only=True)
class Publication:
    """What one desk publishes on one date: its posting list and the procedures' details."""

    posting: PostingList
    procedures: tuple[PublishedProcedure, ...]

    @property
    def count(self) -> int:
        """The number of procedures (equal to the posting list's)."""
        return len(self.procedures)

    @property
    def as_of(self) -> date:
        """The date the publication is true on."""
        return self.posting.as_of


def _label(key: DecisionKey | None) -> str | None:
    return None if key is None else decision_label(key)


def _optional(text: str | None) -> str | None:
    value = nfc(text) if text else ""
    return value or None


def iso_duration(time: ProcessingTime | None) -> str | None:
    """The time as an ISO 8601 duration, where one exists: calendar days and hours.

    Working days have no ISO 8601 form (a duration does not know the
    calendar), so they give ``None``; the text says them.

    >>> from tthc.proctime import parse_processing_time
    >>> [iso_duration(parse_processing_time(text)) for text in ("30 ngày", "08 giờ")]
    ['P30D', 'PT8H']
    >>> iso_duration(parse_processing_time("05 ngày làm việc")) is None
    True
    """
    if time is None or time.amount is None or time.amount_max is not None:
        return None
    amount = format(time.amount.normalize(), "f")
    if time.unit is TimeUnit.CALENDAR_DAY:
        return f"P{amount}D"
    if time.unit is TimeUnit.WORKING_HOUR:
        return f"PT{amount}H"
    return None


def _history(catalog: Catalog, record: InForce, as_of: date) -> tuple[HistoryStep, ...]:
    """The versions up to the one in force on *as_of* (later ones are not known yet)."""
    steps = []
    for version in catalog.timelines.get((record.code, record.level), ()):
        if version.valid_from > record.version.valid_from:
            break
        until = version.valid_until
        if until is not None and until > as_of:
            until = None
        steps.append(
            HistoryStep(
                kind=version.kind.value,
                kind_label=version.kind.label_vi,
                decision=decision_label(version.decision),
                valid_from=version.valid_from,
                valid_until=until,
            )
        )
    return tuple(steps)


def _lineage(
    catalog: Catalog, code: str, as_of: date
) -> tuple[tuple[LinkedCode, ...], tuple[LinkedCode, ...]]:
    """The codes *code* replaced and was replaced by, up to *as_of*."""
    from tthc.errors import UnknownProcedure

    try:
        lineage = catalog.lineage(code)
    except UnknownProcedure:
        return (), ()

    def linked(steps: Any, attr: str) -> tuple[LinkedCode, ...]:
        seen: dict[str, LinkedCode] = {}
        for step in steps:
            if step.effective > as_of:
                continue
            other = getattr(step, attr)
            seen.setdefault(
                other,
                LinkedCode(code=other, decision=decision_label(step.decision),
                           effective=step.effective),
            )
        return tuple(seen.values())

    return linked(lineage.replaces, "old"), linked(lineage.replaced_by, "new")


def _published(
    catalog: Catalog, record: InForce, stt: int, group: int, as_of: date
) -> PublishedProcedure:
    procedure = record.procedure
    statutory = nfc(procedure.processing_time.text)
    applied = nfc(record.applied_time.text) if record.applied_time is not None else None
    cut = applied is not None and applied != statutory
    posted_time = record.applied_time if cut else procedure.processing_time
    version = record.version
    last = f"{decision_label(version.decision)} ({version.kind.label_vi})"
    replaces, replaced_by = _lineage(catalog, procedure.code, as_of)
    sector = catalog.sectors.sector_of(procedure.field)
    online = record.online
    mode = None if online is None or online.current_mode is None else online.current_mode.value
    return PublishedProcedure(
        stt=stt,
        slug=procedure_slug(procedure.code, procedure.name),
        code=procedure.code,
        name=procedure.name,
        local_code=nfc(procedure.local_code),
        level=record.level,
        level_name=Level.name_of(record.level),
        field=procedure.field.name,
        sector="" if sector is None else sector.sector,
        group=group,
        agency=nfc(procedure.agency),
        processing_time=applied if cut and applied is not None else statutory,
        processing_unit=None if posted_time is None or posted_time.unit is None
        else posted_time.unit.value,
        processing_duration=iso_duration(posted_time),
        statutory_time=statutory if cut else None,
        cut_decision=_label(record.cut_decision) if cut else None,
        fees=nfc(procedure.fees.text),
        online="" if online is None else str(online),
        online_mode=mode,
        postal=_postal(record),
        postal_receive=record.postal.receive,
        postal_deliver=record.postal.deliver,
        legal_basis=tuple(nfc(item) for item in procedure.legal_basis if nfc(item)),
        forms=tuple(nfc(item) for item in procedure.forms if nfc(item)),
        method=_optional(procedure.method),
        dossier=_optional(procedure.dossier),
        steps=_optional(procedure.steps),
        applicants=_optional(procedure.applicants),
        result=_optional(procedure.result),
        conditions=_optional(procedure.conditions),
        decision=decision_label(record.decision),
        since=record.since,
        last_change=last,
        history=_history(catalog, record, as_of),
        replaces=replaces,
        replaced_by=replaced_by,
    )


def _postal(record: InForce) -> str:
    from tthc.posting_list import postal_label

    return postal_label(record.postal)


def publish(catalog: Catalog, desk_id: str, as_of: date) -> Publication:
    """Gather what desk *desk_id* publishes on *as_of*.

    The procedures are those of the desk's posting list, in its order and
    numbering; each row is matched to its record in force by code.

    Raises:
        UnknownDesk: no such desk, or the desk is not open on *as_of*.
    """
    posting = build_posting_list(catalog, desk_id, as_of)
    records = {
        record.code: record
        for record in catalog.as_of(as_of).entries(desk=desk_id)
        if not record.procedure.internal
    }
    items = []
    for index, group in enumerate(posting.groups):
        for row in group.rows:
            record = records[row.code]
            items.append(_published(catalog, record, row.stt, index, as_of))
    return Publication(posting=posting, procedures=tuple(items))


# --------------------------------------------------------------------------- JSON


def dumps(data: Any, *, compact: bool = False) -> str:
    """Deterministic JSON text: sorted keys, UTF-8 kept, a final newline.

    Indented by two spaces, or on one line with *compact* (the site's data
    files: Python's JSON encoder is several times faster without indent).

    >>> dumps({"b": 1, "a": "Hộ tịch"}, compact=True)
    '{"a":"Hộ tịch","b":1}\\n'
    """
    if compact:
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                          default=str) + "\n"
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"


def _procedure_json(item: PublishedProcedure) -> dict[str, Any]:
    data = attrs.asdict(item, recurse=True)
    data["code"] = item.code or None
    data["code_label"] = item.code_label
    return data


def desk_json(pub: Publication) -> dict[str, Any]:
    """The whole desk catalogue as plain JSON data (keys in ``docs/site.md``).

    >>> from datetime import date
    >>> from tthc.catalog import load_catalog
    >>> data = desk_json(publish(load_catalog(), "huyen", date(2019, 12, 31)))
    >>> data["count"], len(data["procedures"]), data["desk"]["id"]
    (139, 139, 'huyen')
    """
    pl = pub.posting
    desk = pl.desk
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": "tthc",
        "as_of": pl.as_of.isoformat(),
        "unit": {"name": pl.unit_name, "province": pl.province},
        "desk": {
            "id": desk.id,
            "name": desk.name,
            "level": desk.level,
            "level_name": Level.name_of(desk.level),
            "feedback": [{"label": label, "value": value} for label, value in
                         feedback_lines(desk)],
        },
        "count": pub.count,
        "fields": [
            {"numeral": group.numeral, "name": group.field.name, "key": group.field.key,
             "count": group.count}
            for group in pl.groups
        ],
        "source_decisions": list(pl.source_decisions),
        "procedures": [_procedure_json(item) for item in pub.procedures],
    }


#: The JSON-LD context: schema.org by default, CPSV-AP (``cv:``, ``cpsv:``) and Dublin Core.
JSONLD_CONTEXT: dict[str, Any] = {
    "@vocab": "https://schema.org/",
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "tthc": "urn:tthc:vocab#",
}


def _node_id(item: PublishedProcedure, pub: Publication) -> str:
    return f"urn:tthc:{pub.posting.desk.id}:{item.slug}"


def procedure_jsonld(
    pub: Publication, item: PublishedProcedure, *, url: str | None = None
) -> dict[str, Any]:
    """One procedure as a JSON-LD node (without ``@context``; :func:`desk_jsonld` adds it).

    *url* is the procedure's public page, when the site has a known address.
    """
    pl = pub.posting
    desk = pl.desk
    operator = {"@type": "GovernmentOrganization", "name": desk.name}
    if desk.feedback is not None and desk.feedback.address:
        operator["address"] = nfc(desk.feedback.address)
    if desk.feedback is not None and desk.feedback.phone:
        operator["telephone"] = nfc(desk.feedback.phone)
    if desk.feedback is not None and desk.feedback.email:
        operator["email"] = nfc(desk.feedback.email)
    channel: dict[str, Any] = {
        "@type": ["ServiceChannel", "cv:Channel"],
        "name": "Trực tiếp tại Bộ phận Một cửa",
        "serviceLocation": {"@type": "Place", "name": desk.name},
        "tthc:processingTimeText": item.processing_time,
    }
    duration = item.processing_duration
    if duration is not None:
        channel["processingTime"] = duration
    node: dict[str, Any] = {
        "@id": _node_id(item, pub),
        "@type": ["GovernmentService", "cpsv:PublicService"],
        "name": item.name,
        "dct:title": item.name,
        "identifier": item.code or item.slug,
        "dct:identifier": item.code or item.slug,
        "tthc:codeLabel": item.code_label,
        "serviceType": item.field,
        "cv:thematicArea": item.field,
        "tthc:level": item.level_name,
        "serviceOperator": operator,
        "cv:hasCompetentAuthority": {"@type": ["GovernmentOrganization", "cv:PublicOrganisation"],
                                     "name": item.agency or desk.name},
        "areaServed": {"@type": "AdministrativeArea", "name": pl.unit_name},
        "jurisdiction": {"@type": "AdministrativeArea", "name": pl.province},
        "availableChannel": [channel],
        "tthc:processingTimeText": item.processing_time,
        "cv:hasCost": {"@type": "cv:Cost", "dct:description": item.fees},
        "tthc:announcedBy": item.decision,
        "tthc:lastChange": item.last_change,
        "dct:modified": item.since.isoformat(),
        "inLanguage": "vi",
    }
    if duration is not None:
        node["cv:processingTime"] = duration
    if item.statutory_time is not None:
        node["tthc:statutoryProcessingTime"] = item.statutory_time
        node["tthc:cutDecision"] = item.cut_decision
    if item.online:
        node["availableChannel"].append(
            {"@type": ["ServiceChannel", "cv:Channel"], "name": "Dịch vụ công trực tuyến",
             "description": item.online}
        )
    if item.postal:
        node["availableChannel"].append(
            {"@type": ["ServiceChannel", "cv:Channel"], "name": "Dịch vụ bưu chính công ích",
             "description": item.postal}
        )
    if item.legal_basis:
        node["cv:hasLegalResource"] = [
            {"@type": "eli:LegalResource", "name": text} for text in item.legal_basis
        ]
    if item.applicants:
        node["audience"] = {"@type": "Audience", "audienceType": item.applicants}
    if item.result:
        node["serviceOutput"] = {"@type": "Thing", "name": item.result}
        node["cv:produces"] = {"@type": "cv:Output", "name": item.result}
    if item.dossier:
        node["cv:hasInput"] = {"@type": "cv:Evidence", "dct:description": item.dossier}
    if item.conditions:
        node["cv:holdsRequirement"] = {"@type": "cv:Requirement",
                                       "dct:description": item.conditions}
    if item.replaces:
        node["dct:replaces"] = [f"urn:tthc:{desk.id}:{procedure_slug(link.code, '')}"
                                for link in item.replaces]
    if item.replaced_by:
        node["dct:isReplacedBy"] = [f"urn:tthc:{desk.id}:{procedure_slug(link.code, '')}"
                                    for link in item.replaced_by]
    if url is not None:
        node["url"] = url
    return node



def desk_jsonld(pub: Publication, *, urls: dict[str, str] | None = None) -> dict[str, Any]:
    """Every procedure of the desk as one JSON-LD document (``@graph``).

    *urls* maps a procedure's slug to its public page, where known.
    """
    urls = urls or {}
    return {
        "@context": JSONLD_CONTEXT,
        "@graph": [
            procedure_jsonld(pub, item, url=urls.get(item.slug)) for item in pub.procedures
        ],
    }

