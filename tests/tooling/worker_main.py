"""What an xdist worker's __main__ names as its file (tests/conftest.py). A process the tests start with
multiprocessing's "spawn" (ingestion's readers) runs its parent's main file first, so it must exist; this
one does nothing."""
