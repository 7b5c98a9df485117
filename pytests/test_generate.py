"""The raw-export generator: determinism, the shipped demo, and its ground truth.

The ground truth is checked against an independent reading of CONTRACT §3 and §6 written here
in plain Python (collapse, reject, key conflicts, then every flag rule), not against the
generator's own bookkeeping.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from math import log10
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from commops import contract, generate
from commops._gen_plant import ALL_KINDS, ENTITY_KINDS

ROOT = Path(__file__).resolve().parent.parent
ENTITIES = contract.entities()
#: The thresholds of CONTRACT §6, as dbt_project.yml sets them (the reading below is ours).
VARS = contract.project_vars()

# --- an independent reading of the contract -----------------------------------------------------

TS_RE = re.compile(
    r"^\d{4}(-\d{1,2}-|/\d{1,2}/)\d{1,2}"
    r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$",
    re.ASCII,
)
AMOUNT_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$", re.ASCII)
PARTS_RE = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$"
)
SHANGHAI = timezone(timedelta(hours=8))

REQUIRED = {entity: export.required for entity, export in contract.raw_exports().items()}
TIMESTAMPS = {
    "members": ("joined_at", "left_at"),
    "events": ("occurred_at",),
    "spend": (),
    "loans": ("applied_at", "decided_at", "disbursed_at"),
    "repayments": ("paid_at",),
    "orders": ("ordered_at",),
    "tickets": ("opened_at", "first_response_at", "resolved_at"),
    "ad_stats": (),
}
DATES = {"spend": ("spend_date",), "repayments": ("due_date",), "ad_stats": ("stat_date",)}
AMOUNTS = {
    "members": ("annual_revenue_cny", "requested_amount_cny"),
    "spend": ("amount",),
    "loans": ("requested_amount", "approved_amount", "disbursed_amount", "annual_rate")
    + ("origination_fee",),
    "repayments": ("principal", "interest", "fee"),
    "orders": ("amount",),
    "ad_stats": ("platform_spend",),
}
INTEGERS = {
    "members": ("credit_score",),
    "loans": ("term_months",),
    "tickets": ("csat",),
    "ad_stats": ("impressions", "clicks"),
}
# amount column -> the column whose date converts it
MONEY_DATES = {
    "spend": {"amount": "spend_date"},
    "loans": {
        "requested_amount": "applied_at",
        "approved_amount": "decided_at",
        "disbursed_amount": "disbursed_at",
        "origination_fee": "disbursed_at",
    },
    "repayments": {"principal": None, "interest": None, "fee": None},
    "orders": {"amount": "ordered_at"},
    "ad_stats": {"platform_spend": "stat_date"},
}
MODULES = ("membership", "paid_content", "social_commerce", "training")
CODES = {
    "members": {
        "member_type": ("sme", "enterprise", "individual_investor", "institution", "partner"),
        "tier": ("basic", "paid", "premium"),
    },
    "events": {
        "event_type": ("post", "comment", "like", "share", "click", "view", "attend", "login")
    },
    "loans": {
        "decision": ("approved", "rejected", "pending", "withdrawn"),
        "status": ("open", "repaid", "overdue", "defaulted"),
        "product": ("working_capital", "project_finance", "equipment", "trade_finance"),
    },
    "spend": {"module": (*MODULES, "referral")},
    "orders": {"module": MODULES, "status": ("paid", "refunded")},
    "tickets": {
        "contact_channel": ("phone", "wechat", "email", "app", "community"),
        "topic": ("loan_question", "repayment", "complaint", "account", "other"),
    },
}
AD_SPEND_GAP_MAX = Decimal(str(VARS["ad_spend_gap_max"]))  # CONTRACT §6 booked_over_platform
CSAT_RANGE = range(VARS["csat_min"], VARS["csat_max"] + 1)  # CONTRACT §2 csat 1-5
BENFORD = [log10(1 + 1 / d) for d in range(1, 10)]


def parse_ts(text: str, allow_offset: bool = True) -> datetime | None:
    """Shanghai local naive datetime, or None when the text is no valid timestamp."""
    if not TS_RE.match(text):
        return None
    y, mo, d, h, mi, s, frac, off = PARTS_RE.match(text).groups()
    if off and not allow_offset:
        return None
    try:
        dt = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
        if frac:
            dt += timedelta(microseconds=int(frac[:6].ljust(6, "0")))
        if off:
            if off == "Z":
                tz = UTC
            else:
                hh, mm = int(off[1:3]), int(off[4:6])
                if hh > 23 or mm > 59:
                    return None
                sign = 1 if off[0] == "+" else -1
                tz = timezone(sign * timedelta(hours=hh, minutes=mm))
            dt = dt.replace(tzinfo=tz).astimezone(SHANGHAI).replace(tzinfo=None)
    except ValueError:
        return None
    return dt


def parse_amount(text: str) -> Decimal | None:
    return Decimal(text.replace(",", "")) if AMOUNT_RE.match(text) else None


def read_export(folder: Path, prefix: str = "", fmt: str = "csv") -> dict[str, list[dict]]:
    out = {}
    for entity in ENTITIES:
        if fmt == "csv":
            with (folder / f"{prefix}{entity}.csv").open(encoding="utf-8", newline="") as fh:
                out[entity] = list(csv.DictReader(fh))
        else:
            table = pq.read_table(folder / f"{prefix}{entity}.parquet")
            out[entity] = [
                {k: ("" if v is None else v) for k, v in row.items()} for row in table.to_pylist()
            ]
    return out


def read_truth(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["entity"], r["record_key"], r["kind"]) for r in csv.DictReader(fh)]


def load_fx() -> tuple[dict[tuple[str, date], Decimal], dict[str, date]]:
    rates, last = {}, {}
    with (ROOT / "seeds" / "fx_rates.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            month = date.fromisoformat(r["month"])
            rates[(r["currency"], month)] = Decimal(r["rate_to_cny"])
            last[r["currency"]] = max(last.get(r["currency"], month), month)
    return rates, last


def load_labels(name: str) -> set[str]:
    return set(load_map(name))


def load_map(name: str) -> dict[str, str]:
    """A seed's label (trimmed, lower-cased) -> its second column (channel, category)."""
    with (ROOT / "seeds" / name).open(encoding="utf-8", newline="") as fh:
        return {r["label"].strip().lower(): list(r.values())[1] for r in csv.DictReader(fh)}


def record_key(entity: str, row: dict) -> str:
    """CONTRACT §2: the key; ad_stats' is `<campaign_id>|<stat_date>` (empty when either is)."""
    if entity != "ad_stats":
        return row[contract.raw_exports()[entity].key]
    if not row["campaign_id"] or not row["stat_date"]:
        return ""
    day = parse_ts(row["stat_date"], allow_offset=False)
    return f"{row['campaign_id']}|{day.date().isoformat() if day else row['stat_date']}"


def as_int(text: str) -> int:
    """An integer column: empty reads as 0 (impressions, clicks)."""
    return int(parse_amount(text)) if text else 0


def stage(export: dict[str, list[dict]]) -> tuple[Counter, dict[str, list[dict]]]:
    """CONTRACT §3 per entity (collapse, reject, key conflicts) and the staged rows' counted
    checks: the findings so far and the staged rows (trimmed, with their `_key`)."""
    rates, fx_last = load_fx()
    channels = load_labels("channel_map.csv")
    categories = load_labels("cost_category_map.csv")
    found: Counter = Counter()
    staged: dict[str, list[dict]] = {}
    for entity in ENTITIES:
        columns = list(export[entity][0]) if export[entity] else []
        seen: set[tuple] = set()
        kept = []
        for raw in export[entity]:
            row = {k: (v or "").strip() for k, v in raw.items()}
            row["_key"] = record_key(entity, row)
            ident = tuple(raw[c] or "" for c in columns)
            if ident in seen:
                found[(entity, row["_key"], "collapsed_duplicate")] += 1
                continue
            seen.add(ident)
            kept.append(row)
        survivors = []
        for row in kept:
            reason, carried = reject_reason(entity, row, rates, fx_last, categories)
            if reason:
                found[(entity, row["_key"], reason)] += 1
            else:
                row["_carried"] = carried
                survivors.append(row)
        count = Counter(r["_key"] for r in survivors)
        staged[entity] = []
        for row in survivors:
            key = row["_key"]
            if count[key] > 1:
                found[(entity, key, "duplicate_key_conflict")] += 1
                continue
            staged[entity].append(row)
            if row["_carried"]:
                found[(entity, key, "fx_rate_carried_forward")] += 1
            for column, values in CODES.get(entity, {}).items():
                if row[column] and row[column].lower() not in values:
                    found[(entity, key, "unknown_code")] += 1
                    break
            label = row.get("channel", "")
            if entity in ("members", "spend", "ad_stats") and label:
                if label.lower() not in channels:
                    found[(entity, key, "unmapped_channel")] += 1
            if entity == "tickets" and row["csat"] and as_int(row["csat"]) not in CSAT_RANGE:
                found[(entity, key, "csat_out_of_range")] += 1
    return found, staged


def contract_findings(export: dict[str, list[dict]]) -> Counter:
    """(entity, record_key, kind) of every row CONTRACT §3/§6 rejects, collapses or flags."""
    found, staged = stage(export)
    rates, fx_last = load_fx()
    today = datetime.now(SHANGHAI).date()

    def month(d: date) -> date:
        return d.replace(day=1)

    members = {r["member_id"]: r for r in staged["members"]}
    for kind, column, norm in (
        ("shared_phone", "phone", phone_key),
        ("shared_device", "device_id", lambda v: v.lower() or None),
    ):
        groups = defaultdict(list)
        for r in staged["members"]:
            value = norm(r[column])
            if value:
                groups[value].append(r["member_id"])
        for ids in groups.values():
            if len(ids) >= VARS["shared_identity_min_members"]:
                for m in ids:
                    found[("members", m, kind)] += 1
    for m in burst_members(staged["members"]):
        found[("members", m, "registration_burst")] += 1
    for r in staged["members"]:
        left = parse_ts(r["left_at"]) if r["left_at"] else None
        if left and left < parse_ts(r["joined_at"]):
            found[("members", r["member_id"], "left_before_join")] += 1
    for m in referral_ring_members(members):
        found[("members", m, "referral_cycle")] += 1

    for e in staged["events"]:
        m = members.get(e["member_id"])
        at = parse_ts(e["occurred_at"])
        if m is None:
            found[("events", e["event_id"], "unknown_member")] += 1
            continue
        if at < parse_ts(m["joined_at"]):
            found[("events", e["event_id"], "event_before_join")] += 1
        if m["left_at"] and at > parse_ts(m["left_at"]):
            found[("events", e["event_id"], "event_after_leave")] += 1

    for loan in staged["loans"]:
        lid = loan["loan_id"]
        applied = parse_ts(loan["applied_at"])
        decided = parse_ts(loan["decided_at"]) if loan["decided_at"] else None
        disbursed = parse_ts(loan["disbursed_at"]) if loan["disbursed_at"] else None
        if loan["member_id"] not in members:
            found[("loans", lid, "unknown_member")] += 1
        if decided and decided < applied:
            found[("loans", lid, "decided_before_applied")] += 1
        if disbursed and decided and disbursed < decided:
            found[("loans", lid, "disbursed_before_decided")] += 1
        if disbursed and loan["decision"].lower() != "approved":
            found[("loans", lid, "disbursed_without_approval")] += 1
        if loan["disbursed_amount"] and loan["approved_amount"]:
            if parse_amount(loan["disbursed_amount"]) > parse_amount(loan["approved_amount"]):
                found[("loans", lid, "disbursed_over_approved")] += 1
    loans = {r["loan_id"] for r in staged["loans"]}
    for rep in staged["repayments"]:
        if rep["loan_id"] not in loans:
            found[("repayments", rep["repayment_id"], "unknown_loan")] += 1
    for order in staged["orders"]:
        if order["member_id"] not in members:
            found[("orders", order["order_id"], "unknown_member")] += 1
    for ticket in staged["tickets"]:
        tid, opened = ticket["ticket_id"], parse_ts(ticket["opened_at"])
        if ticket["member_id"] and ticket["member_id"] not in members:
            found[("tickets", tid, "unknown_member")] += 1
        if ticket["first_response_at"] and parse_ts(ticket["first_response_at"]) < opened:
            found[("tickets", tid, "response_before_opened")] += 1
        if ticket["resolved_at"] and parse_ts(ticket["resolved_at"]) < opened:
            found[("tickets", tid, "resolved_before_opened")] += 1
    for stat in staged["ad_stats"]:
        if as_int(stat["clicks"]) > as_int(stat["impressions"]):
            found[("ad_stats", stat["_key"], "clicks_over_impressions")] += 1

    lines = staged["spend"]
    for s in over_booked_lines(staged["ad_stats"], lines, rates, fx_last):
        found[("spend", s, "booked_over_platform")] += 1
    first_seen: dict[tuple, bool] = {}
    for s in sorted(lines, key=lambda r: (parse_ts(r["spend_date"]).date(), r["spend_id"])):
        if s["invoice_no"]:
            ident = (s["vendor"], s["invoice_no"], s["currency"].upper(), parse_amount(s["amount"]))
            if ident in first_seen:
                found[("spend", s["spend_id"], "duplicate_invoice")] += 1
            first_seen[ident] = True
    by_vendor = defaultdict(list)
    for s in lines:
        day = parse_ts(s["spend_date"]).date()
        amount = parse_amount(s["amount"])
        currency = s["currency"].upper()
        rate = Decimal(1) if currency == "CNY" else rates.get((currency, month(day)))
        if rate is None:  # after the seed's last month: carried forward
            rate = rates[(currency, fx_last[currency])]
        if amount * rate >= VARS["invoice_required_over_cny"] and not s["invoice_no"]:
            found[("spend", s["spend_id"], "missing_invoice")] += 1
        if day > today:
            found[("spend", s["spend_id"], "future_date")] += 1
        if s["vendor"]:
            by_vendor[s["vendor"]].append(s)
    for rows in by_vendor.values():
        digits = [first_digit(parse_amount(s["amount"])) for s in rows]
        digits = [d for d in digits if d]
        enough = len(digits) >= VARS["benford_min_lines"]
        if enough and benford_mad(digits) > VARS["benford_mad_max"]:
            for s in rows:
                found[("spend", s["spend_id"], "benford_vendor")] += 1
    return found


def to_cny(amount: Decimal, currency: str, day: date, rates, fx_last) -> Decimal:
    """At the month's rate, or the currency's last one after the seed ends (carried forward)."""
    if currency == "CNY":
        return amount
    month = day.replace(day=1)
    return amount * rates.get((currency, month), rates[(currency, fx_last[currency])])


def ad_monthly(ad_stats: list[dict], spend: list[dict], rates, fx_last) -> dict[tuple, list]:
    """mart_ad_monthly (CONTRACT §7): (month, channel, campaign_id) -> [platform CNY, booked
    CNY, staged spend_ids], for the staged ad_stats' campaign months."""
    channel_of = load_map("channel_map.csv")
    rows: dict[tuple, list] = {}
    for a in ad_stats:
        day = parse_ts(a["stat_date"], allow_offset=False).date()
        key = (
            day.replace(day=1),
            channel_of.get(a["channel"].lower(), "unknown"),
            a["campaign_id"],
        )
        row = rows.setdefault(key, [Decimal(0), Decimal(0), []])
        if a["platform_spend"]:
            amount = parse_amount(a["platform_spend"])
            row[0] += to_cny(amount, a["currency"].upper(), day, rates, fx_last)
    for s in spend:
        if not s["channel"] or not s["campaign_id"]:
            continue
        day = parse_ts(s["spend_date"], allow_offset=False).date()
        key = (
            day.replace(day=1),
            channel_of.get(s["channel"].lower(), "unknown"),
            s["campaign_id"],
        )
        if key in rows:
            amount = to_cny(parse_amount(s["amount"]), s["currency"].upper(), day, rates, fx_last)
            rows[key][1] += amount
            rows[key][2].append(s["spend_id"])
    return rows


def gap_rate(platform: Decimal, booked: Decimal) -> Decimal | None:
    """spend_gap_rate rounded to 9 places, half away from zero; None when platform <= 0."""
    if platform <= 0:
        return None
    return ((booked - platform) / platform).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)


def over_booked_lines(ad_stats: list[dict], spend: list[dict], rates, fx_last) -> list[str]:
    """CONTRACT §6 booked_over_platform: every line of a campaign month booked > 5 % over."""
    out = []
    for platform, booked, lines in ad_monthly(ad_stats, spend, rates, fx_last).values():
        gap = gap_rate(platform, booked)
        if gap is not None and gap > AD_SPEND_GAP_MAX:
            out.extend(lines)
    return out


def referral_ring_members(members: dict[str, dict]) -> set[str]:
    """Members whose chain of referrers (staged members only) leads back to themselves."""
    on_ring = set()
    for start in members:
        current, steps = members[start]["referrer_member_id"], 0
        while current in members and steps <= len(members):
            if current == start:
                on_ring.add(start)
                break
            current, steps = members[current]["referrer_member_id"], steps + 1
    return on_ring


def reject_reason(entity, row, rates, fx_last, categories) -> tuple[str | None, bool]:
    if any(not row[c] for c in REQUIRED[entity]):
        return "missing_required", False
    times = {}
    for c in TIMESTAMPS[entity]:
        if row[c]:
            times[c] = parse_ts(row[c])
            if times[c] is None:
                return "unparseable_timestamp", False
    for c in DATES.get(entity, ()):
        if row[c]:
            times[c] = parse_ts(row[c], allow_offset=False)
            if times[c] is None:
                return "unparseable_date", False
    for c in AMOUNTS.get(entity, ()):
        if row[c] and parse_amount(row[c]) is None:
            return "unparseable_amount", False
    for c in INTEGERS.get(entity, ()):
        if row[c] and (parse_amount(row[c]) is None or parse_amount(row[c]) % 1):
            return "unparseable_amount", False
    carried = False
    if entity in MONEY_DATES:
        currency = row["currency"].upper()
        if currency != "CNY" and currency not in fx_last:
            return "unknown_currency", False
        for column, date_column in MONEY_DATES[entity].items():
            if date_column is None:  # repayments: at paid_at, or due_date while unpaid
                date_column = "paid_at" if row["paid_at"] else "due_date"
            if not row[column] or not row[date_column] or currency == "CNY":
                continue
            m = times[date_column].date().replace(day=1)
            if m > fx_last[currency]:
                carried = True
            elif (currency, m) not in rates:
                return "missing_fx_rate", False
    if entity == "spend":
        if row["category"].lower() not in categories:
            return "unknown_category", False
        if row["cost_center"].lower() not in ("community", "customer_service"):
            return "unknown_cost_center", False
    return None, carried


def phone_key(value: str) -> str | None:
    digits = "".join(ch for ch in value if ch.isdigit())
    if digits.startswith("86"):
        digits = digits[2:]
    return digits or None


def burst_members(members: list[dict]) -> set[str]:
    by_community = defaultdict(list)
    for r in members:
        if r["community_id"] and re.search(r"[ T]", r["joined_at"]):
            by_community[r["community_id"]].append((parse_ts(r["joined_at"]), r["member_id"]))
    hit = set()
    size, window = VARS["burst_min_members"], VARS["burst_window_seconds"]
    for joins in by_community.values():
        joins.sort()
        for i in range(len(joins) - (size - 1)):
            if (joins[i + size - 1][0] - joins[i][0]).total_seconds() < window:
                hit.update(m for _, m in joins[i : i + size])
    return hit


def first_digit(amount: Decimal) -> int:
    for ch in str(abs(amount)):
        if ch in "123456789":
            return int(ch)
    return 0


def benford_mad(digits: list[int]) -> float:
    n = len(digits)
    counts = Counter(digits)
    return sum(abs(counts[d] / n - BENFORD[d - 1]) for d in range(1, 10)) / 9


# --- fixtures ----------------------------------------------------------------------------------


def run(tmp: Path, *extra: str, members: int = 600, seed: int = 7, fmt: str = "csv") -> Path:
    generate.main(
        ["--members", str(members), "--seed", str(seed), "--out", str(tmp), "--format", fmt]
        + list(extra)
    )
    return tmp


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    return run(tmp_path_factory.mktemp("planted"), "--plant-rate", "0.01")


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    return run(tmp_path_factory.mktemp("clean"), seed=8)


def trimmed(row: dict) -> dict:
    return {k: (v or "").strip() for k, v in row.items()}


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- tests -------------------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = files_of(run(tmp_path / "a", "--plant-rate", "0.01", members=300, seed=3))
    b = files_of(run(tmp_path / "b", "--plant-rate", "0.01", members=300, seed=3))
    c = files_of(run(tmp_path / "c", "--plant-rate", "0.01", members=300, seed=4))
    assert a == b
    assert set(a) == set(c)
    assert all(a[name] != c[name] for name in a)


def test_demo_is_the_demo_command_output(tmp_path):
    generate.regenerate_demo(out=tmp_path / "demo", truth=tmp_path / "truth.csv")
    shipped = {p.name: p.read_bytes() for p in sorted((ROOT / "seeds" / "demo").glob("raw_*"))}
    assert shipped == files_of(tmp_path / "demo")
    assert (ROOT / "data" / "demo_ground_truth.csv").read_bytes() == (
        tmp_path / "truth.csv"
    ).read_bytes()
    events = (tmp_path / "demo" / "raw_events.csv").read_bytes().count(b"\n") - 1
    assert events < 150_000


def test_files_have_the_contract_columns(planted):
    for entity, columns in generate.COLUMNS.items():
        with (planted / f"{entity}.csv").open(encoding="utf-8", newline="") as fh:
            assert tuple(next(csv.reader(fh))) == columns


def test_every_truth_key_exists_and_every_kind_is_planted(planted):
    export = read_export(planted)
    truth = read_truth(planted / "ground_truth.csv")
    keys = {e: {record_key(e, trimmed(r)) for r in rows} for e, rows in export.items()}
    assert all(key in keys[entity] for entity, key, _ in truth)
    planted_kinds = {(entity, kind) for entity, _, kind in truth}
    expected = {(entity, kind) for entity, kinds in ENTITY_KINDS.items() for kind in kinds}
    assert planted_kinds == expected
    assert {kind for _, kind in planted_kinds} == set(ALL_KINDS)
    assert tuple(ENTITY_KINDS) == ENTITIES  # every raw entity gets plants, in contract order


def test_contract_rules_find_exactly_the_ground_truth(planted):
    found = contract_findings(read_export(planted))
    truth = Counter(read_truth(planted / "ground_truth.csv"))
    missing, unexpected = truth - found, found - truth
    assert not missing, sorted(missing)[:20]
    assert not unexpected, sorted(unexpected)[:20]


def test_a_clean_export_trips_nothing(clean):
    assert read_truth(clean / "ground_truth.csv") == []
    found = contract_findings(read_export(clean))
    assert not found, sorted(found)[:20]


@pytest.mark.parametrize(
    "kinds",
    [
        "shared_phone,registration_burst",
        "benford_vendor",
        "referral_cycle,booked_over_platform",
        "duplicate_key_conflict,unparseable_date",
    ],
)
def test_plant_selects_kinds(tmp_path, kinds):
    folder = run(tmp_path, "--plant-rate", "0.01", "--plant", kinds, members=300)
    truth = read_truth(folder / "ground_truth.csv")
    assert {kind for _, _, kind in truth} == set(kinds.split(","))
    assert Counter(truth) == contract_findings(read_export(folder))


def test_unknown_plant_kind_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="unknown --plant kind"):
        run(tmp_path, "--plant-rate", "0.01", "--plant", "shared_phone,nonsense", members=50)


def test_parquet_reads_back_as_the_csv(tmp_path):
    args = ("--plant-rate", "0.02", "--file-prefix", "x_")
    as_csv = read_export(run(tmp_path / "csv", *args, members=200), "x_")
    as_parquet = read_export(
        run(tmp_path / "pq", *args, members=200, fmt="parquet"), "x_", "parquet"
    )
    assert as_csv == as_parquet
    assert (tmp_path / "csv" / "ground_truth.csv").read_bytes() == (
        tmp_path / "pq" / "ground_truth.csv"
    ).read_bytes()


# --- shapes of the optional exports and the new spend columns -----------------------------------


@pytest.fixture(scope="module")
def clean_export(clean) -> dict[str, list[dict]]:
    return {e: [trimmed(r) for r in rows] for e, rows in read_export(clean).items()}


def test_clean_ad_delivery_matches_booked_spend(clean_export):
    """Every campaign month the platforms report has booked spend within 5 % of what they
    delivered; clicks never exceed impressions; each campaign day is reported once."""
    rates, fx_last = load_fx()
    ads, spend = clean_export["ad_stats"], clean_export["spend"]
    months = ad_monthly(ads, spend, rates, fx_last)
    assert len(months) >= 20
    gaps = [gap_rate(platform, booked) for platform, booked, _ in months.values()]
    assert all(gap is not None and abs(gap) <= AD_SPEND_GAP_MAX for gap in gaps), gaps
    assert max(gaps) > 0 > min(gaps)  # booked above and below delivery, as invoices round
    assert all(as_int(a["clicks"]) <= as_int(a["impressions"]) for a in ads)
    assert any(as_int(a["clicks"]) > 0 for a in ads)
    assert len({record_key("ad_stats", a) for a in ads}) == len(ads)


def test_ad_campaigns_are_the_members_campaigns(clean_export):
    channel_of = load_map("channel_map.csv")
    ads = clean_export["ad_stats"]
    joined = {
        m["campaign_id"]: channel_of[m["channel"].lower()]
        for m in clean_export["members"]
        if m["campaign_id"]
    }
    campaigns = {(a["campaign_id"], channel_of[a["channel"].lower()]) for a in ads}
    assert {channel for _, channel in campaigns} == {"paid_ads", "weibo", "linkedin"}
    shared = [(c, ch) for c, ch in campaigns if c in joined]
    assert len(shared) >= 0.7 * len(campaigns)  # the rest: months no member joined through one
    assert all(joined[c] == ch for c, ch in shared)  # one campaign, one channel
    for a in ads:  # a campaign runs in the month its id names
        day = parse_ts(a["stat_date"], allow_offset=False).date()
        assert a["campaign_id"][3:9] == f"{day.year}{day.month:02d}"


def test_clean_referral_graph_has_no_cycle_but_referrals(clean_export):
    members = {m["member_id"]: m for m in clean_export["members"]}
    referred = [m for m in members.values() if m["referrer_member_id"]]
    assert len(referred) >= 0.05 * len(members)
    assert all(m["referrer_member_id"] in members for m in referred)
    assert referral_ring_members(members) == set()


def test_planted_referral_rings_have_every_size_and_chains_into_them(planted):
    members = {m["member_id"]: m for m in map(trimmed, read_export(planted)["members"])}
    truth = {key for _, key, kind in read_truth(planted / "ground_truth.csv")}
    rings = referral_ring_members(members)
    sizes = Counter()
    for m in rings:
        size, current = 1, members[m]["referrer_member_id"]
        while current != m:
            size, current = size + 1, members[current]["referrer_member_id"]
        sizes[size] += 1
    assert {1, 2, 3} <= set(sizes)
    into = [m for m in members if m not in rings and members[m]["referrer_member_id"] in rings]
    assert len(into) >= 3 and not set(into) & truth  # chains into a ring are not flagged


def test_planted_campaign_months_stay_within_5_percent_unless_planted(planted):
    """Plants that reject or move ad_stats rows leave the campaign month's delivery whole: a
    campaign month none of whose spend lines is planted stays within 5 %."""
    export = read_export(planted)
    planted_keys = {key for e, key, _ in read_truth(planted / "ground_truth.csv") if e == "spend"}
    touched = {s["campaign_id"].strip() for s in export["spend"] if s["spend_id"] in planted_keys}
    _, staged = stage(export)
    rates, fx_last = load_fx()
    months = ad_monthly(staged["ad_stats"], staged["spend"], rates, fx_last)
    whole = {
        key: gap_rate(platform, booked)
        for key, (platform, booked, _) in months.items()
        if key[1] != "unknown" and key[2] not in touched  # unknown: planted unmapped_channel
    }
    assert len(whole) >= 10
    assert all(abs(gap) <= AD_SPEND_GAP_MAX for gap in whole.values()), whole
    moved = [kind for e, _, kind in read_truth(planted / "ground_truth.csv") if e == "ad_stats"]
    assert {"unmapped_channel", "duplicate_key_conflict", "missing_required"} <= set(moved)


def test_orders_shape(clean_export):
    orders, members = clean_export["orders"], clean_export["members"]
    per_member = Counter(o["member_id"] for o in orders)
    assert 0.05 * len(members) < len(per_member) < 0.5 * len(members)  # a minority buys
    assert sum(n >= 2 for n in per_member.values()) >= 0.1 * len(per_member)
    assert max(per_member.values()) >= 8  # a heavy tail of repeat buyers
    assert {o["module"].lower() for o in orders} == set(MODULES)
    statuses = Counter(o["status"].lower() for o in orders)
    assert statuses["paid"] > 0.8 * len(orders) and statuses["refunded"] > 0 and statuses[""] > 0
    amounts = sorted(parse_amount(o["amount"]) for o in orders)
    assert amounts[0] == 0 and amounts[-1] > 20 * amounts[len(amounts) // 2]
    ids = {m["member_id"] for m in members}
    assert all(o["member_id"] in ids for o in orders)


def test_tickets_shape(clean_export):
    tickets = clean_export["tickets"]
    assert 0.05 < sum(not t["member_id"] for t in tickets) / len(tickets) < 0.3
    response, resolution = [], []
    for t in tickets:
        opened = parse_ts(t["opened_at"])
        if t["first_response_at"]:
            response.append((parse_ts(t["first_response_at"]) - opened).total_seconds() / 3600)
        if t["resolved_at"]:
            resolution.append((parse_ts(t["resolved_at"]) - opened).total_seconds() / 3600)
    response.sort()
    assert response[len(response) // 2] < 2  # first responses mostly within hours
    within = sum(h <= 48 for h in resolution) / len(resolution)
    assert 0.8 < within < 1  # mostly within 48 h, with a tail
    csat = [t["csat"] for t in tickets]
    assert 0.3 < csat.count("") / len(csat) < 0.9
    assert {int(c) for c in csat if c} == set(CSAT_RANGE)


def test_spend_modules_and_content(clean_export):
    spend = clean_export["spend"]
    modules = Counter(s["module"].lower() for s in spend)
    assert modules[""] > 0.7 * len(spend)  # mostly empty
    assert set(modules) == {"", *MODULES, "referral"}
    events = {e["content_id"] for e in clean_export["events"] if e["content_id"]}
    content = [s["content_id"] for s in spend if s["content_id"]]
    assert len(content) >= 20 and set(content) <= events
