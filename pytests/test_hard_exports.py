"""Hard exports (issue 17, item 4; CONTRACT rev 2 §2 and §3): small RAW_DIR exports written here
byte by byte, with padded ids, broken CSV records, CRs, quoted line breaks, empty lines, years
out of range, amounts beyond DECIMAL(24,9) and typed Parquet NaN and infinities, built with
dbt; each lands where the contract says (staged values, rejected_rows reason / record_key /
raw_record, staging_row_counts, dq_checks), and no cell ever stops the build. A quote never
closed stops it, before any model, with one line naming the file and the line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commops import build, contract
from pytests.dbtrun import DbtResult, run_dbt
from pytests.test_incremental import differences

# Staging, the row accounting and dq_checks (with the flags it counts); unit tests run elsewhere.
SELECTION = [
    "build",
    "--select",
    "+dq_checks",
    "+rejected_rows",
    "+staging_row_counts",
    "--exclude",
    "raw_*",
    "--indirect-selection",
    "cautious",
    "--exclude-resource-type",
    "unit_test",
]
#: Every character CONTRACT §2 trims that is not ASCII, one per padded id below.
PADDING = {"E3": "\u00a0", "E4": "\u3000", "E5": "\u200b", "E6": "\ufeff"}


class CsvFile:
    """A CSV export written line by line, knowing the line each record starts on."""

    def __init__(self, entity: str) -> None:
        self.columns = list(contract.raw_exports()[entity].columns)
        self.text = ",".join(self.columns) + "\n"
        self.lines = 1
        self.starts: dict[str, int] = {}

    def row(self, key: str, ending: str = "\n", **values: str) -> None:
        """A well-formed record; a value holding a comma, quote or line break is quoted."""
        cells = []
        for column in self.columns:
            value = values.get(column, "")
            if any(c in value for c in ',"\n'):
                value = '"' + value.replace('"', '""') + '"'
            cells.append(value)
        self.raw(key, ",".join(cells) + ending)

    def raw(self, key: str, text: str) -> None:
        """A record exactly as given (its line break included)."""
        self.starts[key] = self.lines + 1
        self.text += text
        self.lines += text.count("\n")

    def empty_line(self) -> None:
        self.text += "\n"
        self.lines += 1

    def write(self, path: Path) -> None:
        path.write_bytes(self.text.encode("utf-8"))


def members_csv() -> CsvFile:
    members = CsvFile("members")
    common = {"channel": "微信群", "member_type": "sme", "tier": "basic"}
    members.row("M1", member_id="M1", joined_at="2024-01-10 10:00:00", **common)
    members.row("M2", member_id="\tM2 ", joined_at="2024-01-11 10:00:00", **common)
    members.row("M3", member_id="M3", joined_at="0001-01-01 10:00:00", **common)
    members.row(
        "M4", member_id="M4", joined_at="2024-01-12 10:00:00", left_at="2101-01-01 10:00:00",
        **common,
    )  # fmt: skip
    members.row(
        "M5", member_id="M5", joined_at="2024-01-12 10:00:00", credit_score="1234567890123456",
        **common,
    )  # fmt: skip
    members.row(
        "M6", member_id="M6", joined_at="2024-01-12 10:00:00", annual_revenue_cny="1.1234567891",
        **common,
    )  # fmt: skip
    members.row(
        "M7",
        member_id="M7",
        joined_at="2024-01-12 10:00:00",
        annual_revenue_cny="12.5000000000000",
        credit_score="700.000000000000",
        **common,
    )
    members.raw("short", "M8,2024-01-12 10:00:00\n")
    members.raw("short again", "M8,2024-01-12 10:00:00\n")  # the same text: two rejects
    long_record = members.text.splitlines()[1] + ",an extra field\n"
    members.raw("long", long_record)
    return members


def events_csv() -> CsvFile:
    events = CsvFile("events")
    events.row("E1", event_id="E1", member_id="M1", occurred_at="2024-02-01 10:00:00",
               event_type="post")  # fmt: skip
    events.row("E2", event_id="E2", member_id="\tM1", occurred_at="2024-02-02 10:00:00",
               event_type="comment")  # fmt: skip
    for key, pad in PADDING.items():
        events.row(key, event_id=key, member_id=f"{pad}M1{pad}",
                   occurred_at="2024-02-03 10:00:00", event_type="like")  # fmt: skip
    events.row("E7", event_id="E7", member_id="M2", occurred_at="2024-02-04 10:00:00",
               event_type="view")  # fmt: skip
    events.row("E8", event_id="E8", member_id="M1", occurred_at="2101-01-01 10:00:00",
               event_type="post")  # fmt: skip
    events.row("E9", event_id="E9", member_id="M1", occurred_at="0001-01-01 10:00:00",
               event_type="post")  # fmt: skip
    events.empty_line()
    events.raw("short", "E10,M1\n")
    events.row("E11", event_id="E11", member_id="M1", occurred_at="2024-02-05 10:00:00",
               event_type="share")  # fmt: skip
    return events


def spend_csv() -> CsvFile:
    spend = CsvFile("spend")
    line = {"spend_date": "2024-03-05", "cost_center": "community", "category": "推广费用",
            "vendor": "V", "amount": "500", "currency": "CNY"}  # fmt: skip

    def row(key: str, ending: str = "\n", **changes: str) -> None:
        spend.row(key, ending, **{**line, "spend_id": key, **changes})

    row("S1", currency="CNY\r", invoice_no="INV1")  # a bare CR inside the line: part of the value
    row("S2", vendor="Line one\nline two, more")  # a quoted line break and comma
    spend.raw("S3", "S3,2024-03-05,community\n")  # after a record of two lines
    row("S4", spend_date="2101-01-01")
    row("S5", spend_date="0001-01-01")
    row("S6", amount="1234567890123456")
    row("S7", amount="0.1234567891")
    row("S8", amount="12.5000000000")  # a trailing zero past the ninth decimal: valid
    row("S9", amount="1,234.500000000000")
    spend.raw("S10", 'S10,2024-03-05,community,推广费用,,,"V10"x,500,CNY,\n')
    row("S11", ending="\r\n", vendor="V\r11")
    return spend


def repayments_csv() -> CsvFile:
    repayments = CsvFile("repayments")
    common = {"loan_id": "L1", "principal": "100", "currency": "CNY"}
    repayments.row("R1", repayment_id="R1", due_date="2024-03-01", **common)
    repayments.row("R2", repayment_id="R2", due_date="2101-01-01", **common)
    return repayments


def loans_parquet(path: Path) -> None:
    """Typed columns: a double amount that is NaN, infinite or 1e30, a float term, a timestamp
    in year 1."""
    pq.write_table(
        pa.table(
            {
                "loan_id": ["L1", "L2", "L3", "L4", "L5", "L6"],
                "member_id": ["M1"] * 6,
                "applied_at": pa.array(
                    [dt.datetime(2024, 2, 1, 10)] * 5 + [dt.datetime(1, 1, 1, 10)],
                    pa.timestamp("us"),
                ),
                "requested_amount": pa.array(
                    [1234.5, float("nan"), float("inf"), float("-inf"), 1e30, 10.0],
                    pa.float64(),
                ),
                "currency": ["CNY"] * 6,
                "term_months": pa.array([12.0] * 6, pa.float32()),
            }
        ),
        path,
    )


def write_export(raw: Path) -> dict[str, CsvFile]:
    raw.mkdir(parents=True, exist_ok=True)
    files = {
        "members": members_csv(),
        "events": events_csv(),
        "spend": spend_csv(),
        "repayments": repayments_csv(),
    }
    for entity, csv_file in files.items():
        csv_file.write(raw / f"{entity}.csv")
    loans_parquet(raw / "loans.parquet")
    return files


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtResult, dict[str, CsvFile]]:
    work = tmp_path_factory.mktemp("hard_exports")
    files = write_export(work / "raw")
    result = run_dbt(SELECTION, warehouse=work / "hard.duckdb", raw_dir=work / "raw")
    assert result.returncode == 0, result.output[-6000:]  # no cell stops the build
    return result, files


def rejected(con: duckdb.DuckDBPyConnection, entity: str) -> list[tuple]:
    return con.execute(
        "select record_key, reason, raw_record from marts.rejected_rows where entity = ?"
        " order by reason, record_key, raw_record",
        [entity],
    ).fetchall()


def malformed(con: duckdb.DuckDBPyConnection, entity: str) -> list[tuple[int, str]]:
    found = [
        json.loads(record)
        for key, reason, record in rejected(con, entity)
        if reason == "malformed_row" and key is None
    ]
    return sorted((item["line"], item["text"]) for item in found)


def reasons(con: duckdb.DuckDBPyConnection, entity: str) -> dict[str | None, str]:
    return {key: reason for key, reason, _ in rejected(con, entity) if reason != "malformed_row"}


# --------------------------------------------------------------------------- trimming


def test_padded_ids_match_their_member(hard) -> None:
    result, _ = hard
    with result.connect() as con:
        staged = dict(
            con.execute("select event_id, member_id from staging.stg_raw__events").fetchall()
        )
        members = con.execute("select member_id from staging.stg_raw__members").fetchall()
        flagged = con.execute(
            "select event_id from intermediate.int_event_flags where reason = 'unknown_member'"
        ).fetchall()
        (unknown,) = con.execute(
            "select failing_rows from marts.dq_checks"
            " where entity = 'events' and check_name = 'unknown_member'"
        ).fetchone()
    assert {key: staged[key] for key in ["E2", *PADDING, "E7"]} == {
        "E2": "M1", "E3": "M1", "E4": "M1", "E5": "M1", "E6": "M1", "E7": "M2",
    }  # fmt: skip
    assert sorted(members) == [("M1",), ("M2",), ("M7",)]
    assert flagged == [] and unknown == 0


# --------------------------------------------------------------------------- CSV records


def test_short_and_long_records_are_malformed_rows_with_line_and_text(hard) -> None:
    result, files = hard
    members = files["members"]
    with result.connect() as con:
        found = malformed(con, "members")
    assert found == sorted(
        [
            (members.starts["short"], "M8,2024-01-12 10:00:00"),
            (members.starts["short again"], "M8,2024-01-12 10:00:00"),
            (members.starts["long"], members.text.splitlines()[1] + ",an extra field"),
        ]
    )
    assert [line for line, _ in found] == [9, 10, 11]


def test_a_quoted_line_break_is_valid_and_later_lines_keep_their_numbers(hard) -> None:
    result, files = hard
    with result.connect() as con:
        (vendor,) = con.execute(
            "select vendor from staging.stg_raw__spend where spend_id = 'S2'"
        ).fetchone()
        found = malformed(con, "spend")
    assert vendor == "Line one\nline two, more"
    # S2 spans lines 3 and 4, so S3 starts on line 5
    assert files["spend"].starts["S3"] == 5
    assert found == [(5, "S3,2024-03-05,community"), (files["spend"].starts["S10"], found[1][1])]
    assert found[1][1] == 'S10,2024-03-05,community,推广费用,,,"V10"x,500,CNY,'


def test_an_empty_line_is_no_record_but_counts_as_a_line(hard) -> None:
    result, files = hard
    events = files["events"]
    with result.connect() as con:
        assert malformed(con, "events") == [(events.starts["short"], "E10,M1")]
        (raw_rows,) = con.execute(
            "select raw_rows from marts.staging_row_counts where entity = 'events'"
        ).fetchone()
    assert events.starts["short"] == 12  # line 11 is the empty one
    assert raw_rows == 11  # E1-E9, E10 (malformed), E11: the empty line is no row


def test_a_bare_cr_is_part_of_the_value(hard) -> None:
    result, _ = hard
    with result.connect() as con:
        rows = dict(
            con.execute(
                "select spend_id, [currency, vendor] from staging.stg_raw__spend"
                " where spend_id in ('S1', 'S11')"
            ).fetchall()
        )
        (record,) = con.execute(
            "select raw_record from staging.base_raw__spend_screened where spend_id = 'S1'"
        ).fetchone()
    assert rows == {"S1": ["CNY", "V"], "S11": ["CNY", "V\r11"]}
    assert record is None  # staged: `CNY\r` is CNY once trimmed


# --------------------------------------------------------------------------- ranges


def test_years_outside_1900_to_2100_are_unparseable(hard) -> None:
    result, _ = hard
    with result.connect() as con:
        members, events, spend = (reasons(con, e) for e in ("members", "events", "spend"))
        repayments, loans = reasons(con, "repayments"), reasons(con, "loans")
    assert members["M3"] == members["M4"] == "unparseable_timestamp"
    assert events == {"E8": "unparseable_timestamp", "E9": "unparseable_timestamp"}
    assert spend["S4"] == spend["S5"] == "unparseable_date"
    assert repayments == {"R2": "unparseable_date"}
    assert loans["L6"] == "unparseable_timestamp"  # a typed timestamp in year 1


def test_amount_digits(hard) -> None:
    result, _ = hard
    with result.connect() as con:
        members, spend = reasons(con, "members"), reasons(con, "spend")
        amounts = dict(
            con.execute(
                "select spend_id, amount from staging.stg_raw__spend where spend_id in ('S8', 'S9')"
            ).fetchall()
        )
        m7 = con.execute(
            "select annual_revenue_cny, credit_score from staging.stg_raw__members"
            " where member_id = 'M7'"
        ).fetchone()
    assert members["M5"] == members["M6"] == "unparseable_amount"  # 16 digits; 10 decimals
    assert spend["S6"] == spend["S7"] == "unparseable_amount"
    assert amounts == {"S8": 12.5, "S9": 1234.5}
    assert m7 == (12.5, 700)


def test_typed_parquet_nan_infinities_and_1e30_are_unparseable_amounts(hard) -> None:
    result, _ = hard
    with result.connect() as con:
        loans = {
            key: (reason, json.loads(record)["requested_amount"])
            for key, reason, record in rejected(con, "loans")
        }
        staged = con.execute(
            "select loan_id, requested_amount, term_months from staging.stg_raw__loans"
        ).fetchall()
    assert loans == {
        "L2": ("unparseable_amount", "NaN"),
        "L3": ("unparseable_amount", "Infinity"),
        "L4": ("unparseable_amount", "-Infinity"),
        "L5": ("unparseable_amount", "1" + "0" * 30),
        "L6": ("unparseable_timestamp", "10"),
    }
    assert staged == [("L1", 1234.5, 12)]


# --------------------------------------------------------------------------- accounting


def test_counts_balance_and_dq_checks_count_malformed_rows(hard) -> None:
    result, _ = hard
    with result.connect() as con:
        counts = {
            row[0]: row[1:]
            for row in con.execute(
                "select entity, raw_rows, staged_rows, rejected_rows, collapsed_rows"
                " from marts.staging_row_counts"
            ).fetchall()
        }
        checks = dict(
            con.execute(
                "select entity || ' ' || check_name, failing_rows from marts.dq_checks"
                " where check_name in ('malformed_row', 'row_balance')"
            ).fetchall()
        )
        keys = con.execute(
            "select count(*) from marts.rejected_rows"
            " where reason = 'malformed_row' and record_key is not null"
        ).fetchone()[0]
    assert counts == {
        "members": (10, 3, 7, 0),
        "events": (11, 8, 3, 0),
        "spend": (11, 5, 6, 0),
        "loans": (6, 1, 5, 0),
        "repayments": (2, 1, 1, 0),
        # the optional exports, absent from this folder: no rows (CONTRACT §1)
        "orders": (0, 0, 0, 0),
        "tickets": (0, 0, 0, 0),
        "ad_stats": (0, 0, 0, 0),
    }
    assert {k: v for k, v in checks.items() if k.endswith("malformed_row")} == {
        "members malformed_row": 3,
        "events malformed_row": 1,
        "spend malformed_row": 2,
        "loans malformed_row": 0,
        "repayments malformed_row": 0,
        "orders malformed_row": 0,
        "tickets malformed_row": 0,
        "ad_stats malformed_row": 0,
    }
    assert {k: v for k, v in checks.items() if k.endswith("row_balance")} == dict.fromkeys(
        [f"{e} row_balance" for e in contract.entities()], 0
    )
    assert keys == 0


# --------------------------------------------------------------------------- unreadable files


UNCLOSED = 'E1,M1,2024-02-01 10:00:00,post,,\n\nE2,M1,"2024-02-01 10:00:00,post,,\nE3,M1\n'


def test_a_quote_never_closed_stops_the_build_naming_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    write_export(raw)
    header = ",".join(contract.raw_exports()["events"].columns)
    (raw / "events.csv").write_text(header + "\n" + UNCLOSED, encoding="utf-8")
    result = run_dbt(SELECTION, warehouse=tmp_path / "w.duckdb", raw_dir=raw)
    assert result.returncode != 0
    problem = "events.csv: the quoted field opened on line 4 is never closed"
    lines = [line for line in result.output.splitlines() if problem in line]
    assert len(lines) == 1, result.output[-4000:]
    assert "nothing was built" in result.output
    assert "Traceback" not in result.output
    # commops.build names it too, before dbt starts (preparing beside its own working file)
    monkeypatch.setenv("COMMOPS_DUCKDB_PATH", str(tmp_path / "build" / "w.duckdb"))
    problems = build.check_raw_inputs("folder", str(raw))
    assert [p for p in problems if problem in p] == [lines[0].strip().removeprefix("- ")]


# --------------------------------------------------------------------------- incremental


def test_incremental_runs_with_malformed_events_equal_a_full_refresh(tmp_path: Path) -> None:
    """A malformed event record has no date: every run reads it again, and a new one neither
    sends the run back to every raw row nor changes what a full refresh gives."""
    raw = tmp_path / "raw"
    files = write_export(raw)
    incremental = tmp_path / "incremental" / "w.duckdb"
    first = run_dbt(SELECTION, warehouse=incremental, raw_dir=raw)
    assert first.returncode == 0, first.output[-4000:]
    events = files["events"]
    events.row("E12", event_id="E12", member_id="M1", occurred_at="2024-02-06 10:00:00",
               event_type="post")  # fmt: skip
    events.raw("again", "E13,M2,2024-02-06 11:00:00\n")
    events.write(raw / "events.csv")
    second = run_dbt(SELECTION, warehouse=incremental, raw_dir=raw)
    assert second.returncode == 0, second.output[-4000:]
    assert "incremental model staging.base_raw__events_screened" in second.output
    assert "re-reading every raw event row" not in second.output
    full = tmp_path / "full" / "w.duckdb"
    shutil.rmtree(full.parent, ignore_errors=True)
    rebuilt = run_dbt(SELECTION, warehouse=full, raw_dir=raw)
    assert rebuilt.returncode == 0, rebuilt.output[-4000:]
    models = [
        ("staging", "base_raw__events_screened", ("event_id", "raw_hash")),
        ("marts", "rejected_rows", None),
        ("marts", "staging_row_counts", ("entity",)),
        ("marts", "dq_checks", ("check_name", "entity")),
    ]
    assert differences(incremental, full, models) == {}
    with duckdb.connect(str(incremental), read_only=True) as con:
        assert malformed(con, "events") == [
            (events.starts["short"], "E10,M1"),
            (events.starts["again"], "E13,M2,2024-02-06 11:00:00"),
        ]
