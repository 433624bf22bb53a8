"""demos.data: toy distributions, bundled digits, MNIST IDX files — nothing downloaded."""

from __future__ import annotations

import gzip
import math
import struct

import numpy as np
import pytest
import torch

from demos.data import (
    TOY_DATASETS,
    load_dataset,
    load_digits_images,
    load_mnist,
    read_idx,
    sample_shape,
    sample_toy,
)
from demos.errors import DemoError


@pytest.mark.parametrize("name", TOY_DATASETS)
def test_toy_sets_are_2d_seeded_and_unit_scale(name):
    a = sample_toy(name, 4000, torch.Generator().manual_seed(1))
    b = sample_toy(name, 4000, torch.Generator().manual_seed(1))
    c = sample_toy(name, 4000, torch.Generator().manual_seed(2))
    assert a.shape == (4000, 2) and a.dtype == torch.float32
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert 0.5 < a.std() < 1.6 and a.abs().max() < 4


def test_checkerboard_points_lie_on_dark_squares():
    x = sample_toy("checkerboard", 5000, torch.Generator().manual_seed(0)).double()
    assert ((torch.floor(x[:, 0]) + torch.floor(x[:, 1])) % 2 == 0).all()
    assert x.min() >= -2 and x.max() < 2


def test_eight_gaussians_cluster_round_eight_centres():
    x = sample_toy("gaussians8", 5000, torch.Generator().manual_seed(0)).double()
    centres = torch.tensor(
        [
            [math.sqrt(2) * math.cos(k * math.pi / 4), math.sqrt(2) * math.sin(k * math.pi / 4)]
            for k in range(8)
        ]
    )
    nearest = torch.cdist(x, centres.double()).min(dim=1)
    assert (nearest.values < 0.5).all()
    counts = torch.bincount(nearest.indices, minlength=8)
    assert counts.min() > 5000 / 8 * 0.8


def test_swiss_roll_radius_tracks_its_angle():
    x = sample_toy("swiss-roll", 5000, torch.Generator().manual_seed(0)).double()
    radius = 7 * x.norm(dim=1)  # θ, up to the noise (0.1 · 7 per axis)
    assert radius.min() > 1.5 * math.pi - 3 and radius.max() < 4.5 * math.pi + 3


def test_digits_are_bundled_images_in_minus_one_to_one():
    from sklearn.datasets import load_digits

    x, y = load_digits_images()
    raw = load_digits()
    assert x.shape == (1797, 1, 8, 8) and y.shape == (1797,)
    assert torch.allclose(x[5, 0], torch.tensor(raw.images[5] / 8.0 - 1, dtype=torch.float32))
    assert y[5] == raw.target[5]
    for size in (16, 32):
        big, _ = load_digits_images(size)
        assert big.shape == (1797, 1, size, size)
        assert big.min() >= -1 and big.max() <= 1
        assert abs(big.mean() - x.mean()) < 0.02  # resizing keeps the ink
    with pytest.raises(DemoError):
        load_digits_images(12)


def _write_idx(path, array: np.ndarray, type_code: int = 0x08, compress: bool = False) -> None:
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    (gzip.open if compress else open)(path, "wb").write(payload)


@pytest.mark.parametrize("compress", [False, True])
def test_mnist_reads_the_four_idx_files(tmp_path, compress):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    suffix = ".gz" if compress else ""
    for split, n in (("train", 5), ("t10k", 3)):
        _write_idx(tmp_path / f"{split}-images-idx3-ubyte{suffix}", images[:n], compress=compress)
        _write_idx(tmp_path / f"{split}-labels-idx1-ubyte{suffix}", labels[:n], compress=compress)
    x, y = load_mnist(tmp_path, "train")
    assert x.shape == (5, 1, 28, 28) and y.tolist() == [3, 1, 4, 1, 5]
    assert torch.allclose(x[2, 0].double(), torch.tensor(images[2] / 127.5 - 1), atol=1e-6)
    assert load_mnist(tmp_path, "test")[0].shape == (3, 1, 28, 28)
    assert load_dataset("mnist", data_dir=tmp_path).x.shape == (5, 1, 28, 28)


def test_read_idx_other_types_and_bad_files(tmp_path):
    values = np.arange(6, dtype=np.int32).reshape(2, 3) - 2
    _write_idx(tmp_path / "ints", values, type_code=0x0C)
    assert np.array_equal(read_idx(tmp_path / "ints"), values)
    (tmp_path / "bad").write_bytes(b"\x12\x34\x08\x01\x00\x00\x00\x01\x00")
    with pytest.raises(DemoError, match="magic"):
        read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes(bytes([0, 0, 8, 1]) + struct.pack(">i", 10) + b"\x00")
    with pytest.raises(DemoError, match="header says"):
        read_idx(tmp_path / "short")
    with pytest.raises(DemoError, match="not found"):
        load_mnist(tmp_path / "nowhere")


def test_load_dataset_names_and_errors():
    assert load_dataset("moons").x.shape[1:] == (2,)
    assert load_dataset("digits16").sample_shape == (1, 16, 16)
    assert load_dataset("digits").num_classes == 10
    train, test = load_dataset("digits"), load_dataset("digits", split="test")
    assert len(train.x) == 1437 and len(test.x) == 360  # a fixed 80/20 split
    pairs = {tuple(v.flatten().tolist()) for v in train.x}
    assert sum(tuple(v.flatten().tolist()) in pairs for v in test.x) < 10  # (sklearn's duplicates)
    assert torch.equal(load_dataset("digits", split="test").x, test.x)
    with pytest.raises(DemoError, match="split"):
        load_dataset("digits", split="val")
    assert sample_shape("mnist") == (1, 28, 28)
    with pytest.raises(DemoError, match="--data-dir"):
        load_dataset("mnist")
    with pytest.raises(DemoError, match="unknown dataset"):
        load_dataset("cifar")
