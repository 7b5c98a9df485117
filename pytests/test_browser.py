"""The headless-Chromium harness (pytests/browser.py) can fail: it sees what a page loads from
outside the machine, blocks it, and reports what went wrong in the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytests.browser import CHROMIUM, Browser

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
CDN_STYLES = "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"


def test_a_page_that_needs_the_network_is_caught(tmp_path: Path) -> None:
    local = tmp_path / "local.css"
    local.write_text("td { color: rgb(1, 2, 3); }", encoding="utf-8")
    page_file = tmp_path / "page.html"
    page_file.write_text(
        f'<html><head><link rel="stylesheet" href="{CDN_STYLES}">'
        '<link rel="stylesheet" href="local.css"></head>'
        "<body><table><tbody><tr><td>1</td></tr></tbody></table>"
        "<script>console.error('broken'); undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    with Browser(tmp_path / "profile") as browser:
        page = browser.open(page_file)
        assert [(r.url, r.type, r.blocked) for r in page.external] == [
            (CDN_STYLES, "Stylesheet", True)
        ]
        assert local.as_uri() in [r.url for r in page.requests]
        # The local stylesheet applied, the blocked one did not (Bootstrap collapses borders).
        assert page.evaluate("getComputedStyle(document.querySelector('td')).color") == (
            "rgb(1, 2, 3)"
        )
        table_border = "getComputedStyle(document.querySelector('table')).borderCollapse"
        assert page.evaluate(table_border) == "separate"
        assert any("broken" in error for error in page.errors)
        assert any("undefinedFunction" in error for error in page.errors)
