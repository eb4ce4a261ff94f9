"""Classifier family on a tiny preset; the shipped mnist-classifier reaches >= 99.2%."""

import json

import numpy as np
import pytest
import keras

import zoo
from zoo import registry
from zoo.registry import FAMILIES
from zoo.models.classifier import Classifier

PRESETS = registry.TINY["Classifier"]

from conftest import pretrained_available


def tiny(**kw):
    m = Classifier(**{**PRESETS["tiny"], **kw})
    m.compile(optimizer=keras.optimizers.Adam(1e-2))
    return m


def images(n=16, side=8, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, side, side, 1)).astype(np.float32)


def test_registered_family_and_catalog_entry():
    assert FAMILIES["Classifier"] is Classifier
    spec = zoo.registry.get_spec("mnist-classifier")
    assert spec.family == "Classifier" and spec.dataset == "mnist" and "classify" in spec.tasks
    m = zoo.load("mnist-classifier", pretrained=False)
    assert isinstance(m, Classifier)
    # Bundled weights budget: 8 MB of float32.
    assert m.count_params() * 4 < 8e6
    # The recipe's optimizer (Adam 1e-3) is restored by compile_from_config.
    assert m.optimizer.learning_rate.numpy() == pytest.approx(1e-3)


def test_tiny_builds_and_outputs_have_documented_shapes():
    m = tiny()
    x = images(5)
    assert m(x).shape == (5, 10)
    f = m.features(x)
    assert f.shape == (5, PRESETS["tiny"]["units"]) and f.dtype == np.float32
    assert np.all(f >= 0)  # post-ReLU activations
    p = m.predict_proba(x)
    np.testing.assert_allclose(p.sum(1), 1.0, rtol=1e-5)
    labels = m.predict_labels(x)
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(labels, p.argmax(1))
    # (n, H, W) grayscale is accepted and means the same as (n, H, W, 1).
    np.testing.assert_array_equal(m.predict_labels(x[..., 0]), labels)
    f2, labels2 = m.features_and_labels(x, batch_size=3)
    np.testing.assert_allclose(f2, f, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(labels2, labels)
    # Batching does not change the result.
    np.testing.assert_allclose(m.features(x, batch_size=2), f, rtol=1e-5, atol=1e-6)


def test_features_are_the_penultimate_layer():
    m = tiny()
    x = images(4)
    sub = keras.Model(m.network.input, m.network.get_layer("features").output)
    np.testing.assert_allclose(m.features(x), keras.ops.convert_to_numpy(sub(x, training=False)),
                               rtol=1e-5, atol=1e-6)


def test_augmentation_acts_in_training_only():
    m = tiny(dropout=0.0)
    x = images(8)
    ops = keras.ops
    np.testing.assert_array_equal(ops.convert_to_numpy(m(x)), ops.convert_to_numpy(m(x)))
    assert not np.allclose(ops.convert_to_numpy(m(x, training=True)), ops.convert_to_numpy(m(x)))
    plain = tiny(dropout=0.0, translate=0.0, rotate=0.0, batch_norm=False)
    np.testing.assert_allclose(ops.convert_to_numpy(plain(x, training=True)), ops.convert_to_numpy(plain(x)),
                               rtol=1e-5, atol=1e-6)


def test_config_and_weights_round_trip(tmp_path):
    m = tiny()
    cfg = json.loads(json.dumps(m.get_config()))  # JSON-able
    clone = Classifier.from_config(cfg)
    assert clone.get_config() == m.get_config()
    path = str(tmp_path / "w.weights.h5")
    m.save_weights(path)
    clone.load_weights(path)
    x = images(6)
    np.testing.assert_array_equal(clone.logits(x), m.logits(x))


def test_save_pretrained_and_load_round_trip(tmp_path):
    m = tiny()
    m.fit(images(16), np.arange(16) % 10, batch_size=8, epochs=1, verbose=0)
    folder = m.save_pretrained(tmp_path / "clf")
    loaded = zoo.load(folder)
    assert isinstance(loaded, Classifier)
    x = images(6, seed=3)
    np.testing.assert_allclose(loaded.logits(x), m.logits(x), rtol=1e-6)
    assert loaded.optimizer.learning_rate.numpy() == pytest.approx(1e-2)
    loaded.fit(x, np.arange(6), epochs=1, verbose=0)  # compiled, ready to fine-tune


def test_two_fit_steps_change_weights_with_finite_loss():
    m = tiny()
    before = [np.array(w) for w in m.trainable_weights]
    hist = m.fit(images(16), np.arange(16) % 10, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(hist.history["loss"][-1])
    assert 0.0 <= hist.history["accuracy"][-1] <= 1.0
    assert int(m.optimizer.iterations) == 2
    assert all(not np.allclose(a, np.array(b)) for a, b in zip(before, m.trainable_weights))


def test_compile_from_config_accepts_only_builtin_optimizers():
    m = Classifier(**PRESETS["tiny"])
    m.compile_from_config({"optimizer": keras.optimizers.serialize(keras.optimizers.SGD(0.1)),
                           "jit_compile": False, "loss": "ignored"})
    assert isinstance(m.optimizer, keras.optimizers.SGD)
    assert m.get_compile_config()["optimizer"]["class_name"] == "SGD"
    # A learning-rate schedule is deserialized without touching the caller's (recipe's) dict.
    sched = keras.optimizers.schedules.CosineDecay(1e-3, 100)
    cfg = {"optimizer": keras.optimizers.serialize(keras.optimizers.Adam(sched))}
    before = json.dumps(cfg)
    m.compile_from_config(cfg)
    assert json.dumps(cfg) == before
    assert m.optimizer.learning_rate.numpy() == pytest.approx(1e-3)
    with pytest.raises(ValueError, match="built-in optimizers"):
        m.compile_from_config({"optimizer": {"class_name": "os.system", "config": {}}})


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.zeros((2, 9, 8, 1), np.float32), "shape"),
        (np.zeros((8, 8, 1), np.float32), "shape"),
        (np.zeros((2, 8, 8, 1), np.uint8), "float"),
        (np.full((2, 8, 8, 1), np.nan, np.float32), "NaN"),
        (np.full((2, 8, 8, 1), 255.0, np.float32), r"\[0, 1\]"),
        (-np.ones((2, 8, 8, 1), np.float32), r"\[0, 1\]"),
        (np.zeros((0, 8, 8, 1), np.float32), "empty"),
    ],
)
def test_bad_inputs_raise_clear_errors(bad, match):
    m = tiny()
    for fn in (m.features, m.predict_labels, m.predict_proba):
        with pytest.raises(ValueError, match=match):
            fn(bad)


@pytest.mark.parametrize(
    "kw",
    [dict(input_shape=[8, 8]), dict(input_shape=[6, 6, 1]), dict(dropout=1.0), dict(num_classes=1),
     dict(translate=0.5), dict(rotate=-0.1)],
)
def test_bad_configs_raise(kw):
    with pytest.raises(ValueError):
        Classifier(**{**PRESETS["tiny"], **kw})


@pytest.mark.slow
@pytest.mark.skipif(not pretrained_available("mnist-classifier"), reason="mnist-classifier not trained")
def test_shipped_classifier_reaches_99_2_percent_on_the_test_split():
    from zoo.eval import evaluate_id

    res = evaluate_id("mnist-classifier")  # zoo.load + the whole MNIST test split
    assert res["eval"]["test_accuracy"] >= 0.992, res
    assert "10,000" in res["protocol"]["test_accuracy"]
    x, _ = zoo.data.arrays("mnist", split="test", num_examples=10)
    assert zoo.load("mnist-classifier").features(x).shape == (10, 128)
