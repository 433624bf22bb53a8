"""The ``kb`` command line: parse arguments, call the library, render the result.

Command groups live in their own modules and are imported only when used, so ``kb validate``
never pays for torch, streamlit or mkdocs.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from kb import __version__
from kb.errors import KbError

# name → (module, attribute, one-line help). Modules are imported on first use.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": ("kb.cli.catalog_cmds", "validate", "Check every catalog file."),
    "query": ("kb.cli.catalog_cmds", "query", "Find entries by text and filters."),
    "show": ("kb.cli.catalog_cmds", "show", "Show one entry."),
    "schema": ("kb.cli.catalog_cmds", "schema", "Write (or check) catalog/schema.json."),
    "graph": ("kb.cli.graph", "graph", "Ask the citation / lineage graph."),
    "export": ("kb.cli.export", "export", "Export the catalog (BibTeX, CSL-JSON, RIS, GraphML …)."),
    "import": ("kb.cli.imports", "import_", "Import entries (BibTeX, CSL-JSON, RIS)."),
    "results": ("kb.cli.results", "results", "Results papers report (FID against NFE …)."),
    "cite": ("kb.cli.cite", "cite", "Format references in APA, IEEE or Chicago style."),
    "add": ("kb.cli.arxiv", "add", "Add papers from arXiv or by DOI (Crossref)."),
    "refresh": ("kb.cli.arxiv", "refresh", "Compare entries with arXiv and update them."),
    "cites": ("kb.cli.arxiv", "cites", "Cites from a reference list, or Semantic Scholar."),
    "discover": ("kb.cli.discover", "discover", "Rank new arXiv papers by fit to the catalog."),
    "build": ("kb.cli.site", "build", "Build the website."),
    "serve": ("kb.cli.site", "serve", "Serve the website (and the demos)."),
    "check-links": ("kb.cli.site", "check_links", "Check entries' external links."),
    "demo": ("kb.cli.demo", "demo", "Run, train and sample the diffusion demos."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported when they are invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        available = [name for name, (module, _, _) in COMMANDS.items()
                     if importlib.util.find_spec(module) is not None]
        return sorted(available)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attribute, _ = COMMANDS[name]
        if importlib.util.find_spec(module_name) is None:
            return None
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def cli() -> None:
    """diffusion-kb: a knowledge base of diffusion-model literature with runnable demos.

    \b
    Examples:
      kb validate
      kb query ddim --kind paper
      kb show ho-2020-denoising
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error becomes one clear message and an exit code, no traceback."""
    try:
        cli.main(args=argv, prog_name="kb", standalone_mode=False)
    except KbError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # the last line of defence: no traceback for users
        if os.environ.get("KB_DEBUG"):
            raise
        click.echo(f"kb: internal error: {type(exc).__name__}: {exc} "
                   "(set KB_DEBUG=1 for the traceback)", err=True)
        sys.exit(3)
    sys.exit(0)


def catalog_option(function):  # noqa: ANN001, ANN201 - a click decorator
    """``--catalog DIR``, else ``$KB_CATALOG``, else ``./catalog``."""
    return click.option(
        "--catalog", "catalog_path", type=click.Path(file_okay=False, path_type=str),
        envvar="KB_CATALOG", default="catalog", show_default=True,
        help="Catalog directory (env KB_CATALOG).")(function)
