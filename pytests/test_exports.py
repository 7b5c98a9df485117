"""commops.exports: the RAW_DIR pass before dbt (every problem at once, fast) and what DuckDB
reads afterwards. Small folders written here; no dbt."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import time
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commops import exports
from commops.contract import raw_exports

ROWS = [
    ["m1", "2024-01-02", "微信群", "张三"],
    ["m2", "2024-01-03 08:00:00", 'say "hi"', "a,b;c\td"],
    ["m3", "2024-01-04", "two\nlines", ""],
    ["m4", " 2024-01-05 ", "", "北京 朝阳"],
]
MEMBER_HEADER = ["member_id", "joined_at", "channel", "region"]


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


def write_valid(raw: Path, skip: tuple[str, ...] = ()) -> Path:
    """Every raw export as a one-row UTF-8 CSV of its required columns."""
    raw.mkdir(parents=True, exist_ok=True)
    for entity, spec in raw_exports().items():
        if entity not in skip:
            values = [f"{column}-1" for column in spec.required]
            (raw / f"{entity}.csv").write_bytes(csv_bytes([list(spec.required), values]))
    return raw


def record_rows(path: str) -> list[tuple]:
    """The well-formed records of a prepared export as DuckDB reads them, in file order."""
    with duckdb.connect() as con:
        described = con.execute("describe select * from read_parquet(?)", [path]).fetchall()
        names = [row[0] for row in described]
        assert names[-2:] == ["malformed_line", "malformed_text"]
        columns = ", ".join(f'"{name}"' for name in names[:-2])
        return con.execute(
            f"select {columns} from read_parquet(?) where malformed_line is null", [path]
        ).fetchall()


def only_problem(raw: Path) -> str:
    preflight = exports.check_folder(raw)
    assert len(preflight.problems) == 1, preflight.message()
    return preflight.problems[0]


# --- the acceptance case: every problem at once, under 2 s --------------------------------------


def test_every_problem_at_once_in_under_two_seconds(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("members", "repayments", "events"))
    (raw / "spend.csv").write_text(",".join(raw_exports()["spend"].required) + "\n")
    loans = [c for c in raw_exports()["loans"].required if c != "currency"]
    (raw / "loans.csv").write_bytes(csv_bytes([loans, ["x"] * len(loans)]))
    events = raw_exports()["events"].required
    block = csv_bytes([[f"e{i}", "m1", "2024-01-01 10:00:00", "login"] for i in range(20_000)])
    with open(raw / "events.csv", "wb") as handle:
        handle.write(csv_bytes([list(events)]))
        for _ in range(200 * (1 << 20) // len(block)):
            handle.write(block)
    assert (raw / "events.csv").stat().st_size > 190 * (1 << 20)

    started = time.perf_counter()
    preflight = exports.check_folder(raw)
    elapsed = time.perf_counter() - started

    assert elapsed < 1.5, f"check_folder took {elapsed:.2f} s"
    assert not preflight.ok and len(preflight.problems) == 4, preflight.message()
    missing_members, header_only, bad_loans, missing_repayments = preflight.problems
    assert "members" in missing_members and "members.csv" in missing_members
    assert "loans.csv" in bad_loans and "currency" in bad_loans
    assert "spend.csv" in header_only and "no rows" in header_only
    assert "repayments.csv" in missing_repayments
    assert list(preflight.exports) == ["events", "orders", "tickets", "ad_stats"]
    message = preflight.message()
    assert message.startswith(f"RAW_DIR {raw}: 4 problems with the exports:\n  - ")
    assert "Traceback" not in message


def test_a_good_folder_has_no_problems(tmp_path: Path, capsys) -> None:
    raw = write_valid(tmp_path / "raw")
    preflight = exports.check_folder(raw)
    assert preflight.ok, preflight.message()
    assert preflight.message() == f"RAW_DIR {raw}: 8 exports, no problems"
    assert exports.main([str(raw)]) == 0
    printed = capsys.readouterr().out
    assert "no problems" in printed and "events: events.csv, csv, utf-8, comma" in printed


def test_cli_exits_1_on_problems(tmp_path: Path, capsys) -> None:
    raw = write_valid(tmp_path / "raw", skip=("loans",))
    assert exports.main([str(raw)]) == 1
    assert "1 problem with the exports" in capsys.readouterr().out


def test_missing_raw_dir_is_one_problem(tmp_path: Path) -> None:
    problem = only_problem(tmp_path / "nowhere")
    assert "cannot be read" in problem


# --- files that cannot be read -----------------------------------------------------------------


def test_names_match_case_insensitively_and_extra_columns_are_ignored(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("members",))
    header = [" Member_ID ", "JOINED_AT\u3000", "channel", "whatever"]
    (raw / "Members.CSV").write_bytes(csv_bytes([header, ["1", "2", "3", "4"]]))
    preflight = exports.check_folder(raw)
    assert preflight.ok, preflight.message()
    assert preflight.exports["members"].source.name == "Members.CSV"


def test_empty_file(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw")
    (raw / "spend.csv").write_bytes(b"")
    assert only_problem(raw) == "spend.csv is an empty file (0 bytes)"


def test_export_in_two_forms(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw")
    (raw / "events.xlsx").write_bytes(b"anything")
    problem = only_problem(raw)
    assert "events.csv" in problem and "events.xlsx" in problem and "keep exactly one" in problem


@pytest.mark.parametrize(
    ("name", "content", "advice"),
    [
        ("loans.xls", b"\xd0\xcf\x11\xe0", "save it as CSV UTF-8 (comma delimited) or as an Excel"),
        ("loans.numbers", b"zip", "save it as CSV UTF-8 (comma delimited) or as an Excel"),
        ("loans.tsv", b"loan_id\tmember_id\n", "rename it to loans.csv"),
        ("loans.txt", b"loan_id;member_id\n", "rename it to loans.csv"),
    ],
)
def test_a_file_in_another_format_says_what_to_save_it_as(
    tmp_path: Path, name: str, content: bytes, advice: str
) -> None:
    raw = write_valid(tmp_path / "raw", skip=("loans",))
    (raw / name).write_bytes(content)
    problem = only_problem(raw)
    assert problem.startswith(f"{name} is not read") and advice in problem


def test_corrupt_xlsx(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("loans",))
    (raw / "loans.xlsx").write_text("not a zip")
    problem = only_problem(raw)
    assert problem.startswith("loans.xlsx cannot be opened as an Excel workbook")


def test_bad_parquet_footer(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("repayments",))
    table = pa.table({c: ["x"] for c in raw_exports()["repayments"].required})
    pq.write_table(table, raw / "repayments.parquet")
    data = (raw / "repayments.parquet").read_bytes()
    (raw / "repayments.parquet").write_bytes(data[:-12] + b"garbage!PAR1")
    problem = only_problem(raw)
    assert problem.startswith("repayments.parquet is not a readable Parquet file")


def test_a_folder_named_like_a_file(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("events",))
    (raw / "events.csv").mkdir()
    assert "events.csv is a folder" in only_problem(raw)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = write_valid(tmp_path / "raw")
    denied = raw / "events.csv"
    if os.geteuid() == 0:  # root reads every file: deny it the way the OS would
        real_open = open

        def fake_open(path, *args, **kwargs):
            if Path(path) == denied:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(exports, "open", fake_open, raising=False)
    else:
        denied.chmod(0)
    assert only_problem(raw) == "events.csv cannot be read: permission denied"


def test_a_folder_of_parts_takes_the_union_of_their_columns(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("events",))
    required = raw_exports()["events"].required
    (raw / "events" / "day=1").mkdir(parents=True)
    pq.write_table(pa.table({c: ["a"] for c in required[:2]}), raw / "events" / "p0.parquet")
    pq.write_table(pa.table({c: ["b"] for c in required}), raw / "events" / "day=1" / "p1.parquet")
    preflight = exports.check_folder(raw)
    assert preflight.ok, preflight.message()
    readable = exports.prepare(preflight, tmp_path / "cache")["events"]
    assert readable.kind == "folder" and readable.path.endswith("events/**/*.parquet")
    (raw / "events" / "p2.parquet").write_bytes(b"PAR1 not really")
    assert only_problem(raw).startswith("events/p2.parquet is not a readable Parquet file")


def test_invalid_in_both_encodings_names_the_line(tmp_path: Path) -> None:
    bad = b"\x80\xff"
    for encoding in ("utf-8", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            bad.decode(encoding)
    raw = write_valid(tmp_path / "raw", skip=("members",))
    data = b"member_id,joined_at,channel\n1,2024-01-01,wx\n\n2,2024-01-02," + bad + b"\n"
    (raw / "members.csv").write_bytes(data)
    problem = only_problem(raw)
    assert problem.startswith("members.csv: line 4 is neither UTF-8 nor GB18030")


def test_a_bad_line_past_the_first_mib_is_found_and_named(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("members",))
    line = b"12345,2024-01-01,wx\n"
    count = 3 * (1 << 20) // len(line)
    data = b"member_id,joined_at,channel\n" + line * count + b"9,2024-01-01,\x80\xff\n"
    (raw / "members.csv").write_bytes(data)
    assert f"line {count + 2} is neither" in only_problem(raw)


# --- encodings, delimiters and what DuckDB reads -----------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [
        ("utf-8", ",", b""),
        ("utf-8", ",", b"\xef\xbb\xbf"),
        ("utf-8", ";", b""),
        ("utf-8", "\t", b""),
        ("gb18030", ",", b""),
        ("gb18030", ";", b""),
        ("gb18030", "\t", b""),
    ],
)
def test_prepared_csv_reads_as_the_utf8_comma_original(
    tmp_path: Path, encoding: str, delimiter: str, bom: bytes
) -> None:
    """Every encoding and delimiter reads into the same Parquet records (the contract's columns
    of the header, in contract order), delimiters, quotes and line breaks inside values kept."""
    raw = write_valid(tmp_path / "raw", skip=("members",))
    (raw / "members.csv").write_bytes(bom + csv_bytes([MEMBER_HEADER, *ROWS], delimiter, encoding))

    preflight = exports.check_folder(raw)
    assert preflight.ok, preflight.message()
    export = preflight.exports["members"]
    assert (export.kind, export.encoding, export.delimiter) == ("csv", encoding, delimiter)
    readable = exports.prepare(preflight, tmp_path / "cache")["members"]

    assert readable.kind == "records"
    assert Path(readable.path).parent == tmp_path / "cache"
    assert record_rows(readable.path) == [tuple(row) for row in ROWS]


def test_an_ascii_head_with_gb18030_further_on_is_gb18030(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("members",))
    filler = b"1,2024-01-01,wx\n" * (2 * (1 << 20) // 16)
    (raw / "members.csv").write_bytes(
        b"member_id,joined_at,channel\n" + filler + "2,2024-01-02,微信\n".encode("gb18030")
    )
    preflight = exports.check_folder(raw)
    assert preflight.exports["members"].encoding == "gb18030", preflight.message()


def test_a_decode_error_while_transcoding_names_the_line(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("members",))
    line = "1,2024-01-01,微信\n".encode("gb18030")
    count = 3 * (1 << 20) // len(line)
    half = count // 2  # between the windows check_folder samples
    data = b"member_id,joined_at,channel\n" + line * half + b"\x80\xff\n" + line * half
    (raw / "members.csv").write_bytes(data)
    preflight = exports.check_folder(raw)
    assert preflight.ok, preflight.message()
    with pytest.raises(exports.ExportError, match=f"members.csv: line {half + 2} is neither"):
        exports.prepare(preflight, tmp_path / "cache")


# --- xlsx ----------------------------------------------------------------------------------------


def test_xlsx_cells_as_text(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("members",))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    header = [
        "member_id",
        "joined_at",
        "channel",
        "credit_score",
        "annual_revenue_cny",
        "requested_amount_cny",
        "campaign_id",
        "referrer_member_id",
        "region",
    ]
    sheet.append(header)
    sheet.append([42, dt.date(2024, 3, 5), "wx", 3.0, 0.1, 1234.5, 1e20, 1e-7, '中文, "引号"'])
    sheet.append([None, None, None, None, None, None, None, None, None])
    sheet.append([7, dt.datetime(2024, 3, 5, 13, 4, 5), None, -2, 2.5, None, None, None, "多\n行"])
    sheet.append([8, dt.datetime(2024, 3, 5, 13, 4, 5, 120000), "", None, None, None, None, None])
    workbook.save(raw / "members.xlsx")

    preflight = exports.check_folder(raw)
    assert preflight.ok, preflight.message()
    assert preflight.exports["members"].kind == "xlsx"
    readable = exports.prepare(preflight, tmp_path / "cache")["members"]
    assert readable.kind == "records"

    expected = [
        ["42", "2024-03-05", "wx", "3", "0.1", "1234.5", "100000000000000000000", "0.0000001",
         '中文, "引号"'],
        ["7", "2024-03-05 13:04:05", "", "-2", "2.5", "", "", "", "多\n行"],
        ["8", "2024-03-05 13:04:05.120000", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    # The Parquet holds the contract's columns in contract order: member_id, joined_at,
    # community_id, channel, campaign_id, referrer_member_id, annual_revenue_cny, credit_score,
    # requested_amount_cny, region.
    order = [header.index(name) for name in raw_exports()["members"].columns if name in header]
    assert record_rows(readable.path) == [tuple(row[i] for i in order) for row in expected]


def test_an_xlsx_row_wider_than_its_header_is_malformed(tmp_path: Path) -> None:
    """A cell beyond the header's last named column makes the row malformed (CONTRACT §3),
    kept as its sheet row number and its cells as a comma-separated line; empty rows are no
    rows but keep their numbers."""
    raw = write_valid(tmp_path / "raw", skip=("members",))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["member_id", "joined_at", "channel"])
    sheet.append(["m1", "2024-01-01", "wx"])
    sheet.append([None, None, None])
    sheet.append(["m2", "2024-01-02", "wx", None, "stray, cell"])
    workbook.save(raw / "members.xlsx")
    readable = exports.prepare(exports.check_folder(raw), tmp_path / "cache")["members"]
    assert record_rows(readable.path) == [("m1", "2024-01-01", "wx")]
    with duckdb.connect() as con:
        found = con.execute(
            "select malformed_line, malformed_text, member_id from read_parquet(?)"
            " where malformed_line is not null",
            [readable.path],
        ).fetchall()
    assert found == [(4, 'm2,2024-01-02,wx,,"stray, cell"', None)]


def test_header_only_xlsx(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("members",))
    workbook = openpyxl.Workbook()
    workbook.active.append(list(raw_exports()["members"].required))
    workbook.save(raw / "members.xlsx")
    assert only_problem(raw) == "members.xlsx: has a header but no rows"


# --- the cache -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["gb18030", "xlsx"])
def test_cache_is_reused_until_the_source_changes(tmp_path: Path, kind: str) -> None:
    raw = write_valid(tmp_path / "raw", skip=("members",))

    def write_source(channel: str) -> None:
        if kind == "xlsx":
            workbook = openpyxl.Workbook()
            workbook.active.append(["member_id", "joined_at", "channel"])
            workbook.active.append(["1", "2024-01-01", channel])
            workbook.save(raw / "members.xlsx")
        else:
            rows = [["member_id", "joined_at", "channel"], ["1", "2024-01-01", channel]]
            (raw / "members.csv").write_bytes(csv_bytes(rows, encoding="gb18030"))

    write_source("微信")
    cached = Path(exports.prepare(exports.check_folder(raw), tmp_path / "cache")["members"].path)
    first = cached.stat().st_mtime_ns
    time.sleep(0.01)
    exports.prepare(exports.check_folder(raw), tmp_path / "cache")
    assert cached.stat().st_mtime_ns == first

    write_source("抖音")
    exports.prepare(exports.check_folder(raw), tmp_path / "cache")
    assert cached.stat().st_mtime_ns != first
    assert record_rows(str(cached)) == [("1", "2024-01-01", "抖音")]


def test_prepare_refuses_a_folder_with_problems(tmp_path: Path) -> None:
    raw = write_valid(tmp_path / "raw", skip=("spend",))
    with pytest.raises(exports.ExportError, match="1 problem with the exports"):
        exports.prepare(exports.check_folder(raw), tmp_path / "cache")
