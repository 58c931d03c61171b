"""The HTML report in a real browser: headless Chromium (Debian's ``chromium`` and ``chromium-driver``).

Loads the report of the invented season (tests/season.py) from a file, with the network off, and
checks what a reviewer sees: the summary, the three charts drawn, the findings tables, the filters
and the search, no script error, no request leaving the file, declaration text shown as text. A
screenshot is saved under the test's temporary folder (``report.png``).

Without Chromium the tests are skipped, except in CI (``CI=true``), where ``.ci/run`` installs it and
its absence is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from g60rules.engines.pool import screen
from g60rules.reports.formats import render
from g60rules.reports.summary import Report
from season import HOSTILE_PROJECT, HOSTILE_UNIT, write_season

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,1600")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and CHROMEDRIVER):
        missing = "chromium" if not CHROMIUM else "chromedriver (Debian package chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} is not installed; .ci/run installs it in CI")
        pytest.skip(f"{missing} is not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # Record script errors from the first line of every page on.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "window.__errors = [];"
        "window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });")})
    yield driver
    driver.quit()


def _page(tmp_path: Path, shanghai, lang: str = "zh") -> Path:
    season = write_season(tmp_path / "d")
    report = Report(screen([season], shanghai, engine="reference"), shanghai, lang)
    path = tmp_path / "report.html"
    path.write_bytes(render("html", report))
    return path


def _open(driver, path: Path) -> None:
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(path.as_uri())
    assert driver.execute_script("return document.documentElement.dataset.ready") == "true"


def _visible_rows(driver) -> int:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('tr.finding')).filter(r => r.offsetParent !== null"
        " && r.closest('#units')).length")


def _rows_become(driver, n: int) -> bool:
    """Whether the visible rows become ``n`` within 5 s (the search box waits for typing to pause)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, 5, poll_frequency=0.05).until(lambda d: _visible_rows(d) == n)
    except TimeoutException:
        return False
    return True


def _no_errors(driver) -> None:
    assert driver.execute_script("return window.__errors") == []
    severe = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert severe == []


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_report_renders_filters_and_stays_offline(browser, tmp_path, shanghai):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    path = _page(tmp_path, shanghai)
    _open(browser, path)
    # Nothing but the file itself was requested: no CDN, no font, no image.
    assert [u for u in _requests(browser) if not u.startswith("file://")] == []

    cards = [c.text.split("\n") for c in browser.find_elements(By.CSS_SELECTOR, "#cards .card")]
    assert cards[:8] == [["7", "申报"], ["7", "文件"], ["3", "主管部门"], ["4", "实施单位"], ["0", "无法读取"], ["4", "错误"],
                         ["2", "警告"], ["0", "提示"]]
    assert browser.find_element(By.CSS_SELECTOR, "#top-units tbody tr td").text == "区发展研究中心"

    # Each chart is a Chart.js chart with the hand-counted totals, drawn (pixels painted on the canvas).
    totals = browser.execute_script("""
        return ["rule", "competent", "unit"].map(function (key) {
          var canvas = document.getElementById("chart-" + key), chart = Chart.getChart(canvas);
          var pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data, painted = 0;
          for (var i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted += 1; } }
          var sum = chart.data.datasets.reduce(function (a, d) { return a + d.data.reduce((x, y) => x + y, 0); }, 0);
          return [key, chart.data.labels.length, sum, painted > 2000];
        });""")
    assert totals == [["rule", 3, 6, True], ["competent", 3, 6, True], ["unit", 4, 6, True]]

    # Tables: every counted finding in a row, grouped in four unit sections; markup shows as text.
    assert _visible_rows(browser) == 6
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#units section.unit h3")]
    assert sorted(headings) == sorted(["区发展研究中心", "区信用中心", "区图书馆", HOSTILE_UNIT])
    projects = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#units .project h4")]
    assert HOSTILE_PROJECT in projects
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0

    shown = browser.find_element(By.ID, "shown")
    assert shown.text == "显示 6 / 6 条"
    Select(browser.find_element(By.ID, "f-severity")).select_by_value("error")
    assert _visible_rows(browser) == 4 and shown.text == "显示 4 / 6 条"
    Select(browser.find_element(By.ID, "f-severity")).select_by_value("")
    Select(browser.find_element(By.ID, "f-unit")).select_by_visible_text("区图书馆")
    assert _visible_rows(browser) == 1
    assert [s.is_displayed() for s in browser.find_elements(By.CSS_SELECTOR, "#units section.unit")].count(True) == 1
    Select(browser.find_element(By.ID, "f-unit")).select_by_value("")
    Select(browser.find_element(By.ID, "f-competent")).select_by_visible_text("区发展和改革委员会")
    assert _visible_rows(browser) == 3
    Select(browser.find_element(By.ID, "f-rule")).select_by_value("G60-COMP-002")
    assert _visible_rows(browser) == 1
    Select(browser.find_element(By.ID, "f-competent")).select_by_value("")
    assert _visible_rows(browser) == 2
    Select(browser.find_element(By.ID, "f-rule")).select_by_value("")
    search = browser.find_element(By.ID, "f-search")
    search.send_keys("产业地图")
    assert _rows_become(browser, 1)
    search.clear()
    search.send_keys("ONERROR")  # the project's name, as text, whatever the case
    assert _rows_become(browser, 1)
    search.clear()
    search.send_keys(" ")
    assert _rows_become(browser, 6)
    _no_errors(browser)

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(height, 5000))
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 20_000


def test_english_report(browser, tmp_path, shanghai):
    from selenium.webdriver.common.by import By

    _open(browser, _page(tmp_path, shanghai, "en"))
    assert browser.find_element(By.ID, "summary").text == "Summary"
    assert browser.find_element(By.ID, "shown").text == "showing 6 of 6"
    assert browser.execute_script("return document.documentElement.lang") == "en"
    _no_errors(browser)


def test_compared_report_filters_by_change(browser, tmp_path, shanghai):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from g60rules.reports.compare import compare

    first = screen([write_season(tmp_path / "first")], shanghai, engine="reference")
    second = screen([write_season(tmp_path / "second", fixed={"a1.yaml"})], shanghai, engine="reference")
    marked, fixed = compare(second.findings, first.findings)
    second.findings = marked
    path = tmp_path / "compared.html"
    path.write_bytes(render("html", Report(second, shanghai, "zh", resolved=fixed, compared_with="round1.json")))
    _open(browser, path)
    # a1's finding is fixed; the other five are still open; none is new
    cards = {c.get_attribute("data-change"): c.text.split("\n")[0]
             for c in browser.find_elements(By.CSS_SELECTOR, "#cards .card[data-change]")}
    assert cards == {"new": "0", "open": "5", "fixed": "1"}
    Select(browser.find_element(By.ID, "f-change")).select_by_value("open")
    assert _visible_rows(browser) == 5
    Select(browser.find_element(By.ID, "f-change")).select_by_value("new")
    assert _visible_rows(browser) == 0 and browser.find_element(By.ID, "shown").text == "显示 0 / 5 条"
    fixed_rows = browser.find_elements(By.CSS_SELECTOR, "#apart-resolved tr.finding")
    assert len(fixed_rows) == 1 and all("已修复" in r.text for r in fixed_rows)
    _no_errors(browser)
