"""The semantic layer (models/semantic/, MetricFlow) on the demo warehouse.

- Every metric that restates a mart column equals it cell by cell at the mart's own grain
  (ratios are ratios of sums, so a mart row's numerator and denominator give its ratio), and
  the saved queries answer.
- `.venv/bin/mf query` prints numbers with the network unreachable (proxies at a closed port,
  and no network at all where `unshare -n` works), within a timeout, without noise; and
  `python -m commops.mf` sends no request at all.

One demo build for the session (conftest.demo_build); MetricFlow runs in child processes.
"""

from __future__ import annotations

import csv
import math
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pytests.dbtrun import DbtResult
from pytests.mfrun import PROJECT_DIR, MfQuery, mf_project, run_queries

MF = Path(sys.executable).with_name("mf")
#: A CLI run loads the dbt profile and the manifest (about 10 s here); a hang fails the test.
CLI_TIMEOUT_S = 180
OFFLINE_METRICS = ("new_members", "arpu_cny", "churn_rate")


@dataclass(frozen=True)
class MartCheck:
    """Metrics that restate columns of a mart, grouped by the mart's grain.

    keys: MetricFlow group-by name -> mart key column; metrics: metric -> mart column.
    """

    mart: str
    keys: dict[str, str]
    metrics: dict[str, str]


MONTH = "metric_time__month"
CHECKS = (
    MartCheck(
        "mart_cac_monthly",
        {MONTH: "month", "channel": "channel"},
        {
            "new_members": "new_members",
            "paid_spend_cny": "paid_spend_cny",
            "fully_loaded_spend_cny": "fully_loaded_spend_cny",
            "paid_cac_cny": "paid_cac_cny",
            "fully_loaded_cac_cny": "fully_loaded_cac_cny",
            "new_funded_borrowers": "new_funded_borrowers",
            "cost_per_funded_borrower_cny": "cost_per_funded_borrower_cny",
            "opportunity_cost_cny": "opportunity_cost_cny",
        },
    ),
    MartCheck(
        "mart_cost_monthly",
        {
            MONTH: "month",
            "cost_monthly__cost_center": "cost_center",
            "channel": "channel",
            "cost_monthly__category": "category",
        },
        {
            "direct_cost_cny": "direct_cny",
            "allocated_cost_cny": "allocated_cny",
            "total_cost_cny": "total_cny",
        },
    ),
    MartCheck(
        "mart_channel_roi",
        {
            MONTH: "cohort_month",
            "channel": "channel",
            "channel_roi__months_since_cohort": "months_since_cohort",
        },
        {"ltv_per_member_cny": "ltv_per_member_cny", "roi": "roi", "ltv_to_cac": "ltv_to_cac"},
    ),
    MartCheck(
        "mart_funnel_monthly",
        {MONTH: "cohort_month", "channel": "channel", "member_type": "member_type"},
        {
            "funnel_members": "members",
            "activation_rate": "activation_rate",
            "application_rate": "application_rate",
            "approval_rate": "approval_rate",
            "funding_rate": "funding_rate",
            "repeat_funding_rate": "repeat_rate",
            "median_days_to_fund": "median_days_to_fund",
        },
    ),
    MartCheck(
        "mart_engagement_daily",
        {"metric_time__day": "activity_date"},
        {"dau": "dau", "wau": "wau", "mau": "mau", "stickiness": "stickiness"},
    ),
    MartCheck(
        "mart_cohort_retention",
        {
            MONTH: "cohort_month",
            "channel": "channel",
            "cohort_retention__months_since_join": "months_since_join",
        },
        {
            "retention_rate": "retention_rate",
            "unbounded_retention_rate": "unbounded_retention_rate",
        },
    ),
    MartCheck(
        "mart_lifecycle_monthly",
        {MONTH: "month"},
        {
            "new_members": "new",
            "retained_members": "retained",
            "resurrected_members": "resurrected",
            "first_active_members": "first_active",
            "dormant_members": "dormant",
        },
    ),
    MartCheck(
        "mart_loan_vintage",
        {
            MONTH: "disbursed_month",
            "loan_vintage__product": "product",
            "loan_vintage__months_on_book": "months_on_book",
        },
        {"vintage_loans": "loans", "dpd30_rate": "dpd30_rate"},
    ),
    MartCheck(
        "mart_kpi_monthly",
        {MONTH: "month"},
        {
            "new_members": "new_members",
            "total_members": "total_members",
            "active_rate": "active_rate",
            "avg_dau": "avg_dau",
            "interactions_per_active_member": "interactions_per_active_member",
            "paying_rate": "paying_rate",
            "repeat_rate": "repeat_rate",
            "arpu_cny": "arpu_cny",
            "arppu_cny": "arppu_cny",
            "avg_order_value_cny": "avg_order_value_cny",
            "churn_rate": "churn_rate",
            "top_decile_revenue_share": "top_decile_revenue_share",
        },
    ),
    MartCheck(
        "mart_module_monthly",
        {MONTH: "month", "module_monthly__module": "module"},
        {"module_buyers": "buyers", "refunded_cny": "refunded_cny", "module_roi": "roi"},
    ),
    MartCheck(
        "mart_referral_monthly",
        {MONTH: "month"},
        {
            "cost_per_referred_member_cny": "cost_per_referred_member_cny",
            "cost_per_referred_funded_borrower_cny": "cost_per_referred_funded_borrower_cny",
            "referred_revenue_cny": "referred_revenue_cny",
        },
    ),
    MartCheck(
        "mart_service_monthly",
        {MONTH: "month"},
        {
            "community_cost_per_active_member_cny": "community_cost_per_active_member_cny",
            "service_cost_per_ticket_cny": "service_cost_per_ticket_cny",
            "service_cost_per_served_member_cny": "service_cost_per_served_member_cny",
            "resolved_within_target_rate": "resolved_within_target_rate",
            "avg_csat": "avg_csat",
            "community_retention_rate": "community_retention_rate",
            "service_only_retention_rate": "service_only_retention_rate",
        },
    ),
    MartCheck(
        "mart_ad_monthly",
        {MONTH: "month", "channel": "channel", "ad_monthly__campaign_id": "campaign_id"},
        {
            "ctr": "ctr",
            "cpc_cny": "cpc_cny",
            "cpm_cny": "cpm_cny",
            "spend_gap_rate": "spend_gap_rate",
            "ad_cost_per_new_member_cny": "cost_per_new_member_cny",
        },
    ),
    MartCheck(
        "mart_content_monthly",
        {MONTH: "month"},
        {
            "cost_per_engaged_member_cny": "cost_per_engaged_member_cny",
            "marginal_engaged_per_10k_cny": "marginal_engaged_per_10k_cny",
        },
    ),
)
SAVED_QUERIES = (
    "headline_kpis",
    "funnel_by_cohort",
    "cac_trend",
    "cost_by_category_channel",
    "cohort_retention_curves",
    "channel_roi_curves",
    "lifecycle",
    "engagement_daily",
    "loan_vintage_dpd30",
    "churn_risk_value",
    "module_performance",
    "service_vs_community",
    "ad_delivery",
    "content_and_referrals",
)


def _key_cell(value: Any) -> Any:
    """A group-by value as the mart holds it: MetricFlow's metric_time is a timestamp."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00", value):
        return value[:10]
    return value


def _mart_cell(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _same(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return expected == actual


@pytest.fixture(scope="module")
def mf_env(demo_build: DbtResult) -> dict[str, str]:
    work = demo_build.warehouse.parent
    return {
        "COMMOPS_DUCKDB_PATH": str(demo_build.warehouse),
        "COMMOPS_TEMP_DIR": str(work / "tmp"),
        "DBT_LOG_PATH": str(work / "logs_mf"),
    }


@pytest.fixture(scope="module")
def mf_dir(demo_build: DbtResult) -> Path:
    work = demo_build.warehouse.parent
    return mf_project(work, work / f"target_{demo_build.warehouse.stem}")


@pytest.fixture(scope="module")
def answers(
    mf_dir: Path, mf_env: dict[str, str]
) -> dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    """Every check's query and every saved query, answered by one MetricFlow process."""
    queries = [MfQuery(tuple(c.metrics), tuple(c.keys)) for c in CHECKS]
    queries += [MfQuery(saved_query=name) for name in SAVED_QUERIES]
    results = run_queries(queries, project_dir=mf_dir, env=mf_env)
    names = [c.mart for c in CHECKS] + list(SAVED_QUERIES)
    return dict(zip(names, results, strict=True))


@pytest.mark.parametrize("check", CHECKS, ids=[c.mart for c in CHECKS])
def test_metrics_equal_the_mart_cell_by_cell(
    check: MartCheck,
    answers: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]],
    demo_build: DbtResult,
) -> None:
    columns, rows = answers[check.mart]
    key_names, metric_names = list(check.keys), list(check.metrics)
    assert sorted(columns) == sorted(key_names + metric_names)
    # MetricFlow orders its columns its own way: read them by name.
    keys_at = [columns.index(name) for name in key_names]
    metrics_at = [columns.index(name) for name in metric_names]
    semantic = {
        tuple(_key_cell(row[i]) for i in keys_at): tuple(row[i] for i in metrics_at) for row in rows
    }
    select = ", ".join([*check.keys.values(), *check.metrics.values()])
    with demo_build.connect() as con:
        mart_rows = con.execute(f"select {select} from marts.{check.mart}").fetchall()
    assert mart_rows, f"{check.mart} is empty: the check proves nothing"

    problems = []
    for row in mart_rows:
        key = tuple(_mart_cell(v) for v in row[: len(key_names)])
        if key not in semantic:
            problems.append(f"{dict(zip(key_names, key, strict=True))}: no row from MetricFlow")
            continue
        for name, expected, actual in zip(
            metric_names, row[len(key_names) :], semantic[key], strict=True
        ):
            if not _same(expected, actual):
                problems.append(f"{key} {name}: mart {expected!r}, MetricFlow {actual!r}")
    # A group MetricFlow has and the mart lacks (e.g. the month after the range, which a
    # month-before metric reaches) must carry nothing.
    mart_keys = {tuple(_mart_cell(v) for v in row[: len(key_names)]) for row in mart_rows}
    for key, values in semantic.items():
        if key not in mart_keys and any(v not in (None, 0) for v in values):
            problems.append(f"{key}: MetricFlow has {values}, the mart no row")
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:20])


def test_at_least_eight_metrics_are_compared() -> None:
    assert len({metric for check in CHECKS for metric in check.metrics}) >= 8


@pytest.mark.parametrize("name", SAVED_QUERIES)
def test_saved_query_answers_with_numbers(
    name: str, answers: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]
) -> None:
    columns, rows = answers[name]
    assert rows, f"saved query {name} returned no rows"
    numbers = [v for row in rows for v in row if isinstance(v, int | float) and v]
    assert numbers, f"saved query {name} returned no non-zero number ({columns})"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _proxy_env(port: int) -> dict[str, str | None]:
    proxy = f"http://127.0.0.1:{port}"
    names = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
    return {
        **{name: proxy for name in names},
        **{name.lower(): proxy for name in names},
        "NO_PROXY": None,
        "no_proxy": None,
    }


def _no_network_prefix() -> list[str]:
    """`unshare -n` (a network namespace with no interface up) where this user may use it."""
    try:
        done = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return ["unshare", "-n"] if done.returncode == 0 else []


def _mf_cli(
    command: list[str], mf_dir: Path, env: dict[str, str | None], tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, str]]]:
    """Run an `mf query` command line in mf_dir with env; its stdout+stderr and CSV rows."""
    out = tmp_path / "answer.csv"
    # A fresh TMPDIR: no cached answer of the update check from an earlier run.
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    full_env = {
        **os.environ,
        "TMPDIR": str(tmpdir),
        "DBT_PROJECT_DIR": str(mf_dir),
        "DBT_PROFILES_DIR": str(mf_dir),
    }
    for name, value in env.items():
        if value is None:
            full_env.pop(name, None)
        else:
            full_env[name] = value
    args = ["query", "--metrics", ",".join(OFFLINE_METRICS), "--group-by", MONTH]
    args += ["--order", MONTH, "--csv", str(out)]
    done = subprocess.run(
        [*command, *args],
        cwd=mf_dir,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    rows = []
    if out.exists():
        with open(out, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    return done, rows


def _assert_quiet_and_right(
    done: subprocess.CompletedProcess[str], rows: list[dict[str, str]], demo_build: DbtResult
) -> None:
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    for noise in ("new version", "pip install --upgrade", "Traceback", "Warning", "Error"):
        assert noise.lower() not in output.lower(), output[-4000:]
    with demo_build.connect() as con:
        kpis = {
            month.isoformat(): (new, arpu, churn)
            for month, new, arpu, churn in con.execute(
                "select month, new_members, arpu_cny, churn_rate from marts.mart_kpi_monthly"
            ).fetchall()
        }
    answered = {row[MONTH][:10]: row for row in rows}
    assert set(kpis) <= set(answered)
    for month, (new, arpu, churn) in kpis.items():
        row = answered[month]
        assert int(row["new_members"]) == new
        assert (float(row["arpu_cny"]) if row["arpu_cny"] else None) == arpu
        assert (float(row["churn_rate"]) if row["churn_rate"] else None) == churn
    assert any(row["arpu_cny"] for row in rows), "no number in the answer"


def test_mf_cli_answers_with_the_network_unreachable(
    mf_dir: Path, mf_env: dict[str, str], demo_build: DbtResult, tmp_path: Path
) -> None:
    """`.venv/bin/mf query` (the CLI as installed): proxies at a closed local port, and no
    network at all where `unshare -n` works."""
    env = {**mf_env, **_proxy_env(_closed_port())}
    done, rows = _mf_cli([*_no_network_prefix(), str(MF)], mf_dir, env, tmp_path)
    _assert_quiet_and_right(done, rows, demo_build)


@pytest.fixture()
def listening_proxy() -> Iterator[tuple[int, list[bytes]]]:
    """A local port that records the first bytes of each connection and closes it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    seen.append(conn.recv(200))
                except OSError:
                    seen.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join(timeout=5)
    server.close()


def test_commops_mf_sends_no_request(
    mf_dir: Path,
    mf_env: dict[str, str],
    demo_build: DbtResult,
    tmp_path: Path,
    listening_proxy: tuple[int, list[bytes]],
) -> None:
    """`python -m commops.mf` answers the same and its process opens no connection through
    the proxies (dbt-metricflow's own `mf` asks pypi.org through them on every command)."""
    port, seen = listening_proxy
    # This checkout's commops, whatever the environment has installed.
    env = {**mf_env, **_proxy_env(port), "PYTHONPATH": str(PROJECT_DIR)}
    done, rows = _mf_cli([sys.executable, "-m", "commops.mf"], mf_dir, env, tmp_path)
    _assert_quiet_and_right(done, rows, demo_build)
    assert seen == [], f"requests through the proxy: {seen}"
    assert not (tmp_path / "tmp" / "update_checker_cache.pkl").exists()
