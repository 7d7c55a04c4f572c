"""ingest: government press releases in, structured diplomatic event records out."""

from ingest.memory import prefer_returning_allocator

__version__ = "0.1.0"

# before anything loads pyarrow: Arrow picks its allocator then (see ingest.memory)
prefer_returning_allocator()
