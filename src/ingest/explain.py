"""Why a record says what it says: each value of a document's events beside its evidence text.

`ingest explain DOC_ID` prints this for a stored document (its current events) or for one in a
documents file (extracted on the spot), so a wrong value in the warehouse leads to the words
that produced it and, in brackets, the id of the rule that produced it (data/rules.toml,
data/cues.toml).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SNIPPET_CHARS = 90
NO_RULE = "rule not recorded"  # evidence stored by an extractor before 0.9.0
VALUE_FIELDS = (
    "event_type",
    "event_date",
    "location_name",
    "city",
    "country_code",
    "participants",
    "mentioned_people",
    "quotes",
    "amounts",
    "topics",
    "countries_mentioned",
)


@dataclass(frozen=True, slots=True)
class Explained:
    """A document's text and title, and its events as plain mappings (record or view row)."""

    doc_id: str
    title: str | None
    text: str
    events: Sequence[Mapping[str, Any]]


def explain(found: Explained) -> str:
    """Every event's values, each followed by the passages that support it."""
    lines = [f"{found.doc_id}: {found.title or '(no title)'}"]
    if not found.events:
        lines.append("  no events")
    for number, event in enumerate(found.events, start=1):
        lines += ["", _heading(number, event)]
        evidence = list(event.get("evidence") or ())
        for field in VALUE_FIELDS:
            value = _value(event, field)
            support = [e for e in evidence if _field_of(e) in (field, f"title:{field}")]
            if value is None and not support:
                continue
            lines.append(f"  {field}: {value if value is not None else '-'}")
            lines += [f"      <- {_passage(found, e)}" for e in support]
    return "\n".join(lines)


def _heading(number: int, event: Mapping[str, Any]) -> str:
    primary = "primary" if event.get("is_primary") else "secondary"
    confidence = event.get("confidence")
    shown = f", confidence {confidence:.2f}" if isinstance(confidence, float) else ""
    return (
        f"event {number} ({primary}): {event.get('event_type')} "
        f"[CAMEO {event.get('cameo_code')}]{shown}, extractor {event.get('extractor_version')}"
    )


def _value(event: Mapping[str, Any], field: str) -> str | None:
    value = event.get(field)
    if field == "event_date" and value is not None:
        return f"{value} ({event.get('date_basis')})"
    if field in {"participants", "mentioned_people"}:
        people = [_person(p) for p in value or ()]
        return "; ".join(people) or None
    if field == "quotes":
        said = [f"{_get(q, 'speaker')}: {_short(str(_get(q, 'text')))!r}" for q in value or ()]
        return "; ".join(said) or None
    if field == "amounts":
        return "; ".join(str(_get(a, "text")) for a in value or ()) or None
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or None
    return None if value is None else str(value)


def _person(person: Any) -> str:
    status = _get(person, "name_status")
    shown: tuple[Any, ...] = (_get(person, "title"), _get(person, "affiliation"))
    if status and status != "full":
        shown += (str(status).replace("_", " "),)  # "resolved", "surname only"
    office = ", ".join(str(x) for x in shown if x)
    return f"{_get(person, 'name')} ({office})" if office else str(_get(person, "name"))


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _field_of(evidence: Any) -> str:
    return str(_get(evidence, "field"))


def _passage(found: Explained, evidence: Any) -> str:
    field, start, end = (
        _field_of(evidence),
        int(_get(evidence, "start")),
        int(_get(evidence, "end")),
    )
    source, where = (found.title or "", "title") if field.startswith("title:") else (found.text, "")
    words = _short(source[start:end])
    rule = _get(evidence, "rule") or NO_RULE
    return f'"{words}" ({where + " " if where else ""}{start}-{end}) [{rule}]'


def _short(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= SNIPPET_CHARS else words[: SNIPPET_CHARS - 3] + "..."
