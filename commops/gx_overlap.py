"""Great Expectations expectations that repeat a dbt test or model contract on the same column.

    python -m commops.gx_overlap [--manifest target/manifest.json] [--suites expectations]

dbt checks keys, nulls, codes and (on contract-enforced models) column names and types on every
build; the GX suites are for what dbt tests cannot say (shares, distributions, reconciliations
across tables, authenticity rates, the warn checks the demo plants). An expectation on a table
(``meta.table``) repeats dbt when dbt already checks the same thing, or something stricter, on
the same model and column:

* ``expect_column_values_to_not_be_null``: a ``not_null`` test, a ``unique_combination``
  (grain) test naming the column (it fails on a null key), or a ``not_null`` constraint of an
  enforced contract;
* ``expect_column_values_to_be_unique``: a ``unique`` test, or a ``unique_combination`` of that
  column alone; ``expect_compound_columns_to_be_unique``: a ``unique_combination`` of the same
  columns (which also fails on a null key);
* ``expect_column_values_to_be_in_set``: an ``accepted_values`` test whose values are among the
  expectation's;
* ``expect_column_values_to_be_of_type`` / ``_in_type_list``: an enforced contract that gives
  the column a data type;
* ``expect_table_columns_to_match_set``: an enforced contract naming every column of the set
  (exactly these with ``exact_match``).

A dbt test with a ``where`` or a ``warn`` severity leaves room for the expectation and is not
counted.
Expectations on queries are never counted: a query says something of its own. Without
``--manifest`` the project is parsed first (``dbt parse`` into a temporary target folder).
Prints one line per repeating expectation and exits 1 when there is one outside ``ALLOWED``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commops import dbt_cli
from commops.gx_run import ExpectationSpec, SuiteSpec, load_suites

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SUITES = PROJECT_DIR / "expectations"

#: Repeats of dbt kept on purpose: (suite, table, type, column) -> why.
ALLOWED: dict[tuple[str, str, str, str | None], str] = {
    ("marts", "dim_members", "expect_column_values_to_be_unique", "member_id"): (
        "pytests/test_gx_suites.py plants a repeated member_id and asserts this expectation "
        "fails: the GX run's own proof that a broken grain stops it"
    ),
    ("marts", "mart_cost_monthly", "expect_table_columns_to_match_set", None): (
        "the one expectation on the mart_cost_monthly table itself: pytests/test_gx_suites.py "
        "drops that mart and asserts the expectations on the table error with its message"
    ),
}


@dataclass(frozen=True)
class Repeat:
    """One expectation and the dbt check it repeats."""

    spec: ExpectationSpec
    dbt: str

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        return (self.spec.suite, _table(self.spec), self.spec.type, self.spec.column)

    def line(self) -> str:
        s = self.spec
        where = f"{s.suite}.json #{s.index} {s.type} {_table(s)}.{s.column or '*'}"
        return f"{where} repeats {self.dbt}"


def _table(spec: ExpectationSpec) -> str:
    return (spec.table or "").rsplit(".", 1)[-1]


@dataclass
class DbtChecks:
    """What dbt checks per model (or seed) and column, read from its manifest."""

    not_null: set[tuple[str, str]]
    unique: set[tuple[str, str]]
    unique_combinations: set[tuple[str, frozenset[str]]]
    accepted: dict[tuple[str, str], list[set[Any]]]
    #: enforced contract: model -> {column: (data_type, constraint types)}
    contracts: dict[str, dict[str, tuple[str | None, set[str]]]]


def dbt_checks(manifest: dict[str, Any]) -> DbtChecks:
    nodes = manifest["nodes"]
    checks = DbtChecks(set(), set(), set(), {}, {})
    for node in nodes.values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        config = node["config"]
        if config.get("where") or str(config.get("severity", "error")).lower() != "error":
            continue  # a partial or warn-only test leaves room for the expectation
        if not node.get("attached_node"):
            continue
        model = nodes.get(node["attached_node"], {}).get("name")
        name = node["test_metadata"]["name"]
        kwargs = node["test_metadata"].get("kwargs", {})
        column = node.get("column_name")
        if name == "not_null" and column:
            checks.not_null.add((model, column))
        elif name == "unique" and column:
            checks.unique.add((model, column))
        elif name == "unique_combination":
            columns = kwargs.get("combination_of_columns") or []
            checks.unique_combinations.add((model, frozenset(columns)))
            if len(columns) == 1:
                checks.unique.add((model, columns[0]))
        elif name == "accepted_values" and column:
            checks.accepted.setdefault((model, column), []).append(set(kwargs["values"]))
    for node in nodes.values():
        if node["resource_type"] in ("model", "seed") and node["config"].get("contract", {}).get(
            "enforced"
        ):
            checks.contracts[node["name"]] = {
                name: (col.get("data_type"), {c["type"] for c in col.get("constraints", [])})
                for name, col in node["columns"].items()
            }
    return checks


def repeats(suites: Iterable[SuiteSpec], checks: DbtChecks) -> list[Repeat]:
    """Every expectation on a table that a dbt test or contract already checks."""
    found = []
    for suite in suites:
        for spec in suite.expectations:
            if spec.table is None:
                continue
            dbt = _repeated(spec, checks)
            if dbt:
                found.append(Repeat(spec, dbt))
    return found


def _repeated(spec: ExpectationSpec, checks: DbtChecks) -> str | None:
    model, column, kind = _table(spec), spec.column, spec.type
    contract = checks.contracts.get(model)
    if kind == "expect_column_values_to_not_be_null":
        if (model, column) in checks.not_null:
            return "dbt test not_null"
        if any(m == model and column in key for m, key in checks.unique_combinations):
            return "dbt test unique_combination (its grain test fails on a null key)"
        if contract and "not_null" in contract.get(str(column), (None, set()))[1]:
            return "the not_null constraint of its dbt contract"
    elif kind == "expect_column_values_to_be_unique":
        if (model, column) in checks.unique:
            return "dbt test unique / unique_combination"
    elif kind == "expect_compound_columns_to_be_unique":
        columns = frozenset(spec.kwargs.get("column_list") or [])
        if (model, columns) in checks.unique_combinations:
            return "dbt test unique_combination (its grain test)"
    elif kind == "expect_column_values_to_be_in_set":
        allowed = set(spec.kwargs.get("value_set") or [])
        if any(values <= allowed for values in checks.accepted.get((model, str(column)), [])):
            return "dbt test accepted_values"
    elif kind in ("expect_column_values_to_be_of_type", "expect_column_values_to_be_in_type_list"):
        if contract and contract.get(str(column), (None, set()))[0]:
            return f"the data type ({contract[str(column)][0]}) of its enforced dbt contract"
    elif kind == "expect_table_columns_to_match_set" and contract:
        wanted = set(spec.kwargs.get("column_set") or [])
        named = set(contract)
        if wanted == named or (not spec.kwargs.get("exact_match", True) and wanted <= named):
            return "the columns of its enforced dbt contract"
    return None


def parsed_manifest() -> dict[str, Any]:
    """The project's manifest from `dbt parse` into a temporary target folder."""
    with tempfile.TemporaryDirectory(prefix="commops_parse_") as folder:
        work = Path(folder)
        done = dbt_cli.run(
            ["parse"],
            env={
                "COMMOPS_DUCKDB_PATH": str(work / "parse.duckdb"),
                "COMMOPS_TEMP_DIR": str(work / "tmp"),
            },
            target_path=work / "target",
            log_path=work / "logs",
            capture=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"dbt parse failed (exit {done.returncode}):\n{done.stdout[-3000:]}")
        return json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, help="dbt's manifest.json (default: dbt parse)")
    parser.add_argument("--suites", type=Path, default=DEFAULT_SUITES)
    args = parser.parse_args(argv)
    manifest = (
        json.loads(args.manifest.read_text(encoding="utf-8"))
        if args.manifest
        else parsed_manifest()
    )
    suites = load_suites(args.suites)
    found = repeats(suites, dbt_checks(manifest))
    total = sum(len(s.expectations) for s in suites)
    unexpected = [r for r in found if r.key not in ALLOWED]
    for repeat in found:
        note = f" (kept: {ALLOWED[repeat.key]})" if repeat.key in ALLOWED else ""
        print(repeat.line() + note)
    print(
        f"{len(found)} of {total} expectations repeat dbt; {len(unexpected)} not allowed",
        file=sys.stderr,
    )
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
