"""The Conditional tab in a real headless Chromium (Debian's, driven by Playwright), as a person uses it.

Opens the page, goes to the tab, picks cgan-mnist and a class, clicks, and checks that the image
shown is the model's own samples of that class. Screenshots land in test-output/browser/.
Needs /usr/bin/chromium (`apt-get install chromium`); skipped without it, except in CI.
"""

import io
import os
import re
import socket
import tempfile
from pathlib import Path

import numpy as np
import PIL.Image
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
# Headless, sandbox off (root in a container), and nothing that reaches the internet.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parents[1] / "test-output" / "browser"
MODEL = "cgan-mnist"
TIMEOUT_MS = 60_000  # the first click loads the model: seconds on a busy 2-core machine

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run must apt-get install chromium", pytrace=False)
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")
from demos.app import build_app, get_model, launch, picture  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def url():
    app = build_app()
    _, local_url, _ = launch(app, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True)
    yield local_url
    app.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1280, "height": 860},
        )
        yield context
        context.close()


@pytest.fixture
def page(browser, url):
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector("#generate-button")
    yield page
    page.close()


def shot(page, name):
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / name), full_page=True)


def shown_png(page, selector):
    """The image an <img> shows, fetched from its src, as a numpy array."""
    img = page.locator(f"{selector} img")
    playwright_api.expect(img).to_have_attribute("src", re.compile(r"\S"), timeout=TIMEOUT_MS)
    page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
    return np.asarray(PIL.Image.open(io.BytesIO(page.request.get(img.get_attribute("src")).body())))


def test_pick_cgan_mnist_and_a_class_and_see_its_samples(page):
    page.get_by_role("tab", name="Conditional").click()
    tab = page.locator("#conditional-button").locator("xpath=ancestor::div[contains(@class, 'tabitem')][last()]")
    tab.locator(".model-choice input").first.click()
    page.get_by_role("option", name=MODEL, exact=True).click()
    page.locator("#conditional-class input").click()
    page.get_by_role("option", name="7", exact=True).click()
    tab.get_by_label("Number of samples (1 to 256)").fill("4")
    tab.get_by_label("Seed (0 to 2,147,483,647)").fill("2")
    page.locator("#conditional-button").click()
    grid = shown_png(page, "#conditional-output")
    shot(page, "conditional.png")
    expected = picture(get_model(MODEL).generate(4, seed=2, labels=7))
    assert grid.shape == expected.shape == (2 * 30 + 2, 2 * 30 + 2)
    assert np.abs(grid.astype(int) - expected).max() <= 1
    assert grid[2:30, 2:30].max() > 200, "a digit is visible"
