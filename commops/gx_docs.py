"""Make a Great Expectations Data Docs site work with no network.

GX 1.x writes pages that load Bootstrap, jQuery, bootstrap-table, Font Awesome and more from
public CDNs (and its logo from S3); offline, the index is an unstyled, empty list, and GX
declined to bundle them. The project ships the files GX links (``commops/gx_docs_assets/``,
taken from the npm packages named there, licences beside them), and :func:`make_offline`,
run after every Data Docs build:

* copies them into the site (``static/vendor/``) and points every page at the copies, with
  relative links, so the site can be moved or zipped as a whole;
* drops the ``integrity`` and ``crossorigin`` attributes of those tags: a page opened from
  file:// has no origin, so Chromium refuses a ``crossorigin`` script from a file;
* points the logo at GX's own copy in ``static/images/``, and the favicon link of a
  validation page at it too (GX writes it one folder short);
* drops the Vega scripts from pages that draw no chart (GX draws Vega charts only for
  expect_column_distinct_values_to_be_in_set and expect_column_kl_divergence_to_be_less_than,
  which no suite uses; Vega is not shipped);
* returns a warning for anything a page would still load from the network (a GX upgrade that
  links a new file, a page that draws a chart).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

#: The shipped files: one folder per npm package and version.
ASSETS_DIR = Path(__file__).resolve().parent / "gx_docs_assets"
#: Where the site keeps its copies of them.
SITE_VENDOR = Path("static") / "vendor"
#: What GX 1.x links from a CDN -> the shipped copy (relative to ASSETS_DIR).
ASSETS = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap-4.3.1/bootstrap.min.css"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap-4.3.1/bootstrap.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table-1.19.1/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table-1.19.1/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": (
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.js"
    ),
    # GX links the filter-control styles of 1.19.0 (1.19.0 and 1.19.1 ship the same rules).
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": (
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": (
        "bootstrap-table-1.19.0/bootstrap-table-filter-control.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": ("bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": ("bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.js"),
    # The minified build of the same stylesheet (GX links the unminified one, 6 times larger).
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": ("bootstrap-dark-1.1.0/bootstrap-prefers-dark.min.css"),
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js-1.12.9/popper.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome-free-6.6.0/css/all.min.css"
    ),
}
#: Images GX loads from its S3 bucket -> its own copy in the site's static/images/.
S3_IMAGES = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
IMAGES = {"logo-long.png": "logo-long.png", "full_logo_dark.png": "logo-long.png"}
#: Scripts only a page that draws a Vega chart needs (not shipped).
CHART_SCRIPTS = (
    "https://cdn.jsdelivr.net/npm/vega@5",
    "https://cdn.jsdelivr.net/npm/vega-lite@5",
    "https://cdn.jsdelivr.net/npm/vega-embed@6",
)

_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)
_SRI = re.compile(r"\s+(?:integrity|crossorigin)=(?:\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
_S3_IMAGE = re.compile(re.escape(S3_IMAGES) + r"([A-Za-z0-9_.-]+)(?:\?[^\"')\s]*)?")
_SITE_IMAGE_LINK = re.compile(r"href=\"(?:\./|(?:\.\./)+)?static/images/([A-Za-z0-9_.-]+)\"")
#: What a page loads by itself: script and img sources, link hrefs, CSS url() and @import.
_LOADED = re.compile(
    r"<(?:script|img|source|iframe)\b[^>]*?\bsrc=[\"']?((?:https?:)?//[^\"'\s>]+)"
    r"|<link\b[^>]*?\bhref=[\"']?((?:https?:)?//[^\"'\s>]+)"
    r"|url\(\s*[\"']?((?:https?:)?//[^\"')\s]+)"
    r"|@import\s+[\"']((?:https?:)?//[^\"']+)",
    re.IGNORECASE,
)


def _copy_assets(site: Path) -> None:
    """The shipped files into the site's static/vendor/ (replacing an older copy)."""
    vendor = site / SITE_VENDOR
    if vendor.exists():
        shutil.rmtree(vendor)
    shutil.copytree(ASSETS_DIR, vendor, ignore=shutil.ignore_patterns("*.md"))


def _relative(page: Path, target: Path) -> str:
    """target as a link from page, with forward slashes."""
    return Path(os.path.relpath(target, page.parent)).as_posix()


def _drop_chart_scripts(text: str) -> str:
    """Remove the Vega script tags of a page that draws no chart."""
    if "vegaEmbed(" in text:
        return text
    for url in CHART_SCRIPTS:
        text = re.sub(rf"<script\b[^>]*\bsrc=\"{re.escape(url)}\"[^>]*>\s*</script>\s*", "", text)
    return text


def localise(text: str, page: Path, site: Path) -> str:
    """One page's HTML with every shipped file linked locally (see the module docstring)."""
    text = _drop_chart_scripts(text)
    for url, shipped in ASSETS.items():
        text = text.replace(url, _relative(page, site / SITE_VENDOR / shipped))
    images = site / "static" / "images"
    text = _S3_IMAGE.sub(lambda m: _relative(page, images / IMAGES.get(m[1], m[1])), text)
    text = _SITE_IMAGE_LINK.sub(lambda m: f'href="{_relative(page, images / m[1])}"', text)
    return _TAG.sub(lambda m: _SRI.sub("", m[0]), text)


def external_loads(text: str) -> list[str]:
    """The URLs outside the site that a page loads by itself (links a reader clicks excluded)."""
    return [next(group for group in m.groups() if group) for m in _LOADED.finditer(text)]


def make_offline(site: Path) -> list[str]:
    """Ship the assets into a freshly built Data Docs site and link every page to them.

    Returns a warning per URL a page would still load from the network (none expected)."""
    _copy_assets(site)
    leftovers: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        text = localise(page.read_text(encoding="utf-8"), page, site)
        page.write_text(text, encoding="utf-8")
        for url in external_loads(text):
            leftovers.setdefault(url, []).append(page.relative_to(site).as_posix())
    return [
        f"Data Docs: {len(pages)} page(s) load {url} from the network (e.g. {pages[0]}); ship "
        f"it in {ASSETS_DIR.name}/ (commops/gx_docs.py) so the site works offline"
        for url, pages in sorted(leftovers.items())
    ]
