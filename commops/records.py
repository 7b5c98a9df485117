"""CSV records exactly as CONTRACT §2 reads them, written once into a Parquet file of text.

The rules (RFC 4180 as the contract states it): fields are separated by the delimiter; a field
that starts with `"` is quoted, may hold delimiters and line breaks, and writes a quote as `""`;
a `"` anywhere else is an ordinary character. A record ends at LF or CRLF outside quotes; any
other CR is part of the value. An empty line is no record but still counts as a line. A record
whose field count differs from the header's, or with characters between a closing quote and
the next delimiter, is malformed: it is kept as the line it starts on (the header is line 1)
and its text without the final line break. A quote still open at the end of the file makes the
file unreadable, naming the line where it opened.

`convert_csv` writes the header's contract columns (matched by the caller's name key; extra
columns are left out) as text, and two more columns, `malformed_line` and `malformed_text`,
set only on a malformed record (whose contract columns are null). DuckDB then reads the file
with read_parquet: the engine's own CSV reader differs from these rules (a bare CR ends its
records, a wrong field count stops it, it numbers no lines).

Speed: a block of whole lines goes to Arrow's multithreaded CSV reader when Arrow reads it as
the contract does (checked with numpy: no CR outside a CRLF, no text after a closing quote, no
quoted field open at the block's end; Arrow itself refuses a wrong field count); otherwise
lines without a `"` are split with numpy and Arrow, and only lines holding a `"`, and the lines
a quoted field spans, go through a regular expression or, when that does not match, a byte
parser. On the generated 100,000-member export (289 MB of events) that is about 90 MB/s, 1.5 M
records/s, on 2 shared cores; a fully quoted file about half that (docs/benchmark.md, "Reading
CSV exports").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

LINE_COLUMN = "malformed_line"
TEXT_COLUMN = "malformed_text"
CHUNK_BYTES = 32 << 20  # read and converted this much at a time (whole lines)
UTF8_BOM = b"\xef\xbb\xbf"
LF, CR, QUOTE = 0x0A, 0x0D, 0x22


class UnreadableRecords(Exception):
    """The file cannot be read as records: `kind` 'encoding' (line `line` is neither UTF-8 nor
    GB18030) or 'quote' (the quoted field opened on line `line` is never closed)."""

    def __init__(self, line: int, kind: str) -> None:
        reason = {
            "encoding": "is neither UTF-8 nor GB18030 text",
            "quote": "quote",
        }[kind]
        super().__init__(f"line {line} {reason}")
        self.line = line
        self.kind = kind


class _BadEncoding(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _OpenQuote(Exception):
    """A quoted field still open at the end of the data; `opened` is the quote's offset."""

    def __init__(self, opened: int) -> None:
        self.opened = opened


@dataclass
class _Record:
    fields: list[bytes]
    end: int  # offset after the record's line break
    content_end: int  # offset of the line break (or of the end of the data)
    malformed: bool


# --- writing ------------------------------------------------------------------------------------


@dataclass
class RecordWriter:
    """A Parquet file of text records: the picked columns, then malformed_line/malformed_text.

    `picks` maps each written column to its field index in a record; `width` is the header's
    field count, which every well-formed record has.
    """

    target: Path
    picks: list[tuple[str, int]]
    width: int
    rows: int = 0
    malformed: int = 0
    _writer: pq.ParquetWriter | None = field(default=None, repr=False)

    @property
    def schema(self) -> pa.Schema:
        fields = [pa.field(name, pa.string()) for name, _ in self.picks]
        fields += [pa.field(LINE_COLUMN, pa.int64()), pa.field(TEXT_COLUMN, pa.string())]
        return pa.schema(fields)

    def write(
        self,
        columns: Sequence[pa.Array] = (),
        count: int = 0,
        records: Sequence[Sequence[str]] = (),
        malformed: Sequence[tuple[int, str]] = (),
    ) -> None:
        """Write `count` well-formed records given as Arrow columns in pick order, more given
        as lists of every field, and malformed ones as (line, text)."""
        tables = []
        if count:
            tables.append(self._table(list(columns), count))
        if records:
            picked = [
                pa.array([record[index] for record in records], pa.string())
                for _, index in self.picks
            ]
            tables.append(self._table(picked, len(records)))
        if malformed:
            size = len(malformed)
            tables.append(
                pa.Table.from_arrays(
                    [
                        *(pa.nulls(size, pa.string()) for _ in self.picks),
                        pa.array([line for line, _ in malformed], pa.int64()),
                        pa.array([text for _, text in malformed], pa.string()),
                    ],
                    schema=self.schema,
                )
            )
            self.malformed += size
        for table in tables:
            if self._writer is None:
                self._writer = pq.ParquetWriter(self.target, self.schema, compression="snappy")
            self._writer.write_table(table)
            self.rows += table.num_rows

    def _table(self, picked: list[pa.Array], count: int) -> pa.Table:
        return pa.Table.from_arrays(
            [*picked, pa.nulls(count, pa.int64()), pa.nulls(count, pa.string())],
            schema=self.schema,
        )

    def close(self) -> None:
        if self._writer is None:  # no record at all: still a file with the columns
            self._writer = pq.ParquetWriter(self.target, self.schema, compression="snappy")
        self._writer.close()

    def abandon(self) -> None:
        """Close the file after a failure (the caller removes it)."""
        if self._writer is not None:
            self._writer.close()


# --- reading -----------------------------------------------------------------------------------


def convert_csv(
    source: Path,
    target: Path,
    *,
    encoding: str,
    delimiter: str,
    columns: Sequence[str],
    name_key: Callable[[str], str],
) -> RecordWriter:
    """Write source's records into target (see the module docstring).

    encoding is 'utf-8' or 'gb18030' as the preflight judged it from samples; a UTF-8 file
    that turns out invalid further on is read again as GB18030, and a file valid in neither
    raises UnreadableRecords naming the line where the encoding that reads further fails. Also
    raised for a quote still open at the end of the file.
    """
    try:
        return _Converter(source, target, encoding, delimiter, columns, name_key).run()
    except _BadEncoding as bad:
        if encoding != "utf-8":
            raise UnreadableRecords(bad.line, "encoding") from None
        utf8_line = bad.line
    try:
        return _Converter(source, target, "gb18030", delimiter, columns, name_key).run()
    except _BadEncoding as bad:
        line = max(utf8_line, bad.line)
        raise UnreadableRecords(line, "encoding") from None


class _Converter:
    def __init__(
        self,
        source: Path,
        target: Path,
        encoding: str,
        delimiter: str,
        columns: Sequence[str],
        name_key: Callable[[str], str],
    ) -> None:
        self.source = source
        self.target = target
        self.encoding = encoding
        self.delim = ord(delimiter)
        self.columns = columns
        self.name_key = name_key
        self.writer: RecordWriter | None = None
        self.record_re: re.Pattern[bytes] | None = None
        self.sep_re = re.compile(b"[" + re.escape(delimiter.encode()) + b"\n]")

    # The stream: raw chunks cut at LF, decoded (checked) to UTF-8 bytes.

    def _utf8_chunks(self) -> Iterable[tuple[bytes, bool]]:
        """The file as UTF-8 bytes in parts of whole lines, each with whether it is the last
        (which may end without a line break), checked against the encoding; a UTF-8 BOM at
        the start is dropped."""
        raw_line = 1
        carry = b""
        first = True
        with open(self.source, "rb") as handle:
            chunk = handle.read(CHUNK_BYTES)
            while True:
                following = handle.read(CHUNK_BYTES) if chunk else b""
                data = carry + chunk
                last = not following
                cut = len(data) if last else data.rfind(b"\n") + 1
                part, carry = data[:cut], data[cut:]
                if part or last:
                    part = self._checked(part, raw_line)
                    raw_line += part.count(b"\n")
                    if first and part.startswith(UTF8_BOM):
                        part = part[len(UTF8_BOM) :]
                    first = False
                    yield part, last
                if last:
                    return
                chunk = following

    def _checked(self, data: bytes, first_line: int) -> bytes:
        try:
            text = data.decode(self.encoding)
        except UnicodeDecodeError as error:
            raise _BadEncoding(first_line + data.count(b"\n", 0, error.start)) from None
        return data if self.encoding == "utf-8" else text.encode("utf-8")

    def run(self) -> RecordWriter:
        try:
            return self._run()
        except BaseException:
            if self.writer is not None:
                self.writer.abandon()
            raise

    def _run(self) -> RecordWriter:
        pending = b""
        line = 1  # the line pending starts on
        parts = iter(self._utf8_chunks())
        at_eof = False
        while not at_eof:
            chunk, at_eof = next(parts)
            while not at_eof and len(chunk) < len(pending):
                # A quoted field spans more than a chunk: read as much again as is pending, so
                # that a long open record is parsed a few times, not once per chunk.
                more, at_eof = next(parts)
                chunk += more
            data = pending + chunk
            if self.writer is None:
                consumed, lines = self._header(data, at_eof)
                if consumed is None:  # the header spans further than this data
                    pending = data
                    continue
                data, line = data[consumed:], line + lines
            consumed = self._block(data, line, at_eof) if data else 0
            line += data.count(b"\n", 0, consumed)
            pending = data[consumed:]
        assert self.writer is not None  # the header is read at the end of the file at the latest
        self.writer.close()
        return self.writer

    # The header.

    def _header(self, data: bytes, at_eof: bool) -> tuple[int | None, int]:
        try:
            record = _parse(data, 0, self.delim, self.sep_re, at_eof)
        except _OpenQuote as open_quote:
            if not at_eof:
                return None, 0
            raise UnreadableRecords(
                1 + data.count(b"\n", 0, open_quote.opened),
                "quote",
            ) from None
        names = [value.decode("utf-8") for value in record.fields]
        picks: list[tuple[str, int]] = []
        keys = [self.name_key(name) for name in names]
        for column in self.columns:
            if column in keys:  # the first column of that name
                picks.append((column, keys.index(column)))
        self.writer = RecordWriter(self.target, picks, len(names))
        self.record_re = _record_pattern(self.delim, len(names))
        return record.end, data.count(b"\n", 0, record.end)

    # A block of whole lines.

    def _block(self, data: bytes, first_line: int, at_eof: bool) -> int:
        """Write the records of data, whose first line is first_line; return the bytes used:
        all, unless a quoted field is open at the end (then up to its record's start)."""
        if (at_eof or data.endswith(b"\n")) and self._arrow_block(data):
            return len(data)
        return self._exact_block(data, first_line, at_eof)

    def _arrow_block(self, data: bytes) -> bool:
        """Write data's records with Arrow's CSV reader, when it reads them as the contract
        does; False (nothing written) when it might not.

        Arrow's reader differs from CONTRACT §2 in three ways only: a bare CR ends its records,
        characters after a closing quote join the value, and a wrong field count is an error.
        So it is used when no CR stands outside a CRLF, no closing quote is followed by
        anything but a delimiter or a line break, no quoted field is open at the end, and it
        reads the block without an error. Which quotes close a field follows from the runs of
        consecutive quotes, in order: outside a quoted field, a run at the start of a field
        opens one when its length is odd (an even run is a quoted empty field or empty field
        with quotes, still closed), a run elsewhere is ordinary text; inside, an odd run
        closes it (its pairs are quotes in the value) and an even run does not. Each run is a
        function of the state before it (not, reset to outside, or keep), so the state after
        every run is the parity of the `not` runs since the last reset: no Python loop.
        """
        if data.count(b"\r") != data.count(b"\r\n"):
            return False
        delim = self.delim
        b = np.frombuffer(data, dtype=np.uint8)
        quotes = np.flatnonzero(b == QUOTE)
        if len(quotes):
            run_start = np.ones(len(quotes), dtype=bool)
            run_start[1:] = quotes[1:] != quotes[:-1] + 1
            firsts = quotes[run_start]
            lasts = quotes[np.append(run_start[1:], True)]
            odd = (lasts - firsts) % 2 == 0
            before = b[np.maximum(firsts - 1, 0)]
            field_start = (firsts == 0) | (before == delim) | (before == LF)
            flips = odd & field_start
            resets = odd & ~field_start
            flipped = np.cumsum(flips)
            last_reset = np.maximum.accumulate(np.where(resets, np.arange(len(firsts)), -1))
            since = flipped - np.where(last_reset >= 0, flipped[np.maximum(last_reset, 0)], 0)
            inside_after = since % 2 == 1
            if inside_after[-1]:
                return False  # a quoted field open at the end of the block
            inside_before = np.append(False, inside_after[:-1])
            # A run leaves a quoted field closed behind it when it closes one, or opens and
            # closes one (an even run at the start of a field: `""`, `""""`).
            closing = (inside_before & odd) | (~inside_before & field_start & ~odd)
            after = lasts[closing] + 1
            after = after[after < len(b)]
            following = b[after]
            ends_field = (following == delim) | (following == LF) | (following == CR)
            if not ends_field.all():
                return False  # characters between a closing quote and the delimiter
        writer = self.writer
        assert writer is not None
        names = [f"f{index}" for index in range(writer.width)]
        try:
            table = pa_csv.read_csv(
                pa.py_buffer(data),
                read_options=pa_csv.ReadOptions(column_names=names, block_size=4 << 20),
                parse_options=pa_csv.ParseOptions(
                    delimiter=chr(delim),
                    quote_char='"',
                    double_quote=True,
                    escape_char=False,
                    newlines_in_values=bool(len(quotes)),
                    ignore_empty_lines=True,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    include_columns=[names[index] for _, index in writer.picks] or names[:1],
                    check_utf8=False,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid:
            return False  # a record with a wrong field count: read exactly
        columns = [table.column(names[index]).combine_chunks() for _, index in writer.picks]
        writer.write(columns, table.num_rows)
        return True

    def _exact_block(self, data: bytes, first_line: int, at_eof: bool) -> int:
        """_block, byte by byte where needed: numpy and Arrow split the lines without a quote,
        a regular expression or _parse reads the others."""
        assert self.writer is not None and self.record_re is not None
        writer, delim, width = self.writer, self.delim, self.writer.width
        tail = data.rfind(b"\n") + 1  # whole lines before; at the end of a file, a last one
        b = np.frombuffer(data, dtype=np.uint8, count=tail)
        is_lf = b == LF
        newlines = np.flatnonzero(is_lf)
        lines = len(newlines)
        starts = np.empty(lines, dtype=np.int64)
        if lines:
            starts[0] = 0
            starts[1:] = newlines[:-1] + 1
        ends = newlines
        if lines and (b == CR).any():  # a CRLF's CR is no part of the line
            crlf = (b[np.maximum(newlines - 1, 0)] == CR) & (newlines > starts)
            ends = newlines - crlf.astype(np.int64)
        empty = ends == starts
        # Lines that hold a quote, and so may open a quoted field: read one by one, in order.
        quote_lines = np.unique(np.searchsorted(newlines, np.flatnonzero(b == QUOTE)))
        slow = np.zeros(lines, dtype=bool)
        records: list[list[str]] = []
        malformed: list[tuple[int, str]] = []
        consumed = len(data)
        next_free = 0
        tail_done = tail == len(data)
        for index in quote_lines.tolist():
            if index < next_free:
                continue
            start = int(starts[index])
            match = self.record_re.fullmatch(data, start, int(ends[index]))
            if match is not None:
                records.append(_matched_fields(match, width))
                slow[index] = True
                next_free = index + 1
                continue
            try:
                record = _parse(data, start, delim, self.sep_re, at_eof)
            except _OpenQuote as open_quote:
                if at_eof:
                    opened = first_line + int(np.searchsorted(newlines, open_quote.opened))
                    raise UnreadableRecords(opened, "quote") from None
                consumed = start
                slow[index:] = True
                tail_done = True
                break
            last = int(np.searchsorted(newlines, record.content_end))
            slow[index : last + 1] = True
            next_free = last + 1
            if record.end > tail:
                tail_done = True
            self._keep(record, data, start, first_line + index, records, malformed)
        if not tail_done:  # the file's last line, without a line break
            try:
                record = _parse(data, tail, delim, self.sep_re, True)
            except _OpenQuote:
                if at_eof:
                    raise UnreadableRecords(first_line + lines, "quote") from None
                record = None
                consumed = tail
            if record is not None:
                self._keep(record, data, tail, first_line + lines, records, malformed)
        fast = ~slow & ~empty
        columns: list[pa.Array] = []
        count = 0
        if fast.any():
            columns, count, bad = self._split(b, is_lf, newlines, ends, fast, width)
            for index in bad.tolist():
                text = data[starts[index] : ends[index]].decode("utf-8")
                malformed.append((first_line + index, text))
        writer.write(columns, count, records, malformed)
        return consumed

    def _keep(
        self,
        record: _Record,
        data: bytes,
        start: int,
        line: int,
        records: list[list[str]],
        malformed: list[tuple[int, str]],
    ) -> None:
        if record.malformed or len(record.fields) != self.writer.width:  # type: ignore[union-attr]
            malformed.append((line, data[start : record.content_end].decode("utf-8")))
        else:
            records.append([value.decode("utf-8") for value in record.fields])

    def _split(
        self,
        b: np.ndarray,
        is_lf: np.ndarray,
        newlines: np.ndarray,
        ends: np.ndarray,
        fast: np.ndarray,
        width: int,
    ) -> tuple[list[pa.Array], int, np.ndarray]:
        """The picked columns of the fast lines that have `width` fields, and the indexes of
        the fast lines that do not (malformed).

        Every field of the block becomes one Arrow string, without a copy per field: the bytes
        are copied once with the separators (delimiters, LFs and the CR of a CRLF) left out,
        and field i then ends at its separator's offset minus the separators before it.
        """
        separator = b == self.delim
        separator |= is_lf
        positions = np.flatnonzero(separator)  # one per field: the byte that ends it
        field_ends = positions
        removed = separator
        crlf = ends < newlines
        if crlf.any():
            removed = separator.copy()
            removed[ends[crlf]] = True
            field_ends = positions.copy()
            at_lf = np.searchsorted(positions, newlines[crlf])
            field_ends[at_lf] -= 1
            shift = np.searchsorted(np.flatnonzero(removed), field_ends)
        else:
            shift = np.arange(len(positions))
        offsets = np.empty(len(positions) + 1, dtype=np.int64)
        offsets[0] = 0
        offsets[1:] = field_ends - shift
        kept = b[~removed]
        fields = pa.Array.from_buffers(
            pa.large_string(), len(positions), [None, pa.py_buffer(offsets), pa.py_buffer(kept)]
        )
        last_field = np.searchsorted(positions, newlines)  # each line's last field
        first_field = np.empty_like(last_field)
        first_field[0] = 0
        first_field[1:] = last_field[:-1] + 1
        counts = last_field - first_field + 1
        good = fast & (counts == width)
        bad = np.flatnonzero(fast & (counts != width))
        firsts = first_field[good]
        assert self.writer is not None
        columns = [
            fields.take(pa.array(firsts + index)).cast(pa.string())
            for _, index in self.writer.picks
        ]
        return columns, len(firsts), bad


def _record_pattern(delim: int, width: int) -> re.Pattern[bytes]:
    """A whole one-line record of `width` fields: each quoted ("" inside) or not starting
    with a quote. Group 2i+1 is field i's quoted content, group 2i+2 its unquoted text."""
    d = re.escape(bytes([delim]))
    one = b'(?:"([^"]*(?:""[^"]*)*)"|((?:[^"' + d + b"\n][^" + d + b"\n]*)?))"
    return re.compile(one + (d + one) * (width - 1))


def _matched_fields(match: re.Match[bytes], width: int) -> list[str]:
    fields = []
    for i in range(width):
        quoted = match.group(2 * i + 1)
        if quoted is not None:
            fields.append(quoted.replace(b'""', b'"').decode("utf-8"))
        else:
            fields.append(match.group(2 * i + 2).decode("utf-8"))
    return fields


def _parse(data: bytes, pos: int, delim: int, sep_re: re.Pattern[bytes], at_eof: bool) -> _Record:
    """The record starting at pos. Raises _OpenQuote when a quoted field is still open at the
    end of data (data that is not the end of the file always ends with LF)."""
    n = len(data)
    fields: list[bytes] = []
    malformed = False
    while True:
        quoted = pos < n and data[pos] == QUOTE
        if quoted:
            opened = pos
            pos += 1
            parts = []
            while True:
                close = data.find(b'"', pos)
                if close < 0 or (close == n - 1 and not at_eof):
                    raise _OpenQuote(opened)
                parts.append(data[pos:close])
                if close + 1 < n and data[close + 1] == QUOTE:
                    parts.append(b'"')
                    pos = close + 2
                    continue
                pos = close + 1
                break
            fields.append(b"".join(parts))
            if pos < n and not _ends_field(data, pos, delim):
                malformed = True  # characters between the closing quote and the delimiter
                found = sep_re.search(data, pos)
                pos = found.start() if found else n
                quoted = False
        else:
            found = sep_re.search(data, pos)
            end = found.start() if found else n
            fields.append(data[pos:end])
            pos = end
        if pos >= n:  # the end of the file
            return _Record(fields, n, n, malformed)
        if data[pos] == delim:
            pos += 1
            continue
        if data[pos] == CR:  # after a closing quote, a CRLF
            return _Record(fields, pos + 2, pos, malformed)
        content_end = pos
        if not quoted and pos > 0 and data[pos - 1] == CR:
            content_end -= 1  # the CR of a CRLF ends the record, it is not in the value
            if not malformed:
                fields[-1] = fields[-1][:-1]
        return _Record(fields, pos + 1, content_end, malformed)


def _ends_field(data: bytes, pos: int, delim: int) -> bool:
    """Whether a field may end at pos: a delimiter, LF or CRLF."""
    c = data[pos]
    return c == delim or c == LF or (c == CR and pos + 1 < len(data) and data[pos + 1] == LF)
