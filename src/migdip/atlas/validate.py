"""Validate Atlas record files into a report of every problem, not the first one.

A problem names the file, the field (``parties[1].role``), the bad value and what is accepted.
Errors stop a compile; warnings (likely duplicates, links to records not yet written) do not.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from migdip.atlas.actors import is_non_state, registry, suggest
from migdip.atlas.model import Record
from migdip.atlas.sources import weak_only

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    value: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass
class Report:
    records: list[Record] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # record id -> file
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors


def _show(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def field_path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _accepted_fields(model: type[Any]) -> str:
    return ", ".join(model.model_fields)


def _model_at(loc: Sequence[int | str]) -> type[Any]:
    """The pydantic model that holds the field at ``loc`` (for 'accepted fields' hints)."""
    model: type[Any] = Record
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation
        inner = _first_model(annotation)
        if inner is None:
            break
        model = inner
    return model


def _first_model(annotation: Any) -> type[Any] | None:
    """The first pydantic model inside a (possibly nested, Annotated, Optional) annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def _pydantic_problems(file: str, exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        path = field_path(loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            owner = _model_at(loc)
            message = f"unknown field {str(loc[-1])!r}; accepted fields: {_accepted_fields(owner)}"
            value = ""
        elif kind == "missing":
            message = "required field is missing"
            value = ""
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
            value = "" if kind == "value_error" else _show(err.get("input"))
        problems.append(Problem(file, path, value, message))
    return problems


def figure_sources(record: Record) -> Iterable[tuple[str, list[str], bool]]:
    """(field path, source ids, needs a source) for every place that cites sources."""
    for i, party in enumerate(record.parties):
        for direction in ("gives", "gets"):
            for j, item in enumerate(getattr(party, direction)):
                yield (
                    f"parties[{i}].{direction}[{j}]",
                    item.sources,
                    item.amount is not None,
                )
        yield f"parties[{i}].got", party.got_sources, False
    for k, effect in enumerate(record.outcome.flow_effects):
        has_figure = effect.before_value is not None or effect.after_value is not None
        yield f"outcome.flow_effects[{k}]", effect.sources, has_figure and not effect.computed
    for k, figure in enumerate(record.outcome.money):
        yield f"outcome.money[{k}]", figure.sources, True
    for k, rights in enumerate(record.outcome.rights):
        yield f"outcome.rights[{k}]", rights.sources, True
    for k, event in enumerate(record.outcome.status):
        yield f"outcome.status[{k}]", event.sources, False
    yield "approach.classified_by", record.approach.classified_by, False
    if record.coercion is not None:
        yield "coercion", record.coercion.sources, True


CODED = frozenset({"all", "most", "some", "none"})  # a party's outcome that is known
OUTCOME_CODINGS = ("outcome.money", "outcome.rights", "outcome.flow_effects", "coercion")


def weak_codings(record: Record) -> list[tuple[str, list[str]]]:
    """(field path, source ids) of the outcome codings whose every source is a mirror, an
    aggregator, a blog or an encyclopedia (see migdip.atlas.sources)."""
    urls = {s.id: str(s.url) for s in record.sources}
    return [
        (path, ids)
        for path, ids, _ in figure_sources(record)
        if (path.endswith(".got") or path.startswith(OUTCOME_CODINGS))
        and ids
        and weak_only(urls[i] for i in ids if i in urls)
    ]


COERCIVE_INSTRUMENTS = frozenset({"threat_to_release", "engineered_movement"})


def outcome_problems(file: str, record: Record) -> list[Problem]:
    """Outcome coding the codebook asks for: a source for every coded outcome, a reason for
    every unknown, the scholarship behind a classification, coercion fields for threats."""
    out: list[Problem] = []
    for i, party in enumerate(record.parties):
        if party.got in CODED and not party.got_sources:
            out.append(
                Problem(
                    file,
                    f"parties[{i}].got_sources",
                    party.got,
                    "a coded outcome must cite its source: add got_sources: [s1]",
                    WARNING,
                )
            )
        if party.got == "unknown" and not party.got_reason:
            out.append(
                Problem(
                    file, f"parties[{i}].got_reason", "", "say why the outcome is unknown", WARNING
                )
            )
    approach = record.approach
    if (approach.host_strategy or approach.challenger_type) and not approach.classified_by:
        out.append(
            Problem(
                file,
                "approach.classified_by",
                approach.host_strategy or approach.challenger_type or "",
                "cite the scholarship that classifies the episode (Greenhill, Tsourapas...)",
                WARNING,
            )
        )
    if set(record.instruments) & COERCIVE_INSTRUMENTS and record.coercion is None:
        out.append(
            Problem(
                file,
                "coercion",
                "",
                "a threat or engineered movement needs the coercion fields (demands, "
                "carried_out, people moved or threatened, sources)",
                WARNING,
            )
        )
    if record.confidence == "high":
        for path, ids in weak_codings(record):
            out.append(
                Problem(
                    file,
                    path,
                    ", ".join(ids),
                    "confidence is high but this coding rests only on mirrors, aggregators, "
                    "blogs or encyclopedias: cite the original or lower confidence",
                    WARNING,
                )
            )
    if record.outcome.rights_effect not in (None, "unknown") and not record.outcome.rights:
        out.append(
            Problem(
                file,
                "outcome.rights",
                record.outcome.rights_effect or "",
                "a rights effect needs sourced entries in outcome.rights (who, what, sources)",
                WARNING,
            )
        )
    return out


def record_problems(file: str, record: Record) -> list[Problem]:
    """Checks that span fields of one record."""
    problems: list[Problem] = []
    source_ids = [s.id for s in record.sources]
    for sid in {s for s in source_ids if source_ids.count(s) > 1}:
        problems.append(
            Problem(file, "sources", sid, "source id is used twice; ids must be unique")
        )
    known = ", ".join(source_ids)
    for path, refs, has_figure in figure_sources(record):
        for ref in refs:
            if ref not in source_ids:
                problems.append(
                    Problem(file, f"{path}.sources", ref, f"no such source; accepted: {known}")
                )
        if has_figure and not refs:
            problems.append(
                Problem(
                    file,
                    f"{path}.sources",
                    "",
                    "a figure must cite the source it came from: add sources: [s1] "
                    "(or remove the figure)",
                )
            )
    for i, party in enumerate(record.parties):
        problems += _party_problems(file, i, party.actor, party.name, party.actor_type)
    if record.provenance == "curated":
        problems += outcome_problems(file, record)
    if record.date_end is not None and record.date_end < record.date_start[: len(record.date_end)]:
        problems.append(
            Problem(
                file, "date_end", record.date_end, f"ends before date_start {record.date_start}"
            )
        )
    dates = [e.date for e in record.outcome.status]
    for k in range(1, len(dates)):
        if dates[k][: len(dates[k - 1])] < dates[k - 1][: len(dates[k])]:
            problems.append(
                Problem(
                    file,
                    f"outcome.status[{k}].date",
                    dates[k],
                    f"status history must be oldest first; it follows {dates[k - 1]}",
                )
            )
    if record.provenance == "imported" and not record.provenance_dataset:
        problems.append(
            Problem(file, "provenance_dataset", "", "an imported record must name its dataset")
        )
    return problems


def _party_problems(
    file: str, i: int, actor: str, name: str | None, actor_type: str | None
) -> list[Problem]:
    where = f"parties[{i}]"
    if is_non_state(actor):
        out = []
        if not re.fullmatch(r"ns:[a-z0-9][a-z0-9-]*", actor):
            out.append(
                Problem(
                    file,
                    f"{where}.actor",
                    actor,
                    "accepted: ns:<slug> in lower case, e.g. ns:sea-watch",
                )
            )
        if not name:
            out.append(Problem(file, f"{where}.name", "", "a non-state actor needs a name"))
        if not actor_type or actor_type in {"state", "bloc", "io"}:
            out.append(
                Problem(
                    file,
                    f"{where}.actor_type",
                    actor_type or "",
                    "a non-state actor needs actor_type: ngo, diaspora, employer, recruiter, "
                    "armed_group or other_nonstate",
                )
            )
        return out
    if actor not in registry():
        hints = suggest(actor)
        hint = f"; did you mean {', '.join(hints)}?" if hints else ""
        return [
            Problem(
                file,
                f"{where}.actor",
                actor,
                "unknown actor; accepted: ISO 3166 alpha-3 codes, historical codes (DDR, YUG, SUN, "
                f"CSK, SCG, YMD), bloc and organisation codes from actors.csv, or ns:<slug>{hint}",
            )
        ]
    return []


_SAFE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present


class _UniqueKeyLoader(_SAFE):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's C parser when present), refusing a key given twice in one
    mapping (PyYAML keeps the last silently, so a misplaced line would overwrite a field)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} is given twice in one mapping (first on line {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def load_file(path: Path, root: Path | None = None) -> tuple[Record | None, list[Problem]]:
    """Read and check one record file."""
    name = str(path.relative_to(root)) if root is not None else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, "", "", f"cannot read the file: {exc}")]
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(name, "", "", f"not valid YAML: {where}{problem}")]
    if not isinstance(data, dict):
        return None, [Problem(name, "", _show(data), "a record file must hold a mapping of fields")]
    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        return None, _pydantic_problems(name, exc)
    problems = record_problems(name, record)
    years_in_id = re.findall(r"(?:^|-)((?:19|20)\d{2})(?=-|$)", record.id)
    if years_in_id and str(record.year) not in years_in_id:
        problems.append(
            Problem(
                name,
                "id",
                record.id,
                f"the id names the year {years_in_id[0]} but date_start is {record.date_start}; "
                "ids are permanent, so check which is right (a new record takes the year of "
                "date_start)",
                WARNING,
            )
        )
    expected = f"{record.id}.yaml"
    if path.name != expected:
        problems.append(
            Problem(name, "id", record.id, f"the file must be named after the id: {expected}")
        )
    if path.parent.name.isdigit() and path.parent.name != str(record.year):
        problems.append(
            Problem(
                name,
                "date_start",
                record.date_start,
                f"the file must sit in the folder of its year: {record.year}/",
            )
        )
    return record, problems


def collection_problems(records: list[Record], files: dict[str, list[str]]) -> list[Problem]:
    """Checks across records: duplicate ids, likely duplicates, dangling links."""
    problems: list[Problem] = []
    for rid, where in files.items():
        if len(where) > 1:
            problems.append(Problem(where[1], "id", rid, f"duplicate id: also used by {where[0]}"))
    ids = {r.id for r in records}
    first = {rid: where[0] for rid, where in files.items()}
    for r in records:
        for old in r.former_ids:
            if old in ids:
                problems.append(
                    Problem(
                        first[r.id],
                        "former_ids",
                        old,
                        "a former id may not be another record's id; accepted: ids no record uses",
                    )
                )
    for r in records:
        for kind in ("related", "confounders"):
            for link in getattr(r, kind):
                if link not in ids:
                    problems.append(
                        Problem(first[r.id], kind, link, "no record with this id", WARNING)
                    )
    problems += likely_duplicates(records, first)
    return problems


def _state_key(r: Record) -> tuple[frozenset[str], int]:
    return frozenset(p.actor for p in r.parties), r.year


def likely_duplicates(records: list[Record], first: dict[str, str]) -> list[Problem]:
    """Pairs of records with the same parties and year and similar titles or instruments."""
    groups: dict[tuple[frozenset[str], int], list[Record]] = defaultdict(list)
    for r in records:
        groups[_state_key(r)].append(r)
    problems = []
    for group in groups.values():
        for a_i, a in enumerate(group):
            for b in group[a_i + 1 :]:
                if a.provenance == b.provenance == "imported":
                    continue  # a dataset may hold several agreements of a pair in one year
                if b.id in a.related or a.id in b.related:
                    continue  # linked on purpose: known to be distinct or the same act
                same_instruments = set(a.instruments) == set(b.instruments)
                similar = difflib.SequenceMatcher(None, a.title.lower(), b.title.lower()).ratio()
                if (same_instruments and a.date_start == b.date_start) or similar > 0.85:
                    problems.append(
                        Problem(
                            first[b.id],
                            "id",
                            b.id,
                            f"likely duplicate of {a.id} ({first[a.id]}): same parties and year, "
                            f"title similarity {similar:.2f}",
                            WARNING,
                        )
                    )
    return problems


MAX_RECORD_BYTES = 1_000_000  # a record is a page of YAML; anything this large is a mistake


def record_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def stray_files(root: Path) -> list[Problem]:
    """Files the Atlas would skip: other YAML spellings, dangling links, oversized records."""
    problems = []
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink() and not path.exists():
            problems.append(
                Problem(name, "", str(path.readlink()), "a link to a file that does not exist")
            )
        elif path.is_file() and path.suffix.lower() in {".yml", ".yaml"} and path.suffix != ".yaml":
            problems.append(
                Problem(
                    name,
                    "",
                    path.suffix,
                    f"not read: record files end in .yaml; rename it to {path.stem}.yaml",
                )
            )
        elif path.suffix == ".yaml" and path.is_file() and path.stat().st_size > MAX_RECORD_BYTES:
            problems.append(
                Problem(
                    name,
                    "",
                    f"{path.stat().st_size:,} bytes",
                    f"a record file may hold at most {MAX_RECORD_BYTES:,} bytes",
                )
            )
    return problems


def validate_records(root: Path, extra: Iterable[Record] = ()) -> Report:
    """Validate every record file under ``root`` (plus already-built records, e.g. imports)."""
    report = Report()
    files: dict[str, list[str]] = defaultdict(list)
    if not root.is_dir():
        report.problems.append(
            Problem(str(root), "", "", "no such folder of records; set --records or MIGDIP_RECORDS")
        )
        return report
    stray = stray_files(root)
    report.problems += stray
    oversized = {p.file for p in stray if p.message.startswith("a record file may hold")}
    for path in record_files(root):
        if str(path.relative_to(root)) in oversized:
            continue
        record, problems = load_file(path, root)
        report.problems += problems
        if record is not None:
            name = str(path.relative_to(root))
            files[record.id].append(name)
            if len(files[record.id]) == 1:
                report.records.append(record)
                report.files[record.id] = name
    for record in extra:
        files[record.id].append(f"<{record.provenance_dataset}:{record.provenance_row}>")
        if len(files[record.id]) == 1:
            report.records.append(record)
            report.files[record.id] = files[record.id][0]
    report.problems += collection_problems(report.records, files)
    return report
