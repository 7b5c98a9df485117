"""The shipped Great Expectations suites (expectations/*.json) against the demo warehouse.

The demo build (conftest's `demo_build`) passes every critical expectation through the real
command line. On a copy of it, one bad row of each kind is planted (all in one copy, each on a
different table, so one GX run checks them all): every plant makes its own expectation fail
where the clean demo passed it, that failure alone would fail the run (critical ones with the
default `--fail-on critical`, warn ones with `--fail-on any`), and the printed summary names the
expectation's type and table or query. A copy with one mart dropped fails the run with the
exception's message.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from commops import gx_overlap, gx_run
from pytests.dbtrun import PROJECT_DIR, DbtResult

SUITES_DIR = PROJECT_DIR / "expectations"
SUITE_FILES = ("authenticity.json", "marts.json", "raw.json", "staging.json")


@dataclass(frozen=True)
class Plant:
    """One bad row, and the expectation that must catch it."""

    name: str
    sql: str
    suite: str
    target: str
    type: str
    column: str
    severity: str


PLANTS = [
    Plant(
        "duplicated_member_id",
        "insert into marts.dim_members select * from marts.dim_members order by member_id limit 1",
        "marts",
        "marts.dim_members",
        "expect_column_values_to_be_unique",
        "member_id",
        "critical",
    ),
    Plant(
        "spend_line_outside_cost_mart",
        "insert into marts.fct_spend"
        " select spend_id || '-planted', spend_date, month, cost_center, category, channel,"
        " campaign_id, module, content_id, vendor, currency, 12345.67, 12345.67, is_suspect,"
        " suspect_reasons"
        " from marts.fct_spend order by spend_id limit 1",
        "marts",
        "query marts_cost_reconciles_spend",
        "expect_column_values_to_be_between",
        "difference_cny",
        "critical",
    ),
    Plant(
        "revenue_item_outside_channel_roi",
        "insert into marts.fct_revenue"
        " select revenue.revenue_id || '-planted', revenue.loan_id, revenue.member_id,"
        " revenue.revenue_date, revenue.month, revenue.kind, 999.0"
        " from marts.fct_revenue as revenue"
        " inner join intermediate.int_members_counted as members using (member_id)"
        " where revenue.revenue_date <= members.as_of_date"
        " order by revenue.revenue_id limit 1",
        "marts",
        "query marts_channel_roi_reconciles_revenue",
        "expect_column_values_to_be_between",
        "difference_cny",
        "critical",
    ),
    Plant(
        "staged_row_lost",
        "delete from staging.stg_raw__repayments"
        " where repayment_id = (select min(repayment_id) from staging.stg_raw__repayments)",
        "marts",
        "query marts_row_balance_by_entity",
        "expect_column_values_to_be_between",
        "unbalanced_rows",
        "critical",
    ),
    Plant(
        "unbalanced_staging_row_counts",
        "update marts.staging_row_counts set staged_rows = staged_rows + 1 where entity = 'loans'",
        "marts",
        "query marts_staging_row_counts_balance",
        "expect_column_values_to_be_between",
        "unbalanced_rows",
        "critical",
    ),
    Plant(
        "unbalanced_dq_checks",
        "update marts.dq_checks set failing_rows = 1, status = 'fail'"
        " where check_name = 'row_balance' and entity = 'spend'",
        "authenticity",
        "query authenticity_row_balance",
        "expect_column_values_to_be_between",
        "failing_rows",
        "critical",
    ),
    Plant(
        "funded_without_approval_in_funnel",
        "update marts.fct_member_funnel set approved_at = null where member_id ="
        " (select min(member_id) from marts.fct_member_funnel where funded_at is not null)",
        "marts",
        "query marts_funnel_steps_in_order",
        "expect_column_values_to_be_null",
        "member_with_broken_steps",
        "warn",
    ),
    Plant(
        "retention_rate_above_one",
        "update marts.mart_cohort_retention set retention_rate = 1.5"
        " where rowid = (select min(rowid) from marts.mart_cohort_retention)",
        "marts",
        "marts.mart_cohort_retention",
        "expect_column_values_to_be_between",
        "retention_rate",
        "warn",
    ),
]


def copy_warehouse(source: Path, folder: Path) -> Path:
    """A copy under the same file name: the views name their catalog after the file."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    shutil.copy2(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, target.with_name(target.name + ".wal"))
    return target


def find(outcomes: list[dict[str, Any]] | list[gx_run.Outcome], plant: Plant) -> Any:
    def key(o: Any) -> tuple[str, str, str, str | None]:
        if isinstance(o, dict):
            return (o["suite"], o["target"], o["type"], o["column"])
        return (o.spec.suite, o.target, o.spec.type, o.spec.column)

    hits = [o for o in outcomes if key(o) == (plant.suite, plant.target, plant.type, plant.column)]
    assert len(hits) == 1, f"{plant.name}: {len(hits)} expectations match {plant}"
    return hits[0]


@pytest.fixture(scope="module")
def baseline(demo_build: DbtResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`python -m commops.gx_run` on the demo warehouse: its exit status, output and summary."""
    out = tmp_path_factory.mktemp("gx_baseline")
    summary = out / "summary.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "commops.gx_run",
            "--warehouse",
            str(demo_build.warehouse),
            "--suites",
            str(SUITES_DIR),
            "--docs",
            str(out / "docs"),
            "--summary",
            str(summary),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    data = json.loads(summary.read_text(encoding="utf-8")) if summary.exists() else {}
    results = [r for suite in data.get("suites", []) for r in suite["results"]]
    return {"returncode": done.returncode, "output": done.stdout + done.stderr, "results": results}


@pytest.fixture(scope="module")
def planted(demo_build: DbtResult, tmp_path_factory: pytest.TempPathFactory) -> gx_run.RunReport:
    """The GX run on a copy of the demo warehouse with every plant of PLANTS in it."""
    work = tmp_path_factory.mktemp("gx_planted")
    warehouse = copy_warehouse(demo_build.warehouse, work)
    with duckdb.connect(str(warehouse)) as con:
        for plant in PLANTS:
            changed = con.execute(plant.sql).fetchone()
            assert changed is not None and changed[0] == 1, f"{plant.name} changed {changed} rows"
    suites = gx_run.load_suites(SUITES_DIR)
    return gx_run.validate(warehouse, suites, work / "docs")


def test_every_suite_file_loads() -> None:
    suites = gx_run.load_suites(SUITES_DIR)
    assert sorted(s.path.name for s in suites) == sorted(SUITE_FILES)
    for suite in suites:
        assert suite.expectations, suite.name
        # staging's critical checks were its keys, which dbt's grain tests check on every build
        if suite.name != "staging":
            assert any(spec.severity == "critical" for spec in suite.expectations), suite.name


def test_demo_passes_every_critical_expectation(baseline: dict[str, Any]) -> None:
    assert baseline["returncode"] == 0, baseline["output"][-6000:]
    results = baseline["results"]
    assert len(results) == sum(len(s.expectations) for s in gx_run.load_suites(SUITES_DIR))
    assert [r for r in results if r["status"] == "errored"] == []
    assert [r for r in results if r["severity"] == "critical" and r["status"] != "passed"] == []


@pytest.mark.parametrize("plant", PLANTS, ids=[p.name for p in PLANTS])
def test_planted_row_fails_its_expectation(
    plant: Plant, baseline: dict[str, Any], planted: gx_run.RunReport
) -> None:
    assert find(baseline["results"], plant)["status"] == "passed", "the clean demo must pass it"
    outcome = find(planted.outcomes, plant)
    assert outcome.status == "failed", f"{plant.name}: {outcome.status} {outcome.message}"
    assert outcome.spec.severity == plant.severity
    fail_on = "critical" if plant.severity == "critical" else "any"
    report = dataclasses.replace(planted, fail_on=fail_on)
    assert outcome in report.blocking(), "this failure alone fails the run"
    assert report.exit_code == gx_run.EXIT_FAILED
    summary = gx_run.format_summary(report)
    named = [line for line in summary.splitlines() if line.lstrip().startswith("FAILED")]
    assert any(plant.target in line and plant.type in line for line in named), summary


def test_planted_run_exits_non_zero(planted: gx_run.RunReport) -> None:
    assert planted.exit_code == gx_run.EXIT_FAILED
    assert [o for o in planted.outcomes if o.status == "errored"] == []


def test_missing_mart_fails_the_run_with_its_message(demo_build: DbtResult, tmp_path: Path) -> None:
    warehouse = copy_warehouse(demo_build.warehouse, tmp_path / "dropped")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table marts.mart_cost_monthly")
    report = gx_run.validate(warehouse, gx_run.load_suites(SUITES_DIR), tmp_path / "docs")
    assert report.exit_code == gx_run.EXIT_FAILED
    errored = [o for o in report.outcomes if o.status == "errored"]
    on_table = [o for o in errored if o.spec.table == "mart_cost_monthly"]
    assert on_table and all(
        o.message == "table 'mart_cost_monthly' not found in any schema of the warehouse"
        for o in on_table
    )
    in_query = [o for o in errored if o.spec.query is not None]
    assert in_query and all("mart_cost_monthly" in (o.message or "") for o in in_query)
    assert {o.target for o in in_query} >= {
        "query marts_cost_reconciles_spend",
        "query marts_cost_channels",
    }
    # Nothing else broke: every other expectation ran.
    assert all("mart_cost_monthly" in (o.spec.table or o.spec.query or "") for o in errored)
    summary = gx_run.format_summary(report)
    assert "not found in any schema of the warehouse" in summary


def test_no_expectation_repeats_a_dbt_test() -> None:
    """dbt checks keys, nulls, codes and contracts on every build; the suites keep what dbt
    cannot say. A repeat is allowed only where a test above needs it (gx_overlap.ALLOWED)."""
    suites = gx_run.load_suites(SUITES_DIR)
    found = gx_overlap.repeats(suites, gx_overlap.dbt_checks(gx_overlap.parsed_manifest()))
    assert [r.line() for r in found if r.key not in gx_overlap.ALLOWED] == []
    assert {r.key for r in found} == set(gx_overlap.ALLOWED), "an allowed repeat is gone"
