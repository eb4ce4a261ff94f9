"""pix2pix on tiny presets: the paired data (exact, seeded), the losses against hand-computed
values, translate (shapes, range, seeded dropout noise, bad input), the PatchGAN's patch, the
L1-only ablation, fit, saving, and the translation suite."""

import warnings

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
from conftest import with_steps
from zoo import capabilities as cap
from zoo import data
from zoo import eval as E
from zoo import registry
from zoo.data import paired
from zoo.eval import translation
from zoo.models.classifier import Classifier
from zoo.models.pix2pix import (Pix2Pix, build_patch_discriminator, discriminator_loss, generator_loss,
                                l1_distance, patch_size)

TINY = registry.TINY["Pix2Pix"]["tiny"]  # 8x8x1 -> 8x8x1


def tiny(**kw):
    return Pix2Pix(**{**TINY, **kw})


def sources(n=6, seed=0, shape=(8, 8, 1)):
    return np.random.default_rng(seed).uniform(0, 1, (n, *shape)).astype(np.float32)


def digit_pairs(n=64, side=16):
    """Real pairs at a tiny model's size: MNIST test digits cropped to their centre, and their edges."""
    x, _ = data.image_arrays("mnist", "test")
    lo = (28 - side) // 2
    crops = x[:n, lo: lo + side, lo: lo + side]
    return paired.edges(crops).astype(np.float32)[..., None], (crops / 255.0).astype(np.float32)[..., None]


def softplus(v):
    return np.log1p(np.exp(np.asarray(v, np.float64)))


# ----------------------------------------------------------------------------- data
def test_edges_of_one_pixel_by_hand():
    img = np.zeros((1, 5, 5), np.float32)
    img[0, 2, 2] = 1.0
    mag = paired.sobel_magnitude(img)[0]
    # The 4-neighbours see the pixel through the derivative (1) and the smoothing's centre weight (2);
    # the diagonals through weights 1 and 1 (sqrt 2); the pixel itself has no gradient.
    assert mag[2, 1] == mag[2, 3] == mag[1, 2] == mag[3, 2] == pytest.approx(2.0)
    assert mag[1, 1] == pytest.approx(np.sqrt(2.0)) and mag[2, 2] == 0.0
    expected = np.zeros((5, 5), np.uint8)
    expected[2, 1] = expected[2, 3] = expected[1, 2] = expected[3, 2] = 1  # >= 2: edges; sqrt 2: not
    np.testing.assert_array_equal(paired.edges(img)[0], expected)
    np.testing.assert_array_equal(paired.edges((img * 255).astype(np.uint8))[0], expected)  # uint8 pixels too


def test_pairs_are_exact_and_the_source_is_the_edge_map_of_the_target():
    src, tgt = data.arrays("edges2digits", "test", num_examples=200)
    assert src.shape == tgt.shape == (200, 28, 28, 1) and src.dtype == tgt.dtype == np.float32
    assert set(np.unique(src)) == {0.0, 1.0} and 0 <= tgt.min() and tgt.max() <= 1
    x, y = data.image_arrays("mnist", "test")
    np.testing.assert_array_equal(tgt[..., 0], x[:200] / np.float32(255))  # the digits themselves, in order
    np.testing.assert_array_equal(src[..., 0], paired.sobel_magnitude(tgt[..., 0]) >= paired.THRESHOLD)
    np.testing.assert_array_equal(paired.classes("edges2digits", "test", 200), y[:200])
    fs, ft = data.arrays("edges2fashion", "test", num_examples=5)
    np.testing.assert_array_equal(ft[..., 0], data.image_arrays("fashion_mnist", "test")[0][:5] / np.float32(255))
    np.testing.assert_array_equal(fs[..., 0], paired.edges(ft[..., 0]))
    assert data.kind("edges2digits") == "images" and data.DATASETS["edges2fashion"][0] == (28, 28, 1)


def test_load_yields_seeded_source_target_batches():
    def first(**kw):
        s, t = next(iter(data.load("edges2digits", batch_size=16, num_examples=512, **kw)))
        return s.numpy(), t.numpy()

    s, t = first(seed=3)
    assert s.shape == t.shape == (16, 28, 28, 1) and s.dtype == t.dtype == np.float32
    np.testing.assert_array_equal(paired.edges(t[..., 0]), s[..., 0])  # each pair stays a pair when shuffled
    for a, b in zip(first(seed=3), (s, t)):
        np.testing.assert_array_equal(a, b)  # same seed, same pairs
    assert not np.array_equal(first(seed=4)[1], t)
    test_s, test_t = next(iter(data.load("edges2digits", split="test", batch_size=8)))  # held out, in order
    np.testing.assert_array_equal(test_t.numpy(), data.arrays("edges2digits", "test", num_examples=8)[1])
    with pytest.raises(ValueError, match="with_labels must be False"):
        data.load("edges2digits", with_labels=True)
    with pytest.raises(ValueError, match="Unknown split"):
        data.load("edges2fashion", split="valid")


# ----------------------------------------------------------------------------- losses
def test_losses_against_hand_computed_values():
    y, out = np.array([[0.0, 1.0], [0.5, 0.25]]), np.array([[0.5, 1.0], [0.0, 0.25]])
    assert float(l1_distance(y, out)) == pytest.approx(0.25)  # (0.5 + 0 + 0.5 + 0) / 4
    real, fake = np.array([0.0, 2.0]), np.array([1.0, -1.0])
    # (-E log D(x, y) - E log(1 - D(x, G(x)))) / 2 with logits: (E sp(-r) + E sp(f)) / 2
    hand = 0.5 * (softplus(-real).mean() + softplus(fake).mean())
    assert float(discriminator_loss(real, fake)) == pytest.approx(hand, rel=1e-6)
    total, gan, l1 = generator_loss(fake, y, out, l1_weight=100.0)
    assert float(gan) == pytest.approx(softplus(-fake).mean(), rel=1e-6)  # non-saturating: -E log D(x, G(x))
    assert float(l1) == pytest.approx(0.25) and float(total) == pytest.approx(float(gan) + 25.0, rel=1e-6)
    total, gan, _ = generator_loss(None, y, out, l1_weight=100.0)  # the L1-only ablation
    assert float(gan) == 0.0 and float(total) == pytest.approx(25.0)


# ----------------------------------------------------------------------------- networks
def test_the_patchgan_sees_pairs_and_judges_patches_of_patch_size():
    assert patch_size(3) == 70 and patch_size(1) == 16  # the paper's 70x70; the presets' 16x16
    d = build_patch_discriminator((32, 32, 2), filters=4, d_layers=1)
    x = tf.constant(np.random.default_rng(0).uniform(0, 1, (1, 32, 32, 2)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logit = d(x, training=False)[0, 8, 8, 0]
    seen = np.argwhere(np.any(np.asarray(tape.gradient(logit, x))[0] != 0, axis=-1))
    assert d.output_shape == (None, 16, 16, 1)
    assert np.ptp(seen[:, 0]) + 1 == np.ptp(seen[:, 1]) + 1 == 16  # one logit, one 16x16 patch of both channels
    g = tiny()
    assert g.discriminator.input_shape == (None, 8, 8, 2) == (None, *g.data_shape)  # (source, target) on channels


def test_the_generator_pads_inside_and_keeps_the_image_size():
    g = Pix2Pix(image_shape=[12, 12, 1], target_channels=2, filters=4, max_filters=8, depth=3, d_filters=4,
                d_layers=1)
    assert g.generator.output_shape == (None, 12, 12, 2)
    assert any(isinstance(layer, keras.layers.ZeroPadding2D) for layer in g.generator.layers)  # 12 -> 16
    out = g.translate(sources(3, shape=(12, 12, 1)), seed=0)
    assert out.shape == (3, 12, 12, 2) and 0 <= out.min() and out.max() <= 1


# ----------------------------------------------------------------------------- translate
def test_translate_shapes_range_and_seeded_dropout_noise():
    g = tiny()
    x = sources()
    before = [v.numpy().copy() for v in g.variables]
    a = g.translate(x, seed=0)
    assert a.shape == (6, 8, 8, 1) and a.dtype == np.float32 and 0 <= a.min() and a.max() <= 1
    np.testing.assert_array_equal(g.translate(x, seed=0), a)  # same seed, same output
    np.testing.assert_array_equal(g.translate(x[..., 0], seed=0), a)  # (n, H, W) for one channel
    assert not np.allclose(g.translate(x, seed=1), a)  # the dropout masks differ
    assert not np.allclose(g.translate(x), g.translate(x))  # seed None: fresh noise every call
    chunks = g.translate(x, seed=0, batch_size=4)  # two forward passes, masks keyed by (seed, pass)
    np.testing.assert_array_equal(chunks, g.translate(x, seed=0, batch_size=4))
    np.testing.assert_array_equal(chunks[:4], g.translate(x[:4], seed=0, batch_size=4))
    for v, b in zip(g.variables, before):  # translating changes nothing, not even the seed generators
        np.testing.assert_array_equal(v.numpy(), b, err_msg=v.path)
    assert cap.has(g, cap.Translator) and g.capability_names() == ("translate",)
    quiet = tiny(dropout=0.0)  # no noise: the seed does not matter
    np.testing.assert_array_equal(quiet.translate(x, seed=0), quiet.translate(x, seed=9))


@pytest.mark.parametrize("bad,msg", [
    (np.zeros((2, 9, 9, 1), np.float32), r"x must have shape \(n, 8, 8, 1\)"),
    (np.zeros((2, 8, 8, 2), np.float32), r"x must have shape \(n, 8, 8, 1\)"),
    (np.zeros((2, 8, 8, 1), np.uint8), "x must be float in \\[0, 1\\]"),
    (np.full((2, 8, 8, 1), np.nan, np.float32), "x: found NaN"),
    (np.full((2, 8, 8, 1), 255.0, np.float32), r"x must be in \[0, 1\]"),
    (np.zeros((0, 8, 8, 1), np.float32), "x: got an empty batch"),
])
def test_translate_rejects_bad_images_naming_x(bad, msg):
    with pytest.raises(ValueError, match=msg):
        tiny().translate(bad, seed=0)


def test_translate_rejects_bad_arguments():
    g, x = tiny(), sources(2)
    for kw, msg in ((dict(direction="b2a"), "direction must be one of"), (dict(seed=-1), "seed"),
                    (dict(seed="a"), "seed"), (dict(batch_size=0), "batch_size")):
        with pytest.raises(ValueError, match=msg):
            g.translate(x, **kw)


@pytest.mark.parametrize("kw,msg", [
    (dict(dropout=1.0), "dropout"), (dict(adversarial="no"), "adversarial"), (dict(l1_weight=-1.0), "l1_weight"),
    (dict(adversarial=False, l1_weight=0.0), "no loss"), (dict(depth=0), "depth"),
    (dict(dropout_layers=4), "dropout_layers"), (dict(image_shape=[8, 8]), "image_shape"),
    (dict(target_channels=0), "target_channels"), (dict(filters=0), "filters"),
])
def test_bad_constructor_arguments(kw, msg):
    with pytest.raises(ValueError, match=msg):
        tiny(**kw)


# ----------------------------------------------------------------------------- training
def test_one_step_updates_d_once_then_g_and_the_l1_ablation_never_touches_d():
    src, tgt = digit_pairs(16, side=8)
    ds = tf.data.Dataset.from_tensor_slices((src, tgt)).batch(8)
    g = tiny()
    g.compile(run_eagerly=True)  # a tiny model: eager steps cost less than tracing them
    d0 = [w.numpy().copy() for w in g.discriminator.trainable_weights]
    hist = g.fit(ds, epochs=1, verbose=0).history
    assert int(g.d_optimizer.iterations) == int(g.g_optimizer.iterations) == 2
    assert set(hist) == with_steps({"d_loss", "g_loss", "g_gan", "l1"})
    assert any(not np.allclose(a, w.numpy()) for a, w in zip(d0, g.discriminator.trainable_weights))
    ablation = tiny(adversarial=False)
    ablation.compile(run_eagerly=True)
    g0 = [w.numpy().copy() for w in ablation.generator.trainable_weights]
    hist = ablation.fit(ds, epochs=1, verbose=0).history
    assert ablation.discriminator is None and int(ablation.d_optimizer.iterations) == 0  # no D, no D update
    assert int(ablation.g_optimizer.iterations) == 2 and set(hist) == with_steps({"g_loss", "l1"})
    assert hist["g_loss"][-1] == pytest.approx(100.0 * hist["l1"][-1], rel=1e-5)  # lambda * L1, nothing else
    assert any(not np.allclose(a, w.numpy()) for a, w in zip(g0, ablation.generator.trainable_weights))
    # (source, target) arrays work as well as a dataset; so do pairs stacked on channels
    ablation.fit(src, tgt, batch_size=8, epochs=1, verbose=0)
    ablation.fit(np.concatenate([src, tgt], -1), batch_size=8, epochs=1, verbose=0)
    assert int(ablation.g_optimizer.iterations) == 6


def test_fit_lowers_the_l1_on_real_pairs():
    src, tgt = digit_pairs(64)
    g = Pix2Pix(**{**TINY, "image_shape": [16, 16, 1], "depth": 4, "filters": 8})
    g.compile(g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5))
    before = float(np.mean(np.abs(g.translate(src, seed=0) - tgt)))
    g.fit(tf.data.Dataset.from_tensor_slices((src, tgt)).batch(16), epochs=16, verbose=0)
    after = float(np.mean(np.abs(g.translate(src, seed=0) - tgt)))
    assert after < 0.6 * before, (before, after)


def test_fit_refuses_pairs_that_do_not_fit_naming_them():
    g = tiny()
    g.compile()
    src = sources(8)
    with pytest.raises(ValueError, match=r"training targets must have shape \(n, 8, 8, 1\)"):
        g.fit(src, sources(8, shape=(8, 8, 3)), batch_size=4, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"training data must have shape \(n, 8, 8, 1\)"):
        g.fit(sources(8, shape=(9, 9, 1)), sources(8), batch_size=4, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"training targets must be in \[0, 1\]"):
        g.fit(src, src * 255, batch_size=4, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"training data must have shape \(n, 8, 8, 2\)"):  # stacked pairs
        g.fit(src, batch_size=4, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="float targets"):  # the train step's own check
        g.train_step((tf.constant(src), tf.constant(src, tf.int32)))
    assert int(g.g_optimizer.iterations) == 0


def test_save_pretrained_then_zoo_load_round_trip(tmp_path):
    g = tiny()
    g.compile(run_eagerly=True)
    src, tgt = digit_pairs(16, side=8)
    g.fit(src, tgt, batch_size=8, epochs=1, verbose=0)
    h = zoo.load(str(g.save_pretrained(tmp_path / "m")))
    assert type(h) is Pix2Pix and h.get_config() == g.get_config()
    np.testing.assert_array_equal(h.translate(src, seed=5), g.translate(src, seed=5))
    h.fit(src, tgt, batch_size=8, epochs=1, verbose=0)  # compiled on load: ready to fine-tune
    assert int(h.g_optimizer.iterations) == int(h.d_optimizer.iterations) == 2
    assert keras.saving.get_registered_object("zoo>Pix2Pix") is Pix2Pix


# ----------------------------------------------------------------------------- catalog and evaluation
def test_catalog_ids():
    ids = zoo.list_models("pix2pix*")
    assert ids == ["pix2pix-edges2digits", "pix2pix-edges2fashion", "pix2pix-l1-edges2digits", "pix2pix-sans2serif"]
    assert set(ids) <= set(zoo.list_models(task="translate"))
    a, b = registry.get_spec("pix2pix-edges2digits"), registry.get_spec("pix2pix-l1-edges2digits")
    assert a.config["adversarial"] is True and b.config["adversarial"] is False
    assert {k: v for k, v in a.config.items() if k != "adversarial"} == \
           {k: v for k, v in b.config.items() if k != "adversarial"} and a.recipe == b.recipe  # only the loss differs
    assert a.config["l1_weight"] == 100.0 and a.card.task == "image-to-image"
    opt = a.recipe.compile["d_optimizer"]["config"]
    assert (opt["learning_rate"], opt["beta_1"]) == (2e-4, 0.5)
    assert registry.get_spec("pix2pix-edges2fashion").dataset == "edges2fashion"


@pytest.fixture(scope="module")
def small_clf():
    return Classifier(**{**registry.get_spec("mnist-classifier").config, "filters": 4, "units": 16})


def digits_pix2pix():
    return Pix2Pix(image_shape=[28, 28, 1], filters=4, max_filters=8, d_filters=4, d_layers=1)


def test_translation_metrics_by_hand(small_clf):
    g = digits_pix2pix()
    res = translation.translation_metrics(g, "edges2digits", n_samples=100, classifier=small_clf)
    ev, proto = res["eval"], res["protocol"]
    assert set(ev) == set(proto)
    src, tgt = data.arrays("edges2digits", "test", num_examples=100)
    out = g.translate(src, seed=0)
    y = paired.classes("edges2digits", "test", 100)
    assert ev["l1"] == pytest.approx(np.mean(np.abs(out - tgt)), rel=1e-6)
    assert ev["l1_copy_source"] == pytest.approx(np.mean(np.abs(src - tgt)), rel=1e-6)
    assert ev["classifier_accuracy"] == pytest.approx(np.mean(small_clf.predict_labels(out) == y))
    assert ev["classifier_real_accuracy"] == pytest.approx(np.mean(small_clf.predict_labels(tgt) == y))
    assert -1 <= ev["ssim"] < 0.9  # an untrained G is far from its targets
    assert translation.ssim(tgt[:3], tgt[:3]) == pytest.approx(1.0)  # identical images
    assert "first 100 edges2digits test pairs" in proto["l1"] and "seed=0" in proto["ssim"]
    assert translation.translation_metrics(g, "mnist") == {}  # not a paired set: nothing to say


def test_the_suite_chooses_the_translation_metrics_by_capability(small_clf):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an untrained feature net has dead units
        ev = E.evaluate(digits_pix2pix(), registry.get_spec("pix2pix-l1-edges2digits"), n_samples=50,
                        classifier=small_clf)["eval"]
    assert {"l1", "l1_copy_source", "ssim", "classifier_accuracy", "classifier_real_accuracy",
            "classifier_accuracy_gap"} == set(ev)  # no generator or other suite applies
    assert all(np.isfinite(v) for v in ev.values())


def test_fashion_without_a_pinned_classifier_reports_l1_and_ssim_and_says_why(monkeypatch):
    from zoo.eval import features

    monkeypatch.delitem(features.FEATURE_NETWORKS, "fashion_mnist", raising=False)
    with pytest.warns(RuntimeWarning, match="edges2fashion.*fashion-classifier"):
        res = E.evaluate(digits_pix2pix(), registry.get_spec("pix2pix-edges2fashion"), n_samples=30)
    assert set(res["eval"]) == {"l1", "l1_copy_source", "ssim"}
    assert "no classifier accuracy" in res["protocol"]["l1"] and "fashion-classifier" in res["protocol"]["ssim"]
