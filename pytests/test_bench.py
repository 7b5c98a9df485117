"""`make bench` end to end at a tiny scale: every step runs and its figures are written.

Nothing here asserts a time (a benchmark measures; docs/benchmark.md holds the figures)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from commops.bench import BEGIN, END, TARGETS

PROJECT_DIR = Path(__file__).resolve().parent.parent
STEPS = ["lower_bound", "full_build", "incremental_build", "rerun_build", "gx_run", "floor"]


def test_bench_measures_every_step_and_writes_the_tables(tmp_path: Path) -> None:
    markdown = tmp_path / "benchmark.md"
    markdown.write_text("# Kept above\n\n" + BEGIN + "\nold figures\n" + END + "\n\nKept below\n")
    figures = tmp_path / "benchmark.json"
    done = subprocess.run(
        [sys.executable, "-m", "commops.bench", "--members", "2000", "--floor-members", "300",
         "--markdown", str(markdown), "--json", str(figures)],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]

    run = json.loads(figures.read_text(encoding="utf-8"))["runs"]["2000"]
    steps = {step["name"]: step for step in run["steps"]}
    assert list(steps) == STEPS
    for step in steps.values():
        assert step["exit_code"] == 0, step
        assert step["seconds"] > 0 and step["peak_rss_mib"] > 0
    # The daily run read the appended delivery, late events included.
    assert run["data"]["events_part_1"] > 0
    assert TARGETS.keys() <= run["ratios"].keys()
    lower, full = steps["lower_bound"]["seconds"], steps["full_build"]["seconds"]
    assert abs(run["ratios"]["full_to_lower_bound"] - full / lower) < 0.06
    assert run["failed_steps"] == []

    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("# Kept above") and text.rstrip().endswith("Kept below")
    assert "old figures" not in text
    assert "### 2,000 members" in text and "| full build" in text
    assert "| the same command again, nothing new" in text
    # The floor: the same DAG on a smaller export.
    assert "| floor: the same command, nothing new, on a 300-member export" in text
    assert run["floor_members"] == 300
    assert abs(run["ratios"]["floor_to_full"] - steps["floor"]["seconds"] / full) < 0.006
