"""Dagster definitions, one folder per stage; each folder registers its own assets, checks and resources."""
