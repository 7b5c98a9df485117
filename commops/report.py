"""The offline report: one HTML file anyone can open, read from the published warehouse.

    python -m commops.report [--warehouse FILE] [--out FILE]

It opens the published file (default: COMMOPS_PUBLISHED_PATH, else warehouse/commops.duckdb)
read-only and writes `--out` (default reports/commops.html): one self-contained file, every
script, style and number inside it (plotly.js inline, no font or image fetched), so it opens
from file:// with the network off. `make build` writes it after publishing; `make report`
writes it again from the published file.

Every number shown is a value of a mart column, passed to the page as read. A rate is always
its own column, never a ratio of two sums. The report adds up only what the grain partitions:
mart_cost_monthly's total_cny (CONTRACT §5: per month and cost center it equals fct_spend), the
funnel's step counts and the churn list's outstanding principal (every member who counts is in
exactly one row), and it counts rows (checks of dq_checks, rows of rejected_rows, members of
mart_churn_risk).
"""

from __future__ import annotations

import argparse
import html
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

DEFAULT_OUT = Path("reports/commops.html")

#: Every relation the report reads (schema.table). models/marts/_exposures_report.yml lists the
#: same ones (build_info is written by commops.publish, not by dbt); a test keeps them equal.
RELATIONS = (
    "marts.build_info",
    "reference.channel_map",
    "marts.dim_members",
    "marts.mart_kpi_monthly",
    "marts.mart_engagement_daily",
    "marts.mart_funnel_monthly",
    "marts.mart_cohort_retention",
    "marts.mart_cost_monthly",
    "marts.mart_cac_monthly",
    "marts.mart_channel_roi",
    "marts.mart_lifecycle_monthly",
    "marts.mart_churn_risk",
    "marts.mart_loan_vintage",
    "marts.mart_module_monthly",
    "marts.mart_referral_monthly",
    "marts.mart_service_monthly",
    "marts.mart_ad_monthly",
    "marts.mart_content_monthly",
    "marts.dq_checks",
    "marts.rejected_rows",
    "marts.staging_row_counts",
)

#: Chinese names of the codes the marts use. Channels come from the warehouse instead
#: (reference.channel_map and dim_members.channel_name_zh); `shared` and `unallocated` are the
#: two channel codes of the cost marts that no member has.
ZH = {
    "channel": {"shared": "共享", "unallocated": "未分摊"},
    "cost_center": {"community": "社群运营", "customer_service": "客服运营"},
    "category": {
        "labor": "人力",
        "materials": "物资/奖品",
        "promotion": "推广",
        "technology": "技术",
    },
    "module": {
        "membership": "会员体系",
        "paid_content": "内容付费",
        "social_commerce": "社交电商",
        "training": "培训",
    },
    "product": {
        "working_capital": "流动资金",
        "project_finance": "项目融资",
        "equipment": "设备",
        "trade_finance": "贸易融资",
    },
    "risk_level": {"churned": "已流失", "high": "高", "medium": "中", "low": "低"},
    "severity": {"critical": "严重", "warn": "警告"},
    "status": {"pass": "通过", "fail": "未通过"},
}
FUNNEL_STEPS = (
    ("members", "加入 joined"),
    ("activated", "激活 activated"),
    ("applied", "申请 applied"),
    ("approved", "批准 approved"),
    ("funded", "放款 funded"),
    ("repeat_funded", "复贷 repeat funded"),
)
LIFECYCLE_STATES = (
    ("new", "新增 new"),
    ("retained", "留存 retained"),
    ("resurrected", "回流 resurrected"),
    ("first_active", "首次活跃 first active"),
)
#: Rows of the churn early-warning table (the counts above it cover every member).
CHURN_LIST_ROWS = 50
FONT = (
    "-apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', "
    "'WenQuanYi Micro Hei', sans-serif"
)
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


class ReportError(Exception):
    """The report cannot be written; the message is one line for the user."""


# --- reading the warehouse --------------------------------------------------------------------


class Warehouse:
    """A read-only connection to the published file, returning rows as dicts."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path
        self._channels: dict[str, str] | None = None

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, list(params))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def one(self, sql: str, params: Sequence[object] = ()) -> dict[str, Any]:
        found = self.rows(sql, params)
        return found[0] if found else {}

    def channel_names(self) -> dict[str, str]:
        """channel code -> Chinese name, from the channel map and the members' own names."""
        if self._channels is None:
            rows = self.con.execute(
                "select channel, min(channel_name_zh) from ("
                " select channel, channel_name_zh from reference.channel_map"
                " union select channel, channel_name_zh from marts.dim_members"
                ") where channel_name_zh is not null group by channel"
            ).fetchall()
            self._channels = {**ZH["channel"], **dict(rows)}
        return self._channels


@contextmanager
def open_warehouse(path: Path) -> Iterator[Warehouse]:
    """The published file opened read-only, with every relation the report reads; else
    ReportError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise ReportError(f"{path} does not exist: build and publish the warehouse first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        detail = " ".join(str(error).split())
        raise ReportError(f"cannot open {path} as a DuckDB warehouse: {detail}") from None
    try:
        found = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "union select schema_name, view_name from duckdb_views()"
            ).fetchall()
        }
        missing = [name for name in RELATIONS if name not in found]
        if missing:
            raise ReportError(
                f"{path} lacks {', '.join(missing)}: is it a warehouse published by "
                "this version (make build)?"
            )
        yield Warehouse(con, path)
    finally:
        con.close()


# --- labels and formats -----------------------------------------------------------------------


def label(kind: str, code: str | None, warehouse: Warehouse | None = None) -> str:
    """'微信群 wechat_group': the Chinese name (when known) and the code."""
    if code is None:
        return "—"
    names = warehouse.channel_names() if kind == "channel" and warehouse else ZH.get(kind, {})
    zh = names.get(code)
    return f"{zh} {code}" if zh else code


def money(value: float | None) -> str:
    return "—" if value is None else f"¥{value:,.0f}"


def rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def month_text(value: date | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m")


# --- page parts -------------------------------------------------------------------------------


@dataclass
class Card:
    """A headline number with where it comes from."""

    title: str
    value: str
    source: str
    tone: str = ""


@dataclass
class Chart:
    """A plotly figure; `key` names it in the page (data-chart) and in tests."""

    key: str
    title: str
    figure: Any


@dataclass
class Table:
    """Rows of formatted values; the columns listed in `numeric` are aligned right."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    numeric: tuple[int, ...] = ()


@dataclass
class Section:
    key: str
    title: str
    note: str
    cards: list[Card] = field(default_factory=list)
    parts: list[Chart | Table] = field(default_factory=list)

    def chart(self, key: str) -> Chart:
        return next(p for p in self.parts if isinstance(p, Chart) and p.key == key)


def _figure(height: int = 420, **layout: Any) -> Any:
    import plotly.graph_objects as go

    figure = go.Figure()
    figure.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        font={"family": FONT, "size": 12},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12},
        hoverlabel={"font": {"family": FONT}},
        **layout,
    )
    return figure


def _subplots(rows: int, titles: Sequence[str], height: int, **kwargs: Any) -> Any:
    from plotly.subplots import make_subplots

    figure = make_subplots(
        rows=rows, cols=1, shared_xaxes=True, subplot_titles=list(titles), vertical_spacing=0.1
    )
    figure.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        font={"family": FONT, "size": 12},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08},
        hoverlabel={"font": {"family": FONT}},
        **kwargs,
    )
    return figure


def _dropdown(figure: Any, groups: list[tuple[str, int]]) -> None:
    """One group of traces visible at a time, chosen in a menu (e.g. one channel)."""
    total = sum(size for _, size in groups)
    buttons, start = [], 0
    for name, size in groups:
        visible = [start <= i < start + size for i in range(total)]
        buttons.append({"label": name, "method": "update", "args": [{"visible": visible}]})
        start += size
    for i, trace in enumerate(figure.data):
        trace.visible = i < (groups[0][1] if groups else 0)
    figure.update_layout(
        updatemenus=[
            {"buttons": buttons, "x": 0, "xanchor": "left", "y": 1.12, "yanchor": "bottom"}
        ],
        margin={"t": 60},
    )


# --- sections ---------------------------------------------------------------------------------


def about(wh: Warehouse) -> str:
    """One line from marts.build_info: as_of_date, when and from what the warehouse was built."""
    info = wh.one(
        "select built_at, as_of_date, raw_source, raw_location, project_version "
        "from marts.build_info order by built_at desc limit 1"
    )
    if not isinstance(info.get("built_at"), datetime):
        return "marts.build_info is empty: when and from what this warehouse was built is unknown."
    source = info["raw_source"]
    if info["raw_location"]:
        source += f" ({info['raw_location']})"
    return (
        f"Data as of 截至 {info['as_of_date'] or '—'}; built 构建于 "
        f"{info['built_at']:%Y-%m-%d %H:%M} UTC from {source}; commops "
        f"{info['project_version']}."
    )


def overview(wh: Warehouse) -> Section:
    months = wh.rows("select * from marts.mart_kpi_monthly order by month desc limit 2")
    latest = months[0] if months else {}
    previous = months[1] if len(months) > 1 else {}
    day = wh.one("select * from marts.mart_engagement_daily order by activity_date desc limit 1")
    month = month_text(latest.get("month"))
    checks = {
        (row["severity"], row["status"]): row["checks"]
        for row in wh.rows(
            "select severity, status, count(*) as checks from marts.dq_checks group by all"
        )
    }
    balance = wh.one(
        "select count(*) filter (where status = 'pass') as balanced, count(*) as entities "
        "from marts.dq_checks where check_name = 'row_balance'"
    )
    rejected = wh.one("select count(*) as n from marts.rejected_rows")["n"]
    critical = checks.get(("critical", "fail"), 0)
    warn = checks.get(("warn", "fail"), 0)

    def kpi(title: str, column: str, shown: Callable[[Any], str]) -> Card:
        last = f"; {month_text(previous.get('month'))}: {shown(previous.get(column))}"
        return Card(
            title,
            shown(latest.get(column)),
            f"mart_kpi_monthly.{column}, {month}{last if previous else ''}",
        )

    cards = [
        kpi("成员 Members", "total_members", count),
        kpi("新成员 New members", "new_members", count),
        kpi("活跃率 Active rate", "active_rate", rate),
        kpi("付费率 Paying rate", "paying_rate", rate),
        kpi("收入 Revenue", "revenue_cny", money),
        kpi("ARPU", "arpu_cny", money),
        kpi("ARPPU", "arppu_cny", money),
        kpi("流失率 Churn rate", "churn_rate", rate),
        Card(
            "DAU / MAU",
            f"{count(day.get('dau'))} / {count(day.get('mau'))}",
            f"mart_engagement_daily, {day.get('activity_date')}; stickiness "
            f"{rate(day.get('stickiness'))}",
        ),
        Card(
            "检查未通过 Failing checks",
            f"{critical} critical · {warn} warn",
            f"marts.dq_checks: {sum(checks.values())} checks",
            "bad" if critical else ("warn" if warn else "good"),
        ),
        Card(
            "拒收行 Rejected rows",
            count(rejected),
            "marts.rejected_rows",
            "warn" if rejected else "good",
        ),
        Card(
            "行数平衡 Row balance",
            f"{balance.get('balanced', 0)} / {balance.get('entities', 0)} balanced",
            "dq_checks row_balance: raw = staged + rejected + collapsed",
            "good" if balance.get("balanced") == balance.get("entities") else "bad",
        ),
    ]
    note = (
        f"Headline KPIs of {month}, the month of the as_of_date (up to that day), with the "
        "month before, and data health at a glance."
    )
    return Section("overview", "总览 Overview", note, cards=cards)


def funnel(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    sums = ", ".join(f"sum({step}) as {step}" for step, _ in FUNNEL_STEPS)
    rows = wh.rows(
        f"select channel, {sums} from marts.mart_funnel_monthly group by channel order by channel"
    )
    figure = _figure(460, funnelmode="stack")
    for row in rows:
        figure.add_trace(
            go.Funnel(
                name=label("channel", row["channel"], wh),
                y=[name for _, name in FUNNEL_STEPS],
                x=[row[step] for step, _ in FUNNEL_STEPS],
                textinfo="value",
            )
        )
    return Section(
        "funnel",
        "转化漏斗 Funnel",
        "Members who count by the furthest funnel step, per channel: mart_funnel_monthly's step "
        "counts added over cohort months and member types (each member is in one row). "
        "The step rates by cohort are the mart's *_rate columns.",
        parts=[Chart("funnel-steps", "Members reaching each step 各步骤人数", figure)],
    )


def retention(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    rows = wh.rows(
        "select channel, cohort_month, months_since_join, cohort_size, active_members, "
        "retention_rate from marts.mart_cohort_retention "
        "order by channel, cohort_month, months_since_join"
    )
    figure = _figure(560)
    groups = []
    for channel in dict.fromkeys(row["channel"] for row in rows):
        own = [row for row in rows if row["channel"] == channel]
        cohorts = sorted({row["cohort_month"] for row in own})
        width = max(row["months_since_join"] for row in own) + 1
        z: list[list[float | None]] = [[None] * width for _ in cohorts]
        detail: list[list[Any]] = [[None] * width for _ in cohorts]
        for row in own:
            i, k = cohorts.index(row["cohort_month"]), row["months_since_join"]
            z[i][k] = row["retention_rate"]
            detail[i][k] = [row["active_members"], row["cohort_size"]]
        figure.add_trace(
            go.Heatmap(
                name=label("channel", channel, wh),
                z=z,
                x=list(range(width)),
                y=[month_text(c) for c in cohorts],
                customdata=detail,
                colorscale="Blues",
                zmin=0,
                zmax=1,
                texttemplate="%{z:.0%}",
                textfont={"size": 9},
                colorbar={"tickformat": ".0%"},
                hovertemplate="cohort %{y}, month %{x}: %{z:.1%} "
                "(%{customdata[0]} of %{customdata[1]})<extra></extra>",
            )
        )
        groups.append((label("channel", channel, wh), 1))
    _dropdown(figure, groups)
    figure.update_yaxes(autorange="reversed", type="category", title="cohort 入群月")
    figure.update_xaxes(title="months since join 入群后月数", dtick=1)
    return Section(
        "retention",
        "留存 Cohort retention",
        "retention_rate of mart_cohort_retention: the share of a cohort active in its k-th "
        "month, one channel at a time (menu).",
        parts=[Chart("retention-heatmap", "Retention by cohort 分群留存", figure)],
    )


def cost(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    cells = wh.rows(
        "select cost_center, category, channel, sum(total_cny) as total_cny "
        "from marts.mart_cost_monthly group by all order by cost_center, category, channel"
    )
    rows = list(dict.fromkeys((c["cost_center"], c["category"]) for c in cells))
    columns = sorted({c["channel"] for c in cells})
    z: list[list[float | None]] = [[None] * len(columns) for _ in rows]
    for c in cells:
        z[rows.index((c["cost_center"], c["category"]))][columns.index(c["channel"])] = c[
            "total_cny"
        ]
    heat = _figure(380)
    heat.add_trace(
        go.Heatmap(
            z=z,
            x=[label("channel", c, wh) for c in columns],
            y=[f"{label('cost_center', a)} · {label('category', b)}" for a, b in rows],
            colorscale="YlOrRd",
            texttemplate="%{z:,.0f}",
            textfont={"size": 10},
            hovertemplate="%{y} / %{x}: ¥%{z:,.2f}<extra></extra>",
        )
    )
    heat.update_layout(margin={"l": 230})

    monthly = wh.rows(
        "select month, category, sum(total_cny) as total_cny from marts.mart_cost_monthly "
        "group by all order by category, month"
    )
    bars = _figure(360, barmode="relative")
    for category in dict.fromkeys(r["category"] for r in monthly):
        own = [r for r in monthly if r["category"] == category]
        bars.add_trace(
            go.Bar(
                name=label("category", category),
                x=[month_text(r["month"]) for r in own],
                y=[r["total_cny"] for r in own],
                hovertemplate="%{x}: ¥%{y:,.2f}<extra>%{fullData.name}</extra>",
            )
        )
    bars.update_yaxes(title="CNY")
    # Spend is never cut (CONTRACT §4): a month far from the rest (a future_date line) is one
    # more bar, not a stretched time axis.
    bars.update_xaxes(type="category", categoryorder="category ascending")

    cac = wh.rows(
        "select channel, month, new_members, paid_cac_cny, fully_loaded_cac_cny "
        "from marts.mart_cac_monthly order by channel, month"
    )
    trend = _subplots(2, ["Paid CAC 付费获客成本", "Fully-loaded CAC 全口径获客成本"], 560)
    colors = _palette()
    for n, channel in enumerate(dict.fromkeys(r["channel"] for r in cac)):
        own = [r for r in cac if r["channel"] == channel]
        for row_no, column in ((1, "paid_cac_cny"), (2, "fully_loaded_cac_cny")):
            trend.add_trace(
                go.Scatter(
                    name=label("channel", channel, wh),
                    legendgroup=channel,
                    showlegend=row_no == 1,
                    mode="lines+markers",
                    line={"color": colors[n % len(colors)]},
                    x=[month_text(r["month"]) for r in own],
                    y=[r[column] for r in own],
                    customdata=[r["new_members"] for r in own],
                    hovertemplate="%{x}: ¥%{y:,.2f} (%{customdata} new members)"
                    "<extra>%{fullData.name}</extra>",
                ),
                row=row_no,
                col=1,
            )
    trend.update_yaxes(title="CNY / member")
    trend.update_xaxes(type="category", categoryorder="category ascending", tickangle=-60)
    trend.update_layout(legend={"y": -0.2}, margin={"b": 70})
    return Section(
        "cost",
        "成本与获客 Cost and CAC",
        "mart_cost_monthly.total_cny (direct + allocated shared spend) added over months, "
        "cost centers or channels: it adds up to fct_spend. CAC is mart_cac_monthly's "
        "paid_cac_cny and fully_loaded_cac_cny (empty where a month has no new member).",
        parts=[
            Chart("cost-heatmap", "Cost by category × channel 成本（全部月份）", heat),
            Chart("cost-monthly", "Cost by month and category 月度成本", bars),
            Chart("cac-trend", "CAC by channel 获客成本趋势", trend),
        ],
    )


def _palette() -> list[str]:
    import plotly.colors

    return list(plotly.colors.qualitative.Plotly) + list(plotly.colors.qualitative.Safe)


def channel_roi(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    rows = wh.rows(
        "select channel, cohort_month, months_since_cohort, acquisition_spend_cny, "
        "cumulative_revenue_cny, roi, ltv_to_cac from marts.mart_channel_roi "
        "order by channel, cohort_month, months_since_cohort"
    )
    curves = _figure(480)
    groups = []
    colors = _palette()
    for channel in dict.fromkeys(r["channel"] for r in rows):
        own = [r for r in rows if r["channel"] == channel]
        cohorts = list(dict.fromkeys(r["cohort_month"] for r in own))
        for n, cohort in enumerate(cohorts):
            mine = [r for r in own if r["cohort_month"] == cohort]
            curves.add_trace(
                go.Scatter(
                    name=month_text(cohort),
                    mode="lines+markers",
                    line={"color": colors[n % len(colors)]},
                    marker={"size": 4},
                    x=[r["months_since_cohort"] for r in mine],
                    y=[r["ltv_to_cac"] for r in mine],
                    customdata=[
                        [r["roi"], r["cumulative_revenue_cny"], r["acquisition_spend_cny"]]
                        for r in mine
                    ],
                    hovertemplate="cohort %{fullData.name}, month %{x}: LTV/CAC %{y:.2f}, "
                    "ROI %{customdata[0]:.1%} (revenue ¥%{customdata[1]:,.0f} vs spend "
                    "¥%{customdata[2]:,.0f})<extra></extra>",
                )
            )
        groups.append((label("channel", channel, wh), len(cohorts)))
    _dropdown(curves, groups)
    # Payback is where cumulative revenue reaches the acquisition spend: LTV/CAC = 1 (ROI 0).
    curves.add_hline(y=1, line={"color": "#444", "dash": "dot"})
    curves.update_yaxes(title="LTV/CAC (log)", type="log")
    curves.update_xaxes(title="months since cohort 入群后月数", dtick=1)

    payback = wh.rows(
        "select distinct cohort_month, channel, payback_months from marts.mart_channel_roi "
        "order by cohort_month, channel"
    )
    cohorts = sorted({r["cohort_month"] for r in payback})
    channels = sorted({r["channel"] for r in payback})
    z: list[list[int | None]] = [[None] * len(channels) for _ in cohorts]
    for r in payback:
        z[cohorts.index(r["cohort_month"])][channels.index(r["channel"])] = r["payback_months"]
    heat = _figure(520)
    heat.add_trace(
        go.Heatmap(
            z=z,
            x=[label("channel", c, wh) for c in channels],
            y=[month_text(c) for c in cohorts],
            colorscale="Greens",
            reversescale=True,
            texttemplate="%{z}",
            hovertemplate="cohort %{y}, %{x}: paid back in month %{z}<extra></extra>",
        )
    )
    heat.update_yaxes(autorange="reversed", type="category", title="cohort 入群月")
    return Section(
        "roi",
        "渠道回报 Channel ROI and payback",
        "Payback curves from mart_channel_roi: ltv_to_cac (cumulative revenue over the "
        "acquisition spend, ROI + 1) by months since the cohort joined, one line per cohort "
        "(menu: channel); a cohort has paid back where its curve reaches 1 (hover: roi). The "
        "grid shows payback_months (empty: not paid back yet, or no acquisition spend).",
        parts=[
            Chart("roi-curves", "Payback curves 回本曲线 (LTV/CAC)", curves),
            Chart("payback-months", "Payback month by cohort × channel 回本月", heat),
        ],
    )


def lifecycle(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    rows = wh.rows("select * from marts.mart_lifecycle_monthly order by month")
    figure = _figure(420, barmode="stack")
    for column, name in LIFECYCLE_STATES:
        figure.add_trace(
            go.Bar(name=name, x=[r["month"] for r in rows], y=[r[column] for r in rows])
        )
    figure.add_trace(
        go.Scatter(
            name="沉睡 dormant",
            mode="lines+markers",
            line={"color": "#444"},
            x=[r["month"] for r in rows],
            y=[r["dormant"] for r in rows],
        )
    )
    figure.update_yaxes(title="members 人")
    return Section(
        "lifecycle",
        "生命周期 Lifecycle",
        "mart_lifecycle_monthly: members new that month; of those who joined before, active "
        "this and last month (retained), back after a gap (resurrected), active for the first "
        "time, and active last month but not this one (dormant, the line).",
        parts=[Chart("lifecycle-monthly", "Members by lifecycle state 生命周期", figure)],
    )


def churn(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    levels = wh.rows(
        "select risk_level, count(*) as members, "
        "count(*) filter (where has_open_loan) as with_open_loan, "
        "sum(outstanding_principal_cny) as outstanding_principal_cny "
        "from marts.mart_churn_risk group by risk_level"
    )
    by_level = {r["risk_level"]: r for r in levels}
    cards = [
        Card(
            f"{label('risk_level', level)} risk",
            f"{count(row['members'])} members",
            f"{count(row['with_open_loan'])} with an open loan; value at risk 风险本金 "
            f"{money(row['outstanding_principal_cny'])}",
            {"high": "bad", "medium": "warn"}.get(level, ""),
        )
        for level in ("high", "medium", "low", "churned")
        if (row := by_level.get(level))
    ]
    mix = wh.rows(
        "select risk_level, channel, count(*) as members from marts.mart_churn_risk "
        "group by all order by channel"
    )
    order = ["high", "medium", "low", "churned"]
    figure = _figure(380, barmode="stack")
    for channel in dict.fromkeys(r["channel"] for r in mix):
        own = {r["risk_level"]: r["members"] for r in mix if r["channel"] == channel}
        figure.add_trace(
            go.Bar(
                name=label("channel", channel, wh),
                x=[label("risk_level", level) for level in order],
                y=[own.get(level, 0) for level in order],
            )
        )
    figure.update_yaxes(title="members 人")
    listed = wh.rows(
        "select member_id, channel, risk_level, last_active_date, days_since_last_activity, "
        "events_last_14d, events_prev_28d, engagement_trend, has_open_loan, "
        "outstanding_principal_cny from marts.mart_churn_risk "
        "where risk_level in ('high', 'medium') "
        "order by outstanding_principal_cny desc, risk_level = 'high' desc, "
        "days_since_last_activity desc, member_id "
        f"limit {CHURN_LIST_ROWS}"
    )
    warned = sum(by_level.get(level, {}).get("members", 0) for level in ("high", "medium"))
    table = Table(
        "churn-list",
        "Early-warning list 预警名单",
        [
            "member",
            "channel 渠道",
            "risk 风险",
            "last active 最后活跃",
            "days idle 未活跃天数",
            "events 14d",
            "events prior 28d",
            "trend 趋势",
            "open loan 在贷",
            "value at risk 风险本金",
        ],
        [
            [
                r["member_id"],
                label("channel", r["channel"], wh),
                label("risk_level", r["risk_level"]),
                str(r["last_active_date"] or "—"),
                count(r["days_since_last_activity"]),
                count(r["events_last_14d"]),
                count(r["events_prev_28d"]),
                "—" if r["engagement_trend"] is None else f"{r['engagement_trend']:.2f}",
                "yes 是" if r["has_open_loan"] else "no",
                money(r["outstanding_principal_cny"]),
            ]
            for r in listed
        ],
        f"The {len(listed)} of {count(warned)} high and medium risk members with the most "
        "outstanding principal, then the longest idle.",
        numeric=(4, 5, 6, 7, 9),
    )
    return Section(
        "churn",
        "流失预警 Churn early warning",
        "mart_churn_risk: one row per member who counts, with its risk level and the principal "
        "of open loans not yet repaid (value at risk, added over the members of a level).",
        cards=cards,
        parts=[Chart("churn-levels", "Members by risk level 风险分布", figure), table],
    )


def vintage(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    rows = wh.rows(
        "select product, disbursed_month, months_on_book, loans, dpd30_loans, dpd30_rate "
        "from marts.mart_loan_vintage order by product, disbursed_month, months_on_book"
    )
    figure = _figure(460)
    groups = []
    colors = _palette()
    for product in dict.fromkeys(r["product"] for r in rows):
        own = [r for r in rows if r["product"] == product]
        months = list(dict.fromkeys(r["disbursed_month"] for r in own))
        for n, month in enumerate(months):
            mine = [r for r in own if r["disbursed_month"] == month]
            figure.add_trace(
                go.Scatter(
                    name=month_text(month),
                    mode="lines+markers",
                    line={"color": colors[n % len(colors)]},
                    x=[r["months_on_book"] for r in mine],
                    y=[r["dpd30_rate"] for r in mine],
                    customdata=[[r["dpd30_loans"], r["loans"]] for r in mine],
                    hovertemplate="vintage %{fullData.name}, month on book %{x}: %{y:.1%} "
                    "(%{customdata[0]} of %{customdata[1]} loans)<extra></extra>",
                )
            )
        groups.append((label("product", product), len(months)))
    _dropdown(figure, groups)
    figure.update_yaxes(title="DPD30 rate", tickformat=".0%", rangemode="tozero")
    figure.update_xaxes(title="months on book 账龄（月）", dtick=1)
    return Section(
        "vintage",
        "贷款账龄 Loan vintages",
        "mart_loan_vintage.dpd30_rate: the share of a disbursement month's loans with an "
        "instalment 30+ days past due, by months on book (menu: product).",
        parts=[Chart("vintage-dpd30", "DPD30 curves by vintage 逾期30天曲线", figure)],
    )


def kpis(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    rows = wh.rows("select * from marts.mart_kpi_monthly order by month")
    figure = _subplots(2, ["ARPU / ARPPU (CNY)", "Rates 比率"], 600)
    series = [
        (1, "arpu_cny", "ARPU"),
        (1, "arppu_cny", "ARPPU"),
        (2, "paying_rate", "付费率 paying rate"),
        (2, "churn_rate", "流失率 churn rate"),
        (2, "active_rate", "活跃率 active rate"),
        (2, "repeat_rate", "复购率 repeat rate"),
    ]
    for row_no, column, name in series:
        template = "¥%{y:,.2f}" if column.endswith("_cny") else "%{y:.2%}"
        figure.add_trace(
            go.Scatter(
                name=name,
                mode="lines+markers",
                x=[r["month"] for r in rows],
                y=[r[column] for r in rows],
                hovertemplate=f"%{{x|%Y-%m}}: {template}<extra>{name}</extra>",
            ),
            row=row_no,
            col=1,
        )
    figure.update_yaxes(tickformat=".0%", row=2, col=1)
    return Section(
        "kpis",
        "运营指标 Operating KPIs",
        "mart_kpi_monthly: ARPU and ARPPU, and the paying, churn, active and repeat rates of "
        "the month's members.",
        parts=[Chart("kpi-monthly", "KPIs over time 指标趋势", figure)],
    )


def modules(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    rows = wh.rows(
        "select module, month, order_revenue_cny, module_spend_cny, roi, paid_orders "
        "from marts.mart_module_monthly order by module, month"
    )
    figure = _subplots(2, ["ROI", "Order revenue 订单收入 (CNY)"], 600, barmode="group")
    colors = _palette()
    for n, module in enumerate(dict.fromkeys(r["module"] for r in rows)):
        own = [r for r in rows if r["module"] == module]
        name = label("module", module)
        figure.add_trace(
            go.Scatter(
                name=name,
                legendgroup=module,
                mode="lines+markers",
                line={"color": colors[n]},
                x=[r["month"] for r in own],
                y=[r["roi"] for r in own],
                customdata=[[r["order_revenue_cny"], r["module_spend_cny"]] for r in own],
                hovertemplate="%{x|%Y-%m}: ROI %{y:.1%} (revenue ¥%{customdata[0]:,.0f}, "
                "spend ¥%{customdata[1]:,.0f})<extra>%{fullData.name}</extra>",
            ),
            row=1,
            col=1,
        )
        figure.add_trace(
            go.Bar(
                name=name,
                legendgroup=module,
                showlegend=False,
                marker={"color": colors[n]},
                x=[r["month"] for r in own],
                y=[r["order_revenue_cny"] for r in own],
                customdata=[r["paid_orders"] for r in own],
                hovertemplate="%{x|%Y-%m}: ¥%{y:,.2f} (%{customdata} paid orders)"
                "<extra>%{fullData.name}</extra>",
            ),
            row=2,
            col=1,
        )
    figure.update_yaxes(tickformat=".0%", row=1, col=1)
    return Section(
        "modules",
        "付费模块 Paid modules",
        "mart_module_monthly: roi = (order revenue − module spend) / module spend, per module "
        "and month (empty without spend), and the paid orders' revenue.",
        parts=[Chart("module-roi", "Module ROI 模块回报", figure)],
    )


def referral(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    rows = wh.rows("select * from marts.mart_referral_monthly order by month")
    figure = _subplots(
        2, ["Referred members 推荐新成员", "Cost per referred member 单位推荐成本 (CNY)"], 560
    )
    months = [r["month"] for r in rows]
    for column, name in (
        ("referred_new_members", "新成员 new members"),
        ("referred_funded_borrowers", "放款 funded borrowers"),
    ):
        figure.add_trace(go.Bar(name=name, x=months, y=[r[column] for r in rows]), row=1, col=1)
    for column, name in (
        ("cost_per_referred_member_cny", "per new member"),
        ("cost_per_referred_funded_borrower_cny", "per funded borrower"),
    ):
        figure.add_trace(
            go.Scatter(
                name=name,
                mode="lines+markers",
                x=months,
                y=[r[column] for r in rows],
                hovertemplate="%{x|%Y-%m}: ¥%{y:,.2f}<extra>%{fullData.name}</extra>",
            ),
            row=2,
            col=1,
        )
    return Section(
        "referral",
        "推荐有礼 Referral",
        "mart_referral_monthly: referred members joining and first funded each month, and the "
        "referral spend per referred new member and per referred funded borrower.",
        parts=[Chart("referral-monthly", "Referral 推荐", figure)],
    )


def service(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    rows = wh.rows("select * from marts.mart_service_monthly order by month")
    figure = _subplots(2, ["Unit cost 单位成本 (CNY)", "Next-month retention 次月留存"], 600)
    months = [r["month"] for r in rows]
    for row_no, column, name in (
        (1, "community_cost_per_active_member_cny", "社群 per active member"),
        (1, "service_cost_per_ticket_cny", "客服 per ticket"),
        (1, "service_cost_per_served_member_cny", "客服 per served member"),
        (2, "community_retention_rate", "社群 engaged members"),
        (2, "service_only_retention_rate", "客服 service-only members"),
    ):
        template = "¥%{y:,.2f}" if column.endswith("_cny") else "%{y:.1%}"
        figure.add_trace(
            go.Scatter(
                name=name,
                mode="lines+markers",
                x=months,
                y=[r[column] for r in rows],
                hovertemplate=f"%{{x|%Y-%m}}: {template}<extra>{name}</extra>",
            ),
            row=row_no,
            col=1,
        )
    figure.update_yaxes(tickformat=".0%", row=2, col=1)
    return Section(
        "service",
        "社群 vs 客服 Community vs customer service",
        "mart_service_monthly: what an active member costs the community and a ticket or a "
        "served member costs customer service, and how many of each group are back next month.",
        parts=[Chart("service-monthly", "Community vs service 社群与客服", figure)],
    )


def ads(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    rows = wh.rows(
        "select channel, campaign_id, month, impressions, clicks, ctr, cpc_cny, cpm_cny, "
        "platform_spend_cny, booked_spend_cny, spend_gap_rate from marts.mart_ad_monthly "
        "order by channel, month, campaign_id"
    )
    rates = _subplots(3, ["CTR 点击率", "CPC 单次点击成本 (CNY)", "CPM 千次展示成本 (CNY)"], 680)
    spend = _figure(440)
    colors = _palette()
    for n, channel in enumerate(dict.fromkeys(r["channel"] for r in rows)):
        own = [r for r in rows if r["channel"] == channel]
        name = label("channel", channel, wh)
        campaigns = [r["campaign_id"] for r in own]
        for row_no, column, template in (
            (1, "ctr", "%{y:.2%}"),
            (2, "cpc_cny", "¥%{y:,.2f}"),
            (3, "cpm_cny", "¥%{y:,.2f}"),
        ):
            rates.add_trace(
                go.Scatter(
                    name=name,
                    legendgroup=channel,
                    showlegend=row_no == 1,
                    mode="markers",
                    marker={"color": colors[n % len(colors)], "size": 8},
                    x=[r["month"] for r in own],
                    y=[r[column] for r in own],
                    text=campaigns,
                    hovertemplate=f"%{{text}} %{{x|%Y-%m}}: {template}<extra></extra>",
                ),
                row=row_no,
                col=1,
            )
        spend.add_trace(
            go.Scatter(
                name=name,
                mode="markers",
                marker={"color": colors[n % len(colors)], "size": 9},
                x=[r["platform_spend_cny"] for r in own],
                y=[r["booked_spend_cny"] for r in own],
                text=campaigns,
                customdata=[r["spend_gap_rate"] for r in own],
                hovertemplate="%{text}: platform ¥%{x:,.2f}, booked ¥%{y:,.2f}, "
                "gap %{customdata:.1%}<extra></extra>",
            )
        )
    rates.update_yaxes(tickformat=".1%", row=1, col=1)
    spent = [v for r in rows for v in (r["platform_spend_cny"], r["booked_spend_cny"]) if v]
    # The line where booked spend equals platform spend (a guide, not a number of the mart).
    top = max(spent, default=1)
    spend.add_shape(type="line", x0=0, y0=0, x1=top, y1=top, line={"color": "#999", "dash": "dot"})
    spend.update_xaxes(title="platform spend 平台消耗 (CNY)", rangemode="tozero")
    spend.update_yaxes(title="booked spend 入账花费 (CNY)", rangemode="tozero")
    return Section(
        "ads",
        "广告投放 Ads",
        "mart_ad_monthly, one point per campaign and month: ctr, cpc_cny and cpm_cny, and the "
        "spend booked against what the ad platform reports (hover: spend_gap_rate).",
        parts=[
            Chart("ads-rates", "CTR, CPC, CPM by campaign 投放效率", rates),
            Chart("ads-spend", "Booked vs platform spend 入账 vs 平台", spend),
        ],
    )


def content(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    rows = wh.rows("select * from marts.mart_content_monthly order by month")
    figure = _subplots(
        2,
        ["Content spend and engaged members 内容花费与互动成员", "Marginal engaged per ¥10k 边际"],
        600,
    )
    months = [r["month"] for r in rows]
    figure.add_trace(
        go.Bar(
            name="content spend 花费 (CNY)",
            x=months,
            y=[r["content_spend_cny"] for r in rows],
            hovertemplate="%{x|%Y-%m}: ¥%{y:,.2f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            name="engaged members 互动成员",
            mode="lines+markers",
            x=months,
            y=[r["engaged_members"] for r in rows],
            yaxis="y3",
        ),
    )
    figure.add_trace(
        go.Bar(
            name="marginal engaged per ¥10k",
            x=months,
            y=[r["marginal_engaged_per_10k_cny"] for r in rows],
            hovertemplate="%{x|%Y-%m}: %{y:,.1f}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    figure.update_layout(
        yaxis3={
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "rangemode": "tozero",
            "title": "members",
        }
    )
    return Section(
        "content",
        "内容边际 Content",
        "mart_content_monthly: spend on content items and the members who interacted with "
        "content; marginal_engaged_per_10k_cny is the change in engaged members per ¥10,000 "
        "of change in spend against the month before.",
        parts=[Chart("content-monthly", "Content 内容", figure)],
    )


def health(wh: Warehouse) -> Section:
    import plotly.graph_objects as go

    checks = wh.rows(
        "select entity, severity, status, count(*) as checks from marts.dq_checks "
        "group by all order by entity"
    )
    entities = list(dict.fromkeys(r["entity"] for r in checks))
    status_colors = {
        ("critical", "fail"): "#c0392b",
        ("warn", "fail"): "#e67e22",
        ("critical", "pass"): "#1e8449",
        ("warn", "pass"): "#82e0aa",
    }
    by_check = _figure(380, barmode="stack")
    for (severity, status), color in status_colors.items():
        own = {
            r["entity"]: r["checks"]
            for r in checks
            if (r["severity"], r["status"]) == (severity, status)
        }
        by_check.add_trace(
            go.Bar(
                name=f"{label('severity', severity)} · {label('status', status)}",
                marker={"color": color},
                x=entities,
                y=[own.get(e, 0) for e in entities],
            )
        )
    by_check.update_yaxes(title="checks 检查项")
    reasons = wh.rows(
        "select entity, reason, count(*) as rejected from marts.rejected_rows "
        "group by all order by reason, entity"
    )
    reason_names = list(dict.fromkeys(r["reason"] for r in reasons))
    reason_entities = sorted({r["entity"] for r in reasons})
    cells: list[list[int | None]] = [[None] * len(reason_entities) for _ in reason_names]
    for r in reasons:
        cells[reason_names.index(r["reason"])][reason_entities.index(r["entity"])] = r["rejected"]
    rejected = _figure(60 + 34 * max(len(reason_names), 3))
    rejected.add_trace(
        go.Heatmap(
            z=cells,
            x=reason_entities,
            y=reason_names,
            colorscale="Oranges",
            texttemplate="%{z:,}",
            hovertemplate="%{x}: %{z:,} rows rejected for %{y}<extra></extra>",
        )
    )
    rejected.update_layout(margin={"l": 180})

    balance = wh.rows(
        "select counts.entity, counts.raw_rows, counts.staged_rows, counts.rejected_rows, "
        "counts.collapsed_rows, checks.failing_rows, checks.status "
        "from marts.staging_row_counts as counts "
        "left join marts.dq_checks as checks "
        "on checks.entity = counts.entity and checks.check_name = 'row_balance' "
        "order by counts.entity"
    )
    failing = wh.rows(
        "select entity, check_name, severity, checked_rows, failing_rows from marts.dq_checks "
        "where status <> 'pass' order by severity = 'critical' desc, entity, check_name"
    )
    return Section(
        "health",
        "数据健康 Data health",
        "marts.dq_checks (one row per check and entity; critical fails stop publishing), "
        "marts.rejected_rows by reason, and the row balance of marts.staging_row_counts.",
        parts=[
            Chart("dq-checks", "Checks by entity, severity and status 检查结果", by_check),
            Chart("rejected-reasons", "Rejected rows by reason 拒收原因", rejected),
            Table(
                "row-balance",
                "Row balance 行数平衡",
                [
                    "entity",
                    "raw 原始",
                    "staged 入库",
                    "rejected 拒收",
                    "collapsed 合并重复",
                    "unbalanced 差额",
                    "status",
                ],
                [
                    [
                        r["entity"],
                        count(r["raw_rows"]),
                        count(r["staged_rows"]),
                        count(r["rejected_rows"]),
                        count(r["collapsed_rows"]),
                        count(r["failing_rows"]),
                        label("status", r["status"]),
                    ]
                    for r in balance
                ],
                "raw = staged + rejected + collapsed; the difference is dq_checks row_balance.",
                numeric=(1, 2, 3, 4, 5),
            ),
            Table(
                "failing-checks",
                "Failing checks 未通过的检查",
                ["entity", "check", "severity", "checked rows", "failing rows"],
                [
                    [
                        r["entity"],
                        r["check_name"],
                        label("severity", r["severity"]),
                        count(r["checked_rows"]),
                        count(r["failing_rows"]),
                    ]
                    for r in failing
                ],
                f"{len(failing)} checks failing.",
                numeric=(3, 4),
            ),
        ],
    )


SECTIONS: tuple[Callable[[Warehouse], Section], ...] = (
    overview,
    funnel,
    retention,
    cost,
    channel_roi,
    lifecycle,
    churn,
    vintage,
    kpis,
    modules,
    referral,
    service,
    ads,
    content,
    health,
)


def sections(wh: Warehouse) -> list[Section]:
    """Every section of the report, in page order."""
    return [make(wh) for make in SECTIONS]


# --- the page ---------------------------------------------------------------------------------

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #2f6fdf; }
* { box-sizing: border-box; }
body { margin: 0; font-family: FONT; color: var(--ink); background: #f5f7fa; }
header { background: #102a43; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #bcccdc; font-size: 13px; }
nav { position: sticky; top: 0; z-index: 10; background: #fff; border-bottom: 1px solid var(--line);
  padding: 8px 32px; font-size: 13px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 14px; white-space: nowrap; }
main { max-width: 1240px; margin: 0 auto; padding: 8px 24px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 18px 0;
  padding: 16px 20px; }
section h2 { margin: 0 0 6px; font-size: 19px; }
section > p.note { margin: 0 0 12px; color: var(--muted); font-size: 13px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 10px;
  margin-bottom: 12px; }
.card { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px;
  padding: 10px 12px; }
.card.good { border-left-color: #1e8449; } .card.warn { border-left-color: #e67e22; }
.card.bad { border-left-color: #c0392b; }
.card h3 { margin: 0; font-size: 12px; font-weight: 600; color: var(--muted); }
.card .value { font-size: 22px; font-weight: 700; margin: 4px 0; }
.card .source { font-size: 11px; color: var(--muted); }
figure { margin: 10px 0 16px; }
figcaption, .table h3 { font-weight: 600; font-size: 14px; margin: 0 0 4px; }
.table { margin: 10px 0 16px; }
.table .scroll { max-height: 440px; overflow: auto; border: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left;
  white-space: nowrap; }
th { position: sticky; top: 0; background: #f0f4f8; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
p.table-note { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 0 0 30px; }
""".replace("FONT", FONT)


def _chart_html(chart: Chart) -> str:
    import plotly.io

    div = plotly.io.to_html(
        chart.figure,
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        config=PLOTLY_CONFIG,
        div_id=f"chart-{chart.key}",
    )
    return (
        f'<figure class="chart" data-chart="{html.escape(chart.key)}">'
        f"<figcaption>{html.escape(chart.title)}</figcaption>{div}</figure>"
    )


def _table_html(table: Table) -> str:
    align = [' class="num"' if i in table.numeric else "" for i in range(len(table.columns))]
    head = "".join(
        f"<th{a}>{html.escape(c)}</th>" for a, c in zip(align, table.columns, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{a}>{html.escape(cell)}</td>" for a, cell in zip(align, row, strict=True))
        + "</tr>"
        for row in table.rows
    )
    note = f'<p class="table-note">{html.escape(table.note)}</p>' if table.note else ""
    return (
        f'<div class="table" data-table="{html.escape(table.key)}">'
        f'<h3>{html.escape(table.title)}</h3><div class="scroll"><table><thead><tr>{head}'
        f"</tr></thead><tbody>{body}</tbody></table></div>{note}</div>"
    )


def _card_html(card: Card) -> str:
    return (
        f'<div class="card {card.tone}"><h3>{html.escape(card.title)}</h3>'
        f'<div class="value">{html.escape(card.value)}</div>'
        f'<div class="source">{html.escape(card.source)}</div></div>'
    )


def _section_html(section: Section) -> str:
    cards = (
        f'<div class="cards">{"".join(_card_html(c) for c in section.cards)}</div>'
        if section.cards
        else ""
    )
    parts = "".join(
        _chart_html(part) if isinstance(part, Chart) else _table_html(part)
        for part in section.parts
    )
    return (
        f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>'
        f'<p class="note">{html.escape(section.note)}</p>{cards}{parts}</section>'
    )


def render(all_sections: list[Section], subtitle: str, warehouse: Path) -> str:
    """The whole page: styles, plotly.js and every figure inline."""
    from plotly.offline import get_plotlyjs

    nav = "".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in all_sections)
    body = "".join(_section_html(s) for s in all_sections)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>commops 社群运营报告 Community operations report</title>"
        f"<style>{CSS}</style>"
        "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>"
        f"<script>{get_plotlyjs()}</script></head><body>"
        "<header><h1>社群运营报告 · Community operations report</h1>"
        f"<p>{html.escape(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main>"
        f"<footer>Read from {html.escape(warehouse.name)} (schemas marts and reference) by "
        "commops.report; every number is a mart's value.</footer></body></html>\n"
    )


def write_report(warehouse: Path, out: Path) -> Path:
    """Read the published warehouse and write the report to `out` (replaced in one step)."""
    warehouse, out = Path(warehouse), Path(out)
    with open_warehouse(warehouse) as wh:
        page = render(sections(wh), about(wh), warehouse)
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, out)
    except OSError as error:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise ReportError(f"cannot write {out}: {(error.strerror or str(error)).lower()}") from None
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from commops.build import published_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="the published DuckDB file (default: COMMOPS_PUBLISHED_PATH or "
        "warehouse/commops.duckdb)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"the HTML file (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    warehouse = args.warehouse or published_path()
    try:
        out = write_report(warehouse, args.out)
    except ReportError as error:
        print(f"Report not written: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - the user gets one line, not a traceback
        detail = " ".join(str(error).split()) or type(error).__name__
        print(f"Report not written: {detail} (reading {warehouse})", file=sys.stderr)
        return 1
    print(f"Report written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
