"""``kb demo``: train and sample the diffusion demos (library: :mod:`demos`).

torch is imported inside the commands, never at module import, so ``kb --help`` stays light.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

DATASET_HELP = (
    "digits, digits16, digits32, mnist (needs --data-dir), swiss-roll, moons, "
    "gaussians8 or checkerboard"
)


@contextmanager
def _clean_errors() -> Iterator[None]:
    """Turn the demos' errors into one-line click errors (no traceback)."""
    from demos.errors import DemoError

    try:
        yield
    except DemoError as exc:
        raise click.ClickException(exc.render()) from exc
    except (ValueError, FloatingPointError) as exc:
        raise click.ClickException(str(exc)) from exc


class DemoGroup(click.Group):
    """``kb demo train|sample|open …`` as usual; any other first word is a METHOD to open,
    and ``kb demo`` alone opens the app's first page."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0].startswith("-") and args[0] not in ("--help", "-h")):
            args = ["open", *args]
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]):  # noqa: ANN201
        if args and args[0] not in self.commands:
            return "open", self.commands["open"], args  # `kb demo ddim` = `kb demo open ddim`
        return super().resolve_command(ctx, args)


@click.group("demo", cls=DemoGroup)
def demo() -> None:
    """Run the diffusion demos in the browser, or train and sample them here.

    `kb demo METHOD` opens the Streamlit app at METHOD's page (ddpm, ddim, ldm,
    progressive-distillation or distill, consistency-models, score-sde, flow-matching).
    Each model trains once and is cached (KB_CACHE_DIR, else the user cache dir).

    \b
    Examples:
      kb demo ddim --set steps=20 --set eta=0
      kb demo train ddpm --dataset digits
      kb demo sample ddim --steps 20 --eta 0 --out grid.png
    """


THREADS_HELP = (
    "torch CPU threads. These models are small, and on a shared machine a second thread that "
    "waits for a busy core can make each step ten times slower."
)


def _use_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def _config(method: str, dataset: str, steps: int | None, seed: int, data_dir: str | None):
    from demos.registry import default_train_config

    return default_train_config(method, dataset, steps, seed=seed, data_dir=data_dir)


@demo.command("train")
@click.argument("method")
@click.option("--dataset", "-d", default="digits", show_default=True, help=DATASET_HELP)
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=None,
    help="Optimiser steps (default: the dataset's, about 3 minutes on 2 CPU cores).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder with the MNIST IDX files (for --dataset mnist).",
)
@click.option("--retrain", is_flag=True, help="Train again even if a cached model exists.")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option(
    "--threads", type=click.IntRange(min=1), default=1, show_default=True, help=THREADS_HELP
)
def train(
    method: str,
    dataset: str,
    steps: int | None,
    seed: int,
    data_dir: str | None,
    retrain: bool,
    progress: bool,
    threads: int,
) -> None:
    """Train the model METHOD samples from (ddim reuses ddpm's) and cache it.

    \b
    Example:
      kb demo train ddpm --dataset digits --steps 2000
    """
    from demos.pretrained import model_origin
    from demos.trained import find_checkpoint, load_or_train

    _use_threads(threads)
    with _clean_errors():
        config = _config(method, dataset, steps, seed, data_dir)
        cached = not retrain and find_checkpoint(config) is not None
        trained = load_or_train(config, retrain=retrain, progress=progress)
    info = trained.info
    status = "already trained" if cached else "trained"
    click.echo(
        f"{status}: {config.method} on {config.dataset}, {config.steps} steps, "
        f"{info.get('seconds', '?')} s, final loss {info.get('final_loss', float('nan')):.4f}"
    )
    click.echo(f"model: {model_origin(trained)}")
    click.echo(f"checkpoint: {trained.directory}")


@demo.command("sample")
@click.argument("method")
@click.option("--dataset", "-d", default="digits", show_default=True, help=DATASET_HELP)
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=None,
    help="Sampling steps = NFE (DDPM: all T = 1000; DDIM default 50).",
)
@click.option(
    "--eta",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="DDIM noise: 0 deterministic, 1 DDPM-like.",
)
@click.option(
    "--guidance-scale",
    "-w",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Classifier-free guidance weight w for class-conditional models (ldm).",
)
@click.option("--num-samples", "-n", type=click.IntRange(min=2), default=64, show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default="samples.png",
    show_default=True,
    help="PNG to write (image grid or scatter plot).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--train-steps",
    type=click.IntRange(min=1),
    default=None,
    help="Which trained model to use (its --steps); trained first if not cached.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder with the MNIST IDX files (for --dataset mnist).",
)
@click.option(
    "--metric/--no-metric",
    default=True,
    show_default=True,
    help="Score the samples against the data (with a data-vs-data baseline).",
)
@click.option(
    "--threads", type=click.IntRange(min=1), default=1, show_default=True, help=THREADS_HELP
)
def sample(
    method: str,
    dataset: str,
    steps: int | None,
    eta: float,
    guidance_scale: float,
    num_samples: int,
    out: str,
    seed: int,
    train_steps: int | None,
    data_dir: str | None,
    metric: bool,
    threads: int,
) -> None:
    """Draw samples with METHOD, write a PNG, print NFE, wall time and quality.

    \b
    Example:
      kb demo sample ddim --dataset digits --steps 20 --eta 0 --out grid.png
    """
    from demos.errors import CheckpointError
    from demos.figures import save_samples
    from demos.registry import draw, get_method
    from demos.sample import SampleOptions

    _use_threads(threads)
    with _clean_errors():
        spec = get_method(method)
        config = _config(method, dataset, train_steps, 0, data_dir)
        options = SampleOptions(
            num_samples=num_samples,
            steps=steps or spec.default_steps,
            eta=eta,
            seed=seed,
            guidance_scale=guidance_scale,
        )
        if spec.check is not None:
            spec.check(config, options)
        try:
            trained = _load_or_train(config, retrain=False)
        except CheckpointError as exc:
            if not (sys.stdin.isatty() and click.confirm(f"{exc.render()}\nRetrain now?")):
                raise
            trained = _load_or_train(config, retrain=True)
        result = draw(method, trained, options)
        path = save_samples(result.samples, out, title=f"{method}, NFE {result.nfe}")
        from demos.pretrained import model_origin

        click.echo(f"model: {model_origin(trained)}")
        click.echo(f"{method} on {dataset}: NFE {result.nfe}, wall time {result.seconds:.2f} s")
        if metric:
            from demos.metrics import evaluate

            click.echo(evaluate(dataset, result.samples, seed, data_dir).summary())
    click.echo(f"wrote {path}")


def _load_or_train(config, retrain: bool):
    from demos.trained import find_checkpoint, load_or_train

    if retrain or find_checkpoint(config) is None:
        click.echo(
            f"training {config.method} on {config.dataset} first (once; it is cached)", err=True
        )
    return load_or_train(config, retrain=retrain)


@demo.command("open")
@click.argument("method", required=False)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8501,
    show_default=True,
    help="Port of the app on 127.0.0.1.",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser; print the URL.")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="A control of the page, as in the app's links (steps=20, eta=0, "
    "dataset=moons); repeat for more.",
)
def open_app(method: str | None, port: int, no_browser: bool, settings: tuple[str, ...]) -> None:
    """Open the demo app (Streamlit) at METHOD's page; Ctrl-C stops it.

    Without METHOD the app opens at its overview. `kb demo METHOD` is the same command.

    \b
    Examples:
      kb demo ddim --set steps=20 --set eta=0
      kb demo open progressive-distillation --port 8502 --no-browser
    """
    from demos.app.routes import find_route, route_names
    from kb.launch import run_demo_app

    url_path = ""
    if method:
        route = find_route(method)
        if route is None:
            raise click.UsageError(
                f"no demo called {method!r}; choose one of {', '.join(route_names())}"
            )
        url_path = route.url_path
    params = {}
    for setting in settings:
        name, sep, value = setting.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{setting!r} is not NAME=VALUE", param_hint="--set")
        params[name.strip()] = value.strip()
    code = run_demo_app(url_path=url_path, params=params, port=port, open_browser=not no_browser)
    raise SystemExit(code)
