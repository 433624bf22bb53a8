"""The demo methods by name: how each trains and how it samples.

``kb demo train METHOD`` and ``kb demo sample METHOD`` look the method up here. A method that
samples from another method's model (DDIM uses DDPM's ε-network) sets ``model_method`` to that
name and has no trainer of its own.

A new method lives in its own module, which registers itself when imported::

    # demos/flow_matching.py, at the end
    register(Method(name="flow-matching", summary="…", paper="arXiv:2210.02747",
                    model_method="flow-matching", train=train_flow, sample=sample_flow))

and is listed in :data:`METHOD_MODULES`, which this module imports (those that exist) after
the built-in DDPM and DDIM, so ``get_method("flow-matching")`` works without importing it first.

``train(config, device, progress) → demos.train.FitResult`` and
``sample(trained, options) → demos.sample.SampleResult``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from demos.errors import DemoError


@dataclass(frozen=True)
class Method:
    """A demo method: its trainer (or the method whose model it reuses) and its sampler."""

    name: str
    summary: str
    paper: str
    model_method: str  # whose trained model this method samples from
    train: Callable[..., Any] | None  # (TrainConfig, device, progress) → FitResult
    sample: Callable[..., Any]  # (TrainedModel, SampleOptions) → SampleResult
    default_steps: int | None = None  # sampling steps when none are given (None: the method's)
    check: Callable[..., None] | None = None  # (TrainConfig, SampleOptions): reject bad options
    # before any training starts, by raising DemoError
    config: Callable[..., Any] | None = None  # (dataset, steps, **overrides) → TrainConfig of
    # this method's own model; None: demos.train.default_config


METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    """Add ``method`` to :data:`METHODS` (a later registration of a name replaces it)."""
    METHODS[method.name] = method
    return method


def get_method(name: str) -> Method:
    if name not in METHODS:
        raise DemoError(
            f"unknown method {name!r}; choose one of {', '.join(sorted(METHODS))}", code="E601"
        )
    return METHODS[name]


def draw(method: str, trained: Any, options: Any) -> Any:
    """Sample with ``method`` and refuse a result that is not finite.

    Too few steps make some samplers diverge (VP Euler–Maruyama at 4 steps, for one); the user
    gets one clear message instead of a grid of NaN.
    """
    result = get_method(method).sample(trained, options)
    if not bool(result.samples.isfinite().all()):
        steps = options.steps if options.steps is not None else "the default"
        raise DemoError(
            f"{method} diverged with {steps} steps (the samples are not finite); use more steps",
            code="E605",
        )
    return result


def default_train_config(method: str, dataset: str, steps: int | None = None, **overrides: Any):
    """The :class:`~demos.train.TrainConfig` of the model ``method`` samples from."""
    from demos.train import default_config

    model_method = get_method(method).model_method
    make_config = get_method(model_method).config if model_method in METHODS else None
    if make_config is not None:
        return make_config(dataset, steps, **overrides)
    return default_config(model_method, dataset, steps, **overrides)


def _register_builtin() -> None:
    from demos.sample import check_ddpm_options, sample_ddim, sample_ddpm
    from demos.train import train_ddpm

    register(
        Method(
            "ddpm",
            "Denoising diffusion, ancestral sampling (Algorithm 2), T steps",
            "arXiv:2006.11239",
            "ddpm",
            train_ddpm,
            sample_ddpm,
            check=check_ddpm_options,
        )
    )
    register(
        Method(
            "ddim",
            "Deterministic (η = 0) or stochastic sampling on a sub-sequence of "
            "steps, from the DDPM ε-model",
            "arXiv:2010.02502",
            "ddpm",
            None,
            sample_ddim,
            default_steps=50,
        )
    )


# Modules that register further methods when imported; missing ones are skipped.
METHOD_MODULES = (
    "demos.ldm",
    "demos.distill",
    "demos.consistency",
    "demos.score_sde",
    "demos.ncsn",
    "demos.flow_matching",
    "demos.reflow",
)


def _import_method_modules() -> None:
    import importlib
    import importlib.util

    for name in METHOD_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


_register_builtin()
_import_method_modules()
