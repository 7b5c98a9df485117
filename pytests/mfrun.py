"""Run MetricFlow queries from tests against a built warehouse, in a child process.

The child (``python -m pytests.mfrun QUERIES.json ANSWERS.json``) loads the semantic layer once
(commops.mf.engine) and answers every query: one dbt profile load for all of them, and the dbt
adapter's read-write connection to the warehouse never opens inside the test process, where
other tests hold read-only ones to the same file.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commops import dbt_cli

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class MfQuery:
    """metrics grouped by group_by; or a saved query by name."""

    metrics: tuple[str, ...] = ()
    group_by: tuple[str, ...] = ()
    saved_query: str | None = None


def mf_project(work: Path, target_path: Path) -> Path:
    """A folder MetricFlow can run in for a build made with --target-path target_path: the
    project's dbt_project.yml and profiles.yml, and target/ pointing at that build's target
    (the `mf` CLI reads target/semantic_manifest.json under its project folder)."""
    project = work / "mf_project"
    project.mkdir(parents=True, exist_ok=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        (project / name).write_bytes((PROJECT_DIR / name).read_bytes())
    link = project / "target"
    if not link.exists():
        link.symlink_to(target_path, target_is_directory=True)
    return project


def run_queries(
    queries: Sequence[MfQuery], *, project_dir: Path, env: Mapping[str, str | None]
) -> list[tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    """Each query's (columns, rows), dates and timestamps as ISO text."""
    work = project_dir / "mfrun"
    work.mkdir(exist_ok=True)
    request, answer = work / "queries.json", work / "answers.json"
    request.write_text(
        json.dumps(
            {
                "project_dir": str(project_dir),
                "queries": [
                    {"metrics": q.metrics, "group_by": q.group_by, "saved_query": q.saved_query}
                    for q in queries
                ],
            }
        ),
        encoding="utf-8",
    )
    full_env = dbt_cli.environment({"DBT_PROFILES_DIR": str(project_dir), **env})
    done = subprocess.run(
        [sys.executable, "-m", "pytests.mfrun", str(request), str(answer)],
        cwd=PROJECT_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
    answers = json.loads(answer.read_text(encoding="utf-8"))
    return [(tuple(a["columns"]), [tuple(row) for row in a["rows"]]) for a in answers]


def _json_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def main() -> None:
    from commops import mf

    request = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    project_dir = Path(request["project_dir"])
    engine = mf.engine(project_dir)
    answers = []
    for q in request["queries"]:
        result = mf.query(
            engine, q["metrics"], q["group_by"], q["group_by"], saved_query=q["saved_query"]
        )
        rows = [[_json_cell(cell) for cell in row] for row in result.rows]
        answers.append({"columns": list(result.columns), "rows": rows})
    Path(sys.argv[2]).write_text(json.dumps(answers), encoding="utf-8")


if __name__ == "__main__":
    main()
