"""commops.records: CSV records exactly as CONTRACT §2 reads them. The converter (numpy, Arrow,
a regular expression and a byte parser, chunk by chunk) is compared with a literal reading of
the contract's rules, character by character, on hand-picked and on random files, with chunks
as small as a few bytes so that every record, quote and CRLF also falls across a boundary."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from commops import records

COLUMNS = ("a", "b", "c")


class OpenQuote(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def literal_reading(text: str, delimiter: str) -> tuple[list[list[str]], list[tuple[int, str]]]:
    """CONTRACT §2 and §3, as written: (well-formed records as lists of fields, malformed
    records as (line, text)); raises OpenQuote(line) for a quote never closed."""
    text = text.removeprefix("\ufeff")
    n, i, line = len(text), 0, 1
    found: list[tuple[int, list[str], bool, str]] = []
    while i < n:
        if text[i] == "\n" or text.startswith("\r\n", i):  # an empty line: no record
            i += 1 if text[i] == "\n" else 2
            line += 1
            continue
        start, start_line = i, line
        fields: list[str] = []
        malformed = False
        while True:
            quoted = i < n and text[i] == '"'
            if quoted:
                opened, i, value = line, i + 1, []
                while True:
                    if i >= n:
                        raise OpenQuote(opened)
                    if text[i] == '"':
                        if text.startswith('""', i):
                            value.append('"')
                            i += 2
                            continue
                        i += 1
                        break
                    line += text[i] == "\n"
                    value.append(text[i])
                    i += 1
                fields.append("".join(value))
                ends = i >= n or text[i] in (delimiter, "\n") or text.startswith("\r\n", i)
                if not ends:  # characters between the closing quote and the delimiter
                    malformed, quoted = True, False
                    while i < n and text[i] not in (delimiter, "\n"):
                        i += 1
            else:
                value = []
                while i < n and text[i] not in (delimiter, "\n"):
                    value.append(text[i])
                    i += 1
                fields.append("".join(value))
            if i >= n:
                end = n
                break
            if text[i] == delimiter:
                i += 1
                continue
            end = i
            if quoted and text.startswith("\r\n", i):
                i += 1
            elif text[i - 1] == "\r":  # the CR of a CRLF ends the record
                end = i - 1
                if not malformed:
                    fields[-1] = fields[-1][:-1]
            i += 1
            line += 1
            break
        found.append((start_line, fields, malformed, text[start:end]))
    header = [name.strip().lower() for name in found[0][1]]
    width = len(header)
    picks = [header.index(c) for c in COLUMNS if c in header]
    good, bad = [], []
    for start_line, fields, is_malformed, raw in found[1:]:
        if is_malformed or len(fields) != width:
            bad.append((start_line, raw))
        else:
            good.append([fields[p] for p in picks])
    return good, bad


def converted(tmp_path: Path, text: str, delimiter: str, chunk: int = 1 << 20) -> object:
    """What the converter writes: (records, malformed) as literal_reading gives them, or
    ('open', line)."""
    source, target = tmp_path / "in.csv", tmp_path / "out.parquet"
    source.write_bytes(text.encode("utf-8"))
    records.CHUNK_BYTES = chunk
    try:
        records.convert_csv(
            source,
            target,
            encoding="utf-8",
            delimiter=delimiter,
            columns=COLUMNS,
            name_key=lambda name: name.strip().lower(),
        )
    except records.UnreadableRecords as error:
        assert error.kind == "quote"
        return ("open", error.line)
    finally:
        records.CHUNK_BYTES = 32 << 20
    rows = pq.read_table(target).to_pylist()
    names = [c for c in COLUMNS if rows and c in rows[0]] or []
    good = [[row[c] for c in names] for row in rows if row["malformed_line"] is None]
    bad = [(row["malformed_line"], row["malformed_text"]) for row in rows if row["malformed_line"]]
    return sorted(good), sorted(bad)  # a Parquet file's rows have no order to compare


def expected(text: str, delimiter: str) -> object:
    try:
        good, bad = literal_reading(text, delimiter)
    except OpenQuote as error:
        return ("open", error.line)
    return sorted(good), sorted(bad)


CASES = {
    "plain and CRLF": "a,b,c\r\n1,2,3\r\n4,5,6\n",
    "short, long, empty lines": "a,b,c\n1,2\n\n\r\n1,2,3,4\n7,8,9\n",
    "quoted delimiter, newline, quote": 'a,b,c\n"x,y","two\nlines","say ""hi"""\n1,2,3\n',
    "quoted CRLF kept, later lines counted": 'a,b,c\n1,"x\r\ny",3\n1,2\n',
    "bare CR is data": "a,b,c\n1,CNY\r,3\nx\ry,2,3\r\n",
    "quote inside an unquoted field": 'a,b,c\nab"c,d",e\n',
    "characters after a closing quote": 'a,b,c\n"x"y,2,3\n1,2,3\n',
    "empty quoted field then garbage": 'a,b,c\n""x,2,3\n"",2,3\n',
    "no final line break": "a,b,c\n1,2,3",
    "final CR without LF": "a,b,c\n1,2,3\r",
    "BOM and quoted header": '\ufeff"a",B ,c\n1,2,3\n',
    "header in another order": "c,x,a\n1,2,3\n",
    "unterminated quote": 'a,b,c\n1,2,3\n1,"open,3\n4,5,6\n',
    "unterminated quote on the last line": 'a,b,c\n1,2,"3',
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("chunk", [3, 16, 1 << 20])
def test_hand_picked_files(tmp_path: Path, name: str, chunk: int) -> None:
    text = CASES[name]
    assert converted(tmp_path, text, ",", chunk) == expected(text, ",")


def test_what_the_hand_picked_files_hold(tmp_path: Path) -> None:
    """The literal reading itself, on a few cases, as CONTRACT §2 words them."""
    good, bad = literal_reading(CASES["short, long, empty lines"], ",")
    assert good == [["7", "8", "9"]] and bad == [(2, "1,2"), (5, "1,2,3,4")]
    good, bad = literal_reading(CASES["quoted CRLF kept, later lines counted"], ",")
    assert good == [["1", "x\r\ny", "3"]] and bad == [(4, "1,2")]
    good, bad = literal_reading(CASES["bare CR is data"], ",")
    assert good == [["1", "CNY\r", "3"], ["x\ry", "2", "3"]] and bad == []
    assert literal_reading(CASES["characters after a closing quote"], ",")[1] == [(2, '"x"y,2,3')]
    assert expected(CASES["unterminated quote"], ",") == ("open", 3)


def _random_text(rng: random.Random, delimiter: str) -> str:
    """A header and records: well-formed ones (fields quoted as a writer would) with a few
    characters changed, or any mix of the characters that matter."""
    header = rng.choice(["a,b,c", '"a",b,c', "c,a", "a,b,c,d", "\ufeffa,b,c"])
    header = header.replace(",", delimiter)
    if rng.random() < 0.5:
        alphabet = ["x", "é", " ", delimiter, '"', "\n", "\r\n", "\r"]
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
    else:
        rows = []
        for _ in range(rng.randint(0, 10)):
            fields = []
            for _ in range(rng.choice([3, 3, 3, 2, 4])):
                chars = ["x", "é", " ", delimiter, '"', "\n", "\r\n", "\r"]
                value = "".join(rng.choice(chars) for _ in range(rng.randint(0, 4)))
                if rng.random() < 0.5 or any(c in value for c in (delimiter, "\n", "\r", '"')):
                    value = '"' + value.replace('"', '""') + '"'
                fields.append(value)
            rows.append(delimiter.join(fields))
        body = rng.choice(["\n", "\r\n"]).join(rows) + rng.choice(["", "\n"])
        if body and rng.random() < 0.5:
            at = rng.randrange(len(body))
            body = body[:at] + rng.choice(['"', "x", "\r", delimiter, "\n"]) + body[at + 1 :]
    return header + rng.choice(["\n", "\r\n"]) + body


@pytest.mark.parametrize("seed", range(4))
def test_random_files_read_as_the_contract_says(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        delimiter = rng.choice([",", ";", "\t"])
        text = _random_text(rng, delimiter)
        chunk = rng.choice([5, 17, 64, 1 << 20])
        assert converted(tmp_path, text, delimiter, chunk) == expected(text, delimiter), (
            text,
            chunk,
        )


def test_a_file_in_neither_encoding_names_the_first_bad_line(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"a,b,c\n1,2,3\n1,\x80\xff,3\n")
    with pytest.raises(records.UnreadableRecords) as raised:
        records.convert_csv(
            source, tmp_path / "out.parquet", encoding="utf-8", delimiter=",",
            columns=COLUMNS, name_key=str.lower,
        )  # fmt: skip
    assert (raised.value.kind, raised.value.line) == ("encoding", 3)


def test_utf8_invalid_further_on_is_read_as_gb18030(tmp_path: Path) -> None:
    """The preflight judges the encoding from samples; invalid UTF-8 found later means the
    whole file is read again as GB18030."""
    source = tmp_path / "in.csv"
    source.write_bytes(b"a,b,c\n1,2,3\n" + "4,微信,6\n".encode("gb18030"))
    records.convert_csv(
        source, tmp_path / "out.parquet", encoding="utf-8", delimiter=",",
        columns=COLUMNS, name_key=str.lower,
    )  # fmt: skip
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [row["b"] for row in rows] == ["2", "微信"]
