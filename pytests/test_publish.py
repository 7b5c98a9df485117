"""Safe publishing: BI tools read a file that only a sound build replaces, atomically."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from commops.duckdb_plugin import synthetic_salt_env
from pytests.dbtrun import PROJECT_DIR
from pytests.test_bad_input import write_export

FAILING_SUITE = {
    "name": "planted",
    "expectations": [
        {
            "type": "expect_table_row_count_to_equal",
            "kwargs": {"value": 0},
            "meta": {"table": "dim_members", "severity": "critical"},
        }
    ],
}
PASSING_SUITE = {
    "name": "planted",
    "expectations": [
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "member_id"},
            "meta": {"table": "dim_members", "severity": "critical"},
        }
    ],
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(work: Path, raw: Path, suite: dict) -> subprocess.CompletedProcess[str]:
    suites = work / f"suites_{len(list(work.glob('suites_*')))}"
    suites.mkdir()
    (suites / "planted.json").write_text(json.dumps(suite), encoding="utf-8")
    env = {
        **os.environ,
        "RAW_DIR": str(raw),
        "COMMOPS_DUCKDB_PATH": str(work / "build.duckdb"),
        "COMMOPS_PUBLISHED_PATH": str(work / "published.duckdb"),
        "COMMOPS_TEMP_DIR": str(work / "tmp"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        **synthetic_salt_env(),
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "commops.build",
            "--suites",
            str(suites),
            "--reports",
            str(work / "reports"),
            "--",
            "--exclude",
            "raw_*",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("publish")
    write_export(work / "raw")
    done = build(work, work / "raw", PASSING_SUITE)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"Warehouse published: {work / 'published.duckdb'}" in done.stdout
    assert done.stdout.strip().endswith(f"Report: {work / 'reports' / 'commops.html'}")
    return work, work / "published.duckdb"


def test_published_file_holds_the_marts(published: tuple[Path, Path]) -> None:
    _, path = published
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_members").fetchone()[0] > 0


def test_the_build_writes_the_report_from_the_published_file(
    published: tuple[Path, Path],
) -> None:
    work, path = published
    with duckdb.connect(str(path), read_only=True) as con:
        as_of = con.execute("select max(as_of_date) from marts.build_info").fetchone()[0]
    page = (work / "reports" / "commops.html").read_text(encoding="utf-8")
    assert f"Data as of 截至 {as_of};" in page
    assert not (work / "reports" / "commops.html.partial").exists()


def test_failed_checks_leave_the_published_file_untouched(published: tuple[Path, Path]) -> None:
    work, path = published
    before = digest(path)
    done = build(work, work / "raw", FAILING_SUITE)
    assert done.returncode != 0
    assert "unchanged" in done.stderr
    assert digest(path) == before


def test_failed_dbt_build_leaves_the_published_file_untouched(published: tuple[Path, Path]) -> None:
    work, path = published
    before = digest(path)
    broken = work / "broken_raw"
    write_export(broken)
    (broken / "loans.csv").write_text("loan_id,member_id\nL1,M1\n", encoding="utf-8")
    done = build(work, broken, PASSING_SUITE)
    assert done.returncode != 0
    assert digest(path) == before


def test_a_reader_of_the_published_file_is_not_disturbed(published: tuple[Path, Path]) -> None:
    work, path = published
    reader = duckdb.connect(str(path), read_only=True)
    try:
        members_before = reader.execute("select count(*) from marts.dim_members").fetchone()[0]
        bigger = work / "bigger_raw"
        write_export(bigger)
        with (bigger / "members.csv").open("a", encoding="utf-8") as handle:
            handle.write("M100,2024-01-20 08:00:00,C1,微信群,,,sme,,,,,,,basic,,\n")
        done = build(work, bigger, PASSING_SUITE)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        # The open reader still sees the file it opened, whole.
        assert (
            reader.execute("select count(*) from marts.dim_members").fetchone()[0] == members_before
        )
    finally:
        reader.close()
    with duckdb.connect(str(path), read_only=True) as con:
        assert (
            con.execute("select count(*) from marts.dim_members").fetchone()[0]
            == members_before + 1
        )
