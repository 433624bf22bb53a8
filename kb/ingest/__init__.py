"""Ingest from remote APIs — arXiv and Crossref (``kb add``, ``kb refresh``), Semantic Scholar
(``kb cites``) — and from files (``kb import``).

One idea per module:

- :mod:`kb.ingest.settings` — base URLs, delays, retries and timeouts (``KB_*`` environment);
- :mod:`kb.ingest.arxiv_ids` — what a user may type for an arXiv id, made canonical;
- :mod:`kb.ingest.arxiv_api` — the ``arxiv`` package's client, bounded in time, faults made
  :class:`kb.errors.NetworkError`;
- :mod:`kb.ingest.http_errors` — one sentence for each way a request fails;
- :mod:`kb.ingest.http_retry` — one GET retried politely (Semantic Scholar, Crossref);
- :mod:`kb.ingest.doi_ids` — what a user may type for a DOI, made the bare DOI;
- :mod:`kb.ingest.crossref_api` — the Crossref REST API's record of a DOI, faults made
  :class:`kb.errors.NetworkError`;
- :mod:`kb.ingest.crossref_csl` — a Crossref record as a CSL-JSON item;
- :mod:`kb.ingest.csl_entry` — a CSL-JSON item as entry fields (``kb add doi:``,
  ``kb import csl-json``);
- :mod:`kb.ingest.crossref_entry` — a Crossref record as a catalog entry;
- :mod:`kb.ingest.new_entries` — entry fields made an entry with a fresh id;
- :mod:`kb.ingest.csl_read`, :mod:`kb.ingest.ris_read` — CSL-JSON and RIS files as records
  with lines (``kb import csl-json``, ``kb import ris``);
- :mod:`kb.ingest.file_import` — records from files made new entries: duplicates skipped,
  bad records reported at their lines, all written or none;
- :mod:`kb.ingest.arxiv_entry` — one arXiv result as a catalog :class:`kb.models.Entry`;
- :mod:`kb.ingest.same_work` — is this work already in the catalog (arXiv id, DOI, title)?
- :mod:`kb.ingest.add` — ``kb add``: fetch (arXiv or Crossref), map, refuse duplicates, write;
- :mod:`kb.ingest.refresh` — ``kb refresh``: what arXiv now says, as a diff of the YAML;
- :mod:`kb.ingest.semantic_scholar` — the Graph API's reference lists, retried and cached;
- :mod:`kb.ingest.cites` — ``kb cites fetch``: references that are catalog entries;
- :mod:`kb.ingest.yaml_patch` — replace some top-level fields of a hand-written file, keep
  everything else byte for byte;
- :mod:`kb.ingest.catalog_update` — validate changed files with the catalog, then write them.

Nothing here writes unless everything needed was fetched and the result validates.
"""
