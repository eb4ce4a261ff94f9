"""Progressive GAN on tiny presets: its layers against hand-computed values, the schedule of stages and
alpha (advanced by fit, resumed exactly), the fade-in at alpha = 0, generate and the stages' samples,
growing through every stage, saving mid-phase, bad inputs, and the evaluation suites it gets."""

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
from zoo import registry
from zoo.eval import suite as E
from zoo.models.progan import ProGAN, schedule, upsample
from zoo.progan_layers import EqualizedConv2D, EqualizedDense, FadeIn, MinibatchStdDev, PixelNorm

TINY = registry.TINY["ProGAN"]["tiny"]  # 6x6 padded to 8: stages 4 and 8, 8 images per phase
# 14x14 padded to 16: stages 4, 8 and 16, 8 images per phase (5 phases: 40 images)
THREE = dict(data_shape=[14, 14, 1], latent_dim=8, filters=[8, 4, 4], phase_images=8, group_size=2)


def tiny(**kw):
    model = ProGAN(**{**TINY, **kw})
    model.compile()
    return model


def images(n, shape=(6, 6, 1), seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, *shape)).astype(np.float32)


def batches(x, batch=4):
    return tf.data.Dataset.from_tensor_slices(x).batch(batch, drop_remainder=True)


class StepLog(keras.callbacks.Callback):
    """(images seen, resolution, alpha) after every step, and the kernels of the 8x8 stage's toRGB /
    fromRGB before training and after the second step (the last one at 4x4)."""

    NEW = (("generator", "to_rgb_8"), ("discriminator", "from_rgb_8"))

    def __init__(self):
        super().__init__()
        self.rows, self.kernels = [], []

    def _snapshot(self):
        self.kernels.append([getattr(self.model, net).get_layer(name).kernel.numpy().copy() for net, name in self.NEW])

    def on_train_begin(self, logs=None):
        self._snapshot()

    def on_train_batch_end(self, batch, logs=None):
        self.rows.append((int(self.model.images_seen.numpy()), float(logs["resolution"]), float(logs["alpha"])))
        if batch == 1:
            self._snapshot()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One tiny model trained on 24 images in one go (stage 4x4, the fade-in of 8x8, then stable),
    another on the first 12 (it stops halfway through the fade-in), saved with `save_pretrained` and
    as a checkpoint, then loaded and trained on the other 12. The three fits run eagerly (tracing
    each stage's step three times took most of a minute); the traced step is grown through three
    stages below."""
    folder = tmp_path_factory.mktemp("progan")
    x = images(24, seed=2)
    whole, half, log = tiny(), tiny(), StepLog()
    whole.run_eagerly = half.run_eagerly = True
    half.set_weights(whole.get_weights())  # the same start (the noise seeds are equal already)
    whole.fit(batches(x), epochs=1, verbose=0, callbacks=[log])
    half.fit(batches(x[:12]), epochs=1, verbose=0)
    half.save_pretrained(folder / "half")
    half.save_weights(str(folder / "checkpoint.weights.h5"))  # what a checkpoint holds: the optimizers too
    loaded = zoo.load(str(folder / "half"))
    probe = images(4, seed=5)
    at_load = {"state": (loaded.stage, loaded.alpha, int(loaded.images_seen.numpy())),
               "config": loaded.get_config() == half.get_config(),
               "same": [np.array_equal(loaded.generate(4, seed=3), half.generate(4, seed=3))]
               + [np.array_equal(loaded._nets.d[s](loaded.real_at(probe, s)), half._nets.d[s](half.real_at(probe, s)))
                  for s in (0, 1)]}
    loaded.load_weights(str(folder / "checkpoint.weights.h5"))
    loaded.noise.state.assign(half.noise.state)  # the checkpoint's random state
    loaded.run_eagerly = True
    loaded.fit(batches(x[12:]), epochs=1, verbose=0)
    return dict(whole=whole, log=log, half=half, loaded=loaded, at_load=at_load)


# ----------------------------------------------------------------------------- layers
def test_pixel_norm_gives_every_pixel_unit_mean_square():
    x = np.float32([[[[3.0, 4.0]]]])  # mean square (9 + 16) / 2 = 12.5
    np.testing.assert_allclose(PixelNorm()(x), x / np.sqrt(12.5 + 1e-8), rtol=1e-6)
    y = PixelNorm()(np.random.default_rng(0).normal(0, 5, (2, 3, 3, 7)).astype(np.float32)).numpy()
    np.testing.assert_allclose(np.mean(y**2, axis=-1), 1.0, rtol=1e-5)


def test_minibatch_stddev_appends_the_std_of_each_group():
    # four 1x1 examples with 2 features; groups of 2: example i is in group i mod 2
    x = np.float32([[0, 0], [1, 1], [2, 0], [1, 5]]).reshape(4, 1, 1, 2)
    out = MinibatchStdDev(2, epsilon=0.0)(x).numpy()
    assert out.shape == (4, 1, 1, 3)
    np.testing.assert_array_equal(out[..., :2], x)
    # group {0, 2}: stds (1, 0) -> 0.5; group {1, 3}: stds (0, 2) -> 1.0
    np.testing.assert_allclose(out[:, 0, 0, 2], [0.5, 1.0, 0.5, 1.0], rtol=1e-6)
    # one group (the whole batch): features [0, 1, 2, 1] and [0, 1, 0, 5]: population std sqrt(0.5), sqrt(4.25)
    whole = MinibatchStdDev(0, epsilon=0.0)(x).numpy()[:, 0, 0, 2]
    np.testing.assert_allclose(whole, (np.sqrt(0.5) + np.sqrt(4.25)) / 2, rtol=1e-6)
    # a batch that the group size does not divide: 6 examples in groups of 3 (the largest divisor <= 4),
    # the same with the batch size unknown when traced
    y = np.random.default_rng(1).normal(size=(6, 2, 2, 3)).astype(np.float32)
    layer = MinibatchStdDev(4)
    traced = tf.function(layer, input_signature=[tf.TensorSpec((None, 2, 2, 3))])
    groups = y.reshape(3, 2, -1)  # example i = 2 k + j is in group j
    expected = np.sqrt(groups.var(axis=0) + 1e-8).mean(axis=-1)
    for out in (layer(y).numpy(), traced(y).numpy()):
        np.testing.assert_allclose(out[:, 0, 0, 3], np.tile(expected, 3), rtol=1e-5)
        assert np.all(out[:, :, :, 3] == out[:, :1, :1, 3])  # one value per example, at every pixel


def test_equalized_layers_scale_their_unit_normal_weights_at_run_time():
    dense = EqualizedDense(1000, gain=2.0)
    dense.build((None, 400))
    assert abs(float(np.std(dense.kernel.numpy())) - 1.0) < 0.01  # stored as N(0, 1), not He's N(0, 2 / fan_in)
    one = EqualizedDense(1, gain=2.0)
    one.build((None, 4))
    one.kernel.assign(np.ones((4, 1), np.float32))
    np.testing.assert_allclose(one(np.ones((1, 4), np.float32)), [[4 * 2.0 / np.sqrt(4)]])  # 4 x c, c = 2 / 2
    conv = EqualizedConv2D(1, 3)  # gain sqrt(2), fan_in 3 x 3 x 2 = 18
    conv.build((None, 3, 3, 2))
    conv.kernel.assign(np.ones((3, 3, 2, 1), np.float32))
    conv.bias.assign([0.5])
    out = conv(np.ones((1, 3, 3, 2), np.float32)).numpy()
    assert out[0, 1, 1, 0] == pytest.approx(18 * np.sqrt(2) / np.sqrt(18) + 0.5)  # 6.5
    assert out[0, 0, 0, 0] == pytest.approx(8 * np.sqrt(2) / np.sqrt(18) + 0.5)  # a corner sees 2 x 2 x 2 ones
    assert EqualizedConv2D.from_config(conv.get_config()).get_config() == conv.get_config()


def test_fade_in_blends_with_alpha_a_saved_non_trainable_weight():
    fade = FadeIn(alpha=0.25)
    old, new = np.float32([[0.0, 4.0]]), np.float32([[8.0, 0.0]])
    np.testing.assert_allclose(fade([old, new]), [[2.0, 3.0]])
    fade.alpha.assign(0.0)
    np.testing.assert_array_equal(fade([old, new]), old)
    assert fade.trainable_weights == [] and fade.non_trainable_weights == [fade.alpha]


# ----------------------------------------------------------------------------- schedule
def test_the_schedule_of_stages_and_alpha():
    table = {0: (0, 1.0), 9: (0, 1.0), 10: (1, 0.0), 15: (1, 0.5), 20: (1, 1.0), 29: (1, 1.0), 30: (2, 0.0),
             34: (2, 0.4), 50: (2, 1.0), 10**6: (2, 1.0)}
    for images, (stage, alpha) in table.items():
        s, a = schedule(images, 10, 3)
        assert (int(s), float(a)) == pytest.approx((stage, alpha)), images


def test_fit_advances_the_schedule_and_trains_a_stage_once_it_is_used(runs):
    model, log = runs["whole"], runs["log"]
    # the stage and alpha a step trains at come from the images before it: 4x4 for 8 images, then 8x8
    # fading in over 8 (alpha 0, 0.5), then stable
    assert log.rows == [(4, 4, 1), (8, 4, 1), (12, 8, 0), (16, 8, 0.5), (20, 8, 1), (24, 8, 1)]
    assert (model.stage, model.alpha, int(model.images_seen.numpy())) == (1, 1.0, 24)
    start, after_4x4 = log.kernels[0], log.kernels[1]
    for a, b in zip(start, after_4x4):
        np.testing.assert_array_equal(a, b)  # zero gradients while 4x4 trains: Adam (beta_1 = 0) keeps them
    for a, (net, name) in zip(start, log.NEW):
        assert not np.allclose(a, getattr(model, net).get_layer(name).kernel.numpy()), name


def test_save_pretrained_mid_phase_keeps_the_state_and_a_resumed_fit_continues_exactly(runs):
    assert (runs["half"].stage, runs["half"].alpha) == (1, 0.5)
    assert runs["at_load"] == {"state": (1, 0.5, 12), "config": True, "same": [True, True, True]}
    resumed, whole = runs["loaded"], runs["whole"]
    assert (resumed.stage, resumed.alpha, int(resumed.images_seen.numpy())) == (1, 1.0, 24)
    for a, b in zip(resumed.get_weights(), whole.get_weights()):
        np.testing.assert_array_equal(a, b)  # the same operations on the same state: bit for bit


# ----------------------------------------------------------------------------- growing
def test_fade_in_at_alpha_zero_is_the_lower_resolution_upsampled():
    model = tiny(phase_images=10**6)
    model.images_seen.assign(10**6)  # the start of 8x8's fade-in
    model._advance()
    assert (model.stage, model.alpha) == (1, 0.0)
    codes = model.sample_codes(5, seed=0)
    nets = model._nets
    np.testing.assert_array_equal(nets.g_train[1](codes), upsample(nets.g_stable[0](codes), 2))
    np.testing.assert_array_equal(model.generate(5, seed=0), model.generate(5, seed=0, stage=0))
    x = images(5)
    np.testing.assert_array_equal(model.real_at(x, 1), upsample(model.real_at(x, 0), 2))
    np.testing.assert_array_equal(nets.d[1](model.real_at(x, 1)), nets.d[0](model.real_at(x, 0)))
    model.fade.alpha.assign(1.0)  # faded in: the new blocks alone
    np.testing.assert_array_equal(nets.g_train[1](codes), nets.g_stable[1](codes))
    assert not np.allclose(nets.g_stable[1](codes), upsample(nets.g_stable[0](codes), 2))


@pytest.mark.slow
def test_fit_grows_through_three_stages():
    model = ProGAN(**THREE)
    model.compile()
    before = model.generator.get_layer("to_rgb_16").kernel.numpy().copy()
    x = images(24, (14, 14, 1), seed=3)
    log = StepLog()
    model.fit(batches(np.concatenate([x, x])), epochs=1, verbose=0, callbacks=[log])  # 48 images of 40 scheduled
    assert [(r, a) for _, r, a in log.rows] == [(4, 1), (4, 1), (8, 0), (8, 0.5), (8, 1), (8, 1), (16, 0),
                                                 (16, 0.5), (16, 1), (16, 1), (16, 1), (16, 1)]
    assert (model.stage, model.alpha, int(model.images_seen.numpy())) == (2, 1.0, 48)
    assert not np.allclose(before, model.generator.get_layer("to_rgb_16").kernel.numpy())
    out = model.generate(3, seed=0)
    assert out.shape == (3, 14, 14, 1) and np.all(np.isfinite(out))
    assert sorted(model.stage_samples(2, seed=0)) == [4, 8, 16]


def test_generate_shape_range_determinism_and_stages(runs):
    model = runs["whole"]
    a = model.generate(6, seed=0)
    assert a.dtype == np.float32 and a.shape == (6, 6, 6, 1) and 0.0 <= a.min() and a.max() <= 1.0
    np.testing.assert_array_equal(a, model.generate(6, seed=0))
    np.testing.assert_array_equal(model.sample_codes(6, seed=0)[:2], model.sample_codes(2, seed=0))
    # the draws are the same, the images equal to float rounding: a CPU may pick other kernels for
    # another batch size (differences of 1.2e-7 seen)
    np.testing.assert_allclose(a[:2], model.generate(2, seed=0), rtol=1e-5, atol=1e-6)
    assert not np.allclose(a, model.generate(6, seed=1))
    np.testing.assert_array_equal(model(model.sample_codes(6, seed=0)).numpy().clip(0, 1), a)
    # stage 0: 4x4 blown up to 8x8 (2x2 blocks), cropped by 1: rows 1-2 and 3-4 of the crop are blocks
    low = model.generate(4, seed=0, stage=0)
    np.testing.assert_array_equal(low[:, 1], low[:, 2])
    np.testing.assert_array_equal(low[:, :, 3], low[:, :, 4])
    samples = model.stage_samples(3, seed=0)
    assert sorted(samples) == [4, 8]
    np.testing.assert_allclose(samples[4], low[:3], rtol=1e-5, atol=1e-6)  # 3 rows, then 4: float rounding
    np.testing.assert_array_equal(samples[8], model.generate(3, seed=0, stage=1))
    assert model.interpolate(0, 1, steps=3).shape == (3, 6, 6, 1)


def test_the_card_figure_has_a_row_per_stage(runs, tmp_path):
    from PIL import Image

    from zoo import registry
    from zoo.eval import progressive

    assert progressive.grows(registry.get_spec("progan-mnist")) and not progressive.grows(registry.get_spec("dcgan-mnist"))
    model = runs["whole"]  # grown to 8x8, outputs 6x6
    assert progressive.figure(model, str(tmp_path / "f.png"), n=3) == [4, 8]
    img = np.asarray(Image.open(tmp_path / "f.png"))
    assert img.shape == (progressive.SCALE * (2 * 8 + 2), progressive.SCALE * (3 * 8 + 2))  # 6x6 tiles, 2-pixel gutters
    rows = model.stage_samples(3, seed=0)
    tile = img[::progressive.SCALE, ::progressive.SCALE][2:8, 2:8]  # the first stage's first sample
    np.testing.assert_allclose(tile / 255.0, rows[4][0, ..., 0], atol=1 / 255)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, message", [
    (dict(filters=[8, 4, 4]), r"filters must list the channels of each resolution \[4, 8\]"),
    (dict(filters=[8, 0]), "filters must be an int in"),
    (dict(data_shape=[6, 6]), "data_shape must have 3 dimensions"),
    (dict(data_shape=[2048, 2048, 1]), "holds more than|at most 1024"),
    (dict(phase_images=0), "phase_images must be an int"),
    (dict(gp_weight=-1.0), "gp_weight must be a number >= 0"),
    (dict(drift_weight=float("nan")), "drift_weight must be a number >= 0"),
    (dict(group_size=-2), "group_size must be an int"),
])
def test_bad_constructor_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ProGAN(**{**TINY, **kwargs})


def test_bad_generate_arguments_are_named():
    model = ProGAN(**TINY)
    with pytest.raises(ValueError, match=r"stage must be an int in \[0, 1\]"):
        model.generate(2, seed=0, stage=2)
    with pytest.raises(ValueError, match="stage must be an int"):
        model.generate(2, seed=0, stage=0.5)
    with pytest.raises(ValueError, match="n must be an int"):
        model.generate(0, seed=0)
    with pytest.raises(ValueError, match="codes must have shape"):
        model.decode(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="group_size must be an integer"):
        MinibatchStdDev(-1)


# ----------------------------------------------------------------------------- evaluation
def test_the_fashion_ids_say_their_feature_network_is_not_pinned(monkeypatch):
    from zoo.eval import features

    monkeypatch.delitem(features.FEATURE_NETWORKS, "fashion_mnist", raising=False)  # not pinned yet, or unpinned here
    with pytest.warns(RuntimeWarning, match="Fashion-MNIST.*fashion-classifier"):
        assert E.evaluate(ProGAN(**TINY), registry.get_spec("progan-fashion"), n_samples=50) == {}


@pytest.mark.slow
def test_the_mnist_id_gets_the_sample_metrics_of_the_gan_suite():
    model = ProGAN(data_shape=[28, 28, 1], latent_dim=8, filters=[4, 4, 4, 4], phase_images=8)
    res = E.evaluate(model, registry.get_spec("progan-mnist"), n_samples=200)
    for key in ("fid", "kid", "precision", "recall", "classes_covered"):
        assert np.isfinite(res["eval"][key]) and key in res["protocol"], key
    assert "generate(200, seed=0)" in res["protocol"]["fid"]
