"""Streamlit glue shared by the demo pages: controls tied to the URL, models, errors.

* :class:`PageControls` — widgets whose values come from the query string first
  (``?steps=20&eta=0``, clamped to :mod:`demos.app.inputs`' bounds with a visible notice), are
  remembered per page while the visitor moves around, and are written back to the URL, so the
  address bar always holds a link to what is on screen.
* :func:`trained_model` — the model of a config: cached here, else shipped with diffusion-kb
  (:mod:`demos.pretrained`), else trained once, in a background thread (one at a time per
  server), while the page shows ``st.progress`` with step, loss and ETA; a rerun (a slider
  moved meanwhile) re-attaches to the same run instead of restarting it. Then it is kept in
  memory by ``st.cache_resource`` over the on-disk checkpoint cache of :mod:`demos.cache`, so
  the next visit is instant.
* :func:`remembered` — results (samples, metrics) keyed by their inputs, in memory
  (``st.cache_data``) over the run store on disk (:mod:`demos.run_store`).
* :func:`page_errors` — every error as ``st.error`` on the page, never a traceback.

Every word shown comes from the demo app's message tables in the page's language
(:func:`language`); widgets have fixed keys (``<page>.<control>``), so the language of their
labels never resets them.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import streamlit as st

from demos.app.i18n import page_language, say
from demos.app.inputs import Bounded, Choice, Notice

T = TypeVar("T")
log = logging.getLogger("demos.app")


def language() -> str:
    """The language of this page's words (``?lang=``, else the session's, else English)."""
    return page_language(st.query_params, st.session_state)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


@contextmanager
def page_errors() -> Iterator[None]:
    """Show any error raised inside as a message on the page; the traceback goes to the log.

    Streamlit's own control flow (``st.stop``, reruns) derives from ``BaseException`` and
    passes through.
    """
    from kb.errors import KbError

    lang = language()
    try:
        yield
    except KbError as exc:  # the message itself is the library's, in English
        st.error(
            say("error.kb", lang, message=exc.diagnostic.message, code=exc.diagnostic.code),
            icon="⚠️",
        )
    except (ValueError, FloatingPointError, MemoryError) as exc:
        st.error(f"{type(exc).__name__}: {exc}", icon="⚠️")
    except Exception as exc:  # the last line of defence: a message, not a traceback
        log.exception("demo page failed")
        st.error(say("error.unexpected", lang, kind=type(exc).__name__, message=exc), icon="⚠️")


# ---------------------------------------------------------------------------------------------
# Controls ↔ query parameters
# ---------------------------------------------------------------------------------------------


class PageControls:
    """The controls of one page; ``page`` scopes their widget keys and remembered values.

    Labels and help come in the page's language; the widget keys do not depend on them."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.lang = language()
        self.notices: list[Notice] = []
        self._values = st.session_state.setdefault("kb_values", {}).setdefault(page, {})
        self._written = st.session_state.setdefault("kb_written", {}).setdefault(page, {})
        if st.session_state.get("kb_query_page", page) != page:
            st.query_params.clear()  # what is left in the URL belongs to the previous page
        st.session_state["kb_query_page"] = page

    def _key(self, spec: Bounded | Choice) -> str:
        return f"{self.page}.{spec.name}"

    def _prepare(self, spec: Bounded | Choice) -> str:
        """Put the value the widget should show into session state before it is created."""
        key = self._key(spec)
        raw = st.query_params.get(spec.name)
        if raw is not None and raw != self._written.get(spec.name):  # a link set it
            value, notice = spec.parse(raw)
            if notice:
                self.notices.append(notice)
            st.session_state[key] = value
        elif key not in st.session_state:  # first visit, or back from another page
            st.session_state[key] = self._values.get(spec.name, spec.default)
        if isinstance(spec, Bounded):  # bounds may have narrowed (n depends on steps)
            value, notice = spec.clamp(st.session_state[key])
            if notice:
                self.notices.append(notice)
                st.session_state[key] = value
        elif st.session_state[key] not in spec.options:
            st.session_state[key] = spec.default
        return key

    def _remember(self, spec: Bounded | Choice, value: Any) -> Any:
        text = spec.format(value)
        self._values[spec.name] = value
        self._written[spec.name] = text
        if st.query_params.get(spec.name) != text:
            st.query_params[spec.name] = text
        return value

    def slider(
        self,
        spec: Bounded,
        label: str,
        *,
        help: str | None = None,
        step: float | None = None,
        where: Any = None,
    ) -> Any:
        key = self._prepare(spec)
        step = step if step is not None else (1 if spec.integer else 0.05)
        value = (where or st.sidebar).slider(
            label, min_value=spec.low, max_value=spec.high, step=step, key=key, help=help
        )
        return self._remember(spec, value)

    def number(
        self, spec: Bounded, label: str, *, help: str | None = None, where: Any = None
    ) -> Any:
        key = self._prepare(spec)
        value = (where or st.sidebar).number_input(
            label,
            min_value=spec.low,
            max_value=spec.high,
            step=1 if spec.integer else 0.1,
            key=key,
            help=help,
        )
        return self._remember(spec, value)

    def select(
        self,
        spec: Choice,
        label: str,
        *,
        help: str | None = None,
        labels: Mapping[str, str] | None = None,
        where: Any = None,
    ) -> str:
        key = self._prepare(spec)
        value = (where or st.sidebar).selectbox(
            label,
            spec.options,
            key=key,
            help=help,
            format_func=(lambda o: labels.get(o, o)) if labels else str,
        )
        return self._remember(spec, value)

    def show_notices(self) -> None:
        """One warning per changed request, e.g. a deep link asking for too many steps."""
        for notice in self.notices:
            st.warning(notice.text(self.lang), icon="✂️")
        self.notices.clear()


def retrain_button(page: str) -> bool:
    """A sidebar button: train this page's model again (the old checkpoint is replaced)."""
    lang = language()
    return st.sidebar.button(
        say("control.retrain", lang), key=f"{page}.retrain", help=say("control.retrain_help", lang)
    )


# ---------------------------------------------------------------------------------------------
# Models: trained in a background thread with a progress bar, then cached
# ---------------------------------------------------------------------------------------------


@dataclass
class TrainingRun:
    """One training run in progress, shared by every session that waits for it (each shows
    its progress in its own language)."""

    method: str
    dataset: str
    retrain: bool
    started: float = field(default_factory=time.perf_counter)
    phase: int = 0  # a method may fit several times (e.g. one per distillation round)
    phase_started: float = field(default_factory=time.perf_counter)
    step: int = 0
    total: int = 0
    loss: float = float("nan")
    waiting: bool = True  # queued behind another run
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def watch(self, step: int, total: int, loss: float) -> None:
        """The :func:`demos.train.watch_progress` callback (runs in the training thread)."""
        if step == 1:
            self.phase += 1
            self.phase_started = time.perf_counter()
        self.step, self.total, self.loss = step, total, loss

    def status(self, lang: str = "en") -> tuple[float, str]:
        """The bar's fraction and text: step, loss and the time left in this phase."""
        label = say("train.label", lang, method=self.method, dataset=self.dataset)
        if self.waiting:
            return 0.0, say("train.waiting", lang, label=label)
        if self.total == 0:
            return 0.0, say("train.preparing", lang, label=label)
        elapsed = time.perf_counter() - self.phase_started
        eta = elapsed / self.step * (self.total - self.step) if self.step else float("nan")
        phase = say("train.phase", lang, phase=self.phase) if self.phase > 1 else ""
        return self.step / self.total, say(
            "train.progress",
            lang,
            label=label,
            phase=phase,
            step=self.step,
            total=self.total,
            loss=f"{self.loss:.4f}",
            left=_duration(eta, lang),
        )


def _duration(seconds: float, lang: str) -> str:
    if seconds != seconds:  # NaN
        return say("duration.unknown", lang)
    if seconds < 90:
        return say("duration.seconds", lang, n=f"{seconds:.0f}")
    return say("duration.minutes", lang, n=f"{seconds / 60:.1f}")


@st.cache_resource(show_spinner=False)
def _training_registry() -> tuple[threading.Lock, threading.Semaphore, dict[str, TrainingRun]]:
    """Process-wide: a lock for the registry, one training slot, the runs by checkpoint."""
    return threading.Lock(), threading.Semaphore(1), {}


def _train_in_background(config: Any, run: TrainingRun, slot: threading.Semaphore) -> None:
    from demos.train import watch_progress
    from demos.trained import load_or_train

    try:
        with slot:
            run.waiting = False
            with watch_progress(run.watch):
                load_or_train(config, retrain=run.retrain, progress=False)
    except BaseException as exc:  # handed to the page that waits
        run.error = exc
    finally:
        run.done.set()


def _start_or_join(config: Any, directory: str, retrain: bool) -> TrainingRun:
    lock, slot, runs = _training_registry()
    with lock:
        run = runs.get(directory)
        if run is None or run.done.is_set():
            run = TrainingRun(config.method, config.dataset, retrain)
            runs[directory] = run
            threading.Thread(
                target=_train_in_background,
                args=(config, run, slot),
                name=f"train-{config.method}",
                daemon=True,
            ).start()
    return run


def _wait_with_progress(run: TrainingRun) -> None:
    lang = language()
    box = st.empty()
    while not run.done.wait(0.25):
        fraction, text = run.status(lang)
        box.progress(fraction, text=text)
    box.empty()
    if run.error is not None:
        raise run.error
    seconds = time.perf_counter() - run.started
    st.toast(say("train.done", lang, seconds=f"{seconds:.0f}"))


@st.cache_resource(max_entries=16, show_spinner=False)
def _load(config_json: str, directory: str, device: str, stamp: str, _config: Any) -> Any:
    """The checkpoint in ``directory`` as a :class:`~demos.cache.TrainedModel` (kept in memory).

    Keyed by the config's JSON, not by ``_config`` itself (a method's config may be a subclass
    JSON would not restore); ``stamp`` (the weights' mtime) makes a retrained model a new
    cache entry.
    """
    from pathlib import Path

    from demos.cache import load_checkpoint

    return load_checkpoint(Path(directory), _config, device)


def trained_model(config: Any, *, retrain: bool = False) -> Any:
    """The model of ``config`` — cached here, else shipped with diffusion-kb (see
    :func:`demos.trained.find_checkpoint`) — training it first (with a progress bar) if needed."""
    from demos.cache import checkpoint_dir
    from demos.errors import CheckpointError
    from demos.pretrained import is_shipped
    from demos.trained import find_checkpoint

    cache_dir = checkpoint_dir(config)  # where a training run writes, and its key
    lock, _, runs = _training_registry()
    with lock:
        active = runs.get(str(cache_dir))
        training = active is not None and not active.done.is_set()
    directory = None if retrain or training else find_checkpoint(config)
    if directory is not None and is_shipped(directory):
        try:
            return _load_from(directory, config)
        except CheckpointError:  # the net's code changed since they were made: train instead
            log.warning("shipped weights in %s do not load; training", directory)
            directory = None
    if directory is None:
        _wait_with_progress(_start_or_join(config, str(cache_dir), retrain))
        directory = cache_dir
    return _load_from(directory, config)


def _load_from(directory: Any, config: Any) -> Any:
    from demos.cache import WEIGHTS_FILE, default_device

    weights = directory / WEIGHTS_FILE
    stamp = str(weights.stat().st_mtime_ns) if weights.exists() else "missing"
    config_json = json.dumps(config.to_dict(), sort_keys=True)
    return _load(config_json, str(directory), str(default_device()), stamp, config)


def model_stamp(trained: Any) -> str:
    """A short identity of a trained model for result caches: config hash + creation time."""
    from demos.cache import config_hash

    return f"{config_hash(trained.config)}@{trained.info.get('created', '')}"


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@st.cache_data(max_entries=128, show_spinner=False)
def _remembered(name: str, key: str, _compute: Callable[[], Any]) -> Any:
    from demos.run_store import load_run, save_run

    found, value = load_run(name, key)
    if found:
        return value
    value = _compute()
    save_run(name, key, value)
    return value


def remembered(name: str, key: Mapping[str, Any], compute: Callable[[], T]) -> T:
    """``compute()``, or its earlier result for the same ``name`` and ``key`` (JSON-able):
    from memory (``st.cache_data``), else from the run store on disk
    (:mod:`demos.run_store`, which ``kb serve`` fills ahead with each page's defaults)."""
    from demos.run_store import run_key

    return _remembered(name, run_key(key), compute)
