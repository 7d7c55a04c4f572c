"""The `ingest` command: one group, subcommands grouped by area in sibling modules.

Errors we raise on purpose (IngestError) become one line on stderr and exit status 2; anything
else is a bug and keeps its traceback. A command may end with a status of its own (`backfill`:
3 when the run was partial).
"""

from __future__ import annotations

import sys

from ingest.memory import tune_process

tune_process()  # a command's process: before anything below loads pyarrow or starts threads

import click  # noqa: E402

from ingest import __version__  # noqa: E402
from ingest.cli import explain, pipeline, report, warehouse, workers  # noqa: E402
from ingest.cli.extract import extract_command  # noqa: E402
from ingest.errors import IngestError  # noqa: E402


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ingest")
def cli() -> None:
    """Government press releases in, structured event records out.

    Fetch RSS/Atom feeds, extract who met whom, where and when, store Parquet tables and serve
    DuckDB views for SQL and BI tools.
    """


cli.add_command(extract_command)


for _area in (pipeline, workers, warehouse, explain, report):
    for _command in _area.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    try:
        status = cli.main(standalone_mode=False)  # a command's ctx.exit(n) returns n here
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except IngestError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)
    if isinstance(status, int) and status:
        sys.exit(status)
