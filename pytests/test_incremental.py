"""Incremental runs give what a full refresh gives (issue 6).

A small generated export (with planted problems) is cut in two: the events up to the day before
its last one, and what arrives next -- the last day, events of the two days before it that
arrive late (within activity_lookback_days), an exact copy of a recent row, a row that reuses
an old event_id with other content (a key conflict that must reject the old, already staged
version too) and rows without a date. The export's events are a folder of Parquet parts, one per
delivery. One warehouse is built on the first part and then incrementally after each delivery;
every contract model (and the event staging and member-day tables) must equal, value for value,
a warehouse built from scratch on the same files. Then: a run with nothing new changes nothing;
an event older than the lookback (and a copy of an old row) is still picked up.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from commops import contract, generate, golden
from pytests.dbtrun import DbtResult, run_dbt

MEMBERS = 400
SEED = 11
LOOKBACK_DAYS: int = contract.var("activity_lookback_days")

#: Every contract model (and staging_row_counts): (schema, table, grain; none = a multiset).
CONTRACT_MODELS = [
    ("marts", spec.name, None if spec.multiset else spec.key) for spec in golden.MODELS
]
#: The incremental tables themselves, without the column that records when a row was written.
INTERNAL_MODELS = [
    ("staging", "base_raw__events_screened", ("event_id", "raw_hash")),
    ("intermediate", "int_event_activity_daily", ("member_id", "activity_date")),
    ("intermediate", "int_member_activity_daily", ("member_id", "activity_date")),
]
RUN_COLUMNS = {"screened_at"}


def _day_text(table: pa.Table) -> pa.Array:
    """The first ten characters of occurred_at (null stays null)."""
    return pc.utf8_slice_codeunits(table["occurred_at"], 0, 10)


def _is_day(days: pa.Array, value: str) -> pa.Array:
    return pc.fill_null(pc.equal(days, value), False)


def _write_part(folder: Path, index: int, table: pa.Table) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / f"part-{index:03d}.parquet")


def _row(table: pa.Table, index: int, **changes: str) -> pa.Table:
    row = table.slice(index, 1).to_pylist()[0]
    row.update(changes)
    return pa.Table.from_pylist([row], schema=table.schema)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The generated export and its deliveries: (first part, second part, third part)."""
    work = tmp_path_factory.mktemp("incremental_export")
    generated = work / "generated"
    args = generate.build_parser().parse_args(
        ["--members", str(MEMBERS), "--seed", str(SEED), "--out", str(generated)]
        + ["--format", "parquet", "--plant-rate", "0.02"]
    )
    generate.run(args)
    events = pq.read_table(generated / "events.parquet")
    days = _day_text(events)
    valid = pc.fill_null(pc.match_substring_regex(days, r"^\d{4}-\d{2}-\d{2}$"), False)
    last = max(d for d in days.filter(valid).to_pylist())
    late_days = sorted({d for d in days.filter(valid).to_pylist() if d < last})[-2:]
    plain = pc.fill_null(
        pc.match_substring_regex(events["occurred_at"], r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"),
        False,
    )
    is_last = _is_day(days, last)
    on_late_days = pc.or_(_is_day(days, late_days[0]), _is_day(days, late_days[1]))
    # every fourth event of the two days before the last arrives a day late
    every_fourth = pa.array([i % 4 == 0 for i in range(events.num_rows)])
    is_late = pc.and_(on_late_days, every_fourth)
    # half the rows without a usable date arrive with the second delivery
    undated = [i for i, ok in enumerate(valid.to_pylist()) if not ok]
    held = set(undated[: len(undated) // 2])
    held_undated = pa.array([i in held for i in range(events.num_rows)])
    second = pc.or_(pc.or_(is_last, is_late), held_undated)
    first_part = events.filter(pc.invert(second))
    second_part = events.filter(second)

    usable = [
        i
        for i, (day, ok) in enumerate(zip(days.to_pylist(), plain.to_pylist(), strict=True))
        if ok and day < late_days[0] and events["event_id"][i].as_py()
    ]
    on_time_recent = [
        i
        for i, (late_day, late) in enumerate(
            zip(on_late_days.to_pylist(), is_late.to_pylist(), strict=True)
        )
        if late_day and not late
    ]
    extras = pa.concat_tables(
        [
            # an old event_id reused by a new, different row: both versions are rejected
            _row(
                events,
                usable[len(usable) // 3],
                occurred_at=f"{last} 09:30:00",
                content_id="CONFLICT",
            ),
            # an exact copy of a row delivered before, in the lookback window: collapses
            _row(events, on_time_recent[0]),
        ]
    )
    second_part = pa.concat_tables([second_part, extras])

    # the third delivery: an event older than the lookback, an exact copy of an old row, and
    # another reused event_id
    very_old = usable[len(usable) // 2]
    third_part = pa.concat_tables(
        [
            _row(events, very_old, event_id="LATE-1"),
            _row(events, very_old),
            _row(events, usable[len(usable) // 4], occurred_at=f"{last} 23:59:59"),
        ]
    )
    return {
        "generated": generated,
        "parts": (first_part, second_part, third_part),
        "work": work,
    }


def _raw_dir(export: dict[str, object], folder: Path, parts: int) -> Path:
    """A RAW_DIR holding the non-event exports and the first `parts` event deliveries."""
    generated = export["generated"]
    assert isinstance(generated, Path)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("members", "spend", "loans", "repayments"):
        shutil.copy2(generated / f"{name}.parquet", folder / f"{name}.parquet")
    tables = export["parts"]
    assert isinstance(tables, tuple)
    for index in range(parts):
        if not (folder / "events" / f"part-{index:03d}.parquet").exists():
            _write_part(folder / "events", index, tables[index])
    return folder


def _build(raw_dir: Path, warehouse: Path, *extra: str) -> DbtResult:
    result = run_dbt(["build", "--exclude", "raw_*", *extra], warehouse=warehouse, raw_dir=raw_dir)
    assert result.returncode == 0, result.output[-6000:]
    return result


def _columns(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str
) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_catalog = ? and table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return {name: data_type for name, data_type in rows if name not in RUN_COLUMNS}


def _same(column: str, data_type: str) -> str:
    """SQL: the column agrees on both sides. Doubles (sums DuckDB adds up in thread order, so
    their last bits differ between any two builds, incremental or not) to 1e-12, relative above
    1; every other type exactly."""
    lhs, rhs = f'lhs_rows."{column}"', f'rhs_rows."{column}"'
    if data_type in ("DOUBLE", "FLOAT", "REAL"):
        return (
            f"(({lhs} is null and {rhs} is null) or abs({lhs} - {rhs})"
            f" <= 1e-12 * greatest(1, abs({lhs}), abs({rhs})))"
        )
    return f"({lhs} is not distinct from {rhs})"


def differences(
    left: Path, right: Path, models: list[tuple[str, str, tuple[str, ...] | None]]
) -> dict[str, str]:
    """Models whose rows differ between two warehouses: rows matched by grain, every value
    equal (see _same); a model without a grain compared as a multiset of rows."""
    found: dict[str, str] = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as lhs (read_only)")
        con.execute(f"attach '{right}' as rhs (read_only)")
        for schema, table, key in models:
            columns = _columns(con, "lhs", schema, table)
            if not columns or columns != _columns(con, "rhs", schema, table):
                found[table] = "missing, or different columns"
                continue
            if key is None:
                listed = ", ".join(f'"{c}"' for c in columns)
                (differ,) = con.execute(
                    f"select count(*) from ((select {listed} from lhs.{schema}.{table}"
                    f" except all select {listed} from rhs.{schema}.{table}) union all"
                    f" (select {listed} from rhs.{schema}.{table}"
                    f" except all select {listed} from lhs.{schema}.{table}))"
                ).fetchone()
            else:
                joined = " and ".join(
                    f'lhs_rows."{k}" is not distinct from rhs_rows."{k}"' for k in key
                )
                agree = " and ".join(_same(c, t) for c, t in columns.items())
                (differ,) = con.execute(
                    f"select count(*) from (select *, true as present_ from lhs.{schema}.{table})"
                    f" as lhs_rows full join (select *, true as present_ from"
                    f" rhs.{schema}.{table}) as rhs_rows on {joined}"
                    f" where lhs_rows.present_ is null or rhs_rows.present_ is null"
                    f" or not ({agree})"
                ).fetchone()
            if differ:
                (rows,) = con.execute(f"select count(*) from lhs.{schema}.{table}").fetchone()
                found[table] = f"{differ} rows differ (of {rows} in {left.name})"
    return found


def _snapshot(warehouse: Path, name: str) -> Path:
    copy = warehouse.with_name(name)
    shutil.copyfile(warehouse, copy)
    return copy


ALL_MODELS = CONTRACT_MODELS + INTERNAL_MODELS


@pytest.fixture(scope="module")
def chain(export: dict[str, object]) -> dict[str, Path]:
    """The incremental warehouse after each step, and full builds of the same files."""
    work = export["work"]
    assert isinstance(work, Path)
    raw = work / "raw"
    incremental = work / "incremental" / "warehouse.duckdb"
    _build(_raw_dir(export, raw, 1), incremental)
    first = _snapshot(incremental, "after_first.duckdb")
    _build(_raw_dir(export, raw, 2), incremental)
    second = _snapshot(incremental, "after_second.duckdb")
    _build(raw, incremental)
    second_again = _snapshot(incremental, "after_second_again.duckdb")
    full_second = work / "full_second" / "warehouse.duckdb"
    _build(raw, full_second)
    _build(_raw_dir(export, raw, 3), incremental)
    full_third = work / "full_third" / "warehouse.duckdb"
    _build(raw, full_third)
    return {
        "first": first,
        "second": second,
        "second_again": second_again,
        "full_second": full_second,
        "third": incremental,
        "full_third": full_third,
    }


def test_the_deliveries_change_the_marts(chain: dict[str, Path]) -> None:
    changed = differences(chain["first"], chain["second"], CONTRACT_MODELS)
    assert {"mart_engagement_daily", "rejected_rows", "staging_row_counts"} <= set(changed)


def test_incremental_run_equals_full_refresh(chain: dict[str, Path]) -> None:
    assert differences(chain["second"], chain["full_second"], ALL_MODELS) == {}


def test_run_without_new_data_changes_nothing(chain: dict[str, Path]) -> None:
    assert differences(chain["second_again"], chain["second"], ALL_MODELS) == {}


def test_events_older_than_the_lookback_are_picked_up(chain: dict[str, Path]) -> None:
    assert differences(chain["third"], chain["full_third"], ALL_MODELS) == {}
    with duckdb.connect(str(chain["third"]), read_only=True) as con:
        (late,) = con.execute(
            "select count(*) from staging.stg_raw__events where event_id = 'LATE-1'"
        ).fetchone()
    assert late == 1


def test_a_late_row_reusing_an_event_id_rejects_the_staged_version(
    chain: dict[str, Path],
) -> None:
    with duckdb.connect(str(chain["second"]), read_only=True) as con:
        rows = con.execute(
            "select record_key, count(*) from marts.rejected_rows"
            " where entity = 'events' and reason = 'duplicate_key_conflict'"
            " and raw_record like '%CONFLICT%' group by record_key"
        ).fetchall()
        assert len(rows) == 1
        (key,) = rows[0][:1]
        (staged,) = con.execute(
            "select count(*) from staging.stg_raw__events where event_id = ?", [key]
        ).fetchone()
        (rejected,) = con.execute(
            "select count(*) from marts.rejected_rows where record_key = ? and entity = 'events'",
            [key],
        ).fetchone()
    assert staged == 0
    assert rejected == 2


def test_a_second_build_of_the_demo_seeds_is_incremental_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """`make build` twice: the shipped demo (seeds, not RAW_DIR) built again onto its own
    warehouse runs the event models incrementally, and every model holds the same rows. (The
    incremental branch reads the raw seed itself; dbt must know it as a parent.)"""
    warehouse = tmp_path / "demo.duckdb"
    first = run_dbt(["build", "--exclude-resource-type", "unit_test"], warehouse=warehouse)
    assert first.returncode == 0, first.output[-6000:]
    before = _snapshot(warehouse, "first.duckdb")
    second = run_dbt(["build", "--exclude-resource-type", "unit_test"], warehouse=warehouse)
    assert second.returncode == 0, second.output[-6000:]
    assert "incremental model staging.base_raw__events_screened" in second.output
    assert differences(before, warehouse, ALL_MODELS) == {}


def test_a_screened_table_from_an_older_version_asks_for_a_full_refresh(
    demo_build: DbtResult, tmp_path: Path
) -> None:
    """A warehouse whose screened events lack a column the daily window needs (built by an
    older version) fails with a message naming the table, the column and the remedy, rather
    than a binder error from inside the guard query."""
    warehouse = tmp_path / "older.duckdb"
    shutil.copyfile(demo_build.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table staging.base_raw__events_screened drop column raw_day_text")
    result = run_dbt(
        ["build", "--select", "base_raw__events_screened", "--exclude-resource-type",
         "unit_test"],
        warehouse=warehouse,
    )  # fmt: skip
    assert result.returncode != 0
    assert "has no column 'raw_day_text'" in result.output, result.output[-4000:]
    assert "--full-refresh" in result.output
