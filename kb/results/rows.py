"""Every reported result in the catalog as a flat row, and the questions people ask of them:
"FID against NFE on CIFAR-10", "what DDIM's paper reports", "everything at ≤ 4 steps".

>>> from kb.catalog import Catalog
>>> from kb.results.rows import result_rows, select
>>> rows = select(result_rows(Catalog.load()), dataset="cifar10", metric="FID", max_nfe=10)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from kb.errors import KbError
from kb.models import Entry
from kb.results.vocabulary import vocabulary

FIELDS = ("entry", "arxiv", "dataset", "metric", "value", "nfe", "setting", "source")


@dataclass(frozen=True)
class ResultRow:
    """One number, with the paper it comes from."""

    entry: str
    arxiv: str | None
    dataset: str
    metric: str
    value: float
    nfe: int | None
    setting: str | None
    source: str
    year: int | None = None
    title: str = ""

    def as_dict(self) -> dict:
        """The public fields only (``kb results --format json``), in their documented order."""
        data = asdict(self)
        return {name: data[name] for name in FIELDS}


def entry_rows(entry: Entry) -> list[ResultRow]:
    """The results of one entry, in the order the entry lists them."""
    return [ResultRow(entry.id, entry.arxiv, r.dataset, r.metric, r.value, r.nfe, r.setting,
                      r.source, entry.year, entry.title) for r in entry.results]


def result_rows(entries: Mapping[str, Entry] | Iterable[Entry]) -> list[ResultRow]:
    """Every result of every entry (a catalog's ``entries`` mapping or any entries)."""
    values = entries.values() if isinstance(entries, Mapping) else entries
    return [row for entry in values for row in entry_rows(entry)]


def method_papers(entries: Mapping[str, Entry], method: str) -> set[str]:
    """The entries a method's results come from: the papers that introduced it (its
    ``papers``; entries that merely use it are left out). A method id that is not in the
    catalog is an error (E203)."""
    found = entries.get(method)
    if found is None or found.kind != "method":
        known = sorted(e.id for e in entries.values() if e.kind == "method")
        raise KbError(f"unknown method '{method}' (methods: {', '.join(known)})", code="E203")
    return set(found.papers)


def select(rows: Iterable[ResultRow], *, dataset: str | None = None, metric: str | None = None,
           entries: set[str] | None = None, max_nfe: int | None = None) -> list[ResultRow]:
    """The rows that match every filter given, best first within each dataset and metric.

    ``dataset`` and ``metric`` may be aliases ("cifar10", "fid"); an unknown name is an error
    that lists the known ones. ``max_nfe`` keeps rows whose NFE is known and at most that.
    """
    dataset = None if dataset is None else _canonical("dataset", dataset)
    metric = None if metric is None else _canonical("metric", metric)
    kept = [row for row in rows
            if (dataset is None or row.dataset == dataset)
            and (metric is None or row.metric == metric)
            and (entries is None or row.entry in entries)
            and (max_nfe is None or (row.nfe is not None and row.nfe <= max_nfe))]
    return sorted(kept, key=_ranking)


def _canonical(what: str, name: str) -> str:
    """The canonical name of a dataset or metric a person typed; an unknown one is E112 or
    E113, listing the known names."""
    vocab = vocabulary()
    found = vocab.canonical(what, name)
    if found is None:
        raise KbError(f"unknown {what} '{name}' ({what}s: {', '.join(vocab.names(what))})",
                      code="E112" if what == "dataset" else "E113")
    return found


def _ranking(row: ResultRow) -> tuple:
    metric = vocabulary().metric(row.metric)
    better_low = metric is None or metric.better == "lower"
    return (row.dataset, row.metric, row.value if better_low else -row.value,
            row.nfe if row.nfe is not None else 0, row.entry)


def groups(rows: Iterable[ResultRow]) -> dict[tuple[str, str], list[ResultRow]]:
    """Rows by (dataset, metric), in the order of the vocabulary's datasets and metrics."""
    vocab = vocabulary()
    order = {d.name: i for i, d in enumerate(vocab.datasets)}
    metric_order = {m.name: i for i, m in enumerate(vocab.metrics)}
    grouped: dict[tuple[str, str], list[ResultRow]] = {}
    for row in sorted(rows, key=_ranking):
        grouped.setdefault((row.dataset, row.metric), []).append(row)
    return dict(sorted(grouped.items(),
                       key=lambda kv: (order.get(kv[0][0], 99), metric_order.get(kv[0][1], 99))))
