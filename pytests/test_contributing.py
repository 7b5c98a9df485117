"""docs/CONTRIBUTING.md's worked example works as written: its SQL and yml, added to a copy of
the project where the guide says, build with the guide's command, and the DAG keeps its shape."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from pytests.dbtrun import PROJECT_DIR, copy_project, run_dbt

GUIDE = PROJECT_DIR / "docs" / "CONTRIBUTING.md"


def code_blocks(kind: str) -> list[str]:
    """The guide's fenced blocks of one kind, without the list item's 3-space indent."""
    blocks = re.findall(rf"```{kind}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return ["\n".join(line[3:] for line in block.splitlines()) + "\n" for block in blocks]


def test_the_worked_example_builds_as_written(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (sql_path,) = re.findall(r"The SQL, `(models/[^`]+\.sql)`", GUIDE.read_text(encoding="utf-8"))
    (project / sql_path).write_text(code_blocks("sql")[0], encoding="utf-8")
    model_entry, unit_test = code_blocks("yaml")[:2]
    yml = project / Path(sql_path).parent / "_cost__models.yml"
    text = yml.read_text(encoding="utf-8")
    at = text.index("\nunit_tests:\n")
    text = text[:at].rstrip("\n") + "\n\n" + model_entry + text[at:].rstrip("\n") + "\n\n"
    yml.write_text(text + unit_test.split("\n", 1)[1], encoding="utf-8")

    command = next(
        line.strip()
        for block in code_blocks("sh")
        for line in block.splitlines()
        if "dbt build --select +mart_" in line
    )
    args = shlex.split(command.split(".venv/bin/dbt", 1)[1])
    done = run_dbt(args, warehouse=tmp_path / "w.duckdb", project_dir=project)
    assert done.returncode == 0, done.output[-4000:]
    assert "PASS mart_new_members_quarterly::" in done.output
    assert "OK created sql table model marts.mart_new_members_quarterly" in done.output
