"""Readable layouts of the whole graph, computed at build time so the page draws at once.

A force layout of a few hundred papers is a hairball: every hub pulls everything together.
These layouts place nodes by what a reader asks first — *when* and *about what*:

* ``timeline`` (the default; as Litmaps draws it): x is the release date, one column per
  year, as wide as the year is busy (:class:`YearScale`: a year with few entries, such as the
  early score-matching papers, does not stretch the busy years into a corner); y is a band
  per topic (an entry's first topic), bands in ``topics.yaml`` order;
* ``citations``: x as above; y is how often the catalog cites the entry, in bands of powers
  of two (0, 1, 2–3, 4–7 …), the most cited on top;
* ``topics``: a block per topic, its entries in a grid, oldest first.

Within a band, nodes that would overlap are put in *lanes*: each node takes the first lane in
which the previous node is at least :data:`MIN_GAP` to its left (a greedy interval
colouring, so the fewest lanes for nodes sorted by x). Every layout returns positions in
graph units plus the axes the page draws over the canvas: ``x_ticks`` (year, x), ``bands``
(label, top, bottom) and ``labels`` (text, x, y).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from kb.models import Entry

# Graph units; at zoom 1 one unit is one CSS pixel. graph.js cuts labels to 60 units
# (text-max-width), so two nodes MIN_GAP apart in a lane never have overlapping labels.
YEAR_WIDTH = 800.0  # the busiest year; a year of n entries gets YEAR_WIDTH·√(n / busiest)
QUIET_YEAR_WIDTH = 120.0  # the least width of a year with entries
EMPTY_YEAR_WIDTH = 24.0
MIN_GAP = 64.0  # least x distance between two nodes in one lane
LANE_HEIGHT = 34.0
BAND_GAP = 12.0  # between two bands
GRID_STEP = 64.0  # topic blocks: distance between nodes
BLOCK_GAP = 64.0
BLOCK_LABEL_CHAR = 7.5  # width of one character of a block's label (12-unit font)
NO_TOPIC = "(no topic)"
UNDATED = "undated"  # the tick over undated entries, unless the caller names it

Position = tuple[float, float]


@dataclass
class Layout:
    """Positions by entry id and the axes that explain them."""

    positions: dict[str, Position] = field(default_factory=dict)
    x_ticks: list[tuple[str, float]] = field(default_factory=list)
    bands: list[tuple[str, float, float]] = field(default_factory=list)
    labels: list[tuple[str, float, float]] = field(default_factory=list)

    def axes(self) -> dict[str, list]:
        return {"x_ticks": [list(t) for t in self.x_ticks], "bands": [list(b) for b in self.bands],
                "labels": [list(label) for label in self.labels]}


class YearScale:
    """Years to x: consecutive columns, each as wide as its year is busy — the busiest
    :data:`YEAR_WIDTH`, one of n entries ``YEAR_WIDTH·√(n / busiest)`` but at least
    :data:`QUIET_YEAR_WIDTH`, an empty one :data:`EMPTY_YEAR_WIDTH`."""

    def __init__(self, years: list[int]) -> None:
        counts: dict[int, int] = {}
        for year in years:
            counts[year] = counts.get(year, 0) + 1
        self.first = min(counts, default=2000)
        self.last = max(counts, default=self.first)
        busiest = max(counts.values(), default=1)
        self.starts: dict[int, float] = {}
        self.widths: dict[int, float] = {}
        x = 0.0
        for year in range(self.first, self.last + 1):
            n = counts.get(year, 0)
            width = (max(QUIET_YEAR_WIDTH, YEAR_WIDTH * math.sqrt(n / busiest)) if n
                     else EMPTY_YEAR_WIDTH)
            self.starts[year], self.widths[year] = x, round(width, 1)
            x += width
        self.end = x

    def ticks(self) -> list[tuple[str, float]]:
        """(year, x of its column's left edge) for each year with entries, and the end."""
        ticks = [(str(year), round(self.starts[year], 1)) for year in self.starts
                 if self.widths[year] > EMPTY_YEAR_WIDTH]
        return ticks + [(str(self.last + 1), round(self.end, 1))]


def release_x(entry: Entry, scale: YearScale) -> float | None:
    """The entry's x: its year's column, the day of the year inside it (mid-year without a
    date); None when undated."""
    if entry.year is None or entry.year not in scale.starts:
        return None
    fraction = 0.5
    if entry.date is not None and entry.date.year == entry.year:
        fraction = (entry.date.timetuple().tm_yday - 0.5) / (366 if _leap(entry.year) else 365)
    return round(scale.starts[entry.year] + fraction * scale.widths[entry.year], 1)


def _leap(year: int) -> bool:
    return dt.date(year, 12, 31).timetuple().tm_yday == 366


def lanes(xs: list[tuple[str, float]]) -> dict[str, int]:
    """Each id's lane: the first whose last node is at least MIN_GAP to the left."""
    ends: list[float] = []
    chosen: dict[str, int] = {}
    for node, x in sorted(xs, key=lambda item: (item[1], item[0])):
        lane = next((i for i, end in enumerate(ends) if x - end >= MIN_GAP), len(ends))
        if lane == len(ends):
            ends.append(x)
        else:
            ends[lane] = x
        chosen[node] = lane
    return chosen


def banded_timeline(entries: list[Entry], band_of: Callable[[Entry], str],
                    band_order: list[str], band_label: Callable[[str], str] = str,
                    undated_label: str = UNDATED) -> Layout:
    """x by release (:class:`YearScale`), y by band: ``band_of`` gives an entry's band key,
    bands follow ``band_order`` (those without entries left out) and are labelled
    ``band_label(key)``; lanes inside each band. Undated entries stand in a column left of the
    first year (:func:`band_xs`), under the tick ``undated_label`` (the site's word for it)."""
    scale = YearScale([e.year for e in entries if e.year is not None])
    grouped: dict[str, list[Entry]] = {}
    for entry in entries:
        grouped.setdefault(band_of(entry), []).append(entry)
    members = {band: band_xs(group, scale) for band, group in grouped.items()}
    layout = Layout()
    top = 0.0
    for band in [b for b in dict.fromkeys(band_order) if b in members]:
        lane_of = lanes(members[band])
        height = (max(lane_of.values()) + 1) * LANE_HEIGHT
        for node, x in members[band]:
            layout.positions[node] = (x, round(top + (lane_of[node] + 0.5) * LANE_HEIGHT, 1))
        layout.bands.append((band_label(band), top, top + height))
        top += height + BAND_GAP
    layout.x_ticks = scale.ticks()
    if any(e.year is None for e in entries):
        layout.x_ticks.insert(0, (undated_label, -QUIET_YEAR_WIDTH))
    return layout


def band_xs(entries: list[Entry], scale: YearScale) -> list[tuple[str, float]]:
    """(id, x) of one band's entries: a dated entry at its date; the entries of one year
    without a date spread evenly across that year's column (by id), since a year alone says
    nothing of where in it they belong, and stacking them at mid-year would make one tall
    column; undated entries left of the first year."""
    placed: list[tuple[str, float]] = []
    year_only: dict[int, list[str]] = {}
    for entry in entries:
        if entry.year is None:
            placed.append((entry.id, -QUIET_YEAR_WIDTH / 2))
        elif entry.date is None or entry.date.year != entry.year:
            year_only.setdefault(entry.year, []).append(entry.id)
        else:
            placed.append((entry.id, release_x(entry, scale) or 0.0))
    for year, ids in year_only.items():
        start, width = scale.starts[year], scale.widths[year]
        placed += [(entry_id, round(start + (i + 0.5) / len(ids) * width, 1))
                   for i, entry_id in enumerate(sorted(ids))]
    return placed


def citation_band(count: int) -> str:
    """The band of an entry cited ``count`` times: 0, 1, 2–3, 4–7, 8–15 …"""
    if count < 2:
        return f"cited {count}×"
    low = 2 ** int(math.log2(count))
    return f"cited {low}–{2 * low - 1}×"


def citation_bands(largest: int) -> list[str]:
    """Every band up to ``largest`` citations, the most cited first."""
    bands = ["cited 0×", "cited 1×"]
    low = 2
    while low <= largest:
        bands.append(citation_band(low))
        low *= 2
    return bands[::-1]


def topic_blocks(entries: list[Entry], topic_of: Callable[[Entry], str], order: list[str],
                 topic_label: Callable[[str], str] = str) -> Layout:
    """A square-ish grid block per topic (oldest first, undated last), blocks side by side in
    rows about as wide as the whole is tall; ``topic_of`` gives an entry's topic key, labelled
    ``topic_label(key)``."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(topic_of(entry), []).append(entry)
    layout = Layout()
    row_width = GRID_STEP * 2.5 * math.sqrt(max(len(entries), 1))
    x = y = row_height = 0.0
    for topic in [t for t in dict.fromkeys(order) if t in groups]:
        label = topic_label(topic)
        members = sorted(groups[topic], key=lambda e: (e.year or 10_000, e.date or dt.date.max,
                                                       e.id))
        columns = max(1, math.ceil(math.sqrt(len(members))))
        width = max(columns * GRID_STEP, len(label) * BLOCK_LABEL_CHAR)  # the label fits
        height = math.ceil(len(members) / columns) * GRID_STEP
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + BLOCK_GAP, 0.0
        for index, entry in enumerate(members):
            layout.positions[entry.id] = (round(x + (index % columns + 0.5) * GRID_STEP, 1),
                                          round(y + (index // columns + 0.5) * GRID_STEP, 1))
        layout.labels.append((label, x, y - GRID_STEP / 4))
        x += width + BLOCK_GAP
        row_height = max(row_height, height)
    return layout
