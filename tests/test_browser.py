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
from conftest import pretrained_available  # noqa: E402


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


def tab_of(page, button_id):
    """The tab panel that holds `button_id`."""
    return page.locator(f"#{button_id}").locator("xpath=ancestor::div[contains(@class, 'tabitem')][last()]")


def choose_model(page, button_id, model_id):
    tab_of(page, button_id).locator(".model-choice input").first.click()
    page.get_by_role("option", name=model_id, exact=True).click()


def table_rows(page, elem_id, n):
    """The first column and the numbers of the other columns of a Dataframe's n body rows,
    once it shows n rows."""
    rows = page.locator(f"#{elem_id} [role=row]:not([aria-rowindex='1'])")  # Gradio's virtual table
    playwright_api.expect(rows).to_have_count(n, timeout=TIMEOUT_MS)
    cells = [[c.strip() for c in rows.nth(i).locator("[role=gridcell]").all_inner_texts()] for i in range(n)]
    return [(r[0], *(float(v) for v in r[1:])) for r in cells]


WORDS_MODEL = "word2vec-sg-gcide"


def test_nearest_words_and_an_analogy_are_the_models_own(page):
    page.get_by_role("tab", name="Words").click()
    choose_model(page, "nearest-button", WORDS_MODEL)
    tab = tab_of(page, "nearest-button")
    tab.get_by_label("Word", exact=True).fill("river")
    tab.get_by_label("Neighbours (1 to 30)").fill("5")
    page.locator("#nearest-button").click()
    shown = table_rows(page, "nearest-output", 5)
    model = get_model(WORDS_MODEL)
    expected = model.most_similar("river", topn=5)
    assert [w for w, _ in shown] == [w for w, _ in expected]
    assert np.allclose([s for _, s in shown], [s for _, s in expected], atol=1e-3)
    page.locator("#analogy-button").click()  # the defaults: man : king :: woman : ?
    answers = table_rows(page, "analogy-output", 5)
    assert [w for w, _ in answers] == [w for w, _ in model.analogy("man", "king", "woman", topn=5)]
    shot(page, "words.png")
    tab.get_by_label("Word", exact=True).fill("qwzxv")
    page.locator("#nearest-button").click()
    playwright_api.expect(page.locator(".toast-body").first).to_contain_text("qwzxv")


RECOMMEND_MODEL = "nmf-movielens"


def test_recommend_movies_for_a_user(page):
    page.get_by_role("tab", name="Recommend").click()
    choose_model(page, "recommend-button", RECOMMEND_MODEL)
    tab = tab_of(page, "recommend-button")
    tab.get_by_label("User id (MovieLens: 1 to 671)").fill("4")
    page.locator("#recommend-button").click()
    shown = table_rows(page, "recommend-output", 10)
    expected = get_model(RECOMMEND_MODEL).recommend(4, n=10)
    assert [t for t, _ in shown] == [t for t, _ in expected]
    assert np.allclose([s for _, s in shown], [s for _, s in expected], atol=0.01)
    assert all(0.5 <= s <= 5.0 for _, s in shown)
    rated = table_rows(page, "rated-output", 10)
    assert [s for _, s in rated] == sorted((s for _, s in rated), reverse=True)
    shot(page, "recommend.png")


# ----------------------------------------------------------------------------- Predict the future (video)
def _video_app_args():
    """(pretrained, ids) of the Moving MNIST predictors: the published ones, else (until weights are
    published) every catalog one, untrained."""
    import zoo
    from demos.predict import takes_moving_mnist

    for pretrained in (True, None):
        ids = [i for i in zoo.list_models(task="predict_frames", pretrained=pretrained)
               if takes_moving_mnist(zoo.registry.get_spec(i))]
        if ids:
            return bool(pretrained), ids
    pytest.fail("no catalog model predicts Moving MNIST frames")


def test_predict_the_future_plays_a_gif_and_lists_the_errors(browser):
    from demos.predict import SCALE, panel_box

    pretrained, ids = _video_app_args()
    model_id = "convnet-moving-mnist" if "convnet-moving-mnist" in ids else ids[0]
    app = build_app(pretrained=pretrained, models=ids)
    _, local_url, _ = launch(app, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True)
    page = browser.new_page()
    try:
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(local_url)
        # The app's only tab is open already. A component the frontend cannot render keeps its
        # loading overlay over the page: wait for every overlay to go before clicking anything.
        playwright_api.expect(page.get_by_role("tab", name="Predict the future")).to_have_attribute(
            "aria-selected", "true")
        page.wait_for_selector("[data-testid=status-tracker].full:not(.hide)", state="hidden", timeout=3 * TIMEOUT_MS)
        page.locator(".model-choice input").first.click()
        page.get_by_role("option", name=model_id, exact=True).click()
        page.get_by_label("Moving MNIST test sequence (0 to 9,999)").fill("3")
        page.locator("#predict-button").click()
        rows = page.locator("#predict-table .virtual-row")  # the Dataframe's body rows
        playwright_api.expect(rows).to_have_count(11, timeout=TIMEOUT_MS)
        first = [c.strip() for c in page.locator('#predict-table .virtual-row [data-col="0"]').all_inner_texts()]
        assert first == [str(t) for t in range(11, 21)] + ["mean"]
        black = [float(c) for c in page.locator('#predict-table .virtual-row [data-col="3"]').all_inner_texts()]
        assert all(b > 0 for b in black), "the all-black baseline's error is the ink of the true frames"
        img = page.locator("#predict-gif img")
        playwright_api.expect(img).to_have_attribute("src", re.compile(r"\.gif"), timeout=TIMEOUT_MS)
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
        gif = PIL.Image.open(io.BytesIO(page.request.get(img.get_attribute("src")).body()))
        assert gif.format == "GIF" and gif.n_frames == 20
        strip = shown_png(page, "#predict-strip")
        shot(page, "predict-the-future.png")
        assert strip.shape == (3 * 66 + 2, 10 * 66 + 2)
        gif.seek(9)  # the last input frame: both panels show it, as the strip's 10th frame
        left, top, right, bottom = panel_box(0)
        shown = np.asarray(gif.convert("L"))[top + SCALE // 2: bottom: SCALE, left + SCALE // 2: right: SCALE]
        assert np.abs(shown.astype(int) - strip[2:66, 9 * 66 + 2: 9 * 66 + 66]).max() <= 1
        assert shown.max() > 200, "a digit is visible"
    finally:
        page.close()
        app.close()


def test_pick_cgan_mnist_and_a_class_and_see_its_samples(page):
    page.get_by_role("tab", name="Conditional").click()
    choose_model(page, "conditional-button", "cgan-mnist")
    tab = tab_of(page, "conditional-button")
    page.locator("#conditional-class input").click()
    page.get_by_role("option", name="7", exact=True).click()
    tab.get_by_label("Number of samples (1 to 256)").fill("4")
    tab.get_by_label("Seed (0 to 2,147,483,647)").fill("2")
    page.locator("#conditional-button").click()
    grid = shown_png(page, "#conditional-output")
    shot(page, "conditional.png")
    expected = picture(get_model("cgan-mnist").generate(4, seed=2, labels=7))
    assert grid.shape == expected.shape == (2 * 30 + 2, 2 * 30 + 2)
    assert np.abs(grid.astype(int) - expected).max() <= 1
    assert grid[2:30, 2:30].max() > 200, "a digit is visible"


SUPERRES_MODEL = "srresnet-mnist"


def test_super_resolve_a_test_digit(page):
    from zoo import data as zdata
    from demos.image2image import super_resolve

    page.get_by_role("tab", name="Super-resolve").click()
    choose_model(page, "superres-button", SUPERRES_MODEL)
    tab_of(page, "superres-button").get_by_label("Held-out image (0 to 9,999)").fill("3")  # the chosen model's range
    page.locator("#superres-button").click()
    row = shown_png(page, "#superres-output")
    shot(page, "super-resolve.png")
    _, high = zdata.arrays("mnist_sr", "test", num_examples=4)
    expected = super_resolve(get_model(SUPERRES_MODEL), high[3])
    assert row.shape == expected.shape == (30 + 2, 4 * 30 + 2)  # input, bicubic, model, original
    assert np.abs(row.astype(int) - expected).max() <= 1
    original = row[2:30, 92:120].astype(int)
    upscaled, bicubic = row[2:30, 62:90].astype(int), row[2:30, 32:60].astype(int)
    assert np.abs(upscaled - original).mean() < np.abs(bicubic - original).mean(), "the model beats bicubic"


def test_type_a_description_and_see_digits_that_fit_it(page):
    page.get_by_role("tab", name="Text to image").click()
    choose_model(page, "text2image-button", "text2digit")
    tab = tab_of(page, "text2image-button")
    page.locator("#text2image-text input, #text2image-text textarea").first.fill("a thick seven leaning right")
    tab.get_by_label("Number of samples (1 to 256)").fill("4")
    tab.get_by_label("Seed (0 to 2,147,483,647)").fill("5")
    page.locator("#text2image-button").click()
    grid = shown_png(page, "#text2image-output")
    shot(page, "text-to-image.png")
    model = get_model("text2digit")
    expected = picture(model.generate(4, seed=5, text="a thick seven leaning right"))
    assert grid.shape == expected.shape == (2 * 30 + 2, 2 * 30 + 2)
    assert np.abs(grid.astype(int) - expected).max() <= 1
    tiles = [grid[2 + 30 * r: 30 + 30 * r, 2 + 30 * c: 30 + 30 * c] for r in range(2) for c in range(2)]
    sevens = get_model("mnist-classifier").predict_labels(np.stack(tiles)[..., None] / 255.0)
    assert (sevens == 7).sum() >= 3, f"the classifier reads {sevens.tolist()}"
    # a word outside the vocabulary: the message names it, no stack trace
    page.locator("#text2image-text input, #text2image-text textarea").first.fill("a purple seven")
    page.locator("#text2image-button").click()
    toast = page.locator(".toast-body").first
    playwright_api.expect(toast).to_contain_text("purple", timeout=TIMEOUT_MS)
    shot(page, "text-to-image-unknown-word.png")
    assert "Traceback" not in page.content()


TRANSLATE_MODEL = "pix2pix-edges2digits"


@pytest.mark.skipif(not pretrained_available(TRANSLATE_MODEL), reason=f"{TRANSLATE_MODEL} is not trained yet")
def test_translate_a_test_edge_map_with_three_seeds(page):
    from demos.image2image import test_pair, translations

    page.get_by_role("tab", name="Translate").click()
    choose_model(page, "translate-button", TRANSLATE_MODEL)
    tab = tab_of(page, "translate-button")
    tab.get_by_label("Held-out pair (0 to 9,999)").fill("5")
    tab.get_by_label("Translations, one per seed (1 to 8)").fill("3")
    tab.get_by_label("Seed (0 to 2,147,483,647)").fill("1")
    page.locator("#translate-button").click()
    row = shown_png(page, "#translate-output")
    shot(page, "translate.png")
    source, target = test_pair(TRANSLATE_MODEL, 5)
    expected = translations(get_model(TRANSLATE_MODEL), source, "a2b", 3, 1, target)
    assert row.shape == expected.shape == (30 + 2, 5 * 30 + 2)  # source, 3 translations, target
    assert np.abs(row.astype(int) - expected).max() <= 1
    tiles = np.stack([row[2:30, 2 + 30 * k: 30 + 30 * k] for k in range(5)])[..., None] / 255.0
    labels = get_model("mnist-classifier").predict_labels(tiles)
    assert (labels[1:4] == labels[4]).all(), f"the translations are the target's digit: {labels.tolist()}"
