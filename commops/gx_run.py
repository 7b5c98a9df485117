"""Run the Great Expectations suites in ``expectations/`` against the DuckDB warehouse.

Usage::

    python -m commops.gx_run [--warehouse warehouse/work/commops.duckdb] \\
        [--suites expectations] [--docs reports/gx_docs] \\
        [--summary reports/gx_summary.json] [--fail-on critical|any]

``--warehouse`` defaults to the working file (COMMOPS_DUCKDB_PATH, as the dbt profile reads it).

The warehouse is opened read-only through GX's SQL datasource (``duckdb:///PATH``, with
:mod:`commops.gx_shim` installed), so every metric is computed inside DuckDB; nothing is
loaded into pandas. The run builds a Data Docs site (``--docs``, default
``reports/gx_docs/``, open ``index.html``), prints a summary, writes it as JSON
(``--summary``, default ``reports/gx_summary.json``) and exits with

* 0 -- no expectation raised an exception and no ``critical`` expectation failed
  (``warn`` failures are reported; with ``--fail-on any`` they fail the run too);
* 1 -- a ``critical`` expectation failed, or any expectation raised an exception (a missing
  table or column, bad SQL, ...): an exception is an error, never a pass;
* 2 -- the run could not start: a suite file is malformed, no suite file was found, the
  warehouse file does not exist, or the installed GX is not the one the shim was written for.

Suite files
-----------
One JSON file per subject in the suites folder (``raw.json``, ``staging.json``,
``marts.json``, ...); every ``*.json`` file there is loaded (so ``_example.json.disabled`` is
not). A file holds a suite name and a list of expectations::

    {
      "name": "marts",
      "expectations": [
        {
          "type": "expect_column_values_to_not_be_null",
          "kwargs": {"column": "member_id"},
          "meta": {"table": "dim_members", "severity": "critical"}
        },
        {
          "type": "expect_column_values_to_be_between",
          "kwargs": {"column": "unbalanced_rows", "min_value": 0, "max_value": 0},
          "meta": {
            "name": "row_balance",
            "query": [
              "select entity,",
              "    raw_rows - staged_rows - rejected_rows - collapsed_rows as unbalanced_rows",
              "from ..."
            ],
            "severity": "critical"
          }
        }
      ]
    }

* ``type`` -- a GX expectation in snake_case (``expect_column_values_to_be_unique``, ...).
* ``kwargs`` -- its arguments, as in GX (``column``, ``value_set``, ``min_value``, ...).
* ``meta.severity`` -- ``critical`` or ``warn`` (required).
* ``meta.table`` -- the warehouse table or view, found in whichever schema holds it; write
  ``schema.table`` when several schemas have one of that name. Expectations are grouped by
  table: one whole-table batch per table.
* ``meta.query`` -- instead of ``table``: a SQL query whose result is validated as a batch
  (a GX QueryAsset), for checks across tables such as "raw rows = staged + rejected +
  collapsed". It may start with ``select`` or ``with`` and may be written as a list of lines
  (joined with newlines). ``meta.name`` names the batch in the output and the Data Docs
  (default ``<suite>_query_<n>``, one batch per expectation); expectations that give the same
  ``name`` share one batch: the first of them writes the query, and the later ones may leave
  it out (or must give the same query).
* Any other ``meta`` keys (``description``, ``check_name``, ...) are kept and shown in the
  Data Docs.

A malformed file (bad JSON, unknown expectation type, arguments GX rejects, missing
``severity`` or ``table``/``query``) stops the run before anything is validated (exit 2).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commops import gx_findings

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.data_context import AbstractDataContext
    from great_expectations.datasource.fluent import SQLDatasource

DEFAULT_SUITES_DIR = Path("expectations")
DEFAULT_DOCS_DIR = Path("reports/gx_docs")
DEFAULT_SUMMARY_PATH = Path("reports/gx_summary.json")
SEVERITIES = ("critical", "warn")
# Our severities mapped to GX's own field, so the Data Docs show them too.
_GX_SEVERITY = {"critical": "critical", "warn": "warning"}
_DATASOURCE = "warehouse"
_DOCS_SITE = "commops"
# What GX writes into a Data Docs site; cleared before a build so no stale page survives.
_DOCS_ENTRIES = ("index.html", "static", "expectations", "validations")
_RESULT_FORMAT: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 5}

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_SETUP = 2


class SuiteFileError(ValueError):
    """A suite file that cannot be run as written."""


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation as written in a suite file."""

    suite: str
    index: int
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]

    @property
    def severity(self) -> str:
        return str(self.meta["severity"])

    @property
    def table(self) -> str | None:
        value = self.meta.get("table")
        return None if value is None else str(value)

    @property
    def query(self) -> str | None:
        value = self.meta.get("query")
        if value is None:
            return None
        return "\n".join(value) if isinstance(value, list) else str(value)

    @property
    def column(self) -> str | None:
        for key in ("column", "column_A", "column_B"):
            if key in self.kwargs:
                return str(self.kwargs[key])
        if "column_list" in self.kwargs:
            return ",".join(str(c) for c in self.kwargs["column_list"])
        return None

    @property
    def query_name(self) -> str:
        return str(self.meta.get("name") or f"{self.suite}_query_{self.index}")


@dataclass(frozen=True)
class SuiteSpec:
    """One suite file."""

    name: str
    path: Path
    expectations: tuple[ExpectationSpec, ...]


@dataclass
class Outcome:
    """The result of one expectation."""

    spec: ExpectationSpec
    target: str
    status: str  # passed | failed | errored
    observed: dict[str, Any] = field(default_factory=dict)
    message: str | None = None

    @property
    def finding(self) -> str | None:
        """What the result means, in one sentence (commops.gx_findings); None when the
        expectation has neither a dq_checks check nor a description, or raised."""
        return gx_findings.finding(
            self.spec.meta, self.spec.kwargs, self.spec.column, self.status, self.observed
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "suite": self.spec.suite,
            "target": self.target,
            "type": self.spec.type,
            "column": self.spec.column,
            "severity": self.spec.severity,
            "status": self.status,
            "observed": self.observed,
            "message": self.message,
            "finding": self.finding,
            "kwargs": self.spec.kwargs,
            "meta": self.spec.meta,
        }


# --------------------------------------------------------------------------- suite files


def _build_gx_expectation(spec: ExpectationSpec) -> Any:
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    config = ExpectationConfiguration(
        type=spec.type,
        kwargs=dict(spec.kwargs),
        meta=dict(spec.meta),
        severity=_GX_SEVERITY[spec.severity],  # type: ignore[arg-type]
        # The Data Docs show this instead of GX's rendering ("values must be ≥0.0 and ≤0.0").
        description=gx_findings.rule(spec.meta, spec.kwargs),
    )
    return config.to_domain_obj()


def load_suite_file(path: Path) -> SuiteSpec:
    """Read and check one suite file; raise SuiteFileError naming every problem in it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SuiteFileError(f"{path}: cannot read it as JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SuiteFileError(f"{path}: expected an object with `name` and `expectations`")
    name = data.get("name")
    items = data.get("expectations")
    problems: list[str] = []
    if not isinstance(name, str) or not name.strip():
        problems.append("`name` must be a non-empty string")
        name = path.stem
    if not isinstance(items, list):
        raise SuiteFileError(f"{path}: `expectations` must be a list")
    specs: list[ExpectationSpec] = []
    named_queries: dict[str, Any] = {}  # meta.name -> the query its first expectation wrote
    for index, item in enumerate(items):
        where = f"expectation {index}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object")
            continue
        etype = item.get("type")
        kwargs = item.get("kwargs", {})
        meta = item.get("meta")
        if not isinstance(etype, str) or not etype:
            problems.append(f"{where}: `type` must be a GX expectation name")
            continue
        where = f"{where} ({etype})"
        if not isinstance(kwargs, dict):
            problems.append(f"{where}: `kwargs` must be an object")
            continue
        if not isinstance(meta, dict):
            problems.append(f"{where}: `meta` with `severity` and `table` or `query` is required")
            continue
        if meta.get("severity") not in SEVERITIES:
            problems.append(f"{where}: meta.severity must be one of {', '.join(SEVERITIES)}")
            continue
        has_table = isinstance(meta.get("table"), str) and bool(meta["table"].strip())
        shared = meta.get("name") if isinstance(meta.get("name"), str) else None
        if "query" not in meta and not has_table and shared in named_queries:
            meta = {**meta, "query": named_queries[shared]}
        elif "query" in meta and shared is not None:
            named_queries.setdefault(shared, meta["query"])
        query = meta.get("query")
        if isinstance(query, list) and all(isinstance(line, str) for line in query):
            query = "\n".join(query)
        has_query = isinstance(query, str) and bool(query.strip())
        if has_table == has_query:
            problems.append(f"{where}: meta needs exactly one of `table` and `query`")
            continue
        spec = ExpectationSpec(suite=name, index=index, type=etype, kwargs=kwargs, meta=meta)
        try:
            _build_gx_expectation(spec)
        except Exception as exc:  # GX raises many kinds for a bad type or bad kwargs
            problems.append(f"{where}: GX rejects it: {type(exc).__name__}: {exc}")
            continue
        specs.append(spec)
    if problems:
        raise SuiteFileError(f"{path}:\n  " + "\n  ".join(problems))
    return SuiteSpec(name=name, path=path, expectations=tuple(specs))


def load_suites(directory: Path) -> list[SuiteSpec]:
    """Load every *.json suite file in directory, in name order."""
    if not directory.is_dir():
        raise SuiteFileError(f"suites folder {directory} does not exist")
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise SuiteFileError(f"no suite file (*.json) in {directory}")
    suites: list[SuiteSpec] = []
    errors: list[str] = []
    for path in paths:
        try:
            suites.append(load_suite_file(path))
        except SuiteFileError as exc:
            errors.append(str(exc))
    names = [s.name for s in suites]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"suite name {dup!r} is used by more than one file")
    query_names: dict[str, str] = {}
    for suite in suites:
        for spec in suite.expectations:
            if spec.query is None:
                continue
            text = spec.query.strip()
            if query_names.setdefault(spec.query_name, text) != text:
                errors.append(f"query name {spec.query_name!r} is given to different queries")
    if errors:
        raise SuiteFileError("\n".join(errors))
    return suites


# --------------------------------------------------------------------------- warehouse


@dataclass(frozen=True)
class Target:
    """What a group of expectations is validated against: a table or a query."""

    kind: str  # table | query
    label: str  # schema.table, or the query's name
    schema: str | None = None
    table: str | None = None
    sql: str | None = None


def list_tables(datasource: SQLDatasource) -> list[tuple[str, str]]:
    """(schema, name) of every table and view in the warehouse's own catalog."""
    import sqlalchemy as sa

    sql = sa.text(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() "
        "and table_schema not in ('information_schema', 'pg_catalog') "
        "order by 1, 2"
    )
    with datasource.get_engine().connect() as connection:
        return [(str(s), str(t)) for s, t in connection.execute(sql).fetchall()]


def resolve_table(name: str, tables: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """Find `table` or `schema.table` (case-insensitive) among the warehouse's tables."""
    wanted = name.strip()
    if "." in wanted:
        schema, table = wanted.rsplit(".", 1)
        hits = [
            (s, t) for s, t in tables if s.lower() == schema.lower() and t.lower() == table.lower()
        ]
    else:
        hits = [(s, t) for s, t in tables if t.lower() == wanted.lower()]
    if not hits:
        raise LookupError(f"table {wanted!r} not found in any schema of the warehouse")
    if len(hits) > 1:
        where = ", ".join(f"{s}.{t}" for s, t in hits)
        raise LookupError(f"table {wanted!r} is ambiguous ({where}): write it as schema.table")
    return hits[0]


def _wrap_query(sql: str) -> str:
    # GX's QueryAsset only accepts text starting with SELECT; a subquery also admits CTEs.
    body = sql.strip().rstrip(";").strip()
    return f"select * from (\n{body}\n) as gx_query"


# --------------------------------------------------------------------------- results


def _exception_message(exception_info: Any) -> str | None:
    """The message(s) of an ExpectationValidationResult that raised, else None."""
    if not isinstance(exception_info, dict) or not exception_info:
        return None
    entries = [exception_info] if "raised_exception" in exception_info else []
    if not entries:
        entries = [v for v in exception_info.values() if isinstance(v, dict)]
    messages = [
        str(e.get("exception_message") or "exception without a message")
        for e in entries
        if e.get("raised_exception")
    ]
    return "\n".join(dict.fromkeys(messages)) if messages else None


def _observed(result: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "observed_value",
        "element_count",
        "unexpected_count",
        "unexpected_percent",
        "missing_count",
        "partial_unexpected_list",
    )
    return {k: result[k] for k in keys if k in result and result[k] is not None}


def _outcome_from_result(spec: ExpectationSpec, target: str, evr: Any) -> Outcome:
    from great_expectations.util import convert_to_json_serializable

    result = convert_to_json_serializable(evr.result or {})
    observed = _observed(result)
    message = _exception_message(evr.exception_info)
    if message is not None:
        return Outcome(spec, target, "errored", observed, message)
    return Outcome(spec, target, "passed" if evr.success else "failed", observed)


def describe_observed(outcome: Outcome) -> str:
    obs = outcome.observed
    if "unexpected_count" in obs:
        text = f"{obs['unexpected_count']} unexpected"
        if "element_count" in obs:
            text += f" of {obs['element_count']}"
        if "unexpected_percent" in obs:
            text += f" ({obs['unexpected_percent']:.4g}%)"
        if obs.get("partial_unexpected_list"):
            text += f", e.g. {obs['partial_unexpected_list']}"
        return text
    if "observed_value" in obs:
        return f"observed {obs['observed_value']!r}"
    return "no observed value"


# --------------------------------------------------------------------------- the run


@dataclass
class RunReport:
    warehouse: Path
    suites: list[SuiteSpec]
    outcomes: list[Outcome]
    fail_on: str
    docs_index: Path | None
    docs_error: str | None
    started_at: datetime
    seconds: float
    timings: dict[str, float]
    warnings: list[str]
    run_name: str = ""

    def counts(self, suite: str | None = None) -> dict[str, int]:
        rows = [o for o in self.outcomes if suite is None or o.spec.suite == suite]
        return {
            "expectations": len(rows),
            "passed": sum(o.status == "passed" for o in rows),
            "failed": sum(o.status == "failed" for o in rows),
            "errored": sum(o.status == "errored" for o in rows),
        }

    def blocking(self) -> list[Outcome]:
        """Outcomes that make the run fail."""
        return [
            o
            for o in self.outcomes
            if o.status == "errored"
            or (o.status == "failed" and (self.fail_on == "any" or o.spec.severity == "critical"))
        ]

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.blocking() or self.docs_error else EXIT_OK

    def to_json(self) -> dict[str, Any]:
        import great_expectations

        return {
            "warehouse": str(self.warehouse),
            "run_name": self.run_name,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "seconds": round(self.seconds, 3),
            "gx_version": great_expectations.__version__,
            "fail_on": self.fail_on,
            "exit_code": self.exit_code,
            "success": self.exit_code == EXIT_OK,
            "totals": self.counts(),
            "docs_index": None if self.docs_index is None else str(self.docs_index),
            "docs_error": self.docs_error,
            "warnings": self.warnings,
            "timings_seconds": {k: round(v, 3) for k, v in self.timings.items()},
            "suites": [
                {
                    "name": s.name,
                    "file": str(s.path),
                    **self.counts(s.name),
                    "results": [o.to_json() for o in self.outcomes if o.spec.suite == s.name],
                }
                for s in self.suites
            ],
        }


def _first_lines(text: str, limit: int = 600) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " ..."


def format_summary(report: RunReport, brief: bool = False) -> str:
    """The run in lines: totals, each suite, and each failure that is not a passing warn.

    brief (the end of `make build`): list only the failures that fail the run; failed
    warn-severity expectations are counted, and the summary file and Data Docs list them."""
    totals = report.counts()
    blocking_ids = {id(o) for o in report.blocking()}
    lines = [
        f"GX run on {report.warehouse} ({report.run_name}): {len(report.suites)} suite(s), "
        f"{totals['expectations']} expectations, {totals['passed']} passed, "
        f"{totals['failed']} failed, {totals['errored']} errored ({report.seconds:.1f} s)"
    ]
    lines += [f"warning: {w}" for w in report.warnings]
    for suite in report.suites:
        c = report.counts(suite.name)
        lines.append(
            f"suite {suite.name} ({suite.path.name}): {c['expectations']} expectations, "
            f"{c['passed']} passed, {c['failed']} failed, {c['errored']} errored"
        )
        for o in report.outcomes:
            if o.spec.suite != suite.name or o.status == "passed":
                continue
            if brief and id(o) not in blocking_ids:
                continue
            column = f" column {o.spec.column}" if o.spec.column else ""
            head = f"  {o.status.upper():8} [{o.spec.severity}] {o.target}: {o.spec.type}{column}"
            if o.status == "errored":
                detail = _first_lines(o.message or "").replace("\n", "\n      ")
                lines.append(f"{head}\n      exception: {detail}")
            else:
                lines.append(f"{head}: {o.finding or describe_observed(o)}")
    if report.docs_index is not None:
        lines.append(f"Data Docs: {report.docs_index}")
    if report.docs_error:
        lines.append(f"Data Docs could not be built: {report.docs_error}")
    blocking = report.blocking()
    if report.exit_code == EXIT_OK:
        warned = totals["failed"]
        where = " in the summary and the Data Docs" if brief else ""
        lines.append(
            "Result: PASS"
            + (f" ({warned} warn-severity failure(s) reported{where})" if warned else "")
        )
    else:
        errored = sum(o.status == "errored" for o in blocking)
        failed = len(blocking) - errored
        why = [f"{failed} blocking failure(s)"] if failed else []
        why += [f"{errored} expectation(s) raised an exception"] if errored else []
        why += ["Data Docs failed"] if report.docs_error else []
        lines.append(f"Result: FAIL ({', '.join(why)}; --fail-on {report.fail_on})")
    return "\n".join(lines)


def _make_context(docs_dir: Path) -> AbstractDataContext:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site in list(context.get_config().data_docs_sites or {}):
        context.delete_data_docs_site(site)
    context.add_data_docs_site(
        site_name=_DOCS_SITE,
        site_config={
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir.resolve()),
            },
        },
    )
    return context


def _clear_docs(docs_dir: Path) -> None:
    for entry in _DOCS_ENTRIES:
        path = docs_dir / entry
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def group_by_target(
    suites: Sequence[SuiteSpec], tables: Sequence[tuple[str, str]]
) -> tuple[dict[tuple[str, Target], list[ExpectationSpec]], list[Outcome]]:
    """Expectations by (suite, resolved table or query), in file order; and the unresolvable."""
    groups: dict[tuple[str, Target], list[ExpectationSpec]] = {}
    unresolved: list[Outcome] = []
    for suite in suites:
        for spec in suite.expectations:
            if spec.query is not None:
                target = Target("query", spec.query_name, sql=spec.query)
            else:
                try:
                    schema, table = resolve_table(str(spec.table), tables)
                except LookupError as exc:
                    unresolved.append(Outcome(spec, str(spec.table), "errored", message=str(exc)))
                    continue
                target = Target("table", f"{schema}.{table}", schema=schema, table=table)
            groups.setdefault((suite.name, target), []).append(spec)
    return groups, unresolved


def _quiet_type_comparison_warning() -> None:
    # GX warns once per column-type expectation that DuckDB has no SQLAlchemy dialect of its
    # own and generic types are used (which the suites are written for): noise, not news.
    logging.getLogger("great_expectations.expectations.type_comparison").setLevel(logging.ERROR)


def duckdb_settings() -> dict[str, str]:
    """The DuckDB limits of the dbt profile (profiles.yml, same environment variables and
    defaults), so that checking a large warehouse stays within the memory the build used;
    DuckDB's own default is 80 % of the machine's memory."""
    temp = Path(os.environ.get("COMMOPS_TEMP_DIR", "warehouse/tmp"))
    return {
        "memory_limit": os.environ.get("COMMOPS_MEMORY_LIMIT", "4GB"),
        "threads": os.environ.get("COMMOPS_THREADS", "2"),
        "temp_directory": str(temp if temp.is_absolute() else Path(__file__).parent.parent / temp),
    }


def run_name(as_of: date | None, built_at: datetime) -> str:
    """What the Data Docs call a run: 'as_of_date 2026-03-31, built 2026-12-02 10h09 UTC'.

    No ':' or '/': GX makes a folder of it."""
    built = built_at.astimezone(UTC).strftime("%Y-%m-%d %Hh%M UTC")
    return f"as_of_date {as_of.isoformat() if as_of else 'unknown'}, built {built}"


def _first_found(
    datasource: SQLDatasource, tables: Sequence[tuple[str, str]], sources: Sequence[str]
) -> Any:
    """max(column) of the first `schema.table.column` of `sources` whose table the warehouse
    has; None when it has none of them, or that table cannot say (an older layout): the run's
    name is no reason to stop the checks."""
    import sqlalchemy as sa

    for source in sources:
        schema, table, column = source.split(".")
        if (schema, table) in tables:
            sql = sa.text(f"select max({column}) from {schema}.{table}")
            try:
                with datasource.get_engine().connect() as connection:
                    return connection.execute(sql).scalar()
            except sa.exc.SQLAlchemyError:
                return None
    return None


def _run_facts(
    datasource: SQLDatasource, tables: Sequence[tuple[str, str]], warehouse: Path
) -> tuple[date | None, datetime]:
    """The warehouse's as_of_date and when it was built: from marts.build_info of a published
    file, or int_as_of_date and the run history `python -m commops.build` keeps in a working
    file; a file built by dbt alone has no history, so then when the file was last written."""
    as_of = _first_found(
        datasource,
        tables,
        ("marts.build_info.as_of_date", "intermediate.int_as_of_date.as_of_date"),
    )
    built = _first_found(
        datasource, tables, ("marts.build_info.built_at", "ops.run_history.run_at")
    )
    if not isinstance(built, datetime):
        built = datetime.fromtimestamp(warehouse.stat().st_mtime, UTC)
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    return (as_of if isinstance(as_of, date) else None), built


def _explain(evr: Any, outcome: Outcome) -> None:
    """Make the Data Docs say what the result means: the finding in place of GX's rendering of
    the expectation and, when the sentence already names the one value a one-row batch was
    checked on, that value as the observed value instead of GX's '1 unexpected values found …
    Unexpected Value 8'."""
    said = outcome.finding
    if said is None:
        return
    evr.expectation_config.description = said
    value = gx_findings.single_value(outcome.status, outcome.observed, outcome.spec.kwargs)
    if value is not None:
        evr.result = {"observed_value": value}


def _store_again(context: AbstractDataContext, suite_name: str, run_id: Any, result: Any) -> None:
    """Put a validation result, changed after its run, back in the store the Data Docs read."""
    store = context.validation_results_store
    for key in store.list_keys():
        if key.expectation_suite_identifier.name == suite_name and key.run_id == run_id:
            store.set(key, result)


def validate(
    warehouse: Path,
    suites: Sequence[SuiteSpec],
    docs_dir: Path,
    fail_on: str = "critical",
    progress: Callable[[str], None] | None = None,
    built_at: datetime | None = None,
) -> RunReport:
    """Validate the suites against the warehouse and build the Data Docs; progress, when
    given, is told as each suite starts and when the Data Docs are being written.

    The Data Docs name the run after the warehouse's as_of_date and when it was built
    (`built_at`, default: what the file says, see _run_facts), and work offline
    (commops.gx_docs).
    """
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    from commops import gx_docs, gx_shim

    gx_shim.install()
    started_at = datetime.now(UTC)
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    notes: list[str] = []
    sa_warning = gx_shim.sqlalchemy_reflection_warning()

    context = _make_context(docs_dir)
    datasource = context.data_sources.add_sql(
        name=_DATASOURCE,
        connection_string=f"duckdb:///{warehouse.resolve()}",
        kwargs={"connect_args": {"read_only": True, "config": duckdb_settings()}},
    )
    tables = list_tables(datasource)
    as_of, built = _run_facts(datasource, tables, warehouse)
    built = _utc_time((built_at or built).isoformat())
    run_id = RunIdentifier(run_name=run_name(as_of, built), run_time=built)
    batches: dict[str, BatchDefinition | Exception] = {}

    def batch_for(target: Target) -> BatchDefinition:
        key = f"{target.kind}:{target.label}"
        if key not in batches:
            try:
                if target.kind == "table":
                    # GX 1.14+ deprecates schema_name in favour of a schema in the connection
                    # settings, but DuckDB's search_path cannot be set at connect time (it is
                    # not a global option), and one warehouse spans many schemas anyway.
                    with warnings.catch_warnings():
                        warnings.filterwarnings("ignore", "`schema_name` is deprecated")
                        asset = datasource.add_table_asset(
                            name=target.label, table_name=target.table, schema_name=target.schema
                        )
                else:
                    assert target.sql is not None
                    asset = datasource.add_query_asset(
                        name=target.label, query=_wrap_query(target.sql)
                    )
                batches[key] = asset.add_batch_definition_whole_table("whole")
            except Exception as exc:
                batches[key] = exc
        found = batches[key]
        if isinstance(found, Exception):
            raise found
        return found

    groups, outcomes = group_by_target(suites, tables)
    sizes = {suite.name: len(suite.expectations) for suite in suites}
    current = None
    for (suite_name, target), specs in groups.items():
        if progress is not None and suite_name != current:
            current = suite_name
            position = list(sizes).index(suite_name) + 1
            progress(
                f"GX: suite {suite_name} ({position} of {len(sizes)}, "
                f"{sizes[suite_name]} expectations) ..."
            )
        if sa_warning and target.schema not in (None, "main") and sa_warning not in notes:
            notes.append(sa_warning)
        label = target.label if target.kind == "table" else f"query {target.label}"
        step = time.perf_counter()
        try:
            batch_definition = batch_for(target)
            suite = context.suites.add(gx.ExpectationSuite(name=f"{suite_name}.{target.label}"))
            ids: list[str | None] = []
            for spec in specs:
                added = suite.add_expectation(_build_gx_expectation(spec))
                ids.append(added.id)
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(
                    name=f"{suite_name}.{target.label}", data=batch_definition, suite=suite
                )
            )
            result = definition.run(result_format=_RESULT_FORMAT, run_id=run_id)
            by_id = {evr.expectation_config.id: evr for evr in result.results}
            for spec, expectation_id in zip(specs, ids, strict=True):
                evr = by_id.get(expectation_id)
                if evr is None:
                    outcomes.append(
                        Outcome(spec, label, "errored", message="GX returned no result")
                    )
                else:
                    outcomes.append(_outcome_from_result(spec, label, evr))
                    _explain(evr, outcomes[-1])
            _store_again(context, suite.name, run_id, result)
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            outcomes += [Outcome(s, label, "errored", message=message) for s in specs]
        timings[f"{suite_name}: {label}"] = time.perf_counter() - step

    docs_index: Path | None = None
    docs_error: str | None = None
    step = time.perf_counter()
    if progress is not None:
        progress(f"GX: writing the Data Docs to {docs_dir} ...")
    try:
        docs_dir.mkdir(parents=True, exist_ok=True)
        _clear_docs(docs_dir)
        context.build_data_docs(site_names=[_DOCS_SITE])
        docs_index = docs_dir / "index.html"
        if not docs_index.is_file():
            raise FileNotFoundError(f"GX wrote no {docs_index}")
        notes += gx_docs.make_offline(docs_dir)
    except Exception as exc:
        docs_index = None
        docs_error = f"{type(exc).__name__}: {exc}"
    timings["data docs"] = time.perf_counter() - step

    # Close DuckDB connections now rather than at interpreter exit.
    datasource.get_engine().dispose()
    datasource.get_execution_engine().engine.dispose()

    order = {
        id(s): i for i, s in enumerate(spec for suite in suites for spec in suite.expectations)
    }
    outcomes.sort(key=lambda o: order[id(o.spec)])
    return RunReport(
        warehouse=warehouse,
        suites=list(suites),
        outcomes=outcomes,
        fail_on=fail_on,
        docs_index=docs_index,
        docs_error=docs_error,
        started_at=started_at,
        seconds=time.perf_counter() - clock,
        timings=timings,
        warnings=notes,
        run_name=run_id.run_name,
    )


def _check_main_module() -> None:
    # pyspark (the `spark` extra) ends the process with exit status 0 when GX imports it
    # from a `python -c` or stdin script: a silent "pass". Refuse to run that way.
    main_module = sys.modules.get("__main__")
    if (
        main_module is not None
        and getattr(main_module, "__spec__", None) is None
        and not hasattr(main_module, "__file__")
        and not hasattr(sys, "ps1")
    ):
        raise RuntimeError(
            "run the GX runner as `python -m commops.gx_run` or from a script file: under "
            "`python -c` pyspark exits the process with status 0 when GX is imported"
        )


def _utc_time(text: str) -> datetime:
    """An ISO time as an aware UTC datetime (a time without a zone is UTC)."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m commops.gx_run",
        description="Validate the DuckDB warehouse with the Great Expectations suites.",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        help="DuckDB file, opened read-only (default: the working file, COMMOPS_DUCKDB_PATH)",
    )
    parser.add_argument(
        "--suites", type=Path, default=DEFAULT_SUITES_DIR, help="folder of *.json suite files"
    )
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS_DIR, help="Data Docs site folder")
    parser.add_argument(
        "--summary", type=Path, default=DEFAULT_SUMMARY_PATH, help="JSON summary file"
    )
    parser.add_argument(
        "--fail-on",
        choices=("critical", "any"),
        default="critical",
        help="which failures fail the run (errors always do)",
    )
    parser.add_argument(
        "--built-at",
        type=_utc_time,
        help="when the warehouse was built (ISO time, UTC unless it says otherwise), to name the "
        "run in the Data Docs; default: what the file records, else when it was last written",
    )
    parser.add_argument(
        "--brief",
        action="store_true",
        help="list only the failures that fail the run; count the warn-severity ones",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suites; return the exit status (0 pass, 1 fail, 2 could not run)."""
    return run_for_build(argv)[0]


def _progress(message: str) -> None:
    print(message, flush=True)


def failed_by_severity(report: RunReport) -> dict[str, int]:
    """Failed expectations by severity (critical, warn)."""
    failed = [o for o in report.outcomes if o.status == "failed"]
    return {
        "critical": sum(o.spec.severity == "critical" for o in failed),
        "warn": sum(o.spec.severity != "critical" for o in failed),
    }


def run_for_build(argv: Sequence[str] | None = None) -> tuple[int, dict[str, int] | None]:
    """main's work: the exit status and the failed expectations by severity (None when the run
    could not finish), for the build's health line."""
    args = parse_args(argv)
    if args.warehouse is None:
        from commops.build import working_path

        args.warehouse = working_path()
    try:
        _check_main_module()
        if not args.warehouse.is_file():
            raise FileNotFoundError(f"warehouse {args.warehouse} does not exist")
        suites = load_suites(args.suites)
        from commops import gx_shim

        gx_shim.check_gx_internals()
    except Exception as exc:
        print(f"gx_run: cannot run: {exc}", file=sys.stderr)
        return EXIT_SETUP, None

    _quiet_type_comparison_warning()
    try:
        report = validate(
            args.warehouse, suites, args.docs, args.fail_on, _progress, built_at=args.built_at
        )
    except Exception as exc:
        last = str(exc).strip().splitlines()[-1:] or [""]
        print(
            f"gx_run: the run broke before it finished: {type(exc).__name__}: {last[0]}",
            file=sys.stderr,
        )
        return EXIT_FAILED, None
    summary = report.to_json()
    args.summary.parent.mkdir(parents=True, exist_ok=True)
    args.summary.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(format_summary(report, brief=args.brief))
    print(f"Summary: {args.summary}")
    return report.exit_code, failed_by_severity(report)


if __name__ == "__main__":
    status = main()
    # Connections are closed, but objects GX keeps alive until interpreter shutdown make
    # duckdb's binding print a 'nanobind: leaked …' report at exit: skip that teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
