"""`ingest extract`: documents JSONL in, event records JSONL out (owned by the extraction area)."""

from __future__ import annotations

import click


@click.command("extract")
@click.argument("docs", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="Where to write event records (JSONL).",
)
def extract_command(docs: str, output: str) -> None:
    """Extract event records from DOCS, a JSONL file of {id, url, title, published, text}.

    Writes one event record per line; a document's first line is its primary event.
    """
    raise click.ClickException("extraction is not built yet")
