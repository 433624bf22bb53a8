"""The runs a demo page makes — draw samples, keep a few frames, score them — cached.

A :class:`Run` is what a page shows for one click: the samples, a handful of frames of the
trajectory (never the whole chain), NFE, wall time and the :class:`~demos.metrics.QualityReport`.
Results are remembered per model and options (``st.cache_data``), so moving back to a page or
undoing a slider is instant; the wall time shown is that of the run that drew them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import streamlit as st
import torch

from demos.app.state import model_stamp, remembered


@dataclass
class Run:
    samples: torch.Tensor  # (N, …) on the CPU
    nfe: int
    seconds: float
    report: Any = None  # demos.metrics.QualityReport, or None when not scored
    frames: list[tuple[str, torch.Tensor]] = field(default_factory=list)  # (label, x (N, …))


def frame_indices(length: int, count: int) -> list[int]:
    """``count`` indices spread evenly over ``0 … length − 1``, both ends included."""
    if count <= 1 or length <= 1:
        return [length - 1]
    count = min(count, length)
    return sorted({round(i * (length - 1) / (count - 1)) for i in range(count)})


def _options_key(options: Any) -> dict[str, Any]:
    key = asdict(replace(options, labels=None))
    key["labels"] = None if options.labels is None else options.labels.tolist()
    return key


def sample_run(
    trained: Any,
    method: str,
    options: Any,
    *,
    frames: int = 0,
    frame_label: Callable[[int, int], str] | None = None,
    evaluate: bool = True,
) -> Run:
    """Sample ``trained`` with registry method ``method``; keep ``frames`` trajectory frames.

    ``frame_label(k, S)`` names frame ``k`` of a trajectory of ``S`` steps (default "k/S").
    """
    key = {
        "model": model_stamp(trained),
        "method": method,
        "options": _options_key(options),
        "frames": frames,
        "evaluate": evaluate,
    }
    return remembered(
        "sample_run",
        key,
        lambda: _sample_run(trained, method, options, frames, frame_label, evaluate),
    )


def _sample_run(
    trained: Any,
    method: str,
    options: Any,
    frames: int,
    frame_label: Callable[[int, int], str] | None,
    evaluate: bool,
) -> Run:
    from demos.registry import draw

    options = replace(options, return_trajectory=frames > 0)
    result = draw(method, trained, options)
    samples = result.samples.detach().float().cpu()
    kept = []
    if frames and result.trajectory is not None:
        trajectory = result.trajectory
        steps = len(trajectory) - 1
        label = frame_label or (lambda k, s: f"{k}/{s}")
        kept = [
            (label(k, steps), trajectory[k].detach().float().cpu().clone())
            for k in frame_indices(len(trajectory), frames)
        ]
    report = quality(trained.config.dataset, samples, options.seed) if evaluate else None
    return Run(samples, result.nfe, result.seconds, report, kept)


class _Recorder(torch.nn.Module):
    """Wraps a denoising net and keeps each input it is called with, and that input's time."""

    def __init__(self, net: torch.nn.Module) -> None:
        super().__init__()
        self.net = net
        self.calls: list[tuple[float, torch.Tensor]] = []

    def forward(self, x: torch.Tensor, t: Any, y: Any = None) -> torch.Tensor:
        time = float(torch.as_tensor(t).flatten()[0])
        self.calls.append((time, x.detach().float().cpu().clone()))
        return self.net(x, t) if y is None else self.net(x, t, y)


def teacher_ddim_run(teacher: Any, num_samples: int, steps: int, seed: int) -> Run:
    """The DDIM sampler a distilled student is compared with: η = 0 on trailing steps."""
    from demos.sample import SampleOptions

    options = SampleOptions(
        num_samples=num_samples, steps=steps, eta=0.0, spacing="trailing", seed=seed
    )
    return sample_run(teacher, "ddim", options)


def accepted_states(calls: list[tuple[float, torch.Tensor]]) -> list[tuple[float, torch.Tensor]]:
    """The sampler's states as ``(net time, x)``, one per time: of several calls at the same
    time (a Heun guess then the accepted point, a Langevin corrector then the predictor) the
    last one is kept."""
    states: list[tuple[float, torch.Tensor]] = []
    for time, x in calls:
        if states and states[-1][0] == time:
            states[-1] = (time, x)
        else:
            states.append((time, x))
    return states


def sample_paths(trained: Any, method: str, options: Any) -> tuple[list[float], torch.Tensor, Run]:
    """Sample with registry ``method``; return the net's time at each state, the paths
    ``(S + 1, N, …)`` the samples took (the last row: the samples) and the run.

    The network is wrapped to record what it is called with, so any sampler that feeds it the
    current state shows its path without being changed. (A net that sees a scaled input, as
    the VE score model's c_in·x, records the scaled state.)
    """

    def compute() -> tuple[list[float], torch.Tensor, Run]:
        from demos.registry import draw

        recorder = _Recorder(trained.net)
        result = draw(method, replace(trained, net=recorder), options)
        samples = result.samples.detach().float().cpu()
        states = accepted_states(recorder.calls)
        paths = torch.stack([*(x for _, x in states), samples])
        return [t for t, _ in states], paths, Run(samples, result.nfe, result.seconds)

    key = {"model": model_stamp(trained), "method": method, "options": _options_key(options)}
    return remembered("sample_paths", key, compute)


def quality(dataset: str, samples: torch.Tensor, seed: int = 0) -> Any:
    """The quality report of ``samples`` (see :mod:`demos.metrics`); needs at least 2."""
    from demos.metrics import evaluate

    if len(samples) < 2:
        return None
    return evaluate(dataset, samples, seed)


@st.cache_resource(max_entries=8, show_spinner=False)
def training_data(dataset: str) -> Any:
    """The training set of ``dataset`` (:func:`demos.data.load_dataset`), loaded once."""
    from demos.data import load_dataset

    return load_dataset(dataset)


def real_samples(dataset: str, n: int, seed: int = 0) -> torch.Tensor:
    """``n`` random training examples ``(n, …)`` — toy points or digit images."""
    data = training_data(dataset).x
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))
    return data[order[:n]]
