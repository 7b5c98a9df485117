"""BI tools that bundle DuckDB 1.4 can open the warehouse file (DEVELOPERS.md: files written by
duckdb 2.0 with default settings fail there with "version number 999")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pytests.dbtrun import PROJECT_DIR, DbtResult

BI_DUCKDB = "duckdb==1.4.2"
READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(duckdb.__version__)
print(con.execute("select count(*) from marts.dim_members").fetchone()[0])
print(con.execute("select count(*) from marts.mart_engagement_daily").fetchone()[0])
"""


@pytest.fixture(scope="session")
def duckdb_1_4() -> Path:
    """A virtual environment with the DuckDB that BI tools bundle (kept under warehouse/)."""
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


def test_duckdb_1_4_opens_the_warehouse(demo_build: DbtResult, duckdb_1_4: Path) -> None:
    done = subprocess.run(
        [str(duckdb_1_4), "-c", READER, str(demo_build.warehouse)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    version, members, days = done.stdout.split()
    assert version.startswith("1.4")
    with demo_build.connect() as con:
        assert int(members) == con.execute("select count(*) from marts.dim_members").fetchone()[0]
        assert (
            int(days)
            == con.execute("select count(*) from marts.mart_engagement_daily").fetchone()[0]
        )
