"""The datasets and metrics a reported result may name, read from ``vocabulary.yaml``.

Papers write the same dataset many ways ("CIFAR10", "cifar-10", "CIFAR-10"); an entry may use
any alias, and reads as the canonical name. Each metric says which way is better and the
range its values must fall in, so ``kb validate`` can refuse an FID of -3 or a precision of 82.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")


@dataclass(frozen=True)
class Dataset:
    name: str
    aliases: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Metric:
    name: str
    aliases: tuple[str, ...]
    better: Literal["lower", "higher"]
    low: float
    high: float
    description: str

    def admits(self, value: float) -> bool:
        return self.low <= value <= self.high

    @property
    def range_text(self) -> str:
        return f"{self.low:g} … {self.high:g}" if math.isfinite(self.high) else f"≥ {self.low:g}"


@dataclass(frozen=True)
class Vocabulary:
    datasets: tuple[Dataset, ...]
    metrics: tuple[Metric, ...]

    @functools.cached_property
    def _dataset_keys(self) -> dict[str, Dataset]:
        return {_key(n): d for d in self.datasets for n in (d.name, *d.aliases)}

    @functools.cached_property
    def _metric_keys(self) -> dict[str, Metric]:
        return {_key(n): m for m in self.metrics for n in (m.name, *m.aliases)}

    def dataset(self, name: str) -> Dataset | None:
        """The dataset ``name`` stands for (its name or an alias, any case), or None."""
        return self._dataset_keys.get(_key(name))

    def metric(self, name: str) -> Metric | None:
        """The metric ``name`` stands for (its name or an alias, any case), or None."""
        return self._metric_keys.get(_key(name))

    def canonical(self, what: str, name: str) -> str | None:
        """The canonical name of the ``"dataset"`` or ``"metric"`` called ``name``, or None."""
        found = self.dataset(name) if what == "dataset" else self.metric(name)
        return found.name if found is not None else None

    def names(self, what: str) -> list[str]:
        """Every canonical name of ``"dataset"`` or ``"metric"``, in the file's order."""
        return [thing.name for thing in (self.datasets if what == "dataset" else self.metrics)]


def _key(name: str) -> str:
    """Case, spacing and ``×``/``x`` do not tell names apart."""
    return re.sub(r"\s+", " ", name.replace("×", "x")).strip().casefold()


@functools.cache
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """The vocabulary in ``path`` (the shipped one by default), read once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    datasets = tuple(Dataset(d["name"], tuple(d.get("aliases", ())), d["description"])
                     for d in data["datasets"])
    metrics = tuple(Metric(m["name"], tuple(m.get("aliases", ())), m["better"],
                           float(m.get("min", -math.inf)), float(m.get("max", math.inf)),
                           m["description"]) for m in data["metrics"])
    return Vocabulary(datasets, metrics)
