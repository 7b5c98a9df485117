"""Detection scoring: a small planted export, built as `python -m commops.detection` builds it,
finds every kind the generator plants with recall >= 0.95 and precision >= 0.90."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from commops import detection
from commops._gen_plant import ENTITY_KINDS

MEMBERS, PLANT_RATE, SEED = 300, 0.02, 3


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> detection.DetectionRun:
    work = tmp_path_factory.mktemp("detection")
    return detection.run(members=MEMBERS, plant_rate=PLANT_RATE, seed=SEED, work=work)


def test_every_kind_is_planted(small_run: detection.DetectionRun) -> None:
    planted = {(s.entity, s.kind) for s in small_run.scores if s.planted > 0}
    expected = {(entity, kind) for entity, kinds in ENTITY_KINDS.items() for kind in kinds}
    assert planted == expected


@pytest.mark.parametrize(
    "entity_kind",
    [f"{entity}.{kind}" for entity, kinds in ENTITY_KINDS.items() for kind in kinds],
)
def test_kind_meets_targets(entity_kind: str, small_run: detection.DetectionRun) -> None:
    entity, kind = entity_kind.split(".")
    (found,) = [s for s in small_run.scores if (s.entity, s.kind) == (entity, kind)]
    assert found.recall is not None and found.recall >= detection.RECALL_TARGET, found
    assert found.precision is not None and found.precision >= detection.PRECISION_TARGET, found


def test_nothing_found_that_was_not_planted(small_run: detection.DetectionRun) -> None:
    assert [s for s in small_run.scores if s.planted == 0] == []


def test_scores_compare_multisets() -> None:
    truth = Counter(
        {
            ("loans", "duplicate_key_conflict", "L1"): 2,
            ("loans", "duplicate_key_conflict", "L2"): 2,
            ("members", "shared_phone", "M1"): 1,
        }
    )
    found = Counter(
        {
            ("loans", "duplicate_key_conflict", "L1"): 2,
            ("loans", "duplicate_key_conflict", "L2"): 1,
            ("members", "shared_phone", "M2"): 1,
        }
    )
    scores = {(s.entity, s.kind): s for s in detection.score(found, truth)}
    loans = scores[("loans", "duplicate_key_conflict")]
    assert (loans.planted, loans.found, loans.true_positives) == (4, 3, 3)
    assert (loans.false_positives, loans.false_negatives, loans.precision) == (0, 1, 1.0)
    assert loans.recall == 0.75 and not loans.meets_targets
    phone = scores[("members", "shared_phone")]
    assert (phone.true_positives, phone.false_positives, phone.false_negatives) == (0, 1, 1)
    assert list(scores) == [("members", "shared_phone"), ("loans", "duplicate_key_conflict")]


def test_report_keeps_runs_and_notes(small_run: detection.DetectionRun, tmp_path: Path) -> None:
    md = tmp_path / "detection.md"
    detection.write_report(small_run, md)
    text = md.read_text(encoding="utf-8")
    md.write_text(
        text.replace(detection.NOTES_START + "\n", detection.NOTES_START + "\nA note.\n"),
        encoding="utf-8",
    )
    other = detection.DetectionRun(**{**small_run.__dict__, "members": 10})
    detection.write_report(other, md)
    detection.write_report(small_run, md)  # a rerun replaces its own entry
    text = md.read_text(encoding="utf-8")
    assert text.count("## 300 members") == 1 and text.count("## 10 members") == 1
    assert "A note." in text
    assert "| members | shared_phone |" in text


def test_findings_read_what_the_warehouse_has(tmp_path: Path) -> None:
    """Rows are keyed by the export's key (ad_stats: ad_stat_key), a model's record_key column
    wins, and a model or column the warehouse lacks is named, not read (no dbt build needed)."""
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for schema in ("marts", "staging", "intermediate"):
            con.execute(f"create schema {schema}")
        con.execute(
            "create table marts.rejected_rows as select 'ad_stats' as entity,"
            " 'CMP202401-PA1|2024/1/32' as record_key, 'unparseable_date' as reason"
        )
        con.execute(
            "create table staging.base_raw__ad_stats_screened as select"
            " 'CMP202401-PA1|2024-01-05' as ad_stat_key, 3 as raw_copies"
        )
        con.execute(
            "create table intermediate.int_ad_stat_flags as select"
            " 'CMP202401-PA1|2024-01-06' as ad_stat_key, 'clicks_over_impressions' as reason"
        )
        con.execute(
            "create table intermediate.int_ticket_flags as select 'T1' as ticket_id,"
            " 'T1 as keyed' as record_key, 'response_before_opened' as reason"
        )
        con.execute(
            "create table staging.stg_raw__tickets as select 'T2' as ticket_id,"
            " true as has_unknown_code"
        )
    found, unread = detection.read_findings(warehouse)
    assert found == Counter(
        {
            ("ad_stats", "unparseable_date", "CMP202401-PA1|2024/1/32"): 1,
            ("ad_stats", "collapsed_duplicate", "CMP202401-PA1|2024-01-05"): 2,
            ("ad_stats", "clicks_over_impressions", "CMP202401-PA1|2024-01-06"): 1,
            ("tickets", "response_before_opened", "T1 as keyed"): 1,
            ("tickets", "unknown_code", "T2"): 1,
        }
    )
    assert "intermediate.int_member_flags" in unread
    assert "staging.stg_raw__tickets.is_csat_out_of_range" in unread
    assert not any("ad_stat_flags" in name or "int_ticket_flags" in name for name in unread)


def test_report_names_what_was_not_read(tmp_path: Path) -> None:
    result = detection.DetectionRun(
        members=10,
        plant_rate=0.1,
        seed=1,
        format="csv",
        raw_rows={},
        scores=[detection.KindScore("tickets", "csat_out_of_range", 2, 0, 0)],
        unread=["staging.stg_raw__tickets.is_csat_out_of_range"],
    )
    detection.write_report(result, tmp_path / "d.md")
    text = (tmp_path / "d.md").read_text(encoding="utf-8")
    assert "Not in the warehouse, not read: staging.stg_raw__tickets.is_csat_out_of_range." in text
    assert "tickets.csat_out_of_range" in text  # missed: planted, not found
    stored = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert detection.DetectionRun.from_json(stored["runs"][0]).unread == result.unread
