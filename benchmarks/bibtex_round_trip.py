"""Acceptance figures of issue #14 on a real large bibliography: import → export → import.

The IRIDIA BibTeX Repository (benchmarks/data/iridia: 3,305 records, 1,716 @string macros,
crossref parents) is imported with --skip-invalid into an empty catalog and exported again.
Reported: the share of records kept; the share of citation keys, entry types, family names,
pages and volumes unchanged (read from the original and from the export by pybtex, an
independent reader that does not follow crossref: authors, pages or a volume the original
record takes from its crossref parent, as BibTeX does, count as unchanged); how many entries
re-importing the export adds; whether export → import → export is byte-identical; whether
the CSL-JSON export validates against the official schema. Results go to
benchmarks/results/bibtex_round_trip.json.

Run:  python benchmarks/bibtex_round_trip.py
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
IRIDIA = HERE / "data" / "iridia"
ORDER = ("abbrev", "journals", "authors", "articles", "biblio", "crossref")
SCHEMA = HERE.parent / "tests" / "data" / "csl-schema" / "csl-data.json"
RESULTS = HERE / "results" / "bibtex_round_trip.json"
PARTS = ("citation keys", "entry types", "family names", "pages", "volumes")


def summary(text: str) -> dict[str, tuple]:
    """key (lower case) → (key, type, family names, pages, volume), as pybtex reads them."""
    import pybtex.errors
    from pybtex.database import parse_string
    from pylatexenc.latex2text import LatexNodes2Text

    pybtex.errors.set_strict_mode(False)
    to_text = LatexNodes2Text(math_mode="text").latex_to_text

    def family(person) -> str:  # noqa: ANN001
        tex = " ".join(person.prelast_names + person.last_names)
        return " ".join(to_text(tex).replace("{", "").replace("}", "").split())

    return {key.lower(): (key, entry.type.lower(),
                          [family(p) for p in entry.persons.get("author", [])],
                          entry.fields.get("pages"), entry.fields.get("volume"))
            for key, entry in parse_string(text, "bibtex").entries.items()}


def main() -> None:
    import jsonschema

    from kb.catalog import Catalog
    from kb.export import export_text
    from kb.ingest.bibtex_import import import_bibtex

    paths = [IRIDIA / f"{name}.bib" for name in ORDER]
    with tempfile.TemporaryDirectory() as tmp:
        root, fresh = Path(tmp) / "catalog", Path(tmp) / "fresh"
        root.mkdir()
        fresh.mkdir()
        start = time.perf_counter()
        result = import_bibtex(root, paths, skip_invalid=True)
        import_s = time.perf_counter() - start
        catalog = Catalog.load(root, use_cache=False)
        exported = export_text(catalog, "bibtex")
        export_path = Path(tmp) / "export.bib"
        export_path.write_text(exported, encoding="utf-8")
        again = import_bibtex(root, export_path, skip_invalid=True, dry_run=True)
        import_bibtex(fresh, export_path)
        identical = export_text(Catalog.load(fresh, use_cache=False), "bibtex") == exported
        csl = json.loads(export_text(catalog, "csl-json"))
        jsonschema.validate(csl, json.loads(SCHEMA.read_text(encoding="utf-8")))
    original = "\n".join(path.read_text(encoding="utf-8") for path in paths)
    before, after = summary(original), summary(exported)
    keys = [item.key.lower() for item in result.added]
    unchanged = {}
    for part, name in enumerate(PARTS):
        same = sum(1 for k in keys if k in after and (
            before[k][part] == after[k][part] or (part >= 2 and not before[k][part])))
        unchanged[name] = {"same": same, "of": len(keys), "share": round(same / len(keys), 4)}
    report = {
        "command": "python benchmarks/bibtex_round_trip.py",
        "input": "IRIDIA BibTeX Repository, benchmarks/data/iridia (" + ", ".join(ORDER) + ")",
        "import": {"read": result.read, "added": len(result.added),
                   "already_present": len(result.skipped), "skipped_invalid": len(result.invalid),
                   "kept_share": round((result.read - len(result.invalid)) / result.read, 4),
                   "skipped_named_once": len({(d.path, d.line) for d in result.invalid})
                   == len(result.invalid), "seconds": round(import_s, 2)},
        "unchanged_after_export": unchanged,
        "reimport_of_export": {"added": len(again.added), "already_present": len(again.skipped),
                               "invalid": len(again.invalid)},
        "export_import_export_byte_identical": identical,
        "csl_json": {"items": len(csl), "validates_against_official_schema": True},
        "targets": {"kept_share": 0.95, "unchanged_share": 0.99, "reimport_added": 0},
        "machine": {"cpus": os.cpu_count(), "loadavg_1m": round(os.getloadavg()[0], 2)},
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
