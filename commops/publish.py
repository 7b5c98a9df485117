"""Publish a file made for readers, and the guards that decide whether to publish at all.

The working file (dbt's) holds everything a build needs: raw exports with phone numbers and
device ids, staging views that read CSV files on the build machine, macros. BI tools need none
of that, so `publish_for_readers` writes a new DuckDB file with only the `marts` (views
materialised as tables), the `reference` seed tables and `marts.build_info`, in the storage
format DuckDB 1.4 reads, and renames it over the published file in one atomic step.

`check_guards` looks at the working file (and the published one) before publishing: an empty
required export or a sharp fall in staged rows is critical, an unusual volume of new raw rows
is a warning. The volume check reads the run history that `record_run` appends to the working
file, so a caller records the run first, then checks the guards, then publishes.
"""

from __future__ import annotations

import calendar
import errno
import os
import signal
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from commops import contract

PUBLISHED_SCHEMAS = ("marts", "reference")
# BI tools bundle DuckDB 1.4: a file in duckdb 2.0's default storage format fails there.
READER_STORAGE_VERSION = "v1.4.0"
RAW_SOURCES = ("demo seeds", "folder", "tables")
GUARD_VARS = (
    "max_row_drop_rate",
    "volume_anomaly_lookback_runs",
    "volume_anomaly_max_z",
    "volume_anomaly_min_runs",
    "month_end_days",
)


class PublishError(Exception):
    """Publishing stopped; the message is one line for the user, the published file unchanged."""


class _Terminated(Exception):
    """SIGTERM arrived while publishing (raised by the temporary handler)."""


@dataclass(frozen=True)
class BuildInfo:
    """What the caller knows about a build; the counts and as_of_date come from the file.

    built_at: UTC (naive, or aware and converted). raw_source: 'demo seeds', 'folder' or
    'tables'. raw_location: the folder path or the schema name, '' for the demo.
    """

    built_at: datetime
    raw_source: str
    raw_location: str = ""

    def __post_init__(self) -> None:
        if self.raw_source not in RAW_SOURCES:
            raise ValueError(f"raw_source must be one of {RAW_SOURCES}, not {self.raw_source!r}")


@dataclass
class GuardReport:
    """Lines from the guards: any critical one should stop publishing; warnings should not."""

    critical: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing critical was found."""
        return not self.critical


# --- small SQL helpers ------------------------------------------------------------------------


def _ident(name: str) -> str:
    """A quoted SQL identifier, so any table or column name is safe to splice in."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """A SQL string literal (ATTACH and COMMENT ON take no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _utc_naive(moment: datetime) -> datetime:
    """A timestamp as stored: UTC without a zone (an aware one is converted first)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _has_table(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> bool:
    """Whether a table or view exists: older files lack tables newer code reads."""
    found = con.execute(
        "select count(*) from duckdb_tables() where database_name = ? and schema_name = ? "
        "and table_name = ?",
        [database, schema, table],
    ).fetchone()[0]
    found += con.execute(
        "select count(*) from duckdb_views() where database_name = ? and schema_name = ? "
        "and view_name = ?",
        [database, schema, table],
    ).fetchone()[0]
    return found > 0


def _columns(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> set[str]:
    """The column names of a table, to tell an older file's layout from the current one."""
    rows = con.execute(
        "select column_name from duckdb_columns() where database_name = ? and schema_name = ? "
        "and table_name = ?",
        [database, schema, table],
    ).fetchall()
    return {row[0] for row in rows}


@contextmanager
def _read_only(path: Path, alias: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection with `path` attached read-only as `alias`, closed on exit.

    Guards must not change what they look at, and attaching read-only also lets them read a
    published file that BI tools hold open.
    """
    con = duckdb.connect()
    try:
        con.execute(f"attach {_literal(str(path))} as {_ident(alias)} (read_only)")
        yield con
    finally:
        con.close()


def _as_of_date(con: duckdb.DuckDBPyConnection, database: str) -> date | None:
    """The build's as_of_date from intermediate.int_as_of_date; None when the table is absent."""
    if not _has_table(con, database, "intermediate", "int_as_of_date"):
        return None
    return con.execute(
        f"select max(as_of_date)::date from {_ident(database)}.intermediate.int_as_of_date"
    ).fetchone()[0]


def _row_counts(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, tuple[int, ...]]:
    """entity -> (raw, staged, rejected, collapsed) rows from marts.staging_row_counts."""
    rows = con.execute(
        "select entity, raw_rows, staged_rows, rejected_rows, collapsed_rows "
        f"from {_ident(database)}.marts.staging_row_counts"
    ).fetchall()
    return {row[0]: tuple(int(value or 0) for value in row[1:]) for row in rows}


# --- the file for readers ---------------------------------------------------------------------


def _partial_paths(staging: Path) -> tuple[Path, ...]:
    """The partial file and the write-ahead log DuckDB may keep beside it."""
    return staging, staging.with_name(staging.name + ".wal")


def _remove_partial(staging: Path) -> None:
    """Delete a partial file: left by a failure now, or by a SIGKILL in an earlier run."""
    for path in _partial_paths(staging):
        path.unlink(missing_ok=True)


def _relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str | None]]:
    """(schema, name, comment) of what readers get: marts tables and views, reference tables.

    A working marts.build_info (none is expected) is left out: this build writes its own.
    """
    rows = con.execute(
        """
        select schema_name, table_name, comment from duckdb_tables()
        where database_name = 'work' and schema_name in ('marts', 'reference') and not temporary
        union all
        select schema_name, view_name, comment from duckdb_views()
        where database_name = 'work' and schema_name = 'marts' and not internal
          and not temporary
        order by 1, 2
        """
    ).fetchall()
    return [row for row in rows if (row[0], row[1]) != ("marts", "build_info")]


def _copy_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    """Copy one table or view's rows into a plain table of the same name in the new file.

    A view becomes a table: its rows are read now, on the build machine, so the published file
    never needs the CSV files or the staging schema the view reads.
    """
    target = f"pub.{_ident(schema)}.{_ident(name)}"
    con.execute(f"create table {target} as select * from work.{_ident(schema)}.{_ident(name)}")


def _copy_comments(
    con: duckdb.DuckDBPyConnection, relations: list[tuple[str, str, str | None]]
) -> None:
    """Carry the descriptions dbt persisted (table and column comments) into the new file."""
    for schema, name, comment in relations:
        if comment:
            target = f"pub.{_ident(schema)}.{_ident(name)}"
            con.execute(f"comment on table {target} is {_literal(comment)}")
    columns = con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where database_name = 'work' and comment is not null and comment <> ''"
    ).fetchall()
    published = {(schema, name) for schema, name, _ in relations}
    for schema, name, column, comment in columns:
        if (schema, name) in published:
            target = f"pub.{_ident(schema)}.{_ident(name)}.{_ident(column)}"
            con.execute(f"comment on column {target} is {_literal(comment)}")


BUILD_INFO_COMMENTS = {
    None: "One row per raw entity: when and from what this warehouse was built, and its counts.",
    "built_at": "When the build ran (UTC).",
    "as_of_date": "The date that closes every period of this build (null if unknown).",
    "raw_source": "Where the raw exports came from: demo seeds, folder or tables.",
    "raw_location": "The raw folder path or schema name ('' for the demo seeds).",
    "project_version": "The commops project version (dbt_project.yml) that built it.",
    "entity": "members, events, spend, loans or repayments.",
    "raw_rows": "Rows of the raw export, exact duplicates included.",
    "staged_rows": "Rows of the entity's staging model.",
    "rejected_rows": "Raw rows rejected (marts.rejected_rows).",
    "collapsed_rows": "Raw rows collapsed into an exact duplicate.",
}


def _write_build_info(con: duckdb.DuckDBPyConnection, info: BuildInfo) -> None:
    """Create pub.marts.build_info: the caller's facts beside the working file's counts."""
    con.execute(
        """
        create table pub.marts.build_info as
        select
            ?::timestamp as built_at,
            ?::date as as_of_date,
            ?::varchar as raw_source,
            ?::varchar as raw_location,
            ?::varchar as project_version,
            entity::varchar as entity,
            raw_rows::bigint as raw_rows,
            staged_rows::bigint as staged_rows,
            rejected_rows::bigint as rejected_rows,
            collapsed_rows::bigint as collapsed_rows
        from work.marts.staging_row_counts
        order by entity
        """,
        [
            _utc_naive(info.built_at),
            _as_of_date(con, "work"),
            info.raw_source,
            info.raw_location,
            contract.project_version(),
        ],
    )
    for column, comment in BUILD_INFO_COMMENTS.items():
        if column is None:
            con.execute(f"comment on table pub.marts.build_info is {_literal(comment)}")
        else:
            target = f"pub.marts.build_info.{_ident(column)}"
            con.execute(f"comment on column {target} is {_literal(comment)}")


def _write_reader_file(working: Path, staging: Path, info: BuildInfo) -> None:
    """Write the new file: only marts and reference tables, build_info, comments; checkpointed.

    Checkpointing and detaching before the rename leaves everything in the file itself (no
    write-ahead log that would not follow it), in the storage format DuckDB 1.4 reads.
    """
    con = duckdb.connect()
    try:
        con.execute(f"attach {_literal(str(working))} as work (read_only)")
        con.execute(
            f"attach {_literal(str(staging))} as pub "
            f"(storage_version {_literal(READER_STORAGE_VERSION)})"
        )
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema pub.{_ident(schema)}")
        relations = _relations(con)
        for schema, name, _ in relations:
            _copy_relation(con, schema, name)
        _write_build_info(con, info)
        _copy_comments(con, relations)
        con.execute("checkpoint pub")
        con.execute("detach pub")
    finally:
        con.close()
    if _partial_paths(staging)[1].exists():
        raise RuntimeError("DuckDB left a write-ahead log beside the new file")


def _sync_file(path: Path) -> None:
    """Flush the new file to disk before the rename, so a power loss cannot publish holes."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable; best effort, since the rename is already done."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass
class _Signals:
    """Whether SIGTERM arrived: DuckDB turns an exception raised by a signal handler during a
    query into RuntimeError('Query interrupted'), so the exception alone cannot tell."""

    terminated: bool = False


@contextmanager
def _sigterm_raises(signals: _Signals) -> Iterator[None]:
    """Raise on SIGTERM for the duration (noting it in `signals`), then restore the old handler.

    Signal handlers can only be set from the main thread; elsewhere SIGTERM keeps its handler.
    """

    def raise_terminated(signum: int, frame: object) -> None:
        signals.terminated = True
        raise _Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, raise_terminated)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _is_disk_full(exc: BaseException) -> bool:
    """ENOSPC from Python, or DuckDB's wording for a write the disk refused."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    if isinstance(exc, duckdb.Error):
        text = str(exc)
        return "No space left" in text or "Could not write" in text
    return False


def _is_interrupt(exc: BaseException) -> bool:
    """Ctrl-C, raised by Python or turned by DuckDB into an interrupted query."""
    if isinstance(exc, KeyboardInterrupt | duckdb.InterruptException):
        return True
    return isinstance(exc, RuntimeError) and "Query interrupted" in str(exc)


def _failure_line(
    exc: BaseException, staging: Path, published: Path, terminated: bool = False
) -> str:
    """One line for the user: why publishing stopped, and that the published file is as it was."""
    if terminated or isinstance(exc, _Terminated):
        reason = f"terminated (SIGTERM) while writing {staging}"
    elif _is_disk_full(exc):
        reason = f"no space left on device writing {staging}"
    elif _is_interrupt(exc):
        reason = f"interrupted while writing {staging}"
    elif isinstance(exc, OSError):
        where = exc.filename or staging
        reason = f"{(exc.strerror or str(exc)).lower()} writing {where}"
    else:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        reason = f"{detail} (writing {staging})"
    return f"Publishing stopped: {reason}; {published} is unchanged."


def publish_for_readers(working: Path, published: Path, info: BuildInfo) -> None:
    """Write a file for readers from the working file and rename it over `published`.

    The new file is written as `<published>.publishing` beside the published one (same
    filesystem, so `os.replace` is atomic: a reader holding the old file open keeps reading it).
    Any failure, Ctrl-C or SIGTERM removes the partial file, leaves `published` byte for byte
    as it was and raises PublishError with one line; a stale partial file is removed first.
    """
    working, published = Path(working), Path(published)
    staging = published.with_name(published.name + ".publishing")
    signals = _Signals()
    try:
        with _sigterm_raises(signals):
            _remove_partial(staging)
            published.parent.mkdir(parents=True, exist_ok=True)
            _write_reader_file(working, staging, info)
            _sync_file(staging)
            os.replace(staging, published)
    except BaseException as exc:  # noqa: B036 - every stop must clean up and say one line
        _remove_partial(staging)
        raise PublishError(_failure_line(exc, staging, published, signals.terminated)) from None
    _sync_directory(published.parent)


# --- run history ------------------------------------------------------------------------------

RUN_HISTORY_DDL = """
create table if not exists ops.run_history (
    run_at timestamp not null,
    as_of_date date,
    entity varchar not null,
    raw_rows bigint,
    staged_rows bigint,
    rejected_rows bigint,
    collapsed_rows bigint,
    new_raw_rows bigint,
    raw_source varchar,
    raw_location varchar
)
"""


def record_run(
    working: Path, run_at: datetime, info: BuildInfo | None, as_of_date: date | None = None
) -> None:
    """Append this run's row counts to ops.run_history in the working file, one row per entity.

    new_raw_rows is raw_rows minus the entity's raw_rows in the latest earlier run (raw exports
    are full snapshots, so the difference is what arrived since), or raw_rows itself for the
    entity's first run. as_of_date defaults to the working file's intermediate.int_as_of_date.
    raw_source and raw_location (from `info`, when given) say what each run read. The history
    lives in the working file only: it is never published.
    """
    run_at = _utc_naive(run_at)
    con = duckdb.connect(str(working))
    try:
        database = _current_database(con)
        if as_of_date is None:
            as_of_date = _as_of_date(con, database)
        counts = _row_counts(con, database)
        con.execute("create schema if not exists ops")
        con.execute(RUN_HISTORY_DDL)
        for entity, (raw, staged, rejected, collapsed) in counts.items():
            previous = con.execute(
                "select raw_rows from ops.run_history where entity = ? and run_at < ? "
                "order by run_at desc limit 1",
                [entity, run_at],
            ).fetchone()
            new_raw = raw - previous[0] if previous else raw
            con.execute(
                "insert into ops.run_history values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_at,
                    as_of_date,
                    entity,
                    raw,
                    staged,
                    rejected,
                    collapsed,
                    new_raw,
                    info.raw_source if info else None,
                    info.raw_location if info else None,
                ],
            )
    finally:
        con.close()


def _current_database(con: duckdb.DuckDBPyConnection) -> str:
    """The catalog name DuckDB gave a file opened directly (its stem)."""
    return con.execute("select current_database()").fetchone()[0]


# --- guards -----------------------------------------------------------------------------------


def guard_settings(settings: dict | None = None) -> dict:
    """The guard vars: dbt_project.yml's values, overridden by `settings` (from --vars)."""
    values = {name: contract.project_vars()[name] for name in GUARD_VARS}
    values.update({k: v for k, v in (settings or {}).items() if k in GUARD_VARS})
    return values


def _percent(share: float | Decimal) -> str:
    """0.2 -> '20', 0.125 -> '12.5': a rate as written in a guard line."""
    return f"{float(share) * 100:g}"


def _empty_export(counts: dict[str, tuple[int, ...]]) -> list[str]:
    """Critical lines for required entities with 0 raw rows (a header-only export). An
    optional export (orders, tickets, ad_stats) may have none: absent, it reads as no rows."""
    lines = []
    for entity, export in contract.raw_exports().items():
        if export.optional:
            continue
        raw = counts.get(entity, (0,))[0]
        if raw == 0:
            lines.append(
                f"guard empty_export: {entity} has 0 raw rows; a required export must have rows"
            )
    return lines


def _published_staged_rows(published: Path) -> dict[str, int] | None:
    """entity -> staged_rows of the published build; None when there is nothing to compare.

    No published file yet, or one from a version without marts.build_info: the guard is
    skipped rather than failing the build.
    """
    if not published.exists():
        return None
    with _read_only(published, "published") as con:
        if not _has_table(con, "published", "marts", "build_info"):
            return None
        if not {"entity", "staged_rows"} <= _columns(con, "published", "marts", "build_info"):
            return None
        rows = con.execute(
            "select entity, max(staged_rows) from published.marts.build_info group by entity"
        ).fetchall()
    return {entity: int(staged or 0) for entity, staged in rows}


def _row_drop(
    counts: dict[str, tuple[int, ...]], before: dict[str, int], max_rate: float
) -> list[str]:
    """Critical lines for entities whose staged rows fell by more than max_rate of the last
    published build's; a fall of exactly the rate passes (compared in decimals, not floats)."""
    rate = Decimal(str(max_rate))
    lines = []
    for entity, (_, staged, *_rest) in counts.items():
        published = before.get(entity)
        if not published or published - staged <= rate * published:
            continue
        change = (staged - published) / published * 100
        lines.append(
            f"guard row_drop: {entity} staged {staged:,} rows against {published:,} in the "
            f"published build ({change:.1f} %; max_row_drop_rate {_percent(rate)} %)"
        )
    return lines


def is_month_end(day: date, month_end_days: int) -> bool:
    """Whether `day` is among the last `month_end_days` days of its month.

    Month-end runs see closing-period loads (repayments due, spend booked), so they are
    compared only with each other.
    """
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day > last - month_end_days


def _volume_history(working: Path) -> list[tuple[datetime, date | None, str, int]] | None:
    """(run_at, as_of_date, entity, new_raw_rows) of every recorded run, oldest first."""
    with _read_only(working, "work") as con:
        if not _has_table(con, "work", "ops", "run_history"):
            return None
        return con.execute(
            "select run_at, as_of_date, entity, new_raw_rows from work.ops.run_history "
            "order by run_at"
        ).fetchall()


def _run_day(run_at: datetime, as_of_date: date | None) -> date:
    """The day a run is about: its as_of_date, or the day it ran when that is unknown."""
    return as_of_date if as_of_date is not None else run_at.date()


def _volume_line(
    entity: str, new: int, history: list[int], month_end: bool, max_z: float
) -> str | None:
    """A warning when `new` is more than max_z sample stdevs from the history's mean.

    With a stdev of 0 (every comparable run identical) any difference warns: there is no spread
    to measure it against, and an exact repeat breaking is itself unusual.
    """
    mean = statistics.fmean(history)
    stdev = statistics.stdev(history)
    kind = "month-end" if month_end else "non-month-end"
    base = (
        f"guard volume_anomaly: {entity} got {new:,} new raw rows against a mean of {mean:,.1f} "
        f"(stdev {stdev:,.1f}) over the previous {len(history)} {kind} runs"
    )
    if stdev == 0:
        return f"{base} (any change from a constant volume)" if new != mean else None
    z = (new - mean) / stdev
    if abs(z) <= max_z:
        return None
    return f"{base} (z {z:+.1f}; volume_anomaly_max_z {max_z:g})"


def _volume_anomaly(working: Path, values: dict) -> list[str]:
    """Warnings for entities whose new raw rows this run are far from comparable earlier runs.

    "This run" is the latest run_at in ops.run_history (record_run first). Comparable runs are
    the entity's earlier runs on the same side of the month end (see is_month_end), at most
    volume_anomaly_lookback_runs of the most recent; an entity's first recorded run is never
    one, since its new_raw_rows is the whole backlog rather than one run's arrivals. Fewer than
    volume_anomaly_min_runs comparable runs: no verdict.
    """
    history = _volume_history(working)
    if not history:
        return []
    lookback = int(values["volume_anomaly_lookback_runs"])
    min_runs = int(values["volume_anomaly_min_runs"])
    max_z = float(values["volume_anomaly_max_z"])
    days = int(values["month_end_days"])
    latest = history[-1][0]
    first_run: dict[str, datetime] = {}
    for run_at, _, entity, _ in history:
        first_run.setdefault(entity, run_at)
    lines = []
    for run_at, as_of, entity, new in (row for row in history if row[0] == latest):
        month_end = is_month_end(_run_day(run_at, as_of), days)
        comparable = [
            earlier_new
            for earlier_at, earlier_as_of, earlier_entity, earlier_new in history
            if earlier_entity == entity
            and first_run[entity] < earlier_at < latest
            and earlier_new is not None
            and is_month_end(_run_day(earlier_at, earlier_as_of), days) == month_end
        ][-lookback:]
        if new is None or len(comparable) < max(min_runs, 2):
            continue
        line = _volume_line(entity, new, comparable, month_end, max_z)
        if line:
            lines.append(line)
    return lines


def check_guards(working: Path, published: Path, settings: dict | None = None) -> GuardReport:
    """Run the guards on the working file (and the published one) without writing either.

    Critical: empty_export (a required export with 0 raw rows) and row_drop (staged rows fell
    by more than max_row_drop_rate against the published build). Warning: volume_anomaly (see
    _volume_anomaly). `settings` overrides the vars of dbt_project.yml.
    """
    working, published = Path(working), Path(published)
    values = guard_settings(settings)
    report = GuardReport()
    with _read_only(working, "work") as con:
        if not _has_table(con, "work", "marts", "staging_row_counts"):
            report.critical.append(
                f"guard empty_export: {working} has no marts.staging_row_counts to count rows"
            )
            return report
        counts = _row_counts(con, "work")
    report.critical += _empty_export(counts)
    try:
        before = _published_staged_rows(published)
    except duckdb.Error as exc:
        before = None
        detail = " ".join(str(exc).split())
        report.warnings.append(f"guard row_drop: skipped, {published} could not be read: {detail}")
    if before is not None:
        report.critical += _row_drop(counts, before, float(values["max_row_drop_rate"]))
    report.warnings += _volume_anomaly(working, values)
    return report
