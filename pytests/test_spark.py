"""The same project on Spark: the demo export built on local Spark agrees with the DuckDB build.

The Spark build runs in a subprocess (`python -m commops.spark_load build`), in one Spark
session: it loads the demo export into tables of the `raw` schema (CONTRACT §1 path 3), runs
`dbt build --target spark --vars '{raw_source: tables}'` (every model, data test and unit test),
then `dbt seed` of the demo export (path 1, schema raw_demo), and exports the contract marts and
both versions of the raw tables as Parquet into a temporary folder. The DuckDB side is the
session's `demo_build`. Every contract mart (CONTRACT §4) and staging_row_counts is compared
table by table: the same columns and types, the same row count, and by grain key the same values
(money to the cent, other numbers to 1e-9, dates and timestamps as naive values, booleans, text
exactly, null only equal to null); rejected_rows as a multiset of (entity, record_key, reason),
then with raw_record read as JSON. The seeded and the loaded raw tables must hold the same rows.

Skipped when no Java is found or the `spark` extra (pyspark, dbt-spark) is missing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from commops import contract, golden
from pytests.dbtrun import PROJECT_DIR, DbtResult

DEFAULT_JAVA_HOME = Path("/usr/lib/jvm/java-17-openjdk-amd64")
#: The whole Spark build (JVM start, raw load, dbt build, export) must finish within this.
BUILD_TIMEOUT_SECONDS = 1500
ENTITIES = contract.entities()
#: The contract models and the staging counts, as the golden comparison holds them.
MODELS = list(golden.MODELS)


def java_home() -> str | None:
    """JAVA_HOME, else the Java 17 of this image, else the folder of `java` on PATH."""
    candidates = [os.environ.get("JAVA_HOME", ""), str(DEFAULT_JAVA_HOME)]
    for candidate in candidates:
        if candidate and (Path(candidate) / "bin" / "java").exists():
            return candidate
    on_path = shutil.which("java")
    return str(Path(on_path).resolve().parent.parent) if on_path else None


def missing_requirement() -> str | None:
    for module in ("pyspark", "dbt.adapters.spark"):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            return f"{module} is not installed (pip install -e '.[spark]')"
    if java_home() is None:
        return "no Java found (set JAVA_HOME to a Java 17 or 21 JDK): Spark needs a JVM"
    return None


pytestmark = pytest.mark.skipif(
    missing_requirement() is not None, reason=str(missing_requirement())
)


@dataclass
class SparkBuild:
    returncode: int
    output: str
    export: Path
    seconds: float


@pytest.fixture(scope="session")
def spark_build(tmp_path_factory: pytest.TempPathFactory) -> SparkBuild:
    """Load the demo export into Spark, `dbt build` it there, export the marts as Parquet."""
    work = tmp_path_factory.mktemp("spark")
    export = work / "export"
    env = {
        **os.environ,
        "JAVA_HOME": str(java_home()),
        "COMMOPS_SPARK_WAREHOUSE": str(work / "warehouse"),
        "DO_NOT_TRACK": "1",
        "PYTHONUNBUFFERED": "1",
    }
    # The local demo build: no RAW_DIR, the default target settings, Parquet tables.
    for name in ("RAW_DIR", "COMMOPS_TARGET", "COMMOPS_SPARK_FILE_FORMAT"):
        env.pop(name, None)
    command = [
        sys.executable,
        "-m",
        "commops.spark_load",
        "build",
        "--export",
        str(export),
        "--seed-demo",
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    started = time.monotonic()
    # cwd is the temporary folder: whatever Spark might leave behind stays out of the repo. A
    # session of its own, so that a timeout stops the JVM too, not only Python.
    log = work / "spark_build.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command,
            cwd=work,
            env={**env, "PYTHONPATH": str(PROJECT_DIR)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=BUILD_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            returncode = -1
    seconds = time.monotonic() - started
    output = log.read_text(encoding="utf-8", errors="replace")
    if returncode == -1:
        output += f"\nthe Spark build did not finish within {BUILD_TIMEOUT_SECONDS}s"
    return SparkBuild(returncode, output, export, seconds)


def dbt_summary(output: str) -> str:
    """The lines of a dbt log that say what failed, for an assertion message."""
    lines = [line for line in output.splitlines() if "WARN" not in line or "dbt" in line]
    keep = [
        line
        for line in lines
        if any(word in line for word in ("ERROR", "FAIL", "Error", "error", "Completed", "Done"))
    ]
    return "\n".join(keep[-60:]) or output[-6000:]


def test_spark_build_passes(spark_build: SparkBuild) -> None:
    """Every model, data test and unit test of the project passes on Spark."""
    assert spark_build.returncode == 0, dbt_summary(spark_build.output)
    assert "dbt build passed" in spark_build.output
    print(f"Spark build (session, raw load, dbt build, export): {spark_build.seconds:.0f}s")


# ---------------------------------------------------------------------------------------------
# Table comparison
# ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]
    types: dict[str, str]
    rows: list[tuple[Any, ...]]


@dataclass
class Comparison:
    model: str
    problems: list[str] = field(default_factory=list)

    def add(self, problem: str) -> None:
        if len(self.problems) < 25:
            self.problems.append(problem)


def read_table(con: duckdb.DuckDBPyConnection, relation: str) -> Table:
    result = con.execute(f"select * from {relation}")
    columns = [d[0].lower() for d in result.description]
    rows = result.fetchall()
    described = con.execute(f"describe select * from {relation}").fetchall()
    types = {name.lower(): str(data_type).upper() for name, data_type, *_ in described}
    return Table(columns, types, rows)


def kind_of(name: str, data_type: str) -> str:
    """How a column is compared: money, float, int, datetime, bool or text."""
    base = data_type.upper()
    if base in ("DATE",) or base.startswith("TIMESTAMP"):
        return "datetime"
    if base == "BOOLEAN":
        return "bool"
    if base in golden.INTEGER_TYPES:
        return "money" if golden.is_money_column(name) else "int"
    if base in golden.FLOAT_TYPES or base.startswith("DECIMAL"):
        return "money" if golden.is_money_column(name) else "float"
    return "text"


def with_json(table: Table, key: tuple[str, ...], column: str) -> list[tuple[Any, ...]]:
    """(key..., the JSON text of `column` re-serialised canonically) for every row."""
    at = [table.columns.index(c) for c in (*key, column)]
    out = []
    for row in table.rows:
        *values, text = (row[i] for i in at)
        canonical = None if text is None else json.dumps(json.loads(text), sort_keys=True)
        out.append((*values, canonical))
    return out


def compare(model: golden.ModelSpec, duck: Table, spark: Table) -> Comparison:
    result = Comparison(model.name)
    if sorted(duck.columns) != sorted(spark.columns):
        result.add(f"columns differ: duckdb {duck.columns}, spark {spark.columns}")
        return result
    for column in duck.columns:
        if duck.types[column] != spark.types[column]:
            result.add(
                f"type of {column}: duckdb {duck.types[column]}, spark {spark.types[column]}"
            )
    if len(duck.rows) != len(spark.rows):
        result.add(f"row count: duckdb {len(duck.rows)}, spark {len(spark.rows)}")
    kinds = {column: kind_of(column, duck.types[column]) for column in duck.columns}

    def keyed(table: Table, columns: list[str]) -> list[tuple[tuple[Any, ...], tuple[Any, ...]]]:
        at = [table.columns.index(c) for c in columns]
        key_at = [table.columns.index(c) for c in model.key]
        out = []
        for row in table.rows:
            key = tuple(
                golden.key_token(golden.normalise(row[i], kinds[c]))
                for i, c in zip(key_at, model.key, strict=True)
            )
            values = tuple(
                golden.normalise(row[i], kinds[c]) for i, c in zip(at, columns, strict=True)
            )
            out.append((key, values))
        return out

    if model.multiset:
        # rejected_rows: the multiset of (entity, record_key, reason), then with the raw record
        # read as JSON (the same object whatever the engine's spacing or escapes).
        duck_keys = Counter(key for key, _ in keyed(duck, list(model.key)))
        spark_keys = Counter(key for key, _ in keyed(spark, list(model.key)))
        for key in sorted((duck_keys - spark_keys).keys()):
            result.add(f"only in duckdb: {key} x{(duck_keys - spark_keys)[key]}")
        for key in sorted((spark_keys - duck_keys).keys()):
            result.add(f"only in spark: {key} x{(spark_keys - duck_keys)[key]}")
        if not result.problems and "raw_record" in duck.columns:
            duck_records = Counter(with_json(duck, model.key, "raw_record"))
            spark_records = Counter(with_json(spark, model.key, "raw_record"))
            for record in sorted((duck_records - spark_records).keys())[:10]:
                result.add(f"raw_record differs: duckdb {record}")
            for record in sorted((spark_records - duck_records).keys())[:10]:
                result.add(f"raw_record differs: spark {record}")
        return result

    columns = [c for c in duck.columns if c not in model.key]
    duck_rows: dict[Any, tuple[Any, ...]] = {}
    for key, values in keyed(duck, columns):
        if key in duck_rows:
            result.add(f"duplicate key in duckdb: {key}")
        duck_rows[key] = values
    spark_rows: dict[Any, tuple[Any, ...]] = {}
    for key, values in keyed(spark, columns):
        if key in spark_rows:
            result.add(f"duplicate key in spark: {key}")
        spark_rows[key] = values
    for key in sorted(duck_rows.keys() - spark_rows.keys())[:10]:
        result.add(f"only in duckdb: {key}")
    for key in sorted(spark_rows.keys() - duck_rows.keys())[:10]:
        result.add(f"only in spark: {key}")
    for key in sorted(duck_rows.keys() & spark_rows.keys()):
        for column, expected, actual in zip(columns, duck_rows[key], spark_rows[key], strict=True):
            if not golden.cells_equal(kinds[column], expected, actual):
                result.add(f"{key} {column}: duckdb {expected!r}, spark {actual!r}")
    return result


@pytest.fixture(scope="session")
def spark_con(spark_build: SparkBuild) -> duckdb.DuckDBPyConnection:
    if spark_build.returncode != 0:
        pytest.fail("the Spark build failed (see test_spark_build_passes)")
    con = duckdb.connect()
    for spec in MODELS:
        folder = spark_build.export / spec.table_name
        con.execute(
            f"create view {spec.table_name} as select * from read_parquet('{folder}/*.parquet')"
        )
    return con


@pytest.mark.parametrize("entity", ENTITIES)
def test_demo_seeds_equal_loaded_raw_tables(entity: str, spark_build: SparkBuild) -> None:
    """CONTRACT §1 paths 1 and 3 on Spark: `dbt seed` of the demo export (raw_demo) and the
    loader (raw) give the same raw text, empty cells as null."""
    if spark_build.returncode != 0:
        pytest.fail("the Spark build failed (see test_spark_build_passes)")
    con = duckdb.connect()
    seeded = f"read_parquet('{spark_build.export}/raw_demo__raw_{entity}/*.parquet')"
    loaded = f"read_parquet('{spark_build.export}/raw__{entity}/*.parquet')"
    assert read_table(con, seeded).types == read_table(con, loaded).types
    for left, right in ((seeded, loaded), (loaded, seeded)):
        (count,) = con.execute(
            f"select count(*) from (select * from {left} except all select * from {right})"
        ).fetchone()
        assert count == 0, f"{entity}: {count} rows of {left} are not in {right}"


@pytest.mark.parametrize("model", MODELS, ids=[spec.name for spec in MODELS])
def test_spark_mart_equals_duckdb(
    model: golden.ModelSpec, spark_con: duckdb.DuckDBPyConnection, demo_build: DbtResult
) -> None:
    with demo_build.connect() as duck_con:
        duck = read_table(duck_con, f"marts.{model.table_name}")
    spark = read_table(spark_con, model.table_name)
    result = compare(model, duck, spark)
    assert not result.problems, f"{model.name} differs on Spark:\n" + "\n".join(result.problems)
    assert len(duck.rows) > 0 or model.name == "rejected_rows"
