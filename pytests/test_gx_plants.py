"""One bad row of each kind in an otherwise clean export makes the Great Expectations run fail
naming that kind's expectation; the clean export passes.

Both exports come from the generator (the planted one with one row of every kind of CONTRACT §3
and §6, `--plant-rate` small enough that each kind gets its minimum of one), are built as users
build them (RAW_DIR), and are validated by the shipped authenticity suite with `--fail-on any`,
so that the warn-severity checks count.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from commops import detection
from commops._gen_plant import ENTITY_KINDS
from pytests.dbtrun import PROJECT_DIR

MEMBERS, SEED = 400, 11
ONE_ROW_PER_KIND = 1e-6


def build(work: Path, plant_rate: float) -> Path:
    truth = work / "ground_truth.csv"
    detection.generate(work / "raw", truth, members=MEMBERS, seed=SEED, plant_rate=plant_rate)
    warehouse = work / "warehouse.duckdb"
    detection.build(work / "raw", warehouse)
    return warehouse


def run_gx(warehouse: Path, work: Path) -> tuple[int, dict]:
    suites = work / "suites"
    suites.mkdir(exist_ok=True)
    shutil.copy2(PROJECT_DIR / "expectations" / "authenticity.json", suites)
    summary = work / "gx_summary.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "commops.gx_run",
            "--warehouse",
            str(warehouse),
            "--suites",
            str(suites),
            "--docs",
            str(work / "gx_docs"),
            "--summary",
            str(summary),
            "--fail-on",
            "any",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=False,
    )
    assert summary.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    return done.returncode, json.loads(summary.read_text(encoding="utf-8"))


def failed_columns(summary: dict) -> set[str]:
    """Columns (``<entity>__<check_name>``) of the per-check expectations that did not pass."""
    results = [result for suite in summary["suites"] for result in suite["results"]]
    per_check = [r for r in results if r["target"] == "query dq_checks_by_check"]
    assert per_check, "the authenticity suite has no per-check expectations"
    return {r["column"] for r in per_check if r["status"] != "passed"}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict]:
    work = tmp_path_factory.mktemp("gx_clean")
    return run_gx(build(work, 0.0), work)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict]:
    work = tmp_path_factory.mktemp("gx_planted")
    return run_gx(build(work, ONE_ROW_PER_KIND), work)


def test_clean_export_passes(clean: tuple[int, dict]) -> None:
    code, summary = clean
    assert code == 0, json.dumps(summary)[:3000]
    assert failed_columns(summary) == set()


@pytest.mark.parametrize(
    "entity_kind",
    [f"{entity}__{kind}" for entity, kinds in ENTITY_KINDS.items() for kind in kinds],
)
def test_each_planted_kind_fails_its_expectation(
    entity_kind: str, planted: tuple[int, dict]
) -> None:
    code, summary = planted
    assert code != 0
    assert entity_kind in failed_columns(summary)


def test_row_balance_holds_in_the_planted_export(planted: tuple[int, dict]) -> None:
    _, summary = planted
    assert not {f"{entity}__row_balance" for entity in ENTITY_KINDS} & failed_columns(summary)
