"""The catalog schema: one pydantic model per kind of record.

Field names are a public contract (tools outside the project read them); their order here is
the documented order in which ``kb add`` writes them. ``kb schema`` exports these models to
``catalog/schema.json`` and ``catalog/topics.schema.json`` for editors.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

KINDS = ("paper", "survey", "tutorial", "book", "repo", "system", "list", "method")
Kind = Literal["paper", "survey", "tutorial", "book", "repo", "system", "list", "method"]

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# New-style 0704.0001 … 2006.11239 (4 or 5 digits after the dot); old-style archive/YYMMNNN.
ARXIV_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})$")
ARXIV_VERSION_RE = re.compile(r"v\d+$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# What BibTeX and biber accept in a citation key: no space, comma, brace, quote, #, %, ~, \\.
CITEKEY_RE = re.compile(r"^[^\s,{}\"#%~'()=\\]+$")
ENTRY_TYPE_RE = re.compile(r"^[a-z]+$")
FIRST_YEAR = 1000  # real bibliographies cite Brown 1828 and Fick 1855
LAST_YEAR = dt.date.today().year + 1  # "next year": a paper dated ahead of its release

METHOD_ONLY_FIELDS = ("papers", "summary", "equations", "demo")


def _check_slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a slug: use lower-case letters, digits and '-' "
            "(no spaces, dots or path characters)",
            {"value": value},
        )
    return value


def _check_url(value: str) -> str:
    if not URL_RE.match(value):
        raise PydanticCustomError("url", "'{value}' is not an http(s) URL", {"value": value})
    return value


HttpUrl = Annotated[str, AfterValidator(_check_url)]


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


class Sources(BaseModel):
    """Where an entry's facts were read: every fact has a source, and memory is never one."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    metadata: list[HttpUrl] = Field(
        default_factory=list,
        description="Where title, authors, year and venue were read: the arXiv abstract page, "
        "the proceedings page, the official repository's BibTeX. A URL or a list of URLs.",
    )
    references: list[HttpUrl] = Field(
        default_factory=list,
        description="Where the cites list was read: the paper's own reference list (its arXiv "
        "HTML or LaTeX source). A URL or a list of URLs.",
    )

    results: list[HttpUrl] = Field(
        default_factory=list,
        description="Where the reported results were read: the paper (arXiv, proceedings) or "
        "its official repository. A URL or a list of URLs.",
    )

    _one_or_many = field_validator("metadata", "references", "results", mode="before")(
        classmethod(lambda cls, v: _one_or_many(v))
    )


class Result(BaseModel):
    """One number a paper reports: FID 3.17 on CIFAR-10 at 1000 NFE, read from Table 1."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    dataset: str = Field(description="A dataset of kb/results/vocabulary.yaml (or an alias).")
    metric: str = Field(description="A metric of kb/results/vocabulary.yaml (or an alias).")
    value: float = Field(strict=True, allow_inf_nan=False,
                         description="As printed; precision and recall as fractions.")
    nfe: int | None = Field(default=None, strict=True, ge=1,
                            description="Network evaluations per sample, where the paper says.")
    setting: str | None = Field(default=None, min_length=1, description="What tells this row "
                                "apart: conditional, guidance scale, η, sampler, model size.")
    source: str = Field(min_length=1, description="Where in the paper: Abstract, Table 1, "
                        "Fig. 3, or the official repository's README table.")

    @field_validator("dataset", "metric")
    @classmethod
    def _known_name(cls, value: str, info: ValidationInfo) -> str:
        from kb.results.vocabulary import vocabulary

        found = vocabulary().canonical(info.field_name, value)
        if found is None:
            raise PydanticCustomError(
                info.field_name, "unknown {what} '{value}' (the {what}s are listed in "
                "kb/results/vocabulary.yaml)", {"what": info.field_name, "value": value})
        return found

    @model_validator(mode="after")
    def _value_in_range(self) -> Result:
        from kb.results.vocabulary import vocabulary

        metric = vocabulary().metric(self.metric)
        if metric is not None and not metric.admits(self.value):
            raise PydanticCustomError(
                "result_range", "{metric} {value} is outside its range {range}",
                {"metric": metric.name, "value": f"{self.value:g}", "range": metric.range_text})
        return self


class Entry(BaseModel):
    """One catalog entry: a paper, survey, tutorial, book, repo, system, list or method."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(description="Slug [a-z0-9][a-z0-9-]*, unique; also the page URL and file name.")
    kind: Kind = Field(description="What the entry is.")
    title: str = Field(min_length=1, description="Exactly as published, in its original language.")
    title_tex: str | None = Field(
        default=None, description="The title as BibTeX writes it, when plain text loses "
        "something: protected words ({Langevin}), maths ($\\alpha$). Exported as it is.")
    authors: list[str] = Field(default_factory=list, description="Full names, in order.")
    year: int | None = Field(default=None, strict=True, description="Year of first public release.")
    date: dt.date | None = Field(default=None, description="ISO date of first public release.")
    arxiv: str | None = Field(default=None, description="2006.11239 or math/0601001, no version.")
    doi: str | None = Field(default=None, description="10.xxxx/…, without https://doi.org/.")
    url: str | None = Field(default=None, description="The canonical page.")
    venue: str | None = Field(default=None, description="Conference, journal or publisher.")
    # Bibliographic detail, kept so a citation can be written from the entry (BibTeX names).
    citekey: str | None = Field(
        default=None, description="The citation key the work had where it came from; exported "
        "unchanged. Without one, exports generate a stable key.")
    entry_type: str | None = Field(
        default=None, description="The BibTeX entry type it came as: article, inproceedings, "
        "book, phdthesis, misc …")
    editors: list[str] = Field(default_factory=list, description="Names, as authors.")
    volume: str | None = None
    number: str | None = Field(default=None, description="Issue or report number.")
    pages: str | None = Field(default=None, description="1--10, as written.")
    publisher: str | None = None
    address: str | None = Field(default=None, description="The publisher's place.")
    edition: str | None = None
    school: str | None = Field(default=None, description="Theses: the degree-granting school.")
    institution: str | None = Field(default=None, description="Reports: the institution.")
    isbn: str | None = None
    issn: str | None = None
    month: int | None = Field(default=None, strict=True, ge=1, le=12, description="1 … 12.")
    note: str | None = Field(default=None, description="The bibliography's own note field.")
    keywords: list[str] = Field(
        default_factory=list, description="The source bibliography's keywords, kept as they "
        "came; apart from our tags.")
    et_al: bool = Field(
        default=False, description="The author list is truncated (BibTeX's 'and others').")
    tags: list[str] = Field(default_factory=list, description="Free keywords, lower case.")
    topics: list[str] = Field(default_factory=list, description="Topic ids from topics.yaml.")
    methods: list[str] = Field(default_factory=list, description="Method ids.")
    cites: list[str] = Field(default_factory=list, description="Ids of catalog entries cited.")
    builds_on: list[str] = Field(default_factory=list, description="Ids: direct lineage.")
    abstract: str | None = Field(default=None, description="The published abstract.")
    notes: str | None = Field(default=None, description="Our annotations (Markdown, any language).")
    links: dict[str, HttpUrl] = Field(default_factory=dict, description="code, video, pdf, …")
    results: list[Result] = Field(
        default_factory=list, description="Papers: the numbers they report (FID, IS …), "
        "with dataset, metric, NFE, setting and where in the paper.")
    sources: Sources | None = Field(
        default=None, description="Where the facts were read: metadata, references and "
        "results URLs.")
    language: str | None = Field(default=None, description="ISO 639-1 code of the work.")
    # Methods only.
    papers: list[str] = Field(default_factory=list, description="Methods: introducing papers.")
    summary: str | None = Field(default=None, description="Methods: a short explanation.")
    equations: list[str] = Field(default_factory=list, description="Methods: core LaTeX.")
    demo: str | None = Field(default=None, description="Methods: the demo page name.")

    _check_id = field_validator("id")(classmethod(lambda cls, v: _check_slug(v)))

    @field_validator("arxiv")
    @classmethod
    def _check_arxiv(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if ARXIV_VERSION_RE.search(value) and ARXIV_RE.match(ARXIV_VERSION_RE.sub("", value)):
            raise PydanticCustomError(
                "arxiv", "arXiv id '{value}' has a version suffix: drop it", {"value": value}
            )
        if not ARXIV_RE.match(value):
            raise PydanticCustomError(
                "arxiv",
                "'{value}' is not an arXiv id (2006.11239 or math/0601001)",
                {"value": value},
            )
        return value

    @field_validator("doi")
    @classmethod
    def _check_doi(cls, value: str | None) -> str | None:
        if value is not None and not DOI_RE.match(value):
            raise PydanticCustomError(
                "doi", "'{value}' is not a DOI (10.xxxx/suffix, no URL prefix)", {"value": value}
            )
        return value

    @field_validator("citekey")
    @classmethod
    def _check_citekey(cls, value: str | None) -> str | None:
        if value is not None and not CITEKEY_RE.match(value):
            raise PydanticCustomError(
                "citekey", "'{value}' is not a citation key: no spaces, commas, braces, quotes, "
                "#, %, ~ or backslashes", {"value": value})
        return value

    @field_validator("entry_type")
    @classmethod
    def _check_entry_type(cls, value: str | None) -> str | None:
        if value is not None and not ENTRY_TYPE_RE.match(value):
            raise PydanticCustomError(
                "entry_type", "'{value}' is not a BibTeX entry type (lower-case letters: "
                "article, inproceedings, book …)", {"value": value})
        return value

    @field_validator("url")
    @classmethod
    def _check_main_url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(value)

    @field_validator("year")
    @classmethod
    def _check_year(cls, value: int | None) -> int | None:
        last = LAST_YEAR
        if value is not None and not FIRST_YEAR <= value <= last:
            raise PydanticCustomError(
                "year", "year {value} is outside {first}..{last}",
                {"value": value, "first": FIRST_YEAR, "last": last},
            )
        return value

    @model_validator(mode="after")
    def _method_fields_only_on_methods(self) -> Entry:
        if self.kind != "method":
            for name in METHOD_ONLY_FIELDS:
                if getattr(self, name):
                    raise PydanticCustomError(
                        "method_only",
                        "field '{name}' is only for entries of kind 'method'",
                        {"name": name},
                    )
        return self

    @model_validator(mode="after")
    def _results_only_on_papers(self) -> Entry:
        if self.results and self.kind != "paper":
            raise PydanticCustomError(
                "results_kind", "field 'results' is for entries of kind 'paper', not "
                "'{kind}'", {"kind": self.kind})
        if self.results and not (self.sources and self.sources.results):
            raise PydanticCustomError(
                "results_source", "'results' needs 'sources.results': the URL where the "
                "numbers were read", {})
        return self

    def as_dict(self) -> dict:
        """The entry as plain data with the documented field names, empty fields left out."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        return {name: data[name] for name in type(self).model_fields if name in data}


class Topic(BaseModel):
    """One node of the taxonomy in ``catalog/topics.yaml``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(description="Slug, unique among topics.")
    title: str = Field(min_length=1)
    parent: str | None = Field(default=None, description="Id of the parent topic.")
    description: str | None = None
    title_zh: str | None = Field(default=None, description="The title in Traditional Chinese "
                                 "(Taiwan), for the zh-TW site.")
    description_zh: str | None = Field(default=None, description="The description in "
                                       "Traditional Chinese (Taiwan), for the zh-TW site.")

    _check_id = field_validator("id")(classmethod(lambda cls, v: _check_slug(v)))


ENTRY_FIELDS: tuple[str, ...] = tuple(Entry.model_fields)
TOPIC_FIELDS: tuple[str, ...] = tuple(Topic.model_fields)
