"""The file for readers and the publishing guards, on small hand-made DuckDB files (no dbt)."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from commops import contract, publish
from commops.publish import BuildInfo, PublishError

PHONE = "13800138000"
DEVICE = "dev-7f3a9c"
ENTITIES = contract.entities()
INFO = BuildInfo(datetime(2026, 11, 23, 6, 30), "folder", "/data/exports")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def set_counts(con: duckdb.DuckDBPyConnection, raw: dict[str, int], staged: dict | None = None):
    """(Re)write marts.staging_row_counts: raw rows per entity, staged = raw unless given."""
    staged = staged or {}
    con.execute("create schema if not exists marts")
    con.execute(
        "create or replace table marts.staging_row_counts (entity varchar, raw_rows bigint, "
        "staged_rows bigint, rejected_rows bigint, collapsed_rows bigint)"
    )
    for entity, rows in raw.items():
        kept = staged.get(entity, rows)
        con.execute(
            "insert into marts.staging_row_counts values (?, ?, ?, ?, 0)",
            [entity, rows, kept, rows - kept],
        )


def make_working(tmp_path: Path, raw: dict[str, int] | None = None) -> Path:
    """A working file laid out as dbt writes it, with PII in raw_demo and a CSV-reading view."""
    csv = tmp_path / "exports" / "members.csv"
    csv.parent.mkdir(exist_ok=True)
    csv.write_text(f"member_id,phone\nm1,{PHONE}\nm2,{PHONE}\n", encoding="utf-8")
    working = tmp_path / "build.duckdb"
    con = duckdb.connect(str(working))
    try:
        con.execute("create schema raw_demo; create schema staging; create schema reference")
        con.execute("create schema intermediate")
        con.execute(
            f"create table raw_demo.raw_members as select 'm1' as member_id, '{PHONE}' as phone, "
            f"'{DEVICE}' as device_id"
        )
        con.execute(
            f"create view staging.stg_members_csv as select * from read_csv('{csv}', "
            "all_varchar = true)"
        )
        set_counts(con, raw or {entity: 10 for entity in ENTITIES}, {"members": 8})
        con.execute(
            "create table marts.dim_members as select member_id, length(phone) as phone_digits "
            "from staging.stg_members_csv"
        )
        con.execute(
            "create view marts.v_member_count as select count(*) as n from marts.dim_members"
        )
        con.execute("create table marts.dq_checks as select 'row_balance' as check_name, 0 as n")
        con.execute(
            "create table reference.channel_map as select 'wx' as label, 'wechat' as channel"
        )
        con.execute("create view reference.v_channels as select * from reference.channel_map")
        con.execute(
            "create table intermediate.int_as_of_date as select date '2026-11-20' as as_of_date"
        )
        con.execute("create macro add_one(x) as x + 1")
        con.execute("comment on table marts.dim_members is 'One row per member.'")
        con.execute("comment on column marts.dim_members.member_id is 'The member''s id.'")
        con.execute("comment on view marts.v_member_count is 'Members, counted.'")
    finally:
        con.close()
    return working


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# --- the file for readers ---------------------------------------------------------------------


def test_published_file_holds_only_marts_and_reference_tables(tmp_path: Path) -> None:
    working = make_working(tmp_path)
    published = tmp_path / "out" / "commops.duckdb"
    publish.publish_for_readers(working, published, INFO)
    (tmp_path / "exports" / "members.csv").unlink()  # the build machine's folder is gone

    tables = query(published, "select schema_name, table_name from duckdb_tables()")
    assert {schema for schema, _ in tables} == {"marts", "reference"}
    assert sorted(tables) == [
        ("marts", "build_info"),
        ("marts", "dim_members"),
        ("marts", "dq_checks"),
        ("marts", "staging_row_counts"),
        ("marts", "v_member_count"),
        ("reference", "channel_map"),
    ]
    assert query(published, "select n from marts.v_member_count") == [(2,)]
    assert query(published, "select count(*) from duckdb_views() where not internal") == [(0,)]
    macros = (
        "select count(*) from duckdb_functions() where not internal and function_type like '%macro'"
    )
    assert query(working, macros) == [(1,)]  # the working file's add_one ...
    assert query(published, macros) == [(0,)]  # ... stays there
    tags = query(published, "select tags from duckdb_databases() where not internal")
    assert tags[0][0]["storage_version"].startswith("v1.4.0")


def test_build_info_has_one_row_per_entity_with_counts(tmp_path: Path) -> None:
    working = make_working(tmp_path)
    published = tmp_path / "commops.duckdb"
    publish.publish_for_readers(working, published, INFO)
    rows = query(
        published,
        "select entity, built_at, as_of_date, raw_source, raw_location, project_version, "
        "raw_rows, staged_rows, rejected_rows, collapsed_rows from marts.build_info",
    )
    assert sorted(row[0] for row in rows) == sorted(ENTITIES)
    by_entity = {row[0]: row[1:] for row in rows}
    assert by_entity["members"] == (
        datetime(2026, 11, 23, 6, 30),
        date(2026, 11, 20),
        "folder",
        "/data/exports",
        contract.project_version(),
        10,
        8,
        2,
        0,
    )
    assert by_entity["events"][5:] == (10, 10, 0, 0)


def test_build_info_as_of_date_null_without_int_as_of_date(tmp_path: Path) -> None:
    working = make_working(tmp_path)
    with duckdb.connect(str(working)) as con:
        con.execute("drop table intermediate.int_as_of_date")
    published = tmp_path / "commops.duckdb"
    aware = BuildInfo(datetime(2026, 11, 23, 14, 30, tzinfo=UTC), "demo seeds")
    publish.publish_for_readers(working, published, aware)
    rows = query(
        published, "select distinct built_at, as_of_date, raw_location from marts.build_info"
    )
    assert rows == [(datetime(2026, 11, 23, 14, 30), None, "")]


def test_comments_survive(tmp_path: Path) -> None:
    working = make_working(tmp_path)
    published = tmp_path / "commops.duckdb"
    publish.publish_for_readers(working, published, INFO)
    comments = dict(
        query(
            published, "select table_name, comment from duckdb_tables() where comment is not null"
        )
    )
    assert comments["dim_members"] == "One row per member."
    assert comments["v_member_count"] == "Members, counted."
    assert comments["build_info"]
    column = query(
        published,
        "select comment from duckdb_columns() where table_name = 'dim_members' "
        "and column_name = 'member_id'",
    )
    assert column == [("The member's id.",)]


def test_no_phone_or_device_anywhere(tmp_path: Path) -> None:
    working = make_working(tmp_path)
    published = tmp_path / "commops.duckdb"
    publish.publish_for_readers(working, published, INFO)
    text_columns = query(
        published,
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where data_type = 'VARCHAR'",
    )
    assert text_columns
    for schema, table, column in text_columns:
        hits = query(
            published,
            f'select count(*) from "{schema}"."{table}" '
            f"where \"{column}\" like '%' || ? || '%' or \"{column}\" like '%' || ? || '%'",
            [PHONE, DEVICE],
        )
        assert hits == [(0,)], (schema, table, column)
    raw = published.read_bytes()
    assert PHONE.encode() not in raw and DEVICE.encode() not in raw


def test_duckdb_1_4_opens_the_published_file(tmp_path: Path, duckdb_1_4: Path) -> None:
    working = make_working(tmp_path)
    published = tmp_path / "commops.duckdb"
    publish.publish_for_readers(working, published, INFO)
    reader = (
        "import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(con.execute('select count(*) from marts.build_info').fetchone()[0]); con.close()"
    )
    done = subprocess.run(
        [str(duckdb_1_4), "-c", reader, str(published)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) == len(ENTITIES)


# --- failures ---------------------------------------------------------------------------------


def published_before(tmp_path: Path) -> tuple[Path, Path, str]:
    """A working file and an existing published file, with the latter's digest."""
    working = make_working(tmp_path)
    published = tmp_path / "commops.duckdb"
    publish.publish_for_readers(working, published, INFO)
    return working, published, digest(published)


def test_stale_publishing_file_is_removed(tmp_path: Path) -> None:
    working = make_working(tmp_path)
    published = tmp_path / "commops.duckdb"
    stale = tmp_path / "commops.duckdb.publishing"
    stale.write_bytes(b"left by a SIGKILL" * 1000)
    (tmp_path / "commops.duckdb.publishing.wal").write_bytes(b"stale wal")
    publish.publish_for_readers(working, published, INFO)
    assert not stale.exists()
    assert not (tmp_path / "commops.duckdb.publishing.wal").exists()
    assert query(published, "select count(*) from marts.build_info") == [(len(ENTITIES),)]


def fail_on_second_copy(monkeypatch: pytest.MonkeyPatch, failure) -> None:
    """Let the first table copy through, then fail: a failure mid-copy."""
    copy = publish._copy_relation
    calls = []

    def copy_then_fail(con, schema, name):
        calls.append(name)
        if len(calls) > 1:
            failure()
        copy(con, schema, name)

    monkeypatch.setattr(publish, "_copy_relation", copy_then_fail)


def assert_unchanged(tmp_path: Path, published: Path, before: str, message: str) -> None:
    assert digest(published) == before
    assert not list(tmp_path.glob("*.publishing*"))
    assert "\n" not in message
    assert message.startswith("Publishing stopped: ")
    assert message.endswith(f"{published} is unchanged.")


def test_disk_full_mid_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    working, published, before = published_before(tmp_path)

    def disk_full():
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    fail_on_second_copy(monkeypatch, disk_full)
    with pytest.raises(PublishError) as caught:
        publish.publish_for_readers(working, published, INFO)
    message = str(caught.value)
    assert_unchanged(tmp_path, published, before, message)
    assert "no space left on device writing" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_keyboard_interrupt_mid_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    working, published, before = published_before(tmp_path)

    def interrupt():
        raise KeyboardInterrupt

    fail_on_second_copy(monkeypatch, interrupt)
    with pytest.raises(PublishError) as caught:
        publish.publish_for_readers(working, published, INFO)
    assert_unchanged(tmp_path, published, before, str(caught.value))
    assert "interrupted" in str(caught.value)


def test_sigterm_mid_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    working, published, before = published_before(tmp_path)
    handler = signal.getsignal(signal.SIGTERM)
    fail_on_second_copy(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGTERM))
    with pytest.raises(PublishError) as caught:
        publish.publish_for_readers(working, published, INFO)
    assert_unchanged(tmp_path, published, before, str(caught.value))
    assert "SIGTERM" in str(caught.value)
    assert signal.getsignal(signal.SIGTERM) is handler


def test_duckdb_write_errors_read_as_disk_full(tmp_path: Path) -> None:
    staging, published = tmp_path / "p.publishing", tmp_path / "p"
    error = duckdb.IOException('Could not write file "x": No space left on device')
    line = publish._failure_line(error, staging, published)
    assert line == (
        f"Publishing stopped: no space left on device writing {staging}; {published} is unchanged."
    )
    denied = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(staging))
    assert "permission denied writing" in publish._failure_line(denied, staging, published)


def test_signals_inside_a_query_keep_their_meaning(tmp_path: Path) -> None:
    """DuckDB reports a signal handler's exception raised mid-query as 'Query interrupted'."""
    staging, published = tmp_path / "p.publishing", tmp_path / "p"
    interrupted = RuntimeError("Query interrupted")
    assert "interrupted while writing" in publish._failure_line(interrupted, staging, published)
    line = publish._failure_line(interrupted, staging, published, terminated=True)
    assert "terminated (SIGTERM)" in line


# --- guards -----------------------------------------------------------------------------------


def counts_file(path: Path, raw: dict[str, int], staged: dict[str, int] | None = None) -> Path:
    with duckdb.connect(str(path)) as con:
        set_counts(con, raw, staged)
    return path


def all_entities(rows: int) -> dict[str, int]:
    return {entity: rows for entity in ENTITIES}


def test_empty_export_is_critical(tmp_path: Path) -> None:
    working = counts_file(tmp_path / "w.duckdb", {**all_entities(5), "members": 0})
    report = publish.check_guards(working, tmp_path / "none.duckdb", {})
    assert report.critical == [
        "guard empty_export: members has 0 raw rows; a required export must have rows"
    ]
    assert not report.ok


def test_an_absent_optional_export_is_not_empty_export(tmp_path: Path) -> None:
    """orders, tickets and ad_stats are optional (CONTRACT §1): 0 rows is no guard line."""
    zero = {entity: 0 for entity, export in contract.raw_exports().items() if export.optional}
    assert set(zero) == {"orders", "tickets", "ad_stats"}
    working = counts_file(tmp_path / "w.duckdb", {**all_entities(5), **zero})
    report = publish.check_guards(working, tmp_path / "none.duckdb", {})
    assert report.critical == []


def published_with_staged(tmp_path: Path, staged: int) -> Path:
    """A published file whose build_info staged 1,000 members; the working file `staged`."""
    working = counts_file(tmp_path / "old.duckdb", all_entities(1000))
    published = tmp_path / "commops.duckdb"
    publish.publish_for_readers(working, published, INFO)
    return counts_file(tmp_path / "w.duckdb", all_entities(1000), {"members": staged})


def test_row_drop_of_30_percent_is_critical(tmp_path: Path) -> None:
    working = published_with_staged(tmp_path, 700)
    report = publish.check_guards(working, tmp_path / "commops.duckdb", {})
    assert report.critical == [
        "guard row_drop: members staged 700 rows against 1,000 in the published build "
        "(-30.0 %; max_row_drop_rate 20 %)"
    ]


def test_row_drop_of_exactly_the_rate_passes(tmp_path: Path) -> None:
    working = published_with_staged(tmp_path, 800)
    assert publish.check_guards(working, tmp_path / "commops.duckdb", {}).critical == []
    stricter = publish.check_guards(
        working, tmp_path / "commops.duckdb", {"max_row_drop_rate": 0.1}
    )
    assert "max_row_drop_rate 10 %" in stricter.critical[0]


def test_published_file_without_build_info_skips_row_drop(tmp_path: Path) -> None:
    published = counts_file(tmp_path / "commops.duckdb", all_entities(1000))
    before = digest(published)
    working = counts_file(tmp_path / "w.duckdb", all_entities(10))
    report = publish.check_guards(working, published, {})
    assert report.critical == [] and report.warnings == []
    assert digest(published) == before


def test_record_run_new_raw_rows(tmp_path: Path) -> None:
    working = counts_file(tmp_path / "w.duckdb", {"members": 100, "events": 50})
    start = datetime(2026, 11, 1, 6)
    publish.record_run(working, start, INFO, date(2026, 10, 31))
    counts_file(working, {"members": 130, "events": 40})
    publish.record_run(working, start + timedelta(days=1), INFO)
    rows = query(
        working,
        "select run_at, as_of_date, entity, raw_rows, new_raw_rows, raw_source "
        "from ops.run_history order by run_at, entity",
    )
    assert rows == [
        (start, date(2026, 10, 31), "events", 50, 50, "folder"),
        (start, date(2026, 10, 31), "members", 100, 100, "folder"),
        (start + timedelta(days=1), None, "events", 40, -10, "folder"),
        (start + timedelta(days=1), None, "members", 130, 30, "folder"),
    ]


def run_series(working: Path, runs: list[tuple[date, int]]) -> None:
    """Record runs of one members export growing by the given new rows on the given days."""
    total = 0
    for day, new in runs:
        total += new
        counts_file(working, {"members": total})
        publish.record_run(working, datetime.combine(day, datetime.min.time()), INFO, day)


def daily(*new_rows: int) -> list[tuple[date, int]]:
    """Runs on consecutive ordinary (non-month-end) days of November 2026 with these new rows."""
    return [(date(2026, 11, 2) + timedelta(days=n), rows) for n, rows in enumerate(new_rows)]


def volume_warnings(working: Path) -> list[str]:
    return publish.check_guards(working, working.with_name("none.duckdb"), {}).warnings


def test_volume_spike_warns(tmp_path: Path) -> None:
    working = tmp_path / "w.duckdb"
    # the first run (the whole backlog) is never comparable; then 6 ordinary runs; then a spike
    run_series(working, daily(5000, 98, 102, 100, 97, 103, 100, 400))
    warnings = volume_warnings(working)
    assert len(warnings) == 1
    assert warnings[0].startswith("guard volume_anomaly: members got 400 new raw rows")
    assert "previous 6 non-month-end runs" in warnings[0]


def test_ordinary_volume_does_not_warn(tmp_path: Path) -> None:
    working = tmp_path / "w.duckdb"
    run_series(working, daily(5000, 98, 102, 100, 97, 103, 100, 101))
    assert volume_warnings(working) == []


def test_month_end_spike_matches_month_end_history(tmp_path: Path) -> None:
    working = tmp_path / "w.duckdb"
    runs = [(date(2026, 1, 10), 5000)]
    for month in range(1, 7):  # January to June: ordinary days ~100, month ends ~1,000
        runs += [(date(2026, month, 10 + n), 100 + n) for n in range(1, 4)]
        runs.append((date(2026, month + 1, 1) - timedelta(days=1), 1000 + month * 10))
    run_series(tmp_path / "control.duckdb", [*runs, (date(2026, 7, 15), 1040)])
    assert len(volume_warnings(tmp_path / "control.duckdb")) == 1  # 1,040 on an ordinary day
    run_series(working, [*runs, (date(2026, 7, 30), 1040)])  # July 30: among the last 3 days
    assert volume_warnings(working) == []


def test_too_few_runs_give_no_verdict(tmp_path: Path) -> None:
    working = tmp_path / "w.duckdb"
    run_series(working, daily(5000, 98, 102, 100, 97, 99_999))
    assert volume_warnings(working) == []
    lenient = publish.check_guards(
        working, tmp_path / "none.duckdb", {"volume_anomaly_min_runs": 4}
    )
    assert len(lenient.warnings) == 1


def test_constant_history_warns_on_any_change(tmp_path: Path) -> None:
    working = tmp_path / "w.duckdb"
    run_series(working, daily(5000, 100, 100, 100, 100, 100, 100, 101))
    assert "any change from a constant volume" in volume_warnings(working)[0]


def test_guards_do_not_write_the_files(tmp_path: Path) -> None:
    working = tmp_path / "w.duckdb"
    run_series(working, daily(5000, 98, 102, 100, 97, 103, 100, 400))
    published = tmp_path / "commops.duckdb"
    publish.publish_for_readers(working, published, INFO)
    before = digest(working), digest(published)
    publish.check_guards(working, published, {})
    assert (digest(working), digest(published)) == before
