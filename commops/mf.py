"""The semantic layer (MetricFlow, models/semantic/): its CLI without the update check, and
queries from Python.

    python -m commops.mf query --metrics new_members,paid_cac_cny --group-by metric_time__month

is `mf` (dbt-metricflow) run for this project from any folder, with no request to the network.

Why a wrapper: the `mf` command asks pypi.org for a newer dbt-metricflow on every command. Its
click group calls ``update_checker.UpdateChecker().check("dbt-metricflow", <version>)``: a
``requests.get`` of https://pypi.org/pypi/dbt-metricflow/json with a 1 s timeout (proxies from
the environment; a failure is swallowed), its answer (a failure too) cached for an hour in
``$TMPDIR/update_checker_cache.pkl``; when a newer version exists it prints a two-line upgrade
notice into the command's output. dbt-metricflow has no setting to turn that off. Offline the
request fails at once (connection refused) or after about a second (packets dropped), so
`.venv/bin/mf` still works without a network (pytests/test_semantic_layer.py runs it with the
proxies at a closed port). This module replaces the check with one that finds nothing, then runs
the same CLI: no request, no notice, no cache file.

:func:`engine` and :func:`query` answer metric queries in-process (pytests/mfrun.py uses them):
the same engine as the CLI, on the warehouse the dbt profile names (COMMOPS_DUCKDB_PATH).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent


def disable_update_check() -> None:
    """Make dbt-metricflow's update check find nothing without asking the network."""
    import update_checker

    def check(self: object, package_name: str, package_version: str, **extra: object) -> None:
        return None

    update_checker.UpdateChecker.check = check  # type: ignore[method-assign,assignment]


def main(argv: Sequence[str] | None = None) -> int:
    """`mf <argv>` for this project (DBT_PROJECT_DIR and DBT_PROFILES_DIR default to it)."""
    disable_update_check()
    os.environ.setdefault("DBT_PROJECT_DIR", str(PROJECT_DIR))
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from dbt_metricflow.cli.main import cli

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cli.main(args=args, prog_name="mf", standalone_mode=True)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


@dataclass(frozen=True)
class QueryResult:
    """A metric query's answer: column names (as MetricFlow names them) and rows."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def engine(project_dir: Path = PROJECT_DIR, semantic_manifest: Path | None = None) -> Any:
    """A MetricFlowEngine over project_dir's semantic manifest (default:
    target/semantic_manifest.json, written by `dbt parse` or `dbt build`) and the warehouse of
    its dbt profile. Runs `dbt debug` once, as the CLI does, to load the profile."""
    disable_update_check()
    from dbt.adapters.factory import get_adapter_by_type
    from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import AdapterBackedSqlClient
    from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtProjectMetadata
    from metricflow.engine.metricflow_engine import MetricFlowEngine
    from metricflow_semantics.model.dbt_manifest_parser import (
        parse_manifest_from_dbt_generated_manifest,
    )
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    manifest_path = semantic_manifest or project_dir / "target" / "semantic_manifest.json"
    manifest = parse_manifest_from_dbt_generated_manifest(
        manifest_json_string=manifest_path.read_text(encoding="utf-8")
    )
    metadata = dbtProjectMetadata.load_from_paths(
        profiles_path=Path(os.environ.get("DBT_PROFILES_DIR", project_dir)),
        project_path=project_dir,
    )
    adapter = get_adapter_by_type(metadata.profile.credentials.type)
    return MetricFlowEngine(
        semantic_manifest_lookup=SemanticManifestLookup(manifest),
        sql_client=AdapterBackedSqlClient(adapter),
    )


def query(
    mf_engine: Any,
    metrics: Sequence[str] = (),
    group_by: Sequence[str] = (),
    order_by: Sequence[str] = (),
    where: Sequence[str] = (),
    saved_query: str | None = None,
) -> QueryResult:
    """Metrics grouped by dimensions, as `mf query` would answer them (a saved query's
    parameters when saved_query is given)."""
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    request = MetricFlowQueryRequest.create(
        saved_query_name=saved_query,
        metric_names=list(metrics) or None,
        group_by_names=list(group_by) or None,
        order_by_names=list(order_by) or None,
        where_constraints=list(where) or None,
    )
    table = mf_engine.query(request).result_df
    return QueryResult(tuple(table.column_names), tuple(tuple(row) for row in table.rows))


if __name__ == "__main__":
    raise SystemExit(main())
