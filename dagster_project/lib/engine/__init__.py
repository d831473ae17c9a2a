"""What the night needs from an engine other than the embedded DuckDB file."""
