"""One home for errors: a diagnostic carries ``path, line, col, code, message``.

The library raises :class:`KbError` (or returns :class:`Diagnostic` lists from validation);
only the CLI renders them, once, as ``path:line:col: error[code]: message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in an input file. ``line`` and ``col`` are 1-based."""

    code: str
    message: str
    path: str | None = None
    line: int | None = None
    col: int | None = None
    severity: str = "error"  # "error" | "warning"
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def render(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        text = f"{where}: {self.severity}[{self.code}]: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class KbError(Exception):
    """An error the user can act on. ``exit_code`` is 1 for bad input, 2 for network faults."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        col: int | None = None,
        code: str = "E000",
    ) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(
            code=code, message=message, path=str(path) if path else None, line=line, col=col
        )

    def render(self) -> str:
        return self.diagnostic.render()


def unknown_id(entry_id: str, known: object) -> KbError:
    """``no entry with id 'x' — did you mean a, b?`` (E404), suggesting the closest of ``known``."""
    import difflib

    close = difflib.get_close_matches(entry_id, list(known), n=3)  # type: ignore[call-overload]
    hint = f" — did you mean {', '.join(close)}?" if close else ""
    return KbError(f"no entry with id '{entry_id}'{hint}", code="E404")


class NetworkError(KbError):
    """A remote service could not be reached or answered badly. Nothing was written."""

    exit_code = 2


class CatalogInvalid(KbError):
    """The catalog has errors; ``diagnostics`` lists every one of them."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        errors = [d for d in diagnostics if d.is_error]
        super().__init__(f"the catalog has {len(errors)} error(s)", code="E100")
        self.diagnostics = diagnostics

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics if d.is_error)
