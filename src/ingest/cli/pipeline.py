"""`ingest` commands of the pipeline area."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
