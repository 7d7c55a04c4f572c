"""ingest: government press releases in, structured diplomatic event records out.

Importing it changes nothing in the process: the commands tune memory themselves
(`ingest.memory.tune_process`, called by `ingest.cli` and `ingest.flows`).
"""

__version__ = "0.1.0"
