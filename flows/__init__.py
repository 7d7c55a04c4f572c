"""Prefect flows: they only wire the stages of the `ingest` package."""
