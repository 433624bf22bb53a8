"""The one error type of the demos: :class:`DemoError`, a :class:`kb.errors.KbError`.

The demos raise it for things a user can fix (an unknown dataset, a missing MNIST folder, a
corrupted checkpoint); the CLI renders it once, as a clean message without a traceback.
Codes: E601 unknown name, E602 missing or malformed data file, E603 bad checkpoint,
E604 bad argument.
"""

from __future__ import annotations

from kb.errors import KbError


class DemoError(KbError):
    """A problem with a demo's input, data or cache that the user can act on."""


class CheckpointError(DemoError):
    """A cached checkpoint is unreadable or does not match its config; retraining fixes it."""

    def __init__(self, message: str, *, path: str | None = None, retrain_hint: str = "") -> None:
        super().__init__(
            message + (f"; {retrain_hint}" if retrain_hint else ""), path=path, code="E603"
        )
