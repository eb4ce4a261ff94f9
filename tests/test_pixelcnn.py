"""Gated PixelCNN: causal masks without a blind spot, an exact and normalized likelihood, the
row-by-row sampler against the network, inpainting, input checks, save / load (tiny models)."""

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
import pixel_models
from zoo import capabilities as cap
from zoo import registry
from zoo.layers import GatedPixelCNNBlock, MaskedConv2D, causal_mask
from zoo.models.pixelcnn import PixelCNN, binarize, mnist_test_nll

TINY = registry.TINY["PixelCNN"]


def tiny_model(preset="tiny", seed=0, **overrides):
    return pixel_models.tiny_model("PixelCNN", preset, seed, **overrides)


def test_family_declares_its_capabilities():
    spec = registry.get_spec("pixelcnn-mnist")
    assert {"generate", "log_likelihood", "inpaint"} <= set(spec.tasks)
    assert spec.primary_metric == ("test_nll", "min") and "test_nll" in spec.paper_numbers
    assert cap.has(PixelCNN, cap.Inpainter) and cap.has(PixelCNN, cap.Likelihood)
    assert registry.info("pixelcnn-mnist")["params"] * 4 < 8e6  # weights under 8 MB


@pytest.mark.parametrize("preset", sorted(TINY))
def test_masks_are_causal_without_blind_spot(preset):
    model = tiny_model(preset)
    h, w, _ = model.data_shape
    reach = model.receptive_field
    order = np.arange(h * w).reshape(h, w)
    for i, j in [(0, 0), (0, 5), (3, 0), (4, 3), (5, 6), (h - 1, w - 1)]:
        g = pixel_models.input_gradient(model, i, j)
        k = i * w + j
        assert np.all(g[order >= k] == 0), f"logit ({i}, {j}) sees itself or a later pixel"
        if k:
            assert g[order < k].max() > 0
        if i:  # the whole row above within reach, upper right included: no blind spot
            cols = range(max(0, j - reach), min(w, j + reach + 1))
            assert all(g[i - 1, c] > 0 for c in cols), (i, j, g[i - 1])
        if j:
            assert all(g[i, c] > 0 for c in range(max(0, j - reach), j))


def test_causal_mask_shapes():
    np.testing.assert_array_equal(causal_mask(3, "A", "raster"), [[1, 1, 1], [1, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(causal_mask(3, "B", "raster"), [[1, 1, 1], [1, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(causal_mask(5, "A", "vertical"), [[1] * 5, [1] * 5, [0] * 5])
    np.testing.assert_array_equal(causal_mask(5, "B", "horizontal"), [[1, 1, 1]])
    np.testing.assert_array_equal(causal_mask(5, "A", "horizontal"), [[1, 1, 0]])


@pytest.mark.parametrize("stack", ["raster", "vertical", "horizontal"])
def test_masked_conv_a_is_causal_and_serializes(stack):
    keras.utils.set_random_seed(0)
    layer = MaskedConv2D(3, 5, "A", stack)
    x = tf.constant(np.random.default_rng(0).uniform(size=(2, 6, 6, 2)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.reduce_sum(layer(x)[:, 3, 3])
    g = np.abs(tape.gradient(out, x).numpy()).sum(axis=(0, 3))
    order = np.arange(36).reshape(6, 6)
    assert layer(x).shape == (2, 6, 6, 3) and np.all(g[order >= 21] == 0) and g.max() > 0
    if stack == "vertical":
        assert np.all(g[3] == 0) and g[2, 5] > 0  # the row above, to the right too
    clone = MaskedConv2D.from_config(layer.get_config())
    clone.build(x.shape)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x), layer(x), rtol=1e-6)


def test_layer_arguments_are_checked():
    for kwargs, word in [(dict(mask_type="C"), "mask_type"), (dict(stack="diagonal"), "stack"),
                         (dict(kernel_size=4), "kernel_size"), (dict(kernel_size=1, mask_type="A"), "kernel_size")]:
        with pytest.raises(ValueError, match=word):
            MaskedConv2D(4, **kwargs)
    with pytest.raises(ValueError, match="channels"):
        GatedPixelCNNBlock(4, 3, "B")([keras.Input((8, 8, 4)), keras.Input((8, 8, 3))])


def test_gated_block_halves_compose_to_call():
    keras.utils.set_random_seed(0)
    block = GatedPixelCNNBlock(4, 3, "B")
    v, h = (tf.constant(np.random.default_rng(s).normal(size=(2, 5, 5, 4)).astype(np.float32)) for s in (0, 1))
    v2, h2 = block([v, h])
    v3, link = block.vertical(v)
    np.testing.assert_allclose(v3, v2, rtol=1e-6)
    np.testing.assert_allclose(block.horizontal(h, link), h2, rtol=1e-6)


@pytest.mark.parametrize("family", ["PixelCNN", "PixelRNN"])  # the sampler and likelihood they share
def test_log_likelihood_is_minus_the_cross_entropy_of_the_logits(family):
    model = pixel_models.tiny_model(family)
    x = binarize(np.random.default_rng(1).uniform(size=(6, 8, 8, 1)))
    p = 1.0 / (1.0 + np.exp(-pixel_models.logits_of(model, x)))
    ref = (x * np.log(p) + (1 - x) * np.log(1 - p)).sum(axis=(1, 2, 3))
    ll = model.log_likelihood(x)
    assert ll.dtype == np.float64 and ll.shape == (6,)
    np.testing.assert_allclose(ll, ref, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(model.nll(tf.constant(x)).numpy(), -ll, rtol=1e-5)  # the training loss
    np.testing.assert_allclose(model.log_likelihood(x[:, :, :, 0], batch_size=4), ll)  # (n, H, W) accepted


@pytest.mark.parametrize("shape,precision", [((2, 2), "float32"), ((4, 4), "float32"), ((4, 4), "mixed_bfloat16")])
def test_probabilities_of_all_binary_images_sum_to_one(shape, precision):
    keras.utils.set_random_seed(3)
    model = PixelCNN(input_shape=[*shape, 1], filters=4, num_layers=2, kernel_size=3, first_kernel=3,
                     head_units=4, precision=precision)
    ll = model.log_likelihood(pixel_models.all_binary_images(*shape), batch_size=8192)
    top = ll.max()
    assert abs(top + np.log(np.exp(ll - top).sum())) < 1e-6


@pytest.mark.parametrize("family", ["PixelCNN", "PixelRNN"])  # the sampler and likelihood they share
def test_generate_is_binary_seeded_and_prefix_stable(family):
    model = pixel_models.tiny_model(family)
    x = model.generate(6, seed=3)
    assert x.shape == (6, 8, 8, 1) and x.dtype == np.float32 and set(np.unique(x)) <= {0.0, 1.0}
    np.testing.assert_array_equal(model.generate(6, seed=3), x)
    np.testing.assert_array_equal(model.generate(2, seed=3), x[:2])
    np.testing.assert_array_equal(model.generate(6, seed=3, batch_size=4), x)
    assert not np.array_equal(model.generate(6, seed=4), x)
    np.testing.assert_array_equal(model.decode(model.sample_codes(6, seed=3)), x)


def test_sampler_draws_from_the_network():
    """Every pixel of a sample is u < sigmoid(logit) with the full network's logit on the sample
    itself (causal: a logit sees only earlier pixels, which are final), so the row-by-row sampler
    computes the same conditionals as `network`."""
    for preset in sorted(TINY):
        model = tiny_model(preset, seed=1)
        u = model.sample_codes(16, seed=0)
        x = model.decode(u)
        p = 1.0 / (1.0 + np.exp(-pixel_models.logits_of(model, x)))
        np.testing.assert_array_equal(x, (u.reshape(x.shape) < p).astype(np.float32))


@pytest.mark.parametrize("family", ["PixelCNN", "PixelRNN"])  # the sampler and likelihood they share
def test_inpaint_keeps_known_pixels_and_samples_the_rest_from_the_model(family):
    model = pixel_models.tiny_model(family)
    x = model.generate(5, seed=0)
    mask = np.ones((8, 8), np.float32)
    mask[4:] = 0
    mask[2, 5:] = 0
    out = model.inpaint(x, mask, seed=7)
    known = np.broadcast_to(mask[None, :, :, None], x.shape) > 0
    np.testing.assert_array_equal(out[known], x[known])
    assert set(np.unique(out)) <= {0.0, 1.0}
    np.testing.assert_array_equal(model.inpaint(x, mask, seed=7), out)
    assert not np.array_equal(model.inpaint(x, mask, seed=8), out)
    # the unknown pixels are u < p(x_ij | everything before), known pixels above/left included
    u = model.sample_codes(5, seed=7).reshape(x.shape)
    p = 1.0 / (1.0 + np.exp(-pixel_models.logits_of(model, out)))
    np.testing.assert_array_equal(out[~known], (u < p)[~known].astype(np.float32))
    # per-image masks, boolean masks, and nothing known == generate
    np.testing.assert_array_equal(model.inpaint(x, np.broadcast_to(known, x.shape), seed=7), out)
    np.testing.assert_array_equal(model.inpaint(x, np.zeros((8, 8)), seed=2), model.generate(5, seed=2))
    np.testing.assert_array_equal(model.inpaint(x, np.ones((8, 8)), seed=2), x)


def test_bad_inputs_raise_value_errors_naming_the_argument():
    model = tiny_model()
    good = np.zeros((2, 8, 8, 1), np.float32)
    grey = np.full((2, 8, 8, 1), 0.5, np.float32)
    nan = good.copy()
    nan[0, 0, 0, 0] = np.nan
    cases = [
        (lambda: model.log_likelihood(grey), "x must be binary"),
        (lambda: model.log_likelihood(np.zeros((2, 7, 8, 1), np.float32)), "x must have shape"),
        (lambda: model.log_likelihood(nan), "x: found NaN"),
        (lambda: model.log_likelihood(good.astype(np.uint8)), "x must be float"),
        (lambda: model.inpaint(good, np.ones((7, 8))), "mask must have the shape"),
        (lambda: model.inpaint(good, np.full((8, 8), 0.5)), "mask must hold only 0"),
        (lambda: model.inpaint(grey, np.ones((8, 8))), "x must be binary .*where mask == 1"),
        (lambda: model.inpaint(nan, np.ones((8, 8))), "x: found NaN"),
        (lambda: model.decode(np.full((2, 64), 2.0, np.float32)), "codes must be uniform"),
        (lambda: model.decode(np.zeros((2, 63), np.float32)), "codes must have shape"),
        (lambda: model.generate(0), "n must be"),
        (lambda: model.generate(2, seed=-1), "seed must be"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
    model.inpaint(grey, np.zeros((8, 8)), seed=0)  # unknown pixels may hold anything
    for kwargs, word in [(dict(kernel_size=4), "kernel_size"), (dict(first_kernel=1), "first_kernel"),
                         (dict(precision="float16"), "precision"), (dict(num_layers=0), "num_layers"),
                         (dict(input_shape=[8, 8]), "input_shape")]:
        with pytest.raises(ValueError, match=word):
            PixelCNN(**{**TINY["tiny"], **kwargs})


def test_fit_lowers_the_loss_in_nats_per_image():
    model = tiny_model()
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    x = np.random.default_rng(0).uniform(size=(64, 8, 8, 1)).astype(np.float32) * 0.2  # mostly-off pixels
    first = model.fit(x, batch_size=16, epochs=1, verbose=0).history["loss"][0]
    assert abs(first - 64 * np.log(2)) < 15  # near log 2 per pixel at the start
    last = model.fit(x, batch_size=16, epochs=15, verbose=0).history["loss"][-1]
    assert last < first - 5


def test_save_load_round_trip(tmp_path):
    model = tiny_model("tiny-k5")
    x = model.generate(4, seed=0)
    model.save_pretrained(str(tmp_path / "m"))
    loaded = zoo.load(str(tmp_path / "m"))
    assert isinstance(loaded, PixelCNN) and loaded.get_config() == model.get_config()
    np.testing.assert_array_equal(loaded.log_likelihood(x), model.log_likelihood(x))
    np.testing.assert_array_equal(loaded.generate(4, seed=0), x)
    loaded.fit(x, batch_size=4, epochs=1, verbose=0)  # the optimizer came back with it


def test_test_nll_uses_the_vae_binarization():
    from zoo.eval.reconstruction import binarize as eval_binarize, likelihood_metrics

    grey = np.random.default_rng(0).uniform(size=(50, 28, 28, 1)).astype(np.float32)
    np.testing.assert_array_equal(binarize(grey), eval_binarize(grey))
    np.testing.assert_array_equal(binarize(grey)[:20], binarize(grey[:20]))  # a subset = the full split's first n
    keras.utils.set_random_seed(0)
    model = PixelCNN(filters=4, num_layers=2, head_units=4)
    x = zoo.data.arrays("mnist", "test")[0][:20]
    assert mnist_test_nll(model, n=20) == pytest.approx(-model.log_likelihood(binarize(x)).mean())
    assert mnist_test_nll(model, n=20) == pytest.approx(likelihood_metrics(model, 20)["eval"]["test_nll"])
