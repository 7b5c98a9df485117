"""BI tools that bundle DuckDB 1.4 can open the warehouse file (DEVELOPERS.md: files written by
duckdb 2.0 with default settings fail there with "version number 999")."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pytests.dbtrun import DbtResult

READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(duckdb.__version__)
print(con.execute("select count(*) from marts.dim_members").fetchone()[0])
print(con.execute("select count(*) from marts.mart_engagement_daily").fetchone()[0])
"""


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
