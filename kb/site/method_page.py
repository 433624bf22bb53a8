"""One page per method: the explanation, its equations (KaTeX), its lineage, its key papers,
the code of its minimal implementation (read from ``demos/`` at build time) and a link that
runs the demo — then the sections every entry page has.
"""

from __future__ import annotations

from pathlib import Path

from kb.models import Entry
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.demos import Demo, find_demo
from kb.site.entry_page import (
    bibtex_section,
    citations_section,
    links_section,
    neighbourhood_section,
    notes_section,
    page_header,
    related_section,
    timeline_section,
)
from kb.site.fragments import block, entry_list, section_heading
from kb.site.html import esc, link
from kb.site.i18n import lang_attr
from kb.site.lineage import lineage, lineage_svg
from kb.site.markdown_text import render_markdown
from kb.site.results_pages import method_reported_tables


def render_method_page(ctx: SiteContext, method: Entry) -> str:
    src = urls.entry_src(method)
    demo = find_demo(ctx.settings.demos_dir, method.demo, ctx.settings.demo_base_url,
                     lang=ctx.lang)
    return "".join([
        page_header(ctx, src, method),
        summary_section(ctx, method),
        glossary_note(ctx, src),
        equations_section(ctx, method),
        lineage_section(ctx, src, method),
        key_papers_section(ctx, src, method),
        demo_section(ctx, demo),
        quality_section(ctx, src, method, demo),
        notes_section(ctx, method),
        links_section(ctx, method),
        citations_section(ctx, src, method),
        related_section(ctx, src, method),
        neighbourhood_section(ctx, src, method),
        timeline_section(ctx, src, method),
        bibtex_section(ctx, method),
    ])


def summary_section(ctx: SiteContext, method: Entry) -> str:
    """The method's summary, as written (with the ``lang`` of its script)."""
    html = render_markdown(method.summary)
    if not html:
        return ""
    return section_heading(ctx, "method.in_short") + block(
        f'<div class="kb-summary"{lang_attr(method.summary or "")}>{html}</div>')


def glossary_note(ctx: SiteContext, src: str) -> str:
    """A line that sends the reader to the glossary, in both languages the same page."""
    glossary = link(ctx.href(src, urls.GLOSSARY), ctx.t("method.glossary_link"))
    return block(f'<p class="kb-byline kb-glossary-note">'
                 f"{ctx.t('method.glossary', glossary_link=glossary)}</p>")


def equations_section(ctx: SiteContext, method: Entry) -> str:
    """Each LaTeX string as a display-maths block; ``math.js`` typesets it with KaTeX."""
    if not method.equations:
        return ""
    blocks = "".join(f'<div class="arithmatex kb-equation">\\[{esc(tex)}\\]</div>'
                     for tex in method.equations)
    return (section_heading(ctx, "method.equations", searchable=False)
            + block(f'<div class="kb-equations">{blocks}</div>'))


def lineage_section(ctx: SiteContext, src: str, method: Entry) -> str:
    """What the method builds on and what builds on it, as an inline SVG diagram."""
    def builds_on(entry_id: str) -> list[str]:
        return ctx.sorted_ids(ctx.catalog.entries[entry_id].builds_on)

    nodes, edges = lineage(method.id, builds_on, ctx.built_upon_by)
    if len(nodes) < 2:
        return ""
    svg = lineage_svg(nodes, edges, ctx.catalog.entries, lambda e: ctx.entry_href(src, e),
                      label=ctx.t("method.lineage_label"))
    return (section_heading(ctx, "method.lineage", searchable=False)
            + block(f'<div class="kb-lineage-wrap">{svg}</div>'))


def key_papers_section(ctx: SiteContext, src: str, method: Entry) -> str:
    """The papers that introduced the method, then other entries about it."""
    introducing = ctx.sorted_ids(method.papers)
    about = [i for i in ctx.about_method(method.id) if i not in introducing]
    parts = section_heading(ctx, "method.key_papers", searchable=False) + block(
        entry_list(ctx, src, introducing, ctx.t("method.key_papers_none")))
    if about:
        parts += (section_heading(ctx, "method.also_about", level=3, searchable=False)
                  + block(entry_list(ctx, src, about)))
    return parts


def demo_section(ctx: SiteContext, demo: Demo | None) -> str:
    """The demo's source as it is now, a button that opens the demo app, and the command."""
    if demo is None:
        return ""
    button = (f'<p class="kb-demo-actions"><a class="md-button md-button--primary kb-run-demo" '
              f'href="{esc(demo.url)}" rel="noopener">{esc(ctx.t("method.run_demo"))}</a> '
              f'{esc(ctx.t("method.or_run"))} <code>{esc(demo.command)}</code></p>')
    title = section_heading(ctx, "method.implementation")
    if demo.code is None:
        code = (f'<div class="admonition note"><p class="admonition-title">'
                f'{esc(ctx.t("method.coming_soon"))}</p>'
                f'<p>{ctx.t("method.coming_soon_text", file=esc(demo.file))}</p></div>')
        return title + block(button) + block(code)
    parts = (title + block(button) + "\n" + ctx.t("method.whole_file", file=demo.file)
             + "\n\n" + fenced_code(demo.code, "python", title=demo.file))
    for file, code in demo.companions:
        parts += ("\n" + ctx.t("method.builds_on_file", file=file) + "\n\n"
                  + fenced_code(code, "python", title=file))
    return parts


NFE_QUALITY_TABLE = Path("benchmarks/results/nfe_quality.md")  # beside demos/, committed
LDM_VS_PIXEL_TABLE = Path("benchmarks/results/ldm_vs_pixel.md")


def first_table(path: Path) -> list[str]:
    """The first run of Markdown table lines (``|…``) in ``path``; none if it does not exist."""
    if not path.is_file():
        return []
    table: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    return table


def quality_section(ctx: SiteContext, src: str, method: Entry, demo: Demo | None) -> str:
    """Quality against NFE: what the method's papers report (their ``results``), then the
    benchmark table of every demo sampler on digits, as last measured, and what carries over
    from one to the other. On the latent-diffusion demo's page also its compute against
    pixel-space diffusion."""
    reported = method_reported_tables(ctx, src, method.id)
    demos_dir = ctx.settings.demos_dir
    table = first_table(demos_dir.parent / NFE_QUALITY_TABLE) if demo is not None else []
    if not reported and not table:
        return ""
    parts = section_heading(ctx, "method.quality")
    if reported:
        parts += (section_heading(ctx, "method.reported", level=3, searchable=False)
                  + ctx.t("method.reported_intro") + "\n\n" + reported)
    if table:
        parts += (section_heading(ctx, "method.on_digits", level=3, searchable=False) + "\n"
                  + ctx.t("method.quality_intro", table=NFE_QUALITY_TABLE) + "\n\n"
                  + "\n".join(table) + "\n\n")
    if reported and table:
        parts += ctx.t("method.carry_over") + "\n\n"
    if demo is None:
        return parts
    table = first_table(demos_dir.parent / LDM_VS_PIXEL_TABLE) if demo.name == "ldm" else []
    if table:
        parts += (section_heading(ctx, "method.ldm_vs_pixel") + "\n"
                  + ctx.t("method.ldm_vs_pixel_intro", table=LDM_VS_PIXEL_TABLE) + "\n\n"
                  + "\n".join(table) + "\n\n")
    return parts


def fenced_code(code: str, language: str, title: str | None = None) -> str:
    """A fenced Markdown code block whose fence is longer than any backtick run inside."""
    longest = max((len(run) for run in _backtick_runs(code)), default=0)
    fence = "`" * max(3, longest + 1)
    info = f'{language} title="{title}"' if title else language
    return f"\n{fence} {info}\n{code.rstrip()}\n{fence}\n\n"


def _backtick_runs(text: str) -> list[str]:
    import re

    return re.findall(r"`+", text)
