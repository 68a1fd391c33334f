"""The web pages in a real browser: headless Chromium (driven by Selenium through chromium-driver) opens the
home page served by `aiworkforce serve`, runs stored queries and free SPARQL, and the tables it renders must
hold exactly what the library answers.

Needs Debian's `chromium` and `chromium-driver` (apt-get install -y chromium chromium-driver). Without them the
test fails, naming the command: a browser test that silently skips tests nothing.
"""

from __future__ import annotations

import os
import shutil

import pytest

from aiworkforce.query.run import run_query, run_sparql
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.server import Server, ServerConfig

#: the shipped graph, as the server serves it (built once for the module)
KG = KnowledgeGraph()

INSTALL = "apt-get update && apt-get install -y chromium chromium-driver"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1280,2000")


def _find(env: str, *names: str) -> str | None:
    explicit = os.environ.get(env)
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in names:
        found = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def server():
    """The server as installed: with the YASGUI editor, which tools/vendor-yasgui.sh vendors (make does)."""
    from aiworkforce.server.pages import EDITOR_FILES, load_static

    missing = [f for f in EDITOR_FILES if f not in load_static()]
    assert not missing, f"YASGUI is not vendored ({missing}); run tools/vendor-yasgui.sh (make test does)"
    with Server(KnowledgeGraph(), ServerConfig(port=0, workers=2)) as srv:
        srv.start()
        yield srv


@pytest.fixture(scope="module")
def plain_server():
    """A server whose copy of aiworkforce lacks the vendored editor (an install from source without npm)."""
    import aiworkforce.server.app as app
    from aiworkforce.server.pages import EDITOR_FILES, load_static

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(app, "load_static", lambda: {k: v for k, v in load_static().items() if k not in EDITOR_FILES})
        with Server(KnowledgeGraph(), ServerConfig(port=0, workers=1)) as srv:
            srv.start()
            yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = _find("AIWORKFORCE_CHROMIUM", "chromium", "chromium-browser")
    driver_path = _find("AIWORKFORCE_CHROMEDRIVER", "chromedriver")
    if not chromium or not driver_path:
        pytest.fail(f"headless Chromium is needed for the browser test and was not found "
                    f"(chromium: {chromium or 'missing'}, chromedriver: {driver_path or 'missing'}); "
                    f"install it with: {INSTALL}", pytrace=False)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is needed for the browser test: pip install -e '.[test]'", pytrace=False)

    options = Options()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # explicit driver and browser paths: Selenium Manager never downloads anything
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def _table(driver, container) -> list[list[str | None]]:
    """The rendered rows: each cell's full value (data-value), None where unbound."""
    return driver.execute_script(
        "return Array.from(arguments[0].querySelectorAll('tbody tr')).map(tr => Array.from(tr.cells).map("
        "td => td.hasAttribute('data-unbound') ? null : td.getAttribute('data-value')))", container)


def _headers(driver, container) -> list[str]:
    return driver.execute_script(
        "return Array.from(arguments[0].querySelectorAll('thead th')).map(th => th.textContent)", container)


def _wait_done(driver, container) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(lambda d: container.get_attribute("data-state") in ("done", "error"))
    assert container.get_attribute("data-state") == "done", container.text


def _expected(result) -> list[list[str | None]]:
    return [[None if t is None else t.value for t in row] for row in result.rows]


def _no_console_errors(driver, *, expected_400: bool = False) -> None:
    """No blocked script (CSP), failed asset or JavaScript error since the last check."""
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"
              and not (expected_400 and e.get("source") == "network" and "status of 400" in e.get("message", ""))]
    assert severe == [], severe


def test_run_a_stored_query_from_the_home_page(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server.url)
    assert "aiworkforce" in browser.title
    item = browser.find_element(By.ID, "q-roles-by-layer")
    item.find_element(By.TAG_NAME, "summary").click()
    item.find_element(By.CSS_SELECTOR, "button.run-button").click()
    result = item.find_element(By.CSS_SELECTOR, ".result")
    _wait_done(browser, result)
    expected = run_query(KG, "roles-by-layer")
    assert _headers(browser, result) == list(expected.variables)
    rows = _table(browser, result)
    assert len(rows) > 20
    assert rows == _expected(expected)
    # IRIs are shown compactly and link to their page on this server
    link = result.find_element(By.CSS_SELECTOR, "tbody tr td a")
    assert link.get_attribute("href").startswith(server.url + "role/")
    assert link.text.startswith("role:")
    _no_console_errors(browser)


def test_type_parameters_run_skill_gap_and_follow_a_link(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "#q-skill-gap")
    item = browser.find_element(By.ID, "q-skill-gap")
    assert item.get_attribute("open") is not None  # opened from the address
    item.find_element(By.NAME, "from").send_keys("Software Engineer")
    item.find_element(By.NAME, "to").send_keys("machine learning engineer")
    item.find_element(By.CSS_SELECTOR, "button.run-button").click()
    result = item.find_element(By.CSS_SELECTOR, ".result")
    _wait_done(browser, result)
    expected = run_query(KG, "skill-gap", {"from": "Software Engineer", "to": "machine learning engineer"})
    assert expected.rows
    assert _table(browser, result) == _expected(expected)

    # a wrong title shows the library's message and hint
    field = item.find_element(By.NAME, "to")
    field.clear()
    field.send_keys("Machine Lerning Enginer")
    item.find_element(By.CSS_SELECTOR, "button.run-button").click()
    WebDriverWait(browser, 15).until(lambda d: result.get_attribute("data-state") == "error")
    assert "unknown role" in result.text and "Machine Learning Engineer" in result.text
    _no_console_errors(browser, expected_400=True)

    # the skill links lead to the skill's own page
    browser.get(server.url + "role/ml-engineer")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Machine Learning Engineer"
    browser.find_element(By.CSS_SELECTOR, "#essential-skills a").click()
    WebDriverWait(browser, 10).until(lambda d: "/skill/" in d.current_url)
    assert browser.find_element(By.TAG_NAME, "h1").text
    _no_console_errors(browser)


def test_free_sparql_box_without_the_editor(plain_server, browser):
    from selenium.webdriver.common.by import By

    server = plain_server
    browser.get(server.url + "#sparql")
    assert "not installed" in browser.find_element(By.ID, "editor-missing").text
    assert not browser.find_elements(By.ID, "yasgui")
    box = browser.find_element(By.CSS_SELECTOR, "#sparql-form textarea")
    query = "SELECT ?layer ?name WHERE { ?layer a aiw:Layer ; skos:prefLabel ?name } ORDER BY ?name"
    box.clear()
    box.send_keys(query)
    browser.find_element(By.CSS_SELECTOR, "#sparql-form button").click()
    result = browser.find_element(By.ID, "sparql-result")
    _wait_done(browser, result)
    assert _table(browser, result) == _expected(run_sparql(KG, query))
    _no_console_errors(browser)


def test_yasgui_runs_a_stored_query_example(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(server.url + "#sparql")
    mount = browser.find_element(By.ID, "yasgui")
    WebDriverWait(browser, 15).until(lambda d: mount.get_attribute("data-state") == "ready")
    assert not browser.find_elements(By.ID, "sparql-form")
    # every script and style comes from this server (no CDN)
    sources = browser.execute_script("return Array.from(document.querySelectorAll('script[src], link[href]'))"
                                     ".map(e => e.src || e.href)")
    assert sources and all(s.startswith(server.url) for s in sources), sources
    Select(browser.find_element(By.ID, "example-select")).select_by_value("layers")
    WebDriverWait(browser, 10).until(lambda d: mount.get_attribute("data-example") == "layers")
    text = browser.execute_script("return window.aiworkforceYasgui.getTab().getQuery()")
    assert "aiw:stackOrder" in text
    browser.execute_script("window.aiworkforceYasgui.getTab().query()")
    expected = run_sparql(KG, text)
    cells = lambda d: d.execute_script(  # noqa: E731 - the result table YASR renders
        "return Array.from(document.querySelectorAll('.yasr tbody tr')).map(tr => tr.textContent)")
    WebDriverWait(browser, 20).until(lambda d: len(cells(d)) == len(expected.rows))
    rows = cells(browser)
    for row, want in zip(rows, expected.rows):
        assert str(want[1].value) in row  # the layer's name, in the stack order the query gives
    _no_console_errors(browser)
