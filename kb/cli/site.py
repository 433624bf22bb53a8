"""``kb build``, ``kb serve`` and ``kb check-links``. MkDocs is imported only inside them."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from kb.cli import catalog_option

config_option = click.option(
    "--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"), show_default=True, help="The MkDocs configuration.")


def _show_mkdocs_log(verbose: bool) -> None:
    """MkDocs' own messages (warnings, or everything with -v) on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False


@click.command()
@catalog_option
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: site_dir of mkdocs.yml, public/).")
@config_option
@click.option("--no-strict", is_flag=True, help="Do not stop on MkDocs warnings.")
@click.option("--verbose", "-v", is_flag=True, help="Show MkDocs' progress messages.")
def build(catalog_path: str, site_dir: Path | None, config_file: Path, no_strict: bool,
          verbose: bool) -> None:
    """Build the static website from the catalog.

    An invalid catalog stops the build with every error and leaves the previous build as it
    was; so does any MkDocs warning (strict mode).

    \b
    Examples:
      kb build
      kb build --catalog tests/data/site_catalog --site-dir /tmp/site
    """
    from kb.site.build import build_site

    _show_mkdocs_log(verbose)
    result = build_site(config_file, catalog_dir=Path(catalog_path), site_dir=site_dir,
                        strict=not no_strict)
    click.echo(f"built {result.pages} pages from {result.entries} entries into "
               f"{result.site_dir} in {result.seconds:.1f} s", err=True)


@click.command()
@catalog_option
@config_option
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True,
              help="Host and port of the site.")
@click.option("--demo-port", type=int, default=8501, show_default=True,
              help="Port of the Streamlit demo app, on the same host.")
@click.option("--no-demos", is_flag=True, help="Serve the site only.")
@click.option("--no-warm", is_flag=True,
              help="Do not make the demo pages' first samples ahead of the first visitor.")
def serve(catalog_path: str, config_file: Path, dev_addr: str, demo_port: int,
          no_demos: bool, no_warm: bool) -> None:
    """Serve the website with live reload (editing a catalog YAML file rebuilds it) and,
    beside it, the demo app that its "Run the demo" buttons open. Ctrl-C stops both.

    Meanwhile every demo page is run once in the background, at a low priority, so its
    first samples are ready (and kept on disk) before anyone opens it; lines marked [warm]
    say when each page is ready.

    \b
    Examples:
      kb serve
      kb serve --dev-addr 127.0.0.1:8001 --no-demos
    """
    if no_demos:
        from kb.site.build import serve_site

        _show_mkdocs_log(verbose=True)
        serve_site(config_file, catalog_dir=Path(catalog_path), dev_addr=dev_addr)
        return
    from kb.launch import serve_site_and_demos

    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter("use HOST:PORT, e.g. 127.0.0.1:8000", param_hint="--dev-addr")
    raise SystemExit(serve_site_and_demos(config_file=config_file, catalog=Path(catalog_path),
                                          host=host, site_port=int(port),
                                          demo_port=demo_port, warm=not no_warm))


@click.command("check-links")
@catalog_option
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds to wait for each server.")
@click.option("--workers", type=int, default=8, show_default=True,
              help="Links checked at the same time.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def check_links(catalog_path: str, timeout: float, workers: int, fmt: str) -> None:
    """Check every external link of the entries (url, arXiv, DOI, links).

    Prints the broken ones; exit 1 if any link is broken, 2 if no server answered at all
    (no network).

    \b
    Example:
      kb check-links --timeout 5 --workers 16
    """
    import json

    from kb.catalog import Catalog
    from kb.site.link_check import check_catalog_links, summarize

    results = check_catalog_links(Catalog.load(catalog_path), timeout=timeout, workers=workers)
    report = summarize(results)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        for line in report.lines():
            click.echo(line)
    if report.broken:
        raise SystemExit(1)
