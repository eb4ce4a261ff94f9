"""The card figure of translators and upscalers (`zoo.eval.image_to_image`): one row per kind of
image, the first test examples, in a PNG whose size follows from the rows."""

import numpy as np
import pytest
from PIL import Image

import zoo
from zoo import registry
from zoo.eval import image_to_image as I


@pytest.mark.parametrize("model_id, rows", [
    ("srresnet-mnist", ["input 7x7 (each pixel shown 4x4)", "bicubic x4", "upscale(input)", "original"]),
    ("pix2pix-edges2digits", ["source", "translate(source, seed=0)", "target"]),
    ("cyclegan-printed2handwritten", ["printed_digits (A)", "translate(A, 'a2b')", "back: translate(that, 'b2a')",
                                      "MNIST (B)", "translate(B, 'b2a')", "back: translate(that, 'a2b')"]),
])
def test_the_figure_has_a_row_per_kind_of_image(model_id, rows, tmp_path):
    spec = registry.get_spec(model_id)
    model = zoo.load(model_id, pretrained=False, compile=False)  # the figure does not need trained weights
    labels, where = I.figure(model, spec, str(tmp_path / "f.png"))
    assert labels == rows and where.startswith(f"the first {I.N_FIGURE} ")
    img = np.asarray(Image.open(tmp_path / "f.png"))
    side, pad = 28, 2
    assert img.shape[:2] == (I.SCALE * (len(rows) * (side + pad) + pad), I.SCALE * (I.N_FIGURE * (side + pad) + pad))


def test_installed_peers_add_their_rows_below_the_models_own(tmp_path):
    spec = registry.get_spec("srgan-mnist")
    model = zoo.load("srgan-mnist", pretrained=False, compile=False)
    peer = zoo.load("srresnet-mnist", pretrained=False, compile=False)
    labels, _ = I.figure(model, spec, str(tmp_path / "f.png"), others={"srresnet-mnist": peer})
    assert labels == ["input 7x7 (each pixel shown 4x4)", "bicubic x4", "upscale(input)",
                      "srresnet-mnist: upscale(input)", "original"]
    assert I.peers(spec) == ["srresnet-mnist"]  # installed, same capabilities and dataset (not srgan-fashion)


def test_a_model_that_neither_translates_nor_upscales_has_no_figure(tmp_path):
    spec = registry.get_spec("ae-mnist")
    assert I.figure(zoo.load("ae-mnist", pretrained=False, compile=False), spec, str(tmp_path / "f.png")) is None
    assert I.card_figures(spec, str(tmp_path)) == [] and not (tmp_path / "f.png").exists()
