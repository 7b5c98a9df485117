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
from decimal import Decimal
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

REQUIRED = {
    "members": ("member_id", "joined_at", "channel"),
    "events": ("event_id", "member_id", "occurred_at", "event_type"),
    "spend": ("spend_id", "spend_date", "cost_center", "category", "amount", "currency"),
    "loans": ("loan_id", "member_id", "applied_at", "currency"),
    "repayments": ("repayment_id", "loan_id", "due_date", "currency"),
}
TIMESTAMPS = {
    "members": ("joined_at", "left_at"),
    "events": ("occurred_at",),
    "spend": (),
    "loans": ("applied_at", "decided_at", "disbursed_at"),
    "repayments": ("paid_at",),
}
DATES = {"spend": ("spend_date",), "repayments": ("due_date",)}
AMOUNTS = {
    "members": ("annual_revenue_cny", "requested_amount_cny"),
    "spend": ("amount",),
    "loans": ("requested_amount", "approved_amount", "disbursed_amount", "annual_rate")
    + ("origination_fee",),
    "repayments": ("principal", "interest", "fee"),
}
INTEGERS = {"members": ("credit_score",), "loans": ("term_months",)}
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
}
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
}
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
    with (ROOT / "seeds" / name).open(encoding="utf-8", newline="") as fh:
        return {r["label"].strip().lower() for r in csv.DictReader(fh)}


def contract_findings(export: dict[str, list[dict]]) -> Counter:
    """(entity, record_key, kind) of every row CONTRACT §3/§6 rejects, collapses or flags."""
    rates, fx_last = load_fx()
    channels = load_labels("channel_map.csv")
    categories = load_labels("cost_category_map.csv")
    today = datetime.now(SHANGHAI).date()
    found: Counter = Counter()
    staged: dict[str, list[dict]] = {}

    def month(d: date) -> date:
        return d.replace(day=1)

    for entity in ENTITIES:
        columns = list(export[entity][0]) if export[entity] else []
        key = columns[0] if columns else ""
        seen: set[tuple] = set()
        kept = []
        for raw in export[entity]:
            row = {k: (v or "").strip() for k, v in raw.items()}
            ident = tuple(raw[c] or "" for c in columns)
            if ident in seen:
                found[(entity, row[key], "collapsed_duplicate")] += 1
                continue
            seen.add(ident)
            kept.append(row)
        survivors = []
        for row in kept:
            reason, carried = reject_reason(entity, row, rates, fx_last, categories)
            if reason:
                found[(entity, row[key], reason)] += 1
            else:
                row["_carried"] = carried
                survivors.append(row)
        count = Counter(r[key] for r in survivors)
        staged[entity] = []
        for row in survivors:
            if count[row[key]] > 1:
                found[(entity, row[key], "duplicate_key_conflict")] += 1
            else:
                staged[entity].append(row)
                if row["_carried"]:
                    found[(entity, row[key], "fx_rate_carried_forward")] += 1
                for column, values in CODES.get(entity, {}).items():
                    if row[column] and row[column].lower() not in values:
                        found[(entity, row[key], "unknown_code")] += 1
                        break
                label = row.get("channel", "")
                if entity in ("members", "spend") and label and label.lower() not in channels:
                    found[(entity, row[key], "unmapped_channel")] += 1

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

    lines = staged["spend"]
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
    if "currency" in row:
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
    keys = {e: {r[generate.COLUMNS[e][0]] for r in rows} for e, rows in export.items()}
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


@pytest.mark.parametrize("kinds", ["shared_phone,registration_burst", "benford_vendor"])
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
