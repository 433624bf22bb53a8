"""A small digit classifier trained here, whose features stand in for Inception's.

FID (Heusel et al. 2017) compares generated and real images in the feature space of an
Inception network trained on ImageNet. Those weights would have to be downloaded, and 8×8 digits
are far from ImageNet anyway, so the demos train their own feature extractor: an MLP on the
pixels, ``x (B, 1, H, W) → 256 → 64 → 10`` with ReLU, trained with cross-entropy on the
training split; its 64 penultimate activations are the features, and its accuracy on the
held-out "test" split of :func:`demos.data.load_dataset` (which no model trains on) says
whether they mean anything. Trained once per dataset (seconds) and cached like the models;
the classifiers of the demo pages' datasets are shipped with their weights
(:mod:`demos.pretrained`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import load_dataset, sample_shape

FEATURE_DIM = 64


class DigitClassifier(nn.Module):
    """Pixels ``(B, 1, H, W)`` → logits ``(B, 10)``; :meth:`features` gives ``(B, 64)``."""

    def __init__(self, num_pixels: int, num_classes: int = 10) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Flatten(),
            nn.Linear(num_pixels, 256),
            nn.ReLU(),
            nn.Linear(256, FEATURE_DIM),
            nn.ReLU(),
        )
        self.head = nn.Linear(FEATURE_DIM, num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


@dataclass
class ClassifierConfig:
    dataset: str = "digits"
    steps: int = 600
    batch_size: int = 256
    lr: float = 1e-3
    pixel_noise: float = 0.1  # Gaussian noise on the inputs while training: smoother features
    seed: int = 0
    data_dir: str | None = None


def _labelled_splits(config: ClassifierConfig) -> tuple[torch.Tensor, ...]:
    train = load_dataset(config.dataset, split="train", data_dir=config.data_dir)
    test = load_dataset(config.dataset, split="test", data_dir=config.data_dir)
    return train.x, train.y, test.x, test.y


def train_classifier(config: ClassifierConfig) -> tuple[DigitClassifier, float]:
    """Train on the training split; return the classifier and its held-out accuracy."""
    x_train, y_train, x_test, y_test = _labelled_splits(config)
    torch.manual_seed(config.seed)
    model = DigitClassifier(x_train[0].numel(), int(y_train.max()) + 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed)
    with torch.enable_grad():  # callers may be inside no_grad (sampling, evaluation)
        _fit(model, optimizer, generator, x_train, y_train, config)
    return model.eval(), accuracy(model, x_test, y_test)


def _fit(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    generator: torch.Generator,
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    config: ClassifierConfig,
) -> None:
    for _ in range(config.steps):
        index = torch.randint(0, len(x_train), (config.batch_size,), generator=generator)
        x = x_train[index] + config.pixel_noise * torch.randn(
            x_train[index].shape, generator=generator
        )
        loss = F.cross_entropy(model(x), y_train[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    return (model(x).argmax(dim=1) == y).double().mean().item()


def classifier_file_name(dataset: str, data_dir: str | Path | None = None) -> str:
    """``classifier-<dataset>-<hash of its config>.pt``: its name in the cache and when shipped."""
    config = ClassifierConfig(dataset, data_dir=str(data_dir) if data_dir else None)
    key = hashlib.sha256(json.dumps(asdict(config), sort_keys=True).encode()).hexdigest()[:12]
    return f"classifier-{dataset}-{key}.pt"


def load_or_train_classifier(
    dataset: str, data_dir: str | Path | None = None, cache: Path | None = None
) -> tuple[DigitClassifier, float]:
    """The classifier of ``dataset`` and its held-out accuracy: cached, else shipped with
    diffusion-kb (:mod:`demos.pretrained`, under the same config-hash name), else trained now
    and cached."""
    from demos.cache import cache_root
    from demos.pretrained import shipped_file

    name = classifier_file_name(dataset, data_dir)
    path = (cache or cache_root()) / name
    for candidate in (path, shipped_file(name)):
        if candidate is None or not candidate.exists():
            continue
        try:
            return _load(candidate, dataset)
        except Exception:  # a broken file is not used; training costs seconds
            if candidate == path:
                path.unlink(missing_ok=True)
    config = ClassifierConfig(dataset, data_dir=str(data_dir) if data_dir else None)
    model, acc = train_classifier(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"state": model.state_dict(), "accuracy": acc, "num_classes": model.head.out_features}
    tmp = path.with_suffix(".pt.tmp")
    torch.save(state, tmp)
    tmp.replace(path)
    return model, acc


def _load(path: Path, dataset: str) -> tuple[DigitClassifier, float]:
    stored = torch.load(path, weights_only=True)
    shape = sample_shape(dataset)
    model = DigitClassifier(shape[0] * shape[1] * shape[2], stored["num_classes"])
    model.load_state_dict(stored["state"])
    return model.eval(), float(stored["accuracy"])
