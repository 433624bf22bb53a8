"""Minimal, readable PyTorch implementations of diffusion methods (teaching code).

Read in this order; each file stands beside its paper:

* :mod:`demos.data` — the training data: 2-D toy sets, scikit-learn's 8×8 digits, MNIST IDX.
* :mod:`demos.nets` — the denoisers: a time-conditioned MLP and a small UNet.
* :mod:`demos.ddpm` — DDPM (Ho et al. 2020): schedules, q(x_t | x_0), the loss, Algorithm 2.
* :mod:`demos.ddim` — DDIM (Song et al. 2020): sub-sampled steps, η, inversion, slerp.
* :mod:`demos.guidance` — classifier-free guidance (Ho & Salimans 2022).
* :mod:`demos.metrics` — sample quality with data-vs-data baselines
  (:mod:`demos.digit_classifier` supplies the features).
* :mod:`demos.ncsn` — annealed Langevin dynamics (Song & Ermon 2019).
* :mod:`demos.sde` — the forward VP and VE SDEs and denoising score matching (Song et al.
  2021); :mod:`demos.score_sde` — reversing them: predictor–corrector, the probability-flow
  ODE; :mod:`demos.score_field` draws the learned score; :mod:`demos.mixture_score` is the
  exact score of a Gaussian mixture, to check the samplers without a network.
* :mod:`demos.flow_matching` — conditional flow matching (Lipman et al. 2022);
  :mod:`demos.reflow` — the 2-rectified flow (Liu et al. 2022).
* :mod:`demos.autoencoder` — the KL-regularized autoencoder of latent diffusion's first stage;
  :mod:`demos.ldm` — latent diffusion (Rombach et al. 2022): DDPM in its latent space, with
  guidance.
* :mod:`demos.teacher` — the DDPM teacher both distillations start from: its config, the
  students' configs, its DDIM and probability-flow ODE steps.
* :mod:`demos.distill` — progressive distillation (Salimans & Ho 2022).
* :mod:`demos.consistency` — consistency distillation (Song et al. 2023).

Around them: :mod:`demos.train` (the AdamW + EMA loop), :mod:`demos.cache` (checkpoints on
disk), :mod:`demos.registry` (methods by name), :mod:`demos.trained` (a config's model: cached,
shipped or trained now), :mod:`demos.pretrained` (the weights shipped for every page's default
model, and the command that makes them), :mod:`demos.sample` (samplers with NFE),
:mod:`demos.figures` (PNG output), :mod:`demos.distributed` (torchrun entry point),
:mod:`demos.errors` (the demos' error codes), :mod:`demos.run_store` (the app's results on
disk, safe to read back).

On top of them, and apart: the Streamlit app in :mod:`demos.app` (``demos/app/app.py``, one
page per method in ``demos/app/method_pages/``; ``python -m demos.app.warm`` runs every page
once so ``kb serve`` has their first samples ready). Nothing outside ``demos/app/`` imports it.
"""
