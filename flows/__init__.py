"""Prefect flows: they only wire the runs of the `ingest` package (ingest.pipeline).

A deployment's run process starts here: tune its memory before pyarrow loads (ingest.memory).
"""

from ingest.memory import tune_process

tune_process()
