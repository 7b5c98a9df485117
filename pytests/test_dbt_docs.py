"""dbt docs a newcomer can start from: the overview page names real models and every mart, and
`make docs`'s one-file site opens from file:// with no network, showing the catalog BI tools see
(`commops.marts.*`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from commops import build
from pytests.chromium import Chromium
from pytests.dbtrun import PROJECT_DIR, DbtResult, run_dbt

OVERVIEW = PROJECT_DIR / "models" / "overview.md"
SHOWN = "document.body.innerText"


def overview_links(kind: str) -> set[str]:
    """The names the overview links to as `#!/<kind>/<kind>.commops.<name>`."""
    text = OVERVIEW.read_text(encoding="utf-8")
    return set(re.findall(rf"#!/{kind}/{kind}\.commops\.(\w+)\)", text))


def test_the_overview_is_the_docs_front_page() -> None:
    text = OVERVIEW.read_text(encoding="utf-8")
    assert text.startswith("{% docs __overview__ %}") and text.rstrip().endswith("{% enddocs %}")


def test_the_overview_links_to_models_that_exist() -> None:
    models = {path.stem for path in (PROJECT_DIR / "models").rglob("*.sql")}
    assert overview_links("model") <= models, overview_links("model") - models
    sources = {
        source["name"]
        for path in (PROJECT_DIR / "models").rglob("*.yml")
        for source in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("sources", [])
    }
    assert overview_links("source") <= sources
    exposures = {
        exposure["name"]
        for path in (PROJECT_DIR / "models").rglob("*.yml")
        for exposure in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(
            "exposures", []
        )
    }
    assert overview_links("exposure") <= exposures


def test_the_overview_names_every_mart() -> None:
    marts = {path.stem for path in (PROJECT_DIR / "models" / "marts").rglob("*.sql")}
    assert marts <= overview_links("model"), marts - overview_links("model")


def test_make_docs_writes_the_static_site() -> None:
    makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndocs:", 1)[1].split("\n\n", 1)[0]
    assert "dbt docs generate --static" in recipe
    assert "target/static_index.html reports/dbt_docs.html" in recipe


def test_static_docs_open_offline_with_the_published_catalog_name(
    demo_build: DbtResult, browser: Chromium, tmp_path: Path
) -> None:
    # A copy of the demo warehouse under the working file's name, as `make build` leaves it.
    warehouse = tmp_path / Path(build.DEFAULT_WORKING).name
    shutil.copy2(demo_build.warehouse, warehouse)
    done = run_dbt(["docs", "generate", "--static"], warehouse=warehouse)
    assert done.returncode == 0, done.output[-4000:]
    site = (done.target / "static_index.html").as_uri()
    front = browser.open(site)
    assert front.wait_for(f"{SHOWN}.includes('Where to start')"), front.evaluate(SHOWN)[:2000]
    assert "The lineage in words" in front.evaluate(SHOWN)
    model = browser.open(site + "#!/model/model.commops.dim_members")
    assert model.wait_for(f"{SHOWN}.includes('commops.marts.dim_members')"), model.evaluate(SHOWN)[
        :2000
    ]
    assert "build.marts" not in model.evaluate(SHOWN)
    for page in (front, model):
        assert page.log.blocked == []  # every request not for a local file is failed and listed
        # dbt-docs' own page asks for a few file:// URLs it never fills in (its favicon, icon
        # templates before Angular renders them); the browser logs each as a failed load. No
        # script error, and nothing outside the file.
        assert [e for e in page.log.errors if e.startswith(("console.", "exception:"))] == []
