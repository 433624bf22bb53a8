"""Benchmark: `kb import bibtex` of a 4,000-record file.

Target (issue #14, 2 cores): ≤ 10 s wall and < 500 MB of memory, interpreter start included.

The file is real: the IRIDIA BibTeX Repository (benchmarks/data/iridia, 3,305 records with
1,716 @string macros and crossref parents), concatenated in its \\bibliography order, plus
copies of its first articles (new keys, "Copy N:" titles, their doi/url/eprint renamed to
fields kb ignores, so each is a new work) up to ``--records``. It is imported into an empty
catalog as a subprocess, writing every entry file; the child's peak RSS and CPU time are read
with getrusage. The CPU time tells load apart: wall time on a shared machine also counts other
programs' turns.

Run:  python benchmarks/bibtex_import.py [--records 4000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IRIDIA = Path(__file__).parent / "data" / "iridia"
ORDER = ("abbrev", "journals", "authors", "articles", "biblio", "crossref")
RESULTS = Path(__file__).parent / "results" / "bibtex_import.json"
RECORD_START = re.compile(r"^@(?!string|comment|preamble)(\w+)\{([^,\s]+),", re.I | re.M)
IDENTITY_FIELD = re.compile(r"^(\s*)(doi|url|eprint|ids)(\s*=)", re.I | re.M)


def make_file(path: Path, records: int) -> int:
    """The IRIDIA files in order, then copies of its articles up to ``records`` records."""
    texts = [(IRIDIA / f"{name}.bib").read_text(encoding="utf-8") for name in ORDER]
    real = sum(len(RECORD_START.findall(text)) for text in texts)
    articles = texts[ORDER.index("articles")]
    starts = [m.start() for m in RECORD_START.finditer(articles)] + [len(articles)]
    copies = []
    for index in range(max(records - real, 0)):
        record = articles[starts[index % (len(starts) - 1)]:starts[index % (len(starts) - 1) + 1]]
        record = RECORD_START.sub(lambda m, i=index: f"@{m.group(1)}{{{m.group(2)}-copy{i},",
                                  record, count=1)
        record = re.sub(r"(\btitle\s*=\s*)([{\"])", rf"\1\2Copy {index}: ", record, count=1,
                        flags=re.I)
        copies.append(IDENTITY_FIELD.sub(r"\1old\2\3", record))  # a field kb ignores
    path.write_text("\n".join(texts) + "\n" + "\n".join(copies), encoding="utf-8")
    return real + len(copies)


def run_import(bib: Path, catalog: Path) -> dict:
    catalog.mkdir()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "kb", "import", "bibtex", str(bib),
                             "--skip-invalid", "--catalog", str(catalog)],
                            capture_output=True, text=True,
                            env={**os.environ, "KB_NO_CACHE": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"kb import failed ({result.returncode}):\n{result.stderr[-3000:]}")
    summary = result.stderr.strip().splitlines()[-1]
    return {"wall_s": round(wall, 3),
            "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                           3),
            "files_written": sum(1 for _ in catalog.rglob("*.yaml")), "summary": summary}


def main() -> None:
    from report_file import machine, now, write_report  # beside this file

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "bibliography.bib"
        records = make_file(bib, args.records)
        for index in range(args.repeat):
            print(f"run {index + 1}/{args.repeat} …", file=sys.stderr)
            runs.append(run_import(bib, Path(tmp) / f"catalog-{index}"))
        size_mb = bib.stat().st_size / 1e6
    # ru_maxrss of children: the largest child so far, in KiB on Linux
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    best = min(run["wall_s"] for run in runs)
    report = {
        "command": f"python benchmarks/bibtex_import.py --records {args.records} "
                   f"--repeat {args.repeat}",
        "input": {"records": records, "size_mb": round(size_mb, 2),
                  "source": "IRIDIA BibTeX Repository (benchmarks/data/iridia) + copies"},
        "targets": {"wall_s": 10.0, "peak_rss_mb": 500},
        "results": {"best_wall_s": best, "best_cpu_s": min(run["cpu_s"] for run in runs),
                    "peak_rss_mb": round(peak_mb, 1), "runs": runs},
        "met": {"wall": best <= 10.0, "memory": peak_mb < 500},
        "machine": machine(),
        "when": now(),
    }
    write_report(args.out, report)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
