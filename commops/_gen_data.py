"""Clean synthetic raw data as numbers: members, events, loans, repayments, spend.

Nothing here is wrong on purpose; `commops._gen_plant` plants the problems. Every choice keeps
clean data clear of the CONTRACT §6 flags: unique phones and devices, no burst of joins, events
inside membership, consistent loan sequences, invoices on large spend lines, Benford-shaped
vendor amounts, dates up to --end, foreign currencies only in months the FX seed covers, an
acyclic referral graph (each referrer joined earlier). The optional exports (orders, tickets,
ad_stats) are in `commops._gen_ops`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from commops._gen_text import DAY, NA, pick_date_styles, pick_ts_styles

CHANNELS = (
    "wechat_group",
    "weibo",
    "linkedin",
    "offline_event",
    "referral",
    "official_account",
    "paid_ads",
)
CHANNEL_WEIGHTS = np.array([0.31, 0.08, 0.05, 0.10, 0.14, 0.17, 0.15])
CHANNEL_ABBR = ("WG", "WB", "LI", "OE", "RF", "OA", "PA")
CAMPAIGN_SHARE = np.array([0.2, 0.5, 0.4, 0.85, 0.1, 0.5, 0.9])
MEMBER_TYPES = ("sme", "enterprise", "individual_investor", "institution", "partner")
MEMBER_TYPE_WEIGHTS = np.array([0.56, 0.13, 0.15, 0.06, 0.10])
TIERS = ("basic", "paid", "premium")
TIER_WEIGHTS = np.array([0.70, 0.22, 0.08])
REGIONS = (
    "广东", "浙江", "江苏", "上海", "北京", "山东", "福建", "四川",
    "湖北", "河南", "安徽", "湖南", "天津", "重庆", "陕西",
)  # fmt: skip
REGION_WEIGHTS = np.array([16, 13, 12, 10, 9, 7, 6, 5, 4, 4, 3, 3, 3, 3, 2], dtype=float)
EVENT_TYPES = ("post", "comment", "like", "share", "click", "view", "attend", "login")
EVENT_TYPE_WEIGHTS = np.array([0.06, 0.10, 0.18, 0.05, 0.15, 0.30, 0.03, 0.13])
PRODUCTS = ("working_capital", "project_finance", "equipment", "trade_finance")
DECISIONS = ("approved", "rejected", "pending", "withdrawn")
APPROVED, REJECTED, PENDING, WITHDRAWN = range(4)
STATUSES = ("open", "repaid", "overdue", "defaulted")
OPEN, REPAID, OVERDUE, DEFAULTED = range(4)
CURRENCIES = ("CNY", "USD", "HKD", "EUR")
COST_CENTERS = ("community", "customer_service")
# Spend's module codes (CONTRACT §2); orders use the first four (referral is a spend module only).
MODULES = ("membership", "paid_content", "social_commerce", "training", "referral")
# Channels whose campaigns run on ad platforms that report daily delivery (ad_stats).
AD_CHANNELS = ("weibo", "linkedin", "paid_ads")
CATEGORIES = ("labor", "materials", "promotion", "technology")
LABOR, MATERIALS, PROMOTION, TECHNOLOGY = range(4)

PHONE_PREFIXES = np.array(
    [130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158]
    + [159, 166, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 198, 199]
)
PERMUTE = 2_654_435_761  # a prime: i -> (PERMUTE * i + b) mod M is one-to-one
EVENTS_PER_MEMBER = 50
MONTH_FACTORS = np.array([0.95, 0.6, 1.15, 1.05, 1.0, 1.05, 0.9, 0.9, 1.1, 0.85, 1.25, 1.05])
HOUR_WEIGHTS = np.array(
    [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.8, 2.6, 3.0, 2.8]
    + [2.2, 2.4, 2.8, 2.9, 2.7, 2.3, 2.0, 2.4, 3.0, 3.1, 2.2, 1.0]
)


def month_of_days(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of day numbers."""
    return (
        np.asarray(days, dtype=np.int64)
        .astype("datetime64[D]")
        .astype("datetime64[M]")
        .astype(np.int64)
    )


def month_of_secs(secs: np.ndarray) -> np.ndarray:
    return month_of_days(np.asarray(secs, dtype=np.int64) // DAY)


def day_of_month(days: np.ndarray) -> np.ndarray:
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1


def first_day_of_month(months: np.ndarray) -> np.ndarray:
    return (
        np.asarray(months, dtype=np.int64)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def day_number(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


def group_rank(group_sizes: np.ndarray) -> np.ndarray:
    """0, 1, ... within each consecutive group of the given sizes."""
    total = int(group_sizes.sum())
    starts = np.repeat(np.cumsum(group_sizes) - group_sizes, group_sizes)
    return np.arange(total, dtype=np.int64) - starts


def time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    return hours * 3600 + rng.integers(0, 3600, size=n)


@dataclass(frozen=True)
class Reference:
    """The seeds the generator writes labels for and converts money with."""

    channel_labels: dict[str, tuple[str, ...]]
    mapped_channel_labels: frozenset[str]
    category_labels: dict[str, tuple[str, ...]]
    mapped_category_labels: frozenset[str]
    fx_first: dict[str, int]
    fx_rates: dict[str, np.ndarray]

    def fx_last(self, currency: str) -> int:
        return self.fx_first[currency] + len(self.fx_rates[currency]) - 1

    def covered(self, currency: int, months: np.ndarray) -> np.ndarray:
        """True where a currency has a rate of its own for the month (always for CNY)."""
        months = np.asarray(months, dtype=np.int64)
        if currency == 0:
            return np.ones(len(months), bool)
        code = CURRENCIES[currency]
        rates = self.fx_rates[code]
        pos = months - self.fx_first[code]
        inside = (pos >= 0) & (pos < len(rates))
        ok = np.zeros(len(months), bool)
        ok[inside] = ~np.isnan(rates[pos[inside]])
        return ok

    def rate(self, currencies: np.ndarray, months: np.ndarray) -> np.ndarray:
        """CNY per unit, the nearest month's rate when a month has none (estimates only)."""
        out = np.ones(len(currencies))
        for cur in range(1, len(CURRENCIES)):
            sel = currencies == cur
            if not sel.any():
                continue
            code = CURRENCIES[cur]
            rates = self.fx_rates[code]
            known = np.flatnonzero(~np.isnan(rates))
            pos = np.clip(months[sel] - self.fx_first[code], known[0], known[-1])
            out[sel] = (
                rates[pos] if len(known) == len(rates) else np.interp(pos, known, rates[known])
            )
        return out


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)
        ]


def load_reference(seeds_dir: Path) -> Reference:
    channel_labels: dict[str, list[str]] = {c: [] for c in CHANNELS}
    for row in _read_csv(seeds_dir / "channel_map.csv"):
        if row["channel"] in channel_labels:
            channel_labels[row["channel"]].append(row["label"])
    category_labels: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    mapped_categories = set()
    for row in _read_csv(seeds_dir / "cost_category_map.csv"):
        mapped_categories.add(row["label"].lower())
        if row["category"] in category_labels:
            category_labels[row["category"]].append(row["label"])
    missing = [c for c, labels in {**channel_labels, **category_labels}.items() if not labels]
    if missing:
        raise SystemExit(f"seeds in {seeds_dir} have no label for: {', '.join(missing)}")
    mapped_channels = {
        row["label"].lower() for row in _read_csv(seeds_dir / "channel_map.csv") if row["label"]
    }
    by_currency: dict[str, dict[int, float]] = {}
    for row in _read_csv(seeds_dir / "fx_rates.csv"):
        month = int(np.datetime64(row["month"][:7], "M").astype(np.int64))
        by_currency.setdefault(row["currency"].upper(), {})[month] = float(row["rate_to_cny"])
    fx_first: dict[str, int] = {}
    fx_rates: dict[str, np.ndarray] = {}
    for code in CURRENCIES[1:]:
        months = by_currency.get(code)
        if not months:
            raise SystemExit(f"{seeds_dir / 'fx_rates.csv'} has no rate for {code}")
        first, last = min(months), max(months)
        fx_first[code] = first
        fx_rates[code] = np.array([months.get(m, np.nan) for m in range(first, last + 1)])
    return Reference(
        channel_labels={k: tuple(v) for k, v in channel_labels.items()},
        mapped_channel_labels=frozenset(mapped_channels),
        category_labels={k: tuple(v) for k, v in category_labels.items()},
        mapped_category_labels=frozenset(mapped_categories),
        fx_first=fx_first,
        fx_rates=fx_rates,
    )


def _label_variant(label: str, k: int) -> str:
    """A spelling that still maps: other case or padded with spaces."""
    if label.isascii():
        return (label.upper(), label.title(), f" {label} ", label.lower())[k % 4]
    return (f" {label}", f"{label} ", f" {label} ")[k % 3]


def channel_labels(rng: np.random.Generator, channels: np.ndarray, ref: Reference) -> np.ndarray:
    """Exported labels: mostly Chinese, some English, a few case/space variants."""
    out = np.empty(len(channels), dtype=object)
    kind = rng.choice(3, size=len(channels), p=[0.80, 0.17, 0.03])
    pick = rng.integers(0, 1 << 30, size=len(channels))
    for c, code in enumerate(CHANNELS):
        labels = ref.channel_labels[code]
        chinese = [x for x in labels if not x.isascii()] or list(labels)
        english = [x for x in labels if x.isascii()] or list(labels)
        for k, pool in enumerate((chinese, english)):
            sel = np.flatnonzero((channels == c) & (kind == k))
            out[sel] = np.array(pool, dtype=object)[pick[sel] % len(pool)]
        for i in np.flatnonzero((channels == c) & (kind == 2)):
            out[i] = _label_variant(labels[pick[i] % len(labels)], int(pick[i] >> 8))
    return out


def campaign_ids(
    rng: np.random.Generator, channels: np.ndarray, months: np.ndarray, share: np.ndarray
) -> np.ndarray:
    out = np.full(len(channels), "", dtype=object)
    has = rng.random(len(channels)) < share
    number = rng.integers(1, 4, size=len(channels))
    ym = months.astype("datetime64[M]").astype(str)
    for i in np.flatnonzero(has):
        out[i] = f"CMP{ym[i].replace('-', '')}-{CHANNEL_ABBR[channels[i]]}{number[i]}"
    return out


# --- members -----------------------------------------------------------------------------------


@dataclass
class Members:
    joined: np.ndarray  # local secs
    joined_style: np.ndarray
    community: np.ndarray  # index, -1 = empty
    n_communities: int
    channel: np.ndarray
    label: np.ndarray
    campaign: np.ndarray
    referrer: np.ndarray  # member index, -1 = none
    member_type: np.ndarray
    revenue: np.ndarray  # cents or NA
    credit: np.ndarray  # int or NA
    requested: np.ndarray  # cents or NA
    region: np.ndarray
    phone: np.ndarray  # 11-digit number or NA
    phone_style: np.ndarray
    device: np.ndarray  # 8-digit number or NA
    device_lower: np.ndarray
    spare_phone: np.ndarray  # numbers no member has
    spare_device: np.ndarray
    tier: np.ndarray
    left: np.ndarray  # local secs or NA
    left_style: np.ndarray
    activity: np.ndarray  # mean events per member before decay
    tau: np.ndarray  # decay time of activity, secs

    @property
    def n(self) -> int:
        return len(self.joined)


def _lognormal_cents(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return np.round(median * np.exp(sigma * rng.standard_normal(n)) * 100).astype(np.int64)


def make_members(
    rng: np.random.Generator, n: int, start_day: int, end_day: int, ref: Reference
) -> Members:
    days = np.arange(start_day, end_day + 1, dtype=np.int64)
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    growth = 1.0 + (days - start_day) / max(len(days), 1)
    weight = MONTH_FACTORS[months] * np.where(weekday >= 5, 0.75, 1.0) * growth
    weight[rng.choice(len(days), size=max(1, len(days) // 60), replace=False)] *= 2.0  # campaigns
    joined = rng.choice(days, size=n, p=weight / weight.sum()) * DAY + time_of_day(rng, n)
    joined.sort()

    n_comm = max(6, round(n / 250))
    comm_w = np.exp(0.6 * rng.standard_normal(n_comm))
    community = rng.choice(n_comm, size=n, p=comm_w / comm_w.sum()).astype(np.int64)
    community[rng.random(n) < 0.03] = -1

    channel = rng.choice(len(CHANNELS), size=n, p=CHANNEL_WEIGHTS).astype(np.int8)
    label = channel_labels(rng, channel, ref)
    join_month = month_of_secs(joined)
    campaign = campaign_ids(rng, channel, join_month, CAMPAIGN_SHARE[channel])
    referrer = np.full(n, -1, dtype=np.int64)
    refer = np.flatnonzero(channel == CHANNELS.index("referral"))
    refer = refer[refer > 0]
    referrer[refer] = np.floor(rng.random(len(refer)) * refer).astype(np.int64)

    mtype = rng.choice(len(MEMBER_TYPES), size=n, p=MEMBER_TYPE_WEIGHTS).astype(np.int8)
    revenue = np.full(n, NA, dtype=np.int64)
    for t, (median, sigma, low, high) in enumerate(
        [(6e6, 1.3, 5e4, 9e7), (3e8, 1.0, 5e7, 5e10), (0, 0, 0, 0), (1e9, 1.0, 1e8, 8e10)]
        + [(2e7, 1.2, 1e5, 5e9)]
    ):
        sel = np.flatnonzero(mtype == t)
        if median:
            cents = _lognormal_cents(rng, median, sigma, len(sel))
            revenue[sel] = np.clip(cents, int(low * 100), int(high * 100))
    revenue[rng.random(n) < 0.05] = NA
    whole = rng.random(n) < 0.6
    revenue[whole & (revenue != NA)] = revenue[whole & (revenue != NA)] // 100 * 100

    credit = np.clip(np.round(680 + 75 * rng.standard_normal(n)), 300, 900).astype(np.int64)
    credit[rng.random(n) < 0.04] = NA
    requested = np.where(revenue != NA, revenue // 100 * rng.uniform(0.03, 0.3, n), 0).astype(
        np.int64
    )
    requested = np.where(requested > 0, np.maximum(requested // 10_000, 5) * 1_000_000, NA)
    requested[rng.random(n) < 0.3] = NA

    region = rng.choice(len(REGIONS), size=n, p=REGION_WEIGHTS / REGION_WEIGHTS.sum())
    # Distinct numbers for every member and a spare set for planted shared identities.
    spares = n // 3 + 10
    space = len(PHONE_PREFIXES) * 100_000_000
    slot = (PERMUTE * np.arange(n + spares, dtype=np.int64) + int(rng.integers(0, space))) % space
    phones = PHONE_PREFIXES[slot // 100_000_000] * 100_000_000 + slot % 100_000_000
    phone, spare_phone = phones[:n].copy(), phones[n:]
    phone[rng.random(n) < 0.02] = NA
    phone_style = rng.choice(4, size=n, p=[0.85, 0.07, 0.04, 0.04]).astype(np.int8)
    devices = (PERMUTE * np.arange(n + spares, dtype=np.int64) + int(rng.integers(0, 10**8))) % (
        10**8
    )
    device, spare_device = devices[:n].copy(), devices[n:]
    device[rng.random(n) < 0.08] = NA
    device_lower = rng.random(n) < 0.04
    tier = rng.choice(len(TIERS), size=n, p=TIER_WEIGHTS).astype(np.int8)

    end_secs = (end_day + 1) * DAY - 1
    left = joined + DAY + (rng.exponential(150.0, n) * DAY).astype(np.int64)
    left = np.where((rng.random(n) < 0.14) & (left <= end_secs), left, NA)

    type_factor = np.array([1.0, 0.9, 0.7, 0.8, 1.3])[mtype]
    activity = rng.gamma(0.8, EVENTS_PER_MEMBER / 0.8 / 0.85, n) * type_factor
    tau = np.exp(np.log(45 * DAY) + 0.7 * rng.standard_normal(n))
    return Members(
        joined=joined,
        joined_style=pick_ts_styles(rng, n, date_share=0.01),
        community=community,
        n_communities=n_comm,
        channel=channel,
        label=label,
        campaign=campaign,
        referrer=referrer,
        member_type=mtype,
        revenue=revenue,
        credit=credit,
        requested=requested,
        region=region,
        phone=phone,
        phone_style=phone_style,
        device=device,
        device_lower=device_lower,
        spare_phone=spare_phone,
        spare_device=spare_device,
        tier=tier,
        left=left,
        left_style=pick_ts_styles(rng, n),
        activity=activity,
        tau=tau,
    )


def phone_text(numbers: np.ndarray, styles: np.ndarray) -> np.ndarray:
    out = np.empty(len(numbers), dtype=object)
    for i, (num, style) in enumerate(zip(numbers.tolist(), styles.tolist(), strict=True)):
        if num == NA:
            out[i] = ""
            continue
        s = str(num)
        out[i] = (s, f"+86 {s[:3]} {s[3:7]} {s[7:]}", f"+86{s}", f"{s[:3]} {s[3:7]} {s[7:]}")[style]
    return out


def device_text(numbers: np.ndarray, lower: np.ndarray) -> np.ndarray:
    out = np.empty(len(numbers), dtype=object)
    for i, (num, low) in enumerate(zip(numbers.tolist(), lower.tolist(), strict=True)):
        out[i] = "" if num == NA else f"{'d' if low else 'D'}{num:08d}"
    return out


# --- events ------------------------------------------------------------------------------------


def content_count(members: int) -> int:
    """Content items (articles, courses, live sessions) CT000000...: events and spend use them."""
    return max(200, members // 5)


def event_counts(
    rng: np.random.Generator, mem: Members, active: np.ndarray, end_secs: int
) -> np.ndarray:
    """Events per member: fewer for members with a short membership so far."""
    stop = np.where(mem.left != NA, np.minimum(mem.left, end_secs), end_secs)
    span = stop - mem.joined
    factor = 1.0 - np.exp(-np.maximum(span, 0) / mem.tau)
    counts = rng.poisson(mem.activity * factor).astype(np.int64)
    counts[~active | (span < 3600)] = 0
    return counts


@dataclass
class EventChunk:
    member: np.ndarray  # member index per event
    occurred: np.ndarray  # local secs
    style: np.ndarray
    event_type: np.ndarray
    content: np.ndarray  # content number, -1 = none


def make_event_chunk(
    rng: np.random.Generator, mem: Members, counts: np.ndarray, lo: int, hi: int, end_secs: int
) -> EventChunk:
    cnt = counts[lo:hi]
    member = np.repeat(np.arange(lo, hi, dtype=np.int64), cnt)
    total = len(member)
    joined = mem.joined[member]
    stop = np.where(mem.left[member] != NA, np.minimum(mem.left[member], end_secs), end_secs)
    span = (stop - joined).astype(float)
    tau = mem.tau[member]
    u = rng.random(total)
    offset = -tau * np.log1p(-u * (1.0 - np.exp(-span / tau)))
    flat = rng.random(total) < 0.15
    offset[flat] = rng.random(int(flat.sum())) * span[flat]
    offset = np.clip(np.ceil(offset), 1, span).astype(np.int64)
    # Sort each member's events by time: one sort of (member, offset) packed in an int64.
    packed = np.sort(((member - lo) << 40) | offset)
    occurred = joined + (packed & ((1 << 40) - 1))
    event_type = rng.choice(len(EVENT_TYPES), size=total, p=EVENT_TYPE_WEIGHTS).astype(np.int8)
    content = rng.integers(0, content_count(mem.n), size=total)
    content[event_type == EVENT_TYPES.index("login")] = -1
    return EventChunk(
        member=member,
        occurred=occurred,
        style=pick_ts_styles(rng, total),
        event_type=event_type,
        content=content,
    )


# --- loans and repayments ----------------------------------------------------------------------


@dataclass
class Loans:
    member: np.ndarray
    product: np.ndarray
    applied: np.ndarray
    requested: np.ndarray  # cents in the loan's currency
    currency: np.ndarray
    decision: np.ndarray  # index into DECISIONS, -1 = empty
    decided: np.ndarray
    approved: np.ndarray
    disbursed: np.ndarray
    disbursed_amount: np.ndarray
    term: np.ndarray
    rate_bps: np.ndarray
    fee: np.ndarray
    status: np.ndarray  # index into STATUSES, -1 = empty
    styles: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        return len(self.member)


PRODUCT_BY_TYPE = np.array(
    [
        [0.50, 0.05, 0.20, 0.25],
        [0.25, 0.35, 0.25, 0.15],
        [0.70, 0.05, 0.15, 0.10],
        [0.20, 0.50, 0.15, 0.15],
        [0.35, 0.15, 0.20, 0.30],
    ]
)
TERMS = ((6, 12, 12, 18), (24, 36, 48), (12, 24, 36), (3, 6, 6, 12))


def make_loans(
    rng: np.random.Generator, mem: Members, active: np.ndarray, end_secs: int, ref: Reference
) -> Loans:
    p_apply = np.array([0.20, 0.16, 0.03, 0.06, 0.09])[mem.member_type]
    engagement = np.clip(mem.activity / EVENTS_PER_MEMBER, 0.4, 2.0)
    applies = active & (rng.random(mem.n) < p_apply * engagement)
    per_member = np.where(
        applies, 1 + (rng.random(mem.n) < 0.25) + (rng.random(mem.n) < 0.08), 0
    ).astype(np.int64)
    member = np.repeat(np.arange(mem.n, dtype=np.int64), per_member)
    rank = group_rank(per_member[per_member > 0])
    gap = np.where(
        rank == 0,
        rng.gamma(2.0, 15.0, len(member)) * DAY + 3600,
        rng.uniform(45, 240, len(member)) * DAY,
    ).astype(np.int64)
    cum = np.cumsum(gap)
    applied = mem.joined[member] + cum - np.repeat((cum - gap)[rank == 0], per_member[applies])
    limit = np.where(mem.left[member] != NA, np.minimum(mem.left[member], end_secs), end_secs)
    keep = applied <= limit
    member, applied = member[keep], applied[keep]
    n = len(member)
    mtype = mem.member_type[member]
    cum_p = PRODUCT_BY_TYPE[mtype].cumsum(axis=1)
    product = (rng.random(n)[:, None] > cum_p).sum(axis=1).astype(np.int8)

    median = np.array([8e5, 8e6, 2e5, 2e7, 2e6])[mtype]
    req_cny = median * np.exp(0.9 * rng.standard_normal(n))
    foreign = rng.random(n) < np.array([0.04, 0.12, 0.02, 0.15, 0.08])[mtype]
    currency = np.where(foreign, rng.choice([1, 2, 3], size=n, p=[0.55, 0.35, 0.10]), 0)
    currency = currency.astype(np.int8)

    decided = applied + (rng.gamma(2.0, 1.5, n) * DAY).astype(np.int64) + 600
    u = rng.random(n)
    score = mem.credit[member]
    p_ok = np.where(score != NA, np.clip(0.25 + (score - 550) / 300 * 0.5, 0.1, 0.85), 0.45)
    decision = np.where(
        u < 0.06, WITHDRAWN, np.where(u < 0.09, PENDING, np.where(u < 0.09 + p_ok * 0.91, 0, 1))
    ).astype(np.int8)
    late = decided > end_secs
    decision[late] = PENDING
    decided[(decision == PENDING)] = NA
    disbursed = decided + (rng.uniform(0.5, 10, n) * DAY).astype(np.int64)
    funded = (decision == APPROVED) & (rng.random(n) < 0.93) & (disbursed <= end_secs)
    disbursed[~funded] = NA
    term = np.zeros(n, dtype=np.int64)
    for p, choices in enumerate(TERMS):
        sel = product == p
        term[sel] = rng.choice(choices, size=int(sel.sum()))

    # Foreign currency only where the FX seed has a rate for every date the loan is converted at,
    # including each unpaid instalment's due month.
    last_month = np.where(
        funded, month_of_secs(np.where(funded, disbursed, 0)) + term, month_of_secs(applied)
    )
    for cur in (1, 2, 3):
        sel = np.flatnonzero(currency == cur)
        ok = ref.covered(cur, month_of_secs(applied[sel])) & ref.covered(cur, last_month[sel])
        ok &= ref.covered(
            cur, month_of_secs(np.where(decided[sel] != NA, decided[sel], applied[sel]))
        )
        currency[sel[~ok]] = 0
    rate = ref.rate(currency, month_of_secs(applied))
    requested = np.maximum(np.round(req_cny / rate / 1000), 10).astype(np.int64) * 100_000
    share = rng.choice([0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0], size=n)
    approved = (np.floor(requested * share / 100_000) * 100_000).astype(np.int64)
    approved = np.where(decision == APPROVED, np.maximum(approved, 100_000), NA)
    partial = rng.random(n) < 0.15
    drawn = np.where(
        partial, np.floor(approved * rng.uniform(0.5, 0.95, n) / 100_000) * 100_000, approved
    ).astype(np.int64)
    disbursed_amount = np.where(funded, np.maximum(drawn, 100_000), NA)
    score_f = np.where(score != NA, score, 650).astype(float)
    rate_bps = np.clip(1800 - (score_f - 300) / 600 * 1200 + rng.normal(0, 60, n), 550, 2000)
    rate_bps = (np.round(rate_bps / 5) * 5).astype(np.int64)
    fee_bps = rng.choice([100, 150, 200], size=n)
    fee = np.where(funded, np.round(disbursed_amount * fee_bps / 10_000), NA).astype(np.int64)
    return Loans(
        member=member,
        product=product,
        applied=applied,
        requested=requested,
        currency=currency,
        decision=decision,
        decided=decided,
        approved=approved,
        disbursed=disbursed,
        disbursed_amount=disbursed_amount,
        term=term,
        rate_bps=rate_bps,
        fee=fee,
        status=np.full(n, -1, dtype=np.int8),
        styles={c: pick_ts_styles(rng, n) for c in ("applied", "decided", "disbursed")},
    )


@dataclass
class Repayments:
    loan: np.ndarray
    number: np.ndarray  # instalment 1..term
    due: np.ndarray  # day number
    paid: np.ndarray  # local secs or NA
    principal: np.ndarray
    interest: np.ndarray
    fee: np.ndarray
    currency: np.ndarray
    paid_style: np.ndarray

    @property
    def n(self) -> int:
        return len(self.loan)


def make_repayments(
    rng: np.random.Generator, loans: Loans, mem: Members, end_secs: int
) -> Repayments:
    """Monthly annuity schedules of disbursed loans, paid on time, late or not at all."""
    funded = np.flatnonzero(loans.disbursed != NA)
    terms = loans.term[funded]
    loan = np.repeat(funded, terms)
    k = group_rank(terms) + 1
    disb_day = loans.disbursed[loan] // DAY
    due = (
        first_day_of_month(month_of_days(disb_day) + k) + np.minimum(day_of_month(disb_day), 28) - 1
    )

    r = loans.rate_bps[loan] / 10_000 / 12
    principal_total = loans.disbursed_amount[loan].astype(float)
    t = terms.repeat(terms).astype(float)
    payment = np.round(principal_total * r / (1 - (1 + r) ** -t))
    growth = (1 + r) ** (k - 1)
    balance = principal_total * growth - payment * (growth - 1) / r
    interest = np.round(balance * r).astype(np.int64)
    principal = (payment - interest).astype(np.int64)
    last = k == terms.repeat(terms)
    paid_before = np.cumsum(principal) - principal
    start_of_loan = np.repeat(paid_before[k == 1], terms)
    principal[last] = loans.disbursed_amount[loan][last] - (paid_before - start_of_loan)[last]

    n_loans = len(funded)
    score = mem.credit[loans.member[funded]]
    p_default = np.where((score != NA) & (score < 600), 0.12, 0.04)
    kind = np.where(rng.random(n_loans) < p_default, 2, np.where(rng.random(n_loans) < 0.12, 1, 0))
    stop = np.floor(rng.random(n_loans) * terms).astype(np.int64) + 1  # first missed instalment
    kind_r, stop_r = kind.repeat(terms), stop.repeat(terms)
    n = len(loan)
    delay = rng.uniform(-5, 2, n)
    late = (kind_r == 1) & (rng.random(n) < 0.5)
    delay[late] = rng.uniform(5, 45, int(late.sum()))
    paid = (
        due * DAY
        + np.floor(delay).astype(np.int64) * DAY
        + 9 * 3600
        + rng.integers(0, 12 * 3600, n)
    )
    missed = (kind_r == 2) & (k >= stop_r)
    paid[missed | (paid > end_secs)] = NA
    days_late = np.where(paid != NA, (paid // DAY) - due, 0)
    fee = np.where(days_late > 5, np.round((principal + interest) * 0.0005 * days_late), 0)

    end_day = end_secs // DAY
    unpaid = paid == NA
    status_defaulted = np.zeros(len(loans.member), bool)
    status_overdue = np.zeros(len(loans.member), bool)
    status_unpaid = np.zeros(len(loans.member), bool)
    np.logical_or.at(status_defaulted, loan, unpaid & (due <= end_day - 90))
    np.logical_or.at(status_overdue, loan, unpaid & (due < end_day))
    np.logical_or.at(status_unpaid, loan, unpaid)
    status = np.where(
        status_defaulted,
        DEFAULTED,
        np.where(status_overdue, OVERDUE, np.where(status_unpaid, OPEN, REPAID)),
    )
    loans.status = np.where(loans.disbursed != NA, status, -1).astype(np.int8)
    return Repayments(
        loan=loan,
        number=k,
        due=due,
        paid=paid,
        principal=principal,
        interest=interest,
        fee=fee.astype(np.int64),
        currency=loans.currency[loan],
        paid_style=pick_ts_styles(rng, n, date_share=0.05),
    )


# --- spend -------------------------------------------------------------------------------------

# name, category, currency, channels ('' = shared cost), decades of amounts, weight, cost centers
VENDORS: tuple[tuple[str, int, int, tuple[str, ...], tuple[int, int], float, str], ...] = (
    ("巨量引擎", PROMOTION, 0, ("paid_ads",), (3, 6), 5.0, "c"),
    ("腾讯广告", PROMOTION, 0, ("paid_ads", "official_account"), (3, 6), 5.0, "c"),
    ("微博广告", PROMOTION, 0, ("weibo",), (3, 5), 3.0, "c"),
    ("百度营销", PROMOTION, 0, ("paid_ads",), (3, 5), 2.0, "c"),
    ("LinkedIn Singapore Pte. Ltd.", PROMOTION, 1, ("linkedin",), (2, 5), 1.5, "c"),
    ("星河公关(香港)有限公司", PROMOTION, 2, ("weibo", ""), (3, 5), 1.0, "c"),
    ("上海蓝鲸会展服务有限公司", PROMOTION, 0, ("offline_event",), (3, 6), 2.0, "c"),
    ("北京知行公关顾问有限公司", PROMOTION, 0, ("", "official_account"), (3, 5), 1.5, "c"),
    (
        "义乌市佳品礼品有限公司",
        MATERIALS,
        0,
        ("offline_event", "referral", "wechat_group", ""),
        (2, 5),
        3.0,
        "c",
    ),
    ("京东企业购", MATERIALS, 0, ("referral", "wechat_group", ""), (1, 4), 3.0, "cs"),
    ("深圳市印象印务有限公司", MATERIALS, 0, ("offline_event", ""), (2, 5), 2.0, "c"),
    ("Moleskine Italia S.r.l.", MATERIALS, 3, ("offline_event",), (2, 4), 0.5, "c"),
    ("上海外服人力资源有限公司", LABOR, 0, ("",), (4, 6), 3.0, "cs"),
    ("中智人力资源管理有限公司", LABOR, 0, ("",), (4, 6), 2.0, "cs"),
    ("杭州群享社群运营有限公司", LABOR, 0, ("wechat_group", ""), (3, 5), 2.0, "c"),
    ("杭州优呼呼叫中心外包有限公司", LABOR, 0, ("",), (4, 6), 2.5, "s"),
    ("", LABOR, 0, ("",), (4, 6), 3.0, "cs"),
    ("腾讯云", TECHNOLOGY, 0, ("",), (2, 5), 3.0, "cs"),
    ("阿里云", TECHNOLOGY, 0, ("",), (2, 5), 3.0, "cs"),
    ("企业微信", TECHNOLOGY, 0, ("wechat_group", ""), (2, 4), 2.0, "c"),
    ("飞书", TECHNOLOGY, 0, ("",), (2, 4), 1.5, "cs"),
    ("有赞", TECHNOLOGY, 0, ("official_account", ""), (2, 4), 1.0, "c"),
    ("小鹅通", TECHNOLOGY, 0, ("", "official_account"), (2, 4), 1.0, "c"),
    (
        "杭州知识工场文化传媒有限公司",
        LABOR,
        0,
        ("official_account", "wechat_group", ""),
        (2, 5),
        1.5,
        "c",
    ),
    ("Zoom Video Communications", TECHNOLOGY, 1, ("",), (1, 4), 1.0, "cs"),
    ("Salesforce.com Singapore", TECHNOLOGY, 1, ("",), (2, 5), 0.7, "c"),
    ("SAP Ireland Ltd.", TECHNOLOGY, 3, ("",), (3, 5), 0.4, "s"),
    ("智齿科技", TECHNOLOGY, 0, ("",), (2, 5), 2.0, "s"),
    ("网易七鱼", TECHNOLOGY, 0, ("", "official_account"), (2, 4), 1.5, "s"),
    ("Zendesk APAC", TECHNOLOGY, 1, ("",), (2, 4), 0.8, "s"),
)
CATEGORY_BY_CENTER = (np.array([0.20, 0.25, 0.40, 0.15]), np.array([0.55, 0.10, 0.0, 0.35]))
# The ad platforms: their lines on an ad channel carry the campaign the platform reports on.
AD_PLATFORMS = ("巨量引擎", "腾讯广告", "微博广告", "百度营销", "LinkedIn Singapore Pte. Ltd.")
# vendor -> (module its lines pay for, share of its lines with it, share with a content item):
# paid-content hosting and writing, the social-commerce shop, training venues and webinars,
# member benefits. Referral gifts (推荐有礼) are the materials lines of channel referral.
VENDOR_MODULES: dict[str, tuple[str, float, float]] = {
    "小鹅通": ("paid_content", 0.9, 0.6),
    "杭州知识工场文化传媒有限公司": ("paid_content", 0.35, 1.0),
    "北京知行公关顾问有限公司": ("", 0.0, 0.3),
    "杭州群享社群运营有限公司": ("membership", 0.15, 0.25),
    "有赞": ("social_commerce", 0.9, 0.0),
    "上海蓝鲸会展服务有限公司": ("training", 0.3, 0.3),
    "Zoom Video Communications": ("training", 0.5, 0.0),
    "企业微信": ("membership", 0.2, 0.0),
}
REFERRAL_GIFT_SHARE = 0.85
BENFORD = np.log10(1 + 1 / np.arange(1, 10))


@dataclass
class Spend:
    day: np.ndarray
    day_style: np.ndarray
    cost_center: np.ndarray
    category: np.ndarray
    category_label: np.ndarray
    channel_label: np.ndarray  # '' = shared
    campaign: np.ndarray
    vendor: np.ndarray
    amount: np.ndarray  # cents in currency
    currency: np.ndarray
    invoice: np.ndarray
    amount_separators: np.ndarray
    amount_whole: np.ndarray
    channel: np.ndarray  # index into CHANNELS, -1 = shared
    module: np.ndarray  # index into MODULES, -1 = empty
    content: np.ndarray  # content number, -1 = empty
    shift: int  # decades every vendor's amounts moved by

    @property
    def n(self) -> int:
        return len(self.day)


def benford_digits(rng: np.random.Generator, n: int) -> np.ndarray:
    """n first digits whose shares are Benford's to the nearest line, in random order."""
    exact = BENFORD * n
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(1, 10), counts))


def benford_amounts(rng: np.random.Generator, n: int, decades: tuple[int, int]) -> np.ndarray:
    """Cents, log-uniform over whole decades, with exact Benford first-digit shares."""
    digits = benford_digits(rng, n)
    mantissa = np.log10(digits) + rng.random(n) * (np.log10(digits + 1) - np.log10(digits))
    exponent = rng.integers(decades[0], decades[1], size=n)
    cents = np.floor(10 ** (exponent + mantissa + 2)).astype(np.int64)
    return np.maximum(cents, 100)


def category_labels(rng: np.random.Generator, categories: np.ndarray, ref: Reference) -> np.ndarray:
    out = np.empty(len(categories), dtype=object)
    kind = rng.choice(3, size=len(categories), p=[0.82, 0.15, 0.03])
    pick = rng.integers(0, 1 << 30, size=len(categories))
    for c, code in enumerate(CATEGORIES):
        labels = ref.category_labels[code]
        chinese = [x for x in labels if not x.isascii()] or list(labels)
        english = [x for x in labels if x.isascii()] or list(labels)
        for k, pool in enumerate((chinese, english)):
            sel = np.flatnonzero((categories == c) & (kind == k))
            out[sel] = np.array(pool, dtype=object)[pick[sel] % len(pool)]
        for i in np.flatnonzero((categories == c) & (kind == 2)):
            out[i] = _label_variant(labels[pick[i] % len(labels)], int(pick[i] >> 8))
    return out


def invoice_number(serial: int, yyyymm: str, vendor: str, currency: int) -> str:
    """Unique per serial: payroll slips, 20-digit fapiao numbers, foreign invoices."""
    if vendor == "":
        return f"PR{yyyymm.replace('-', '')}{serial:07d}"
    if currency == 0:
        return f"{yyyymm[2:4]}31{(serial * 7_919 + 1_234) % 100_000:05d}{serial:011d}"
    return f"INV-{yyyymm.replace('-', '')}-{serial:06d}"


def joined_campaigns(
    rng: np.random.Generator, campaigns: np.ndarray, member_campaigns: np.ndarray
) -> np.ndarray:
    """Each campaign id replaced by one members joined through in its month and channel (as
    often as they did), where there is one: spend goes to the campaigns that brought members."""
    ids, counts = np.unique(
        member_campaigns[member_campaigns != ""].astype(str), return_counts=True
    )
    by_slot: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for slot in np.unique([c[:-1] for c in ids.tolist()]).tolist() if len(ids) else []:
        sel = np.char.startswith(ids, slot)
        by_slot[slot] = (ids[sel], counts[sel].cumsum())
    out = campaigns.copy()
    draw = rng.random(len(campaigns))
    for i, campaign in enumerate(campaigns.tolist()):
        if campaign and campaign[:-1] in by_slot:
            choices, cum = by_slot[campaign[:-1]]
            out[i] = choices[int(np.searchsorted(cum, draw[i] * cum[-1], side="right"))]
    return out


def shifted(decades: tuple[int, int], shift: int) -> tuple[int, int]:
    lo = max(decades[0] + shift, 0)
    return lo, max(decades[1] + shift, lo + 1)


def make_spend(
    rng: np.random.Generator,
    n: int,
    start_day: int,
    end_day: int,
    ref: Reference,
    target_cny: float,
    n_content: int,
    member_campaigns: np.ndarray,
) -> Spend:
    days = np.arange(start_day, end_day + 1, dtype=np.int64)
    growth = 1.0 + (days - start_day) / max(len(days), 1)
    day = np.sort(rng.choice(days, size=n, p=growth / growth.sum()))
    center = (rng.random(n) < 0.28).astype(np.int8)
    category = np.empty(n, dtype=np.int8)
    for c in (0, 1):
        sel = center == c
        category[sel] = rng.choice(4, size=int(sel.sum()), p=CATEGORY_BY_CENTER[c])
    vendor_idx = np.empty(n, dtype=np.int64)
    for c, letter in ((0, "c"), (1, "s")):
        for cat in range(4):
            sel = np.flatnonzero((center == c) & (category == cat))
            if not len(sel):
                continue
            pool = [i for i, v in enumerate(VENDORS) if v[1] == cat and letter in v[6]]
            w = np.array([VENDORS[i][5] for i in pool])
            vendor_idx[sel] = np.array(pool)[rng.choice(len(pool), size=len(sel), p=w / w.sum())]

    # Spend grows with the community: every vendor's range moves by whole decades (which keeps
    # the Benford shape) so that the total comes near target_cny.
    lo = np.array([VENDORS[v][4][0] for v in vendor_idx], dtype=float)
    hi = np.array([VENDORS[v][4][1] for v in vendor_idx], dtype=float)
    mean = ((10**hi - 10**lo) / ((hi - lo) * np.log(10))).mean()
    shift = int(np.clip(round(np.log10(max(target_cny, 1.0) / n / mean)), -3, 2))
    amount = np.zeros(n, dtype=np.int64)
    for v in np.unique(vendor_idx):
        sel = np.flatnonzero(vendor_idx == v)
        amount[sel] = benford_amounts(rng, len(sel), shifted(VENDORS[v][4], shift))
    credit_note = (np.isin(category, [MATERIALS, PROMOTION])) & (rng.random(n) < 0.02)
    amount[credit_note] = -amount[credit_note]
    # Labour is often booked in hundreds of yuan (which keeps the first digit).
    rounded = (category == LABOR) & (rng.random(n) < 0.5) & (amount >= 100_000)
    amount[rounded] = amount[rounded] // 10_000 * 10_000

    currency = np.array([VENDORS[v][2] for v in vendor_idx], dtype=np.int8)
    months = month_of_days(day)
    for cur in (1, 2, 3):
        sel = np.flatnonzero(currency == cur)
        currency[sel[~ref.covered(cur, months[sel])]] = 0

    channel = np.full(n, -1, dtype=np.int64)
    pick = rng.integers(0, 1 << 30, size=n)
    for i, v in enumerate(vendor_idx.tolist()):
        options = VENDORS[v][3]
        code = options[pick[i] % len(options)]
        channel[i] = CHANNELS.index(code) if code else -1
    label = np.full(n, "", dtype=object)
    tagged = channel >= 0
    label[tagged] = channel_labels(rng, channel[tagged].astype(np.int8), ref)
    campaign = np.full(n, "", dtype=object)
    promo = np.flatnonzero(tagged & np.isin(category, [MATERIALS, PROMOTION]))
    campaign[promo] = campaign_ids(rng, channel[promo].astype(np.int8), months[promo], 0.7)
    campaign[promo] = joined_campaigns(rng, campaign[promo], member_campaigns)
    vendor_name = np.array([VENDORS[v][0] for v in vendor_idx], dtype=object)
    # On an ad channel only the ad platforms' lines name a campaign (the one they report on).
    on_ads = np.isin(channel, [CHANNELS.index(c) for c in AD_CHANNELS])
    campaign[on_ads & ~np.isin(vendor_name, AD_PLATFORMS)] = ""
    module, content = spend_modules(rng, vendor_name, category, channel, n_content)

    cny = np.abs(amount) / 100 * ref.rate(currency, months)
    has_invoice = (cny >= 5_000) | (rng.random(n) < 0.6)
    invoice = np.full(n, "", dtype=object)
    yyyymm = months.astype("datetime64[M]").astype(str)
    for i in np.flatnonzero(has_invoice):
        invoice[i] = invoice_number(i, yyyymm[i], vendor_name[i], int(currency[i]))
    return Spend(
        day=day,
        day_style=pick_date_styles(rng, n),
        cost_center=center,
        category=category,
        category_label=category_labels(rng, category, ref),
        channel_label=label,
        campaign=campaign,
        vendor=vendor_name,
        amount=amount,
        currency=currency,
        invoice=invoice,
        amount_separators=rng.random(n) < 0.3,
        amount_whole=rng.random(n) < 0.5,
        channel=channel,
        module=module,
        content=content,
        shift=shift,
    )


def spend_modules(
    rng: np.random.Generator,
    vendor: np.ndarray,
    category: np.ndarray,
    channel: np.ndarray,
    n_content: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Module (index into MODULES, -1 = none) and content item (-1 = none) of each line."""
    n = len(vendor)
    module = np.full(n, -1, dtype=np.int8)
    content = np.full(n, -1, dtype=np.int64)
    u, v = rng.random(n), rng.random(n)
    for name, (code, share, content_share) in VENDOR_MODULES.items():
        of_vendor = vendor == name
        if code:
            module[of_vendor & (u < share)] = MODULES.index(code)
        content[of_vendor & (v < content_share)] = 0
    gift = (category == MATERIALS) & (channel == CHANNELS.index("referral"))
    module[gift & (u < REFERRAL_GIFT_SHARE)] = MODULES.index("referral")
    member_gift = (vendor == "京东企业购") & (channel == CHANNELS.index("wechat_group"))
    module[member_gift & (u < 0.4)] = MODULES.index("membership")
    has = content == 0
    content[has] = rng.integers(0, n_content, size=int(has.sum()))
    return module, content


@dataclass
class AdGroups:
    """Campaign months of the ad channels with booked spend: what the platforms report on."""

    line: np.ndarray  # spend line -> group, -1 = none
    campaign: np.ndarray  # campaign id (it names its month and channel)
    month: np.ndarray  # months since 1970-01
    channel: np.ndarray  # index into CHANNELS
    booked_cny: np.ndarray  # the group's booked spend in CNY (positive)

    @property
    def n(self) -> int:
        return len(self.campaign)


def ad_groups(spend: Spend, ref: Reference) -> AdGroups:
    """Natural spend lines of the ad channels with a campaign, by campaign month (> 0 CNY)."""
    on_ads = np.isin(spend.channel, [CHANNELS.index(c) for c in AD_CHANNELS])
    lines = np.flatnonzero(on_ads & (spend.campaign != ""))
    months = month_of_days(spend.day[lines])
    campaign, first, inverse = np.unique(
        spend.campaign[lines].astype(str), return_index=True, return_inverse=True
    )
    cny = spend.amount[lines] / 100 * ref.rate(spend.currency[lines], months)
    booked = np.bincount(inverse, weights=cny, minlength=len(campaign))
    keep = booked > 0
    number = np.cumsum(keep) - 1
    line = np.full(spend.n, -1, dtype=np.int64)
    line[lines] = np.where(keep[inverse], number[inverse], -1)
    return AdGroups(
        line=line,
        campaign=campaign[keep].astype(object),
        month=months[first][keep],
        channel=spend.channel[lines][first][keep],
        booked_cny=booked[keep],
    )


def benford_mad(amounts: np.ndarray) -> float:
    """Mean absolute deviation of first-digit shares of |amount| from Benford's law."""
    a = np.abs(np.asarray(amounts, dtype=float))
    a = a[a > 0]
    first = (a / 10 ** np.floor(np.log10(a))).astype(np.int64)
    shares = np.bincount(np.clip(first, 1, 9), minlength=10)[1:] / len(a)
    return float(np.mean(np.abs(shares - BENFORD)))
