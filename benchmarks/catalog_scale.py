"""Benchmark: `kb validate` and `kb query` on a generated 10,000-entry catalog.

Targets (issue #2, 2 cores): validate ≤ 3 s and query ≤ 1 s wall, interpreter start included.
Each command is timed as a subprocess, cold (no parse cache) and warm (cache filled), best of
``--repeat`` runs. Results go to benchmarks/results/catalog_scale.json.

Run:  python benchmarks/catalog_scale.py [--entries 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "catalog_scale.json"
WORDS = ("diffusion denoising score flow matching latent consistency distillation guidance "
         "sampling image video text model generative probabilistic implicit stochastic "
         "differential equation transformer survey efficient fast").split()
KINDS = ("paper", "survey", "tutorial", "repo", "book")


def generate(root: Path, count: int, seed: int = 0) -> None:
    """``count`` entries as a finished catalog has them: years grow with the index, so each
    cites earlier (or same-year) works, and every paper and survey names its sources — no
    W302 or W303 warning. (A catalog full of warnings loads slower: each warned file is
    parsed again for the warning's line.)"""
    rng = random.Random(seed)
    topics = [f"topic-{i}" for i in range(20)]
    (root / "topics.yaml").write_text(
        "".join(f"- id: {t}\n  title: Topic {t}\n" for t in topics), encoding="utf-8")
    ids: list[str] = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        entry_id = f"entry-{index:05d}"
        title = " ".join(rng.choice(WORDS) for _ in range(6)).title() + f" {index}"
        cites = rng.sample(ids, min(len(ids), 5))
        folder = root / f"{kind}s"
        folder.mkdir(exist_ok=True)
        lines = [
            "# yaml-language-server: $schema=../schema.json",
            f"id: {entry_id}", f"kind: {kind}", f"title: {title}",
            f"authors: [Author {index} One, Author {index % 97} Two]",
            f"year: {2015 + index * 11 // max(count, 1)}",
            f'arxiv: "{2100 + index // 90000:04d}.{index % 90000:05d}"',
            f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]",
            f"topics: [{rng.choice(topics)}]",
            f"cites: [{', '.join(cites)}]",
            "abstract: >",
            "  " + " ".join(rng.choice(WORDS) for _ in range(120)),
            "notes: |",
            "  擴散模型的蒸餾方法 " + " ".join(rng.choice(WORDS) for _ in range(20)),
            "sources:",
            f"  metadata: https://arxiv.org/abs/{2100 + index // 90000:04d}.{index % 90000:05d}",
        ]
        (folder / f"{entry_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        ids.append(entry_id)


def time_command(args: list[str], env: dict[str, str], repeat: int,
                 expect_code: int = 0) -> dict:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(args, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - start)
        if result.returncode != expect_code:
            raise SystemExit(f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return {"best_s": round(min(times), 3), "runs_s": [round(t, 3) for t in times]}


def main() -> None:
    from report_file import machine, now, write_report  # beside this file

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    kb = [sys.executable, "-m", "kb"]
    with tempfile.TemporaryDirectory() as tmp:
        root, cache = Path(tmp) / "catalog", Path(tmp) / "cache"
        root.mkdir()
        print(f"generating {args.entries} entries …", file=sys.stderr)
        generate(root, args.entries)
        base = {**os.environ, "KB_CACHE_DIR": str(cache)}
        cold = {**base, "KB_NO_CACHE": "1"}
        results = {
            "validate_cold": time_command([*kb, "validate", "-q", "--catalog", str(root)],
                                          cold, args.repeat),
            "validate_warm": None, "query_warm": None,
        }
        time_command([*kb, "validate", "-q", "--catalog", str(root)], base, 1)  # fill cache
        results["validate_warm"] = time_command(
            [*kb, "validate", "-q", "--catalog", str(root)], base, args.repeat)
        results["query_warm"] = time_command(
            [*kb, "query", "蒸餾 consistency", "--catalog", str(root), "--format", "ids"],
            base, args.repeat)
        results["query_cold"] = time_command(
            [*kb, "query", "蒸餾 consistency", "--catalog", str(root), "--format", "ids"],
            cold, args.repeat)
        results["interpreter_start"] = time_command([sys.executable, "-c", "pass"], base,
                                                    args.repeat)
    report = {
        "command": f"python benchmarks/catalog_scale.py --entries {args.entries} "
                   f"--repeat {args.repeat}",
        "entries": args.entries,
        "targets_s": {"validate": 3.0, "query": 1.0},
        "results": results,
        "met": {"validate": results["validate_warm"]["best_s"] <= 3.0,
                "query": results["query_warm"]["best_s"] <= 1.0},
        "machine": machine(),
        "when": now(),
    }
    write_report(args.out, report)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
