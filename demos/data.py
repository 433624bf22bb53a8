r"""Training data for the demos, all made or read locally: nothing is downloaded.

Three kinds of data, each as a tensor ``x`` (and labels ``y`` where there are classes):

* **2-D toy distributions** (swiss roll, two moons, 8 gaussians, checkerboard), generated on the
  fly from a :class:`torch.Generator`, so a metric can always draw *fresh* samples of the true
  distribution. Each is scaled to roughly unit standard deviation, the scale the DDPM forward
  process :math:`q(x_t \mid x_0) = \mathcal N(\sqrt{\bar\alpha_t}\,x_0, (1-\bar\alpha_t) I)`
  expects.
* **8×8 digits** bundled with scikit-learn (1,797 images, 10 classes), mapped from the 0…16 ink
  levels to :math:`[-1, 1]`, optionally resized (bilinear) to 16×16 or 32×32.
* **MNIST** read from the standard IDX files in a folder the user names (LeCun's format: a magic
  number whose third byte is the element type and fourth the number of dimensions, then the
  dimensions as big-endian int32, then the data).

Shapes: toy points ``(N, 2)``; images ``(N, 1, H, W)``; labels ``(N,)`` int64.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from demos.errors import DemoError

TOY_DATASETS = ("swiss-roll", "moons", "gaussians8", "checkerboard")
DIGIT_SIZES = {"digits": 8, "digits16": 16, "digits32": 32}
IMAGE_DATASETS = (*DIGIT_SIZES, "mnist")
DATASETS = (*IMAGE_DATASETS, *TOY_DATASETS)
TOY_TRAINING_POINTS = 20_000  # a fixed training set for the toy data; metrics draw fresh ones


# ---------------------------------------------------------------------------------------------
# 2-D toy distributions
# ---------------------------------------------------------------------------------------------


def _uniform(n: int, generator: torch.Generator | None) -> torch.Tensor:
    return torch.rand(n, generator=generator, dtype=torch.float64)


def _normal(shape: tuple[int, ...], generator: torch.Generator | None) -> torch.Tensor:
    return torch.randn(shape, generator=generator, dtype=torch.float64)


def swiss_roll(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """The swiss roll ``(n, 2)``: θ = 1.5π(1 + 2u), x = (θ cos θ, θ sin θ) / 7, noise 0.1."""
    theta = 1.5 * math.pi * (1 + 2 * _uniform(n, generator))
    points = torch.stack([theta * torch.cos(theta), theta * torch.sin(theta)], dim=1) / 7
    return (points + 0.1 * _normal((n, 2), generator)).float()


def two_moons(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Two interleaved half circles ``(n, 2)`` (as scikit-learn's make_moons), noise 0.05."""
    theta = math.pi * _uniform(n, generator)
    upper = torch.rand(n, generator=generator) < 0.5
    x = torch.where(upper, torch.cos(theta), 1 - torch.cos(theta))
    y = torch.where(upper, torch.sin(theta), 0.5 - torch.sin(theta))
    points = torch.stack([x - 0.5, y - 0.25], dim=1) * 1.5
    return (points + 0.05 * _normal((n, 2), generator)).float()


def eight_gaussians(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Eight isotropic gaussians (std 0.1) centred on a circle of radius √2. ``(n, 2)``."""
    k = torch.randint(0, 8, (n,), generator=generator).double()
    centres = math.sqrt(2) * torch.stack(
        [torch.cos(k * math.pi / 4), torch.sin(k * math.pi / 4)], 1
    )
    return (centres + 0.1 * _normal((n, 2), generator)).float()


def checkerboard(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Uniform on the 8 dark squares of a 4×4 board covering [-2, 2]² (FFJORD's set). ``(n, 2)``."""
    x1 = 4 * _uniform(n, generator) - 2
    # pick a row pair (−2…0 or 0…2 before the shift), then move odd columns up by one square
    x2 = _uniform(n, generator) - 2 * torch.randint(0, 2, (n,), generator=generator).double()
    x2 = x2 + torch.floor(x1) % 2
    return torch.stack([x1, x2], dim=1).float()


_TOY_SAMPLERS = {
    "swiss-roll": swiss_roll,
    "moons": two_moons,
    "gaussians8": eight_gaussians,
    "checkerboard": checkerboard,
}


def sample_toy(name: str, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Draw ``n`` fresh points ``(n, 2)`` of the toy distribution ``name``."""
    if name not in _TOY_SAMPLERS:
        raise DemoError(
            f"unknown toy dataset {name!r}; choose one of {', '.join(TOY_DATASETS)}", code="E601"
        )
    return _TOY_SAMPLERS[name](n, generator)


# ---------------------------------------------------------------------------------------------
# Images: scikit-learn's 8×8 digits and MNIST
# ---------------------------------------------------------------------------------------------


def load_digits_images(size: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's bundled digits in [-1, 1]: ``x (1797, 1, size, size)``, ``y (1797,)``.

    The 17 ink levels 0…16 map linearly to [-1, 1] (x / 8 − 1); ``size`` 16 or 32 resizes
    bilinearly, which keeps that range.
    """
    from sklearn.datasets import load_digits

    if size not in (8, 16, 32):
        raise DemoError(f"digits can be 8, 16 or 32 pixels wide, not {size}", code="E604")
    bunch = load_digits()
    x = torch.tensor(bunch.images, dtype=torch.float32)[:, None] / 8 - 1  # (N, 1, 8, 8)
    if size != 8:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return x, torch.tensor(bunch.target, dtype=torch.int64)


_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | Path) -> np.ndarray:
    """Read one IDX file (optionally gzipped) into a numpy array of its stated shape and type."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise DemoError(f"cannot read IDX file: {exc}", path=path, code="E602") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise DemoError("not an IDX file (bad magic number)", path=path, code="E602")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(raw[4:header], dtype=">i4"))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise DemoError(
            f"IDX file has {len(raw)} bytes, its header says {expected}", path=path, code="E602"
        )
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)


MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def _find_idx(folder: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx")):
        if (folder / name).exists():
            return folder / name
    raise DemoError(
        f"MNIST file {stem} (or {stem}.gz) not found; put the four standard IDX "
        "files in this folder",
        path=folder,
        code="E602",
    )


def load_mnist(data_dir: str | Path, split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST from the IDX files in ``data_dir``: ``x (N, 1, 28, 28)`` in [-1, 1], ``y (N,)``."""
    if split not in MNIST_FILES:
        raise DemoError(f"MNIST split must be 'train' or 'test', not {split!r}", code="E604")
    folder = Path(data_dir)
    images = read_idx(_find_idx(folder, MNIST_FILES[split][0]))
    labels = read_idx(_find_idx(folder, MNIST_FILES[split][1]))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DemoError(
            f"MNIST {split} images {images.shape} and labels {labels.shape} do not match",
            path=folder,
            code="E602",
        )
    x = torch.tensor(images.astype(np.float32) / 127.5 - 1)[:, None]  # 0…255 → [-1, 1]
    return x, torch.tensor(labels.astype(np.int64))


# ---------------------------------------------------------------------------------------------
# One entry point for the trainer and the metrics
# ---------------------------------------------------------------------------------------------


@dataclass
class Dataset:
    """A dataset as the trainer sees it: ``x`` ``(N, *shape)``, labels ``y`` ``(N,)`` or None."""

    name: str
    x: torch.Tensor
    y: torch.Tensor | None

    @property
    def is_image(self) -> bool:
        return self.x.dim() == 4

    @property
    def sample_shape(self) -> tuple[int, ...]:
        """The shape of one sample: ``(2,)`` or ``(C, H, W)``."""
        return tuple(self.x.shape[1:])

    @property
    def num_classes(self) -> int | None:
        return None if self.y is None else int(self.y.max()) + 1


def sample_shape(name: str) -> tuple[int, ...]:
    """The shape of one sample of ``name`` without loading it: ``(2,)`` or ``(1, H, W)``."""
    if name in TOY_DATASETS:
        return (2,)
    if name in DIGIT_SIZES:
        return (1, DIGIT_SIZES[name], DIGIT_SIZES[name])
    if name == "mnist":
        return (1, 28, 28)
    raise DemoError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}", code="E601")


SPLITS = ("train", "test")
DIGITS_SPLIT_SEED = 0  # one fixed split, shared by every model and the metrics' classifier


def split_indices(
    n: int, seed: int = DIGITS_SPLIT_SEED, train_fraction: float = 0.8
) -> tuple[torch.Tensor, torch.Tensor]:
    """A fixed random split of ``range(n)`` into training and held-out indices."""
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    cut = int(train_fraction * n)
    return order[:cut], order[cut:]


def load_dataset(
    name: str, *, split: str = "train", data_dir: str | Path | None = None, seed: int = 0
) -> Dataset:
    """The ``split`` ("train" or "test") of ``name`` (one of :data:`DATASETS`).

    * toy sets: :data:`TOY_TRAINING_POINTS` points drawn with ``seed`` (a different stream for
      "test");
    * digits: a fixed random 80 % / 20 % split of the 1,797 images (1,437 / 360), so that
      the metrics compare samples with images no model or classifier was trained on;
    * MNIST: its own train and t10k files in ``data_dir``.
    """
    if split not in SPLITS:
        raise DemoError(f"split must be 'train' or 'test', not {split!r}", code="E604")
    if name in TOY_DATASETS:
        generator = torch.Generator().manual_seed(seed + (0 if split == "train" else 1_000_003))
        return Dataset(name, sample_toy(name, TOY_TRAINING_POINTS, generator), None)
    if name in DIGIT_SIZES:
        x, y = load_digits_images(DIGIT_SIZES[name])
        index = split_indices(len(x))[0 if split == "train" else 1]
        return Dataset(name, x[index], y[index])
    if name == "mnist":
        if data_dir is None:
            raise DemoError(
                "the mnist dataset needs --data-dir, a folder with the four IDX "
                "files (train-images-idx3-ubyte …)",
                code="E604",
            )
        return Dataset(name, *load_mnist(data_dir, split))
    raise DemoError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}", code="E601")
