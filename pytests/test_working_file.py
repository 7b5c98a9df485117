"""The working file is named like the published one, so that dbt docs (which read the working
file) and BI tools (which read the published one) show the same catalog: `commops`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from commops import build
from pytests.dbtrun import PROJECT_DIR


def test_working_and_published_files_share_the_catalog_name() -> None:
    # DuckDB names the catalog of a file after its stem.
    assert Path(build.DEFAULT_WORKING).stem == Path(build.DEFAULT_PUBLISHED).stem == "commops"
    assert Path(build.DEFAULT_WORKING).parent != Path(build.DEFAULT_PUBLISHED).parent


def test_the_profile_writes_the_working_file_python_reads() -> None:
    profile = (PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    written = re.search(r"env_var\('COMMOPS_DUCKDB_PATH', '([^']+)'\)", profile)
    assert written is not None and written[1] == build.DEFAULT_WORKING


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder holding a working file at the old default path, no path chosen."""
    monkeypatch.setattr(build, "PROJECT_DIR", tmp_path)
    monkeypatch.delenv("COMMOPS_DUCKDB_PATH", raising=False)
    old = tmp_path / build.OLD_DEFAULT_WORKING
    old.parent.mkdir(parents=True)
    old.write_bytes(b"incremental state")
    old.with_name(old.name + ".wal").write_bytes(b"log")
    return tmp_path


def test_a_working_file_at_the_old_path_moves_once(project: Path) -> None:
    line = build.adopt_old_working_file()
    new = project / build.DEFAULT_WORKING
    assert line == (
        f"Moved the working file {project / build.OLD_DEFAULT_WORKING} to {new} "
        "(its new default path)."
    )
    assert new.read_bytes() == b"incremental state"
    assert new.with_name(new.name + ".wal").read_bytes() == b"log"
    assert not (project / build.OLD_DEFAULT_WORKING).exists()
    assert build.adopt_old_working_file() is None


def test_nothing_moves_over_a_working_file_or_a_chosen_path(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = project / build.DEFAULT_WORKING
    new.parent.mkdir(parents=True)
    new.write_bytes(b"newer")
    assert build.adopt_old_working_file() is None
    assert new.read_bytes() == b"newer"
    new.unlink()
    monkeypatch.setenv("COMMOPS_DUCKDB_PATH", str(project / "elsewhere.duckdb"))
    assert build.adopt_old_working_file() is None
    assert (project / build.OLD_DEFAULT_WORKING).exists()
