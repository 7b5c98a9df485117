"""Local Spark: load raw exports into the `raw` schema, build with dbt, export tables.

    python -m commops.spark_load load [--source DIR] [--schema raw]
    python -m commops.spark_load build [--source DIR] [--export DIR] [--seed-demo]
        [--project-dir DIR] [--target-path DIR] [--log-path DIR] [-- dbt build args...]
    python -m commops.spark_load export --out DIR [SCHEMA.TABLE ...]

`load` reads the five raw exports of CONTRACT §2 from a folder (default: the demo export in
seeds/demo) into tables of the `raw` schema, every CSV value as text, so that `dbt build
--target spark --vars '{raw_source: tables}'` reads them (CONTRACT §1, path 3). In a folder
each entity is exactly one of `NAME.csv`, `NAME.parquet` or a folder `NAME/` of Parquet parts
(`raw_NAME.csv`, as in seeds/demo, is accepted too); Parquet keeps its types, and staging reads
them as text. Column names are trimmed and lower-cased (a BOM is dropped).

`build` does load, `dbt build --target spark --vars '{raw_source: tables}' --exclude "raw_*"`
and, with --export, the export of every contract mart, all in one Spark session: the JVM starts
once, and each step prints its time. --seed-demo also runs `dbt seed` of the demo export
(schema raw_demo, CONTRACT §1 path 1) and exports both raw versions, for comparison. `export`
writes tables as Parquet folders `DIR/<table>/` (one file each; `DIR/<schema>__<table>/`
outside the marts schema).

The session uses the settings of the `spark` target in profiles.yml (COMMOPS_SPARK_WAREHOUSE,
default warehouse/spark under the project, holds the tables, the Derby metastore and
derby.log). The Derby metastore admits one process at a time: don't run two of these (or this
and `dbt --target spark`) on one warehouse at once. Needs Java 17 or 21 (JAVA_HOME or `java` on
PATH) and the `spark` extra (pyspark, dbt-spark).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from commops import contract

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEMO_DIR = PROJECT_DIR / "seeds" / "demo"
DEFAULT_WAREHOUSE = "warehouse/spark"
ENTITIES = contract.entities()
#: The contract marts (commops.contract) and the staging counts, as `schema.table`.
CONTRACT_TABLES = tuple(
    f"marts.{name}" for name in (*contract.contract_models(), "staging_row_counts")
)


def warehouse_dir() -> Path:
    """The Spark warehouse folder (tables, metastore_db, derby.log): COMMOPS_SPARK_WAREHOUSE,
    a relative path read from the project folder (where `dbt` runs), as profiles.yml reads it."""
    path = Path(os.environ.get("COMMOPS_SPARK_WAREHOUSE", DEFAULT_WAREHOUSE))
    return path if path.is_absolute() else PROJECT_DIR / path


def session_settings(warehouse: Path) -> dict[str, str]:
    """The server_side_parameters of the `spark` target in profiles.yml, for this warehouse."""
    return {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.timestampType": "TIMESTAMP_NTZ",
        "spark.sql.warehouse.dir": str(warehouse),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={warehouse}",
        "spark.driver.memory": os.environ.get("COMMOPS_SPARK_DRIVER_MEMORY", "4g"),
        "spark.sql.shuffle.partitions": os.environ.get("COMMOPS_SPARK_SHUFFLE_PARTITIONS", "2"),
        "spark.ui.enabled": "false",
    }


def spark_session(warehouse: Path | None = None) -> Any:
    """A local Spark session with Hive support (a Derby metastore inside the warehouse)."""
    from pyspark.sql import SparkSession

    warehouse = warehouse or warehouse_dir()
    warehouse.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport().master(
        os.environ.get("COMMOPS_SPARK_MASTER", "local[*]")
    )
    for key, value in session_settings(warehouse).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    declare_pii_salt(spark)
    return spark


def declare_pii_salt(spark: Any) -> None:
    """The session variable commops_pii_salt that the PII hashes read (macro hash_pii), set
    from COMMOPS_PII_SALT as a query parameter: the salt never appears in any SQL text."""
    from commops.duckdb_plugin import pii_salt

    spark.sql("declare or replace variable commops_pii_salt string")
    spark.sql("set var commops_pii_salt = :salt", args={"salt": pii_salt()})


def find_export(source: Path, entity: str) -> tuple[str, Path]:
    """(format, path) of one raw export in a folder; fails unless exactly one exists."""
    candidates = []
    for stem in (entity, f"raw_{entity}"):
        if (source / f"{stem}.csv").is_file():
            candidates.append(("csv", source / f"{stem}.csv"))
        if (source / f"{stem}.parquet").is_file():
            candidates.append(("parquet", source / f"{stem}.parquet"))
        if (source / stem).is_dir():
            candidates.append(("parquet", source / stem))
    if not candidates:
        raise SystemExit(f"{source}: no {entity}.csv, {entity}.parquet or {entity}/ folder")
    if len(candidates) > 1:
        names = ", ".join(str(path) for _, path in candidates)
        raise SystemExit(f"{source}: {entity} is exported more than once ({names}); keep one")
    return candidates[0]


def load_raw(spark: Any, source: Path, schema: str = "raw") -> dict[str, int]:
    """Load the five raw exports of `source` into `schema`; return the row count of each."""
    spark.sql(f"create database if not exists {schema}")
    counts = {}
    for entity in ENTITIES:
        kind, path = find_export(source, entity)
        if kind == "csv":
            frame = (
                spark.read.option("header", True)
                .option("inferSchema", False)
                .option("multiLine", True)
                .option("quote", '"')
                .option("escape", '"')
                .option("encoding", "UTF-8")
                .csv(str(path))
            )
        else:
            frame = spark.read.parquet(str(path))
        names = [name.replace("\ufeff", "").strip().lower() for name in frame.columns]
        frame = frame.toDF(*names)
        frame.coalesce(1).write.mode("overwrite").format("parquet").saveAsTable(
            f"{schema}.{entity}"
        )
        counts[entity] = spark.table(f"{schema}.{entity}").count()
    return counts


def export_tables(spark: Any, tables: list[str], out: Path) -> None:
    """Write each `schema.table` as a Parquet folder `out/<table>/` (`out/<schema>__<table>/`
    outside the marts schema)."""
    out.mkdir(parents=True, exist_ok=True)
    for qualified in tables:
        schema, name = qualified.split(".")
        folder = out / (name if schema == "marts" else f"{schema}__{name}")
        spark.table(qualified).coalesce(1).write.mode("overwrite").parquet(str(folder))


def run_dbt_in_session(args: list[str]) -> bool:
    """`dbt <args>` in this process (the adapter reuses the running Spark session)."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(args)
    return bool(result.success)


def with_tables_source(dbt_args: list[str], demo: bool = False) -> list[str]:
    """dbt build arguments reading the `raw` tables: raw_source: tables merged into any --vars
    given, and the demo seeds (raw_*) excluded unless the arguments exclude something else.
    demo: the tables hold the shipped demo export (raw_tables_are_demo), which may be hashed
    with the demo's public salt."""
    args = list(dbt_args)
    variables: dict[str, Any] = {}
    if "--vars" in args:
        at = args.index("--vars")
        variables = yaml.safe_load(args[at + 1]) or {}
        del args[at : at + 2]
    variables["raw_source"] = "tables"
    if demo:
        variables["raw_tables_are_demo"] = True
    excluding = any(flag in args for flag in ("--exclude", "--selector"))
    flow = yaml.safe_dump(variables, default_flow_style=True, width=10**6).strip()
    return ["--vars", flow, *([] if excluding else ["--exclude", "raw_*"]), *args]


def build(
    source: Path,
    dbt_args: list[str],
    export: Path | None,
    project_dir: Path = PROJECT_DIR,
    seed_demo: bool = False,
    dbt_paths: list[str] | None = None,
) -> int:
    """Load, dbt build on Spark and export, in one session; 0 when dbt succeeded. With
    seed_demo, `dbt seed` also loads the demo seeds (schema raw_demo) and the export holds
    both versions of the raw tables. dbt_paths (e.g. --target-path, --log-path) go to every
    dbt command, dbt_args to `dbt build` only."""
    started = time.monotonic()
    # dbt's spark target (same process, same session) reads the same folder.
    os.environ["COMMOPS_SPARK_WAREHOUSE"] = str(warehouse_dir())
    spark = spark_session()
    print(f"spark session: {time.monotonic() - started:.1f}s", flush=True)
    counts = load_raw(spark, source)
    print(f"raw tables loaded: {counts} ({time.monotonic() - started:.1f}s)", flush=True)
    common = [
        "--target",
        "spark",
        "--profiles-dir",
        str(project_dir),
        "--project-dir",
        str(project_dir),
        *(dbt_paths or []),
    ]
    demo = source.resolve() == DEMO_DIR.resolve()
    args = ["build", *common, *with_tables_source(dbt_args, demo=demo)]
    ok = run_dbt_in_session(args)
    print(f"dbt build {'passed' if ok else 'FAILED'} ({time.monotonic() - started:.1f}s)")
    if ok and seed_demo:
        # The demo export as `dbt seed` loads it (CONTRACT §1 path 1), beside the loaded tables.
        ok = run_dbt_in_session(["seed", *common, "--select", "path:seeds/demo"])
        print(f"dbt seed (demo) {'passed' if ok else 'FAILED'} ({time.monotonic() - started:.1f}s)")
    if ok and export is not None:
        tables = list(CONTRACT_TABLES)
        if seed_demo:
            tables += [f"raw.{entity}" for entity in ENTITIES]
            tables += [f"raw_demo.raw_{entity}" for entity in ENTITIES]
        export_tables(spark, tables, export)
        print(f"exported to {export} ({time.monotonic() - started:.1f}s)", flush=True)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    dbt_args: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, dbt_args = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="load raw exports into the raw schema")
    load.add_argument("--source", type=Path, default=DEMO_DIR)
    load.add_argument("--schema", default="raw")
    run = commands.add_parser("build", help="load, dbt build on Spark, export the marts")
    run.add_argument("--source", type=Path, default=DEMO_DIR)
    run.add_argument("--export", type=Path, default=None)
    run.add_argument("--project-dir", type=Path, default=PROJECT_DIR)
    run.add_argument("--target-path", default=None, help="dbt --target-path")
    run.add_argument("--log-path", default=None, help="dbt --log-path")
    run.add_argument(
        "--seed-demo",
        action="store_true",
        help="also `dbt seed` the demo export (raw_demo) and export both raw versions",
    )
    out = commands.add_parser("export", help="write tables as Parquet folders")
    out.add_argument("--out", type=Path, required=True)
    out.add_argument("tables", nargs="*", default=list(CONTRACT_TABLES))
    args = parser.parse_args(argv)

    if args.command == "load":
        counts = load_raw(spark_session(), args.source, args.schema)
        print(f"loaded into {args.schema}: {counts}")
        return 0
    if args.command == "build":
        paths = []
        if args.target_path:
            paths += ["--target-path", args.target_path]
        if args.log_path:
            paths += ["--log-path", args.log_path]
        return build(args.source, dbt_args, args.export, args.project_dir, args.seed_demo, paths)
    export_tables(spark_session(), args.tables, args.out)
    print(f"exported {len(args.tables)} tables to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
