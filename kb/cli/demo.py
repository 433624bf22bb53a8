"""``kb demo``: train and sample the diffusion demos (library: :mod:`demos`).

torch is imported inside the commands, never at module import, so ``kb --help`` stays light.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from collections.abc import Iterator

import click

DATASET_HELP = ("digits, digits16, digits32, mnist (needs --data-dir), swiss-roll, moons, "
                "gaussians8 or checkerboard")


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


@click.group("demo")
def demo() -> None:
    """Train and sample the runnable diffusion demos (DDPM, DDIM).

    Each model trains once and is cached (KB_CACHE_DIR, else the user cache dir).

    \b
    Examples:
      kb demo train ddpm --dataset digits
      kb demo sample ddim --steps 20 --eta 0 --out grid.png
    """


def _config(method: str, dataset: str, steps: int | None, seed: int, data_dir: str | None):
    from demos.registry import default_train_config

    return default_train_config(method, dataset, steps, seed=seed, data_dir=data_dir)


@demo.command("train")
@click.argument("method")
@click.option("--dataset", "-d", default="digits", show_default=True, help=DATASET_HELP)
@click.option("--steps", type=click.IntRange(min=1), default=None,
              help="Optimiser steps (default: the dataset's, about 3 minutes on 2 CPU cores).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Folder with the MNIST IDX files (for --dataset mnist).")
@click.option("--retrain", is_flag=True, help="Train again even if a cached model exists.")
@click.option("--progress/--no-progress", default=True, show_default=True)
def train(method: str, dataset: str, steps: int | None, seed: int, data_dir: str | None,
          retrain: bool, progress: bool) -> None:
    """Train the model METHOD samples from (ddim reuses ddpm's) and cache it.

    \b
    Example:
      kb demo train ddpm --dataset digits --steps 2000
    """
    from demos.cache import checkpoint_dir, load_or_train

    with _clean_errors():
        config = _config(method, dataset, steps, seed, data_dir)
        cached = (checkpoint_dir(config) / "config.json").exists() and not retrain
        trained = load_or_train(config, retrain=retrain, progress=progress)
    info = trained.info
    status = "already trained" if cached else "trained"
    click.echo(f"{status}: {config.method} on {config.dataset}, {config.steps} steps, "
               f"{info.get('seconds', '?')} s, final loss {info.get('final_loss', float('nan')):.4f}")
    click.echo(f"checkpoint: {trained.directory}")


@demo.command("sample")
@click.argument("method")
@click.option("--dataset", "-d", default="digits", show_default=True, help=DATASET_HELP)
@click.option("--steps", type=click.IntRange(min=1), default=None,
              help="Sampling steps = NFE (DDPM: all T = 1000; DDIM default 50).")
@click.option("--eta", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="DDIM noise: 0 deterministic, 1 DDPM-like.")
@click.option("--num-samples", "-n", type=click.IntRange(min=2), default=64, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), default="samples.png",
              show_default=True, help="PNG to write (image grid or scatter plot).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--train-steps", type=click.IntRange(min=1), default=None,
              help="Which trained model to use (its --steps); trained first if not cached.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Folder with the MNIST IDX files (for --dataset mnist).")
@click.option("--metric/--no-metric", default=True, show_default=True,
              help="Score the samples against the data (with a data-vs-data baseline).")
def sample(method: str, dataset: str, steps: int | None, eta: float, num_samples: int, out: str,
           seed: int, train_steps: int | None, data_dir: str | None, metric: bool) -> None:
    """Draw samples with METHOD, write a PNG, print NFE, wall time and quality.

    \b
    Example:
      kb demo sample ddim --dataset digits --steps 20 --eta 0 --out grid.png
    """
    from demos.errors import CheckpointError
    from demos.figures import save_samples
    from demos.registry import get_method
    from demos.sample import SampleOptions

    with _clean_errors():
        spec = get_method(method)
        config = _config(method, dataset, train_steps, 0, data_dir)
        try:
            trained = _load_or_train(config, retrain=False)
        except CheckpointError as exc:
            if not (sys.stdin.isatty() and click.confirm(f"{exc.render()}\nRetrain now?")):
                raise
            trained = _load_or_train(config, retrain=True)
        options = SampleOptions(num_samples=num_samples, steps=steps or spec.default_steps,
                                eta=eta, seed=seed)
        result = spec.sample(trained, options)
        path = save_samples(result.samples, out, title=f"{method}, NFE {result.nfe}")
        click.echo(f"{method} on {dataset}: NFE {result.nfe}, wall time {result.seconds:.2f} s")
        if metric:
            from demos.metrics import evaluate

            click.echo(evaluate(dataset, result.samples, seed, data_dir).summary())
    click.echo(f"wrote {path}")


def _load_or_train(config, retrain: bool):
    from demos.cache import checkpoint_dir, load_or_train

    if retrain or not (checkpoint_dir(config) / "config.json").exists():
        click.echo(f"training {config.method} on {config.dataset} first (once; it is cached)",
                   err=True)
    return load_or_train(config, retrain=retrain)
