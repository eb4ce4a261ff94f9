"""The demo's Text to image tab as a client uses it: gradio_client against the app.

The shipped text2digit through `zoo.load`: the grid is the model's own generate(n, seed, text=...),
the digits drawn are the ones the words name (the pinned MNIST classifier reads them), and unknown
words and bad fields get messages that name them.
"""


import numpy as np
import pytest

pytest.importorskip("gradio")
from gradio_client.exceptions import AppError  # noqa: E402

from demos import text2image  # noqa: E402
from demos.app import build_app, get_model  # noqa: E402
from demo_client import GENERIC, launched, read, tiles  # noqa: E402
from demos.widgets import picture  # noqa: E402
from zoo.eval import features  # noqa: E402

MODEL = "text2digit"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with launched(build_app(models=MODEL), tmp_path_factory.mktemp("downloads")) as c:
        yield c


def test_the_grid_is_the_models_own_samples_of_the_text(client):
    text = "a thin upright zero"
    grid = read(client.predict(MODEL, text, 4, 3, api_name="/text_to_image"))
    expected = picture(get_model(MODEL).generate(4, seed=3, text=text))
    assert grid.shape == expected.shape and np.abs(grid.astype(int) - expected).max() <= 1
    assert np.array_equal(grid, read(client.predict(MODEL, text, 4, 3, api_name="/text_to_image")))
    assert not np.array_equal(grid, read(client.predict(MODEL, "a thick seven leaning right", 4, 3,
                                                        api_name="/text_to_image")))


@pytest.mark.parametrize("text, digit", [("a thin upright zero", 0), ("a thick seven leaning right", 7),
                                         ("wide bold 3", 3)])
def test_the_digits_drawn_are_the_ones_the_words_name(client, text, digit):
    grid = read(client.predict(MODEL, text, 16, 0, api_name="/text_to_image"))
    digits = tiles(grid, 16)[..., None].astype(np.float32) / 255.0
    share = np.mean(features.feature_network("mnist").predict_labels(digits) == digit)
    assert share >= 0.75, f"{text!r}: only {share:.2f} of the 16 digits are read as {digit}"


@pytest.mark.parametrize("args, named", [(("a purple zero", 4, 0), "purple"), (("", 4, 0), "Description"),
                                         (("x" * 201, 4, 0), "Description"), (("a zero", 0, 0), "Number of samples"),
                                         (("a zero", 4, -1), "Seed")])
def test_bad_fields_and_unknown_words_are_named(client, args, named):
    with pytest.raises(AppError) as e:
        client.predict(MODEL, *args, api_name="/text_to_image")
    assert named in str(e.value) and GENERIC not in str(e.value)


def test_the_tab_lists_the_models_words():
    words = text2image.vocabulary(MODEL)
    assert "seven" in words and "thick" in words and "purple" not in words
