"""The "Similar by content" section of entry pages, beside the graph-based "Related".

"Related" (:mod:`kb.graph.related`) needs citations or shared topics; this list needs only
text, so an entry without cites still has neighbours: the entries whose title, abstract and
notes are closest by tf-idf cosine (:mod:`kb.discover.similar`, Chinese notes segmented by
jieba). The index is made once per build and shared by every page and both languages.
"""

from __future__ import annotations

from kb.discover.similar import ContentIndex
from kb.models import Entry
from kb.site.context import SiteContext
from kb.site.fragments import block, kind_badge, section_heading

MIN_SIMILARITY = 0.05  # below this, two texts share little more than common words


def similar_section(ctx: SiteContext, src: str, entry: Entry) -> str:
    """The entries most similar to ``entry`` by content, each with its cosine similarity."""
    index = ContentIndex.for_catalog(ctx.catalog)
    similar = index.similar(entry.id, limit=ctx.settings.related_count,
                            min_similarity=MIN_SIMILARITY)
    if not similar:
        return ""
    items = []
    for found in similar:
        other = ctx.catalog.get(found.id)
        items.append(f'<li class="kb-item"><span class="kb-score">{found.similarity:.2f}</span> '
                     f"{kind_badge(ctx, other.kind)} {ctx.entry_link(src, found.id)}</li>")
    return section_heading(ctx, "entry.similar", searchable=False) + block(
        f'<ul class="kb-list kb-similar">{"".join(items)}</ul>'
        f'<p class="kb-byline">{ctx.t("entry.similar_score")}</p>')
