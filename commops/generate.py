"""Synthetic raw exports of CONTRACT §2, with planted problems and their ground truth.

    python -m commops.generate --members N --seed S --out DIR --format csv|parquet \\
        [--plant-rate R] [--plant KIND[,KIND...]] [--file-prefix PREFIX] [--truth PATH] \\
        [--start 2024-01-01] [--end 2025-09-30] [--seeds DIR]

Writes members, events, spend, loans and repayments and the optional orders, tickets and
ad_stats as PREFIX+NAME.csv (UTF-8, header row, the contract's columns in its order) or
PREFIX+NAME.parquet (the same text, empty as null), and a ground-truth CSV (entity, record_key,
kind) of every planted row; an ad_stats row's record_key is `<campaign_id>|<stat_date>`
(CONTRACT §2). The output is a function of the arguments and the reference seeds: the same
command writes the same bytes.

Clean rows trip no CONTRACT §6 flag; `--plant-rate R` plants each kind of `--plant` (default:
all of them) at rate R of its entity's rows, at least one row each (see commops._gen_plant).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from commops import _gen_data as data
from commops import _gen_ops as ops
from commops import _gen_plant as plant
from commops import contract
from commops._gen_text import (
    DAY,
    Table,
    amount_text,
    date_text,
    id_array,
    id_text,
    int_text,
    pick_date_styles,
    timestamp_array,
    timestamp_text,
    width_for,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Each export's columns in export order (CONTRACT §2, var raw_exports).
COLUMNS: dict[str, tuple[str, ...]] = {e: x.columns for e, x in contract.raw_exports().items()}
TRUTH_COLUMNS = ("entity", "record_key", "kind")

# The demo export in seeds/demo (loaded by `dbt seed`) is exactly this command's output, run
# from the repository root: `python -m commops.generate` + DEMO_COMMAND, or regenerate_demo().
DEMO_COMMAND = [
    "--members", "1500",
    "--seed", "20241",
    "--format", "csv",
    "--file-prefix", "raw_",
    "--out", "seeds/demo",
    "--truth", "data/demo_ground_truth.csv",
    "--plant-rate", "0.005",
]  # fmt: skip
EVENT_CHUNK_MEMBERS = 50_000  # members whose events are generated and written at once
SPEND_PER_MEMBER_CNY = 300  # about what community and customer service spend per member


# --- output ------------------------------------------------------------------------------------


class Output:
    """One raw export file, written whole or in chunks."""

    def __init__(self, path: Path, columns: tuple[str, ...], fmt: str) -> None:
        self.path, self.columns, self.fmt = path, columns, fmt
        self.schema = pa.schema([(c, pa.string()) for c in columns])
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            self._parquet = pq.ParquetWriter(path, self.schema, compression="zstd")
        else:
            self._sink = pa.OSFile(str(path), "wb")
            self._sink.write(",".join(columns).encode() + b"\n")
            self._csv: pcsv.CSVWriter | None = None

    def write_objects(self, table: Table) -> None:
        """Columns of str ('' = empty); CSV quoted where needed, as spreadsheets write it."""
        n = len(table[self.columns[0]])
        self.rows += n
        if self.fmt == "parquet":
            arrays = [pa.array(table[c], pa.string(), mask=table[c] == "") for c in self.columns]
            self._parquet.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
            return
        for lo in range(0, n, 200_000):
            text = _csv_text([table[c][lo : lo + 200_000] for c in self.columns])
            self._sink.write(text.encode("utf-8"))

    def write_arrow(self, table: pa.Table) -> None:
        """Arrow strings (null = empty) with no delimiter or quote in any value."""
        self.rows += table.num_rows
        if self.fmt == "parquet":
            self._parquet.write_table(table)
            return
        if self._csv is None:
            options = pcsv.WriteOptions(include_header=False, quoting_style="none")
            self._csv = pcsv.CSVWriter(self._sink, self.schema, write_options=options)
        self._csv.write_table(table)

    def close(self) -> None:
        if self.fmt == "parquet":
            self._parquet.close()
        else:
            if self._csv is not None:
                self._csv.close()
            self._sink.close()


def _csv_text(columns: list[np.ndarray]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(zip(*(c.tolist() for c in columns), strict=True))
    return buf.getvalue()


def write_truth(path: Path, truth: plant.Truth) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(TRUTH_COLUMNS)
        writer.writerows(truth.sorted_rows())


# --- text of the natural data ------------------------------------------------------------------


def code_text(rng: np.random.Generator, codes: np.ndarray, values: tuple[str, ...]) -> np.ndarray:
    """Code values, a few in other case (codes are matched lower-cased); -1 = empty."""
    names = np.array(("",) + values, dtype=object)[np.asarray(codes, dtype=np.int64) + 1]
    variant = np.flatnonzero((rng.random(len(codes)) < 0.02) & (codes >= 0))
    for i in variant:
        names[i] = names[i].upper() if i % 2 else names[i].title()
    return names


def currency_text(rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    names = np.array(data.CURRENCIES, dtype=object)[codes]
    lower = np.flatnonzero(rng.random(len(codes)) < 0.01)
    names[lower] = [names[i].lower() for i in lower]
    return names


def community_text(community: np.ndarray) -> np.ndarray:
    out = id_text("C", np.maximum(community, 0), 4)
    out[community < 0] = ""
    return out


def member_table(rng: np.random.Generator, mem: data.Members, ids: np.ndarray) -> Table:
    n = mem.n
    referrer = np.where(mem.referrer >= 0, ids[np.maximum(mem.referrer, 0)], "")
    return {
        "member_id": ids,
        "joined_at": timestamp_text(mem.joined, mem.joined_style),
        "community_id": community_text(mem.community),
        "channel": mem.label,
        "campaign_id": mem.campaign,
        "referrer_member_id": referrer.astype(object),
        "member_type": code_text(rng, mem.member_type, data.MEMBER_TYPES),
        "annual_revenue_cny": amount_text(mem.revenue, rng.random(n) < 0.3, rng.random(n) < 0.7),
        "credit_score": int_text(mem.credit),
        "requested_amount_cny": amount_text(
            mem.requested, rng.random(n) < 0.3, rng.random(n) < 0.8
        ),
        "region": np.array(data.REGIONS, dtype=object)[mem.region],
        "phone": data.phone_text(mem.phone, mem.phone_style),
        "device_id": data.device_text(mem.device, mem.device_lower),
        "tier": code_text(rng, mem.tier, data.TIERS),
        "left_at": timestamp_text(mem.left, mem.left_style),
    }


def loan_table(
    rng: np.random.Generator, loans: data.Loans, loan_ids: np.ndarray, member_ids: np.ndarray
) -> Table:
    n = loans.n

    def money(cents: np.ndarray) -> np.ndarray:
        return amount_text(cents, rng.random(n) < 0.3, rng.random(n) < 0.8)

    rate = np.array([f"0.{bps:04d}" for bps in loans.rate_bps.tolist()], dtype=object)
    return {
        "loan_id": loan_ids,
        "member_id": member_ids[loans.member],
        "product": code_text(rng, loans.product, data.PRODUCTS),
        "applied_at": timestamp_text(loans.applied, loans.styles["applied"]),
        "requested_amount": money(loans.requested),
        "currency": currency_text(rng, loans.currency),
        "decision": code_text(rng, loans.decision, data.DECISIONS),
        "decided_at": timestamp_text(loans.decided, loans.styles["decided"]),
        "approved_amount": money(loans.approved),
        "disbursed_at": timestamp_text(loans.disbursed, loans.styles["disbursed"]),
        "disbursed_amount": money(loans.disbursed_amount),
        "term_months": int_text(loans.term),
        "annual_rate": rate,
        "origination_fee": amount_text(loans.fee, rng.random(n) < 0.3),
        "status": code_text(rng, loans.status, data.STATUSES),
    }


def repayment_table(rng: np.random.Generator, reps: data.Repayments, loan_ids: np.ndarray) -> Table:
    n = reps.n
    ids = np.array(
        [
            f"R{loan_ids[loan][1:]}-{k:02d}"
            for loan, k in zip(reps.loan.tolist(), reps.number.tolist(), strict=True)
        ],
        dtype=object,
    )
    return {
        "repayment_id": ids,
        "loan_id": loan_ids[reps.loan],
        "due_date": date_text(reps.due, pick_date_styles(rng, n)),
        "paid_at": timestamp_text(reps.paid, reps.paid_style),
        "principal": amount_text(reps.principal, rng.random(n) < 0.3),
        "interest": amount_text(reps.interest, rng.random(n) < 0.3),
        "fee": amount_text(reps.fee, np.zeros(n, bool), rng.random(n) < 0.3),
        "currency": currency_text(rng, reps.currency),
    }


def spend_table(rng: np.random.Generator, spend: data.Spend, width: int) -> Table:
    return {
        "spend_id": id_text("S", np.arange(spend.n), width),
        "spend_date": date_text(spend.day, spend.day_style),
        "cost_center": code_text(rng, spend.cost_center, data.COST_CENTERS),
        "category": spend.category_label,
        "channel": spend.channel_label,
        "campaign_id": spend.campaign,
        "vendor": spend.vendor,
        "amount": amount_text(spend.amount, spend.amount_separators, spend.amount_whole),
        "currency": currency_text(rng, spend.currency),
        "invoice_no": spend.invoice,
        "module": code_text(rng, spend.module, data.MODULES),
        "content_id": content_text(spend.content),
    }


def content_text(content: np.ndarray) -> np.ndarray:
    out = id_text("CT", np.maximum(content, 0), 6)
    out[content < 0] = ""
    return out


def order_table(rng: np.random.Generator, orders: ops.Orders, member_ids: np.ndarray) -> Table:
    return {
        "order_id": id_text("O", np.arange(orders.n), width_for(orders.n, 7)),
        "member_id": member_ids[orders.member],
        "ordered_at": timestamp_text(orders.ordered, orders.style),
        "module": code_text(rng, orders.module, ops.ORDER_MODULES),
        "item": orders.item,
        "amount": amount_text(orders.amount, orders.amount_separators, orders.amount_whole),
        "currency": currency_text(rng, orders.currency),
        "status": code_text(rng, orders.status, ops.ORDER_STATUSES),
    }


def ticket_table(rng: np.random.Generator, tickets: ops.Tickets, member_ids: np.ndarray) -> Table:
    member = np.where(tickets.member >= 0, member_ids[np.maximum(tickets.member, 0)], "")
    return {
        "ticket_id": id_text("T", np.arange(tickets.n), width_for(tickets.n, 7)),
        "member_id": member.astype(object),
        "opened_at": timestamp_text(tickets.opened, tickets.styles["opened"]),
        "first_response_at": timestamp_text(
            tickets.first_response, tickets.styles["first_response"]
        ),
        "resolved_at": timestamp_text(tickets.resolved, tickets.styles["resolved"]),
        "contact_channel": code_text(rng, tickets.contact_channel, ops.CONTACT_CHANNELS),
        "topic": code_text(rng, tickets.topic, ops.TOPICS),
        "csat": int_text(tickets.csat),
    }


def ad_table(
    rng: np.random.Generator, ads: ops.AdStats, groups: data.AdGroups, ref: data.Reference
) -> Table:
    n = ads.n
    return {
        "stat_date": date_text(ads.day, pick_date_styles(rng, n)),
        "channel": data.channel_labels(rng, ads.channel.astype(np.int8), ref),
        "campaign_id": groups.campaign[ads.group],
        "impressions": int_text(ads.impressions),
        "clicks": int_text(ads.clicks),
        "platform_spend": amount_text(ads.spend, rng.random(n) < 0.2),
        "currency": currency_text(rng, ads.currency),
    }


# --- events ------------------------------------------------------------------------------------


def _replace(arr: pa.Array, positions: np.ndarray, values: list[str | None]) -> pa.Array:
    if not len(positions):
        return arr
    order = np.argsort(positions, kind="stable")
    mask = np.zeros(len(arr), bool)
    mask[positions] = True
    replacement = pa.array([values[i] for i in order], pa.string())
    return pc.replace_with_mask(arr, pa.array(mask), replacement)


def write_events(
    out: Output,
    mem: data.Members,
    counts: np.ndarray,
    plan: plant.EventPlan,
    member_ids: np.ndarray,
    seed: int,
    end_secs: int,
    log: Callable[[str], None],
) -> int:
    """Events in chunks of members, planted as the plan says; returns the clean row count."""
    total = int(counts.sum())
    width = width_for(total, 9)
    starts = np.cumsum(counts) - counts
    member_arr = pa.array(member_ids, pa.string())
    comm = community_text(mem.community)
    community_arr = pa.array(comm, pa.string(), mask=comm == "")
    types = pa.array(data.EVENT_TYPES, pa.string())
    chunks = max(1, -(-mem.n // EVENT_CHUNK_MEMBERS))
    for c in range(chunks):
        lo, hi = c * EVENT_CHUNK_MEMBERS, min((c + 1) * EVENT_CHUNK_MEMBERS, mem.n)
        rng = np.random.default_rng([seed, 101, c])
        ch = data.make_event_chunk(rng, mem, counts, lo, hi, end_secs)
        e0 = int(starts[lo]) if lo < mem.n else total
        e1 = e0 + len(ch.member)
        local: dict[str, np.ndarray] = {}
        rank: dict[str, np.ndarray] = {}
        for kind, idx in plan.kinds.items():
            sel = np.flatnonzero((idx >= e0) & (idx < e1))
            local[kind], rank[kind] = idx[sel] - e0, sel
        occurred = ch.occurred.copy()
        for kind, times in plan.new_time.items():
            occurred[local[kind]] = times[rank[kind]]

        event_type = types.take(pa.array(ch.event_type.astype(np.int64)))
        content = id_array("CT", np.maximum(ch.content, 0), 6)
        content = pc.if_else(pa.array(ch.content < 0), pa.scalar(None, pa.string()), content)
        columns = {
            "event_id": id_array("E", np.arange(e0, e1), width),
            "member_id": member_arr.take(pa.array(ch.member)),
            "occurred_at": timestamp_array(occurred, ch.style),
            "event_type": event_type,
            "community_id": community_arr.take(pa.array(ch.member)),
            "content_id": content,
        }
        none = np.zeros(0, dtype=np.int64)
        a, b = plant.spread(local.get("missing_required", none), 2)
        garbage = local.get("unparseable_timestamp", none)
        codes = local.get("unknown_code", none)
        strangers = local.get("unknown_member", none)
        changes: dict[str, tuple[list[np.ndarray], list[str | None]]] = {
            "occurred_at": (
                [a, garbage],
                [None] * len(a)
                + [
                    plant.GARBAGE_TIMESTAMPS[r % 10]
                    for r in rank.get("unparseable_timestamp", none)
                ],
            ),
            "event_type": (
                [b, codes],
                [None] * len(b)
                + [plant.UNKNOWN_EVENT_TYPES[r % 4] for r in rank.get("unknown_code", none)],
            ),
            "member_id": (
                [strangers],
                [
                    plant.unknown_ids("M", plan.member_width, 1_000_000 + int(r), 1)[0]
                    for r in rank.get("unknown_member", none)
                ],
            ),
        }
        for column, (rows, values) in changes.items():
            columns[column] = _replace(columns[column], np.concatenate(rows), values)
        table = pa.table(columns)

        conflict = local.get("duplicate_key_conflict", np.array([], dtype=np.int64))
        collapsed = local.get("collapsed_duplicate", np.array([], dtype=np.int64))
        if len(conflict) or len(collapsed):
            repeats = np.ones(len(ch.member), dtype=np.int64)
            repeats[np.concatenate([conflict, collapsed])] += 1
            first = np.cumsum(repeats) - repeats
            table = table.take(pa.array(np.repeat(np.arange(len(ch.member)), repeats)))
            other = [data.EVENT_TYPES[(t + 1) % 8] for t in ch.event_type[conflict].tolist()]
            column = _replace(
                table.column("event_type").combine_chunks(), first[conflict] + 1, other
            )
            table = table.set_column(3, "event_type", column)
        out.write_arrow(table)
        log(f"events: chunk {c + 1}/{chunks}, {out.rows:,} rows")
    return total


def event_truth(plan: plant.EventPlan, total: int, truth: plant.Truth) -> None:
    width = width_for(total, 9)
    for kind, idx in plan.kinds.items():
        keys = id_text("E", idx, width)
        truth.add("events", keys, kind)
        if kind == "duplicate_key_conflict":
            truth.add("events", keys, kind)


# --- the run -----------------------------------------------------------------------------------


def parse_kinds(text: str | None) -> set[str]:
    if not text:
        return set(plant.ALL_KINDS)
    kinds = {k.strip() for k in text.split(",") if k.strip()}
    unknown = sorted(kinds - set(plant.ALL_KINDS))
    if unknown:
        raise SystemExit(
            f"unknown --plant kind(s): {', '.join(unknown)}; known: {', '.join(plant.ALL_KINDS)}"
        )
    return kinds


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m commops.generate",
        description="Write synthetic raw exports (CONTRACT §2) with planted problems.",
    )
    p.add_argument("--members", type=int, required=True, help="number of member rows")
    p.add_argument("--seed", type=int, required=True, help="random seed")
    p.add_argument("--out", type=Path, required=True, help="folder to write the exports to")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument("--plant-rate", type=float, default=0.0, help="share of rows per planted kind")
    p.add_argument("--plant", default=None, help="kinds to plant, comma-separated (default: all)")
    p.add_argument("--file-prefix", default="", help="prefix of every file name, e.g. raw_")
    p.add_argument("--truth", type=Path, default=None, help="default: OUT/ground_truth.csv")
    p.add_argument("--start", default="2024-01-01", help="first join date")
    p.add_argument("--end", default="2025-09-30", help="last date of any activity or spend")
    p.add_argument(
        "--seeds", type=Path, default=REPO_ROOT / "seeds", help="folder of the reference seeds"
    )
    return p


def run(args: argparse.Namespace, log: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write the exports and the ground truth; returns the row count of each file."""
    log = log or (lambda _m: None)
    clock = time.perf_counter()

    def note(message: str) -> None:
        log(f"{message} ({time.perf_counter() - clock:.1f}s)")

    if args.seed < 0:
        raise SystemExit("--seed must be zero or more")
    if args.members < 1:
        raise SystemExit("--members must be at least 1")
    if not 0 <= args.plant_rate < 1:
        raise SystemExit("--plant-rate must be in [0, 1)")
    start_day, end_day = data.day_number(args.start), data.day_number(args.end)
    if end_day < start_day:
        raise SystemExit("--end is before --start")
    if end_day > int(np.datetime64(time.strftime("%Y-%m-%d"), "D").astype(np.int64)):
        plant.warn("--end is after today: clean spend lines may read as future_date")
    end_secs = (end_day + 1) * DAY - 1
    rate = args.plant_rate
    kinds = parse_kinds(args.plant) if rate > 0 else set()
    ref = data.load_reference(args.seeds)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(args.seed).spawn(18)]
    truth = plant.Truth()
    out_dir: Path = args.out
    ext = "parquet" if args.format == "parquet" else "csv"

    def output(entity: str) -> Output:
        return Output(out_dir / f"{args.file_prefix}{entity}.{ext}", COLUMNS[entity], args.format)

    mem = data.make_members(streams[0], args.members, start_day, end_day, ref)
    member_plan = plant.plan_members(streams[1], mem, kinds, rate, start_day, end_secs)
    counts = data.event_counts(streams[2], mem, ~member_plan.inactive, end_secs)
    member_width = width_for(mem.n, 7)
    member_ids = id_text("M", np.arange(mem.n), member_width)
    check_bursts(mem, member_plan)

    table = member_table(streams[3], mem, member_ids)
    table = plant.apply_members(table, member_plan, ref, truth)
    rows: dict[str, int] = {}
    writer = output("members")
    writer.write_objects(table)
    writer.close()
    rows["members"] = writer.rows
    del table
    note(f"members: {rows['members']:,} rows")

    loans = data.make_loans(streams[4], mem, ~member_plan.inactive, end_secs, ref)
    loans_per_member = np.bincount(loans.member, minlength=mem.n)
    reps = data.make_repayments(streams[5], loans, mem, end_secs)
    loan_plan = plant.plan_loans(streams[6], loans, member_plan, kinds, rate, ref)
    loan_width = width_for(loans.n, 7)
    loan_ids = id_text("L", np.arange(loans.n), loan_width)
    table = plant.apply_loans(
        loan_table(streams[4], loans, loan_ids, member_ids), loan_plan, member_width, truth
    )
    writer = output("loans")
    writer.write_objects(table)
    writer.close()
    rows["loans"] = writer.rows
    note(f"loans: {rows['loans']:,} rows")

    rep_plan = plant.plan_repayments(streams[7], reps, kinds, rate, end_day, ref)
    table = plant.apply_repayments(
        repayment_table(streams[5], reps, loan_ids), rep_plan, loan_width, truth
    )
    writer = output("repayments")
    writer.write_objects(table)
    writer.close()
    rows["repayments"] = writer.rows
    del table, loans, reps
    note(f"repayments: {rows['repayments']:,} rows")

    orders = ops.make_orders(streams[12], mem, ~member_plan.inactive, end_secs, ref)
    order_plan = plant.plan_orders(streams[13], orders, kinds, rate, ref)
    table = plant.apply_orders(
        order_table(streams[12], orders, member_ids), order_plan, member_width, truth
    )
    rows["orders"] = write(output("orders"), table)
    del orders, table
    note(f"orders: {rows['orders']:,} rows")

    tickets = ops.make_tickets(
        streams[14], mem, ~member_plan.inactive, loans_per_member, start_day, end_secs
    )
    ticket_plan = plant.plan_tickets(streams[15], tickets, kinds, rate)
    table = plant.apply_tickets(
        ticket_table(streams[14], tickets, member_ids), ticket_plan, member_width, truth
    )
    rows["tickets"] = write(output("tickets"), table)
    del tickets, table
    note(f"tickets: {rows['tickets']:,} rows")

    n_spend = 1_200 + round(0.05 * mem.n)
    target_cny = SPEND_PER_MEMBER_CNY * mem.n
    spend = data.make_spend(
        streams[8],
        n_spend,
        start_day,
        end_day,
        ref,
        target_cny,
        data.content_count(mem.n),
        mem.campaign,
    )
    groups = data.ad_groups(spend, ref)
    spend_plan = plant.plan_spend(streams[9], spend, groups, kinds, rate, end_day, ref)
    check_benford(spend, spend_plan)
    width = width_for(spend.n + len(spend_plan.get("duplicate_invoice", [])), 6)
    table = spend_table(streams[8], spend, width)
    table = plant.apply_spend(streams[9], table, spend_plan, spend, end_day, width, ref, truth)
    writer = output("spend")
    writer.write_objects(table)
    writer.close()
    rows["spend"] = writer.rows
    note(f"spend: {rows['spend']:,} rows")

    # The ad platforms report on the campaign months the spend export books.
    over = np.zeros(groups.n, bool)
    over[groups.line[spend_plan.get("booked_over_platform", np.zeros(0, np.int64))]] = True
    ads = ops.make_ad_days(streams[16], groups, start_day, end_day)
    ad_plan = plant.plan_ad_stats(streams[17], ads, kinds, rate)
    ops.deliver(streams[16], ads, groups, over, plant.ad_rows_removed(ad_plan, ads.n), ref)
    table = plant.apply_ad_stats(
        streams[17], ad_table(streams[16], ads, groups, ref), ad_plan, ads, ref, truth
    )
    rows["ad_stats"] = write(output("ad_stats"), table)
    note(f"ad_stats: {rows['ad_stats']:,} rows")

    event_plan = plant.plan_events(
        streams[10], mem, counts, member_plan, kinds, rate, end_secs, member_width
    )
    writer = output("events")
    total = write_events(writer, mem, counts, event_plan, member_ids, args.seed, end_secs, note)
    writer.close()
    rows["events"] = writer.rows
    event_truth(event_plan, total, truth)

    truth_path = args.truth if args.truth is not None else out_dir / "ground_truth.csv"
    write_truth(truth_path, truth)
    note(f"ground truth: {len(truth.rows):,} rows in {truth_path}")
    return rows


def write(out: Output, table: Table) -> int:
    """Write a whole table to out and close it; returns its row count."""
    out.write_objects(table)
    out.close()
    return out.rows


def check_bursts(mem: data.Members, plan: plant.MemberPlan) -> None:
    """Only the planted members may be in a registration burst (CONTRACT §6)."""
    planted = plan.kinds.get("registration_burst", np.array([], dtype=np.int64))
    found = burst_members(mem.joined, mem.community, mem.joined_style != 5)
    stray = np.setdiff1d(found, planted)
    if len(stray):  # pragma: no cover - would need 20 natural joins in a minute
        raise RuntimeError(f"clean members in a registration burst: {stray[:10]}")


def burst_members(joined: np.ndarray, community: np.ndarray, countable: np.ndarray) -> np.ndarray:
    """Members whose join lies, with 19 others of their community, in an interval < 60 s."""
    rows = np.flatnonzero(countable & (community >= 0))
    order = rows[np.lexsort((joined[rows], community[rows]))]
    c, t = community[order], joined[order]
    span = plant.BURST_MIN - 1
    hit = np.zeros(len(order), bool)
    if len(order) > span:
        start = np.flatnonzero(
            (c[span:] == c[:-span]) & (t[span:] - t[:-span] < plant.BURST_WINDOW)
        )
        for s in start.tolist():
            hit[s : s + span + 1] = True
    return np.sort(order[hit])


def check_benford(spend: data.Spend, plan: dict[str, np.ndarray]) -> None:
    """Natural vendors with enough lines keep their Benford shape after the plants."""
    planted = np.zeros(spend.n, bool)
    for kind in plant.REJECT_KINDS:
        planted[plan.get(kind, [])] = True
    planted[plan.get("benford_vendor", [])] = True
    vendors = spend.vendor[~planted]
    amounts = spend.amount[~planted]
    extra = plan.get("duplicate_invoice", np.array([], dtype=np.int64))
    vendors = np.concatenate([vendors, spend.vendor[extra]])
    amounts = np.concatenate([amounts, spend.amount[extra]])
    for name in np.unique(vendors[vendors != ""]):
        a = amounts[(vendors == name) & (amounts != 0)]
        if len(a) >= plant.BENFORD_MIN_LINES and data.benford_mad(a) > plant.BENFORD_MAD_MAX:
            raise RuntimeError(f"natural vendor {name} departs from Benford's law")


def regenerate_demo(
    root: Path = REPO_ROOT, out: Path | None = None, truth: Path | None = None
) -> dict[str, int]:
    """Write the demo export (DEMO_COMMAND) under root, or to out/truth when given."""
    args = build_parser().parse_args(DEMO_COMMAND)
    args.out = out if out is not None else root / args.out
    args.truth = truth if truth is not None else root / args.truth
    return run(args)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def log(message: str) -> None:
        print(f"generate: {message}", file=sys.stderr, flush=True)

    rows = run(args, log)
    log("done: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
