r"""Sample-quality metrics without Inception weights, each beside its data-vs-data baseline.

**Fréchet distance** (Dowson & Landau 1982; as FID, Heusel et al. 2017) between Gaussians fitted
to two feature sets:

.. math:: d^2 = \lVert\mu_a-\mu_b\rVert^2 + \operatorname{Tr}\big(\Sigma_a+\Sigma_b
          - 2(\Sigma_a\Sigma_b)^{1/2}\big),

on the 64 features of a digit classifier trained here (:mod:`demos.digit_classifier`). Also from
that classifier: the samples' **mean confidence** (mean of the top softmax probability) and
**class coverage** (the share of the K classes predicted for at least half of their fair share,
n / 2K, of the samples) — a collapsed model scores low on coverage. Beside quality, the cost:
:func:`flops_per_call` counts a network call's floating-point operations.

**Sliced Wasserstein distance** (Rabin et al. 2011; Bonneel et al. 2015) for 2-D points: the
2-Wasserstein distance between 1-D projections on random unit directions θ, where optimal
transport is sorting, averaged over directions:
:math:`SW_2 = \big(\mathbb E_\theta\, W_2^2(\theta^\top x, \theta^\top y)\big)^{1/2}`.

**Maximum mean discrepancy** (Gretton et al. 2012, eq. 5, the biased V-statistic) with a sum of
Gaussian kernels :math:`k(x, y) = \sum_h \exp(-\lVert x-y\rVert^2 / 2h^2)`:
:math:`\mathrm{MMD}^2 = \overline{k(x, x')} + \overline{k(y, y')} - 2\,\overline{k(x, y)}`.

Every estimate is biased by the finite sample, so each metric is reported with its **baseline**:
the same metric between two disjoint real samples of the same size. A model is as good as the
data can show when its value reaches the baseline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from demos.data import TOY_DATASETS, load_dataset, sample_toy


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """d² between Gaussians fitted to features ``a (N, D)`` and ``b (M, D)``, in float64."""
    a, b = a.double(), b.double()
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = torch.cov(a.T), torch.cov(b.T)  # (D, D), unbiased
    # Tr (Σa Σb)^{1/2} = Tr (Σa^{1/2} Σb Σa^{1/2})^{1/2}: a symmetric PSD matrix, so eigh works
    eigval, eigvec = torch.linalg.eigh(cov_a)
    sqrt_a = eigvec @ torch.diag(eigval.clamp(min=0).sqrt()) @ eigvec.T
    middle = torch.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a).clamp(min=0)
    trace_sqrt = middle.sqrt().sum()
    distance = (mu_a - mu_b).square().sum() + cov_a.trace() + cov_b.trace() - 2 * trace_sqrt
    return distance.item()


def sliced_wasserstein(
    x: torch.Tensor,
    y: torch.Tensor,
    num_projections: int = 256,
    generator: torch.Generator | None = None,
) -> float:
    """SW₂ between point sets ``x (N, D)`` and ``y (N, D)`` of equal size."""
    if x.shape != y.shape:
        raise ValueError(f"sliced_wasserstein needs equal-size sets, got {x.shape}, {y.shape}")
    theta = torch.randn(x.shape[1], num_projections, generator=generator, dtype=torch.float64)
    theta = theta / theta.norm(dim=0, keepdim=True)  # (D, P) unit directions
    px = torch.sort(x.double() @ theta, dim=0).values  # (N, P): 1-D OT matches sorted points
    py = torch.sort(y.double() @ theta, dim=0).values
    return (px - py).square().mean().sqrt().item()


def mmd_rbf(
    x: torch.Tensor, y: torch.Tensor, bandwidths: tuple[float, ...] = (0.05, 0.1, 0.2, 0.5, 1.0)
) -> float:
    """Biased MMD² between ``x (N, D)`` and ``y (M, D)`` with a sum of Gaussian kernels."""
    x, y = x.double(), y.double()

    def kernel_mean(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        d2 = torch.cdist(a, b).square()  # (N, M)
        return sum(torch.exp(-d2 / (2 * h**2)) for h in bandwidths).mean()

    return (kernel_mean(x, x) + kernel_mean(y, y) - 2 * kernel_mean(x, y)).item()


@dataclass
class Metric:
    """One number, lower or higher is better, and the same number for real vs real data."""

    name: str
    value: float
    baseline: float
    higher_is_better: bool = False

    @property
    def ratio(self) -> float:
        """value / baseline (for lower-is-better metrics, 1 means "as good as real data")."""
        return self.value / self.baseline if self.baseline else float("inf")


@dataclass
class QualityReport:
    """The metrics of one set of samples; ``metrics[0]`` is the headline."""

    dataset: str
    num_samples: int
    metrics: list[Metric]
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def headline(self) -> Metric:
        return self.metrics[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "num_samples": self.num_samples,
            "metrics": [asdict(m) for m in self.metrics],
            "extras": self.extras,
        }

    def summary(self) -> str:
        parts = [f"{m.name} {m.value:.4g} (data vs data {m.baseline:.4g})" for m in self.metrics]
        parts += [
            f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in self.extras.items()
        ]
        return "; ".join(parts)


def evaluate_toy(dataset: str, samples: torch.Tensor, seed: int = 0) -> QualityReport:
    """SW₂ and MMD² of ``samples (N, 2)`` against fresh true samples, with their baselines."""
    n = len(samples)
    generator = torch.Generator().manual_seed(10_000 + seed)
    real_a = sample_toy(dataset, n, generator)
    real_b = sample_toy(dataset, n, generator)
    proj = torch.Generator().manual_seed(seed)
    swd = sliced_wasserstein(samples, real_a, generator=proj)
    swd_base = sliced_wasserstein(real_b, real_a, generator=proj.manual_seed(seed))
    return QualityReport(
        dataset,
        n,
        [
            Metric("sliced_wasserstein", swd, swd_base),
            Metric("mmd2", mmd_rbf(samples, real_a), mmd_rbf(real_b, real_a)),
        ],
    )


def coverage(predictions: torch.Tensor, num_classes: int) -> float:
    """Share of classes predicted for at least half their fair share n / 2K of the samples."""
    counts = torch.bincount(predictions, minlength=num_classes)
    return (counts >= len(predictions) / (2 * num_classes)).double().mean().item()


@torch.no_grad()
def evaluate_digits(
    dataset: str, samples: torch.Tensor, seed: int = 0, data_dir: str | Path | None = None
) -> QualityReport:
    """Classifier Fréchet distance, confidence and coverage of images ``(N, 1, H, W)``.

    The reference A is the held-out "test" split, which neither the models nor the classifier
    saw, so copying training images earns nothing; the baseline B is an equally large random
    draw from the training split. Both, and the samples, are cut to
    n = min(N, |test|) images (360 for the 8×8 digits).
    """
    from demos.digit_classifier import load_or_train_classifier

    classifier, held_out_accuracy = load_or_train_classifier(dataset, data_dir)
    test = load_dataset(dataset, split="test", data_dir=data_dir).x
    train = load_dataset(dataset, split="train", data_dir=data_dir).x
    n = min(len(samples), len(test), len(train))
    pick = torch.Generator().manual_seed(seed)
    real_a = test[torch.randperm(len(test), generator=pick)[:n]]
    real_b = train[torch.randperm(len(train), generator=pick)[:n]]
    fake = samples[:n].clamp(-1, 1).float().cpu()  # as an image viewer would show them
    k = classifier.head.out_features

    def stats(x: torch.Tensor) -> tuple[torch.Tensor, float, float]:
        feats = classifier.features(x)
        probs = classifier.head(feats).softmax(dim=1)
        return feats, probs.max(dim=1).values.mean().item(), coverage(probs.argmax(1), k)

    f_a, _, _ = stats(real_a)
    f_b, conf_b, cov_b = stats(real_b)
    f_fake, conf_fake, cov_fake = stats(fake)
    return QualityReport(
        dataset,
        n,
        [
            Metric("classifier_fd", frechet_distance(f_fake, f_a), frechet_distance(f_b, f_a)),
            Metric("confidence", conf_fake, conf_b, higher_is_better=True),
            Metric("class_coverage", cov_fake, cov_b, higher_is_better=True),
        ],
        {"classifier_accuracy": held_out_accuracy},
    )


def evaluate(
    dataset: str, samples: torch.Tensor, seed: int = 0, data_dir: str | Path | None = None
) -> QualityReport:
    """The quality report of ``samples`` of ``dataset`` (toy or digit images)."""
    if dataset in TOY_DATASETS:
        return evaluate_toy(dataset, samples.float().cpu(), seed)
    return evaluate_digits(dataset, samples, seed, data_dir)


def flops_per_call(net: torch.nn.Module, sample: torch.Tensor, *args: Any) -> int:
    """The cost side: FLOPs of one forward call ``net(sample, *args)`` (a multiply-add counts 2),
    counted by torch's FlopCounterMode."""
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        net(sample, *args)
    return counter.get_total_flops()
