"""Build the warehouse and publish it only when it is sound.

    python -m commops.build [--full-refresh] [--skip-checks] [--vars YAML] [-- dbt args...]

Steps, each of which can stop the run and leave the published file as it was:
1. the raw inputs: a RAW_DIR export folder is checked in one pass (every problem at once,
   headers and a sample, before dbt starts), its CSV and xlsx exports are read whole into
   Parquet records (a file that cannot be read whole is named with its line), and real
   exports need a secret COMMOPS_PII_SALT;
2. `dbt build` writes the working file (COMMOPS_DUCKDB_PATH, default
   warehouse/work/commops.duckdb, named as the published file so that both have the catalog
   name `commops`);
3. the run's per-entity counts join the run history, and the guards compare them: an empty
   required export or a staged-row drop against the published build stops the run, an odd
   day's volume is reported;
4. the Great Expectations suites run against the working file;
5. publishing writes a new file for readers (the marts, the reference seeds and a build_info
   table: no raw, staging or intermediate data, no view) and renames it over the published
   one (COMMOPS_PUBLISHED_PATH, default warehouse/commops.duckdb) in one atomic step; a reader
   holding the old file open keeps reading the version it opened;
6. the offline report (commops.report) is written from the published file to commops.html in
   the reports folder (--reports, default reports/).
The run ends with where the warehouse landed, one health line, and where the report landed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from commops import dbt_cli

PROJECT_DIR = Path(__file__).resolve().parent.parent
# DuckDB names a file's catalog after the file: the working file and the published one share a
# name, so dbt docs (which read the working file) and BI tools both show `commops.marts.*`.
DEFAULT_WORKING = "warehouse/work/commops.duckdb"
DEFAULT_PUBLISHED = "warehouse/commops.duckdb"
#: The working file's default path before it was named like the published one (catalog `build`).
OLD_DEFAULT_WORKING = "warehouse/build.duckdb"
#: The singular test that fails when exports changed instead of growing.
ROW_BALANCE_TEST = "assert_dq_row_balance_is_zero"
REFRESH_HINT = (
    "The raw exports changed instead of growing (incremental runs expect append-only "
    "exports): rebuild from scratch with `make refresh` (python -m commops.build --full-refresh)."
)


def _path(env: str, default: str) -> Path:
    path = Path(os.environ.get(env, default))
    return path if path.is_absolute() else PROJECT_DIR / path


def working_path() -> Path:
    """The file dbt writes."""
    return _path("COMMOPS_DUCKDB_PATH", DEFAULT_WORKING)


def published_path() -> Path:
    """The file BI tools read."""
    return _path("COMMOPS_PUBLISHED_PATH", DEFAULT_PUBLISHED)


def target_path() -> Path:
    """dbt's target folder (DBT_TARGET_PATH, as dbt reads it)."""
    return _path("DBT_TARGET_PATH", "target")


def adopt_old_working_file() -> str | None:
    """Move a working file left at the old default path to the new one, once, so an existing
    install keeps its incremental state and run history; the line saying so, or None.

    Only when COMMOPS_DUCKDB_PATH is unset (a chosen path is left alone) and nothing is at the
    new path yet."""
    if os.environ.get("COMMOPS_DUCKDB_PATH"):
        return None
    old, new = PROJECT_DIR / OLD_DEFAULT_WORKING, working_path()
    if not old.is_file() or new.exists():
        return None
    new.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", ".wal"):
        moved = old.with_name(old.name + suffix)
        if moved.exists():
            os.replace(moved, new.with_name(new.name + suffix))
    return f"Moved the working file {old} to {new} (its new default path)."


def run_dbt(args: list[str], env: dict[str, str] | None = None) -> int:
    """Run dbt in the project directory with this project's profiles; return its exit code."""
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("COMMOPS_DUCKDB_PATH", str(working_path()))
    Path(full_env["COMMOPS_DUCKDB_PATH"]).parent.mkdir(parents=True, exist_ok=True)
    (PROJECT_DIR / "warehouse" / "tmp").mkdir(parents=True, exist_ok=True)
    return dbt_cli.run(args, env=full_env).returncode


def settings(vars_yaml: str | None) -> dict:
    """The project's vars with the run's --vars over them."""
    from commops import contract

    merged = dict(contract.project_vars())
    if vars_yaml:
        merged.update(yaml.safe_load(vars_yaml) or {})
    return merged


def raw_origin(run_settings: dict) -> tuple[str, str]:
    """Where the raw data comes from: ('folder', path), ('tables', schema) or the demo."""
    raw_dir = os.environ.get("RAW_DIR", "").strip()
    if raw_dir:
        return "folder", str(Path(raw_dir).resolve())
    if run_settings.get("raw_source") == "tables":
        return "tables", str(run_settings.get("raw_schema", "raw"))
    return "demo seeds", ""


def check_raw_inputs(origin: str, location: str) -> list[str]:
    """Every reason the raw inputs cannot be used, found before dbt starts."""
    from commops import exports
    from commops.duckdb_plugin import pii_salt_is_public

    problems: list[str] = []
    if origin == "folder":
        preflight = exports.check_folder(location)
        problems += preflight.problems
        if preflight.ok:
            # Read each CSV and xlsx export whole, once per change, where dbt will find it (the
            # plugin's cache folder beside the working file): a quote never closed or a line in
            # neither encoding is named here too, before dbt starts.
            try:
                exports.prepare(preflight, working_path().resolve().parent / "raw_cache")
            except exports.ExportError as error:
                problems += error.problems
    if origin != "demo seeds" and pii_salt_is_public():
        problems.append(
            "COMMOPS_PII_SALT is not set (or is the demo's public salt): phones and device ids "
            "hashed with a public salt can be reversed. Set COMMOPS_PII_SALT to a secret of "
            "your own before building from real exports."
        )
    return problems


def failed_dbt_nodes() -> list[str]:
    """Names of the nodes that failed or errored in the last dbt run (run_results.json)."""
    results = target_path() / "run_results.json"
    try:
        data = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [
        r["unique_id"].split(".")[-1]
        for r in data.get("results", [])
        if r.get("status") in ("fail", "error")
    ]


def dq_health(working: Path) -> dict[str, int]:
    """Failing dq_checks by severity in the working file."""
    import duckdb

    with duckdb.connect(str(working), read_only=True) as con:
        rows = con.execute(
            "select severity, count(*) from marts.dq_checks where status <> 'pass' group by 1"
        ).fetchall()
    return dict(rows)


def health_line(dq: dict[str, int], gx_counts: dict[str, int] | None, demo: bool) -> str:
    """One line: what is wrong with the data, and where the details are."""
    parts = [f"Health: {dq.get('critical', 0)} critical, {dq.get('warn', 0)} warn in dq_checks"]
    if gx_counts is not None:
        parts.append(
            f"Great Expectations {gx_counts['critical']} critical, {gx_counts['warn']} warn"
        )
    line = "; ".join(parts) + "."
    if demo and (dq.get("warn", 0) or (gx_counts or {}).get("warn", 0)):
        line += " The demo export plants these problems on purpose (data/demo_ground_truth.csv)."
    return line + " Details: marts.dq_checks, reports/gx_docs/index.html."


def stop(message: str, published: Path) -> int:
    print(f"{message}\nNothing was published; {published} is unchanged.", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    parser.add_argument("--skip-checks", action="store_true", help="publish without the GX run")
    parser.add_argument("--vars", help="dbt --vars (YAML)")
    parser.add_argument(
        "--suites", help="folder of Great Expectations suites (default expectations/)"
    )
    parser.add_argument(
        "--reports", help="folder for the GX Data Docs, summary and commops.html (default reports/)"
    )
    parser.add_argument("dbt_args", nargs="*", help="more dbt build arguments (after --)")
    args = parser.parse_args(argv)

    from commops import publish

    moved = adopt_old_working_file()
    if moved:
        print(moved)
    working = working_path()
    published = published_path()
    run_settings = settings(args.vars)
    origin, location = raw_origin(run_settings)
    started = datetime.now(UTC).replace(tzinfo=None)

    problems = check_raw_inputs(origin, location)
    if problems:
        where = f" (RAW_DIR {location})" if origin == "folder" else ""
        listed = "\n  - ".join(problems)
        return stop(
            f"guard raw_exports: the raw inputs cannot be used{where}; nothing was built:"
            f"\n  - {listed}",
            published,
        )

    dbt_args = ["build"]
    if args.full_refresh:
        dbt_args.append("--full-refresh")
    if args.vars:
        dbt_args += ["--vars", args.vars]
    dbt_args += args.dbt_args
    code = run_dbt(dbt_args)
    if code != 0:
        hint = f"\n{REFRESH_HINT}" if ROW_BALANCE_TEST in failed_dbt_nodes() else ""
        return stop(f"dbt build failed (exit {code}).{hint}", published)

    info = publish.BuildInfo(built_at=started, raw_source=origin, raw_location=location)
    publish.record_run(working, started, info)
    guards = publish.check_guards(working, published, run_settings)
    for warning in guards.warnings:
        print(f"warning: {warning}")
    if guards.critical:
        return stop("A guard stopped the run:\n  " + "\n  ".join(guards.critical), published)

    gx_counts = None
    if not args.skip_checks:
        from commops import gx_run

        gx_args = ["--warehouse", str(working), "--brief", "--built-at", started.isoformat()]
        if args.suites:
            gx_args += ["--suites", args.suites]
        if args.reports:
            reports = Path(args.reports)
            gx_args += [
                "--docs",
                str(reports / "gx_docs"),
                "--summary",
                str(reports / "gx_summary.json"),
            ]
        code, gx_counts = gx_run.run_for_build(gx_args)
        if code != 0:
            return stop("Critical data checks failed.", published)

    try:
        publish.publish_for_readers(working, published, info)
    except publish.PublishError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"Warehouse published: {published}")
    print("Marts are in its `marts` schema, the build's counts in marts.build_info.")
    print(health_line(dq_health(working), gx_counts, origin == "demo seeds"))
    from commops import report

    try:
        out = report.write_report(published, Path(args.reports or "reports") / "commops.html")
    except report.ReportError as error:
        print(f"Report not written: {error}", file=sys.stderr)
        return 1
    print(f"Report: {out}")
    return 0


def main_for_people(argv: list[str] | None = None) -> int:
    """main, with anything unforeseen said in one line instead of a traceback."""
    try:
        return main(argv)
    except KeyboardInterrupt:
        print(f"Stopped; {published_path()} is unchanged.", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the user gets one line, not a traceback
        detail = " ".join(str(error).split()) or type(error).__name__
        print(f"Build stopped: {detail}; {published_path()} is unchanged.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    status = main_for_people()
    # Every connection this process opened is closed, but objects that Great Expectations keeps
    # alive until interpreter shutdown make duckdb's binding print a 'nanobind: leaked …' report
    # at exit; leave without that teardown once the output is flushed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
