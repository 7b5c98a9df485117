"""Planted problems: the rows CONTRACT §3 rejects and §6 flags, and the ground truth of them.

Every plant is chosen on rows no other plant touches, so that each planted row trips exactly its
own rule: rejected members and loans have no events, loans or repayments that would become
orphans; a moved timestamp stays inside the FX seed; Benford-shaped vendors keep their shape;
an ad_stats row rejected or moved to channel unknown leaves its campaign month's delivery to
the month's other days, and no spend plant adds booked spend to an ad campaign month, so that
only the planted campaign months are booked over the platform's delivery; a referral ring's
members are flagged, the chains planted into it are not.
Plants happen in two steps: `plan_*` picks the rows and changes numbers (times, amounts) before
the text is written, `apply_*` changes the text and inserts the extra rows.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from commops import contract
from commops._gen_data import (
    CURRENCIES,
    MATERIALS,
    PROMOTION,
    AdGroups,
    Loans,
    Members,
    Reference,
    Repayments,
    Spend,
    category_labels,
    channel_labels,
    day_number,
    invoice_number,
    month_of_days,
    time_of_day,
)
from commops._gen_ops import CSAT_MAX, CSAT_MIN, AdStats, Orders, Tickets
from commops._gen_text import (
    DAY,
    NA,
    TS_DATE,
    TS_SPACE,
    Table,
    amount_text,
    date_text,
    pick_date_styles,
)

REJECT_KINDS = (
    "missing_required",
    "unparseable_timestamp",
    "unparseable_date",
    "unparseable_amount",
    "unknown_currency",
    "missing_fx_rate",
    "unknown_category",
    "unknown_cost_center",
    "duplicate_key_conflict",
)
ENTITY_KINDS: dict[str, tuple[str, ...]] = {
    "members": (
        "missing_required",
        "unparseable_timestamp",
        "unparseable_amount",
        "duplicate_key_conflict",
        "collapsed_duplicate",
        "unmapped_channel",
        "unknown_code",
        "shared_phone",
        "shared_device",
        "registration_burst",
        "left_before_join",
        "referral_cycle",
    ),
    "events": (
        "missing_required",
        "unparseable_timestamp",
        "duplicate_key_conflict",
        "collapsed_duplicate",
        "unknown_code",
        "event_before_join",
        "event_after_leave",
        "unknown_member",
    ),
    "spend": (
        "missing_required",
        "unparseable_date",
        "unparseable_amount",
        "unknown_currency",
        "missing_fx_rate",
        "unknown_category",
        "unknown_cost_center",
        "duplicate_key_conflict",
        "collapsed_duplicate",
        "unmapped_channel",
        "duplicate_invoice",
        "missing_invoice",
        "future_date",
        "benford_vendor",
        "unknown_code",
        "booked_over_platform",
    ),
    "loans": (
        "missing_required",
        "unparseable_timestamp",
        "unparseable_amount",
        "unknown_currency",
        "missing_fx_rate",
        "duplicate_key_conflict",
        "collapsed_duplicate",
        "unknown_code",
        "decided_before_applied",
        "disbursed_before_decided",
        "disbursed_without_approval",
        "disbursed_over_approved",
        "unknown_member",
    ),
    "repayments": (
        "missing_required",
        "unparseable_timestamp",
        "unparseable_date",
        "unparseable_amount",
        "unknown_currency",
        "missing_fx_rate",
        "duplicate_key_conflict",
        "collapsed_duplicate",
        "unknown_loan",
        "fx_rate_carried_forward",
    ),
    "orders": (
        "missing_required",
        "unparseable_timestamp",
        "unparseable_amount",
        "unknown_currency",
        "missing_fx_rate",
        "duplicate_key_conflict",
        "collapsed_duplicate",
        "unknown_code",
        "unknown_member",
    ),
    "tickets": (
        "missing_required",
        "unparseable_timestamp",
        "unparseable_amount",
        "duplicate_key_conflict",
        "collapsed_duplicate",
        "unknown_code",
        "csat_out_of_range",
        "response_before_opened",
        "resolved_before_opened",
        "unknown_member",
    ),
    "ad_stats": (
        "missing_required",
        "unparseable_date",
        "unparseable_amount",
        "unknown_currency",
        "missing_fx_rate",
        "duplicate_key_conflict",
        "collapsed_duplicate",
        "unmapped_channel",
        "clicks_over_impressions",
    ),
}
ENTITIES = contract.entities()  # ENTITY_KINDS plants in each of them (test_generate)
ALL_KINDS = tuple(dict.fromkeys(k for kinds in ENTITY_KINDS.values() for k in kinds))

GARBAGE_TIMESTAMPS = (
    "2024-02-30 10:15:00",
    "2024-13-01 09:00:00",
    "2024-06-31 12:00:00",
    "2025-04-10 24:30:00",
    "2024-07-15 12:60:00",
    "1717200000",
    "2024年6月1日 10:00",
    "06/15/2024 10:00:00",
    "yesterday",
    "2024-06-01 10:00:00+8",
)
GARBAGE_DATES = (
    "2024-02-30",
    "2024-13-05",
    "2025-09-31",
    "20240315",
    "15/03/2024",
    "2024.03.15",
    "2024年3月15日",
    "2024-03-15T10:00:00+08:00",
    "2024-03-15 25:00:00",
)
GARBAGE_AMOUNTS = ("1.234,50", "¥1200", "1,2345.00", "12 000", "1200元", "约50万", "12,34", "1.2e6")
GARBAGE_INTEGERS = ("720分", "7OO", "seven", "1,2")
GARBAGE_TERMS = ("12个月", "1 year", "twelve")
GARBAGE_RATES = ("8.5%", "年化8.5%", "0.085 pa")
UNKNOWN_CURRENCIES = ("RMB", "US$", "JPY", "人民币")
UNKNOWN_CATEGORIES = ("差旅费", "餐饮招待", "travel", "办公租金")
UNKNOWN_COST_CENTERS = ("marketing", "sales", "运营中心", "hr")
UNMAPPED_CHANNELS = ("抖音", "小红书", "知乎", "Douyin", "B站")
UNKNOWN_MEMBER_TYPES = ("startup", "government", "other")
UNKNOWN_TIERS = ("vip", "gold", "trial")
UNKNOWN_EVENT_TYPES = ("react", "download", "signup", "Vote")
UNKNOWN_PRODUCTS = ("supply_chain", "consumer_loan", "mortgage")
UNKNOWN_SPEND_MODULES = ("advertising", "events", "会员")
UNKNOWN_ORDER_MODULES = ("referral", "vip_club", "live_stream")  # referral: a spend module only
UNKNOWN_ORDER_STATUSES = ("cancelled", "pending", "退款中")
UNKNOWN_CONTACT_CHANNELS = ("sms", "telegram", "walk_in")
UNKNOWN_TOPICS = ("refund", "billing", "fraud")
# integers outside csat_min..csat_max: read as empty and counted (0, 6, 10, -1 for 1..5)
CSAT_OUT_OF_RANGE = tuple(str(v) for v in (CSAT_MIN - 1, CSAT_MAX + 1, 2 * CSAT_MAX, CSAT_MIN - 2))
GARBAGE_CSAT = ("五星", "4.5", "good", "5分")
GARBAGE_COUNTS = ("1.2万", "12k", "约3000", "1,2")
RING_SIZES = (1, 2, 3)  # referral rings: a self-referral, a pair, a triangle
BENFORD_VENDORS = (
    "鑫源商贸有限公司",
    "恒达广告传媒有限公司",
    "盛世礼品贸易有限公司",
    "华信会务服务有限公司",
    "金诚文化传播有限公司",
)
FUTURE_FROM = day_number("2030-01-01")  # far after any build date
# CONTRACT §6 thresholds, as dbt_project.yml's vars set them.
BENFORD_MIN_LINES: int = contract.var("benford_min_lines")
BENFORD_MAD_MAX: float = contract.var("benford_mad_max")
BIG_VENDOR_LINES = 80  # natural vendors this large are left alone by plants that move amounts
BURST_MIN: int = contract.var("burst_min_members")
BURST_WINDOW: int = contract.var("burst_window_seconds")
SHARED_MIN: int = contract.var("shared_identity_min_members")


def plant_count(rate: float, rows: int) -> int:
    return max(1, round(rate * rows)) if rate > 0 else 0


def cycle(values: tuple[str, ...], n: int) -> list[str]:
    return [values[i % len(values)] for i in range(n)]


def warn(message: str) -> None:
    print(f"generate: warning: {message}", file=sys.stderr)


@dataclass
class Truth:
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, entity: str, keys: np.ndarray | list[str], kind: str) -> None:
        self.rows.extend((entity, str(k), kind) for k in keys)

    def sorted_rows(self) -> list[tuple[str, str, str]]:
        order = {e: i for i, e in enumerate(ENTITIES)}
        return sorted(self.rows, key=lambda r: (order[r[0]], r[2], r[1]))


class Picker:
    """Disjoint random picks of row indices."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        self.rng = rng
        self.free = np.ones(n, bool)

    def take(self, count: int, eligible: np.ndarray | None = None, what: str = "") -> np.ndarray:
        ok = self.free if eligible is None else self.free & eligible
        pool = np.flatnonzero(ok)
        if count > len(pool):
            warn(f"only {len(pool)} rows can take {what} ({count} asked)")
            count = len(pool)
        picked = np.sort(self.rng.choice(pool, size=count, replace=False)) if count else pool[:0]
        self.free[picked] = False
        return picked


def group_sizes(total: int, minimum: int, typical: int) -> list[int]:
    groups = max(1, total // typical)
    total = max(total, groups * minimum)
    base, extra = divmod(total, groups)
    return [base + (1 if g < extra else 0) for g in range(groups)]


def insert_copies(table: Table, targets: np.ndarray) -> tuple[Table, np.ndarray, np.ndarray]:
    """Each target row followed by a copy: new table, positions of old rows, of the copies."""
    n = len(next(iter(table.values())))
    repeats = np.ones(n, dtype=np.int64)
    repeats[targets] += 1
    take = np.repeat(np.arange(n), repeats)
    first = np.cumsum(repeats) - repeats
    return {c: v[take] for c, v in table.items()}, first, first[targets] + 1


def append_rows(table: Table, rows: Table) -> Table:
    return {c: np.concatenate([v, rows[c]]) for c, v in table.items()}


def set_text(table: Table, column: str, rows: np.ndarray, values: list[str]) -> None:
    col = table[column]
    for r, v in zip(rows.tolist(), values, strict=True):
        col[r] = v


def known(values: tuple[str, ...], mapped: frozenset[str]) -> tuple[str, ...]:
    return tuple(v for v in values if v.strip().lower() not in mapped)


def spread(rows: np.ndarray, parts: int) -> list[np.ndarray]:
    """Rows split round-robin into parts, to vary what a plant changes."""
    return [rows[i::parts] for i in range(parts)]


# --- members -----------------------------------------------------------------------------------


@dataclass
class MemberPlan:
    kinds: dict[str, np.ndarray]
    inactive: np.ndarray  # members that must have no events or loans
    planted: np.ndarray  # members any plant touches


def plan_members(
    rng: np.random.Generator,
    mem: Members,
    kinds: set[str],
    rate: float,
    start_day: int,
    end_secs: int,
) -> MemberPlan:
    k = plant_count(rate, mem.n)
    pick = Picker(rng, mem.n)
    plan: dict[str, np.ndarray] = {}
    groups: dict[str, list[np.ndarray]] = {}
    for kind in ENTITY_KINDS["members"]:
        if kind not in kinds:
            continue
        if kind in ("shared_phone", "shared_device", "registration_burst"):
            minimum = BURST_MIN if kind == "registration_burst" else SHARED_MIN
            groups[kind] = []
            for size in group_sizes(k, minimum, 22 if minimum == BURST_MIN else 4):
                members = pick.take(size, what=kind)
                if len(members) < minimum:  # too few members left for a whole group
                    pick.free[members] = True
                    break
                groups[kind].append(members)
            plan[kind] = np.sort(np.concatenate([np.zeros(0, np.int64), *groups[kind]]))
        elif kind == "referral_cycle":
            plan[kind] = _plant_referral_rings(rng, mem, pick, k)
        else:
            plan[kind] = pick.take(k, what=kind)

    for g, members in enumerate(groups.get("shared_phone", [])):
        mem.phone[members] = mem.spare_phone[g]
    for g, members in enumerate(groups.get("shared_device", [])):
        mem.device[members] = mem.spare_device[g]
        mem.device_lower[members] = np.arange(len(members)) % 2 == 1
    for members in groups.get("registration_burst", []):
        _plant_burst(rng, mem, members, start_day, end_secs)
    if "left_before_join" in plan:
        rows = plan["left_before_join"]
        back = DAY + (rng.random(len(rows)) * 60 * DAY).astype(np.int64)
        mem.left[rows] = mem.joined[rows] - back
        mem.left_style[rows] = np.where(
            mem.left_style[rows] == TS_DATE, TS_SPACE, mem.left_style[rows]
        )

    # Rejected members and members who left before joining get no events and no loans.
    inactive = np.zeros(mem.n, bool)
    for kind in ENTITY_KINDS["members"]:
        if kind in REJECT_KINDS or kind == "left_before_join":
            inactive[plan.get(kind, [])] = True
    return MemberPlan(kinds=plan, inactive=inactive, planted=~pick.free)


def _plant_referral_rings(
    rng: np.random.Generator, mem: Members, pick: Picker, k: int
) -> np.ndarray:
    """Rings of 1, 2 and 3 members referring each other, at least one of each size, k or more
    members in all; each ring gets a chain of 1 or 2 members running into it (not flagged).
    Returns the ring members."""
    sizes: list[int] = []
    while sum(sizes) < max(k, sum(RING_SIZES)):
        sizes.append(RING_SIZES[len(sizes) % len(RING_SIZES)])
    rings = []
    for r, size in enumerate(sizes):
        ring = pick.take(size, what="referral_cycle")
        chain = pick.take(1 + r % 2, what="a referral chain")
        if len(ring) < size or not len(chain):
            pick.free[np.concatenate([ring, chain])] = True
            break
        ring = rng.permutation(ring)
        mem.referrer[ring] = np.roll(ring, -1)  # each refers the next; a ring of one itself
        mem.referrer[chain[0]] = ring[0]
        mem.referrer[chain[1:]] = chain[:-1]
        rings.append(ring)
    return np.sort(np.concatenate([np.zeros(0, np.int64), *rings]))


def _plant_burst(
    rng: np.random.Generator, mem: Members, members: np.ndarray, start_day: int, end_secs: int
) -> None:
    """20+ joins within 45 s in one community, with no other join of it within a minute."""
    lo = start_day * DAY + DAY
    hi = max(lo + 1, end_secs - 30 * DAY)
    others = np.ones(mem.n, bool)
    others[members] = False
    for _ in range(1000):
        community = int(rng.integers(0, mem.n_communities))
        t0 = int(rng.integers(lo, hi))
        near = (
            others
            & (mem.community == community)
            & (mem.joined > t0 - 3 * BURST_WINDOW)
            & (mem.joined < t0 + 4 * BURST_WINDOW)
        )
        if not near.any():
            break
    else:  # pragma: no cover - a crowded community every time
        raise RuntimeError("no quiet minute for a registration burst")
    mem.community[members] = community
    mem.joined[members] = t0 + np.sort(rng.integers(0, 45, size=len(members)))
    mem.joined_style[members] = np.where(
        mem.joined_style[members] == TS_DATE, TS_SPACE, mem.joined_style[members]
    )
    mem.left[members] = NA


def apply_members(table: Table, plan: MemberPlan, ref: Reference, truth: Truth) -> Table:
    ids = table["member_id"]
    kinds = plan.kinds
    for kind, rows in kinds.items():
        if kind not in ("duplicate_key_conflict", "collapsed_duplicate"):
            truth.add("members", ids[rows], kind)
    if "missing_required" in kinds:
        a, b = spread(kinds["missing_required"], 2)
        set_text(table, "joined_at", a, [""] * len(a))
        set_text(table, "channel", b, [""] * len(b))
    if "unparseable_timestamp" in kinds:
        a, b, c = spread(kinds["unparseable_timestamp"], 3)
        rows = np.concatenate([a, b])
        set_text(table, "joined_at", rows, cycle(GARBAGE_TIMESTAMPS, len(rows)))
        set_text(table, "left_at", c, cycle(GARBAGE_TIMESTAMPS[3:], len(c)))
    if "unparseable_amount" in kinds:
        a, b, c = spread(kinds["unparseable_amount"], 3)
        set_text(table, "annual_revenue_cny", a, cycle(GARBAGE_AMOUNTS, len(a)))
        set_text(table, "requested_amount_cny", b, cycle(GARBAGE_AMOUNTS[3:], len(b)))
        set_text(table, "credit_score", c, cycle(GARBAGE_INTEGERS, len(c)))
    if "unmapped_channel" in kinds:
        rows = kinds["unmapped_channel"]
        labels = known(UNMAPPED_CHANNELS, ref.mapped_channel_labels)
        set_text(table, "channel", rows, cycle(labels, len(rows)))
    if "unknown_code" in kinds:
        a, b = spread(kinds["unknown_code"], 2)
        set_text(table, "member_type", a, cycle(UNKNOWN_MEMBER_TYPES, len(a)))
        set_text(table, "tier", b, cycle(UNKNOWN_TIERS, len(b)))
    return _duplicates(table, "members", kinds, truth, "region", lambda v: v + "省")


def _duplicates(
    table: Table,
    entity: str,
    kinds: dict[str, np.ndarray],
    truth: Truth,
    column: str,
    change: Callable[[str], str],
) -> Table:
    """Exact copies (collapsed) and same-key copies with other content (conflicts)."""
    conflict = kinds.get("duplicate_key_conflict", np.array([], dtype=np.int64))
    collapsed = kinds.get("collapsed_duplicate", np.array([], dtype=np.int64))
    if not len(conflict) and not len(collapsed):
        return table
    key = next(iter(table))
    keys_conflict = table[key][conflict]
    keys_collapsed = table[key][collapsed]
    targets = np.concatenate([conflict, collapsed])
    order = np.argsort(targets)
    table, _, copies = insert_copies(table, targets[order])
    copy_pos = np.empty(len(targets), dtype=np.int64)
    copy_pos[order] = copies
    conflict_copies = copy_pos[: len(conflict)]
    set_text(table, column, conflict_copies, [change(v) for v in table[column][conflict_copies]])
    truth.add(entity, keys_conflict, "duplicate_key_conflict")
    truth.add(entity, keys_conflict, "duplicate_key_conflict")
    truth.add(entity, keys_collapsed, "collapsed_duplicate")
    return table


# --- events ------------------------------------------------------------------------------------


@dataclass
class EventPlan:
    kinds: dict[str, np.ndarray]  # global event numbers, sorted
    new_time: dict[str, np.ndarray]  # per kind, aligned with kinds[kind]
    member_width: int


def plan_events(
    rng: np.random.Generator,
    mem: Members,
    counts: np.ndarray,
    member_plan: MemberPlan,
    kinds: set[str],
    rate: float,
    end_secs: int,
    member_width: int,
) -> EventPlan:
    total = int(counts.sum())
    k = plant_count(rate, total)
    starts = np.cumsum(counts) - counts
    clean = ~member_plan.planted & (counts > 0)
    left_early = clean & (mem.left != NA) & (mem.left <= end_secs - 2 * DAY)
    used: set[int] = set()
    plan: dict[str, np.ndarray] = {}
    new_time: dict[str, np.ndarray] = {}
    for kind in ENTITY_KINDS["events"]:
        if kind not in kinds:
            continue
        eligible = left_early if kind == "event_after_leave" else clean
        picked = _pick_events(rng, counts, starts, eligible, k, used, kind)
        plan[kind] = picked
        owner = np.searchsorted(starts, picked, side="right") - 1
        if kind == "event_before_join":
            back = DAY + (rng.random(len(picked)) * 20 * DAY).astype(np.int64)
            new_time[kind] = mem.joined[owner] - back
        elif kind == "event_after_leave":
            room = np.minimum(10 * DAY, end_secs - mem.left[owner])
            new_time[kind] = (
                mem.left[owner] + 3600 + (rng.random(len(picked)) * room).astype(np.int64)
            )
    return EventPlan(kinds=plan, new_time=new_time, member_width=member_width)


def _pick_events(
    rng: np.random.Generator,
    counts: np.ndarray,
    starts: np.ndarray,
    eligible: np.ndarray,
    k: int,
    used: set[int],
    kind: str,
) -> np.ndarray:
    members = np.flatnonzero(eligible)
    weights = counts[members]
    cum = np.cumsum(weights)
    pool = int(cum[-1]) if len(cum) else 0
    if pool == 0:
        warn(f"no event can take {kind}")
        return np.array([], dtype=np.int64)
    picked: list[int] = []
    seen: set[int] = set()
    for _ in range(50):
        draw = rng.integers(0, pool, size=2 * (k - len(picked)) + 8)
        owner = np.searchsorted(cum, draw, side="right")
        rank = draw - (cum[owner] - weights[owner])
        for e in (starts[members[owner]] + rank).tolist():
            if e not in used and e not in seen:
                seen.add(e)
                picked.append(e)
                if len(picked) == k:
                    break
        if len(picked) >= k or len(seen) >= pool:
            break
    used.update(picked)
    return np.sort(np.array(picked[:k], dtype=np.int64))


def unknown_ids(prefix: str, width: int, start: int, count: int) -> list[str]:
    """Ids of the export's shape that no row has: one digit longer than any real one."""
    return [f"{prefix}{10**width + start + i}" for i in range(count)]


# --- loans -------------------------------------------------------------------------------------


def plan_loans(
    rng: np.random.Generator,
    loans: Loans,
    member_plan: MemberPlan,
    kinds: set[str],
    rate: float,
    ref: Reference,
) -> dict[str, np.ndarray]:
    k = plant_count(rate, loans.n)
    pick = Picker(rng, loans.n)
    pick.free &= ~member_plan.planted[loans.member]
    funded = loans.disbursed != NA
    cny = loans.currency == 0
    plan: dict[str, np.ndarray] = {}
    for kind in ENTITY_KINDS["loans"]:
        if kind not in kinds:
            continue
        if kind in REJECT_KINDS:
            eligible = ~funded  # a rejected loan must leave no repayment behind
        elif kind == "decided_before_applied":
            eligible = cny & (loans.decided != NA)
        elif kind == "disbursed_before_decided":
            eligible = cny & funded
        elif kind in ("disbursed_without_approval", "disbursed_over_approved"):
            eligible = funded
        else:
            eligible = None
        plan[kind] = pick.take(k, eligible, f"loans {kind}")

    if "decided_before_applied" in plan:
        rows = plan["decided_before_applied"]
        back = 3600 + (rng.random(len(rows)) * 5 * DAY).astype(np.int64)
        loans.decided[rows] = loans.applied[rows] - back
    if "disbursed_before_decided" in plan:
        rows = plan["disbursed_before_decided"]
        back = 3600 + (rng.random(len(rows)) * 3 * DAY).astype(np.int64)
        loans.disbursed[rows] = loans.decided[rows] - back
    if "disbursed_over_approved" in plan:
        rows = plan["disbursed_over_approved"]
        lower = np.floor(loans.disbursed_amount[rows] * 0.8 / 100_000) * 100_000
        loans.approved[rows] = np.minimum(lower, loans.disbursed_amount[rows] - 100_000)
    if "disbursed_without_approval" in plan:
        rows = plan["disbursed_without_approval"]
        loans.decision[rows] = np.array([2, -1, 1, 3])[np.arange(len(rows)) % 4]
    if "missing_fx_rate" in plan:
        rows = plan["missing_fx_rate"]
        usd = CURRENCIES.index("USD")
        loans.currency[rows] = usd
        month = ref.fx_first["USD"] - 1 - rng.integers(0, 6, size=len(rows))
        day = month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        loans.applied[rows] = (day + rng.integers(0, 28, size=len(rows))) * DAY + time_of_day(
            rng, len(rows)
        )
    return plan


def apply_loans(
    table: Table, plan: dict[str, np.ndarray], member_width: int, truth: Truth
) -> Table:
    ids = table["loan_id"]
    for kind, rows in plan.items():
        if kind not in ("duplicate_key_conflict", "collapsed_duplicate"):
            truth.add("loans", ids[rows], kind)
    if "missing_required" in plan:
        a, b = spread(plan["missing_required"], 2)
        set_text(table, "applied_at", a, [""] * len(a))
        set_text(table, "currency", b, [""] * len(b))
    if "unparseable_timestamp" in plan:
        a, b = spread(plan["unparseable_timestamp"], 2)
        set_text(table, "applied_at", a, cycle(GARBAGE_TIMESTAMPS, len(a)))
        set_text(table, "decided_at", b, cycle(GARBAGE_TIMESTAMPS[4:], len(b)))
    if "unparseable_amount" in plan:
        a, b, c = spread(plan["unparseable_amount"], 3)
        set_text(table, "requested_amount", a, cycle(GARBAGE_AMOUNTS, len(a)))
        set_text(table, "annual_rate", b, cycle(GARBAGE_RATES, len(b)))
        set_text(table, "term_months", c, cycle(GARBAGE_TERMS, len(c)))
    if "unknown_currency" in plan:
        rows = plan["unknown_currency"]
        set_text(table, "currency", rows, cycle(UNKNOWN_CURRENCIES, len(rows)))
    if "unknown_code" in plan:
        rows = plan["unknown_code"]
        set_text(table, "product", rows, cycle(UNKNOWN_PRODUCTS, len(rows)))
    if "unknown_member" in plan:
        rows = plan["unknown_member"]
        set_text(table, "member_id", rows, unknown_ids("M", member_width, 0, len(rows)))
    return _duplicates(table, "loans", plan, truth, "requested_amount", _other_amount)


def _other_amount(text: str) -> str:
    """A different, still valid amount."""
    return str(int(float(text.replace(",", ""))) + 1000) if text else "1000"


# --- repayments --------------------------------------------------------------------------------


def plan_repayments(
    rng: np.random.Generator,
    reps: Repayments,
    kinds: set[str],
    rate: float,
    end_day: int,
    ref: Reference,
) -> dict[str, np.ndarray]:
    k = plant_count(rate, reps.n)
    pick = Picker(rng, reps.n)
    plan: dict[str, np.ndarray] = {}
    future_unpaid = (reps.paid == NA) & (reps.due > end_day)
    for kind in ENTITY_KINDS["repayments"]:
        if kind not in kinds:
            continue
        # unknown_loan: the rows picked are left alone and copied under an unknown loan id
        eligible = future_unpaid if kind == "fx_rate_carried_forward" else None
        plan[kind] = pick.take(k, eligible, f"repayments {kind}")
    usd = CURRENCIES.index("USD")
    if "missing_fx_rate" in plan:
        rows = plan["missing_fx_rate"]
        month = ref.fx_first["USD"] - 1 - rng.integers(0, 6, size=len(rows))
        reps.due[rows] = month.astype("datetime64[M]").astype("datetime64[D]").astype(
            np.int64
        ) + rng.integers(0, 28, size=len(rows))
        reps.paid[rows] = NA
        reps.currency[rows] = usd
    if "fx_rate_carried_forward" in plan:
        rows = plan["fx_rate_carried_forward"]
        last = ref.fx_last("USD")
        month = last + 1 + rng.integers(0, 12, size=len(rows))
        day = np.minimum(reps.due[rows] - month_start(reps.due[rows]), 27)
        reps.due[rows] = (
            month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + day
        )
        rate = float(ref.fx_rates["USD"][~np.isnan(ref.fx_rates["USD"])][-1])
        reps.principal[rows] = np.round(reps.principal[rows] / rate).astype(np.int64)
        reps.interest[rows] = np.round(reps.interest[rows] / rate).astype(np.int64)
        reps.currency[rows] = usd
    return plan


def month_start(days: np.ndarray) -> np.ndarray:
    return month_of_days(days).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def apply_repayments(
    table: Table, plan: dict[str, np.ndarray], loan_width: int, truth: Truth
) -> Table:
    ids = table["repayment_id"]
    for kind, rows in plan.items():
        if kind not in ("duplicate_key_conflict", "collapsed_duplicate", "unknown_loan"):
            truth.add("repayments", ids[rows], kind)
    if "missing_required" in plan:
        a, b = spread(plan["missing_required"], 2)
        set_text(table, "due_date", a, [""] * len(a))
        set_text(table, "currency", b, [""] * len(b))
    if "unparseable_timestamp" in plan:
        rows = plan["unparseable_timestamp"]
        set_text(table, "paid_at", rows, cycle(GARBAGE_TIMESTAMPS, len(rows)))
    if "unparseable_date" in plan:
        rows = plan["unparseable_date"]
        set_text(table, "due_date", rows, cycle(GARBAGE_DATES, len(rows)))
    if "unparseable_amount" in plan:
        a, b = spread(plan["unparseable_amount"], 2)
        set_text(table, "principal", a, cycle(GARBAGE_AMOUNTS, len(a)))
        set_text(table, "interest", b, cycle(GARBAGE_AMOUNTS[2:], len(b)))
    if "unknown_currency" in plan:
        rows = plan["unknown_currency"]
        set_text(table, "currency", rows, cycle(UNKNOWN_CURRENCIES, len(rows)))
    if "unknown_loan" in plan:
        src = plan["unknown_loan"]
        loan_ids = unknown_ids("L", loan_width, 0, len(src))
        rows = {c: v[src].copy() for c, v in table.items()}
        rows["loan_id"] = np.array(loan_ids, dtype=object)
        rows["repayment_id"] = np.array([f"R{x[1:]}-01" for x in loan_ids], dtype=object)
        truth.add("repayments", rows["repayment_id"], "unknown_loan")
        table = append_rows(table, rows)
    return _duplicates(
        table, "repayments", plan, truth, "fee", lambda v: "25.00" if v != "25.00" else "30.00"
    )


# --- spend -------------------------------------------------------------------------------------


def plan_spend(
    rng: np.random.Generator,
    spend: Spend,
    groups: AdGroups,
    kinds: set[str],
    rate: float,
    end_day: int,
    ref: Reference,
) -> dict[str, np.ndarray]:
    """Pick natural lines and change their numbers; Benford vendors are appended to `spend`.

    A plant may take lines out of an ad campaign month (rejected, moved to another date) but
    never adds booked spend to one: no line of one is copied (duplicate_invoice) or moved to
    channel `unknown`, where a planted ad_stats row of the campaign may be.
    """
    n = spend.n
    k = plant_count(rate, n)
    names, counts = np.unique(spend.vendor, return_counts=True)
    size = dict(zip(names.tolist(), counts.tolist(), strict=True))
    lines_of = np.array([size[v] for v in spend.vendor.tolist()])
    small = (spend.vendor == "") | (lines_of < BIG_VENDOR_LINES)
    outside_ads = groups.line < 0
    pick = Picker(rng, n)
    plan: dict[str, np.ndarray] = {}
    if "booked_over_platform" in kinds:
        plan["booked_over_platform"] = _pick_over_booked(pick, groups, k)
    for kind in ENTITY_KINDS["spend"]:
        if kind not in kinds or kind in ("benford_vendor", "booked_over_platform"):
            continue
        if kind in REJECT_KINDS:
            eligible = small  # removing lines must not bend a big vendor's digits
        elif kind == "duplicate_invoice":
            eligible = small & (spend.invoice != "") & outside_ads
        elif kind == "missing_invoice":
            eligible = None
        elif kind == "future_date":
            eligible = spend.currency == 0  # a 2030 date in USD would also carry a rate forward
        elif kind == "unmapped_channel":
            eligible = (spend.channel_label != "") & outside_ads
        else:
            eligible = None
        if kind == "missing_invoice":
            plan[kind] = _pick_missing_invoice(pick, spend, small, k, ref)
        elif kind == "duplicate_invoice":
            plan[kind] = _pick_duplicate_invoice(pick, spend, eligible, size, k)
        else:
            plan[kind] = pick.take(k, eligible, f"spend {kind}")

    if "future_date" in plan:
        rows = plan["future_date"]
        spend.day[rows] = FUTURE_FROM + rng.integers(0, 700, size=len(rows))
    if "missing_fx_rate" in plan:
        rows = plan["missing_fx_rate"]
        month = ref.fx_first["USD"] - 1 - rng.integers(0, 6, size=len(rows))
        spend.day[rows] = month.astype("datetime64[M]").astype("datetime64[D]").astype(
            np.int64
        ) + rng.integers(0, 28, size=len(rows))
        spend.currency[rows] = CURRENCIES.index("USD")
    if "missing_invoice" in plan:
        spend.invoice[plan["missing_invoice"]] = ""
    if "benford_vendor" in kinds:
        plan["benford_vendor"] = _append_benford_vendors(rng, spend, k, end_day, ref)
    return plan


def _pick_over_booked(pick: Picker, groups: AdGroups, k: int) -> np.ndarray:
    """Every line of random ad campaign months, k lines or more (at least one month)."""
    if not groups.n:
        warn("no ad campaign month can take booked_over_platform")
        return np.zeros(0, dtype=np.int64)
    lines = np.bincount(groups.line[groups.line >= 0], minlength=groups.n)
    chosen: list[int] = []
    for g in pick.rng.permutation(groups.n).tolist():
        chosen.append(g)
        if lines[chosen].sum() >= k:
            break
    rows = np.flatnonzero(np.isin(groups.line, chosen))
    pick.free[rows] = False
    return rows


def _pick_missing_invoice(
    pick: Picker, spend: Spend, small: np.ndarray, k: int, ref: Reference
) -> np.ndarray:
    large = (spend.currency == 0) & (spend.amount >= 1_200_000)
    rows = pick.take(min(k, int((pick.free & large).sum())), large, "spend missing_invoice")
    if len(rows) < k:  # small exports: raise the amount of lines nobody's digits depend on
        extra = pick.take(k - len(rows), small & (spend.vendor == ""), "spend missing_invoice")
        spend.amount[extra] = 1_250_000 + extra * 1_700 % 5_000_000
        spend.currency[extra] = 0
        rows = np.sort(np.concatenate([rows, extra]))
    return rows


def _pick_duplicate_invoice(
    pick: Picker, spend: Spend, eligible: np.ndarray, size: dict[str, int], k: int
) -> np.ndarray:
    """Originals to book twice; no vendor grows to the Benford check's size."""
    pool = pick.rng.permutation(np.flatnonzero(pick.free & eligible))
    added: dict[str, int] = {}
    rows = []
    for r in pool.tolist():
        vendor = spend.vendor[r]
        if vendor and size[vendor] + added.get(vendor, 0) + 1 >= BENFORD_MIN_LINES:
            continue
        added[vendor] = added.get(vendor, 0) + 1
        rows.append(r)
        if len(rows) == k:
            break
    if len(rows) < k:
        warn(f"only {len(rows)} spend lines can take duplicate_invoice ({k} asked)")
    out = np.sort(np.array(rows, dtype=np.int64))
    pick.free[out] = False
    return out


def _append_benford_vendors(
    rng: np.random.Generator, spend: Spend, k: int, end_day: int, ref: Reference
) -> np.ndarray:
    """Vendors whose amounts all start with 4-9 (made-up invoices), 120+ lines each."""
    sizes = group_sizes(k, BENFORD_MIN_LINES + 20, 150)
    total = sum(sizes)
    start = spend.n
    vendor = np.repeat(
        np.array([BENFORD_VENDORS[g % len(BENFORD_VENDORS)] for g in range(len(sizes))], object),
        sizes,
    )
    if len(sizes) > len(BENFORD_VENDORS):
        vendor = np.array(
            [f"{v}{i // len(BENFORD_VENDORS) or ''}" for i, v in enumerate(vendor)], dtype=object
        )
    first_day = int(spend.day.min())
    day = np.sort(rng.integers(first_day, end_day + 1, size=total))
    category = np.where(rng.random(total) < 0.5, PROMOTION, MATERIALS).astype(np.int8)
    channel = rng.choice([0, 3, 6], size=total).astype(np.int8)
    # Cents: 4,000-9,899 yuan, moved by the decades every natural vendor moved by.
    amount = rng.integers(4_000, 9_900, size=total).astype(np.int64) * 10 ** max(spend.shift + 2, 0)
    months = month_of_days(day)
    yyyymm = months.astype("datetime64[M]").astype(str)
    invoice = np.array(
        [invoice_number(start + i, yyyymm[i], "x", 0) for i in range(total)], dtype=object
    )
    parts = {
        "day": day,
        "day_style": pick_date_styles(rng, total),
        "cost_center": np.zeros(total, dtype=np.int8),
        "category": category,
        "category_label": category_labels(rng, category, ref),
        "channel_label": channel_labels(rng, channel, ref),
        "campaign": np.full(total, "", dtype=object),
        "vendor": vendor,
        "amount": amount,
        "currency": np.zeros(total, dtype=np.int8),
        "invoice": invoice,
        "amount_separators": rng.random(total) < 0.3,
        "amount_whole": rng.random(total) < 0.5,
        "channel": channel.astype(np.int64),
        "module": np.full(total, -1, dtype=np.int8),
        "content": np.full(total, -1, dtype=np.int64),
    }
    for name, values in parts.items():
        setattr(spend, name, np.concatenate([getattr(spend, name), values]))
    return np.arange(start, start + total, dtype=np.int64)


def apply_spend(
    rng: np.random.Generator,
    table: Table,
    plan: dict[str, np.ndarray],
    spend: Spend,
    end_day: int,
    id_width: int,
    ref: Reference,
    truth: Truth,
) -> Table:
    ids = table["spend_id"]
    for kind, rows in plan.items():
        if kind not in ("duplicate_key_conflict", "collapsed_duplicate", "duplicate_invoice"):
            truth.add("spend", ids[rows], kind)
    if "missing_required" in plan:
        columns = ("amount", "currency", "category", "cost_center", "spend_date")
        for column, rows in zip(columns, spread(plan["missing_required"], 5), strict=True):
            set_text(table, column, rows, [""] * len(rows))
    if "unparseable_date" in plan:
        rows = plan["unparseable_date"]
        set_text(table, "spend_date", rows, cycle(GARBAGE_DATES, len(rows)))
    if "unparseable_amount" in plan:
        rows = plan["unparseable_amount"]
        set_text(table, "amount", rows, cycle(GARBAGE_AMOUNTS, len(rows)))
    if "unknown_currency" in plan:
        rows = plan["unknown_currency"]
        set_text(table, "currency", rows, cycle(UNKNOWN_CURRENCIES, len(rows)))
    if "unknown_category" in plan:
        rows = plan["unknown_category"]
        labels = known(UNKNOWN_CATEGORIES, ref.mapped_category_labels)
        set_text(table, "category", rows, cycle(labels, len(rows)))
    if "unknown_cost_center" in plan:
        rows = plan["unknown_cost_center"]
        set_text(table, "cost_center", rows, cycle(UNKNOWN_COST_CENTERS, len(rows)))
    if "unmapped_channel" in plan:
        rows = plan["unmapped_channel"]
        labels = known(UNMAPPED_CHANNELS, ref.mapped_channel_labels)
        set_text(table, "channel", rows, cycle(labels, len(rows)))
    if "unknown_code" in plan:
        rows = plan["unknown_code"]
        set_text(table, "module", rows, cycle(UNKNOWN_SPEND_MODULES, len(rows)))

    n_rows = len(ids)
    if "duplicate_invoice" in plan:
        src = plan["duplicate_invoice"]
        rows = {c: v[src].copy() for c, v in table.items()}
        new_ids = [f"S{n_rows + i:0{id_width}d}" for i in range(len(src))]
        rows["spend_id"] = np.array(new_ids, dtype=object)
        later = np.minimum(spend.day[src] + rng.integers(0, 21, size=len(src)), end_day)
        rows["spend_date"] = np.array(
            [str(np.datetime64(int(d), "D")) for d in later.tolist()], dtype=object
        )
        truth.add("spend", new_ids, "duplicate_invoice")
        table = append_rows(table, rows)

    conflict = plan.get("duplicate_key_conflict", np.array([], dtype=np.int64))
    changed = amount_text(
        spend.amount[conflict] + 100, np.zeros(len(conflict), bool), np.zeros(len(conflict), bool)
    )
    by_row = dict(zip(conflict.tolist(), changed.tolist(), strict=True))
    return _duplicates_spend(table, plan, truth, by_row)


def _duplicates_spend(
    table: Table, plan: dict[str, np.ndarray], truth: Truth, new_amount: dict[int, str]
) -> Table:
    conflict = plan.get("duplicate_key_conflict", np.array([], dtype=np.int64))
    amounts = iter([new_amount[r] for r in conflict.tolist()])
    return _duplicates(table, "spend", plan, truth, "amount", lambda _v: next(amounts))


# --- orders ------------------------------------------------------------------------------------


def plan_orders(
    rng: np.random.Generator, orders: Orders, kinds: set[str], rate: float, ref: Reference
) -> dict[str, np.ndarray]:
    k = plant_count(rate, orders.n)
    pick = Picker(rng, orders.n)
    plan = {
        kind: pick.take(k, what=f"orders {kind}")
        for kind in ENTITY_KINDS["orders"]
        if kind in kinds
    }
    if "missing_fx_rate" in plan:
        rows = plan["missing_fx_rate"]
        orders.currency[rows] = CURRENCIES.index("USD")
        orders.ordered[rows] = _days_before_fx(rng, ref, len(rows)) * DAY + time_of_day(
            rng, len(rows)
        )
    return plan


def _days_before_fx(rng: np.random.Generator, ref: Reference, count: int) -> np.ndarray:
    """Days of the six months before the FX seed's first USD month."""
    month = ref.fx_first["USD"] - 1 - rng.integers(0, 6, size=count)
    return month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + rng.integers(
        0, 28, size=count
    )


def apply_orders(
    table: Table, plan: dict[str, np.ndarray], member_width: int, truth: Truth
) -> Table:
    ids = table["order_id"]
    for kind, rows in plan.items():
        if kind not in ("duplicate_key_conflict", "collapsed_duplicate"):
            truth.add("orders", ids[rows], kind)
    if "missing_required" in plan:
        columns = ("member_id", "ordered_at", "module", "amount", "currency")
        for column, rows in zip(columns, spread(plan["missing_required"], 5), strict=True):
            set_text(table, column, rows, [""] * len(rows))
    if "unparseable_timestamp" in plan:
        rows = plan["unparseable_timestamp"]
        set_text(table, "ordered_at", rows, cycle(GARBAGE_TIMESTAMPS, len(rows)))
    if "unparseable_amount" in plan:
        rows = plan["unparseable_amount"]
        set_text(table, "amount", rows, cycle(GARBAGE_AMOUNTS, len(rows)))
    if "unknown_currency" in plan:
        rows = plan["unknown_currency"]
        set_text(table, "currency", rows, cycle(UNKNOWN_CURRENCIES, len(rows)))
    if "unknown_code" in plan:
        a, b = spread(plan["unknown_code"], 2)
        set_text(table, "module", a, cycle(UNKNOWN_ORDER_MODULES, len(a)))
        set_text(table, "status", b, cycle(UNKNOWN_ORDER_STATUSES, len(b)))
    if "unknown_member" in plan:
        rows = plan["unknown_member"]
        set_text(table, "member_id", rows, unknown_ids("M", member_width, 2_000_000, len(rows)))
    return _duplicates(table, "orders", plan, truth, "amount", _other_amount)


# --- tickets -----------------------------------------------------------------------------------


def plan_tickets(
    rng: np.random.Generator, tickets: Tickets, kinds: set[str], rate: float
) -> dict[str, np.ndarray]:
    k = plant_count(rate, tickets.n)
    pick = Picker(rng, tickets.n)
    plan: dict[str, np.ndarray] = {}
    for kind in ENTITY_KINDS["tickets"]:
        if kind not in kinds:
            continue
        if kind == "response_before_opened":
            eligible = tickets.first_response != NA
        elif kind == "resolved_before_opened":
            eligible = tickets.resolved != NA
        else:
            eligible = None
        plan[kind] = pick.take(k, eligible, f"tickets {kind}")
    if "response_before_opened" in plan:
        rows = plan["response_before_opened"]
        back = 60 + (rng.random(len(rows)) * 3 * 3600).astype(np.int64)
        tickets.first_response[rows] = tickets.opened[rows] - back
    if "resolved_before_opened" in plan:
        rows = plan["resolved_before_opened"]
        back = 3600 + (rng.random(len(rows)) * 3 * DAY).astype(np.int64)
        tickets.resolved[rows] = tickets.opened[rows] - back
    return plan


def apply_tickets(
    table: Table, plan: dict[str, np.ndarray], member_width: int, truth: Truth
) -> Table:
    ids = table["ticket_id"]
    for kind, rows in plan.items():
        if kind not in ("duplicate_key_conflict", "collapsed_duplicate"):
            truth.add("tickets", ids[rows], kind)
    if "missing_required" in plan:
        rows = plan["missing_required"]
        set_text(table, "opened_at", rows, [""] * len(rows))
    if "unparseable_timestamp" in plan:
        columns = ("opened_at", "first_response_at", "resolved_at")
        for column, rows in zip(columns, spread(plan["unparseable_timestamp"], 3), strict=True):
            set_text(table, column, rows, cycle(GARBAGE_TIMESTAMPS, len(rows)))
    if "unparseable_amount" in plan:
        rows = plan["unparseable_amount"]
        set_text(table, "csat", rows, cycle(GARBAGE_CSAT, len(rows)))
    if "unknown_code" in plan:
        a, b = spread(plan["unknown_code"], 2)
        set_text(table, "contact_channel", a, cycle(UNKNOWN_CONTACT_CHANNELS, len(a)))
        set_text(table, "topic", b, cycle(UNKNOWN_TOPICS, len(b)))
    if "csat_out_of_range" in plan:
        rows = plan["csat_out_of_range"]
        set_text(table, "csat", rows, cycle(CSAT_OUT_OF_RANGE, len(rows)))
    if "unknown_member" in plan:
        rows = plan["unknown_member"]
        set_text(table, "member_id", rows, unknown_ids("M", member_width, 3_000_000, len(rows)))
    return _duplicates(
        table, "tickets", plan, truth, "csat", lambda v: "3" if v not in ("3", "") else "5"
    )


# --- ad_stats ----------------------------------------------------------------------------------

#: Plants that take a row out of its campaign month's mart_ad_monthly row (rejected or moved to
#: channel unknown): the campaign month's other rows then deliver all of its spend.
AD_ROWS_REMOVED = (*REJECT_KINDS, "unmapped_channel")


def plan_ad_stats(
    rng: np.random.Generator, ads: AdStats, kinds: set[str], rate: float
) -> dict[str, np.ndarray]:
    """Rows for each kind; a campaign month's first day is never taken out of it."""
    k = plant_count(rate, ads.n)
    pick = Picker(rng, ads.n)
    later_day = np.ones(ads.n, bool)
    later_day[np.unique(ads.group, return_index=True)[1]] = False
    return {
        kind: pick.take(k, later_day if kind in AD_ROWS_REMOVED else None, f"ad_stats {kind}")
        for kind in ENTITY_KINDS["ad_stats"]
        if kind in kinds
    }


def ad_rows_removed(plan: dict[str, np.ndarray], n: int) -> np.ndarray:
    removed = np.zeros(n, bool)
    for kind in AD_ROWS_REMOVED:
        removed[plan.get(kind, [])] = True
    return removed


def ad_record_keys(campaign: np.ndarray, days: np.ndarray) -> np.ndarray:
    """`<campaign_id>|<stat_date as YYYY-MM-DD>`: ad_stats' key (CONTRACT §2)."""
    iso = np.datetime_as_string(np.asarray(days, dtype=np.int64).astype("datetime64[D]"))
    return np.array([f"{c}|{d}" for c, d in zip(campaign, iso, strict=True)], dtype=object)


def apply_ad_stats(
    rng: np.random.Generator,
    table: Table,
    plan: dict[str, np.ndarray],
    ads: AdStats,
    ref: Reference,
    truth: Truth,
) -> Table:
    keys = ad_record_keys(table["campaign_id"], ads.day)
    if "missing_required" in plan:
        a, b = spread(plan["missing_required"], 2)
        set_text(table, "channel", a, [""] * len(a))
        set_text(table, "currency", b, [""] * len(b))
    if "unparseable_date" in plan:
        rows = plan["unparseable_date"]
        garbage = cycle(GARBAGE_DATES, len(rows))
        set_text(table, "stat_date", rows, garbage)
        keys[rows] = [f"{c}|{g}" for c, g in zip(table["campaign_id"][rows], garbage, strict=True)]
    if "unparseable_amount" in plan:
        a, b, c = spread(plan["unparseable_amount"], 3)
        set_text(table, "platform_spend", a, cycle(GARBAGE_AMOUNTS, len(a)))
        set_text(table, "impressions", b, cycle(GARBAGE_COUNTS, len(b)))
        set_text(table, "clicks", c, cycle(GARBAGE_COUNTS[1:], len(c)))
    if "unknown_currency" in plan:
        rows = plan["unknown_currency"]
        set_text(table, "currency", rows, cycle(UNKNOWN_CURRENCIES, len(rows)))
    if "missing_fx_rate" in plan:
        rows = plan["missing_fx_rate"]
        days = _days_before_fx(rng, ref, len(rows))
        set_text(table, "stat_date", rows, list(date_text(days, np.zeros(len(rows), np.int8))))
        set_text(table, "currency", rows, ["USD"] * len(rows))
        keys[rows] = ad_record_keys(table["campaign_id"][rows], days)
    if "unmapped_channel" in plan:
        rows = plan["unmapped_channel"]
        labels = known(UNMAPPED_CHANNELS, ref.mapped_channel_labels)
        set_text(table, "channel", rows, cycle(labels, len(rows)))
    if "clicks_over_impressions" in plan:
        rows = plan["clicks_over_impressions"]
        more = [str(int(v) + 1 + r % 40) for r, v in enumerate(table["impressions"][rows])]
        set_text(table, "clicks", rows, more)
    for kind, rows in plan.items():
        if kind not in ("duplicate_key_conflict", "collapsed_duplicate"):
            truth.add("ad_stats", keys[rows], kind)

    # Same key, other content: the campaign day spelled another way, with other clicks.
    conflict = plan.get("duplicate_key_conflict", np.zeros(0, dtype=np.int64))
    collapsed = plan.get("collapsed_duplicate", np.zeros(0, dtype=np.int64))
    targets = np.sort(np.concatenate([conflict, collapsed]))
    table, _, copies = insert_copies(table, targets)
    changed = copies[np.isin(targets, conflict)]
    iso = date_text(ads.day[conflict], np.zeros(len(conflict), np.int8))
    respelled = [
        s.replace("-", "/") if "-" in s else d
        for s, d in zip(table["stat_date"][changed], iso, strict=True)
    ]
    set_text(table, "stat_date", changed, respelled)
    set_text(table, "clicks", changed, [str(int(v or 0) + 1) for v in table["clicks"][changed]])
    truth.add("ad_stats", keys[conflict], "duplicate_key_conflict")
    truth.add("ad_stats", keys[conflict], "duplicate_key_conflict")
    truth.add("ad_stats", keys[collapsed], "collapsed_duplicate")
    return table
