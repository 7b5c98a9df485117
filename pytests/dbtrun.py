"""Run the dbt project from tests: in place, or in a temporary copy with other seeds."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from commops import dbt_cli
from commops.duckdb_plugin import synthetic_salt_env

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "tests",
    "analyses",
)
REFERENCE_SEEDS = ("channel_map.csv", "cost_category_map.csv", "fx_rates.csv", "segment_bands.csv")


@dataclass
class DbtResult:
    returncode: int
    output: str
    warehouse: Path

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=True)

    @property
    def target(self) -> Path:
        """dbt's target folder of the run (manifest.json, run_results.json)."""
        return target_path(self.warehouse)


def target_path(warehouse: Path) -> Path:
    """The target folder of runs against `warehouse`: beside it, named after it."""
    return warehouse.parent / f"target_{warehouse.stem}"


def copy_project(dest: Path, reference_dir: Path | None = None) -> Path:
    """A copy of the project in dest; reference_dir's seeds replace the shipped reference seeds."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, dest / part, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy2(source, dest / part)
    if reference_dir is not None:
        for name in REFERENCE_SEEDS:
            shutil.copy2(reference_dir / name, dest / "seeds" / name)
    return dest


def run_dbt(
    args: list[str],
    *,
    warehouse: Path,
    project_dir: Path = PROJECT_DIR,
    raw_dir: Path | None = None,
    variables: dict[str, object] | None = None,
    env: dict[str, str] | None = None,
) -> DbtResult:
    """Run `dbt <args>` against its own DuckDB file and target folder; never raises on failure."""
    work = warehouse.parent
    work.mkdir(parents=True, exist_ok=True)
    full_env: dict[str, str | None] = {
        "COMMOPS_DUCKDB_PATH": str(warehouse),
        "COMMOPS_TEMP_DIR": str(work / "tmp"),
        # A folder of generated exports needs a salt other than the demo's public one.
        **(synthetic_salt_env() if raw_dir is not None else {}),
        **(env or {}),
        "RAW_DIR": str(raw_dir) if raw_dir is not None else None,
    }
    done = dbt_cli.run(
        args,
        env=full_env,
        project_dir=project_dir,
        target_path=target_path(warehouse),
        log_path=work / f"logs_{warehouse.stem}",
        variables=variables,
        capture=True,
    )
    return DbtResult(done.returncode, done.stdout, warehouse)
