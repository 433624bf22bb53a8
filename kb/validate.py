"""Turn parsed YAML files into validated entries, reporting every problem at once.

Per file: the top level must be a mapping of known fields with the right types (the pydantic
models in :mod:`kb.models`), and the id must match the file name. Across files: ids are
unique, no work is entered twice, every reference resolves. Warnings never fail validation.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from kb.ingest.same_work import WorkIndex
from kb.load import ParsedFile
from kb.models import ENTRY_FIELDS, KINDS, TOPIC_FIELDS, Entry, Result, Topic
from kb.validate_sources import check_sources

# pydantic error type → our code. Anything else is a wrong type (E103).
ERROR_CODES = {
    "extra_forbidden": "E102",
    "missing": "E104",
    "literal_error": "E105",
    "slug": "E106",
    "arxiv": "E108",
    "doi": "E109",
    "url": "E110",
    "year": "E111",
    "dataset": "E112",
    "metric": "E113",
    "result_range": "E114",
    "results_kind": "E115",
    "results_source": "E116",
}


def _did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


_ITEM_FIELDS = {"results": tuple(Result.model_fields)}


def _names_of(code: str) -> list[str]:
    from kb.results.vocabulary import vocabulary

    return vocabulary().names("dataset" if code == "E112" else "metric")


def _report_validation_error(exc: ValidationError, parsed: ParsedFile, fields: tuple[str, ...],
                             what: str, index: int | None = None) -> None:
    prefix = "" if index is None else f"{index}."
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        name = loc[-1] if loc else ""
        # A field inside a list item (results.0.nfe) is named with the item's own fields.
        known = _ITEM_FIELDS.get(loc[0], fields) if len(loc) > 2 else fields
        where = f" in {'.'.join(loc[:-1])}" if len(loc) > 1 else ""
        code = ERROR_CODES.get(error["type"], "E103")
        key = prefix + (".".join(loc) if len(loc) > 1 else name)
        if code == "E102":
            parsed.error(code, f"unknown field '{name}' {where.strip() or 'in ' + what}", key,
                         hint=_did_you_mean(name, known))
        elif code == "E104":
            item = prefix + ".".join(loc[:-1])
            parsed.error(code, f"missing required field '{name}'{where}",
                         item or prefix.rstrip(".") or None)
        elif code == "E105":
            parsed.error(code, f"unknown kind '{error['input']}'", key,
                         hint=_did_you_mean(str(error["input"]), KINDS)
                         or f"use one of {', '.join(KINDS)}")
        elif code in ("E112", "E113"):
            known = _names_of(code)
            parsed.error(code, error["msg"], key,
                         hint=_did_you_mean(str(error["input"]), known))
        elif code == "E103":
            where = f"field '{'.'.join(loc)}'" if loc else what
            parsed.error(code, f"{where}: {error['msg'].lower()} "
                         f"(got {type(error['input']).__name__})", key)
        else:
            parsed.error(code, error["msg"], key or ("results" if code in ("E115", "E116")
                                                       else None))


def validate_entry(parsed: ParsedFile, file_path: Path | None = None) -> Entry | None:
    """The entry in one parsed file, or None with diagnostics added to ``parsed``."""
    if parsed.diagnostics:
        return None
    if not isinstance(parsed.data, dict):
        got = "an empty file" if parsed.data is None else f"a {type(parsed.data).__name__}"
        parsed.error("E101", f"the top level must be a mapping of fields, not {got}")
        return None
    non_string = [key for key in parsed.data if not isinstance(key, str)]
    for key in non_string:
        parsed.error("E103", f"field names must be strings, not {key!r}", str(key))
    if non_string:
        return None
    try:
        entry = Entry.model_validate(parsed.data)
    except ValidationError as exc:
        _report_validation_error(exc, parsed, ENTRY_FIELDS, "an entry")
        return None
    if file_path is not None and file_path.stem != entry.id:
        parsed.error("E107", f"id '{entry.id}' does not match the file name "
                     f"'{file_path.name}'", "id", hint=f"rename the file to {entry.id}.yaml")
        return None
    return entry


def validate_topics(parsed: ParsedFile) -> list[Topic]:
    """Topics of ``topics.yaml`` (a list of mappings); diagnostics go to ``parsed``."""
    if parsed.diagnostics:
        return []
    if parsed.data is None:
        return []
    if not isinstance(parsed.data, list):
        parsed.error("E101", "topics.yaml must be a list of topics")
        return []
    topics: list[tuple[int, Topic]] = []
    seen: set[str] = set()
    for index, item in enumerate(parsed.data):
        try:
            topic = Topic.model_validate(item)
        except ValidationError as exc:
            _report_validation_error(exc, parsed, TOPIC_FIELDS, "a topic", index)
            continue
        if topic.id in seen:
            parsed.error("E201", f"duplicate topic id '{topic.id}'", f"{index}.id")
            continue
        seen.add(topic.id)
        topics.append((index, topic))
    known = {t.id for _, t in topics}
    for index, topic in topics:
        if topic.parent and topic.parent not in known:
            parsed.error("E203", f"unknown parent topic '{topic.parent}'", f"{index}.parent",
                         hint=_did_you_mean(topic.parent, known))
    return [t for _, t in topics]


def check_across(entries: list[tuple[Entry, ParsedFile]], topic_ids: set[str]) -> list[Entry]:
    """Cross-file rules: unique ids, one entry per work, references resolve; topic warnings."""
    by_id: dict[str, tuple[Entry, ParsedFile]] = {}
    kept: list[Entry] = []
    for entry, parsed in entries:
        if entry.id in by_id:
            parsed.error("E201", f"duplicate id '{entry.id}' (also in {by_id[entry.id][1].path})",
                         "id")
            continue
        by_id[entry.id] = (entry, parsed)
        kept.append(entry)
    works = WorkIndex()
    for entry in kept:
        if match := works.find_entry(entry):
            field = {"arXiv id": "arxiv", "DOI": "doi"}.get(match.by, "title")
            what = "title, year and first author" if match.by == "title" else match.by
            by_id[entry.id][1].error(
                "E202", f"same {what} as '{match.entry_id}': one work is one entry "
                "(a preprint and its published version included)", field)
        else:
            works.add(entry)
    methods = {e.id for e in kept if e.kind == "method"}
    for entry in kept:
        _check_references(entry, by_id[entry.id][1], by_id, methods, topic_ids)
        check_sources(entry, by_id[entry.id][1], by_id)
    return kept


def _check_references(entry: Entry, parsed: ParsedFile, by_id: dict, methods: set[str],
                      topic_ids: set[str]) -> None:
    targets = {"cites": by_id, "builds_on": by_id, "papers": by_id, "methods": methods,
               "topics": topic_ids}
    for field, known in targets.items():
        for index, ref in enumerate(getattr(entry, field)):
            if ref not in known:
                what = {"methods": "method", "topics": "topic"}.get(field, "entry")
                parsed.error("E203", f"{field}: unknown {what} '{ref}'", f"{field}.{index}",
                             hint=_did_you_mean(ref, known))
            elif field != "topics" and ref == entry.id:
                parsed.error("E203", f"{field}: '{ref}' refers to the entry itself",
                             f"{field}.{index}")
    if entry.demo and entry.demo not in methods:
        parsed.error("E203", f"demo: '{entry.demo}' is not a method id (demo pages are named "
                     "after methods)", "demo", hint=_did_you_mean(entry.demo, methods))
    if not entry.topics:
        parsed.error("W301", f"entry '{entry.id}' has no topic", "id", severity="warning",
                     hint="add `topics:` so it appears in the topic pages")
