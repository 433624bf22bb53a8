"""Print N random facts of the catalog with the URLs they were read from, for a person to
check each one against its source.

A fact is one field of a paper or survey that names its sources: its title, authors, year,
date, venue, arXiv id and DOI (to check at ``sources.metadata``), and each of its cites (to
find in the reference list at ``sources.references``). Facts without a source are never
drawn: there would be nothing to check them against. The same ``--seed`` draws the same
facts, so two people can check one sample.

Usage:    python scripts/audit_sample.py N [--seed S] [--catalog DIR] [--format text|json]
Example:  .venv/bin/python scripts/audit_sample.py 20 --seed 7
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.catalog import Catalog, default_catalog_path  # noqa: E402
from kb.errors import KbError  # noqa: E402
from kb.models import Entry  # noqa: E402
from kb.provenance import SOURCED_KINDS  # noqa: E402

METADATA_FIELDS = ("title", "authors", "year", "date", "venue", "arxiv", "doi")


@dataclass(frozen=True)
class Fact:
    """One value of one entry and where it was read."""

    entry_id: str
    field: str
    value: str
    sources: list[str]


def entry_facts(entry: Entry, titles: dict[str, str]) -> list[Fact]:
    """The facts of one entry that have a source, in field order."""
    if entry.kind not in SOURCED_KINDS or entry.sources is None:
        return []
    facts = []
    metadata = list(entry.sources.metadata)
    if metadata:
        for name in METADATA_FIELDS:
            value = getattr(entry, name)
            if value in (None, [], ""):
                continue
            text = "; ".join(value) if isinstance(value, list) else str(value)
            facts.append(Fact(entry.id, name, text, metadata))
    references = list(entry.sources.references)
    if references:
        for cited in entry.cites:
            facts.append(Fact(entry.id, "cites", f"{cited} ({titles.get(cited, '?')})",
                              references))
    return facts


def sample_facts(catalog: Catalog, count: int, seed: int | None = None) -> list[Fact]:
    """``count`` facts drawn without replacement (all of them, if there are fewer)."""
    titles = {e.id: e.title for e in catalog}
    facts = [fact for entry in sorted(catalog, key=lambda e: e.id)
             for fact in entry_facts(entry, titles)]
    return random.Random(seed).sample(facts, min(count, len(facts)))


def render_text(facts: list[Fact]) -> str:
    lines = []
    for number, fact in enumerate(facts, 1):
        lines.append(f"{number}. {fact.entry_id}  {fact.field}: {fact.value}")
        lines += [f"   check: {url}" for url in fact.sources]
    return "\n".join(lines)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"N must be at least 1, not {value}")
    return value


class Parser(argparse.ArgumentParser):
    """Bad arguments exit with 1, as every bad input to ``kb`` does (2 is for network faults)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    parser = Parser(description=__doc__.split("\n")[0],
                    epilog="Example: scripts/audit_sample.py 20 --seed 7")
    parser.add_argument("count", metavar="N", type=positive_int, help="how many facts")
    parser.add_argument("--seed", type=int, help="draw the same facts again")
    parser.add_argument("--catalog", type=Path, default=None,
                        help="catalog directory (default: $KB_CATALOG or ./catalog)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        catalog = Catalog.load(args.catalog or default_catalog_path())
    except KbError as error:
        print(error.render(), file=sys.stderr)
        return error.exit_code
    facts = sample_facts(catalog, args.count, args.seed)
    if args.format == "json":
        print(json.dumps([asdict(f) for f in facts], ensure_ascii=False, indent=2))
    elif facts:
        print(render_text(facts))
    if len(facts) < args.count:
        print(f"only {len(facts)} fact(s) in the catalog have a source", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
