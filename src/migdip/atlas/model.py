"""Typed Atlas records. Coded fields are checked against the codebook's vocabularies.

The models check structure and single values; checks that span fields (a figure's source must be
listed, an actor must exist, dates in order) live in :mod:`migdip.atlas.validate`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from migdip.atlas.codebook import vocabulary
from migdip.data.series import parse_series

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
ACCEPTED_DATES = "YYYY, YYYY-MM or YYYY-MM-DD (quoted)"


def _in_vocabulary(name: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        allowed = vocabulary(name)
        if value not in allowed:
            raise ValueError(f"{value!r} is not a known {name}; accepted: {', '.join(allowed)}")
        return value

    return check


def _series(value: str) -> str:
    parse_series(value)  # its ValueError names the bad part and what is accepted
    return value


def _date_to_text(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _check_partial_date(value: str) -> str:
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date; accepted: {ACCEPTED_DATES}")
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date; accepted: {ACCEPTED_DATES}") from None
    return value


def _check_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError(f"{value!r} is not a web address; accepted: http:// or https:// URLs")
    return value


def _check_currency(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"{value!r} is not an ISO 4217 code; accepted: three capitals, e.g. EUR")
    return value


def vocab(name: str) -> AfterValidator:
    return AfterValidator(_in_vocabulary(name))


PartialDate = Annotated[str, BeforeValidator(_date_to_text), AfterValidator(_check_partial_date)]
Url = Annotated[str, AfterValidator(_check_url)]
Currency = Annotated[str, AfterValidator(_check_currency)]
# Control characters (other than tab and newline), ANSI escapes and bidirectional overrides can
# make text display as something else (escape injection in a terminal, "evil" shown as "live").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _check_text(value: str) -> str:
    found = _UNSAFE.search(value)
    if found:
        raise ValueError(
            f"text holds the control character U+{ord(found.group()):04X} at position "
            f"{found.start()}; accepted: printable text, tabs and new lines (no control, escape "
            "or bidirectional-override characters)"
        )
    return value


Text = Annotated[str, AfterValidator(_check_text)]
NonEmpty = Annotated[Text, Field(min_length=1)]
RecordId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{2,79}$")]
SourceId = Annotated[str, Field(pattern=r"^s[0-9]+$")]
Amount = Annotated[float, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Item(_Strict):
    type: Annotated[str, vocab("item_type")]
    description: Text | None = None
    amount: Amount | None = None
    unit: Text | None = None
    currency: Currency | None = None
    period: Text | None = None
    status: Annotated[str, vocab("item_status")] | None = None
    sources: list[SourceId] = Field(default_factory=list)


class Party(_Strict):
    actor: NonEmpty
    name: Text | None = None
    actor_type: Annotated[str, vocab("actor_type")] | None = None
    positions: Annotated[list[Annotated[str, vocab("position")]], Field(min_length=1)]
    role: Annotated[str, vocab("role")]
    gives: list[Item] = Field(default_factory=list)
    gets: list[Item] = Field(default_factory=list)
    got: Annotated[str, vocab("got")] | None = None
    got_detail: Text | None = None
    got_reason: Text | None = None
    got_sources: list[SourceId] = Field(default_factory=list)
    note: Text | None = None


class Approach(_Strict):
    mode: Annotated[str, vocab("approach_mode")]
    sum: Annotated[str, vocab("approach_sum")] | None = None
    incentives: Annotated[str, vocab("approach_incentive")] | None = None
    host_strategy: Annotated[str, vocab("host_strategy")] | None = None
    challenger_type: Annotated[str, vocab("challenger_type")] | None = None
    classified_by: list[SourceId] = Field(default_factory=list)


class StatusEvent(_Strict):
    date: PartialDate
    status: Annotated[str, vocab("status")]
    note: Text | None = None
    sources: list[SourceId] = Field(default_factory=list)


class FlowEffect(_Strict):
    metric: NonEmpty
    before_value: float | None = None
    before_period: Text | None = None
    after_value: float | None = None
    after_period: Text | None = None
    sources: list[SourceId] = Field(default_factory=list)
    computed: bool = False
    series: Annotated[str, AfterValidator(_series)] | None = None
    note: Text | None = None


class MoneyFigure(_Strict):
    """One dated money figure: promised, committed (contracted) or disbursed (paid).

    Figures of one ``tranche`` and stage at several dates are cumulative snapshots (the latest
    counts); figures of different tranches add up.
    """

    stage: Annotated[str, vocab("money_stage")]
    amount: Amount
    currency: Currency
    as_of: PartialDate
    tranche: Text | None = None
    note: Text | None = None
    sources: Annotated[list[SourceId], Field(min_length=1)]


class RightsEffect(_Strict):
    who: NonEmpty
    what: NonEmpty
    effect: Annotated[str, vocab("rights_effect")]
    sources: Annotated[list[SourceId], Field(min_length=1)]


class Unknown(_Strict):
    field: Annotated[str, vocab("unknown_field")]
    reason: NonEmpty


class Outcome(_Strict):
    status: Annotated[list[StatusEvent], Field(min_length=1)]
    flow_effects: list[FlowEffect] = Field(default_factory=list)
    rights_effect: Annotated[str, vocab("rights_effect")] | None = None
    rights_note: Text | None = None
    rights: list[RightsEffect] = Field(default_factory=list)
    money: list[MoneyFigure] = Field(default_factory=list)
    unknown: list[Unknown] = Field(default_factory=list)


class Coercion(_Strict):
    """A threat or an engineered movement of people: what was demanded and what was done."""

    demands: NonEmpty
    carried_out: Annotated[str, vocab("carried_out")]
    people_moved: Amount | None = None
    people_threatened: Amount | None = None
    greenhill_case: bool = False
    greenhill_outcome: Annotated[str, vocab("coercion_outcome")] | None = None
    note: Text | None = None
    sources: Annotated[list[SourceId], Field(min_length=1)]


class Source(_Strict):
    id: SourceId
    url: Url
    title: NonEmpty
    publisher: Text | None = None
    date: PartialDate | None = None


class Record(_Strict):
    id: RecordId
    title: NonEmpty
    kind: Annotated[str, vocab("record_kind")]
    summary: NonEmpty
    date_start: PartialDate
    date_end: PartialDate | None = None
    instruments: Annotated[list[Annotated[str, vocab("instrument")]], Field(min_length=1)]
    regions: Annotated[list[Annotated[str, vocab("region")]], Field(min_length=1)]
    routes: list[Annotated[str, vocab("route")]] = Field(default_factory=list)
    parties: Annotated[list[Party], Field(min_length=1)]
    approach: Approach
    domains: list[Annotated[str, vocab("domain")]] = Field(default_factory=list)
    drivers: list[Annotated[str, vocab("driver")]] = Field(default_factory=list)
    outcome: Outcome
    coercion: Coercion | None = None
    sources: Annotated[list[Source], Field(min_length=1)]
    confidence: Annotated[str, vocab("confidence")]
    provenance: Annotated[str, vocab("provenance")] = "curated"
    provenance_dataset: Text | None = None
    provenance_row: Text | None = None
    former_ids: list[RecordId] = Field(default_factory=list)  # ids it had before (links resolve)
    related: list[RecordId] = Field(default_factory=list)
    confounders: list[RecordId] = Field(default_factory=list)
    tags: list[Text] = Field(default_factory=list)

    @property
    def year(self) -> int:
        return int(self.date_start[:4])

    @property
    def status_latest(self) -> str:
        return self.outcome.status[-1].status

    def to_document(self) -> dict[str, Any]:
        """The record as plain data, leaving out empty fields (what its YAML file holds)."""
        return self.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
