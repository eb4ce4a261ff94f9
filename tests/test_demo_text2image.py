"""The demo's Text to image tab as a client uses it: gradio_client against the app.

text2digit built untrained (`build_app(pretrained=False)`): the tab's plumbing does not depend on
the weights. The grid is the model's own generate(n, seed, text=...); unknown words and bad
fields get messages that name them.
"""


import numpy as np
import pytest

pytest.importorskip("gradio")
from gradio_client.exceptions import AppError  # noqa: E402

from demos import text2image  # noqa: E402
from demos.app import build_app, get_model  # noqa: E402
from demo_client import GENERIC, launched, read  # noqa: E402
from demos.widgets import picture  # noqa: E402

MODEL = "text2digit"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with launched(build_app(pretrained=False, models=MODEL), tmp_path_factory.mktemp("downloads")) as c:
        yield c


def test_the_grid_is_the_models_own_samples_of_the_text(client):
    text = "a thin upright zero"
    grid = read(client.predict(MODEL, text, 4, 3, api_name="/text_to_image"))
    expected = picture(get_model(MODEL, pretrained=False).generate(4, seed=3, text=text))
    assert grid.shape == expected.shape and np.abs(grid.astype(int) - expected).max() <= 1
    assert np.array_equal(grid, read(client.predict(MODEL, text, 4, 3, api_name="/text_to_image")))
    assert not np.array_equal(grid, read(client.predict(MODEL, "a thick seven leaning right", 4, 3,
                                                        api_name="/text_to_image")))


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
