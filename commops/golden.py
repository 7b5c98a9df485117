"""Compare a built DuckDB warehouse with the golden set (CONTRACT.md section 4).

    python -m commops.golden WAREHOUSE.duckdb [--expected DIR] [--report PATH]

Every model of the contract's marts table is compared with ``<DIR>/<model>.csv`` by its grain
key, and the warehouse's ``staging_row_counts`` with ``staging_counts.csv``. The result is a
Markdown report (default ``reports/golden_report.md``) with a JSON twin beside it; the exit
status is 0 when every model agrees, 1 when one does not, 2 when the warehouse cannot be read.

Cell rules (a cell is one expected column of one key present on both sides):

* **null** (an empty CSV cell) equals only null; an empty string in the warehouse is not null.
* **money** (a numeric column named ``*_cny``, ``amount`` or ``*_amount``): ``|a - e| <= 0.01``.
* **integers** (an integer warehouse type, or a numeric column whose expected values are all
  integer literals and whose name is not a rate): equal exactly (``7.0`` equals ``7``).
* **rates and other non-integral numbers** (``*_rate``, ``roi``, ``ltv_to_cac``,
  ``stickiness``, ``engagement_trend``, ``median_days_to_fund``, any other numeric column):
  ``math.isclose(a, e, rel_tol=1e-9, abs_tol=1e-9)``, i.e. ``|a - e| <= 1e-9 * max(1, |a|,
  |e|)``: absolute for values up to 1, relative above.
* **dates and timestamps** (a DATE or TIMESTAMP warehouse column): both sides become naive
  Shanghai-local datetimes to the microsecond (a date is its midnight; a value with an offset,
  e.g. a ``TIMESTAMP WITH TIME ZONE``, is converted to UTC+08:00; digits below a microsecond
  are truncated).
* **booleans**: ``true``/``false`` text (also ``t``/``f``/``1``/``0``) against BOOLEAN.
* **everything else** is text, compared exactly (non-text warehouse types are cast to VARCHAR).

A column the warehouse lacks makes every cell of it a mismatch; a missing table fails its model.
Key columns are normalised by the same rules before rows are matched. ``dq_checks`` compares
only ``checked_rows`` and ``failing_rows``; ``rejected_rows`` is compared as a multiset of
``(entity, record_key, reason)``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from commops.contract import grains

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The golden set of contract revision 2 lives beside the repository
#: (``../shared/golden-r2/expected``) unless ``COMMOPS_GOLDEN_DIR`` names another folder.
DEFAULT_EXPECTED_DIR = Path(
    os.environ.get("COMMOPS_GOLDEN_DIR", REPO_ROOT.parent / "shared" / "golden-r2" / "expected")
)
DEFAULT_REPORT = Path("reports") / "golden_report.md"

MONEY_TOLERANCE = 0.01
RATE_TOLERANCE = 1e-9
MISMATCHES_IN_REPORT = 20
KEYS_IN_REPORT = 5
MISMATCHES_IN_JSON = 500
KEYS_IN_JSON = 100
SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

RATE_NAMES = frozenset(
    {"roi", "ltv_to_cac", "stickiness", "engagement_trend", "median_days_to_fund"}
)
MONEY_NAMES = frozenset({"amount"})
INTEGER_TYPES = frozenset(
    {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
        "INT1",
        "INT2",
        "INT4",
        "INT8",
        "INT",
        "LONG",
        "SHORT",
    }
)
FLOAT_TYPES = frozenset({"FLOAT", "DOUBLE", "REAL", "FLOAT4", "FLOAT8"})
DATETIME_TYPES = frozenset(
    {"DATE", "TIMESTAMP", "DATETIME", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"}
)
TIMESTAMPTZ_TYPES = frozenset({"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"})
TEXT_TYPES = frozenset({"VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR"})


@dataclass(frozen=True)
class ModelSpec:
    """How one model is compared: its warehouse table, golden CSV, key and columns."""

    name: str
    key: tuple[str, ...]
    expected_file: str = ""
    table: str = ""
    #: Only these expected columns are compared (besides the key); empty = every column.
    columns: tuple[str, ...] = ()
    #: No unique key: rows are compared as a multiset of the key columns only.
    multiset: bool = False

    @property
    def csv_name(self) -> str:
        return self.expected_file or f"{self.name}.csv"

    @property
    def table_name(self) -> str:
        return self.table or self.name


#: How a model is compared when not only by its grain key (contract.contract_models()).
COMPARISON: dict[str, dict[str, Any]] = {
    "dq_checks": {"columns": ("checked_rows", "failing_rows")},
    # No grain: its rows are compared as a multiset of these columns (raw_record is not).
    "rejected_rows": {"key": ("entity", "record_key", "reason"), "multiset": True},
}
#: The contract models (commops.contract), and the staging row counts (grain: entity).
MODELS: tuple[ModelSpec, ...] = (
    *(ModelSpec(**{"name": n, "key": g, **COMPARISON.get(n, {})}) for n, g in grains().items()),
    ModelSpec("staging_row_counts", ("entity",), expected_file="staging_counts.csv"),
)
MODELS_BY_NAME: dict[str, ModelSpec] = {m.name: m for m in MODELS}
CONTRACT_MODELS: tuple[str, ...] = tuple(grains())


class KnownDifference(NamedTuple):
    """A golden cell that contradicts the contract: skipped, with the reason reported.

    ``key`` is the key tuple as written in the CSV (a plain string is read as a 1-tuple);
    ``column`` ``"*"`` skips the whole row (its cells and its being missing or extra).
    """

    model: str
    key: tuple[str | None, ...]
    column: str
    reason: str


KnownDifferenceLike = KnownDifference | tuple[str, Any, str, str]


@dataclass
class Mismatch:
    key: tuple[str | None, ...]
    column: str
    expected: str | None
    actual: str | None


@dataclass
class Skipped:
    key: tuple[str | None, ...]
    column: str
    expected: str | None
    actual: str | None
    reason: str
    #: Whether the cell would have matched anyway (a stale known difference).
    matched: bool


@dataclass
class ModelResult:
    """The comparison of one model; ``passed`` when nothing differs."""

    model: str
    key: tuple[str, ...]
    relation: str | None = None
    error: str | None = None
    rows_expected: int = 0
    rows_actual: int = 0
    keys_matched: int = 0
    cells_compared: int = 0
    cells_matched: int = 0
    missing_keys: list[tuple[str | None, ...]] = field(default_factory=list)
    extra_keys: list[tuple[str | None, ...]] = field(default_factory=list)
    duplicate_keys: list[tuple[str | None, ...]] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unused_known_differences: list[KnownDifference] = field(default_factory=list)
    column_kinds: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return (
            self.error is None
            and not self.missing_keys
            and not self.extra_keys
            and not self.duplicate_keys
            and not self.missing_columns
            and not self.mismatches
            and self.cells_matched == self.cells_compared
        )

    @property
    def status(self) -> str:
        return "pass" if self.passed else "fail"

    def mismatches_by_column(self) -> dict[str, int]:
        return dict(Counter(m.column for m in self.mismatches))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status
        data["mismatch_count"] = len(self.mismatches)
        data["mismatches_by_column"] = self.mismatches_by_column()
        data["missing_count"] = len(self.missing_keys)
        data["extra_count"] = len(self.extra_keys)
        data["duplicate_count"] = len(self.duplicate_keys)
        for name in ("missing_keys", "extra_keys", "duplicate_keys"):
            data[name] = data[name][:KEYS_IN_JSON]
        data["mismatches"] = data["mismatches"][:MISMATCHES_IN_JSON]
        return data


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


class _Unparsed(NamedTuple):
    """A value that does not parse as its column's kind: equal only to the same text."""

    text: str


_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_INTEGER_RE = re.compile(r"^[+-]?\d+$")
_TRUE = frozenset({"true", "t", "1", "yes", "y"})
_FALSE = frozenset({"false", "f", "0", "no", "n"})


def is_money_column(name: str) -> bool:
    n = name.lower()
    return n.endswith("_cny") or n in MONEY_NAMES or n.endswith("_amount")


def is_rate_column(name: str) -> bool:
    n = name.lower()
    return n.endswith("_rate") or n in RATE_NAMES


def column_kind(name: str, data_type: str | None, expected_values: Iterable[str | None]) -> str:
    """money, float, int, datetime, bool or text, from the warehouse type and the name."""
    if data_type is None:
        return "text"
    base = data_type.upper().strip()
    if base in TIMESTAMPTZ_TYPES or base in DATETIME_TYPES:
        return "datetime"
    if base == "BOOLEAN" or base == "BOOL":
        return "bool"
    numeric = (
        base in INTEGER_TYPES or base in FLOAT_TYPES or base.startswith(("DECIMAL", "NUMERIC"))
    )
    if not numeric:
        return "text"
    if is_money_column(name):
        return "money"
    if base in INTEGER_TYPES:
        return "int"
    if is_rate_column(name):
        return "float"
    values = [v for v in expected_values if v is not None]
    if values and all(_INTEGER_RE.match(v.strip()) for v in values):
        return "int"
    return "float"


def _parse_datetime_text(text: str) -> dt.datetime | None:
    m = _DATETIME_RE.match(text.strip())
    if not m:
        return None
    year, month, day, hour, minute, second, frac, offset = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    try:
        value = dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
        )
    except ValueError:
        return None
    if offset:
        if offset == "Z":
            tz = dt.UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            tz = dt.timezone(sign * delta)
        value = value.replace(tzinfo=tz).astimezone(SHANGHAI).replace(tzinfo=None)
    return value


def _to_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def normalise(value: Any, kind: str) -> Any:
    """The comparable form of a warehouse value or an expected CSV text of that kind."""
    if value is None:
        return None
    if kind == "text":
        return value if isinstance(value, str) else str(value)
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                return value.astimezone(SHANGHAI).replace(tzinfo=None)
            return value
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        parsed = _parse_datetime_text(str(value))
        return parsed if parsed is not None else _Unparsed(str(value))
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return _Unparsed(str(value))
    number = _to_decimal(value)
    return number if number is not None else _Unparsed(str(value))


def cells_equal(kind: str, expected: Any, actual: Any) -> bool:
    """Compare two normalised values by the rules of the module docstring."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, _Unparsed) or isinstance(actual, _Unparsed):
        return (
            isinstance(expected, _Unparsed)
            and isinstance(actual, _Unparsed)
            and expected.text == actual.text
        )
    if kind in ("text", "datetime", "bool"):
        return bool(expected == actual)
    if expected.is_nan() or actual.is_nan():
        return bool(expected.is_nan() and actual.is_nan())
    if expected.is_infinite() or actual.is_infinite():
        return bool(expected == actual)
    if kind == "int":
        return bool(expected == actual)
    e, a = float(expected), float(actual)
    if kind == "money":
        return abs(a - e) <= MONEY_TOLERANCE + 1e-9
    return math.isclose(a, e, rel_tol=RATE_TOLERANCE, abs_tol=RATE_TOLERANCE)


def key_token(value: Any) -> Any:
    """A hashable, canonical form of a normalised key value."""
    if isinstance(value, Decimal):
        if value.is_finite():
            return ("n", f"{value.normalize():f}")
        return ("n", str(value))
    if isinstance(value, _Unparsed):
        return ("u", value.text)
    if isinstance(value, dt.datetime):
        return ("d", value.isoformat(sep=" ", timespec="microseconds"))
    return (type(value).__name__, value)


def display(value: Any) -> str | None:
    """A warehouse value as text for the report (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.isoformat(sep=" ")
        return value.isoformat(sep=" ", timespec="microseconds" if value.microsecond else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


# ---------------------------------------------------------------------------------------------
# Reading both sides
# ---------------------------------------------------------------------------------------------


def read_expected(path: Path) -> tuple[list[str], list[list[str | None]]]:
    """Header and rows of a golden CSV, every cell as text, an empty cell as None."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        rows: list[list[str | None]] = []
        for raw in reader:
            if not raw:
                continue
            cells = (raw + [""] * len(header))[: len(header)]
            rows.append([c if c != "" else None for c in cells])
    return header, rows


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def find_relation(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, str, str] | None:
    """(catalog, schema, name) of the table or view called ``table`` in any schema."""
    row = con.execute(
        "select table_catalog, table_schema, table_name from information_schema.tables "
        "where lower(table_name) = lower(?) "
        "order by table_catalog <> current_database(), table_name <> ?, "
        "table_schema <> current_schema(), table_schema, table_catalog limit 1",
        [table, table],
    ).fetchone()
    return (str(row[0]), str(row[1]), str(row[2])) if row else None


def _table_columns(
    con: duckdb.DuckDBPyConnection, relation: tuple[str, str, str]
) -> dict[str, tuple[str, str]]:
    """lower-case column name -> (column name, data type)."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        list(relation),
    ).fetchall()
    columns: dict[str, tuple[str, str]] = {}
    for name, data_type in rows:
        columns.setdefault(str(name).lower(), (str(name), str(data_type)))
    return columns


def _select_expression(column: str, data_type: str, kind: str, as_text: bool) -> str:
    quoted = _quote(column)
    base = data_type.upper()
    if as_text:
        return f"cast({quoted} as varchar)"
    if kind == "datetime" and base in TIMESTAMPTZ_TYPES:
        return f"timezone('Asia/Shanghai', {quoted})"
    if kind == "text" and base not in TEXT_TYPES:
        return f"cast({quoted} as varchar)"
    return quoted


def _fetch(
    con: duckdb.DuckDBPyConnection,
    relation_sql: str,
    columns: Sequence[tuple[str, str, str]],
) -> list[tuple[Any, ...]]:
    """Rows of (column, data type, kind) selections; falls back to text if a type will not
    convert to Python (the text is then parsed by the column's kind)."""
    if not columns:
        count = con.execute(f"select count(*) from {relation_sql}").fetchone()
        return [()] * int(count[0] if count else 0)
    for as_text in (False, True):
        select = ", ".join(_select_expression(c, t, k, as_text) for c, t, k in columns)
        try:
            return con.execute(f"select {select} from {relation_sql}").fetchall()
        except (duckdb.Error, ValueError, OverflowError, TypeError):
            if as_text:
                raise
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------


def _as_known(items: Iterable[KnownDifferenceLike]) -> list[KnownDifference]:
    known = []
    for item in items:
        model, key, column, reason = item
        key_tuple = (key,) if isinstance(key, str) or key is None else tuple(key)
        known.append(KnownDifference(str(model), key_tuple, str(column), str(reason)))
    return known


def spec_for(model: str) -> ModelSpec | None:
    return MODELS_BY_NAME.get(model)


def compare_model(
    con: duckdb.DuckDBPyConnection,
    model: str,
    expected_csv: str | os.PathLike[str],
    known_differences: Iterable[KnownDifferenceLike] = (),
    *,
    key: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    table: str | None = None,
) -> ModelResult:
    """Compare the warehouse table of ``model`` with a golden CSV.

    The key, compared columns and table name come from :data:`MODELS`; ``key``, ``columns``
    and ``table`` override them (a model not listed there, with no ``key``, is compared as a
    multiset of all its expected columns).
    """
    spec = spec_for(model)
    if spec is None:
        spec = ModelSpec(model, tuple(key or ()), multiset=key is None)
    elif key is not None:
        spec = replace(spec, key=tuple(key))
    if columns is not None:
        spec = replace(spec, columns=tuple(columns))
    if table is not None:
        spec = replace(spec, table=table)
    known = [k for k in _as_known(known_differences) if k.model == model]
    result = ModelResult(model=model, key=spec.key)
    try:
        _compare(con, spec, Path(expected_csv), known, result)
    except Exception as exc:  # a report must come out whatever the table holds
        result.error = f"comparison failed: {type(exc).__name__}: {exc}"
    return result


def _compare(
    con: duckdb.DuckDBPyConnection,
    spec: ModelSpec,
    expected_csv: Path,
    known: list[KnownDifference],
    result: ModelResult,
) -> None:
    if not expected_csv.is_file():
        result.error = f"no expected CSV at {expected_csv}"
        return
    header, expected_rows = read_expected(expected_csv)
    result.rows_expected = len(expected_rows)
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    key_cols = list(spec.key) if spec.key else (list(header) if spec.multiset else [])
    if spec.multiset and not spec.key:
        result.key = tuple(key_cols)
    lacking = [k for k in key_cols if k not in index]
    if lacking:
        result.error = f"expected CSV lacks key column(s) {', '.join(lacking)}"
        return
    if spec.multiset:
        value_cols: list[str] = []
    elif spec.columns:
        value_cols = [c for c in spec.columns if c in index and c not in key_cols]
        absent = [c for c in spec.columns if c not in index]
        if absent:
            result.error = f"expected CSV lacks column(s) {', '.join(absent)}"
            return
    else:
        value_cols = [c for c in header if c not in key_cols]
    # Keep only the first of repeated header names.
    value_cols = list(dict.fromkeys(value_cols))

    relation = find_relation(con, spec.table_name)
    if relation is None:
        result.error = f"no table or view named {spec.table_name} in the warehouse"
        result.missing_keys = [tuple(r[index[k]] for k in key_cols) for r in expected_rows]
        return
    result.relation = f"{relation[1]}.{relation[2]}"
    relation_sql = ".".join(_quote(p) for p in relation)
    have = _table_columns(con, relation)

    lacking_keys = [k for k in key_cols if k.lower() not in have]
    if lacking_keys:
        result.error = f"the table lacks key column(s) {', '.join(lacking_keys)}"
        result.missing_columns = lacking_keys + [c for c in value_cols if c.lower() not in have]
        count = con.execute(f"select count(*) from {relation_sql}").fetchone()
        result.rows_actual = int(count[0]) if count else 0
        result.missing_keys = [tuple(r[index[k]] for k in key_cols) for r in expected_rows]
        return
    result.missing_columns = [c for c in value_cols if c.lower() not in have]

    kinds: dict[str, str] = {}
    for col in key_cols + value_cols:
        data_type = have[col.lower()][1] if col.lower() in have else None
        kinds[col] = column_kind(col, data_type, (r[index[col]] for r in expected_rows))
    result.column_kinds = kinds

    present_cols = [c for c in value_cols if c.lower() in have]
    selected = [(have[c.lower()][0], have[c.lower()][1], kinds[c]) for c in key_cols + present_cols]
    actual_rows = _fetch(con, relation_sql, selected)
    result.rows_actual = len(actual_rows)
    n_keys = len(key_cols)

    def expected_key(row: Sequence[str | None]) -> tuple[Any, ...]:
        return tuple(key_token(normalise(row[index[k]], kinds[k])) for k in key_cols)

    def known_key(key_texts: tuple[str | None, ...]) -> tuple[Any, ...] | None:
        if len(key_texts) != n_keys:
            return None
        return tuple(
            key_token(normalise(v, kinds[k])) for v, k in zip(key_texts, key_cols, strict=True)
        )

    known_cells: dict[tuple[tuple[Any, ...], str], KnownDifference] = {}
    for kd in known:
        token = known_key(kd.key)
        if token is None or (kd.column != "*" and kd.column not in value_cols):
            result.unused_known_differences.append(kd)
        else:
            known_cells.setdefault((token, kd.column), kd)
    used: set[tuple[tuple[Any, ...], str]] = set()

    def skip_row(token: tuple[Any, ...]) -> KnownDifference | None:
        kd = known_cells.get((token, "*"))
        if kd is not None:
            used.add((token, "*"))
        return kd

    if spec.multiset:
        _compare_multiset(
            spec, expected_rows, actual_rows, index, key_cols, kinds, result, expected_key, skip_row
        )
    else:
        actual_by_key: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        duplicates: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for row in actual_rows:
            token = tuple(
                key_token(normalise(v, kinds[k]))
                for v, k in zip(row[:n_keys], key_cols, strict=True)
            )
            if token in actual_by_key:
                duplicates.setdefault(token, row)
            else:
                actual_by_key[token] = row
        result.duplicate_keys = [
            tuple(display(v) for v in row[:n_keys]) for row in duplicates.values()
        ]
        seen: set[tuple[Any, ...]] = set()
        expected_duplicates: list[tuple[str | None, ...]] = []
        for erow in expected_rows:
            token = expected_key(erow)
            key_texts = tuple(erow[index[k]] for k in key_cols)
            if token in seen:
                expected_duplicates.append(key_texts)
                continue
            seen.add(token)
            row_skip = skip_row(token)
            arow = actual_by_key.get(token)
            if arow is None:
                if row_skip is None:
                    result.missing_keys.append(key_texts)
                continue
            result.keys_matched += 1
            for col in value_cols:
                expected_text = erow[index[col]]
                if col in present_cols:
                    raw_actual = arow[n_keys + present_cols.index(col)]
                    ok = cells_equal(
                        kinds[col],
                        normalise(expected_text, kinds[col]),
                        normalise(raw_actual, kinds[col]),
                    )
                    actual_text = display(raw_actual)
                else:
                    ok, actual_text = False, "(no column)"
                kd = row_skip or known_cells.get((token, col))
                if kd is not None:
                    used.add((token, col if row_skip is None else "*"))
                    result.skipped.append(
                        Skipped(key_texts, col, expected_text, actual_text, kd.reason, ok)
                    )
                    continue
                result.cells_compared += 1
                if ok:
                    result.cells_matched += 1
                else:
                    result.mismatches.append(Mismatch(key_texts, col, expected_text, actual_text))
        for token, arow in actual_by_key.items():
            if token not in seen and skip_row(token) is None:
                result.extra_keys.append(tuple(display(v) for v in arow[:n_keys]))
        if expected_duplicates:
            result.error = (
                f"the expected CSV repeats {len(expected_duplicates)} key(s), e.g. "
                f"{_key_text(expected_duplicates[0])}"
            )

    for (token, column), kd in known_cells.items():
        if (token, column) not in used:
            result.unused_known_differences.append(kd)


def _compare_multiset(
    spec: ModelSpec,
    expected_rows: list[list[str | None]],
    actual_rows: list[tuple[Any, ...]],
    index: dict[str, int],
    key_cols: list[str],
    kinds: dict[str, str],
    result: ModelResult,
    expected_key: Any,
    skip_row: Any,
) -> None:
    expected_count: Counter[tuple[Any, ...]] = Counter()
    expected_text: dict[tuple[Any, ...], tuple[str | None, ...]] = {}
    for erow in expected_rows:
        token = expected_key(erow)
        expected_count[token] += 1
        expected_text.setdefault(token, tuple(erow[index[k]] for k in key_cols))
    actual_count: Counter[tuple[Any, ...]] = Counter()
    actual_text: dict[tuple[Any, ...], tuple[str | None, ...]] = {}
    for arow in actual_rows:
        token = tuple(
            key_token(normalise(v, kinds[k])) for v, k in zip(arow, key_cols, strict=True)
        )
        actual_count[token] += 1
        actual_text.setdefault(token, tuple(display(v) for v in arow))
    result.keys_matched = sum((expected_count & actual_count).values())
    for token, n in (expected_count - actual_count).items():
        if skip_row(token) is None:
            result.missing_keys.extend([expected_text[token]] * n)
    for token, n in (actual_count - expected_count).items():
        if skip_row(token) is None:
            result.extra_keys.extend([actual_text[token]] * n)


def compare_all(
    warehouse_path: str | os.PathLike[str],
    expected_dir: str | os.PathLike[str] = DEFAULT_EXPECTED_DIR,
    known_differences: Iterable[KnownDifferenceLike] = (),
    models: Iterable[str] | None = None,
) -> list[ModelResult]:
    """Compare every model of :data:`MODELS` (or only ``models``) with ``expected_dir``."""
    known = _as_known(known_differences)
    wanted = list(models) if models is not None else [m.name for m in MODELS]
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        results = []
        for name in wanted:
            spec = spec_for(name) or ModelSpec(name, (), multiset=True)
            results.append(compare_model(con, name, Path(expected_dir) / spec.csv_name, known))
        return results
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------


def _key_text(key: Sequence[str | None]) -> str:
    return "(" + ", ".join("null" if v is None else v for v in key) + ")"


def _cell(value: str | None) -> str:
    if value is None:
        return "*null*"
    if value == "":
        return '""'
    text = value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "\\n")
    return f"`{text}`" if "`" not in text else text


def describe_failure(result: ModelResult, limit: int = MISMATCHES_IN_REPORT) -> list[str]:
    """Plain-text lines naming what differs in one model."""
    lines = [
        f"{result.model}: {result.status} ({result.keys_matched}/{result.rows_expected} keys "
        f"matched, {result.cells_matched}/{result.cells_compared} cells matched, "
        f"{len(result.missing_keys)} missing, {len(result.extra_keys)} extra)"
    ]
    if result.error:
        lines.append(f"  error: {result.error}")
    if result.missing_columns:
        lines.append(f"  missing columns: {', '.join(result.missing_columns)}")
    if result.duplicate_keys:
        shown = ", ".join(_key_text(k) for k in result.duplicate_keys[:KEYS_IN_REPORT])
        lines.append(f"  duplicate keys in the warehouse ({len(result.duplicate_keys)}): {shown}")
    for m in result.mismatches[:limit]:
        lines.append(
            f"  key={_key_text(m.key)} column={m.column} expected={m.expected!r} "
            f"actual={m.actual!r}"
        )
    if len(result.mismatches) > limit:
        by_col = ", ".join(f"{c}: {n}" for c, n in result.mismatches_by_column().items())
        lines.append(f"  ... {len(result.mismatches)} mismatches in all ({by_col})")
    for k in result.missing_keys[:KEYS_IN_REPORT]:
        lines.append(f"  missing key {_key_text(k)}")
    for k in result.extra_keys[:KEYS_IN_REPORT]:
        lines.append(f"  extra key {_key_text(k)}")
    return lines


def assert_models_agree(
    results: Sequence[ModelResult], models: Iterable[str] | None = None
) -> None:
    """Raise AssertionError naming model, key and column of every difference in ``models``
    (all results when None); a model with no result counts as a failure."""
    by_name = {r.model: r for r in results}
    names = list(models) if models is not None else [r.model for r in results]
    problems: list[str] = []
    for name in names:
        result = by_name.get(name)
        if result is None:
            problems.append(f"{name}: not compared")
        elif not result.passed:
            problems.extend(describe_failure(result))
    if problems:
        raise AssertionError("golden comparison failed:\n" + "\n".join(problems))


def render_markdown(
    results: Sequence[ModelResult],
    warehouse: str | None = None,
    expected_dir: str | None = None,
) -> str:
    passed = sum(r.passed for r in results)
    out = ["# Golden comparison", ""]
    if warehouse:
        out.append(f"- warehouse: `{warehouse}`")
    if expected_dir:
        out.append(f"- expected: `{expected_dir}`")
    out += [
        f"- result: **{passed} of {len(results)} models agree**",
        f"- rules: money within {MONEY_TOLERANCE}; other non-integral numbers within "
        f"{RATE_TOLERANCE:g} (absolute up to 1, relative above); integers, text, booleans, "
        "dates and timestamps (Shanghai local, to the microsecond) exactly; null only equals null",
        "",
        "| model | table | rows expected | rows actual | keys matched | missing | extra "
        "| cells compared | cells matched | skipped | status |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        status = "pass" if r.passed else "**FAIL**"
        out.append(
            f"| {r.model} | {_cell(r.relation) if r.relation else '—'} | {r.rows_expected} "
            f"| {r.rows_actual} | {r.keys_matched} | {len(r.missing_keys)} "
            f"| {len(r.extra_keys)} | {r.cells_compared} | {r.cells_matched} "
            f"| {len(r.skipped)} | {status} |"
        )
    for r in results:
        if r.passed and not r.skipped and not r.unused_known_differences:
            continue
        out += ["", f"## {r.model}: {r.status}", "", f"Key: ({', '.join(r.key)})", ""]
        if r.error:
            out += [f"- error: {r.error}"]
        if r.missing_columns:
            out += [f"- columns the warehouse lacks: {', '.join(r.missing_columns)}"]
        if r.duplicate_keys:
            shown = ", ".join(_key_text(k) for k in r.duplicate_keys[:KEYS_IN_REPORT])
            out += [f"- {len(r.duplicate_keys)} keys repeated in the warehouse, e.g. {shown}"]
        if r.mismatches:
            by_col = ", ".join(f"{c} ({n})" for c, n in r.mismatches_by_column().items())
            out += [
                f"- {len(r.mismatches)} mismatched cells by column: {by_col}",
                "",
                "| key | column | expected | actual |",
                "|---|---|---|---|",
            ]
            for m in r.mismatches[:MISMATCHES_IN_REPORT]:
                out.append(
                    f"| {_cell(_key_text(m.key))} | {m.column} | {_cell(m.expected)} "
                    f"| {_cell(m.actual)} |"
                )
            out.append("")
        for label, keys in (("missing", r.missing_keys), ("extra", r.extra_keys)):
            if keys:
                shown = ", ".join(_cell(_key_text(k)) for k in keys[:KEYS_IN_REPORT])
                more = (
                    f" and {len(keys) - KEYS_IN_REPORT} more" if len(keys) > KEYS_IN_REPORT else ""
                )
                out.append(f"- {len(keys)} {label} rows: {shown}{more}")
        if r.skipped:
            out += ["", "Known differences skipped:", ""]
            out += ["| key | column | expected | actual | reason |", "|---|---|---|---|---|"]
            for s in r.skipped:
                stale = " (warehouse agrees with expected)" if s.matched else ""
                out.append(
                    f"| {_cell(_key_text(s.key))} | {s.column} | {_cell(s.expected)} "
                    f"| {_cell(s.actual)} | {_cell(s.reason)}{stale} |"
                )
        if r.unused_known_differences:
            out += ["", "Known differences that name no expected cell:", ""]
            out += [
                f"- {_key_text(k.key)} {k.column}: {k.reason}" for k in r.unused_known_differences
            ]
    return "\n".join(out) + "\n"


def write_report(
    results: Sequence[ModelResult],
    path: str | os.PathLike[str] = DEFAULT_REPORT,
    warehouse: str | None = None,
    expected_dir: str | None = None,
) -> tuple[Path, Path]:
    """Write the Markdown report and its JSON twin (same name, ``.json``); return both paths."""
    md_path = Path(path)
    md_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.write_text(render_markdown(results, warehouse, expected_dir), encoding="utf-8")
    json_path = md_path.with_suffix(".json")
    payload = {
        "warehouse": warehouse,
        "expected_dir": expected_dir,
        "passed": all(r.passed for r in results),
        "models": [r.to_json() for r in results],
    }
    json_path.write_text(
        json.dumps(payload, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
    )
    return md_path, json_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m commops.golden",
        description="Compare a built DuckDB warehouse with the golden set's expected marts.",
    )
    parser.add_argument("warehouse", help="path of the built DuckDB file")
    parser.add_argument(
        "--expected",
        default=str(DEFAULT_EXPECTED_DIR),
        help="folder of <model>.csv files (default: %(default)s)",
    )
    parser.add_argument(
        "--report",
        default=str(DEFAULT_REPORT),
        help="Markdown report path; a .json twin is written beside it (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if not Path(args.warehouse).is_file():
        print(f"no warehouse file at {args.warehouse}", file=sys.stderr)
        return 2
    if not Path(args.expected).is_dir():
        print(f"no expected folder at {args.expected}", file=sys.stderr)
        return 2
    try:
        results = compare_all(args.warehouse, args.expected)
    except duckdb.Error as exc:
        print(f"cannot read {args.warehouse}: {exc}", file=sys.stderr)
        return 2
    md_path, json_path = write_report(results, args.report, args.warehouse, args.expected)
    for r in results:
        detail = (
            ""
            if r.passed
            else (
                f"  ({len(r.mismatches)} cells differ, {len(r.missing_keys)} missing, "
                f"{len(r.extra_keys)} extra{', ' + r.error if r.error else ''})"
            )
        )
        print(f"{'ok  ' if r.passed else 'FAIL'} {r.model}{detail}")
    passed = sum(r.passed for r in results)
    print(f"{passed} of {len(results)} models agree; report: {md_path} and {json_path}")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
