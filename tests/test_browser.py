"""The HTML report in a real browser: Debian's Chromium driven by Playwright (no browser download).

Opens the committed sample report (reports/sample/report.html, the README's first command) and a
report built from hand-made frames, filters a table, sorts it, opens a cell's evidence, and checks
a screenshot. Skips when Chromium or Playwright are missing locally; under CI=true that is a failure.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("PROVENANCE_CHROMIUM", "/usr/bin/chromium")
# Flags for a headless run on a closed network as root (see the machine notes in the README).
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
SAMPLE_REPORT = REPO / "reports" / "sample" / "report.html"
VIEWPORT = {"width": 1280, "height": 900}
FIGURE_YELLOW = (0xFF, 0xE0, 0x8A)  # mark.m-figure in report.css


def _need(ok: bool, why: str) -> None:
    if ok:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{why}; CI=true, so this is a failure, not a skip (.ci/run installs it)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need(False, "the playwright Python package is not installed (pip install -e '.[dev]')")
    _need(Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None,
          f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def built_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from report_frames import matched_frames

    from provenance.config import load_config
    from provenance.report.html import write_html

    out = tmp_path_factory.mktemp("report")
    return write_html(matched_frames(), out, load_config())


def _open(browser: Any, path: Path) -> Any:
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: errors.append(f"network request: {r.url}") if not r.url.startswith(
        ("file:", "data:", "about:")) else None)
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def _filter_and_sort(page: Any, table_id: str) -> None:
    rows = page.locator(f"#{table_id} tbody tr")
    n = rows.count()
    assert n >= 1
    first_outlet = page.locator(f"#{table_id} tbody tr").first.inner_text().split("\n")[0].split("\t")[0]
    word = next((w for w in first_outlet.split() if len(w) > 3), first_outlet)
    page.fill(f'input.filter[data-table="{table_id}"]', word)
    visible = page.locator(f"#{table_id} tbody tr:not([hidden])")
    assert 1 <= visible.count() <= n
    for i in range(visible.count()):
        assert word.lower() in visible.nth(i).inner_text().lower()
    page.fill(f'input.filter[data-table="{table_id}"]', "zzzz-no-such-words")
    assert visible.count() == 0
    assert "0 of" in page.locator(f'[data-count-for="{table_id}"]').inner_text()
    page.fill(f'input.filter[data-table="{table_id}"]', "")
    assert visible.count() == n
    header = page.locator(f"#{table_id} thead th").nth(1)
    header.locator("button.sort").click()
    assert header.get_attribute("aria-sort") == "ascending"
    header.locator("button.sort").click()
    assert header.get_attribute("aria-sort") == "descending"


def _check_screenshot(png: bytes, expect_yellow: bool) -> None:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (VIEWPORT["width"], VIEWPORT["height"])
    colours = img.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, "the screenshot is not blank"
    white = sum(c for c, rgb in colours if rgb == (255, 255, 255)) / (img.size[0] * img.size[1])
    assert white < 0.98, "the screenshot is not blank"
    if expect_yellow:
        yellow = sum(c for c, rgb in colours if all(abs(a - b) <= 6 for a, b in zip(rgb, FIGURE_YELLOW)))
        assert yellow > 30, "the evidence shows a highlighted figure"


def _open_evidence(page: Any, tmp_name: Path) -> None:
    button = page.locator("#figure-table button.ev").first
    button.scroll_into_view_if_needed()
    button.click()
    dialog = page.locator("dialog#evidence")
    assert dialog.get_attribute("open") is not None
    assert dialog.locator("mark.m-figure").count() == 1
    assert dialog.locator("dt", has_text="Outlet").count() == 1
    png = page.screenshot(path=str(tmp_name))
    _check_screenshot(png, expect_yellow=True)
    page.keyboard.press("Escape")
    assert dialog.get_attribute("open") is None


def test_built_report_filter_sort_evidence_screenshot(browser: Any, built_report: Path, tmp_path: Path) -> None:
    page = _open(browser, built_report)
    assert page.title() == "provenance report"
    _filter_and_sort(page, "figure-table")
    _filter_and_sort(page, "attribution-table")
    _open_evidence(page, tmp_path / "evidence.png")
    page.locator("#attribution-table button.ev").first.click()
    assert page.locator("dialog#evidence mark.m-cue").count() >= 1
    page.keyboard.press("Escape")
    assert page.locator("#timelines svg").count() >= 1
    assert not page.errors, page.errors  # type: ignore[attr-defined]


def test_sample_report_in_browser(browser: Any, tmp_path: Path) -> None:
    _need(SAMPLE_REPORT.exists(), f"{SAMPLE_REPORT} is missing (provenance run corpora/sample --out reports/sample)")
    page = _open(browser, SAMPLE_REPORT)
    assert page.locator("#summary").is_visible()
    table = "figure-table" if page.locator("#figure-table tbody tr").count() else "articles"
    _filter_and_sort(page, table)
    if page.locator("#figure-table button.ev").count():
        _open_evidence(page, tmp_path / "sample-evidence.png")
    else:
        _check_screenshot(page.screenshot(path=str(tmp_path / "sample.png")), expect_yellow=False)
    pdf = page.pdf() if hasattr(page, "pdf") else b""
    assert pdf[:4] == b"%PDF", "the report prints"
    assert not page.errors, page.errors  # type: ignore[attr-defined]
