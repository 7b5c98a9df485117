"""Shared builds: the demo warehouse, built once per test session."""

from __future__ import annotations

import pytest

from pytests.dbtrun import DbtResult, run_dbt


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DbtResult:
    """`dbt build` of the shipped demo export (seeds), as `make build` does it."""
    work = tmp_path_factory.mktemp("demo")
    result = run_dbt(["build"], warehouse=work / "demo.duckdb")
    assert result.returncode == 0, result.output[-6000:]
    return result
