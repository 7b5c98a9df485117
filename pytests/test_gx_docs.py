"""The Great Expectations Data Docs work with no network (every file GX links from a CDN is
shipped, commops/gx_docs_assets/, and every page points at the copies) and name each run after
its build."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import great_expectations

from commops import gx_docs, gx_run
from pytests.test_gx_run import CLEAN_SUITE, MEMBERS_SQL, make_warehouse, write_suite

GX_VIEWS = Path(great_expectations.__file__).parent / "render" / "view"

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
