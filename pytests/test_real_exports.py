"""Real exports, end to end through `python -m commops.build` (what `make build` runs): the
published file is for readers, broken exports are never published, every export problem is
named before dbt starts, lenders' file formats read the same, and the PII salt stays secret."""

from __future__ import annotations

import csv
import hashlib
import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from commops import contract, dbt_cli
from pytests.dbtrun import PROJECT_DIR

DEMO = PROJECT_DIR / "seeds" / "demo"
SALT = "it's a \\secret\" salt"
#: Contract marts (and the staging counts) compared between builds of the same export in other
#: file formats.
COMPARED = (*contract.contract_models(), "staging_row_counts")


def demo_rows(entity: str) -> tuple[list[str], list[list[str]]]:
    with (DEMO / f"raw_{entity}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_demo(folder: Path, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """The shipped demo export as CSV files named as a lender's folder has them."""
    folder.mkdir(parents=True, exist_ok=True)
    for entity in contract.entities():
        header, rows = demo_rows(entity)
        with (folder / f"{entity}.csv").open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    return folder


def write_demo_xlsx(folder: Path) -> Path:
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    for entity in contract.entities():
        header, rows = demo_rows(entity)
        book = Workbook(write_only=True)
        sheet = book.create_sheet(entity)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(folder / f"{entity}.xlsx")
    return folder


def build(
    work: Path, raw: Path | None, *extra: str, salt: str | None = SALT
) -> subprocess.CompletedProcess[str]:
    """`python -m commops.build` with its own working, published and target folders."""
    env = {
        **os.environ,
        "COMMOPS_DUCKDB_PATH": str(work / "build.duckdb"),
        "COMMOPS_PUBLISHED_PATH": str(work / "published.duckdb"),
        "COMMOPS_TEMP_DIR": str(work / "tmp"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DO_NOT_TRACK": "1",
    }
    env.pop("RAW_DIR", None)
    env.pop("COMMOPS_PII_SALT", None)
    if raw is not None:
        env["RAW_DIR"] = str(raw)
    if salt is not None:
        env["COMMOPS_PII_SALT"] = salt
    command = [sys.executable, "-m", "commops.build", "--reports", str(work / "reports"), *extra]
    return subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )


def production(*dbt_args: str) -> list[str]:
    """Skip GX and unit tests: what these tests look at is staging, the marts and publishing."""
    return ["--skip-checks", "--", "--exclude-resource-type", "unit_test", *dbt_args]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def same_row(found: tuple, expected: tuple) -> bool:
    """Equal, doubles to 1e-12 relative: sums of doubles may differ in their last bit between
    two builds of the same data (the order DuckDB adds them in is not fixed)."""
    return len(found) == len(expected) and all(
        math.isclose(a, b, rel_tol=1e-12)
        if isinstance(a, float) and isinstance(b, float)
        else a == b
        for a, b in zip(found, expected, strict=True)
    )


def table_rows(path: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return sorted(
            con.execute(f"select * from marts.{table}").fetchall(),
            key=lambda row: tuple(
                "" if v is None else f"{v:.9g}" if isinstance(v, float) else str(v) for v in row
            ),
        )


@pytest.fixture(scope="module")
def utf8_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo export as UTF-8 comma CSV in a RAW_DIR folder, built and published."""
    work = tmp_path_factory.mktemp("utf8")
    done = build(work, write_demo(work / "raw"), *production())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return work


# --------------------------------------------------------------------------- file formats


@pytest.mark.parametrize(
    "form",
    ["gb18030", "semicolon", "tab", "xlsx"],
)
def test_lenders_file_formats_build_the_same_marts(
    form: str, utf8_build: Path, tmp_path: Path
) -> None:
    if form == "xlsx":
        raw = write_demo_xlsx(tmp_path / "raw")
    elif form == "gb18030":
        raw = write_demo(tmp_path / "raw", encoding="gb18030")
    else:
        raw = write_demo(tmp_path / "raw", delimiter=";" if form == "semicolon" else "\t")
    done = build(tmp_path, raw, *production())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for table in COMPARED:
        expected = table_rows(utf8_build / "published.duckdb", table)
        found = table_rows(tmp_path / "published.duckdb", table)
        assert len(found) == len(expected), table
        differ = [(a, b) for a, b in zip(found, expected, strict=True) if not same_row(a, b)]
        assert differ == [], table


# --------------------------------------------------------------------------- the published file

READER = r"""
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
objects = con.execute(
    "select schema_name, table_name, 'table' from duckdb_tables() "
    "union all select schema_name, view_name, 'view' from duckdb_views() where not internal"
).fetchall()
texts = []
for schema, table, kind in objects:
    con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
    for (column,) in con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
        "and data_type = 'VARCHAR'", [schema, table]
    ).fetchall():
        texts += [v for (v,) in con.execute(
            f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
        ).fetchall()]
print(json.dumps({"version": duckdb.__version__, "objects": objects, "texts": texts}))
"""


def raw_pii(raw: Path) -> set[str]:
    """Every phone and device id of the raw members export, as exported and as digits."""
    found: set[str] = set()
    with (raw / "members.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for column in ("phone", "device_id"):
                value = (row[column] or "").strip()
                if len(value) >= 6:
                    found.add(value)
                    digits = re.sub(r"\D", "", value)
                    if column == "phone" and len(digits) >= 11:
                        found.add(digits[-11:])
    return found


def test_published_file_is_for_readers_and_outlives_the_export_folder(
    utf8_build: Path, duckdb_1_4: Path, tmp_path: Path
) -> None:
    pii = raw_pii(utf8_build / "raw")
    assert len(pii) > 1000, "the demo export has phones and device ids to look for"
    moved = tmp_path / "published.duckdb"
    shutil.copy2(utf8_build / "published.duckdb", moved)
    gone = tmp_path / "raw_gone"
    shutil.copytree(utf8_build / "raw", gone)
    build_copy = tmp_path / "build.duckdb"
    shutil.copy2(utf8_build / "build.duckdb", build_copy)
    shutil.rmtree(gone)

    done = subprocess.run(
        [str(duckdb_1_4), "-c", READER, str(moved)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    import json

    seen = json.loads(done.stdout)
    assert seen["version"].startswith("1.4")
    kinds = {kind for _, _, kind in seen["objects"]}
    schemas = {schema for schema, _, _ in seen["objects"]}
    assert kinds == {"table"}
    assert schemas == {"marts", "reference"}
    names = {table for _, table, _ in seen["objects"]}
    assert {"dim_members", "mart_cac_monthly", "build_info", "channel_map"} <= names
    leaked = [text for text in seen["texts"] if any(value in text for value in pii)]
    assert leaked == []


def test_build_info_says_where_the_data_came_from(utf8_build: Path) -> None:
    with duckdb.connect(str(utf8_build / "published.duckdb"), read_only=True) as con:
        info = con.execute(
            "select entity, raw_source, raw_location, raw_rows, staged_rows, rejected_rows,"
            " collapsed_rows, as_of_date is not null from marts.build_info order by entity"
        ).fetchall()
        counts = con.execute(
            "select entity, raw_rows, staged_rows, rejected_rows, collapsed_rows"
            " from marts.staging_row_counts order by entity"
        ).fetchall()
    assert [row[0] for row in info] == sorted(contract.entities())
    assert {row[1:3] for row in info} == {("folder", str((utf8_build / "raw").resolve()))}
    assert [(row[0], *row[3:7]) for row in info] == counts
    assert all(row[7] for row in info)


def test_a_folder_build_never_loads_the_demo(utf8_build: Path) -> None:
    with duckdb.connect(str(utf8_build / "build.duckdb"), read_only=True) as con:
        schemas = {
            row[0] for row in con.execute("select schema_name from duckdb_tables()").fetchall()
        }
    assert "raw_demo" not in schemas


# --------------------------------------------------------------------------- nothing broken


def stopped_unchanged(done: subprocess.CompletedProcess[str], published: Path, before: str) -> str:
    assert done.returncode != 0
    assert "Warehouse published" not in done.stdout
    assert digest(published) == before
    assert not published.with_name(published.name + ".publishing").exists()
    return done.stdout + done.stderr


@pytest.fixture()
def published_demo(utf8_build: Path, tmp_path: Path) -> tuple[Path, str]:
    """A copy of the UTF-8 build's working and published files to break."""
    for name in ("build.duckdb", "published.duckdb"):
        shutil.copy2(utf8_build / name, tmp_path / name)
    return tmp_path, digest(tmp_path / "published.duckdb")


def test_header_only_members_stop_the_run(published_demo: tuple[Path, str]) -> None:
    work, before = published_demo
    raw = write_demo(work / "raw")
    header, _ = demo_rows("members")
    (raw / "members.csv").write_text(",".join(header) + "\n", encoding="utf-8")
    said = stopped_unchanged(build(work, raw, *production()), work / "published.duckdb", before)
    assert "guard raw_exports" in said
    assert "members.csv: has a header but no rows" in said
    assert "Running with dbt" not in said


def test_an_empty_events_file_stops_the_run(published_demo: tuple[Path, str]) -> None:
    work, before = published_demo
    raw = write_demo(work / "raw")
    (raw / "events.csv").write_bytes(b"")
    said = stopped_unchanged(build(work, raw, *production()), work / "published.duckdb", before)
    assert "guard raw_exports" in said
    assert "events.csv is an empty file (0 bytes)" in said


def test_thirty_percent_fewer_members_stop_the_run(published_demo: tuple[Path, str]) -> None:
    work, before = published_demo
    raw = write_demo(work / "raw")
    header, rows = demo_rows("members")
    kept = rows[: int(len(rows) * 0.7)]
    with (raw / "members.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(kept)
    with duckdb.connect(str(work / "published.duckdb"), read_only=True) as con:
        (published_staged,) = con.execute(
            "select staged_rows from marts.build_info where entity = 'members'"
        ).fetchone()
    said = stopped_unchanged(build(work, raw, *production()), work / "published.duckdb", before)
    line = next(text for text in said.splitlines() if "guard row_drop" in text)
    assert "members" in line
    assert f"{published_staged:,}" in line
    assert "max_row_drop_rate 20" in line


def test_a_guard_stops_an_empty_required_table(tmp_path: Path) -> None:
    """Tables (no folder to check before dbt): the empty_export guard stops after dbt."""
    from commops import publish

    working = tmp_path / "build.duckdb"
    with duckdb.connect(str(working)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.staging_row_counts as select * from (values"
            " ('members', 0, 0, 0, 0), ('events', 5, 5, 0, 0), ('spend', 1, 1, 0, 0),"
            " ('loans', 1, 1, 0, 0), ('repayments', 1, 1, 0, 0))"
            " t(entity, raw_rows, staged_rows, rejected_rows, collapsed_rows)"
        )
    report = publish.check_guards(working, tmp_path / "none.duckdb", {})
    assert report.critical == [
        "guard empty_export: members has 0 raw rows; a required export must have rows"
    ]


# --------------------------------------------------------------------------- named up front


def test_every_export_problem_is_named_before_dbt_starts(tmp_path: Path) -> None:
    raw = write_demo(tmp_path / "raw")
    (raw / "loans.csv").unlink()
    (raw / "repayments.csv").unlink()
    header, _ = demo_rows("spend")
    (raw / "spend.csv").write_text(",".join(header) + "\n", encoding="utf-8")
    header, rows = demo_rows("members")
    keep = [i for i, name in enumerate(header) if name != "channel"]
    with (raw / "members.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([header[i] for i in keep])
        writer.writerows([[row[i] for i in keep] for row in rows])
    started = time.perf_counter()
    done = build(tmp_path, raw, *production())
    seconds = time.perf_counter() - started
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Running with dbt" not in said, "stopped before dbt starts"
    assert "loans: no export found" in said
    assert "repayments: no export found" in said
    assert "spend.csv: has a header but no rows" in said
    assert "members.csv: required column channel missing" in said
    assert "Traceback" not in said
    print(f"stopped after {seconds:.2f} s (process start included)")


def test_plain_dbt_names_the_problems_too(tmp_path: Path) -> None:
    """`RAW_DIR=… dbt build` without the Python wrapper: the same problems, no engine dump."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "members.xls").write_bytes(b"\xd0\xcf\x11\xe0 an old Excel file")
    (raw / "events.csv").write_text("event_id;member_id\nE1;M1\n", encoding="utf-8")
    env = {
        "RAW_DIR": str(raw),
        "COMMOPS_PII_SALT": SALT,
        "COMMOPS_DUCKDB_PATH": str(tmp_path / "w.duckdb"),
    }
    done = dbt_cli.run(
        ["build"],
        env=env,
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
        capture=True,
    )
    said = done.stdout
    assert done.returncode != 0
    assert "members.xls" in said and "xlsx" in said
    assert "events.csv: required column" in said
    assert "spend: no export found" in said
    assert "Traceback" not in said and "sniff" not in said.lower()


# --------------------------------------------------------------------------- secrets


def test_the_public_salt_stops_a_real_export(tmp_path: Path) -> None:
    done = build(tmp_path, write_demo(tmp_path / "raw"), *production(), salt=None)
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "COMMOPS_PII_SALT" in said
    assert "Running with dbt" not in said


def test_the_salt_never_lands_in_a_file(utf8_build: Path) -> None:
    needles = [SALT.encode(), SALT.encode("unicode_escape"), SALT.replace("'", "''").encode()]
    places = [utf8_build / "target", utf8_build / "logs", utf8_build / "build.duckdb"]
    places.append(utf8_build / "published.duckdb")
    files = [p for place in places for p in ([place] if place.is_file() else place.rglob("*"))]
    assert len(files) > 10
    holding = [str(f) for f in files if f.is_file() and any(n in f.read_bytes() for n in needles)]
    assert holding == []
    with duckdb.connect(str(utf8_build / "build.duckdb"), read_only=True) as con:
        (phone_hashes,) = con.execute(
            "select count(phone_hash) from staging.base_raw__members_screened"
        ).fetchone()
    assert phone_hashes > 0, "the salted hashes were computed"


# --------------------------------------------------------------------------- output


def test_the_end_of_a_build_says_where_and_how_healthy(tmp_path: Path) -> None:
    """What `make build` prints last: the published path and one health line; no FAILED
    lines for the demo's planted problems and no binding leak report."""
    done = build(tmp_path, None, "--", "--exclude-resource-type", "unit_test", salt=None)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    tail = (done.stdout + done.stderr).splitlines()[-15:]
    text = "\n".join(tail)
    assert f"Warehouse published: {tmp_path / 'published.duckdb'}" in text
    health = [line for line in tail if line.startswith("Health: ")]
    assert len(health) == 1
    assert "demo export plants these problems on purpose" in health[0]
    assert "FAILED" not in text
    assert "nanobind" not in done.stdout + done.stderr
    assert "GX: suite" in done.stdout


def test_an_export_that_shrank_asks_for_make_refresh(published_demo: tuple[Path, str]) -> None:
    """Incremental runs expect append-only exports: events that vanish unbalance the rows, and
    the message names the way out."""
    work, before = published_demo
    raw = write_demo(work / "raw")
    header, rows = demo_rows("events")
    with (raw / "events.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows[100:])
    said = stopped_unchanged(build(work, raw, *production()), work / "published.duckdb", before)
    assert "make refresh" in said
