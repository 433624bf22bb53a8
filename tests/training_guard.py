"""A guard for tests that must not train: every registered trainer fails loudly, and counts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from demos.registry import METHODS


def refuse_training(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace every method's trainer by one that raises; the list collects who was asked."""
    attempts: list[str] = []

    def refuse(config, *args, **kwargs):
        attempts.append(config.method)
        raise AssertionError(f"{config.method} was trained")

    for name, method in list(METHODS.items()):
        if method.train is not None:
            monkeypatch.setitem(METHODS, name, replace(method, train=refuse))
    return attempts
