"""Shared builds: the demo warehouse, built once per test session."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pytests.chromium import Chromium, find_chromium
from pytests.dbtrun import PROJECT_DIR, DbtResult, run_dbt

#: The DuckDB that BI tools bundle (DEVELOPERS.md: they open a duckdb 2.0 file only when it
#: is written with storage_compatibility_version v1.4.0).
BI_DUCKDB = "duckdb==1.4.2"


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DbtResult:
    """`dbt build` of the shipped demo export (seeds), as `make build` does it."""
    work = tmp_path_factory.mktemp("demo")
    result = run_dbt(["build"], warehouse=work / "demo.duckdb")
    assert result.returncode == 0, result.output[-6000:]
    return result


@pytest.fixture(scope="session")
def demo_published(demo_build: DbtResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo build published for readers (commops.publish), as `make build` leaves it."""
    from commops import publish

    path = tmp_path_factory.mktemp("demo_published") / "commops.duckdb"
    info = publish.BuildInfo(built_at=datetime.now(UTC), raw_source="demo seeds")
    publish.publish_for_readers(demo_build.warehouse, path, info)
    return path


@pytest.fixture(scope="session")
def duckdb_1_4() -> Path:
    """The Python of a virtual environment with the DuckDB BI tools bundle (kept under
    warehouse/, so a later run reuses it)."""
    venv = PROJECT_DIR / "warehouse" / "venv-duckdb-1.4"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", BI_DUCKDB],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"could not install {BI_DUCKDB}: {done.stderr[-500:]}")
    return python


@pytest.fixture(scope="session")
def browser() -> Iterator[Chromium]:
    """Headless Chromium with every request that is not for a local file failed
    (pytests/chromium.py); its tests are skipped when none is installed."""
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium on PATH (Debian: apt-get install chromium; .ci/run installs it)")
    chromium = Chromium(executable)
    yield chromium
    chromium.close()
