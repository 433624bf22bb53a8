"""Benchmark: `kb build` of the shipped catalog and of a generated 1,500-entry catalog.

Targets (issue #5, 2 cores): the shipped catalog ≤ 15 s, 1,500 entries ≤ 60 s, wall time of
the whole command (interpreter start, catalog load, MkDocs, search index). Each build is a
subprocess, best of ``--repeat`` runs. The machine may be shared, so each run also records
the load average before it and the CPU time (user + system) the build itself used.
Results go to benchmarks/results/site_build.json.

Run:  python benchmarks/site_build.py [--entries 1500] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results" / "site_build.json"
TARGETS_S = {"shipped": 15.0, "generated": 60.0}
WORDS = ("diffusion denoising score flow matching latent consistency distillation guidance "
         "sampling image video text model generative probabilistic implicit stochastic "
         "differential equation transformer survey efficient fast").split()
CHINESE = ("擴散模型的蒸餾方法", "取樣步數減半", "前向加噪與反向去噪", "潛在空間中的擴散",
           "分類器引導")
KINDS = ("paper",) * 6 + ("survey", "tutorial", "repo", "book", "system", "list")
METHODS = 30


def generate(root: Path, count: int, seed: int = 0) -> None:
    """``count`` entries like the real ones: the shipped topics, methods with equations and
    lineage, papers citing earlier papers (years grow with the index), Chinese Markdown notes
    with maths; most papers and surveys name their sources, and four in five of those the
    reference list their cites were read from (so some edges are verified, some not)."""
    rng = random.Random(seed)
    shutil.copy(REPO / "catalog" / "topics.yaml", root / "topics.yaml")
    topics = [line.split(":", 1)[1].strip() for line in
              (root / "topics.yaml").read_text(encoding="utf-8").splitlines()
              if line.startswith("- id:")]
    methods = [f"method-{i:02d}" for i in range(METHODS)]
    papers: list[str] = []
    for index in range(count):
        is_method = index < METHODS
        kind = "method" if is_method else KINDS[index % len(KINDS)]
        entry_id = methods[index] if is_method else f"entry-{index:05d}"
        year = 2015 + index * 11 // max(count, 1)
        title = " ".join(rng.choice(WORDS) for _ in range(6)).title() + f" {index}"
        lines = [f"id: {entry_id}", f"kind: {kind}", f"title: {title}",
                 f"authors: [Author {index} One, Author {index % 97} Two, Third Author]",
                 f"year: {year}", f"date: {year}-{1 + index % 12:02d}-{1 + index % 28:02d}",
                 f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]",
                 f"topics: [{rng.choice(topics)}, {rng.choice(topics)}]"]
        if is_method:
            lines += [f"builds_on: [{methods[index - 1]}]" if index else "builds_on: []",
                      "summary: |", "  Predict the noise $\\epsilon_\\theta(x_t, t)$ and "
                      "step back; " + " ".join(rng.choice(WORDS) for _ in range(40)),
                      "equations:",
                      "  - 'x_{t-1} = \\frac{1}{\\sqrt{\\alpha_t}}\\left(x_t - "
                      "\\frac{\\beta_t}{\\sqrt{1-\\bar\\alpha_t}}\\epsilon_\\theta\\right)'",
                      f"demo: {entry_id}"]
        else:
            cites = rng.sample(papers, min(len(papers), 6))
            lines += [f'arxiv: "{2100 + index // 90000:04d}.{index % 90000:05d}"',
                      f"venue: {rng.choice(['NeurIPS', 'ICML', 'ICLR', 'CVPR'])} {year}",
                      f"methods: [{rng.choice(methods)}]",
                      f"cites: [{', '.join(cites)}]",
                      f"builds_on: [{cites[0]}]" if cites else "builds_on: []",
                      "abstract: >", "  " + " ".join(rng.choice(WORDS) for _ in range(150)),
                      "notes: |", f"  **{rng.choice(CHINESE)}** — $\\bar\\alpha_t$ "
                      + " ".join(rng.choice(WORDS) for _ in range(30)),
                      "links:", f"  code: https://github.com/example/repo-{index}"]
            if kind in ("paper", "survey") and index % 10:
                lines += ["sources:", f"  metadata: https://example.org/abs/{index}"]
                if index % 5:
                    lines.append(f"  references: https://example.org/refs/{index}")
            papers.append(entry_id)
        folder = root / f"{kind}s"
        folder.mkdir(exist_ok=True)
        (folder / f"{entry_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def time_build(catalog: Path, site: Path, env: dict[str, str], repeat: int) -> dict:
    args = [str(Path(sys.executable).parent / "kb"), "build", "--catalog", str(catalog),
            "--site-dir", str(site)]
    times, cpu, load = [], [], []
    for _ in range(repeat):
        load.append(round(os.getloadavg()[0], 2))
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=REPO)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    pages = sum(1 for _ in site.rglob("index.html"))
    return {"best_s": round(min(times), 2), "runs_s": [round(t, 2) for t in times],
            "cpu_s": [round(t, 2) for t in cpu], "pages": pages,
            "loadavg_1m_before_runs": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KB_CACHE_DIR": str(Path(tmp) / "cache"),
               "NO_MKDOCS_2_WARNING": "1"}
        shipped = time_build(REPO / "catalog", Path(tmp) / "shipped", env, args.repeat)
        root = Path(tmp) / "catalog"
        root.mkdir()
        print(f"generating {args.entries} entries …", file=sys.stderr)
        generate(root, args.entries)
        generated = time_build(root, Path(tmp) / "generated", env, args.repeat)
    shipped_entries = sum(1 for _ in (REPO / "catalog").glob("*/*.yaml"))
    report = {
        "command": f"python benchmarks/site_build.py --entries {args.entries} "
                   f"--repeat {args.repeat}",
        "targets_s": TARGETS_S,
        "results": {"shipped": {"entries": shipped_entries, **shipped},
                    "generated": {"entries": args.entries, **generated}},
        "met": {"shipped": shipped["best_s"] <= TARGETS_S["shipped"],
                "generated": generated["best_s"] <= TARGETS_S["generated"]},
        "machine": {"cpus": os.cpu_count(), "loadavg_before": load_before,
                    "loadavg_after": [round(x, 2) for x in os.getloadavg()],
                    "python": platform.python_version(), "platform": platform.platform()},
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
