"""Minimal, readable PyTorch implementations of diffusion methods (teaching code).

Read in this order; each file stands beside its paper:

* :mod:`demos.data` — the training data: 2-D toy sets, scikit-learn's 8×8 digits, MNIST IDX.
* :mod:`demos.nets` — the denoisers: a time-conditioned MLP and a small UNet.
* :mod:`demos.ddpm` — DDPM (Ho et al. 2020): schedules, q(x_t | x_0), the loss, Algorithm 2.
* :mod:`demos.ddim` — DDIM (Song et al. 2020): sub-sampled steps, η, inversion, slerp.
* :mod:`demos.guidance` — classifier-free guidance (Ho & Salimans 2022).
* :mod:`demos.metrics` — sample quality with data-vs-data baselines
  (:mod:`demos.digit_classifier` supplies the features).

Around them: :mod:`demos.train` (the AdamW + EMA loop), :mod:`demos.cache` (each model trains
once), :mod:`demos.registry` (methods by name), :mod:`demos.sample` (samplers with NFE),
:mod:`demos.figures` (PNG output), :mod:`demos.distributed` (torchrun entry point).
"""
