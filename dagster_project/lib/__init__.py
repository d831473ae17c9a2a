"""Helpers shared by the Dagster definitions, the synthetic council and the tests."""
