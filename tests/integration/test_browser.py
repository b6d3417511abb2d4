"""The chat in a real browser: headless Chromium via Selenium asks a question and checks the sources panel.

Needs the Debian packages `chromium` and `chromium-driver` (make setup installs them). One LLM call.
Saves tests/artifacts/chat.png (ignored by git). `make screenshot` (BRON_UPDATE_SCREENSHOT=1) also copies it to
docs/screenshot.png, the README's screenshot; a plain test run never changes a tracked file.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
ANSWER_TIMEOUT = 300  # seconds; an answer takes 5-15 s on an idle 2-core machine, much longer under load
QUESTION = "Wie viel Geld stellt Chinas neuer KI-Fonds bereit?"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="headless browser test needs /usr/bin/chromium and /usr/bin/chromedriver "
                              "(apt-get install chromium chromium-driver, or make setup)"),
]


@pytest.fixture(scope="module")
def server():
    from tests.support.chat_server import shared_server

    return shared_server()


@pytest.fixture()
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="bron-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _requested_urls(driver) -> set[str]:
    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    return urls


def test_ask_in_the_browser_and_see_highlighted_sources(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url)
    box = WebDriverWait(browser, 60).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#bron-question textarea"))
    box.send_keys(QUESTION)
    browser.find_element(By.CSS_SELECTOR, "#bron-ask").click()

    def reading(driver):  # the passages found, shown while the model still reads them (seconds here)
        found = driver.find_elements(By.CSS_SELECTOR, "#bron-sources section.bron-reading article.bron-src")
        return found if found and not driver.find_elements(By.CSS_SELECTOR, "#bron-chat .bron-answer") else None

    found = WebDriverWait(browser, 120, poll_frequency=0.2).until(reading)
    assert found[0].is_displayed() and "8,2 Milliarden" in browser.find_element(
        By.CSS_SELECTOR, "#bron-sources").get_attribute("innerHTML")

    def answered(driver):  # the checked answer, not the passages found while the model reads
        cards = driver.find_elements(By.CSS_SELECTOR, "#bron-sources section.bron-turn:not(.bron-reading)")
        return cards and driver.find_elements(By.CSS_SELECTOR, "#bron-chat .bron-answer") and \
            not driver.find_elements(By.CSS_SELECTOR, "#bron-chat .bron-cursor")

    WebDriverWait(browser, ANSWER_TIMEOUT).until(answered)
    time.sleep(1)  # let the last render settle

    chat = browser.find_element(By.CSS_SELECTOR, "#bron-chat")
    assert QUESTION in chat.text
    links = chat.find_elements(By.CSS_SELECTOR, "a.bron-cite")
    assert links, f"the answer has no [n] links: {chat.text}"
    sources = browser.find_element(By.CSS_SELECTOR, "#bron-sources")
    assert "8,2 Milliarden" in sources.get_attribute("innerHTML")
    marks = [m for m in browser.find_elements(By.CSS_SELECTOR, "#bron-sources article.bron-src mark")
             if m.is_displayed() and m.text.strip()]
    assert marks, "no highlighted cited passage in the sources panel"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "chat.png"
    browser.save_screenshot(str(shot))

    # clicking [n] stays on the page and brings the source into view
    target = links[0].get_attribute("href").split("#", 1)[1]
    links[0].click()
    time.sleep(1.5)
    assert len(browser.window_handles) == 1
    top, bottom = browser.execute_script(
        "const r = document.getElementById(arguments[0]).getBoundingClientRect(); return [r.top, r.bottom];",
        target)
    assert bottom > 0 and top < browser.execute_script("return window.innerHeight")

    # "open in article" opens the whole article scrolled to the marked passage
    card = browser.find_element(By.ID, target)
    card.find_element(By.CSS_SELECTOR, "a.bron-open").click()
    time.sleep(1.5)
    assert card.find_element(By.CSS_SELECTOR, "details.bron-article").get_attribute("open") is not None
    assert card.find_element(By.CSS_SELECTOR, "mark.bron-in-article").is_displayed()
    browser.save_screenshot(str(ARTIFACTS / "chat-article.png"))

    # offline: everything the page loaded came from the app itself
    host = urlparse(server.url).netloc
    external = {u for u in _requested_urls(browser)
                if urlparse(u).scheme in {"http", "https", "ws", "wss"} and urlparse(u).netloc != host}
    assert not external, f"the page fetched from the internet: {sorted(external)}"
    errors = [e["message"] for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors

    if os.environ.get("BRON_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "screenshot.png")
