"""Write listing.atom.xml, the arXiv listing replayed by benchmarks/discover_quality.py.

The feed holds, newest first, (1) every <entry> of the real arXiv API answers recorded in
tests/data/arxiv-api/ (copied as arXiv wrote them: authors, categories, dates), and (2) one
entry per record of records.json: a real arXiv paper whose id, title and abstract were read on
the page its ``source`` names. Those pages give no submission day, so ``published`` is the
first day of the month the arXiv id encodes (2401.01662 → 2024-01-01); no author or category
is invented for them. Run:  python benchmarks/data/discover/build_feed.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
RECORDED = HERE.parents[2] / "tests" / "data" / "arxiv-api"
FEED = HERE / "listing.atom.xml"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>https://arxiv.org/api/diffusion-kb-discover-benchmark</id>\n"
        "  <title>arXiv Query: diffusion-kb discover benchmark listing</title>\n"
        "  <updated>2026-12-01T00:00:00Z</updated>\n"
        "  <opensearch:itemsPerPage>{count}</opensearch:itemsPerPage>\n"
        "  <opensearch:totalResults>{count}</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n")


def id_month(arxiv_id: str) -> str:
    """``2401.01662`` → ``2024-01-01T00:00:00Z`` (the id's year and month)."""
    yymm = arxiv_id.split(".")[0]
    year = int(yymm[:2]) + (1900 if int(yymm[:2]) > 90 else 2000)
    return f"{year:04d}-{yymm[2:]}-01T00:00:00Z"


def record_entry(record: dict) -> tuple[str, str]:
    when = id_month(record["arxiv"])
    entry = (f"  <entry>\n    <id>http://arxiv.org/abs/{record['arxiv']}v1</id>\n"
             f"    <title>{escape(record['title'])}</title>\n"
             f"    <updated>{when}</updated>\n    <published>{when}</published>\n"
             f"    <summary>{escape(record['abstract'])}</summary>\n"
             f'    <link href="https://arxiv.org/abs/{record["arxiv"]}v1" rel="alternate" '
             'type="text/html"/>\n  </entry>\n')
    return when, entry


def recorded_entries() -> list[tuple[str, str]]:
    """The real arXiv entries of the recorded answers (error feeds left out)."""
    found = []
    for path in sorted(RECORDED.glob("*.json")):
        answer = json.loads(path.read_text(encoding="utf-8"))
        if answer["status_code"] != 200:
            continue
        for entry in re.findall(r"  <entry>.*?</entry>\n", answer["body"], re.S):
            published = re.search(r"<published>(.*?)</published>", entry)[1]
            found.append((published, entry))
    return found


def main() -> None:
    records = json.loads((HERE / "records.json").read_text(encoding="utf-8"))
    entries = recorded_entries() + [record_entry(r) for r in records]
    entries.sort(key=lambda pair: pair[0], reverse=True)  # arXiv lists newest first
    FEED.write_text(HEAD.format(count=len(entries)) + "".join(e for _, e in entries)
                    + "</feed>\n", encoding="utf-8")
    print(f"wrote {FEED} ({len(entries)} entries)")


if __name__ == "__main__":
    main()
