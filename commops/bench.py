"""Benchmark the warehouse build at a given scale (issue 6).

    python -m commops.bench [--members 100000] [--seed 7] [--late-every 10] [--late-days 2]
        [--work DIR] [--keep] [--markdown docs/benchmark.md] [--json docs/benchmark.json]

In one run, in a temporary folder that is deleted afterwards (unless --keep):

1. generate an export with commops.generate (Parquet) and cut its events into two deliveries:
   every event up to the day before the last one (part 0), and the last day plus every tenth
   event of the two days before it, arriving late (part 1);
2. **lower bound**: DuckDB reads the raw events of part 0 once and writes member-day activity
   (member, date, active events, first active time) to a table; no parsing rules, rejects or
   flags -- the least any build of the same marts must do;
3. **full build**: `dbt build --exclude raw_* --exclude-resource-type unit_test` (a production
   run: unit tests belong to CI) on part 0 (RAW_DIR with events/ as a folder of
   Parquet parts), into an empty warehouse;
4. **incremental build**: part 1 is added to the folder and the same `dbt build` runs again;
5. **rerun, nothing new**: the same `dbt build` once more on the same files: what a daily run
   costs whatever the size of its delivery (tests, member-level marts, dbt itself);
6. **GX run**: `python -m commops.gx_run --warehouse ...` on the result;
7. **floor**: the same `dbt build`, nothing new, on a small export generated alike
   (`--floor-members`, 1,000) and built once before: the same DAG with almost no data, i.e. what
   dbt itself costs per run for this project (starting, compiling and running every node). No
   daily run at any scale can be faster.

Each step runs as its own child process; its wall time and peak memory (the child's maximum
resident set size, from wait4) are recorded, with the DuckDB profile settings in force
(COMMOPS_THREADS, COMMOPS_MEMORY_LIMIT; COMMOPS_TEMP_DIR points into the work folder). The
figures go to a JSON file (one entry per scale, earlier scales kept) and a Markdown table per
scale, written between the `bench` markers of the Markdown file (text outside them is kept).
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from commops import contract, dbt_cli
from commops.duckdb_plugin import synthetic_salt_env

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_MARKDOWN = PROJECT_DIR / "docs" / "benchmark.md"
DEFAULT_JSON = PROJECT_DIR / "docs" / "benchmark.json"
BEGIN = "<!-- bench:begin (written by `make bench`; edit outside these markers) -->"
END = "<!-- bench:end -->"
#: The exports copied as they are (events are split in two parts: split_events).
ENTITIES = tuple(entity for entity in contract.entities() if entity != "events")
ACTIVE_TYPES: tuple[str, ...] = tuple(contract.var("active_event_types"))
# A production run, as dbt recommends: unit tests check the SQL against fixed rows, whatever the
# data, so they run in CI (`make test`) and not on every daily build.
PRODUCTION_BUILD_ARGS = ("--exclude-resource-type", "unit_test")
TARGETS = {
    "full_to_lower_bound": 10.0,
    "incremental_to_full": 0.10,
    "peak_rss_gib": 6.0,
}


@dataclass
class Step:
    name: str
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    exit_code: int
    command: str
    load_before: float
    slowest_nodes: list[tuple[str, float]] = field(default_factory=list)


def run_measured(
    name: str, command: list[str], env: dict[str, str], log_file: Path, cwd: Path = PROJECT_DIR
) -> Step:
    """Run a command as a child process; its wall time and peak RSS (wait4's ru_maxrss)."""
    print(f"bench: {name}: {' '.join(command)}", file=sys.stderr, flush=True)
    load_before = round(os.getloadavg()[0], 2)
    with open(log_file, "w", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    step = Step(
        name=name,
        seconds=round(seconds, 2),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 1),
        peak_rss_mib=round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        exit_code=process.returncode,
        command=" ".join(command),
        load_before=load_before,
    )
    print(
        f"bench: {name}: {step.seconds:.1f} s ({step.cpu_seconds:.0f} s CPU),"
        f" peak RSS {step.peak_rss_mib:,.0f} MiB, exit {step.exit_code}",
        file=sys.stderr,
        flush=True,
    )
    return step


def slowest_nodes(target_dir: Path, count: int = 8) -> list[tuple[str, float]]:
    """The dbt nodes that took longest (run_results.json)."""
    path = target_dir / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text(encoding="utf-8"))["results"]
    timed = sorted(
        ((r["unique_id"].split(".", 2)[-1], r["execution_time"]) for r in results),
        key=lambda item: -item[1],
    )
    return [(name, round(seconds, 2)) for name, seconds in timed[:count]]


def split_events(generated: Path, raw_dir: Path, late_every: int, late_days: int) -> dict:
    """Write events/part-000.parquet (before the last day, late events held back) and
    events/part-001.parquet (the last day and the late events); copy the other exports."""
    import duckdb

    for entity in ENTITIES:
        shutil.copy2(generated / f"{entity}.parquet", raw_dir / f"{entity}.parquet")
    events_dir = raw_dir / "events"
    events_dir.mkdir(parents=True, exist_ok=True)
    source = str(generated / "events.parquet").replace("'", "''")
    with duckdb.connect() as con:
        con.execute(
            "set threads = 2; set memory_limit = '4GB'; set preserve_insertion_order = false"
        )
        con.execute(
            f"create view events as select *, try_cast(substr(occurred_at, 1, 10) as date) as day_"
            f" from read_parquet('{source}')"
        )
        (last,) = con.execute("select max(day_) from events").fetchone()
        first_late = last - dt.timedelta(days=late_days)
        second = (
            f"(day_ = date '{last}' or (day_ >= date '{first_late}'"
            f" and hash(event_id) % {late_every} = 0))"
        )
        columns = "event_id, member_id, occurred_at, event_type, community_id, content_id"
        for index, condition in enumerate((f"not coalesce({second}, false)", second)):
            target = str(events_dir / f"part-{index:03d}.parquet").replace("'", "''")
            con.execute(
                f"copy (select {columns} from events where {condition}) to '{target}'"
                " (format parquet, compression zstd)"
            )
        counts = con.execute(
            f"select count(*) filter (where not coalesce({second}, false)),"
            f" count(*) filter (where {second}),"
            f" count(*) filter (where {second} and day_ < date '{last}')"
            " from events"
        ).fetchone()
    return {
        "last_day": str(last),
        "events_part_0": counts[0],
        "events_part_1": counts[1],
        "late_events_in_part_1": counts[2],
    }


LOWER_BOUND_SQL = """
set threads = {threads};
set memory_limit = '{memory}';
set temp_directory = '{temp}';
set preserve_insertion_order = false;
create table member_day_activity as
select
    member_id,
    cast(occurred_at as date) as activity_date,
    count(*) as active_events,
    min(occurred_at) as first_active_at
from (
    select member_id, try_cast(occurred_at as timestamp) as occurred_at, event_type
    from read_parquet('{events}')
)
where event_type in ({types}) and occurred_at is not null
group by member_id, cast(occurred_at as date);
"""


def lower_bound_main(argv: list[str]) -> int:
    """`python -m commops.bench --lower-bound EVENTS_GLOB DB`: the single pass, in a child."""
    import duckdb

    events, database = argv
    with duckdb.connect(database) as con:
        con.execute(
            LOWER_BOUND_SQL.format(
                threads=os.environ.get("COMMOPS_THREADS", "2"),
                memory=os.environ.get("COMMOPS_MEMORY_LIMIT", "4GB"),
                temp=os.environ.get("COMMOPS_TEMP_DIR", tempfile.gettempdir()).replace("'", "''"),
                events=events.replace("'", "''"),
                types=", ".join(f"'{t}'" for t in ACTIVE_TYPES),
            )
        )
        (rows,) = con.execute("select count(*) from member_day_activity").fetchone()
    print(f"member-days: {rows}")
    return 0


def lookback_days() -> int | None:
    """var activity_lookback_days as dbt_project.yml sets it."""
    return contract.project_vars().get("activity_lookback_days")


def warehouse_facts(warehouse: Path) -> dict:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = dict(
            con.execute("select entity, raw_rows from marts.staging_row_counts").fetchall()
        )
        (member_days,) = con.execute(
            "select count(*) from intermediate.int_member_activity_daily"
        ).fetchone()
    return {
        "raw_rows": counts,
        "member_days": member_days,
        "warehouse_mib": round(warehouse.stat().st_size / 2**20, 1),
    }


def measure_floor(args: argparse.Namespace, folder: Path, env: dict[str, str], dbt_build) -> Step:
    """The floor step: generate a small export, build it once, then time the same build again."""
    raw = folder / "raw"
    subprocess.run(
        [sys.executable, "-m", "commops.generate", "--members", str(args.floor_members),
         "--seed", str(args.seed), "--out", str(raw), "--format", "parquet"],
        cwd=PROJECT_DIR, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    first = dbt_build("floor_first_build", folder, raw)
    if first.exit_code != 0:
        first.name = "floor"  # reported as the floor step's failure
        return first
    return dbt_build("floor", folder, raw)


def run_bench(args: argparse.Namespace) -> dict:
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="commops_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    temp_dir = work / "duckdb_tmp"
    temp_dir.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "COMMOPS_TEMP_DIR": str(temp_dir),
        "COMMOPS_DUCKDB_PATH": str(work / "warehouse.duckdb"),
        **synthetic_salt_env(),
    }
    env.setdefault("COMMOPS_THREADS", "2")
    env.setdefault("COMMOPS_MEMORY_LIMIT", "4GB")
    env.pop("RAW_DIR", None)
    try:
        generated = work / "generated"
        print(f"bench: generating {args.members:,} members in {work}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        subprocess.run(
            [python, "-m", "commops.generate", "--members", str(args.members), "--seed",
             str(args.seed), "--out", str(generated), "--format", "parquet"],
            cwd=PROJECT_DIR, env=env, check=True,
        )  # fmt: skip
        raw_dir = work / "raw"
        raw_dir.mkdir()
        split = split_events(generated, raw_dir, args.late_every, args.late_days)
        shutil.rmtree(generated)
        part_1 = raw_dir / "events" / "part-001.parquet"
        held = work / "part-001.parquet"
        part_1.rename(held)
        setup_seconds = round(time.perf_counter() - started, 1)

        steps: list[Step] = []
        steps.append(
            run_measured(
                "lower_bound",
                [python, "-m", "commops.bench", "--lower-bound",
                 str(raw_dir / "events" / "*.parquet"), str(work / "lower_bound.duckdb")],
                env, work / "lower_bound.log",
            )
        )  # fmt: skip
        (work / "lower_bound.duckdb").unlink(missing_ok=True)

        # One target folder per warehouse, as a daily job keeps it: the first build parses the
        # project from scratch, the later ones reuse dbt's partial parse (seconds of a small run).
        def dbt_build(name: str, folder: Path = work, raw: Path = raw_dir) -> Step:
            step = run_measured(
                name,
                dbt_cli.command(
                    ["build", "--exclude", "raw_*", *PRODUCTION_BUILD_ARGS],
                    target_path=folder / "target",
                    log_path=folder / "logs",
                ),
                dbt_cli.environment(
                    {**env, "RAW_DIR": str(raw),
                     "COMMOPS_DUCKDB_PATH": str(folder / "warehouse.duckdb")}
                ),
                work / f"{name}.log",
            )  # fmt: skip
            step.slowest_nodes = slowest_nodes(folder / "target")
            return step

        steps.append(dbt_build("full_build"))
        held.rename(part_1)
        steps.append(dbt_build("incremental_build"))
        steps.append(dbt_build("rerun_build"))
        steps.append(
            run_measured(
                "gx_run",
                [python, "-m", "commops.gx_run", "--warehouse", str(work / "warehouse.duckdb"),
                 "--docs", str(work / "gx_docs"), "--summary", str(work / "gx_summary.json")],
                env, work / "gx_run.log",
            )
        )  # fmt: skip
        facts = warehouse_facts(work / "warehouse.duckdb")
        steps.append(measure_floor(args, work / "floor", env, dbt_build))
        failed = [s.name for s in steps if s.exit_code != 0]
        for name in failed:
            log = (work / f"{name}.log").read_text(encoding="utf-8", errors="replace")
            print(f"bench: {name} failed; its log ends:\n{log[-3000:]}", file=sys.stderr)
    finally:
        if args.keep:
            print(f"bench: kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    by_name = {s.name: s for s in steps}
    lower = by_name["lower_bound"].seconds
    full = by_name["full_build"].seconds
    incremental = by_name["incremental_build"].seconds
    peak = max(s.peak_rss_mib for s in steps)
    return {
        "members": args.members,
        "seed": args.seed,
        "floor_members": args.floor_members,
        "measured_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "python": platform.python_version(),
        },
        "settings": {
            "COMMOPS_THREADS": env["COMMOPS_THREADS"],
            "COMMOPS_MEMORY_LIMIT": env["COMMOPS_MEMORY_LIMIT"],
            "activity_lookback_days": lookback_days(),
        },
        "data": {**split, **facts},
        "setup_seconds": setup_seconds,
        "steps": [asdict(s) for s in steps],
        "ratios": {
            "full_to_lower_bound": round(full / lower, 1) if lower else None,
            "incremental_to_lower_bound": round(incremental / lower, 1) if lower else None,
            "incremental_to_full": round(incremental / full, 3) if full else None,
            "rerun_to_full": round(by_name["rerun_build"].seconds / full, 3) if full else None,
            "floor_to_full": round(by_name["floor"].seconds / full, 3) if full else None,
            "gx_to_lower_bound": round(by_name["gx_run"].seconds / lower, 1) if lower else None,
            "peak_rss_gib": round(peak / 1024, 2),
        },
        "failed_steps": failed,
    }


def _target_cell(name: str, value: float | None) -> str:
    target = TARGETS[name]
    if value is None:
        return "n/a"
    met = value <= target
    return f"{'met' if met else 'missed'} (target ≤ {target:g})"


def render_scale(result: dict) -> str:
    steps = {s["name"]: s for s in result["steps"]}
    ratios = result["ratios"]
    data = result["data"]
    lower = steps["lower_bound"]["seconds"]
    lines = [
        f"### {result['members']:,} members",
        "",
        f"Measured {result['measured_at']} on {result['machine']['cpus']} CPUs /"
        f" {result['machine']['memory_gib']} GiB; COMMOPS_THREADS="
        f"{result['settings']['COMMOPS_THREADS']}, COMMOPS_MEMORY_LIMIT="
        f"{result['settings']['COMMOPS_MEMORY_LIMIT']}. Raw rows after the second delivery:"
        f" {', '.join(f'{k} {v:,}' for k, v in data['raw_rows'].items())};"
        f" {data['member_days']:,} member-days; warehouse file {data['warehouse_mib']:,.0f} MiB."
        f" The appended delivery: {data['events_part_1']:,} events, of which"
        f" {data['late_events_in_part_1']:,} dated before {data['last_day']} (late).",
        "",
        "| step | seconds | × lower bound | CPU seconds | peak RSS (MiB) | load before | exit |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "lower_bound": "lower bound: one DuckDB pass over the raw events → member-day activity",
        "full_build": "full build (`dbt build`, unit tests left to CI, empty warehouse)",
        "incremental_build": "incremental build after appending one day (the same command)",
        "rerun_build": "the same command again, nothing new (a daily run's fixed cost)",
        "gx_run": "GX run (`python -m commops.gx_run`)",
        "floor": "floor: the same command, nothing new, on a {floor_members:,}-member export",
    }
    for name, label in labels.items():
        if name not in steps:  # a step added after these figures were measured
            continue
        step = steps[name]
        ratio = step["seconds"] / lower if lower else float("nan")
        label = label.format(floor_members=result.get("floor_members", 0))
        lines.append(
            f"| {label} | {step['seconds']:,.1f} | {ratio:,.1f} | {step['cpu_seconds']:,.0f}"
            f" | {step['peak_rss_mib']:,.0f} | {step['load_before']:.1f} | {step['exit_code']} |"
        )
    lines += [
        "",
        "| target | measured | |",
        "|---|---:|---|",
        f"| full build / lower bound | {ratios['full_to_lower_bound']} |"
        f" {_target_cell('full_to_lower_bound', ratios['full_to_lower_bound'])} |",
        f"| incremental build / full build | {ratios['incremental_to_full']} |"
        f" {_target_cell('incremental_to_full', ratios['incremental_to_full'])} |",
        *(
            [f"| rerun with nothing new / full build (no target) | {ratios['rerun_to_full']} | |"]
            if ratios.get("rerun_to_full") is not None
            else []
        ),
        *(
            [
                f"| floor / full build (no target: no daily run can be faster) |"
                f" {ratios['floor_to_full']} | |"
            ]
            if ratios.get("floor_to_full") is not None
            else []
        ),
        f"| peak RSS of any step (GiB) | {ratios['peak_rss_gib']} |"
        f" {_target_cell('peak_rss_gib', ratios['peak_rss_gib'])} |",
        "",
    ]
    for name in ("full_build", "incremental_build", "rerun_build"):
        nodes = steps[name]["slowest_nodes"] if name in steps else []
        if nodes:
            lines.append(
                f"Slowest nodes, {name.replace('_', ' ')}: "
                + ", ".join(f"{node} {seconds:,.1f} s" for node, seconds in nodes)
                + "."
            )
            lines.append("")
    return "\n".join(lines)


def write_outputs(result: dict, json_path: Path, markdown_path: Path) -> None:
    runs: dict[str, dict] = {}
    if json_path.exists():
        runs = json.loads(json_path.read_text(encoding="utf-8")).get("runs", {})
    runs[str(result["members"])] = result
    ordered = dict(sorted(runs.items(), key=lambda item: int(item[0])))
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(
        json.dumps({"targets": TARGETS, "runs": ordered}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    block = "\n".join([BEGIN, "", *(render_scale(r) for r in ordered.values()), END])
    if markdown_path.exists():
        text = markdown_path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            text = head + block + tail
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    else:
        text = "# Benchmark\n\n" + block + "\n"
    markdown_path.write_text(text, encoding="utf-8")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000, help="members to generate")
    parser.add_argument("--seed", type=int, default=7, help="generator seed")
    parser.add_argument(
        "--late-every", type=int, default=10, help="one in N events of the late days arrives late"
    )
    parser.add_argument(
        "--late-days", type=int, default=2, help="days before the last whose events may be late"
    )
    parser.add_argument(
        "--floor-members", type=int, default=1_000, help="members of the floor step's export"
    )
    parser.add_argument("--work", help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--markdown", type=Path, default=DEFAULT_MARKDOWN)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--lower-bound"]:
        return lower_bound_main(argv[1:])
    args = build_parser().parse_args(argv)
    result = run_bench(args)
    write_outputs(result, args.json, args.markdown)
    print(f"bench: wrote {args.markdown} and {args.json}", file=sys.stderr)
    return 1 if result["failed_steps"] else 0


if __name__ == "__main__":
    sys.exit(main())
