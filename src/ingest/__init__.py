"""ingest: government press releases in, structured diplomatic event records out."""

from ingest.memory import limit_malloc_arenas, prefer_returning_allocator

__version__ = "0.1.0"

# before anything loads pyarrow or starts threads: allocators are chosen then (ingest.memory)
prefer_returning_allocator()
limit_malloc_arenas()
