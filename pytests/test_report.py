"""The offline report (commops.report), from the published demo warehouse.

`python -m commops.report` writes reports/demo/commops.html from the session's demo build,
published as `make build` publishes it. Headless Chromium (pytests/chromium.py: the DevTools
protocol on a pipe) opens it from file:// with every other request failed, and the page must
load with no console error, no request leaving the file, and every chart drawn; a screenshot
of each section lands in reports/demo/. The numbers in the charts are compared with the marts,
the exposure with what the report reads, and a missing or broken warehouse must give one line.
Skipped, the browser part only, when no Chromium is installed (.ci/run installs Debian's).
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from commops import report
from pytests.chromium import Chromium, Page
from pytests.dbtrun import PROJECT_DIR

OUT_DIR = PROJECT_DIR / "reports" / "demo"
#: Every chart figure holds an SVG with plotted marks (paths, heatmap images, bars) of some size.
DRAWN = """
[...document.querySelectorAll('[data-chart]')].map(figure => [
  figure.dataset.chart,
  figure.querySelectorAll('canvas').length + [...figure.querySelectorAll(
    'svg.main-svg .overplot path, svg.main-svg .overplot image, svg.main-svg .overplot rect'
  )].filter(mark => { const box = mark.getBBox(); return box.width > 0 || box.height > 0; })
    .length,
])
"""
ALL_PLOTTED = (
    "document.readyState === 'complete' && [...document.querySelectorAll('[data-chart]')]"
    ".every(figure => figure.querySelector('svg.main-svg .overplot, canvas'))"
)


def run_report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "commops.report", *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def report_file(demo_published: Path) -> Path:
    out = OUT_DIR / "commops.html"
    done = run_report("--warehouse", str(demo_published), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Report written: {out}"
    return out


@pytest.fixture(scope="module")
def page(browser: Chromium, report_file: Path) -> Page:
    opened = browser.open(report_file.as_uri(), timeout=120)
    opened.wait_for(ALL_PLOTTED, timeout=60)
    return opened


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# --- in the browser ---------------------------------------------------------------------------


def test_the_report_opens_offline_with_no_console_error(page: Page, report_file: Path) -> None:
    assert page.log.errors == []
    assert page.log.blocked == []
    # data: URLs are images plotly.js carries inside the file itself.
    left = [u for u in page.log.requests if u != report_file.as_uri() and not u.startswith("data:")]
    assert left == []
    assert page.log.requests[0] == report_file.as_uri()


def test_every_chart_drew(
    page: Page, report_file: Path, sections: dict[str, report.Section]
) -> None:
    charts = [
        part.key for s in sections.values() for part in s.parts if isinstance(part, report.Chart)
    ]
    assert re.findall(r'data-chart="([^"]+)"', report_file.read_text(encoding="utf-8")) == charts
    drawn = dict(page.evaluate(DRAWN))
    assert list(drawn) == charts
    assert [key for key, marks in drawn.items() if marks == 0] == []


def test_a_screenshot_of_every_section(page: Page, sections: dict[str, report.Section]) -> None:
    shown = page.evaluate(
        "[...document.querySelectorAll('main > section')].map(s => [s.id, "
        "Math.round(s.getBoundingClientRect().width), "
        "Math.round(s.getBoundingClientRect().height)])"
    )
    assert [key for key, _, _ in shown] == list(sections)
    for old in OUT_DIR.glob("*.png"):
        old.unlink()
    (OUT_DIR / "00-top.png").write_bytes(page.screenshot())
    for number, (key, width, height) in enumerate(shown, start=1):
        shot = page.screenshot(f"#{key}")
        (OUT_DIR / f"{number:02d}-{key}.png").write_bytes(shot)
        assert abs(png_size(shot)[0] - width) <= 1 and abs(png_size(shot)[1] - height) <= 1, key
        # A section with a title and nothing drawn is about 10 kB at this size.
        assert len(shot) > 20_000, key
    assert len(list(OUT_DIR.glob("*.png"))) == len(shown) + 1


def test_the_harness_catches_a_request_leaving_the_file(browser: Chromium, tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.html"
    leaky.write_text(
        '<html><body><img src="http://example.com/logo.png">'
        '<script src="https://cdn.example.org/lib.js"></script></body></html>',
        encoding="utf-8",
    )
    opened = browser.open(leaky.as_uri())
    assert sorted(opened.log.blocked) == [
        "http://example.com/logo.png",
        "https://cdn.example.org/lib.js",
    ]
    assert len(opened.log.errors) == 2  # each failed load is a console error


# --- the file and its numbers -----------------------------------------------------------------


def test_the_file_loads_nothing_from_elsewhere(report_file: Path) -> None:
    text = report_file.read_text(encoding="utf-8")
    tags = re.findall(r"<(script|link|img|iframe)\b([^>]*)>", text)
    assert [(tag, attrs) for tag, attrs in tags if "src=" in attrs or "href=" in attrs] == []
    assert {tag for tag, _ in tags} == {"script"}
    assert "Plotly.newPlot" in text and len(text) > 3_000_000  # plotly.js is inside


@pytest.fixture(scope="module")
def sections(demo_published: Path) -> dict[str, report.Section]:
    with report.open_warehouse(demo_published) as wh:
        return {section.key: section for section in report.sections(wh)}


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_rate_chart_reads_the_rate_column(
    sections: dict[str, report.Section], demo_published: Path
) -> None:
    kpi = {trace.name: list(trace.y) for trace in sections["kpis"].chart("kpi-monthly").figure.data}
    mart = query(
        demo_published, "select arpu_cny, churn_rate from marts.mart_kpi_monthly order by month"
    )
    assert kpi["ARPU"] == [row[0] for row in mart]
    assert kpi["流失率 churn rate"] == [row[1] for row in mart]
    vintage = sections["vintage"].chart("vintage-dpd30").figure.data[0]
    first = query(
        demo_published,
        "with first as (select product, disbursed_month from marts.mart_loan_vintage "
        "order by product, disbursed_month limit 1) "
        "select dpd30_rate from marts.mart_loan_vintage join first using "
        "(product, disbursed_month) order by months_on_book",
    )
    assert list(vintage.y) == [row[0] for row in first]


def test_the_funnel_adds_up_to_the_members_at_each_step(
    sections: dict[str, report.Section], demo_published: Path
) -> None:
    """The funnel adds mart_funnel_monthly's counts over cohorts and member types: they must
    be fct_member_funnel's members with each step set."""
    shown = {
        trace.name: list(trace.x) for trace in sections["funnel"].chart("funnel-steps").figure.data
    }
    members = query(
        demo_published,
        "select channel, count(*), count(activated_at), count(applied_at), count(approved_at), "
        "count(funded_at), count(repeat_funded_at) from marts.fct_member_funnel "
        "group by channel order by channel",
    )
    with report.open_warehouse(demo_published) as wh:
        expected = {report.label("channel", row[0], wh): list(row[1:]) for row in members}
    assert shown == expected


def test_the_cost_grid_adds_up_to_fct_spend(
    sections: dict[str, report.Section], demo_published: Path
) -> None:
    grid = sections["cost"].chart("cost-heatmap").figure.data[0].z
    total = sum(value for row in grid for value in row if value is not None)
    spend = query(demo_published, "select sum(amount_cny) from marts.fct_spend")[0][0]
    assert total == pytest.approx(spend, abs=0.01)


def test_the_headline_is_the_as_of_month(
    sections: dict[str, report.Section], demo_published: Path
) -> None:
    as_of, members = query(
        demo_published,
        "select info.as_of_date, kpi.total_members from marts.build_info as info "
        "join marts.mart_kpi_monthly as kpi on kpi.month = date_trunc('month', info.as_of_date) "
        "limit 1",
    )[0]
    with report.open_warehouse(demo_published) as wh:
        assert f"Data as of 截至 {as_of};" in report.about(wh)
    overview = sections["overview"]
    assert f"{as_of:%Y-%m}" in overview.note
    assert overview.cards[0].value == f"{members:,}"
    assert overview.cards[0].source.startswith(f"mart_kpi_monthly.total_members, {as_of:%Y-%m}")


def test_the_exposure_lists_what_the_report_reads() -> None:
    path = PROJECT_DIR / "models" / "marts" / "_exposures_report.yml"
    (exposure,) = yaml.safe_load(path.read_text(encoding="utf-8"))["exposures"]
    refs = {re.fullmatch(r"ref\('(\w+)'\)", ref).group(1) for ref in exposure["depends_on"]}
    # build_info is written by commops.publish, not by dbt.
    read = {name.split(".")[1] for name in report.RELATIONS} - {"build_info"}
    assert refs == read
    assert exposure["url"] == str(report.DEFAULT_OUT)


# --- what a user sees when it cannot work -----------------------------------------------------


def one_line_naming(done: subprocess.CompletedProcess[str], path: Path) -> str:
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Report not written: ")
    assert str(path) in lines[0]
    return lines[0]


def test_a_missing_warehouse_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "commops.duckdb"
    line = one_line_naming(
        run_report("--warehouse", str(missing), "--out", str(tmp_path / "r.html")), missing
    )
    assert "does not exist" in line
    assert not (tmp_path / "r.html").exists()


def test_a_file_that_is_not_duckdb_is_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "commops.duckdb"
    bogus.write_text("member_id,joined_at\nM1,2024-01-01\n", encoding="utf-8")
    line = one_line_naming(
        run_report("--warehouse", str(bogus), "--out", str(tmp_path / "r.html")), bogus
    )
    assert "cannot open" in line


def test_a_warehouse_without_the_marts_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "commops.duckdb"
    duckdb.connect(str(empty)).close()
    line = one_line_naming(
        run_report("--warehouse", str(empty), "--out", str(tmp_path / "r.html")), empty
    )
    assert "marts.mart_kpi_monthly" in line


def test_an_unwritable_report_is_one_line(demo_published: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    out = blocker / "commops.html"
    line = one_line_naming(
        run_report("--warehouse", str(demo_published), "--out", str(out)), out.parent
    )
    assert "cannot write" in line
