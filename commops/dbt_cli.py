"""Run dbt for every Python caller: one command line, one environment, one subprocess call.

    from commops import dbt_cli
    done = dbt_cli.run(["build"], env={"COMMOPS_DUCKDB_PATH": str(path)}, capture=True)

dbt is the one beside this interpreter (else `dbt` on PATH), run in the project folder with its
profiles (``--project-dir`` and ``--profiles-dir``) and ``DO_NOT_TRACK=1``. Callers keep their
own environment choices (which warehouse, RAW_DIR, salt) and pass them as ``env``; a value of
None there removes that variable. :func:`command` and :func:`environment` give the command line
and environment to a caller that starts the process itself (``commops.bench`` times it).

The module is not called ``dbt``: that would hide the dbt package from a script run inside
``commops/``. ``commops.spark_load`` runs dbt in-process (dbtRunner) on purpose, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def executable() -> str:
    """dbt from this interpreter's environment, else `dbt` on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def command(
    args: Sequence[str],
    *,
    project_dir: Path = PROJECT_DIR,
    target_path: Path | None = None,
    log_path: Path | None = None,
    variables: Mapping[str, object] | None = None,
) -> list[str]:
    """`dbt <args>` for project_dir, with its profiles, and the target/log folders and --vars
    when given (as JSON)."""
    line = [executable(), *args, "--project-dir", str(project_dir)]
    line += ["--profiles-dir", str(project_dir)]
    if target_path is not None:
        line += ["--target-path", str(target_path)]
    if log_path is not None:
        line += ["--log-path", str(log_path)]
    if variables:
        line += ["--vars", json.dumps(variables)]
    return line


def environment(env: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """This process's environment with DO_NOT_TRACK=1 and env over it (None: removed)."""
    full = {**os.environ, "DO_NOT_TRACK": "1"}
    for name, value in (env or {}).items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = value
    return full


def run(
    args: Sequence[str],
    *,
    env: Mapping[str, str | None] | None = None,
    project_dir: Path = PROJECT_DIR,
    target_path: Path | None = None,
    log_path: Path | None = None,
    variables: Mapping[str, object] | None = None,
    capture: bool = False,
    output: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run dbt in project_dir and wait; never raises on dbt's failure (see returncode).

    capture: dbt's stdout and stderr, interleaved, in the result's ``stdout``; output: written
    to that file instead; neither: they go where this process's go.
    """
    line = command(
        args,
        project_dir=project_dir,
        target_path=target_path,
        log_path=log_path,
        variables=variables,
    )
    full_env = environment(env)
    if output is not None:
        with open(output, "w", encoding="utf-8") as handle:
            return subprocess.run(
                line,
                cwd=project_dir,
                env=full_env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                text=True,
                check=False,
            )
    if capture:
        return subprocess.run(
            line,
            cwd=project_dir,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
    return subprocess.run(line, cwd=project_dir, env=full_env, text=True, check=False)
