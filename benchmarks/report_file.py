"""What every catalog benchmark writes beside its figures: the machine it ran on, the time,
and the JSON file itself (written whole or not at all). Imports neither torch nor the project,
unlike :mod:`demos_machine`, which the demo benchmarks use."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path


def machine() -> dict[str, object]:
    """CPUs, the 1-minute load average now, Python and the platform."""
    return {"cpus": os.cpu_count(), "loadavg_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(), "platform": platform.platform()}


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


def write_report(path: Path, report: dict) -> None:
    """``report`` as indented UTF-8 JSON at ``path``, through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    temporary.replace(path)
