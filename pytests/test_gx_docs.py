"""The Great Expectations Data Docs work with no network: every file GX links from a CDN is
shipped (commops/gx_docs_assets/) and every page points at the copies."""

from __future__ import annotations

from pathlib import Path

import great_expectations

from commops import gx_docs

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
