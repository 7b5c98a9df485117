"""The grain test (tests/generic/test_unique_combination.sql) fails on a repeated key and on a
null key, and passes when there are none: planted in a copy of the demo warehouse's member-day
table, and counted in dbt's report."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pytests.dbtrun import DbtResult, run_dbt

SELECTION = "int_member_activity_daily,test_name:unique_combination"


def test_grain_test_reports_a_repeated_and_a_null_key(
    demo_build: DbtResult, tmp_path: Path
) -> None:
    warehouse = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_build.warehouse, warehouse)

    clean = run_dbt(["test", "--select", SELECTION], warehouse=warehouse)
    assert clean.returncode == 0, clean.output[-4000:]
    # One data test ran and passed (the on-run-start hook is the other node dbt counts).
    assert "1 of 1 PASS unique_combination_int_member_activity_daily" in clean.output

    with duckdb.connect(str(warehouse)) as con:
        table = "intermediate.int_member_activity_daily"
        # a member-day twice, and a member-day without its member
        con.execute(f"insert into {table} select * from {table} order by all limit 1")
        con.execute(
            f"insert into {table} select * replace (null as member_id)"
            f" from {table} order by all desc limit 1"
        )
    planted = run_dbt(["test", "--select", SELECTION], warehouse=warehouse)
    assert planted.returncode != 0
    assert "Got 2 results" in planted.output, planted.output[-4000:]
