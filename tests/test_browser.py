"""The demo in a real headless Chromium (Debian's, driven by Playwright), as a person uses it.

Opens the page, picks a model, clicks Generate, checks the image; draws a digit; types a
bad value and reads the message. Screenshots land in test-output/browser/.
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
MODEL = "dcgan-mnist"
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


def test_pick_a_model_generate_and_see_the_samples(page):
    page.locator(".model-choice input").first.click()
    page.get_by_role("option", name=MODEL).click()
    page.get_by_label("Number of samples (1 to 256)").fill("64")
    page.get_by_label("Seed (0 to 2,147,483,647)").fill("0")
    page.locator("#generate-button").click()
    grid = shown_png(page, "#generate-output")
    shot(page, "generate.png")
    expected = picture(get_model(MODEL).generate(64, seed=0))
    assert grid.shape == expected.shape == (8 * 30 + 2, 8 * 30 + 2)
    assert np.abs(grid.astype(int) - expected).max() <= 1


def test_a_bad_value_shows_a_message_not_a_stack_trace(page):
    page.get_by_label("Number of samples (1 to 256)").fill("10000")
    page.locator("#generate-button").click()
    toast = page.locator(".toast-body").first
    playwright_api.expect(toast).to_contain_text("Number of samples must be a whole number from 1 to 256")
    shot(page, "bad-input.png")
    assert "Traceback" not in page.content()


def test_draw_a_digit_and_reconstruct_it(page):
    page.get_by_role("tab", name="Reconstruct").click()
    page.get_by_role("tab", name="Draw").click()
    page.get_by_role("button", name="Brush").first.click()
    box = page.locator("canvas").first.bounding_box()
    cx, cy, size = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, min(box["width"], box["height"])
    # A "7": a bar, then a diagonal down to the left.
    points = [(-0.25, -0.3), (0.2, -0.3), (-0.05, 0.35)]
    page.mouse.move(cx + points[0][0] * size, cy + points[0][1] * size)
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(cx + x * size, cy + y * size, steps=15)
    page.mouse.up()
    page.get_by_role("button", name="Reconstruct drawing").click()
    row = shown_png(page, "#reconstruct-output")
    shot(page, "reconstruct-drawing.png")
    assert row.shape == (32, 2 * 30 + 2)
    model_input = row[2:30, 2:30] / 255.0
    assert model_input[:5, :5].max() < 0.1 and model_input.max() > 0.9, "light strokes on black, centred"


def test_hide_the_lower_half_of_a_digit_and_complete_it(page):
    page.get_by_role("tab", name="Complete").click()
    tab = page.locator("#complete-button").locator("xpath=ancestor::div[contains(@class, 'tabitem')][last()]")
    tab.locator(".model-choice input").first.click()
    page.get_by_role("option", name=MODEL).click()
    page.get_by_label("Test digit (0 to 9,999)").fill("3")
    page.locator("#complete-button").click()
    row = shown_png(page, "#complete-output")
    shot(page, "complete.png")
    assert row.shape == (32, 6 * 30 + 2)  # the digit, what the model sees, 4 completions
    digit, seen = row[2:30, 2:30].astype(int), row[2:30, 32:60].astype(int)
    assert np.abs(seen[14:] - 128).max() <= 1 and np.abs(seen[:14] - digit[:14]).max() <= 1
    for k in range(4):
        completion = row[2:30, 62 + 30 * k: 90 + 30 * k].astype(int)
        assert np.abs(completion[:14] - digit[:14]).max() <= 1, "the visible half is kept"
