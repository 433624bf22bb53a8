"""What every demos benchmark records beside its numbers: the machine, its load, the command.

The 2 CPU cores of the project's machines are shared with other jobs, so wall times are noisy:
each result file carries ``os.cpu_count()``, torch's thread count and the load averages at the
start and end of the run.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine_info() -> dict[str, Any]:
    import torch

    return {
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "cuda": torch.cuda.is_available(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "note": "the 2 cores are shared with other jobs; timings are noisy",
    }


def command_line() -> str:
    script = Path(sys.argv[0]).resolve()
    try:
        script = script.relative_to(Path.cwd())
    except ValueError:
        pass
    return shlex.join([".venv/bin/python", str(script), *sys.argv[1:]])


def write_results(name: str, results: dict[str, Any], started: dict[str, Any]) -> Path:
    """``results/<name>.json`` with the command, the machine at start and the load at the end."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {
        "command": command_line(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": started,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        **results,
    }
    path = RESULTS / f"{name}.json"
    partial = path.with_suffix(".json.partial")  # then a rename: a reader never sees half a file
    partial.write_text(json.dumps(record, indent=2) + "\n")
    partial.replace(path)
    return path
