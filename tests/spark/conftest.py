"""One local Spark Thrift server for the whole test session (about 25 s to start)."""

from pathlib import Path

import pytest

from tests.spark import thrift_server


@pytest.fixture(scope="session")
def spark_server(tmp_path_factory: pytest.TempPathFactory):
    server = thrift_server.start(Path(tmp_path_factory.mktemp("spark")))
    yield server
    server.stop()
