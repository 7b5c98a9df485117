"""Unit tests of commops.golden: the comparison of warehouse tables with golden CSVs (no dbt)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pytest

from commops import contract, golden
from commops.golden import (
    KnownDifference,
    KnownDifferenceLike,
    ModelResult,
    assert_models_agree,
    compare_all,
    compare_model,
    render_markdown,
    write_report,
)

EXPECTED = golden.DEFAULT_EXPECTED_DIR

pytestmark = pytest.mark.skipif(not EXPECTED.is_dir(), reason=f"golden set not found at {EXPECTED}")

# Column types of the few golden tables loaded here (VARCHAR when not named), as dbt builds them.
TYPES: dict[str, dict[str, str]] = {
    "fct_loans": {
        "applied_at": "TIMESTAMP",
        "decided_at": "TIMESTAMP",
        "disbursed_at": "TIMESTAMP",
        "requested_amount_cny": "DOUBLE",
        "approved_amount_cny": "DOUBLE",
        "disbursed_amount_cny": "DOUBLE",
        "origination_fee_cny": "DOUBLE",
        "term_months": "BIGINT",
        "annual_rate": "DOUBLE",
        "is_suspect": "BOOLEAN",
    },
    "mart_lifecycle_monthly": {
        "month": "DATE",
        "new": "BIGINT",
        "retained": "BIGINT",
        "resurrected": "BIGINT",
        "first_active": "BIGINT",
        "dormant": "BIGINT",
    },
    "dq_checks": {"checked_rows": "BIGINT", "failing_rows": "BIGINT"},
    "mart_churn_risk": {
        "as_of_date": "DATE",
        "last_active_date": "DATE",
        "days_since_last_activity": "INTEGER",
        "events_last_14d": "BIGINT",
        "events_prev_28d": "BIGINT",
        "engagement_trend": "DOUBLE",
        "has_open_loan": "BOOLEAN",
        "outstanding_principal_cny": "DECIMAL(18,4)",
    },
    # Counts stored as DOUBLE on purpose: a DOUBLE key (months_on_book) still matches "3".
    "mart_loan_vintage": {
        "disbursed_month": "DATE",
        "months_on_book": "DOUBLE",
        "loans": "DOUBLE",
        "disbursed_cny": "DOUBLE",
        "dpd30_loans": "BIGINT",
        "dpd30_rate": "DOUBLE",
        "cumulative_revenue_cny": "DOUBLE",
    },
    "rejected_rows": {},
    "staging_row_counts": {
        "raw_rows": "BIGINT",
        "staged_rows": "BIGINT",
        "rejected_rows": "BIGINT",
        "collapsed_rows": "BIGINT",
    },
}
SCHEMA = {"dq_checks": "main_audit", "rejected_rows": "main_audit"}
CSV = {"staging_row_counts": "staging_counts.csv"}


def csv_of(model: str) -> Path:
    return EXPECTED / CSV.get(model, f"{model}.csv")


def load(con: duckdb.DuckDBPyConnection, model: str, schema: str = "main_marts") -> None:
    """Create ``schema.model`` from the golden CSV with the column types of TYPES."""
    path = csv_of(model)
    header = con.execute(
        "select * from read_csv(?, all_varchar = true, header = true, delim = ',', "
        "quote = '\"', escape = '\"') limit 0",
        [str(path)],
    ).description
    types = TYPES[model]
    select = ", ".join(
        f'cast("{c[0]}" as {types.get(c[0], "VARCHAR")}) as "{c[0]}"' for c in header
    )
    con.execute(f"create schema if not exists {schema}")
    con.execute(
        f"create table {schema}.{model} as select {select} from read_csv(?, all_varchar = true, "
        "header = true, delim = ',', quote = '\"', escape = '\"')",
        [str(path)],
    )


@pytest.fixture()
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    for model in TYPES:
        load(connection, model, SCHEMA.get(model, "main_marts"))
    yield connection
    connection.close()


def compare(
    con: duckdb.DuckDBPyConnection, model: str, known: Sequence[KnownDifferenceLike] = ()
) -> ModelResult:
    return compare_model(con, model, csv_of(model), known)


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", list(TYPES))
def test_golden_copies_agree(con: duckdb.DuckDBPyConnection, model: str) -> None:
    result = compare(con, model)
    assert result.passed, "\n".join(golden.describe_failure(result))
    assert result.rows_expected == result.rows_actual == result.keys_matched > 0
    assert result.relation == f"{SCHEMA.get(model, 'main_marts')}.{model}"
    if model != "rejected_rows":
        assert result.cells_compared == result.cells_matched > 0


def test_dq_checks_compares_only_counts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("update main_audit.dq_checks set severity = 'x', status = 'y'")
    result = compare(con, "dq_checks")
    assert result.passed
    assert result.cells_compared == 2 * result.rows_expected
    con.execute(
        "update main_audit.dq_checks set failing_rows = failing_rows + 1 "
        "where check_name = 'missing_required' and entity = 'members'"
    )
    result = compare(con, "dq_checks")
    assert [(m.key, m.column) for m in result.mismatches] == [
        (("missing_required", "members"), "failing_rows")
    ]


# (model, where, column, new value as SQL, key of the changed row)
CHANGES = [
    (
        "fct_loans",
        "loan_id = 'L000000'",
        "origination_fee_cny",
        "origination_fee_cny + 0.02",
        ("L000000",),
    ),
    (
        "fct_loans",
        "loan_id = 'L000001'",
        "disbursed_amount_cny",
        "disbursed_amount_cny - 0.02",
        ("L000001",),
    ),
    ("fct_loans", "loan_id = 'L000000'", "annual_rate", "annual_rate + 1e-6", ("L000000",)),
    (
        "mart_churn_risk",
        "member_id = 'M000026'",
        "engagement_trend",
        "engagement_trend + 1e-6",
        ("M000026",),
    ),
    (
        "fct_loans",
        "loan_id = 'L000003'",
        "applied_at",
        "applied_at + interval 1 microsecond",
        ("L000003",),
    ),
    (
        "fct_loans",
        "loan_id = 'L000002'",
        "decided_at",
        "timestamp '2025-03-20 10:00:00'",
        ("L000002",),
    ),
    ("fct_loans", "loan_id = 'L000000'", "suspect_reasons", "''", ("L000000",)),
    ("fct_loans", "loan_id = 'L000001'", "decided_at", "null", ("L000001",)),
    ("mart_churn_risk", "member_id = 'M000027'", "engagement_trend", "0.0", ("M000027",)),
    ("fct_loans", "loan_id = 'L000004'", "product", "'Equipment'", ("L000004",)),
    ("fct_loans", "loan_id = 'L000004'", "is_suspect", "true", ("L000004",)),
    ("fct_loans", "loan_id = 'L000004'", "term_months", "term_months + 1", ("L000004",)),
    (
        "mart_lifecycle_monthly",
        "month = date '2024-02-01'",
        "retained",
        "retained - 1",
        ("2024-02-01",),
    ),
    (
        "mart_churn_risk",
        "member_id = 'M000025'",
        "last_active_date",
        "date '2025-09-02'",
        ("M000025",),
    ),
    (
        "mart_loan_vintage",
        "disbursed_month = date '2024-01-01' and months_on_book = 1 and product = 'trade_finance'",
        "loans",
        "loans + 1e-6",
        ("2024-01-01", "trade_finance", "1"),
    ),
    ("staging_row_counts", "entity = 'spend'", "rejected_rows", "rejected_rows + 1", ("spend",)),
]


@pytest.mark.parametrize(("model", "where", "column", "value", "key"), CHANGES)
def test_one_changed_cell_is_named(
    con: duckdb.DuckDBPyConnection,
    model: str,
    where: str,
    column: str,
    value: str,
    key: tuple[str, ...],
) -> None:
    schema = SCHEMA.get(model, "main_marts")
    con.execute(f'update {schema}.{model} set "{column}" = {value} where {where}')
    result = compare(con, model)
    assert not result.passed
    assert [(m.key, m.column) for m in result.mismatches] == [(key, column)]
    assert result.cells_matched == result.cells_compared - 1
    report = render_markdown([result])
    assert f"## {model}: fail" in report
    assert golden._cell(golden._key_text(key)) in report
    assert f"| {column} |" in report
    with pytest.raises(AssertionError, match=re.escape(f"column={column}")):
        assert_models_agree([result], [model])


@pytest.mark.parametrize("delta", [0.005, -0.005, 0.0099])
def test_money_within_a_cent_passes(con: duckdb.DuckDBPyConnection, delta: float) -> None:
    con.execute(
        f"update main_marts.fct_loans set origination_fee_cny = origination_fee_cny + {delta}, "
        f"requested_amount_cny = requested_amount_cny + {delta}"
    )
    result = compare(con, "fct_loans")
    assert result.passed, "\n".join(golden.describe_failure(result))


def test_rate_within_1e9_passes(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("update main_marts.mart_churn_risk set engagement_trend = engagement_trend + 1e-12")
    assert compare(con, "mart_churn_risk").passed


def test_missing_and_extra_rows(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("delete from main_marts.fct_loans where loan_id = 'L000005'")
    con.execute(
        "insert into main_marts.fct_loans select * replace ('L999999' as loan_id) "
        "from main_marts.fct_loans where loan_id = 'L000006'"
    )
    result = compare(con, "fct_loans")
    assert not result.passed
    assert result.missing_keys == [("L000005",)]
    assert result.extra_keys == [("L999999",)]
    assert result.mismatches == []
    assert result.keys_matched == result.rows_expected - 1
    report = render_markdown([result])
    assert "L000005" in report and "L999999" in report
    message = "\n".join(golden.describe_failure(result))
    assert "missing key (L000005)" in message and "extra key (L999999)" in message


def test_extra_row_with_date_key(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "insert into main_marts.mart_lifecycle_monthly values ('2030-01-01', 0, 0, 0, 0, 0)"
    )
    result = compare(con, "mart_lifecycle_monthly")
    assert result.extra_keys == [("2030-01-01",)]


def test_duplicate_key_in_the_warehouse_fails(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "insert into main_marts.fct_loans select * from main_marts.fct_loans "
        "where loan_id = 'L000001'"
    )
    result = compare(con, "fct_loans")
    assert not result.passed
    assert result.duplicate_keys == [("L000001",)]
    assert result.mismatches == [] and not result.extra_keys


def test_missing_table_is_a_failure(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = compare(con, "mart_cost_monthly")
    assert not result.passed
    assert result.error is not None and "mart_cost_monthly" in result.error
    assert len(result.missing_keys) == result.rows_expected > 0
    assert "mart_cost_monthly: fail" in render_markdown([result])
    with pytest.raises(AssertionError, match="no table or view named mart_cost_monthly"):
        assert_models_agree([result], ["mart_cost_monthly"])


def test_missing_column_counts_every_cell(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("alter table main_marts.fct_loans drop column status")
    result = compare(con, "fct_loans")
    assert not result.passed
    assert result.missing_columns == ["status"]
    assert len(result.mismatches) == result.rows_expected
    assert {m.column for m in result.mismatches} == {"status"}
    assert {m.actual for m in result.mismatches} == {"(no column)"}


def test_missing_key_column_does_not_crash(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("alter table main_marts.mart_lifecycle_monthly rename column month to month_start")
    result = compare(con, "mart_lifecycle_monthly")
    assert not result.passed
    assert result.error is not None and "month" in result.error
    assert "month" in result.missing_columns


def test_known_differences_skip_exactly_the_named_cell(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "update main_marts.fct_loans set product = 'x' where loan_id in ('L000001', 'L000004')"
    )
    con.execute("update main_marts.fct_loans set status = 'x' where loan_id = 'L000001'")
    known: list[KnownDifferenceLike] = [
        KnownDifference("fct_loans", ("L000001",), "product", "contract says so"),
        # A plain tuple and a plain string key are accepted too; this cell agrees anyway.
        ("fct_loans", "L000010", "status", "stale"),
        ("fct_loans", ("L404",), "status", "no such key"),
        ("dim_members", ("L000004",), "product", "another model"),
    ]
    result = compare(con, "fct_loans", known)
    assert sorted((m.key, m.column) for m in result.mismatches) == [
        (("L000001",), "status"),
        (("L000004",), "product"),
    ]
    assert [(s.key, s.column, s.matched) for s in result.skipped] == [
        (("L000001",), "product", False),
        (("L000010",), "status", True),
    ]
    assert [k.key for k in result.unused_known_differences] == [("L404",)]
    assert result.cells_compared + len(result.skipped) == result.rows_expected * 16
    report = render_markdown([result])
    assert "contract says so" in report and "warehouse agrees with expected" in report


def test_known_difference_makes_the_model_pass(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "update main_marts.mart_lifecycle_monthly set dormant = 99 where month = '2024-04-01'"
    )
    known: list[KnownDifferenceLike] = [
        ("mart_lifecycle_monthly", ("2024-04-01",), "dormant", "golden contradicts §5")
    ]
    assert compare(con, "mart_lifecycle_monthly", known).passed


def test_known_difference_for_a_whole_row(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("delete from main_marts.fct_loans where loan_id = 'L000005'")
    known = [KnownDifference("fct_loans", ("L000005",), "*", "the contract drops it")]
    result = compare(con, "fct_loans", known)
    assert result.passed and not result.unused_known_differences


def test_rejected_rows_is_a_multiset(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("update main_audit.rejected_rows set raw_record = '{}'")
    assert compare(con, "rejected_rows").passed
    # One of the two M000100 conflicts goes missing, a null record_key becomes ''.
    con.execute(
        "delete from main_audit.rejected_rows where rowid = (select min(rowid) "
        "from main_audit.rejected_rows where record_key = 'M000100')"
    )
    con.execute(
        "update main_audit.rejected_rows set record_key = '' "
        "where record_key is null and entity = 'members'"
    )
    result = compare(con, "rejected_rows")
    assert sorted(result.missing_keys, key=str) == sorted(
        [("members", "M000100", "duplicate_key_conflict"), ("members", None, "missing_required")],
        key=str,
    )
    assert result.extra_keys == [("members", "", "missing_required")]


def test_staging_row_counts_absent_is_a_failure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("drop table main_marts.staging_row_counts")
    result = compare(con, "staging_row_counts")
    assert not result.passed and result.error is not None


def test_text_ids_keep_leading_zeros(tmp_path: Path) -> None:
    expected = tmp_path / "ids.csv"
    expected.write_text("id,code,n\n00123,007,1\n", encoding="utf-8")
    con = duckdb.connect()
    con.execute("create table ids as select '00123' as id, '007' as code, 1 as n")
    assert compare_model(con, "ids", expected, key=["id"]).passed
    con.execute("update ids set code = '7'")
    result = compare_model(con, "ids", expected, key=["id"])
    assert [(m.key, m.column, m.expected, m.actual) for m in result.mismatches] == [
        (("00123",), "code", "007", "7")
    ]
    con.execute("update ids set id = '123'")
    result = compare_model(con, "ids", expected, key=["id"])
    assert result.missing_keys == [("00123",)] and result.extra_keys == [("123",)]


def test_timestamps_are_shanghai_local(tmp_path: Path) -> None:
    expected = tmp_path / "ts.csv"
    expected.write_text(
        "id,seen_at,on_day,frac\n"
        "a,2024-01-01 08:00:00,2024-01-01,2024-01-01 08:00:00.5\n"
        "b,2024-01-01,2024-01-02,2024-01-01 08:00:00.000001\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(
        "create table ts as select * from (values "
        "('a', timestamptz '2024-01-01 00:00:00+00', date '2024-01-01', "
        "timestamp '2024-01-01 08:00:00.500000'), "
        "('b', timestamptz '2024-01-01 00:00:00+08', date '2024-01-02', "
        "timestamp '2024-01-01 08:00:00.000001')) t(id, seen_at, on_day, frac)"
    )
    result = compare_model(con, "ts", expected, key=["id"])
    assert result.passed, "\n".join(golden.describe_failure(result))
    assert result.column_kinds["seen_at"] == "datetime"


def test_odd_table_shapes_do_not_crash(tmp_path: Path) -> None:
    expected = tmp_path / "odd.csv"
    expected.write_text("id,items,shape,when,flag\n1,[1],x,2024-01-01,maybe\n", encoding="utf-8")
    con = duckdb.connect()
    con.execute(
        "create table odd as select 1 as id, [1] as items, {'a': 1} as shape, "
        'interval 1 day as "when", true as flag'
    )
    result = compare_model(con, "odd", expected, key=["id"])
    assert {m.column for m in result.mismatches} == {"shape", "when", "flag"}
    con.execute("create table empty_one (id integer)")
    result = compare_model(con, "empty_one", expected, key=["id"])
    assert result.rows_actual == 0 and result.missing_keys == [("1",)]
    assert compare_model(con, "odd", tmp_path / "absent.csv").error is not None
    header_only = tmp_path / "header.csv"
    header_only.write_text("id\n", encoding="utf-8")
    assert compare_model(con, "empty_one", header_only, key=["id"]).passed


def test_compare_all_and_report(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    con.close()
    expected = tmp_path / "expected"
    expected.mkdir()
    models = list(TYPES)
    for model in models:
        shutil.copy(csv_of(model), expected / csv_of(model).name)
    results = compare_all(tmp_path / "warehouse.duckdb", expected, models=models)
    assert [r.model for r in results] == models
    assert_models_agree(results, models)

    results = compare_all(tmp_path / "warehouse.duckdb", expected)
    assert [r.model for r in results] == [m.name for m in golden.MODELS]
    failing = {r.model for r in results if not r.passed}
    assert failing == {m.name for m in golden.MODELS} - set(models)
    with pytest.raises(AssertionError, match="dim_members"):
        assert_models_agree(results)

    md, js = write_report(results, tmp_path / "out" / "golden_report.md")
    text = md.read_text(encoding="utf-8")
    assert "| fct_loans |" in text and "## dim_members: fail" in text
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["passed"] is False
    assert {m["model"]: m["status"] for m in data["models"]}["fct_loans"] == "pass"


def test_main_writes_the_report(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    con.close()
    report = tmp_path / "r" / "golden.md"
    code = golden.main(
        [str(tmp_path / "warehouse.duckdb"), "--expected", str(EXPECTED), "--report", str(report)]
    )
    assert code == 1
    assert report.is_file() and report.with_suffix(".json").is_file()
    assert golden.main([str(tmp_path / "nothing.duckdb"), "--report", str(report)]) == 2


def test_models_are_the_contract_models() -> None:
    """Every contract model (commops.contract) is compared by its grain, rejected_rows (no
    grain) as a multiset, and the staging row counts besides."""
    grains = contract.grains()
    assert golden.CONTRACT_MODELS == tuple(grains)
    assert [m.name for m in golden.MODELS] == [*grains, "staging_row_counts"]
    for spec in golden.MODELS:
        if spec.name in grains:
            assert spec.multiset == (not grains[spec.name])
            assert spec.key == (grains[spec.name] or spec.key)
