"""BI tools that bundle DuckDB 1.4 can open the warehouse file (DEVELOPERS.md: files written by
duckdb 2.0 with default settings fail there with "version number 999") and read every mart's
and column's description in it."""

from __future__ import annotations

import json
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


COMMENTS_READER = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute(
    "select schema_name, table_name, comment from duckdb_tables() order by 1, 2"
).fetchall()
columns = con.execute(
    "select schema_name, table_name, column_name, comment from duckdb_columns() "
    "where not internal order by 1, 2, 3"
).fetchall()
print(json.dumps({"version": duckdb.__version__, "tables": tables, "columns": columns}))
"""


def described(manifest: dict, schema: str) -> dict[str, tuple[str, dict[str, str]]]:
    """name -> (description, column -> description) of the models and seeds dbt built into
    `schema`, as dbt's manifest has them (docs blocks rendered)."""
    found = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] in ("model", "seed") and node["schema"] == schema:
            columns = {name: column["description"] for name, column in node["columns"].items()}
            found[node["name"]] = (node["description"], columns)
    return found


def test_published_file_describes_every_mart_and_column(
    demo_build: DbtResult, demo_published: Path, duckdb_1_4: Path
) -> None:
    """persist_docs (dbt_project.yml) writes every description as a DuckDB comment, publishing
    carries them over, and a BI tool's DuckDB 1.4 reads them: no mart or mart column without
    one, and each is the yml description."""
    done = subprocess.run(
        [str(duckdb_1_4), "-c", COMMENTS_READER, str(demo_published)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    read = json.loads(done.stdout)
    assert read["version"].startswith("1.4")
    tables = {(schema, name): comment for schema, name, comment in read["tables"]}
    columns: dict[tuple[str, str], dict[str, str | None]] = {}
    for schema, name, column, comment in read["columns"]:
        columns.setdefault((schema, name), {})[column] = comment

    manifest = json.loads((demo_build.target / "manifest.json").read_text(encoding="utf-8"))
    marts = {name for schema, name in tables if schema == "marts"}
    assert marts == {*described(manifest, "marts"), "build_info"}
    for name in marts:
        assert (tables["marts", name] or "").strip(), f"marts.{name} has no comment"
        for column, comment in columns["marts", name].items():
            assert (comment or "").strip(), f"marts.{name}.{column} has no comment"

    for schema in ("marts", "reference"):
        expected = described(manifest, schema)
        assert set(expected) == {name for s, name in tables if s == schema} - {"build_info"}
        for name, (description, column_descriptions) in expected.items():
            assert (tables[schema, name] or "").strip() == description.strip(), name
            for column, text in column_descriptions.items():
                comment = columns[schema, name][column] or ""
                assert comment.strip() == text.strip(), f"{schema}.{name}.{column}"
