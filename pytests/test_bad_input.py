"""Bad input never gets lost (CONTRACT §3): small RAW_DIR exports with one problem per row,
built with dbt, and where each row went."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commops.generate import COLUMNS
from pytests.dbtrun import run_dbt

# Staging and the row accounting only; tests of models outside the selection stay out.
STAGING_ONLY = [
    "build",
    "--select",
    "+staging_row_counts",
    "+rejected_rows",
    "stg_reference__fx_rates",
    "--exclude",
    "raw_*",
    "--indirect-selection",
    "cautious",
]

MEMBER_HEADER = [
    " Member_ID ",
    "JOINED_AT",
    "community_id",
    "channel",
    "campaign_id",
    "referrer_member_id",
    "member_type",
    "annual_revenue_cny",
    "credit_score",
    "requested_amount_cny",
    "region",
    "phone",
    "device_id",
    "tier",
    "left_at",
    "notes",
]


def member(member_id: str, joined_at: str, channel: str = "微信群", **overrides: str) -> list[str]:
    row = {
        "member_id": member_id,
        "joined_at": joined_at,
        "community_id": "C1",
        "channel": channel,
        "campaign_id": "",
        "referrer_member_id": "",
        "member_type": "sme",
        "annual_revenue_cny": "1,200,000.50",
        "credit_score": "700",
        "requested_amount_cny": "",
        "region": "江苏",
        "phone": "",
        "device_id": "",
        "tier": "basic",
        "left_at": "",
        "notes": "an extra column, ignored",
    }
    row.update(overrides)
    return list(row.values())


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


MEMBERS = [
    member("M1", "2024-01-10 10:00:00"),
    # 16:30 UTC on Jan 31 is 00:30 on Feb 1 in Shanghai: the business date moves.
    member("M2", "2024-01-31T16:30:00Z"),
    member("M3", "2024-01-11 09:00", channel="TikTok"),
    member("M4", "2024-01-12 08:00:00"),
    member("M4", "2024-01-12 08:00:00"),
    member("M5", "2024-01-13 08:00:00"),
    member("M5", "2024-01-13 08:00:00", channel="微博"),
    member("", "2024-01-14 08:00:00"),
    member("M7", "2024-01-15 08:00:00", credit_score="7o0"),
    member("M8", "2024-02-30 08:00:00"),
    member("M9", "2024-01-31 23:59:59+08:00"),
]

# The spend export as revision 1 wrote it: the optional columns module and content_id absent.
SPEND_HEADER = [c for c in COLUMNS["spend"] if c not in ("module", "content_id")]
SPEND = [
    ["S1", "2024-03-05", "community", "推广费用", "微信群", "", "V1", "500", "CNY", "INV1"],
    ["S2", "2024-03-05", "community", "推广费用", "", "", "V1", "1,000.00", "usd", "INV2"],
    ["S3", "2024/13/01", "community", "推广费用", "", "", "V1", "10", "CNY", ""],
    ["S4", "2024-03-05", "community", "推广费用", "", "", "V1", "12.3.4", "CNY", ""],
    ["S5", "2024-03-05", "community", "推广费用", "", "", "V1", "10", "RMB", ""],
    ["S6", "2022-06-05", "community", "推广费用", "", "", "V1", "10", "USD", ""],
    ["S7", "2024-03-05", "community", "咖啡", "", "", "V1", "10", "CNY", ""],
    ["S8", "2024-03-05", "marketing", "推广费用", "", "", "V1", "10", "CNY", ""],
    ["S9", "2099-02-05", "community", "推广费用", "", "", "V1", "-10", "USD", ""],
]


def write_export(raw: Path, members: list[list[str]] | None = None) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    write_csv(raw / "members.csv", MEMBER_HEADER, members or MEMBERS, bom=True)
    write_csv(
        raw / "events.csv",
        list(COLUMNS["events"]),
        [["E1", "M1", "2024-01-11 10:00:00", "post", "C1", ""]],
    )
    write_csv(raw / "spend.csv", SPEND_HEADER, SPEND)
    write_csv(
        raw / "loans.csv",
        list(COLUMNS["loans"]),
        [
            [
                "L1",
                "M1",
                "equipment",
                "2024-02-01 10:00:00",
                "100000",
                "CNY",
                "approved",
                "2024-02-03 10:00:00",
                "100000",
                "2024-02-05 10:00:00",
                "100000",
                "3",
                "0.085",
                "1000",
                "open",
            ]
        ],
    )
    write_csv(
        raw / "repayments.csv",
        list(COLUMNS["repayments"]),
        [["R1", "L1", "2024-03-05", "2024-03-05 09:00:00", "33333.33", "708.33", "0", "CNY"]],
    )


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("bad_input")
    write_export(work / "raw")
    result = run_dbt(STAGING_ONLY, warehouse=work / "bad.duckdb", raw_dir=work / "raw")
    assert result.returncode == 0, result.output[-4000:]
    return result


def where(con, entity: str, key: str) -> list[str]:
    """Where a raw row went: 'staged' and/or its reject reasons."""
    table = {"members": "member_id", "spend": "spend_id"}[entity]
    places = [
        "staged"
        for _ in con.execute(
            f"select 1 from staging.stg_raw__{entity} where {table} = ?", [key]
        ).fetchall()
    ]
    places += [
        reason
        for (reason,) in con.execute(
            "select reason from marts.rejected_rows"
            " where entity = ? and coalesce(record_key, '') = ?"
            " order by reason",
            [entity, key],
        ).fetchall()
    ]
    return places


@pytest.mark.parametrize(
    ("entity", "key", "expected"),
    [
        ("members", "M1", ["staged"]),
        ("members", "M2", ["staged"]),
        ("members", "M3", ["staged"]),
        ("members", "M4", ["staged"]),
        ("members", "M5", ["duplicate_key_conflict", "duplicate_key_conflict"]),
        ("members", "", ["missing_required"]),
        ("members", "M7", ["unparseable_amount"]),
        ("members", "M8", ["unparseable_timestamp"]),
        ("spend", "S1", ["staged"]),
        ("spend", "S2", ["staged"]),
        ("spend", "S3", ["unparseable_date"]),
        ("spend", "S4", ["unparseable_amount"]),
        ("spend", "S5", ["unknown_currency"]),
        ("spend", "S6", ["missing_fx_rate"]),
        ("spend", "S7", ["unknown_category"]),
        ("spend", "S8", ["unknown_cost_center"]),
        ("spend", "S9", ["staged"]),
    ],
)
def test_each_row_lands_where_the_contract_says(
    bad_build, entity: str, key: str, expected: list[str]
) -> None:
    with bad_build.connect() as con:
        assert where(con, entity, key) == expected


def test_rows_balance_for_every_entity(bad_build) -> None:
    raw_rows = {
        "members": len(MEMBERS),
        "events": 1,
        "spend": len(SPEND),
        "loans": 1,
        "repayments": 1,
        # the optional exports, absent from this folder: no rows (CONTRACT §1)
        "orders": 0,
        "tickets": 0,
        "ad_stats": 0,
    }
    with bad_build.connect() as con:
        counts = {
            row[0]: row[1:]
            for row in con.execute(
                "select entity, raw_rows, staged_rows, rejected_rows, collapsed_rows"
                " from marts.staging_row_counts"
            ).fetchall()
        }
    assert set(counts) == set(raw_rows)
    for entity, (raw, staged, rejected, collapsed) in counts.items():
        assert raw == raw_rows[entity], entity
        assert raw == staged + rejected + collapsed, entity
    assert counts["members"] == (len(MEMBERS), 5, 5, 1)


def test_exact_duplicate_collapses_to_one_row(bad_build) -> None:
    with bad_build.connect() as con:
        assert con.execute(
            "select raw_copies from staging.base_raw__members_screened where member_id = 'M4'"
        ).fetchall() == [(2,)]


def test_offset_timestamp_near_midnight_changes_the_business_date(bad_build) -> None:
    with bad_build.connect() as con:
        rows = dict(
            con.execute(
                "select member_id, strftime(joined_at, '%Y-%m-%d %H:%M:%S') || ' ' || joined_date"
                " from staging.stg_raw__members where member_id in ('M2', 'M9')"
            ).fetchall()
        )
    assert rows == {"M2": "2024-02-01 00:30:00 2024-02-01", "M9": "2024-01-31 23:59:59 2024-01-31"}


def test_unmapped_channel_is_kept_as_unknown(bad_build) -> None:
    with bad_build.connect() as con:
        assert con.execute(
            "select channel, channel_name_zh, is_channel_unmapped from staging.stg_raw__members"
            " where member_id = 'M3'"
        ).fetchone() == ("unknown", "未知", True)


def test_usd_line_converts_at_its_month_and_later_months_carry_forward(bad_build) -> None:
    with bad_build.connect() as con:
        march = con.execute(
            "select rate_to_cny from staging.stg_reference__fx_rates"
            " where currency = 'USD' and month = date '2024-03-01'"
        ).fetchone()[0]
        last = con.execute(
            "select rate_to_cny from staging.stg_reference__fx_rates"
            " where currency = 'USD' order by month desc limit 1"
        ).fetchone()[0]
        rows = dict(
            con.execute(
                "select spend_id, [amount_cny, is_fx_carried_forward::int]"
                " from staging.stg_raw__spend"
                " where spend_id in ('S2', 'S9')"
            ).fetchall()
        )
    assert rows["S2"][0] == pytest.approx(1000 * march)
    assert rows["S2"][1] == 0
    assert rows["S9"][0] == pytest.approx(-10 * last)
    assert rows["S9"][1] == 1


def test_rejected_rows_keep_the_raw_text(bad_build) -> None:
    with bad_build.connect() as con:
        (record,) = con.execute(
            "select raw_record from marts.rejected_rows where record_key = 'M7'"
        ).fetchone()
    assert '"credit_score":"7o0"' in record.replace(" ", "")
    assert "notes" not in record


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    write_export(tmp_path / "raw")
    header = [h for h in MEMBER_HEADER if h.strip().lower() != "joined_at"]
    rows = [
        [v for h, v in zip(MEMBER_HEADER, row, strict=True) if h.strip().lower() != "joined_at"]
        for row in MEMBERS
    ]
    write_csv(tmp_path / "raw" / "members.csv", header, rows)
    result = run_dbt(STAGING_ONLY, warehouse=tmp_path / "w.duckdb", raw_dir=tmp_path / "raw")
    assert result.returncode != 0
    assert "members.csv" in result.output
    assert "required column joined_at missing" in result.output


def test_two_formats_of_one_export_fail_naming_both(tmp_path: Path) -> None:
    write_export(tmp_path / "raw")
    pq.write_table(pa.table({"event_id": ["E1"]}), tmp_path / "raw" / "events.parquet")
    result = run_dbt(STAGING_ONLY, warehouse=tmp_path / "w.duckdb", raw_dir=tmp_path / "raw")
    assert result.returncode != 0
    assert "events.csv" in result.output and "events.parquet" in result.output


def test_typed_parquet_reads_as_the_contract_text(tmp_path: Path) -> None:
    """Parquet with typed columns: numbers, dates, naive and zoned timestamps, nulls."""
    import datetime as dt

    write_export(tmp_path / "raw")
    (tmp_path / "raw" / "spend.csv").unlink()
    (tmp_path / "raw" / "members.csv").unlink()
    spend = pa.table(
        {
            "spend_id": ["P1", "P2"],
            "spend_date": pa.array([dt.date(2024, 3, 5), dt.date(2024, 3, 6)]),
            "cost_center": ["community", "community"],
            "category": ["推广费用", "人力成本"],
            "channel": [None, "微博"],
            "campaign_id": [None, None],
            "vendor": ["V1", None],
            "amount": pa.array([1234.5, 10000000000.0]),
            "currency": ["CNY", "CNY"],
            "invoice_no": [None, "X"],
        }
    )
    pq.write_table(spend, tmp_path / "raw" / "spend.parquet")
    members_dir = tmp_path / "raw" / "members"
    members_dir.mkdir()
    utc = dt.UTC
    for part, (member_id, joined) in enumerate(
        [
            ("Q1", dt.datetime(2024, 1, 31, 16, 30, tzinfo=utc)),
            ("Q2", dt.datetime(2024, 2, 1, 9, 0, tzinfo=utc)),
        ]
    ):
        pq.write_table(
            pa.table(
                {
                    "member_id": [member_id],
                    "joined_at": pa.array([joined], pa.timestamp("us", tz="UTC")),
                    "channel": ["微信群"],
                    "credit_score": pa.array([700], pa.int64()),
                }
            ),
            members_dir / f"part-{part}.parquet",
        )
    result = run_dbt(STAGING_ONLY, warehouse=tmp_path / "w.duckdb", raw_dir=tmp_path / "raw")
    assert result.returncode == 0, result.output[-4000:]
    with result.connect() as con:
        spend_rows = con.execute(
            "select spend_id, spend_date::varchar, amount, channel"
            " from staging.stg_raw__spend order by 1"
        ).fetchall()
        members = con.execute(
            "select member_id, joined_at::varchar, credit_score"
            " from staging.stg_raw__members order by 1"
        ).fetchall()
    assert spend_rows == [
        ("P1", "2024-03-05", 1234.5, None),
        ("P2", "2024-03-06", 10000000000.0, "weibo"),
    ]
    assert members == [("Q1", "2024-02-01 00:30:00", 700), ("Q2", "2024-02-01 17:00:00", 700)]
