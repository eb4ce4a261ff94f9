"""Class-conditional GAN on tiny presets: labels, the matching-aware loss against hand-computed
values, fit on (x, y), saving, class walks, and the conditional-accuracy suite."""

import warnings

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
from zoo import capabilities as cap
from zoo import eval as E
from zoo import registry
from zoo.eval import conditional
from zoo.models.cgan import ConditionalGAN, matching_aware_loss
from zoo.models.classifier import Classifier

TINY = registry.TINY["ConditionalGAN"]["tiny"]  # 8x8x1 images, 3 classes


def tiny(**kw):
    return ConditionalGAN(**{**TINY, **kw})


def pairs(n=16, seed=0, classes=3, batch=8, labels=None):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, 8, 8, 1)).astype(np.float32)
    y = rng.integers(0, classes, n) if labels is None else labels
    return x, y, tf.data.Dataset.from_tensor_slices((x, y)).batch(batch, drop_remainder=True)


def softplus(v):
    return np.log1p(np.exp(np.asarray(v, np.float64)))


# ----------------------------------------------------------------------------- labels
def test_generate_returns_one_sample_per_label_and_the_label_matters():
    g = tiny()
    x = g.generate(3, seed=0, labels=[0, 1, 2])
    assert x.shape == (3, 8, 8, 1) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    np.testing.assert_array_equal(g.generate(4, seed=5, labels=2), g.generate(4, seed=5, labels=[2, 2, 2, 2]))
    # Same codes, other classes: other images (the label reaches the output through G's embedding).
    assert not np.allclose(g.generate(4, seed=5, labels=0), g.generate(4, seed=5, labels=1))
    assert cap.has(g, cap.Conditional) and cap.has(g, cap.Generator)


def test_same_seed_same_images_and_the_first_k_do_not_depend_on_n():
    g = tiny()
    np.testing.assert_array_equal(g.generate(6, seed=3), g.generate(6, seed=3))
    np.testing.assert_array_equal(g.generate(6, seed=3, labels=[0, 1, 2, 0, 1, 2]),
                                  g.generate(6, seed=3, labels=[0, 1, 2, 0, 1, 2]))
    np.testing.assert_array_equal(g.sample_codes(6, seed=3)[:2], g.sample_codes(2, seed=3))
    np.testing.assert_array_equal(g.sample_labels(6, seed=3)[:2], g.sample_labels(2, seed=3))
    # the draws are the same, the images equal to float rounding: a CPU may pick other kernels for
    # another batch size (differences of 1.2e-7 seen)
    np.testing.assert_allclose(g.generate(2, seed=3), g.generate(6, seed=3)[:2], rtol=1e-5, atol=1e-6)
    assert not np.allclose(g.generate(6, seed=3), g.generate(6, seed=4))
    drawn = g.sample_labels(3000, seed=0)
    assert drawn.dtype == np.int32 and set(np.unique(drawn)) == {0, 1, 2}  # uniform over the classes
    assert abs(np.mean(drawn == 1) - 1 / 3) < 0.03


@pytest.mark.parametrize("labels,msg", [
    ([0, 1, 3], r"labels must be in \[0, 2\], got values in \[0, 3\]"),
    ([0, -1, 2], r"labels must be in \[0, 2\]"),
    ([0, 1], r"labels must hold one class id per example, shape \(3,\)"),
    ([[0, 1, 2]], "labels must hold one class id per example"),
    ([0.0, 1.0, 2.0], "labels must be integer class ids in \\[0, 3\\), got dtype float64"),
    (1.0, "labels must be integer class ids"),
    ([True, False, True], "labels must be integer class ids"),
    (["a", "b", "c"], "labels must be integer class ids"),
    (7, r"labels must be in \[0, 2\]"),
])
def test_wrong_labels_are_rejected_naming_labels(labels, msg):
    g = tiny()
    with pytest.raises(ValueError, match=msg):
        g.generate(3, seed=0, labels=labels)
    with pytest.raises(ValueError, match=msg):
        g.decode(g.sample_codes(3, seed=0), labels)


def test_decode_needs_labels_and_project_is_refused():
    g = tiny()
    with pytest.raises(ValueError, match="labels are required"):
        g.decode(g.sample_codes(2, seed=0))
    with pytest.raises(TypeError, match="cannot project"):
        g.project(np.zeros((1, 8, 8, 1), np.float32))
    assert not cap.has(g, cap.Projector) and not cap.has(g, cap.Inpainter)


# ----------------------------------------------------------------------------- the matching-aware loss
def test_matching_aware_loss_against_hand_computed_values():
    r, f, w = [0.0, 2.0], [1.0, -1.0], [0.0, 3.0]
    # -E log D(x, y) - [E log(1 - D(G(c, y), y)) + E log(1 - D(x, y'))] / 2, logits in, by hand:
    # (ln 2 + sp(-2)) / 2 + (sp(1) + sp(-1)) / 4 + (ln 2 + sp(3)) / 4 = 0.410038 + 0.406631 + 0.935433
    assert float(matching_aware_loss(r, f, w)) == pytest.approx(1.752102, abs=1e-5)
    assert float(matching_aware_loss(r, f, w, "minimax")) == pytest.approx(1.752102, abs=1e-5)
    # least squares: (1 + 1) / 4 + (1 + 1) / 8 + (0 + 9) / 8
    assert float(matching_aware_loss(r, f, w, "least-squares")) == pytest.approx(1.875, abs=1e-6)
    # Wasserstein: E[f] / 2 + E[w] / 2 - E[r] = 0 + 0.75 - 1
    assert float(matching_aware_loss(r, f, w, "wasserstein")) == pytest.approx(-0.25, abs=1e-6)


def test_the_discriminator_loss_counts_the_three_pairs():
    g = tiny(seed=1)
    rng = np.random.default_rng(0)
    x, fake = (rng.uniform(0, 1, (4, 8, 8, 1)).astype(np.float32) for _ in range(2))
    y, wrong = np.array([0, 1, 2, 0], np.int32), np.array([1, 2, 0, 2], np.int32)
    eye = np.eye(3, dtype=np.float32)

    def scores(images, labels):
        return np.asarray(g.discriminator([tf.constant(images), tf.constant(eye[labels])]), np.float64).ravel()

    real_s, fake_s, wrong_s = scores(x, y), scores(fake, y), scores(x, wrong)
    assert np.ptp(np.concatenate([real_s, fake_s, wrong_s])) > 1e-4  # the three kinds score differently
    expected = softplus(-real_s).mean() + 0.5 * softplus(fake_s).mean() + 0.5 * softplus(wrong_s).mean()
    x, fake = tf.constant(x), tf.constant(fake)
    loss, r, f = g.discriminator_loss(x, y, wrong, fake, training=False)
    assert float(loss) == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(np.ravel(r), real_s, rtol=1e-5)
    # Without the mismatching term (same weights): the plain conditional GAN loss; y' plays no part.
    plain = tiny(seed=1, matching_aware=False)
    plain.set_weights(g.get_weights())
    for other in (wrong, np.array([2, 0, 1, 1], np.int32)):
        loss, _, _ = plain.discriminator_loss(x, y, other, fake, training=False)
        assert float(loss) == pytest.approx(softplus(-real_s).mean() + softplus(fake_s).mean(), rel=1e-5)


def test_mismatching_labels_always_differ_and_cover_the_other_classes():
    g = tiny(num_classes=4)
    y = np.repeat(np.arange(4, dtype=np.int32), 500)
    wrong = np.asarray(g.mismatched(y))
    assert not np.any(wrong == y) and wrong.min() >= 0 and wrong.max() < 4
    for c in range(4):
        assert set(np.unique(wrong[y == c])) == set(range(4)) - {c}


# ----------------------------------------------------------------------------- training and saving
@pytest.mark.parametrize("kw", [{}, dict(conditioning="concat", matching_aware=False),
                                dict(loss="wasserstein", n_critic=2, gp_weight=10.0)],
                         ids=["projection", "concat-nomismatch", "wgan-gp"])
def test_fit_on_labelled_datasets_trains_both_networks(kw):
    g = tiny(**kw)
    g.compile()
    k = g.n_critic
    before = [w.numpy().copy() for w in g.generator.trainable_weights + g.discriminator.trainable_weights]
    emb = g.generator.get_layer("label_embedding").kernel
    emb0 = emb.numpy().copy()
    _, _, ds = pairs(n=16 * k, batch=8 * k)
    hist = g.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(hist.history["d_loss"][-1]) and np.isfinite(hist.history["g_loss"][-1])
    after = g.generator.trainable_weights + g.discriminator.trainable_weights
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(before, after))
    assert not np.allclose(emb.numpy(), emb0)  # G's label embedding learns
    assert int(g.d_optimizer.iterations) == 2 * k and int(g.g_optimizer.iterations) == 2
    # arrays work too, labels as (n, 1)
    x, y, _ = pairs(n=8 * k)
    g.fit(x, y[:, None], batch_size=8 * k, epochs=1, verbose=0)


def test_fit_refuses_missing_float_or_out_of_range_labels():
    g = tiny()
    g.compile()
    x, y, _ = pairs()
    with pytest.raises(ValueError, match="training labels are missing.*with_labels=True"):
        g.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="training labels must be integer class ids"):
        g.fit(x, y.astype(np.float32), batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"training labels must be in \[0, 2\]"):
        g.fit(x, np.full(16, 5), batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="training labels must be integer"):  # the train step's own check
        g.train_step((tf.constant(x[:8]), tf.constant(y[:8], tf.float32)))
    assert int(g.g_optimizer.iterations) == 0


def test_save_pretrained_then_zoo_load_round_trip(tmp_path):
    g = tiny(conditioning="concat")
    g.compile()
    g.fit(pairs()[2], epochs=1, verbose=0)
    g.save_pretrained(tmp_path / "m")
    h = zoo.load(str(tmp_path / "m"))
    assert type(h) is ConditionalGAN and h.get_config() == g.get_config()
    assert h.get_config()["conditioning"] == "concat" and h.get_config()["matching_aware"] is True
    np.testing.assert_array_equal(h.generate(6, seed=2, labels=[0, 1, 2, 2, 1, 0]),
                                  g.generate(6, seed=2, labels=[0, 1, 2, 2, 1, 0]))
    np.testing.assert_array_equal(h.interpolate(0, 1, steps=3), g.interpolate(0, 1, steps=3))
    h.fit(pairs(seed=1)[2], epochs=1, verbose=0)  # compiled on load: ready to fine-tune
    assert int(h.g_optimizer.iterations) == 2


@pytest.mark.parametrize("kw,msg", [
    (dict(conditioning="hidden"), "conditioning"), (dict(num_classes=1), "num_classes"),
    (dict(matching_aware="yes"), "matching_aware"), (dict(unrolled_steps=2), "unrolled_steps"),
    (dict(pack=2), "pack"),
    (dict(embed_dim=0), "embed_dim"), (dict(architecture="resnet"), "architecture"),
])
def test_bad_constructor_arguments(kw, msg):
    with pytest.raises(ValueError, match=msg):
        tiny(**kw)


# ----------------------------------------------------------------------------- walks between classes
def test_interpolate_and_change_class_keep_the_code_and_move_the_class():
    g = tiny()
    path = g.interpolate(4, 9, steps=5)
    assert path.shape == (5, 8, 8, 1)
    np.testing.assert_allclose(path[0], g.generate(1, seed=4)[0], atol=1e-6)  # each seed's own class
    np.testing.assert_allclose(path[-1], g.generate(1, seed=9)[0], atol=1e-6)
    walk = g.interpolate(4, 4, steps=4, labels=(0, 2))  # one code (the style), the class from 0 to 2
    np.testing.assert_allclose(walk[0], g.generate(1, seed=4, labels=0)[0], atol=1e-6)
    np.testing.assert_allclose(walk[-1], g.generate(1, seed=4, labels=2)[0], atol=1e-6)
    assert not np.allclose(walk[1], walk[0]) and not np.allclose(walk[1], walk[-1])  # a blend in between
    one = g.interpolate(4, 9, steps=3, labels=1)
    np.testing.assert_allclose(one[-1], g.generate(1, seed=9, labels=1)[0], atol=1e-6)
    sweep = g.change_class(4)
    assert sweep.shape == (3, 8, 8, 1)
    np.testing.assert_allclose(sweep, g.decode(np.repeat(g.sample_codes(1, 4), 3, axis=0), [0, 1, 2]), atol=1e-6)
    with pytest.raises(ValueError, match="labels"):
        g.interpolate(0, 1, labels=(0, 5))


# ----------------------------------------------------------------------------- conditional accuracy
@pytest.fixture(scope="module")
def small_clf():
    return Classifier(**{**registry.get_spec("mnist-classifier").config, "filters": 4, "units": 16})


def digits_cgan():
    return ConditionalGAN(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=8, g_filters=4, d_filters=4,
                          embed_dim=4)


def test_conditional_accuracy_counts_the_asked_class_per_class(small_clf):
    class Perfect:  # "generates" real test images of the asked class: scores what the classifier scores on them
        def generate(self, n, seed=None, labels=None):
            x, y = E.real_images("test", 2000)
            labels = np.asarray(labels)
            rank = [int(np.sum(labels[:i] == c)) for i, c in enumerate(labels)]  # the r-th image of class c
            return np.stack([x[np.flatnonzero(y == c)[r]] for c, r in zip(labels, rank)])

    x, y = E.real_images("test", 2000)
    clf_pred = small_clf.predict_labels(x)
    res = conditional.conditional_metrics(Perfect(), "mnist", n_samples=200, classifier=small_clf)
    ev = res["eval"]
    assert set(ev) == set(res["protocol"])
    rows = [ev[f"conditional_accuracy_class_{c}"] for c in range(10)]
    hand = [np.mean(clf_pred[np.flatnonzero(y == c)[:20]] == c) for c in range(10)]  # 20 per class
    np.testing.assert_allclose(rows, hand)
    assert ev["conditional_accuracy"] == pytest.approx(np.mean(hand))
    assert ev["classifier_real_accuracy"] == pytest.approx(np.mean(small_clf.predict_labels(x[:200]) == y[:200]))
    assert "20 of each class" in res["protocol"]["conditional_accuracy"]
    assert "class 3 (3)" in res["protocol"]["conditional_accuracy_class_3"]


def test_the_suite_chooses_conditional_accuracy_by_capability(small_clf):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an untrained feature net has dead units
        res = E.evaluate(digits_cgan(), registry.get_spec("cgan-mnist"), n_samples=100, classifier=small_clf)
    ev = res["eval"]
    for key in ("conditional_accuracy", "classifier_real_accuracy", "conditional_accuracy_class_9",
                "classifier_real_accuracy_class_0", "fid", "classes_covered"):  # and the image-GAN suite's
        assert key in ev and np.isfinite(ev[key]), key
    assert 0.0 <= ev["conditional_accuracy"] <= 1.0


def test_fashion_without_a_pinned_classifier_says_so_and_does_not_crash(monkeypatch):
    from zoo.eval import features

    monkeypatch.delitem(features.FEATURE_NETWORKS, "fashion_mnist", raising=False)
    with pytest.warns(RuntimeWarning, match="Fashion-MNIST.*fashion-classifier.*python -m training.train "
                                            "fashion-classifier"):
        assert E.evaluate(digits_cgan(), registry.get_spec("cgan-fashion"), n_samples=50) == {}
    assert conditional.conditional_metrics(digits_cgan(), "ring8") == {}  # no labelled images: nothing to say


def test_catalog_ids():
    for mid, aware in (("cgan-mnist", True), ("cgan-nomismatch-mnist", False), ("cgan-fashion", True)):
        spec = registry.get_spec(mid)
        assert spec.config["matching_aware"] is aware and spec.recipe.with_labels
        assert "conditional" in spec.tasks and spec.primary_metric == ("conditional_accuracy", "max")
    # the pitfall pair differs in the mismatching term only
    a, b = registry.get_spec("cgan-mnist"), registry.get_spec("cgan-nomismatch-mnist")
    assert {k: v for k, v in a.config.items() if k != "matching_aware"} == \
           {k: v for k, v in b.config.items() if k != "matching_aware"} and a.recipe == b.recipe
    assert keras.saving.get_registered_object("zoo>ConditionalGAN") is ConditionalGAN
