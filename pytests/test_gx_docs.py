"""The Great Expectations Data Docs work with no network (every file GX links from a CDN is
shipped, commops/gx_docs_assets/, and every page points at the copies), name each run after its
build, and say what each result means in the words of dq_checks.

The demo's site is rendered in headless Chromium (pytests/chromium.py) with every request that is
not for a local file failed: the index and a validation page must show styled tables and load no
stylesheet, script or font from outside the site.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import great_expectations
import pytest

from commops import gx_docs, gx_findings, gx_run
from pytests.chromium import Chromium, Page
from pytests.dbtrun import DbtResult
from pytests.test_gx_run import CLEAN_SUITE, MEMBERS_SQL, make_warehouse, write_suite

REPO = Path(__file__).resolve().parents[1]
GX_VIEWS = Path(great_expectations.__file__).parent / "render" / "view"

#: In the page: is Bootstrap's stylesheet applied (tables collapse their borders, the browser's
#: default is `separate`), did bootstrap-table's script run (it wraps each table it draws), did
#: the Font Awesome font load, and how many rows do the tables hold.
STYLED = """({
  collapsed: [...document.querySelectorAll('table')]
    .filter(t => getComputedStyle(t).borderCollapse === 'collapse').length,
  tables: document.querySelectorAll('table').length,
  drawn: document.querySelectorAll('.bootstrap-table').length,
  rows: document.querySelectorAll('table tbody tr').length,
  icons: document.fonts.check('900 16px "Font Awesome 6 Free"'),
  text: document.body.innerText,
})"""

# --- the assets ---------------------------------------------------------------------------------


def cdn_links_of_gx() -> set[str]:
    """Every URL that GX's page templates and default styles make a page load by itself."""
    found: set[str] = set()
    for path in [*GX_VIEWS.glob("templates/*.j2"), *GX_VIEWS.glob("static/styles/*.css")]:
        found |= set(gx_docs.external_loads(path.read_text(encoding="utf-8")))
    return found


def test_every_file_gx_links_from_a_cdn_is_shipped() -> None:
    """A GX upgrade that links a new file fails here, before a site silently needs a network."""
    links = cdn_links_of_gx()
    assert links, "the templates moved: this test no longer sees what GX links"
    shipped = set(gx_docs.ASSETS) | set(gx_docs.CHART_SCRIPTS)
    images = {url for url in links if url.startswith(gx_docs.S3_IMAGES)}
    assert links - images <= shipped, links - images - shipped
    assert {url.split("?")[0].removeprefix(gx_docs.S3_IMAGES) for url in images} <= set(
        gx_docs.IMAGES
    )
    for shipped_file in gx_docs.ASSETS.values():
        assert (gx_docs.ASSETS_DIR / shipped_file).is_file(), shipped_file
    for image in gx_docs.IMAGES.values():
        assert (GX_VIEWS / "static" / "images" / image).is_file(), image


def test_localise_points_pages_at_the_copies(tmp_path: Path) -> None:
    site = tmp_path / "site"
    page = site / "validations" / "s" / "run" / "page.html"
    cdn = "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js"
    html = (
        f'<script src="{cdn}" integrity="sha384-x" crossorigin="anonymous"></script>'
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>'
        f'<img src="{gx_docs.S3_IMAGES}logo-long.png?d=1">'
        '<link rel="shortcut icon" href="../../static/images/favicon.ico"/>'
        '<a href="https://greatexpectations.io">GX</a>'
    )
    local = gx_docs.localise(html, page, site)
    assert (
        '<script src="../../../static/vendor/bootstrap-4.3.1/bootstrap.min.js"></script>' in local
    )
    assert 'src="../../../static/images/logo-long.png"' in local
    assert 'href="../../../static/images/favicon.ico"' in local
    assert "vega" not in local
    assert 'href="https://greatexpectations.io"' in local  # a link a reader clicks stays
    assert gx_docs.external_loads(local) == []
    charted = gx_docs.localise(html + "<script>vegaEmbed('#g', spec)</script>", page, site)
    assert gx_docs.external_loads(charted) == ["https://cdn.jsdelivr.net/npm/vega@5"]


# --- the run's name -----------------------------------------------------------------------------

BUILT_AT = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)
HISTORY_SQL = [
    "create schema intermediate",
    "create table intermediate.int_as_of_date as select date '2025-09-30' as as_of_date",
    "create schema ops",
    "create table ops.run_history as select timestamp '2026-11-20 22:05:00' as run_at",
]


def test_run_name() -> None:
    name = gx_run.run_name(date(2025, 9, 30), BUILT_AT)
    assert name == "as_of_date 2025-09-30, built 2026-11-23 06h30 UTC"
    assert gx_run.run_name(None, BUILT_AT).startswith("as_of_date unknown, built ")


def run_names(docs: Path) -> set[str]:
    """The run folders of the site's validation pages (validations/<suite, one folder per dotted
    part>/<run>/<time>/<batch>.html)."""
    return {page.relative_to(docs).parts[-3] for page in docs.glob("validations/**/*.html")}


def test_each_run_is_named_after_its_build(tmp_path: Path) -> None:
    """A working file built by commops.build records when (ops.run_history) and its
    as_of_date; a time given with --built-at (what the build passes) wins."""
    warehouse = make_warehouse(tmp_path / "w.duckdb", [*MEMBERS_SQL, *HISTORY_SQL])
    suites = gx_run.load_suites(write_suite(tmp_path / "suites", "marts", CLEAN_SUITE).parent)
    recorded = gx_run.validate(warehouse, suites, tmp_path / "docs")
    assert recorded.run_name == "as_of_date 2025-09-30, built 2026-11-20 22h05 UTC"
    assert run_names(tmp_path / "docs") == {recorded.run_name}
    assert recorded.to_json()["run_name"] == recorded.run_name
    given = gx_run.validate(warehouse, suites, tmp_path / "docs", built_at=BUILT_AT)
    assert given.run_name == "as_of_date 2025-09-30, built 2026-11-23 06h30 UTC"
    assert run_names(tmp_path / "docs") == {given.run_name}


# --- the words of dq_checks ---------------------------------------------------------------------


def one_row(status: str, value: float | None = None) -> dict:
    """What GX observes of a one-row batch (SUMMARY result format)."""
    if status == "passed":
        return {"element_count": 1, "unexpected_count": 0, "partial_unexpected_list": []}
    return {"element_count": 1, "unexpected_count": 1, "partial_unexpected_list": [value]}


ZERO = {"min_value": 0, "max_value": 0}


@pytest.mark.parametrize(
    ("check", "entity", "value", "said"),
    [
        (
            "unparseable_timestamp",
            "members",
            8,
            "members: 8 rows rejected for unparseable_timestamp",
        ),
        ("collapsed_duplicate", "loans", 1, "loans: 1 row collapsed into an exact duplicate"),
        ("row_balance", "spend", 3, "spend: 3 rows unaccounted for (row_balance: raw − staged"),
        ("shared_phone", "members", 12.0, "members: 12 rows flagged shared_phone"),
        ("unmapped_channel", "ad_stats", 1234, "ad_stats: 1,234 rows staged with unmapped_channel"),
        ("no_such_check", "members", 2, "members: 2 rows hit by no_such_check"),
    ],
)
def test_a_failed_check_says_what_its_rows_are(
    check: str, entity: str, value: float, said: str
) -> None:
    meta = {"check_name": check, "entity": entity, "description": "ignored"}
    column = f"{entity}__{check}"
    text = gx_findings.finding(meta, ZERO, column, "failed", one_row("failed", value))
    assert text is not None and text.startswith(said) and text.endswith(", expected 0")


def test_passed_and_unrun_checks_say_the_rule() -> None:
    meta = {"check_name": "unparseable_timestamp", "entity": "events"}
    passed = gx_findings.finding(meta, ZERO, "c", "passed", one_row("passed"))
    assert passed == "events: 0 rows rejected for unparseable_timestamp, expected 0"
    assert (
        gx_findings.rule(meta, ZERO)
        == "events: rows rejected for unparseable_timestamp, expected 0"
    )
    assert gx_findings.finding(meta, ZERO, "c", "errored", {}) is None


def test_other_expectations_say_their_description_and_what_was_found() -> None:
    share = {"description": "share of members flagged shared_phone (…) ≤ 1%"}
    kwargs = {"min_value": 0, "max_value": 0.01}
    found = gx_findings.finding(
        share, kwargs, "shared_phone_share", "failed", one_row("failed", 0.0136)
    )
    assert found == "share of members flagged shared_phone (…) ≤ 1%: found 1.36 %"
    unique = {"description": "at most 1 % of members rows repeat a key."}
    observed = {
        "element_count": 1508,
        "unexpected_count": 16,
        "unexpected_percent": 1.061,
        "partial_unexpected_list": ["M1", "M1", "M2"],
    }
    assert gx_findings.finding(unique, {"mostly": 0.99}, "member_id", "failed", observed) == (
        "at most 1 % of members rows repeat a key: "
        "16 unexpected of 1,508 rows (1.06 %), e.g. M1, M2"
    )
    assert gx_findings.finding({}, kwargs, "x", "failed", one_row("failed", 2)) is None


# --- the site of the demo, offline --------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_docs(demo_build: DbtResult, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The Data Docs of the shipped suites on the demo warehouse, and the run's name."""
    docs = tmp_path_factory.mktemp("gx") / "gx_docs"
    suites = gx_run.load_suites(REPO / "expectations")
    report = gx_run.validate(demo_build.warehouse, suites, docs, built_at=BUILT_AT)
    assert report.docs_error is None
    assert report.warnings == [], report.warnings  # nothing left to load from a network
    with demo_build.connect() as con:
        as_of = con.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0]
    assert report.run_name == gx_run.run_name(as_of, BUILT_AT)
    return docs, report.run_name


def validation_page(docs: Path, name: str) -> Path:
    pages = sorted(docs.glob(f"validations/**/{name}/**/*.html"))
    assert len(pages) == 1, pages
    return pages[0]


def assert_offline_and_styled(page: Page, site: Path) -> dict:
    """No request left the machine or the site; Bootstrap, bootstrap-table and the icon font
    all loaded from the site's own copies; nothing failed."""
    assert page.log.blocked == []
    root = site.resolve().as_uri() + "/"
    files = [url for url in page.log.requests if url.startswith("file:")]
    assert all(url.startswith(root) for url in files), files
    vendored = {url.rsplit(".", 1)[-1] for url in files if "/static/vendor/" in url}
    assert vendored >= {"css", "js", "woff2"}, vendored
    assert page.log.errors == []
    assert page.wait_for(f"{STYLED}.drawn > 0", timeout=10), page.evaluate(STYLED)
    styled = page.evaluate(STYLED)
    assert styled["collapsed"] == styled["tables"] > 0
    assert styled["icons"] is True
    assert styled["rows"] > 0
    return styled


def test_data_docs_render_offline(demo_docs: tuple[Path, str], browser: Chromium) -> None:
    docs, run = demo_docs
    index = assert_offline_and_styled(browser.open((docs / "index.html").as_uri()), docs)
    assert run in index["text"] and "__none__" not in index["text"]
    checks = validation_page(docs, "dq_checks_by_check")
    text = assert_offline_and_styled(browser.open(checks.as_uri()), docs)["text"]
    assert run in text
    # The planted problems of the demo, said as dq_checks says them.
    assert re.search(r"members: \d+ rows rejected for unparseable_timestamp, expected 0", text)
    assert re.search(r"spend: \d+ rows flagged duplicate_invoice, expected 0", text)
    assert "values must be" not in text and "Unexpected Value" not in text


def test_a_file_that_cannot_say_when_it_was_built_is_still_checked(tmp_path: Path) -> None:
    """A build_info without the columns the name needs (an older layout) names the run
    'unknown' and from the file's time; the checks run all the same."""
    old_layout = ["create schema marts", "create table marts.build_info as select 1 as entity"]
    warehouse = make_warehouse(tmp_path / "w.duckdb", [*MEMBERS_SQL, *old_layout])
    suites = gx_run.load_suites(write_suite(tmp_path / "suites", "marts", CLEAN_SUITE).parent)
    report = gx_run.validate(warehouse, suites, tmp_path / "docs")
    assert report.run_name.startswith("as_of_date unknown, built ")
    assert report.exit_code == gx_run.EXIT_OK
