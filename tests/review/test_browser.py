"""The workbench driven in headless Chromium (Debian's chromium and chromium-driver, through Selenium).

Open a statement, filter, search, merge, undo, split, move, mark a side without counterpart, confirm,
dismiss a finding, reload; then `taiyaku run` and check that the published corpus and report reflect
exactly those actions.  With ``TAIYAKU_SCREENSHOTS=DIR`` the test saves the README's screenshots there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.paths import REPO
from support.statements import HOSTILE_TEXT, seed_copy

from taiyaku.publish.corpus import read_corpus
from taiyaku.review import Workbench
from taiyaku.review.server import bind, server_for

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("needs Debian's chromium and chromium-driver (make test installs them)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture
def statement(tmp_path: Path) -> Path:
    return seed_copy(tmp_path)


@pytest.fixture
def workbench(statement: Path) -> Workbench:
    return Workbench(statement, statement.parent.parent / "aligned", "Browser Tester")


@pytest.fixture
def url(workbench: Workbench) -> Iterator[str]:
    sock = bind("127.0.0.1", 0)
    server, address = server_for(workbench, sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield address
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[webdriver.Chrome]:
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never download a driver or a browser
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: webdriver.Chrome, script: str, timeout: float = 20) -> None:
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))


def _loaded(driver: webdriver.Chrome) -> None:
    _wait(
        driver,
        "return typeof state !== 'undefined' && !state.busy && document.getElementById('progress').textContent !== ''",
    )


def _select(driver: webdriver.Chrome, bead_id: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"#row-{bead_id} td.id").click()


def _press(driver: webdriver.Chrome, keys: str) -> None:
    driver.execute_script("document.getElementById('message').textContent = ''")
    ActionChains(driver).send_keys(keys).perform()


def _saved(driver: webdriver.Chrome) -> str:
    _wait(driver, "return !state.busy && document.getElementById('message').textContent.startsWith('saved')")
    return str(driver.find_element(By.ID, "message").text)


def _filter(driver: webdriver.Chrome, name: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f'button.filter[data-filter="{name}"]').click()
    _wait(driver, f"return !state.busy && state.filter === '{name}'")
    time.sleep(0.3)
    _loaded(driver)


def _row_ids(driver: webdriver.Chrome) -> list[str]:
    return [row.get_attribute("id").removeprefix("row-") for row in driver.find_elements(By.CSS_SELECTOR, "#rows tr")]


def _shoot(driver: webdriver.Chrome, name: str) -> None:
    folder = os.environ.get("TAIYAKU_SCREENSHOTS")
    if folder:
        driver.save_screenshot(str(Path(folder) / name))


def test_review_in_the_browser_then_run_publishes_exactly_that(
    statement: Path, workbench: Workbench, url: str, browser: webdriver.Chrome
) -> None:
    driver = browser
    driver.get(url)
    _loaded(driver)
    progress = driver.find_element(By.ID, "progress")
    assert progress.text == "0 of 52 beads confirmed, 13 need review"
    assert _row_ids(driver)[:3] == ["b2", "b4", "b6"]  # opens on "needs review"
    # Markup in a document is text on the page, never an element.
    assert driver.find_elements(By.CSS_SELECTOR, "#rows img") == []
    assert HOSTILE_TEXT in driver.find_element(By.ID, "row-b8").text
    _shoot(driver, "review-workbench.png")

    _filter(driver, "all")
    assert len(_row_ids(driver)) == 50 and driver.find_element(By.ID, "page-info").text == "page 1 of 2 (52 beads)"
    search = driver.find_element(By.ID, "search")
    search.send_keys("東京において")
    _wait(driver, "return !state.busy && document.querySelectorAll('#rows tr').length === 1")
    assert _row_ids(driver) == ["b3"]
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)
    _wait(driver, "return !state.busy && document.querySelectorAll('#rows tr').length === 50")
    search.send_keys(Keys.ESCAPE)

    # The original context of b3's sentences (x): the source around each span, as text.
    _select(driver, "b3")
    _press(driver, "x")
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#row-b3 .context"))
    contexts = driver.find_elements(By.CSS_SELECTOR, "#row-b3 .context")
    assert "東京において" in contexts[0].text and "<p>" in contexts[-1].text  # the English is HTML markup

    before = [workbench.texts(bead) for bead in workbench.beads]
    # Merge b4 with b5 (m), and undo it (z).
    _select(driver, "b4")
    _press(driver, "m")
    assert _saved(driver) == "saved: b4 and b5 merged"
    assert progress.text == "1 of 51 beads confirmed, 12 need review"
    _press(driver, "z")
    assert _saved(driver).startswith("saved: undone: merged")
    assert [workbench.texts(bead) for bead in workbench.beads] == before
    # Split b4 (a 1-2 bead) after its first sentence on each side (s, the dialog).
    _select(driver, "b4")
    _press(driver, "s")
    _shoot(driver, "review-split.png")
    Select(driver.find_element(By.ID, "split-ja")).select_by_value("1")
    Select(driver.find_element(By.ID, "split-en")).select_by_value("1")
    driver.find_element(By.ID, "split-ok").click()
    assert _saved(driver) == "saved: b4 split in two"
    assert driver.find_element(By.CSS_SELECTOR, "#row-b5 td.info").text.split(" · ")[1].startswith("0-1")
    # Move the English sentence of the new 0-1 bead b5 back up into b4 ({): b4 is one 1-2 bead again.
    _select(driver, "b5")
    _press(driver, "{")
    assert _saved(driver) == "saved: first English sentence of b5 moved to b4"
    # The Japanese of b20 has no counterpart (1), b30 is right as it is (c, with the button).
    _select(driver, "b20")
    _press(driver, "1")
    assert _saved(driver) == "saved: the Japanese of b20 has no counterpart"
    driver.find_element(By.CSS_SELECTOR, "#row-b30 td.actions button[title^='confirm']").click()
    assert _saved(driver) == "saved: b30 confirmed"
    # Dismiss the number-mismatch on b2 (the English dateline) with a reason (d, the dialog).
    _filter(driver, "findings")
    _select(driver, "b2")
    _press(driver, "d")
    reason = driver.find_element(By.ID, "reason")
    WebDriverWait(driver, 10).until(lambda d: reason.is_displayed())
    reason.send_keys("the English page was dated a day later", Keys.ENTER)
    assert _saved(driver) == "saved: number-mismatch on b2 dismissed"
    # The help overlay (?) lists every shortcut.
    _press(driver, "?")
    help_text = driver.find_element(By.ID, "help").text
    assert all(key in help_text for key in ("merge", "split", "no counterpart", "dismiss", "undo", "confirm"))
    _shoot(driver, "review-help.png")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()

    shown = progress.text
    driver.refresh()
    _loaded(driver)
    assert driver.find_element(By.ID, "progress").text == shown == "3 of 53 beads confirmed, 12 need review"
    _filter(driver, "all")
    _shoot(driver, "review-all.png")

    expected = [(*workbench.texts(bead), bead.reviewed) for bead in workbench.beads]
    lines = [json.loads(line) for line in (statement / "corrections.jsonl").read_text("utf-8").splitlines()]
    assert {line["reviewer"] for line in lines} == {"Browser Tester"}

    aligned = statement.parent.parent / "aligned"
    run = subprocess.run(
        [str(Path(sys.executable).with_name("taiyaku")), "run", str(statement), "--aligned", str(aligned)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    published = read_corpus(aligned / statement.name / "corpus.jsonl")
    assert [(r.ja, r.en, r.reviewed) for r in published] == expected
    reviewed = [r for r in published if r.reviewed]
    assert [r.type for r in reviewed] == ["1-2", "1-0", "1-1"] and all(r.score == 1.0 for r in reviewed)
    report = json.loads((aligned / statement.name / "report.json").read_text("utf-8"))
    assert [(d["bead_id"], d["check"], d["reason"]) for d in report["dismissed_findings"]] == [
        ("b2", "number-mismatch", "the English page was dated a day later")
    ]
    assert "b2" not in {f["bead_id"] for f in report["findings"]}
    # Scores outside the stretches the workbench re-aligned are refreshed by the run (a new confirmed bead
    # changes the aligner's posteriors across its whole gap); the workbench opened again shows the run's.
    assert report["summary"]["reviewed"] == 3
    reopened = Workbench(statement, aligned, "Browser Tester").progress()
    assert (reopened["confirmed"], reopened["needs_review"]) == (3, report["summary"]["needs_review"])
    html = (aligned / statement.name / "report.html").read_text("utf-8")
    assert "taiyaku review corpora/us-japan-internet-economy-2014" in html

    # The page still open was loaded before this publication: an action is refused with "reload", and the
    # page reloads itself onto the new publication.
    lines_before = (statement / "corrections.jsonl").read_bytes()
    _select(driver, "b0")
    _press(driver, "c")
    _wait(driver, "return document.getElementById('message').textContent.includes('published again')")
    _wait(driver, "return document.readyState === 'complete' && typeof state !== 'undefined'", timeout=20)
    WebDriverWait(driver, 20).until(
        lambda d: (
            d.find_element(By.CSS_SELECTOR, 'meta[name="publication"]').get_attribute("content")
            == workbench.publication
        )
    )
    assert (statement / "corrections.jsonl").read_bytes() == lines_before
