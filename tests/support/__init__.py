"""Test helpers shared by test areas (import with tests/ on sys.path)."""
