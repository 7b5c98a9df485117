"""The contract facts Python reads (commops.contract) agree with CONTRACT.md and the dbt yml.

The contract models and their grains are written once, in dbt_project.yml (var
`contract_models`); the grain tests of the models' yml and the model tables of CONTRACT.md §4
and §7 must say the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from commops import contract

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONTRACT = PROJECT_DIR.parent / "shared" / "CONTRACT.md"
#: Grains CONTRACT.md writes in words, and the key columns they mean.
WORD_GRAINS = {
    "member": ("member_id",),
    "spend line": ("spend_id",),
    "loan": ("loan_id",),
    "revenue item": ("revenue_id",),
    "order": ("order_id",),
    "ticket": ("ticket_id",),
    "check × entity": ("check_name", "entity"),
    "rejected raw row": (),
}


def yml_grains() -> dict[str, tuple[str, ...]]:
    """Each model's unique_combination columns, from the models' yml files."""
    grains: dict[str, tuple[str, ...]] = {}
    for path in sorted((PROJECT_DIR / "models").rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            for test in model.get("data_tests") or []:
                if isinstance(test, dict) and "unique_combination" in test:
                    spec = test["unique_combination"]
                    columns = spec.get("arguments", spec).get("combination_of_columns")
                    if columns is not None:  # raw_export: a base model's raw columns
                        grains[model["name"]] = tuple(columns)
    return grains


def section_model_grains(text: str, section: int) -> dict[str, tuple[str, ...]]:
    """The models of the `| model | grain | columns |` table of one CONTRACT.md section."""
    body = text.split(f"\n## {section}.", 1)[1].split("\n## ", 1)[0]
    written: dict[str, tuple[str, ...]] = {}
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"[a-z_]+", cells[0]) and cells[0] != "model":
            grain = cells[1]
            written[cells[0]] = WORD_GRAINS.get(grain, tuple(g.strip() for g in grain.split("×")))
    return written


@pytest.mark.skipif(not CONTRACT.is_file(), reason="CONTRACT.md not found")
@pytest.mark.parametrize("section", [4, 7])
def test_contract_models_are_the_models_of_their_section(section: int) -> None:
    written = section_model_grains(CONTRACT.read_text(encoding="utf-8"), section)
    declared = {
        name: model.grain
        for name, model in contract.contract_models().items()
        if model.section == section
    }
    assert declared == written
    assert list(declared) == list(written)  # contract order


def test_contract_models_come_from_sections_4_and_7() -> None:
    assert {m.section for m in contract.contract_models().values()} == {4, 7}


def test_the_grain_tests_test_the_contract_grains() -> None:
    tested = yml_grains()
    for name, grain in contract.grains().items():
        if grain:
            assert tested.get(name, ()) == grain, name
        else:
            # A grain in words only ("rejected raw row"): the model states its own key columns.
            assert tested.get(name), name


def test_entities_are_the_raw_exports() -> None:
    exports = contract.raw_exports()
    assert contract.entities() == (
        "members", "events", "spend", "loans", "repayments", "orders", "tickets", "ad_stats"
    )  # fmt: skip
    assert [e for e, x in exports.items() if x.optional] == ["orders", "tickets", "ad_stats"]
    # ad_stats has no id column: its key ad_stat_key is made from campaign_id and stat_date.
    assert all(x.key in x.columns for e, x in exports.items() if e != "ad_stats")
    assert exports["ad_stats"].key not in exports["ad_stats"].columns
    assert all(set(export.required) <= set(export.columns) for export in exports.values())
