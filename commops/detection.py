"""Score how well the warehouse finds the problems the generator plants.

    python -m commops.detection --members N --plant-rate R [--seed S] [--out docs/detection.md]
        [--format csv|parquet] [--work DIR]

Generates an export with :mod:`commops.generate` (its ground truth lists every planted row as
entity, record_key, kind), builds it with ``RAW_DIR`` into a DuckDB file of its own, reads back
what the warehouse found, and compares the two per entity and kind:

* CONTRACT §3 rejects: ``rejected_rows`` (entity, record_key, reason);
* exact duplicates: ``base_raw__<entity>_screened`` rows with ``raw_copies > 1`` (each stands for
  ``raw_copies - 1`` collapsed rows, ``collapsed_duplicate``);
* CONTRACT §6 flags: ``int_<entity>_flags`` (key, reason), FLAG_MODELS;
* the staged booleans ``is_channel_unmapped`` (``unmapped_channel``), ``has_unknown_code``
  (``unknown_code``), ``is_fx_carried_forward`` (``fx_rate_carried_forward``) and
  ``is_csat_out_of_range`` (``csat_out_of_range``), STAGING_FLAGS.

A row's key is its model's ``record_key`` column where it has one, else the export's key
column (var raw_exports): ad_stats has no id column, and its key ``ad_stat_key`` is
``<campaign_id>|<stat_date as YYYY-MM-DD>`` (CONTRACT §2), as the generator writes it in the
ground truth. A model or column that the warehouse lacks is not read: the report names it, and
its kinds show as planted and not found.

Rows are compared as multisets of (entity, kind, record_key): a key conflict rejects every row
of the key, and the ground truth lists each of them. true positives = rows in both, false
positives = found but not planted, false negatives = planted but not found; recall = TP / (TP +
FN), precision = TP / (TP + FP), empty when the denominator is 0.

Every run is stored in ``<out>.json`` (keyed by members, plant rate, seed and format; a rerun
replaces its entry) and ``<out>`` (Markdown) is rendered from all stored runs. Text between
``<!-- notes -->`` and ``<!-- /notes -->`` in the Markdown file is kept.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from commops import contract, dbt_cli
from commops.duckdb_plugin import synthetic_salt_env

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path("docs/detection.md")
RECALL_TARGET = 0.95
PRECISION_TARGET = 0.90
ENTITIES = contract.entities()
KEYS = {entity: export.key for entity, export in contract.raw_exports().items()}
#: entity -> its flag model, and kind -> (staging column, entities whose staging model has it):
#: where dq_checks finds CONTRACT §6's flags and staged checks (vars flag_models, staged_checks).
FLAG_MODELS: dict[str, str] = dict(contract.var("flag_models"))
STAGING_FLAGS: dict[str, tuple[str, tuple[str, ...]]] = {
    kind: (spec["column"], tuple(spec["entities"]))
    for kind, spec in contract.var("staged_checks").items()
}

NOTES_START, NOTES_END = "<!-- notes -->", "<!-- /notes -->"

Row = tuple[str, str, str]  # entity, kind, record_key


@dataclass(frozen=True)
class KindScore:
    """Detection of one kind of planted problem in one entity."""

    entity: str
    kind: str
    planted: int
    found: int
    true_positives: int

    @property
    def false_positives(self) -> int:
        return self.found - self.true_positives

    @property
    def false_negatives(self) -> int:
        return self.planted - self.true_positives

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.planted if self.planted else None

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.found if self.found else None

    @property
    def meets_targets(self) -> bool:
        """Recall and precision at their targets (a side with nothing to measure passes)."""
        recall_ok = self.recall is None or self.recall >= RECALL_TARGET
        precision_ok = self.precision is None or self.precision >= PRECISION_TARGET
        return recall_ok and precision_ok

    def to_json(self) -> dict[str, object]:
        return {
            **asdict(self),
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "recall": self.recall,
            "precision": self.precision,
            "meets_targets": self.meets_targets,
        }


@dataclass
class DetectionRun:
    """One generated, built and scored export."""

    members: int
    plant_rate: float
    seed: int
    format: str
    raw_rows: dict[str, int]
    scores: list[KindScore]
    seconds: dict[str, float] = field(default_factory=dict)
    finished_at: str = ""
    unread: list[str] = field(default_factory=list)  # models and columns the warehouse lacks

    @property
    def key(self) -> str:
        return (
            f"members={self.members} plant_rate={self.plant_rate:g} seed={self.seed} {self.format}"
        )

    @property
    def failing(self) -> list[KindScore]:
        return [s for s in self.scores if not s.meets_targets]

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "members": self.members,
            "plant_rate": self.plant_rate,
            "seed": self.seed,
            "format": self.format,
            "raw_rows": self.raw_rows,
            "seconds": self.seconds,
            "finished_at": self.finished_at,
            "unread": self.unread,
            "scores": [s.to_json() for s in self.scores],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> DetectionRun:
        fields = ("entity", "kind", "planted", "found", "true_positives")
        scores = [
            KindScore(**{k: s[k] for k in fields})  # type: ignore[arg-type]
            for s in data["scores"]  # type: ignore[union-attr]
        ]
        return cls(
            members=int(data["members"]),  # type: ignore[arg-type]
            plant_rate=float(data["plant_rate"]),  # type: ignore[arg-type]
            seed=int(data["seed"]),  # type: ignore[arg-type]
            format=str(data["format"]),
            raw_rows=dict(data["raw_rows"]),  # type: ignore[arg-type]
            scores=scores,
            seconds=dict(data.get("seconds") or {}),  # type: ignore[arg-type]
            finished_at=str(data.get("finished_at") or ""),
            unread=list(data.get("unread") or []),  # type: ignore[call-overload]
        )


# --------------------------------------------------------------------------- generate and build


def generate(
    out: Path, truth: Path, *, members: int, seed: int, plant_rate: float, fmt: str = "csv"
) -> None:
    """Write a planted export and its ground truth with commops.generate."""
    from commops import generate as generator

    argv = [
        "--members", str(members),
        "--seed", str(seed),
        "--out", str(out),
        "--format", fmt,
        "--plant-rate", repr(plant_rate),
        "--truth", str(truth),
    ]  # fmt: skip
    status = generator.main(argv)
    if status != 0:
        raise RuntimeError(f"commops.generate {' '.join(argv)} exited with {status}")


def build(
    raw_dir: Path,
    warehouse: Path,
    *,
    project_dir: Path = PROJECT_DIR,
    variables: dict[str, object] | None = None,
) -> None:
    """Build the models (and the reference seeds) from raw_dir into warehouse with dbt.

    Data tests and unit tests are left out: they check the models, and a failing one would only
    skip models whose findings are scored here. The dbt output goes to <warehouse>.dbt.log.
    """
    work = warehouse.parent
    work.mkdir(parents=True, exist_ok=True)
    env = {
        "COMMOPS_DUCKDB_PATH": str(warehouse),
        "COMMOPS_TEMP_DIR": str(work / "tmp"),
        "RAW_DIR": str(raw_dir),
        **synthetic_salt_env(),
    }
    log = warehouse.with_suffix(".dbt.log")
    done = dbt_cli.run(
        ["build", "--exclude", "raw_*", "--resource-type", "seed", "--resource-type", "model"],
        env=env,
        project_dir=project_dir,
        target_path=work / f"target_{warehouse.stem}",
        log_path=work / f"logs_{warehouse.stem}",
        variables=variables,
        output=log,
    )
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise RuntimeError(f"dbt build of {raw_dir} failed (exit {done.returncode}):\n{tail}")


# --------------------------------------------------------------------------- what was found


Relation = tuple[str, str]  # schema, table
Columns = dict[Relation, set[str]]


def key_sql(entity: str, columns: set[str]) -> str:
    """The record_key of a row of one of entity's models with these columns."""
    return "record_key" if "record_key" in columns else KEYS[entity]


def findings_sql(columns: Columns) -> tuple[str, list[str]]:
    """(entity, kind, record_key, copies) of each row the warehouse rejected, collapsed, flagged,
    from the relations and columns it has; and what it lacks, as `schema.table[.column]`."""
    parts = ["select entity, reason as kind, record_key, 1 as copies from marts.rejected_rows"]
    unread: list[str] = []

    def add(relation: Relation, sql: str, column: str | None = None) -> None:
        name = ".".join(relation)
        if relation not in columns:
            unread.append(name)
        elif column is not None and column not in columns[relation]:
            unread.append(f"{name}.{column}")
        else:
            parts.append(sql)

    for entity in ENTITIES:
        screened = ("staging", f"base_raw__{entity}_screened")
        key = key_sql(entity, columns.get(screened, set()))
        add(
            screened,
            f"select '{entity}' as entity, 'collapsed_duplicate' as kind, {key} as record_key,"
            f" raw_copies - 1 as copies from {'.'.join(screened)} where raw_copies > 1",
        )
        flags = ("intermediate", FLAG_MODELS[entity])
        key = key_sql(entity, columns.get(flags, set()))
        add(
            flags,
            f"select '{entity}' as entity, reason as kind, {key} as record_key, 1 as copies"
            f" from {'.'.join(flags)}",
        )
    for kind, (column, entities) in STAGING_FLAGS.items():
        for entity in entities:
            staged = ("staging", f"stg_raw__{entity}")
            key = key_sql(entity, columns.get(staged, set()))
            add(
                staged,
                f"select '{entity}' as entity, '{kind}' as kind, {key} as record_key,"
                f" 1 as copies from {'.'.join(staged)} where {column}",
                column,
            )
    return "\nunion all\n".join(parts), unread


def read_columns(con: duckdb.DuckDBPyConnection) -> Columns:
    columns: Columns = {}
    rows = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns"
    ).fetchall()
    for schema, table, column in rows:
        columns.setdefault((str(schema), str(table)), set()).add(str(column))
    return columns


def read_findings(warehouse: Path) -> tuple[Counter[Row], list[str]]:
    """What the warehouse found, and the models and columns it lacks (not read)."""
    found: Counter[Row] = Counter()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sql, unread = findings_sql(read_columns(con))
        for entity, kind, key, copies in con.execute(sql).fetchall():
            found[(str(entity), str(kind), "" if key is None else str(key))] += int(copies)
    return found, unread


def read_raw_rows(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select entity, raw_rows from marts.staging_row_counts").fetchall()
    return {str(entity): int(n) for entity, n in rows}


def read_truth(path: Path) -> Counter[Row]:
    import csv

    truth: Counter[Row] = Counter()
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            truth[(row["entity"], row["kind"], row["record_key"] or "")] += 1
    return truth


def score(found: Counter[Row], truth: Counter[Row]) -> list[KindScore]:
    """Per (entity, kind): planted, found and true positives, in entity then kind order."""
    groups = {(entity, kind) for entity, kind, _ in (*found, *truth)}
    order = {entity: i for i, entity in enumerate(ENTITIES)}
    scores = []
    for entity, kind in sorted(groups, key=lambda g: (order.get(g[0], 99), g[0], g[1])):

        def of(rows: Counter[Row], entity: str = entity, kind: str = kind) -> Counter[str]:
            return Counter({r[2]: n for r, n in rows.items() if r[0] == entity and r[1] == kind})

        planted, seen = of(truth), of(found)
        scores.append(
            KindScore(
                entity=entity,
                kind=kind,
                planted=sum(planted.values()),
                found=sum(seen.values()),
                true_positives=sum((planted & seen).values()),
            )
        )
    return scores


def run(
    *,
    members: int,
    plant_rate: float,
    seed: int,
    fmt: str = "csv",
    work: Path,
    variables: dict[str, object] | None = None,
    log: bool = False,
) -> DetectionRun:
    """Generate, build and score one planted export in work (which keeps the files)."""

    def say(message: str) -> None:
        if log:
            print(f"detection: {message}", file=sys.stderr, flush=True)

    work.mkdir(parents=True, exist_ok=True)
    raw_dir, truth_path, warehouse = work / "raw", work / "ground_truth.csv", work / "detect.duckdb"
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    say(f"generating {members:,} members, plant rate {plant_rate:g}, seed {seed} in {raw_dir}")
    generate(raw_dir, truth_path, members=members, seed=seed, plant_rate=plant_rate, fmt=fmt)
    seconds["generate"] = round(time.perf_counter() - clock, 1)
    clock = time.perf_counter()
    say(f"building {warehouse}")
    build(raw_dir, warehouse, variables=variables)
    seconds["build"] = round(time.perf_counter() - clock, 1)
    clock = time.perf_counter()
    found, unread = read_findings(warehouse)
    if unread:
        say(f"not in the warehouse, not read: {', '.join(unread)}")
    scores = score(found, read_truth(truth_path))
    seconds["score"] = round(time.perf_counter() - clock, 1)
    return DetectionRun(
        members=members,
        plant_rate=plant_rate,
        seed=seed,
        format=fmt,
        raw_rows=read_raw_rows(warehouse),
        scores=scores,
        seconds=seconds,
        finished_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        unread=unread,
    )


# --------------------------------------------------------------------------- report


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def markdown_table(scores: Sequence[KindScore]) -> list[str]:
    lines = [
        "| entity | kind | planted | found | TP | FP | FN | recall | precision | targets |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|:-:|",
    ]
    for s in scores:
        lines.append(
            f"| {s.entity} | {s.kind} | {s.planted:,} | {s.found:,} | {s.true_positives:,} | "
            f"{s.false_positives:,} | {s.false_negatives:,} | {_ratio(s.recall)} | "
            f"{_ratio(s.precision)} | {'met' if s.meets_targets else '**missed**'} |"
        )
    total = KindScore(
        "all",
        "all",
        sum(s.planted for s in scores),
        sum(s.found for s in scores),
        sum(s.true_positives for s in scores),
    )
    lines.append(
        f"| **all** | | {total.planted:,} | {total.found:,} | {total.true_positives:,} | "
        f"{total.false_positives:,} | {total.false_negatives:,} | {_ratio(total.recall)} | "
        f"{_ratio(total.precision)} | |"
    )
    return lines


def render(runs: Iterable[DetectionRun], notes: str) -> str:
    lines = [
        "# Detection of planted problems",
        "",
        "How many of the rows `commops.generate` plants (its ground truth: entity, record_key,",
        "kind) the warehouse rejects, collapses or flags under the same kind, per entity and",
        "kind. Written by `python -m commops.detection` (see its docstring for where each kind",
        "is read in the warehouse); rows are compared as multisets of (entity, kind, record_key).",
        f"Targets: recall ≥ {RECALL_TARGET:.2f} and precision ≥ {PRECISION_TARGET:.2f} per kind.",
        "",
    ]
    for r in sorted(runs, key=lambda r: (r.members, r.plant_rate, r.seed, r.format)):
        raw = ", ".join(f"{e} {r.raw_rows.get(e, 0):,}" for e in ENTITIES)
        took = ", ".join(f"{k} {v:,.0f} s" for k, v in r.seconds.items())
        missed = ", ".join(f"{s.entity}.{s.kind}" for s in r.failing) or "none"
        lines += [
            f"## {r.members:,} members, plant rate {r.plant_rate:g}, seed {r.seed} ({r.format})",
            "",
            f"Command: `python -m commops.detection --members {r.members} --plant-rate "
            f"{r.plant_rate:g} --seed {r.seed}"
            + ("" if r.format == "csv" else " --format parquet")
            + "`",
            "",
            f"Raw rows: {raw}. Time: {took}. Run {r.finished_at}.",
            "",
            f"Kinds missing a target: {missed}.",
            "",
            *([f"Not in the warehouse, not read: {', '.join(r.unread)}.", ""] if r.unread else []),
            *markdown_table(r.scores),
            "",
        ]
    lines += [NOTES_START, notes.strip("\n"), NOTES_END, ""]
    return "\n".join(lines)


def read_notes(md: Path) -> str:
    if not md.is_file():
        return ""
    text = md.read_text(encoding="utf-8")
    start, end = text.find(NOTES_START), text.find(NOTES_END)
    if start < 0 or end < start:
        return ""
    return text[start + len(NOTES_START) : end].strip("\n")


def write_report(result: DetectionRun, md: Path) -> Path:
    """Store result in md's JSON beside it (replacing a run with the same key), render md."""
    store = md.with_suffix(".json")
    runs: dict[str, DetectionRun] = {}
    if store.is_file():
        for item in json.loads(store.read_text(encoding="utf-8")).get("runs", []):
            loaded = DetectionRun.from_json(item)
            runs[loaded.key] = loaded
    runs[result.key] = result
    ordered = sorted(runs.values(), key=lambda r: (r.members, r.plant_rate, r.seed, r.format))
    md.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "recall_target": RECALL_TARGET,
        "precision_target": PRECISION_TARGET,
        "runs": [r.to_json() for r in ordered],
    }
    store.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md.write_text(render(ordered, read_notes(md)), encoding="utf-8")
    return store


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m commops.detection",
        description="Score the warehouse's rejects and flags against the generator's ground truth.",
    )
    parser.add_argument("--members", type=int, required=True, help="members to generate")
    parser.add_argument("--plant-rate", type=float, required=True, help="share per planted kind")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown report")
    parser.add_argument(
        "--work", type=Path, help="keep the export and warehouse here (default: a temp folder)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one detection; 0 when every kind meets its targets, 1 when one misses, 2 on error."""
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="commops-detection-"))
    try:
        result = run(
            members=args.members,
            plant_rate=args.plant_rate,
            seed=args.seed,
            fmt=args.format,
            work=work,
            log=True,
        )
    except Exception as exc:
        print(f"detection: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    store = write_report(result, args.out)
    print("\n".join(markdown_table(result.scores)))
    print(f"Written: {args.out}, {store}")
    for s in result.failing:
        print(
            f"MISSED {s.entity}.{s.kind}: recall {_ratio(s.recall)}, precision "
            f"{_ratio(s.precision)}",
            file=sys.stderr,
        )
    return 1 if result.failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
