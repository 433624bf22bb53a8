"""What a visitor may ask of the demo app, and the limits no request may cross.

Every control of every page is a :class:`Bounded` number or a :class:`Choice`. A deep link
(``/ddim?steps=20&eta=0&dataset=digits``) sets the controls through :meth:`Bounded.parse`,
which never fails: a value out of range is clamped, a malformed one replaced by the default,
and either way a :class:`Notice` says so on the page. On top of the per-control limits a
**work budget** caps network evaluations × samples × pixels, so no request can keep the CPU
busy for more than seconds (see :func:`max_samples`).

``KB_DEMO_TINY=1`` shrinks every model and training run (:func:`app_train_config`) so the
tests train in a second or two; the pages are the same.

No streamlit and no torch here: this is plain Python the tests check directly (the notices'
words come from :mod:`demos.app.i18n`, which is plain Python too).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

from demos.app.i18n import DEFAULT_LANGUAGE, say

# Network evaluations × samples × pixels one request may cost. DDIM-20 of 256 32×32 digits is
# 5.2 M; on 2 CPU cores the demo UNet does about 0.5 M per second, so ≈ 10 s at most.
WORK_BUDGET = 20 * 256 * 32 * 32
TOY_POINT_COST = 8  # a 2-D point through the MLP, in UNet pixels


@dataclass(frozen=True)
class Notice:
    """A visible message that a requested value was changed: the message ``key`` of the demo
    app's tables (``notice.*``), filled with ``values``, in the page's language."""

    control: str
    key: str
    values: dict[str, str] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return say(self.key, lang, name=self.control, **self.values)

    @property
    def message(self) -> str:
        """The message in English."""
        return self.text()


@dataclass(frozen=True)
class Bounded:
    """A number with a range; ``integer`` numbers are whole."""

    name: str
    low: float
    high: float
    default: float
    integer: bool = True

    def clamp(self, value: float) -> tuple[float, Notice | None]:
        """``value`` moved into ``[low, high]`` (and rounded if integer), with a notice if moved."""
        inside = min(max(value, self.low), self.high)
        kept = int(round(inside)) if self.integer else float(inside)
        if inside != value:
            return kept, Notice(
                self.name,
                "notice.outside",
                {
                    "value": _show(value),
                    "low": _show(self.low),
                    "high": _show(self.high),
                    "kept": _show(kept),
                },
            )
        if kept != value:
            return kept, Notice(
                self.name, "notice.not_whole", {"value": _show(value), "kept": _show(kept)}
            )
        return kept, None

    def parse(self, raw: str) -> tuple[float, Notice | None]:
        """A query-parameter string as a value in range; never raises."""
        try:
            value = float(raw.strip())
        except (ValueError, AttributeError):
            value = math.nan
        if not math.isfinite(value):
            return self.default, Notice(
                self.name, "notice.not_number", {"value": repr(raw), "kept": _show(self.default)}
            )
        return self.clamp(value)

    def with_range(
        self, low: float | None = None, high: float | None = None, default: float | None = None
    ) -> Bounded:
        """The same control with a narrower range inside this one (default kept inside it)."""

        def inside(value: float) -> float:
            return min(max(value, self.low), self.high)

        low = self.low if low is None else inside(low)
        high = max(low, self.high if high is None else inside(high))  # never an empty range
        default = self.default if default is None else default
        default = min(max(default, low), high)
        return Bounded(
            self.name, low, high, int(default) if self.integer else default, self.integer
        )

    def format(self, value: float) -> str:
        return _show(value)


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of strings."""

    name: str
    options: tuple[str, ...]
    default: str

    def parse(self, raw: str) -> tuple[str, Notice | None]:
        wanted = raw.strip().lower()
        if wanted in self.options:
            return wanted, None
        return self.default, Notice(
            self.name,
            "notice.not_option",
            {"value": repr(raw), "options": ", ".join(self.options), "kept": self.default},
        )

    def format(self, value: str) -> str:
        return value


def _show(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# ---------------------------------------------------------------------------------------------
# The controls the pages share. Pages narrow them with Bounded.with_range where needed.
# ---------------------------------------------------------------------------------------------

IMAGE_SETS = ("digits", "digits16", "digits32")  # 8×8, 16×16, 32×32 scikit-learn digits
TOY_SETS = ("swiss-roll", "moons", "gaussians8", "checkerboard")

STEPS = Bounded("steps", 1, 1000, 50)  # sampling steps = NFE; never more than T = 1000
ETA = Bounded("eta", 0.0, 1.0, 0.0, integer=False)  # DDIM eq. 16
NUM_SAMPLES = Bounded("n", 2, 256, 64)  # the batch size of one request
TRAIN_STEPS = Bounded("train_steps", 10, 5000, 2000)  # optimiser steps of a model
SEED = Bounded("seed", 0, 2**31 - 1, 0)
GUIDANCE = Bounded("guidance", 0.0, 10.0, 3.0, integer=False)  # classifier-free guidance w
IMAGE_DATASET = Choice("dataset", IMAGE_SETS, "digits")
TOY_DATASET = Choice("dataset", TOY_SETS, "swiss-roll")
ANY_DATASET = Choice("dataset", IMAGE_SETS + TOY_SETS, "digits")


def pixels(dataset: str) -> int:
    """Numbers per sample: H·W for digit images, 2 for toy points."""
    sizes = {"digits": 8, "digits16": 16, "digits32": 32}
    return sizes[dataset] ** 2 if dataset in sizes else 2


def max_samples(dataset: str, nfe: int, budget: int = WORK_BUDGET) -> int:
    """The most samples one request may draw with ``nfe`` network calls each.

    A 2-D point through the demos' MLP costs about what 8 pixels cost the UNet; points are
    also capped at 4096 (scatter plots stop helping long before).
    """
    if dataset not in IMAGE_SETS:
        return min(4096, max(2, budget // (max(nfe, 1) * TOY_POINT_COST)))
    return int(min(NUM_SAMPLES.high, max(2, budget // (max(nfe, 1) * pixels(dataset)))))


def samples_bound(dataset: str, nfe: int, default: int | None = None) -> Bounded:
    """``n`` limited by the work budget of ``nfe`` calls on ``dataset``."""
    high = max_samples(dataset, nfe)
    low_default = 64 if dataset in IMAGE_SETS else 1000
    base = NUM_SAMPLES if dataset in IMAGE_SETS else Bounded("n", 2, 4096, low_default)
    return base.with_range(high=high, default=default if default is not None else low_default)


# ---------------------------------------------------------------------------------------------
# Model sizes: the core's defaults, or tiny ones for the tests (KB_DEMO_TINY=1)
# ---------------------------------------------------------------------------------------------


def tiny_mode() -> bool:
    """``KB_DEMO_TINY`` set to anything but empty/0/false: tiny models, seconds of training."""
    return os.environ.get("KB_DEMO_TINY", "").strip().lower() not in ("", "0", "false", "no")


TINY_TRAIN_STEPS = 20
TINY_DIFFUSION_STEPS = 100
# what a method's options say about the models it builds on, shrunk alike: the optimiser steps
# of a distillation teacher, a 1-rectified flow or LDM's autoencoder, LDM's autoencoder width,
# the (noise, sample) pairs of a reflow
TINY_OPTIONS = {
    "teacher_steps": TINY_TRAIN_STEPS,
    "flow_steps": TINY_TRAIN_STEPS,
    "ae_steps": TINY_TRAIN_STEPS,
    "ae_width": 8,
    "num_pairs": 256,
}


def train_steps_bound(method: str, dataset: str) -> Bounded:
    """The training-steps control, defaulting to the core's steps for this model."""
    if tiny_mode():
        return TRAIN_STEPS.with_range(default=TINY_TRAIN_STEPS)
    from demos.registry import default_train_config

    return TRAIN_STEPS.with_range(default=default_train_config(method, dataset).steps)


def app_train_config(method: str, dataset: str, train_steps: int | None = None, **overrides: Any):
    """The :class:`~demos.train.TrainConfig` of the model ``method`` samples from.

    The core's defaults (:func:`demos.registry.default_train_config`), with tiny nets, batches
    and T under ``KB_DEMO_TINY``.
    """
    from demos.registry import default_train_config

    if tiny_mode():
        config = default_train_config(
            method,
            dataset,
            train_steps or TINY_TRAIN_STEPS,
            batch_size=32,
            diffusion_steps=TINY_DIFFUSION_STEPS,
            **overrides,
        )
        config.net.width = 8 if config.net.kind == "unet" else 32
        config.net.depth = 1 if config.net.kind == "unet" else 2
        config.net.time_dim = 16
        config.options = {
            key: TINY_OPTIONS.get(key, value) for key, value in config.options.items()
        }
        return config
    return default_train_config(method, dataset, train_steps, **overrides)
