"""The demo's Translate and Super-resolve tabs as a client uses them: gradio_client against the app.

The models are the catalog's pix2pix-edges2digits, cyclegan-printed2handwritten and srresnet-mnist
built untrained (`build_app(pretrained=False)`): what is checked is the tabs' plumbing, which does not
depend on the weights. A translation row is the source, the model's own `translate` for each seed, the
target (none for an unpaired model); a super-resolution row is the area-downsampled input,
`tf.image.resize` bicubic, the model's `upscale` and the original.
"""

import io

import numpy as np
import PIL.Image
import pytest

pytest.importorskip("gradio")
from gradio_client import handle_file  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

from demos import image2image  # noqa: E402
from demos import registry as tabs  # noqa: E402
from demos.app import build_app, get_model  # noqa: E402
from demo_client import GENERIC, launched, read  # noqa: E402
from demos.widgets import picture  # noqa: E402
from zoo import capabilities as cap  # noqa: E402
from zoo import data as zdata  # noqa: E402
from zoo.data import superres  # noqa: E402
from zoo.eval.superres import bicubic  # noqa: E402

TRANSLATOR, UPSCALER, UNPAIRED = "pix2pix-edges2digits", "srresnet-mnist", "cyclegan-printed2handwritten"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = build_app(pretrained=False, models=f"{TRANSLATOR},{UPSCALER},{UNPAIRED}")
    with launched(app, tmp_path_factory.mktemp("downloads")) as c:
        yield c


def test_the_tabs_serve_translators_and_upscalers():
    by_label = {d.label: d for d in tabs.DEMOS}
    assert cap.Translator.name in by_label["Translate"].tasks
    assert cap.Upscaler.name in by_label["Super-resolve"].tasks
    assert image2image.directions(TRANSLATOR) == ["a2b"]


def test_a_test_pair_row_is_source_translations_target(client):
    row = read(client.predict(TRANSLATOR, "a2b", 3, 2, 5, api_name="/translate"))
    m = get_model(TRANSLATOR, pretrained=False)
    source, target = zdata.arrays("edges2digits", "test", num_examples=4)
    outs = [m.translate(source[3:4], seed=5 + k) for k in range(2)]
    expected = picture(np.concatenate([source[3:4], *outs, target[3:4]]), ncols=4)
    assert row.shape == expected.shape
    assert np.abs(row.astype(int) - expected).max() <= 1
    assert np.array_equal(row, read(client.predict(TRANSLATOR, "a2b", 3, 2, 5, api_name="/translate")))


def test_an_unpaired_model_translates_both_ways_without_a_target(client):
    assert image2image.directions(UNPAIRED) == ["a2b", "b2a"]
    row = read(client.predict(UNPAIRED, "b2a", 2, 2, 0, api_name="/translate"))
    m = get_model(UNPAIRED, pretrained=False)
    handwritten = zdata.arrays("printed2handwritten", "test", num_examples=3)[1][2:3]  # the B side of index 2
    out = m.translate(handwritten, direction="b2a")
    expected = picture(np.concatenate([handwritten, out, out]), ncols=3)  # no noise; the A image is no target
    assert row.shape == expected.shape == (32, 3 * 30 + 2)
    assert np.abs(row.astype(int) - expected).max() <= 1


def test_an_uploaded_source_is_translated(client, tmp_path):
    edges, _ = zdata.arrays("edges2digits", "test", num_examples=1)
    path = tmp_path / "edges.png"
    PIL.Image.fromarray((edges[0, ..., 0] * 255).astype(np.uint8)).save(path)
    row = read(client.predict(TRANSLATOR, "a2b", handle_file(str(path)), 3, 0, api_name="/translate_image"))
    assert row.shape == (32, 4 * 30 + 2)  # source + 3 translations, 28-pixel tiles with 2-pixel gutters


@pytest.mark.parametrize("args, field", [(("b2a", 0, 2, 0), "Direction"), (("a2b", 10_000, 2, 0), "Held-out pair"),
                                         (("a2b", 0, 0, 0), "Translations"), (("a2b", 0, 2, -1), "Seed")])
def test_bad_translate_inputs_name_the_field(client, args, field):
    with pytest.raises(AppError) as e:
        client.predict(TRANSLATOR, *args, api_name="/translate")
    assert field in str(e.value) and GENERIC not in str(e.value)


def test_a_super_resolution_row_is_input_bicubic_model_original(client):
    row = read(client.predict(UPSCALER, 7, api_name="/super_resolve"))
    m = get_model(UPSCALER, pretrained=False)
    _, high = zdata.arrays("mnist_sr", "test", num_examples=8)
    low = superres.downsample(high[7:8], 4)
    shown = np.repeat(np.repeat(low, 4, axis=1), 4, axis=2)
    expected = picture(np.concatenate([shown, bicubic(low, (28, 28)), m.upscale(low), high[7:8]]), ncols=4)
    assert row.shape == expected.shape == (32, 4 * 30 + 2)
    assert np.abs(row.astype(int) - expected).max() <= 1


def test_an_upload_is_super_resolved_and_a_bad_index_is_named(client, tmp_path):
    buf = io.BytesIO()
    PIL.Image.fromarray(np.tile(np.arange(0, 256, 4, dtype=np.uint8), (64, 1))).save(buf, format="PNG")
    (tmp_path / "ramp.png").write_bytes(buf.getvalue())
    row = read(client.predict(UPSCALER, handle_file(str(tmp_path / "ramp.png")), api_name="/super_resolve_image"))
    assert row.shape == (32, 4 * 30 + 2)
    with pytest.raises(AppError) as e:
        client.predict(UPSCALER, 10_000, api_name="/super_resolve")
    assert "Held-out image" in str(e.value) and GENERIC not in str(e.value)


@pytest.mark.parametrize("model_id, last", [("srresnet-mnist", "9,999"), ("srgan-photos", "475")])
def test_the_index_field_names_the_range_of_the_models_test_set(model_id, last):
    from demos.image2image import index_label

    assert index_label(model_id) == f"Held-out image (0 to {last})"  # 10,000 test digits, 476 photo patches
