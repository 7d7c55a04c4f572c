"""The rule registry: every id an evidence item may name, with what the rule means.

Three data files hold the rules: `data/cues.toml` (the event type rules, `[[title_rule]]`,
`[[body_rule]]`, `[[lead_rule]]` and `[[trip_rule]]`), `data/rules.toml` (every other
mechanism: dates, places, people, facts) and `data/people_patterns.toml` (the named cue patterns
the people mechanisms read).
"""

from __future__ import annotations

from functools import cache

from ingest.extract import gazetteer as gz

RULE_FILES = ("cues.toml", "rules.toml", "people_patterns.toml")
_RULE_TABLES = ("title_rule", "body_rule", "lead_rule", "trip_rule", "rule", "pattern")


@cache
def rules() -> dict[str, str]:
    """Every rule id, with one line saying what it means, in file order."""
    found: dict[str, str] = {}
    for name in RULE_FILES:
        data = gz._toml(name)
        for table in _RULE_TABLES:
            for rule in data.get(table, ()):
                rule_id = str(rule["id"])
                if rule_id in found:
                    raise ValueError(f"rule id {rule_id!r} is listed twice (data/{name})")
                found[rule_id] = str(rule.get("means") or _event_type_meaning(rule))
    return found


def _event_type_meaning(rule: dict[str, object]) -> str:
    return f"an event type rule of cues.toml: {rule.get('event_type', '?')}"


def describe(rule_id: str) -> str:
    """What the rule means, or a note that no rule has this id (an older stored record)."""
    return rules().get(rule_id, "not a rule of this extractor")
