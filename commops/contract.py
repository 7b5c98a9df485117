"""Contract facts that Python shares with the dbt project, read from dbt_project.yml.

The raw exports (var `raw_exports`: key, columns, required columns), the contract models and
their grains (var `contract_models`) and every other var are written once, in dbt_project.yml;
the SQL reads them with `var()`, Python with this module. The list of data-quality checks is the
seed `seeds/dq_check_catalog.csv`, read by dq_checks (SQL) and by `dq_checks()` here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent


@cache
def _project() -> dict:
    """dbt_project.yml, parsed once per process."""
    with open(PROJECT_DIR / "dbt_project.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def project_vars() -> dict:
    """The vars of dbt_project.yml, as written (Jinja strings are left unrendered)."""
    return _project()["vars"]


def project_version() -> str:
    """The project's `version:` in dbt_project.yml, which a published warehouse records."""
    return str(_project()["version"])


@dataclass(frozen=True)
class RawExport:
    """One raw export of CONTRACT §2."""

    entity: str
    key: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    optional: bool = False  # an export that may be absent (CONTRACT §1): then it has no rows


@cache
def raw_exports() -> dict[str, RawExport]:
    """Every raw export by entity, in contract order."""
    return {
        entity: RawExport(
            entity,
            spec["key"],
            tuple(spec["columns"]),
            tuple(spec["required"]),
            bool(spec.get("optional", False)),
        )
        for entity, spec in project_vars()["raw_exports"].items()
    }


def entities() -> tuple[str, ...]:
    """The raw entities, in contract order."""
    return tuple(raw_exports())


@dataclass(frozen=True)
class ContractModel:
    """One model of the contract: its name, grain key (empty: none) and CONTRACT section."""

    name: str
    grain: tuple[str, ...]
    section: int


@cache
def contract_models() -> dict[str, ContractModel]:
    """Every contract model by name, in contract order (var `contract_models`)."""
    return {
        name: ContractModel(name, tuple(spec["grain"]), int(spec["section"]))
        for name, spec in project_vars()["contract_models"].items()
    }


def grains() -> dict[str, tuple[str, ...]]:
    """Each contract model's grain key (empty: rows have no key), in contract order."""
    return {name: model.grain for name, model in contract_models().items()}


def var(name: str) -> Any:
    """One var of dbt_project.yml, as written (whatever YAML it is); KeyError if it is not there."""
    return project_vars()[name]


@dataclass(frozen=True)
class DqCheck:
    """One row of the dq_check_catalog seed: a check of marts.dq_checks for one entity."""

    check_name: str
    entity: str
    checked_rows_of: str  # raw | staged
    severity: str  # critical | warn
    failing_rows_from: str  # rejected | collapsed | row_balance | flag | staging


@cache
def dq_checks() -> dict[tuple[str, str], DqCheck]:
    """Every check of marts.dq_checks by (check_name, entity), from seeds/dq_check_catalog.csv
    (the one list of the checks, CONTRACT §6)."""
    path = PROJECT_DIR / "seeds" / "dq_check_catalog.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [DqCheck(**row) for row in csv.DictReader(handle)]
    return {(row.check_name, row.entity): row for row in rows}
