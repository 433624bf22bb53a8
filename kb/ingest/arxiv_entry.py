"""One arXiv record as a catalog entry: which field comes from where.

- ``id``: first author's family name, year, first title word (:func:`kb.text.entry_slug`),
  with ``-b``, ``-c`` … appended when taken;
- ``title``: ``<title>``, whitespace collapsed;
- ``authors``: each ``<author><name>``, in order;
- ``year`` and ``date``: ``<published>`` (the first version), in UTC;
- ``arxiv``: the id without its version;
- ``doi``: ``<arxiv:doi>`` (the first one when it lists several);
- ``url``: ``https://arxiv.org/abs/<id>``, which always shows the latest version;
- ``venue``: ``<arxiv:journal_ref>``;
- ``tags``: the categories in lower case (``cs.lg``), then the ``--tag`` values;
- ``abstract``: ``<summary>``, whitespace collapsed (the writer folds it);
- ``links.pdf``: ``https://arxiv.org/pdf/<id>``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from kb.errors import KbError, NetworkError
from kb.ingest.arxiv_ids import strip_version
from kb.models import DOI_RE, Entry
from kb.text import entry_slug

if TYPE_CHECKING:
    import arxiv

ABS_URL = "https://arxiv.org/abs/{}"
PDF_URL = "https://arxiv.org/pdf/{}"
SUFFIXES = "bcdefghijklmnopqrstuvwxyz"


def _one_line(text: str | None) -> str | None:
    collapsed = " ".join((text or "").split())
    return collapsed or None


def first_doi(text: str | None) -> str | None:
    """The first DOI in arXiv's ``<arxiv:doi>`` text, without a ``https://doi.org/`` prefix."""
    for word in (text or "").replace(",", " ").replace(";", " ").split():
        for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
            if word.lower().startswith(prefix):
                word = word[len(prefix):]
        if DOI_RE.match(word):
            return word
    return None


def arxiv_fields(result: arxiv.Result) -> dict[str, Any]:
    """The fields arXiv knows about a paper, named as in :class:`kb.models.Entry`."""
    arxiv_id = strip_version(result.get_short_id())
    published = result.published
    fields: dict[str, Any] = {
        "title": _one_line(result.title),
        "authors": [name for a in result.authors if (name := _one_line(a.name))],
        "year": published.year if published else None,
        "date": published.date() if published else None,
        "arxiv": arxiv_id,
        "doi": first_doi(result.doi),
        "url": ABS_URL.format(arxiv_id),
        "venue": _one_line(result.journal_ref),
        "tags": list(dict.fromkeys(c.lower() for c in result.categories)),
        "abstract": _one_line(result.summary),
        "links": {"pdf": PDF_URL.format(arxiv_id)},
    }
    return {name: value for name, value in fields.items() if value not in (None, [], {})}


def unique_id(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base-b``, ``base-c`` … : the first one not in ``taken``."""
    if base not in taken:
        return base
    for suffix in SUFFIXES:
        if f"{base}-{suffix}" not in taken:
            return f"{base}-{suffix}"
    raise KbError(f"ids {base} … {base}-z are all taken: choose an id by hand", code="E505")


def entry_from_arxiv(result: arxiv.Result, *, kind: str = "paper", taken: Collection[str] = (),
                     topics: Iterable[str] = (), tags: Iterable[str] = ()) -> Entry:
    """A new catalog entry for ``result``, its id unique among ``taken``.

    Raises :class:`NetworkError` when the record lacks what an entry needs (a title).
    """
    fields = arxiv_fields(result)
    fields["tags"] = list(dict.fromkeys([*fields.get("tags", []),
                                         *(t.strip().lower() for t in tags if t.strip())]))
    base = entry_slug(fields.get("authors", []), fields.get("year"), fields.get("title", ""))
    data = {"id": unique_id(base, taken), "kind": kind, **fields,
            "topics": list(dict.fromkeys(topics))}
    try:
        return Entry.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise NetworkError(f"arXiv's record of {fields['arxiv']} cannot be an entry: "
                           f"{problems}", code="E505") from None
