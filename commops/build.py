"""Build the warehouse and publish it only when it is sound.

    python -m commops.build [--full-refresh] [--skip-checks] [--vars YAML] [-- dbt args...]

Steps: `dbt build` writes the working file (COMMOPS_DUCKDB_PATH, default
warehouse/build.duckdb); the Great Expectations suites run against it; only when both pass is
the working file copied beside the published one and renamed over it (one atomic step on the
same filesystem). BI tools read the published file (COMMOPS_PUBLISHED_PATH, default
warehouse/commops.duckdb): a failed build leaves it untouched, and a reader holding it open
keeps reading the version it opened.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_WORKING = "warehouse/build.duckdb"
DEFAULT_PUBLISHED = "warehouse/commops.duckdb"


def _path(env: str, default: str) -> Path:
    path = Path(os.environ.get(env, default))
    return path if path.is_absolute() else PROJECT_DIR / path


def working_path() -> Path:
    """The file dbt writes."""
    return _path("COMMOPS_DUCKDB_PATH", DEFAULT_WORKING)


def published_path() -> Path:
    """The file BI tools read."""
    return _path("COMMOPS_PUBLISHED_PATH", DEFAULT_PUBLISHED)


def dbt_executable() -> str:
    """dbt from this interpreter's environment."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(args: list[str], env: dict[str, str] | None = None) -> int:
    """Run dbt in the project directory with this project's profiles; return its exit code."""
    command = [dbt_executable(), *args, "--profiles-dir", str(PROJECT_DIR)]
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("COMMOPS_DUCKDB_PATH", str(working_path()))
    Path(full_env["COMMOPS_DUCKDB_PATH"]).parent.mkdir(parents=True, exist_ok=True)
    (PROJECT_DIR / "warehouse" / "tmp").mkdir(parents=True, exist_ok=True)
    return subprocess.call(command, cwd=PROJECT_DIR, env=full_env)


def publish(working: Path, published: Path) -> None:
    """Copy the working file next to the published one, then rename it over it atomically."""
    published.parent.mkdir(parents=True, exist_ok=True)
    if Path(str(working) + ".wal").exists():
        import duckdb

        with duckdb.connect(str(working)) as con:
            con.execute("checkpoint")
    staging = published.with_name(published.name + ".publishing")
    shutil.copyfile(working, staging)
    with open(staging, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, published)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    parser.add_argument("--skip-checks", action="store_true", help="publish without the GX run")
    parser.add_argument("--vars", help="dbt --vars (YAML)")
    parser.add_argument(
        "--suites", help="folder of Great Expectations suites (default expectations/)"
    )
    parser.add_argument(
        "--reports", help="folder for the GX Data Docs and summary (default reports/)"
    )
    parser.add_argument("dbt_args", nargs="*", help="more dbt build arguments (after --)")
    args = parser.parse_args(argv)

    working = working_path()
    published = published_path()
    dbt_args = ["build"]
    if args.full_refresh:
        dbt_args.append("--full-refresh")
    if args.vars:
        dbt_args += ["--vars", args.vars]
    dbt_args += args.dbt_args
    code = run_dbt(dbt_args)
    if code != 0:
        print(f"dbt build failed (exit {code}); {published} is unchanged.", file=sys.stderr)
        return code
    if not args.skip_checks:
        from commops import gx_run

        gx_args = ["--warehouse", str(working)]
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
        code = gx_run.main(gx_args)
        if code != 0:
            print(f"Critical data checks failed; {published} is unchanged.", file=sys.stderr)
            return code
    publish(working, published)
    print(f"Warehouse published: {published}")
    print("Marts are in its `marts` schema; data-quality results in marts.dq_checks.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
