"""End to end in a real browser: `streamlit run` on a free port, driven by Playwright in Debian's Chromium.

Types a query and waits for the expected hit, presses "Find similar", asks the chat page a question answered
by a local OpenAI-compatible server and follows a citation, then opens the Index page. Screenshots of each
page go to $CODESIFT_SCREENSHOTS (the README's images) or the test's temporary directory.
`make test` installs Chromium (`apt-get install -y chromium`); Playwright never downloads a browser.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from llm_server import Reply

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
STARTUP_SECONDS = 90
WAIT_MS = 90_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(ui_home, ui_llm, tmp_path):
    """The app on 127.0.0.1 over the shop index, answering from the local LLM server."""
    ui_llm.default = Reply(text="`Cart.total_price` adds up the price of every item in the cart [1].")
    port = free_port()
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false", "--client.showErrorDetails", "none",
        ],
        env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_health(url, server, tmp_path / "streamlit.log")
    yield url
    server.terminate()
    server.wait(timeout=20)
    log.close()


def wait_for_health(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"streamlit did not start: {log.read_text()[-2000:]}")
            time.sleep(0.5)


def test_codesift_ui_serves_on_localhost_by_default(ui_home, tmp_path):
    port = free_port()
    log = tmp_path / "ui.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(Path(sys.executable).parent / "codesift"), "ui", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_health(f"http://127.0.0.1:{port}", server, log)
            said = log.read_text()  # streamlit's own banner: one loopback URL, no "Network URL"
            assert f"URL: http://127.0.0.1:{port}" in said and "Network URL" not in said
        finally:
            server.terminate()
            server.wait(timeout=20)
    with pytest.raises(OSError):  # stopping `codesift ui` stops the server: nothing keeps the port (or the index)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: `apt-get install -y chromium` (make test does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(WAIT_MS)
        yield page
        browser.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    directory = Path(os.environ.get("CODESIFT_SCREENSHOTS") or tmp_path / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def test_search_find_similar_chat_and_index_in_a_browser(served, page, shots):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    page.goto(served)
    query = page.get_by_label("Describe the code you are looking for")
    query.fill("sum the prices of all items in the cart")
    query.press("Enter")
    first_hit = page.get_by_text("1. shop:shop/cart.py")
    expect(first_hit).to_be_visible()
    expect(page.get_by_text("Cart.total_price").first).to_be_visible()
    expect(page.locator("code").filter(has_text="return sum(price").first).to_be_visible()
    page.screenshot(path=shots / "search.png", full_page=False)

    page.get_by_role("button", name="Find similar").first.click()
    expect(page.get_by_text("code similar to")).to_be_visible()

    page.get_by_role("link", name="Chat").click()
    question = page.get_by_placeholder("Ask about the indexed code")
    question.fill("How is the cart total computed?")
    question.press("Enter")
    expect(page.get_by_text("adds up the price of every item")).to_be_visible()
    expect(page.get_by_text("Sources (")).to_be_visible()
    page.get_by_text("How is the cart total computed?").first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "chat.png", full_page=False)
    citation = page.get_by_role("link", name="1", exact=True)
    expect(citation).to_have_attribute("href", "#source-1-1")
    citation.click()
    assert page.url.endswith("#source-1-1")
    expect(page.locator("#source-1-1")).to_be_attached()
    expect(page.get_by_text("adds up the price of every item")).to_be_visible()  # still the same conversation

    page.get_by_role("link", name="Index").click()
    expect(page.get_by_text("Indexed repositories")).to_be_visible()
    expect(page.get_by_label("Local path or git URL")).to_be_visible()
    expect(page.get_by_role("button", name="Re-index")).to_be_visible()
    expect(page.get_by_label("Skip files larger than (KB)")).to_be_visible()
    page.wait_for_timeout(1000)  # the repository table draws on a canvas after its frame appears
    page.screenshot(path=shots / "index.png", full_page=False)
