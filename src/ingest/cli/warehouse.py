"""`ingest` commands of the warehouse area."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
