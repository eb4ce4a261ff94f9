"""PixelRNN (Row LSTM): a causal network with the Row LSTM's triangular field, an exact and
normalized likelihood, the row sampler against a sampler that re-runs the whole network for every
pixel, the Row LSTM layer's parts, input checks, save / load (tiny models). The tests of what it
shares with PixelCNN (likelihood, seeded sampling, inpainting) run for both in test_pixelcnn.py."""

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
import pixel_models
from zoo import capabilities as cap
from zoo import registry
from zoo.layers import RowLSTM
from zoo.models.pixelcnn import binarize
from zoo.models.pixelrnn import PixelRNN

TINY = registry.TINY["PixelRNN"]


def tiny_model(preset="tiny", seed=0, **overrides):
    return pixel_models.tiny_model("PixelRNN", preset, seed, **overrides)


def naive_decode(model, u):
    """Pixel k = u_k < sigmoid(logit_k), the whole network re-run on the canvas for every pixel."""
    canvas = np.zeros((len(u), *model.data_shape), np.float32)
    u, probs = u.reshape(canvas.shape), tf.function(lambda t: tf.sigmoid(model.network(t)))
    for i in range(canvas.shape[1]):
        for j in range(canvas.shape[2]):
            p = probs(tf.constant(canvas)).numpy()
            canvas[:, i, j] = (u[:, i, j] < p[:, i, j]).astype(np.float32)
    return canvas


def test_family_declares_its_capabilities_and_the_pixelcnn_protocol():
    spec, cnn = registry.get_spec("pixelrnn-mnist"), registry.get_spec("pixelcnn-mnist")
    assert {"generate", "log_likelihood", "inpaint"} <= set(spec.tasks)
    assert (spec.dataset, spec.primary_metric, spec.config["binarize"]) == (cnn.dataset, cnn.primary_metric, True)
    assert "Row LSTM" in spec.paper_numbers["test_nll"]
    assert cap.has(PixelRNN, cap.Inpainter) and cap.has(PixelRNN, cap.Likelihood)
    assert registry.info("pixelrnn-mnist")["params"] * 4 < 8e6  # weights under 8 MB
    assert any("blind spot" in line for line in spec.card.limitations)


@pytest.mark.parametrize("preset", sorted(TINY))
def test_logits_are_causal_with_the_row_lstm_triangle(preset):
    model = tiny_model(preset)
    h, w, _ = model.data_shape
    order = np.arange(h * w).reshape(h, w)
    reach = model.receptive_field
    for i, j in [(0, 0), (0, 3), (2, 0), (3, 2), (h - 1, w - 1), (h - 1, 0)]:
        g = pixel_models.input_gradient(model, i, j, n=4)
        k = i * w + j
        assert np.all(g[order >= k] == 0), f"logit ({i}, {j}) sees itself or a later pixel"
        if j:  # its own row, `reach` pixels to the left
            assert all(g[i, c] > 0 for c in range(max(0, j - reach), j)) and np.all(g[i, : max(0, j - reach)] == 0)
        if i:
            assert g[i - 1, j] > 0 and g[0, j] > 0  # straight up, however far
    # the blind spot: the row above, right of the first layer's reach, is not seen
    g = pixel_models.input_gradient(model, 2, 0)
    c = model.first_kernel // 2
    assert g[1, c] > 0 and np.all(g[1, c + 1:] == 0)


def test_row_lstm_parts_compose_to_call_and_it_serializes():
    keras.utils.set_random_seed(0)
    layer = RowLSTM(3, 3, "B")
    x = tf.constant(np.random.default_rng(0).normal(size=(2, 5, 6, 4)).astype(np.float32))
    out = layer(x)
    assert out.shape == (2, 5, 6, 3)
    pre, h, c, rows = layer.input_to_state(x), tf.zeros((2, 1, 6, 3)), tf.zeros((2, 1, 6, 3)), []
    for r in range(5):  # the paper's recurrence, row by row
        h, c = layer.cell(pre[:, r: r + 1] + layer.state_to_state(h), c)
        rows.append(h)
    np.testing.assert_allclose(out, tf.concat(rows, axis=1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.in_conv.bias.numpy().reshape(4, 3), [[0] * 3, [1] * 3, [0] * 3, [0] * 3])
    clone = RowLSTM.from_config(layer.get_config())
    clone.build(x.shape)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x), out, rtol=1e-6)
    for kwargs, word in [(dict(units=0), "units"), (dict(units=2, kernel_size=4), "kernel_size"),
                         (dict(units=2, mask_type="C"), "mask_type")]:
        with pytest.raises(ValueError, match=word):
            RowLSTM(**kwargs)


def test_row_lstm_mask_a_hides_the_pixel_itself():
    keras.utils.set_random_seed(0)
    layer = RowLSTM(2, 3, "A")
    x = tf.constant(np.random.default_rng(0).uniform(size=(2, 4, 5, 1)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.reduce_sum(layer(x)[:, 2, 2])
    g = np.abs(tape.gradient(out, x).numpy()).sum(axis=(0, 3))
    order = np.arange(20).reshape(4, 5)
    assert np.all(g[order >= 12] == 0) and g[2, 1] > 0  # nothing from (2, 2) on; left of it
    assert g[1, 2] > 0 and g[0, 3] > 0 and g[0, 4] == 0  # through the state: a triangle above


@pytest.mark.parametrize("shape", [(2, 3), (3, 3)])
def test_probabilities_of_all_binary_images_sum_to_one(shape):
    keras.utils.set_random_seed(3)
    model = PixelRNN(input_shape=[*shape, 1], hidden=3, num_layers=2, kernel_size=3, first_kernel=3, head_units=4)
    ll = model.log_likelihood(pixel_models.all_binary_images(*shape), batch_size=1024)
    assert abs(np.exp(ll).sum() - 1.0) < 1e-5


@pytest.mark.parametrize("preset", sorted(TINY))
def test_row_sampler_equals_the_naive_sampler(preset):
    model = tiny_model(preset, seed=1)
    u = model.sample_codes(6, seed=0)
    x = model.decode(u)
    np.testing.assert_array_equal(x, naive_decode(model, u))
    assert 0.0 < x.mean() < 1.0


def test_constructor_arguments_are_checked_and_the_config_is_its_own():
    cfg = tiny_model().get_config()
    assert {"hidden", "num_layers", "kernel_size", "first_kernel", "head_units"} <= set(cfg)
    assert not {"filters", "precision"} & set(cfg)  # nothing of the PixelCNN's constructor
    for kwargs, word in [(dict(hidden=0), "hidden"), (dict(kernel_size=4), "kernel_size"),
                         (dict(first_kernel=1), "first_kernel"), (dict(num_layers=0), "num_layers"),
                         (dict(input_shape=[8, 8]), "input_shape")]:
        with pytest.raises(ValueError, match=word):
            PixelRNN(**{**TINY["tiny"], **kwargs})
    with pytest.raises(ValueError, match="x must be binary"):
        tiny_model().log_likelihood(np.full((2, 8, 8, 1), 0.5, np.float32))


def test_fit_lowers_the_loss_and_save_load_round_trips(tmp_path):
    model = tiny_model("tiny-k5")
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    x = np.random.default_rng(0).uniform(size=(64, 6, 7, 1)).astype(np.float32) * 0.2  # mostly-off pixels
    first = model.fit(x, batch_size=16, epochs=1, verbose=0).history["loss"][0]
    assert abs(first - 42 * np.log(2)) < 12  # near log 2 per pixel at the start
    last = model.fit(x, batch_size=16, epochs=6, verbose=0).history["loss"][-1]
    assert last < first - 5
    samples = model.generate(4, seed=0)
    model.save_pretrained(str(tmp_path / "m"))
    loaded = zoo.load(str(tmp_path / "m"))
    assert type(loaded) is PixelRNN and loaded.get_config() == model.get_config()
    np.testing.assert_array_equal(loaded.log_likelihood(samples), model.log_likelihood(samples))
    np.testing.assert_array_equal(loaded.generate(4, seed=0), samples)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()  # ready for fit
