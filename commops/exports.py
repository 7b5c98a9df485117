"""The RAW_DIR export folder, checked and made readable before dbt starts (CONTRACT §1, §2).

`check_folder` is the one fast pass over the folder: it finds each raw export (exactly one of
NAME.csv, NAME.xlsx, NAME.parquet or a folder NAME/ of Parquet parts), reads only what is needed
to judge it (a CSV's first MiB and three small windows, an xlsx's first rows, Parquet footers)
and reports every problem of the folder at once, each as one line naming the file. That is far
kinder than the first DuckDB sniffer error of a dbt build several minutes in.

`prepare` then says what DuckDB reads for each export: Parquet in place; a CSV (UTF-8 or GB18030)
read record by record exactly as CONTRACT §2 says (commops.records: RFC 4180, a bare CR kept in
its value, a malformed record kept with its line and text) and an xlsx sheet, both written as a
Parquet file of text into a cache folder and redone only when the source changes. A file that
cannot be read whole (a quote never closed, a line in neither encoding) is a problem named with
its file and line, like the others, before any model is built.

    python -m commops.exports RAW_DIR     # prints the problems; exit 1 on any, 0 otherwise
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import io
import json
import os
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq

from commops import records
from commops.contract import RawExport, raw_exports

ACCEPTED = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
SAVE_AS = "save it as CSV UTF-8 (comma delimited) or as an Excel workbook (.xlsx)"
DELIMITERS = (",", ";", "\t")  # in tie-break order: a comma wins a tie
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
HEAD_BYTES = 1 << 20  # the sample that decides a CSV's encoding and holds its header
WINDOW_BYTES = 64 << 10  # three more samples further on: a file can be ASCII for its first MiB
CHUNK_BYTES = 4 << 20  # finding a line number reads this much at a time
MAX_PART_PROBLEMS = 5  # a folder of a thousand broken parts should not bury the other problems
CACHE_FORMAT = 2  # bump when what `prepare` writes changes, so old cached files are redone
XLSX_BATCH_ROWS = 50_000  # sheet rows written to Parquet at a time

# CONTRACT §2 trims Unicode White_Space plus U+200B and U+FEFF; str.strip() differs from both.
TRIMMED = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\ufeff"
)


class ExportError(Exception):
    """Raw exports that cannot be used; the message is for the user, one or a few lines, and
    `problems` lists each problem as one line naming its file."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems if problems is not None else [message]


class _Problem(Exception):
    """One problem of one export: stops checking that export, never the folder."""


@dataclass(frozen=True)
class Export:
    """One raw export found in the folder without problems."""

    entity: str
    source: Path  # what was found in the folder (file or folder)
    kind: str  # 'csv' | 'xlsx' | 'parquet' | 'folder'
    encoding: str  # 'utf-8' or 'gb18030' for csv; '' otherwise
    delimiter: str  # ',', ';' or '\t' for csv; '' otherwise


@dataclass
class Preflight:
    """What `check_folder` found: the good exports and every problem."""

    raw_dir: Path
    exports: dict[str, Export] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self) -> str:
        """The problems as a list a user can work through, or the all-clear line."""
        if self.ok:
            return f"RAW_DIR {self.raw_dir}: {len(self.exports)} exports, no problems"
        count = len(self.problems)
        lines = [
            f"RAW_DIR {self.raw_dir}: {count} problem{'s' if count != 1 else ''} with the exports:"
        ]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class Readable:
    """What DuckDB reads for one export."""

    entity: str
    path: str  # a .parquet file, or a folder glob 'DIR/**/*.parquet'
    # 'records': a Parquet file of text records written by `prepare` from a CSV or xlsx export,
    # with the contract's columns and malformed_line/malformed_text (commops.records);
    # 'parquet' | 'folder': the export itself, typed columns read as text in SQL (text_of).
    kind: str


# --- finding the exports -----------------------------------------------------------------------


def check_folder(raw_dir: Path | str) -> Preflight:
    """The fast pass: every problem at once. Never raises for a bad export (a missing raw_dir
    itself is one problem)."""
    raw_dir = Path(raw_dir).expanduser().absolute()
    preflight = Preflight(raw_dir)
    try:
        entries = sorted(raw_dir.iterdir())
    except OSError as error:
        preflight.problems.append(f"the folder cannot be read: {_reason(error)}")
        return preflight
    for entity, spec in raw_exports().items():
        export, problems = _check_entity(raw_dir, spec, entries)
        preflight.problems += problems
        if export is not None and not problems:
            preflight.exports[entity] = export
    return preflight


def _check_entity(
    raw_dir: Path, spec: RawExport, entries: list[Path]
) -> tuple[Export | None, list[str]]:
    """Find one entity's export among the folder's entries and check it."""
    accepted, unread = _candidates(spec.entity, entries)
    problems = [_unread_problem(path, spec.entity, accepted) for path in unread]
    if len(accepted) > 1:
        named = ", ".join(_label(raw_dir, path) for path in accepted)
        return None, problems + [
            f"{spec.entity} is exported more than once ({named}); keep exactly one"
        ]
    if not accepted:
        if not unread and not spec.optional:
            problems.append(
                f"{spec.entity}: no export found; expected exactly one of {spec.entity}.csv, "
                f"{spec.entity}.xlsx, {spec.entity}.parquet or a folder {spec.entity}/ of "
                "Parquet parts"
            )
        return None, problems
    try:
        export = _check_one(raw_dir, spec, accepted[0])
    except _Problem as problem:
        return None, problems + [str(problem)]
    except Exception as error:  # a bad export must never become a traceback
        label = _label(raw_dir, accepted[0])
        return None, problems + [f"{label} could not be checked: {_reason(error)}"]
    return export, problems


def _candidates(entity: str, entries: list[Path]) -> tuple[list[Path], list[Path]]:
    """The entries named for entity (case-insensitively): in an accepted form, and not."""
    accepted, unread = [], []
    for path in entries:
        if path.name.startswith((".", "~$")):  # hidden files and Excel's lock files
            continue
        if path.name.lower() == entity and path.is_dir():
            accepted.append(path)
        elif path.stem.lower() == entity:
            (accepted if path.suffix.lower() in ACCEPTED else unread).append(path)
    return accepted, unread


def _unread_problem(path: Path, entity: str, accepted: list[Path]) -> str:
    """Why a file named for an entity is not read, and what to save it as instead."""
    suffix = path.suffix.lower()
    if suffix in (".tsv", ".txt") and _looks_delimited(path):
        advice = f"rename it to {entity}.csv (delimited text is read as CSV)"
    elif suffix == ".xls":
        advice = f"it is an old-style Excel workbook; {SAVE_AS}"
    else:
        advice = SAVE_AS
    if accepted:
        advice += f"; {', '.join(p.name for p in accepted)} is also there: keep exactly one"
    return f"{path.name} is not read ({path.suffix or 'no extension'}): {advice}"


def _looks_delimited(path: Path) -> bool:
    """Whether a .txt/.tsv file's first line holds a comma, semicolon or tab."""
    try:
        with open(path, "rb") as handle:
            first = handle.read(64 << 10).split(b"\n", 1)[0]
    except OSError:
        return False
    return any(d.encode() in first for d in DELIMITERS)


def _check_one(raw_dir: Path, spec: RawExport, path: Path) -> Export:
    """Check the one export found for an entity; raise _Problem naming the file."""
    label = _label(raw_dir, path)
    if path.is_dir() and path.name.lower() == spec.entity:
        _check_parts(raw_dir, spec, path)
        return Export(spec.entity, path, "folder", "", "")
    kind = ACCEPTED[path.suffix.lower()]
    if path.is_dir():
        raise _Problem(
            f"{label} is a folder, not a file; a folder of Parquet parts must be "
            f"named {spec.entity}/"
        )
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _Problem(f"{label} cannot be read: {_reason(error)}") from None
    if size == 0:
        raise _Problem(f"{label} is an empty file (0 bytes)")
    if kind == "csv":
        encoding, delimiter = _check_csv(label, spec, path, size)
        return Export(spec.entity, path, kind, encoding, delimiter)
    if kind == "xlsx":
        _check_xlsx(label, spec, path)
    else:
        names, rows = _parquet_footer(label, path)
        _judge(label, spec, names, rows > 0)
    return Export(spec.entity, path, kind, "", "")


def _judge(label: str, spec: RawExport, names: list[str], has_rows: bool) -> None:
    """Raise one _Problem naming every missing required column and an absent first row.

    CONTRACT §1: names match after trimming, case-insensitively; extra columns are ignored.
    """
    present = {_trim(name).lower() for name in names}
    missing = [column for column in spec.required if column not in present]
    faults = []
    if missing:
        found = ", ".join(_trim(name) for name in names if _trim(name)) or "none"
        plural = "s" if len(missing) > 1 else ""
        faults.append(
            f"required column{plural} {', '.join(missing)} missing (columns found: {found})"
        )
    if not has_rows:
        faults.append("has a header but no rows")
    if faults:
        raise _Problem(f"{label}: {'; and '.join(faults)}")


# --- CSV ---------------------------------------------------------------------------------------


def _check_csv(label: str, spec: RawExport, path: Path, size: int) -> tuple[str, str]:
    """Encoding and delimiter of a CSV file, from samples; its header and a first row."""
    try:
        with open(path, "rb") as handle:
            samples = _samples(handle, size)
    except OSError as error:
        raise _Problem(f"{label} cannot be read: {_reason(error)}") from None
    head = samples[0][1]
    encoding = _encoding(label, path, samples)
    text = codecs.getincrementaldecoder(encoding)().decode(head, final=size <= HEAD_BYTES)
    lines = text.split("\n")
    first = lines[0].rstrip("\r")
    if not _trim(first):
        raise _Problem(f"{label}: line 1 is empty; the first line must be the header row")
    delimiter = max(DELIMITERS, key=first.count)  # max keeps the first of equals: a comma
    header, rest = _header_record(label, lines, delimiter)
    _judge(label, spec, header, size > HEAD_BYTES or any(line not in ("", "\r") for line in rest))
    return encoding, delimiter


def _samples(handle, size: int) -> list[tuple[int, bytes, bool]]:
    """(offset, bytes, reaches end of file) of the head and of three windows further on.

    Windows start after an LF: in both UTF-8 and GB18030 the byte 0x0A is never part of a
    multibyte character, so each window decodes on its own.
    """
    samples = [(0, handle.read(HEAD_BYTES), size <= HEAD_BYTES)]
    if size <= HEAD_BYTES:
        return samples
    for start in (size // 3, 2 * size // 3, size - WINDOW_BYTES):
        start = max(start, HEAD_BYTES)
        handle.seek(start)
        window = handle.read(WINDOW_BYTES)
        newline = window.find(b"\n")
        if newline >= 0:
            samples.append(
                (start + newline + 1, window[newline + 1 :], start + len(window) >= size)
            )
    return samples


def _encoding(label: str, path: Path, samples: list[tuple[int, bytes, bool]]) -> str:
    """UTF-8 if every sample is, else GB18030 if every sample is; else a problem naming the
    line where the encoding that reads furthest fails."""
    bad = {encoding: _first_bad_byte(samples, encoding) for encoding in ("utf-8", "gb18030")}
    for encoding, offset in bad.items():
        if offset is None:
            return encoding
    head = samples[0][1]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Problem(f"{label} is UTF-16 text (Excel's 'Unicode Text'): {SAVE_AS}")
    line = _line_at(path, head, max(bad.values()))
    raise _Problem(f"{label}: line {line} is neither UTF-8 nor GB18030 text; {SAVE_AS}")


def _first_bad_byte(samples: list[tuple[int, bytes, bool]], encoding: str) -> int | None:
    """File offset of the first byte the encoding rejects in the samples, or None.

    An incremental decoder, so that a character cut at a sample's end is no error.
    """
    for offset, data, at_end in samples:
        try:
            codecs.getincrementaldecoder(encoding)().decode(data, final=at_end)
        except UnicodeDecodeError as error:
            return offset + error.start
    return None


def _line_at(path: Path, head: bytes, offset: int) -> int:
    """The line number (counted at LF) of a file offset; reads up to it only when past head."""
    if offset < len(head):
        return head.count(b"\n", 0, offset) + 1
    lines, done = 1, 0
    with open(path, "rb") as handle:
        while done < offset:
            chunk = handle.read(min(CHUNK_BYTES, offset - done))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            done += len(chunk)
    return lines


def _header_record(label: str, lines: list[str], delimiter: str) -> tuple[list[str], list[str]]:
    """The header record (which may span lines inside quotes) and the lines after it."""
    consumed = 0

    def feed():
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line + "\n"

    try:
        header = next(csv.reader(feed(), delimiter=delimiter, quotechar='"', doublequote=True))
    except (csv.Error, StopIteration) as error:
        raise _Problem(f"{label}: the header row cannot be read ({error})") from None
    return header, lines[consumed:]


# --- xlsx --------------------------------------------------------------------------------------


def _check_xlsx(label: str, spec: RawExport, path: Path) -> None:
    """Header and first data row of the first sheet, without reading the rest."""
    workbook = _open_workbook(label, path, _Problem)
    try:
        rows = _sheet_rows(label, workbook, _Problem)
        header = next(rows, None)
        if header is None or not any(header):
            raise _Problem(
                f"{label}: the first row of the first sheet is empty; it must be the header row"
            )
        _judge(label, spec, header, any(any(row) for row in rows))
    finally:
        workbook.close()


def _open_workbook(label: str, path: Path, error_type: type[Exception]):
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zip, XML and openpyxl errors alike
        raise error_type(
            f"{label} cannot be opened as an Excel workbook (.xlsx): {_reason(error)}"
        ) from None


def _sheet_rows(label: str, workbook, error_type: type[Exception]):
    """The first sheet's rows, every cell as text."""
    if not workbook.worksheets:
        raise error_type(f"{label} has no worksheet")
    for row in workbook.worksheets[0].iter_rows(min_row=1, values_only=True):
        yield [_cell_text(value) for value in row]


def _cell_text(value) -> str:
    """A cell as text, the way CONTRACT §2 reads a typed Parquet column."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):  # a date cell: openpyxl gives it as midnight
            return value.strftime("%Y-%m-%d")
        return _time_text(value.strftime("%Y-%m-%d %H:%M:%S"), value.microsecond)
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return _time_text(value.strftime("%H:%M:%S"), value.microsecond)
    return str(value)


def _float_text(value: float) -> str:
    """Plain digits: integral without `.0`, else the shortest repr, never an exponent."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _time_text(text: str, microsecond: int) -> str:
    return f"{text}.{microsecond:06d}" if microsecond else text


# --- Parquet -----------------------------------------------------------------------------------


def _parquet_footer(label: str, path: Path) -> tuple[list[str], int]:
    """Column names and row count, from the footer alone."""
    try:
        with open(path, "rb") as handle:
            parquet = pq.ParquetFile(handle)
            return list(parquet.schema_arrow.names), parquet.metadata.num_rows
    except Exception as error:  # OSError and every ArrowException
        raise _Problem(f"{label} is not a readable Parquet file: {_reason(error)}") from None


def _check_parts(raw_dir: Path, spec: RawExport, folder: Path) -> None:
    """A folder of parts: the union of their columns, and at least one row in all."""
    label = _label(raw_dir, folder) + "/"
    parts = sorted(path for path in folder.rglob("*.parquet") if path.is_file())
    if not parts:
        raise _Problem(f"{label} holds no Parquet files ({spec.entity}/**/*.parquet)")
    names, rows, broken = [], 0, []
    for part in parts:
        try:
            if part.stat().st_size == 0:
                raise _Problem(f"{_label(raw_dir, part)} is an empty file (0 bytes)")
            part_names, part_rows = _parquet_footer(_label(raw_dir, part), part)
        except _Problem as problem:
            broken.append(str(problem))
            continue
        names += [name for name in part_names if name not in names]
        rows += part_rows
    if broken:
        shown = broken[:MAX_PART_PROBLEMS]
        if len(broken) > MAX_PART_PROBLEMS:
            shown.append(f"and {len(broken) - MAX_PART_PROBLEMS} more broken parts")
        raise _Problem("; ".join(shown))
    _judge(label, spec, names, rows > 0)


# --- preparing what DuckDB reads ---------------------------------------------------------------


def prepare(preflight: Preflight, cache_dir: Path | str) -> dict[str, Readable]:
    """What DuckDB reads for each export. Parquet is read in place; a CSV or xlsx export is
    written as a Parquet file of text records into cache_dir (commops.records), reused while
    the source's size and mtime and the contract's columns are unchanged. Raises ExportError
    naming every export that cannot be read whole (file and line)."""
    if not preflight.ok:
        raise ExportError(preflight.message(), preflight.problems)
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    readable, problems = {}, []
    for entity, export in preflight.exports.items():
        try:
            readable[entity] = _readable(export, cache_dir)
        except ExportError as error:
            problems += error.problems
    if problems:
        raise ExportError(Preflight(preflight.raw_dir, problems=problems).message(), problems)
    return readable


def _readable(export: Export, cache_dir: Path) -> Readable:
    if export.kind == "folder":
        return Readable(export.entity, f"{export.source.as_posix()}/**/*.parquet", "folder")
    if export.kind == "parquet":
        return Readable(export.entity, str(export.source), "parquet")
    write = _csv_records if export.kind == "csv" else _xlsx_records
    return Readable(export.entity, str(_cached(export, cache_dir, write)), "records")


def _cached(export: Export, cache_dir: Path, write) -> Path:
    """cache_dir/ENTITY.parquet written by write(export, path), redone only when the stamp
    beside it (source, size, mtime_ns, the columns read) no longer matches: a daily run does
    not read an unchanged file again."""
    target = cache_dir / f"{export.entity}.parquet"
    stamp_path = cache_dir / f"{export.entity}.json"
    try:
        status = export.source.stat()
    except OSError as error:
        raise ExportError(f"{export.source.name} cannot be read: {_reason(error)}") from None
    stamp = {
        "format": CACHE_FORMAT,
        "source": str(export.source),
        "kind": export.kind,
        "size": status.st_size,
        "mtime_ns": status.st_mtime_ns,
        "columns": list(raw_exports()[export.entity].columns),
    }
    if target.is_file() and _read_stamp(stamp_path) == stamp:
        return target
    partial = cache_dir / f".{export.entity}.parquet.partial"
    stamp_path.unlink(missing_ok=True)
    try:
        write(export, partial)
        os.replace(partial, target)
        stamp_path.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    except OSError as error:  # the file went away, the disk is full: a line, not a traceback
        raise ExportError(f"{export.source.name} cannot be prepared: {_reason(error)}") from None
    finally:
        partial.unlink(missing_ok=True)
    return target


def _read_stamp(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _column_key(name: str) -> str:
    """How a header name is matched with a contract column (CONTRACT §1)."""
    return _trim(name).lower()


def _csv_records(export: Export, target: Path) -> None:
    """A CSV export's records (commops.records), or an ExportError naming file and line."""
    label = export.source.name
    try:
        records.convert_csv(
            export.source,
            target,
            encoding=export.encoding,
            delimiter=export.delimiter,
            columns=raw_exports()[export.entity].columns,
            name_key=_column_key,
        )
    except records.UnreadableRecords as error:
        if error.kind == "encoding":
            message = f"{label}: line {error.line} is neither UTF-8 nor GB18030 text; {SAVE_AS}"
        else:
            message = (
                f'{label}: the quoted field opened on line {error.line} is never closed (a "'
                " starts a quoted field only at the start of a field, and a quote inside one is"
                ' written "")'
            )
        raise ExportError(message) from None


def _xlsx_records(export: Export, target: Path) -> None:
    """The first sheet's rows as records: the first row is the header; wholly empty rows are
    left out (Excel keeps formatted empty rows; CONTRACT §2 reads an empty line as no record);
    a row with a non-empty cell beyond the header's last named cell is malformed, kept as its
    sheet row number and its cells as a comma-separated line (CONTRACT §3)."""
    label = export.source.name
    workbook = _open_workbook(label, export.source, ExportError)
    try:
        rows = enumerate(_sheet_rows(label, workbook, ExportError), start=1)
        header = next(rows, (1, []))[1]
        width = max((i + 1 for i, cell in enumerate(header) if cell), default=0)
        keys = [_column_key(name) for name in header[:width]]
        picks = [
            (column, keys.index(column))
            for column in raw_exports()[export.entity].columns
            if column in keys
        ]
        writer = records.RecordWriter(target, picks, width)
        good: list[list[str]] = []
        bad: list[tuple[int, str]] = []
        for line, cells in rows:
            if not any(cells):
                continue
            if any(cells[width:]):
                bad.append((line, _csv_line(_fit(cells, width))))
            else:
                good.append(cells[:width] + [""] * (width - len(cells)))
            if len(good) + len(bad) >= XLSX_BATCH_ROWS:
                writer.write(records=good, malformed=bad)
                good, bad = [], []
        writer.write(records=good, malformed=bad)
        writer.close()
    finally:
        workbook.close()


def _fit(cells: list[str], width: int) -> list[str]:
    """Pad to width; drop empty cells beyond it."""
    cells = cells + [""] * (width - len(cells))
    while len(cells) > width and not cells[-1]:
        cells.pop()
    return cells


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


# --- small helpers and the command line ---------------------------------------------------------


def _trim(text: str) -> str:
    return text.strip(TRIMMED)


def _label(raw_dir: Path, path: Path) -> str:
    """How a problem names a file: its path inside RAW_DIR."""
    try:
        return path.relative_to(raw_dir).as_posix()
    except ValueError:
        return str(path)


def _reason(error: BaseException) -> str:
    """An exception as a short phrase for a user, no traceback."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def describe(export: Export, raw_dir: Path) -> str:
    """One line for an export: entity, file, kind, and for a CSV its encoding and delimiter."""
    line = f"{export.entity}: {_label(raw_dir, export.source)}, {export.kind}"
    if export.kind == "csv":
        line += f", {export.encoding}, {DELIMITER_NAMES[export.delimiter]} delimited"
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m commops.exports", description="Check a RAW_DIR export folder."
    )
    parser.add_argument("raw_dir", metavar="RAW_DIR", help="the folder of raw exports")
    args = parser.parse_args(argv)
    preflight = check_folder(args.raw_dir)
    print(preflight.message())
    if not preflight.ok:
        return 1
    for export in preflight.exports.values():
        print(f"  {describe(export, preflight.raw_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
