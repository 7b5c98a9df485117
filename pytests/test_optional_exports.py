"""An export folder without the optional exports (CONTRACT §1: orders, tickets, ad_stats) builds
every model and passes every test; the marts that need them show zeros and nulls, and their
dq_checks rows count 0.

The folder is the generator's clean export with the three optional files removed, built as users
build it (RAW_DIR, `dbt build`: models, data tests and unit tests).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from commops import contract, detection
from pytests.dbtrun import run_dbt

OPTIONAL = ("orders", "tickets", "ad_stats")


@pytest.fixture(scope="module")
def without_optional(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("no_optional")
    raw = work / "raw"
    detection.generate(raw, work / "truth.csv", members=300, seed=5, plant_rate=0.0)
    for entity in OPTIONAL:
        (raw / f"{entity}.csv").unlink()
    assert sorted(p.stem for p in raw.glob("*.csv")) == sorted(
        e for e, x in contract.raw_exports().items() if not x.optional
    )
    result = run_dbt(["build", "--exclude", "raw_*"], warehouse=work / "w.duckdb", raw_dir=raw)
    assert result.returncode == 0, result.output[-6000:]
    return result.warehouse


def scalar(warehouse: Path, sql: str) -> object:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def test_optional_exports_have_no_rows_and_balance(without_optional: Path) -> None:
    with duckdb.connect(str(without_optional), read_only=True) as con:
        rows = con.execute(
            "select entity, raw_rows, staged_rows, rejected_rows, collapsed_rows"
            " from marts.staging_row_counts where entity in ('orders', 'tickets', 'ad_stats')"
        ).fetchall()
        checks = con.execute(
            "select count(*), sum(checked_rows), sum(failing_rows) from marts.dq_checks"
            " where entity in ('orders', 'tickets', 'ad_stats')"
        ).fetchone()
        total = con.execute("select count(*) from marts.dq_checks").fetchone()[0]
    assert sorted(rows) == [(entity, 0, 0, 0, 0) for entity in sorted(OPTIONAL)]
    assert checks == (36, 0, 0)
    assert total == 107


def test_order_and_ticket_facts_are_empty(without_optional: Path) -> None:
    for table in ("fct_orders", "fct_tickets", "mart_ad_monthly"):
        assert scalar(without_optional, f"select count(*) from marts.{table}") == 0, table
    assert (
        scalar(
            without_optional,
            "select count(*) from marts.fct_revenue where kind not in "
            "('origination_fee', 'interest', 'fee')",
        )
        == 0
    )


def test_month_range_marts_show_zeros_for_every_month(without_optional: Path) -> None:
    months = scalar(without_optional, "select count(*) from marts.mart_lifecycle_monthly")
    assert months and months > 1
    with duckdb.connect(str(without_optional), read_only=True) as con:
        kpi = con.execute(
            "select count(*), sum(paid_orders), sum(order_revenue_cny), count(avg_order_value_cny),"
            " sum(month_members) from marts.mart_kpi_monthly"
        ).fetchone()
        modules = con.execute(
            "select count(*), count(distinct module), sum(paid_orders), sum(refunded_orders),"
            " sum(order_revenue_cny) from marts.mart_module_monthly"
        ).fetchone()
        service = con.execute(
            "select count(*), sum(tickets), sum(served_members),"
            " count(service_cost_per_ticket_cny), count(median_first_response_minutes),"
            " count(avg_csat) from marts.mart_service_monthly"
        ).fetchone()
    # Every month has its row; no order, so no order revenue and no average order value, while
    # the month members (from the required exports) are there.
    assert kpi[0] == months and kpi[1:4] == (0, 0, 0) and kpi[4] > 0
    assert modules == (months * 4, 4, 0, 0, 0)
    assert service == (months, 0, 0, 0, 0, 0)
