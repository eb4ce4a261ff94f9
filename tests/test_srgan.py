"""SRGAN / SRResNet on tiny presets: the super-resolution pairs (exact, seeded, held-out photos),
the sub-pixel layer, the perceptual loss against hand-computed values, upscale, the SRResNet
option, fit, saving, bad inputs, and the evaluation suite beside tf.image.resize's bicubic."""

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
from conftest import with_steps
from zoo import capabilities as cap
from zoo import data, registry
from zoo.data import superres as SR
from zoo.eval import evaluate
from zoo.layers import PixelShuffle
from zoo.models.srgan import SRGAN, perceptual_loss

TINY = registry.TINY["SRGAN"]["tiny"]  # 8x8 -> 16x16 grey, 4 filters


def tiny(**kw):
    return SRGAN(**{**TINY, **kw})


def smooth_images(n=32, side=16, channels=1, seed=0):
    """Images a tiny model can learn to upscale: bilinear blow-ups of 4x4 noise, in [0, 1]."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 1, (n, 4, 4, channels)).astype(np.float32)
    return tf.image.resize(coarse, (side, side), method="bilinear").numpy().clip(0, 1)


# ----------------------------------------------------------------------------- data
def test_mnist_pairs_are_the_test_images_and_their_block_means():
    low, high = data.arrays("mnist_sr", "test", num_examples=50)
    x, _ = data.image_arrays("mnist", "test")
    np.testing.assert_array_equal(high, data.scale(x[:50])[..., None])
    assert low.shape == (50, 7, 7, 1) and low.dtype == np.float32 and high.dtype == np.float32
    # low[i, j] is the mean of the 4x4 block at (4i, 4j), by hand for a few pixels
    for n, i, j in [(0, 0, 0), (3, 3, 4), (49, 6, 6)]:
        block = high[n, 4 * i: 4 * i + 4, 4 * j: 4 * j + 4, 0].astype(np.float64)
        assert low[n, i, j, 0] == np.float32(block.sum() / 16.0)
    area = tf.image.resize(high, (7, 7), method="area").numpy()  # what tf calls area downsampling
    np.testing.assert_allclose(low, area, atol=1e-6)
    np.testing.assert_allclose(tiny(data_shape=[28, 28, 1], scale=4).downsample(high), low, atol=1e-6)
    lo, hi = data.arrays("fashion_mnist_sr", "train", num_examples=4)
    assert lo.shape == (4, 7, 7, 1) and hi.shape == (4, 28, 28, 1) and np.array_equal(lo, SR.downsample(hi))


def test_loading_is_seeded_and_keeps_the_pairs_together():
    def first(seed):
        return next(iter(data.load("mnist_sr", "train", batch_size=8, seed=seed, num_examples=256)))

    (a_low, a_high), (b_low, b_high), (c_low, _) = first(0), first(0), first(1)
    np.testing.assert_array_equal(a_low, b_low)
    np.testing.assert_array_equal(a_high, b_high)
    assert not np.array_equal(a_low, c_low)
    np.testing.assert_array_equal(a_low, SR.downsample(a_high.numpy()))  # shuffled as pairs
    test = next(iter(data.load("mnist_sr", "test", batch_size=3)))  # not shuffled: the first test images
    np.testing.assert_array_equal(test[1], data.arrays("mnist_sr", "test", num_examples=3)[1])
    with pytest.raises(ValueError, match="with_labels"):
        data.load("mnist_sr", with_labels=True)
    assert data.kind("photo_patches_sr") == "images" and data.DATASETS["photo_patches_sr"][0] == (32, 32, 3)


def test_photo_patches_come_from_a_fixed_grid_and_the_test_photos_are_held_out():
    train, test = SR.photo_patches("train"), SR.photo_patches("test")
    assert train.shape == (5681, 32, 32, 3) and test.shape == (476, 32, 32, 3) and train.dtype == np.uint8
    astronaut, coffee = SR._photo("skimage", "astronaut"), SR._photo("skimage", "coffee")
    np.testing.assert_array_equal(train[0], astronaut[:32, :32])
    np.testing.assert_array_equal(train[1], astronaut[:32, 16:48])  # stride 16 in training
    np.testing.assert_array_equal(test[1], coffee[:32, 32:64])  # stride 32 in test
    assert not {p.tobytes() for p in test} & {p.tobytes() for p in train}
    low, high = data.arrays("photo_patches_sr", "test")
    assert low.shape == (476, 8, 8, 3) and np.array_equal(low, SR.downsample(high)) and 0 <= high.min()


# ----------------------------------------------------------------------------- layers and losses
def test_pixel_shuffle_moves_channel_groups_into_blocks():
    x = np.arange(2 * 3 * 2 * 8, dtype=np.float32).reshape(2, 3, 2, 8)  # r = 2, C = 2
    y = PixelShuffle(2)(x).numpy()
    assert y.shape == (2, 6, 4, 2)
    for i, j, a, b, c in [(0, 0, 0, 0, 0), (2, 1, 1, 0, 1), (1, 1, 1, 1, 1)]:
        assert y[1, 2 * i + a, 2 * j + b, c] == x[1, i, j, (2 * a + b) * 2 + c]
    layer = keras.layers.deserialize(keras.layers.serialize(PixelShuffle(4)))
    assert isinstance(layer, PixelShuffle) and layer.block_size == 4
    with pytest.raises(ValueError, match="block_size"):
        PixelShuffle(1)


def test_perceptual_loss_against_hand_computed_values():
    sr, hr = np.array([[0.0, 0.5], [1.0, 1.0]]), np.array([[0.5, 0.5], [0.0, 1.0]])
    fs, fh = np.array([[1.0, 2.0]]), np.array([[3.0, 2.0]])
    logits = np.array([0.0, 2.0])
    t = {k: float(v) for k, v in perceptual_loss(sr, hr, logits, fs, fh, 0.5, 0.1).items()}
    assert t["pixel_loss"] == pytest.approx((0.25 + 0 + 1 + 0) / 4)  # 0.3125
    assert t["feature_loss"] == pytest.approx(4.0 / 2)
    # -log sigmoid(l) = softplus(-l): (ln 2 + ln(1 + e^-2)) / 2
    adv = (np.log(2.0) + np.log1p(np.exp(-2.0))) / 2
    assert t["adversarial_loss"] == pytest.approx(adv, rel=1e-6)
    assert t["g_loss"] == pytest.approx(0.3125 + 0.5 * 2.0 + 0.1 * adv, rel=1e-6)
    assert set(perceptual_loss(sr, hr)) == {"g_loss", "pixel_loss"}  # SRResNet-MSE: the pixel loss alone


# ----------------------------------------------------------------------------- upscale
def test_upscale_returns_larger_images_in_range_deterministically():
    m = tiny()
    x = smooth_images(5, 8)
    y = m.upscale(x)
    assert y.shape == (5, 16, 16, 1) and y.dtype == np.float32 and 0 <= y.min() and y.max() <= 1
    np.testing.assert_array_equal(m.upscale(x), y)
    np.testing.assert_allclose(m.upscale(x[:2]), y[:2], atol=1e-6)  # an image's output ignores its batch
    np.testing.assert_array_equal(m.upscale(x[..., 0]), y)  # (n, h, w) for grey images
    assert m.upscale(smooth_images(2, 12)[:, :5, :6]).shape == (2, 10, 12, 1)  # fully convolutional
    assert cap.has(m, cap.Upscaler) and m.low_shape == (8, 8, 1)
    assert tiny(data_shape=[16, 16, 3], scale=4).upscale(np.zeros((1, 4, 4, 3), np.float32)).shape == (1, 16, 16, 3)


@pytest.mark.parametrize("x,msg", [
    (np.zeros((2, 8, 8, 3), np.float32), r"x must have shape \(n, h, w, 1\)"),
    (np.zeros((8, 8), np.float32), r"x must have shape"),
    (np.zeros((2, 8, 8, 1), np.uint8), "x must be float in \\[0, 1\\], got dtype uint8"),
    (np.full((2, 8, 8, 1), np.nan, np.float32), "x: found NaN"),
    (np.full((2, 8, 8, 1), 255.0, np.float32), r"x must be in \[0, 1\]"),
    (np.zeros((0, 8, 8, 1), np.float32), "x: got an empty batch"),
])
def test_upscale_rejects_bad_input_naming_x(x, msg):
    with pytest.raises(ValueError, match=msg):
        tiny().upscale(x)


def test_the_image_skip_starts_from_bicubic_and_the_edsr_trunk_has_no_batch_norm():
    m = tiny(image_skip=True, batch_norm=False)
    assert not [l for l in m.generator.layers if isinstance(l, keras.layers.BatchNormalization)]
    residual = m.generator.get_layer("residual")
    residual.set_weights([np.zeros_like(w) for w in residual.get_weights()])
    x = smooth_images(4, 8)
    bicubic = tf.image.resize(x, (16, 16), method="bicubic").numpy().clip(0, 1)  # the suite's baseline
    np.testing.assert_allclose(m.upscale(x), bicubic, atol=1e-5)  # a zero residual: G is bicubic
    plain = tiny().get_config()  # the defaults stay unwritten: published configs are unchanged
    assert "image_skip" not in plain and "batch_norm" not in plain and m.get_config()["image_skip"] is True
    assert SRGAN.from_config(m.get_config()).generator.count_params() == m.generator.count_params()


@pytest.mark.parametrize("kw,msg", [
    (dict(scale=3), "scale must be one of"),
    (dict(image_skip=1), "image_skip must be True or False"),
    (dict(batch_norm=None), "batch_norm must be True or False"),
    (dict(data_shape=[18, 18, 1], scale=4), "multiples of scale=4"),
    (dict(adversarial="yes"), "adversarial must be True or False"),
    (dict(adversarial_weight=-1.0), "adversarial_weight must be a finite number"),
    (dict(feature_weight=0.1), "feature_weight > 0 needs feature_dataset"),
    (dict(feature_dataset="cifar10"), "feature_dataset must be None or one of"),
    (dict(feature_dataset="mnist"), r"takes images of shape \[28, 28, 1\]"),
])
def test_bad_configs_are_refused_naming_the_argument(kw, msg):
    with pytest.raises(ValueError, match=msg):
        tiny(**kw)


# ----------------------------------------------------------------------------- training
@pytest.fixture(scope="module")
def fitted():
    """A tiny SRGAN fitted 4 epochs of 4 steps on (low, high) pairs of smooth images, and its history."""
    keras.utils.set_random_seed(0)
    x = smooth_images(64)
    m = tiny()
    m.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-2))
    history = m.fit(tf.data.Dataset.from_tensor_slices((SR.downsample(x, 2), x)).batch(16), epochs=4, verbose=0)
    return m, x, history.history


def test_fit_lowers_the_pixel_loss(fitted):
    _, _, history = fitted
    loss = history["pixel_loss"]  # running means of each epoch
    assert all(b < a for a, b in zip(loss, loss[1:])) and loss[-1] < 0.5 * loss[0]
    assert set(history) == with_steps({"g_loss", "pixel_loss", "adversarial_loss", "d_loss"})
    assert all(np.isfinite(history[k][-1]) for k in history)


def test_save_pretrained_round_trip_gives_the_same_upscales(fitted, tmp_path):
    m, x, _ = fitted
    loaded = zoo.load(m.save_pretrained(tmp_path / "sr"))
    assert type(loaded) is SRGAN and loaded.get_config() == m.get_config()
    low = SR.downsample(x, 2)
    np.testing.assert_array_equal(loaded.upscale(low), m.upscale(low))
    assert loaded.OPTIMIZERS == m.OPTIMIZERS and loaded.compiled


def test_srresnet_has_no_discriminator_and_trains_g_like_srgan_without_its_adversarial_term():
    batch = tf.constant(smooth_images(8))  # high-resolution images alone: the inputs are made in the graph
    res, gan = tiny(adversarial=False), tiny(adversarial_weight=0.0)
    res.generator.set_weights(gan.generator.get_weights())
    for m in (res, gan):
        m.compile(g_optimizer=keras.optimizers.SGD(0.1))
    assert res.discriminator is None and res.OPTIMIZERS == ("g_optimizer",) and res.d_optimizer is None
    assert set(res.get_compile_config()) == {"g_optimizer", "jit_compile"}
    d_before = [w.copy() for w in gan.discriminator.get_weights()]
    for _ in range(2):  # two steps, eager (cheaper than tracing two fits)
        logs = res.train_step(batch)
        gan.train_step(batch)
    assert set(logs) == with_steps({"g_loss", "pixel_loss"})  # no d_loss, no adversarial term
    assert any(not np.allclose(a, b) for a, b in zip(d_before, gan.discriminator.get_weights()))  # SRGAN's D moves
    # With the adversarial weight 0, G's updates are SRResNet's: G alone on the pixel loss.
    for a, b in zip(res.generator.trainable_weights, gan.generator.trainable_weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6, err_msg=b.path)


def test_fit_checks_the_pairs_naming_them():
    m = tiny()
    m.compile()
    x = smooth_images(8)
    with pytest.raises(ValueError, match=r"training data \(low-resolution inputs\) must have shape \(n, 8, 8, 1\)"):
        m.fit(x[:, :4, :4], x, verbose=0)
    with pytest.raises(ValueError, match=r"training labels \(high-resolution targets\) must be in \[0, 1\]"):
        m.fit(SR.downsample(x, 2), x * 255, verbose=0)
    with pytest.raises(ValueError, match="differ in length"):
        m.fit(tf.data.Dataset.from_tensors((SR.downsample(x, 2)[:4], x)), verbose=0)
    with pytest.raises(ValueError, match=r"training labels \(high-resolution targets\) must have shape"):
        m.train_step((tf.constant(SR.downsample(x, 2)), tf.constant(x[:, :8, :8])))  # the graph's own check


def test_the_feature_loss_uses_the_pinned_classifier_features():
    m = SRGAN(data_shape=[28, 28, 1], scale=4, filters=4, num_blocks=1, d_filters=4, d_units=8,
              feature_weight=0.5, feature_dataset="mnist")
    m.compile()
    low, high = data.arrays("mnist_sr", "test", num_examples=4)
    terms = m.losses_of(tf.constant(low), tf.constant(high))
    clf = zoo.load("mnist-classifier")
    expected = np.mean((clf.features(m.upscale(low)) - clf.features(high)) ** 2)
    assert float(terms["feature_loss"]) == pytest.approx(expected, rel=1e-4)
    assert float(terms["g_loss"]) == pytest.approx(float(terms["pixel_loss"]) + 0.5 * expected
                                                   + 1e-3 * float(terms["adversarial_loss"]), rel=1e-4)
    assert "feature_loss" in m.tracker_names()
    assert not any("classifier" in w.path or "features" in w.path for w in m.weights)  # not saved with the model


# ----------------------------------------------------------------------------- evaluation
def _bicubic_psnr_ssim(low, high, crop):
    up = np.clip(tf.image.resize(low, high.shape[1:3], method="bicubic").numpy(), 0, 1)
    a, b = up[:, crop:-crop, crop:-crop], high[:, crop:-crop, crop:-crop]
    return float(np.mean(tf.image.psnr(a, b, 1.0))), float(np.mean(tf.image.ssim(a, b, 1.0)))


def test_the_suite_of_an_upscaler_on_digits():
    m = SRGAN(data_shape=[28, 28, 1], scale=4, filters=4, num_blocks=1, adversarial=False)
    res = evaluate(m, registry.get_spec("srresnet-mnist"), n_samples=64)
    ev, proto = res["eval"], res["protocol"]
    assert set(ev) == set(proto) == {"psnr", "ssim", "psnr_bicubic", "ssim_bicubic", "accuracy_upscaled",
                                     "accuracy_bicubic", "accuracy_high_res", "fid", "fid_bicubic"}
    low, high = data.arrays("mnist_sr", "test", num_examples=64)
    psnr, ssim = _bicubic_psnr_ssim(low, high, crop=4)  # the baseline is tf.image.resize's bicubic
    assert ev["psnr_bicubic"] == pytest.approx(psnr, rel=1e-6) and ev["ssim_bicubic"] == pytest.approx(ssim, rel=1e-6)
    up = m.upscale(low)[:, 4:-4, 4:-4]
    assert ev["psnr"] == pytest.approx(float(np.mean(tf.image.psnr(up, high[:, 4:-4, 4:-4], 1.0))), rel=1e-6)
    assert ev["accuracy_high_res"] > 0.95 and ev["accuracy_bicubic"] < ev["accuracy_high_res"]
    assert ev["psnr"] < ev["psnr_bicubic"] and ev["fid"] > ev["fid_bicubic"] > 0  # untrained G is worse
    assert "first 64 pairs" in proto["psnr"] and "mnist-classifier" in proto["fid"]


def test_the_suite_on_rgb_photos_uses_the_luma_and_has_no_classifier_metrics():
    m = SRGAN(data_shape=[32, 32, 3], scale=4, filters=4, num_blocks=1, d_filters=4, d_units=8)
    ev = evaluate(m, registry.get_spec("srgan-photos"), n_samples=16)["eval"]
    assert set(ev) == {"psnr", "ssim", "psnr_bicubic", "ssim_bicubic"}
    low, high = data.arrays("photo_patches_sr", "test", num_examples=16)
    w = np.array([65.481, 128.553, 24.966]) / 255.0
    up = np.clip(tf.image.resize(low, (32, 32), method="bicubic").numpy(), 0, 1)
    y_up, y_hi = ((16 / 255 + (v.astype(np.float64) @ w))[..., None].astype(np.float32) for v in (up, high))
    psnr = float(np.mean(tf.image.psnr(y_up[:, 4:-4, 4:-4], y_hi[:, 4:-4, 4:-4], 1.0)))
    assert ev["psnr_bicubic"] == pytest.approx(psnr, rel=1e-5)
