"""Verification tooling, used by tests and `make bench` only (never by the nightly run): the DfE's public 903
validator harness, the agreement between it and our own rules, and the benchmark."""
