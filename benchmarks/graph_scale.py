"""Benchmark: the citation graph on a generated catalog of 10,000 entries and 100,000 cites.

Targets (issue #4, 2 cores): graph build + PageRank ≤ 5 s, ``related`` ≤ 1 s.
The entries are made in memory (no YAML), so only the graph is timed: ``build`` is
``CitationGraph.from_entries``, ``pagerank`` the first ``rank()`` (which also builds the
cites+builds_on view), ``related`` one call per sampled entry after a first call has built the
topic and tag indexes (reported apart as ``related_first_s``). Best of ``--repeat`` runs; the
load average, CPU count and the process's CPU time (``…_cpu_s``, which other programs on the
machine do not inflate) are recorded because the machine may be shared. The first run also
pays for importing scipy (PageRank's sparse matrices), as a ``kb graph rank`` process would.

Run:  python benchmarks/graph_scale.py [--entries 10000] [--cites 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.graph import CitationGraph  # noqa: E402
from kb.models import Entry, Topic  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "graph_scale.json"
KINDS = ("paper", "paper", "paper", "survey", "tutorial", "repo", "method")
TAGS = [f"tag-{i}" for i in range(200)]
TOPICS = [f"topic-{i}" for i in range(40)]


def generate(count: int, cites: int, seed: int = 0) -> tuple[list[Entry], list[Topic]]:
    """``count`` entries with exactly ``cites`` citations of earlier entries, preferring
    popular ones (a citation network's long tail: half the picks repeat an already cited
    entry). Surveys cite nothing here, since a survey's cites are ``reviews`` edges."""
    rng = random.Random(seed)
    kinds = [KINDS[index % len(KINDS)] for index in range(count)]
    citing = sum(kind != "survey" for kind in kinds)
    owed = 0.0  # citations still to hand out, carried while early entries have few to cite
    cited: list[str] = []
    entries = []
    for index, kind in enumerate(kinds):
        chosen: set[str] = set()
        if kind != "survey":
            owed += cites / citing
            wanted = min(index, round(owed))
            owed -= wanted
            while len(chosen) < wanted:
                if cited and rng.random() < 0.5:
                    chosen.add(rng.choice(cited))
                else:
                    chosen.add(f"entry-{rng.randrange(index):05d}")
            cited.extend(chosen)
        entries.append(Entry.model_construct(
            id=f"entry-{index:05d}", kind=kind, title=f"Entry {index}", authors=[],
            year=2000 + index * 26 // count, tags=rng.sample(TAGS, 2),
            topics=rng.sample(TOPICS, 1), methods=[], cites=sorted(chosen), builds_on=[],
            papers=[]))
    topics = [Topic(id=t, title=t) for t in TOPICS]
    return entries, topics


def measure(entries: list[Entry], topics: list[Topic], samples: list[str]) -> dict:
    start, cpu_start = time.perf_counter(), time.process_time()
    graph = CitationGraph.from_entries(entries, topics)
    built = time.perf_counter()
    ranked = graph.rank(limit=10)
    ranked_at, cpu_ranked = time.perf_counter(), time.process_time()
    graph.related(samples[0])
    first = time.perf_counter()
    times = []
    for entry_id in samples:
        begin = time.perf_counter()
        graph.related(entry_id)
        times.append(time.perf_counter() - begin)
    return {"build_s": built - start, "pagerank_s": ranked_at - built,
            "build_plus_pagerank_s": ranked_at - start,
            "build_plus_pagerank_cpu_s": cpu_ranked - cpu_start,
            "related_first_s": first - ranked_at,
            "related_max_s": max(times), "related_median_s": statistics.median(times),
            "edges": graph.edge_counts(), "top": ranked[0].id}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--cites", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=50, help="related() calls per run")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    entries, topics = generate(args.entries, args.cites)
    rng = random.Random(1)
    # The most cited entries are the slowest for related(): include the top ones.
    popularity = sorted(entries, key=lambda e: -len(e.cites))
    samples = [e.id for e in popularity[:5]] + [e.id for e in rng.sample(entries, args.samples)]
    load_before = os.getloadavg()
    runs = [measure(entries, topics, samples) for _ in range(args.repeat)]
    best = {key: round(min(run[key] for run in runs), 3) for key in runs[0]
            if key.endswith("_s")}
    result = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "entries": args.entries, "cites_edges": runs[0]["edges"]["cites"],
        "edges": runs[0]["edges"], "repeat": args.repeat, "related_samples": len(samples),
        "best": best, "runs": [{k: round(v, 3) for k, v in run.items() if k.endswith("_s")}
                               for run in runs],
        "targets": {"build_plus_pagerank_s": 5.0, "related_max_s": 1.0},
        "meets_targets": best["build_plus_pagerank_s"] <= 5.0 and best["related_max_s"] <= 1.0,
        "machine": {"cpu_count": os.cpu_count(), "load_average_before": load_before,
                    "load_average_after": os.getloadavg(), "python": platform.python_version(),
                    "platform": platform.platform()},
    }
    import networkx

    result["machine"]["networkx"] = networkx.__version__
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["best"], indent=2))
    print(f"meets targets: {result['meets_targets']}  (written to {args.out})")


if __name__ == "__main__":
    main()
