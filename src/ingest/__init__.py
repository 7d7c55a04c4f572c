"""ingest: government press releases in, structured diplomatic event records out."""

__version__ = "0.1.0"
