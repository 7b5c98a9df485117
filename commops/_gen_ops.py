"""Clean synthetic data of the optional exports (CONTRACT §2): orders, tickets, ad_stats.

Numbers only, as in `commops._gen_data`, and nothing wrong on purpose: orders and tickets of
members fall inside their membership, ticket timestamps are ordered (opened, first response,
resolved), clicks never exceed impressions, each campaign day is reported once, and the ad
platforms report about what the spend export books for each campaign month (within half of var
ad_spend_gap_max).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from commops import contract
from commops._gen_data import (
    AD_CHANNELS,
    CHANNELS,
    CURRENCIES,
    MODULES,
    AdGroups,
    Members,
    Reference,
    first_day_of_month,
    month_of_secs,
    time_of_day,
)
from commops._gen_text import DAY, NA, pick_ts_styles

# --- orders ------------------------------------------------------------------------------------

ORDER_MODULES = MODULES[:4]  # referral is a spend module only
ORDER_STATUSES = ("paid", "refunded")
MEMBERSHIP, PAID_CONTENT, SOCIAL_COMMERCE, TRAINING = range(4)
#: module -> (item, list price in CNY)
ITEMS: tuple[tuple[tuple[str, int], ...], ...] = (
    (("付费会员(年)", 699), ("付费会员(季)", 199), ("高级会员(年)", 1999), ("高级会员(月)", 199)),
    (
        ("课程: 中小企业融资实务", 299),
        ("课程: 看懂财务报表", 199),
        ("课程: 供应链金融入门", 499),
        ("课程: 跨境贸易结算", 399),
        ("研报: 中小企业信贷白皮书", 99),
        ("研报: 区域景气指数月报", 29),
        ("专栏: 老板的财税课", 599),
    ),
    (
        ("茶叶礼盒", 268),
        ("企业定制礼品", 880),
        ("办公用品套装", 158),
        ("有机大米 10kg", 129),
        ("白酒礼盒", 1280),
        ("商务笔记本", 68),
    ),
    (
        ("融资路演工作坊", 3980),
        ("出口退税实操班", 2980),
        ("CFO 训练营", 9800),
        ("总裁私董会(年)", 29800),
    ),
)
BUYER_SHARE_BY_TIER = np.array([0.06, 0.45, 0.7])  # basic, paid, premium
MODULE_WEIGHTS = np.array([0.12, 0.45, 0.33, 0.10])  # orders after a member's first
ZERO_AMOUNT_SHARE = 0.025  # free trials and 0-yuan coupons (paid content, social commerce)


@dataclass
class Orders:
    member: np.ndarray
    ordered: np.ndarray  # local secs
    style: np.ndarray
    module: np.ndarray  # index into ORDER_MODULES
    item: np.ndarray  # item text
    amount: np.ndarray  # cents in the order's currency
    currency: np.ndarray
    status: np.ndarray  # index into ORDER_STATUSES, -1 = empty
    amount_separators: np.ndarray
    amount_whole: np.ndarray

    @property
    def n(self) -> int:
        return len(self.member)


def make_orders(
    rng: np.random.Generator, mem: Members, active: np.ndarray, end_secs: int, ref: Reference
) -> Orders:
    """A minority of members buy, most once, a few many times; paid tiers buy their membership."""
    stop = np.where(mem.left != NA, np.minimum(mem.left, end_secs), end_secs)
    span = stop - mem.joined
    tier = mem.tier.astype(np.int64)
    buyers = active & (span > DAY) & (rng.random(mem.n) < BUYER_SHARE_BY_TIER[tier])
    per_member = np.where(buyers, np.minimum(rng.zipf(2.4, mem.n), 40), 0)
    member = np.repeat(np.arange(mem.n, dtype=np.int64), per_member)
    n = len(member)
    first = np.zeros(n, bool)
    first[(np.cumsum(per_member) - per_member)[buyers]] = True

    # The membership order of a paid tier comes in the first days; other orders any time, more
    # often early in the membership.
    soon = np.minimum(rng.random(n) * 3 * DAY / span[member], 1.0)
    u = np.where(first & (tier[member] > 0), soon, rng.random(n))
    offset = (u**1.6 * (span[member] - 600)).astype(np.int64)
    day = (mem.joined[member] + 600 + offset) // DAY
    ordered = np.clip(day * DAY + time_of_day(rng, n), mem.joined[member] + 600, stop[member])

    module = rng.choice(4, size=n, p=MODULE_WEIGHTS).astype(np.int8)
    module[first & (tier[member] > 0)] = MEMBERSHIP
    item_no = np.zeros(n, dtype=np.int64)
    for m in range(4):
        sel = module == m
        item_no[sel] = rng.integers(0, len(ITEMS[m]), size=int(sel.sum()))
    # Membership items follow the tier: paid buys 付费会员, premium 高级会员.
    premium = tier[member] == 2
    member_item = (module == MEMBERSHIP) & (tier[member] > 0)
    item_no[member_item] = item_no[member_item] % 2 + np.where(premium[member_item], 2, 0)
    names = np.empty(n, dtype=object)
    price = np.zeros(n)
    for m in range(4):
        sel = module == m
        names[sel] = np.array([x[0] for x in ITEMS[m]], dtype=object)[item_no[sel]]
        price[sel] = np.array([x[1] for x in ITEMS[m]], dtype=float)[item_no[sel]]

    # Heavy tails: coupons on content, bulk buys of gifts, early-bird training prices.
    discount = rng.choice([1.0, 1.0, 1.0, 0.8, 0.5], size=n)
    quantity = np.minimum(rng.zipf(2.2, n), 300)
    factor = np.select(
        [module == PAID_CONTENT, module == SOCIAL_COMMERCE, module == TRAINING],
        [discount, quantity, np.where(rng.random(n) < 0.3, 0.9, 1.0)],
        1.0,
    )
    cny_cents = np.round(price * factor * 100).astype(np.int64)
    free = np.isin(module, [PAID_CONTENT, SOCIAL_COMMERCE]) & (rng.random(n) < ZERO_AMOUNT_SHARE)
    cny_cents[free] = 0

    currency = np.where(rng.random(n) < 0.03, rng.choice([1, 2], size=n, p=[0.4, 0.6]), 0)
    currency = currency.astype(np.int8)
    months = month_of_secs(ordered)
    for cur in (1, 2):
        sel = np.flatnonzero(currency == cur)
        currency[sel[~ref.covered(cur, months[sel])]] = 0
    rate = ref.rate(currency, months)
    amount = np.where(currency == 0, cny_cents, np.round(cny_cents / rate)).astype(np.int64)

    status = rng.choice([0, 1, -1], size=n, p=[0.87, 0.08, 0.05]).astype(np.int8)
    order = np.argsort(ordered, kind="stable")
    return Orders(
        member=member[order],
        ordered=ordered[order],
        style=pick_ts_styles(rng, n),
        module=module[order],
        item=names[order],
        amount=amount[order],
        currency=currency[order],
        status=status[order],
        amount_separators=rng.random(n) < 0.2,
        amount_whole=rng.random(n) < 0.6,
    )


# --- tickets -----------------------------------------------------------------------------------

CONTACT_CHANNELS = ("phone", "wechat", "email", "app", "community")
TOPICS = ("loan_question", "repayment", "complaint", "account", "other")
COMPLAINT = TOPICS.index("complaint")
CHANNEL_WEIGHTS = np.array([0.30, 0.35, 0.08, 0.17, 0.10])
NON_MEMBER_CHANNEL_WEIGHTS = np.array([0.45, 0.35, 0.20, 0.0, 0.0])
TOPIC_WEIGHTS = (
    np.array([0.35, 0.05, 0.07, 0.25, 0.28]),  # members without a loan
    np.array([0.25, 0.35, 0.08, 0.17, 0.15]),  # borrowers
    np.array([0.60, 0.0, 0.10, 0.0, 0.30]),  # non-members
)
FIRST_RESPONSE_MEDIAN_MINUTES = np.array([3.0, 20.0, 240.0, 45.0, 60.0])  # by contact channel
CSAT_WEIGHTS = (  # of five levels from csat_min to csat_max
    np.array([0.04, 0.06, 0.15, 0.33, 0.42]),  # resolved within 48 h
    np.array([0.20, 0.20, 0.25, 0.20, 0.15]),  # slower
)
CSAT_MIN: int = contract.var("csat_min")
CSAT_MAX: int = contract.var("csat_max")


@dataclass
class Tickets:
    member: np.ndarray  # member index, -1 = not a member
    opened: np.ndarray  # local secs
    first_response: np.ndarray  # local secs or NA
    resolved: np.ndarray  # local secs or NA
    styles: dict[str, np.ndarray]
    contact_channel: np.ndarray
    topic: np.ndarray
    csat: np.ndarray  # 1-5 or NA

    @property
    def n(self) -> int:
        return len(self.member)


def make_tickets(
    rng: np.random.Generator,
    mem: Members,
    active: np.ndarray,
    loans_per_member: np.ndarray,
    start_day: int,
    end_secs: int,
) -> Tickets:
    """Contacts of members (borrowers more often) and of non-members; answers within hours."""
    stop = np.where(mem.left != NA, np.minimum(mem.left, end_secs), end_secs)
    span = stop - mem.joined
    rate = 0.12 + 0.5 * np.minimum(loans_per_member, 3)
    per_member = np.where(active & (span > DAY), rng.poisson(rate), 0)
    member = np.repeat(np.arange(mem.n, dtype=np.int64), per_member)
    opened = mem.joined[member] + 60 + (rng.random(len(member)) * (span[member] - 60))
    opened = opened.astype(np.int64)
    outsiders = rng.binomial(len(member), 0.12) + 1
    days = rng.integers(start_day, end_secs // DAY + 1, size=outsiders)
    member = np.concatenate([member, np.full(outsiders, -1, dtype=np.int64)])
    opened = np.minimum(
        np.concatenate([opened, days * DAY + time_of_day(rng, outsiders)]), end_secs
    )
    n = len(member)
    order = np.argsort(opened, kind="stable")
    member, opened = member[order], opened[order]

    borrower = (member >= 0) & (loans_per_member[np.maximum(member, 0)] > 0)
    group = np.where(member < 0, 2, borrower.astype(np.int64))
    contact = np.empty(n, dtype=np.int8)
    topic = np.empty(n, dtype=np.int8)
    for g in range(3):
        sel = group == g
        weights = NON_MEMBER_CHANNEL_WEIGHTS if g == 2 else CHANNEL_WEIGHTS
        contact[sel] = rng.choice(5, size=int(sel.sum()), p=weights)
        topic[sel] = rng.choice(5, size=int(sel.sum()), p=TOPIC_WEIGHTS[g])

    minutes = FIRST_RESPONSE_MEDIAN_MINUTES[contact] * np.exp(1.1 * rng.standard_normal(n))
    first = opened + 30 + (minutes * 60).astype(np.int64)
    hours = np.where(topic == COMPLAINT, 20.0, 4.0) * np.exp(1.4 * rng.standard_normal(n))
    resolved = first + 60 + (hours * 3600).astype(np.int64)
    first[(rng.random(n) < 0.025) | (first > end_secs)] = NA
    resolved[(first == NA) | (rng.random(n) < 0.04) | (resolved > end_secs)] = NA

    slow = (resolved != NA) & (resolved - opened > 48 * 3600)
    csat = np.full(n, NA, dtype=np.int64)
    for s, weights in enumerate(CSAT_WEIGHTS):
        sel = (resolved != NA) & (slow == bool(s)) & (rng.random(n) < 0.45)
        level = rng.choice(5, size=int(sel.sum()), p=weights)
        csat[sel] = CSAT_MIN + np.round(level * (CSAT_MAX - CSAT_MIN) / 4).astype(np.int64)
    return Tickets(
        member=member,
        opened=opened,
        first_response=first,
        resolved=resolved,
        styles={c: pick_ts_styles(rng, n) for c in ("opened", "first_response", "resolved")},
        contact_channel=contact,
        topic=topic,
        csat=csat,
    )


# --- ad_stats ----------------------------------------------------------------------------------

# by AD_CHANNELS: CNY per 1,000 impressions and click-through rate
CPM_CNY = np.array([25.0, 200.0, 40.0])
CTR = np.array([0.008, 0.006, 0.012])
# booked / delivered of a campaign month: within half the gap a clean one may have, and from
# twice to ten times that gap over where booked_over_platform is planted
AD_SPEND_GAP_MAX: float = contract.var("ad_spend_gap_max")
CLEAN_BOOKED_RATIO = (1 - AD_SPEND_GAP_MAX / 2, 1 + AD_SPEND_GAP_MAX / 2)
OVER_BOOKED_RATIO = (1 + 2 * AD_SPEND_GAP_MAX, 1 + 10 * AD_SPEND_GAP_MAX)


@dataclass
class AdStats:
    group: np.ndarray  # index into the AdGroups
    day: np.ndarray  # day number
    weight: np.ndarray  # the day's share of its campaign month's delivery, before scaling
    channel: np.ndarray  # index into CHANNELS
    spend: np.ndarray  # cents in currency (deliver)
    currency: np.ndarray
    impressions: np.ndarray
    clicks: np.ndarray  # NA = empty

    @property
    def n(self) -> int:
        return len(self.group)


def make_ad_days(
    rng: np.random.Generator, groups: AdGroups, start_day: int, end_day: int
) -> AdStats:
    """The days each campaign ran in its month: a stretch of a third of the month or more."""
    first = np.maximum(first_day_of_month(groups.month), start_day)
    last = np.minimum(first_day_of_month(groups.month + 1) - 1, end_day)
    length = last - first + 1
    run = np.maximum(1, np.ceil(length * rng.uniform(0.33, 1.0, groups.n))).astype(np.int64)
    begin = first + np.floor(rng.random(groups.n) * (length - run + 1)).astype(np.int64)
    group = np.repeat(np.arange(groups.n, dtype=np.int64), run)
    day = np.repeat(begin, run) + (np.arange(len(group)) - np.repeat(np.cumsum(run) - run, run))
    order = np.lexsort((group, day))
    group, day = group[order], day[order]
    weekend = (day + 3) % 7 >= 5
    weight = np.exp(0.35 * rng.standard_normal(len(group))) * np.where(weekend, 0.8, 1.0)
    n = len(group)
    return AdStats(
        group=group,
        day=day,
        weight=weight,
        channel=groups.channel[group],
        spend=np.zeros(n, dtype=np.int64),
        currency=np.zeros(n, dtype=np.int8),
        impressions=np.zeros(n, dtype=np.int64),
        clicks=np.zeros(n, dtype=np.int64),
    )


def deliver(
    rng: np.random.Generator,
    ads: AdStats,
    groups: AdGroups,
    over: np.ndarray,
    removed: np.ndarray,
    ref: Reference,
) -> None:
    """Fill spend, currency, impressions and clicks.

    Each campaign month delivers its booked spend divided by a ratio drawn from
    CLEAN_BOOKED_RATIO (OVER_BOOKED_RATIO where `over`). The rows that stay in the campaign
    month's mart row (not `removed`: rows a plant rejects or moves) share that delivery
    exactly, to the cent; a removed row gets what its weight would have had besides.
    """
    ratio = np.where(
        over, rng.uniform(*OVER_BOOKED_RATIO, groups.n), rng.uniform(*CLEAN_BOOKED_RATIO, groups.n)
    )
    usd = CURRENCIES.index("USD")
    in_usd = (groups.channel == CHANNELS.index("linkedin")) & ref.covered(usd, groups.month)
    group_currency = np.where(in_usd, usd, 0).astype(np.int8)
    rate = ref.rate(group_currency, groups.month)
    total = np.round(groups.booked_cny / ratio / rate * 100).astype(np.int64)  # cents

    kept = np.where(removed, 0.0, ads.weight)
    kept_weight = np.bincount(ads.group, weights=kept, minlength=groups.n)
    exact = total[ads.group] * kept / kept_weight[ads.group]
    cents = np.floor(exact).astype(np.int64)
    short = total - np.bincount(ads.group, weights=cents, minlength=groups.n).astype(np.int64)
    # Largest remainders first, within each campaign month: the kept rows sum to the total.
    remainder = np.where(removed, -1.0, exact - cents)
    order = np.lexsort((-remainder, ads.group))
    rank = np.arange(ads.n) - np.searchsorted(ads.group[order], ads.group[order])
    cents[order[rank < short[ads.group[order]]]] += 1
    extra = np.round(total[ads.group] * ads.weight / kept_weight[ads.group]).astype(np.int64)
    cents[removed] = extra[removed]

    ad = np.full(len(CHANNELS), -1, dtype=np.int64)
    ad[[CHANNELS.index(c) for c in AD_CHANNELS]] = np.arange(len(AD_CHANNELS))
    ad = ad[ads.channel]
    cny = cents / 100 * rate[ads.group]
    cpm = CPM_CNY[ad] * np.exp(0.25 * rng.standard_normal(ads.n))
    impressions = np.round(cny / cpm * 1000).astype(np.int64)
    ctr = np.minimum(CTR[ad] * np.exp(0.3 * rng.standard_normal(ads.n)), 0.2)
    clicks = rng.binomial(impressions, ctr).astype(np.int64)
    clicks[rng.random(ads.n) < 0.01] = NA  # reads as 0
    ads.spend, ads.currency = cents, group_currency[ads.group]
    ads.impressions, ads.clicks = impressions, clicks
